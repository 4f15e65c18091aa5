//! layoffwatch: watches AI-layoff news, folds coverage into stories and marks every claim sourced or
//! speculative.
pub mod adapters;
pub mod core;
pub mod delivery;
pub mod eval;
pub mod feeds;
pub mod pipeline;
