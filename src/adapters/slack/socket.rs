//! Socket Mode on slack-morphism's listener: the bot opens websockets to Slack (`apps.connections.open`
//! with the app token, reconnecting on `disconnect`), so no public URL is needed.
//!
//! slack-morphism acknowledges an envelope only after the callback returns, so the callbacks here do
//! nothing but hand the event to [`Intake`] (write to the inbox, queue) and return. A callback that cannot queue
//! returns an error and the error handler withholds the ack, so Slack redelivers the envelope later
//! instead of it being lost.

use super::client::Client;
use super::events::{self, Incoming, Intake};
use crate::secret::Secret;
use slack_morphism::prelude::*;
use std::future::Future;
use std::sync::Arc;
use tracing::{info, warn};

/// What the callbacks need, kept in slack-morphism's user state (its callbacks are plain `fn`s).
struct SocketState {
    intake: Intake,
    bot_user: String,
}

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn accept(state: &SlackClientEventsUserState, item: Option<Incoming>) -> Outcome {
    let Some(incoming) = item else {
        return Ok(());
    };
    let intake = {
        let storage = state.read().await;
        let socket = storage.get_user_state::<SocketState>().ok_or("socket state missing")?;
        socket.intake.clone()
    };
    intake.accept(incoming).await.map(|_| ()).map_err(Into::into)
}

async fn bot_user(state: &SlackClientEventsUserState) -> String {
    state.read().await.get_user_state::<SocketState>().map(|s| s.bot_user.clone()).unwrap_or_default()
}

async fn on_push(ev: SlackPushEventCallback, _client: Arc<Client>, state: SlackClientEventsUserState) -> Outcome {
    let me = bot_user(&state).await;
    accept(&state, events::from_push(&ev, &me)).await
}

async fn on_command(
    ev: SlackCommandEvent,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> Result<SlackCommandEventResponse, Box<dyn std::error::Error + Send + Sync>> {
    accept(&state, Some(events::from_command(&ev))).await?;
    // An empty acknowledgement: the reply follows as an ephemeral message once the work is done.
    Ok(SlackCommandEventResponse::new(SlackMessageContent::new()))
}

async fn on_interaction(ev: SlackInteractionEvent, _client: Arc<Client>, state: SlackClientEventsUserState) -> Outcome {
    accept(&state, events::from_interaction(&ev)).await
}

fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<Client>,
    _state: SlackClientEventsUserState,
) -> HttpStatusCode {
    warn!(error = %err, "A Socket Mode event was not handled; leaving it unacknowledged so Slack redelivers it.");
    HttpStatusCode::SERVICE_UNAVAILABLE
}

/// Listens until `shutdown` completes, then closes the websockets.
pub async fn run(
    client: Arc<Client>,
    app_token: &Secret,
    intake: Intake,
    bot_user: String,
    shutdown: impl Future<Output = ()>,
) -> Result<(), slack_morphism::errors::SlackClientError> {
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(client)
            .with_error_handler(on_error)
            .with_user_state(SocketState { intake, bot_user }),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_push_events(on_push)
        .with_command_events(on_command)
        .with_interaction_events(on_interaction);
    let listener = SlackClientSocketModeListener::new(&SlackClientSocketModeConfig::new(), environment, callbacks);
    let token = SlackApiToken::new(SlackApiTokenValue::new(app_token.expose().to_string()));
    listener.listen_for(&token).await?;
    listener.start().await;
    info!("Listening to Slack over Socket Mode.");
    shutdown.await;
    listener.shutdown().await;
    info!("Socket Mode closed.");
    Ok(())
}
