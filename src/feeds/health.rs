//! What the poll loop remembers about a feed that keeps failing.
//!
//! A pure state machine (the clock is an argument): each failure pushes the next poll further out,
//! exponentially, and after [`HealthPolicy::disable_after`] failures in a row the feed is disabled
//! with a message for the operator, instead of being hammered forever. One success resets it.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Thresholds for [`FeedHealth`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthPolicy {
    /// Backoff after the first failure; doubles with each further failure.
    pub base_backoff: Duration,
    /// Longest backoff between polls of a failing feed.
    pub max_backoff: Duration,
    /// Consecutive failures after which the feed is disabled.
    pub disable_after: u32,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            base_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(6 * 60 * 60),
            disable_after: 10,
        }
    }
}

/// A feed's health between polls.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum FeedHealth {
    /// The last poll worked (or there was none yet).
    #[default]
    Healthy,
    /// Recent polls failed; do not poll again before `retry_at`.
    BackingOff {
        /// Failures in a row so far.
        consecutive_failures: u32,
        /// The earliest time to poll again.
        retry_at: DateTime<Utc>,
        /// The last failure, for status displays.
        last_error: String,
    },
    /// Too many failures in a row: the feed is not polled until an operator re-enables it.
    Disabled {
        /// Failures in a row when it was disabled.
        consecutive_failures: u32,
        /// When it was disabled.
        since: DateTime<Utc>,
        /// What the operator should read and do.
        message: String,
    },
}

impl FeedHealth {
    /// A poll succeeded. A disabled feed stays disabled: only [`FeedHealth::enable`] lifts that.
    pub fn on_success(self) -> FeedHealth {
        match self {
            disabled @ FeedHealth::Disabled { .. } => disabled,
            _ => FeedHealth::Healthy,
        }
    }

    /// A poll failed with `error` at `now`; `retry_after` is the server's request, if any.
    pub fn on_failure(
        self,
        error: &str,
        retry_after: Option<Duration>,
        now: DateTime<Utc>,
        policy: &HealthPolicy,
    ) -> FeedHealth {
        let failures = match self {
            FeedHealth::Healthy => 1,
            FeedHealth::BackingOff {
                consecutive_failures,
                ..
            } => consecutive_failures.saturating_add(1),
            disabled @ FeedHealth::Disabled { .. } => return disabled,
        };
        if failures >= policy.disable_after {
            return FeedHealth::Disabled {
                consecutive_failures: failures,
                since: now,
                message: format!(
                    "disabled after {failures} failed polls in a row; last error: {error}. \
                     Check the feed address in a browser, fix or remove it, then re-enable the feed"
                ),
            };
        }
        let backoff = policy
            .base_backoff
            .saturating_mul(2u32.saturating_pow(failures - 1))
            .min(policy.max_backoff)
            .max(retry_after.unwrap_or_default().min(policy.max_backoff));
        let retry_at = now
            + chrono::Duration::from_std(backoff).unwrap_or_else(|_| chrono::Duration::hours(6));
        FeedHealth::BackingOff {
            consecutive_failures: failures,
            retry_at,
            last_error: error.to_owned(),
        }
    }

    /// An operator re-enabled the feed.
    pub fn enable(self) -> FeedHealth {
        FeedHealth::Healthy
    }

    /// Whether the feed may be polled at `now`.
    pub fn may_poll(&self, now: DateTime<Utc>) -> bool {
        match self {
            FeedHealth::Healthy => true,
            FeedHealth::BackingOff { retry_at, .. } => now >= *retry_at,
            FeedHealth::Disabled { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-04-18T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn policy() -> HealthPolicy {
        HealthPolicy {
            base_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(600),
            disable_after: 5,
        }
    }

    #[test]
    fn each_failure_doubles_the_backoff_up_to_the_cap() {
        let mut health = FeedHealth::Healthy;
        let mut waits = Vec::new();
        for _ in 0..4 {
            health = health.on_failure("boom", None, t0(), &policy());
            let FeedHealth::BackingOff { retry_at, .. } = &health else {
                panic!("expected backoff, got {health:?}");
            };
            waits.push((*retry_at - t0()).num_seconds());
        }
        assert_eq!(waits, vec![60, 120, 240, 480]);
        assert!(!health.may_poll(t0()));
        assert!(health.may_poll(t0() + chrono::Duration::seconds(480)));
    }

    #[test]
    fn a_longer_retry_after_pushes_the_next_poll_out() {
        let health =
            FeedHealth::Healthy.on_failure("429", Some(Duration::from_secs(300)), t0(), &policy());
        assert!(
            matches!(health, FeedHealth::BackingOff { retry_at, .. } if retry_at == t0() + chrono::Duration::seconds(300))
        );
    }

    #[test]
    fn too_many_failures_in_a_row_disable_the_feed_with_advice() {
        let mut health = FeedHealth::Healthy;
        for _ in 0..5 {
            health = health.on_failure("HTTP 404", None, t0(), &policy());
        }
        let FeedHealth::Disabled {
            message,
            consecutive_failures,
            ..
        } = &health
        else {
            panic!("expected disabled, got {health:?}");
        };
        assert_eq!(*consecutive_failures, 5);
        assert!(
            message.contains("HTTP 404") && message.contains("re-enable"),
            "{message}"
        );
        assert!(!health.may_poll(t0() + chrono::Duration::days(365)));
        assert_eq!(health.clone().on_success(), health);
        assert_eq!(health.enable(), FeedHealth::Healthy);
    }

    #[test]
    fn one_success_resets_the_count() {
        let health = FeedHealth::Healthy
            .on_failure("x", None, t0(), &policy())
            .on_failure("x", None, t0(), &policy())
            .on_success()
            .on_failure("x", None, t0(), &policy());
        assert!(matches!(
            health,
            FeedHealth::BackingOff {
                consecutive_failures: 1,
                ..
            }
        ));
    }
}
