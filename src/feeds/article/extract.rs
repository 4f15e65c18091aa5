//! Turning an article page's HTML into its main text, or saying why it has none worth keeping.
//!
//! The readability port keeps inline "Advertisement" labels, photo credits and "Read more:" links,
//! returns a paywall's teaser as if it were the article, and is slow or worse on deeply nested
//! markup. So, in order: the page is refused if it nests deeper than [`MAX_DEPTH`]; a page whose
//! JSON-LD says `isAccessibleForFree: false` is a paywall; ads, captions, "read more" boxes,
//! navigation and cookie or consent banners are cut out; then the port picks the main text, which
//! must be at least `min_words` long and must not be a wall's message. Everything here is
//! synchronous and `!Send` inside: [`extract`] takes and returns plain strings.

use dom_smoothie::{Config, Readability, TextMode};
use ego_tree::iter::Edge;
use scraper::{Html, Selector};

/// Nesting deeper than this is not an article page (and costs the extractor seconds).
pub const MAX_DEPTH: usize = 500;

/// What a page gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// The article's paragraphs, one per line.
    Text(String),
    /// No text worth keeping; the reason is for logs.
    NoText(&'static str),
}

/// Elements that are never the article: ads, credits, teasers of other articles, page furniture
/// and cookie or consent banners.
const FURNITURE: &str = "script, style, noscript, iframe, form, nav, aside, header, footer, figcaption, \
    .ad, .ads, .ad-slot, .advert, .advertisement, .sponsored, .read-more, .readmore, .related, \
    .related-links, .newsletter, .share, .social-share, .byline-photo, \
    [class*=cookie], [id*=cookie], [class*=consent], [id*=consent], [class*=gdpr], [id*=gdpr]";

/// Lines a wall shows instead of the article.
const WALL_PHRASES: &[&str] = &[
    "subscribe to continue reading",
    "subscribe to read",
    "subscribers only",
    "for subscribers",
    "create a free account to continue",
    "sign in to continue reading",
    "you have reached your limit of free articles",
    "we use cookies",
    "accept all cookies",
    "manage your privacy choices",
    "consent to the use of",
];

/// Extracts the main text of `html`, fetched from `url`.
pub fn extract(html: &str, url: &str, min_words: usize) -> Extracted {
    let mut page = Html::parse_document(html);
    if depth(&page) > MAX_DEPTH {
        return Extracted::NoText("the page nests too deeply to be an article");
    }
    if is_paywalled(&page) {
        return Extracted::NoText("the page says it is for subscribers only");
    }
    strip_furniture(&mut page);
    let config = Config { text_mode: TextMode::Formatted, max_elements_to_parse: 50_000, ..Config::default() };
    let Ok(mut readability) = Readability::new(page.html(), Some(url), Some(config)) else {
        return Extracted::NoText("the page address is not absolute");
    };
    let Ok(article) = readability.parse() else {
        return Extracted::NoText("no article text found");
    };
    let text = clean(&article.text_content);
    let lower = text.to_lowercase();
    if WALL_PHRASES.iter().any(|p| lower.contains(p)) {
        return Extracted::NoText("the page is a paywall, cookie wall or consent page");
    }
    if text.split_whitespace().count() < min_words {
        return Extracted::NoText("too little article text");
    }
    Extracted::Text(text)
}

/// The deepest element nesting, in one pass over the tree.
fn depth(page: &Html) -> usize {
    let (mut current, mut deepest) = (0usize, 0usize);
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                current += 1;
                deepest = deepest.max(current);
            }
            Edge::Close(_) => current -= 1,
        }
    }
    deepest
}

/// Whether the page's JSON-LD marks it as not free to read (schema.org `isAccessibleForFree`).
fn is_paywalled(page: &Html) -> bool {
    let scripts = Selector::parse(r#"script[type="application/ld+json"]"#).expect("valid selector");
    page.select(&scripts).any(|script| {
        let json = script.text().collect::<String>();
        serde_json::from_str::<serde_json::Value>(&json).is_ok_and(|v| not_free(&v))
    })
}

fn not_free(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| {
            (key == "isAccessibleForFree"
                && (v == &Value::Bool(false) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))))
                || not_free(v)
        }),
        Value::Array(items) => items.iter().any(not_free),
        _ => false,
    }
}

fn strip_furniture(page: &mut Html) {
    let furniture = Selector::parse(FURNITURE).expect("valid selector");
    let ids: Vec<_> = page.select(&furniture).map(|e| e.id()).collect();
    for id in ids {
        if let Some(mut node) = page.tree.get_mut(id) {
            node.detach();
        }
    }
}

/// One paragraph per line, without the labels extraction keeps.
fn clean(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter(|line| {
            let lower = line.to_lowercase();
            lower != "advertisement" && !lower.starts_with("read more") && !lower.starts_with("related:")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://ledger.example/business/brightloom-cuts";

    fn paragraphs(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<p>Brightloom Analytics said on Tuesday that paragraph {i} of its restructuring plan moves \
                     support staff toward automated tooling, a spokesperson told reporters in Leeds.</p>"
                )
            })
            .collect()
    }

    #[test]
    fn an_article_page_gives_its_paragraphs_without_ads_or_credits() {
        let html = format!(
            "<html><body><nav><a href='/'>Home</a></nav><article><h1>Brightloom cuts</h1>{}\
             <div class='ad'>Advertisement</div><figure><img src='a.jpg'><figcaption>Photo: Ana Ruiz / Ledger</figcaption></figure>\
             {}<p class='read-more'>Read more: Why analytics firms are hiring again</p></article></body></html>",
            paragraphs(3),
            paragraphs(3)
        );
        let Extracted::Text(text) = extract(&html, URL, 40) else { panic!("expected text") };
        assert!(text.contains("paragraph 0 of its restructuring plan"), "{text}");
        for junk in ["Advertisement", "Photo: Ana Ruiz", "Read more", "Home"] {
            assert!(!text.contains(junk), "{junk} kept in {text}");
        }
    }

    #[test]
    fn a_page_marked_not_free_in_json_ld_is_a_paywall() {
        let html = format!(
            r#"<html><head><script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","hasPart":{{"@type":"WebPageElement","isAccessibleForFree":"False"}}}}</script></head><body><article>{}</article></body></html>"#,
            paragraphs(6)
        );
        assert!(matches!(extract(&html, URL, 40), Extracted::NoText(_)));
    }

    #[test]
    fn a_page_nested_thousands_deep_is_refused_by_the_depth_check_before_extraction() {
        // The depth check is one linear pass; extraction is what took seconds on such a page. That the
        // refusal is the depth check's says extraction never ran (no clock needed).
        let html = format!("{}{}{}", "<div>".repeat(3000), paragraphs(4), "</div>".repeat(3000));
        assert_eq!(extract(&html, URL, 40), Extracted::NoText("the page nests too deeply to be an article"));
    }

    #[test]
    fn a_scrap_of_markup_is_not_an_article() {
        assert!(matches!(extract("<", URL, 40), Extracted::NoText(_)));
    }
}
