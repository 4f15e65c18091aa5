//! Commands of the stable command-line contract (DESIGN.md). JSON goes to stdout, logs and errors to
//! stderr.

mod check;
mod documents;
mod eval;
mod feeds;
mod llm;
mod migrate;
mod run;
mod scale;
mod signals;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "layoffwatch", version, about = "Watches AI-layoff news and marks every claim sourced or speculative")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bundled sample feeds through the whole pipeline to the console (offline, no tokens).
    Demo,
    /// The bot: watch feeds and post through the configured outputs.
    Run {
        /// A config file (see config/layoffwatch.toml); the environment overrides it.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Poll every feed once, send what is due, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Validate the configuration and say which key is wrong and how to fix it.
    Check {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Copy an installation from a SQLite file into an empty PostgreSQL database.
    Migrate {
        /// The SQLite database: a path or sqlite://PATH.
        #[arg(long)]
        from: String,
        /// The PostgreSQL database: postgres://USER:PASSWORD@HOST:5432/DATABASE.
        #[arg(long)]
        to: String,
        /// Replace what the target already holds instead of refusing.
        #[arg(long)]
        force: bool,
    },
    /// One stateless pass over feeds (paths or http(s) URLs): stories, claims and summaries.
    Digest {
        /// Print the contract's JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Feed files or http(s) URLs.
        #[arg(required = true)]
        feeds: Vec<String>,
    },
    /// Label the claims of one document (or one per line with --jsonl).
    Claims {
        /// Read one JSON document per line and write one result per line.
        #[arg(long)]
        jsonl: bool,
        /// The document file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Summarize one document.
    Summarize {
        /// Print JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Ask the LLM configured by OPENAI_BASE_URL and OPENAI_MODEL (grounded; extractive if it fails).
        #[arg(long)]
        llm: bool,
        /// The document file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Print the exact Slack and Discord payloads the bot would send for a feed file (its story posts)
    /// or a thread document (its summary), and write an HTML page that shows them as each platform does.
    Preview {
        /// Only this platform's payloads (`slack` or `discord`); both by default.
        #[arg(long, value_parser = ["slack", "discord"])]
        platform: Option<String>,
        /// Where to write the HTML page.
        #[arg(long, default_value = "layoffwatch-preview.html")]
        html: PathBuf,
        /// Print what a reader sees (the visible text, links by their labels) instead of the JSON.
        #[arg(long)]
        text: bool,
        /// A feed file (RSS, Atom, RDF or JSON Feed) or a thread document (JSON).
        file: PathBuf,
    },
    /// Measure the whole pipeline (items/s, µs per item, peak memory) and parsing alone on generated
    /// corpora of realistic shape.
    Bench {
        /// Corpus sizes to run, smallest first.
        #[arg(long, value_delimiter = ',', default_values_t = vec![10_000usize, 100_000, 1_000_000])]
        items: Vec<usize>,
        /// Keep the generated RSS files here (one folder per size), e.g. to time another parser on them.
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Count LLM tokens on the demo corpus: one call per story (with updates) versus one per article.
    BenchLlm {
        /// Prompt tokens one call may send (LLM_MAX_INPUT_TOKENS).
        #[arg(long, default_value_t = 3_000)]
        max_input_tokens: u32,
    },
    /// Measure the shared PostgreSQL store: feed leases and delivery claims per second with 1, 2 and 4
    /// instances, and how many feeds one instance polls within a 10-minute interval. Works in a
    /// schema of its own, dropped afterwards.
    BenchScale {
        /// The PostgreSQL server: postgres://USER:PASSWORD@HOST:5432/DATABASE.
        #[arg(long)]
        db: String,
        /// Runs of each measurement; the median is shown.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Feeds on the local feed server for the polling measurement.
        #[arg(long, default_value_t = 50)]
        feeds: usize,
        /// How long the local feed server takes to answer, in milliseconds.
        #[arg(long, default_value_t = 200)]
        latency_ms: u64,
    },
    /// Measure the labeller on labelled sets (default: every bundled set, with a slice per style).
    Eval {
        /// A labelled JSONL set; default: every set compiled into the binary.
        file: Option<PathBuf>,
        /// Only the bundled held-out sets (never tuned on; their misses are not listed).
        #[arg(long, conflicts_with = "file")]
        holdout: bool,
        /// List every claim the labeller got wrong, and every claim it emitted that nobody expected.
        #[arg(long)]
        misses: bool,
    },
}

fn bench(sizes: &[usize], keep: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    println!(
        "{:>9} {:>8} {:>12} {:>10} {:>13} {:>11} {:>12}",
        "items", "stories", "pipeline/s", "µs/item", "parse-only/s", "µs/item", "peak RSS MB"
    );
    let scratch = tempfile::tempdir().context("could not make a temporary folder for the corpus")?;
    for &n in sizes {
        let dir = keep.unwrap_or(scratch.path()).join(format!("items-{n}"));
        let r = layoffwatch::tools::bench::run(n, &dir)
            .with_context(|| format!("could not write or read the corpus in {}", dir.display()))?;
        let mb = r.peak_rss_bytes.map_or("n/a".to_string(), |b| format!("{:.1}", b as f64 / 1_048_576.0));
        let mb = if r.peak_is_per_size { mb } else { format!("{mb} (process)") };
        println!(
            "{:>9} {:>8} {:>12.0} {:>10.2} {:>13.0} {:>11.2} {:>12}",
            r.items,
            r.stories,
            r.pipeline.items_per_second,
            r.pipeline.micros_per_item,
            r.parse.items_per_second,
            r.parse.micros_per_item,
            mb
        );
        if keep.is_none() {
            std::fs::remove_dir_all(&dir).ok();
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // One TLS provider for the whole process (ring), before any client is built.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = || tokio::runtime::Builder::new_multi_thread().enable_all().build();
    match cli.command {
        Command::Demo => runtime()?.block_on(feeds::demo()),
        Command::Preview { platform, html, text, file } => {
            runtime()?.block_on(feeds::preview(&file, platform.as_deref(), &html, text))
        }
        Command::Run { config, once } => {
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .init();
            runtime()?.block_on(run::run(config.as_deref(), once))
        }
        Command::Check { config } => runtime()?.block_on(check::check(config.as_deref())),
        Command::Migrate { from, to, force } => runtime()?.block_on(migrate::migrate(&from, &to, force)),
        Command::Bench { items, corpus } => bench(&items, corpus.as_deref()),
        Command::Digest { json, feeds: list } => runtime()?.block_on(feeds::digest(&list, json)),
        Command::Claims { jsonl, file } => documents::claims(file.as_deref(), jsonl),
        Command::Summarize { json, file, llm: false } => documents::summarize(file.as_deref(), json),
        Command::Summarize { json, file, llm: true } => {
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
                )
                .init();
            runtime()?.block_on(llm::summarize(file.as_deref(), json))
        }
        Command::BenchLlm { max_input_tokens } => llm::bench(max_input_tokens),
        Command::BenchScale { db, runs, feeds, latency_ms } => {
            runtime()?.block_on(scale::bench(&db, runs, feeds, latency_ms))
        }
        Command::Eval { file, holdout, misses } => eval::run(file.as_deref(), holdout, misses),
    }
}
