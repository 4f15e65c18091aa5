//! `/layoffs` in Slack: the command text parsed into the commands layer's [`Command`], Slack's own
//! permission check (who may change a channel), and the layer's typed [`Reply`] worded in mrkdwn,
//! escaped. What the commands do (presets, the address check, the store) is the commands layer's.

use super::client::{ApiError, SlackApi};
use super::settings::CommandPolicy;
use crate::commands::{Command, Commands, DigestMode, PresetInfo, Refusal, Reply};
use slack_morphism::prelude::*;

pub const HELP: &str = "*layoffwatch* posts AI-layoff stories with every claim marked sourced or speculative.\n\
• `/layoffs subscribe <feed URL | preset>`: post stories from a feed (or a preset set of feeds) here\n\
• `/layoffs unsubscribe [feed URL | preset]`: stop one, or with nothing after it, all of this channel's feeds\n\
• `/layoffs list`: this channel's feeds and digest setting\n\
• `/layoffs digest <off | hourly | daily HH:MM>`: one digest message per period (UTC) instead of live posts\n\
• `/layoffs help`: this message\n\
Mention me with `summarize` inside a thread, or use the *Summarize thread* message shortcut, for a summary of the thread.";

/// Slack escapes `&`, `<` and `>` in command text, and wraps links as `<url>` or `<url|label>`.
fn unslack(arg: &str) -> String {
    let inner = arg.strip_prefix('<').and_then(|a| a.strip_suffix('>')).unwrap_or(arg);
    let inner = inner.split('|').next().unwrap_or(inner);
    inner.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn shown(arg: &str) -> String {
    let short: String = arg.chars().take(200).collect();
    super::blocks::escape(&short)
}

/// Parses the text after `/layoffs`.
pub fn parse(text: &str, commands: &Commands) -> Result<Command, Refusal> {
    let text = text.trim();
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest: Vec<String> = rest.split_whitespace().map(unslack).collect();
    let rest = rest.join(" ");
    match verb.to_ascii_lowercase().as_str() {
        "" | "help" => Ok(Command::Help),
        "list" => Ok(Command::List),
        "subscribe" | "sub" | "add" => commands.target(&rest).map(Command::Subscribe),
        "unsubscribe" | "unsub" | "remove" => {
            if rest.is_empty() || rest.eq_ignore_ascii_case("all") {
                return Ok(Command::Unsubscribe(None));
            }
            commands.unsubscribe_target(&rest).map(|t| Command::Unsubscribe(Some(t)))
        }
        "digest" => rest.parse::<DigestMode>().map(Command::Digest).map_err(|_| Refusal::BadDigest { got: rest }),
        other => Err(Refusal::UnknownCommand { got: other.to_string() }),
    }
}

/// The reply to someone who may not change the channel.
pub const NOT_ALLOWED: &str = "Only workspace admins and this channel's creator can change its feeds (your admin can allow others with SLACK_COMMANDS_ALLOWED). `/layoffs list` shows what it gets.";

/// The reply when Slack would not say who may change the channel.
pub fn cannot_check(e: &ApiError) -> String {
    format!(
        "I couldn't check who may change this channel ({}). Ask an admin to reinstall the app from slack/manifest.yml so it has the users:read and channels:read scopes.",
        super::blocks::escape(&e.to_string())
    )
}

/// Whether `user` may change `channel`'s feeds under the workspace's policy.
pub async fn may_change(api: &SlackApi, policy: &CommandPolicy, channel: &str, user: &str) -> Result<bool, ApiError> {
    if policy.everyone || policy.users.iter().any(|u| u == user) {
        return Ok(true);
    }
    if policy.admins && api.is_admin(&SlackUserId::new(user.to_string())).await? {
        return Ok(true);
    }
    if policy.creator {
        let creator = api.channel_creator(&SlackChannelId::new(channel.to_string())).await?;
        return Ok(creator.as_deref() == Some(user));
    }
    Ok(false)
}

/// The answer to an "All claims" click on a story the bot no longer keeps.
pub const STORY_GONE: &str = "That story is no longer kept: the bot keeps a story's articles for a limited time (30 days by default), so its claims can't be listed again. The post still shows how many there were.";

/// A reply in mrkdwn, everything echoed escaped.
pub fn render(reply: &Reply, presets: &[PresetInfo]) -> String {
    let list = |v: &[String]| v.iter().map(|f| super::blocks::escape(f)).collect::<Vec<_>>().join(", ");
    match reply {
        Reply::Help { .. } => HELP.into(),
        Reply::Listing { feeds, digest } => {
            let mut out = if feeds.is_empty() {
                "This channel has no feeds yet: `/layoffs subscribe <feed URL | preset>`.".to_string()
            } else {
                let mut s = format!("This channel watches {} feed(s):", feeds.len());
                for feed in feeds {
                    s.push_str(&format!("\n• {}", super::blocks::escape(feed)));
                }
                s
            };
            out.push_str(&match digest {
                DigestMode::Off => "\nStories are posted as they break (digest off).".to_string(),
                mode => format!("\nDigest: {mode} (UTC) instead of live posts."),
            });
            out
        }
        Reply::Subscribed { preset, added, already } => {
            let mut out = match (preset, added.is_empty()) {
                (_, true) => format!("This channel already watches {}.", list(already)),
                (Some(name), false) => {
                    format!("Subscribed this channel to the *{}* preset: {}.", super::blocks::escape(name), list(added))
                }
                (None, false) => format!("Subscribed this channel to {}.", list(added)),
            };
            if !added.is_empty() {
                out.push_str(" New stories will be posted here; what the feed already has is not reposted. Invite me with `/invite @layoffwatch` if I'm not in this channel yet.");
            }
            out
        }
        Reply::Unsubscribed { removed } if removed.is_empty() => {
            "This channel wasn't watching that; `/layoffs list` shows what it watches.".into()
        }
        Reply::Unsubscribed { removed } => format!("Unsubscribed this channel from {}.", list(removed)),
        Reply::DigestSet(DigestMode::Off) => "Digest off: stories will be posted here as they break.".into(),
        Reply::DigestSet(mode) => format!("Digest set to {mode} (UTC): one digest message instead of live posts."),
        Reply::Refused(refusal) => refused(refusal, presets),
        Reply::Claims(list) => super::blocks::claim_list(list),
        Reply::StoryGone => STORY_GONE.into(),
        Reply::Failed => "Something went wrong on my side; nothing was changed. Try again in a minute.".into(),
    }
}

fn refused(refusal: &Refusal, presets: &[PresetInfo]) -> String {
    match refusal {
        Refusal::NoFeed => format!(
            "Say which feed: `/layoffs subscribe https://example.com/rss`, or a preset: {}.",
            names_for_help(presets)
        ),
        Refusal::TooLong => "That is far too long for a feed URL; paste the feed's address only.".into(),
        Refusal::OneAtATime { first, rest } => format!(
            "One feed or preset at a time: I read `{}` and then `{}`. Send one command per feed, e.g. `/layoffs subscribe {}`.",
            shown(first),
            shown(rest),
            shown(first)
        ),
        Refusal::NotAFeed { got } => format!(
            "That isn't a feed URL or a preset: expected https://…, got \"{}\"; try `/layoffs subscribe https://example.com/rss` or a preset: {}.",
            shown(got),
            names_for_help(presets)
        ),
        Refusal::Private { reason } => format!(
            "I won't fetch that address: {}. Subscribe to a public feed instead.",
            super::blocks::escape(reason)
        ),
        Refusal::BadDigest { got } => format!(
            "`{}` is not a digest setting: use `/layoffs digest off`, `/layoffs digest hourly` or `/layoffs digest daily 09:00` (UTC).",
            shown(got)
        ),
        Refusal::UnknownCommand { got } => {
            format!("I don't know `{}`. Try `/layoffs help` for the commands.", shown(got))
        }
    }
}

/// "`tech-news` (General technology news…), `layoffs` (…)" for help and error replies.
fn names_for_help(presets: &[PresetInfo]) -> String {
    let names: Vec<String> =
        presets.iter().map(|p| format!("`{}` ({})", p.name, super::blocks::escape(&p.description))).collect();
    if names.is_empty() { "none are configured".into() } else { names.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Target;

    async fn layer(allow_private: bool) -> Commands {
        let presets =
            "[presets.tech]\ndescription = \"d\"\nurls = [\"https://a.example/rss\", \"https://b.example/rss\"]\n";
        Commands::in_memory(presets, allow_private).await
    }

    fn say(text: &str, commands: &Commands) -> String {
        render(&Reply::Refused(parse(text, commands).unwrap_err()), &commands.presets())
    }

    #[tokio::test]
    async fn every_command_parses() {
        let c = layer(false).await;
        assert_eq!(parse("", &c).unwrap(), Command::Help);
        assert_eq!(parse("LIST", &c).unwrap(), Command::List);
        assert_eq!(
            parse("subscribe <https://a.example/feed?x=1&amp;y=2>", &c).unwrap(),
            Command::Subscribe(Target::Feed("https://a.example/feed?x=1&y=2".parse().unwrap()))
        );
        assert!(matches!(parse("subscribe tech", &c).unwrap(), Command::Subscribe(Target::Preset { .. })));
        assert_eq!(parse("unsubscribe", &c).unwrap(), Command::Unsubscribe(None));
        assert_eq!(parse("digest daily 09:30", &c).unwrap(), Command::Digest("daily 09:30".parse().unwrap()));
    }

    #[tokio::test]
    async fn mistakes_say_what_to_type_instead() {
        let c = layer(false).await;
        let r = say("subscribe example.com/rss", &c);
        assert!(
            r.contains("expected https://") && r.contains("/layoffs subscribe https://") && r.contains("tech"),
            "{r}"
        );
        assert!(say("digest weekly", &c).contains("daily 09:00"));
        assert!(say("frobnicate", &c).contains("/layoffs help"));
    }

    /// Regression (issue 13): the extra words used to be stored as part of the URL.
    #[tokio::test]
    async fn subscribe_takes_one_url_and_says_what_to_do_with_the_rest() {
        let c = layer(false).await;
        let r = say("subscribe <https://a.example/rss> and also the blog", &c);
        assert!(r.contains("One feed or preset at a time") && r.contains("and also the blog"), "{r}");
        assert!(r.contains("/layoffs subscribe https://a.example/rss"), "{r}");
        assert!(parse("unsubscribe tech please", &c).is_err());
    }

    #[tokio::test]
    async fn private_addresses_are_refused_unless_allowed() {
        let c = layer(false).await;
        for bad in
            ["http://127.0.0.1/feed", "http://169.254.169.254/latest", "http://localhost/rss", "file:///etc/passwd"]
        {
            assert!(parse(&format!("subscribe {bad}"), &c).is_err(), "{bad}");
        }
        assert!(say("subscribe http://10.0.0.5/rss", &c).contains("won't fetch"));
        assert!(parse("subscribe http://10.0.0.5/rss", &layer(true).await).is_ok());
    }

    #[tokio::test]
    async fn echoed_input_cannot_ping() {
        let r = say("<!channel>", &layer(false).await);
        assert!(!r.contains("<!channel>"), "{r}");
    }
}
