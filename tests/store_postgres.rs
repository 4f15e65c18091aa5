//! The PostgreSQL backend's own behaviour: what an operator is told when the server is unreachable
//! or a newer layoffwatch migrated the database, what `check` learns without changing anything,
//! and instances starting together migrating once. The shared contract is in `store_suite.rs`.

mod support;

use layoffwatch::store::postgres::inspect;
use layoffwatch::store::{FeedState, PgStore, Store, StoreError};

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
