//! One pass of the core over a document: its claims, companies and facts, ready to summarize or to
//! fold into a story.

use super::claims::{Claim, label_article_text, label_thread};
use super::companies::companies;
use super::facts::{LayoffFact, extract, year_of};
use super::lexicon::Lexicon;
use super::model::{Article, Document, Thread};
use super::text::article_text;

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
