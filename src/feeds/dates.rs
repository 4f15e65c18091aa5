//! Item dates, read as feed-rs reads them, but the common case first.
//!
//! feed-rs's own date reader tries RFC 3339, then RFC 2822, then RFC 1123, and before each attempt
//! rewrites the text with a list of regular expressions that repair common mistakes: about ten
//! regex replacements and allocations for every `pubDate`, whatever it holds. Most dates are valid
//! RFC 2822 as they stand, and for those the repairs change nothing that matters (a weekday that
//! chrono has already checked, a `-0000` it already reads as UTC), so a strict parse of the text as
//! it is gives the same instant. Anything else goes through the same repairs feed-rs makes.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

/// Parses a feed date as feed-rs's default reader does, quickly when the date is plain RFC 2822.
pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
    let trimmed = text.trim();
    // A text chrono reads as RFC 2822 cannot be RFC 3339 (that starts with a four-digit year and a
    // dash), so feed-rs's first attempt would fail on it, and its RFC 2822 repairs leave the instant
    // as it is.
    if let Ok(date) = DateTime::parse_from_rfc2822(trimmed) {
        return Some(date.with_timezone(&Utc));
    }
    lenient(trimmed)
}

/// A regex and what its first match is replaced with.
struct Fix(Regex, &'static str);

fn fix(pattern: &str, replacement: &'static str) -> Fix {
    Fix(Regex::new(pattern).expect("valid regex"), replacement)
}

/// The repairs feed-rs makes before reading a date as RFC 3339.
static RFC3339_FIXES: LazyLock<Vec<Fix>> = LazyLock::new(|| {
    vec![
        // A missing colon in the offset.
        fix(r"(\+|-)(\d{2})(\d{2})", "${1}${2}:${3}"),
        // A date with no time: midnight UTC.
        fix(r"-\d{2}$", "${0}T00:00:00+00:00"),
    ]
});

/// The repairs feed-rs makes before reading a date as RFC 2822.
static RFC2822_FIXES: LazyLock<Vec<Fix>> = LazyLock::new(|| {
    vec![
        fix("(UTC|-0000$)", "+0000"),
        // Weekdays are often wrong or spelt out; they say nothing the date does not.
        fix("(Sun|Mon|Tue|Wed|Thu|Fri|Sat)[a-z]*, ", ""),
        fix("(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*", "$1"),
        // Month before day.
        fix("(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\\d{1,2}) (\\d{4})", "$2 $1 $3"),
        fix(" 24:", " 00:"),
        fix(" ([0-9]):", " 0${1}:"),
    ]
});

/// The repairs feed-rs makes before reading a date as RFC 1123 without a weekday.
static RFC1123_FIXES: LazyLock<Vec<Fix>> = LazyLock::new(|| vec![fix(" Z$", " +0000"), fix("^[[:alpha:]]{3}, ", "")]);

fn repaired(text: &str, fixes: &[Fix]) -> String {
    let mut out = text.trim().to_string();
    for Fix(regex, replacement) in fixes {
        out = regex.replace(&out, *replacement).to_string();
    }
    out
}

/// feed-rs's lenient reading: RFC 3339, RFC 2822, then RFC 1123, each after its repairs.
fn lenient(text: &str) -> Option<DateTime<Utc>> {
    let utc = |date: DateTime<chrono::FixedOffset>| date.with_timezone(&Utc);
    DateTime::parse_from_rfc3339(repaired(text, &RFC3339_FIXES).trim())
        .or_else(|_| DateTime::parse_from_rfc2822(&repaired(text, &RFC2822_FIXES)))
        .or_else(|_| DateTime::parse_from_str(&repaired(text, &RFC1123_FIXES), "%d %b %Y %H:%M:%S %z"))
        .map(utc)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rfc2822_and_rfc3339_dates_parse() {
        let expected = "2024-01-02T21:44:00+00:00";
        assert_eq!(parse("Tue, 2 Jan 2024 21:44:00 +0000").map(|d| d.to_rfc3339()).as_deref(), Some(expected));
        assert_eq!(parse(" 2024-01-02T21:44:00Z ").map(|d| d.to_rfc3339()).as_deref(), Some(expected));
    }

    #[test]
    fn sloppy_dates_are_repaired_as_feed_rs_repairs_them() {
        let expected = Some("2024-01-02T21:44:00+00:00");
        for sloppy in [
            "Tuesday, 2 January 2024 21:44:00 UTC",
            "Wed, 2 Jan 2024 21:44:00 GMT",
            "Tue, Jan 2 2024 21:44:00 +0000",
            "2024-01-02T21:44:00+0000",
            "Tue, 02 Jan 2024 21:44:00 Z",
        ] {
            assert_eq!(parse(sloppy).map(|d| d.to_rfc3339()).as_deref(), expected, "{sloppy}");
        }
        assert_eq!(parse("2024-01-02").map(|d| d.to_rfc3339()).as_deref(), Some("2024-01-02T00:00:00+00:00"));
        assert_eq!(parse("yesterday"), None);
    }
}
