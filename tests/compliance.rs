//! One compliance test every `Destination` passes, against local fakes: a story is posted, a reply goes
//! into its thread, the first post is edited (where the destination edits), a digest is posted by the
//! chat bots and refused by the fixed outputs, nothing sent can ping anyone, every message sent fits the
//! platform's size limits, and a delivery retried by a new process (as after a crash) is recognised
//! rather than posted again wherever the platform lets the bot read back what it posted.
//!
//! What cannot be read back, and so is at-least-once rather than exactly-once:
//! - incoming webhooks (Slack's, Discord's): a webhook can post but not list what it posted; Discord
//!   honours a webhook message's nonce for a few minutes only. A retry after a crash can repeat a post;
//!   the outbox marks a post sent right after it succeeds, so such retries are rare.
//! - ephemeral replies (Slack `chat.postEphemeral`, Discord ephemeral interaction answers): only the
//!   person who asked sees them and no API lists them. The inbox forgets a command right after its reply
//!   is delivered, so a repeat needs a crash in between, and reaches only that person.
//!
//! The console and JSON-lines outputs write to a terminal or a file: nothing there pings or has a size
//! limit, and they are left out.

mod support;

use chrono::TimeZone;
use layoffwatch::adapters::discord::DiscordBot;
use layoffwatch::adapters::webhook::{DiscordWebhook, SlackWebhook};
use layoffwatch::config::Settings;
use layoffwatch::core::claims::{Source, SourceKind};
use layoffwatch::core::message::{DigestPost, ShownBullet, ShownClaim, StoryPost, StoryUpdate};
use layoffwatch::delivery::{DeliveryError, Destination, Platform};
use layoffwatch::secret::Secret;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::fake_discord::FakeDiscord;
use support::fake_slack::FakeSlack;

/// Mentions that must never reach a platform as a ping.
const PINGS: &[&str] = &["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<@&4242>"];

fn claim(text: &str, reasons: &[&str], source: Option<&str>) -> ShownClaim {
    ShownClaim {
        text: text.into(),
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        source: source.map(|s| Source { name: s.into(), kind: SourceKind::Outlet, url: None }),
        origin: "https://wire.example/quorra".into(),
        hedges: vec![],
    }
}

/// A story built to test limits and pings: a headline that tries to ping, and more claims (each long)
/// than one message of any platform holds.
fn story(revision: u32, headcount: u32) -> StoryPost {
    StoryPost {
        story_id: "quorra-2026-06".into(),
        revision,
        headline: format!("@everyone Quorra Systems to cut {headcount} jobs <!channel> <@&4242> @here"),
        url: Some("https://wire.example/quorra".into()),
        bullets: vec![ShownBullet {
            text: format!(
                "Quorra Systems will cut {headcount} support jobs as AI agents take calls, the company said."
            ),
            cites: vec!["https://wire.example/quorra".into()],
            speculative: false,
        }],
        facts: vec![
            serde_json::from_value(json!({
                "company": "Quorra Systems", "headcount": headcount, "headcount_qualifier": "about",
                "percent": 6.0, "date": "2026-06-30", "announced": "2026-06-02", "effective": "2026-06-30",
                "ai_reason": "company", "source": "Example Wire", "item": "https://wire.example/quorra"
            }))
            .unwrap(),
        ],
        sourced: (0..60)
            .map(|i| {
                claim(
                    &format!(
                        "Claim {i}: Quorra Systems said in a filing that team {i} will shrink. {}",
                        "Detail. ".repeat(40)
                    ),
                    &["document"],
                    Some("Example Wire"),
                )
            })
            .collect(),
        speculative: vec![claim("More cuts are likely by autumn, @everyone <!here> says a rumour.", &["hedge"], None)],
        outlets: vec!["Example Wire".into(), "Harbor Daily".into()],
        first_seen: chrono::Utc.with_ymd_and_hms(2026, 6, 2, 9, 0, 0).unwrap(),
    }
}

fn update() -> StoryUpdate {
    StoryUpdate {
        story_id: "quorra-2026-06".into(),
        revision: 2,
        outlet: "Harbor Daily".into(),
        title: "Quorra support staff describe the cuts @here".into(),
        url: Some("https://harbor.example/quorra".into()),
        new_sourced: (0..60)
            .map(|i| {
                let text = format!("Claim {i}: a WARN notice lists 410 workers in Ohio. {}", "Detail. ".repeat(40));
                claim(&text, &["document"], Some("Harbor Daily"))
            })
            .collect(),
        new_speculative: vec![],
        revision_note: Some("Headcount revised: 400 → 410".into()),
    }
}

fn digest() -> DigestPost {
    DigestPost {
        from: chrono::Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 0).unwrap(),
        to: chrono::Utc.with_ymd_and_hms(2026, 6, 2, 9, 0, 0).unwrap(),
        stories: vec![story(1, 400)],
    }
}

/// Slack's limits: 50 blocks, 3,000 characters of section text, 150 of a header, 40,000 of text.
fn slack_limits(body: &Value) -> Result<(), String> {
    // Blocks arrive as a JSON array, or as a JSON string in a form body.
    let blocks: Vec<Value> = match &body["blocks"] {
        Value::String(s) => serde_json::from_str(s).map_err(|e| format!("blocks that are not JSON: {e}"))?,
        other => other.as_array().cloned().unwrap_or_default(),
    };
    if blocks.len() > 50 {
        return Err(format!("{} blocks", blocks.len()));
    }
    for b in &blocks {
        let text = b["text"]["text"].as_str().unwrap_or_default().chars().count();
        let max = if b["type"] == "header" { 150 } else { 3_000 };
        if text > max {
            return Err(format!("a {} block of {text} characters", b["type"]));
        }
        for e in b["elements"].as_array().into_iter().flatten() {
            let n = e["text"].as_str().unwrap_or_default().chars().count();
            if n > 3_000 {
                return Err(format!("a context element of {n} characters"));
            }
        }
    }
    let text = body["text"].as_str().unwrap_or_default().chars().count();
    if text > 40_000 { Err(format!("text of {text} characters")) } else { Ok(()) }
}

/// Discord's limits: 2,000 characters of content, 10 embeds of at most 6,000 in all, a 256-character
/// title, a 4,096-character description, 25 fields of 256/1,024.
fn discord_limits(body: &Value) -> Result<(), String> {
    let units = |v: &Value| v.as_str().unwrap_or_default().encode_utf16().count();
    if units(&body["content"]) > 2_000 {
        return Err(format!("content of {}", units(&body["content"])));
    }
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    if embeds.len() > 10 {
        return Err(format!("{} embeds", embeds.len()));
    }
    let mut total = 0;
    for e in &embeds {
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        if units(&e["title"]) > 256 || units(&e["description"]) > 4_096 || fields.len() > 25 {
            return Err(format!("an embed over its limits: {e}"));
        }
        for f in &fields {
            if units(&f["name"]) > 256 || units(&f["value"]) > 1_024 {
                return Err(format!("a field over its limits: {f}"));
            }
        }
        total += units(&e["title"])
            + units(&e["description"])
            + units(&e["footer"]["text"])
            + fields.iter().map(|f| units(&f["name"]) + units(&f["value"])).sum::<usize>();
    }
    if total > 6_000 { Err(format!("embeds of {total} characters in one message")) } else { Ok(()) }
}

/// What a platform does not allow a message to carry: a ping. Discord messages must also parse no
/// mentions at all.
fn no_pings(body: &Value, discord: bool) -> Result<(), String> {
    let mut text = body.clone();
    // The mentions setting itself names no one; only what is shown can ping.
    if let Some(o) = text.as_object_mut() {
        o.remove("allowed_mentions");
    }
    let text = text.to_string();
    if let Some(p) = PINGS.iter().find(|p| text.contains(**p)) {
        return Err(format!("{p} reached the platform"));
    }
    if discord && body["allowed_mentions"]["parse"] != json!([]) {
        return Err("a Discord message that may parse mentions".into());
    }
    Ok(())
}

/// One destination under test: how to make it (again, as a restarted process would), what reached
/// its platform, and what the platform allows.
struct Case {
    name: &'static str,
    make: Box<dyn Fn() -> futures_util::future::BoxFuture<'static, Arc<dyn Destination>>>,
    /// Every message body that reached the platform (posts and edits).
    sent: Box<dyn Fn() -> Vec<Value>>,
    /// Messages the platform now shows.
    shown: Box<dyn Fn() -> usize>,
    limits: fn(&Value) -> Result<(), String>,
    discord: bool,
    /// The bot can read back what it posted, so a retry by a new process must not post again.
    reads_back: bool,
    /// A chat channel that takes digests (the fixed outputs refuse them).
    digests: bool,
}

async fn comply(case: Case) {
    let name = case.name;
    let dest = (case.make)().await;
    let first =
        dest.post_story("quorra/compliance/1/post", &story(1, 400)).await.unwrap_or_else(|e| panic!("{name}: {e}"));
    let thread = dest.capabilities().threads.then_some(&first);
    dest.post_update("quorra/compliance/2/update", thread, &update()).await.unwrap_or_else(|e| panic!("{name}: {e}"));
    if dest.capabilities().edits {
        dest.edit_story("quorra/compliance/3/edit", &first, &story(3, 410))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    match dest.post_digest("digest/compliance/2026-06-02T09", &digest()).await {
        Ok(_) => assert!(case.digests, "{name}: a fixed output took a digest"),
        Err(e @ DeliveryError::Rejected { .. }) => assert!(!case.digests, "{name}: {e}"),
        Err(e) => panic!("{name}: {e}"),
    }

    if case.reads_back {
        let before = (case.shown)();
        let restarted = (case.make)().await;
        let again = restarted.post_story("quorra/compliance/1/post", &story(1, 400)).await;
        assert_eq!(again.unwrap_or_else(|e| panic!("{name}: {e}")), first, "{name}: the retry answers with the post");
        assert_eq!((case.shown)(), before, "{name}: a retry by a new process posted again");
    }

    let sent = (case.sent)();
    assert!(
        sent.len() > 2,
        "{name}: the story, its long update and its edit were sent as several messages: {}",
        sent.len()
    );
    // The story, the update's first message and (where the destination edits) the edit name the
    // company; the update's continuation carries on its list without repeating the title.
    let naming = if dest.capabilities().edits { 3 } else { 2 };
    assert!(sent.iter().filter(|b| b.to_string().contains("Quorra")).count() >= naming, "{name}: {sent:?}");
    for body in &sent {
        (case.limits)(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        no_pings(body, case.discord).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn the_slack_bot_complies() {
    let fake = FakeSlack::start().await;
    let shown = fake.clone();
    let sent = fake.clone();
    let make = fake.clone();
    comply(Case {
        name: "slack",
        make: Box::new(move || {
            let fake = make.clone();
            Box::pin(async move { support::bot(&fake, support::store().await, &[]).await.channel("C0COMPLY01") })
        }),
        sent: Box::new(move || {
            ["chat.postMessage", "chat.update"]
                .iter()
                .flat_map(|m| sent.requests(m))
                .map(|r| Value::Object(r.params))
                .collect()
        }),
        shown: Box::new(move || shown.bot_messages().len()),
        limits: slack_limits,
        discord: false,
        reads_back: true,
        digests: true,
    })
    .await;
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn the_discord_bot_complies() {
    let fake = FakeDiscord::start().await;
    fake.add_channel(100, 0, json!({}));
    let url = fake.url();
    let (shown, sent) = (fake.clone(), fake.clone());
    comply(Case {
        name: "discord",
        make: Box::new(move || {
            let url = url.clone();
            Box::pin(async move {
                let env = [
                    ("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789".to_string()),
                    ("DISCORD_API_URL", url),
                    ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".to_string()),
                ];
                let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
                let settings = Settings::load(None, &lookup).unwrap().discord.unwrap();
                let commands = support::commands(support::store().await, false);
                DiscordBot::new(settings, commands).unwrap().channel("100")
            })
        }),
        sent: Box::new(move || {
            sent.requests()
                .into_iter()
                .filter(|r| (r.method == "POST" && r.path.ends_with("/messages")) || r.method == "PATCH")
                .map(|r| r.body)
                .collect()
        }),
        shown: Box::new(move || {
            let s = shown.state.lock().unwrap();
            s.messages.values().map(Vec::len).sum()
        }),
        limits: discord_limits,
        discord: true,
        reads_back: true,
        digests: true,
    })
    .await;
    fake.assert_bodies_valid();
}

/// A webhook fake: records bodies, answers Discord's `?wait=true` with an id, takes edits.
async fn webhook_fake() -> (String, Arc<Mutex<Vec<Value>>>) {
    use axum::extract::{Path, State};
    use axum::routing::{patch, post};
    let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
    async fn record(State(b): State<Arc<Mutex<Vec<Value>>>>, axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
        let mut b = b.lock().unwrap();
        b.push(body);
        axum::Json(json!({"id": format!("{}", 1000 + b.len())}))
    }
    async fn edit(
        State(b): State<Arc<Mutex<Vec<Value>>>>,
        Path(id): Path<String>,
        axum::Json(body): axum::Json<Value>,
    ) -> axum::Json<Value> {
        b.lock().unwrap().push(body);
        axum::Json(json!({"id": id}))
    }
    let app = axum::Router::new()
        .route("/slack", post(record))
        .route("/discord/1/tok", post(record))
        .route("/discord/1/tok/messages/{id}", patch(edit))
        .with_state(bodies.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), bodies)
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn the_slack_webhook_complies() {
    let (base, bodies) = webhook_fake().await;
    let (sent, shown) = (bodies.clone(), bodies);
    comply(Case {
        name: "slack-webhook",
        make: Box::new(move || {
            let url = format!("{base}/slack");
            Box::pin(async move { Arc::new(SlackWebhook::new(Secret::new(url), client())) as Arc<dyn Destination> })
        }),
        sent: Box::new(move || sent.lock().unwrap().clone()),
        shown: Box::new(move || shown.lock().unwrap().len()),
        limits: slack_limits,
        discord: false,
        reads_back: false,
        digests: false,
    })
    .await;
}

#[tokio::test]
async fn the_discord_webhook_complies() {
    let (base, bodies) = webhook_fake().await;
    let (sent, shown) = (bodies.clone(), bodies);
    comply(Case {
        name: "discord-webhook",
        make: Box::new(move || {
            let url = format!("{base}/discord/1/tok");
            Box::pin(async move { Arc::new(DiscordWebhook::new(Secret::new(url), client())) as Arc<dyn Destination> })
        }),
        sent: Box::new(move || sent.lock().unwrap().clone()),
        shown: Box::new(move || shown.lock().unwrap().len()),
        limits: discord_limits,
        discord: true,
        reads_back: false,
        digests: false,
    })
    .await;
}
