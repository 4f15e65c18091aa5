//! The text of a story post or update for chat markdown, in pieces that fit a size limit.

use crate::core::message::{ShownClaim, StoryPost, StoryUpdate};
use crate::core::text::defuse_mentions;
use std::fmt::Write;

/// How a platform marks bold text and escapes the rest.
pub struct Style {
    pub bold: &'static str,
    pub escape: fn(&str) -> String,
}

fn claims(out: &mut String, style: &Style, title: &str, list: &[ShownClaim]) {
    if list.is_empty() {
        return;
    }
    let b = style.bold;
    let _ = writeln!(out, "{b}{title}{b}");
    for c in list.iter().take(10) {
        let source = c.source.as_ref().map(|s| format!("; {}", (style.escape)(&s.name))).unwrap_or_default();
        let _ = writeln!(out, "• {} _({}{source})_", (style.escape)(&c.text), c.reasons.join(", "));
    }
    if list.len() > 10 {
        let _ = writeln!(out, "• …and {} more", list.len() - 10);
    }
}

pub fn post(p: &StoryPost, style: &Style, edited: bool) -> String {
    let b = style.bold;
    let mut out = String::new();
    let mark = if edited { " (updated)" } else { "" };
    let _ = writeln!(out, "{b}{}{b}{mark}", (style.escape)(&p.headline));
    if let Some(url) = &p.url {
        let _ = writeln!(out, "{}", (style.escape)(url));
    }
    for bullet in &p.bullets {
        let _ = writeln!(out, "• {}", (style.escape)(&bullet.text));
    }
    claims(&mut out, style, "Sourced", &p.sourced);
    claims(&mut out, style, "Speculative", &p.speculative);
    let _ = writeln!(out, "_Outlets: {}_", (style.escape)(&p.outlets.join(", ")));
    out
}

pub fn update(u: &StoryUpdate, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "↳ Also reported by {}: {}", (style.escape)(&u.outlet), (style.escape)(&u.title));
    if let Some(url) = &u.url {
        let _ = writeln!(out, "{}", (style.escape)(url));
    }
    if let Some(note) = &u.revision_note {
        let _ = writeln!(out, "{}", (style.escape)(note));
    }
    claims(&mut out, style, "New, sourced", &u.new_sourced);
    claims(&mut out, style, "New, speculative", &u.new_speculative);
    out
}

/// Splits `text` into pieces of at most `limit` characters, at line breaks where possible.
pub fn split(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let mut line = line.to_string();
        while line.chars().count() > limit {
            let head: String = line.chars().take(limit).collect();
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            pieces.push(head);
            line = line.chars().skip(limit).collect();
        }
        if current.chars().count() + line.chars().count() + 1 > limit && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Slack mrkdwn: `&`, `<` and `>` are escaped, so no `<!channel>`, `<@U…>` or link can be formed.
pub fn slack_escape(text: &str) -> String {
    defuse_mentions(text).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Discord markdown: mentions are defused (and suppressed by `allowed_mentions` as well).
pub fn discord_escape(text: &str) -> String {
    defuse_mentions(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_splits_at_lines_within_the_limit() {
        let text = format!("{}\n{}\n{}", "a".repeat(30), "b".repeat(30), "c".repeat(70));
        let pieces = split(&text, 40);
        assert!(pieces.iter().all(|p| p.chars().count() <= 40), "{pieces:?}");
        assert_eq!(pieces.concat().replace('\n', "").len(), 130);
    }

    #[test]
    fn slack_text_cannot_form_a_mention() {
        let out = slack_escape("<!channel> and <@U123> and @here & friends");
        assert!(!out.contains("<!") && !out.contains("<@") && !out.contains("@here"), "{out}");
        assert!(out.contains("&amp;"));
    }
}
