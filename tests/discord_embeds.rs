//! Every embed the Discord bot sends for the demo stories: the bundled sample feeds go through the
//! bot's own pipeline, each story post, update and edit is rendered for Discord, and the structure
//! is checked (title linking the headline, facts line and at most three marked lines, counts and
//! outlets in the footer, colour per state, limits), and each body against Discord's request schema.

mod support;

use async_trait::async_trait;
use layoffwatch::adapters::discord::embeds::{self, MessageBody, StoryState};
use layoffwatch::core::message::{StoryPost, StoryUpdate};
use layoffwatch::delivery::{Capabilities, DeliveryError, Destination, DestinationId, PostRef};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Recorder {
    posts: Mutex<Vec<StoryPost>>,
    updates: Mutex<Vec<StoryUpdate>>,
    edits: Mutex<Vec<StoryPost>>,
}

#[async_trait]
impl Destination for Recorder {
    fn name(&self) -> DestinationId {
        DestinationId::channel("discord", "recorder")
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }
    async fn post_story(&self, _key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.posts.lock().unwrap().push(post.clone());
        Ok(PostRef(format!("{}", 1000 + self.posts.lock().unwrap().len())))
    }
    async fn post_update(&self, _key: &str, _t: Option<&PostRef>, u: &StoryUpdate) -> Result<PostRef, DeliveryError> {
        self.updates.lock().unwrap().push(u.clone());
        Ok(PostRef("1".into()))
    }
    async fn edit_story(&self, _key: &str, _first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.edits.lock().unwrap().push(post.clone());
        Ok(())
    }
}

fn check_limits_and_schema(messages: &[MessageBody]) {
    assert!(!messages.is_empty());
    for (i, m) in messages.iter().enumerate() {
        assert!(m.embeds.len() <= embeds::EMBEDS_LIMIT);
        assert!(m.embed_length() <= embeds::MESSAGE_TOTAL_LIMIT);
        assert!(m.allowed_mentions.parse.is_empty());
        for e in &m.embeds {
            assert!(e.fields.len() <= embeds::FIELDS_LIMIT);
            assert!(e.description.as_deref().map_or(0, embeds::units) <= embeds::DESCRIPTION_LIMIT);
        }
        support::fake_discord::validate("POST", "/channels/1/messages", &m.create_json("demo", i)).unwrap();
    }
}

#[tokio::test]
async fn every_demo_story_renders_as_a_well_formed_embed() {
    let recorder = Arc::new(Recorder::default());
    let report =
        layoffwatch::tools::demo::run(recorder.clone(), Arc::new(layoffwatch::summaries::Offline)).await.unwrap();
    let posts = recorder.posts.lock().unwrap().clone();
    assert_eq!(posts.len(), report.posts);
    assert!(posts.len() >= 3, "the demo has several stories");
    for post in &posts {
        let messages = embeds::story(post, false);
        check_limits_and_schema(&messages);
        let main = &messages[0].embeds[0];
        assert!(!main.title.as_deref().unwrap().is_empty());
        assert_eq!(
            main.url.as_deref(),
            post.url.as_deref().and_then(embeds::safe_url).as_deref(),
            "the title links the first report"
        );
        assert_eq!(main.color, StoryState::of(post).color());
        let footer = &main.footer.as_ref().unwrap().text;
        assert!(
            footer.contains(&post.outlets[0]) && !footer.contains("first seen"),
            "time once, as the timestamp: {footer}"
        );
        assert!(footer.contains(StoryState::of(post).label()), "the state in words beside the colour: {footer}");
        assert_eq!(
            main.timestamp.as_deref(),
            Some(post.first_seen.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).as_str())
        );
        let description = main.description.as_deref().unwrap_or_default();
        let lines: Vec<&str> = description.lines().filter(|l| l.starts_with("• ")).collect();
        assert!(lines.len() <= 3, "at most three summary lines: {description}");
        for l in &lines {
            assert!(l.contains(" ✅ ") || l.contains(" ❔ *"), "each line carries its mark: {l}");
        }
        let fields: Vec<_> = messages.iter().flat_map(|m| &m.embeds).flat_map(|e| &e.fields).collect();
        assert!(fields.is_empty(), "no claim list in the first post: {fields:?}");
    }
    let updates = recorder.updates.lock().unwrap().clone();
    assert!(!updates.is_empty());
    for u in &updates {
        let messages = embeds::update(u);
        check_limits_and_schema(&messages);
        assert_eq!(messages[0].embeds[0].color, embeds::UPDATE_COLOR);
        assert!(messages[0].embeds[0].title.as_deref().unwrap().starts_with(&u.outlet));
    }
    let edits = recorder.edits.lock().unwrap().clone();
    for e in &edits {
        let messages = embeds::story(e, true);
        check_limits_and_schema(&messages);
        assert!(messages[0].embeds[0].footer.as_ref().unwrap().text.contains("updated"));
    }
    let digest = layoffwatch::core::message::DigestPost {
        from: posts[0].first_seen,
        to: posts[0].first_seen,
        stories: posts.clone(),
    };
    let messages = embeds::digest(&digest);
    check_limits_and_schema(&messages);
    assert_eq!(messages.iter().map(|m| m.embeds.len()).sum::<usize>(), posts.len());
}

#[test]
fn the_fake_refuses_bodies_that_break_discords_schema() {
    let too_long_title = serde_json::json!({"embeds": [{"title": "x".repeat(300)}]});
    assert!(support::fake_discord::validate("POST", "/channels/1/messages", &too_long_title).is_err());
    let long_nonce = serde_json::json!({"content": "hi", "nonce": "n".repeat(30)});
    assert!(support::fake_discord::validate("POST", "/channels/1/messages", &long_nonce).is_err());
    let forum_without_message =
        serde_json::json!({"name": "a post", "applied_tags": ["1"], "message": {"embeds": "no"}});
    assert!(support::fake_discord::validate_component("CreateForumThreadRequest", &forum_without_message).is_err());
}
