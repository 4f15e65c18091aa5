//! Feed bytes to [`ParsedFeed`]: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed.
//!
//! feed-rs does the parsing. Around it we:
//! - decode the bytes to UTF-8 first ([`crate::feeds::decode`]), because feed-rs panics on UTF-16
//!   and only reads the XML declaration's charset;
//! - patch the few structures feed-rs rejects whole ([`super::repair`]: `<rss>` without a known
//!   version or without a `<channel>`, Atom text with an unexpected `type`);
//! - run feed-rs under `catch_unwind`, so a parser panic is one bad feed and not a dead poll loop
//!   ([`parse_feed_blocking`] also keeps the parse off the async runtime's threads);
//! - bound the input size, the number of items and the length of every text field;
//! - derive ids that stay the same between polls ([`ItemId`]), never feed-rs's invented ones;
//! - credit each item's publisher and remove feed-format furniture ([`super::provenance`],
//!   [`super::furniture`]), by the feed's shape ([`super::shape`]).

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, FeedType, Link, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

use super::furniture::Rules;
use super::ids::{ItemId, canonicalize};
use super::provenance::{self, Extras, FeedContext};
use super::shape::{self, FeedShape};
use super::text;
use super::{decode, repair};

/// Upper bounds on what one feed may make us hold in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest input accepted, in bytes. Real feeds are well under a few MiB.
    pub max_input_bytes: usize,
    /// Items kept per feed; the rest (usually the oldest) are dropped and counted.
    pub max_items: usize,
    /// Longest summary or content kept per item, in bytes (cut on a character boundary).
    pub max_body_bytes: usize,
    /// Longest title kept, in bytes.
    pub max_title_bytes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_input_bytes: 16 * 1024 * 1024,
            max_items: 1_000,
            max_body_bytes: 64 * 1024,
            max_title_bytes: 1024,
        }
    }
}

/// How to parse one feed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The `charset` of the HTTP `Content-Type`, if the server sent one (see
    /// [`decode::charset_from_content_type`]). It overrides the XML declaration, as RFC 7303 says.
    pub charset_hint: Option<String>,
    /// Size bounds.
    pub limits: ParseLimits,
}

/// A parsed feed: its title and its items, newest first as the feed lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFeed {
    /// The feed's own title, as plain text. It names the feed, never an item's publisher.
    pub title: Option<String>,
    /// The site the feed belongs to (its `alternate` link), if it gives one.
    pub site: Option<Url>,
    /// The feed's title shortened to the site's name ("Ledger Daily — Technology" → "Ledger
    /// Daily"): the carrier of what it syndicates, and the name of its own site's articles.
    pub site_name: Option<String>,
    /// What kind of feed it is (aggregator, community, publisher).
    pub shape: FeedShape,
    /// The items kept, at most [`ParseLimits::max_items`].
    pub items: Vec<FeedItem>,
    /// How many items were dropped because of [`ParseLimits::max_items`].
    pub items_dropped: usize,
}

/// One item (RSS `item`, Atom `entry`, JSON Feed item).
#[derive(Clone, Debug, PartialEq)]
pub struct FeedItem {
    /// Stable across polls; see [`ItemId`].
    pub id: ItemId,
    /// The item's canonical link, if it has an http(s) one.
    pub url: Option<Url>,
    /// The title as plain text (HTML titles are stripped of tags and entities).
    pub title: Option<String>,
    /// The summary or description, HTML or text as the feed gave it, bounded.
    pub summary: Option<String>,
    /// The full content, HTML or text as the feed gave it, bounded.
    pub content: Option<String>,
    /// When the item was published, or else last updated.
    pub published: Option<DateTime<Utc>>,
    /// Author names (or e-mail addresses where no name is given).
    pub authors: Vec<String>,
    /// The publisher the feed names for this item (an aggregator's `<source>`, `News:Source`, a
    /// title suffix, a syndication line); `None` when the feed names none.
    pub publisher: Option<String>,
    /// The publisher's site, when the feed gives it (`<source url>`).
    pub publisher_site: Option<Url>,
    /// The aggregator or site that carried the item for another publisher ("Google News", a
    /// syndicating site's name).
    pub via: Option<String>,
    /// For community feeds: the item is people's discussion, here.
    pub discussion: Option<Discussion>,
    /// The link is an aggregator's opaque token (Google News): it is never fetched, and the same
    /// article elsewhere is recognised by publisher and headline instead.
    pub opaque_link: bool,
}

/// Where a community item is discussed. Points and comment counts are metadata, never text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discussion {
    /// The site: "Reddit", "Hacker News", "Lobsters", "Mastodon", "Bluesky".
    pub site: String,
    /// The community on the site, where it has them: "r/layoffs".
    pub community: Option<String>,
    /// The discussion page.
    pub url: Option<Url>,
    pub points: Option<u32>,
    pub comments: Option<u32>,
    /// The post links an article (the item's `url` is then the article, not the discussion).
    pub link_post: bool,
}

/// Why a feed could not be parsed. Every variant names the feed it is about.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The input exceeded [`ParseLimits::max_input_bytes`].
    #[error(
        "feed {source_name} is {size} bytes, over the {limit}-byte limit; check that the address points at a feed, or raise the limit"
    )]
    TooLarge {
        /// The feed's address or path.
        source_name: String,
        /// Its size.
        size: usize,
        /// The limit it broke.
        limit: usize,
    },
    /// The input is not RSS, Atom or JSON Feed (an HTML page, an error page, an empty body).
    #[error(
        "{source_name} is not an RSS, Atom or JSON feed ({reason}); check that the address points at the feed itself, not a web page"
    )]
    NotAFeed {
        /// The feed's address or path.
        source_name: String,
        /// What the parser saw.
        reason: String,
    },
    /// The input looks like a feed but is broken (bad XML or JSON).
    #[error("feed {source_name} is malformed: {reason}; the publisher has to fix it, or remove the feed")]
    Malformed {
        /// The feed's address or path.
        source_name: String,
        /// The parser's complaint.
        reason: String,
    },
    /// feed-rs panicked on this input (a bug in it); the feed is skipped.
    #[error(
        "the feed parser crashed on {source_name} ({message}); the feed is skipped; please report the feed's contents as a feed-rs bug"
    )]
    Panicked {
        /// The feed's address or path.
        source_name: String,
        /// The panic message.
        message: String,
    },
}

/// Parses a feed with default options (no HTTP charset, default limits).
///
/// `source` names the feed in errors; if it is an http(s) URL it is also the base for relative
/// links.
pub fn parse_feed(bytes: &[u8], source: &str) -> Result<ParsedFeed, ParseError> {
    parse_feed_with(bytes, source, &ParseOptions::default())
}

/// Parses a feed on a blocking thread: parsing a large feed takes milliseconds of CPU that should
/// not stall the async runtime, and a panic that escaped `catch_unwind` would still only end that
/// one task.
pub async fn parse_feed_blocking(
    bytes: Bytes,
    source: String,
    options: ParseOptions,
) -> Result<ParsedFeed, ParseError> {
    let name = source.clone();
    tokio::task::spawn_blocking(move || parse_feed_with(&bytes, &source, &options))
        .await
        .unwrap_or_else(|join_error| Err(ParseError::Panicked { source_name: name, message: join_error.to_string() }))
}

/// Parses a feed with explicit options.
pub fn parse_feed_with(bytes: &[u8], source: &str, options: &ParseOptions) -> Result<ParsedFeed, ParseError> {
    let limits = &options.limits;
    if bytes.len() > limits.max_input_bytes {
        return Err(ParseError::TooLarge {
            source_name: source.to_owned(),
            size: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    let (text, _) = decode::to_utf8(bytes, options.charset_hint.as_deref());
    let text = repair::repair(text);
    let base = Url::parse(source).ok().filter(|u| matches!(u.scheme(), "http" | "https"));

    let parsed = catch_unwind(AssertUnwindSafe(|| {
        feed_rs::parser::Builder::new()
            .base_uri(base.as_ref().map(Url::as_str))
            // An empty id marks "the feed gave none"; we derive our own (see `ids`).
            .id_generator(|_, _, _| String::new())
            .timestamp_parser(super::dates::parse)
            .build()
            .parse(text.as_bytes())
    }));
    let feed = match parsed {
        Ok(Ok(feed)) => feed,
        Ok(Err(error)) => return Err(classify(error, source)),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            return Err(ParseError::Panicked { source_name: source.to_owned(), message });
        }
    };

    // RSS says nothing about markup in titles, and publishers escape HTML into them freely; Atom
    // and JSON Feed say exactly what a title holds.
    let rss = matches!(feed.feed_type, FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2);
    let total = feed.entries.len();
    let title = feed.title.as_ref().map(|t| plain_title(t, rss, limits));
    let site = pick_link(&feed.links).and_then(|href| absolute_canonical(href, base.as_ref()));
    let feed_links: Vec<&str> = feed.links.iter().map(|l| l.href.as_str()).collect();
    let item_links: Vec<&str> =
        feed.entries.iter().filter_map(|e| pick_link(&e.links)).chain(comment_links(&feed.entries)).collect();
    let shape = shape::detect(source, feed_links, feed.generator.as_ref().map(|g| g.content.as_str()), item_links);
    let site_name = title.as_deref().and_then(site_name);
    let extras = provenance::extras(&text, total);
    let context = FeedContext { shape, site_name: site_name.as_deref(), rules: Rules::embedded() };
    let items: Vec<FeedItem> = feed
        .entries
        .into_iter()
        .enumerate()
        .take(limits.max_items)
        .map(|(i, entry)| {
            let extra = extras.as_ref().and_then(|e| e.get(i)).cloned().unwrap_or_default();
            to_item(entry, rss, base.as_ref(), limits, &extra, &context)
        })
        .collect();
    Ok(ParsedFeed { title, site, site_name, shape, items_dropped: total - items.len(), items })
}

fn comment_links(entries: &[Entry]) -> impl Iterator<Item = &str> {
    entries.iter().flat_map(|e| e.links.iter().filter(|l| l.target.is_some()).map(|l| l.href.as_str()))
}

/// The site's name from the feed's title: the part before a separator, if it is name-sized.
fn site_name(title: &str) -> Option<String> {
    let short = title.split([':', '|', '—', '–']).next().unwrap_or(title).trim();
    let short = short.split(" - ").next().unwrap_or(short).trim();
    let short = short.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    (!short.is_empty() && short.split_whitespace().count() <= 6).then(|| short.chars().take(80).collect())
}

fn classify(error: ParseFeedError, source: &str) -> ParseError {
    let source_name = source.to_owned();
    match error {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => ParseError::NotAFeed {
            source_name,
            reason: "no <rss>, <feed>, <rdf:RDF> or JSON Feed object at the top".to_owned(),
        },
        ParseFeedError::ParseError(ParseErrorKind::UnknownMimeType { mime, .. }) => {
            ParseError::NotAFeed { source_name, reason: format!("unsupported content type {mime}") }
        }
        ParseFeedError::JsonUnsupportedVersion(version) => {
            ParseError::NotAFeed { source_name, reason: format!("unsupported JSON Feed version {version}") }
        }
        other => ParseError::Malformed { source_name, reason: other.to_string() },
    }
}

fn to_item(
    entry: Entry,
    rss: bool,
    base: Option<&Url>,
    limits: &ParseLimits,
    extras: &Extras,
    context: &FeedContext<'_>,
) -> FeedItem {
    let url = pick_link(&entry.links).and_then(|href| absolute_canonical(href, base));
    let comments = entry.links.iter().find(|l| l.target.is_some()).and_then(|l| absolute_canonical(&l.href, base));
    let title = entry.title.as_ref().map(|t| plain_title(t, rss, limits));
    let summary = entry.summary.map(|s| text::truncate(s.content, limits.max_body_bytes));
    let content = entry.content.and_then(|c| c.body).map(|b| text::truncate(b, limits.max_body_bytes));
    // The content hash falls back on the content when there is no summary.
    let id = ItemId::derive(
        Some(entry.id.as_str()),
        url.as_ref(),
        title.as_deref(),
        summary.as_deref().or(content.as_deref()),
    );
    let authors = entry
        .authors
        .into_iter()
        .filter_map(|p| {
            let name = p.name.filter(|n| !n.trim().is_empty()).or(p.email)?;
            let name = text::collapse_whitespace(&name);
            (!name.is_empty()).then(|| text::truncate(name, limits.max_title_bytes))
        })
        .collect();
    let mut item = FeedItem {
        id,
        url,
        title,
        summary,
        content,
        published: entry.published.or(entry.updated),
        authors,
        publisher: None,
        publisher_site: None,
        via: None,
        discussion: None,
        opaque_link: false,
    };
    provenance::apply(&mut item, comments, extras, context);
    item
}

/// The item's page: the first `alternate` (or rel-less) link that is not a comments link, else the
/// first link.
fn pick_link(links: &[Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| l.target.is_none() && l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| links.first())
        .map(|l| l.href.as_str())
}

fn absolute_canonical(href: &str, base: Option<&Url>) -> Option<Url> {
    let href = href.trim();
    let url = match Url::parse(href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(href).ok()?,
        Err(_) => return None,
    };
    canonicalize(url)
}

/// A title as plain text. RSS titles (`rss`) and Atom `html`/`xhtml` titles may carry markup and
/// entities; Atom `text` and JSON Feed titles are text already.
fn plain_title(title: &Text, rss: bool, limits: &ParseLimits) -> String {
    let plain = if rss || title.content_type.as_str().contains("html") {
        text::html_to_plain(&title.content)
    } else {
        text::collapse_whitespace(&title.content)
    };
    text::truncate(plain, limits.max_title_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS_NO_GUIDS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Tech &amp; Jobs</title>
<item><title>Linked</title><link>https://news.example/a?utm_source=rss#x</link></item>
<item><title>Bare</title><description>No link, no guid</description></item>
<item><title>Guid</title><guid>  tag:news.example,2026:3 </guid><link>https://news.example/c</link></item>
</channel></rss>"#;

    #[test]
    fn items_without_guids_get_the_same_ids_on_every_parse() {
        let a = parse_feed(RSS_NO_GUIDS.as_bytes(), "test").unwrap();
        let b = parse_feed(RSS_NO_GUIDS.as_bytes(), "test").unwrap();
        let ids: Vec<_> = a.items.iter().map(|i| i.id.clone()).collect();
        assert_eq!(ids, b.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
        assert_eq!(ids[0].as_str(), "https://news.example/a");
        assert!(ids[1].as_str().starts_with("xxh3:"));
        assert_eq!(ids[2].as_str(), "tag:news.example,2026:3");
        assert_eq!(a.title.as_deref(), Some("Tech & Jobs"));
    }

    #[test]
    fn a_link_only_item_keeps_its_id_when_its_title_is_edited() {
        let edited = RSS_NO_GUIDS.replace("<title>Linked</title>", "<title>Linked (updated)</title>");
        let a = parse_feed(RSS_NO_GUIDS.as_bytes(), "test").unwrap();
        let b = parse_feed(edited.as_bytes(), "test").unwrap();
        assert_eq!(a.items[0].id, b.items[0].id);
    }

    #[test]
    fn rss_without_a_version_attribute_parses() {
        let feed = parse_feed(b"<rss><channel><item><title>x</title></item></channel></rss>", "t").unwrap();
        assert_eq!(feed.items.len(), 1);
    }

    #[test]
    fn relative_links_resolve_against_the_feed_address() {
        let xml = br#"<rss version="2.0"><channel><item><link>/story/1</link></item></channel></rss>"#;
        let feed = parse_feed(xml, "https://news.example/feeds/rss").unwrap();
        assert_eq!(feed.items[0].url.as_ref().map(Url::as_str), Some("https://news.example/story/1"));
    }

    #[test]
    fn atom_html_titles_become_plain_text_and_updated_stands_in_for_published() {
        let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
<entry><id>urn:1</id><title type="html">&lt;b&gt;Cuts&lt;/b&gt; at Initech</title>
<updated>2026-04-18T10:00:00Z</updated><author><name> Ann  Lee </name></author>
<link rel="alternate" href="https://n.example/1"/><summary>s</summary></entry></feed>"#;
        let feed = parse_feed(xml, "t").unwrap();
        let item = &feed.items[0];
        assert_eq!(item.title.as_deref(), Some("Cuts at Initech"));
        assert_eq!(item.published.map(|d| d.to_rfc3339()).as_deref(), Some("2026-04-18T10:00:00+00:00"));
        assert_eq!(item.authors, vec!["Ann Lee".to_owned()]);
        assert_eq!(item.id.as_str(), "urn:1");
    }

    #[test]
    fn json_feed_items_parse() {
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
"items":[{"id":"1","url":"https://j.example/1","title":"One","content_html":"<p>x</p>",
"date_published":"2026-01-02T03:04:05Z"}]}"#;
        let feed = parse_feed(json, "t").unwrap();
        assert_eq!(feed.items[0].id.as_str(), "1");
        assert_eq!(feed.items[0].content.as_deref(), Some("<p>x</p>"));
    }

    #[test]
    fn the_number_of_items_and_the_length_of_bodies_are_bounded() {
        let mut xml = String::from(r#"<rss version="2.0"><channel>"#);
        for i in 0..20 {
            xml.push_str(&format!("<item><guid>{i}</guid><description>{}</description></item>", "é".repeat(100)));
        }
        xml.push_str("</channel></rss>");
        let options = ParseOptions {
            charset_hint: None,
            limits: ParseLimits { max_items: 5, max_body_bytes: 11, ..ParseLimits::default() },
        };
        let feed = parse_feed_with(xml.as_bytes(), "t", &options).unwrap();
        assert_eq!(feed.items.len(), 5);
        assert_eq!(feed.items_dropped, 15);
        assert_eq!(feed.items[0].summary.as_deref(), Some("ééééé"));
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let options =
            ParseOptions { charset_hint: None, limits: ParseLimits { max_input_bytes: 10, ..ParseLimits::default() } };
        let err = parse_feed_with(&[b' '; 11], "big", &options).unwrap_err();
        assert!(matches!(err, ParseError::TooLarge { size: 11, .. }), "{err}");
    }

    #[test]
    fn an_html_page_is_not_a_feed() {
        let err = parse_feed(b"<html><body>hi</body></html>", "https://x.example/").unwrap_err();
        assert!(matches!(err, ParseError::NotAFeed { .. }), "{err}");
        assert!(err.to_string().contains("https://x.example/"));
    }

    #[test]
    fn broken_xml_is_malformed() {
        let err = parse_feed(b"<rss version=\"2.0\"><channel><item><title>x</titl></item>", "t").unwrap_err();
        assert!(matches!(err, ParseError::Malformed { .. } | ParseError::NotAFeed { .. }), "{err}");
    }

    #[test]
    fn a_utf16_feed_with_a_bom_parses() {
        let xml = r#"<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ünïcode</title></channel></rss>"#;
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(xml.encode_utf16().flat_map(u16::to_be_bytes));
        let feed = parse_feed(&bytes, "t").unwrap();
        assert_eq!(feed.title.as_deref(), Some("Ünïcode"));
    }

    #[tokio::test]
    async fn the_blocking_wrapper_parses_off_the_runtime() {
        let feed =
            parse_feed_blocking(Bytes::from_static(RSS_NO_GUIDS.as_bytes()), "t".to_owned(), ParseOptions::default())
                .await
                .unwrap();
        assert_eq!(feed.items.len(), 3);
    }
}
