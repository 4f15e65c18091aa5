//! layoffwatch watches news feeds about AI-driven layoffs, folds every outlet's coverage of one event
//! into a story, marks every claim it repeats as sourced or speculative (and says why), and posts each
//! story once to chat, with later coverage as replies in the story's thread.
//!
//! The modules, in the direction dependencies point (nothing points back up):
//! - [`core`]: pure and platform-neutral: documents, claim labels, layoff facts, relevance, stories
//!   (with typed item and story ids), summaries and the messages destinations render. No network,
//!   database or clock.
//! - [`feeds`]: fetching (conditional GET, limits, SSRF guard) and parsing feeds into items, each
//!   credited to its publisher, with feed furniture removed and community posts marked as discussion;
//!   article pages' main text, fetched politely, for items the feed gives only a stub of.
//! - [`store`]: persistence (SQLite, or PostgreSQL shared by several instances): feeds and validators,
//!   seen items, stories, the outbox, cached article-page text, and the leases instances share the work
//!   by.
//! - [`delivery`]: the trait every destination implements, and `fit` (escaping and splitting per platform).
//! - [`commands`]: the chat commands once for every platform (subscribe, unsubscribe, list, digest,
//!   help, thread summaries) and the durable inbox every command and chat event passes through.
//! - [`adapters`]: destinations (console, webhooks, Slack, Discord) and the chat bots, which parse,
//!   check platform permissions and render; they import only `core`, `delivery`, `commands`, `secret`
//!   and `metrics`.
//! - [`summaries`]: the summarizer the bot runs with (offline, or an LLM grounded by the core).
//! - [`llm`]: LLM summaries through any OpenAI-compatible server, grounded by the core.
//! - [`metrics`]: counters in the Prometheus text format.
//! - [`secret`]: the one redacting type for tokens, keys and webhook URLs (a leaf).
//! - [`fast_regex`]: keeping word-boundary patterns on the regex engine's fast automaton over news
//!   copy: the mask of typographic marks and the boundary-free pre-filter `core` and `feeds` share
//!   (a leaf).
//! - [`pipeline`]: wires feeds → core → store → destinations: the watcher's round (poll, routing,
//!   outbox flush, digests), and which items get their article page read.
//! - [`sharing`]: the store behind the Discord shard leases and the LLM's shared budget and replies,
//!   for instances sharing one database.
//! - [`config`]: settings parsed once (file, then environment), building every part's typed settings.
//! - [`app`]: the bot assembled from the settings: HTTP port, bots, summarizer, watch loop.
//! - [`tools`]: the demo and the benchmarks, built on the pipeline.
//! - [`eval`]: measuring the labeller on a labelled set.
pub mod adapters;
pub mod app;
pub mod commands;
pub mod config;
pub mod core;
pub mod delivery;
pub mod eval;
pub mod fast_regex;
pub mod feeds;
pub mod llm;
pub mod metrics;
pub mod pipeline;
pub mod secret;
pub mod sharing;
pub mod store;
pub mod summaries;
pub mod tools;
