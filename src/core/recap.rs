//! A chat thread's summary, shorter than the thread: one structure every platform draws. It says what
//! the thread is about in the bot's words (the linked report's figures, never a member's sentence cut
//! off), what is sourced and by whom, the unconfirmed claims grouped by topic with how many messages
//! repeat each and one example, and links to the messages by their position in the thread. Text
//! addressed to a model is already out of the summary; the recap only says how many messages that was.

use super::analyze::Analysis;
use super::claims::{Claim, SourceKind, Verdict};
use super::facts::{AiReasonBy, LayoffFact, headcount_text};
use super::glance::{WORD_BUDGET, reader_reason, words};
use super::summarize::Summary;
use super::summarize::grounding::without_injections;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};

/// Sourced lines in a recap.
const MAX_SOURCED: usize = 3;
/// Topics of unconfirmed claims in a recap.
const MAX_TOPICS: usize = 3;
/// An example longer than this many words is shortened at a word boundary.
const EXAMPLE_WORDS: usize = 10;

/// Where a message sits in its thread, so links read "msg 4".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRef {
    /// The message's origin (its id, as claims name it).
    pub origin: String,
    /// Its position in the thread, from 1.
    pub position: usize,
    pub author: Option<String>,
    pub permalink: Option<String>,
    /// The links the message shared, in order: the report a thread is about is usually one.
    pub links: Vec<String>,
}

/// A link to one message: "msg 4" and its permalink, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageLink {
    pub label: String,
    pub url: Option<String>,
}

/// One source and what it backs: "Reuters (msg 1): about 900 jobs · 11% · AI named by the company".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedLine {
    pub source: String,
    pub what: String,
    pub link: Option<MessageLink>,
}

/// Unconfirmed claims about one thing: its key word, how many messages say it, the commonest reason,
/// and one example with its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub word: String,
    pub messages: usize,
    pub why: &'static str,
    pub example: String,
    pub link: Option<MessageLink>,
}

impl Topic {
    /// "message" or "3 messages", as every platform words the count beside a topic.
    pub fn messages_text(&self) -> String {
        if self.messages == 1 { "message".to_string() } else { format!("{} messages", self.messages) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recap {
    pub headline: String,
    /// The report the thread is about, when one was linked.
    pub headline_url: Option<String>,
    pub sourced: Vec<SourcedLine>,
    pub topics: Vec<Topic>,
    /// "20 messages · 4 citing a source · 9 with unconfirmed claims · 1 message addressed to a bot
    /// left out".
    pub counts: String,
}

impl Recap {
    pub fn of(summary: &Summary, analysis: &Analysis, messages: &[MessageRef]) -> Self {
        let link = |origin: &str| {
            messages.iter().find(|m| m.origin == origin).map(|m| MessageLink {
                label: format!("msg {}", m.position),
                url: m.permalink.clone().or_else(|| analysis.permalink(origin).map(String::from)),
            })
        };
        let sourced: Vec<&Claim> = distinct(&summary.sourced);
        let (headline, headline_url) = headline(&summary.facts, &sourced, messages);
        let mut recap = Recap {
            headline,
            headline_url,
            sourced: Vec::new(),
            topics: Vec::new(),
            counts: counts(
                messages.len(),
                origins(&summary.sourced),
                origins(&summary.speculative),
                without_injections(analysis).1.len(),
            ),
        };
        for line in sourced_lines(&summary.facts, &sourced) {
            if recap.sourced.len() == MAX_SOURCED {
                break;
            }
            let (origin, line) = line;
            recap.sourced.push(SourcedLine { link: link(&origin), ..line });
            if recap.words() > WORD_BUDGET {
                recap.sourced.pop();
            }
        }
        let known: HashSet<String> = sourced.iter().flat_map(|c| content_words(&c.text)).collect();
        // Every copy of a rumour counts: one pasted into many messages is what many messages say.
        let every_rumour: Vec<&Claim> = summary.speculative.iter().collect();
        for (word, group) in topics(&every_rumour, &known) {
            if recap.topics.len() == MAX_TOPICS {
                break;
            }
            // The first telling that passes something on (hearsay, a rumour, an anonymous post),
            // else the first: the thread's own words for the rumour, not a remark that shares a word.
            let told = |c: &&&Claim| matches!(thread_reason(c), "hearsay" | "rumour" | "anonymous account");
            let example = group.iter().find(told).or_else(|| group.first()).expect("a topic has claims");
            let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
            for c in &group {
                *reasons.entry(thread_reason(c)).or_default() += 1;
            }
            // The commonest reason; on a tie, the example's own.
            let most = reasons.values().copied().max().unwrap_or(0);
            let why = match thread_reason(example) {
                own if reasons.get(own) == Some(&most) => own,
                _ => reasons.into_iter().find(|(_, n)| *n == most).map_or("unconfirmed", |(w, _)| w),
            };
            let origins: HashSet<&str> = group.iter().map(|c| c.origin.as_str()).collect();
            recap.topics.push(Topic {
                example: around(&example.text, &word),
                word,
                messages: origins.len(),
                why,
                link: link(&example.origin),
            });
            if recap.words() > WORD_BUDGET {
                recap.topics.pop();
            }
        }
        recap
    }

    /// Every word a reader sees, links counted by their labels.
    pub fn words(&self) -> usize {
        let link = |l: &Option<MessageLink>| l.as_ref().map_or(0, |l| words(&l.label));
        words(&self.headline)
            + self.sourced.iter().map(|s| words(&s.source) + words(&s.what) + link(&s.link)).sum::<usize>()
            + self
                .topics
                .iter()
                .map(|t| words(&t.word) + words(&t.example) + link(&t.link) + 3 + words(t.why))
                .sum::<usize>()
            + usize::from(!self.topics.is_empty())
            + words(&self.counts)
    }
}

/// Each claim once, the first time it was said.
fn distinct(claims: &[Claim]) -> Vec<&Claim> {
    let mut seen = HashSet::new();
    claims.iter().filter(|c| seen.insert(c.text.trim().to_lowercase())).collect()
}

/// The thread's subject in the bot's words: the first report's figures and who gives them, linked to
/// the report; else the company; else a plain description.
fn headline(facts: &[LayoffFact], sourced: &[&Claim], messages: &[MessageRef]) -> (String, Option<String>) {
    let Some(fact) = facts.iter().find(|f| f.headcount.is_some()).or_else(|| facts.first()) else {
        let url = sourced.iter().find_map(|c| c.verdict.source().and_then(|s| s.url.clone()));
        return match sourced.first().and_then(|c| c.verdict.source()) {
            Some(s) => (format!("Thread on a report by {}", s.name), url),
            None => ("Thread with no sourced report".into(), None),
        };
    };
    let mut text = fact.company.clone().unwrap_or_else(|| "A company".into());
    if let Some(n) = fact.headcount {
        text.push_str(&format!(" cutting {} jobs", headcount_text(n, fact.headcount_qualifier)));
    } else {
        text.push_str(" layoffs");
    }
    if let Some(p) = fact.percent {
        text.push_str(&format!(" ({p}%)"));
    }
    text.push_str(&format!(", per {}", fact.source));
    let from_source = |c: &&&Claim| c.verdict.source().is_some_and(|s| s.name == fact.source);
    let url = sourced.iter().filter(from_source).find_map(|c| c.verdict.source().and_then(|s| s.url.clone()));
    // A report named without its link: the link its message shared.
    let shared = || {
        let origin = &sourced.iter().find(from_source)?.origin;
        messages.iter().find(|m| m.origin == *origin)?.links.first().cloned()
    };
    (text, url.or_else(shared))
}

/// One line per message that cites a source, in thread order, each with its best source: the one
/// that gave figures, else the weightiest (the company, a filing, an outlet, a person), else a named
/// one over "the notice". A source already shown for an earlier message is not shown again, so one
/// report retold in three messages is one line. Each line comes with its message's origin.
fn sourced_lines(facts: &[LayoffFact], sourced: &[&Claim]) -> Vec<(String, SourcedLine)> {
    let mut origins: Vec<&str> = Vec::new();
    for c in sourced {
        if c.verdict.source().is_some() && !origins.contains(&c.origin.as_str()) {
            origins.push(&c.origin);
        }
    }
    let mut out: Vec<(String, SourcedLine)> = Vec::new();
    for origin in origins {
        let here: Vec<&&Claim> =
            sourced.iter().filter(|c| c.origin == origin && c.verdict.source().is_some()).collect();
        let weight = |c: &&&Claim| {
            let s = c.verdict.source().expect("only sourced claims");
            let figures = facts.iter().any(|f| f.source == s.name && !fact_words(f).is_empty());
            let named = !s.name.to_lowercase().starts_with("the ");
            (figures, kind_weight(s.kind), named)
        };
        // The first of equals: a later claim must weigh more to replace it.
        let Some(best) = here.iter().copied().reduce(|a, b| if weight(&b) > weight(&a) { b } else { a }) else {
            continue;
        };
        let source = best.verdict.source().expect("only sourced claims");
        if out.iter().any(|(_, l)| l.source == source.name) {
            continue;
        }
        let what = match facts.iter().find(|f| f.source == source.name).map(fact_words) {
            Some(w) if !w.is_empty() => w,
            _ => {
                let shortest = here
                    .iter()
                    .filter(|o| o.verdict.source().is_some_and(|s| s.name == source.name))
                    .min_by_key(|o| words(&o.text))
                    .map_or(best.text.as_str(), |o| o.text.as_str());
                shorten(shortest)
            }
        };
        out.push((origin.to_string(), SourcedLine { source: source.name.clone(), what, link: None }));
    }
    out
}

/// How much a kind of source weighs when one message cites several.
fn kind_weight(kind: SourceKind) -> u8 {
    match kind {
        SourceKind::Official => 4,
        SourceKind::Document => 3,
        SourceKind::Outlet => 2,
        SourceKind::Person => 1,
        SourceKind::Link => 0,
    }
}

/// "about 900 jobs · 11% · AI named by the company".
fn fact_words(f: &LayoffFact) -> String {
    let mut parts = Vec::new();
    if let Some(n) = f.headcount {
        parts.push(format!("{} jobs", headcount_text(n, f.headcount_qualifier)));
    }
    if let Some(p) = f.percent {
        parts.push(format!("{p}%"));
    }
    if let Some(d) = f.effective {
        parts.push(format!("from {}", d.format("%b %-d")));
    }
    match f.ai_reason {
        Some(AiReasonBy::Company) => parts.push("AI named by the company".into()),
        Some(AiReasonBy::Outlet) => parts.push("AI named by the outlet".into()),
        _ => {}
    }
    parts.join(" · ")
}

/// A thread's reason in reader words; a claim with nothing behind it has "no source".
fn thread_reason(c: &Claim) -> &'static str {
    match &c.verdict {
        Verdict::Speculative { .. } => {
            let names: Vec<String> = c.verdict.reason_names().into_iter().map(String::from).collect();
            match reader_reason(&names) {
                "unconfirmed" if names.first().map(String::as_str) == Some("unsourced") => "no source",
                other => other,
            }
        }
        Verdict::Sourced { .. } => "sourced",
    }
}

/// Words too common in layoff chatter to say what a rumour is about, and the fillers people lean on
/// ("actually", "honestly") that say nothing about its subject.
const GENERIC: &[&str] = &[
    "about",
    "actually",
    "basically",
    "honestly",
    "literally",
    "pretty",
    "gets",
    "getting",
    "post",
    "posted",
    "posting",
    "posts",
    "thread",
    "channel",
    "message",
    "messages",
    "piece",
    "news",
    "read",
    "sure",
    "real",
    "things",
    "though",
    "whole",
    "work",
    "worked",
    "working",
    "take",
    "make",
    "today",
    "tomorrow",
    "yesterday",
    "week",
    "weeks",
    "half",
    "after",
    "again",
    "already",
    "also",
    "another",
    "anyone",
    "anything",
    "because",
    "been",
    "before",
    "being",
    "could",
    "company",
    "cuts",
    "does",
    "doesn't",
    "don't",
    "each",
    "even",
    "every",
    "everyone",
    "first",
    "from",
    "going",
    "have",
    "having",
    "hearing",
    "heard",
    "here",
    "into",
    "jobs",
    "just",
    "know",
    "layoff",
    "layoffs",
    "like",
    "might",
    "more",
    "much",
    "next",
    "only",
    "other",
    "over",
    "people",
    "probably",
    "really",
    "round",
    "said",
    "same",
    "says",
    "saying",
    "should",
    "since",
    "some",
    "someone",
    "still",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "think",
    "this",
    "those",
    "told",
    "very",
    "want",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "would",
    "year",
    "your",
    "people",
];

fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase().trim_end_matches("'s").to_string())
        .filter(|w| w.chars().count() >= 4 && !GENERIC.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// The text without what it quotes: members quoting a statement ("\"resizing the organisation\" is
/// such a beautiful sentence") repeat someone's words, they do not pass on a rumour. A quotation
/// left open runs to the end; one closed but never opened (the end of a quotation the sentence
/// splitter cut) covers the whole text.
fn unquoted(text: &str) -> String {
    let straight = text.matches('"').count();
    let closes_only = text.contains('”') && !text.contains('“');
    if straight % 2 == 1 && text.trim_end().trim_end_matches(['.', '!', ')']).ends_with('"') || closes_only {
        return String::new();
    }
    static QUOTED: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r#""[^"]*"?|“[^”]*”?"#).expect("valid quote regex"));
    QUOTED.replace_all(text, " ").into_owned()
}

/// Topics: the word said in the most messages (and not in the sourced claims) takes every claim that
/// says it; then the next, among the claims left. Ties go to the word more claims repeat, then to the
/// one said first, so a rumour the thread keeps returning to beats a word two remarks share by chance. Only words two or more messages share make a topic.
fn topics<'a>(claims: &[&'a Claim], known: &HashSet<String>) -> Vec<(String, Vec<&'a Claim>)> {
    let mut left: Vec<(&Claim, HashSet<String>)> =
        claims.iter().map(|c| (*c, content_words(&unquoted(&c.text)))).collect();
    let mut out = Vec::new();
    loop {
        // Per word: the messages that say it, how many claims do, and where it is first said.
        let mut by_word: BTreeMap<&str, (HashSet<&str>, usize, Reverse<usize>)> = BTreeMap::new();
        for (i, (c, ws)) in left.iter().enumerate() {
            for w in ws.iter().filter(|w| !known.contains(*w)) {
                let entry = by_word.entry(w.as_str()).or_insert_with(|| (HashSet::new(), 0, Reverse(i)));
                entry.0.insert(c.origin.as_str());
                entry.1 += 1;
            }
        }
        let best = by_word
            .into_iter()
            .filter(|(_, (o, _, _))| o.len() >= 2)
            .max_by_key(|(_, (o, claims, first))| (o.len(), *claims, *first));
        let Some(word) = best.map(|(w, _)| w.to_string()) else { break };
        let (group, rest): (Vec<_>, Vec<_>) = left.into_iter().partition(|(_, ws)| ws.contains(&word));
        out.push((word, group.into_iter().map(|(c, _)| c).collect()));
        left = rest;
    }
    out
}

/// The sentence of `text` that says `word`, at most [`EXAMPLE_WORDS`] words of it around the word,
/// marked where cut: "…they've already modelled a second round for March."
fn around(text: &str, word: &str) -> String {
    let says = |s: &str| content_words(s).contains(word);
    let sentence = text.split_inclusive(['.', '!', ';']).map(str::trim).find(|s| says(s)).unwrap_or(text);
    let sentence = without_stray_quote_marks(sentence);
    let all: Vec<&str> = sentence.split_whitespace().collect();
    if all.len() <= EXAMPLE_WORDS {
        return all.join(" ");
    }
    let at = all.iter().position(|w| says(w)).unwrap_or(0);
    if at < EXAMPLE_WORDS - 2 {
        return shorten(sentence);
    }
    let end = (at + 5).min(all.len());
    let start = end - EXAMPLE_WORDS;
    let mut out = format!("…{}", all[start..end].join(" "));
    if end < all.len() {
        out = format!("{}…", out.trim_end_matches([',', ';', ':']));
    }
    out
}

/// An example of at most [`EXAMPLE_WORDS`] words, cut at a word and marked when cut.
fn shorten(text: &str) -> String {
    let text = without_stray_quote_marks(text);
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.len() <= EXAMPLE_WORDS {
        return all.join(" ");
    }
    format!("{}…", all[..EXAMPLE_WORDS].join(" ").trim_end_matches([',', ';', ':']))
}

/// A sentence cut from a longer quotation keeps the quote mark at the quotation's end or start with
/// no partner ("… by Friday.\""); shown alone, that mark reads as a typo, so it goes.
fn without_stray_quote_marks(text: &str) -> &str {
    let text = text.trim();
    let straight = text.matches('"').count();
    let (opens, closes) = (text.matches('“').count(), text.matches('”').count());
    if straight % 2 == 1 {
        if let Some(rest) = text.strip_suffix('"') {
            return rest.trim_end();
        }
        if let Some(rest) = text.strip_prefix('"') {
            return rest.trim_start();
        }
    }
    if closes > opens
        && let Some(rest) = text.strip_suffix('”')
    {
        return rest.trim_end();
    }
    if opens > closes
        && let Some(rest) = text.strip_prefix('“')
    {
        return rest.trim_start();
    }
    text
}

/// How many messages carry these claims: what a reader counts, as the topics count.
fn origins(claims: &[Claim]) -> usize {
    claims.iter().map(|c| c.origin.as_str()).collect::<HashSet<_>>().len()
}

/// "20 messages · 4 citing a source · 9 with unconfirmed claims · 1 message addressed to a bot left
/// out": every count is of messages, as a reader scrolling the thread would count them.
fn counts(messages: usize, sourced: usize, unconfirmed: usize, left_out: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = plural(messages, "message", "messages");
    if sourced > 0 {
        line.push_str(&format!(" · {sourced} citing a source"));
    }
    if unconfirmed > 0 {
        line.push_str(&format!(" · {unconfirmed} with unconfirmed claims"));
    }
    if left_out > 0 {
        line.push_str(&format!(" · {} addressed to a bot left out", plural(left_out, "message", "messages")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::claims::SpeculativeReason;

    fn rumour(text: &str, origin: &str) -> Claim {
        Claim {
            text: text.into(),
            verdict: Verdict::speculative(vec![SpeculativeReason::Hearsay]),
            origin: origin.into(),
            hedges: vec![],
        }
    }

    #[test]
    fn rumours_told_several_ways_make_one_topic_with_a_count() {
        let claims = [
            rumour("hearing the sales org is next.", "m4"),
            rumour("a recruiter said the sales managers get folded together.", "m12"),
            rumour("if sales really is next, who sells the agents?", "m15"),
            rumour("they modelled a second round for March.", "m6"),
            rumour("she says the March thing is real.", "m17"),
        ];
        let refs: Vec<&Claim> = claims.iter().collect();
        let found = topics(&refs, &HashSet::new());
        let summary: Vec<(String, usize)> = found.iter().map(|(w, g)| (w.clone(), g.len())).collect();
        assert_eq!(summary, vec![("sales".to_string(), 3), ("march".to_string(), 2)]);
    }

    #[test]
    fn an_example_is_the_sentence_that_says_the_topic_cut_around_it() {
        let text = "my cousin in finance over there says they've already modelled a second round for March. she wouldn't say how big";
        assert_eq!(around(text, "march"), "…there says they've already modelled a second round for March.");
        assert_eq!(
            around("hearing the sales org is next. not this round, the one after.", "sales"),
            "hearing the sales org is next."
        );
    }

    #[test]
    fn counts_are_of_messages_as_a_reader_counts_them() {
        assert_eq!(
            counts(20, 5, 9, 1),
            "20 messages · 5 citing a source · 9 with unconfirmed claims · 1 message addressed to a bot left out"
        );
        assert_eq!(counts(3, 0, 1, 0), "3 messages · 1 with unconfirmed claims");
    }

    #[test]
    fn one_message_citing_two_sources_is_one_line_with_its_best_source() {
        use crate::core::claims::{Source, SourcedReason};
        let sourced = |text: &str, name: &str, kind: SourceKind, origin: &str| Claim {
            text: text.into(),
            verdict: Verdict::sourced(
                match kind {
                    SourceKind::Document => SourcedReason::Document,
                    SourceKind::Outlet => SourcedReason::Outlet,
                    _ => SourcedReason::Link,
                },
                Source { name: name.into(), kind, url: None },
            ),
            origin: origin.into(),
            hedges: vec![],
        };
        let claims = [
            sourced(
                "The state's notice lists 312 employees at the Bellevue office.",
                "the state department",
                SourceKind::Link,
                "m3",
            ),
            sourced("The notice lists support and QA roles.", "The notice", SourceKind::Document, "m3"),
            sourced("Reuters says 900 jobs go.", "Reuters", SourceKind::Outlet, "m1"),
            sourced("Per Reuters, 900 across all regions.", "Reuters", SourceKind::Outlet, "m8"),
        ];
        let refs: Vec<&Claim> = claims.iter().collect();
        let lines = sourced_lines(&[], &refs);
        let shown: Vec<(&str, &str)> = lines.iter().map(|(o, l)| (o.as_str(), l.source.as_str())).collect();
        assert_eq!(shown, vec![("m3", "The notice"), ("m1", "Reuters")], "{lines:#?}");
    }

    #[test]
    fn a_quoted_statement_repeated_is_not_a_rumour() {
        let claims = [
            rumour("Brennick: \"we are resizing the organisation to match the work.", "m5"),
            rumour("\"resizing the organisation\" is such a beautiful sentence.", "m11"),
            rumour("Every colleague will hear from their manager by Friday.\"", "m5"),
            rumour("my old manager is there", "m16"),
        ];
        let refs: Vec<&Claim> = claims.iter().collect();
        assert!(topics(&refs, &HashSet::new()).is_empty());
    }

    #[test]
    fn a_sentence_cut_from_a_quotation_loses_its_lone_quote_mark() {
        assert_eq!(
            shorten("Every colleague will hear from their manager by Friday.\""),
            "Every colleague will hear from their manager by Friday."
        );
        assert_eq!(shorten("“Every colleague will hear by Friday."), "Every colleague will hear by Friday.");
        assert_eq!(shorten("The memo said \"no more cuts\" this year."), "The memo said \"no more cuts\" this year.");
        assert_eq!(shorten("It said “no more cuts” this year."), "It said “no more cuts” this year.");
    }

    #[test]
    fn an_example_is_cut_at_a_word_and_marked() {
        assert_eq!(shorten("one two three"), "one two three");
        let long = "a b c d e f g h i j k l m n o";
        assert_eq!(shorten(long), "a b c d e f g h i j…");
    }
}
