//! The console destination: readable story posts on standard output, coloured on a terminal, with
//! thread replies indented under their story. The embedded default and `demo` post here.

use crate::core::glance::{Glance, mark_of};
use crate::core::message::{StoryPost, StoryUpdate};
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

    /// The text of a story post, as the console shows it: the same at-a-glance post as the chat
    /// platforms ([`Glance`]).
    pub fn render_post(&self, post: &StoryPost, edited: bool) -> String {
        let g = Glance::of(post);
        let mut s = String::new();
        let tag = if edited { self.paint("33", "✎ EDITED STORY") } else { self.paint("1;36", "■ STORY") };
        let _ = writeln!(s, "\n{tag} {}", self.paint("1", &g.headline));
        if let Some(url) = &g.url {
            let _ = writeln!(s, "  {url}");
        }
        if let Some(facts) = &g.facts {
            let _ = writeln!(s, "  {}", self.paint("34", facts));
        }
        for line in &g.lines {
            let _ = writeln!(s, "  • {} {}", line.text, line.mark.plain());
        }
        let _ = writeln!(s, "  {}", self.paint("2", &format!("{} · {}", g.state.word(), g.counts)));
        let _ = writeln!(s, "  {}", self.paint("2", &g.outlets));
        s
    }

    pub fn render_update(&self, update: &StoryUpdate) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "  {} also reported by {}: {}", self.paint("36", "↳ update"), update.outlet, update.title);
        if let Some(note) = &update.revision_note {
            let _ = writeln!(s, "    {}", self.paint("33", note));
        }
        for c in &update.new_sourced {
            let _ = writeln!(s, "    new: {} — {}", c.text, mark_of(c).plain());
        }
        for c in &update.new_speculative {
            let _ = writeln!(s, "    new: {} — {}", c.text, mark_of(c).plain());
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
        Ok(PostRef(post.story_id.to_string()))
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
