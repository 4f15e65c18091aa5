//! Wiring feeds → core → destinations. The only layer that sees everything.

pub mod digest;
pub mod digests;
pub mod flush;
pub mod fulltext;
pub mod ingest;
pub mod placement;
pub mod poll;
pub mod routing;
pub mod send;
pub mod watcher;

#[cfg(test)]
mod testing;
