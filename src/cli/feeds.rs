//! `digest`, `demo` and `preview`.

use anyhow::Context;
use layoffwatch::adapters::console::Console;
use layoffwatch::core::summarize::Extractive;
use layoffwatch::feeds::article::{ArticleReader, ArticleSettings};
use layoffwatch::feeds::{FeedSource, FetchSettings, Fetcher};
use layoffwatch::pipeline::digest;
use layoffwatch::summaries::Offline;
use layoffwatch::tools::demo;
use std::io::Write;
use std::process::ExitCode;

pub async fn digest(feeds: &[String], as_json: bool) -> anyhow::Result<ExitCode> {
    let sources = feeds
        .iter()
        .map(|f| FeedSource::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .context("a FEED argument is not usable")?;
    let allow_private = layoffwatch::config::allow_private_addresses_from_process()?;
    let settings = FetchSettings { allow_private, ..FetchSettings::default() };
    let articles = if layoffwatch::config::full_text_from_process()? {
        let page_settings = ArticleSettings::from_feed_settings(&settings);
        Some(ArticleReader::new(page_settings).context("could not set up the HTTP client")?)
    } else {
        None
    };
    let fetcher = Fetcher::new(settings).context("could not set up the HTTP client")?;
    let (items, failures) = digest::collect(&fetcher, articles.as_ref(), &sources).await;
    for (source, err) in &failures {
        eprintln!("layoffwatch: feed {source}: {err}");
    }
    let report = digest::build(items, chrono::Utc::now(), &Extractive);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if as_json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for s in &report.stories {
            writeln!(out, "{}", s.summary.text)?;
            writeln!(out, "_outlets: {}_\n", s.items.iter().map(|i| i.outlet.as_str()).collect::<Vec<_>>().join(", "))?;
        }
        for s in &report.skipped {
            writeln!(out, "skipped: {} ({})", s.title, s.reason)?;
        }
    }
    out.flush()?;
    if failures.len() == sources.len() && !sources.is_empty() {
        anyhow::bail!("no feed could be read; check the addresses above");
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub async fn demo() -> anyhow::Result<ExitCode> {
    let report = demo::run(std::sync::Arc::new(Console::stdout()), std::sync::Arc::new(Offline)).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "\n{} stories posted, {} thread updates, {} edits.", report.posts, report.updates, report.edits)?;
    writeln!(out, "{} items skipped:", report.skipped.len())?;
    for (title, reason) in &report.skipped {
        writeln!(out, "  - {title}: {reason}")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn preview(
    file: &std::path::Path,
    platform: Option<&str>,
    html: &std::path::Path,
    text: bool,
) -> anyhow::Result<ExitCode> {
    use layoffwatch::tools::preview::{self, Platform};
    let bytes = std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("feed.xml");
    let platforms = match platform {
        Some("slack") => vec![Platform::Slack],
        Some("discord") => vec![Platform::Discord],
        _ => vec![Platform::Slack, Platform::Discord],
    };
    let mut previews = Vec::new();
    let mut out = std::io::stdout().lock();
    for p in platforms {
        let shown = preview::preview(name, &bytes, p).await.with_context(|| file.display().to_string())?;
        for (title, payloads) in &shown.messages {
            for payload in payloads {
                writeln!(out, "# {} · {} · {} words", p.name(), title, preview::visible_words(payload, p))?;
                if text {
                    writeln!(out, "{}\n", preview::visible_text(payload, p).trim_end())?;
                } else {
                    writeln!(out, "{}", serde_json::to_string_pretty(payload)?)?;
                }
            }
        }
        previews.push(shown);
    }
    std::fs::write(html, preview::html(&previews)).with_context(|| format!("could not write {}", html.display()))?;
    // On stderr, so standard output is only the payloads (and can be piped or compared).
    eprintln!("Wrote {}; open it in a browser to see the posts as the platforms show them.", html.display());
    Ok(ExitCode::SUCCESS)
}
