//! Persistence: everything layoffwatch must remember across restarts.
//!
//! The store owns feeds and their HTTP validators, the ids (and, for a while, the text) of items
//! already seen, the stories built from them, the outbox of deliveries to chat platforms,
//! subscriptions and digest schedules, and the ids of chat events already handled. It stores story
//! and delivery payloads as JSON it does not interpret, so it imports nothing else of this crate.
//!
//! Two guarantees matter more than the rest:
//! - [`Store::commit_poll`] writes everything one feed poll decided (validators, seen items, story
//!   upserts, outbox rows) in one transaction: after a crash either all of it is there or none of
//!   it is, so nothing decided is lost and nothing is decided twice.
//! - Deliveries carry an idempotency key; inserting one whose key already exists does nothing,
//!   which is how a replay after a crash is recognised instead of posted again.
//!
//! Privacy: chat message text is never written here. The store keeps ids, hashes, article text
//! for clustering and the text of article pages fetched for it (which [`Store::expire_text`]
//! removes after a cut-off) and the bot's own posts.
//!
//! The store has no clock: every time it records comes from the caller, so tests can pin it.
//!
//! Several instances can share one PostgreSQL database. They split the work through leases the
//! store keeps: a feed is polled by the instance that leased it ([`Store::lease_feed`]) and a
//! delivery sent by the instance that claimed it ([`Store::claim_deliveries`]); a lease expires, so
//! the work of an instance that died is taken over. Chat event ids and the inbox are rows like any
//! other, so they are shared too. Other work one instance at a time may do (a range of Discord
//! shards) is held under a named lease ([`Store::take_lease`]), and the LLM's daily token budget and
//! its cached story replies are rows every instance reads and updates atomically.
//!
//! - [`sqlite`]: the default backend, one SQLite file in WAL mode.
//! - [`postgres`]: the shared backend, one PostgreSQL database for one or more instances.
//! - [`backend`]: the store the app opens, whichever of the two `LAYOFFWATCH_DB` names.
//! - [`copy`]: copying an installation from one database to another (`layoffwatch migrate`).
//! - [`error`]: what can go wrong, with what to do about it.
//!
//! [`Store`] is generic rather than `dyn`; [`backend::AnyStore`] picks a backend at run time.

pub mod backend;
pub mod copy;
pub mod error;
pub mod postgres;
pub mod sqlite;

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::secret::Secret;

pub use backend::AnyStore;
pub use error::StoreError;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What the poller remembers about one feed between polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedState {
    /// The feed's address as configured; the key.
    pub url: String,
    /// The `ETag` of the last successful fetch, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last successful fetch, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Failed polls in a row; the poller backs off on it and resets it on success.
    pub consecutive_failures: u32,
    /// Why the poller stopped polling this feed (e.g. gone for good), or `None` while active.
    pub disabled_reason: Option<String>,
    /// When the feed was last polled, successfully or not.
    pub last_polled: Option<DateTime<Utc>>,
    /// Whether a first poll has been recorded. The first poll of a new feed marks its backlog as
    /// seen without posting it, so subscribing does not flood a channel.
    pub first_poll_done: bool,
    /// Not before then: a server's `Retry-After`, or the backoff after failures.
    pub retry_at: Option<DateTime<Utc>>,
}

impl FeedState {
    /// A feed never polled: no validators, no failures.
    pub fn new(url: impl Into<String>) -> Self {
        FeedState {
            url: url.into(),
            etag: None,
            last_modified: None,
            consecutive_failures: 0,
            disabled_reason: None,
            last_polled: None,
            first_poll_done: false,
            retry_at: None,
        }
    }
}

/// A feed item already processed, kept so it is never processed again and so the clustering
/// index can be rebuilt on start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenItem {
    /// The stable item id derived by the feed reader; the key.
    pub item_id: String,
    /// The feed the item came from.
    pub feed_url: String,
    /// The article's canonical address, when known; the same article reached through two feeds
    /// shares it.
    pub canonical_url: Option<String>,
    /// The SimHash of the article text, for near-duplicate detection. Stored as the same 64 bits
    /// in a signed column.
    pub simhash: u64,
    /// The story the item was folded into, or `None` when it was skipped (e.g. off-topic).
    pub story_id: Option<String>,
    /// When the outlet says it published the item.
    pub published: Option<DateTime<Utc>>,
    /// When layoffwatch first saw the item; text expiry counts from here.
    pub seen_at: DateTime<Utc>,
    /// The article text, kept for clustering until it expires (see [`Store::expire_text`]).
    /// Never chat message text.
    pub text: Option<String>,
}

/// A story as the core last decided it; the payload is the core's own JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryRecord {
    /// The story id; the key.
    pub id: String,
    /// Bumped by the core each time the story changes; an upsert never moves it backwards.
    pub revision: u32,
    /// The story as JSON, uninterpreted here.
    pub payload: serde_json::Value,
    /// When the story was first created; kept as is by later upserts.
    pub first_seen: DateTime<Utc>,
    /// When the story last changed.
    pub updated_at: DateTime<Utc>,
}

/// What a delivery does on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryKind {
    /// The story's first post; its platform reference is the story's thread.
    Post,
    /// New coverage, posted as a reply in the story's thread.
    Update,
    /// An edit of the story's first post.
    Edit,
    /// A correction posted in the thread, where the platform cannot edit.
    Correction,
    /// A channel's periodic digest; it belongs to no single story.
    Digest,
}

impl DeliveryKind {
    /// The name stored in the database and used in idempotency keys.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Post => "post",
            DeliveryKind::Update => "update",
            DeliveryKind::Edit => "edit",
            DeliveryKind::Correction => "correction",
            DeliveryKind::Digest => "digest",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "post" => DeliveryKind::Post,
            "update" => DeliveryKind::Update,
            "edit" => DeliveryKind::Edit,
            "correction" => DeliveryKind::Correction,
            "digest" => DeliveryKind::Digest,
            _ => return None,
        })
    }
}

impl fmt::Display for DeliveryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting to be sent, at once or after `next_attempt_at`.
    Pending,
    /// Accepted by the platform.
    Sent,
    /// Given up on; kept for inspection.
    Failed,
}

impl DeliveryState {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => DeliveryState::Pending,
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => return None,
        })
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outbox row id of a delivery. A type of its own so it cannot be mixed up with a story id
/// or a platform message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId(pub i64);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A delivery the pipeline decided on, to be queued in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    /// The idempotency key: story id + destination + revision + kind (see
    /// [`NewDelivery::idempotency_key`]). A second delivery with the same key is ignored.
    pub key: String,
    /// The story this delivery is about; must exist in the store (or in the same commit). `None`
    /// exactly for a digest, which covers many stories.
    pub story_id: Option<String>,
    /// The destination, e.g. `slack:C0123` or `discord:123456`; opaque here.
    pub destination: String,
    /// What to do on the platform.
    pub kind: DeliveryKind,
    /// The platform-neutral message as JSON, uninterpreted here.
    pub payload: serde_json::Value,
}

impl NewDelivery {
    /// The conventional idempotency key, `story/destination/revision/kind`. Callers may use any
    /// key as long as the same decision always produces the same key.
    pub fn idempotency_key(story_id: &str, destination: &str, revision: u32, kind: DeliveryKind) -> String {
        format!("{story_id}/{destination}/{revision}/{kind}")
    }
}

/// A delivery in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The row id; deliveries are sent in id order.
    pub id: DeliveryId,
    /// The idempotency key it was queued with.
    pub key: String,
    /// The story it is about; `None` for a digest.
    pub story_id: Option<String>,
    /// Where it goes.
    pub destination: String,
    /// What it does.
    pub kind: DeliveryKind,
    /// The message, as queued.
    pub payload: serde_json::Value,
    /// Pending, sent or failed.
    pub state: DeliveryState,
    /// Attempts made so far, successful or not.
    pub attempts: u32,
    /// When the next attempt is due; `None` for a delivery never tried, which is due at once.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// The platform's reference to the sent message (e.g. a Slack `ts`, a Discord message id).
    pub platform_ref: Option<String>,
    /// Claimed before by an instance that neither sent, retried nor deferred it: that instance stopped
    /// mid-send, so what it sent may be on the platform without a record here.
    pub lapsed_claim: bool,
}

impl Delivery {
    /// Whether an earlier attempt may have reached the platform unrecorded (tried before, or left by an
    /// instance that stopped mid-send): the destination must look before posting it again, whatever
    /// this process remembers of the place.
    pub fn may_be_posted(&self) -> bool {
        self.attempts > 0 || self.lapsed_claim
    }
}

/// Everything one feed poll decided, written by [`Store::commit_poll`] all or nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct PollCommit {
    /// The feed's new state (validators, failure count, `last_polled`).
    pub feed: FeedState,
    /// Items seen in this poll; an item already stored is updated, keeping its `seen_at`.
    pub items: Vec<SeenItem>,
    /// Stories created or changed; upserted by id, never to an older revision.
    pub stories: Vec<StoryRecord>,
    /// Deliveries to queue; those whose key is already in the outbox are ignored.
    pub deliveries: Vec<NewDelivery>,
}

/// What [`Store::commit_poll`] wrote, for logs and for recognising a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommitSummary {
    /// Deliveries newly queued.
    pub deliveries_queued: u64,
    /// Deliveries ignored because their key was already in the outbox (a replay).
    pub deliveries_ignored: u64,
    /// Stories whose stored revision was newer than the one offered, left as they were.
    pub stale_stories_ignored: u64,
}

/// A feed watched in a chat channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// `slack` or `discord`; opaque here.
    pub platform: String,
    /// The platform's channel id.
    pub channel: String,
    /// The feed address.
    pub feed: String,
    /// The platform user id of whoever subscribed (an id, never a name or message).
    pub added_by: String,
    /// When the subscription was added.
    pub added_at: DateTime<Utc>,
}

/// How often a channel gets a digest of stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestMode {
    /// No digest.
    Off,
    /// Every hour, on the hour.
    Hourly,
    /// Once a day at this UTC time (minutes precision).
    Daily {
        /// The time of day, written `HH:MM`.
        at: NaiveTime,
    },
}

impl fmt::Display for DigestMode {
    /// The text stored in the database and accepted by [`DigestMode::from_str`]: `off`,
    /// `hourly` or `daily HH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DigestMode::Off => f.write_str("off"),
            DigestMode::Hourly => f.write_str("hourly"),
            DigestMode::Daily { at } => write!(f, "daily {}", at.format("%H:%M")),
        }
    }
}

impl FromStr for DigestMode {
    type Err = StoreError;

    /// Parses `off`, `hourly`, `daily HH:MM` (also `daily@HH:MM`), case-insensitively.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || StoreError::InvalidDigestMode { value: text.to_owned() };
        let lower = text.trim().to_ascii_lowercase();
        match lower.as_str() {
            "off" => Ok(DigestMode::Off),
            "hourly" => Ok(DigestMode::Hourly),
            _ => {
                let at =
                    lower.strip_prefix("daily").map(|rest| rest.trim_start_matches(['@', ' '])).ok_or_else(invalid)?;
                // Exactly HH:MM, so "9:5" or "09:00:30" are refused rather than guessed at.
                if at.len() != 5 {
                    return Err(invalid());
                }
                let at = NaiveTime::parse_from_str(at, "%H:%M").map_err(|_| invalid())?;
                Ok(DigestMode::Daily { at })
            }
        }
    }
}

/// The digest schedule of one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSchedule {
    /// `slack` or `discord`.
    pub platform: String,
    /// The platform's channel id.
    pub channel: String,
    /// How often.
    pub mode: DigestMode,
    /// The end of the period the last queued digest covered; `None` before the first.
    pub last_sent_at: Option<DateTime<Utc>>,
}

/// A chat command or event the bot acknowledged and has not answered yet (see the `inbox` table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    /// The platform's id for it (an Events API `event_id`, a `trigger_id`, an interaction id), also
    /// the id it is deduplicated by.
    pub id: String,
    /// `slack` or `discord`; opaque here.
    pub platform: String,
    /// What to do, as JSON: ids and a command's arguments, never chat message text.
    pub work: String,
    /// Where the answer goes when it needs a credential: an interaction token or a `response_url`.
    pub reply_to: Option<Secret>,
    /// The command's answer as JSON, once its effect is applied.
    pub reply: Option<String>,
    pub received_at: DateTime<Utc>,
    /// After this the reply cannot be delivered any more (the token expired); the entry is dropped.
    pub expires_at: DateTime<Utc>,
}

/// What one instance holds at a moment, and how old the outbox is, for `/healthz` and `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaseCounts {
    /// Feeds this instance has leased and whose lease has not expired.
    pub feeds: u64,
    /// Pending deliveries this instance has claimed and whose claim has not expired.
    pub deliveries: u64,
    /// When the oldest pending delivery was queued (by the database's clock), if any is pending.
    pub oldest_pending: Option<DateTime<Utc>>,
}

/// A named lease as the database holds it: work one instance at a time may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// What is leased, e.g. `discord-shards:0-3/8`; the key.
    pub name: String,
    /// The instance holding it.
    pub owner: String,
    /// When it runs out unless renewed.
    pub until: DateTime<Utc>,
}

/// What became of an attempt to take (or renew) a named lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseTaken {
    /// Another instance holds it and its lease has not run out.
    Refused,
    /// It is the caller's until the new end: it was free (never held, or released), or already the
    /// caller's (a renewal, even one a little late that nobody took meanwhile).
    Held,
    /// It was another instance's and that lease had run out: the caller took over the work of an
    /// instance that stopped renewing (most likely it died).
    TakenOver {
        /// The instance that held it.
        from: String,
    },
}

/// What a reservation against the LLM's daily token budget found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenReservation {
    /// Reserved; `used` is the day's count with this reservation in it.
    Granted { used: u64 },
    /// Refused, nothing counted: the day's count `used` plus the request would pass the limit.
    Exhausted { used: u64 },
}

/// An article page's extracted text, cached so a page is fetched once, not once per poll or feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    /// The page's address as the feed linked it; the key.
    pub url: String,
    /// The main text, or `None` when the page had none worth keeping (a paywall, cookie wall or
    /// consent page): the feed's excerpt stands.
    pub text: Option<String>,
    /// The page's `ETag`, for a conditional GET when the entry is refreshed.
    pub etag: Option<String>,
    /// The page's `Last-Modified`, likewise.
    pub last_modified: Option<String>,
    /// When the page was last fetched (or revalidated); expiry counts from here.
    pub fetched_at: DateTime<Utc>,
}

/// The persistence operations layoffwatch needs, so backends (SQLite, PostgreSQL) are
/// interchangeable. Used generically (`S: Store`), not as `dyn Store`; every future is `Send` so
/// calls can run inside spawned tasks.
///
/// Every time recorded comes from the caller; a backend never reads the clock.
pub trait Store: Send + Sync {
    // ----- feeds -----

    /// The stored state of a feed, or `None` if it was never saved.
    fn get_feed(&self, url: &str) -> impl Future<Output = Result<Option<FeedState>, StoreError>> + Send;

    /// Saves a feed's state, replacing what was stored. Use it for polls that decided nothing
    /// else (a failure, a `304 Not Modified`); use [`Store::commit_poll`] otherwise.
    fn save_feed(&self, feed: &FeedState) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every stored feed, ordered by url.
    fn list_feeds(&self) -> impl Future<Output = Result<Vec<FeedState>, StoreError>> + Send;

    // ----- seen items -----

    /// Which of these item ids were already seen.
    fn seen_ids(&self, ids: &[String]) -> impl Future<Output = Result<HashSet<String>, StoreError>> + Send;

    /// Items first seen at or after `since`, in the order they were placed into stories (committed):
    /// what the story book is rebuilt from, and a story's id comes from its first item. Not by
    /// `seen_at`: items of one round share it, and an instance may commit a round's items after
    /// another instance committed those of a later round.
    fn items_since(&self, since: DateTime<Utc>) -> impl Future<Output = Result<Vec<SeenItem>, StoreError>> + Send;

    /// The items folded into story `story_id`, oldest first: what its claims are recomputed from
    /// when a reader asks for the full list.
    fn story_items(&self, story_id: &str) -> impl Future<Output = Result<Vec<SeenItem>, StoreError>> + Send;

    /// Removes the article text of items seen before `older_than` (the ids and hashes stay, so
    /// they are still recognised), and the cached [`ArticleText`] of pages fetched before then.
    /// Returns how many items and pages lost their text. Privacy: article text is kept only as long
    /// as clustering needs it, 30 days by default.
    fn expire_text(&self, older_than: DateTime<Utc>) -> impl Future<Output = Result<u64, StoreError>> + Send;

    // ----- article pages -----

    /// The cached text of the page at `url`, if it was fetched and has not expired.
    fn article_text(&self, url: &str) -> impl Future<Output = Result<Option<ArticleText>, StoreError>> + Send;

    /// Caches a page's text, replacing what was cached for its url.
    fn save_article_text(&self, article: &ArticleText) -> impl Future<Output = Result<(), StoreError>> + Send;

    // ----- stories -----

    /// A story by id.
    fn get_story(&self, id: &str) -> impl Future<Output = Result<Option<StoryRecord>, StoreError>> + Send;

    /// Stories updated at or after `since`, least recently updated first (for digests).
    fn stories_since(&self, since: DateTime<Utc>) -> impl Future<Output = Result<Vec<StoryRecord>, StoreError>> + Send;

    // ----- the poll transaction -----

    /// Writes everything one poll decided in a single transaction: the feed state, the seen
    /// items, the story upserts and the outbox rows. On error nothing of it is written.
    fn commit_poll(&self, commit: &PollCommit) -> impl Future<Output = Result<CommitSummary, StoreError>> + Send;

    /// How many polls have made story decisions so far, for an instance that shares the database:
    /// read before it rebuilds its story book, it says which decisions that book holds.
    fn story_generation(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// [`Store::commit_poll`] for an instance that decided on the stories as of `generation`: a
    /// commit that touches stories is refused with [`StoreError::StoriesMoved`] (writing nothing)
    /// when another instance committed story decisions since, and otherwise advances the
    /// generation by one. A commit that touches no story is written as by `commit_poll`.
    fn commit_poll_at(
        &self,
        commit: &PollCommit,
        generation: u64,
    ) -> impl Future<Output = Result<CommitSummary, StoreError>> + Send;

    // ----- outbox -----

    /// Pending deliveries due at `now` (never tried, or `next_attempt_at <= now`), oldest first,
    /// at most `limit`.
    fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// A delivery by id, in any state.
    fn get_delivery(&self, id: DeliveryId) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// A delivery by idempotency key, in any state.
    fn delivery_by_key(&self, key: &str) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// Records that the platform accepted a pending delivery, with its reference to the message.
    fn mark_sent(
        &self,
        id: DeliveryId,
        platform_ref: Option<&str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records a failed attempt of a pending delivery and when to try again.
    fn mark_retry(
        &self,
        id: DeliveryId,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Gives up on a pending delivery (the caller decides when: attempts, a permanent error).
    fn mark_failed(&self, id: DeliveryId, error: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The platform reference of the story's first sent post to this destination: the thread
    /// later updates reply into.
    fn thread_ref(
        &self,
        story_id: &str,
        destination: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Whether the story's first post to this destination is still waiting in the outbox: replies
    /// wait for it, so a thread never starts with its own update.
    fn post_pending(&self, story_id: &str, destination: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether a delivery of the story to this destination queued before `id` is still pending:
    /// with instances sharing the outbox, a later edit must not overtake an earlier one (the post
    /// would end up showing the older revision), nor a reply the one before it.
    fn earlier_pending(
        &self,
        story_id: &str,
        destination: &str,
        id: DeliveryId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Moves a pending delivery to a later time without counting an attempt (it was held back, not
    /// tried).
    fn defer(
        &self,
        id: DeliveryId,
        next_attempt_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    // ----- subscriptions and digests -----

    /// Adds a subscription; returns `false` (and changes nothing) if the channel already watches
    /// that feed.
    fn add_subscription(&self, subscription: &Subscription) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes a subscription; returns whether there was one.
    fn remove_subscription(
        &self,
        platform: &str,
        channel: &str,
        feed: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A channel's subscriptions, ordered by feed.
    fn subscriptions_for_channel(
        &self,
        platform: &str,
        channel: &str,
    ) -> impl Future<Output = Result<Vec<Subscription>, StoreError>> + Send;

    /// Every subscription, ordered by platform, channel and feed.
    fn all_subscriptions(&self) -> impl Future<Output = Result<Vec<Subscription>, StoreError>> + Send;

    /// Sets a channel's digest schedule, replacing any previous one.
    fn set_digest(
        &self,
        platform: &str,
        channel: &str,
        mode: DigestMode,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A channel's digest schedule, or `None` if never set (the caller applies its default).
    fn get_digest(
        &self,
        platform: &str,
        channel: &str,
    ) -> impl Future<Output = Result<Option<DigestMode>, StoreError>> + Send;

    /// Every channel with a schedule other than `Off`, for the digest scheduler.
    fn list_digests(&self) -> impl Future<Output = Result<Vec<DigestSchedule>, StoreError>> + Send;

    /// Queues a channel's digest (none for a period without news) and records the end of the period
    /// it covers, in one transaction, so a crash neither skips a period nor sends it twice. Returns
    /// whether a digest was newly queued.
    fn queue_digest(
        &self,
        platform: &str,
        channel: &str,
        covered_to: DateTime<Utc>,
        delivery: Option<&NewDelivery>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    // ----- processed chat events -----

    /// Records a platform event id as handled at `now`; returns `true` if it was new, `false` if
    /// it was already handled (a redelivery to ignore).
    fn mark_event_seen(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Forgets event ids handled before `older_than`; returns how many. Platforms redeliver for
    /// minutes or hours, not days, so a day's history is plenty.
    fn prune_events(&self, older_than: DateTime<Utc>) -> impl Future<Output = Result<u64, StoreError>> + Send;

    // ----- the inbox of acknowledged chat work -----

    /// Records `entry.id` as a handled event and writes the entry, in one transaction; returns
    /// `false` (writing nothing) when the id was handled before (a redelivery).
    fn inbox_accept(&self, entry: &InboxEntry) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the answer of an entry whose effect is applied.
    fn inbox_answer(&self, id: &str, reply: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes an entry: its reply was delivered, or can no longer be.
    fn inbox_remove(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A platform's entries, oldest first.
    fn inbox_entries(&self, platform: &str) -> impl Future<Output = Result<Vec<InboxEntry>, StoreError>> + Send;

    /// Takes the platform's entries nobody works on, oldest first, for the caller until `until`: an
    /// entry accepted before `accepted_before` that no instance resumed since (its accepter had time
    /// to answer it, so it most likely stopped), or one whose last resumer's claim ran out at `now`.
    /// Two instances never take the same entry at once, so one started while another is answering an
    /// entry leaves it alone.
    fn inbox_take(
        &self,
        platform: &str,
        now: DateTime<Utc>,
        accepted_before: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<InboxEntry>, StoreError>> + Send;

    // ----- leases shared by several instances -----

    /// Leases a feed's next poll to `owner` until `until`, unless another lease on it is still
    /// running at `now`; returns whether `owner` got it. A lease is kept to its end, so the feed
    /// is polled once per lease by whichever instance takes it, and an instance that dies loses
    /// its feeds when their leases run out.
    fn lease_feed(
        &self,
        url: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Claims up to `limit` due deliveries (as [`Store::due_deliveries`]) that no running claim
    /// holds, for `owner` until `until`, oldest first. Two instances never claim the same row at
    /// the same time; marking a delivery (sent, retry, failed, deferred) ends its claim, and a
    /// claim of an instance that died runs out, so its deliveries are sent by another.
    fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// What `owner` holds at `now`, and the age of the outbox.
    fn leases_held(
        &self,
        owner: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<LeaseCounts, StoreError>> + Send;

    // ----- named leases -----

    /// Takes the lease `name` for `owner` until `until`, or renews it when `owner` holds it
    /// already; refused while another owner's lease runs at `now`. Two instances asking at once
    /// never both get it. Says whether it was taken over from an instance whose lease ran out.
    fn take_lease(
        &self,
        name: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<LeaseTaken, StoreError>> + Send;

    /// Gives up `name` if `owner` holds it (whether or not it ran out), so another instance may take
    /// it at once and without counting a take-over; returns whether it did.
    fn release_lease(&self, name: &str, owner: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The leases whose names start with `prefix` and that run at `now`, by name.
    fn leases(&self, prefix: &str, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<Lease>, StoreError>> + Send;

    // ----- the LLM's shared budget and replies -----

    /// Adds `tokens` to the count of `day` unless that would pass `limit`, atomically, so
    /// instances sharing the database never spend more than one budget between them.
    fn reserve_llm_tokens(
        &self,
        day: NaiveDate,
        tokens: u64,
        limit: u64,
    ) -> impl Future<Output = Result<TokenReservation, StoreError>> + Send;

    /// Replaces a reservation of `reserved` tokens on `day` with the `used` tokens the call
    /// actually cost (0 when it failed before the server worked on it).
    fn settle_llm_tokens(
        &self,
        day: NaiveDate,
        reserved: u64,
        used: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Tokens counted on `day` so far.
    fn llm_tokens_used(&self, day: NaiveDate) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The reply cached under `key` (a hash of the request), unless it expired by `now`.
    fn cached_llm_reply(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, StoreError>> + Send;

    /// Caches `reply` under `key` until `expires_at`, replacing an older one, and forgets replies
    /// that expired by `now`. Only story summaries: a thread summary's reply comes from chat text,
    /// which is never stored.
    fn cache_llm_reply(
        &self,
        key: &str,
        reply: &serde_json::Value,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_modes_read_back_what_they_write() {
        let daily = DigestMode::Daily { at: NaiveTime::from_hms_opt(9, 5, 0).unwrap() };
        for mode in [DigestMode::Off, DigestMode::Hourly, daily] {
            assert_eq!(mode.to_string().parse::<DigestMode>().unwrap(), mode);
        }
        assert_eq!(daily.to_string(), "daily 09:05");
        assert_eq!("Daily@09:05".parse::<DigestMode>().unwrap(), daily);
    }

    #[test]
    fn a_digest_time_that_is_not_hh_mm_is_refused_with_the_expected_form() {
        for bad in ["daily", "daily 9:5", "daily 25:00", "daily 09:00:30", "weekly"] {
            let err = bad.parse::<DigestMode>().unwrap_err();
            assert!(err.to_string().contains("daily HH:MM"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_idempotency_key_names_story_destination_revision_and_kind() {
        assert_eq!(NewDelivery::idempotency_key("s1", "slack:C1", 3, DeliveryKind::Update), "s1/slack:C1/3/update");
    }

    #[test]
    fn delivery_kinds_and_states_parse_their_own_names() {
        for kind in [DeliveryKind::Post, DeliveryKind::Update, DeliveryKind::Edit, DeliveryKind::Correction] {
            assert_eq!(DeliveryKind::parse(kind.as_str()), Some(kind));
        }
        for state in [DeliveryState::Pending, DeliveryState::Sent, DeliveryState::Failed] {
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
        }
    }
}
