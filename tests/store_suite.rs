//! The store's contract, run against both backends: every test below runs once on an in-memory
//! SQLite database and once on PostgreSQL (in a schema of its own; see `support::postgres` for
//! the server and how the tests skip without one). Backend-specific behaviour (SQLite's files and
//! locking, PostgreSQL's connection errors) is tested beside each backend.
//!
//! Times here have whole microseconds: PostgreSQL keeps no finer precision.

mod support;

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use layoffwatch::secret::Secret;
use layoffwatch::store::{
    ArticleText, Delivery, DeliveryId, DeliveryKind, DeliveryState, DigestMode, DigestSchedule, FeedState, InboxEntry,
    LeaseTaken, NewDelivery, PgStore, PollCommit, SeenItem, SqliteStore, Store, StoreError, StoryRecord, Subscription,
    TokenReservation,
};
use serde_json::json;

/// 20 April 2026 at `hour`:00 UTC.
fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 20, hour, 0, 0).unwrap()
}

fn item(id: &str, seen_hour: u32) -> SeenItem {
    SeenItem {
        item_id: id.to_owned(),
        feed_url: "https://example.com/rss".to_owned(),
        canonical_url: Some(format!("https://example.com/{id}")),
        simhash: 0xdead_beef,
        story_id: None,
        published: Some(at(seen_hour)),
        seen_at: at(seen_hour),
        text: Some(format!("article text of {id}")),
    }
}

fn story(id: &str, revision: u32, hour: u32) -> StoryRecord {
    StoryRecord {
        id: id.to_owned(),
        revision,
        payload: json!({ "headline": format!("{id} r{revision}") }),
        first_seen: at(hour),
        updated_at: at(hour),
    }
}

fn delivery(story_id: &str, destination: &str, kind: DeliveryKind) -> NewDelivery {
    NewDelivery {
        key: NewDelivery::idempotency_key(story_id, destination, 1, kind),
        story_id: Some(story_id.to_owned()),
        destination: destination.to_owned(),
        kind,
        payload: json!({ "text": "Meta to cut 8,000 jobs" }),
    }
}

fn commit(items: Vec<SeenItem>, stories: Vec<StoryRecord>, deliveries: Vec<NewDelivery>) -> PollCommit {
    let mut feed = FeedState::new("https://example.com/rss");
    feed.etag = Some("\"v1\"".to_owned());
    feed.last_polled = Some(at(10));
    feed.first_poll_done = true;
    PollCommit { feed, items, stories, deliveries }
}

/// Queues one post of story `s1` to `slack:C1` and returns its id.
async fn queued_post<S: Store>(store: &S) -> DeliveryId {
    store
        .commit_poll(&commit(vec![], vec![story("s1", 1, 10)], vec![delivery("s1", "slack:C1", DeliveryKind::Post)]))
        .await
        .unwrap();
    store.due_deliveries(at(10), 10).await.unwrap()[0].id
}

fn subscription(channel: &str, feed: &str) -> Subscription {
    Subscription {
        platform: "slack".to_owned(),
        channel: channel.to_owned(),
        feed: feed.to_owned(),
        added_by: "U123".to_owned(),
        added_at: at(9),
    }
}

/// Queues posts of story `s1` to `n` channels, `slack:C0` … in id order.
async fn queued_posts<S: Store>(store: &S, n: usize) -> Vec<DeliveryId> {
    let deliveries = (0..n).map(|i| delivery("s1", &format!("slack:C{i}"), DeliveryKind::Post)).collect();
    store.commit_poll(&commit(vec![], vec![story("s1", 1, 10)], deliveries)).await.unwrap();
    store.due_deliveries(at(10), 10_000).await.unwrap().iter().map(|d| d.id).collect()
}

async fn a_saved_feed_reads_back_unchanged_and_an_unknown_one_is_none<S: Store>(store: S) {
    let feed = FeedState {
        url: "https://example.com/rss".to_owned(),
        etag: Some("W/\"abc\"".to_owned()),
        last_modified: Some("Mon, 20 Apr 2026 10:00:00 GMT".to_owned()),
        consecutive_failures: 3,
        disabled_reason: Some("410 Gone".to_owned()),
        last_polled: Some(at(10) + chrono::Duration::microseconds(123_456)),
        first_poll_done: true,
        retry_at: None,
    };
    store.save_feed(&feed).await.unwrap();
    assert_eq!(store.get_feed(&feed.url).await.unwrap(), Some(feed.clone()));
    assert_eq!(store.get_feed("https://other.example/rss").await.unwrap(), None);

    let reset = FeedState::new(feed.url.clone());
    store.save_feed(&reset).await.unwrap();
    assert_eq!(store.list_feeds().await.unwrap(), vec![reset]);
}

async fn seen_ids_returns_only_the_ids_already_stored<S: Store>(store: S) {
    store.commit_poll(&commit(vec![item("a", 1), item("b", 2)], vec![], vec![])).await.unwrap();
    let asked: Vec<String> = ["a", "c", "b", "it's \"quoted\""].map(String::from).to_vec();
    let seen = store.seen_ids(&asked).await.unwrap();
    assert_eq!(seen, HashSet::from(["a".to_owned(), "b".to_owned()]));
    assert!(store.seen_ids(&[]).await.unwrap().is_empty());
}

async fn seen_ids_handles_more_ids_than_a_statement_allows_parameters<S: Store>(store: S) {
    store.commit_poll(&commit(vec![item("id-69999", 1)], vec![], vec![])).await.unwrap();
    let asked: Vec<String> = (0..70_000).map(|n| format!("id-{n}")).collect();
    assert_eq!(store.seen_ids(&asked).await.unwrap().len(), 1);
}

async fn a_simhash_keeps_all_64_bits<S: Store>(store: S) {
    let mut high = item("high", 1);
    high.simhash = u64::MAX;
    let mut top = item("top", 1);
    top.simhash = 1 << 63;
    store.commit_poll(&commit(vec![high, top], vec![], vec![])).await.unwrap();
    let hashes: Vec<u64> = store.items_since(at(0)).await.unwrap().iter().map(|i| i.simhash).collect();
    assert_eq!(hashes, vec![u64::MAX, 1 << 63]);
}

async fn items_since_returns_items_seen_at_or_after_the_cutoff<S: Store>(store: S) {
    let mut late = item("late", 12);
    late.story_id = Some("s1".to_owned());
    store.commit_poll(&commit(vec![item("early", 8), item("edge", 10), late.clone()], vec![], vec![])).await.unwrap();
    let items = store.items_since(at(10)).await.unwrap();
    assert_eq!(items, vec![item("edge", 10), late]);
}

async fn a_storys_items_are_listed_oldest_first_and_no_other_storys<S: Store>(store: S) {
    let mut first = item("first", 3);
    first.story_id = Some("s1".to_owned());
    let mut later = item("later", 7);
    later.story_id = Some("s1".to_owned());
    let mut other = item("other", 5);
    other.story_id = Some("s2".to_owned());
    store
        .commit_poll(&commit(vec![later.clone(), other, first.clone(), item("none", 4)], vec![], vec![]))
        .await
        .unwrap();
    assert_eq!(store.story_items("s1").await.unwrap(), vec![first, later]);
    assert!(store.story_items("s3").await.unwrap().is_empty());
}

/// A story's id comes from its first item, so the book rebuilt from the store must meet the items
/// in the order they were placed: not by id (one round's items share their `seen_at`), and not by
/// `seen_at` (an instance may commit its round after another committed a later one).
async fn items_come_back_in_the_order_they_were_placed<S: Store>(store: S) {
    let placed = ["wire-first", "daily-coverage", "blog-aside", "slow-round"];
    store.commit_poll(&commit(vec![item(placed[0], 9)], vec![], vec![])).await.unwrap();
    store.commit_poll(&commit(vec![item(placed[1], 9), item(placed[2], 9)], vec![], vec![])).await.unwrap();
    store.commit_poll(&commit(vec![item(placed[3], 8)], vec![], vec![])).await.unwrap();
    let ids: Vec<String> = store.items_since(at(0)).await.unwrap().into_iter().map(|i| i.item_id).collect();
    assert_eq!(ids, placed);
}

async fn a_delivery_knows_whether_one_queued_before_it_for_its_story_and_destination_is_pending<S: Store>(store: S) {
    let queued = vec![
        delivery("s1", "slack:C1", DeliveryKind::Post),
        delivery("s1", "slack:C1", DeliveryKind::Update),
        delivery("s1", "slack:C1", DeliveryKind::Edit),
        delivery("s1", "slack:C2", DeliveryKind::Edit),
    ];
    store.commit_poll(&commit(vec![], vec![story("s1", 1, 10)], queued)).await.unwrap();
    let ids: Vec<DeliveryId> = store.due_deliveries(at(11), 10).await.unwrap().iter().map(|d| d.id).collect();
    let (post, update, edit, elsewhere) = (ids[0], ids[1], ids[2], ids[3]);
    assert!(!store.earlier_pending("s1", "slack:C1", post).await.unwrap());
    assert!(store.earlier_pending("s1", "slack:C1", update).await.unwrap(), "the post is pending");
    assert!(!store.earlier_pending("s1", "slack:C2", elsewhere).await.unwrap(), "other channels do not count");
    store.mark_sent(post, Some("1.0")).await.unwrap();
    assert!(!store.earlier_pending("s1", "slack:C1", update).await.unwrap());
    assert!(store.earlier_pending("s1", "slack:C1", edit).await.unwrap(), "the update is pending");
    store.mark_failed(update, "channel_not_found").await.unwrap();
    assert!(!store.earlier_pending("s1", "slack:C1", edit).await.unwrap(), "a failed one waits for nothing");
}

async fn an_item_seen_again_is_updated_but_keeps_its_first_sighting<S: Store>(store: S) {
    store.commit_poll(&commit(vec![item("a", 1)], vec![], vec![])).await.unwrap();
    let mut again = item("a", 5);
    again.simhash = 42;
    again.story_id = Some("s9".to_owned());
    store.commit_poll(&commit(vec![again], vec![], vec![])).await.unwrap();
    let stored = &store.items_since(at(0)).await.unwrap()[0];
    assert_eq!(stored.seen_at, at(1));
    assert_eq!(stored.simhash, 42);
    assert_eq!(stored.story_id.as_deref(), Some("s9"));
}

async fn expire_text_removes_only_text_older_than_the_cutoff_and_keeps_the_ids<S: Store>(store: S) {
    store.commit_poll(&commit(vec![item("old", 1), item("new", 12)], vec![], vec![])).await.unwrap();
    assert_eq!(store.expire_text(at(6)).await.unwrap(), 1);
    assert_eq!(store.expire_text(at(6)).await.unwrap(), 0, "already expired");
    let items = store.items_since(at(0)).await.unwrap();
    assert_eq!(items[0].item_id, "old");
    assert_eq!(items[0].text, None);
    assert_eq!(items[0].simhash, 0xdead_beef);
    assert_eq!(items[1].text.as_deref(), Some("article text of new"));
    assert_eq!(store.seen_ids(&["old".to_owned()]).await.unwrap().len(), 1, "an expired item is still recognised");
}

async fn a_cached_page_reads_back_is_replaced_by_a_refetch_and_expires_with_the_article_text<S: Store>(store: S) {
    let page = |text: Option<&str>, hour| ArticleText {
        url: "https://ledger.example/brightloom".into(),
        text: text.map(String::from),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        fetched_at: at(hour),
    };
    assert_eq!(store.article_text("https://ledger.example/brightloom").await.unwrap(), None);
    store.save_article_text(&page(None, 1)).await.unwrap();
    store.save_article_text(&page(Some("Brightloom cut 300 jobs."), 2)).await.unwrap();
    assert_eq!(
        store.article_text("https://ledger.example/brightloom").await.unwrap(),
        Some(page(Some("Brightloom cut 300 jobs."), 2))
    );
    assert_eq!(store.expire_text(at(3)).await.unwrap(), 1);
    assert_eq!(store.article_text("https://ledger.example/brightloom").await.unwrap(), None);
}

async fn a_story_upsert_keeps_first_seen_and_never_goes_back_a_revision<S: Store>(store: S) {
    store.commit_poll(&commit(vec![], vec![story("s1", 1, 8)], vec![])).await.unwrap();
    let summary = store.commit_poll(&commit(vec![], vec![story("s1", 3, 11)], vec![])).await.unwrap();
    assert_eq!(summary.stale_stories_ignored, 0);
    let stored = store.get_story("s1").await.unwrap().unwrap();
    assert_eq!(stored.revision, 3);
    assert_eq!(stored.first_seen, at(8));
    assert_eq!(stored.updated_at, at(11));
    assert_eq!(stored.payload, json!({ "headline": "s1 r3" }));

    let summary = store.commit_poll(&commit(vec![], vec![story("s1", 2, 12)], vec![])).await.unwrap();
    assert_eq!(summary.stale_stories_ignored, 1);
    assert_eq!(store.get_story("s1").await.unwrap().unwrap().revision, 3);
    assert_eq!(store.get_story("nope").await.unwrap(), None);
}

async fn stories_since_lists_stories_updated_at_or_after_the_cutoff<S: Store>(store: S) {
    store
        .commit_poll(&commit(vec![], vec![story("b", 1, 12), story("a", 1, 7), story("c", 1, 10)], vec![]))
        .await
        .unwrap();
    let ids: Vec<String> = store.stories_since(at(10)).await.unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(ids, vec!["c", "b"]);
}

async fn a_commit_writes_the_feed_items_stories_and_deliveries_together<S: Store>(store: S) {
    let poll = commit(
        vec![item("a", 10)],
        vec![story("s1", 1, 10)],
        vec![delivery("s1", "slack:C1", DeliveryKind::Post), delivery("s1", "discord:9", DeliveryKind::Post)],
    );
    let summary = store.commit_poll(&poll).await.unwrap();
    assert_eq!(summary.deliveries_queued, 2);
    assert_eq!(store.get_feed(&poll.feed.url).await.unwrap(), Some(poll.feed));
    assert_eq!(store.items_since(at(0)).await.unwrap().len(), 1);
    assert!(store.get_story("s1").await.unwrap().is_some());
    let due = store.due_deliveries(at(10), 10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].destination, "slack:C1");
    assert_eq!(due[0].state, DeliveryState::Pending);
    assert_eq!(due[0].attempts, 0);
    assert_eq!(due[0].next_attempt_at, None);
    assert_eq!(due[0].payload, json!({ "text": "Meta to cut 8,000 jobs" }));
}

async fn a_replayed_commit_queues_no_delivery_twice<S: Store>(store: S) {
    let poll =
        commit(vec![item("a", 10)], vec![story("s1", 1, 10)], vec![delivery("s1", "slack:C1", DeliveryKind::Post)]);
    store.commit_poll(&poll).await.unwrap();
    let summary = store.commit_poll(&poll).await.unwrap();
    assert_eq!(summary.deliveries_queued, 0);
    assert_eq!(summary.deliveries_ignored, 1);
    assert_eq!(store.due_deliveries(at(10), 10).await.unwrap().len(), 1);
}

async fn a_delivery_for_an_unknown_story_fails_the_whole_commit<S: Store>(store: S) {
    let poll =
        commit(vec![item("a", 10)], vec![story("s1", 1, 10)], vec![delivery("ghost", "slack:C1", DeliveryKind::Post)]);
    let err = store.commit_poll(&poll).await.unwrap_err();
    assert!(err.to_string().contains("record the poll of https://example.com/rss"), "{err}");
    assert_eq!(store.get_feed(&poll.feed.url).await.unwrap(), None);
    assert!(store.items_since(at(0)).await.unwrap().is_empty());
    assert_eq!(store.get_story("s1").await.unwrap(), None);
    // The store is still usable afterwards: the failed transaction was rolled back.
    store.save_feed(&poll.feed).await.unwrap();
}

async fn due_deliveries_skips_those_scheduled_later_and_keeps_queue_order<S: Store>(store: S) {
    store
        .commit_poll(&commit(
            vec![],
            vec![story("s1", 1, 10)],
            vec![
                delivery("s1", "slack:C1", DeliveryKind::Post),
                delivery("s1", "slack:C2", DeliveryKind::Post),
                delivery("s1", "slack:C3", DeliveryKind::Post),
            ],
        ))
        .await
        .unwrap();
    let due = store.due_deliveries(at(10), 10).await.unwrap();
    store.mark_retry(due[0].id, "503", at(11)).await.unwrap();

    let destinations = |due: Vec<Delivery>| -> Vec<String> { due.into_iter().map(|d| d.destination).collect() };
    assert_eq!(destinations(store.due_deliveries(at(10), 10).await.unwrap()), vec!["slack:C2", "slack:C3"]);
    assert_eq!(destinations(store.due_deliveries(at(10), 1).await.unwrap()), vec!["slack:C2"]);
    assert_eq!(destinations(store.due_deliveries(at(11), 10).await.unwrap()), vec!["slack:C1", "slack:C2", "slack:C3"]);
}

async fn a_retry_counts_the_attempt_and_keeps_the_error<S: Store>(store: S) {
    let id = queued_post(&store).await;
    store.mark_retry(id, "HTTP 503", at(11)).await.unwrap();
    let d = store.get_delivery(id).await.unwrap().unwrap();
    assert_eq!(d.state, DeliveryState::Pending);
    assert_eq!(d.attempts, 1);
    assert_eq!(d.next_attempt_at, Some(at(11)));
    assert_eq!(d.last_error.as_deref(), Some("HTTP 503"));
}

async fn a_sent_post_becomes_the_thread_of_its_story_in_that_destination<S: Store>(store: S) {
    let id = queued_post(&store).await;
    assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap(), None);
    store.mark_sent(id, Some("1713607200.000100")).await.unwrap();
    assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap().as_deref(), Some("1713607200.000100"));
    assert_eq!(store.thread_ref("s1", "slack:C2").await.unwrap(), None);
    assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());
    let d = store.get_delivery(id).await.unwrap().unwrap();
    assert_eq!((d.state, d.attempts), (DeliveryState::Sent, 1));
}

async fn an_update_reply_is_never_taken_for_the_thread<S: Store>(store: S) {
    let mut update = delivery("s1", "slack:C1", DeliveryKind::Update);
    update.key = "s1/slack:C1/2/update".to_owned();
    store.commit_poll(&commit(vec![], vec![story("s1", 2, 10)], vec![update])).await.unwrap();
    let id = store.due_deliveries(at(10), 1).await.unwrap()[0].id;
    store.mark_sent(id, Some("reply-ts")).await.unwrap();
    assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap(), None);
}

async fn marking_a_delivery_that_is_not_pending_says_what_state_it_is_in<S: Store>(store: S) {
    let id = queued_post(&store).await;
    store.mark_sent(id, Some("ts")).await.unwrap();
    let err = store.mark_retry(id, "late", at(12)).await.unwrap_err();
    assert!(matches!(err, StoreError::DeliveryNotPending { state: DeliveryState::Sent, .. }), "{err}");
    let err = store.mark_sent(DeliveryId(999), None).await.unwrap_err();
    assert!(matches!(err, StoreError::DeliveryNotFound { id: DeliveryId(999) }));
    assert!(err.to_string().contains("no delivery 999"), "{err}");
}

async fn a_failed_delivery_leaves_the_queue_and_keeps_its_error<S: Store>(store: S) {
    let id = queued_post(&store).await;
    store.mark_failed(id, "channel_not_found").await.unwrap();
    assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());
    let d = store.delivery_by_key("s1/slack:C1/1/post").await.unwrap().unwrap();
    assert_eq!(d.state, DeliveryState::Failed);
    assert_eq!(d.last_error.as_deref(), Some("channel_not_found"));
}

async fn subscribing_twice_changes_nothing_and_unsubscribing_reports_whether_it_did<S: Store>(store: S) {
    assert!(store.add_subscription(&subscription("C1", "https://b")).await.unwrap());
    assert!(store.add_subscription(&subscription("C1", "https://a")).await.unwrap());
    assert!(store.add_subscription(&subscription("C2", "https://a")).await.unwrap());
    let mut again = subscription("C1", "https://a");
    again.added_by = "U999".to_owned();
    assert!(!store.add_subscription(&again).await.unwrap());

    let c1 = store.subscriptions_for_channel("slack", "C1").await.unwrap();
    assert_eq!(c1, vec![subscription("C1", "https://a"), subscription("C1", "https://b")]);
    assert!(store.subscriptions_for_channel("discord", "C1").await.unwrap().is_empty());
    assert_eq!(store.all_subscriptions().await.unwrap().len(), 3);

    assert!(store.remove_subscription("slack", "C1", "https://a").await.unwrap());
    assert!(!store.remove_subscription("slack", "C1", "https://a").await.unwrap());
    assert_eq!(store.all_subscriptions().await.unwrap().len(), 2);
}

async fn a_very_long_error_is_shortened_before_it_is_stored<S: Store>(store: S) {
    let id = queued_post(&store).await;
    let page = "é".repeat(2000 * 3);
    store.mark_retry(id, &page, at(11)).await.unwrap();
    let stored = store.get_delivery(id).await.unwrap().unwrap().last_error.unwrap();
    assert_eq!(stored.chars().count(), 2000);
}

async fn a_digest_schedule_is_replaced_and_off_channels_are_not_listed<S: Store>(store: S) {
    assert_eq!(store.get_digest("slack", "C1").await.unwrap(), None);
    let daily = DigestMode::Daily { at: chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap() };
    store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
    store.set_digest("slack", "C1", daily).await.unwrap();
    store.set_digest("slack", "C2", DigestMode::Off).await.unwrap();
    assert_eq!(store.get_digest("slack", "C1").await.unwrap(), Some(daily));
    assert_eq!(store.get_digest("slack", "C2").await.unwrap(), Some(DigestMode::Off));
    assert_eq!(
        store.list_digests().await.unwrap(),
        vec![DigestSchedule {
            platform: "slack".to_owned(),
            channel: "C1".to_owned(),
            mode: daily,
            last_sent_at: None
        }]
    );
}

async fn a_digest_is_queued_once_with_the_end_of_its_period<S: Store>(store: S) {
    store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
    let digest = NewDelivery {
        key: "digest/slack:C1/2026-11-24T10:00Z".to_owned(),
        story_id: None,
        destination: "slack:C1".to_owned(),
        kind: DeliveryKind::Digest,
        payload: serde_json::json!({ "kind": "digest" }),
    };
    assert!(!store.queue_digest("slack", "C1", at(9), None).await.unwrap());
    assert_eq!(store.list_digests().await.unwrap()[0].last_sent_at, Some(at(9)));
    assert!(store.queue_digest("slack", "C1", at(10), Some(&digest)).await.unwrap());
    assert!(!store.queue_digest("slack", "C1", at(10), Some(&digest)).await.unwrap());
    assert_eq!(store.list_digests().await.unwrap()[0].last_sent_at, Some(at(10)));
    let queued = store.delivery_by_key(&digest.key).await.unwrap().unwrap();
    assert_eq!((queued.story_id, queued.kind), (None, DeliveryKind::Digest));
}

async fn a_chat_event_is_new_once_until_it_is_pruned<S: Store>(store: S) {
    assert!(store.mark_event_seen("Ev01", at(1)).await.unwrap());
    assert!(!store.mark_event_seen("Ev01", at(2)).await.unwrap());
    assert!(store.mark_event_seen("Ev02", at(5)).await.unwrap());
    assert_eq!(store.prune_events(at(3)).await.unwrap(), 1);
    assert!(store.mark_event_seen("Ev01", at(6)).await.unwrap());
    assert!(!store.mark_event_seen("Ev02", at(6)).await.unwrap());
}

async fn an_inbox_entry_is_written_once_answered_and_removed<S: Store>(store: S) {
    let entry = InboxEntry {
        id: "slack:command:trig-1".into(),
        platform: "slack".into(),
        work: json!({"command": {"channel": "C1", "text": "list"}}).to_string(),
        reply_to: Some(Secret::new("https://hooks.slack.example/commands/T1/1/abc")),
        reply: None,
        received_at: at(1),
        expires_at: at(2),
    };
    assert!(store.inbox_accept(&entry).await.unwrap());
    assert!(!store.inbox_accept(&entry).await.unwrap(), "a redelivery is recognised");
    assert!(!store.mark_event_seen(&entry.id, at(1)).await.unwrap(), "and counts as a handled event");
    assert_eq!(store.inbox_entries("slack").await.unwrap(), vec![entry.clone()]);
    assert!(store.inbox_entries("discord").await.unwrap().is_empty());
    store.inbox_answer(&entry.id, r#"{"listing":{}}"#).await.unwrap();
    assert_eq!(store.inbox_entries("slack").await.unwrap()[0].reply.as_deref(), Some(r#"{"listing":{}}"#));
    store.inbox_remove(&entry.id).await.unwrap();
    assert!(store.inbox_entries("slack").await.unwrap().is_empty());
}

async fn a_feed_lease_is_held_to_its_end_then_free_for_any_instance<S: Store>(store: S) {
    let feed = "https://example.com/rss";
    let later = |minutes: i64| at(10) + chrono::Duration::minutes(minutes);
    assert!(store.lease_feed(feed, "a", later(0), later(10)).await.unwrap(), "a feed never polled is free");
    assert!(!store.lease_feed(feed, "b", later(5), later(15)).await.unwrap(), "held by a");
    assert!(!store.lease_feed(feed, "a", later(5), later(15)).await.unwrap(), "a lease is not renewed early");
    assert!(store.lease_feed(feed, "b", later(10), later(20)).await.unwrap(), "taken over when it runs out");
    assert!(store.lease_feed("https://other.example/rss", "a", later(5), later(15)).await.unwrap());
    assert_eq!(store.leases_held("b", later(11)).await.unwrap().feeds, 1);
    assert_eq!(store.leases_held("a", later(11)).await.unwrap().feeds, 1);
    // Leasing created the feed's row; its state is that of a feed never polled.
    assert_eq!(store.get_feed(feed).await.unwrap(), Some(FeedState::new(feed)));
}

async fn a_claimed_delivery_is_claimed_by_no_one_else_until_the_claim_runs_out<S: Store>(store: S) {
    let ids = queued_posts(&store, 3).await;
    let (now, until) = (at(10), at(11));
    let ids_of = |ds: Vec<Delivery>| ds.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids_of(store.claim_deliveries("a", now, until, 2).await.unwrap()), ids[..2].to_vec());
    assert_eq!(ids_of(store.claim_deliveries("b", now, until, 10).await.unwrap()), ids[2..].to_vec());
    assert!(store.claim_deliveries("b", now, until, 10).await.unwrap().is_empty());
    let held = store.leases_held("a", now).await.unwrap();
    assert_eq!(held.deliveries, 2);
    assert!(held.oldest_pending.is_some());
    // a sends its first and dies holding the second: the claim runs out and b takes it.
    store.mark_sent(ids[0], Some("ts-1")).await.unwrap();
    assert!(store.claim_deliveries("b", now, until, 10).await.unwrap().is_empty());
    let taken = store.claim_deliveries("b", until, at(12), 10).await.unwrap();
    let lapsed: Vec<bool> = taken.iter().map(|d| d.lapsed_claim).collect();
    assert_eq!(ids_of(taken.clone()), vec![ids[1], ids[2]]);
    // Both were claimed and left unfinished: either may be on the platform already.
    assert_eq!(lapsed, vec![true, true]);
    assert!(taken.iter().all(Delivery::may_be_posted));
}

async fn marking_a_claimed_delivery_ends_its_claim<S: Store>(store: S) {
    let id = queued_post(&store).await;
    let first = store.claim_deliveries("a", at(10), at(11), 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(!first[0].may_be_posted(), "never claimed nor tried: it cannot be on the platform");
    store.defer(id, at(10)).await.unwrap();
    let again = store.claim_deliveries("b", at(10), at(11), 10).await.unwrap();
    assert_eq!(again.len(), 1, "deferring let go of it");
    assert!(!again[0].may_be_posted(), "a deferred delivery was never sent");
    store.mark_retry(id, "HTTP 503", at(10)).await.unwrap();
    let claimed = store.claim_deliveries("a", at(10), at(11), 10).await.unwrap();
    assert_eq!((claimed.len(), claimed[0].attempts), (1, 1), "a retry lets go of it too");
    assert!(claimed[0].may_be_posted() && !claimed[0].lapsed_claim, "tried once, its claim ended cleanly");
    store.mark_failed(id, "channel_not_found").await.unwrap();
    assert_eq!(store.leases_held("a", at(10)).await.unwrap().deliveries, 0);
    assert_eq!(store.leases_held("a", at(10)).await.unwrap().oldest_pending, None);
}

async fn eight_claimers_at_once_send_every_delivery_exactly_once<S: Store + Clone + 'static>(store: S) {
    let ids = queued_posts(&store, 200).await;
    let mut workers = Vec::new();
    for worker in 0..8 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let owner = format!("instance-{worker}");
            let mut sent = Vec::new();
            loop {
                let batch = store.claim_deliveries(&owner, at(10), at(11), 5).await.unwrap();
                if batch.is_empty() {
                    return sent;
                }
                for d in batch {
                    store.mark_sent(d.id, Some(&owner)).await.unwrap();
                    sent.push(d.id);
                }
            }
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let unique: HashSet<DeliveryId> = all.iter().copied().collect();
    assert_eq!((all.len(), unique.len()), (200, 200), "no delivery sent twice, none left");
    assert_eq!(unique, ids.into_iter().collect());
}

async fn a_chat_event_seen_by_one_instance_is_a_redelivery_for_the_other<S: Store + Clone>(store: S) {
    let other = store.clone();
    assert!(store.mark_event_seen("Ev0A1", at(1)).await.unwrap());
    assert!(!other.mark_event_seen("Ev0A1", at(1)).await.unwrap());
}

async fn a_lease_is_refused_while_it_runs_renewed_by_its_holder_and_taken_over_when_it_runs_out<S: Store>(store: S) {
    let name = "discord-shards:0-1/4";
    let later = |seconds: i64| at(10) + chrono::Duration::seconds(seconds);
    assert_eq!(store.take_lease(name, "a", later(0), later(30)).await.unwrap(), LeaseTaken::Held, "never held: free");
    assert_eq!(store.take_lease(name, "b", later(10), later(40)).await.unwrap(), LeaseTaken::Refused);
    assert_eq!(store.take_lease(name, "a", later(10), later(40)).await.unwrap(), LeaseTaken::Held, "renewed");
    assert_eq!(store.take_lease(name, "b", later(35), later(65)).await.unwrap(), LeaseTaken::Refused, "renewal held");
    let taken = store.take_lease(name, "b", later(40), later(70)).await.unwrap();
    assert_eq!(taken, LeaseTaken::TakenOver { from: "a".into() }, "a stopped renewing: b takes over");
    assert_eq!(store.take_lease(name, "a", later(41), later(71)).await.unwrap(), LeaseTaken::Refused, "a lost it");
    let running = store.leases("discord-shards:", later(41)).await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!((running[0].name.as_str(), running[0].owner.as_str(), running[0].until), (name, "b", later(70)));
}

async fn a_released_lease_is_free_at_once_and_its_next_holder_took_nothing_over<S: Store>(store: S) {
    let name = "discord-shards:0-0/1";
    assert_eq!(store.take_lease(name, "a", at(10), at(11)).await.unwrap(), LeaseTaken::Held);
    assert!(!store.release_lease(name, "b").await.unwrap(), "only the holder releases");
    assert!(store.release_lease(name, "a").await.unwrap());
    assert!(store.leases("", at(10)).await.unwrap().is_empty());
    assert_eq!(store.take_lease(name, "b", at(10), at(11)).await.unwrap(), LeaseTaken::Held);
}

async fn leases_are_listed_by_prefix_and_only_while_they_run<S: Store>(store: S) {
    for (name, owner, until) in
        [("instance:a", "a", at(11)), ("instance:b", "b", at(12)), ("discord-shards:0-1/2", "a", at(11))]
    {
        store.take_lease(name, owner, at(10), until).await.unwrap();
    }
    let names = |leases: Vec<layoffwatch::store::Lease>| leases.into_iter().map(|l| l.name).collect::<Vec<_>>();
    assert_eq!(names(store.leases("instance:", at(10)).await.unwrap()), ["instance:a", "instance:b"]);
    assert_eq!(names(store.leases("instance:", at(11)).await.unwrap()), ["instance:b"], "a's ran out at 11:00");
    assert_eq!(store.leases("", at(10)).await.unwrap().len(), 3);
    assert_eq!(names(store.leases("instance:%", at(10)).await.unwrap()), Vec::<String>::new(), "no wildcards");
}

async fn eight_instances_asking_for_one_lease_at_once_give_it_to_one<S: Store + Clone + 'static>(store: S) {
    let mut askers = Vec::new();
    for n in 0..8 {
        let store = store.clone();
        askers.push(tokio::spawn(async move {
            let owner = format!("instance-{n}");
            store.take_lease("discord-shards:0-3/4", &owner, at(10), at(11)).await.unwrap() != LeaseTaken::Refused
        }));
    }
    let mut holders = 0;
    for asker in askers {
        holders += usize::from(asker.await.unwrap());
    }
    assert_eq!(holders, 1);
}

async fn the_llm_budget_refuses_a_call_that_would_pass_the_limit_and_renews_each_day<S: Store>(store: S) {
    let day = at(10).date_naive();
    assert_eq!(store.llm_tokens_used(day).await.unwrap(), 0);
    assert_eq!(store.reserve_llm_tokens(day, 800, 1_000).await.unwrap(), TokenReservation::Granted { used: 800 });
    assert_eq!(store.reserve_llm_tokens(day, 300, 1_000).await.unwrap(), TokenReservation::Exhausted { used: 800 });
    store.settle_llm_tokens(day, 800, 500).await.unwrap();
    assert_eq!(store.reserve_llm_tokens(day, 300, 1_000).await.unwrap(), TokenReservation::Granted { used: 800 });
    store.settle_llm_tokens(day, 300, 0).await.unwrap();
    assert_eq!(store.llm_tokens_used(day).await.unwrap(), 500);
    let tomorrow = day.succ_opt().unwrap();
    assert_eq!(
        store.reserve_llm_tokens(tomorrow, 1_000, 1_000).await.unwrap(),
        TokenReservation::Granted { used: 1_000 }
    );
    assert_eq!(store.llm_tokens_used(day).await.unwrap(), 500);
}

async fn eight_instances_reserving_at_once_spend_one_budget<S: Store + Clone + 'static>(store: S) {
    let day = at(10).date_naive();
    let mut callers = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        callers.push(tokio::spawn(async move {
            let mut granted = 0;
            for _ in 0..10 {
                if let TokenReservation::Granted { .. } = store.reserve_llm_tokens(day, 100, 2_500).await.unwrap() {
                    granted += 1;
                }
            }
            granted
        }));
    }
    let mut granted = 0;
    for caller in callers {
        granted += caller.await.unwrap();
    }
    assert_eq!(granted, 25, "80 asked, 25 fit");
    assert_eq!(store.llm_tokens_used(day).await.unwrap(), 2_500);
}

async fn a_cached_llm_reply_reads_back_until_it_expires_and_is_replaced_by_a_newer_one<S: Store>(store: S) {
    let reply = json!({"headline": "Initech cuts 400", "bullets": [{"text": "Initech said so", "cites": ["c1"]}]});
    assert_eq!(store.cached_llm_reply("k1", at(10)).await.unwrap(), None);
    store.cache_llm_reply("k1", &reply, at(10), at(12)).await.unwrap();
    assert_eq!(store.cached_llm_reply("k1", at(11)).await.unwrap(), Some(reply.clone()));
    assert_eq!(store.cached_llm_reply("k1", at(12)).await.unwrap(), None, "expired");
    let newer = json!({"headline": "Initech cuts 450", "bullets": []});
    store.cache_llm_reply("k1", &newer, at(11), at(13)).await.unwrap();
    assert_eq!(store.cached_llm_reply("k1", at(12)).await.unwrap(), Some(newer));
    // Caching at 14:00 forgets what expired by then.
    store.cache_llm_reply("k2", &reply, at(14), at(15)).await.unwrap();
    assert_eq!(store.cached_llm_reply("k1", at(10)).await.unwrap(), None, "k1 was deleted, not just hidden");
}

// ----- two instances: two handles, each with its own connections, on one database -----

async fn a_chat_event_claimed_by_one_handle_is_a_redelivery_for_another<S: Store>(one: S, two: S) {
    assert!(one.mark_event_seen("Ev0B7", at(1)).await.unwrap());
    assert!(!two.mark_event_seen("Ev0B7", at(1)).await.unwrap());
    let entry = InboxEntry {
        id: "slack:event:Ev0B8".into(),
        platform: "slack".into(),
        work: json!({"summary": {"channel": "C1", "thread": "1714000000.000100"}}).to_string(),
        reply_to: None,
        reply: None,
        received_at: at(1),
        expires_at: at(2),
    };
    assert!(two.inbox_accept(&entry).await.unwrap(), "delivered to the second instance first");
    assert!(!one.inbox_accept(&entry).await.unwrap(), "the same event on the first is a redelivery");
    assert_eq!(one.inbox_entries("slack").await.unwrap().len(), 1);
}

async fn an_inbox_entry_is_resumed_by_one_other_handle_only_once_its_accepter_had_time<S: Store>(one: S, two: S) {
    let entry = InboxEntry {
        id: "discord:interaction:77".into(),
        platform: "discord".into(),
        work: json!({"command": {"channel": "100", "text": "list"}}).to_string(),
        reply_to: Some(Secret::new("token-77")),
        reply: None,
        received_at: at(10),
        expires_at: at(12),
    };
    assert!(one.inbox_accept(&entry).await.unwrap());
    let minutes = |m: i64| at(10) + chrono::Duration::minutes(m);
    // Accepted at 10:00; another instance starting at 10:01 leaves it to its accepter (3 minutes).
    assert!(two.inbox_take("discord", minutes(1), minutes(1 - 3), minutes(1 + 3)).await.unwrap().is_empty());
    let taken = two.inbox_take("discord", minutes(4), minutes(4 - 3), minutes(4 + 3)).await.unwrap();
    assert_eq!(taken, vec![entry.clone()], "its accepter had its time: taken, with its token");
    assert!(one.inbox_take("discord", minutes(5), minutes(5 - 3), minutes(5 + 3)).await.unwrap().is_empty(), "two's");
    assert_eq!(one.inbox_take("discord", minutes(7), minutes(7 - 3), minutes(7 + 3)).await.unwrap(), vec![entry]);
    assert!(two.inbox_take("slack", minutes(9), minutes(9), minutes(9)).await.unwrap().is_empty(), "per platform");
}

async fn a_lease_one_handle_holds_is_refused_to_another_and_taken_over_when_it_runs_out<S: Store>(one: S, two: S) {
    let name = "discord-shards:2-3/4";
    assert_eq!(one.take_lease(name, "one", at(10), at(11)).await.unwrap(), LeaseTaken::Held);
    assert_eq!(two.take_lease(name, "two", at(10), at(11)).await.unwrap(), LeaseTaken::Refused);
    assert_eq!(
        two.take_lease(name, "two", at(11), at(12)).await.unwrap(),
        LeaseTaken::TakenOver { from: "one".into() }
    );
}

async fn two_handles_spend_one_budget_and_share_cached_replies<S: Store>(one: S, two: S) {
    let day = at(10).date_naive();
    assert_eq!(one.reserve_llm_tokens(day, 600, 1_000).await.unwrap(), TokenReservation::Granted { used: 600 });
    assert_eq!(two.reserve_llm_tokens(day, 600, 1_000).await.unwrap(), TokenReservation::Exhausted { used: 600 });
    let reply = json!({"headline": "Globex to cut 1,200 jobs", "bullets": []});
    one.cache_llm_reply("story-key", &reply, at(10), at(11)).await.unwrap();
    assert_eq!(two.cached_llm_reply("story-key", at(10)).await.unwrap(), Some(reply));
}

/// Runs each test once per backend, as `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(SqliteStore::open_in_memory().await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(url) = support::postgres::fresh_schema(concat!("suite_", stringify!($name))).await else {
                        return;
                    };
                    super::$name(PgStore::open(&url).await.unwrap()).await;
                }
            )*
        }
    };
}

on_both_backends! {
    a_saved_feed_reads_back_unchanged_and_an_unknown_one_is_none,
    seen_ids_returns_only_the_ids_already_stored,
    seen_ids_handles_more_ids_than_a_statement_allows_parameters,
    a_simhash_keeps_all_64_bits,
    items_since_returns_items_seen_at_or_after_the_cutoff,
    items_come_back_in_the_order_they_were_placed,
    a_storys_items_are_listed_oldest_first_and_no_other_storys,
    an_item_seen_again_is_updated_but_keeps_its_first_sighting,
    expire_text_removes_only_text_older_than_the_cutoff_and_keeps_the_ids,
    a_cached_page_reads_back_is_replaced_by_a_refetch_and_expires_with_the_article_text,
    a_story_upsert_keeps_first_seen_and_never_goes_back_a_revision,
    stories_since_lists_stories_updated_at_or_after_the_cutoff,
    a_commit_writes_the_feed_items_stories_and_deliveries_together,
    a_replayed_commit_queues_no_delivery_twice,
    a_delivery_for_an_unknown_story_fails_the_whole_commit,
    due_deliveries_skips_those_scheduled_later_and_keeps_queue_order,
    a_retry_counts_the_attempt_and_keeps_the_error,
    a_sent_post_becomes_the_thread_of_its_story_in_that_destination,
    an_update_reply_is_never_taken_for_the_thread,
    a_delivery_knows_whether_one_queued_before_it_for_its_story_and_destination_is_pending,
    marking_a_delivery_that_is_not_pending_says_what_state_it_is_in,
    a_failed_delivery_leaves_the_queue_and_keeps_its_error,
    subscribing_twice_changes_nothing_and_unsubscribing_reports_whether_it_did,
    a_very_long_error_is_shortened_before_it_is_stored,
    a_digest_schedule_is_replaced_and_off_channels_are_not_listed,
    a_digest_is_queued_once_with_the_end_of_its_period,
    a_chat_event_is_new_once_until_it_is_pruned,
    an_inbox_entry_is_written_once_answered_and_removed,
    a_feed_lease_is_held_to_its_end_then_free_for_any_instance,
    a_claimed_delivery_is_claimed_by_no_one_else_until_the_claim_runs_out,
    marking_a_claimed_delivery_ends_its_claim,
    eight_claimers_at_once_send_every_delivery_exactly_once,
    a_chat_event_seen_by_one_instance_is_a_redelivery_for_the_other,
    a_lease_is_refused_while_it_runs_renewed_by_its_holder_and_taken_over_when_it_runs_out,
    a_released_lease_is_free_at_once_and_its_next_holder_took_nothing_over,
    leases_are_listed_by_prefix_and_only_while_they_run,
    eight_instances_asking_for_one_lease_at_once_give_it_to_one,
    the_llm_budget_refuses_a_call_that_would_pass_the_limit_and_renews_each_day,
    eight_instances_reserving_at_once_spend_one_budget,
    a_cached_llm_reply_reads_back_until_it_expires_and_is_replaced_by_a_newer_one,
}

/// Runs each test once per backend with two stores opened separately on one database (a SQLite
/// file, or one PostgreSQL schema), as two instances would, as `two_handles_on_sqlite::NAME` and
/// `two_handles_on_postgres::NAME`.
macro_rules! with_two_handles_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod two_handles_on_sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let path = dir.path().join("shared.sqlite");
                    let one = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
                    let two = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
                    super::$name(one, two).await;
                }
            )*
        }
        mod two_handles_on_postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(url) = support::postgres::fresh_schema(concat!("two_", stringify!($name))).await else {
                        return;
                    };
                    let one = PgStore::open(&url).await.unwrap();
                    let two = PgStore::open(&url).await.unwrap();
                    super::$name(one, two).await;
                }
            )*
        }
    };
}

with_two_handles_on_both_backends! {
    a_chat_event_claimed_by_one_handle_is_a_redelivery_for_another,
    an_inbox_entry_is_resumed_by_one_other_handle_only_once_its_accepter_had_time,
    a_lease_one_handle_holds_is_refused_to_another_and_taken_over_when_it_runs_out,
    two_handles_spend_one_budget_and_share_cached_replies,
}
