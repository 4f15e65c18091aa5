//! A per-host rate: article pages come from many outlets, but a busy feed can list a dozen pages
//! of one site at once, and fetching them back to back looks like a crawler run amok. Each host
//! gets one request per interval; the clock is tokio's, so tests can pause it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

#[derive(Debug)]
pub struct HostPacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostPacer {
    pub fn new(interval: Duration) -> Self {
        HostPacer { interval, next: Mutex::new(HashMap::new()) }
    }

    /// Waits for `url`'s host's next slot and books the one after it.
    pub async fn wait(&self, url: &Url) {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            next.retain(|_, at| *at > now);
            let slot = next.get(&host).copied().unwrap_or(now).max(now);
            next.insert(host, slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced_and_other_hosts_do_not_wait() {
        let pacer = HostPacer::new(Duration::from_secs(2));
        let a = Url::parse("https://ledger.example/a").unwrap();
        let other = Url::parse("https://gazette.example/b").unwrap();
        let start = Instant::now();
        pacer.wait(&a).await;
        pacer.wait(&other).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        pacer.wait(&a).await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }
}
