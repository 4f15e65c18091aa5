//! Block Kit for everything the bot posts: story posts, thread replies, digests and thread summaries.
//! Pure: messages in, blocks out, so what users see is tested without a network.
//!
//! Two rules hold for every string that reaches Slack:
//! - Content is escaped (`&`, `<`, `>`) and mention words are defused, so no article title or chat
//!   message can form `<!channel>`, `<!here>`, `<@U…>` or a link; the only links are the ones built
//!   here from parsed http(s) URLs.
//! - Slack's limits are met by splitting, never by failing: a section's text is at most 3,000
//!   characters, a header's 150, a context element's 2,000, and a message has at most 50 blocks. A
//!   message that would be longer becomes several, the later ones posted in the same thread.

use crate::core::analyze::Analysis;
use crate::core::claims::Claim;
use crate::core::facts::{AiReasonBy, LayoffFact, headcount_text};
use crate::core::message::{DigestPost, ShownBullet, ShownClaim, StoryPost, StoryUpdate};
use crate::core::summarize::Summary;
use crate::core::text::defuse_mentions;
use crate::delivery::fit;
use slack_morphism::prelude::*;

/// Slack's limit on a section block's text.
pub const SECTION_LIMIT: usize = 3_000;
/// Slack's limit on a header block's text.
pub const HEADER_LIMIT: usize = 150;
/// Slack's limit on a context element's text.
pub const CONTEXT_LIMIT: usize = 2_000;
/// Slack's limit on blocks in one message.
pub const BLOCKS_LIMIT: usize = 50;
/// The notification text kept short: Slack truncates long `text` and shows it only in notifications.
pub const FALLBACK_LIMIT: usize = 3_000;
/// Claims listed per part of a thread summary; more is a wall nobody reads in chat.
const SUMMARY_CLAIMS: usize = 20;
/// URLs longer than this are shown as their host instead of a link; no real article URL is this long.
const MAX_LINK_URL: usize = 1_000;

/// One Slack message: its blocks and the plain fallback Slack shows in notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub blocks: Vec<SlackBlock>,
}

pub use crate::delivery::fit::slack::escape;

/// Text for `plain_text` objects, where Slack parses no markup. A zero-width space still follows
/// every `<` and every mention word, so not even a copy-paste of the header can ping anyone or link.
fn plain(text: &str) -> String {
    defuse_mentions(&text.replace('<', "<\u{200B}"))
}

/// A link we chose: only parsed http(s) URLs become `<url|label>`; anything else is shown as text.
pub fn link(url: &str, label: &str) -> String {
    let label = escape(label).replace('|', "¦");
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.as_str().len() <= MAX_LINK_URL => {
            let target = u.as_str().replace('&', "&amp;").replace('|', "%7C");
            format!("<{target}|{label}>")
        }
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            format!("{label} ({})", escape(u.host_str().unwrap_or("link")))
        }
        _ => label,
    }
}

fn first_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Collects blocks into messages of at most [`BLOCKS_LIMIT`] blocks.
struct Builder {
    fallback: String,
    messages: Vec<Vec<SlackBlock>>,
}

impl Builder {
    fn new(fallback: &str) -> Self {
        Self { fallback: first_chars(fallback, FALLBACK_LIMIT), messages: vec![Vec::new()] }
    }

    fn push(&mut self, block: SlackBlock) {
        if self.messages.last().is_some_and(|m| m.len() >= BLOCKS_LIMIT) {
            let continued = context_block("_(continued)_");
            self.messages.push(vec![continued]);
        }
        self.messages.last_mut().expect("always one message").push(block);
    }

    fn header(&mut self, text: &str) {
        let text = plain(text);
        let shown = first_chars(&text, HEADER_LIMIT);
        let cut = shown != text;
        self.push(SlackHeaderBlock::new(SlackBlockPlainText::new(shown).into()).into());
        if cut {
            self.section(&format!("*{}*", escape(&text)));
        }
    }

    /// A section per piece of `mrkdwn` (already escaped) that fits the limit.
    fn section(&mut self, mrkdwn: &str) {
        for piece in fit::slack::split(mrkdwn, SECTION_LIMIT) {
            let text = SlackBlockText::MarkDown(SlackBlockMarkDownText::new(piece));
            self.push(SlackSectionBlock::new().with_text(text).into());
        }
    }

    fn context(&mut self, mrkdwn: &str) {
        for piece in fit::slack::split(mrkdwn, CONTEXT_LIMIT) {
            self.push(context_block(&piece));
        }
    }

    fn divider(&mut self) {
        self.push(SlackDividerBlock::new().into());
    }

    fn finish(self) -> Vec<Rendered> {
        let fallback = self.fallback;
        self.messages
            .into_iter()
            .filter(|m| !m.is_empty())
            .map(|blocks| Rendered { text: fallback.clone(), blocks })
            .collect()
    }
}

fn context_block(mrkdwn: &str) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(mrkdwn.to_string()))])
        .into()
}

/// One fact as a line: "Company: about 1,200 jobs · 10% of staff · from 2026-05-20 · AI named by the
/// company — source".
fn fact_line(f: &LayoffFact) -> String {
    let mut parts = Vec::new();
    if let Some(n) = f.headcount {
        parts.push(format!("{} jobs", headcount_text(n, f.headcount_qualifier)));
    }
    if let Some(p) = f.percent {
        parts.push(format!("{p}% of staff"));
    }
    match (f.announced, f.effective) {
        (_, Some(e)) => parts.push(format!("effective {e}")),
        (Some(a), None) => parts.push(format!("announced {a}")),
        (None, None) => {
            if let Some(d) = f.date {
                parts.push(format!("{d}"));
            }
        }
    }
    if let Some(by) = f.ai_reason {
        parts.push(
            match by {
                AiReasonBy::Company => "AI named as a reason by the company",
                AiReasonBy::Outlet => "AI named as a reason by the outlet",
                AiReasonBy::Commentators => "AI named as a reason by commentators, not the company",
            }
            .to_string(),
        );
    }
    let company = f.company.as_deref().unwrap_or("Unnamed company");
    let source = if f.item.starts_with("http") { link(&f.item, &f.source) } else { escape(&f.source) };
    format!("• *{}*: {} — {}", escape(company), escape(&parts.join(" · ")), source)
}

fn bullet_line(b: &ShownBullet) -> String {
    let mark = if b.speculative { " _(speculative)_" } else { "" };
    let cites: Vec<String> = b
        .cites
        .iter()
        .filter(|c| c.starts_with("http"))
        .map(|c| link(c, &crate::core::text::host_of(c).unwrap_or_else(|| "source".into())))
        .collect();
    let cites = if cites.is_empty() { String::new() } else { format!(" ({})", cites.join(", ")) };
    format!("• {}{mark}{cites}", escape(&b.text))
}

/// "• claim — _reasons_ · source link" for a claim shown in a story.
fn claim_line(c: &ShownClaim) -> String {
    let reasons = escape(&c.reasons.join(", "));
    let origin_host = crate::core::text::host_of(&c.origin);
    let source = match &c.source {
        Some(s) => match s.url.as_deref().or(Some(c.origin.as_str()).filter(|o| o.starts_with("http"))) {
            Some(url) => link(url, &s.name),
            None => escape(&s.name),
        },
        None => match &origin_host {
            Some(host) => format!("from {}", link(&c.origin, host)),
            None => "no source named".into(),
        },
    };
    format!("• {} — _{reasons}_ · {source}", escape(&c.text))
}

fn claims_part(b: &mut Builder, title: &str, claims: &[ShownClaim]) {
    let mut text = format!("*{title}* ({})", claims.len());
    if claims.is_empty() {
        text.push_str("\n_none_");
    }
    for c in claims {
        text.push('\n');
        text.push_str(&claim_line(c));
    }
    b.section(&text);
}

/// A story's first post; `edited` marks the version that replaces it when its facts change.
pub fn story(p: &StoryPost, edited: bool) -> Vec<Rendered> {
    let fallback =
        format!("{} ({} sourced, {} speculative claims)", escape(&p.headline), p.sourced.len(), p.speculative.len());
    let mut b = Builder::new(&fallback);
    b.header(&p.headline);
    let mut summary: Vec<String> = p.bullets.iter().map(bullet_line).collect();
    if let Some(url) = &p.url {
        summary.push(link(url, "Read the first report"));
    }
    if !summary.is_empty() {
        b.section(&summary.join("\n"));
    }
    if !p.facts.is_empty() {
        let mut facts = String::from("*Layoff facts*");
        for f in &p.facts {
            facts.push('\n');
            facts.push_str(&fact_line(f));
        }
        b.section(&facts);
    }
    b.divider();
    claims_part(&mut b, ":white_check_mark: Sourced", &p.sourced);
    claims_part(&mut b, ":grey_question: Speculative", &p.speculative);
    let mut context = format!(
        "Outlets: {} · First seen {}",
        escape(&p.outlets.join(", ")),
        p.first_seen.format("%Y-%m-%d %H:%M UTC")
    );
    if edited {
        context.push_str(&format!(" · Updated (revision {})", p.revision));
    }
    b.context(&context);
    b.finish()
}

/// Later coverage, posted as a reply in the story's thread.
pub fn update(u: &StoryUpdate) -> Vec<Rendered> {
    let fallback = format!("Also reported by {}: {}", escape(&u.outlet), escape(&u.title));
    let mut b = Builder::new(&fallback);
    let title = match &u.url {
        Some(url) => link(url, &u.title),
        None => escape(&u.title),
    };
    b.section(&format!("↳ *Also reported by {}*: {title}", escape(&u.outlet)));
    if let Some(note) = &u.revision_note {
        b.section(&format!("*{}*", escape(note)));
    }
    if !u.new_sourced.is_empty() {
        claims_part(&mut b, ":white_check_mark: New, sourced", &u.new_sourced);
    }
    if !u.new_speculative.is_empty() {
        claims_part(&mut b, ":grey_question: New, speculative", &u.new_speculative);
    }
    b.finish()
}

/// A channel's digest: each story it missed as a headline, its facts and its claim counts.
pub fn digest(d: &DigestPost) -> Vec<Rendered> {
    let fallback = format!("Layoff digest: {} stories", d.stories.len());
    let mut b = Builder::new(&fallback);
    b.header("Layoff digest");
    b.context(&format!(
        "Stories from {} to {}",
        d.from.format("%Y-%m-%d %H:%M UTC"),
        d.to.format("%Y-%m-%d %H:%M UTC")
    ));
    if d.stories.is_empty() {
        b.section("_No new stories in this period._");
    }
    for s in &d.stories {
        b.divider();
        let headline = match &s.url {
            Some(url) => link(url, &s.headline),
            None => escape(&s.headline),
        };
        let mut text = format!("*{headline}*");
        for f in &s.facts {
            text.push('\n');
            text.push_str(&fact_line(f));
        }
        for bullet in s.bullets.iter().take(3) {
            text.push('\n');
            text.push_str(&bullet_line(bullet));
        }
        b.section(&text);
        b.context(&format!(
            "{} sourced, {} speculative claims · Outlets: {}",
            s.sourced.len(),
            s.speculative.len(),
            escape(&s.outlets.join(", "))
        ));
    }
    b.finish()
}

/// What a thread summary cites: message ids mapped to permalinks in the analysis.
fn cite_links(cites: &[String], analysis: &Analysis) -> String {
    let links: Vec<String> = cites
        .iter()
        .enumerate()
        .map(|(i, c)| match analysis.permalink(c) {
            Some(p) => link(p, &format!("msg {}", i + 1)),
            None => escape(c),
        })
        .collect();
    if links.is_empty() { String::new() } else { format!(" ({})", links.join(", ")) }
}

fn summary_claim_line(c: &Claim, analysis: &Analysis) -> String {
    let reasons = c.verdict.reason_names().join(", ");
    let source = match c.verdict.source() {
        Some(s) => match &s.url {
            Some(url) => format!(" · {}", link(url, &s.name)),
            None => format!(" · {}", escape(&s.name)),
        },
        None => String::new(),
    };
    let message = match analysis.permalink(&c.origin) {
        Some(p) => format!(" · {}", link(p, "message")),
        None => String::new(),
    };
    format!("• {} — _{}_{source}{message}", escape(&c.text), escape(&reasons))
}

/// How much of a thread a summary covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Messages summarized.
    pub read: usize,
    /// Messages in the thread that were left out (beyond the bot's reading limit).
    pub skipped: usize,
}

/// A chat thread's summary, posted as a reply in that thread: the bullets with links to the messages
/// they cite, then the sourced and the speculative claims.
pub fn thread_summary(summary: &Summary, analysis: &Analysis, coverage: Coverage) -> Vec<Rendered> {
    let fallback = format!("Thread summary: {}", escape(&summary.headline));
    let mut b = Builder::new(&fallback);
    b.header("Thread summary");
    let mut bullets = format!("*{}*", escape(&summary.headline));
    for bullet in &summary.bullets {
        let mark = if bullet.speculative { " _(speculative)_" } else { "" };
        bullets.push_str(&format!("\n• {}{mark}{}", escape(&bullet.text), cite_links(&bullet.cites, analysis)));
    }
    b.section(&bullets);
    b.divider();
    let part = |b: &mut Builder, title: &str, claims: &[Claim]| {
        // A thread repeats itself; each distinct claim is listed once, the first time it was said.
        let mut seen = std::collections::HashSet::new();
        let distinct: Vec<&Claim> = claims.iter().filter(|c| seen.insert(c.text.trim().to_lowercase())).collect();
        let mut text = format!("*{title}* ({})", distinct.len());
        if distinct.is_empty() {
            text.push_str("\n_none_");
        }
        for c in distinct.iter().take(SUMMARY_CLAIMS) {
            text.push('\n');
            text.push_str(&summary_claim_line(c, analysis));
        }
        if distinct.len() > SUMMARY_CLAIMS {
            text.push_str(&format!("\n• …and {} more", distinct.len() - SUMMARY_CLAIMS));
        }
        b.section(&text);
    };
    part(&mut b, ":white_check_mark: Sourced", &summary.sourced);
    part(&mut b, ":grey_question: Speculative", &summary.speculative);
    let mut context = format!("Summarized {} messages", coverage.read);
    if coverage.skipped > 0 {
        context.push_str(&format!(" (the {} newest were past the reading limit and left out)", coverage.skipped));
    }
    context.push_str(" · sourced means a named outlet, document, official or a backing link; speculative says why");
    b.context(&context);
    b.finish()
}

/// A short notice (command replies, errors), escaped, split to fit.
pub fn notice(mrkdwn: &str) -> Vec<Rendered> {
    let mut b = Builder::new(mrkdwn);
    b.section(mrkdwn);
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn claim(text: &str) -> ShownClaim {
        ShownClaim {
            text: text.into(),
            reasons: vec!["hedge".into()],
            source: None,
            origin: "https://news.example/a".into(),
        }
    }

    fn post(headline: &str, claims: usize) -> StoryPost {
        StoryPost {
            story_id: "s1".into(),
            revision: 1,
            headline: headline.into(),
            url: Some("https://news.example/a?x=1&y=2".into()),
            bullets: vec![],
            facts: vec![],
            sourced: vec![],
            speculative: (0..claims).map(|i| claim(&format!("claim {i} {}", "word ".repeat(200)))).collect(),
            outlets: vec!["Example News".into()],
            first_seen: Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap(),
        }
    }

    fn json(r: &Rendered) -> String {
        serde_json::to_string(&r.blocks).unwrap()
    }

    #[test]
    fn content_cannot_form_a_mention_or_a_link() {
        let p = post("<!channel> Acme cuts 500 @here <@U123> <https://evil.example|click>", 0);
        let rendered = story(&p, false);
        for r in &rendered {
            let all = format!("{} {}", r.text, json(r));
            for bad in ["<!channel>", "<!here>", "@here", "<@U123>", "<https://evil.example"] {
                assert!(!all.contains(bad), "{bad} in {all}");
            }
        }
    }

    #[test]
    fn links_are_ours_and_their_ampersands_escaped() {
        assert_eq!(link("https://a.example/x?b=1&c=2", "A <b>"), "<https://a.example/x?b=1&amp;c=2|A &lt;b&gt;>");
        assert_eq!(link("javascript:alert(1)", "x"), "x");
    }

    #[test]
    fn a_long_story_splits_into_messages_within_every_limit() {
        let rendered = story(&post(&"Very long headline ".repeat(20), 120), false);
        assert!(rendered.len() > 1, "expected a split, got {}", rendered.len());
        for r in &rendered {
            assert!(r.blocks.len() <= BLOCKS_LIMIT);
            for block in &r.blocks {
                match block {
                    SlackBlock::Section(s) => match &s.text {
                        Some(SlackBlockText::MarkDown(t)) => assert!(t.text.chars().count() <= SECTION_LIMIT),
                        other => panic!("unexpected section text {other:?}"),
                    },
                    SlackBlock::Header(_) => {
                        let v = serde_json::to_value(block).unwrap();
                        assert!(v["text"]["text"].as_str().unwrap().chars().count() <= HEADER_LIMIT);
                    }
                    _ => {}
                }
            }
        }
        let total: usize = rendered.iter().map(|r| json(r).matches("claim ").count()).sum();
        assert_eq!(total, 120, "every claim is shown once");
    }

    #[test]
    fn splitting_never_cuts_inside_a_link_or_an_escape() {
        let line = format!("{}<https://a.example/{}|label> &amp; more", "x".repeat(2_990), "p".repeat(30));
        let pieces = fit::slack::split(&line, SECTION_LIMIT);
        assert!(pieces[0].ends_with('x'), "{}", &pieces[0][2_980..]);
        assert!(pieces[1].starts_with("<https://"));
    }

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(headcount_text(1_234_567, None), "1,234,567");
        assert_eq!(headcount_text(500, Some(crate::core::facts::Qualifier::About)), "about 500");
    }
}
