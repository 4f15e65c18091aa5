//! `unsubscribe`: a channel stops following a feed, a preset's feeds, or (named nothing) every feed.

use super::{Backend, Place, Reply, Target};
use crate::store::StoreError;

pub(crate) async fn run(store: &dyn Backend, place: &Place<'_>, target: Option<Target>) -> Result<Reply, StoreError> {
    let feeds = match &target {
        Some(t) => t.feeds(),
        None => store.subscriptions(place.platform, place.channel).await?,
    };
    let mut removed = Vec::new();
    for feed in feeds {
        if store.unsubscribe(place.platform, place.channel, &feed).await? {
            removed.push(feed);
        }
    }
    Ok(Reply::Unsubscribed { removed })
}
