//! Positive evidence for a claim in the writer's own voice: who it is about (a named organisation, a
//! generic subject such as "tech firms"), the facts the scorer weighs. A claim about nobody in
//! particular that turns out speculative is a `weasel`, not merely an `opinion`.

use super::tokens::{Span, Tokens};
use crate::core::lexicon::Lexicon;

/// Words the opening of a clause may start with before its subject ("Now tech firms …").
const OPENERS: &[&str] =
    &["now", "so", "and", "but", "yet", "still", "today", "increasingly", "meanwhile", "these", "those"];

/// Whether the clause's subject is nobody in particular: "Tech firms now reach for AI", "Most
/// executives", "Nobody is tracking".
pub fn generic_subject(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    let start = tokens.bare.iter().take_while(|w| OPENERS.contains(&w.as_str())).count();
    let end = (start + 3).min(tokens.len());
    if start >= end || tokens.quoted[start] {
        return false;
    }
    let opening = Span { start, end };
    let generic =
        tokens.find_in(&lex.speakers.generic_subjects, opening).iter().any(|h| !tokens.superlative_most(h.start))
            || !tokens.find_in(&lex.speakers.weasel, Span { start, end: start + 1 }).is_empty();
    // "Most of Initech's staff" names someone after all.
    generic && !(start + 1..end).any(|k| tokens.capitalized(k))
}

/// Whether a known company or outlet, or a name with an organisation suffix, is named.
pub fn names_organisation(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    let text = tokens.orig.join(" ");
    !lex.companies_in(&text).is_empty()
        || lex.outlet_in(&text).is_some()
        || (1..tokens.len()).any(|k| tokens.capitalized(k) && lex.speakers.company_suffixes.contains(&tokens.bare[k]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic(text: &str) -> bool {
        generic_subject(&Tokens::new(text, Lexicon::embedded()), Lexicon::embedded())
    }

    #[test]
    fn generalisations_have_generic_subjects() {
        assert!(generic("Tech firms now reach for AI whenever a cut needs explaining."));
        assert!(generic("Most executives now reach for AI."));
        assert!(!generic("In its most recent report, the company cut 120 roles."));
        assert!(generic("Nobody is really tracking what happens to displaced workers."));
        assert!(!generic("Initech closed its Austin office."));
    }
}
