//! A clause as words: the original spelling for output, a normalized form for matching, and which
//! words stand inside quotation marks. Phrase matches on the normalized text map back to word indices.

use crate::core::lexicon::{Lexicon, PhraseSet, ScanHit};
use crate::core::text::normalize_into;

pub struct Tokens<'a> {
    lex: &'a Lexicon,
    pub orig: Vec<&'a str>,
    /// Lower-cased, straight quotes, punctuation stripped from the ends.
    pub bare: Vec<String>,
    /// Whether the word is (partly) inside a quotation.
    pub quoted: Vec<bool>,
    joined: String,
    starts: Vec<usize>,
    /// Matches already found, by phrase set: the labeller asks about the same sets several times
    /// per clause (markers, second-hand cues, attribution), and scanning once is enough.
    found: std::cell::RefCell<Vec<(usize, Vec<Span>)>>,
    scan: std::cell::RefCell<Option<Vec<ScanHit>>>,
}

/// `word` without its trailing "'s" (repeated ones too), as `trim_end_matches("'s")` gives it but
/// without building a substring searcher for each of a clause's words.
fn without_possessives(mut word: &str) -> &str {
    while let Some(rest) = word.strip_suffix("'s") {
        word = rest;
    }
    word
}

/// A run of words `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str, lex: &'a Lexicon) -> Self {
        let orig: Vec<&str> = text.split_whitespace().collect();
        let mut bare = Vec::with_capacity(orig.len());
        let mut quoted = Vec::with_capacity(orig.len());
        let mut joined = String::with_capacity(text.len());
        let mut starts = Vec::with_capacity(orig.len());
        let mut in_quote = false;
        for w in &orig {
            if !joined.is_empty() {
                joined.push(' ');
            }
            let start = joined.len();
            starts.push(start);
            // Each word is normalized straight into the joined text, without a string of its own.
            normalize_into(w, &mut joined);
            let n = &joined[start..];
            let marks = n.chars().filter(|&c| c == '"').count();
            let opens = n.starts_with('"') || n.starts_with("(\"");
            quoted.push(in_quote || marks > 0 && opens);
            if marks % 2 == 1 {
                in_quote = !in_quote;
            }
            let b = n.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '%' && c != '~');
            bare.push(without_possessives(b.trim_start_matches('\'')).trim_end_matches('\'').to_string());
        }
        // An unbalanced quote mark quotes nothing.
        if in_quote {
            quoted.iter_mut().for_each(|q| *q = false);
        }
        Self {
            lex,
            orig,
            bare,
            quoted,
            joined,
            starts,
            found: std::cell::RefCell::new(Vec::new()),
            scan: std::cell::RefCell::new(None),
        }
    }

    pub fn len(&self) -> usize {
        self.orig.len()
    }

    fn word_at(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Word spans where a phrase of `set` matches.
    pub fn find(&self, set: &PhraseSet) -> Vec<Span> {
        if let Some(id) = set.scanner_id() {
            return self.scanned().iter().filter(|h| h.set == id).map(|h| self.span_of(h.start, h.end)).collect();
        }
        let id = set as *const PhraseSet as usize;
        if let Some((_, spans)) = self.found.borrow().iter().find(|(k, _)| *k == id) {
            return spans.clone();
        }
        let spans: Vec<Span> = set.hits(&self.joined).into_iter().map(|h| self.span_of(h.start, h.end)).collect();
        self.found.borrow_mut().push((id, spans.clone()));
        spans
    }

    fn span_of(&self, start: usize, end: usize) -> Span {
        Span { start: self.word_at(start), end: self.word_at(end.saturating_sub(1)) + 1 }
    }

    /// Every phrase of the embedded lexicon in this clause, found in one pass and kept.
    fn scanned(&self) -> std::cell::Ref<'_, Vec<ScanHit>> {
        if self.scan.borrow().is_none() {
            *self.scan.borrow_mut() = Some(self.lex.scanner.scan(&self.joined));
        }
        std::cell::Ref::map(self.scan.borrow(), |s| s.as_ref().expect("just filled"))
    }

    /// Matches of `set` inside `span` only.
    pub fn find_in(&self, set: &PhraseSet, span: Span) -> Vec<Span> {
        self.find(set).into_iter().filter(|s| s.start >= span.start && s.end <= span.end).collect()
    }

    /// The normalized text of a span, for phrase matching restricted to it.
    pub fn normalized(&self, span: Span) -> &str {
        if span.start >= span.end {
            return "";
        }
        let from = self.starts[span.start];
        let to = self.starts.get(span.end).map_or(self.joined.len(), |&s| s - 1);
        &self.joined[from..to]
    }

    /// The original words of a span, joined by single spaces, without edge punctuation.
    pub fn original(&self, span: Span) -> String {
        let words = &self.orig[span.start.min(self.len())..span.end.min(self.len())];
        words
            .join(" ")
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '&')
            .trim_end_matches('.')
            .to_string()
    }

    /// Whether word `i` ends a phrase: a comma, semicolon, colon, dash or closing quote follows it.
    pub fn ends_chunk(&self, i: usize) -> bool {
        let w = self.orig[i];
        w.ends_with([',', ';', ':', '"', '”', '—', '–']) || w == "-" || w.ends_with(",\"") || w.ends_with(",”")
    }

    /// Whether word `i` starts with a capital letter.
    pub fn capitalized(&self, i: usize) -> bool {
        self.orig[i].trim_start_matches(|c: char| !c.is_alphanumeric()).chars().next().is_some_and(char::is_uppercase)
    }

    /// Whether word `i` is "most" making a superlative after a determiner ("its most recent report",
    /// "the most candid admission"), not a vague crowd ("most analysts").
    pub fn superlative_most(&self, i: usize) -> bool {
        self.bare[i] == "most"
            && i > 0
            && matches!(self.bare[i - 1].as_str(), "the" | "its" | "their" | "his" | "her" | "our" | "my" | "your")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_words_are_marked() {
        let t = Tokens::new("\"We may cut,\" the CEO said.", Lexicon::embedded());
        assert_eq!(t.quoted, vec![true, true, true, false, false, false]);
        assert!(t.ends_chunk(2));
    }

    #[test]
    fn curly_quotes_count_as_quotes() {
        let t = Tokens::new("She said “we may cut” today", Lexicon::embedded());
        assert_eq!(t.quoted, vec![false, false, true, true, true, false]);
    }

    #[test]
    fn possessives_are_stripped_from_bare_words() {
        let t = Tokens::new("Initech's chief executive", Lexicon::embedded());
        assert_eq!(t.bare[0], "initech");
    }
}
