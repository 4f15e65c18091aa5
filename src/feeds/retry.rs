//! Retrying a failed fetch within one poll: exponential backoff with full jitter, honouring a
//! server's `Retry-After` up to a cap.
//!
//! Full jitter (a delay drawn uniformly from zero to the exponential bound) spreads retries of many
//! feeds that failed together, e.g. when a CDN blipped. A `Retry-After` is a floor on the delay, but
//! capped: a server asking for a day should make the poll loop's [`crate::feeds::health`] back the
//! feed off, not park a task for a day.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

/// Errors the retry helper can judge.
pub trait Retryable {
    /// Whether trying again soon could succeed (timeouts, connection failures, 5xx, 429).
    fn is_transient(&self) -> bool;
    /// How long the server asked us to wait, if it said.
    fn retry_after(&self) -> Option<Duration>;
}

/// How often and how patiently to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included. 1 means no retries.
    pub max_attempts: u32,
    /// Upper bound of the first retry's delay; doubles with every retry.
    pub base_delay: Duration,
    /// Upper bound of any backoff delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; longer requests give up instead of waiting.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first retry), or `None` when the server's
    /// `Retry-After` exceeds [`RetryPolicy::max_retry_after`] and retrying now is pointless.
    pub fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        let bound = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let jittered = Duration::from_secs_f64(rng.random_range(0.0..=1.0) * bound.as_secs_f64());
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(jittered.max(wait)),
            None => Some(jittered),
        }
    }
}

/// Runs `op` until it succeeds, fails permanently, or runs out of attempts; returns the last error.
pub async fn retry<T, E, F, Fut>(policy: &RetryPolicy, mut op: F) -> Result<T, E>
where
    E: Retryable,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        let error = match op().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if attempt >= policy.max_attempts || !error.is_transient() {
            return Err(error);
        }
        let Some(delay) = policy.delay(attempt - 1, error.retry_after(), &mut rand::rng()) else {
            return Err(error);
        };
        tracing::debug!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            "Retrying after a transient failure."
        );
        tokio::time::sleep(delay).await;
        attempt += 1;
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date (IMF-fixdate, RFC 850 or asctime).
/// A date in the past means "now".
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| parse_obsolete_http_date(value))?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) dates,
/// which HTTP/1.1 recipients must still accept.
fn parse_obsolete_http_date(value: &str) -> Option<DateTime<Utc>> {
    use chrono::NaiveDateTime;
    let rfc850 = value
        .split_once(", ")
        .and_then(|(_, rest)| NaiveDateTime::parse_from_str(rest, "%d-%b-%y %H:%M:%S GMT").ok());
    let asctime = || {
        let squeezed = value.split_whitespace().collect::<Vec<_>>().join(" ");
        NaiveDateTime::parse_from_str(&squeezed, "%a %b %e %H:%M:%S %Y").ok()
    };
    rfc850.or_else(asctime).map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[derive(Debug)]
    struct Flaky {
        transient: bool,
        after: Option<Duration>,
    }

    impl Retryable for Flaky {
        fn is_transient(&self) -> bool {
            self.transient
        }
        fn retry_after(&self) -> Option<Duration> {
            self.after
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-04-18T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        assert_eq!(
            parse_retry_after(" 120 ", now()),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sat, 18 Apr 2026 10:01:30 GMT", now()),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Saturday, 18-Apr-26 10:00:05 GMT", now()),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Sat Apr 18 10:00:07 2026", now()),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Fri, 17 Apr 2026 10:00:00 GMT", now()),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now()), None);
        assert_eq!(parse_retry_after("-5", now()), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_the_cap_with_full_jitter() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        };
        let mut rng = StdRng::seed_from_u64(7);
        for retry in 0..8 {
            let bound = Duration::from_secs(1 << retry.min(3));
            let samples: Vec<_> = (0..200)
                .map(|_| policy.delay(retry, None, &mut rng).unwrap())
                .collect();
            assert!(samples.iter().all(|d| *d <= bound), "retry {retry}");
            // Full jitter: some delays land in the lower half of the range.
            assert!(samples.iter().any(|d| *d < bound / 2), "retry {retry}");
        }
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_a_wait_gives_up() {
        let policy = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(1);
        let d = policy
            .delay(0, Some(Duration::from_secs(45)), &mut rng)
            .unwrap();
        assert!(d >= Duration::from_secs(45));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(3600)), &mut rng),
            None
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let result: Result<u32, Flaky> = retry(&RetryPolicy::default(), || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 3 {
                Err(Flaky {
                    transient: true,
                    after: None,
                })
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(result.unwrap(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), Flaky> = retry(&RetryPolicy::default(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(Flaky {
                transient: false,
                after: None,
            })
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_retry_after_is_waited_out() {
        let start = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let _: Result<(), Flaky> = retry(
            &RetryPolicy {
                max_attempts: 2,
                ..RetryPolicy::default()
            },
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Flaky {
                    transient: true,
                    after: Some(Duration::from_secs(20)),
                })
            },
        )
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(start.elapsed() >= Duration::from_secs(20));
    }
}
