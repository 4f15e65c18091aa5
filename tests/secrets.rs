//! Secrets never reach the logs or the database. A webhook's URL is its credential, so the app is run
//! against two failing webhooks whose URLs carry a marker (one refuses connections, one answers 500),
//! and every log line (all levels, every crate) and every byte of the database are searched for it.
//! A Discord interaction token, which travels in a URL path, is checked the same way.
//!
//! One test per file: the log capture is the process's global subscriber.

mod support;

use axum::http::StatusCode;
use axum::routing::post;
use layoffwatch::adapters::discord::rest::Rest;
use layoffwatch::app::App;
use layoffwatch::config::Settings;
use layoffwatch::secret::Secret;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::feeds::{FeedServer, item, minutes_ago};

const MARKER: &str = "MARKERc0ffee";

/// Every log line written while the test runs.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A webhook receiver that always fails with 500.
async fn failing_webhook() -> String {
    let app = axum::Router::new()
        .route("/api/webhooks/1/{token}", post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "upstream broke") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/api/webhooks/1/{MARKER}-discord")
}

#[tokio::test]
async fn failing_webhooks_and_interaction_tokens_leave_no_secret_in_logs_or_the_database() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let logs = Logs::default();
    let writer = logs.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish(),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let feeds = FeedServer::start().await;
    feeds.feed("wire", "Example Wire");
    let env: HashMap<&str, String> = [
        ("LAYOFFWATCH_DB", dir.path().join("db.sqlite").display().to_string()),
        ("LAYOFFWATCH_FEEDS", feeds.url("wire")),
        ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".into()),
        ("LAYOFFWATCH_CONSOLE", "false".into()),
        ("SLACK_WEBHOOK_URL", format!("http://127.0.0.1:{}/services/T0/B0/{MARKER}-slack", closed_port())),
        ("DISCORD_WEBHOOK_URL", failing_webhook().await),
    ]
    .into_iter()
    .collect();
    let settings = || Settings::load(None, &|k| env.get(k).cloned()).expect("valid settings");
    assert!(!format!("{:?}", settings()).contains(MARKER), "the settings' Debug shows a webhook URL");
    // The first round remembers the feed's backlog; the second has news to send, and both sends fail.
    App::build(settings()).await.unwrap().run_once().await.unwrap();
    feeds.add(
        "wire",
        item(
            "orrin-240",
            "wire.example",
            "Orrin Freight lays off 240 dispatchers as AI routing takes over",
            "Orrin Freight is laying off 240 dispatchers after moving route planning to an AI system, the company said on Monday.",
            minutes_ago(3),
        ),
    );
    App::build(settings()).await.unwrap().run_once().await.unwrap();

    // An interaction callback to a Discord that is not there fails with the path's token in hand.
    let rest =
        Rest::new(&url::Url::parse(&format!("http://127.0.0.1:{}", closed_port())).unwrap(), Secret::new("t")).unwrap();
    let err = rest
        .post::<Value>(&format!("/interactions/81/{MARKER}-interaction/callback"), &serde_json::json!({"type": 5}))
        .await
        .unwrap_err();
    tracing::warn!(error = %err, "Could not answer a Discord command.");
    assert!(!err.to_string().contains(MARKER), "{err}");

    let logs = logs.text();
    assert!(logs.contains("Delivery failed"), "the failures were logged:\n{logs}");
    assert!(!logs.contains(MARKER), "a secret reached the log:\n{logs}");
    let mut searched = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        // SQLite removes its -wal and -shm files as the closing pool checkpoints: a file gone
        // between listing and reading holds nothing any more.
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("could not read {}: {e}", path.display()),
        };
        searched += bytes.len();
        let found = bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes());
        assert!(!found, "a secret reached {}", path.display());
    }
    assert!(searched > 0, "the database was written");
}
