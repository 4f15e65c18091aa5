//! Polling one feed: fetch it (conditionally), parse it, place each new item into a story, decide
//! what every interested destination is sent, and commit all of it (seen items, stories, the feed's
//! validators and the deliveries) in one transaction. A failed fetch backs off exponentially (or as
//! long as the server asks, up to a day) and disables the feed after too many failures in a row.

use super::ingest::parse_fetched;
use super::placement::{follow_ups, revises};
use super::watcher::{StoryPayload, WatchError, Watcher};
use crate::core::id::{ItemId, StoryId};
use crate::core::lexicon::Lexicon;
use crate::core::message::Outbound;
use crate::core::relevance::Topic;
use crate::core::simhash::simhash;
use crate::core::story::StoredItem;
use crate::core::story::{NewsItem, Placement, Story};
use crate::delivery::Destination;
use crate::feeds::{FeedSource, FetchOutcome, Validators};
use crate::store::{DeliveryKind, FeedState, NewDelivery, PollCommit, SeenItem, Store, StoreError, StoryRecord};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use tracing::{debug, info, warn};

/// Times one poll is decided when other instances keep changing the stories under it; past
/// this, the poll waits for the next round.
const MAX_DECISIONS: u32 = 5;

/// What one poll of one feed did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    pub new_items: usize,
    pub queued: usize,
    /// The feed was not fetched: disabled, backing off, or it failed.
    pub not_polled: bool,
    /// Items that made no story, with why (off-topic, duplicate, too old).
    pub passed_over: Vec<(String, String)>,
}

impl<S: Store> Watcher<S> {
    /// Polls one feed and commits what it decided.
    pub async fn poll(&mut self, source: &FeedSource, now: DateTime<Utc>) -> Result<PollReport, WatchError> {
        let url = source.to_string();
        if let Some(sharing) = &self.sharing
            && !self.store.lease_feed(&url, &sharing.owner, now, now + sharing.feed_lease).await?
        {
            debug!(feed = %url, "Another instance holds this feed's lease; skipping it.");
            return Ok(PollReport { not_polled: true, ..PollReport::default() });
        }
        // Another instance may decide on the same stories meanwhile (two outlets' first reports of
        // one layoff, on two feeds): its commit then refuses ours, and the poll is decided again on
        // the stories as they are now, so the story is made once and each update keyed once.
        let mut attempt = 1;
        loop {
            match self.poll_leased(source, &url, now).await {
                Err(WatchError::Store(StoreError::StoriesMoved { .. })) if attempt < MAX_DECISIONS => {
                    debug!(feed = %url, attempt, "Another instance changed the stories; deciding this poll again.");
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// Polls a feed this instance may poll now (no lease, or its lease) and commits what it decided.
    async fn poll_leased(
        &mut self,
        source: &FeedSource,
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<PollReport, WatchError> {
        let url = url.to_owned();
        // Read after the lease: another instance may have polled the feed just before.
        let mut state = self.store.get_feed(&url).await?.unwrap_or_else(|| FeedState::new(url.clone()));
        if let Some(reason) = &state.disabled_reason {
            warn!(feed = %url, reason = %reason, "Feed is disabled; skipping it.");
            return Ok(PollReport { not_polled: true, ..PollReport::default() });
        }
        if state.retry_at.is_some_and(|at| now < at) {
            return Ok(PollReport { not_polled: true, ..PollReport::default() });
        }
        let validators = Validators { etag: state.etag.clone(), last_modified: state.last_modified.clone() };
        let fetched = match self.fetcher.fetch(source, &validators).await {
            Ok(f) => f,
            Err(e) => {
                let retry_after = crate::feeds::Retryable::retry_after(&e);
                return self.record_failure(state, e.to_string(), retry_after, now).await;
            }
        };
        let (body, new_validators, content_type) = match fetched {
            FetchOutcome::NotModified => {
                state.consecutive_failures = 0;
                state.last_polled = Some(now);
                state.retry_at = None;
                state.first_poll_done = true;
                self.store.save_feed(&state).await?;
                return Ok(PollReport::default());
            }
            FetchOutcome::Fetched { body, validators, content_type, .. } => (body, validators, content_type),
        };
        let items = match parse_fetched(body, content_type.as_deref(), &url).await {
            Ok(items) => items,
            Err(e) => return self.record_failure(state, e.to_string(), None, now).await,
        };
        // The store keeps ids as text: they are typed again on the way back.
        let ids: Vec<String> = items.iter().map(|i| i.id.to_string()).collect();
        let seen = self.store.seen_ids(&ids).await?;
        let first_poll = !state.first_poll_done && !self.rules.post_backlog;
        if first_poll {
            info!(feed = %url, items = items.len(), "First poll: remembering the backlog without posting it.");
        }
        let mut commit =
            PollCommit { feed: state.clone(), items: Vec::new(), stories: Vec::new(), deliveries: Vec::new() };
        let mut touched: BTreeSet<StoryId> = BTreeSet::new();
        let mut report = PollReport::default();
        let routes = self.routes(&url).await?;
        // A feed that lists one guid twice yields one item.
        let mut ids_this_poll: HashSet<ItemId> = HashSet::new();
        let mut fresh: Vec<NewsItem> = items
            .into_iter()
            .filter(|i| {
                !seen.contains(i.id.as_str()) && !self.book.has_seen(&i.id) && ids_this_poll.insert(i.id.clone())
            })
            .collect();
        if let (Some(reader), FeedSource::Url(_)) = (&self.articles, source) {
            super::fulltext::complete(reader, Some(&self.store), &mut fresh, now).await;
        }
        // Destinations whose first post of a story must be redone: its facts changed or an outlet joined.
        let mut to_edit: BTreeMap<StoryId, Vec<Arc<dyn Destination>>> = BTreeMap::new();
        for item in fresh {
            report.new_items += 1;
            let stored = StoredItem {
                title: item.title.clone(),
                outlet: item.outlet.clone(),
                text: item.text.clone(),
                provenance: item.provenance.clone(),
            };
            let fingerprint = simhash(&format!("{} {}", item.title, item.text));
            let (id, canonical, published) = (item.id.clone(), item.url.clone(), item.published);
            let title = item.title.clone();
            let placement = self.book.add(item, now, Lexicon::embedded(), Topic::embedded());
            let story_id = match &placement {
                Placement::NewStory { story } | Placement::Joined { story, .. } => Some(story.clone()),
                Placement::OffTopic { reason } => {
                    report.passed_over.push((title, reason.clone()));
                    None
                }
                Placement::Duplicate { of, reason } => {
                    report.passed_over.push((title, format!("duplicate ({reason}) of {of}")));
                    // Another route to an article a story holds ("also carried by"): the story
                    // still goes to channels that follow this feed and have not seen it.
                    self.book.story(of).map(|_| of.clone())
                }
                Placement::Repeat { item } => {
                    report.passed_over.push((title, format!("duplicate (same item id) of {item}")));
                    None
                }
                Placement::TooOld => {
                    report.passed_over.push((title, "too old".into()));
                    None
                }
            };
            commit.items.push(SeenItem {
                item_id: id.to_string(),
                feed_url: url.clone(),
                canonical_url: canonical,
                simhash: fingerprint,
                story_id: story_id.as_ref().map(ToString::to_string),
                published,
                seen_at: now,
                text: story_id.as_ref().map(|_| serde_json::to_string(&stored).unwrap_or_default()),
            });
            let Some(story_id) = story_id else { continue };
            touched.insert(story_id.clone());
            self.story_feeds.entry(story_id.clone()).or_default().insert(url.clone());
            if first_poll {
                // A new feed's backlog is remembered, not posted: subscribing does not flood a channel.
                continue;
            }
            let targets = self.targets(&routes, &story_id);
            let known = self.announced.get(&story_id);
            let needs_post = targets.iter().any(|d| !known.is_some_and(|k| k.contains(&d.name())));
            let post = if needs_post { Some(self.story_post(&story_id).await) } else { None };
            let story = self.book.story(&story_id).expect("placed story exists");
            let later = follow_ups(story, &placement);
            let redo = revises(&placement) || new_outlet(story, &placement, &stored.outlet);
            for dest in targets {
                let first = self.announced.entry(story_id.clone()).or_default().insert(dest.name());
                let outbound = match (&post, first) {
                    (Some(post), true) => vec![Outbound::Post(post.clone())],
                    _ => later.clone(),
                };
                for msg in &outbound {
                    commit.deliveries.push(delivery(&story_id, dest.as_ref(), msg)?);
                }
                if redo && !first {
                    to_edit.entry(story_id.clone()).or_default().push(dest);
                }
            }
        }
        // A first post is redone once per round, as the story reads after every item of the round.
        for (story_id, dests) in to_edit {
            let post = Outbound::Edit(self.story_post(&story_id).await);
            for dest in dests {
                commit.deliveries.push(delivery(&story_id, dest.as_ref(), &post)?);
            }
        }
        for id in &touched {
            let story = self.book.story(id).expect("touched story exists");
            commit.stories.push(StoryRecord {
                id: id.to_string(),
                revision: story.revision,
                payload: StoryPayload::new(story, self.announced.get(id)).to_value(),
                first_seen: story.first_seen,
                updated_at: story.updated,
            });
        }
        commit.feed.etag = new_validators.etag;
        commit.feed.last_modified = new_validators.last_modified;
        commit.feed.consecutive_failures = 0;
        commit.feed.retry_at = None;
        commit.feed.last_polled = Some(now);
        commit.feed.first_poll_done = true;
        report.queued = commit.deliveries.len();
        let committed = match &self.sharing {
            Some(_) => self.store.commit_poll_at(&commit, self.story_generation).await,
            None => self.store.commit_poll(&commit).await,
        };
        if !commit.stories.is_empty() && committed.is_ok() {
            self.story_generation += 1;
        }
        if let Err(e) = committed {
            // The book now holds decisions the store does not: rebuild it from what was committed.
            self.restore(now).await?;
            return Err(e.into());
        }
        info!(feed = %url, new_items = report.new_items, queued = report.queued, first_poll, "Feed polled.");
        Ok(report)
    }

    /// Counts a failed poll and decides when to try again: after the server's `Retry-After` (at most a
    /// day) or our exponential backoff, whichever is later.
    async fn record_failure(
        &self,
        mut state: FeedState,
        error: String,
        retry_after: Option<std::time::Duration>,
        now: DateTime<Utc>,
    ) -> Result<PollReport, WatchError> {
        state.consecutive_failures += 1;
        state.last_polled = Some(now);
        let exponent = state.consecutive_failures.saturating_sub(1).min(10);
        let backoff = (self.rules.base_backoff * 2i32.pow(exponent)).min(Duration::hours(6));
        let asked =
            retry_after.and_then(|d| Duration::from_std(d).ok()).map_or(Duration::zero(), |d| d.min(Duration::days(1)));
        state.retry_at = Some(now + backoff.max(asked));
        if state.consecutive_failures >= self.rules.disable_after_failures {
            let message = format!(
                "disabled after {} failed polls in a row (last: {error}); fix or remove the feed, then clear its row in the feeds table or re-add it",
                state.consecutive_failures
            );
            warn!(feed = %state.url, error = %error, "Feed disabled.");
            state.disabled_reason = Some(message);
        } else {
            warn!(feed = %state.url, attempt = state.consecutive_failures, error = %error, "Feed fetch failed; backing off.");
        }
        self.store.save_feed(&state).await?;
        Ok(PollReport { not_polled: true, ..PollReport::default() })
    }
}

/// Whether the joined item is the first from its outlet, so the post's outlets line grows.
fn new_outlet(story: &Story, placement: &Placement, outlet: &str) -> bool {
    matches!(placement, Placement::Joined { .. }) && story.items.iter().filter(|i| i.item.outlet == outlet).count() == 1
}

fn delivery(story_id: &StoryId, dest: &dyn Destination, msg: &Outbound) -> Result<NewDelivery, WatchError> {
    let (kind, revision) = match msg {
        Outbound::Post(p) => (DeliveryKind::Post, p.revision),
        Outbound::Update(u) => (DeliveryKind::Update, u.revision),
        Outbound::Edit(p) => (DeliveryKind::Edit, p.revision),
        Outbound::Digest(_) => (DeliveryKind::Digest, 0),
    };
    Ok(NewDelivery {
        key: NewDelivery::idempotency_key(story_id.as_str(), &dest.name().to_string(), revision, kind),
        story_id: Some(story_id.to_string()),
        destination: dest.name().to_string(),
        kind,
        payload: serde_json::to_value(msg).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::{Recorder, feed, item, noon, watcher};

    #[tokio::test]
    async fn a_feeds_backlog_is_remembered_on_its_first_poll_not_posted() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let (mut w, store) = watcher(vec![out.clone()], None, false).await;
        let source = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        let report = w.poll(&source, noon()).await.unwrap();
        assert_eq!((report.new_items, report.queued), (1, 0));
        assert_eq!(store.seen_ids(&["a1".into()]).await.unwrap().len(), 1, "the item is remembered as seen");
        assert!(store.get_feed(&source.to_string()).await.unwrap().unwrap().first_poll_done);
    }

    #[tokio::test]
    async fn an_off_topic_item_is_passed_over_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (mut w, _) = watcher(vec![Recorder::new("console")], None, true).await;
        let off = format!(
            "<item><guid>r1</guid><link>https://wire.example/r1</link><title>Harbour city opens a new ferry terminal</title><pubDate>{}</pubDate><description>The new ferry terminal opens on Monday with six berths, the port authority said.</description></item>",
            noon().to_rfc2822()
        );
        let source = feed(dir.path(), "wire.xml", &[off]);
        let report = w.poll(&source, noon()).await.unwrap();
        assert_eq!(report.queued, 0);
        assert_eq!(report.passed_over.len(), 1);
        assert!(report.passed_over[0].1.starts_with("off-topic"), "{:?}", report.passed_over);
    }

    #[tokio::test]
    async fn a_failing_feed_backs_off_and_is_disabled_after_too_many_failures() {
        let dir = tempfile::tempdir().unwrap();
        let (mut w, store) = watcher(vec![Recorder::new("console")], None, false).await;
        let missing = FeedSource::File(dir.path().join("gone.xml"));
        let mut now = noon();
        for attempt in 1..=3 {
            assert!(w.poll(&missing, now).await.unwrap().not_polled);
            let state = store.get_feed(&missing.to_string()).await.unwrap().unwrap();
            assert_eq!(state.consecutive_failures, attempt);
            let wait = state.retry_at.unwrap() - now;
            assert_eq!(wait, Duration::seconds(60 * 2i64.pow(attempt - 1)), "exponential backoff");
            // Polled again before the backoff ends, nothing is fetched.
            assert!(w.poll(&missing, now + Duration::seconds(1)).await.unwrap().not_polled);
            now = state.retry_at.unwrap();
        }
        let state = store.get_feed(&missing.to_string()).await.unwrap().unwrap();
        assert!(state.disabled_reason.unwrap().contains("disabled after 3 failed polls"));
    }
}
