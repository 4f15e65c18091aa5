//! What the webhook senders share: turning an HTTP answer into a delivery result.

use crate::delivery::DeliveryError;
use std::time::Duration;

/// Reads `Retry-After` (seconds) from a 429, or Discord's JSON `retry_after`; one second if neither.
pub fn retry_after(headers: &reqwest::header::HeaderMap, body: &str) -> Duration {
    let header = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite());
    let json = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["retry_after"].as_f64())
        .filter(|s| s.is_finite());
    Duration::from_secs_f64(header.or(json).unwrap_or(1.0).clamp(0.0, 3600.0))
}

/// Classifies a finished request.
pub async fn outcome(destination: &str, response: reqwest::Response) -> Result<String, DeliveryError> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    let short: String = body.chars().take(300).collect();
    if status.is_success() {
        return Ok(body);
    }
    if status.as_u16() == 429 {
        return Err(DeliveryError::RateLimited {
            destination: destination.into(),
            retry_after: retry_after(&headers, &body),
        });
    }
    if status.is_server_error() {
        return Err(DeliveryError::Transient {
            destination: destination.into(),
            message: format!("HTTP {status}: {short}"),
        });
    }
    Err(DeliveryError::Rejected {
        destination: destination.into(),
        message: format!("HTTP {status}: {short}; check the webhook URL is current"),
    })
}

/// A request that got no answer. The error's URL is dropped: a webhook's URL is its secret.
pub fn transport(destination: &str, e: reqwest::Error) -> DeliveryError {
    DeliveryError::Transient { destination: destination.into(), message: e.without_url().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_after_that_is_not_a_number_falls_back_to_a_second() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, "nan".parse().unwrap());
        assert_eq!(retry_after(&headers, "{\"retry_after\": \"inf\"}"), Duration::from_secs(1));
        headers.insert(reqwest::header::RETRY_AFTER, "2.5".parse().unwrap());
        assert_eq!(retry_after(&headers, ""), Duration::from_millis(2500));
    }
}
