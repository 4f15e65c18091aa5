//! The text of a story post or update for chat markdown; escaping and splitting are
//! [`crate::delivery::fit`]'s, the same as the bots'.

use crate::core::glance::{Glance, mark_of};
use crate::core::message::{ShownClaim, StoryPost, StoryUpdate};
use crate::delivery::fit;
use std::fmt::Write;

/// How a platform marks bold text, escapes untrusted text, shows a bare URL and splits a message.
pub struct Style {
    pub bold: &'static str,
    pub escape: fn(&str) -> String,
    pub url: fn(&str) -> String,
    pub split: fn(&str, usize) -> Vec<String>,
}

pub const SLACK: Style =
    Style { bold: "*", escape: fit::slack::escape, url: fit::slack::escape, split: fit::slack::split };

pub const DISCORD: Style =
    Style { bold: "**", escape: fit::discord::escape, url: discord_url, split: fit::discord::split };

/// A URL Discord shows as a link but does not embed (`<…>`); anything but a parsed http(s) URL is
/// shown as escaped text.
fn discord_url(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            format!("<{}>", u.as_str().replace('>', "%3E"))
        }
        _ => fit::discord::escape(raw),
    }
}

fn claims(out: &mut String, style: &Style, title: &str, list: &[ShownClaim]) {
    if list.is_empty() {
        return;
    }
    let b = style.bold;
    let _ = writeln!(out, "{b}{title}{b}");
    for c in list.iter().take(10) {
        let mark = mark_of(c).render(&style.escape, &|w| format!("_{w}_"));
        let _ = writeln!(out, "• {} — {mark}", (style.escape)(&c.text));
    }
    if list.len() > 10 {
        let _ = writeln!(out, "• …and {} more", list.len() - 10);
    }
}

/// A story's first post as a reader takes it in at a glance ([`Glance`]). Webhooks have no buttons,
/// so the full claim list is left out; the count line says how much there is.
pub fn post(p: &StoryPost, style: &Style, edited: bool) -> String {
    let g = Glance::of(p);
    let b = style.bold;
    let mut out = String::new();
    let mark = if edited { " (updated)" } else { "" };
    let _ = writeln!(out, "{b}{}{b}{mark}", (style.escape)(&g.headline));
    if let Some(url) = &g.url {
        let _ = writeln!(out, "{}", (style.url)(url));
    }
    if let Some(facts) = &g.facts {
        let _ = writeln!(out, "{}", (style.escape)(facts));
    }
    for line in &g.lines {
        let mark = line.mark.render(&style.escape, &|w| format!("_{w}_"));
        let _ = writeln!(out, "• {} {mark}", (style.escape)(&line.text));
    }
    let _ = writeln!(out, "_{} · {}_", g.state.word(), (style.escape)(&g.counts));
    let _ = writeln!(out, "_{}_", (style.escape)(&g.outlets));
    out
}

pub fn update(u: &StoryUpdate, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "↳ Also reported by {}: {}", (style.escape)(&u.outlet), (style.escape)(&u.title));
    if let Some(url) = &u.url {
        let _ = writeln!(out, "{}", (style.url)(url));
    }
    if let Some(note) = &u.revision_note {
        let _ = writeln!(out, "{}", (style.escape)(note));
    }
    claims(&mut out, style, "New, sourced", &u.new_sourced);
    claims(&mut out, style, "New, speculative", &u.new_speculative);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn story(headline: &str) -> StoryPost {
        StoryPost {
            story_id: "s".into(),
            revision: 1,
            headline: headline.into(),
            url: Some("https://news.example/a_b?x=1&y=2".into()),
            bullets: vec![],
            facts: vec![],
            sourced: vec![],
            speculative: vec![],
            outlets: vec!["Example Wire".into()],
            first_seen: Utc::now(),
        }
    }

    /// Regression (issue 13): the Discord webhook did not escape Markdown links the bot escapes.
    #[test]
    fn a_discord_webhook_post_cannot_hide_a_link_and_keeps_its_own_url_intact() {
        let text = post(&story("[Read the memo](https://evil.example/phish) Initech cuts 500"), &DISCORD, false);
        assert!(text.contains("\\[Read the memo\\]"), "{text}");
        assert!(text.contains("<https://news.example/a_b?x=1&y=2>"), "{text}");
    }

    #[test]
    fn a_slack_webhook_post_cannot_form_a_mention() {
        let text = post(&story("<!channel> Initech cuts 500 @here"), &SLACK, false);
        assert!(!text.contains("<!channel>") && !text.contains("@here"), "{text}");
    }
}
