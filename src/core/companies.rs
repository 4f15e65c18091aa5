//! Which companies a text is about: known names from `config/companies.toml`, and unknown ones found by
//! their shape (a capitalised name before a layoff verb, a name ending in "Inc." or "Labs").

use super::lexicon::Lexicon;
use regex::Regex;
use std::sync::LazyLock;

static SUBJECT_OF_CUTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b((?:[A-Z][\w&'.-]*[\w&])(?:\s+[A-Z][\w&'.-]*[\w&.]){0,2})(?:'s|’s)?\s+(?:(?:will|is|are|has|had|plans|planned|said|says|announced|confirmed|began|begins|started|starts|to|would|also|quietly|abruptly|again|just)\s+){0,3}(?:cut|cuts|cutting|lay(?:s|ing)?\s+off|laid\s+off|layoffs?|eliminat\w+|slash\w*|shed\w*|trim\w*|axe[sd]?|axing|reduc\w+|downsiz\w+|restructur\w+|job\s+cuts|workforce|employees|staff|headcount)\b",
    )
    .expect("valid regex")
});
static AT_COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:layoffs?|cuts|job cuts|redundancies|employees|workers|staff|engineers)\s+(?:at|from)\s+((?:[A-Z][\w&'.-]*[\w&])(?:\s+[A-Z][\w&'.-]*[\w&.]){0,2})")
        .expect("valid regex")
});

const NOT_COMPANIES: &[&str] = &[
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
];

/// Companies named in `text`, most-mentioned first, ties by first mention.
pub fn companies(text: &str, lex: &Lexicon) -> Vec<String> {
    let mut found: Vec<(String, usize, usize)> = Vec::new(); // (name, count, first position)
    let mut add = |name: String, at: usize| {
        if let Some(e) = found.iter_mut().find(|(n, _, _)| *n == name) {
            e.1 += 1;
        } else {
            found.push((name, 1, at));
        }
    };
    for (at, name) in lex.companies_in(text) {
        let count = text.matches(name.as_str()).count().max(1);
        for _ in 0..count {
            add(name.clone(), at);
        }
    }
    for re in [&*SUBJECT_OF_CUTS, &*AT_COMPANY] {
        for cap in re.captures_iter(text) {
            let m = cap.get(1).expect("group 1 exists");
            if let Some(name) = clean_name(m.as_str(), lex) {
                add(name, m.start());
            }
        }
    }
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    found.into_iter().map(|(n, _, _)| n).collect()
}

/// Trims leading sentence words ("The", "Meanwhile") and refuses names that are not companies.
fn clean_name(raw: &str, lex: &Lexicon) -> Option<String> {
    let words: Vec<&str> = raw
        .split_whitespace()
        .skip_while(|w| NOT_COMPANIES.contains(w))
        .collect();
    let name = words.join(" ");
    let name = name
        .trim_end_matches(['.', ',', '\''])
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .to_string();
    if name.is_empty()
        || NOT_COMPANIES.contains(&name.as_str())
        || name.len() < 2
        || lex.outlet_in(&name).is_some()
    {
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
        let found = companies(
            "Initech will cut 500 jobs. Layoffs at Globex continue. Meta too.",
            Lexicon::embedded(),
        );
        assert!(found.contains(&"Initech".to_string()), "{found:?}");
        assert!(found.contains(&"Globex".to_string()), "{found:?}");
        assert!(found.contains(&"Meta".to_string()), "{found:?}");
    }

    #[test]
    fn sentence_openers_are_not_companies() {
        let found = companies(
            "The company will cut staff. Meanwhile Hooli is laying off 40.",
            Lexicon::embedded(),
        );
        assert_eq!(found, vec!["Hooli".to_string()]);
    }
}
