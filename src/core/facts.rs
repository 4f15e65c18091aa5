//! Layoff facts: who is cutting, how many people ("about 8,000", "up to 30,000", "~600 roles"), what
//! share of the workforce, when (announced, effective), and whether AI was the stated reason and by
//! whom. Facts come only from sourced claims, and each source keeps its own numbers: when Reuters says
//! 8,000 and Bloomberg 10,000, both are kept, each with its source.

use super::claims::{Claim, SourceKind, Verdict};
use super::lexicon::Lexicon;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

static HEADCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<qual>about|around|approximately|roughly|nearly|almost|more\s+than|over|up\s+to|at\s+least|as\s+many\s+as|some|fewer\s+than|less\s+than|under|~)?\s*
        (?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<mult>k\b|thousand|million|m\b)?\s*
        (?:[a-z-]+\s+){0,3}?
        (?P<unit>jobs|employees|workers|roles|positions|staff(?:ers)?|people|members|engineers|contractors|layoffs|job\s+cuts|redundancies|posts|personas|empleados|puestos|stellen|mitarbeiter|postes|emplois)\b",
    )
    .expect("valid headcount regex")
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<num>\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)").expect("valid percent regex")
});
static WORKFORCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:workforce|staff|employees|headcount|jobs|workers|roles|team|employees|payroll|belegschaft|plantilla|effectifs)\b")
        .expect("valid regex")
});
static MONEY_OR_GROWTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:revenue|sales|profit|shares|stock|margin|growth|earnings|costs?|budget|quarter)\b")
        .expect("valid regex")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<iso>\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b)
        |
        \b(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?",
    )
    .expect("valid date regex")
});
static EFFECTIVE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:effective|starting|beginning|from|as\s+of|take\s+effect|takes\s+effect|by|until|through|last\s+day|will\s+(?:begin|start|end|leave)|on\s+or\s+after)\W+(?:\w+\W+){0,2}$")
        .expect("valid regex")
});

/// How exact a headcount is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exactly,
    About,
    UpTo,
    AtLeast,
    MoreThan,
    FewerThan,
}

impl Qualifier {
    /// The words put before a headcount ("about ", "up to "), empty for an exact figure.
    pub fn prefix(self) -> &'static str {
        match self {
            Qualifier::Exactly => "",
            Qualifier::About => "about ",
            Qualifier::UpTo => "up to ",
            Qualifier::AtLeast => "at least ",
            Qualifier::MoreThan => "more than ",
            Qualifier::FewerThan => "fewer than ",
        }
    }
}

/// "1,234,567": how the posts write counts, whatever the platform.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A headcount as written in a post: "about 1,200".
pub fn headcount_text(n: u64, qualifier: Option<Qualifier>) -> String {
    format!("{}{}", qualifier.map_or("", Qualifier::prefix), group_thousands(n))
}

/// Who named AI as the reason for the cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AiReasonBy {
    /// The company itself, in a statement, memo or through an executive.
    Company,
    /// The outlet in its own reporting.
    Outlet,
    /// Analysts, critics, employees, chat: not the company.
    Commentators,
}

/// One source's account of one company's layoffs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoffFact {
    pub company: Option<String>,
    pub headcount: Option<u64>,
    pub headcount_qualifier: Option<Qualifier>,
    pub percent: Option<f64>,
    /// The effective date where one is given, else the announcement date.
    pub date: Option<NaiveDate>,
    pub announced: Option<NaiveDate>,
    pub effective: Option<NaiveDate>,
    /// Whether AI was given as a reason, and by whom; `null` when nobody said so.
    pub ai_reason: Option<AiReasonBy>,
    pub source: String,
    /// The article URL or message id the fact came from.
    pub item: String,
    /// How much the source's word weighs when sources disagree: the company, then a document, then
    /// an outlet's reporting.
    #[serde(default)]
    pub authority: u8,
}

/// The facts stated by a document's claims. `year` resolves dates written without one ("May 20");
/// `item` names the document in each fact.
pub fn extract(
    claims: &[Claim],
    companies: &[String],
    year: Option<i32>,
    item: &str,
    lex: &Lexicon,
) -> Vec<LayoffFact> {
    let mut facts: Vec<LayoffFact> = Vec::new();
    let default_company = companies.first().cloned();
    for claim in claims {
        let ai = ai_reason(claim, lex);
        let Verdict::Sourced { source, .. } = &claim.verdict else {
            // Speculation gives no numbers, but commentators blaming AI is itself worth recording.
            if let (Some(by), Some(f)) = (ai, facts.iter_mut().next()) {
                f.ai_reason.get_or_insert(by);
            }
            continue;
        };
        let text = &claim.text;
        let headcount = headcount_in(text);
        let percent = percent_in(text);
        let (announced, effective) = dates_in(text, year);
        if headcount.is_none() && percent.is_none() && announced.is_none() && effective.is_none() && ai.is_none() {
            continue;
        }
        // A company the claim names from the known list, else the one the document is about: a place
        // named in the claim ("940 workers in Bellevue") is not the employer.
        let company = lex.companies_in(text).into_iter().map(|(_, n)| n).next().or_else(|| default_company.clone());
        let source_name = source.name.clone();
        let fact_item = if item.is_empty() { claim.origin.clone() } else { item.to_string() };
        let existing = facts.iter_mut().find(|f| f.company == company && f.source == source_name);
        let fact = match existing {
            Some(f) => f,
            None => {
                facts.push(LayoffFact {
                    company: company.clone(),
                    headcount: None,
                    headcount_qualifier: None,
                    percent: None,
                    date: None,
                    announced: None,
                    effective: None,
                    ai_reason: None,
                    source: source_name.clone(),
                    item: fact_item,
                    // The company's own figure is the whole cut; a filing such as a WARN notice
                    // often covers one site, so it ranks below the company and above reporting.
                    authority: match source.kind {
                        SourceKind::Official => 3,
                        SourceKind::Document => 2,
                        SourceKind::Outlet | SourceKind::Person => 1,
                        SourceKind::Link => 0,
                    },
                });
                facts.last_mut().expect("just pushed")
            }
        };
        if let (None, Some((n, q))) = (fact.headcount, headcount) {
            fact.headcount = Some(n);
            fact.headcount_qualifier = Some(q);
        }
        fact.percent = fact.percent.or(percent);
        fact.announced = fact.announced.or(announced);
        fact.effective = fact.effective.or(effective);
        fact.date = fact.effective.or(fact.announced);
        if let Some(by) = ai {
            fact.ai_reason = Some(match fact.ai_reason {
                Some(AiReasonBy::Company) => AiReasonBy::Company,
                _ => by,
            });
        }
    }
    facts.retain(|f| f.headcount.is_some() || f.percent.is_some() || f.date.is_some() || f.ai_reason.is_some());
    facts
}

/// The first headcount in `text` with how exact it is.
pub fn headcount_in(text: &str) -> Option<(u64, Qualifier)> {
    for cap in HEADCOUNT.captures_iter(text) {
        let raw = cap["num"].replace(',', "");
        let Ok(mut n) = raw.parse::<f64>() else {
            continue;
        };
        match cap.name("mult").map(|m| m.as_str().to_lowercase()) {
            Some(m) if m == "k" || m == "thousand" => n *= 1_000.0,
            Some(m) if m == "million" || m == "m" => n *= 1_000_000.0,
            _ => {}
        }
        // "2026 jobs report", "its 2026 job cuts" or "3 people" are not layoffs worth reporting.
        let year_like = (1990.0..2100.0).contains(&n) && !cap["num"].contains(',') && cap.name("mult").is_none();
        let num = cap.name("num").expect("num is not optional");
        // Only the words beside the figure decide, so they are compared without a lower-cased copy
        // of the text around it.
        let before = text[..num.start()].trim_end();
        let dated = ["in", "its", "the", "their", "of", "'s", "’s", "since", "for"].iter().any(|w| {
            let ends = ends_with_ignoring_case(before, w);
            let spaced = ends && before.len() > w.len() && before.as_bytes()[before.len() - w.len() - 1] == b' ';
            spaced || ends && (before.len() == w.len() || w.starts_with('\'') || w.starts_with('’'))
        });
        // "12% of its staff" is a share, not a headcount.
        let after = text[num.end()..].trim_start();
        let share = after.starts_with('%')
            || starts_with_ignoring_case(after, "percent")
            || starts_with_ignoring_case(after, "per cent");
        if !(5.0..=5_000_000.0).contains(&n) || year_like && dated || share {
            continue;
        }
        let whole = cap.get(0).expect("the whole match");
        let unit = cap.name("unit").expect("unit is not optional");
        if is_workforce(&text[..whole.start()], &text[num.end()..unit.start()], unit.as_str(), &text[unit.end()..]) {
            // "500 of its 30,000 employees": the cut is the figure before the total.
            match part_of_total(&text[..whole.start()]) {
                Some(found) => return Some(found),
                None => continue,
            }
        }
        return Some((n.round() as u64, qualifier(cap.name("qual").map(|q| q.as_str()))));
    }
    None
}

/// Whether `text` ends with the lower-case `suffix` in any case. For the plain words and "’s" it is
/// given, this is what lower-casing `text` and comparing would say: the only letters beyond ASCII
/// that lower-case to ASCII ones are the Kelvin sign (to "k", in none of the words) and the dotted
/// capital I (to "i" with a combining dot after it, which ends none of them and breaks any word it
/// starts).
fn ends_with_ignoring_case(text: &str, suffix: &str) -> bool {
    let (text, suffix) = (text.as_bytes(), suffix.as_bytes());
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Whether `text` starts with the lower-case ASCII `prefix` in any case (see
/// [`ends_with_ignoring_case`]).
fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    let (text, prefix) = (text.as_bytes(), prefix.as_bytes());
    text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Words that name the whole workforce when a figure follows them: "employs 30,000", "a workforce
/// of 30,000", "the company of 30,000".
static WORKFORCE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:\b(?:employs|employ|employing|employed|employer\s+of)
          |\b(?:company|firm|startup|business|group|organi[sz]ation|workforce|staff|headcount|payroll|team|total|size)\s+of
        )\s*(?:about|around|approximately|roughly|nearly|almost|more\s+than|over|some|~)?\s*$",
    )
    .expect("valid workforce regex")
});

/// Words that make a count of people a total the cut is part of: "of its 30,000 employees", "out of
/// 900 staff", "of Hooli's 12,000 workers".
static TOTAL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:\bout\s+of
          |\bof\s+(?:its|their|the(?:\s+\w+)?(?:'s|’s)|\w+(?:'s|’s))(?:\s+(?:global|worldwide|total|entire|current|overall|\w+-based))?
        )\s*(?:about|around|approximately|roughly|nearly|almost|more\s+than|over|some|~)?\s*$",
    )
    .expect("valid total regex")
});

/// Units that count people on a payroll, as opposed to the jobs or roles being cut.
const PEOPLE_UNITS: &[&str] = &[
    "employees",
    "workers",
    "staff",
    "staffers",
    "people",
    "members",
    "engineers",
    "empleados",
    "mitarbeiter",
    "personas",
];

/// Whether a figure with its unit is the size of the company rather than the cut: after words that
/// name the workforce, as a size ("the 30,000-person company", "a 400-strong team"), owned ("has
/// 12,000 employees", "a startup with 300 staff") or placed ("30,000 people worldwide").
fn is_workforce(before: &str, between: &str, unit: &str, after: &str) -> bool {
    let before = before.trim_end().to_lowercase();
    let between = between.trim().to_lowercase();
    let after = after.trim_start().to_lowercase();
    let people = PEOPLE_UNITS.contains(&unit.to_lowercase().as_str());
    let cut_words = ["affected", "laid", "impacted", "departing", "redundant", "fired", "dismissed", "fewer", "less"];
    if cut_words.iter().any(|w| between.contains(w)) {
        return false;
    }
    let qualifier_free = before
        .trim_end_matches('~')
        .trim_end()
        .trim_end_matches(" about")
        .trim_end_matches(" around")
        .trim_end_matches(" roughly")
        .trim_end_matches(" some")
        .trim_end_matches(" nearly")
        .trim_end_matches(" more than")
        .trim_end_matches(" over");
    let owned = people
        && ["has", "have", "had", "with", "employs"]
            .iter()
            .any(|w| qualifier_free.ends_with(&format!(" {w}")) || qualifier_free == *w);
    let size = ["-person", "-people", "-employee", "-strong", "-worker", "-member", "-staff"]
        .iter()
        .any(|w| between.starts_with(w));
    let placed = people
        && ["worldwide", "globally", "around the world", "across the world", "in total", "at the end of", "as of"]
            .iter()
            .any(|w| after.starts_with(w));
    WORKFORCE_BEFORE.is_match(&before) || people && TOTAL_BEFORE.is_match(&before) || owned || size || placed
}

/// "cut 500 of its 30,000 employees": the figure before "of its", given the text before the total.
fn part_of_total(before: &str) -> Option<(u64, Qualifier)> {
    static PART: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)
            (?:(?P<qual>about|around|approximately|roughly|nearly|almost|more\s+than|over|up\s+to|at\s+least|as\s+many\s+as|some|fewer\s+than|less\s+than|under|~)\s*)?
            (?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?:out\s+)?of(?:\s+[^\s\d]\S*){0,2}\s*(?:about|around|approximately|roughly|nearly|almost|more\s+than|over|some|~)?\s*$",
        )
        .expect("valid part-of-total regex")
    });
    let cap = PART.captures(before.trim_end())?;
    let n: u64 = cap["num"].replace(',', "").parse().ok()?;
    (5..=5_000_000).contains(&n).then(|| (n, qualifier(cap.name("qual").map(|q| q.as_str()))))
}

/// How exact a figure is, from the words before it ("about", "up to").
fn qualifier(words: Option<&str>) -> Qualifier {
    match words.map(|q| q.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")) {
        Some(q)
            if matches!(
                q.as_str(),
                "about" | "around" | "approximately" | "roughly" | "nearly" | "almost" | "some" | "~"
            ) =>
        {
            Qualifier::About
        }
        Some(q) if matches!(q.as_str(), "up to" | "as many as") => Qualifier::UpTo,
        Some(q) if q == "at least" => Qualifier::AtLeast,
        Some(q) if matches!(q.as_str(), "more than" | "over") => Qualifier::MoreThan,
        Some(q) if matches!(q.as_str(), "fewer than" | "less than" | "under") => Qualifier::FewerThan,
        _ => Qualifier::Exactly,
    }
}

/// A share of the workforce ("10% of its staff"), not of revenue or stock.
pub fn percent_in(text: &str) -> Option<f64> {
    if !WORKFORCE.is_match(text) {
        return None;
    }
    PERCENT.captures_iter(text).find_map(|cap| {
        let m = cap.get(0)?;
        let after: String = text[m.end()..].split_whitespace().take(4).collect::<Vec<_>>().join(" ");
        let before: String = {
            let words: Vec<&str> = text[..m.start()].split_whitespace().collect();
            words[words.len().saturating_sub(4)..].join(" ")
        };
        // "10% of its workforce", "cut 10% of staff", "reduce its headcount by 10%".
        let of_workforce = WORKFORCE.is_match(&after) && !MONEY_OR_GROWTH.is_match(&after);
        let workforce_by = WORKFORCE.is_match(&before) && before.trim_end().ends_with("by")
            || before.contains("workforce by")
            || before.contains("headcount by");
        let cut_by = !MONEY_OR_GROWTH.is_match(&before)
            && (before.contains("cut")
                || before.contains("lay off")
                || before.contains("eliminat")
                || before.contains("shed"))
            && WORKFORCE.is_match(&after);
        let v: f64 = cap["num"].parse().ok()?;
        ((of_workforce && !MONEY_OR_GROWTH.is_match(&before) || workforce_by || cut_by) && v > 0.0 && v <= 100.0)
            .then_some(v)
    })
}

/// The announcement and effective dates named in `text`.
pub fn dates_in(text: &str, year: Option<i32>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let mut announced = None;
    let mut effective = None;
    for cap in DATE.captures_iter(text) {
        let date = if cap.name("iso").is_some() {
            NaiveDate::from_ymd_opt(
                cap["y"].parse().unwrap_or(0),
                cap["m"].parse().unwrap_or(0),
                cap["d"].parse().unwrap_or(0),
            )
        } else {
            let month = month_number(&cap["month"]);
            let day: u32 = cap["day"].parse().unwrap_or(0);
            let y = cap.name("year").and_then(|y| y.as_str().parse().ok()).or(year);
            y.and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        };
        let Some(date) = date else { continue };
        let start = cap.get(0).map_or(0, |m| m.start());
        if EFFECTIVE_CUE.is_match(&text[..start]) {
            effective.get_or_insert(date);
        } else {
            announced.get_or_insert(date);
        }
    }
    (announced, effective)
}

fn month_number(name: &str) -> u32 {
    let n = name.to_lowercase();
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| n.starts_with(m))
        .map_or(1, |i| i as u32 + 1)
}

/// Whether a claim gives AI as the reason for cuts, and who does so.
fn ai_reason(claim: &Claim, lex: &Lexicon) -> Option<AiReasonBy> {
    let text = &claim.text;
    let m = &lex.markers;
    let about_cuts = m.layoff_actions.is_match(text) || headcount_in(text).is_some();
    if !(m.ai_terms.is_match(text) && m.ai_reason_cues.is_match(text) && about_cuts) {
        return None;
    }
    Some(match &claim.verdict {
        Verdict::Sourced { source, .. } if source.kind == SourceKind::Official => AiReasonBy::Company,
        Verdict::Sourced { source, .. } if source.kind == SourceKind::Outlet => AiReasonBy::Outlet,
        _ => AiReasonBy::Commentators,
    })
}

/// The year dates without one belong to: the document's publication year.
pub fn year_of(published: Option<chrono::DateTime<chrono::Utc>>) -> Option<i32> {
    published.map(|p| p.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcounts_keep_their_qualifier() {
        assert_eq!(headcount_in("Meta will cut about 8,000 jobs"), Some((8000, Qualifier::About)));
        assert_eq!(headcount_in("up to 30,000 roles could go"), Some((30000, Qualifier::UpTo)));
        assert_eq!(headcount_in("~600 roles"), Some((600, Qualifier::About)));
        assert_eq!(headcount_in("1.5 million workers"), Some((1_500_000, Qualifier::Exactly)));
        assert_eq!(headcount_in("12k employees"), Some((12_000, Qualifier::Exactly)));
        assert_eq!(headcount_in("cut 1,200 corporate jobs"), Some((1200, Qualifier::Exactly)));
        assert_eq!(headcount_in("adds to its 2026 job cuts"), None);
        assert_eq!(headcount_in("is cutting 12 percent of its staff"), None);
    }

    #[test]
    fn the_size_of_the_company_is_not_the_cut() {
        for sentence in [
            "Pellucid employs about 30,000 people.",
            "The company, which employs 30,000 staff, declined to comment.",
            "The 30,000-person company cut staff in Chicago last year.",
            "Brightloom, a 400-strong startup, confirmed the news to employees.",
            "The company has about 30,000 employees worldwide.",
            "Founded in 2009, Quillfeather now has 12,000 workers.",
            "It is a startup with 300 staff in two offices.",
            "The cuts amount to 6% of the Chicago company's workforce of about 30,000 employees.",
            "Vantaro had 8,500 people at the end of June.",
        ] {
            assert_eq!(headcount_in(sentence), None, "{sentence}");
        }
    }

    #[test]
    fn a_cut_next_to_the_company_size_is_still_found() {
        assert_eq!(
            headcount_in("Hooli will lay off 1,800 of its 30,000 employees."),
            Some((1_800, Qualifier::Exactly))
        );
        assert_eq!(headcount_in("about 900 out of 8,000 staff will go"), Some((900, Qualifier::About)));
        assert_eq!(
            headcount_in("The 30,000-person company will cut 1,800 jobs, it said."),
            Some((1_800, Qualifier::Exactly))
        );
        assert_eq!(
            headcount_in("Pellucid, which employs about 30,000 people, is cutting about 1,200 roles."),
            Some((1_200, Qualifier::About))
        );
        assert_eq!(headcount_in("its 1,200 affected employees were told on Monday"), Some((1_200, Qualifier::Exactly)));
        assert_eq!(headcount_in("the first round of its 1,200 job cuts"), Some((1_200, Qualifier::Exactly)));
    }

    #[test]
    fn figures_are_written_with_thousands_separators() {
        assert_eq!(group_thousands(30_000), "30,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(950), "950");
        assert_eq!(headcount_text(1_200, Some(Qualifier::About)), "about 1,200");
    }

    #[test]
    fn a_share_of_revenue_is_not_a_share_of_the_workforce() {
        assert_eq!(percent_in("cutting 10% of its workforce"), Some(10.0));
        assert_eq!(percent_in("revenue rose 20% as it cut jobs"), None);
    }

    #[test]
    fn effective_dates_are_told_apart_from_announcements() {
        let (a, e) = dates_in("announced on April 18 that cuts take effect from May 20", Some(2026));
        assert_eq!(a, NaiveDate::from_ymd_opt(2026, 4, 18));
        assert_eq!(e, NaiveDate::from_ymd_opt(2026, 5, 20));
    }
}
