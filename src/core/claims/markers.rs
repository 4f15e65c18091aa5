//! Speculation markers: hedges, forecasts, opinions, hearsay, rumours, weasel words, conditionals and
//! anonymous social accounts, found in the words of a clause that speak in the writer's own voice.

use super::model::SpeculativeReason;
use super::tokens::{Span, Tokens};
use crate::core::lexicon::{Lexicon, PhraseSet};
use crate::core::text::Words;

const FUTURE_AUX: &[&str] = &["will", "'ll", "going to", "gonna", "won't"];
static MONTH_PREPOSITIONS: Words = Words::new(&[
    "in", "on", "since", "until", "from", "by", "early", "late", "mid", "of", "through", "before", "after", "last",
    "next", "this", "in", "during", "til", "till", "end",
]);

/// The speculative reasons whose markers stand in words `counted` allows.
pub fn find(tokens: &Tokens<'_>, lex: &Lexicon, counted: impl Fn(usize) -> bool) -> Vec<SpeculativeReason> {
    let m = &lex.markers;
    let exceptions: Vec<Span> =
        tokens.find(&m.conditional_exceptions).into_iter().chain(tokens.find(&m.exceptions)).collect();
    let live = |set: &PhraseSet| -> Vec<Span> {
        tokens
            .find(set)
            .into_iter()
            .filter(|h| (h.start..h.end).all(&counted))
            .filter(|h| !exceptions.iter().any(|e| e.start <= h.start && h.end <= e.end))
            .collect()
    };
    let mut reasons = Vec::new();
    let whole = |set: &PhraseSet| !live(set).is_empty();
    let on_a_forum = (0..tokens.len()).any(|k| counted(k) && is_forum_name(tokens, k));
    if (whole(&lex.speakers.social) && !blind_is_an_adjective(tokens) || on_a_forum) && !named_poster(tokens, lex) {
        reasons.push(SpeculativeReason::UnverifiedSocial);
    }
    if whole(&m.hearsay) {
        reasons.push(SpeculativeReason::Hearsay);
    }
    if whole(&m.rumour) {
        reasons.push(SpeculativeReason::Rumour);
    }
    let weasels = live(&m.weasel);
    if !weasels.is_empty() {
        reasons.push(SpeculativeReason::Weasel);
        // "is widely seen as a bellwether": a characterisation nobody signs is an opinion as well.
        let characterises = weasels.iter().any(|w| {
            tokens.bare[w.start..w.end]
                .iter()
                .any(|b| matches!(b.as_str(), "seen" | "viewed" | "regarded" | "considered" | "described"))
        });
        if characterises {
            reasons.push(SpeculativeReason::Opinion);
        }
    }
    if !live(&m.conditional).is_empty() {
        reasons.push(SpeculativeReason::Conditional);
    }
    let hedges: Vec<Span> = live(&m.hedge).into_iter().filter(|h| !is_month(tokens, *h)).collect();
    if !hedges.is_empty() {
        reasons.push(SpeculativeReason::Hedge);
    }
    let predictions = live(&m.prediction);
    // "could follow", "may see", "likely to push back": a hedged modal before an action is a forecast
    // too ("may have cut" looks back, and "may be" describes).
    let hedged_forecast = hedges.iter().any(|h| {
        let modal = tokens.bare[h.end - 1].as_str();
        matches!(modal, "could" | "may" | "might" | "to")
            && tokens
                .bare
                .get(h.end)
                .is_some_and(|next| !matches!(next.as_str(), "have" | "be" | "not" | "also" | "well"))
    });
    if !predictions.is_empty() && !is_announced_plan(tokens, lex, &predictions) || hedged_forecast {
        reasons.push(SpeculativeReason::Prediction);
    }
    if !live(&m.opinion).is_empty() {
        reasons.push(SpeculativeReason::Opinion);
    }
    reasons
}

/// "Confirmed by co-founder Priya Raman in a post on X": a named official's own post is on record.
pub fn named_poster(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    !tokens.find(&lex.speakers.official_titles).is_empty()
        && (1..tokens.len()).any(|k| tokens.capitalized(k) && tokens.capitalized(k.saturating_sub(1)) && k > 1)
        && !tokens.orig.iter().any(|w| w.starts_with('@'))
}

/// The first social-media cue outside quotations, if any.
pub fn social_cue(tokens: &Tokens<'_>, lex: &Lexicon) -> Option<Span> {
    let phrase = tokens.find(&lex.speakers.social).into_iter().find(|h| !tokens.quoted[h.start]);
    let forum = (0..tokens.len()).find(|&k| !tokens.quoted[k] && is_forum_name(tokens, k));
    match (phrase, forum) {
        (Some(p), Some(f)) if f < p.start => Some(Span { start: f, end: f + 1 }),
        (None, Some(f)) => Some(Span { start: f, end: f + 1 }),
        (p, _) => p,
    }
}

/// A community named the way its site names it, as where something was posted: "on
/// r/cscareerquestions", "r/insurance users" ("the r/antiwork subreddit has 2 million members" is
/// about the community, not from it).
pub fn is_forum_name(tokens: &Tokens<'_>, k: usize) -> bool {
    let w = tokens.bare[k].trim_start_matches('/');
    let name = w.len() > 2 && w.starts_with("r/") && w[2..].chars().all(|c| c.is_alphanumeric() || c == '_');
    let posted_there = k == 0 || matches!(tokens.bare[k - 1].as_str(), "on" | "in" | "from" | "to" | "via");
    name && posted_there
}

/// "Blind" the app, not the adjective: only counts when capitalised or with a preposition.
fn blind_is_an_adjective(tokens: &Tokens<'_>) -> bool {
    tokens.bare.iter().zip(&tokens.orig).any(|(b, o)| b == "blind" && !o.starts_with('B'))
        && !tokens.bare.iter().any(|b| matches!(b.as_str(), "reddit" | "tiktok" | "x" | "twitter" | "anonymous"))
}

/// "May 20", "in May": the month, not the modal verb.
fn is_month(tokens: &Tokens<'_>, hit: Span) -> bool {
    if tokens.bare[hit.start] != "may" || hit.end - hit.start != 1 {
        return false;
    }
    let next_is_number =
        tokens.bare.get(hit.start + 1).is_some_and(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()));
    let after_preposition = hit.start > 0
        && MONTH_PREPOSITIONS.contains(tokens.bare[hit.start - 1].as_str())
        && tokens.capitalized(hit.start);
    next_is_number || after_preposition
}

/// Future tense that states a concrete, announced plan ("will cut 1,200 jobs from May 20") is
/// reporting, not a forecast; vague words ("more", "eventually") make it a forecast again.
fn is_announced_plan(tokens: &Tokens<'_>, lex: &Lexicon, predictions: &[Span]) -> bool {
    let all_future_aux = predictions.iter().all(|h| {
        let words = tokens.bare[h.start..h.end].join(" ");
        FUTURE_AUX.iter().any(|a| words == *a || words.ends_with(a))
    });
    if !all_future_aux {
        return false;
    }
    let concrete = tokens.bare.iter().any(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        || !tokens.find(&lex.markers.layoff_actions).is_empty()
        || !tokens.find(&lex.markers.plan_actions).is_empty() && has_date(tokens);
    let vague = tokens.bare.iter().any(|w| lex.markers.vague_future.contains(w));
    // "will pass 100,000 by September", "will not survive 2027": a future whose verb forecasts is a
    // forecast, however concrete its numbers.
    let forecasts = predictions.iter().any(|h| {
        let mut k = h.end;
        while tokens.bare.get(k).is_some_and(|w| PLAN_FILLERS.contains(&w.as_str()) || w.len() > 3 && w.ends_with("ly"))
        {
            k += 1;
        }
        tokens.bare.get(k).is_some_and(|w| lex.markers.forecast_verbs.contains(w.as_str()))
    });
    concrete && !vague && !forecasts
}

/// Words between a future's auxiliary and its verb: "will not", "will now", "will then be".
const PLAN_FILLERS: &[&str] = &["not", "now", "then", "also", "still", "first", "instead", "only"];

/// The uncertainty cues of a claim, quotations included, in order and without repeats: what the
/// contract lists as `hedges` whatever the label. "May" the month and cue words inside fixed phrases
/// that assert nothing uncertain ("could not be reached for comment") are left out.
pub fn hedges(tokens: &Tokens<'_>, lex: &Lexicon) -> Vec<String> {
    let exceptions = tokens.find(&lex.markers.exceptions);
    let mut spans: Vec<Span> = tokens
        .find(&lex.markers.hedge_cues)
        .into_iter()
        .filter(|h| !exceptions.iter().any(|e| e.start <= h.start && h.end <= e.end))
        .filter(|h| !is_month(tokens, *h))
        .collect();
    // Longest first at each start, then no overlaps: "as many as" rather than "as".
    spans.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out: Vec<String> = Vec::new();
    let mut covered = 0;
    for h in spans {
        if h.start < covered {
            continue;
        }
        covered = h.end;
        let cue = tokens.bare[h.start..h.end].join(" ");
        if !out.contains(&cue) {
            out.push(cue);
        }
    }
    out
}

/// Whether the clause names a month or weekday ("in May", "on Friday").
fn has_date(tokens: &Tokens<'_>) -> bool {
    tokens.bare.iter().enumerate().any(|(i, w)| {
        matches!(
            w.as_str(),
            "january"
                | "february"
                | "march"
                | "april"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
        ) || w == "may" && tokens.capitalized(i) && i > 0
    })
}

/// Marks of second-hand talk (hearsay, rumour, anonymous social posts) outside quotations: these are
/// about where a claim came from, so they count even inside an attribution frame.
pub fn second_hand(tokens: &Tokens<'_>, lex: &Lexicon) -> Vec<SpeculativeReason> {
    let mut r = find(tokens, lex, |i| !tokens.quoted[i]);
    r.retain(|x| {
        matches!(x, SpeculativeReason::Hearsay | SpeculativeReason::Rumour | SpeculativeReason::UnverifiedSocial)
    });
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpeculativeReason::*;

    fn reasons(text: &str) -> Vec<SpeculativeReason> {
        let t = Tokens::new(text, Lexicon::embedded());
        find(&t, Lexicon::embedded(), |_| true)
    }

    #[test]
    fn may_the_month_is_not_a_hedge() {
        assert!(reasons("Cuts take effect May 20.").is_empty());
        assert_eq!(reasons("Hooli may cut staff."), vec![Hedge, Prediction]);
        assert_eq!(reasons("The total may be higher."), vec![Hedge]);
    }

    #[test]
    fn a_concrete_plan_in_the_future_is_not_a_prediction() {
        assert!(reasons("Globex will cut 1,200 jobs from June 3.").is_empty());
        assert!(reasons("they'll cut more by spring").contains(&Prediction));
    }

    #[test]
    fn asked_if_is_not_a_condition() {
        assert!(!reasons("Staff asked if severance would be paid.").contains(&Conditional));
        assert!(reasons("If agents keep improving, support teams will shrink further.").contains(&Conditional));
    }

    #[test]
    fn no_comment_is_not_a_hedge() {
        assert!(reasons("A spokesperson could not be reached for comment.").is_empty());
    }

    #[test]
    fn weasel_words_are_found() {
        assert!(reasons("The chief executive is widely regarded as a cost cutter.").contains(&Weasel));
    }

    fn hedges_of(text: &str) -> Vec<String> {
        hedges(&Tokens::new(text, Lexicon::embedded()), Lexicon::embedded())
    }

    #[test]
    fn a_hedge_inside_a_sourced_statement_is_listed() {
        assert_eq!(hedges_of("Two people said the cuts could reach 15% of staff."), vec!["could"]);
        assert_eq!(hedges_of("The CEO said the cuts \"may not be the last.\""), vec!["may"]);
    }

    #[test]
    fn fixed_phrases_and_the_month_are_not_hedges() {
        assert!(hedges_of("Initech could not be reached for comment.").is_empty());
        assert!(hedges_of("The cuts take effect May 20.").is_empty());
        assert_eq!(
            hedges_of("Staff are expected to hear more, and it is unclear whether bonuses survive."),
            vec!["expected to", "unclear", "whether"]
        );
    }

    #[test]
    fn hearsay_is_found_anywhere() {
        assert!(reasons("I heard from a friend that Initech is next").contains(&Hearsay));
    }
}
