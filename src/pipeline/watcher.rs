//! The bot's main loop: poll each feed, place new items into stories, and write the decision — seen
//! items, stories, the feed's validators and every delivery it calls for — in one transaction. A
//! separate step sends what the outbox holds and marks it sent. So a crash at any point loses no
//! decision (it is either committed or redone identically from the same feed) and repeats no post
//! (the outbox key, and destinations that recognise a replayed key, see to that).

use super::digests::{DIGEST_MAX_STORIES, digest_period};
use super::ingest::parse_fetched;
use super::placement::{follow_ups, revises};
use super::send::send;
use crate::core::lexicon::Lexicon;
use crate::core::message::{DigestPost, Outbound, StoryPost};
use crate::core::relevance::Topic;
use crate::core::simhash::simhash;
use crate::core::story::{NewsItem, Placement, StoryBook, StoryRules};
use crate::core::summarize::Summary;
use crate::delivery::{Destination, Platform, PostRef};
use crate::feeds::{FeedSource, FetchOutcome, Fetcher, Validators};
use crate::store::{
    DeliveryKind, FeedState, NewDelivery, PollCommit, SeenItem, Store, StoreError, StoryRecord, Subscription,
};
use crate::summaries::SummaryService;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
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
    /// The operator's fixed outputs (console, files, webhooks).
    destinations: Vec<Arc<dyn Destination>>,
    /// Chat platforms whose channels subscribe to feeds.
    platforms: Vec<Arc<dyn Platform>>,
    /// The feeds the fixed outputs follow; `None` means every feed polled. Feeds that only a chat
    /// channel subscribed to go to that channel, not to the operator's outputs.
    fixed_feeds: Option<HashSet<String>>,
    summaries: Arc<dyn SummaryService>,
    rules: WatchRules,
    book: StoryBook,
    /// The destinations (by name) each story's first post has been queued for; every later item
    /// goes to them as an update, and to a newly interested channel as the whole story.
    announced: HashMap<String, BTreeSet<String>>,
    /// The feeds each story's items came from, which decide the channels it goes to.
    story_feeds: HashMap<String, BTreeSet<String>>,
    /// The last summary made of each story, so the summary service can send only what is new.
    last_summary: HashMap<String, Summary>,
    sent: std::sync::Mutex<SentCounts>,
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
        summaries: Arc<dyn SummaryService>,
        rules: WatchRules,
    ) -> Self {
        let book = StoryBook::new(rules.stories);
        Self {
            store,
            fetcher,
            destinations,
            platforms: Vec::new(),
            fixed_feeds: None,
            summaries,
            rules,
            book,
            announced: HashMap::new(),
            story_feeds: HashMap::new(),
            last_summary: HashMap::new(),
            sent: std::sync::Mutex::new(SentCounts::default()),
        }
    }

    /// Adds chat platforms: their channels get the stories of the feeds they subscribed to.
    pub fn with_platforms(mut self, platforms: Vec<Arc<dyn Platform>>) -> Self {
        self.platforms = platforms;
        self
    }

    /// Limits the fixed outputs to stories from these feeds (the operator's configured list).
    pub fn fixed_outputs_follow(mut self, feeds: &[FeedSource]) -> Self {
        self.fixed_feeds = Some(feeds.iter().map(ToString::to_string).collect());
        self
    }

    /// The feeds to poll this round: the configured ones and every feed a channel subscribed to,
    /// each once. A stored subscription that no longer parses is skipped with a warning.
    pub async fn sources(&self, configured: &[FeedSource]) -> Result<Vec<FeedSource>, WatchError> {
        let mut seen: HashSet<String> = configured.iter().map(ToString::to_string).collect();
        let mut out = configured.to_vec();
        for sub in self.store.all_subscriptions().await? {
            match FeedSource::parse(&sub.feed) {
                Ok(source) if seen.insert(source.to_string()) => out.push(source),
                Ok(_) => {}
                Err(e) => {
                    warn!(feed = %sub.feed, channel = %sub.channel, error = %e, "A subscribed feed is not usable; skipping it.")
                }
            }
        }
        Ok(out)
    }

    /// Rebuilds the in-memory story book from the store, after a start or a failed commit, so that
    /// clustering continues where it stopped.
    pub async fn restore(&mut self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        self.book = StoryBook::new(self.rules.stories);
        self.announced.clear();
        self.story_feeds.clear();
        self.last_summary.clear();
        let since = now - self.rules.stories.max_age - self.rules.stories.window;
        let records = self.store.stories_since(since).await?;
        for record in &records {
            let to: BTreeSet<String> = match record.payload["announced_to"].as_array() {
                Some(names) => names.iter().filter_map(|n| n.as_str().map(String::from)).collect(),
                // Stories stored before channels existed went to every fixed output.
                None if record.payload["announced"].as_bool() == Some(true) => {
                    self.destinations.iter().map(|d| d.name()).collect()
                }
                None => BTreeSet::new(),
            };
            self.announced.insert(record.id.clone(), to);
        }
        let mut restored = 0;
        for seen in self.store.items_since(since).await? {
            let (Some(story_id), Some(text)) = (&seen.story_id, &seen.text) else { continue };
            self.story_feeds.entry(story_id.clone()).or_default().insert(seen.feed_url.clone());
            let Ok(item) = serde_json::from_str::<StoredItem>(text) else { continue };
            let news = NewsItem {
                id: seen.item_id.clone(),
                url: seen.canonical_url.clone(),
                outlet: item.outlet,
                title: item.title,
                text: item.text,
                published: seen.published.or(Some(seen.seen_at)),
                provenance: item.provenance,
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
        let routes = self.routes(&url).await?;
        // A feed that lists one guid twice yields one item.
        let mut ids_this_poll: HashSet<String> = HashSet::new();
        let fresh: Vec<NewsItem> = items
            .into_iter()
            .filter(|i| !seen.contains(&i.id) && !self.book.has_seen(&i.id) && ids_this_poll.insert(i.id.clone()))
            .collect();
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
            self.story_feeds.entry(story_id.clone()).or_default().insert(url.clone());
            if first_poll {
                // A new feed's backlog is remembered, not posted: subscribing does not flood a channel.
                continue;
            }
            let targets = self.targets(&routes, &story_id);
            let known = self.announced.get(&story_id);
            let needs_post =
                revises(&placement) || targets.iter().any(|d| !known.is_some_and(|k| k.contains(&d.name())));
            let post = if needs_post { Some(self.story_post(&story_id).await) } else { None };
            let story = self.book.story(&story_id).expect("placed story exists");
            let later = follow_ups(story, &placement, post.as_ref());
            for dest in targets {
                let first = self.announced.entry(story_id.clone()).or_default().insert(dest.name());
                let outbound = match (&post, first) {
                    (Some(post), true) => vec![Outbound::Post(post.clone())],
                    _ => later.clone(),
                };
                for msg in &outbound {
                    commit.deliveries.push(delivery(&story_id, dest.as_ref(), msg)?);
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
                    "announced_to": self.announced.get(id).map(|a| a.iter().collect::<Vec<_>>()).unwrap_or_default(),
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
            let Some(dest) = self.resolve(&d.destination) else {
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
            if throttled.contains(&d.destination) {
                continue;
            }
            let pair = (d.story_id.clone().unwrap_or_default(), d.destination.clone());
            let thread = match &d.story_id {
                Some(story) => self.store.thread_ref(story, &d.destination).await?.map(PostRef),
                None => None,
            };
            // A reply waits for its story's first post, so threads stay whole; held back, not tried.
            if let Some(story) = &d.story_id
                && d.kind != DeliveryKind::Post
                && (held.contains(&pair) || thread.is_none() && self.store.post_pending(story, &d.destination).await?)
            {
                self.store.defer(d.id, now + Duration::seconds(5)).await?;
                continue;
            }
            match send(dest.as_ref(), &d.key, &msg, thread.as_ref()).await {
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

    /// The destination a delivery names: a fixed output, or a channel of a running platform.
    fn resolve(&self, name: &str) -> Option<Arc<dyn Destination>> {
        if let Some(fixed) = self.destinations.iter().find(|d| d.name() == name) {
            return Some(fixed.clone());
        }
        let (platform, channel) = name.split_once(':')?;
        let platform = self.platforms.iter().find(|p| p.platform() == platform)?;
        Some(platform.channel(channel))
    }

    async fn routes(&self, feed: &str) -> Result<Routes, WatchError> {
        let mut routes = Routes { feed: feed.to_string(), channels: Vec::new(), live: HashSet::new() };
        if self.platforms.is_empty() {
            return Ok(routes);
        }
        let digest: HashSet<(String, String)> =
            self.store.list_digests().await?.into_iter().map(|d| (d.platform, d.channel)).collect();
        for Subscription { platform, channel, feed: subscribed, .. } in self.store.all_subscriptions().await? {
            if digest.contains(&(platform.clone(), channel.clone())) {
                continue;
            }
            let Some(p) = self.platforms.iter().find(|p| p.platform() == platform) else { continue };
            let name = format!("{platform}:{channel}");
            // Once per channel, whichever of its subscriptions names this feed (not only its first).
            if same_feed(&subscribed, feed) && !routes.channels.iter().any(|c| c.name() == name) {
                routes.channels.push(p.channel(&channel));
            }
            routes.live.insert(name);
        }
        Ok(routes)
    }

    /// Who gets news of a story from this feed: the fixed outputs (if they follow the feed), the
    /// channels subscribed to it, and whoever already shows the story.
    fn targets(&self, routes: &Routes, story_id: &str) -> Vec<Arc<dyn Destination>> {
        let announced = self.announced.get(story_id);
        let shows = |name: &str| announced.is_some_and(|a| a.contains(name));
        let follows = self.fixed_feeds.as_ref().is_none_or(|f| f.contains(&routes.feed));
        let mut out: Vec<Arc<dyn Destination>> =
            self.destinations.iter().filter(|d| follows || shows(&d.name())).cloned().collect();
        let mut names: HashSet<String> = HashSet::new();
        for channel in &routes.channels {
            names.insert(channel.name());
            out.push(channel.clone());
        }
        for name in announced.into_iter().flatten() {
            if routes.live.contains(name)
                && names.insert(name.clone())
                && let Some(dest) = self.resolve(name)
            {
                out.push(dest);
            }
        }
        out
    }

    /// The story as its first post reads now, summarized by the configured service.
    async fn story_post(&mut self, story_id: &str) -> StoryPost {
        let story = self.book.story(story_id).expect("placed story exists");
        let summary = self.summaries.summarize(&story.analysis(), self.last_summary.get(story_id)).await;
        let post = StoryPost::from_summary(story, &summary);
        self.last_summary.insert(story_id.to_string(), summary);
        post
    }

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
            let mut ids: Vec<(DateTime<Utc>, String)> = self
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
                destination: dest.name(),
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

    /// How many posts, updates and edits this watcher has sent (for reports).
    pub fn sent_by_kind(&self) -> SentCounts {
        *self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    #[serde(default)]
    provenance: crate::core::story::Provenance,
}

/// Where one feed's stories go: the chat channels subscribed to it that take live posts, and every
/// channel still taking live posts (a channel that already shows a story keeps getting its updates).
struct Routes {
    feed: String,
    channels: Vec<Arc<dyn Destination>>,
    live: HashSet<String>,
}

fn same_feed(subscribed: &str, polled: &str) -> bool {
    subscribed == polled || FeedSource::parse(subscribed).is_ok_and(|s| s.to_string() == polled)
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
        story_id: Some(story_id.to_string()),
        destination: dest.name(),
        kind,
        payload: serde_json::to_value(msg).unwrap_or_default(),
    })
}
