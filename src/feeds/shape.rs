//! What kind of feed this is, judged from its addresses: an aggregator (Google News, Bing News), a
//! community (Reddit, Hacker News and hnrss, Lobsters, Mastodon, Bluesky), or an ordinary
//! publisher's feed. The shape decides who published an item (an aggregator's item credits the
//! underlying publisher, never the feed) and whether the item is news or discussion.

use url::Url;

/// The kinds of feed that need handling of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedShape {
    /// A Google News search or topic feed: items credit `<source>`, links are opaque tokens.
    GoogleNews,
    /// A Bing News search feed: items credit `News:Source`, links are click-tracking wrappers.
    BingNews,
    /// A subreddit's (or user's) feed.
    Reddit,
    /// Hacker News's own feed, or hnrss.
    HackerNews,
    /// Lobsters.
    Lobsters,
    /// A Mastodon account's or tag's RSS.
    Mastodon,
    /// A Bluesky account's RSS.
    Bluesky,
    /// Any publisher's own feed (news site, newsroom, blog, newsletter).
    Generic,
}

impl FeedShape {
    /// The name rules use (`config/feed_furniture.toml`).
    pub fn name(self) -> &'static str {
        match self {
            FeedShape::GoogleNews => "google-news",
            FeedShape::BingNews => "bing-news",
            FeedShape::Reddit => "reddit",
            FeedShape::HackerNews => "hacker-news",
            FeedShape::Lobsters => "lobsters",
            FeedShape::Mastodon => "mastodon",
            FeedShape::Bluesky => "bluesky",
            FeedShape::Generic => "generic",
        }
    }

    pub fn from_name(name: &str) -> Option<FeedShape> {
        [
            FeedShape::GoogleNews,
            FeedShape::BingNews,
            FeedShape::Reddit,
            FeedShape::HackerNews,
            FeedShape::Lobsters,
            FeedShape::Mastodon,
            FeedShape::Bluesky,
            FeedShape::Generic,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// Whether items are people's posts (discussion), not an outlet's reporting.
    pub fn is_community(self) -> bool {
        matches!(
            self,
            FeedShape::Reddit | FeedShape::HackerNews | FeedShape::Lobsters | FeedShape::Mastodon | FeedShape::Bluesky
        )
    }

    /// The name a reader knows the site by, for "via" and "discussed on".
    pub fn site_name(self) -> Option<&'static str> {
        match self {
            FeedShape::GoogleNews => Some("Google News"),
            FeedShape::BingNews => Some("Bing News"),
            FeedShape::Reddit => Some("Reddit"),
            FeedShape::HackerNews => Some("Hacker News"),
            FeedShape::Lobsters => Some("Lobsters"),
            FeedShape::Mastodon => Some("Mastodon"),
            FeedShape::Bluesky => Some("Bluesky"),
            FeedShape::Generic => None,
        }
    }

    /// The shape a host belongs to, if it is one of the known sites.
    pub fn of_host(host: &str) -> Option<FeedShape> {
        let host = host.trim_start_matches("www.").to_ascii_lowercase();
        let on = |domain: &str| host == domain || host.strip_suffix(domain).is_some_and(|h| h.ends_with('.'));
        Some(if host == "news.google.com" {
            FeedShape::GoogleNews
        } else if on("bing.com") {
            FeedShape::BingNews
        } else if on("reddit.com") || on("redd.it") {
            FeedShape::Reddit
        } else if on("news.ycombinator.com") || on("hnrss.org") || host == "hnrss.github.io" {
            FeedShape::HackerNews
        } else if on("lobste.rs") {
            FeedShape::Lobsters
        } else if on("bsky.app") || on("bsky.social") {
            FeedShape::Bluesky
        } else {
            return None;
        })
    }
}

/// Judges a feed's shape from its own address, the links it declares, its generator, and the links
/// of its items (a file copy of a feed has no address, but its items still point home).
pub fn detect<'a>(
    source: &str,
    feed_links: impl IntoIterator<Item = &'a str>,
    generator: Option<&str>,
    item_links: impl IntoIterator<Item = &'a str>,
) -> FeedShape {
    let host_shape = |u: &str| Url::parse(u).ok().and_then(|u| u.host_str().and_then(FeedShape::of_host));
    if let Some(shape) = host_shape(source) {
        return shape;
    }
    for link in feed_links {
        if let Some(shape) = host_shape(link) {
            return shape;
        }
        if is_mastodon_account(link) {
            return FeedShape::Mastodon;
        }
    }
    if generator.is_some_and(|g| g.to_ascii_lowercase().contains("mastodon")) {
        return FeedShape::Mastodon;
    }
    // The items decide when most of them point at one known site.
    let mut counts: Vec<(FeedShape, usize)> = Vec::new();
    let mut total = 0;
    for link in item_links {
        total += 1;
        // Each item's link is parsed once for both tests.
        let shape = Url::parse(link).ok().and_then(|u| {
            u.host_str().and_then(FeedShape::of_host).or_else(|| is_mastodon_status(&u).then_some(FeedShape::Mastodon))
        });
        if let Some(shape) = shape {
            match counts.iter_mut().find(|(s, _)| *s == shape) {
                Some(c) => c.1 += 1,
                None => counts.push((shape, 1)),
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|c| c.1)
        .filter(|(_, n)| total > 0 && *n * 2 > total)
        .map_or(FeedShape::Generic, |(s, _)| s)
}

/// `https://instance.example/@name`: a Mastodon account page.
fn is_mastodon_account(link: &str) -> bool {
    Url::parse(link).is_ok_and(|u| {
        let segments: Vec<&str> = u.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
        segments.len() == 1 && segments[0].starts_with('@') && segments[0].len() > 1
    })
}

/// `https://instance.example/@name/1234567890`: a Mastodon post.
fn is_mastodon_status(link: &Url) -> bool {
    let segments: Vec<&str> = link.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    segments.len() == 2 && segments[0].starts_with('@') && segments[1].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sites_are_recognised_by_the_feed_address() {
        let none: [&str; 0] = [];
        assert_eq!(detect("https://news.google.com/rss/search?q=ai", none, None, none), FeedShape::GoogleNews);
        assert_eq!(detect("https://www.reddit.com/r/layoffs/.rss", none, None, none), FeedShape::Reddit);
        assert_eq!(detect("https://hnrss.org/newest?q=layoffs", none, None, none), FeedShape::HackerNews);
        assert_eq!(detect("https://www.bing.com/news/search?q=x&format=rss", none, None, none), FeedShape::BingNews);
    }

    #[test]
    fn a_file_copy_is_recognised_by_its_links() {
        let none: [&str; 0] = [];
        assert_eq!(detect("feeds/hn.xml", ["https://news.ycombinator.com/"], None, none), FeedShape::HackerNews);
        assert_eq!(
            detect("toots.xml", none, None, ["https://social.example/@ana/1123", "https://social.example/@ana/1124"]),
            FeedShape::Mastodon
        );
        assert_eq!(
            detect("outlet.xml", ["https://ledger.example/"], None, ["https://ledger.example/a"]),
            FeedShape::Generic
        );
    }
}
