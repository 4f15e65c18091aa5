//! The learned part of the labeller: a logistic regression that decides sourced-vs-speculative for
//! the claims the rules are not sure about — statements in the writer's own voice with no
//! attribution and no cue word, where "plain reporting" and the writer's analysis look alike. Its
//! features are named (cue words in context, the subject's type, concrete detail, person, tense,
//! punctuation) so the weights file reads as data; the weights are compiled in, like the lexicons.
//!
//! It is trained by `cargo run --example train_labels` from the project's labelled sets with plain
//! seeded SGD: no learning crate fits better here (the ones tried pull dense matrices and dozens of
//! crates for a model this size), and fifty lines retrain bit-identically. The weights file records
//! the hashes of the training data and lexicons and the feature code's version, and a test fails
//! when any of them changes without retraining.

use super::tokens::Tokens;
use crate::core::lexicon::Lexicon;
use crate::core::text::Words;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// Bump when [`features`] changes, so the weights check asks for retraining.
pub const FEATURE_VERSION: u32 = 2;

const EMBEDDED_WEIGHTS: &str = include_str!("../../../config/label_scorer.json");

static EMBEDDED: LazyLock<Weights> = LazyLock::new(|| {
    serde_json::from_str(EMBEDDED_WEIGHTS).expect("the scorer weights compiled into the binary are valid")
});

/// A trained model and what it was trained from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub feature_version: u32,
    /// SHA-256 of the labelled data it was trained on.
    pub training_data_sha256: String,
    /// SHA-256 of the lexicon files, which decide what reaches the scorer and its features.
    pub lexicon_sha256: String,
    /// Below this probability of "sourced", a claim is speculative. Above one half on purpose: a false
    /// "sourced" costs the reader more than a false "speculative".
    pub threshold: f64,
    /// Looked up for every feature of every claim and line of every item: hashed, not searched in a
    /// sorted map, which cost a few hundred string comparisons a claim. Written in key order.
    #[serde(serialize_with = "in_key_order")]
    pub weights: WeightTable,
}

/// The weights by feature name.
pub type WeightTable = HashMap<String, f64, foldhash::fast::FixedState>;

/// A weights file is diffed and hashed: the same weights always write the same text.
fn in_key_order<S: Serializer>(weights: &WeightTable, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(weights.iter().collect::<BTreeMap<_, _>>())
}

impl Weights {
    /// The weights compiled into the binary from `config/label_scorer.json`.
    pub fn embedded() -> &'static Weights {
        &EMBEDDED
    }

    /// The weights file compiled into the binary, as text: the claim gate learns from the labeller's
    /// output with these weights, so its record hashes them too.
    pub fn embedded_file() -> &'static str {
        EMBEDDED_WEIGHTS
    }

    /// The probability that a claim with these features is sourced reporting.
    pub fn probability(&self, features: &[String]) -> f64 {
        let z: f64 = features.iter().filter_map(|f| self.weights.get(f)).sum::<f64>()
            + self.weights.get(BIAS).copied().unwrap_or(0.0);
        sigmoid(z)
    }
}

const BIAS: &str = "bias";

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

static FIRST_SECOND_PERSON: Words =
    Words::new(&["i", "i'm", "i've", "i'd", "me", "my", "we", "we're", "we've", "us", "our", "you", "your", "you're"]);
static PRONOUN_SUBJECTS: Words = Words::new(&["it", "they", "he", "she", "its", "their", "his", "her"]);
static DEMONSTRATIVES: Words = Words::new(&["this", "that", "these", "those", "there", "here", "such"]);
/// Month and weekday names, which a figure after them makes a date ("May 7").
pub(super) static MONTHS_AND_DAYS: Words = Words::new(&[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "week",
    "quarter",
]);
/// Modal verbs: the writer weighing what may be, not reporting what is.
static MODALS: Words = Words::new(&[
    "will",
    "would",
    "could",
    "may",
    "might",
    "should",
    "must",
    "can",
    "can't",
    "cannot",
    "won't",
    "wouldn't",
    "couldn't",
    "shouldn't",
    "ought",
]);
/// Adverbs that turn a statement into the writer's stance ("could not be clearer", "simply").
static STANCE_ADVERBS: Words = Words::new(&[
    "really",
    "clearly",
    "simply",
    "just",
    "truly",
    "surely",
    "actually",
    "basically",
    "hardly",
    "quite",
    "very",
    "even",
    "only",
    "merely",
    "deeply",
    "entirely",
    "utterly",
    "frankly",
    "honestly",
    "ironically",
    "remarkably",
    "notably",
    "strikingly",
    "predictably",
    "conveniently",
    "oddly",
    "curiously",
    "tellingly",
    "arguably",
    "increasingly",
    "perhaps",
    "certainly",
    "obviously",
    "plainly",
    "barely",
    "apparently",
]);
/// Evaluative adjectives and nouns: judgement rather than detail.
static EVALUATIVE: Words = Words::new(&[
    "good",
    "bad",
    "great",
    "huge",
    "massive",
    "awkward",
    "clear",
    "clearer",
    "obvious",
    "convenient",
    "candid",
    "striking",
    "remarkable",
    "telling",
    "bleak",
    "grim",
    "absurd",
    "ironic",
    "stark",
    "familiar",
    "strange",
    "odd",
    "curious",
    "tough",
    "hard",
    "harder",
    "easy",
    "easier",
    "worse",
    "better",
    "best",
    "worst",
    "real",
    "sad",
    "important",
    "significant",
    "dramatic",
    "brutal",
    "cynical",
    "scapegoat",
    "story",
    "message",
    "lesson",
    "signal",
    "sign",
    "irony",
    "problem",
    "mistake",
    "risk",
    "bet",
    "gamble",
    "narrative",
    "admission",
    "excuse",
    "honest",
    "dishonest",
    "fair",
    "unfair",
    "wise",
    "foolish",
    "smart",
    "naive",
    "bold",
    "modest",
    "painful",
    "uncomfortable",
    "inevitable",
    "predictable",
    "troubling",
    "worrying",
    "alarming",
    "encouraging",
    "impressive",
    "disappointing",
    "depressing",
    "ugly",
    "pretty",
    "nice",
    "terrible",
    "awful",
    "wonderful",
    "candour",
    "candor",
]);
static NEGATIONS: Words =
    Words::new(&["not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "isn't", "aren't", "don't"]);
static PAST_AUX: Words = Words::new(&["was", "were", "had", "did"]);
static PRESENT_AUX: Words = Words::new(&["is", "are", "am", "has", "have", "does", "do"]);

/// What the rules know about a writer's-voice claim, beyond its words.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The clause's opening words name nobody in particular ("tech firms", "most companies").
    pub generic_subject: bool,
    /// A known company or outlet is named.
    pub names_organisation: bool,
}

/// The named features of a clause. Every name is prefixed by its family.
pub fn features(tokens: &Tokens<'_>, lex: &Lexicon, ctx: Context) -> Vec<String> {
    let n = tokens.len();
    let mut f: Vec<String> = Vec::with_capacity(3 * n + 16);
    let bare = &tokens.bare;
    for (i, w) in bare.iter().enumerate() {
        if w.is_empty() {
            continue;
        }
        let w = if w.chars().any(|c| c.is_ascii_digit()) { "<num>" } else { w.as_str() };
        let q = if tokens.quoted[i] { "q:" } else { "" };
        f.push(format!("w:{q}{w}"));
        if let Some(next) = bare.get(i + 1).filter(|x| !x.is_empty()) {
            let next = if next.chars().any(|c| c.is_ascii_digit()) { "<num>" } else { next.as_str() };
            f.push(format!("bi:{w}_{next}"));
        }
    }
    if let Some(first) = bare.first() {
        f.push(format!("first:{first}"));
    }
    let digits = bare.iter().filter(|w| w.chars().any(|c| c.is_ascii_digit())).count();
    f.push(format!("numbers:{}", digits.min(2)));
    if bare.iter().any(|w| MONTHS_AND_DAYS.contains(w.as_str())) {
        f.push("date".into());
    }
    let names = (1..n)
        .filter(|&k| tokens.capitalized(k) && !tokens.quoted[k] && !bare[k].is_empty() && !bare[k].eq("i"))
        .count();
    f.push(format!("names:{}", names.min(3)));
    let subject_is_name = n > 0 && tokens.capitalized(0) && n > 1 && tokens.capitalized(1);
    let subject = match bare.first().map(String::as_str) {
        Some(w) if FIRST_SECOND_PERSON.contains(w) => "person",
        Some(w) if PRONOUN_SUBJECTS.contains(w) => "pronoun",
        Some(w) if DEMONSTRATIVES.contains(w) => "demonstrative",
        _ if ctx.generic_subject => "generic",
        _ if subject_is_name => "name",
        _ => "other",
    };
    f.push(format!("subject:{subject}"));
    if bare.iter().enumerate().any(|(i, w)| !tokens.quoted[i] && FIRST_SECOND_PERSON.contains(w.as_str())) {
        f.push("first-or-second-person".into());
    }
    if ctx.names_organisation {
        f.push("organisation".into());
    }
    if !tokens.find(&lex.markers.layoff_actions).is_empty() {
        f.push("layoff-action".into());
    }
    if bare.iter().any(|w| PAST_AUX.contains(w.as_str()) || w.len() > 4 && w.ends_with("ed")) {
        f.push("past".into());
    }
    if bare.iter().any(|w| PRESENT_AUX.contains(w.as_str())) {
        f.push("present".into());
    }
    if tokens.quoted.iter().any(|q| *q) {
        f.push("quotation".into());
    }
    let last = tokens.orig.last().copied().unwrap_or("");
    if last.ends_with('!') {
        f.push("exclamation".into());
    }
    if tokens.orig.iter().any(|w| w.contains(':')) {
        f.push("colon".into());
    }
    if tokens.orig.iter().any(|w| w.contains('—') || w == &"-" || w.contains("--")) {
        f.push("dash".into());
    }
    let unquoted =
        |set: &Words| bare.iter().enumerate().filter(|(i, w)| !tokens.quoted[*i] && set.contains(w.as_str())).count();
    if unquoted(&MODALS) > 0 {
        f.push("modal".into());
    }
    f.push(format!("stance:{}", unquoted(&STANCE_ADVERBS).min(2)));
    f.push(format!("evaluative:{}", unquoted(&EVALUATIVE).min(2)));
    if unquoted(&NEGATIONS) > 0 || tokens.orig.iter().any(|w| w.contains("n't") || w.contains("n’t")) {
        f.push("negation".into());
    }
    // "Retailers appear to", "Unions that wait": a bare plural noun as subject is a generalisation.
    let plural_subject = bare.first().is_some_and(|w| {
        w.len() > 3
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !DEMONSTRATIVES.contains(w.as_str())
            && !PRONOUN_SUBJECTS.contains(w.as_str())
            && !FIRST_SECOND_PERSON.contains(w.as_str())
    }) && !(n > 1 && tokens.capitalized(1));
    if plural_subject {
        f.push("subject:plural-noun".into());
    }
    // Concrete detail per word: a short line full of numbers and names reads as reporting.
    let density = ((digits + names) * 8).checked_div(n).unwrap_or(0).min(3);
    f.push(format!("density:{density}"));
    let concrete = digits > 0 || names > 0 || ctx.names_organisation;
    f.push(format!("concrete:{concrete}"));
    f.push(format!("length:{}", (n / 8).min(4)));
    f.sort_unstable();
    f.dedup();
    f
}

/// Whether a clause gives a plan in concrete detail, not in praise: a number, a date or two names
/// besides its first word, and no evaluative word ("Savings will go to Brightwell Copilot and a new
/// team in Toronto", not "Together we will set a new gold standard").
pub fn is_concrete_plan(tokens: &Tokens<'_>) -> bool {
    let bare = &tokens.bare;
    let detail = bare.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) || MONTHS_AND_DAYS.contains(w.as_str()))
        || (1..tokens.len()).filter(|&k| tokens.capitalized(k) && !tokens.quoted[k]).count() >= 2;
    detail && !evaluates(tokens)
}

/// Whether a clause judges rather than tells: an evaluative word or a superlative in it.
pub fn evaluates(tokens: &Tokens<'_>) -> bool {
    tokens.bare.iter().any(|w| EVALUATIVE.contains(w.as_str()) || SUPERLATIVES.contains(w.as_str()))
}

static SUPERLATIVES: Words =
    Words::new(&["most", "finest", "greatest", "leading", "premier", "trusted", "world-class", "best-in-class"]);

/// Trains a logistic regression on `(features, sourced)` examples with seeded SGD: the same examples
/// in the same order always give the same weights, bit for bit.
pub fn train(examples: &[(Vec<String>, bool)], seed: u64) -> WeightTable {
    const EPOCHS: usize = 40;
    const RATE: f64 = 0.1;
    const L2: f64 = 1e-4;
    let mut weights = WeightTable::default();
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut state = seed.max(1);
    for epoch in 0..EPOCHS {
        // Fisher–Yates with xorshift64: reproducible without a random-number crate's version drift.
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let rate = RATE / (1.0 + epoch as f64 * 0.1);
        for &k in &order {
            let (features, sourced) = &examples[k];
            let z: f64 =
                features.iter().filter_map(|f| weights.get(f)).sum::<f64>() + weights.get(BIAS).copied().unwrap_or(0.0);
            let error = f64::from(u8::from(*sourced)) - sigmoid(z);
            for name in features.iter().map(String::as_str).chain([BIAS]) {
                let w = weights.entry(name.to_string()).or_insert(0.0);
                *w += rate * (error - L2 * *w);
            }
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(text: &str) -> Vec<String> {
        features(&Tokens::new(text, Lexicon::embedded()), Lexicon::embedded(), Context::default())
    }

    #[test]
    fn concrete_reporting_and_rhetoric_have_different_features() {
        let report = feats("Hooli closed its Reno office on Friday, cutting 212 jobs.");
        assert!(report.contains(&"concrete:true".to_string()) && report.contains(&"date".to_string()));
        let rhetoric = feats("The message to investors could not be clearer.");
        assert!(rhetoric.contains(&"concrete:false".to_string()));
    }

    #[test]
    fn training_separates_a_toy_set_and_is_reproducible() {
        let ex = |s: &str, y: bool| (feats(s), y);
        let examples = vec![
            ex("Hooli cut 300 jobs in Ohio on Monday.", true),
            ex("Globex closed 12 stores in March.", true),
            ex("Initech laid off 40 recruiters on Friday.", true),
            ex("We all know where this is going.", false),
            ex("The message could not be clearer.", false),
            ex("Tech firms love a convenient scapegoat.", false),
        ];
        let a = train(&examples, 7);
        assert_eq!(a, train(&examples, 7));
        let w = Weights {
            feature_version: FEATURE_VERSION,
            training_data_sha256: String::new(),
            lexicon_sha256: String::new(),
            threshold: 0.5,
            weights: a,
        };
        assert!(w.probability(&feats("Vandelay cut 90 jobs in Reno on Tuesday.")) > 0.5);
        assert!(w.probability(&feats("We know exactly what this is.")) < 0.5);
    }
}
