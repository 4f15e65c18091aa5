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
/// Elements whose content is never prose, or never the story: navigation, a page's footer, fine print.
const SKIPPED_ELEMENTS: &[&str] =
    &["script", "style", "noscript", "template", "svg", "iframe", "head", "object", "nav", "footer", "small"];
/// Words in a class or id by which pages mark a box that is not the story (an ad, a sponsor read, a
/// newsletter sign-up, related links, an author's bio or card, an email's preheader, a disclaimer, a share bar): pages name their
/// boxes so for their own stylesheets, and no sentence in such a box is a claim of the story. Words
/// that also name boxes holding the story's own lines stay out: "meta" holds an aggregator's credit
/// line, "social" an embedded post, "byline" and "credit" the credit the labeller reads.
const FURNITURE_CLASS_WORDS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsor",
    "sponsored",
    "promo",
    "related",
    "newsletter",
    "share",
    "sharing",
    "bio",
    "author",
    "preheader",
    "disclaimer",
    "disclosure",
    "copyright",
    "toc",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "cookie",
    "consent",
    "paywall",
    "cta",
    "subscribe",
    "signup",
    "popular",
    "tagline",
    "outbrain",
    "taboola",
];
/// Whole class names of the same kind whose words alone say too little ("more", "read").
const FURNITURE_CLASSES: &[&str] = &["more", "read-more", "more-from", "read-next", "also-read", "most-read"];

/// Whether a page marks the element as furniture by its class or id.
fn is_furniture_element(element: &scraper::node::Element) -> bool {
    let names = element.attr("class").into_iter().chain(element.attr("id")).flat_map(str::split_whitespace);
    names.into_iter().any(|name| {
        let name = name.to_ascii_lowercase();
        FURNITURE_CLASSES.contains(&name.as_str())
            || name.split(['-', '_']).any(|word| FURNITURE_CLASS_WORDS.contains(&word))
    })
}

/// A fixed list of words looked up by hashing: the segmenter and labeller ask such lists about every
/// word of every claim, and a linear scan showed up in profiles.
pub struct Words {
    list: &'static [&'static str],
    set: std::sync::OnceLock<std::collections::HashSet<&'static str, foldhash::fast::RandomState>>,
}

impl Words {
    pub const fn new(list: &'static [&'static str]) -> Self {
        Self { list, set: std::sync::OnceLock::new() }
    }

    pub fn contains(&self, word: impl AsRef<str>) -> bool {
        self.set.get_or_init(|| self.list.iter().copied().collect()).contains(word.as_ref())
    }
}

/// Plain text of an article body. HTML is parsed with a real HTML5 parser, block elements become line
/// breaks and entities are decoded; plain text passes through unchanged.
pub fn article_text(raw: &str) -> String {
    if !LOOKS_LIKE_HTML.is_match(raw) {
        return raw.to_string();
    }
    let fragment = Html::parse_fragment(raw);
    let mut out = String::with_capacity(raw.len());
    walk(fragment.tree.root(), &mut out, false);
    out
}

/// Appends the text under `node`. `caption`: inside a photo caption, whose own words describe and
/// credit a photo, not the story; a paragraph a broken page left inside an unclosed caption is still
/// the story.
fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String, caption: bool) {
    for child in node.children() {
        match child.value() {
            Node::Text(_) if caption => {}
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIPPED_ELEMENTS.contains(&name) || is_furniture_element(e) {
                    continue;
                }
                let block = BLOCK_ELEMENTS.contains(&name);
                if block {
                    out.push('\n');
                }
                if name == "li" {
                    out.push_str("• ");
                }
                let in_caption = name == "figcaption" || caption && !block;
                walk(child, out, in_caption);
                if block {
                    out.push('\n');
                }
            }
            _ => walk(child, out, caption),
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
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// [`normalize`], appended to `out`: a caller joining many words normalizes each into one buffer
/// instead of allocating a string per word.
pub fn normalize_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        let from = out.len();
        out.push_str(text);
        out[from..].make_ascii_lowercase();
        return;
    }
    out.extend(
        text.chars()
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
                '\u{2013}' | '\u{2014}' => '-',
                '\u{00A0}' => ' ',
                c => c,
            })
            .flat_map(char::to_lowercase),
    );
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
    fn boxes_a_page_marks_as_furniture_are_dropped_and_the_story_around_them_kept() {
        let html = "<p>Initech will cut 300 jobs.</p><div class=\"sponsor-read\"><p>Ledgerbee closes your books fast.</p></div>\
            <aside id=\"newsletter_box\">Get the Daily Build.</aside><div class=\"author-bio\">Ana covers work.</div>\
            <div class=\"pw-author-card\"><p>Aviation nerd.</p></div><p class=\"email-preheader\">Four cuts, one excuse.</p>\
            <p><small>Not investment advice.</small></p><ul class=\"more-from\"><li>Another story</li></ul>\
            <div class=\"meta\">Crestline Wire · 3h</div><div class=\"leader\"><p>Globex kept its Reno office.</p></div>";
        let text = article_text(html);
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, vec!["Initech will cut 300 jobs.", "Crestline Wire · 3h", "Globex kept its Reno office."]);
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
    fn hosts_drop_www() {
        assert_eq!(host_of("https://www.Intel.com/newsroom/x").as_deref(), Some("intel.com"));
    }
}
