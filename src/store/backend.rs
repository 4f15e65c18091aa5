//! The store the app opens: SQLite or PostgreSQL, whichever `LAYOFFWATCH_DB` names. The pipeline
//! and the commands are generic over [`Store`]; this enum lets one binary choose at run time
//! without making everything above it generic twice.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::postgres::{PgStore, is_postgres_url};
use super::{
    ArticleText, CommitSummary, Delivery, DeliveryId, DigestMode, DigestSchedule, FeedState, InboxEntry, Lease,
    LeaseCounts, LeaseTaken, NewDelivery, PollCommit, SeenItem, SqliteStore, Store, StoreError, StoryRecord,
    Subscription, TokenReservation,
};

/// One of the two backends.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// One SQLite file, one instance.
    Sqlite(SqliteStore),
    /// One PostgreSQL database, one or more instances.
    Postgres(PgStore),
}

impl AnyStore {
    /// Opens a `postgres://` (or `postgresql://`) URL as PostgreSQL, anything else as SQLite, and
    /// brings the schema up to date.
    pub async fn open(location: &str) -> Result<AnyStore, StoreError> {
        if is_postgres_url(location) {
            Ok(AnyStore::Postgres(PgStore::open(location).await?))
        } else {
            Ok(AnyStore::Sqlite(SqliteStore::open(location).await?))
        }
    }

    /// `sqlite` or `postgres`, for `/healthz` and logs.
    pub fn backend_name(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }

    /// Runs a trivial query: whether the database answers now.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let result = match self {
            AnyStore::Sqlite(s) => sqlx::query("SELECT 1").execute(s.pool()).await.map(drop),
            AnyStore::Postgres(s) => sqlx::query("SELECT 1").execute(s.pool()).await.map(drop),
        };
        result.map_err(StoreError::database("reach the database"))
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }
}

/// Forwards a trait method to whichever backend this is.
macro_rules! forward {
    ($(fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $out:ty;)*) => {
        $(
            async fn $name(&self $(, $arg: $ty)*) -> Result<$out, StoreError> {
                match self {
                    AnyStore::Sqlite(s) => s.$name($($arg),*).await,
                    AnyStore::Postgres(s) => s.$name($($arg),*).await,
                }
            }
        )*
    };
}

impl Store for AnyStore {
    forward! {
        fn get_feed(&self, url: &str) -> Option<FeedState>;
        fn save_feed(&self, feed: &FeedState) -> ();
        fn list_feeds(&self) -> Vec<FeedState>;
        fn seen_ids(&self, ids: &[String]) -> HashSet<String>;
        fn items_since(&self, since: DateTime<Utc>) -> Vec<SeenItem>;
        fn story_items(&self, story_id: &str) -> Vec<SeenItem>;
        fn expire_text(&self, older_than: DateTime<Utc>) -> u64;
        fn article_text(&self, url: &str) -> Option<ArticleText>;
        fn save_article_text(&self, article: &ArticleText) -> ();
        fn get_story(&self, id: &str) -> Option<StoryRecord>;
        fn stories_since(&self, since: DateTime<Utc>) -> Vec<StoryRecord>;
        fn commit_poll(&self, commit: &PollCommit) -> CommitSummary;
        fn story_generation(&self) -> u64;
        fn commit_poll_at(&self, commit: &PollCommit, generation: u64) -> CommitSummary;
        fn due_deliveries(&self, now: DateTime<Utc>, limit: u32) -> Vec<Delivery>;
        fn get_delivery(&self, id: DeliveryId) -> Option<Delivery>;
        fn delivery_by_key(&self, key: &str) -> Option<Delivery>;
        fn mark_sent(&self, id: DeliveryId, platform_ref: Option<&str>) -> ();
        fn mark_retry(&self, id: DeliveryId, error: &str, next_attempt_at: DateTime<Utc>) -> ();
        fn mark_failed(&self, id: DeliveryId, error: &str) -> ();
        fn thread_ref(&self, story_id: &str, destination: &str) -> Option<String>;
        fn post_pending(&self, story_id: &str, destination: &str) -> bool;
        fn earlier_pending(&self, story_id: &str, destination: &str, id: DeliveryId) -> bool;
        fn defer(&self, id: DeliveryId, next_attempt_at: DateTime<Utc>) -> ();
        fn add_subscription(&self, subscription: &Subscription) -> bool;
        fn remove_subscription(&self, platform: &str, channel: &str, feed: &str) -> bool;
        fn subscriptions_for_channel(&self, platform: &str, channel: &str) -> Vec<Subscription>;
        fn all_subscriptions(&self) -> Vec<Subscription>;
        fn set_digest(&self, platform: &str, channel: &str, mode: DigestMode) -> ();
        fn get_digest(&self, platform: &str, channel: &str) -> Option<DigestMode>;
        fn list_digests(&self) -> Vec<DigestSchedule>;
        fn queue_digest(&self, platform: &str, channel: &str, covered_to: DateTime<Utc>, delivery: Option<&NewDelivery>) -> bool;
        fn mark_event_seen(&self, event_id: &str, now: DateTime<Utc>) -> bool;
        fn prune_events(&self, older_than: DateTime<Utc>) -> u64;
        fn inbox_accept(&self, entry: &InboxEntry) -> bool;
        fn inbox_answer(&self, id: &str, reply: &str) -> ();
        fn inbox_remove(&self, id: &str) -> ();
        fn inbox_entries(&self, platform: &str) -> Vec<InboxEntry>;
        fn inbox_take(&self, platform: &str, now: DateTime<Utc>, accepted_before: DateTime<Utc>, until: DateTime<Utc>) -> Vec<InboxEntry>;
        fn lease_feed(&self, url: &str, owner: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> bool;
        fn claim_deliveries(&self, owner: &str, now: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> Vec<Delivery>;
        fn leases_held(&self, owner: &str, now: DateTime<Utc>) -> LeaseCounts;
        fn take_lease(&self, name: &str, owner: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> LeaseTaken;
        fn release_lease(&self, name: &str, owner: &str) -> bool;
        fn leases(&self, prefix: &str, now: DateTime<Utc>) -> Vec<Lease>;
        fn reserve_llm_tokens(&self, day: NaiveDate, tokens: u64, limit: u64) -> TokenReservation;
        fn settle_llm_tokens(&self, day: NaiveDate, reserved: u64, used: u64) -> ();
        fn llm_tokens_used(&self, day: NaiveDate) -> u64;
        fn cached_llm_reply(&self, key: &str, now: DateTime<Utc>) -> Option<serde_json::Value>;
        fn cache_llm_reply(&self, key: &str, reply: &serde_json::Value, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> ();
    }
}
