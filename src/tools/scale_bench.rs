//! `bench-scale`: how the shared PostgreSQL store scales with instances, and how many feeds one
//! instance keeps within a poll interval.
//!
//! - Feed leases per second: `instances` store handles (each its own connection pool, as separate
//!   processes would have) walk the same feed list from different starting points, each trying to
//!   lease every feed as a round does; the figure is feeds leased over the time until every handle
//!   finished its pass.
//! - Deliveries claimed per second: the same handles empty a pending outbox as the sender does,
//!   claiming batches of 20 and marking each delivery sent (the store's whole share of a send; no
//!   platform is called).
//! - Feeds per poll interval: one instance's real watcher (the feed fetcher, its parser, the leases,
//!   the commits) runs rounds over feeds on a local server that answers each request after a delay;
//!   the time a steady round takes per feed gives the number of feeds a 10-minute interval holds.
//!
//! Everything happens in a schema of its own, created for the run and dropped afterwards, so a
//! database that holds an installation is left as it was.

use crate::core::story::StoryRules;
use crate::feeds::{FeedSource, FetchSettings, Fetcher};
use crate::pipeline::watcher::{Sharing, WatchRules, Watcher};
use crate::store::{DeliveryKind, FeedState, NewDelivery, PgStore, PollCommit, Store, StoreError};
use crate::summaries::Offline;
use chrono::{Duration, Utc};
use std::sync::Arc;
use std::time::Instant;

/// Feeds a lease pass covers.
const LEASE_FEEDS: usize = 2_000;
/// Deliveries in the outbox a claim run empties.
const OUTBOX: usize = 2_000;
/// Deliveries claimed at once, as the sender claims them.
const CLAIM_BATCH: u32 = 20;

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScaleBenchError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("could not prepare the benchmark schema: {0}; check that the user may create schemas")]
    Schema(sqlx::Error),
    #[error("could not start the local feed server: {0}")]
    FeedServer(std::io::Error),
    #[error("could not build the feed fetcher: {0}")]
    Fetcher(#[from] crate::feeds::FetchError),
    #[error("the watcher failed: {0}")]
    Watch(#[from] crate::pipeline::watcher::WatchError),
    #[error("{what}: expected {expected}, counted {counted}; the shared store handed out work twice or lost some")]
    Miscount { what: &'static str, expected: usize, counted: usize },
}

/// A schema of its own for one benchmark, dropped by [`Scratch::drop_schema`].
pub struct Scratch {
    server: String,
    schema: String,
}

impl Scratch {
    /// Creates an empty schema on the server at `url`.
    pub async fn create(url: &str) -> Result<Scratch, ScaleBenchError> {
        let schema = format!("layoffwatch_bench_{}", std::process::id());
        let scratch = Scratch { server: url.to_owned(), schema };
        scratch.execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", scratch.schema)).await?;
        scratch.execute(&format!("CREATE SCHEMA {}", scratch.schema)).await?;
        // Creates the tables, so every measurement can start by emptying them.
        PgStore::open(&scratch.url()).await?.close().await;
        Ok(scratch)
    }

    /// The URL of the schema: the server's, with the schema as its search path.
    pub fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        format!("{}{separator}options[search_path]={}", self.server, self.schema)
    }

    /// Empties the tables a measurement filled, so the next one starts alike.
    async fn clear(&self) -> Result<(), ScaleBenchError> {
        self.execute(&format!("TRUNCATE {0}.deliveries, {0}.feeds", self.schema)).await
    }

    pub async fn drop_schema(self) -> Result<(), ScaleBenchError> {
        self.execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema)).await
    }

    async fn execute(&self, statement: &str) -> Result<(), ScaleBenchError> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.server).await.map_err(ScaleBenchError::Schema)?;
        sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
            .execute(&mut conn)
            .await
            .map_err(ScaleBenchError::Schema)?;
        let _ = conn.close().await;
        Ok(())
    }
}

/// Opens `instances` store handles, each with its own pool.
async fn handles(scratch: &Scratch, instances: usize) -> Result<Vec<PgStore>, ScaleBenchError> {
    let mut out = Vec::with_capacity(instances);
    for _ in 0..instances {
        out.push(PgStore::open(&scratch.url()).await?);
    }
    Ok(out)
}

/// Feed leases granted per second with `instances` handles trying every feed of one list.
pub async fn leases_per_second(scratch: &Scratch, instances: usize) -> Result<f64, ScaleBenchError> {
    scratch.clear().await?;
    let stores = handles(scratch, instances).await?;
    let urls: Arc<Vec<String>> = Arc::new((0..LEASE_FEEDS).map(|i| format!("https://feeds{i}.example/rss")).collect());
    // Every row exists before the clock starts, as in a running installation.
    for url in urls.iter() {
        stores[0].save_feed(&FeedState::new(url.clone())).await?;
    }
    let now = Utc::now();
    let clock = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, store) in stores.iter().cloned().enumerate() {
        let urls = urls.clone();
        tasks.spawn(async move {
            let owner = format!("bench-{n}");
            let start = n * urls.len() / instances;
            let mut leased = 0usize;
            for k in 0..urls.len() {
                let url = &urls[(start + k) % urls.len()];
                if store.lease_feed(url, &owner, now, now + Duration::minutes(10)).await? {
                    leased += 1;
                }
            }
            Ok::<usize, StoreError>(leased)
        });
    }
    let mut leased = 0;
    while let Some(done) = tasks.join_next().await {
        leased += done.expect("a lease task panicked")?;
    }
    let seconds = clock.elapsed().as_secs_f64();
    for store in &stores {
        store.close().await;
    }
    if leased != LEASE_FEEDS {
        return Err(ScaleBenchError::Miscount { what: "feeds leased", expected: LEASE_FEEDS, counted: leased });
    }
    Ok(leased as f64 / seconds.max(1e-9))
}

/// Deliveries claimed and marked sent per second with `instances` handles emptying one outbox.
pub async fn claims_per_second(scratch: &Scratch, instances: usize) -> Result<f64, ScaleBenchError> {
    scratch.clear().await?;
    let stores = handles(scratch, instances).await?;
    let deliveries: Vec<NewDelivery> = (0..OUTBOX)
        .map(|i| NewDelivery {
            key: format!("bench-digest-{i}"),
            story_id: None,
            destination: format!("slack:C{:04}", i % 50),
            kind: DeliveryKind::Digest,
            payload: serde_json::json!({"bench": i}),
        })
        .collect();
    let commit = PollCommit {
        feed: FeedState::new("https://feeds.example/outbox"),
        items: Vec::new(),
        stories: Vec::new(),
        deliveries,
    };
    stores[0].commit_poll(&commit).await?;
    let clock = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, store) in stores.iter().cloned().enumerate() {
        tasks.spawn(async move {
            let owner = format!("bench-{n}");
            let mut sent = 0usize;
            loop {
                let now = Utc::now();
                let batch = store.claim_deliveries(&owner, now, now + Duration::minutes(1), CLAIM_BATCH).await?;
                if batch.is_empty() {
                    return Ok::<usize, StoreError>(sent);
                }
                for delivery in batch {
                    store.mark_sent(delivery.id, Some("bench")).await?;
                    sent += 1;
                }
            }
        });
    }
    let mut sent = 0;
    while let Some(done) = tasks.join_next().await {
        sent += done.expect("a claim task panicked")?;
    }
    let seconds = clock.elapsed().as_secs_f64();
    for store in &stores {
        store.close().await;
    }
    if sent != OUTBOX {
        return Err(ScaleBenchError::Miscount { what: "deliveries claimed", expected: OUTBOX, counted: sent });
    }
    Ok(sent as f64 / seconds.max(1e-9))
}

/// One instance's steady polling against a feed server that answers after `latency`.
#[derive(Debug, Clone, Copy)]
pub struct PollThroughput {
    /// Feeds one round polled.
    pub feeds: usize,
    /// Seconds each steady round took (the first round, which remembers the backlog, is not counted).
    pub round_seconds: f64,
}

impl PollThroughput {
    /// Feeds polled per second in a steady round.
    pub fn per_second(&self) -> f64 {
        self.feeds as f64 / self.round_seconds.max(1e-9)
    }

    /// Feeds one instance keeps within a poll interval of `interval_seconds`.
    pub fn within(&self, interval_seconds: f64) -> u64 {
        (self.per_second() * interval_seconds).floor() as u64
    }
}

/// Runs a first round and then `rounds` steady rounds of one instance's watcher over `feeds` feeds
/// served after `latency`; returns each steady round.
pub async fn poll_throughput(
    scratch: &Scratch,
    feeds: usize,
    latency: std::time::Duration,
    rounds: usize,
) -> Result<Vec<PollThroughput>, ScaleBenchError> {
    scratch.clear().await?;
    let base = serve_slow_feeds(latency).await?;
    let sources: Vec<FeedSource> =
        (0..feeds).filter_map(|i| FeedSource::parse(&format!("{base}/feed-{i}.xml")).ok()).collect();
    let store = PgStore::open(&scratch.url()).await?;
    let fetcher = Fetcher::new(FetchSettings { allow_private: true, ..FetchSettings::default() })?;
    let rules = WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 10,
        base_backoff: Duration::seconds(60),
        post_backlog: false,
        keep_text: Duration::days(7),
    };
    let mut watcher = Watcher::new(store.clone(), fetcher, Vec::new(), Arc::new(Offline), rules)
        .fixed_outputs_follow(&sources)
        .shared_with_others(Sharing {
            owner: "bench-poller".into(),
            feed_lease: Duration::seconds(1),
            claim_for: Duration::seconds(60),
        });
    watcher.round(Utc::now()).await?;
    let mut out = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        // The leases of the round before have run out (each round takes far longer than one).
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let clock = Instant::now();
        let report = watcher.round(Utc::now()).await?;
        out.push(PollThroughput { feeds: report.polled, round_seconds: clock.elapsed().as_secs_f64() });
    }
    store.close().await;
    Ok(out)
}

/// A local feed server: every path is a small RSS feed of three items of its own, answered after
/// `latency`. Returns its root URL.
async fn serve_slow_feeds(latency: std::time::Duration) -> Result<String, ScaleBenchError> {
    use axum::extract::Path;
    use axum::response::IntoResponse;
    let feed = move |Path(name): Path<String>| async move {
        tokio::time::sleep(latency).await;
        let published = Utc::now().to_rfc2822();
        let items: String = (0..3)
            .map(|k| {
                format!(
                    "<item><guid>{name}-{k}</guid><link>https://news.example/{name}/{k}</link>\
                     <title>Harbour council approves budget item {k}</title><pubDate>{published}</pubDate>\
                     <description>The council approved item {k} of the budget on Monday.</description></item>"
                )
            })
            .collect();
        let xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>{items}</channel></rss>"
        );
        ([("content-type", "application/rss+xml")], xml).into_response()
    };
    let app = axum::Router::new().route("/{name}", axum::routing::get(feed));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(ScaleBenchError::FeedServer)?;
    let addr = listener.local_addr().map_err(ScaleBenchError::FeedServer)?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{addr}"))
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn feeds_within_an_interval_follow_from_the_steady_round() {
        let steady = PollThroughput { feeds: 50, round_seconds: 10.5 };
        assert_eq!(steady.within(600.0), 2857);
    }
}
