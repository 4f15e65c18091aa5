//! The JSON-lines destination: one line per delivery, with its idempotency key, for other tools to
//! consume. Writing to a file, it reads the keys already written when it opens, so a delivery replayed
//! after a crash (sent, but not yet marked sent) is recognised and not written twice.

use crate::core::message::{Outbound, StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use async_trait::async_trait;
use serde_json::json;
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

enum Sink {
    Stdout,
    File(File),
}

pub struct JsonLines {
    sink: Mutex<(Sink, HashSet<String>)>,
    name: String,
}

impl JsonLines {
    pub fn stdout() -> Self {
        Self { sink: Mutex::new((Sink::Stdout, HashSet::new())), name: "jsonl:-".into() }
    }

    /// Appends to `path`, remembering the keys it already holds.
    pub fn file(path: &Path) -> std::io::Result<Self> {
        let mut keys = HashSet::new();
        if let Ok(existing) = File::open(path) {
            for line in BufReader::new(existing).lines() {
                let line = line?;
                // A line cut short by a crash has no key to honour; it is simply superseded.
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && let Some(k) = v["key"].as_str()
                {
                    keys.insert(k.to_string());
                }
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let name = format!("jsonl:{}", PathBuf::from(path).display());
        Ok(Self { sink: Mutex::new((Sink::File(file), keys)), name })
    }

    fn write(&self, key: &str, message: &Outbound) -> Result<PostRef, DeliveryError> {
        let mut guard = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        let (sink, keys) = &mut *guard;
        if keys.contains(key) {
            return Ok(PostRef(key.to_string()));
        }
        let mut line = serde_json::to_vec(&json!({ "key": key, "message": message }))
            .map_err(|e| DeliveryError::Rejected { destination: self.name.clone(), message: e.to_string() })?;
        line.push(b'\n');
        let result = match sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&line).and_then(|()| out.flush())
            }
            // One write call per line, then fsync: a line is either whole on disk or absent.
            Sink::File(f) => f.write_all(&line).and_then(|()| f.sync_data()),
        };
        result.map_err(|e| DeliveryError::Transient { destination: self.name.clone(), message: e.to_string() })?;
        keys.insert(key.to_string());
        Ok(PostRef(key.to_string()))
    }
}

#[async_trait]
impl Destination for JsonLines {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::output(self.name.clone())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    async fn post_story(&self, key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.write(key, &Outbound::Post(post.clone()))
    }

    async fn post_update(
        &self,
        key: &str,
        _thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        self.write(key, &Outbound::Update(update.clone()))
    }

    async fn edit_story(&self, key: &str, _first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.write(key, &Outbound::Edit(post.clone())).map(|_| ())
    }
}
