//! The Slack bot, on slack-morphism: story posts into subscribed channels (one thread per story,
//! edits when facts change), `/layoffs` commands, and thread summaries on request.
//!
//! - [`settings`]: [`SlackSettings`], built and checked by the configuration.
//! - [`client`]: the Web API calls, paced per channel and per rate tier, 429s honoured.
//! - [`blocks`]: Block Kit rendering, escaping and splitting (pure).
//! - [`destination`]: a channel as a [`Destination`]; delivery keys in message metadata.
//! - [`events`]: events, commands and shortcuts → work written to the inbox and queued (the ack path).
//! - [`socket`] and [`http`]: the two ways Slack reaches the bot (Socket Mode, the Events API).
//! - [`commands`]: `/layoffs` parsed, permission-checked and its replies worded; the commands layer
//!   ([`crate::commands`]) carries them out.
//! - [`summaries`]: reading a thread for the commands layer to summarize.
//!
//! The integrator starts it with [`SlackBot::connect`], hands it to the watcher as a [`Platform`],
//! and runs [`SlackBot::serve`] until shutdown.

pub mod blocks;
pub mod client;
pub mod commands;
pub mod destination;
pub mod events;
pub mod http;
pub mod settings;
pub mod socket;
pub mod summaries;

pub use settings::SlackSettings;

use crate::commands::{Commands, Place};
use crate::delivery::{Destination, Platform};
use crate::secret::Secret;
use client::{ApiError, SlackApi};
use destination::{Poster, SlackChannel};
use events::{ClaimsRef, Intake, Job, PLATFORM, Work};
use settings::Connection;
use slack_morphism::prelude::*;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;
use tracing::{info, warn};

/// Events waiting to be worked on; beyond this Slack is asked to redeliver later.
const QUEUE: usize = 1_000;
/// Commands and summaries worked on at once.
const WORKERS: usize = 4;
/// Processed-event ids are kept this long; Slack redelivers for minutes, not days.
const EVENT_MEMORY: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// Why the bot could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("could not build the Slack HTTP client: {0}")]
    Client(#[from] std::io::Error),
    #[error("Slack refused the bot token ({0}); check SLACK_BOT_TOKEN (the xoxb- Bot User OAuth Token)")]
    Auth(ApiError),
    #[error("could not reach Slack ({0}); check the network, or SLACK_API_URL if it is set")]
    Unreachable(ApiError),
    #[error("could not listen on {addr}: {source}; choose another LAYOFFWATCH_HTTP_ADDR")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
    #[error("Socket Mode could not start: {0}; check SLACK_APP_TOKEN (an xapp- token with connections:write)")]
    Socket(slack_morphism::errors::SlackClientError),
    #[error("serve() was called twice")]
    AlreadyServing,
}

struct Inner {
    settings: SlackSettings,
    poster: Arc<Poster>,
    commands: Commands,
}

/// The Slack bot: a [`Platform`] for the watcher, and a server for what Slack sends.
pub struct SlackBot {
    inner: Arc<Inner>,
    intake: Intake,
    queue: Mutex<Option<mpsc::Receiver<Job>>>,
}

impl SlackBot {
    /// Checks the token with `auth.test` (learning the bot's user id and workspace URL) and gets
    /// ready to post; nothing is received until [`SlackBot::serve`].
    pub async fn connect(settings: SlackSettings, commands: Commands) -> Result<Self, SlackError> {
        let client = client::client(&settings.api_url)?;
        let api = Arc::new(SlackApi::new(client, &settings.bot_token, settings.pacing));
        let identity = api.auth_test().await.map_err(|e| match e {
            ApiError::Slack { .. } => SlackError::Auth(e),
            _ => SlackError::Unreachable(e),
        })?;
        info!(bot_user = %identity.user_id, workspace = %identity.workspace_url, "Connected to Slack.");
        let (tx, rx) = mpsc::channel(QUEUE);
        let inner =
            Arc::new(Inner { poster: Arc::new(Poster::new(api, identity)), commands: commands.clone(), settings });
        Ok(Self { inner, intake: Intake::new(commands, tx), queue: Mutex::new(Some(rx)) })
    }

    /// The Events API routes (`/slack/events`, `/slack/commands`, `/slack/interactions`) for an
    /// integrator that serves its own HTTP; `None` in Socket Mode.
    pub fn router(&self) -> Option<axum::Router> {
        match &self.inner.settings.connection {
            Connection::Http { signing_secret, .. } => Some(http::router(Arc::new(http::HttpState {
                intake: self.intake.clone(),
                signing_secret: signing_secret.clone(),
                bot_user: self.inner.poster.identity.user_id.clone(),
            }))),
            Connection::Socket { .. } => None,
        }
    }

    fn take_queue(&self) -> Result<mpsc::Receiver<Job>, SlackError> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).take().ok_or(SlackError::AlreadyServing)
    }

    /// Receives from Slack (Socket Mode, or the Events API on `LAYOFFWATCH_HTTP_ADDR`) and works the
    /// queue until `shutdown` completes; then stops receiving and finishes the work in progress.
    pub async fn serve(&self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), SlackError> {
        let rx = self.take_queue()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = tokio::spawn(work(self.inner.clone(), rx, stopped));
        let result = match &self.inner.settings.connection {
            Connection::Socket { app_token } => socket::run(
                self.inner.poster.api.client().clone(),
                app_token,
                self.intake.clone(),
                self.inner.poster.identity.user_id.clone(),
                shutdown,
            )
            .await
            .map_err(SlackError::Socket),
            Connection::Http { listen, .. } => match tokio::net::TcpListener::bind(listen).await {
                Ok(listener) => {
                    info!(addr = %listen, "Listening for Slack events over HTTP.");
                    let router = self.router().expect("HTTP mode has a router");
                    axum::serve(listener, router).with_graceful_shutdown(shutdown).await.map_err(SlackError::Serve)
                }
                Err(source) => Err(SlackError::Bind { addr: *listen, source }),
            },
        };
        // The intake still holds a sender (the router may be mounted elsewhere), so the worker is
        // told to stop rather than waiting for the queue to close; it finishes what it is doing.
        let _ = stop.send(());
        let _ = worker.await;
        result
    }

    /// Works the queue until `shutdown`, without receiving anything itself: for an integrator that
    /// mounts [`SlackBot::router`] on its own HTTP server. Use this or [`SlackBot::serve`], not both.
    pub async fn work_queue(&self, shutdown: impl Future<Output = ()>) -> Result<(), SlackError> {
        let rx = self.take_queue()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = tokio::spawn(work(self.inner.clone(), rx, stopped));
        shutdown.await;
        let _ = stop.send(());
        let _ = worker.await;
        Ok(())
    }
}

impl Platform for SlackBot {
    fn platform(&self) -> &'static str {
        "slack"
    }

    fn channel(&self, channel: &str) -> Arc<dyn Destination> {
        Arc::new(SlackChannel { poster: self.inner.poster.clone(), channel: channel.to_string() })
    }
}

/// Completes at the interval's next tick, or never without one.
async fn next_tick(interval: Option<&mut tokio::time::Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// What the inbox holds that this instance should answer: everything left from before a restart, or,
/// with other instances on the inbox, what nobody works on any more.
async fn resumable(inner: &Inner) -> Vec<Job> {
    match inner.commands.resume::<Work>(PLATFORM, chrono::Utc::now()).await {
        Ok(pending) => {
            if !pending.is_empty() {
                info!(
                    count = pending.len(),
                    "Resuming Slack work acknowledged before a restart or by a stopped instance."
                );
            }
            pending
                .into_iter()
                .map(|p| Job { id: p.id, work: p.work, response_url: p.reply_to, reply: p.reply })
                .collect()
        }
        Err(e) => {
            warn!(error = %e, "Could not read the Slack inbox; work acknowledged before a restart waits for the next start.");
            Vec::new()
        }
    }
}

/// Works the queue, a few items at a time, and forgets old event ids once an hour. It starts with
/// what the inbox still holds from before a restart. On `stop` it takes nothing new but finishes what
/// was already acknowledged and queued; whatever a crash interrupts, the inbox keeps.
async fn work(inner: Arc<Inner>, mut rx: mpsc::Receiver<Job>, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let slots = Arc::new(Semaphore::new(WORKERS));
    let mut prune = tokio::time::interval(Duration::from_secs(3_600));
    let spawn = |job: Job, permit: tokio::sync::OwnedSemaphorePermit| {
        let inner = inner.clone();
        tokio::spawn(async move {
            handle(&inner, job).await;
            drop(permit);
        });
    };
    for job in resumable(&inner).await {
        let Ok(permit) = slots.clone().acquire_owned().await else { break };
        spawn(job, permit);
    }
    // With other instances on the inbox, what one of them left (it stopped) is resumed here later.
    let mut again = inner.commands.resume_every().map(|every| tokio::time::interval_at(Instant::now() + every, every));
    loop {
        tokio::select! {
            _ = &mut stop => break,
            () = next_tick(again.as_mut()) => {
                for job in resumable(&inner).await {
                    let Ok(permit) = slots.clone().acquire_owned().await else { break };
                    spawn(job, permit);
                }
            }
            job = rx.recv() => {
                let Some(job) = job else { break };
                let Ok(permit) = slots.clone().acquire_owned().await else { break };
                spawn(job, permit);
            }
            _ = prune.tick() => inner.commands.prune(chrono::Utc::now() - EVENT_MEMORY).await,
        }
    }
    rx.close();
    while let Some(job) = rx.recv().await {
        let Ok(permit) = slots.clone().acquire_owned().await else { break };
        spawn(job, permit);
    }
    let _ = slots.acquire_many(WORKERS as u32).await;
}

/// Does one job and delivers its reply; then the inbox forgets it.
async fn handle(inner: &Inner, job: Job) {
    let Job { id, work, response_url, reply } = job;
    match work {
        Work::Command { channel, user, text } => {
            let answer = command(inner, &id, &channel, &user, &text, reply).await;
            ephemeral(inner, &channel, &user, None, &answer, response_url.as_ref()).await;
        }
        Work::Summarize { channel, thread_ts, user } => summarize(inner, &id, &channel, &thread_ts, &user).await,
        Work::Claims { channel, user, thread_ts, of } => {
            let text = claims(inner, &channel, &user, of).await;
            ephemeral(inner, &channel, &user, thread_ts.as_deref(), &text, response_url.as_ref()).await;
        }
        Work::MentionHelp { channel, user, thread_ts, outside_thread } => {
            let text = if outside_thread {
                "Mention me with `summarize` *inside a thread* (or use the *Summarize thread* shortcut on a message) and I'll summarize that thread.".to_string()
            } else {
                commands::HELP.to_string()
            };
            ephemeral(inner, &channel, &user, thread_ts.as_deref(), &text, None).await;
        }
    }
    inner.commands.done(&id).await;
}

/// Parses, checks and runs a `/layoffs` command (once: `answered` is its reply from before a
/// restart); returns the reply in mrkdwn.
async fn command(
    inner: &Inner,
    id: &str,
    channel: &str,
    user: &str,
    text: &str,
    answered: Option<crate::commands::Reply>,
) -> String {
    let layer = &inner.commands;
    let presets = layer.presets();
    if let Some(reply) = answered {
        return commands::render(&reply, &presets);
    }
    let command = match commands::parse(text, layer) {
        Ok(c) => c,
        Err(refusal) => return commands::render(&crate::commands::Reply::Refused(refusal), &presets),
    };
    if command.changes_channel() {
        match commands::may_change(&inner.poster.api, &inner.settings.policy, channel, user).await {
            Ok(true) => {}
            Ok(false) => return commands::NOT_ALLOWED.into(),
            Err(e) => return commands::cannot_check(&e),
        }
    }
    let place = Place { platform: PLATFORM, channel, user };
    commands::render(&layer.run_once(id, &place, command, None).await, &presets)
}

/// What reading a thread needs: the API and who the bot is, so its own messages are told apart.
fn thread_reader(inner: &Inner) -> summaries::Reader<'_> {
    let identity = &inner.poster.identity;
    summaries::Reader {
        api: &inner.poster.api,
        workspace_url: &identity.workspace_url,
        bot_user: &identity.user_id,
        bot_id: identity.bot_id.as_deref(),
    }
}

/// The full claim list an "All claims" button names, in mrkdwn: a story's recomputed by the commands
/// layer, a thread's from the thread read again now.
async fn claims(inner: &Inner, channel: &str, user: &str, of: ClaimsRef) -> String {
    let presets = inner.commands.presets();
    match of {
        ClaimsRef::Story(story) => {
            let place = Place { platform: PLATFORM, channel, user };
            commands::render(&inner.commands.run(&place, crate::commands::Command::Claims(story)).await, &presets)
        }
        ClaimsRef::Thread { channel, thread_ts } => {
            match summaries::read_thread(&thread_reader(inner), &channel, &thread_ts).await {
                Ok((thread, _)) => blocks::claim_list(&inner.commands.thread_claims(thread).await),
                Err(e) => format!("Sorry: {}.", blocks::escape(&e.to_string())),
            }
        }
    }
}

/// Reads and summarizes a thread and posts the summary in it. The posts carry the delivery key
/// `summary/{id}` in their metadata, so a summary resumed after a crash is found in the thread rather
/// than posted twice.
async fn summarize(inner: &Inner, id: &str, channel: &str, thread_ts: &str, user: &str) {
    let pieces = match summaries::summarize(&thread_reader(inner), &inner.commands, channel, thread_ts).await {
        Ok(pieces) => pieces,
        Err(e) => {
            let text = blocks::escape(&e.to_string());
            ephemeral(inner, channel, user, Some(thread_ts), &format!("Sorry: {text}."), None).await;
            return;
        }
    };
    let key = format!("summary/{id}");
    let destination = format!("slack:{channel}");
    if let Err(e) = inner.poster.post_pieces(channel, &key, Some(thread_ts), pieces, &destination).await {
        warn!(%channel, error = %e, "Could not post a thread summary.");
        let text = format!(
            "I couldn't post the summary ({}); invite me with `/invite @layoffwatch` and try again.",
            blocks::escape(&e.to_string())
        );
        ephemeral(inner, channel, user, Some(thread_ts), &text, None).await;
    }
}

/// A reply only `user` sees. When the bot cannot post in the channel (not invited), the command's
/// `response_url` still reaches the user. Ephemeral messages cannot be read back, so one resumed
/// after a crash between sending and the inbox forgetting it is sent again: rare, and only to the
/// person who asked.
async fn ephemeral(
    inner: &Inner,
    channel: &str,
    user: &str,
    thread_ts: Option<&str>,
    mrkdwn: &str,
    response_url: Option<&Secret>,
) {
    for piece in blocks::notice(mrkdwn) {
        ephemeral_piece(inner, channel, user, thread_ts, piece, response_url).await;
    }
}

/// One message of an ephemeral reply (a long one, such as a claim list, is split to fit).
async fn ephemeral_piece(
    inner: &Inner,
    channel: &str,
    user: &str,
    thread_ts: Option<&str>,
    piece: blocks::Rendered,
    response_url: Option<&Secret>,
) {
    let content = SlackMessageContent::new().with_text(piece.text).with_blocks(piece.blocks);
    let req = SlackApiChatPostEphemeralRequest::new(
        SlackChannelId::new(channel.to_string()),
        SlackUserId::new(user.to_string()),
        content.clone(),
    )
    .opt_thread_ts(thread_ts.map(|t| SlackTs::new(t.to_string())));
    let Err(e) = inner.poster.api.post_ephemeral(req).await else {
        return;
    };
    let fallback = response_url
        .and_then(|u| url::Url::parse(u.expose()).ok())
        .filter(|u| u.scheme() == "https" || (inner.settings.allow_private_addresses && u.scheme() == "http"));
    match fallback {
        Some(url) => {
            let req = SlackApiPostWebhookMessageRequest::new(content).with_replace_original(false);
            if let Err(e2) = inner.poster.api.client().respond_to_event(&SlackResponseUrl::new(url), &req).await {
                warn!(%channel, error = %e, fallback_error = %e2, "Could not reply to a command.");
            }
        }
        None => warn!(%channel, error = %e, "Could not send an ephemeral reply."),
    }
}
