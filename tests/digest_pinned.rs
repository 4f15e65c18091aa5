//! No output change (issue 15): `digest --json` on the demo feeds and on a generated bench corpus is
//! compared with output pinned before the pipeline was made faster. Only the order of the top-level
//! `stories` and `skipped` lists is left open, as the contract does; everything inside a story must
//! match exactly.
//!
//! The pinned files were written by this test with `LAYOFFWATCH_PIN=write`, from the code before the
//! speedups; rewrite them only for a change that is meant to change what `digest` says.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Items in the generated corpus: enough for stories of a hundred items, duplicates and off-topic
/// news, small enough to read its pinned digest when it differs.
const CORPUS_ITEMS: usize = 1_000;

fn digest(files: &[PathBuf]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("digest")
        .arg("--json")
        .args(files)
        .env_remove("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES")
        .env_remove("LAYOFFWATCH_FULL_TEXT")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("digest prints JSON")
}

/// The output with the lists whose order the contract leaves open put in a fixed order.
fn normalised(mut report: Value) -> Value {
    for (list, key) in [("stories", &["id"][..]), ("skipped", &["url", "title", "reason"][..])] {
        let items = report[list].as_array_mut().expect("a list");
        items.sort_by_key(|v| key.iter().map(|k| v[*k].to_string()).collect::<Vec<_>>());
    }
    report
}

fn pinned(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/digest-pinned").join(name)
}

fn check(name: &str, files: &[PathBuf]) {
    let got = normalised(digest(files));
    let path = pinned(name);
    if std::env::var("LAYOFFWATCH_PIN").as_deref() == Ok("write") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string(&got).unwrap() + "\n").unwrap();
        return;
    }
    let want: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if got != want {
        let (got_stories, want_stories) = (got["stories"].as_array().unwrap(), want["stories"].as_array().unwrap());
        let first = got_stories.iter().zip(want_stories).find(|(g, w)| g != w);
        panic!(
            "digest output of {name} changed: {} stories (pinned {}), {} skipped (pinned {}); first differing story:\n{}\npinned:\n{}",
            got_stories.len(),
            want_stories.len(),
            got["skipped"].as_array().unwrap().len(),
            want["skipped"].as_array().unwrap().len(),
            first.map_or("none".into(), |(g, _)| serde_json::to_string_pretty(g).unwrap()),
            first.map_or("none".into(), |(_, w)| serde_json::to_string_pretty(w).unwrap()),
        );
    }
}

#[test]
fn digest_of_the_demo_feeds_is_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/feeds");
    let files: Vec<PathBuf> =
        ["reuters-technology.xml", "techcrunch.xml", "theverge.atom", "geekwire.rdf", "cnbc.json", "yahoo-finance.xml"]
            .iter()
            .map(|f| dir.join(f))
            .collect();
    check("demo.json", &files);
}

#[test]
fn digest_of_a_generated_corpus_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let files =
        layoffwatch::tools::corpus::write(dir.path(), CORPUS_ITEMS, layoffwatch::tools::corpus::DEFAULT_SEED).unwrap();
    assert!(files.len() > 1, "the corpus spans several files");
    check("corpus-1000.json", &files);
}
