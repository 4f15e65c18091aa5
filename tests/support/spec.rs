//! Checks against Slack's own published specs (tests/data/specs/slack, MIT): every Web API request the
//! bot sends is checked against the method's parameters in the OpenAPI 2.0 spec, and every event
//! envelope the fake sends against the Events API wrapper schema.
//!
//! The Web API spec lists a method's parameters as form fields. A request is turned into one JSON
//! object (form and query values coerced to the parameter's declared type; in JSON bodies, fields the
//! spec calls "a JSON-based array … presented as a URL-encoded string" arrive as JSON and are accepted
//! as such) and validated against a schema built from those parameters: known names only, declared
//! types, required ones present. The spec is from 2020 and predates a few things the bot uses; those
//! are listed in `NEWER` with the Slack changelog entry that added them.

use serde_json::{Map, Value, json};
use std::collections::HashMap;

const WEB_SPEC: &str = include_str!("../data/specs/slack/web_openapi_v2.json");
const EVENT_WRAPPER: &str = include_str!("../data/specs/slack/event_wrapper_schema.json");

/// Parameters Slack added after the 2020 spec: (method, parameter, JSON type).
/// - `metadata` on chat.postMessage / chat.update: message metadata, 2022.
/// - `include_all_metadata` on conversations.history and conversations.replies: message metadata, 2022.
const NEWER: &[(&str, &str, &str)] = &[
    ("chat.postMessage", "metadata", "object"),
    ("chat.update", "metadata", "object"),
    ("conversations.history", "include_all_metadata", "boolean"),
    ("conversations.replies", "include_all_metadata", "boolean"),
];
/// Methods newer than the spec: `apps.connections.open` (Socket Mode, 2021), which takes no parameters.
const NEWER_METHODS: &[&str] = &["apps.connections.open"];

struct Method {
    /// Parameter name → declared type.
    types: HashMap<String, String>,
    validator: jsonschema::Validator,
}

pub struct WebSpec {
    methods: HashMap<String, Method>,
}

impl WebSpec {
    pub fn load() -> Self {
        let spec: Value = serde_json::from_str(WEB_SPEC).expect("the copied Web API spec is JSON");
        let mut methods = HashMap::new();
        for (path, ops) in spec["paths"].as_object().expect("paths") {
            let name = path.trim_start_matches('/').to_string();
            let Some(op) = ops.get("post").or_else(|| ops.get("get")) else { continue };
            let mut types = HashMap::new();
            let mut required = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let pname = p["name"].as_str().unwrap_or_default();
                let place = p["in"].as_str().unwrap_or_default();
                if pname == "token" || !(place == "formData" || place == "query") {
                    continue;
                }
                types.insert(pname.to_string(), p["type"].as_str().unwrap_or("string").to_string());
                if p["required"].as_bool() == Some(true) {
                    required.push(pname.to_string());
                }
            }
            for (m, pname, ty) in NEWER {
                if *m == name {
                    types.insert(pname.to_string(), ty.to_string());
                }
            }
            methods.insert(name, method(types, required));
        }
        for m in NEWER_METHODS {
            methods.insert(m.to_string(), method(HashMap::new(), Vec::new()));
        }
        Self { methods }
    }

    /// Checks one request's parameters; `json_body` says whether they came as a JSON body (typed) or
    /// as form/query strings.
    pub fn check(&self, method: &str, params: &Map<String, Value>, json_body: bool) -> Result<(), Vec<String>> {
        let Some(m) = self.methods.get(method) else {
            return Err(vec![format!("{method} is not a Web API method in the spec")]);
        };
        let mut instance = Map::new();
        for (k, v) in params {
            let declared = m.types.get(k).map(String::as_str).unwrap_or("string");
            instance.insert(k.clone(), coerce(v, declared, json_body));
        }
        let instance = Value::Object(instance);
        let errors: Vec<String> = m.validator.iter_errors(&instance).map(|e| format!("{method}: {e}")).collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

fn method(types: HashMap<String, String>, required: Vec<String>) -> Method {
    let properties: Map<String, Value> = types
        .iter()
        .map(|(k, t)| {
            let schema = match t.as_str() {
                "integer" => json!({"type": "integer"}),
                "number" => json!({"type": "number"}),
                "boolean" => json!({"type": "boolean"}),
                "object" => json!({"type": "object"}),
                _ => json!({"type": "string"}),
            };
            (k.clone(), schema)
        })
        .collect();
    let schema =
        json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false});
    Method { types, validator: jsonschema::validator_for(&schema).expect("a valid generated schema") }
}

/// A value as the spec's type. Strings from forms and queries are parsed; in JSON bodies, arrays and
/// objects given for a "string" parameter (blocks, attachments) are Slack's accepted JSON form and
/// count as that string.
fn coerce(v: &Value, declared: &str, json_body: bool) -> Value {
    match (v, declared) {
        (Value::String(s), "boolean") if !json_body || s == "true" || s == "false" => match s.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => v.clone(),
        },
        (Value::String(s), "integer") => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| v.clone()),
        (Value::String(s), "number") => s
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            .unwrap_or_else(|| v.clone()),
        (Value::Array(_) | Value::Object(_), "string") if json_body => Value::String(v.to_string()),
        _ => v.clone(),
    }
}

/// The Events API outer envelope schema.
pub struct EventSchema(jsonschema::Validator);

impl EventSchema {
    pub fn load() -> Self {
        let schema: Value = serde_json::from_str(EVENT_WRAPPER).expect("the copied wrapper schema is JSON");
        Self(jsonschema::validator_for(&schema).expect("a valid schema"))
    }

    pub fn check(&self, envelope: &Value) -> Result<(), Vec<String>> {
        let errors: Vec<String> = self.0.iter_errors(envelope).map(|e| e.to_string()).collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}
