//! What users see, without a screenshot: the bundled demo stories run through the bot's own pipeline
//! into a Slack channel on the fake Slack, and every Block Kit message the bot sent is checked for its
//! structure: a header, the sourced part, the speculative part, each claim with its reasons and a
//! source, links only of our making, replies in the story's thread, edits in place.

mod support;

use layoffwatch::delivery::Platform;
use serde_json::Value;
use support::fake_slack::FakeSlack;

fn texts(blocks: &Value) -> Vec<String> {
    blocks.as_array().unwrap().iter().filter_map(|b| b["text"]["text"].as_str().map(String::from)).collect()
}

/// The lines of the section whose first line starts with `title`.
fn part(blocks: &Value, title: &str) -> Option<Vec<String>> {
    texts(blocks).into_iter().find(|t| t.starts_with(title)).map(|t| t.lines().skip(1).map(String::from).collect())
}

/// Every `<…|…>` link in mrkdwn has an http(s) target.
fn links_are_ours(text: &str) {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        assert!(rest.starts_with("http://") || rest.starts_with("https://"), "a non-link <…> in {text}");
    }
}

#[tokio::test]
async fn every_demo_story_renders_as_header_summary_sourced_speculative_and_context() {
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
        assert_eq!(kinds[0], "header", "{kinds:?}");
        assert!(kinds.len() <= 50);
        let header = blocks[0]["text"]["text"].as_str().unwrap();
        assert!(!header.is_empty() && header.chars().count() <= 150);
        assert!(!p.text.is_empty(), "a notification fallback");

        let sourced = part(&story, "*:white_check_mark: Sourced*").expect("a sourced part");
        let speculative = part(&story, "*:grey_question: Speculative*").expect("a speculative part");
        for line in sourced.iter().chain(&speculative).filter(|l| *l != "_none_") {
            assert!(line.starts_with("• "), "{line}");
            assert!(line.contains(" — _"), "each claim shows its reasons: {line}");
            assert!(
                line.contains("<http") || line.contains("no source named") || line.contains(" · "),
                "each claim names its source: {line}"
            );
        }
        assert!(sourced.iter().any(|l| l.contains("<http")), "sourced claims link their source: {sourced:?}");
        let last = story.as_array().unwrap().last().unwrap().clone();
        let context = last["elements"][0]["text"].as_str().unwrap();
        assert!(context.contains("Outlets:") && context.contains("First seen"), "{context}");
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
        assert!(e.blocks.to_string().contains("Updated (revision"), "an edited post says so");
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}
