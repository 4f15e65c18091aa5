//! The watcher: what the bot remembers between rounds (the story book, who was told of each story,
//! the last summaries) and [`Watcher::round`], one pass of every job in order. Each job has its file:
//! - [`super::poll`]: fetch a feed, place new items into stories, and commit the decision (seen
//!   items, stories, validators and every delivery it calls for) in one transaction;
//! - [`super::routing`]: which destinations get a story from a feed;
//! - [`super::flush`]: send what the outbox holds and mark it sent;
//! - [`super::digests`]: queue each digest channel's digest when its period ends.
//!
//! A crash at any point loses no decision (it is either committed or redone identically from the
//! same feed) and repeats no post (the outbox key, and destinations that recognise a replayed key,
//! see to that).

use crate::core::id::StoryId;
use crate::core::lexicon::Lexicon;
use crate::core::message::StoryPost;
use crate::core::relevance::Topic;
use crate::core::story::{Placement, StoredItem, Story, StoryBook, StoryRules};
use crate::core::summarize::Summary;
use crate::delivery::{Destination, DestinationId, Platform};
use crate::feeds::article::ArticleReader;
use crate::feeds::{FeedSource, Fetcher};
use crate::store::{Store, StoreError};
use crate::summaries::SummaryService;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tracing::{Instrument, info_span, warn};

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
    /// How long article text kept for clustering is kept at least (the privacy promise).
    pub keep_text: Duration,
}

/// How this watcher shares a database with other instances: it polls a feed only under a lease
/// and sends a delivery only under a claim, both kept in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    /// This instance's name in leases and claims.
    pub owner: String,
    /// How long a feed's poll is leased; no other instance polls it before then.
    pub feed_lease: Duration,
    /// How long a claimed delivery stays with this instance before another may send it.
    pub claim_for: Duration,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundReport {
    /// Feeds polled (or skipped as disabled or backing off).
    pub polled: usize,
    pub new_items: usize,
    /// Deliveries sent.
    pub sent: usize,
    /// Digests queued.
    pub digests: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

pub struct Watcher<S: Store> {
    pub(super) store: S,
    pub(super) fetcher: Fetcher,
    /// Reads article pages for items whose feed gave only a stub; `None` keeps feed text as is.
    pub(super) articles: Option<ArticleReader>,
    /// The operator's fixed outputs (console, files, webhooks).
    pub(super) destinations: Vec<Arc<dyn Destination>>,
    /// Chat platforms whose channels subscribe to feeds.
    pub(super) platforms: Vec<Arc<dyn Platform>>,
    /// The operator's configured feeds, polled every round with those channels subscribed to.
    pub(super) configured: Vec<FeedSource>,
    /// The feeds the fixed outputs follow; `None` means every feed polled. Feeds that only a chat
    /// channel subscribed to go to that channel, not to the operator's outputs.
    pub(super) fixed_feeds: Option<HashSet<String>>,
    pub(super) summaries: Arc<dyn SummaryService>,
    pub(super) rules: WatchRules,
    pub(super) book: StoryBook,
    /// The destinations (by name) each story's first post has been queued for; every later item
    /// goes to them as an update, and to a newly interested channel as the whole story.
    pub(super) announced: HashMap<StoryId, BTreeSet<DestinationId>>,
    /// The feeds each story's items came from, which decide the channels it goes to.
    pub(super) story_feeds: HashMap<StoryId, BTreeSet<String>>,
    /// The last summary made of each story, so the summary service can send only what is new.
    pub(super) last_summary: HashMap<StoryId, Summary>,
    pub(super) sent: std::sync::Mutex<SentCounts>,
    /// Set when other instances share the database (see [`Watcher::shared_with_others`]).
    pub(super) sharing: Option<Sharing>,
    /// The story generation the book holds (see [`Store::story_generation`]); a poll's decisions
    /// are committed only if no other instance's came in between.
    pub(super) story_generation: u64,
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
            articles: None,
            destinations,
            platforms: Vec::new(),
            configured: Vec::new(),
            fixed_feeds: None,
            summaries,
            rules,
            book,
            announced: HashMap::new(),
            story_feeds: HashMap::new(),
            last_summary: HashMap::new(),
            sent: std::sync::Mutex::new(SentCounts::default()),
            sharing: None,
            story_generation: 0,
        }
    }

    /// Shares the work with other instances on the same database: feeds are polled under a lease,
    /// deliveries sent under a claim, and the story book is rebuilt from the store at the start of
    /// each round, so stories another instance made are extended, not made again.
    pub fn shared_with_others(mut self, sharing: Sharing) -> Self {
        self.sharing = Some(sharing);
        self
    }

    /// How this watcher shares its database, if it does.
    pub fn sharing(&self) -> Option<&Sharing> {
        self.sharing.as_ref()
    }

    /// Fetches the article page of items whose feed text is a stub (see [`super::fulltext`]).
    pub fn with_full_text(mut self, reader: ArticleReader) -> Self {
        self.articles = Some(reader);
        self
    }

    /// Adds chat platforms: their channels get the stories of the feeds they subscribed to.
    pub fn with_platforms(mut self, platforms: Vec<Arc<dyn Platform>>) -> Self {
        self.platforms = platforms;
        self
    }

    /// Limits the fixed outputs to stories from these feeds (the operator's configured list).
    pub fn fixed_outputs_follow(mut self, feeds: &[FeedSource]) -> Self {
        self.fixed_feeds = Some(feeds.iter().map(ToString::to_string).collect());
        self.configured = feeds.to_vec();
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

    /// One round of every job, in order: what an earlier round decided but did not send goes out
    /// first; then every feed (the configured ones and those channels subscribed to, read afresh
    /// since channels subscribe while the bot runs) is polled and its deliveries sent; then digests
    /// that are due are queued and sent, and old article text expires. A feed that fails to poll is
    /// logged and retried next round; a store failure ends the round with the error.
    pub async fn round(&mut self, now: DateTime<Utc>) -> Result<RoundReport, WatchError> {
        if self.sharing.is_some() {
            self.restore(now).await?;
        }
        let mut report = RoundReport { sent: self.flush(now).await?, ..RoundReport::default() };
        let configured = self.configured.clone();
        for source in &self.sources(&configured).await? {
            let polled = async {
                match self.poll(source, now).await {
                    Ok(poll) => report.new_items += poll.new_items,
                    Err(e) => warn!(error = %e, "Poll failed; it will be retried next round."),
                }
                self.flush(now).await
            }
            .instrument(info_span!("poll", feed = %source))
            .await?;
            report.polled += 1;
            report.sent += polled;
        }
        report.digests = self.queue_digests(now).await?;
        report.sent += self.flush(now).await?;
        self.expire(now, self.rules.keep_text).await?;
        self.forget_old_stories(now);
        Ok(report)
    }

    /// Keeps only the clustering window in memory: a story no new item can join any more (last
    /// updated before `now - max_age - window`) leaves the book, with what the watcher kept about
    /// it. The store still has it; a restart reads back the same window.
    fn forget_old_stories(&mut self, now: DateTime<Utc>) {
        let cutoff = now - self.rules.stories.max_age - self.rules.stories.window;
        for story in self.book.retire(cutoff) {
            self.announced.remove(&story.id);
            self.story_feeds.remove(&story.id);
            self.last_summary.remove(&story.id);
        }
    }

    /// Rebuilds the in-memory story book from the store, after a start or a failed commit, so that
    /// clustering continues where it stopped.
    pub async fn restore(&mut self, now: DateTime<Utc>) -> Result<usize, WatchError> {
        // Read before the stories: a decision committed meanwhile moves it past what the book holds.
        if self.sharing.is_some() {
            self.story_generation = self.store.story_generation().await?;
        }
        self.book = StoryBook::new(self.rules.stories);
        self.announced.clear();
        self.story_feeds.clear();
        self.last_summary.clear();
        let since = now - self.rules.stories.max_age - self.rules.stories.window;
        let records = self.store.stories_since(since).await?;
        for record in &records {
            let payload = StoryPayload::read(&record.payload);
            let to = match payload.announced_to {
                Some(names) => names,
                // Stories stored before channels existed went to every fixed output.
                None if payload.announced => self.destinations.iter().map(|d| d.name()).collect(),
                None => BTreeSet::new(),
            };
            self.announced.insert(StoryId::from(record.id.as_str()), to);
        }
        // The store gives items back in the order they were placed (committed), across instances:
        // a story's id comes from its first item, so replaying in any other order (by id within a
        // round, or by first sighting across instances) could make a story again under a new id,
        // and its next item would post it again as news.
        let items = self.store.items_since(since).await?;
        let mut restored = 0;
        for seen in items {
            let (Some(story_id), Some(text)) = (&seen.story_id, &seen.text) else { continue };
            let story_id = StoryId::from(story_id.as_str());
            self.story_feeds.entry(story_id.clone()).or_default().insert(seen.feed_url.clone());
            let Ok(item) = serde_json::from_str::<StoredItem>(text) else { continue };
            let news = item.news(&seen.item_id, seen.canonical_url.clone(), seen.published.or(Some(seen.seen_at)));
            // Replayed at the moment it was first seen, so the book decides as it did then.
            let placement = self.book.add(news, seen.seen_at, Lexicon::embedded(), Topic::embedded());
            if let Placement::NewStory { story }
            | Placement::Joined { story, .. }
            | Placement::Duplicate { of: story, .. } = &placement
                && *story != story_id
            {
                warn!(item = %seen.item_id, stored = %story_id, restored = %story, "A restored item joined another story than it was stored in; that story may be posted again.");
            }
            restored += 1;
        }
        for record in &records {
            self.book.raise_revision(&StoryId::from(record.id.as_str()), record.revision);
        }
        Ok(restored)
    }

    /// The story as its first post reads now, summarized by the configured service.
    pub(super) async fn story_post(&mut self, story_id: &StoryId) -> StoryPost {
        let story = self.book.story(story_id).expect("placed story exists");
        let summary = self.summaries.summarize(&story.analysis(), self.last_summary.get(story_id)).await;
        let post = StoryPost::from_summary(story, &summary);
        self.last_summary.insert(story_id.clone(), summary);
        post
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

/// What the store keeps of a story beside its id and revision. Typed, so what is written is what is
/// read back; older rows that lack a field read as its default.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct StoryPayload {
    #[serde(default)]
    pub(super) headline: String,
    #[serde(default)]
    pub(super) companies: Vec<String>,
    #[serde(default)]
    pub(super) outlets: Vec<String>,
    /// The destinations (by name) the story's first post was queued for.
    #[serde(default)]
    pub(super) announced_to: Option<BTreeSet<DestinationId>>,
    /// Rows written before channels existed: `true` when the story went to every fixed output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) announced: bool,
}

impl StoryPayload {
    pub(super) fn new(story: &Story, announced_to: Option<&BTreeSet<DestinationId>>) -> Self {
        Self {
            headline: story.headline().to_string(),
            companies: story.companies(),
            outlets: story.outlets(),
            announced_to: Some(announced_to.cloned().unwrap_or_default()),
            announced: false,
        }
    }

    /// Reads a stored payload; one that does not parse reads as empty (nothing announced), as an
    /// untyped read of a missing key did.
    pub(super) fn read(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub(super) fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::{Recorder, feed, item, noon, watcher};
    use serde_json::json;

    #[tokio::test]
    async fn a_round_remembers_a_new_feeds_backlog_then_posts_what_comes_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let (w, _) = watcher(vec![out.clone()], None, false).await;
        let old = item("a1", "Initech", 500, noon() - Duration::hours(2));
        let source = feed(dir.path(), "wire.xml", std::slice::from_ref(&old));
        let mut w = w.fixed_outputs_follow(std::slice::from_ref(&source));
        let first = w.round(noon()).await.unwrap();
        assert_eq!((first.polled, first.new_items, first.sent), (1, 1, 0));
        feed(dir.path(), "wire.xml", &[old, item("b1", "Globex", 300, noon())]);
        let second = w.round(noon() + Duration::minutes(10)).await.unwrap();
        assert_eq!((second.new_items, second.sent), (1, 1));
        assert_eq!(out.kinds(), ["post"]);
        assert!(out.headlines()[0].contains("Globex"), "{:?}", out.headlines());
    }

    #[tokio::test]
    async fn a_round_with_nothing_new_sends_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let (w, _) = watcher(vec![out.clone()], None, true).await;
        let source = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        let mut w = w.fixed_outputs_follow(&[source]);
        assert_eq!(w.round(noon()).await.unwrap().sent, 1);
        assert_eq!(w.round(noon() + Duration::minutes(10)).await.unwrap().sent, 0);
        assert_eq!(out.kinds(), ["post"]);
    }

    #[tokio::test]
    async fn a_restart_restores_who_was_told_so_no_story_is_posted_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let (w, store) = watcher(vec![out.clone()], None, true).await;
        let a = item("a1", "Initech", 500, noon());
        let source = feed(dir.path(), "wire.xml", std::slice::from_ref(&a));
        let mut w = w.fixed_outputs_follow(std::slice::from_ref(&source));
        w.round(noon()).await.unwrap();
        let fetcher = Fetcher::new(crate::feeds::FetchSettings::default()).unwrap();
        let rules = crate::pipeline::testing::rules(true);
        let mut again =
            Watcher::new(store, fetcher, vec![out.clone() as Arc<dyn Destination>], w.summaries.clone(), rules)
                .fixed_outputs_follow(std::slice::from_ref(&source));
        assert_eq!(again.restore(noon()).await.unwrap(), 1);
        let b = "<item><guid>a2</guid><link>https://ledger.example/a2</link><title>Initech memo: the 500 support job cuts finish by June</title><description>Initech told staff the 500 support job cuts tied to its AI agents finish by June, according to a memo seen by Ledger Daily.</description></item>";
        feed(dir.path(), "wire.xml", &[a, b.to_string()]);
        again.round(noon() + Duration::minutes(10)).await.unwrap();
        // Ledger Daily is a new outlet, so the first post is also edited to name it: never posted again.
        assert_eq!(out.kinds(), ["post", "update", "edit"], "the restarted watcher replies in the story's thread");
    }

    /// Regression (a kill -9 soak posted one company's story twice): a story started by the wire's
    /// item and joined by the daily's in the same round came back after a restart under the daily's
    /// id, because replay went in id order ("-daily" before "-first"), and was posted again.
    #[tokio::test]
    async fn a_restart_keeps_a_storys_id_when_another_item_of_its_first_round_sorts_before_its_first() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let (w, store) = watcher(vec![out.clone()], None, true).await;
        let first = item("initech-first", "Initech", 500, noon() - Duration::hours(1));
        let daily = "<item><guid>initech-daily</guid><link>https://daily.example/initech</link><title>Initech support staff hit hardest by AI layoffs</title><description>Ledger Daily has learned that Initech is cutting 500 roles, mostly in support, because its new AI assistant now handles most of the work, an Initech spokesperson confirmed.</description></item>";
        let wire = feed(dir.path(), "wire.xml", std::slice::from_ref(&first));
        let paper = feed(dir.path(), "daily.xml", &[daily.to_string()]);
        let sources = [wire.clone(), paper];
        let mut w = w.fixed_outputs_follow(&sources);
        w.round(noon()).await.unwrap();
        assert_eq!(out.kinds(), ["post", "update", "edit"], "one story: the daily joined the wire's");
        let stored: Vec<String> =
            store.stories_since(noon() - Duration::days(1)).await.unwrap().into_iter().map(|s| s.id).collect();

        let fetcher = Fetcher::new(crate::feeds::FetchSettings::default()).unwrap();
        let rules = crate::pipeline::testing::rules(true);
        let mut again =
            Watcher::new(store, fetcher, vec![out.clone() as Arc<dyn Destination>], w.summaries.clone(), rules)
                .fixed_outputs_follow(&sources);
        assert_eq!(again.restore(noon()).await.unwrap(), 2);
        let restored: Vec<String> = again.book.stories().iter().map(|s| s.id.to_string()).collect();
        assert_eq!(restored, stored, "the story comes back under the id it was announced by");
        let revised = "<item><guid>initech-revised</guid><link>https://wire.example/initech-revised</link><title>Initech raises its AI layoffs to 800 jobs</title><description>Initech will now lay off 800 employees as its AI agents take on more support work, the company said in an updated statement.</description></item>";
        feed(dir.path(), "wire.xml", &[first, revised.to_string()]);
        again.round(noon() + Duration::minutes(10)).await.unwrap();
        assert_eq!(out.kinds().iter().filter(|k| **k == "post").count(), 1, "posted once: {:?}", out.kinds());
    }

    #[test]
    fn the_story_payload_reads_rows_written_before_it_was_typed() {
        let legacy = StoryPayload::read(&json!({"headline": "h", "announced": true}));
        assert!(legacy.announced && legacy.announced_to.is_none());
        let current =
            StoryPayload::read(&json!({"headline": "h", "companies": ["Initech"], "announced_to": ["slack:C1"]}));
        assert_eq!(current.announced_to, Some(BTreeSet::from([DestinationId::channel("slack", "C1")])));
        assert_eq!(StoryPayload::read(&json!("not an object")), StoryPayload::default());
        let written = current.to_value();
        assert!(written.get("announced").is_none(), "{written}");
        assert_eq!(StoryPayload::read(&written), current);
    }
}
