//! Destinations: each turns the core's platform-neutral messages into one platform's shapes.

pub mod console;
pub mod discord;
pub mod jsonl;
pub mod slack;
pub mod webhook;
