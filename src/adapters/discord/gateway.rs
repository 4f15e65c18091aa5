//! The gateway connection, on serenity: it identifies, heartbeats, resumes after a drop or an op 7,
//! re-identifies after an op 9, and shards when Discord asks (`start_autosharded` reads the
//! recommended shard count from `GET /gateway/bot`).
//!
//! Intents: none. Slash and context-menu commands arrive as `INTERACTION_CREATE`, which Discord
//! sends without any intent; stories are posted and histories read over REST. So the bot never
//! receives the server's message stream, and asks for no privileged intent on the gateway. (Thread
//! summaries read message text over REST, which needs the Message Content intent switched on for the
//! app in the Developer Portal; see the README.)

use super::Shared;
use super::commands::{self, Context as CommandContext};
use crate::store::Store;
use chrono::Utc;
use serenity::all::{Context, EventHandler, GatewayIntents, Interaction, Ready};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The gateway intents the bot identifies with; see the module docs for why there are none.
pub fn intents() -> GatewayIntents {
    GatewayIntents::empty()
}

pub struct Handler<S> {
    pub(crate) shared: Arc<Shared<S>>,
}

#[serenity::async_trait]
impl<S: Store + Clone + 'static> EventHandler for Handler<S> {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let shard = ready.shard.map(|s| s.id.0);
        tracing::info!(shard, user = %ready.user.id, "Discord gateway ready.");
        // Every shard gets a READY (and one again after each re-identify); commands are registered
        // once per process.
        if self.shared.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Err(e) = self.shared.register_commands(ready.application.id.get()).await {
            self.shared.registered.store(false, Ordering::SeqCst);
            tracing::error!(error = %e, "Could not register the Discord commands; they will be retried on the next READY.");
        }
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let Interaction::Command(command) = interaction else { return };
        let Some(invocation) = commands::parse(&command) else {
            tracing::warn!(name = %command.data.name, "A Discord command this version does not define; re-registering fixes it.");
            return;
        };
        let shared = &self.shared;
        // A resumed session can replay an event; a command must not run twice.
        match shared.store.mark_event_seen(&format!("discord:interaction:{}", invocation.id), Utc::now()).await {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                tracing::warn!(error = %e, "Could not record a Discord interaction as handled; handling it anyway.")
            }
        }
        let cx = CommandContext {
            api: &shared.api,
            store: &shared.store,
            summaries: shared.summaries.as_ref(),
            presets: &shared.presets,
            allow_private_addresses: shared.settings.allow_private_addresses,
            summary_messages: shared.settings.summary_messages,
        };
        commands::handle(&cx, &invocation).await;
    }
}
