//! Sending one outbound message to one destination, degrading where the destination lacks a feature:
//! without edits, a revision becomes a correction posted in the story's thread.

use crate::core::message::{Outbound, StoryUpdate};
use crate::delivery::{DeliveryError, Destination, PostRef};

/// Sends `msg`; `thread` is the story's first post on this destination, if it was posted. Returns the
/// reference of what was posted.
pub async fn send(
    dest: &dyn Destination,
    key: &str,
    msg: &Outbound,
    thread: Option<&PostRef>,
) -> Result<PostRef, DeliveryError> {
    match msg {
        Outbound::Post(post) => dest.post_story(key, post).await,
        Outbound::Update(update) => dest.post_update(key, thread, update).await,
        Outbound::Digest(digest) => dest.post_digest(key, digest).await,
        Outbound::Edit(post) => match thread {
            Some(first) if dest.capabilities().edits => {
                dest.edit_story(key, first, post).await?;
                Ok(first.clone())
            }
            _ => {
                let correction = StoryUpdate {
                    story_id: post.story_id.clone(),
                    revision: post.revision,
                    outlet: "layoffwatch".into(),
                    title: format!("Correction: {}", post.headline),
                    url: post.url.clone(),
                    new_sourced: post.sourced.iter().take(3).cloned().collect(),
                    new_speculative: Vec::new(),
                    revision_note: Some("The story's facts changed; this replaces the figures above.".into()),
                };
                dest.post_update(key, thread, &correction).await
            }
        },
    }
}
