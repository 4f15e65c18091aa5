//! The test PostgreSQL server: `LAYOFFWATCH_TEST_POSTGRES`, or `postgres://postgres@127.0.0.1:5432/test`.
//! Each test gets a schema of its own, emptied first, reached through a URL whose `search_path`
//! names it. Without a server the tests skip with a note on how to run them, except under CI
//! (`CI` set), where a missing server fails them.

use sqlx::Connection;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server's URL from the environment or the default.
pub fn server_url() -> String {
    std::env::var("LAYOFFWATCH_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.into())
}

/// A URL whose tables live in a fresh, empty schema named after `test`, or `None` (with a note on
/// stderr) when no server answers and CI is not set.
pub async fn fresh_schema(test: &str) -> Option<String> {
    let server = server_url();
    let mut conn = match sqlx::PgConnection::connect(&server).await {
        Ok(conn) => conn,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipping {test}: no PostgreSQL at {server} ({e}); start one or set \
                 LAYOFFWATCH_TEST_POSTGRES=postgres://USER@HOST:PORT/DATABASE to run the PostgreSQL tests"
            );
            return None;
        }
        Err(e) => panic!("CI is set but no PostgreSQL answers at {server}: {e}"),
    };
    let schema: String = format!("lw_{test}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    // Long names are cut to PostgreSQL's 63 bytes, with a hash of the whole name kept unique.
    let hash = schema.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let schema = format!("{}_{:08x}", schema.chars().take(50).collect::<String>(), hash as u32);
    for statement in [format!("DROP SCHEMA IF EXISTS {schema} CASCADE"), format!("CREATE SCHEMA {schema}")] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut conn).await.unwrap();
    }
    let _ = conn.close().await;
    let separator = if server.contains('?') { '&' } else { '?' };
    Some(format!("{server}{separator}options[search_path]={schema}"))
}
