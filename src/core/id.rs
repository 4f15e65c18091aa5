//! The ids the core hands around: a feed item's and a story's. Both are text underneath, and the store,
//! the outbox keys and the JSON outputs write them as that same text; as types they cannot be mixed
//! up with each other, with a URL or with a destination. The text sits behind an `Arc`, because the
//! story book keeps an id in every index it has and a clone should not copy the text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

/// A feed item's id, stable across polls of its feed. The feed layer derives it (the item's own
/// guid, else its canonical link, else a hash of its text) as a type of its own, since feeds import
/// nothing of the core; the pipeline makes it this one where feed items become news items.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(Arc<str>);

/// A story's id. It is made once, from the item that started the story (see
/// [`StoryId::started_by`]), and never changes as the story grows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoryId(Arc<str>);

impl StoryId {
    /// The id of the story an item starts. Derived from the item rather than counted, so the same
    /// items make the same ids in every run, and a restarted bot replaying what it stored finds the
    /// stories under the ids it announced them by.
    pub fn started_by(item: &ItemId) -> Self {
        Self::from(format!("s-{:012x}", xxh3_64(item.as_str().as_bytes()) >> 16))
    }
}

/// What both ids share: built from text (the store's, a test's), read back as text.
macro_rules! text_id {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(Arc::from(id))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Arc::from(id))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                *self.0 == **other
            }
        }
    };
}

text_id!(ItemId);
text_id!(StoryId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_their_bare_text() {
        let item = ItemId::from("https://wire.example/a1");
        assert_eq!(serde_json::to_string(&item).unwrap(), r#""https://wire.example/a1""#);
        let story: StoryId = serde_json::from_str(r#""s-0123456789ab""#).unwrap();
        assert_eq!(story.to_string(), "s-0123456789ab");
    }

    #[test]
    fn a_story_id_depends_only_on_the_item_that_started_it() {
        let first = StoryId::started_by(&ItemId::from("corvana-first"));
        assert_eq!(first, StoryId::started_by(&ItemId::from("corvana-first")));
        assert_ne!(first, StoryId::started_by(&ItemId::from("corvana-daily")));
        assert!(first.as_str().starts_with("s-") && first.as_str().len() == 14, "{first}");
    }
}
