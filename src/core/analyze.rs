//! One pass of the core over a document: its claims, companies and facts, ready to summarize or to
//! fold into a story. A feed item is analysed by what it is: an article (whose headline is its one
//! assertion when the feed gives no real body), or a community post, labelled by the chat rules.

use super::claims::{Claim, SpeculativeReason, Verdict, label_article_text, label_thread};
use super::companies::companies;
use super::facts::{LayoffFact, extract, year_of};
use super::lexicon::Lexicon;
use super::model::{Article, Document, Message, Thread};
use super::text::article_text;
use regex::Regex;
use std::sync::LazyLock;

/// A section label before a headline: "Opinion | …", "Exclusive: …", "Analysis — …".
static HEADLINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(opinion|op-ed|analysis|commentary|editorial|column|perspective|viewpoint|exclusive|breaking|update|updated|watch|video|live|explainer|sponsored)\s*(?:\||:|—|–|-)\s*")
        .expect("valid regex")
});

/// Bodies shorter than this (in words) are stubs: the headline is the item's assertion.
const STUB_WORDS: usize = 25;

/// Everything the core learned from one document.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub title: Option<String>,
    pub claims: Vec<Claim>,
    pub companies: Vec<String>,
    pub facts: Vec<LayoffFact>,
    /// What a bullet drawn from a claim cites: the article URL, or the message id.
    pub cite_for_article: Option<String>,
    /// Message permalinks by message id, for links back to cited messages.
    pub permalinks: Vec<(String, String)>,
}

impl Analysis {
    /// What a bullet cites for `claim`.
    pub fn cite(&self, claim: &Claim) -> String {
        self.cite_for_article.clone().unwrap_or_else(|| claim.origin.clone())
    }

    pub fn permalink(&self, origin: &str) -> Option<&str> {
        self.permalinks.iter().find(|(id, _)| id == origin).map(|(_, p)| p.as_str())
    }
}

pub fn analyze(doc: &Document, lex: &Lexicon) -> Analysis {
    match doc {
        Document::Article(a) => analyze_article(a, &article_text(&a.text), lex),
        Document::Thread(t) => analyze_thread(t, lex),
    }
}

/// Analyses an article whose HTML is already reduced to `plain` text.
pub fn analyze_article(a: &Article, plain: &str, lex: &Lexicon) -> Analysis {
    let title = a.title.clone().filter(|t| !t.trim().is_empty());
    let body = format!("{}\n{}", title.as_deref().unwrap_or(""), plain);
    let companies = companies(&body, lex);
    let claims = label_article_text(a, plain, companies.first().cloned(), lex);
    let item = a.url.clone().or_else(|| a.id.clone()).unwrap_or_default();
    let facts = extract(&claims, &companies, year_of(a.published), &item, lex);
    Analysis {
        title,
        claims,
        companies,
        facts,
        cite_for_article: Some(item).filter(|i| !i.is_empty()).or_else(|| a.id.clone()),
        permalinks: Vec::new(),
    }
}

/// Analyses a feed item. A community post (`discussion`) is one chat message — its headline and
/// text, with the article it links as its link — labelled by the chat rules. An article whose body
/// is a stub (under ~25 words, or only the headline again) asserts its headline: the headline gives
/// a claim and facts, speculative when it is an opinion piece or a question.
pub fn analyze_news(a: &Article, plain: &str, kind: NewsKind, lex: &Lexicon) -> Analysis {
    if let NewsKind::Post { links_article } = kind {
        return analyze_post(a, plain, links_article, lex);
    }
    let title = a.title.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() || !is_stub(title, plain) {
        return analyze_article(a, plain, lex);
    }
    let (label, headline) = match HEADLINE_LABEL.captures(title) {
        Some(c) => (Some(c[1].to_lowercase()), title[c.get(0).map_or(0, |m| m.end())..].trim()),
        None => (None, title),
    };
    let body = body_beyond_headline(headline, plain);
    let text = format!("{headline}\n{body}");
    let mut companies = companies(&text, lex);
    // A company's own newsroom ("Initech Newsroom") speaks for the company its headline may not name.
    if companies.is_empty()
        && let Some(company) = a.outlet.as_deref().and_then(newsroom_company)
    {
        companies.push(company);
    }
    let opinion = label.as_deref().is_some_and(|l| {
        matches!(
            l,
            "opinion" | "op-ed" | "analysis" | "commentary" | "editorial" | "column" | "perspective" | "viewpoint"
        )
    });
    let origin = a.id.clone().or_else(|| a.url.clone()).unwrap_or_else(|| "article".into());
    let mut claims: Vec<Claim> = if opinion || headline.ends_with('?') {
        let reason = if opinion { SpeculativeReason::Opinion } else { SpeculativeReason::Hedge };
        let hedges = crate::core::claims::hedges_in(headline, lex);
        vec![Claim {
            text: headline.to_string(),
            verdict: Verdict::speculative(vec![reason]),
            origin: origin.clone(),
            hedges,
        }]
    } else {
        let sentence = if headline.ends_with(['.', '!']) { headline.to_string() } else { format!("{headline}.") };
        label_article_text(a, &sentence, companies.first().cloned(), lex)
    };
    if !body.is_empty() {
        claims.extend(label_article_text(a, body, companies.first().cloned(), lex));
    }
    let item = a.url.clone().or_else(|| a.id.clone()).unwrap_or_default();
    let facts = extract(&claims, &companies, year_of(a.published), &item, lex);
    Analysis {
        title: Some(title.to_string()),
        claims,
        companies,
        facts,
        cite_for_article: Some(item).filter(|i| !i.is_empty()).or_else(|| a.id.clone()),
        permalinks: Vec::new(),
    }
}

/// What a feed item is, for labelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewsKind {
    /// An outlet's reporting.
    Article,
    /// A community post; `links_article` when its link is an article (a link post) rather than
    /// the post's own page.
    Post { links_article: bool },
}

/// The company a newsroom outlet belongs to: "Initech Newsroom" → "Initech".
fn newsroom_company(outlet: &str) -> Option<String> {
    ["Newsroom", "News Room", "Press Room", "Pressroom", "Press Releases", "Investor Relations", "Blog"]
        .iter()
        .find_map(|s| outlet.strip_suffix(s))
        .map(|c| c.trim().trim_end_matches(['-', '|', ':']).trim().to_string())
        .filter(|c| !c.is_empty())
}

/// Whether a body says too little to stand without its headline.
fn is_stub(title: &str, plain: &str) -> bool {
    let rest = body_beyond_headline(title, plain);
    rest.split_whitespace().count() < STUB_WORDS
}

/// The body without a leading repeat of the headline.
fn body_beyond_headline<'a>(title: &str, plain: &'a str) -> &'a str {
    let body = plain.trim();
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let head = squash(title);
    if head.is_empty() {
        return body;
    }
    // Walk the body until its letters and digits cover the headline's.
    let mut seen = String::new();
    for (i, c) in body.char_indices() {
        if c.is_alphanumeric() {
            seen.extend(c.to_lowercase());
            if !head.starts_with(&seen) {
                return body;
            }
            if seen.len() == head.len() {
                return body[i + c.len_utf8()..].trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
            }
        }
    }
    if seen.len() < head.len() && !seen.is_empty() && head.starts_with(&seen) { "" } else { body }
}

/// A community post as one chat message: sourced only by the article it links, if any.
fn analyze_post(a: &Article, plain: &str, links_article: bool, lex: &Lexicon) -> Analysis {
    let title = a.title.clone().unwrap_or_default();
    let body = body_beyond_headline(&title, plain);
    let text = if body.is_empty() { title.clone() } else { format!("{title}\n{body}") };
    let thread = Thread {
        id: a.id.clone(),
        channel: a.outlet.clone(),
        messages: vec![Message {
            id: a.id.clone().or_else(|| a.url.clone()),
            author: None,
            ts: a.published,
            text: text.clone(),
            links: a.url.iter().filter(|_| links_article).cloned().collect(),
            permalink: None,
        }],
    };
    let claims = label_thread(&thread, lex);
    let companies = companies(&text, lex);
    let item = a.url.clone().or_else(|| a.id.clone()).unwrap_or_default();
    let facts = extract(&claims, &companies, year_of(a.published), &item, lex);
    Analysis {
        title: Some(title).filter(|t| !t.is_empty()),
        claims,
        companies,
        facts,
        cite_for_article: Some(item).filter(|i| !i.is_empty()),
        permalinks: Vec::new(),
    }
}

fn analyze_thread(t: &Thread, lex: &Lexicon) -> Analysis {
    let claims = label_thread(t, lex);
    let text: Vec<&str> = t.messages.iter().map(|m| m.text.as_str()).collect();
    let companies = companies(&text.join("\n"), lex);
    let year = year_of(t.messages.iter().find_map(|m| m.ts));
    let facts = extract(&claims, &companies, year, "", lex);
    let permalinks =
        t.messages.iter().enumerate().filter_map(|(i, m)| m.permalink.clone().map(|p| (m.origin(i), p))).collect();
    Analysis { title: None, claims, companies, facts, cite_for_article: None, permalinks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::claims::Verdict;

    fn headline_only(title: &str) -> Analysis {
        let a = Article {
            id: Some("a1".into()),
            outlet: Some("Ledger Daily".into()),
            url: Some("https://ledgerdaily.example/a1".into()),
            title: Some(title.into()),
            published: None,
            text: String::new(),
        };
        analyze_news(&a, "", NewsKind::Article, Lexicon::embedded())
    }

    #[test]
    fn a_headline_only_item_asserts_its_headline_with_facts() {
        let a = headline_only("Initrode to cut 2,400 jobs, about 9% of staff, citing AI agents");
        assert_eq!(a.companies.first().map(String::as_str), Some("Initrode"));
        assert!(matches!(a.claims[0].verdict, Verdict::Sourced { .. }), "{:?}", a.claims);
        let fact = &a.facts[0];
        assert_eq!((fact.headcount, fact.percent), (Some(2400), Some(9.0)));
    }

    #[test]
    fn opinion_and_question_headlines_are_speculative() {
        for title in ["Opinion | Initrode's AI layoffs are a warning", "Is Initrode about to cut 3,000 jobs?"] {
            let a = headline_only(title);
            assert!(matches!(a.claims[0].verdict, Verdict::Speculative { .. }), "{title}: {:?}", a.claims);
            assert!(a.facts.iter().all(|f| f.headcount.is_none()), "{title}");
        }
    }

    #[test]
    fn a_body_that_only_repeats_the_headline_is_a_stub() {
        assert!(is_stub("Initrode cuts 900", "Initrode cuts 900. Read the story."));
        assert!(!is_stub("Initrode cuts 900", &"word ".repeat(40)));
    }
}
