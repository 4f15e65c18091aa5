//! Test doubles shared by the integration tests: the fake feed server, the fake Discord, the fake
//! Slack, the Slack spec checks, a Slack bot wired to its fake, the whole app started in-process
//! ([`app`]) and what the kill -9 soaks of the binary share ([`soak`]). Each test binary uses only
//! part of it.
#![allow(dead_code)]

pub mod app;
pub mod fake_discord;
pub mod fake_slack;
pub mod feeds;
pub mod postgres;
pub mod soak;
pub mod spec;

use fake_slack::FakeSlack;
use layoffwatch::adapters::slack::settings::Pacing;
use layoffwatch::adapters::slack::{SlackBot, SlackSettings};
use layoffwatch::commands::Commands;
use layoffwatch::config::Settings;
use layoffwatch::feeds::presets::Presets;
use layoffwatch::store::SqliteStore;
use layoffwatch::summaries::Offline;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Slack's pacing scaled down (the intervals keep their proportions) so tests run in seconds.
pub const TEST_PACING: Pacing = Pacing {
    post_per_channel: Duration::from_millis(20),
    tier3: Duration::from_millis(24),
    tier4: Duration::from_millis(12),
    max_inline_wait: Duration::from_secs(5),
};

/// Settings pointing the bot at `fake`, with extra environment variables on top.
pub fn settings(fake: &FakeSlack, extra: &[(&str, &str)]) -> SlackSettings {
    let api = fake.api_url();
    let mut env: HashMap<String, String> = [
        ("SLACK_BOT_TOKEN", "xoxb-test-token"),
        ("SLACK_APP_TOKEN", "xapp-test-token"),
        ("SLACK_API_URL", api.as_str()),
        ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut s =
        Settings::load(None, &|k| env.get(k).cloned()).expect("valid test settings").slack.expect("slack is on");
    s.pacing = TEST_PACING;
    s
}

pub async fn store() -> SqliteStore {
    SqliteStore::open_in_memory().await.expect("an in-memory store")
}

/// The commands layer on `store`, with the bundled presets and private addresses allowed or not.
pub fn commands(store: SqliteStore, allow_private: bool) -> Commands {
    Commands::new(store, Arc::new(Offline), Presets::bundled(), allow_private)
}

pub async fn bot(fake: &FakeSlack, store: SqliteStore, extra: &[(&str, &str)]) -> Arc<SlackBot> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let settings = settings(fake, extra);
    let layer = commands(store, settings.allow_private_addresses);
    Arc::new(SlackBot::connect(settings, layer).await.expect("the bot connects"))
}
