//! A local fake of Discord on 127.0.0.1: the REST API the bot uses and a gateway websocket that
//! speaks the real protocol (HELLO → IDENTIFY → READY → dispatches, heartbeat ACKs, op 7 reconnect,
//! op 9 invalid session, RESUME → RESUMED). Every request body is validated against the request
//! schema of Discord's own OpenAPI spec (tests/data/specs/discord/openapi.json); a body that does not
//! match is answered 400 and recorded, so a test fails on it.

#![allow(dead_code)]

use axum::Router;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State as AxumState};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::broadcast;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_002;
pub const GUILD: u64 = 1;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Value,
}

/// What a test tells the gateway to send.
#[derive(Debug, Clone)]
pub enum Control {
    Dispatch(&'static str, Value),
    Reconnect,
    InvalidSession(bool),
}

#[derive(Default)]
pub struct State {
    pub requests: Vec<Recorded>,
    pub schema_errors: Vec<String>,
    pub validated: usize,
    pub channels: HashMap<u64, Value>,
    /// Messages per channel in id order.
    pub messages: HashMap<u64, Vec<Value>>,
    pub next_id: u64,
    throttles: VecDeque<(String, f64, bool)>,
    /// Frames the bot sent on the gateway (op and d).
    pub gateway_in: Vec<Value>,
    pub heartbeats_acked: usize,
    pub sessions: usize,
    /// Discord keeps a nonce for a few minutes only; once set, no earlier nonce is recognised.
    pub nonces_expired: bool,
    /// Gateway sessions open now per shard id (from IDENTIFY), and the most ever open at once: a
    /// shard run by two instances at the same time shows as 2.
    pub shards_open: HashMap<u64, usize>,
    pub shards_most_open: HashMap<u64, usize>,
    /// Shard ids in the order they identified.
    pub identified_shards: Vec<u64>,
    /// A process to kill -9 right after the next message is created, before it is answered: the bot
    /// dies between a chat write and its own record of it.
    pub kill_on_post: Option<u32>,
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
    control: broadcast::Sender<Control>,
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/specs/discord/openapi.json"))
                .expect("the copied Discord spec");
        serde_json::from_str(&text).expect("the spec is JSON")
    })
}

/// The spec's path template matching a concrete path (`/channels/1/messages` →
/// `/channels/{channel_id}/messages`), literal segments winning over parameters.
fn template_for(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(usize, String)> = None;
    for template in spec()["paths"].as_object()?.keys() {
        let t: Vec<&str> = template.trim_matches('/').split('/').collect();
        if t.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = t.iter().zip(&segments).all(|(a, b)| {
            if a.starts_with('{') {
                true
            } else {
                literal += 1;
                a == b
            }
        });
        if fits && best.as_ref().is_none_or(|(n, _)| literal > *n) {
            best = Some((literal, template.clone()));
        }
    }
    best.map(|(_, t)| t)
}

fn validators() -> &'static Mutex<HashMap<String, Arc<jsonschema::Validator>>> {
    static V: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    V.get_or_init(Mutex::default)
}

/// Checks a request body against the operation's `application/json` request schema.
pub fn validate(method: &str, path: &str, body: &Value) -> Result<(), String> {
    let template = template_for(path).ok_or_else(|| format!("{method} {path}: no such path in the spec"))?;
    let key = format!("{method} {template}");
    let validator = {
        let mut cache = validators().lock().unwrap();
        if let Some(v) = cache.get(&key) {
            v.clone()
        } else {
            let op = &spec()["paths"][&template][method.to_ascii_lowercase()];
            let schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
            if schema.is_null() {
                return Err(format!("{key}: the spec has no JSON body for this operation"));
            }
            let mut root = schema;
            if let Some(obj) = root.as_object_mut() {
                obj.insert("components".into(), spec()["components"].clone());
            } else {
                return Err(format!("{key}: unexpected schema shape"));
            }
            let v =
                Arc::new(jsonschema::validator_for(&root).map_err(|e| format!("{key}: schema does not compile: {e}"))?);
            cache.insert(key.clone(), v.clone());
            v
        }
    };
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(format!("{key}: {}", errors.join("; "))) }
}

/// Checks a body against one named schema of the spec, where the operation's own schema is a loose
/// union (a forum post must match `CreateForumThreadRequest`, not just any thread request).
pub fn validate_component(name: &str, body: &Value) -> Result<(), String> {
    let mut root = json!({"$ref": format!("#/components/schemas/{name}")});
    root["components"] = spec()["components"].clone();
    let validator = jsonschema::validator_for(&root).map_err(|e| format!("{name}: {e}"))?;
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(format!("{name}: {}", errors.join("; "))) }
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name, "avatar": null, "bot": bot, "public_flags": 0})
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let (control, _) = broadcast::channel(64);
        let state = Arc::new(Mutex::new(State { next_id: 1_000_000, ..State::default() }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeDiscord { addr, state, control };
        let app = Router::new().route("/gateway", get(gateway)).fallback(any(rest)).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add_channel(&self, id: u64, kind: u8, extra: Value) {
        let mut channel =
            json!({"id": id.to_string(), "type": kind, "guild_id": GUILD.to_string(), "name": format!("channel-{id}")});
        if let (Some(c), Some(e)) = (channel.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        self.state.lock().unwrap().channels.insert(id, channel);
    }

    /// Puts `count` messages in a channel, as people wrote them.
    pub fn seed_messages(&self, channel: u64, texts: impl IntoIterator<Item = String>) {
        let mut s = self.state.lock().unwrap();
        for (i, text) in texts.into_iter().enumerate() {
            let id = s.next_id;
            s.next_id += 1;
            let m =
                message(id, channel, &text, json!([]), user(10 + (i as u64 % 7), &format!("member{}", i % 7), false));
            s.messages.entry(channel).or_default().push(m);
        }
    }

    /// The next `count` requests whose path contains `path_part` are answered 429.
    /// The next `count` writes (not reads) to a path containing `path_part` are answered 429.
    pub fn throttle(&self, path_part: &str, count: usize, retry_after: f64, global: bool) {
        let mut s = self.state.lock().unwrap();
        for _ in 0..count {
            s.throttles.push_back((path_part.to_string(), retry_after, global));
        }
    }

    pub fn send(&self, control: Control) {
        let _ = self.control.send(control);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn requests_to(&self, method: &str, path_part: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.path.contains(path_part)).collect()
    }

    /// Requests to exactly this path (without the query).
    pub fn requests_exact(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.path == path).collect()
    }

    pub fn messages(&self, channel: u64) -> Vec<Value> {
        self.state.lock().unwrap().messages.get(&channel).cloned().unwrap_or_default()
    }

    pub fn gateway_ops(&self, op: u64) -> Vec<Value> {
        self.state.lock().unwrap().gateway_in.iter().filter(|f| f["op"] == op).cloned().collect()
    }

    /// Fails the test if any body did not match the spec, and says how many did.
    pub fn assert_bodies_valid(&self) -> usize {
        let s = self.state.lock().unwrap();
        assert!(s.schema_errors.is_empty(), "bodies that do not match Discord's spec: {:#?}", s.schema_errors);
        s.validated
    }

    /// Fails the test if any body could ping: raw `@everyone`/`@here`/`<@&` never appear, and every
    /// message-like body parses no mentions. Returns how many message-like bodies were checked.
    pub fn assert_pings_nobody(&self) -> usize {
        let mut checked = 0;
        for r in self.requests() {
            let text = r.body.to_string();
            assert!(
                !text.contains("@everyone") && !text.contains("@here") && !text.contains("<@&"),
                "{} {}: {text}",
                r.method,
                r.path
            );
            let message = if r.path.ends_with("/threads") && r.body.get("message").is_some() {
                &r.body["message"]
            } else {
                &r.body
            };
            if message.get("embeds").is_some() || message.get("content").is_some_and(|c| !c.is_null()) {
                assert_eq!(message["allowed_mentions"]["parse"], json!([]), "{} {}", r.method, r.path);
                checked += 1;
            }
            if r.path.ends_with("/callback") && r.body["type"] == 4 {
                assert_eq!(r.body["data"]["allowed_mentions"]["parse"], json!([]), "{} {}", r.method, r.path);
                checked += 1;
            }
        }
        checked
    }

    /// Lets every nonce sent so far expire, as Discord does after a few minutes.
    pub fn expire_nonces(&self) {
        self.state.lock().unwrap().nonces_expired = true;
    }

    /// Waits (polling, up to 30 s) until `check` holds.
    pub async fn wait_for(&self, what: &str, check: impl Fn(&FakeDiscord) -> bool) {
        for _ in 0..600 {
            if check(self) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "timed out waiting for {what}; requests: {:#?}",
            self.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>()
        );
    }
}

/// A message object as Discord serves it.
pub fn message(id: u64, channel: u64, content: &str, embeds: Value, author: Value) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "guild_id": GUILD.to_string(), "author": author,
        "content": content, "timestamp": "2026-04-20T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": embeds,
        "pinned": false, "type": 0, "flags": 0, "components": []
    })
}

fn error(status: StatusCode, code: u64, message: &str) -> Response {
    (status, axum::Json(json!({"code": code, "message": message}))).into_response()
}

async fn rest(AxumState(fake): AxumState<FakeDiscord>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or_default().to_string();
    let bytes = axum::body::to_bytes(request.into_body(), 16 * 1024 * 1024).await.unwrap_or_default();
    let body: Value =
        if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    let Some(api_path) = path.strip_prefix("/api/v10") else {
        return error(StatusCode::NOT_FOUND, 0, "not under /api/v10");
    };
    let api_path = api_path.to_string();
    let mut s = fake.state.lock().unwrap();
    s.requests.push(Recorded {
        method: method.to_string(),
        path: api_path.clone(),
        query: query.clone(),
        body: body.clone(),
    });
    if method != Method::GET {
        match validate(method.as_str(), &api_path, &body) {
            Ok(()) => s.validated += 1,
            Err(e) => {
                s.schema_errors.push(e.clone());
                return error(StatusCode::BAD_REQUEST, 50035, &e);
            }
        }
    }
    // Throttles stand for write limits: reads (the bot's read-backs, history pages) pass.
    if let Some(pos) =
        s.throttles.iter().position(|(part, _, _)| method != Method::GET && api_path.contains(part.as_str()))
    {
        let (_, retry_after, global) = s.throttles.remove(pos).unwrap();
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global, "code": 0})),
        )
            .into_response();
        response.headers_mut().insert("retry-after", format!("{}", retry_after.ceil() as u64).parse().unwrap());
        if global {
            response.headers_mut().insert("x-ratelimit-global", "true".parse().unwrap());
        }
        return response;
    }
    let segments: Vec<&str> = api_path.trim_matches('/').split('/').collect();
    let id = |i: usize| segments.get(i).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let ws = format!("ws://{}/gateway", fake.addr);
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => axum::Json(json!({"url": ws})).into_response(),
        ("GET", ["gateway", "bot"]) => axum::Json(json!({
            "url": ws, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        }))
        .into_response(),
        ("GET", ["users", "@me"]) => axum::Json(user(BOT_ID, "layoffwatch", true)).into_response(),
        ("GET", ["channels", _]) => match s.channels.get(&id(1)) {
            Some(c) => axum::Json(c.clone()).into_response(),
            None => error(StatusCode::NOT_FOUND, 10003, "Unknown Channel"),
        },
        ("POST", ["channels", _, "messages"]) => {
            let channel = id(1);
            if !s.channels.contains_key(&channel) {
                return error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
            }
            let nonce = body["nonce"].clone();
            if body["enforce_nonce"] == true
                && !s.nonces_expired
                && let Some(existing) = s.messages.get(&channel).and_then(|ms| ms.iter().find(|m| m["nonce"] == nonce))
            {
                return axum::Json(existing.clone()).into_response();
            }
            let mid = s.next_id;
            s.next_id += 1;
            let mut m = message(
                mid,
                channel,
                body["content"].as_str().unwrap_or(""),
                body["embeds"].clone(),
                user(BOT_ID, "layoffwatch", true),
            );
            m["nonce"] = nonce;
            if body["components"].is_array() {
                m["components"] = body["components"].clone();
            }
            s.messages.entry(channel).or_default().push(m.clone());
            if let Some(pid) = s.kill_on_post.take() {
                let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
            axum::Json(m).into_response()
        }
        ("GET", ["channels", _, "messages"]) => {
            let channel = id(1);
            let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let limit: usize = params.get("limit").and_then(|l| l.parse().ok()).unwrap_or(50).min(100);
            let before: Option<u64> = params.get("before").and_then(|b| b.parse().ok());
            let mut page: Vec<Value> = s
                .messages
                .get(&channel)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|m| before.is_none_or(|b| m["id"].as_str().unwrap().parse::<u64>().unwrap() < b))
                .collect();
            page.reverse();
            page.truncate(limit);
            axum::Json(page).into_response()
        }
        ("GET", ["channels", _, "messages", _]) => {
            let want = id(3).to_string();
            match s.messages.get(&id(1)).and_then(|ms| ms.iter().find(|m| m["id"].as_str() == Some(want.as_str()))) {
                Some(m) => axum::Json(m.clone()).into_response(),
                None => error(StatusCode::NOT_FOUND, 10008, "Unknown Message"),
            }
        }
        ("PATCH", ["channels", _, "messages", _]) => {
            let (channel, mid_text) = (id(1), id(3).to_string());
            let Some(m) = s
                .messages
                .get_mut(&channel)
                .and_then(|ms| ms.iter_mut().find(|m| m["id"].as_str() == Some(mid_text.as_str())))
            else {
                return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
            };
            if let Some(embeds) = body.get("embeds") {
                m["embeds"] = embeds.clone();
            }
            if let Some(components) = body.get("components") {
                m["components"] = components.clone();
            }
            if let Some(content) = body.get("content") {
                m["content"] = if content.is_null() { json!("") } else { content.clone() };
            }
            m["edited_timestamp"] = json!("2026-04-20T11:00:00.000000+00:00");
            axum::Json(m.clone()).into_response()
        }
        ("POST", ["channels", _, "messages", _, "threads"]) => {
            let (channel, mid) = (id(1), id(3));
            if s.channels.contains_key(&mid) {
                return error(StatusCode::BAD_REQUEST, 160004, "A thread has already been created for this message");
            }
            let thread = json!({"id": mid.to_string(), "type": 11, "guild_id": GUILD.to_string(), "parent_id": channel.to_string(),
                                "owner_id": BOT_ID.to_string(), "name": body["name"].clone()});
            s.channels.insert(mid, thread.clone());
            axum::Json(thread).into_response()
        }
        ("POST", ["channels", _, "threads"]) => {
            let forum = id(1);
            if let Err(e) = validate_component("CreateForumThreadRequest", &body) {
                s.schema_errors.push(e.clone());
                return error(StatusCode::BAD_REQUEST, 50035, &e);
            }
            let tid = s.next_id;
            s.next_id += 1;
            let thread = json!({"id": tid.to_string(), "type": 11, "guild_id": GUILD.to_string(), "parent_id": forum.to_string(),
                                "owner_id": BOT_ID.to_string(), "name": body["name"].clone(), "applied_tags": body["applied_tags"].clone()});
            s.channels.insert(tid, thread.clone());
            let starter = message(
                tid,
                tid,
                body["message"]["content"].as_str().unwrap_or(""),
                body["message"]["embeds"].clone(),
                user(BOT_ID, "layoffwatch", true),
            );
            s.messages.entry(tid).or_default().push(starter);
            axum::Json(thread).into_response()
        }
        ("GET", ["guilds", _, "threads", "active"]) => {
            let threads: Vec<Value> = s.channels.values().filter(|c| c["type"] == 11).cloned().collect();
            axum::Json(json!({"threads": threads, "members": []})).into_response()
        }
        ("PUT", ["applications", _, "commands"]) | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let registered: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, mut c)| {
                    c["id"] = json!((7_000 + i).to_string());
                    c["application_id"] = json!(APP_ID.to_string());
                    c["version"] = json!("1");
                    c
                })
                .collect();
            axum::Json(registered).into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) | ("POST", ["webhooks", _, _]) => {
            let mid = s.next_id;
            s.next_id += 1;
            axum::Json(message(
                mid,
                0,
                body["content"].as_str().unwrap_or(""),
                body["embeds"].clone(),
                user(BOT_ID, "layoffwatch", true),
            ))
            .into_response()
        }
        _ => error(StatusCode::NOT_FOUND, 0, "the fake does not serve this route"),
    }
}

async fn gateway(AxumState(fake): AxumState<FakeDiscord>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(fake, socket))
}

async fn send(socket: &mut WebSocket, frame: Value) -> bool {
    socket.send(WsMessage::Text(frame.to_string().into())).await.is_ok()
}

/// One gateway connection, from HELLO until the bot closes it; the shard it identified as counts as
/// open meanwhile.
async fn session(fake: FakeDiscord, socket: WebSocket) {
    let mut shard = None;
    serve_session(&fake, socket, &mut shard).await;
    if let Some(id) = shard
        && let Some(open) = fake.state.lock().unwrap().shards_open.get_mut(&id)
    {
        *open -= 1;
    }
}

async fn serve_session(fake: &FakeDiscord, mut socket: WebSocket, shard: &mut Option<u64>) {
    let mut control = fake.control.subscribe();
    let mut seq: u64 = 0;
    if !send(&mut socket, json!({"op": 10, "d": {"heartbeat_interval": 500}, "s": null, "t": null})).await {
        return;
    }
    let ws = format!("ws://{}/gateway", fake.addr);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text,
                    // Answer the bot's close as Discord does, so its shutdown is a clean handshake:
                    // the reply is queued on reading the close and goes out on a flush.
                    Some(Ok(WsMessage::Close(_))) => {
                        let _ = futures_util::SinkExt::flush(&mut socket).await;
                        return;
                    }
                    _ => return,
                };
                let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                fake.state.lock().unwrap().gateway_in.push(frame.clone());
                match frame["op"].as_u64() {
                    Some(1) => {
                        fake.state.lock().unwrap().heartbeats_acked += 1;
                        if !send(&mut socket, json!({"op": 11, "d": null, "s": null, "t": null})).await { return }
                    }
                    Some(2) => {
                        let shard_info = match frame["d"]["shard"].as_array() {
                            Some(pair) => json!(pair),
                            None => json!([0, 1]),
                        };
                        let session_id = {
                            let mut s = fake.state.lock().unwrap();
                            s.sessions += 1;
                            let id = shard_info[0].as_u64().unwrap_or(0);
                            if shard.is_none() {
                                *shard = Some(id);
                                let open = s.shards_open.entry(id).or_default();
                                *open += 1;
                                let open = *open;
                                let most = s.shards_most_open.entry(id).or_default();
                                *most = (*most).max(open);
                                s.identified_shards.push(id);
                            }
                            format!("session-{}", s.sessions)
                        };
                        seq += 1;
                        let ready = json!({
                            "v": 10, "user": user(BOT_ID, "layoffwatch", true), "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                            "session_id": session_id, "resume_gateway_url": ws, "shard": shard_info,
                            "application": {"id": APP_ID.to_string(), "flags": 0}
                        });
                        if !send(&mut socket, json!({"op": 0, "t": "READY", "s": seq, "d": ready})).await { return }
                    }
                    Some(6) => {
                        seq = frame["d"]["seq"].as_u64().unwrap_or(seq) + 1;
                        if !send(&mut socket, json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}})).await { return }
                    }
                    _ => {}
                }
            }
            command = control.recv() => {
                let frame = match command {
                    Ok(Control::Dispatch(t, d)) => { seq += 1; json!({"op": 0, "t": t, "s": seq, "d": d}) }
                    Ok(Control::Reconnect) => json!({"op": 7, "d": null, "s": null, "t": null}),
                    Ok(Control::InvalidSession(resumable)) => json!({"op": 9, "d": resumable, "s": null, "t": null}),
                    Err(_) => continue,
                };
                if !send(&mut socket, frame).await { return }
            }
        }
    }
}

/// An INTERACTION_CREATE for `/layoffs <sub>` in `channel`, by a member with `permissions`.
pub fn slash(id: u64, channel: u64, channel_type: u8, permissions: u64, sub: &str, options: Value) -> Value {
    interaction(
        id,
        channel,
        channel_type,
        permissions,
        json!({"id": "7000", "name": "layoffs", "type": 1, "options": [{"name": sub, "type": 1, "options": options}]}),
    )
}

/// An INTERACTION_CREATE for the "Summarize thread" message command on `target`.
pub fn summarize_thread(id: u64, channel: u64, channel_type: u8, target: u64) -> Value {
    interaction(
        id,
        channel,
        channel_type,
        0,
        json!({"id": "7001", "name": "Summarize thread", "type": 3, "target_id": target.to_string()}),
    )
}

/// The INTERACTION_CREATE Discord sends when a member clicks the button `custom_id` on `message`
/// (a message object as this fake serves it): type 3, MESSAGE_COMPONENT, with the message it is on.
/// `None` when the message has no such button, since Discord sends no click for one.
pub fn button_click(id: u64, channel_type: u8, message: &Value, custom_id: &str) -> Option<Value> {
    let has = message["components"].as_array()?.iter().any(|row| {
        row["components"].as_array().is_some_and(|bs| bs.iter().any(|b| b["type"] == 2 && b["custom_id"] == custom_id))
    });
    if !has {
        return None;
    }
    let channel = message["channel_id"].as_str()?.parse().ok()?;
    let mut click = interaction(id, channel, channel_type, 0, json!({"custom_id": custom_id, "component_type": 2}));
    click["type"] = json!(3);
    click["message"] = message.clone();
    Some(click)
}

/// The custom ids of the buttons on a message (or message body).
pub fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(String::from))
        .collect()
}

fn interaction(id: u64, channel: u64, channel_type: u8, permissions: u64, data: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APP_ID.to_string(), "type": 2, "data": data,
        "guild_id": GUILD.to_string(),
        "channel": {"id": channel.to_string(), "type": channel_type, "name": "general", "guild_id": GUILD.to_string()},
        "channel_id": channel.to_string(),
        "member": {"user": user(42, "casey", false), "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00",
                   "deaf": false, "mute": false, "flags": 0, "pending": false, "permissions": permissions.to_string(), "nick": null, "avatar": null},
        "token": format!("token-{id}"), "version": 1, "app_permissions": "2251799813685247", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": GUILD.to_string()}, "context": 0, "attachment_size_limit": 10485760
    })
}
