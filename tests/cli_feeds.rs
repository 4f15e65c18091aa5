//! `demo`, `digest` and `check` as the real binary, against the bundled sample feeds and a local feed
//! server.

mod support;

use serde_json::Value;
use std::process::{Command, Output};
use support::feeds::FeedServer;

fn layoffwatch(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_layoffwatch"));
    cmd.args(args).env_remove("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES").env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn demo_feed(name: &str) -> String {
    format!("{}/demo/feeds/{name}", env!("CARGO_MANIFEST_DIR"))
}

const DEMO_FEEDS: &[&str] =
    &["reuters-technology.xml", "techcrunch.xml", "theverge.atom", "geekwire.rdf", "cnbc.json", "yahoo-finance.xml"];

#[test]
fn the_demo_posts_six_stories_with_sourced_and_speculative_claims() {
    let out = layoffwatch(&["demo"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("6 stories posted"), "{text}");
    assert!(text.contains("✅") && text.contains("❔") && text.contains(" sourced"), "marks and counts: {text}");
    assert!(text.contains("↳ update") && text.contains("✎ EDITED STORY"), "updates and an edit for revised numbers");
    assert!(text.contains("Figures revised: 1,800 jobs (was 1,200)"), "{text}");
    assert!(text.contains("also carried by"), "the syndicated copy is recognised as the same article");
    assert!(text.contains("off-topic: no layoff news"));
    assert!(text.contains("Umbrella Corp."), "plain layoff news is kept; its facts say nobody named AI");
    assert!(!text.contains("@everyone") && !text.contains("@here"), "content never pings");
}

#[test]
fn digest_json_folds_the_sample_feeds_into_stories() {
    let feeds: Vec<String> = DEMO_FEEDS.iter().map(|f| demo_feed(f)).collect();
    let mut args = vec!["digest", "--json"];
    args.extend(feeds.iter().map(String::as_str));
    let out = layoffwatch(&args, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stories = json["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 6, "{:#?}", stories.iter().map(|s| &s["headline"]).collect::<Vec<_>>());
    let hooli = stories.iter().find(|s| s["companies"][0] == "Hooli").expect("a Hooli story");
    assert!(hooli["items"].as_array().unwrap().len() >= 4);
    let counts: Vec<u64> = hooli["facts"].as_array().unwrap().iter().filter_map(|f| f["headcount"].as_u64()).collect();
    assert!(counts.contains(&1200) && counts.contains(&1800), "each source keeps its number: {counts:?}");
    for s in stories {
        for key in ["id", "headline", "companies", "facts", "items", "claims", "summary"] {
            assert!(s.get(key).is_some(), "story lacks {key}");
        }
        assert!(s["summary"]["bullets"].as_array().unwrap().len() >= 3);
    }
    let skipped = json["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["reason"].as_str().unwrap().starts_with("off-topic")));
}

/// The `digest --json` of the bundled sample feeds, byte for byte: ids, field order and every value of
/// the output contract. A change meant to alter the output regenerates the file (see the message) and
/// shows the difference in review.
#[test]
fn digest_json_of_the_sample_feeds_is_pinned_byte_for_byte() {
    let feeds: Vec<String> = DEMO_FEEDS.iter().map(|f| demo_feed(f)).collect();
    let mut args = vec!["digest", "--json"];
    args.extend(feeds.iter().map(String::as_str));
    let out = layoffwatch(&args, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pinned = format!("{}/tests/fixtures/digest/demo-feeds.json", env!("CARGO_MANIFEST_DIR"));
    let expected = std::fs::read(&pinned).unwrap();
    if out.stdout != expected {
        let at =
            out.stdout.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(expected.len().min(out.stdout.len()));
        let around = |bytes: &[u8]| {
            String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())]).into_owned()
        };
        panic!(
            "digest --json differs from {pinned} at byte {at}:\n  now:    {}\n  pinned: {}\nIf the change is meant, regenerate it: cargo run -- digest --json {} > tests/fixtures/digest/demo-feeds.json",
            around(&out.stdout),
            around(&expected),
            DEMO_FEEDS.iter().map(|f| format!("demo/feeds/{f}")).collect::<Vec<_>>().join(" ")
        );
    }
}

async fn serve_feed() -> (FeedServer, String) {
    let feeds = FeedServer::start().await;
    feeds.raw("rss", std::fs::read_to_string(demo_feed("reuters-technology.xml")).unwrap());
    let url = feeds.url("rss");
    (feeds, url)
}

#[tokio::test]
async fn digest_fetches_over_http_only_when_private_addresses_are_allowed() {
    let (_feeds, url) = serve_feed().await;
    let u = url.clone();
    let refused = tokio::task::spawn_blocking(move || layoffwatch(&["digest", "--json", &u], &[])).await.unwrap();
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("127.0.0.1") || err.contains("loopback"), "{err}");
    let allowed = tokio::task::spawn_blocking(move || {
        layoffwatch(&["digest", "--json", &url], &[("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")])
    })
    .await
    .unwrap();
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
    let json: Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert!(!json["stories"].as_array().unwrap().is_empty());
}

#[test]
fn check_names_the_wrong_key_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[feeds]\npoll_seconds = 0\nurls = [\"gopher://x\"]\n").unwrap();
    let out = layoffwatch(&["check", "--config", config.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("feeds.poll_seconds") && err.contains("set it to 1 or more"), "{err}");
    assert!(err.contains("feeds.urls[0]"), "{err}");
    let good =
        layoffwatch(&["check", "--config", &format!("{}/config/layoffwatch.toml", env!("CARGO_MANIFEST_DIR"))], &[]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
}

#[test]
fn run_without_feeds_says_what_to_do() {
    let out = layoffwatch(&["run", "--once"], &[("LAYOFFWATCH_FEEDS", "")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LAYOFFWATCH_FEEDS"));
}
