//! The outbox sender: every due delivery, oldest first, through its destination. A reply waits for
//! its story's first post (threads stay whole); a destination that answers 429 gets nothing more this
//! round; a retryable failure is tried again with exponential backoff, anything else is marked failed
//! with the reason (which never holds a secret: destinations strip URLs from their errors).

use super::send::send;
use super::watcher::{WatchError, Watcher};
use crate::core::id::StoryId;
use crate::core::message::Outbound;
use crate::delivery::{DestinationId, PostRef};
use crate::store::{Delivery, DeliveryKind, Store};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;
use tracing::{Instrument, info_span, warn};

impl<S: Store> Watcher<S> {
    /// Sends every due delivery, oldest first. Returns how many were sent.
    pub async fn flush(&self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        let mut sent = 0;
        let mut held: HashSet<(Option<StoryId>, DestinationId)> = HashSet::new();
        // A destination that answered 429 gets nothing more this round; its other deliveries wait
        // without spending attempts.
        let mut throttled: HashSet<DestinationId> = HashSet::new();
        loop {
            let batch = match &self.sharing {
                // Small batches, so instances sharing the outbox share its sending too.
                Some(sharing) => self.store.claim_deliveries(&sharing.owner, now, now + sharing.claim_for, 20).await?,
                None => self.store.due_deliveries(now, 500).await?,
            };
            // A claimed delivery leaves the claimable set whatever happens to it below (sent,
            // retried later, failed, deferred, or left claimed while its destination is throttled),
            // so this loop ends.
            if batch.is_empty() {
                break;
            }
            sent += self.send_batch(batch, now, &mut held, &mut throttled).await?;
            if self.sharing.is_none() {
                break;
            }
        }
        Ok(sent)
    }

    /// Sends one batch of due deliveries, oldest first; returns how many were sent.
    async fn send_batch(
        &self,
        batch: Vec<Delivery>,
        now: DateTime<Utc>,
        held: &mut HashSet<(Option<StoryId>, DestinationId)>,
        throttled: &mut HashSet<DestinationId>,
    ) -> Result<usize, WatchError> {
        let mut sent = 0;
        for d in batch {
            let name = match DestinationId::parse(&d.destination) {
                Ok(name) => name,
                Err(e) => {
                    self.store.mark_failed(d.id, &e.to_string()).await?;
                    continue;
                }
            };
            let Some(dest) = self.resolve(&name) else {
                let why =
                    "this destination is no longer configured; set its output or platform token again and re-queue";
                self.store.mark_failed(d.id, why).await?;
                continue;
            };
            let msg: Outbound = match serde_json::from_value(d.payload.clone()) {
                Ok(m) => m,
                Err(e) => {
                    self.store.mark_failed(d.id, &format!("unreadable payload: {e}")).await?;
                    continue;
                }
            };
            if throttled.contains(&name) {
                continue;
            }
            // The store keeps ids as text; a delivery's story is typed from here on.
            let pair = (d.story_id.as_deref().map(StoryId::from), name.clone());
            let thread = match &d.story_id {
                Some(story) => self.store.thread_ref(story, &d.destination).await?.map(PostRef),
                None => None,
            };
            // A reply waits for its story's first post, so threads stay whole; held back, not tried.
            // Sharing the outbox, it also waits for an earlier one another instance holds, so an
            // older edit never lands after a newer one.
            if let Some(story) = &d.story_id
                && d.kind != DeliveryKind::Post
                && (held.contains(&pair)
                    || thread.is_none() && self.store.post_pending(story, &d.destination).await?
                    || self.sharing.is_some() && self.store.earlier_pending(story, &d.destination, d.id).await?)
            {
                self.store.defer(d.id, now + Duration::seconds(5)).await?;
                continue;
            }
            if d.may_be_posted() {
                dest.may_be_posted(&d.key);
            }
            let attempt = d.attempts + 1;
            let span = info_span!("delivery", destination = %d.destination, key = %d.key, kind = %d.kind, attempt);
            match send(dest.as_ref(), &d.key, &msg, thread.as_ref()).instrument(span).await {
                Ok(posted) => {
                    self.store.mark_sent(d.id, Some(&posted.0)).await?;
                    sent += 1;
                    let mut counts = self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    match msg {
                        Outbound::Post(_) => counts.posts += 1,
                        Outbound::Update(_) => counts.updates += 1,
                        Outbound::Edit(_) => counts.edits += 1,
                        Outbound::Digest(_) => counts.digests += 1,
                    }
                }
                Err(crate::delivery::DeliveryError::RateLimited { retry_after, .. }) => {
                    warn!(destination = %d.destination, ?retry_after, "Destination is rate limiting; pausing it.");
                    throttled.insert(name);
                    held.insert(pair);
                    let wait = Duration::from_std(retry_after).unwrap_or(Duration::seconds(60)).min(Duration::hours(1));
                    self.store.mark_retry(d.id, "rate limited", now + wait).await?;
                }
                Err(e) if e.is_retryable() && d.attempts < 20 => {
                    let wait = Duration::seconds(2i64.pow(d.attempts.min(10)));
                    warn!(destination = %d.destination, key = %d.key, error = %e, "Delivery failed; will retry.");
                    held.insert(pair);
                    self.store.mark_retry(d.id, &e.to_string(), now + wait).await?;
                }
                Err(e) => {
                    warn!(destination = %d.destination, key = %d.key, error = %e, "Delivery failed for good.");
                    held.insert(pair);
                    self.store.mark_failed(d.id, &e.to_string()).await?;
                }
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::testing::{Answer, Recorder, feed, item, noon, watcher};
    use crate::store::{DeliveryState, Store};
    use chrono::Duration;

    #[tokio::test]
    async fn a_rate_limited_destination_gets_nothing_more_this_round() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        out.answer(Answer::RateLimited);
        let (mut w, store) = watcher(vec![out.clone()], None, true).await;
        let source =
            feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon()), item("b1", "Globex", 300, noon())]);
        w.poll(&source, noon()).await.unwrap();
        assert_eq!(w.flush(noon()).await.unwrap(), 0);
        assert_eq!(out.attempts(), 1, "the second post was not tried");
        out.answer(Answer::Ok);
        assert_eq!(w.flush(noon() + Duration::seconds(1)).await.unwrap(), 1, "the untried one goes next round");
        assert_eq!(w.flush(noon() + Duration::seconds(2)).await.unwrap(), 0, "the limited one waits out Retry-After");
        assert_eq!(w.flush(noon() + Duration::seconds(31)).await.unwrap(), 1);
        assert!(store.due_deliveries(noon() + Duration::days(1), 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_refused_delivery_is_marked_failed_with_the_reason_and_not_retried() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        out.answer(Answer::Rejected);
        let (mut w, store) = watcher(vec![out.clone()], None, true).await;
        let source = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        w.poll(&source, noon()).await.unwrap();
        w.flush(noon()).await.unwrap();
        let key = out.last_key.lock().unwrap().clone().expect("one attempt");
        let failed = store.delivery_by_key(&key).await.unwrap().expect("the delivery");
        assert_eq!(failed.state, DeliveryState::Failed);
        assert!(failed.last_error.unwrap().contains("channel_not_found"));
        assert!(store.due_deliveries(noon() + Duration::days(1), 10).await.unwrap().is_empty());
        assert_eq!(out.attempts(), 1);
    }

    #[tokio::test]
    async fn a_transient_failure_is_retried_later_with_backoff() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        out.answer(Answer::Transient);
        let (mut w, store) = watcher(vec![out.clone()], None, true).await;
        let source = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        w.poll(&source, noon()).await.unwrap();
        w.flush(noon()).await.unwrap();
        let pending = store.due_deliveries(noon() + Duration::days(1), 10).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].attempts, 1);
        assert_eq!(pending[0].last_error.as_deref().map(|e| e.contains("connection reset")), Some(true));
        out.answer(Answer::Ok);
        assert_eq!(w.flush(noon()).await.unwrap(), 0, "not before its backoff");
        assert!(out.unsure.lock().unwrap().is_empty(), "a first attempt cannot have been posted");
        assert_eq!(w.flush(noon() + Duration::seconds(2)).await.unwrap(), 1);
        // The failed attempt may have reached the platform: the retry is told to look first.
        assert_eq!(*out.unsure.lock().unwrap(), vec![pending[0].key.clone()]);
    }
}
