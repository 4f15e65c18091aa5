//! Canonical URLs and stable item ids.
//!
//! The store remembers which items it has seen by id, so an id must come out the same on every poll
//! of the same feed. feed-rs invents an id when an item has none (a random UUID when there is no link
//! either, a hash of link *and title* otherwise), so those ids change between polls or when an editor
//! fixes a headline. We never use them: [`crate::feeds::parse`] tells feed-rs to leave missing ids
//! empty and then [`ItemId::derive`] picks, in order, the item's own guid, its canonical link, or a
//! hash of its text.

use std::fmt;

use url::Url;
use xxhash_rust::xxh3::xxh3_64;

/// Query parameters that only say where a click came from. Two links that differ only in these point
/// at the same article, so they are dropped before links are compared or stored.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "ref_src",
    "rb_clickid",
    "wt_mc",
    "cmpid",
    "ocid",
];

/// Whether a query parameter name is a tracking parameter (`utm_*` or one of [`TRACKING_PARAMS`]).
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING_PARAMS.contains(&name.as_str())
}

/// The form of a link used for comparison and storage: http(s) only, host lowercased (the `url`
/// crate does that and drops default ports), no fragment, no tracking parameters. The remaining query
/// parameters keep their order and exact encoding, because some sites route on them.
///
/// Returns `None` for anything that is not an absolute http(s) URL with a host.
pub fn canonical_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw.trim()).ok()?;
    canonicalize(url)
}

/// [`canonical_url`] for an already parsed URL.
pub fn canonicalize(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        // Filter the raw `&`-separated pairs rather than re-serializing decoded ones, so the
        // parameters we keep are byte-for-byte what the publisher wrote.
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                let decoded = url::form_urlencoded::parse(name.as_bytes())
                    .next()
                    .map(|(k, _)| k.into_owned())
                    .unwrap_or_default();
                !is_tracking_param(&decoded)
            })
            .collect();
        let kept = kept.join("&");
        url.set_query((!kept.is_empty()).then_some(kept.as_str()));
    }
    Some(url)
}

/// An item's id, stable across polls of the same feed.
///
/// It is the item's own guid (Atom `id`, RSS `guid`, JSON Feed `id`) when it has one, else its
/// canonical link, else `xxh3:` and a hash of its title and summary.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(String);

impl ItemId {
    /// Picks the id for an item from what the feed said about it.
    ///
    /// `guid` must be the item's own id as written in the feed (not one invented by a parser);
    /// blank guids count as absent. `link` should already be canonical.
    pub fn derive(guid: Option<&str>, link: Option<&Url>, title: Option<&str>, summary: Option<&str>) -> ItemId {
        if let Some(guid) = guid.map(str::trim).filter(|g| !g.is_empty()) {
            return ItemId(guid.to_owned());
        }
        if let Some(link) = link {
            return ItemId(link.as_str().to_owned());
        }
        ItemId::from_content(title.unwrap_or_default(), summary.unwrap_or_default())
    }

    /// The hash-based id of an item with neither guid nor link.
    pub fn from_content(title: &str, summary: &str) -> ItemId {
        // A unit separator keeps ("ab", "c") and ("a", "bc") apart.
        let text = format!("{}\u{1f}{}", title.trim(), summary.trim());
        ItemId(format!("xxh3:{:016x}", xxh3_64(text.as_bytes())))
    }

    /// The id as text, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Option<String> {
        canonical_url(s).map(String::from)
    }

    #[test]
    fn utm_params_and_fragments_are_dropped() {
        assert_eq!(
            canon("https://news.example/a?utm_source=x&id=7&UTM_Medium=y#top").as_deref(),
            Some("https://news.example/a?id=7")
        );
    }

    #[test]
    fn common_click_ids_are_dropped_and_other_params_keep_their_order_and_encoding() {
        assert_eq!(
            canon("https://n.example/p?z=1&fbclid=abc&a=b%20c&gclid=1&mc_cid=2&q=x+y").as_deref(),
            Some("https://n.example/p?z=1&a=b%20c&q=x+y")
        );
    }

    #[test]
    fn a_query_of_only_tracking_params_disappears() {
        assert_eq!(canon("https://n.example/p?utm_campaign=x&gclid=y").as_deref(), Some("https://n.example/p"));
    }

    #[test]
    fn host_is_lowercased_and_default_port_dropped() {
        assert_eq!(canon("HTTPS://News.Example:443/Path").as_deref(), Some("https://news.example/Path"));
    }

    #[test]
    fn non_http_schemes_and_relative_links_are_not_canonical() {
        assert_eq!(canon("ftp://example.com/feed"), None);
        assert_eq!(canon("javascript:alert(1)"), None);
        assert_eq!(canon("/relative/path"), None);
        assert_eq!(canon("mailto:a@example.com"), None);
    }

    #[test]
    fn a_guid_wins_over_link_and_content() {
        let link = canonical_url("https://example.com/a").unwrap();
        let id = ItemId::derive(Some(" tag:x,2026:1 "), Some(&link), Some("t"), None);
        assert_eq!(id.as_str(), "tag:x,2026:1");
    }

    #[test]
    fn a_blank_guid_falls_back_to_the_link() {
        let link = canonical_url("https://example.com/a").unwrap();
        let id = ItemId::derive(Some("  "), Some(&link), Some("t"), None);
        assert_eq!(id.as_str(), "https://example.com/a");
    }

    #[test]
    fn an_item_with_neither_guid_nor_link_gets_the_same_hash_every_time() {
        let a = ItemId::derive(None, None, Some("Layoffs at Initech"), Some("500 jobs"));
        let b = ItemId::derive(None, None, Some("Layoffs at Initech"), Some("500 jobs"));
        let c = ItemId::derive(None, None, Some("Layoffs at Initech"), Some("600 jobs"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.as_str().starts_with("xxh3:"));
    }

    #[test]
    fn the_content_hash_separates_title_from_summary() {
        assert_ne!(ItemId::from_content("ab", "c"), ItemId::from_content("a", "bc"));
    }
}
