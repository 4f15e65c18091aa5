//! The bot's own HTTP port, when one is configured: `/healthz` for a load balancer or orchestrator,
//! `/metrics` (Prometheus text: LLM calls, tokens, cache hits, fallbacks and grounding drops), and,
//! in Slack's HTTP mode, Slack's request URLs on the same port, so a deployment opens one port.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use layoffwatch::metrics::{CONTENT_TYPE, Metrics};
use std::sync::Arc;

pub fn routes(metrics: Arc<Metrics>) -> Router {
    Router::new().route("/healthz", get(|| async { "ok\n" })).route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move { ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render()) }
        }),
    )
}
