//! The HTTP layer under async-openai: our own reqwest client (timeouts, no redirects, no proxy from
//! the environment) and our own retry. async-openai's built-in retry waits as long as a server's
//! `Retry-After` says, without a cap; this layer replaces it (through the crate's `middleware`
//! seam), retrying 429, 5xx and connection failures with exponential backoff and jitter, and honouring
//! `Retry-After` only up to [`RetryPolicy::retry_after_cap`].

use super::settings::RetryPolicy;
use super::{LLM_RETRIES, LLM_RETRY_WAIT_MS};
use crate::metrics::Metrics;
use async_openai::error::{ApiError, ApiErrorResponse, OpenAIError, WrappedError};
use async_openai::middleware::HttpRequestFactory;
use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// A tower service async-openai sends its requests through.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    policy: RetryPolicy,
    metrics: Arc<Metrics>,
}

/// One attempt that did not succeed.
enum Failed {
    /// The server answered 429 or 5xx; the last such answer is handed on for async-openai to report.
    Status {
        response: Response,
        retry_after: Option<Duration>,
    },
    Error(OpenAIError),
}

impl Failed {
    fn retryable(&self) -> bool {
        match self {
            Failed::Status { .. } => true,
            Failed::Error(OpenAIError::Reqwest(e)) => e.is_connect(),
            Failed::Error(_) => false,
        }
    }

    fn cause(&self) -> &'static str {
        match self {
            Failed::Status { response, .. } if response.status() == StatusCode::TOO_MANY_REQUESTS => "rate_limited",
            Failed::Status { .. } => "server_error",
            Failed::Error(_) => "connection",
        }
    }
}

impl Transport {
    /// Builds the client: `timeout` bounds each attempt (the caller also bounds the whole call).
    pub fn new(timeout: Duration, policy: RetryPolicy, metrics: Arc<Metrics>) -> Result<Self, reqwest::Error> {
        // Err only means a provider is already installed, which is what we want.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("layoffwatch/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            // An API that redirects would carry the key to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Self { http, policy, metrics })
    }

    async fn send(self, factory: HttpRequestFactory) -> Result<Response, OpenAIError> {
        let attempt = || async {
            let request = factory.build().await.map_err(Failed::Error)?;
            match self.http.execute(request).await {
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS || r.status().is_server_error() => {
                    let retry_after = r
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, Utc::now()));
                    Err(Failed::Status { response: r, retry_after })
                }
                Ok(r) => Ok(r),
                Err(e) => Err(Failed::Error(OpenAIError::Reqwest(e))),
            }
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.policy.min_delay)
            .with_max_delay(self.policy.max_delay)
            .with_max_times(self.policy.max_retries)
            .with_jitter();
        let cap = self.policy.retry_after_cap;
        let result = attempt
            .retry(backoff)
            .when(Failed::retryable)
            // `None` means the backoff is spent; a Retry-After never extends the number of attempts.
            .adjust(|failed, proposed| {
                proposed.map(|d| match failed {
                    Failed::Status { retry_after: Some(ra), .. } => (*ra).min(cap),
                    _ => d,
                })
            })
            .notify(|failed, delay| {
                self.metrics.inc(LLM_RETRIES, Some(failed.cause()));
                self.metrics.add(LLM_RETRY_WAIT_MS, None, delay.as_millis() as u64);
                tracing::info!(
                    cause = failed.cause(),
                    delay_ms = delay.as_millis() as u64,
                    "LLM call failed; retrying."
                );
            })
            .await;
        match result {
            Ok(response) => checked(response).await,
            Err(Failed::Status { response, .. }) => Err(api_error(response).await),
            Err(Failed::Error(e)) => Err(e),
        }
    }
}

/// A successful answer, read here under a size cap and checked to be JSON, then handed on. Reading
/// it here (rather than in async-openai) keeps a hostile server from sending gigabytes, and keeps a
/// malformed reply — whose text may quote chat messages — out of async-openai's error log.
async fn checked(response: Response) -> Result<Response, OpenAIError> {
    let status = response.status();
    let body = read_bounded(response).await?;
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        return Err(OpenAIError::JSONDeserialize(e, format!("<{} bytes withheld from logs>", body.len())));
    }
    let rebuilt = http::Response::builder()
        .status(status)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|e| OpenAIError::InvalidArgument(e.to_string()))?;
    Ok(Response::from(rebuilt))
}

/// The error a non-2xx answer stands for, with the server's message when it sent one.
async fn api_error(response: Response) -> OpenAIError {
    let status = response.status();
    let body = match read_bounded(response).await {
        Ok(b) => b,
        Err(e) => return e,
    };
    let api_error = match serde_json::from_slice::<WrappedError>(&body) {
        Ok(w) => w.error,
        Err(_) => {
            ApiError { message: String::from_utf8_lossy(&body).chars().take(300).collect(), ..ApiError::default() }
        }
    };
    OpenAIError::ApiError(ApiErrorResponse { status_code: status, api_error })
}

/// A chat completion is a few kilobytes; anything past this is not one.
const MAX_REPLY_BYTES: usize = 1 << 20;

async fn read_bounded(mut response: Response) -> Result<bytes::Bytes, OpenAIError> {
    let mut buf = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(OpenAIError::Reqwest)? {
        if buf.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(OpenAIError::InvalidArgument(format!("the reply is larger than {MAX_REPLY_BYTES} bytes")));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.into())
}

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = Response;
    type Error = OpenAIError;
    type Future = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send + 'static>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        Box::pin(self.clone().send(factory))
    }
}

/// `Retry-After` as delay-seconds or an HTTP date; a date in the past means now.
fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = Utc.with_ymd_and_hms(2026, 4, 20, 10, 0, 0).unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Mon, 20 Apr 2026 10:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Mon, 20 Apr 2026 09:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
