//! The Discord bot's settings, read from the environment only (they hold a secret), checked once at
//! start so a typo is reported by `layoffwatch check` with the variable's name and the fix.

use crate::config::{ConfigProblem, flag};
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

/// The bot token. Its `Debug` and `Display` never show it, so a settings dump or an error cannot
/// leak it into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The raw token, for the `Authorization` header and serenity's gateway identify only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(redacted)")
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
    pub token: Token,
    /// `DISCORD_API_URL`: the API's base, `https://discord.com` unless pointed at a test server.
    pub api_url: url::Url,
    /// `DISCORD_COMMANDS_GUILD`: register commands in one server, or globally when unset.
    pub commands: CommandScope,
    /// `DISCORD_AUTOSHARD`.
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

    /// Reads the settings from an environment lookup. `Ok(None)` when `DISCORD_TOKEN` is unset: the
    /// Discord bot is simply not configured.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Vec<ConfigProblem>> {
        let Some(raw_token) = env("DISCORD_TOKEN").filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let mut problems = Vec::new();
        let mut problem = |key: &str, problem: String, fix: &str| {
            problems.push(ConfigProblem { key: key.into(), problem, fix: fix.into() });
        };
        let token = parse_token(&raw_token).unwrap_or_else(|why| {
            problem(
                "DISCORD_TOKEN",
                why.into(),
                "copy the bot token from the Developer Portal (your app → Bot → Reset Token), without quotes or a \"Bot \" prefix",
            );
            Token(String::new())
        });
        let allow_private_addresses = match env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES") {
            Some(v) => flag(&v).unwrap_or(false),
            None => false,
        };
        let api_url = match env("DISCORD_API_URL").filter(|v| !v.trim().is_empty()) {
            None => url::Url::parse(DEFAULT_API_URL).expect("the default API URL parses"),
            Some(raw) => match url::Url::parse(raw.trim()) {
                Ok(u) if u.scheme() == "https" || (allow_private_addresses && u.scheme() == "http") => {
                    if u.path().trim_matches('/').is_empty() && u.query().is_none() {
                        u
                    } else {
                        problem(
                            "DISCORD_API_URL",
                            format!("{raw:?} has a path; the bot adds /api/v10 itself"),
                            "give only the scheme and host, e.g. https://discord.com",
                        );
                        url::Url::parse(DEFAULT_API_URL).expect("the default API URL parses")
                    }
                }
                Ok(_) => {
                    problem(
                        "DISCORD_API_URL",
                        format!("{raw:?} is not an https:// URL"),
                        "use https://discord.com, or set LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true for an http:// test server",
                    );
                    url::Url::parse(DEFAULT_API_URL).expect("the default API URL parses")
                }
                Err(e) => {
                    problem(
                        "DISCORD_API_URL",
                        format!("{raw:?} is not a URL ({e})"),
                        "use https://discord.com or leave it unset",
                    );
                    url::Url::parse(DEFAULT_API_URL).expect("the default API URL parses")
                }
            },
        };
        let mut snowflake = |key: &str, what: &str| -> Option<Snowflake> {
            let raw = env(key).filter(|v| !v.trim().is_empty())?;
            let parsed = Snowflake::parse(&raw);
            if parsed.is_none() {
                problem(
                    key,
                    format!("{raw:?} is not a Discord id"),
                    &format!("turn on Developer Mode in Discord, right-click the {what} and choose Copy ID"),
                );
            }
            parsed
        };
        let commands = snowflake("DISCORD_COMMANDS_GUILD", "server").map_or(CommandScope::Global, CommandScope::Guild);
        let default_channel = snowflake("DISCORD_CHANNEL", "channel");
        let sharding = match env("DISCORD_AUTOSHARD").map(|v| v.trim().to_ascii_lowercase()) {
            None => Sharding::Auto,
            Some(v) if v == "auto" => Sharding::Auto,
            Some(v) => match flag(&v) {
                Some(true) => Sharding::Auto,
                Some(false) => Sharding::Single,
                None => {
                    problem(
                        "DISCORD_AUTOSHARD",
                        format!("{v:?} is not true, false or auto"),
                        "leave it unset (auto) or set false to force one shard",
                    );
                    Sharding::Auto
                }
            },
        };
        let summary_messages = match env("DISCORD_SUMMARY_MESSAGES") {
            None => 200,
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if (1..=MAX_SUMMARY_MESSAGES).contains(&n) => n,
                _ => {
                    problem(
                        "DISCORD_SUMMARY_MESSAGES",
                        format!("{v:?} is not a number from 1 to {MAX_SUMMARY_MESSAGES}"),
                        "give how many recent channel messages a summary reads, e.g. 200",
                    );
                    200
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Some(DiscordSettings {
            token,
            api_url,
            commands,
            sharding,
            summary_messages,
            default_channel,
            allow_private_addresses,
        }))
    }
}

/// A bot token is three dot-separated base64url parts; anything else is a paste error, caught here
/// rather than as a 401 from Discord at start.
fn parse_token(raw: &str) -> Result<Token, &'static str> {
    let t = raw.trim();
    if t.len() >= 4 && t[..4].eq_ignore_ascii_case("bot ") {
        return Err("starts with \"Bot \"");
    }
    let parts: Vec<&str> = t.split('.').collect();
    let base64url = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if parts.len() != 3 || !parts.iter().all(|p| base64url(p)) {
        return Err("does not look like a bot token (three parts separated by dots)");
    }
    Ok(Token(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(env: &[(&str, &str)]) -> Result<Option<DiscordSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        DiscordSettings::from_env(&|k| env.get(k).cloned())
    }

    const TOKEN: &str = "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789";

    #[test]
    fn without_a_token_discord_is_not_configured() {
        assert_eq!(parse(&[("DISCORD_API_URL", "https://discord.com")]).unwrap(), None);
    }

    #[test]
    fn defaults_are_discord_itself_global_commands_and_autosharding() {
        let s = parse(&[("DISCORD_TOKEN", TOKEN)]).unwrap().unwrap();
        assert!(s.is_default_api());
        assert_eq!(s.commands, CommandScope::Global);
        assert_eq!(s.sharding, Sharding::Auto);
        assert_eq!(s.summary_messages, 200);
    }

    #[test]
    fn the_token_never_appears_in_debug_output() {
        let s = parse(&[("DISCORD_TOKEN", TOKEN)]).unwrap().unwrap();
        assert!(!format!("{s:?}").contains("GaBcDe"));
    }

    #[test]
    fn every_bad_value_is_named_with_its_fix() {
        let problems = parse(&[
            ("DISCORD_TOKEN", "Bot abc"),
            ("DISCORD_API_URL", "http://127.0.0.1:9"),
            ("DISCORD_COMMANDS_GUILD", "my server"),
            ("DISCORD_AUTOSHARD", "sometimes"),
            ("DISCORD_SUMMARY_MESSAGES", "5000"),
        ])
        .unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "DISCORD_TOKEN",
                "DISCORD_API_URL",
                "DISCORD_COMMANDS_GUILD",
                "DISCORD_AUTOSHARD",
                "DISCORD_SUMMARY_MESSAGES"
            ]
        );
        assert!(problems[0].fix.contains("Reset Token"), "{:?}", problems[0]);
        assert!(problems[1].fix.contains("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES"), "{:?}", problems[1]);
        assert!(problems[2].fix.contains("Copy ID"), "{:?}", problems[2]);
    }

    #[test]
    fn a_test_server_on_loopback_is_accepted_when_private_addresses_are_allowed() {
        let s = parse(&[
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_API_URL", "http://127.0.0.1:4000"),
            ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true"),
            ("DISCORD_COMMANDS_GUILD", "81384788765712384"),
            ("DISCORD_AUTOSHARD", "false"),
        ])
        .unwrap()
        .unwrap();
        assert!(!s.is_default_api());
        assert_eq!(s.commands, CommandScope::Guild(Snowflake(81384788765712384)));
        assert_eq!(s.sharding, Sharding::Single);
    }
}
