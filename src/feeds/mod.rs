//! Getting feed items off the network (or disk) and into plain Rust values.
//!
//! This module owns everything between "a feed address" and "a list of items with stable ids":
//!
//! - [`fetch`]: one HTTP(S) or file fetch with conditional GET, timeouts, a decompressed body cap,
//!   manual redirects and one request per host at a time.
//! - [`guard`]: the SSRF guard every fetched address (and every redirect hop) passes through.
//! - [`decode`]: bytes in any declared charset (or UTF-16/32 with a BOM) to UTF-8 the parser accepts.
//! - [`parse`]: RSS 0.9x/1.0/2.0, Atom and JSON Feed to [`FeedItem`]s, panic-proof and bounded.
//! - [`shape`], [`provenance`] and [`furniture`]: what kind of feed it is (aggregator, community,
//!   publisher), who published each item and who carried it, and the feed-format furniture removed
//!   from item text (rules in `config/feed_furniture.toml`).
//! - [`ids`]: canonical URLs and item ids that stay the same from one poll to the next.
//! - [`article`]: an article page's main text, fetched politely when a feed gives only a headline
//!   or an excerpt.
//! - [`retry`] and [`health`]: what the poll loop does when a feed fails, once and repeatedly.
//!
//! It is deliberately standalone: nothing here imports `crate::core`, so the pipeline decides how
//! items become articles.

pub mod article;
mod dates;
pub mod decode;
mod entities;
pub mod fetch;
pub mod furniture;
pub mod guard;
pub mod health;
mod host_lock;
pub mod ids;
pub mod parse;
pub mod presets;
mod provenance;
mod repair;
pub mod retry;
pub mod shape;
mod text;

pub use fetch::{FeedSource, FetchError, FetchOutcome, FetchSettings, Fetcher, Validators};
pub use guard::GuardError;
pub use health::{FeedHealth, HealthPolicy};
pub use ids::{ItemId, canonical_url};
pub use parse::{
    Discussion, FeedItem, ParseError, ParseLimits, ParseOptions, ParsedFeed, parse_feed, parse_feed_blocking,
    parse_feed_with,
};
pub use retry::{RetryPolicy, Retryable, retry};
pub use shape::FeedShape;
