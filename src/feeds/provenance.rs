//! Who published an item, who carried it, and where people discuss it.
//!
//! A feed's title is never an outlet: a Google News search is titled by its query, a subreddit by
//! its name. So each item is credited from what the item itself says:
//! - Google News: `<source url>` (or the " - Outlet" title suffix); the link is an opaque token
//!   that only Google can resolve, kept as the link and never fetched;
//! - Bing News: `News:Source`; the `apiclick.aspx?…url=` wrapper is unwrapped to the article;
//! - syndication: an item's `<source>` in an ordinary feed, or a line such as "This article
//!   originally appeared on …": the publisher is credited and the carrying site kept as "via";
//! - JSON Feed `external_url`: the article the item is about;
//! - community feeds (Reddit, Hacker News, Lobsters, Mastodon, Bluesky): the item is discussion; a
//!   link post's link is the article it links, and the discussion page is kept beside it.
//!
//! The publisher's *name* when the feed gives none (a domain → outlet table) is the core's to decide:
//! this module only reports what the feed says.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::furniture::Rules;
use super::ids::{canonical_url, canonicalize};
use super::parse::{Discussion, FeedItem};
use super::repair::attribute_value;
use super::shape::FeedShape;
use super::text::{decode_entities, html_to_plain};

/// One whole `<item>` or `<entry>` element. After the name comes `>` or a non-word character (a
/// word boundary, spelt out: a Unicode `\b` makes the regex engine give up its DFA on non-ASCII text
/// and crawl the whole document with a slower engine). No capture groups, for the same reason:
/// [`item_inner`] cuts the element's content out of the match.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<(?:[\w-]+:)?(?:item|entry)(?:>|[^\w>][^>]*>).*?</(?:[\w-]+:)?(?:item|entry)\s*>")
        .expect("valid regex")
});
// The tag-name word boundaries below are spelt out as in `ITEM`, for the same reason.
static SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)(<source(?:>|[^\w>][^>]*>))(.*?)</source\s*>").expect("valid regex"));
static NEWS_SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<[\w-]+:Source(?:>|[^\w>][^>]*>)(.*?)</[\w-]+:Source\s*>").expect("valid regex"));
static INNER_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<title(?:>|[^\w>][^>]*>)(.*?)</title\s*>").expect("valid regex"));
static INNER_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?s)<link\b[^>]*\bhref\s*=\s*["']([^"']+)["']"#).expect("valid regex"));
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*>(.*?)</a\s*>"#).expect("valid regex")
});
static FONT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<font\b[^>]*>([^<]{2,80})</font\s*>").expect("valid regex"));
static POINTS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bpoints:\s*(\d+)").expect("valid regex"));
static COMMENTS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)#\s*comments:\s*(\d+)").expect("valid regex"));
static LABELLED_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)(article|comments) url:\s*(?:<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']|(https?://\S+?)(?:<|\s|$))"#,
    )
    .expect("valid regex")
});
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"https?://[^\s<>"']+"#).expect("valid regex"));
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.!?](?:\s|$)").expect("valid regex"));

/// What an item carries outside feed-rs's model: `<source>` (RSS 2.0 and Atom), Bing's
/// `News:Source`, JSON Feed's `url` and `external_url`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extras {
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub json_url: Option<String>,
    pub external_url: Option<String>,
}

/// The extras of every item, in document order, or `None` when they cannot be lined up with the
/// parser's items.
pub(crate) fn extras(text: &str, expected: usize) -> Option<Vec<Extras>> {
    let trimmed = text.trim_start();
    let out: Vec<Extras> = if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
        value
            .get("items")?
            .as_array()?
            .iter()
            .map(|i| Extras {
                json_url: i.get("url").and_then(|u| u.as_str()).map(String::from),
                external_url: i.get("external_url").and_then(|u| u.as_str()).map(String::from),
                ..Extras::default()
            })
            .collect()
    } else {
        ITEM.find_iter(text).map(|m| xml_extras(item_inner(m.as_str()))).collect()
    };
    (out.len() == expected).then_some(out)
}

/// The content of an [`ITEM`] match: after the start tag's `>` (its attributes hold no `>`), before
/// the end tag's `</` (the last one in the match).
fn item_inner(element: &str) -> &str {
    let start = element.find('>').map_or(0, |i| i + 1);
    let end = element.rfind("</").unwrap_or(element.len());
    element.get(start..end).unwrap_or_default()
}

fn xml_extras(item: &str) -> Extras {
    let mut out = Extras::default();
    if let Some(c) = SOURCE.captures(item) {
        let (tag, inner) = (&c[1], &c[2]);
        if let Some(title) = INNER_TITLE.captures(inner) {
            // Atom's <source> is a copy of the original feed's metadata.
            out.source_name = Some(plain(&title[1]));
            out.source_url = INNER_LINK.captures(inner).map(|l| decode_entities(&l[1]));
        } else {
            out.source_name = Some(plain(inner));
            out.source_url = attribute_value(tag, "url").map(|u| decode_entities(&u));
        }
    }
    if let Some(c) = NEWS_SOURCE.captures(item) {
        out.source_name = Some(plain(&c[1]));
    }
    out.source_name = out.source_name.filter(|n| !n.is_empty());
    out
}

fn plain(raw: &str) -> String {
    let raw = raw.trim();
    let raw = raw.strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>")).unwrap_or(raw);
    html_to_plain(raw)
}

/// What the item's feed contributes to crediting its items.
pub(crate) struct FeedContext<'a> {
    pub shape: FeedShape,
    /// The feed's own name (its title, shortened), used for "via" when the feed carries another
    /// publisher's article, never as the publisher.
    pub site_name: Option<&'a str>,
    pub rules: &'a Rules,
}

/// Fills in an item's publisher, carrier, discussion and article link, removes feed furniture from
/// its text and gives an untitled item a headline.
pub(crate) fn apply(item: &mut FeedItem, comments_link: Option<Url>, extras: &Extras, feed: &FeedContext<'_>) {
    // Community feeds read links out of the body as it came, furniture and all.
    let raw_body =
        feed.shape.is_community().then(|| item.content.clone().or_else(|| item.summary.clone()).unwrap_or_default());
    clean_bodies(item, feed);
    match feed.shape {
        FeedShape::GoogleNews => google_news(item, extras),
        FeedShape::BingNews => bing_news(item, extras),
        shape if shape.is_community() => community(item, shape, comments_link, raw_body.as_deref().unwrap_or("")),
        _ => generic(item, extras, feed.site_name),
    }
    if item.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        item.title = first_sentence(item.content.as_deref().or(item.summary.as_deref()).unwrap_or(""));
    }
}

fn clean_bodies(item: &mut FeedItem, feed: &FeedContext<'_>) {
    for body in [&mut item.summary, &mut item.content] {
        if let Some(text) = body.take() {
            let cleaned = feed.rules.clean(&text, feed.shape);
            if cleaned.fired.is_empty() {
                *body = Some(text);
                continue;
            }
            if item.publisher.is_none() {
                item.publisher = cleaned.publisher;
            }
            // A body that was only furniture is no body.
            *body = Some(cleaned.body).filter(|b| !html_to_plain(b).is_empty());
        }
    }
}

fn google_news(item: &mut FeedItem, extras: &Extras) {
    item.via = Some("Google News".into());
    // The description names the outlet in a <font> after the headline when <source> is missing.
    let described = item.summary.as_deref().and_then(|d| FONT.captures(&decode_entities(d)).map(|c| plain(&c[1])));
    item.publisher = extras.source_name.clone().or_else(|| item.publisher.take());
    if item.publisher.is_none() && split_suffix(item.title.as_deref().unwrap_or("")).is_none() {
        item.publisher = described.filter(|d| !d.is_empty());
    }
    item.publisher_site = extras.source_url.as_deref().and_then(canonical_url);
    strip_or_take_suffix(item, true);
    // The description repeats the headline and lists other outlets' headlines: no text of its own.
    item.summary = None;
    item.content = None;
    item.opaque_link = item.url.as_ref().is_some_and(|u| u.host_str() == Some("news.google.com"));
}

fn bing_news(item: &mut FeedItem, extras: &Extras) {
    item.via = Some("Bing News".into());
    if let Some(target) = item.url.as_ref().and_then(unwrap_click) {
        item.url = Some(target);
    }
    item.publisher = extras.source_name.clone().or_else(|| item.publisher.take());
    strip_or_take_suffix(item, true);
}

/// The article behind a click-tracking link (`…/apiclick.aspx?…&url=https%3a%2f%2f…`).
fn unwrap_click(url: &Url) -> Option<Url> {
    let (_, target) = url.query_pairs().find(|(k, _)| k.eq_ignore_ascii_case("url"))?;
    canonical_url(&target)
}

fn generic(item: &mut FeedItem, extras: &Extras, site_name: Option<&str>) {
    if let Some(external) = extras.external_url.as_deref().and_then(canonical_url) {
        let own = extras.json_url.as_deref().and_then(canonical_url);
        if own.as_ref() != Some(&external) {
            item.url = Some(external);
            item.via = site_name.map(String::from);
        }
    }
    if let Some(name) = extras.source_name.clone() {
        item.publisher = Some(name);
        item.publisher_site = extras.source_url.as_deref().and_then(canonical_url);
    }
    if item.publisher.is_some() && item.via.is_none() {
        item.via = site_name.map(String::from).filter(|s| Some(s) != item.publisher.as_ref());
    }
    strip_or_take_suffix(item, false);
    if let (Some(site), Some(title)) = (site_name, item.title.as_deref())
        && let Some(stripped) = strip_suffix(title, site)
    {
        item.title = Some(stripped);
    }
}

/// Removes a " - Outlet" (or " | Outlet") suffix naming the publisher. When `take` and the feed
/// named no publisher, an aggregator's suffix is the publisher.
fn strip_or_take_suffix(item: &mut FeedItem, take: bool) {
    let Some(title) = item.title.clone() else { return };
    if let Some(publisher) = item.publisher.as_deref() {
        if let Some(stripped) = strip_suffix(&title, publisher) {
            item.title = Some(stripped);
        }
        return;
    }
    if take && let Some((head, tail)) = split_suffix(&title) {
        item.publisher = Some(tail.to_string());
        item.title = Some(head.to_string());
    }
}

fn split_suffix(title: &str) -> Option<(&str, &str)> {
    let (head, tail) =
        [" - ", " – ", " — ", " | "].iter().filter_map(|sep| title.rsplit_once(sep)).max_by_key(|(h, _)| h.len())?;
    let tail = tail.trim();
    let words = tail.split_whitespace().count();
    (!head.trim().is_empty() && (1..=6).contains(&words) && tail.len() <= 60).then_some((head.trim(), tail))
}

fn strip_suffix(title: &str, name: &str) -> Option<String> {
    let (head, tail) = split_suffix(title)?;
    let norm = |s: &str| s.to_lowercase().trim_start_matches("the ").to_string();
    (norm(tail) == norm(name)).then(|| head.to_string())
}

fn community(item: &mut FeedItem, shape: FeedShape, comments_link: Option<Url>, raw_body: &str) {
    let item_link = item.url.clone();
    let own_site = |u: &Url| u.host_str().and_then(FeedShape::of_host) == Some(shape);
    let anchors: Vec<(Url, String)> = ANCHOR
        .captures_iter(raw_body)
        .filter_map(|c| Some((canonical_url(&decode_entities(&c[1]))?, html_to_plain(&c[2]))))
        .collect();
    let labelled = |label: &str| {
        LABELLED_URL.captures_iter(raw_body).find(|c| c[1].eq_ignore_ascii_case(label)).and_then(|c| {
            let raw = c.get(2).or_else(|| c.get(3))?.as_str();
            canonical_url(&decode_entities(raw))
        })
    };
    let (article, discussion_url) = match shape {
        FeedShape::Reddit => {
            let link = anchors.iter().find(|(_, t)| t == "[link]").map(|(u, _)| u.clone());
            let comments = anchors.iter().find(|(_, t)| t == "[comments]").map(|(u, _)| u.clone());
            let external = |u: &Url| !own_site(u) && u.host_str().is_some_and(|h| !h.ends_with("redd.it"));
            (link.filter(external), comments.or(item_link.clone()))
        }
        FeedShape::HackerNews | FeedShape::Lobsters => {
            let article =
                item_link.clone().filter(|u| !own_site(u)).or_else(|| labelled("article").filter(|u| !own_site(u)));
            let discussion = comments_link
                .clone()
                .or_else(|| labelled("comments"))
                .or_else(|| item_link.clone().filter(own_site))
                .or_else(|| anchors.iter().find(|(u, _)| own_site(u)).map(|(u, _)| u.clone()));
            (article, discussion)
        }
        _ => {
            // A post on Mastodon or Bluesky: the first link off the social site, if any, is what it shares.
            let post_host = item_link.as_ref().and_then(|u| u.host_str().map(String::from));
            // Bluesky's feed gives plain text: its bare addresses count as links too.
            let bare: Vec<Url> = BARE_URL
                .find_iter(&html_to_plain(raw_body))
                .filter_map(|m| canonical_url(m.as_str().trim_end_matches(['.', ',', ')', ';', ':', '!', '?'])))
                .collect();
            let article = anchors
                .iter()
                .map(|(u, _)| u)
                .chain(bare.iter())
                .find(|u| {
                    u.host_str() != post_host.as_deref()
                        && u.host_str().and_then(FeedShape::of_host).is_none()
                        && !u.path().contains("/tags/")
                        && !u.path().starts_with("/@")
                })
                .cloned();
            (article, item_link.clone())
        }
    };
    let plain_body = html_to_plain(raw_body);
    item.discussion = Some(Discussion {
        site: shape.site_name().unwrap_or("discussion").to_string(),
        community: discussion_url.as_ref().and_then(subreddit),
        url: discussion_url,
        points: POINTS.captures(&plain_body).and_then(|c| c[1].parse().ok()),
        comments: COMMENTS.captures(&plain_body).and_then(|c| c[1].parse().ok()),
        link_post: article.is_some(),
    });
    if let Some(article) = article {
        item.url = canonicalize(article);
    }
}

/// "r/layoffs" for a Reddit address under /r/layoffs/.
fn subreddit(url: &Url) -> Option<String> {
    let mut segments = url.path_segments()?;
    (segments.next()? == "r").then(|| segments.next().map(|s| format!("r/{s}"))).flatten()
}

/// A headline for an untitled item: its first sentence, at most about twenty words.
fn first_sentence(body: &str) -> Option<String> {
    let text = html_to_plain(body);
    let end = SENTENCE_END.find(&text).map_or(text.len(), |m| m.start() + 1);
    let sentence = text[..end].trim();
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let headline = if words.len() > 20 { format!("{}…", words[..20].join(" ")) } else { words.join(" ") };
    (!headline.is_empty()).then_some(headline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bing_click_wrapper_unwraps_to_the_article() {
        let wrapped = Url::parse("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=abc&url=https%3a%2f%2fledger.example%2fbiz%2facme-cuts%3futm_source%3dbing&c=123&mkt=en-us").unwrap();
        assert_eq!(unwrap_click(&wrapped).unwrap().as_str(), "https://ledger.example/biz/acme-cuts");
    }

    #[test]
    fn an_aggregator_suffix_is_the_publisher_when_nothing_else_names_one() {
        assert_eq!(split_suffix("Acme to cut 1,200 jobs - The Ledger"), Some(("Acme to cut 1,200 jobs", "The Ledger")));
        assert_eq!(
            strip_suffix("Acme to cut 1,200 jobs | Ledger", "The Ledger").as_deref(),
            Some("Acme to cut 1,200 jobs")
        );
        assert_eq!(split_suffix("No suffix here"), None);
    }

    #[test]
    fn untitled_items_get_their_first_sentence() {
        assert_eq!(
            first_sentence("<p>Globex is cutting 300 support roles. More soon.</p>").as_deref(),
            Some("Globex is cutting 300 support roles.")
        );
    }

    use crate::feeds::parse_feed;

    #[test]
    fn a_google_news_item_credits_its_source_and_keeps_no_text() {
        let xml = r#"<rss version="2.0"><channel><title>"AI layoffs" - Google News</title><link>https://news.google.com/search?q=ai</link>
<item><title>Initrode to cut 900 jobs as AI agents take over billing - Ledger Daily</title>
<link>https://news.google.com/rss/articles/CBMiTOKEN?oc=5</link><guid isPermaLink="false">CBMiTOKEN</guid>
<description>&lt;a href="https://news.google.com/rss/articles/CBMiTOKEN?oc=5"&gt;Initrode to cut 900 jobs&lt;/a&gt;&amp;nbsp;&lt;font color="gray"&gt;Ledger Daily&lt;/font&gt;</description>
<source url="https://ledgerdaily.example">Ledger Daily</source></item></channel></rss>"#;
        let feed = parse_feed(xml.as_bytes(), "gn.xml").unwrap();
        let item = &feed.items[0];
        assert_eq!(feed.shape, FeedShape::GoogleNews);
        assert_eq!(item.publisher.as_deref(), Some("Ledger Daily"));
        assert_eq!(item.via.as_deref(), Some("Google News"));
        assert_eq!(item.title.as_deref(), Some("Initrode to cut 900 jobs as AI agents take over billing"));
        assert!(item.opaque_link && item.summary.is_none());
    }

    #[test]
    fn a_google_news_item_without_a_source_takes_the_publisher_from_its_title() {
        let xml = r#"<rss version="2.0"><channel><title>Google News</title>
<item><title>Initrode to cut 900 jobs - Ledger Daily</title><link>https://news.google.com/rss/articles/CBMiX?oc=5</link></item></channel></rss>"#;
        let item = &parse_feed(xml.as_bytes(), "https://news.google.com/rss/search?q=x").unwrap().items[0];
        assert_eq!(item.publisher.as_deref(), Some("Ledger Daily"));
        assert_eq!(item.title.as_deref(), Some("Initrode to cut 900 jobs"));
    }

    #[test]
    fn a_google_news_description_names_the_outlet_when_nothing_else_does() {
        let xml = r#"<rss version="2.0"><channel><title>Google News</title>
<item><title>Initrode to cut 900 jobs</title><link>https://news.google.com/rss/articles/CBMiY?oc=5</link>
<description>&lt;a href="https://news.google.com/rss/articles/CBMiY?oc=5"&gt;Initrode to cut 900 jobs&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="gray"&gt;Ledger Daily&lt;/font&gt;</description></item></channel></rss>"#;
        let item = &parse_feed(xml.as_bytes(), "https://news.google.com/rss/search?q=x").unwrap().items[0];
        assert_eq!(item.publisher.as_deref(), Some("Ledger Daily"));
    }

    #[test]
    fn hacker_news_own_feed_links_the_article_and_keeps_the_thread() {
        let xml = r#"<rss version="2.0"><channel><title>Hacker News</title><link>https://news.ycombinator.com/</link>
<item><title>Initrode replaces support with agents</title><link>https://ledgerdaily.example/a</link>
<comments>https://news.ycombinator.com/item?id=9</comments><description><![CDATA[<a href="https://news.ycombinator.com/item?id=9">Comments</a>]]></description></item></channel></rss>"#;
        let item = &parse_feed(xml.as_bytes(), "hn.xml").unwrap().items[0];
        let d = item.discussion.as_ref().unwrap();
        assert!(d.link_post && d.site == "Hacker News");
        assert_eq!(d.url.as_ref().map(Url::as_str), Some("https://news.ycombinator.com/item?id=9"));
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/a"));
        assert!(item.summary.is_none(), "{:?}", item.summary);
    }

    #[test]
    fn a_reddit_link_post_links_the_article_and_keeps_the_thread_as_discussion() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>layoffs</title><link href="https://www.reddit.com/r/layoffs/"/>
<entry><id>t3_abc</id><title>Initrode cutting 900, blames AI</title><updated>2026-11-20T10:00:00Z</updated>
<link href="https://www.reddit.com/r/layoffs/comments/abc/initrode/"/>
<content type="html">&lt;!-- SC_OFF --&gt;&lt;div class="md"&gt;&lt;p&gt;my team is gone&lt;/p&gt;&lt;/div&gt;&lt;!-- SC_ON --&gt; &amp;#32; submitted by &amp;#32; &lt;a href="https://www.reddit.com/user/kettle"&gt; /u/kettle &lt;/a&gt; &lt;br/&gt; &lt;span&gt;&lt;a href="https://ledgerdaily.example/initrode"&gt;[link]&lt;/a&gt;&lt;/span&gt; &amp;#32; &lt;span&gt;&lt;a href="https://www.reddit.com/r/layoffs/comments/abc/initrode/"&gt;[comments]&lt;/a&gt;&lt;/span&gt;</content></entry></feed>"#;
        let feed = parse_feed(xml.as_bytes(), "reddit.atom").unwrap();
        let item = &feed.items[0];
        let d = item.discussion.as_ref().unwrap();
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/initrode"));
        assert!(d.link_post && d.site == "Reddit" && d.community.as_deref() == Some("r/layoffs"));
        assert_eq!(html_to_plain(item.content.as_deref().unwrap()), "my team is gone");
    }

    #[test]
    fn an_ask_hn_post_is_discussion_with_its_points_as_metadata() {
        let xml = r#"<rss version="2.0"><channel><title>Hacker News: Newest</title><link>https://news.ycombinator.com/</link>
<item><title>Ask HN: Is your support team being replaced by agents?</title>
<description><![CDATA[<p>Asking for a friend.</p><hr><p>Comments URL: <a href="https://news.ycombinator.com/item?id=7">https://news.ycombinator.com/item?id=7</a></p><p>Points: 150</p><p># Comments: 64</p>]]></description>
<link>https://news.ycombinator.com/item?id=7</link><comments>https://news.ycombinator.com/item?id=7</comments></item></channel></rss>"#;
        let feed = parse_feed(xml.as_bytes(), "hn.xml").unwrap();
        let item = &feed.items[0];
        let d = item.discussion.as_ref().unwrap();
        assert!(!d.link_post);
        assert_eq!((d.points, d.comments), (Some(150), Some(64)));
        assert_eq!(html_to_plain(item.summary.as_deref().unwrap()), "Asking for a friend.");
    }

    #[test]
    fn a_lobsters_story_links_the_article_and_the_comments_page() {
        let xml = r#"<rss version="2.0"><channel><title>Lobsters</title><link>https://lobste.rs/</link>
<item><title>Initrode replaces its QA team with agents</title><link>https://ledgerdaily.example/qa</link>
<guid isPermaLink="false">https://lobste.rs/s/x1</guid><comments>https://lobste.rs/s/x1/initrode</comments>
<description>&lt;p&gt;&lt;a href="https://lobste.rs/s/x1/initrode"&gt;Comments&lt;/a&gt;&lt;/p&gt;</description></item></channel></rss>"#;
        let feed = parse_feed(xml.as_bytes(), "lobsters.xml").unwrap();
        let item = &feed.items[0];
        let d = item.discussion.as_ref().unwrap();
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/qa"));
        assert_eq!(d.url.as_ref().map(Url::as_str), Some("https://lobste.rs/s/x1/initrode"));
        assert!(item.summary.is_none(), "{:?}", item.summary);
    }

    #[test]
    fn an_untitled_mastodon_post_gets_its_first_sentence_as_headline() {
        let xml = r#"<rss version="2.0"><channel><title>Ana</title><link>https://social.example/@ana</link><generator>Mastodon v4</generator>
<item><link>https://social.example/@ana/111</link><description>&lt;p&gt;Initrode just laid off our whole QA floor. AI, they say. &lt;a href="https://ledgerdaily.example/qa"&gt;ledgerdaily.example/qa&lt;/a&gt; &lt;a href="https://social.example/tags/layoffs" class="mention hashtag"&gt;#layoffs&lt;/a&gt;&lt;/p&gt;</description></item></channel></rss>"#;
        let feed = parse_feed(xml.as_bytes(), "toots.xml").unwrap();
        let item = &feed.items[0];
        assert_eq!(feed.shape, FeedShape::Mastodon);
        assert_eq!(item.title.as_deref(), Some("Initrode just laid off our whole QA floor."));
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/qa"));
        assert_eq!(
            item.discussion.as_ref().unwrap().url.as_ref().map(Url::as_str),
            Some("https://social.example/@ana/111")
        );
    }

    #[test]
    fn a_bluesky_post_shares_the_bare_address_in_its_text() {
        let xml = r#"<rss version="2.0"><channel><title>@ana.bsky.social</title><link>https://bsky.app/profile/ana.bsky.social</link>
<item><link>https://bsky.app/profile/ana.bsky.social/post/3k</link><description>Initrode is cutting 900 support jobs: https://ledgerdaily.example/initrode.</description></item></channel></rss>"#;
        let feed = parse_feed(xml.as_bytes(), "sky.xml").unwrap();
        let item = &feed.items[0];
        assert_eq!(feed.shape, FeedShape::Bluesky);
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/initrode"));
        assert_eq!(item.discussion.as_ref().unwrap().site, "Bluesky");
    }

    #[test]
    fn a_json_feed_external_url_is_the_article_and_the_link_log_its_carrier() {
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"The Link Desk","home_page_url":"https://linkdesk.example/",
"items":[{"id":"1","url":"https://linkdesk.example/1","external_url":"https://ledgerdaily.example/initrode","content_text":"Worth a read."}]}"#;
        let feed = parse_feed(json, "links.json").unwrap();
        let item = &feed.items[0];
        assert_eq!(item.url.as_ref().map(Url::as_str), Some("https://ledgerdaily.example/initrode"));
        assert_eq!(item.via.as_deref(), Some("The Link Desk"));
        assert_eq!(item.title.as_deref(), Some("Worth a read."));
    }

    #[test]
    fn item_extras_line_up_with_items() {
        let xml = r#"<rss><channel><item><title>a</title><source url="https://ledger.example">The Ledger</source></item>
<item><title>b</title><News:Source>Wire Daily</News:Source></item><item><title>c</title></item></channel></rss>"#;
        let e = extras(xml, 3).unwrap();
        assert_eq!(e[0].source_name.as_deref(), Some("The Ledger"));
        assert_eq!(e[0].source_url.as_deref(), Some("https://ledger.example"));
        assert_eq!(e[1].source_name.as_deref(), Some("Wire Daily"));
        assert_eq!(e[2], Extras::default());
        assert!(extras(xml, 4).is_none());
    }
}
