//! Feed items become the core's news items: the outlet is the item's publisher as the core credits
//! it from what the feed says (never the feed's title), community posts are discussion, and the
//! item's content (else summary) is the article text.

use crate::core::credit::{CreditClues, credit};
use crate::core::id::ItemId;
use crate::core::lexicon::Lexicon;
use crate::core::story::{DiscussedOn, ItemKind, NewsItem, Provenance};
use crate::feeds::{FeedItem, ParseError, ParseOptions, ParsedFeed, parse_feed_blocking};

/// One feed item as a news item of `feed`.
pub fn news_item(item: &FeedItem, feed: &ParsedFeed, source: &str) -> NewsItem {
    let url = item.url.as_ref().map(|u| u.to_string());
    let site = feed.site.as_ref().map(|u| u.to_string()).or_else(|| Some(source.to_string()));
    let discussion = item.discussion.as_ref();
    let self_post = discussion.is_some_and(|d| !d.link_post);
    let clues = CreditClues {
        publisher: item.publisher.as_deref(),
        article_url: url.as_deref().filter(|_| !item.opaque_link && !self_post),
        publisher_site: item.publisher_site.as_ref().map(|u| u.as_str()),
        authors: &item.authors,
        site_url: site.as_deref(),
        site_name: feed.site_name.as_deref(),
    };
    // A community's own post is credited to the community ("Reddit", "Hacker News").
    let outlet = if self_post { discussion.map(|d| d.site.clone()) } else { credit(&clues, Lexicon::embedded()) };
    // A site carrying another outlet's article is its carrier ("Reuters via Yahoo Finance").
    let host_outlet = || credit(&CreditClues { publisher: None, authors: &[], ..clues }, Lexicon::embedded());
    let via = item.via.clone().or_else(|| {
        let carrier = (!self_post && discussion.is_none()).then(host_outlet).flatten()?;
        (outlet.as_deref() != Some(carrier.as_str())).then_some(carrier)
    });
    NewsItem {
        // The feed layer derives the id as its own type (it imports nothing of the core).
        id: ItemId::from(item.id.as_str()),
        url,
        outlet: outlet.unwrap_or_else(|| source.rsplit('/').next().unwrap_or(source).to_string()),
        title: item.title.clone().unwrap_or_default(),
        text: item.content.clone().or_else(|| item.summary.clone()).unwrap_or_default(),
        published: item.published,
        provenance: Provenance {
            kind: if discussion.is_some() { ItemKind::Discussion } else { ItemKind::Article },
            via: via.into_iter().collect(),
            discussed_on: discussion
                .map(|d| DiscussedOn {
                    site: d.site.clone(),
                    url: d.url.as_ref().map(|u| u.to_string()),
                    points: d.points,
                    comments: d.comments,
                })
                .into_iter()
                .collect(),
            opaque_link: item.opaque_link,
            same_as: Vec::new(),
        },
    }
}

/// All items of a feed, oldest first, so stories grow in the order events happened.
pub fn news_items(feed: &ParsedFeed, source: &str) -> Vec<NewsItem> {
    let mut items: Vec<NewsItem> = feed.items.iter().map(|i| news_item(i, feed, source)).collect();
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
