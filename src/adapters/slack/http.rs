//! The HTTP Events API on axum, for deployments behind a load balancer: `/slack/events` (Events API),
//! `/slack/commands` (slash commands) and `/slack/interactions` (shortcuts).
//!
//! Every request is verified before it is read: Slack's v0 signature (HMAC-SHA256 of
//! `v0:{timestamp}:{body}` with the signing secret), compared in constant time, and a timestamp no
//! more than five minutes from now, so a captured request cannot be replayed later. A request that
//! fails gets 401 and nothing else. `url_verification` is answered with its challenge; everything else
//! is acknowledged as soon as it is queued (see [`super::events`]).

use super::events::{self, Incoming, Intake, IntakeError};
use crate::secret::Secret;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use slack_morphism::prelude::*;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tracing::{debug, info, warn};

/// Requests older (or newer) than this are refused: Slack's own recommendation.
pub const MAX_AGE_SECONDS: i64 = 5 * 60;
/// Slack's payloads are a few kilobytes; anything near this is not from Slack.
const MAX_BODY: usize = 512 * 1024;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the X-Slack-Request-Timestamp or X-Slack-Signature header is missing")]
    Missing,
    #[error("the request timestamp is not a number")]
    BadTimestamp,
    #[error("the request is {age_seconds} seconds from now, more than the 5 minutes allowed")]
    Stale { age_seconds: i64 },
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks Slack's v0 signature of `body` at `now` (Unix seconds).
pub fn verify(secret: &Secret, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(timestamp), Some(signature)) = (header("x-slack-request-timestamp"), header("x-slack-signature")) else {
        return Err(SignatureError::Missing);
    };
    let ts: i64 = timestamp.trim().parse().map_err(|_| SignatureError::BadTimestamp)?;
    let age = now - ts;
    if age.abs() > MAX_AGE_SECONDS {
        return Err(SignatureError::Stale { age_seconds: age });
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let expected = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
    if expected.as_bytes().ct_eq(signature.trim().as_bytes()).into() { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// What the routes share.
pub struct HttpState {
    pub intake: Intake,
    pub signing_secret: Secret,
    pub bot_user: String,
}

/// The Events API routes, for the integrator to mount or for [`super::SlackBot::serve`] to bind.
pub fn router(state: Arc<HttpState>) -> Router {
    Router::new()
        .route("/slack/events", post(on_event))
        .route("/slack/commands", post(on_command))
        .route("/slack/interactions", post(on_interaction))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// A request body whose Slack signature checked out: a handler that takes it cannot forget to verify.
struct Verified(Bytes);

impl FromRequest<Arc<HttpState>> for Verified {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<HttpState>) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        verify(&state.signing_secret, &headers, &body, chrono::Utc::now().timestamp()).map_err(refuse)?;
        Ok(Self(body))
    }
}

fn refuse(e: SignatureError) -> Response {
    warn!(reason = %e, "Refused a request that is not verifiably from Slack.");
    (StatusCode::UNAUTHORIZED, "request not verified").into_response()
}

fn bad_request(what: &str, e: impl std::fmt::Display) -> Response {
    warn!(error = %e, "Could not read a Slack {what}.");
    (StatusCode::BAD_REQUEST, format!("unreadable {what}")).into_response()
}

async fn queue(state: &HttpState, item: Option<Incoming>) -> Response {
    let Some(incoming) = item else {
        return StatusCode::OK.into_response();
    };
    let id = incoming.id.clone();
    match state.intake.accept(incoming).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(e @ (IntakeError::Busy | IntakeError::Closed)) => {
            warn!(event = %id, error = %e, "Not acknowledging; Slack will retry.");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(e) => {
            warn!(event = %id, error = %e, "Could not record an event; Slack will retry.");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn on_event(State(state): State<Arc<HttpState>>, headers: HeaderMap, Verified(body): Verified) -> Response {
    if let Some(retry) = headers.get("x-slack-retry-num").and_then(|v| v.to_str().ok()) {
        let reason = headers.get("x-slack-retry-reason").and_then(|v| v.to_str().ok()).unwrap_or("unknown");
        info!(retry, reason, "Slack is retrying an event.");
    }
    let event: SlackPushEvent = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => {
            // Slack retries anything but a 2xx, so an envelope type newer than this version is
            // acknowledged and left alone rather than refused again and again.
            if let Some(kind) = unknown_envelope(&body) {
                debug!(kind, "Acknowledged a Slack envelope type this version does not handle.");
                return StatusCode::OK.into_response();
            }
            return bad_request("event", e);
        }
    };
    match event {
        SlackPushEvent::UrlVerification(v) => {
            axum::Json(serde_json::json!({ "challenge": v.challenge })).into_response()
        }
        SlackPushEvent::EventCallback(cb) => queue(&state, events::from_push(&cb, &state.bot_user)).await,
        SlackPushEvent::AppRateLimited(r) => {
            warn!(minute = %r.minute_rate_limited.0, "Slack stopped sending events for a minute: the app exceeded 30,000 events an hour.");
            StatusCode::OK.into_response()
        }
    }
}

/// The `type` of an Events API envelope when it is none of the types this version reads.
fn unknown_envelope(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "type")]
        kind: String,
    }
    let Envelope { kind } = serde_json::from_slice(body).ok()?;
    (!matches!(kind.as_str(), "url_verification" | "event_callback" | "app_rate_limited")).then_some(kind)
}

async fn on_command(State(state): State<Arc<HttpState>>, Verified(body): Verified) -> Response {
    match serde_urlencoded::from_bytes::<SlackCommandEvent>(&body) {
        Ok(cmd) => queue(&state, Some(events::from_command(&cmd))).await,
        Err(e) => bad_request("command", e),
    }
}

#[derive(serde::Deserialize)]
struct InteractionForm {
    payload: String,
}

async fn on_interaction(State(state): State<Arc<HttpState>>, Verified(body): Verified) -> Response {
    let form: InteractionForm = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => return bad_request("interaction", e),
    };
    match serde_json::from_str::<SlackInteractionEvent>(&form.payload) {
        Ok(ev) => queue(&state, events::from_interaction(&ev)).await,
        Err(e) => bad_request("interaction", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(secret: &str, ts: i64, body: &str) -> HeaderMap {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("v0:{ts}:{body}").as_bytes());
        let mut h = HeaderMap::new();
        h.insert("x-slack-request-timestamp", ts.to_string().parse().unwrap());
        h.insert("x-slack-signature", format!("v0={}", hex::encode(mac.finalize().into_bytes())).parse().unwrap());
        h
    }

    /// Regression (issue 13): an unknown envelope type was answered 400, and Slack retries non-2xx.
    #[test]
    fn only_envelope_types_this_version_does_not_know_are_unknown() {
        assert_eq!(unknown_envelope(br#"{"type":"app_deleted","team_id":"T1"}"#).as_deref(), Some("app_deleted"));
        assert_eq!(unknown_envelope(br#"{"type":"event_callback","event":5}"#), None);
        assert_eq!(unknown_envelope(b"not json"), None);
    }

    #[test]
    fn a_correctly_signed_fresh_request_verifies() {
        let secret = Secret::new("8f742231b10e8888abcd99yyyzzz85a5");
        let h = signed("8f742231b10e8888abcd99yyyzzz85a5", 1_700_000_000, "token=x&text=hi");
        assert_eq!(verify(&secret, &h, b"token=x&text=hi", 1_700_000_030), Ok(()));
    }

    #[test]
    fn a_tampered_body_a_wrong_secret_and_an_old_timestamp_are_refused() {
        let secret = Secret::new("right");
        let h = signed("right", 1_700_000_000, "a=1");
        assert_eq!(verify(&secret, &h, b"a=2", 1_700_000_000), Err(SignatureError::Mismatch));
        let wrong = signed("wrong", 1_700_000_000, "a=1");
        assert_eq!(verify(&secret, &wrong, b"a=1", 1_700_000_000), Err(SignatureError::Mismatch));
        assert!(matches!(verify(&secret, &h, b"a=1", 1_700_000_000 + 301), Err(SignatureError::Stale { .. })));
        assert_eq!(verify(&secret, &HeaderMap::new(), b"a=1", 0), Err(SignatureError::Missing));
    }
}
