//! What kind of channel a post goes to, asked once per channel and remembered: a text channel gets
//! a message with a thread started on it, a forum gets a post (a thread with tags), and a thread gets
//! plain messages. Also the bot's own user id, which recognising its own forum posts needs.

use super::recall::Recall;
use super::rest::{Rest, RestError};
use super::settings::Snowflake;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// Discord's channel types this bot posts into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelKind {
    /// A text or announcement channel: threads start from a message.
    Text { guild: Option<Snowflake> },
    /// A forum or media channel: every post is a thread, optionally tagged.
    Forum { guild: Option<Snowflake>, tags: Vec<ForumTag>, require_tag: bool },
    /// A thread: no sub-threads, so stories and their updates are messages in it.
    Thread { guild: Option<Snowflake> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumTag {
    pub id: Snowflake,
    pub name: String,
    /// Only moderators may apply it; a bot without Manage Threads cannot.
    pub moderated: bool,
}

/// A channel the bot cannot post stories into, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum KindError {
    #[error("channel {channel} is a {what}; stories go to text, announcement or forum channels (or threads)")]
    Unsupported { channel: Snowflake, what: &'static str },
    #[error(transparent)]
    Rest(#[from] RestError),
}

/// The forum flag that makes a tag mandatory on every post.
const REQUIRE_TAG: u64 = 1 << 4;

/// The REST client plus what it has learnt about channels and itself.
#[derive(Debug)]
pub struct Api {
    pub rest: Rest,
    /// The bot's own messages per place, for retries past the nonce window.
    pub recall: Recall,
    kinds: Mutex<HashMap<Snowflake, ChannelKind>>,
    me: Mutex<Option<Snowflake>>,
}

impl Api {
    pub fn new(rest: Rest) -> Self {
        Self { rest, recall: Recall::default(), kinds: Mutex::default(), me: Mutex::default() }
    }

    /// The channel's kind; fetched on first use. A channel's type does not change under the bot in a
    /// way that matters (a deleted channel gets a new id), so it is never refreshed.
    pub async fn kind(&self, channel: Snowflake) -> Result<ChannelKind, KindError> {
        if let Some(k) = self.kinds.lock().expect("kinds lock").get(&channel) {
            return Ok(k.clone());
        }
        let v: Value = self.rest.get(&format!("/channels/{channel}")).await?;
        let kind = kind_of(channel, &v)?;
        self.kinds.lock().expect("kinds lock").insert(channel, kind.clone());
        Ok(kind)
    }

    /// The bot's user id.
    pub async fn me(&self) -> Result<Snowflake, RestError> {
        if let Some(id) = *self.me.lock().expect("me lock") {
            return Ok(id);
        }
        let v: Value = self.rest.get("/users/@me").await?;
        let id = snowflake(&v["id"])
            .ok_or_else(|| RestError::Decode { route: "GET/users/@me".into(), message: "no id".into() })?;
        *self.me.lock().expect("me lock") = Some(id);
        Ok(id)
    }
}

/// A snowflake from Discord's JSON, where ids are strings.
pub fn snowflake(v: &Value) -> Option<Snowflake> {
    v.as_str().and_then(Snowflake::parse)
}

pub fn kind_of(channel: Snowflake, v: &Value) -> Result<ChannelKind, KindError> {
    let guild = snowflake(&v["guild_id"]);
    let unsupported = |what| Err(KindError::Unsupported { channel, what });
    match v["type"].as_u64() {
        Some(0 | 5) => Ok(ChannelKind::Text { guild }),
        Some(10..=12) => Ok(ChannelKind::Thread { guild }),
        Some(15 | 16) => Ok(ChannelKind::Forum {
            guild,
            tags: v["available_tags"]
                .as_array()
                .map(|tags| {
                    tags.iter()
                        .filter_map(|t| {
                            Some(ForumTag {
                                id: snowflake(&t["id"])?,
                                name: t["name"].as_str()?.to_string(),
                                moderated: t["moderated"].as_bool().unwrap_or(false),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            require_tag: v["flags"].as_u64().unwrap_or(0) & REQUIRE_TAG != 0,
        }),
        Some(1 | 3) => unsupported("direct message"),
        Some(2 | 13) => unsupported("voice channel"),
        Some(4) => unsupported("category"),
        _ => unsupported("channel type the bot does not post to"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forums_bring_their_tags_and_whether_one_is_required() {
        let v = json!({"id":"7","type":15,"guild_id":"1","flags":16,
            "available_tags":[{"id":"11","name":"Confirmed","moderated":false},{"id":"12","name":"Mods","moderated":true}]});
        let ChannelKind::Forum { tags, require_tag, .. } = kind_of(Snowflake(7), &v).unwrap() else { panic!() };
        assert!(require_tag);
        assert_eq!(tags.len(), 2);
        assert!(tags[1].moderated);
    }

    #[test]
    fn a_voice_channel_is_refused_with_what_to_use_instead() {
        let err = kind_of(Snowflake(7), &json!({"id":"7","type":2})).unwrap_err().to_string();
        assert!(err.contains("voice channel") && err.contains("forum"), "{err}");
    }
}
