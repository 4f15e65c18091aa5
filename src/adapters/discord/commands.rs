//! The slash commands (`/layoffs subscribe|unsubscribe|list|digest|help|summarize`) and the message
//! context-menu command "Summarize thread": their definitions, parsing an interaction into a typed
//! [`Command`], permission checks, and the replies.
//!
//! Replies are ephemeral (only the person who asked sees them) and carry `allowed_mentions` that
//! parse nothing. Summaries can take longer than Discord's 3-second answer window, so they are
//! deferred at once (callback type 5) and the answer is edited in when ready.

use super::channels::Api;
use super::embeds::{self, AllowedMentions, Embed};
use super::rest::RestError;
use super::settings::{MAX_SUMMARY_MESSAGES, Snowflake};
use super::summaries::{self, Scope};
use crate::feeds::guard::check_url;
use crate::feeds::presets::Presets;
use crate::store::{DigestMode, Store, Subscription};
use crate::summaries::SummaryService;
use chrono::Utc;
use serde_json::{Value, json};
use serenity::model::application::{CommandDataOption, CommandDataOptionValue, CommandInteraction, CommandType};
use serenity::model::channel::ChannelType;

/// The platform column of stored subscriptions and digests.
pub const PLATFORM: &str = "discord";
/// The context-menu command's name, as users see it.
pub const SUMMARIZE_THREAD: &str = "Summarize thread";

/// Administrator implies every permission; Manage Channels is what changing a channel's feeds needs.
const ADMINISTRATOR: u64 = 1 << 3;
const MANAGE_CHANNELS: u64 = 1 << 4;
/// Interaction response flag: only the invoking user sees the reply.
const EPHEMERAL: u64 = 1 << 6;
/// A feed URL longer than this is not a feed URL.
const MAX_FEED_URL: usize = 2_000;

/// The commands as registered with Discord (bulk overwrite), guild-only.
pub fn definitions() -> Value {
    let feed = |verb: &str| {
        json!([{ "type": 3, "name": "feed", "required": true, "max_length": MAX_FEED_URL,
                 "description": format!("A feed URL (https://…) or a preset name from /layoffs help to {verb}") }])
    };
    json!([
        {
            "type": 1,
            "name": "layoffs",
            "description": "Follow AI-layoff news here, with every claim marked sourced or speculative",
            "contexts": [0],
            "options": [
                { "type": 1, "name": "subscribe", "description": "Post stories from a feed or preset in this channel (Manage Channels)", "options": feed("follow") },
                { "type": 1, "name": "unsubscribe", "description": "Stop posting stories from a feed or preset here (Manage Channels)", "options": feed("stop following") },
                { "type": 1, "name": "list", "description": "Show the feeds and digest schedule of this channel" },
                { "type": 1, "name": "digest", "description": "Get a digest instead of live posts (Manage Channels)", "options": [
                    { "type": 3, "name": "mode", "description": "How often", "required": true,
                      "choices": [ { "name": "off (live posts)", "value": "off" }, { "name": "hourly", "value": "hourly" }, { "name": "daily", "value": "daily" } ] },
                    { "type": 3, "name": "at", "description": "For daily: the UTC time, HH:MM", "required": false, "min_length": 5, "max_length": 5 }
                ] },
                { "type": 1, "name": "help", "description": "What the bot does, its commands and presets" },
                { "type": 1, "name": "summarize", "description": "Summarize this thread, or the channel's recent messages", "options": [
                    { "type": 4, "name": "messages", "description": "How many recent channel messages to read", "required": false, "min_value": 1, "max_value": MAX_SUMMARY_MESSAGES }
                ] }
            ]
        },
        { "type": 3, "name": SUMMARIZE_THREAD, "contexts": [0] }
    ])
}

/// What a user asked for, parsed once from the interaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Subscribe {
        feed: String,
    },
    Unsubscribe {
        feed: String,
    },
    List,
    Digest {
        mode: String,
        at: Option<String>,
    },
    Help,
    Summarize {
        messages: Option<u32>,
    },
    /// The context-menu command on a message: the thread it started, the thread it is in, or the
    /// channel's messages up to it.
    SummarizeThread {
        message: Snowflake,
        started_thread: Option<Snowflake>,
    },
}

/// One invocation with who, where and with which permissions.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub id: Snowflake,
    pub application: Snowflake,
    pub token: String,
    pub guild: Option<Snowflake>,
    pub channel: Snowflake,
    pub in_thread: bool,
    pub user: Snowflake,
    /// The member's permissions in this channel, as Discord computed them; `None` outside a server.
    pub permissions: Option<u64>,
    pub command: Command,
}

impl Invocation {
    pub fn may_manage_channel(&self) -> bool {
        self.permissions.is_some_and(|p| p & (MANAGE_CHANNELS | ADMINISTRATOR) != 0)
    }
}

fn string_option(options: &[CommandDataOption], name: &str) -> Option<String> {
    options.iter().find(|o| o.name == name).and_then(|o| match &o.value {
        CommandDataOptionValue::String(s) => Some(s.clone()),
        _ => None,
    })
}

/// Reads an interaction; `None` for a command this bot does not define (a stale registration).
pub fn parse(i: &CommandInteraction) -> Option<Invocation> {
    let command = match (i.data.kind, i.data.name.as_str()) {
        (CommandType::ChatInput, "layoffs") => {
            let sub = i.data.options.first()?;
            let CommandDataOptionValue::SubCommand(options) = &sub.value else { return None };
            match sub.name.as_str() {
                "subscribe" => Command::Subscribe { feed: string_option(options, "feed")? },
                "unsubscribe" => Command::Unsubscribe { feed: string_option(options, "feed")? },
                "list" => Command::List,
                "digest" => Command::Digest { mode: string_option(options, "mode")?, at: string_option(options, "at") },
                "help" => Command::Help,
                "summarize" => Command::Summarize {
                    messages: options.iter().find(|o| o.name == "messages").and_then(|o| match o.value {
                        CommandDataOptionValue::Integer(n) => u32::try_from(n).ok(),
                        _ => None,
                    }),
                },
                _ => return None,
            }
        }
        (CommandType::Message, SUMMARIZE_THREAD) => {
            let target = i.data.target_id?.to_message_id();
            let started_thread =
                i.data.resolved.messages.get(&target).and_then(|m| m.thread.as_ref()).map(|t| Snowflake(t.id.get()));
            Command::SummarizeThread { message: Snowflake(target.get()), started_thread }
        }
        _ => return None,
    };
    let in_thread = i.channel.as_ref().is_some_and(|c| {
        matches!(c.kind, ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread)
    });
    Some(Invocation {
        id: Snowflake(i.id.get()),
        application: Snowflake(i.application_id.get()),
        token: i.token.clone(),
        guild: i.guild_id.map(|g| Snowflake(g.get())),
        channel: Snowflake(i.channel_id.get()),
        in_thread,
        user: Snowflake(i.member.as_ref().map_or(i.user.id.get(), |m| m.user.id.get())),
        permissions: i.member.as_ref().and_then(|m| m.permissions).map(|p| p.bits()),
        command,
    })
}

/// What a handler needs from the bot.
pub struct Context<'a, S> {
    pub api: &'a Api,
    pub store: &'a S,
    pub summaries: &'a dyn SummaryService,
    pub presets: &'a Presets,
    pub allow_private_addresses: bool,
    pub summary_messages: u32,
}

/// Answers one invocation. Failures to reach Discord are logged; there is no one else to tell.
pub async fn handle<S: Store>(cx: &Context<'_, S>, inv: &Invocation) {
    let result = match &inv.command {
        Command::Summarize { .. } | Command::SummarizeThread { .. } => summarize(cx, inv).await,
        _ => {
            let text = reply(cx, inv).await;
            respond(cx.api, inv, &text).await
        }
    };
    if let Err(e) = result {
        tracing::warn!(interaction = %inv.id, error = %e, "Could not answer a Discord command.");
    }
}

fn needs_manage_channels(what: &str) -> String {
    format!(
        "You need the **Manage Channels** permission here to {what}. Ask a moderator, or use `/layoffs list` to see what this channel follows."
    )
}

/// The text answer to every command except the summaries.
pub async fn reply<S: Store>(cx: &Context<'_, S>, inv: &Invocation) -> String {
    if inv.guild.is_none() {
        return "layoffwatch works in server channels; run this command in the channel that should get the stories."
            .into();
    }
    let channel = inv.channel.to_string();
    match &inv.command {
        Command::Help => help(cx.presets),
        Command::List => {
            let subs = cx.store.subscriptions_for_channel(PLATFORM, &channel).await;
            let digest = cx.store.get_digest(PLATFORM, &channel).await;
            match (subs, digest) {
                (Ok(subs), Ok(digest)) => {
                    let mode = digest.unwrap_or(DigestMode::Off);
                    let delivery = match mode {
                        DigestMode::Off => "live posts".to_string(),
                        other => format!("a digest ({other} UTC)"),
                    };
                    if subs.is_empty() {
                        format!(
                            "This channel follows no feeds yet; it would get {delivery}. Add one with `/layoffs subscribe <feed URL or preset>`."
                        )
                    } else {
                        let list: Vec<String> = subs.iter().map(|s| format!("• <{}>", s.feed)).collect();
                        format!("This channel follows {} feed(s) and gets {delivery}:\n{}", subs.len(), list.join("\n"))
                    }
                }
                (Err(e), _) | (_, Err(e)) => store_trouble(&e),
            }
        }
        Command::Subscribe { feed } => {
            if !inv.may_manage_channel() {
                return needs_manage_channels("change which feeds it follows");
            }
            let urls = match feeds_for(cx, feed) {
                Ok(urls) => urls,
                Err(message) => return message,
            };
            let mut added = 0;
            for url in &urls {
                let sub = Subscription {
                    platform: PLATFORM.into(),
                    channel: channel.clone(),
                    feed: url.clone(),
                    added_by: inv.user.to_string(),
                    added_at: Utc::now(),
                };
                match cx.store.add_subscription(&sub).await {
                    Ok(true) => added += 1,
                    Ok(false) => {}
                    Err(e) => return store_trouble(&e),
                }
            }
            match (added, urls.len()) {
                (0, _) => "This channel already follows that. `/layoffs list` shows everything it follows.".into(),
                (n, total) => format!(
                    "Subscribed: {n} new feed(s){}. New stories will be posted here, each with its own thread; the first poll only remembers what is already out, so nothing old floods in.",
                    if n < total { format!(" ({} already followed)", total - n) } else { String::new() }
                ),
            }
        }
        Command::Unsubscribe { feed } => {
            if !inv.may_manage_channel() {
                return needs_manage_channels("change which feeds it follows");
            }
            let urls = match cx.presets.get(feed) {
                Some(p) => p.urls.iter().map(ToString::to_string).collect(),
                None => vec![feed.trim().to_string()],
            };
            let mut removed = 0;
            for url in &urls {
                match cx.store.remove_subscription(PLATFORM, &channel, url).await {
                    Ok(true) => removed += 1,
                    Ok(false) => {}
                    Err(e) => return store_trouble(&e),
                }
            }
            if removed == 0 {
                "This channel does not follow that feed. `/layoffs list` shows the exact URLs it follows.".into()
            } else {
                format!("Unsubscribed from {removed} feed(s). Stories already posted stay as they are.")
            }
        }
        Command::Digest { mode, at } => {
            if !inv.may_manage_channel() {
                return needs_manage_channels("change how it gets stories");
            }
            let text = match (mode.as_str(), at) {
                ("daily", Some(at)) => format!("daily {}", at.trim()),
                ("daily", None) => "daily 09:00".to_string(),
                (other, _) => other.to_string(),
            };
            let parsed: DigestMode = match text.parse() {
                Ok(m) => m,
                Err(_) => {
                    return format!(
                        "{text:?} is not a schedule I know; use mode `off`, `hourly`, or `daily` with `at` as HH:MM in UTC (e.g. 09:00)."
                    );
                }
            };
            match cx.store.set_digest(PLATFORM, &channel, parsed).await {
                Ok(()) => match parsed {
                    DigestMode::Off => "Digest off: stories are posted here as they break.".into(),
                    m => format!("This channel now gets a digest ({m} UTC) instead of live posts."),
                },
                Err(e) => store_trouble(&e),
            }
        }
        Command::Summarize { .. } | Command::SummarizeThread { .. } => unreachable!("summaries are deferred"),
    }
}

/// The feed URLs a `subscribe` argument stands for: a preset's, or one URL that passes the SSRF
/// guard. The error is the reply.
fn feeds_for<S>(cx: &Context<'_, S>, feed: &str) -> Result<Vec<String>, String> {
    if let Some(p) = cx.presets.get(feed) {
        return Ok(p.urls.iter().map(ToString::to_string).collect());
    }
    let text = feed.trim();
    if let Some((first, rest)) = text.split_once(char::is_whitespace) {
        return Err(format!(
            "One feed or preset at a time: I read `{}` and then `{}`. Run the command once per feed.",
            embeds::clip(&embeds::escape(first), 100),
            embeds::clip(&embeds::escape(rest.trim()), 100)
        ));
    }
    let url = match url::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            let names: Vec<&str> = cx.presets.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "That isn't a feed URL or a preset: expected https://…, got {:?}. Try `/layoffs subscribe https://example.com/rss` or a preset: {}.",
                embeds::clip(&embeds::escape(text), 100),
                names.join(", ")
            ));
        }
    };
    if let Err(e) = check_url(&url, cx.allow_private_addresses) {
        return Err(format!(
            "I won't fetch that address: {}. Feeds must be on the public internet.",
            embeds::escape(&e.to_string())
        ));
    }
    Ok(vec![url.to_string()])
}

fn store_trouble(e: &dyn std::fmt::Display) -> String {
    tracing::error!(error = %e, "A Discord command could not use the store.");
    "Something went wrong saving that on the bot's side; nothing changed. Try again in a minute, and tell the bot's operator if it keeps happening.".into()
}

pub fn help(presets: &Presets) -> String {
    let mut out = String::from(
        "**layoffwatch** posts one story per layoff event, with every claim marked ✅ sourced (an outlet, the company, a filing, a named person, a backing link) or ❔ speculative (hedges, predictions, opinion, hearsay, rumour) and why.\n\
         `/layoffs subscribe <feed URL or preset>`: follow a feed here (Manage Channels)\n\
         `/layoffs unsubscribe <feed URL or preset>`: stop (Manage Channels)\n\
         `/layoffs list`: what this channel follows\n\
         `/layoffs digest <off|hourly|daily> [at HH:MM]`: a digest instead of live posts (Manage Channels)\n\
         `/layoffs summarize [messages]`: summarize this thread, or the channel's recent messages\n\
         Right-click a message → Apps → **Summarize thread**: summarize the thread it started or is in\n",
    );
    let list: Vec<String> =
        presets.iter().map(|p| format!("`{}`: {}", p.name, embeds::escape(&p.description))).collect();
    if !list.is_empty() {
        out.push_str(&format!("Presets: {}", list.join("; ")));
    }
    embeds::clip(&out, embeds::CONTENT_LIMIT)
}

/// An immediate ephemeral answer (callback type 4).
pub async fn respond(api: &Api, inv: &Invocation, text: &str) -> Result<(), RestError> {
    let body = json!({
        "type": 4,
        "data": { "content": embeds::clip(&crate::core::text::defuse_mentions(text), embeds::CONTENT_LIMIT), "flags": EPHEMERAL, "allowed_mentions": AllowedMentions::none() }
    });
    api.rest.post::<Value>(&format!("/interactions/{}/{}/callback", inv.id, inv.token), &body).await.map(|_| ())
}

/// Defers, reads the history, summarizes and edits the answer in; overflow goes into ephemeral
/// follow-ups.
async fn summarize<S: Store>(cx: &Context<'_, S>, inv: &Invocation) -> Result<(), RestError> {
    let defer = json!({ "type": 5, "data": { "flags": EPHEMERAL } });
    cx.api.rest.post::<Value>(&format!("/interactions/{}/{}/callback", inv.id, inv.token), &defer).await?;
    let (scope, label) = match &inv.command {
        Command::SummarizeThread { started_thread: Some(t), .. } => {
            (Scope { channel: *t, before: None, limit: MAX_SUMMARY_MESSAGES }, "the thread".to_string())
        }
        _ if inv.in_thread => {
            (Scope { channel: inv.channel, before: None, limit: MAX_SUMMARY_MESSAGES }, "this thread".to_string())
        }
        Command::SummarizeThread { message, .. } => {
            let n = cx.summary_messages;
            (
                Scope { channel: inv.channel, before: Some(Snowflake(message.0 + 1)), limit: n },
                format!("the last {n} messages up to the one chosen"),
            )
        }
        Command::Summarize { messages } => {
            let n = messages.unwrap_or(cx.summary_messages).clamp(1, MAX_SUMMARY_MESSAGES);
            (Scope { channel: inv.channel, before: None, limit: n }, format!("the last {n} messages"))
        }
        _ => unreachable!("only summaries are deferred"),
    };
    let original = format!("/webhooks/{}/{}/messages/@original", inv.application, inv.token);
    let pages = match summaries::summarize(cx.api, cx.summaries, inv.guild, scope, &label).await {
        Ok(Some(pages)) => pages,
        Ok(None) => {
            let body = json!({ "content": "There is nothing to summarize here yet: no messages with text from people.", "allowed_mentions": AllowedMentions::none() });
            return cx.api.rest.patch::<Value>(&original, &body).await.map(|_| ());
        }
        Err(e) => {
            let text = if matches!(e.status(), Some(403)) {
                "I can't read this channel's history. Give the bot **Read Message History** and **View Channel** here (and the Message Content intent must be on in the Developer Portal).".to_string()
            } else {
                "I couldn't read the messages just now; try again in a minute.".to_string()
            };
            let body = json!({ "content": text, "allowed_mentions": AllowedMentions::none() });
            cx.api.rest.patch::<Value>(&original, &body).await?;
            return Err(e);
        }
    };
    let mut pages = pages.into_iter();
    let first: Vec<Embed> = pages.next().unwrap_or_default();
    let body = json!({ "content": Value::Null, "embeds": first, "allowed_mentions": AllowedMentions::none() });
    cx.api.rest.patch::<Value>(&original, &body).await?;
    for more in pages {
        let body = json!({ "embeds": more, "flags": EPHEMERAL, "allowed_mentions": AllowedMentions::none() });
        cx.api.rest.post::<Value>(&format!("/webhooks/{}/{}", inv.application, inv.token), &body).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_name_every_subcommand_and_the_context_menu() {
        let defs = definitions();
        let subs: Vec<&str> =
            defs[0]["options"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(subs, ["subscribe", "unsubscribe", "list", "digest", "help", "summarize"]);
        assert_eq!(defs[1]["type"], 3);
        assert_eq!(defs[1]["name"], SUMMARIZE_THREAD);
    }

    #[test]
    fn administrators_and_channel_managers_may_change_subscriptions() {
        let mut inv = Invocation {
            id: Snowflake(1),
            application: Snowflake(2),
            token: "t".into(),
            guild: Some(Snowflake(3)),
            channel: Snowflake(4),
            in_thread: false,
            user: Snowflake(5),
            permissions: Some(1 << 11),
            command: Command::List,
        };
        assert!(!inv.may_manage_channel());
        inv.permissions = Some(MANAGE_CHANNELS);
        assert!(inv.may_manage_channel());
        inv.permissions = Some(ADMINISTRATOR);
        assert!(inv.may_manage_channel());
        inv.permissions = None;
        assert!(!inv.may_manage_channel());
    }
}
