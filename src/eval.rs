//! Measuring the labeller against a labelled set (`eval/devset.jsonl`): accuracy, speculative-class F1,
//! macro-F1 over reasons and the false-sourced rate (speculative claims labelled sourced, the error
//! that hurts users most). Expected claims are matched to predicted ones by their words, so the
//! segmenter's choices are measured too: an expected claim nobody predicted counts as wrong.

use crate::core::claims::{Claim, label_document};
use crate::core::lexicon::Lexicon;
use crate::core::model::Document;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

/// The reasons of the contract, in the order reports list them.
pub const REASONS: &[&str] = &[
    "outlet",
    "official",
    "document",
    "person",
    "link",
    "anonymous-sources",
    "hedge",
    "prediction",
    "opinion",
    "hearsay",
    "rumour",
    "weasel",
    "unverified-social",
    "conditional",
    "unsourced",
];

#[derive(Debug, Deserialize)]
struct Case {
    doc: Document,
    expect: Vec<Expected>,
}

#[derive(Debug, Deserialize)]
struct Expected {
    text: String,
    origin: String,
    label: String,
    reasons: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "line {line} of the labelled set is not a valid case: {source}; each line needs {{\"doc\":…,\"expect\":[…]}}"
    )]
    Case {
        line: usize,
        source: serde_json::Error,
    },
}

/// One expected claim the labeller got wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    pub text: String,
    pub expected: String,
    pub got: String,
}

/// The figures of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub claims: usize,
    pub unmatched: usize,
    pub correct: usize,
    pub accuracy: f64,
    pub speculative_f1: f64,
    pub reason_macro_f1: f64,
    pub false_sourced_rate: f64,
    pub per_reason_f1: BTreeMap<String, f64>,
    pub misses: Vec<Miss>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn f1(self) -> f64 {
        let denom = 2 * self.tp + self.fp + self.fn_;
        if denom == 0 {
            1.0
        } else {
            2.0 * self.tp as f64 / denom as f64
        }
    }
}

/// Evaluates the labeller on a JSONL labelled set.
pub fn evaluate(jsonl: &str, lex: &Lexicon) -> Result<Report, EvalError> {
    let mut report = Report::default();
    let mut spec = Counts::default();
    let mut reasons: BTreeMap<&str, Counts> =
        REASONS.iter().map(|r| (*r, Counts::default())).collect();
    let mut expected_speculative = 0usize;
    let mut false_sourced = 0usize;
    for (i, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(line).map_err(|source| EvalError::Case {
            line: i + 1,
            source,
        })?;
        let predicted = label_document(&case.doc, lex);
        let mut used: HashSet<usize> = HashSet::new();
        for exp in &case.expect {
            report.claims += 1;
            let matched = best_match(exp, &predicted, &used);
            let exp_spec = exp.label == "speculative";
            expected_speculative += usize::from(exp_spec);
            let (got_label, got_reasons): (String, Vec<&str>) = match matched {
                Some(k) => {
                    used.insert(k);
                    (
                        predicted[k].verdict.label().to_string(),
                        predicted[k].verdict.reason_names(),
                    )
                }
                None => {
                    report.unmatched += 1;
                    ("(no such claim)".to_string(), Vec::new())
                }
            };
            let got_spec = got_label == "speculative";
            if got_label == exp.label {
                report.correct += 1;
            } else {
                report.misses.push(Miss {
                    text: exp.text.clone(),
                    expected: format!("{} {:?}", exp.label, exp.reasons),
                    got: format!("{got_label} {got_reasons:?}"),
                });
            }
            if exp_spec && got_label == "sourced" {
                false_sourced += 1;
            }
            match (exp_spec, got_spec) {
                (true, true) => spec.tp += 1,
                (false, true) => spec.fp += 1,
                (true, false) => spec.fn_ += 1,
                _ => {}
            }
            for (r, counts) in reasons.iter_mut() {
                let e = exp.reasons.iter().any(|x| x == r);
                let g = got_reasons.contains(r);
                match (e, g) {
                    (true, true) => counts.tp += 1,
                    (false, true) => counts.fp += 1,
                    (true, false) => counts.fn_ += 1,
                    _ => {}
                }
            }
        }
    }
    let n = report.claims.max(1) as f64;
    report.accuracy = report.correct as f64 / n;
    report.speculative_f1 = spec.f1();
    report.false_sourced_rate = false_sourced as f64 / expected_speculative.max(1) as f64;
    report.per_reason_f1 = reasons
        .iter()
        .map(|(r, c)| (r.to_string(), c.f1()))
        .collect();
    report.reason_macro_f1 = report.per_reason_f1.values().sum::<f64>() / REASONS.len() as f64;
    Ok(report)
}

/// The unused predicted claim of the same origin that shares the most words with the expected one.
fn best_match(exp: &Expected, predicted: &[Claim], used: &HashSet<usize>) -> Option<usize> {
    let want = words(&exp.text);
    predicted
        .iter()
        .enumerate()
        .filter(|(k, c)| c.origin == exp.origin && !used.contains(k))
        .map(|(k, c)| {
            let got = words(&c.text);
            let shared = want.intersection(&got).count() as f64;
            (k, shared / want.len().max(got.len()).max(1) as f64)
        })
        .filter(|(_, score)| *score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

fn words(text: &str) -> HashSet<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty() && !w.starts_with("http"))
        .collect()
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "claims: {} (unmatched by segmentation: {})",
            self.claims, self.unmatched
        )?;
        writeln!(f, "accuracy: {:.3}", self.accuracy)?;
        writeln!(f, "speculative F1: {:.3}", self.speculative_f1)?;
        writeln!(f, "reason macro-F1: {:.3}", self.reason_macro_f1)?;
        writeln!(f, "false-sourced rate: {:.3}", self.false_sourced_rate)?;
        let per: Vec<String> = self
            .per_reason_f1
            .iter()
            .map(|(r, v)| format!("{r} {v:.2}"))
            .collect();
        write!(f, "per reason F1: {}", per.join(", "))
    }
}
