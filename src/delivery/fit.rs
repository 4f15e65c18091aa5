//! Text made to fit a chat platform, once for every renderer and webhook: escaping (so untrusted text
//! can neither ping anyone nor form a link or markup), splitting into pieces within a size limit (at
//! line breaks where possible, never inside an escape or a link), and clipping.
//!
//! - [`slack`]: mrkdwn; lengths in characters.
//! - [`discord`]: Markdown; lengths in UTF-16 units, as Discord counts them.

use crate::core::text::defuse_mentions;

/// Splits `text` into pieces of at most `limit` (as `length` measures), at line breaks where
/// possible. A line longer than `limit` is cut where `cut` says (a byte index at a character boundary
/// whose head fits), so nothing is lost. Pieces that are only whitespace are dropped.
fn split(text: &str, limit: usize, length: fn(&str) -> usize, cut: fn(&str, usize) -> usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let mut rest = line;
        while length(rest) > limit {
            if !current.trim().is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            current.clear();
            let at = cut(rest, limit).max(rest.chars().next().map_or(0, char::len_utf8));
            pieces.push(rest[..at].to_string());
            rest = &rest[at..];
        }
        let needed = length(&current) + length(rest) + usize::from(!current.is_empty());
        if needed > limit && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(rest);
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

/// The byte index after the longest prefix of `line` that `length` measures at most `limit`.
fn prefix_within(line: &str, limit: usize, length: fn(&str) -> usize) -> usize {
    let mut end = 0;
    for (i, c) in line.char_indices() {
        let next = i + c.len_utf8();
        if length(&line[..next]) > limit {
            break;
        }
        end = next;
    }
    end
}

/// Slack mrkdwn.
pub mod slack {
    use super::defuse_mentions;

    /// Slack counts characters.
    pub fn length(text: &str) -> usize {
        text.chars().count()
    }

    /// Mrkdwn with nothing in it that Slack would parse as a mention, a channel or a link: `&`, `<`
    /// and `>` escaped, `@here`-style words defused.
    pub fn escape(text: &str) -> String {
        defuse_mentions(text).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }

    /// Where to cut a long line: not inside an escape (`&amp;`) or a link (`<…|…>`).
    fn cut(line: &str, limit: usize) -> usize {
        let mut end = line.char_indices().nth(limit).map_or(line.len(), |(i, _)| i);
        let head = &line[..end];
        if let Some(open) = head.rfind('<')
            && !head[open..].contains('>')
            && open > 0
        {
            end = open;
        }
        let head = &line[..end];
        if let Some(amp) = head.rfind('&')
            && !head[amp..].contains(';')
            && head.len() - amp < 8
            && amp > 0
        {
            end = amp;
        }
        end
    }

    /// Mrkdwn in pieces of at most `limit` characters.
    pub fn split(text: &str, limit: usize) -> Vec<String> {
        super::split(text, limit, length, cut)
    }
}

/// Discord Markdown.
pub mod discord {
    use super::defuse_mentions;

    /// Discord counts characters as JavaScript does (UTF-16 units); counting the same way keeps an
    /// emoji-heavy headline from tipping a message over by a few units.
    pub fn length(text: &str) -> usize {
        text.encode_utf16().count()
    }

    /// Untrusted text made inert: mentions defused, Markdown that could hide a link (`[label](url)`)
    /// or restyle the post escaped, line breaks flattened.
    pub fn escape(text: &str) -> String {
        let defused = defuse_mentions(text);
        let mut out = String::with_capacity(defused.len());
        for c in defused.chars() {
            if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '>' | '#') {
                out.push('\\');
            }
            out.push(if c == '\n' || c == '\r' { ' ' } else { c });
        }
        out
    }

    /// Cuts `text` to `limit` units at a character boundary, marking the cut.
    pub fn clip(text: &str, limit: usize) -> String {
        if length(text) <= limit {
            return text.to_string();
        }
        let mut out = text[..super::prefix_within(text, limit.saturating_sub(1), length)].to_string();
        out.push('…');
        out
    }

    /// Where to cut a long line: not between a backslash and what it escapes, not inside a link.
    fn cut(line: &str, limit: usize) -> usize {
        let mut end = super::prefix_within(line, limit, length);
        let head = &line[..end];
        if let Some(open) = head.rfind('[').filter(|&o| o > 0 && !head[o..].contains(')')) {
            end = open;
        }
        let slashes = line[..end].chars().rev().take_while(|&c| c == '\\').count();
        if slashes % 2 == 1 && end > 1 {
            end -= 1;
        }
        end
    }

    /// Markdown in pieces of at most `limit` units.
    pub fn split(text: &str, limit: usize) -> Vec<String> {
        super::split(text, limit, length, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_cannot_form_a_mention_or_a_link() {
        let out = slack::escape("<!channel> and <@U123> and <https://x.example|click> @here & friends");
        assert!(
            !out.contains("<!") && !out.contains("<@") && !out.contains("<http") && !out.contains("@here"),
            "{out}"
        );
        assert!(out.contains("&amp;"));
    }

    #[test]
    fn discord_text_cannot_hide_a_link_or_ping() {
        let out = discord::escape("[your bank](https://evil.example) @everyone **loud**\nnext");
        assert!(out.starts_with("\\[your bank\\]"), "{out}");
        assert!(!out.contains("@everyone") && !out.contains("**") && !out.contains('\n'), "{out}");
    }

    #[test]
    fn long_text_splits_at_lines_within_the_limit_and_loses_nothing() {
        let text = format!("{}\n{}\n{}", "a".repeat(30), "b".repeat(30), "c".repeat(70));
        for pieces in [slack::split(&text, 40), discord::split(&text, 40)] {
            assert!(pieces.iter().all(|p| p.chars().count() <= 40), "{pieces:?}");
            assert_eq!(pieces.concat().replace('\n', "").len(), 130);
        }
    }

    #[test]
    fn splitting_never_cuts_inside_an_escape_or_a_link() {
        let slack_line = format!("{}&amp;{}<https://x.example/a|label> end", "x".repeat(36), "y".repeat(20));
        for piece in slack::split(&slack_line, 40) {
            assert_eq!(piece.matches('<').count(), piece.matches('>').count(), "{piece}");
            assert!(!piece.ends_with('&') && !piece.ends_with("&am"), "{piece}");
        }
        let discord_line = format!("{}\\*{}[label](https://x.example/a) end", "x".repeat(38), "y".repeat(10));
        for piece in discord::split(&discord_line, 40) {
            assert!(!piece.ends_with('\\'), "{piece}");
            assert_eq!(piece.matches('[').count(), piece.matches(')').count(), "{piece}");
        }
    }

    #[test]
    fn discord_counts_utf16_units_and_marks_a_clip() {
        assert_eq!(discord::length("🙂"), 2);
        let clipped = discord::clip(&"🙂".repeat(10), 7);
        assert!(discord::length(&clipped) <= 7 && clipped.ends_with('…'), "{clipped}");
    }
}
