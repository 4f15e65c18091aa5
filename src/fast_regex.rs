//! Keeping patterns with Unicode word boundaries (`\b`) on the regex engine's fast automaton. That
//! automaton gives up at the first non-ASCII byte of a haystack, and the engine then falls back to
//! one that is many times slower and, for `captures_iter`, rescans the rest of the text for every
//! match; news copy is ASCII but for a few typographic marks, so nearly every text would pay. Two
//! ways around it, both decided by reading the pattern with `regex-syntax`: [`AsciiMask`] hides the
//! marks from an exact search, and [`screen`] is a boundary-free pre-filter in front of one.
//!
//! A third, [`MatchOnly`], serves large patterns that are only ever asked whether they match: it
//! compiles the one automaton such a question needs, not the several the full engine builds.
//!
//! A leaf: it imports nothing of ours, so `core` and `feeds` share it without pointing at each other.

use std::borrow::Cow;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::{Arc, OnceLock};

use regex::Regex;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, PatternID, hybrid, nfa::thompson};
use regex_syntax::hir::{Class, Hir, HirKind, Literal, Look};

/// Typographic marks common in news copy that are neither word characters nor spaces: dashes,
/// curly quotes, bullets, ellipses, currency and trademark signs.
const TYPOGRAPHIC_MARKS: &[char] = &[
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2018}', '\u{2019}', '\u{201A}',
    '\u{201C}', '\u{201D}', '\u{201E}', '\u{2022}', '\u{2026}', '\u{2039}', '\u{203A}', '\u{00AB}', '\u{00BB}',
    '\u{00A9}', '\u{00AE}', '\u{2122}', '\u{00B0}', '\u{20AC}', '\u{00A3}', '\u{00A7}',
];

/// When a text's only non-ASCII characters are typographic marks (a dateline's dash, curly quotes),
/// each is replaced by as many NUL bytes, so an exact search stays on the fast automaton. Neither a
/// mark nor a NUL can be part of a match of a pattern this accepts, and `\b` sees both as non-word
/// characters, so every match keeps its offsets and its text. Marks a pattern names are kept; a
/// pattern that could match a mark by a class (`.`, `[^…]`, `\W`, `\p{…}`, …), or a NUL at all, turns
/// the mask off; a text with other non-ASCII characters is searched as it is.
#[derive(Debug, Clone, Default)]
pub struct AsciiMask {
    marks: Vec<char>,
}

impl AsciiMask {
    /// The mask that is exact for every one of `patterns`.
    pub fn for_patterns<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Self {
        let mut marks = TYPOGRAPHIC_MARKS.to_vec();
        for pattern in patterns {
            // A pattern the parser rejects cannot be vouched for.
            let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else { return Self::default() };
            if !mask_safe(&hir, &mut marks) {
                return Self::default();
            }
        }
        Self { marks }
    }

    /// `text` with its marks replaced, or `text` itself when it is ASCII or has other non-ASCII
    /// characters.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_ascii() || self.marks.is_empty() {
            return Cow::Borrowed(text);
        }
        if !non_ascii(text).all(|(_, c)| self.marks.contains(&c)) {
            return Cow::Borrowed(text);
        }
        // The ASCII runs between marks are copied whole, not a character at a time.
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (at, c) in non_ascii(text) {
            out.push_str(&text[copied..at]);
            out.extend(std::iter::repeat_n('\0', c.len_utf8()));
            copied = at + c.len_utf8();
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }
}

/// The non-ASCII characters of `text` with their offsets. Found by their bytes, so the ASCII runs
/// between them (nearly all of news copy) are skipped without decoding a character at a time.
fn non_ascii(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + text.as_bytes()[from..].iter().position(|b| !b.is_ascii())?;
        // `from` is always a character boundary, so the first non-ASCII byte after it starts one.
        let c = text[at..].chars().next()?;
        from = at + c.len_utf8();
        Some((at, c))
    })
}

/// Whether `hir` can match neither a NUL nor a typographic mark except by naming it; the marks it
/// names are taken out of `marks`. A class names the marks it lists one by one or in a run of nothing
/// but marks (`[‘’]`, `[‐-―]`); one that covers a mark among other characters could match marks the
/// pattern never meant, and a byte class could match part of one.
fn mask_safe(hir: &Hir, marks: &mut Vec<char>) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(Literal(bytes)) => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => {
                marks.retain(|&m| !text.contains(m));
                true
            }
            // A NUL, or part of a character's bytes (which could be part of a mark's).
            _ => false,
        },
        HirKind::Class(Class::Unicode(class)) => class.ranges().iter().all(|range| {
            let run = range.start()..=range.end();
            let covers_a_mark = TYPOGRAPHIC_MARKS.iter().any(|m| run.contains(m));
            let only_marks = covers_a_mark && run.clone().all(|c| TYPOGRAPHIC_MARKS.contains(&c));
            if only_marks {
                marks.retain(|m| !run.contains(m));
            }
            range.start() != '\0' && (!covers_a_mark || only_marks)
        }),
        HirKind::Class(Class::Bytes(class)) => {
            class.ranges().iter().all(|range| range.start() != 0 && range.end().is_ascii())
        }
        HirKind::Repetition(repetition) => mask_safe(&repetition.sub, marks),
        HirKind::Capture(capture) => mask_safe(&capture.sub, marks),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().all(|sub| mask_safe(sub, marks)),
    }
}

/// For a pattern with Unicode word boundaries (`\b`), the same pattern without them: it matches
/// wherever the pattern does, perhaps more often, and on the fast automaton whatever the text. Where
/// no mask serves (a pattern with `.` or `[^…]`, a text with accented letters), the real search costs a
/// large table per call; the screen is one fast pass, and only the texts it lets through need the
/// real search. `None` when the pattern has no such boundary (or the screen does not build).
pub fn screen(pattern: &str) -> Option<Regex> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let loose = without_unicode_word_boundaries(hir.clone());
    (loose != hir).then(|| Regex::new(&loose.to_string()).ok()).flatten()
}

/// `hir` with every Unicode word-boundary assertion replaced by the empty match: it matches at
/// least everything `hir` matches.
fn without_unicode_word_boundaries(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => Hir::empty(),
        HirKind::Look(look) => Hir::look(look),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(without_unicode_word_boundaries(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(without_unicode_word_boundaries(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(without_unicode_word_boundaries).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(without_unicode_word_boundaries).collect()),
    }
}

/// A pattern asked only whether it matches, as the joined furniture rules are for every line and
/// sentence. The full engine compiles such a pattern twice (forwards with its capture groups, and
/// backwards to find where a match starts), and for hundreds of joined rules with Unicode classes
/// that costs a sizeable part of start-up; a yes or no needs only the forward automaton without
/// groups, searched lazily as the full engine searches it. A pattern that automaton cannot take
/// (Unicode word boundaries) gets the full engine, as does any search it cannot finish.
///
/// Several patterns can share one automaton ([`MatchOnly::new_many`]): it answers whether any of
/// them matches, and whether one given pattern does, so rules asked about in two groups, one inside
/// the other, are compiled once rather than once per group.
#[derive(Clone)]
pub struct MatchOnly(Arc<Engine>);

// Built once per pattern and kept behind the `Arc` above, so the size of a variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Engine {
    Lazy {
        dfa: hybrid::dfa::DFA,
        /// Every match starts at the beginning (`^…`): the search stops where the patterns fail
        /// instead of trying every later position, and one pattern can be searched on its own.
        anchored: bool,
        caches: CachePool,
        patterns: Vec<String>,
        /// One full engine per pattern, built only if a search cannot finish on the lazy automaton
        /// (or, for a pattern asked about alone, if the patterns are not all anchored).
        fallback: OnceLock<Vec<Regex>>,
        limits: (usize, usize),
    },
    Full(Vec<Regex>),
}

type CachePool =
    Pool<hybrid::dfa::Cache, Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync + UnwindSafe + RefUnwindSafe>>;

impl MatchOnly {
    /// Compiles `pattern` with the same syntax, size limit and automaton budget as
    /// `regex::RegexBuilder::new(pattern).size_limit(size_limit).dfa_size_limit(dfa_size_limit)`;
    /// a pattern that builder rejects is rejected with its error.
    pub fn new(pattern: &str, size_limit: usize, dfa_size_limit: usize) -> Result<Self, regex::Error> {
        Self::new_many(&[pattern], size_limit, dfa_size_limit)
    }

    /// Compiles `patterns` into one automaton, each with the syntax and limits of [`MatchOnly::new`]
    /// (if together they outgrow the size limit, each gets a full engine of its own); a pattern that
    /// builder rejects is rejected with its error.
    pub fn new_many(patterns: &[&str], size_limit: usize, dfa_size_limit: usize) -> Result<Self, regex::Error> {
        let full = || -> Result<Self, regex::Error> {
            let engines: Result<Vec<Regex>, _> =
                patterns.iter().map(|p| full_engine(p, (size_limit, dfa_size_limit))).collect();
            Ok(Self(Arc::new(Engine::Full(engines?))))
        };
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new().which_captures(thompson::WhichCaptures::None).nfa_size_limit(Some(size_limit)),
            )
            .build_many(patterns);
        let Ok(nfa) = nfa else { return full() };
        let anchored = nfa.is_always_start_anchored();
        let dfa = hybrid::dfa::DFA::builder()
            .configure(hybrid::dfa::Config::new().cache_capacity(dfa_size_limit).starts_for_each_pattern(anchored))
            .build_from_nfa(nfa);
        let Ok(dfa) = dfa else { return full() };
        let for_caches = dfa.clone();
        let caches: CachePool = Pool::new(Box::new(move || for_caches.create_cache()));
        Ok(Self(Arc::new(Engine::Lazy {
            dfa,
            anchored,
            caches,
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            fallback: OnceLock::new(),
            limits: (size_limit, dfa_size_limit),
        })))
    }

    /// Whether any of the patterns matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match &*self.0 {
            Engine::Full(engines) => engines.iter().any(|re| re.is_match(text)),
            Engine::Lazy { dfa, anchored, caches, patterns, fallback, limits } => {
                let how = if *anchored { Anchored::Yes } else { Anchored::No };
                let input = Input::new(text).anchored(how).earliest(true);
                match dfa.try_search_fwd(&mut caches.get(), &input) {
                    Ok(found) => found.is_some(),
                    Err(_) => fallbacks(fallback, patterns, *limits).iter().any(|re| re.is_match(text)),
                }
            }
        }
    }

    /// Whether pattern number `index` (in the order given) matches `text`.
    pub fn is_match_one(&self, index: usize, text: &str) -> bool {
        match &*self.0 {
            Engine::Full(engines) => engines[index].is_match(text),
            Engine::Lazy { dfa, anchored: true, caches, patterns, fallback, limits } => {
                let input = Input::new(text).anchored(Anchored::Pattern(PatternID::must(index))).earliest(true);
                match dfa.try_search_fwd(&mut caches.get(), &input) {
                    Ok(found) => found.is_some(),
                    Err(_) => fallbacks(fallback, patterns, *limits)[index].is_match(text),
                }
            }
            Engine::Lazy { patterns, fallback, limits, .. } => {
                fallbacks(fallback, patterns, *limits)[index].is_match(text)
            }
        }
    }

    /// The patterns as written.
    pub fn patterns(&self) -> Vec<&str> {
        match &*self.0 {
            Engine::Full(engines) => engines.iter().map(Regex::as_str).collect(),
            Engine::Lazy { patterns, .. } => patterns.iter().map(String::as_str).collect(),
        }
    }
}

/// The full engine for one pattern, with the limits a [`MatchOnly`] was given.
fn full_engine(pattern: &str, limits: (usize, usize)) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).size_limit(limits.0).dfa_size_limit(limits.1).build()
}

/// The full engines of patterns that compiled into the lazy automaton already, built on first use.
fn fallbacks<'f>(fallback: &'f OnceLock<Vec<Regex>>, patterns: &[String], limits: (usize, usize)) -> &'f [Regex] {
    fallback.get_or_init(|| {
        patterns.iter().map(|p| full_engine(p, limits).expect("the pattern compiled once already")).collect()
    })
}

impl std::fmt::Debug for MatchOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MatchOnly").field(&self.patterns()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_text_matches_where_the_text_does() {
        let re = Regex::new(r"\b(?:[A-Z]\w+)(?:[ \t]+[A-Z]\w+)?\s+(?:cut|cuts)\b|\blay(?:s|ing)?\s+off\b").unwrap();
        let mask = AsciiMask::for_patterns([re.as_str()]);
        for text in [
            "OHIO (Staff) \u{2014} Norvex Labs cuts 400 jobs \u{2026} and lays off more \u{201C}soon\u{201D}",
            "\u{2022} Tal Systems cut\u{2014}Bri Labs cuts",
            "Caf\u{00E9} Labs cut 20 \u{2014} left as it is, since \u{00E9} is a letter",
        ] {
            let masked = mask.apply(text);
            assert_eq!(masked.len(), text.len());
            let on_text: Vec<_> = re.find_iter(text).map(|m| (m.range(), m.as_str().to_string())).collect();
            let on_mask: Vec<_> = re.find_iter(&masked).map(|m| (m.range(), text[m.range()].to_string())).collect();
            assert_eq!(on_text, on_mask, "{text}");
        }
        assert!(mask.apply("OHIO \u{2014} x").is_ascii());
        assert!(!mask.apply("Caf\u{00E9} \u{2014} x").is_ascii());
    }

    #[test]
    fn a_pattern_that_could_match_a_mark_turns_the_mask_off_or_keeps_the_mark() {
        for pattern in [r"a.b", r"[^x]", r"\W", r"\p{P}", r"[\u{2000}-\u{206F}]"] {
            assert!(AsciiMask::for_patterns([pattern]).apply("a\u{2014}b").contains('\u{2014}'), "{pattern}");
        }
        for pattern in ["a\u{2014}b", "[\u{2010}-\u{2015}]"] {
            assert!(AsciiMask::for_patterns([pattern]).apply("a\u{2014}b").contains('\u{2014}'), "{pattern}");
        }
        assert_eq!(AsciiMask::for_patterns([r"a\.b"]).apply("a\u{2014}b"), "a\0\0\0b");
    }

    #[test]
    fn flags_and_negated_classes_are_read_as_the_engine_reads_them() {
        // Negated after case folding, the class holds NUL and every mark: no mask at all.
        for pattern in [r"(?i)[^a-z]", r"[^\u{2014}]", r"[[:^alpha:]]", r"(?s:.)", r"(?-u:\w|\x00)"] {
            let mask = AsciiMask::for_patterns([r"(?i)\bcuts\b", pattern]);
            assert!(mask.marks.is_empty(), "{pattern}");
        }
        // Case-insensitive letters cannot match a mark, so the term lists keep their mask.
        assert_eq!(AsciiMask::for_patterns([r"(?i)\b(?:job cuts|layoffs)\b"]).apply("a\u{2014}b"), "a\0\0\0b");
        // An em dash named by a literal, escaped or in a class is kept; the other marks are masked.
        for pattern in ["(?i)\\bcuts \u{2014}", r"(?i)cuts \u{2014}", "(?x) cuts [\u{2013}\u{2014}]"] {
            let mask = AsciiMask::for_patterns([pattern]);
            assert_eq!(mask.apply("a\u{2014}b\u{2019}"), "a\u{2014}b\u{2019}", "{pattern}");
            assert_eq!(mask.apply("a\u{2026}b\u{2019}"), "a\0\0\0b\0\0\0", "{pattern}");
        }
    }

    #[test]
    fn a_match_only_pattern_answers_as_the_full_engine_does() {
        let texts = [
            "",
            "Share this article",
            "share this on X. Acme cut 400 jobs",
            "Acme cut 400 jobs; share this",
            "Caf\u{00E9} Labs \u{2014} Écrit par Zoë",
            "BY JANE DOE",
            "by Jane Doe, staff writer",
        ];
        for pattern in [
            r"(?i)^(?:(?:share this(?-u:\b).*)|(?:by\s+\p{Lu}\w+(?:\s+\p{Lu}\w+)?(?:,.*)?$))",
            r"(?i)(?:share this)|(?:cut \d+)",
            r"(?i)\bzoë\b|écrit",
            r"^$",
        ] {
            let full = Regex::new(pattern).unwrap();
            let only = MatchOnly::new(pattern, 10 << 20, 2 << 20).unwrap();
            assert_eq!(only.patterns(), [pattern]);
            for text in texts {
                assert_eq!(only.is_match(text), full.is_match(text), "{pattern} on {text:?}");
            }
        }
        assert!(MatchOnly::new(r"(unclosed", 10 << 20, 2 << 20).is_err());
    }

    #[test]
    fn patterns_sharing_one_automaton_answer_as_each_one_alone() {
        let texts =
            ["", "Share this article", "share this", "Thanks for reading.", "By Jane Doe", "Zoë \u{2014} share"];
        for patterns in [
            vec![r"(?i)^(?:share this(?-u:\b).*)", r"(?i)^(?:thanks for reading\.?)$", r"(?i)^by\s+\p{Lu}\w+$"],
            vec![r"(?i)share", r"(?i)^thanks", r"(?i)\bzoë\b"],
        ] {
            let many = MatchOnly::new_many(&patterns, 10 << 20, 2 << 20).unwrap();
            assert_eq!(many.patterns(), patterns);
            for text in texts {
                let alone: Vec<bool> = patterns.iter().map(|p| Regex::new(p).unwrap().is_match(text)).collect();
                assert_eq!(many.is_match(text), alone.contains(&true), "{patterns:?} on {text:?}");
                for (i, &m) in alone.iter().enumerate() {
                    assert_eq!(many.is_match_one(i, text), m, "{} on {text:?}", patterns[i]);
                }
            }
        }
        assert!(MatchOnly::new_many(&["a", "(unclosed"], 10 << 20, 2 << 20).is_err());
    }

    #[test]
    fn a_screen_drops_only_the_unicode_word_boundaries() {
        let loose = screen(r"(?i)\bcuts?\b").unwrap();
        assert!(loose.is_match("Acme CUTS jobs") && loose.is_match("haircuts"));
        assert!(!loose.is_match("trims"));
        assert!(screen(r"(?i)cuts?").is_none());
        assert!(screen(r"(?-u:\b)cuts?").is_none());
    }
}
