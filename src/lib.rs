//! layoffwatch: watches AI-layoff news, folds coverage into stories and marks every claim sourced or
//! speculative.
pub mod core;
pub mod eval;
pub mod feeds;
pub mod store;
