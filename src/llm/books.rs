//! Where the LLM's day count and its cached replies are kept: [`Books`]. The bot keeps them in its
//! database (the integrator bridges [`Books`] to the store), so every instance sharing the database
//! spends one daily budget and reuses a reply another paid for, and a restart forgets neither. A
//! one-off command keeps them in memory ([`InMemory`]). The LLM modules never see the store.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// The records could not be read or written (the database is down, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the LLM's token count and replies could not be reached: {0}")]
pub struct BooksError(pub String);

/// What a reservation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// Counted.
    Granted,
    /// Not counted: `used` tokens are spent today and the request would pass the limit.
    Exhausted { used: u64 },
}

/// The day's token count and the replies cached by request hash.
#[async_trait]
pub trait Books: Send + Sync {
    /// Adds `tokens` to `day`'s count unless that would pass `limit`, in one atomic step.
    async fn reserve(&self, day: NaiveDate, tokens: u64, limit: u64) -> Result<Reserved, BooksError>;

    /// Replaces a reservation of `reserved` tokens with the `used` tokens the call cost.
    async fn settle(&self, day: NaiveDate, reserved: u64, used: u64) -> Result<(), BooksError>;

    /// Tokens counted on `day`.
    async fn used(&self, day: NaiveDate) -> Result<u64, BooksError>;

    /// The reply kept under `key`, unless it expired by `now`.
    async fn reply(&self, key: &str, now: DateTime<Utc>) -> Result<Option<serde_json::Value>, BooksError>;

    /// Keeps `reply` under `key` until `expires_at`.
    async fn keep_reply(
        &self,
        key: &str,
        reply: &serde_json::Value,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), BooksError>;
}

/// Replies an [`InMemory`] book keeps; the oldest leave first.
const IN_MEMORY_REPLIES: usize = 1024;

/// Replies by key with their expiry, and the keys oldest first.
type Replies = (HashMap<String, (serde_json::Value, DateTime<Utc>)>, VecDeque<String>);

/// Books in this process's memory: for a one-off command, and for tests.
#[derive(Debug, Default)]
pub struct InMemory {
    usage: Mutex<Option<(NaiveDate, u64)>>,
    replies: Mutex<Replies>,
}

impl InMemory {
    fn day_count(&self, day: NaiveDate) -> std::sync::MutexGuard<'_, Option<(NaiveDate, u64)>> {
        let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        if usage.is_none_or(|(d, _)| d != day) {
            *usage = Some((day, 0));
        }
        usage
    }
}

#[async_trait]
impl Books for InMemory {
    async fn reserve(&self, day: NaiveDate, tokens: u64, limit: u64) -> Result<Reserved, BooksError> {
        let mut usage = self.day_count(day);
        let Some((_, used)) = usage.as_mut() else { unreachable!("day_count sets the day") };
        if used.saturating_add(tokens) > limit {
            return Ok(Reserved::Exhausted { used: *used });
        }
        *used += tokens;
        Ok(Reserved::Granted)
    }

    async fn settle(&self, day: NaiveDate, reserved: u64, used: u64) -> Result<(), BooksError> {
        let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((d, count)) = usage.as_mut()
            && *d == day
        {
            *count = count.saturating_sub(reserved).saturating_add(used);
        }
        Ok(())
    }

    async fn used(&self, day: NaiveDate) -> Result<u64, BooksError> {
        let usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        Ok(usage.filter(|(d, _)| *d == day).map_or(0, |(_, used)| used))
    }

    async fn reply(&self, key: &str, now: DateTime<Utc>) -> Result<Option<serde_json::Value>, BooksError> {
        let replies = self.replies.lock().unwrap_or_else(|e| e.into_inner());
        Ok(replies.0.get(key).filter(|(_, expires)| *expires > now).map(|(reply, _)| reply.clone()))
    }

    async fn keep_reply(
        &self,
        key: &str,
        reply: &serde_json::Value,
        _now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), BooksError> {
        let mut replies = self.replies.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *replies;
        if map.insert(key.to_owned(), (reply.clone(), expires_at)).is_none() {
            order.push_back(key.to_owned());
        }
        while order.len() > IN_MEMORY_REPLIES {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
    }

    #[tokio::test]
    async fn an_in_memory_book_refuses_past_the_limit_and_renews_each_day() {
        let books = InMemory::default();
        assert_eq!(books.reserve(day(1), 800, 1_000).await.unwrap(), Reserved::Granted);
        assert_eq!(books.reserve(day(1), 300, 1_000).await.unwrap(), Reserved::Exhausted { used: 800 });
        books.settle(day(1), 800, 500).await.unwrap();
        assert_eq!(books.used(day(1)).await.unwrap(), 500);
        assert_eq!(books.reserve(day(2), 1_000, 1_000).await.unwrap(), Reserved::Granted);
        assert_eq!(books.used(day(1)).await.unwrap(), 0, "only today is kept in memory");
    }

    #[tokio::test]
    async fn an_in_memory_reply_expires() {
        let books = InMemory::default();
        let now = Utc::now();
        books.keep_reply("k", &serde_json::json!({"h": "x"}), now, now + chrono::Duration::hours(1)).await.unwrap();
        assert!(books.reply("k", now).await.unwrap().is_some());
        assert!(books.reply("k", now + chrono::Duration::hours(1)).await.unwrap().is_none());
    }
}
