//! Thread summaries: a thread's (or a channel's recent) history read through the REST API page by
//! page, turned into the core's [`Thread`], summarized by the commands layer and rendered with sourced/speculative marks and jump links to the messages cited.
//!
//! Privacy: message text lives only in memory for the length of one summary; nothing of it is
//! stored or logged.

use super::channels::Api;
use super::embeds::{self, Embed};
use super::rest::RestError;
use super::settings::Snowflake;
use crate::commands::Commands;
use crate::core::model::{Message, Thread};
use serde::Deserialize;

/// Discord serves history at most 100 messages a page.
pub const PAGE: u32 = 100;
/// A chat message is at most 4,000 characters (Nitro); anything longer is not from Discord.
const MAX_MESSAGE_CHARS: usize = 4_000;

/// The parts of a history message a summary reads. Everything else Discord sends is ignored, so a
/// new field in Discord's answer never breaks a summary.
#[derive(Debug, Clone, Deserialize)]
pub struct HistoryMessage {
    pub id: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(rename = "type", default)]
    pub kind: u8,
    pub author: Author,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub global_name: Option<String>,
    #[serde(default)]
    pub bot: bool,
}

/// Which messages to summarize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub channel: Snowflake,
    /// Only messages before this id (exclusive); `None` for the newest.
    pub before: Option<Snowflake>,
    pub limit: u32,
}

/// Reads up to `scope.limit` messages, newest first from Discord, returned oldest first.
pub async fn read_history(api: &Api, scope: Scope) -> Result<Vec<HistoryMessage>, RestError> {
    let mut out: Vec<HistoryMessage> = Vec::new();
    let mut before = scope.before;
    while (out.len() as u32) < scope.limit {
        let want = (scope.limit - out.len() as u32).min(PAGE);
        let mut path = format!("/channels/{}/messages?limit={want}", scope.channel);
        if let Some(b) = before {
            path.push_str(&format!("&before={b}"));
        }
        let page: Vec<HistoryMessage> = api.rest.get(&path).await?;
        let got = page.len() as u32;
        let oldest = page.iter().filter_map(|m| Snowflake::parse(&m.id)).min();
        out.extend(page);
        match oldest {
            Some(o) if got == want => before = Some(o),
            _ => break,
        }
    }
    out.sort_by_key(|m| Snowflake::parse(&m.id));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// The history as the core's thread: people's messages with text (joins, pins and the bot's own
/// story posts say nothing to summarize), each with its jump link.
pub fn to_thread(guild: Option<Snowflake>, channel: Snowflake, history: &[HistoryMessage]) -> Thread {
    let guild = guild.map_or_else(|| "@me".to_string(), |g| g.to_string());
    let messages = history
        .iter()
        .filter(|m| matches!(m.kind, 0 | 19) && !m.author.bot && !m.content.trim().is_empty())
        .map(|m| Message {
            id: Some(m.id.clone()),
            author: Some(m.author.global_name.clone().unwrap_or_else(|| m.author.username.clone())),
            ts: m.timestamp,
            text: m.content.chars().take(MAX_MESSAGE_CHARS).collect(),
            links: Vec::new(),
            permalink: Some(format!("https://discord.com/channels/{guild}/{channel}/{}", m.id)),
        })
        .collect();
    Thread { id: Some(channel.to_string()), channel: Some(channel.to_string()), messages }
}

/// Reads what `scope` covers as the core's thread.
pub async fn read_thread(api: &Api, guild: Option<Snowflake>, scope: Scope) -> Result<Thread, RestError> {
    let history = read_history(api, scope).await?;
    Ok(to_thread(guild, scope.channel, &history))
}

/// Summarizes what `scope` covers; `None` when there is nothing to summarize.
pub async fn summarize(
    api: &Api,
    commands: &Commands,
    guild: Option<Snowflake>,
    scope: Scope,
    label: &str,
) -> Result<Option<Vec<Vec<Embed>>>, RestError> {
    let thread = read_thread(api, guild, scope).await?;
    if thread.messages.is_empty() {
        return Ok(None);
    }
    let done = commands.summarize(thread).await;
    Ok(Some(embeds::summary(&done.recap(), label)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: u64, kind: u8, bot: bool, text: &str) -> HistoryMessage {
        HistoryMessage {
            id: id.to_string(),
            content: text.into(),
            timestamp: None,
            kind,
            author: Author { id: "5".into(), username: "zara".into(), global_name: None, bot },
        }
    }

    #[test]
    fn only_peoples_messages_with_text_are_summarized_each_with_a_jump_link() {
        let history = [
            message(1, 0, false, "Initech cut 300 jobs"),
            message(2, 7, false, ""),
            message(3, 0, true, "story post"),
            message(4, 19, false, "source?"),
        ];
        let thread = to_thread(Some(Snowflake(9)), Snowflake(8), &history);
        assert_eq!(thread.messages.len(), 2);
        assert_eq!(thread.messages[0].permalink.as_deref(), Some("https://discord.com/channels/9/8/1"));
    }
}
