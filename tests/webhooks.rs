//! The Slack and Discord webhook senders against local fakes on 127.0.0.1: 429 then success, size
//! limits by splitting, and content that tries to ping everyone pinging nobody.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{patch, post};
use axum::{Json, Router};
use layoffwatch::adapters::webhook::{DiscordWebhook, SlackWebhook};
use layoffwatch::core::message::{ShownBullet, ShownClaim, StoryPost};
use layoffwatch::delivery::{DeliveryError, Destination, PostRef};
use layoffwatch::secret::Secret;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Fake {
    bodies: Mutex<Vec<Value>>,
    rate_limit_next: Mutex<bool>,
    /// Answer 429 to the request with this number (counting from 1), once.
    rate_limit_call: Mutex<Option<usize>>,
    calls: Mutex<usize>,
}

fn story(headline: &str, claims: usize) -> StoryPost {
    StoryPost {
        story_id: "s-1".into(),
        revision: 1,
        headline: headline.into(),
        url: Some("https://news.example/1".into()),
        bullets: vec![ShownBullet {
            text: "Initech will cut 500 jobs".into(),
            cites: vec!["https://news.example/1".into()],
            speculative: false,
        }],
        facts: vec![],
        sourced: (0..claims)
            .map(|i| ShownClaim {
                text: format!("Claim {i}: {}", "words ".repeat(100)),
                reasons: vec!["outlet".into()],
                source: None,
                origin: "a1".into(),
                hedges: vec![],
            })
            .collect(),
        speculative: vec![ShownClaim {
            text: "@everyone <@&42> more cuts are coming".into(),
            reasons: vec!["prediction".into()],
            source: None,
            origin: "a1".into(),
            hedges: vec![],
        }],
        outlets: vec!["Reuters".into()],
        first_seen: chrono::Utc::now(),
    }
}

async fn serve(fake: Arc<Fake>) -> String {
    async fn slack(State(f): State<Arc<Fake>>, Json(body): Json<Value>) -> (StatusCode, HeaderMap, String) {
        let mut headers = HeaderMap::new();
        let call = {
            let mut calls = f.calls.lock().unwrap();
            *calls += 1;
            *calls
        };
        let planned = {
            let mut at = f.rate_limit_call.lock().unwrap();
            if *at == Some(call) { at.take().is_some() } else { false }
        };
        if std::mem::take(&mut *f.rate_limit_next.lock().unwrap()) || planned {
            headers.insert("retry-after", "2".parse().unwrap());
            return (StatusCode::TOO_MANY_REQUESTS, headers, "rate_limited".into());
        }
        f.bodies.lock().unwrap().push(body);
        (StatusCode::OK, headers, "ok".into())
    }
    async fn discord(State(f): State<Arc<Fake>>, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
        if std::mem::take(&mut *f.rate_limit_next.lock().unwrap()) {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": false})),
            );
        }
        let mut bodies = f.bodies.lock().unwrap();
        bodies.push(body);
        (StatusCode::OK, Json(json!({"id": format!("{}", 1000 + bodies.len())})))
    }
    async fn discord_edit(
        State(f): State<Arc<Fake>>,
        Path(id): Path<String>,
        Json(mut body): Json<Value>,
    ) -> Json<Value> {
        body["edited"] = json!(id);
        f.bodies.lock().unwrap().push(body);
        Json(json!({"id": id}))
    }
    let app = Router::new()
        .route("/slack", post(slack))
        .route("/discord/1/tok", post(discord))
        .route("/discord/1/tok/messages/{id}", patch(discord_edit))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn slack_webhook_honours_429_and_never_pings() {
    let fake = Arc::new(Fake::default());
    let base = serve(fake.clone()).await;
    let hook = SlackWebhook::new(Secret::new(format!("{base}/slack")), client());
    *fake.rate_limit_next.lock().unwrap() = true;
    let post = story("Leaked <!channel> memo: @here Initech cuts 500 <@U123>", 2);
    let err = hook.post_story("k1", &post).await.unwrap_err();
    assert!(matches!(err, DeliveryError::RateLimited { retry_after, .. } if retry_after.as_secs() == 2), "{err}");
    hook.post_story("k1", &post).await.unwrap();
    let bodies = fake.bodies.lock().unwrap();
    let text = bodies[0]["text"].as_str().unwrap();
    assert!(
        !text.contains("<!channel>")
            && !text.contains("<@U123>")
            && !text.contains("@here")
            && !text.contains("@everyone"),
        "{text}"
    );
    assert!(text.contains("&lt;!channel&gt;") || text.contains("&lt;\u{200B}!channel&gt;"), "{text}");
    assert_eq!(bodies[0]["unfurl_links"], false);
}

#[tokio::test]
async fn slack_webhook_splits_long_posts_instead_of_failing() {
    let fake = Arc::new(Fake::default());
    let base = serve(fake.clone()).await;
    let hook = SlackWebhook::new(Secret::new(format!("{base}/slack")), client());
    hook.post_story("k2", &story(&"A long story. ".repeat(400), 40)).await.unwrap();
    let bodies = fake.bodies.lock().unwrap();
    assert!(bodies.len() > 1);
    assert!(bodies.iter().all(|b| b["text"].as_str().unwrap().chars().count() <= 4_000));
}

#[tokio::test]
async fn discord_webhook_parses_no_mentions_splits_at_2000_and_edits_in_place() {
    let fake = Arc::new(Fake::default());
    let base = serve(fake.clone()).await;
    let hook = DiscordWebhook::new(Secret::new(format!("{base}/discord/1/tok")), client());
    *fake.rate_limit_next.lock().unwrap() = true;
    let long = story(&"@everyone Initech cuts 500 <@&42> ".repeat(200), 20);
    let err = hook.post_story("k3", &long).await.unwrap_err();
    assert!(matches!(err, DeliveryError::RateLimited { retry_after, .. } if retry_after.as_millis() == 500), "{err}");
    let first = hook.post_story("k3", &long).await.unwrap();
    assert_eq!(first, PostRef("1001".into()));
    let short = story("Initech cuts 600", 1);
    hook.edit_story("k4", &first, &short).await.unwrap();
    let bodies = fake.bodies.lock().unwrap();
    assert!(bodies.len() >= 3, "the long post was split: {}", bodies.len());
    for b in bodies.iter() {
        assert_eq!(b["allowed_mentions"]["parse"], json!([]));
        let content = b["content"].as_str().unwrap();
        assert!(content.chars().count() <= 2_000);
        assert!(!content.contains("@everyone") && !content.contains("<@&42>"), "{content}");
    }
    assert!(bodies[0]["nonce"].as_str().unwrap().len() <= 25);
    assert_eq!(bodies.last().unwrap()["edited"], "1001");
}

#[tokio::test]
async fn a_split_slack_post_interrupted_by_429_resumes_without_repeating_pieces() {
    let fake = Arc::new(Fake::default());
    let base = serve(fake.clone()).await;
    let hook = SlackWebhook::new(Secret::new(format!("{base}/slack")), client());
    *fake.rate_limit_call.lock().unwrap() = Some(2);
    let long = story(&"A long story. ".repeat(400), 40);
    assert!(matches!(hook.post_story("k5", &long).await, Err(DeliveryError::RateLimited { .. })));
    hook.post_story("k5", &long).await.unwrap();
    let texts: Vec<String> =
        fake.bodies.lock().unwrap().iter().map(|b| b["text"].as_str().unwrap().to_string()).collect();
    let unique: std::collections::HashSet<&String> = texts.iter().collect();
    assert!(texts.len() > 1);
    assert_eq!(unique.len(), texts.len(), "no piece was posted twice");
}
