//! Story posts through the Slack bot against the fake Slack: one thread per story, replies in it, the
//! first post edited in place, no duplicate after a restart, 429s waited out, bursts paced, and no
//! content able to ping anyone. Every request is checked against Slack's Web API spec.

mod support;

use chrono::{TimeZone, Utc};
use layoffwatch::core::claims::{Source, SourceKind};
use layoffwatch::core::facts::LayoffFact;
use layoffwatch::core::message::{ShownBullet, ShownClaim, StoryPost, StoryUpdate};
use layoffwatch::delivery::{DeliveryError, Platform};
use serde_json::Value;
use std::time::Duration;
use support::fake_slack::FakeSlack;

const CHANNEL: &str = "C0000000001";

fn fact(headcount: u64) -> LayoffFact {
    serde_json::from_value(serde_json::json!({
        "company": "Initech", "headcount": headcount, "headcount_qualifier": "about", "percent": 8.0,
        "date": "2026-05-20", "announced": "2026-05-01", "effective": "2026-05-20", "ai_reason": "company",
        "source": "Example Wire", "item": "https://wire.example/initech-cuts"
    }))
    .unwrap()
}

fn post(headline: &str, revision: u32, headcount: u64) -> StoryPost {
    StoryPost {
        story_id: "story-1".into(),
        revision,
        headline: headline.into(),
        url: Some("https://wire.example/initech-cuts".into()),
        bullets: vec![ShownBullet {
            text: format!("Initech will cut about {headcount} jobs."),
            cites: vec!["https://wire.example/initech-cuts".into()],
            speculative: false,
        }],
        facts: vec![fact(headcount)],
        sourced: vec![ShownClaim {
            text: format!("Initech will cut about {headcount} jobs, the company said."),
            reasons: vec!["official".into()],
            source: Some(Source { name: "Initech".into(), kind: SourceKind::Official, url: None }),
            origin: "https://wire.example/initech-cuts".into(),
            hedges: vec![],
        }],
        speculative: vec![ShownClaim {
            text: "The cuts are expected to hit support hardest.".into(),
            reasons: vec!["prediction".into(), "weasel".into()],
            source: None,
            origin: "https://wire.example/initech-cuts".into(),
            hedges: vec![],
        }],
        outlets: vec!["Example Wire".into()],
        first_seen: Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap(),
    }
}

fn update() -> StoryUpdate {
    StoryUpdate {
        story_id: "story-1".into(),
        revision: 2,
        outlet: "Daily Example".into(),
        title: "Initech layoffs widen".into(),
        url: Some("https://daily.example/initech".into()),
        new_sourced: vec![],
        new_speculative: vec![],
        revision_note: Some("Headcount revised: 1,200 → 1,800".into()),
    }
}

fn block_types(blocks: &Value) -> Vec<String> {
    blocks.as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap().to_string()).collect()
}

fn all_text(blocks: &Value) -> String {
    blocks.to_string()
}

#[tokio::test]
async fn a_story_starts_a_thread_gets_replies_and_is_edited_in_place() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    let dest = bot.channel(CHANNEL);
    assert_eq!(dest.name().to_string(), format!("slack:{CHANNEL}"));
    assert!(dest.capabilities().threads && dest.capabilities().edits);

    let first =
        dest.post_story("story-1/slack:C0000000001/1/post", &post("Initech to cut 1,200 jobs", 1, 1200)).await.unwrap();
    let reply = dest.post_update("story-1/slack:C0000000001/2/update", Some(&first), &update()).await.unwrap();
    dest.edit_story("story-1/slack:C0000000001/3/edit", &first, &post("Initech to cut 1,800 jobs", 3, 1800))
        .await
        .unwrap();

    let messages = fake.bot_messages();
    assert_eq!(messages.len(), 2, "one story post and one reply: {messages:?}");
    let parent = messages.iter().find(|m| m.ts == first.0).unwrap();
    let child = messages.iter().find(|m| m.ts == reply.0).unwrap();
    assert_eq!(parent.thread_ts, None);
    assert_eq!(child.thread_ts.as_deref(), Some(first.0.as_str()), "later coverage is a reply in the story's thread");
    assert!(all_text(&child.blocks).contains("Also reported by Daily Example"));

    assert_eq!(parent.edits, 1, "the facts changed, so the first post was updated");
    assert_eq!(block_types(&parent.blocks)[0], "section", "the linked headline opens the post");
    let edited = all_text(&parent.blocks);
    assert!(edited.contains("1,800 jobs") && !edited.contains("1,200 jobs"), "{edited}");
    assert!(edited.contains("· updated") && !edited.contains("revision"), "{edited}");

    for r in fake.requests("chat.postMessage") {
        assert_eq!(r.params["unfurl_links"], Value::Bool(false));
        assert_eq!(r.params["unfurl_media"], Value::Bool(false));
        assert_eq!(r.params["metadata"]["event_type"], "layoffwatch_delivery");
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_delivery_retried_after_a_restart_is_recognised_not_posted_again() {
    let fake = FakeSlack::start().await;
    let key = "story-1/slack:C0000000001/1/post";
    let first = support::bot(&fake, support::store().await, &[]).await;
    let posted = first.channel(CHANNEL).post_story(key, &post("Initech to cut 1,200 jobs", 1, 1200)).await.unwrap();

    // A new process (the old one crashed before the outbox recorded the post) retries the delivery.
    let restarted = support::bot(&fake, support::store().await, &[]).await;
    let again = restarted.channel(CHANNEL).post_story(key, &post("Initech to cut 1,200 jobs", 1, 1200)).await.unwrap();

    assert_eq!(again, posted, "the retry answers with the message already there");
    assert_eq!(fake.bot_messages().len(), 1);
    assert!(!fake.requests("conversations.history").is_empty(), "the restarted bot read the channel back");
    let other = restarted.channel(CHANNEL).post_story("story-2/slack:C0000000001/1/post", &post("Other", 1, 10)).await;
    assert!(other.is_ok());
    assert_eq!(fake.bot_messages().len(), 2, "a different key is posted");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// Regression (issue 13): the thread read-back never asked for metadata, so after a restart every
/// reply was posted again. The fake, like Slack, returns metadata only when asked.
#[tokio::test]
async fn a_thread_reply_retried_after_a_restart_is_recognised_not_posted_again() {
    let fake = FakeSlack::start().await;
    let key = "story-1/slack:C0000000001/2/update";
    let first = support::bot(&fake, support::store().await, &[]).await;
    let story = first.channel(CHANNEL).post_story("story-1/slack:C0000000001/1/post", &post("Initech", 1, 1200)).await;
    let story = story.unwrap();
    let reply = first.channel(CHANNEL).post_update(key, Some(&story), &update()).await.unwrap();

    let restarted = support::bot(&fake, support::store().await, &[]).await;
    let again = restarted.channel(CHANNEL).post_update(key, Some(&story), &update()).await.unwrap();

    assert_eq!(again, reply, "the retry answers with the reply already in the thread");
    assert_eq!(fake.bot_messages().len(), 2, "{:?}", fake.bot_messages());
    let reads = fake.requests("conversations.replies");
    assert!(!reads.is_empty(), "the restarted bot read the thread back");
    for r in reads {
        assert_eq!(r.params["include_all_metadata"], "true", "{:?}", r.params);
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// Regression: two instances sharing a database. One posted the story (so it knew the thread as its
/// own), the other posted a reply and died before recording it; when the first took the reply over it
/// trusted its memory of the thread and posted the reply a second time.
#[tokio::test]
async fn a_reply_another_instance_posted_unrecorded_is_found_not_posted_again() {
    let fake = FakeSlack::start().await;
    let key = "story-1/slack:C0000000001/2/update";
    let a = support::bot(&fake, support::store().await, &[]).await;
    let b = support::bot(&fake, support::store().await, &[]).await;
    let story = a.channel(CHANNEL).post_story("story-1/slack:C0000000001/1/post", &post("Initech", 1, 1200)).await;
    let story = story.unwrap();
    let reply = b.channel(CHANNEL).post_update(key, Some(&story), &update()).await.unwrap();

    // The outbox hands the reply to `a`, saying an earlier claim on it lapsed.
    let channel = a.channel(CHANNEL);
    channel.may_be_posted(key);
    let again = channel.post_update(key, Some(&story), &update()).await.unwrap();

    assert_eq!(again, reply, "the take-over answers with the reply already in the thread");
    assert_eq!(fake.bot_messages().len(), 2, "{:?}", fake.bot_messages());
    // Once settled, the next reply into the thread needs no second look.
    let reads = fake.requests("conversations.replies").len();
    channel.post_update("story-1/slack:C0000000001/3/update", Some(&story), &update()).await.unwrap();
    assert_eq!(fake.requests("conversations.replies").len(), reads);
    assert_eq!(fake.bot_messages().len(), 3);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_429_is_waited_out_and_then_the_post_succeeds() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    fake.rate_limit("chat.postMessage", 1, 1);
    let posted = bot.channel(CHANNEL).post_story("k/1/post", &post("Initech to cut 1,200 jobs", 1, 1200)).await;
    assert!(posted.is_ok(), "{posted:?}");
    let calls = fake.requests("chat.postMessage");
    assert_eq!(calls.len(), 2, "one 429, then the retry");
    assert!(calls[1].at - calls[0].at >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(fake.bot_messages().len(), 1);
}

#[tokio::test]
async fn a_long_retry_after_goes_back_to_the_outbox_instead_of_blocking() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    fake.rate_limit("chat.postMessage", 1, 120);
    let err = bot.channel(CHANNEL).post_story("k/1/post", &post("Initech", 1, 1200)).await.unwrap_err();
    assert!(
        matches!(err, DeliveryError::RateLimited { retry_after, .. } if retry_after == Duration::from_secs(120)),
        "{err}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_article_title_with_channel_and_here_posts_no_mention() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    let dest = bot.channel(CHANNEL);
    let mut hostile = post("<!channel> Initech cuts 300 jobs @here <@U0123ABCD>", 1, 300);
    hostile.speculative[0].text = "<!here> everyone look <https://evil.example|totally legit> @channel".into();
    hostile.outlets = vec!["<!everyone> Wire".into()];
    let first = dest.post_story("k/1/post", &hostile).await.unwrap();
    let mut u = update();
    u.title = "@here <!subteam^S123> more cuts".into();
    dest.post_update("k/2/update", Some(&first), &u).await.unwrap();

    let sent = fake.requests("chat.postMessage");
    assert_eq!(sent.len(), 2);
    for r in sent {
        let body = serde_json::to_string(&r.params).unwrap();
        for mention in [
            "<!channel>",
            "<!here>",
            "<!everyone>",
            "<!subteam",
            "@here",
            "@channel",
            "<@U0123ABCD>",
            "<https://evil.example",
        ] {
            assert!(!body.contains(mention), "{mention} reached Slack: {body}");
        }
        assert_ne!(r.params.get("link_names"), Some(&Value::Bool(true)));
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_burst_of_fifty_stories_to_one_channel_is_paced_not_dropped() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    fake.rate_limit("chat.postMessage", 1, 1);
    let dest = bot.channel(CHANNEL);
    let posts: Vec<StoryPost> = (0..50).map(|i| post(&format!("Story {i}"), 1, 100 + i)).collect();
    let results = futures_util::future::join_all(posts.iter().enumerate().map(|(i, p)| {
        let dest = dest.clone();
        async move { dest.post_story(&format!("s{i}/slack:{CHANNEL}/1/post"), p).await }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let messages = fake.bot_messages();
    assert_eq!(messages.len(), 50, "every story was posted, once");
    let calls = fake.requests("chat.postMessage");
    assert_eq!(calls.len(), 51, "fifty posts and the one answered 429");
    // Paced: the calls were spread out at the channel's interval, not sent at once.
    let span = calls.last().unwrap().at - calls.first().unwrap().at;
    let paced = support::TEST_PACING.post_per_channel * 49;
    assert!(span >= paced.mul_f64(0.9), "50 posts within {span:?}, expected at least {paced:?}");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[test]
fn the_spec_check_catches_unknown_mistyped_and_missing_parameters() {
    let spec = support::spec::WebSpec::load();
    let ok: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
        "channel": "C1", "text": "hi", "blocks": [], "unfurl_links": false, "metadata": {"event_type": "x"}
    }))
    .unwrap();
    assert_eq!(spec.check("chat.postMessage", &ok, true), Ok(()));
    let mut unknown = ok.clone();
    unknown.insert("allowed_mentions".into(), Value::Bool(true));
    assert!(spec.check("chat.postMessage", &unknown, true).is_err());
    let mut mistyped = ok.clone();
    mistyped.insert("unfurl_links".into(), Value::from(3));
    assert!(spec.check("chat.postMessage", &mistyped, true).is_err());
    let mut missing = ok;
    missing.remove("channel");
    assert!(spec.check("chat.postMessage", &missing, true).is_err());
    assert!(spec.check("chat.postMessagez", &serde_json::Map::new(), true).is_err());
}

#[tokio::test]
async fn a_digest_is_one_top_level_message_listing_each_story() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    let digest = layoffwatch::core::message::DigestPost {
        from: Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 5, 2, 0, 0, 0).unwrap(),
        stories: vec![post("Initech to cut 1,200 jobs", 1, 1200), post("Globex trims <!here> recruiting", 1, 80)],
    };
    let posted = bot.channel(CHANNEL).post_digest("digest/slack:C0000000001/2026-05-02", &digest).await.unwrap();
    let messages = fake.bot_messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].ts, posted.0);
    assert_eq!(messages[0].thread_ts, None);
    let blocks = messages[0].blocks.to_string();
    assert!(blocks.contains("Layoff digest") && blocks.contains("Initech to cut 1,200 jobs"), "{blocks}");
    assert!(blocks.contains("Globex trims") && !blocks.contains("<!here>"), "{blocks}");
    assert_eq!(fake.violations(), Vec::<String>::new());
}
