//! Full text for items whose feed gave only a headline or an excerpt: which items get their page
//! fetched, and the cache in the store that makes each page a single fetch.
//!
//! An item's page is fetched only when it is an outlet's article (never a community post: its
//! page is people's discussion), its link leads to the article itself (not a Google News token or
//! another aggregator's wrapper) and its text is a stub: under [`STUB_WORDS`] words, or the
//! headline again. A wall, a failed fetch or a page with too little text leaves the excerpt.
//! Extractions are cached in the store and expire with the rest of the article text; a cached page
//! younger than [`REVALIDATE_AFTER`] is used as is, an older one is revalidated with a
//! conditional GET.

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use url::Url;

use crate::core::story::{ItemKind, NewsItem};
use crate::feeds::Validators;
use crate::feeds::article::{ArticleReader, Reading};
use crate::feeds::shape::FeedShape;
use crate::store::{ArticleText, Store};

/// An item text shorter than this is a stub.
pub const STUB_WORDS: usize = 25;

/// A cached page this old is checked again (conditionally) when an item links to it.
pub const REVALIDATE_AFTER: Duration = Duration::hours(24);

/// Pages read at once per poll (each host still gets one request per interval).
const CONCURRENT_PAGES: usize = 4;

/// Whether `item`'s linked page should be read for its text.
pub fn wants_full_text(item: &NewsItem) -> bool {
    let Some(url) = item.url.as_deref().and_then(|u| Url::parse(u).ok()) else { return false };
    item.provenance.kind == ItemKind::Article
        && !item.provenance.opaque_link
        && url.host_str().is_none_or(|h| FeedShape::of_host(h).is_none())
        && is_stub(&item.text, &item.title)
}

/// Empty, short, or the headline repeated (feeds that put the title in the description). Markup
/// is not counted: an item's text may be HTML.
fn is_stub(text: &str, title: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let (text, title) = (words(&without_tags(text)), words(title));
    text.len() < STUB_WORDS || (!title.is_empty() && text.starts_with(&title) && text.len() < title.len() + STUB_WORDS)
}

fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Replaces the text of every item that wants it with its page's text, from `cache` when it has
/// the page. Items whose page cannot be read keep their excerpt.
pub async fn complete<S: Store>(reader: &ArticleReader, cache: Option<&S>, items: &mut [NewsItem], now: DateTime<Utc>) {
    futures_util::stream::iter(items.iter_mut().filter(|i| wants_full_text(i)))
        .for_each_concurrent(CONCURRENT_PAGES, |item| async move {
            if let Some(text) = page_text(reader, cache, item, now).await {
                item.text = text;
            }
        })
        .await;
}

async fn page_text<S: Store>(
    reader: &ArticleReader,
    cache: Option<&S>,
    item: &NewsItem,
    now: DateTime<Utc>,
) -> Option<String> {
    let link = item.url.as_deref()?;
    let url = Url::parse(link).ok()?;
    let cached = match cache {
        Some(store) => store.article_text(link).await.unwrap_or_else(|e| {
            tracing::warn!(url = %link, error = %e, "Could not read the article cache; fetching the page.");
            None
        }),
        None => None,
    };
    if let Some(entry) = cached.as_ref().filter(|c| now - c.fetched_at < REVALIDATE_AFTER) {
        return entry.text.clone();
    }
    let validators = cached
        .as_ref()
        .map(|c| Validators { etag: c.etag.clone(), last_modified: c.last_modified.clone() })
        .unwrap_or_default();
    let (text, validators) = match reader.read(&url, &validators).await {
        Ok(Reading::Text { text, validators }) => (Some(text), validators),
        Ok(Reading::NoText { reason, validators }) => {
            tracing::debug!(url = %link, reason, "Article page has no usable text; keeping the excerpt.");
            (None, validators)
        }
        Ok(Reading::NotModified) => (cached.as_ref().and_then(|c| c.text.clone()), validators),
        Err(error) => {
            tracing::debug!(url = %link, %error, "Article page not read; keeping the excerpt.");
            return None;
        }
    };
    if let Some(store) = cache {
        let entry = ArticleText {
            url: link.to_owned(),
            text: text.clone(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            fetched_at: now,
        };
        if let Err(e) = store.save_article_text(&entry).await {
            tracing::warn!(url = %link, error = %e, "Could not cache the article text.");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::story::Provenance;

    fn item(url: &str, title: &str, text: &str) -> NewsItem {
        NewsItem {
            id: url.into(),
            url: Some(url.into()),
            outlet: "Ledger".into(),
            title: title.into(),
            text: text.into(),
            published: None,
            provenance: Provenance::default(),
        }
    }

    const LONG: &str = "Brightloom Analytics will cut 300 support jobs over the next two quarters as it moves \
        customer service to automated tools, chief executive Mara Quint told staff on Tuesday, adding that \
        affected employees would be offered four months of pay.";

    #[test]
    fn a_headline_only_item_or_a_repeated_headline_is_a_stub_and_a_full_paragraph_is_not() {
        let title = "Brightloom Analytics to cut 300 support jobs";
        assert!(wants_full_text(&item("https://ledger.example/a", title, "")));
        assert!(wants_full_text(&item("https://ledger.example/a", title, title)));
        assert!(wants_full_text(&item("https://ledger.example/a", title, "Brightloom plans cuts. Read more…")));
        assert!(!wants_full_text(&item("https://ledger.example/a", title, LONG)));
        let tagged =
            "<p><a href=\"https://ledger.example/a\"><img src=\"a.jpg\" alt=\"\"></a></p><p>Brightloom plans cuts.</p>";
        assert!(wants_full_text(&item("https://ledger.example/a", title, tagged)), "markup is not words");
    }

    #[test]
    fn discussions_aggregator_links_and_items_without_links_are_never_fetched() {
        let mut discussion = item("https://ledger.example/a", "Brightloom cuts", "");
        discussion.provenance.kind = ItemKind::Discussion;
        assert!(!wants_full_text(&discussion));
        let mut opaque = item("https://news.google.com/rss/articles/CBMiQUFBX?oc=5", "Brightloom cuts", "");
        opaque.provenance.opaque_link = true;
        assert!(!wants_full_text(&opaque));
        assert!(!wants_full_text(&item("https://www.bing.com/news/apiclick.aspx?url=x", "Brightloom cuts", "")));
        let mut no_link = item("https://ledger.example/a", "Brightloom cuts", "");
        no_link.url = None;
        assert!(!wants_full_text(&no_link));
    }
}
