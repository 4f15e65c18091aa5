//! The documents layoffwatch reads: news articles and chat threads, in the JSON shapes of the
//! command-line contract (DESIGN.md). They are parsed once at the edge so the rest of the core can rely
//! on every article having text and every thread having messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The largest document the core accepts. Articles and threads are a few hundred kilobytes at most;
/// anything larger is a mistake or an attack, and is refused before it is parsed.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// One input to `claims` or `summarize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Document {
    Article(Article),
    Thread(Thread),
}

/// A news article. The outlet is the source of the article's own plain reporting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "rfc3339::optional")]
    pub published: Option<DateTime<Utc>>,
    /// Plain text or HTML; HTML is reduced to text before segmentation.
    pub text: String,
}

/// A chat thread, in the order its messages were posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    pub messages: Vec<Message>,
}

/// One chat message. `links` holds links the platform reported separately; URLs inside `text` count too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default, deserialize_with = "rfc3339::optional")]
    pub ts: Option<DateTime<Utc>>,
    pub text: String,
    #[serde(default)]
    pub links: Vec<String>,
    /// A link back to the message on its platform, used to cite it in summaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
}

/// Times in documents, read so that a malformed one says which value is wrong and what shape is
/// wanted ("input contains invalid characters" names neither).
mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, de::Error};

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        DateTime::parse_from_rfc3339(&text).map(|t| Some(t.with_timezone(&Utc))).map_err(|e| {
            D::Error::custom(format!(
                "the time {text:?} is not an RFC 3339 time ({e}); write it like 2026-04-21T17:05:00Z"
            ))
        })
    }
}

/// Why a document could not be read. Each message names what was wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(
        "the input is {size} bytes, more than the {max}-byte limit for one document; split it into smaller documents"
    )]
    TooLarge { size: usize, max: usize },
    #[error("the input is not valid UTF-8 (bad byte at offset {offset}); re-encode it as UTF-8")]
    NotUtf8 { offset: usize },
    #[error(
        "the input is empty; expected one JSON document such as {{\"kind\":\"article\",\"outlet\":\"Reuters\",\"text\":\"…\"}}"
    )]
    Empty,
    #[error(
        "the input is not a valid document: {detail}; expected {{\"kind\":\"article\",\"text\":…}} or {{\"kind\":\"thread\",\"messages\":[…]}}"
    )]
    Invalid { detail: String },
    #[error("{what} is empty; give it some text to label")]
    EmptyText { what: String },
    #[error("the thread has no messages; add at least one {{\"id\":…,\"text\":…}} to `messages`")]
    NoMessages,
}

impl Document {
    /// Parses one document from raw bytes, with the checks every entry point needs: size, encoding,
    /// JSON shape and non-empty text.
    pub fn parse(bytes: &[u8]) -> Result<Self, DocumentError> {
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge { size: bytes.len(), max: MAX_DOCUMENT_BYTES });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| DocumentError::NotUtf8 { offset: e.valid_up_to() })?;
        if text.trim().is_empty() {
            return Err(DocumentError::Empty);
        }
        let doc: Document =
            serde_json::from_str(text).map_err(|e| DocumentError::Invalid { detail: describe_json_error(text, &e) })?;
        doc.validate()?;
        Ok(doc)
    }

    fn validate(&self) -> Result<(), DocumentError> {
        match self {
            Document::Article(a) if a.text.trim().is_empty() => Err(DocumentError::EmptyText {
                what: format!("the `text` of article {}", a.id.as_deref().unwrap_or("(no id)")),
            }),
            Document::Thread(t) if t.messages.is_empty() => Err(DocumentError::NoMessages),
            _ => Ok(()),
        }
    }

    /// The document's id, or a stand-in that still lets its claims be traced back.
    pub fn id(&self) -> String {
        match self {
            Document::Article(a) => a.id.clone().or_else(|| a.url.clone()).unwrap_or_else(|| "article".into()),
            Document::Thread(t) => t.id.clone().unwrap_or_else(|| "thread".into()),
        }
    }
}

impl Message {
    /// The id claims cite; messages without one are cited by their position.
    pub fn origin(&self, index: usize) -> String {
        self.id.clone().unwrap_or_else(|| format!("#{}", index + 1))
    }
}

/// serde_json's messages name the field but not what a user should send; add that, and keep the
/// line and column so a JSONL user can find the problem.
fn describe_json_error(text: &str, e: &serde_json::Error) -> String {
    let msg = e.to_string();
    if msg.contains("missing field `kind`") || (msg.contains("missing field") && !text.contains("\"kind\"")) {
        return "field `kind` is missing (use \"article\" or \"thread\")".into();
    }
    if msg.contains("unknown variant") {
        return format!("field `kind` has an unknown value ({msg}); use \"article\" or \"thread\"");
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_with_html_text_parses() {
        let doc = Document::parse(br#"{"kind":"article","outlet":"Reuters","text":"<p>Hi</p>"}"#).unwrap();
        assert!(matches!(doc, Document::Article(a) if a.outlet.as_deref() == Some("Reuters")));
    }

    #[test]
    fn a_missing_text_field_is_named() {
        let err = Document::parse(br#"{"kind":"article","outlet":"Reuters"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `text`"), "{err}");
    }

    #[test]
    fn an_unknown_kind_says_which_kinds_exist() {
        let err = Document::parse(br#"{"kind":"tweet","text":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("\"article\" or \"thread\""), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused_with_its_offset() {
        let err = Document::parse(b"{\"kind\":\"article\",\"text\":\"\xff\"}").unwrap_err();
        assert!(matches!(err, DocumentError::NotUtf8 { offset: 26 }), "{err}");
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(matches!(Document::parse(&big), Err(DocumentError::TooLarge { .. })));
    }

    #[test]
    fn a_malformed_time_is_named_with_the_shape_wanted() {
        let err = Document::parse(br#"{"kind":"thread","messages":[{"ts":"2026-04-21T17:05:30:00Z","text":"x"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains(r#""2026-04-21T17:05:30:00Z" is not an RFC 3339 time"#), "{err}");
        let ok = Document::parse(
            br#"{"kind":"thread","messages":[{"ts":"2026-04-21T17:05:30.25+02:00","text":"x"},{"ts":null,"text":"y"}]}"#,
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn blank_article_text_is_an_error() {
        let err = Document::parse(br#"{"kind":"article","id":"a9","text":"  "}"#).unwrap_err();
        assert!(err.to_string().contains("article a9"), "{err}");
    }
}
