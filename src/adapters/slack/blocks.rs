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

use super::events::ClaimsRef;
use crate::commands::ClaimList;
use crate::core::glance::{Glance, mark_of};
use crate::core::message::{DigestPost, ShownClaim, StoryPost, StoryUpdate};
use crate::core::recap::{MessageLink, Recap};
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
/// The `action_id` of the "All claims" button; its `value` is a [`ClaimsRef`], never text.
pub const CLAIMS_ACTION: &str = "layoffwatch_claims";
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

/// The "All claims" button under the count line: a click asks for the full list, shown only to the
/// person who clicked. It carries the reference alone; the claims are recomputed on click.
pub fn claims_button(of: &ClaimsRef) -> SlackBlock {
    let button = SlackBlockButtonElement::new("All claims".into())
        .with_action_id(SlackActionId::new(CLAIMS_ACTION.to_string()))
        .with_value(of.value());
    SlackActionsBlock::new(vec![SlackActionBlockElement::Button(button)]).into()
}

/// "• claim — ✅ source" or "• claim — ❔ reason" in reader words, the source linked.
fn claim_line(c: &ShownClaim) -> String {
    let mark = mark_of(c).render(&escape, &|w| format!("_{w}_"));
    let url = match &c.source {
        Some(s) => s.url.as_deref().or(Some(c.origin.as_str())),
        None => Some(c.origin.as_str()),
    };
    let link = url.filter(|u| u.starts_with("http")).map(|u| format!(" {}", link(u, "↗"))).unwrap_or_default();
    format!("• {} — {mark}{link}", escape(&c.text))
}

/// The headline, linked when the story has a link.
fn headline_link(headline: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => link(url, headline),
        None => escape(headline),
    }
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

/// A story's first post as a reader takes it in at a glance ([`Glance`]): the linked headline, the
/// facts line, at most three marked lines, then the state with the claim counts, and the outlets.
/// `edited` marks the version that replaces it when its facts change.
pub fn story(p: &StoryPost, edited: bool) -> Vec<Rendered> {
    let g = Glance::of(p);
    let fallback = format!("{} · {}", escape(&g.headline), escape(&g.counts));
    let mut b = Builder::new(&fallback);
    b.section(&format!("*{}*", headline_link(&g.headline, g.url.as_deref())));
    if let Some(facts) = &g.facts {
        b.context(&escape(facts));
    }
    let lines: Vec<String> = g
        .lines
        .iter()
        .map(|l| format!("• {} {}", escape(&l.text), l.mark.render(&escape, &|w| format!("_{w}_"))))
        .collect();
    if !lines.is_empty() {
        b.section(&lines.join("\n"));
    }
    let edited = if edited { " · updated" } else { "" };
    b.context(&format!("{} · {}{edited}\n{}", g.state.word(), escape(&g.counts), escape(&g.outlets)));
    let story = crate::commands::StoryRef::parse(&p.story_id);
    if let Some(story) = story.filter(|_| !(p.sourced.is_empty() && p.speculative.is_empty())) {
        b.push(claims_button(&ClaimsRef::Story(story)));
    }
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
        let g = Glance::of(s);
        let mut text = format!("*{}*", headline_link(&g.headline, g.url.as_deref()));
        if let Some(facts) = &g.facts {
            text.push_str(&format!("\n{}", escape(facts)));
        }
        for l in &g.lines {
            text.push_str(&format!("\n• {} {}", escape(&l.text), l.mark.render(&escape, &|w| format!("_{w}_"))));
        }
        b.section(&text);
        b.context(&format!("{} · {} · {}", g.state.word(), escape(&g.counts), escape(&g.outlets)));
    }
    b.finish()
}

/// "msg 4", linked to the message when it has a permalink.
fn message_link(l: &Option<MessageLink>) -> String {
    match l {
        Some(MessageLink { label, url: Some(url) }) => format!(" ({})", link(url, label)),
        Some(MessageLink { label, url: None }) => format!(" ({})", escape(label)),
        None => String::new(),
    }
}

/// How much of a thread a summary covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Messages summarized.
    pub read: usize,
    /// Messages in the thread that were left out (beyond the bot's reading limit).
    pub skipped: usize,
}

/// A chat thread's summary, posted as a reply in that thread, shorter than the thread ([`Recap`]):
/// what it is about (linked to the report), what is sourced and by whom, the unconfirmed claims
/// grouped by topic, and a context line with the counts.
pub fn thread_summary(recap: &Recap, coverage: Coverage) -> Vec<Rendered> {
    let fallback = format!("Thread summary: {}", escape(&recap.headline));
    let mut b = Builder::new(&fallback);
    let headline = match &recap.headline_url {
        Some(url) => link(url, &recap.headline),
        None => escape(&recap.headline),
    };
    let mut text = format!("*{headline}*");
    for s in &recap.sourced {
        text.push_str(&format!("\n✅ *{}*{}: {}", escape(&s.source), message_link(&s.link), escape(&s.what)));
    }
    if !recap.topics.is_empty() {
        let topics: Vec<String> = recap
            .topics
            .iter()
            .map(|t| {
                let n = t.messages_text();
                format!("*{}* ({n}, _{}_): “{}”{}", escape(&t.word), t.why, escape(&t.example), message_link(&t.link))
            })
            .collect();
        text.push_str(&format!("\n❔ Unconfirmed: {}", topics.join(" · ")));
    }
    b.section(&text);
    let mut context = format!("Thread summary · {}", escape(&recap.counts));
    if coverage.skipped > 0 {
        context.push_str(&format!(" · the {} newest were past the reading limit", coverage.skipped));
    }
    b.context(&context);
    b.finish()
}

/// The full claim list behind a count line, as mrkdwn for [`notice`] to split: what it is about,
/// then every sourced claim with its source, then every unconfirmed one with why, each linked to
/// where it was said.
pub fn claim_list(list: &ClaimList) -> String {
    let title = match &list.url {
        Some(url) => link(url, &list.title),
        None => escape(&list.title),
    };
    let mut text = format!("*All claims:* {title}");
    for (heading, claims) in [("✅ Sourced", &list.sourced), ("❔ Unconfirmed", &list.unconfirmed)] {
        text.push_str(&format!("\n\n*{heading}* ({})", claims.len()));
        if claims.is_empty() {
            text.push_str("\n_none_");
        }
        for c in claims {
            text.push('\n');
            text.push_str(&claim_line(c));
        }
    }
    text
}

/// Puts the "All claims" button under the last message of a reply (a thread summary), or in a
/// message of its own when that one is full.
pub fn with_claims_button(pieces: &mut Vec<Rendered>, of: &ClaimsRef) {
    match pieces.last_mut() {
        Some(last) if last.blocks.len() < BLOCKS_LIMIT => last.blocks.push(claims_button(of)),
        _ => {
            let text = pieces.last().map_or_else(String::new, |p| p.text.clone());
            pieces.push(Rendered { text, blocks: vec![claims_button(of)] });
        }
    }
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
            hedges: vec![],
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
    fn a_long_claim_list_splits_into_ephemeral_messages_within_every_limit_and_pings_nobody() {
        let p = post("x", 120);
        let list = ClaimList {
            title: "<!channel> Hooli cuts".into(),
            url: Some("https://news.example/a".into()),
            sourced: vec![],
            unconfirmed: p.speculative.clone(),
        };
        let rendered = notice(&claim_list(&list));
        assert!(rendered.len() > 1, "expected a split, got {}", rendered.len());
        within_limits(&rendered);
        let total: usize = rendered.iter().map(|r| json(r).matches("claim ").count()).sum();
        assert_eq!(total, 120, "every claim is listed once");
        assert!(rendered.iter().all(|r| !json(r).contains("<!channel>")));
    }

    #[test]
    fn a_story_post_ends_with_the_all_claims_button_carrying_its_id_only() {
        let rendered = story(&post("Hooli cuts 500", 2), false);
        let last = serde_json::to_value(rendered[0].blocks.last().unwrap()).unwrap();
        assert_eq!(last["type"], "actions");
        assert_eq!(last["elements"][0]["action_id"], CLAIMS_ACTION);
        assert_eq!(last["elements"][0]["value"], "story:s1");
        let bare = story(&post("Hooli cuts 500", 0), false);
        assert!(!json(&bare[0]).contains(CLAIMS_ACTION), "no button when there is nothing to list");
    }

    #[test]
    fn links_are_ours_and_their_ampersands_escaped() {
        assert_eq!(link("https://a.example/x?b=1&c=2", "A <b>"), "<https://a.example/x?b=1&amp;c=2|A &lt;b&gt;>");
        assert_eq!(link("javascript:alert(1)", "x"), "x");
    }

    fn within_limits(rendered: &[Rendered]) {
        for r in rendered {
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
    }

    #[test]
    fn a_story_with_many_claims_counts_them_instead_of_listing_them() {
        let rendered = story(&post(&"Very long headline ".repeat(20), 120), false);
        within_limits(&rendered);
        assert_eq!(rendered.len(), 1);
        let all = json(&rendered[0]);
        assert!(all.contains("120 unconfirmed claims"), "{all}");
        assert!(all.matches("claim ").count() <= 3, "at most three lines: {all}");
    }

    #[test]
    fn a_long_update_splits_into_messages_within_every_limit() {
        let p = post("x", 120);
        let u = StoryUpdate {
            story_id: "s1".into(),
            revision: 2,
            outlet: "Example News".into(),
            title: "More".into(),
            url: None,
            new_sourced: vec![],
            new_speculative: p.speculative.clone(),
            revision_note: None,
        };
        let rendered = update(&u);
        assert!(rendered.len() > 1, "expected a split, got {}", rendered.len());
        within_limits(&rendered);
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
        use crate::core::facts::headcount_text;
        assert_eq!(headcount_text(1_234_567, None), "1,234,567");
        assert_eq!(headcount_text(500, Some(crate::core::facts::Qualifier::About)), "about 500");
    }
}
