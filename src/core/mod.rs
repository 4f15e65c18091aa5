//! The platform-neutral heart of layoffwatch: pure functions from text to decisions. Nothing here
//! touches the network, a database, a clock or a chat platform.
//!
//! - [`model`]: the documents the core reads (articles, threads); [`id`]: the typed ids of feed items
//!   and stories.
//! - [`text`], [`hygiene`] and [`segment`]: HTML to text, page furniture out, text to claim-sized
//!   segments.
//! - [`lexicon`]: the cue words, outlets and companies, loaded from `config/`.
//! - [`claims`]: the labeller (sourced or speculative, with reasons and sources).
//! - [`credit`]: which outlet an item is credited to (never a feed's title).
//! - [`companies`] and [`facts`]: who is cutting, how many, when, and whether AI was the stated reason.
//! - [`relevance`], [`simhash`] and [`story`]: which items are on topic, which are duplicates, and
//!   which belong to the same real-world event.
//! - [`message`] and [`glance`]: the messages destinations are sent, and the at-a-glance post every
//!   platform draws from one; [`recap`]: a chat thread's summary, shorter than the thread.
//! - [`summarize`]: the `Summarizer` trait and the offline extractive summarizer.

pub mod analyze;
pub mod claims;
pub mod companies;
pub mod credit;
pub mod facts;
pub mod glance;
pub mod hygiene;
pub mod id;
pub mod injection;
pub mod lexicon;
pub mod message;
pub mod model;
pub mod recap;
pub mod relevance;
pub mod segment;
pub mod simhash;
pub mod story;
pub mod summarize;
pub mod text;
