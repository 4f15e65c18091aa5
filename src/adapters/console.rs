//! The console destination: readable story posts on standard output, coloured on a terminal, with
//! thread replies indented under their story. The embedded default and `demo` post here.

use crate::core::message::{ShownClaim, StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use async_trait::async_trait;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// Writes posts to standard output.
pub struct Console {
    out: Mutex<Box<dyn Write + Send>>,
    colour: bool,
}

impl Console {
    pub fn stdout() -> Self {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { out: Mutex::new(Box::new(std::io::stdout())), colour }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    fn emit(&self, text: &str) -> Result<(), DeliveryError> {
        let mut out = self.out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| DeliveryError::Transient { destination: "console".into(), message: e.to_string() })
    }

    /// The text of a story post, as the console shows it.
    pub fn render_post(&self, post: &StoryPost, edited: bool) -> String {
        let mut s = String::new();
        let tag = if edited { self.paint("33", "✎ EDITED STORY") } else { self.paint("1;36", "■ STORY") };
        let _ = writeln!(s, "\n{tag} {}  [{} rev {}]", self.paint("1", &post.headline), post.story_id, post.revision);
        if let Some(url) = &post.url {
            let _ = writeln!(s, "  {url}");
        }
        for b in &post.bullets {
            let mark = if b.speculative { self.paint("35", "?") } else { self.paint("32", "•") };
            let _ = writeln!(s, "  {mark} {}", b.text);
        }
        for f in post.facts.iter().filter(|f| f.headcount.is_some() || f.percent.is_some()) {
            let count = f.headcount.map(|n| format!("{n} jobs")).unwrap_or_default();
            let pct = f.percent.map(|p| format!(" ({p}%)")).unwrap_or_default();
            let date = f.date.map(|d| format!(", {d}")).unwrap_or_default();
            let ai = f
                .ai_reason
                .map(|by| {
                    format!(
                        ", AI cited by {}",
                        serde_json::to_value(by).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {} {}: {count}{pct}{date}{ai} — {}",
                self.paint("34", "fact"),
                f.company.as_deref().unwrap_or("?"),
                f.source
            );
        }
        self.claims(&mut s, "Sourced", "32", &post.sourced);
        self.claims(&mut s, "Speculative", "35", &post.speculative);
        let _ = writeln!(
            s,
            "  {}",
            self.paint(
                "2",
                &format!(
                    "outlets: {} · first seen {}",
                    post.outlets.join(", "),
                    post.first_seen.format("%Y-%m-%d %H:%M UTC")
                )
            )
        );
        s
    }

    fn claims(&self, s: &mut String, title: &str, colour: &str, claims: &[ShownClaim]) {
        if claims.is_empty() {
            return;
        }
        let _ = writeln!(s, "  {}", self.paint(colour, &format!("{title}:")));
        for c in claims.iter().take(8) {
            let source = c.source.as_ref().map(|s| format!("; {}", s.name)).unwrap_or_default();
            let _ = writeln!(s, "    - {} ({}{source})", c.text, c.reasons.join(", "));
        }
        if claims.len() > 8 {
            let _ = writeln!(s, "    - …and {} more", claims.len() - 8);
        }
    }

    pub fn render_update(&self, update: &StoryUpdate) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "  {} [{} rev {}] also reported by {}: {}",
            self.paint("36", "↳ update"),
            update.story_id,
            update.revision,
            update.outlet,
            update.title
        );
        if let Some(note) = &update.revision_note {
            let _ = writeln!(s, "    {}", self.paint("33", note));
        }
        for c in &update.new_sourced {
            let _ = writeln!(s, "    new, sourced: {} ({})", c.text, c.reasons.join(", "));
        }
        for c in &update.new_speculative {
            let _ = writeln!(s, "    new, speculative: {} ({})", c.text, c.reasons.join(", "));
        }
        s
    }
}

#[async_trait]
impl Destination for Console {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::output("console")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    async fn post_story(&self, _key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.emit(&self.render_post(post, false))?;
        Ok(PostRef(post.story_id.clone()))
    }

    async fn post_update(
        &self,
        _key: &str,
        _thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        self.emit(&self.render_update(update))?;
        Ok(PostRef(format!("{}#{}", update.story_id, update.revision)))
    }

    async fn edit_story(&self, _key: &str, _first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        self.emit(&self.render_post(post, true))
    }
}
