//! The PostgreSQL backend's own behaviour: what an operator is told when the server is unreachable
//! or a newer layoffwatch migrated the database, what `check` learns without changing anything,
//! and instances starting together migrating once. The shared contract is in `store_suite.rs`.

mod support;

use layoffwatch::store::postgres::inspect;
use layoffwatch::store::{FeedState, PgStore, PollCommit, Store, StoreError, StoryRecord};

#[tokio::test]
async fn an_unreachable_server_is_named_without_its_password_with_what_to_check() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let err = PgStore::open("postgres://bot:hunter2@127.0.0.1:1/layoffwatch").await.unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("could not connect to the PostgreSQL database at"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(text.contains("LAYOFFWATCH_DB"), "{text}");
    assert!(!text.contains("hunter2"), "the password never reaches a message: {text}");
    let err = inspect("postgres://bot:hunter2@127.0.0.1:1/layoffwatch").await.unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
}

#[tokio::test]
async fn check_sees_pending_migrations_without_applying_them() {
    let Some(url) = support::postgres::fresh_schema("pg_check_pending").await else { return };
    let status = inspect(&url).await.unwrap();
    assert!(status.pending >= 1, "{status:?}");
    assert!(status.can_create);
    assert_eq!(inspect(&url).await.unwrap(), status, "inspecting changed nothing");
    let store = PgStore::open(&url).await.unwrap();
    assert_eq!(inspect(&url).await.unwrap().pending, 0);
    store.close().await;
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_layoffwatch_is_refused_with_its_version() {
    let Some(url) = support::postgres::fresh_schema("pg_migrations_ahead").await else { return };
    let store = PgStore::open(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, '\\x00', 1)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    for err in [PgStore::open(&url).await.unwrap_err(), inspect(&url).await.unwrap_err()] {
        assert!(matches!(err, StoreError::MigrationsAhead { version: 9999, .. }), "{err:?}");
        assert!(err.to_string().contains("a newer version wrote it"), "{err}");
    }
}

#[tokio::test]
async fn instances_starting_together_migrate_once_and_share_what_they_write() {
    let Some(url) = support::postgres::fresh_schema("pg_start_together").await else { return };
    let (one, two) = tokio::join!(PgStore::open(&url), PgStore::open(&url));
    let (one, two) = (one.unwrap(), two.unwrap());
    one.save_feed(&FeedState::new("https://news.example/rss")).await.unwrap();
    assert_eq!(two.list_feeds().await.unwrap().len(), 1);
}

/// A poll of `feed` that creates or extends story `id` (or touches no story).
fn poll_of(feed: &str, story: Option<(&str, u32)>) -> PollCommit {
    let at = chrono::Utc::now();
    PollCommit {
        feed: FeedState::new(feed),
        items: Vec::new(),
        stories: story
            .map(|(id, revision)| StoryRecord {
                id: id.into(),
                revision,
                payload: serde_json::json!({"headline": "Initech to cut 300 support jobs"}),
                first_seen: at,
                updated_at: at,
            })
            .into_iter()
            .collect(),
        deliveries: Vec::new(),
    }
}

#[tokio::test]
async fn a_poll_decided_on_stories_another_instance_changed_since_is_refused_and_writes_nothing() {
    let Some(url) = support::postgres::fresh_schema("pg_story_generation").await else { return };
    let (one, two) = (PgStore::open(&url).await.unwrap(), PgStore::open(&url).await.unwrap());
    let read = one.story_generation().await.unwrap();
    assert_eq!(two.story_generation().await.unwrap(), read);
    // Both decided on the same stories; the first to commit wins and moves the generation.
    one.commit_poll_at(&poll_of("https://wire.example/rss", Some(("s-wire", 1))), read).await.unwrap();
    assert_eq!(two.story_generation().await.unwrap(), read + 1);
    let err = two.commit_poll_at(&poll_of("https://daily.example/rss", Some(("s-daily", 1))), read).await.unwrap_err();
    assert!(matches!(err, StoreError::StoriesMoved { generation, .. } if generation == read), "{err:?}");
    assert!(err.to_string().contains("decided the poll of https://daily.example/rss"), "{err}");
    assert!(two.get_story("s-daily").await.unwrap().is_none(), "the refused poll wrote no story");
    assert!(two.get_feed("https://daily.example/rss").await.unwrap().is_none(), "nor its feed state");
    // Decided again on the current stories, it commits; a poll that touches no story never waits on others.
    two.commit_poll_at(&poll_of("https://daily.example/rss", Some(("s-wire", 2))), read + 1).await.unwrap();
    two.commit_poll_at(&poll_of("https://quiet.example/rss", None), read).await.unwrap();
    assert_eq!(one.story_generation().await.unwrap(), read + 2);
    assert_eq!(one.get_story("s-wire").await.unwrap().unwrap().revision, 2);
}
