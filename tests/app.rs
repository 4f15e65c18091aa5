//! The whole app started in-process, as `layoffwatch run` starts it, on 127.0.0.1 port 0 (the app
//! reports the port it bound), against local fakes: the shared feed server, a webhook receiver, an
//! OpenAI-compatible LLM server, and the fake Slack and Discord (in Socket Mode, and in HTTP mode on the
//! app's own port). Each test has its own database.

mod support;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use layoffwatch::app::App;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::app::{TestApp, get, wait_for};
use support::fake_discord::FakeDiscord;
use support::fake_slack::FakeSlack;

/// A Discord channel id for the fake Discord's text channel.
const DISCORD_CHANNEL: u64 = 100;
const SLACK_CHANNEL: &str = "C0STORIES1";

/// Receives webhook posts (Slack's shape: `{"text": …}`).
#[derive(Clone, Default)]
struct Hooks(Arc<Mutex<Vec<Value>>>);

impl Hooks {
    async fn start(&self) -> String {
        async fn receive(State(hooks): State<Hooks>, Json(body): Json<Value>) -> &'static str {
            hooks.0.lock().unwrap().push(body);
            "ok"
        }
        let app = axum::Router::new().route("/services/T0/B0/hook", post(receive)).with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/services/T0/B0/hook")
    }

    fn texts(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|b| b["text"].as_str().unwrap_or_default().to_string()).collect()
    }
}

#[tokio::test]
async fn the_app_binds_port_zero_reports_it_and_posts_a_story_through_a_webhook() {
    let mut app = TestApp::new().await;
    let hooks = Hooks::default();
    app.set("SLACK_WEBHOOK_URL", hooks.start().await);
    let running = app.start().await;
    let addr = running.addr();
    assert_ne!(addr.port(), 0, "the app reports the port it bound");
    assert_eq!(get(&format!("http://{addr}/healthz")).await, (200, "ok\ndatabase=sqlite reachable\n".to_string()));
    app.release_news().await;
    wait_for("the story on the webhook", || hooks.texts().iter().any(|t| t.contains("Quillon"))).await;
    let (status, metrics) = get(&format!("http://{addr}/metrics")).await;
    assert_eq!(status, 200, "{metrics}");
    running.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "the port is closed once the app has stopped");
}

#[tokio::test]
async fn a_port_already_taken_is_reported_before_anything_starts() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut app = TestApp::new().await;
    app.set("LAYOFFWATCH_HTTP_ADDR", taken.local_addr().unwrap().to_string()).set("LAYOFFWATCH_JSONL", "-");
    let err = App::build(app.settings()).await.err().expect("the port is taken").to_string();
    assert!(err.contains("LAYOFFWATCH_HTTP_ADDR"), "{err}");
    assert!(!app.dir.path().join("db.sqlite").exists(), "nothing was started before the port was bound");
}

/// A fake OpenAI-compatible server whose replies restate the first data line the prompt gives it,
/// citing it: a reply grounding accepts.
#[derive(Clone, Default)]
struct FakeLlm(Arc<Mutex<Vec<Value>>>);

impl FakeLlm {
    async fn start(&self) -> String {
        async fn complete(State(llm): State<FakeLlm>, Json(request): Json<Value>) -> Json<Value> {
            llm.0.lock().unwrap().push(request.clone());
            let user = request["messages"][1]["content"].as_str().unwrap_or_default();
            let first: Value = user
                .lines()
                .skip_while(|l| !l.starts_with("<<<DATA-"))
                .nth(1)
                .and_then(|l| serde_json::from_str(l).ok())
                .unwrap_or_default();
            let text = first["text"].as_str().unwrap_or_default();
            let headline: String = text.split_whitespace().take(10).collect::<Vec<_>>().join(" ");
            let content = json!({"h": headline, "b": [{"t": text, "c": [first["id"].clone()]}]}).to_string();
            Json(json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1_776_000_000, "model": "test-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 300, "completion_tokens": 50, "total_tokens": 350}
            }))
        }
        let app = axum::Router::new().route("/v1/chat/completions", post(complete)).with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/v1")
    }

    fn requests(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

#[tokio::test]
async fn with_the_llm_configured_the_app_summarizes_stories_through_it() {
    let mut app = TestApp::new().await;
    let hooks = Hooks::default();
    let llm = FakeLlm::default();
    app.set("SLACK_WEBHOOK_URL", hooks.start().await)
        .set("OPENAI_BASE_URL", llm.start().await)
        .set("OPENAI_MODEL", "test-model");
    let running = app.start().await;
    let addr = running.addr();
    app.release_news().await;
    wait_for("the story on the webhook", || hooks.texts().iter().any(|t| t.contains("Quillon"))).await;
    assert!(llm.requests() >= 1, "the story's summary was asked of the LLM");
    let (_, metrics) = get(&format!("http://{addr}/metrics")).await;
    assert!(metrics.contains("layoffwatch_llm_calls_total{outcome=\"ok\"}"), "{metrics}");
    assert!(metrics.contains("layoffwatch_llm_summaries_total{source=\"llm\"}"), "{metrics}");
    running.stop().await;
}

#[tokio::test]
async fn both_chat_bots_start_in_process_and_post_to_their_default_channels() {
    let mut app = TestApp::new().await;
    let slack = FakeSlack::start().await;
    let discord = FakeDiscord::start().await;
    discord.add_channel(DISCORD_CHANNEL, 0, json!({}));
    app.set("SLACK_BOT_TOKEN", "xoxb-test-token")
        .set("SLACK_APP_TOKEN", "xapp-test-token")
        .set("SLACK_API_URL", slack.api_url())
        .set("SLACK_CHANNEL", SLACK_CHANNEL)
        .set("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789")
        .set("DISCORD_API_URL", discord.url())
        .set("DISCORD_CHANNEL", DISCORD_CHANNEL.to_string())
        .set("DISCORD_AUTOSHARD", "false");
    let running = app.start().await;
    slack.connected().await;
    discord.wait_for("the gateway identify", |d| !d.gateway_ops(2).is_empty()).await;
    app.release_news().await;
    wait_for("the story in Slack", || slack.bot_messages().iter().any(|m| m.channel == SLACK_CHANNEL)).await;
    discord.wait_for("the story in Discord", |d| !d.messages(DISCORD_CHANNEL).is_empty()).await;
    assert!(slack.violations().is_empty(), "{:?}", slack.violations());
    discord.assert_bodies_valid();
    discord.assert_pings_nobody();
    running.stop().await;
}

#[tokio::test]
async fn slacks_request_urls_share_the_apps_one_port_in_http_mode() {
    use hmac::{Hmac, KeyInit, Mac};
    let mut app = TestApp::new().await;
    let slack = FakeSlack::start().await;
    let secret = "8f742231b10e8888abcd99yyyzzz85a5";
    app.set("SLACK_BOT_TOKEN", "xoxb-test-token")
        .set("SLACK_MODE", "http")
        .set("SLACK_SIGNING_SECRET", secret)
        .set("SLACK_API_URL", slack.api_url());
    let running = app.start().await;
    let addr = running.addr();
    let body =
        json!({"type": "url_verification", "token": "unused", "challenge": "a-challenge-from-slack"}).to_string();
    let ts = chrono::Utc::now().timestamp();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    let signature = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{addr}/slack/events"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.text().await.unwrap().contains("a-challenge-from-slack"));
    assert_eq!(get(&format!("http://{addr}/healthz")).await, (200, "ok\ndatabase=sqlite reachable\n".to_string()));
    running.stop().await;
}
