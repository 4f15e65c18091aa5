//! `subscribe`: a channel starts following a feed or a preset's feeds. Adding a feed the channel
//! already follows changes nothing, so a command resumed after a crash cannot subscribe twice.

use super::{Backend, Place, Reply, Target};
use crate::store::{StoreError, Subscription};
use chrono::{DateTime, Utc};

pub(crate) async fn run(
    store: &dyn Backend,
    place: &Place<'_>,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let mut added = Vec::new();
    let mut already = Vec::new();
    for feed in target.feeds() {
        let sub = Subscription {
            platform: place.platform.into(),
            channel: place.channel.into(),
            feed: feed.clone(),
            added_by: place.user.into(),
            added_at: now,
        };
        if store.subscribe(&sub).await? { added.push(feed) } else { already.push(feed) }
    }
    let preset = match target {
        Target::Preset { name, .. } => Some(name),
        Target::Feed(_) => None,
    };
    Ok(Reply::Subscribed { preset, added, already })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{Command, Commands};
    use crate::feeds::presets::Presets;
    use crate::store::{SqliteStore, Store};
    use crate::summaries::Offline;
    use std::sync::Arc;

    #[tokio::test]
    async fn subscribing_twice_adds_once_and_says_so() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let commands = Commands::new(store.clone(), Arc::new(Offline), Presets::bundled(), false);
        let place = Place { platform: "slack", channel: "C1", user: "U1" };
        let target = commands.target("https://wire.example/rss").unwrap();
        let first = commands.run(&place, Command::Subscribe(target.clone())).await;
        let again = commands.run(&place, Command::Subscribe(target)).await;
        let feed = "https://wire.example/rss".to_string();
        assert_eq!(first, Reply::Subscribed { preset: None, added: vec![feed.clone()], already: vec![] });
        assert_eq!(again, Reply::Subscribed { preset: None, added: vec![], already: vec![feed] });
        assert_eq!(store.subscriptions_for_channel("slack", "C1").await.unwrap().len(), 1);
        assert!(store.subscriptions_for_channel("discord", "C1").await.unwrap().is_empty());
    }
}
