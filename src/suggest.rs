//! "Did you mean …?" — the closest candidate by edit distance, when it is close enough to be a typo.

/// Returns the candidate closest to `word` (case-insensitive edit distance), if it is within a third of
/// the word's length (at least 1, at most 3 edits), or starts with the word. Ties go to the first candidate.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let w = word.to_lowercase();
    let limit = (w.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let lc = c.to_lowercase();
        // A truncated word (`stale_after` for `stale_after_days`) is a typo too, however many letters are missing.
        let d = distance(&w, &lc);
        let d = if w.chars().count() >= 4 && lc.starts_with(&w) { d.min(1) } else { d };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Suggestions among many candidates (every id of a kind in a big roadmap), without comparing each
/// unknown word with every candidate. Up to [`EXHAUSTIVE`] candidates: bucketed by length (a typo within
/// the limit changes the length by at most 3) and screened by a cheap lower bound on the distance — the
/// same answers as [`did_you_mean`]. Above that, a deletion index finds the candidates within one edit
/// (substitution, insertion, deletion or swap) in time independent of their number; prefix matches are
/// found by binary search either way.
pub struct Index<'a> {
    /// (lower-cased, original), sorted by the lower-cased form.
    sorted: Vec<(String, &'a str)>,
    /// Positions in `sorted` by length in characters.
    by_len: std::collections::HashMap<usize, Vec<usize>>,
    /// For big sets: (hash of a candidate or of one of its one-character deletions, position), sorted.
    deletions: Vec<(u64, u32)>,
}

/// Candidate sets up to this size are searched exhaustively.
pub const EXHAUSTIVE: usize = 4096;

/// FNV-1a of `s` without its `skip`-th character.
fn hash_without(s: &str, skip: Option<usize>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, c) in s.chars().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The hashes of `s` and of each one-character deletion of it.
fn neighbourhood(s: &str) -> impl Iterator<Item = u64> + '_ {
    std::iter::once(None).chain((0..s.chars().count()).map(Some)).map(move |skip| hash_without(s, skip))
}

impl<'a> Index<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Index<'a> {
        let mut sorted: Vec<(String, &'a str)> = candidates.into_iter().map(|c| (c.to_lowercase(), c)).collect();
        sorted.sort();
        let mut by_len: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        let mut deletions = Vec::new();
        if sorted.len() <= EXHAUSTIVE {
            for (i, (lc, _)) in sorted.iter().enumerate() {
                by_len.entry(lc.chars().count()).or_default().push(i);
            }
        } else {
            for (i, (lc, _)) in sorted.iter().enumerate() {
                deletions.extend(neighbourhood(lc).map(|h| (h, i as u32)));
            }
            deletions.sort_unstable();
            deletions.dedup();
        }
        Index { sorted, by_len, deletions }
    }

    /// The closest candidate, as [`did_you_mean`] would choose it (ties: the first in `sorted` order).
    pub fn best(&self, word: &str) -> Option<&'a str> {
        let w = word.to_lowercase();
        let n = w.chars().count();
        let limit = (n / 3).clamp(1, 3);
        let mut best: Option<(usize, usize)> = None; // (distance, position)
        let mut offer = |d: usize, i: usize| {
            if self.sorted[i].1 != word && best.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                best = Some((d, i));
            }
        };
        if n >= 4 {
            let start = self.sorted.partition_point(|(lc, _)| lc.as_str() < w.as_str());
            for i in start..self.sorted.len() {
                if !self.sorted[i].0.starts_with(&w) {
                    break;
                }
                offer(1, i);
            }
        }
        if !self.deletions.is_empty() {
            for h in neighbourhood(&w) {
                let start = self.deletions.partition_point(|(x, _)| *x < h);
                for &(x, i) in &self.deletions[start..] {
                    if x != h {
                        break;
                    }
                    let d = distance(&w, &self.sorted[i as usize].0);
                    if d <= limit {
                        offer(d, i as usize);
                    }
                }
            }
            return best.map(|(_, i)| self.sorted[i].1);
        }
        let wbag = bag(&w);
        for len in n.saturating_sub(limit)..=n + limit {
            for &i in self.by_len.get(&len).map(Vec::as_slice).unwrap_or(&[]) {
                let lc = &self.sorted[i].0;
                if bag_distance(&wbag, &bag(lc)) > limit {
                    continue;
                }
                let d = distance(&w, lc);
                if d <= limit {
                    offer(d, i);
                }
            }
        }
        best.map(|(_, i)| self.sorted[i].1)
    }
}

/// Character counts of a short string (bytes; ids are mostly ASCII, and this only screens).
fn bag(s: &str) -> [u8; 64] {
    let mut b = [0u8; 64];
    for c in s.bytes() {
        let slot = &mut b[(c % 64) as usize];
        *slot = slot.saturating_add(1);
    }
    b
}

/// A lower bound of the edit distance: characters one side has more of than the other (one edit changes
/// at most one count on each side; a swap changes none).
fn bag_distance(a: &[u8; 64], b: &[u8; 64]) -> usize {
    let (mut more, mut less) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x > y {
            more += usize::from(x - y);
        } else {
            less += usize::from(y - x);
        }
    }
    more.max(less)
}

/// Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let keys = ["problems", "kpis", "objectives", "owner"];
        assert_eq!(did_you_mean("problmes", keys), Some("problems"));
        assert_eq!(did_you_mean("ownr", keys), Some("owner"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(did_you_mean("stale_after", ["as_of", "stale_after_days"]), Some("stale_after_days"));
        assert_eq!(did_you_mean("PRB-CHECKOT", ["PRB-CHECKOUT", "PRB-SIGNUP"]), Some("PRB-CHECKOUT"));
    }

    #[test]
    fn big_sets_find_every_candidate_one_edit_away() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("PRB-{i:05}")).chain(["PRB-CHECKOUT".into()]).collect();
        let index = Index::new(ids.iter().map(String::as_str));
        assert!(!index.deletions.is_empty(), "big sets use the deletion index");
        assert_eq!(index.best("PRB-0O123"), Some("PRB-00123"), "substitution");
        assert_eq!(index.best("PRB-001234"), Some("PRB-00123"), "insertion");
        assert_eq!(index.best("PRB-0123"), Some("PRB-00123"), "deletion (the first in order wins)");
        assert_eq!(index.best("PRB-CHEKCOUT"), Some("PRB-CHECKOUT"), "swap");
        assert_eq!(index.best("PRB-CHECK"), Some("PRB-CHECKOUT"), "prefix");
        assert_eq!(index.best("ZZZ-ZZZZZ"), None);
    }

    #[test]
    fn the_index_agrees_with_the_plain_search() {
        let ids: Vec<String> =
            (0..2000).map(|i| format!("PRB-{i:05}")).chain(["PRB-CHECKOUT".into(), "ITM-ABC".into()]).collect();
        let index = Index::new(ids.iter().map(String::as_str));
        for w in ["PRB-0O123", "prb-00123", "PRB-CHECKOT", "PRB-CHEC", "XYZ", "PRB-1999", "ITM-ACB", "PRB-CHECKOUT"] {
            let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
            sorted.sort_by_key(|c| c.to_lowercase());
            assert_eq!(index.best(w), did_you_mean(w, sorted.iter().copied()), "{w}");
        }
    }
}
