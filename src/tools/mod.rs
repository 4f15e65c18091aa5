//! Offline tools built on the pipeline, for the command line and for measuring it: the demo (the
//! bundled sample feeds through the whole pipeline to a destination), the throughput bench, the
//! LLM token bench, the scale bench of the shared PostgreSQL store, and the preview of what the bot
//! would post. Nothing the running bot needs lives here.

pub mod bench;
pub mod corpus;
pub mod demo;
pub mod llm_bench;
pub mod preview;
pub mod scale_bench;
