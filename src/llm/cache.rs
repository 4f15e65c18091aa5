//! Replies cached by the hash of everything that determines them (model, settings, instructions and
//! data), so the same story summarized twice — an edit re-sent after a restart of the outbox, two
//! channels, the same thread asked about twice — costs one call. What is cached is the reply as
//! parsed, before grounding: grounding runs again on every use and is cheap. Bounded, oldest out
//! first.

use crate::core::summarize::grounding::Proposal;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use xxhash_rust::xxh3::Xxh3;

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
}

pub struct ReplyCache {
    capacity: usize,
    inner: Mutex<(HashMap<Key, Proposal>, VecDeque<Key>)>,
}

impl ReplyCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), inner: Mutex::new((HashMap::new(), VecDeque::new())) }
    }

    pub fn get(&self, key: Key) -> Option<Proposal> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0.get(&key).cloned()
    }

    pub fn put(&self, key: Key, proposal: Proposal) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *inner;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(h: &str) -> Proposal {
        Proposal { headline: h.into(), bullets: Vec::new() }
    }

    #[test]
    fn the_oldest_reply_leaves_first() {
        let cache = ReplyCache::new(2);
        let keys: Vec<Key> = ["a", "b", "c"].iter().map(|k| Key::of(&[k.as_bytes()])).collect();
        for (k, h) in keys.iter().zip(["a", "b", "c"]) {
            cache.put(*k, proposal(h));
        }
        assert_eq!(cache.get(keys[0]), None);
        assert_eq!(cache.get(keys[2]).unwrap().headline, "c");
    }

    #[test]
    fn parts_are_hashed_with_their_lengths() {
        assert_ne!(Key::of(&[b"ab", b"c"]), Key::of(&[b"a", b"bc"]));
    }
}
