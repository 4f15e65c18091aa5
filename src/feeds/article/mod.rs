//! Article pages: when a feed gives only a headline or an excerpt, the page it links to is fetched
//! and its main text extracted.
//!
//! Fetching reuses the feed [`Fetcher`] (same User-Agent, SSRF guard on every redirect hop,
//! conditional GET, decompressed size cap, total deadline, one request per host at a time) with
//! tighter caps for pages, and adds what a crawler of other people's pages owes them:
//! - [`robots`]: robots.txt is honoured for our product token and remembered per site;
//! - [`pacing`]: at most one request per host per interval.
//!
//! [`extract`] runs on its own thread with a large stack, since HTML parsing recurses and a hostile
//! page can nest deeply. What to fetch, and caching extractions across restarts, is the pipeline's
//! business: this module only reads one page when asked.

pub mod extract;
mod pacing;
mod robots;

use std::time::Duration;

use bytes::Bytes;
use url::Url;

pub use extract::Extracted;
pub use robots::PRODUCT_TOKEN;

use super::{FeedSource, FetchError, FetchOutcome, FetchSettings, Fetcher, Validators};
use pacing::HostPacer;
use robots::RobotsCache;

/// How pages are fetched and read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSettings {
    /// The fetch limits for pages (the feed fetcher's User-Agent and address policy).
    pub fetch: FetchSettings,
    /// Time between two requests to one host.
    pub per_host_interval: Duration,
    /// How long a site's robots.txt is trusted before it is fetched again.
    pub robots_ttl: Duration,
    /// Fewer words than this is not an article (a wall, an error page, a video page).
    pub min_words: usize,
}

impl ArticleSettings {
    /// Page limits derived from the feed fetcher's settings: the same User-Agent and address
    /// policy, a smaller body cap and a shorter deadline (a page is one of many per poll).
    pub fn from_feed_settings(feed: &FetchSettings) -> Self {
        ArticleSettings {
            fetch: FetchSettings {
                total_timeout: Duration::from_secs(15),
                max_body_bytes: 2 * 1024 * 1024,
                max_redirects: 5,
                ..feed.clone()
            },
            per_host_interval: Duration::from_secs(2),
            robots_ttl: Duration::from_secs(6 * 60 * 60),
            min_words: 60,
        }
    }
}

/// What reading a page gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The article's main text, with the validators for a conditional GET next time.
    Text { text: String, validators: Validators },
    /// The page has no text worth keeping (a paywall, cookie wall or consent page, or too little
    /// text); the feed's excerpt stands.
    NoText { reason: &'static str, validators: Validators },
    /// The page has not changed since the validators were issued.
    NotModified,
}

/// Why a page was not read; the feed's excerpt stands.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error("robots.txt asks us not to fetch {0}")]
    Disallowed(Url),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0} is not a web page ({1})")]
    NotHtml(Url, String),
    #[error("reading the text of {0} failed: the extraction thread could not run")]
    Thread(Url),
}

/// Reads article pages. Share one per process: it holds the robots.txt cache and the host pacing.
#[derive(Debug)]
pub struct ArticleReader {
    fetcher: Fetcher,
    settings: ArticleSettings,
    robots: RobotsCache,
    pacer: HostPacer,
}

/// Stack for the extraction thread: HTML tree building and the extractor's walks recurse.
const EXTRACT_STACK: usize = 64 * 1024 * 1024;

impl ArticleReader {
    pub fn new(settings: ArticleSettings) -> Result<Self, FetchError> {
        Ok(ArticleReader {
            fetcher: Fetcher::new(settings.fetch.clone())?,
            robots: RobotsCache::new(settings.robots_ttl),
            pacer: HostPacer::new(settings.per_host_interval),
            settings,
        })
    }

    /// Fetches `url` (conditionally on `validators`) if robots.txt allows, and extracts its text.
    pub async fn read(&self, url: &Url, validators: &Validators) -> Result<Reading, ArticleError> {
        super::guard::check_url(url, self.settings.fetch.allow_private).map_err(FetchError::from)?;
        if !self.robots.allows(&self.fetcher, &self.pacer, url).await {
            return Err(ArticleError::Disallowed(url.clone()));
        }
        self.pacer.wait(url).await;
        let (body, validators, content_type, final_url) =
            match self.fetcher.fetch(&FeedSource::Url(url.clone()), validators).await? {
                FetchOutcome::NotModified => return Ok(Reading::NotModified),
                FetchOutcome::Fetched { body, validators, content_type, final_url } => {
                    (body, validators, content_type, final_url)
                }
            };
        if let Some(kind) = content_type.as_deref().filter(|c| !c.to_ascii_lowercase().contains("html")) {
            return Err(ArticleError::NotHtml(url.clone(), kind.to_owned()));
        }
        let page_url = final_url.unwrap_or_else(|| url.clone());
        let extracted = extract_off_thread(body, content_type, page_url.to_string(), self.settings.min_words)
            .await
            .ok_or_else(|| ArticleError::Thread(url.clone()))?;
        Ok(match extracted {
            Extracted::Text(text) => Reading::Text { text, validators },
            Extracted::NoText(reason) => Reading::NoText { reason, validators },
        })
    }
}

/// Decodes and extracts on a dedicated thread with a large stack; `None` if the thread died.
async fn extract_off_thread(
    body: Bytes,
    content_type: Option<String>,
    url: String,
    min_words: usize,
) -> Option<Extracted> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("article-extract".into())
        .stack_size(EXTRACT_STACK)
        .spawn(move || {
            let hint = content_type.as_deref().and_then(super::decode::charset_from_content_type);
            let html = decode_html(&body, hint.as_deref());
            let _ = tx.send(extract::extract(&html, &url, min_words));
        })
        .ok()?;
    rx.await.ok()
}

/// The page as UTF-8: a BOM or the declared charset, else UTF-8 with replacement characters.
fn decode_html(body: &[u8], charset: Option<&str>) -> String {
    let declared = charset.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()));
    let (text, _, _) = declared.unwrap_or(encoding_rs::UTF_8).decode(body);
    text.into_owned()
}
