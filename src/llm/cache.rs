//! Replies cached by the hash of everything that determines them (model, settings, instructions and
//! data), so the same story summarized twice — an edit re-sent after a restart of the outbox, two
//! channels, two instances, the same thread asked about twice — costs one call. What is cached is
//! the reply as parsed, before grounding: grounding runs again on every use and is cheap.
//!
//! Two places, by what the reply was made from:
//! - a story's reply is kept in the [`Books`] too (the bot's database, for a week), so another
//!   instance or a restart reuses it; it says what the outlets reported, which the bot posts anyway;
//! - a chat thread's reply stays in this process's memory only, because it is made from chat
//!   message text, which is never written down.
//!
//! The memory part is bounded, oldest out first.

use super::books::Books;
use crate::core::summarize::grounding::{Proposal, ProposedBullet};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::Xxh3;

/// How long a story's reply is kept in the books: longer than a story stays news.
const SHARED_FOR: chrono::Duration = chrono::Duration::days(7);

/// The content hash a reply is cached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(u128);

impl Key {
    pub fn of(parts: &[&[u8]]) -> Self {
        let mut h = Xxh3::new();
        for p in parts {
            // Lengths keep ("ab", "c") and ("a", "bc") apart.
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p);
        }
        Key(h.digest128())
    }

    /// The key as the books store it.
    fn text(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// What a reply was made from, which decides where it may be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Outlets' articles: kept in the books, shared.
    Story,
    /// Chat messages: kept in memory only.
    Chat,
}

pub struct ReplyCache {
    capacity: usize,
    memory: Mutex<(HashMap<Key, Proposal>, VecDeque<Key>)>,
    books: Arc<dyn Books>,
}

impl ReplyCache {
    pub fn new(capacity: usize, books: Arc<dyn Books>) -> Self {
        Self { capacity: capacity.max(1), memory: Mutex::new((HashMap::new(), VecDeque::new())), books }
    }

    /// The reply cached for `key`: from memory, or for a story from the books. A books error is a
    /// miss (logged): the call is made again.
    pub async fn get(&self, key: Key, origin: Origin) -> Option<Proposal> {
        if let Some(found) = self.memory.lock().unwrap_or_else(|e| e.into_inner()).0.get(&key).cloned() {
            return Some(found);
        }
        if origin == Origin::Chat {
            return None;
        }
        match self.books.reply(&key.text(), Utc::now()).await {
            Ok(Some(reply)) => {
                let proposal = from_json(&reply)?;
                self.remember(key, proposal.clone());
                Some(proposal)
            }
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, "Could not read the shared LLM reply cache; asking the model again.");
                None
            }
        }
    }

    pub async fn put(&self, key: Key, proposal: Proposal, origin: Origin) {
        if origin == Origin::Story {
            let now: DateTime<Utc> = Utc::now();
            if let Err(error) = self.books.keep_reply(&key.text(), &to_json(&proposal), now, now + SHARED_FOR).await {
                tracing::warn!(%error, "Could not keep an LLM reply in the shared cache; other instances will ask again.");
            }
        }
        self.remember(key, proposal);
    }

    fn remember(&self, key: Key, proposal: Proposal) {
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *memory;
        if map.insert(key, proposal).is_none() {
            order.push_back(key);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

fn to_json(proposal: &Proposal) -> Value {
    json!({
        "headline": proposal.headline,
        "bullets": proposal.bullets.iter().map(|b| json!({"text": b.text, "cites": b.cites})).collect::<Vec<_>>(),
    })
}

/// A kept reply read back; anything unreadable is a miss, never trusted (grounding runs anyway).
fn from_json(value: &Value) -> Option<Proposal> {
    let bullets = value["bullets"]
        .as_array()?
        .iter()
        .map(|b| {
            Some(ProposedBullet {
                text: b["text"].as_str()?.to_owned(),
                cites: b["cites"].as_array()?.iter().map(|c| c.as_str().map(str::to_owned)).collect::<Option<_>>()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Proposal { headline: value["headline"].as_str()?.to_owned(), bullets })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::books::InMemory;

    fn proposal(h: &str) -> Proposal {
        Proposal {
            headline: h.into(),
            bullets: vec![ProposedBullet { text: format!("{h} said"), cites: vec!["c1".into()] }],
        }
    }

    #[tokio::test]
    async fn the_oldest_reply_leaves_memory_first() {
        let cache = ReplyCache::new(2, Arc::new(InMemory::default()));
        let keys: Vec<Key> = ["a", "b", "c"].iter().map(|k| Key::of(&[k.as_bytes()])).collect();
        for (k, h) in keys.iter().zip(["a", "b", "c"]) {
            cache.put(*k, proposal(h), Origin::Chat).await;
        }
        assert_eq!(cache.get(keys[0], Origin::Chat).await, None);
        assert_eq!(cache.get(keys[2], Origin::Chat).await.unwrap().headline, "c");
    }

    #[tokio::test]
    async fn a_story_reply_is_shared_through_the_books_and_a_chat_reply_is_not() {
        let books: Arc<dyn Books> = Arc::new(InMemory::default());
        let one = ReplyCache::new(8, books.clone());
        let two = ReplyCache::new(8, books);
        let (story, chat) = (Key::of(&[b"story"]), Key::of(&[b"chat"]));
        one.put(story, proposal("Initech"), Origin::Story).await;
        one.put(chat, proposal("Globex"), Origin::Chat).await;
        assert_eq!(two.get(story, Origin::Story).await, Some(proposal("Initech")));
        assert_eq!(two.get(chat, Origin::Chat).await, None);
        assert_eq!(two.get(chat, Origin::Story).await, None, "a chat reply never reached the books");
    }

    #[test]
    fn parts_are_hashed_with_their_lengths() {
        assert_ne!(Key::of(&[b"ab", b"c"]), Key::of(&[b"a", b"bc"]));
    }

    #[test]
    fn a_reply_reads_back_as_it_was_kept() {
        let p = proposal("Initech");
        assert_eq!(from_json(&to_json(&p)), Some(p));
        assert_eq!(from_json(&json!({"headline": 5})), None);
    }
}
