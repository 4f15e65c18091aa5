//! The HTTP Events API: the bot's axum routes mounted on a local server (as an integrator would), with
//! signed, badly signed, stale and replayed requests, `url_verification`, a slash command, a shortcut,
//! and a replay to a restarted bot sharing the same database. Every event body is checked against the
//! Events API wrapper schema, every request the bot sends against the Web API spec.

mod support;

use hmac::{Hmac, KeyInit, Mac};
use layoffwatch::store::{SqliteStore, Store};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use support::fake_slack::{BOT_USER, FakeSlack, wait_for};
use support::spec::EventSchema;
use tokio::sync::oneshot;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CHANNEL: &str = "C0000000001";

fn sign(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

struct Server {
    base: String,
    stop: oneshot::Sender<()>,
    worker: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(fake: &FakeSlack, store: SqliteStore) -> Self {
        let bot = support::bot(
            fake,
            store,
            &[("SLACK_MODE", "http"), ("SLACK_SIGNING_SECRET", SECRET), ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0")],
        )
        .await;
        let router = bot.router().expect("HTTP mode has routes");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let (stop, stopped) = oneshot::channel::<()>();
        let worker = tokio::spawn({
            let bot = Arc::clone(&bot);
            async move {
                bot.work_queue(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap()
            }
        });
        Server { base, stop, worker }
    }

    /// Stops the worker once the queued work is done.
    async fn stop(self) {
        let _ = self.stop.send(());
        self.worker.await.unwrap();
    }

    async fn post(&self, path: &str, content_type: &str, body: &str, headers: &[(&str, String)]) -> (u16, String) {
        let client = reqwest::Client::new();
        let mut req =
            client.post(format!("{}{path}", self.base)).header("content-type", content_type).body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    async fn signed_event(&self, body: &Value, extra: &[(&str, String)]) -> (u16, String) {
        let body = body.to_string();
        let now = chrono::Utc::now().timestamp();
        let mut headers =
            vec![("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", sign(SECRET, now, &body))];
        headers.extend(extra.iter().cloned());
        self.post("/slack/events", "application/json", &body, &headers).await
    }
}

fn mention(thread: &str, event_id: &str) -> Value {
    let envelope = FakeSlack::event_wrapper(
        event_id,
        json!({"type": "app_mention", "user": "UASKER0001", "text": format!("<@{BOT_USER}> summarize"),
               "ts": "1800000000.000100", "thread_ts": thread, "channel": CHANNEL, "event_ts": "1800000000.000100"}),
    );
    assert_eq!(EventSchema::load().check(&envelope), Ok(()), "the test's envelope has Slack's shape");
    envelope
}

fn summaries_in(fake: &FakeSlack, thread: &str) -> usize {
    fake.bot_messages()
        .iter()
        .filter(|m| m.thread_ts.as_deref() == Some(thread) && m.blocks.to_string().contains("Thread summary"))
        .count()
}

#[tokio::test]
async fn url_verification_is_answered_with_its_challenge() {
    let fake = FakeSlack::start().await;
    let server = Server::start(&fake, support::store().await).await;
    let (status, body) =
        server.signed_event(&json!({"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    server.stop().await;
}

/// Regression (issue 13): an envelope type newer than the bot was answered 400, which Slack retries.
#[tokio::test]
async fn an_unknown_envelope_type_is_acknowledged_and_ignored() {
    let fake = FakeSlack::start().await;
    let server = Server::start(&fake, support::store().await).await;
    let envelope = json!({"token": "unused", "team_id": "T0000001", "type": "app_uninstalled_everywhere"});
    assert_eq!(server.signed_event(&envelope, &[]).await.0, 200);
    server.stop().await;
    assert!(fake.bot_messages().is_empty() && fake.ephemerals().is_empty());
}

#[tokio::test]
async fn bad_signatures_and_stale_timestamps_are_refused_and_never_acted_on() {
    let fake = FakeSlack::start().await;
    let thread = fake.seed(CHANNEL, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    let server = Server::start(&fake, support::store().await).await;
    let body = mention(&thread, "Ev0BAD00001").to_string();
    let now = chrono::Utc::now().timestamp();

    let wrong_secret =
        [("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", sign("not-the-secret", now, &body))];
    assert_eq!(server.post("/slack/events", "application/json", &body, &wrong_secret).await.0, 401);
    let tampered = [("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", sign(SECRET, now, "{}"))];
    assert_eq!(server.post("/slack/events", "application/json", &body, &tampered).await.0, 401);
    let old = now - 6 * 60;
    let stale = [("x-slack-request-timestamp", old.to_string()), ("x-slack-signature", sign(SECRET, old, &body))];
    assert_eq!(server.post("/slack/events", "application/json", &body, &stale).await.0, 401);
    assert_eq!(server.post("/slack/events", "application/json", &body, &[]).await.0, 401);
    let form = "command=%2Flayoffs&text=subscribe+https%3A%2F%2Fa.example%2Frss";
    assert_eq!(server.post("/slack/commands", "application/x-www-form-urlencoded", form, &wrong_secret).await.0, 401);

    server.stop().await;
    assert_eq!(summaries_in(&fake, &thread), 0, "nothing unverified was acted on");
    assert!(fake.requests("conversations.replies").is_empty());
}

#[tokio::test]
async fn a_signed_event_is_acted_on_once_even_when_replayed_and_after_a_restart() {
    let fake = FakeSlack::start().await;
    let thread = fake.seed(CHANNEL, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    fake.seed(CHANNEL, Some(&thread), "UPOSTER002", "my manager says support is next");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.sqlite");
    let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
    let server = Server::start(&fake, store).await;

    let event = mention(&thread, "Ev0ONCE0001");
    assert_eq!(server.signed_event(&event, &[]).await.0, 200);
    wait_for(|| summaries_in(&fake, &thread) == 1).await;
    // Slack retries the same event (the ack looked slow to it).
    let retry = [("x-slack-retry-num", "1".to_string()), ("x-slack-retry-reason", "http_timeout".to_string())];
    assert_eq!(server.signed_event(&event, &retry).await.0, 200, "a retry is acknowledged");
    server.stop().await;
    assert_eq!(summaries_in(&fake, &thread), 1, "the retry was not acted on again");

    // A restarted bot on the same database still recognises it.
    let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
    assert!(!store.mark_event_seen("event:Ev0ONCE0001", chrono::Utc::now()).await.unwrap());
    let server = Server::start(&fake, store).await;
    let retry = [("x-slack-retry-num", "2".to_string()), ("x-slack-retry-reason", "http_error".to_string())];
    assert_eq!(server.signed_event(&event, &retry).await.0, 200);
    server.stop().await;
    assert_eq!(summaries_in(&fake, &thread), 1);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn commands_and_shortcuts_arrive_over_http_too() {
    let fake = FakeSlack::start().await;
    fake.make_admin("UADMIN0001");
    let thread = fake.seed(CHANNEL, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    let store = support::store().await;
    let server = Server::start(&fake, store.clone()).await;
    let now = chrono::Utc::now().timestamp();

    let form = serde_urlencoded::to_string([
        ("token", "unused"),
        ("team_id", "T0000001"),
        ("team_domain", "acme"),
        ("channel_id", CHANNEL),
        ("channel_name", "layoffs"),
        ("user_id", "UADMIN0001"),
        ("user_name", "admin"),
        ("command", "/layoffs"),
        ("text", "subscribe https://feeds.example/ai.xml"),
        ("api_app_id", "A0000001"),
        ("response_url", "https://hooks.slack.com/commands/T0000001/1/abc"),
        ("trigger_id", "trig-http-1"),
    ])
    .unwrap();
    let headers = [("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", sign(SECRET, now, &form))];
    let (status, body) = server.post("/slack/commands", "application/x-www-form-urlencoded", &form, &headers).await;
    assert_eq!((status, body.as_str()), (200, ""), "acknowledged at once, empty; the reply follows");

    let payload = json!({
        "type": "message_action", "token": "unused", "action_ts": "1800000000.1",
        "team": {"id": "T0000001", "domain": "acme"}, "user": {"id": "UASKER0001", "username": "asker", "team_id": "T0000001"},
        "channel": {"id": CHANNEL, "name": "layoffs"}, "callback_id": "summarize_thread", "trigger_id": "trig-http-2",
        "response_url": "https://hooks.slack.com/app/T0000001/1/abc",
        "message": {"type": "message", "user": "UPOSTER001", "ts": thread, "text": "Initech confirmed 400 layoffs"},
    });
    let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    let headers = [("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", sign(SECRET, now, &form))];
    assert_eq!(server.post("/slack/interactions", "application/x-www-form-urlencoded", &form, &headers).await.0, 200);
    server.stop().await;

    assert_eq!(store.subscriptions_for_channel("slack", CHANNEL).await.unwrap().len(), 1);
    let replies = fake.ephemerals();
    assert_eq!(replies.len(), 1);
    assert!(replies[0]["blocks"].to_string().contains("Subscribed this channel"));
    assert_eq!(summaries_in(&fake, &thread), 1);
    assert_eq!(fake.violations(), Vec::<String>::new());
}
