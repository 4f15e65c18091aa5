//! Splitting text into claims: lines, then sentences (Unicode rules, repaired around abbreviations
//! such as "U.S." and "Mr."), then clauses where one sentence makes two assertions joined by a
//! conjunction ("Intel confirmed 15% cuts and honestly they'll cut more by spring").

use super::lexicon::Lexicon;
use super::text::{normalize, without_urls};
use crate::core::text::Words;
use unicode_segmentation::UnicodeSegmentation;

/// Words that can open a clause of their own as its subject.
static SUBJECT_PRONOUNS: Words = Words::new(&[
    "i", "we", "you", "they", "he", "she", "it", "this", "these", "those", "there", "everyone", "nobody", "someone",
    "somebody", "people", "i'm", "we're", "they're", "it's", "that's", "there's", "i'd", "they'd", "we'll", "they'll",
    "it'll", "i'll", "he'll", "she'll", "you'll", "he's", "she's",
]);
/// Words that show the words before them were a subject: auxiliaries, modals and common finite verbs.
static FINITE_VERBS: Words = Words::new(&[
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "could",
    "may",
    "might",
    "can",
    "should",
    "must",
    "has",
    "have",
    "had",
    "does",
    "do",
    "did",
    "won't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "plans",
    "plan",
    "wants",
    "want",
    "needs",
    "need",
    "got",
    "gets",
    "seems",
    "looks",
    "keeps",
    "remains",
    "continues",
    "expects",
    "cut",
    "cuts",
    "laid",
    "lays",
]);
/// Adverbs and asides that may stand between a conjunction and the next clause's subject.
static DISCOURSE_WORDS: Words = Words::new(&[
    "honestly",
    "frankly",
    "tbh",
    "imo",
    "imho",
    "probably",
    "obviously",
    "clearly",
    "also",
    "then",
    "now",
    "maybe",
    "apparently",
    "meanwhile",
    "still",
    "yeah",
    "sadly",
    "unfortunately",
    "fwiw",
    "btw",
]);
static CONJUNCTIONS: Words = Words::new(&["and", "but", "so", "while", "although", "though", "whereas", "yet", "plus"]);
/// Conjunctions of other languages, and participles that open an analysis of what came before
/// (", meaning the cuts could …"): these split without looking for a subject.
const ALWAYS_SPLIT: &[&str] =
    &["pero", "aber", "mais", "sondern", "meaning", "suggesting", "signalling", "signaling", "implying"];
/// Words that open a subordinate clause, which a comma does not end.
static SUBORDINATORS: Words = Words::new(&[
    "if", "when", "unless", "while", "although", "though", "because", "since", "as", "after", "before", "once",
    "until", "whether", "even", "whereas", "wenn", "si", "cuando", "aunque", "quand",
]);
/// Words that open a dependent clause or a phrase that belongs to the one before.
static NOT_CLAUSE_OPENERS: Words = Words::new(&[
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "when",
    "as",
    "including",
    "according",
    "citing",
    "per",
    "like",
    "from",
    "with",
    "without",
    "after",
    "before",
    "since",
    "until",
    "because",
    "if",
    "unless",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "of",
    "than",
    "then",
    "the",
    "a",
    "an",
]);
/// Verbs that mark the clause after a comma as the attribution of the one before (", the company said").
static ATTRIBUTION_VERBS: Words = Words::new(&[
    "said",
    "says",
    "say",
    "told",
    "wrote",
    "writes",
    "reported",
    "reports",
    "added",
    "adds",
    "noted",
    "confirmed",
    "announced",
    "stated",
    "explained",
    "according",
    "claimed",
    "claims",
    "argued",
    "argues",
]);
/// Verbs of saying whose object is the clause said, not a noun ("said", unlike "announced").
static CLAUSE_TAKING_VERBS: Words = Words::new(&[
    "said",
    "says",
    "say",
    "wrote",
    "writes",
    "added",
    "adds",
    "noted",
    "explained",
    "stated",
    "claimed",
    "claims",
    "argued",
    "argues",
    "insisted",
    "insists",
    "warned",
    "warns",
]);
/// After "so", these make it an adverb ("so far"), not a conjunction.
static SO_ADVERB_FOLLOWERS: Words = Words::new(&["far", "much", "many", "long", "that", "few", "little", "too"]);

/// A piece of text that makes one assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// The number of the sentence it belongs to, counted through the text.
    pub sentence: usize,
    /// The whole sentence, when it was split into clauses: the labeller keeps the clauses apart
    /// only when they deserve different labels.
    pub whole: Option<String>,
}

/// Splits `text` (already reduced to plain text) into claim-sized segments, skipping questions and
/// fragments too short to assert anything.
pub fn segments(text: &str, lex: &Lexicon) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut number = 0;
    let text = break_after_urls(text);
    for line in text.lines() {
        let line = strip_bullet(line.trim());
        if line.is_empty() {
            continue;
        }
        let mut after_furniture = false;
        for sentence in sentences(line, lex) {
            if lex.hygiene.is_furniture(&sentence) {
                let rule = || lex.hygiene.furniture_rule(&sentence).unwrap_or_default();
                tracing::debug!(sentence = %sentence, rule = rule(), "Dropped page furniture before labelling.");
                let lower = sentence.to_lowercase();
                after_furniture = SPONSOR_AND_ASK_WORDS.iter().any(|w| lower.contains(w));
                continue;
            }
            // "Support for the show comes from Nimbly. Your week, sorted.": a short line after a sponsor
            // read or a request for reviews, in the same paragraph, is its slogan or its aside.
            if after_furniture && is_tagline(&sentence) {
                tracing::debug!(sentence = %sentence, "Dropped a tagline after page furniture.");
                continue;
            }
            after_furniture = false;
            number += 1;
            if is_plea(&sentence) {
                continue;
            }
            let parts: Vec<String> =
                clauses(&sentence, lex).iter().map(|c| tidy(&without_urls(c))).filter(|c| is_claim(c)).collect();
            let whole = (parts.len() > 1).then(|| tidy(&without_urls(&sentence)));
            out.extend(parts.into_iter().map(|text| Segment { text, sentence: number, whole: whole.clone() }));
        }
    }
    out
}

/// Chat writes in lower case ("got the invite at 9:02. pretty sure this is it. someone on Blind said
/// …"), where the Unicode rules see no sentence after a full stop; each such sentence is put on a
/// line of its own. Not after an abbreviation, an initial or an ellipsis, nor after fewer than four
/// words ("same for ES. my PM said …" is one remark). One pass: words are counted as they go by.
pub fn break_lowercase_sentences<'t>(text: &'t str, lex: &Lexicon) -> std::borrow::Cow<'t, str> {
    let bytes = text.as_bytes();
    let mut breaks: Vec<usize> = Vec::new();
    let (mut words, mut word_start, mut in_word) = (0usize, 0usize, false);
    for (at, &b) in bytes.iter().enumerate() {
        if b.is_ascii_whitespace() {
            in_word = false;
            if b == b'\n' {
                words = 0;
            }
            continue;
        }
        if !in_word {
            in_word = true;
            words += 1;
            word_start = at;
        }
        if b != b'.' || words < 4 || bytes.get(at + 1) != Some(&b' ') || at > 0 && bytes[at - 1] == b'.' {
            continue;
        }
        let next = at + 1 + bytes[at + 1..].iter().take_while(|&&c| c == b' ').count();
        if bytes.get(next).is_some_and(u8::is_ascii_lowercase) && !ends_with_abbreviation(&text[word_start..=at], lex) {
            breaks.push(next);
            words = 0;
        }
    }
    if breaks.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + breaks.len());
    let mut from = 0;
    for at in breaks {
        out.push_str(text[from..at].trim_end_matches(' '));
        out.push('\n');
        from = at;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// Words of the furniture a slogan or an aside follows: a sponsor read, a request for reviews.
const SPONSOR_AND_ASK_WORDS: &[&str] =
    &["support", "sponsor", "brought to you", "presented by", "review", "rating", "subscribe", "comes from"];

/// A few words with no figure and no name, ending as a sentence: what a sponsor's slogan or a
/// sign-off's aside looks like.
fn is_tagline(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    words.len() <= 6
        && sentence.trim_end().ends_with(['.', '!'])
        && !sentence.chars().any(|c| c.is_ascii_digit())
        && words.iter().skip(1).all(|w| !w.chars().next().is_some_and(char::is_uppercase))
}

/// A URL followed by a capitalised word ends a sentence even without a full stop
/// ("… https://example.com/x Big difference.").
fn break_after_urls(text: &str) -> std::borrow::Cow<'_, str> {
    static URL_THEN_CAPITAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(https?://\S+)[ \t]+(\p{Lu}|(?:i|we|we're|they|they're|this|that's|it's|so|lol)\b)")
            .expect("valid regex")
    });
    URL_THEN_CAPITAL.replace_all(text, "$1\n$2")
}

fn strip_bullet(line: &str) -> &str {
    let trimmed = line.trim_start_matches(['•', '◦', '▪', '‣', '–', '—', '*', '>', '·']).trim_start();
    let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    // "1. " or "2) " list numbering, but not "1.5 million".
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 2 {
        let rest = &trimmed[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r.trim_start();
        }
    }
    trimmed
}

/// Sentences of one line, merged back where the Unicode rules broke after an abbreviation.
fn sentences(line: &str, lex: &Lexicon) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    let ascii = ascii_sentence_bounds(line);
    let unicode = ascii.is_none().then(|| line.split_sentence_bounds());
    for piece in ascii.into_iter().flatten().chain(unicode.into_iter().flatten()) {
        let merge = glue_next || !piece.chars().any(char::is_alphanumeric);
        match out.last_mut() {
            Some(last) if merge => last.push_str(piece),
            _ => out.push(piece.to_string()),
        }
        glue_next = false;
        if let Some(last) = out.last() {
            glue_next = ends_with_abbreviation(last, lex);
        }
    }
    // An ambiguous abbreviation followed by a typical sentence opener did end its sentence.
    let mut fixed: Vec<String> = Vec::new();
    for s in out {
        for part in split_before_figures(&s, lex) {
            fixed.extend(split_after_ambiguous_abbreviation(part, lex));
        }
    }
    // Most sentences need no trimming and are kept as they are, not copied.
    fixed
        .into_iter()
        .filter_map(|s| match s.trim() {
            "" => None,
            t if t.len() == s.len() => Some(s),
            t => Some(t.to_string()),
        })
        .collect()
}

/// The Unicode sentence boundaries (UAX #29, as `split_sentence_bounds` finds them) of a plain-ASCII
/// line without line breaks, found byte by byte; `None` for any other line. The general search looks
/// up every character's class in a Unicode table and, after each full stop, rescans the text ahead,
/// on every line of every item; in ASCII the classes are a few byte ranges and the rules below need
/// one pass.
fn ascii_sentence_bounds(line: &str) -> Option<Vec<&str>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Class {
        Lower,
        Upper,
        Numeric,
        ATerm,
        STerm,
        Close,
        SContinue,
        Sp,
        Other,
    }
    fn class(b: u8) -> Class {
        match b {
            b'a'..=b'z' => Class::Lower,
            b'A'..=b'Z' => Class::Upper,
            b'0'..=b'9' => Class::Numeric,
            b'.' => Class::ATerm,
            b'!' | b'?' => Class::STerm,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
            b',' | b'-' | b':' | b';' => Class::SContinue,
            b' ' | b'\t' | b'\x0B' | b'\x0C' => Class::Sp,
            _ => Class::Other,
        }
    }
    // Where a terminator's run stands: just after it, in the closing marks after it, in the
    // spaces after those.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Run {
        None,
        Term,
        Close,
        Sp,
    }
    if !line.is_ascii() || line.bytes().any(|b| b == b'\r' || b == b'\n') {
        return None;
    }
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let (mut from, mut run, mut full_stop) = (0, Run::None, false);
    for (at, &b) in bytes.iter().enumerate() {
        let c = class(b);
        if at > 0 && run != Run::None {
            let prev = class(bytes[at - 1]);
            let letter_before = at >= 2 && matches!(class(bytes[at - 2]), Class::Lower | Class::Upper);
            // SB8: after a full stop, no break before a lower-case word ("etc. and so on").
            let lower_ahead = || {
                bytes[at..]
                    .iter()
                    .map(|&b| class(b))
                    .find(|c| matches!(c, Class::Lower | Class::Upper | Class::ATerm | Class::STerm))
                    == Some(Class::Lower)
            };
            let joined = (prev == Class::ATerm && c == Class::Numeric) // SB6
                || (prev == Class::ATerm && letter_before && c == Class::Upper) // SB7
                || (full_stop && lower_ahead()) // SB8
                || matches!(c, Class::SContinue | Class::STerm | Class::ATerm) // SB8a
                || (run != Run::Sp && matches!(c, Class::Close | Class::Sp)) // SB9
                || c == Class::Sp; // SB10
            if !joined {
                // SB11
                out.push(&line[from..at]);
                from = at;
            }
        }
        (run, full_stop) = match (c, run) {
            (Class::ATerm, _) => (Run::Term, true),
            (Class::STerm, _) => (Run::Term, false),
            (Class::Close, Run::Term | Run::Close) => (Run::Close, full_stop),
            (Class::Sp, Run::Term | Run::Close | Run::Sp) => (Run::Sp, full_stop),
            _ => (Run::None, false),
        };
    }
    if from < bytes.len() {
        out.push(&line[from..]);
    }
    Some(out)
}

/// "The layoffs are real. 1,400 people don't get cut …": Unicode's rules keep a full stop followed by
/// a figure inside the sentence (for "approx. 5 people"), but after a plain word it ends one.
fn split_before_figures<'s>(sentence: &'s str, lex: &Lexicon) -> Vec<&'s str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = sentence.as_bytes();
    for (at, _) in sentence.match_indices(". ") {
        if !bytes.get(at + 2).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let word = sentence[start..at].rsplit(' ').next().unwrap_or("");
        let plain_word = word.len() >= 3
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && !lex.abbreviations.contains(&format!("{word}."));
        if plain_word {
            parts.push(&sentence[start..=at]);
            start = at + 2;
        }
    }
    parts.push(&sentence[start..]);
    parts
}

fn ends_with_abbreviation(sentence: &str, lex: &Lexicon) -> bool {
    let last = sentence.split_whitespace().last().unwrap_or("");
    let last = last.trim_start_matches(['(', '"', '\'', '“', '‘']).to_lowercase();
    lex.abbreviations.contains(&last) || is_initial(&last)
}

/// A single capital initial ("John F. Kennedy") never ends a sentence.
fn is_initial(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_alphabetic())
}

/// One pass over the words, slicing once at every break: untrusted text full of "Inc. The" must
/// cost linear time and memory.
fn split_after_ambiguous_abbreviation(sentence: &str, lex: &Lexicon) -> Vec<String> {
    let words: Vec<(usize, &str)> = word_offsets(sentence);
    let mut out = Vec::new();
    let mut from = 0;
    for pair in words.windows(2) {
        let (_, w) = pair[0];
        let (next_at, next) = pair[1];
        // The capital is tested first: it needs no lower-cased copy of the word, and most words
        // are not followed by one.
        if next.chars().next().is_some_and(char::is_uppercase)
            && lex.ambiguous_abbreviations.contains(&w.to_lowercase())
            && lex.sentence_openers.contains(next.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()))
        {
            out.push(sentence[from..next_at].to_string());
            from = next_at;
        }
    }
    out.push(sentence[from..].to_string());
    out
}

fn word_offsets(s: &str) -> Vec<(usize, &str)> {
    s.split_whitespace().map(|w| (w.as_ptr() as usize - s.as_ptr() as usize, w)).collect()
}

/// Splits a sentence where a conjunction (or a semicolon) starts a new clause with its own subject.
fn clauses(sentence: &str, lex: &Lexicon) -> Vec<String> {
    let words = word_offsets(sentence);
    // An all-caps word ("IT", "US") keeps its case so it is never read as a pronoun. Every word is
    // written into one string and sliced from it, not given a string of its own.
    let mut joined = String::with_capacity(sentence.len());
    let mut ends = Vec::with_capacity(words.len());
    for (_, w) in &words {
        let (mut letters, mut all_upper) = (0usize, true);
        for c in w.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            all_upper &= c.is_uppercase();
        }
        let upper = letters > 1 && all_upper;
        let from = joined.len();
        // A plain-ASCII word trims the same in either case, so it is trimmed first and changes
        // case in place.
        if w.is_ascii() {
            joined.push_str(bare_str(w));
            let word = &mut joined[from..];
            if upper { word.make_ascii_uppercase() } else { word.make_ascii_lowercase() }
        } else {
            let n = normalize(w);
            let b = bare_str(&n);
            if upper { joined.push_str(&b.to_uppercase()) } else { joined.push_str(b) }
        }
        ends.push(joined.len());
    }
    let mut from = 0;
    let norm: Vec<&str> = ends
        .iter()
        .map(|&end| {
            let word = &joined[from..end];
            from = end;
            word
        })
        .collect();
    let mut cuts: Vec<(usize, usize)> = Vec::new(); // (end of left clause, start of right clause)
    let mut in_quote = false;
    let mut clause_start = 0;
    for (i, (at, w)) in words.iter().enumerate() {
        let quotes = w.chars().filter(|c| matches!(c, '"' | '“' | '”')).count();
        let starts_in_quote = in_quote;
        if quotes % 2 == 1 {
            in_quote = !in_quote;
        }
        if starts_in_quote || in_quote {
            continue;
        }
        if w.ends_with(';') && i >= clause_start + 2 && i + 3 < words.len() {
            cuts.push((at + w.len() - 1, words[i + 1].0));
            clause_start = i + 1;
            continue;
        }
        if i >= clause_start + 3
            && i > 0
            && words[i - 1].1.ends_with(',')
            && ALWAYS_SPLIT.contains(&norm[i])
            && i + 3 <= words.len()
        {
            cuts.push((words[i - 1].0 + words[i - 1].1.len() - 1, *at));
            clause_start = i;
            continue;
        }
        if w.ends_with(',')
            && i >= clause_start + 2
            && comma_starts_clause(&norm, clause_start, i)
            && !names_after_a_title(&norm[clause_start..=i], words.get(i + 1).map(|(_, w)| *w), lex)
        {
            cuts.push((at + w.len() - 1, words[i + 1].0));
            clause_start = i + 1;
            continue;
        }
        if i < clause_start + 3 || !CONJUNCTIONS.contains(norm[i]) {
            continue;
        }
        if norm[i] == "so" && norm.get(i + 1).is_some_and(|n| SO_ADVERB_FOLLOWERS.contains(n)) {
            continue;
        }
        // "…, but it did not say when": a clause that only refers back stays with its sentence.
        if starts_clause(&norm[i + 1..])
            && !lex.hygiene.is_dependent_tail(&sentence[words[i + 1].0..])
            && !inside_reported_subject(&norm[clause_start..i], &norm[i + 1..])
        {
            cuts.push((*at, words[i + 1].0));
            clause_start = i + 1;
        }
    }
    if cuts.is_empty() {
        return vec![sentence.to_string()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (end, next) in cuts {
        out.push(sentence[start..end].to_string());
        start = next;
    }
    out.push(sentence[start..].to_string());
    out
}

/// "Bayline reports Nordhaven's CEO, Erik Sandvall, will face questions": a comma after a title
/// ("CEO", "spokesperson", "chief financial officer") before a capitalised name opens the name of
/// the person who holds it, not a clause of its own.
fn names_after_a_title(left: &[&str], next: Option<&str>, lex: &Lexicon) -> bool {
    let capitalised = next.is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    if !capitalised || next.is_some_and(|w| SUBJECT_PRONOUNS.contains(bare_str(w).to_lowercase().as_str())) {
        return false;
    }
    let titled = |n: usize| {
        left.len() >= n && {
            let tail = left[left.len() - n..].join(" ");
            lex.speakers.official_titles.hits(&tail).iter().any(|h| h.start == 0 && h.end == tail.len())
        }
    };
    titled(1) || titled(2) || titled(3)
}

/// A comma splice ("5,000 is way too high, they only cut 1,200") joins two clauses; an attribution
/// (", the company said") or a citation (", it's in the 10-K") after the comma belongs to the first.
fn comma_starts_clause(norm: &[&str], clause_start: usize, comma: usize) -> bool {
    let left = &norm[clause_start..=comma];
    // Only the next few words decide; looking further would make long comma lists quadratic.
    let right = &norm[comma + 1..norm.len().min(comma + 13)];
    // "If agents keep improving, teams will shrink": a subordinate clause belongs to what follows.
    if SUBORDINATORS.contains(left[0]) {
        return false;
    }
    // "According to the WARN notice, Tovrin is offering …": a citation opens the clause that follows.
    if matches!(left[0], "according" | "per" | "citing" | "via") {
        return false;
    }
    if right.len() < 3 || NOT_CLAUSE_OPENERS.contains(right[0]) || !starts_clause(right) {
        return false;
    }
    let left_has_verb = left.iter().any(|w| {
        FINITE_VERBS.contains(*w)
            || ATTRIBUTION_VERBS.contains(*w)
            || w.len() > 4 && (w.ends_with("ed") || w.ends_with("ing"))
            || w.ends_with("'s")
            || w.ends_with("'re")
    });
    if !left_has_verb {
        return false;
    }
    // ", the company said (in a statement)": an attribution tail, not a clause of its own.
    if let Some(v) = right.iter().take(7).position(|w| ATTRIBUTION_VERBS.contains(*w)) {
        let after = &right[v + 1..];
        let bare_tail = after.first().is_none_or(|w| {
            matches!(
                *w,
                "in" | "on"
                    | "at"
                    | "last"
                    | "this"
                    | "earlier"
                    | "during"
                    | "citing"
                    | "adding"
                    | "according"
                    | "while"
                    | "when"
                    | "after"
                    | "before"
                    | "yesterday"
                    | "today"
                    | "monday"
                    | "tuesday"
                    | "wednesday"
                    | "thursday"
                    | "friday"
                    | "to"
                    | "via"
                    | "by"
            )
        });
        if bare_tail {
            return false;
        }
    }
    // ", it's in the 10-K" and ", per Bloomberg" cite the first clause.
    let cites = right.windows(2).any(|p| p[0] == "in" && matches!(p[1], "the" | "its" | "their")) && right.len() <= 10
        || right.iter().any(|w| matches!(*w, "per" | "source" | "according" | "citing" | "interviewed" | "confirmed"));
    !cites
}

/// "Solis said middle management and legacy support would take the hit": when the words after the
/// last verb of saying hold no verb yet, the conjunction joins two subjects of what was said, and
/// the sentence stays one claim of its speaker.
fn inside_reported_subject(left: &[&str], right: &[&str]) -> bool {
    let opens_with_pronoun =
        right.iter().find(|w| !DISCOURSE_WORDS.contains(*w)).is_some_and(|w| SUBJECT_PRONOUNS.contains(*w));
    !opens_with_pronoun
        && left.iter().rposition(|w| CLAUSE_TAKING_VERBS.contains(*w)).is_some_and(|v| {
            v + 1 < left.len()
                && !left[v + 1..]
                    .iter()
                    .any(|w| FINITE_VERBS.contains(*w) || w.len() > 4 && (w.ends_with("ed") || w.ends_with("ing")))
        })
}

/// Whether `rest` (normalized words after a conjunction) opens a clause: a subject, then a verb.
fn starts_clause(rest: &[&str]) -> bool {
    let rest: Vec<&str> = rest.iter().take(12).copied().skip_while(|w| DISCOURSE_WORDS.contains(w)).collect();
    if rest.len() < 3 {
        return false;
    }
    // "… said X and that Y": a second complement continues the same reported speech.
    if matches!(rest[0], "that" | "whether" | "which" | "who") {
        return false;
    }
    if SUBJECT_PRONOUNS.contains(rest[0]) {
        return true;
    }
    // "…, said employees would be told": a verb first means the subject came before the comma.
    if ATTRIBUTION_VERBS.contains(rest[0]) || rest[0].ends_with("ed") {
        return false;
    }
    if NOT_CLAUSE_OPENERS.contains(rest[0]) && !matches!(rest[0], "the" | "a" | "an") {
        return false;
    }
    // A short noun phrase followed by a finite verb: "analysts expect", "the company was".
    rest.iter().take(5).skip(1).any(|w| FINITE_VERBS.contains(w))
        && !FINITE_VERBS.contains(rest[0])
        && !rest[0].chars().all(|c| c.is_ascii_digit() || c == ',' || c == '%')
}

fn bare_str(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
}

/// The clause with its spaces collapsed and its edge punctuation trimmed, built in one string: this
/// runs on every clause of every item.
fn tidy(clause: &str) -> String {
    let mut collapsed = String::with_capacity(clause.len());
    for w in clause.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(w);
    }
    let trimmed = collapsed.trim_matches(|c: char| c == ',' || c == ';' || c == '-' || c == ':' || c.is_whitespace());
    if trimmed.len() == collapsed.len() { collapsed } else { trimmed.to_string() }
}

/// Words that make up reactions, not assertions.
static REACTIONS: Words = Words::new(&[
    "lol", "lmao", "oof", "ouch", "wow", "yikes", "thanks", "thank", "you", "ty", "same", "rip", "ugh", "damn", "nice",
    "ok", "okay", "yeah", "yep", "nope", "no", "yes", "this", "+1", "omg", "welp", "sheesh", "hmm", "huh", "great",
    "good", "morning", "all", "everyone", "hi", "hey", "folks", "haha", "wild", "sad", "f",
]);

/// A plea or a wish ("please tell me they'll give severance", "I hope the Dublin office is spared",
/// "fingers crossed for the sales team") asks or hopes; it asserts nothing, so none of its clauses is
/// a claim, however many it has.
fn is_plea(sentence: &str) -> bool {
    static PLEA: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^\W*(?:(?:and|but|so|oh|god|man|ugh|honestly|just|really|i|i'm|im|all)\s+){0,3}(?P<word>please|pls|plz|hope|hoping|hopefully|wish|wishing|praying|pray|fingers\s+crossed|let'?s\s+hope|(?:someone\s+|somebody\s+)?tell\s+me)\b(?P<rest>.*)",
        )
        .expect("valid plea regex")
    });
    let Some(cap) = PLEA.captures(sentence) else { return false };
    // "Hope Industries will cut 200 jobs": a capitalised word after a capitalised one is a name.
    let capital = |s: &str| s.trim_start().chars().next().is_some_and(char::is_uppercase);
    !(capital(&cap["word"]) && capital(&cap["rest"]))
}

/// Questions and reactions ("anyone know?", "lol", "oof") assert nothing.
fn is_claim(text: &str) -> bool {
    let trimmed = text.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '?');
    if trimmed.ends_with('?') {
        return false;
    }
    // Lower-cased only until the first word that is not a reaction.
    let (mut words, mut all_reactions) = (0usize, true);
    for w in text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '+')) {
        if w.is_empty() {
            continue;
        }
        words += 1;
        all_reactions = all_reactions && REACTIONS.contains(w.to_lowercase());
    }
    !all_reactions && words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        segments(text, Lexicon::embedded()).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn ascii_sentence_bounds_are_the_unicode_ones() {
        // One character of each class the rules tell apart, every string of up to five of them,
        // then longer ones drawn at random.
        let alphabet = b"aA1.?)', \t#";
        let check = |text: &str| {
            let want: Vec<&str> = text.split_sentence_bounds().collect();
            assert_eq!(ascii_sentence_bounds(text), Some(want), "{text:?}");
        };
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts.iter().flat_map(|t| alphabet.iter().map(move |&b| format!("{t}{}", b as char))).collect();
            texts.iter().for_each(|t| check(t));
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let len = (seed >> 59) as usize + 6;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize] as char
                })
                .collect();
            check(&text);
        }
        for text in ["U.S. firms cut jobs. Acme said so.", "He left (etc.) and more. \"Why?\" she asked.", "x.\u{3b}y"]
        {
            check(text);
        }
        assert!(ascii_sentence_bounds("Caf\u{e9}. Yes").is_none() && ascii_sentence_bounds("a.\rB").is_none());
    }

    #[test]
    fn pleas_and_wishes_are_not_claims() {
        for plea in [
            "please tell me they'll give severance",
            "And please keep the rumours labelled as rumours, they don't need us guessing at their severance.",
            "I really hope the Dublin office is spared.",
            "fingers crossed for the sales team, they deserve better",
            "Hopefully they keep the support staff on until March.",
        ] {
            assert_eq!(texts(plea), Vec::<String>::new(), "{plea}");
        }
        assert_eq!(texts("I heard the sales team is next."), vec!["I heard the sales team is next."]);
        assert_eq!(
            texts("Hope Industries will cut 200 jobs."),
            vec!["Hope Industries will cut 200 jobs."],
            "a name is not a wish"
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            texts("Initech Inc. will cut jobs in the U.S. and Canada. Mr. Lumbergh confirmed it."),
            vec!["Initech Inc. will cut jobs in the U.S. and Canada.", "Mr. Lumbergh confirmed it."]
        );
    }

    #[test]
    fn an_abbreviation_at_the_end_of_a_sentence_still_ends_it() {
        assert_eq!(
            texts("Globex cut 300 jobs in the U.S. The company blamed automation."),
            vec!["Globex cut 300 jobs in the U.S.", "The company blamed automation."]
        );
    }

    #[test]
    fn two_claims_joined_by_and_become_two_clauses() {
        assert_eq!(
            texts("Intel confirmed 15% cuts and honestly they'll cut more by spring https://example.com/x"),
            vec!["Intel confirmed 15% cuts", "honestly they'll cut more by spring"]
        );
    }

    #[test]
    fn a_name_after_a_title_and_a_comma_stays_with_its_sentence() {
        let one = "Bayline reports Nordhaven's CEO, Erik Sandvall, will face questions on April 9";
        assert_eq!(texts(one), vec![one]);
    }

    #[test]
    fn a_citation_opening_the_sentence_stays_with_it() {
        assert_eq!(
            texts("According to the WARN notice, Tovrin is offering transfers to Tennessee."),
            vec!["According to the WARN notice, Tovrin is offering transfers to Tennessee."]
        );
    }

    #[test]
    fn so_joining_a_fact_and_an_opinion_splits() {
        assert_eq!(
            texts("Revenue was up 20% last quarter so this is pure AI-washing."),
            vec!["Revenue was up 20% last quarter", "this is pure AI-washing."]
        );
    }

    #[test]
    fn two_subjects_of_what_a_speaker_said_do_not_split() {
        for text in [
            "Dana Roe said middle management and legacy support would take the biggest hit.",
            "A Hooli spokesperson said fiction and poetry would still be translated by people.",
        ] {
            assert_eq!(texts(text), vec![text.to_string()]);
        }
        assert_eq!(
            texts("Globex said it would cut 300 jobs and honestly they will cut more."),
            vec!["Globex said it would cut 300 jobs", "honestly they will cut more."]
        );
    }

    #[test]
    fn a_compound_subject_does_not_split() {
        assert_eq!(texts("Hooli and Globex are both cutting staff."), vec!["Hooli and Globex are both cutting staff."]);
    }

    #[test]
    fn quotes_are_not_split_inside() {
        let t = texts("\"We cut costs and we will keep cutting,\" the CEO said.");
        assert_eq!(t.len(), 1, "{t:?}");
    }

    #[test]
    fn bullets_are_separate_claims_and_questions_are_not_claims() {
        assert_eq!(
            texts("• Hooli cut 200 roles\n- Globex cut 50 roles\nanyone know more?\nlol"),
            vec!["Hooli cut 200 roles", "Globex cut 50 roles"]
        );
    }

    #[test]
    fn non_english_text_is_kept() {
        assert_eq!(
            texts("Dicen que Initech despedirá a 500 personas."),
            vec!["Dicen que Initech despedirá a 500 personas."]
        );
    }

    #[test]
    fn pathological_abbreviation_runs_and_comma_lists_stay_linear() {
        let abbreviations = "AI layoffs. ".to_string() + &"Inc. The firm ".repeat(8_000);
        let clock = std::time::Instant::now();
        assert!(texts(&abbreviations).len() > 1000);
        let commas = "a a, ".repeat(20_000);
        assert!(!texts(&commas).is_empty());
        // Generous: a quadratic or recursive splitter takes minutes or runs out of memory here.
        assert!(clock.elapsed() < std::time::Duration::from_secs(60));
    }

    #[test]
    fn emoji_do_not_break_segmentation() {
        assert_eq!(texts("Globex just cut 400 people 😬🔥"), vec!["Globex just cut 400 people 😬🔥"]);
    }

    #[test]
    fn chat_in_lower_case_breaks_at_a_full_stop_after_a_few_words() {
        let lex = Lexicon::embedded();
        let chat = "my whole team got a calendar invite from HR. pretty sure this is it. same for ES. my PM said so";
        assert_eq!(
            break_lowercase_sentences(chat, lex),
            "my whole team got a calendar invite from HR.\npretty sure this is it.\nsame for ES. my PM said so"
        );
        let kept = [
            "the call starts at 9 a.m. tomorrow for everyone",
            "i mean... we all saw it coming lol",
            "the whole eng dept. got the invite at 9",
        ];
        for line in kept {
            assert_eq!(break_lowercase_sentences(line, lex), line);
        }
    }
}
