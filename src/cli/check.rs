//! `check`: validate the configuration, list every problem with its key and fix, and say what `run`
//! would start.

use layoffwatch::config::{ConfigError, Settings};
use std::path::Path;
use std::process::ExitCode;

pub fn check(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    match Settings::from_process(config) {
        Ok(s) => {
            println!(
                "configuration is valid: {} feed(s), database {}, poll every {}s, outputs: {}",
                s.feeds.len(),
                s.db,
                s.poll_seconds,
                outputs(&s).join(", ")
            );
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
