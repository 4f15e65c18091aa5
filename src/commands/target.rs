//! What a `subscribe` or `unsubscribe` names: exactly one feed URL or one preset. Feed URLs typed by
//! users are untrusted: only http(s), never a private or metadata address (unless the operator allowed
//! private addresses), never a local file, and nothing longer than a feed URL can be.

use crate::feeds::guard;
use crate::feeds::presets::Presets;

/// Longest argument accepted: a feed URL is well under this.
pub const MAX_ARGUMENT: usize = 2_048;

/// The feeds a command names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Feed(url::Url),
    Preset { name: String, urls: Vec<url::Url> },
}

impl Target {
    /// The feed addresses, as stored in subscriptions.
    pub fn feeds(&self) -> Vec<String> {
        match self {
            Target::Feed(u) => vec![u.to_string()],
            Target::Preset { urls, .. } => urls.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Why a command was not carried out; the adapter words it, with what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// `subscribe` with nothing after it.
    NoFeed,
    /// An argument far longer than any feed URL.
    TooLong,
    /// More than one word: `first` was read, `rest` is what to send separately.
    OneAtATime { first: String, rest: String },
    /// Neither an http(s) URL nor a preset.
    NotAFeed { got: String },
    /// A private, loopback or metadata address; `reason` says which.
    Private { reason: String },
    /// Not a digest schedule.
    BadDigest { got: String },
    /// A verb the bot does not know.
    UnknownCommand { got: String },
}

/// One word, or the refusal that says to send the rest separately.
fn one_word(argument: &str) -> Result<&str, Refusal> {
    if argument.len() > MAX_ARGUMENT {
        return Err(Refusal::TooLong);
    }
    let argument = argument.trim();
    match argument.split_once(char::is_whitespace) {
        None if argument.is_empty() => Err(Refusal::NoFeed),
        None => Ok(argument),
        Some((first, rest)) => Err(Refusal::OneAtATime { first: first.into(), rest: rest.trim().into() }),
    }
}

fn preset(word: &str, presets: &Presets) -> Option<Target> {
    presets.get(word).map(|p| Target::Preset { name: p.name.clone(), urls: p.urls.clone() })
}

fn http_url(word: &str) -> Result<url::Url, Refusal> {
    match url::Url::parse(word) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
        _ => Err(Refusal::NotAFeed { got: word.chars().take(200).collect() }),
    }
}

/// A subscribe's target: a preset, or one feed URL the bot may fetch.
pub fn parse(argument: &str, presets: &Presets, allow_private: bool) -> Result<Target, Refusal> {
    let word = one_word(argument)?;
    if let Some(p) = preset(word, presets) {
        return Ok(p);
    }
    let url = http_url(word)?;
    guard::check_url(&url, allow_private).map_err(|e| Refusal::Private { reason: e.to_string() })?;
    Ok(Target::Feed(url))
}

/// An unsubscribe's target: a preset or one URL. It is never fetched, so any address may be named
/// (a subscription made while private addresses were allowed can still be removed).
pub fn parse_known(argument: &str, presets: &Presets) -> Result<Target, Refusal> {
    let word = one_word(argument)?;
    preset(word, presets).map_or_else(|| http_url(word).map(Target::Feed), Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presets() -> Presets {
        Presets::parse(
            "[presets.tech]\ndescription = \"d\"\nurls = [\"https://a.example/rss\", \"https://b.example/rss\"]\n",
        )
        .unwrap()
    }

    #[test]
    fn a_preset_expands_to_its_feeds() {
        let t = parse("tech", &presets(), false).unwrap();
        assert_eq!(t.feeds(), ["https://a.example/rss", "https://b.example/rss"]);
    }

    /// Regression (issue 13): the extra words used to be stored as part of the URL.
    #[test]
    fn exactly_one_url_or_preset_is_taken_and_the_rest_named() {
        let refusal = parse("https://a.example/rss and the blog", &presets(), false).unwrap_err();
        assert_eq!(refusal, Refusal::OneAtATime { first: "https://a.example/rss".into(), rest: "and the blog".into() });
        assert!(matches!(parse_known("tech please", &presets()), Err(Refusal::OneAtATime { .. })));
        assert_eq!(parse("  ", &presets(), false), Err(Refusal::NoFeed));
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed_and_files_always() {
        for bad in ["http://127.0.0.1/feed", "http://169.254.169.254/latest", "http://localhost/rss"] {
            assert!(matches!(parse(bad, &presets(), false), Err(Refusal::Private { .. })), "{bad}");
        }
        assert!(parse("http://10.0.0.5/rss", &presets(), true).is_ok());
        assert!(matches!(parse("file:///etc/passwd", &presets(), true), Err(Refusal::NotAFeed { .. })));
        assert!(matches!(parse("example.com/rss", &presets(), false), Err(Refusal::NotAFeed { .. })));
        assert!(parse_known("http://127.0.0.1/feed", &presets()).is_ok(), "an unsubscribe fetches nothing");
    }
}
