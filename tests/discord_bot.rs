//! The Discord bot against a local fake Discord (REST + gateway on 127.0.0.1): the gateway protocol,
//! story posting in text and forum channels, every slash command with and without permission,
//! "Summarize thread" over a 500-message thread, mentions that ping nobody, and 429s. Every request
//! body the bot sends is checked against Discord's OpenAPI request schemas by the fake.

mod support;

use chrono::TimeZone;
use layoffwatch::adapters::discord::DiscordBot;
use layoffwatch::adapters::discord::settings::{CommandScope, DiscordSettings, Sharding, Snowflake};
use layoffwatch::commands::Commands;
use layoffwatch::config::Settings;
use layoffwatch::core::claims::{Source, SourceKind};
use layoffwatch::core::message::{ShownBullet, ShownClaim, StoryPost, StoryUpdate};
use layoffwatch::delivery::{Platform, PostRef};
use layoffwatch::feeds::presets::Presets;
use layoffwatch::store::{DigestMode, SqliteStore, Store};
use layoffwatch::summaries::Offline;
use serde_json::{Value, json};
use std::sync::Arc;
use support::fake_discord::{self, Control, FakeDiscord, GUILD};

const TEXT: u64 = 100;
const FORUM: u64 = 200;
const THREAD: u64 = 300;
const MANAGE_CHANNELS: u64 = 1 << 4;
const SEND_MESSAGES: u64 = 1 << 11;

fn settings(fake: &FakeDiscord, commands: CommandScope) -> DiscordSettings {
    let env = [
        ("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789".to_string()),
        ("DISCORD_API_URL", fake.url()),
        ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".into()),
    ];
    let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    let mut s = Settings::load(None, &lookup).expect("valid test settings").discord.expect("discord is on");
    // Subscriptions typed by users must still be refused on private addresses.
    s.allow_private_addresses = false;
    s.commands = commands;
    s.sharding = Sharding::Auto;
    s
}

/// The commands layer on `store`; subscriptions typed by users are refused on private addresses.
fn layer(store: &SqliteStore) -> Commands {
    Commands::new(store.clone(), Arc::new(Offline), Presets::bundled(), false)
}

async fn start(commands: CommandScope) -> (FakeDiscord, DiscordBot, SqliteStore) {
    let fake = FakeDiscord::start().await;
    fake.add_channel(TEXT, 0, json!({}));
    fake.add_channel(
        FORUM,
        15,
        json!({"flags": 16, "available_tags": [
            {"id": "501", "name": "Confirmed", "moderated": false, "emoji_id": null, "emoji_name": null},
            {"id": "504", "name": "Reported", "moderated": false, "emoji_id": null, "emoji_name": null},
            {"id": "502", "name": "Initech", "moderated": false, "emoji_id": null, "emoji_name": null},
            {"id": "503", "name": "Mods", "moderated": true, "emoji_id": null, "emoji_name": null}]}),
    );
    fake.add_channel(THREAD, 11, json!({"parent_id": TEXT.to_string()}));
    let store = SqliteStore::open_in_memory().await.unwrap();
    let bot = DiscordBot::new(settings(&fake, commands), layer(&store)).unwrap();
    (fake, bot, store)
}

fn shown(text: &str, reasons: &[&str], source: Option<&str>) -> ShownClaim {
    ShownClaim {
        text: text.into(),
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        source: source.map(|s| Source {
            name: s.into(),
            kind: SourceKind::Outlet,
            url: Some("https://news.example/initech".into()),
        }),
        origin: "https://news.example/initech".into(),
        hedges: vec![],
    }
}

fn story(revision: u32, headcount: &str) -> StoryPost {
    StoryPost {
        story_id: "initech-2026-04".into(),
        revision,
        headline: format!("Initech to cut {headcount} jobs @everyone <@&123456> @here"),
        url: Some("https://news.example/initech".into()),
        bullets: vec![ShownBullet {
            text: format!("Initech will cut {headcount} jobs, the company said. <@&123456>"),
            cites: vec!["https://news.example/initech".into()],
            speculative: false,
        }],
        facts: vec![
            serde_json::from_value(json!({
                "company": "Initech", "headcount": 1200, "headcount_qualifier": "about", "percent": 8.0,
                "date": "2026-05-20", "announced": "2026-04-18", "effective": "2026-05-20", "ai_reason": "company",
                "source": "Example News", "item": "https://news.example/initech"
            }))
            .unwrap(),
        ],
        sourced: vec![shown("Initech will cut 1,200 jobs, the company said.", &["official"], Some("Example News"))],
        speculative: vec![shown("More cuts are likely by autumn @everyone.", &["hedge", "prediction"], None)],
        outlets: vec!["Example News".into(), "Wire Example".into()],
        first_seen: chrono::Utc.with_ymd_and_hms(2026, 4, 18, 10, 0, 0).unwrap(),
    }
}

fn update() -> StoryUpdate {
    StoryUpdate {
        story_id: "initech-2026-04".into(),
        revision: 2,
        outlet: "Wire Example".into(),
        title: "Initech cuts deeper than first reported".into(),
        url: Some("https://wire.example/initech".into()),
        new_sourced: vec![shown("A WARN notice lists 1,800 affected workers.", &["document"], Some("Wire Example"))],
        new_speculative: vec![],
        revision_note: Some("Headcount revised: 1,200 → 1,800".into()),
    }
}

#[tokio::test]
async fn a_story_in_a_text_channel_gets_a_thread_updates_in_it_and_an_edit_in_place() {
    let (fake, bot, _) = start(CommandScope::Global).await;
    let channel = bot.channel(&TEXT.to_string());
    assert_eq!(channel.name().to_string(), format!("discord:{TEXT}"));
    let first = channel.post_story("initech/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    let posted = fake.requests_exact("POST", &format!("/channels/{TEXT}/messages"));
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].body["enforce_nonce"], true);
    let embed = &posted[0].body["embeds"][0];
    assert_eq!(embed["url"], "https://news.example/initech");
    assert!(embed["footer"]["text"].as_str().unwrap().ends_with("Example News, Wire Example"));
    let thread = fake.requests_to("POST", &format!("/messages/{}/threads", first.0));
    assert_eq!(thread.len(), 1, "one thread started on the post");
    assert!(thread[0].body["name"].as_str().unwrap().starts_with("Initech to cut 1,200 jobs"));

    // A retry of the same delivery (its answer lost) posts nothing new and keeps the thread.
    let again = channel.post_story("initech/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(fake.messages(TEXT).len(), 1);

    let reply = channel.post_update("initech/discord:100/2/update", Some(&first), &update()).await.unwrap();
    let thread_id: u64 = first.0.parse().unwrap();
    assert_eq!(fake.messages(thread_id).len(), 1);
    assert_eq!(fake.messages(thread_id)[0]["id"], reply.0.as_str());

    channel.edit_story("initech/discord:100/2/edit", &first, &story(2, "1,800")).await.unwrap();
    let edits = fake.requests_to("PATCH", &format!("/channels/{TEXT}/messages/{}", first.0));
    assert_eq!(edits.len(), 1);
    assert!(fake.messages(TEXT)[0]["embeds"][0]["title"].as_str().unwrap().contains("1,800"));
    assert!(fake.messages(TEXT)[0]["embeds"][0]["footer"]["text"].as_str().unwrap().contains("updated"));
    fake.assert_pings_nobody();
    assert!(fake.assert_bodies_valid() >= 5);
}

/// Regression (issue 13): Discord honours a nonce for a few minutes only, so a restart after a longer
/// outage posted the story and its reply again.
#[tokio::test]
async fn a_retry_past_the_nonce_window_finds_the_post_by_its_content() {
    let (fake, bot, store) = start(CommandScope::Global).await;
    let channel = bot.channel(&TEXT.to_string());
    let first = channel.post_story("initech/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    let reply = channel.post_update("initech/discord:100/2/update", Some(&first), &update()).await.unwrap();
    fake.expire_nonces();

    let restarted = DiscordBot::new(settings(&fake, CommandScope::Global), layer(&store)).unwrap();
    let channel = restarted.channel(&TEXT.to_string());
    let again = channel.post_story("initech/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    let reply_again = channel.post_update("initech/discord:100/2/update", Some(&first), &update()).await.unwrap();

    assert_eq!((again, reply_again), (first.clone(), reply));
    assert_eq!(fake.messages(TEXT).len(), 1, "the story is not posted twice");
    assert_eq!(fake.messages(first.0.parse().unwrap()).len(), 1, "nor is its reply");
    assert!(!fake.requests_exact("GET", &format!("/channels/{TEXT}/messages")).is_empty(), "it read the channel back");
    // Something new is still posted.
    channel.post_story("globex/discord:100/1/post", &story(1, "90")).await.unwrap();
    assert_eq!(fake.messages(TEXT).len(), 2);
}

/// Regression: two instances sharing a database. One started the story's thread (so it knew the
/// thread as its own), the other posted a reply and died before recording it; past the nonce window the
/// first took the reply over, trusted its memory of the thread and posted the reply a second time.
#[tokio::test]
async fn a_reply_another_instance_posted_unrecorded_is_found_not_posted_again() {
    let (fake, a, store) = start(CommandScope::Global).await;
    let b = DiscordBot::new(settings(&fake, CommandScope::Global), layer(&store)).unwrap();
    let first =
        a.channel(&TEXT.to_string()).post_story("initech/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    let key = "initech/discord:100/2/update";
    let reply = b.channel(&TEXT.to_string()).post_update(key, Some(&first), &update()).await.unwrap();
    fake.expire_nonces();

    let channel = a.channel(&TEXT.to_string());
    channel.may_be_posted(key);
    let again = channel.post_update(key, Some(&first), &update()).await.unwrap();

    assert_eq!(again, reply, "the take-over answers with the reply already in the thread");
    assert_eq!(fake.messages(first.0.parse().unwrap()).len(), 1, "the reply is not posted twice");
}

#[tokio::test]
async fn a_story_in_a_forum_is_a_tagged_post_updated_and_edited_in_its_thread() {
    let (fake, bot, _) = start(CommandScope::Global).await;
    let channel = bot.channel(&FORUM.to_string());
    let first = channel.post_story("initech/discord:200/1/post", &story(1, "1,200")).await.unwrap();
    let created = fake.requests_to("POST", &format!("/channels/{FORUM}/threads"));
    assert_eq!(created.len(), 1);
    // The story is reported (an outlet's word), not confirmed: no official or document source.
    assert_eq!(created[0].body["applied_tags"], json!(["504", "502"]), "state and company tags, never a moderated one");
    // The post at a glance: its marked lines are in the description, not in fields.
    let description = created[0].body["message"]["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("• ") && description.contains('✅'), "{description}");

    // Forum posts take no nonce: a retry finds the earlier post by its story tag instead.
    let again = channel.post_story("initech/discord:200/1/post", &story(1, "1,200")).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(fake.requests_to("POST", &format!("/channels/{FORUM}/threads")).len(), 1);

    let thread: u64 = first.0.parse().unwrap();
    channel.post_update("initech/discord:200/2/update", Some(&first), &update()).await.unwrap();
    assert_eq!(fake.messages(thread).len(), 2, "the starter message and the update");
    channel.edit_story("initech/discord:200/2/edit", &first, &story(2, "1,800")).await.unwrap();
    assert_eq!(fake.requests_to("PATCH", &format!("/channels/{thread}/messages/{thread}")).len(), 1);
    fake.assert_pings_nobody();
    fake.assert_bodies_valid();
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_post_then_succeeds_once() {
    let (fake, bot, _) = start(CommandScope::Global).await;
    fake.throttle(&format!("/channels/{TEXT}/messages"), 1, 0.2, false);
    fake.throttle("/threads", 1, 0.1, true);
    let channel = bot.channel(&TEXT.to_string());
    channel.post_story("k/discord:100/1/post", &story(1, "1,200")).await.unwrap();
    assert_eq!(fake.requests_exact("POST", &format!("/channels/{TEXT}/messages")).len(), 2, "refused once, then sent");
    assert_eq!(fake.requests_to("POST", "/threads").len(), 2, "a global 429 is waited out too");
    assert_eq!(fake.messages(TEXT).len(), 1);

    // A burst of updates with 429s sprinkled in: every one arrives, none twice.
    let first = PostRef(fake.messages(TEXT)[0]["id"].as_str().unwrap().into());
    fake.throttle("/messages", 5, 0.05, false);
    let sends = (0..30).map(|i| {
        let channel = channel.clone();
        let first = first.clone();
        async move { channel.post_update(&format!("k/discord:100/{i}/update"), Some(&first), &update()).await }
    });
    for result in futures_util::future::join_all(sends).await {
        result.unwrap();
    }
    assert_eq!(fake.messages(first.0.parse().unwrap()).len(), 30);
    fake.assert_bodies_valid();
}

#[tokio::test]
async fn a_429_longer_than_the_bot_waits_inline_goes_back_to_the_outbox() {
    let (fake, bot, _) = start(CommandScope::Global).await;
    fake.throttle("/messages", 1, 120.0, false);
    let err = bot.channel(&TEXT.to_string()).post_story("k/discord:100/1/post", &story(1, "1")).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert!(err.to_string().contains("retry after"), "{err}");
}

async fn serve(bot: &DiscordBot) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = bot.clone();
    let task = tokio::spawn(async move {
        bot.serve(async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (stop, task)
}

async fn ready(fake: &FakeDiscord) {
    fake.wait_for("commands registered", |f| !f.requests_to("PUT", "/commands").is_empty()).await;
}

/// Sends an interaction and returns the bot's first callback for it.
async fn invoke(fake: &FakeDiscord, interaction: Value) -> Value {
    let id = interaction["id"].as_str().unwrap().to_string();
    fake.send(Control::Dispatch("INTERACTION_CREATE", interaction));
    let path = format!("/interactions/{id}/");
    fake.wait_for("the interaction callback", |f| !f.requests_to("POST", &path).is_empty()).await;
    fake.requests_to("POST", &path)[0].body.clone()
}

fn reply_text(callback: &Value) -> String {
    assert_eq!(callback["type"], 4);
    assert_eq!(callback["data"]["flags"], 64, "ephemeral");
    callback["data"]["content"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_gateway_identifies_with_no_intents_heartbeats_resumes_and_reidentifies() {
    let (fake, bot, _) = start(CommandScope::Guild(Snowflake(GUILD))).await;
    let (stop, task) = serve(&bot).await;
    ready(&fake).await;
    let identify = &fake.gateway_ops(2)[0]["d"];
    assert_eq!(identify["intents"], 0);
    assert_eq!(identify["shard"], json!([0, 1]));
    assert_eq!(fake.requests_to("GET", "/gateway/bot").len(), 1, "autosharded: Discord says how many shards");
    let put = &fake.requests_to("PUT", &format!("/applications/{}/guilds/{GUILD}/commands", fake_discord::APP_ID))[0];
    assert_eq!(put.body.as_array().unwrap().len(), 2);
    fake.wait_for("a heartbeat acknowledged", |f| f.state.lock().unwrap().heartbeats_acked > 0).await;

    fake.send(Control::Reconnect);
    fake.wait_for("a RESUME", |f| !f.gateway_ops(6).is_empty()).await;
    assert_eq!(fake.gateway_ops(6)[0]["d"]["session_id"], "session-1");

    fake.send(Control::InvalidSession(false));
    fake.wait_for("a second IDENTIFY", |f| f.gateway_ops(2).len() == 2).await;

    // Still answering after all that, and commands were registered once.
    let help = reply_text(&invoke(&fake, fake_discord::slash(1, TEXT, 0, 0, "help", json!([]))).await);
    assert!(help.contains("/layoffs subscribe") && help.contains("tech-news"), "{help}");
    assert_eq!(fake.requests_to("PUT", "/commands").len(), 1);
    stop.send(()).unwrap();
    task.await.unwrap();
    fake.assert_bodies_valid();
}

#[tokio::test]
async fn every_command_checks_permission_and_writes_the_store() {
    let (fake, bot, store) = start(CommandScope::Global).await;
    let (stop, task) = serve(&bot).await;
    ready(&fake).await;
    let feed = json!([{"name": "feed", "type": 3, "value": "https://feeds.example.com/layoffs.xml"}]);
    let channel = TEXT.to_string();

    let denied =
        reply_text(&invoke(&fake, fake_discord::slash(10, TEXT, 0, SEND_MESSAGES, "subscribe", feed.clone())).await);
    assert!(denied.contains("Manage Channels"), "{denied}");
    assert!(store.subscriptions_for_channel("discord", &channel).await.unwrap().is_empty());

    let ok =
        reply_text(&invoke(&fake, fake_discord::slash(11, TEXT, 0, MANAGE_CHANNELS, "subscribe", feed.clone())).await);
    assert!(ok.starts_with("Subscribed"), "{ok}");
    let subs = store.subscriptions_for_channel("discord", &channel).await.unwrap();
    assert_eq!(subs[0].feed, "https://feeds.example.com/layoffs.xml");
    assert_eq!(subs[0].added_by, "42");

    let preset = json!([{"name": "feed", "type": 3, "value": "tech-news"}]);
    reply_text(&invoke(&fake, fake_discord::slash(12, TEXT, 0, 1 << 3, "subscribe", preset)).await);
    assert!(
        store.subscriptions_for_channel("discord", &channel).await.unwrap().len() > 1,
        "an administrator may, and presets expand"
    );

    let private = json!([{"name": "feed", "type": 3, "value": "http://169.254.169.254/latest/meta-data"}]);
    let refused =
        reply_text(&invoke(&fake, fake_discord::slash(13, TEXT, 0, MANAGE_CHANNELS, "subscribe", private)).await);
    assert!(refused.contains("won't fetch"), "{refused}");
    let nonsense = json!([{"name": "feed", "type": 3, "value": "/etc/passwd"}]);
    let refused =
        reply_text(&invoke(&fake, fake_discord::slash(14, TEXT, 0, MANAGE_CHANNELS, "subscribe", nonsense)).await);
    assert!(refused.contains("isn't a feed URL") && refused.contains("https://"), "{refused}");

    let list = reply_text(&invoke(&fake, fake_discord::slash(15, TEXT, 0, 0, "list", json!([]))).await);
    assert!(list.contains("feeds.example.com/layoffs.xml") && list.contains("live posts"), "{list}");

    let daily = json!([{"name": "mode", "type": 3, "value": "daily"}, {"name": "at", "type": 3, "value": "08:30"}]);
    let denied =
        reply_text(&invoke(&fake, fake_discord::slash(16, TEXT, 0, SEND_MESSAGES, "digest", daily.clone())).await);
    assert!(denied.contains("Manage Channels"), "{denied}");
    assert_eq!(store.get_digest("discord", &channel).await.unwrap(), None);
    let set = reply_text(&invoke(&fake, fake_discord::slash(17, TEXT, 0, MANAGE_CHANNELS, "digest", daily)).await);
    assert!(set.contains("daily 08:30"), "{set}");
    assert_eq!(
        store.get_digest("discord", &channel).await.unwrap(),
        Some("daily 08:30".parse::<DigestMode>().unwrap())
    );
    let bad = json!([{"name": "mode", "type": 3, "value": "daily"}, {"name": "at", "type": 3, "value": "25:00"}]);
    let refused = reply_text(&invoke(&fake, fake_discord::slash(18, TEXT, 0, MANAGE_CHANNELS, "digest", bad)).await);
    assert!(refused.contains("HH:MM"), "{refused}");

    let denied =
        reply_text(&invoke(&fake, fake_discord::slash(19, TEXT, 0, SEND_MESSAGES, "unsubscribe", feed.clone())).await);
    assert!(denied.contains("Manage Channels"), "{denied}");
    let removed = reply_text(
        &invoke(&fake, fake_discord::slash(20, TEXT, 0, MANAGE_CHANNELS, "unsubscribe", feed.clone())).await,
    );
    assert!(removed.starts_with("Unsubscribed"), "{removed}");
    let missing =
        reply_text(&invoke(&fake, fake_discord::slash(21, TEXT, 0, MANAGE_CHANNELS, "unsubscribe", feed)).await);
    assert!(missing.contains("does not follow"), "{missing}");

    let help = reply_text(&invoke(&fake, fake_discord::slash(22, TEXT, 0, 0, "help", json!([]))).await);
    assert!(help.contains("Summarize thread"), "{help}");

    // Summaries need no permission: anyone in the channel may ask. Deferred, then edited in.
    fake.seed_messages(
        TEXT,
        [
            "Initech confirmed 300 cuts https://news.example/initech".to_string(),
            "my manager says the whole org is next".into(),
        ],
    );
    let deferred = invoke(
        &fake,
        fake_discord::slash(23, TEXT, 0, 0, "summarize", json!([{"name": "messages", "type": 4, "value": 50}])),
    )
    .await;
    assert_eq!(deferred, json!({"type": 5, "data": {"flags": 64}}));
    fake.wait_for("the summary", |f| !f.requests_to("PATCH", "/messages/@original").is_empty()).await;
    let page = &fake.requests_exact("GET", &format!("/channels/{TEXT}/messages"))[0];
    assert!(page.query.contains("limit=50"), "{}", page.query);

    // The same interaction replayed (a resumed session) is not handled twice.
    fake.send(Control::Dispatch("INTERACTION_CREATE", fake_discord::slash(22, TEXT, 0, 0, "help", json!([]))));
    invoke(&fake, fake_discord::slash(24, TEXT, 0, 0, "help", json!([]))).await;
    assert_eq!(fake.requests_to("POST", "/interactions/22/").len(), 1);

    stop.send(()).unwrap();
    task.await.unwrap();
    fake.assert_pings_nobody();
    fake.assert_bodies_valid();
}

#[tokio::test]
async fn summarize_thread_reads_a_500_message_thread_page_by_page_and_links_what_it_cites() {
    let (fake, bot, _) = start(CommandScope::Global).await;
    let texts = (0..500).map(|i| match i % 5 {
        0 => format!("Initech said in a statement it will cut {} jobs https://news.example/initech-{i}", 100 + i),
        1 => "my friend at Initech says the whole support org is next @everyone".to_string(),
        2 => "honestly this is pure AI-washing".to_string(),
        3 => format!("Reuters reports Initech's cuts take effect on May {}", 1 + i % 28),
        _ => "ok".to_string(),
    });
    fake.seed_messages(THREAD, texts);
    let (stop, task) = serve(&bot).await;
    ready(&fake).await;
    let last = fake.messages(THREAD).last().unwrap()["id"].as_str().unwrap().parse::<u64>().unwrap();
    let deferred = invoke(&fake, fake_discord::summarize_thread(77, THREAD, 11, last)).await;
    assert_eq!(deferred["type"], 5, "deferred at once");
    fake.wait_for("the summary", |f| !f.requests_to("PATCH", "/webhooks/").is_empty()).await;

    let pages = fake.requests_exact("GET", &format!("/channels/{THREAD}/messages"));
    assert_eq!(pages.len(), 6, "five full pages of 100, then an empty one that ends the thread");
    assert!(pages.iter().all(|p| p.query.contains("limit=100")));
    assert!(!pages[0].query.contains("before"));
    for page in &pages[1..] {
        assert!(page.query.contains("before="), "{}", page.query);
    }
    let edit =
        &fake.requests_to("PATCH", &format!("/webhooks/{}/token-77/messages/@original", fake_discord::APP_ID))[0].body;
    let embed = &edit["embeds"][0];
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains('✅') || description.contains('❔'), "{description}");
    let ids: Vec<String> = fake.messages(THREAD).iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
    let everything = edit.to_string();
    let jump = format!("https://discord.com/channels/{GUILD}/{THREAD}/");
    let cited: Vec<&str> =
        everything.match_indices(&jump).map(|(i, _)| &everything[i + jump.len()..i + jump.len() + 7]).collect();
    assert!(!cited.is_empty(), "jump links to the messages cited");
    assert!(cited.iter().all(|c| ids.iter().any(|id| id.starts_with(c))));
    let footer = embed["footer"]["text"].as_str().unwrap();
    assert!(footer.contains("citing a source") && footer.contains("with unconfirmed claims"), "the counts: {footer}");
    stop.send(()).unwrap();
    task.await.unwrap();
    fake.assert_pings_nobody();
    fake.assert_bodies_valid();
}

/// Interactions recorded by a process that died: one whose command was applied before the crash is
/// answered by the next start (with its token) from the stored reply, not applied again; one that was
/// never applied was never answered either (the answer follows the effect), and Discord takes no late
/// first answer, so it is dropped, not applied unseen.
#[tokio::test]
async fn interactions_applied_before_a_crash_are_answered_after_the_restart_and_the_rest_dropped() {
    use chrono::{TimeDelta, Utc};
    use layoffwatch::adapters::discord::commands::{Command, Invocation};
    use layoffwatch::commands::{Place, Reply};
    use layoffwatch::secret::Secret;

    let (fake, bot, store) = start(CommandScope::Global).await;
    let commands = layer(&store);
    let invocation = |id: u64, command: Command| Invocation {
        id: Snowflake(id),
        application: Snowflake(fake_discord::APP_ID),
        token: Secret::new(format!("token-of-{id}")),
        guild: Some(Snowflake(GUILD)),
        channel: Snowflake(TEXT),
        in_thread: false,
        user: Snowflake(42),
        permissions: Some(MANAGE_CHANNELS),
        command,
    };
    let feed = "https://feeds.example.com/layoffs.xml";
    let subscribe = invocation(31, Command::Subscribe { feed: feed.into() });
    let lifetime = TimeDelta::minutes(15);
    commands
        .accept("discord", &subscribe.inbox_id(), &subscribe, Some(&subscribe.token), lifetime, Utc::now())
        .await
        .unwrap();
    // The second was applied before the crash (its reply stored); the channel left it since.
    let digest = invocation(32, Command::Digest { mode: "hourly".into(), at: None });
    commands.accept("discord", &digest.inbox_id(), &digest, Some(&digest.token), lifetime, Utc::now()).await.unwrap();
    let place = Place { platform: "discord", channel: "100", user: "42" };
    let applied = commands
        .run_once(&digest.inbox_id(), &place, layoffwatch::commands::Command::Digest(DigestMode::Hourly), None)
        .await;
    assert_eq!(applied, Reply::DigestSet(DigestMode::Hourly));
    store.set_digest("discord", "100", DigestMode::Off).await.unwrap();

    let (stop, task) = serve(&bot).await;
    fake.wait_for("the stored answer", |f| !f.requests_to("POST", "/interactions/").is_empty()).await;
    for _ in 0..200 {
        if store.inbox_entries("discord").await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    stop.send(()).unwrap();
    task.await.unwrap();

    let answer = &fake.requests_to("POST", "/interactions/32/token-of-32/callback")[0].body;
    assert!(answer["data"]["content"].as_str().unwrap().contains("hourly"), "{answer}");
    assert!(fake.requests_to("POST", "/interactions/31/").is_empty(), "no late first answer");
    assert!(store.subscriptions_for_channel("discord", "100").await.unwrap().is_empty(), "nor an unseen effect");
    assert_eq!(store.get_digest("discord", "100").await.unwrap(), Some(DigestMode::Off), "not applied again");
    assert!(store.inbox_entries("discord").await.unwrap().is_empty());
}
