//! [`Str`]: the model's strings.
//!
//! Short values (ids, owners, statuses, dates: up to 22 bytes) are kept inside the `Str` itself, in the
//! room a boxed string takes anyway: reading them (hashing every id and reference to link them, comparing,
//! writing findings) then touches no other memory, and making or dropping one allocates nothing. Longer
//! values keep the string the parser made (moved, not copied).
//!
//! (Values used to be kept as ranges of the file's text where the file spelled them as they are. That kept
//! every file's text alive to the end of the run; owning the longer values lets a run that prints no
//! snippets let each text go once the file is checked, and reuse its memory for the next: see
//! `SourceFile::release_text`.)

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A string of the model: `&str` by [`Deref`], compared, ordered, hashed and serialized as its text.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Owned(Box<str>),
    /// `bytes[..len]`: a whole `str`, copied in.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
}

/// The longest value kept inline: what fits beside the length and the variant's tag in the 24 bytes a
/// `Str` takes (an `Option<Str>` too).
const INLINE: usize = 22;

impl Str {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            // SAFETY: `inline` copied the bytes of a whole `str`, and `len` of them.
            Repr::Inline { len, bytes } => unsafe {
                std::str::from_utf8_unchecked(bytes.get_unchecked(..*len as usize))
            },
        }
    }

    /// `s` kept inline, if it is short enough.
    fn inline(s: &str) -> Option<Str> {
        (s.len() <= INLINE).then(|| {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Str(Repr::Inline { len: s.len() as u8, bytes })
        })
    }

    /// Whether the text is kept inside the `Str` (for tests).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

// The size of every entity depends on it.
const _: () = assert!(std::mem::size_of::<Str>() == 24 && std::mem::size_of::<Option<Str>>() == 24);

impl Default for Str {
    fn default() -> Str {
        Str(Repr::Owned(Box::default()))
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::inline(s).unwrap_or_else(|| Str(Repr::Owned(s.into())))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::inline(&s).unwrap_or_else(|| Str(Repr::Owned(s.into_boxed_str())))
    }
}

impl From<Box<str>> for Str {
    /// Keeps the string itself unless it is short enough to be kept inline (then it is freed).
    fn from(s: Box<str>) -> Str {
        Str::inline(&s).unwrap_or(Str(Repr::Owned(s)))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        match s.0 {
            Repr::Owned(b) => b.into_string(),
            Repr::Inline { .. } => s.as_str().to_owned(),
        }
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    // As `str` hashes, so that maps keyed by `Str` can be looked up by `&str` (`Borrow`).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_inline_longer_ones_owned() {
        let plain = Str::from(Box::<str>::from("checkout"));
        assert!(plain.is_inline() && plain == "checkout");
        let escaped = Str::from("tab\there");
        assert!(escaped.is_inline() && escaped == "tab\there");
        // 22 bytes (the most kept inline) and 23, in characters of two bytes.
        let at_most = "é".repeat(11);
        let kept = Str::from(at_most.as_str());
        assert!(kept.is_inline() && kept.as_str() == at_most);
        let over = format!("{at_most}x");
        let owned = Str::from(over.clone());
        assert!(!owned.is_inline() && owned.as_str() == over);
        let boxed = Str::from(over.clone().into_boxed_str());
        assert!(!boxed.is_inline() && boxed.as_str() == over);
        assert_eq!(String::from(Str::from("")), "");
        assert_eq!(String::from(boxed), over);
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        use std::collections::HashSet;
        let inline = Str::from("same");
        let long = "the same, and long enough to be owned";
        let owned = Str::from(long);
        assert_eq!(inline, Str::from(String::from("same")));
        assert_eq!(owned, Str::from(Box::<str>::from(long)));
        let set: HashSet<Str> = [inline, owned.clone()].into_iter().collect();
        assert!(set.contains("same") && set.contains(long) && set.contains(&owned));
        assert_eq!(serde_json::to_string(&owned).unwrap(), format!("\"{long}\""));
        assert_eq!(format!("{owned} {owned:?}"), format!("{long} \"{long}\""));
    }
}
