//! `preview`: what the bot would post for a feed or a chat thread, before a channel subscribes. A
//! feed runs through the same pipeline as the demo; a thread document is summarized as the bots
//! summarize threads. The payloads are the exact ones the Slack and Discord renderers produce, and
//! [`html`] draws them roughly as each platform shows them: a convenience, not a platform.

use crate::adapters::discord::embeds;
use crate::adapters::slack::blocks;
use crate::commands::summarize::{ThreadSummary, message_refs};
use crate::core::analyze::analyze;
use crate::core::lexicon::Lexicon;
use crate::core::message::{StoryPost, StoryUpdate};
use crate::core::model::{Document, Thread};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use crate::summaries::{Offline, SummaryService};
use crate::tools::demo::{DemoError, run_feeds};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// Which platform's payloads to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Slack,
    Discord,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
        }
    }
}

/// What a preview shows: each message as its platform's JSON payloads.
#[derive(Debug, Clone)]
pub struct Preview {
    /// (title, payloads) per message: a story's latest post, or the thread summary.
    pub messages: Vec<(String, Vec<Value>)>,
    pub platform: Platform,
}

/// Why a preview could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("this is neither a thread document nor a feed this bot can read: {0}")]
    NotAFeed(crate::feeds::ParseError),
    #[error("the preview could not run: {0}")]
    Setup(String),
}

impl From<DemoError> for PreviewError {
    fn from(e: DemoError) -> Self {
        match e {
            DemoError::Feed(e) => PreviewError::NotAFeed(e),
            DemoError::Setup(s) => PreviewError::Setup(s),
        }
    }
}

/// Keeps each story's latest first post (its edit replaces it), in the order stories were posted.
#[derive(Default)]
struct Capture {
    posts: Mutex<Vec<StoryPost>>,
}

impl Capture {
    fn keep(&self, post: &StoryPost) {
        let mut posts = self.posts.lock().unwrap_or_else(|p| p.into_inner());
        match posts.iter_mut().find(|p| p.story_id == post.story_id) {
            Some(p) => *p = post.clone(),
            None => posts.push(post.clone()),
        }
    }
}

#[async_trait]
impl Destination for Capture {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::output("preview")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    async fn post_story(&self, _key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.keep(post);
        Ok(PostRef(post.story_id.clone()))
    }

    async fn post_update(&self, _: &str, _: Option<&PostRef>, u: &StoryUpdate) -> Result<PostRef, DeliveryError> {
        Ok(PostRef(u.story_id.clone()))
    }

    async fn edit_story(&self, _key: &str, _first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.keep(post);
        Ok(())
    }
}

/// The story posts a feed makes: each story's latest first post, as the pipeline would send it.
pub async fn stories(name: &str, feed: &[u8]) -> Result<Vec<StoryPost>, PreviewError> {
    let capture = Arc::new(Capture::default());
    run_feeds(&[(name, feed)], capture.clone(), Arc::new(Offline)).await?;
    let posts = capture.posts.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(posts)
}

/// A thread summarized as the bots summarize one (offline summarizer).
pub async fn thread(thread: Thread) -> ThreadSummary {
    let messages = message_refs(&thread);
    let analysis = analyze(&Document::Thread(thread), Lexicon::embedded());
    let summary = Offline.summarize(&analysis, None).await;
    ThreadSummary { analysis, summary, messages }
}

/// A story post's payloads on `platform`.
pub fn story_payloads(post: &StoryPost, platform: Platform) -> Vec<Value> {
    match platform {
        Platform::Slack => {
            blocks::story(post, false).into_iter().map(|r| json!({"text": r.text, "blocks": r.blocks})).collect()
        }
        Platform::Discord => embeds::story(post, false).into_iter().map(|m| m.json()).collect(),
    }
}

/// A thread summary's payloads on `platform`.
pub fn summary_payloads(done: &ThreadSummary, platform: Platform) -> Vec<Value> {
    let recap = done.recap();
    match platform {
        Platform::Slack => {
            let coverage = blocks::Coverage { read: done.messages.len(), skipped: 0 };
            blocks::thread_summary(&recap, coverage)
                .into_iter()
                .map(|r| json!({"text": r.text, "blocks": r.blocks}))
                .collect()
        }
        Platform::Discord => {
            embeds::summary(&recap, "this thread").into_iter().map(|e| embeds::MessageBody::embeds(e).json()).collect()
        }
    }
}

/// Previews a feed or a thread document (told apart by whether it parses as a document).
pub async fn preview(name: &str, bytes: &[u8], platform: Platform) -> Result<Preview, PreviewError> {
    if let Ok(Document::Thread(t)) = Document::parse(bytes) {
        let done = thread(t).await;
        let title = format!("Thread summary: {}", done.recap().headline);
        return Ok(Preview { messages: vec![(title, summary_payloads(&done, platform))], platform });
    }
    let posts = stories(name, bytes).await?;
    let messages = posts.iter().map(|p| (p.headline.clone(), story_payloads(p, platform))).collect();
    Ok(Preview { messages, platform })
}

/// Words a reader sees in a payload: the visible text (links by their labels), buttons not counted.
pub fn visible_words(payload: &Value, platform: Platform) -> usize {
    crate::core::glance::words(&visible_text(payload, platform))
}

/// The text a reader sees in a payload, markup removed and links shown by their labels.
pub fn visible_text(payload: &Value, platform: Platform) -> String {
    let mut parts: Vec<String> = Vec::new();
    match platform {
        Platform::Slack => {
            for b in payload["blocks"].as_array().into_iter().flatten() {
                if let Some(t) = b["text"]["text"].as_str() {
                    parts.push(t.to_string());
                }
                for e in b["elements"].as_array().into_iter().flatten() {
                    if let Some(t) = e["text"].as_str() {
                        parts.push(t.to_string());
                    }
                }
            }
        }
        Platform::Discord => {
            if let Some(c) = payload["content"].as_str() {
                parts.push(c.to_string());
            }
            for e in payload["embeds"].as_array().into_iter().flatten() {
                for key in ["title", "description"] {
                    if let Some(t) = e[key].as_str() {
                        parts.push(t.to_string());
                    }
                }
                for f in e["fields"].as_array().into_iter().flatten() {
                    parts.push(format!("{} {}", f["name"].as_str().unwrap_or(""), f["value"].as_str().unwrap_or("")));
                }
                if let Some(t) = e["footer"]["text"].as_str() {
                    parts.push(t.to_string());
                }
            }
        }
    }
    strip_markup(&parts.join("\n"), platform)
}

/// Links shown by their labels, emphasis and escapes removed.
fn strip_markup(text: &str, platform: Platform) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static SLACK_LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^|>]*\|([^>]*)>").expect("valid"));
    static MD_LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid"));
    let text = match platform {
        Platform::Slack => {
            SLACK_LINK.replace_all(text, "$1").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        }
        Platform::Discord => MD_LINK.replace_all(text, "$1").replace('\\', ""),
    };
    text.replace(['*', '_'], "").replace('\u{200B}', "")
}

/// An HTML page showing the payloads roughly as each platform draws them, one section per platform.
pub fn html(previews: &[Preview]) -> String {
    let mut body = String::new();
    for preview in previews {
        body.push_str(&format!(
            "<section class=\"{}\">\n<h1>{}</h1>\n",
            preview.platform.name(),
            preview.platform.name()
        ));
        for (title, payloads) in &preview.messages {
            body.push_str(&format!("<h2 class=\"label\">{}</h2>\n", esc(title)));
            for p in payloads {
                body.push_str(&match preview.platform {
                    Platform::Slack => slack_html(p),
                    Platform::Discord => discord_html(p),
                });
                body.push_str(&format!(
                    "<p class=\"words\">{} words as a reader counts them</p>\n",
                    visible_words(p, preview.platform)
                ));
            }
        }
        body.push_str("</section>\n");
    }
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>layoffwatch preview</title>\n<style>{STYLE}</style></head>\n<body>\n{body}</body></html>\n"
    )
}

const STYLE: &str = "body{font-family:-apple-system,'Segoe UI',sans-serif;max-width:760px;margin:2em auto;font-size:15px;line-height:1.45}\
section{padding:1em 1.5em;border-radius:8px;margin-bottom:2em}\
section.discord{background:#313338;color:#dbdee1}section.slack{background:#fff;color:#1d1c1d;border:1px solid #ddd}\
.label{font-size:12px;opacity:.6;font-weight:normal;margin-top:2.5em}.words{font-size:12px;opacity:.6}\
.msg{display:flex;gap:10px}.avatar{width:36px;height:36px;border-radius:6px;background:#4a154b;flex:none}\
.discord .avatar{border-radius:50%;background:#5865f2}.name{font-weight:700}\
.context{font-size:13px;color:#616061}.section{margin:4px 0}\
.embed{border-left:4px solid;background:#2b2d31;border-radius:4px;padding:8px 12px;margin-top:4px;max-width:520px}\
.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 10px;margin:6px 6px 0 0;font-size:13px}\
.discord .button{background:#4e5058;border:none;color:#fff}\
.embed .title{font-weight:700;color:#00a8fc}.embed .footer{font-size:12px;color:#b5bac1;margin-top:8px}a{color:#1264a3}.discord a{color:#00a8fc}";

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Slack mrkdwn (already escaped by the renderer) as HTML: links, bold, italics, line breaks.
fn slack_mrkdwn(text: &str) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<(https?://[^|>]*)\|([^>]*)>").expect("valid"));
    static BOLD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*([^*\n]+)\*").expect("valid"));
    static ITALIC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b_([^_\n]+)_\b").expect("valid"));
    let text = text.replace('"', "&quot;");
    let text = LINK.replace_all(&text, "<a href=\"$1\">$2</a>");
    let text = BOLD.replace_all(&text, "<b>$1</b>");
    ITALIC.replace_all(&text, "<i>$1</i>").replace('\n', "<br>")
}

fn slack_html(p: &Value) -> String {
    let mut out =
        String::from("<div class=\"msg\"><div class=\"avatar\"></div><div><div class=\"name\">layoffwatch</div>\n");
    for b in p["blocks"].as_array().into_iter().flatten() {
        match b["type"].as_str() {
            Some("section") => out.push_str(&format!(
                "<div class=\"section\">{}</div>\n",
                slack_mrkdwn(b["text"]["text"].as_str().unwrap_or(""))
            )),
            Some("context") => {
                for e in b["elements"].as_array().into_iter().flatten() {
                    out.push_str(&format!(
                        "<div class=\"context\">{}</div>\n",
                        slack_mrkdwn(e["text"].as_str().unwrap_or(""))
                    ));
                }
            }
            Some("header") => {
                out.push_str(&format!("<h3>{}</h3>\n", esc(b["text"]["text"].as_str().unwrap_or(""))));
            }
            Some("divider") => out.push_str("<hr>\n"),
            Some("actions") => {
                for e in b["elements"].as_array().into_iter().flatten() {
                    let label = e["text"]["text"].as_str().unwrap_or("");
                    out.push_str(&format!("<span class=\"button\">{}</span>\n", esc(label)));
                }
            }
            _ => {}
        }
    }
    out.push_str("</div></div>\n");
    out
}

/// Discord Markdown (escaped by the renderer) as HTML: links, bold, italics, line breaks.
fn discord_md(text: &str) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\((https?://[^)]*)\)").expect("valid"));
    static BOLD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*([^*\n]+)\*\*").expect("valid"));
    static ITALIC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*([^*\n]+)\*").expect("valid"));
    let text = esc(text);
    let text = LINK.replace_all(&text, "<a href=\"$2\">$1</a>");
    let text = BOLD.replace_all(&text, "<b>$1</b>");
    ITALIC.replace_all(&text, "<i>$1</i>").replace('\\', "").replace('\n', "<br>")
}

fn discord_html(p: &Value) -> String {
    let mut out =
        String::from("<div class=\"msg\"><div class=\"avatar\"></div><div><div class=\"name\">layoffwatch</div>\n");
    if let Some(c) = p["content"].as_str() {
        out.push_str(&format!("<div>{}</div>\n", discord_md(c)));
    }
    for e in p["embeds"].as_array().into_iter().flatten() {
        let colour = e["color"].as_u64().unwrap_or(0);
        out.push_str(&format!("<div class=\"embed\" style=\"border-color:#{colour:06x}\">\n"));
        if let Some(t) = e["title"].as_str() {
            let title = match e["url"].as_str() {
                Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(t)),
                None => esc(t),
            };
            out.push_str(&format!("<div class=\"title\">{title}</div>\n"));
        }
        if let Some(d) = e["description"].as_str() {
            out.push_str(&format!("<div>{}</div>\n", discord_md(d)));
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "<div><b>{}</b><br>{}</div>\n",
                discord_md(f["name"].as_str().unwrap_or("")),
                discord_md(f["value"].as_str().unwrap_or(""))
            ));
        }
        if let Some(t) = e["footer"]["text"].as_str() {
            out.push_str(&format!("<div class=\"footer\">{}</div>\n", esc(t).replace('\n', "<br>")));
        }
        out.push_str("</div>\n");
    }
    for row in p["components"].as_array().into_iter().flatten() {
        for b in row["components"].as_array().into_iter().flatten() {
            out.push_str(&format!("<span class=\"button\">{}</span>\n", esc(b["label"].as_str().unwrap_or(""))));
        }
    }
    out.push_str("</div></div>\n");
    out
}
