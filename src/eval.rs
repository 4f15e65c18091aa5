//! Measuring the labeller against labelled sets: accuracy, speculative-class F1, macro-F1 over reasons,
//! the false-sourced rate (speculative claims labelled sourced, the error that hurts users most), the
//! spurious rate (claims the labeller emits that no expected claim matches: furniture, headings,
//! fragments) and agreement on hedges, for a whole set and for each writing style in it. Expected
//! claims are matched to predicted ones by their words, so the segmenter's choices are measured too:
//! an expected claim nobody predicted counts as wrong, and a predicted claim nobody expected counts
//! as spurious, so neither dropping nor inventing claims can flatter the figures.
//!
//! The bundled sets live in `eval/`. The labelled corpus in real-world styles is split into a
//! training part and a development part by a stable hash of each document's id, so the split never
//! changes when documents are added; the frozen held-out part is never tuned or trained on.

use crate::core::claims::scorer::{self, FEATURE_VERSION, Weights};
use crate::core::claims::{Claim, gate, label_document, label_document_ungated, scorer_inputs};
use crate::core::lexicon::Lexicon;
use crate::core::model::Document;
use crate::core::text::article_text;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The reasons of the contract, in the order reports list them.
pub const REASONS: &[&str] = &[
    "outlet",
    "official",
    "document",
    "person",
    "link",
    "anonymous-sources",
    "hedge",
    "prediction",
    "opinion",
    "hearsay",
    "rumour",
    "weasel",
    "unverified-social",
    "conditional",
    "unsourced",
];

/// The labelled corpus in real-world styles (wire, press, opinion, newsletters, SEO and aggregator
/// rewrites, podcasts, forums, chat): split into training and development parts by [`is_dev_document`].
pub const CORPUS_PRESS: &str = include_str!("../eval/corpus-press.jsonl");
pub const CORPUS_COMMUNITY: &str = include_str!("../eval/corpus-community.jsonl");
pub const CORPUS_EXTRA: &str = include_str!("../eval/corpus-extra.jsonl");
/// Documents in the weakest styles, written blind by a helper who had not read the labeller; its
/// figures before it joined the training data are in the README.
pub const CORPUS_WORLD: &str = include_str!("../eval/corpus-world.jsonl");
/// A second blind-written corpus in the weakest styles (its writer never saw the labeller), brought to
/// the contract's vocabulary: `hedged` is `hedge`, and an article's claim resting on unnamed sources is
/// the outlet's sourced reporting flagged `anonymous-sources`, as the worked examples have it.
pub const CORPUS_WORLD2: &str = include_str!("../eval/corpus-world2.jsonl");
/// A third blind-written corpus, heavy on the pages that failed most (podcast notes with bios, sponsor
/// slogans and unnamed guests; newsletters' housekeeping; Reddit; SEO and aggregator rewrites). Its
/// writer was given the contract, including that an unnamed podcast guest is a weasel source.
pub const CORPUS_WORLD3: &str = include_str!("../eval/corpus-world3.jsonl");
/// A fourth, written blind after the third was tuned on: Reddit, Hacker News and chat threads with
/// their reactions, advice, moderators and bots, and podcast and SEO pages with their furniture.
pub const CORPUS_WORLD4: &str = include_str!("../eval/corpus-world4.jsonl");
/// A fifth, written blind in two parts: article pages (wire, press, aggregators, SEO, opinion,
/// newsletters) and community and audio pages (Reddit, Hacker News, chat, podcast notes, forum
/// digests, call transcripts).
pub const CORPUS_WORLD5A: &str = include_str!("../eval/corpus-world5a.jsonl");
pub const CORPUS_WORLD5B: &str = include_str!("../eval/corpus-world5b.jsonl");
/// A sixth, written blind after the fifth was tuned on: every style, shaped like what a scraper gets
/// (live-blog times, related links, paywall leftovers, bullet facts, analysts' notes, forum threads).
pub const CORPUS_WORLD6: &str = include_str!("../eval/corpus-world6.jsonl");
/// Three more parts written blind: scraped article pages, community threads and podcast pages, and
/// the writer's own voice beside plain reporting.
pub const CORPUS_WORLD7A: &str = include_str!("../eval/corpus-world7a.jsonl");
pub const CORPUS_WORLD7B: &str = include_str!("../eval/corpus-world7b.jsonl");
pub const CORPUS_WORLD7C: &str = include_str!("../eval/corpus-world7c.jsonl");
/// Four more written blind and scored before any tuning on them: podcast pages with transcripts,
/// newsletters and tech press; Reddit and Hacker News threads and scraped pages; SEO rewrites,
/// aggregators, wire copy and business press; team and community chat.
pub const CORPUS_WORLD8A: &str = include_str!("../eval/corpus-world8a.jsonl");
pub const CORPUS_WORLD8B: &str = include_str!("../eval/corpus-world8b.jsonl");
pub const CORPUS_WORLD8C: &str = include_str!("../eval/corpus-world8c.jsonl");
pub const CORPUS_WORLD8D: &str = include_str!("../eval/corpus-world8d.jsonl");
/// Three more written blind and scored before any tuning on them: press (wire, local news, press
/// releases, analyst notes, explainers, columns); forums, LinkedIn and team chat; aggregator and
/// search pages, SEO rewrites, newsletters, podcast pages, earnings calls and broadcast transcripts.
pub const CORPUS_WORLD9A: &str = include_str!("../eval/corpus-world9a.jsonl");
pub const CORPUS_WORLD9B: &str = include_str!("../eval/corpus-world9b.jsonl");
pub const CORPUS_WORLD9C: &str = include_str!("../eval/corpus-world9c.jsonl");
/// Two more written blind later in the same round and scored before any tuning on them: every article
/// style; forums, LinkedIn and team chat.
pub const CORPUS_WORLD10A: &str = include_str!("../eval/corpus-world10a.jsonl");
pub const CORPUS_WORLD10B: &str = include_str!("../eval/corpus-world10b.jsonl");
/// Two more written blind and scored before any tuning on them: every article style, with tables,
/// chapter marks and market reports; Slack and Discord with their bots, Reddit, Hacker News, Blind,
/// LinkedIn, newsletters and podcast pages.
pub const CORPUS_WORLD11A: &str = include_str!("../eval/corpus-world11a.jsonl");
pub const CORPUS_WORLD11B: &str = include_str!("../eval/corpus-world11b.jsonl");
/// Two more, written blind later in the same round and scored before anything was tuned on them:
/// podcast pages, local news, aggregator apps and search pages, columns and newsletters; team chat,
/// Reddit, Hacker News, LinkedIn, Blind and forums with their bots, pastes and polls.
pub const CORPUS_WORLD12A: &str = include_str!("../eval/corpus-world12a.jsonl");
pub const CORPUS_WORLD12B: &str = include_str!("../eval/corpus-world12b.jsonl");
/// Written blind at the end of the same round and scored before anything was tuned on them: every
/// article style; team chat, Reddit, Hacker News, LinkedIn, Blind and forums.
pub const CORPUS_WORLD13A: &str = include_str!("../eval/corpus-world13a.jsonl");
pub const CORPUS_WORLD13B: &str = include_str!("../eval/corpus-world13b.jsonl");
/// Written blind in the first 2026-12-06 round and scored before anything was tuned on them: every
/// article style with trade and local press; team chat, news bots, Reddit, Hacker News, LinkedIn, Blind.
pub const CORPUS_WORLD14A: &str = include_str!("../eval/corpus-world14a.jsonl");
pub const CORPUS_WORLD14B: &str = include_str!("../eval/corpus-world14b.jsonl");
/// Written blind later in the same round and scored when they arrived: every article style with
/// trade press and news aggregators; team chat, Reddit, Hacker News, forums, Mastodon and Bluesky.
pub const CORPUS_WORLD15A: &str = include_str!("../eval/corpus-world15a.jsonl");
pub const CORPUS_WORLD15B: &str = include_str!("../eval/corpus-world15b.jsonl");
/// Three more written blind and scored on arrival: every article style with aggregators set out as
/// cards; team chat with bots and pasted emails, Reddit, Hacker News, LinkedIn, Blind, forum
/// exports and Bluesky; and the noisiest pages (podcast episodes, SEO rewrites, live blogs).
pub const CORPUS_WORLD16A: &str = include_str!("../eval/corpus-world16a.jsonl");
pub const CORPUS_WORLD16B: &str = include_str!("../eval/corpus-world16b.jsonl");
pub const CORPUS_WORLD16C: &str = include_str!("../eval/corpus-world16c.jsonl");
/// Written blind in the same round: pages from many publishing systems, as HTML and as plain text
/// (podcast hosts, newsletters, SEO sites, live blogs); threads as old and new Reddit, Reddit's
/// JSON, Hacker News, Slack, Discord with feed and poll bots, and a WhatsApp export.
pub const CORPUS_WORLD17A: &str = include_str!("../eval/corpus-world17a.jsonl");
pub const CORPUS_WORLD17B: &str = include_str!("../eval/corpus-world17b.jsonl");
/// The round's last two, written blind and scored on arrival: article styles as scraped pages, feed
/// bodies and pasted text; community Discord servers, team Slack workspaces and public forums in a
/// layoff week.
pub const CORPUS_WORLD18A: &str = include_str!("../eval/corpus-world18a.jsonl");
pub const CORPUS_WORLD18B: &str = include_str!("../eval/corpus-world18b.jsonl");
/// Written blind in the 2026-12-06 third round and scored on arrival: the noisiest scraped pages
/// (podcast hosts, SEO sites, many publishing systems, aggregator cards, newsletters); Reddit and
/// Hacker News as their apps, readers and exporters copy them; team chat with app notices, Blind,
/// Fishbowl and forum boards with their headers.
pub const CORPUS_WORLD19A: &str = include_str!("../eval/corpus-world19a.jsonl");
pub const CORPUS_WORLD19B: &str = include_str!("../eval/corpus-world19b.jsonl");
pub const CORPUS_WORLD19C: &str = include_str!("../eval/corpus-world19c.jsonl");
/// Written blind later in the same round and scored on arrival: podcast pages, tech press, SEO
/// sites, wire copy, columns and aggregator rivers; Reddit, Hacker News, team and community chat, and
/// LinkedIn posts with their comments.
pub const CORPUS_WORLD20A: &str = include_str!("../eval/corpus-world20a.jsonl");
pub const CORPUS_WORLD20B: &str = include_str!("../eval/corpus-world20b.jsonl");
/// The round's last two, written blind and scored on arrival: article styles as scraped pages and
/// reader-app copies, local news among them; Reddit, team and community chat, Hacker News, Blind and
/// forums, Mastodon and Bluesky.
pub const CORPUS_WORLD21A: &str = include_str!("../eval/corpus-world21a.jsonl");
pub const CORPUS_WORLD21B: &str = include_str!("../eval/corpus-world21b.jsonl");
/// The fourth 2026-12-06 round, written blind and scored before tuning: podcast episode pages from
/// many hosts; SEO rewrites, tech press and aggregator rivers; Reddit, Hacker News, newsletters and
/// business press.
pub const CORPUS_WORLD22A: &str = include_str!("../eval/corpus-world22a.jsonl");
pub const CORPUS_WORLD22B: &str = include_str!("../eval/corpus-world22b.jsonl");
pub const CORPUS_WORLD22C: &str = include_str!("../eval/corpus-world22c.jsonl");
/// The fifth 2026-12-06 round, written blind and scored before tuning: podcast pages with listener
/// mail, LinkedIn posts and newsletters; SEO, tech press with embedded posts, aggregators, columns and
/// business press; Reddit, Hacker News, community chat and forums; podcast and broadcast
/// transcripts, earnings calls, local news and press releases.
pub const CORPUS_WORLD23A: &str = include_str!("../eval/corpus-world23a.jsonl");
pub const CORPUS_WORLD23B: &str = include_str!("../eval/corpus-world23b.jsonl");
pub const CORPUS_WORLD23C: &str = include_str!("../eval/corpus-world23c.jsonl");
pub const CORPUS_WORLD23D: &str = include_str!("../eval/corpus-world23d.jsonl");
/// The sixth round (2026-12-06, second session), written blind and scored before tuning: wire,
/// business, tech and trade press; opinion columns, newsletters, SEO pages and aggregators; Reddit,
/// Hacker News, chat and forums; show notes, earnings calls, LinkedIn posts and press releases.
pub const CORPUS_WORLD24A: &str = include_str!("../eval/corpus-world24a.jsonl");
pub const CORPUS_WORLD24B: &str = include_str!("../eval/corpus-world24b.jsonl");
pub const CORPUS_WORLD24C: &str = include_str!("../eval/corpus-world24c.jsonl");
pub const CORPUS_WORLD24D: &str = include_str!("../eval/corpus-world24d.jsonl");
/// The seventh round (2026-12-06, third session), written blind and scored before tuning: Reddit
/// and Hacker News; chat, forums, Mastodon and Bluesky, and internal Slack threads; show notes,
/// earnings calls, broadcast transcripts and press releases; wire, tech press, newsletters,
/// aggregators, columns and local news.
pub const CORPUS_WORLD25A: &str = include_str!("../eval/corpus-world25a.jsonl");
pub const CORPUS_WORLD25B: &str = include_str!("../eval/corpus-world25b.jsonl");
pub const CORPUS_WORLD25C: &str = include_str!("../eval/corpus-world25c.jsonl");
pub const CORPUS_WORLD25D: &str = include_str!("../eval/corpus-world25d.jsonl");
pub const CORPUS_WORLD26A: &str = include_str!("../eval/corpus-world26a.jsonl");
pub const CORPUS_WORLD26B: &str = include_str!("../eval/corpus-world26b.jsonl");
pub const CORPUS_WORLD26C: &str = include_str!("../eval/corpus-world26c.jsonl");
/// The tenth round (2026-12-07, second session), written blind and scored before tuning: Reddit,
/// Hacker News and Discord with news bots; internal Slack with app posts, community Discord and
/// Blind-style forums; wire, business press, columns, SEO rewrites and local news.
pub const CORPUS_WORLD27A: &str = include_str!("../eval/corpus-world27a.jsonl");
pub const CORPUS_WORLD27B: &str = include_str!("../eval/corpus-world27b.jsonl");
pub const CORPUS_WORLD27C: &str = include_str!("../eval/corpus-world27c.jsonl");
/// The eleventh round (2026-12-07, third session), written blind and scored before tuning: Reddit,
/// Hacker News and forums; internal Slack, Teams and community Discord; Mastodon, Bluesky,
/// LinkedIn, newsletters and show notes; wire, tech press, columns, SEO rewrites and local news.
pub const CORPUS_WORLD28A: &str = include_str!("../eval/corpus-world28a.jsonl");
pub const CORPUS_WORLD28B: &str = include_str!("../eval/corpus-world28b.jsonl");
pub const CORPUS_WORLD28C: &str = include_str!("../eval/corpus-world28c.jsonl");
pub const CORPUS_WORLD28D: &str = include_str!("../eval/corpus-world28d.jsonl");
/// The twelfth round (2026-12-07, fourth session), written blind and scored before tuning: Discord,
/// Telegram, WhatsApp and Matrix; internal Slack and Teams with work apps' posts; Reddit, Hacker
/// News, Blind and forums; local TV, trade press, newsletters, press releases, transcripts and
/// aggregators.
pub const CORPUS_WORLD29A: &str = include_str!("../eval/corpus-world29a.jsonl");
pub const CORPUS_WORLD29B: &str = include_str!("../eval/corpus-world29b.jsonl");
pub const CORPUS_WORLD29C: &str = include_str!("../eval/corpus-world29c.jsonl");
pub const CORPUS_WORLD29D: &str = include_str!("../eval/corpus-world29d.jsonl");
/// The thirteenth round (same session), written blind while the twelfth round's rules were made and
/// scored with them before any tuning on it: chat of every kind; forums and social pages; news and
/// commentary pages.
pub const CORPUS_WORLD30A: &str = include_str!("../eval/corpus-world30a.jsonl");
pub const CORPUS_WORLD30B: &str = include_str!("../eval/corpus-world30b.jsonl");
pub const CORPUS_WORLD30C: &str = include_str!("../eval/corpus-world30c.jsonl");
/// The fourteenth round (2026-12-07, fifth session), written blind and scored before tuning: team
/// chat with work apps, bots and pasted emails; Reddit, Hacker News, Blind, Glassdoor and social
/// pages with company accounts; WhatsApp, Telegram, Signal, Matrix and union channels; every article
/// style.
pub const CORPUS_WORLD31A: &str = include_str!("../eval/corpus-world31a.jsonl");
pub const CORPUS_WORLD31B: &str = include_str!("../eval/corpus-world31b.jsonl");
pub const CORPUS_WORLD31C: &str = include_str!("../eval/corpus-world31c.jsonl");
pub const CORPUS_WORLD31D: &str = include_str!("../eval/corpus-world31d.jsonl");
/// The fifteenth round (same session), written blind while the fourteenth round's rules were made
/// and scored with them before any tuning on it: team chat; community and worker group chats;
/// forums and social pages.
pub const CORPUS_WORLD32A: &str = include_str!("../eval/corpus-world32a.jsonl");
pub const CORPUS_WORLD32B: &str = include_str!("../eval/corpus-world32b.jsonl");
pub const CORPUS_WORLD32C: &str = include_str!("../eval/corpus-world32c.jsonl");
/// The sixteenth round (2026-12-07, sixth session), written blind and scored before tuning: wire,
/// business, tech, local and trade press and live blogs; columns, newsletters, SEO and aggregator
/// rewrites, show notes and explainers; Hacker News, Reddit, Blind and forums; community and team chat.
pub const CORPUS_WORLD33A: &str = include_str!("../eval/corpus-world33a.jsonl");
pub const CORPUS_WORLD33B: &str = include_str!("../eval/corpus-world33b.jsonl");
pub const CORPUS_WORLD33C: &str = include_str!("../eval/corpus-world33c.jsonl");
pub const CORPUS_WORLD33D: &str = include_str!("../eval/corpus-world33d.jsonl");
/// The seventeenth round (same session), written blind while the sixteenth round's rules were made
/// and scored with them before any tuning on it: press, columns, newsletters and aggregators; Hacker
/// News, Reddit, Discord and Slack.
pub const CORPUS_WORLD34A: &str = include_str!("../eval/corpus-world34a.jsonl");
pub const CORPUS_WORLD34B: &str = include_str!("../eval/corpus-world34b.jsonl");
/// Written blind at the end of the same session and scored with all of its rules before joining the
/// corpus: press, columns, newsletters, SEO pages, show notes and local news; Hacker News, Reddit,
/// Discord, Slack and WhatsApp.
pub const CORPUS_WORLD35A: &str = include_str!("../eval/corpus-world35a.jsonl");
pub const CORPUS_WORLD35B: &str = include_str!("../eval/corpus-world35b.jsonl");
/// Written blind at the start of the next session and scored before any tuning: wire, business,
/// trade and local press, columns, newsletters, SEO and aggregator pages, show notes; Hacker News,
/// Reddit, Blind, forums, Lobsters, Mastodon and Bluesky; Discord, Slack, Teams, WhatsApp,
/// Telegram, Signal and LinkedIn.
pub const CORPUS_WORLD36A: &str = include_str!("../eval/corpus-world36a.jsonl");
pub const CORPUS_WORLD36B: &str = include_str!("../eval/corpus-world36b.jsonl");
pub const CORPUS_WORLD36C: &str = include_str!("../eval/corpus-world36c.jsonl");
pub const CORPUS_WORLD37A: &str = include_str!("../eval/corpus-world37a.jsonl");
pub const CORPUS_WORLD37B: &str = include_str!("../eval/corpus-world37b.jsonl");
pub const CORPUS_WORLD37C: &str = include_str!("../eval/corpus-world37c.jsonl");

/// Every corpus file, split alike into training and development parts.
const CORPORA: [&str; 99] = [
    CORPUS_PRESS,
    CORPUS_COMMUNITY,
    CORPUS_EXTRA,
    CORPUS_WORLD,
    CORPUS_WORLD2,
    CORPUS_WORLD3,
    CORPUS_WORLD4,
    CORPUS_WORLD5A,
    CORPUS_WORLD5B,
    CORPUS_WORLD6,
    CORPUS_WORLD7A,
    CORPUS_WORLD7B,
    CORPUS_WORLD7C,
    CORPUS_WORLD8A,
    CORPUS_WORLD8B,
    CORPUS_WORLD8C,
    CORPUS_WORLD8D,
    CORPUS_WORLD9A,
    CORPUS_WORLD9B,
    CORPUS_WORLD9C,
    CORPUS_WORLD10A,
    CORPUS_WORLD10B,
    CORPUS_WORLD11A,
    CORPUS_WORLD11B,
    CORPUS_WORLD12A,
    CORPUS_WORLD12B,
    CORPUS_WORLD13A,
    CORPUS_WORLD13B,
    CORPUS_WORLD14A,
    CORPUS_WORLD14B,
    CORPUS_WORLD15A,
    CORPUS_WORLD15B,
    CORPUS_WORLD16A,
    CORPUS_WORLD16B,
    CORPUS_WORLD16C,
    CORPUS_WORLD17A,
    CORPUS_WORLD17B,
    CORPUS_WORLD18A,
    CORPUS_WORLD18B,
    CORPUS_WORLD19A,
    CORPUS_WORLD19B,
    CORPUS_WORLD19C,
    CORPUS_WORLD20A,
    CORPUS_WORLD20B,
    CORPUS_WORLD21A,
    CORPUS_WORLD21B,
    CORPUS_WORLD22A,
    CORPUS_WORLD22B,
    CORPUS_WORLD22C,
    CORPUS_WORLD23A,
    CORPUS_WORLD23B,
    CORPUS_WORLD23C,
    CORPUS_WORLD23D,
    CORPUS_WORLD24A,
    CORPUS_WORLD24B,
    CORPUS_WORLD24C,
    CORPUS_WORLD24D,
    CORPUS_WORLD25A,
    CORPUS_WORLD25B,
    CORPUS_WORLD25C,
    CORPUS_WORLD25D,
    CORPUS_WORLD26A,
    CORPUS_WORLD26B,
    CORPUS_WORLD26C,
    CORPUS_WORLD27A,
    CORPUS_WORLD27B,
    CORPUS_WORLD27C,
    CORPUS_WORLD28A,
    CORPUS_WORLD28B,
    CORPUS_WORLD28C,
    CORPUS_WORLD28D,
    CORPUS_WORLD29A,
    CORPUS_WORLD29B,
    CORPUS_WORLD29C,
    CORPUS_WORLD29D,
    CORPUS_WORLD30A,
    CORPUS_WORLD30B,
    CORPUS_WORLD30C,
    CORPUS_WORLD31A,
    CORPUS_WORLD31B,
    CORPUS_WORLD31C,
    CORPUS_WORLD31D,
    CORPUS_WORLD32A,
    CORPUS_WORLD32B,
    CORPUS_WORLD32C,
    CORPUS_WORLD33A,
    CORPUS_WORLD33B,
    CORPUS_WORLD33C,
    CORPUS_WORLD33D,
    CORPUS_WORLD34A,
    CORPUS_WORLD34B,
    CORPUS_WORLD35A,
    CORPUS_WORLD35B,
    CORPUS_WORLD36A,
    CORPUS_WORLD36B,
    CORPUS_WORLD36C,
    CORPUS_WORLD37A,
    CORPUS_WORLD37B,
    CORPUS_WORLD37C,
];
/// The frozen held-out part of the corpus, written before tuning started; its hash is pinned by a test.
pub const FROZEN_HOLDOUT: &str = include_str!("../eval/frozen-holdout.jsonl");
/// The first labelled sets: development (tuned on) and two held-out sets.
pub const DEVSET: &str = include_str!("../eval/devset.jsonl");
pub const HOLDOUT: &str = include_str!("../eval/holdout.jsonl");
pub const HOLDOUT2: &str = include_str!("../eval/holdout2.jsonl");

/// One bundled labelled set and whether it may be used for tuning.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    pub name: &'static str,
    pub jsonl: String,
    /// Held-out sets are only ever scored: their misses are not listed and nothing is tuned on them.
    pub held_out: bool,
}

/// Every bundled set, tuning sets first.
pub fn bundled_sets() -> Vec<LabelledSet> {
    let set = |name, jsonl: String, held_out| LabelledSet { name, jsonl, held_out };
    vec![
        set("development (eval/devset.jsonl)", DEVSET.to_string(), false),
        set("corpus, training part", corpus_part(false), false),
        set("corpus, development part", corpus_part(true), false),
        set("held out (eval/holdout.jsonl)", HOLDOUT.to_string(), true),
        set("second held out (eval/holdout2.jsonl)", HOLDOUT2.to_string(), true),
        set("frozen held out (eval/frozen-holdout.jsonl)", FROZEN_HOLDOUT.to_string(), true),
    ]
}

/// The training (`dev == false`) or development part of the labelled corpus, as JSONL.
pub fn corpus_part(dev: bool) -> String {
    let mut out = String::new();
    for line in CORPORA.iter().flat_map(|c| c.lines()) {
        let id = serde_json::from_str::<IdOnly>(line).map(|c| c.doc.id()).unwrap_or_default();
        if !line.trim().is_empty() && is_dev_document(&id) == dev {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[derive(Deserialize)]
struct IdOnly {
    doc: Document,
}

/// About one document in five goes to the development part, chosen by a stable hash of its id.
pub fn is_dev_document(id: &str) -> bool {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes()).is_multiple_of(5)
}

/// The labelled data the scorer is trained on: the development set and the corpus's training part.
/// The corpus's development part is kept out so it measures how well the scorer generalises.
pub fn scorer_training_data() -> String {
    format!("{DEVSET}\n{}", corpus_part(false))
}

/// SHA-256 of the scorer's training data.
pub fn scorer_training_sha256() -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(scorer_training_data().as_bytes()))
}

/// The seed of the scorer's training order; fixed, so retraining is reproducible.
const SCORER_SEED: u64 = 0x1a7e_1105;
/// Probability of "sourced" a writer's-voice claim needs: well above one half, since a false
/// "sourced" misleads and a false "speculative" only asks the reader to check. On the corpus's
/// development part the bar costs no accuracy up to 0.8 while its false-sourced rate falls (0.6:
/// 0.908 / 0.044; 0.75: 0.908 / 0.038; 0.8: 0.908 / 0.036; 0.9: 0.905 / 0.035); above 0.75 plain
/// background ("The cuts follow a hiring spree, when Initech doubled its headcount") turns opinion.
const SCORER_THRESHOLD: f64 = 0.75;
/// Examples a feature must appear in to be learned by the scorer.
const SCORER_MIN_EXAMPLES: usize = 3;

/// Trains the scorer on [`scorer_training_data`]: every writer's-voice claim the rules leave to it,
/// labelled by the expected claim it matches.
pub fn train_scorer(lex: &Lexicon) -> Result<Weights, EvalError> {
    let mut examples: Vec<(Vec<String>, bool)> = Vec::new();
    for case in cases(&scorer_training_data())? {
        let mut used: HashSet<usize> = HashSet::new();
        let inputs = scorer_inputs(&case.doc, lex);
        for input in &inputs {
            let found = case
                .expect
                .iter()
                .enumerate()
                .filter(|(k, e)| !used.contains(k) && e.origin == input.origin)
                .map(|(k, e)| (k, overlap(&e.text, &input.text)))
                .filter(|(_, score)| *score >= 0.5)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((k, _)) = found {
                used.insert(k);
                examples.push((input.features.clone(), case.expect[k].label == "sourced"));
            }
        }
    }
    keep_common_features(&mut examples, SCORER_MIN_EXAMPLES);
    Ok(Weights {
        feature_version: FEATURE_VERSION,
        training_data_sha256: scorer_training_sha256(),
        lexicon_sha256: Lexicon::embedded_sha256(),
        threshold: SCORER_THRESHOLD,
        weights: scorer::train(&examples, SCORER_SEED),
    })
}

/// The seed of the claim gate's training order.
const GATE_SEED: u64 = 0x9a7e_0001;
/// Probability of being an assertion a line needs to be kept. Low on purpose: the gate drops a line
/// only when it is nearly sure, because a lost claim costs the reader more than a stray line. Set from
/// a first prototype of the model on the corpus's development part, which it was not fitted to
/// (spurious lines dropped / claims lost, of 342 / 3,874): 0.5 drops 163 / 57, 0.3 drops 89 / 16,
/// 0.2 drops 58 / 4, 0.1 drops 25 / 1.
const GATE_THRESHOLD: f64 = 0.2;
/// Lines a feature must appear on to be learned.
const GATE_MIN_LINES: usize = 5;

/// Trains the claim gate on [`scorer_training_data`]: every line the labeller emits before the gate
/// that the gate may drop, an assertion when an expected claim matches it, no assertion when none does.
pub fn train_gate(lex: &Lexicon) -> Result<Weights, EvalError> {
    let mut examples: Vec<(Vec<String>, bool)> = Vec::new();
    for case in cases(&scorer_training_data())? {
        let predicted = label_document_ungated(&case.doc, lex);
        if predicted.len() < gate::MIN_LINES {
            continue;
        }
        let mut used: HashSet<usize> = HashSet::new();
        for exp in &case.expect {
            if let Some(k) = best_match(exp, &predicted, &used) {
                used.insert(k);
            }
        }
        let texts = origin_texts(&case.doc);
        for (k, claim) in predicted.iter().enumerate().filter(|(_, c)| gate::may_drop(c)) {
            let (text, message) = texts.get(&claim.origin).map_or(("", false), |(t, m)| (t.as_str(), *m));
            let place = gate::Place { text, message, index: k, count: predicted.len() };
            examples.push((gate::features(&claim.text, place), used.contains(&k)));
        }
    }
    keep_common_features(&mut examples, GATE_MIN_LINES);
    Ok(Weights {
        feature_version: gate::FEATURE_VERSION,
        training_data_sha256: gate_training_sha256(),
        lexicon_sha256: Lexicon::embedded_sha256(),
        threshold: GATE_THRESHOLD,
        weights: scorer::train(&examples, GATE_SEED),
    })
}

/// Drops every feature seen in fewer than `min` examples: a word or word pair that rare is a name
/// of the corpus's invented world or one writer's phrasing, not a shape of writing, and a weight
/// learned for it would memorise its few claims rather than generalise.
fn keep_common_features(examples: &mut [(Vec<String>, bool)], min: usize) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for name in examples.iter().flat_map(|(f, _)| f) {
        *seen.entry(name.as_str()).or_default() += 1;
    }
    let common: HashSet<String> =
        seen.into_iter().filter(|(_, n)| *n >= min).map(|(name, _)| name.to_string()).collect();
    for (features, _) in examples {
        features.retain(|f| common.contains(f));
    }
}

/// SHA-256 of what the claim gate learns from: the scorer's training data and the scorer's weights,
/// which the labeller's output (split or merged claims) depends on.
pub fn gate_training_sha256() -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(scorer_training_data().as_bytes());
    hash.update([0u8]);
    hash.update(Weights::embedded_file().as_bytes());
    hex::encode(hash.finalize())
}

/// The text each claim origin of a document was found in, as the labeller reads it, and whether it
/// is a chat message.
fn origin_texts(doc: &Document) -> HashMap<String, (String, bool)> {
    match doc {
        Document::Article(a) => HashMap::from([(doc.id(), (article_text(&a.text), false))]),
        Document::Thread(t) => {
            t.messages.iter().enumerate().map(|(i, m)| (m.origin(i), (m.text.clone(), true))).collect()
        }
    }
}

/// One labelled document: its style, the document and every claim it makes (exhaustively).
#[derive(Debug, Deserialize)]
pub struct Case {
    /// The writing style ("wire", "newsletter", "reddit", …); older sets have none, and their slice is
    /// named by the document's kind.
    #[serde(default)]
    pub style: Option<String>,
    pub doc: Document,
    pub expect: Vec<Expected>,
}

/// A claim as the labelled set expects it.
#[derive(Debug, Deserialize)]
pub struct Expected {
    pub text: String,
    pub origin: String,
    pub label: String,
    pub reasons: Vec<String>,
    /// The uncertainty cues in the claim; older sets do not list them.
    #[serde(default)]
    pub hedges: Option<Vec<String>>,
}

impl Case {
    fn style(&self) -> String {
        self.style.clone().unwrap_or_else(|| match self.doc {
            Document::Article(_) => "article".into(),
            Document::Thread(_) => "thread".into(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "line {line} of the labelled set is not a valid case: {source}; each line needs {{\"doc\":…,\"expect\":[…]}}"
    )]
    Case { line: usize, source: serde_json::Error },
}

/// Parses a JSONL labelled set.
pub fn cases(jsonl: &str) -> Result<Vec<Case>, EvalError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|source| EvalError::Case { line: i + 1, source }))
        .collect()
}

/// One expected claim the labeller got wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    pub text: String,
    pub expected: String,
    pub got: String,
}

/// The headline figures of a set or of one style within it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    /// Expected claims.
    pub claims: usize,
    pub correct: usize,
    /// Expected speculative claims, and those of them labelled sourced.
    pub speculative: usize,
    pub false_sourced: usize,
    /// Claims the labeller emitted, and those of them no expected claim matched.
    pub predicted: usize,
    pub spurious: usize,
}

impl Figures {
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.claims)
    }

    pub fn false_sourced_rate(&self) -> f64 {
        ratio(self.false_sourced, self.speculative)
    }

    pub fn spurious_rate(&self) -> f64 {
        ratio(self.spurious, self.predicted)
    }

    fn add(&mut self, other: &Figures) {
        self.claims += other.claims;
        self.correct += other.correct;
        self.speculative += other.speculative;
        self.false_sourced += other.false_sourced;
        self.predicted += other.predicted;
        self.spurious += other.spurious;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The figures of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub figures: Figures,
    pub unmatched: usize,
    pub accuracy: f64,
    pub speculative_f1: f64,
    pub reason_macro_f1: f64,
    pub false_sourced_rate: f64,
    pub spurious_rate: f64,
    /// Matched claims whose expected hedges were listed, and those whose hedges the labeller found
    /// exactly (as a set).
    pub hedged_claims: usize,
    pub hedges_exact: usize,
    pub per_reason_f1: BTreeMap<String, f64>,
    pub per_style: BTreeMap<String, Figures>,
    pub misses: Vec<Miss>,
    /// Claims the labeller emitted that no expected claim matched.
    pub spurious: Vec<String>,
}

impl Report {
    pub fn claims(&self) -> usize {
        self.figures.claims
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn f1(self) -> f64 {
        let denom = 2 * self.tp + self.fp + self.fn_;
        if denom == 0 { 1.0 } else { 2.0 * self.tp as f64 / denom as f64 }
    }
}

/// Evaluates the labeller on a JSONL labelled set.
pub fn evaluate(jsonl: &str, lex: &Lexicon) -> Result<Report, EvalError> {
    let mut report = Report::default();
    let mut spec = Counts::default();
    let mut reasons: BTreeMap<&str, Counts> = REASONS.iter().map(|r| (*r, Counts::default())).collect();
    for case in cases(jsonl)? {
        let predicted = label_document(&case.doc, lex);
        let mut fig = Figures { predicted: predicted.len(), ..Figures::default() };
        let mut used: HashSet<usize> = HashSet::new();
        for exp in &case.expect {
            fig.claims += 1;
            let matched = best_match(exp, &predicted, &used);
            let exp_spec = exp.label == "speculative";
            fig.speculative += usize::from(exp_spec);
            let (got_label, got_reasons): (String, Vec<&str>) = match matched {
                Some(k) => {
                    used.insert(k);
                    (predicted[k].verdict.label().to_string(), predicted[k].verdict.reason_names())
                }
                None => {
                    report.unmatched += 1;
                    ("(no such claim)".to_string(), Vec::new())
                }
            };
            if let (Some(k), Some(want)) = (matched, &exp.hedges) {
                report.hedged_claims += 1;
                let want: HashSet<String> = want.iter().map(|h| h.to_lowercase()).collect();
                let got: HashSet<String> = predicted[k].hedges.iter().cloned().collect();
                report.hedges_exact += usize::from(want == got);
            }
            let got_spec = got_label == "speculative";
            if got_label == exp.label {
                fig.correct += 1;
            } else {
                report.misses.push(Miss {
                    text: exp.text.clone(),
                    expected: format!("{} {:?}", exp.label, exp.reasons),
                    got: format!("{got_label} {got_reasons:?}"),
                });
            }
            if exp_spec && got_label == "sourced" {
                fig.false_sourced += 1;
            }
            match (exp_spec, got_spec) {
                (true, true) => spec.tp += 1,
                (false, true) => spec.fp += 1,
                (true, false) => spec.fn_ += 1,
                _ => {}
            }
            for (r, counts) in reasons.iter_mut() {
                let e = exp.reasons.iter().any(|x| x == r);
                let g = got_reasons.contains(r);
                match (e, g) {
                    (true, true) => counts.tp += 1,
                    (false, true) => counts.fp += 1,
                    (true, false) => counts.fn_ += 1,
                    _ => {}
                }
            }
        }
        for (k, c) in predicted.iter().enumerate() {
            if !used.contains(&k) {
                fig.spurious += 1;
                report.spurious.push(c.text.clone());
            }
        }
        report.figures.add(&fig);
        report.per_style.entry(case.style()).or_default().add(&fig);
    }
    report.accuracy = report.figures.accuracy();
    report.false_sourced_rate = report.figures.false_sourced_rate();
    report.spurious_rate = report.figures.spurious_rate();
    report.speculative_f1 = spec.f1();
    report.per_reason_f1 = reasons.iter().map(|(r, c)| (r.to_string(), c.f1())).collect();
    report.reason_macro_f1 = report.per_reason_f1.values().sum::<f64>() / REASONS.len() as f64;
    Ok(report)
}

/// The unused predicted claim of the same origin that shares the most words with the expected one.
fn best_match(exp: &Expected, predicted: &[Claim], used: &HashSet<usize>) -> Option<usize> {
    predicted
        .iter()
        .enumerate()
        .filter(|(k, c)| c.origin == exp.origin && !used.contains(k))
        .map(|(k, c)| (k, overlap(&exp.text, &c.text)))
        .filter(|(_, score)| *score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// The share of words two claims have in common, relative to the longer one.
fn overlap(a: &str, b: &str) -> f64 {
    let (a, b) = (words(a), words(b));
    a.intersection(&b).count() as f64 / a.len().max(b.len()).max(1) as f64
}

fn words(text: &str) -> HashSet<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty() && !w.starts_with("http"))
        .collect()
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fig = &self.figures;
        writeln!(f, "claims: {} (unmatched by segmentation: {})", fig.claims, self.unmatched)?;
        writeln!(f, "accuracy: {:.3}", self.accuracy)?;
        writeln!(f, "speculative F1: {:.3}", self.speculative_f1)?;
        writeln!(f, "reason macro-F1: {:.3}", self.reason_macro_f1)?;
        writeln!(f, "false-sourced rate: {:.3}", self.false_sourced_rate)?;
        writeln!(f, "spurious rate: {:.3} ({} of {} emitted claims)", self.spurious_rate, fig.spurious, fig.predicted)?;
        if self.hedged_claims > 0 {
            writeln!(
                f,
                "hedges exactly right: {:.3} (of {} claims with hedges listed)",
                ratio(self.hedges_exact, self.hedged_claims),
                self.hedged_claims
            )?;
        }
        let per: Vec<String> = self.per_reason_f1.iter().map(|(r, v)| format!("{r} {v:.2}")).collect();
        writeln!(f, "per reason F1: {}", per.join(", "))?;
        write!(f, "per style:")?;
        for (style, s) in &self.per_style {
            write!(
                f,
                "\n  {style:<12} claims {:>4}  accuracy {:.3}  false-sourced {:.3}  spurious {:.3}",
                s.claims,
                s.accuracy(),
                s.false_sourced_rate(),
                s.spurious_rate()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_CASE: &str = r#"{"style":"wire","doc":{"kind":"article","id":"x1","outlet":"Reuters","text":"Hooli will cut 300 jobs, the company said on Monday.\nShare this article"},"expect":[{"text":"Hooli will cut 300 jobs, the company said on Monday.","origin":"x1","label":"sourced","reasons":["official"],"hedges":[]}]}"#;

    #[test]
    fn a_style_slice_adds_up_to_the_whole_set() {
        let report = evaluate(ONE_CASE, Lexicon::embedded()).unwrap();
        assert_eq!(report.per_style["wire"].claims, report.claims());
        assert_eq!(report.per_style["wire"].correct, report.figures.correct);
    }

    #[test]
    fn a_predicted_claim_nobody_expected_is_spurious() {
        let extra = ONE_CASE.replace("Share this article", "Initech also froze hiring in Ohio last week.");
        let report = evaluate(&extra, Lexicon::embedded()).unwrap();
        assert_eq!(report.figures.spurious, 1, "{:?}", report.spurious);
        assert!((report.spurious_rate - 0.5).abs() < 1e-9);
    }

    #[test]
    fn the_scorer_weights_match_their_training_data_lexicons_and_features() {
        let w = Weights::embedded();
        let retrain = "retrain with `cargo run --example train_labels`";
        assert_eq!(w.feature_version, FEATURE_VERSION, "the scorer's features changed: {retrain}");
        assert_eq!(w.training_data_sha256, scorer_training_sha256(), "the training data changed: {retrain}");
        assert_eq!(w.lexicon_sha256, Lexicon::embedded_sha256(), "the lexicon files changed: {retrain}");
        assert_eq!(w, &train_scorer(Lexicon::embedded()).unwrap(), "retraining gives other weights: {retrain}");
    }

    #[test]
    fn the_claim_gate_weights_match_their_training_data_scorer_lexicons_and_features() {
        let w = gate::embedded();
        let retrain = "retrain with `cargo run --example train_labels` (twice when the scorer changed)";
        assert_eq!(w.feature_version, gate::FEATURE_VERSION, "the gate's features changed: {retrain}");
        assert_eq!(w.training_data_sha256, gate_training_sha256(), "the training data or scorer changed: {retrain}");
        assert_eq!(w.lexicon_sha256, Lexicon::embedded_sha256(), "the lexicon files changed: {retrain}");
        assert_eq!(w, &train_gate(Lexicon::embedded()).unwrap(), "retraining gives other weights: {retrain}");
    }

    #[test]
    fn the_corpus_split_is_stable_and_disjoint() {
        let train = corpus_part(false);
        let dev = corpus_part(true);
        assert_eq!(
            train.lines().count() + dev.lines().count(),
            CORPORA.iter().flat_map(|c| c.lines()).filter(|l| !l.trim().is_empty()).count()
        );
        assert!(train.lines().all(|l| !dev.contains(l)));
        assert_eq!(is_dev_document("tp-wire-01"), is_dev_document("tp-wire-01"));
    }
}
