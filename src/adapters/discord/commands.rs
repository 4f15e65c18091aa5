//! The slash commands (`/layoffs subscribe|unsubscribe|list|digest|help|summarize`) and the message
//! context-menu command "Summarize thread": their definitions, parsing an interaction into a typed
//! [`Command`], Discord's permission check, and the replies worded in Discord markdown. The commands
//! layer ([`crate::commands`]) carries the commands out.
//!
//! Replies are ephemeral (only the person who asked sees them) and carry `allowed_mentions` that
//! parse nothing. Summaries can take longer than Discord's 3-second answer window, so they are
//! deferred at once (callback type 5) and the answer is edited in when ready.
//!
//! Buttons come back here too, as message-component interactions whose `custom_id` is a
//! [`ButtonRef`]: "All claims" under a story post or a summary (the full list, recomputed, to the
//! clicker only) and "Share in channel" under a summary (summarized again and posted for everyone).
//! They are deferred the same way.
//!
//! Every interaction is written to the inbox before it is answered (its token kept in the redacting
//! secret type), so one interrupted by a crash is resumed: a command already applied is answered
//! with its stored reply, not applied again; a summary is edited into its deferred answer. Discord
//! keeps an interaction token for 15 minutes but takes a first answer only within 3 seconds: a
//! command whose effect was not applied before the crash was never answered (the answer follows the
//! effect), so the user was told it failed, and it is dropped rather than applied unseen.

use super::channels::Api;
use super::embeds::{self, AllowedMentions, Embed};
use super::rest::RestError;
use super::settings::{MAX_SUMMARY_MESSAGES, Snowflake};
use super::summaries::{self, Scope};
use crate::commands::{self as layer, Commands, DigestMode, Place, PresetInfo, Refusal, Reply, StoryRef};
use crate::secret::Secret;
use serde_json::{Value, json};
use serenity::model::application::{
    CommandDataOption, CommandDataOptionValue, CommandInteraction, CommandType, ComponentInteraction,
};
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
/// Discord accepts answers with an interaction token for 15 minutes.
pub const TOKEN_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// A button under one of the bot's messages.
    Button(ButtonRef),
}

/// The messages a summary covered, so a button under it can read them again: no text, only where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeRef {
    pub channel: Snowflake,
    pub before: Option<Snowflake>,
    pub limit: u32,
}

impl From<Scope> for ScopeRef {
    fn from(s: Scope) -> Self {
        Self { channel: s.channel, before: s.before, limit: s.limit }
    }
}

impl From<ScopeRef> for Scope {
    fn from(s: ScopeRef) -> Self {
        Scope { channel: s.channel, before: s.before, limit: s.limit.clamp(1, MAX_SUMMARY_MESSAGES) }
    }
}

/// What a button's `custom_id` names (at most 100 characters, never text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonRef {
    /// `claims:story:{id}`: a story's full claim list.
    StoryClaims(StoryRef),
    /// `claims:scope:{channel}:{before or 0}:{limit}`: the claims of the messages a summary covered.
    ScopeClaims(ScopeRef),
    /// `share:scope:…`: the summary again, posted in the channel for everyone.
    Share(ScopeRef),
}

impl ButtonRef {
    pub fn custom_id(&self) -> String {
        let scope = |s: &ScopeRef| format!("scope:{}:{}:{}", s.channel, s.before.map_or(0, |b| b.0), s.limit);
        match self {
            ButtonRef::StoryClaims(story) => embeds::story_claims_id(story),
            ButtonRef::ScopeClaims(s) => format!("claims:{}", scope(s)),
            ButtonRef::Share(s) => format!("share:{}", scope(s)),
        }
    }

    /// Reads a `custom_id` the bot wrote; `None` for anything else.
    pub fn parse(custom_id: &str) -> Option<Self> {
        if custom_id.len() > embeds::CUSTOM_ID_LIMIT {
            return None;
        }
        if let Some(id) = custom_id.strip_prefix("claims:story:") {
            return StoryRef::parse(id).map(ButtonRef::StoryClaims);
        }
        let (verb, rest) = custom_id.split_once(":scope:")?;
        let mut parts = rest.split(':');
        let channel = Snowflake::parse(parts.next()?)?;
        let before = match parts.next()? {
            "0" => None,
            b => Some(Snowflake::parse(b)?),
        };
        let limit: u32 = parts.next()?.parse().ok().filter(|n| (1..=MAX_SUMMARY_MESSAGES).contains(n))?;
        if parts.next().is_some() {
            return None;
        }
        let scope = ScopeRef { channel, before, limit };
        match verb {
            "claims" => Some(ButtonRef::ScopeClaims(scope)),
            "share" => Some(ButtonRef::Share(scope)),
            _ => None,
        }
    }
}

/// One invocation with who, where and with which permissions. Stored in the inbox without its token,
/// which travels beside it as a [`Secret`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Invocation {
    pub id: Snowflake,
    pub application: Snowflake,
    #[serde(skip, default = "no_token")]
    pub token: Secret,
    pub guild: Option<Snowflake>,
    pub channel: Snowflake,
    pub in_thread: bool,
    pub user: Snowflake,
    /// The member's permissions in this channel, as Discord computed them; `None` outside a server.
    pub permissions: Option<u64>,
    pub command: Command,
}

fn no_token() -> Secret {
    Secret::new("")
}

impl Invocation {
    pub fn may_manage_channel(&self) -> bool {
        self.permissions.is_some_and(|p| p & (MANAGE_CHANNELS | ADMINISTRATOR) != 0)
    }

    /// Its id in the inbox (and among handled events).
    pub fn inbox_id(&self) -> String {
        format!("discord:interaction:{}", self.id)
    }

    /// Answered by deferring at once and editing the answer in: summaries and buttons, whose work
    /// reads history or recomputes claims.
    pub fn is_deferred(&self) -> bool {
        matches!(self.command, Command::Summarize { .. } | Command::SummarizeThread { .. } | Command::Button(_))
    }
}

fn string_option(options: &[CommandDataOption], name: &str) -> Option<String> {
    options.iter().find(|o| o.name == name).and_then(|o| match &o.value {
        CommandDataOptionValue::String(s) => Some(s.clone()),
        _ => None,
    })
}
/// The invocation of a command or a button click: serenity's two interaction types carry the same
/// fields under different types, so one macro reads both.
macro_rules! invocation {
    ($i:expr, $command:expr) => {{
        let i = $i;
        Invocation {
            id: Snowflake(i.id.get()),
            application: Snowflake(i.application_id.get()),
            token: Secret::new(i.token.clone()),
            guild: i.guild_id.map(|g| Snowflake(g.get())),
            channel: Snowflake(i.channel_id.get()),
            in_thread: i.channel.as_ref().is_some_and(|c| {
                matches!(c.kind, ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread)
            }),
            user: Snowflake(i.member.as_ref().map_or(i.user.id.get(), |m| m.user.id.get())),
            permissions: i.member.as_ref().and_then(|m| m.permissions).map(|p| p.bits()),
            command: $command,
        }
    }};
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
    Some(invocation!(i, command))
}

/// Reads a button click; `None` for a button this version did not make.
pub fn parse_component(i: &ComponentInteraction) -> Option<Invocation> {
    let button = ButtonRef::parse(&i.data.custom_id)?;
    Some(invocation!(i, Command::Button(button)))
}

/// What a handler needs from the bot.
pub struct Context<'a> {
    pub api: &'a Api,
    pub commands: &'a Commands,
    pub summary_messages: u32,
}

/// Answers one invocation, resumed or new (`resumed`: it was in the inbox at start), then lets the
/// inbox forget it. Failures to reach Discord are logged; there is no one else to tell.
pub async fn handle(cx: &Context<'_>, inv: &Invocation, answered: Option<Reply>, resumed: bool) {
    let result = if let Command::Button(button) = &inv.command {
        clicked(cx, inv, button, resumed).await
    } else if inv.is_deferred() {
        summarize(cx, inv, resumed).await
    } else {
        let text = reply(cx, inv, answered).await;
        respond(cx.api, inv, &text).await
    };
    match result {
        Ok(()) => {}
        // A crash before the first answer: Discord no longer takes one, and the user was told the
        // interaction failed.
        Err(e) if resumed => {
            tracing::info!(interaction = %inv.id, error = %e, "A resumed Discord interaction can no longer be answered.")
        }
        Err(e) => tracing::warn!(interaction = %inv.id, error = %e, "Could not answer a Discord command."),
    }
    cx.commands.done(&inv.inbox_id()).await;
}

fn needs_manage_channels(what: &str) -> String {
    format!(
        "You need the **Manage Channels** permission here to {what}. Ask a moderator, or use `/layoffs list` to see what this channel follows."
    )
}

/// The commands layer's command for an invocation (not a summary), or why there is none.
pub fn to_command(commands: &Commands, command: &Command) -> Result<layer::Command, Refusal> {
    match command {
        Command::Help => Ok(layer::Command::Help),
        Command::List => Ok(layer::Command::List),
        Command::Subscribe { feed } => commands.target(feed).map(layer::Command::Subscribe),
        Command::Unsubscribe { feed } => {
            commands.unsubscribe_target(feed).map(|t| layer::Command::Unsubscribe(Some(t)))
        }
        Command::Digest { mode, at } => {
            let text = match (mode.as_str(), at) {
                ("daily", Some(at)) => format!("daily {}", at.trim()),
                ("daily", None) => "daily 09:00".to_string(),
                (other, _) => other.to_string(),
            };
            text.parse::<DigestMode>().map(layer::Command::Digest).map_err(|_| Refusal::BadDigest { got: text })
        }
        Command::Summarize { .. } | Command::SummarizeThread { .. } => {
            Err(Refusal::UnknownCommand { got: "summarize".into() })
        }
        Command::Button(_) => Err(Refusal::UnknownCommand { got: "button".into() }),
    }
}

/// The text answer to every command except the summaries; `answered` is the reply of a command
/// applied before a restart.
pub async fn reply(cx: &Context<'_>, inv: &Invocation, answered: Option<Reply>) -> String {
    let presets = cx.commands.presets();
    if let Some(reply) = answered {
        return render(&reply, &presets);
    }
    if inv.guild.is_none() {
        return "layoffwatch works in server channels; run this command in the channel that should get the stories."
            .into();
    }
    let changes =
        matches!(inv.command, Command::Subscribe { .. } | Command::Unsubscribe { .. } | Command::Digest { .. });
    if changes && !inv.may_manage_channel() {
        let what = match inv.command {
            Command::Digest { .. } => "change how it gets stories",
            _ => "change which feeds it follows",
        };
        return needs_manage_channels(what);
    }
    let command = match to_command(cx.commands, &inv.command) {
        Ok(c) => c,
        Err(refusal) => return render(&Reply::Refused(refusal), &presets),
    };
    let (channel, user) = (inv.channel.to_string(), inv.user.to_string());
    let place = Place { platform: PLATFORM, channel: &channel, user: &user };
    render(&cx.commands.run_once(&inv.inbox_id(), &place, command, None).await, &presets)
}

/// A reply in Discord markdown, everything echoed escaped.
pub fn render(reply: &Reply, presets: &[PresetInfo]) -> String {
    match reply {
        Reply::Help { presets } => help(presets),
        Reply::Listing { feeds, digest } => {
            let delivery = match digest {
                DigestMode::Off => "live posts".to_string(),
                other => format!("a digest ({other} UTC)"),
            };
            if feeds.is_empty() {
                format!(
                    "This channel follows no feeds yet; it would get {delivery}. Add one with `/layoffs subscribe <feed URL or preset>`."
                )
            } else {
                let list: Vec<String> = feeds.iter().map(|f| format!("• <{f}>")).collect();
                format!("This channel follows {} feed(s) and gets {delivery}:\n{}", feeds.len(), list.join("\n"))
            }
        }
        Reply::Subscribed { added, .. } if added.is_empty() => {
            "This channel already follows that. `/layoffs list` shows everything it follows.".into()
        }
        Reply::Subscribed { added, already, .. } => format!(
            "Subscribed: {} new feed(s){}. New stories will be posted here, each with its own thread; the first poll only remembers what is already out, so nothing old floods in.",
            added.len(),
            if already.is_empty() { String::new() } else { format!(" ({} already followed)", already.len()) }
        ),
        Reply::Unsubscribed { removed } if removed.is_empty() => {
            "This channel does not follow that feed. `/layoffs list` shows the exact URLs it follows.".into()
        }
        Reply::Unsubscribed { removed } => {
            format!("Unsubscribed from {} feed(s). Stories already posted stay as they are.", removed.len())
        }
        Reply::DigestSet(DigestMode::Off) => "Digest off: stories are posted here as they break.".into(),
        Reply::DigestSet(m) => format!("This channel now gets a digest ({m} UTC) instead of live posts."),
        Reply::Refused(refusal) => refused(refusal, presets),
        Reply::Claims(list) => format!(
            "{} sourced and {} unconfirmed claims about {}.",
            list.sourced.len(),
            list.unconfirmed.len(),
            embeds::escape(&list.title)
        ),
        Reply::StoryGone => STORY_GONE.into(),
        Reply::Failed => "Something went wrong saving that on the bot's side; nothing changed. Try again in a minute, and tell the bot's operator if it keeps happening.".into(),
    }
}

/// The answer to an "All claims" click on a story the bot no longer keeps.
pub const STORY_GONE: &str = "That story is no longer kept: the bot keeps a story's articles for a limited time (30 days by default), so its claims can't be listed again. The post still shows how many there were.";

fn refused(refusal: &Refusal, presets: &[PresetInfo]) -> String {
    let clip = |text: &str| embeds::clip(&embeds::escape(text), 100);
    match refusal {
        Refusal::NoFeed => "Say which feed: a feed URL (https://…) or a preset from `/layoffs help`.".into(),
        Refusal::TooLong => "That is far too long for a feed URL; paste the feed's address only.".into(),
        Refusal::OneAtATime { first, rest } => format!(
            "One feed or preset at a time: I read `{}` and then `{}`. Run the command once per feed.",
            clip(first),
            clip(rest)
        ),
        Refusal::NotAFeed { got } => {
            let names: Vec<&str> = presets.iter().map(|p| p.name.as_str()).collect();
            format!(
                "That isn't a feed URL or a preset: expected https://…, got {:?}. Try `/layoffs subscribe https://example.com/rss` or a preset: {}.",
                clip(got),
                names.join(", ")
            )
        }
        Refusal::Private { reason } => {
            format!("I won't fetch that address: {}. Feeds must be on the public internet.", embeds::escape(reason))
        }
        Refusal::BadDigest { got } => format!(
            "{got:?} is not a schedule I know; use mode `off`, `hourly`, or `daily` with `at` as HH:MM in UTC (e.g. 09:00)."
        ),
        Refusal::UnknownCommand { got } => format!("I don't know `{}`; `/layoffs help` lists the commands.", clip(got)),
    }
}

pub fn help(presets: &[PresetInfo]) -> String {
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
    api.rest
        .post::<Value>(&format!("/interactions/{}/{}/callback", inv.id, inv.token.expose()), &body)
        .await
        .map(|_| ())
}

/// What a deferred answer becomes: a text, or pages of embeds (the first with its buttons).
enum Deferred {
    Text(String),
    Pages(Vec<Vec<Embed>>, Vec<embeds::ActionRow>),
}

/// Defers the answer (callback type 5, ephemeral) unless resumed: the deferral was the
/// acknowledgement, sent before the crash.
async fn defer(cx: &Context<'_>, inv: &Invocation, resumed: bool) -> Result<(), RestError> {
    if resumed {
        return Ok(());
    }
    let defer = json!({ "type": 5, "data": { "flags": EPHEMERAL } });
    cx.api
        .rest
        .post::<Value>(&format!("/interactions/{}/{}/callback", inv.id, inv.token.expose()), &defer)
        .await
        .map(|_| ())
}

/// Edits the deferred answer in; overflow goes into ephemeral follow-ups. Editing the answer is
/// idempotent; follow-ups cannot be read back, so a crash between them and the inbox forgetting the
/// work can repeat one, to the person who asked only.
async fn finish(cx: &Context<'_>, inv: &Invocation, answer: Deferred) -> Result<(), RestError> {
    let token = inv.token.expose();
    let original = format!("/webhooks/{}/{token}/messages/@original", inv.application);
    let (pages, components) = match answer {
        Deferred::Text(text) => {
            let content = embeds::clip(&crate::core::text::defuse_mentions(&text), embeds::CONTENT_LIMIT);
            let body = json!({ "content": content, "allowed_mentions": AllowedMentions::none() });
            return cx.api.rest.patch::<Value>(&original, &body).await.map(|_| ());
        }
        Deferred::Pages(pages, components) => (pages, components),
    };
    let mut pages = pages.into_iter();
    let first: Vec<Embed> = pages.next().unwrap_or_default();
    let body = json!({ "content": Value::Null, "embeds": first, "components": components, "allowed_mentions": AllowedMentions::none() });
    cx.api.rest.patch::<Value>(&original, &body).await?;
    for more in pages {
        let body = json!({ "embeds": more, "flags": EPHEMERAL, "allowed_mentions": AllowedMentions::none() });
        cx.api.rest.post::<Value>(&format!("/webhooks/{}/{token}", inv.application), &body).await?;
    }
    Ok(())
}

/// What a summary's scope is called in its footer.
fn scope_label(inv: &Invocation, scope: &Scope) -> String {
    if scope.channel != inv.channel {
        "the thread".to_string()
    } else if scope.before.is_some() {
        format!("the last {} messages up to the one chosen", scope.limit)
    } else if inv.in_thread {
        "this thread".to_string()
    } else {
        format!("the last {} messages", scope.limit)
    }
}

/// The answer when history cannot be read, with what to do; the error is still returned.
fn unreadable(e: &RestError) -> String {
    if matches!(e.status(), Some(403)) {
        "I can't read this channel's history. Give the bot **Read Message History** and **View Channel** here (and the Message Content intent must be on in the Developer Portal).".to_string()
    } else {
        "I couldn't read the messages just now; try again in a minute.".to_string()
    }
}

const NOTHING_TO_SUMMARIZE: &str = "There is nothing to summarize here yet: no messages with text from people.";

/// Defers, reads the history, summarizes and edits the answer in, visible to the asker only, with
/// two buttons: the full claim list, and sharing the summary in the channel.
async fn summarize(cx: &Context<'_>, inv: &Invocation, resumed: bool) -> Result<(), RestError> {
    defer(cx, inv, resumed).await?;
    let scope = match &inv.command {
        Command::SummarizeThread { started_thread: Some(t), .. } => {
            Scope { channel: *t, before: None, limit: MAX_SUMMARY_MESSAGES }
        }
        _ if inv.in_thread => Scope { channel: inv.channel, before: None, limit: MAX_SUMMARY_MESSAGES },
        Command::SummarizeThread { message, .. } => {
            Scope { channel: inv.channel, before: Some(Snowflake(message.0 + 1)), limit: cx.summary_messages }
        }
        Command::Summarize { messages } => Scope {
            channel: inv.channel,
            before: None,
            limit: messages.unwrap_or(cx.summary_messages).clamp(1, MAX_SUMMARY_MESSAGES),
        },
        _ => unreachable!("only summaries are summarized"),
    };
    let label = scope_label(inv, &scope);
    let answer = match summaries::summarize(cx.api, cx.commands, inv.guild, scope, &label).await {
        Ok(Some(pages)) => {
            let claims = ButtonRef::ScopeClaims(scope.into()).custom_id();
            let share = ButtonRef::Share(scope.into()).custom_id();
            Deferred::Pages(
                pages,
                vec![embeds::ActionRow::buttons(&[("All claims", claims), ("Share in channel", share)])],
            )
        }
        Ok(None) => Deferred::Text(NOTHING_TO_SUMMARIZE.into()),
        Err(e) => {
            finish(cx, inv, Deferred::Text(unreadable(&e))).await?;
            return Err(e);
        }
    };
    finish(cx, inv, answer).await
}

/// A button: the full claim list (a story's recomputed by the commands layer, a summary's from the
/// messages read again), or the summary shared in the channel. Answered to the clicker only.
async fn clicked(cx: &Context<'_>, inv: &Invocation, button: &ButtonRef, resumed: bool) -> Result<(), RestError> {
    defer(cx, inv, resumed).await?;
    let answer = match button {
        ButtonRef::StoryClaims(story) => {
            let (channel, user) = (inv.channel.to_string(), inv.user.to_string());
            let place = Place { platform: PLATFORM, channel: &channel, user: &user };
            match cx.commands.run(&place, layer::Command::Claims(story.clone())).await {
                Reply::Claims(list) => Deferred::Pages(embeds::claim_list(&list), Vec::new()),
                other => Deferred::Text(render(&other, &cx.commands.presets())),
            }
        }
        ButtonRef::ScopeClaims(scope) => match summaries::read_thread(cx.api, inv.guild, (*scope).into()).await {
            Ok(thread) if thread.messages.is_empty() => Deferred::Text(NOTHING_TO_SUMMARIZE.into()),
            Ok(thread) => Deferred::Pages(embeds::claim_list(&cx.commands.thread_claims(thread).await), Vec::new()),
            Err(e) => {
                finish(cx, inv, Deferred::Text(unreadable(&e))).await?;
                return Err(e);
            }
        },
        ButtonRef::Share(scope) => {
            let scope: Scope = (*scope).into();
            let label = scope_label(inv, &scope);
            match summaries::summarize(cx.api, cx.commands, inv.guild, scope, &label).await {
                Ok(Some(pages)) => {
                    for page in pages {
                        let body = embeds::MessageBody::embeds(page).json();
                        cx.api.rest.post::<Value>(&format!("/channels/{}/messages", inv.channel), &body).await?;
                    }
                    Deferred::Text("Shared: the summary is now in the channel for everyone.".into())
                }
                Ok(None) => Deferred::Text(NOTHING_TO_SUMMARIZE.into()),
                Err(e) => {
                    finish(cx, inv, Deferred::Text(unreadable(&e))).await?;
                    return Err(e);
                }
            }
        }
    };
    finish(cx, inv, answer).await
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
    fn a_button_reference_reads_back_what_it_writes_and_nothing_forged() {
        let scope =
            ScopeRef { channel: Snowflake(1_234_567_890_123_456_789), before: Some(Snowflake(42)), limit: 1_000 };
        for b in [
            ButtonRef::StoryClaims(StoryRef::parse("s-0123456789ab").unwrap()),
            ButtonRef::ScopeClaims(scope),
            ButtonRef::Share(ScopeRef { before: None, ..scope }),
        ] {
            let id = b.custom_id();
            assert!(id.len() <= embeds::CUSTOM_ID_LIMIT, "{id}");
            assert_eq!(ButtonRef::parse(&id), Some(b), "{id}");
        }
        for forged in
            ["claims:story:<@&1>", "claims:scope:1:0:5000", "claims:scope:x:0:5", "share:scope:1:0:5:9", "other"]
        {
            assert_eq!(ButtonRef::parse(forged), None, "{forged}");
        }
    }

    #[test]
    fn administrators_and_channel_managers_may_change_subscriptions() {
        let mut inv = Invocation {
            id: Snowflake(1),
            application: Snowflake(2),
            token: Secret::new("t"),
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
