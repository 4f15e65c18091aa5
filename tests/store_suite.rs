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
    NewDelivery, PgStore, PollCommit, SeenItem, SqliteStore, Store, StoreError, StoryRecord, Subscription,
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
    assert_eq!(ids_of(store.claim_deliveries("b", until, at(12), 10).await.unwrap()), vec![ids[1], ids[2]]);
}

async fn marking_a_claimed_delivery_ends_its_claim<S: Store>(store: S) {
    let id = queued_post(&store).await;
    assert_eq!(store.claim_deliveries("a", at(10), at(11), 10).await.unwrap().len(), 1);
    store.defer(id, at(10)).await.unwrap();
    assert_eq!(store.claim_deliveries("b", at(10), at(11), 10).await.unwrap().len(), 1, "deferring let go of it");
    store.mark_retry(id, "HTTP 503", at(10)).await.unwrap();
    let claimed = store.claim_deliveries("a", at(10), at(11), 10).await.unwrap();
    assert_eq!((claimed.len(), claimed[0].attempts), (1, 1), "a retry lets go of it too");
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
}
