//! Posts a person takes in at a glance (issue 12), asserted on the payloads each platform is sent:
//! the demo stories and a story retold by twenty outlets (with a revised figure and one sentence
//! addressed to an AI) as Slack Block Kit, Discord embeds, webhooks and the console; and a 20-message
//! rumour thread, Slack-shaped and Discord-shaped, as each bot's summary.

use layoffwatch::adapters::console::Console;
use layoffwatch::adapters::webhook::render;
use layoffwatch::core::message::{StoryPost, StoryUpdate};
use layoffwatch::core::model::{Document, Thread};
use layoffwatch::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use layoffwatch::summaries::Offline;
use layoffwatch::tools::preview::{self, Platform, story_payloads, summary_payloads, visible_text, visible_words};
use std::sync::{Arc, Mutex};

const PLATFORMS: [Platform; 2] = [Platform::Slack, Platform::Discord];
/// Words the labeller uses internally; a reader never sees them.
const REASON_CODES: &[&str] =
    &["weasel", "anonymous-sources", "unverified-social", "unsourced", "conditional", "speculative", "revision "];

/// Every first post and edit the pipeline sends, in order.
#[derive(Default)]
struct Sent(Mutex<Vec<StoryPost>>);

#[async_trait::async_trait]
impl Destination for Sent {
    fn name(&self) -> layoffwatch::delivery::DestinationId {
        layoffwatch::delivery::DestinationId::output("sent")
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }
    async fn post_story(&self, _: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.0.lock().unwrap().push(post.clone());
        Ok(PostRef(post.story_id.to_string()))
    }
    async fn post_update(&self, _: &str, _: Option<&PostRef>, u: &StoryUpdate) -> Result<PostRef, DeliveryError> {
        Ok(PostRef(u.story_id.to_string()))
    }
    async fn edit_story(&self, _: &str, _: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.0.lock().unwrap().push(post.clone());
        Ok(())
    }
}

async fn demo_posts() -> Vec<StoryPost> {
    let sent = Arc::new(Sent::default());
    layoffwatch::tools::demo::run(sent.clone(), Arc::new(Offline)).await.unwrap();
    let posts = sent.0.lock().unwrap().clone();
    assert!(posts.len() >= 6, "the demo makes six stories: {}", posts.len());
    posts
}

async fn twenty_outlets() -> StoryPost {
    let feed = std::fs::read("tests/fixtures/posts/twenty-outlets.xml").unwrap();
    let posts = preview::stories("twenty-outlets.xml", &feed).await.unwrap();
    posts.into_iter().max_by_key(|p| p.outlets.len()).expect("a story")
}

/// The sentences a reader sees, one per line or bullet, lower-cased, without marks.
fn sentences(text: &str) -> Vec<String> {
    text.split(['\n', '•'])
        .map(|s| s.split(" ✅").next().unwrap_or(s).split(" ❔").next().unwrap_or(s).trim().to_lowercase())
        .filter(|s| s.split_whitespace().count() >= 4)
        .collect()
}

/// What every first post must be, on every platform.
fn assert_at_a_glance(post: &StoryPost) {
    for platform in PLATFORMS {
        let payloads = story_payloads(post, platform);
        assert_eq!(payloads.len(), 1, "one message: {payloads:?}");
        let words = visible_words(&payloads[0], platform);
        let text = visible_text(&payloads[0], platform);
        assert!(words <= 120, "{} words on {}:\n{text}", words, platform.name());
        let said = sentences(&text);
        for (i, s) in said.iter().enumerate() {
            assert!(!said[i + 1..].contains(s), "said twice on {}: {s}\n{text}", platform.name());
        }
        for code in REASON_CODES {
            assert!(!text.to_lowercase().contains(code), "{code} shown on {}:\n{text}", platform.name());
        }
        assert!(!text.contains("(Reuters) -") && !text.contains("(AP) -"), "a dateline:\n{text}");
        assert!(!text.contains("(continued)") && !text.contains(post.story_id.as_str()), "{text}");
        assert!(
            text.contains(" sourced") || text.contains("unconfirmed claim") || text.contains("No claims"),
            "{text}"
        );
        for line in text.lines().filter(|l| l.starts_with('•')) {
            let first = line.trim_start_matches(['•', ' ']).chars().next().unwrap();
            assert!(first.is_uppercase() || first.is_ascii_digit() || first == '"', "a fragment: {line}");
            assert!(line.contains('✅') || line.contains('❔'), "a line without its mark: {line}");
        }
    }
    let slack_hook = render::post(post, &render::SLACK, false);
    let discord_hook = render::post(post, &render::DISCORD, false);
    let console = Console::stdout().render_post(post, false);
    // The webhooks and the console show the link's address on its own line: one more "word"; the
    // console also opens with its "■ STORY" tag, which marks the entry in a terminal log: one more.
    for (text, allowed) in [(slack_hook, 121), (discord_hook, 121), (console, 122)] {
        let n = layoffwatch::core::glance::words(&text.replace(['*', '_'], ""));
        assert!(n <= allowed, "{n} words:\n{text}");
    }
}

#[tokio::test]
async fn every_demo_story_is_a_post_read_in_five_seconds_on_every_platform() {
    for post in demo_posts().await {
        assert_at_a_glance(&post);
    }
}

#[tokio::test]
async fn a_story_retold_by_twenty_outlets_shows_the_revised_figure_and_five_outlets() {
    let post = twenty_outlets().await;
    assert_at_a_glance(&post);
    assert!(post.outlets.len() >= 15, "{:?}", post.outlets);
    let glance = layoffwatch::core::glance::Glance::of(&post);
    let facts = glance.facts.clone().unwrap_or_default();
    assert!(facts.contains("1,800 jobs (was about 1,200)"), "{facts}");
    assert!(facts.contains("6%") && facts.contains("AI named by the company"), "{facts}");
    assert!(!glance.headline.contains("1,200"), "the headline follows the revised figure: {}", glance.headline);
    assert!(glance.outlets.contains(&format!("+{} more", post.outlets.len() - 5)), "{}", glance.outlets);
    assert_eq!(glance.state.label(), "confirmed", "the company confirmed it");
    for platform in PLATFORMS {
        let text = visible_text(&story_payloads(&post, platform)[0], platform);
        assert!(text.contains("1,800 jobs (was about 1,200)"), "{text}");
    }
}

#[tokio::test]
async fn a_sentence_addressed_to_an_ai_is_dropped_and_its_article_keeps_its_other_claims() {
    let post = twenty_outlets().await;
    let all: Vec<_> = post.sourced.iter().chain(&post.speculative).collect();
    assert!(all.iter().all(|c| !c.text.contains("AI assistant") && !c.text.contains("cancelled")), "{all:#?}");
    assert!(all.iter().any(|c| c.origin.contains("biznewshub")), "the BizNewsHub article still counts: {all:#?}");
    // Only the injected sentence goes: the one after it in the same paragraph still counts.
    assert!(
        all.iter().any(|c| c.origin.contains("biznewshub") && c.text.contains("dispatch planners")),
        "the sentence after the injection: {all:#?}"
    );
}

#[tokio::test]
async fn the_company_size_is_never_read_as_the_cut() {
    let post = twenty_outlets().await;
    assert!(post.facts.iter().all(|f| f.headcount != Some(30_000)), "{:#?}", post.facts);
}

fn thread(path: &str, permalink: impl Fn(&str) -> String) -> Thread {
    let Document::Thread(mut t) = Document::parse(&std::fs::read(path).unwrap()).unwrap() else {
        panic!("{path} is a thread")
    };
    for m in &mut t.messages {
        m.permalink = m.id.as_deref().map(&permalink);
    }
    t
}

/// Claims drawn from the closing plea of the rumour thread.
fn t_plea(done: &layoffwatch::commands::summarize::ThreadSummary) -> Vec<String> {
    done.summary
        .speculative
        .iter()
        .chain(&done.summary.sourced)
        .filter(|c| c.text.contains("guessing") || c.text.contains("labelled as rumours"))
        .map(|c| c.text.clone())
        .collect()
}

async fn assert_thread_summary(t: Thread, platform: Platform) {
    let injected = t.messages[13].id.clone().unwrap();
    let done = preview::thread(t).await;
    let recap = done.recap();
    assert!(recap.headline.contains("Marrowgate") && recap.headline.contains("900"), "{recap:#?}");
    assert!(recap.headline.contains("Reuters"), "the linked report names the thread: {recap:#?}");
    assert!(recap.headline_url.as_deref().is_some_and(|u| u.contains("reuters.com")), "{recap:#?}");
    assert!(recap.sourced.iter().any(|s| s.source.contains("Reuters")), "{recap:#?}");
    let topics: Vec<(&str, usize)> = recap.topics.iter().map(|t| (t.word.as_str(), t.messages)).collect();
    // Three messages talk about sales, but one only asks ("if sales really is next…, who exactly is
    // going to sell the AI agents?"): a question asserts nothing, so two messages make the rumour.
    assert!(topics.contains(&("sales", 2)), "{topics:?}");
    assert!(topics.contains(&("march", 2)), "{topics:?}");
    assert!(recap.counts.contains("1 message addressed to a bot left out"), "{}", recap.counts);
    // One line per message, each with its best source: message 3 cites a state site and "the notice",
    // and is one line.
    let cited: Vec<&str> = recap.sourced.iter().filter_map(|s| s.link.as_ref()).map(|l| l.label.as_str()).collect();
    for (i, label) in cited.iter().enumerate() {
        assert!(!cited[i + 1..].contains(label), "{label} is on two sourced lines: {recap:#?}");
    }
    // Counts are of messages, as the topics count them: never more than the thread has.
    let counted = |what: &str| -> usize {
        let at = recap.counts.find(what).unwrap_or_else(|| panic!("{what} in {}", recap.counts));
        recap.counts[..at].trim_end().rsplit(' ').next().unwrap().parse().unwrap()
    };
    let unconfirmed = counted(" with unconfirmed claims");
    assert!(unconfirmed <= 20 && counted(" citing a source") <= 20, "{}", recap.counts);
    assert!(recap.topics.iter().all(|t| t.messages <= unconfirmed), "{recap:#?}");
    // A plea ("please keep the rumours labelled…, they don't need us guessing at their severance")
    // is not a claim: the severance rumour is the one Blind post and the note's missing numbers.
    let plea = t_plea(&done);
    assert!(plea.is_empty(), "a plea became a claim: {plea:?}");
    assert!(done.summary.speculative.iter().chain(&done.summary.sourced).all(|c| c.origin != injected));
    for link in
        recap.sourced.iter().filter_map(|s| s.link.as_ref()).chain(recap.topics.iter().filter_map(|t| t.link.as_ref()))
    {
        assert!(link.label.starts_with("msg "), "{link:?}");
        assert!(link.url.is_some(), "links a real message: {link:?}");
    }
    let payloads = summary_payloads(&done, platform);
    assert_eq!(payloads.len(), 1);
    let words = visible_words(&payloads[0], platform);
    let text = visible_text(&payloads[0], platform);
    assert!(words <= 120, "{words} words:\n{text}");
    assert!(!text.contains("cats"), "the injected message is left out: {text}");
    for code in REASON_CODES {
        assert!(!text.to_lowercase().contains(code), "{code} shown:\n{text}");
    }
}

#[tokio::test]
async fn a_slack_rumour_thread_summary_is_shorter_than_the_thread_and_groups_its_rumours() {
    let t = thread("tests/fixtures/posts/rumour-thread.json", |id| {
        format!("https://example.slack.com/archives/C1/p{}", id.replace('.', ""))
    });
    assert_thread_summary(t, Platform::Slack).await;
}

#[tokio::test]
async fn a_discord_rumour_thread_summary_is_shorter_than_the_thread_and_groups_its_rumours() {
    let t = thread("tests/fixtures/posts/rumour-thread-discord.json", |id| {
        format!("https://discord.com/channels/1/2/{id}")
    });
    assert_thread_summary(t, Platform::Discord).await;
}
