//! `bench`: items per second, microseconds per item and peak memory of the whole pipeline (parse →
//! relevance → dedupe → cluster → facts → claims → extractive summary) on generated corpora of
//! realistic shape ([`super::corpus`]), with a parse-only figure beside it, so the cost per item can
//! be followed from ten thousand items to a million.

use super::corpus;
use crate::core::lexicon::Lexicon;
use crate::core::relevance::Topic;
use crate::core::story::{StoryBook, StoryRules};
use crate::core::summarize::Extractive;
use crate::feeds::parse_feed;
use crate::pipeline::ingest::news_items;
use chrono::{DateTime, Utc};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Invented companies for generated news (the crash test uses them too).
pub const COMPANIES: &[&str] = &[
    "Initech",
    "Globex",
    "Hooli",
    "Vandelay Industries",
    "Soylent Systems",
    "Cyberdyne",
    "Acme Robotics",
    "Wonka Labs",
    "Stark Analytics",
    "Tyrell Systems",
    "Oscorp",
    "Wayne Data",
    "Umbrella Corp",
    "Massive Dynamic",
    "Pied Piper",
    "Aperture Labs",
    "Dunder Mifflin",
    "Prestige Worldwide",
    "Monarch Solutions",
    "Bluth Company",
];

/// Peak resident memory of this process (VmHWM, from /proc on Linux); `None` elsewhere.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Starts a new peak-memory measurement (Linux resets VmHWM when 5 is written to clear_refs), so each
/// corpus size reports its own peak rather than the largest so far. False where that is not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Time and rate of one pass over a corpus.
#[derive(Debug, Clone, Copy)]
pub struct Pass {
    pub seconds: f64,
    pub items_per_second: f64,
    pub micros_per_item: f64,
}

impl Pass {
    fn of(items: usize, seconds: f64) -> Self {
        let seconds = seconds.max(1e-9);
        Self { seconds, items_per_second: items as f64 / seconds, micros_per_item: seconds * 1e6 / items.max(1) as f64 }
    }
}

/// The figures for one corpus size.
#[derive(Debug, Clone)]
pub struct BenchResult {
    pub items: usize,
    pub stories: usize,
    /// Reading and parsing the feed files only.
    pub parse: Pass,
    /// The whole pipeline as `run` runs it.
    pub pipeline: Pass,
    /// Peak resident memory during the pipeline pass (the process's peak so far where it cannot be
    /// reset).
    pub peak_rss_bytes: Option<u64>,
    pub peak_is_per_size: bool,
}

/// Reads and parses every file, as the parse-only figure beside the pipeline's.
pub fn parse_only(files: &[PathBuf]) -> io::Result<usize> {
    let mut items = 0;
    for path in files {
        let bytes = std::fs::read(path)?;
        if let Ok(feed) = parse_feed(&bytes, &path.to_string_lossy()) {
            items += feed.items.len();
        }
    }
    Ok(items)
}

/// The whole pipeline over the corpus files, read one at a time in order as `run`'s polls read
/// them: parse, relevance, dedupe, cluster, facts, claims, and each story's digest entry (facts,
/// claims, extractive summary) built as `digest` builds it, without printing it. Stories past the
/// clustering window are digested and dropped, as `run` drops them. Returns how many stories were made.
pub fn pipeline(files: &[PathBuf]) -> io::Result<usize> {
    let rules = StoryRules::default();
    let mut book = StoryBook::new(rules);
    let (lex, topic) = (Lexicon::embedded(), Topic::embedded());
    let mut stories = 0;
    let mut digest = |story: &crate::core::story::Story| {
        let entry = crate::pipeline::digest::story(story, &Extractive);
        std::hint::black_box(&entry);
        stories += 1;
    };
    let mut now: Option<DateTime<Utc>> = None;
    for path in files {
        let bytes = std::fs::read(path)?;
        let source = path.to_string_lossy();
        let Ok(feed) = parse_feed(&bytes, &source) else { continue };
        drop(bytes);
        let items = news_items(&feed, &source);
        drop(feed);
        // The poll happens when the newest item is out.
        let latest = items.iter().filter_map(|i| i.published).max();
        now = now.max(latest);
        let at = now.unwrap_or_default();
        for item in items {
            book.add(item, at, lex, topic);
        }
        for story in book.retire(at - rules.max_age - rules.window) {
            digest(&story);
        }
    }
    for story in book.stories() {
        digest(story);
    }
    Ok(stories)
}

/// Generates a corpus of `n` items into `dir` and measures it: parse only, then the pipeline.
pub fn run(n: usize, dir: &Path) -> io::Result<BenchResult> {
    let files = corpus::write(dir, n, corpus::DEFAULT_SEED)?;
    let clock = Instant::now();
    parse_only(&files)?;
    let parse = Pass::of(n, clock.elapsed().as_secs_f64());
    let peak_is_per_size = reset_peak_rss();
    let clock = Instant::now();
    let stories = pipeline(&files)?;
    let pipeline = Pass::of(n, clock.elapsed().as_secs_f64());
    Ok(BenchResult { items: n, stories, parse, pipeline, peak_rss_bytes: peak_rss_bytes(), peak_is_per_size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_corpus_runs_through_the_pipeline() {
        let dir = tempfile::tempdir().unwrap();
        let r = run(300, dir.path()).unwrap();
        assert_eq!(r.items, 300);
        assert!(r.stories > 0 && r.stories < 300, "{r:?}");
    }
}
