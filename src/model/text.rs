//! [`Str`]: the model's strings, kept as ranges of the file they were read from when they can be.
//!
//! Most values in a roadmap are written as they are meant (`id: checkout-redesign`, `owner: payments`): the
//! file's own bytes *are* the value. Such a value is kept as a range of the file's text, shared with every
//! other, instead of as a string of its own: an entity then keeps no allocation per field, and the parser's
//! strings are all freed as soon as the entity is built — memory is reused the way a bare parse reuses it,
//! rather than growing by a few hundred thousand small strings. Values the file spells differently (escapes,
//! folded lines, block scalars) own their text.
//!
//! Short values (ids, owners, statuses, dates: up to 22 bytes) are kept inside the `Str` itself, in the
//! room a range takes anyway: reading them (hashing every id and reference to link them, comparing,
//! writing findings) then touches no other memory, where a range costs a cache miss into the file's text
//! per value; and making or dropping one counts no reference to the text.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use crate::load::Span;

/// A string of the model: `&str` by [`Deref`], compared, ordered, hashed and serialized as its text.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    /// `text[start..start + len]`, a range checked to lie on character boundaries when it was made.
    Source {
        text: Arc<String>,
        start: u32,
        len: u32,
    },
    Owned(Box<str>),
    /// `bytes[..len]`: a whole `str`, copied in.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
}

/// The longest value kept inline: what fits beside the length and the variant's tag in the 24 bytes the
/// other variants take.
const INLINE: usize = 22;

impl Str {
    /// `value` as read from `text` at `span`: kept as a range of `text` when `text` spells it there, as it
    /// is or between quotes; otherwise `value` itself is kept.
    pub fn from_source(text: &Arc<String>, span: Span, value: Box<str>) -> Str {
        if let Some(inline) = Str::inline(&value) {
            return inline;
        }
        let (start, end) = (span.start as usize, span.end as usize);
        let at = |s: usize, e: usize| text.get(s..e).is_some_and(|t| t == &*value);
        let start = if at(start, end) {
            start
        } else if end >= start + 2 && at(start + 1, end - 1) {
            start + 1
        } else {
            return Str(Repr::Owned(value));
        };
        Str(Repr::Source { text: Arc::clone(text), start: start as u32, len: value.len() as u32 })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `from_source` made this range only after `text.get(range)` returned it, so it lies
            // within the text and on character boundaries; the text behind the `Arc` never changes. (Checked
            // slicing reads the bytes at both ends to test the boundaries: a cache miss into the file's text
            // for callers that only pass the id along.)
            Repr::Source { text, start, len } => unsafe {
                text.get_unchecked(*start as usize..(*start + *len) as usize)
            },
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

    /// Whether the text is shared with the file (for tests).
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Source { .. })
    }

    /// Whether the text is kept inside the `Str` (for tests).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

// A `Str` is no bigger than the range it replaced (the size of every entity depends on it).
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

impl From<Str> for String {
    fn from(s: Str) -> String {
        match s.0 {
            Repr::Owned(b) => b.into_string(),
            Repr::Source { .. } | Repr::Inline { .. } => s.as_str().to_owned(),
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

    fn text(s: &str) -> Arc<String> {
        Arc::new(s.to_owned())
    }

    #[test]
    fn plain_and_quoted_values_share_the_file_text() {
        let t = text("id: checkout-redesign-phase-2\ntitle: \"Checkout, faster for everyone\"\n");
        let plain = Str::from_source(&t, Span::new(4, 29), "checkout-redesign-phase-2".into());
        assert!(plain.is_shared());
        assert_eq!(plain, "checkout-redesign-phase-2");
        let quoted = Str::from_source(&t, Span::new(37, 68), "Checkout, faster for everyone".into());
        assert!(quoted.is_shared());
        assert_eq!(quoted.as_str(), "Checkout, faster for everyone");
    }

    #[test]
    fn short_values_are_kept_inline_however_spelled() {
        let t = text("id: checkout\nb: \"tab\\there\"\nc: é\n");
        let plain = Str::from_source(&t, Span::new(4, 12), "checkout".into());
        assert!(plain.is_inline() && plain == "checkout");
        let escaped = Str::from_source(&t, Span::new(16, 27), "tab\there".into());
        assert!(escaped.is_inline() && escaped == "tab\there");
        // 22 bytes (the most kept inline) and 23, in characters of two bytes.
        let at_most = "é".repeat(11);
        let kept = Str::from(at_most.as_str());
        assert!(kept.is_inline() && kept.as_str() == at_most);
        let over = format!("{at_most}x");
        let owned = Str::from(over.clone());
        assert!(!owned.is_inline() && owned.as_str() == over);
        assert_eq!(String::from(Str::from("")), "");
    }

    #[test]
    fn values_spelled_differently_own_their_text() {
        // An escape, a folded plain scalar, a span off the text, a span inside a character (values longer
        // than what is kept inline).
        let src = "a: \"tab\\there, and then some more\"\nb: one two three four five\n  six\nc: é\n";
        let t = text(src);
        let span_of = |s: &str| {
            let at = src.find(s).unwrap();
            Span::new(at, at + s.len())
        };
        let escaped_value = "tab\there, and then some more";
        let escaped = Str::from_source(&t, span_of("\"tab\\there, and then some more\""), escaped_value.into());
        assert!(!escaped.is_shared() && !escaped.is_inline());
        assert_eq!(escaped, escaped_value);
        let folded =
            Str::from_source(&t, span_of("one two three four five\n  six"), "one two three four five six".into());
        assert!(!folded.is_shared() && !folded.is_inline());
        assert_eq!(folded, "one two three four five six");
        let gone = "gone, far beyond the end of the text";
        let outside = Str::from_source(&t, Span::new(100, 136), gone.into());
        assert_eq!(outside, gone);
        let at = src.find('é').unwrap();
        let long_x = "x".repeat(30);
        let mid_char = Str::from_source(&t, Span::new(at + 1, at + 31), long_x.clone().into());
        assert_eq!(mid_char, long_x);
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        use std::collections::HashSet;
        let t = text("x: same\n");
        let shared = Str::from_source(&t, Span::new(3, 7), "same".into());
        let owned = Str::from("same");
        assert_eq!(shared, owned);
        let set: HashSet<Str> = [shared].into_iter().collect();
        assert!(set.contains("same") && set.contains(&owned));
        assert_eq!(serde_json::to_string(&owned).unwrap(), "\"same\"");
        assert_eq!(format!("{owned} {owned:?}"), "same \"same\"");
    }
}
