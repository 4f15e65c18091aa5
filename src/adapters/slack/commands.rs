//! `/layoffs`: a channel's subscriptions and digest. Parsing is pure and gives every mistake a reply
//! that says what to type instead; handling checks who may change the channel, writes the store
//! (platform `slack`), and returns the ephemeral reply.
//!
//! Feed URLs typed by users are untrusted: only http(s), never a private or metadata address (unless
//! the operator allowed private addresses), and never a local file.

use super::client::{ApiError, SlackApi};
use super::settings::CommandPolicy;
use crate::feeds::guard;
use crate::feeds::presets::Presets;
use crate::store::{DigestMode, Store, StoreError, Subscription};
use chrono::Utc;
use slack_morphism::prelude::*;

/// Longest argument accepted: a feed URL is well under this.
const MAX_ARGUMENT: usize = 2_048;

/// A parsed `/layoffs` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Subscribe(Target),
    /// `None`: every subscription of the channel.
    Unsubscribe(Option<Target>),
    List,
    Digest(DigestMode),
    Help,
}

/// What a subscribe or unsubscribe names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Feed(url::Url),
    Preset { name: String, urls: Vec<url::Url> },
}

impl Target {
    fn feeds(&self) -> Vec<String> {
        match self {
            Target::Feed(u) => vec![u.to_string()],
            Target::Preset { urls, .. } => urls.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A command that cannot be carried out, worded for the person who typed it (mrkdwn, escaped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Reply(pub String);

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
pub fn parse(text: &str, presets: &Presets, allow_private: bool) -> Result<Command, Reply> {
    let text = text.trim();
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    match verb.to_ascii_lowercase().as_str() {
        "" | "help" => Ok(Command::Help),
        "list" => Ok(Command::List),
        "subscribe" | "sub" | "add" => {
            if rest.is_empty() {
                return Err(Reply(format!(
                    "Say which feed: `/layoffs subscribe https://example.com/rss`, or a preset: {}.",
                    names_for_help(presets)
                )));
            }
            target(rest, presets, allow_private).map(Command::Subscribe)
        }
        "unsubscribe" | "unsub" | "remove" => {
            if rest.is_empty() || rest.eq_ignore_ascii_case("all") {
                return Ok(Command::Unsubscribe(None));
            }
            target(rest, presets, allow_private).map(|t| Command::Unsubscribe(Some(t)))
        }
        "digest" => rest.parse::<DigestMode>().map(Command::Digest).map_err(|_| {
            Reply(format!(
                "`{}` is not a digest setting: use `/layoffs digest off`, `/layoffs digest hourly` or `/layoffs digest daily 09:00` (UTC).",
                shown(rest)
            ))
        }),
        other => Err(Reply(format!(
            "I don't know `{}`. Try `/layoffs help` for the commands.",
            shown(other)
        ))),
    }
}

fn target(arg: &str, presets: &Presets, allow_private: bool) -> Result<Target, Reply> {
    if arg.len() > MAX_ARGUMENT {
        return Err(Reply("That is far too long for a feed URL; paste the feed's address only.".into()));
    }
    let raw = unslack(arg);
    if let Some(p) = presets.get(&raw) {
        return Ok(Target::Preset { name: p.name.clone(), urls: p.urls.clone() });
    }
    match url::Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => match guard::check_url(&u, allow_private) {
            Ok(()) => Ok(Target::Feed(u)),
            Err(e) => Err(Reply(format!(
                "I won't fetch that address: {}. Subscribe to a public feed instead.",
                super::blocks::escape(&e.to_string())
            ))),
        },
        _ => Err(Reply(format!(
            "That isn't a feed URL or a preset: expected https://…, got \"{}\"; try `/layoffs subscribe https://example.com/rss` or a preset: {}.",
            shown(&raw),
            names_for_help(presets)
        ))),
    }
}

/// Who asked, where, and with what the command is carried out.
pub struct Context<'a, S> {
    pub api: &'a SlackApi,
    pub store: &'a S,
    pub policy: &'a CommandPolicy,
    pub presets: &'a Presets,
    pub allow_private: bool,
    pub channel: &'a str,
    pub user: &'a str,
}

/// Runs one command and returns the reply for the user (mrkdwn).
pub async fn handle<S: Store>(ctx: &Context<'_, S>, text: &str) -> String {
    let command = match parse(text, ctx.presets, ctx.allow_private) {
        Ok(c) => c,
        Err(Reply(r)) => return r,
    };
    let changes = matches!(command, Command::Subscribe(_) | Command::Unsubscribe(_) | Command::Digest(_));
    if changes {
        match may_change(ctx).await {
            Ok(true) => {}
            Ok(false) => {
                return "Only workspace admins and this channel's creator can change its feeds (your admin can allow others with SLACK_COMMANDS_ALLOWED). `/layoffs list` shows what it gets.".into();
            }
            Err(e) => {
                return format!(
                    "I couldn't check who may change this channel ({}). Ask an admin to reinstall the app from slack/manifest.yml so it has the users:read and channels:read scopes.",
                    super::blocks::escape(&e.to_string())
                );
            }
        }
    }
    match run(ctx, command).await {
        Ok(reply) => reply,
        Err(e) => format!(
            "Something went wrong on my side ({}); nothing was changed. Try again in a minute.",
            super::blocks::escape(&e.to_string())
        ),
    }
}

async fn may_change<S>(ctx: &Context<'_, S>) -> Result<bool, ApiError> {
    let p = ctx.policy;
    if p.everyone || p.users.iter().any(|u| u == ctx.user) {
        return Ok(true);
    }
    if p.admins && ctx.api.is_admin(&SlackUserId::new(ctx.user.to_string())).await? {
        return Ok(true);
    }
    if p.creator {
        let creator = ctx.api.channel_creator(&SlackChannelId::new(ctx.channel.to_string())).await?;
        return Ok(creator.as_deref() == Some(ctx.user));
    }
    Ok(false)
}

async fn run<S: Store>(ctx: &Context<'_, S>, command: Command) -> Result<String, StoreError> {
    let (platform, channel) = ("slack", ctx.channel);
    match command {
        Command::Help => Ok(HELP.into()),
        Command::List => {
            let subs = ctx.store.subscriptions_for_channel(platform, channel).await?;
            let digest = ctx.store.get_digest(platform, channel).await?.unwrap_or(DigestMode::Off);
            let mut out = if subs.is_empty() {
                "This channel has no feeds yet: `/layoffs subscribe <feed URL | preset>`.".to_string()
            } else {
                let mut s = format!("This channel watches {} feed(s):", subs.len());
                for sub in &subs {
                    s.push_str(&format!("\n• {}", super::blocks::escape(&sub.feed)));
                }
                s
            };
            out.push_str(&match digest {
                DigestMode::Off => "\nStories are posted as they break (digest off).".to_string(),
                mode => format!("\nDigest: {mode} (UTC) instead of live posts."),
            });
            Ok(out)
        }
        Command::Subscribe(target) => {
            let mut added = Vec::new();
            let mut already = Vec::new();
            for feed in target.feeds() {
                let sub = Subscription {
                    platform: platform.into(),
                    channel: channel.into(),
                    feed: feed.clone(),
                    added_by: ctx.user.into(),
                    added_at: Utc::now(),
                };
                if ctx.store.add_subscription(&sub).await? { added.push(feed) } else { already.push(feed) }
            }
            let list = |v: &[String]| v.iter().map(|f| super::blocks::escape(f)).collect::<Vec<_>>().join(", ");
            let mut out = match (&target, added.is_empty()) {
                (_, true) => format!("This channel already watches {}.", list(&already)),
                (Target::Preset { name, .. }, false) => {
                    format!(
                        "Subscribed this channel to the *{}* preset: {}.",
                        super::blocks::escape(name),
                        list(&added)
                    )
                }
                (Target::Feed(_), false) => format!("Subscribed this channel to {}.", list(&added)),
            };
            if !added.is_empty() {
                out.push_str(" New stories will be posted here; what the feed already has is not reposted. Invite me with `/invite @layoffwatch` if I'm not in this channel yet.");
            }
            Ok(out)
        }
        Command::Unsubscribe(target) => {
            let feeds = match &target {
                Some(t) => t.feeds(),
                None => {
                    ctx.store.subscriptions_for_channel(platform, channel).await?.into_iter().map(|s| s.feed).collect()
                }
            };
            let mut removed = Vec::new();
            for feed in feeds {
                if ctx.store.remove_subscription(platform, channel, &feed).await? {
                    removed.push(super::blocks::escape(&feed));
                }
            }
            Ok(if removed.is_empty() {
                "This channel wasn't watching that; `/layoffs list` shows what it watches.".into()
            } else {
                format!("Unsubscribed this channel from {}.", removed.join(", "))
            })
        }
        Command::Digest(mode) => {
            ctx.store.set_digest(platform, channel, mode).await?;
            Ok(match mode {
                DigestMode::Off => "Digest off: stories will be posted here as they break.".into(),
                mode => format!("Digest set to {mode} (UTC): one digest message instead of live posts."),
            })
        }
    }
}

/// "`tech-news` (General technology news…), `layoffs` (…)" for help and error replies.
fn names_for_help(presets: &Presets) -> String {
    let names: Vec<String> =
        presets.iter().map(|p| format!("`{}` ({})", p.name, super::blocks::escape(&p.description))).collect();
    if names.is_empty() { "none are configured".into() } else { names.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presets() -> Presets {
        Presets::parse(
            "[presets.tech]\ndescription = \"d\"\nurls = [\"https://a.example/rss\", \"https://b.example/rss\"]\n",
        )
        .unwrap()
    }

    #[test]
    fn every_command_parses() {
        let p = presets();
        assert_eq!(parse("", &p, false).unwrap(), Command::Help);
        assert_eq!(parse("LIST", &p, false).unwrap(), Command::List);
        assert_eq!(
            parse("subscribe <https://a.example/feed?x=1&amp;y=2>", &p, false).unwrap(),
            Command::Subscribe(Target::Feed("https://a.example/feed?x=1&y=2".parse().unwrap()))
        );
        assert!(matches!(parse("subscribe tech", &p, false).unwrap(), Command::Subscribe(Target::Preset { .. })));
        assert_eq!(parse("unsubscribe", &p, false).unwrap(), Command::Unsubscribe(None));
        assert_eq!(
            parse("digest daily 09:30", &p, false).unwrap().clone(),
            Command::Digest("daily 09:30".parse().unwrap())
        );
    }

    #[test]
    fn mistakes_say_what_to_type_instead() {
        let p = presets();
        let Reply(r) = parse("subscribe example.com/rss", &p, false).unwrap_err();
        assert!(
            r.contains("expected https://") && r.contains("/layoffs subscribe https://") && r.contains("tech"),
            "{r}"
        );
        let Reply(r) = parse("digest weekly", &p, false).unwrap_err();
        assert!(r.contains("daily 09:00"), "{r}");
        let Reply(r) = parse("frobnicate", &p, false).unwrap_err();
        assert!(r.contains("/layoffs help"), "{r}");
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let p = presets();
        for bad in
            ["http://127.0.0.1/feed", "http://169.254.169.254/latest", "http://localhost/rss", "file:///etc/passwd"]
        {
            assert!(parse(&format!("subscribe {bad}"), &p, false).is_err(), "{bad}");
        }
        let Reply(r) = parse("subscribe http://10.0.0.5/rss", &p, false).unwrap_err();
        assert!(r.contains("won't fetch"), "{r}");
        assert!(parse("subscribe http://10.0.0.5/rss", &p, true).is_ok());
    }

    #[test]
    fn echoed_input_cannot_ping() {
        let Reply(r) = parse("<!channel>", &presets(), false).unwrap_err();
        assert!(!r.contains("<!channel>"), "{r}");
    }
}
