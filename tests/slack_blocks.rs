//! What users see, without a screenshot: the bundled demo stories run through the bot's own pipeline
//! into a Slack channel on the fake Slack, and every Block Kit message the bot sent is checked for its
//! structure: the linked headline, at most three lines each with its mark, the state and claim counts,
//! the All claims button (a reference, never text), links only of our making, replies in the story's thread, edits in place.

mod support;

use layoffwatch::delivery::Platform;
use serde_json::Value;
use support::fake_slack::FakeSlack;

fn texts(blocks: &Value) -> Vec<String> {
    blocks.as_array().unwrap().iter().filter_map(|b| b["text"]["text"].as_str().map(String::from)).collect()
}

/// Every `<…|…>` link in mrkdwn has an http(s) target.
fn links_are_ours(text: &str) {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        assert!(rest.starts_with("http://") || rest.starts_with("https://"), "a non-link <…> in {text}");
    }
}

#[tokio::test]
async fn every_demo_story_renders_as_a_linked_headline_marked_lines_and_counts() {
    let fake = FakeSlack::start().await;
    let bot = support::bot(&fake, support::store().await, &[]).await;
    let report =
        layoffwatch::tools::demo::run(bot.channel("C0DEMO0001"), std::sync::Arc::new(layoffwatch::summaries::Offline))
            .await
            .unwrap();
    assert!(report.posts > 0, "the demo has stories");

    let messages = fake.bot_messages();
    let parents: Vec<_> = messages.iter().filter(|m| m.thread_ts.is_none()).collect();
    assert_eq!(parents.len(), report.posts, "one top-level post per story");
    let continued = |b: &Value| b[0]["type"] == "context" && b[0]["elements"][0]["text"] == "_(continued)_";
    for p in &parents {
        // A story longer than one message continues in its thread; users see the two as one.
        let mut all_blocks = p.blocks.as_array().unwrap().clone();
        for c in messages.iter().filter(|m| m.thread_ts.as_ref() == Some(&p.ts) && continued(&m.blocks)) {
            all_blocks.extend(c.blocks.as_array().unwrap().iter().cloned());
        }
        let story = Value::Array(all_blocks);
        let blocks = &p.blocks;
        let kinds: Vec<&str> = blocks.as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap()).collect();
        assert_eq!(kinds[0], "section", "the headline, linked: {kinds:?}");
        assert!(kinds.len() <= 50);
        let headline = blocks[0]["text"]["text"].as_str().unwrap();
        assert!(headline.starts_with("*<http") && headline.ends_with(">*"), "{headline}");
        assert!(!p.text.is_empty(), "a notification fallback");

        let lines: Vec<String> =
            texts(&story).iter().flat_map(|t| t.lines().map(String::from).collect::<Vec<_>>()).collect();
        let bullets: Vec<&String> = lines.iter().filter(|l| l.starts_with("• ")).collect();
        assert!(!bullets.is_empty() && bullets.len() <= 3, "one to three summary lines: {bullets:?}");
        for line in &bullets {
            assert!(line.contains(" ✅ ") || line.contains(" ❔ _"), "each line carries its mark: {line}");
        }
        let last = story.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["type"], "actions", "the All claims button closes the post: {last}");
        let button = &last["elements"][0];
        assert_eq!(button["action_id"], "layoffwatch_claims");
        assert!(button["value"].as_str().unwrap().starts_with("story:s-"), "a reference, never text: {button}");
        let counts = story.as_array().unwrap().iter().rev().find(|b| b["type"] == "context").unwrap().clone();
        let context = counts["elements"][0]["text"].as_str().unwrap();
        assert!(context.contains("sourced") || context.contains("unconfirmed"), "the claim counts: {context}");
        assert!(context.contains("Reported") || context.contains("Confirmed") || context.contains("Unconfirmed"));
        for t in texts(&story) {
            links_are_ours(&t);
        }
    }

    let replies: Vec<_> = messages.iter().filter(|m| m.thread_ts.is_some()).collect();
    assert!(!replies.is_empty() || report.updates == 0);
    for r in &replies {
        assert!(parents.iter().any(|p| Some(&p.ts) == r.thread_ts.as_ref()), "replies go into a story's thread");
        let all = texts(&r.blocks).join("\n");
        assert!(all.contains("Also reported by") || continued(&r.blocks), "{all}");
        links_are_ours(&all);
    }
    let edited: Vec<_> = parents.iter().filter(|p| p.edits > 0).collect();
    assert_eq!(!edited.is_empty(), report.edits > 0, "edits replace the first post");
    for e in edited {
        assert!(e.blocks.to_string().contains("· updated"), "an edited post says so");
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}
