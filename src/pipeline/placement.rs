//! Turning the story book's placements into the messages a destination receives: a new story is a
//! post, a joined item an update in the thread; the poll edits the first post when facts change or an
//! outlet joins.

use crate::core::facts::group_thousands;
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

/// "Figures revised: 1,800 jobs (was 1,200) · 6%": the new figures first, each with what it replaced.
fn revision_note(before: Option<&KeyFacts>, after: &KeyFacts) -> String {
    let mut parts: Vec<String> = Vec::new();
    let was_count = before.and_then(|b| b.headcount);
    match after.headcount {
        Some(n) => {
            let mut part = format!("{} jobs", group_thousands(n));
            if let Some(w) = was_count.filter(|w| *w != n) {
                part.push_str(&format!(" (was {})", group_thousands(w)));
            }
            parts.push(part);
        }
        None if was_count.is_some() => parts.push("no count given".into()),
        None => {}
    }
    if let Some(p) = after.percent {
        let mut part = format!("{p}%");
        if let Some(w) = before.and_then(|b| b.percent).filter(|w| *w != p) {
            part.push_str(&format!(" (was {w}%)"));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        return "Figures revised".into();
    }
    format!("Figures revised: {}", parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(headcount: Option<u64>, percent: Option<f64>) -> KeyFacts {
        KeyFacts { company: Some("Hooli".into()), headcount, percent }
    }

    #[test]
    fn a_revision_reads_as_the_new_figure_with_what_it_replaced() {
        let note = revision_note(Some(&facts(Some(1_200), Some(6.0))), &facts(Some(1_800), Some(6.0)));
        assert_eq!(note, "Figures revised: 1,800 jobs (was 1,200) · 6%");
    }

    #[test]
    fn figures_are_written_with_thousands_separators() {
        let note = revision_note(Some(&facts(None, None)), &facts(Some(30_000), Some(5.5)));
        assert_eq!(note, "Figures revised: 30,000 jobs · 5.5%");
    }
}
