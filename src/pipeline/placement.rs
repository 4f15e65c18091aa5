//! Turning the story book's placements into the messages a destination receives: a new story is a
//! post, a joined item an update in the thread; the poll edits the first post when facts change or an
//! outlet joins.

use crate::core::message::{Outbound, StoryUpdate};
use crate::core::story::{KeyFacts, Placement, Story};

/// What a destination that already shows the story gets for a joined item: the update in the
/// thread. The edit of the first post is decided by the poll, once per round.
pub fn follow_ups(story: &Story, placement: &Placement) -> Vec<Outbound> {
    let Placement::Joined { revised_from, .. } = placement else { return Vec::new() };
    let note = revised_from.as_ref().map(|before| revision_note(Some(before), &story.key_facts()));
    vec![Outbound::Update(StoryUpdate::latest(story, note))]
}

/// Whether the placement changed the story's facts, so its first post must be redone.
pub fn revises(placement: &Placement) -> bool {
    matches!(placement, Placement::Joined { revised_from: Some(_), .. })
}

fn revision_note(before: Option<&KeyFacts>, after: &KeyFacts) -> String {
    let show = |k: Option<&KeyFacts>| match k.and_then(|k| k.headcount) {
        Some(n) => format!("{n} jobs"),
        None => "no count".into(),
    };
    let pct = |k: Option<&KeyFacts>| k.and_then(|k| k.percent).map(|p| format!(" ({p}%)")).unwrap_or_default();
    format!("Facts revised: {}{} → {}{}", show(before), pct(before), show(Some(after)), pct(Some(after)))
}
