//! Wiring feeds → core → destinations. The only layer that sees everything.

pub mod bench;
pub mod demo;
pub mod digest;
pub mod digests;
pub mod ingest;
pub mod llm_bench;
pub mod placement;
pub mod send;
pub mod watcher;
