//! The bot's own HTTP port: with `LAYOFFWATCH_HTTP_ADDR` set, the real binary answers `/healthz`
//! and serves its counters at `/metrics` in the Prometheus text format, and a bad address is refused
//! by `check` with the fix. The binary binds port 0 and logs the port it got, so no test races
//! another for a "free" port.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

async fn get(url: &str) -> Option<(u16, String, String)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::builder().no_proxy().build().unwrap().get(url).send().await.ok()?;
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    Some((status, kind, response.text().await.ok()?))
}

/// Starts `run` on an empty feed file with the HTTP port on 127.0.0.1:0 and `env` on top; returns
/// the process and the address it logged.
async fn start_with_port(dir: &std::path::Path, env: &[(&str, String)]) -> (std::process::Child, String) {
    let feed = dir.join("feed.xml");
    std::fs::write(&feed, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title></channel></rss>")
        .unwrap();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("run")
        .env_clear()
        .env("LAYOFFWATCH_DB", dir.join("db.sqlite"))
        .env("LAYOFFWATCH_FEEDS", feed.to_str().unwrap())
        .env("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0")
        .env("LAYOFFWATCH_POLL_SECONDS", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log line that says where the server listens carries the port the system chose.
    let stderr = bot.stderr.take().unwrap();
    let addr = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stderr).lines();
            let addr = lines
                .by_ref()
                .map_while(Result::ok)
                .find(|l| l.contains("Serving /healthz"))
                .and_then(|l| {
                    l.split("addr=").nth(1).map(|a| a.split_whitespace().next().unwrap_or_default().to_string())
                })
                .expect("the bot logs where it listens");
            // Keep reading so the bot never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            addr
        }),
    )
    .await
    .expect("the bot started within a minute")
    .unwrap();
    (bot, addr)
}

#[tokio::test]
async fn the_running_bot_answers_healthz_and_metrics_on_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let (mut bot, addr) = start_with_port(dir.path(), &[]).await;
    assert!(!addr.ends_with(":0"), "{addr}");
    let health = get(&format!("http://{addr}/healthz")).await.expect("the bot answers on the port it logged");
    assert_eq!((health.0, health.2.trim()), (200, "ok\ndatabase=sqlite reachable"));
    let (status, kind, body) = get(&format!("http://{addr}/metrics")).await.expect("metrics answer");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain") && kind.contains("version=0.0.4"), "{kind}");
    assert!(body.is_empty() || body.lines().all(|l| l.starts_with('#') || l.contains(' ')), "{body}");
    let (missing, ..) = get(&format!("http://{addr}/nope")).await.expect("an answer");
    assert_eq!(missing, 404);

    // SIGTERM stops the bot and its port cleanly.
    let pid = bot.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::task::spawn_blocking(move || bot.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status:?}");
}

/// On PostgreSQL the instance reports what it holds: the feed it leased, its delivery claims and
/// the age of the outbox, on `/healthz` and as gauges on `/metrics`.
#[tokio::test]
async fn on_postgres_healthz_and_metrics_report_the_leases_held_and_the_outbox_age() {
    let Some(db) = support::postgres::fresh_schema("run_ops_leases").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("LAYOFFWATCH_DB", db),
        ("LAYOFFWATCH_INSTANCE", "ops-one".to_string()),
        // Long enough that the lease of the first poll is still held when it is read.
        ("LAYOFFWATCH_FEED_LEASE_SECONDS", "600".to_string()),
    ];
    let (mut bot, addr) = start_with_port(dir.path(), &env).await;
    let mut health = String::new();
    for _ in 0..200 {
        health = get(&format!("http://{addr}/healthz")).await.map(|h| h.2).unwrap_or_default();
        if health.contains("feed_leases=1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(health.trim(), "ok\ndatabase=postgres reachable\ninstance=ops-one\nfeed_leases=1\ndelivery_claims=0");
    let (status, _, body) = get(&format!("http://{addr}/metrics")).await.expect("metrics answer");
    assert_eq!(status, 200);
    for line in [
        "# TYPE layoffwatch_feed_leases_held gauge",
        "layoffwatch_feed_leases_held 1",
        "layoffwatch_delivery_claims_held 0",
        "# TYPE layoffwatch_outbox_oldest_pending_seconds gauge",
        "layoffwatch_outbox_oldest_pending_seconds 0.000",
    ] {
        assert!(body.lines().any(|l| l == line), "{line:?} in\n{body}");
    }
    let _ = Command::new("kill").args(["-TERM", &bot.id().to_string()]).status();
    let _ = tokio::task::spawn_blocking(move || bot.wait()).await;
}

#[test]
fn check_names_a_bad_listen_address_and_the_form_it_wants() {
    let out = Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("check")
        .env_clear()
        .env("LAYOFFWATCH_HTTP_ADDR", "port 3000")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("LAYOFFWATCH_HTTP_ADDR") && err.contains("0.0.0.0:3000"), "{err}");
}
