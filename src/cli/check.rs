//! `check`: validate the configuration, list every problem with its key and fix, and say what `run`
//! would start.

use layoffwatch::config::{ConfigError, Settings};
use layoffwatch::store::postgres::{inspect, is_postgres_url, redact};
use std::path::Path;
use std::process::ExitCode;

pub async fn check(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    match Settings::from_process(config) {
        Ok(s) => {
            let db = if is_postgres_url(&s.db) { redact(&s.db) } else { s.db.clone() };
            println!(
                "configuration is valid: {} feed(s), database {}, poll every {}s, outputs: {}",
                s.feeds.len(),
                db,
                s.poll_seconds,
                outputs(&s).join(", ")
            );
            if is_postgres_url(&s.db) && !check_postgres(&s.db).await {
                return Ok(ExitCode::from(1));
            }
            if s.feeds.is_empty() && !s.has_bot() {
                println!(
                    "note: no feeds are configured yet; set [feeds] urls or LAYOFFWATCH_FEEDS, or start a chat bot whose channels subscribe to feeds, before `run`"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ConfigError::Invalid(problems)) => {
            eprintln!("layoffwatch: the configuration has {} problem(s):", problems.len());
            for p in problems {
                eprintln!("  - {p}");
            }
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!("layoffwatch: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Connects to the shared database and says what is wrong with it, if anything; changes nothing.
async fn check_postgres(url: &str) -> bool {
    match inspect(url).await {
        Ok(status) if status.pending > 0 && !status.can_create => {
            eprintln!(
                "layoffwatch: the database needs {} migration(s) but its user may not create tables in its schema; \
                 grant CREATE on the schema (or run `run` once as its owner)",
                status.pending
            );
            false
        }
        Ok(status) => {
            if status.pending > 0 {
                println!("database: reachable; `run` will apply {} migration(s)", status.pending);
            } else {
                println!("database: reachable and up to date");
            }
            true
        }
        Err(e) => {
            eprintln!("layoffwatch: {e}");
            false
        }
    }
}

fn outputs(s: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    if s.console {
        out.push("console".to_string());
    }
    if let Some(j) = &s.jsonl {
        out.push(format!("jsonl {j}"));
    }
    if s.slack_webhook_url.is_some() {
        out.push("Slack webhook".to_string());
    }
    if s.discord_webhook_url.is_some() {
        out.push("Discord webhook".to_string());
    }
    if s.discord.is_some() {
        out.push("Discord bot".to_string());
    }
    if s.slack.is_some() {
        out.push("Slack bot".to_string());
    }
    if let Some(llm) = &s.llm {
        out.push(format!("LLM summaries ({} at {})", llm.model, llm.server()));
    }
    out
}
