//! `migrate`: copy an installation from a SQLite file into a PostgreSQL database, so several
//! instances can share it. Prints one JSON object with the rows copied per table.

use layoffwatch::store::copy::sqlite_to_postgres;
use layoffwatch::store::postgres::{is_postgres_url, redact};
use layoffwatch::store::{PgStore, SqliteStore};
use std::path::Path;
use std::process::ExitCode;

pub async fn migrate(from: &str, to: &str, force: bool) -> anyhow::Result<ExitCode> {
    let path = from.trim().trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    if is_postgres_url(from) || !Path::new(path).is_file() {
        anyhow::bail!(
            "--from {from:?} is not an existing SQLite file; give the path of the bot's database (LAYOFFWATCH_DB)"
        );
    }
    if !is_postgres_url(to) {
        anyhow::bail!("--to must be a postgres:// URL, such as postgres://USER:PASSWORD@HOST:5432/DATABASE");
    }
    let source = SqliteStore::open(path).await?;
    let target = PgStore::open(to).await?;
    let report = sqlite_to_postgres(&source, &target, force).await?;
    source.close().await;
    target.close().await;
    let tables: serde_json::Map<String, serde_json::Value> =
        report.tables.iter().map(|(table, rows)| ((*table).to_owned(), (*rows).into())).collect();
    println!("{}", serde_json::json!({ "from": path, "to": redact(to), "copied": tables }));
    Ok(ExitCode::SUCCESS)
}
