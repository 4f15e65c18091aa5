//! Which companies a text is about: known names from `config/companies.toml`, and unknown ones found by
//! their shape (a capitalised name before a layoff verb, a name ending in "Inc." or "Labs").

use super::lexicon::Lexicon;
use crate::core::text::Words;
use regex::Regex;
use std::sync::LazyLock;

/// A capitalised name (one to three words).
const NAME: &str = r"((?:[A-Z][\w&'.-]*[\w&])(?:\s+(?:[A-Z][\w&'.-]*[\w&.]|&)){0,2})";

static SUBJECT_OF_CUTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{NAME}\s+(?:(?:[a-z][a-z-]*|~?[\d][\d,.]*%?)\s+){{0,5}}(?:cut|cuts|cutting|lay(?:s|ing)?\s+off|laid\s+off|layoffs?|eliminat\w+|slash\w*|shed\w*|trim\w*|axe[sd]?|axing|downsiz\w+|restructur\w+|job\s+cuts)\b"
    ))
    .expect("valid regex")
});
static POSSESSIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{NAME}(?:'s|’s)\s+(?:[a-z-]+\s+)?(?:workforce|employees|staff|headcount|layoffs?|job\s+cuts|cuts|workers)\b"
    ))
    .expect("valid regex")
});
static AT_COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?i:layoffs?|cuts|job cuts|redundancies|employees|workers|staff|engineers)\s+(?:at|from)\s+{NAME}"
    ))
    .expect("valid regex")
});
static TITLE_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2}").expect("valid regex"));
/// Legal suffixes dropped so "Globex Corporation" and "Globex" are one company.
static LEGAL_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Co\.|Ltd\.?|Limited|LLC|L\.L\.C\.|PLC|plc|AG|SA|S\.A\.|GmbH|N\.V\.))+$")
        .expect("valid regex")
});

static NOT_COMPANIES: Words = Words::new(&[
    "The",
    "A",
    "An",
    "It",
    "Its",
    "This",
    "That",
    "These",
    "Those",
    "They",
    "We",
    "He",
    "She",
    "I",
    "In",
    "On",
    "At",
    "But",
    "And",
    "So",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Some",
    "Many",
    "Most",
    "All",
    "AI",
    "CEO",
    "US",
    "U.S.",
    "UK",
    "EU",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Critics",
    "Analysts",
    "Experts",
    "Employees",
    "Workers",
    "Staff",
    "Layoffs",
    "Meanwhile",
    "Separately",
    "Still",
    "Now",
    "Today",
    "Yesterday",
    "Earlier",
    "Later",
    "Also",
    "Company",
    "Executives",
    "Investors",
    "HR",
    "WARN",
    "SEC",
    "Tech",
    "Big Tech",
    "Silicon Valley",
    "Wall Street",
    "Bloomberg",
    "Reuters",
    "According",
    "Both",
    "Other",
    "Another",
    "Several",
    "Each",
]);

/// Companies named in `text`, most-mentioned first, ties by first mention. The first line is taken
/// as the title: a name in the title that the text repeats is the company the item is about.
pub fn companies(text: &str, lex: &Lexicon) -> Vec<String> {
    let mut found: Vec<(String, usize, usize)> = Vec::new(); // (name, count, first position)
    let mut add = |name: String, at: usize, weight: usize| {
        if let Some(e) = found.iter_mut().find(|(n, _, _)| *n == name) {
            e.1 += weight;
            e.2 = e.2.min(at);
        } else {
            found.push((name, weight, at));
        }
    };
    for (at, name) in lex.companies_in(text) {
        let count = text.matches(name.as_str()).count().max(1);
        add(name, at, count);
    }
    for re in [&*SUBJECT_OF_CUTS, &*POSSESSIVE, &*AT_COMPANY] {
        for cap in re.captures_iter(text) {
            let m = cap.get(1).expect("group 1 exists");
            if let Some(name) = clean_name(m.as_str(), lex) {
                add(name, m.start(), 2);
            }
        }
    }
    let title = text.lines().next().unwrap_or("");
    for (nth, run) in TITLE_NAME.find_iter(title).enumerate() {
        let words: Vec<&str> = run.as_str().split_whitespace().filter(|w| !NOT_COMPANIES.contains(w)).collect();
        // The longest prefix of the title's name that the text repeats: "Soylent Systems", not "Systems".
        for len in (1..=words.len()).rev() {
            let candidate = words[..len].join(" ");
            let mentions = mid_sentence_mentions(text, &candidate);
            if mentions >= 1 {
                if let Some(name) = clean_name(&candidate, lex) {
                    // The first name in a headline is usually its subject: the company.
                    add(name, text.find(&candidate).unwrap_or(0), mentions + if nth == 0 { 2 } else { 0 });
                }
                break;
            }
        }
    }
    found.retain(|(_, count, _)| *count > 0);
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    found.into_iter().map(|(n, _, _)| n).collect()
}

/// How often the body (everything after the title line) mentions `word` as a whole word.
fn mid_sentence_mentions(text: &str, word: &str) -> usize {
    let body_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let body = &text[body_start..];
    body.match_indices(word)
        .filter(|(at, _)| {
            let before = body[..*at].chars().last();
            let after = body[at + word.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
        })
        .count()
}

/// A company's name without its legal form: "Globex Corporation" and "Globex" are one company.
pub fn canonical_name(name: &str) -> String {
    let name = name.trim_end_matches("'s").trim_end_matches("’s");
    LEGAL_SUFFIX.replace(name, "").trim_end_matches(['.', ',', '\'']).to_string()
}

/// Trims leading sentence words ("The", "Meanwhile") and refuses names that are not companies.
fn clean_name(raw: &str, lex: &Lexicon) -> Option<String> {
    let words: Vec<&str> = raw.split_whitespace().skip_while(|w| NOT_COMPANIES.contains(w)).collect();
    let name = words.join(" ");
    let name = canonical_name(&name);
    if name.is_empty() || NOT_COMPANIES.contains(name.as_str()) || name.len() < 2 || lex.outlet_in(&name).is_some() {
        return None;
    }
    if let Some((_, known)) = lex.companies_in(&name).into_iter().next() {
        return Some(known);
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_companies_are_found() {
        let found = companies("Initech will cut 500 jobs. Layoffs at Globex continue. Meta too.", Lexicon::embedded());
        assert!(found.contains(&"Initech".to_string()), "{found:?}");
        assert!(found.contains(&"Globex".to_string()), "{found:?}");
        assert!(found.contains(&"Meta".to_string()), "{found:?}");
    }

    #[test]
    fn sentence_openers_are_not_companies() {
        let found = companies("The company will cut staff. Meanwhile Hooli is laying off 40.", Lexicon::embedded());
        assert_eq!(found, vec!["Hooli".to_string()]);
    }
}
