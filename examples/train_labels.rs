//! Retrains the labeller's learned parts from the project's labelled data and writes their weights:
//! the scorer to `config/label_scorer.json`, the claim gate to `config/claim_gate.json` (run from the
//! repository root: `cargo run --example train_labels`). Deterministic: the same data, lexicons and
//! feature code give the same files, byte for byte. The gate learns from what the labeller emits with
//! the scorer compiled in, so when the scorer's weights change the command asks to be run again.

use layoffwatch::core::claims::Weights;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::eval::{train_gate, train_scorer};

fn main() -> anyhow::Result<()> {
    let scorer = json(&train_scorer(Lexicon::embedded())?)?;
    write("label_scorer.json", &scorer)?;
    write("claim_gate.json", &json(&train_gate(Lexicon::embedded())?)?)?;
    if scorer != Weights::embedded_file() {
        println!("the scorer's weights changed: run this again so the claim gate learns from them");
    }
    Ok(())
}

fn json(weights: &Weights) -> anyhow::Result<String> {
    let mut json = serde_json::to_string_pretty(weights)?;
    json.push('\n');
    Ok(json)
}

fn write(file: &str, json: &str) -> anyhow::Result<()> {
    let path = format!("{}/config/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, json)?;
    println!("wrote {path}");
    Ok(())
}
