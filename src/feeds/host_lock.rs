//! One request per host at a time.
//!
//! Many feeds often live on one host (one outlet, many sections). Polling them all at once looks like
//! a burst to the publisher and gets us rate-limited, so fetches to the same host and port queue on an
//! async mutex. Entries for hosts nobody is waiting on are dropped, so the map stays as small as the
//! set of hosts being fetched right now.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use url::Url;

#[derive(Debug, Default)]
pub(crate) struct HostLocks {
    locks: Mutex<HashMap<String, Arc<AsyncMutex<()>>>>,
}

impl HostLocks {
    /// Waits until no other fetch holds `url`'s host, then holds it until the guard is dropped.
    pub(crate) async fn acquire(&self, url: &Url) -> OwnedMutexGuard<()> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        );
        let lock = {
            // A poisoned map only means another thread panicked while inserting; its data is fine.
            let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
            // Drop locks only the map refers to: no one holds or waits on them.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            Arc::clone(locks.entry(key).or_default())
        };
        lock.lock_owned().await
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_second_fetch_to_the_same_host_waits_for_the_first() {
        let locks = Arc::new(HostLocks::default());
        let a = Url::parse("https://news.example/a").unwrap();
        let b = Url::parse("https://news.example/b").unwrap();
        let other = Url::parse("https://other.example/").unwrap();

        let first = locks.acquire(&a).await;
        let waiting = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.acquire(&b).await })
        };
        // A different host is not blocked.
        let _other = locks.acquire(&other).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiting.is_finished());
        drop(first);
        let second = waiting.await.unwrap();
        drop(second);
    }

    #[tokio::test]
    async fn locks_nobody_uses_are_forgotten() {
        let locks = HostLocks::default();
        for i in 0..10 {
            let url = Url::parse(&format!("https://h{i}.example/")).unwrap();
            drop(locks.acquire(&url).await);
        }
        assert!(locks.len() <= 1);
    }
}
