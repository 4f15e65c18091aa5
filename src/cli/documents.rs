//! `claims` and `summarize`: one document from a file or standard input, or with `--jsonl` one
//! document per line, streamed so that ten thousand documents need no more memory than one.

use anyhow::Context;
use layoffwatch::core::analyze::analyze;
use layoffwatch::core::claims::label_document;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::core::model::{Document, MAX_DOCUMENT_BYTES};
use layoffwatch::core::summarize::{Extractive, Summarizer, Summary};
use serde_json::json;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

fn open(file: Option<&Path>) -> anyhow::Result<Box<dyn Read>> {
    Ok(match file {
        None => Box::new(io::stdin().lock()),
        Some(p) if p == Path::new("-") => Box::new(io::stdin().lock()),
        Some(p) => Box::new(File::open(p).with_context(|| format!("could not open {}; check the path", p.display()))?),
    })
}

/// Reads a whole document, refusing to buffer more than the document limit.
pub(super) fn read_one(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(file)?.take(MAX_DOCUMENT_BYTES as u64 + 1).read_to_end(&mut bytes).context("could not read the input")?;
    Ok(bytes)
}

pub fn claims(file: Option<&Path>, jsonl: bool) -> anyhow::Result<ExitCode> {
    let lex = Lexicon::embedded();
    let mut out = BufWriter::new(io::stdout().lock());
    if !jsonl {
        let doc = Document::parse(&read_one(file)?)?;
        serde_json::to_writer(&mut out, &json!({ "claims": label_document(&doc, lex) }))?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut reader = BufReader::new(open(file)?);
    let mut failed = 0usize;
    let mut line_no = 0usize;
    while let Some(line) = next_line(&mut reader)? {
        line_no += 1;
        let result = match line {
            Line::TooLong => Err(format!("line is longer than the {MAX_DOCUMENT_BYTES}-byte limit for one document")),
            Line::Bytes(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
            Line::Bytes(bytes) => Document::parse(&bytes).map_err(|e| e.to_string()),
        };
        match result {
            Ok(doc) => {
                serde_json::to_writer(&mut out, &json!({ "id": doc.id(), "claims": label_document(&doc, lex) }))?
            }
            Err(e) => {
                failed += 1;
                eprintln!("layoffwatch: line {line_no}: {e}");
                serde_json::to_writer(&mut out, &json!({ "id": null, "line": line_no, "error": e }))?;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("layoffwatch: {failed} of {line_no} lines could not be read; their output lines carry an \"error\"");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

enum Line {
    Bytes(Vec<u8>),
    TooLong,
}

/// The next line, without its newline, never holding more than the document limit in memory.
fn next_line(reader: &mut impl BufRead) -> anyhow::Result<Option<Line>> {
    let mut buf = Vec::new();
    let n = reader.by_ref().take(MAX_DOCUMENT_BYTES as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        return Ok(Some(Line::Bytes(buf)));
    }
    if buf.len() > MAX_DOCUMENT_BYTES {
        // Skip the rest of the oversized line.
        loop {
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    reader.consume(i + 1);
                    break;
                }
                None => {
                    let len = chunk.len();
                    reader.consume(len);
                }
            }
        }
        return Ok(Some(Line::TooLong));
    }
    Ok(Some(Line::Bytes(buf)))
}

pub fn summarize(file: Option<&Path>, as_json: bool) -> anyhow::Result<ExitCode> {
    let doc = Document::parse(&read_one(file)?)?;
    let summary = Extractive.summarize(&analyze(&doc, Lexicon::embedded()));
    print_summary(&summary, as_json)
}

/// Prints a summary in the command-line contract's shape: JSON, or its Markdown.
pub(super) fn print_summary(summary: &Summary, as_json: bool) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    if as_json {
        serde_json::to_writer(&mut out, summary)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", summary.text)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
