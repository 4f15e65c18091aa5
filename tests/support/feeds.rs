//! The one fake feed server every test shares: named RSS feeds on 127.0.0.1 that grow while the bot
//! runs, a raw body for a feed whose exact bytes matter, a count of requests per feed (so a test
//! knows when the bot has polled), and a stall switch that holds every answer (a slow feed).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;

#[derive(Clone)]
enum Body {
    /// An RSS channel with this title, its site's link (if any) and these `<item>`s.
    Rss { title: String, site: Option<String>, items: Vec<String> },
    /// Served exactly as given.
    Raw(String),
}

struct Feeds {
    bodies: Mutex<HashMap<String, Body>>,
    hits: Mutex<HashMap<String, Vec<Instant>>>,
    stall: watch::Sender<bool>,
}

/// A running feed server; dropped with the test's runtime.
#[derive(Clone)]
pub struct FeedServer {
    base: String,
    feeds: Arc<Feeds>,
}

impl FeedServer {
    pub async fn start() -> Self {
        let feeds =
            Arc::new(Feeds { bodies: Mutex::default(), hits: Mutex::default(), stall: watch::channel(false).0 });
        let app = Router::new().route("/{name}", get(serve)).with_state(feeds.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base: format!("http://{addr}"), feeds }
    }

    /// The server's root, `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of the feed `name`.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    /// Declares an RSS feed with no items yet (until then `name` answers 404).
    pub fn feed(&self, name: &str, title: &str) {
        self.feeds
            .bodies
            .lock()
            .unwrap()
            .insert(name.into(), Body::Rss { title: title.into(), site: None, items: Vec::new() });
    }

    /// Declares an RSS feed whose channel links to its outlet's own site, so the items it carries from
    /// that site are credited to the feed's name (a feed's title alone never names an outlet).
    pub fn feed_of_site(&self, name: &str, title: &str, site: &str) {
        let body = Body::Rss { title: title.into(), site: Some(site.into()), items: Vec::new() };
        self.feeds.bodies.lock().unwrap().insert(name.into(), body);
    }

    /// Appends an item (see [`item`]) to the feed `name`.
    pub fn add(&self, name: &str, item: String) {
        match self.feeds.bodies.lock().unwrap().get_mut(name) {
            Some(Body::Rss { items, .. }) => items.push(item),
            _ => panic!("{name} is not an RSS feed declared with feed()"),
        }
    }

    /// Replaces the feed `name` with exactly this body.
    pub fn raw(&self, name: &str, body: impl Into<String>) {
        self.feeds.bodies.lock().unwrap().insert(name.into(), Body::Raw(body.into()));
    }

    /// Requests served for `name`.
    pub fn hits(&self, name: &str) -> usize {
        self.feeds.hits.lock().unwrap().get(name).map_or(0, Vec::len)
    }

    /// When each request for `name` arrived, oldest first.
    pub fn hit_times(&self, name: &str) -> Vec<Instant> {
        self.feeds.hits.lock().unwrap().get(name).cloned().unwrap_or_default()
    }

    /// While stalled, every request is held (counted, but not answered) until released.
    pub fn stall(&self, stalled: bool) {
        self.feeds.stall.send_replace(stalled);
    }
}

async fn serve(State(feeds): State<Arc<Feeds>>, Path(name): Path<String>) -> Response {
    if !feeds.bodies.lock().unwrap().contains_key(&name) {
        return StatusCode::NOT_FOUND.into_response();
    }
    feeds.hits.lock().unwrap().entry(name.clone()).or_default().push(Instant::now());
    let _ = feeds.stall.subscribe().wait_for(|stalled| !*stalled).await;
    let Some(body) = feeds.bodies.lock().unwrap().get(&name).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let xml = match body {
        Body::Raw(text) => text,
        Body::Rss { title, site, items } => format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>{}{}</channel></rss>",
            escape(&title),
            site.map(|s| format!("<link>{}</link>", escape(&s))).unwrap_or_default(),
            items.concat()
        ),
    };
    ([("content-type", "application/rss+xml")], xml).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An RSS item linking to `https://{host}/{guid}`; `title` and `body` are XML-escaped here.
pub fn item(guid: &str, host: &str, title: &str, body: &str, published: DateTime<Utc>) -> String {
    format!(
        "<item><guid>{guid}</guid><link>https://{host}/{guid}</link><title>{}</title><pubDate>{}</pubDate><description>{}</description></item>",
        escape(title),
        published.to_rfc2822(),
        escape(body)
    )
}

/// `minutes` ago.
pub fn minutes_ago(minutes: i64) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::minutes(minutes)
}
