//! Source files: the text we audited, and byte offset → line:column conversion.
//!
//! Every finding carries a byte span into one of these files; only this module turns spans into the
//! 1-based line and character column that users (and CI systems) see.

use std::sync::Arc;

/// A half-open byte range into a file's text. `u32` keeps spans small: files are capped well below 4 GiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end.max(start) as u32 }
    }
    pub fn at(pos: usize) -> Span {
        Span::new(pos, pos)
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
}

/// Index of a file in the run's [`SourceMap`].
pub type FileId = u32;

/// A 1-based line and column (columns count Unicode scalar values, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// One audited (or config/rule) file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user: relative to the working directory when possible, `/`-separated.
    pub path: String,
    /// The text, without a leading byte-order mark. Non-UTF-8 input is kept lossily decoded so that a
    /// finding can still show the bytes around the bad one. An `Arc<String>` rather than an `Arc<str>`:
    /// taking the `String` that was read costs nothing, where `Arc<str>` copies it (a second copy of
    /// the whole input, briefly: 100 MB at 100k items).
    /// Empty once [`SourceFile::release_text`] let it go.
    pub text: Arc<String>,
    lines: LineStarts,
    /// The length of the text, once it was let go.
    released: Option<u32>,
}

impl SourceFile {
    pub fn new(path: String, text: impl Into<Arc<String>>) -> SourceFile {
        let text = text.into();
        let lines = LineStarts::of(text.as_bytes());
        SourceFile { path, text, lines, released: None }
    }

    /// Lets the text go, keeping what line:column positions need, when the text is ASCII (then a column is
    /// a byte count, and the line starts are enough). Over many files this lets the next file's text reuse
    /// this one's memory instead of taking fresh pages (~4% of a 200-file audit; BENCHMARKS.md). Snippets,
    /// [`SourceFile::slice`] and [`SourceFile::line_range`] read the text: a run that shows them keeps it.
    /// `ascii` says whether the text is ASCII (`text.is_ascii()`: the caller asks while the text is still in
    /// the cache, before parsing it, rather than reading all of it again here). Returns whether the text was
    /// let go.
    pub fn release_text(&mut self, ascii: bool) -> bool {
        debug_assert_eq!(ascii, self.text.is_ascii(), "release_text: wrong `ascii`");
        if self.released.is_some() || !ascii {
            return false;
        }
        self.released = Some(self.text.len() as u32);
        self.text = Arc::default();
        true
    }

    /// The length of the text in bytes (also once it was let go).
    pub fn len(&self) -> usize {
        self.released.map_or(self.text.len(), |len| len as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Line and column of a byte offset (clamped to the text, snapped back to a char boundary).
    pub fn line_col(&self, offset: u32) -> LineCol {
        if let Some(len) = self.released {
            // An ASCII text: every offset is a char boundary, and a column is a byte count.
            let offset = offset.min(len);
            let (line, start) = self.lines.find(offset);
            return LineCol { line: line + 1, column: offset - start + 1 };
        }
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, start) = self.lines.find(offset as u32);
        let column = self.text[start as usize..offset].chars().count() + 1;
        LineCol { line: line + 1, column: column as u32 }
    }

    /// Line and column of both ends of a span. The end is usually on the start's line: then it is counted
    /// on from the start instead of searched for again (output converts every finding's span).
    pub fn span_line_cols(&self, span: Span) -> (LineCol, LineCol) {
        let start = self.line_col(span.start);
        if span.is_empty() {
            return (start, start);
        }
        let end = self.line_col_after(start, span.start, span.end);
        (start, end)
    }

    /// [`SourceFile::line_col`] of `offset`, given that of an earlier offset `from`.
    fn line_col_after(&self, at: LineCol, from: u32, offset: u32) -> LineCol {
        if self.released.is_some() {
            return self.line_col(offset);
        }
        let (from, to) = (from as usize, (offset as usize).min(self.text.len()));
        match self.text.get(from..to) {
            Some(between) if !between.contains('\n') => {
                LineCol { line: at.line, column: at.column + between.chars().count() as u32 }
            }
            _ => self.line_col(offset),
        }
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: u32) -> std::ops::Range<usize> {
        let i = line.max(1) - 1;
        let start = self.lines.start(i).map_or(self.len(), |s| s as usize);
        let mut end = self.lines.start(i + 1).map_or(self.len(), |s| s as usize);
        if self.released.is_some() {
            // Without the text only the `\n` is known to be there (a `\r` before it stays in the range).
            return start..if end > start && i + 1 < self.lines.count { end - 1 } else { end };
        }
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.lines.count as usize
    }

    /// The text under a span ("" once the text was let go).
    pub fn slice(&self, span: Span) -> &str {
        let r = span.range();
        self.text.get(r.start.min(self.text.len())..r.end.min(self.text.len())).unwrap_or("")
    }
}

/// Where each line of a text starts, in about a byte a line rather than four: every file keeps its index to
/// the end of the run (findings are turned into line:column last), and at 10k items that was 1.6 MB, paid
/// for page by page. Lines are kept by length, with the start of every [`LineStarts::BLOCK`]-th line, so
/// finding a line walks at most one block.
#[derive(Debug)]
struct LineStarts {
    /// The number of lines (one more than the `\n`s).
    count: u32,
    /// The start of lines 0, `BLOCK`, 2 × `BLOCK`, …
    blocks: Vec<u32>,
    /// The length of each line but the last, `\n` included; [`LineStarts::LONG`] for a length in `long`.
    lens: Vec<u8>,
    /// The lines of `LONG` bytes or more, and their lengths, by line.
    long: Vec<(u32, u32)>,
}

impl LineStarts {
    const BLOCK: u32 = 64;
    const LONG: u8 = u8::MAX;

    fn of(text: &[u8]) -> LineStarts {
        let mut lines = LineStarts { count: 1, blocks: vec![0], lens: Vec::new(), long: Vec::new() };
        let mut start = 0u32;
        // memchr's vectorised search: a byte-by-byte scan was 6% of a 200-file audit.
        for nl in memchr::memchr_iter(b'\n', text) {
            let next = nl as u32 + 1;
            let len = next - start;
            if len >= u32::from(Self::LONG) {
                lines.long.push((lines.count - 1, len));
                lines.lens.push(Self::LONG);
            } else {
                lines.lens.push(len as u8);
            }
            if lines.count.is_multiple_of(Self::BLOCK) {
                lines.blocks.push(next);
            }
            lines.count += 1;
            start = next;
        }
        lines
    }

    /// The length of line `i` (not the last).
    fn len(&self, i: u32) -> u32 {
        match self.lens[i as usize] {
            Self::LONG => {
                let at = self.long.partition_point(|&(line, _)| line < i);
                self.long[at].1
            }
            len => u32::from(len),
        }
    }

    /// The start of line `i` (0-based), if the text has it.
    fn start(&self, i: u32) -> Option<u32> {
        if i >= self.count {
            return None;
        }
        let first = i - i % Self::BLOCK;
        Some(self.blocks[(i / Self::BLOCK) as usize] + (first..i).map(|j| self.len(j)).sum::<u32>())
    }

    /// The line (0-based) an offset is on, and where that line starts.
    fn find(&self, offset: u32) -> (u32, u32) {
        let block = self.blocks.partition_point(|&s| s <= offset) - 1;
        let mut line = block as u32 * Self::BLOCK;
        let mut start = self.blocks[block];
        while line + 1 < self.count {
            let next = start + self.len(line);
            if next > offset {
                break;
            }
            (line, start) = (line + 1, next);
        }
        (line, start)
    }
}

/// All files of one run. Findings refer to files by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as FileId, f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_crlf_is_one_break() {
        let f = SourceFile::new("x".into(), "a: 1\r\nbé: ü2\n".to_owned());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        let off = f.text.find('2').unwrap() as u32;
        assert_eq!(f.line_col(off), LineCol { line: 2, column: 6 });
        // Both ends of a span, the end counted on from the start on one line, searched across lines.
        for (a, b) in [(0, 0), (0, 4), (0, 6), (6, 9), (6, off as usize), (2, f.text.len()), (3, 99)] {
            let span = Span::new(a, b);
            let end = if span.is_empty() { f.line_col(span.start) } else { f.line_col(span.end) };
            assert_eq!(f.span_line_cols(span), (f.line_col(span.start), end), "{a}..{b}");
        }
        assert_eq!(&f.text[f.line_range(1)], "a: 1");
    }

    #[test]
    fn positions_are_the_same_once_an_ascii_text_is_let_go() {
        let text = "version: 1\r\nitems:\n  - id: A\n\n    title: x\n  - id: B";
        let kept = SourceFile::new("x".into(), text.to_owned());
        let mut released = SourceFile::new("x".into(), text.to_owned());
        assert!(released.release_text(true) && released.text.is_empty());
        assert_eq!((released.len(), released.line_count()), (text.len(), kept.line_count()));
        for a in 0..=text.len() + 2 {
            assert_eq!(released.line_col(a as u32), kept.line_col(a as u32), "{a}");
            for b in a..=text.len() + 2 {
                let span = Span::new(a, b);
                assert_eq!(released.span_line_cols(span), kept.span_line_cols(span), "{a}..{b}");
            }
        }
        // Line ranges too, but for the `\r` of a CRLF break, which only the text shows.
        for line in 1..=kept.line_count() as u32 + 1 {
            let (r, k) = (released.line_range(line), kept.line_range(line));
            assert!(r == k || (r.start == k.start && r.end == k.end + 1 && &text[k.end..r.end] == "\r"), "{line}");
        }
    }

    /// The compact line index finds the same lines as a plain list of line starts would, over texts with
    /// empty lines, lines of 254, 255 and 256 bytes and longer, block boundaries, and no final `\n`.
    #[test]
    fn the_line_index_agrees_with_plain_line_starts() {
        let lens = [0usize, 1, 3, 254, 255, 256, 1000, 70_000, 2, 0, 0, 17];
        for end in ["", "\n", "tail"] {
            for lines in [1usize, 63, 64, 65, 200] {
                let mut text = String::new();
                for l in 0..lines {
                    text.push_str(&"x".repeat(lens[(l * 7 + lines) % lens.len()]));
                    text.push('\n');
                }
                text.push_str(end);
                let plain: Vec<u32> = std::iter::once(0)
                    .chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1))
                    .collect();
                let index = LineStarts::of(text.as_bytes());
                assert_eq!(index.count as usize, plain.len());
                for (i, &s) in plain.iter().enumerate() {
                    assert_eq!(index.start(i as u32), Some(s), "start of line {i}");
                }
                assert_eq!(index.start(plain.len() as u32), None);
                let step = if text.len() > 10_000 { 97 } else { 1 };
                for offset in (0..=text.len() as u32 + 1)
                    .step_by(step)
                    .chain(plain.iter().flat_map(|&s| [s, s.saturating_sub(1)]))
                {
                    let line = plain.partition_point(|&s| s <= offset) - 1;
                    assert_eq!(index.find(offset), (line as u32, plain[line]), "offset {offset}");
                }
            }
        }
    }

    #[test]
    fn a_text_that_is_not_ascii_is_kept() {
        let mut f = SourceFile::new("x".into(), "a: é\n".to_owned());
        assert!(!f.release_text(false));
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 1, column: 5 });
    }
}
