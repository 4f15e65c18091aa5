//! The SQLite backend: one database file in WAL mode, shared by a small pool of connections.
//!
//! Settings and why:
//! - `journal_mode=WAL`: readers never wait for the writer, so the outbox sender and chat commands
//!   keep working while a poll commits.
//! - `synchronous=FULL`: a commit reported to the pipeline survives power loss, which the outbox's
//!   "nothing decided is lost" promise relies on. The cost (one fsync per commit) is small at our
//!   write rate.
//! - `busy_timeout=5s`: a writer waits for another writer instead of failing at once.
//! - `foreign_keys=ON`: SQLite leaves them off by default; an outbox row must name a stored story.
//! - Write transactions start with `BEGIN IMMEDIATE`, taking the write lock up front, so the busy
//!   timeout applies; a deferred transaction that upgrades from read to write can fail with
//!   "database is locked" without waiting.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use tracing::{debug, warn};

use super::{
    ArticleText, CommitSummary, Delivery, DeliveryId, DeliveryKind, DeliveryState, DigestMode, DigestSchedule,
    FeedState, InboxEntry, NewDelivery, PollCommit, SeenItem, Store, StoreError, StoryRecord, Subscription,
};
use crate::secret::Secret;

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections in the pool of a file database: a writer plus a few readers is all one process
/// needs, since SQLite serializes writers anyway.
const MAX_CONNECTIONS: u32 = 4;

/// Errors longer than this are cut before storing; a platform can answer with a whole HTML page.
const MAX_ERROR_CHARS: usize = 2000;

/// The migrations of this backend, embedded at build time.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("src/store/migrations/sqlite");

/// The SQLite store. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at a file path or a `sqlite:` URL, sets WAL,
    /// `synchronous=FULL`, a 5 s busy timeout and foreign keys, and brings the schema up to date.
    ///
    /// `sqlite::memory:` opens a private in-memory database, as [`SqliteStore::open_in_memory`].
    pub async fn open(path_or_url: &str) -> Result<SqliteStore, StoreError> {
        let location = path_or_url.trim();
        let lower = location.to_ascii_lowercase();
        if lower.starts_with("postgres:")
            || lower.starts_with("postgresql:")
            || lower.starts_with("mysql:")
            || location.is_empty()
        {
            return Err(StoreError::UnsupportedLocation { location: path_or_url.to_owned() });
        }
        if lower == ":memory:" || lower == "sqlite::memory:" {
            return Self::open_in_memory().await;
        }
        let in_memory = lower.contains(":memory:") || lower.contains("mode=memory");
        let options = if lower.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(location)
                .map_err(|source| StoreError::Open { location: location.to_owned(), source })?
        } else {
            SqliteConnectOptions::new().filename(location)
        };
        Self::connect(location, options, in_memory).await
    }

    /// Opens a fresh, private in-memory database with the full schema, for tests. It lives as
    /// long as the store (and its clones).
    pub async fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|source| StoreError::Open { location: "sqlite::memory:".to_owned(), source })?;
        Self::connect("sqlite::memory:", options, true).await
    }

    async fn connect(
        location: &str,
        options: SqliteConnectOptions,
        in_memory: bool,
    ) -> Result<SqliteStore, StoreError> {
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .synchronous(SqliteSynchronous::Full);
        let pool_options = if in_memory {
            // An in-memory database lives as long as one connection to it stays open, and
            // connections sharing it lock whole tables; one connection kept forever avoids both.
            SqlitePoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS)
        };
        // WAL does not apply to an in-memory database (SQLite keeps its "memory" journal).
        let options = if in_memory { options } else { options.journal_mode(SqliteJournalMode::Wal) };
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { location: location.to_owned(), source })?;
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migrate { location: location.to_owned(), source })?;
        if !in_memory {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&pool)
                .await
                .map_err(StoreError::database("read the journal mode"))?;
            if !mode.eq_ignore_ascii_case("wal") {
                warn!(
                    db = %location,
                    journal_mode = %mode,
                    "SQLite refused WAL mode; readers will wait for writers. Is the file on a network file system?"
                );
            }
        }
        debug!(db = %location, "Store opened.");
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for health checks and tests that need raw SQL (e.g. `PRAGMA`s).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for queries in flight; after this the file can be
    /// reopened or copied. Further calls on this store (or its clones) fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction holding the write lock from the start, so the busy timeout
    /// applies (see the module notes).
    async fn begin_write(&self, operation: &str) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(StoreError::database(operation))
    }

    /// Turns the row count of an update aimed at a pending delivery into `Ok`, or into the error
    /// that explains why no row matched (no such delivery, or it is no longer pending).
    async fn expect_pending_updated(&self, id: DeliveryId, rows_affected: u64) -> Result<(), StoreError> {
        if rows_affected > 0 {
            return Ok(());
        }
        match self.get_delivery(id).await? {
            None => Err(StoreError::DeliveryNotFound { id }),
            Some(delivery) => Err(StoreError::DeliveryNotPending { id, state: delivery.state }),
        }
    }
}

// ----- conversions between records and columns -----

/// Times as fixed-width RFC 3339 text (nine fractional digits, `Z`), so text order is time order
/// and a time reads back exactly as written.
fn ts(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn opt_ts(time: Option<DateTime<Utc>>) -> Option<String> {
    time.map(ts)
}

fn shorten(value: &str) -> String {
    value.chars().take(80).collect()
}

fn corrupt(what: &'static str, value: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt { what, value: shorten(value), reason: reason.to_string() }
}

/// Reads a column, reporting a type mismatch as a corrupt value of that column.
fn col<'r, T>(row: &'r SqliteRow, what: &'static str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    let name = what.rsplit('.').next().unwrap_or(what);
    row.try_get(name).map_err(|err| corrupt(what, "", err))
}

fn parse_ts(what: &'static str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|err| corrupt(what, text, err))
}

fn col_ts(row: &SqliteRow, what: &'static str) -> Result<DateTime<Utc>, StoreError> {
    let text: String = col(row, what)?;
    parse_ts(what, &text)
}

fn col_opt_ts(row: &SqliteRow, what: &'static str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let text: Option<String> = col(row, what)?;
    text.map(|t| parse_ts(what, &t)).transpose()
}

fn col_u32(row: &SqliteRow, what: &'static str) -> Result<u32, StoreError> {
    let n: i64 = col(row, what)?;
    u32::try_from(n).map_err(|err| corrupt(what, &n.to_string(), err))
}

fn col_json(row: &SqliteRow, what: &'static str) -> Result<serde_json::Value, StoreError> {
    let text: String = col(row, what)?;
    serde_json::from_str(&text).map_err(|err| corrupt(what, &text, err))
}

fn feed_from_row(row: &SqliteRow) -> Result<FeedState, StoreError> {
    Ok(FeedState {
        url: col(row, "feeds.url")?,
        etag: col(row, "feeds.etag")?,
        last_modified: col(row, "feeds.last_modified")?,
        consecutive_failures: col_u32(row, "feeds.consecutive_failures")?,
        disabled_reason: col(row, "feeds.disabled_reason")?,
        last_polled: col_opt_ts(row, "feeds.last_polled")?,
        first_poll_done: col(row, "feeds.first_poll_done")?,
        retry_at: col_opt_ts(row, "feeds.retry_at")?,
    })
}

fn item_from_row(row: &SqliteRow) -> Result<SeenItem, StoreError> {
    let simhash: i64 = col(row, "seen_items.simhash")?;
    Ok(SeenItem {
        item_id: col(row, "seen_items.item_id")?,
        feed_url: col(row, "seen_items.feed_url")?,
        canonical_url: col(row, "seen_items.canonical_url")?,
        // The same 64 bits back: a bit-cast, not a conversion.
        simhash: simhash as u64,
        story_id: col(row, "seen_items.story_id")?,
        published: col_opt_ts(row, "seen_items.published")?,
        seen_at: col_ts(row, "seen_items.seen_at")?,
        text: col(row, "seen_items.text")?,
    })
}

fn story_from_row(row: &SqliteRow) -> Result<StoryRecord, StoreError> {
    Ok(StoryRecord {
        id: col(row, "stories.id")?,
        revision: col_u32(row, "stories.revision")?,
        payload: col_json(row, "stories.payload")?,
        first_seen: col_ts(row, "stories.first_seen")?,
        updated_at: col_ts(row, "stories.updated_at")?,
    })
}

fn delivery_from_row(row: &SqliteRow) -> Result<Delivery, StoreError> {
    let kind: String = col(row, "deliveries.kind")?;
    let state: String = col(row, "deliveries.state")?;
    Ok(Delivery {
        id: DeliveryId(col(row, "deliveries.id")?),
        key: col(row, "deliveries.key")?,
        story_id: col(row, "deliveries.story_id")?,
        destination: col(row, "deliveries.destination")?,
        kind: DeliveryKind::parse(&kind).ok_or_else(|| corrupt("deliveries.kind", &kind, "not a delivery kind"))?,
        payload: col_json(row, "deliveries.payload")?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| corrupt("deliveries.state", &state, "not a delivery state"))?,
        attempts: col_u32(row, "deliveries.attempts")?,
        next_attempt_at: col_opt_ts(row, "deliveries.next_attempt_at")?,
        last_error: col(row, "deliveries.last_error")?,
        platform_ref: col(row, "deliveries.platform_ref")?,
    })
}

fn subscription_from_row(row: &SqliteRow) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        platform: col(row, "subscriptions.platform")?,
        channel: col(row, "subscriptions.channel")?,
        feed: col(row, "subscriptions.feed")?,
        added_by: col(row, "subscriptions.added_by")?,
        added_at: col_ts(row, "subscriptions.added_at")?,
    })
}

fn digest_from_text(text: &str) -> Result<DigestMode, StoreError> {
    text.parse().map_err(|err: StoreError| corrupt("digests.mode", text, err))
}

fn truncate_error(error: &str) -> &str {
    match error.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => &error[..cut],
        None => error,
    }
}

// ----- statements shared by single writes and the poll transaction -----

const UPSERT_FEED: &str = "INSERT INTO feeds (url, etag, last_modified, consecutive_failures, \
     disabled_reason, last_polled, first_poll_done, retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
     ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
     consecutive_failures = excluded.consecutive_failures, \
     disabled_reason = excluded.disabled_reason, last_polled = excluded.last_polled, \
     first_poll_done = excluded.first_poll_done, retry_at = excluded.retry_at";

async fn upsert_feed<'e, E>(executor: E, feed: &FeedState) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    sqlx::query(UPSERT_FEED)
        .bind(&feed.url)
        .bind(&feed.etag)
        .bind(&feed.last_modified)
        .bind(i64::from(feed.consecutive_failures))
        .bind(&feed.disabled_reason)
        .bind(opt_ts(feed.last_polled))
        .bind(feed.first_poll_done)
        .bind(opt_ts(feed.retry_at))
        .execute(executor)
        .await?;
    Ok(())
}

/// Writes one poll's decisions inside `tx`; the caller commits or rolls back.
async fn write_poll(tx: &mut Transaction<'static, Sqlite>, commit: &PollCommit) -> Result<CommitSummary, sqlx::Error> {
    let mut summary = CommitSummary::default();
    upsert_feed(&mut **tx, &commit.feed).await?;

    // Stories before deliveries: an outbox row must name a stored story. A stored revision newer
    // than the one offered wins, so a stale writer cannot roll a story back; first_seen is kept.
    for story in &commit.stories {
        let written = sqlx::query(
            "INSERT INTO stories (id, revision, payload, first_seen, updated_at) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, \
             payload = excluded.payload, updated_at = excluded.updated_at \
             WHERE excluded.revision >= stories.revision",
        )
        .bind(&story.id)
        .bind(i64::from(story.revision))
        .bind(story.payload.to_string())
        .bind(ts(story.first_seen))
        .bind(ts(story.updated_at))
        .execute(&mut **tx)
        .await?;
        if written.rows_affected() == 0 {
            summary.stale_stories_ignored += 1;
        }
    }

    // An item seen again (e.g. revised by its outlet) is updated but keeps its first feed and
    // seen_at, so text expiry still counts from the first sighting.
    for item in &commit.items {
        sqlx::query(
            "INSERT INTO seen_items (item_id, feed_url, canonical_url, simhash, story_id, \
             published, seen_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (item_id) DO UPDATE SET canonical_url = excluded.canonical_url, \
             simhash = excluded.simhash, story_id = coalesce(excluded.story_id, story_id), \
             published = excluded.published, text = coalesce(excluded.text, seen_items.text)",
        )
        .bind(&item.item_id)
        .bind(&item.feed_url)
        .bind(&item.canonical_url)
        // The same 64 bits in SQLite's signed integer: a bit-cast, not a conversion.
        .bind(item.simhash as i64)
        .bind(&item.story_id)
        .bind(opt_ts(item.published))
        .bind(ts(item.seen_at))
        .bind(&item.text)
        .execute(&mut **tx)
        .await?;
    }

    for delivery in &commit.deliveries {
        let inserted = insert_delivery(&mut **tx, delivery).await?;
        if inserted {
            summary.deliveries_queued += 1;
        } else {
            summary.deliveries_ignored += 1;
        }
    }
    Ok(summary)
}

/// Queues a delivery unless its key is already in the outbox; returns whether it was queued.
async fn insert_delivery<'e, E>(executor: E, delivery: &NewDelivery) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let result = sqlx::query(
        "INSERT INTO deliveries (key, story_id, destination, kind, payload) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
    )
    .bind(&delivery.key)
    .bind(&delivery.story_id)
    .bind(&delivery.destination)
    .bind(delivery.kind.as_str())
    .bind(delivery.payload.to_string())
    .execute(executor)
    .await?;
    Ok(result.rows_affected() > 0)
}

const DELIVERY_COLUMNS: &str = "id, key, story_id, destination, kind, payload, state, attempts, \
     next_attempt_at, last_error, platform_ref";

impl Store for SqliteStore {
    async fn get_feed(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        let row = sqlx::query("SELECT * FROM feeds WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the state of feed {url}")))?;
        row.as_ref().map(feed_from_row).transpose()
    }

    async fn save_feed(&self, feed: &FeedState) -> Result<(), StoreError> {
        upsert_feed(&self.pool, feed)
            .await
            .map_err(StoreError::database(format!("save the state of feed {}", feed.url)))
    }

    async fn list_feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        let rows = sqlx::query("SELECT * FROM feeds ORDER BY url")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("list feeds"))?;
        rows.iter().map(feed_from_row).collect()
    }

    async fn seen_ids(&self, ids: &[String]) -> Result<HashSet<String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        // One statement whatever the number of ids: they travel as a JSON array and json_each
        // turns it into rows, which avoids SQLite's limit on bound parameters.
        let ids_json = serde_json::Value::from(ids.to_vec()).to_string();
        let found: Vec<String> =
            sqlx::query_scalar("SELECT item_id FROM seen_items WHERE item_id IN (SELECT value FROM json_each(?))")
                .bind(ids_json)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::database("look up seen item ids"))?;
        Ok(found.into_iter().collect())
    }

    async fn items_since(&self, since: DateTime<Utc>) -> Result<Vec<SeenItem>, StoreError> {
        let rows = sqlx::query("SELECT * FROM seen_items WHERE seen_at >= ? ORDER BY seen_at, item_id")
            .bind(ts(since))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("read recently seen items"))?;
        rows.iter().map(item_from_row).collect()
    }

    async fn expire_text(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query("UPDATE seen_items SET text = NULL WHERE text IS NOT NULL AND seen_at < ?")
            .bind(ts(older_than))
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("expire old article text"))?;
        let pages = sqlx::query("DELETE FROM article_text WHERE fetched_at < ?")
            .bind(ts(older_than))
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("expire old article pages"))?;
        Ok(result.rows_affected() + pages.rows_affected())
    }

    async fn article_text(&self, url: &str) -> Result<Option<ArticleText>, StoreError> {
        let row = sqlx::query("SELECT * FROM article_text WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the cached text of {url}")))?;
        row.map(|row| {
            Ok(ArticleText {
                url: col(&row, "article_text.url")?,
                text: col(&row, "article_text.text")?,
                etag: col(&row, "article_text.etag")?,
                last_modified: col(&row, "article_text.last_modified")?,
                fetched_at: col_ts(&row, "article_text.fetched_at")?,
            })
        })
        .transpose()
    }

    async fn save_article_text(&self, article: &ArticleText) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO article_text (url, text, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (url) DO UPDATE SET text = excluded.text, etag = excluded.etag, \
             last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
        )
        .bind(&article.url)
        .bind(&article.text)
        .bind(&article.etag)
        .bind(&article.last_modified)
        .bind(ts(article.fetched_at))
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("cache the text of {}", article.url)))?;
        Ok(())
    }

    async fn get_story(&self, id: &str) -> Result<Option<StoryRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM stories WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read story {id}")))?;
        row.as_ref().map(story_from_row).transpose()
    }

    async fn stories_since(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM stories WHERE updated_at >= ? ORDER BY updated_at, id")
            .bind(ts(since))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("read recent stories"))?;
        rows.iter().map(story_from_row).collect()
    }

    async fn commit_poll(&self, commit: &PollCommit) -> Result<CommitSummary, StoreError> {
        let operation = format!("record the poll of {}", commit.feed.url);
        let mut tx = self.begin_write(&operation).await?;
        match write_poll(&mut tx, commit).await {
            Ok(summary) => {
                tx.commit().await.map_err(StoreError::database(operation))?;
                debug!(
                    feed = %commit.feed.url,
                    items = commit.items.len(),
                    stories = commit.stories.len(),
                    queued = summary.deliveries_queued,
                    replayed = summary.deliveries_ignored,
                    "Poll committed."
                );
                Ok(summary)
            }
            Err(source) => {
                // Roll back now rather than when the connection is next used, so the write lock
                // is released at once; the original error is the one worth reporting.
                if let Err(rollback) = tx.rollback().await {
                    warn!(feed = %commit.feed.url, error = %rollback, "Rollback failed.");
                }
                Err(StoreError::Database { operation, source })
            }
        }
    }

    async fn due_deliveries(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE state = 'pending' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?"
        )))
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read due deliveries"))?;
        rows.iter().map(delivery_from_row).collect()
    }

    async fn get_delivery(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?")))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read delivery {id}")))?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    async fn delivery_by_key(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE key = ?")))
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read delivery {key}")))?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    async fn mark_sent(&self, id: DeliveryId, platform_ref: Option<&str>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, platform_ref = ?, \
             next_attempt_at = NULL WHERE id = ? AND state = 'pending'",
        )
        .bind(platform_ref)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("mark delivery {id} sent")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn mark_retry(&self, id: DeliveryId, error: &str, next_attempt_at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? \
             WHERE id = ? AND state = 'pending'",
        )
        .bind(truncate_error(error))
        .bind(ts(next_attempt_at))
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("schedule a retry of delivery {id}")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn mark_failed(&self, id: DeliveryId, error: &str) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?, \
             next_attempt_at = NULL WHERE id = ? AND state = 'pending'",
        )
        .bind(truncate_error(error))
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("mark delivery {id} failed")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn thread_ref(&self, story_id: &str, destination: &str) -> Result<Option<String>, StoreError> {
        // The first post wins: if a story was ever posted twice, its thread is the original.
        sqlx::query_scalar(
            "SELECT platform_ref FROM deliveries WHERE story_id = ? AND destination = ? \
             AND kind = 'post' AND state = 'sent' AND platform_ref IS NOT NULL \
             ORDER BY id LIMIT 1",
        )
        .bind(story_id)
        .bind(destination)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(format!("find the thread of story {story_id} in {destination}")))
    }

    async fn post_pending(&self, story_id: &str, destination: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM deliveries WHERE story_id = ? AND destination = ? AND kind = 'post' \
             AND state = 'pending' LIMIT 1",
        )
        .bind(story_id)
        .bind(destination)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(format!("look for the pending post of story {story_id} in {destination}")))?;
        Ok(found.is_some())
    }

    async fn defer(&self, id: DeliveryId, next_attempt_at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = sqlx::query("UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND state = 'pending'")
            .bind(ts(next_attempt_at))
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("defer delivery {id}")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn add_subscription(&self, subscription: &Subscription) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO subscriptions (platform, channel, feed, added_by, added_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(&subscription.platform)
        .bind(&subscription.channel)
        .bind(&subscription.feed)
        .bind(&subscription.added_by)
        .bind(ts(subscription.added_at))
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!(
            "subscribe {}:{} to {}",
            subscription.platform, subscription.channel, subscription.feed
        )))?;
        Ok(result.rows_affected() > 0)
    }

    async fn remove_subscription(&self, platform: &str, channel: &str, feed: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM subscriptions WHERE platform = ? AND channel = ? AND feed = ?")
            .bind(platform)
            .bind(channel)
            .bind(feed)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("unsubscribe {platform}:{channel} from {feed}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn subscriptions_for_channel(&self, platform: &str, channel: &str) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query("SELECT * FROM subscriptions WHERE platform = ? AND channel = ? ORDER BY feed")
            .bind(platform)
            .bind(channel)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database(format!("list the subscriptions of {platform}:{channel}")))?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn all_subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query("SELECT * FROM subscriptions ORDER BY platform, channel, feed")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("list subscriptions"))?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn set_digest(&self, platform: &str, channel: &str, mode: DigestMode) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO digests (platform, channel, mode) VALUES (?, ?, ?) \
             ON CONFLICT (platform, channel) DO UPDATE SET mode = excluded.mode",
        )
        .bind(platform)
        .bind(channel)
        .bind(mode.to_string())
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("set the digest of {platform}:{channel}")))?;
        Ok(())
    }

    async fn get_digest(&self, platform: &str, channel: &str) -> Result<Option<DigestMode>, StoreError> {
        let mode: Option<String> = sqlx::query_scalar("SELECT mode FROM digests WHERE platform = ? AND channel = ?")
            .bind(platform)
            .bind(channel)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the digest of {platform}:{channel}")))?;
        mode.as_deref().map(digest_from_text).transpose()
    }

    async fn list_digests(&self) -> Result<Vec<DigestSchedule>, StoreError> {
        let rows = sqlx::query(
            "SELECT platform, channel, mode, last_sent_at FROM digests WHERE mode <> 'off' \
             ORDER BY platform, channel",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list digest schedules"))?;
        rows.iter()
            .map(|row| {
                let mode: String = col(row, "digests.mode")?;
                Ok(DigestSchedule {
                    platform: col(row, "digests.platform")?,
                    channel: col(row, "digests.channel")?,
                    mode: digest_from_text(&mode)?,
                    last_sent_at: col_opt_ts(row, "digests.last_sent_at")?,
                })
            })
            .collect()
    }

    async fn queue_digest(
        &self,
        platform: &str,
        channel: &str,
        covered_to: DateTime<Utc>,
        delivery: Option<&NewDelivery>,
    ) -> Result<bool, StoreError> {
        let context = || format!("queue the digest of {platform}:{channel}");
        let mut tx = self.pool.begin().await.map_err(StoreError::database(context()))?;
        let queued = match delivery {
            Some(delivery) => insert_delivery(&mut *tx, delivery).await.map_err(StoreError::database(context()))?,
            None => false,
        };
        sqlx::query("UPDATE digests SET last_sent_at = ? WHERE platform = ? AND channel = ?")
            .bind(ts(covered_to))
            .bind(platform)
            .bind(channel)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(queued)
    }

    async fn mark_event_seen(&self, event_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO processed_events (event_id, seen_at) VALUES (?, ?) \
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(ts(now))
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("record chat event {event_id}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn prune_events(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM processed_events WHERE seen_at < ?")
            .bind(ts(older_than))
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("forget old chat events"))?;
        Ok(result.rows_affected())
    }

    async fn inbox_accept(&self, entry: &InboxEntry) -> Result<bool, StoreError> {
        let context = || format!("record chat event {}", entry.id);
        let mut tx = self.begin_write(&context()).await?;
        let fresh = sqlx::query(
            "INSERT INTO processed_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&entry.id)
        .bind(ts(entry.received_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database(context()))?
        .rows_affected()
            > 0;
        if fresh {
            sqlx::query(
                "INSERT INTO inbox (id, platform, work, reply_to, reply, received_at, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&entry.id)
            .bind(&entry.platform)
            .bind(&entry.work)
            .bind(entry.reply_to.as_ref().map(Secret::expose))
            .bind(&entry.reply)
            .bind(ts(entry.received_at))
            .bind(ts(entry.expires_at))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        }
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(fresh)
    }

    async fn inbox_answer(&self, id: &str, reply: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE inbox SET reply = ? WHERE id = ?")
            .bind(reply)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("record the answer to chat event {id}")))?;
        Ok(())
    }

    async fn inbox_remove(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM inbox WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("remove answered chat event {id}")))?;
        Ok(())
    }

    async fn inbox_entries(&self, platform: &str) -> Result<Vec<InboxEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, platform, work, reply_to, reply, received_at, expires_at FROM inbox \
             WHERE platform = ? ORDER BY received_at, id",
        )
        .bind(platform)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database(format!("read the {platform} inbox")))?;
        rows.iter()
            .map(|row| {
                let reply_to: Option<String> = col(row, "inbox.reply_to")?;
                Ok(InboxEntry {
                    id: col(row, "inbox.id")?,
                    platform: col(row, "inbox.platform")?,
                    work: col(row, "inbox.work")?,
                    reply_to: reply_to.map(Secret::new),
                    reply: col(row, "inbox.reply")?,
                    received_at: col_ts(row, "inbox.received_at")?,
                    expires_at: col_ts(row, "inbox.expires_at")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    /// 20 April 2026 at `hour`:00 UTC.
    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 20, hour, 0, 0).unwrap()
    }

    fn item(id: &str, seen_hour: u32) -> SeenItem {
        SeenItem {
            item_id: id.to_owned(),
            feed_url: "https://example.com/rss".to_owned(),
            canonical_url: Some(format!("https://example.com/{id}")),
            simhash: 0xdead_beef,
            story_id: None,
            published: Some(at(seen_hour)),
            seen_at: at(seen_hour),
            text: Some(format!("article text of {id}")),
        }
    }

    fn story(id: &str, revision: u32, hour: u32) -> StoryRecord {
        StoryRecord {
            id: id.to_owned(),
            revision,
            payload: json!({ "headline": format!("{id} r{revision}") }),
            first_seen: at(hour),
            updated_at: at(hour),
        }
    }

    fn delivery(story_id: &str, destination: &str, kind: DeliveryKind) -> NewDelivery {
        NewDelivery {
            key: NewDelivery::idempotency_key(story_id, destination, 1, kind),
            story_id: Some(story_id.to_owned()),
            destination: destination.to_owned(),
            kind,
            payload: json!({ "text": "Meta to cut 8,000 jobs" }),
        }
    }

    fn commit(items: Vec<SeenItem>, stories: Vec<StoryRecord>, deliveries: Vec<NewDelivery>) -> PollCommit {
        let mut feed = FeedState::new("https://example.com/rss");
        feed.etag = Some("\"v1\"".to_owned());
        feed.last_polled = Some(at(10));
        feed.first_poll_done = true;
        PollCommit { feed, items, stories, deliveries }
    }

    async fn store() -> SqliteStore {
        SqliteStore::open_in_memory().await.unwrap()
    }

    /// Queues one post of story `s1` to `slack:C1` and returns its id.
    async fn queued_post(store: &SqliteStore) -> DeliveryId {
        store
            .commit_poll(&commit(
                vec![],
                vec![story("s1", 1, 10)],
                vec![delivery("s1", "slack:C1", DeliveryKind::Post)],
            ))
            .await
            .unwrap();
        store.due_deliveries(at(10), 10).await.unwrap()[0].id
    }

    #[tokio::test]
    async fn a_saved_feed_reads_back_unchanged_and_an_unknown_one_is_none() {
        let store = store().await;
        let feed = FeedState {
            url: "https://example.com/rss".to_owned(),
            etag: Some("W/\"abc\"".to_owned()),
            last_modified: Some("Mon, 20 Apr 2026 10:00:00 GMT".to_owned()),
            consecutive_failures: 3,
            disabled_reason: Some("410 Gone".to_owned()),
            last_polled: Some(at(10) + chrono::Duration::nanoseconds(123_456_789)),
            first_poll_done: true,
            retry_at: None,
        };
        store.save_feed(&feed).await.unwrap();
        assert_eq!(store.get_feed(&feed.url).await.unwrap(), Some(feed.clone()));
        assert_eq!(store.get_feed("https://other.example/rss").await.unwrap(), None);

        let reset = FeedState::new(feed.url.clone());
        store.save_feed(&reset).await.unwrap();
        assert_eq!(store.list_feeds().await.unwrap(), vec![reset]);
    }

    #[tokio::test]
    async fn seen_ids_returns_only_the_ids_already_stored() {
        let store = store().await;
        store.commit_poll(&commit(vec![item("a", 1), item("b", 2)], vec![], vec![])).await.unwrap();
        let asked: Vec<String> = ["a", "c", "b", "it's \"quoted\""].map(String::from).to_vec();
        let seen = store.seen_ids(&asked).await.unwrap();
        assert_eq!(seen, HashSet::from(["a".to_owned(), "b".to_owned()]));
        assert!(store.seen_ids(&[]).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn seen_ids_handles_more_ids_than_sqlite_allows_parameters() {
        let store = store().await;
        store.commit_poll(&commit(vec![item("id-69999", 1)], vec![], vec![])).await.unwrap();
        let asked: Vec<String> = (0..70_000).map(|n| format!("id-{n}")).collect();
        assert_eq!(store.seen_ids(&asked).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_simhash_keeps_all_64_bits() {
        let store = store().await;
        let mut high = item("high", 1);
        high.simhash = u64::MAX;
        let mut top = item("top", 1);
        top.simhash = 1 << 63;
        store.commit_poll(&commit(vec![high, top], vec![], vec![])).await.unwrap();
        let hashes: Vec<u64> = store.items_since(at(0)).await.unwrap().iter().map(|i| i.simhash).collect();
        assert_eq!(hashes, vec![u64::MAX, 1 << 63]);
    }

    #[tokio::test]
    async fn items_since_returns_items_seen_at_or_after_the_cutoff_oldest_first() {
        let store = store().await;
        let mut late = item("late", 12);
        late.story_id = Some("s1".to_owned());
        store
            .commit_poll(&commit(vec![late.clone(), item("early", 8), item("edge", 10)], vec![], vec![]))
            .await
            .unwrap();
        let items = store.items_since(at(10)).await.unwrap();
        assert_eq!(items, vec![item("edge", 10), late]);
    }

    #[tokio::test]
    async fn an_item_seen_again_is_updated_but_keeps_its_first_sighting() {
        let store = store().await;
        store.commit_poll(&commit(vec![item("a", 1)], vec![], vec![])).await.unwrap();
        let mut again = item("a", 5);
        again.simhash = 42;
        again.story_id = Some("s9".to_owned());
        store.commit_poll(&commit(vec![again], vec![], vec![])).await.unwrap();
        let stored = &store.items_since(at(0)).await.unwrap()[0];
        assert_eq!(stored.seen_at, at(1));
        assert_eq!(stored.simhash, 42);
        assert_eq!(stored.story_id.as_deref(), Some("s9"));
    }

    #[tokio::test]
    async fn expire_text_removes_only_text_older_than_the_cutoff_and_keeps_the_ids() {
        let store = store().await;
        store.commit_poll(&commit(vec![item("old", 1), item("new", 12)], vec![], vec![])).await.unwrap();
        assert_eq!(store.expire_text(at(6)).await.unwrap(), 1);
        assert_eq!(store.expire_text(at(6)).await.unwrap(), 0, "already expired");
        let items = store.items_since(at(0)).await.unwrap();
        assert_eq!(items[0].item_id, "old");
        assert_eq!(items[0].text, None);
        assert_eq!(items[0].simhash, 0xdead_beef);
        assert_eq!(items[1].text.as_deref(), Some("article text of new"));
        assert_eq!(store.seen_ids(&["old".to_owned()]).await.unwrap().len(), 1, "an expired item is still recognised");
    }

    #[tokio::test]
    async fn a_cached_page_reads_back_is_replaced_by_a_refetch_and_expires_with_the_article_text() {
        let store = store().await;
        let page = |text: Option<&str>, hour| ArticleText {
            url: "https://ledger.example/brightloom".into(),
            text: text.map(String::from),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            fetched_at: at(hour),
        };
        assert_eq!(store.article_text("https://ledger.example/brightloom").await.unwrap(), None);
        store.save_article_text(&page(None, 1)).await.unwrap();
        store.save_article_text(&page(Some("Brightloom cut 300 jobs."), 2)).await.unwrap();
        assert_eq!(
            store.article_text("https://ledger.example/brightloom").await.unwrap(),
            Some(page(Some("Brightloom cut 300 jobs."), 2))
        );
        assert_eq!(store.expire_text(at(3)).await.unwrap(), 1);
        assert_eq!(store.article_text("https://ledger.example/brightloom").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_story_upsert_keeps_first_seen_and_never_goes_back_a_revision() {
        let store = store().await;
        store.commit_poll(&commit(vec![], vec![story("s1", 1, 8)], vec![])).await.unwrap();
        let summary = store.commit_poll(&commit(vec![], vec![story("s1", 3, 11)], vec![])).await.unwrap();
        assert_eq!(summary.stale_stories_ignored, 0);
        let stored = store.get_story("s1").await.unwrap().unwrap();
        assert_eq!(stored.revision, 3);
        assert_eq!(stored.first_seen, at(8));
        assert_eq!(stored.updated_at, at(11));
        assert_eq!(stored.payload, json!({ "headline": "s1 r3" }));

        let summary = store.commit_poll(&commit(vec![], vec![story("s1", 2, 12)], vec![])).await.unwrap();
        assert_eq!(summary.stale_stories_ignored, 1);
        assert_eq!(store.get_story("s1").await.unwrap().unwrap().revision, 3);
        assert_eq!(store.get_story("nope").await.unwrap(), None);
    }

    #[tokio::test]
    async fn stories_since_lists_stories_updated_at_or_after_the_cutoff() {
        let store = store().await;
        store
            .commit_poll(&commit(vec![], vec![story("b", 1, 12), story("a", 1, 7), story("c", 1, 10)], vec![]))
            .await
            .unwrap();
        let ids: Vec<String> = store.stories_since(at(10)).await.unwrap().into_iter().map(|s| s.id).collect();
        assert_eq!(ids, vec!["c", "b"]);
    }

    #[tokio::test]
    async fn a_commit_writes_the_feed_items_stories_and_deliveries_together() {
        let store = store().await;
        let poll = commit(
            vec![item("a", 10)],
            vec![story("s1", 1, 10)],
            vec![delivery("s1", "slack:C1", DeliveryKind::Post), delivery("s1", "discord:9", DeliveryKind::Post)],
        );
        let summary = store.commit_poll(&poll).await.unwrap();
        assert_eq!(summary.deliveries_queued, 2);
        assert_eq!(store.get_feed(&poll.feed.url).await.unwrap(), Some(poll.feed));
        assert_eq!(store.items_since(at(0)).await.unwrap().len(), 1);
        assert!(store.get_story("s1").await.unwrap().is_some());
        let due = store.due_deliveries(at(10), 10).await.unwrap();
        assert_eq!(due.len(), 2);
        assert_eq!(due[0].destination, "slack:C1");
        assert_eq!(due[0].state, DeliveryState::Pending);
        assert_eq!(due[0].attempts, 0);
        assert_eq!(due[0].next_attempt_at, None);
        assert_eq!(due[0].payload, json!({ "text": "Meta to cut 8,000 jobs" }));
    }

    #[tokio::test]
    async fn a_replayed_commit_queues_no_delivery_twice() {
        let store = store().await;
        let poll =
            commit(vec![item("a", 10)], vec![story("s1", 1, 10)], vec![delivery("s1", "slack:C1", DeliveryKind::Post)]);
        store.commit_poll(&poll).await.unwrap();
        let summary = store.commit_poll(&poll).await.unwrap();
        assert_eq!(summary.deliveries_queued, 0);
        assert_eq!(summary.deliveries_ignored, 1);
        assert_eq!(store.due_deliveries(at(10), 10).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_delivery_for_an_unknown_story_fails_the_whole_commit() {
        let store = store().await;
        let poll = commit(
            vec![item("a", 10)],
            vec![story("s1", 1, 10)],
            vec![delivery("ghost", "slack:C1", DeliveryKind::Post)],
        );
        let err = store.commit_poll(&poll).await.unwrap_err();
        assert!(err.to_string().contains("record the poll of https://example.com/rss"), "{err}");
        assert_eq!(store.get_feed(&poll.feed.url).await.unwrap(), None);
        assert!(store.items_since(at(0)).await.unwrap().is_empty());
        assert_eq!(store.get_story("s1").await.unwrap(), None);
        // The store is still usable afterwards: the failed transaction was rolled back.
        store.save_feed(&poll.feed).await.unwrap();
    }

    #[tokio::test]
    async fn due_deliveries_skips_those_scheduled_later_and_keeps_queue_order() {
        let store = store().await;
        store
            .commit_poll(&commit(
                vec![],
                vec![story("s1", 1, 10)],
                vec![
                    delivery("s1", "slack:C1", DeliveryKind::Post),
                    delivery("s1", "slack:C2", DeliveryKind::Post),
                    delivery("s1", "slack:C3", DeliveryKind::Post),
                ],
            ))
            .await
            .unwrap();
        let due = store.due_deliveries(at(10), 10).await.unwrap();
        store.mark_retry(due[0].id, "503", at(11)).await.unwrap();

        let destinations = |due: Vec<Delivery>| -> Vec<String> { due.into_iter().map(|d| d.destination).collect() };
        assert_eq!(destinations(store.due_deliveries(at(10), 10).await.unwrap()), vec!["slack:C2", "slack:C3"]);
        assert_eq!(destinations(store.due_deliveries(at(10), 1).await.unwrap()), vec!["slack:C2"]);
        assert_eq!(
            destinations(store.due_deliveries(at(11), 10).await.unwrap()),
            vec!["slack:C1", "slack:C2", "slack:C3"]
        );
    }

    #[tokio::test]
    async fn a_retry_counts_the_attempt_and_keeps_the_error() {
        let store = store().await;
        let id = queued_post(&store).await;
        store.mark_retry(id, "HTTP 503", at(11)).await.unwrap();
        let d = store.get_delivery(id).await.unwrap().unwrap();
        assert_eq!(d.state, DeliveryState::Pending);
        assert_eq!(d.attempts, 1);
        assert_eq!(d.next_attempt_at, Some(at(11)));
        assert_eq!(d.last_error.as_deref(), Some("HTTP 503"));
    }

    #[tokio::test]
    async fn a_sent_post_becomes_the_thread_of_its_story_in_that_destination() {
        let store = store().await;
        let id = queued_post(&store).await;
        assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap(), None);
        store.mark_sent(id, Some("1713607200.000100")).await.unwrap();
        assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap().as_deref(), Some("1713607200.000100"));
        assert_eq!(store.thread_ref("s1", "slack:C2").await.unwrap(), None);
        assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());
        let d = store.get_delivery(id).await.unwrap().unwrap();
        assert_eq!((d.state, d.attempts), (DeliveryState::Sent, 1));
    }

    #[tokio::test]
    async fn an_update_reply_is_never_taken_for_the_thread() {
        let store = store().await;
        let mut update = delivery("s1", "slack:C1", DeliveryKind::Update);
        update.key = "s1/slack:C1/2/update".to_owned();
        store.commit_poll(&commit(vec![], vec![story("s1", 2, 10)], vec![update])).await.unwrap();
        let id = store.due_deliveries(at(10), 1).await.unwrap()[0].id;
        store.mark_sent(id, Some("reply-ts")).await.unwrap();
        assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap(), None);
    }

    #[tokio::test]
    async fn marking_a_delivery_that_is_not_pending_says_what_state_it_is_in() {
        let store = store().await;
        let id = queued_post(&store).await;
        store.mark_sent(id, Some("ts")).await.unwrap();
        let err = store.mark_retry(id, "late", at(12)).await.unwrap_err();
        assert!(matches!(err, StoreError::DeliveryNotPending { state: DeliveryState::Sent, .. }), "{err}");
        let err = store.mark_sent(DeliveryId(999), None).await.unwrap_err();
        assert!(matches!(err, StoreError::DeliveryNotFound { id: DeliveryId(999) }));
        assert!(err.to_string().contains("no delivery 999"), "{err}");
    }

    #[tokio::test]
    async fn a_failed_delivery_leaves_the_queue_and_keeps_its_error() {
        let store = store().await;
        let id = queued_post(&store).await;
        store.mark_failed(id, "channel_not_found").await.unwrap();
        assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());
        let d = store.delivery_by_key("s1/slack:C1/1/post").await.unwrap().unwrap();
        assert_eq!(d.state, DeliveryState::Failed);
        assert_eq!(d.last_error.as_deref(), Some("channel_not_found"));
    }

    #[tokio::test]
    async fn a_very_long_error_is_shortened_before_it_is_stored() {
        let store = store().await;
        let id = queued_post(&store).await;
        let page = "é".repeat(MAX_ERROR_CHARS * 3);
        store.mark_retry(id, &page, at(11)).await.unwrap();
        let stored = store.get_delivery(id).await.unwrap().unwrap().last_error.unwrap();
        assert_eq!(stored.chars().count(), MAX_ERROR_CHARS);
    }

    fn subscription(channel: &str, feed: &str) -> Subscription {
        Subscription {
            platform: "slack".to_owned(),
            channel: channel.to_owned(),
            feed: feed.to_owned(),
            added_by: "U123".to_owned(),
            added_at: at(9),
        }
    }

    #[tokio::test]
    async fn subscribing_twice_changes_nothing_and_unsubscribing_reports_whether_it_did() {
        let store = store().await;
        assert!(store.add_subscription(&subscription("C1", "https://b")).await.unwrap());
        assert!(store.add_subscription(&subscription("C1", "https://a")).await.unwrap());
        assert!(store.add_subscription(&subscription("C2", "https://a")).await.unwrap());
        let mut again = subscription("C1", "https://a");
        again.added_by = "U999".to_owned();
        assert!(!store.add_subscription(&again).await.unwrap());

        let c1 = store.subscriptions_for_channel("slack", "C1").await.unwrap();
        assert_eq!(c1, vec![subscription("C1", "https://a"), subscription("C1", "https://b")]);
        assert!(store.subscriptions_for_channel("discord", "C1").await.unwrap().is_empty());
        assert_eq!(store.all_subscriptions().await.unwrap().len(), 3);

        assert!(store.remove_subscription("slack", "C1", "https://a").await.unwrap());
        assert!(!store.remove_subscription("slack", "C1", "https://a").await.unwrap());
        assert_eq!(store.all_subscriptions().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_digest_schedule_is_replaced_and_off_channels_are_not_listed() {
        let store = store().await;
        assert_eq!(store.get_digest("slack", "C1").await.unwrap(), None);
        let daily = DigestMode::Daily { at: chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap() };
        store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
        store.set_digest("slack", "C1", daily).await.unwrap();
        store.set_digest("slack", "C2", DigestMode::Off).await.unwrap();
        assert_eq!(store.get_digest("slack", "C1").await.unwrap(), Some(daily));
        assert_eq!(store.get_digest("slack", "C2").await.unwrap(), Some(DigestMode::Off));
        assert_eq!(
            store.list_digests().await.unwrap(),
            vec![DigestSchedule {
                platform: "slack".to_owned(),
                channel: "C1".to_owned(),
                mode: daily,
                last_sent_at: None
            }]
        );
    }

    #[tokio::test]
    async fn a_digest_is_queued_once_with_the_end_of_its_period() {
        let store = store().await;
        store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
        let digest = NewDelivery {
            key: "digest/slack:C1/2026-11-24T10:00Z".to_owned(),
            story_id: None,
            destination: "slack:C1".to_owned(),
            kind: DeliveryKind::Digest,
            payload: serde_json::json!({ "kind": "digest" }),
        };
        assert!(!store.queue_digest("slack", "C1", at(9), None).await.unwrap());
        assert_eq!(store.list_digests().await.unwrap()[0].last_sent_at, Some(at(9)));
        assert!(store.queue_digest("slack", "C1", at(10), Some(&digest)).await.unwrap());
        assert!(!store.queue_digest("slack", "C1", at(10), Some(&digest)).await.unwrap());
        assert_eq!(store.list_digests().await.unwrap()[0].last_sent_at, Some(at(10)));
        let queued = store.delivery_by_key(&digest.key).await.unwrap().unwrap();
        assert_eq!((queued.story_id, queued.kind), (None, DeliveryKind::Digest));
    }

    #[tokio::test]
    async fn a_chat_event_is_new_once_until_it_is_pruned() {
        let store = store().await;
        assert!(store.mark_event_seen("Ev01", at(1)).await.unwrap());
        assert!(!store.mark_event_seen("Ev01", at(2)).await.unwrap());
        assert!(store.mark_event_seen("Ev02", at(5)).await.unwrap());
        assert_eq!(store.prune_events(at(3)).await.unwrap(), 1);
        assert!(store.mark_event_seen("Ev01", at(6)).await.unwrap());
        assert!(!store.mark_event_seen("Ev02", at(6)).await.unwrap());
    }

    #[tokio::test]
    async fn an_inbox_entry_is_written_once_answered_and_removed() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let entry = InboxEntry {
            id: "slack:command:trig-1".into(),
            platform: "slack".into(),
            work: json!({"command": {"channel": "C1", "text": "list"}}).to_string(),
            reply_to: Some(Secret::new("https://hooks.slack.example/commands/T1/1/abc")),
            reply: None,
            received_at: at(1),
            expires_at: at(2),
        };
        assert!(store.inbox_accept(&entry).await.unwrap());
        assert!(!store.inbox_accept(&entry).await.unwrap(), "a redelivery is recognised");
        assert!(!store.mark_event_seen(&entry.id, at(1)).await.unwrap(), "and counts as a handled event");
        assert_eq!(store.inbox_entries("slack").await.unwrap(), vec![entry.clone()]);
        assert!(store.inbox_entries("discord").await.unwrap().is_empty());
        store.inbox_answer(&entry.id, r#"{"listing":{}}"#).await.unwrap();
        assert_eq!(store.inbox_entries("slack").await.unwrap()[0].reply.as_deref(), Some(r#"{"listing":{}}"#));
        store.inbox_remove(&entry.id).await.unwrap();
        assert!(store.inbox_entries("slack").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_postgres_url_is_refused_with_what_to_set_instead() {
        let err = SqliteStore::open("postgres://db/layoffwatch").await.unwrap_err();
        assert!(matches!(err, StoreError::UnsupportedLocation { .. }));
        assert!(err.to_string().contains("LAYOFFWATCH_DB"), "{err}");
    }

    #[tokio::test]
    async fn a_database_in_a_missing_directory_names_the_path_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/db.sqlite");
        let err = SqliteStore::open(path.to_str().unwrap()).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("could not open the database at"), "{text}");
        assert!(text.contains("no/such/dir/db.sqlite"), "{text}");
        assert!(text.contains("LAYOFFWATCH_DB"), "{text}");
        assert!(!err.is_busy());
    }

    #[tokio::test]
    async fn a_sqlite_url_opens_like_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("via-url.sqlite");
        let url = format!("sqlite://{}", path.display());
        let store = SqliteStore::open(&url).await.unwrap();
        store.save_feed(&FeedState::new("https://a")).await.unwrap();
        store.close().await;
        assert!(path.exists());
    }

    /// The pipeline runs store calls inside spawned tasks through a generic `S: Store`; this
    /// only has to compile.
    #[tokio::test]
    async fn store_futures_can_run_in_spawned_tasks_through_the_generic_trait() {
        async fn due_in_a_task<S: Store + Clone + 'static>(store: S) -> usize {
            tokio::spawn(async move { store.due_deliveries(at(10), 10).await.unwrap().len() }).await.unwrap()
        }
        assert_eq!(due_in_a_task(store().await).await, 0);
    }

    #[tokio::test]
    async fn an_in_memory_url_opens_a_private_database() {
        let one = SqliteStore::open("sqlite::memory:").await.unwrap();
        let two = SqliteStore::open(":memory:").await.unwrap();
        one.save_feed(&FeedState::new("https://a")).await.unwrap();
        assert_eq!(one.list_feeds().await.unwrap().len(), 1);
        assert!(two.list_feeds().await.unwrap().is_empty());
    }

    #[test]
    fn times_are_stored_as_fixed_width_text_that_sorts_like_time() {
        let earlier = ts(at(9) + chrono::Duration::milliseconds(5));
        let later = ts(at(9) + chrono::Duration::milliseconds(40));
        assert_eq!(earlier, "2026-04-20T09:00:00.005000000Z");
        assert_eq!(earlier.len(), later.len());
        assert!(earlier < later);
        assert_eq!(parse_ts("t", &earlier).unwrap(), at(9) + chrono::Duration::milliseconds(5));
    }

    #[tokio::test]
    async fn an_unreadable_stored_time_is_reported_as_corrupt_with_its_column() {
        let store = store().await;
        sqlx::query("INSERT INTO feeds (url, last_polled) VALUES ('https://a', 'yesterday')")
            .execute(store.pool())
            .await
            .unwrap();
        let err = store.get_feed("https://a").await.unwrap_err();
        assert!(err.to_string().contains("feeds.last_polled \"yesterday\""), "{err}");
    }
}
