//! `digest`: a channel chooses live posts (`off`) or one digest message per hour or day (UTC).

use super::{Backend, DigestMode, Place, Reply};
use crate::store::StoreError;

pub(crate) async fn run(store: &dyn Backend, place: &Place<'_>, mode: DigestMode) -> Result<Reply, StoreError> {
    store.set_digest(place.platform, place.channel, mode).await?;
    Ok(Reply::DigestSet(mode))
}
