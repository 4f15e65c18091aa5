//! Who a delivery is for, as one type: an operator's fixed output or a channel of a chat platform.
//! The outbox and the story payloads store it as text (`console`, `jsonl:out.jsonl`, `slack:C123`),
//! the same text as before it was a type, so existing databases read back unchanged; that text is
//! parsed once, where the store hands it back, and never split again.

use std::fmt;

/// The one fixed output whose name holds a colon (`jsonl:PATH`); every other `a:b` is a channel.
const JSON_LINES_PREFIX: &str = "jsonl:";

/// A chat channel's id as its platform spells it (`C0123ABC`, `1100000000000000001`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelId(String);

impl ChannelId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A destination's stable identity: what idempotency keys, the outbox and "who was told of this
/// story" name it by. Its `Display` is the stored form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DestinationId {
    /// One of the operator's fixed outputs, by name (`console`, `slack-webhook`, `jsonl:out.jsonl`).
    Output(String),
    /// A channel of a chat platform (`slack` or `discord`, the platform column of subscriptions).
    Channel { platform: String, channel: ChannelId },
}

/// A stored destination name that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationIdError {
    #[error("the destination name is empty; the row was written by something other than layoffwatch")]
    Empty,
    #[error("{0:?} is not a destination: expected an output name or \"platform:channel\" with both parts")]
    Malformed(String),
}

impl DestinationId {
    pub fn output(name: impl Into<String>) -> Self {
        Self::Output(name.into())
    }

    pub fn channel(platform: impl Into<String>, channel: impl Into<String>) -> Self {
        Self::Channel { platform: platform.into(), channel: ChannelId::new(channel) }
    }

    /// Reads a stored name back: `platform:channel` is a channel, anything else (including
    /// `jsonl:PATH`) a fixed output.
    pub fn parse(stored: &str) -> Result<Self, DestinationIdError> {
        if stored.is_empty() {
            return Err(DestinationIdError::Empty);
        }
        if stored.starts_with(JSON_LINES_PREFIX) {
            return Ok(Self::output(stored));
        }
        match stored.split_once(':') {
            None => Ok(Self::output(stored)),
            Some((platform, channel)) if !platform.is_empty() && !channel.is_empty() => {
                Ok(Self::channel(platform, channel))
            }
            Some(_) => Err(DestinationIdError::Malformed(stored.to_string())),
        }
    }
}

impl fmt::Display for DestinationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Output(name) => f.write_str(name),
            Self::Channel { platform, channel } => write!(f, "{platform}:{channel}"),
        }
    }
}

impl std::str::FromStr for DestinationId {
    type Err = DestinationIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Stored as its text, so story payloads written before the type existed read back.
impl serde::Serialize for DestinationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DestinationId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_reads_back_as_what_wrote_it() {
        for stored in ["console", "slack-webhook", "discord-webhook", "jsonl:-", "jsonl:out/posts.jsonl", "slack:C1"] {
            assert_eq!(DestinationId::parse(stored).unwrap().to_string(), stored);
        }
    }

    #[test]
    fn a_platform_and_channel_name_is_a_channel_and_a_json_lines_path_is_not() {
        assert_eq!(DestinationId::parse("discord:1100").unwrap(), DestinationId::channel("discord", "1100"));
        assert_eq!(DestinationId::parse("jsonl:a:b").unwrap(), DestinationId::output("jsonl:a:b"));
    }

    #[test]
    fn a_name_missing_its_platform_or_channel_is_refused() {
        assert_eq!(DestinationId::parse(""), Err(DestinationIdError::Empty));
        assert!(matches!(DestinationId::parse("slack:"), Err(DestinationIdError::Malformed(_))));
        assert!(matches!(DestinationId::parse(":C1"), Err(DestinationIdError::Malformed(_))));
    }

    #[test]
    fn a_set_of_ids_serializes_as_the_stored_names() {
        let ids =
            std::collections::BTreeSet::from([DestinationId::channel("slack", "C1"), DestinationId::output("console")]);
        let json = serde_json::to_string(&ids).unwrap();
        assert_eq!(json, r#"["console","slack:C1"]"#);
        assert_eq!(serde_json::from_str::<std::collections::BTreeSet<DestinationId>>(&json).unwrap(), ids);
    }
}
