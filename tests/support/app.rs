//! The whole app started in-process, as `layoffwatch run` starts it: its own database, the shared
//! feed server with one story on it, loopback allowed, HTTP on 127.0.0.1 port 0, polls every second,
//! no console. A test adds its platform's variables, starts it, and stops it when done.

use super::feeds::{FeedServer, item, minutes_ago};
use layoffwatch::app::{App, AppError};
use layoffwatch::config::Settings;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// How long any one condition may take to hold (the machine is shared; this is no timing test).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// An app about to start: its folder, its feed server and its environment.
pub struct TestApp {
    pub dir: TempDir,
    pub feeds: FeedServer,
    env: Vec<(&'static str, String)>,
}

impl TestApp {
    pub async fn new() -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let feeds = FeedServer::start().await;
        feeds.feed("wire", "Example Wire");
        feeds.add(
            "wire",
            item(
                "quillon-300",
                "wire.example",
                "Quillon Systems to cut 300 support jobs as AI agents answer tickets",
                "Quillon Systems will cut 300 customer-support jobs after AI agents took over most of its tickets, the company said in a statement on Tuesday.",
                minutes_ago(20),
            ),
        );
        let env = vec![
            ("LAYOFFWATCH_DB", dir.path().join("db.sqlite").display().to_string()),
            ("LAYOFFWATCH_FEEDS", feeds.url("wire")),
            ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".into()),
            ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0".into()),
            ("LAYOFFWATCH_CONSOLE", "false".into()),
            ("LAYOFFWATCH_POLL_SECONDS", "1".into()),
        ];
        Self { dir, feeds, env }
    }

    /// Sets an environment variable for the app, replacing the one of that name.
    pub fn set(&mut self, key: &'static str, value: impl Into<String>) -> &mut Self {
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// The settings the app is built from, read from this environment alone.
    pub fn settings(&self) -> Settings {
        let env: HashMap<&str, String> = self.env.iter().map(|(k, v)| (*k, v.clone())).collect();
        Settings::load(None, &|k| env.get(k).cloned()).expect("valid test settings")
    }

    /// Builds the app and runs it in a task.
    pub async fn start(&self) -> Running {
        let app = App::build(self.settings()).await.expect("the app builds");
        let addr = app.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Running { addr, stop, task }
    }

    /// News after the first poll (which only remembers the feed's backlog): a second outlet's
    /// report of the same story.
    pub async fn release_news(&self) {
        wait_for("the first poll", || self.feeds.hits("wire") >= 1).await;
        self.feeds.add(
            "wire",
            item(
                "quillon-memo",
                "ledger.example",
                "Quillon Systems memo: support layoffs finish by June as AI agents expand",
                "Quillon Systems told staff in a memo that the 300 support layoffs tied to its AI agents will be finished by June, Ledger Daily reported.",
                minutes_ago(1),
            ),
        );
    }
}

/// The app running in a task, and the switch that stops it.
pub struct Running {
    /// The address its HTTP server bound, if it has one.
    pub addr: Option<SocketAddr>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), AppError>>,
}

impl Running {
    /// The HTTP server's address; the test configured one.
    pub fn addr(&self) -> SocketAddr {
        self.addr.expect("the app has an HTTP port")
    }

    /// Stops the app and waits until it has stopped cleanly.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(PATIENCE, self.task).await.expect("the app stops").expect("no panic");
        ended.expect("the app stops cleanly");
    }
}

/// Waits until `done` holds, failing after [`PATIENCE`] with what it waited for.
pub async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A GET on the app's HTTP server: status and body.
pub async fn get(url: &str) -> (u16, String) {
    let response = reqwest::Client::builder().no_proxy().build().unwrap().get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
