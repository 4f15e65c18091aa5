//! [`LlmSummaries`]: the summary service that asks an LLM, once per story (or thread), and never
//! returns anything grounding has not passed. A story's update sends the summary already posted
//! plus only the sentences it was not built from; a reply already seen for the same content comes
//! from the cache; a call the daily budget cannot cover is not made. Whatever goes wrong — budget,
//! rate limits, server errors, timeouts, malformed or filtered replies, or a reply with no bullet
//! that survives grounding — the caller gets the extractive summary, and the reason is logged and
//! counted. Sources whose text addresses the model (a prompt injection in a feed item or a chat
//! message) are left out of both, so they change nothing the bot says.

use super::books::{Books, BooksError, InMemory};
use super::budget::{DailyBudget, Refused};
use super::cache::{Key, Origin, ReplyCache};
use super::client::{CallError, ChatClient, Finish};
use super::prompt::{self, BuiltPrompt, PROMPT_VERSION};
use super::schema::{MAX_BULLETS, parse_reply};
use super::settings::LlmSettings;
use super::{
    LLM_CACHE, LLM_CALLS, LLM_FALLBACKS, LLM_GROUNDING_DROPS, LLM_INJECTIONS, LLM_SUMMARIES, LLM_TOKENS_ESTIMATED,
    LLM_TOKENS_RECEIVED, LLM_TOKENS_SENT, LLM_TRIMMED, LlmError,
};
use crate::core::analyze::Analysis;
use crate::core::claims::Claim;
use crate::core::summarize::grounding::{Citable, Proposal, Ungrounded, ground_each, without_injections};
use crate::core::summarize::{Bullet, Extractive, Summarizer, Summary, markdown};
use crate::core::text::defuse_mentions;
use crate::metrics::Metrics;
use crate::summaries::SummaryService;
use async_trait::async_trait;
use chrono::Utc;
use std::sync::Arc;
use tracing::{debug, info, warn};

/// Replies kept in the cache.
const CACHE_ENTRIES: usize = 1024;

/// Why a summary is the extractive one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackReason {
    /// Nothing was labelled, so there is nothing to ground a summary on.
    NoClaims,
    Budget,
    RateLimited,
    ServerError,
    /// The server refused the request (4xx other than 429: a wrong model name, a bad key, …).
    Rejected,
    Timeout,
    Connection,
    /// The answer was not a chat completion at all.
    BadReply,
    /// The completion's text was not the JSON asked for.
    Malformed,
    /// The completion hit the output limit before its JSON was complete.
    Truncated,
    /// The server's content filter withheld the answer.
    Refused,
    /// No bullet survived grounding.
    Ungrounded,
}

impl FallbackReason {
    pub fn name(self) -> &'static str {
        match self {
            FallbackReason::NoClaims => "no_claims",
            FallbackReason::Budget => "budget",
            FallbackReason::RateLimited => "rate_limited",
            FallbackReason::ServerError => "server_error",
            FallbackReason::Rejected => "rejected",
            FallbackReason::Timeout => "timeout",
            FallbackReason::Connection => "connection",
            FallbackReason::BadReply => "bad_reply",
            FallbackReason::Malformed => "malformed",
            FallbackReason::Truncated => "truncated",
            FallbackReason::Refused => "refused",
            FallbackReason::Ungrounded => "ungrounded",
        }
    }

    fn of(error: &CallError) -> Self {
        match error {
            CallError::RateLimited => FallbackReason::RateLimited,
            CallError::Server(_) => FallbackReason::ServerError,
            CallError::Rejected { .. } => FallbackReason::Rejected,
            CallError::Timeout(_) => FallbackReason::Timeout,
            CallError::Connection(_) => FallbackReason::Connection,
            CallError::BadReply(_) => FallbackReason::BadReply,
        }
    }
}

/// How a summary was made, for callers that report it (the CLI, tests).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The model's summary, grounded; `dropped` says why any of its bullets (or headline) were refused.
    Llm {
        cached: bool,
        dropped: Vec<Ungrounded>,
    },
    /// An update with nothing new: the previous summary stands and no call was made.
    Unchanged,
    Fallback(FallbackReason),
}

/// The LLM summary service. Build it once and share it (`Arc<dyn SummaryService>`).
pub struct LlmSummaries {
    client: ChatClient,
    settings: LlmSettings,
    budget: DailyBudget,
    cache: ReplyCache,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for LlmSummaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSummaries")
            .field("server", &self.settings.server())
            .field("model", &self.settings.model)
            .finish()
    }
}

impl LlmSummaries {
    /// A service whose budget and cache live in this process's memory (a one-off command).
    pub fn new(settings: LlmSettings, metrics: Arc<Metrics>) -> Result<Self, LlmError> {
        Self::with_books(settings, metrics, Arc::new(InMemory::default()))
    }

    /// A service whose daily budget and story replies are kept in `books`: the bot's database,
    /// shared by every instance.
    pub fn with_books(settings: LlmSettings, metrics: Arc<Metrics>, books: Arc<dyn Books>) -> Result<Self, LlmError> {
        let client = ChatClient::new(&settings, metrics.clone())?;
        let budget = DailyBudget::new(settings.daily_token_budget, books.clone());
        Ok(Self { client, settings, budget, cache: ReplyCache::new(CACHE_ENTRIES, books), metrics })
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Tokens the daily budget has counted today (by every instance sharing the books).
    pub async fn tokens_used_today(&self) -> Result<u64, BooksError> {
        self.budget.used(Utc::now().date_naive()).await
    }

    /// Summarizes a story, and says how the summary was made. Its reply may be kept in the books.
    pub async fn summarize_explained(&self, analysis: &Analysis, previous: Option<&Summary>) -> (Summary, Outcome) {
        self.explained(analysis, previous, Origin::Story).await
    }

    /// Summarizes a chat thread, and says how: its reply is cached in memory only, since it is made
    /// from message text.
    pub async fn summarize_chat_explained(&self, analysis: &Analysis) -> (Summary, Outcome) {
        self.explained(analysis, None, Origin::Chat).await
    }

    async fn explained(&self, analysis: &Analysis, previous: Option<&Summary>, origin: Origin) -> (Summary, Outcome) {
        let (analysis, hostile) = without_injections(analysis);
        if !hostile.is_empty() {
            self.metrics.add(LLM_INJECTIONS, None, hostile.len() as u64);
            warn!(sources = ?hostile, "Left out sources whose text addresses the model (prompt injection).");
        }
        let analysis = &analysis;
        let extractive = Extractive.summarize(analysis);
        if analysis.claims.is_empty() {
            return self.fall_back(extractive, analysis, FallbackReason::NoClaims);
        }
        let all: Vec<&Claim> = analysis.claims.iter().collect();
        let (claims, previous) = match previous {
            Some(p) => {
                let fresh = prompt::new_claims(analysis, p);
                if fresh.is_empty() {
                    self.metrics.inc(LLM_SUMMARIES, Some("unchanged"));
                    return (unchanged(p, extractive, analysis), Outcome::Unchanged);
                }
                (fresh, Some(p))
            }
            None => (all, None),
        };
        let prompt = prompt::build(analysis, &claims, previous, self.settings.max_input_tokens);
        self.metrics.add(LLM_TRIMMED, None, prompt.trimmed as u64);
        let key = self.cache_key(&prompt);
        let (proposal, cached) = match self.cache.get(key, origin).await {
            Some(p) => {
                self.metrics.inc(LLM_CACHE, Some("hit"));
                (p, true)
            }
            None => {
                self.metrics.inc(LLM_CACHE, Some("miss"));
                match self.ask(&prompt).await {
                    Ok(p) => {
                        self.cache.put(key, p.clone(), origin).await;
                        (p, false)
                    }
                    Err(reason) => return self.fall_back(extractive, analysis, reason),
                }
            }
        };
        let citables: Vec<Citable> = prompt.lines.iter().map(|l| l.citable.clone()).collect();
        let grounded = ground_each(&proposal, &citables);
        for (text, why) in &grounded.dropped {
            self.metrics.inc(LLM_GROUNDING_DROPS, Some(why.name()));
            info!(reason = why.name(), "Dropped part of an LLM summary that failed grounding.");
            debug!(reason = %why, text = %text, "The dropped text.");
        }
        let dropped: Vec<Ungrounded> = grounded.dropped.iter().map(|(_, w)| w.clone()).collect();
        if grounded.bullets.is_empty() {
            return self.fall_back(extractive, analysis, FallbackReason::Ungrounded);
        }
        // A model that writes more bullets than asked for gets the first that passed, at the asked size.
        let bullets = grounded.bullets.into_iter().take(MAX_BULLETS).map(|b| finished_bullet(b, &prompt)).collect();
        let mut summary = Summary {
            headline: grounded.headline.unwrap_or_else(|| extractive.headline.clone()),
            bullets,
            sourced: extractive.sourced,
            speculative: extractive.speculative,
            facts: extractive.facts,
            text: String::new(),
        };
        summary = safe(summary, analysis);
        self.metrics.inc(LLM_SUMMARIES, Some(if cached { "cached" } else { "llm" }));
        (summary, Outcome::Llm { cached, dropped })
    }

    /// One call for `prompt`, within the budget; the reply parsed into a proposal.
    async fn ask(&self, prompt: &BuiltPrompt) -> Result<Proposal, FallbackReason> {
        let today = Utc::now().date_naive();
        let worst_case = prompt.estimated_tokens + u64::from(self.settings.max_output_tokens);
        let reservation = self.budget.reserve(worst_case, today).await.map_err(|refused| {
            match refused {
                Refused::Exhausted { used, limit, wanted } => {
                    warn!(used, limit, wanted, "LLM token budget spent for today; not calling.")
                }
                Refused::Unknown(error) => warn!(%error, "The LLM token budget cannot be checked; not calling."),
            }
            FallbackReason::Budget
        })?;
        let completion = match self.client.complete(&prompt.chat).await {
            Ok(c) => c,
            Err(error) => {
                // A failed call is not charged: the server reports no usage for it.
                self.budget.settle(reservation, 0).await;
                let reason = FallbackReason::of(&error);
                self.metrics.inc(LLM_CALLS, Some(reason.name()));
                warn!(server = %self.settings.server(), reason = reason.name(), %error, "LLM call failed.");
                return Err(reason);
            }
        };
        let usage = completion.usage;
        self.budget.settle(reservation, usage.sent + usage.received).await;
        self.metrics.inc(LLM_CALLS, Some("ok"));
        self.metrics.add(LLM_TOKENS_SENT, None, usage.sent);
        self.metrics.add(LLM_TOKENS_RECEIVED, None, usage.received);
        if usage.estimated {
            self.metrics.add(LLM_TOKENS_ESTIMATED, Some("sent"), usage.sent);
            self.metrics.add(LLM_TOKENS_ESTIMATED, Some("received"), usage.received);
        }
        if completion.finish == Finish::Filtered {
            return Err(FallbackReason::Refused);
        }
        parse_reply(&completion.content).map_err(|error| {
            let reason =
                if completion.finish == Finish::Length { FallbackReason::Truncated } else { FallbackReason::Malformed };
            warn!(reason = reason.name(), %error, "LLM reply could not be read as a summary.");
            reason
        })
    }

    fn cache_key(&self, prompt: &BuiltPrompt) -> Key {
        Key::of(&[
            self.settings.model.as_bytes(),
            &PROMPT_VERSION.to_le_bytes(),
            &self.settings.temperature.to_bits().to_le_bytes(),
            &self.settings.max_output_tokens.to_le_bytes(),
            prompt.chat.system.as_bytes(),
            prompt.chat.user.as_bytes(),
        ])
    }

    fn fall_back(&self, extractive: Summary, analysis: &Analysis, reason: FallbackReason) -> (Summary, Outcome) {
        self.metrics.inc(LLM_FALLBACKS, Some(reason.name()));
        self.metrics.inc(LLM_SUMMARIES, Some("extractive"));
        warn!(reason = reason.name(), "LLM summary replaced by the extractive summary.");
        (safe(extractive, analysis), Outcome::Fallback(reason))
    }
}

#[async_trait]
impl SummaryService for LlmSummaries {
    async fn summarize(&self, analysis: &Analysis, previous: Option<&Summary>) -> Summary {
        self.summarize_explained(analysis, previous).await.0
    }

    async fn summarize_chat(&self, analysis: &Analysis) -> Summary {
        self.summarize_chat_explained(analysis).await.0
    }
}

/// A grounded bullet with its short ids turned into what they stand for (article URLs, message ids),
/// and speculation marked in words as the extractive summarizer marks it.
fn finished_bullet(b: Bullet, prompt: &BuiltPrompt) -> Bullet {
    let mut cites: Vec<String> = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for id in &b.cites {
        let Some(line) = prompt.lines.iter().find(|l| &l.citable.id == id) else { continue };
        for c in &line.cites {
            if !cites.contains(c) {
                cites.push(c.clone());
            }
        }
        for r in &line.reasons {
            if !reasons.contains(&r.as_str()) {
                reasons.push(r);
            }
        }
    }
    let text = if b.speculative && !b.text.to_lowercase().starts_with("unconfirmed") {
        match reasons.is_empty() {
            true => format!("Unconfirmed: {}", b.text),
            false => format!("Unconfirmed ({}): {}", reasons.join(", "), b.text),
        }
    } else {
        b.text
    };
    Bullet { text, cites, speculative: b.speculative }
}

/// The previous summary's words with the current claims, facts and rendering.
fn unchanged(previous: &Summary, extractive: Summary, analysis: &Analysis) -> Summary {
    let summary = Summary {
        headline: previous.headline.clone(),
        bullets: previous.bullets.clone(),
        sourced: extractive.sourced,
        speculative: extractive.speculative,
        facts: extractive.facts,
        text: String::new(),
    };
    safe(summary, analysis)
}

/// The layer that holds even if a renderer forgets: no headline or bullet can ping anyone.
fn safe(mut summary: Summary, analysis: &Analysis) -> Summary {
    summary.headline = defuse_mentions(&summary.headline);
    for b in &mut summary.bullets {
        b.text = defuse_mentions(&b.text);
    }
    summary.text = defuse_mentions(&markdown(&summary, analysis));
    summary
}
