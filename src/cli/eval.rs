//! `layoffwatch eval`: prints the labeller's figures on a labelled set.

use anyhow::Context;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::eval::evaluate;
use std::path::Path;
use std::process::ExitCode;

const DEVSET: &str = include_str!("../../eval/devset.jsonl");
const HOLDOUT: &str = include_str!("../../eval/holdout.jsonl");

pub fn run(file: Option<&Path>, holdout: bool, misses: bool) -> anyhow::Result<ExitCode> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("could not read the labelled set {}", path.display()))?,
        None if holdout => HOLDOUT.to_string(),
        None => DEVSET.to_string(),
    };
    let report = evaluate(&text, Lexicon::embedded())?;
    if misses {
        for m in &report.misses {
            println!(
                "MISS {:?}\n  expected {}\n  got      {}",
                m.text, m.expected, m.got
            );
        }
    }
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
