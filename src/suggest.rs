//! "Did you mean …?" — the closest candidate by edit distance, when it is close enough to be a typo.

use std::borrow::Cow;

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
/// unknown word with every candidate. Candidates are bucketed by length (a typo within the limit changes
/// the length by at most 3) and screened by a cheap lower bound on the distance — the same answers as
/// [`did_you_mean`]. That scan costs the number of candidates per lookup; once the lookups of a run have
/// scanned [`SCAN_BUDGET`] candidates of a set bigger than [`EXHAUSTIVE`], a deletion index is built and
/// finds the candidates within one edit (substitution, insertion, deletion or swap) in time independent of
/// their number. So a few broken references in a big roadmap cost a few scans, and many cost an index, never
/// (references × ids). Prefix matches are found by binary search either way.
pub struct Index<'a> {
    /// (lower-cased, original), sorted by the lower-cased form.
    /// (The lower-cased form borrows the original when that is lower case already, as ids mostly are.)
    sorted: Vec<(Cow<'a, str>, &'a str)>,
    /// Positions in `sorted` by length in characters.
    by_len: crate::fxhash::FxHashMap<usize, Vec<usize>>,
    /// The [`bag`] of each lower-cased candidate, in `sorted` order (64 bytes each, while suggesting).
    bags: Vec<[u8; 64]>,
    /// Candidates scanned so far by the length-bucket search.
    scanned: usize,
    /// Once built: the top bits of the hash of a candidate or of one of its one-character deletions, and
    /// the candidate's position in the low [`POSITION_BITS`]; sorted.
    deletions: Vec<u64>,
}

/// Candidate sets up to this size are always searched by scanning.
pub const EXHAUSTIVE: usize = 4096;

/// Candidates scanned (over all lookups) before a bigger set gets its deletion index.
pub const SCAN_BUDGET: usize = 400_000;

/// Low bits of a deletion-index entry that hold the candidate's position (the rest: its hash's top bits).
const POSITION_BITS: u32 = 24;
const POSITION_MASK: u64 = (1 << POSITION_BITS) - 1;

/// Calls `f` with the hash of `s` and of each one-character deletion of `s`, keeping only the hashes'
/// top bits (the low [`POSITION_BITS`] are zero). A polynomial hash: each deletion's comes from a prefix
/// and a suffix sum, so this is linear in the length (hashing each deletion afresh was quadratic, and
/// most of the cost of indexing 50k ids). `buf` is scratch space.
fn neighbourhood(s: &str, buf: &mut Vec<(u64, u64)>, mut f: impl FnMut(u64)) {
    const P: u64 = 0x0000_0100_0000_01b3;
    let finish = |h: u64| {
        // splitmix64's finaliser: the polynomial's top bits alone are poorly mixed.
        let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (h ^ (h >> 31)) & !POSITION_MASK
    };
    // buf[i] = (P^(n-1-i), sum over j > i of c_j * P^(n-1-j)), filled from the end.
    buf.clear();
    let (mut power, mut suffix) = (1u64, 0u64);
    for c in s.chars().rev() {
        buf.push((power, suffix));
        suffix = suffix.wrapping_add((u64::from(c) + 1).wrapping_mul(power));
        power = power.wrapping_mul(P);
    }
    buf.reverse();
    let mut prefix = 0u64;
    for (c, &(power, suffix)) in s.chars().zip(buf.iter()) {
        f(finish(prefix.wrapping_mul(power).wrapping_add(suffix)));
        prefix = prefix.wrapping_mul(P).wrapping_add(u64::from(c) + 1);
    }
    f(finish(prefix));
}

impl<'a> Index<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Index<'a> {
        let lower = |c: &'a str| match c.is_ascii() && !c.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Borrowed(c),
            false => Cow::Owned(c.to_lowercase()),
        };
        let mut sorted: Vec<(Cow<'a, str>, &'a str)> = candidates.into_iter().map(|c| (lower(c), c)).collect();
        // Unstable is enough: equal pairs are the same pair.
        sorted.sort_unstable();
        let mut by_len: crate::fxhash::FxHashMap<usize, Vec<usize>> = Default::default();
        for (i, (lc, _)) in sorted.iter().enumerate() {
            by_len.entry(lc.chars().count()).or_default().push(i);
        }
        let bags = sorted.iter().map(|(lc, _)| bag(lc)).collect();
        Index { sorted, by_len, bags, scanned: 0, deletions: Vec::new() }
    }

    /// Builds the deletion index (see [`Index`]).
    fn index_deletions(&mut self) {
        let mut deletions = Vec::new();
        let mut buf = Vec::new();
        for (i, (lc, _)) in self.sorted.iter().enumerate() {
            neighbourhood(lc, &mut buf, |h| deletions.push(h | i as u64));
        }
        deletions.sort_unstable();
        deletions.dedup();
        self.deletions = deletions;
    }

    /// The closest candidate, as [`did_you_mean`] would choose it (ties: the first in `sorted` order).
    pub fn best(&mut self, word: &str) -> Option<&'a str> {
        let indexable = self.sorted.len() > EXHAUSTIVE && self.sorted.len() <= POSITION_MASK as usize;
        if self.deletions.is_empty() && indexable && self.scanned >= SCAN_BUDGET {
            self.index_deletions();
        }
        let (found, scanned) = self.search(word);
        self.scanned += scanned;
        found
    }

    /// Whether every lookup scans (the set is too small for a deletion index): then lookups do not depend
    /// on each other, and [`Index::search`] can answer them from several threads.
    pub fn always_scans(&self) -> bool {
        self.sorted.len() <= EXHAUSTIVE
    }

    /// What [`Index::best`] answers with the index as it is now, and how many candidates the length buckets
    /// had to scan.
    pub fn search(&self, word: &str) -> (Option<&'a str>, usize) {
        let w = word.to_lowercase();
        let pattern = Pattern::new(&w);
        let within = |c: &str, limit: usize| match &pattern {
            Some(p) if c.is_ascii() => p.distance(c.as_bytes()),
            _ => distance_within(&w, c, limit),
        };
        let n = w.chars().count();
        let limit = (n / 3).clamp(1, 3);
        let mut best: Option<(usize, usize)> = None; // (distance, position)
        let mut offer = |d: usize, i: usize| {
            if self.sorted[i].1 != word && best.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                best = Some((d, i));
            }
        };
        if n >= 4 {
            let start = self.sorted.partition_point(|(lc, _)| lc.as_ref() < w.as_str());
            for i in start..self.sorted.len() {
                if !self.sorted[i].0.starts_with(&w) {
                    break;
                }
                offer(1, i);
            }
        }
        if !self.deletions.is_empty() {
            let mut hashes = Vec::new();
            neighbourhood(&w, &mut Vec::new(), |h| hashes.push(h));
            for h in hashes {
                let start = self.deletions.partition_point(|x| *x < h);
                for &x in &self.deletions[start..] {
                    if x & !POSITION_MASK != h {
                        break;
                    }
                    // Equal hash bits are a lead, not an answer: the distance decides.
                    let i = (x & POSITION_MASK) as usize;
                    let d = within(self.sorted[i].0.as_ref(), limit);
                    if d <= limit {
                        offer(d, i);
                    }
                }
            }
            return (best.map(|(_, i)| self.sorted[i].1), 0);
        }
        let wbag = bag(&w);
        let mut scanned = 0;
        for len in n.saturating_sub(limit)..=n + limit {
            let bucket = self.by_len.get(&len).map(Vec::as_slice).unwrap_or(&[]);
            scanned += bucket.len();
            for &i in bucket {
                let lc = &self.sorted[i].0;
                if bag_distance(&wbag, &self.bags[i]) > limit {
                    continue;
                }
                let d = within(lc, limit);
                if d <= limit {
                    offer(d, i);
                }
            }
        }
        (best.map(|(_, i)| self.sorted[i].1), scanned)
    }
}

/// Character counts of a short string (bytes; this only screens, so bytes that share a slot only weaken
/// the bound). Digits, letters and the usual id punctuation get slots of their own.
fn bag(s: &str) -> [u8; 64] {
    let mut b = [0u8; 64];
    for c in s.bytes() {
        let slot = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => 10 + c - b'a',
            b'A'..=b'Z' => 10 + c - b'A',
            b'-' => 36,
            b'_' => 37,
            b'.' => 38,
            _ => 39 + c % 25,
        };
        let slot = &mut b[usize::from(slot)];
        *slot = slot.saturating_add(1);
    }
    b
}

/// A lower bound of the edit distance from the character counts: one edit changes at most one count on
/// each side (a swap changes none), so at least half the total difference in counts.
fn bag_distance(a: &[u8; 64], b: &[u8; 64]) -> usize {
    // A sum of absolute byte differences: the compiler turns it into a few vector instructions.
    let sum: u32 = a.iter().zip(b).map(|(x, y)| u32::from(x.abs_diff(*y))).sum();
    sum.div_ceil(2) as usize
}

/// Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit.
/// [`distance`] when it is at most `limit`, else some number above `limit`. ASCII words up to 63 bytes
/// (every id and key in practice) are compared on the stack, stopping as soon as no alignment can stay
/// within the limit; a scan over thousands of ids calls this for most of them.
fn distance_within(a: &str, b: &str, limit: usize) -> usize {
    const MAX: usize = 63;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || a.len() > MAX || b.len() > MAX {
        return distance(std::str::from_utf8(a).unwrap_or(""), std::str::from_utf8(b).unwrap_or(""));
    }
    if a.len().abs_diff(b.len()) > limit {
        return usize::MAX;
    }
    let m = b.len();
    // Rows i-2, i-1 and i of the table `distance` fills (optimal string alignment), used in rotation.
    let mut rows = [[0u8; MAX + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(m + 1) {
        *cell = j as u8;
    }
    let limit8 = limit.min(MAX) as u8;
    for i in 1..=a.len() {
        let [r0, r1, r2] = &mut rows;
        let (cur, prev, before) = match i % 3 {
            0 => (r0, &*r2, &*r1),
            1 => (r1, &*r0, &*r2),
            _ => (r2, &*r1, &*r0),
        };
        cur[0] = i as u8;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // A row's minimum never decreases further down the table.
        if row_min > limit8 {
            return usize::MAX;
        }
    }
    usize::from(rows[a.len() % 3][m])
}

/// An ASCII word of up to 64 bytes, prepared for [`Pattern::distance`]: the bit-parallel form of
/// [`distance`] (Hyyrö 2003, optimal string alignment), a handful of word operations per byte of the other
/// string instead of a row of the table. One per lookup, compared with thousands of candidates.
struct Pattern {
    /// For each byte, the positions of the word where it occurs.
    positions: [u64; 256],
    len: usize,
}

impl Pattern {
    fn new(word: &str) -> Option<Pattern> {
        if !word.is_ascii() || word.len() > 64 {
            return None;
        }
        let mut positions = [0u64; 256];
        for (i, b) in word.bytes().enumerate() {
            positions[usize::from(b)] |= 1 << i;
        }
        Some(Pattern { positions, len: word.len() })
    }

    /// [`distance`] between the word and `other` (ASCII).
    fn distance(&self, other: &[u8]) -> usize {
        let m = self.len;
        if m == 0 {
            return other.len();
        }
        let last = 1u64 << (m - 1);
        let (mut vp, mut vn, mut d0, mut pm_before) = (u64::MAX, 0u64, 0u64, 0u64);
        let mut dist = m;
        for &c in other {
            let pm = self.positions[usize::from(c)];
            let transposed = ((!d0 & pm) << 1) & pm_before;
            d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | transposed;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & last != 0 {
                dist += 1;
            } else if hn & last != 0 {
                dist -= 1;
            }
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_before = pm;
        }
        dist
    }
}

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
    fn the_bounded_distance_agrees_within_its_limit() {
        let words =
            ["", "a", "ab", "ba", "abc", "acb", "PRB-00123", "PRB-0O123", "PRB-01234", "prb-00123", "kpi", "ÅÄÖ"];
        for a in words {
            for b in words {
                let full = distance(a, b);
                for limit in 0..4 {
                    let bounded = distance_within(a, b, limit);
                    if full <= limit {
                        assert_eq!(bounded, full, "{a} {b} {limit}");
                    } else {
                        assert!(bounded > limit, "{a} {b} {limit}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_bit_parallel_distance_is_the_distance() {
        // Every pair of short strings over a small alphabet (so that swaps and repeats are frequent).
        let alphabet = ['a', 'b', '-', '0'];
        let mut words = vec![String::new()];
        for len in 1..=5 {
            for i in 0..alphabet.len().pow(len) {
                let mut k = i;
                words.push(
                    (0..len)
                        .map(|_| {
                            let c = alphabet[k % 4];
                            k /= 4;
                            c
                        })
                        .collect(),
                );
            }
        }
        for a in &words {
            let p = Pattern::new(a).unwrap();
            // (`distance` gives up on lengths more than 3 apart.)
            for b in words.iter().step_by(7).filter(|b| b.len().abs_diff(a.len()) <= 3) {
                assert_eq!(p.distance(b.as_bytes()), distance(a, b), "{a:?} {b:?}");
            }
        }
        let long = "prb-checkout-abandonment-2026-q3-enterprise-segment-interviews-x";
        assert_eq!(long.len(), 64);
        let p = Pattern::new(long).unwrap();
        for other in [
            "prb-checkout-abandonment-2026-q3-enterprise-segment-interviews-y",
            "prb-checkout-abandonment-2026-q3-enterprise-segment-interviews",
        ] {
            assert_eq!(p.distance(other.as_bytes()), distance(long, other), "{other}");
        }
        assert!(Pattern::new(&"x".repeat(65)).is_none());
        assert!(Pattern::new("ü").is_none());
    }

    #[test]
    fn finds_typos_not_strangers() {
        let keys = ["problems", "kpis", "objectives", "owner"];
        assert_eq!(did_you_mean("problmes", keys), Some("problems"));
        assert_eq!(did_you_mean("ownr", keys), Some("owner"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(did_you_mean("stale_after", ["as_of", "stale_after_days"]), Some("stale_after_days"));
        assert_eq!(did_you_mean("PRB-CHECKOT", ["PRB-CHECKOUT", "PRB-SIGNUP"]), Some("PRB-CHECKOUT"));
    }

    /// The index's premise: the hash of a deletion of a word is the hash of the shorter word itself.
    #[test]
    fn a_deletions_hash_is_the_hash_of_the_shorter_word() {
        let hashes = |w: &str| {
            let mut out = Vec::new();
            neighbourhood(w, &mut Vec::new(), |h| out.push(h));
            out
        };
        for w in ["prb-00123", "a", "ab", "itm-payouts-3", "ünïcödé", "kpi_nps"] {
            let all = hashes(w);
            let chars: Vec<char> = w.chars().collect();
            assert_eq!(all.len(), chars.len() + 1, "{w}");
            assert_eq!(*all.last().unwrap(), *hashes(w).last().unwrap());
            for (i, h) in all.iter().take(chars.len()).enumerate() {
                let shorter: String = chars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect();
                assert_eq!(*h, *hashes(&shorter).last().unwrap(), "{w} without character {i}");
                assert_eq!(h & POSITION_MASK, 0);
            }
        }
        assert_ne!(hashes("ab").last(), hashes("ba").last());
    }

    #[test]
    fn big_sets_find_every_candidate_one_edit_away() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("PRB-{i:05}")).chain(["PRB-CHECKOUT".into()]).collect();
        let mut index = Index::new(ids.iter().map(String::as_str));
        assert_eq!(index.best("PRB-0O123"), Some("PRB-00123"), "by scanning");
        assert!(index.deletions.is_empty(), "a few lookups scan");
        index.scanned = SCAN_BUDGET;
        index.best("PRB-0O123");
        assert!(!index.deletions.is_empty(), "many lookups in a big set use the deletion index");
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
        let mut index = Index::new(ids.iter().map(String::as_str));
        for w in ["PRB-0O123", "prb-00123", "PRB-CHECKOT", "PRB-CHEC", "XYZ", "PRB-1999", "ITM-ACB", "PRB-CHECKOUT"] {
            let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
            sorted.sort_by_key(|c| c.to_lowercase());
            assert_eq!(index.best(w), did_you_mean(w, sorted.iter().copied()), "{w}");
        }
    }
}
