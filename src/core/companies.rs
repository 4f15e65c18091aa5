//! Which companies a text is about: known names from `config/companies.toml` (aliases resolve to
//! the canonical name), and unknown ones found by their shape (a capitalised name before a layoff
//! verb, before a possessive "workforce", after "layoffs at"), or as a headline's subject.
//!
//! A name never includes a verb or a function word (a Title Case headline capitalises them: "Acme
//! Software Is Laying Off"), an outlet ("Yahoo Finance"), a section label ("Opinion"), a credit
//! ("Getty Images") or a place; possessives and legal forms ("Inc.", "Corp.") are dropped. The word
//! lists are data, in `config/companies.toml` under `[recognition]`.

use super::lexicon::Lexicon;
use crate::fast_regex::AsciiMask;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A capitalised name (one to three words).
const NAME: &str = r"((?:[A-Z][\w&'.-]*[\w&])(?:[ \t]+(?:[A-Z][\w&'.-]*[\w&.]|&)){0,2})";

static SUBJECT_OF_CUTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{NAME}(?:,?[ \t]+(?:Inc|Corp|Co|Ltd|LLC|Plc|PLC)\.?)?\s+(?:(?:[a-z][a-z-]*|~?[\d][\d,.]*%?|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+){{0,5}}(?:cut|cuts|cutting|lay(?:s|ing)?\s+off|laid\s+off|layoffs?|eliminat\w+|slash\w*|shed\w*|trim\w*|axe[sd]?|axing|downsiz\w+|restructur\w+|job\s+cuts)\b"
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
/// A run of capitalised words in a headline (possessives and "&" included).
static TITLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z][\w&.-]*(?:['’]s)?(?:[ \t]+(?:[A-Z][\w&.-]*(?:['’]s)?|&|of))*").expect("valid regex")
});
/// The mask that lets the name patterns above run on their fast automaton (see [`AsciiMask`]).
static NAME_MASK: LazyLock<AsciiMask> = LazyLock::new(|| {
    AsciiMask::for_patterns([&*SUBJECT_OF_CUTS, &*POSSESSIVE, &*AT_COMPANY, &*TITLE_NAME].map(|r| r.as_str()))
});
/// Legal suffixes dropped so "Globex Corporation" and "Globex" are one company.
static LEGAL_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Co\.|Ltd\.?|Limited|LLC|L\.L\.C\.|PLC|plc|AG|SA|S\.A\.|GmbH|N\.V\.))+$")
        .expect("valid regex")
});
/// A headline's section label ("Opinion |", "Exclusive:", "Ask HN:").
static HEADLINE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)\s*(?:\||:|—|–)\s+").expect("valid regex"));
/// A photo credit or caption line: names in it are not what the text is about.
static CREDIT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:photo|image|picture|illustration|video)s?(?:\s+credit)?\s*(?::|by\b)|\b(?:getty images|shutterstock|ap photo|photo illustration|\(photo by|image credit|photo credit|credit:)")
        .expect("valid regex")
});
/// Words of which every [`CREDIT_LINE`] match holds one, in any case: tested first, since a
/// dateline's dash takes that pattern's word boundaries off the fast automaton on nearly every
/// article's first line, and few lines are credits. Plain words, so the test costs little memory.
static CREDIT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)photo|image|picture|illustration|video|shutterstock|credit").expect("valid regex")
});

const COMPANIES_FILE: &str = include_str!("../../config/companies.toml");

#[derive(Deserialize)]
struct CompaniesFile {
    recognition: Recognition,
    #[serde(default)]
    company: Vec<KnownCompany>,
}

/// A `[[company]]` entry, read here for its `parent` (the lexicon reads the names).
#[derive(Deserialize)]
struct KnownCompany {
    names: Vec<String>,
    #[serde(default)]
    parent: Option<String>,
}

#[derive(Deserialize)]
struct Recognition {
    stop_words: Vec<String>,
    labels: Vec<String>,
    places: Vec<String>,
}

/// The word lists of `[recognition]`.
struct Lists {
    stop: HashSet<String>,
    /// The stop words lower-cased, for the words before a headline's subject.
    stop_lower: HashSet<String>,
    /// Labels and places, which are never a company whole.
    not_names: HashSet<String>,
    /// The labels and places lower-cased, for the words before a headline's subject: looked up
    /// once per word instead of lower-casing every label and place for every word.
    not_names_lower: HashSet<String>,
    /// Canonical company name (lower-cased) → its parent's canonical name.
    parents: std::collections::HashMap<String, String>,
    /// Places, which open a company's name only as a possessive ("Charlotte's Acme"); "Omaha
    /// Bluestem Insurance" keeps its first word.
    places: HashSet<String>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let file: CompaniesFile =
        toml::from_str(COMPANIES_FILE).expect("config/companies.toml compiled into the binary is valid");
    let r = file.recognition;
    let parents =
        file.company.iter().filter_map(|c| Some((c.names.first()?.to_lowercase(), c.parent.clone()?))).collect();
    Lists {
        parents,
        stop_lower: r.stop_words.iter().map(|w| w.to_lowercase()).chain(["else".to_string()]).collect(),
        stop: r.stop_words.into_iter().collect(),
        places: r.places.iter().cloned().collect(),
        not_names_lower: r.labels.iter().chain(&r.places).map(|n| n.to_lowercase()).collect(),
        not_names: r.labels.into_iter().chain(r.places).collect(),
    }
});

/// Companies named in `text`, most-mentioned first, ties by first mention. The first line is taken
/// as the title: its subject (the first name in it) is the company the item is about even when the
/// body is empty, and a later name in it counts when the text repeats it.
pub fn companies(text: &str, lex: &Lexicon) -> Vec<String> {
    ranked(text, lex).into_iter().map(|(name, _)| name).collect()
}

/// Whether `text` is about one company rather than a round-up of several: its headline names the
/// lead company, or the lead is mentioned at least twice as much as the next.
pub fn about_one_company(text: &str, lex: &Lexicon) -> bool {
    let ranked = ranked(text, lex);
    let Some((lead, weight)) = ranked.first() else { return false };
    let title = text.lines().next().unwrap_or("");
    title.contains(lead.as_str())
        || lex.companies_in(title).iter().any(|(_, n)| n == lead)
        || ranked.get(1).is_none_or(|(_, next)| *weight >= next * 2)
}

/// Companies with their weights, heaviest first. One item's text is ranked up to three times (its
/// analysis, its labelling as a post, whether it is about one company), so with the embedded lexicon
/// the last answer is kept per thread and given again for the same text.
fn ranked(text: &str, lex: &Lexicon) -> Vec<(String, usize)> {
    type Last = Option<(String, Vec<(String, usize)>)>;
    thread_local! {
        static LAST: std::cell::RefCell<Last> = const { std::cell::RefCell::new(None) };
    }
    if !std::ptr::eq(lex, Lexicon::embedded()) {
        return rank(text, lex);
    }
    let hit = LAST.with_borrow(|last| match last {
        Some((t, ranking)) if t == text => Some(ranking.clone()),
        _ => None,
    });
    if let Some(ranking) = hit {
        return ranking;
    }
    let ranking = rank(text, lex);
    LAST.set(Some((text.to_string(), ranking.clone())));
    ranking
}

fn rank(text: &str, lex: &Lexicon) -> Vec<(String, usize)> {
    let text = &without_credit_lines(text);
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
    let haystack = NAME_MASK.apply(text);
    for re in [&*SUBJECT_OF_CUTS, &*POSSESSIVE, &*AT_COMPANY] {
        for cap in re.captures_iter(&haystack) {
            let m = cap.get(1).expect("group 1 exists");
            if let Some(name) = clean_name(&text[m.range()], lex) {
                add(name, m.start(), 2);
            }
        }
    }
    let title = text.lines().next().unwrap_or("");
    let title = masked_title(title, lex);
    let opening = title.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
    let mut subject_seen = false;
    let title_haystack = NAME_MASK.apply(&title);
    for run in TITLE_NAME.find_iter(&title_haystack) {
        let run_text = &title[run.range()];
        let Some(name) = clean_name(run_text, lex) else { continue };
        let mentions = mid_sentence_mentions(text, &name);
        // Only function words (or a masked label) may come before a headline's subject.
        let before_ok = title[opening..run.start()]
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .all(|w| w.is_empty() || LISTS.stop_lower.contains(&w) || LISTS.not_names_lower.contains(&w));
        // A lone word opening a headline ("Leaked", "Exclusive") is a company only when the body
        // names it too, or the headline goes on with a verb or a possessive ("Brightloom to cut").
        let possessive = run_text.contains(&format!("{name}'s")) || run_text.contains(&format!("{name}’s"));
        let lone = !name.contains(' ') && !possessive;
        let next = title[run.end()..].split_whitespace().next().unwrap_or("").to_lowercase();
        let next_word = next.trim_matches(|c: char| !c.is_alphanumeric());
        // "Acme folks, …", "Acme employees say …": a company's people.
        let its_people = matches!(
            next_word,
            "folks"
                | "employees"
                | "workers"
                | "staff"
                | "staffers"
                | "engineers"
                | "people"
                | "team"
                | "teams"
                | "insiders"
                | "alumni"
                | "managers"
                | "layoffs"
                | "layoff"
                | "cuts"
        );
        let verb_follows = its_people
            || LISTS.stop_lower.contains(next_word)
            || (next.ends_with('s') || next.ends_with("ing") || next.ends_with("ed"))
                && next.chars().all(char::is_alphabetic);
        let known = !lex.companies_in(&name).is_empty();
        if !subject_seen && before_ok && (!lone || mentions > 0 || verb_follows || known) {
            subject_seen = true;
            // The name that opens a headline is its subject: the company, even in a headline-only item.
            add(name, run.start(), mentions + 3);
        } else if mentions >= 1 {
            add(name, run.start(), mentions);
        }
    }
    found.retain(|(_, count, _)| *count > 0);
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let mut out: Vec<(String, usize)> = Vec::new();
    for (name, weight, _) in found {
        // "Acme" after "Acme Software" is the same company, said shorter.
        match out.iter_mut().find(|(o, _)| same_company(o, &name)) {
            Some(o) => o.1 += weight,
            None => out.push((name, weight)),
        }
    }
    out
}

/// Words that say what a company does, not which one it is: "Payments" alone names no company.
const GENERIC_WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "inc",
    "corp",
    "co",
    "group",
    "holdings",
    "software",
    "payments",
    "insurance",
    "media",
    "games",
    "logistics",
    "semiconductor",
    "semiconductors",
    "technologies",
    "technology",
    "tech",
    "systems",
    "labs",
    "bank",
    "financial",
    "services",
    "health",
    "energy",
    "motors",
    "studios",
    "networks",
    "solutions",
    "partners",
    "capital",
    "global",
    "international",
    "industries",
    "company",
    "digital",
    "data",
    "cloud",
];

/// The keys under which stories index a company: its distinctive words, lower-cased, so "Acme",
/// "Acme Software" and "Omaha Acme Software" meet (and [`same_company`] then decides).
pub fn family_keys(name: &str) -> Vec<String> {
    let keys = |n: &str| {
        n.split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>())
            .filter(|w| !w.is_empty() && !GENERIC_WORDS.contains(&w.as_str()))
            .collect::<Vec<_>>()
    };
    let mut out = keys(name);
    // A subsidiary is also found under its parent's name.
    if let Some(parent) = parent_of(name) {
        out.extend(keys(parent));
    }
    out
}

/// The group a company belongs to (`parent` in `config/companies.toml`).
pub fn parent_of(name: &str) -> Option<&'static str> {
    LISTS.parents.get(&name.to_lowercase()).map(String::as_str)
}

/// Two names of one company: the shorter one's words appear, in order and together, in the longer
/// one, and include a distinctive word ("Acme" / "Acme Software"; "Bluestem Insurance" / "Omaha
/// Bluestem Insurance"; but not "Payments" / "Sablewood Payments").
pub fn same_company(a: &str, b: &str) -> bool {
    let group = |n: &str| parent_of(n).unwrap_or(n).to_lowercase();
    if (parent_of(a).is_some() || parent_of(b).is_some()) && group(a) == group(b) {
        return true;
    }
    let words = |s: &str| {
        s.split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
    };
    let (a, b) = (words(a), words(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty()
        && short.iter().any(|w| !GENERIC_WORDS.contains(&w.as_str()))
        && long.windows(short.len()).any(|window| window == short.as_slice())
}

/// The text without photo credits and captions.
fn without_credit_lines(text: &str) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        out.push('\n');
        let credit = CREDIT_WORDS.is_match(line) && CREDIT_LINE.is_match(line);
        if !credit {
            out.push_str(line);
        }
    }
    out
}

/// The headline without its section label, and with outlet names blanked so "Yahoo Finance Acme
/// Software" yields only "Acme Software".
fn masked_title(title: &str, lex: &Lexicon) -> String {
    let mut title = title.to_string();
    if let Some(label) = HEADLINE_LABEL.find(&title) {
        let words = label.as_str().trim_end_matches(|c: char| !c.is_alphanumeric()).trim();
        if LISTS.not_names.contains(words) || words.split_whitespace().all(|w| LISTS.not_names.contains(w)) {
            title = format!("{}{}", "|".repeat(label.len()), &title[label.end()..]);
        }
    }
    for _ in 0..8 {
        let Some(outlet) = lex.outlet_in(&title) else { break };
        let before = title.clone();
        for name in &outlet.names {
            title = title.replace(name.as_str(), &"|".repeat(name.len()));
        }
        if title == before {
            break;
        }
    }
    title
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

/// Hyphenated descriptions that end a name: "Austin-based", "AI-fueled".
const DESCRIPTIVE_SUFFIX: &[&str] =
    &["-based", "-fueled", "-fuelled", "-driven", "-powered", "-backed", "-owned", "-era", "-led", "-first"];

/// Whether `word` ends in a [`DESCRIPTIVE_SUFFIX`], in any case. Every suffix has a hyphen, so a
/// word without one is not lower-cased at all; one with one is lower-cased once, not per suffix.
fn is_descriptive(word: &str) -> bool {
    if !word.contains('-') {
        return false;
    }
    let lower = word.to_lowercase();
    DESCRIPTIVE_SUFFIX.iter().any(|s| lower.ends_with(s))
}

fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s").or_else(|| word.strip_suffix("’s")).unwrap_or(word)
}

/// The company a run of capitalised words names, if any: leading labels, places and function words
/// dropped, cut at the first verb or function word and after a possessive, legal form removed,
/// aliases resolved; `None` for a label, a place, an outlet or a lone word of either.
fn clean_name(raw: &str, lex: &Lexicon) -> Option<String> {
    let lists = &*LISTS;
    let words: Vec<&str> = raw.split_whitespace().collect();
    let mut start = 0;
    while start < words.len() {
        let two = words.get(start + 1).map(|w| format!("{} {w}", words[start]));
        if two.as_deref().is_some_and(|t| lists.not_names.contains(t)) {
            start += 2;
        } else if lists.stop.contains(words[start])
            || lists.not_names.contains(words[start]) && !lists.places.contains(words[start])
            || lists.places.contains(strip_possessive(words[start])) && strip_possessive(words[start]) != words[start]
        {
            start += 1;
        } else {
            break;
        }
    }
    let mut kept: Vec<&str> = Vec::new();
    for w in &words[start..] {
        if lists.stop.contains(*w) || is_descriptive(w) {
            break;
        }
        let possessive = w.ends_with("'s") || w.ends_with("’s");
        kept.push(w);
        if possessive {
            break;
        }
    }
    while kept.last().is_some_and(|w| matches!(*w, "of" | "&")) {
        kept.pop();
    }
    let name = canonical_name(&kept.join(" "));
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '&' && c != '.').to_string();
    let name = canonical_name(&name);
    if name.len() < 2
        || name.chars().all(|c| !c.is_alphabetic())
        || lists.not_names.contains(name.as_str())
        || lists.stop.contains(name.as_str())
        || name.split_whitespace().all(|w| lists.not_names.contains(w) || lists.stop.contains(w))
        || lex.outlet_in(&name).is_some_and(|o| o.names.contains(&name))
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

    fn lead(text: &str) -> Option<String> {
        companies(text, Lexicon::embedded()).into_iter().next()
    }

    #[test]
    fn a_title_case_headline_gives_the_name_without_its_verbs() {
        assert_eq!(
            lead("Acme Software Is Laying Off 1,200 Workers as AI Takes Over Support").as_deref(),
            Some("Acme Software")
        );
        assert_eq!(lead("Acme Software Slashes 1,200 Jobs").as_deref(), Some("Acme Software"));
        assert_eq!(
            lead("Acme Software to cut 1,200 jobs\nThe cuts at Acme Software start in May.").as_deref(),
            Some("Acme Software")
        );
    }

    #[test]
    fn labels_outlets_credits_and_places_are_not_companies() {
        assert_eq!(lead("Opinion | Acme Software's AI bet costs 1,200 jobs").as_deref(), Some("Acme Software"));
        assert_eq!(lead("Yahoo Finance Acme Software cuts 1,200").as_deref(), Some("Acme Software"));
        assert_eq!(
            lead("Ask HN: Anyone else at Acme Software hit by the AI layoffs?").as_deref(),
            Some("Acme Software")
        );
        let text = "Acme Software cuts 1,200 jobs\nPhoto: Getty Images\nIn Seattle, Acme Software said the cuts follow its AI rollout.";
        assert_eq!(companies(text, Lexicon::embedded()), vec!["Acme Software".to_string()]);
    }

    #[test]
    fn possessives_and_legal_forms_name_one_company() {
        let found = companies("Globex Corp. will cut 300 jobs. Globex's workforce shrinks by 5%.", Lexicon::embedded());
        assert_eq!(found.first().map(String::as_str), Some("Globex"), "{found:?}");
        assert_eq!(family_keys("Acme Software Inc"), vec!["acme".to_string()]);
        assert!(same_company("Acme", "Acme Software") && !same_company("Acme", "Globex"));
        assert!(same_company("Bluestem Insurance", "Omaha Bluestem Insurance"));
        assert!(!same_company("Payments", "Sablewood Payments"));
        assert!(same_company("Instagram", "Meta") && same_company("WhatsApp", "Instagram"));
        assert!(family_keys("Instagram").contains(&"meta".to_string()));
    }
}
