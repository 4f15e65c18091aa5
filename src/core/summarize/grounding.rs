//! Grounding: what any summary written by an untrusted writer (an LLM) must pass before the bot says
//! it. Every bullet cites sources that exist; every number and every quotation in it appears in a
//! cited source; links come only from the sources; mentions and markup are stripped; and whether a
//! bullet is speculation is decided by the core's labels of what it cites, never by the writer. A
//! bullet that fails is dropped with the reason; a summary with nothing left is refused, so the
//! caller falls back to the extractive summary.

use super::Bullet;
use crate::core::text::{defuse_mentions, urls_in};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Something a summary may cite: a claim, a message or an article, with its words.
#[derive(Debug, Clone)]
pub struct Citable {
    pub id: String,
    pub text: String,
    pub url: Option<String>,
    /// The core labelled it speculative.
    pub speculative: bool,
}

/// A summary as an untrusted writer proposed it.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub headline: String,
    pub bullets: Vec<ProposedBullet>,
}

#[derive(Debug, Clone, Default)]
pub struct ProposedBullet {
    pub text: String,
    pub cites: Vec<String>,
}

/// Why a bullet (or a headline) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ungrounded {
    #[error("cites nothing")]
    NoCitation,
    #[error("cites {0:?}, which is not one of the sources")]
    UnknownCitation(String),
    #[error("states the number {0:?}, which no cited source contains")]
    InventedNumber(String),
    #[error("quotes {0:?}, which no cited source says")]
    InventedQuote(String),
    #[error("links to {0}, which is not one of the sources")]
    ForeignLink(String),
    #[error("is empty once markup is removed")]
    Empty,
    #[error("no bullet survived grounding")]
    NothingLeft,
}

/// A summary that passed, with what was dropped and why (for logs and metrics).
#[derive(Debug, Clone)]
pub struct Grounded {
    /// `None` when the proposed headline failed; the caller supplies its own.
    pub headline: Option<String>,
    pub bullets: Vec<Bullet>,
    pub dropped: Vec<(String, Ungrounded)>,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+(?:[.,]\d+)*").expect("valid number regex"));
static QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]{3,})"|“([^”]{3,})”"#).expect("valid quote regex"));
static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<[^>]{0,200}>|\[([^\]]{0,200})\]\([^)]{0,500}\)|[*_~`]{1,3}").expect("valid markup regex")
});

/// Checks a proposal against the sources it may cite.
pub fn ground(proposal: &Proposal, sources: &[Citable]) -> Result<Grounded, Ungrounded> {
    let mut bullets = Vec::new();
    let mut dropped = Vec::new();
    for b in &proposal.bullets {
        match ground_bullet(b, sources) {
            Ok(bullet) => bullets.push(bullet),
            Err(why) => dropped.push((b.text.clone(), why)),
        }
    }
    if bullets.is_empty() {
        return Err(Ungrounded::NothingLeft);
    }
    let all: Vec<&Citable> = sources.iter().collect();
    let headline = clean(&proposal.headline);
    let headline = match check_words(&headline, &all) {
        Ok(()) if !headline.is_empty() => Some(headline),
        Ok(()) => None,
        Err(why) => {
            dropped.push((proposal.headline.clone(), why));
            None
        }
    };
    Ok(Grounded { headline, bullets, dropped })
}

fn ground_bullet(b: &ProposedBullet, sources: &[Citable]) -> Result<Bullet, Ungrounded> {
    if b.cites.is_empty() {
        return Err(Ungrounded::NoCitation);
    }
    let mut cited: Vec<&Citable> = Vec::new();
    for id in &b.cites {
        let source = sources.iter().find(|s| s.id == *id).ok_or_else(|| Ungrounded::UnknownCitation(id.clone()))?;
        cited.push(source);
    }
    for url in urls_in(&b.text) {
        let known = sources.iter().any(|s| s.url.as_deref() == Some(url.as_str()) || s.text.contains(&url));
        if !known {
            return Err(Ungrounded::ForeignLink(url));
        }
    }
    let text = clean(&b.text);
    if text.is_empty() {
        return Err(Ungrounded::Empty);
    }
    check_words(&text, &cited)?;
    let mut unique: HashSet<&str> = HashSet::new();
    let cites: Vec<String> = b.cites.iter().filter(|c| unique.insert(c.as_str())).cloned().collect();
    Ok(Bullet { text, cites, speculative: cited.iter().any(|s| s.speculative) })
}

/// Numbers and quotations must be found in the given sources.
fn check_words(text: &str, sources: &[&Citable]) -> Result<(), Ungrounded> {
    let haystack: Vec<String> = sources.iter().map(|s| squash(&s.text)).collect();
    let digits: HashSet<String> =
        sources.iter().flat_map(|s| NUMBER.find_iter(&s.text)).map(|m| plain_number(m.as_str())).collect();
    for m in NUMBER.find_iter(text) {
        let n = plain_number(m.as_str());
        if !digits.contains(&n) {
            return Err(Ungrounded::InventedNumber(m.as_str().to_string()));
        }
    }
    for cap in QUOTE.captures_iter(text) {
        let quoted = cap.get(1).or_else(|| cap.get(2)).map_or("", |m| m.as_str());
        let needle = squash(quoted);
        if !haystack.iter().any(|h| h.contains(&needle)) {
            return Err(Ungrounded::InventedQuote(quoted.to_string()));
        }
    }
    Ok(())
}

/// "8,000" and "8000" are one number; a trailing full stop is punctuation.
fn plain_number(n: &str) -> String {
    n.trim_end_matches(['.', ',']).replace(',', "")
}

/// Lower-cased words with straight quotes and single spaces, for verbatim comparison.
fn squash(text: &str) -> String {
    crate::core::text::normalize(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without links, markup or anything that could ping.
fn clean(text: &str) -> String {
    let no_urls = crate::core::text::without_urls(text);
    let no_markup = MARKUP.replace_all(&no_urls, "$1");
    defuse_mentions(&no_markup).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<Citable> {
        vec![
            Citable {
                id: "m1".into(),
                text: "Initech confirmed 1,200 job cuts, effective May 20. \"We need fewer people,\" the CEO wrote."
                    .into(),
                url: Some("https://initech.example/news".into()),
                speculative: false,
            },
            Citable {
                id: "m2".into(),
                text: "my manager says another round is coming".into(),
                url: None,
                speculative: true,
            },
        ]
    }

    fn bullet(text: &str, cites: &[&str]) -> ProposedBullet {
        ProposedBullet { text: text.into(), cites: cites.iter().map(|c| c.to_string()).collect() }
    }

    fn one(b: ProposedBullet) -> Result<Grounded, Ungrounded> {
        ground(&Proposal { headline: "Initech cuts 1,200 jobs".into(), bullets: vec![b] }, &sources())
    }

    #[test]
    fn a_grounded_bullet_passes_with_its_label_from_the_core() {
        let g = one(bullet("Initech confirmed 1200 cuts from May 20", &["m1"])).unwrap();
        assert_eq!(g.bullets[0].cites, vec!["m1"]);
        assert!(!g.bullets[0].speculative);
        assert_eq!(g.headline.as_deref(), Some("Initech cuts 1,200 jobs"));
    }

    #[test]
    fn speculation_cannot_be_upgraded_by_the_writer() {
        let g = one(bullet("Another round is coming", &["m2"])).unwrap();
        assert!(g.bullets[0].speculative);
    }

    #[test]
    fn a_citation_of_a_source_that_does_not_exist_is_refused() {
        assert_eq!(one(bullet("Initech cut jobs", &["m9"])).unwrap_err(), Ungrounded::NothingLeft);
        let g = ground(
            &Proposal {
                headline: String::new(),
                bullets: vec![bullet("Initech cut jobs", &["m9"]), bullet("Initech cut jobs", &["m1"])],
            },
            &sources(),
        )
        .unwrap();
        assert_eq!(g.dropped[0].1, Ungrounded::UnknownCitation("m9".into()));
        assert_eq!(g.bullets.len(), 1);
    }

    #[test]
    fn an_invented_number_or_quote_is_refused() {
        let g = ground(
            &Proposal {
                headline: "Initech cuts 5,000 jobs".into(),
                bullets: vec![
                    bullet("Initech confirmed 3,000 cuts", &["m1"]),
                    bullet("The CEO wrote \"AI replaces everyone\"", &["m1"]),
                    bullet("The CEO wrote \"we need fewer people\"", &["m1"]),
                ],
            },
            &sources(),
        )
        .unwrap();
        assert_eq!(g.bullets.len(), 1);
        assert_eq!(g.dropped[0].1, Ungrounded::InventedNumber("3,000".into()));
        assert!(matches!(g.dropped[1].1, Ungrounded::InventedQuote(_)));
        assert_eq!(g.headline, None, "a headline with an invented number is replaced");
    }

    #[test]
    fn foreign_links_are_refused_and_mentions_and_markup_stripped() {
        let bad = one(bullet("Read more at https://evil.example/x", &["m1"]));
        assert_eq!(bad.unwrap_err(), Ungrounded::NothingLeft);
        let g =
            one(bullet("@everyone **Initech** <!channel> [cut jobs](https://initech.example/news)", &["m1"])).unwrap();
        let text = &g.bullets[0].text;
        assert!(!text.contains("@everyone") && !text.contains("<!channel>") && !text.contains("**"), "{text}");
        assert!(text.contains("cut jobs"));
    }

    #[test]
    fn a_bullet_without_citations_is_refused() {
        assert_eq!(one(bullet("Initech cut jobs", &[])).unwrap_err(), Ungrounded::NothingLeft);
    }
}
