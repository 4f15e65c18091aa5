//! Commands of the stable command-line contract (DESIGN.md). JSON goes to stdout, logs and errors to
//! stderr.

mod documents;
mod eval;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "layoffwatch",
    version,
    about = "Watches AI-layoff news and marks every claim sourced or speculative"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        /// The document file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Measure the labeller on a labelled set (default: the bundled development set).
    Eval {
        /// A labelled JSONL set; default: the development set compiled into the binary.
        file: Option<PathBuf>,
        /// Use the bundled held-out set instead of the development set.
        #[arg(long, conflicts_with = "file")]
        holdout: bool,
        /// List every claim the labeller got wrong.
        #[arg(long)]
        misses: bool,
    },
}

pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Claims { jsonl, file } => documents::claims(file.as_deref(), jsonl),
        Command::Summarize { json, file } => documents::summarize(file.as_deref(), json),
        Command::Eval {
            file,
            holdout,
            misses,
        } => eval::run(file.as_deref(), holdout, misses),
    }
}
