//! The bot's main loop: poll each feed, place new items into stories, and write the decision — seen
//! items, stories, the feed's validators and every delivery it calls for — in one transaction. A
//! separate step sends what the outbox holds and marks it sent. So a crash at any point loses no
//! decision (it is either committed or redone identically from the same feed) and repeats no post
//! (the outbox key, and destinations that recognise a replayed key, see to that).

use super::ingest::parse_fetched;
use super::placement::messages;
use super::send::send;
use crate::core::lexicon::Lexicon;
use crate::core::message::{Outbound, StoryPost};
use crate::core::relevance::Topic;
use crate::core::simhash::simhash;
use crate::core::story::{NewsItem, Placement, StoryBook, StoryRules};
use crate::core::summarize::Summarizer;
use crate::delivery::{Destination, PostRef};
use crate::feeds::{FeedSource, FetchOutcome, Fetcher, Validators};
use crate::store::{DeliveryKind, FeedState, NewDelivery, PollCommit, SeenItem, Store, StoreError, StoryRecord};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use tracing::{info, warn};

/// How the watcher behaves.
#[derive(Debug, Clone)]
pub struct WatchRules {
    pub stories: StoryRules,
    pub disable_after_failures: u32,
    /// The first wait after a failed poll; it doubles with each failure in a row, up to six hours.
    pub base_backoff: Duration,
    /// Post a feed's backlog on its first poll. Off for the bot (subscribing must not flood a
    /// channel); on for the demo, whose feeds are all backlog.
    pub post_backlog: bool,
}

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

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

pub struct Watcher<S: Store> {
    store: S,
    fetcher: Fetcher,
    destinations: Vec<Arc<dyn Destination>>,
    summarizer: Box<dyn Summarizer + Send + Sync>,
    rules: WatchRules,
    book: StoryBook,
    /// Stories whose first post has been queued; later items on the others post the story anew.
    announced: HashSet<String>,
    sent: std::cell::Cell<SentCounts>,
}

/// Deliveries sent, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SentCounts {
    pub posts: usize,
    pub updates: usize,
    pub edits: usize,
    pub digests: usize,
}

impl<S: Store> Watcher<S> {
    pub fn new(
        store: S,
        fetcher: Fetcher,
        destinations: Vec<Arc<dyn Destination>>,
        summarizer: Box<dyn Summarizer + Send + Sync>,
        rules: WatchRules,
    ) -> Self {
        let book = StoryBook::new(rules.stories);
        Self {
            store,
            fetcher,
            destinations,
            summarizer,
            rules,
            book,
            announced: HashSet::new(),
            sent: std::cell::Cell::new(SentCounts::default()),
        }
    }

    /// Rebuilds the in-memory story book from the store, after a start or a failed commit, so that
    /// clustering continues where it stopped.
    pub async fn restore(&mut self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        self.book = StoryBook::new(self.rules.stories);
        self.announced.clear();
        let since = now - self.rules.stories.max_age - self.rules.stories.window;
        let records = self.store.stories_since(since).await?;
        for record in &records {
            if record.payload["announced"].as_bool() == Some(true) {
                self.announced.insert(record.id.clone());
            }
        }
        let mut restored = 0;
        for seen in self.store.items_since(since).await? {
            let (Some(_), Some(text)) = (&seen.story_id, &seen.text) else { continue };
            let Ok(item) = serde_json::from_str::<StoredItem>(text) else { continue };
            let news = NewsItem {
                id: seen.item_id.clone(),
                url: seen.canonical_url.clone(),
                outlet: item.outlet,
                title: item.title,
                text: item.text,
                published: seen.published.or(Some(seen.seen_at)),
            };
            // Replayed at the moment it was first seen, so the book decides as it did then.
            self.book.add(news, seen.seen_at, Lexicon::embedded(), Topic::embedded());
            restored += 1;
        }
        for record in &records {
            self.book.raise_revision(&record.id, record.revision);
        }
        Ok(restored)
    }

    /// Polls one feed and commits what it decided.
    pub async fn poll(&mut self, source: &FeedSource, now: DateTime<Utc>) -> Result<PollReport, WatchError> {
        let url = source.to_string();
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
        let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
        let seen = self.store.seen_ids(&ids).await?;
        let first_poll = !state.first_poll_done && !self.rules.post_backlog;
        if first_poll {
            info!(feed = %url, items = items.len(), "First poll: remembering the backlog without posting it.");
        }
        let mut commit =
            PollCommit { feed: state.clone(), items: Vec::new(), stories: Vec::new(), deliveries: Vec::new() };
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut report = PollReport::default();
        // A feed that lists one guid twice yields one item.
        let mut ids_this_poll: HashSet<String> = HashSet::new();
        let fresh: Vec<NewsItem> = items
            .into_iter()
            .filter(|i| !seen.contains(&i.id) && !self.book.has_seen(&i.id) && ids_this_poll.insert(i.id.clone()))
            .collect();
        for item in fresh {
            report.new_items += 1;
            let stored = StoredItem { title: item.title.clone(), outlet: item.outlet.clone(), text: item.text.clone() };
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
                    None
                }
                Placement::TooOld => {
                    report.passed_over.push((title, "too old".into()));
                    None
                }
            };
            commit.items.push(SeenItem {
                item_id: id,
                feed_url: url.clone(),
                canonical_url: canonical,
                simhash: fingerprint,
                story_id: story_id.clone(),
                published,
                seen_at: now,
                text: story_id.as_ref().map(|_| serde_json::to_string(&stored).unwrap_or_default()),
            });
            let Some(story_id) = story_id else { continue };
            touched.insert(story_id.clone());
            if first_poll {
                // A new feed's backlog is remembered, not posted: subscribing does not flood a channel.
                continue;
            }
            let outbound = if self.announced.insert(story_id.clone()) {
                let story = self.book.story(&story_id).expect("placed story exists");
                vec![Outbound::Post(StoryPost::from_story(story, self.summarizer.as_ref()))]
            } else {
                messages(&self.book, &placement, self.summarizer.as_ref())
            };
            for msg in outbound {
                for dest in &self.destinations {
                    commit.deliveries.push(delivery(&story_id, dest.as_ref(), &msg)?);
                }
            }
        }
        for id in &touched {
            let story = self.book.story(id).expect("touched story exists");
            commit.stories.push(StoryRecord {
                id: id.clone(),
                revision: story.revision,
                payload: json!({
                    "headline": story.headline(),
                    "companies": story.companies(),
                    "outlets": story.outlets(),
                    "announced": self.announced.contains(id),
                }),
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
        if let Err(e) = self.store.commit_poll(&commit).await {
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

    /// Sends every due delivery, oldest first. Returns how many were sent.
    pub async fn flush(&self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        let mut sent = 0;
        let mut held: HashSet<(String, String)> = HashSet::new();
        // A destination that answered 429 gets nothing more this round; its other deliveries wait
        // without spending attempts.
        let mut throttled: HashSet<String> = HashSet::new();
        for d in self.store.due_deliveries(now, 500).await? {
            let Some(dest) = self.destinations.iter().find(|x| x.name() == d.destination) else {
                self.store.mark_failed(d.id, "this destination is no longer configured").await?;
                continue;
            };
            let msg: Outbound = match serde_json::from_value(d.payload.clone()) {
                Ok(m) => m,
                Err(e) => {
                    self.store.mark_failed(d.id, &format!("unreadable payload: {e}")).await?;
                    continue;
                }
            };
            if throttled.contains(&d.destination) {
                continue;
            }
            let pair = (d.story_id.clone(), d.destination.clone());
            let thread = self.store.thread_ref(&d.story_id, &d.destination).await?.map(PostRef);
            // A reply waits for its story's first post, so threads stay whole; held back, not tried.
            if d.kind != DeliveryKind::Post
                && (held.contains(&pair)
                    || thread.is_none() && self.store.post_pending(&d.story_id, &d.destination).await?)
            {
                self.store.defer(d.id, now + Duration::seconds(5)).await?;
                continue;
            }
            match send(dest.as_ref(), &d.key, &msg, thread.as_ref()).await {
                Ok(posted) => {
                    self.store.mark_sent(d.id, Some(&posted.0)).await?;
                    sent += 1;
                    let mut counts = self.sent.get();
                    match msg {
                        Outbound::Post(_) => counts.posts += 1,
                        Outbound::Update(_) => counts.updates += 1,
                        Outbound::Edit(_) => counts.edits += 1,
                        Outbound::Digest(_) => counts.digests += 1,
                    }
                    self.sent.set(counts);
                }
                Err(crate::delivery::DeliveryError::RateLimited { retry_after, .. }) => {
                    warn!(destination = %d.destination, ?retry_after, "Destination is rate limiting; pausing it.");
                    throttled.insert(d.destination.clone());
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

    /// How many posts, updates and edits this watcher has sent (for reports).
    pub fn sent_by_kind(&self) -> SentCounts {
        self.sent.get()
    }

    /// Erases article text past its retention, as the privacy rules promise — but never text a
    /// restart still needs to rebuild the stories it may extend.
    pub async fn expire(&self, now: DateTime<Utc>, keep: Duration) -> Result<u64, WatchError> {
        let needed = self.rules.stories.max_age + self.rules.stories.window;
        Ok(self.store.expire_text(now - keep.max(needed)).await?)
    }
}

/// What is kept of an item's text for re-clustering after a restart.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredItem {
    title: String,
    outlet: String,
    text: String,
}

fn delivery(story_id: &str, dest: &dyn Destination, msg: &Outbound) -> Result<NewDelivery, WatchError> {
    let (kind, revision) = match msg {
        Outbound::Post(p) => (DeliveryKind::Post, p.revision),
        Outbound::Update(u) => (DeliveryKind::Update, u.revision),
        Outbound::Edit(p) => (DeliveryKind::Edit, p.revision),
        Outbound::Digest(_) => (DeliveryKind::Digest, 0),
    };
    Ok(NewDelivery {
        key: NewDelivery::idempotency_key(story_id, &dest.name(), revision, kind),
        story_id: story_id.to_string(),
        destination: dest.name(),
        kind,
        payload: serde_json::to_value(msg).unwrap_or_default(),
    })
}
