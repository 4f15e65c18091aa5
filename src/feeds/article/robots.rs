//! robots.txt, fetched once per site and remembered for a while, read for our product token only.
//!
//! RFC 9309's rules for a robots.txt that cannot be read: a 4xx means there are no rules, a server
//! error or a network failure means nothing may be fetched (the site may be down or protecting
//! itself). The parser is given the product token, not the whole User-Agent string, because a full
//! string matches no group and silently falls back to `*`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use robotxt::{AccessResult, Robots};
use tokio::time::Instant;
use url::Url;

use super::pacing::HostPacer;
use crate::feeds::{FetchError, FetchOutcome, Fetcher, Validators};

/// The name sites address us by in robots.txt.
pub const PRODUCT_TOKEN: &str = "layoffwatch";

/// Each site's rules, kept for `ttl`.
#[derive(Debug)]
pub struct RobotsCache {
    ttl: Duration,
    sites: Mutex<HashMap<String, (Arc<Robots>, Instant)>>,
}

impl RobotsCache {
    pub fn new(ttl: Duration) -> Self {
        RobotsCache { ttl, sites: Mutex::new(HashMap::new()) }
    }

    /// Whether the site's robots.txt lets us fetch `url`, fetching the file when not known.
    pub async fn allows(&self, fetcher: &Fetcher, pacer: &HostPacer, url: &Url) -> bool {
        let site = url.origin().ascii_serialization();
        let cached = {
            let sites = self.sites.lock().unwrap_or_else(PoisonError::into_inner);
            sites.get(&site).filter(|(_, until)| Instant::now() < *until).map(|(robots, _)| Arc::clone(robots))
        };
        let robots = match cached {
            Some(robots) => robots,
            None => {
                pacer.wait(url).await;
                let robots = Arc::new(fetch_rules(fetcher, url).await);
                let mut sites = self.sites.lock().unwrap_or_else(PoisonError::into_inner);
                sites.retain(|_, (_, until)| Instant::now() < *until);
                sites.insert(site, (Arc::clone(&robots), Instant::now() + self.ttl));
                robots
            }
        };
        robots.is_url_allowed(url)
    }
}

async fn fetch_rules(fetcher: &Fetcher, url: &Url) -> Robots {
    let Ok(robots_url) = url.join("/robots.txt") else {
        return Robots::from_access(AccessResult::Unreachable, PRODUCT_TOKEN);
    };
    let result = fetcher.fetch(&crate::feeds::FeedSource::Url(robots_url), &Validators::default()).await;
    match result {
        Ok(FetchOutcome::Fetched { body, .. }) => Robots::from_access(AccessResult::Successful(&body), PRODUCT_TOKEN),
        Ok(FetchOutcome::NotModified) => Robots::allow_all(),
        Err(FetchError::Status { status: 400..=499, .. }) => {
            Robots::from_access(AccessResult::Unavailable, PRODUCT_TOKEN)
        }
        Err(FetchError::TooManyRedirects { .. }) => Robots::from_access(AccessResult::TooManyRedirects, PRODUCT_TOKEN),
        Err(error) => {
            tracing::debug!(%url, %error, "robots.txt unreachable; not fetching from this site for now.");
            Robots::from_access(AccessResult::Unreachable, PRODUCT_TOKEN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_group_is_found_by_the_product_token() {
        let txt = b"User-agent: *\nAllow: /\n\nUser-agent: layoffwatch\nDisallow: /members/\n";
        let robots = Robots::parse(txt, PRODUCT_TOKEN);
        assert!(!robots.is_allowed("/members/brightloom"));
        assert!(robots.is_allowed("/news/brightloom"));
    }

    #[test]
    fn a_server_error_means_nothing_may_be_fetched() {
        assert!(!Robots::from_access(AccessResult::Unreachable, PRODUCT_TOKEN).is_allowed("/news/a"));
        assert!(Robots::from_access(AccessResult::Unavailable, PRODUCT_TOKEN).is_allowed("/news/a"));
    }
}
