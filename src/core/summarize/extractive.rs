//! The default summarizer: picks the most informative sourced claims as bullets, deterministically.

use super::{Bullet, Summarizer, Summary, markdown};
use crate::core::analyze::Analysis;
use crate::core::claims::{Claim, Verdict};
use crate::core::facts::{headcount_in, headcount_text, percent_in};
use std::collections::HashSet;

const MAX_BULLETS: usize = 5;
const MIN_BULLETS: usize = 3;
const HEADLINE_CHARS: usize = 120;

/// The offline, deterministic summarizer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extractive;

impl Summarizer for Extractive {
    fn summarize(&self, analysis: &Analysis) -> Summary {
        let (sourced, speculative): (Vec<&Claim>, Vec<&Claim>) =
            analysis.claims.iter().partition(|c| c.verdict.is_sourced());
        let mut bullets: Vec<Bullet> = Vec::new();
        let mut chosen: Vec<HashSet<String>> = Vec::new();
        for claim in ranked(&sourced, analysis) {
            if bullets.len() == MAX_BULLETS {
                break;
            }
            if let Some(words) = novel(claim, &chosen) {
                chosen.push(words);
                bullets.push(Bullet {
                    text: sourced_bullet(claim),
                    cites: vec![analysis.cite(claim)],
                    speculative: false,
                });
            }
        }
        for claim in ranked(&speculative, analysis) {
            if bullets.len() >= MIN_BULLETS {
                break;
            }
            if let Some(words) = novel(claim, &chosen) {
                chosen.push(words);
                let reasons = claim.verdict.reason_names().join(", ");
                bullets.push(Bullet {
                    text: format!("Unconfirmed ({reasons}): {}", claim.text),
                    cites: vec![analysis.cite(claim)],
                    speculative: true,
                });
            }
        }
        let headline = headline(analysis, &sourced, &speculative);
        let mut summary = Summary {
            headline,
            bullets,
            sourced: sourced.into_iter().cloned().collect(),
            speculative: speculative.into_iter().cloned().collect(),
            facts: analysis.facts.clone(),
            text: String::new(),
        };
        summary.text = markdown(&summary, analysis);
        summary
    }
}

/// Claims by how much they tell: numbers, companies, official or documentary sources; earlier first
/// among equals.
fn ranked<'a>(claims: &[&'a Claim], analysis: &Analysis) -> Vec<&'a Claim> {
    let mut scored: Vec<(i32, usize, &Claim)> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut score = 0;
            if headcount_in(&c.text).is_some() {
                score += 4;
            }
            if percent_in(&c.text).is_some() {
                score += 2;
            }
            if analysis.companies.iter().any(|co| c.text.contains(co.as_str())) {
                score += 2;
            }
            if let Verdict::Sourced { reasons, .. } = &c.verdict {
                use crate::core::claims::SourcedReason::*;
                if reasons.iter().any(|r| matches!(r, Official | Document)) {
                    score += 1;
                }
            }
            if c.text.split_whitespace().count() < 5 {
                score -= 2;
            }
            (score, i, *c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, c)| c).collect()
}

/// The claim's words, unless it mostly repeats a bullet already chosen.
fn novel(claim: &Claim, chosen: &[HashSet<String>]) -> Option<HashSet<String>> {
    let words: HashSet<String> = claim
        .text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| w.len() > 2)
        .collect();
    let repeats = chosen.iter().any(|c| {
        let shared = c.intersection(&words).count() as f64;
        let union = c.union(&words).count().max(1) as f64;
        shared / union >= 0.5
    });
    (!repeats && !words.is_empty()).then_some(words)
}

fn sourced_bullet(claim: &Claim) -> String {
    match claim.verdict.source() {
        Some(s) if !claim.text.contains(&s.name) => format!("{} ({})", claim.text, s.name),
        _ => claim.text.clone(),
    }
}

fn headline(analysis: &Analysis, sourced: &[&Claim], speculative: &[&Claim]) -> String {
    if let Some(title) = &analysis.title {
        return truncate(title.trim(), HEADLINE_CHARS);
    }
    if let Some(f) = analysis.facts.iter().find(|f| f.company.is_some() && f.headcount.is_some()) {
        return format!(
            "{}: {} jobs cut, per {}",
            f.company.as_deref().unwrap_or(""),
            headcount_text(f.headcount.unwrap_or_default(), f.headcount_qualifier),
            f.source
        );
    }
    if let Some(c) = ranked(sourced, analysis).first() {
        return truncate(&c.text, HEADLINE_CHARS);
    }
    match ranked(speculative, analysis).first() {
        Some(c) => truncate(&format!("Unconfirmed: {}", c.text), HEADLINE_CHARS),
        None => "Nothing to summarize".into(),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analyze::analyze;
    use crate::core::lexicon::Lexicon;
    use crate::core::model::Document;

    fn thread(json: &str) -> Summary {
        let doc = Document::parse(json.as_bytes()).unwrap();
        Extractive.summarize(&analyze(&doc, Lexicon::embedded()))
    }

    #[test]
    fn sourced_facts_lead_and_speculation_is_marked() {
        let s = thread(
            r#"{"kind":"thread","id":"t1","messages":[
            {"id":"m1","text":"my manager says the whole org is getting cut next week"},
            {"id":"m2","text":"Initech confirmed 1,200 job cuts today https://initech.example/news"},
            {"id":"m3","text":"I think they'll cut even more by spring"}]}"#,
        );
        assert_eq!(s.bullets[0].cites, vec!["m2"]);
        assert!(!s.bullets[0].speculative);
        assert!(s.bullets.iter().skip(1).all(|b| b.speculative && b.text.starts_with("Unconfirmed")));
        assert!(s.headline.contains("Initech") && s.headline.contains("1,200"), "{}", s.headline);
        assert!(s.text.contains("Speculative") && s.text.contains("Sourced"));
    }

    #[test]
    fn an_article_headline_is_its_title_and_bullets_cite_its_url() {
        let s = thread(
            r#"{"kind":"article","id":"a1","outlet":"Reuters","url":"https://r.example/a1","title":"Globex to cut 900 jobs",
            "text":"Globex will cut 900 jobs, the company said. The cuts start on June 1. Analysts expect more cuts."}"#,
        );
        assert_eq!(s.headline, "Globex to cut 900 jobs");
        assert!(s.bullets.iter().all(|b| b.cites == vec!["https://r.example/a1"]));
        assert_eq!(s.speculative.len(), 1);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(crate::core::facts::group_thousands(1234567), "1,234,567");
    }
}
