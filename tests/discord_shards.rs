//! Discord shards leased across instances: two apps started in-process on one database (PostgreSQL,
//! as several instances run; and one SQLite file, which leases the same way) against the fake
//! Discord gateway, with two shards of one each per lease and leases of three seconds.
//!
//! An instance that died holds shard 1 (a lease nobody renews): the first app starts shard 0 and,
//! once the dead lease runs out, takes shard 1 over (counted in `/metrics`). The second app arrives
//! and the first hands it one shard; the first stops and the second runs both. The fake counts the
//! gateway sessions of each shard open at once: never more than one.

mod support;

use chrono::Utc;
use layoffwatch::app::App;
use layoffwatch::config::Settings;
use layoffwatch::store::{AnyStore, Store};
use std::collections::HashMap;
use std::time::Duration;
use support::fake_discord::FakeDiscord;
use tokio::sync::oneshot;

/// How long any one condition may take to hold (the machine is shared; this is no timing test).
const PATIENCE: Duration = Duration::from_secs(90);

const TOKEN: &str = "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789";

fn settings(db: &str, instance: &str, discord: &FakeDiscord) -> Settings {
    let vars: HashMap<&str, String> = HashMap::from([
        ("LAYOFFWATCH_DB", db.to_owned()),
        ("LAYOFFWATCH_INSTANCE", instance.to_owned()),
        ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".to_owned()),
        ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0".to_owned()),
        ("LAYOFFWATCH_CONSOLE", "false".to_owned()),
        ("LAYOFFWATCH_SHARD_LEASE_SECONDS", "3".to_owned()),
        ("DISCORD_TOKEN", TOKEN.to_owned()),
        ("DISCORD_API_URL", discord.url()),
        ("DISCORD_SHARDS", "2".to_owned()),
        ("DISCORD_SHARDS_PER_LEASE", "1".to_owned()),
    ]);
    Settings::load(None, &|k| vars.get(k).cloned()).expect("valid test settings")
}

/// An app running in a task, its HTTP address, and the switch that stops it.
struct Running {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), layoffwatch::app::AppError>>,
    http: String,
}

async fn start(settings: Settings) -> Running {
    let app = App::build(settings).await.expect("the app builds");
    let http = format!("http://{}", app.local_addr().expect("an HTTP port"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Running { stop, task, http }
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(PATIENCE, self.task).await.expect("the app stops").expect("no panic");
        ended.expect("the app stops cleanly");
    }

    async fn get(&self, path: &str) -> String {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        client.get(format!("{}{path}", self.http)).send().await.unwrap().text().await.unwrap()
    }

    /// The `discord_shard_leases=` line of `/healthz`.
    async fn shard_leases(&self) -> String {
        let health = self.get("/healthz").await;
        health.lines().find_map(|l| l.strip_prefix("discord_shard_leases=")).unwrap_or("(none)").to_owned()
    }

    async fn wait_for_shards(&self, who: &str, want: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let held = self.shard_leases().await;
            if held == want {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited {PATIENCE:?} for {who} to hold {want:?}; holds {held:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sessions of `shard` open on the fake gateway now, and the most ever open at once.
fn sessions(discord: &FakeDiscord, shard: u64) -> (usize, usize) {
    let s = discord.state.lock().unwrap();
    (s.shards_open.get(&shard).copied().unwrap_or(0), s.shards_most_open.get(&shard).copied().unwrap_or(0))
}

async fn two_instances_split_the_shards_and_take_over_a_dead_ones(db: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let discord = FakeDiscord::start().await;
    // A dead instance's leases: shard 1, and its presence, both running out in three seconds.
    let store = AnyStore::open(db).await.unwrap();
    let (now, soon) = (Utc::now(), Utc::now() + chrono::Duration::seconds(3));
    store.take_lease("discord-shards:1-1/2", "ghost", now, soon).await.unwrap();
    store.take_lease("instance:ghost", "ghost", now, soon).await.unwrap();

    let one = start(settings(db, "one", &discord)).await;
    one.wait_for_shards("one", "0-0/2").await;
    assert_eq!(sessions(&discord, 1), (0, 0), "shard 1 waits for the dead instance's lease to run out");
    one.wait_for_shards("one", "0-0/2,1-1/2").await;
    wait_for("both shards connected", || sessions(&discord, 0).0 == 1 && sessions(&discord, 1).0 == 1).await;
    let metrics = one.get("/metrics").await;
    assert!(metrics.contains("layoffwatch_lease_takeovers_total{lease=\"discord_shards\"} 1"), "{metrics}");
    assert!(metrics.contains("layoffwatch_discord_shards_held 2"), "{metrics}");

    let two = start(settings(db, "two", &discord)).await;
    two.wait_for_shards("two", "1-1/2").await;
    one.wait_for_shards("one", "0-0/2").await;
    wait_for("shard 1 connected again", || sessions(&discord, 1).0 == 1).await;
    let metrics = two.get("/metrics").await;
    assert!(
        metrics.contains("layoffwatch_lease_takeovers_total{lease=\"discord_shards\"} 0"),
        "handed over: {metrics}"
    );

    one.stop().await;
    two.wait_for_shards("two", "0-0/2,1-1/2").await;
    wait_for("both shards connected to two", || sessions(&discord, 0).0 == 1 && sessions(&discord, 1).0 == 1).await;
    two.stop().await;
    wait_for("every session closed", || sessions(&discord, 0).0 == 0 && sessions(&discord, 1).0 == 0).await;

    for shard in [0, 1] {
        assert_eq!(sessions(&discord, shard).1, 1, "shard {shard} never ran in two instances at once");
    }
    let identified = discord.state.lock().unwrap().identified_shards.clone();
    assert_eq!(identified, [0, 1, 1, 0], "one started 0 and took 1 over, two was handed 1, then took 0");
    assert!(store.leases("discord-shards:", Utc::now()).await.unwrap().is_empty(), "stopped instances release");
}

#[tokio::test]
async fn on_postgres_two_instances_split_the_shards_and_take_over_a_dead_ones() {
    let Some(url) = support::postgres::fresh_schema("discord_shards").await else { return };
    two_instances_split_the_shards_and_take_over_a_dead_ones(&url).await;
}

#[tokio::test]
async fn on_one_sqlite_file_two_instances_split_the_shards_and_take_over_a_dead_ones() {
    let dir = tempfile::tempdir().unwrap();
    two_instances_split_the_shards_and_take_over_a_dead_ones(dir.path().join("db.sqlite").to_str().unwrap()).await;
}
