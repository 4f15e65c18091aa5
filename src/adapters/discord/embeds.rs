//! Discord message bodies for everything the bot posts: story embeds, thread updates, digests and
//! thread summaries. Pure: data in, JSON-shaped structs out, so every limit is tested without a
//! network.
//!
//! Discord refuses a message outright when one limit is broken (2,000 characters of content, 4,096 of
//! description, 25 fields, 1,024 per field value, 256 per title, 6,000 per message across its embeds,
//! 10 embeds), so nothing here truncates silently or fails: long descriptions and field lists continue
//! in further embeds of the same colour, and embeds beyond one message's budget continue in further
//! messages. Every text that came from a feed or a chat is defused (no `@everyone`, no `<@&role>`) and
//! its Markdown escaped, and every message carries `allowed_mentions` that parses nothing, so even a
//! mistake here cannot ping anyone.

use crate::commands::{ClaimList, StoryRef};
use crate::core::glance::{Glance, mark_of};
use crate::core::message::{DigestPost, ShownClaim, StoryPost, StoryUpdate};
use crate::core::recap::{MessageLink, Recap};
use crate::core::text::defuse_mentions;
use crate::delivery::fit;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

pub const CONTENT_LIMIT: usize = 2_000;
pub const TITLE_LIMIT: usize = 256;
pub const DESCRIPTION_LIMIT: usize = 4_096;
pub const FIELD_NAME_LIMIT: usize = 256;
pub const FIELD_VALUE_LIMIT: usize = 1_024;
pub const FIELDS_LIMIT: usize = 25;
pub const FOOTER_LIMIT: usize = 2_048;
pub const MESSAGE_TOTAL_LIMIT: usize = 6_000;
pub const EMBEDS_LIMIT: usize = 10;
/// Thread and forum post names.
pub const THREAD_NAME_LIMIT: usize = 100;
/// How many claims each part of a post or summary lists before saying how many more there are: a
/// chat post is read at a glance, and the thread and the links hold the rest.
pub const MAX_LISTED: usize = 10;

pub use crate::core::glance::StoryState;

/// Later coverage in a story's thread.
pub const UPDATE_COLOR: u32 = 0x95_A5A6;
pub const DIGEST_COLOR: u32 = 0x58_65F2;
pub const SUMMARY_COLOR: u32 = 0x9B_59B6;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Embed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub color: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Footer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footer {
    pub text: String,
}

/// `{"parse": []}`: no mention in the text, however it got there, notifies anyone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllowedMentions {
    pub parse: Vec<String>,
    pub replied_user: bool,
}

impl AllowedMentions {
    pub fn none() -> Self {
        Self { parse: Vec::new(), replied_user: false }
    }
}

/// A row of message components (type 1); Discord allows five buttons in one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    #[serde(rename = "type")]
    pub kind: u8,
    pub components: Vec<Button>,
}

/// A button (component type 2) whose click comes back as an interaction carrying `custom_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    #[serde(rename = "type")]
    pub kind: u8,
    /// 2: secondary (grey), beside the content rather than competing with it.
    pub style: u8,
    pub label: String,
    pub custom_id: String,
}

/// Discord's limit on a component's `custom_id`.
pub const CUSTOM_ID_LIMIT: usize = 100;

impl ActionRow {
    /// One row of buttons, each `(label, custom_id)`; a custom id past Discord's limit is left out
    /// rather than refused with the whole message.
    pub fn buttons(buttons: &[(&str, String)]) -> Self {
        let components = buttons
            .iter()
            .filter(|(_, id)| id.len() <= CUSTOM_ID_LIMIT)
            .map(|(label, id)| Button { kind: 2, style: 2, label: label.to_string(), custom_id: id.clone() })
            .collect();
        Self { kind: 1, components }
    }
}

/// One message as sent: its content, embeds and buttons within every limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ActionRow>,
    pub allowed_mentions: AllowedMentions,
}

impl MessageBody {
    pub fn embeds(embeds: Vec<Embed>) -> Self {
        Self { content: None, embeds, components: Vec::new(), allowed_mentions: AllowedMentions::none() }
    }

    pub fn text(content: &str) -> Self {
        Self {
            content: Some(clip(&defuse_mentions(content), CONTENT_LIMIT)),
            embeds: Vec::new(),
            components: Vec::new(),
            allowed_mentions: AllowedMentions::none(),
        }
    }

    /// The create-message body with Discord's idempotency: a retry with the same nonce within a few
    /// minutes returns the message already created instead of posting it again.
    pub fn create_json(&self, key: &str, piece: usize) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("message bodies serialise");
        v["nonce"] = serde_json::json!(nonce(key, piece));
        v["enforce_nonce"] = serde_json::json!(true);
        v
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("message bodies serialise")
    }

    /// Characters counted against the 6,000 a message may carry across its embeds.
    pub fn embed_length(&self) -> usize {
        self.embeds.iter().map(Embed::length).sum()
    }
}

/// At most 25 characters (Discord's limit), the same for the same delivery and piece.
pub fn nonce(key: &str, piece: usize) -> String {
    format!("{:016x}{piece}", xxh3_64(key.as_bytes()))
}

pub use crate::delivery::fit::discord::{clip, escape, length as units};

impl Embed {
    fn blank(color: u32) -> Self {
        Self { title: None, url: None, description: None, color, fields: Vec::new(), footer: None, timestamp: None }
    }

    /// What Discord counts against a message's 6,000.
    pub fn length(&self) -> usize {
        self.title.as_deref().map_or(0, units)
            + self.description.as_deref().map_or(0, units)
            + self.fields.iter().map(|f| units(&f.name) + units(&f.value)).sum::<usize>()
            + self.footer.as_ref().map_or(0, |f| units(&f.text))
    }
}

/// An http(s) URL safe to put in an embed or a Markdown link, or nothing.
pub fn safe_url(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let s = url.as_str().replace('(', "%28").replace(')', "%29");
    (s.len() <= 2_048).then_some(s)
}

/// `[label](url)` when the URL is safe, else the escaped label alone.
pub fn link(label: &str, url: Option<&str>) -> String {
    match url.and_then(safe_url) {
        Some(u) => format!("[{}]({u})", escape(label)),
        None => escape(label),
    }
}

/// A list under one heading, as fields: `Sourced (4)`, then `Sourced (continued)`; past
/// [`MAX_LISTED`] lines it ends with "…and N more".
fn list_fields(heading: &str, lines: &[String]) -> Vec<Field> {
    let mut shown: Vec<String> = lines.iter().take(MAX_LISTED).cloned().collect();
    if lines.len() > MAX_LISTED {
        shown.push(format!("• …and {} more", lines.len() - MAX_LISTED));
    }
    fit::discord::split(&shown.join("\n"), FIELD_VALUE_LIMIT)
        .into_iter()
        .enumerate()
        .map(|(i, value)| Field {
            name: if i == 0 { heading.to_string() } else { format!("{heading} (continued)") },
            value,
            inline: false,
        })
        .collect()
}

/// An embed before it is fitted to Discord's limits.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: Option<String>,
    pub url: Option<String>,
    pub color: u32,
    pub description: Vec<String>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub timestamp: Option<String>,
}

impl Draft {
    /// Fits the draft into embeds and the embeds into messages. The first embed keeps the title,
    /// link, footer and timestamp; later ones continue its description and fields.
    pub fn pack(self) -> Vec<Vec<Embed>> {
        let mut first = Embed::blank(self.color);
        first.title = self.title.map(|t| clip(&t, TITLE_LIMIT));
        first.url = self.url.as_deref().and_then(safe_url);
        first.footer = self.footer.map(|f| Footer { text: clip(&f, FOOTER_LIMIT) });
        first.timestamp = self.timestamp;
        let mut embeds = vec![first];
        for (i, chunk) in fit::discord::split(&self.description.join("\n"), DESCRIPTION_LIMIT).into_iter().enumerate() {
            if i == 0 {
                embeds[0].description = Some(chunk);
            } else {
                let mut more = Embed::blank(self.color);
                more.description = Some(chunk);
                embeds.push(more);
            }
        }
        for mut field in self.fields {
            field.name = clip(&field.name, FIELD_NAME_LIMIT);
            field.value = clip(&field.value, FIELD_VALUE_LIMIT);
            if field.value.is_empty() {
                field.value = "—".into();
            }
            let size = units(&field.name) + units(&field.value);
            let last = embeds.last_mut().expect("at least one embed");
            if last.fields.len() == FIELDS_LIMIT || last.length() + size > MESSAGE_TOTAL_LIMIT {
                let mut more = Embed::blank(self.color);
                more.fields.push(field);
                embeds.push(more);
            } else {
                last.fields.push(field);
            }
        }
        let mut messages: Vec<Vec<Embed>> = Vec::new();
        let mut current: Vec<Embed> = Vec::new();
        let mut total = 0;
        for embed in embeds {
            let size = embed.length();
            if !current.is_empty() && (current.len() == EMBEDS_LIMIT || total + size > MESSAGE_TOTAL_LIMIT) {
                messages.push(std::mem::take(&mut current));
                total = 0;
            }
            total += size;
            current.push(embed);
        }
        messages.push(current);
        messages
    }
}

/// `• claim — ✅ source` or `• claim — ❔ reason`, in reader words, with the source linked when it
/// has a URL.
pub fn claim_line(c: &ShownClaim) -> String {
    let mark = mark_of(c).render(&escape, &|w| format!("*{w}*"));
    let link = match &c.source {
        Some(s) => s.url.as_deref().or(Some(c.origin.as_str())).and_then(safe_url),
        None => safe_url(&c.origin),
    };
    let link = link.map(|u| format!(" [↗]({u})")).unwrap_or_default();
    format!("• {} — {mark}{link}", escape(&c.text))
}

/// The `custom_id` of a story's "All claims" button: the reference alone, never text.
pub fn story_claims_id(story: &StoryRef) -> String {
    format!("claims:story:{story}")
}

/// A story's post, as a reader takes it in at a glance ([`Glance`]): the title links the current
/// best headline, the description holds the facts line and at most three marked lines, the footer the
/// counts and the outlets; the colour is the story's state. The full claim list is not in it.
///
/// The first message carries the "All claims" button when the story has claims: a click answers
/// with the full list, to the clicker only.
pub fn story(post: &StoryPost, edited: bool) -> Vec<MessageBody> {
    let mut bodies: Vec<MessageBody> = story_draft(post, edited).pack().into_iter().map(MessageBody::embeds).collect();
    let has_claims = !(post.sourced.is_empty() && post.speculative.is_empty());
    if let (Some(first), Some(story), true) = (bodies.first_mut(), StoryRef::parse(post.story_id.as_str()), has_claims)
    {
        first.components = vec![ActionRow::buttons(&[("All claims", story_claims_id(&story))])];
    }
    bodies
}

/// The full claim list behind a count line, shown to the clicker only: what it is about, every
/// sourced claim with its source, every unconfirmed one with why, each linked to where it was said;
/// continued in further embeds and messages rather than cut.
pub fn claim_list(list: &ClaimList) -> Vec<Vec<Embed>> {
    let mut description = Vec::new();
    for (heading, claims) in [("✅ Sourced", &list.sourced), ("❔ Unconfirmed", &list.unconfirmed)] {
        if !description.is_empty() {
            description.push(String::new());
        }
        description.push(format!("**{heading}** ({})", claims.len()));
        if claims.is_empty() {
            description.push("*none*".into());
        }
        description.extend(claims.iter().map(claim_line));
    }
    Draft {
        title: Some(defuse_mentions(&format!("All claims: {}", list.title))),
        url: list.url.clone(),
        color: SUMMARY_COLOR,
        description,
        fields: Vec::new(),
        footer: None,
        timestamp: None,
    }
    .pack()
}

pub fn story_draft(post: &StoryPost, edited: bool) -> Draft {
    let g = Glance::of(post);
    let mut description: Vec<String> = Vec::new();
    if let Some(facts) = &g.facts {
        description.push(format!("**{}**", escape(facts)));
    }
    for line in &g.lines {
        description.push(format!("• {} {}", escape(&line.text), line.mark.render(&escape, &|w| format!("*{w}*"))));
    }
    let edited = if edited { " · updated" } else { "" };
    Draft {
        title: Some(defuse_mentions(&g.headline)),
        url: g.url.clone(),
        color: g.state.color(),
        description,
        fields: Vec::new(),
        footer: Some(defuse_mentions(&format!("{} · {}{edited}\n{}", g.state.label(), g.counts, g.outlets))),
        timestamp: Some(post.first_seen.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    }
}

/// Later coverage, posted in the story's thread.
pub fn update(u: &StoryUpdate) -> Vec<MessageBody> {
    let mut description = Vec::new();
    if let Some(note) = &u.revision_note {
        description.push(format!("**{}**", escape(note)));
    }
    let mut fields = Vec::new();
    if !u.new_sourced.is_empty() {
        let lines: Vec<String> = u.new_sourced.iter().map(claim_line).collect();
        fields.extend(list_fields("✅ New, sourced", &lines));
    }
    if !u.new_speculative.is_empty() {
        let lines: Vec<String> = u.new_speculative.iter().map(claim_line).collect();
        fields.extend(list_fields("❔ New, speculative", &lines));
    }
    if description.is_empty() && fields.is_empty() {
        description.push("Nothing new beyond the report itself.".into());
    }
    Draft {
        title: Some(defuse_mentions(&format!("{}: {}", u.outlet, u.title))),
        url: u.url.clone(),
        color: UPDATE_COLOR,
        description,
        fields,
        footer: Some(format!("Also reported by {}", defuse_mentions(&u.outlet))),
        timestamp: None,
    }
    .pack()
    .into_iter()
    .map(MessageBody::embeds)
    .collect()
}

/// A digest: one compact embed per story, packed ten to a message.
pub fn digest(d: &DigestPost) -> Vec<MessageBody> {
    let header = format!(
        "**layoffwatch digest** · {} stories from {} to {} UTC",
        d.stories.len(),
        d.from.format("%Y-%m-%d %H:%M"),
        d.to.format("%Y-%m-%d %H:%M")
    );
    let mut embeds: Vec<Embed> = Vec::new();
    for post in &d.stories {
        embeds.extend(story_draft(post, false).pack().into_iter().flatten());
    }
    if embeds.is_empty() {
        return vec![MessageBody::text(&format!("{header}\nNo new stories in this period."))];
    }
    let mut messages: Vec<MessageBody> = Vec::new();
    let mut current: Vec<Embed> = Vec::new();
    for embed in embeds {
        let total: usize = current.iter().map(Embed::length).sum();
        if !current.is_empty() && (current.len() == EMBEDS_LIMIT || total + embed.length() > MESSAGE_TOTAL_LIMIT) {
            messages.push(MessageBody::embeds(std::mem::take(&mut current)));
        }
        current.push(embed);
    }
    messages.push(MessageBody::embeds(current));
    messages[0].content = Some(header);
    messages
}

/// The name of a story's thread or forum post.
pub fn thread_name(headline: &str) -> String {
    let clean: String = defuse_mentions(headline).chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() { "Layoff story".into() } else { clip(clean, THREAD_NAME_LIMIT) }
}

/// "msg 4", linked to the message when it has a permalink.
fn message_link(l: &Option<MessageLink>) -> String {
    match l {
        Some(MessageLink { label, url }) => format!(" ({})", link(label, url.as_deref())),
        None => String::new(),
    }
}

/// A chat-thread summary, shorter than the thread ([`Recap`]): the title says what it is about and
/// links the report, the description what is sourced and the unconfirmed claims by topic, the footer
/// the counts.
pub fn summary(recap: &Recap, scope: &str) -> Vec<Vec<Embed>> {
    let mut description: Vec<String> = Vec::new();
    for s in &recap.sourced {
        description.push(format!("✅ **{}**{}: {}", escape(&s.source), message_link(&s.link), escape(&s.what)));
    }
    if !recap.topics.is_empty() {
        let topics: Vec<String> = recap
            .topics
            .iter()
            .map(|t| {
                let n = t.messages_text();
                format!("**{}** ({n}, *{}*): “{}”{}", escape(&t.word), t.why, escape(&t.example), message_link(&t.link))
            })
            .collect();
        description.push(format!("❔ Unconfirmed: {}", topics.join(" · ")));
    }
    if description.is_empty() {
        description.push("Nothing sourced or rumoured to summarize.".into());
    }
    Draft {
        title: Some(defuse_mentions(&recap.headline)),
        url: recap.headline_url.clone(),
        color: SUMMARY_COLOR,
        description,
        fields: Vec::new(),
        footer: Some(defuse_mentions(&format!("{} · {scope}", recap.counts))),
        timestamp: None,
    }
    .pack()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::claims::{Source, SourceKind};
    use crate::core::message::ShownBullet;
    use chrono::TimeZone;

    fn claim(text: &str) -> ShownClaim {
        ShownClaim {
            text: text.into(),
            reasons: vec!["outlet".into()],
            source: Some(Source {
                name: "Reuters".into(),
                kind: SourceKind::Outlet,
                url: Some("https://example.com/a".into()),
            }),
            origin: "https://example.com/a".into(),
            hedges: vec![],
        }
    }

    #[test]
    fn a_long_claim_list_continues_in_further_embeds_and_messages_within_every_limit() {
        let many: Vec<ShownClaim> = (0..120).map(|i| claim(&format!("claim {i} {}", "word ".repeat(60)))).collect();
        let list = ClaimList { title: "@everyone Hooli".into(), url: None, sourced: many, unconfirmed: vec![] };
        let pages = claim_list(&list);
        assert!(pages.len() > 1, "{} pages", pages.len());
        let mut listed = 0;
        for page in &pages {
            assert!(page.len() <= EMBEDS_LIMIT);
            assert!(page.iter().map(Embed::length).sum::<usize>() <= MESSAGE_TOTAL_LIMIT);
            for e in page {
                let d = e.description.as_deref().unwrap_or("");
                assert!(units(d) <= DESCRIPTION_LIMIT);
                listed += d.matches("• claim ").count();
            }
        }
        assert_eq!(listed, 120, "every claim is listed once");
        assert!(!pages[0][0].title.as_deref().unwrap().contains("@everyone"));
    }

    #[test]
    fn a_story_post_carries_one_button_whose_id_is_the_reference_alone() {
        let bodies = story(&post(2, 40), false);
        let json = bodies[0].json();
        assert_eq!(json["components"][0]["components"][0]["custom_id"], "claims:story:s1");
        assert!(bodies[1..].iter().all(|b| b.components.is_empty()));
    }

    fn post(sourced: usize, text_len: usize) -> StoryPost {
        StoryPost {
            story_id: "s1".into(),
            revision: 1,
            headline: "Initech to cut 1,200 jobs @everyone <@&42>".into(),
            url: Some("https://example.com/a".into()),
            bullets: vec![ShownBullet {
                text: "Initech cuts 1,200 jobs.".into(),
                cites: vec!["https://example.com/a".into()],
                speculative: false,
            }],
            facts: Vec::new(),
            // Each claim states the cut, as a report does, so the story reads as reported.
            sourced: (0..sourced).map(|i| claim(&format!("{i} jobs cut {}", "x".repeat(text_len)))).collect(),
            speculative: vec![],
            outlets: vec!["Reuters".into()],
            first_seen: chrono::Utc.with_ymd_and_hms(2026, 4, 18, 10, 0, 0).unwrap(),
        }
    }

    fn assert_within_limits(messages: &[MessageBody]) {
        for m in messages {
            assert!(m.embeds.len() <= EMBEDS_LIMIT);
            assert!(m.embed_length() <= MESSAGE_TOTAL_LIMIT, "{}", m.embed_length());
            for e in &m.embeds {
                assert!(e.fields.len() <= FIELDS_LIMIT);
                assert!(e.description.as_deref().map_or(0, units) <= DESCRIPTION_LIMIT);
                assert!(e.fields.iter().all(|f| units(&f.value) <= FIELD_VALUE_LIMIT && !f.value.is_empty()));
            }
        }
    }

    #[test]
    fn a_small_story_is_one_message_with_one_embed() {
        let messages = story(&post(2, 20), false);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].embeds.len(), 1);
        let e = &messages[0].embeds[0];
        assert_eq!(e.color, StoryState::Reported.color());
        assert!(!e.title.as_ref().unwrap().contains("@everyone"));
        assert!(e.fields.is_empty(), "the claims are counted, not listed");
        assert!(e.footer.as_ref().unwrap().text.starts_with("reported · 2 sourced claims"), "{:?}", e.footer);
    }

    #[test]
    fn a_story_with_many_claims_and_a_huge_headline_stays_within_every_limit() {
        let mut p = post(40, 900);
        p.headline = "Initech ".repeat(100);
        p.bullets = (0..40)
            .map(|i| ShownBullet { text: format!("{i} {}", "b".repeat(300)), cites: vec![], speculative: i % 2 == 0 })
            .collect();
        let messages = story(&p, false);
        assert_eq!(messages.len(), 1);
        assert_within_limits(&messages);
        let e = &messages[0].embeds[0];
        assert!(units(e.title.as_deref().unwrap()) <= TITLE_LIMIT);
        assert!(e.footer.as_ref().unwrap().text.contains("40 sourced claims"), "{:?}", e.footer);
    }

    #[test]
    fn a_long_update_is_split_across_fields_within_every_limit() {
        let p = post(40, 900);
        let u = StoryUpdate {
            story_id: "s1".into(),
            revision: 2,
            outlet: "Reuters".into(),
            title: "More".into(),
            url: None,
            new_sourced: p.sourced.clone(),
            new_speculative: vec![],
            revision_note: None,
        };
        let messages = update(&u);
        assert_within_limits(&messages);
        let embeds: Vec<&Embed> = messages.iter().flat_map(|m| &m.embeds).collect();
        let claims: usize = embeds.iter().flat_map(|e| &e.fields).map(|f| f.value.lines().count()).sum();
        assert_eq!(claims, MAX_LISTED + 1, "ten claims, then how many more");
    }

    #[test]
    fn a_single_overlong_line_is_cut_into_pieces_not_dropped() {
        let chunks = fit::discord::split(&"y".repeat(2_500), FIELD_VALUE_LIMIT);
        assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), 2_500);
        assert!(chunks.iter().all(|c| units(c) <= FIELD_VALUE_LIMIT));
    }

    #[test]
    fn markdown_links_and_mentions_in_feed_text_are_inert() {
        let line = escape("[click](https://evil.example) @here <@&1>");
        assert!(line.starts_with("\\[click\\]"));
        assert!(!line.contains("@here") && !line.contains("<@&"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("https://a.example/x(1)").as_deref(), Some("https://a.example/x%281%29"));
    }

    #[test]
    fn every_body_parses_nothing_and_carries_a_short_stable_nonce() {
        let body = story(&post(1, 10), false).remove(0).create_json("s1/discord:1/1/post", 0);
        assert_eq!(body["allowed_mentions"]["parse"], serde_json::json!([]));
        assert_eq!(body["enforce_nonce"], true);
        assert!(body["nonce"].as_str().unwrap().len() <= 25);
        assert_eq!(nonce("k", 0), nonce("k", 0));
        assert_ne!(nonce("k", 0), nonce("k", 1));
    }

    #[test]
    fn thread_names_fit_and_are_never_empty() {
        assert_eq!(thread_name("   "), "Layoff story");
        assert!(units(&thread_name(&"z".repeat(300))) <= THREAD_NAME_LIMIT);
    }
}
