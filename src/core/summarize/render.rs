//! Markdown for terminals and for `summarize` without `--json`: the headline, the bullets, then a
//! "Sourced" and a "Speculative" part, each claim with its reasons and its source's link.

use super::Summary;
use crate::core::analyze::Analysis;
use crate::core::claims::Claim;
use std::fmt::Write;

/// How many claims each part lists before it says how many more there are.
const MAX_LISTED: usize = 12;

pub fn markdown(summary: &Summary, analysis: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", summary.headline);
    for b in &summary.bullets {
        let cites: Vec<String> = b.cites.iter().map(|c| cite_link(c, analysis)).collect();
        let _ = writeln!(out, "- {} [{}]", b.text, cites.join(", "));
    }
    part(&mut out, "Sourced", &summary.sourced, analysis);
    part(&mut out, "Speculative", &summary.speculative, analysis);
    out
}

fn part(out: &mut String, title: &str, claims: &[Claim], analysis: &Analysis) {
    let _ = writeln!(out, "\n## {title} ({})\n", claims.len());
    if claims.is_empty() {
        let _ = writeln!(out, "_none_");
        return;
    }
    for c in claims.iter().take(MAX_LISTED) {
        let reasons = c.verdict.reason_names().join(", ");
        let source = match c.verdict.source() {
            Some(s) => match &s.url {
                Some(url) => format!("; [{}]({url})", s.name),
                None => format!("; {}", s.name),
            },
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "- {} — _{reasons}{source}_ [{}]",
            c.text,
            cite_link(&analysis.cite(c), analysis)
        );
    }
    if claims.len() > MAX_LISTED {
        let _ = writeln!(out, "- …and {} more", claims.len() - MAX_LISTED);
    }
}

fn cite_link(cite: &str, analysis: &Analysis) -> String {
    match analysis.permalink(cite) {
        Some(p) => format!("[{cite}]({p})"),
        None => cite.to_string(),
    }
}
