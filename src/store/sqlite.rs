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

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use tracing::{debug, warn};

use super::{
    ArticleText, CommitSummary, Delivery, DeliveryId, DeliveryKind, DeliveryState, DigestMode, DigestSchedule,
    FeedState, InboxEntry, Lease, LeaseCounts, LeaseTaken, NewDelivery, PollCommit, SeenItem, Store, StoreError,
    StoryRecord, Subscription, TokenReservation,
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
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::migrate(location, source))?;
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
        lapsed_claim: false,
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

fn inbox_from_row(row: &SqliteRow) -> Result<InboxEntry, StoreError> {
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
        let rows = sqlx::query("SELECT * FROM seen_items WHERE seen_at >= ? ORDER BY rowid")
            .bind(ts(since))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("read recently seen items"))?;
        rows.iter().map(item_from_row).collect()
    }

    async fn story_items(&self, story_id: &str) -> Result<Vec<SeenItem>, StoreError> {
        let rows = sqlx::query("SELECT * FROM seen_items WHERE story_id = ? ORDER BY seen_at, item_id")
            .bind(story_id)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("read a story's items"))?;
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

    /// One instance owns a SQLite file, so no other decides on its stories: always 0.
    async fn story_generation(&self) -> Result<u64, StoreError> {
        Ok(0)
    }

    async fn commit_poll_at(&self, commit: &PollCommit, _generation: u64) -> Result<CommitSummary, StoreError> {
        self.commit_poll(commit).await
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
             next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'",
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
            "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, \
             claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'",
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
             next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'",
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

    async fn earlier_pending(&self, story_id: &str, destination: &str, id: DeliveryId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM deliveries WHERE story_id = ? AND destination = ? AND id < ? \
             AND state = 'pending' LIMIT 1",
        )
        .bind(story_id)
        .bind(destination)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(format!(
            "look for earlier pending deliveries of story {story_id} in {destination}"
        )))?;
        Ok(found.is_some())
    }

    async fn defer(&self, id: DeliveryId, next_attempt_at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL \
             WHERE id = ? AND state = 'pending'",
        )
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
        rows.iter().map(inbox_from_row).collect()
    }

    async fn inbox_take(
        &self,
        platform: &str,
        now: DateTime<Utc>,
        accepted_before: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<InboxEntry>, StoreError> {
        let context = format!("resume the {platform} inbox");
        let mut tx = self.begin_write(&context).await?;
        let rows = sqlx::query(
            "UPDATE inbox SET claimed_until = ?1 WHERE platform = ?2 \
             AND ((claimed_until IS NULL AND received_at <= ?3) OR claimed_until <= ?4) \
             RETURNING id, platform, work, reply_to, reply, received_at, expires_at",
        )
        .bind(ts(until))
        .bind(platform)
        .bind(ts(accepted_before))
        .bind(ts(now))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::database(context.clone()))?;
        tx.commit().await.map_err(StoreError::database(context))?;
        let mut taken = rows.iter().map(inbox_from_row).collect::<Result<Vec<_>, _>>()?;
        taken.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        Ok(taken)
    }

    async fn lease_feed(
        &self,
        url: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let context = || format!("lease feed {url}");
        // SQLite has no FOR UPDATE: the write lock taken up front serialises lessees instead.
        let mut tx = self.begin_write(&context()).await?;
        sqlx::query("INSERT INTO feeds (url) VALUES (?) ON CONFLICT (url) DO NOTHING")
            .bind(url)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        let leased = sqlx::query(
            "UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE url = ? \
             AND (lease_until IS NULL OR lease_until <= ?)",
        )
        .bind(owner)
        .bind(ts(until))
        .bind(url)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database(context()))?
        .rows_affected()
            > 0;
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(leased)
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let context = "claim due deliveries";
        let mut tx = self.begin_write(context).await?;
        // Read in the same write transaction as the claim, so it names the rows the claim takes.
        let lapsed: HashSet<i64> = sqlx::query_scalar(
            "SELECT id FROM deliveries WHERE state = 'pending' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) \
             AND (claimed_until IS NULL OR claimed_until <= ?1) AND claimed_by IS NOT NULL",
        )
        .bind(ts(now))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::database(context))?
        .into_iter()
        .collect();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id IN \
             (SELECT id FROM deliveries WHERE state = 'pending' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?) \
             AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY id LIMIT ?) \
             RETURNING {DELIVERY_COLUMNS}"
        )))
        .bind(owner)
        .bind(ts(until))
        .bind(ts(now))
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::database(context))?;
        tx.commit().await.map_err(StoreError::database(context))?;
        let mut claimed = rows
            .iter()
            .map(|row| delivery_from_row(row).map(|d| Delivery { lapsed_claim: lapsed.contains(&d.id.0), ..d }))
            .collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|d| d.id);
        Ok(claimed)
    }

    async fn leases_held(&self, owner: &str, now: DateTime<Utc>) -> Result<LeaseCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM feeds WHERE lease_owner = ?1 AND lease_until > ?2) AS feeds, \
             (SELECT count(*) FROM deliveries WHERE state = 'pending' AND claimed_by = ?1 \
              AND claimed_until > ?2) AS deliveries, \
             (SELECT min(created_at) FROM deliveries WHERE state = 'pending') AS oldest_pending",
        )
        .bind(owner)
        .bind(ts(now))
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::database("count leases"))?;
        let feeds: i64 = col(&row, "feeds")?;
        let deliveries: i64 = col(&row, "deliveries")?;
        // created_at is written by SQLite's own clock with millisecond digits, not by ts().
        Ok(LeaseCounts {
            feeds: feeds.unsigned_abs(),
            deliveries: deliveries.unsigned_abs(),
            oldest_pending: col_opt_ts(&row, "oldest_pending")?,
        })
    }

    async fn take_lease(
        &self,
        name: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<LeaseTaken, StoreError> {
        let context = || format!("take the lease {name}");
        // The write lock taken up front makes read-decide-write one step for every instance.
        let mut tx = self.begin_write(&context()).await?;
        let held = sqlx::query("SELECT owner, until FROM leases WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        let taken = match held {
            None => {
                sqlx::query("INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)")
                    .bind(name)
                    .bind(owner)
                    .bind(ts(until))
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database(context()))?;
                LeaseTaken::Held
            }
            Some(row) => {
                let holder: String = col(&row, "leases.owner")?;
                let runs_until = col_ts(&row, "leases.until")?;
                let taken = if holder == owner {
                    LeaseTaken::Held
                } else if runs_until <= now {
                    LeaseTaken::TakenOver { from: holder }
                } else {
                    // Ended now, not when the pool next uses the connection: until then it holds the
                    // write lock, and every other writer would wait for it.
                    tx.rollback().await.map_err(StoreError::database(context()))?;
                    return Ok(LeaseTaken::Refused);
                };
                sqlx::query("UPDATE leases SET owner = ?, until = ? WHERE name = ?")
                    .bind(owner)
                    .bind(ts(until))
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database(context()))?;
                taken
            }
        };
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(taken)
    }

    async fn release_lease(&self, name: &str, owner: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM leases WHERE name = ? AND owner = ?")
            .bind(name)
            .bind(owner)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("release the lease {name}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn leases(&self, prefix: &str, now: DateTime<Utc>) -> Result<Vec<Lease>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, owner, until FROM leases WHERE substr(name, 1, length(?1)) = ?1 AND until > ?2 ORDER BY name",
        )
        .bind(prefix)
        .bind(ts(now))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database(format!("list the leases named {prefix}…")))?;
        rows.iter()
            .map(|row| {
                Ok(Lease {
                    name: col(row, "leases.name")?,
                    owner: col(row, "leases.owner")?,
                    until: col_ts(row, "leases.until")?,
                })
            })
            .collect()
    }

    async fn reserve_llm_tokens(
        &self,
        day: NaiveDate,
        tokens: u64,
        limit: u64,
    ) -> Result<TokenReservation, StoreError> {
        let context = || format!("reserve {tokens} LLM tokens for {day}");
        let mut tx = self.begin_write(&context()).await?;
        let day_key = day.to_string();
        sqlx::query("INSERT INTO llm_usage (day, tokens) VALUES (?, 0) ON CONFLICT (day) DO NOTHING")
            .bind(&day_key)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        let granted: Option<i64> = sqlx::query_scalar(
            "UPDATE llm_usage SET tokens = tokens + ?1 WHERE day = ?2 AND tokens + ?1 <= ?3 RETURNING tokens",
        )
        .bind(token_count(tokens))
        .bind(&day_key)
        .bind(token_count(limit))
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database(context()))?;
        let reservation = match granted {
            Some(used) => TokenReservation::Granted { used: used.unsigned_abs() },
            None => {
                let used: i64 = sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE day = ?")
                    .bind(&day_key)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(StoreError::database(context()))?;
                TokenReservation::Exhausted { used: used.unsigned_abs() }
            }
        };
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(reservation)
    }

    async fn settle_llm_tokens(&self, day: NaiveDate, reserved: u64, used: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE llm_usage SET tokens = max(tokens - ?1, 0) + ?2 WHERE day = ?3")
            .bind(token_count(reserved))
            .bind(token_count(used))
            .bind(day.to_string())
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("count the LLM tokens used on {day}")))?;
        Ok(())
    }

    async fn llm_tokens_used(&self, day: NaiveDate) -> Result<u64, StoreError> {
        let used: Option<i64> = sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE day = ?")
            .bind(day.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the LLM tokens used on {day}")))?;
        Ok(used.unwrap_or(0).unsigned_abs())
    }

    async fn cached_llm_reply(&self, key: &str, now: DateTime<Utc>) -> Result<Option<serde_json::Value>, StoreError> {
        let reply: Option<String> =
            sqlx::query_scalar("SELECT reply FROM llm_replies WHERE key = ? AND expires_at > ?")
                .bind(key)
                .bind(ts(now))
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::database("read a cached LLM reply"))?;
        reply
            .map(|text| serde_json::from_str(&text).map_err(|err| corrupt("llm_replies.reply", &text, err)))
            .transpose()
    }

    async fn cache_llm_reply(
        &self,
        key: &str,
        reply: &serde_json::Value,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let context = "cache an LLM reply";
        let mut tx = self.begin_write(context).await?;
        sqlx::query(
            "INSERT INTO llm_replies (key, reply, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET reply = excluded.reply, expires_at = excluded.expires_at",
        )
        .bind(key)
        .bind(reply.to_string())
        .bind(ts(expires_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database(context))?;
        sqlx::query("DELETE FROM llm_replies WHERE expires_at <= ?")
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context))?;
        tx.commit().await.map_err(StoreError::database(context))?;
        Ok(())
    }
}

/// A token count as SQLite's signed integer; no budget comes near the cut, which only keeps the
/// sums in the statements from overflowing.
fn token_count(tokens: u64) -> i64 {
    i64::try_from(tokens.min(u64::from(u32::MAX) * 1024)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// 20 April 2026 at `hour`:00 UTC.
    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 20, hour, 0, 0).unwrap()
    }

    async fn store() -> SqliteStore {
        SqliteStore::open_in_memory().await.unwrap()
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
