//! The Discord bot's settings, read from the environment only (they hold a secret), checked once at
//! start so a typo is reported by `layoffwatch check` with the variable's name and the fix.

use super::Reader;
use crate::adapters::discord::settings::{
    CommandScope, DEFAULT_API_URL, DiscordSettings, MAX_SUMMARY_MESSAGES, Sharding, Snowflake,
};
use crate::secret::Secret;

const DEFAULT_SUMMARY_MESSAGES: u32 = 200;

/// More shards than any bot needs (Discord recommends one per 1,000 servers or so); a typo guard.
const MAX_SHARDS: u32 = 65_536;

/// Shards one lease covers unless told: one serenity client starts them five seconds apart, as
/// Discord's identify limit wants, and a bot in fewer than 16,000 servers or so runs in one lease
/// (one instance, the others standing by).
const DEFAULT_SHARDS_PER_LEASE: u32 = 16;

/// Reads the Discord settings. `None` when `DISCORD_TOKEN` is unset (the bot is not configured) or a
/// problem was recorded. `allow_private_addresses` is the one value the whole configuration uses.
pub fn read(r: &mut Reader<'_>, allow_private_addresses: bool) -> Option<DiscordSettings> {
    let before = r.problem_count();
    let raw_token = r.get("DISCORD_TOKEN");
    let raw_api = r.get("DISCORD_API_URL");
    let raw_guild = r.get("DISCORD_COMMANDS_GUILD");
    let raw_channel = r.get("DISCORD_CHANNEL");
    let raw_shard = r.get("DISCORD_AUTOSHARD");
    let total_shards = r.whole(
        "DISCORD_SHARDS",
        None,
        1..=MAX_SHARDS,
        "give the bot's total shard count, at least Discord's recommendation (e.g. 4), or leave it unset to autoshard in one instance",
    );
    let per_lease = r.whole(
        "DISCORD_SHARDS_PER_LEASE",
        None,
        1..=MAX_SHARDS,
        "give how many shards one lease covers, from 1 to DISCORD_SHARDS, e.g. 16",
    );
    let summary_messages = r.whole(
        "DISCORD_SUMMARY_MESSAGES",
        None,
        1..=MAX_SUMMARY_MESSAGES,
        "give how many recent channel messages a summary reads, from 1 to 1000, e.g. 200",
    );
    let raw_token = raw_token?;
    let token = match parse_token(&raw_token) {
        Ok(t) => Some(t),
        Err(why) => {
            r.problem(
                "DISCORD_TOKEN",
                why,
                "copy the bot token from the Developer Portal (your app → Bot → Reset Token), without quotes or a \"Bot \" prefix",
            );
            None
        }
    };
    let default_api = || url::Url::parse(DEFAULT_API_URL).expect("the default API URL parses");
    let api_url = match raw_api {
        None => default_api(),
        Some(raw) => match url::Url::parse(&raw) {
            Ok(u) if u.scheme() == "https" || (allow_private_addresses && u.scheme() == "http") => {
                if u.path().trim_matches('/').is_empty() && u.query().is_none() {
                    u
                } else {
                    r.problem(
                        "DISCORD_API_URL",
                        format!("{raw:?} has a path; the bot adds /api/v10 itself"),
                        "give only the scheme and host, e.g. https://discord.com",
                    );
                    default_api()
                }
            }
            Ok(_) => {
                r.problem(
                    "DISCORD_API_URL",
                    format!("{raw:?} is not an https:// URL"),
                    "use https://discord.com, or set LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true for an http:// test server",
                );
                default_api()
            }
            Err(e) => {
                r.problem(
                    "DISCORD_API_URL",
                    format!("{raw:?} is not a URL ({e})"),
                    "use https://discord.com or leave it unset",
                );
                default_api()
            }
        },
    };
    let snowflake = |r: &mut Reader<'_>, key: &str, raw: Option<String>, what: &str| -> Option<Snowflake> {
        let raw = raw?;
        let parsed = Snowflake::parse(&raw);
        if parsed.is_none() {
            r.problem(
                key,
                format!("{raw:?} is not a Discord id"),
                format!("turn on Developer Mode in Discord, right-click the {what} and choose Copy ID"),
            );
        }
        parsed
    };
    let commands =
        snowflake(r, "DISCORD_COMMANDS_GUILD", raw_guild, "server").map_or(CommandScope::Global, CommandScope::Guild);
    let default_channel = snowflake(r, "DISCORD_CHANNEL", raw_channel, "channel");
    let sharding = match raw_shard.map(|v| v.to_ascii_lowercase()) {
        None => Sharding::Auto,
        Some(v) if v == "auto" => Sharding::Auto,
        Some(v) => match super::reader::flag(&v) {
            Some(true) => Sharding::Auto,
            Some(false) => Sharding::Single,
            None => {
                r.problem(
                    "DISCORD_AUTOSHARD",
                    format!("{v:?} is not true, false or auto"),
                    "leave it unset (auto) or set false to force one shard",
                );
                Sharding::Auto
            }
        },
    };
    let sharding = match (total_shards, per_lease) {
        (Some(total), per_lease) => {
            if sharding == Sharding::Single {
                r.problem(
                    "DISCORD_SHARDS",
                    format!("asks for {total} leased shards while DISCORD_AUTOSHARD=false asks for one unleased shard"),
                    "unset one of the two",
                );
            }
            let per_lease = per_lease.unwrap_or(DEFAULT_SHARDS_PER_LEASE).min(total);
            Sharding::Leased { total, per_lease }
        }
        (None, Some(_)) => {
            r.problem(
                "DISCORD_SHARDS_PER_LEASE",
                "is set but DISCORD_SHARDS is not, so the shards are not leased",
                "set DISCORD_SHARDS to the bot's total shard count, or unset DISCORD_SHARDS_PER_LEASE",
            );
            sharding
        }
        (None, None) => sharding,
    };
    if r.problem_count() > before {
        return None;
    }
    Some(DiscordSettings {
        token: token?,
        api_url,
        commands,
        sharding,
        summary_messages: summary_messages.unwrap_or(DEFAULT_SUMMARY_MESSAGES),
        default_channel,
        allow_private_addresses,
    })
}

/// A bot token is three dot-separated base64url parts; anything else is a paste error, caught here
/// rather than as a 401 from Discord at start.
fn parse_token(raw: &str) -> Result<Secret, &'static str> {
    let t = raw.trim();
    if t.len() >= 4 && t[..4].eq_ignore_ascii_case("bot ") {
        return Err("starts with \"Bot \"");
    }
    let parts: Vec<&str> = t.split('.').collect();
    let base64url = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if parts.len() != 3 || !parts.iter().all(|p| base64url(p)) {
        return Err("does not look like a bot token (three parts separated by dots)");
    }
    Ok(Secret::new(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigProblem;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Option<DiscordSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = move |k: &str| env.get(k).cloned();
        let mut r = Reader::new(&lookup);
        let allow_private = r.flag("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", None).unwrap_or(false);
        let settings = read(&mut r, allow_private);
        if r.has_problems() { Err(r.into_problems()) } else { Ok(settings) }
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
        let mut keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "DISCORD_API_URL",
                "DISCORD_AUTOSHARD",
                "DISCORD_COMMANDS_GUILD",
                "DISCORD_SUMMARY_MESSAGES",
                "DISCORD_TOKEN",
            ]
        );
        let fix = |key: &str| problems.iter().find(|p| p.key == key).map(|p| p.fix.clone()).unwrap();
        assert!(fix("DISCORD_TOKEN").contains("Reset Token"));
        assert!(fix("DISCORD_API_URL").contains("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES"));
        assert!(fix("DISCORD_COMMANDS_GUILD").contains("Copy ID"));
    }

    #[test]
    fn leased_shards_take_the_total_and_a_lease_size_no_larger_than_it() {
        let s = parse(&[("DISCORD_TOKEN", TOKEN), ("DISCORD_SHARDS", "4"), ("DISCORD_SHARDS_PER_LEASE", "2")])
            .unwrap()
            .unwrap();
        assert_eq!(s.sharding, Sharding::Leased { total: 4, per_lease: 2 });
        let s = parse(&[("DISCORD_TOKEN", TOKEN), ("DISCORD_SHARDS", "4")]).unwrap().unwrap();
        assert_eq!(s.sharding, Sharding::Leased { total: 4, per_lease: 4 });
    }

    #[test]
    fn shard_settings_that_contradict_each_other_are_named() {
        for (vars, key) in [
            (vec![("DISCORD_SHARDS", "4"), ("DISCORD_AUTOSHARD", "false")], "DISCORD_SHARDS"),
            (vec![("DISCORD_SHARDS_PER_LEASE", "2")], "DISCORD_SHARDS_PER_LEASE"),
            (vec![("DISCORD_SHARDS", "0")], "DISCORD_SHARDS"),
            (vec![("DISCORD_SHARDS", "4"), ("DISCORD_SHARDS_PER_LEASE", "two")], "DISCORD_SHARDS_PER_LEASE"),
        ] {
            let mut all = vec![("DISCORD_TOKEN", TOKEN)];
            all.extend(vars);
            let problems = parse(&all).unwrap_err();
            assert_eq!(problems.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), [key], "{all:?}");
        }
    }

    #[test]
    fn a_fractional_message_count_is_refused() {
        let problems = parse(&[("DISCORD_TOKEN", TOKEN), ("DISCORD_SUMMARY_MESSAGES", "150.5")]).unwrap_err();
        assert_eq!(problems[0].key, "DISCORD_SUMMARY_MESSAGES");
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
