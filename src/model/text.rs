//! [`Str`]: the model's strings, kept as ranges of the file they were read from when they can be.
//!
//! Most values in a roadmap are written as they are meant (`id: checkout-redesign`, `owner: payments`): the
//! file's own bytes *are* the value. Such a value is kept as a range of the file's text, shared with every
//! other, instead of as a string of its own: an entity then keeps no allocation per field, and the parser's
//! strings are all freed as soon as the entity is built — memory is reused the way a bare parse reuses it,
//! rather than growing by a few hundred thousand small strings. Values the file spells differently (escapes,
//! folded lines, block scalars) own their text.

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
}

impl Str {
    /// `value` as read from `text` at `span`: kept as a range of `text` when `text` spells it there, as it
    /// is or between quotes; otherwise `value` itself is kept.
    pub fn from_source(text: &Arc<String>, span: Span, value: Box<str>) -> Str {
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
        }
    }

    /// Whether the text is shared with the file (for tests).
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Source { .. })
    }
}

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
        Str(Repr::Owned(s.into()))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str(Repr::Owned(s.into_boxed_str()))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        match s.0 {
            Repr::Owned(b) => b.into_string(),
            Repr::Source { .. } => s.as_str().to_owned(),
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
        let t = text("id: checkout\ntitle: \"Checkout, faster\"\n");
        let plain = Str::from_source(&t, Span::new(4, 12), "checkout".into());
        assert!(plain.is_shared());
        assert_eq!(plain, "checkout");
        let quoted = Str::from_source(&t, Span::new(20, 38), "Checkout, faster".into());
        assert!(quoted.is_shared());
        assert_eq!(quoted.as_str(), "Checkout, faster");
    }

    #[test]
    fn values_spelled_differently_own_their_text() {
        // An escape, a folded plain scalar, a span off the text, a span inside a character.
        let t = text("a: \"tab\\there\"\nb: one\n  two\nc: é\n");
        let escaped = Str::from_source(&t, Span::new(3, 14), "tab\there".into());
        assert!(!escaped.is_shared());
        assert_eq!(escaped, "tab\there");
        let folded = Str::from_source(&t, Span::new(18, 28), "one two".into());
        assert!(!folded.is_shared());
        assert_eq!(folded, "one two");
        let outside = Str::from_source(&t, Span::new(100, 104), "gone".into());
        assert_eq!(outside, "gone");
        let mid_char = Str::from_source(&t, Span::new(33, 34), "x".into());
        assert_eq!(mid_char, "x");
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
