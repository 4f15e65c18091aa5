//! Chat channels get the stories of the feeds they subscribed to: a live channel gets each story
//! once and its later coverage in the thread, a channel that first hears of a story through another
//! feed gets the whole story, a digest channel gets nothing live and one digest per period, and the
//! operator's fixed outputs follow only the configured feeds. All of it survives a restart.

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use layoffwatch::core::message::{DigestPost, StoryPost, StoryUpdate};
use layoffwatch::core::story::StoryRules;
use layoffwatch::delivery::{Capabilities, DeliveryError, Destination, DestinationId, Platform, PostRef};
use layoffwatch::feeds::{FeedSource, FetchSettings, Fetcher};
use layoffwatch::pipeline::watcher::{WatchRules, Watcher};
use layoffwatch::store::{DeliveryKind, DeliveryState, DigestMode, SqliteStore, Store, Subscription};
use layoffwatch::summaries::Offline;
use std::path::Path;
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<(String, &'static str, String)>>>;

/// A destination that records what it was asked to do: (destination, kind, headline or title).
struct Recording {
    name: String,
    log: Log,
}

#[async_trait]
impl Destination for Recording {
    fn name(&self) -> DestinationId {
        DestinationId::parse(&self.name).expect("a recording's name is a destination id")
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }
    async fn post_story(&self, _key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.log.lock().unwrap().push((self.name.clone(), "post", post.headline.clone()));
        Ok(PostRef(format!("{}/{}", self.name, post.story_id)))
    }
    async fn post_update(
        &self,
        _key: &str,
        thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        assert!(thread.is_some(), "an update goes into the story's thread");
        self.log.lock().unwrap().push((self.name.clone(), "update", update.title.clone()));
        Ok(PostRef(format!("{}/{}/u{}", self.name, update.story_id, update.revision)))
    }
    async fn edit_story(&self, _key: &str, _first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.log.lock().unwrap().push((self.name.clone(), "edit", post.headline.clone()));
        Ok(())
    }
    async fn post_digest(&self, key: &str, digest: &DigestPost) -> Result<PostRef, DeliveryError> {
        let headlines: Vec<&str> = digest.stories.iter().map(|s| s.headline.as_str()).collect();
        self.log.lock().unwrap().push((self.name.clone(), "digest", headlines.join(" | ")));
        Ok(PostRef(key.to_string()))
    }
}

struct FakeChat {
    log: Log,
}

impl Platform for FakeChat {
    fn platform(&self) -> &'static str {
        "chat"
    }
    fn channel(&self, channel: &str) -> Arc<dyn Destination> {
        Arc::new(Recording { name: format!("chat:{channel}"), log: self.log.clone() })
    }
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

fn item(guid: &str, title: &str, body: &str, published: DateTime<Utc>) -> String {
    format!(
        "<item><guid>{guid}</guid><link>https://news.example/{guid}</link><title>{title}</title>\
         <pubDate>{}</pubDate><description>{body}</description></item>",
        published.to_rfc2822()
    )
}

fn write_feed(path: &Path, outlet: &str, items: &[String]) {
    let xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{outlet}</title>{}</channel></rss>",
        items.concat()
    );
    std::fs::write(path, xml).unwrap();
    // A rewrite within the same second must still read as changed to the fetcher's validators.
    static BUMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let later = std::time::SystemTime::now()
        + std::time::Duration::from_secs(60 * BUMP.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    std::fs::File::options().write(true).open(path).unwrap().set_modified(later).unwrap();
}

fn initech(guid: &str, n: u32, published: DateTime<Utc>) -> String {
    item(
        guid,
        &format!("Initech layoffs: {n} jobs cut as AI agents take over customer support"),
        &format!(
            "Initech will lay off {n} employees as AI agents take over customer support, the company said in a statement."
        ),
        published,
    )
}

/// Later coverage that revises the count, worded unlike the first reports so it is no near-duplicate.
fn initech_revised(guid: &str, published: DateTime<Utc>) -> String {
    item(
        guid,
        "Initech layoffs grow to 800 as support automation spreads",
        "Initech will now lay off 800 employees as AI agents handle more support tickets, the company said in an updated statement on Tuesday.",
        published,
    )
}

fn initech_followup(guid: &str, published: DateTime<Utc>) -> String {
    item(
        guid,
        "Initech sets March deadline for AI-driven support layoffs",
        "Initech told staff the layoffs tied to its AI support agents will be finished by March, according to an internal memo seen by Example Wire.",
        published,
    )
}

fn globex(published: DateTime<Utc>) -> String {
    item(
        "globex-1",
        "Globex replaces 200 call-centre roles with AI",
        "Globex is laying off 200 call-centre workers after moving the work to AI chatbots, the company said on Monday.",
        published,
    )
}

fn rules() -> WatchRules {
    WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 3,
        base_backoff: chrono::Duration::seconds(60),
        post_backlog: true,
        keep_text: chrono::Duration::days(30),
    }
}

async fn subscribe(store: &SqliteStore, channel: &str, feed: &FeedSource) {
    let sub = Subscription {
        platform: "chat".into(),
        channel: channel.into(),
        feed: feed.to_string(),
        added_by: "U1".into(),
        added_at: at(9, 0),
    };
    assert!(store.add_subscription(&sub).await.unwrap());
}

fn taken(log: &Log) -> Vec<(String, &'static str, String)> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn count(entries: &[(String, &'static str, String)], dest: &str, kind: &str, about: &str) -> usize {
    entries.iter().filter(|(d, k, text)| d == dest && *k == kind && text.contains(about)).count()
}

#[tokio::test]
async fn stories_reach_the_channels_of_their_feeds_once_and_digests_once_a_period() {
    let dir = tempfile::tempdir().unwrap();
    let (a_path, b_path) = (dir.path().join("wire.xml"), dir.path().join("daily.xml"));
    write_feed(&a_path, "Example Wire", &[initech("wire-1", 500, at(9, 40))]);
    write_feed(&b_path, "Example Daily", &[initech("daily-1", 500, at(9, 50)), globex(at(9, 55))]);
    let (a, b) = (FeedSource::File(a_path.clone()), FeedSource::File(b_path.clone()));
    let db = dir.path().join("bot.sqlite");
    let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
    subscribe(&store, "LIVE-A", &a).await;
    subscribe(&store, "LIVE-B", &b).await;
    subscribe(&store, "DIGEST-A", &a).await;
    store.set_digest("chat", "DIGEST-A", DigestMode::Hourly).await.unwrap();

    let log: Log = Arc::default();
    let fixed: Arc<dyn Destination> = Arc::new(Recording { name: "fixed".into(), log: log.clone() });
    let watcher = |store: SqliteStore| {
        Watcher::new(
            store,
            Fetcher::new(FetchSettings::default()).unwrap(),
            vec![fixed.clone()],
            Arc::new(Offline),
            rules(),
        )
        .with_platforms(vec![Arc::new(FakeChat { log: log.clone() })])
        .fixed_outputs_follow(std::slice::from_ref(&a))
    };
    let mut bot = watcher(store.clone());
    assert_eq!(bot.sources(std::slice::from_ref(&a)).await.unwrap().len(), 2, "configured and subscribed feeds");

    bot.poll(&a, at(10, 10)).await.unwrap();
    bot.poll(&b, at(10, 11)).await.unwrap();
    bot.flush(at(10, 11)).await.unwrap();
    let seen = taken(&log);
    assert_eq!(count(&seen, "chat:LIVE-A", "post", "Initech"), 1, "{seen:?}");
    assert_eq!(count(&seen, "chat:LIVE-A", "update", "Initech"), 1, "the second outlet is a reply: {seen:?}");
    assert_eq!(count(&seen, "chat:LIVE-B", "post", "Initech"), 1, "first heard through its own feed: {seen:?}");
    assert_eq!(count(&seen, "chat:LIVE-B", "update", "Initech"), 0, "{seen:?}");
    assert_eq!(count(&seen, "chat:LIVE-B", "post", "Globex"), 1, "{seen:?}");
    assert_eq!(count(&seen, "chat:LIVE-A", "post", "Globex"), 0, "not its feed: {seen:?}");
    assert_eq!(count(&seen, "fixed", "post", "Initech"), 1, "{seen:?}");
    assert_eq!(count(&seen, "fixed", "update", "Initech"), 1, "it shows the story, so it gets the update: {seen:?}");
    assert_eq!(count(&seen, "fixed", "post", "Globex"), 0, "fixed outputs follow the configured feed: {seen:?}");
    assert!(!seen.iter().any(|(d, ..)| d == "chat:DIGEST-A"), "a digest channel gets nothing live: {seen:?}");

    // The first digest check only starts the clock; the next hour's digest carries the hour's news.
    assert_eq!(bot.queue_digests(at(10, 12)).await.unwrap(), 0);
    write_feed(
        &b_path,
        "Example Daily",
        &[initech("daily-1", 500, at(9, 50)), globex(at(9, 55)), initech_revised("daily-2", at(10, 20))],
    );
    bot.poll(&b, at(10, 30)).await.unwrap();
    assert_eq!(bot.queue_digests(at(11, 5)).await.unwrap(), 1);
    assert_eq!(bot.queue_digests(at(11, 30)).await.unwrap(), 0, "one digest per period");
    bot.flush(at(11, 5)).await.unwrap();
    let seen = taken(&log);
    let digests: Vec<_> = seen.iter().filter(|(d, k, _)| d == "chat:DIGEST-A" && *k == "digest").collect();
    assert_eq!(digests.len(), 1, "{seen:?}");
    assert!(digests[0].2.contains("Initech") && !digests[0].2.contains("Globex"), "{digests:?}");
    assert_eq!(count(&seen, "chat:LIVE-A", "edit", "Initech"), 1, "a revised figure edits the first post: {seen:?}");

    // A restart remembers who shows which story: new coverage is an update everywhere, never a repost.
    drop(bot);
    let mut bot = watcher(store.clone());
    bot.restore(at(11, 40)).await.unwrap();
    write_feed(&a_path, "Example Wire", &[initech("wire-1", 500, at(9, 40)), initech_followup("wire-2", at(11, 30))]);
    bot.poll(&a, at(11, 45)).await.unwrap();
    bot.flush(at(11, 45)).await.unwrap();
    let seen = taken(&log);
    for dest in ["chat:LIVE-A", "chat:LIVE-B", "fixed"] {
        assert_eq!(count(&seen, dest, "update", "Initech"), 1, "{dest}: {seen:?}");
        assert_eq!(count(&seen, dest, "post", ""), 0, "{dest}: {seen:?}");
    }
    assert!(store.due_deliveries(at(12, 0), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_channel_of_a_platform_that_is_not_running_fails_its_deliveries_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wire.xml");
    write_feed(&path, "Example Wire", &[initech("wire-1", 500, at(9, 40))]);
    let feed = FeedSource::File(path);
    let store = SqliteStore::open_in_memory().await.unwrap();
    subscribe(&store, "C1", &feed).await;
    let log: Log = Arc::default();
    let fetcher = || Fetcher::new(FetchSettings::default()).unwrap();
    let mut with_chat = Watcher::new(store.clone(), fetcher(), Vec::new(), Arc::new(Offline), rules())
        .with_platforms(vec![Arc::new(FakeChat { log: log.clone() })]);
    with_chat.poll(&feed, at(10, 0)).await.unwrap();
    drop(with_chat);
    let without = Watcher::new(store.clone(), fetcher(), Vec::new(), Arc::new(Offline), rules());
    assert_eq!(without.flush(at(10, 0)).await.unwrap(), 0);
    assert!(store.due_deliveries(at(10, 0), 10).await.unwrap().is_empty(), "not left to clog the outbox");
    assert!(log.lock().unwrap().is_empty());
    let story = &store.stories_since(at(0, 0)).await.unwrap()[0];
    let key = layoffwatch::store::NewDelivery::idempotency_key(&story.id, "chat:C1", 1, DeliveryKind::Post);
    let failed = store.delivery_by_key(&key).await.unwrap().expect("the post was queued");
    assert_eq!(failed.state, DeliveryState::Failed);
    let error = failed.last_error.unwrap_or_default();
    assert!(error.contains("no longer configured") && error.contains("token"), "{error}");
}

/// Regression: a channel subscribed to two feeds got only the stories of the feed whose address sorts
/// first, because routing passed over a channel once it had seen any one of its subscriptions.
#[tokio::test]
async fn a_channel_subscribed_to_two_feeds_gets_the_stories_of_both() {
    let dir = tempfile::tempdir().unwrap();
    // The wire's address sorts after the daily's, as in the case that went wrong.
    let (wire_path, daily_path) = (dir.path().join("b-wire.xml"), dir.path().join("a-daily.xml"));
    write_feed(&wire_path, "Example Wire", &[initech("wire-1", 500, at(9, 40))]);
    write_feed(&daily_path, "Example Daily", &[globex(at(9, 55))]);
    let (wire, daily) = (FeedSource::File(wire_path), FeedSource::File(daily_path));
    let store = SqliteStore::open_in_memory().await.unwrap();
    subscribe(&store, "BOTH", &wire).await;
    subscribe(&store, "BOTH", &daily).await;
    let log: Log = Arc::default();
    let fetcher = Fetcher::new(FetchSettings::default()).unwrap();
    let mut bot = Watcher::new(store, fetcher, Vec::new(), Arc::new(Offline), rules())
        .with_platforms(vec![Arc::new(FakeChat { log: log.clone() })]);
    bot.poll(&wire, at(10, 0)).await.unwrap();
    bot.poll(&daily, at(10, 1)).await.unwrap();
    bot.flush(at(10, 1)).await.unwrap();
    let seen = taken(&log);
    assert_eq!(count(&seen, "chat:BOTH", "post", "Initech"), 1, "{seen:?}");
    assert_eq!(count(&seen, "chat:BOTH", "post", "Globex"), 1, "{seen:?}");
}

/// Regression (issue 11): a channel that follows only a Google News search got nothing when the
/// search's item was the same article another feed had already brought in, because the copy was
/// passed over as a duplicate instead of routed to the story it belongs to.
#[tokio::test]
async fn a_channel_following_only_an_aggregator_gets_the_story_another_feed_brought_first() {
    let dir = tempfile::tempdir().unwrap();
    let (wire_path, google_path) = (dir.path().join("wire.xml"), dir.path().join("google.xml"));
    write_feed(&wire_path, "Example Wire", &[initech("wire-1", 500, at(9, 40))]);
    let google = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\"AI layoffs\" - Google News</title>\
         <link>https://news.google.com/search?q=ai+layoffs</link><item><title>Initech layoffs: 500 jobs cut as AI agents take over customer support - news.example</title>\
         <link>https://news.google.com/rss/articles/CBMiTOKEN1?oc=5</link><guid isPermaLink=\"false\">CBMiTOKEN1</guid>\
         <pubDate>{}</pubDate><source url=\"https://news.example\">news.example</source></item></channel></rss>",
        at(9, 45).to_rfc2822()
    );
    std::fs::write(&google_path, google).unwrap();
    let (wire, search) = (FeedSource::File(wire_path), FeedSource::File(google_path));
    let store = SqliteStore::open_in_memory().await.unwrap();
    subscribe(&store, "WIRE", &wire).await;
    subscribe(&store, "SEARCH", &search).await;
    let log: Log = Arc::default();
    let fetcher = Fetcher::new(FetchSettings::default()).unwrap();
    let mut bot = Watcher::new(store, fetcher, Vec::new(), Arc::new(Offline), rules())
        .with_platforms(vec![Arc::new(FakeChat { log: log.clone() })]);
    bot.poll(&wire, at(10, 0)).await.unwrap();
    bot.poll(&search, at(10, 1)).await.unwrap();
    bot.flush(at(10, 1)).await.unwrap();
    let seen = taken(&log);
    assert_eq!(count(&seen, "chat:WIRE", "post", "Initech"), 1, "{seen:?}");
    assert_eq!(count(&seen, "chat:SEARCH", "post", "Initech"), 1, "{seen:?}");
    assert_eq!(
        count(&seen, "chat:WIRE", "update", "Initech"),
        0,
        "another route to one article is no update: {seen:?}"
    );
}
