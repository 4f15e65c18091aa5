//! Who speaks on a podcast's show notes. The page is the show's, not a newsroom's: its hosts give
//! their view ("Dana argues …", "Our host predicts …"), which is opinion however it is framed, and a
//! guest named only by what they do ("Our guest, a former dispatcher, says") is nobody anyone
//! vouches for. Named guests and the companies they quote stay on record.

use super::attribution::{Attribution, Speaker};
use super::tokens::Tokens;
use crate::core::hygiene::Turn;
use crate::core::lexicon::{Lexicon, WordSet};
use crate::core::text::Words;

/// How the show notes' own voice changes an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowVoice {
    /// One of the show's hosts: their view, not a statement on record.
    Host,
    /// A guest or caller with no name.
    UnnamedGuest,
}

/// The names of the show's hosts, as the page introduces them: the capitalised words after a host
/// word ("hosts Dana Okafor and Lewis Brandt", "hosted by Mei Tan"), each word on its own, so "Dana"
/// alone later is known.
pub fn host_names(text: &str, lex: &Lexicon) -> WordSet {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut names = WordSet::default();
    for (i, w) in words.iter().enumerate() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase();
        if !lex.show_host_words.contains(&bare) || w.ends_with(['.', ';']) {
            continue;
        }
        // "hosted Globex executives" names guests of an event; only "hosted by" names hosts.
        let mut after = words.iter().skip(i + 1).peekable();
        if bare == "hosted" && after.next_if(|n| **n == "by").is_none() {
            continue;
        }
        for next in after.take(7) {
            let name = next.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
            if matches!(name, "and" | "&" | "") {
                continue;
            }
            // A possessive is what the name owns, not a host ("hosts Initech's town hall").
            if !name.chars().next().is_some_and(char::is_uppercase) || name.ends_with("'s") || name.ends_with("’s") {
                break;
            }
            names.insert(name.to_lowercase());
            // "Hosts: Sam Okafor, Riley Chen" lists them; "hosted by Mei Tan, a former …" describes one.
            let listing = bare.ends_with('s') && next.ends_with(',');
            if next.ends_with(['.', ';', ':', ')', ',']) && !listing {
                break;
            }
        }
    }
    names
}

/// The speakers of a talk's turns who present the show: what they say without naming anyone else is
/// the show's own reporting or view, judged as a writer's words are, not a statement on record. A
/// presenter is labelled by a presenting role ("MARISOL TEAGUE, NEWS 9 ANCHOR"), named after a host
/// word ("Hosts: Nell Aurand & Kofi Mensah-Boyd"), or called by their first name alone before the
/// talk starts ("Marcus and Tova pick through the deck"), when the page brings no guest on by it.
pub fn presenters<'t>(
    turns: impl Iterator<Item = &'t Turn>,
    text: &str,
    hosts: &WordSet,
    guests: &WordSet,
    lex: &Lexicon,
) -> WordSet {
    // Hosts introduce their show before the talk starts; a first name inside the talk is as often
    // a guest or an executive addressed by a caller ("Howard, is there any scenario …").
    let intro = text.lines().take_while(|line| !opens_on_a_turn(line)).collect::<Vec<_>>().join("\n");
    let intro_words: Vec<&str> = intro.split_whitespace().collect();
    let mut out = WordSet::default();
    // Each speaker is judged once, however many turns they take.
    let mut seen = WordSet::default();
    for turn in turns {
        let name = turn.name.to_lowercase();
        if seen.contains(&name) {
            continue;
        }
        seen.insert(name.clone());
        let mut parts = name.split([' ', '-']).filter(|w| !w.is_empty());
        let (Some(first), Some(last)) = (parts.next(), name.rsplit([' ', '-']).next()) else { continue };
        let role_says = turn
            .role
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .any(|w| lex.show_staff_roles.contains(&w.to_lowercase()));
        let presenting = role_says
            || turn.role.is_empty()
                && first != last
                && (hosts.contains(first) && !guests.contains(first)
                    || called_alone(&intro_words, first, last) && !introduced_as_guest(&intro, first));
        if presenting {
            out.insert(name);
        }
    }
    out
}

/// Whether the page introduces `first` as a guest: their name within a few words after a word
/// that brings a guest on ("Guest: Jonah Ferreira", "(w/ Jonah Ferreira)", "talk to former QA lead
/// Jonah Ferreira"). A show's title "with" its host ("MARGIN CALL with Teddy Vance") does not.
fn introduced_as_guest(intro: &str, first: &str) -> bool {
    intro.lines().any(|line| {
        let raw: Vec<&str> = line.split_whitespace().collect();
        let words: Vec<String> =
            raw.iter().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/').to_lowercase()).collect();
        words.iter().enumerate().any(|(i, w)| {
            // "MARGIN CALL with Teddy Vance": a show's name in capitals, then its host.
            let masthead = w == "with" && raw[..i].iter().all(|r| !r.chars().any(char::is_lowercase));
            GUEST_INTRODUCTIONS.contains(w.as_str()) && !masthead && words[i + 1..].iter().take(6).any(|n| n == first)
        })
    })
}

static GUEST_INTRODUCTIONS: Words = Words::new(&[
    "guest",
    "guests",
    "w/",
    "ft",
    "feat",
    "featuring",
    "joined",
    "joins",
    "welcomes",
    "interviews",
    "interview",
    "talks",
    "speaks",
    "caller",
    "callers",
    "with",
]);

/// Whether a line opens on a speaker's label in capitals ("NELL AURAND:", "PLATT (voice-over):").
fn opens_on_a_turn(line: &str) -> bool {
    line.split_once(':').is_some_and(|(label, _)| {
        let label = label.split('(').next().unwrap_or_default().trim();
        label.len() >= 2
            && label.len() <= 60
            && label.chars().any(char::is_alphabetic)
            && !label.chars().any(|c| c.is_lowercase() || c.is_ascii_digit())
    })
}

/// Whether `words` call someone by `first` name alone, not followed by their `last` name.
fn called_alone(words: &[&str], first: &str, last: &str) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        let bare = bare.strip_suffix("'s").or_else(|| bare.strip_suffix("’s")).unwrap_or(bare);
        bare.len() > 1
            && bare.chars().next().is_some_and(char::is_uppercase)
            && bare.chars().skip(1).any(char::is_lowercase)
            && bare.eq_ignore_ascii_case(first)
            && !w.ends_with([':', ','])
            && words.get(i + 1).is_none_or(|n| {
                !n.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase().starts_with(last)
            })
    })
}

/// Whether the speaker of `attr` is one of the show's hosts or a guest with no name.
pub fn voice(tokens: &Tokens<'_>, attr: &Attribution, hosts: &WordSet, lex: &Lexicon) -> Option<ShowVoice> {
    let span = attr.frame_span.start..attr.frame_span.end.min(tokens.len());
    let words = || span.clone().filter(|&k| !tokens.quoted[k]);
    // The host is the head of the speaker ("Our host", "Co-host Dev Raman", "Dana"), not a word in a
    // clause about them ("Dana Roe, who co-hosts a podcast, said").
    let head = span.clone().take(2).filter(|&k| !tokens.quoted[k]);
    let host = head.clone().any(|k| lex.show_host_words.contains(tokens.bare[k].as_str()))
        || span.clone().next().is_some_and(|k| {
            tokens.orig[k].chars().next().is_some_and(char::is_uppercase)
                && hosts.contains(tokens.bare[k].trim_end_matches("'s"))
        });
    if host {
        return Some(ShowVoice::Host);
    }
    let named = matches!(&attr.speaker, Speaker::Person(name) if name.contains(' '));
    // "Guest Orlando Pike, a former …": the guest word introduces a name.
    let guest = words().find(|&k| lex.show_guest_words.contains(&tokens.bare[k]));
    let introduces_name = guest.is_some_and(|k| {
        tokens.orig.get(k + 1).is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
            && !tokens.orig[k].ends_with(',')
    });
    (guest.is_some()
        && !named
        && !introduces_name
        && !matches!(attr.speaker, Speaker::Outlet(_) | Speaker::Document(_)))
    .then_some(ShowVoice::UnnamedGuest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_names_after_a_host_word() {
        let lex = Lexicon::embedded();
        let text = "In this episode, hosts Dana Okafor and Lewis Brandt dig into the cuts. Hosted by Mei Tan. \
                    Initech hosted Globex executives in Reno.";
        let names = host_names(text, lex);
        for n in ["dana", "okafor", "lewis", "brandt", "mei", "tan"] {
            assert!(names.contains(n), "{n} is a host");
        }
        assert!(!names.contains("dig") && !names.contains("in") && !names.contains("globex"));
    }
}
