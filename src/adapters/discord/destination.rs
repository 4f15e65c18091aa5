//! One Discord channel as a [`Destination`]: a story becomes an embed post with its own thread (a
//! thread started on the message in a text channel, a tagged post in a forum), later coverage goes
//! into that thread, and the first post is edited in place when the facts change.
//!
//! Nothing is posted twice: messages carry a nonce derived from the delivery key with
//! `enforce_nonce`, so a retry returns the message Discord already has; past the few minutes Discord
//! keeps a nonce, the place's recent bot messages are compared by content hash first
//! ([`super::recall`]); starting a thread that exists
//! is recognised (code 160004); and a forum post, which takes no nonce, is first looked for among the
//! forum's active posts: a story's by its name and headline link, a digest's by its name, which
//! holds the end of its period.

use super::channels::{Api, ChannelKind, ForumTag, KindError, snowflake};
use super::embeds::{self, MessageBody, StoryState, safe_url, thread_name};
use super::rest::RestError;
use super::settings::Snowflake;
use crate::core::message::{DigestPost, StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

/// "A thread has already been created for this message."
const THREAD_ALREADY_EXISTS: u64 = 160_004;
/// Threads stay open for a week without activity, the longest Discord allows everywhere.
const AUTO_ARCHIVE_MINUTES: u32 = 10_080;
/// Forum posts take at most five tags.
const MAX_TAGS: usize = 5;

pub struct DiscordChannel {
    pub(crate) channel: Snowflake,
    pub(crate) api: Arc<Api>,
}

impl DiscordChannel {
    pub fn new(channel: Snowflake, api: Arc<Api>) -> Self {
        Self { channel, api }
    }

    fn name_of(&self) -> String {
        format!("discord:{}", self.channel)
    }

    fn fail(&self, e: RestError) -> DeliveryError {
        delivery_error(&self.name_of(), e)
    }

    async fn kind(&self) -> Result<ChannelKind, DeliveryError> {
        self.api.kind(self.channel).await.map_err(|e| match e {
            KindError::Rest(r) => self.fail(r),
            unsupported => DeliveryError::Rejected { destination: self.name_of(), message: unsupported.to_string() },
        })
    }

    /// Sends each piece into `channel` with its nonce, skipping pieces the channel already holds
    /// (see [`super::recall`]); returns the first message's id.
    async fn send_all(
        &self,
        channel: Snowflake,
        key: &str,
        pieces: &[MessageBody],
        first_piece: usize,
    ) -> Result<Option<String>, DeliveryError> {
        let mut first = None;
        if self.api.recall.is_unsure(key) {
            // Another instance may have posted here since this process last looked.
            self.api.recall.forget(channel);
        }
        for (i, piece) in pieces.iter().enumerate() {
            self.read_back(channel).await?;
            let body = piece.create_json(key, first_piece + i);
            let n = first_piece + i;
            let id = match self.api.recall.find(channel, key, n, &body) {
                Some(id) => {
                    tracing::info!(destination = %self.name_of(), key, piece = n, "Already posted; not posting again.");
                    id
                }
                None => {
                    let m: Value = match self.api.rest.post(&format!("/channels/{channel}/messages"), &body).await {
                        Ok(m) => m,
                        Err(e) => {
                            if matches!(e, RestError::Transport { .. }) {
                                self.api.recall.forget(channel);
                            }
                            return Err(self.fail(e));
                        }
                    };
                    let id = m["id"].as_str().unwrap_or_default().to_string();
                    self.api.recall.remember(key, n, &id);
                    id
                }
            };
            first.get_or_insert(id);
        }
        Ok(first)
    }

    /// Reads `place` back once (its newest messages), unless this process already knows what is there.
    async fn read_back(&self, place: Snowflake) -> Result<(), DeliveryError> {
        if self.api.recall.is_scanned(place) {
            return Ok(());
        }
        let me = self.api.me().await.map_err(|e| self.fail(e))?;
        let messages: Vec<Value> = self
            .api
            .rest
            .get(&format!("/channels/{place}/messages?limit={}", super::recall::READ_BACK))
            .await
            .map_err(|e| self.fail(e))?;
        self.api.recall.scanned(place, &messages, me);
        Ok(())
    }

    async fn post_in_text(&self, key: &str, name: &str, pieces: &[MessageBody]) -> Result<PostRef, DeliveryError> {
        let first = self.send_all(self.channel, key, &pieces[..1], 0).await?.unwrap_or_default();
        let started = self
            .api
            .rest
            .post::<Value>(
                &format!("/channels/{}/messages/{first}/threads", self.channel),
                &json!({ "name": name, "auto_archive_duration": AUTO_ARCHIVE_MINUTES }),
            )
            .await;
        // A thread started on a message has the message's id.
        let thread = Snowflake::parse(&first);
        match started {
            // A thread this process just started holds only what it posts: nothing to read back.
            Ok(_) => thread.into_iter().for_each(|t| self.api.recall.fresh(t)),
            Err(e) if e.code() == Some(THREAD_ALREADY_EXISTS) => {}
            Err(e) => return Err(self.fail(e)),
        }
        if let Some(thread) = thread {
            self.send_all(thread, key, &pieces[1..], 1).await?;
        }
        Ok(PostRef(first))
    }

    /// A forum post (a story's, found again by `post_tag`, the link its first embed carries, or a
    /// digest's, found again by its name): looked for first, because a forum post takes no nonce.
    async fn post_in_forum(
        &self,
        key: &str,
        name: &str,
        post_tag: Option<&str>,
        wanted: &[String],
        forum: Forum<'_>,
        pieces: &[MessageBody],
    ) -> Result<PostRef, DeliveryError> {
        if let Some(existing) = self.find_forum_post(forum.guild, name, post_tag).await? {
            return Ok(PostRef(existing));
        }
        let applied = choose_tags(forum.tags, forum.require_tag, wanted);
        let thread: Value = self
            .api
            .rest
            .post(
                &format!("/channels/{}/threads", self.channel),
                &json!({
                    "name": name,
                    "auto_archive_duration": AUTO_ARCHIVE_MINUTES,
                    "applied_tags": applied,
                    "message": pieces[0].json(),
                }),
            )
            .await
            .map_err(|e| self.fail(e))?;
        let id = thread["id"].as_str().unwrap_or_default().to_string();
        if let Some(t) = Snowflake::parse(&id) {
            // The post's first message was sent with the thread; the rest follow it.
            self.api.recall.remember(key, 0, &id);
            self.api.recall.fresh(t);
            self.send_all(t, key, &pieces[1..], 1).await?;
        }
        Ok(PostRef(id))
    }

    /// A post of ours in this forum with this name (and, for a story, whose first message carries
    /// `post_tag`, its headline's link): the result of an earlier attempt whose answer was lost. A digest's name holds the
    /// end of its period, so the name alone identifies it.
    async fn find_forum_post(
        &self,
        guild: Option<Snowflake>,
        name: &str,
        post_tag: Option<&str>,
    ) -> Result<Option<String>, DeliveryError> {
        let Some(guild) = guild else { return Ok(None) };
        let me = self.api.me().await.map_err(|e| self.fail(e))?;
        let active: Value =
            self.api.rest.get(&format!("/guilds/{guild}/threads/active")).await.map_err(|e| self.fail(e))?;
        let candidates = active["threads"].as_array().cloned().unwrap_or_default().into_iter().filter(|t| {
            snowflake(&t["parent_id"]) == Some(self.channel)
                && snowflake(&t["owner_id"]) == Some(me)
                && t["name"].as_str() == Some(name)
        });
        for t in candidates {
            let Some(id) = snowflake(&t["id"]) else { continue };
            let Some(post_tag) = post_tag else { return Ok(Some(id.to_string())) };
            let starter: Value = match self.api.rest.get(&format!("/channels/{id}/messages/{id}")).await {
                Ok(m) => m,
                Err(e) if e.status() == Some(404) => continue,
                Err(e) => return Err(self.fail(e)),
            };
            if starter["embeds"][0]["url"].as_str() == Some(post_tag) {
                return Ok(Some(id.to_string()));
            }
        }
        Ok(None)
    }

    /// The channel a story's thread lives in.
    fn thread_channel(&self, kind: &ChannelKind, thread: Option<&PostRef>) -> Snowflake {
        match (kind, thread.and_then(|t| Snowflake::parse(&t.0))) {
            (ChannelKind::Thread { .. }, _) | (_, None) => self.channel,
            (_, Some(t)) => t,
        }
    }
}

/// What a forum post needs to know about its forum.
struct Forum<'a> {
    guild: Option<Snowflake>,
    tags: &'a [ForumTag],
    require_tag: bool,
}

/// Tags whose names match the story's state, companies or topic; a forum that requires a tag gets
/// its first open tag when nothing matches.
pub fn choose_tags(tags: &[ForumTag], require_tag: bool, wanted: &[String]) -> Vec<String> {
    let open: Vec<&ForumTag> = tags.iter().filter(|t| !t.moderated).collect();
    let mut chosen: Vec<String> = open
        .iter()
        .filter(|t| wanted.iter().any(|w| w.eq_ignore_ascii_case(t.name.trim())))
        .map(|t| t.id.to_string())
        .take(MAX_TAGS)
        .collect();
    if chosen.is_empty()
        && require_tag
        && let Some(t) = open.first()
    {
        chosen.push(t.id.to_string());
    }
    chosen
}

fn wanted_tags(post: &StoryPost) -> Vec<String> {
    let mut wanted = vec![StoryState::of(post).label().to_string(), "layoffs".into(), "ai".into()];
    wanted.extend(post.facts.iter().filter_map(|f| f.company.clone()));
    wanted
}

/// Maps a REST failure onto what the outbox does next, with the fix a person can make.
pub fn delivery_error(destination: &str, e: RestError) -> DeliveryError {
    let destination = destination.to_string();
    match e {
        RestError::RateLimited { retry_after, .. } => DeliveryError::RateLimited { destination, retry_after },
        RestError::Transport { message, .. } => DeliveryError::Transient { destination, message },
        RestError::Status { status, message, .. } if status >= 500 => {
            DeliveryError::Transient { destination, message: format!("HTTP {status}: {message}") }
        }
        RestError::Status { status: 401, .. } => DeliveryError::Rejected {
            destination,
            message: "Discord refused the bot token; reset it in the Developer Portal and update DISCORD_TOKEN".into(),
        },
        RestError::Status { status: 403, code, message, .. } => DeliveryError::Rejected {
            destination,
            message: format!(
                "missing access ({code}: {message}); give the bot View Channel, Send Messages, Embed Links and Create Public Threads / Send Messages in Threads there"
            ),
        },
        RestError::Status { status: 404, .. } => DeliveryError::Rejected {
            destination,
            message: "the channel or message no longer exists; /layoffs unsubscribe it or subscribe another channel"
                .into(),
        },
        other @ (RestError::Status { .. } | RestError::Decode { .. }) => {
            DeliveryError::Rejected { destination, message: other.to_string() }
        }
    }
}

#[async_trait]
impl Destination for DiscordChannel {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::channel("discord", self.channel.to_string())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    fn may_be_posted(&self, key: &str) {
        self.api.recall.unsure(key);
    }

    async fn post_story(&self, key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        let pieces = embeds::story(post, false);
        let name = thread_name(&post.headline);
        let posted = match self.kind().await? {
            ChannelKind::Text { .. } => self.post_in_text(key, &name, &pieces).await,
            ChannelKind::Forum { guild, tags, require_tag } => {
                let forum = Forum { guild, tags: &tags, require_tag };
                let link = post.url.as_deref().and_then(safe_url);
                self.post_in_forum(key, &name, link.as_deref(), &wanted_tags(post), forum, &pieces).await
            }
            ChannelKind::Thread { .. } => {
                Ok(PostRef(self.send_all(self.channel, key, &pieces, 0).await?.unwrap_or_default()))
            }
        }?;
        self.api.recall.settled(key);
        Ok(posted)
    }

    async fn post_update(
        &self,
        key: &str,
        thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        let kind = self.kind().await?;
        let target = self.thread_channel(&kind, thread);
        let first = self.send_all(target, key, &embeds::update(update), 0).await?;
        self.api.recall.settled(key);
        Ok(PostRef(first.unwrap_or_default()))
    }

    async fn edit_story(&self, key: &str, first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        let pieces = embeds::story(post, true);
        let kind = self.kind().await?;
        let Some(message) = Snowflake::parse(&first.0) else {
            return Err(DeliveryError::Rejected {
                destination: self.name_of(),
                message: format!("{:?} is not a message id", first.0),
            });
        };
        // A forum post's first message lives in the post's thread and shares its id.
        let channel = match kind {
            ChannelKind::Forum { .. } => message,
            _ => self.channel,
        };
        let mut body = pieces[0].json();
        body["content"] = Value::Null;
        self.api
            .rest
            .patch::<Value>(&format!("/channels/{channel}/messages/{message}"), &body)
            .await
            .map_err(|e| self.fail(e))?;
        let thread = self.thread_channel(&kind, Some(first));
        self.send_all(thread, key, &pieces[1..], 1).await?;
        Ok(())
    }

    async fn post_digest(&self, key: &str, digest: &DigestPost) -> Result<PostRef, DeliveryError> {
        let pieces = embeds::digest(digest);
        let posted = match self.kind().await? {
            ChannelKind::Forum { guild, tags, require_tag } => {
                let name = thread_name(&format!("layoffwatch digest {}", digest.to.format("%Y-%m-%d %H:%M")));
                let forum = Forum { guild, tags: &tags, require_tag };
                self.post_in_forum(key, &name, None, &["digest".into()], forum, &pieces).await
            }
            _ => Ok(PostRef(self.send_all(self.channel, key, &pieces, 0).await?.unwrap_or_default())),
        }?;
        self.api.recall.settled(key);
        Ok(posted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(id: u64, name: &str, moderated: bool) -> ForumTag {
        ForumTag { id: Snowflake(id), name: name.into(), moderated }
    }

    #[test]
    fn tags_follow_the_story_and_skip_moderated_ones() {
        let tags = [tag(1, "Confirmed", false), tag(2, "Initech", true), tag(3, "layoffs", false)];
        let wanted = vec!["confirmed".to_string(), "Initech".into(), "layoffs".into()];
        assert_eq!(choose_tags(&tags, false, &wanted), vec!["1", "3"]);
    }

    #[test]
    fn a_forum_that_requires_a_tag_gets_one_even_when_none_match() {
        let tags = [tag(9, "Mods only", true), tag(4, "News", false)];
        assert_eq!(choose_tags(&tags, true, &["confirmed".into()]), vec!["4"]);
        assert!(choose_tags(&tags, false, &["confirmed".into()]).is_empty());
    }

    #[test]
    fn a_missing_permission_says_which_permissions_to_grant() {
        let e = delivery_error(
            "discord:1",
            RestError::Status { route: "r".into(), status: 403, code: 50013, message: "Missing Permissions".into() },
        );
        assert!(e.to_string().contains("Send Messages") && !e.is_retryable(), "{e}");
    }
}
