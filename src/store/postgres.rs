//! The PostgreSQL backend: one database that several `layoffwatch run` instances share.
//!
//! It keeps the same records as the SQLite backend in PostgreSQL's own types (TIMESTAMPTZ, JSONB,
//! BOOLEAN), with its own migrations folder. Differences worth knowing:
//! - Times keep microseconds (PostgreSQL's precision); SQLite keeps nanoseconds.
//! - Leases ([`Store::lease_feed`], [`Store::claim_deliveries`]) use `FOR UPDATE SKIP LOCKED`, so
//!   two instances never take the same row and neither waits for the other.
//! - The migrator takes PostgreSQL's advisory lock, so instances starting together migrate once.
//!
//! Queries are checked at run time (`query`, not `query!`), so building needs no database.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use tracing::{debug, warn};

use super::{
    ArticleText, CommitSummary, Delivery, DeliveryId, DeliveryKind, DeliveryState, DigestMode, DigestSchedule,
    FeedState, InboxEntry, Lease, LeaseCounts, LeaseTaken, NewDelivery, PollCommit, SeenItem, Store, StoreError,
    StoryRecord, Subscription, TokenReservation,
};
use crate::secret::Secret;

/// How long to wait for a connection (from the pool, or a new one) before reporting the server
/// unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per instance: the poller, the sender and chat commands each hold one at a time.
const MAX_CONNECTIONS: u32 = 8;

/// Errors longer than this are cut before storing, as in the SQLite backend.
const MAX_ERROR_CHARS: usize = 2000;

/// The migrations of this backend, embedded at build time.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("src/store/migrations/postgres");

/// Whether a database location names this backend.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.trim().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The PostgreSQL store. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to a `postgres://` URL and brings the schema up to date. The tables go to the
    /// user's current schema; `?options[search_path]=NAME` in the URL picks another, so one
    /// database can hold separate installations (each test uses its own).
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let location = redact(url);
        let connect_error = |source| StoreError::Connect { location: location.clone(), source };
        let options = PgConnectOptions::from_str(url.trim()).map_err(connect_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::migrate(&location, source))?;
        debug!(db = %location, "Store opened.");
        Ok(PgStore { pool })
    }

    /// The connection pool, for health checks and tests that need raw SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Writes a poll in one transaction. A poll that touches stories advances the story
    /// generation; with `decided_at`, only if the generation still reads that (the row lock makes
    /// a second instance wait for the first's commit, then find the generation moved).
    async fn commit_poll_checked(
        &self,
        commit: &PollCommit,
        decided_at: Option<u64>,
    ) -> Result<CommitSummary, StoreError> {
        let operation = format!("record the poll of {}", commit.feed.url);
        let mut tx = self.pool.begin().await.map_err(StoreError::database(operation.clone()))?;
        if !commit.stories.is_empty() {
            let advanced = sqlx::query(
                "UPDATE story_generation SET generation = generation + 1 \
                 WHERE $1::BIGINT IS NULL OR generation = $1",
            )
            .bind(decided_at.map(|g| g as i64))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(operation.clone()))?;
            if advanced.rows_affected() == 0 {
                if let Err(rollback) = tx.rollback().await {
                    warn!(feed = %commit.feed.url, error = %rollback, "Rollback failed.");
                }
                return Err(StoreError::StoriesMoved {
                    feed: commit.feed.url.clone(),
                    generation: decided_at.unwrap_or_default(),
                });
            }
        }
        match write_poll(&mut tx, commit).await {
            Ok(summary) => {
                tx.commit().await.map_err(StoreError::database(operation))?;
                Ok(summary)
            }
            Err(source) => {
                if let Err(rollback) = tx.rollback().await {
                    warn!(feed = %commit.feed.url, error = %rollback, "Rollback failed.");
                }
                Err(StoreError::Database { operation, source })
            }
        }
    }

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

/// What `layoffwatch check` learns of a PostgreSQL database without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations this binary knows and the database has not applied yet (`run` applies them).
    pub pending: usize,
    /// Whether the user may create tables in its schema (needed while migrations are pending).
    pub can_create: bool,
}

/// Connects once to `url` and compares its migrations with this binary's, changing nothing.
/// Fails when the server is unreachable or refuses the login ([`StoreError::Connect`]) and when
/// a newer layoffwatch migrated the database ([`StoreError::MigrationsAhead`]).
pub async fn inspect(url: &str) -> Result<SchemaStatus, StoreError> {
    let location = redact(url);
    let connect_error = |source| StoreError::Connect { location: location.clone(), source };
    let options = PgConnectOptions::from_str(url.trim()).map_err(connect_error)?;
    let mut conn =
        tokio::time::timeout(CONNECT_TIMEOUT, <sqlx::PgConnection as sqlx::Connection>::connect_with(&options))
            .await
            .map_err(|_| connect_error(sqlx::Error::PoolTimedOut))?
            .map_err(connect_error)?;
    let read = StoreError::database("read the applied migrations");
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::database("read the applied migrations"))?;
    let applied: Vec<i64> = if has_table {
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .map_err(read)?
    } else {
        Vec::new()
    };
    let known: HashSet<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if let Some(version) = applied.iter().find(|v| !known.contains(v)) {
        return Err(StoreError::MigrationsAhead { location, version: *version });
    }
    let can_create: bool = sqlx::query_scalar("SELECT has_schema_privilege(current_schema(), 'CREATE')")
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::database("read the user's permissions"))?;
    let applied: HashSet<i64> = applied.into_iter().collect();
    let pending = known.iter().filter(|v| !applied.contains(v)).count();
    let _ = sqlx::Connection::close(conn).await;
    Ok(SchemaStatus { pending, can_create })
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "the configured Postgres URL".to_owned(),
    }
}

// ----- conversions between records and columns -----

fn corrupt(what: &'static str, value: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt { what, value: value.chars().take(80).collect(), reason: reason.to_string() }
}

fn col<'r, T>(row: &'r PgRow, what: &'static str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    let name = what.rsplit('.').next().unwrap_or(what);
    row.try_get(name).map_err(|err| corrupt(what, "", err))
}

fn col_u32(row: &PgRow, what: &'static str) -> Result<u32, StoreError> {
    let n: i64 = col(row, what)?;
    u32::try_from(n).map_err(|err| corrupt(what, &n.to_string(), err))
}

fn col_json(row: &PgRow, what: &'static str) -> Result<serde_json::Value, StoreError> {
    let text: String = col(row, what)?;
    serde_json::from_str(&text).map_err(|err| corrupt(what, &text, err))
}

const FEED_COLUMNS: &str = "url, etag, last_modified, consecutive_failures, disabled_reason, last_polled, \
     first_poll_done, retry_at";

fn feed_from_row(row: &PgRow) -> Result<FeedState, StoreError> {
    Ok(FeedState {
        url: col(row, "feeds.url")?,
        etag: col(row, "feeds.etag")?,
        last_modified: col(row, "feeds.last_modified")?,
        consecutive_failures: col_u32(row, "feeds.consecutive_failures")?,
        disabled_reason: col(row, "feeds.disabled_reason")?,
        last_polled: col(row, "feeds.last_polled")?,
        first_poll_done: col(row, "feeds.first_poll_done")?,
        retry_at: col(row, "feeds.retry_at")?,
    })
}

const ITEM_COLUMNS: &str = "item_id, feed_url, canonical_url, simhash, story_id, published, seen_at, text";

fn item_from_row(row: &PgRow) -> Result<SeenItem, StoreError> {
    let simhash: i64 = col(row, "seen_items.simhash")?;
    Ok(SeenItem {
        item_id: col(row, "seen_items.item_id")?,
        feed_url: col(row, "seen_items.feed_url")?,
        canonical_url: col(row, "seen_items.canonical_url")?,
        // The same 64 bits back: a bit-cast, not a conversion.
        simhash: simhash as u64,
        story_id: col(row, "seen_items.story_id")?,
        published: col(row, "seen_items.published")?,
        seen_at: col(row, "seen_items.seen_at")?,
        text: col(row, "seen_items.text")?,
    })
}

const STORY_COLUMNS: &str = "id, revision, payload::text AS payload, first_seen, updated_at";

fn story_from_row(row: &PgRow) -> Result<StoryRecord, StoreError> {
    Ok(StoryRecord {
        id: col(row, "stories.id")?,
        revision: col_u32(row, "stories.revision")?,
        payload: col_json(row, "stories.payload")?,
        first_seen: col(row, "stories.first_seen")?,
        updated_at: col(row, "stories.updated_at")?,
    })
}

const DELIVERY_COLUMNS: &str = "id, key, story_id, destination, kind, payload::text AS payload, state, attempts, \
     next_attempt_at, last_error, platform_ref";

fn delivery_from_row(row: &PgRow) -> Result<Delivery, StoreError> {
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
        next_attempt_at: col(row, "deliveries.next_attempt_at")?,
        last_error: col(row, "deliveries.last_error")?,
        platform_ref: col(row, "deliveries.platform_ref")?,
        lapsed_claim: false,
    })
}

fn subscription_from_row(row: &PgRow) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        platform: col(row, "subscriptions.platform")?,
        channel: col(row, "subscriptions.channel")?,
        feed: col(row, "subscriptions.feed")?,
        added_by: col(row, "subscriptions.added_by")?,
        added_at: col(row, "subscriptions.added_at")?,
    })
}

fn inbox_from_row(row: &PgRow) -> Result<InboxEntry, StoreError> {
    let reply_to: Option<String> = col(row, "inbox.reply_to")?;
    Ok(InboxEntry {
        id: col(row, "inbox.id")?,
        platform: col(row, "inbox.platform")?,
        work: col(row, "inbox.work")?,
        reply_to: reply_to.map(Secret::new),
        reply: col(row, "inbox.reply")?,
        received_at: col(row, "inbox.received_at")?,
        expires_at: col(row, "inbox.expires_at")?,
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

async fn upsert_feed<'e, E>(executor: E, feed: &FeedState) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    sqlx::query(
        "INSERT INTO feeds (url, etag, last_modified, consecutive_failures, disabled_reason, last_polled, \
         first_poll_done, retry_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
         consecutive_failures = excluded.consecutive_failures, disabled_reason = excluded.disabled_reason, \
         last_polled = excluded.last_polled, first_poll_done = excluded.first_poll_done, \
         retry_at = excluded.retry_at",
    )
    .bind(&feed.url)
    .bind(&feed.etag)
    .bind(&feed.last_modified)
    .bind(i64::from(feed.consecutive_failures))
    .bind(&feed.disabled_reason)
    .bind(feed.last_polled)
    .bind(feed.first_poll_done)
    .bind(feed.retry_at)
    .execute(executor)
    .await?;
    Ok(())
}

async fn write_poll(
    tx: &mut Transaction<'static, Postgres>,
    commit: &PollCommit,
) -> Result<CommitSummary, sqlx::Error> {
    let mut summary = CommitSummary::default();
    upsert_feed(&mut **tx, &commit.feed).await?;
    // Stories before deliveries; a stored newer revision wins; first_seen is kept.
    for story in &commit.stories {
        let written = sqlx::query(
            "INSERT INTO stories (id, revision, payload, first_seen, updated_at) \
             VALUES ($1, $2, $3::jsonb, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, \
             payload = excluded.payload, updated_at = excluded.updated_at \
             WHERE excluded.revision >= stories.revision",
        )
        .bind(&story.id)
        .bind(i64::from(story.revision))
        .bind(story.payload.to_string())
        .bind(story.first_seen)
        .bind(story.updated_at)
        .execute(&mut **tx)
        .await?;
        if written.rows_affected() == 0 {
            summary.stale_stories_ignored += 1;
        }
    }
    // An item seen again is updated but keeps its first feed and seen_at.
    for item in &commit.items {
        sqlx::query(
            "INSERT INTO seen_items (item_id, feed_url, canonical_url, simhash, story_id, published, seen_at, text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (item_id) DO UPDATE SET canonical_url = excluded.canonical_url, \
             simhash = excluded.simhash, story_id = coalesce(excluded.story_id, seen_items.story_id), \
             published = excluded.published, text = coalesce(excluded.text, seen_items.text)",
        )
        .bind(&item.item_id)
        .bind(&item.feed_url)
        .bind(&item.canonical_url)
        .bind(item.simhash as i64)
        .bind(&item.story_id)
        .bind(item.published)
        .bind(item.seen_at)
        .bind(&item.text)
        .execute(&mut **tx)
        .await?;
    }
    for delivery in &commit.deliveries {
        if insert_delivery(&mut **tx, delivery).await? {
            summary.deliveries_queued += 1;
        } else {
            summary.deliveries_ignored += 1;
        }
    }
    Ok(summary)
}

async fn insert_delivery<'e, E>(executor: E, delivery: &NewDelivery) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let result = sqlx::query(
        "INSERT INTO deliveries (key, story_id, destination, kind, payload) \
         VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (key) DO NOTHING",
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

impl Store for PgStore {
    async fn get_feed(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {FEED_COLUMNS} FROM feeds WHERE url = $1")))
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY url")))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("list feeds"))?;
        rows.iter().map(feed_from_row).collect()
    }

    async fn seen_ids(&self, ids: &[String]) -> Result<HashSet<String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        // One array parameter whatever the number of ids.
        let found: Vec<String> = sqlx::query_scalar("SELECT item_id FROM seen_items WHERE item_id = ANY($1)")
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("look up seen item ids"))?;
        Ok(found.into_iter().collect())
    }

    async fn items_since(&self, since: DateTime<Utc>) -> Result<Vec<SeenItem>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM seen_items WHERE seen_at >= $1 ORDER BY placed"
        )))
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read recently seen items"))?;
        rows.iter().map(item_from_row).collect()
    }

    async fn story_items(&self, story_id: &str) -> Result<Vec<SeenItem>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM seen_items WHERE story_id = $1 ORDER BY seen_at, item_id"
        )))
        .bind(story_id)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read a story's items"))?;
        rows.iter().map(item_from_row).collect()
    }

    async fn expire_text(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query("UPDATE seen_items SET text = NULL WHERE text IS NOT NULL AND seen_at < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("expire old article text"))?;
        let pages = sqlx::query("DELETE FROM article_text WHERE fetched_at < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("expire old article pages"))?;
        Ok(result.rows_affected() + pages.rows_affected())
    }

    async fn article_text(&self, url: &str) -> Result<Option<ArticleText>, StoreError> {
        let row = sqlx::query("SELECT url, text, etag, last_modified, fetched_at FROM article_text WHERE url = $1")
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
                fetched_at: col(&row, "article_text.fetched_at")?,
            })
        })
        .transpose()
    }

    async fn save_article_text(&self, article: &ArticleText) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO article_text (url, text, etag, last_modified, fetched_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (url) DO UPDATE SET text = excluded.text, etag = excluded.etag, \
             last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
        )
        .bind(&article.url)
        .bind(&article.text)
        .bind(&article.etag)
        .bind(&article.last_modified)
        .bind(article.fetched_at)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("cache the text of {}", article.url)))?;
        Ok(())
    }

    async fn get_story(&self, id: &str) -> Result<Option<StoryRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read story {id}")))?;
        row.as_ref().map(story_from_row).transpose()
    }

    async fn stories_since(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE updated_at >= $1 ORDER BY updated_at, id"
        )))
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read recent stories"))?;
        rows.iter().map(story_from_row).collect()
    }

    async fn commit_poll(&self, commit: &PollCommit) -> Result<CommitSummary, StoreError> {
        self.commit_poll_checked(commit, None).await
    }

    async fn story_generation(&self) -> Result<u64, StoreError> {
        let generation: i64 = sqlx::query_scalar("SELECT generation FROM story_generation")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::database("read the story generation"))?;
        Ok(generation as u64)
    }

    async fn commit_poll_at(&self, commit: &PollCommit, generation: u64) -> Result<CommitSummary, StoreError> {
        self.commit_poll_checked(commit, Some(generation)).await
    }

    async fn due_deliveries(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE state = 'pending' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY id LIMIT $2"
        )))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read due deliveries"))?;
        rows.iter().map(delivery_from_row).collect()
    }

    async fn get_delivery(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read delivery {id}")))?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    async fn delivery_by_key(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE key = $1")))
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read delivery {key}")))?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    async fn mark_sent(&self, id: DeliveryId, platform_ref: Option<&str>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, platform_ref = $1, \
             next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND state = 'pending'",
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
            "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
             claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND state = 'pending'",
        )
        .bind(truncate_error(error))
        .bind(next_attempt_at)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("schedule a retry of delivery {id}")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn mark_failed(&self, id: DeliveryId, error: &str) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $1, \
             next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND state = 'pending'",
        )
        .bind(truncate_error(error))
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("mark delivery {id} failed")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn thread_ref(&self, story_id: &str, destination: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT platform_ref FROM deliveries WHERE story_id = $1 AND destination = $2 \
             AND kind = 'post' AND state = 'sent' AND platform_ref IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(story_id)
        .bind(destination)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(format!("find the thread of story {story_id} in {destination}")))
    }

    async fn post_pending(&self, story_id: &str, destination: &str) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM deliveries WHERE story_id = $1 AND destination = $2 AND kind = 'post' \
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
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM deliveries WHERE story_id = $1 AND destination = $2 AND id < $3 \
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
            "UPDATE deliveries SET next_attempt_at = $1, claimed_by = NULL, claimed_until = NULL \
             WHERE id = $2 AND state = 'pending'",
        )
        .bind(next_attempt_at)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("defer delivery {id}")))?;
        self.expect_pending_updated(id, result.rows_affected()).await
    }

    async fn add_subscription(&self, subscription: &Subscription) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO subscriptions (platform, channel, feed, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(&subscription.platform)
        .bind(&subscription.channel)
        .bind(&subscription.feed)
        .bind(&subscription.added_by)
        .bind(subscription.added_at)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!(
            "subscribe {}:{} to {}",
            subscription.platform, subscription.channel, subscription.feed
        )))?;
        Ok(result.rows_affected() > 0)
    }

    async fn remove_subscription(&self, platform: &str, channel: &str, feed: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM subscriptions WHERE platform = $1 AND channel = $2 AND feed = $3")
            .bind(platform)
            .bind(channel)
            .bind(feed)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("unsubscribe {platform}:{channel} from {feed}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn subscriptions_for_channel(&self, platform: &str, channel: &str) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(
            "SELECT platform, channel, feed, added_by, added_at FROM subscriptions \
             WHERE platform = $1 AND channel = $2 ORDER BY feed",
        )
        .bind(platform)
        .bind(channel)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database(format!("list the subscriptions of {platform}:{channel}")))?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn all_subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(
            "SELECT platform, channel, feed, added_by, added_at FROM subscriptions ORDER BY platform, channel, feed",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list subscriptions"))?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn set_digest(&self, platform: &str, channel: &str, mode: DigestMode) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO digests (platform, channel, mode) VALUES ($1, $2, $3) \
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
        let mode: Option<String> = sqlx::query_scalar("SELECT mode FROM digests WHERE platform = $1 AND channel = $2")
            .bind(platform)
            .bind(channel)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the digest of {platform}:{channel}")))?;
        mode.as_deref().map(digest_from_text).transpose()
    }

    async fn list_digests(&self) -> Result<Vec<DigestSchedule>, StoreError> {
        let rows = sqlx::query(
            "SELECT platform, channel, mode, last_sent_at FROM digests WHERE mode <> 'off' ORDER BY platform, channel",
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
                    last_sent_at: col(row, "digests.last_sent_at")?,
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
        sqlx::query("UPDATE digests SET last_sent_at = $1 WHERE platform = $2 AND channel = $3")
            .bind(covered_to)
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
            "INSERT INTO processed_events (event_id, seen_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(format!("record chat event {event_id}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn prune_events(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM processed_events WHERE seen_at < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("forget old chat events"))?;
        Ok(result.rows_affected())
    }

    async fn inbox_accept(&self, entry: &InboxEntry) -> Result<bool, StoreError> {
        let context = || format!("record chat event {}", entry.id);
        let mut tx = self.pool.begin().await.map_err(StoreError::database(context()))?;
        let fresh = sqlx::query(
            "INSERT INTO processed_events (event_id, seen_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&entry.id)
        .bind(entry.received_at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database(context()))?
        .rows_affected()
            > 0;
        if fresh {
            sqlx::query(
                "INSERT INTO inbox (id, platform, work, reply_to, reply, received_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&entry.id)
            .bind(&entry.platform)
            .bind(&entry.work)
            .bind(entry.reply_to.as_ref().map(Secret::expose))
            .bind(&entry.reply)
            .bind(entry.received_at)
            .bind(entry.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database(context()))?;
        }
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(fresh)
    }

    async fn inbox_answer(&self, id: &str, reply: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE inbox SET reply = $1 WHERE id = $2")
            .bind(reply)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("record the answer to chat event {id}")))?;
        Ok(())
    }

    async fn inbox_remove(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM inbox WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("remove answered chat event {id}")))?;
        Ok(())
    }

    async fn inbox_entries(&self, platform: &str) -> Result<Vec<InboxEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, platform, work, reply_to, reply, received_at, expires_at FROM inbox \
             WHERE platform = $1 ORDER BY received_at, id",
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
        // SKIP LOCKED: an entry another instance is taking right now is its, not ours.
        let rows = sqlx::query(
            "WITH free AS (SELECT id FROM inbox WHERE platform = $2 \
             AND ((claimed_until IS NULL AND received_at <= $3) OR claimed_until <= $4) FOR UPDATE SKIP LOCKED) \
             UPDATE inbox SET claimed_until = $1 FROM free WHERE inbox.id = free.id \
             RETURNING inbox.id, inbox.platform, inbox.work, inbox.reply_to, inbox.reply, inbox.received_at, \
             inbox.expires_at",
        )
        .bind(until)
        .bind(platform)
        .bind(accepted_before)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database(format!("resume the {platform} inbox")))?;
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
        // A feed never polled has no row yet: create it unleased, then lease it like any other.
        sqlx::query("INSERT INTO feeds (url) VALUES ($1) ON CONFLICT (url) DO NOTHING")
            .bind(url)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(context()))?;
        // SKIP LOCKED: a row another instance is leasing right now counts as taken, without waiting.
        let leased: Option<String> = sqlx::query_scalar(
            "WITH free AS (SELECT url FROM feeds WHERE url = $1 \
             AND (lease_until IS NULL OR lease_until <= $2) FOR UPDATE SKIP LOCKED) \
             UPDATE feeds SET lease_owner = $3, lease_until = $4 FROM free WHERE feeds.url = free.url \
             RETURNING feeds.url",
        )
        .bind(url)
        .bind(now)
        .bind(owner)
        .bind(until)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(context()))?;
        Ok(leased.is_some())
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "WITH free AS (SELECT id, claimed_by IS NOT NULL AS lapsed FROM deliveries WHERE state = 'pending' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $1) \
             AND (claimed_until IS NULL OR claimed_until <= $1) \
             ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) \
             UPDATE deliveries SET claimed_by = $3, claimed_until = $4 FROM free \
             WHERE deliveries.id = free.id RETURNING {}, free.lapsed",
            qualified_delivery_columns()
        )))
        .bind(now)
        .bind(i64::from(limit))
        .bind(owner)
        .bind(until)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("claim due deliveries"))?;
        let mut claimed = rows
            .iter()
            .map(|row| Ok(Delivery { lapsed_claim: col(row, "free.lapsed")?, ..delivery_from_row(row)? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        claimed.sort_by_key(|d| d.id);
        Ok(claimed)
    }

    async fn leases_held(&self, owner: &str, now: DateTime<Utc>) -> Result<LeaseCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM feeds WHERE lease_owner = $1 AND lease_until > $2) AS feeds, \
             (SELECT count(*) FROM deliveries WHERE state = 'pending' AND claimed_by = $1 \
              AND claimed_until > $2) AS deliveries, \
             (SELECT min(created_at) FROM deliveries WHERE state = 'pending') AS oldest_pending",
        )
        .bind(owner)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::database("count leases"))?;
        let feeds: i64 = col(&row, "feeds")?;
        let deliveries: i64 = col(&row, "deliveries")?;
        Ok(LeaseCounts {
            feeds: feeds as u64,
            deliveries: deliveries as u64,
            oldest_pending: col(&row, "oldest_pending")?,
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
        let mut tx = self.pool.begin().await.map_err(StoreError::database(context()))?;
        let created =
            sqlx::query("INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(owner)
                .bind(until)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database(context()))?
                .rows_affected()
                > 0;
        if !created {
            // SKIP LOCKED: a lease another instance is taking or renewing right now is not free.
            let Some(row) = sqlx::query("SELECT owner, until FROM leases WHERE name = $1 FOR UPDATE SKIP LOCKED")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::database(context()))?
            else {
                tx.rollback().await.map_err(StoreError::database(context()))?;
                return Ok(LeaseTaken::Refused);
            };
            let holder: String = col(&row, "leases.owner")?;
            let runs_until: DateTime<Utc> = col(&row, "leases.until")?;
            let taken = if holder == owner {
                LeaseTaken::Held
            } else if runs_until <= now {
                LeaseTaken::TakenOver { from: holder }
            } else {
                // Ended now, not when the pool next uses the connection: until then the row stays
                // locked, and every other instance would find the lease busy.
                tx.rollback().await.map_err(StoreError::database(context()))?;
                return Ok(LeaseTaken::Refused);
            };
            sqlx::query("UPDATE leases SET owner = $1, until = $2 WHERE name = $3")
                .bind(owner)
                .bind(until)
                .bind(name)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database(context()))?;
            tx.commit().await.map_err(StoreError::database(context()))?;
            return Ok(taken);
        }
        tx.commit().await.map_err(StoreError::database(context()))?;
        Ok(LeaseTaken::Held)
    }

    async fn release_lease(&self, name: &str, owner: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM leases WHERE name = $1 AND owner = $2")
            .bind(name)
            .bind(owner)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("release the lease {name}")))?;
        Ok(result.rows_affected() > 0)
    }

    async fn leases(&self, prefix: &str, now: DateTime<Utc>) -> Result<Vec<Lease>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, owner, until FROM leases WHERE left(name, length($1)) = $1 AND until > $2 ORDER BY name",
        )
        .bind(prefix)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database(format!("list the leases named {prefix}…")))?;
        rows.iter()
            .map(|row| {
                Ok(Lease {
                    name: col(row, "leases.name")?,
                    owner: col(row, "leases.owner")?,
                    until: col(row, "leases.until")?,
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
        sqlx::query("INSERT INTO llm_usage (day, tokens) VALUES ($1, 0) ON CONFLICT (day) DO NOTHING")
            .bind(day)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(context()))?;
        // One statement: the row lock makes a concurrent reservation re-check the sum it would make.
        let granted: Option<i64> = sqlx::query_scalar(
            "UPDATE llm_usage SET tokens = tokens + $1 WHERE day = $2 AND tokens + $1 <= $3 RETURNING tokens",
        )
        .bind(token_count(tokens))
        .bind(day)
        .bind(token_count(limit))
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database(context()))?;
        if let Some(used) = granted {
            return Ok(TokenReservation::Granted { used: used.unsigned_abs() });
        }
        Ok(TokenReservation::Exhausted { used: self.llm_tokens_used(day).await? })
    }

    async fn settle_llm_tokens(&self, day: NaiveDate, reserved: u64, used: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE llm_usage SET tokens = greatest(tokens - $1, 0) + $2 WHERE day = $3")
            .bind(token_count(reserved))
            .bind(token_count(used))
            .bind(day)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(format!("count the LLM tokens used on {day}")))?;
        Ok(())
    }

    async fn llm_tokens_used(&self, day: NaiveDate) -> Result<u64, StoreError> {
        let used: Option<i64> = sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE day = $1")
            .bind(day)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::database(format!("read the LLM tokens used on {day}")))?;
        Ok(used.unwrap_or(0).unsigned_abs())
    }

    async fn cached_llm_reply(&self, key: &str, now: DateTime<Utc>) -> Result<Option<serde_json::Value>, StoreError> {
        let reply: Option<String> =
            sqlx::query_scalar("SELECT reply::text FROM llm_replies WHERE key = $1 AND expires_at > $2")
                .bind(key)
                .bind(now)
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
        sqlx::query(
            "INSERT INTO llm_replies (key, reply, expires_at) VALUES ($1, $2::jsonb, $3) \
             ON CONFLICT (key) DO UPDATE SET reply = excluded.reply, expires_at = excluded.expires_at",
        )
        .bind(key)
        .bind(reply.to_string())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(StoreError::database(context))?;
        sqlx::query("DELETE FROM llm_replies WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(StoreError::database(context))?;
        Ok(())
    }
}

/// A token count as PostgreSQL's BIGINT; no budget comes near the cut, which only keeps the sums in
/// the statements from overflowing.
fn token_count(tokens: u64) -> i64 {
    i64::try_from(tokens.min(u64::from(u32::MAX) * 1024)).unwrap_or(i64::MAX)
}

/// The delivery columns prefixed with the table, for `UPDATE … FROM … RETURNING`.
fn qualified_delivery_columns() -> String {
    DELIVERY_COLUMNS
        .split(", ")
        .map(|c| match c {
            "payload::text AS payload" => "deliveries.payload::text AS payload".to_owned(),
            other => format!("deliveries.{}", other.trim()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
