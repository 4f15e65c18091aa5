//! Digests: when a digest channel's next digest is due, what period it covers, and queueing it (the
//! stories of the channel's feeds that changed in the period, newest first). Times are UTC: a digest
//! set to `daily 09:00` arrives at 09:00 UTC, which the commands say when a channel sets it.

use super::routing::same_feed;
use super::watcher::{WatchError, Watcher};
use crate::core::id::StoryId;
use crate::core::message::{DigestPost, Outbound};
use crate::store::DigestMode;
use crate::store::{DeliveryKind, NewDelivery, Store};
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

impl<S: Store> Watcher<S> {
    /// Queues the digest of every digest channel whose period has ended: the stories of its feeds
    /// that changed in the period, newest first. A period with no news advances silently.
    pub async fn queue_digests(&mut self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        if self.platforms.is_empty() {
            return Ok(0);
        }
        let subscriptions = self.store.all_subscriptions().await?;
        let mut queued = 0;
        for schedule in self.store.list_digests().await? {
            let Some(period) = digest_period(schedule.mode, schedule.last_sent_at, now) else { continue };
            let Some(platform) = self.platforms.iter().find(|p| p.platform() == schedule.platform) else { continue };
            let dest = platform.channel(&schedule.channel);
            let feeds: Vec<&str> = subscriptions
                .iter()
                .filter(|s| s.platform == schedule.platform && s.channel == schedule.channel)
                .map(|s| s.feed.as_str())
                .collect();
            let mut ids: Vec<(DateTime<Utc>, StoryId)> = self
                .book
                .stories()
                .iter()
                .filter(|s| s.updated > period.from && s.updated <= period.to)
                .filter(|s| {
                    self.story_feeds
                        .get(&s.id)
                        .is_some_and(|polled| polled.iter().any(|p| feeds.iter().any(|f| same_feed(f, p))))
                })
                .map(|s| (s.updated, s.id.clone()))
                .collect();
            ids.sort_by(|a, b| b.cmp(a));
            ids.truncate(DIGEST_MAX_STORIES);
            let mut stories = Vec::with_capacity(ids.len());
            for (_, id) in &ids {
                stories.push(self.story_post(id).await);
            }
            let delivery = (!stories.is_empty()).then(|| NewDelivery {
                key: format!("digest/{}/{}", dest.name(), period.to.to_rfc3339()),
                story_id: None,
                destination: dest.name().to_string(),
                kind: DeliveryKind::Digest,
                payload: serde_json::to_value(Outbound::Digest(DigestPost {
                    from: period.from,
                    to: period.to,
                    stories,
                }))
                .unwrap_or_default(),
            });
            if self.store.queue_digest(&schedule.platform, &schedule.channel, period.to, delivery.as_ref()).await? {
                queued += 1;
            }
        }
        Ok(queued)
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

    #[tokio::test]
    async fn a_digest_channel_gets_the_periods_stories_once_when_the_period_ends() {
        use crate::pipeline::testing::{Chat, feed, item, noon, watcher};
        use crate::store::{Store, Subscription};
        let dir = tempfile::tempdir().unwrap();
        let chat = std::sync::Arc::new(Chat::default());
        let (mut w, store) = watcher(Vec::new(), Some(chat.clone()), true).await;
        let wire = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon() - Duration::minutes(5))]);
        let sub = Subscription {
            platform: "chat".into(),
            channel: "C1".into(),
            feed: wire.to_string(),
            added_by: "U1".into(),
            added_at: noon(),
        };
        store.add_subscription(&sub).await.unwrap();
        store.set_digest("chat", "C1", DigestMode::Hourly).await.unwrap();
        // The first round (11:10) starts the channel's schedule at 11:00 with an empty period, and
        // polls the story; the period that ends at 12:00 carries it.
        assert_eq!(w.round(noon() - Duration::minutes(50)).await.unwrap().digests, 0);
        w.round(noon() + Duration::minutes(10)).await.unwrap();
        assert_eq!(chat.channel_sent("C1"), ["digest"]);
        let sent = chat.channels.lock().unwrap()["C1"].headlines();
        assert!(sent[0].contains("Initech"), "{sent:?}");
        w.round(noon() + Duration::minutes(20)).await.unwrap();
        assert_eq!(chat.channel_sent("C1"), ["digest"], "one digest per period");
    }
}
