//! Who says a claim. Finds the attribution frame of a clause ("X said", ", said X", "according to X",
//! "in a statement") and classifies its speaker, so that the labeller can decide by the structure of
//! the sentence rather than by cue words alone: a hedge inside what a named speaker said is still a
//! sourced statement that they said it.

use super::tokens::{Span, Tokens};
use crate::core::companies::canonical_name;
use crate::core::lexicon::{Lexicon, WordSet};
use crate::core::text::Words;

/// What kind of speaker an attribution names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speaker {
    /// An anonymous social-media account or post.
    Social,
    /// A friend, a manager, "someone": second-hand talk in chat.
    Hearsay,
    /// People the reporter does not name ("people familiar with the matter").
    Anonymous,
    Outlet(String),
    Document(String),
    /// The company or one of its executives; the name is the company's where known.
    Official(String),
    /// Nobody in particular: "critics", "some analysts", "experts".
    Weasel,
    /// A named person on record.
    Person(String),
}

/// How the speaker delivers the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// said, told, announced, confirmed, according to …
    Statement,
    /// believes, expects, argues …: an opinion or a forecast if nobody is named.
    Belief(BeliefKind),
    /// heard, was told …
    Hearsay,
    /// "Ben argues", "Ricky predicts": on show notes, a view given by someone known by a first name
    /// only (a host), which is the show's own voice, not a statement on record.
    View(BeliefKind),
    /// "in a statement", "in a filing": no speaker named, the channel itself is the source.
    Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeliefKind {
    Opinion,
    Forecast,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub speaker: Speaker,
    pub frame: Frame,
    /// The words naming the speaker and the verb; everything else is what was said.
    pub frame_span: Span,
}

/// What the labeller knows from earlier in the same document.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The company the document is about, for "the company said".
    pub company: Option<String>,
    /// The last person named, for "he said".
    pub last_person: Option<String>,
    /// The last speaker was someone the writer relays (a caller, a listener's email): "She says"
    /// after it goes on relaying them.
    pub last_relayed: bool,
    /// Surnames of people named so far, so "Roe said" is a person and not a company.
    pub surnames: Vec<String>,
    /// Words that end a two-word capitalised name anywhere on the page ("Ostrova" of "Dana
    /// Ostrova"): a speaker called by one of them alone is called by a surname, as reporters do.
    pub name_ends: WordSet,
    /// Words that open such a name ("dana" of "Dana Ostrova"): a transcript turn labelled "DANA:"
    /// is that person's, not an unknown first name's.
    pub name_starts: WordSet,
    /// First words of names that speak on record when used alone on show notes: the guests' first
    /// names ("Guest: Carla Benavides", "talks to designer Gabriela Soto") and companies' ("Sable
    /// Systems"). Anyone else a show calls by a first name is one of its hosts.
    pub on_record_starts: WordSet,
    pub is_thread: bool,
    /// The page is a podcast's show notes, where hosts go by their first names.
    pub show_notes: bool,
    /// The article has quoted people it does not name ("five employees, who asked not to be
    /// named"): "Another said …" and "a second manager said" after that are more of them.
    pub unnamed_sources: bool,
}

impl Context {
    /// The words of `text` that open and that end a capitalised name of two or more words, and the
    /// openers of the names of guests and companies.
    pub fn name_parts_in(text: &str, lex: &Lexicon) -> (WordSet, WordSet, WordSet) {
        let (mut starts, mut ends, mut guests) = (WordSet::default(), WordSet::default(), WordSet::default());
        let mut previous: Option<&str> = None;
        // Words since the last guest cue ("Guest:", "talks to", "joined by"); a name soon after one
        // is the guest's.
        let mut since_guest_cue = usize::MAX;
        // A name does not run over a line break ("… Spotify / Maya and Sam sit down …").
        for word in text.lines().flat_map(|line| line.split_whitespace().chain(std::iter::once("\n"))) {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            let bare = bare.strip_suffix("'s").or_else(|| bare.strip_suffix("’s")).unwrap_or(bare);
            let capitalised = bare.chars().next().is_some_and(char::is_uppercase) && bare.len() > 1;
            // "Hi Rafi", "Thanks Mei": a greeting before a first name is no name of two words.
            if capitalised && let Some(first) = previous.filter(|w| !GREETINGS.contains(w.to_lowercase().as_str())) {
                starts.insert(first.to_lowercase());
                ends.insert(bare.to_lowercase());
                if since_guest_cue <= 6 || lex.speakers.company_suffixes.contains(&bare.to_lowercase()) {
                    guests.insert(first.to_lowercase());
                }
            }
            since_guest_cue = since_guest_cue.saturating_add(1);
            if GUEST_CUES.contains(bare.to_lowercase().as_str()) {
                since_guest_cue = 0;
            }
            // "… called “Integrations Sync.” SAM: …": a sentence closed inside its quotation ends there too.
            let closed =
                word.trim_end_matches(['"', '”', '’', '\'', '*', '_']).ends_with(['.', ',', ';', ':', '!', '?', ')']);
            previous = (capitalised && !closed).then_some(bare);
        }
        (starts, ends, guests)
    }
}

/// Words that introduce a show's guest, whose name follows within a few words.
static GUEST_CUES: Words =
    Words::new(&["guest", "guests", "talks", "speaks", "joined", "joins", "interviews", "welcomes", "with"]);

/// What a poster may call theirs that is a publication or an organisation, not someone they know:
/// "my local paper says", "my company's CEO says in today's press release".
static NOT_ACQUAINTANCES: Words = Words::new(&[
    "paper",
    "newspaper",
    "news",
    "company",
    "employer",
    "union",
    "ceo",
    "cfo",
    "hr",
    "feed",
    "newsletter",
]);

/// Words that greet or thank the name after them.
static GREETINGS: Words = Words::new(&[
    "hi", "hey", "hello", "thanks", "thank", "cheers", "welcome", "dear", "bye", "morning", "yes", "no", "right",
    "sure", "okay", "ok", "so", "well",
]);

const FINITE_AUX: &[&str] =
    &["will", "would", "has", "have", "had", "is", "are", "was", "were", "can", "could", "may", "might"];
static SUBORDINATORS: Words = Words::new(&[
    "if", "when", "unless", "while", "although", "though", "because", "since", "as", "after", "before", "once",
    "until", "whether",
]);
static PASSIVE_AUX: Words = Words::new(&["was", "were", "been", "being", "is", "are", "be", "am", "to", "not", "'s"]);
static FORECAST_VERBS: Words = Words::new(&[
    "expects",
    "expect",
    "expected",
    "predicts",
    "predict",
    "predicted",
    "forecast",
    "forecasts",
    "anticipate",
    "anticipates",
    "estimate",
    "estimated",
    "warned",
    "warn",
    "warns",
    "fear",
    "fears",
    "feared",
    "worry",
    "worries",
    "worried",
]);
/// Adverbs that stand between a speaker and the verb ("He also said", "the CEO, meanwhile, says").
static ASIDE_ADVERBS: Words = Words::new(&[
    "also",
    "later",
    "then",
    "again",
    "previously",
    "separately",
    "meanwhile",
    "too",
    "further",
    "since",
    "once",
    "first",
    "had",
    "has",
    "have",
    "recently",
    "initially",
    "repeatedly",
    "reportedly",
    "still",
    "however",
]);
static APPOSITIVE_OPENERS: Words = Words::new(&["a", "an", "the", "its", "their", "who", "his", "her", "one", "chief"]);
static NON_NAMES: Words = Words::new(&[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "but",
    "and",
    "so",
    "it",
    "its",
    "this",
    "that",
    "they",
    "we",
    "he",
    "she",
    "i",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "chief",
    "executive",
    "president",
    "according",
    "analyst",
    "analysts",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "warn",
    "sec",
    "ai",
    "u.s",
    "us",
    "hr",
    "vp",
    "senior",
    "vice",
    "director",
    "founder",
    "head",
    "former",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "also",
    "people",
    "employees",
    "workers",
    "staff",
    "some",
    "many",
    "critics",
    "experts",
    "meanwhile",
    "still",
    "several",
    "most",
    "few",
    "legal",
    "industry",
    "other",
    "others",
    "one",
    "two",
    "three",
    "four",
    "five",
    "internally",
    "externally",
    "however",
    "yet",
    "instead",
    "not",
    "no",
    "every",
    "each",
    "both",
    "all",
    "big",
    "former",
    "current",
    "new",
    "under",
    "over",
    "for",
    "with",
    "from",
    "to",
    "of",
    "by",
    "as",
    "if",
    "there",
    "here",
    "what",
    "when",
    "where",
    "why",
    "how",
    "who",
    "you",
    "your",
    "my",
    "our",
    "his",
    "her",
]);

/// Finds the attribution of a clause, if it has one whose speaker can be classified.
pub fn find(tokens: &Tokens<'_>, lex: &Lexicon, ctx: &Context) -> Option<Attribution> {
    if gives_own_view(tokens, lex) {
        return None;
    }
    let mut candidates: Vec<(Span, Span, Frame)> = Vec::new(); // (speaker words, frame words, frame)
    // A source named only as never saying something backs nothing, not even as a channel.
    let mut unsaid = false;
    // A speaker's label before a colon ("CASTELLANOS: …", "Nina Sharpe on Squawk Box: …").
    let mut colon_label: Option<Span> = None;

    for prep in tokens.find(&lex.source_prepositions) {
        if tokens.quoted[prep.start] || !preposition_introduces_source(tokens, prep) {
            continue;
        }
        let speaker = chunk_after(tokens, prep.end);
        candidates.push((speaker, Span { start: prep.start, end: speaker.end }, Frame::Statement));
    }

    // "Nina Sharpe on Squawk Box: …", "Bloomberg, citing people familiar: …" in chat.
    // "Quillon Financial Group (NYSE: QFG)": a colon inside brackets labels a ticker, not a speaker.
    // "TAMSIN (20:02):" closes its bracket before the colon and is a label.
    let bracketed =
        |k: usize| !tokens.orig[k].contains(')') && (0..=k).rev().take(3).any(|j| tokens.orig[j].starts_with('('));
    if let Some(colon) =
        (0..tokens.len().min(8)).find(|&k| tokens.orig[k].ends_with(':') && !tokens.quoted[k] && !bracketed(k))
    {
        let span = Span { start: 0, end: colon + 1 };
        // "Guess: Globex is closing Reno", "My take: …": the label gives the writer's view.
        let label = tokens.bare[..=colon].join(" ");
        if lex.view_labels.contains(&label) {
            let future =
                (colon + 1..tokens.len()).any(|k| matches!(tokens.bare[k].as_str(), "will" | "won't" | "going"));
            let kind = if future || FORECAST_VERBS.contains(tokens.bare[0].as_str()) || label.contains("predict") {
                BeliefKind::Forecast
            } else {
                BeliefKind::Opinion
            };
            return Some(Attribution {
                speaker: Speaker::Person(tokens.original(span)),
                frame: Frame::View(kind),
                frame_span: span,
            });
        }
        // "Quillfeather: still think '64% resolved' is the year's best metric": in an article a name
        // in title case before a colon heads the writer's item about it; a speaker's line is quoted.
        // "Harrowgate's Sable math: the claims desk as a line item": a headline's label that ends on
        // a common noun names its topic, where "Nina Sharpe on Squawk Box:" names who speaks.
        let headline_topic = !ctx.is_thread
            && (1..5).contains(&colon)
            && tokens.orig[colon].starts_with(|c: char| c.is_lowercase())
            && !tokens.bare[..colon].iter().any(|w| w == "on" || w == "to")
            && !tokens.orig.get(colon + 1).is_some_and(|w| w.starts_with(['"', '“']));
        // "There is a new ritual in European boardrooms: …": a clause with its own verb before the
        // colon is the writer's lead-in, not a name.
        let clause = !ctx.is_thread
            && (0..colon).any(|k| LEAD_IN_VERBS.contains(tokens.bare[k].as_str()))
            && !tokens.orig.get(colon + 1).is_some_and(|w| w.starts_with("http"));
        let topic = headline_topic
            || clause
            || !ctx.is_thread
                && colon == 0
                && !tokens.orig[0].chars().all(|c| !c.is_lowercase())
                && !tokens.orig.get(1).is_some_and(|w| w.starts_with(['"', '“']));
        if !topic {
            candidates.push((span, span, Frame::Statement));
            colon_label = Some(span);
        }
    }

    for i in 0..tokens.len() {
        if tokens.quoted[i] {
            continue;
        }
        let w = tokens.bare[i].as_str();
        // "An engineer who asked not to be named says": the relative clause describes the speaker.
        let next = |k: usize| tokens.bare.get(i + k).map(String::as_str);
        if i > 0
            && matches!(tokens.bare[i - 1].as_str(), "who" | "which")
            && (next(1) == Some("not")
                || next(1) == Some("to") && next(2) == Some("be")
                || next(2) == Some("not") && matches!(next(1), Some("us" | "me" | "reporters" | "them")))
        {
            continue;
        }
        // "the people who write severance letters": a relative clause's verb with a plain object
        // says what the people do, not what anyone said.
        if i > 0
            && tokens.bare[i - 1] == "who"
            && i + 4 >= tokens.len()
            && i + 1 < tokens.len()
            && !tokens.orig[i].ends_with(':')
            && (i + 1..tokens.len())
                .all(|k| !tokens.quoted[k] && !matches!(tokens.bare[k].as_str(), "that" | "it" | "they" | "he" | "she"))
        {
            continue;
        }
        // "for fear of losing severance", "the estimate", "their claims": a noun, not a verb; "could
        // announce", "will say": nothing said yet.
        // "in May, said" is a month, not a modal.
        let modal = |k: usize| {
            MODALS.contains(tokens.bare[k].as_str())
                && !tokens.ends_chunk(k)
                && !(k > 0 && tokens.bare[k] == "may" && tokens.capitalized(k))
        };
        if i > 0 && (NOUN_MARKERS.contains(tokens.bare[i - 1].as_str()) || modal(i - 1)) {
            continue;
        }
        // "Nurses interviewed by Wired, including …, said": a participle describing the subject of
        // the verb that follows.
        if i > 0
            && w.ends_with("ed")
            && tokens.bare.get(i + 1).is_some_and(|n| n == "by")
            && !tokens.ends_chunk(i - 1)
            && (i + 2..tokens.len()).any(|k| lex.say_verbs.contains(tokens.bare[k].as_str()) && !tokens.quoted[k])
        {
            continue;
        }
        // "an AI tool called RouteWeaver", "a system it calls “Sable”", "a driver calls in sick":
        // naming something, or a phrasal verb, not speech.
        if matches!(w, "called" | "calls" | "call")
            && tokens.orig.get(i + 1).is_some_and(|n| {
                n.starts_with(|c: char| c.is_uppercase() || matches!(c, '"' | '“' | '\'' | '‘'))
                    || matches!(*n, "in" | "off" | "out" | "back" | "up" | "it" | "them" | "him" | "her")
            })
        {
            continue;
        }
        // "when the IRS letter shows up", "wrote off the loan": a phrasal verb, not speech.
        if !ctx.is_thread
            && lex.say_verbs.contains(w)
            && tokens.bare.get(i + 1).is_some_and(|n| matches!(n.as_str(), "up" | "off" | "down"))
        {
            continue;
        }
        // "Which tells you exactly who the statement was for": the writer's reading, said to nobody.
        if matches!(w, "tells" | "tell") && tokens.bare.get(i + 1).is_some_and(|n| n == "you") {
            continue;
        }
        // "routine calls to an automated agent", "claims of bias", "reports from the field": a plural
        // noun before a preposition, not a verb of saying.
        if matches!(w, "calls" | "reports" | "claims" | "notes" | "records" | "lists" | "posts" | "details" | "counts")
            && !tokens.ends_chunk(i)
            && tokens
                .bare
                .get(i + 1)
                .is_some_and(|n| matches!(n.as_str(), "to" | "and" | "of" | "from" | "in" | "with" | "or"))
        {
            continue;
        }
        // "Bold claim, given the complaints table", "Big promises, little detail": a noun that ends
        // its phrase at a comma, with no quotation after it, names a claim rather than making one.
        if matches!(
            w,
            "claim" | "claims" | "promise" | "promises" | "estimate" | "estimates" | "guess" | "bet" | "report"
        ) && tokens.orig[i].ends_with(',')
            && !tokens.quoted.get(i + 1).copied().unwrap_or(false)
            && i <= 2
        {
            continue;
        }
        // "because tax credits are tied to headcount": a plural noun before its own verb, not a verb.
        if w.ends_with('s')
            && tokens.bare.get(i + 1).is_some_and(|n| PLURAL_NOUN_VERBS.contains(n.as_str()))
            && !tokens.ends_chunk(i)
        {
            continue;
        }
        // "nine days before Marrowick reports first-quarter results": a time clause, not a statement.
        if i > 1
            && matches!(tokens.bare[i - 2].as_str(), "before" | "after" | "until" | "once" | "whenever")
            && tokens.capitalized(i - 1)
        {
            continue;
        }
        // "the press release never once says AI": what a source leaves unsaid is the writer's reading.
        if (i.saturating_sub(2)..i).any(|k| tokens.bare[k] == "never") {
            unsaid = true;
            continue;
        }
        // "the United States": a capitalised word inside the sentence is a name, not a verb.
        if i > 0 && tokens.capitalized(i) && !tokens.orig[i - 1].ends_with([':', '"', '“']) {
            continue;
        }
        // "Two coders, who spoke on condition of anonymity because they feared losing severance,
        // said": a reason given inside a clause about the speaker, not what anyone said.
        if i > 1
            && tokens.bare[i - 2] == "because"
            && matches!(tokens.bare[i - 1].as_str(), "they" | "he" | "she")
            && lex.belief_verbs.contains(w)
            && !lex.say_verbs.contains(w)
        {
            continue;
        }
        let frame = if lex.hearsay_verbs.contains(w) {
            Frame::Hearsay
        } else if lex.say_verbs.contains(w) && !is_belief_only(w) {
            Frame::Statement
        } else if lex.belief_verbs.contains(w) {
            Frame::Belief(if FORECAST_VERBS.contains(w) { BeliefKind::Forecast } else { BeliefKind::Opinion })
        } else {
            continue;
        };
        // "was reported", "is widely believed": nobody is named as saying it.
        let passive = |k: usize| PASSIVE_AUX.contains(tokens.bare[k].as_str());
        if frame != Frame::Hearsay
            && !w.ends_with("ing")
            && (i > 0 && passive(i - 1) || i > 1 && tokens.bare[i - 1].ends_with("ly") && passive(i - 2))
        {
            // "were confirmed by co-founder Priya Raman": the agent of the passive is the speaker.
            if tokens.bare.get(i + 1).is_some_and(|b| b == "by") && !tokens.quoted[i + 1] {
                let agent = chunk_after(tokens, i + 2);
                if agent.end > agent.start {
                    candidates.push((agent, Span { start: i, end: agent.end }, frame));
                }
            }
            continue;
        }
        // A sentence opening on a past-tense verb ("Said Roe: …") inverts it; "Reports suggest …" opens
        // on a noun and "Expect cuts to …" on an imperative.
        let opens_on_verb = i == 0 && (w.ends_with("ed") || matches!(w, "said" | "told" | "wrote"));
        let inverted = i > 0 && tokens.ends_chunk(i - 1) || opens_on_verb;
        let after = chunk_after(tokens, i + 1);
        if inverted && after.end > after.start && !starts_with_preposition(tokens, after) {
            candidates.push((after, Span { start: i, end: after.end }, frame));
        }
        // "Hooli filed a WARN notice listing 412 workers": the document is the source, not the filer.
        if w == "filed" {
            let object = chunk_after(tokens, i + 1);
            if let Some(doc) = tokens.find_in(&lex.speakers.document, object).first() {
                candidates.push((*doc, Span { start: i, end: object.end }, Frame::Statement));
                continue;
            }
        }
        // "Okimbo CEO Brandon Teale laid off 410 people on Monday and told staff it would …": a
        // second verb of the sentence's subject is said by that subject.
        if i > 2 && matches!(tokens.bare[i - 1].as_str(), "and" | "but") && !tokens.quoted[0] {
            let end =
                if tokens.bare[0] == "the" { 2 } else { (1..i - 1).find(|&k| !tokens.capitalized(k)).unwrap_or(i - 1) };
            // Both verbs in the past, the first right after the subject: "X laid off … and told …",
            // not "Customer support and claims processing …" or "… but expect fewer openings".
            let past = |w: &str| w.ends_with("ed") || PAST_VERBS.contains(&w);
            if end < i - 1 && end <= 6 && past(tokens.bare[end].as_str()) && past(w) {
                candidates.push((Span { start: 0, end }, Span { start: i - 1, end: i + 1 }, frame));
            }
        }
        // "European boardrooms: announce cuts …": a verb right after a colon opens what the colon
        // announces; the words before it are not its subject.
        if i > 0 && !tokens.orig[i - 1].ends_with(':') {
            let before = chunk_before(tokens, i);
            // "… the savings Verada has promised.", "… and it shows.": a verb that ends the sentence
            // with nobody's words before it (", Initech said.") frames nothing.
            let words_before = if before.start == 0 {
                (0..i - 1).any(|k| tokens.ends_chunk(k))
            } else {
                tokens.ends_chunk(before.start - 1)
            };
            let frames_nothing = i + 1 == tokens.len() && !words_before;
            if before.end > before.start && !frames_nothing {
                candidates.push((before, Span { start: before.start, end: i + 1 }, frame));
            }
        }
    }

    // "If the rate is near what our source describes, policyholders may pay": a speaker inside an
    // opening condition frames only the condition, not the sentence.
    if tokens.bare.first().is_some_and(|w| matches!(w.as_str(), "if" | "unless")) {
        let condition_end = (0..tokens.len()).find(|&k| tokens.ends_chunk(k)).unwrap_or(tokens.len());
        candidates.retain(|(_, frame_span, _)| frame_span.start > condition_end);
    }
    // The attribution that comes first in the sentence frames it; a speaker's label before a colon
    // only when what follows names no source of its own ("CASTELLANOS: In a statement, Ridgeback
    // said …" is Ridgeback's word, relayed by the reporter).
    let label_end = colon_label.map_or(0, |span| span.end);
    // "the Guild's statement is up: … they say …" points back at the label.
    let pronoun = |span: &Span| span.end == span.start + 1 && PRONOUNS.contains(tokens.bare[span.start].as_str());
    // Only a transcript's label set in capitals, as broadcasts and calls write their speakers.
    let capitals =
        colon_label.is_some_and(|span| (span.start..span.end).all(|k| !tokens.orig[k].chars().any(char::is_lowercase)));
    let relays = !ctx.is_thread
        && capitals
        && candidates.iter().any(|(speaker, frame_span, _)| frame_span.start >= label_end && !pronoun(speaker));
    candidates.sort_by_key(|(_, frame_span, _)| {
        let is_label = colon_label.is_some_and(|span| *frame_span == span);
        (is_label && relays, frame_span.start)
    });
    let mut found = candidates.into_iter().filter_map(|(speaker_span, frame_span, frame)| {
        let speaker = classify(tokens, speaker_span, lex, ctx)?;
        // "The Halvard layoffs show that no job is safe": a company or a person "shows that" nothing
        // on record; only a document or an outlet's reporting is evidence that shows.
        let verb = if frame_span.end == speaker_span.end { frame_span.start } else { frame_span.end - 1 };
        let verb_word = tokens.bare[verb.min(tokens.len() - 1)].as_str();
        if matches!(speaker, Speaker::Official(_) | Speaker::Person(_))
            && INTERPRETIVE_VERBS.contains(verb_word)
            && tokens.bare.get(verb + 1).is_some_and(|w| matches!(w.as_str(), "that" | "how" | "why"))
        {
            return None;
        }
        // "A Calloway editor, who did not want to be named, says": the aside makes them unnamed.
        let asks_anonymity = (speaker_span.end..verb).any(|k| {
            let b = tokens.bare[k].as_str();
            matches!(b, "named" | "identified" | "anonymity" | "anonymously")
                || b == "use" && tokens.bare.get(k + 1).is_some_and(|w| matches!(w.as_str(), "his" | "her" | "their"))
        });
        let speaker = match speaker {
            Speaker::Official(_) | Speaker::Person(_) if asks_anonymity => Speaker::Anonymous,
            other => other,
        };
        // "A former Tessaly artist posted on LinkedIn that …": someone who speaks for nobody, on a
        // social site, is a post nobody checked; a company's own post there is still its word.
        let on_social = matches!(tokens.bare.get(verb + 1).map(String::as_str), Some("on" | "in"))
            && (verb + 2..(verb + 5).min(tokens.len()))
                .any(|k| tokens.bare[k] == "linkedin" || lex.is_community_site(&tokens.bare[k]));
        let speaks_for_nobody = matches!(tokens.bare[speaker_span.start].as_str(), "a" | "an" | "one" | "another")
            && tokens.find_in(&lex.speakers.official_titles, speaker_span).is_empty()
            && tokens.find_in(&lex.speakers.official, speaker_span).is_empty();
        let speaker = match speaker {
            Speaker::Anonymous | Speaker::Weasel if on_social => Speaker::Social,
            Speaker::Official(_) if on_social && speaks_for_nobody => Speaker::Social,
            other => other,
        };
        // "Artists told the Stack Post …": people the outlet spoke to are its unnamed sources;
        // "Recruiters tell me" stays nobody in particular.
        let told_the_press = matches!(verb_word, "told" | "tells" | "tell")
            && (tokens.bare.get(verb + 1).is_some_and(|w| w == "the" || w == "reporters")
                || tokens.orig.get(verb + 1).is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase)));
        // "Two HR leaders at Fortune 500 companies told Harbor Daily": counted people, the outlet's too.
        let counted = COUNTS.contains(tokens.bare[speaker_span.start].as_str())
            || tokens.bare[speaker_span.start].chars().all(|c| c.is_ascii_digit());
        let speaker = if speaker == Speaker::Weasel
            && told_the_press
            && (counted || class_of_people(tokens, speaker_span, lex, ctx) == Some(false))
        {
            Speaker::Anonymous
        } else {
            speaker
        };
        // "The Capital Brief reported": a name with an article before it that reports is a
        // publication, whether or not a list knows it.
        let speaker = match speaker {
            Speaker::Person(n) | Speaker::Official(n)
                if tokens.orig[speaker_span.start] == "The"
                    && REPORT_VERBS.contains(verb_word)
                    && ctx.company.as_deref() != Some(n.as_str())
                    && speaker_span.end - speaker_span.start <= 4 =>
            {
                Speaker::Outlet(n)
            }
            other => other,
        };
        // "Ben argues the survey was a pretext": on show notes, someone known by a first name only,
        // giving a view, speaks in the show's own voice, not on record.
        // "RAFI: Every studio that tried this …": a turn of the show's talk, labelled by a first name,
        // is as much the show's own voice as "Rafi argues", and so is a host's turn when the page
        // gives the host's full name ("Priya Anand and Jonah Kessler sit down with …"); a guest's
        // first name ("DOLORES:" of "Guests: Dolores Mbeki") labels that guest's words on record.
        let turn = frame_span == speaker_span
            && tokens.orig[speaker_span.end - 1].ends_with(':')
            && (!ctx.name_starts.contains(verb_word) || !ctx.on_record_starts.contains(verb_word));
        // "Jen says Hollie is the first chatbot customers turned into an insult": on show notes a
        // first name alone saying something is a host talking, as much a view as "Jen argues".
        // "Globex says it will close its Reno plant": "it" after the verb makes the speaker a company.
        let says = || {
            matches!(verb_word, "says" | "said" | "thinks" | "notes" | "adds")
                && !tokens.bare.get(verb + 1).is_some_and(|w| matches!(w.as_str(), "it" | "its" | "it's" | "it'll"))
                && !lex.speakers.person_pronouns.contains(tokens.bare[speaker_span.start].as_str())
                && !ctx.on_record_starts.contains(tokens.bare[speaker_span.start].as_str())
                && tokens.find(&lex.official_channels).is_empty()
                && tokens.find(&lex.speakers.document).is_empty()
        };
        let frame = if lone_first_name(tokens, speaker_span, &speaker, ctx, lex)
            && (VIEW_VERBS.contains(verb_word) || turn || says())
        {
            Frame::View(if FORECAST_VERBS.contains(verb_word) { BeliefKind::Forecast } else { BeliefKind::Opinion })
        } else {
            frame
        };
        // "heard" frames second-hand talk only when the hearer is the writer or someone they know.
        if frame == Frame::Hearsay && !matches!(speaker, Speaker::Hearsay | Speaker::Weasel) {
            return None;
        }
        Some(Attribution { speaker, frame, frame_span })
    });
    let first = found.next();
    // "U.S. employers announced …, according to a report by …": the document cited outranks a
    // generic subject that comes first.
    if first.as_ref().is_some_and(|a| a.speaker == Speaker::Weasel)
        && let Some(cited) = found.find(|a| matches!(a.speaker, Speaker::Document(_) | Speaker::Outlet(_)))
    {
        return Some(cited);
    }
    first.or_else(|| if unsaid { None } else { channel(tokens, lex, ctx) })
}

/// "I predict one more company announces cuts", "Honestly, I think they'll …": the writer (or, in a
/// transcript, whoever's turn it is) gives a view, and whatever it names speaks in it for no one.
/// Whether the sentence gives the view of one person ("I think", "my hunch is"), which an
/// executive's turn in a call does not make the company's outlook the way "we expect" does.
pub fn gives_personal_view(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    gives_own_view(tokens, lex)
        && (0..tokens.len().min(6)).any(|k| matches!(tokens.bare[k].as_str(), "i" | "i'd" | "my") && !tokens.quoted[k])
}

/// "Honestly, the stock is telling you the market loves this.", "Frankly, we're further ahead …": a
/// line of a talk that opens on the speaker's stance gives their reading, not a fact on record.
pub fn opens_on_stance(tokens: &Tokens<'_>) -> bool {
    tokens.len() > 3 && tokens.ends_chunk(0) && STANCE_OPENERS.contains(tokens.bare[0].as_str())
}

/// "If that's true, it would be the first big bank …": a guest's line on a condition asserts
/// nothing on record. "If demand slips, we would look at …" says what the speaker's organisation
/// would do, its outlook on record, whether or not the transcript gives the speaker's role.
pub fn opens_on_condition(tokens: &Tokens<'_>) -> bool {
    tokens.bare.first().is_some_and(|w| w == "if")
        && (1..tokens.len().min(8)).any(|k| tokens.ends_chunk(k))
        && !tokens.bare.iter().any(|w| matches!(w.as_str(), "we" | "our" | "us" | "we'd" | "we'll"))
}

static STANCE_OPENERS: Words =
    Words::new(&["honestly", "frankly", "candidly", "personally", "admittedly", "arguably", "truthfully", "bluntly"]);

pub fn gives_own_view(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    // "My hunch is …", "Our read is …": the view named as such, as its label before a colon would.
    // "My personal view is", "my gut says": an adjective may stand before the label, and a gut speaks.
    let named_view = |k: usize| {
        let label = match tokens.bare.get(k + 1).map(String::as_str) {
            Some("personal" | "own" | "honest" | "strong" | "best") => k + 2,
            _ => k + 1,
        };
        tokens.bare.get(label + 1).is_some_and(|v| matches!(v.as_str(), "is" | "was" | "remains" | "says" | "tells"))
            && lex.view_labels.contains(&format!("{} {}", tokens.bare[k], tokens.bare[label]))
    };
    if (0..tokens.len().min(3)).any(|k| matches!(tokens.bare[k].as_str(), "my" | "our") && named_view(k)) {
        return true;
    }
    // "Expect every carrier's next earnings call to include a slide on AI": the writer's forecast,
    // told to the reader, whatever channel it names.
    if tokens.bare.first().is_some_and(|w| w == "expect") && tokens.bare.get(1).is_some_and(|w| w != "to") {
        return true;
    }
    // "We expect to finish by June, Initech said in a filing": a speaker named later owns the view.
    let speaker_later = (2..tokens.len()).any(|k| {
        !tokens.quoted[k]
            && lex.say_verbs.contains(tokens.bare[k].as_str())
            && (k.saturating_sub(5)..k).any(|j| tokens.ends_chunk(j))
            && k + 6 >= tokens.len()
    });
    !speaker_later
        && (0..tokens.len().min(5)).any(|k| {
            let belief = |v: &String| lex.belief_verbs.contains(v.as_str()) && !lex.say_verbs.contains(v.as_str());
            // "I'd guess", "We don't think", "I really believe": a modal, a negation or an adverb
            // may stand between the writer and the verb.
            // "I genuinely believe": any adverb in -ly may.
            let verb = match tokens.bare.get(k + 1).map(String::as_str) {
                Some("would" | "do" | "don't" | "still" | "just" | "also") => tokens.bare.get(k + 2),
                Some(w) if w.len() > 4 && w.ends_with("ly") => tokens.bare.get(k + 2),
                _ => tokens.bare.get(k + 1),
            };
            matches!(tokens.bare[k].as_str(), "i" | "we" | "i'd" | "we'd")
                && !tokens.quoted[k]
                && (k == 0 || tokens.ends_chunk(k - 1))
                && verb.is_some_and(belief)
        })
}

/// Verbs by which someone gives a view rather than a fact.
static VIEW_VERBS: Words = Words::new(&[
    "calls",
    "called",
    "dubs",
    "dubbed",
    "argues",
    "argued",
    "argue",
    "contends",
    "contended",
    "predicts",
    "predicted",
    "finds",
    "jokes",
    "joked",
    "quips",
    "quipped",
    "muses",
    "mused",
    "reckons",
    "wonders",
    "wondered",
]);

/// Whether the speaker is one capitalised word that names no company and no one met before in full.
fn lone_first_name(tokens: &Tokens<'_>, span: Span, speaker: &Speaker, ctx: &Context, lex: &Lexicon) -> bool {
    let (Speaker::Official(name) | Speaker::Person(name)) = speaker else { return false };
    // Elsewhere a one-word name arguing or predicting is as often a company or a research firm.
    ctx.show_notes
        && span.end - span.start == 1
        && !name.contains(' ')
        && tokens.capitalized(span.start)
        && ctx.company.as_deref().is_none_or(|c| !c.split_whitespace().any(|w| w == name))
        && !ctx.surnames.contains(name)
        && !ctx.name_ends.contains(&name.to_lowercase())
        && company_in(tokens, span, lex).is_none()
}

/// Verbs by which a publication speaks.
static REPORT_VERBS: Words =
    Words::new(&["reported", "reports", "reporting", "wrote", "writes", "published", "revealed"]);

/// Words before which a verb's form is a noun ("for fear", "the estimate", "their claims").
static NOUN_MARKERS: Words = Words::new(&[
    "for", "of", "the", "a", "an", "no", "his", "her", "their", "its", "our", "my", "your", "this", "these",
]);

/// Verbs that follow a plural subject: a say verb's plural-noun twin before one of them is the
/// subject ("the credits are", "reports were").
static PLURAL_NOUN_VERBS: Words = Words::new(&["are", "were", "have", "remain", "aren't", "weren't", "haven't"]);

static MODALS: Words =
    Words::new(&["could", "may", "might", "will", "would", "should", "can", "must", "won't", "wouldn't"]);

/// Verbs by which evidence speaks ("the filing shows"); with a company or a person as subject they
/// are the writer's reading of events, not a statement.
/// Words that make the words before a colon a clause rather than a speaker's name.
static LEAD_IN_VERBS: Words = Words::new(&["is", "are", "was", "were", "there"]);

static INTERPRETIVE_VERBS: Words = Words::new(&[
    "show",
    "shows",
    "showed",
    "shown",
    "prove",
    "proves",
    "proved",
    "underscores",
    "underscore",
    "underscored",
    "highlights",
    "highlight",
    "illustrates",
    "illustrate",
    "signals",
    "signal",
]);

fn is_belief_only(word: &str) -> bool {
    FORECAST_VERBS.contains(word) && !matches!(word, "warned" | "warns" | "estimated")
}

/// "per cent", "per year" are not sources.
fn preposition_introduces_source(tokens: &Tokens<'_>, prep: Span) -> bool {
    let first = tokens.bare[prep.start].as_str();
    if first != "per" && first != "via" {
        return true;
    }
    match tokens.bare.get(prep.end) {
        Some(next) => {
            !matches!(
                next.as_str(),
                "cent"
                    | "year"
                    | "month"
                    | "week"
                    | "day"
                    | "hour"
                    | "share"
                    | "person"
                    | "employee"
                    | "capita"
                    | "annum"
                    | "quarter"
            ) && !next.chars().next().is_some_and(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn starts_with_preposition(tokens: &Tokens<'_>, span: Span) -> bool {
    matches!(
        tokens.bare[span.start].as_str(),
        "in" | "on"
            | "at"
            | "that"
            | "to"
            | "during"
            | "last"
            | "this"
            | "earlier"
            | "late"
            | "early"
            | "it"
            | "they"
            | "he"
            | "she"
            | "we"
            | "the"
            | "its"
            | "their"
            | "about"
            | "for"
            | "with"
            | "by"
            | "from"
            | "after"
            | "before"
            | "when"
            | "while"
            | "as"
            | "more"
            | "there"
            | "this week"
            | "yesterday"
            | "today"
            | "staff"
            | "employees"
            | "workers"
            | "investors"
            | "analysts"
    ) && !(tokens.bare[span.start] == "the" && span.end - span.start <= 4)
}

/// The speaker phrase after a verb or preposition: up to the next chunk boundary, plus an appositive
/// ("Jane Roe, a spokeswoman for Initech").
/// Irregular past tenses a sentence's subject opens on before a second verb of saying.
const PAST_VERBS: &[&str] = &[
    "cut", "laid", "shed", "let", "took", "made", "said", "told", "gave", "set", "put", "sent", "wrote", "began",
    "held", "paid", "sold", "kept", "left", "shut", "met", "spoke", "hit", "struck", "chose", "froze",
];

/// Verbs that make the words after a comma a clause of their own, not an appositive.
const CLAUSE_VERBS: &[&str] =
    &["is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "plans", "said", "says"];

fn chunk_after(tokens: &Tokens<'_>, from: usize) -> Span {
    let mut end = from;
    while end < tokens.len() && end - from < 12 {
        end += 1;
        if tokens.ends_chunk(end - 1) {
            break;
        }
    }
    if end < tokens.len()
        && end > from
        && tokens.ends_chunk(end - 1)
        && APPOSITIVE_OPENERS.contains(tokens.bare[end].as_str())
    {
        let more = chunk_after(tokens, end);
        // "according to Jane Doe, the company's CFO" names her again; "according to reports, the
        // company is using …" goes on with the sentence itself.
        let clause = (more.start..more.end).any(|k| CLAUSE_VERBS.contains(&tokens.bare[k].as_str()));
        if more.end - from <= 16 && !clause {
            end = more.end;
        }
    }
    Span { start: from, end }
}

/// The speaker phrase before a verb: back to the previous chunk boundary, then over an appositive
/// ("Jane Roe, a spokeswoman, said"). A finite verb or a number inside means the phrase is a clause,
/// so only what follows it is kept ("cut 800 jobs the company said" → "the company").
/// The subject before a verb, without a bracket that closes it: "Quillon Financial Group (NYSE: QFG)
/// said" is said by the company, not its ticker.
fn chunk_before(tokens: &Tokens<'_>, verb: usize) -> Span {
    if verb > 0
        && tokens.orig[verb - 1].ends_with(')')
        && let Some(open) = (verb.saturating_sub(5)..verb).rev().find(|&k| tokens.orig[k].starts_with('('))
        && open > 0
    {
        return words_before(tokens, open);
    }
    words_before(tokens, verb)
}

fn words_before(tokens: &Tokens<'_>, verb: usize) -> Span {
    // "The company has spent heavily … and told investors": the subject opens the clause.
    if verb > 0 && matches!(tokens.bare[verb - 1].as_str(), "and" | "but" | "then") {
        let mut start = verb - 1;
        while start > 0 && !tokens.ends_chunk(start - 1) {
            start -= 1;
        }
        let end = (start..verb - 1)
            .find(|&k| {
                let b = tokens.bare[k].as_str();
                k > start
                    && (FINITE_AUX.contains(&b)
                        || b.len() > 3 && b.ends_with("ed")
                        || b.ends_with("s") && k == start + 2)
            })
            .unwrap_or(start);
        return Span { start, end: end.max(start) };
    }
    let mut start = verb;
    while start > 0 && verb - start < 12 && !tokens.ends_chunk(start - 1) {
        start -= 1;
    }
    if let Some(subject) = subject_before_aside(tokens, start, verb) {
        return subject;
    }
    // "The memo, from partner Anton Reyes, said": the subject stands before the appositive.
    if start == verb && start > 0 && !tokens.quoted[verb - 1] {
        let mut s = start - 1;
        let mut chunks = 0;
        while s > 0 && verb - s < 14 {
            if tokens.ends_chunk(s - 1) {
                // "Another user, whose profile lists Vantora's Krakow office, claimed": a relative
                // clause describes the subject before its comma.
                // One that asks for anonymity ("who asked not to be named", "whose voice we
                // altered") says how far the speaker is on record, and the usual reading keeps it.
                let anonymity = (s..verb).any(|k| {
                    matches!(tokens.bare[k].as_str(), "named" | "name" | "identified" | "altered" | "anonymity")
                });
                if chunks == 0 && matches!(tokens.bare[s].as_str(), "who" | "whose") {
                    let mut b = s - 1;
                    while b > 0 && !tokens.ends_chunk(b - 1) && s - b < 8 {
                        b -= 1;
                    }
                    if !anonymity {
                        return Span { start: b, end: s };
                    }
                    // Counted people ("Two coders, who spoke on condition of anonymity because
                    // they feared …") with the clause that says they are unnamed, however long.
                    if COUNTS.contains(tokens.bare[b].as_str()) {
                        return Span { start: b, end: verb };
                    }
                }
                chunks += 1;
                if chunks == 2
                    || !APPOSITIVE_OPENERS.contains(tokens.bare[s].as_str())
                        && !matches!(tokens.bare[s].as_str(), "from" | "with" | "of")
                {
                    break;
                }
            }
            s -= 1;
        }
        return Span { start: s, end: verb };
    }
    // Appositive: "Jane Roe, a spokeswoman for Initech, said".
    if start > 1 && tokens.ends_chunk(start - 1) && APPOSITIVE_OPENERS.contains(tokens.bare[start].as_str()) {
        let mut s = start - 1;
        while s > 0 && start - s < 5 && !tokens.ends_chunk(s - 1) {
            s -= 1;
        }
        // A name, not a clause: a sentence's first word is capitalised whatever it is ("More cuts
        // could follow, the company said" has no appositive).
        let named = (s..start).any(|k| k > s && tokens.capitalized(k)) || start - s <= 3 && tokens.capitalized(s);
        // "… on teams in India, the statement said": a name only ends a longer phrase, so what follows
        // the comma is the speaker, not an appositive of it.
        let opens_clause = s == 0 || tokens.ends_chunk(s - 1) || (s..start).all(|k| tokens.capitalized(k));
        if named && opens_clause {
            start = s;
        }
    }
    // A long run without commas before the verb is a clause, not the name of a speaker; unless a
    // relative clause describes the speaker ("A listener who works at a Globex branch in Dayton
    // says"), whose head stands before it and decides who speaks.
    let describes_speaker = (start + 1..verb).any(|k| matches!(tokens.bare[k].as_str(), "who" | "whose"));
    if verb - start > 9 && !describes_speaker && !(start..verb).any(|k| tokens.ends_chunk(k)) {
        start = verb - 9;
    }
    let relative = (start + 1..verb).find(|&k| matches!(tokens.bare[k].as_str(), "who" | "whose"));
    for k in (start..verb).rev() {
        // "People who have sat through its pitches say": the relative clause's own verbs are the
        // speaker's description.
        if relative.is_some_and(|r| k > r) {
            continue;
        }
        let b = tokens.bare[k].as_str();
        let auxiliary = matches!(b, "will" | "would" | "has" | "have" | "had" | "is" | "are" | "was" | "were");
        // "Critics have long argued": an auxiliary of the verb itself is part of its phrase.
        if auxiliary && verb - k <= 2 {
            continue;
        }
        // "Fortune 500 companies": a number right after a capitalised word is part of a name, though
        // not a date's ("on May 7, the people said").
        let in_name = k > start
            && tokens.capitalized(k - 1)
            && !super::scorer::MONTHS_AND_DAYS.contains(tokens.bare[k - 1].trim_end_matches('.'))
            && !tokens.orig[k].ends_with([',', ';', ':']);
        let number = b.chars().next().is_some_and(|c| c.is_ascii_digit()) && !in_name;
        if auxiliary || matches!(b, "that" | "and" | "but") || number {
            if k + 1 < verb {
                start = k + 1;
            }
            break;
        }
    }
    Span { start, end: verb }
}

/// "The trucking group, which employs 9,300 people, said", "Corliss, for its part, says", "The memo,
/// sent on Wednesday night, also said", "rival Cardell Freight, which said": the words between the
/// subject and its verb are an aside (a relative clause, a participle, a stock phrase, an adverb),
/// and the subject is the chunk before it. `start` opens the chunk that ends at `verb`.
fn subject_before_aside(tokens: &Tokens<'_>, start: usize, verb: usize) -> Option<Span> {
    let adverbs_only = (start..verb).all(|k| ASIDE_ADVERBS.contains(tokens.bare[k].as_str()));
    // "…, which said": the relative pronoun stands for the name before its comma.
    let relative = verb - start == 1 && tokens.bare[start] == "which";
    let mut aside_start = start;
    // "An operations director at a large insurer, speaking after the keynote, said", "Initech,
    // citing weaker demand, said": a participle opens an aside as a relative clause does.
    let participle = |w: &str| {
        w.len() > 5 && w.ends_with("ing") && !matches!(w, "including" | "according" | "regarding" | "following")
    };
    if adverbs_only && !relative {
        // "…, also said": the aside is the chunk before the adverbs, if there is one.
        if start == 0 || !tokens.ends_chunk(start - 1) {
            return None;
        }
        aside_start = start - 1;
        while aside_start > 0 && !tokens.ends_chunk(aside_start - 1) {
            aside_start -= 1;
        }
        let opener = tokens.bare[aside_start].as_str();
        if aside_start == 0 || !(ASIDE_OPENERS.contains(opener) || opener.ends_with("ed") || participle(opener)) {
            return None;
        }
    } else if !relative {
        return None;
    }
    if aside_start == 0 || !tokens.ends_chunk(aside_start - 1) || tokens.quoted[aside_start - 1] {
        return None;
    }
    // "…, speaking anonymously, says", "…, which The Patchnote has seen, says": the aside says who
    // vouches for the speaker, and the usual reading of it decides.
    if (aside_start..verb).any(|k| VOUCHING_ASIDES.contains(tokens.bare[k].as_str())) {
        return None;
    }
    // The subject: the capitalised name that ends the chunk before the aside, or that whole chunk
    // when it is short ("The trucking and warehousing group").
    let end = aside_start;
    let mut subject = end - 1;
    while subject > 0 && end - subject < 8 && !tokens.ends_chunk(subject - 1) {
        subject -= 1;
    }
    let mut name = end;
    while name > subject && tokens.capitalized(name - 1) {
        name -= 1;
    }
    // "Brandt, which declined to comment, could cut …": a relative clause about the sentence's own
    // subject is an aside of the main clause; only one about a later name ("… by rival Cardell
    // Freight, which said …") carries the claim.
    if relative && name < end && name > 0 {
        subject = name;
    } else if relative || end - subject > if participle(tokens.bare[aside_start].as_str()) { 8 } else { 6 } {
        return None;
    }
    Some(Span { start: subject, end })
}

/// Words that end the name of a body of people, never a person's: "Communication Workers' Alliance".
static ORGANISATION_NAME_ENDS: Words = Words::new(&[
    "alliance",
    "federation",
    "association",
    "council",
    "coalition",
    "guild",
    "institute",
    "foundation",
    "commission",
    "congress",
    "society",
    "league",
    "board",
]);

/// Words of an aside that tell who vouches for the speaker: anonymity, or a publication that saw it.
static VOUCHING_ASIDES: Words = Words::new(&[
    "anonymously",
    "anonymity",
    "named",
    "identified",
    "seen",
    "reviewed",
    "obtained",
    "viewed",
    "verified",
]);

/// Words that open an aside between a subject and its verb: "Corliss, for its part, says",
/// "the union, in a statement, said", "Initech, meanwhile, said".
static ASIDE_OPENERS: Words = Words::new(&[
    "which",
    "for",
    "in",
    "meanwhile",
    "however",
    "though",
    "too",
    "sent",
    "based",
    "founded",
    "now",
    "speaking",
    "writing",
    "asked",
    "when",
    "after",
    "according",
]);

/// Classifies the words naming a speaker, or `None` when they name nobody we can place.
fn classify(tokens: &Tokens<'_>, span: Span, lex: &Lexicon, ctx: &Context) -> Option<Speaker> {
    // "He also said", "the CEO later told": an adverb before the verb is not part of the speaker.
    let mut span = span;
    while span.end > span.start + 1 && {
        let b = tokens.bare[span.end - 1].as_str();
        b.len() > 3 && b.ends_with("ly") && b != "anonymously" || ASIDE_ADVERBS.contains(b)
    } {
        span.end -= 1;
    }
    if span.end <= span.start || span.end - span.start > 16 {
        return None;
    }
    // "If Wayne's margins recover, expect …": a condition names nobody as a speaker; nor does what
    // a verb reports ("Reports suggest that Pellucid's system …").
    if SUBORDINATORS.contains(&tokens.bare[span.start]) || tokens.bare[span.start] == "that" {
        return None;
    }
    let has = |set: &crate::core::lexicon::PhraseSet| !tokens.find_in(set, span).is_empty();
    // "Chief Financial Officer Amadeo Kristiansen, who": the relative pronoun is no part of the name.
    let orig = tokens.original(span);
    let orig = match orig.rsplit_once(", ") {
        Some((name, "who" | "which" | "that")) => name.to_string(),
        _ => orig,
    };
    let s = &lex.speakers;
    if ctx.unnamed_sources && !ctx.is_thread && next_unnamed_source(tokens, span, lex) {
        return Some(Speaker::Anonymous);
    }
    // "@SomeAccount on X": a handle is a social account, whatever network it is on.
    let handle = |k: usize| tokens.orig[k].starts_with('@') && tokens.orig[k].len() > 2;
    if has(&s.social) || (span.start..span.end).any(|k| handle(k) || super::markers::is_forum_name(tokens, k)) {
        return Some(Speaker::Social);
    }
    // "Every insurer with an AI press release said": anyone at all, whatever they hold.
    if matches!(tokens.bare[span.start].as_str(), "every" | "any") {
        return Some(Speaker::Weasel);
    }
    // "a company says it is replacing workers": any company at all.
    if span.end - span.start == 2
        && matches!(tokens.bare[span.start].as_str(), "a" | "an")
        && lex.speakers.organisation_heads.contains(tokens.bare[span.start + 1].as_str())
    {
        return Some(Speaker::Weasel);
    }
    // "…, the companies announced": the companies the sentence names, not companies in general.
    let words: Vec<&str> = (span.start..span.end).map(|k| tokens.bare[k].as_str()).collect();
    if matches!(words.as_slice(), ["the" | "both", "companies" | "firms"] | ["the", "two", "companies" | "firms"]) {
        let all = Span { start: 0, end: tokens.len() };
        return company_in(tokens, all, lex).or_else(|| ctx.company.clone()).map(Speaker::Official);
    }
    // A place, a heading or a common noun is never a speaker ("United States", "Points", "Read").
    if is_implausible(tokens, span, lex) {
        return None;
    }
    // "A friend who works there tells me", "a listener": someone the writer knows, not a source.
    // "Our Tulsa readers tell us": after "our" or "my", a word may stand before them.
    let reach = if matches!(tokens.bare[span.start].as_str(), "our" | "my") { 3 } else { 2 };
    if !tokens.find_in(&s.acquaintances, Span { start: span.start, end: (span.start + reach).min(span.end) }).is_empty()
    {
        return Some(Speaker::Hearsay);
    }
    // "We got a voice message from a QA tester at Sable Reach who says", "This week's email comes
    // from a load planner who writes": someone unnamed who wrote or called in, relayed by the host.
    if relayed_message(tokens, span) {
        return Some(Speaker::Hearsay);
    }
    // "A picker in Reno says", "one nurse at Mercy Hollow said": a single person nobody names, placed
    // somewhere; neither the place nor the employer is who speaks.
    if is_unnamed_individual(tokens, span, lex) {
        return Some(Speaker::Anonymous);
    }
    // "The International Freight Workers Union", "Communication Workers' Alliance": a capitalised name
    // ending in what the organisation is names that organisation, whatever words it holds.
    let last = span.end - 1;
    if last > span.start
        && tokens.capitalized(last)
        && (lex.speakers.organisation_heads.contains(tokens.bare[last].as_str())
            || ORGANISATION_NAME_ENDS.contains(tokens.bare[last].as_str()))
        && (span.start..=last).all(|k| tokens.capitalized(k) || tokens.bare[k] == "the" || tokens.bare[k] == "of")
    {
        return Some(Speaker::Official(orig));
    }
    // A capitalised cue after the first word is a name ("Globex Insider"), not an unnamed source.
    let anonymous =
        tokens.find_in(&s.anonymous, span).into_iter().any(|h| h.start == span.start || !tokens.capitalized(h.start));
    if anonymous && lex.outlet_in(&orig).is_none() {
        // Bare "sources say" with nothing about who they are is an unnamed rumour, not reporting.
        let bare_sources = span.end - span.start <= 2
            && (span.start..span.end)
                .all(|k| matches!(tokens.bare[k].as_str(), "sources" | "insiders" | "some" | "many" | "industry"));
        // "Many workers say", "Some longtime employees said": a vague crowd, unless the words say how
        // the reporter knows them ("Some people familiar with the plans").
        let vague_crowd = VAGUE_QUANTIFIERS.contains(tokens.bare[span.start].as_str())
            && !(span.start..span.end).any(|k| {
                let b = tokens.bare[k].as_str();
                ["familiar", "briefed", "knowledge", "anonym", "named", "identified", "close", "aware", "authori"]
                    .iter()
                    .any(|cue| b.starts_with(cue))
            });
        return Some(if bare_sources || vague_crowd { Speaker::Weasel } else { Speaker::Anonymous });
    }
    if let Some(outlet) = lex.outlet_in(&orig) {
        return Some(Speaker::Outlet(outlet.name().to_string()));
    }
    if let Some(publication) = publication_in(tokens, span, lex) {
        return Some(Speaker::Outlet(publication));
    }
    // "Recruiters tell me", "Lawyers who handle WARN filings say": a class of people, counted
    // ("Two current developers said": unnamed sources) or not (nobody in particular).
    if let Some(counted) = class_of_people(tokens, span, lex, ctx) {
        return Some(if counted { Speaker::Anonymous } else { Speaker::Weasel });
    }
    // "Verdi, the services union, said": a name whose appositive says it is an organisation.
    if let Some(name) = named_organisation(tokens, span, lex) {
        return Some(Speaker::Official(name));
    }
    // "The packaged-food maker said", "the staff union said": the organisation named by what it is.
    let head_end = (span.start..span.end).find(|&k| tokens.ends_chunk(k)).map_or(span.end, |k| k + 1);
    if tokens.bare[span.start] == "the"
        && head_end - span.start <= 5
        && lex.speakers.organisation_heads.contains(tokens.bare[head_end - 1].as_str())
        && !(span.start + 1..head_end).any(|k| tokens.capitalized(k))
    {
        // "The district says": a public body or a union is not the company the story is about.
        let company = !PUBLIC_BODIES.contains(tokens.bare[head_end - 1].as_str());
        return Some(Speaker::Official(ctx.company.clone().filter(|_| company).unwrap_or(orig)));
    }
    // "My hub manager says": in a thread, whoever the poster calls theirs is someone they know.
    let mine = tokens.bare[span.start] == "my"
        && !(span.start..span.end).any(|k| NOT_ACQUAINTANCES.contains(tokens.bare[k].trim_end_matches("'s")));
    if ctx.is_thread && (has(&s.hearsay) || mine) && proper_name(tokens, span, lex).is_none() {
        return Some(Speaker::Hearsay);
    }
    let documents = tokens.find_in(&s.document, span);
    if let (Some(first), Some(last)) = (documents.first(), documents.last()) {
        // "a regulatory filing": every document word, not just the first.
        return Some(Speaker::Document(tokens.original(Span { start: first.start, end: last.end })));
    }
    // "Analysts at Hollins Grey", "Economists from the Cedar Institute": people the writer places at a
    // named organisation speak for it, however vague their title alone.
    if let Some(org) = named_employer(tokens, span, lex) {
        return Some(Speaker::Official(org));
    }
    // "a support director at a mid-size SaaS company", "an executive at a large insurer": an office
    // at an organisation nobody names is nobody in particular.
    let unnamed_office = matches!(tokens.bare[span.start].as_str(), "a" | "an")
        && !(span.start + 1..span.end).any(|k| tokens.capitalized(k))
        && (span.start..span.end.saturating_sub(1)).any(|k| {
            matches!(tokens.bare[k].as_str(), "at" | "of" | "from" | "for")
                && matches!(tokens.bare[k + 1].as_str(), "a" | "an")
        });
    // "One tech site found", "a trade publication reported": an outlet nobody names.
    let unnamed_outlet = matches!(tokens.bare[span.start].as_str(), "a" | "an" | "one" | "another")
        && span.end - span.start <= 4
        && !(span.start + 1..span.end).any(|k| tokens.capitalized(k))
        && s.outlet_nouns.contains(tokens.bare[span.end - 1].as_str());
    if unnamed_office || unnamed_outlet {
        return Some(Speaker::Weasel);
    }
    // "Most industry observers", "Several artists": a vague quantity names nobody.
    if !tokens.find_in(&s.weasel, Span { start: span.start, end: span.start + 1 }).is_empty() {
        return Some(Speaker::Weasel);
    }
    // "British telecoms operator Maristow", "rival carrier Dunmore Air": what the organisation is,
    // then its name.
    if let Some(head) = (span.start..span.end.saturating_sub(1))
        .rev()
        .find(|&k| lex.speakers.organisation_heads.contains(tokens.bare[k].as_str()) && !tokens.ends_chunk(k))
        && (head + 1..span.end).all(|k| tokens.capitalized(k) && !tokens.quoted[k])
    {
        return Some(Speaker::Official(canonical_name(&tokens.original(Span { start: head + 1, end: span.end }))));
    }
    let company = company_in(tokens, span, lex);
    // "Media analysts say": a sentence's first word is capitalised whatever it is, so a lone one
    // before a common noun is that noun's modifier, not anyone's name.
    let name = proper_name(tokens, span, lex).filter(|n| !opens_sentence_before_common_noun(tokens, span, n, ctx));
    // "Executives have learned", "Local officials fear": a role of no company in particular.
    let named = name.clone().filter(|n| !s.generic_subjects.is_match(n));
    // A generic word inside a name is part of the name ("Fjellstad Markets analyst"), but "Wall
    // Street" on its own is still nobody in particular.
    let inside_name = |h: &Span| {
        (h.start..h.end).any(|k| k > 0 && tokens.capitalized(k))
            && (h.start > span.start && tokens.capitalized(h.start - 1)
                || h.end < span.end && tokens.capitalized(h.end))
    };
    let generic =
        tokens.find_in(&s.generic_subjects, span).iter().any(|h| !inside_name(h) && !tokens.superlative_most(h.start));
    if company.is_none() && generic && named.is_none() {
        return Some(Speaker::Weasel);
    }
    // "a former Initech vice president" no longer speaks for anyone but themself.
    let former = |h: &Span| {
        (h.start.saturating_sub(3)..h.start).any(|k| matches!(tokens.bare[k].as_str(), "former" | "ex" | "retired"))
            || tokens.bare[h.start].starts_with("ex-")
    };
    // "the wireless carrier", "the Ohio-based insurer": the company by a description of it, "the
    // carrier" with words between.
    let described = (3..=5).contains(&(span.end - span.start))
        && tokens.bare[span.start] == "the"
        && s.official.is_match(&format!("the {}", tokens.bare[span.end - 1]))
        && !(span.start..span.end).any(|k| matches!(tokens.bare[k].as_str(), "former" | "retired" | "rival" | "other"));
    if described {
        return Some(Speaker::Official(company.or_else(|| ctx.company.clone()).unwrap_or(orig)));
    }
    let official = tokens.find_in(&s.official, span);
    let former_role_of_a_named_person = name.as_ref().is_some_and(|n| n.contains(' ')) && official.iter().all(former);
    if !official.is_empty() && !former_role_of_a_named_person {
        // "A former Marrowgate dispatch manager says": who once spoke for the company and is not
        // named is the reporter's unnamed source.
        if official.iter().all(former) && !name.as_ref().is_some_and(|n| n.contains(' ')) {
            return Some(Speaker::Anonymous);
        }
        return Some(Speaker::Official(company.or_else(|| ctx.company.clone()).unwrap_or(orig)));
    }
    // "Lena Ortiz, a company spokesperson": a named person in an official role speaks for the company.
    let near = Span { start: span.start.saturating_sub(6), end: (span.end + 6).min(tokens.len()) };
    if name.is_some() && tokens.find_in(&s.official_titles, near).iter().any(|h| !tokens.quoted[h.start] && !former(h))
    {
        return Some(Speaker::Official(company.or_else(|| ctx.company.clone()).unwrap_or(orig)));
    }
    // "Pellucid Freightworks said": the company the document is about, though no list knows its name.
    if let (Some(n), Some(c)) = (name.as_ref(), ctx.company.as_ref())
        && n.split_whitespace().next() == c.split_whitespace().next()
        && orig.trim_matches(|ch: char| !ch.is_alphanumeric()) == n
    {
        return Some(Speaker::Official(c.clone()));
    }
    // "Jane Roe, a partner at Roe Capital": a named person speaks for themself unless they hold an
    // official role, which the check above caught.
    if let Some(n) = name.as_ref().filter(|n| {
        n.contains(' ') && company.as_ref().is_none_or(|c| !c.contains(n.as_str()) && !n.contains(c.as_str()))
    }) {
        return Some(Speaker::Person(n.clone()));
    }
    if let Some(c) = company {
        return Some(Speaker::Official(c));
    }
    if let Some(name) = name {
        let surname_only = !name.contains(' ');
        if surname_only && !ctx.surnames.contains(&name) {
            // A lone capitalised name not seen as a person before is an organisation: "Initech said".
            return Some(Speaker::Official(name));
        }
        return Some(Speaker::Person(name));
    }
    if tokens.find_in(&s.weasel, span).into_iter().any(|h| !tokens.superlative_most(h.start)) {
        return Some(Speaker::Weasel);
    }
    if !ctx.is_thread && has(&s.hearsay) {
        return Some(Speaker::Weasel);
    }
    let lone = tokens.bare[span.start].as_str();
    if span.end - span.start == 1 && s.person_pronouns.contains(lone) {
        if ctx.last_person.is_none() && ctx.last_relayed {
            return Some(Speaker::Hearsay);
        }
        return ctx.last_person.clone().map(Speaker::Person).or(Some(Speaker::Person(lone.to_string())));
    }
    None
}

/// Whether the speaker is someone unnamed whose message reached the writer: a message noun, "from"
/// (or "comes from"), then "a", "an", "one" or "another".
fn relayed_message(tokens: &Tokens<'_>, span: Span) -> bool {
    let bare = |k: usize| tokens.bare.get(k).map_or("", String::as_str);
    (span.start.saturating_sub(8)..span.end).any(|k| {
        // "a voicemail this week from", "this week's email comes from".
        let Some(from) = (k + 1..k + 4).find(|&j| bare(j) == "from") else { return false };
        MESSAGE_NOUNS.contains(bare(k))
            && (k + 1..from).all(|j| matches!(bare(j), "comes" | "came" | "this" | "last" | "week" | "today" | "in"))
            && from + 1 >= span.start
            && from < span.end.max(span.start)
            && matches!(bare(from + 1), "a" | "an" | "one" | "another")
    })
}

/// Words that point back at someone named before.
static PRONOUNS: Words = Words::new(&["he", "she", "they", "it", "we", "i", "you"]);

/// What someone sends to a show or a newsletter.
static MESSAGE_NOUNS: Words = Words::new(&[
    "voicemail",
    "message",
    "messages",
    "email",
    "emails",
    "e-mail",
    "note",
    "dm",
    "text",
    "mail",
    "call",
    "letter",
    "question",
    "submission",
    "tip",
]);

/// "A picker in Reno", "an adjuster from Tulsa", "one nurse at Mercy Hollow": one person, by a plain
/// word for what they do, then where they are. A spokesperson or an executive speaks for their
/// employer, and "a union in Ohio" is an organisation, so neither is read so.
/// "Another said", "one of them said", "a second manager said", "a third man said": one more of
/// the unnamed people an article has already quoted, called by their place in the line rather than
/// by any name or office.
fn next_unnamed_source(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> bool {
    let words: Vec<&str> = (span.start..span.end).map(|k| tokens.bare[k].as_str()).collect();
    let plain = (span.start + 1..span.end).all(|k| !tokens.capitalized(k) && !tokens.quoted[k])
        && tokens.find_in(&lex.speakers.official_titles, span).is_empty()
        && tokens.find_in(&lex.speakers.official, span).is_empty();
    // "a second manager", not "the second quarter" or "a third report".
    let role_words = |rest: &[&str]| {
        rest.len() <= 2
            && rest.iter().all(|w| w.chars().all(char::is_alphabetic) && !COUNTED_THINGS.contains(*w))
            && tokens.find_in(&lex.speakers.document, span).is_empty()
    };
    plain
        && match words.as_slice() {
            ["another" | "one"] | ["one", "of", "them" | "those" | "the" | "these", ..] => words.len() <= 4,
            ["another", rest @ ..] => role_words(rest),
            ["a" | "the", ordinal, rest @ ..] => ORDINALS.contains(*ordinal) && role_words(rest),
            _ => false,
        }
}
static ORDINALS: Words = Words::new(&["second", "third", "fourth", "fifth", "sixth", "seventh"]);
/// What an ordinal counts when it counts no person: periods and rounds of a plan.
static COUNTED_THINGS: Words = Words::new(&[
    "quarter", "half", "round", "phase", "wave", "stage", "time", "day", "week", "month", "year", "batch",
]);

fn is_unnamed_individual(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> bool {
    if !matches!(tokens.bare[span.start].as_str(), "a" | "an" | "one" | "another") {
        return false;
    }
    let Some(link) = (span.start + 2..span.end.min(span.start + 5))
        .find(|&k| matches!(tokens.bare[k].as_str(), "in" | "at" | "from" | "near" | "outside"))
    else {
        return false;
    };
    let role = Span { start: span.start + 1, end: link };
    link + 1 < span.end
        && tokens.capitalized(link + 1)
        && (role.start..role.end).all(|k| !tokens.capitalized(k) && !tokens.quoted[k])
        && tokens.find_in(&lex.speakers.official_titles, role).is_empty()
        && tokens.find_in(&lex.speakers.official, role).is_empty()
        && !lex.speakers.organisation_heads.contains(tokens.bare[link - 1].as_str())
}

/// The organisation a vaguely named group is placed at: "Analysts at Hollins Grey", "Researchers from
/// the Cedar Institute". Only a plain class word opens it; a place is nobody's employer.
fn named_employer(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> Option<String> {
    let class_end =
        (span.start + 1..span.end.min(span.start + 3)).find(|&k| EMPLOYER_LINKS.contains(tokens.bare[k].as_str()))?;
    let class_words_plain = (span.start..class_end).all(|k| !tokens.capitalized(k) || k == span.start);
    if !class_words_plain || !PUBLISHING_CLASSES.contains(tokens.bare[class_end - 1].as_str()) {
        return None;
    }
    let name = proper_name(tokens, Span { start: class_end + 1, end: span.end }, lex)?;
    (!lex.speakers.places.contains(&name.to_lowercase())).then_some(name)
}
static EMPLOYER_LINKS: Words = Words::new(&["at", "from"]);
/// People whose findings their organisation publishes under its name; "workers at the Dayton plant"
/// or "employees at Initech" do not speak for where they work.
static PUBLISHING_CLASSES: Words =
    Words::new(&["analysts", "economists", "researchers", "strategists", "experts", "scientists", "consultants"]);

/// Words that end the phrase naming a class of people: a relative clause or a prepositional phrase
/// about them follows ("Coders I hear from", "Lawyers who handle WARN filings").
static CLASS_ENDS: Words = Words::new(&[
    "who",
    "whom",
    "that",
    "which",
    "i",
    "i've",
    "i'm",
    "we",
    "we've",
    "at",
    "in",
    "across",
    "from",
    "with",
    "for",
    "of",
    "on",
    "around",
    "inside",
    "throughout",
]);
static RELATIVES: Words = Words::new(&["who", "whom", "that", "which", "i", "i've", "i'm", "we", "we've"]);
/// Organisations named by what they are that are never the company a story is about.
static PUBLIC_BODIES: Words = Words::new(&[
    "district",
    "county",
    "city",
    "township",
    "commission",
    "board",
    "school",
    "college",
    "university",
    "council",
    "authority",
    "ministry",
    "department",
    "regulator",
    "government",
    "union",
    "guild",
    "association",
    "federation",
    "agency",
    "institute",
    "foundation",
    "nonprofit",
    "hospital",
]);

/// Quantifiers that count nobody in particular.
static VAGUE_QUANTIFIERS: Words =
    Words::new(&["many", "some", "most", "few", "numerous", "various", "countless", "other", "others"]);

static COUNTS: Words =
    Words::new(&["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "both"]);
/// Nouns with the endings of nouns for people that name things ("meeting documents said").
static NOT_PEOPLE: Words = Words::new(&[
    "documents",
    "statements",
    "numbers",
    "papers",
    "letters",
    "comments",
    "orders",
    "figures",
    "agreements",
    "governments",
    "departments",
    "payments",
    "markets",
    "centers",
    "centres",
    "computers",
    "headquarters",
    "events",
    "filers",
    "records",
    "minutes",
    "contents",
    "segments",
    "investments",
    "answers",
    "others",
]);
/// Endings of nouns for people by what they do ("recruiters", "contractors", "economists", "consultants"),
/// plural, and singular for one who is counted ("one bartender").
const AGENT_ENDINGS: &[&str] = &["ers", "ors", "ists", "ians", "ants", "ents", "eers"];
const AGENT_ENDINGS_SINGULAR: &[&str] = &["er", "or", "ist", "ian", "ant", "ent", "ee"];

/// Whether the speaker phrase names a class of people and nobody in particular: its head is a noun for
/// people by what they do, with no name, company or organisation in it. `Some(true)` when they are
/// counted ("two current developers", "one customer"), which an article reports as its unnamed
/// sources; `Some(false)` for the bare class ("Recruiters", "Legal recruiters"), which names nobody.
/// The name before an appositive that names an organisation by what it is ("Verdi, the services
/// union", "Verada Health, the hospital operator").
fn named_organisation(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> Option<String> {
    let opener = (span.start + 1..span.end)
        .find(|&p| tokens.ends_chunk(p - 1) && matches!(tokens.bare[p].as_str(), "the" | "a" | "an" | "its"))?;
    let head_end = (opener..span.end).find(|&k| tokens.ends_chunk(k)).map_or(span.end, |k| k + 1);
    let organisation = head_end - opener <= 5
        && lex.speakers.organisation_heads.contains(tokens.bare[head_end - 1].as_str())
        && !(opener + 1..head_end).any(|k| tokens.capitalized(k));
    let name = tokens.original(Span { start: span.start, end: opener });
    let name = name.trim_end_matches([',', ' ']);
    let proper = (span.start..opener).all(|k| tokens.capitalized(k) || tokens.bare[k] == "&");
    (organisation && proper && !name.is_empty()).then(|| name.to_string())
}

fn class_of_people(tokens: &Tokens<'_>, span: Span, lex: &Lexicon, ctx: &Context) -> Option<bool> {
    let end = (span.start..span.end)
        .find(|&k| k > span.start && CLASS_ENDS.contains(tokens.bare[k].as_str()))
        .unwrap_or(span.end);
    // A relative clause says how the writer knows them; a prepositional phrase may name their employer
    // ("Analysts at Northgate"), which makes them somebody in particular.
    let relative = end < span.end && RELATIVES.contains(tokens.bare[end].as_str());
    let checked_end = if relative { end } else { span.end };
    if end - span.start > 4 || (span.start..checked_end).any(|k| k > 0 && tokens.capitalized(k)) {
        return None;
    }
    let first = tokens.bare[span.start].as_str();
    // "which represents journalists": a relative clause about someone else, not a speaker.
    if CLASS_ENDS.contains(first) {
        return None;
    }
    let counted = COUNTS.contains(first) || first.chars().all(|c| c.is_ascii_digit()) && !first.is_empty();
    let head = tokens.bare[end - 1].as_str();
    // "Voorhees said": a name met before, whatever its ending.
    let known_name = ctx.surnames.iter().chain(ctx.company.iter()).any(|n| n.eq_ignore_ascii_case(head));
    if known_name {
        return None;
    }
    let plural = head.ends_with('s') || lex.speakers.people_nouns.contains(head);
    let endings = if counted { AGENT_ENDINGS_SINGULAR } else { AGENT_ENDINGS };
    let agent = (AGENT_ENDINGS.iter().chain(endings).any(|e| head.ends_with(e))) && head.len() > 4
        || lex.speakers.people_nouns.contains(head);
    // "Studio veterans", "bank employees": people named by where they work are still people.
    let people = lex.speakers.people_nouns.contains(head);
    let organisation = (span.start..end)
        .any(|k| lex.speakers.organisation_heads.contains(tokens.bare[k].as_str()) && !(people && k + 1 < end))
        || NOT_PEOPLE.contains(head)
        || !tokens.find_in(&lex.speakers.document, Span { start: end - 1, end }).is_empty();
    let modifiers_plain = (span.start..end - 1).all(|k| {
        let w = tokens.bare[k].as_str();
        k == span.start && counted || !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-')
    });
    if !agent || organisation || !modifiers_plain || end - span.start > 1 && tokens.bare[span.start] == "the" {
        return None;
    }
    match (counted, plural) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    }
}

/// People who speak for the organisation named before them ("Union representatives said").
static ROLE_PLURALS: Words = Words::new(&["representatives", "officials", "leaders", "spokespeople", "executives"]);

/// Whether `name` is only the capitalised first word of the sentence, followed by a word in lower
/// case in the same speaker phrase ("Healthcare labour advocates", "Listener mail").
fn opens_sentence_before_common_noun(tokens: &Tokens<'_>, span: Span, name: &str, ctx: &Context) -> bool {
    span.start == 0
        && span.end > 1
        && !name.contains(' ')
        && tokens.orig[0].trim_matches(|c: char| !c.is_alphanumeric()) == name
        && tokens.orig[1].chars().next().is_some_and(char::is_lowercase)
        && !ROLE_PLURALS.contains(tokens.bare[1].as_str())
        && !ctx.surnames.iter().any(|s| s == name)
        && ctx.company.as_deref() != Some(name)
}

/// Whether the span names a place or a common noun rather than anyone who could speak.
fn is_implausible(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> bool {
    let words: Vec<&str> =
        tokens.bare[span.start..span.end].iter().map(String::as_str).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    // "Kinsale Air layoffs 2026", "the cuts": the head is the last word that is no number.
    let head = (span.start..span.end).rev().find(|&k| tokens.bare[k].chars().any(char::is_alphabetic));
    lex.speakers.places.contains(&joined)
        || words.len() == 1 && lex.speakers.not_speakers.contains(words[0])
        || words.first().is_some_and(|w| matches!(*w, "what" | "how" | "why" | "whatever" | "whoever"))
        || head.is_some_and(|k| !tokens.capitalized(k) && lex.speakers.event_nouns.contains(tokens.bare[k].as_str()))
}

/// A company named in the span: a known one, or a capitalised name ending in an organisation suffix.
fn company_in(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> Option<String> {
    let orig = tokens.orig[span.start..span.end].join(" ");
    if let Some((_, name)) = lex.companies_in(&orig).into_iter().next() {
        return Some(name);
    }
    for k in span.start..span.end {
        if tokens.capitalized(k) && k > span.start && lex.speakers.company_suffixes.contains(&tokens.bare[k]) {
            let mut from = k;
            while from > span.start
                && tokens.capitalized(from - 1)
                && !NON_NAMES.contains(tokens.bare[from - 1].as_str())
            {
                from -= 1;
            }
            if from < k {
                return Some(canonical_name(&tokens.original(Span { start: from, end: k + 1 })));
            }
        }
        if tokens.orig[k].ends_with("'s") || tokens.orig[k].ends_with("’s") {
            // "Initech's chief executive": the possessor is the company when an official title follows.
            if tokens.capitalized(k)
                && k + 1 < span.end
                && lex.speakers.official.is_match(tokens.normalized(Span { start: k + 1, end: span.end }))
            {
                let name = tokens.orig[k].trim_end_matches("'s").trim_end_matches("’s");
                let mut from = k;
                while from > span.start
                    && tokens.capitalized(from - 1)
                    && !NON_NAMES.contains(tokens.bare[from - 1].as_str())
                {
                    from -= 1;
                }
                let mut words: Vec<&str> = tokens.orig[from..k].to_vec();
                words.push(name);
                return Some(words.join(" "));
            }
        }
    }
    None
}

/// The first run of two or three capitalised words that is not an outlet, a title or a date.
pub fn proper_name(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> Option<String> {
    let mut k = span.start;
    while k < span.end {
        let is_name_word = |i: usize| {
            let stem = tokens.bare[i].split('\'').next().unwrap_or("");
            tokens.capitalized(i)
                && !NON_NAMES.contains(stem)
                && !tokens.bare[i].contains("'l")
                && !tokens.bare[i].contains("'r")
                && !tokens.bare[i].contains("'v")
                && !tokens.bare[i].contains("'d")
                && tokens.bare[i].chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.')
                && !tokens.bare[i].is_empty()
        };
        if is_name_word(k) {
            let mut end = k + 1;
            while end < span.end && end - k < 3 && is_name_word(end) && !tokens.ends_chunk(end - 1) {
                end += 1;
            }
            let name = tokens.original(Span { start: k, end });
            if lex.outlet_in(&name).is_none() {
                return Some(name);
            }
            k = end;
        } else {
            k += 1;
        }
    }
    None
}

/// In chat, naming the outlet a claim came from cites it: "per the Verge", "she told The Verge",
/// "that's in the same Reuters piece".
pub fn cited_outlet(tokens: &Tokens<'_>, text: &str, lex: &Lexicon) -> Option<Attribution> {
    let outlet = match lex.outlet_in(text) {
        Some(o) => o.name().to_string(),
        None => {
            publication_in(tokens, Span { start: 0, end: tokens.len() }, lex).or_else(|| quoted_in_a_piece(tokens))?
        }
    };
    let cue = tokens.bare.iter().any(|w| CITATION_CUES.contains(w.as_str()));
    cue.then(|| Attribution {
        speaker: Speaker::Outlet(outlet),
        frame: Frame::Statement,
        frame_span: Span { start: 0, end: tokens.len() },
    })
}

/// "is also quoted in the GameDesk piece": whoever published the piece a speaker was quoted in, by
/// the name the thread gives it, when no list knows it and it ends in no publication's word.
fn quoted_in_a_piece(tokens: &Tokens<'_>) -> Option<String> {
    let bare = |k: usize| tokens.bare[k].as_str();
    let n = tokens.len();
    (0..n.saturating_sub(4)).find_map(|k| {
        if !(bare(k) == "quoted" && bare(k + 1) == "in" && bare(k + 2) == "the") {
            return None;
        }
        let start = k + 3;
        let end = (start..n.min(start + 3)).find(|&j| !tokens.capitalized(j) || tokens.quoted[j])?;
        let noun = (end > start).then(|| bare(end))?;
        matches!(noun, "piece" | "story" | "article" | "interview" | "writeup" | "write-up" | "feature")
            .then(|| tokens.original(Span { start, end }).trim_end_matches(|c: char| !c.is_alphanumeric()).to_string())
    })
}

/// "Stanchion Wire", "the Tidewater Ledger", "the Ledger", "the Tribune-Post": a capitalised name
/// ending in what publications are called names a publication that no list knows.
pub fn publication_in(tokens: &Tokens<'_>, span: Span, lex: &Lexicon) -> Option<String> {
    (span.start..span.end.min(tokens.len())).find_map(|k| {
        let head = tokens.bare[k].rsplit('-').next().unwrap_or_default().trim_end_matches("'s");
        if tokens.quoted[k] || !tokens.capitalized(k) || !PUBLICATION_HEADS.contains(head) {
            return None;
        }
        // "Hacker News" is people posting; "my Times Square office" is a place.
        if !tokens.find_in(&lex.speakers.social, Span { start: k.saturating_sub(2), end: k + 1 }).is_empty()
            || k > 0 && matches!(tokens.bare[k - 1].as_str(), "my" | "our" | "your")
        {
            return None;
        }
        let mut start = k;
        while start > span.start
            && k - start < 3
            && tokens.capitalized(start - 1)
            && !tokens.ends_chunk(start - 1)
            && tokens.bare[start - 1] != "the"
        {
            start -= 1;
        }
        // A sentence's first word is capitalised whatever it is ("Daily layoffs continue").
        let after_the = start > 0 && tokens.bare[start - 1] == "the";
        let named = after_the || start < k && (start > 0 || tokens.capitalized(start + 1));
        named.then(|| {
            tokens.original(Span { start, end: k + 1 }).trim_end_matches("'s").trim_end_matches("’s").to_string()
        })
    })
}

/// What publications are called at the end of their names.
static PUBLICATION_HEADS: Words = Words::new(&[
    "wire",
    "ledger",
    "post",
    "times",
    "journal",
    "news",
    "herald",
    "tribune",
    "courier",
    "gazette",
    "daily",
    "weekly",
    "register",
    "observer",
    "chronicle",
    "dispatch",
    "bulletin",
    "monitor",
    "insider",
    "telegraph",
    "press",
    "newsletter",
    "magazine",
]);

static CITATION_CUES: Words = Words::new(&[
    "per",
    "in",
    "told",
    "tells",
    "says",
    "said",
    "reported",
    "reports",
    "reporting",
    "according",
    "piece",
    "story",
    "article",
    "report",
    "via",
    "interview",
    "interviewed",
    "source",
    "citing",
    "wrote",
    "writes",
    "laut",
    "según",
    "selon",
    "scoop",
]);

/// "in a statement", "in a filing": the channel names the source when no speaker does.
fn channel(tokens: &Tokens<'_>, lex: &Lexicon, ctx: &Context) -> Option<Attribution> {
    // "remote folks don't show up in WARN filings": where something appears, not who says it.
    let after_particle = |h: &Span| h.start > 0 && tokens.bare[h.start - 1] == "up";
    if let Some(hit) =
        tokens.find(&lex.document_channels).into_iter().find(|h| !tokens.quoted[h.start] && !after_particle(h))
    {
        let named =
            tokens.find_in(&lex.speakers.document, Span { start: hit.start, end: chunk_after(tokens, hit.start).end });
        let name = match named.last() {
            Some(doc) => tokens.original(*doc),
            None => tokens.original(Span { start: hit.start + 1, end: hit.end }),
        };
        let name = name.trim_start_matches("a ").trim_start_matches("an ").trim_start_matches("the ").to_string();
        return Some(Attribution { speaker: Speaker::Document(name), frame: Frame::Channel, frame_span: hit });
    }
    if let Some(hit) = tokens.find(&lex.official_channels).into_iter().find(|h| !tokens.quoted[h.start]) {
        let name = ctx.company.clone().unwrap_or_else(|| "the company".into());
        return Some(Attribution { speaker: Speaker::Official(name), frame: Frame::Channel, frame_span: hit });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(text: &str, thread: bool) -> Option<Speaker> {
        let ctx = Context { company: Some("Initech".into()), is_thread: thread, ..Context::default() };
        find(&Tokens::new(text, Lexicon::embedded()), Lexicon::embedded(), &ctx).map(|a| a.speaker)
    }

    #[test]
    fn a_trailing_company_attribution_is_official() {
        assert_eq!(
            speaker("Initech will lay off 500 employees, the company said in a blog post on Tuesday.", false),
            Some(Speaker::Official("Initech".into()))
        );
    }

    #[test]
    fn unnamed_people_familiar_are_anonymous() {
        assert_eq!(
            speaker("Two people familiar with the plans said the cuts could reach 15% of staff.", false),
            Some(Speaker::Anonymous)
        );
    }

    #[test]
    fn an_inverted_attribution_names_the_person_after_the_verb() {
        assert_eq!(
            speaker("\"We are not done,\" said Jane Roe, a partner at Roe Capital.", false),
            Some(Speaker::Person("Jane Roe".into()))
        );
    }

    #[test]
    fn an_appositive_before_the_verb_is_part_of_the_speaker() {
        assert_eq!(
            speaker("Jane Roe, a spokeswoman for Globex Corp., said the cuts were final.", false),
            Some(Speaker::Official("Globex".into()))
        );
    }

    #[test]
    fn according_to_an_outlet_is_an_outlet() {
        assert_eq!(
            speaker("Hooli will cut 10% of staff, according to Bloomberg.", false),
            Some(Speaker::Outlet("Bloomberg".into()))
        );
    }

    #[test]
    fn per_cent_is_not_a_source() {
        assert_eq!(speaker("Staff fell 10 per cent last year.", false), None);
    }

    #[test]
    fn one_person_nobody_names_is_no_place_and_no_employer() {
        for text in [
            "A picker in Reno says her warehouse docks her pay.",
            "An adjuster from Tulsa said the cuts hit claims first.",
            "One nurse at Mercy Hollow said the unit lost six clerks.",
        ] {
            assert_eq!(speaker(text, false), Some(Speaker::Anonymous), "{text}");
        }
        assert!(matches!(
            speaker("A spokesperson in London said the cuts hit claims.", false),
            Some(Speaker::Official(_))
        ));
    }

    #[test]
    fn critics_are_weasels() {
        assert_eq!(
            speaker("Critics have long argued the company over-hired during the pandemic.", false),
            Some(Speaker::Weasel)
        );
    }

    #[test]
    fn a_manager_in_chat_is_hearsay() {
        assert_eq!(speaker("my manager says the whole org is getting cut next week", true), Some(Speaker::Hearsay));
    }

    #[test]
    fn a_warn_notice_is_a_document() {
        assert_eq!(
            speaker("A WARN notice filed in Washington lists 1,200 affected workers.", false),
            Some(Speaker::Document("WARN notice".into()))
        );
    }

    #[test]
    fn an_anonymous_account_is_social() {
        assert_eq!(speaker("An anonymous account on X claims 3,000 more jobs will go.", false), Some(Speaker::Social));
    }

    #[test]
    fn someone_who_works_at_a_company_does_not_speak_for_it() {
        assert_eq!(
            speaker("A listener who works at a Globex branch in Dayton says nobody on her team got an offer.", false),
            Some(Speaker::Hearsay)
        );
    }

    #[test]
    fn a_capitalised_first_word_before_a_common_noun_is_no_name() {
        assert_eq!(
            speaker("Media analysts say the economics leave publishers little choice.", false),
            Some(Speaker::Weasel)
        );
        assert_ne!(
            speaker("Healthcare labour advocates have warned that the tools raise denials.", false),
            Some(Speaker::Official("Healthcare".into()))
        );
        assert_eq!(
            speaker("Globex said on Monday it would close Tulsa.", false),
            Some(Speaker::Official("Globex".into()))
        );
        assert_eq!(
            speaker("Union representatives said they would press for longer cover.", false),
            Some(Speaker::Official("Union".into()))
        );
    }

    #[test]
    fn a_speaker_inside_an_opening_condition_frames_nothing() {
        assert_eq!(
            speaker(
                "If the error rate is anywhere near what our source describes, customers may pay for the cuts.",
                false
            ),
            None
        );
    }

    #[test]
    fn industry_insiders_name_nobody() {
        assert_eq!(
            speaker("Industry insiders say desk adjusters will be the first to go.", false),
            Some(Speaker::Weasel)
        );
    }

    #[test]
    fn a_passive_report_names_nobody() {
        assert_eq!(speaker("The layoffs are expected to hit recruiting hardest.", false), None);
    }

    #[test]
    fn a_class_of_people_is_nobody_in_particular_unless_counted() {
        for text in [
            "Recruiters tell me junior design roles are evaporating.",
            "Legal recruiters say the paralegal market has tightened since January.",
            "Contractors I hear from say several studios did the same.",
            "Lawyers who handle WARN filings say companies avoid any mention of automation.",
        ] {
            assert_eq!(speaker(text, false), Some(Speaker::Weasel), "{text}");
        }
        assert_eq!(
            speaker("Two current developers said the studio had rehired eight testers.", false),
            Some(Speaker::Anonymous)
        );
        // With their employer named they are somebody in particular.
        assert_ne!(
            speaker("Recruiters at Northgate Staffing said the market was cooling.", false),
            Some(Speaker::Weasel)
        );
        assert_ne!(speaker("Union leaders said the talks had stalled.", false), Some(Speaker::Weasel));
        // An office at an organisation nobody names is nobody in particular.
        assert_eq!(
            speaker("An executive at a large insurer said the cut list was final in March.", false),
            Some(Speaker::Weasel)
        );
        assert_eq!(speaker("Another says her agency's rates doubled in May.", false), Some(Speaker::Weasel));
        // Analysts are nobody in particular until the writer says where they work.
        assert_eq!(
            speaker("Analysts at Hollins Grey wrote that the cuts would save $40 million a year.", false),
            Some(Speaker::Official("Hollins Grey".into()))
        );
        assert_eq!(speaker("Analysts say the cuts would save $40 million a year.", false), Some(Speaker::Weasel));
        assert_ne!(
            speaker("Workers at the Dayton plant said the cuts came without warning.", false),
            Some(Speaker::Official("Dayton".into()))
        );
    }

    #[test]
    fn an_organisation_named_by_what_it_is_speaks_for_itself() {
        let text = "The packaged-food maker said it would consolidate the work near Columbus.";
        assert_eq!(speaker(text, false), Some(Speaker::Official("Initech".into())), "{text}");
        // A union or a public body is never the company the story is about.
        let text = "The staff union said 45 jobs would be lost.";
        assert_eq!(speaker(text, false), Some(Speaker::Official("The staff union".into())), "{text}");
    }

    #[test]
    fn unnamed_reports_name_nobody() {
        assert_eq!(
            speaker("Reports suggest that Pellucid's playtest system now covers most regression testing.", false),
            Some(Speaker::Weasel)
        );
    }

    #[test]
    fn a_company_shows_nothing_on_record() {
        assert_eq!(speaker("The Halvard layoffs show that no job is safe in 2026.", false), None);
        assert_eq!(speaker("The filing shows 412 roles cut in Ohio.", false), Some(Speaker::Document("filing".into())));
    }

    #[test]
    fn a_name_ending_in_what_publications_are_called_is_a_publication() {
        for (text, name) in [
            ("Stanchion Wire reported that the cuts reach 600.", "Stanchion Wire"),
            ("The Tribune-Post said 310 roles go.", "Tribune-Post"),
            ("According to the Tidewater Ledger, 800 roles go.", "Tidewater Ledger"),
        ] {
            assert_eq!(speaker(text, false), Some(Speaker::Outlet(name.into())), "{text}");
        }
        // A sentence's first word is capitalised whatever it is.
        assert_ne!(speaker("Daily standups were cut, the company said.", false), Some(Speaker::Outlet("Daily".into())));
    }

    #[test]
    fn a_generic_word_inside_a_name_is_part_of_the_name() {
        assert!(matches!(
            speaker("Fjellstad Markets analyst Henrik Aas called the target achievable.", false),
            Some(Speaker::Person(_))
        ));
    }

    #[test]
    fn what_a_company_is_may_stand_before_its_name() {
        assert_eq!(
            speaker("German freight forwarder Stahlfeld Logistik said on Tuesday it would cut 1,900 jobs.", false),
            Some(Speaker::Official("Stahlfeld Logistik".into()))
        );
    }

    #[test]
    fn events_and_phrasal_verbs_say_nothing() {
        assert_eq!(speaker("Kinsale Air layoffs 2026 confirm that AI is coming for office jobs first.", false), None);
        assert_eq!(speaker("Small firms buy someone to call when the IRS letter shows up.", false), None);
    }

    #[test]
    fn a_ticker_in_brackets_is_not_a_speaker() {
        assert_eq!(
            speaker("Quillon Financial Group (NYSE: QFG) said on Monday it would cut 300 jobs.", false),
            Some(Speaker::Official("Quillon Financial Group".into()))
        );
    }

    #[test]
    fn a_relative_clause_describes_the_speaker_before_it() {
        assert_eq!(
            speaker(
                "Another user, whose profile lists Vantora's Krakow office, claimed the team was asked to document every edge case.",
                false
            ),
            Some(Speaker::Social)
        );
        // Asking not to be named keeps the speaker unnamed.
        assert_eq!(
            speaker("An engineer, who asked not to be named, said the team was cut by half.", false),
            Some(Speaker::Anonymous)
        );
    }

    #[test]
    fn a_clause_before_a_colon_names_nobody() {
        assert_eq!(
            speaker("There is a new ritual in European boardrooms: announce cuts and watch the stock climb.", false),
            None
        );
    }

    #[test]
    fn any_company_at_all_is_nobody_in_particular() {
        assert_eq!(
            speaker("A company says it is replacing workers with AI, and its stock goes up.", false),
            Some(Speaker::Weasel)
        );
    }

    #[test]
    fn a_message_sent_in_by_someone_unnamed_is_relayed() {
        assert_eq!(
            speaker(
                "We got a voicemail this week from a QA tester at Sable Reach who says the team was told to train the tool.",
                false
            ),
            Some(Speaker::Hearsay)
        );
    }

    #[test]
    fn someone_who_speaks_for_nobody_posting_on_a_social_site_is_social() {
        assert_eq!(
            speaker("A former Tessaly environment artist posted on LinkedIn that her team was let go.", false),
            Some(Speaker::Social)
        );
        assert_eq!(
            speaker("Initech CEO Bill Lumbergh said in a post on LinkedIn that the cuts were final.", false),
            Some(Speaker::Official("Initech".into()))
        );
    }

    #[test]
    fn a_reporter_relaying_a_source_in_a_transcript_gives_that_source() {
        assert_eq!(
            speaker("CASTELLANOS: In a statement, Ridgeback said the move would modernize service.", false),
            Some(Speaker::Official("Ridgeback".into()))
        );
        assert_eq!(
            speaker("CASTELLANOS: Some economists warn the region could lose 600 jobs.", false),
            Some(Speaker::Weasel)
        );
        assert!(matches!(
            speaker("Dana Roe: We reduced support by 300 people in May.", false),
            Some(Speaker::Person(_))
        ));
    }

    #[test]
    fn what_tells_you_something_is_the_writers_reading() {
        assert_eq!(speaker("Which tells you exactly who the statement was written for.", false), None);
    }
}
