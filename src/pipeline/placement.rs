//! Turning the story book's placements into the messages a destination receives: a new story is a
//! post, a joined item an update in the thread, and a change of facts also an edit of the first post.

use crate::core::message::{Outbound, StoryPost, StoryUpdate};
use crate::core::story::{KeyFacts, Placement, StoryBook};
use crate::core::summarize::Summarizer;

/// The messages one placement calls for, in the order they must be sent.
pub fn messages(book: &StoryBook, placement: &Placement, summarizer: &dyn Summarizer) -> Vec<Outbound> {
    match placement {
        Placement::NewStory { story } => {
            let s = book.story(story).expect("a placed story exists");
            vec![Outbound::Post(StoryPost::from_story(s, summarizer))]
        }
        Placement::Joined { story, revised_from } => {
            let s = book.story(story).expect("a placed story exists");
            let note = revised_from.as_ref().map(|before| revision_note(Some(before), &s.key_facts()));
            let mut out = vec![Outbound::Update(StoryUpdate::latest(s, note))];
            if revised_from.is_some() {
                out.push(Outbound::Edit(StoryPost::from_story(s, summarizer)));
            }
            out
        }
        _ => Vec::new(),
    }
}

fn revision_note(before: Option<&KeyFacts>, after: &KeyFacts) -> String {
    let show = |k: Option<&KeyFacts>| match k.and_then(|k| k.headcount) {
        Some(n) => format!("{n} jobs"),
        None => "no count".into(),
    };
    let pct = |k: Option<&KeyFacts>| k.and_then(|k| k.percent).map(|p| format!(" ({p}%)")).unwrap_or_default();
    format!("Facts revised: {}{} → {}{}", show(before), pct(before), show(Some(after)), pct(Some(after)))
}
