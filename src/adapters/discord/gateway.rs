//! The gateway connection, on serenity: it identifies, heartbeats, resumes after a drop or an op 7,
//! re-identifies after an op 9, and shards when Discord asks (`start_autosharded` reads the
//! recommended shard count from `GET /gateway/bot`).
//!
//! Intents: none. Slash and context-menu commands and button clicks arrive as `INTERACTION_CREATE`, which Discord
//! sends without any intent; stories are posted and histories read over REST. So the bot never
//! receives the server's message stream, and asks for no privileged intent on the gateway. (Thread
//! summaries read message text over REST, which needs the Message Content intent switched on for the
//! app in the Developer Portal; see the README.)

use super::Shared;
use super::commands::{self, Context as CommandContext, Invocation, PLATFORM, TOKEN_LIFETIME};
use crate::commands::{Accepted, Reply};
use chrono::Utc;
use serenity::all::{Context, EventHandler, GatewayIntents, Interaction, Ready};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The gateway intents the bot identifies with; see the module docs for why there are none.
pub fn intents() -> GatewayIntents {
    GatewayIntents::empty()
}

pub struct Handler {
    pub(crate) shared: Arc<Shared>,
}

/// Answers one invocation with the bot's commands layer.
pub(crate) async fn answer(shared: &Shared, invocation: &Invocation, answered: Option<Reply>, resumed: bool) {
    let cx = CommandContext {
        api: &shared.api,
        commands: &shared.commands,
        summary_messages: shared.settings.summary_messages,
    };
    commands::handle(&cx, invocation, answered, resumed).await;
}

/// Resumes the inbox at start and, when other instances share it, again every so often, so what an
/// instance left when it stopped is answered by another (within the tokens' 15 minutes).
pub(crate) async fn keep_resuming(shared: Arc<Shared>) {
    loop {
        resume(shared.clone()).await;
        let Some(every) = shared.commands.resume_every() else { return };
        tokio::time::sleep(every).await;
    }
}

/// Answers what the inbox still holds from before a restart (within the tokens' 15 minutes).
pub(crate) async fn resume(shared: Arc<Shared>) {
    let pending = match shared.commands.resume::<Invocation>(PLATFORM, Utc::now()).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "Could not read the Discord inbox; interactions from before the restart are not answered.");
            return;
        }
    };
    if !pending.is_empty() {
        tracing::info!(count = pending.len(), "Resuming Discord interactions acknowledged before a restart.");
    }
    for p in pending {
        let mut invocation = p.work;
        let Some(token) = p.reply_to else {
            shared.commands.done(&p.id).await;
            continue;
        };
        if p.reply.is_none() && !invocation.is_deferred() {
            // Its answer would have followed its effect: it was never acknowledged, and Discord takes
            // no first answer this late. The user saw it fail; applying it unseen would surprise them.
            tracing::info!(interaction = %invocation.id, "Dropping a Discord command that was never answered.");
            shared.commands.done(&p.id).await;
            continue;
        }
        invocation.token = token;
        answer(&shared, &invocation, p.reply, true).await;
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
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
        let invocation = match &interaction {
            Interaction::Command(command) => {
                let parsed = commands::parse(command);
                if parsed.is_none() {
                    tracing::warn!(name = %command.data.name, "A Discord command this version does not define; re-registering fixes it.");
                }
                parsed
            }
            // A button click (MESSAGE_COMPONENT): its custom_id names what to show.
            Interaction::Component(click) => {
                let parsed = commands::parse_component(click);
                if parsed.is_none() {
                    tracing::debug!("A Discord button this version did not make; ignored.");
                }
                parsed
            }
            _ => None,
        };
        let Some(invocation) = invocation else { return };
        let shared = &self.shared;
        // Written down before the first answer, so a crash after it loses nothing; a resumed session
        // that replays the event is recognised and not handled twice.
        let recorded = shared
            .commands
            .accept(PLATFORM, &invocation.inbox_id(), &invocation, Some(&invocation.token), TOKEN_LIFETIME, Utc::now())
            .await;
        match recorded {
            Ok(Accepted::Duplicate) => return,
            Ok(Accepted::New) => {}
            Err(e) => {
                tracing::warn!(error = %e, "Could not record a Discord interaction; answering it without a record.")
            }
        }
        answer(shared, &invocation, None, false).await;
    }
}
