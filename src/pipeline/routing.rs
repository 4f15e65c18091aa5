//! Routing: which destinations get a story from a feed. The operator's fixed outputs follow the
//! configured feeds; a chat channel gets the stories of the feeds it subscribed to (unless it takes a
//! digest instead); and whoever already shows a story keeps getting its updates.

use super::watcher::{WatchError, Watcher};
use crate::core::id::StoryId;
use crate::delivery::{Destination, DestinationId};
use crate::feeds::FeedSource;
use crate::store::{Store, Subscription};
use std::collections::HashSet;
use std::sync::Arc;

impl<S: Store> Watcher<S> {
    /// The destination a delivery names: a fixed output (which may be a channel the operator
    /// configured), or a channel of a running platform.
    pub(super) fn resolve(&self, name: &DestinationId) -> Option<Arc<dyn Destination>> {
        if let Some(fixed) = self.destinations.iter().find(|d| d.name() == *name) {
            return Some(fixed.clone());
        }
        let DestinationId::Channel { platform, channel } = name else { return None };
        let platform = self.platforms.iter().find(|p| p.platform() == platform)?;
        Some(platform.channel(channel.as_str()))
    }

    pub(super) async fn routes(&self, feed: &str) -> Result<Routes, WatchError> {
        let mut routes = Routes { feed: feed.to_string(), channels: Vec::new(), live: HashSet::new() };
        if self.platforms.is_empty() {
            return Ok(routes);
        }
        let digest: HashSet<(String, String)> =
            self.store.list_digests().await?.into_iter().map(|d| (d.platform, d.channel)).collect();
        for Subscription { platform, channel, feed: subscribed, .. } in self.store.all_subscriptions().await? {
            if digest.contains(&(platform.clone(), channel.clone())) {
                continue;
            }
            let Some(p) = self.platforms.iter().find(|p| p.platform() == platform) else { continue };
            let name = DestinationId::channel(platform, channel.clone());
            // Once per channel, whichever of its subscriptions names this feed (not only its first).
            if same_feed(&subscribed, feed) && !routes.channels.iter().any(|c| c.name() == name) {
                routes.channels.push(p.channel(&channel));
            }
            routes.live.insert(name);
        }
        Ok(routes)
    }

    /// Who gets news of a story from this feed: the fixed outputs (if they follow the feed), the
    /// channels subscribed to it, and whoever already shows the story.
    pub(super) fn targets(&self, routes: &Routes, story_id: &StoryId) -> Vec<Arc<dyn Destination>> {
        let announced = self.announced.get(story_id);
        let shows = |name: &DestinationId| announced.is_some_and(|a| a.contains(name));
        let follows = self.fixed_feeds.as_ref().is_none_or(|f| f.contains(&routes.feed));
        let mut out: Vec<Arc<dyn Destination>> =
            self.destinations.iter().filter(|d| follows || shows(&d.name())).cloned().collect();
        let mut names: HashSet<DestinationId> = HashSet::new();
        for channel in &routes.channels {
            names.insert(channel.name());
            out.push(channel.clone());
        }
        for name in announced.into_iter().flatten() {
            if routes.live.contains(name)
                && names.insert(name.clone())
                && let Some(dest) = self.resolve(name)
            {
                out.push(dest);
            }
        }
        out
    }
}

/// Where one feed's stories go: the chat channels subscribed to it that take live posts, and every
/// channel still taking live posts (a channel that already shows a story keeps getting its updates).
pub(super) struct Routes {
    pub(super) feed: String,
    pub(super) channels: Vec<Arc<dyn Destination>>,
    pub(super) live: HashSet<DestinationId>,
}

pub(super) fn same_feed(subscribed: &str, polled: &str) -> bool {
    subscribed == polled || FeedSource::parse(subscribed).is_ok_and(|s| s.to_string() == polled)
}

#[cfg(test)]
mod tests {
    use crate::pipeline::testing::{Chat, Recorder, feed, item, noon, watcher};
    use crate::store::{DigestMode, Store, Subscription};
    use std::sync::Arc;

    async fn subscribe(store: &impl Store, channel: &str, feed: &crate::feeds::FeedSource) {
        let sub = Subscription {
            platform: "chat".into(),
            channel: channel.into(),
            feed: feed.to_string(),
            added_by: "U1".into(),
            added_at: noon(),
        };
        store.add_subscription(&sub).await.unwrap();
    }

    #[tokio::test]
    async fn a_channel_gets_the_stories_of_the_feeds_it_subscribed_to_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let chat = Arc::new(Chat::default());
        let (mut w, store) = watcher(Vec::new(), Some(chat.clone()), true).await;
        let wire = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        let daily = feed(dir.path(), "daily.xml", &[item("b1", "Globex", 300, noon())]);
        subscribe(&store, "C1", &wire).await;
        subscribe(&store, "C2", &daily).await;
        w.round(noon()).await.unwrap();
        assert_eq!(chat.channel_sent("C1"), ["post"]);
        assert_eq!(chat.channel_sent("C2"), ["post"]);
        let c1 = chat.channels.lock().unwrap()["C1"].headlines();
        assert!(c1[0].contains("Initech"), "{c1:?}");
    }

    #[tokio::test]
    async fn a_digest_channel_gets_no_live_posts() {
        let dir = tempfile::tempdir().unwrap();
        let chat = Arc::new(Chat::default());
        let (mut w, store) = watcher(Vec::new(), Some(chat.clone()), true).await;
        let wire = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        subscribe(&store, "C1", &wire).await;
        store.set_digest("chat", "C1", DigestMode::Hourly).await.unwrap();
        w.round(noon()).await.unwrap();
        assert!(chat.channel_sent("C1").is_empty(), "{:?}", chat.channel_sent("C1"));
    }

    #[tokio::test]
    async fn a_fixed_output_named_like_a_channel_is_found_again_by_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("discord:recorder");
        let (w, _) = watcher(vec![out.clone()], None, true).await;
        let wire = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        let mut w = w.fixed_outputs_follow(&[wire]);
        assert_eq!(w.round(noon()).await.unwrap().sent, 1);
        assert_eq!(out.kinds(), ["post"]);
    }

    #[tokio::test]
    async fn fixed_outputs_follow_only_the_configured_feeds() {
        let dir = tempfile::tempdir().unwrap();
        let out = Recorder::new("console");
        let chat = Arc::new(Chat::default());
        let (w, store) = watcher(vec![out.clone()], Some(chat.clone()), true).await;
        let wire = feed(dir.path(), "wire.xml", &[item("a1", "Initech", 500, noon())]);
        let subscribed = feed(dir.path(), "daily.xml", &[item("b1", "Globex", 300, noon())]);
        subscribe(&store, "C1", &subscribed).await;
        let mut w = w.fixed_outputs_follow(std::slice::from_ref(&wire));
        w.round(noon()).await.unwrap();
        assert_eq!(out.headlines().len(), 1);
        assert!(out.headlines()[0].contains("Initech"), "{:?}", out.headlines());
        assert_eq!(chat.channel_sent("C1"), ["post"]);
    }
}
