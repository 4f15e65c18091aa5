//! What the watcher's unit tests share: a destination that records what it is sent (and can be told
//! to fail), a chat platform of such destinations, feed files written to a temporary folder, and a
//! watcher over an in-memory store. Feeds are files, so the tests never open a socket.

use super::watcher::{WatchRules, Watcher};
use crate::core::message::{DigestPost, StoryPost, StoryUpdate};
use crate::core::story::StoryRules;
use crate::delivery::{Capabilities, DeliveryError, Destination, DestinationId, Platform, PostRef};
use crate::feeds::{FeedSource, FetchSettings, Fetcher};
use crate::store::SqliteStore;
use crate::summaries::Offline;
use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

/// How a [`Recorder`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Ok,
    RateLimited,
    Transient,
    Rejected,
}

/// A destination that keeps what it was sent: (kind, key, headline).
pub struct Recorder {
    pub name: String,
    pub sent: Mutex<Vec<(&'static str, String, String)>>,
    pub attempts: Mutex<usize>,
    /// The key of the last delivery tried, whatever the answer.
    pub last_key: Mutex<Option<String>>,
    pub answer: Mutex<Answer>,
    /// Keys the outbox said may be posted already, in order.
    pub unsure: Mutex<Vec<String>>,
}

impl Recorder {
    pub fn new(name: &str) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            sent: Mutex::default(),
            attempts: Mutex::default(),
            last_key: Mutex::default(),
            answer: Mutex::new(Answer::Ok),
            unsure: Mutex::default(),
        })
    }

    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        self.sent.lock().unwrap().iter().map(|s| s.0).collect()
    }

    pub fn headlines(&self) -> Vec<String> {
        self.sent.lock().unwrap().iter().map(|s| s.2.clone()).collect()
    }

    pub fn attempts(&self) -> usize {
        *self.attempts.lock().unwrap()
    }

    fn take(&self, kind: &'static str, key: &str, headline: &str) -> Result<PostRef, DeliveryError> {
        *self.attempts.lock().unwrap() += 1;
        *self.last_key.lock().unwrap() = Some(key.to_string());
        let destination = self.name.clone();
        match *self.answer.lock().unwrap() {
            Answer::Ok => {
                let mut sent = self.sent.lock().unwrap();
                sent.push((kind, key.to_string(), headline.to_string()));
                Ok(PostRef(format!("{}-{}", self.name, sent.len())))
            }
            Answer::RateLimited => {
                Err(DeliveryError::RateLimited { destination, retry_after: std::time::Duration::from_secs(30) })
            }
            Answer::Transient => Err(DeliveryError::Transient { destination, message: "connection reset".into() }),
            Answer::Rejected => Err(DeliveryError::Rejected { destination, message: "channel_not_found".into() }),
        }
    }
}

#[async_trait]
impl Destination for Recorder {
    fn name(&self) -> DestinationId {
        DestinationId::parse(&self.name).expect("a test destination's name is a destination id")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    fn may_be_posted(&self, key: &str) {
        self.unsure.lock().unwrap().push(key.to_string());
    }

    async fn post_story(&self, key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.take("post", key, &post.headline)
    }

    async fn post_update(&self, key: &str, _: Option<&PostRef>, u: &StoryUpdate) -> Result<PostRef, DeliveryError> {
        self.take("update", key, &u.title)
    }

    async fn edit_story(&self, key: &str, _: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.take("edit", key, &post.headline).map(|_| ())
    }

    async fn post_digest(&self, key: &str, digest: &DigestPost) -> Result<PostRef, DeliveryError> {
        let headlines: Vec<&str> = digest.stories.iter().map(|s| s.headline.as_str()).collect();
        self.take("digest", key, &headlines.join(" | "))
    }
}

/// A chat platform named `chat` whose channels are recorders, kept so a test can look at them.
#[derive(Default)]
pub struct Chat {
    pub channels: Mutex<HashMap<String, Arc<Recorder>>>,
}

impl Chat {
    pub fn channel_sent(&self, channel: &str) -> Vec<&'static str> {
        self.channels.lock().unwrap().get(channel).map(|r| r.kinds()).unwrap_or_default()
    }
}

impl Platform for Chat {
    fn platform(&self) -> &'static str {
        "chat"
    }

    fn channel(&self, channel: &str) -> Arc<dyn Destination> {
        self.channels
            .lock()
            .unwrap()
            .entry(channel.to_string())
            .or_insert_with(|| Recorder::new(&format!("chat:{channel}")))
            .clone()
    }
}

/// A fixed moment the tests run at.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 12, 0, 0).unwrap()
}

/// An RSS item of an invented company's AI layoffs; `n` varies the guid, wording and figure, so
/// items with different `n` and `company` are not near-duplicates.
pub fn item(guid: &str, company: &str, jobs: u32, published: DateTime<Utc>) -> String {
    format!(
        "<item><guid>{guid}</guid><link>https://wire.example/{guid}</link><title>{company} to cut {jobs} jobs as AI agents take over support</title><pubDate>{}</pubDate><description>{company} will cut {jobs} support jobs after moving most customer tickets to AI agents, the company said in a statement.</description></item>",
        published.to_rfc2822()
    )
}

/// Writes an RSS feed file with these items and returns it as a feed source. Each write gets a later
/// modification time: a file feed's mtime is its `Last-Modified`, and two writes in one second would
/// otherwise read as "not modified".
pub fn feed(dir: &Path, name: &str, items: &[String]) -> FeedSource {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example Wire</title>{}</channel></rss>",
            items.concat()
        ),
    )
    .unwrap();
    let modified = UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000 + WRITES.fetch_add(1, Ordering::SeqCst));
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
    FeedSource::File(path)
}

pub fn rules(post_backlog: bool) -> WatchRules {
    WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 3,
        base_backoff: Duration::seconds(60),
        post_backlog,
        keep_text: Duration::days(30),
    }
}

/// A watcher over a fresh in-memory store, posting to `outputs` and the `chat` platform.
pub async fn watcher(
    outputs: Vec<Arc<dyn Destination>>,
    chat: Option<Arc<Chat>>,
    post_backlog: bool,
) -> (Watcher<SqliteStore>, SqliteStore) {
    let store = SqliteStore::open_in_memory().await.unwrap();
    let fetcher = Fetcher::new(FetchSettings::default()).unwrap();
    let mut w = Watcher::new(store.clone(), fetcher, outputs, Arc::new(Offline), rules(post_backlog));
    if let Some(chat) = chat {
        w = w.with_platforms(vec![chat]);
    }
    (w, store)
}
