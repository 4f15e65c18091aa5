//! `list`: the feeds a channel follows and whether it gets live posts or a digest.

use super::{Backend, DigestMode, Place, Reply};
use crate::store::StoreError;

pub(crate) async fn run(store: &dyn Backend, place: &Place<'_>) -> Result<Reply, StoreError> {
    let feeds = store.subscriptions(place.platform, place.channel).await?;
    let digest = store.digest(place.platform, place.channel).await?.unwrap_or(DigestMode::Off);
    Ok(Reply::Listing { feeds, digest })
}
