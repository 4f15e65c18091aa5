//! `layoffwatch migrate --from sqlite://PATH --to postgres://URL` with the real binary: everything
//! an installation remembers arrives in PostgreSQL (outbox ids included, so threads continue), a
//! target that already holds data is refused unless `--force` is given, and a wrong source or
//! target is refused with what to give instead.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use layoffwatch::secret::Secret;
use layoffwatch::store::{
    DeliveryKind, DeliveryState, DigestMode, FeedState, InboxEntry, NewDelivery, PgStore, PollCommit, SeenItem,
    SqliteStore, Store, StoryRecord, Subscription,
};
use serde_json::json;
use std::process::{Command, Output};

const FEED: &str = "https://news.example/layoffs.rss";

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap()
}

fn migrate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoffwatch")).arg("migrate").args(args).output().unwrap()
}

/// A SQLite installation with one of everything: a polled feed, an item, a story posted to a
/// channel (sent) with an update still pending, a subscription, a digest, a handled event and an
/// unanswered command.
async fn installation(path: &str) {
    let store = SqliteStore::open(path).await.unwrap();
    let mut feed = FeedState::new(FEED);
    feed.etag = Some("\"v7\"".into());
    feed.last_polled = Some(at(9));
    feed.first_poll_done = true;
    let post = |kind, revision| NewDelivery {
        key: NewDelivery::idempotency_key("s1", "slack:C1", revision, kind),
        story_id: Some("s1".into()),
        destination: "slack:C1".into(),
        kind,
        payload: json!({ "headline": "Quillon Robotics to cut 300 jobs" }),
    };
    store
        .commit_poll(&PollCommit {
            feed,
            items: vec![SeenItem {
                item_id: "item-1".into(),
                feed_url: FEED.into(),
                canonical_url: Some("https://news.example/quillon-cuts".into()),
                simhash: u64::MAX - 7,
                story_id: Some("s1".into()),
                published: Some(at(8)),
                seen_at: at(9),
                text: Some("Quillon Robotics said on Tuesday it would cut 300 jobs.".into()),
            }],
            stories: vec![StoryRecord {
                id: "s1".into(),
                revision: 2,
                payload: json!({ "headline": "Quillon Robotics to cut 300 jobs", "companies": ["Quillon Robotics"] }),
                first_seen: at(9),
                updated_at: at(10),
            }],
            deliveries: vec![post(DeliveryKind::Post, 1), post(DeliveryKind::Update, 2)],
        })
        .await
        .unwrap();
    let first = store.due_deliveries(at(10), 1).await.unwrap()[0].id;
    store.mark_sent(first, Some("1763629200.000100")).await.unwrap();
    let subscription = Subscription {
        platform: "slack".into(),
        channel: "C1".into(),
        feed: FEED.into(),
        added_by: "U1".into(),
        added_at: at(7),
    };
    store.add_subscription(&subscription).await.unwrap();
    store.set_digest("slack", "C1", DigestMode::Hourly).await.unwrap();
    store.queue_digest("slack", "C1", at(10), None).await.unwrap();
    store.mark_event_seen("Ev0001", at(10)).await.unwrap();
    store
        .inbox_accept(&InboxEntry {
            id: "slack:command:trig-9".into(),
            platform: "slack".into(),
            work: json!({ "command": { "channel": "C1", "text": "list" } }).to_string(),
            reply_to: Some(Secret::new("https://hooks.slack.example/commands/T1/9/xyz")),
            reply: None,
            received_at: at(10),
            expires_at: at(11),
        })
        .await
        .unwrap();
    store.close().await;
}

#[tokio::test]
async fn an_installation_arrives_whole_and_a_second_copy_needs_force() {
    let Some(url) = support::postgres::fresh_schema("cli_migrate_whole").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layoffwatch.sqlite");
    let path = path.to_str().unwrap();
    installation(path).await;

    let from = format!("sqlite://{path}");
    let out = migrate(&["--from", &from, "--to", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["copied"]["deliveries"], 2);
    assert_eq!(report["copied"]["inbox"], 1);

    let source = SqliteStore::open(path).await.unwrap();
    let target = PgStore::open(&url).await.unwrap();
    assert_eq!(target.list_feeds().await.unwrap(), source.list_feeds().await.unwrap());
    assert_eq!(target.items_since(at(0)).await.unwrap(), source.items_since(at(0)).await.unwrap());
    assert_eq!(target.get_story("s1").await.unwrap(), source.get_story("s1").await.unwrap());
    assert_eq!(target.all_subscriptions().await.unwrap(), source.all_subscriptions().await.unwrap());
    assert_eq!(target.list_digests().await.unwrap(), source.list_digests().await.unwrap());
    assert_eq!(target.inbox_entries("slack").await.unwrap(), source.inbox_entries("slack").await.unwrap());
    assert!(!target.mark_event_seen("Ev0001", at(12)).await.unwrap(), "a handled event stays handled");
    // The thread continues: the sent post keeps its id and reference, the update is still due.
    assert_eq!(target.thread_ref("s1", "slack:C1").await.unwrap().as_deref(), Some("1763629200.000100"));
    let due = target.due_deliveries(at(12), 10).await.unwrap();
    assert_eq!(due, source.due_deliveries(at(12), 10).await.unwrap());
    assert_eq!((due.len(), due[0].state), (1, DeliveryState::Pending));
    // New deliveries continue after the copied ids.
    let digest = NewDelivery {
        key: "digest/slack:C1/2026-11-20T11:00Z".into(),
        story_id: None,
        destination: "slack:C1".into(),
        kind: DeliveryKind::Digest,
        payload: json!({ "kind": "digest" }),
    };
    assert!(target.queue_digest("slack", "C1", at(11), Some(&digest)).await.unwrap());
    assert!(target.delivery_by_key(&digest.key).await.unwrap().unwrap().id > due[0].id);
    target.close().await;

    let again = migrate(&["--from", path, "--to", &url]);
    assert_eq!(again.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("the target database is not empty") && stderr.contains("--force"), "{stderr}");

    let forced = migrate(&["--from", path, "--to", &url, "--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let target = PgStore::open(&url).await.unwrap();
    assert!(target.delivery_by_key(&digest.key).await.unwrap().is_none(), "--force replaced what was there");
    assert_eq!(target.due_deliveries(at(12), 10).await.unwrap().len(), 1);
}

#[test]
fn a_missing_source_or_a_target_that_is_not_postgres_is_refused_with_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here.sqlite");
    let out = migrate(&["--from", missing.to_str().unwrap(), "--to", "postgres://postgres@127.0.0.1:5432/test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an existing SQLite file"));
    assert!(!missing.exists(), "the missing source was not created");
    let file = dir.path().join("bot.sqlite");
    std::fs::write(&file, b"").unwrap();
    let out = migrate(&["--from", file.to_str().unwrap(), "--to", "./other.sqlite"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--to must be a postgres:// URL"));
}
