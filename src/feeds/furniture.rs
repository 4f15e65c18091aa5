//! Feed-format furniture, removed at parse time: the lines a feed format or a publishing tool wraps
//! around an item's text ("The post … appeared first on …", Reddit's "submitted by /u/… [link]
//! [comments]", hnrss's "Points: 150", Google News's "View Full Coverage"). The rules are data, in
//! `config/feed_furniture.toml`, each naming the feed shapes it applies to.
//!
//! The body is cut into blocks (HTML block elements and line breaks, or lines of plain text); a rule
//! looks at one block's plain text and drops it, cuts its tail, or drops it and everything after.
//! What is left stays HTML, so the core still sees the structure it extracts text from. Generic page
//! furniture inside an article (bylines, image credits, "Related:" links) is the labeller's job.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::fast_regex::screen;

use super::shape::FeedShape;
use super::text::html_to_plain;

const DEFAULT_RULES: &str = include_str!("../../config/feed_furniture.toml");

static EMBEDDED: LazyLock<Rules> =
    LazyLock::new(|| Rules::from_toml(DEFAULT_RULES).expect("the furniture rules compiled into the binary are valid"));

/// Block-level tags and comments that separate blocks; in plain text, line breaks do. After the tag
/// name comes `>` or a non-word character: a word boundary spelt out, since a Unicode `\b` makes the
/// regex engine give up its DFA on non-ASCII text.
static BLOCK_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|table|tbody|thead|td|th|section|article|figure|figcaption|hr|header|footer|aside|nav|pre|dl|dt|dd|span\s+class=.?md)(?:>|[^\w>][^>]*>)|<!--.*?-->",
    )
    .expect("valid regex")
});
static HAS_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<\s*/?\s*[a-zA-Z][^>]*>").expect("valid regex"));

/// Why the rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("feed_furniture.toml is not valid: {0}; compare it with the copy in the project's config/ folder")]
    Toml(#[from] toml::de::Error),
    #[error("feed_furniture.toml: rule {name:?} has a pattern that does not compile: {source}")]
    Pattern { name: String, source: regex::Error },
    #[error("feed_furniture.toml: rule {name:?} names an unknown shape {shape:?}")]
    Shape { name: String, shape: String },
}

#[derive(Deserialize)]
struct RulesFile {
    rule: Vec<RuleFile>,
}

#[derive(Deserialize)]
struct RuleFile {
    name: String,
    shapes: Vec<String>,
    kind: Kind,
    pattern: String,
    #[serde(default)]
    tail: bool,
}

/// What a rule does with the block it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    /// Drop a block whose whole text matches.
    Block,
    /// Cut the block from the match to its end.
    Cut,
    /// Drop the block and everything after it.
    Rest,
    /// Drop the block and report the publisher it names (group `publisher`).
    Credit,
    /// Remove only the match (a dateline before the first sentence), reporting the publisher it
    /// names if it has a `publisher` group.
    Strip,
}

struct Rule {
    name: String,
    /// `None` applies to every shape.
    shapes: Option<Vec<FeedShape>>,
    kind: Kind,
    regex: Regex,
    /// A quick test that must pass before `regex` can match (see [`screen`]).
    screen: Option<Regex>,
    tail: bool,
}

/// The furniture rules.
pub struct Rules {
    rules: Vec<Rule>,
}

/// An item body with its furniture removed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    /// The body, HTML or text as it came, without the furniture blocks.
    pub body: String,
    /// A publisher named by a syndication line ("This article originally appeared on …").
    pub publisher: Option<String>,
    /// Names of the rules that fired, for tests and debugging.
    pub fired: Vec<String>,
}

impl Rules {
    /// The rules compiled into the binary from `config/feed_furniture.toml`.
    pub fn embedded() -> &'static Rules {
        &EMBEDDED
    }

    /// Parses and compiles a rules file.
    pub fn from_toml(text: &str) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(text)?;
        let mut rules = Vec::with_capacity(file.rule.len());
        for r in file.rule {
            let shapes = if r.shapes.iter().any(|s| s == "any") {
                None
            } else {
                let mut out = Vec::new();
                for s in &r.shapes {
                    let shape = FeedShape::from_name(s)
                        .ok_or_else(|| RulesError::Shape { name: r.name.clone(), shape: s.clone() })?;
                    out.push(shape);
                }
                Some(out)
            };
            let pattern = match r.kind {
                Kind::Block | Kind::Credit => format!("^(?:{})$", r.pattern),
                Kind::Cut | Kind::Rest | Kind::Strip => r.pattern.clone(),
            };
            let regex = Regex::new(&pattern).map_err(|source| RulesError::Pattern { name: r.name.clone(), source })?;
            let screen = screen(&pattern);
            rules.push(Rule { name: r.name, shapes, kind: r.kind, regex, screen, tail: r.tail });
        }
        Ok(Rules { rules })
    }

    /// Removes the furniture of a body from a feed of `shape`.
    pub fn clean(&self, body: &str, shape: FeedShape) -> Cleaned {
        let rules: Vec<&Rule> =
            self.rules.iter().filter(|r| r.shapes.as_ref().is_none_or(|s| s.contains(&shape))).collect();
        let blocks = split_blocks(body);
        let texts: Vec<String> = blocks.iter().map(|b| html_to_plain(b.text)).collect();
        let with_text: Vec<usize> = (0..blocks.len()).filter(|&i| !texts[i].is_empty()).collect();
        let tail_from = with_text.len().saturating_sub(3);
        let mut out = Cleaned::default();
        let mut kept = String::with_capacity(body.len());
        'blocks: for (i, block) in blocks.iter().enumerate() {
            kept.push_str(block.before);
            let text = &texts[i];
            if text.is_empty() {
                kept.push_str(block.text);
                continue;
            }
            let in_tail = with_text.iter().position(|&j| j == i).is_some_and(|p| p >= tail_from);
            let mut replaced: Option<String> = None;
            for rule in rules.iter().filter(|r| !r.tail || in_tail) {
                let current = replaced.as_deref().unwrap_or(text);
                if rule.screen.as_ref().is_some_and(|screen| !screen.is_match(current)) {
                    continue;
                }
                // Only credit and strip rules read a group; the others need the match alone, which
                // the regex engine finds without its slower search for groups (most rules test every
                // block of every item).
                let (m, publisher) = if matches!(rule.kind, Kind::Credit | Kind::Strip) {
                    let Some(found) = rule.regex.captures(current) else { continue };
                    (found.get(0).expect("group 0 exists").range(), found.name("publisher").map(|p| p.as_str()))
                } else {
                    let Some(found) = rule.regex.find(current) else { continue };
                    (found.range(), None)
                };
                out.fired.push(rule.name.clone());
                match rule.kind {
                    Kind::Block => continue 'blocks,
                    Kind::Rest => {
                        let before = current[..m.start].trim();
                        if !before.is_empty() {
                            kept.push_str(&escape(before));
                        }
                        break 'blocks;
                    }
                    Kind::Credit => {
                        let name = publisher.map(|p| p.trim().trim_end_matches('.'));
                        if let Some(name) = name.filter(|n| !n.is_empty()) {
                            out.publisher.get_or_insert_with(|| name.to_string());
                        }
                        continue 'blocks;
                    }
                    Kind::Cut => {
                        replaced = Some(current[..m.start].trim_end().to_string());
                    }
                    Kind::Strip => {
                        if let Some(name) = publisher {
                            out.publisher.get_or_insert_with(|| name.to_string());
                        }
                        replaced = Some(format!("{}{}", &current[..m.start], &current[m.end..]).trim().to_string());
                    }
                }
            }
            match replaced {
                Some(r) if r.is_empty() => {}
                Some(r) => kept.push_str(&escape(&r)),
                None => kept.push_str(block.text),
            }
        }
        if let Some(last) = blocks.last() {
            kept.push_str(last.after);
        }
        out.body = kept.trim().to_string();
        out
    }
}

/// One block of a body: the separator before it, its own text, and (for the last block) what follows.
struct Block<'a> {
    before: &'a str,
    text: &'a str,
    after: &'a str,
}

fn split_blocks(body: &str) -> Vec<Block<'_>> {
    let html = HAS_TAG.is_match(body);
    let breaks: Vec<(usize, usize)> = if html {
        BLOCK_BREAK.find_iter(body).map(|m| (m.start(), m.end())).collect()
    } else {
        body.match_indices('\n').map(|(i, s)| (i, i + s.len())).collect()
    };
    let mut out = Vec::with_capacity(breaks.len() + 1);
    let mut prev_end = 0;
    let mut sep_start = 0;
    for (start, end) in breaks {
        out.push(Block { before: &body[sep_start..prev_end], text: &body[prev_end..start], after: "" });
        sep_start = start;
        prev_end = end;
    }
    out.push(Block { before: &body[sep_start..prev_end], text: &body[prev_end..], after: "" });
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(body: &str, shape: FeedShape) -> String {
        Rules::embedded().clean(body, shape).body
    }

    #[test]
    fn the_wordpress_footer_and_the_continue_reading_link_go() {
        let body = r#"<p>Globex Dynamics will cut 400 jobs as it automates its call centres, the company said.</p>
<p>The cuts start in March. <a class="more-link" href="https://x.example/a">Continue reading <span>Globex cuts</span> &#8594;</a></p>
<p>The post <a href="https://x.example/a">Globex cuts 400</a> appeared first on <a href="https://x.example">Ledger Daily</a>.</p>"#;
        let out = clean(body, FeedShape::Generic);
        assert!(out.contains("Globex Dynamics will cut 400 jobs"), "{out}");
        assert!(out.contains("The cuts start in March."), "{out}");
        assert!(!out.contains("Continue reading") && !out.contains("appeared first"), "{out}");
    }

    #[test]
    fn reddit_submission_lines_go_and_the_self_text_stays() {
        let body = r#"<!-- SC_OFF --><div class="md"><p>Our whole tier-1 team got the call today.</p></div><!-- SC_ON --> &#32; submitted by &#32; <a href="https://www.reddit.com/user/kettle"> /u/kettle </a> <br/> <span><a href="https://news.example/a">[link]</a></span> &#32; <span><a href="https://www.reddit.com/r/layoffs/comments/x/">[comments]</a></span>"#;
        let out = clean(body, FeedShape::Reddit);
        assert_eq!(html_to_plain(&out), "Our whole tier-1 team got the call today.");
    }

    #[test]
    fn hnrss_metadata_lines_go() {
        let body = r#"<p>Article URL: <a href="https://n.example/a">https://n.example/a</a></p>
<p>Comments URL: <a href="https://news.ycombinator.com/item?id=1">https://news.ycombinator.com/item?id=1</a></p>
<p>Points: 150</p>
<p># Comments: 64</p>"#;
        assert_eq!(html_to_plain(&clean(body, FeedShape::HackerNews)), "");
    }

    #[test]
    fn google_news_full_coverage_ends_the_body() {
        let body = "Acme cuts 1,200 jobs\nView Full Coverage on Google News\nOther headline";
        assert_eq!(clean(body, FeedShape::GoogleNews), "Acme cuts 1,200 jobs");
    }

    #[test]
    fn a_syndication_line_names_the_publisher_and_goes() {
        let c = Rules::embedded().clean(
            "<p>Initrode will cut 90 roles.</p><p>This article originally appeared on The Ledger.</p>",
            FeedShape::Generic,
        );
        assert_eq!(c.publisher.as_deref(), Some("The Ledger"));
        assert_eq!(html_to_plain(&c.body), "Initrode will cut 90 roles.");
    }

    #[test]
    fn a_wire_dateline_goes_and_credits_the_wire() {
        let c = Rules::embedded().clean(
            "<p>DUBLIN, Dec 22 (Reuters) - Initrode will close its Cork centre, cutting 600 jobs.</p><p>(Reporting by A. Writer; Editing by B. Editor)</p>",
            FeedShape::Generic,
        );
        assert_eq!(c.publisher.as_deref(), Some("Reuters"));
        assert_eq!(html_to_plain(&c.body), "Initrode will close its Cork centre, cutting 600 jobs.");
    }

    #[test]
    fn prose_that_mentions_comments_is_kept() {
        let body = "<p>Comments from the chief executive suggested more cuts.</p><p>Read more about the plan in the filing, which lists 300 roles.</p><p>Final line.</p><p>Another.</p>";
        let out = clean(body, FeedShape::HackerNews);
        assert!(out.contains("Comments from the chief executive"), "{out}");
        assert!(out.contains("Read more about the plan"), "{out}");
    }
}
