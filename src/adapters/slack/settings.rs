//! The Slack bot's settings, read from the environment only (tokens are secrets and never go in the
//! config file). Each token's shape is checked here, so a bot token pasted where the app token goes is
//! named with its fix at `layoffwatch check` rather than failing on the first connection.

use crate::config::{ConfigProblem, flag};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// Slack's documented Web API base; `SLACK_API_URL` overrides it (a test server, a proxy).
pub const DEFAULT_API_URL: &str = "https://slack.com/api";
/// Where the HTTP Events API listens when `LAYOFFWATCH_HTTP_ADDR` is not set.
pub const DEFAULT_HTTP_ADDR: &str = "0.0.0.0:3000";

/// A token or secret. `Debug` and `Display` print its kind only, so a settings dump or an error can
/// never leak it into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

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

impl SlackSettings {
    /// Reads the Slack settings. `Ok(None)` when `SLACK_BOT_TOKEN` is unset: the bot is off.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Vec<ConfigProblem>> {
        let get = |k: &str| env(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(bot_token) = get("SLACK_BOT_TOKEN") else {
            return Ok(None);
        };
        let mut problems = Vec::new();
        let mut problem = |key: &str, problem: &str, fix: &str| {
            problems.push(ConfigProblem { key: key.into(), problem: problem.into(), fix: fix.into() })
        };
        if !bot_token.starts_with("xoxb-") {
            problem(
                "SLACK_BOT_TOKEN",
                "is not a bot token (it should start with xoxb-)",
                "copy the Bot User OAuth Token from your app's OAuth & Permissions page",
            );
        }
        let allow_private_addresses = match get("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES") {
            Some(v) => flag(&v).unwrap_or(false),
            None => false,
        };
        let mode = get("SLACK_MODE").unwrap_or_else(|| "socket".into()).to_ascii_lowercase();
        let connection = match mode.as_str() {
            "socket" => match get("SLACK_APP_TOKEN") {
                Some(t) if t.starts_with("xapp-") => Some(Connection::Socket { app_token: Secret::new(t) }),
                Some(_) => {
                    problem(
                        "SLACK_APP_TOKEN",
                        "is not an app-level token (it should start with xapp-)",
                        "create one under Basic Information → App-Level Tokens with the connections:write scope",
                    );
                    None
                }
                None => {
                    problem(
                        "SLACK_APP_TOKEN",
                        "is not set, and Socket Mode (the default) needs it",
                        "create an app-level token with connections:write, or set SLACK_MODE=http with SLACK_SIGNING_SECRET",
                    );
                    None
                }
            },
            "http" => {
                let secret = get("SLACK_SIGNING_SECRET");
                if secret.is_none() {
                    problem(
                        "SLACK_SIGNING_SECRET",
                        "is not set, and SLACK_MODE=http needs it to verify Slack's requests",
                        "copy the Signing Secret from your app's Basic Information page",
                    );
                }
                let addr = get("LAYOFFWATCH_HTTP_ADDR").unwrap_or_else(|| DEFAULT_HTTP_ADDR.into());
                let listen = match addr.parse::<SocketAddr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        problem(
                            "LAYOFFWATCH_HTTP_ADDR",
                            &format!("{addr:?} is not an address to listen on"),
                            "give an IP and port such as 0.0.0.0:3000",
                        );
                        None
                    }
                };
                secret.zip(listen).map(|(s, listen)| Connection::Http { signing_secret: Secret::new(s), listen })
            }
            other => {
                problem("SLACK_MODE", &format!("{other:?} is not a mode"), "use socket (the default) or http");
                None
            }
        };
        let raw_api = get("SLACK_API_URL").unwrap_or_else(|| DEFAULT_API_URL.into());
        let api_url = match url::Url::parse(raw_api.trim_end_matches('/')) {
            Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && allow_private_addresses) => Some(u),
            Ok(_) => {
                problem(
                    "SLACK_API_URL",
                    "is not an https:// URL",
                    "leave it unset for https://slack.com/api; plain http is only allowed with LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true (test servers)",
                );
                None
            }
            Err(e) => {
                problem("SLACK_API_URL", &format!("is not a URL ({e})"), "leave it unset for https://slack.com/api");
                None
            }
        };
        let default_channel = get("SLACK_CHANNEL");
        if let Some(c) = &default_channel
            && !is_channel_id(c)
        {
            problem(
                "SLACK_CHANNEL",
                &format!("{c:?} is not a channel id"),
                "use the id (C0123ABCD) from the channel's details, not its #name",
            );
        }
        let policy = match get("SLACK_COMMANDS_ALLOWED") {
            None => CommandPolicy::default(),
            Some(v) => match parse_policy(&v) {
                Ok(p) => p,
                Err(bad) => {
                    problem(
                        "SLACK_COMMANDS_ALLOWED",
                        &format!("{bad:?} is not admins, creator, everyone or a user id"),
                        "give a comma-separated list such as admins,creator,U0123ABCD",
                    );
                    CommandPolicy::default()
                }
            },
        };
        match (connection, api_url, problems.is_empty()) {
            (Some(connection), Some(api_url), true) => Ok(Some(SlackSettings {
                bot_token: Secret::new(bot_token),
                connection,
                api_url,
                default_channel,
                policy,
                allow_private_addresses,
                pacing: Pacing::default(),
            })),
            _ => Err(problems),
        }
    }
}

/// A public (`C…`) or private (`G…`) channel id.
pub fn is_channel_id(text: &str) -> bool {
    text.len() >= 9
        && matches!(text.as_bytes()[0], b'C' | b'G')
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn parse_policy(text: &str) -> Result<CommandPolicy, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Option<SlackSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        SlackSettings::from_env(&|k| env.get(k).cloned())
    }

    #[test]
    fn without_a_bot_token_the_bot_is_off() {
        assert_eq!(read(&[]).unwrap(), None);
    }

    #[test]
    fn socket_mode_is_the_default_and_needs_an_app_token() {
        let s = read(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xapp-1")]).unwrap().unwrap();
        assert!(matches!(s.connection, Connection::Socket { .. }));
        assert_eq!(s.api_url.as_str(), "https://slack.com/api");
        let problems = read(&[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err();
        assert!(problems.iter().any(|p| p.key == "SLACK_APP_TOKEN" && p.fix.contains("connections:write")));
    }

    #[test]
    fn swapped_tokens_are_named_with_their_fix() {
        let problems = read(&[("SLACK_BOT_TOKEN", "xapp-1"), ("SLACK_APP_TOKEN", "xoxb-1")]).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains("SLACK_BOT_TOKEN") && t.contains("xoxb-")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("SLACK_APP_TOKEN") && t.contains("xapp-")), "{text:?}");
        assert!(!text.iter().any(|t| t.contains("xapp-1") || t.contains("xoxb-1")), "tokens leak: {text:?}");
    }

    #[test]
    fn http_mode_needs_the_signing_secret_and_a_listen_address() {
        let problems =
            read(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_MODE", "http"), ("LAYOFFWATCH_HTTP_ADDR", "port 80")])
                .unwrap_err();
        assert!(problems.iter().any(|p| p.key == "SLACK_SIGNING_SECRET"));
        assert!(problems.iter().any(|p| p.key == "LAYOFFWATCH_HTTP_ADDR"));
        let s = read(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_MODE", "http"), ("SLACK_SIGNING_SECRET", "abc")])
            .unwrap()
            .unwrap();
        assert!(matches!(s.connection, Connection::Http { listen, .. } if listen.port() == 3000));
    }

    #[test]
    fn a_plain_http_api_url_needs_the_private_address_switch() {
        let base = [
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("SLACK_API_URL", "http://127.0.0.1:9/api/"),
        ];
        assert!(read(&base).unwrap_err().iter().any(|p| p.key == "SLACK_API_URL"));
        let mut allowed = base.to_vec();
        allowed.push(("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true"));
        assert_eq!(read(&allowed).unwrap().unwrap().api_url.as_str(), "http://127.0.0.1:9/api");
    }

    #[test]
    fn the_command_policy_reads_roles_and_user_ids() {
        let s = read(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("SLACK_COMMANDS_ALLOWED", "admins, U0123ABCD"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            s.policy,
            CommandPolicy { everyone: false, admins: true, creator: false, users: vec!["U0123ABCD".into()] }
        );
        let problems = read(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("SLACK_COMMANDS_ALLOWED", "managers"),
        ])
        .unwrap_err();
        assert!(problems[0].to_string().contains("managers"));
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", Secret::new("xoxb-123")), "Secret(redacted)");
    }
}
