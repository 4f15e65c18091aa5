//! Retrains the labeller's scorer from the project's labelled data and writes its weights to
//! `config/label_scorer.json` (run from the repository root: `cargo run --example train_labels`).
//! Deterministic: the same data, lexicons and feature code give the same file, byte for byte.

use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::eval::train_scorer;

fn main() -> anyhow::Result<()> {
    let weights = train_scorer(Lexicon::embedded())?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/label_scorer.json");
    let mut json = serde_json::to_string_pretty(&weights)?;
    json.push('\n');
    std::fs::write(path, json)?;
    println!("wrote {} weights to {path}", weights.weights.len());
    Ok(())
}
