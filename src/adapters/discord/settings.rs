//! The Discord bot's settings as plain typed values. The configuration reads and checks them (the
//! token comes from the environment only); the bot only receives them, so it never reads the
//! environment.

use crate::secret::Secret;
use std::fmt;

/// Where the bot talks to when nothing says otherwise.
pub const DEFAULT_API_URL: &str = "https://discord.com";

/// The most messages a channel summary reads; Discord serves history 100 at a time, so this is ten
/// pages, and it bounds the memory and time one `/layoffs summarize` can cost.
pub const MAX_SUMMARY_MESSAGES: u32 = 1_000;

/// A Discord id (a snowflake). A type of its own so a channel id is never read from free text twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Snowflake(pub u64);

impl Snowflake {
    /// Parses the decimal form Discord shows with "Copy ID" (developer mode).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u64>().ok().filter(|n| *n > 0).map(Snowflake)
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How many gateway connections to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharding {
    /// As many shards as Discord recommends (`GET /gateway/bot`): one for a small bot, more once it
    /// is in thousands of servers. The default.
    Auto,
    /// Exactly one shard; for a bot pinned to one process that Discord has not asked to shard.
    Single,
    /// `total` shards cut into ranges of `per_lease`, each run by whichever instance holds its
    /// lease in the shared database (`DISCORD_SHARDS`, `DISCORD_SHARDS_PER_LEASE`).
    Leased { total: u32, per_lease: u32 },
}

/// Where slash commands are registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandScope {
    /// Everywhere the bot is installed; Discord may take a while to show changes.
    Global,
    /// One server only; changes show at once, which is what development and private installs want.
    Guild(Snowflake),
}

/// Everything the Discord bot needs to run.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscordSettings {
    /// `DISCORD_TOKEN`.
    pub token: Secret,
    /// `DISCORD_API_URL`: the API's base, `https://discord.com` unless pointed at a test server.
    pub api_url: url::Url,
    /// `DISCORD_COMMANDS_GUILD`: register commands in one server, or globally when unset.
    pub commands: CommandScope,
    /// `DISCORD_AUTOSHARD`, or `DISCORD_SHARDS` for leased ranges.
    pub sharding: Sharding,
    /// `DISCORD_SUMMARY_MESSAGES`: how many recent messages a channel (not thread) summary reads.
    pub summary_messages: u32,
    /// `DISCORD_CHANNEL`: the channel stories go to before anyone subscribes one.
    pub default_channel: Option<Snowflake>,
    /// `LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES`: lets `/layoffs subscribe` accept feeds on private
    /// addresses and `DISCORD_API_URL` use plain http (tests, intranets).
    pub allow_private_addresses: bool,
}

impl DiscordSettings {
    /// Whether the API is Discord itself; anything else is a test server or proxy.
    pub fn is_default_api(&self) -> bool {
        self.api_url.as_str().trim_end_matches('/') == DEFAULT_API_URL
    }
}
