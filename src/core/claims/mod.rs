//! The labeller: every claim of a document becomes `sourced` or `speculative`, with reasons and the
//! source it rests on. The decision follows the structure of the sentence — who says what — before
//! cue words: an attributed statement keeps its speaker's label whatever it quotes, and only the
//! words in the writer's own voice are searched for hedges, forecasts and opinions.

mod attribution;
mod evidence;
pub mod gate;
mod markers;
pub mod model;
pub mod scorer;
mod show_notes;
mod tokens;

pub use model::{Claim, Source, SourceKind, SourcedReason, SpeculativeReason, Verdict};
pub use scorer::Weights;

use super::companies::companies;
use super::hygiene::{Kind, Turn, trailing_credit};
use super::lexicon::Lexicon;
use super::model::{Article, Document, Message, Thread};
use super::segment::{Segment, break_lowercase_sentences, segments};
use super::text::{article_text, host_of, normalize, urls_in};
use attribution::{Attribution, BeliefKind, Context, Frame, Speaker};
use show_notes::ShowVoice;
use tokens::Tokens;

/// The uncertainty cues in `text`, as a claim built outside the labeller (a headline) lists them.
pub fn hedges_in(text: &str, lex: &Lexicon) -> Vec<String> {
    markers::hedges(&tokens::Tokens::new(text, lex), lex)
}

/// Labels every claim of a document, in document order.
pub fn label_document(doc: &Document, lex: &Lexicon) -> Vec<Claim> {
    labelled(doc, lex, Some(gate::embedded()))
}

/// Every line the labeller would emit before the claim gate drops those it reads as no assertion:
/// what the gate is trained on.
pub fn label_document_ungated(doc: &Document, lex: &Lexicon) -> Vec<Claim> {
    labelled(doc, lex, None)
}

fn labelled(doc: &Document, lex: &Lexicon, gate: Option<&Weights>) -> Vec<Claim> {
    match doc {
        Document::Article(a) => label_article(a, lex, gate),
        Document::Thread(t) => gated_thread(t, thread_claims(t, lex), gate),
    }
}

fn label_article(article: &Article, lex: &Lexicon, gate: Option<&Weights>) -> Vec<Claim> {
    let text = article_text(&article.text);
    if let Some(thread) = community_page(article, &text, lex) {
        let claims = thread_claims(&thread, lex);
        let Some(weights) = gate else { return claims };
        // The gate reads a claim's line among the page's lines, all its posts together.
        let page = thread.messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n");
        return gate::keep(claims, weights, |_| (page.as_str(), true));
    }
    let company = lead_company(article, &text, lex);
    gated_article(&text, article_text_claims(article, &text, company, lex), gate)
}

fn gated_article(text: &str, claims: Vec<Claim>, gate: Option<&Weights>) -> Vec<Claim> {
    match gate {
        Some(weights) => gate::keep(claims, weights, |_| (text, false)),
        None => claims,
    }
}

fn gated_thread(thread: &Thread, claims: Vec<Claim>, gate: Option<&Weights>) -> Vec<Claim> {
    let Some(weights) = gate else { return claims };
    let texts: std::collections::HashMap<String, &str> =
        thread.messages.iter().enumerate().map(|(i, m)| (m.origin(i), m.text.as_str())).collect();
    gate::keep(claims, weights, |c| (texts.get(&c.origin).copied().unwrap_or_default(), true))
}

/// A forum or social page fetched as an article (outlet "Reddit", a news.ycombinator.com address) is
/// people posting, not a newsroom reporting: the chat rules label it, each post under its comment
/// header as a message of its own, so a link in one post backs nothing in the next.
fn community_page(article: &Article, text: &str, lex: &Lexicon) -> Option<Thread> {
    let named = article.outlet.as_deref().is_some_and(|o| lex.is_community_site(o));
    let hosted = article.url.as_deref().and_then(host_of).is_some_and(|h| lex.is_social_host(&h));
    if !(named || hosted) {
        return None;
    }
    let messages = lex
        .hygiene
        .posts(text)
        .into_iter()
        // The page's headings and comment headers go as an article's would.
        .map(|post| lex.hygiene.clean(post, Kind::Article).text())
        .filter(|post| !post.trim().is_empty())
        .map(|text| Message {
            id: article.id.clone(),
            author: None,
            ts: article.published,
            text,
            links: Vec::new(),
            permalink: None,
        })
        .collect();
    Some(Thread { id: article.id.clone(), channel: article.outlet.clone(), messages })
}

fn lead_company(article: &Article, text: &str, lex: &Lexicon) -> Option<String> {
    let title = article.title.as_deref().unwrap_or_default();
    companies(&format!("{title}\n{text}"), lex).into_iter().next()
}

/// Labels an article whose HTML is already reduced to `text` and whose lead company is known, so a
/// caller that needs both for other purposes does the work once.
pub fn label_article_text(article: &Article, text: &str, company: Option<String>, lex: &Lexicon) -> Vec<Claim> {
    gated_article(text, article_text_claims(article, text, company, lex), Some(gate::embedded()))
}

fn article_text_claims(article: &Article, text: &str, company: Option<String>, lex: &Lexicon) -> Vec<Claim> {
    let scorer = Weights::embedded();
    article_claims(article, text, company, lex)
        .into_iter()
        .map(|p| {
            let verdict = match p.decision {
                Decision::Rules(v) => v,
                Decision::WriterVoice { features, generic_subject } => {
                    writer_voice_verdict(scorer.probability(&features) >= scorer.threshold, generic_subject, p.source)
                }
            };
            Claim { text: p.text, verdict, origin: p.origin, hedges: p.hedges }
        })
        .collect()
}

/// A claim in the writer's own voice that the rules left to the scorer, with its features: what the
/// scorer is trained on.
#[derive(Debug, Clone)]
pub struct ScorerInput {
    pub origin: String,
    pub text: String,
    pub features: Vec<String>,
}

/// The claims of a document that reach the scorer, for training it.
pub fn scorer_inputs(doc: &Document, lex: &Lexicon) -> Vec<ScorerInput> {
    let Document::Article(article) = doc else {
        return Vec::new();
    };
    let text = article_text(&article.text);
    let company = lead_company(article, &text, lex);
    article_claims(article, &text, company, lex)
        .into_iter()
        .filter_map(|p| match p.decision {
            Decision::WriterVoice { features, .. } => Some(ScorerInput { origin: p.origin, text: p.text, features }),
            Decision::Rules(_) => None,
        })
        .collect()
}

/// How a claim's label is decided: by the rules, or by the scorer for the writer's own voice.
enum Decision {
    Rules(Verdict),
    WriterVoice { features: Vec<String>, generic_subject: bool },
}

/// A claim whose label may still wait for the scorer.
struct Pending {
    text: String,
    origin: String,
    hedges: Vec<String>,
    source: Option<Source>,
    decision: Decision,
    /// Whether its speaker is named at its end (", the company said on Wednesday."), which frames
    /// every clause before it.
    attributed_at_end: bool,
}

fn article_claims(article: &Article, text: &str, company: Option<String>, lex: &Lexicon) -> Vec<Pending> {
    let show_notes = is_show_notes(text, lex);
    // Only show notes tell first names from surnames (see `attribution::lone_first_name`).
    let (name_starts, name_ends, on_record_starts) =
        if show_notes { Context::name_parts_in(text, lex) } else { Default::default() };
    let mut ctx = Context { company, name_starts, name_ends, on_record_starts, show_notes, ..Context::default() };
    let ctx_at_start = ctx.clone();
    let origin = article.id.clone().or_else(|| article.url.clone()).unwrap_or_else(|| "article".into());
    let cleaned = lex.hygiene.clean(text, Kind::Article);
    let outlet = article.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty());
    let outlet_source =
        outlet.map(|name| Source { name: name.to_string(), kind: SourceKind::Outlet, url: article.url.clone() });
    // A dateline's credit ("(Reuters)") names whose reporting a republished article carries.
    // A press release's own voice is its issuer's, not the site's that carries it.
    let issuer = press_release_issuer(text, outlet, lex).map(|name| Source {
        name,
        kind: SourceKind::Official,
        url: article.url.clone(),
    });
    let page_source =
        issuer.clone().or_else(|| credited(cleaned.credit.as_deref(), lex, outlet_source.as_ref()).or(outlet_source));
    let hosts = if show_notes { show_notes::host_names(text, lex) } else { Default::default() };
    let presenters = if show_notes {
        let turns = cleaned.blocks.iter().filter_map(|b| b.turn.as_ref());
        show_notes::presenters(turns, text, &hosts, &ctx.on_record_starts, lex)
    } else {
        Default::default()
    };
    let mut last_speaker: Option<Speaker> = None;
    let mut last_unnamed_guest = false;
    let mut pending = |text: String, turn: Option<&Turn>, quoted_by: Option<&Speaker>| {
        let (text, source, credit, social_credit) = match trailing_credit(&text) {
            Some((rest, credit)) => {
                let cited = credited(Some(&credit), lex, page_source.as_ref());
                (rest, cited.clone().or_else(|| page_source.clone()), cited, names_social_site(&credit, lex))
            }
            None => (text, page_source.clone(), None, false),
        };
        let tokens = Tokens::new(&text, lex);
        let mut attr = attribution::find(&tokens, lex, &ctx);
        // In a transcript, what nobody else is said to say is said by the speaker whose turn it is;
        // a guest's "I suspect …" is their view, judged on its words, while an executive's "we
        // expect" is the company's outlook on record and their "I think" their own view.
        if attr.is_none()
            && let Some(t) = turn
            && !presenters.contains(&t.name.to_lowercase())
            && let speaker = turn_speaker(t, &ctx, lex)
            && !attribution::opens_on_stance(&tokens)
            && if matches!(speaker, Speaker::Official(_)) {
                !attribution::gives_personal_view(&tokens, lex)
            } else {
                !attribution::gives_own_view(&tokens, lex) && !attribution::opens_on_condition(&tokens)
            }
        {
            attr =
                Some(Attribution { speaker, frame: Frame::Statement, frame_span: tokens::Span { start: 0, end: 0 } });
        }
        // A sentence of a quotation whose speaker is named where it closes ("“It could be coding. It
        // could be payers,” said …") is said by that speaker.
        if attr.is_none()
            && let Some(speaker) = quoted_by
        {
            attr = Some(Attribution {
                speaker: speaker.clone(),
                frame: Frame::Statement,
                frame_span: tokens::Span { start: 0, end: 0 },
            });
        }
        // A quotation standing alone continues the speaker of the sentence before it.
        if attr.is_none() && is_quotation(&text) {
            attr = last_speaker.clone().map(|speaker| Attribution {
                speaker,
                frame: Frame::Statement,
                frame_span: tokens::Span { start: 0, end: 0 },
            });
        }
        // A podcast's unnamed guest is relayed as they told it; no newsroom stands behind who they
        // are, nor behind "she says" about them in the next sentence. Its hosts give their view.
        let voice = attr.as_ref().filter(|_| show_notes).and_then(|a| show_notes::voice(&tokens, a, &hosts, lex));
        if let Some(a) = attr.as_mut().filter(|_| show_notes) {
            let lone_pronoun = matches!(&a.speaker, Speaker::Person(p) if lex.speakers.person_pronouns.contains(p));
            if a.speaker == Speaker::Anonymous
                || voice == Some(ShowVoice::UnnamedGuest)
                || lone_pronoun && last_unnamed_guest
            {
                a.speaker = Speaker::Weasel;
            }
            last_unnamed_guest = a.speaker == Speaker::Weasel;
        }
        last_speaker =
            attr.as_ref().map(|a| a.speaker.clone()).filter(|s| matches!(s, Speaker::Official(_) | Speaker::Person(_)));
        remember_people(&attr, &mut ctx);
        ctx.unnamed_sources |= quotes_unnamed_people(&tokens, attr.as_ref());
        let mut decision = match (voice, &attr) {
            (Some(ShowVoice::Host), Some(a)) => Decision::Rules(host_verdict(&tokens, a, lex)),
            _ => article_decision(&tokens, attr.as_ref(), lex, source.as_ref()),
        };
        // "… (Bloomberg)": an aggregator's credit is a checkable attribution of plain reporting;
        // "… (via Blind)" credits a social post.
        if let (Decision::WriterVoice { .. }, Some(outlet)) = (&decision, credit) {
            decision = Decision::Rules(Verdict::sourced(SourcedReason::Outlet, outlet));
        } else if social_credit && !matches!(&decision, Decision::Rules(v) if !v.is_sourced()) {
            decision = Decision::Rules(Verdict::speculative(vec![SpeculativeReason::UnverifiedSocial]));
        }
        // "Savings from the plan will be redirected to …": in its own release, what the issuer
        // plans or expects is its outlook on record, as "we expect" is in an executive's mouth.
        // A promise in the release's praise of itself ("will set a new gold standard") stays its
        // view: only a plan with concrete detail counts.
        // "The company expects to incur charges of $14 million", "The company believes the plan will
        // save $32 million": the release's own name for its issuer says so too.
        let issuer_speaks = matches!(tokens.bare.as_slice(), [the, company, ..]
            if the == "the" && matches!(company.as_str(), "company" | "firm"))
            || issuer.as_ref().is_some_and(|issuer| {
                matches!(&attr, Some(Attribution { speaker: Speaker::Official(name), .. })
                    if issuer.name.starts_with(name.as_str()) && tokens.orig.first().is_some_and(|w| name.starts_with(*w)))
            });
        let own_voice = attr.is_none() || issuer_speaks;
        if let (Some(issuer), true, Decision::Rules(Verdict::Speculative { reasons, .. })) =
            (&issuer, own_voice, &decision)
            && reasons.iter().all(|r| {
                matches!(r, SpeculativeReason::Prediction | SpeculativeReason::Hedge)
                    || issuer_speaks && matches!(r, SpeculativeReason::Weasel | SpeculativeReason::Opinion)
            })
            && scorer::is_concrete_plan(&tokens)
        {
            decision = Decision::Rules(Verdict::sourced(SourcedReason::Official, issuer.clone()));
        }
        let hedges = markers::hedges(&tokens, lex);
        let attributed_at_end = attr.as_ref().is_some_and(|a| {
            a.frame_span.start > 0 && tokens.ends_chunk(a.frame_span.start - 1) && a.frame_span.end + 4 >= tokens.len()
        });
        Pending { text, origin: origin.clone(), hedges, source, decision, attributed_at_end }
    };
    let mut out = Vec::new();
    let sentences: Vec<(Vec<Segment>, Option<&Turn>)> = cleaned
        .blocks
        .iter()
        .flat_map(|b| by_sentence(segments(&b.text, lex)).into_iter().map(move |s| (s, b.turn.as_ref())))
        .collect();
    let quote_speakers = speakers_named_where_quotations_close(&sentences, lex, &ctx_at_start);
    for (index, (sentence, turn)) in sentences.into_iter().enumerate() {
        let quoted_by = quote_speakers[index].as_ref();
        // Show notes say who joins the episode and where to hear it; that is not the news, though it
        // names the people the notes go on to quote.
        let about_the_episode = |text: &str| show_notes && lex.hygiene.is_show_intro(text);
        let episode =
            sentence[0].whole.as_deref().map_or_else(|| about_the_episode(&sentence[0].text), about_the_episode);
        let claims_before = out.len();
        let parts: Vec<Pending> = sentence.iter().map(|seg| pending(seg.text.clone(), turn, quoted_by)).collect();
        let rules_label = |p: &Pending| match &p.decision {
            Decision::Rules(v) => Some(v.is_sourced()),
            Decision::WriterVoice { .. } => None,
        };
        // "Corrigan said 410 staff would be offered jobs, while about 120 roles would be eliminated":
        // after a sourced statement, a clause whose only cue is the backshifted "would" of reported
        // speech goes on reporting it, not the writer's guess.
        let reported_on = |i: usize, p: &Pending| {
            i > 0
                && rules_label(&parts[0]) == Some(true)
                && !p.hedges.is_empty()
                && p.hedges.iter().all(|h| matches!(h.as_str(), "would" | "wouldn't" | "would not"))
                && matches!(&p.decision, Decision::Rules(Verdict::Speculative { reasons, .. })
                    if reasons.iter().all(|r| matches!(r, SpeculativeReason::Hedge | SpeculativeReason::Prediction)))
        };
        // "Castellanos conceded that …, but said it could eventually handle most calls": a clause
        // whose subject is left out goes on with the speaker of the sentence, hedge and all.
        let same_speaker = |i: usize, p: &Pending| {
            let mut words =
                p.text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase());
            i > 0
                && rules_label(&parts[0]) == Some(true)
                && words.next().is_some_and(|w| matches!(w.as_str(), "and" | "but" | "while" | "though"))
                && words.next().is_some_and(|w| lex.say_verbs.contains(w.as_str()))
        };
        let disagree = parts.iter().any(|p| rules_label(p) == Some(true))
            && parts
                .iter()
                .enumerate()
                .any(|(i, p)| rules_label(p) == Some(false) && !reported_on(i, p) && !same_speaker(i, p));
        // An article's sentence is one claim; when the writer adds speculation to a sourced
        // statement ("…, and more cuts are likely"), the sentence as a whole is speculative.
        match sentence[0].whole.clone() {
            Some(whole) if disagree => {
                // "Telvora will eliminate 4,000 jobs over two years as its platform takes over
                // billing and plan changes, the company said": a speaker named at the end of the
                // sentence says all of it, whatever its clauses say on their own.
                let mut merged = pending(whole, turn, quoted_by);
                let said_at_end =
                    merged.attributed_at_end && matches!(&merged.decision, Decision::Rules(v) if v.is_sourced());
                if !said_at_end {
                    let reasons: Vec<SpeculativeReason> = parts
                        .iter()
                        .filter_map(|p| match &p.decision {
                            Decision::Rules(Verdict::Speculative { reasons, .. }) => Some(reasons.clone()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    merged.decision = Decision::Rules(Verdict::speculative(reasons));
                }
                out.push(merged);
            }
            Some(whole) => out.push(pending(whole, turn, quoted_by)),
            None => out.extend(parts),
        }
        if episode {
            out.truncate(claims_before);
        }
    }
    without_repeats(out, article.title.as_deref())
}

/// A claim the page says twice is kept once. A pull quote repeats a line of the body to catch the
/// eye ("\"We will hire agents first.\" — the CEO"); it is one claim, said where the body says it.
/// A page that repeats its own headline above the story (as scraped pages do) says it as a heading,
/// not as a claim; a stub whose only line is its headline keeps it.
fn without_repeats(mut claims: Vec<Pending>, title: Option<&str>) -> Vec<Pending> {
    const SHORTEST: usize = 30;
    let keys: Vec<String> = claims.iter().map(|p| repeat_key(&p.text)).collect();
    let mut keep = vec![true; claims.len()];
    for i in 0..claims.len() {
        if keys[i].len() < SHORTEST {
            continue;
        }
        let within = memchr::memmem::Finder::new(keys[i].as_bytes());
        let repeated = keys.iter().enumerate().any(|(j, other)| {
            j != i
                && keep[j]
                && (other.len() > keys[i].len() && within.find(other.as_bytes()).is_some()
                    || j < i && *other == keys[i])
        });
        if repeated {
            tracing::debug!(claim = %claims[i].text, "Dropped a pull quote the page says again.");
            keep[i] = false;
        }
    }
    if let Some(heading) = title.map(repeat_key).filter(|k| k.len() >= 20)
        && keys.iter().zip(&keep).any(|(key, kept)| *kept && *key != heading)
    {
        for (i, key) in keys.iter().enumerate() {
            if keep[i] && *key == heading {
                tracing::debug!(claim = %claims[i].text, "Dropped the page's own headline repeated above the story.");
                keep[i] = false;
            }
        }
    }
    let mut keep = keep.into_iter();
    claims.retain(|_| keep.next().unwrap_or(true));
    claims
}

/// The words a claim says, for spotting a repeat: a quotation standing alone or signed with a dash
/// counts by its quoted words only.
fn repeat_key(text: &str) -> String {
    let quoted = text.strip_prefix(['"', '“']).and_then(|rest| {
        let (end, close) = rest.char_indices().find(|(_, c)| matches!(c, '"' | '”'))?;
        let after = rest[end + close.len_utf8()..].trim_start();
        (after.is_empty() || after.starts_with(['—', '–', '-'])).then(|| &rest[..end])
    });
    let said = quoted.unwrap_or(text);
    if said.is_ascii() {
        // Byte by byte: for ASCII, `is_alphanumeric` and `to_lowercase` are their ASCII forms.
        let bytes = said.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase()));
        return bytes.collect();
    }
    said.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A show host's view: opinion, with the forecasts and hedges in what they said; what they only heard
/// ("she's heard from several artists") is hearsay.
fn host_verdict(tokens: &Tokens<'_>, a: &Attribution, lex: &Lexicon) -> Verdict {
    let said = |i: usize| i < a.frame_span.start || i >= a.frame_span.end;
    let mut reasons = markers::find(tokens, lex, said);
    if !reasons.contains(&SpeculativeReason::Hearsay) {
        reasons.retain(|r| *r != SpeculativeReason::Opinion);
        reasons.insert(0, SpeculativeReason::Opinion);
    }
    Verdict::speculative(reasons)
}

/// Whether the page is a podcast's show notes.
fn is_show_notes(text: &str, lex: &Lexicon) -> bool {
    // A news page's footer ("… wherever you get your podcasts") has one weak cue; show notes have a
    // strong one ("In this episode") or several.
    lex.show_notes_cues.is_match(text)
        || lex.show_notes_weak_cues.find_iter(text).nth(1).is_some()
        || has_transcript_turns(text)
        || chapter_stamps(text) >= 3
}

/// How many chapter marks the text holds: "(02:14)", "[1:07:40]", or "03:20 Brenner says …" opening
/// a line or list item; a live blog's clock times ("10:42 a.m.", "11:05 ET") are no chapters.
fn chapter_stamps(text: &str) -> usize {
    let is_stamp = |s: &str| {
        let parts: Vec<&str> = s.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts[0].len() <= 2
            && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && parts[1..].iter().all(|p| p.len() == 2)
    };
    let bracketed = text
        .match_indices(['(', '['])
        .filter(|(at, open)| {
            let close = if *open == "(" { ')' } else { ']' };
            let rest = &text[at + 1..];
            rest.find(close).filter(|&e| e <= 8).is_some_and(|end| is_stamp(&rest[..end]))
        })
        .count();
    let clock = ["a.m.", "p.m.", "am", "pm", "a.m", "p.m", "et", "pt", "ct", "gmt", "utc", "bst"];
    let opening = text
        .split(['\n', '>'])
        .filter(|line| {
            let mut words = line.split_whitespace().skip_while(|w| matches!(*w, "•" | "-" | "*" | "–" | "·"));
            let (Some(first), Some(next)) = (words.next(), words.next()) else { return false };
            is_stamp(first)
                && next.chars().next().is_some_and(char::is_uppercase)
                && !clock.iter().any(|c| next.eq_ignore_ascii_case(c))
        })
        .count();
    bracketed + opening
}

/// "MAYA: The pyramid doesn't work …" / "JONAH: Give it three years …": a talk written down as turns
/// labelled by capitalised first names, several of them by two people or more, one speaking again.
fn has_transcript_turns(text: &str) -> bool {
    const NOT_NAMES: &[&str] = &["EDIT", "UPDATE", "UPDATED", "NOTE", "CORRECTION", "BREAKING", "FAQ", "TLDR", "PS"];
    let mut names: Vec<(&str, usize)> = Vec::new();
    let mut turns = 0;
    for word in words_with_a_colon(text) {
        // "<p><b>RAFI:</b>" as scraped: the label between its tags.
        let label = word.rsplit('>').find(|part| part.contains(':')).unwrap_or(word);
        let Some(name) = label.split(':').next().filter(|_| label.contains(':')) else { continue };
        let name = name.trim_start_matches(['*', '[', '(']);
        if name.len() >= 2 && name.chars().all(|c| c.is_ascii_uppercase()) && !NOT_NAMES.contains(&name) {
            turns += 1;
            match names.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => names.push((name, 1)),
            }
        }
    }
    // People talking take turns again; a roundup's datelines ("CHARLOTTE: …", "MADISON: …") do not.
    turns >= 3 && names.len() >= 2 && names.iter().any(|(_, count)| *count >= 2)
}

/// The words of `text` (as `split_whitespace` finds them, in order) that hold a colon. Found from
/// the colons, which few words have, so a page is not split into every one of its words.
fn words_with_a_colon(text: &str) -> impl Iterator<Item = &str> {
    let mut after_last = 0;
    text.match_indices(':').filter_map(move |(colon, _)| {
        if colon < after_last {
            return None; // A second colon in the word just given.
        }
        let start = text[..colon]
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        let end = text[colon..].find(char::is_whitespace).map_or(text.len(), |i| colon + i);
        after_last = end;
        Some(&text[start..end])
    })
}

/// Who issues a press release ("FOR IMMEDIATE RELEASE", or a newswire's "/Wire Name/ --" or
/// "--(WIRE NAME)--" after its dateline): the organisation its lead says "today announced" (or filed, said, released), named
/// up to its first comma or bracket ("Quillon Financial Group (NYSE: QFG), a leading provider of …,
/// today announced"); when the lead names none, the site that publishes it.
fn press_release_issuer(text: &str, outlet: Option<&str>, lex: &Lexicon) -> Option<String> {
    const MARKS: &[&str] =
        &["FOR IMMEDIATE RELEASE", "For Immediate Release", "For immediate release", "/ -- ", "/ — ", ")--"];
    const LEADS: &[&str] = &[
        "today announced",
        "announced today",
        "today said",
        "said today",
        "today filed",
        "today released",
        "today launched",
        "today unveiled",
        "today reported",
    ];
    if !MARKS.iter().any(|m| text.contains(m)) {
        return None;
    }
    let named = text.lines().find_map(|line| {
        let at = LEADS.iter().filter_map(|v| line.find(v)).min()?;
        let lead = lex.hygiene.without_dateline(&line[..at]);
        let name = lead.split([',', '(']).next()?.trim();
        let words = name.split_whitespace().count();
        ((1..=8).contains(&words) && name.starts_with(char::is_uppercase)).then(|| name.to_string())
    });
    // A newswire only carries the release; its name says nothing of who issued it.
    let site = outlet.filter(|o| !o.to_lowercase().contains("wire")).map(str::to_string);
    named.or(site)
}

/// Who a transcript turn's speaker is: an executive speaks for the company, anyone else for themself.
fn turn_speaker(turn: &Turn, ctx: &Context, lex: &Lexicon) -> Speaker {
    let role = Tokens::new(&turn.role, lex);
    if role.find(&lex.speakers.official_titles).is_empty() && role.find(&lex.speakers.official).is_empty() {
        Speaker::Person(turn.name.clone())
    } else {
        Speaker::Official(ctx.company.clone().unwrap_or_else(|| turn.name.clone()))
    }
}

/// For each sentence, the speaker named after the quotation it belongs to when that quotation opens
/// in it or before it and closes in a later sentence that names who said it: "“It could be coding. /
/// It could be payers. / You would need the data to know,” said Nia Vance." Only a person or an
/// organisation on record counts, and a quotation runs over six sentences at most.
fn speakers_named_where_quotations_close(
    sentences: &[(Vec<Segment>, Option<&Turn>)],
    lex: &Lexicon,
    ctx: &Context,
) -> Vec<Option<Speaker>> {
    let texts: Vec<String> = sentences
        .iter()
        .map(|(s, _)| {
            s[0].whole.clone().unwrap_or_else(|| s.iter().map(|seg| seg.text.as_str()).collect::<Vec<_>>().join(" "))
        })
        .collect();
    let odd_marks = |t: &str| t.chars().filter(|c| matches!(c, '"' | '“' | '”')).count() % 2 == 1;
    let opens = |t: &str| t.trim_start().starts_with(['"', '“']) && odd_marks(t);
    let mut out = vec![None; texts.len()];
    let mut i = 0;
    while i < texts.len() {
        if !opens(&texts[i]) {
            i += 1;
            continue;
        }
        let close = (i + 1..texts.len().min(i + 6)).take_while(|&j| !opens(&texts[j])).find(|&j| odd_marks(&texts[j]));
        let Some(close) = close else {
            i += 1;
            continue;
        };
        let tokens = Tokens::new(&texts[close], lex);
        let speaker = attribution::find(&tokens, lex, ctx)
            .filter(|a| a.frame_span.start > 0)
            .map(|a| a.speaker)
            .filter(|s| matches!(s, Speaker::Person(_) | Speaker::Official(_)));
        if speaker.is_some() {
            for slot in &mut out[i..close] {
                slot.clone_from(&speaker);
            }
        }
        i = close + 1;
    }
    out
}

/// Whether a sentence is a quotation, or the end of one that began in an earlier sentence.
fn is_quotation(text: &str) -> bool {
    let t = text.trim();
    let marks = t.chars().filter(|c| matches!(c, '"' | '“' | '”')).count();
    let closes = t.trim_end_matches(['.', ' ']).ends_with(['"', '”']) || t.ends_with(".\"") || t.ends_with(".”");
    let opens = t.starts_with(['"', '“']);
    closes && (opens && marks == 2 || marks == 1)
}

/// Segments grouped by the sentence they came from, in order.
fn by_sentence(segments: Vec<Segment>) -> Vec<Vec<Segment>> {
    let mut groups: Vec<Vec<Segment>> = Vec::new();
    for seg in segments {
        match groups.last_mut() {
            Some(g) if g[0].sentence == seg.sentence => g.push(seg),
            _ => groups.push(vec![seg]),
        }
    }
    groups
}

/// What the scorer's answer means for a writer's-voice claim: the outlet's reporting, or its
/// analysis (`weasel` when the subject is nobody in particular).
fn writer_voice_verdict(sourced: bool, generic_subject: bool, outlet: Option<Source>) -> Verdict {
    match outlet {
        Some(o) if sourced && o.kind == SourceKind::Official => Verdict::sourced(SourcedReason::Official, o),
        Some(o) if sourced => Verdict::sourced(SourcedReason::Outlet, o),
        _ if generic_subject => Verdict::speculative(vec![SpeculativeReason::Weasel]),
        Some(_) => Verdict::speculative(vec![SpeculativeReason::Opinion]),
        None => Verdict::speculative(vec![SpeculativeReason::Unsourced]),
    }
}

/// The outlet a credit names, when it is a known outlet or a web address other than the page's own.
fn credited(credit: Option<&str>, lex: &Lexicon, page: Option<&Source>) -> Option<Source> {
    let credit = credit?;
    // "via Corsair News Service", "(Source: …)": a labelled credit names an outlet even when no list
    // knows it.
    let (credit, labelled) = match credit.strip_prefix("via ") {
        Some(name) => (name, true),
        None => (credit, false),
    };
    let name = match lex.outlet_in(credit) {
        Some(o) => o.name().to_string(),
        None if credit.contains('.') && !credit.contains(' ') => {
            lex.outlet_for_host(&credit.to_lowercase()).map_or_else(|| credit.to_lowercase(), |o| o.name().to_string())
        }
        None if labelled && !names_social_site(credit, lex) => credit.to_string(),
        None => return None,
    };
    if page.is_some_and(|p| p.name == name) {
        return None;
    }
    Some(Source { name, kind: SourceKind::Outlet, url: None })
}

fn article_decision(
    tokens: &Tokens<'_>,
    attr: Option<&Attribution>,
    lex: &Lexicon,
    outlet: Option<&Source>,
) -> Decision {
    let rules = Decision::Rules;
    // "Quillfern did not respond to a request for comment about the Blind post.", "Tervo did not say
    // how much the programme would cost.": whoever would not answer, the sentence is the outlet's
    // account of its own reporting, whatever the question it was asked was about.
    if let Some(outlet) = outlet
        && attr.is_none_or(|a| a.frame_span.end <= a.frame_span.start)
        && (tokens.find(&lex.markers.no_comment).first().is_some_and(|h| h.start <= 6 && !tokens.quoted[h.start])
            || tokens.find(&lex.markers.not_disclosed).first().is_some_and(|h| h.start <= 3 && !tokens.quoted[h.start]))
        && (0..tokens.len().min(6)).all(|k| !tokens.quoted[k])
    {
        return rules(Verdict::sourced(SourcedReason::Outlet, outlet.clone()));
    }
    // A capitalised cue inside the sentence is a name ("Globex Insider"), not an unnamed source.
    let anonymous_cue = || {
        !tokens
            .find(&lex.speakers.anonymous)
            .into_iter()
            .all(|h| tokens.quoted[h.start] || h.start > 0 && tokens.capitalized(h.start))
    };
    // An unnamed social account or a rumour outweighs anyone but a named, checkable speaker.
    let second_hand = markers::second_hand(tokens, lex);
    // A named person or a checkable organisation; "one former manager" at a company is neither.
    let named = attr.is_some_and(|a| match &a.speaker {
        Speaker::Outlet(_) | Speaker::Document(_) => true,
        // A named person's turn, line or quotation passing on posts or rumours ("LARS PETTERSEN:
        // There are posts on Blind from people claiming …") is still second-hand: no frame of
        // theirs names where it came from. What they were told themselves ("management told us")
        // is their account on record.
        Speaker::Person(name) => {
            let own_words = a.frame_span.end == a.frame_span.start
                || a.frame_span.start == 0 && tokens.orig[a.frame_span.end - 1].ends_with(':');
            // What they only heard ("I've heard from people in the newsroom that …") is not.
            let heard = tokens.bare.iter().any(|w| matches!(w.as_str(), "heard" | "hearing" | "hear"));
            // "Co-founder and CTO Lena Ostrova confirmed the cuts in a LinkedIn post": a named
            // officer's own post is on record, as for an official speaker.
            let own_post = markers::named_poster(tokens, lex)
                && second_hand.iter().all(|r| *r == SpeculativeReason::UnverifiedSocial);
            name.contains(' ')
                && (!own_words || !heard && second_hand.iter().all(|r| *r == SpeculativeReason::Hearsay) || own_post)
        }
        // "I've heard from two people elsewhere that their bosses forwarded the memo": what the
        // writer heard before the official is named is still hearsay.
        Speaker::Official(_) if heard_before(tokens, lex, a) => false,
        Speaker::Official(_) => {
            markers::named_poster(tokens, lex)
                || markers::social_cue(tokens, lex).is_none_or(|cue| denied(tokens, lex, a, cue))
        }
        _ => false,
    });
    // "X is said to be weighing …, according to three people familiar with the plans": the rumour
    // cue is the outlet's own hedge on what its unnamed sources told it. Only "is said to":
    // "employees speculated that …" is still their speculation.
    let said_to = |h: &tokens::Span| tokens.bare[h.start..h.end].iter().any(|w| w == "said");
    let told_by_sources = attr.is_some_and(|a| a.speaker == Speaker::Anonymous)
        && second_hand.iter().all(|r| *r == SpeculativeReason::Rumour)
        && tokens.find(&lex.markers.rumour).iter().all(said_to);
    // "Three former analysts, who asked not to be named, told me they …": in an article the "me" is
    // the reporter, and unnamed sources telling the reporter is the outlet's reporting.
    let told_the_writer = attr.is_some_and(|a| {
        a.speaker == Speaker::Anonymous
            && tokens.bare.iter().any(|w| matches!(w.as_str(), "anonymity" | "named" | "identified" | "anonymously"))
            && second_hand.iter().all(|r| *r == SpeculativeReason::Hearsay)
            && tokens
                .find(&lex.markers.hearsay)
                .iter()
                .all(|h| h.start + 1 >= a.frame_span.end && h.start <= a.frame_span.end)
    });
    if !second_hand.is_empty() && !named && !told_by_sources && !told_the_writer {
        return rules(Verdict::speculative(second_hand));
    }
    if let Some(a) = attr
        && let Some(v) = attributed_verdict(tokens, a, lex, outlet, anonymous_cue())
    {
        return rules(v);
    }
    let reasons = markers::find(tokens, lex, |i| !tokens.quoted[i] || attr.is_none());
    if !reasons.is_empty() {
        return rules(Verdict::speculative(reasons));
    }
    // "I've read forty of these": a columnist speaking for themself is giving a view.
    if says_unquoted(tokens, &SINGULAR_FIRST_PERSON) {
        return rules(Verdict::speculative(vec![SpeculativeReason::Opinion]));
    }
    // "A Hooli spokesperson couldn't be reached for comment": the outlet's account of its reporting.
    if let Some(outlet) = outlet
        && !tokens.find(&lex.markers.no_comment).is_empty()
    {
        return rules(Verdict::sourced(SourcedReason::Outlet, outlet.clone()));
    }
    // The writer's own voice with no cue either way: sourced only on positive evidence.
    let generic_subject = evidence::generic_subject(tokens, lex);
    let ctx = scorer::Context { generic_subject, names_organisation: evidence::names_organisation(tokens, lex) };
    Decision::WriterVoice { features: scorer::features(tokens, lex, ctx), generic_subject }
}

/// Whether a hearsay cue outside quotations stands before the attribution's verb ("I heard from a
/// Quillfeather editor who said …"), not after it ("the CEO told me").
fn heard_before(tokens: &Tokens<'_>, lex: &Lexicon, a: &Attribution) -> bool {
    tokens.find(&lex.markers.hearsay).iter().any(|h| h.end < a.frame_span.end && !tokens.quoted[h.start])
}

/// Whether a credit names a social site ("via Blind", "via Twitter"): a post there, not an outlet.
fn names_social_site(credit: &str, lex: &Lexicon) -> bool {
    !Tokens::new(credit, lex).find(&lex.speakers.social).is_empty()
}

/// "Pinecrest denied a viral TikTok video that claimed …": the company speaks first and the social
/// post is what it answers, not where its words come from (that would be "according to a post on X").
fn denied(tokens: &Tokens<'_>, lex: &Lexicon, a: &Attribution, cue: tokens::Span) -> bool {
    let cited = (cue.start.saturating_sub(4)..cue.start)
        .any(|k| matches!(tokens.bare[k].as_str(), "according" | "per" | "citing" | "via" | "from"));
    // "…, an anonymous post on Blind claimed.": the post speaks last, and it is the source.
    let speaks_last = cue.start > 0
        && tokens.ends_chunk(cue.start - 1)
        && (cue.end..(cue.end + 4).min(tokens.len())).any(|k| lex.say_verbs.contains(&tokens.bare[k]));
    cue.start >= a.frame_span.end && !cited && !speaks_last
}

/// The verdict an attribution decides on its own, or `None` when the claim must be judged by its words.
fn attributed_verdict(
    tokens: &Tokens<'_>,
    a: &Attribution,
    lex: &Lexicon,
    outlet: Option<&Source>,
    anonymous_cue: bool,
) -> Option<Verdict> {
    let own_voice = |i: usize| !tokens.quoted[i] && (i < a.frame_span.start || i >= a.frame_span.end);
    let frame_words = |i: usize| i >= a.frame_span.start && i < a.frame_span.end;
    let source = |name: &str, kind| Source { name: name.to_string(), kind, url: None };
    let sourced =
        |reason, src: Source, anonymous: bool| Verdict::Sourced { reasons: vec![reason], anonymous, source: src };
    Some(match &a.speaker {
        Speaker::Social => Verdict::speculative(vec![SpeculativeReason::UnverifiedSocial]),
        Speaker::Hearsay => {
            let mut r = markers::find(tokens, lex, own_voice);
            r.retain(|x| {
                !matches!(x, SpeculativeReason::Hearsay | SpeculativeReason::Hedge | SpeculativeReason::Weasel)
            });
            r.insert(0, SpeculativeReason::Hearsay);
            Verdict::speculative(r)
        }
        Speaker::Weasel => {
            let mut r = vec![SpeculativeReason::Weasel];
            // "Some believe the line will be wound down": a belief about the future is a forecast.
            let future = tokens.bare.iter().any(|w| matches!(w.as_str(), "will" | "won't" | "going" | "gonna"))
                || tokens.orig.iter().any(|w| w.contains("'ll") || w.contains("’ll"));
            match a.frame {
                Frame::Belief(BeliefKind::Forecast) => r.push(SpeculativeReason::Prediction),
                Frame::Belief(BeliefKind::Opinion) if future => r.push(SpeculativeReason::Prediction),
                Frame::Belief(BeliefKind::Opinion) => r.push(SpeculativeReason::Opinion),
                _ => r.extend(
                    markers::find(tokens, lex, own_voice).into_iter().filter(|x| *x != SpeculativeReason::Weasel),
                ),
            }
            Verdict::speculative(r)
        }
        // "Several employees suspect": unnamed people's beliefs, as the writer tells them.
        Speaker::Anonymous if reads_minds(tokens, a) => Verdict::speculative(vec![SpeculativeReason::Weasel]),
        Speaker::Anonymous => {
            let src = outlet.cloned().unwrap_or_else(|| source("unnamed sources", SourceKind::Outlet));
            sourced(SourcedReason::Outlet, src, true)
        }
        Speaker::Outlet(name) => sourced(SourcedReason::Outlet, source(name, SourceKind::Outlet), anonymous_cue),
        Speaker::Document(name) => sourced(SourcedReason::Document, source(name, SourceKind::Document), false),
        Speaker::Official(_) | Speaker::Person(_) if reads_minds(tokens, a) => {
            // "Initech's board believes", "Mo reckons": the writer reports a belief nobody put on record.
            let mut r = vec![SpeculativeReason::Opinion];
            if a.frame == Frame::View(BeliefKind::Forecast)
                || markers::find(tokens, lex, |i| !frame_words(i)).contains(&SpeculativeReason::Prediction)
            {
                r.push(SpeculativeReason::Prediction);
            }
            Verdict::speculative(r)
        }
        Speaker::Official(name) => {
            // A hedge on the frame itself ("Initech reportedly told staff", "the board clearly
            // wants") still makes it speculative.
            let frame_reasons = markers::find(tokens, lex, |i| {
                frame_words(i)
                    && !lex.say_verbs.contains(&tokens.bare[i])
                    && !lex.belief_verbs.contains(&tokens.bare[i])
            });
            if frame_reasons
                .iter()
                .any(|r| matches!(r, SpeculativeReason::Hedge | SpeculativeReason::Rumour | SpeculativeReason::Opinion))
            {
                return Some(Verdict::speculative(frame_reasons));
            }
            sourced(SourcedReason::Official, source(name, SourceKind::Official), false)
        }
        Speaker::Person(name) => sourced(SourcedReason::Person, source(name, SourceKind::Person), false),
    })
}

/// Verbs of belief, fear and wagers: what a speaker thinks, as the writer tells it.
static MIND_VERBS: crate::core::text::Words = crate::core::text::Words::new(&[
    "believes",
    "believe",
    "believed",
    "thinks",
    "think",
    "thought",
    "suspects",
    "suspect",
    "suspected",
    "reckons",
    "reckon",
    "fears",
    "fear",
    "feared",
    "worries",
    "worry",
    "worried",
    "bet",
    "bets",
    "guess",
    "guesses",
    "feels",
    "feel",
    "hopes",
    "hope",
    "assumes",
    "assume",
    "seems",
    "convinced",
]);

/// Whether the attribution tells what the speaker thinks rather than what they put on record.
fn reads_minds(tokens: &Tokens<'_>, a: &Attribution) -> bool {
    matches!(a.frame, Frame::View(_))
        || matches!(a.frame, Frame::Belief(_))
            && (a.frame_span.start..a.frame_span.end.min(tokens.len()))
                .any(|k| !tokens.quoted[k] && MIND_VERBS.contains(tokens.bare[k].as_str()))
}

fn remember_people(attr: &Option<Attribution>, ctx: &mut Context) {
    if let Some(Attribution { speaker: Speaker::Hearsay, .. }) = attr
        && !ctx.is_thread
    {
        ctx.last_person = None;
        ctx.last_relayed = true;
    }
    if let Some(Attribution { speaker: Speaker::Person(name), .. }) = attr
        && name.contains(' ')
    {
        ctx.last_relayed = false;
        if let Some(surname) = name.split_whitespace().last() {
            ctx.surnames.push(surname.to_string());
        }
        ctx.last_person = Some(name.clone());
    }
}

/// Whether a sentence of an article quotes someone it does not name, or says it will ("spoke with
/// five employees, who asked not to be named").
fn quotes_unnamed_people(tokens: &Tokens<'_>, attr: Option<&Attribution>) -> bool {
    let bare = |k: usize| tokens.bare[k].as_str();
    // "… asked not to be named", "… could not be identified".
    let not_be = |k: usize| {
        k >= 2 && bare(k - 1) == "be" && (bare(k - 2) == "not" || k >= 3 && bare(k - 2) == "to" && bare(k - 3) == "not")
    };
    attr.is_some_and(|a| a.speaker == Speaker::Anonymous)
        || (0..tokens.len()).any(|k| match bare(k) {
            "anonymity" | "anonymously" => true,
            "named" | "identified" => not_be(k),
            _ => false,
        })
}

pub fn label_thread(thread: &Thread, lex: &Lexicon) -> Vec<Claim> {
    gated_thread(thread, thread_claims(thread, lex), Some(gate::embedded()))
}

fn thread_claims(thread: &Thread, lex: &Lexicon) -> Vec<Claim> {
    let all_text: String = thread.messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n");
    let mut ctx =
        Context { company: companies(&all_text, lex).into_iter().next(), is_thread: true, ..Context::default() };
    let mut out = Vec::new();
    let mut thread_link: Option<Source> = None;
    // The sites linked so far, by the first label of their host ("stackwise" of stackwise.example):
    // "Stackwise also says …" later names the outlet a link already showed.
    let mut linked_sites: Vec<String> = Vec::new();
    // The named speaker a poster last quoted on record, for their "She said …" after it.
    let mut on_record: Option<(Option<String>, Verdict)> = None;
    // Who opened the thread and the organisation they posted for, if any.
    let mut original_poster: Option<(String, String)> = None;
    for (index, message) in thread.messages.iter().enumerate() {
        let origin = message.origin(index);
        let mut links: Vec<String> = message.links.clone();
        links.extend(urls_in(&message.text));
        let own_link: Option<Source> = links.iter().find_map(|l| link_source(l, lex));
        let own_link_here = own_link.is_some();
        let pasted_quotes = if own_link_here { quotation_blocks(&message.text) } else { Vec::new() };
        // Whether a sentence stands inside a statement the message pastes in quotation marks.
        let in_pasted_quote =
            |text: &str| message.text.find(text).is_some_and(|at| pasted_quotes.iter().any(|q| q.contains(&at)));
        // "The article says …", "From the post: …": a reply that points back at the page the thread
        // shares is backed by that page.
        let normalized = normalize(&message.text);
        let points_back = lex.thread_references.is_match(&normalized)
            || names_the_page(&normalized, lex)
            || opens_on_a_page_noun(&normalized) && opens_on_the_page_saying(&Tokens::new(&message.text, lex), lex);
        let backing = own_link.clone().or_else(|| thread_link.clone().filter(|_| points_back));
        if thread_link.is_none() {
            thread_link = own_link.clone();
        }
        let social_link = links.iter().any(|l| host_of(l).is_some_and(|h| lex.is_social_host(&h)));
        let minutes = lex.is_meeting_notes(message.author.as_deref(), &message.text);
        let pasted_spans = lex.hygiene.pasted_spans(&message.text);
        // A sentence is pasted when it stands inside a pasted span of the message as written, or
        // opens one ("from the email HR sent: “Your final day …”").
        let whole_paste = pasted_spans.first() == Some(&(0, message.text.len()));
        let pasted = |text: &str| {
            let probe: String = text.chars().take(24).collect();
            whole_paste
                || message.text.find(probe.as_str()).is_some_and(|at| {
                    pasted_spans.iter().any(|&(s, e)| at >= s && at < e || s > at && s < at + text.len())
                })
        };
        for l in &links {
            if let Some(host) = host_of(l).filter(|_| link_source(l, lex).is_some())
                // "nbj.example" for the Northgate Business Journal: a reply may name it "NBJ".
                && let Some(label) = host.trim_start_matches("www.").split('.').next().filter(|label| label.len() >= 3)
            {
                linked_sites.push(label.to_string());
            }
        }
        // `sentence`: the text is a whole sentence, not one clause of a sentence that may be split.
        // `closing`: the link that closes this sentence, if one does (`Some(None)`: a social post's).
        let mut pointed = false;
        // A bot's message that opens by pointing at the page ("This is the best tl;dr I could make,
        // original reduced by 81%") retells it throughout.
        let opens_pointing = message.text.lines().find(|l| !l.trim().is_empty()).is_some_and(|first| {
            first.split_inclusive(['.', '!', '?']).any(|sentence| {
                lex.thread_references.is_match(&normalize(sentence)) && lex.hygiene.is_furniture(sentence.trim())
            })
        });
        let mut claim = |text: String, backed: bool, sentence: bool, closing: Option<Option<&Source>>| {
            // A page's sentence pasted in quotation marks is labelled as the page wrote it, its
            // "the airline said" and all.
            // One sentence of a statement pasted over several is all the statement's words, its
            // "we" and "our" included.
            let quoted;
            // A quoted sentence that names no speaker ("“Our agents do the work a first-year engineer
            // did.”") stays in quotation marks, so its "our" is not the poster's.
            let unquoted = own_link_here
                .then(|| {
                    quoted_whole(&text)
                        .then(|| Tokens::new(text.trim().trim_matches(['"', '“', '”', '.', ',', ';']), lex))
                })
                .flatten()
                .filter(|t| !says_unquoted(t, &FIRST_PERSON) || attribution::find(t, lex, &ctx).is_some());
            let tokens = if let Some(unquoted) = unquoted {
                unquoted
            } else if own_link_here && (quoted_whole(&text) || quote_part(&text) || in_pasted_quote(&text)) {
                quoted = format!("“{}”", text.trim().trim_matches(['"', '“', '”']));
                Tokens::new(&quoted, lex)
            } else {
                Tokens::new(&text, lex)
            };
            let mut attr = attribution::find(&tokens, lex, &ctx);
            remember_people(&attr, &mut ctx);
            // A company's own site names the company, not an outlet.
            if let Some(a) = attr.as_mut()
                && a.frame == Frame::Statement
                && let Speaker::Official(name) | Speaker::Person(name) = &a.speaker
                && lex.companies_in(name).is_empty()
                && names_linked_site(name, &linked_sites)
                && !says_unquoted(&tokens, &FIRST_PERSON)
            {
                a.speaker = Speaker::Outlet(name.clone());
            }
            // "The Pitchboard reported it was 160 of us": a name found saying something by reporting
            // it is a publication; its own sentence opens on the name when `page_citation` finds it.
            if let Some(a) = attr.as_mut()
                && a.frame == Frame::Statement
                && let Speaker::Official(name) | Speaker::Person(name) = &a.speaker
                && let Some(first) = name.split_whitespace().next()
                && let Some(start) =
                    tokens.orig.iter().position(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == first)
                && let Some(end) = (start..tokens.len()).find(|&k| !tokens.capitalized(k))
                && !is_pronoun(first, lex)
                && let Some(outlet) = reported_by(&tokens, end, name)
            {
                *a = outlet;
            }
            if !attr.as_ref().is_some_and(|a| matches!(a.speaker, Speaker::Outlet(_) | Speaker::Document(_))) {
                attr = page_citation(&tokens, lex).or_else(|| attribution::cited_outlet(&tokens, &text, lex)).or(attr);
            }
            // A record named as the subject of what it shows outranks a speaker found inside its
            // name ("Kestrel's") or its clause ("they filed").
            if !attr.as_ref().is_some_and(|a| matches!(a.speaker, Speaker::Outlet(_) | Speaker::Document(_)))
                && let Some(record) = cited_record(&tokens, lex)
            {
                attr = Some(record);
            }
            // A page shared earlier in the thread backs the lines of a reply that point back at it
            // and tell what it says, not the rest of the reply ("The AI bit is for the press release.").
            let points_here = || {
                let normalized = normalize(&text);
                lex.thread_references.is_match(&normalized) && cites_a_source(&text, lex)
                    || names_the_page(&normalized, lex)
                    || opens_on_the_page_saying(&tokens, lex)
            };
            // After such a line, "She also said …" and "It also says …" go on telling what the page
            // says.
            let here = !own_link_here && points_here();
            pointed |= here;
            let backing = backing.as_ref().filter(|_| {
                own_link_here
                    || here
                    || opens_pointing
                    || pointed && (goes_on_quoting(&text, lex) || goes_on_reporting(&tokens))
            });
            let link = closing.unwrap_or(backing).filter(|_| backed);
            // "The piece says the announcement could come as early as Tuesday": the page a link
            // backs says it, hedge and all, as "Bayline reports …" would.
            if let Some(page) = link.filter(|_| attr.is_none() && opens_on_the_page_saying(&tokens, lex)) {
                attr = Some(Attribution {
                    speaker: Speaker::Outlet(page.name.clone()),
                    frame: Frame::Statement,
                    frame_span: tokens::Span { start: 0, end: 0 },
                });
            }
            let mut verdict = message_verdict(&tokens, attr.as_ref(), lex, link, social_link, minutes);
            // "from the email HR sent: “…”": the line introducing a paste names no speaker of its own.
            if lex.hygiene.after_paste_introducer(&text).is_some_and(|rest| !rest.is_empty()) {
                attr = None;
            }
            if attr.is_none() && pasted(&text) {
                verdict = pasted_verdict(&tokens, verdict, ctx.company.as_deref());
            }
            // A link backs what reads as reporting; a remark beside it ("That's more humane than
            // most") is the writer's view, which the link does not launder.
            if sentence
                && matches!(&verdict, Verdict::Sourced { reasons, .. } if reasons == &[SourcedReason::Link])
                && !reads_as_reporting(&tokens, lex)
            {
                verdict = Verdict::speculative(vec![SpeculativeReason::Opinion]);
            }
            let hedges = markers::hedges(&tokens, lex);
            Claim { text, verdict, origin: origin.clone(), hedges }
        };
        if on_record.as_ref().is_some_and(|(author, _)| author.as_deref() != message.author.as_deref()) {
            on_record = None;
        }
        // What the page or publication this message relays says, for its "They also quote …" after.
        let mut page_said: Option<Verdict> = None;
        // Whether the message has said a publication carries the story it links ("Ledgerline has the
        // memo."): its plain reporting after that retells the page.
        let mut carried = false;
        let bot_headline = news_bot_headline(&message.text);
        let text = bot_headline.as_deref().unwrap_or_else(|| without_reply_mentions(&message.text, lex));
        let cleaned = break_after_links(&without_link_labels(&lex.hygiene.clean(text, Kind::Message).text()));
        let cleaned = break_lowercase_sentences(&cleaned, lex).into_owned();
        // A link written into the text backs what comes before it, not the remarks after it.
        let last_url = urls_in(&cleaned).last().and_then(|u| cleaned.rfind(u.as_str()).map(|at| at + u.len()));
        let preview = last_url.and_then(|end| page_preview(&cleaned, end));
        let message_start = out.len();
        for (n, sentence) in by_sentence(segments(&cleaned, lex)).into_iter().enumerate() {
            if sentence.len() == 1 && is_link_label(&sentence[0].text) {
                continue;
            }
            let at = cleaned.find(sentence[0].text.as_str());
            // "Full writeup: https://…": the label is no claim, though what follows may retell the
            // page it names.
            let page_label = sentence.len() == 1
                && names_a_page(&sentence[0].text)
                && at.is_some_and(|at| {
                    let after = cleaned[at + sentence[0].text.len()..].trim_start_matches([' ', ':']);
                    cleaned[at + sentence[0].text.len()..].starts_with(':')
                        && (after.starts_with("https://") || after.starts_with("http://"))
                });
            let after_link = last_url.is_some_and(|end| at.is_some_and(|at| at >= end));
            // A link written into the text backs the line it closes, a headline, or a line that says
            // what a source says; the poster's own lines around it ("Got walked out yesterday with 30
            // others") are theirs alone.
            let previewed = preview.as_ref().is_some_and(|span| at.is_some_and(|at| span.contains(&at)));
            // "Have you all seen this? https://… ⏎ Article says Lindqvist will cut 60 of 140": a line
            // under the link that tells what the page says is the page's.
            // A sentence quoted whole in a message that links a page is the page's words, pasted.
            let retold = after_link && opens_on_a_page_reference(&sentence[0].text, lex)
                || own_link_here && (quoted_whole(&sentence[0].text) || in_pasted_quote(&sentence[0].text));
            let backed = previewed
                || retold
                || !after_link
                    && (last_url.is_none()
                        || at.is_none_or(|at| closed_by_link(&cleaned, at, &sentence))
                        || n == 0 && is_title(&sentence[0].text)
                        || cites_a_source(&sentence[0].text, lex));
            let closing = at.and_then(|at| closing_link(&cleaned, at, &sentence)).map(|l| link_source(l, lex));
            let mut parts: Vec<Claim> = Vec::new();
            for seg in &sentence {
                parts.push(claim(seg.text.clone(), backed, sentence.len() == 1, closing.as_ref().map(Option::as_ref)));
            }
            // "the Tribune already wrote it up and they say it's 11 jobs", "The Quarry Post has it
            // now, and they say …": "they" is the outlet the clause before it named.
            let mut relayed = false;
            for i in 1..parts.len() {
                let clause = Tokens::new(&parts[i].text, lex);
                let they = clause.bare.iter().find(|w| !matches!(w.as_str(), "and" | "but" | "so"));
                let they = they.is_some_and(|w| matches!(w.as_str(), "they" | "they're" | "theyre"));
                let outlet_before = matches!(&parts[i - 1].verdict, Verdict::Sourced { source, .. }
                    if matches!(source.kind, SourceKind::Outlet | SourceKind::Link));
                let hearsay = matches!(&parts[i].verdict, Verdict::Speculative { reasons, .. }
                    if reasons.first() == Some(&SpeculativeReason::Hearsay));
                if they && outlet_before && hearsay {
                    parts[i].verdict = parts[i - 1].verdict.clone();
                    relayed = true;
                } else if they
                    && clause.bare.iter().any(|w| lex.say_verbs.contains(w.as_str()) || w == "saying")
                    && let Some(outlet) = carries_the_story(&Tokens::new(&parts[i - 1].text, lex))
                {
                    let link = closing.as_ref().map_or(backing.as_ref(), Option::as_ref).filter(|_| backed);
                    let verdict = match link {
                        Some(l) => Verdict::Sourced {
                            reasons: vec![SourcedReason::Link, SourcedReason::Outlet],
                            anonymous: false,
                            source: l.clone(),
                        },
                        None => Verdict::sourced(
                            SourcedReason::Outlet,
                            Source { name: outlet, kind: SourceKind::Outlet, url: None },
                        ),
                    };
                    parts[i - 1].verdict = verdict.clone();
                    parts[i].verdict = verdict;
                    relayed = true;
                }
            }
            // "Orvane's statement says nobody is being replaced and the roles are being transitioned":
            // a clause with no cue of its own after a sourced one goes on saying what its source says,
            // unless the poster speaks for themself in it.
            let reports = parts.first().is_some_and(|p| {
                p.verdict.is_sourced()
                    && Tokens::new(&p.text, lex).bare.iter().any(|w| lex.say_verbs.contains(w.as_str()))
            });
            for i in 1..parts.len() {
                let clause = Tokens::new(&parts[i].text, lex);
                let bare_clause = matches!(&parts[i].verdict, Verdict::Speculative { reasons, .. }
                    if reasons == &[SpeculativeReason::Unsourced]);
                let remark = clause.bare.first().is_some_and(|w| REMARK_LINKS.contains(w.as_str()));
                if bare_clause && reports && !remark && !says_unquoted(&clause, &FIRST_PERSON) {
                    parts[i].verdict = parts[0].verdict.clone();
                }
            }
            // "Intel confirmed 15% cuts and honestly they'll cut more": two labels, two claims. Parts that
            // are both speculative stay one claim ("Revenue was up 20% so this is AI-washing"): people
            // reading a thread take a sentence as one remark, and its fragments alone say little.
            let disagree = parts.iter().any(|c| c.verdict.is_sourced() != parts[0].verdict.is_sourced());
            let claims_before = out.len();
            match sentence[0].whole.clone() {
                Some(whole) if !disagree => {
                    let mut whole = claim(whole, backed, true, closing.as_ref().map(Option::as_ref));
                    // The sentence as a whole says what its relayed clauses say, "they" and all.
                    if relayed {
                        whole.verdict = parts[parts.len() - 1].verdict.clone();
                    }
                    out.push(whole);
                }
                _ => out.extend(parts),
            }
            for claim in &mut out[claims_before..] {
                let tokens = Tokens::new(&claim.text, lex);
                if let Some(link) = own_link.as_ref().filter(|_| !claim.verdict.is_sourced())
                    && carries_the_story(&tokens).is_some()
                {
                    claim.verdict = Verdict::Sourced {
                        reasons: vec![SourcedReason::Link, SourcedReason::Outlet],
                        anonymous: false,
                        source: link.clone(),
                    };
                    carried = true;
                }
                if let Verdict::Sourced { source, .. } = &claim.verdict
                    && matches!(source.kind, SourceKind::Outlet | SourceKind::Link)
                {
                    page_said = Some(claim.verdict.clone());
                } else if let Some(verdict) = page_said.as_ref().filter(|_| carried)
                    && matches!(&claim.verdict, Verdict::Speculative { reasons, .. } if reasons == &[SpeculativeReason::Unsourced])
                    && retells(&tokens)
                {
                    claim.verdict = verdict.clone();
                } else if let Some(verdict) = &page_said
                    && matches!(&claim.verdict, Verdict::Speculative { reasons, .. }
                        if matches!(reasons.first(), Some(SpeculativeReason::Unsourced | SpeculativeReason::Hearsay)))
                    && goes_on_reporting(&Tokens::new(&claim.text, lex))
                {
                    claim.verdict = verdict.clone();
                }
            }
            if page_label {
                out.truncate(claims_before);
            }
            for claim in &mut out[claims_before..] {
                if let Verdict::Sourced { reasons, .. } = &claim.verdict
                    && !reasons.contains(&SourcedReason::Link)
                    && reasons.iter().any(|r| matches!(r, SourcedReason::Official | SourcedReason::Person))
                {
                    on_record = Some((message.author.clone(), claim.verdict.clone()));
                } else if let Some((_, verdict)) = &on_record
                    && matches!(&claim.verdict, Verdict::Speculative { reasons, .. } if reasons == &[SpeculativeReason::Unsourced])
                    && goes_on_quoting(&claim.text, lex)
                {
                    claim.verdict = verdict.clone();
                }
            }
        }
        let organisation = message
            .author
            .as_deref()
            .and_then(|a| {
                lex.speaks_for(a).or_else(|| {
                    // The company detection may take a poster's own name, heading their post, for a
                    // company ("Akiko Sunder @akikosunder…"): a company others write about, outside
                    // the lines that name accounts ("↪ Quoting Ingrid Vale @ingridvale…"), is one.
                    ctx.company.clone().filter(|company| {
                        company_handle(a, company, lex)
                            && thread.messages.iter().filter(|m| m.author.as_deref() != Some(a)).any(|m| {
                                m.text.lines().any(|line| line.contains(company.as_str()) && !line.contains('@'))
                            })
                    })
                })
            })
            .or_else(|| crate::core::hygiene::posted_on_behalf_of(&message.text).map(str::to_string))
            .or_else(|| marks_itself_official(&message.text).then(|| message.author.clone()).flatten())
            // An officer posting as themself ("Gideon Strand • 2nd / CEO at Tavira") announces for
            // their firm, as the display name "Hollis Grange · CEO at Orchard & Finch" does.
            .or_else(|| {
                let by_display = message
                    .author
                    .as_deref()
                    .and_then(|a| a.split_once(" · ").or_else(|| a.split_once(" • ")))
                    .and_then(|(_, headline)| lex.officer_at(headline))
                    .map(|firm| (firm, 0));
                let (firm, card_end) = by_display.or_else(|| {
                    let (headline, card_end) = lex.hygiene.profile_headline(&message.text)?;
                    lex.officer_at(headline).map(|firm| (firm, card_end))
                })?;
                // An officer of another firm, praising someone else's post, speaks for nobody here:
                // the firm is the thread's, or the post names it below the card, perhaps shorter
                // ("Pellbrook's 14-year history" under "CEO at Pellbrook Logistics Software").
                let first_word = firm.split_whitespace().find(|w| !matches!(*w, "The" | "A" | "An")).unwrap_or(&firm);
                (message.text[card_end..].contains(first_word)
                    || ctx.company.as_deref().is_some_and(|c| crate::core::companies::same_company(c, &firm)))
                .then_some(firm)
            })
            .or_else(|| {
                lex.hygiene
                    .self_introduced(&message.text)
                    .filter(|tag| lex.introduces_a_spokesperson(tag))
                    .map(|tag| tag.trim_start_matches("from ").trim().to_string())
            });
        // "Helga Brandvold · Author" replying under her own post goes on speaking as she posted it.
        let poster = message.author.as_deref().map(|a| {
            a.split_once(" · ").or_else(|| a.split_once(" • ")).map_or(a, |(name, _)| name).trim().to_string()
        });
        let organisation = organisation.or_else(|| {
            let (name, firm) = original_poster.as_ref()?;
            (poster.as_ref() == Some(name)).then(|| firm.clone())
        });
        if index == 0 {
            original_poster = poster.zip(organisation.clone());
        }
        if let Some(organisation) = organisation {
            for claim in &mut out[message_start..] {
                speak_for(claim, &organisation, lex);
            }
        }
    }
    out
}

/// "@nerada.bsky.social" in a thread about Nerada Health: the company's own account. So is one
/// whose display name is the company's ("Fennick Air @FennickAir", "Quillstack @quillstack.example"),
/// perhaps with a word an official account adds ("Brightmoor Logistics Response", "@KestrelPeakHQ",
/// "@SolstrandMedia").
fn company_handle(author: &str, company: &str, lex: &Lexicon) -> bool {
    let first = company.split_whitespace().next().unwrap_or_default();
    if let Some(handle) = author.strip_prefix('@').and_then(|h| h.split(['.', '@']).next())
        && handle.len() >= 4
        && first.eq_ignore_ascii_case(handle)
    {
        return true;
    }
    let author = author.trim().trim_end_matches(['✔', '✓', '\u{fe0f}', ' ']);
    let (display, handle) = match author.split_once(" @").or_else(|| author.split_once(" (@")) {
        Some((display, handle)) => (display.trim_end_matches(['✔', '✓', ' ']), Some(handle)),
        None if author.starts_with('@') => ("", Some(&author[1..])),
        None => (author, None),
    };
    let handle = handle.map(|h| h.split(['@', ':', '.', ')', ' ']).next().unwrap_or_default());
    let company_words: Vec<String> = company.split_whitespace().map(str::to_lowercase).collect();
    let names_the_company = |words: Vec<String>| {
        first.len() >= 4
            && words.first() == company_words.first()
            && words.len() <= company_words.len() + 1
            && words
                .iter()
                .skip(1)
                .all(|w| company_words.contains(w) || lex.official_account_words.contains(w.as_str()))
    };
    // A display name alone could be a person the company detection took for one ("Dana Ferreira ·
    // 1st" heading her own post), so it needs a word only an organisation's account adds.
    let display_words: Vec<String> = display.split_whitespace().map(str::to_lowercase).collect();
    // A platform's verified mark vouches for the name as such a word does ("Quillmark Bank ✓").
    let adds_a_word = author.contains(['✔', '✓'])
        || display_words.iter().any(|w| lex.official_account_words.contains(w.as_str()) && !company_words.contains(w));
    let joined: String = company_words.concat();
    adds_a_word && names_the_company(display_words)
        || handle.is_some_and(|h| {
            !h.contains(['_', '-'])
                && (names_the_company(camel_words(h)) || h.len() >= 4 && h.eq_ignore_ascii_case(&joined))
        })
}

/// "Halvorsen_Freight · Official · 5h", "KellwynTalent · Official - Kellwyn Talent Team", "✔ Verified
/// Company Representative", a company page's "Company · Insurance · 48,210 followers", "**[Official]
/// Update on …**": a post whose opening lines, as the platform shows them, say the account is an
/// organisation's own.
fn marks_itself_official(text: &str) -> bool {
    text.lines().filter(|l| !l.trim().is_empty()).take(3).any(|line| {
        let line = line.trim().trim_start_matches(['*', '_', ' ']);
        line.contains("· Official")
            || line.contains("Verified Company Representative")
            || line.starts_with("[Official]")
            || line.starts_with("Company · ") && line.contains("followers")
    })
}

/// "Statement from Harrowgate Logistics - Pellbridge Fulfilment Centre", "Ferrimont Insurance ✓",
/// "Thank 31 · Reply": a heading, a name or a platform's line set over or under what an account
/// posts, which states nothing on its behalf: no closing punctuation, and every word capitalised but
/// the small ones and no figure, or the platform's " · " between its parts.
fn is_header_line(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', '"', '”']) {
        return false;
    }
    const SMALL: &[&str] = &["from", "of", "the", "and", "for", "to", "on", "at", "in", "a", "an", "&"];
    text.contains(" · ")
        || text.split_whitespace().count() <= 10
            // "New York | 140 | 96": a table's row states its figures.
            && !text.contains(|c: char| c.is_ascii_digit())
            && text.split_whitespace().all(|w| {
                !w.starts_with(char::is_lowercase) || SMALL.contains(&w) || !w.chars().any(char::is_alphabetic)
            })
}

/// "KestrelPeakHQ" → "kestrel", "peak", "hq": a handle's words, where its capitals start them.
fn camel_words(handle: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in handle.chars() {
        let starts = c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase());
        match words.last_mut() {
            Some(word) if !starts => word.extend(c.to_lowercase()),
            _ => words.push(c.to_lowercase().collect()),
        }
        previous = Some(c);
    }
    words
}

/// "Severance is eight weeks of base pay", "We will pay everyone affected through May 15", posted
/// by the People Team's account or a union's organiser: the organisation's word on record. What the
/// account relays, hedges, or gives as a view ("I'm proud of how our leaders showed up", "That slide
/// is exactly what matters") keeps its own label.
fn speak_for(claim: &mut Claim, organisation: &str, lex: &Lexicon) {
    let Verdict::Speculative { reasons, .. } = &claim.verdict else { return };
    if is_header_line(&claim.text) {
        return;
    }
    let tokens = Tokens::new(&claim.text, lex);
    // "We will pay everyone through May 15", "Work will move to the Harrowgate hub over the
    // following months": an organisation's own account telling its plan states it on record, where
    // "Six months' notice is better than most, and we'll say so" is its view and "Management will
    // regret this" its forecast: a plan says what it does, or names where, when or what.
    let names_its_plan = tokens.bare.first().is_some_and(|w| matches!(w.as_str(), "we" | "we'll"))
        || scorer::is_concrete_plan(&tokens)
        || (1..tokens.len()).any(|k| tokens.capitalized(k))
        // "AI tools will assist …", "Twelve vacant positions will not be filled."
        || tokens.orig.first().is_some_and(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()))
        || tokens.bare.iter().any(|w| NUMBER_WORDS.contains(w.as_str()));
    let our_plan = reasons == &[SpeculativeReason::Prediction] && !scorer::evaluates(&tokens) && names_its_plan;
    let plain = reasons == &[SpeculativeReason::Unsourced] || our_plan;
    // "We are making changes to how engineering is organised", "We don't have anything on record
    // about specific sites yet": what the organisation says of what it does is on record however
    // little it names, where "We're grateful for their work" is its view.
    let says_what_we_do =
        tokens.bare.first().is_some_and(|w| matches!(w.as_str(), "we" | "we're" | "we've" | "we'll" | "our"))
            && !scorer::evaluates(&tokens);
    // "Today I shared with our teams that …", "Today I'm sharing a decision that affects 96 of our
    // colleagues": an officer announcing speaks for the company.
    let own_view = says_unquoted(&tokens, &SINGULAR_FIRST_PERSON)
        && !tokens
            .bare
            .iter()
            .any(|w| lex.say_verbs.contains(w.as_str()) || matches!(w.as_str(), "shared" | "sharing"));
    if plain && !own_view && (says_what_we_do || reads_as_reporting(&tokens, lex)) {
        claim.verdict = Verdict::sourced(
            SourcedReason::Official,
            Source { name: organisation.to_string(), kind: SourceKind::Official, url: None },
        );
    }
}

/// Counts written as words, which give a plan its detail as figures do.
static NUMBER_WORDS: crate::core::text::Words = crate::core::text::Words::new(&[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "hundreds",
    "dozen",
    "dozens",
    "thousand",
    "thousands",
]);

/// "She said notifications go out by noon", "He added that …": a line that opens on a pronoun and
/// what they said goes on quoting the speaker before it.
fn goes_on_quoting(text: &str, lex: &Lexicon) -> bool {
    let mut words = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase());
    words.next().is_some_and(|w| matches!(w.as_str(), "he" | "she"))
        && words.next().is_some_and(|w| {
            lex.say_verbs.contains(w.as_str()) || matches!(w.as_str(), "guided" | "added" | "confirmed" | "also")
        })
}

/// "They say the Reno office takes most of it", "It also quotes a spokesperson …", "and it notes
/// that …": after a line that relays a page or a publication, a line that opens on "they" or "it"
/// telling what was said goes on relaying it, unless the poster speaks for themself.
fn goes_on_reporting(tokens: &Tokens<'_>) -> bool {
    const TELLS: &[&str] = &[
        "say",
        "says",
        "said",
        "saying",
        "quote",
        "quotes",
        "quoted",
        "quoting",
        "mention",
        "mentions",
        "mentioned",
        "note",
        "notes",
        "noted",
        "cite",
        "cites",
        "cited",
        "claim",
        "claims",
        "list",
        "lists",
        "listed",
        "reports",
        "reported",
        "adds",
        "added",
    ];
    let mut words = tokens.bare.iter().map(String::as_str).skip_while(|w| matches!(*w, "and" | "but" | "so" | "then"));
    words.next().is_some_and(|w| matches!(w, "they" | "they're" | "theyre" | "it"))
        && words
            .find(|w| !matches!(*w, "also" | "even" | "further" | "now" | "then"))
            .is_some_and(|w| TELLS.contains(&w))
        && !says_unquoted(tokens, &FIRST_PERSON)
}

/// "Vantor is eliminating about 1,200 roles, roughly 9% of the company": a line that tells what
/// happened in concrete detail (a figure, or a name past its first word), neither judging it nor
/// speaking of the poster.
fn retells(tokens: &Tokens<'_>) -> bool {
    let detail = tokens.bare.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        || (1..tokens.len()).any(|k| tokens.capitalized(k) && !tokens.quoted[k]);
    detail && !scorer::evaluates(tokens) && !says_unquoted(tokens, &FIRST_PERSON)
}

/// "Bayline has a story up now", "The Ledger picked it up too", "Northgate Business Journal ran it
/// this morning": a clause that says a publication carries the story, and which one. A name in
/// capitals (a leading "The" allowed) is followed by what publications do with a story.
fn carries_the_story(tokens: &Tokens<'_>) -> Option<String> {
    let n = tokens.len();
    let mut k = usize::from(tokens.bare.first().is_some_and(|w| w == "the"));
    let start = k;
    while k < n && k - start < 4 && tokens.capitalized(k) && !tokens.quoted[k] {
        k += 1;
    }
    // "I wrote more about it here": a person, not a publication.
    if k == start
        || k >= n
        || k == start + 1
            && (FIRST_PERSON.contains(tokens.bare[start].as_str())
                || matches!(tokens.bare[start].as_str(), "he" | "she" | "they" | "it" | "you"))
    {
        return None;
    }
    // "Management has been planning this" is no publication carrying a story.
    let carries =
        matches!(tokens.bare[k].as_str(), "has" | "had" | "ran" | "published" | "picked" | "posted" | "wrote")
            && tokens.bare.get(k + 1).is_none_or(|w| !matches!(w.as_str(), "been" | "to" | "not" | "no"));
    let story = (k + 1..n.min(k + 4)).any(|j| {
        matches!(
            tokens.bare[j].as_str(),
            "story" | "piece" | "article" | "it" | "this" | "report" | "write-up" | "memo" | "numbers" | "details"
        )
    });
    (carries && story).then(|| tokens.orig[start..k].join(" ").trim_matches(|c: char| !c.is_alphanumeric()).to_string())
}

/// Whether a normalized message opens on a word `opens_on_the_page_saying` looks for, so other
/// messages are not tokenized whole for it.
fn opens_on_a_page_noun(normalized: &str) -> bool {
    let first = normalized.split_whitespace().find(|w| w.chars().any(char::is_alphanumeric)).unwrap_or_default();
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    matches!(first, "the" | "this" | "that" | "article" | "piece" | "story" | "report" | "write-up")
}

/// "The piece says …", "Article also says …", "the story quotes …": a line that opens on the
/// shared page saying something.
fn opens_on_the_page_saying(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    let bare = &tokens.bare;
    let page_noun = |k: usize| {
        bare.get(k).is_some_and(|w| matches!(w.as_str(), "article" | "piece" | "story" | "report" | "write-up"))
    };
    let mut k = usize::from(bare.first().is_some_and(|w| matches!(w.as_str(), "the" | "this" | "that")));
    // "the ledgerline piece says": a publication's name, typed in lower case as chat types it, before
    // the noun (a name in capitals is found as the publication it is).
    if k == 1 && !page_noun(k) {
        k = (2..=3)
            .find(|&j| {
                page_noun(j)
                    && (1..j).all(|i| {
                        !tokens.capitalized(i)
                            && !lex.say_verbs.contains(bare[i].as_str())
                            && !matches!(bare[i].as_str(), "other" | "another" | "second" | "new" | "different")
                    })
            })
            .unwrap_or(k);
    }
    if !page_noun(k) {
        return false;
    }
    k += 1;
    while bare.get(k).is_some_and(|w| matches!(w.as_str(), "also" | "even" | "now" | "further")) {
        k += 1;
    }
    bare.get(k).is_some_and(|w| lex.say_verbs.contains(w.as_str()) || matches!(w.as_str(), "quotes" | "notes"))
}

/// "Kelvara's own press release says …", "Orvane's statement to Bayline says …", "Bayline's
/// follow-up says …", "The Northgate article quotes …": a reply that opens by citing a page by whose
/// it is and what it is. A company's own statement, release or filing is its word on record, which
/// anyone can check without a link; a publication's story is that publication's report.
fn page_citation(tokens: &Tokens<'_>, lex: &Lexicon) -> Option<Attribution> {
    let n = tokens.len();
    let bare = |k: usize| tokens.bare[k].as_str();
    let mut k = 0;
    while k < n.min(3) && matches!(bare(k), "also" | "and" | "but" | "plus" | "so" | "the" | "their") {
        k += 1;
    }
    let the_opened = k > 0 && bare(k - 1) == "the";
    let start = k;
    let mut possessive = false;
    while k < n && k - start < 4 && tokens.capitalized(k) && !tokens.quoted[k] {
        let word = tokens.orig[k].trim_end_matches(|c: char| !c.is_alphanumeric());
        possessive = word.ends_with("'s") || word.ends_with("’s");
        k += 1;
        if possessive {
            break;
        }
    }
    if k == start {
        return if the_opened { public_record(tokens, start, None, lex) } else { None };
    }
    let name = tokens.orig[start..k].join(" ");
    let name = name.trim_end_matches("'s").trim_end_matches("’s").trim_matches(|c: char| !c.is_alphanumeric());
    if name.is_empty() || !Tokens::new(name, lex).find(&lex.speakers.social).is_empty() {
        return None;
    }
    // "I reported …", "We reported it to HR": a poster or someone they know is no publication.
    if !possessive && !the_opened {
        if k - start == 1 && is_pronoun(bare(start), lex) {
            return None;
        }
        return reported_by(tokens, k, name);
    }
    while k < n && matches!(bare(k), "own" | "new" | "latest" | "full" | "original" | "official" | "earlier") {
        k += 1;
    }
    let two = (k + 1 < n).then(|| format!("{} {}", bare(k), bare(k + 1)));
    let (noun, after) = match two.as_deref() {
        Some(pair @ ("press release" | "blog post" | "annual report" | "warn notice" | "earnings release")) => {
            (pair.to_string(), k + 2)
        }
        _ if k < n => (bare(k).to_string(), k + 1),
        _ => return None,
    };
    // "Orvane's statement to Bayline says": a few words may stand between the page and its verb.
    let Some(verb) = (after..n.min(after + 5)).find(|&v| {
        lex.say_verbs.contains(bare(v))
            || matches!(bare(v), "quotes" | "has" | "puts" | "lists" | "gives" | "projects" | "calls")
    }) else {
        // "The PDF lists …": the noun in capitals was read as a name.
        return if the_opened && !possessive { public_record(tokens, start, None, lex) } else { None };
    };
    if (after..verb).any(|v| tokens.quoted[v]) {
        return None;
    }
    let frame_span = tokens::Span { start: 0, end: verb + 1 };
    let (speaker, frame) = match noun.as_str() {
        "story" | "article" | "piece" | "follow-up" | "followup" | "coverage" | "writeup" | "write-up" | "scoop"
        | "investigation" => (Speaker::Outlet(name.to_string()), Frame::Statement),
        "8-k" | "10-k" | "10-q" | "s-1" | "filing" | "warn notice" | "annual report" | "earnings release" => {
            let written = tokens.orig[after - noun.split(' ').count()..after].join(" ");
            let written = written.trim_matches(|c: char| !c.is_alphanumeric());
            (Speaker::Document(format!("{name}'s {written}")), Frame::Statement)
        }
        "statement" | "press release" | "release" | "memo" | "letter" | "blog post" | "announcement" | "deck" => {
            (Speaker::Official(name.to_string()), Frame::Channel)
        }
        // "The Tarrow notice gives …"
        _ if the_opened && !possessive => return public_record(tokens, start, Some(k), lex),
        _ => return None,
    };
    Some(Attribution { speaker, frame, frame_span })
}

/// "Kestrel's 2024 annual report lists the closure", "their Q4 report showed revenue down 18%", "the
/// 10-Q they filed last month already lists a $14M charge", "the firm's own transparency report says
/// …": a record others can look up, named as the subject of what it shows, is what a thread's
/// poster cites. Not the poster's own papers ("my contract says"), nor an internal note ("the memo
/// says"), which is only their word.
fn cited_record(tokens: &Tokens<'_>, lex: &Lexicon) -> Option<Attribution> {
    let n = tokens.len();
    let bare = |k: usize| tokens.bare[k].as_str();
    let mut k = 0;
    while k < n.min(3) && matches!(bare(k), "also" | "and" | "but" | "plus" | "yes" | "fwiw" | "btw" | "actually") {
        k += 1;
    }
    let start = k;
    // Whose record: "the", "their", "its", or a name ending in "'s".
    if k < n && matches!(bare(k), "the" | "their" | "its" | "this" | "that") {
        k += 1;
    } else {
        while k < n && k - start < 4 && tokens.capitalized(k) && !tokens.quoted[k] {
            let word = tokens.orig[k].trim_end_matches(|c: char| !c.is_alphanumeric());
            k += 1;
            if word.ends_with("'s") || word.ends_with("’s") {
                break;
            }
        }
        let word = tokens.orig[k.saturating_sub(1)].trim_end_matches(|c: char| !c.is_alphanumeric());
        if k == start || !(word.ends_with("'s") || word.ends_with("’s")) {
            return None;
        }
    }
    // What kind of record, after up to four words that say which ("2024 annual", "Q4", "own
    // transparency", "January labour").
    let noun = (k..n.min(k + 5)).find(|&j| lex.record_nouns.contains(bare(j)))?;
    if (k..noun).any(|j| tokens.quoted[j] || FIRST_PERSON.contains(bare(j))) {
        return None;
    }
    // What it shows, perhaps after a clause about it ("they filed last month already").
    let verb = (noun + 1..n.min(noun + 7)).find(|&j| lex.record_verbs.contains(bare(j)))?;
    if (noun + 1..verb).any(|j| tokens.quoted[j] || matches!(bare(j), "i" | "my" | "me" | "says" | "said")) {
        return None;
    }
    let written = tokens.orig[start..=noun].join(" ");
    Some(Attribution {
        speaker: Speaker::Document(written.trim_matches(|c: char| !c.is_alphanumeric()).to_string()),
        frame: Frame::Statement,
        frame_span: tokens::Span { start: 0, end: verb + 1 },
    })
}

/// "The notice gives \"technological change\" as the reason", "The PDF lists 318 employees", "The
/// Tarrow notice gives …": a public record a thread has been passing round, named by what it is,
/// speaks for itself; an internal page named that way ("the memo says") is only the poster's word.
/// `noun_at` is where the record's noun starts, after the name of whose it is when one is given.
fn public_record(tokens: &Tokens<'_>, start: usize, noun_at: Option<usize>, lex: &Lexicon) -> Option<Attribution> {
    let n = tokens.len();
    let bare = |k: usize| tokens.bare[k].as_str();
    let k = noun_at.unwrap_or(start);
    let nouns = if k + 1 < n && matches!((bare(k), bare(k + 1)), ("warn", "notice") | ("job", "listing" | "posting")) {
        2
    } else if k < n
        && matches!(bare(k), "notice" | "pdf" | "filing" | "listing" | "8-k" | "10-k" | "10-q" | "s-1" | "warn")
    {
        1
    } else {
        return None;
    };
    let after = k + nouns;
    let verb = (after..n.min(after + 2)).find(|&v| {
        matches!(bare(v), "says" | "lists" | "gives" | "shows" | "puts" | "names" | "cites" | "covers" | "counts")
    })?;
    // "The PDF lists me among the 318": a poster's own place in a record is their word.
    if (start..verb).any(|v| tokens.quoted[v])
        || says_unquoted(tokens, &FIRST_PERSON)
        || lex.speakers.social.is_match(&tokens.orig[start..after].join(" "))
    {
        return None;
    }
    let written = format!("the {}", tokens.orig[start..after].join(" "));
    Some(Attribution {
        speaker: Speaker::Document(written.trim_matches(|c: char| !c.is_alphanumeric()).to_string()),
        frame: Frame::Statement,
        frame_span: tokens::Span { start: 0, end: verb + 1 },
    })
}

/// Whether a word that opens a sentence is a pronoun ("I", "We", "They"), not a name.
fn is_pronoun(word: &str, lex: &Lexicon) -> bool {
    let word = word.to_lowercase();
    lex.speakers.person_pronouns.contains(word.as_str()) || FIRST_PERSON.contains(word.as_str())
}

/// "Bayline now reports the Brannock office closes June 30": a name that reports what happened is a
/// publication, whether or not a list knows it; a company says, announces or confirms, and what it
/// reports is its results ("Halvorsen reported a 9% drop in revenue").
fn reported_by(tokens: &Tokens<'_>, mut k: usize, name: &str) -> Option<Attribution> {
    let n = tokens.len();
    while k < n && matches!(tokens.bare[k].as_str(), "now" | "also" | "just" | "already" | "today" | "first") {
        k += 1;
    }
    let verb = match tokens.bare.get(k).map(String::as_str)? {
        "reports" | "reported" => k,
        "is" | "was" | "are" if tokens.bare.get(k + 1).is_some_and(|w| w == "reporting") => k + 1,
        _ => return None,
    };
    let next = tokens.bare.get(verb + 1)?;
    if RESULTS_OPENERS.contains(next.as_str()) || next.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
        return None;
    }
    Some(Attribution {
        speaker: Speaker::Outlet(name.to_string()),
        frame: Frame::Statement,
        frame_span: tokens::Span { start: 0, end: verb + 1 },
    })
}

/// Whether the text, outside its quotations, uses one of `words` ("I", "my", "we").
fn says_unquoted(tokens: &Tokens<'_>, words: &crate::core::text::Words) -> bool {
    tokens.bare.iter().enumerate().any(|(i, w)| !tokens.quoted[i] && words.contains(w.as_str()))
}

/// The verdict on a line of a pasted company announcement that names no speaker of its own
/// ("Severance is 14 weeks of base pay"): the company's word, unless the poster speaks for themself
/// or the line is second-hand talk.
fn pasted_verdict(tokens: &Tokens<'_>, verdict: Verdict, company: Option<&str>) -> Verdict {
    let own_lines = matches!(&verdict, Verdict::Speculative { reasons, .. } if reasons.iter().all(|r| matches!(
        r,
        SpeculativeReason::Unsourced
            | SpeculativeReason::Prediction
            | SpeculativeReason::Hedge
            | SpeculativeReason::Conditional
            | SpeculativeReason::Opinion
    )));
    if !own_lines || says_unquoted(tokens, &SINGULAR_FIRST_PERSON) || is_header_line(&tokens.orig.join(" ")) {
        return verdict;
    }
    let name = company.unwrap_or("the company").to_string();
    Verdict::sourced(SourcedReason::Official, Source { name, kind: SourceKind::Official, url: None })
}

/// Whether `name` names a site linked earlier, in full ("Scioto Post" for sciotopost.example) or by
/// the words of its name a reply keeps ("The Record" for wichitarecord.example).
fn names_linked_site(name: &str, sites: &[String]) -> bool {
    let name = name.trim_start_matches("The ").trim_start_matches("the ");
    let full: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_ascii_lowercase)
        .collect();
    sites.iter().any(|site| *site == full || !words.is_empty() && words.iter().all(|w| site.contains(w.as_str())))
}

/// "The Signal Desk piece says 15%", "the newsroom post also says": a page named by what it is, just
/// before a say-verb, is the page the thread shares.
fn names_the_page(normalized: &str, lex: &Lexicon) -> bool {
    let words: Vec<&str> = normalized
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\''))
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        // "the … piece", "that post": a page already shared; "a Blind post", "Vantor's report" and
        // "the other article" are others. A reply may open on the noun alone ("article says 230").
        let before = &words[i.saturating_sub(3)..i];
        let determined = i == 0
            || before
                .iter()
                .rev()
                .take_while(|b| !b.ends_with("'s") && !b.ends_with("’s"))
                .any(|b| matches!(*b, "the" | "that" | "this"))
                && !before.iter().any(|b| matches!(*b, "other" | "another" | "second" | "new" | "different"));
        lex.thread_reference_nouns.contains(*w) && determined && {
            let next = words[i + 1..].iter().find(|n| !matches!(**n, "also" | "even" | "only" | "actually"));
            next.is_some_and(|n| lex.say_verbs.contains(*n))
        }
    })
}

/// Whether a link follows the sentence at `at` with nothing but punctuation between, or sits inside
/// it (its text was taken out of the claim, so the claim is no longer found word for word).
fn closed_by_link(text: &str, at: usize, sentence: &[Segment]) -> bool {
    after_sentence(text, at, sentence).is_none_or(|rest| rest.starts_with("http://") || rest.starts_with("https://"))
}

/// The link that closes the sentence at `at`, when one does: on a forum page read as one message,
/// each line is backed by its own link, not by the page's first.
fn closing_link<'t>(text: &'t str, at: usize, sentence: &[Segment]) -> Option<&'t str> {
    let rest = after_sentence(text, at, sentence)?;
    (rest.starts_with("http://") || rest.starts_with("https://")).then(|| rest.split_whitespace().next()).flatten()
}

/// What follows the sentence at `at`, past the punctuation or pointer that leads to a link ("→",
/// "🔗", "👉"); `None` when the sentence is not found word for word.
fn after_sentence<'t>(text: &'t str, at: usize, sentence: &[Segment]) -> Option<&'t str> {
    let last = sentence.last().map_or("", |s| s.text.as_str());
    let end = text[at..].find(last).map(|k| at + k + last.len())?;
    Some(text[end..].trim_start_matches(|c: char| c.is_whitespace() || LINK_POINTERS.contains(c)))
}

/// Marks and emoji that point at the link after them.
const LINK_POINTERS: &str = ":-—–→(<[»↳➡⬇🔗👉👇📎\u{fe0f}";

/// Where a message shows a page's opening lines under its link, as a news bot's post does: at most
/// three lines before the link, one of them the outlet set off as bots set it ("📰 Ledgerline ·
/// Business", "*The Harbour Courier* | …", "**The Render Post** — …"), none a sentence; the line right
/// under the link is the page's, backed by it. A person bolding a headline and writing under it
/// speaks for themself.
fn page_preview(text: &str, url_end: usize) -> Option<std::ops::Range<usize>> {
    let url_start =
        text[..url_end].char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(k, c)| k + c.len_utf8());
    let heads: Vec<&str> = text[..url_start].lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let emphasis = |l: &&str| l.contains("**") || l.starts_with(['*', '_']);
    let separated = |l: &&str| [" | ", " · ", " — ", " – "].iter().any(|sep| l.contains(sep));
    let outlet_line = |l: &&str| l.contains(['📰', '🗞']) || emphasis(l) && separated(l) || is_link_label(l);
    if heads.is_empty()
        || heads.len() > 3
        || !heads.iter().any(outlet_line)
        || heads.iter().any(|l| l.ends_with(['.', '!', '?']))
    {
        return None;
    }
    let body = text[url_end..].strip_prefix('\n').filter(|b| b.starts_with(|c: char| !c.is_whitespace()))?;
    let start = url_end + 1;
    Some(start..start + body.find('\n').unwrap_or(body.len()))
}

/// Whether a sentence opens by pointing at the page its message shares and saying what it says
/// ("The article says …", "it also says …").
fn opens_on_a_page_reference(text: &str, lex: &Lexicon) -> bool {
    // Chat drops the article's "the": "Article says 58% of billing calls".
    let normalized = format!("the {}", normalize(text).trim_start_matches("the "));
    lex.thread_references.hits(&normalized).first().is_some_and(|h| h.start == 0) && cites_a_source(text, lex)
}

/// "“Dunmore Air will phase out its call centers by September, the airline said.”": a sentence
/// inside quotation marks from end to end.
fn quoted_whole(text: &str) -> bool {
    let text = text.trim();
    let inner = text.trim_start_matches(['"', '“']);
    inner.len() < text.len()
        && text.trim_end_matches(['.', ',', ';']).ends_with(['"', '”'])
        && !inner.trim_end_matches(['.', ',', ';']).trim_end_matches(['"', '”']).contains(['"', '“', '”'])
}

/// The quotations that open a line and run over several sentences ("“Management gave the Guild
/// less than 24 hours' notice. … Our members will.”"): a statement pasted whole.
fn quotation_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        let Some(open) = line.trim_start().chars().next().filter(|c| matches!(c, '"' | '“')) else { continue };
        let body = start + open.len_utf8();
        if let Some(close) = text[body..].find(['"', '”']).map(|k| body + k)
            && text[body..close].contains(". ")
        {
            blocks.push(start..close + 1);
        }
    }
    blocks
}

/// A sentence that opens or closes a quotation and holds no other quotation mark: one sentence of
/// a statement pasted whole.
fn quote_part(text: &str) -> bool {
    let text = text.trim();
    let marks = text.matches(['"', '“', '”']).count();
    marks == 1 && (text.starts_with(['"', '“']) || text.trim_end_matches(['.', ',', ';']).ends_with(['"', '”']))
}

/// "The Mercer Ledger ·" before its link: an outlet's name set off as the label of the link after
/// it, which is no claim.
fn is_link_label(line: &str) -> bool {
    let line = line.trim();
    line.ends_with(['·', '|', '—', '–']) && line.split_whitespace().count() <= 6
}

/// "📰 **Stormgale Studios cuts 85 QA testers** | Pixel Ledger", "New item in feed 'Industry News':
/// Vantora Health to move coding to AI" over its link and nothing under it: a news bot's post of a
/// headline alone, set off as bots set it. It comes back as a person would share it, the headline over
/// its link, so the link backs the headline as it backs theirs.
fn news_bot_headline(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let is_url = |l: &str| l.starts_with("https://") || l.starts_with("http://") || l.starts_with("<http");
    // A work app's name, its sign-off and a single word ("Workflows", "Posted via Workflows").
    let chrome = |l: &str| {
        l.split_whitespace().count() == 1 || l.starts_with("Posted via") || l.contains(" APP ") || l.ends_with(" APP")
    };
    // "GameWire Daily • Industry": the outlet and section an embed sets under its link.
    let source_line = |l: &str| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() <= 6
            && !l.ends_with(['.', '!', '?'])
            && (l.contains(['•', '·', '|'])
                || words.iter().all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())))
    };
    let url_at = lines.iter().position(|l| is_url(l))?;
    let after = &lines[url_at + 1..];
    let set_off = |k: usize, l: &str| chrome(l) || k == 0 && source_line(l);
    if after.iter().enumerate().any(|(k, l)| !set_off(k, l)) || lines[url_at].contains(char::is_whitespace) {
        return None;
    }
    let heads: Vec<&str> = lines[..url_at].iter().copied().filter(|l| !chrome(l)).collect();
    let [head] = heads[..] else { return None };
    let lower = head.to_lowercase();
    let fed =
        ["new item in feed", "new rss item", "new post in", "new article in"].iter().any(|p| lower.starts_with(p));
    let marked = fed || head.contains("**") || head.starts_with(['*', '📰', '🗞', '🔗', '⚡', '🆕']);
    if !marked || head.trim_end_matches(['*', '_']).ends_with(['.', '!', '?']) {
        return None;
    }
    let mut headline = if fed { head.split_once(": ").map_or(head, |(_, rest)| rest) } else { head };
    headline = headline.trim_start_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '"' | '“' | '*'));
    // "**Brackwater Echo** | Brightmoor: …": the outlet set in bold before the headline.
    if let Some((outlet, rest)) = headline.split_once(" | ")
        && outlet.starts_with("**")
        && outlet.ends_with("**")
        && outlet.split_whitespace().count() <= 4
    {
        headline = rest;
    }
    // "… | Pixel Ledger", "… - Valley Courier": the outlet after it.
    for separator in [" | ", " — ", " – ", " - "] {
        if let Some((rest, outlet)) = headline.rsplit_once(separator)
            && (1..=5).contains(&outlet.split_whitespace().count())
            && outlet.split_whitespace().all(|w| w.starts_with(|c: char| c.is_uppercase() || c == '*'))
        {
            headline = rest;
            break;
        }
    }
    let headline = headline.trim().trim_matches(['*', '_']).trim();
    let headline = match (headline.chars().next(), headline.chars().last()) {
        (Some('\'' | '"' | '“'), Some('\'' | '"' | '”')) if headline.len() > 2 => {
            headline[1..headline.len() - 1].trim()
        }
        _ => headline,
    };
    (headline.split_whitespace().count() >= 4).then(|| format!("{headline}\n{}", lines[url_at]))
}

/// A headline shared as a message's first line: no full stop, several words.
fn is_title(text: &str) -> bool {
    !text.trim_end().ends_with(['.', '!', '?']) && text.split_whitespace().count() >= 4
}

/// Whether the sentence tells what a source says ("The article says 6%", "per the release").
fn cites_a_source(text: &str, lex: &Lexicon) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'').any(|w| {
        lex.say_verbs.contains(&w.to_lowercase())
            || w.eq_ignore_ascii_case("per")
            || w.eq_ignore_ascii_case("according")
    })
}

/// The text without the names that label its links ("… 380 of us. Wichita Daily Record: https://…"):
/// the link backs the sentence before it, and its label is no claim.
fn without_link_labels(text: &str) -> String {
    // "Wichita Daily Record: https://…", a bot's "The Mercer Ledger · https://…".
    const LABEL_ENDS: [&str; 4] = [": http", " · http", " | http", " — http"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, mark)) =
        LABEL_ENDS.iter().filter_map(|m| rest.find(m).map(|at| (at, &m[..m.len() - 5]))).min_by_key(|&(at, _)| at)
    {
        let head = &rest[..at];
        let start = head.rfind(['.', '!', '?', '\n']).map_or(0, |k| k + 1);
        let label = head[start..].trim();
        let words = label.split_whitespace().count();
        let named = (1..=5).contains(&words)
            && label.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c == '&'));
        // "… to an AI voice system. Resolution here: https://…": a label after a sentence on its
        // line gives way, so the link backs that sentence; one on a line of its own is skipped
        // where sentences are read.
        let after_sentence = head[..start].ends_with(['.', '!', '?']);
        if named && start > 0 || after_sentence && names_a_page(label) {
            out.push_str(&head[..start]);
            out.push(' ');
        } else {
            out.push_str(head);
            out.push_str(mark);
        }
        rest = &rest[at + mark.len()..];
    }
    out.push_str(rest);
    out
}

/// The message without the accounts it opens by replying to ("@ciaradoyle this piece says …",
/// "@Aditya Pawar the openings are split …"): whom a reply addresses is no part of what it says,
/// and a handle there is not a social post it cites. A handle that is the subject ("@narrafon
/// confirms …", "@tallis on X says …") stays.
fn without_reply_mentions<'t>(text: &'t str, lex: &Lexicon) -> &'t str {
    let mut rest = text.trim_start();
    let mut stripped = false;
    while let Some(after) = rest.strip_prefix('@') {
        let handle_end = after.find(char::is_whitespace).unwrap_or(after.len());
        let handle = &after[..handle_end];
        // "@channel", "@here": a call to everyone, which is how chat opens an announcement.
        let broadcast = matches!(handle.trim_end_matches([',', ':']), "channel" | "here" | "everyone");
        if handle.is_empty() || broadcast || handle.ends_with("'s") || handle.ends_with("’s") {
            break;
        }
        let mut next = after[handle_end..].trim_start();
        // "@Aditya Pawar", "@Stevie G": a display name of two capitalised words, as work chat writes
        // mentions. If the second is the sentence's subject ("@Sam Globex said …"), the verb after
        // it keeps the text whole below.
        let first_upper = handle.starts_with(char::is_uppercase) && handle.chars().all(char::is_alphabetic);
        if first_upper
            && let Some((word, tail)) = next.split_once(char::is_whitespace)
            && word.starts_with(char::is_uppercase)
            && word.chars().all(char::is_alphabetic)
        {
            next = tail.trim_start();
        }
        let word = next.split_whitespace().next().unwrap_or_default().to_lowercase();
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if word.is_empty() || lex.say_verbs.contains(word) || SUBJECT_VERBS.contains(word) {
            break;
        }
        rest = next.trim_start_matches([',', ':']).trim_start();
        stripped = true;
    }
    if stripped { rest } else { text }
}
/// Words after a handle, besides the lexicon's verbs of saying, that make it the subject of the
/// sentence rather than whom a reply answers ("@tallis on X", "@narrafon has …").
static SUBJECT_VERBS: crate::core::text::Words =
    crate::core::text::Words::new(&["on", "is", "was", "has", "had", "just", "and"]);

/// "Union statement", "Page 14", "Full story", "From the report": a few words that say what the
/// link after them is, and assert nothing ("Layoffs confirmed: https://…" does).
fn names_a_page(label: &str) -> bool {
    // "Harbor Wire's story", "The Mercer Ledger": a label that names the source is the poster's
    // pointer to a page they vouch for, and stays with it.
    let names_source = label.split_whitespace().skip(1).any(|w| w.starts_with(char::is_uppercase))
        || label.contains("'s")
        || label.contains("’s");
    let words: Vec<String> = label.split_whitespace().map(|w| w.to_lowercase()).collect();
    let pointer = matches!(words.first().map(String::as_str), Some("page" | "p." | "slide" | "section" | "paragraph"));
    // A verb, a figure outside a page number, or an empty word makes the label say something.
    let says_something = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty()
            || ASSERTING_WORDS.contains(w)
            || w.len() > 3 && w.ends_with("ed")
            || !pointer && w.chars().any(|c| c.is_ascii_digit())
    };
    !names_source && (1..=4).contains(&words.len()) && !words.iter().any(|w| says_something(w))
}
/// Words that make a link's label a claim of its own: "It's official", "Layoffs are happening".
static ASSERTING_WORDS: crate::core::text::Words = crate::core::text::Words::new(&[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "it's",
    "its",
    "official",
    "happening",
    "out",
    "up",
    "done",
    "real",
    "true",
    "gone",
    "cut",
    "cuts",
    "confirms",
    "says",
    "said",
    "not",
    "no",
]);

/// The text with a line break after every link that more words follow on the same line: "Zentrope
/// shutting QA: https://… honestly they'll rehire within a year" is a headline and its link, then a
/// remark of the poster's own.
fn break_after_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    for url in urls_in(text) {
        let Some(at) = rest.find(url.as_str()) else { continue };
        let end = at + url.len();
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        let after = rest.trim_start_matches([' ', '\t']);
        if after.len() < rest.len() && after.chars().next().is_some_and(char::is_alphanumeric) {
            out.push('\n');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether a claim beside a link reads as checkable reporting: it names someone or something, gives
/// a figure or tells what a source says, or the scorer that judges the writer's voice in articles finds it reads as such.
fn reads_as_reporting(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    // "Their press release is here": a pointer to the page is what the link backs.
    let names = tokens.bare.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) || w == "here")
        || (0..tokens.len())
            .any(|k| tokens.capitalized(k) && (k > 0 || !REMARK_OPENERS.contains(tokens.bare[0].as_str())));
    // "The workers' council statement says …": what a source says, the link to it backs.
    let cites = tokens.bare.iter().any(|w| lex.say_verbs.contains(w));
    let names_organisation = evidence::names_organisation(tokens, lex);
    if names || cites || names_organisation {
        return true;
    }
    let generic_subject = evidence::generic_subject(tokens, lex);
    let scorer = Weights::embedded();
    let ctx = scorer::Context { generic_subject, names_organisation };
    !generic_subject && scorer.probability(&scorer::features(tokens, lex, ctx)) >= LINKED_REMARK_BAR
}

/// How likely to read as reporting a remark beside a link must be for the link to back it: lower than
/// the bar for the writer's own voice in articles, since the link beside it is evidence already.
const LINKED_REMARK_BAR: f64 = 0.6;

/// Words that open a clause remarking on what was said before it ("so this was coming anyway",
/// "which is doing a lot of work"), not going on reporting it.
static REMARK_LINKS: crate::core::text::Words = crate::core::text::Words::new(&[
    "so", "which", "because", "but", "though", "although", "yet", "while", "lol", "honestly", "meaning",
]);

/// Words that open what a company reports of its own results ("reported a loss", "reports its
/// quarterly revenue"), not a clause a publication reports.
static RESULTS_OPENERS: crate::core::text::Words = crate::core::text::Words::new(&[
    "a",
    "an",
    "its",
    "their",
    "record",
    "revenue",
    "revenues",
    "earnings",
    "profit",
    "profits",
    "sales",
    "net",
    "quarterly",
    "annual",
    "results",
    "losses",
    "loss",
    "income",
    "growth",
    "strong",
    "weak",
    "higher",
    "lower",
]);

/// Words that open a remark rather than a name when they start a sentence with a capital.
static REMARK_OPENERS: crate::core::text::Words = crate::core::text::Words::new(&[
    "that", "that's", "this", "it", "it's", "they", "they're", "there", "there's", "some", "most", "the", "a", "an",
    "what", "honestly", "sounds", "step", "so", "and", "but", "i", "we", "you",
]);

static SINGULAR_FIRST_PERSON: crate::core::text::Words =
    crate::core::text::Words::new(&["i", "i'm", "i've", "i'd", "i'll"]);
static FIRST_PERSON: crate::core::text::Words =
    crate::core::text::Words::new(&["i", "i'm", "i've", "i'd", "me", "my", "we", "we're", "we've", "us", "our"]);

/// "Merrowind's CEO told Metro Daily …", "… told The Copy Desk": said to a publication by name, so
/// that publication's reporting can be checked; "told Priya" names one person, and stays unchecked.
fn told_a_publication(tokens: &Tokens<'_>, a: &Attribution) -> bool {
    let verb = a.frame_span.end.saturating_sub(1);
    let capital = |k: usize| {
        tokens.orig.get(k).is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase)) && !tokens.quoted[k]
    };
    if !matches!(tokens.bare.get(verb).map(String::as_str), Some("told" | "tells")) {
        return false;
    }
    let start = if tokens.bare.get(verb + 1).is_some_and(|w| w == "the") { verb + 2 } else { verb + 1 };
    let end =
        (start..tokens.len()).find(|&k| !capital(k) || k > start && tokens.ends_chunk(k - 1)).unwrap_or(tokens.len());
    let enough = if start == verb + 2 { end > start } else { end > start + 1 };
    // The name must end there: "told the Prague team" names a team, not a publication.
    let name_ends = end == tokens.len() || tokens.ends_chunk(end - 1) || TOLD_WHAT.contains(tokens.bare[end].as_str());
    enough && name_ends
}

/// "Hal Brennan said on Radio Kestrel this morning that …", "said on the Capital Circuit podcast":
/// what a named speaker said on a named programme is on record, checkable by anyone who listens.
fn said_on_air(tokens: &Tokens<'_>, a: &Attribution) -> bool {
    let verb = a.frame_span.end.saturating_sub(1);
    if tokens.bare.get(verb + 1).is_none_or(|w| w != "on") {
        return false;
    }
    let start = if tokens.bare.get(verb + 2).is_some_and(|w| w == "the") { verb + 3 } else { verb + 2 };
    let capital = |k: usize| {
        tokens.orig.get(k).is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase)) && !tokens.quoted[k]
    };
    let end = (start..tokens.len()).find(|&k| !capital(k)).unwrap_or(tokens.len());
    // "Radio Kestrel", "the Capital Circuit podcast"; not "on Slack today" or "on the Daily standup".
    let named = (start..end).any(|k| PROGRAMME_NOUNS.contains(tokens.bare[k].as_str()));
    // What a named programme is, after its name ("the Capital Circuit podcast").
    let genre =
        tokens.bare.get(end).is_some_and(|w| PROGRAMME_NOUNS.contains(w.as_str()) && !NOT_GENRES.contains(w.as_str()));
    end > start && (named || genre)
}

/// Words that name a broadcast without saying what kind of show it is, so they make no genre after
/// a name ("on Slack today", "the Kestrel channel").
static NOT_GENRES: crate::core::text::Words =
    crate::core::text::Words::new(&["tv", "television", "channel", "tonight", "today", "weekly", "daily", "live"]);

/// Words that name a broadcast or a show ("Radio Kestrel", "the Bayline Radio hour").
static PROGRAMME_NOUNS: crate::core::text::Words = crate::core::text::Words::new(&[
    "radio",
    "podcast",
    "show",
    "hour",
    "program",
    "programme",
    "tv",
    "television",
    "broadcast",
    "livestream",
    "channel",
    "newshour",
    "tonight",
    "today",
    "weekly",
    "daily",
    "live",
    "interview",
]);

/// Words that open what someone told a publication, after its name.
static TOLD_WHAT: crate::core::text::Words = crate::core::text::Words::new(&[
    "the",
    "that",
    "a",
    "an",
    "at",
    "in",
    "on",
    "last",
    "this",
    "it",
    "its",
    "they",
    "their",
    "he",
    "she",
    "his",
    "her",
    "about",
    "there",
    "no",
    "on",
    "earlier",
    "yesterday",
    "today",
    "we",
    "our",
]);

/// A link that can back a claim: any http(s) page that is not a social-media post, nor a picture
/// (a reaction GIF says nothing a reply could cite).
fn link_source(link: &str, lex: &Lexicon) -> Option<Source> {
    let host = host_of(link)?;
    if lex.is_social_host(&host) || is_picture(link, &host) {
        return None;
    }
    let name = lex.outlet_for_host(&host).map_or(host.clone(), |o| o.name().to_string());
    Some(Source { name, kind: SourceKind::Link, url: Some(link.to_string()) })
}

fn is_picture(link: &str, host: &str) -> bool {
    let path = link.split(['?', '#']).next().unwrap_or(link).to_ascii_lowercase();
    [".gif", ".gifv", ".png", ".jpg", ".jpeg", ".webp"].iter().any(|e| path.ends_with(e))
        || ["giphy.", "tenor.", "imgur."].iter().any(|h| host.starts_with(h) || host.contains(&format!(".{h}")))
}

fn message_verdict(
    tokens: &Tokens<'_>,
    attr: Option<&Attribution>,
    lex: &Lexicon,
    link: Option<&Source>,
    social_link: bool,
    minutes: bool,
) -> Verdict {
    // "I was one of the 1,100 let go": a first-hand account is the writer's word, whatever it links.
    // "Can confirm Tampa got the invite", "Just got my notice": chat drops the "I" of a first-hand
    // report ("Got my hands on the memo" with the memo's link is the memo's word, so not "got" alone).
    let elided_i = matches!(
        (tokens.bare.first().map(String::as_str), tokens.bare.get(1).map(String::as_str)),
        (Some("can"), Some("confirm")) | (Some("just"), Some("got"))
    );
    let first_person = elided_i || says_unquoted(tokens, &FIRST_PERSON);
    let link = link.filter(|_| !first_person);
    let cited = cited_document(tokens, lex);
    // "Per the 8-K it's 1,140 roles": a line that opens by citing a document is that document's,
    // whatever "it" or "they" it goes on with.
    let opens_on_citation =
        cited.is_some() && matches!(tokens.bare.first().map(String::as_str), Some("per" | "according" | "from"));
    let attr = attr.filter(|a| {
        !(opens_on_citation && matches!(a.speaker, Speaker::Anonymous | Speaker::Hearsay | Speaker::Weasel))
    });
    let public_channel = cited.is_some()
        || !tokens.find(&lex.official_channels).is_empty()
        || !tokens.find(&lex.document_channels).is_empty();
    // In chat, what a company or a person said is checkable only with a link or a public channel
    // ("in a statement", a meeting's notes); "Globex already told the Prague team" is the writer's
    // word alone.
    // Asked once, and only of a person or an official, since it reads the words before the verb.
    let named_officer = attr.is_some_and(|a| matches!(a.speaker, Speaker::Official(_) | Speaker::Person(_)))
        && named_with_a_role(tokens, lex);
    let checkable = attr.filter(|a| match &a.speaker {
        Speaker::Outlet(_) => true,
        // "The notice says my last day is April 17": a poster's own papers are their word.
        Speaker::Document(name) => !first_person || !is_personal_paper(name),
        Speaker::Official(_) | Speaker::Person(_) => {
            link.is_some()
                || named_officer
                || a.frame == Frame::Channel
                || public_channel
                || minutes
                || told_a_publication(tokens, a)
                || said_on_air(tokens, a)
        }
        Speaker::Anonymous => link.is_some(),
        _ => false,
    });
    // What a checkable speaker said keeps their label, as in articles; second-hand cues count anyway.
    let mut reasons = markers::find(tokens, lex, |_| checkable.is_none());
    reasons.extend(markers::second_hand(tokens, lex));
    // "hearing the sales org is next": chat drops the "I'm" of "I'm hearing"; a headline's "Hearing
    // set in …" and "hearing aids" are the noun.
    let elided_hearing = tokens.orig.first().is_some_and(|w| *w == "hearing")
        && tokens.bare.get(1).is_some_and(|w| {
            !matches!(w.as_str(), "is" | "was" | "set" | "on" | "in" | "aid" | "aids" | "date" | "officer" | "loss")
        });
    if elided_hearing && !reasons.contains(&SpeculativeReason::Hearsay) {
        reasons.insert(0, SpeculativeReason::Hearsay);
    }
    // "Mariana Teles of the GameWorkers union told me by phone …": who told the poster is named
    // in full with their office, so it is no hearsay.
    if named_officer && checkable.is_some() {
        reasons.retain(|r| *r != SpeculativeReason::Hearsay);
    }
    if let Some(a) = attr {
        match a.speaker {
            Speaker::Social => reasons.insert(0, SpeculativeReason::UnverifiedSocial),
            Speaker::Hearsay => reasons.insert(0, SpeculativeReason::Hearsay),
            Speaker::Weasel => reasons.insert(0, SpeculativeReason::Weasel),
            Speaker::Anonymous if link.is_none() => reasons.insert(0, SpeculativeReason::Rumour),
            _ => {}
        }
    }
    // Second-hand talk is never laundered by a link or a named source beside it.
    let second_hand = reasons.iter().any(|r| {
        matches!(
            r,
            SpeculativeReason::Hearsay
                | SpeculativeReason::Rumour
                | SpeculativeReason::UnverifiedSocial
                | SpeculativeReason::Weasel
        )
    });
    if second_hand || (checkable.is_none() && !reasons.is_empty()) {
        return Verdict::speculative(reasons);
    }
    let attributed = checkable.map(|a| match &a.speaker {
        Speaker::Outlet(n) => (SourcedReason::Outlet, n.clone(), SourceKind::Outlet),
        Speaker::Document(n) => (SourcedReason::Document, n.clone(), SourceKind::Document),
        Speaker::Official(n) => (SourcedReason::Official, issuer(n), SourceKind::Official),
        Speaker::Person(n) => (SourcedReason::Person, n.clone(), SourceKind::Person),
        _ => (SourcedReason::Outlet, "unnamed sources".to_string(), SourceKind::Outlet),
    });
    let anonymous = checkable.is_some_and(|a| a.speaker == Speaker::Anonymous);
    match (link, attributed) {
        (Some(l), Some((reason, _, _))) if !anonymous => {
            Verdict::Sourced { reasons: vec![SourcedReason::Link, reason], anonymous: false, source: l.clone() }
        }
        (Some(l), _) => Verdict::Sourced { reasons: vec![SourcedReason::Link], anonymous, source: l.clone() },
        (None, Some((reason, name, kind))) => {
            Verdict::Sourced { reasons: vec![reason], anonymous, source: Source { name, kind, url: None } }
        }
        (None, None) if social_link => Verdict::speculative(vec![SpeculativeReason::UnverifiedSocial]),
        (None, None) => match cited {
            Some(name) => Verdict::Sourced {
                reasons: vec![SourcedReason::Document],
                anonymous: false,
                source: Source { name, kind: SourceKind::Document, url: None },
            },
            None => Verdict::speculative(vec![SpeculativeReason::Unsourced]),
        },
    }
}

/// "the union issued a statement" names the union: whoever put a statement out speaks, not the
/// phrase that says they did.
fn issuer(name: &str) -> String {
    let cut = [" issued ", " put out ", " released ", " published ", " posted "]
        .iter()
        .filter_map(|verb| name.find(verb))
        .filter(|&at| name[at..].contains("statement") || name[at..].contains("release"))
        .min();
    cut.map_or_else(|| name.to_string(), |at| name[..at].to_string())
}

/// A paper a poster gets about their own job ("the notice", "my offer letter"), not a public record
/// (a WARN notice, a filing).
fn is_personal_paper(name: &str) -> bool {
    let name = name.to_lowercase();
    let last = name.split_whitespace().last().unwrap_or_default();
    !name.contains("warn")
        && matches!(
            last,
            "notice"
                | "letter"
                | "email"
                | "e-mail"
                | "memo"
                | "paperwork"
                | "offer"
                | "packet"
                | "package"
                | "agreement"
        )
}

/// "CFO Ines Barros says …", "Dana Roe, a Local 212 steward, said …": a speaker named in full
/// with their office, before what they say, is on record, checkable by whoever reads the line;
/// "our VP said" or "my manager was told by his VP" is not.
fn named_with_a_role(tokens: &Tokens<'_>, lex: &Lexicon) -> bool {
    const ROLES: &[&str] = &["steward", "organizer", "organiser", "union", "local", "chair", "representative"];
    // "CFO Marcus Lindqvist now: severance is …": a live-poster's label before a colon names the
    // speaker as a say-verb would.
    let label = (0..tokens.len().min(8)).find(|&k| tokens.orig[k].ends_with(':') && !tokens.quoted[k]).map(|k| k + 1);
    let said = tokens.bare.iter().position(|w| lex.say_verbs.contains(w.as_str()));
    let Some(verb) = said.into_iter().chain(label).min() else { return false };
    let titled =
        |k: usize| ROLES.contains(&tokens.bare[k].as_str()) || lex.speakers.official_titles.is_match(&tokens.bare[k]);
    let name_word = |k: usize| {
        tokens.capitalized(k)
            && !tokens.quoted[k]
            && !titled(k)
            && !["'s", "’s"].iter().any(|s| tokens.orig[k].trim_end_matches([',', ':']).ends_with(s))
    };
    let full_name = (1..verb).any(|k| {
        name_word(k - 1)
            && name_word(k)
            && tokens.orig[k - 1].ends_with(|c: char| c.is_alphanumeric())
            && !is_pronoun(tokens.orig[k - 1], lex)
            && !is_pronoun(tokens.orig[k], lex)
    });
    full_name && (0..verb).any(titled)
}

/// Filings a company makes in public, which a line can cite by where a fact stands in them.
const PUBLIC_FILINGS: &[&str] = &["10-k", "10-ks", "10-q", "10-qs", "8-k", "8-ks", "s-1", "filing", "filings", "proxy"];

/// The document a chat line cites by "per" or "according to" ("severance is 10 weeks, per the HR
/// letter", "according to their own 10-Ks"), or a filing it places a fact in ("in their own 10-K",
/// "from the 10-K"): a determiner or a possessive opens it and a document noun
/// (`cited_document_nouns`, or [`PUBLIC_FILINGS`] after "in", "from" or "on") closes it within a few words. A forum or social site (`community_sites`)
/// named in or just after it makes it a post, not a document ("per a post in a private Facebook group").
fn cited_document(tokens: &Tokens<'_>, lex: &Lexicon) -> Option<String> {
    const DETERMINERS: &[&str] = &["the", "their", "our", "its", "his", "her", "a", "an", "this", "that", "my", "your"];
    let bare = &tokens.bare;
    (0..bare.len()).find_map(|i| {
        let (start, filings_only) = match bare[i].as_str() {
            "per" => (i + 1, false),
            "according" if bare.get(i + 1).is_some_and(|w| w == "to") => (i + 2, false),
            // "it's right there in their own 10-K", "from the 10-K", "on the filing": where a fact
            // stands is a public record only when it is a filing; "in the memo" is hearsay's place.
            "in" | "from" | "on" => (i + 1, true),
            _ => return None,
        };
        let opener = bare.get(start)?;
        if !DETERMINERS.contains(&opener.as_str()) && !opener.ends_with("'s") {
            return None;
        }
        let end = (start + 6).min(bare.len());
        let noun = if filings_only {
            let mut k = start + 1;
            while k < end
                && matches!(bare[k].as_str(), "own" | "last" | "latest" | "prior" | "previous" | "recent" | "new")
            {
                k += 1;
            }
            (k < end && PUBLIC_FILINGS.contains(&bare[k].as_str())).then_some(k)?
        } else {
            (start + 1..end).find(|&k| lex.cited_document_nouns.contains(bare[k].as_str()))?
        };
        let phrase_end = (noun + 6).min(bare.len());
        if bare[start..phrase_end].iter().any(|w| lex.is_community_site(w)) || tokens.quoted[noun] {
            return None;
        }
        Some(bare[start + 1..=noun].join(" "))
    })
}

#[cfg(test)]
mod tests;
