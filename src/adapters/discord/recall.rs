//! What the bot has already posted in a channel or thread, found by content rather than by nonce.
//!
//! Discord honours a message nonce for a few minutes only, so a delivery retried after a longer outage
//! (or a restart that came later than that) would be posted again. Before the first post into a place
//! after a start, or after a call whose outcome is unknown, the bot reads the place's newest messages
//! once and remembers a hash of each of its own messages' text (content, embed titles, descriptions,
//! fields and footers: what Discord returns as it was sent). A piece that this process has not posted
//! and whose hash is found there claims that message instead of being posted again; each message found
//! is claimed once, so two deliveries that happen to read alike are still both posted. What the
//! process posts itself it remembers by delivery key, so the read-back costs one call per place per
//! start.

use super::settings::Snowflake;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use xxhash_rust::xxh3::xxh3_64;

/// How many of a place's newest messages the read-back looks at (Discord's page maximum): a retried
/// delivery is minutes or hours old, never a hundred messages back.
pub const READ_BACK: usize = 100;

/// The bot's memory of its own messages, per place.
#[derive(Debug, Default)]
pub struct Recall {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    scanned: HashSet<Snowflake>,
    /// (place, content hash) → ids of the bot's messages read back there and not yet claimed.
    found: HashMap<(Snowflake, u64), Vec<String>>,
    /// (delivery key, piece) → the message that carries it.
    posted: HashMap<(String, usize), String>,
    /// Deliveries an earlier attempt may have posted unrecorded (another instance's, say): each place
    /// they go is read back again before they are posted, until they are.
    unsure: HashSet<String>,
}

impl Recall {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_scanned(&self, place: Snowflake) -> bool {
        self.lock().scanned.contains(&place)
    }

    /// Records a read-back of `place`: `messages` as Discord returned them, `me` the bot's user id.
    pub fn scanned(&self, place: Snowflake, messages: &[Value], me: Snowflake) {
        let mut inner = self.lock();
        let claimed: HashSet<String> = inner.posted.values().cloned().collect();
        let me = me.to_string();
        for m in messages {
            let Some(id) = m["id"].as_str().filter(|id| !claimed.contains(*id)) else { continue };
            if m["author"]["id"].as_str() == Some(me.as_str()) {
                inner.found.entry((place, content_hash(m))).or_default().push(id.to_string());
            }
        }
        inner.scanned.insert(place);
    }

    /// A place that holds only what this process posts into it (a thread it just started).
    pub fn fresh(&self, place: Snowflake) {
        self.lock().scanned.insert(place);
    }

    /// The outcome of a post into `place` is unknown: read it back before the next one.
    pub fn forget(&self, place: Snowflake) {
        let mut inner = self.lock();
        inner.scanned.remove(&place);
        inner.found.retain(|(p, _), _| *p != place);
    }

    /// The message already carrying piece `piece` of delivery `key` in `place`, whose body is `body`:
    /// one this process posted, or one read back with the same text and not claimed yet.
    pub fn find(&self, place: Snowflake, key: &str, piece: usize, body: &Value) -> Option<String> {
        let mut inner = self.lock();
        if let Some(id) = inner.posted.get(&(key.to_string(), piece)) {
            return Some(id.clone());
        }
        let found = inner.found.get_mut(&(place, content_hash(body)))?;
        let id = found.pop()?;
        inner.posted.insert((key.to_string(), piece), id.clone());
        Some(id)
    }

    /// An earlier attempt at `key` may have posted it without this process knowing.
    pub fn unsure(&self, key: &str) {
        self.lock().unsure.insert(key.to_string());
    }

    pub fn is_unsure(&self, key: &str) -> bool {
        self.lock().unsure.contains(key)
    }

    /// `key` is posted (or found) in full: its places need no second look.
    pub fn settled(&self, key: &str) {
        self.lock().unsure.remove(key);
    }

    pub fn remember(&self, key: &str, piece: usize, id: &str) {
        self.lock().posted.insert((key.to_string(), piece), id.to_string());
    }
}

/// A hash of a message's text as sent and as fetched back: the content and, per embed, its title,
/// description, field names and values, and footer. Colours, timestamps and URLs are left out, since
/// Discord may normalise them.
pub fn content_hash(message: &Value) -> u64 {
    let text = |v: &Value| v.as_str().unwrap_or_default().trim().to_string();
    let embeds: Vec<Value> = message["embeds"]
        .as_array()
        .map(|embeds| {
            embeds
                .iter()
                .map(|e| {
                    let fields: Vec<Value> = e["fields"]
                        .as_array()
                        .map(|fs| fs.iter().map(|f| json!([text(&f["name"]), text(&f["value"])])).collect())
                        .unwrap_or_default();
                    json!([text(&e["title"]), text(&e["description"]), fields, text(&e["footer"]["text"])])
                })
                .collect()
        })
        .unwrap_or_default();
    xxh3_64(json!([text(&message["content"]), embeds]).to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_fetched_back_hashes_like_the_body_that_was_sent() {
        let sent = json!({"embeds": [{"title": "Initech to cut 1,200 jobs", "description": "Initech said so.",
            "color": 1, "fields": [{"name": "Sourced", "value": "✅ a claim", "inline": false}],
            "footer": {"text": "layoffwatch · story abc"}}], "allowed_mentions": {"parse": []}, "nonce": "x"});
        let fetched = json!({"id": "5", "content": "", "author": {"id": "9"}, "embeds": [{"type": "rich",
            "title": "Initech to cut 1,200 jobs", "description": "Initech said so.", "color": 1,
            "fields": [{"name": "Sourced", "value": "✅ a claim", "inline": false}],
            "footer": {"text": "layoffwatch · story abc"}}]});
        assert_eq!(content_hash(&sent), content_hash(&fetched));
        let other = json!({"embeds": [{"title": "Initech to cut 1,800 jobs"}]});
        assert_ne!(content_hash(&sent), content_hash(&other));
    }

    #[test]
    fn only_the_bots_own_messages_are_found_and_each_is_claimed_once() {
        let recall = Recall::default();
        let place = Snowflake(7);
        let theirs = json!({"id": "1", "author": {"id": "3"}, "content": "same words"});
        let ours = json!({"id": "2", "author": {"id": "9"}, "content": "our words"});
        recall.scanned(place, &[theirs, ours], Snowflake(9));
        assert!(recall.is_scanned(place));
        assert_eq!(recall.find(place, "k1", 0, &json!({"content": "same words"})), None);
        assert_eq!(recall.find(place, "k2", 0, &json!({"content": "our words"})).as_deref(), Some("2"));
        assert_eq!(recall.find(place, "k2", 0, &json!({"content": "our words"})).as_deref(), Some("2"), "by key now");
        assert_eq!(recall.find(place, "k3", 0, &json!({"content": "our words"})), None, "claimed by k2 already");
    }
}
