//! Every REST call the bot makes, through one client that paces itself and honours 429s.
//!
//! Why not serenity's `Http` for these calls: its ratelimiter ignores a proxy base URL, so against
//! `DISCORD_API_URL` it must be turned off (see DEPENDENCIES.md), and with it off a 429 comes back as
//! an error that has lost its `retry_after` and `global` flag. This client keeps both, so the one
//! rate-limit path is the same against Discord and against the test server:
//! - every request waits for the global pace (Discord allows 50 requests a second per bot) and for its
//!   route's bucket when the last answer said `X-RateLimit-Remaining: 0`;
//! - a 429 pauses its bucket (or, with `global: true`, every request) for `retry_after` and the
//!   request is sent again, up to [`MAX_429_RETRIES`] times and never for longer than
//!   [`MAX_INLINE_WAIT`]; past that the caller gets [`RestError::RateLimited`] with the wait, which
//!   the outbox turns into a later attempt. A burst is queued, never dropped.
//!
//! serenity still owns the gateway (it fetches `/gateway/bot` with its own `Http`) and the models the
//! bot reads; the bodies here are plain JSON whose shapes tests check against Discord's OpenAPI spec.

use crate::secret::Secret;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Discord's global limit is 50 requests a second per bot; pacing at it means a burst of posts waits
/// its turn instead of being answered with 429s.
const GLOBAL_SPACING: Duration = Duration::from_millis(20);
/// The longest 429 wait absorbed inside one call. Longer waits go back to the outbox, so a delivery
/// task is not parked for minutes.
pub const MAX_INLINE_WAIT: Duration = Duration::from_secs(30);
/// How many 429s in a row one call sits out before giving the wait back to its caller.
pub const MAX_429_RETRIES: u32 = 4;
/// Bounds a hung request; Discord answers in well under a second.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Discord's error answers are small; anything bigger is cut before it reaches a log or a user.
const MAX_ERROR_TEXT: usize = 300;

/// What went wrong with a call, carrying what the caller needs to decide.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error("{route}: rate limited; retry after {retry_after:?}")]
    RateLimited { route: String, retry_after: Duration },
    #[error("{route}: HTTP {status} (Discord code {code}): {message}")]
    Status { route: String, status: u16, code: u64, message: String },
    #[error("{route}: could not reach Discord: {message}")]
    Transport { route: String, message: String },
    #[error("{route}: Discord's answer was not understood: {message}")]
    Decode { route: String, message: String },
}

impl RestError {
    /// Discord's JSON error code (e.g. 160004 "a thread has already been created for this message").
    pub fn code(&self) -> Option<u64> {
        match self {
            RestError::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The pacing state shared by every call: when the next request may start, when a global 429 ends,
/// and each bucket's reset.
#[derive(Debug, Default)]
pub struct Gate {
    inner: Mutex<GateState>,
}

#[derive(Debug, Default)]
struct GateState {
    next_slot: Option<Instant>,
    global_until: Option<Instant>,
    buckets: HashMap<String, Instant>,
}

impl Gate {
    /// Waits until `route` may send, and takes the next global slot.
    pub async fn acquire(&self, route: &str) {
        loop {
            let wait_until = {
                let mut s = self.inner.lock().expect("gate lock");
                let now = Instant::now();
                let blocked =
                    [s.global_until, s.buckets.get(route).copied()].into_iter().flatten().filter(|t| *t > now).max();
                match blocked {
                    Some(t) => t,
                    None => {
                        let slot = s.next_slot.filter(|t| *t > now).unwrap_or(now);
                        s.next_slot = Some(slot + GLOBAL_SPACING);
                        if slot <= now {
                            return;
                        }
                        slot
                    }
                }
            };
            tokio::time::sleep_until(wait_until).await;
            // A slot taken for a time in the future is ours once it arrives.
            let mut s = self.inner.lock().expect("gate lock");
            let now = Instant::now();
            let still_blocked = [s.global_until, s.buckets.get(route).copied()].into_iter().flatten().any(|t| t > now);
            if !still_blocked {
                s.buckets.remove(route);
                return;
            }
        }
    }

    /// Holds every request (a global 429) or one route until `for_` has passed.
    pub fn pause(&self, route: Option<&str>, for_: Duration) {
        let mut s = self.inner.lock().expect("gate lock");
        let until = Instant::now() + for_;
        match route {
            None => s.global_until = s.global_until.max(Some(until)),
            Some(r) => {
                let entry = s.buckets.entry(r.to_string()).or_insert(until);
                *entry = (*entry).max(until);
            }
        }
    }
}

/// A REST client for one bot on one API base.
pub struct Rest {
    /// `{DISCORD_API_URL}/api/v10`.
    base: String,
    token: Secret,
    client: reqwest::Client,
    gate: Gate,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish_non_exhaustive()
    }
}

impl Rest {
    pub fn new(api_url: &url::Url, token: Secret) -> Result<Self, RestError> {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .map_err(|e| RestError::Transport { route: "client".into(), message: e.without_url().to_string() })?;
        Ok(Self {
            base: format!("{}/api/v10", api_url.as_str().trim_end_matches('/')),
            token,
            client,
            gate: Gate::default(),
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, RestError> {
        self.call(Method::GET, path, None).await
    }

    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, RestError> {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, RestError> {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn put<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, RestError> {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// Sends one request, waiting out pacing and 429s as described in the module docs. `path`
    /// starts with `/` and is relative to `/api/v10`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, RestError> {
        let route = route_key(&method, path);
        let mut rate_limited = 0;
        loop {
            self.gate.acquire(&route).await;
            let mut request = self.client.request(method.clone(), format!("{}{path}", self.base)).header(
                USER_AGENT,
                concat!("DiscordBot (https://github.com/layoffwatch/layoffwatch, ", env!("CARGO_PKG_VERSION"), ")"),
            );
            // Interaction callbacks and their follow-ups are authorised by the token in their path.
            if !path.starts_with("/interactions/") && !path.starts_with("/webhooks/") {
                request = request.header(AUTHORIZATION, format!("Bot {}", self.token.expose()));
            }
            if let Some(b) = body {
                request = request.header(CONTENT_TYPE, "application/json").body(b.to_string());
            }
            let response = request
                .send()
                .await
                .map_err(|e| RestError::Transport { route: route.clone(), message: e.without_url().to_string() })?;
            let status = response.status();
            let headers = response.headers().clone();
            let text = response
                .text()
                .await
                .map_err(|e| RestError::Transport { route: route.clone(), message: e.without_url().to_string() })?;
            self.note_bucket(&route, &headers);
            if status == StatusCode::TOO_MANY_REQUESTS {
                let (retry_after, global) = retry_after(&headers, &text);
                self.gate.pause(if global { None } else { Some(&route) }, retry_after);
                tracing::warn!(route = %route, ?retry_after, global, "Discord rate limited a request; waiting.");
                rate_limited += 1;
                if rate_limited > MAX_429_RETRIES || retry_after > MAX_INLINE_WAIT {
                    return Err(RestError::RateLimited { route, retry_after });
                }
                continue;
            }
            if !status.is_success() {
                let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let message = json["message"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| text.chars().take(MAX_ERROR_TEXT).collect());
                return Err(RestError::Status {
                    route,
                    status: status.as_u16(),
                    code: json["code"].as_u64().unwrap_or(0),
                    message: message.chars().take(MAX_ERROR_TEXT).collect(),
                });
            }
            let text = if text.trim().is_empty() { "null" } else { text.as_str() };
            return serde_json::from_str(text).map_err(|e| RestError::Decode { route, message: e.to_string() });
        }
    }

    /// An empty bucket (`X-RateLimit-Remaining: 0`) holds its route until the reset the answer gave.
    fn note_bucket(&self, route: &str, headers: &HeaderMap) {
        let number =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<f64>().ok());
        if number("x-ratelimit-remaining") == Some(0.0)
            && let Some(reset) = number("x-ratelimit-reset-after").filter(|s| s.is_finite() && *s >= 0.0)
        {
            self.gate.pause(Some(route), Duration::from_secs_f64(reset.min(MAX_INLINE_WAIT.as_secs_f64())));
        }
    }
}

/// A 429's wait and whether it is global: Discord's JSON `retry_after` (seconds, fractional) and
/// `global`, else the `Retry-After` header and `X-RateLimit-Global`; one second when neither parses.
pub fn retry_after(headers: &HeaderMap, body: &str) -> (Duration, bool) {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let seconds = json["retry_after"]
        .as_f64()
        .or_else(|| header("retry-after").and_then(|v| v.parse::<f64>().ok()))
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(1.0)
        .min(3600.0);
    let global = json["global"].as_bool().unwrap_or(false)
        || header("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || header("x-ratelimit-scope") == Some("global");
    (Duration::from_secs_f64(seconds), global)
}

/// The route a request's bucket belongs to: the method and path with ids replaced, except the "major
/// parameters" Discord keys buckets by (channel, guild, webhook and its token).
pub fn route_key(method: &Method, path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let mut out = String::from(method.as_str());
    let mut previous = "";
    let mut before_previous = "";
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let major = matches!(previous, "channels" | "guilds" | "webhooks");
        let id_like = segment.bytes().all(|b| b.is_ascii_digit()) || segment.len() > 40;
        // An interaction's token follows its id (`/interactions/{id}/{token}`, `/webhooks/{app}/{token}`):
        // a secret, so never part of a key that is logged.
        let token = matches!(before_previous, "interactions" | "webhooks");
        out.push('/');
        out.push_str(if token {
            ":token"
        } else if id_like && !major {
            ":id"
        } else {
            segment
        });
        before_previous = previous;
        previous = segment;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interaction_token_never_reaches_the_route_key() {
        let key = route_key(&Method::POST, "/interactions/81/short-token/callback");
        assert_eq!(key, "POST/interactions/:id/:token/callback");
        let key = route_key(&Method::PATCH, "/webhooks/42/short-token/messages/@original");
        assert_eq!(key, "PATCH/webhooks/42/:token/messages/@original");
    }

    #[test]
    fn buckets_keep_the_channel_and_drop_the_message_id() {
        assert_eq!(route_key(&Method::PATCH, "/channels/123/messages/456"), "PATCH/channels/123/messages/:id");
        assert_eq!(route_key(&Method::GET, "/channels/9/messages?limit=100&before=5"), "GET/channels/9/messages");
    }

    #[test]
    fn a_429_body_gives_the_wait_and_the_scope() {
        let (wait, global) = retry_after(
            &HeaderMap::new(),
            r#"{"message":"You are being rate limited.","retry_after":1.5,"global":true}"#,
        );
        assert_eq!(wait, Duration::from_millis(1500));
        assert!(global);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "nonsense".parse().unwrap());
        assert_eq!(retry_after(&headers, ""), (Duration::from_secs(1), false));
    }

    #[tokio::test(start_paused = true)]
    async fn a_global_pause_holds_every_route_until_it_ends() {
        let gate = Gate::default();
        gate.pause(None, Duration::from_secs(5));
        let start = Instant::now();
        gate.acquire("POST/channels/1/messages").await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_route_pause_holds_only_that_route() {
        let gate = Gate::default();
        gate.pause(Some("POST/channels/1/messages"), Duration::from_secs(5));
        let start = Instant::now();
        gate.acquire("POST/channels/2/messages").await;
        assert!(start.elapsed() < Duration::from_secs(1));
        gate.acquire("POST/channels/1/messages").await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_spaced_at_the_global_pace_not_refused() {
        let gate = std::sync::Arc::new(Gate::default());
        let start = Instant::now();
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.acquire(&format!("POST/channels/{i}/messages")).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert!(start.elapsed() >= GLOBAL_SPACING * 99);
    }
}
