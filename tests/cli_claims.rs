//! The `claims` and `summarize` commands against the command-line contract of DESIGN.md, run as the
//! real binary.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // The binary may stop reading early (oversized input); a broken pipe here is expected then.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("writer thread ends");
    out
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture exists")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn claims_of_an_article_follow_the_contract() {
    let out = run(&["claims"], &fixture("article_verge.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let claims = json["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 6);
    for c in claims {
        assert!(["sourced", "speculative"].contains(&c["label"].as_str().unwrap()));
        assert_eq!(c["origin"], "a1");
    }
    assert_eq!(claims[0]["label"], "sourced");
    assert_eq!(claims[0]["reasons"], serde_json::json!(["official"]));
    assert_eq!(claims[0]["source"]["name"], "Initech");
    assert_eq!(claims[0]["source"]["kind"], "official");
    assert_eq!(claims[1]["reasons"], serde_json::json!(["outlet", "anonymous-sources"]));
    assert_eq!(claims[1]["source"]["name"], "The Verge");
    assert_eq!(claims[1]["source"]["url"], "https://www.theverge.com/2026/4/18/initech-layoffs");
    assert_eq!(claims[1]["hedges"], serde_json::json!(["could"]), "a sourced claim still shows its hedge");
    assert_eq!(claims[0]["hedges"], serde_json::json!([]));
    assert_eq!(claims[2]["label"], "sourced", "a hedge inside an executive's quote stays official");
    assert_eq!(claims[3]["label"], "speculative");
    assert_eq!(claims[4]["reasons"], serde_json::json!(["document"]));
    assert_eq!(claims[5]["label"], "speculative");
    assert_eq!(claims[5]["source"], Value::Null);
}

#[test]
fn every_claim_has_exactly_the_contract_fields() {
    let out = run(&["claims", "-"], &fixture("thread_rumours.json"));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in json["claims"].as_array().unwrap() {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, vec!["hedges", "label", "origin", "reasons", "source", "text"]);
        assert!(c["hedges"].as_array().unwrap().iter().all(Value::is_string));
    }
}

#[test]
fn thread_claims_cite_their_messages_and_skip_questions() {
    let out = run(&["claims"], &fixture("thread_rumours.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let claims = json["claims"].as_array().unwrap();
    let origins: Vec<&str> = claims.iter().map(|c| c["origin"].as_str().unwrap()).collect();
    assert_eq!(origins, vec!["m1", "m2", "m2", "m3", "m5"]);
    assert_eq!(claims[0]["reasons"][0], "hearsay");
    assert_eq!(claims[1]["reasons"], serde_json::json!(["link", "official"]));
    assert_eq!(claims[1]["source"]["url"], "https://www.intel.com/newsroom/cuts");
    assert_eq!(claims[2]["label"], "speculative");
    // A figure and the opinion drawn from it, both speculative, are one remark.
    assert_eq!(claims[3]["label"], "speculative");
    assert_eq!(claims[3]["text"], "Revenue was up 20% last quarter so this is pure AI-washing.");
}

#[test]
fn jsonl_mode_handles_ten_thousand_documents_in_order() {
    let mut input = String::new();
    for i in 0..10_000 {
        input.push_str(&format!(
            "{{\"kind\":\"article\",\"id\":\"d{i}\",\"outlet\":\"Reuters\",\"text\":\"Globex cut {i} jobs, the company said. Critics say more cuts may follow.\"}}\n"
        ));
    }
    let out = run(&["claims", "--jsonl"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 10_000);
    for (i, line) in lines.iter().enumerate().step_by(997) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["id"], format!("d{i}"));
        assert_eq!(v["claims"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn a_bad_jsonl_line_is_named_and_the_rest_still_comes_out() {
    let input = b"{\"kind\":\"article\",\"id\":\"ok1\",\"text\":\"Globex cut 10 jobs.\"}\nnot json\n{\"kind\":\"article\",\"id\":\"x\"}\n{\"kind\":\"thread\",\"id\":\"ok2\",\"messages\":[{\"text\":\"I heard Globex is next\"}]}\n";
    let out = run(&["claims", "--jsonl"], input);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("line 3") && err.contains("missing field `text`"), "{err}");
    let lines: Vec<Value> =
        std::str::from_utf8(&out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "ok1");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].is_string());
    assert_eq!(lines[3]["id"], "ok2");
}

fn assert_clear_failure(args: &[&str], input: &[u8], expect: &str) {
    let out = run(args, input);
    let err = stderr(&out);
    assert!(!out.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "must not panic: {err}");
    assert!(err.contains(expect), "expected {expect:?} in: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn input_that_is_not_json_is_refused() {
    assert_clear_failure(&["claims"], b"hello there", "not a valid document");
}

#[test]
fn a_document_of_the_wrong_kind_is_refused() {
    assert_clear_failure(&["claims"], br#"{"kind":"tweet","text":"x"}"#, "\"article\" or \"thread\"");
}

#[test]
fn an_article_without_text_is_refused() {
    assert_clear_failure(&["summarize"], br#"{"kind":"article","outlet":"Reuters"}"#, "missing field `text`");
}

#[test]
fn fifty_megabytes_of_text_is_refused() {
    let mut big = br#"{"kind":"article","text":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    big.extend(br#""}"#);
    assert_clear_failure(&["claims"], &big, "limit for one document");
}

#[test]
fn invalid_utf8_is_refused() {
    assert_clear_failure(&["claims"], b"{\"kind\":\"article\",\"text\":\"caf\xe9\"}", "not valid UTF-8");
}

#[test]
fn empty_input_is_refused() {
    assert_clear_failure(&["summarize", "--json"], b"", "input is empty");
}

#[test]
fn a_missing_file_is_named() {
    let out = run(&["claims", "/nonexistent/doc.json"], b"");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/nonexistent/doc.json"));
}

#[test]
fn summarize_json_has_the_contract_shape() {
    let out = run(&["summarize", "--json"], &fixture("thread_rumours.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["headline", "bullets", "sourced", "speculative", "text", "facts"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let bullets = json["bullets"].as_array().unwrap();
    assert!((3..=5).contains(&bullets.len()), "{bullets:?}");
    assert_eq!(bullets[0]["cites"][0], "m2", "the sourced fact leads");
    assert!(json["sourced"].as_array().unwrap().iter().all(|c| c["label"] == "sourced"));
    assert!(json["speculative"].as_array().unwrap().iter().all(|c| c["label"] == "speculative"));
    assert!(bullets.iter().skip(2).all(|b| b["text"].as_str().unwrap().starts_with("Unconfirmed")));
}

#[test]
fn summarize_markdown_shows_sourced_and_speculative_parts() {
    let out = run(&["summarize"], &fixture("article_verge.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Initech to cut 500 jobs"), "{md}");
    assert!(md.contains("## Sourced") && md.contains("## Speculative"), "{md}");
    assert!(md.contains("[The Verge](https://www.theverge.com/2026/4/18/initech-layoffs)"), "{md}");
}

#[test]
fn facts_keep_their_source_and_numbers() {
    let out = run(&["summarize", "--json"], &fixture("article_verge.json"));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let facts = json["facts"].as_array().unwrap();
    let official = facts.iter().find(|f| f["source"] == "Initech").expect("a fact from the company");
    assert_eq!(official["company"], "Initech");
    assert_eq!(official["headcount"], 500);
    let warn = facts.iter().find(|f| f["headcount"] == 120).expect("the WARN notice's count");
    assert_eq!(warn["effective"], "2026-06-01");
    assert_eq!(warn["date"], "2026-06-01");
}
