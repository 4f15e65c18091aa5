//! `run` (the bot) and `check` (validate the configuration).

use super::ops;
use anyhow::Context;
use layoffwatch::adapters::console::Console;
use layoffwatch::adapters::discord::DiscordBot;
use layoffwatch::adapters::jsonl::JsonLines;
use layoffwatch::adapters::slack::SlackBot;
use layoffwatch::adapters::slack::settings::Connection;
use layoffwatch::adapters::webhook::{DiscordWebhook, SlackWebhook};
use layoffwatch::commands::Commands;
use layoffwatch::config::{ConfigError, Settings};
use layoffwatch::core::story::StoryRules;
use layoffwatch::delivery::Destination;
use layoffwatch::delivery::Platform;
use layoffwatch::feeds::guard;
use layoffwatch::feeds::presets::Presets;
use layoffwatch::feeds::{FeedSource, FetchSettings, Fetcher};
use layoffwatch::llm::LlmSummaries;
use layoffwatch::metrics::Metrics;
use layoffwatch::pipeline::watcher::{WatchRules, Watcher};
use layoffwatch::store::SqliteStore;
use layoffwatch::summaries::{Offline, SummaryService};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::task::JoinSet;
use tracing::{info, warn};

pub fn check(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    match Settings::from_process(config) {
        Ok(s) => {
            println!(
                "configuration is valid: {} feed(s), database {}, poll every {}s, outputs: {}",
                s.feeds.len(),
                s.db,
                s.poll_seconds,
                outputs(&s).join(", ")
            );
            if s.feeds.is_empty() && s.discord.is_none() && s.slack.is_none() {
                println!(
                    "note: no feeds are configured yet; set [feeds] urls or LAYOFFWATCH_FEEDS, or start a chat bot whose channels subscribe to feeds, before `run`"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ConfigError::Invalid(problems)) => {
            eprintln!("layoffwatch: the configuration has {} problem(s):", problems.len());
            for p in problems {
                eprintln!("  - {p}");
            }
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!("layoffwatch: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn outputs(s: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    if s.console {
        out.push("console".to_string());
    }
    if let Some(j) = &s.jsonl {
        out.push(format!("jsonl {j}"));
    }
    if s.slack_webhook_url.is_some() {
        out.push("Slack webhook".to_string());
    }
    if s.discord_webhook_url.is_some() {
        out.push("Discord webhook".to_string());
    }
    if s.discord.is_some() {
        out.push("Discord bot".to_string());
    }
    if s.slack.is_some() {
        out.push("Slack bot".to_string());
    }
    if let Some(llm) = &s.llm {
        out.push(format!("LLM summaries ({} at {})", llm.model, llm.server()));
    }
    out
}

pub async fn run(config: Option<&Path>, once: bool) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_process(config)?;
    // Installed now, not when first awaited: a SIGTERM while the bot starts or its first round waits
    // on a slow feed must stop it cleanly, as in every later round. A one-off run keeps the default,
    // so Ctrl-C stops it at once.
    let mut shutdown = std::pin::pin!(shutdown_signal(!once));
    let has_bot = settings.discord.is_some() || settings.slack.is_some();
    if settings.feeds.is_empty() && !has_bot {
        anyhow::bail!(
            "no feeds to watch; list them in [feeds] urls of the config file or in LAYOFFWATCH_FEEDS, start a chat bot whose channels subscribe to feeds, or try `layoffwatch demo`"
        );
    }
    let sources: Vec<FeedSource> = settings
        .feeds
        .iter()
        .map(|f| FeedSource::parse(f))
        .collect::<Result<_, _>>()
        .context("a feed is not usable")?;
    let store = SqliteStore::open(&settings.db).await?;
    let fetcher = Fetcher::new(FetchSettings {
        allow_private: settings.allow_private_addresses,
        ..FetchSettings::default().with_contact(&settings.contact)
    })?;
    let mut destinations: Vec<Arc<dyn Destination>> = Vec::new();
    if settings.console {
        destinations.push(Arc::new(Console::stdout()));
    }
    match settings.jsonl.as_deref() {
        Some("-") => destinations.push(Arc::new(JsonLines::stdout())),
        Some(path) => destinations.push(Arc::new(
            JsonLines::file(Path::new(path)).with_context(|| format!("could not open the JSON-lines output {path}"))?,
        )),
        None => {}
    }
    let client = || {
        reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(FetchSettings::default().with_contact(&settings.contact).user_agent)
            .build()
    };
    if let Some(url) = &settings.slack_webhook_url {
        guard::check_url(url, settings.allow_private_addresses).context("SLACK_WEBHOOK_URL is not usable")?;
        destinations.push(Arc::new(SlackWebhook::new(url.clone(), client()?)));
    }
    if let Some(url) = &settings.discord_webhook_url {
        guard::check_url(url, settings.allow_private_addresses).context("DISCORD_WEBHOOK_URL is not usable")?;
        destinations.push(Arc::new(DiscordWebhook::new(url.clone(), client()?)));
    }
    let metrics = Arc::new(Metrics::new());
    let summaries: Arc<dyn SummaryService> = match settings.llm.clone() {
        Some(llm) => Arc::new(LlmSummaries::new(llm, metrics.clone()).context("the LLM summarizer could not start")?),
        None => Arc::new(Offline),
    };
    let mut http = ops::routes(metrics);
    let mut listen = settings.http_addr;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut bots: JoinSet<anyhow::Result<()>> = JoinSet::new();
    let mut platforms: Vec<Arc<dyn Platform>> = Vec::new();
    let commands =
        Commands::new(store.clone(), summaries.clone(), Presets::bundled(), settings.allow_private_addresses);
    if let Some(discord) = settings.discord.clone() {
        let default_channel = discord.default_channel;
        let bot = DiscordBot::new(discord, commands.clone())?;
        if let Some(channel) = default_channel {
            destinations.push(bot.channel(&channel.to_string()));
        }
        platforms.push(Arc::new(bot.clone()));
        let stopped = stopped(stopping.clone());
        bots.spawn(async move { bot.serve(stopped).await.context("the Discord bot stopped") });
    }
    if let Some(slack) = settings.slack.clone() {
        let default_channel = slack.default_channel.clone();
        let slack_listen = match &slack.connection {
            Connection::Http { listen, .. } => Some(*listen),
            Connection::Socket { .. } => None,
        };
        let bot = Arc::new(SlackBot::connect(slack, commands.clone()).await?);
        if let Some(channel) = default_channel {
            destinations.push(bot.channel(&channel));
        }
        platforms.push(bot.clone());
        let stopped = stopped(stopping.clone());
        match bot.router() {
            // Slack's request URLs share the bot's one HTTP port with /healthz and /metrics.
            Some(router) => {
                http = http.merge(router);
                listen = listen.or(slack_listen);
                bots.spawn(async move { bot.work_queue(stopped).await.context("the Slack bot stopped") });
            }
            None => {
                bots.spawn(async move { bot.serve(stopped).await.context("the Slack bot stopped") });
            }
        }
    }
    if let Some(addr) = listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("could not listen on {addr}; set LAYOFFWATCH_HTTP_ADDR to a free address"))?;
        info!(%addr, "Serving /healthz and /metrics.");
        let stopped = stopped(stopping.clone());
        bots.spawn(async move {
            axum::serve(listener, http).with_graceful_shutdown(stopped).await.context("the HTTP server stopped")
        });
    }
    if destinations.is_empty() && platforms.is_empty() {
        anyhow::bail!("no output is enabled; set [output] console = true, a jsonl path, a webhook or a chat bot token");
    }
    let rules = WatchRules {
        stories: StoryRules { max_age: chrono::Duration::days(settings.max_age_days.into()), ..StoryRules::default() },
        disable_after_failures: settings.disable_after_failures,
        base_backoff: chrono::Duration::seconds(60),
        post_backlog: false,
    };
    let mut watcher = Watcher::new(store, fetcher, destinations, summaries, rules)
        .with_platforms(platforms)
        .fixed_outputs_follow(&sources);
    let restored = watcher.restore(chrono::Utc::now()).await?;
    info!(restored, feeds = sources.len(), "layoffwatch is watching.");
    let keep_text = chrono::Duration::days(settings.article_text_days.into());
    loop {
        // Whatever an earlier run decided but did not send goes out first.
        watcher.flush(chrono::Utc::now()).await?;
        // Channels subscribe and unsubscribe while the bot runs: the feed list is read every round.
        for source in &watcher.sources(&sources).await? {
            if let Err(e) = watcher.poll(source, chrono::Utc::now()).await {
                warn!(feed = %source, error = %e, "Poll failed; it will be retried next round.");
            }
            watcher.flush(chrono::Utc::now()).await?;
        }
        watcher.queue_digests(chrono::Utc::now()).await?;
        watcher.flush(chrono::Utc::now()).await?;
        watcher.expire(chrono::Utc::now(), keep_text).await?;
        if once {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs(settings.poll_seconds)) => {}
            () = &mut shutdown => {
                info!("Shutting down: every decision is committed and the outbox keeps what was not sent.");
                break;
            }
            Some(ended) = bots.join_next() => {
                // A bot that stops by itself (a revoked token, say) takes the process down, so a
                // supervisor restarts it and the operator sees why, rather than a silent half-bot.
                let _ = stop.send(true);
                ended.context("a chat bot crashed")??;
                anyhow::bail!("a chat bot stopped on its own; see the log above");
            }
        }
    }
    let _ = stop.send(true);
    while let Some(ended) = bots.join_next().await {
        if let Err(e) = ended.context("a chat bot crashed")? {
            warn!(error = %e, "A chat bot ended with an error while shutting down.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Resolves once the run loop says stop, so every bot shuts down with it.
async fn stopped(mut stopping: tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Resolves on SIGTERM or Ctrl-C. With `install`, the handlers are in place when this returns, so a
/// signal that arrives before the future is first awaited is caught rather than fatal; without, it
/// never resolves and signals keep their default effect.
fn shutdown_signal(install: bool) -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let handlers = install.then(|| {
        use tokio::signal::unix::{SignalKind, signal};
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    });
    async move {
        #[cfg(unix)]
        {
            async fn received(handler: std::io::Result<tokio::signal::unix::Signal>) {
                match handler {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            }
            match handlers {
                Some((term, interrupt)) => tokio::select! {
                    () = received(term) => {}
                    () = received(interrupt) => {}
                },
                None => std::future::pending::<()>().await,
            }
        }
        #[cfg(not(unix))]
        {
            if install {
                let _ = tokio::signal::ctrl_c().await;
            } else {
                std::future::pending::<()>().await
            }
        }
    }
}
