//! The SQLite store against real files: what survives a reopen, what a failed poll leaves behind
//! (nothing), the outbox flow, the connection settings, and readers and writers side by side.
//! Each test has its own temporary directory.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use layoffwatch::store::{
    DeliveryKind, DeliveryState, DigestMode, FeedState, NewDelivery, PollCommit, SeenItem, SqliteStore, Store,
    StoreError, StoryRecord, Subscription,
};
use serde_json::json;
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

const FEED: &str = "https://news.example/layoffs.rss";

/// 20 April 2026 at `hour`:00 UTC.
fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 20, hour, 0, 0).unwrap()
}

fn feed(etag: &str) -> FeedState {
    FeedState {
        url: FEED.to_owned(),
        etag: Some(etag.to_owned()),
        last_modified: Some("Mon, 20 Apr 2026 10:00:00 GMT".to_owned()),
        consecutive_failures: 0,
        disabled_reason: None,
        last_polled: Some(at(10)),
        first_poll_done: true,
        retry_at: None,
    }
}

fn item(id: &str, story: &str, hour: u32) -> SeenItem {
    SeenItem {
        item_id: id.to_owned(),
        feed_url: FEED.to_owned(),
        canonical_url: Some(format!("https://news.example/{id}")),
        simhash: 0x8000_0000_0000_0001,
        story_id: Some(story.to_owned()),
        published: Some(at(hour)),
        seen_at: at(hour),
        text: Some("Meta will cut about 8,000 jobs, the company said.".to_owned()),
    }
}

fn story(id: &str, revision: u32) -> StoryRecord {
    StoryRecord {
        id: id.to_owned(),
        revision,
        payload: json!({ "headline": "Meta to cut ~8,000 jobs", "revision": revision }),
        first_seen: at(10),
        updated_at: at(10),
    }
}

fn delivery(story_id: &str, destination: &str, revision: u32, kind: DeliveryKind) -> NewDelivery {
    NewDelivery {
        key: NewDelivery::idempotency_key(story_id, destination, revision, kind),
        story_id: Some(story_id.to_owned()),
        destination: destination.to_owned(),
        kind,
        payload: json!({ "story": story_id, "revision": revision }),
    }
}

/// The first poll of the feed: one item, one story, its post to one Slack channel.
fn first_poll() -> PollCommit {
    PollCommit {
        feed: feed("\"v1\""),
        items: vec![item("a", "s1", 10)],
        stories: vec![story("s1", 1)],
        deliveries: vec![delivery("s1", "slack:C1", 1, DeliveryKind::Post)],
    }
}

async fn open(dir: &TempDir) -> SqliteStore {
    SqliteStore::open(dir.path().join("layoffwatch.sqlite").to_str().unwrap()).await.unwrap()
}

async fn count(store: &SqliteStore, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reopened_file_database_holds_everything_written_before() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();
    let id = store.due_deliveries(at(10), 10).await.unwrap()[0].id;
    store.mark_sent(id, Some("1713607200.000100")).await.unwrap();
    let subscription = Subscription {
        platform: "slack".to_owned(),
        channel: "C1".to_owned(),
        feed: FEED.to_owned(),
        added_by: "U123".to_owned(),
        added_at: at(9),
    };
    store.add_subscription(&subscription).await.unwrap();
    store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
    store.mark_event_seen("Ev01", at(10)).await.unwrap();
    store.close().await;

    let store = open(&dir).await;
    assert_eq!(store.get_feed(FEED).await.unwrap(), Some(feed("\"v1\"")));
    assert_eq!(store.items_since(at(0)).await.unwrap(), vec![item("a", "s1", 10)]);
    assert_eq!(store.get_story("s1").await.unwrap(), Some(story("s1", 1)));
    assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap().as_deref(), Some("1713607200.000100"));
    assert_eq!(store.all_subscriptions().await.unwrap(), vec![subscription]);
    assert_eq!(store.get_digest("slack", "C1").await.unwrap(), Some(DigestMode::Hourly));
    assert!(!store.mark_event_seen("Ev01", at(11)).await.unwrap());
}

/// Everything a second poll would write, ending with a delivery for a story that does not exist:
/// the last statement of the transaction fails, after every other write succeeded.
fn poll_failing_at_its_last_delivery() -> PollCommit {
    PollCommit {
        feed: feed("\"v2\""),
        items: vec![item("b", "s2", 11), item("c", "s1", 11)],
        stories: vec![story("s1", 2), story("s2", 1)],
        deliveries: vec![
            delivery("s1", "slack:C1", 2, DeliveryKind::Update),
            delivery("s2", "slack:C1", 1, DeliveryKind::Post),
            delivery("no-such-story", "slack:C1", 1, DeliveryKind::Post),
        ],
    }
}

/// A poll whose second story breaks a constraint (an empty id) after the feed and the first
/// story were written.
fn poll_failing_at_a_story() -> PollCommit {
    PollCommit {
        feed: feed("\"v3\""),
        items: vec![item("d", "s3", 11)],
        stories: vec![story("s3", 1), story("", 1)],
        deliveries: vec![delivery("s3", "slack:C1", 1, DeliveryKind::Post)],
    }
}

async fn assert_only_the_first_poll_is_stored(store: &SqliteStore) {
    assert_eq!(
        store.get_feed(FEED).await.unwrap().unwrap().etag.as_deref(),
        Some("\"v1\""),
        "the feed's validators must not move on"
    );
    let ids: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    let seen = store.seen_ids(&ids).await.unwrap();
    assert_eq!(seen.len(), 1, "only item a is seen: {seen:?}");
    assert_eq!(store.get_story("s1").await.unwrap().unwrap().revision, 1);
    assert_eq!(store.get_story("s2").await.unwrap(), None);
    assert_eq!(store.get_story("s3").await.unwrap(), None);
    let due = store.due_deliveries(at(23), 100).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].key, "s1/slack:C1/1/post");
    assert_eq!(count(store, "deliveries").await, 1);
    assert_eq!(count(store, "seen_items").await, 1);
    assert_eq!(count(store, "stories").await, 1);
}

#[tokio::test]
async fn a_poll_that_fails_midway_leaves_nothing_of_itself_even_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();

    let err = store.commit_poll(&poll_failing_at_its_last_delivery()).await.unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err}");
    assert!(err.to_string().contains(FEED), "{err}");
    assert!(err.to_string().to_lowercase().contains("foreign key"), "{err}");
    assert_only_the_first_poll_is_stored(&store).await;

    let err = store.commit_poll(&poll_failing_at_a_story()).await.unwrap_err();
    assert!(err.to_string().contains("CHECK constraint"), "{err}");
    assert_only_the_first_poll_is_stored(&store).await;
    store.close().await;

    let store = open(&dir).await;
    assert_only_the_first_poll_is_stored(&store).await;
    // And the database still takes the poll once it is put right.
    let mut fixed = poll_failing_at_its_last_delivery();
    fixed.deliveries.pop();
    let summary = store.commit_poll(&fixed).await.unwrap();
    assert_eq!(summary.deliveries_queued, 2);
}

#[tokio::test]
async fn the_same_story_twice_in_one_commit_keeps_the_newest_revision() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut poll = first_poll();
    poll.stories = vec![story("s1", 2), story("s1", 1)];
    let summary = store.commit_poll(&poll).await.unwrap();
    assert_eq!(summary.stale_stories_ignored, 1);
    assert_eq!(store.get_story("s1").await.unwrap().unwrap().revision, 2);
}

#[tokio::test]
async fn a_poll_replayed_after_a_restart_queues_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let first = store.commit_poll(&first_poll()).await.unwrap();
    assert_eq!(first.deliveries_queued, 1);
    let id = store.due_deliveries(at(10), 10).await.unwrap()[0].id;
    store.mark_sent(id, Some("ts-1")).await.unwrap();
    // No close: the process just stops.
    drop(store);

    let store = open(&dir).await;
    let replay = store.commit_poll(&first_poll()).await.unwrap();
    assert_eq!(replay.deliveries_queued, 0);
    assert_eq!(replay.deliveries_ignored, 1);
    assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty(), "the sent post must not be queued again");
    let stored = store.delivery_by_key("s1/slack:C1/1/post").await.unwrap().unwrap();
    assert_eq!(stored.state, DeliveryState::Sent);
    assert_eq!(stored.platform_ref.as_deref(), Some("ts-1"));
}

#[tokio::test]
async fn a_delivery_is_retried_when_due_then_sent_and_threads_later_updates() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();

    let due = store.due_deliveries(at(10), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let post = &due[0];
    assert_eq!(post.kind, DeliveryKind::Post);
    assert_eq!(post.payload, json!({ "story": "s1", "revision": 1 }));

    store.mark_retry(post.id, "HTTP 429 Too Many Requests", at(11)).await.unwrap();
    assert!(store.due_deliveries(at(10), 10).await.unwrap().is_empty());
    let retried = store.due_deliveries(at(11), 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(retried[0].last_error.as_deref(), Some("HTTP 429 Too Many Requests"));

    store.mark_sent(post.id, Some("ts-post")).await.unwrap();
    let sent = store.get_delivery(post.id).await.unwrap().unwrap();
    assert_eq!((sent.state, sent.attempts), (DeliveryState::Sent, 2));
    assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());

    // The next poll's update replies in the post's thread.
    let mut next = first_poll();
    next.stories = vec![story("s1", 2)];
    next.deliveries = vec![delivery("s1", "slack:C1", 2, DeliveryKind::Update)];
    store.commit_poll(&next).await.unwrap();
    let update = &store.due_deliveries(at(12), 10).await.unwrap()[0];
    assert_eq!(update.kind, DeliveryKind::Update);
    assert_eq!(store.thread_ref("s1", "slack:C1").await.unwrap().as_deref(), Some("ts-post"));
    store.mark_failed(update.id, "not_in_channel").await.unwrap();
    assert!(store.due_deliveries(at(23), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_pooled_connection_runs_wal_synchronous_full_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    // Hold several connections at once so the settings are read from more than one.
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut connections {
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut **conn).await.unwrap();
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut **conn).await.unwrap();
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut **conn).await.unwrap();
        let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut **conn).await.unwrap();
        assert_eq!(journal, "wal");
        assert_eq!(synchronous, 2, "2 is FULL");
        assert_eq!(foreign_keys, 1);
        assert_eq!(busy_timeout, 5000);
    }
}

/// Opens a connection of our own to the store's file, standing in for another writer.
async fn other_writer(dir: &TempDir) -> SqliteConnection {
    let url = format!("sqlite://{}", dir.path().join("layoffwatch.sqlite").display());
    SqliteConnection::connect(&url).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_do_not_wait_for_a_writer_and_a_second_writer_waits_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();

    // Another writer takes the write lock and holds it with an uncommitted change.
    let mut writer = other_writer(&dir).await;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut writer).await.unwrap();
    sqlx::query("UPDATE feeds SET etag = 'uncommitted'").execute(&mut writer).await.unwrap();

    // Readers on the store's pool go straight through and see the last committed state. The writer
    // keeps its lock until after they return, so a reader that waited for it would not be let through
    // at all: it would wait out the busy timeout and fail, whatever the machine's speed.
    let (a, b) = tokio::join!(store.get_feed(FEED), store.due_deliveries(at(10), 10));
    assert_eq!(a.expect("a reader was not kept waiting by the writer").unwrap().etag.as_deref(), Some("\"v1\""));
    assert_eq!(b.expect("a reader was not kept waiting by the writer").len(), 1);

    // A writer on the store's pool waits (busy timeout) instead of failing...
    let waiting = tokio::spawn({
        let store = store.clone();
        async move {
            let mut poll = first_poll();
            poll.feed.etag = Some("\"v2\"".to_owned());
            store.commit_poll(&poll).await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the second writer should be waiting");
    // ...while readers still go through...
    assert!(store.get_story("s1").await.unwrap().is_some());
    // ...and succeeds once the first writer commits.
    sqlx::query("COMMIT").execute(&mut writer).await.unwrap();
    waiting.await.unwrap().unwrap();
    assert_eq!(store.get_feed(FEED).await.unwrap().unwrap().etag.as_deref(), Some("\"v2\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_polls_and_reads_on_one_store_never_report_a_locked_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();

    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..4 {
        let store = store.clone();
        tasks.spawn(async move {
            for n in 0..25 {
                let story_id = format!("w{writer}-{n}");
                let poll = PollCommit {
                    feed: feed(&format!("\"w{writer}-{n}\"")),
                    items: vec![item(&story_id, &story_id, 11)],
                    stories: vec![story(&story_id, 1)],
                    deliveries: vec![delivery(&story_id, "slack:C1", 1, DeliveryKind::Post)],
                };
                store.commit_poll(&poll).await?;
            }
            Ok::<(), StoreError>(())
        });
    }
    for _ in 0..4 {
        let store = store.clone();
        tasks.spawn(async move {
            for _ in 0..50 {
                store.items_since(at(0)).await?;
                store.due_deliveries(at(23), 20).await?;
                store.get_feed(FEED).await?;
            }
            Ok(())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(count(&store, "deliveries").await, 101);
    assert_eq!(count(&store, "seen_items").await, 101);
}

#[tokio::test]
async fn expired_article_text_is_gone_from_the_file_but_the_items_are_still_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut poll = first_poll();
    poll.items = vec![item("old", "s1", 1), item("fresh", "s1", 12)];
    store.commit_poll(&poll).await.unwrap();

    // Thirty days before "now" in production; here any cut-off between the two items.
    assert_eq!(store.expire_text(at(6)).await.unwrap(), 1);
    store.close().await;

    let store = open(&dir).await;
    let items = store.items_since(at(0)).await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].item_id, "old");
    assert_eq!(items[0].text, None);
    assert_eq!(items[0].simhash, 0x8000_0000_0000_0001);
    assert!(items[1].text.is_some());
    let with_text: i64 = sqlx::query_scalar("SELECT count(*) FROM seen_items WHERE text IS NOT NULL")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(with_text, 1);
}

#[tokio::test]
async fn opening_creates_the_file_and_reopening_runs_no_migration_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layoffwatch.sqlite");
    assert!(!path.exists());
    open(&dir).await.close().await;
    assert!(path.exists());
    let store = open(&dir).await;
    let migrations =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations/sqlite")).unwrap().count();
    assert_eq!(count(&store, "_sqlx_migrations").await, migrations as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_goes_through_while_another_connection_holds_a_read_transaction() {
    // Without WAL a commit needs every reader gone and would wait out the busy timeout here.
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.commit_poll(&first_poll()).await.unwrap();

    let mut reader = other_writer(&dir).await;
    sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM stories").fetch_one(&mut reader).await.unwrap();

    // The reader holds its transaction until after the commit returns, so a commit that had to wait
    // for it would wait out the busy timeout and fail rather than succeed late.
    let mut next = first_poll();
    next.stories = vec![story("s1", 1), story("s2", 1)];
    store.commit_poll(&next).await.expect("the commit was not kept waiting by a reader");

    // The reader keeps its snapshot until it ends its transaction.
    let during: i64 = sqlx::query_scalar("SELECT count(*) FROM stories").fetch_one(&mut reader).await.unwrap();
    assert_eq!((before, during), (1, 1));
    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    assert_eq!(count(&store, "stories").await, 2);
}

#[tokio::test]
async fn a_pending_post_is_seen_and_a_deferred_reply_spends_no_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut poll = first_poll();
    poll.deliveries.push(delivery("s1", "slack:C1", 1, DeliveryKind::Update));
    store.commit_poll(&poll).await.unwrap();
    assert!(store.post_pending("s1", "slack:C1").await.unwrap());
    assert!(!store.post_pending("s1", "discord:1").await.unwrap());
    let due = store.due_deliveries(at(10), 10).await.unwrap();
    let reply = due.iter().find(|d| d.kind == DeliveryKind::Update).unwrap();
    store.defer(reply.id, at(12)).await.unwrap();
    let later = store.get_delivery(reply.id).await.unwrap().unwrap();
    assert_eq!((later.attempts, later.next_attempt_at), (0, Some(at(12))));
    let post = due.iter().find(|d| d.kind == DeliveryKind::Post).unwrap();
    store.mark_sent(post.id, Some("ts")).await.unwrap();
    assert!(!store.post_pending("s1", "slack:C1").await.unwrap());
}
