//! A story post a reader takes in at a glance, as one platform-neutral structure that Slack, Discord,
//! the webhooks and the console each draw in their own form: a linked headline, one facts line, at
//! most three summary lines each with its mark inline, a count line, and the outlets. The full claim
//! list stays out of the first post; the counts say how much there is.
//!
//! What readers see is in reader words: a mark is "✅ Reuters, citing three people · *could*" or
//! "❔ rumour", never the labeller's reason codes; no dateline opens a line, no clause fragment is a
//! line, no sentence appears twice, and the whole post stays within [`WORD_BUDGET`] words as a reader
//! counts them.

use super::claims::SourceKind;
use super::facts::{AiReasonBy, LayoffFact, headcount_text};
use super::message::{ShownClaim, StoryPost};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The most words a first post may take, counted as a reader sees them.
pub const WORD_BUDGET: usize = 120;
/// Summary lines in a first post.
pub const MAX_LINES: usize = 3;
/// Outlets named before "+N more".
pub const MAX_OUTLETS: usize = 5;
/// A summary line longer than this is a paragraph, not a line.
const MAX_LINE_WORDS: usize = 40;

/// How well a story is backed, shown as a colour or a word: confirmed only when the company, a filing
/// or a named official says it; reported when a named outlet does (with or without anonymous
/// sources); unconfirmed otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryState {
    Confirmed,
    Reported,
    Unconfirmed,
}

impl StoryState {
    /// The state the story's claims earn. Only a claim that states the layoff itself (the cut, its
    /// size) counts: the company saying something else ("Hooli said last month it would open an
    /// office in Austin") confirms nothing in a "sources say" report. A hedged or denied statement by
    /// the company ("may cut", "declined to comment on the cuts") is no confirmation either.
    pub fn of(post: &StoryPost) -> Self {
        let mut state = StoryState::Unconfirmed;
        for c in &post.sourced {
            let (Some(source), Mark::Sourced { hedges, .. }) = (&c.source, mark_of(c)) else { continue };
            if !states_the_cut(&c.text) || source.kind == SourceKind::Link {
                continue;
            }
            let authoritative = matches!(source.kind, SourceKind::Official | SourceKind::Document);
            if authoritative && !hedges.iter().any(|h| doubts(h)) && !DENIAL.is_match(&c.text) {
                return StoryState::Confirmed;
            }
            state = StoryState::Reported;
        }
        state
    }

    /// Green, blue, yellow: the embed colour on Discord.
    pub fn color(self) -> u32 {
        match self {
            StoryState::Confirmed => 0x2E_CC71,
            StoryState::Reported => 0x34_98DB,
            StoryState::Unconfirmed => 0xF1_C40F,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StoryState::Confirmed => "confirmed",
            StoryState::Reported => "reported",
            StoryState::Unconfirmed => "unconfirmed",
        }
    }

    /// The word that opens the count line, where a platform has no colour.
    pub fn word(self) -> &'static str {
        match self {
            StoryState::Confirmed => "🟢 Confirmed",
            StoryState::Reported => "🔵 Reported",
            StoryState::Unconfirmed => "🟡 Unconfirmed",
        }
    }
}

/// Whether a hedge word doubts the event itself. Reported speech ("said it would cut") and a rounded
/// figure ("roughly 22%") do not: the company still says the cut happens.
fn doubts(hedge: &str) -> bool {
    !matches!(hedge, "would" | "will" | "roughly" | "about" | "approximately" | "around" | "nearly" | "some" | "up to")
}

/// Words that refuse to confirm: "declined to comment", "did not confirm", "denied".
static DENIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:declined|refused)\s+to\s+(?:comment|confirm)|\b(?:did\s+not|didn't|would\s+not|wouldn't|could\s+not)\s+(?:immediately\s+)?(?:confirm|comment|respond|say)|\bden(?:ied|ies|y)\b|\bno\s+(?:plans?|comment)\b",
    )
    .expect("valid denial regex")
});

/// Whether a sentence states the layoff itself: a cutting word with what is cut ("will cut 1,800
/// jobs", "is laying off staff", "the layoffs"), not the company's other news.
pub fn states_the_cut(text: &str) -> bool {
    static CUT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:cut(?:s|ting)?|lay(?:s|ing)?\s+off|laid\s+off|layoffs?|eliminat(?:e|es|ed|ing)|shed(?:s|ding)?|slash(?:es|ed|ing)?|ax(?:e|es|ed|ing)|downsiz\w*|redundanc(?:y|ies)|let(?:ting)?\s+go|reduc(?:e|es|ed|ing)|trim(?:s|med|ming)?|furlough\w*|restructur\w*)\b",
        )
        .expect("valid cut regex")
    });
    static CUT_OF_WHAT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:jobs?|roles?|positions?|employees|workers|staff\w*|workforce|headcount|people|layoffs?|redundanc(?:y|ies)|posts)\b",
        )
        .expect("valid job regex")
    });
    static THE_CUTS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:the|these|those|its|their)\s+(?:job\s+)?cuts\b").expect("valid the-cuts regex")
    });
    THE_CUTS.is_match(text)
        || CUT.is_match(text) && (CUT_OF_WHAT.is_match(text) || super::facts::headcount_in(text).is_some())
}

/// What backs one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A named source, who it cites when unnamed people ("citing three people"), and the uncertainty
    /// words in the sourced sentence itself.
    Sourced { source: String, citing: Option<String>, hedges: Vec<String> },
    /// Why it is not backed, in reader words ("rumour", "prediction").
    Unconfirmed { why: &'static str },
}

impl Mark {
    /// The mark's words without emphasis: "✅ Reuters, citing two people · could", "❔ rumour".
    pub fn plain(&self) -> String {
        self.render(&|s| s.to_string(), &|s| s.to_string())
    }

    /// The mark with every word passed through the platform's `escape` and the hedges and the reason
    /// wrapped in its `emphasis` (italics).
    pub fn render(&self, escape: &dyn Fn(&str) -> String, emphasis: &dyn Fn(&str) -> String) -> String {
        match self {
            Mark::Sourced { source, citing, hedges } => {
                let mut s = format!("✅ {}", escape(source));
                if let Some(c) = citing {
                    s.push_str(&format!(", {}", escape(c)));
                }
                if !hedges.is_empty() {
                    s.push_str(&format!(" · {}", emphasis(&escape(&hedges.join(", ")))));
                }
                s
            }
            Mark::Unconfirmed { why } => format!("❔ {}", emphasis(&escape(why))),
        }
    }
}

/// One summary line and its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub mark: Mark,
}

/// A first post, decided once for every platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    /// The current best headline: one that agrees with the latest figures.
    pub headline: String,
    pub url: Option<String>,
    /// "Hooli · 1,800 jobs (was about 1,200) · 6% · AI named by the company · Hooli".
    pub facts: Option<String>,
    pub lines: Vec<Line>,
    /// "4 sourced · 1 unconfirmed claim".
    pub counts: String,
    /// "Reuters, Bloomberg, CNBC, AP, FT +15 more".
    pub outlets: String,
    pub state: StoryState,
}

impl Glance {
    pub fn of(post: &StoryPost) -> Self {
        let facts = facts_line(post);
        let mut glance = Glance {
            headline: post.headline.trim().to_string(),
            url: post.url.clone(),
            facts,
            lines: Vec::new(),
            counts: counts_line(post),
            outlets: outlets_line(&post.outlets),
            state: StoryState::of(post),
        };
        let mut said: Vec<String> = vec![glance.headline.clone()];
        let mut figures: Vec<Option<u64>> = Vec::new();
        for text in candidates(post) {
            if glance.lines.len() == MAX_LINES {
                break;
            }
            let Some((clean, mark)) = text else { continue };
            // "A spokesperson declined to comment" tells a reader nothing at a glance, and a second
            // line with a figure already given says it again.
            let figure = super::facts::headcount_in(&clean).map(|(n, _)| n);
            if said.iter().any(|s| similar(s, &clean))
                || DENIAL.is_match(&clean) && words(&clean) <= 14
                || figure.is_some() && figures.contains(&figure)
            {
                continue;
            }
            let line = Line { text: clean.clone(), mark };
            glance.lines.push(line);
            if glance.words() > WORD_BUDGET {
                glance.lines.pop();
                continue;
            }
            said.push(clean);
            figures.push(figure);
        }
        glance
    }

    /// Every word a reader sees: headline, facts, lines with their marks, the state word that opens
    /// the count line on every platform, counts and outlets.
    pub fn words(&self) -> usize {
        let mut n = words(&self.headline) + words(self.state.word()) + words(&self.counts) + words(&self.outlets);
        n += self.facts.as_deref().map_or(0, words);
        n += self.lines.iter().map(|l| words(&l.text) + words(&l.mark.plain())).sum::<usize>();
        n
    }
}

/// Words as a reader counts them: runs of letters or digits; marks and separators are not words.
pub fn words(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// The summary's lines in order, each cleaned and marked, then any claim not yet used (sourced
/// first); `None` for a line that is not fit to show (a fragment, a dateline alone, a paragraph).
fn candidates(post: &StoryPost) -> Vec<Option<(String, Mark)>> {
    let mut out = Vec::new();
    let mut used: HashSet<usize> = HashSet::new();
    let claims: Vec<&ShownClaim> = post.sourced.iter().chain(post.speculative.iter()).collect();
    for b in &post.bullets {
        let text = strip_summary_wrapping(&b.text);
        let found = claims.iter().position(|c| similar(&c.text, &text) || text.contains(c.text.trim()));
        let mark = match found {
            Some(i) => {
                used.insert(i);
                mark_of(claims[i])
            }
            None if b.speculative => Mark::Unconfirmed { why: "unconfirmed" },
            None => match claims.iter().find(|c| b.cites.contains(&c.origin) && c.source.is_some()) {
                Some(c) => mark_of(c),
                None => Mark::Unconfirmed { why: "unconfirmed" },
            },
        };
        out.push(clean_line(&text).map(|t| (t, mark)));
    }
    for (i, c) in claims.iter().enumerate() {
        if !used.contains(&i) {
            out.push(clean_line(&c.text).map(|t| (t, mark_of(c))));
        }
    }
    out
}

/// The summary writer's own wrapping around a claim ("Unconfirmed (hearsay): …", "… (Reuters)"),
/// which the mark now says.
fn strip_summary_wrapping(text: &str) -> String {
    static PREFIX: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^Unconfirmed(?: \([^)]*\))?:\s*").expect("valid prefix regex"));
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\([^()]{1,60}\)\s*$").expect("valid suffix"));
    let text = PREFIX.replace(text.trim(), "");
    SUFFIX.replace(&text, "").trim().to_string()
}

/// A wire dateline or place-and-dash opener: "CHICAGO, Nov. 18 (Reuters) -", "(Bloomberg) --",
/// "SAN FRANCISCO (AP) —", "CHICAGO — ".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][A-Za-z]{1,9}\.?(?:\s+\d{1,2})?(?:,?\s+\d{4})?)?\s*)?(?:\([A-Za-z .&'-]{1,40}\)\s*)?[-–—]{1,2}\s+",
    )
    .expect("valid dateline regex")
});

/// A sentence fit to stand alone as a line: its dateline removed, starting with a capital or a
/// digit, not opening on a joining word, between four and [`MAX_LINE_WORDS`] words.
pub fn clean_line(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = DATELINE.replace(&text, "").trim().to_string();
    let first = text.chars().next()?;
    if !(first.is_uppercase() || first.is_ascii_digit() || first == '"' || first == '“') {
        return None;
    }
    let opener = text.split_whitespace().next().unwrap_or("").to_lowercase();
    if matches!(opener.as_str(), "but" | "and" | "or" | "that" | "which" | "who" | "because" | "while" | "although") {
        return None;
    }
    let n = words(&text);
    if !(4..=MAX_LINE_WORDS).contains(&n) || text.ends_with([':', ',', ';']) {
        return None;
    }
    Some(text)
}

/// A claim's mark in reader words.
pub fn mark_of(c: &ShownClaim) -> Mark {
    match &c.source {
        Some(s) if c.reasons.iter().all(|r| !is_speculative_reason(r)) && names_someone(&s.name) => Mark::Sourced {
            source: s.name.clone(),
            citing: c.reasons.iter().any(|r| r == "anonymous-sources").then(|| citing(&c.text)),
            hedges: c.hedges.clone(),
        },
        _ => Mark::Unconfirmed { why: reader_reason(&c.reasons) },
    }
}

/// Whether a source's name names someone a reader could check: "Their", "Lots of companies" or
/// "Some analysts" (a pronoun or a quantity the labeller took for a speaker) does not.
fn names_someone(name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
    !matches!(
        first.as_str(),
        "" | "their"
            | "its"
            | "his"
            | "her"
            | "our"
            | "my"
            | "they"
            | "it"
            | "he"
            | "she"
            | "we"
            | "lots"
            | "many"
            | "some"
            | "most"
            | "several"
    )
}

fn is_speculative_reason(r: &str) -> bool {
    matches!(
        r,
        "hedge"
            | "prediction"
            | "opinion"
            | "hearsay"
            | "rumour"
            | "weasel"
            | "unverified-social"
            | "conditional"
            | "unsourced"
    )
}

/// The labeller's first reason as a reader would say it.
pub fn reader_reason(reasons: &[String]) -> &'static str {
    match reasons.first().map(String::as_str) {
        Some("prediction") => "prediction",
        Some("opinion") => "opinion",
        Some("rumour") => "rumour",
        Some("hearsay") => "hearsay",
        Some("unverified-social") => "anonymous account",
        _ => "unconfirmed",
    }
}

/// "citing three people" from "…according to three people familiar with the matter".
fn citing(text: &str) -> String {
    static PEOPLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|[^\d,])\b(two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|\d)\s+(?:\w+\s+)?(people|sources|employees|executives|officials|persons)\b")
            .expect("valid people regex")
    });
    match PEOPLE.captures(text) {
        Some(c) => format!("citing {} {}", c[1].to_lowercase(), c[2].to_lowercase()),
        None => "citing unnamed people".into(),
    }
}

/// The fact a reader should see first: the most authoritative, the latest among equals.
fn current_fact(facts: &[LayoffFact]) -> Option<&LayoffFact> {
    let with_count: Vec<&LayoffFact> = facts.iter().filter(|f| f.headcount.is_some()).collect();
    let pool = if with_count.is_empty() { facts.iter().collect() } else { with_count };
    pool.into_iter().max_by_key(|f| f.authority)
}

/// "Hooli · 1,800 jobs (was about 1,200) · 6% · AI named by the company · Reuters, citing three people".
pub fn facts_line(post: &StoryPost) -> Option<String> {
    let fact = current_fact(&post.facts)?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(c) = &fact.company {
        parts.push(c.clone());
    }
    if let Some(n) = fact.headcount {
        let mut count = format!("{} jobs", headcount_text(n, fact.headcount_qualifier));
        let earlier = post.facts.iter().find(|f| f.headcount.is_some_and(|h| h != n));
        if let Some(e) = earlier.filter(|e| e.authority <= fact.authority) {
            let q = e.headcount_qualifier.or(Some(super::facts::Qualifier::About));
            count.push_str(&format!(" (was {})", headcount_text(e.headcount.unwrap_or_default(), q)));
        }
        parts.push(count);
    }
    let percent = fact.percent.or_else(|| post.facts.iter().rev().max_by_key(|f| f.authority).and_then(|f| f.percent));
    if let Some(p) = percent {
        parts.push(format!("{p}%"));
    }
    let ai = post.facts.iter().filter_map(|f| f.ai_reason).min_by_key(|by| match by {
        AiReasonBy::Company => 0,
        AiReasonBy::Outlet => 1,
        AiReasonBy::Commentators => 2,
    });
    match ai {
        Some(AiReasonBy::Company) => parts.push("AI named by the company".into()),
        Some(AiReasonBy::Outlet) => parts.push("AI named by the outlet".into()),
        Some(AiReasonBy::Commentators) => parts.push("AI named by commentators only".into()),
        None => {}
    }
    let claim = post.sourced.iter().find(|c| {
        c.source.as_ref().is_some_and(|s| s.name == fact.source)
            && fact.headcount.is_some_and(|n| c.text.contains(&super::facts::group_thousands(n)))
    });
    let by = match claim.map(mark_of) {
        Some(Mark::Sourced { source, citing: Some(c), .. }) => format!("{source}, {c}"),
        _ => fact.source.clone(),
    };
    // The company's own figure needs no source after the company's name ("Chicago-based" is how a
    // sentence named it, not who said it).
    if fact.company.as_deref() != Some(by.as_str()) && fact.authority < 3 {
        parts.push(by);
    }
    (parts.len() > 1).then(|| parts.join(" · "))
}

/// "4 sourced · 1 unconfirmed claim", counting each distinct claim once.
pub fn counts_line(post: &StoryPost) -> String {
    let distinct = |claims: &[ShownClaim]| {
        let mut seen = HashSet::new();
        claims.iter().filter(|c| seen.insert(c.text.trim().to_lowercase())).count()
    };
    let (s, u) = (distinct(&post.sourced), distinct(&post.speculative));
    let noun = |n: usize| if n == 1 { "claim" } else { "claims" };
    match (s, u) {
        (0, 0) => "No claims yet".into(),
        (s, 0) => format!("{s} sourced {}", noun(s)),
        (0, u) => format!("{u} unconfirmed {}", noun(u)),
        (s, u) => format!("{s} sourced · {u} unconfirmed {}", noun(u)),
    }
}

/// Up to [`MAX_OUTLETS`] outlets, then "+N more".
pub fn outlets_line(outlets: &[String]) -> String {
    let mut line = outlets.iter().take(MAX_OUTLETS).cloned().collect::<Vec<_>>().join(", ");
    if outlets.len() > MAX_OUTLETS {
        line.push_str(&format!(" +{} more", outlets.len() - MAX_OUTLETS));
    }
    line
}

/// Whether two sentences say nearly the same words.
pub fn similar(a: &str, b: &str) -> bool {
    let set = |s: &str| -> HashSet<String> {
        s.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|w| w.len() > 2)
            .collect()
    };
    let (a, b) = (set(a), set(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.intersection(&b).count() as f64;
    shared / a.union(&b).count() as f64 >= 0.6 || shared / a.len().min(b.len()) as f64 >= 0.85
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::claims::Source;
    use chrono::Utc;

    fn claim(text: &str, source: Option<(&str, SourceKind)>, reasons: &[&str], hedges: &[&str]) -> ShownClaim {
        ShownClaim {
            text: text.into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            source: source.map(|(n, k)| Source { name: n.into(), kind: k, url: None }),
            origin: "https://news.example/a".into(),
            hedges: hedges.iter().map(|h| h.to_string()).collect(),
        }
    }

    fn fact(source: &str, n: u64, authority: u8) -> LayoffFact {
        LayoffFact {
            company: Some("Hooli".into()),
            headcount: Some(n),
            headcount_qualifier: Some(if authority > 1 {
                super::super::facts::Qualifier::Exactly
            } else {
                super::super::facts::Qualifier::About
            }),
            percent: Some(6.0),
            date: None,
            announced: None,
            effective: None,
            ai_reason: Some(AiReasonBy::Company),
            source: source.into(),
            item: "https://news.example/a".into(),
            authority,
        }
    }

    fn post() -> StoryPost {
        StoryPost {
            story_id: "s1".into(),
            revision: 1,
            headline: "Hooli to cut 1,800 jobs as AI takes over support".into(),
            url: Some("https://news.example/a".into()),
            bullets: vec![],
            facts: vec![fact("Reuters", 1_200, 1)],
            sourced: vec![claim(
                "Hooli plans to cut about 1,200 jobs, according to three people familiar with the matter.",
                Some(("Reuters", SourceKind::Outlet)),
                &["outlet", "anonymous-sources"],
                &[],
            )],
            speculative: vec![],
            outlets: vec!["Reuters".into()],
            first_seen: Utc::now(),
        }
    }

    #[test]
    fn a_revised_figure_reads_as_the_new_one_with_what_it_was() {
        let mut p = post();
        p.facts.push(fact("Hooli", 1_800, 3));
        assert_eq!(facts_line(&p).unwrap(), "Hooli · 1,800 jobs (was about 1,200) · 6% · AI named by the company");
    }

    #[test]
    fn an_anonymous_report_names_who_it_cites() {
        assert_eq!(
            facts_line(&post()).unwrap(),
            "Hooli · about 1,200 jobs · 6% · AI named by the company · Reuters, citing three people"
        );
    }

    #[test]
    fn a_hedged_sourced_claim_shows_its_hedge() {
        let c = claim(
            "Hooli could cut more jobs next year, Reuters said.",
            Some(("Reuters", SourceKind::Outlet)),
            &["outlet"],
            &["could"],
        );
        assert_eq!(mark_of(&c).render(&|s| s.to_string(), &|h| format!("*{h}*")), "✅ Reuters · *could*");
    }

    #[test]
    fn a_pronoun_is_not_a_named_source() {
        let c = claim("Their replacement: AI agents.", Some(("Their", SourceKind::Person)), &["person"], &[]);
        assert_eq!(mark_of(&c).plain(), "❔ unconfirmed");
        let c =
            claim("Lots of companies say AI helps.", Some(("Lots of companies", SourceKind::Person)), &["person"], &[]);
        assert_eq!(mark_of(&c).plain(), "❔ unconfirmed");
    }

    #[test]
    fn who_a_report_cites_is_never_its_headcount() {
        assert_eq!(
            citing("Hooli will lay off about 1,200 employees, citing people familiar with the matter."),
            "citing unnamed people"
        );
        assert_eq!(
            citing("Hooli will cut 200 employees, according to two people familiar with it."),
            "citing two people"
        );
    }

    #[test]
    fn a_figure_already_given_is_not_given_again() {
        let mut p = post();
        p.sourced.push(claim(
            "Hooli confirmed on Friday that it will cut about 1,200 jobs in support and sales.",
            Some(("Hooli", SourceKind::Official)),
            &["official"],
            &[],
        ));
        let g = Glance::of(&p);
        assert_eq!(g.lines.len(), 1, "{:?}", g.lines);
    }

    #[test]
    fn reported_speech_from_the_company_confirms() {
        let mut p = post();
        p.sourced.push(claim(
            "Hooli said on Thursday it would eliminate 1,800 jobs.",
            Some(("Hooli", SourceKind::Official)),
            &["official"],
            &["would"],
        ));
        assert_eq!(StoryState::of(&p), StoryState::Confirmed);
    }

    #[test]
    fn reasons_are_shown_in_reader_words() {
        let c = claim("Sales is next, I heard.", None, &["hearsay", "weasel"], &[]);
        assert_eq!(mark_of(&c).plain(), "❔ hearsay");
        let c = claim("Everyone says so.", None, &["weasel"], &[]);
        assert_eq!(mark_of(&c).plain(), "❔ unconfirmed");
    }

    #[test]
    fn a_dateline_is_removed_and_a_fragment_is_not_a_line() {
        assert_eq!(
            clean_line("CHICAGO, Nov. 18 (Reuters) - Pellucid plans to cut about 1,200 jobs.").unwrap(),
            "Pellucid plans to cut about 1,200 jobs."
        );
        assert_eq!(
            clean_line("(Bloomberg) -- Pellucid is cutting jobs in Dallas.").unwrap(),
            "Pellucid is cutting jobs in Dallas."
        );
        assert_eq!(clean_line("that the company would cut jobs in March"), None);
        assert_eq!(clean_line("but it did not give a number at the time."), None);
    }

    #[test]
    fn the_state_is_confirmed_only_by_the_company_a_filing_or_an_official() {
        let mut p = post();
        assert_eq!(StoryState::of(&p), StoryState::Reported);
        p.sourced.push(claim(
            "Hooli said it would cut 1,800 jobs.",
            Some(("Hooli", SourceKind::Official)),
            &["official"],
            &[],
        ));
        assert_eq!(StoryState::of(&p), StoryState::Confirmed);
        p.sourced.clear();
        assert_eq!(StoryState::of(&p), StoryState::Unconfirmed);
    }

    #[test]
    fn the_company_speaking_of_something_else_does_not_confirm_a_sources_say_report() {
        let mut p = post();
        for (text, kind) in [
            ("Hooli said last month it would open an office in Austin.", SourceKind::Official),
            ("Chief executive Gavin Belson said in January that AI was the company's priority.", SourceKind::Official),
            ("A securities filing shows Hooli's revenue rose 4% last quarter.", SourceKind::Document),
            ("Hooli declined to comment on the job cuts.", SourceKind::Official),
        ] {
            p.sourced.push(claim(text, Some(("Hooli", kind)), &["official"], &[]));
        }
        assert_eq!(StoryState::of(&p), StoryState::Reported);
    }

    #[test]
    fn a_hedged_statement_by_the_company_is_reported_not_confirmed() {
        let mut p = post();
        p.sourced = vec![claim(
            "Hooli said it could cut up to 2,000 jobs next year.",
            Some(("Hooli", SourceKind::Official)),
            &["official"],
            &["could"],
        )];
        assert_eq!(StoryState::of(&p), StoryState::Reported);
    }

    #[test]
    fn a_filing_or_a_named_official_stating_the_cut_confirms_it() {
        for (text, kind) in [
            ("A WARN notice filed with the state lists 312 layoffs at the Bellevue office.", SourceKind::Document),
            ("Chief executive Gavin Belson said the company is laying off staff in support.", SourceKind::Official),
        ] {
            let mut p = post();
            p.sourced.push(claim(text, Some(("Hooli", kind)), &["official"], &[]));
            assert_eq!(StoryState::of(&p), StoryState::Confirmed, "{text}");
        }
    }

    #[test]
    fn an_outlet_writing_about_something_else_is_no_report_of_the_cut() {
        let mut p = post();
        p.sourced = vec![claim(
            "Hooli opened its Austin office in 2024, Reuters reported.",
            Some(("Reuters", SourceKind::Outlet)),
            &["outlet"],
            &[],
        )];
        assert_eq!(StoryState::of(&p), StoryState::Unconfirmed);
    }

    #[test]
    fn five_outlets_are_named_then_a_count() {
        let outlets: Vec<String> = (1..=8).map(|i| format!("Outlet {i}")).collect();
        assert_eq!(outlets_line(&outlets), "Outlet 1, Outlet 2, Outlet 3, Outlet 4, Outlet 5 +3 more");
    }

    #[test]
    fn no_line_repeats_the_headline_or_another_line() {
        let mut p = post();
        p.sourced.push(claim(
            "Hooli to cut 1,800 jobs as AI takes over support.",
            Some(("Hooli", SourceKind::Official)),
            &["official"],
            &[],
        ));
        p.sourced.push(p.sourced[0].clone());
        let g = Glance::of(&p);
        assert_eq!(g.lines.len(), 1, "{:?}", g.lines);
        assert!(g.words() <= WORD_BUDGET);
    }
}
