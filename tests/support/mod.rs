//! Test doubles shared by the Discord integration tests.
pub mod fake_discord;
