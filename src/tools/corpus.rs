//! Bench corpora: generated AI-layoff news with the shapes real feeds have, written as RSS files.
//! Most stories are one to five items, a few run past a hundred (a big company's cuts retold for
//! days), outlets syndicate each other's copy, an aggregator re-carries articles under their
//! publisher's name, and about one item in eight is off-topic company news. Everything comes from a
//! seed, so a corpus is the same on every machine and the no-output-change test can pin its digest.
//!
//! The files are time slices: each holds one outlet's items of about a thousand consecutive items,
//! newest first as feeds list them, so reading the files in name order is reading the news as it
//! came in (what `run`'s polling sees), and no file needs the others to be parsed.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The seed of the corpora the `bench` command and the no-output-change test use.
pub const DEFAULT_SEED: u64 = 15;

/// About this many items go into one time slice (one file per outlet with items in it).
const SLICE_ITEMS: usize = 1_000;

/// A small, stable pseudo-random generator (SplitMix64): the corpus must not change when a library's
/// generator does.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    /// True `per_mille` times in a thousand.
    fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1_000) < per_mille
    }
}

const OUTLETS: &[(&str, &str)] = &[
    ("Example Wire", "examplewire"),
    ("Daily Ledger", "dailyledger"),
    ("Tech Courier", "techcourier"),
    ("Metro Business", "metrobusiness"),
    ("Signal Post", "signalpost"),
    ("Harbor Times", "harbortimes"),
    ("Circuit Weekly", "circuitweekly"),
    ("Northgate Journal", "northgatejournal"),
];

/// The aggregator's feed credits each item to its publisher with `<source>`.
const AGGREGATOR: (&str, &str) = ("Newsline Digest", "newsline");

const FIRST: &[&str] = &[
    "Nor", "Vel", "Quin", "Tal", "Bri", "Cor", "Dex", "Fen", "Gal", "Hal", "Jor", "Kel", "Lum", "Mar", "Nex", "Ora",
    "Pel", "Ryn", "Sol", "Tor", "Ulm", "Vor", "Wyn", "Zan",
];
const MIDDLE: &[&str] = &["", "an", "er", "o", "is", "um"];
const LAST: &[&str] = &["vex", "tria", "dale", "mont", "wick", "lio", "bridge", "ara", "stone", "ford"];
const KIND: &[&str] = &["Systems", "Labs", "Software", "Health", "Logistics", "Networks", "Retail", "Bank"];

/// The company of the `k`th name: every combination once, so names never collide.
fn company(k: usize) -> String {
    let n = k % (FIRST.len() * MIDDLE.len() * LAST.len());
    let (f, rest) = (n % FIRST.len(), n / FIRST.len());
    let (m, l) = (rest % MIDDLE.len(), rest / MIDDLE.len());
    format!("{}{}{} {}", FIRST[f], MIDDLE[m], LAST[l], KIND[(f + m + l) % KIND.len()])
}

const COMPANY_COUNT: usize = 24 * 6 * 10;

const DEPARTMENTS: &[&str] =
    &["customer support", "recruiting", "sales", "marketing", "finance", "quality assurance", "content moderation"];
const CITIES: &[&str] = &["Ohio", "Texas", "Oregon", "Georgia", "Ontario", "Dublin", "Austin", "Denver"];
const EXECUTIVES: &[&str] =
    &["Dana Whitfield", "Marcus Oyelaran", "Priya Kandel", "Tomas Brenner", "Ines Caldera", "Hugo Lindqvist"];

const TITLES: &[&str] = &[
    "{c} to cut {n} jobs as AI takes over {d}",
    "{c} lays off {p}% of staff in automation push",
    "{c} layoffs: {n} roles go as chatbots replace {d} teams",
    "Report: {c} plans more AI-driven job cuts",
    "{c} confirms {n} layoffs, citing AI tools",
    "Inside {c}'s AI layoffs: what we know",
    "{c} eliminates {n} positions in {d} after AI rollout",
    "{c} job cuts reach {d} as automation spreads",
    "Workers at {c} brace for AI layoffs",
    "{c} to shed {p}% of workforce, replacing {d} with AI agents",
];

/// Endings that make one outlet's many headlines on a big story differ, as they do.
const TITLE_TAILS: &[&str] = &[
    "",
    " as shares slide",
    ", sources say",
    " amid AI push",
    " in {l}",
    " — what workers say",
    " after record quarter",
    " despite union protest",
    " ahead of earnings",
    " as {e} defends strategy",
];

const SENTENCES: &[&str] = &[
    "{c} will cut {n} jobs as it shifts {d} work to AI agents, the company said in a statement.",
    "Two people familiar with the plans said the cuts could reach {p}% of staff.",
    "\"We may need fewer people over time,\" chief executive {e} wrote in a memo to staff.",
    "Analysts expect other firms to follow with similar cuts later this year.",
    "A WARN notice filed in {l} lists {m} affected workers, effective {t}.",
    "Critics argue the company is using automation as cover for over-hiring.",
    "An anonymous account on X claims another {m} roles will go in the autumn.",
    "If the AI pilots succeed, the {d} team could shrink further.",
    "{c} employed about {w} people at the end of last year, according to its annual report.",
    "The layoffs are expected to hit {d} hardest.",
    "{e}, the company's chief executive, told employees the changes would be complete by {t}.",
    "Some employees said on Blind that more cuts are coming.",
    "The company did not respond to a request for comment.",
    "{c} said affected employees would receive sixteen weeks of severance pay.",
    "Shares of {c} rose 3% in early trading after the announcement.",
    "It is widely seen as a sign of things to come for the industry.",
    "The cuts follow a hiring spree during the pandemic, when {c} doubled its headcount.",
    "According to a filing with regulators, the restructuring will cost about ${m} million.",
    "{c} is likely to announce further reductions next quarter, one analyst said.",
    "Union representatives in {l} said they had not been consulted.",
];

const OFF_TOPIC_TITLES: &[&str] = &[
    "{c} opens a new office in {l}",
    "{c} launches AI assistant for {d} teams",
    "{c} reports quarterly revenue up {p}%",
    "{c} names {e} as chief financial officer",
    "{c} wins contract to modernise city transit ticketing",
];
const OFF_TOPIC_SENTENCES: &[&str] = &[
    "{c} will hire {n} engineers for its cloud unit over the next two years.",
    "The new product is available to customers in {l} from {t}.",
    "{e} joins from a rival where she led the payments business.",
    "Revenue rose to ${m} million in the quarter, the company said.",
    "The office will host a research team focused on battery materials.",
    "{c} said the partnership would bring faster checkout to its stores.",
];

/// What an event's items share: who, how many, where, when.
struct Event {
    company: String,
    headcount: usize,
    percent: usize,
    workforce: usize,
    department: &'static str,
    place: &'static str,
    executive: &'static str,
    effective: String,
    on_topic: bool,
}

impl Event {
    fn fill(&self, template: &str, rng: &mut Rng) -> String {
        // One item in ten reports a revised figure, as later coverage does.
        let headcount = if rng.chance(100) { self.headcount + 50 * (1 + rng.below(6)) } else { self.headcount };
        template
            .replace("{c}", &self.company)
            .replace("{n}", &headcount.to_string())
            .replace("{p}", &self.percent.to_string())
            .replace("{m}", &(headcount / 3 + 7).to_string())
            .replace("{w}", &self.workforce.to_string())
            .replace("{d}", self.department)
            .replace("{l}", self.place)
            .replace("{e}", self.executive)
            .replace("{t}", &self.effective)
    }
}

/// One item as it will be written.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    published: DateTime<Utc>,
    seq: usize,
    outlet: usize,
    guid: String,
    link: String,
    title: String,
    body: String,
    /// The publisher named by the aggregator's `<source>`.
    source: Option<usize>,
}

/// How many items the next event has: mostly one to five, sometimes a few dozen, now and then
/// more than a hundred.
fn story_size(rng: &mut Rng) -> usize {
    match rng.below(1_000) {
        0..800 => 1 + rng.below(5),
        800..980 => 6 + rng.below(25),
        _ => 120 + rng.below(200),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn slug(title: &str) -> String {
    let words: Vec<String> =
        title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(8).map(str::to_lowercase).collect();
    words.join("-")
}

/// Generates the items of one event into `pending`.
fn event_items(event: &Event, size: usize, start: DateTime<Utc>, rng: &mut Rng, seq: &mut usize, out: &mut Vec<Entry>) {
    // Big stories are retold for three days, small ones within a day.
    let span_minutes = if size > 30 { 72 * 60 } else { 20 * 60 };
    for _ in 0..size {
        let published = start + Duration::minutes(if out.is_empty() { 0 } else { rng.below(span_minutes) as i64 });
        let outlet = rng.below(OUTLETS.len());
        let (titles, sentences) =
            if event.on_topic { (TITLES, SENTENCES) } else { (OFF_TOPIC_TITLES, OFF_TOPIC_SENTENCES) };
        let mut title = event.fill(rng.pick(titles), rng);
        if event.on_topic {
            title.push_str(&event.fill(rng.pick(TITLE_TAILS), rng));
        }
        let count = if event.on_topic { 3 + rng.below(4) } else { 2 };
        let mut chosen: Vec<usize> = Vec::with_capacity(count);
        while chosen.len() < count {
            let k = rng.below(sentences.len());
            if !chosen.contains(&k) {
                chosen.push(k);
            }
        }
        let mut filled: Vec<String> = chosen.iter().map(|&k| event.fill(sentences[k], rng)).collect();
        if event.on_topic && rng.chance(600) {
            // What one reporter adds: a worker's account, different in every item.
            let team = 4 + rng.below(40);
            let weeks = 1 + rng.below(9);
            filled.push(format!(
                "One {} worker in {}, who asked not to be named, said a team of {team} had learned of the cuts {weeks} weeks after the {} pilot began.",
                event.department,
                event.place,
                rng.pick(&["chatbot", "agent", "automation", "copilot"])
            ));
        }
        let dateline = format!("{} (Staff) — ", event.place.to_uppercase());
        let body = format!(
            "<p>{dateline}{}</p><p>{}</p>{}",
            filled[0],
            filled[1..].join(" "),
            if rng.chance(300) { "<p>Read more on our site.</p>" } else { "" }
        );
        *seq += 1;
        let link =
            format!("https://{}.example/{}/{}-{}", OUTLETS[outlet].1, published.format("%Y/%m"), slug(&title), seq);
        let entry = Entry {
            published,
            seq: *seq,
            outlet,
            guid: format!("{}-{}", OUTLETS[outlet].1, seq),
            link: link.clone(),
            title: title.clone(),
            body: body.clone(),
            source: None,
        };
        let roll = rng.below(1_000);
        if event.on_topic && roll < 40 {
            // Syndicated: a partner outlet runs the same copy an hour later under its own address.
            let partner = (outlet + 1 + rng.below(OUTLETS.len() - 1)) % OUTLETS.len();
            *seq += 1;
            out.push(Entry {
                published: published + Duration::hours(1),
                seq: *seq,
                outlet: partner,
                guid: format!("{}-{}", OUTLETS[partner].1, seq),
                link: format!("https://{}.example/wire/{}", OUTLETS[partner].1, seq),
                title: title.clone(),
                body: body.clone(),
                source: None,
            });
        } else if event.on_topic && roll < 80 {
            // Aggregated: the aggregator carries the publisher's own link, credited with `<source>`.
            *seq += 1;
            out.push(Entry {
                published: published + Duration::minutes(30),
                seq: *seq,
                outlet: OUTLETS.len(),
                guid: format!("{}-{}", AGGREGATOR.1, seq),
                link: link.clone(),
                title: title.clone(),
                body: filled[0].clone(),
                source: Some(outlet),
            });
        } else if event.on_topic && roll < 90 {
            // Re-listed: the same item (same guid) shows up again in the aggregator's feed.
            *seq += 1;
            out.push(Entry {
                published,
                seq: *seq,
                outlet: OUTLETS.len(),
                guid: entry.guid.clone(),
                link: link.clone(),
                title: title.clone(),
                body: body.clone(),
                source: Some(outlet),
            });
        }
        out.push(entry);
    }
}

/// Writes a corpus of `items` items (copies included) into `dir` and returns its files in reading
/// order. Memory stays bounded by a few days of news, so a million items need no more than ten
/// thousand.
pub fn write(dir: &Path, items: usize, seed: u64) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut clock = Utc.with_ymd_and_hms(2024, 1, 1, 6, 0, 0).single().expect("a valid date");
    let mut pending: BinaryHeap<std::cmp::Reverse<Entry>> = BinaryHeap::new();
    let mut slice: Vec<Entry> = Vec::new();
    let mut files = Vec::new();
    let (mut generated, mut written, mut seq, mut event_no, mut slices) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut fresh = Vec::new();
    while written < items {
        if generated < items {
            let on_topic = !rng.chance(450);
            let size = if on_topic { story_size(&mut rng) } else { 1 };
            let event = Event {
                // Companies come round again only after every other has had an event (days later),
                // so an event's items make one story; off-topic news is about anyone.
                company: if on_topic { company(event_no * 7_919) } else { company(rng.below(COMPANY_COUNT)) },
                headcount: 50 * (2 + rng.below(80)),
                percent: 2 + rng.below(20),
                workforce: 1_000 * (5 + rng.below(90)),
                department: rng.pick(DEPARTMENTS),
                place: rng.pick(CITIES),
                executive: rng.pick(EXECUTIVES),
                effective: (clock + Duration::days(30 + rng.below(60) as i64)).format("%B %-d").to_string(),
                on_topic,
            };
            if on_topic {
                event_no += 1;
            }
            event_items(&event, size, clock, &mut rng, &mut seq, &mut fresh);
            for entry in fresh.drain(..) {
                if generated < items {
                    generated += 1;
                    pending.push(std::cmp::Reverse(entry));
                }
            }
            clock += Duration::minutes(2 + rng.below(15) as i64);
        }
        // Items dated before the next event's start can no longer be overtaken: they are final.
        while let Some(std::cmp::Reverse(first)) = pending.peek() {
            if generated < items && first.published >= clock {
                break;
            }
            let std::cmp::Reverse(entry) = pending.pop().expect("peeked");
            slice.push(entry);
            written += 1;
            if slice.len() == SLICE_ITEMS || written == items {
                write_slice(dir, slices, &mut slice, &mut files)?;
                slices += 1;
            }
        }
    }
    Ok(files)
}

/// Writes one time slice as one RSS file per outlet, newest item first.
fn write_slice(dir: &Path, number: usize, slice: &mut Vec<Entry>, files: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut outlets: Vec<(&str, &str)> = OUTLETS.to_vec();
    outlets.push(AGGREGATOR);
    for (k, (name, host)) in outlets.iter().enumerate() {
        let mut mine: Vec<&Entry> = slice.iter().filter(|e| e.outlet == k).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|e| std::cmp::Reverse((e.published, e.seq)));
        let mut xml = String::with_capacity(mine.len() * 1_200);
        let _ = write!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{name}</title><link>https://{host}.example/</link><description>{name}: business and technology news</description>\n"
        );
        for e in mine {
            let source = e.source.map_or(String::new(), |s| {
                format!("<source url=\"https://{}.example/\">{}</source>", OUTLETS[s].1, escape(OUTLETS[s].0))
            });
            let _ = writeln!(
                xml,
                "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate>{source}<description>{}</description></item>",
                escape(&e.title),
                escape(&e.link),
                escape(&e.guid),
                e.published.to_rfc2822(),
                escape(&e.body)
            );
        }
        xml.push_str("</channel></rss>\n");
        let path = dir.join(format!("slice-{number:05}-{host}.xml"));
        std::fs::write(&path, xml)?;
        files.push(path);
    }
    slice.clear();
    Ok(())
}
