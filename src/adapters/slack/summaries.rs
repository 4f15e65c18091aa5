//! Thread summaries: read a whole Slack thread (`conversations.replies`, every page), turn it into the
//! core's thread document, have the commands layer summarize it, and render the reply for the thread
//! with the sourced and speculative parts and links to the messages cited.
//!
//! Permalinks are built from the workspace URL `auth.test` returns, in Slack's documented shape
//! (`https://acme.slack.com/archives/C123/p1700000000000100?thread_ts=…&cid=C123`), rather than with
//! one `chat.getPermalink` call per cited message: a 300-message thread would otherwise cost 300
//! calls for links whose shape is fixed.
//!
//! Privacy: message text lives only in memory for the length of one summary; nothing of it is
//! stored or logged.

use super::blocks::{self, Coverage};
use super::client::{ApiError, SlackApi};
use super::events::ClaimsRef;
use crate::commands::Commands;
use crate::core::model::{Message, Thread};
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;

/// Messages read from one thread at most; the rest are left out, and the summary says so. Slack
/// threads this long are rare, and reading them costs five paced calls.
pub const MAX_THREAD_MESSAGES: usize = 1_000;
/// Message text summarized at most, in bytes, so one thread of giant messages cannot exhaust memory
/// or the summarizer (the core refuses documents over 4 MiB).
pub const MAX_THREAD_BYTES: usize = 2 * 1024 * 1024;

/// Why a thread could not be summarized, worded for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("I couldn't read this thread ({0}); invite me to the channel with /invite @layoffwatch and try again")]
    Read(ApiError),
    #[error("there is nothing in this thread for me to summarize yet")]
    Empty,
}

/// Slack mrkdwn as plain text: entities decoded, `<url|label>` as "label url", mentions as names of
/// their kind. Returns the text and the links it carried.
pub fn slack_to_plain(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let inner = &after[..close];
        let (target, label) = inner.split_once('|').map_or((inner, None), |(t, l)| (t, Some(l)));
        if target.starts_with("http://") || target.starts_with("https://") {
            let url = target.replace("&amp;", "&");
            match label {
                Some(l) if l != target => out.push_str(&format!("{l} {url}")),
                _ => out.push_str(&url),
            }
            links.push(url);
        } else if target.starts_with('@') {
            out.push_str("@someone");
        } else if target.starts_with('#') {
            out.push_str(&format!("#{}", label.unwrap_or("channel")));
        } else if let Some(special) = target.strip_prefix('!') {
            out.push('@');
            out.push_str(special.split('^').next().unwrap_or(special));
        } else {
            out.push_str(label.unwrap_or(target));
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    (out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"), links)
}

/// A Slack `ts` ("1700000000.000100") as a time.
pub fn ts_time(ts: &str) -> Option<DateTime<Utc>> {
    let (secs, micros) = ts.split_once('.').unwrap_or((ts, "0"));
    let micros: u32 = format!("{micros:0<6}").get(..6)?.parse().ok()?;
    DateTime::from_timestamp(secs.parse().ok()?, micros * 1_000)
}

/// The permalink of message `ts` in `thread` of `channel`.
pub fn permalink(workspace_url: &str, channel: &str, ts: &str, thread: &str) -> String {
    let base = workspace_url.trim_end_matches('/');
    let p = ts.replace('.', "");
    if ts == thread {
        format!("{base}/archives/{channel}/p{p}")
    } else {
        format!("{base}/archives/{channel}/p{p}?thread_ts={thread}&cid={channel}")
    }
}

/// Who the bot is, so its own posts are left out of what it summarizes.
pub struct Reader<'a> {
    pub api: &'a SlackApi,
    pub workspace_url: &'a str,
    pub bot_user: &'a str,
    pub bot_id: Option<&'a str>,
}

/// Reads a whole thread as the core's thread document (people's messages only), and how much of
/// it was read.
pub async fn read_thread(
    reader: &Reader<'_>,
    channel: &str,
    thread_ts: &str,
) -> Result<(Thread, Coverage), SummaryError> {
    let (raw, more) = reader
        .api
        .replies(&SlackChannelId::new(channel.into()), &SlackTs::new(thread_ts.into()), MAX_THREAD_MESSAGES)
        .await
        .map_err(SummaryError::Read)?;
    let mut messages = Vec::new();
    let mut bytes = 0;
    let mut skipped = usize::from(more);
    for m in &raw {
        let by_bot = m.sender.user.as_ref().is_some_and(|u| u.0 == reader.bot_user)
            || (m.sender.bot_id.is_some() && m.sender.bot_id.as_ref().map(|b| b.0.as_str()) == reader.bot_id);
        // Joins, topic changes and other system messages are not conversation.
        let system = m.subtype.as_ref().is_some_and(|s| !matches!(s, SlackMessageEventType::ThreadBroadcast));
        let Some(text) = m.content.text.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        if by_bot || system {
            continue;
        }
        if bytes + text.len() > MAX_THREAD_BYTES {
            skipped += raw.len() - messages.len();
            break;
        }
        bytes += text.len();
        let (plain, links) = slack_to_plain(text);
        let ts = &m.origin.ts.0;
        messages.push(Message {
            id: Some(ts.clone()),
            author: m.sender.user.as_ref().map(|u| u.0.clone()),
            ts: ts_time(ts),
            text: plain,
            links,
            permalink: Some(permalink(reader.workspace_url, channel, ts, thread_ts)),
        });
    }
    if messages.is_empty() {
        return Err(SummaryError::Empty);
    }
    let read = messages.len();
    Ok((Thread { id: Some(thread_ts.into()), channel: Some(channel.into()), messages }, Coverage { read, skipped }))
}

/// Reads and summarizes a thread; returns the reply's messages, the last with the "All claims"
/// button for the same thread.
pub async fn summarize(
    reader: &Reader<'_>,
    commands: &Commands,
    channel: &str,
    thread_ts: &str,
) -> Result<Vec<blocks::Rendered>, SummaryError> {
    let (thread, coverage) = read_thread(reader, channel, thread_ts).await?;
    let done = commands.summarize(thread).await;
    let mut pieces = blocks::thread_summary(&done.recap(), coverage);
    let of = ClaimsRef::Thread { channel: channel.into(), thread_ts: thread_ts.into() };
    blocks::with_claims_button(&mut pieces, &of);
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_becomes_plain_text_with_its_links() {
        let (text, links) =
            slack_to_plain("<@U1> says <https://intel.example/a?x=1&amp;y=2|Intel> confirmed &lt;15%&gt; <!here>");
        assert_eq!(text, "@someone says Intel https://intel.example/a?x=1&y=2 confirmed <15%> @here");
        assert_eq!(links, vec!["https://intel.example/a?x=1&y=2"]);
    }

    #[test]
    fn permalinks_follow_slacks_shape() {
        assert_eq!(
            permalink("https://acme.slack.com/", "C1", "1700000000.000200", "1700000000.000100"),
            "https://acme.slack.com/archives/C1/p1700000000000200?thread_ts=1700000000.000100&cid=C1"
        );
        assert_eq!(
            permalink("https://acme.slack.com/", "C1", "1700000000.000100", "1700000000.000100"),
            "https://acme.slack.com/archives/C1/p1700000000000100"
        );
    }

    #[test]
    fn timestamps_keep_their_microseconds() {
        let t = ts_time("1700000000.000100").unwrap();
        assert_eq!(t.timestamp(), 1_700_000_000);
        assert_eq!(t.timestamp_subsec_micros(), 100);
    }
}
