//! Prose signals: does an item's rationale cite competitors, or technology for its own sake?
//!
//! Phrases are data (`rules/lexicons/*.yaml`, extended by config `competitors`). Text and phrases are split
//! into lowercase words; a phrase matches a run of consecutive words, where a word ending in `*` matches
//! any word with that prefix and `...` matches zero to three words. Matching on words (not substrings)
//! keeps "adopt" from firing on "adoption rate".

use serde::Deserialize;

use super::BUILTIN_LEXICONS;

#[derive(Debug, Deserialize)]
struct LexiconFile {
    signal: String,
    #[allow(dead_code)]
    description: String,
    phrases: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Prefix(String),
    Gap,
}

/// A phrase as a sequence of word patterns.
type Phrase = Vec<Tok>;

/// All signals with their phrases.
#[derive(Clone, Debug, Default)]
pub struct Lexicons {
    signals: Vec<Signal>,
}

/// One signal's phrases, indexed by their first word so that a text is matched in time proportional to its
/// length, not to its length times the number of phrases.
#[derive(Clone, Debug, Default)]
struct Signal {
    name: String,
    phrases: Vec<Phrase>,
    /// Phrases starting with an exact word, by that word.
    by_first_word: crate::fxhash::FxHashMap<String, Vec<usize>>,
    /// Phrases starting with a prefix or a gap: tried at every position.
    others: Vec<usize>,
}

impl Lexicons {
    /// The built-in lexicons plus config `competitors` (names count as competitor phrases).
    pub fn new(competitors: &[String]) -> Lexicons {
        let mut lx = Lexicons::default();
        for (name, text) in BUILTIN_LEXICONS {
            let file: LexiconFile = serde_json::from_value(
                crate::load::yaml::parse(text, Default::default())
                    .documents
                    .first()
                    .map(|d| d.root.to_json())
                    .unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("built-in lexicon rules/lexicons/{name} is invalid: {e}"));
            lx.add(&file.signal, file.phrases.iter().map(String::as_str));
        }
        lx.add("competitor", competitors.iter().map(String::as_str));
        lx
    }

    fn add<'a>(&mut self, signal: &str, phrases: impl Iterator<Item = &'a str>) {
        let idx = match self.signals.iter().position(|s| s.name == signal) {
            Some(i) => i,
            None => {
                self.signals.push(Signal { name: signal.to_owned(), ..Signal::default() });
                self.signals.len() - 1
            }
        };
        for p in phrases {
            let toks: Vec<Tok> = p
                .split_whitespace()
                .flat_map(|w| {
                    if w == "..." {
                        return vec![Tok::Gap];
                    }
                    let prefix = w.ends_with('*');
                    words(w.trim_end_matches('*'))
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| {
                            if prefix && i + 1 == words(w.trim_end_matches('*')).len() {
                                Tok::Prefix(x)
                            } else {
                                Tok::Word(x)
                            }
                        })
                        .collect()
                })
                .collect();
            if toks.iter().any(|t| !matches!(t, Tok::Gap)) {
                let sig = &mut self.signals[idx];
                let n = sig.phrases.len();
                match toks.first() {
                    Some(Tok::Word(w)) => sig.by_first_word.entry(w.clone()).or_default().push(n),
                    _ => sig.others.push(n),
                }
                sig.phrases.push(toks);
            }
        }
    }

    /// The signal names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.signals.iter().map(|s| s.name.as_str())
    }

    /// For every signal (in [`Lexicons::names`] order): the words of `text` matched by its first matching
    /// phrase (in lexicon order, at its leftmost match), if any.
    pub fn matches(&self, text: &str) -> Vec<Option<String>> {
        self.signals(text).map(|(_, m)| m).collect()
    }

    /// For every signal: its name and [`Lexicons::matches`].
    pub fn signals<'a>(&'a self, text: &str) -> impl Iterator<Item = (&'a str, Option<String>)> + 'a {
        let ws = words(text);
        self.signals.iter().map(move |sig| {
            // (phrase index, start, end) of the best match so far.
            let mut best: Option<(usize, usize, usize)> = None;
            let mut consider = |p: usize, start: usize| {
                if best.is_some_and(|(b, _, _)| b <= p) {
                    return;
                }
                if let Some(end) = matches_at(&sig.phrases[p], &ws, start) {
                    best = Some((p, start, end));
                }
            };
            for (start, w) in ws.iter().enumerate() {
                for &p in sig.by_first_word.get(w).map(Vec::as_slice).unwrap_or(&[]) {
                    consider(p, start);
                }
                for &p in &sig.others {
                    consider(p, start);
                }
            }
            (sig.name.as_str(), best.map(|(_, s, e)| ws[s..e].join(" ")))
        })
    }
}

/// Lowercase words: letters, digits and apostrophes; everything else separates.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn matches_at(toks: &[Tok], ws: &[String], i: usize) -> Option<usize> {
    let Some((first, rest)) = toks.split_first() else { return Some(i) };
    match first {
        Tok::Gap => (0..=3).filter(|k| i + k <= ws.len()).find_map(|k| matches_at(rest, ws, i + k)),
        Tok::Word(w) => (ws.get(i)? == w).then(|| matches_at(rest, ws, i + 1))?,
        Tok::Prefix(p) => ws.get(i)?.starts_with(p.as_str()).then(|| matches_at(rest, ws, i + 1))?,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lx() -> Lexicons {
        let mut l = Lexicons::default();
        l.add("technology", ["adopt", "move ... to kubernetes", "moderni*"].into_iter());
        l.add("competitor", ["Acme", "catch* up"].into_iter());
        l
    }

    fn hit(l: &Lexicons, signal: &str, text: &str) -> Option<String> {
        l.signals(text).find(|(s, _)| *s == signal).and_then(|(_, p)| p)
    }

    #[test]
    fn words_prefixes_and_gaps() {
        let l = lx();
        assert_eq!(hit(&l, "technology", "Move the stack to Kubernetes."), Some("move the stack to kubernetes".into()));
        assert_eq!(hit(&l, "technology", "Modernising the frontend"), Some("modernising".into()));
        assert_eq!(hit(&l, "technology", "Raise the adoption rate"), None);
        assert_eq!(hit(&l, "competitor", "ACME and Globex both ship this"), Some("acme".into()));
        assert_eq!(hit(&l, "competitor", "we must be catching up"), Some("catching up".into()));
        assert_eq!(hit(&l, "competitor", "merchants need faster payouts"), None);
    }
}
