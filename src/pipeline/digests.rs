//! When a digest channel's next digest is due, and what period it covers. Times are UTC: a digest
//! set to `daily 09:00` arrives at 09:00 UTC, which the commands say when a channel sets it.

use crate::store::DigestMode;
use chrono::{DateTime, Duration, DurationRound, Utc};

/// A digest carries at most this many stories (the newest); more would not be read.
pub const DIGEST_MAX_STORIES: usize = 10;

/// The stretch of time one digest covers: stories that changed after `from`, up to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestPeriod {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The period whose digest is due at `now`, if one is. A channel that never had a digest starts at
/// the latest scheduled time with an empty period, so choosing a digest does not post the past at
/// once; the first digest comes at the next scheduled time.
pub fn digest_period(mode: DigestMode, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DigestPeriod> {
    let slot = latest_slot(mode, now)?;
    match last {
        Some(last) if last >= slot => None,
        Some(last) => Some(DigestPeriod { from: last, to: slot }),
        None => Some(DigestPeriod { from: slot, to: slot }),
    }
}

/// The most recent scheduled time at or before `now`.
fn latest_slot(mode: DigestMode, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match mode {
        DigestMode::Off => None,
        DigestMode::Hourly => now.duration_trunc(Duration::hours(1)).ok(),
        DigestMode::Daily { at } => {
            let today = now.date_naive().and_time(at).and_utc();
            Some(if today <= now { today } else { today - Duration::days(1) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
    }

    #[test]
    fn an_hourly_digest_covers_the_hour_since_the_last_one() {
        let due = digest_period(DigestMode::Hourly, Some(at(9, 0)), at(10, 20)).unwrap();
        assert_eq!(due, DigestPeriod { from: at(9, 0), to: at(10, 0) });
        assert_eq!(digest_period(DigestMode::Hourly, Some(at(10, 0)), at(10, 59)), None);
    }

    #[test]
    fn a_daily_digest_before_its_time_covers_up_to_yesterdays_slot() {
        let nine = DigestMode::Daily { at: NaiveTime::from_hms_opt(9, 0, 0).unwrap() };
        let yesterday = at(9, 0) - Duration::days(1);
        assert_eq!(digest_period(nine, Some(yesterday), at(8, 59)), None);
        assert_eq!(
            digest_period(nine, Some(yesterday), at(9, 0)),
            Some(DigestPeriod { from: yesterday, to: at(9, 0) })
        );
    }

    #[test]
    fn a_new_digest_channel_starts_empty_instead_of_posting_the_past() {
        let due = digest_period(DigestMode::Hourly, None, at(10, 20)).unwrap();
        assert_eq!(due.from, due.to);
        assert_eq!(digest_period(DigestMode::Off, None, at(10, 20)), None);
    }

    #[test]
    fn a_bot_that_was_down_covers_everything_it_missed_in_one_digest() {
        let due = digest_period(DigestMode::Hourly, Some(at(3, 0)), at(10, 5)).unwrap();
        assert_eq!(due, DigestPeriod { from: at(3, 0), to: at(10, 0) });
    }
}
