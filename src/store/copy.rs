//! Copying an installation from a SQLite file into a PostgreSQL database (`layoffwatch migrate`),
//! so a single-instance bot can move to several instances without losing what it remembers: feeds
//! and their validators, seen items, stories, the outbox (with its ids, so threads stay threads),
//! subscriptions, digest schedules, handled chat events, the inbox, and the LLM's token count and
//! cached story replies.
//!
//! Leases and claims are not copied: they belong to running instances. The copy runs in one
//! PostgreSQL transaction, so a failure leaves the target as it was. A target that already holds
//! data is refused unless the caller says to replace it.

use sqlx::Row;

use super::{PgStore, SqliteStore, StoreError};

/// The tables copied, parents before children, each with its columns and their PostgreSQL types.
/// Values travel as text and are cast on the way in, so SQLite's RFC 3339 times, 0/1 booleans
/// and JSON text become TIMESTAMPTZ, BOOLEAN and JSONB.
const TABLES: &[(&str, &[(&str, &str)])] = &[
    (
        "feeds",
        &[
            ("url", "text"),
            ("etag", "text"),
            ("last_modified", "text"),
            ("consecutive_failures", "bigint"),
            ("disabled_reason", "text"),
            ("last_polled", "timestamptz"),
            ("first_poll_done", "boolean"),
            ("retry_at", "timestamptz"),
        ],
    ),
    (
        "stories",
        &[
            ("id", "text"),
            ("revision", "bigint"),
            ("payload", "jsonb"),
            ("first_seen", "timestamptz"),
            ("updated_at", "timestamptz"),
        ],
    ),
    (
        "seen_items",
        &[
            ("item_id", "text"),
            ("feed_url", "text"),
            ("canonical_url", "text"),
            ("simhash", "bigint"),
            ("story_id", "text"),
            ("published", "timestamptz"),
            ("seen_at", "timestamptz"),
            ("text", "text"),
        ],
    ),
    (
        "deliveries",
        &[
            ("id", "bigint"),
            ("key", "text"),
            ("story_id", "text"),
            ("destination", "text"),
            ("kind", "text"),
            ("payload", "jsonb"),
            ("state", "text"),
            ("attempts", "bigint"),
            ("next_attempt_at", "timestamptz"),
            ("last_error", "text"),
            ("platform_ref", "text"),
            ("created_at", "timestamptz"),
        ],
    ),
    (
        "subscriptions",
        &[
            ("platform", "text"),
            ("channel", "text"),
            ("feed", "text"),
            ("added_by", "text"),
            ("added_at", "timestamptz"),
        ],
    ),
    ("digests", &[("platform", "text"), ("channel", "text"), ("mode", "text"), ("last_sent_at", "timestamptz")]),
    ("processed_events", &[("event_id", "text"), ("seen_at", "timestamptz")]),
    (
        "inbox",
        &[
            ("id", "text"),
            ("platform", "text"),
            ("work", "text"),
            ("reply_to", "text"),
            ("reply", "text"),
            ("received_at", "timestamptz"),
            ("expires_at", "timestamptz"),
        ],
    ),
    (
        "article_text",
        &[
            ("url", "text"),
            ("text", "text"),
            ("etag", "text"),
            ("last_modified", "text"),
            ("fetched_at", "timestamptz"),
        ],
    ),
    ("llm_usage", &[("day", "date"), ("tokens", "bigint")]),
    ("llm_replies", &[("key", "text"), ("reply", "jsonb"), ("expires_at", "timestamptz")]),
];

/// What a copy wrote: rows per table, in copy order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyReport {
    /// `(table, rows copied)`.
    pub tables: Vec<(&'static str, u64)>,
}

/// Rows already in the target's tables, `(table, rows)` for each non-empty one.
pub async fn occupied_tables(to: &PgStore) -> Result<Vec<(&'static str, u64)>, StoreError> {
    let mut occupied = Vec::new();
    for (table, _) in TABLES {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(to.pool())
            .await
            .map_err(StoreError::database(format!("count the rows of {table} in the target")))?;
        if rows > 0 {
            occupied.push((*table, rows.unsigned_abs()));
        }
    }
    Ok(occupied)
}

/// Copies everything from `from` into `to` in one transaction. A target with data is refused
/// ([`StoreError::TargetNotEmpty`]) unless `replace` is set, in which case its rows are deleted
/// first (in the same transaction).
pub async fn sqlite_to_postgres(from: &SqliteStore, to: &PgStore, replace: bool) -> Result<CopyReport, StoreError> {
    let occupied = occupied_tables(to).await?;
    if !occupied.is_empty() && !replace {
        let tables = occupied.iter().map(|(t, n)| format!("{t} ({n} rows)")).collect::<Vec<_>>().join(", ");
        return Err(StoreError::TargetNotEmpty { tables });
    }
    let context = |what: &str| format!("copy {what} into PostgreSQL");
    let mut tx = to.pool().begin().await.map_err(StoreError::database(context("the installation")))?;
    if !occupied.is_empty() {
        let names = TABLES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ");
        sqlx::query(sqlx::AssertSqlSafe(format!("TRUNCATE {names}")))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("empty the target before the copy"))?;
    }
    let mut report = CopyReport::default();
    for (table, columns) in TABLES {
        let select = columns.iter().map(|(c, _)| format!("CAST({c} AS TEXT) AS {c}")).collect::<Vec<_>>().join(", ");
        let names = columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
        let values =
            columns.iter().enumerate().map(|(i, (_, ty))| format!("${}::{ty}", i + 1)).collect::<Vec<_>>().join(", ");
        let insert = format!("INSERT INTO {table} ({names}) VALUES ({values})");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {select} FROM {table}")))
            .fetch_all(from.pool())
            .await
            .map_err(StoreError::database(format!("read {table} from SQLite")))?;
        for row in &rows {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
            for (i, _) in columns.iter().enumerate() {
                let value: Option<String> =
                    row.try_get(i).map_err(StoreError::database(format!("read {table} from SQLite")))?;
                query = query.bind(value);
            }
            query.execute(&mut *tx).await.map_err(StoreError::database(context(table)))?;
        }
        report.tables.push((*table, rows.len() as u64));
    }
    // New deliveries continue after the copied ids, so id order stays queue order.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('deliveries', 'id'), \
         coalesce((SELECT max(id) FROM deliveries), 0) + 1, false)",
    )
    .execute(&mut *tx)
    .await
    .map_err(StoreError::database(context("the outbox position")))?;
    tx.commit().await.map_err(StoreError::database(context("the installation")))?;
    Ok(report)
}
