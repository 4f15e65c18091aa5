//! The Slack bot's settings, read from the environment only (tokens are secrets and never go in the
//! config file). Each token's shape is checked here, so a bot token pasted where the app token goes is
//! named with its fix at `layoffwatch check` rather than failing on the first connection.

use super::Reader;
use crate::adapters::slack::settings::{
    CommandPolicy, Connection, DEFAULT_API_URL, DEFAULT_HTTP_ADDR, Pacing, SlackSettings, is_channel_id,
};
use crate::secret::Secret;
use std::net::SocketAddr;

/// What the Slack settings share with the rest of the configuration, read once elsewhere.
pub struct Shared {
    pub allow_private_addresses: bool,
    /// `LAYOFFWATCH_HTTP_ADDR`, when set and valid.
    pub http_addr: Option<SocketAddr>,
}

/// Reads the Slack settings. `None` when `SLACK_BOT_TOKEN` is unset (the bot is off) or when a
/// problem was recorded.
pub fn read(r: &mut Reader<'_>, shared: &Shared) -> Option<SlackSettings> {
    let bot_token = r.get("SLACK_BOT_TOKEN");
    let mode = r.get("SLACK_MODE");
    let app_token = r.get("SLACK_APP_TOKEN");
    let signing_secret = r.get("SLACK_SIGNING_SECRET");
    let raw_api = r.get("SLACK_API_URL");
    let default_channel = r.get("SLACK_CHANNEL");
    let raw_policy = r.get("SLACK_COMMANDS_ALLOWED");
    let bot_token = bot_token?;
    let before = r.problem_count();
    if !bot_token.starts_with("xoxb-") {
        r.problem(
            "SLACK_BOT_TOKEN",
            "is not a bot token (it should start with xoxb-)",
            "copy the Bot User OAuth Token from your app's OAuth & Permissions page",
        );
    }
    let mode = mode.unwrap_or_else(|| "socket".into()).to_ascii_lowercase();
    let connection = match mode.as_str() {
        "socket" => match app_token {
            Some(t) if t.starts_with("xapp-") => Some(Connection::Socket { app_token: Secret::new(t) }),
            Some(_) => {
                r.problem(
                    "SLACK_APP_TOKEN",
                    "is not an app-level token (it should start with xapp-)",
                    "create one under Basic Information → App-Level Tokens with the connections:write scope",
                );
                None
            }
            None => {
                r.problem("SLACK_APP_TOKEN",
                    "is not set, and Socket Mode (the default) needs it",
                    "create an app-level token with connections:write, or set SLACK_MODE=http with SLACK_SIGNING_SECRET",
                );
                None
            }
        },
        "http" => {
            if signing_secret.is_none() {
                r.problem(
                    "SLACK_SIGNING_SECRET",
                    "is not set, and SLACK_MODE=http needs it to verify Slack's requests",
                    "copy the Signing Secret from your app's Basic Information page",
                );
            }
            let listen =
                shared.http_addr.unwrap_or_else(|| DEFAULT_HTTP_ADDR.parse().expect("the default address parses"));
            signing_secret.map(|s| Connection::Http { signing_secret: Secret::new(s), listen })
        }
        other => {
            r.problem("SLACK_MODE", format!("{other:?} is not a mode"), "use socket (the default) or http");
            None
        }
    };
    let raw_api = raw_api.unwrap_or_else(|| DEFAULT_API_URL.into());
    let api_url = match url::Url::parse(raw_api.trim_end_matches('/')) {
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && shared.allow_private_addresses) => Some(u),
        Ok(_) => {
            r.problem("SLACK_API_URL",
                "is not an https:// URL",
                "leave it unset for https://slack.com/api; plain http is only allowed with LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true (test servers)",
            );
            None
        }
        Err(e) => {
            r.problem("SLACK_API_URL", format!("is not a URL ({e})"), "leave it unset for https://slack.com/api");
            None
        }
    };
    if let Some(c) = &default_channel
        && !is_channel_id(c)
    {
        r.problem(
            "SLACK_CHANNEL",
            format!("{c:?} is not a channel id"),
            "use the id (C0123ABCD) from the channel's details, not its #name",
        );
    }
    let policy = match raw_policy {
        None => CommandPolicy::default(),
        Some(v) => CommandPolicy::parse(&v).unwrap_or_else(|bad| {
            r.problem(
                "SLACK_COMMANDS_ALLOWED",
                format!("{bad:?} is not admins, creator, everyone or a user id"),
                "give a comma-separated list such as admins,creator,U0123ABCD",
            );
            CommandPolicy::default()
        }),
    };
    if r.problem_count() > before {
        return None;
    }
    Some(SlackSettings {
        bot_token: Secret::new(bot_token),
        connection: connection?,
        api_url: api_url?,
        default_channel,
        policy,
        allow_private_addresses: shared.allow_private_addresses,
        pacing: Pacing::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigProblem;
    use std::collections::HashMap;

    fn read_env(vars: &[(&str, &str)]) -> Result<Option<SlackSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = move |k: &str| env.get(k).cloned();
        let mut r = Reader::new(&lookup);
        let allow_private_addresses = r.flag("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", None).unwrap_or(false);
        let http_addr = r.get("LAYOFFWATCH_HTTP_ADDR").and_then(|a| a.parse().ok());
        let settings = read(&mut r, &Shared { allow_private_addresses, http_addr });
        if r.has_problems() { Err(r.into_problems()) } else { Ok(settings) }
    }

    #[test]
    fn without_a_bot_token_the_bot_is_off() {
        assert_eq!(read_env(&[]).unwrap(), None);
    }

    #[test]
    fn socket_mode_is_the_default_and_needs_an_app_token() {
        let s = read_env(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xapp-1")]).unwrap().unwrap();
        assert!(matches!(s.connection, Connection::Socket { .. }));
        assert_eq!(s.api_url.as_str(), "https://slack.com/api");
        let problems = read_env(&[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err();
        assert!(problems.iter().any(|p| p.key == "SLACK_APP_TOKEN" && p.fix.contains("connections:write")));
    }

    #[test]
    fn swapped_tokens_are_named_with_their_fix() {
        let problems = read_env(&[("SLACK_BOT_TOKEN", "xapp-1"), ("SLACK_APP_TOKEN", "xoxb-1")]).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains("SLACK_BOT_TOKEN") && t.contains("xoxb-")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("SLACK_APP_TOKEN") && t.contains("xapp-")), "{text:?}");
        assert!(!text.iter().any(|t| t.contains("xapp-1") || t.contains("xoxb-1")), "tokens leak: {text:?}");
    }

    #[test]
    fn http_mode_needs_the_signing_secret_and_listens_on_the_bots_address() {
        let problems = read_env(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_MODE", "http")]).unwrap_err();
        assert!(problems.iter().any(|p| p.key == "SLACK_SIGNING_SECRET"));
        let s = read_env(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_MODE", "http"), ("SLACK_SIGNING_SECRET", "abc")])
            .unwrap()
            .unwrap();
        assert!(matches!(s.connection, Connection::Http { listen, .. } if listen.port() == 3000));
        let s = read_env(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_MODE", "http"),
            ("SLACK_SIGNING_SECRET", "abc"),
            ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:8080"),
        ])
        .unwrap()
        .unwrap();
        assert!(matches!(s.connection, Connection::Http { listen, .. } if listen.port() == 8080));
    }

    #[test]
    fn a_plain_http_api_url_needs_the_private_address_switch() {
        let base = [
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("SLACK_API_URL", "http://127.0.0.1:9/api/"),
        ];
        assert!(read_env(&base).unwrap_err().iter().any(|p| p.key == "SLACK_API_URL"));
        let mut allowed = base.to_vec();
        allowed.push(("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true"));
        assert_eq!(read_env(&allowed).unwrap().unwrap().api_url.as_str(), "http://127.0.0.1:9/api");
    }

    #[test]
    fn the_command_policy_reads_roles_and_user_ids() {
        let s = read_env(&[
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
        let problems = read_env(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("SLACK_COMMANDS_ALLOWED", "managers"),
        ])
        .unwrap_err();
        assert!(problems[0].to_string().contains("managers"));
    }
}
