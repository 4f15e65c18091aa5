//! The Slack bot's settings as plain typed values. The configuration reads and checks them (tokens
//! come from the environment only); the bot only receives them, so it never reads the environment.

use crate::secret::Secret;
use std::net::SocketAddr;
use std::time::Duration;

/// Slack's documented Web API base; `SLACK_API_URL` overrides it (a test server, a proxy).
pub const DEFAULT_API_URL: &str = "https://slack.com/api";
/// Where the HTTP Events API listens when `LAYOFFWATCH_HTTP_ADDR` is not set.
pub const DEFAULT_HTTP_ADDR: &str = "0.0.0.0:3000";

/// How Slack reaches the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Socket Mode: the bot opens a websocket to Slack, so no public URL is needed.
    Socket {
        /// The app-level token (`xapp-…`) with `connections:write`.
        app_token: Secret,
    },
    /// The HTTP Events API: Slack posts signed requests to a public URL (behind a load balancer).
    Http {
        /// Signs every request Slack sends; requests that do not verify are refused.
        signing_secret: Secret,
        /// Where the axum server listens.
        listen: SocketAddr,
    },
}

/// Who may change a channel's subscriptions and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandPolicy {
    /// Everyone in the channel.
    pub everyone: bool,
    /// Workspace admins and owners.
    pub admins: bool,
    /// The user who created the channel.
    pub creator: bool,
    /// These user ids, whatever their role.
    pub users: Vec<String>,
}

impl Default for CommandPolicy {
    fn default() -> Self {
        Self { everyone: false, admins: true, creator: true, users: Vec::new() }
    }
}

/// How fast the bot may call Slack. The defaults are Slack's published limits; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Between two `chat.postMessage` calls to one channel (Slack: about one per second).
    pub post_per_channel: Duration,
    /// Between two calls of one Tier 3 method (`conversations.replies`, `conversations.history`,
    /// `conversations.info`, `chat.update`: 50+ a minute).
    pub tier3: Duration,
    /// Between two calls of one Tier 4 method (`users.info`, `chat.postEphemeral`: 100+ a minute).
    pub tier4: Duration,
    /// The longest `Retry-After` waited out inside one call; a longer one is handed back to the
    /// outbox, which pauses the channel instead of holding a task.
    pub max_inline_wait: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            post_per_channel: Duration::from_secs(1),
            tier3: Duration::from_millis(1_200),
            tier4: Duration::from_millis(600),
            max_inline_wait: Duration::from_secs(30),
        }
    }
}

/// Everything the Slack bot needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackSettings {
    /// The bot token (`xoxb-…`) every Web API call is made with.
    pub bot_token: Secret,
    pub connection: Connection,
    /// The Web API base, without a trailing slash.
    pub api_url: url::Url,
    /// The channel default feeds post to (`SLACK_CHANNEL`), if any.
    pub default_channel: Option<String>,
    pub policy: CommandPolicy,
    /// Whether user-supplied feed URLs may name private addresses (`LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES`).
    pub allow_private_addresses: bool,
    pub pacing: Pacing,
}

/// A public (`C…`) or private (`G…`) channel id.
pub fn is_channel_id(text: &str) -> bool {
    text.len() >= 9
        && matches!(text.as_bytes()[0], b'C' | b'G')
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl CommandPolicy {
    /// Reads `admins,creator,everyone,U0123ABCD`; the first part that is none of those is returned.
    pub fn parse(text: &str) -> Result<CommandPolicy, String> {
        let mut policy = CommandPolicy { everyone: false, admins: false, creator: false, users: Vec::new() };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "everyone" => policy.everyone = true,
                "admins" => policy.admins = true,
                "creator" => policy.creator = true,
                _ if (part.starts_with('U') || part.starts_with('W'))
                    && part.len() >= 9
                    && part.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
                {
                    policy.users.push(part.to_string())
                }
                _ => return Err(part.to_string()),
            }
        }
        Ok(policy)
    }
}
