//! The real binary's `run --once` against a local feed server: it sends back the validators it stored
//! (conditional GET), backs off on 429 with Retry-After, survives malformed XML, and refuses a feed
//! that redirects to a private address when private addresses are not allowed.

mod support;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use support::feeds::{FeedServer, item, minutes_ago};

#[derive(Default)]
struct Log {
    requests: Mutex<Vec<(String, Option<String>)>>,
}

fn feed() -> String {
    let published = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc2822();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example Wire</title><item><guid>a1</guid><link>https://news.example/a1</link><title>Initech to cut 500 jobs as AI agents take over support</title><pubDate>{published}</pubDate><description>Initech will cut 500 jobs, the company said.</description></item></channel></rss>"
    )
}

async fn serve(log: Arc<Log>) -> String {
    async fn etag(State(log): State<Arc<Log>>, headers: HeaderMap) -> Response {
        let inm = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(String::from);
        log.requests.lock().unwrap().push(("etag".into(), inm.clone()));
        if inm.as_deref() == Some("\"v1\"") {
            return StatusCode::NOT_MODIFIED.into_response();
        }
        ([(header::ETAG, "\"v1\"")], feed()).into_response()
    }
    async fn busy(State(log): State<Arc<Log>>) -> Response {
        log.requests.lock().unwrap().push(("busy".into(), None));
        (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "120")], "slow down").into_response()
    }
    async fn broken() -> &'static str {
        "<rss version=\"2.0\"><channel><title>oops</title><item><title>unclosed"
    }
    async fn to_metadata() -> Redirect {
        Redirect::temporary("http://169.254.169.254/latest/meta-data/")
    }
    let app = Router::new()
        .route("/etag.xml", get(etag))
        .route("/busy.xml", get(busy))
        .route("/broken.xml", get(broken))
        .route("/redirect.xml", get(to_metadata))
        .with_state(log);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn run_once(dir: &Path, feeds: String) -> Output {
    let db = dir.join("db.sqlite");
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
            .args(["run", "--once"])
            .env("LAYOFFWATCH_DB", db)
            .env("LAYOFFWATCH_FEEDS", feeds)
            .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("LAYOFFWATCH_CONSOLE", "true")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_polls_conditionally_backs_off_and_survives_bad_feeds() {
    let log = Arc::new(Log::default());
    let base = serve(log.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = format!("{base}/etag.xml,{base}/busy.xml,{base}/broken.xml,{base}/redirect.xml");
    let first = run_once(dir.path(), feeds.clone()).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let err = String::from_utf8_lossy(&first.stderr);
    assert!(err.contains("busy.xml") && err.contains("backing off"), "429 is reported: {err}");
    assert!(err.contains("broken.xml"), "a malformed feed is reported, not fatal: {err}");
    assert!(err.contains("redirect.xml") && err.contains("169.254.169.254"), "the metadata redirect is refused: {err}");
    assert!(String::from_utf8_lossy(&first.stdout).is_empty(), "a first poll posts nothing old");

    let second = run_once(dir.path(), feeds).await;
    assert!(second.status.success());
    let requests = log.requests.lock().unwrap().clone();
    let etag: Vec<&Option<String>> = requests.iter().filter(|(p, _)| p == "etag").map(|(_, inm)| inm).collect();
    assert_eq!(etag, vec![&None, &Some("\"v1\"".to_string())], "the stored ETag is sent back exactly");
    let busy = requests.iter().filter(|(p, _)| p == "busy").count();
    assert_eq!(busy, 1, "the backoff (and Retry-After 120) keeps the second run from asking again");
}

#[tokio::test]
async fn retry_after_outlasts_a_shorter_backoff() {
    use layoffwatch::core::story::StoryRules;
    use layoffwatch::feeds::{FeedSource, FetchSettings, Fetcher};
    use layoffwatch::pipeline::watcher::{WatchRules, Watcher};
    use layoffwatch::store::SqliteStore;
    use layoffwatch::summaries::Offline;

    let log = Arc::new(Log::default());
    let base = serve(log.clone()).await;
    let store = SqliteStore::open_in_memory().await.unwrap();
    let fetcher = Fetcher::new(FetchSettings { allow_private: true, ..FetchSettings::default() }).unwrap();
    let rules = WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 10,
        base_backoff: chrono::Duration::seconds(1),
        post_backlog: false,
        keep_text: chrono::Duration::days(30),
    };
    let mut watcher = Watcher::new(store, fetcher, Vec::new(), Arc::new(Offline), rules);
    let busy = FeedSource::parse(&format!("{base}/busy.xml")).unwrap();
    let t0 = chrono::Utc::now();
    assert!(watcher.poll(&busy, t0).await.unwrap().not_polled);
    assert!(watcher.poll(&busy, t0 + chrono::Duration::seconds(30)).await.unwrap().not_polled);
    let asked = || log.requests.lock().unwrap().iter().filter(|(p, _)| p == "busy").count();
    assert_eq!(asked(), 1, "Retry-After: 120 is honoured over a one-second backoff");
    watcher.poll(&busy, t0 + chrono::Duration::seconds(121)).await.unwrap();
    assert_eq!(asked(), 2);
}

/// One item about the same story; each `i` is a later report with a revised figure.
fn report(i: usize) -> String {
    item(
        &format!("g{i}"),
        "news.example",
        &format!("Initech AI layoffs, report {i}"),
        &format!("Initech will cut {} jobs as AI agents take over support, the company said.", 500 + i),
        minutes_ago(30 - i as i64),
    )
}

#[tokio::test]
async fn after_a_restart_a_story_continues_with_new_revisions_not_reused_ones() {
    use layoffwatch::core::story::StoryRules;
    use layoffwatch::feeds::{FeedSource, FetchSettings, Fetcher};
    use layoffwatch::pipeline::watcher::{WatchRules, Watcher};
    use layoffwatch::store::{SqliteStore, Store};
    use layoffwatch::summaries::Offline;

    let feeds = FeedServer::start().await;
    feeds.feed("grow.xml", "Example Wire");
    feeds.add("grow.xml", report(0));
    feeds.add("grow.xml", report(1));
    let url = feeds.url("grow.xml");
    let source = FeedSource::parse(&url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    let rules = || WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 10,
        base_backoff: chrono::Duration::seconds(1),
        post_backlog: true,
        keep_text: chrono::Duration::days(30),
    };
    let output: Arc<dyn layoffwatch::delivery::Destination> =
        Arc::new(layoffwatch::adapters::jsonl::JsonLines::file(&dir.path().join("out.jsonl")).unwrap());
    let fetcher = || Fetcher::new(FetchSettings { allow_private: true, ..FetchSettings::default() }).unwrap();
    let now = chrono::Utc::now();

    let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
    let mut first = Watcher::new(store.clone(), fetcher(), vec![output.clone()], Arc::new(Offline), rules());
    first.poll(&source, now).await.unwrap();
    first.flush(now).await.unwrap();
    drop(first);
    store.close().await;

    // A new process: the story book is rebuilt from the store, then the story grows.
    feeds.add("grow.xml", report(2));
    let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
    let mut second = Watcher::new(store.clone(), fetcher(), vec![output], Arc::new(Offline), rules());
    assert_eq!(second.restore(now).await.unwrap(), 2);
    let report = second.poll(&source, now + chrono::Duration::seconds(5)).await.unwrap();
    assert_eq!(report.new_items, 1);
    assert!(report.queued >= 1, "the new coverage is queued, not swallowed by a reused key");
    second.flush(now + chrono::Duration::seconds(5)).await.unwrap();
    let text = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let keys: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["key"].as_str().unwrap().to_string())
        .collect();
    assert!(keys.iter().any(|k| k.ends_with("/1/post")), "{keys:?}");
    assert!(keys.iter().any(|k| k.ends_with("/3/update")), "the third item is revision 3: {keys:?}");
    assert_eq!(keys.iter().filter(|k| k.ends_with("/post")).count(), 1, "the story is posted once: {keys:?}");
    assert!(store.due_deliveries(now + chrono::Duration::hours(1), 10).await.unwrap().is_empty());
}
