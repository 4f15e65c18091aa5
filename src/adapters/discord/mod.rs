//! The Discord bot, on serenity: story posts as embeds with one thread per story (a thread on the
//! post in text channels, a tagged post in forums), updates in the thread, edits in place, digests,
//! the `/layoffs` commands and "Summarize thread".
//!
//! - [`settings`]: `DISCORD_*` settings, checked at start.
//! - [`rest`]: the REST client: pacing, 429s, the global limit, against any `DISCORD_API_URL`.
//! - [`channels`]: what kind of channel a post goes to; the bot's own id.
//! - [`embeds`]: pure rendering within Discord's limits, splitting rather than failing.
//! - [`destination`]: one channel as a [`Destination`].
//! - [`recall`]: the bot's own recent messages by content hash, for retries past the nonce window.
//! - [`commands`]: command definitions, parsing, permission checks and the wording of replies; the
//!   commands layer ([`crate::commands`]) carries them out and keeps them in its inbox.
//! - [`summaries`]: history pagination → the core's thread → the commands layer's summary.
//! - [`gateway`]: serenity's client, intents and the event handler.
//! - [`shards`]: this instance's share of the shards, leased in the database instances share.
//!
//! The integrator starts it with [`DiscordBot::new`] and [`DiscordBot::serve`], and hands the same
//! bot to the watcher as a [`Platform`].

pub mod channels;
pub mod commands;
pub mod destination;
pub mod embeds;
pub mod gateway;
pub mod recall;
pub mod rest;
pub mod settings;
pub mod shards;
pub mod summaries;

use crate::commands::Commands;
use crate::core::message::{StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, Platform, PostRef};
use async_trait::async_trait;
use channels::Api;
use destination::DiscordChannel;
use rest::{Rest, RestError};
use serde_json::Value;
use serenity::http::HttpBuilder;
use settings::{CommandScope, DiscordSettings, Sharding, Snowflake};
use shards::{ShardLeases, ShardRange};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use settings::DiscordSettings as Settings;

/// Why the bot could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("could not build the Discord client: {0}")]
    Setup(String),
    #[error("the Discord gateway stopped: {0}; check DISCORD_TOKEN and the network, then restart")]
    Gateway(String),
    #[error("could not register the Discord commands: {0}")]
    Register(#[from] RestError),
}

/// What the gateway handler and every channel share.
pub(crate) struct Shared {
    pub(crate) settings: DiscordSettings,
    pub(crate) commands: Commands,
    pub(crate) api: Arc<Api>,
    pub(crate) registered: AtomicBool,
}

impl Shared {
    /// Replaces the bot's commands with this version's (a bulk overwrite, so renamed or removed
    /// commands disappear), per server when `DISCORD_COMMANDS_GUILD` is set.
    pub(crate) async fn register_commands(&self, application: u64) -> Result<(), RestError> {
        let path = match self.settings.commands {
            CommandScope::Global => format!("/applications/{application}/commands"),
            CommandScope::Guild(g) => format!("/applications/{application}/guilds/{g}/commands"),
        };
        self.api.rest.put::<Value>(&path, &commands::definitions()).await.map(|_| ())
    }
}

/// The Discord bot: a [`Platform`] for the watcher and a gateway to [`serve`](DiscordBot::serve).
#[derive(Clone)]
pub struct DiscordBot {
    shared: Arc<Shared>,
    /// The leases this instance's share of the shards is held under, when the shards are leased.
    leases: Option<Arc<dyn ShardLeases>>,
}

impl DiscordBot {
    /// Builds the bot on the commands layer (store, summarizer and presets). Nothing is contacted
    /// until [`serve`](Self::serve) or a post.
    pub fn new(settings: DiscordSettings, commands: Commands) -> Result<Self, DiscordError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rest =
            Rest::new(&settings.api_url, settings.token.clone()).map_err(|e| DiscordError::Setup(e.to_string()))?;
        Ok(Self {
            shared: Arc::new(Shared {
                settings,
                commands,
                api: Arc::new(Api::new(rest)),
                registered: AtomicBool::new(false),
            }),
            leases: None,
        })
    }

    /// Runs only the shards this instance holds leases on (with [`Sharding::Leased`]).
    pub fn with_shard_leases(mut self, leases: Arc<dyn ShardLeases>) -> Self {
        self.leases = Some(leases);
        self
    }

    /// The shard ranges the settings cut the bot's shards into, when they are leased.
    pub fn shard_ranges(&self) -> Vec<ShardRange> {
        match self.shared.settings.sharding {
            Sharding::Leased { total, per_lease } => ShardRange::split(total, per_lease),
            Sharding::Auto | Sharding::Single => Vec::new(),
        }
    }

    /// Answers what the inbox holds from before a restart, then runs the gateway until `shutdown`
    /// completes (then closes every shard cleanly) or the gateway fails for good (a bad token).
    /// With leased shards, runs this instance's share of them instead, until `shutdown`.
    pub async fn serve(&self, shutdown: impl Future<Output = ()> + Send) -> Result<(), DiscordError> {
        let resumer = tokio::spawn(gateway::keep_resuming(self.shared.clone()));
        let served = self.serve_gateway(shutdown).await;
        resumer.abort();
        served
    }

    async fn serve_gateway(&self, shutdown: impl Future<Output = ()> + Send) -> Result<(), DiscordError> {
        let sharding = self.shared.settings.sharding;
        if let Sharding::Leased { .. } = sharding {
            let leases = self.leases.clone().ok_or_else(|| {
                DiscordError::Setup("the shards are leased (DISCORD_SHARDS) but no lease keeper was given".into())
            })?;
            let shared = self.shared.clone();
            let client = move || -> std::pin::Pin<Box<dyn Future<Output = Result<serenity::Client, String>> + Send>> {
                let shared = shared.clone();
                Box::pin(async move { build_client(shared).await.map_err(|e| e.to_string()) })
            };
            shards::run(leases, client, shutdown).await;
            return Ok(());
        }
        let mut client = build_client(self.shared.clone()).await?;
        let shards = client.shard_manager.clone();
        let run = async move {
            match sharding {
                Sharding::Single => client.start().await,
                Sharding::Auto | Sharding::Leased { .. } => client.start_autosharded().await,
            }
        };
        tokio::select! {
            result = run => result.map_err(|e| DiscordError::Gateway(e.to_string())),
            () = shutdown => {
                shards.shutdown_all().await;
                Ok(())
            }
        }
    }
}

/// A serenity client on the bot's token with the bot's event handler; nothing connects until a
/// `start…` call.
async fn build_client(shared: Arc<Shared>) -> Result<serenity::Client, DiscordError> {
    let settings = &shared.settings;
    let token = settings.token.expose();
    // serenity's ratelimiter ignores a proxy base, so against anything but Discord itself it is
    // off; its Http only fetches the gateway URL here, every other call goes through `rest`.
    let http = if settings.is_default_api() {
        HttpBuilder::new(token).build()
    } else {
        HttpBuilder::new(token)
            .proxy(settings.api_url.as_str().trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build()
    };
    serenity::client::ClientBuilder::new_with_http(http, gateway::intents())
        .event_handler(gateway::Handler { shared: shared.clone() })
        .await
        .map_err(|e| DiscordError::Setup(e.to_string()))
}

impl Platform for DiscordBot {
    fn platform(&self) -> &'static str {
        commands::PLATFORM
    }

    fn channel(&self, channel: &str) -> Arc<dyn Destination> {
        match Snowflake::parse(channel) {
            Some(id) => Arc::new(DiscordChannel::new(id, self.shared.api.clone())),
            None => Arc::new(NotAChannel(channel.to_string())),
        }
    }
}

/// A stored channel id that is not a Discord id: every delivery to it is refused with the reason,
/// so the outbox records the problem instead of retrying forever.
struct NotAChannel(String);

impl NotAChannel {
    fn refuse(&self) -> DeliveryError {
        DeliveryError::Rejected {
            destination: self.name().to_string(),
            message: format!("{:?} is not a Discord channel id; remove that subscription", self.0),
        }
    }
}

#[async_trait]
impl Destination for NotAChannel {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::channel("discord", self.0.clone())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    async fn post_story(&self, _key: &str, _post: &StoryPost) -> Result<PostRef, DeliveryError> {
        Err(self.refuse())
    }

    async fn post_update(
        &self,
        _key: &str,
        _thread: Option<&PostRef>,
        _u: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        Err(self.refuse())
    }

    async fn edit_story(&self, _key: &str, _first: &PostRef, _post: &StoryPost) -> Result<(), DeliveryError> {
        Err(self.refuse())
    }
}
