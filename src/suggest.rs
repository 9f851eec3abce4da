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
        let d = if w.chars().count() >= 4 && lc.starts_with(&w) { 1 } else { distance(&w, &lc) };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
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
}
