//! `bench`: items per second through parse → relevance → dedupe → cluster → claims on generated
//! corpora, and the process's peak memory. The corpora are made here from templates (invented
//! companies, several outlets, rewrites and off-topic items), so the figures are reproducible.

use crate::core::lexicon::Lexicon;
use crate::core::relevance::Topic;
use crate::core::story::{Placement, StoryBook, StoryRules};
use crate::feeds::parse_feed;
use crate::pipeline::ingest::news_items;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::fmt::Write as _;
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
const OUTLETS: &[&str] = &["Example Wire", "Daily Ledger", "Tech Courier", "Metro Business", "Signal Post"];
const SENTENCES: &[&str] = &[
    "{c} will cut {n} jobs as it shifts support work to AI agents, the company said in a statement.",
    "Two people familiar with the plans said the cuts could reach {p}% of staff.",
    "\"We may need fewer people over time,\" the chief executive wrote in a memo.",
    "Analysts expect other firms to follow with similar cuts later this year.",
    "A WARN notice filed in Ohio lists {m} affected workers, effective June 1.",
    "Critics argue the company is using automation as cover for over-hiring.",
    "An anonymous account on X claims another {m} roles will go in the autumn.",
    "If the AI pilots succeed, the sales team could shrink further.",
];
/// Each company's events are seven items long and come round again after about four days, so the
/// corpus holds many stories of realistic size rather than a few endless ones.
const OFF_TOPIC: &str = "{c} opens a new office in Lisbon and will hire {n} engineers for its cloud unit.";

/// Peak resident memory of this process, from /proc (Linux); `None` elsewhere.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// RSS feeds (500 items each) holding `n` items.
pub fn corpus(n: usize, start: DateTime<Utc>) -> Vec<String> {
    let mut feeds = Vec::new();
    let mut items = String::new();
    for i in 0..n {
        let company = COMPANIES[(i / 7) % COMPANIES.len()];
        let fill = |t: &str| {
            t.replace("{c}", company)
                .replace("{n}", &(200 + (i % 37) * 25).to_string())
                .replace("{p}", &(5 + i % 15).to_string())
                .replace("{m}", &(100 + i % 90).to_string())
        };
        let (title, body) = if i % 10 == 9 {
            (format!("{company} expands in Lisbon"), fill(OFF_TOPIC))
        } else {
            let body: Vec<String> = (0..5).map(|k| fill(SENTENCES[(i + k * 3) % SENTENCES.len()])).collect();
            (format!("{company} to cut {} jobs in AI overhaul ({i})", 200 + (i % 37) * 25), body.join(" "))
        };
        let published = (start + Duration::minutes(i as i64 * 45)).to_rfc2822();
        let _ = write!(
            items,
            "<item><guid>bench-{i}</guid><link>https://news.example/{i}</link><title>{}</title><pubDate>{published}</pubDate><description>{}</description></item>",
            escape(&title),
            escape(&body)
        );
        if (i + 1) % 500 == 0 || i + 1 == n {
            let outlet = OUTLETS[feeds.len() % OUTLETS.len()];
            feeds.push(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{outlet}</title>{items}</channel></rss>"
            ));
            items.clear();
        }
    }
    feeds
}

/// One measured run.
#[derive(Debug, Clone)]
pub struct BenchResult {
    pub items: usize,
    pub stories: usize,
    pub seconds: f64,
    pub items_per_second: f64,
    pub peak_rss_bytes: Option<u64>,
}

/// Runs the whole core pipeline over a generated corpus of `n` items on one thread.
pub fn run(n: usize) -> BenchResult {
    let start = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).single().unwrap_or_default();
    let feeds = corpus(n, start);
    let now = start + Duration::minutes(n as i64 * 45 + 60);
    let mut book = StoryBook::new(StoryRules { max_age: Duration::days(365 * 10), ..StoryRules::default() });
    let clock = Instant::now();
    let mut placed = 0;
    for (k, xml) in feeds.iter().enumerate() {
        let Ok(feed) = parse_feed(xml.as_bytes(), &format!("bench-{k}.xml")) else { continue };
        for item in news_items(&feed, &format!("bench-{k}.xml")) {
            if matches!(
                book.add(item, now, Lexicon::embedded(), Topic::embedded()),
                Placement::NewStory { .. } | Placement::Joined { .. }
            ) {
                placed += 1;
            }
        }
    }
    let seconds = clock.elapsed().as_secs_f64();
    let _ = placed;
    BenchResult {
        items: n,
        stories: book.stories().len(),
        seconds,
        items_per_second: n as f64 / seconds.max(1e-9),
        peak_rss_bytes: peak_rss_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_corpus_runs_through_the_pipeline() {
        let r = run(200);
        assert_eq!(r.items, 200);
        assert!(r.stories > 0 && r.stories < 200, "{r:?}");
    }
}
