//! Feed items become the core's news items: the outlet is named after the feed (or its host), and the
//! item's content (else summary) is the article text.

use crate::core::story::NewsItem;
use crate::feeds::{FeedItem, ParseError, ParseOptions, ParsedFeed, parse_feed_blocking};

/// The name an item's outlet goes by: the feed's title up to a separator ("Reuters — Technology" →
/// "Reuters"), else the host of the feed address.
pub fn outlet_name(feed: &ParsedFeed, source: &str) -> String {
    if let Some(title) = feed.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let short = title.split([':', '|', '—', '–']).next().unwrap_or(title).trim();
        let short = short.split(" - ").next().unwrap_or(short).trim();
        if !short.is_empty() {
            return short.chars().take(80).collect();
        }
    }
    url::Url::parse(source)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string()))
        .unwrap_or_else(|| source.rsplit('/').next().unwrap_or(source).to_string())
}

pub fn news_item(item: &FeedItem, outlet: &str) -> NewsItem {
    NewsItem {
        id: item.id.as_str().to_string(),
        url: item.url.as_ref().map(|u| u.to_string()),
        outlet: outlet.to_string(),
        title: item.title.clone().unwrap_or_default(),
        text: item.content.clone().or_else(|| item.summary.clone()).unwrap_or_default(),
        published: item.published,
    }
}

/// All items of a feed, oldest first, so stories grow in the order events happened.
pub fn news_items(feed: &ParsedFeed, source: &str) -> Vec<NewsItem> {
    let outlet = outlet_name(feed, source);
    let mut items: Vec<NewsItem> = feed.items.iter().map(|i| news_item(i, &outlet)).collect();
    items.sort_by_key(|i| i.published);
    items
}

/// A fetched body as news items: parsed off the async threads, in the charset the server declared.
pub async fn parse_fetched(
    body: bytes::Bytes,
    content_type: Option<&str>,
    source: &str,
) -> Result<Vec<NewsItem>, ParseError> {
    let options = ParseOptions {
        charset_hint: content_type.and_then(crate::feeds::decode::charset_from_content_type),
        ..ParseOptions::default()
    };
    let feed = parse_feed_blocking(body, source.to_string(), options).await?;
    Ok(news_items(&feed, source))
}
