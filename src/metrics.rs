//! Counters the bot exports in the Prometheus text format (for `GET /metrics`).
//!
//! Plain counters behind one mutex rather than the `prometheus-client` crate: the bot increments a
//! handful of counters a few times per story, every label takes its values from a fixed set (so the
//! series cannot grow without bound), and the text format for counters is a dozen lines. A counter
//! is declared once as a [`Counter`] constant beside the code that counts, so its name and help text
//! live with what it measures.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A counter's name, help text and (optional) label name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub name: &'static str,
    pub help: &'static str,
    pub label: Option<&'static str>,
}

#[derive(Default)]
struct Family {
    help: &'static str,
    label: Option<&'static str>,
    values: BTreeMap<String, u64>,
}

/// The process's counters. Share it as `Arc<Metrics>`.
#[derive(Default)]
pub struct Metrics {
    families: Mutex<BTreeMap<&'static str, Family>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `by` to the counter (with `label` as its label's value, when it has a label).
    pub fn add(&self, counter: Counter, label: Option<&str>, by: u64) {
        let mut families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        let family = families.entry(counter.name).or_insert_with(|| Family {
            help: counter.help,
            label: counter.label,
            values: BTreeMap::new(),
        });
        *family.values.entry(label.unwrap_or_default().to_string()).or_default() += by;
    }

    pub fn inc(&self, counter: Counter, label: Option<&str>) {
        self.add(counter, label, 1);
    }

    /// The counter's value (0 if it was never counted).
    pub fn get(&self, counter: Counter, label: Option<&str>) -> u64 {
        let families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        families.get(counter.name).and_then(|f| f.values.get(label.unwrap_or_default())).copied().unwrap_or(0)
    }

    /// The sum over all of the counter's labels.
    pub fn total(&self, counter: Counter) -> u64 {
        let families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        families.get(counter.name).map_or(0, |f| f.values.values().sum())
    }

    /// Every counter in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        for (name, family) in families.iter() {
            let _ = writeln!(out, "# HELP {name} {}", family.help);
            let _ = writeln!(out, "# TYPE {name} counter");
            for (value, count) in &family.values {
                match family.label {
                    Some(label) => {
                        let _ = writeln!(out, "{name}{{{label}=\"{}\"}} {count}", escape(value));
                    }
                    None => {
                        let _ = writeln!(out, "{name} {count}");
                    }
                }
            }
        }
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLS: Counter = Counter { name: "demo_calls_total", help: "Calls made.", label: Some("outcome") };
    const TOKENS: Counter = Counter { name: "demo_tokens_total", help: "Tokens.", label: None };

    #[test]
    fn counters_render_in_the_prometheus_text_format() {
        let m = Metrics::new();
        m.inc(CALLS, Some("ok"));
        m.inc(CALLS, Some("ok"));
        m.inc(CALLS, Some("time\"out"));
        m.add(TOKENS, None, 42);
        let text = m.render();
        assert!(text.contains("# TYPE demo_calls_total counter\n"), "{text}");
        assert!(text.contains("demo_calls_total{outcome=\"ok\"} 2\n"), "{text}");
        assert!(text.contains("demo_calls_total{outcome=\"time\\\"out\"} 1\n"), "{text}");
        assert!(text.contains("demo_tokens_total 42\n"), "{text}");
        assert_eq!(m.total(CALLS), 3);
        assert_eq!(m.get(TOKENS, None), 42);
    }
}
