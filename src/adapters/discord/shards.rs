//! A share of the bot's shards, when several instances serve one Discord bot. The shards are cut
//! into ranges ([`ShardRange`]), each held under a lease in the database the instances share (the
//! integrator implements [`ShardLeases`] over the store), so no shard runs in two instances at once
//! and the ranges of an instance that died are started by another once its leases run out.
//!
//! The keeper ([`run`]) ticks three times per lease length: it renews the lease of every range it
//! runs, stops a range whose lease it lost (or could not renew before the lease would run out), and
//! asks the leases whether to start another range or give one up so each instance runs its fair
//! share. Each range runs in a serenity client of its own (`start_shard_range`, whose end is
//! inclusive), which starts its shards about five seconds apart; a range whose shards are not all
//! connected within a grace period is stopped (serenity retries a failed start forever and never
//! returns) and its lease released, so another instance may try.

use async_trait::async_trait;
use serenity::Client;
use serenity::gateway::{ConnectionStage, ShardManager};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long a range's shards may take to connect, beyond serenity's five seconds between shards.
const STARTUP_GRACE: Duration = Duration::from_secs(30);

/// Shards `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// The ranges `total` shards make, `per_range` shards each (the last may have fewer).
    pub fn split(total: u32, per_range: u32) -> Vec<ShardRange> {
        let per_range = per_range.max(1);
        (0..total)
            .step_by(per_range as usize)
            .map(|first| ShardRange { first, last: (first + per_range - 1).min(total - 1), total })
            .collect()
    }

    /// How many shards it holds.
    pub fn shards(&self) -> u32 {
        self.last - self.first + 1
    }

    /// Parses what [`Display`](fmt::Display) writes, `FIRST-LAST/TOTAL`.
    pub fn parse(text: &str) -> Option<ShardRange> {
        let (span, total) = text.split_once('/')?;
        let (first, last) = span.split_once('-')?;
        let range = ShardRange { first: first.parse().ok()?, last: last.parse().ok()?, total: total.parse().ok()? };
        (range.first <= range.last && range.last < range.total).then_some(range)
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

/// The leases could not be read or written.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the shard leases could not be reached: {0}")]
pub struct LeaseError(pub String);

/// What the keeper should change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// This instance now holds the lease on a range it does not run: start it.
    Start(ShardRange),
    /// This instance runs more than its share: stop this range and release its lease.
    GiveUp(ShardRange),
    /// Nothing to change.
    Keep,
}

/// The shard leases, held in the database every instance shares.
#[async_trait]
pub trait ShardLeases: Send + Sync {
    /// How long a lease lasts; the keeper renews three times within it.
    fn lease_length(&self) -> Duration;

    /// Renews this instance's lease on `range`; `false` when another instance holds it now.
    async fn renew(&self, range: ShardRange) -> Result<bool, LeaseError>;

    /// Says this instance is alive, and what to change given the ranges it runs: take a free range
    /// (or one whose lease ran out) while it runs less than its fair share, give one up when more.
    async fn next_change(&self, running: &[ShardRange]) -> Result<Change, LeaseError>;

    /// Releases the lease on `range` (stopped on purpose), so another instance may start it at once.
    async fn release(&self, range: ShardRange);

    /// Says this instance is leaving, so the others count it out of the fair share at once.
    async fn leave(&self);
}

/// One range this instance runs.
struct Running {
    shards: Arc<ShardManager>,
    task: JoinHandle<Result<(), serenity::Error>>,
    /// Until when the last successful renewal holds the lease (by this process's clock).
    held_until: Instant,
    /// When its shards must all be connected.
    connect_by: Instant,
    connected: bool,
}

impl Running {
    async fn stop(self) {
        self.shards.shutdown_all().await;
        let _ = self.task.await;
    }

    async fn all_connected(&self, range: ShardRange) -> bool {
        let runners = self.shards.runners.lock().await;
        runners.len() == range.shards() as usize
            && runners.values().all(|runner| runner.stage == ConnectionStage::Connected)
    }
}

/// Runs this instance's share of the shards until `shutdown` completes, then stops them and
/// releases their leases. `client` builds a serenity client for one range.
pub async fn run<C, F>(leases: Arc<dyn ShardLeases>, client: C, shutdown: F)
where
    C: Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<Client, String>> + Send>>,
    F: Future<Output = ()>,
{
    let lease = leases.lease_length();
    let tick = lease / 3;
    let mut running: BTreeMap<ShardRange, Running> = BTreeMap::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        keep_leases(&*leases, &mut running, lease, tick).await;
        let ranges: Vec<ShardRange> = running.keys().copied().collect();
        match leases.next_change(&ranges).await {
            Ok(Change::Start(range)) => match start(range, &client).await {
                Ok((shards, task)) => {
                    tracing::info!(shards = %range, "Leased a range of Discord shards; starting them.");
                    let now = Instant::now();
                    let connect_by = now + STARTUP_GRACE + Duration::from_secs(6) * range.shards();
                    running
                        .insert(range, Running { shards, task, held_until: now + lease, connect_by, connected: false });
                }
                Err(error) => {
                    tracing::warn!(shards = %range, %error, "Could not start a leased range of Discord shards; releasing it.");
                    leases.release(range).await;
                }
            },
            Ok(Change::GiveUp(range)) => {
                if let Some(run) = running.remove(&range) {
                    tracing::info!(shards = %range, "Giving a range of Discord shards to another instance.");
                    run.stop().await;
                    leases.release(range).await;
                }
            }
            Ok(Change::Keep) => {}
            Err(error) => tracing::warn!(%error, "Could not ask the shard leases what to run; trying again."),
        }
        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            () = &mut shutdown => break,
        }
    }
    for (range, run) in std::mem::take(&mut running) {
        run.stop().await;
        leases.release(range).await;
    }
    leases.leave().await;
}

/// Why a running range is stopped, and whether its lease is still this instance's to release.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// Another instance holds the lease now: nothing to release.
    Lost,
    /// The lease is (or may still be) this instance's; release it so another may start the range.
    Release(&'static str),
}

/// Renews every running range, and stops those whose lease is lost or may run out before the next
/// tick, those that ended by themselves and those whose shards never connected.
async fn keep_leases(
    leases: &dyn ShardLeases,
    running: &mut BTreeMap<ShardRange, Running>,
    lease: Duration,
    tick: Duration,
) {
    let ranges: Vec<ShardRange> = running.keys().copied().collect();
    for range in ranges {
        let asked = Instant::now();
        let renewed = leases.renew(range).await;
        let Some(run) = running.get_mut(&range) else { continue };
        let stop = match renewed {
            Ok(true) => {
                run.held_until = asked + lease;
                None
            }
            Ok(false) => Some(Stop::Lost),
            Err(error) => {
                tracing::warn!(shards = %range, %error, "Could not renew the lease of a range of Discord shards.");
                // Stop before the lease can run out while the shards still run: another instance
                // may take it then.
                (Instant::now() + tick >= run.held_until).then_some(Stop::Release("its lease could not be renewed"))
            }
        };
        let stop = match stop {
            Some(stop) => Some(stop),
            None if run.task.is_finished() => Some(Stop::Release("its shards stopped by themselves")),
            None if !run.connected && run.all_connected(range).await => {
                run.connected = true;
                None
            }
            None if !run.connected && Instant::now() >= run.connect_by => {
                Some(Stop::Release("its shards did not connect in time"))
            }
            None => None,
        };
        let Some(stop) = stop else { continue };
        if let Some(run) = running.remove(&range) {
            run.stop().await;
        }
        match stop {
            Stop::Lost => {
                tracing::warn!(shards = %range, "Another instance holds the lease of a range of Discord shards; stopped them.")
            }
            Stop::Release(reason) => {
                tracing::warn!(shards = %range, reason, "Stopped a range of Discord shards and released its lease.");
                leases.release(range).await;
            }
        }
    }
}

async fn start<C>(
    range: ShardRange,
    client: &C,
) -> Result<(Arc<ShardManager>, JoinHandle<Result<(), serenity::Error>>), String>
where
    C: Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<Client, String>> + Send>>,
{
    let mut client = client().await?;
    let shards = client.shard_manager.clone();
    // serenity's range end is inclusive: `first..last` starts `last - first + 1` shards.
    let task = tokio::spawn(async move { client.start_shard_range(range.first..range.last, range.total).await });
    Ok((shards, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_into_ranges_of_the_asked_size_and_a_shorter_last() {
        let ranges = ShardRange::split(10, 4);
        let shown: Vec<String> = ranges.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["0-3/10", "4-7/10", "8-9/10"]);
        assert_eq!(ranges.iter().map(ShardRange::shards).sum::<u32>(), 10);
        assert_eq!(ShardRange::split(1, 16), [ShardRange { first: 0, last: 0, total: 1 }]);
    }

    #[test]
    fn a_range_reads_back_what_it_writes_and_nothing_out_of_bounds() {
        let range = ShardRange { first: 4, last: 7, total: 10 };
        assert_eq!(ShardRange::parse(&range.to_string()), Some(range));
        for bad in ["4-3/10", "4-10/10", "4/10", "a-b/c", ""] {
            assert_eq!(ShardRange::parse(bad), None, "{bad}");
        }
    }
}
