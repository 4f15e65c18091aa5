//! What several instances on one database share beyond feeds and deliveries, bridged to the store:
//! the Discord adapter's shard leases ([`StoreShardLeases`]) and the LLM's token count and story
//! replies ([`StoreBooks`]). The adapter and the LLM define what they need as traits and never see
//! the store; this module, like `app`, sees both.
//!
//! Shard ranges are named leases `discord-shards:FIRST-LAST/TOTAL`. Each instance also renews a
//! lease `instance:NAME` on every tick, so the others can count who is alive: an instance runs at
//! most its fair share of the ranges (the ranges divided by the instances alive, rounded up), takes
//! free ranges while it runs fewer, and gives one up when it runs more, so a new instance gets work
//! and a dead one's ranges are taken over when their leases run out.

use crate::adapters::discord::shards::{Change, LeaseError, ShardLeases, ShardRange};
use crate::llm::books::{Books, BooksError, Reserved};
use crate::metrics::{Counter, Metrics};
use crate::store::{Lease, LeaseTaken, Store, StoreError, TokenReservation};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use std::time::Duration;

/// The name prefix of shard range leases.
pub const SHARD_LEASES: &str = "discord-shards:";

/// The name prefix of the leases that say an instance is alive.
pub const INSTANCE_LEASES: &str = "instance:";

/// Leases taken from an instance whose lease ran out without renewal (it most likely died).
pub const LEASE_TAKEOVERS: Counter = Counter {
    name: "layoffwatch_lease_takeovers_total",
    help: "Leases this instance took over from another whose lease had run out, by kind.",
    label: Some("lease"),
};

/// The shard ranges `owner` holds at `now`, from the store's leases.
pub async fn shard_ranges_held<S: Store>(
    store: &S,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ShardRange>, StoreError> {
    Ok(store
        .leases(SHARD_LEASES, now)
        .await?
        .into_iter()
        .filter(|lease| lease.owner == owner)
        .filter_map(|lease| lease.name.strip_prefix(SHARD_LEASES).and_then(ShardRange::parse))
        .collect())
}

/// The Discord adapter's shard leases, held in the store.
pub struct StoreShardLeases<S> {
    store: S,
    owner: String,
    lease: Duration,
    ranges: Vec<ShardRange>,
    metrics: Arc<Metrics>,
}

impl<S: Store> StoreShardLeases<S> {
    /// Leases for `owner` on `ranges` (every range of the bot), each lasting `lease`.
    pub fn new(
        store: S,
        owner: impl Into<String>,
        lease: Duration,
        ranges: Vec<ShardRange>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self { store, owner: owner.into(), lease, ranges, metrics }
    }

    fn until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::MAX)
    }

    async fn take(&self, name: &str, now: DateTime<Utc>) -> Result<bool, LeaseError> {
        match self.store.take_lease(name, &self.owner, now, self.until(now)).await.map_err(lease_error)? {
            LeaseTaken::Held => Ok(true),
            LeaseTaken::TakenOver { from } => {
                tracing::info!(lease = name, from = %from, "Took over a lease whose holder stopped renewing it.");
                self.metrics.inc(LEASE_TAKEOVERS, Some("discord_shards"));
                Ok(true)
            }
            LeaseTaken::Refused => Ok(false),
        }
    }

    /// How many ranges this instance should run with `alive` instances.
    fn fair_share(&self, alive: usize) -> usize {
        self.ranges.len().div_ceil(alive.max(1))
    }
}

fn lease_error(error: StoreError) -> LeaseError {
    LeaseError(error.to_string())
}

fn shard_lease(range: ShardRange) -> String {
    format!("{SHARD_LEASES}{range}")
}

#[async_trait]
impl<S: Store> ShardLeases for StoreShardLeases<S> {
    fn lease_length(&self) -> Duration {
        self.lease
    }

    async fn renew(&self, range: ShardRange) -> Result<bool, LeaseError> {
        self.take(&shard_lease(range), Utc::now()).await
    }

    async fn next_change(&self, running: &[ShardRange]) -> Result<Change, LeaseError> {
        let now = Utc::now();
        self.take(&format!("{INSTANCE_LEASES}{}", self.owner), now).await?;
        let alive: Vec<Lease> = self.store.leases(INSTANCE_LEASES, now).await.map_err(lease_error)?;
        let share = self.fair_share(alive.len());
        if running.len() > share {
            return Ok(running.last().map_or(Change::Keep, |range| Change::GiveUp(*range)));
        }
        if running.len() == share {
            return Ok(Change::Keep);
        }
        for range in self.ranges.iter().filter(|r| !running.contains(r)) {
            if self.take(&shard_lease(*range), now).await? {
                return Ok(Change::Start(*range));
            }
        }
        Ok(Change::Keep)
    }

    async fn release(&self, range: ShardRange) {
        if let Err(error) = self.store.release_lease(&shard_lease(range), &self.owner).await {
            tracing::warn!(shards = %range, %error, "Could not release a shard lease; it runs out by itself.");
        }
    }

    async fn leave(&self) {
        let name = format!("{INSTANCE_LEASES}{}", self.owner);
        if let Err(error) = self.store.release_lease(&name, &self.owner).await {
            tracing::warn!(%error, "Could not say this instance is leaving; the others notice when its lease runs out.");
        }
    }
}

/// The LLM's books in the store: one daily budget and one reply cache for every instance.
#[derive(Debug, Clone)]
pub struct StoreBooks<S> {
    store: S,
}

impl<S: Store> StoreBooks<S> {
    pub fn new(store: S) -> Self {
        Self { store }
    }
}

fn books_error(error: StoreError) -> BooksError {
    BooksError(error.to_string())
}

#[async_trait]
impl<S: Store> Books for StoreBooks<S> {
    async fn reserve(&self, day: NaiveDate, tokens: u64, limit: u64) -> Result<Reserved, BooksError> {
        Ok(match self.store.reserve_llm_tokens(day, tokens, limit).await.map_err(books_error)? {
            TokenReservation::Granted { .. } => Reserved::Granted,
            TokenReservation::Exhausted { used } => Reserved::Exhausted { used },
        })
    }

    async fn settle(&self, day: NaiveDate, reserved: u64, used: u64) -> Result<(), BooksError> {
        self.store.settle_llm_tokens(day, reserved, used).await.map_err(books_error)
    }

    async fn used(&self, day: NaiveDate) -> Result<u64, BooksError> {
        self.store.llm_tokens_used(day).await.map_err(books_error)
    }

    async fn reply(&self, key: &str, now: DateTime<Utc>) -> Result<Option<serde_json::Value>, BooksError> {
        self.store.cached_llm_reply(key, now).await.map_err(books_error)
    }

    async fn keep_reply(
        &self,
        key: &str,
        reply: &serde_json::Value,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), BooksError> {
        self.store.cache_llm_reply(key, reply, now, expires_at).await.map_err(books_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    fn ranges(total: u32, per: u32) -> Vec<ShardRange> {
        ShardRange::split(total, per)
    }

    async fn keeper(store: &SqliteStore, owner: &str, metrics: &Arc<Metrics>) -> StoreShardLeases<SqliteStore> {
        StoreShardLeases::new(store.clone(), owner, Duration::from_secs(30), ranges(4, 1), metrics.clone())
    }

    #[tokio::test]
    async fn two_instances_split_the_ranges_and_a_newcomer_gets_its_share_from_the_first() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let metrics = Arc::new(Metrics::new());
        let a = keeper(&store, "a", &metrics).await;
        let mut a_runs = Vec::new();
        // Alone, a takes every range, one per tick.
        while let Change::Start(range) = a.next_change(&a_runs).await.unwrap() {
            a_runs.push(range);
        }
        assert_eq!(a_runs.len(), 4);
        // b arrives: its share is two, none free yet; a gives up two, which b then takes.
        let b = keeper(&store, "b", &metrics).await;
        assert_eq!(b.next_change(&[]).await.unwrap(), Change::Keep);
        for _ in 0..2 {
            let Change::GiveUp(range) = a.next_change(&a_runs).await.unwrap() else {
                panic!("a runs more than its share")
            };
            a.release(range).await;
            a_runs.retain(|r| *r != range);
        }
        assert_eq!(a.next_change(&a_runs).await.unwrap(), Change::Keep);
        let mut b_runs = Vec::new();
        while let Change::Start(range) = b.next_change(&b_runs).await.unwrap() {
            b_runs.push(range);
        }
        assert_eq!(b_runs.len(), 2);
        assert!(b_runs.iter().all(|r| !a_runs.contains(r)), "no range runs twice");
        assert_eq!(shard_ranges_held(&store, "b", Utc::now()).await.unwrap(), b_runs);
        assert_eq!(metrics.total(LEASE_TAKEOVERS), 0, "released ranges are handed over, not taken over");
    }

    #[tokio::test]
    async fn renewing_a_range_another_instance_took_over_says_it_is_lost() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let metrics = Arc::new(Metrics::new());
        let a = keeper(&store, "a", &metrics).await;
        let range = ranges(4, 1)[0];
        let past = Utc::now() - chrono::Duration::minutes(5);
        store.take_lease(&shard_lease(range), "b", past, past + chrono::Duration::seconds(30)).await.unwrap();
        assert!(a.renew(range).await.unwrap(), "b's lease ran out: a takes it over");
        assert_eq!(metrics.get(LEASE_TAKEOVERS, Some("discord_shards")), 1);
        let b = keeper(&store, "b", &metrics).await;
        assert!(!b.renew(range).await.unwrap(), "b lost it");
    }
}
