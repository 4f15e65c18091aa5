//! A fake Slack on 127.0.0.1: the Web API methods the bot calls (with the response shapes Slack
//! documents), a Socket Mode websocket, button clicks sent the way Slack sends them (a signed
//! `payload=` form to the interactivity URL, or an `interactive` envelope), the `response_url` they
//! carry, and a record of everything the bot sent. Every Web API request
//! is checked against Slack's OpenAPI spec and every envelope this fake sends against the Events API
//! wrapper schema; violations are collected and tests assert there are none.

use super::spec::{EventSchema, WebSpec};
use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub const BOT_USER: &str = "UBOT00001";
pub const BOT_ID: &str = "BBOT00001";
pub const WORKSPACE_URL: &str = "https://acme.slack.com/";

/// One message in a fake channel.
#[derive(Debug, Clone)]
pub struct Posted {
    pub channel: String,
    pub ts: String,
    pub thread_ts: Option<String>,
    pub text: String,
    pub blocks: Value,
    pub metadata: Option<Value>,
    pub user: String,
    pub bot_id: Option<String>,
    /// How many times chat.update replaced it.
    pub edits: usize,
}

/// One Web API request as the bot sent it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub params: Map<String, Value>,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    messages: Vec<Posted>,
    requests: Vec<Request>,
    ephemerals: Vec<Map<String, Value>>,
    violations: Vec<String>,
    /// method → Retry-After seconds of the 429s still to answer.
    rate_limits: HashMap<String, Vec<u64>>,
    admins: Vec<String>,
    creators: HashMap<String, String>,
    next_ts: u64,
    sockets: Vec<mpsc::UnboundedSender<String>>,
    /// Socket Mode connections opened so far (a restarted bot opens a new one).
    connections: usize,
    acks: Vec<Value>,
    /// What the bot posted to a click's `response_url`.
    responses: Vec<Value>,
    /// A process to kill -9 right after the next chat.postMessage is recorded, before it is answered:
    /// the bot dies between a chat write and its own record of it.
    kill_on_post: Option<u32>,
    /// When set, only a chat.postMessage made with this bot token triggers `kill_on_post` (several
    /// instances, each with its own token, share the fake).
    kill_on_post_token: Option<String>,
}

#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Mutex<Inner>>,
    spec: Arc<WebSpec>,
    events: Arc<EventSchema>,
    pub addr: std::net::SocketAddr,
}

impl FakeSlack {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeSlack {
            inner: Arc::new(Mutex::new(Inner { next_ts: 1, ..Inner::default() })),
            spec: Arc::new(WebSpec::load()),
            events: Arc::new(EventSchema::load()),
            addr,
        };
        let app = Router::new()
            .route("/api/{method}", any(api))
            .route("/socket", get(socket))
            .route("/actions/{trigger}", post(respond))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next `count` calls of `method` are answered 429 with `Retry-After: retry_after`.
    pub fn rate_limit(&self, method: &str, count: usize, retry_after: u64) {
        self.lock().rate_limits.insert(method.into(), vec![retry_after; count]);
    }

    pub fn make_admin(&self, user: &str) {
        self.lock().admins.push(user.into());
    }

    pub fn set_creator(&self, channel: &str, user: &str) {
        self.lock().creators.insert(channel.into(), user.into());
    }

    /// Puts a message into a channel as if a person posted it; returns its ts.
    pub fn seed(&self, channel: &str, thread_ts: Option<&str>, user: &str, text: &str) -> String {
        let mut inner = self.lock();
        let ts = next_ts(&mut inner);
        inner.messages.push(Posted {
            channel: channel.into(),
            ts: ts.clone(),
            thread_ts: thread_ts.map(String::from),
            text: text.into(),
            blocks: Value::Null,
            metadata: None,
            user: user.into(),
            bot_id: None,
            edits: 0,
        });
        ts
    }

    pub fn messages(&self) -> Vec<Posted> {
        self.lock().messages.clone()
    }

    /// Messages the bot posted.
    pub fn bot_messages(&self) -> Vec<Posted> {
        self.messages().into_iter().filter(|m| m.user == BOT_USER).collect()
    }

    pub fn requests(&self, method: &str) -> Vec<Request> {
        self.lock().requests.iter().filter(|r| r.method == method).cloned().collect()
    }

    pub fn ephemerals(&self) -> Vec<Map<String, Value>> {
        self.lock().ephemerals.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.lock().violations.clone()
    }

    pub fn acks(&self) -> Vec<Value> {
        self.lock().acks.clone()
    }

    /// Sends a Socket Mode envelope to the bot's first connection; an `events_api` payload is checked
    /// against the wrapper schema first. Returns the envelope id.
    pub fn send_envelope(&self, kind: &str, envelope_id: &str, payload: Value, retry_attempt: u32) -> String {
        if kind == "events_api"
            && let Err(errors) = self.events.check(&payload)
        {
            self.lock().violations.extend(errors.into_iter().map(|e| format!("envelope: {e}")));
        }
        let frame = json!({
            "type": kind, "envelope_id": envelope_id, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
            "retry_reason": if retry_attempt > 0 { "timeout" } else { "" },
        });
        let mut inner = self.lock();
        inner.sockets.retain(|s| !s.is_closed());
        let socket = inner.sockets.last().expect("the bot is connected");
        // A bot that dies as this is sent never acknowledges it; the caller sends it again.
        let _ = socket.send(frame.to_string());
        envelope_id.to_string()
    }

    /// Socket Mode connections opened so far.
    pub fn connections(&self) -> usize {
        self.lock().connections
    }

    /// Kills process `pid` (kill -9) right after the next chat.postMessage is recorded.
    pub fn kill_on_next_post(&self, pid: u32) {
        self.lock().kill_on_post = Some(pid);
    }

    /// Kills process `pid` right after the next chat.postMessage made with `token` is recorded, so
    /// of several instances sharing the fake, the one killed is the one that wrote.
    pub fn kill_on_next_post_with(&self, pid: u32, token: &str) {
        let mut inner = self.lock();
        inner.kill_on_post = Some(pid);
        inner.kill_on_post_token = Some(format!("Bearer {token}"));
    }

    /// Whether the kill asked for with [`FakeSlack::kill_on_next_post`] is still waiting for a post.
    pub fn kill_pending(&self) -> bool {
        self.lock().kill_on_post.is_some()
    }

    /// Forgets a kill that no post triggered.
    pub fn disarm(&self) {
        let mut inner = self.lock();
        inner.kill_on_post = None;
        inner.kill_on_post_token = None;
    }

    /// Waits until the bot has a Socket Mode connection.
    pub async fn connected(&self) {
        wait_for(|| !self.lock().sockets.is_empty()).await;
    }

    /// Waits until the bot acknowledged `envelope_id`; returns the ack frame.
    pub async fn ack_of(&self, envelope_id: &str) -> Value {
        wait_for(|| self.acks().iter().any(|a| a["envelope_id"] == envelope_id)).await;
        self.acks().into_iter().find(|a| a["envelope_id"] == envelope_id).unwrap()
    }

    /// What the bot posted to `response_url`s.
    pub fn responses(&self) -> Vec<Value> {
        self.lock().responses.clone()
    }

    /// The `block_actions` payload Slack sends when `user` clicks the button `action_id` on
    /// `message`: the button's own `value` and `block_id` (read from the message's blocks, as
    /// Slack does), the message, its channel, a fresh `trigger_id` and a `response_url` on this
    /// fake. `None` when the message has no such button.
    pub fn block_actions(&self, message: &Posted, user: &str, action_id: &str, trigger_id: &str) -> Option<Value> {
        let (block_id, button) = message.blocks.as_array()?.iter().find_map(|b| {
            let button =
                b["elements"].as_array()?.iter().find(|e| e["type"] == "button" && e["action_id"] == action_id)?;
            Some((b["block_id"].as_str().unwrap_or("actions").to_string(), button.clone()))
        })?;
        let mut container =
            json!({"type": "message", "message_ts": message.ts, "channel_id": message.channel, "is_ephemeral": false});
        if let Some(t) = &message.thread_ts {
            container["thread_ts"] = json!(t);
        }
        Some(json!({
            "type": "block_actions",
            "user": {"id": user, "username": "casey", "name": "casey", "team_id": "T0000001"},
            "api_app_id": "A0000001", "token": "verification-token-unused",
            "container": container,
            "trigger_id": trigger_id,
            "team": {"id": "T0000001", "domain": "acme"},
            "enterprise": null, "is_enterprise_install": false,
            "channel": {"id": message.channel, "name": "layoff-news"},
            "message": history_json(message, false),
            "state": {"values": {}},
            "response_url": format!("http://{}/actions/{trigger_id}", self.addr),
            "actions": [{
                "type": "button", "action_id": action_id, "block_id": block_id,
                "text": button["text"], "value": button["value"], "action_ts": "1700000100.000200"
            }]
        }))
    }

    /// Posts an interaction `payload` to the bot's interactivity URL as Slack does: a form with one
    /// field, `payload`, signed (v0 HMAC-SHA256 of `v0:{timestamp}:{body}`) with `signing_secret`.
    /// Returns the status and body of the bot's answer.
    pub async fn send_interaction(&self, url: &str, signing_secret: &str, payload: &Value) -> (u16, String) {
        let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
        let now = chrono::Utc::now().timestamp();
        let mut mac = Hmac::<Sha256>::new_from_slice(signing_secret.as_bytes()).unwrap();
        mac.update(format!("v0:{now}:{body}").as_bytes());
        let signature = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
        let response = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", now.to_string())
            .header("x-slack-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// An Events API wrapper as Slack sends it.
    pub fn event_wrapper(event_id: &str, event: Value) -> Value {
        json!({
            "token": "verification-token-unused", "team_id": "T0000001", "api_app_id": "A0000001",
            "event": event, "type": "event_callback", "event_id": event_id, "event_time": 1_700_000_000,
            "authed_users": [BOT_USER],
        })
    }
}

/// Polls `done` until it holds (a test's waits are bounded by the test harness's own timeout).
pub async fn wait_for(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "waited 60 s for a condition that never held");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn next_ts(inner: &mut Inner) -> String {
    inner.next_ts += 1;
    format!("{}.{:06}", 1_700_000_000 + inner.next_ts, inner.next_ts)
}

/// A post to a click's `response_url`: recorded, answered as Slack does.
async fn respond(State(fake): State<FakeSlack>, body: Bytes) -> &'static str {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    fake.lock().responses.push(body);
    "ok"
}

fn slack_error(code: &str) -> Response {
    axum::Json(json!({"ok": false, "error": code})).into_response()
}

/// A message as `conversations.history` or `.replies` returns it. Like Slack, metadata is included
/// only when the request asked with `include_all_metadata`.
fn history_json(m: &Posted, with_metadata: bool) -> Value {
    let mut v = json!({"type": "message", "ts": m.ts, "text": m.text, "user": m.user});
    if let Some(t) = &m.thread_ts {
        v["thread_ts"] = json!(t);
    }
    if let Some(b) = &m.bot_id {
        v["bot_id"] = json!(b);
    }
    if let Some(md) = m.metadata.as_ref().filter(|_| with_metadata) {
        v["metadata"] = md.clone();
    }
    if !m.blocks.is_null() {
        v["blocks"] = m.blocks.clone();
    }
    v
}

/// Blocks arrive as a JSON array in JSON bodies, or a JSON string in forms.
fn json_field(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// A page of `list` from `cursor` (an offset), Slack style.
fn page(list: Vec<Value>, params: &Map<String, Value>) -> (Vec<Value>, Option<String>) {
    let limit = params.get("limit").and_then(|l| l.as_str().and_then(|s| s.parse().ok()).or(l.as_u64())).unwrap_or(100)
        as usize;
    let start: usize = params
        .get("cursor")
        .and_then(|c| c.as_str())
        .and_then(|c| c.strip_prefix("off_"))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let end = (start + limit).min(list.len());
    let next = (end < list.len()).then(|| format!("off_{end}"));
    (list[start.min(list.len())..end].to_vec(), next)
}

async fn api(
    State(fake): State<FakeSlack>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let json_body = content_type.starts_with("application/json");
    let mut params: Map<String, Value> = Map::new();
    if let Some(q) = &query {
        for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default() {
            params.insert(k, Value::String(v));
        }
    }
    if !body.is_empty() {
        if json_body {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(m)) => params.extend(m),
                _ => return slack_error("invalid_json"),
            }
        } else {
            for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default() {
                params.insert(k, Value::String(v));
            }
        }
    }
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let expected = if method == "apps.connections.open" { "Bearer xapp-" } else { "Bearer xoxb-" };
    {
        let mut inner = fake.lock();
        if !token.starts_with(expected) {
            inner.violations.push(format!("{method}: called without a {expected}… token"));
        }
        if let Err(errors) = fake.spec.check(&method, &params, json_body && !body.is_empty()) {
            inner.violations.extend(errors);
        }
        inner.requests.push(Request { method: method.clone(), params: params.clone(), at: Instant::now() });
        if let Some(queue) = inner.rate_limits.get_mut(&method)
            && let Some(retry_after) = queue.pop()
        {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after.to_string()), ("content-type", "application/json".into())],
                json!({"ok": false, "error": "ratelimited"}).to_string(),
            )
                .into_response();
        }
    }
    let s = |k: &str| params.get(k).and_then(|v| v.as_str()).map(String::from);
    let with_metadata = matches!(params.get("include_all_metadata"), Some(Value::Bool(true)))
        || matches!(params.get("include_all_metadata").and_then(|v| v.as_str()), Some("true" | "1"));
    let mut inner = fake.lock();
    let answer = match method.as_str() {
        "auth.test" => json!({"ok": true, "url": WORKSPACE_URL, "team": "Acme", "user": "layoffwatch",
                              "team_id": "T0000001", "user_id": BOT_USER, "bot_id": BOT_ID}),
        "apps.connections.open" => json!({"ok": true, "url": format!("ws://{}/socket", fake.addr)}),
        "chat.postMessage" => {
            let Some(channel) = s("channel") else { return slack_error("channel_not_found") };
            let ts = next_ts(&mut inner);
            let posted = Posted {
                channel: channel.clone(),
                ts: ts.clone(),
                thread_ts: s("thread_ts"),
                text: s("text").unwrap_or_default(),
                blocks: json_field(params.get("blocks")),
                metadata: params.get("metadata").cloned().map(|m| json_field(Some(&m))),
                user: BOT_USER.into(),
                bot_id: Some(BOT_ID.into()),
                edits: 0,
            };
            let message = history_json(&posted, true);
            inner.messages.push(posted);
            if inner.kill_on_post_token.as_ref().is_none_or(|t| *t == token)
                && let Some(pid) = inner.kill_on_post.take()
            {
                inner.kill_on_post_token = None;
                let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
            json!({"ok": true, "channel": channel, "ts": ts, "message": message})
        }
        "chat.update" => {
            let (Some(channel), Some(ts)) = (s("channel"), s("ts")) else { return slack_error("invalid_arguments") };
            let Some(m) = inner.messages.iter_mut().find(|m| m.channel == channel && m.ts == ts) else {
                return slack_error("message_not_found");
            };
            m.text = s("text").unwrap_or_default();
            m.blocks = json_field(params.get("blocks"));
            m.edits += 1;
            json!({"ok": true, "channel": channel, "ts": ts, "text": m.text, "message": {"text": m.text}})
        }
        "chat.postEphemeral" => {
            inner.ephemerals.push(params.clone());
            json!({"ok": true, "message_ts": next_ts(&mut inner)})
        }
        "conversations.history" => {
            let channel = s("channel").unwrap_or_default();
            let mut list: Vec<Value> = inner
                .messages
                .iter()
                .filter(|m| m.channel == channel && m.thread_ts.as_ref().is_none_or(|t| *t == m.ts))
                .map(|m| history_json(m, with_metadata))
                .collect();
            list.reverse();
            let (messages, next) = page(list, &params);
            json!({"ok": true, "messages": messages, "has_more": next.is_some(), "pin_count": 0,
                   "response_metadata": {"next_cursor": next.unwrap_or_default()}})
        }
        "conversations.replies" => {
            let channel = s("channel").unwrap_or_default();
            let thread = s("ts").unwrap_or_default();
            let list: Vec<Value> = inner
                .messages
                .iter()
                .filter(|m| m.channel == channel && (m.ts == thread || m.thread_ts.as_deref() == Some(&thread)))
                .map(|m| history_json(m, with_metadata))
                .collect();
            if list.is_empty() {
                return slack_error("thread_not_found");
            }
            let (messages, next) = page(list, &params);
            json!({"ok": true, "messages": messages, "has_more": next.is_some(),
                   "response_metadata": {"next_cursor": next.unwrap_or_default()}})
        }
        "conversations.info" => {
            let channel = s("channel").unwrap_or_default();
            let creator = inner.creators.get(&channel).cloned().unwrap_or_else(|| "UNOBODY01".into());
            json!({"ok": true, "channel": {"id": channel, "name": "layoffs", "created": 1_600_000_000,
                   "creator": creator, "is_channel": true, "is_member": true}})
        }
        "users.info" => {
            let user = s("user").unwrap_or_default();
            let admin = inner.admins.contains(&user);
            json!({"ok": true, "user": {"id": user, "name": "someone", "is_admin": admin, "is_owner": false}})
        }
        other => return slack_error(&format!("unknown_method:{other}")),
    };
    axum::Json(answer).into_response()
}

async fn socket(State(fake): State<FakeSlack>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |ws| serve_socket(fake, ws))
}

async fn serve_socket(fake: FakeSlack, mut ws: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let hello = json!({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0000001"},
                       "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060}});
    if ws.send(WsMessage::Text(hello.to_string().into())).await.is_err() {
        return;
    }
    {
        let mut inner = fake.lock();
        inner.sockets.push(tx);
        inner.connections += 1;
    }
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(frame) = out else { break };
                if ws.send(WsMessage::Text(frame.into())).await.is_err() { break }
            }
            incoming = ws.recv() => match incoming {
                Some(Ok(WsMessage::Text(t))) => {
                    if let Ok(v) = serde_json::from_str::<Value>(t.as_str()) {
                        fake.lock().acks.push(v);
                    }
                }
                Some(Ok(WsMessage::Ping(p))) => { let _ = ws.send(WsMessage::Pong(p)).await; }
                Some(Ok(_)) => {}
                _ => break,
            }
        }
    }
}
