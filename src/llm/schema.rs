//! The reply's shape: a headline and bullets, each bullet citing the ids of the data it rests on.
//! The keys are one letter (`{"h": …, "b": [{"t": …, "c": [ids]}]}`) because every reply pays for
//! them, and at most [`MAX_BULLETS`] short bullets are asked for; the long keys (`headline`,
//! `bullets`, `text`, `cites`) are read too, for models that write them anyway. Servers that support
//! it are held to the shape by a JSON-schema response format; others get JSON
//! mode or only the prompt's instruction, so the reply is parsed leniently either way (code fences,
//! prose around the object, ids written as numbers) and bounded in size.

use crate::core::summarize::grounding::{Proposal, ProposedBullet};
use serde::Deserialize;
use serde_json::{Value, json};

/// How the reply's shape is requested, most capable first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Format {
    /// `response_format: {"type": "json_schema", …}` (OpenAI, vLLM, llama.cpp, recent Ollama).
    JsonSchema = 0,
    /// `response_format: {"type": "json_object"}`.
    JsonObject = 1,
    /// No `response_format`; the prompt asks for JSON.
    Plain = 2,
}

impl Format {
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Format::JsonSchema,
            1 => Format::JsonObject,
            _ => Format::Plain,
        }
    }

    pub fn weaker(self) -> Self {
        match self {
            Format::JsonSchema => Format::JsonObject,
            Format::JsonObject | Format::Plain => Format::Plain,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::JsonSchema => "json_schema",
            Format::JsonObject => "json_object",
            Format::Plain => "plain",
        }
    }
}

/// Bullets asked for, at most, and kept: a reply with more is read (a bullet may fail grounding) and
/// the first this many that pass are kept. A story post leads with the headline and its key facts,
/// so three bullets say what matters and keep the reply small.
pub const MAX_BULLETS: usize = 3;
/// More bullets than this are not a summary; the rest are not read.
pub const MAX_READ_BULLETS: usize = 6;
/// Words asked for in a headline, at most (the prompt says so; grounding checks what it says).
pub const HEADLINE_WORDS: usize = 12;
/// Words asked for in a bullet, at most.
pub const BULLET_WORDS: usize = 20;
/// More citations than this on one bullet are not a citation.
const MAX_CITES: usize = 12;
const MAX_HEADLINE_CHARS: usize = 200;

/// The JSON schema of a reply.
pub fn schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["h", "b"],
        "properties": {
            "h": {"type": "string"},
            "b": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["t", "c"],
                    "properties": {
                        "t": {"type": "string"},
                        "c": {"type": "array", "items": {"type": "string"}}
                    }
                }
            }
        }
    })
}

/// The `response_format` field for `format`.
pub fn response_format(format: Format) -> Option<Value> {
    match format {
        Format::JsonSchema => Some(json!({
            "type": "json_schema",
            "json_schema": {"name": "story_summary", "strict": true, "schema": schema()}
        })),
        Format::JsonObject => Some(json!({"type": "json_object"})),
        Format::Plain => None,
    }
}

/// Why a reply could not be read as a summary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the reply is empty")]
    Empty,
    #[error("the reply holds no JSON object")]
    NoObject,
    #[error("the reply is not valid JSON: {0}")]
    NotJson(String),
    #[error("the reply has no bullets")]
    NoBullets,
}

#[derive(Deserialize)]
struct RawReply {
    #[serde(default, alias = "headline")]
    h: Value,
    #[serde(default, alias = "bullets")]
    b: Vec<Value>,
}

/// Reads a reply's text as a proposal. Only the shape is checked here; what it says is grounding's job.
pub fn parse_reply(content: &str) -> Result<Proposal, ReplyError> {
    let content = content.trim();
    if content.is_empty() {
        return Err(ReplyError::Empty);
    }
    let (start, end) = match (content.find('{'), content.rfind('}')) {
        (Some(s), Some(e)) if s < e => (s, e),
        _ => return Err(ReplyError::NoObject),
    };
    let raw: RawReply = serde_json::from_str(&content[start..=end]).map_err(|e| ReplyError::NotJson(e.to_string()))?;
    let headline: String = match raw.h {
        Value::String(s) => s.chars().take(MAX_HEADLINE_CHARS).collect(),
        _ => String::new(),
    };
    let bullets: Vec<ProposedBullet> = raw.b.iter().take(MAX_READ_BULLETS).filter_map(bullet).collect();
    if bullets.is_empty() {
        return Err(ReplyError::NoBullets);
    }
    Ok(Proposal { headline, bullets })
}

fn bullet(value: &Value) -> Option<ProposedBullet> {
    let text = value.get("t").or_else(|| value.get("text"))?.as_str()?.to_string();
    let id = |v: &Value| match v {
        Value::String(s) => Some(s.trim().trim_matches(['[', ']']).to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let cites = match value.get("c").or_else(|| value.get("cites")) {
        Some(Value::Array(list)) => list.iter().take(MAX_CITES).filter_map(id).collect(),
        Some(single) => id(single).into_iter().collect(),
        None => Vec::new(),
    };
    Some(ProposedBullet { text, cites })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_in_a_code_fence_with_numeric_ids_is_read() {
        let p = parse_reply(
            "Here you go:\n```json\n{\"headline\":\"H\",\"bullets\":[{\"text\":\"T\",\"cites\":[\"[c1]\",2]}]}\n```",
        )
        .unwrap();
        assert_eq!(p.headline, "H");
        assert_eq!(p.bullets[0].cites, vec!["c1", "2"]);
    }

    #[test]
    fn short_keys_are_read_like_long_ones() {
        let short = parse_reply("{\"h\":\"H\",\"b\":[{\"t\":\"T\",\"c\":[\"c1\"]}]}").unwrap();
        let long = parse_reply("{\"headline\":\"H\",\"bullets\":[{\"text\":\"T\",\"cites\":[\"c1\"]}]}").unwrap();
        assert_eq!(short, long);
        assert_eq!(short.bullets[0].cites, vec!["c1"]);
    }

    #[test]
    fn malformed_or_empty_replies_are_refused() {
        assert_eq!(parse_reply("  "), Err(ReplyError::Empty));
        assert_eq!(parse_reply("I cannot help with that."), Err(ReplyError::NoObject));
        assert!(matches!(parse_reply("{\"headline\": \"H\", \"bullets\": [}"), Err(ReplyError::NotJson(_))));
        assert_eq!(parse_reply("{\"headline\": \"H\", \"bullets\": []}"), Err(ReplyError::NoBullets));
    }

    #[test]
    fn bullets_are_capped() {
        let many: Vec<String> = (0..20).map(|i| format!("{{\"text\":\"b{i}\",\"cites\":[\"c1\"]}}")).collect();
        let p = parse_reply(&format!("{{\"headline\":\"H\",\"bullets\":[{}]}}", many.join(","))).unwrap();
        assert_eq!(p.bullets.len(), MAX_READ_BULLETS);
    }

    #[test]
    fn the_schema_format_carries_the_schema_and_plain_carries_none() {
        let f = response_format(Format::JsonSchema).unwrap();
        assert_eq!(f["json_schema"]["schema"]["required"][1], "b");
        assert_eq!(response_format(Format::Plain), None);
        assert_eq!(Format::JsonSchema.weaker().weaker(), Format::Plain);
    }
}
