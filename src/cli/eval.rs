//! `layoffwatch eval`: prints the labeller's figures on every bundled labelled set (or one file), with
//! a slice per writing style. Misses are listed only for sets that may be tuned on: looking at a
//! held-out set's mistakes would make it a tuning set.

use anyhow::{Context, bail};
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::eval::{LabelledSet, bundled_sets, evaluate};
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: Option<&Path>, holdout: bool, misses: bool) -> anyhow::Result<ExitCode> {
    let sets: Vec<LabelledSet> = match file {
        Some(path) => vec![LabelledSet {
            name: "file",
            jsonl: std::fs::read_to_string(path)
                .with_context(|| format!("could not read the labelled set {}", path.display()))?,
            held_out: false,
        }],
        None if holdout => bundled_sets().into_iter().filter(|s| s.held_out).collect(),
        None => bundled_sets(),
    };
    if misses && holdout {
        bail!("held-out sets are never inspected for misses; run `eval --misses` for the tuning sets");
    }
    for set in sets {
        let report = evaluate(&set.jsonl, Lexicon::embedded())
            .with_context(|| format!("the labelled set {} is not valid", set.name))?;
        println!("== {}", set.name);
        if misses && !set.held_out {
            for m in &report.misses {
                println!("MISS {:?}\n  expected {}\n  got      {}", m.text, m.expected, m.got);
            }
            for s in &report.spurious {
                println!("SPURIOUS {s:?}");
            }
        }
        println!("{report}\n");
    }
    Ok(ExitCode::SUCCESS)
}
