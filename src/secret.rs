//! The one type for every secret the bot holds: chat tokens, the LLM key, the signing secret, webhook
//! URLs (their path is the credential) and Discord interaction tokens. A leaf: it imports nothing of
//! ours, so configuration, adapters and the LLM client can all share it without pointing at each other.
//!
//! `Debug` and `Display` never show the value, so a settings dump, an error message or a log field
//! cannot leak it by accident; the value comes out only through [`Secret::expose`], at the one place
//! that sends it.

use std::fmt;

/// A value that must never reach a log, an error or the database.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the request that must carry it. Never format the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_debug_nor_display_shows_the_value() {
        let secret = Secret::new("xoxb-very-secret");
        assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        assert_eq!(secret.to_string(), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(redacted))");
    }

    #[test]
    fn the_value_comes_out_only_when_exposed() {
        assert_eq!(Secret::new("sk-1").expose(), "sk-1");
    }
}
