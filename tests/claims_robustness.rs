//! The labeller and summarizer on every file of the real-world-shaped feed corpus, read as article
//! text: markup, entities, odd encodings and garbage must never make them panic.

use layoffwatch::core::analyze::analyze;
use layoffwatch::core::claims::label_document_ungated;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::core::model::{Article, Document};
use layoffwatch::core::summarize::{Extractive, Summarizer};
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_file_as_article_text_labels_without_panicking() {
    let mut all = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/feedparser"), &mut all);
    assert!(all.len() > 2_000);
    let mut claims = 0;
    for path in &all {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let doc = Document::Article(Article {
            id: Some(path.display().to_string()),
            outlet: Some("Corpus".into()),
            url: None,
            title: None,
            published: None,
            text,
        });
        let analysis = analyze(&doc, Lexicon::embedded());
        claims += label_document_ungated(&doc, Lexicon::embedded()).len();
        let summary = Extractive.summarize(&analysis);
        assert!(summary.bullets.len() <= 5);
    }
    // Most of these files are feed markup, whose short unpunctuated lines hygiene drops as headings
    // and furniture; what is left still exercises the labeller's rules on hundreds of lines (counted
    // before the claim gate, which reads most of what markup leaves as no assertion and drops it).
    assert!(claims > 200, "the corpus yields claims: {claims}");
}
