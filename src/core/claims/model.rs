//! What a labelled claim is. The verdict type makes it impossible to give a sourced claim a speculative
//! reason, or a speculative claim the look of a sourced one.

use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// Why a claim is backed by a checkable source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourcedReason {
    Outlet,
    Official,
    Document,
    Person,
    Link,
}

/// Why a claim is not backed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpeculativeReason {
    Hedge,
    Prediction,
    Opinion,
    Hearsay,
    Rumour,
    Weasel,
    UnverifiedSocial,
    Conditional,
    Unsourced,
}

impl SpeculativeReason {
    /// Which reason leads when a claim has several: the one that says most about where it came from.
    pub fn rank(self) -> u8 {
        match self {
            Self::UnverifiedSocial => 0,
            Self::Hearsay => 1,
            Self::Rumour => 2,
            Self::Conditional => 3,
            Self::Weasel => 4,
            Self::Prediction => 5,
            Self::Opinion => 6,
            Self::Hedge => 7,
            Self::Unsourced => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hedge => "hedge",
            Self::Prediction => "prediction",
            Self::Opinion => "opinion",
            Self::Hearsay => "hearsay",
            Self::Rumour => "rumour",
            Self::Weasel => "weasel",
            Self::UnverifiedSocial => "unverified-social",
            Self::Conditional => "conditional",
            Self::Unsourced => "unsourced",
        }
    }
}

impl SourcedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Outlet => "outlet",
            Self::Official => "official",
            Self::Document => "document",
            Self::Person => "person",
            Self::Link => "link",
        }
    }
}

/// The kind of a named source, as the contract spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Outlet,
    Official,
    Document,
    Person,
    Link,
}

/// Who or what a claim rests on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub url: Option<String>,
}

/// The label of a claim with everything that justifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Sourced {
        /// The main reason first; never empty.
        reasons: Vec<SourcedReason>,
        /// The outlet relies on people it does not name.
        anonymous: bool,
        source: Source,
    },
    Speculative {
        /// The main reason first; never empty.
        reasons: Vec<SpeculativeReason>,
        source: Option<Source>,
    },
}

impl Verdict {
    pub fn sourced(reason: SourcedReason, source: Source) -> Self {
        Verdict::Sourced { reasons: vec![reason], anonymous: false, source }
    }

    /// A speculative verdict from the reasons found, most telling first, at most two; `Unsourced` when
    /// nothing more specific was found.
    pub fn speculative(mut found: Vec<SpeculativeReason>) -> Self {
        found.sort_by_key(|r| r.rank());
        found.dedup();
        if found.len() > 1 {
            found.retain(|r| *r != SpeculativeReason::Unsourced);
        }
        if found.is_empty() {
            found.push(SpeculativeReason::Unsourced);
        }
        found.truncate(2);
        Verdict::Speculative { reasons: found, source: None }
    }

    pub fn is_sourced(&self) -> bool {
        matches!(self, Verdict::Sourced { .. })
    }

    pub fn label(&self) -> &'static str {
        if self.is_sourced() { "sourced" } else { "speculative" }
    }

    /// The reasons as the contract spells them, `anonymous-sources` last.
    pub fn reason_names(&self) -> Vec<&'static str> {
        match self {
            Verdict::Sourced { reasons, anonymous, .. } => {
                let mut names: Vec<&'static str> = reasons.iter().map(|r| r.as_str()).collect();
                if *anonymous {
                    names.push("anonymous-sources");
                }
                names
            }
            Verdict::Speculative { reasons, .. } => reasons.iter().map(|r| r.as_str()).collect(),
        }
    }

    pub fn source(&self) -> Option<&Source> {
        match self {
            Verdict::Sourced { source, .. } => Some(source),
            Verdict::Speculative { source, .. } => source.as_ref(),
        }
    }
}

/// One assertion from a document with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub text: String,
    pub verdict: Verdict,
    /// The message id in a thread, the document id for an article.
    pub origin: String,
    /// The uncertainty cues in the claim's words ("may", "could", "expected to", "reportedly"),
    /// lower-cased, in order, whatever its label: a sourced statement can itself be hedged.
    pub hedges: Vec<String>,
}

impl Serialize for Claim {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Claim", 6)?;
        s.serialize_field("text", &self.text)?;
        s.serialize_field("label", self.verdict.label())?;
        s.serialize_field("reasons", &self.verdict.reason_names())?;
        s.serialize_field("hedges", &self.hedges)?;
        s.serialize_field("source", &self.verdict.source())?;
        s.serialize_field("origin", &self.origin)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_serializes_in_the_contract_shape() {
        let claim = Claim {
            text: "Two people said so.".into(),
            verdict: Verdict::Sourced {
                reasons: vec![SourcedReason::Outlet],
                anonymous: true,
                source: Source { name: "Reuters".into(), kind: SourceKind::Outlet, url: None },
            },
            origin: "a1".into(),
            hedges: vec!["could".into()],
        };
        let json = serde_json::to_string(&claim).unwrap();
        assert_eq!(
            json,
            r#"{"text":"Two people said so.","label":"sourced","reasons":["outlet","anonymous-sources"],"hedges":["could"],"source":{"name":"Reuters","kind":"outlet","url":null},"origin":"a1"}"#
        );
    }

    #[test]
    fn speculative_reasons_are_ranked_and_capped() {
        let v = Verdict::speculative(vec![
            SpeculativeReason::Hedge,
            SpeculativeReason::Unsourced,
            SpeculativeReason::Hearsay,
            SpeculativeReason::Prediction,
        ]);
        assert_eq!(v.reason_names(), vec!["hearsay", "prediction"]);
    }

    #[test]
    fn a_speculative_claim_without_a_source_serializes_null() {
        let claim =
            Claim { text: "x".into(), verdict: Verdict::speculative(vec![]), origin: "m1".into(), hedges: vec![] };
        let json = serde_json::to_value(&claim).unwrap();
        assert_eq!(json["source"], serde_json::Value::Null);
        assert_eq!(json["reasons"][0], "unsourced");
    }
}
