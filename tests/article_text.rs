//! Full text for stub items, against a local article server on 127.0.0.1:0: a realistic page gives
//! only its paragraphs; robots.txt, size and time caps, the SSRF guard on redirects, paywalls and
//! consent walls leave the feed's excerpt; the store's cache makes a page one fetch; discussion
//! items and Google News links are never fetched; with the setting off nothing is fetched at all.
//!
//! The server is on loopback, so readers use `allow_private: true`; the metadata address stays
//! blocked even then.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use layoffwatch::core::story::StoryRules;
use layoffwatch::core::story::{ItemKind, NewsItem, Provenance};
use layoffwatch::feeds::article::{ArticleError, ArticleReader, ArticleSettings, Reading};
use layoffwatch::feeds::{FeedSource, FetchError, FetchSettings, Fetcher, GuardError, Validators};
use layoffwatch::pipeline::watcher::{WatchRules, Watcher};
use layoffwatch::pipeline::{digest, fulltext};
use layoffwatch::store::{SqliteStore, Store};
use layoffwatch::summaries::Offline;

const ARTICLE: &str = include_str!("fixtures/articles/brightloom.html");
const PAYWALLED: &str = include_str!("fixtures/articles/paywalled.html");
const CONSENT: &str = include_str!("fixtures/articles/consent.html");

/// Our group keeps us out of the members' area; everyone else is kept out of everything, which
/// must not apply to us (the product token picks our group).
const ROBOTS: &str = "User-agent: *\nDisallow: /\n\nUser-agent: layoffwatch\nDisallow: /members/\nAllow: /\n";

const EXCERPT: &str = "Brightloom Analytics is cutting support jobs.";

#[derive(Clone, Default)]
struct Hits(Arc<Mutex<HashMap<String, usize>>>);

impl Hits {
    fn of(&self, path: &str) -> usize {
        self.0.lock().unwrap().get(path).copied().unwrap_or(0)
    }
    fn articles(&self) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.as_str() != "/robots.txt" && p.as_str() != "/feed.xml")
            .map(|(_, n)| n)
            .sum()
    }
}

fn html(body: impl Into<Body>) -> Response {
    Response::builder().header(header::CONTENT_TYPE, "text/html; charset=utf-8").body(body.into()).unwrap()
}

async fn serve(State((hits, base)): State<(Hits, String)>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    *hits.0.lock().unwrap().entry(path.clone()).or_default() += 1;
    match path.as_str() {
        "/robots.txt" => ROBOTS.into_response(),
        "/news/brightloom-cuts" | "/members/brightloom-cuts" => html(ARTICLE),
        "/news/quarrytech-studio" => html(PAYWALLED),
        "/news/gazette-consent" => html(CONSENT),
        "/news/huge" => {
            let padding = "<p>Brightloom filler paragraph for a page far larger than any article.</p>\n".repeat(70_000);
            html(format!("<html><body><article>{padding}</article></body></html>"))
        }
        "/news/never-finishes" => {
            let stream =
                futures_util::stream::once(async { Ok::<_, std::io::Error>("<html><body><p>Brightloom".to_owned()) })
                    .chain(futures_util::stream::pending());
            html(Body::from_stream(stream))
        }
        "/news/to-metadata" => {
            (StatusCode::FOUND, [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")]).into_response()
        }
        "/feed.xml" => Response::builder()
            .header(header::CONTENT_TYPE, "application/rss+xml")
            .body(Body::from(feed(&base)))
            .unwrap(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A titles-only feed: the headline and one line of excerpt, as many outlets' feeds are.
fn feed(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Harbour Ledger: Business</title><link>{base}/business</link>
<item><title>Brightloom Analytics to cut 300 support jobs as it automates help desks</title>
<link>{base}/news/brightloom-cuts</link><guid>ledger-brightloom-cuts</guid>
<pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate><description>{EXCERPT}</description></item>
</channel></rss>"#
    )
}

async fn server() -> (String, Hits) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let hits = Hits::default();
    let app = Router::new().fallback(serve).with_state((hits.clone(), base.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

fn loopback() -> FetchSettings {
    FetchSettings { allow_private: true, ..FetchSettings::default().with_contact("mailto:ops@example.org") }
}

fn reader() -> ArticleReader {
    let mut settings = ArticleSettings::from_feed_settings(&loopback());
    settings.per_host_interval = Duration::ZERO;
    settings.fetch.total_timeout = Duration::from_secs(2);
    ArticleReader::new(settings).unwrap()
}

fn item(url: &str) -> NewsItem {
    NewsItem {
        id: url.into(),
        url: Some(url.into()),
        outlet: "The Harbour Ledger".into(),
        title: "Brightloom Analytics to cut 300 support jobs as it automates help desks".into(),
        text: EXCERPT.into(),
        published: None,
        provenance: Provenance::default(),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-03T12:00:00Z").unwrap().with_timezone(&Utc)
}

async fn completed(base: &str, path: &str) -> String {
    let mut items = vec![item(&format!("{base}{path}"))];
    fulltext::complete(&reader(), None::<&SqliteStore>, &mut items, now()).await;
    items.remove(0).text
}

#[tokio::test]
async fn a_realistic_page_gives_only_the_articles_paragraphs() {
    let (base, _) = server().await;
    let text = completed(&base, "/news/brightloom-cuts").await;
    assert!(text.starts_with("LEEDS — Brightloom Analytics will cut about 300"), "{text}");
    assert!(text.contains("Brightloom said a formal consultation would begin next week"), "{text}");
    for junk in [
        "cookies",
        "Advertisement",
        "energy supplier",
        "Photo: Sam Reyes",
        "Read more",
        "Quarrytech adds 200",
        "briefing every morning",
        "All rights reserved",
        "Opinion",
    ] {
        assert!(!text.contains(junk), "{junk:?} kept in:\n{text}");
    }
    assert_eq!(text.lines().count(), 5, "one line per paragraph, the byline set aside:\n{text}");
}

#[tokio::test]
async fn a_path_robots_txt_disallows_is_not_fetched_and_robots_txt_is_read_once() {
    let (base, hits) = server().await;
    let reader = reader();
    let err = reader.read(&format!("{base}/members/brightloom-cuts").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(err, Err(ArticleError::Disallowed(_))), "{err:?}");
    assert_eq!(hits.of("/members/brightloom-cuts"), 0);
    let read = reader.read(&format!("{base}/news/brightloom-cuts").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(read, Ok(Reading::Text { .. })), "{read:?}");
    assert_eq!(hits.of("/robots.txt"), 1, "robots.txt is cached per site");
}

#[tokio::test]
async fn a_page_over_the_size_cap_is_dropped_and_the_excerpt_kept() {
    let (base, hits) = server().await;
    let err = reader().read(&format!("{base}/news/huge").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(err, Err(ArticleError::Fetch(FetchError::TooLarge { .. }))), "{err:?}");
    assert_eq!(completed(&base, "/news/huge").await, EXCERPT);
    assert_eq!(hits.of("/news/huge"), 2);
}

// Paused time: the wait is the runtime's clock, so the bound holds however busy the machine is.
#[tokio::test(start_paused = true)]
async fn a_page_that_never_finishes_times_out_and_the_excerpt_is_kept() {
    let (base, _) = server().await;
    let started = tokio::time::Instant::now();
    let err = reader().read(&format!("{base}/news/never-finishes").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(err, Err(ArticleError::Fetch(FetchError::Timeout { .. }))), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(completed(&base, "/news/never-finishes").await, EXCERPT);
}

#[tokio::test]
async fn a_redirect_to_the_metadata_address_is_refused() {
    let (base, _) = server().await;
    let err = reader().read(&format!("{base}/news/to-metadata").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(err, Err(ArticleError::Fetch(FetchError::Refused(GuardError::Blocked { .. })))), "{err:?}");
    assert_eq!(completed(&base, "/news/to-metadata").await, EXCERPT);
}

#[tokio::test]
async fn a_page_on_a_private_address_is_refused_unless_private_addresses_are_allowed() {
    let (base, hits) = server().await;
    let reader = ArticleReader::new(ArticleSettings::from_feed_settings(&FetchSettings::default())).unwrap();
    let err = reader.read(&format!("{base}/news/brightloom-cuts").parse().unwrap(), &Validators::default()).await;
    assert!(matches!(err, Err(ArticleError::Fetch(FetchError::Refused(_)))), "{err:?}");
    assert_eq!(hits.articles() + hits.of("/robots.txt"), 0);
}

#[tokio::test]
async fn a_paywalled_page_and_a_consent_page_leave_the_excerpt() {
    let (base, _) = server().await;
    assert_eq!(completed(&base, "/news/quarrytech-studio").await, EXCERPT);
    assert_eq!(completed(&base, "/news/gazette-consent").await, EXCERPT);
}

#[tokio::test]
async fn a_second_poll_reads_the_page_from_the_store_not_the_server() {
    let (base, hits) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.sqlite").to_str().unwrap()).await.unwrap();
    let url = format!("{base}/news/brightloom-cuts");
    let mut first = vec![item(&url)];
    fulltext::complete(&reader(), Some(&store), &mut first, now()).await;
    // A new reader (a restart): only the store remembers the page.
    let mut second = vec![item(&url)];
    fulltext::complete(&reader(), Some(&store), &mut second, now() + chrono::Duration::hours(1)).await;
    assert_eq!(hits.of("/news/brightloom-cuts"), 1);
    assert!(second[0].text.starts_with("LEEDS"), "{}", second[0].text);
    assert_eq!(first[0].text, second[0].text);
    // The cached text expires with the rest of the article text.
    store.expire_text(now() + chrono::Duration::days(31)).await.unwrap();
    assert_eq!(store.article_text(&url).await.unwrap(), None);
}

#[tokio::test]
async fn discussion_items_and_google_news_links_are_never_fetched() {
    let (base, hits) = server().await;
    let mut discussion = item(&format!("{base}/news/brightloom-cuts"));
    discussion.provenance.kind = ItemKind::Discussion;
    let mut opaque = item(&format!("{base}/news/brightloom-cuts"));
    opaque.provenance.opaque_link = true;
    let mut items = vec![discussion, opaque];
    fulltext::complete(&reader(), None::<&SqliteStore>, &mut items, now()).await;
    assert!(items.iter().all(|i| i.text == EXCERPT));
    assert_eq!(hits.articles() + hits.of("/robots.txt"), 0);
}

#[tokio::test]
async fn digest_reads_stub_items_pages_only_when_full_text_is_on() {
    let (base, hits) = server().await;
    let sources = [FeedSource::parse(&format!("{base}/feed.xml")).unwrap()];
    let fetcher = Fetcher::new(loopback()).unwrap();

    let (off, failures) = digest::collect(&fetcher, None, &sources).await;
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(off[0].text, EXCERPT);
    assert_eq!(hits.articles() + hits.of("/robots.txt"), 0, "the setting off: no request for a page");

    let (on, _) = digest::collect(&fetcher, Some(&reader()), &sources).await;
    assert!(on[0].text.contains("Chief executive Mara Quint told staff"), "{}", on[0].text);
    assert_eq!(hits.of("/news/brightloom-cuts"), 1);
}

fn rules() -> WatchRules {
    WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 3,
        base_backoff: chrono::Duration::seconds(60),
        post_backlog: true,
        keep_text: chrono::Duration::days(30),
    }
}

#[tokio::test]
async fn run_reads_a_stub_items_page_when_on_and_never_when_off() {
    let (base, hits) = server().await;
    let source = FeedSource::parse(&format!("{base}/feed.xml")).unwrap();
    let page = format!("{base}/news/brightloom-cuts");

    let off_store = SqliteStore::open_in_memory().await.unwrap();
    let fetcher = Fetcher::new(loopback()).unwrap();
    let mut off = Watcher::new(off_store.clone(), fetcher, Vec::new(), Arc::new(Offline), rules());
    off.poll(&source, now()).await.unwrap();
    assert_eq!(hits.articles() + hits.of("/robots.txt"), 0, "the setting off: no request for a page");
    assert_eq!(off_store.article_text(&page).await.unwrap(), None);

    let on_store = SqliteStore::open_in_memory().await.unwrap();
    let fetcher = Fetcher::new(loopback()).unwrap();
    let mut on =
        Watcher::new(on_store.clone(), fetcher, Vec::new(), Arc::new(Offline), rules()).with_full_text(reader());
    assert_eq!(on.poll(&source, now()).await.unwrap().new_items, 1);
    let cached = on_store.article_text(&page).await.unwrap().expect("the page's text is cached");
    assert!(cached.text.unwrap().starts_with("LEEDS — Brightloom"));
    assert_eq!(hits.of("/news/brightloom-cuts"), 1);
}
