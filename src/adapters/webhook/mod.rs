//! Post-only destinations for deployments with no bot token: Slack incoming webhooks and Discord
//! webhooks. Both honour 429 `Retry-After`, split messages at the platform's size limits instead of
//! failing, and never let content ping anyone (Slack text is escaped so `<!channel>` cannot form;
//! Discord messages carry `allowed_mentions` that parse nothing).

mod discord;
mod http;
pub mod render;
mod slack;

pub use discord::DiscordWebhook;
pub use slack::SlackWebhook;
