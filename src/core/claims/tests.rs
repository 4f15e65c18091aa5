//! The worked examples of DESIGN.md and one case per reason and hard case.

use super::*;
use crate::core::model::Message;

fn article(outlet: &str, text: &str) -> Vec<Claim> {
    let doc = Document::Article(Article {
        id: Some("a1".into()),
        outlet: Some(outlet.into()),
        url: Some("https://news.example/a1".into()),
        title: None,
        published: None,
        text: text.into(),
    });
    label_document(&doc, Lexicon::embedded())
}

fn chat(text: &str, links: &[&str]) -> Vec<Claim> {
    let doc = Document::Thread(Thread {
        id: Some("t1".into()),
        channel: None,
        messages: vec![Message {
            id: Some("m1".into()),
            author: None,
            ts: None,
            text: text.into(),
            links: links.iter().map(|l| l.to_string()).collect(),
            permalink: None,
        }],
    });
    label_document(&doc, Lexicon::embedded())
}

fn one(claims: Vec<Claim>) -> (String, Vec<&'static str>, Option<String>) {
    assert_eq!(claims.len(), 1, "{claims:#?}");
    let c = &claims[0];
    (c.verdict.label().to_string(), c.verdict.reason_names(), c.verdict.source().map(|s| s.name.clone()))
}

#[test]
fn a_company_blog_post_is_official() {
    let (label, reasons, source) =
        one(article("The Verge", "Dropbox will lay off 500 employees, the company said in a blog post on Tuesday."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["official"], Some("Dropbox")));
}

#[test]
fn people_familiar_are_the_outlets_anonymous_sources() {
    let (label, reasons, source) =
        one(article("Bloomberg", "Two people familiar with the plans said the cuts could reach 15% of staff."));
    assert_eq!(
        (label.as_str(), reasons, source.as_deref()),
        ("sourced", vec!["outlet", "anonymous-sources"], Some("Bloomberg"))
    );
}

#[test]
fn an_agentless_expectation_is_a_weasel_prediction() {
    let (label, reasons, _) = one(article("Reuters", "The layoffs are expected to hit recruiting hardest."));
    assert_eq!(label, "speculative");
    assert!(reasons.contains(&"prediction") && reasons.contains(&"weasel"), "{reasons:?}");
}

#[test]
fn a_hedge_inside_an_executives_quote_stays_official() {
    let (label, reasons, _) =
        one(article("Reuters", "\"We may need fewer people over time,\" the chief executive wrote in a memo."));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["official"]));
}

#[test]
fn critics_arguing_is_weasel_opinion() {
    let (label, reasons, _) =
        one(article("Reuters", "Critics have long argued the company over-hired during the pandemic."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["weasel", "opinion"]));
}

#[test]
fn a_warn_notice_is_a_document() {
    let (label, reasons, _) =
        one(article("GeekWire", "A WARN notice filed in Washington lists 1,200 affected workers."));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["document"]));
}

#[test]
fn a_manager_saying_so_is_hearsay() {
    let (label, reasons, _) = one(chat("my manager says the whole org is getting cut next week", &[]));
    assert_eq!((label.as_str(), reasons[0]), ("speculative", "hearsay"));
}

#[test]
fn a_link_backs_an_official_confirmation() {
    let (label, reasons, source) = one(chat("Intel confirmed 15% cuts https://www.intel.com/newsroom/cuts", &[]));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["link", "official"], Some("intel.com")));
}

#[test]
fn a_link_does_not_launder_the_prediction_beside_it() {
    let claims =
        chat("Intel confirmed 15% cuts and honestly they'll cut more by spring https://www.intel.com/newsroom/x", &[]);
    assert_eq!(claims.len(), 2, "{claims:#?}");
    assert_eq!(claims[0].verdict.label(), "sourced");
    assert_eq!(claims[1].verdict.label(), "speculative");
    let reasons = claims[1].verdict.reason_names();
    assert!(reasons.contains(&"prediction") && reasons.contains(&"opinion"), "{reasons:?}");
}

#[test]
fn an_unlinked_fact_and_an_opinion_are_both_speculative() {
    let claims = chat("Revenue was up 20% last quarter so this is pure AI-washing.", &[]);
    assert_eq!(claims.len(), 2, "{claims:#?}");
    assert_eq!(claims[0].verdict.reason_names(), vec!["unsourced"]);
    assert_eq!(claims[1].verdict.reason_names(), vec!["opinion"]);
}

#[test]
fn an_anonymous_account_is_unverified_social() {
    let (label, reasons, _) = one(article("Reuters", "An anonymous account on X claims 3,000 more jobs will go."));
    assert_eq!((label.as_str(), reasons[0]), ("speculative", "unverified-social"));
}

#[test]
fn a_condition_and_a_forecast_are_both_named() {
    let (label, reasons, _) = one(article("Wired", "If AI agents keep improving, support teams will shrink further."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["conditional", "prediction"]));
}

#[test]
fn plain_reporting_is_sourced_to_the_outlet() {
    let (label, reasons, source) = one(article("Reuters", "Globex cut 1,100 jobs in its cloud unit on Monday."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["outlet"], Some("Reuters")));
}

#[test]
fn a_hedge_in_the_outlets_voice_is_speculative() {
    let (label, reasons, _) = one(article("Reuters", "The cuts could spread to the sales team."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["prediction", "hedge"]));
    let (label, reasons, _) = one(article("Reuters", "The count may be higher than reported."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["hedge"]));
}

#[test]
fn a_rumour_is_a_rumour_even_with_a_link() {
    let (label, reasons, _) = one(chat("rumor is Hooli cuts 30% in January https://www.reuters.com/x", &[]));
    assert_eq!((label.as_str(), reasons[0]), ("speculative", "rumour"));
}

#[test]
fn a_named_person_on_record_is_a_person() {
    let (label, reasons, source) = one(article(
        "CNBC",
        "Marta Ruiz, a labor economist at Northfield University, said the pace of cuts was unusual.",
    ));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["person"], Some("Marta Ruiz")));
}

#[test]
fn weasel_phrases_are_weasel() {
    let (label, reasons, _) = one(article("Reuters", "Hooli is widely regarded as the leader in support automation."));
    assert_eq!((label.as_str(), reasons[0]), ("speculative", "weasel"));
}

#[test]
fn a_blind_post_is_unverified_social() {
    let (label, reasons, _) = one(chat("someone on Blind posted that Initech is cutting 2,000", &[]));
    assert_eq!(label, "speculative");
    assert!(reasons.contains(&"unverified-social") || reasons.contains(&"hearsay"), "{reasons:?}");
}

#[test]
fn an_unsourced_assertion_that_sounds_factual_is_unsourced() {
    let (label, reasons, _) = one(chat("Globex is cutting 4,000 people next month.", &[]));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unsourced"]));
}

#[test]
fn a_link_in_the_links_field_backs_the_message() {
    let (label, reasons, source) =
        one(chat("Globex is cutting 4,000 people next month.", &["https://www.bloomberg.com/news/x"]));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["link"], Some("Bloomberg")));
}

#[test]
fn html_articles_are_labelled_by_their_text() {
    let claims = article(
        "Reuters",
        "<p>Initech cut 300 jobs &amp; closed an office.</p><ul><li>Critics say it is a pretext.</li></ul>",
    );
    assert_eq!(claims.len(), 2, "{claims:#?}");
    assert_eq!(claims[0].text, "Initech cut 300 jobs & closed an office.");
    assert_eq!(claims[1].verdict.label(), "speculative");
}

#[test]
fn non_english_chat_is_kept_and_labelled() {
    let claims = chat("Ich habe gehört, dass Initech 500 Stellen streicht.", &[]);
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].verdict.label(), "speculative");
}
