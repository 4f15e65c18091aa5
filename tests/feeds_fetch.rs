//! The fetcher against a local axum server on 127.0.0.1:0: conditional GET, rate limits, timeouts,
//! redirects, the SSRF guard, body caps (plain and gzip bomb), one request per host, and fetched
//! bodies through the parser (malformed XML, UTF-16, charsets, stable ids).
//!
//! The server is on loopback, so fetchers that talk to it use `allow_private: true`; the guard's
//! refusals are tested with `allow_private: false` against literal private targets, and with
//! redirects to addresses that stay blocked even when private networks are allowed.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use layoffwatch::feeds::guard::BlockedRange;
use layoffwatch::feeds::{
    FeedSource, FetchError, FetchOutcome, FetchSettings, Fetcher, GuardError, ParseError, ParseOptions, RetryPolicy,
    Validators, decode, parse_feed, parse_feed_with, retry,
};

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local news</title>
<item><title>Initech cuts 500 jobs</title><guid>initech-1</guid><link>https://n.example/1</link></item>
</channel></rss>"#;

/// Items without guids: one with a link, one with neither.
const FEED_WITHOUT_GUIDS: &str = r#"<rss version="2.0"><channel><title>No guids</title>
<item><title>Linked story</title><link>https://n.example/story?utm_source=feed</link></item>
<item><title>Bare story</title><description>Neither guid nor link.</description></item>
</channel></rss>"#;

const ETAG: &str = "W/\"v1-ä\"";
const LAST_MODIFIED: &str = "Sat, 18 Apr 2026 10:00:00 GMT";

#[derive(Default)]
struct Counters {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    flaky_hits: AtomicUsize,
}

fn rss(body: impl Into<Body>) -> Response {
    Response::builder().header(header::CONTENT_TYPE, "application/rss+xml").body(body.into()).unwrap()
}

async fn etag(headers: HeaderMap) -> Response {
    if headers.get(header::IF_NONE_MATCH).map(HeaderValue::as_bytes) == Some(ETAG.as_bytes()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut response = rss(FEED);
    response.headers_mut().insert(header::ETAG, HeaderValue::from_bytes(ETAG.as_bytes()).unwrap());
    response
}

async fn last_modified(headers: HeaderMap) -> Response {
    if headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()) == Some(LAST_MODIFIED) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut response = rss(FEED);
    response.headers_mut().insert(header::LAST_MODIFIED, HeaderValue::from_static(LAST_MODIFIED));
    response
}

async fn redirect_chain(Path(n): Path<u32>) -> Response {
    if n == 0 {
        return rss(FEED);
    }
    // Relative Locations, as many servers send them.
    redirect(&format!("/redirect/{}", n - 1))
}

fn redirect(location: &str) -> Response {
    Response::builder().status(StatusCode::FOUND).header(header::LOCATION, location).body(Body::empty()).unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

async fn serialized(State(counters): State<Arc<Counters>>) -> Response {
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    counters.in_flight.fetch_sub(1, Ordering::SeqCst);
    rss(FEED)
}

async fn flaky(State(counters): State<Arc<Counters>>) -> Response {
    if counters.flaky_hits.fetch_add(1, Ordering::SeqCst) == 0 {
        return Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .header(header::RETRY_AFTER, "1")
            .body(Body::empty())
            .unwrap();
    }
    rss(FEED)
}

async fn start_server() -> (SocketAddr, Arc<Counters>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let counters = Arc::new(Counters::default());
    // 50 MB of zeros compresses to about 50 KB; built once for all tests.
    static BOMB: OnceLock<bytes::Bytes> = OnceLock::new();
    let bomb = BOMB.get_or_init(|| gzip(&vec![0u8; 50 * 1024 * 1024]).into()).clone();
    let app = Router::new()
        .route("/feed", get(|| async { rss(FEED) }))
        .route("/etag", get(etag))
        .route("/last-modified", get(last_modified))
        .route("/429", get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "7")]).into_response() }))
        .route(
            "/503",
            get(|| async {
                let at = chrono::Utc::now() + chrono::Duration::seconds(120);
                let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, date)]).into_response()
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                rss(FEED)
            }),
        )
        .route(
            "/trickle",
            get(|| async {
                let chunks = futures_util::stream::unfold(0u32, |i| async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Some((Ok::<_, std::io::Error>(format!("<!-- {i} -->")), i + 1))
                });
                rss(Body::from_stream(chunks))
            }),
        )
        .route("/redirect/{n}", get(redirect_chain))
        .route("/to-metadata", get(|| async { redirect("http://169.254.169.254/latest/meta-data/") }))
        .route("/to-file", get(|| async { redirect("file:///etc/passwd") }))
        .route("/big", get(|| async { rss(vec![b' '; 2 * 1024 * 1024]) }))
        .route(
            "/bomb",
            get(|State(bomb): State<bytes::Bytes>| async move {
                Response::builder()
                    .header(header::CONTENT_TYPE, "application/rss+xml")
                    .header(header::CONTENT_ENCODING, "gzip")
                    .body(Body::from(bomb))
                    .unwrap()
            }),
        )
        .with_state(bomb)
        .route(
            "/gzipped",
            get(|| async {
                Response::builder()
                    .header(header::CONTENT_ENCODING, "gzip")
                    .body(Body::from(gzip(FEED.as_bytes())))
                    .unwrap()
            }),
        )
        .route("/malformed", get(|| async { rss("<rss version=\"2.0\"><channel><item><title>x</item>") }))
        .route(
            "/utf16",
            get(|| async {
                let xml = FEED.replace("utf-8", "utf-16").replace("Local news", "Nouvelles €");
                let mut bytes = vec![0xFF, 0xFE];
                bytes.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
                rss(bytes)
            }),
        )
        .route(
            "/latin1",
            get(|| async {
                Response::builder()
                    .header(header::CONTENT_TYPE, "application/rss+xml; charset=ISO-8859-1")
                    .body(Body::from(b"<rss version=\"2.0\"><channel><title>Caf\xE9</title></channel></rss>".to_vec()))
                    .unwrap()
            }),
        )
        .route("/no-guids", get(|| async { rss(FEED_WITHOUT_GUIDS) }))
        .route("/serialized/{n}", get(serialized))
        .route("/flaky", get(flaky))
        .with_state(Arc::clone(&counters));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, counters)
}

fn settings() -> FetchSettings {
    FetchSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        max_body_bytes: 1024 * 1024,
        allow_private: true,
        ..FetchSettings::default()
    }
    .with_contact("mailto:tests@example.org")
}

fn fetcher() -> Fetcher {
    Fetcher::new(settings()).unwrap()
}

fn source(addr: SocketAddr, path: &str) -> FeedSource {
    FeedSource::parse(&format!("http://{addr}{path}")).unwrap()
}

async fn fetched(fetcher: &Fetcher, source: &FeedSource) -> (bytes::Bytes, Validators, Option<String>) {
    match fetcher.fetch(source, &Validators::default()).await {
        Ok(FetchOutcome::Fetched { body, validators, content_type, .. }) => (body, validators, content_type),
        other => panic!("expected a body from {source}, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unchanged_feed_answers_304_to_its_etag() {
    let (addr, _) = start_server().await;
    let fetcher = fetcher();
    let src = source(addr, "/etag");
    let (body, validators, _) = fetched(&fetcher, &src).await;
    assert_eq!(body, FEED.as_bytes());
    assert_eq!(validators.etag.as_deref(), Some(ETAG), "stored exactly as received");
    assert_eq!(fetcher.fetch(&src, &validators).await.unwrap(), FetchOutcome::NotModified);
    let stale = Validators { etag: Some("\"v0\"".to_owned()), last_modified: None };
    assert!(matches!(fetcher.fetch(&src, &stale).await.unwrap(), FetchOutcome::Fetched { .. }));
}

#[tokio::test]
async fn an_unchanged_feed_answers_304_to_its_last_modified() {
    let (addr, _) = start_server().await;
    let fetcher = fetcher();
    let src = source(addr, "/last-modified");
    let (_, validators, _) = fetched(&fetcher, &src).await;
    assert_eq!(validators.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(validators.etag, None);
    assert_eq!(fetcher.fetch(&src, &validators).await.unwrap(), FetchOutcome::NotModified);
}

#[tokio::test]
async fn too_many_requests_reports_retry_after_seconds() {
    let (addr, _) = start_server().await;
    let err = fetcher().fetch(&source(addr, "/429"), &Validators::default()).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RateLimited { status: 429, retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );
}

#[tokio::test]
async fn service_unavailable_reports_retry_after_as_an_http_date() {
    let (addr, _) = start_server().await;
    let err = fetcher().fetch(&source(addr, "/503"), &Validators::default()).await.unwrap_err();
    let FetchError::RateLimited { status: 503, retry_after: Some(d), .. } = err else {
        panic!("expected rate limiting, got {err:?}");
    };
    assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120), "{d:?}");
}

// Paused time: the waits are the runtime's clock, so the bounds hold however busy the machine is.
#[tokio::test(start_paused = true)]
async fn the_retry_helper_waits_out_a_503_and_then_succeeds() {
    let (addr, counters) = start_server().await;
    let fetcher = fetcher();
    let src = source(addr, "/flaky");
    let started = tokio::time::Instant::now();
    let none = Validators::default();
    let outcome = retry(&RetryPolicy::default(), || fetcher.fetch(&src, &none)).await;
    assert!(matches!(outcome, Ok(FetchOutcome::Fetched { .. })), "{outcome:?}");
    assert_eq!(counters.flaky_hits.load(Ordering::SeqCst), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
}

// Paused time: the waits are the runtime's clock, so the bounds hold however busy the machine is.
#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_hits_the_total_timeout() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(FetchSettings { total_timeout: Duration::from_millis(500), ..settings() }).unwrap();
    let started = tokio::time::Instant::now();
    let err = fetcher.fetch(&source(addr, "/slow"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

// Paused time: the waits are the runtime's clock, so the bounds hold however busy the machine is.
#[tokio::test(start_paused = true)]
async fn a_body_that_trickles_forever_hits_the_total_timeout() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(FetchSettings { total_timeout: Duration::from_millis(700), ..settings() }).unwrap();
    let started = tokio::time::Instant::now();
    let err = fetcher.fetch(&source(addr, "/trickle"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(700) && waited < Duration::from_secs(1), "{waited:?}");
}

// Paused time: the waits are the runtime's clock, so the bounds hold however busy the machine is.
#[tokio::test(start_paused = true)]
async fn a_server_that_accepts_but_never_completes_tls_hits_the_connect_timeout() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The TCP connection succeeds, the TLS handshake never does: that is still connecting.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let fetcher = Fetcher::new(FetchSettings { connect_timeout: Duration::from_millis(300), ..settings() }).unwrap();
    let started = tokio::time::Instant::now();
    let src = FeedSource::parse(&format!("https://{addr}/feed")).unwrap();
    let err = fetcher.fetch(&src, &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::ConnectTimeout { .. }), "{err:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(1), "{waited:?}");
}

#[tokio::test]
async fn five_redirects_are_followed_and_a_sixth_is_refused() {
    let (addr, _) = start_server().await;
    let fetcher = fetcher();
    let src = source(addr, "/redirect/5");
    let outcome = fetcher.fetch(&src, &Validators::default()).await.unwrap();
    let FetchOutcome::Fetched { final_url, .. } = outcome else {
        panic!("expected a body");
    };
    assert_eq!(final_url.unwrap().path(), "/redirect/0");
    let err = fetcher.fetch(&source(addr, "/redirect/6"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { limit: 5, .. }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_to_the_metadata_service_is_refused_even_with_private_addresses_allowed() {
    let (addr, _) = start_server().await;
    let err = fetcher().fetch(&source(addr, "/to-metadata"), &Validators::default()).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Refused(GuardError::Blocked { range: BlockedRange::CloudMetadata, .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_a_file_url_is_refused() {
    let (addr, _) = start_server().await;
    let err = fetcher().fetch(&source(addr, "/to-file"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Refused(GuardError::Scheme { .. })), "{err:?}");
}

#[tokio::test]
async fn private_and_loopback_targets_are_refused_when_private_addresses_are_not_allowed() {
    let (addr, _) = start_server().await;
    let strict = Fetcher::new(FetchSettings { allow_private: false, ..settings() }).unwrap();
    let port = addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/feed"),
        format!("http://[::ffff:127.0.0.1]:{port}/feed"),
        format!("http://localhost:{port}/feed"),
        "http://10.0.0.1/feed".to_owned(),
        "http://192.168.0.10/feed".to_owned(),
        "http://100.64.1.1/feed".to_owned(),
        "http://[fd00::1]/feed".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let err = strict.fetch(&FeedSource::parse(&url).unwrap(), &Validators::default()).await.unwrap_err();
        assert!(matches!(err, FetchError::Refused(_)), "{url}: {err:?}");
    }
    // The same server is reachable once private addresses are allowed.
    assert!(fetcher().fetch(&source(addr, "/feed"), &Validators::default()).await.is_ok());
}

/// A host name from /etc/hosts (other than localhost) that points at this machine or its private
/// network, to reach the DNS-resolver half of the guard without real DNS.
fn local_host_name() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut fields = line.split('#').next()?.split_whitespace();
        let ip: std::net::IpAddr = fields.next()?.parse().ok()?;
        let private = layoffwatch::feeds::guard::classify(ip).is_some();
        fields
            .find(|name| !name.contains("localhost") && name.contains(|c: char| c.is_ascii_alphabetic()))
            .filter(|_| private)
            .map(str::to_owned)
    })
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_at_connect_time() {
    let (addr, _) = start_server().await;
    let Some(name) = local_host_name() else {
        eprintln!("skipped: /etc/hosts names no private address besides localhost");
        return;
    };
    let strict = Fetcher::new(FetchSettings { allow_private: false, ..settings() }).unwrap();
    let src = FeedSource::parse(&format!("http://{name}:{}/feed", addr.port())).unwrap();
    let err = strict.fetch(&src, &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Refused(GuardError::Blocked { .. })), "{name}: {err:?}");
}

#[tokio::test]
async fn an_oversized_body_is_cut_off() {
    let (addr, _) = start_server().await;
    let err = fetcher().fetch(&source(addr, "/big"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 1_048_576, .. }), "{err:?}");
}

#[tokio::test]
async fn a_gzip_bomb_is_cut_off_at_the_decompressed_cap() {
    let (addr, _) = start_server().await;
    // Cut off by the cap, not by the total timeout (which would be a Timeout): the bomb is never
    // inflated whole.
    let err = fetcher().fetch(&source(addr, "/bomb"), &Validators::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_gzipped_feed_arrives_decompressed() {
    let (addr, _) = start_server().await;
    let (body, _, _) = fetched(&fetcher(), &source(addr, "/gzipped")).await;
    assert_eq!(body, FEED.as_bytes());
}

#[tokio::test]
async fn requests_to_one_host_go_one_at_a_time() {
    let (addr, counters) = start_server().await;
    let fetcher = Arc::new(fetcher());
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let fetcher = Arc::clone(&fetcher);
            let src = source(addr, &format!("/serialized/{i}"));
            tokio::spawn(async move { fetcher.fetch(&src, &Validators::default()).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().is_ok());
    }
    assert_eq!(counters.max_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn malformed_xml_is_a_parse_error_naming_the_feed() {
    let (addr, _) = start_server().await;
    let src = source(addr, "/malformed");
    let (body, _, _) = fetched(&fetcher(), &src).await;
    let err = parse_feed(&body, &src.to_string()).unwrap_err();
    assert!(matches!(err, ParseError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("/malformed"), "{err}");
}

#[tokio::test]
async fn a_utf16_feed_is_parsed() {
    let (addr, _) = start_server().await;
    let src = source(addr, "/utf16");
    let (body, _, _) = fetched(&fetcher(), &src).await;
    let feed = parse_feed(&body, &src.to_string()).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Nouvelles €"));
    assert_eq!(feed.items[0].title.as_deref(), Some("Initech cuts 500 jobs"));
}

#[tokio::test]
async fn the_http_charset_decodes_a_feed_without_an_xml_declaration() {
    let (addr, _) = start_server().await;
    let src = source(addr, "/latin1");
    let (body, _, content_type) = fetched(&fetcher(), &src).await;
    let options = ParseOptions {
        charset_hint: content_type.as_deref().and_then(decode::charset_from_content_type),
        ..ParseOptions::default()
    };
    let feed = parse_feed_with(&body, &src.to_string(), &options).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Café"));
}

#[tokio::test]
async fn a_feed_whose_items_have_no_guids_keeps_stable_ids_across_polls() {
    let (addr, _) = start_server().await;
    let fetcher = fetcher();
    let src = source(addr, "/no-guids");
    let mut polls = Vec::new();
    for _ in 0..3 {
        let (body, _, _) = fetched(&fetcher, &src).await;
        let feed = parse_feed(&body, &src.to_string()).unwrap();
        polls.push(feed.items.iter().map(|i| i.id.as_str().to_owned()).collect::<Vec<_>>());
    }
    assert!(polls.windows(2).all(|w| w[0] == w[1]), "{polls:?}");
    assert_eq!(polls[0][0], "https://n.example/story");
    assert!(polls[0][1].starts_with("xxh3:"), "{polls:?}");
}
