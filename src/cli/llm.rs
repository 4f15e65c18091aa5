//! `summarize --llm` (one document through the configured LLM, grounded, in the contract's shapes)
//! and `bench-llm` (tokens per story versus per article on the demo corpus).

use anyhow::Context;
use layoffwatch::config::ConfigError;
use layoffwatch::core::analyze::analyze;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::core::model::Document;
use layoffwatch::llm::{LlmSummaries, Outcome};
use layoffwatch::metrics::Metrics;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub async fn summarize(file: Option<&Path>, as_json: bool) -> anyhow::Result<ExitCode> {
    let settings = match layoffwatch::config::llm_from_process() {
        Ok(Some(s)) => s,
        Ok(None) => anyhow::bail!(
            "--llm needs an LLM server: set OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1 for Ollama) and OPENAI_MODEL"
        ),
        Err(ConfigError::Invalid(problems)) => {
            let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
            anyhow::bail!("the LLM settings have {} problem(s):\n{}", problems.len(), list.join("\n"));
        }
        Err(e) => return Err(e.into()),
    };
    let doc = Document::parse(&super::documents::read_one(file)?)?;
    let service = LlmSummaries::new(settings, Arc::new(Metrics::new())).context("could not set up the LLM client")?;
    let (summary, outcome) = service.summarize_explained(&analyze(&doc, Lexicon::embedded()), None).await;
    match outcome {
        Outcome::Llm { cached: _, dropped } if dropped.is_empty() => {
            eprintln!("layoffwatch: summary written by the LLM")
        }
        Outcome::Llm { cached: _, dropped } => {
            let reasons: Vec<&str> = dropped.iter().map(|d| d.name()).collect();
            eprintln!("layoffwatch: summary written by the LLM; grounding dropped: {}", reasons.join(", "));
        }
        Outcome::Unchanged => {}
        Outcome::Fallback(reason) => {
            eprintln!("layoffwatch: the extractive summary is shown; the LLM's was not usable ({})", reason.name())
        }
    }
    super::documents::print_summary(&summary, as_json)
}

pub fn bench(max_input_tokens: u32) -> anyhow::Result<ExitCode> {
    let r = layoffwatch::tools::llm_bench::run(max_input_tokens)?;
    println!(
        "demo corpus: {} articles, {} stories; input budget {max_input_tokens} tokens per call, \
         at most {} tokens of claims per story call",
        r.articles,
        r.stories,
        layoffwatch::llm::prompt::MAX_DATA_TOKENS
    );
    println!("\nper call, one call per story (ours):");
    println!("{:>4} {:<8} {:>6} {:>8} {:>8} {:>8} {:>8}", "#", "kind", "lines", "system", "data", "reply", "total");
    for (i, c) in r.per_story.calls.iter().enumerate() {
        let total = c.system + c.data + c.reply;
        println!(
            "{:>4} {:<8} {:>6} {:>8} {:>8} {:>8} {:>8}",
            i + 1,
            c.kind.name(),
            c.lines,
            c.system,
            c.data,
            c.reply,
            total
        );
    }
    println!(
        "\n{:<28} {:>6} {:>8} {:>8} {:>10} {:>10} {:>8}",
        "strategy", "calls", "system", "data", "sent", "received", "total"
    );
    for (name, c) in [("one call per story (ours)", &r.per_story), ("one call per article", &r.per_article)] {
        println!(
            "{name:<28} {:>6} {:>8} {:>8} {:>10} {:>10} {:>8}",
            c.count(),
            c.system(),
            c.data(),
            c.sent(),
            c.received(),
            c.total()
        );
    }
    println!("ratio: {:.3} of the per-article tokens (target: at most 0.200)", r.ratio());
    Ok(ExitCode::SUCCESS)
}
