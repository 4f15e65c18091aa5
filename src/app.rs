//! The whole bot, assembled from [`Settings`]: the store, the feed fetcher, the operator's fixed
//! outputs (console, JSON lines, webhooks), the chat bots, the summarizer, the HTTP server
//! (`/healthz`, `/metrics`, and Slack's request URLs in its HTTP mode) and the watch loop.
//!
//! [`App::build`] binds the HTTP listener before anything else, so an address with port 0 works and
//! [`App::local_addr`] says which port was taken (tests start the app in-process on `127.0.0.1:0`).
//! [`App::run_until`] starts the bots and the server and runs rounds until the shutdown future
//! completes; [`App::run_once`] runs a single round. Either way every decision is committed to the
//! store before it returns, and the outbox keeps what was not sent.

use crate::adapters::console::Console;
use crate::adapters::discord::{DiscordBot, DiscordError};
use crate::adapters::jsonl::JsonLines;
use crate::adapters::slack::settings::Connection;
use crate::adapters::slack::{SlackBot, SlackError};
use crate::adapters::webhook::{DiscordWebhook, SlackWebhook};
use crate::commands::Commands;
use crate::config::Settings;
use crate::core::story::StoryRules;
use crate::delivery::{Destination, Platform};
use crate::feeds::article::{ArticleReader, ArticleSettings};
use crate::feeds::presets::Presets;
use crate::feeds::{FetchError, FetchSettings, Fetcher};
use crate::llm::{LlmError, LlmSummaries};
use crate::metrics::{CONTENT_TYPE, Metrics};
use crate::pipeline::watcher::{Sharing, WatchError, WatchRules, Watcher};
use crate::sharing::{LEASE_TAKEOVERS, StoreBooks, StoreShardLeases, shard_ranges_held};
use crate::store::{AnyStore, Store, StoreError};
use crate::summaries::{Offline, SummaryService};
use axum::Router;
use axum::http::header;
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::{debug, info, warn};

/// Why the app could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "no feeds to watch; list them in [feeds] urls of the config file or in LAYOFFWATCH_FEEDS, start a chat bot whose channels subscribe to feeds, or try `layoffwatch demo`"
    )]
    NothingToWatch,
    #[error("could not listen on {addr}: {source}; set LAYOFFWATCH_HTTP_ADDR to a free address")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("could not open the JSON-lines output {path}: {source}")]
    Jsonl { path: String, source: std::io::Error },
    #[error("could not build the HTTP client for webhooks: {0}")]
    HttpClient(reqwest::Error),
    #[error("could not set up the feed fetcher: {0}")]
    Fetcher(#[from] FetchError),
    #[error("could not open the store: {0}")]
    Store(#[from] StoreError),
    #[error("the LLM summarizer could not start: {0}")]
    Llm(#[from] LlmError),
    #[error("the Discord bot: {0}")]
    Discord(#[from] DiscordError),
    #[error("the Slack bot: {0}")]
    Slack(#[from] SlackError),
    #[error("the watcher: {0}")]
    Watch(#[from] WatchError),
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
    #[error("{0} stopped on its own; see the log above")]
    Stopped(&'static str),
    #[error("{0} crashed: {1}")]
    Crashed(&'static str, String),
}

/// The assembled bot, ready to run.
pub struct App {
    listener: Option<TcpListener>,
    local_addr: Option<SocketAddr>,
    http: Router,
    watcher: Watcher<AnyStore>,
    /// How many feeds the operator configured (chat channels add theirs every round).
    configured_feeds: usize,
    discord: Option<DiscordBot>,
    slack: Option<Arc<SlackBot>>,
    poll_every: Duration,
}

impl App {
    /// Builds everything the settings ask for. The HTTP listener is bound first, so port 0 works and
    /// a taken port is reported before any bot connects.
    pub async fn build(settings: Settings) -> Result<Self, AppError> {
        let listen = settings.http_addr.or(match settings.slack.as_ref().map(|s| &s.connection) {
            Some(Connection::Http { listen, .. }) => Some(*listen),
            _ => None,
        });
        let (listener, local_addr) = match listen {
            Some(addr) => {
                let refused = |source| AppError::Listen { addr, source };
                let listener = TcpListener::bind(addr).await.map_err(refused)?;
                let local = listener.local_addr().map_err(refused)?;
                (Some(listener), Some(local))
            }
            None => (None, None),
        };
        if settings.feeds.is_empty() && !settings.has_bot() {
            return Err(AppError::NothingToWatch);
        }
        let store = AnyStore::open(&settings.db).await?;
        let fetch = FetchSettings {
            allow_private: settings.allow_private_addresses,
            ..FetchSettings::default().with_contact(&settings.contact)
        };
        let user_agent = fetch.user_agent.clone();
        let articles = if settings.full_text {
            Some(ArticleReader::new(ArticleSettings::from_feed_settings(&fetch))?)
        } else {
            None
        };
        let fetcher = Fetcher::new(fetch)?;
        let metrics = Arc::new(Metrics::new());
        let summaries: Arc<dyn SummaryService> = match settings.llm.clone() {
            // The day's token count and story replies live in the database, shared by every instance.
            Some(llm) => {
                Arc::new(LlmSummaries::with_books(llm, metrics.clone(), Arc::new(StoreBooks::new(store.clone())))?)
            }
            None => Arc::new(Offline),
        };
        let mut destinations = fixed_outputs(&settings, &user_agent)?;
        let mut platforms: Vec<Arc<dyn Platform>> = Vec::new();
        let mut commands =
            Commands::new(store.clone(), summaries.clone(), Presets::bundled(), settings.allow_private_addresses);
        if matches!(store, AnyStore::Postgres(_)) {
            // Another instance may be answering an entry right now: resume only what nobody works on.
            commands = commands.shared_with_others();
        }
        let mut leases_shards = false;
        let discord = match settings.discord.clone() {
            Some(discord) => {
                let default_channel = discord.default_channel;
                let mut bot = DiscordBot::new(discord, commands.clone())?;
                let ranges = bot.shard_ranges();
                if !ranges.is_empty() {
                    info!(instance = %settings.sharing.instance, ranges = ranges.len(), "Discord shards are leased: this instance runs its share.");
                    metrics.add(LEASE_TAKEOVERS, Some("discord_shards"), 0);
                    bot = bot.with_shard_leases(Arc::new(StoreShardLeases::new(
                        store.clone(),
                        settings.sharing.instance.clone(),
                        Duration::from_secs(settings.sharing.shard_lease_seconds),
                        ranges,
                        metrics.clone(),
                    )));
                    leases_shards = true;
                }
                if let Some(channel) = default_channel {
                    destinations.push(bot.channel(&channel.to_string()));
                }
                platforms.push(Arc::new(bot.clone()));
                Some(bot)
            }
            None => None,
        };
        // On PostgreSQL other instances may share the database: take the work under leases.
        let sharing = matches!(store, AnyStore::Postgres(_)).then(|| Sharing {
            owner: settings.sharing.instance.clone(),
            feed_lease: chrono::Duration::seconds(settings.sharing.feed_lease_seconds.try_into().unwrap_or(i64::MAX)),
            claim_for: chrono::Duration::seconds(
                settings.sharing.delivery_claim_seconds.try_into().unwrap_or(i64::MAX),
            ),
        });
        let owner = (sharing.is_some() || leases_shards).then(|| settings.sharing.instance.clone());
        let mut http = ops_routes(metrics, store.clone(), owner);
        let slack = match settings.slack.clone() {
            Some(slack) => {
                let default_channel = slack.default_channel.clone();
                let bot = Arc::new(SlackBot::connect(slack, commands.clone()).await?);
                if let Some(channel) = default_channel {
                    destinations.push(bot.channel(&channel));
                }
                platforms.push(bot.clone());
                // Slack's request URLs share the bot's one HTTP port with /healthz and /metrics.
                if let Some(router) = bot.router() {
                    http = http.merge(router);
                }
                Some(bot)
            }
            None => None,
        };
        let rules = WatchRules {
            stories: StoryRules {
                max_age: chrono::Duration::days(settings.max_age_days.into()),
                ..StoryRules::default()
            },
            disable_after_failures: settings.disable_after_failures,
            base_backoff: chrono::Duration::seconds(60),
            post_backlog: false,
            keep_text: chrono::Duration::days(settings.article_text_days.into()),
        };
        let mut watcher = Watcher::new(store, fetcher, destinations, summaries, rules)
            .with_platforms(platforms)
            .fixed_outputs_follow(&settings.feeds);
        if let Some(sharing) = sharing {
            info!(instance = %sharing.owner, "Sharing the database with other instances: feeds and deliveries are leased.");
            watcher = watcher.shared_with_others(sharing);
        }
        if let Some(reader) = articles {
            watcher = watcher.with_full_text(reader);
        }
        Ok(Self {
            listener,
            local_addr,
            http,
            watcher,
            configured_feeds: settings.feeds.len(),
            discord,
            slack,
            poll_every: Duration::from_secs(settings.poll_seconds),
        })
    }

    /// The address the HTTP server listens on (with the port the system chose for port 0); `None`
    /// when no HTTP port is configured.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr
    }

    /// Polls every feed once, sends what is due, and returns (`layoffwatch run --once`). Chat bots are
    /// not started: their stories are posted, their commands wait for a long-running bot.
    pub async fn run_once(mut self) -> Result<(), AppError> {
        self.restore().await?;
        self.round().await
    }

    /// Starts the chat bots and the HTTP server, then runs a round every poll interval until
    /// `shutdown` completes. A bot that stops by itself (a revoked token, say) stops the app with an
    /// error, so a supervisor restarts it and the operator sees why, rather than a silent half-bot.
    pub async fn run_until(mut self, shutdown: impl Future<Output = ()>) -> Result<(), AppError> {
        let mut shutdown = std::pin::pin!(shutdown);
        let (stop, stopping) = watch::channel(false);
        let mut tasks = self.start(&stopping);
        self.restore().await?;
        let outcome = loop {
            if let Err(e) = self.round().await {
                break Err(e);
            }
            tokio::select! {
                () = tokio::time::sleep(self.poll_every) => {}
                () = &mut shutdown => {
                    info!("Shutting down: every decision is committed and the outbox keeps what was not sent.");
                    break Ok(());
                }
                Some(ended) = tasks.join_next() => {
                    break Err(match ended {
                        Ok(Ok(name)) => AppError::Stopped(name),
                        Ok(Err(e)) => e,
                        Err(e) => AppError::Crashed("a task", e.to_string()),
                    });
                }
            }
        };
        let _ = stop.send(true);
        while let Some(ended) = tasks.join_next().await {
            match ended {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => warn!(error = %e, "A task ended with an error while shutting down."),
                Err(e) => warn!(error = %e, "A task crashed while shutting down."),
            }
        }
        outcome
    }

    /// Spawns the HTTP server and the chat bots; each task ends with its name, or its error.
    fn start(&mut self, stopping: &watch::Receiver<bool>) -> JoinSet<Result<&'static str, AppError>> {
        let mut tasks = JoinSet::new();
        if let Some(listener) = self.listener.take() {
            let http = std::mem::take(&mut self.http);
            let stopped = stopped(stopping.clone());
            if let Some(addr) = self.local_addr {
                info!(%addr, "Serving /healthz and /metrics.");
            }
            tasks.spawn(async move {
                axum::serve(listener, http).with_graceful_shutdown(stopped).await.map_err(AppError::Serve)?;
                Ok("the HTTP server")
            });
        }
        if let Some(bot) = self.discord.take() {
            let stopped = stopped(stopping.clone());
            tasks.spawn(async move {
                bot.serve(stopped).await?;
                Ok("the Discord bot")
            });
        }
        if let Some(bot) = self.slack.take() {
            let stopped = stopped(stopping.clone());
            // In HTTP mode the server above receives Slack's requests; the bot only works its queue.
            let http_mode = bot.router().is_some();
            tasks.spawn(async move {
                if http_mode {
                    bot.work_queue(stopped).await?;
                } else {
                    bot.serve(stopped).await?;
                }
                Ok("the Slack bot")
            });
        }
        tasks
    }

    async fn restore(&mut self) -> Result<(), AppError> {
        let restored = self.watcher.restore(chrono::Utc::now()).await?;
        info!(restored, feeds = self.configured_feeds, "layoffwatch is watching.");
        Ok(())
    }

    /// One round of the watcher's jobs (see [`Watcher::round`]) at the current time.
    async fn round(&mut self) -> Result<(), AppError> {
        let report = self.watcher.round(chrono::Utc::now()).await?;
        debug!(?report, "Round done.");
        Ok(())
    }
}

/// The operator's fixed outputs: console, JSON lines, webhooks.
fn fixed_outputs(settings: &Settings, user_agent: &str) -> Result<Vec<Arc<dyn Destination>>, AppError> {
    let mut destinations: Vec<Arc<dyn Destination>> = Vec::new();
    if settings.console {
        destinations.push(Arc::new(Console::stdout()));
    }
    match settings.jsonl.as_deref() {
        Some("-") => destinations.push(Arc::new(JsonLines::stdout())),
        Some(path) => destinations.push(Arc::new(
            JsonLines::file(Path::new(path)).map_err(|source| AppError::Jsonl { path: path.into(), source })?,
        )),
        None => {}
    }
    let client = || {
        reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map_err(|e| AppError::HttpClient(e.without_url()))
    };
    if let Some(url) = &settings.slack_webhook_url {
        destinations.push(Arc::new(SlackWebhook::new(url.clone(), client()?)));
    }
    if let Some(url) = &settings.discord_webhook_url {
        destinations.push(Arc::new(DiscordWebhook::new(url.clone(), client()?)));
    }
    Ok(destinations)
}

/// `/healthz` for a load balancer or orchestrator: `ok` with the database backend and this
/// instance's leases (feeds, deliveries, Discord shard ranges), or 503 when the database does not
/// answer. `/metrics` in the Prometheus text format, with leases held, shards run, lease take-overs
/// and the age of the oldest pending delivery.
fn ops_routes(metrics: Arc<Metrics>, store: AnyStore, owner: Option<String>) -> Router {
    let health_store = store.clone();
    let health_owner = owner.clone();
    Router::new()
        .route(
            "/healthz",
            get(move || {
                let store = health_store.clone();
                let owner = health_owner.clone();
                async move { health(&store, owner.as_deref()).await }
            }),
        )
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                let store = store.clone();
                let owner = owner.clone();
                async move {
                    let mut text = metrics.render();
                    text.push_str(&store_metrics(&store, owner.as_deref()).await);
                    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text)
                }
            }),
        )
}

/// The `/healthz` answer: a body of `key=value` lines after `ok`, so a probe can match on `ok`.
async fn health(store: &AnyStore, owner: Option<&str>) -> (axum::http::StatusCode, String) {
    let backend = store.backend_name();
    if let Err(e) = store.ping().await {
        warn!(error = %e, "Health check: the database does not answer.");
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy\ndatabase={backend} unreachable\n"));
    }
    let mut body = format!("ok\ndatabase={backend} reachable\n");
    if let Some(owner) = owner
        && let Ok(held) = store.leases_held(owner, chrono::Utc::now()).await
    {
        body.push_str(&format!("instance={owner}\nfeed_leases={}\ndelivery_claims={}\n", held.feeds, held.deliveries));
        // Only an instance that runs Discord shards has this line: a bare key would read as a fault.
        if let Ok(ranges) = shard_ranges_held(store, owner, chrono::Utc::now()).await
            && !ranges.is_empty()
        {
            let shown: Vec<String> = ranges.iter().map(ToString::to_string).collect();
            body.push_str(&format!("discord_shard_leases={}\n", shown.join(",")));
        }
    }
    (axum::http::StatusCode::OK, body)
}

/// Gauges read from the store at scrape time; nothing when the store does not answer.
async fn store_metrics(store: &AnyStore, owner: Option<&str>) -> String {
    let now = chrono::Utc::now();
    let Ok(held) = store.leases_held(owner.unwrap_or(""), now).await else { return String::new() };
    let age = held.oldest_pending.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
    let shards: u32 = match owner {
        Some(owner) => {
            shard_ranges_held(store, owner, now).await.map_or(0, |ranges| ranges.iter().map(|r| r.shards()).sum())
        }
        None => 0,
    };
    format!(
        "# HELP layoffwatch_feed_leases_held Feeds whose poll this instance has leased.\n\
         # TYPE layoffwatch_feed_leases_held gauge\n\
         layoffwatch_feed_leases_held {}\n\
         # HELP layoffwatch_delivery_claims_held Pending deliveries this instance has claimed.\n\
         # TYPE layoffwatch_delivery_claims_held gauge\n\
         layoffwatch_delivery_claims_held {}\n\
         # HELP layoffwatch_outbox_oldest_pending_seconds Age of the oldest pending delivery (0 when none).\n\
         # TYPE layoffwatch_outbox_oldest_pending_seconds gauge\n\
         layoffwatch_outbox_oldest_pending_seconds {age:.3}\n\
         # HELP layoffwatch_discord_shards_held Discord shards this instance runs under its leases.\n\
         # TYPE layoffwatch_discord_shards_held gauge\n\
         layoffwatch_discord_shards_held {shards}\n",
        held.feeds, held.deliveries
    )
}

/// Resolves once the app says stop, so every task shuts down with it.
async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
