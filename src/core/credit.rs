//! Naming the outlet an item is credited to. The feed says what it knows (a publisher's name, the
//! article's address, the site it came from); this decides the name readers see, which is also the
//! "source" of the item's claims and facts. A feed's title is never an outlet. In order:
//! 1. the publisher the feed names, under its canonical name when `config/outlets.toml` knows it;
//! 2. a known outlet the item's author line names ("Reuters" as `dc:creator` on a syndicated item);
//! 3. the outlet whose domain the article (or the named publisher's site) is on, from the same table;
//! 4. the site's own name, when the article is on the site whose feed this is;
//! 5. the article's domain.

use super::lexicon::Lexicon;
use super::text::host_of;

/// What a feed tells about who published one item.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreditClues<'a> {
    /// The publisher the feed names for the item.
    pub publisher: Option<&'a str>,
    /// The article's address (an aggregator token tells nothing: leave it out).
    pub article_url: Option<&'a str>,
    /// The publisher's site, when the feed gives it.
    pub publisher_site: Option<&'a str>,
    /// The item's author names.
    pub authors: &'a [String],
    /// The feed's site and its name.
    pub site_url: Option<&'a str>,
    pub site_name: Option<&'a str>,
}

/// The outlet an item is credited to, or `None` when nothing names one.
pub fn credit(clues: &CreditClues<'_>, lex: &Lexicon) -> Option<String> {
    if let Some(named) = clues.publisher.map(str::trim).filter(|p| !p.is_empty()) {
        return Some(canonical_outlet(named, lex).unwrap_or_else(|| named.chars().take(80).collect()));
    }
    // An author line naming an outlet is a syndicated copy: the outlet wrote it, wherever it is.
    if let Some(outlet) = clues.authors.iter().find_map(|a| canonical_outlet(a, lex)) {
        return Some(outlet);
    }
    let article_host = clues.article_url.and_then(host_of);
    for host in [article_host.as_deref(), clues.publisher_site.and_then(host_of).as_deref()].into_iter().flatten() {
        if let Some(outlet) = lex.outlet_for_host(host) {
            return Some(outlet.name().to_string());
        }
    }
    let site_host = clues.site_url.and_then(host_of);
    if let (Some(name), Some(site), Some(article)) = (clues.site_name, &site_host, &article_host)
        && same_site(site, article)
    {
        return Some(name.to_string());
    }
    article_host.or_else(|| clues.publisher_site.and_then(host_of))
}

/// The canonical name of an outlet named exactly (any of its names, ignoring case and a leading
/// "The"), if `config/outlets.toml` knows it.
pub fn canonical_outlet(name: &str, lex: &Lexicon) -> Option<String> {
    let norm = |s: &str| {
        let s = s.trim().to_lowercase();
        s.strip_prefix("the ").map(str::to_string).unwrap_or(s)
    };
    let wanted = norm(name);
    lex.outlets.iter().find(|o| o.names.iter().any(|n| norm(n) == wanted)).map(|o| o.name().to_string())
}

/// Two hosts of one site: equal, or one a subdomain of the other (`feeds.ledger.example`).
fn same_site(a: &str, b: &str) -> bool {
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> &'static Lexicon {
        Lexicon::embedded()
    }

    #[test]
    fn a_named_publisher_wins_under_its_canonical_name() {
        let c =
            CreditClues { publisher: Some("reuters"), article_url: Some("https://x.example/a"), ..Default::default() };
        assert_eq!(credit(&c, lex()).as_deref(), Some("Reuters"));
    }

    #[test]
    fn the_domain_table_names_an_article_on_a_known_site() {
        let c = CreditClues {
            article_url: Some("https://www.reuters.com/tech/a"),
            site_name: Some("AI layoffs"),
            ..Default::default()
        };
        assert_eq!(credit(&c, lex()).as_deref(), Some("Reuters"));
    }

    #[test]
    fn the_feed_title_names_only_articles_on_its_own_site() {
        let own = CreditClues {
            article_url: Some("https://ledger.example/a"),
            site_url: Some("https://www.ledger.example/"),
            site_name: Some("Ledger Daily"),
            ..Default::default()
        };
        assert_eq!(credit(&own, lex()).as_deref(), Some("Ledger Daily"));
        let other = CreditClues { article_url: Some("https://wire.example/a"), ..own };
        assert_eq!(credit(&other, lex()).as_deref(), Some("wire.example"));
    }

    #[test]
    fn an_author_line_naming_an_outlet_credits_it_even_on_a_known_carrier() {
        let authors = vec!["Reuters".to_string()];
        let c = CreditClues { article_url: Some("https://carrier.example/a"), authors: &authors, ..Default::default() };
        assert_eq!(credit(&c, lex()).as_deref(), Some("Reuters"));
        let yahoo = CreditClues { article_url: Some("https://finance.yahoo.com/news/a"), ..c };
        assert_eq!(credit(&yahoo, lex()).as_deref(), Some("Reuters"));
    }
}
