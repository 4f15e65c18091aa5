//! Turning untrusted article HTML and chat text into plain lines the segmenter can split, and finding
//! the links a message carries.

use regex::Regex;
use scraper::{Html, Node};
use std::sync::LazyLock;

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>"'`|)\]]+"#).expect("valid URL regex"));
static LOOKS_LIKE_HTML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<(?:[a-z][a-z0-9]*[\s/>]|/[a-z]|!--)|&(?:[a-z]+|#\d+|#x[0-9a-f]+);").expect("valid regex")
});

/// Elements after which text continues on a new line: paragraphs and list items are separate claims.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "li",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "figcaption",
    "pre",
    "table",
    "dd",
    "dt",
    "hr",
];
/// Elements whose content is never prose.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "noscript", "template", "svg", "iframe", "head", "object"];

/// A fixed list of words looked up by hashing: the segmenter and labeller ask such lists about every
/// word of every claim, and a linear scan showed up in profiles.
pub struct Words {
    list: &'static [&'static str],
    set: std::sync::OnceLock<std::collections::HashSet<&'static str>>,
}

impl Words {
    pub const fn new(list: &'static [&'static str]) -> Self {
        Self { list, set: std::sync::OnceLock::new() }
    }

    pub fn contains(&self, word: impl AsRef<str>) -> bool {
        self.set.get_or_init(|| self.list.iter().copied().collect()).contains(word.as_ref())
    }
}

/// Typographic marks common in news copy that are neither word characters nor spaces: dashes,
/// curly quotes, bullets, ellipses, currency and trademark signs.
const TYPOGRAPHIC_MARKS: &[char] = &[
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2018}', '\u{2019}', '\u{201A}',
    '\u{201C}', '\u{201D}', '\u{201E}', '\u{2022}', '\u{2026}', '\u{2039}', '\u{203A}', '\u{00AB}', '\u{00BB}',
    '\u{00A9}', '\u{00AE}', '\u{2122}', '\u{00B0}', '\u{20AC}', '\u{00A3}', '\u{00A7}',
];

/// Lets a regex with Unicode word boundaries (`\b`) run on its fast automaton. That automaton gives
/// up at the first non-ASCII byte of a haystack, and the engine then falls back to one that is many
/// times slower and, for `captures_iter`, rescans the rest of the text for every match. News copy is
/// ASCII but for a few typographic marks (a dateline's dash, curly quotes); when those are a text's
/// only non-ASCII characters, each is replaced by as many NUL bytes. Neither a mark nor a NUL can be
/// part of a match of a pattern this accepts, and `\b` sees both as non-word characters, so every
/// match keeps its offsets and its text. Marks a pattern names are kept; a pattern that could match
/// one by a class (`.`, `[^…]`, `\W`, `\p{…}`, …) turns the mask off; a text with other non-ASCII
/// characters is searched as it is.
#[derive(Debug, Clone, Default)]
pub struct AsciiMask {
    marks: Vec<char>,
}

impl AsciiMask {
    /// The mask that is exact for every one of `patterns`.
    pub fn for_patterns<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Self {
        let mut marks = TYPOGRAPHIC_MARKS.to_vec();
        for pattern in patterns {
            if !mask_safe(pattern, &mut marks) {
                return Self::default();
            }
        }
        Self { marks }
    }

    /// `text` with its marks replaced, or `text` itself when it is ASCII or has other non-ASCII
    /// characters.
    pub fn apply<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        use std::borrow::Cow;
        if text.is_ascii() || self.marks.is_empty() {
            return Cow::Borrowed(text);
        }
        if !text.chars().all(|c| c.is_ascii() || self.marks.contains(&c)) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                out.extend(std::iter::repeat_n('\0', c.len_utf8()));
            }
        }
        Cow::Owned(out)
    }
}

/// Whether `pattern` can match neither a NUL nor a typographic mark except by naming it (such marks
/// are taken out of `marks`).
fn mask_safe(pattern: &str, marks: &mut Vec<char>) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let (mut escaped, mut class_depth) = (false, 0usize);
    for (i, &c) in chars.iter().enumerate() {
        if escaped {
            escaped = false;
            if matches!(c, 'p' | 'P' | 'x' | 'u' | 'U' | 'W' | 'S' | 'D' | 'N' | '0') {
                return false;
            }
            continue;
        }
        match c {
            '\\' => escaped = true,
            '\0' => return false,
            '[' => {
                if chars.get(i + 1) == Some(&'^') {
                    return false;
                }
                class_depth += 1;
            }
            ']' if class_depth > 0 => class_depth -= 1,
            '.' if class_depth == 0 => return false,
            // A range of literal characters in a class ("‐-―") may cover marks it does not name.
            '-' if class_depth > 0 && i > 0 && chars.get(i + 1).is_some_and(|&n| n != ']') => {
                let (lo, hi) = (chars[i - 1], chars[i + 1]);
                marks.retain(|m| !(lo..=hi).contains(m));
            }
            _ => {}
        }
        marks.retain(|m| *m != c);
    }
    true
}

/// Plain text of an article body. HTML is parsed with a real HTML5 parser, block elements become line
/// breaks and entities are decoded; plain text passes through unchanged.
pub fn article_text(raw: &str) -> String {
    if !LOOKS_LIKE_HTML.is_match(raw) {
        return raw.to_string();
    }
    let fragment = Html::parse_fragment(raw);
    let mut out = String::with_capacity(raw.len());
    walk(fragment.tree.root(), &mut out);
    out
}

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIPPED_ELEMENTS.contains(&name) {
                    continue;
                }
                let block = BLOCK_ELEMENTS.contains(&name);
                if block {
                    out.push('\n');
                }
                if name == "li" {
                    out.push_str("• ");
                }
                walk(child, out);
                if block {
                    out.push('\n');
                }
            }
            _ => walk(child, out),
        }
    }
}

/// Every http(s) URL in `text`, without trailing punctuation that belongs to the sentence.
pub fn urls_in(text: &str) -> Vec<String> {
    URL.find_iter(text).map(|m| trim_url(m.as_str()).to_string()).collect()
}

/// `text` with its URLs removed, so a claim reads as prose; the links are kept separately.
pub fn without_urls(text: &str) -> String {
    URL.replace_all(text, "").to_string()
}

fn trim_url(url: &str) -> &str {
    url.trim_end_matches(['.', ',', ';', ':', '!', '?', '>', '*', '_'])
}

/// Lower-cased text with typographic quotes and apostrophes straightened, for matching cues.
pub fn normalize(text: &str) -> String {
    // Most words are plain ASCII, which no mapping below touches: lower-case them in one pass.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Text that can never ping anyone on any platform: `@everyone`, `@here`, `@channel`, Slack's
/// `<!channel>` and `<@U…>`, Discord's `<@…>` and `<@&…>` get a zero-width space after their sigil.
/// Adapters escape and suppress mentions as well; this is the layer that holds even if one forgets.
pub fn defuse_mentions(text: &str) -> String {
    static MENTION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)@(everyone|here|channel)\b|<([!@#])").expect("valid mention regex"));
    MENTION
        .replace_all(text, |c: &regex::Captures<'_>| match (c.get(1), c.get(2)) {
            (Some(word), _) => format!("@\u{200B}{}", word.as_str()),
            (_, Some(sigil)) => format!("<\u{200B}{}", sigil.as_str()),
            _ => String::new(),
        })
        .into_owned()
}

/// The host of a URL without a leading `www.`, used to name a linked source.
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_list_items_become_lines() {
        let text = article_text("<p>One &amp; two.</p><ul><li>First</li><li>Second</li></ul>");
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, vec!["One & two.", "• First", "• Second"]);
    }

    #[test]
    fn scripts_are_dropped() {
        assert_eq!(article_text("<p>Hi</p><script>alert(1)</script>").trim(), "Hi");
    }

    #[test]
    fn plain_text_with_angle_brackets_is_left_alone() {
        assert_eq!(article_text("3 < 5 and 6 > 2"), "3 < 5 and 6 > 2");
    }

    #[test]
    fn urls_lose_trailing_punctuation() {
        assert_eq!(urls_in("see https://example.com/a?b=1."), vec!["https://example.com/a?b=1"]);
    }

    #[test]
    fn mentions_are_defused() {
        let out = defuse_mentions("@everyone <!channel> @here <@U123> <@&42> mail@example.com");
        assert!(!out.contains("@everyone") && !out.contains("<!") && !out.contains("<@"), "{out}");
        assert!(out.contains("mail@example.com"));
    }

    #[test]
    fn a_masked_text_matches_where_the_text_does() {
        let re = Regex::new(r"\b(?:[A-Z]\w+)(?:[ \t]+[A-Z]\w+)?\s+(?:cut|cuts)\b|\blay(?:s|ing)?\s+off\b").unwrap();
        let mask = AsciiMask::for_patterns([re.as_str()]);
        for text in [
            "OHIO (Staff) \u{2014} Norvex Labs cuts 400 jobs \u{2026} and lays off more \u{201C}soon\u{201D}",
            "\u{2022} Tal Systems cut\u{2014}Bri Labs cuts",
            "Caf\u{00E9} Labs cut 20 \u{2014} left as it is, since \u{00E9} is a letter",
        ] {
            let masked = mask.apply(text);
            assert_eq!(masked.len(), text.len());
            let on_text: Vec<_> = re.find_iter(text).map(|m| (m.range(), m.as_str().to_string())).collect();
            let on_mask: Vec<_> = re.find_iter(&masked).map(|m| (m.range(), text[m.range()].to_string())).collect();
            assert_eq!(on_text, on_mask, "{text}");
        }
        assert!(mask.apply("OHIO \u{2014} x").is_ascii());
        assert!(!mask.apply("Caf\u{00E9} \u{2014} x").is_ascii());
    }

    #[test]
    fn a_pattern_that_could_match_a_mark_turns_the_mask_off_or_keeps_the_mark() {
        for pattern in [r"a.b", r"[^x]", r"\W", r"\p{P}", r"[\u{2000}-\u{206F}]"] {
            assert!(AsciiMask::for_patterns([pattern]).apply("a\u{2014}b").contains('\u{2014}'), "{pattern}");
        }
        for pattern in ["a\u{2014}b", "[\u{2010}-\u{2015}]"] {
            assert!(AsciiMask::for_patterns([pattern]).apply("a\u{2014}b").contains('\u{2014}'), "{pattern}");
        }
        assert_eq!(AsciiMask::for_patterns([r"a\.b"]).apply("a\u{2014}b"), "a\0\0\0b");
    }

    #[test]
    fn hosts_drop_www() {
        assert_eq!(host_of("https://www.Intel.com/newsroom/x").as_deref(), Some("intel.com"));
    }
}
