//! Text hygiene before labelling: what on a page is neither a claim nor a speaker. Headings, page and
//! podcast furniture (share and newsletter text, bylines, credits, related links, greetings and
//! sign-offs) are dropped; a label before a colon ("Bottom line:") and a chapter timestamp
//! ("(05:55)") are dropped and their sentence kept; a dateline ("SAN FRANCISCO, April 14 (Reuters)
//! -") and a trailing credit ("(Reuters)") leave the claim's text and name its source instead; a line
//! that continues the sentence before it is joined to it. The rules are data
//! (`config/hygiene.toml`); what is dropped is logged at debug level with the rule that dropped it.

use crate::fast_regex::MatchOnly;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Why a hygiene rule file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HygieneError {
    #[error("hygiene.toml is not valid: {0}; compare it with the copy in the project's config/ folder")]
    Toml(#[from] toml::de::Error),
    #[error("hygiene.toml: the pattern `{list}` does not compile: {source}")]
    Pattern { list: &'static str, source: regex::Error },
}

#[derive(Deserialize)]
struct HygieneFile {
    furniture: Vec<String>,
    not_furniture: Vec<String>,
    labels: Vec<String>,
    line_labels: Vec<String>,
    dateline: String,
    line_openers: String,
    dependent_tails: String,
    turn: String,
    turn_roles: String,
    furniture_turns: Vec<String>,
    item_credit: String,
    named_turn: String,
    name_line: String,
    roster_line: String,
    roster_entry: String,
    roster_headings: Vec<String>,
    page_furniture: String,
    pasted_announcement: String,
    paste_introducer: String,
    paste_not_official: String,
    email_header: String,
    statement_label: String,
    self_introduction: String,
    profile_card: String,
    submission_credit: String,
    show_intro: Vec<String>,
    unvouched_paste: String,
    link_list_heading: String,
    chat_lead_in: String,
    comment_header: String,
    forum_quote_header: String,
}

/// The compiled hygiene rules.
#[derive(Debug, Clone)]
pub struct Hygiene {
    /// Every furniture rule on its own, to name the rule that dropped a line in the debug log;
    /// compiled on first use, since only debug logging asks (the joined gate below checks syntax).
    furniture: OnceLock<Vec<Option<Regex>>>,
    /// The same rules joined into a few alternations, which is what every sentence is checked
    /// against: one pass of one automaton instead of a hundred searches, each with its own set-up.
    furniture_gate: FurnitureGate,
    furniture_sources: Vec<String>,
    /// Sentences no furniture rule drops, whatever they start with ("Cut them and the organization
    /// forgets" is advice in form and a claim in substance).
    not_furniture: Option<Regex>,
    labels: Vec<String>,
    line_labels: Vec<String>,
    dateline: Regex,
    line_openers: Regex,
    dependent_tails: Regex,
    turn: Regex,
    turn_roles: Regex,
    furniture_turns: Vec<String>,
    /// The line under a headline on a news aggregator's page or a search result ("Crestline Wire · 3
    /// hours ago"): it says whose reporting the headline above it is.
    item_credit: Regex,
    /// A line of an interview or a call opening on its speaker's full name ("Renata Okafor: We are
    /// not closing branches.", "ROBERT KINCAID, CEO, PELLWORTH FOODS: …"): that person says the line.
    named_turn: Regex,
    /// A line that is a person's full name and nothing else ("Helen Vasquez-Obi"): in a call
    /// transcript that writes its speakers so, the name opens that person's turn.
    name_line: Regex,
    /// A line of a call's list of participants ("Carl Brandvold - Chief Financial Officer"): it gives
    /// the role of the speaker whose bare name opens a turn later.
    roster_line: Regex,
    /// One person in a list of participants set out under its heading, with their role after a
    /// comma or in brackets ("Company: Marguerite Dunne, President and Chief Executive Officer; …",
    /// "Participants: Lorraine Vickery (CEO), Dmitri Oduya (CFO); …").
    roster_entry: Regex,
    /// The headings ("Company:", "Analysts:") under which `roster_entry` reads a list.
    roster_headings: Vec<String>,
    page_furniture: Regex,
    pasted_announcement: Regex,
    /// What a line says before the colon that opens a paste of a company text ("from the email SVP
    /// Mendes just sent to merch:", "memo from the CEO is in everyone's inbox. key bits:").
    paste_introducer: Regex,
    paste_not_official: Regex,
    email_header: Regex,
    statement_label: Regex,
    self_introduction: Regex,
    unvouched_paste: Regex,
    /// The first line of an author's card above a copied post ("Derek Vann • 2nd").
    profile_card: Regex,
    /// The line under a link's title on a link aggregator ("312 points by rkessler 6 hours ago").
    submission_credit: Regex,
    /// On show notes, sentences about the episode rather than the news (see the config).
    show_intro: regex::RegexSet,
    /// A heading over a list of links or sources ("Links mentioned", "SHOW LINKS"): the list's items
    /// are titles of pages, not claims.
    link_list_heading: Regex,
    /// A chat line's lead-in before a colon that frames what follows ("URW Local 77 update:", "To
    /// clarify a few questions:", "for anyone affected:"): no part of the claim.
    chat_lead_in: Regex,
    /// A comment's header on a forum page copied whole ("• 8h ago", "wrenfield 5 hours ago [–]").
    comment_header: Regex,
    /// The line over a forum's quotation of an earlier post ("Originally Posted by RustyGasket").
    forum_quote_header: Regex,
}

/// A document's text after hygiene, with the credit its dateline named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The text in runs of lines, each said by the transcript speaker whose turn it is, if any.
    pub blocks: Vec<Block>,
    /// The outlet a dateline credits ("Reuters" from "LONDON (Reuters) -"), if any.
    pub credit: Option<String>,
}

/// Lines of text and, in a transcript, who says them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    pub turn: Option<Turn>,
    pub text: String,
}

/// A speaker's turn in a transcript: "Mirela Stanchev -- Chief Executive Officer".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub name: String,
    pub role: String,
}

impl Cleaned {
    /// All the text, turns left out.
    pub fn text(&self) -> String {
        self.blocks.iter().map(|b| b.text.as_str()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n")
    }
}

/// The furniture rules joined by how they are anchored. Rules anchored at the start share one
/// anchored automaton that gives up at a sentence's first unfamiliar word; the rest share one that
/// scans; rules anchored at both ends also form the check for whole lines (any other rule could
/// drop a paragraph for one sentence in it). The whole-line rules are a pattern of their own inside
/// the anchored automaton rather than a second automaton, so they are compiled once.
#[derive(Debug, Clone)]
struct FurnitureGate {
    anchored: Option<MatchOnly>,
    /// The anchored automaton's pattern that holds the rules anchored at both ends, if any.
    whole_line: Option<usize>,
    floating: Option<MatchOnly>,
}

impl FurnitureGate {
    fn new(patterns: &[String], ci: &dyn Fn(&str) -> String) -> Result<Self, regex::Error> {
        let join = |parts: &[&str], prefix: &str| -> Option<String> {
            let body = parts.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|");
            (!parts.is_empty()).then(|| ci(&format!("{prefix}(?:{body})")))
        };
        let compile = |joined: &[String]| -> Result<Option<MatchOnly>, regex::Error> {
            if joined.is_empty() {
                return Ok(None);
            }
            let joined: Vec<&str> = joined.iter().map(String::as_str).collect();
            // Patterns get more room than the default: the joined rules are one large automaton.
            MatchOnly::new_many(&joined, 64 << 20, 16 << 20).map(Some)
        };
        let is_whole_line = |rest: &str| rest.ends_with('$') && !rest.ends_with("\\$");
        let (whole_line, sentence_only): (Vec<&str>, Vec<&str>) =
            patterns.iter().filter_map(|p| anchored_rest(p)).partition(|rest| is_whole_line(rest));
        let floating: Vec<&str> = patterns.iter().filter(|p| anchored_rest(p).is_none()).map(String::as_str).collect();
        let anchored: Vec<String> = [join(&sentence_only, "^"), join(&whole_line, "^")].into_iter().flatten().collect();
        Ok(Self {
            anchored: compile(&anchored)?,
            whole_line: (!whole_line.is_empty()).then_some(anchored.len() - 1),
            floating: compile(join(&floating, "").as_slice())?,
        })
    }

    /// Whether any rule matches a sentence.
    fn is_match(&self, text: &str) -> bool {
        self.anchored.as_ref().is_some_and(|r| r.is_match(text))
            || self.floating.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// Whether a rule anchored at both ends matches a whole line.
    fn is_whole_line(&self, line: &str) -> bool {
        match (&self.anchored, self.whole_line) {
            (Some(anchored), Some(index)) => anchored.is_match_one(index, line),
            _ => false,
        }
    }
}

/// A pattern anchored at the start, without its `^`; `None` for a pattern that may match anywhere.
fn anchored_rest(pattern: &str) -> Option<&str> {
    pattern.strip_prefix('^').filter(|rest| !has_top_level_alternation(rest))
}

/// Whether a pattern has a `|` outside any group or class ("^a|b" is anchored on one side only).
fn has_top_level_alternation(pattern: &str) -> bool {
    let (mut depth, mut class, mut escaped) = (0usize, false, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => depth = depth.saturating_sub(1),
            '|' if !class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// What kind of text is cleaned: articles have headings and datelines, chat messages do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Article,
    Message,
}

/// Longest a line without closing punctuation may be and still read as a heading, in words.
const HEADING_WORDS: usize = 14;

/// A rule made case-insensitive, with ASCII word boundaries: a Unicode one makes the regex engine
/// fall back to its slowest matcher on any non-ASCII text, and these rules run on every line and
/// sentence.
fn ci(pattern: &str) -> String {
    format!("(?i){}", pattern.replace(r"\b", r"(?-u:\b)"))
}

/// One rule of the file, compiled; a rule that does not compile names its list.
fn compile(list: &'static str, pattern: &str) -> Result<Regex, HygieneError> {
    Regex::new(pattern).map_err(|source| HygieneError::Pattern { list, source })
}

impl Hygiene {
    pub fn from_toml(text: &str) -> Result<Self, HygieneError> {
        let file: HygieneFile = toml::from_str(text)?;
        let furniture_gate = FurnitureGate::new(&file.furniture, &ci)
            .map_err(|source| HygieneError::Pattern { list: "furniture", source })?;
        let lower = |v: Vec<String>| -> Vec<String> {
            let mut v: Vec<String> = v.into_iter().map(|l| l.to_lowercase().replace('’', "'")).collect();
            v.sort_by_key(|l| std::cmp::Reverse(l.len()));
            v
        };
        Ok(Self {
            furniture: OnceLock::new(),
            furniture_gate,
            furniture_sources: file.furniture,
            not_furniture: (!file.not_furniture.is_empty())
                .then(|| Regex::new(&ci(&format!("(?:{})", file.not_furniture.join(")|(?:")))))
                .transpose()
                .map_err(|source| HygieneError::Pattern { list: "not_furniture", source })?,
            labels: lower(file.labels),
            line_labels: lower(file.line_labels),
            dateline: compile("dateline", &file.dateline)?,
            line_openers: compile("line_openers", &file.line_openers)?,
            dependent_tails: compile("dependent_tails", &ci(&file.dependent_tails))?,
            turn: compile("turn", &file.turn)?,
            turn_roles: compile("turn_roles", &file.turn_roles)?,
            furniture_turns: lower(file.furniture_turns),
            item_credit: compile("item_credit", &file.item_credit)?,
            named_turn: compile("named_turn", &file.named_turn)?,
            name_line: compile("name_line", &file.name_line)?,
            roster_line: compile("roster_line", &file.roster_line)?,
            roster_entry: compile("roster_entry", &file.roster_entry)?,
            roster_headings: lower(file.roster_headings),
            page_furniture: compile("page_furniture", &ci(&file.page_furniture))?,
            pasted_announcement: compile("pasted_announcement", &ci(&file.pasted_announcement))?,
            paste_introducer: compile("paste_introducer", &ci(&file.paste_introducer))?,
            paste_not_official: compile("paste_not_official", &ci(&file.paste_not_official))?,
            email_header: compile("email_header", &ci(&file.email_header))?,
            statement_label: compile("statement_label", &ci(&file.statement_label))?,
            self_introduction: compile("self_introduction", &ci(&file.self_introduction))?,
            profile_card: compile("profile_card", &file.profile_card)?,
            submission_credit: compile("submission_credit", &ci(&file.submission_credit))?,
            show_intro: regex::RegexSet::new(file.show_intro.iter().map(|p| ci(p)))
                .map_err(|source| HygieneError::Pattern { list: "show_intro", source })?,
            unvouched_paste: compile("unvouched_paste", &ci(&file.unvouched_paste))?,
            link_list_heading: compile("link_list_heading", &ci(&file.link_list_heading))?,
            chat_lead_in: compile("chat_lead_in", &ci(&file.chat_lead_in))?,
            comment_header: compile("comment_header", &ci(&file.comment_header))?,
            forum_quote_header: compile("forum_quote_header", &ci(&file.forum_quote_header))?,
        })
    }

    /// The people a call transcript names alone on a line to open their turns, with the role its list
    /// of participants gives each ("" when it gives none). Only a talk counts: an operator's or a
    /// moderator's turn, or a list of participants, and two speakers or more. A name counts when it
    /// stands alone on two lines, or on one and in the list; a heading in title case does neither.
    fn speakers_named_alone(&self, text: &str) -> HashMap<String, String> {
        // Most pages are no call: a word every such transcript holds is looked for before its lines.
        if !["perator", "oderator", "articipants"].iter().any(|w| text.contains(w)) {
            return HashMap::new();
        }
        let mut alone: HashMap<&str, usize> = HashMap::new();
        let mut roster: HashMap<&str, &str> = HashMap::new();
        let mut chaired = false;
        for line in text.lines().map(str::trim) {
            if self.name_line.is_match(line) {
                *alone.entry(line).or_default() += 1;
            } else if let Some(c) = self.roster_line.captures(line)
                && let (Some(name), Some(role)) = (c.name("name"), c.name("role"))
            {
                roster.insert(name.as_str(), role.as_str().trim());
            } else if self.furniture_turns.iter().any(|t| line.eq_ignore_ascii_case(t)) {
                chaired = true;
            }
        }
        let names: HashMap<String, String> = alone
            .into_iter()
            .filter(|(name, n)| *n >= 2 || roster.contains_key(name))
            .map(|(name, _)| (name.to_string(), roster.get(name).copied().unwrap_or_default().to_string()))
            .collect();
        if names.len() >= 2 && (chaired || roster.len() >= 2) { names } else { HashMap::new() }
    }

    /// The roles a talk's list of participants gives its speakers, by lower-cased name, so a label
    /// without a role ("TOMASZ EBERLE:") still tells an executive from an analyst: one a line
    /// ("Rhea Lindqvist — Chief Executive Officer") or several to a line after a heading and
    /// between semicolons ("Corporate: Rhea Lindqvist — Chief Executive Officer; Tomasz Eberle — …").
    fn roster(&self, text: &str) -> HashMap<String, String> {
        text.lines().filter_map(|line| self.roster_entries(line)).flatten().collect()
    }

    /// The people a line of a list of participants names, with their roles, by lower-cased name:
    /// `None` unless every part of the line between semicolons names one.
    fn roster_entries(&self, line: &str) -> Option<Vec<(String, String)>> {
        let head = line.split_once(':').filter(|(head, _)| head.split_whitespace().count() <= 3);
        let list = head.map_or(line, |(_, rest)| rest);
        let dashed = line.contains(['-', '–', '—']).then(|| {
            list.split(';')
                .map(|part| {
                    let c = self.roster_line.captures(part.trim())?;
                    Some((c.name("name")?.as_str().to_lowercase(), c.name("role")?.as_str().trim().to_string()))
                })
                .collect::<Option<Vec<_>>>()
        });
        if let Some(Some(people)) = dashed {
            return Some(people);
        }
        // Roles after a comma or in brackets are a list only under a heading that says so.
        let (heading, _) = head?;
        if !self.roster_headings.contains(&heading.trim().to_lowercase()) {
            return None;
        }
        let mut people = Vec::new();
        for part in list.split(';') {
            // "analysts Ben Castellan (Aldous Brothers) and …": a group's word before its names.
            let part = part.trim_start().trim_start_matches(|c: char| c.is_lowercase() || c == ' ');
            let before = people.len();
            for c in self.roster_entry.captures_iter(part) {
                let role = c.name("role").or_else(|| c.name("after_comma"))?;
                people.push((c.name("name")?.as_str().to_lowercase(), role.as_str().trim().to_string()));
            }
            if people.len() == before {
                return None;
            }
        }
        Some(people)
    }

    /// Whether a line opens on a label that ends a speaker's turn: one in capitals ("OPERATOR:",
    /// "PLATT (voice-over):"), another person's name ("Bill Haverty: Will tellers be affected?") or
    /// one of the page's own ("Key Takeaway:"), not a clause of what the speaker says ("Our two
    /// priorities for 2026: growth and cost").
    fn is_other_label(&self, line: &str) -> bool {
        let Some((label, _)) = line.split_once(": ") else { return false };
        let label = label.split('(').next().unwrap_or_default().trim();
        let capitals = label.len() >= 2
            && label.split_whitespace().count() <= 6
            && label.chars().any(char::is_alphabetic)
            && !label.chars().any(char::is_lowercase);
        capitals
            || self.named_turn.is_match(line)
            || self.without_label(line).is_none_or(|kept| kept.len() < line.len())
    }

    /// The speaker a line's label names, with what they say: a full name used as a label more than
    /// once, or in capitals with a role ("TOMASZ EBERLE: …", "MAYA ODUNSI, RESERVATIONS AGENT: …"),
    /// or the surname alone of one such speaker ("PLATT: …", "BRENNER (voice-over): …").
    fn named_speaker(
        &self,
        line: &str,
        named_turns: &HashMap<String, (usize, String)>,
        surnames: &HashMap<String, String>,
    ) -> Option<(Turn, String)> {
        let turn_of = |name: &str| {
            named_turns
                .get(name)
                .filter(|(n, _)| *n >= 2)
                .map(|(_, role)| Turn { name: name.to_string(), role: role.clone() })
        };
        if let Some(c) = self.named_turn.captures(line)
            && let (Some(name), Some(rest)) = (c.name("name"), c.name("rest"))
            && let Some(mut speaker) = turn_of(name.as_str().trim())
        {
            if let Some(role) = c.name("role") {
                speaker.role = role.as_str().trim().to_string();
            }
            return Some((speaker, rest.as_str().to_string()));
        }
        let (label, rest) = line.split_once(':')?;
        let label = label.split('(').next()?.trim();
        let rest = rest.trim();
        let caps = label.len() >= 2 && label.chars().all(|c| c.is_uppercase() || matches!(c, '-' | '\'' | '’'));
        if !caps || rest.is_empty() {
            return None;
        }
        let speaker = turn_of(surnames.get(&label.to_lowercase())?)?;
        Some((speaker, rest.to_string()))
    }

    /// `line` without the dateline that opens it, if any.
    pub fn without_dateline<'l>(&self, line: &'l str) -> &'l str {
        self.dateline.find(line).map_or(line, |m| &line[m.end()..])
    }

    /// A forum page's text cut into its posts at each comment header, which opens the post after it.
    pub fn posts<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut posts = Vec::new();
        let mut start = 0;
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if at > start && self.comment_header.is_match(line.trim()) {
                posts.push(&text[start..at]);
                start = at;
            }
            at += line.len();
        }
        posts.push(&text[start..]);
        posts
    }

    /// Cleans a document's plain text line by line.
    pub fn clean(&self, text: &str, kind: Kind) -> Cleaned {
        let unfenced = without_code_blocks(text);
        let text = unfenced.as_ref();
        let text = if kind == Kind::Message { self.without_profile_header(text) } else { text };
        let mut blocks: Vec<Block> = Vec::new();
        let mut lines: Vec<String> = Vec::new();
        let mut turn: Option<Turn> = None;
        let mut furniture_turn = false;
        let mut credit = None;
        // A full name opens the turns of a talk written down when the same name opens several lines;
        // a label such as "Key Facts:" or "Media Contact:" opens one.
        let mut named_turns: HashMap<String, (usize, String)> = HashMap::new();
        // Names in capitals labelled with a role in capitals, as broadcast transcripts write them.
        let mut captioned: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut spoken_names: HashMap<String, String> = HashMap::new();
        if kind == Kind::Article {
            for line in text.lines().filter(|l| opens_on_a_label(l)) {
                if let Some(c) = self.named_turn.captures(line.trim())
                    && let Some(name) = c.name("name")
                {
                    // "Celia Marchetti, Senior Director, Investor Relations: Thank you." speaks once
                    // in a call, and her role says she is a speaker, not a heading.
                    // A name in capitals with a role after it ("MAYA ODUNSI, RESERVATIONS AGENT:") is
                    // how broadcast transcripts label a speaker.
                    // It counts once there are two such speakers, so a kicker ("TOP STORY, PART 2:")
                    // or a dateline ("NEW YORK, May 7:") alone is none.
                    let titled = c.name("role").is_some_and(|r| self.turn_roles.is_match(r.as_str()));
                    let role = c.name("role").map_or("", |r| r.as_str().trim());
                    if !titled
                        && !role.is_empty()
                        && !name.as_str().chars().any(char::is_lowercase)
                        && !role.chars().any(|c| c.is_lowercase() || c.is_ascii_digit())
                    {
                        captioned.insert(name.as_str().to_string());
                    }
                    let entry = named_turns.entry(name.as_str().to_string()).or_insert((0, String::new()));
                    entry.0 += if titled { 2 } else { 1 };
                    if entry.1.is_empty() {
                        entry.1 = role.to_string();
                    }
                }
            }
            if captioned.len() >= 2 {
                for name in &captioned {
                    if let Some(entry) = named_turns.get_mut(name) {
                        entry.0 += 1;
                    }
                }
            }
            spoken_names = self.speakers_named_alone(text);
            if !named_turns.is_empty() {
                let roster = self.roster(text);
                // A name on the list of participants is a speaker the first time it labels a line.
                for (name, (uses, role)) in named_turns.iter_mut() {
                    if let Some(listed) = roster.get(&name.to_lowercase()) {
                        *uses += 1;
                        if role.is_empty() {
                            role.clone_from(listed);
                        }
                    }
                }
            }
        }
        // A headline dropped just before, which an aggregator's credit line under it may bring back,
        // and the outlet an app names in capitals above its headline ("THE STACKLINE").
        let mut headline: Option<String> = None;
        let mut caps_outlet: Option<String> = None;
        let mut pasted_quote = false;
        let linked_snippet = kind == Kind::Message && (text.contains("https://") || text.contains("http://"));
        let mut first_line = true;
        let mut link_list = false;
        let (all, paragraph_opens) = joined_lines(text, kind, |line| self.furniture_gate.is_whole_line(line));
        // A talk's speaker named at the start of a line ("RHEA LINDQVIST: Thanks, Anita.") goes on
        // speaking on the lines after it until a blank line, a heading or another label; `outer`
        // keeps the turn that was running before theirs.
        let mut outer: Option<(Option<Turn>, bool)> = None;
        let surnames = spoken_surnames(&named_turns);
        // A forum's quotation of an earlier post, under "Originally Posted by …", runs to the end of
        // its paragraph; it was said where it was posted.
        let mut forum_quote = false;
        // A work app's post on behalf of a team ("Workflows posted on behalf of Amberline HR") has a
        // subject line under that one, as an email has.
        let mut subject_next = false;
        for (n, raw) in all.iter().enumerate() {
            let mut line = raw.clone();
            if kind == Kind::Message && std::mem::take(&mut subject_next) && !ends_a_sentence(&line) {
                tracing::debug!(line = %line, "Dropped the subject line of a post made on someone's behalf.");
                continue;
            }
            if kind == Kind::Message && n == 0 && posted_on_behalf_of(&line).is_some() {
                subject_next = true;
            }
            // A forum signature: everything under its rule ("__________") is the poster's card.
            if line.len() >= 5 && line.chars().all(|c| c == '_') {
                tracing::debug!("Dropped a forum signature.");
                break;
            }
            // The quotation ends at its paragraph's end, or where the page's chrome resumes.
            forum_quote &= !paragraph_opens[n] && !self.furniture_gate.is_whole_line(&line);
            if forum_quote {
                tracing::debug!(line = %line, "Dropped a forum's quotation of an earlier post.");
                continue;
            }
            if self.forum_quote_header.is_match(line.trim()) {
                forum_quote = true;
                continue;
            }
            if outer.is_some()
                && (paragraph_opens[n] || self.is_other_label(&line) || is_heading(&line) || is_stamp_line(&line))
                && let Some((before, furniture_before)) = outer.take()
            {
                blocks.push(Block {
                    turn: std::mem::replace(&mut turn, before),
                    text: std::mem::take(&mut lines).join("\n"),
                });
                furniture_turn = furniture_before;
            }
            // "Initech cuts 300 support jobs (news.example)" over "312 points by rkessler 6 hours ago":
            // a link's submission title repeats the page's headline.
            if kind == Kind::Message && all.get(n + 1).is_some_and(|next| self.submission_credit.is_match(next)) {
                tracing::debug!(line = %line, "Dropped a submission's title.");
                continue;
            }
            if line.is_empty() {
                continue;
            }
            // A page's own labels ("Key Takeaway: …") are furniture, not speakers.
            // "[03:30] RHEA LINDQVIST: …": a chapter mark may stand before the label.
            let labelled = self.without_opener(&line).unwrap_or(&line);
            if kind == Kind::Article
                && !named_turns.is_empty()
                && self.without_label(labelled).is_some_and(|kept| kept.len() == labelled.len())
                && let Some((speaker, rest)) = self.named_speaker(labelled, &named_turns, &surnames)
            {
                // The line is said by the person it names, and so are the lines after it in its
                // paragraph; the lines around them keep their own speaker. What they say still
                // passes the furniture rules ("Thank you, operator.").
                blocks.push(Block { turn: turn.clone(), text: std::mem::take(&mut lines).join("\n") });
                if outer.is_none() {
                    outer = Some((turn.take(), furniture_turn));
                }
                furniture_turn = false;
                turn = Some(speaker);
                line = rest;
            }
            // "Links mentioned / • Tollhaven Bancorp Form 8-K (May 7, 2026) / • Cordwain Markets: …":
            // the items of a list of links are the titles of the pages linked.
            // An item that is a whole sentence ("Globex cut 300 jobs (Ledger).") is a claim the
            // list reports.
            let item = line.trim_start().starts_with(['•', '-', '*', '·']);
            if link_list && item {
                let sentence = line.trim_end_matches(['"', '”', '’', '\'', ' ']).ends_with(['.', '!', '?']);
                if !sentence {
                    tracing::debug!(line = %line, "Dropped an item of a list of links.");
                    continue;
                }
            } else {
                link_list = self.link_list_heading.is_match(line.trim().trim_matches(['*', '#', '_', ' ']));
            }
            let last_headline = headline.take();
            let outlet_above = caps_outlet.take();
            // "THE STACKLINE / Quillfeather cuts 640 jobs / 2d ago": the age line credits the headline
            // to the outlet above it; an opinion or analysis section leaves it the writer's view.
            if kind == Kind::Article && is_age(&line) {
                match (last_headline, outlet_above) {
                    (Some(h), Some(outlet)) => {
                        let section = outlet.to_lowercase();
                        let view = ["opinion", "analysis", "commentary", "column"].iter().any(|v| section.contains(v));
                        let name = outlet.split('·').next().unwrap_or_default().trim();
                        lines.push(if view { h } else { format!("{h} (via {})", title_case(name)) });
                    }
                    (Some(h), None) => lines.push(h),
                    _ => {}
                }
                continue;
            }
            // "Headline / Freight broker X said on Wednesday it would eliminate 900 jobs. The cuts…
            // / Lanyard News Service · 7d": a search page's snippet stands between a headline and its
            // credit, and does not part them.
            if kind == Kind::Article && last_headline.is_some() && line.trim_end().ends_with(['…']) {
                headline = last_headline.clone();
                caps_outlet = outlet_above.clone();
            }
            // "Meridian Wire · 1 hour ago" under a news bot's headline in chat: the post's link is
            // its source, and the credit line states nothing.
            if kind != Kind::Article && line.contains(['·', '•', '|']) && self.item_credit.is_match(line.trim()) {
                tracing::debug!(line = %line, "Dropped a news item's credit line in a chat post.");
                continue;
            }
            if kind == Kind::Article
                && line.contains(['·', '•', '|'])
                && let Some(c) = self.item_credit.captures(&line)
            {
                // "Headline / Crestline Wire · 3 hours ago": the headline is that outlet's report, and
                // an opinion column's headline is its writer's view, judged on its words.
                if let (Some(h), Some(outlet)) = (last_headline, c.name("outlet")) {
                    let outlet = outlet.as_str().trim();
                    lines.push(if c.name("opinion").is_some() { h } else { format!("{h} (via {outlet})") });
                }
                tracing::debug!(line = %line, "An aggregator's credit line names the outlet of the headline above it.");
                continue;
            }
            // "Corporate: Rhea Lindqvist — Chief Executive Officer; Tomasz Eberle — …" lists who
            // speaks in the talk below it.
            if kind == Kind::Article
                && !named_turns.is_empty()
                && line.contains(';')
                && self.roster_entries(&line).is_some_and(|people| people.len() >= 2)
            {
                tracing::debug!(line = %line, "Dropped a line of a talk's list of participants.");
                continue;
            }
            if kind == Kind::Article && !spoken_names.is_empty() {
                let alone = line.trim();
                if let Some(role) = spoken_names.get(alone) {
                    blocks.push(Block { turn: turn.take(), text: std::mem::take(&mut lines).join("\n") });
                    furniture_turn = false;
                    turn = Some(Turn { name: alone.to_string(), role: role.clone() });
                    tracing::debug!(line = %line, "A speaker's name alone opens their turn.");
                    continue;
                }
                if self
                    .roster_line
                    .captures(alone)
                    .and_then(|c| c.name("name"))
                    .is_some_and(|n| spoken_names.contains_key(n.as_str()))
                {
                    tracing::debug!(line = %line, "Dropped a line of a call's list of participants.");
                    continue;
                }
            }
            if kind == Kind::Article {
                let bare = line.trim_matches(['*', '_', ':', ' ']).to_lowercase();
                let named = self
                    .turn
                    .captures(&line)
                    .and_then(|c| Some((c.name("name")?, c.name("role")?)))
                    .filter(|(_, role)| self.turn_roles.is_match(role.as_str()))
                    // "By Garrison Tull – Senior Reporter, …" is a byline, not a turn of a talk.
                    .filter(|(name, _)| !name.as_str().starts_with("By "));
                if self.furniture_turns.contains(&bare) || named.is_some() {
                    blocks.push(Block { turn: turn.take(), text: std::mem::take(&mut lines).join("\n") });
                    outer = None;
                    furniture_turn = named.is_none();
                    turn =
                        named.map(|(n, r)| Turn { name: n.as_str().to_string(), role: r.as_str().trim().to_string() });
                    tracing::debug!(line = %line, "A transcript turn names the speaker of the lines after it.");
                    continue;
                }
                if furniture_turn {
                    tracing::debug!(line = %line, "Dropped a line of call furniture.");
                    continue;
                }
            }
            if kind == Kind::Article
                && let Some(m) = self.dateline.captures(&line)
            {
                let name = m.name("credit").or_else(|| m.name("credit2")).map(|c| c.as_str().trim().to_string());
                if name.is_some()
                    || m.get(0).is_some_and(|d| d.as_str().chars().filter(|c| c.is_uppercase()).count() > 2)
                {
                    credit = credit.or(name);
                    let end = m.get(0).map_or(0, |d| d.end());
                    tracing::debug!(dateline = %&line[..end], "Dateline moved out of the claim text.");
                    line = line[end..].to_string();
                }
            }
            // "from the email SVP Mendes just sent:" introduces a paste and says nothing itself.
            if kind == Kind::Message && self.after_paste_introducer(&line).is_some_and(str::is_empty) {
                tracing::debug!(line = %line, "Dropped the line introducing a paste.");
                pasted_quote = true;
                continue;
            }
            // "> Your position will be eliminated …" under that line is the paste, and under a
            // headline with its link, the linked page's snippet: not a reply's quotation of an earlier
            // message, which opens the reply.
            match line.trim_start().strip_prefix('>') {
                Some(quoted) if pasted_quote || linked_snippet && !first_line => line = quoted.trim_start().to_string(),
                _ => pasted_quote = false,
            }
            first_line = false;
            if let Some(rest) = self.without_opener(&line) {
                tracing::debug!(line = %line, "A chapter timestamp or an aside moved out of the line.");
                line = rest.to_string();
            }
            if kind == Kind::Article && self.page_furniture.is_match(&line) {
                tracing::debug!(line = %line, "Dropped a scraped page's submission title.");
                continue;
            }
            if self.furniture_gate.is_whole_line(&line) && !self.is_exempt(&line) {
                let rule = || self.furniture_rule(&line).unwrap_or_default();
                tracing::debug!(line = %line, rule = rule(), "Dropped page furniture before labelling.");
                // "Raccoon River Courier", a name alone on its line, may be the outlet of the
                // headline under it.
                if kind == Kind::Article && is_outlet_name(&line) {
                    caps_outlet = Some(line);
                }
                continue;
            }
            let Some(kept) = self.without_label(&line) else {
                tracing::debug!(line = %line, "Dropped a labelled line that is no claim.");
                continue;
            };
            let mut line = kept.to_string();
            if kind == Kind::Message
                && let Some(lead) = self.chat_lead_in.find(&line)
                && line[lead.end()..].split_whitespace().count() >= 4
                && !names_its_source(lead.as_str())
            {
                tracing::debug!(line = %line, "Dropped a chat line's lead-in before its colon.");
                line = line[lead.end()..].to_string();
            }
            if kind == Kind::Article && is_heading(&line) {
                tracing::debug!(line = %line, "Dropped a heading before labelling.");
                if is_caps_name(&line) {
                    caps_outlet = Some(line);
                } else {
                    // "Kernelwatch / Orrin Labs raises at $3 billion / 15 hours ago": a name set over a
                    // headline is its outlet, as a name in capitals is.
                    caps_outlet = last_headline.filter(|h| is_outlet_name(h)).or(outlet_above);
                    headline = Some(line);
                }
                continue;
            }
            lines.push(line);
        }
        blocks.push(Block { turn, text: lines.join("\n") });
        blocks.retain(|b| !b.text.is_empty());
        Cleaned { blocks, credit }
    }

    /// A post copied from a social or forum page opens on its author's card: a name, perhaps with how
    /// the reader is connected ("Derek Vann • 2nd") or an anonymous handle ("Kilnworth · qLp7z"), then a
    /// headline and an age ("President & CEO at Halvorsen Mutual", "1d • 🌐"), none of it a sentence.
    /// The card, up to the first blank line, is no part of what the post says.
    fn without_profile_header<'t>(&self, text: &'t str) -> &'t str {
        self.opening_card(text).map_or(text, |(_, rest)| rest)
    }

    /// The card a copied post opens with (see [`Hygiene::without_profile_header`]) and the post after it.
    fn opening_card<'t>(&self, text: &'t str) -> Option<(&'t str, &'t str)> {
        let (card, rest) = text.trim_start().split_once("\n\n")?;
        let lines: Vec<&str> = card.lines().map(str::trim).collect();
        // "Docket & Brief Weekly / 12,400 followers / 5d": a page's card says how many follow it.
        let followers =
            |l: &&str| l.strip_suffix(" followers").is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        let is_card = (lines.first().is_some_and(|l| self.profile_card.is_match(l))
            || lines.get(1).is_some_and(followers))
            && lines.len() <= 4
            && lines.iter().all(|l| !l.ends_with(['.', '!', '?', ':']));
        is_card.then_some((card, rest))
    }

    /// Who a copied social post's author says they are, and where the card saying so ends: the
    /// headline on the card the post opens with ("CEO at Tavira | Building the autonomous supply
    /// chain" under "Gideon Strand • 2nd"), or after the name on a one-line card ("Helen Ashcombe •
    /// Managing Partner at Ashcombe & Reyes LLP").
    pub fn profile_headline<'t>(&self, text: &'t str) -> Option<(&'t str, usize)> {
        let body = text.trim_start();
        let opened = text.len() - body.len();
        let first = body.lines().next()?.trim();
        let headline = |line: &'t str| (line.contains(" at ") && !line.ends_with(['.', '!', '?', ':'])).then_some(line);
        // An X card ("Dana Wu @danawu · 3h") has the post itself on the next line.
        if self.profile_card.is_match(first) && !first.contains('@') {
            let (card, _) = self.opening_card(text)?;
            return card.lines().skip(1).map(str::trim).find_map(headline).map(|h| (h, opened + card.len()));
        }
        let (name, rest) = first.split_once(" • ").or_else(|| first.split_once(" · "))?;
        (self.profile_card.is_match(name.trim()) && body.lines().nth(1).is_some())
            .then(|| headline(rest.trim()))
            .flatten()
            .map(|h| (h, opened + first.len()))
    }

    /// Whether a sentence of a podcast's show notes is about the episode (who joins whom, a guest's
    /// bio, where to listen, a sponsor read) rather than the news it covers.
    pub fn is_show_intro(&self, sentence: &str) -> bool {
        self.show_intro.is_match(sentence.trim())
    }

    /// The byte ranges of a chat message that paste a company's own text, which the poster does not
    /// disown: the whole message when its first line says it pastes an announcement; otherwise what
    /// follows a line introducing a company text and ending on a colon ("from the email SVP Mendes
    /// just sent to merch:"), the quoted lines ("> …") just under it or everything after it, or a
    /// quotation right after such a colon on the same line. The poster's own lines before the paste,
    /// and after a quotation closes, stay theirs.
    pub fn pasted_spans(&self, message: &str) -> Vec<(usize, usize)> {
        let mut opening = message.lines().filter(|l| !l.trim().is_empty()).map(str::trim);
        let first = opening.next().unwrap_or_default();
        // A work app names itself on the first line ("Workflows") and the announcement on the next.
        // So does a forwarded post ("Forwarded from Brenmoor Colleague Updates", then "A message from
        // our COO, …").
        let forwarded = first.to_lowercase().starts_with("forwarded");
        let second =
            opening.next().filter(|_| forwarded || !first.contains(char::is_whitespace) && !first.contains(':'));
        if [Some(first), second]
            .into_iter()
            .flatten()
            .any(|line| self.pasted_announcement.is_match(line) && !self.unvouched_paste.is_match(line))
        {
            return vec![(0, message.len())];
        }
        if let Some(span) = self.pasted_email(message) {
            return vec![span];
        }
        let mut spans = Vec::new();
        let mut offset = 0;
        let lines: Vec<&str> = message.split_inclusive('\n').collect();
        // A quotation opening at `open` runs to its closing mark, or to the end of the message.
        let width = |at: usize| message[at..].chars().next().map_or(1, char::len_utf8);
        let quotation = |open: usize| {
            let body = open + width(open);
            let close = message[body..].find(['"', '”']).map_or(message.len(), |c| body + c + width(body + c));
            (open, close)
        };
        for (n, line) in lines.iter().enumerate() {
            let start = offset;
            offset += line.len();
            // A letter's salutation ("\"Dear Contributor, …") opens a paste of the letter.
            let opening = line.trim_start().trim_start_matches(['"', '“']);
            if opening.starts_with("Dear ") && opening[5..].starts_with(char::is_uppercase) && opening.contains(',') {
                let at = start + (line.len() - line.trim_start().len());
                spans.push(if line.trim_start().starts_with(['"', '“']) {
                    quotation(at)
                } else {
                    (at, message.len())
                });
                continue;
            }
            // "RDSU statement: we are seeking urgent talks …": the statement runs on after its label.
            if let Some((label, rest)) = line.split_once(':')
                && self.statement_label.is_match(label)
                && !rest.trim().is_empty()
                && !rest.trim_start().starts_with(['"', '“'])
                && !self.paste_not_official.is_match(label)
            {
                spans.push((start + label.len() + 1, message.len()));
                break;
            }
            let Some(rest) = self.after_paste_introducer(line) else { continue };
            let next = lines[n + 1..].iter().find(|l| !l.trim().is_empty()).map_or("", |l| l.trim());
            // A pasted post that opens on its author's handle ("@frontrange_vc: …") is a social post.
            let first = if rest.is_empty() { next } else { rest };
            if first.trim_start_matches(['"', '“', '>', ' ']).starts_with('@') {
                continue;
            }
            if rest.starts_with(['"', '“']) {
                // `rest` is a slice of `line`: its offset there is where the quotation opens.
                spans.push(quotation(start + (rest.as_ptr() as usize - line.as_ptr() as usize)));
            } else {
                let blank: usize = lines[n + 1..].iter().take_while(|l| l.trim().is_empty()).map(|l| l.len()).sum();
                let from = offset + blank;
                if next.starts_with(['"', '“']) {
                    spans.push(quotation(from + message[from..].find(['"', '“']).unwrap_or(0)));
                } else if next.starts_with('>') {
                    let quoted: usize = lines[n + 1..]
                        .iter()
                        .skip_while(|l| l.trim().is_empty())
                        .take_while(|l| l.trim_start().starts_with('>'))
                        .map(|l| l.len())
                        .sum();
                    spans.push((from, from + quoted));
                } else {
                    spans.push((from, message.len()));
                }
            }
        }
        spans
    }

    /// Whom a message's poster says, as it opens, they speak for ("Lou here from CWA", "Oskar Held
    /// here, CEO of Tessary"): the words after "here" or "from", for the lexicon to judge.
    pub fn self_introduced<'m>(&self, message: &'m str) -> Option<&'m str> {
        let first = message.lines().find(|l| !l.trim().is_empty())?.trim();
        let caps = self.self_introduction.captures(first)?;
        // "Heard from a director …" and "CFP here, not your CFP" introduce nobody.
        let name = caps.name("name")?.as_str().to_lowercase();
        if matches!(name.as_str(), "heard" | "got" | "came" | "back" | "straight" | "word" | "news" | "just" | "fresh")
        {
            return None;
        }
        let tag = caps.name("here").or_else(|| caps.name("from"))?.as_str();
        (!tag.starts_with("not ")).then_some(tag)
    }

    /// Where a pasted email runs: from a "From:" line with another header line ("Sent:", "To:",
    /// "Subject:") among the three under it, to the end of the message, or, when it is quoted line by
    /// line ("> From: …"), to the end of the quotation.
    fn pasted_email(&self, message: &str) -> Option<(usize, usize)> {
        let lines: Vec<(usize, &str)> = message
            .split_inclusive('\n')
            .scan(0, |at, line| {
                let start = *at;
                *at += line.len();
                Some((start, line))
            })
            .collect();
        lines.iter().enumerate().find_map(|(n, &(start, line))| {
            let opens = line.trim_start().trim_start_matches(['>', '*', ' ']).to_lowercase().starts_with("from:");
            let more = lines[n + 1..].iter().take(3).any(|(_, l)| self.email_header.is_match(l.trim()));
            if !opens || !more || self.unvouched_paste.is_match(&message[start..]) {
                return None;
            }
            if !line.trim_start().starts_with('>') {
                return Some((start, message.len()));
            }
            let end = lines[n + 1..]
                .iter()
                .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('>'))
                .map_or(message.len(), |&(at, _)| at);
            Some((start, end))
        })
    }

    /// What follows the colon of a line that introduces a paste of a company's own text: empty when
    /// the paste is on the lines below, a quotation when it follows on the same line; `None` for
    /// any other line.
    pub fn after_paste_introducer<'l>(&self, line: &'l str) -> Option<&'l str> {
        // "HR memo just dropped 👇": a finger pointing at what follows ends the introduction as a
        // colon does.
        let pointing = line.trim_end().trim_end_matches('\u{fe0f}');
        let (intro, rest) = if let Some(intro) = pointing.strip_suffix(['👇', '⬇']) {
            (intro, "")
        } else {
            // "sent at 06:02 because …:": a colon between digits tells the time, not the paste.
            let colon = line.match_indices(':').map(|(k, _)| k).find(|&k| {
                !(line[..k].ends_with(|c: char| c.is_ascii_digit())
                    && line[k + 1..].starts_with(|c: char| c.is_ascii_digit()))
            })?;
            (&line[..colon], line[colon + 1..].trim())
        };
        let introduces = !intro.trim_start().starts_with('>')
            && self.paste_introducer.is_match(intro)
            && !self.paste_not_official.is_match(intro)
            && !self.unvouched_paste.is_match(line)
            && (rest.is_empty() || rest.starts_with(['"', '“']));
        introduces.then_some(rest)
    }

    /// Whether a sentence is page furniture.
    pub fn is_furniture(&self, sentence: &str) -> bool {
        self.furniture_gate.is_match(sentence) && !self.is_exempt(sentence)
    }

    /// The exemptions keep imperatives that state a consequence ("Cut them and the organization
    /// forgets"); a sentence that opens with a subject ("I am a bot, and this action …") is no imperative.
    fn is_exempt(&self, sentence: &str) -> bool {
        let first = sentence.split_whitespace().next().unwrap_or_default().trim_end_matches(',');
        !SUBJECT_OPENERS.iter().any(|w| first.eq_ignore_ascii_case(w))
            && self.not_furniture.as_ref().is_some_and(|r| r.is_match(sentence))
    }

    /// The first furniture rule a line or sentence matches, as written in the rule file.
    pub fn furniture_rule(&self, line: &str) -> Option<&str> {
        self.single_furniture_rules()
            .iter()
            .position(|r| r.as_ref().is_some_and(|r| r.is_match(line)))
            .map(|i| self.furniture_sources[i].as_str())
    }

    /// The furniture rules compiled one by one. Their syntax was checked when the gate compiled
    /// them joined; a rule that only compiles inside the join is left unnamed rather than fatal.
    fn single_furniture_rules(&self) -> &[Option<Regex>] {
        self.furniture.get_or_init(|| self.furniture_sources.iter().map(|p| Regex::new(&ci(p)).ok()).collect())
    }

    /// The line without the chapter timestamp or aside that opens it, if one does. A clock time that
    /// is part of the sentence ("12:30 p.m. ET") stays.
    fn without_opener<'l>(&self, line: &'l str) -> Option<&'l str> {
        let opener = self.line_openers.find(line)?;
        let rest = &line[opener.end()..];
        // "6/8/26, 6:46 PM - Aunt Bev: that's the letter" (Android) and "[10/03/26, 06:02] Bree K:
        // …" (iPhone): a chat export's stamp and sender.
        let stamp = opener.as_str();
        if stamp.contains(" - ") || stamp.contains(" – ") || stamp.starts_with('[') && stamp.contains('/') {
            return (!rest.is_empty()).then_some(rest);
        }
        // "12:30 p.m. ET", "10:30 ET —", "7:30 was when …": a time the sentence is about.
        let first = rest.split_whitespace().next().unwrap_or_default().trim_end_matches([',', ':']);
        let clock = ["am", "pm", "a.m.", "p.m.", "a.m", "p.m", "et", "pt", "ct", "gmt", "utc", "bst", "cet"]
            .iter()
            .any(|c| first.eq_ignore_ascii_case(c))
            || first.chars().next().is_some_and(char::is_lowercase);
        (!clock && !rest.is_empty()).then_some(rest)
    }

    /// The line without a label before a colon; `None` when the label makes the whole line furniture.
    fn without_label<'l>(&self, line: &'l str) -> Option<&'l str> {
        // "📌 Reminder:", "**Update:**": marks and emoji before a label are not part of it.
        let opener = line.trim_start_matches(|c: char| {
            !c.is_alphanumeric() && !matches!(c, '"' | '\'' | '“' | '‘' | '$' | '#' | '@' | '£' | '€' | '>')
        });
        let Some(colon) = opener.find(':').filter(|&c| c <= 40) else {
            return Some(line);
        };
        let label = opener[..colon].trim().trim_end_matches(['*', '_']).to_lowercase().replace('’', "'");
        if self.line_labels.contains(&label) {
            let rest = opener[colon + 1..].trim_start_matches(['*', '_']).trim();
            // "HOST: Initech cut 450 jobs in Dayton last week, and …": a transcript's turn says
            // something, where "Host: Jane Doe" or "Guest: Marty Lee, a former Globex VP" is a credit.
            if TURN_LABELS.contains(&label.as_str()) && is_spoken_sentence(rest) {
                return Some(rest);
            }
            // "Q: Will more cuts come? A: Yes, …": an FAQ line's question is no claim, its answer is.
            return self.answer_after_question(&opener[colon + 1..]);
        }
        if self.labels.contains(&label) {
            let rest = opener[colon + 1..].trim_start_matches(['*', '_']).trim();
            return Some(rest);
        }
        Some(line)
    }

    /// What follows a question on the same line when a label opens it ("…? A: Yes, …"), if anything.
    fn answer_after_question<'l>(&self, rest: &'l str) -> Option<&'l str> {
        let after = rest[rest.find('?')? + 1..].trim_start_matches(['*', '_', ' ']);
        let colon = after.find(':').filter(|&c| c <= 12)?;
        let label = after[..colon].trim().trim_end_matches(['*', '_']).to_lowercase();
        let answer = after[colon + 1..].trim_start_matches(['*', '_']).trim();
        (self.labels.contains(&label) && !answer.is_empty()).then_some(answer)
    }

    /// Whether the clause after a conjunction only refers back to its sentence ("it did not say when").
    pub fn is_dependent_tail(&self, clause: &str) -> bool {
        self.dependent_tails.is_match(clause.trim())
    }
}

/// The text without its fenced code blocks ("```yaml … ```"): a config file, a log line or a table
/// pasted as code is shown, not asserted. A fence left open keeps the text after it.
fn without_code_blocks(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("```") {
        return text.into();
    }
    let parts: Vec<&str> = text.split("```").collect();
    let closed = if parts.len() % 2 == 1 { parts.len() } else { parts.len() - 1 };
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 || i >= closed {
            out.push_str(part);
            out.push('\n');
        }
    }
    out.into()
}

/// "Workflows posted on behalf of Amberline HR": whom a work app's post speaks for, said on its first
/// line whatever account the app posts as.
pub fn posted_on_behalf_of(text: &str) -> Option<&str> {
    let first = text.lines().find(|l| !l.trim().is_empty())?.trim();
    const MARK: &str = "posted on behalf of ";
    let at = first.to_ascii_lowercase().find(MARK)?;
    Some(first[at + MARK.len()..].trim()).filter(|whom| !whom.is_empty())
}

/// Whether a line closes on a sentence's punctuation.
fn ends_a_sentence(line: &str) -> bool {
    line.trim_end().trim_end_matches(['"', '”', '’', '\'', ')', '*', '_']).ends_with(['.', '!', '?', '…'])
}

/// Whether a lead-in before a colon says where what follows comes from ("From the HR note:",
/// "Their update:", "The company's statement:").
fn names_its_source(lead: &str) -> bool {
    let lead = lead.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    ["from ", "per ", "via ", "according", "their ", "the ", "its ", "our "].iter().any(|w| lead.starts_with(w))
}

/// Whether a colon stands near the start of the line, where a speaker's name or a label ends: the
/// cheap test before the turn pattern runs on every line of every article.
fn opens_on_a_label(line: &str) -> bool {
    line.find(':').is_some_and(|c| c <= 120)
}

/// The labels of a transcript's speakers by role, which open a turn as often as a credit.
const TURN_LABELS: &[&str] = &["host", "hosts", "guest", "guests"];

/// Whether the text after a speaker's label is something said, not a name with its description: a
/// whole sentence of eight words or more that does not open on a capitalised name.
fn is_spoken_sentence(rest: &str) -> bool {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let capital = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    words.len() >= 8
        && rest.trim_end_matches(['"', '”', '’', '\'', ')']).ends_with(['.', '!', '?'])
        && !(capital(&words[0]) && capital(&words[1]))
}

/// Words that open a sentence as its subject, so never an imperative.
const SUBJECT_OPENERS: &[&str] = &["i", "we", "you", "he", "she", "it", "they", "this", "that", "there"];

/// The text's lines, with a line that opens in lower case joined to the one before it when that one
/// is left unfinished: it continues that sentence ("Globex told staff on Friday / that the office
/// would close"). After a finished sentence, a line in lower case is its own (a post quoted as typed),
/// and so is one under a line that is furniture on its own: the text under "@handle · 4h" is the post.
fn joined_lines(text: &str, kind: Kind, is_furniture_line: impl Fn(&str) -> bool) -> (Vec<String>, Vec<bool>) {
    let mut out: Vec<String> = Vec::new();
    // Whether each line opens a paragraph: a blank line stands before it.
    let mut opens: Vec<bool> = Vec::new();
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        // A line that ends on its link ("… in a statement to Harbor Wire: https://…") is finished.
        let unfinished = out.last().is_some_and(|prev: &String| {
            let end = prev.trim_end_matches(['"', '”', '’', '\'', ')']);
            let last = end.rsplit(' ').next().unwrap_or_default();
            !end.ends_with(['.', '!', '?', '…']) && !last.starts_with("https://") && !last.starts_with("http://")
                || NAME_ABBREVIATIONS.contains(&last.trim_start_matches('('))
        });
        // "reply" under a comment is the forum's button, not the rest of its sentence.
        let continues = kind == Kind::Article
            && unfinished
            && line.chars().next().is_some_and(char::is_lowercase)
            && out.last().is_none_or(|prev| !is_furniture_line(prev))
            && !is_furniture_line(line);
        match out.last_mut() {
            Some(prev) if continues => {
                prev.push(' ');
                prev.push_str(line);
            }
            _ => {
                out.push(line.to_string());
                opens.push(blank);
            }
        }
        blank = false;
    }
    (out, opens)
}

/// The speakers of a talk by their surname alone, lower-cased ("platt" for "GIDEON PLATT"), where
/// no two speakers share it: broadcast transcripts label a speaker in full once, then by surname.
fn spoken_surnames(named_turns: &HashMap<String, (usize, String)>) -> HashMap<String, String> {
    let mut by_surname: HashMap<String, Option<String>> = HashMap::new();
    for (name, (n, _)) in named_turns {
        if *n >= 2
            && let Some(last) = name.rsplit(' ').next()
        {
            let entry = by_surname.entry(last.to_lowercase()).or_insert_with(|| Some(name.clone()));
            if entry.as_deref() != Some(name.as_str()) {
                *entry = None;
            }
        }
    }
    by_surname.into_iter().filter_map(|(surname, name)| Some((surname, name?))).collect()
}

/// A chapter mark alone on its line ("[03:30]", "(14:40)"), which opens a new stretch of talk.
fn is_stamp_line(line: &str) -> bool {
    let inner = line.trim().trim_start_matches(['[', '(']).trim_end_matches([']', ')']);
    inner.len() <= 8 && inner.contains(':') && inner.chars().all(|c| c.is_ascii_digit() || c == ':')
}

/// Abbreviations that end a name, not a sentence, so a line ending on one is unfinished ("Shares fell
/// after Globex Corp. and Initech Inc." / "said on Monday …").
const NAME_ABBREVIATIONS: &[&str] =
    &["Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr.", "U.S.", "U.K.", "St.", "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."];

/// A short line with no closing punctuation is a heading, a kicker or a link, not a sentence.
/// "2d ago", "6h ago · Hana Wojcik": how old an app's item is, on a line of its own.
fn is_age(line: &str) -> bool {
    let first = line.split('·').next().unwrap_or_default().trim().to_lowercase();
    // "5 days ago By Oriel Fanshawe": the age may run on into the byline beside it.
    let Some((unit, after)) = first.split_once(" ago") else { return false };
    if !(after.is_empty() || after.starts_with(' ') && after.len() <= 60 && !after.contains(['.', '!', '?', ':'])) {
        return false;
    }
    let digits = unit.chars().take_while(char::is_ascii_digit).count();
    let unit = unit[digits..].trim();
    (1..=2).contains(&digits)
        && matches!(
            unit,
            "m" | "min"
                | "mins"
                | "minutes"
                | "h"
                | "hr"
                | "hrs"
                | "hours"
                | "hour"
                | "d"
                | "day"
                | "days"
                | "w"
                | "wk"
                | "weeks"
        )
}

/// An outlet's name as an aggregator sets it above a headline in title case ("Raccoon River Courier",
/// "The Counting House · Opinion"): a few capitalised words, no figures, not a section of the page.
fn is_outlet_name(line: &str) -> bool {
    const JOINERS: &[&str] = &["of", "the", "and", "&", "for", "de", "la"];
    const SECTIONS: &[&str] = &[
        "top",
        "latest",
        "more",
        "related",
        "trending",
        "popular",
        "stories",
        "coverage",
        "headlines",
        "updates",
        "posts",
        "following",
    ];
    let name = line.split('·').next().unwrap_or_default().trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && words[0].starts_with(char::is_uppercase)
        && !name.contains(|c: char| c.is_ascii_digit() || matches!(c, '.' | '!' | '?' | ':' | ',' | '"' | '“' | '\''))
        && words.iter().all(|w| w.starts_with(char::is_uppercase) || JOINERS.contains(w))
        && !words.iter().any(|w| SECTIONS.contains(&w.to_lowercase().as_str()))
}

/// An outlet's name as a news app sets it above a headline: capitals only, a few words, perhaps with
/// its section after a dot ("LONE STAR TECH REVIEW · ANALYSIS").
fn is_caps_name(line: &str) -> bool {
    let letters = || line.chars().filter(|c| c.is_alphabetic());
    line.split_whitespace().count() <= 8
        && letters().count() >= 3
        && letters().all(char::is_uppercase)
        && !line.chars().any(|c| c.is_ascii_digit())
}

/// "THE STACKLINE" → "The Stackline".
fn title_case(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_heading(line: &str) -> bool {
    let trimmed = line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_'));
    // "The 10-K puts headcount at about 2,300: https://…": a statement that ends on its link.
    if let Some((body, last)) = trimmed.rsplit_once(char::is_whitespace)
        && (last.starts_with("https://") || last.starts_with("http://"))
        && body.split_whitespace().count() >= 6
    {
        return false;
    }
    let closes = trimmed.ends_with(['.', '!', '?', '…', '"', '”', '’', '\'', ')', ']', ';']);
    let lead_in = trimmed.ends_with(':');
    let words = trimmed.split_whitespace().count();
    (!closes && !lead_in && words <= HEADING_WORDS) || (lead_in && words <= 10)
}

/// A credit at the end of a claim, "(Reuters)" or "(bloomberg.com)": the claim's text without it, and
/// the credit.
pub fn trailing_credit(text: &str) -> Option<(String, String)> {
    let body = text.trim_end();
    let stripped = body.trim_end_matches(['.', ' ']);
    // "…, via Corsair News Service.": an aggregator's credit without parentheses; "via Zendesk's
    // API" is a means, not a credit.
    if let Some(at) = stripped.rfind(", via ") {
        let credit = &stripped[at + 6..];
        let words = credit.split_whitespace().count();
        let names = credit.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if (1..=4).contains(&words) && names && !credit.contains("'s") && !credit.contains("’s") {
            return Some((format!("{}.", &stripped[..at]), format!("via {credit}")));
        }
    }
    let inner_end = stripped.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let labelled = inner_end[open + 1..].trim();
    // "(Source: Corsair News Service)", "(via Byteside)": the label says it is a credit.
    let credit = CREDIT_LABELS
        .iter()
        .find_map(|l| labelled.get(..l.len()).filter(|p| p.eq_ignore_ascii_case(l)).map(|_| labelled[l.len()..].trim()))
        .unwrap_or(labelled);
    let words = credit.split_whitespace().count();
    let looks_like_credit = (1..=4).contains(&words)
        && credit.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_lowercase() && credit.contains('.'))
        && !credit.chars().any(|c| c.is_ascii_digit() && !credit.contains('.'));
    if !looks_like_credit || open == 0 {
        return None;
    }
    let mut rest = inner_end[..open].trim_end().to_string();
    if body.ends_with('.') && !rest.ends_with(['.', '!', '?']) {
        rest.push('.');
    }
    let credit = if credit.len() == labelled.len() { credit.to_string() } else { format!("via {credit}") };
    Some((rest, credit))
}

/// Words that open a credit in parentheses and say it is one.
const CREDIT_LABELS: &[&str] = &["source:", "sources:", "via "];

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Hygiene {
        Hygiene::from_toml(include_str!("../../config/hygiene.toml")).expect("valid rules")
    }

    fn clean(text: &str) -> Vec<String> {
        rules().clean(text, Kind::Article).text().lines().map(String::from).collect()
    }

    /// What is left to label: lines cleaned, then sentences, whose furniture rules drop them too.
    fn kept(text: &str) -> Vec<String> {
        kept_as(text, Kind::Article)
    }

    /// The turn of the block whose text holds `needle`.
    fn turn_of(cleaned: &Cleaned, needle: &str) -> Option<Turn> {
        cleaned.blocks.iter().find(|b| b.text.contains(needle)).expect(needle).turn.clone()
    }

    fn kept_as(text: &str, kind: Kind) -> Vec<String> {
        let lex = crate::core::lexicon::Lexicon::embedded();
        crate::core::segment::segments(&lex.hygiene.clean(text, kind).text(), lex).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn a_social_cards_headline_is_who_the_poster_says_they_are() {
        let h = &crate::core::lexicon::Lexicon::embedded().hygiene;
        let card = "Gideon Strand • 2nd\nCEO at Tavira | Building things\n3h • Edited • 🌐\n\nToday was hard.";
        assert_eq!(h.profile_headline(card).map(|(h, _)| h), Some("CEO at Tavira | Building things"));
        let one_line = "Helen Ashcombe • Managing Partner at Ashcombe & Reyes LLP\nMarisol, thank you.";
        assert_eq!(h.profile_headline(one_line).map(|(h, _)| h), Some("Managing Partner at Ashcombe & Reyes LLP"));
        for text in [
            "We cut 40 jobs at Tavira today.\nMore soon.",
            "Quick Update\nOur CEO at Tavira confirmed 200 roles go Friday.",
            "Dana Wu @danawu · 3h\nCEO at Tavira says cuts are done\n\nMore soon.",
        ] {
            assert_eq!(h.profile_headline(text), None, "{text}");
        }
    }

    #[test]
    fn share_newsletter_and_listen_lines_are_furniture() {
        let text = "Share this article\nListen to this story\nSign up for our newsletter\n🎧 Listen on Spotify, or wherever you get your podcasts.\nGlobex cut 300 jobs in Leeds on Monday.";
        assert_eq!(kept(text), vec!["Globex cut 300 jobs in Leeds on Monday."]);
    }

    #[test]
    fn bylines_credits_and_related_links_are_furniture() {
        let text = "By Mira Okafor, a senior reporter\n(Reporting by Tom Lind; Editing by Ana Ruiz)\nPhoto: Courtesy of Hooli\nRead more: How Hooli's AI bet went wrong\nHooli cut 40 recruiters, a spokesperson said.";
        assert_eq!(kept(text), vec!["Hooli cut 40 recruiters, a spokesperson said."]);
    }

    #[test]
    fn greetings_and_sign_offs_are_furniture() {
        let text = "Hi readers!\nHey folks, happy Monday!\nVandelay Labs closed its Reno office.\nThat's it for this week. Hit reply and tell me what you're hearing.";
        assert_eq!(kept(text), vec!["Vandelay Labs closed its Reno office."]);
    }

    #[test]
    fn a_statement_ending_on_its_link_is_no_heading() {
        assert!(!is_heading("The 10-K puts total dispatch headcount at about 2,300: https://sec.example/10k.htm"));
        assert!(is_heading("Read the filing: https://sec.example/10k.htm"));
        assert!(is_heading("Related: Initech's second round"));
    }

    #[test]
    fn a_label_before_a_colon_is_dropped_and_its_sentence_kept() {
        assert_eq!(
            clean("Bottom line: managers may see the cuts as leverage."),
            vec!["managers may see the cuts as leverage."]
        );
        assert_eq!(
            clean("TL;DR: Pied Piper is cutting a fifth of its staff."),
            vec!["Pied Piper is cutting a fifth of its staff."]
        );
        assert_eq!(clean("Q: Will there be more cuts?\nGuest: Dr. Ada Moss, labor economist"), Vec::<String>::new());
    }

    #[test]
    fn a_transcript_turn_keeps_what_is_said_and_a_credit_is_dropped() {
        assert_eq!(
            clean("HOST: Initech cut 450 jobs in Dayton last week, and the memo blamed automation."),
            vec!["Initech cut 450 jobs in Dayton last week, and the memo blamed automation."]
        );
        assert_eq!(clean("Host: Jane Doe covers labor and automation for the Harbor Daily."), Vec::<String>::new());
        assert_eq!(clean("Guests: Marty Lee, a former Globex operations VP, and Ada Moss"), Vec::<String>::new());
    }

    #[test]
    fn an_faq_line_keeps_its_answer_and_drops_its_question() {
        assert_eq!(
            clean("**Q: Did Hooli stock rise after the cuts?** **A:** Yes, Hooli shares rose 3% on Monday."),
            vec!["Yes, Hooli shares rose 3% on Monday."]
        );
        assert_eq!(
            clean("Question: Is any job safe? Answer: No job is completely safe from AI."),
            vec!["No job is completely safe from AI."]
        );
        assert_eq!(clean("Q: What is Initech? And why now?"), Vec::<String>::new());
    }

    #[test]
    fn headings_and_timestamps_are_not_claims() {
        let text = "A quieter kind of cut\n[03:15] How the study was built\n• 41:02 - Listener questions\nThe study covered 900 firms.";
        assert_eq!(clean(text), vec!["The study covered 900 firms."]);
    }

    #[test]
    fn a_line_in_lower_case_after_a_finished_sentence_is_its_own() {
        let text = "The company wrote on X that the claim is false.\nmy cousin works there and says 5000 jobs go.";
        assert_eq!(clean(text).len(), 2);
    }

    #[test]
    fn bots_calls_and_newsletters_talking_about_themselves_are_furniture() {
        let text = "This post has been automatically flaired.\nThis is an automated reminder.\n\
                    The next question comes from Tomas Reyes with Brennick Securities.\nYou're reading Forum Pulse.\n\
                    In today's issue: Calloway's 900 cuts and a reader question.\n\
                    Correction, Oct. 18: An earlier version of this article misstated the city.\n\
                    Thanks to our sponsor, Ledgerline Pro.\nCitation needed.\nHR here.\n\
                    Calloway cut 900 jobs on Tuesday.";
        assert_eq!(kept(text), vec!["Calloway cut 900 jobs on Tuesday."]);
    }

    #[test]
    fn a_chapter_timestamp_leaves_its_sentence_and_a_clock_time_stays() {
        let text = "(05:55) Initech's chief executive told staff on Friday that 300 roles would go.\n\
                    12:30 p.m. ET: Initech confirmed the figure.";
        assert_eq!(
            clean(text),
            vec![
                "Initech's chief executive told staff on Friday that 300 roles would go.",
                "12:30 p.m. ET: Initech confirmed the figure."
            ]
        );
    }

    #[test]
    fn a_dateline_leaves_the_text_and_names_the_credit() {
        let c = rules().clean("SAN FRANCISCO, April 14 (Reuters) - Initech will cut 500 jobs.", Kind::Article);
        assert_eq!(c.text(), "Initech will cut 500 jobs.");
        assert_eq!(c.credit.as_deref(), Some("Reuters"));
        let c = rules().clean("LONDON (Bloomberg) — Hooli froze hiring.", Kind::Article);
        assert_eq!((c.text().as_str(), c.credit.as_deref()), ("Hooli froze hiring.", Some("Bloomberg")));
    }

    #[test]
    fn teasers_cut_short_ratings_and_publishing_systems_boxes_are_furniture() {
        let text = "A spokesperson…\nThe remaining roles...\n★ 4.8 (1,204)\n2025 (31)\nWritten by Hal Brenner · Reviewed by Ops Desk · Updated May 2, 2026\nMar 3, 2026, 9:14 AM UTC 48 Comments / 3 New\n12 thoughts on “Initech cuts 300”\nResponses (21)\nLogin or Subscribe to participate in polls.\nIf you buy through our links we may earn a commission.\nIf you value our reporting, please consider supporting us.\nThis story has been updated with comment from Initech.\nYou can read the full memo below.\nNext week: the robots in accounts payable.\nIf you work at Initech and want to talk, reach me on Signal.\nWord of the week: \"rightsizing\"\nInitech cut 300 support jobs on Friday, the company said.\nThe Ohio site, which employs 900 people, will close in May, according to a WARN notice filed on Monday and seen by the paper…\nQuote of the week: \"We are done hiring support staff,\" Jane Roe told us.";
        assert_eq!(
            kept(text),
            vec![
                "Initech cut 300 support jobs on Friday, the company said.",
                "The Ohio site, which employs 900 people, will close in May, according to a WARN notice filed on Monday and seen by the paper…",
                "Quote of the week: \"We are done hiring support staff,\" Jane Roe told us."
            ]
        );
    }

    #[test]
    fn old_reddit_and_flagged_rows_job_hunts_show_fine_print_and_rivers_cut_on_a_dash_are_furniture() {
        let text = "Initech just cut its whole QA floor in Dayton (self.gamedev)\nsubmitted 7 hours ago* by qa_lifer\n[–]shader_sam 98 points 6 hours ago\nspamacct_77 1 hour ago [flagged] [dead]\nTop 1% Commenter\nOpen to QA lead or test automation roles, remote or Montreal.\nanyone hiring narrative designers, I have a portfolio\nHosted on Podwell.\nSome links above are affiliate links.\n“Ben” is a pseudonym.\nFirst month free with code RESPAWN at pixel.example\nInitech lays off 480 as its support agent closes most tickets —\nGreat episode, thank you Ama!!\nFull transcript available to Docket Club members.\nCommenting has been disabled for this item.\nBe the first to comment!\nThis article was created with the help of AI and reviewed by our editorial team.\nWe will update this list as more information becomes available.\nJune 23, 2026 at 7:14 AM EDT Updated on June 23, 2026 at 10:02 AM EDT\nAnyone hiring should grab her.\nThe Dayton QA floor had 60 testers until Friday.";
        assert_eq!(
            kept_as(text, Kind::Message),
            vec!["Anyone hiring should grab her.", "The Dayton QA floor had 60 testers until Friday."]
        );
    }

    #[test]
    fn a_forums_quotation_of_an_earlier_post_its_signature_and_its_post_headers_are_furniture() {
        let text = "RustyGasket\nSenior Member\nJoin Date: Aug 2009\nPosts: 4,112\n\nQuote:\nOriginally Posted by halden\n\
                    Nobody she knows is moving.\n\nThat is the whole point of offering a move nobody takes.\n\n\
                    __________________\nRusty\n'If it compiles, ship it.'";
        assert_eq!(kept_as(text, Kind::Message), vec!["That is the whole point of offering a move nobody takes."]);
    }

    #[test]
    fn a_forum_page_is_cut_into_posts_at_its_comment_headers() {
        let hygiene = &crate::core::lexicon::Lexicon::embedded().hygiene;
        let page = "Title (site.example)\nwrenfield 5 hours ago [–]\nFirst post.\n  ostrom 4 hours ago [–]\n  \
                    Second post.\n• 8h ago\nThird post.\nlevel 2 · u/kat · 3h\nFourth post.";
        let posts = hygiene.posts(page);
        assert_eq!(posts.len(), 5, "{posts:?}");
        assert!(posts[2].contains("Second post.") && !posts[2].contains("Third"));
    }

    #[test]
    fn a_work_apps_subject_line_and_a_chat_lead_in_are_no_part_of_the_claim() {
        let text = "Workflows posted on behalf of Amberline HR\nSeverance terms for Store Support colleagues\n\
                    Severance will be paid in line with the collective agreement.\n\
                    Ballot timetable: an indicative ballot opens Monday 16 March.\n\
                    From the HR note: severance is 10 weeks of base pay.";
        assert_eq!(
            kept_as(text, Kind::Message),
            vec![
                "Severance will be paid in line with the collective agreement.",
                "an indicative ballot opens Monday 16 March.",
                "From the HR note: severance is 10 weeks of base pay."
            ]
        );
    }

    #[test]
    fn comment_chrome_from_apps_readers_and_exporters_is_furniture_and_the_posts_under_it_are_kept() {
        let text = "u/copy_kat • 4mo ago • ⬆ 191\nthey cut 40 in Denver\n├─ ksenia_m · 7h\n│ Reply ⬆ 156 ⬇\n🥇 1 ▲ 1.3k ▼ Reply Award Share\n3 hr. ago\n/u/kyc_kelsey** (210 pts) · 🏅 Helpful ×2\n#4 · 06-17-2026, 10:05 PM\nPosts: 388 · Joined: Nov 2021\nOriginally Posted by nightshift_noreen\nLast edited by GrumpyCharge on Wed Jul 08, 2026 6:02 am, edited 1 time in total.\nView Entire Discussion (98 Comments)\n12 replies\nreplied to a thread\n#layoffs #initech\nSent from my iPhone\nBlind is better in the app.\nThe Denver office lost its whole QA team on Tuesday.";
        assert_eq!(
            kept_as(text, Kind::Message),
            vec!["they cut 40 in Denver", "The Denver office lost its whole QA team on Tuesday."]
        );
        assert_eq!(
            kept("├─ ksenia_m · 7h\nthey cut 40 in Denver, the whole QA floor."),
            vec!["they cut 40 in Denver, the whole QA floor."]
        );
    }

    #[test]
    fn a_line_in_lower_case_joins_its_sentence() {
        assert_eq!(
            clean("Globex told staff on Friday\nthat the Prague office would close in June."),
            vec!["Globex told staff on Friday that the Prague office would close in June."]
        );
    }

    #[test]
    fn chat_messages_keep_short_lines() {
        let c = rules().clean("Globex just cut 400 people", Kind::Message);
        assert_eq!(c.text(), "Globex just cut 400 people");
    }

    #[test]
    fn a_transcript_turn_names_who_says_the_lines_after_it() {
        let text = "Operator\nGood afternoon, and welcome to the call.\nDana Roe -- Chief Executive Officer\nWe reduced support by 300 people.";
        let c = rules().clean(text, Kind::Article);
        assert_eq!(c.blocks.len(), 1);
        assert_eq!(c.blocks[0].text, "We reduced support by 300 people.");
        assert_eq!(c.blocks[0].turn.as_ref().map(|t| t.name.as_str()), Some("Dana Roe"));
    }

    #[test]
    fn a_call_that_names_its_speakers_alone_on_a_line_gives_each_their_turn() {
        let text = "Company Participants\nHelen Vasquez-Obi - Chief Executive Officer\nCarl Brandvold - Chief Financial Officer\n\nOperator\nWelcome to the call.\nHelen Vasquez-Obi\nHeadcount declined by 640.\nCarl Brandvold\nWe recorded $27 million in severance.\nPresentation Notes\nThe slides are online.";
        let c = rules().clean(text, Kind::Article);
        let turns: Vec<(Option<(&str, &str)>, &str)> = c
            .blocks
            .iter()
            .map(|b| (b.turn.as_ref().map(|t| (t.name.as_str(), t.role.as_str())), b.text.as_str()))
            .collect();
        assert_eq!(
            turns,
            vec![
                (Some(("Helen Vasquez-Obi", "Chief Executive Officer")), "Headcount declined by 640."),
                (
                    Some(("Carl Brandvold", "Chief Financial Officer")),
                    "We recorded $27 million in severance.\nThe slides are online."
                ),
            ]
        );
    }

    #[test]
    fn a_name_alone_on_a_line_of_an_article_is_no_turn() {
        let text = "Dana Roe\nInitech cut 300 jobs on Monday.\nDana Roe\nThe company declined to comment.";
        let c = rules().clean(text, Kind::Article);
        assert!(c.blocks.iter().all(|b| b.turn.is_none()), "{c:?}");
    }

    #[test]
    fn a_newswire_dateline_leaves_the_release() {
        let c = rules().clean(
            "MINNEAPOLIS, May 7, 2026 /Wire Name/ -- Initech, Inc. today announced a plan to cut 212 roles.",
            Kind::Article,
        );
        assert_eq!(c.blocks[0].text, "Initech, Inc. today announced a plan to cut 212 roles.");
    }

    #[test]
    fn a_trailing_credit_leaves_the_claim() {
        assert_eq!(
            trailing_credit("Initech is cutting 500 support jobs (Reuters)."),
            Some(("Initech is cutting 500 support jobs.".into(), "Reuters".into()))
        );
        assert_eq!(trailing_credit("Cuts hit 500 people (about 5%)."), None);
        assert_eq!(trailing_credit("Hooli (the search giant) cut jobs."), None);
    }

    #[test]
    fn requests_and_house_rules_addressed_to_readers_are_furniture() {
        let text = "Please keep it civil.\nBe kind.\nDo not post names of managers.\nPost confirmed cuts with a link.\nRumours go in the weekly thread.\nRate and review Desk Notes on your podcast app.\nUse code DESK for 10% off.\nGlobex closed its Tulsa office.";
        assert_eq!(kept(text), vec!["Globex closed its Tulsa office."]);
    }

    #[test]
    fn production_funding_and_disclaimer_lines_are_furniture() {
        let text = "Desk Notes is an independent production.\nThe Quarry Ledger is reader-funded.\nMarket Hour airs weeknights at 6 p.m.\nHosts may hold positions in the securities discussed.\nThis release contains forward-looking statements.\nWe may earn a commission from links on this page.\nMusic: \"Drift\" by Low Tide.\n(Initech file photo)\nInitech cut 80 jobs in Reno.";
        assert_eq!(kept(text), vec!["Initech cut 80 jobs in Reno."]);
    }

    #[test]
    fn dated_greetings_and_replies_by_name_are_furniture() {
        let text = "Good morning, it's Monday, May 4, and here's the rundown.\nHi all, and welcome to the 120 new readers!\nMarta, thank you for everything.\nHooli froze hiring in Dublin.";
        assert_eq!(kept(text), vec!["Hooli froze hiring in Dublin."]);
    }

    #[test]
    fn furniture_rules_leave_reporting_that_looks_like_them() {
        let text = "Call centers at Initech in Ohio will close in May.\nExecutives could receive compensation packages worth $2 million.\nHowever, thanks to automation, Globex cut 200 roles.";
        assert_eq!(kept(text).len(), 3, "{:?}", kept(text));
    }

    #[test]
    fn bots_profiles_credentials_and_page_chrome_are_furniture_and_reporting_beside_them_is_not() {
        let h = rules();
        for line in [
            "Please contact the moderators of this subreddit (/message/compose/?to=/r/Columbus) if you have any questions or concerns.*",
            "_This summary was generated automatically and may contain errors._",
            "📋 Minutes — Q2 All-Hands (auto-generated)",
            "ok all-hands notes for those on the road, typed fast so forgive typos",
            "Type /standup to add yours.",
            "Aisha Quartey · Talent Partner at Brookvale Ventures",
            "👍 1,204 · 287 comments",
            "Marrowgate field guy here.",
            "Kestrel engineer.",
            "4 minute read | May 4, 2026 3:47 PM GMT | Updated 41 min ago",
            "Market data provided by FactLine.",
            "Letters may be edited for length and clarity.",
            "Full List of Affected Teams appeared first on JobShiftNow.",
            "Senior Member · Posts: 2,311",
            "Three things that didn't make the piece",
            "✅ Yes — 23 ❌ No — 4 🤷 Can't tell — 17",
            "To continue reading, subscribe to The Ledger.",
            "You're getting this because you signed up at respawnrate.example.",
            "Cutline readers get six months free at sorted.example/cutline.",
            "📌 Resources for people affected by layoffs are pinned in #job-board.",
            "From: People Team <people@quillmere.example>",
            "Speculation → #off-topic.",
            "Posts without sources may be removed.",
            "1️⃣ Nimbrel 8",
            "@gwen.o and @ravi.s, you've been matched for a coffee chat this week.",
            "(Ruth Adeyemi, CEO)",
        ] {
            assert!(h.is_furniture(line), "{line}");
        }
        for line in [
            "Affected team members receive 10 weeks of base pay, and our alumni job board is live at https://k.example/a.",
            "Kestrel Ledger cut 118 engineers on Wednesday.",
            "I was one of the 900 let go from Brightwater.",
            "This article was amended on 5 August to correct the annual savings figure.",
            "The layoffs are here.",
            "per the Q1 board letter it was 38% not 40 — it's pinned in #exec-updates",
            "per Bloomberg it's effective Jan 15",
            "Reports say 300 jobs will be removed from the Dayton site.",
            "The memo was posted to #general this morning and says 300 jobs go.",
            "Former engineer at Initech says 300 were cut.",
            "15 years at Initech, gone in 15 minutes.",
            "Kestrel cut 300, ex-employees say",
        ] {
            assert!(!h.is_furniture(line), "{line}");
        }
    }

    #[test]
    fn the_joined_furniture_rules_match_exactly_what_the_single_rules_match() {
        let h = rules();
        let lines = [
            "Share this article",
            "(END) Dow Jones Newswires",
            "Globex cut 300 jobs, the company said. Dow Jones Newswires",
            "[03:15] How the study was built",
            "Globex cut 300 jobs in Leeds.",
            "Photos: Getty Images",
            "Initech is laying off 5% of staff #layoffs #ai #tech",
        ];
        for line in lines {
            assert_eq!(
                h.is_furniture(line),
                h.single_furniture_rules().iter().flatten().any(|r| r.is_match(line)),
                "{line}"
            );
        }
        assert!(has_top_level_alternation(r"\(end\)|dow jones"));
        assert!(!has_top_level_alternation(r"(a|b) [|] c"));
    }

    #[test]
    fn curation_credits_show_note_hosts_taglines_and_captions_are_furniture() {
        let text = "This article was curated by JobsPulse.\nOriginally reported by The Quarry Ledger.\nVia Harbor Desk.\nThis week host Ana Lind talks to analyst Bo Chu about Initech.\nReporter Mia Sato joins us to talk about the memo.\nToday's episode is supported by Dunmore Bank.\nYour weekly rundown of AI job cuts, with links.\nHave a good weekend.\nTom Reyes owns no shares in the companies mentioned.\nAny advice appreciated.\nSubmission statement required.\nInitech's Reno office.\nHooli Labs' distribution center in Akron.\nHousekeeping: paid readers get the spreadsheet on Monday.\nGlobex closed its Tulsa office.\nHooli will close Initech's Reno office.";
        assert_eq!(kept(text), vec!["Globex closed its Tulsa office.", "Hooli will close Initech's Reno office."]);
    }

    #[test]
    fn roundup_titles_closing_reactions_link_talk_and_forum_rules_are_furniture() {
        let text = "March AI-layoff roundup (sources linked, no rumours)\nThe layoff tracker, updated\nThe most-read layoff stories on the forums this week, summarized.\nGood thread, thanks\nAh my bad\nOf course they are\nNo link yet\nno doxxing of managers.\n🙏 Become a paid subscriber.\nGlobex added 40 roles to its layoff tracker in Leeds.";
        assert_eq!(kept(text), vec!["Globex added 40 roles to its layoff tracker in Leeds."]);
    }

    #[test]
    fn wire_notes_snippets_breadcrumbs_forum_headers_and_chat_notices_are_furniture() {
        let text = "(Adds union comment in paragraph 7, analyst comment in paragraph 9)\nThis material may not be published, broadcast, rewritten or redistributed.\nThis story was originally featured on Fortuna Business.\nAccording to an internal Slack message reviewed by…\nHome » Tech News » Quillmark Layoffs 2026: Why Quillmark Fired 140 Support Staff\nContents [hide]\nLike this: Like Loading...\n(Image credit: Cairn Semiconductor)\nIn this comprehensive guide, we will look at the companies cutting jobs.\nWorks council vows to fight | Rhein Daily | 19h | Union calls protest | Koln Morgen | 14h\n312 points by dmoss 5 hours ago | hide | past | favorite | 88 comments\n[dead] skeptic42 3 hours ago | parent | next [–]\n3.1k points (91% upvoted)\nMore replies (4)\nlevel 2\nReply Share Report Save Follow\nmaya.r has joined the channel\neyes: 2 :+1: 1\nGG @dee, you just advanced to level 12!\nTranscripts are machine-generated and may contain errors.\n[AD BREAK — Stackhaven: use code RESET for 30% off]\nNew users get $20 with code FLOOR20.\nShe previously worked at Stackline and lives in Oakland.\nWe spoke to Jonah Feld, a former Kestrel director of engineering, now at Corallo Ventures.\nI am a bot, and this action was performed automatically.\n@ghostpepper just reached level 5!\nk8s_kenji just slid into the server.\nWelcome @brightside_bea to Layoff Support!\n@brightside_bea has been given the Newcomer role.\nreply kilbride_eng 4 hours ago | parent | next [–]\nEvent updated: Company All-Hands — now 3:00 PM (Zoom)\nAldren Health cut our coding team Job Loss submitted 11 hours ago by cpc_remote_8yrs\n👀 9 😭 4\n📈 Yes 2 📉 No 4 🍿 Watching 5\nQuillmark cut 140 support jobs on Tuesday, the company said.";
        assert_eq!(kept(text), vec!["Quillmark cut 140 support jobs on Tuesday, the company said."]);
    }

    #[test]
    fn banners_disclaimers_live_blog_times_credentials_and_system_lines_are_furniture() {
        let text = "We use cookies to improve your experience on our site.\nBy continuing to browse, you agree to our use of cookies.\nAccept | Manage preferences\nThis note is not an offer to buy or sell securities.\nQuarry Hill Partners and/or its affiliates may hold positions in securities mentioned.\nThis interview has been edited for length and clarity.\nSupport local journalism.\nBeacon reporter Callum Osei contributed.\n3:05 p.m.\n## What we know\nOff the Clock runs every Friday.\nFormer Pellucid QA here.\nDirector here.\nkaren.b pinned a message to this channel.\n📌 Reminder: rumors go in #rumor-mill.\n537 votes · Poll closed\n👁 4.2k · 💬 73\nAnne | 14 yrs in claims | opinions my own\nKINCAID: Thank you.\nWe'll be right back.\nJoining me now is Pellworth CEO Robert Kincaid.\nThis is Midday.\nShop now\nFormer Lexavia PM.\nDemand planner, 9 years.\nCode PSPS10.\nYou currently have 0 referrals.\n(via Layoffs Daily, Meridian Wire)\nDana in Tacoma, you're on the air.\nJamal Whitcombe, thank you.\nWe'll talk to you next quarter.\ndo we know the date yet\nanyone know if Tampa is affected\n✅ ohio_oxide has been warned.\nharlan.petty updated their status: 🎤 Town hall\nkim.a shared a file: Dunmore_WARN_OK_0421.pdf\n[–] load more comments (31 replies)\nReason: posting X links without a source (rule 4)\nTavira here.\nGlobex closed its Tulsa office.";
        assert_eq!(kept(text), vec!["Globex closed its Tulsa office."]);
        // A credential with news after it is a first-hand account, and "This is FUD." a view.
        let kept = kept(
            "Ex-Fennec here, laid off Tuesday.\nThis is FUD.\nKINCAID: We will close the Dayton center in August.\nExpect the same.\nExperts are divided.\nThe industry has been warned about this for years.\nJoining me now is Initech CEO Dana Ruiz, who confirmed this morning that 500 jobs will go.\nInitech shared a file with state regulators showing 450 layoffs, the company confirmed.\nInitech updated their status page to say 200 support roles were cut, a spokesperson said.\nBrightwater Capital and its affiliates own 12% of Initech, a filing shows.",
        );
        assert_eq!(kept.len(), 10, "{kept:?}");
        // In chat, where a line needs no full stop to be news.
        let chat = "Who else got cut today, Initech confirmed 300 in its press release\nInitech cut 300 in Dayton per the WARN filing, so this is not a rumour (rule 4)\nTitle says it: Initech confirmed 300 cuts in its 8-K\n## Update: Initech confirmed 300 cuts in its 8-K";
        let cleaned = rules().clean(chat, Kind::Message).text();
        assert_eq!(cleaned.lines().count(), 4, "{cleaned}");
    }

    #[test]
    fn a_full_name_opening_several_lines_says_each_of_them_and_a_label_does_not() {
        let rules = rules();
        let text = "Key Facts: Initech will cut 300 jobs.\nRenata Okafor: We are not closing branches.\nBill Haverty: Will tellers be affected?\nRenata Okafor: No teller roles are included.";
        let cleaned = rules.clean(text, Kind::Article);
        let said: Vec<(Option<&str>, &str)> =
            cleaned.blocks.iter().map(|b| (b.turn.as_ref().map(|t| t.name.as_str()), b.text.as_str())).collect();
        assert_eq!(
            said,
            vec![
                (None, "Key Facts: Initech will cut 300 jobs."),
                (Some("Renata Okafor"), "We are not closing branches."),
                (None, "Bill Haverty: Will tellers be affected?"),
                (Some("Renata Okafor"), "No teller roles are included."),
            ]
        );
    }

    #[test]
    fn a_submission_title_with_its_site_heads_a_scraped_page_but_is_a_threads_content() {
        let rules = rules();
        let line = "Initech cuts 300 support jobs as its chatbot takes over (news.example)";
        assert!(rules.clean(line, Kind::Article).blocks.is_empty());
        assert_eq!(rules.clean(line, Kind::Message).text(), line);
    }

    #[test]
    fn an_aggregators_credit_line_brings_back_the_headline_above_it_with_its_outlet() {
        let text = "Top stories\nTesselate to cut 1,100 jobs as AI agents take on more coding work\nCrestline Wire · 3 hours ago\nTesselate's layoffs are about margins, not machines\nThe Circuitry · Opinion · 4 hours ago\nBack Office Hours: The Coders Who Trained Their Replacement\nMay 6 · 48 min\nInitech cuts 1,100 jobs, closes Dayton\nStanchion Wire · Business · 3h · 214 comments";
        assert_eq!(
            kept(text),
            vec![
                "Tesselate to cut 1,100 jobs as AI agents take on more coding work (via Crestline Wire)",
                "Tesselate's layoffs are about margins, not machines",
                "Initech cuts 1,100 jobs, closes Dayton (via Stanchion Wire)",
            ]
        );
        // An aggregator sets the outlet in title case above the headline, and the age, perhaps with
        // its byline, below it or below the snippet.
        let text = "Top news\nHalberd Wire\nHarrowgate Mutual to cut 1,850 jobs as Sable takes over claims\nHarrowgate said on Monday it would cut about 1,850 jobs by the end of…\n5 days ago By Oriel Fanshawe\nThe Ashford Review · Opinion\nHarrowgate's claimants are about to meet the new normal\n3 days ago Celestine Marwood\nRelated Coverage\nInitech cuts 300 jobs in Reno\n2 hours ago";
        assert_eq!(
            kept(text),
            vec![
                "Harrowgate Mutual to cut 1,850 jobs as Sable takes over claims (via Halberd Wire)",
                "Harrowgate's claimants are about to meet the new normal",
                "Initech cuts 300 jobs in Reno",
            ]
        );
        // A news app sets the outlet in capitals above the headline and the age below it; a search
        // page puts a snippet between the headline and its credit.
        let text = "TOP STORIES
THE STACKLINE
Quillfeather cuts 640 jobs, says AI agents now resolve most tickets
2d ago · Hana Wojcik
THE HARROW REVIEW · OPINION
Quillfeather fired the people who knew its codebase
9h ago
Brackwater Logistics to cut 900 brokerage jobs, says AI agent now books loads
Freight broker Brackwater said on Wednesday it would eliminate 900 jobs. The cuts, which amount to…
Lanyard News Service · 7d";
        assert_eq!(
            kept(text),
            vec![
                "Quillfeather cuts 640 jobs, says AI agents now resolve most tickets (via The Stackline)",
                "Quillfeather fired the people who knew its codebase",
                "Freight broker Brackwater said on Wednesday it would eliminate 900 jobs.",
                "Brackwater Logistics to cut 900 brokerage jobs, says AI agent now books loads (via Lanyard News Service)",
            ]
        );
    }

    #[test]
    fn news_that_looks_like_the_new_furniture_is_kept() {
        let text = "We spoke to Ines Carvalho, a subtitler, who said she had translated 400 episodes.\nShe joined the company in 2019 and ran its Lisbon office.\nThe union said code review work would move to Pune.\nInitech said the snippet tool was cut off\u{2026} by a bug in March.\nCut them and the organization forgets how the work was done.\nDana Ruiz, a copywriter with 15 years of experience writing ad copy, said she lost her job to an AI tool in March.\nDana Ruiz is a graphic designer who lost 80% of her clients to AI tools this year.\nShe previously worked as a claims processor at Kessler, which replaced her team with AI software in May.\nHe lives in Dayton, where Halvorsen closed its dispatch center after automating routing.\n\"Brace yourselves,\" Corvane's chief executive wrote in a memo announcing 400 job cuts.\nThe release of the layoff figures has been held pending review by the state labor department, officials said.\nCorvane's AI agent, first featured in a 2023 demo, now handles 60% of support tickets, the company said.\nStaff affected by the cuts can email hr@brightwell.example for details, the bank said, adding that 400 roles will go.\nThe effort, known internally by the code PHOENIX, would replace 2,000 back-office jobs, according to documents.\nCustomers who use promo code SAVE2024 will get 20% off, but the retailer said it would cut 300 support jobs as chatbots take over.\nExecutives at Brightwell warned that more cuts were coming, but declined to say how many…\nCorvane said transcripts are machine-generated by its new AI tool, which replaced 40 stenographers.\nCustomers now see more replies from chatbots than from humans, Corvane said after cutting 300 agents.\nEvery Monday we receive layoff notices from at least two companies citing AI, the state labor official said.\nHere's how they plan to replace 400 support workers with AI.\nWe spoke to Dana Ruiz, a former Corvane engineer who was among the 300 laid off in March.\nKessler said in a statement that the cuts affect Dayton | Toledo | Austin | Reno.\nJane Roe is a former Initech engineer who was laid off in March.\nMara Quint is a freelance writer who lost 80% of her clients to AI tools in 2025.\nThe bot reached level 5 support in 2 weeks, Initech said.\nBy the end of March, Initech had cut 300 jobs.\nCascade Herald reports \"roughly 450\" affected, including contractors.\nAccording to reports, the cuts will mostly affect the Memphis headquarters.";
        let kept = kept(text);
        for line in text.lines() {
            assert!(kept.iter().any(|k| line.starts_with(k.as_str())), "lost: {line}\n{kept:?}");
        }
    }

    #[test]
    fn a_clause_that_only_refers_back_is_a_tail() {
        assert!(rules().is_dependent_tail("it did not say when."));
        assert!(!rules().is_dependent_tail("they will cut more by spring"));
    }

    #[test]
    fn bios_episode_intros_sponsor_slogans_disclosures_and_tip_boxes_are_furniture() {
        let text = "Gwen Hollister is a former regional banking executive and author of \"The Last Teller.\"\nNoor Haddad is Byteside's senior labor reporter.\nKarsten Vogel has covered the wind industry for 15 years.\nRhys Calloway drove trucks for 14 years before becoming a writer.\nCarla Mendes talks to two former Halvard support engineers about the January cuts.\nOwen Strickland returns to talk about Orbis Freight.\nOur guest this week is Rosa Delgado, a medical coder.\nSupport for this episode comes from Nimbly, the scheduling app.\nNimbly: your week, sorted.\nFuture Shift is supported by listeners like you.\nQuick housekeeping: no issue next week.\nIf you liked this, forward it to a friend.\nI may earn a small commission.\nNothing here is legal advice.\nThis is an opinion piece.\nThe views in this column are the author's own.\nAn earlier version of this article misstated the number of stores.\nByteside will update this story as it develops.\nHere's what you need to know.\nLet's find out.\nCurated by Stackfeed editors.\n(via Byteside)\nContact us securely.\nOrbis Freight cut 400 dispatch jobs in Memphis, the company said.\nJane Roe is the chief executive of Initech, which cut 300 jobs.\nTalks with the union broke down on Friday, Initech said.\nThe union has covered legal costs for 40 members.";
        assert_eq!(
            kept(text),
            vec![
                "Orbis Freight cut 400 dispatch jobs in Memphis, the company said.",
                "Jane Roe is the chief executive of Initech, which cut 300 jobs.",
                "Talks with the union broke down on Friday, Initech said.",
                "The union has covered legal costs for 40 members."
            ]
        );
    }

    #[test]
    fn the_lines_chat_apps_and_bots_put_around_a_post_are_furniture() {
        let rules = rules();
        let slack = "NewsBot APP 9:02 AM\nJira Cloud APP 10:31 AM\n\
            PLAT-1187 *Sunset on-call rotation for ingest-gateway* created by Nadia Rahman\n\
            Dee Harlan shared *Tier-2 Billing Runbook v7*\nRenata Oyelaran shared a file in #general\n\
            NewsHook BOT — Today at 11:00 AM\nThe Reno office closes in May.";
        assert_eq!(rules.clean(slack, Kind::Message).text(), "The Reno office closes in May.");
        assert!(rules.is_furniture("📋 You have 1 pending task: *Complete Q1 Compliance Training* (due Mar 14)"));
        assert!(rules.is_furniture("FILE PHOTO: The logo of Corvane Logistics at its headquarters in Brackwater."));
        // Who shared what with whom is news when it is not an app's notice.
        assert!(!rules.is_furniture("Dana Ruiz shared the memo with two reporters on Friday."));
        // A bot's name alone over its post, a score in thousands, a Slashdot byline and a summary
        // bot's own lines; a remark about an app is the poster's.
        for line in [
            "NewsHound BOT",
            "[–] marrow_lane 1.2k points 6 hours ago",
            "by grendel_iv (88213) on Tuesday March 03, 2026 @11:05AM",
            "This is the best tl;dr I could make, original reduced by 81%. (I'm a bot)",
            "Extended Summary | FAQ | Feedback",
        ] {
            assert!(rules.is_furniture(line), "{line}");
        }
        assert!(!rules.is_furniture("honestly I hate this new bot"));
    }

    #[test]
    fn a_call_in_shows_hand_offs_and_introductions_are_no_claims() {
        let rules = rules();
        let show = "PRIYA CASTELLANOS, HOST: On the line with us is Jen Takahashi, Harrow's vice president for communications.\n\
            Let's take some calls.\n\
            Ben in Kellsby, you're on The Open Line.\n\
            After the break, we'll talk about what retraining money is actually available.\n\
            We'll have to leave it there.\n\
            Harrow will close its Kellsby coding office on June 30.";
        assert_eq!(rules.clean(show, Kind::Article).text(), "Harrow will close its Kellsby coding office on June 30.");
    }

    #[test]
    fn an_authors_card_and_a_submissions_title_are_no_part_of_a_post() {
        let rules = rules();
        let post =
            "Derek Vann • 2nd\nFormer Senior Adjuster at Halvorsen Mutual\n1d • 🌐\n\nOn my desk it was closer to 20%.";
        assert_eq!(rules.clean(post, Kind::Message).text(), "On my desk it was closer to 20%.");
        // A name that opens on a letter outside ASCII is a name all the same.
        let accented = "Émilie Łukasz • 2nd\nClaims Lead at Halvorsen Mutual\n1d • 🌐\n\nOur unit lost 12 people.";
        assert_eq!(rules.clean(accented, Kind::Message).text(), "Our unit lost 12 people.");
        let blind = "Kilnworth · qLp7z\n\nMy whole team in Payments Infra got cut.";
        assert_eq!(rules.clean(blind, Kind::Message).text(), "My whole team in Payments Infra got cut.");
        // A message that opens on a sentence, or a card-like line over a sentence, keeps it.
        let news = "Initech Cuts Jobs\nThe memo went out at 9.\n\nMore later.";
        assert!(rules.clean(news, Kind::Message).text().contains("The memo went out at 9."));
        let hn = "Nimbrel lays off 22% of staff (nimbrel.example)\n312 points by rkessler 6 hours ago | hide | past | favorite | 241 comments\nThe post says 310 people.";
        assert_eq!(rules.clean(hn, Kind::Message).text(), "The post says 310 people.");
    }

    #[test]
    fn author_boxes_ratings_live_blog_notices_and_show_credits_are_furniture_and_news_beside_them_is_not() {
        let text = "Jaxon Ferreira-Lund — Gaming enthusiast since the cartridge days.\n\
            Mike Daniels | Tech Careers Editor at HireHorizon.\n\
            Rate this post ★★★★☆ (4.6/5 from 212 votes)\n\
            We track every company cutting jobs because of AI so you don't have to.\n\
            (2026 Guide)\n\
            This is a developing story.\n\
            Refresh for updates.\n\
            Top image: A Halvorsen Freight truck outside Joliet, Illinois.\n\
            Back Office Hours is a Sundial Media production.\n\
            Our theme is \"Pica\" by Lettered Lane.\n\
            Hosts and guests may hold positions in securities discussed.\n\
            Halvorsen Freight will cut 400 dispatch jobs in Joliet, the company said.\n\
            Nettlefield Airlines – rumored cuts to reservations staff, not confirmed yet.";
        assert_eq!(
            kept(text),
            vec![
                "Halvorsen Freight will cut 400 dispatch jobs in Joliet, the company said.",
                "Nettlefield Airlines – rumored cuts to reservations staff, not confirmed yet.",
            ]
        );
    }

    #[test]
    fn exports_of_reddit_hacker_news_whatsapp_polls_and_feed_bots_keep_only_what_people_say() {
        let text = |t: &str| kept_as(t, Kind::Message);
        let old_reddit = "[–] kanji_kid 87 points 13 hours ago\nOur agency cut rates by 40% in March.\npermalink embed save parent report give award reply";
        assert_eq!(text(old_reddit), vec!["Our agency cut rates by 40% in March."]);
        let json = "kind: t1\nparent_id: t3_1dbq7xk\nscore: -14\nupvote_ratio: 0.96\nbody: The studio let 43 artists go on Monday.";
        assert_eq!(text(json), vec!["The studio let 43 artists go on Monday."]);
        let hn = "freightnerd 6 hours ago | parent | context | flag | on: Brightwater Logistics to cut 900 jobs\nMemphis is the hub being cut.";
        assert_eq!(text(hn), vec!["Memphis is the hub being cut."]);
        let whatsapp = "6/8/26, 7:37 PM - Aunt Bev: they cut 40 of us at the Reno plant\n6/8/26, 7:36 PM - Aunt Bev: <Media omitted>";
        assert_eq!(text(whatsapp), vec!["they cut 40 of us at the Reno plant"]);
        let iphone = "[10/03/26, 06:09] Luis Ortega: reviewed = cut lol\n[10/03/26, 06:12] Sam Dutta: the notice went up on the break room board at 6";
        assert_eq!(text(iphone), vec!["reviewed = cut lol", "the notice went up on the break room board at 6"]);
        let poll = "◉ Yes, and cut staff — 38%\n1️⃣ No — 47 votes\nPoll ends in 23 hours";
        assert!(text(poll).is_empty(), "{:?}", text(poll));
        let bot = "📡 New from Kinwell Wire\n⚠️ Feed error\nreturned 403.\nRetrying in 30 min.\nraj.m has been deactivated.\nSVP, Revenue Cycle\nQuentin Abernathy-Sloan, MD";
        assert!(text(bot).is_empty(), "{:?}", text(bot));
    }

    #[test]
    fn a_newsletters_asides_about_itself_are_furniture_and_its_news_is_not() {
        let text = "Morning, burners.\n\
            Short one this week because I'm on a train with terrible Wi-Fi.\n\
            Platform Shift is a weekly note on software, work and money.\n\
            People Ops Weekly is published by Tallis Media LLC.\n\
            [Chart: AI-attributed job cuts by month, Jan-Apr 2026.\n\
            Today's chart: insurers vs. the index, year to date.\n\
            Quorra closed 40 stores in Ohio last week.\n\
            That's it.\n\
            I read everything, eventually.";
        assert_eq!(kept(text), vec!["Quorra closed 40 stores in Ohio last week."]);
    }

    #[test]
    fn forum_and_social_exports_chrome_email_footers_bots_and_code_are_furniture() {
        let text = |t: &str| kept_as(t, Kind::Message).join("\n");
        let sky = "Akiko Sunder @akikosunder.bsky.example · 2d\n\nI've had three clients ask if I'm still human.\n\n💬 48 🔁 612 ❤️ 2.1K";
        assert_eq!(text(sky), "I've had three clients ask if I'm still human.");
        let page = "Docket & Brief Weekly\n12,400 followers\n5d\n\nWe reported 26 paralegal roles cut on June 2.";
        assert_eq!(text(page), "We reported 26 paralegal roles cut on June 2.");
        let forum = "Re: Carraway County going to AI transcripts\n« Reply #2 on: May 02, 2026, 09:49:37 AM »\n\nIt's on the agenda for May 12, item 14.\n\n👍 41 · Reply\nContinue this thread →\n4 more replies";
        assert_eq!(text(forum), "It's on the agenda for May 12, item 14.");
        let email = "Forwarded message\nDear colleagues\nThe Reno office closes on June 30.\nWarm regards\nThis message may contain confidential information.\nIf you are not the intended recipient, please delete it.";
        assert_eq!(text(email), "The Reno office closes on June 30.");
        let bots = "🔀 *acme/platform* PR #8841 merged by svc-bot: \"remove QA gate\"\n🎫 QA-2291 was reassigned from Sam Ibarra to Unassigned\n👋 Welcome **quietlancer** to the server!\nThis post has been deleted by its author.";
        assert_eq!(text(bots), "");
        let code = "someone merged this:\n```yaml\nqa_signoff:\n  required: false\n```\nso QA sign-off is gone";
        assert_eq!(text(code), "someone merged this\nso QA sign-off is gone");
        // Lines in the same shapes that say something stay.
        let news = "Re the memo: it says 300 jobs go in Reno.\nDear God, they cut the whole Reno desk.\nRegards to everyone we lost: 40 people in QA.";
        assert_eq!(text(news), news);
    }

    #[test]
    fn page_meta_paywalls_disclaimers_funding_bios_and_episode_intros_are_furniture_and_news_beside_them_is_not() {
        let text = "Capstan Press Agency • Thu, May 7, 2026, 5:05 PM EDT • 3 min read\n\
            You have 2 free articles remaining this month.\n\
            Cordwain Markets does not provide investment advice.\n\
            Data delayed at least 15 minutes.\n\
            When you buy through links on our site, we may earn an affiliate commission.\n\
            Guest essays reflect the views of their authors.\n\
            Submit a tip.\n\
            Contributions are tax-deductible to the extent allowed by law.\n\
            This story is part of the Courier's Work in Progress series, supported in part by the Three Rivers Fund.\n\
            Summaries are generated automatically and may contain errors.\n\
            Update, May 8: This article has been updated with comment from Harrowgate Mutual.\n\
            He has covered property and casualty carriers for 12 years.\n\
            Bree Tallis is a personal finance writer who has covered banking since 2018.\n\
            Hospitals turn to AI to chase unpaid claims · Pennsylvania hospital margins improve but rural sites lag\n\
            (Meridian Wire, Byteharbor)\n\
            Marguerite Oyelaran and Tobin Reyes-Hart talk through Harrowgate's job cuts with an adjuster.\n\
            Harrowgate said it does not provide severance to contractors.\n\
            The cuts take three minutes to read about and years to recover from.\n\
            (Of course they did.)\n\
            Before joining Initech, Roe ran the claims unit at Globex.\n\
            Initech cut 300 jobs · the memo gave no reason.\n\
            From: Office of the Managing Partner\n\
            Sent: Tuesday, May 19, 2026 9:02 AM\n\
            Date: June 30 is the last day for everyone in Reno.\n\
            — Dr. Anselm Whitfield, President and CEO\n\
            Evelyn Strand\n\
            — and 300 more jobs go in May.";
        assert_eq!(
            kept(text),
            vec![
                "Harrowgate said it does not provide severance to contractors.",
                "The cuts take three minutes to read about and years to recover from.",
                "(Of course they did.)",
                "Before joining Initech, Roe ran the claims unit at Globex.",
                "Initech cut 300 jobs · the memo gave no reason.",
                "Date: June 30 is the last day for everyone in Reno.",
                "and 300 more jobs go in May."
            ]
        );
    }

    #[test]
    fn advice_to_the_reader_is_furniture_but_news_opening_on_the_same_word_stays() {
        let text = "Update your LinkedIn now.\nFile for unemployment the first week.\nDon't touch the 401k.\nPlan for 2027 includes 400 more cuts, the memo said.\nUpdate on the Initech layoffs: the company said 300 more roles would go.\nCut them and the organization forgets.";
        assert_eq!(
            kept(text),
            vec![
                "Plan for 2027 includes 400 more cuts, the memo said.",
                "Update on the Initech layoffs: the company said 300 more roles would go.",
                "Cut them and the organization forgets."
            ]
        );
    }

    #[test]
    fn a_named_speaker_goes_on_speaking_until_a_blank_line_or_another_label() {
        let text = "CALL PARTICIPANTS\nCorporate: Rhea Lindqvist — Chief Executive Officer; Tomasz Eberle — Chief Financial Officer\n\nRHEA LINDQVIST: Thanks, Anita, and good afternoon, everyone.\nOstrander closed 2025 with premiums of $8.2 billion.\nTOMASZ EBERLE: Thank you, Rhea.\nWe expect savings of $210 million by the end of 2026.\nOPERATOR: Our first question comes from Felix Arnaud.\nRHEA LINDQVIST: Assist resolved 58% of calls in December.\n\nShares rose 3% after the call.";
        let cleaned = rules().clean(text, Kind::Article);
        let said_by = |needle: &str| turn_of(&cleaned, needle).map(|t| (t.name, t.role));
        let ceo = Some(("RHEA LINDQVIST".to_string(), "Chief Executive Officer".to_string()));
        assert_eq!(said_by("Ostrander closed 2025"), ceo, "{cleaned:#?}");
        assert_eq!(said_by("We expect savings").map(|(_, role)| role).as_deref(), Some("Chief Financial Officer"));
        assert_eq!(said_by("Assist resolved"), ceo);
        // A blank line ends the turn, and the list of participants is no claim.
        assert_eq!(said_by("Shares rose"), None);
        assert!(!cleaned.text().contains("Corporate:"), "{cleaned:#?}");
    }

    #[test]
    fn a_broadcast_speaker_in_capitals_with_a_role_speaks_at_once_and_then_by_surname() {
        let text = "GIDEON PLATT, NEWS 9 REPORTER: Employees carried out boxes this afternoon.\n\nRENATA FUCHS, FORMER BILLING CODER: They told us at 9 a.m.\n\nMAYA ODUNSI, RESERVATIONS AGENT: I trained the chatbot.\n\nPLATT: In a statement, Calloway said the system reduces denials.\nThe company said workers will get 12 weeks of severance.";
        let cleaned = rules().clean(text, Kind::Article);
        let said_by = |needle: &str| turn_of(&cleaned, needle).map(|t| t.name);
        assert_eq!(said_by("They told us").as_deref(), Some("RENATA FUCHS"), "{cleaned:#?}");
        assert_eq!(said_by("In a statement").as_deref(), Some("GIDEON PLATT"), "{cleaned:#?}");
        assert_eq!(said_by("12 weeks").as_deref(), Some("GIDEON PLATT"), "{cleaned:#?}");
    }

    #[test]
    fn a_page_label_is_no_speaker_however_often_it_is_used() {
        let text =
            "Key Takeaway: Rao says the cuts came through attrition.\nKey Takeaway: Nobody tracks displaced workers.";
        let cleaned = rules().clean(text, Kind::Article);
        assert!(cleaned.blocks.iter().all(|b| b.turn.is_none()), "{cleaned:#?}");
    }

    #[test]
    fn chat_notices_alt_text_and_asides_about_the_poster_are_furniture() {
        let lines = [
            "🔁 boosted @dana_ferro's post",
            "/giphy this is fine",
            "🎵 Now playing: lofi beats to organise to",
            "🐟 This post is trending in Insurance Professionals",
            "Hannah Wu pinned a message to this channel.",
            "🎉 GG @rin.exe, you just reached **level 12**!",
            "Alt text: Screenshot of a homepage with a red BREAKING banner.",
            "(ex-Quorra dispatch, Tarrow hub, laid off in January)",
        ];
        for line in lines {
            let text = format!("{line}\nQuorra cut 80 dispatch jobs on Monday.");
            assert_eq!(kept_as(&text, Kind::Message), vec!["Quorra cut 80 dispatch jobs on Monday."], "{line}");
        }
    }
}
