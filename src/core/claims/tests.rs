//! The worked examples of DESIGN.md and one case per reason and hard case.

use super::*;
use crate::core::model::Message;

fn article(outlet: &str, text: &str) -> Vec<Claim> {
    label_document(&article_doc(outlet, text), Lexicon::embedded())
}

fn article_doc(outlet: &str, text: &str) -> Document {
    Document::Article(Article {
        id: Some("a1".into()),
        outlet: Some(outlet.into()),
        url: Some("https://news.example/a1".into()),
        title: None,
        published: None,
        text: text.into(),
    })
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

/// A thread of messages "m0", "m1", …, each with its text and the link it carries ("" for none).
fn thread(messages: &[(&str, &str)]) -> Vec<Claim> {
    let messages: Vec<(Option<&str>, &str, &str)> = messages.iter().map(|&(text, link)| (None, text, link)).collect();
    label_document(&thread_doc(&messages), Lexicon::embedded())
}

/// A thread of messages "m0", "m1", …, each with its author (if any), text and link ("" for none).
fn thread_doc(messages: &[(Option<&str>, &str, &str)]) -> Document {
    Document::Thread(Thread {
        id: Some("t1".into()),
        channel: None,
        messages: messages
            .iter()
            .enumerate()
            .map(|(i, (author, text, link))| Message {
                id: Some(format!("m{i}")),
                author: author.map(str::to_string),
                ts: None,
                text: text.to_string(),
                links: if link.is_empty() { vec![] } else { vec![link.to_string()] },
                permalink: None,
            })
            .collect(),
    })
}

/// The claim whose text holds `needle`.
fn containing<'c>(claims: &'c [Claim], needle: &str) -> &'c Claim {
    claims.iter().find(|c| c.text.contains(needle)).unwrap_or_else(|| panic!("{needle}: {claims:#?}"))
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
fn an_unlinked_fact_and_the_opinion_drawn_from_it_are_one_speculative_remark() {
    let claims = chat("Revenue was up 20% last quarter so this is pure AI-washing.", &[]);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    assert_eq!(claims[0].verdict.label(), "speculative");
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

// Failure families of the "labels that hold on real writing" issue, one test per family.

fn labels(claims: &[Claim]) -> Vec<(&str, Vec<&'static str>)> {
    claims.iter().map(|c| (c.verdict.label(), c.verdict.reason_names())).collect()
}

#[test]
fn family_1_the_writers_analysis_is_not_the_outlets_reporting() {
    for line in [
        "The message to investors could not be clearer.",
        "Here the numbers tell a different story.",
        "Executives have found a convenient scapegoat.",
        "Initech's board clearly believes automation will carry next year's margins.",
        "Tech firms now reach for AI whenever a cut needs explaining.",
    ] {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "speculative", "{line}");
    }
    let (label, reasons, _) =
        one(article("The Ledger", "Tech firms now reach for AI whenever a cut needs explaining."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["weasel"]));
}

#[test]
fn family_1_concrete_reporting_in_the_writers_voice_stays_sourced() {
    let (label, reasons, source) =
        one(article("The Ledger", "Vandelay Industries closed its Reno warehouse on Friday, cutting 212 jobs."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["outlet"], Some("The Ledger")));
}

#[test]
fn family_2_page_furniture_and_labels_are_neither_claims_nor_speakers() {
    let text = "<p>By Mira Okafor</p><p>Share this article</p><p>Listen to this story</p>\
        <h2>What happened at Hooli</h2><p>Hi readers!</p>\
        <p><strong>Bottom line:</strong> managers may see the cuts as leverage.</p>\
        <p>Sign up for our newsletter</p><p>Photo: Courtesy of Hooli</p>";
    let claims = article("The Ledger", text);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    assert_eq!(claims[0].text, "managers may see the cuts as leverage.");
    assert_eq!(claims[0].verdict.label(), "speculative", "the label is no speaker, so the hedge stays");
    assert_eq!(claims[0].hedges, vec!["may"]);
}

#[test]
fn family_2_a_dateline_and_a_trailing_credit_leave_the_text_and_name_the_source() {
    let claims = article("Daily Aggregator", "SAN JOSE, May 4 (Reuters) - Pied Piper will cut 300 jobs by June 30.");
    assert_eq!(claims[0].text, "Pied Piper will cut 300 jobs by June 30.");
    assert_eq!(claims[0].verdict.source().map(|s| s.name.as_str()), Some("Reuters"));
    let claims = article("Daily Aggregator", "Hooli is closing its Dublin office, affecting 140 staff (Bloomberg).");
    assert_eq!(claims[0].text, "Hooli is closing its Dublin office, affecting 140 staff.");
    assert_eq!(claims[0].verdict.source().map(|s| s.name.as_str()), Some("Bloomberg"));
}

#[test]
fn family_2_a_clause_that_cannot_stand_alone_joins_its_sentence() {
    let claims = article("Reuters", "Globex said it would cut 400 jobs, but it did not say when.");
    assert_eq!(claims.len(), 1, "{claims:#?}");
    let claims = article("Reuters", "Globex told staff on Friday\nthat the Prague office would close in June.");
    assert_eq!(claims.len(), 1, "{claims:#?}");
}

#[test]
fn family_3_places_and_common_nouns_are_not_speakers_and_handles_are_social() {
    let (label, reasons, _) = one(article("The Ledger", "@SomeAccount on X says 3,000 more jobs will go at Initech."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unverified-social"]));
    let (_, _, source) = one(article("The Ledger", "United States employers said they cut 61,000 jobs in August."));
    assert_ne!(source.as_deref(), Some("United"));
}

#[test]
fn family_4_belief_verbs_would_and_rumour_phrases_are_cues() {
    for line in [
        "Word around the office is that Initech's Ohio team is next.",
        "A second round is floated as a possibility for the fall.",
        "Mo reckons that is only phase one of the cuts at Hooli.",
        "The cuts would make Globex the largest AI-driven layoff this year.",
    ] {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "speculative", "{line}");
    }
}

#[test]
fn family_4_attributions_the_lists_did_not_know() {
    for line in [
        "He also said the union would ballot members over the cuts.",
        "The CEO, meanwhile, says no further cuts are planned at Initech.",
        "A survey by Ivory Gate Partners found 38% of insurers froze hiring in 2026.",
        "Its union announced a strike vote for March 3.",
    ] {
        let claims = article("The Ledger", &format!("Jane Roe, a spokeswoman for Initech, spoke on Monday. {line}"));
        assert_eq!(claims.last().unwrap().verdict.label(), "sourced", "{line}");
    }
}

#[test]
fn family_5_cues_that_over_fire_are_held_back() {
    for line in [
        "Initech will cut 900 jobs, according to a leaked memo reviewed by the paper.",
        "The support team will move to Austin in May.",
        "A Hooli spokesperson couldn't be reached for comment.",
    ] {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "sourced", "{line}");
    }
}

#[test]
fn what_a_company_has_not_said_is_the_outlets_account_only_after_a_short_subject() {
    for line in [
        "The company has not said whether the 3,000 figure includes contractors.",
        "Halvern has not published any data showing how many tickets its agents close.",
        "Greyholm has been approached for comment.",
        "Trundle did not return calls seeking comment Friday.",
    ] {
        let (label, reasons, _) = one(article("The Ledger", line));
        assert_eq!((label.as_str(), reasons), ("sourced", vec!["outlet"]), "{line}");
    }
    let claims = article("The Ledger", "That is the kind of number Brindlecourt has not published.");
    assert_eq!(claims[0].verdict.label(), "speculative");
}

#[test]
fn unnamed_sources_with_a_long_reason_and_what_the_writer_heard() {
    let line = "Two Meadowlark coders, who spoke on condition of anonymity because they feared losing \
                severance, said the AI system's suggestions were often rejected during the pilot.";
    assert_eq!(labels(&article("The Ledger", line)), vec![("sourced", vec!["outlet", "anonymous-sources"])]);
    let line = "Three former Lumisoft analysts, who asked not to be named because they signed separation \
                agreements, told me they spent much of last year fixing the dashboards by hand.";
    assert_eq!(article("The Ledger", line)[0].verdict.label(), "sourced");
    let line = "I've heard from two people at other publishers that their bosses forwarded the Pellridge memo \
                around with a note.";
    assert_eq!(labels(&article("The Ledger", line)), vec![("speculative", vec!["hearsay"])]);
    let line = "There is talk among workers that Ardent is scouting smaller office space downtown.";
    assert_eq!(article("The Ledger", line)[0].verdict.label(), "speculative");
    let line = "The AI layoff wave will reverse within 18 months, as companies discover the cost of mistakes.";
    assert_eq!(labels(&article("The Ledger", line)), vec![("speculative", vec!["prediction"])]);
}

#[test]
fn a_lone_noun_before_a_comma_makes_no_claim_and_what_the_writer_heard_stays_hearsay() {
    let line = "Bold claim, given Solvane came bottom of the regulator's complaints table last year.";
    assert_eq!(article("The Ledger", line)[0].verdict.label(), "speculative");
    let line = "I heard from a Quillfeather editor on Friday who said her desk was told to review output.";
    assert_eq!(labels(&article("The Ledger", line)), vec![("speculative", vec!["hearsay"])]);
}

#[test]
fn a_linkedin_post_from_someone_unnamed_is_social_and_an_officers_own_is_on_record() {
    let line = "A LinkedIn post from a former Hollowmere QA lead claims the test team was cut from 64 to 22.";
    assert_eq!(labels(&article("The Ledger", line)), vec![("speculative", vec!["unverified-social"])]);
    let line = "Chief Executive Rafe Connolly wrote in a LinkedIn post that AI agents now draft most routine code.";
    assert_eq!(article("The Ledger", line)[0].verdict.label(), "sourced");
}

#[test]
fn in_chat_an_officer_in_brackets_and_a_statement_put_out_are_on_record() {
    let text = "Today we are reducing Nettlefield by 140 roles, about 11% of the company, mostly in production.";
    for (author, label) in [("Priya Okonkwo (CEO)", "sourced"), ("Priya Okonkwo (former CEO)", "speculative")] {
        let claims = label_document(&thread_doc(&[(Some(author), text, "")]), Lexicon::embedded());
        assert_eq!(claims[0].verdict.label(), label, "{author}");
    }
    let claims = chat("the union issued a statement saying it will file a grievance.", &[]);
    assert_eq!(labels(&claims), vec![("sourced", vec!["official"])]);
    assert_eq!(claims[0].verdict.source().map(|s| s.name.as_str()), Some("the union"));
    let claims = chat("Vantor's annual report literally brags that QA cost per title fell 31%.", &[]);
    assert_eq!(labels(&claims), vec![("sourced", vec!["document"])]);
}

#[test]
fn a_news_items_credit_line_in_a_bot_post_is_no_claim() {
    let text = "Corvane Systems to cut 2,400 jobs\nMeridian Wire · 1 hour ago\nCorvane said in a statement it \
                will reduce its workforce by about 9%.\nhttps://www.meridianwire.example/tech/corvane-cuts";
    let claims = chat(text, &["https://www.meridianwire.example/tech/corvane-cuts"]);
    assert!(claims.iter().all(|c| !c.text.contains("1 hour ago")), "{claims:#?}");
}

#[test]
fn family_6_a_hedge_inside_a_sourced_statement_is_listed() {
    let claims = article("Bloomberg", "Two people said the cuts could reach 15% of staff at Initech.");
    assert_eq!(labels(&claims), vec![("sourced", vec!["outlet", "anonymous-sources"])]);
    assert_eq!(claims[0].hedges, vec!["could"]);
}

#[test]
fn a_transcript_turn_makes_an_executive_speak_for_the_company() {
    let text = "<p><strong>Operator</strong></p><p>Welcome to the Initech call.</p>\
        <p><strong>Dana Roe</strong> -- Chief Executive Officer</p><p>We reduced support by 300 people in May.</p>";
    let claims = article("Transcripts Daily", text);
    assert_eq!(labels(&claims), vec![("sourced", vec!["official"])]);
}

#[test]
fn first_hand_chat_claims_are_not_backed_by_the_link_beside_them() {
    let claims = chat("I was one of the 300 let go on Tuesday. https://news.example/initech-cuts", &[]);
    assert_eq!(labels(&claims), vec![("speculative", vec!["unsourced"])]);
}

#[test]
fn a_reply_pointing_back_at_the_shared_page_is_backed_by_it() {
    let message = |id: &str, text: &str, links: &[&str]| Message {
        id: Some(id.into()),
        author: None,
        ts: None,
        text: text.into(),
        links: links.iter().map(|l| l.to_string()).collect(),
        permalink: None,
    };
    let doc = Document::Thread(Thread {
        id: Some("t1".into()),
        channel: None,
        messages: vec![
            message("m1", "Initech cuts 300 support jobs", &["https://news.example/initech-cuts"]),
            message("m2", "The article says affected staff get 12 weeks of severance.", &[]),
            message("m3", "Management knew about this for months.", &[]),
        ],
    });
    let claims = label_document(&doc, Lexicon::embedded());
    assert_eq!(labels(&claims)[1], ("sourced", vec!["link", "outlet"]));
    assert_eq!(labels(&claims)[2].0, "speculative", "a reply that does not point back is the writer's word");
}

#[test]
fn a_remark_beside_a_link_is_the_posters_view() {
    let link = ["https://news.example/globex-cuts"];
    assert_eq!(one(chat("That's actually more humane than most.", &link)).0, "speculative");
    assert_eq!(
        one(chat("Some companies really are automating work though, it's not all theater.", &link)).0,
        "speculative"
    );
    assert_eq!(one(chat("Globex is closing 42 branches in Ohio.", &link)).0, "sourced");
    assert_eq!(one(chat("the workers' council statement says they're taking it to arbitration", &link)).0, "sourced");
}

#[test]
fn a_speaker_in_an_opening_condition_does_not_source_the_sentence() {
    let claims = article(
        "Desk Notes",
        "If the error rate is anywhere near what our source describes, customers may be paying for these cuts.",
    );
    assert_eq!(one(claims).0, "speculative");
}

#[test]
fn reported_speech_would_stays_with_its_speaker() {
    let claims =
        article("Harbor Desk", "A Globex spokesperson said fiction and poetry would still be translated by people.");
    assert_eq!(one(claims).0, "sourced");
}

fn show_notes(text: &str) -> Vec<Claim> {
    article(
        "The Pink Slip Pod",
        &format!("<p>In this episode, hosts Dana Okafor and Lewis Brandt dig into the Initech cuts.</p>{text}"),
    )
}

#[test]
fn show_hosts_give_their_view_and_unnamed_guests_are_nobody_in_particular() {
    for (line, label, reason) in [
        (
            "<p>(09:15) Dana argues the cuts have more to do with a flat year than with AI.</p>",
            "speculative",
            "opinion",
        ),
        ("<p>Co-host Lewis Brandt predicts Initech will rehire contractors by spring.</p>", "speculative", "opinion"),
        (
            "<p>Our guest, a former dispatcher with 15 years at the company, says 19 of 22 night dispatchers went.</p>",
            "speculative",
            "weasel",
        ),
        (
            "<p>Guest Orlando Pike, a former Initech vice president, said the pilot cut a fifth of the desk.</p>",
            "sourced",
            "person",
        ),
        ("<p>(02:10) Initech said on November 10 it would cut 2,200 operations roles.</p>", "sourced", "official"),
    ] {
        let claims = show_notes(line);
        let c = claims.last().expect("a claim");
        assert_eq!(c.verdict.label(), label, "{line}");
        assert!(c.verdict.reason_names().contains(&reason), "{line}: {:?}", c.verdict.reason_names());
    }
    let claims = show_notes(
        "<p>Our guest, a manager at a large bank who asked not to be named, says the pilot ran for a year.</p>\
         <p>She says most teams run the agents in shadow mode.</p>",
    );
    assert_eq!(claims.last().unwrap().verdict.reason_names(), vec!["weasel"], "{claims:#?}");
}

#[test]
fn a_name_with_an_appositive_organisation_and_an_unlisted_publication_are_speakers() {
    let (label, reasons, source) =
        one(article("The Ledger", "Verdi, the services union, said it would oppose any compulsory redundancies."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["official"], Some("Verdi")));
    let (label, reasons, source) =
        one(article("The Ledger", "The Capital Brief reported that internal IT would be the most affected team."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["outlet"], Some("Capital Brief")));
}

#[test]
fn a_verb_that_ends_the_sentence_frames_nothing() {
    for line in [
        "Denials might rise before they fall, which would eat into the savings Verada has promised.",
        "Nobody at Ridgeback Capital has ever sat through a zoning board meeting, and it shows.",
    ] {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "speculative", "{line}");
    }
}

#[test]
fn a_company_denying_a_social_media_rumour_is_on_record() {
    let (label, reasons, _) = one(article(
        "The Ledger",
        "Pinecrest Retail said on Monday it had no plan to replace 5,000 cashiers, denying a viral TikTok video.",
    ));
    assert_eq!(label, "sourced", "{reasons:?}");
    let (label, reasons, _) = one(article(
        "The Ledger",
        "Pinecrest Retail told staff it would cut 5,000 cashier jobs, according to a post on Blind.",
    ));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unverified-social"]));
}

#[test]
fn a_poster_on_a_subreddit_is_a_social_account() {
    let (label, reasons, _) = one(article(
        "Forum Pulse",
        "A paralegal on r/legaladvice said Harlow & Finch let 31 paralegals go with two weeks' pay.",
    ));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unverified-social"]));
}

#[test]
fn a_labelled_credit_names_an_outlet_no_list_knows() {
    for line in [
        "Verada Health is eliminating 540 billing jobs as it moves the work to a vendor (Source: Corsair News Service).",
        "Verada Health is eliminating 540 billing jobs as it moves the work to a vendor, via Corsair News Service.",
    ] {
        let claims = article("Stackfeed", line);
        assert_eq!(claims[0].text, "Verada Health is eliminating 540 billing jobs as it moves the work to a vendor.");
        assert_eq!(claims[0].verdict.source().map(|s| s.name.as_str()), Some("Corsair News Service"), "{line}");
    }
}

#[test]
fn a_quoted_reply_an_aside_and_call_furniture_are_not_claims() {
    let claims = chat("> Rates went up\n\nThe Fed cut twice in 2026, so rates went down.", &[]);
    assert_eq!(
        claims.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
        vec!["The Fed cut twice in 2026, so rates went down."]
    );
    let claims = chat("(disclaimer: I work there)  At Kestrel our agents close 30% of tickets now.", &[]);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    let claims = article(
        "CallScribe",
        "<p>Operator: Welcome to the Initech third-quarter results call.</p><p>Your line is open.</p>\
         <p>You may now disconnect.</p><p>Initech cut 300 roles in the quarter.</p>",
    );
    assert_eq!(claims.len(), 1, "{claims:#?}");
}

#[test]
fn a_view_from_someone_known_by_a_first_name_is_the_pages_own_voice() {
    for line in ["Ben argues the survey was a pretext.", "Ricky predicts the studio resurfaces as a mobile shop."] {
        let claims = show_notes(&format!("<p>{line}</p>"));
        let c = claims.last().unwrap();
        assert_eq!(c.verdict.label(), "speculative", "{line}: {claims:#?}");
        assert!(c.verdict.reason_names().contains(&"opinion"), "{line}: {claims:#?}");
    }
    // A surname, after the full name: a person on record. Off show notes, a one-word name arguing
    // is as often a company or a research firm.
    let claims = show_notes(
        "<p>Analyst Rosa Ostrova of Fjellstad Markets joined us on Monday.</p>\
         <p>Ostrova argues the savings are back-loaded.</p>",
    );
    assert_eq!(claims.last().unwrap().verdict.label(), "sourced", "{claims:#?}");
    for line in
        ["Gartner predicts that AI will replace 30% of support roles by 2027.", "Globex argues the cuts were lawful."]
    {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "sourced", "{line}");
    }
}

#[test]
fn photo_captions_and_short_bios_are_not_claims() {
    let claims = article(
        "The Ledger",
        "<figure><img src=\"x.jpg\"><figcaption>A self-checkout lane at a Pinecrest store in Evanston.</figcaption></figure>\
         <p>Farah Siddiqui is a regional officer for the Financial Workers Union.</p>\
         <p>Pinecrest cut 300 cashier jobs on Tuesday, the company said.</p>",
    );
    assert_eq!(claims.len(), 1, "{claims:#?}");
}

#[test]
fn reported_speech_goes_on_past_a_comma_and_a_rumour_cue_yields_to_the_outlets_sources() {
    for line in [
        "The filing said merchandising, pricing and marketing teams would be most affected.",
        "Corrigan said 410 IT staff would be offered jobs at Auralis, while about 120 roles would be eliminated.",
        "Lumenfold confirmed the cuts in a blog post, saying it would cut about 18% of its workforce.",
        "Maruvia Telecom is said to be weighing the closure of two contact centres, according to three people familiar with the plans.",
    ] {
        let (label, reasons, _) = one(article("The Ledger", line));
        assert_eq!(label, "sourced", "{line}: {reasons:?}");
    }
    for line in [
        "Initech said it would cut 300 jobs, and more cuts are likely.",
        "Some employees speculated that warehouse staff may be next, according to two people who saw the messages.",
    ] {
        let (label, _, _) = one(article("The Ledger", line));
        assert_eq!(label, "speculative", "{line}");
    }
}

#[test]
fn a_remark_after_a_link_in_the_middle_of_a_message_is_the_posters_own() {
    let claims = chat(
        "Zentrope shutting Montreal QA, 230 jobs: https://news.example/zentrope honestly they'll be hiring contractors back within a year",
        &[],
    );
    assert_eq!(claims.len(), 2, "{claims:#?}");
    assert_eq!(claims[0].verdict.label(), "sourced");
    assert_eq!(claims[1].verdict.label(), "speculative");
}

#[test]
fn furniture_rules_leave_the_news_that_looks_like_them() {
    for text in [
        "<p>Jane Roe was an analyst at Initech for 12 years before she was laid off.</p>",
        "<p>Dana Roe was an Initech recruiter until the company replaced her team with software.</p>",
        "<p>The first question comes from a shareholder who asked whether more cuts were planned.</p>",
        "<p>Support for the retraining program comes from a $2 million state grant, Initech said.</p>",
        "<p>Workers on the 6:00 a.m./2:00 p.m. shifts at Initech's Reno plant were told on Friday their jobs would go.</p>",
        "<p>7:30 was when the layoff emails started arriving, three employees said.</p>",
        "<p>Initech cut 300 jobs on Tuesday.</p><figure><figcaption>Photo: Getty<p>Globex cut 200 jobs on Wednesday.</p></figure>",
    ] {
        let claims = article("The Ledger", text);
        assert!(!claims.is_empty(), "{text}");
        assert!(!claims.last().unwrap().text.starts_with("was when"), "{text}");
    }
}

#[test]
fn a_podcast_footer_does_not_make_a_news_page_show_notes() {
    let claims = article(
        "The Ledger",
        "<p>Initech hosted Globex executives in Reno last week.</p>\
         <p>Globex said on Tuesday it would cut 300 jobs after the meeting.</p>\
         <p>Listen to The Ledger Daily wherever you get your podcasts.</p>",
    );
    assert!(claims.iter().any(|c| c.text.starts_with("Globex said") && c.verdict.is_sourced()), "{claims:#?}");
}

#[test]
fn a_social_post_that_speaks_last_or_is_credited_is_the_source() {
    for line in [
        "Initech's chief executive told staff 3,000 jobs would go, an anonymous post on Blind claimed.",
        "Initech cut 300 jobs in Reno (via Blind).",
    ] {
        let (label, reasons, _) = one(article("The Ledger", line));
        assert_eq!((label.as_str(), reasons), ("speculative", vec!["unverified-social"]), "{line}");
    }
}

#[test]
fn a_hedge_before_an_inverted_speaker_stays_with_that_speaker() {
    for line in [
        "More cuts could follow, a company spokesperson said.",
        "Further layoffs are possible, the company said.",
        "Initech will cut 300 jobs, the company said.",
    ] {
        let (label, reasons, _) = one(article("The Ledger", line));
        assert_eq!((label.as_str(), reasons), ("sourced", vec!["official"]), "{line}");
    }
}

#[test]
fn a_pull_quote_the_body_says_again_is_one_claim() {
    let claims = article(
        "The Circuit",
        "\"Quill Assist now resolves 61 percent of tickets without a human.\"\nQuillmark said Quill Assist now resolves 61 percent of tickets without a human.\n\"We are going to hire agents before we hire people.\" — Harriet Osei\nOsei told staff in a memo: \"We are going to hire agents before we hire people.\"",
    );
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Quillmark said Quill Assist now resolves 61 percent of tickets without a human.",
            "Osei told staff in a memo: \"We are going to hire agents before we hire people.\""
        ]
    );
}

#[test]
fn a_link_in_a_message_backs_the_line_it_closes_not_the_posters_own_lines() {
    let claims = chat(
        "Got walked out yesterday along with 30-ish others from infrastructure ops.\nThe blog post says 18% company-wide: https://lumenfold.example/blog/smaller\nThey kept the people who had written the most Terraform.",
        &[],
    );
    let got: Vec<(&str, Vec<&str>)> = labels(&claims);
    assert_eq!(
        got,
        vec![
            ("speculative", vec!["unsourced"]),
            ("sourced", vec!["link", "official"]),
            ("speculative", vec!["unsourced"]),
        ],
        "{claims:#?}"
    );
}

#[test]
fn a_link_after_a_pointer_emoji_on_the_next_line_backs_the_line_before_it() {
    let claims = chat(
        "⚠️ **New WARN notice**\nNordhaven Telecom will lay off 312 workers at its Port Calloway contact centre effective May 29.\n🔗 https://labor.example/warn/2026/0331-nordhaven",
        &[],
    );
    let notice = containing(&claims, "312 workers");
    assert_eq!(notice.verdict.reason_names(), vec!["link"], "{claims:#?}");
}

#[test]
fn a_public_record_named_by_what_it_is_speaks_for_itself_in_a_thread() {
    let claims = thread(&[
        ("Tarrow filed a WARN notice today https://labor.example/warn/tarrow.pdf", ""),
        ("The PDF lists 318 employees at the Tessford service center.", ""),
        ("The Tarrow notice gives \"technological change\" as the reason.", ""),
    ]);
    for needle in ["318 employees", "technological change"] {
        let claim = containing(&claims, needle);
        assert_eq!(claim.verdict.reason_names(), vec!["document"], "{claims:#?}");
    }
    let internal = thread(&[
        ("we got laid off this morning", ""),
        ("the memo says nobody else is affected", ""),
        ("The PDF lists me among the 318 employees at Tessford", ""),
    ]);
    assert!(!containing(&internal, "the memo says").verdict.is_sourced(), "{internal:#?}");
    assert!(!containing(&internal, "lists me").verdict.is_sourced(), "{internal:#?}");
}

#[test]
fn a_speaker_quoted_in_a_named_piece_and_a_statement_that_calls_it_something_are_sourced() {
    let claims = thread(&[
        ("GWA organizer Teodora Vance is also quoted in the GameDesk piece calling it \"a layoff\".", ""),
        ("Pellam's statement to the Brennock Gazette calls it \"freeing our people\".", ""),
    ]);
    let quoted = containing(&claims, "GameDesk");
    assert_eq!(quoted.verdict.source().map(|s| s.name.as_str()), Some("GameDesk"), "{claims:#?}");
    assert_eq!(containing(&claims, "Pellam's").verdict.reason_names(), vec!["official"], "{claims:#?}");
}

#[test]
fn a_line_that_cites_the_linked_page_is_backed_away_from_the_link() {
    let claims = chat(
        "The release says 1,200 roles go by June.\nAustin got the email this morning.\nInitech posted the update here: https://initech.example/newsroom/update",
        &[],
    );
    assert_eq!(claims[0].verdict.reason_names(), vec!["link"], "{claims:#?}");
    assert!(!claims[1].verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn a_forum_page_fetched_as_an_article_is_labelled_as_chat() {
    let doc = Document::Article(Article {
        id: Some("rd1".into()),
        outlet: Some("Reddit".into()),
        url: Some("https://www.reddit.com/r/layoffs/comments/abc/".into()),
        title: Some("Marrow Bank cutting underwriters".into()),
        text: "level 1\nmortgage_maven_ 8 hr. ago\nMarrow's underwriting pilot went live at my branch in January.\nReply Share Report Save Follow".into(),
        published: None,
    });
    let claims = label_document(&doc, Lexicon::embedded());
    let (label, reasons, _) = one(claims.clone());
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unsourced"]), "{claims:#?}");
    assert_eq!(claims[0].origin, "rd1");
}

#[test]
fn a_speaker_stands_before_an_aside_between_it_and_its_verb() {
    let claims = article(
        "Tallis",
        "<p>The trucking and warehousing group, which employs roughly 9,300 people, said the cuts would fall mainly at its Memphis headquarters.</p>\
         <p>The memo, sent on Wednesday night, also said that \"some further realignment may be needed in 2027.\"</p>\
         <p>Corliss, for its part, says the error rate is now below 1%.</p>\
         <p>The cuts follow a similar move by rival Cardell Freight, which said in February it would reduce its planning staff by a third.</p>\
         <p>British telecoms operator Maristow said on Tuesday it would close four of its seven call centres.</p>",
    );
    assert_eq!(claims.len(), 5, "{claims:#?}");
    for c in &claims {
        assert!(c.verdict.is_sourced(), "{c:#?}");
    }
    assert_eq!(claims[4].verdict.source().map(|s| s.name.as_str()), Some("Maristow"));
    assert_eq!(claims[4].hedges, vec!["would"]);
}

#[test]
fn transcript_turns_labelled_by_first_names_are_the_shows_voice() {
    let text = "<p>Ep. 12 | 38 min</p>\
        <p>Cindervale Games laid off 90 artists on August 14, the studio confirmed in a LinkedIn post.</p>\
        <p>MAYA: Every studio that's tried this ends up with an art director redrawing everything.</p>\
        <p>JONAH: Someone at Cindervale gets promoted for this anyway.</p>\
        <p>MAYA: The pyramid doesn't work if you saw off the bottom of it.</p>";
    let claims = article("Ship It", text);
    let labels: Vec<&str> = claims.iter().map(|c| c.verdict.label()).collect();
    assert_eq!(labels, ["sourced", "speculative", "speculative", "speculative"], "{claims:#?}");
    // A guest named in full on the page speaks on record under her first name.
    let text = "<p>In this episode, host Ellie Vance talks to curriculum designer Gabriela Soto.</p>\
        <p>GABRIELA: I was laid off from Fablewright on January 30 with the rest of the content team.</p>\
        <p>ELLIE: That is the most cynical reorg I have heard this year.</p>";
    let claims = show_notes(text);
    let labels: Vec<&str> = claims.iter().map(|c| c.verdict.label()).collect();
    assert_eq!(labels, ["sourced", "speculative"], "{claims:#?}");
}

#[test]
fn a_chat_line_naming_a_publication_or_the_shared_page_is_sourced() {
    let (label, _, _) = one(chat("Merrowind's CEO told Metro Daily the centers \"served us well for 30 years\"", &[]));
    assert_eq!(label, "sourced");
    // "Told the Prague team" names a team, not a publication.
    let (label, _, _) = one(chat("Globex already told the Prague team, cuts land May 7.", &[]));
    assert_eq!(label, "speculative");
    let claims = thread(&[
        (
            "Quillfeather is cutting 15% of editorial https://thesignaldesk.example/quillfeather",
            "https://thesignaldesk.example/quillfeather",
        ),
        ("The Signal Desk piece says 15% of editorial, which they put at 110 people", ""),
        ("my hub manager says the whole desk goes next", ""),
    ]);
    let labels: Vec<(&str, Vec<&str>)> = claims.iter().map(|c| (c.verdict.label(), c.verdict.reason_names())).collect();
    assert_eq!(labels[1].0, "sourced", "{claims:#?}");
    assert_eq!(labels[2], ("speculative", vec!["hearsay"]), "{claims:#?}");
}

#[test]
fn a_forum_line_is_backed_by_the_link_that_closes_it() {
    // The outlet alone makes the page a forum's.
    let claims = article(
        "Reddit",
        "<p>Vantwell's newsroom post says about 1,900 dispatch roles go across 140 hubs: https://vantwell.example/newsroom/rollout</p>\
         <p>The 10-K puts total dispatch and planning headcount at about 2,300: https://sec.example/vantwell/10k.htm</p>",
    );
    let sources: Vec<Option<&str>> = claims.iter().map(|c| c.verdict.source().map(|s| s.name.as_str())).collect();
    assert_eq!(sources, [Some("vantwell.example"), Some("sec.example")], "{claims:#?}");
}

#[test]
fn a_reaction_gif_backs_nothing_and_another_article_is_not_the_shared_page() {
    let claims = thread(&[
        ("this is fine https://giphy.example/this-is-fine.gif", "https://giphy.example/this-is-fine.gif"),
        ("Brandt is cutting 400 jobs in Akron https://signaldesk.example/brandt", "https://signaldesk.example/brandt"),
        ("the newsroom post says the Akron depot closes June 30", ""),
        ("the other article says Brandt will close Toledo too", ""),
    ]);
    let by_origin = |o: &str| claims.iter().find(|c| c.origin == o).unwrap_or_else(|| panic!("{o}: {claims:#?}"));
    assert_eq!(by_origin("m2").verdict.source().map(|s| s.name.as_str()), Some("signaldesk.example"), "{claims:#?}");
    assert!(!by_origin("m3").verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn the_writers_own_belief_gives_no_one_in_it_a_voice() {
    let (label, reasons, _) = one(article(
        "Tallis",
        "I predict at least one more company announces cuts next week and calls it a reimagining.",
    ));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["prediction"]));
}

#[test]
fn a_first_name_after_a_closing_quote_or_a_line_break_is_still_a_first_name() {
    // "… called “Integrations Sync.” SAM:" and "… Spotify / Maya and Sam": neither makes a full name.
    let claims = show_notes(
        "Listen on Spotify\nMaya and Sam talk about the Tesselate layoffs.\nJORDAN: I got an invite for a meeting called \u{201c}Integrations Sync.\u{201d}\nSAM: Classic, they always pick a bland name.\nMAYA: Honestly, Tesselate will have another round by Thanksgiving.\nSam predicts Tesselate will quietly rehire contractors within a year.",
    );
    for c in claims.iter().filter(|c| c.text.contains("Thanksgiving") || c.text.starts_with("Sam predicts")) {
        assert_eq!(c.verdict.label(), "speculative", "{c:#?}");
    }
}

#[test]
fn an_aggregator_headline_is_its_outlets_report() {
    let claims = article(
        "Newsgrid",
        "Top stories\nTesselate to cut 1,100 jobs as AI agents take on more coding work\nCrestline Wire · 3 hours ago",
    );
    let (label, _, source) = one(claims);
    assert_eq!((label.as_str(), source.as_deref()), ("sourced", Some("Crestline Wire")));
}

#[test]
fn a_named_turn_speaks_on_record_but_a_guests_own_belief_is_their_view() {
    let claims = article(
        "Midday",
        "Felix Abara, labor economist: Well, I suspect the billing floor would disagree with you.\nRenata Okafor, chief executive: We expect the program to remove 800 roles by June.\nFelix Abara, labor economist: The state counted 212 notices in March.\nRenata Okafor, chief executive: We are not closing branches as part of this program.",
    );
    let label = |needle: &str| claims.iter().find(|c| c.text.contains(needle)).map(|c| c.verdict.label());
    assert_eq!(label("I suspect"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("We expect the program"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("212 notices"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("not closing branches"), Some("sourced"), "{claims:#?}");
}

#[test]
fn an_executives_own_i_think_in_a_call_is_their_view_and_we_expect_the_companys() {
    let claims = article(
        "Midday",
        "Renata Okafor, chief executive: Look, I'll be honest, I think the whole sector will run this way within five years.\nFelix Abara, labor economist: The state counted 212 notices in March.\nRenata Okafor, chief executive: We expect the program to remove 800 roles by June.\nFelix Abara, labor economist: My personal view is that agents become more valuable.",
    );
    let label = |needle: &str| claims.iter().find(|c| c.text.contains(needle)).map(|c| c.verdict.label());
    assert_eq!(label("I think the whole sector"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("We expect the program"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("My personal view"), Some("speculative"), "{claims:#?}");
}

#[test]
fn a_stance_or_an_adverbed_belief_in_a_call_is_the_speakers_view() {
    let claims = article(
        "Call Transcripts",
        "Operator\nWelcome.\nDana Roe -- Chief Executive Officer\nWe reduced support by 300 people in March.\nI genuinely believe every store will run this way.\nFrankly, we are further ahead on model risk than anyone in our peer group.\nOperator\nNext question.\nDana Roe -- Chief Executive Officer\nWe expect the program to remove 800 roles by June.",
    );
    let label = |needle: &str| claims.iter().find(|c| c.text.contains(needle)).map(|c| c.verdict.label());
    assert_eq!(label("We reduced support"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("I genuinely believe"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("Frankly"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("We expect the program"), Some("sourced"), "{claims:#?}");
}

#[test]
fn a_named_guests_condition_or_what_they_only_heard_is_not_on_record() {
    let claims = article(
        "Call Transcripts",
        "MARA LINDQVIST: Initech cut 300 support jobs in Dayton in March.\nJONAS REED: If that's true, it would be the first big bank to hand fraud review to a model.\nMARA LINDQVIST: I've heard from people in the newsroom that the tool flagged the mayor's name as a typo.\nJONAS REED: If demand slips again, we would look at more cuts in Lansing.\nMARA LINDQVIST: The state counted 212 notices in March.",
    );
    let label = |needle: &str| claims.iter().find(|c| c.text.contains(needle)).map(|c| c.verdict.label());
    assert_eq!(label("Initech cut 300"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("If that's true"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("I've heard from people"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("we would look at"), Some("sourced"), "{claims:#?}");
}

#[test]
fn a_press_release_speaks_for_its_issuer_but_its_praise_of_itself_is_a_view() {
    let claims = article(
        "Wire Name",
        "FOR IMMEDIATE RELEASE\nMINNEAPOLIS, May 7, 2026 /Wire Name/ -- Brightwell Software, Inc. (NASDAQ: BRWL), a maker of revenue tools, today announced a plan that will reduce its workforce by 212 positions.\nSavings from the plan will be redirected to Brightwell Copilot and a new research team in Toronto.\nTogether, the two teams will set a new gold standard for the industry.",
    );
    let verdict = |needle: &str| {
        claims
            .iter()
            .find(|c| c.text.contains(needle))
            .map(|c| (c.verdict.label(), c.verdict.source().map(|s| s.name.clone())))
    };
    assert_eq!(verdict("Savings from the plan"), Some(("sourced", Some("Brightwell Software".into()))), "{claims:#?}");
    assert_eq!(verdict("gold standard").map(|v| v.0), Some("speculative"), "{claims:#?}");
}

#[test]
fn a_named_speaker_passing_on_posts_is_still_second_hand() {
    let claims = article(
        "Call Transcripts",
        "LARS PETTERSEN: There are posts on Blind from people claiming to be Initech adjusters saying claims are denied.",
    );
    assert_eq!(labels(&claims), vec![("speculative", vec!["unverified-social"])]);
}

#[test]
fn a_first_hand_report_without_its_i_is_not_backed_by_the_link_beside_it() {
    let (label, reasons, _) =
        one(chat("Can confirm Tampa got an org update invite for next Thursday https://news.example/tampa-cuts", &[]));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["unsourced"]));
}

#[test]
fn a_clause_that_leaves_out_its_speaker_goes_on_with_the_speaker_before_it() {
    let (label, reasons, source) = one(article(
        "Tallis",
        "Rina Castellanos conceded on Thursday that Hollie still hands four in 10 calls to human agents, but said it could eventually handle most calls.",
    ));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["person"], Some("Rina Castellanos")));
}

#[test]
fn on_show_notes_a_first_name_saying_something_is_a_view_unless_a_named_guest() {
    let claims = show_notes(
        "<p>Guest Jordan Pike managed integrations at Tesselate.</p><ul><li>Jen says Hollie is the first chatbot customers turned into an insult.</li><li>Jordan says his team of 11 engineers was cut to four.</li><li>Kestrel said in a statement to the show that it is installing 40 cash machines.</li></ul>",
    );
    let label = |needle: &str| claims.iter().find(|c| c.text.contains(needle)).map(|c| c.verdict.label());
    assert_eq!(label("Jen says"), Some("speculative"), "{claims:#?}");
    assert_eq!(label("Jordan says"), Some("sourced"), "{claims:#?}");
    assert_eq!(label("Kestrel said"), Some("sourced"), "{claims:#?}");
}

#[test]
fn review_mends_a_view_owned_by_a_named_speaker_and_a_company_saying_it() {
    let (label, _, source) =
        one(article("Tallis", "We expect to complete the reductions by June, Initech said in a filing."));
    assert_eq!((label.as_str(), source.as_deref()), ("sourced", Some("Initech")));
    let claims = show_notes("<ul><li>Globex says it will close its Reno plant, cutting 600 jobs.</li></ul>");
    assert_eq!(claims.iter().find(|c| c.text.starts_with("Globex")).map(|c| c.verdict.label()), Some("sourced"));
}

#[test]
fn a_label_that_gives_the_writers_view_makes_what_follows_speculative() {
    for (text, reasons) in [
        ("Guess: Globex is closing its Reno plant.", vec!["opinion"]),
        ("Prediction: Globex will cut 600 jobs in Reno.", vec!["prediction", "opinion"]),
        ("My take: the cuts are about margins, not machines.", vec!["opinion"]),
    ] {
        let (label, got, _) = one(article("Tallis", text));
        assert_eq!((label.as_str(), got), ("speculative", reasons), "{text}");
    }
    let (label, _, _) = one(article("Tallis", "Update: Globex confirmed 600 cuts on Friday."));
    assert_eq!(label, "sourced");
}

#[test]
fn a_poster_who_got_hold_of_a_document_is_backed_by_its_link() {
    let (label, _, _) =
        one(chat("Got the memo: Initech is cutting 300 in Dayton https://initech.example/memo.pdf", &[]));
    assert_eq!(label, "sourced");
}

#[test]
fn a_name_that_ends_in_a_known_outlets_name_is_its_own_publication() {
    let (label, reasons, source) =
        one(article("Tallis", "Globex Insider reported on Monday that Initech will cut 300 jobs."));
    assert_eq!((label.as_str(), reasons, source.as_deref()), ("sourced", vec!["outlet"], Some("Globex Insider")));
}

#[test]
fn a_superlative_is_no_crowd_and_a_ranked_list_is_no_outlet() {
    let (label, _, source) =
        one(article("Tallis", "In its most recent quarterly report, Corliss said it had cut 120 support roles."));
    assert_eq!((label.as_str(), source.as_deref()), ("sourced", Some("Corliss")));
    let (label, reasons, _) = one(article(
        "Harbor Daily",
        "Two HR leaders at Fortune 500 companies told Harbor Daily that they had paused hiring for analysts.",
    ));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["outlet", "anonymous-sources"]));
}

#[test]
fn a_citation_opening_a_chat_remark_sources_all_of_it() {
    let (label, reasons, _) =
        one(chat("According to the WARN notice, Tovrin is offering transfers to Tennessee for eligible workers.", &[]));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["document"]));
    let (label, _, _) = one(chat("the FAQ says severance is 2 weeks per year with a 4-week minimum", &[]));
    assert_eq!(label, "sourced");
}

#[test]
fn what_a_source_never_says_and_what_anyone_at_all_says_are_not_on_record() {
    let (label, _, _) = one(chat("Weird how the press release never once says AI.", &[]));
    assert_eq!(label, "speculative");
    let (label, reasons, _) =
        one(article("Tallis", "Every insurer with an AI press release said the same thing in 2024."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["weasel"]));
}

#[test]
fn chapter_marks_make_show_notes_without_a_cue_word() {
    let page = "<p>Theo Lindqvist and Amara Jensen-Oyelaran head to Memphis over a bad phone line.</p>\
        <p>(02:14) Amara says the company's 14% empty-miles number is a sales deck, not a result.<br>\
        (07:40) Benavides-Rourke says 860 of the Memphis dispatchers are union members.<br>\
        (22:30) Theo argues that the debt load, not AI, is what is really closing the center.</p>";
    let claims = article("Pink Slip Radio", page);
    let amara = claims.iter().find(|c| c.text.starts_with("Amara")).expect("Amara's line is a claim");
    assert_eq!((amara.verdict.label(), amara.verdict.reason_names()), ("speculative", vec!["opinion"]));
    // A live blog's clock times are no chapters.
    assert_eq!(super::chapter_stamps("10:42 a.m. Initech confirms. (11:05 a.m.) More soon. [12:30 pm]"), 0);
    assert_eq!(super::chapter_stamps("(02:14) a (1:07:40) b [44:00] c"), 3);
    assert_eq!(super::chapter_stamps("• 03:20 Brenner says\n• 11:45 Nicole says\n10:42 a.m. Initech confirms"), 2);
}

#[test]
fn a_vague_crowd_is_a_weasel_and_an_unnamed_or_former_insider_the_outlets_source() {
    let (label, reasons, _) = one(article("Tallis", "Many workers say they were shocked by the news."));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["weasel"]));
    for text in [
        "A former Marrowgate dispatch manager, who asked us not to use his name, says Pathwise overrode a third of loads.",
        "A Calloway editor in another state, who did not want to be named, says drafts go live after ninety seconds.",
        "Several workers leaving the building Wednesday told the Signal they had expected the closure.",
    ] {
        let (label, reasons, _) = one(article("Tallis", text));
        assert_eq!((label.as_str(), reasons), ("sourced", vec!["outlet", "anonymous-sources"]), "{text}");
    }
    let (_, _, source) = one(article(
        "Tallis",
        "Most of those came from Chief Financial Officer Amadeo Kristiansen, who said automation could cut costs.",
    ));
    assert_eq!(source.as_deref(), Some("Chief Financial Officer Amadeo Kristiansen"));
}

#[test]
fn what_speakers_said_in_a_meetings_notes_is_on_record_and_the_header_is_no_claim() {
    let claims = thread(&[(
        "ok all-hands notes for those on the road, typed fast so forgive typos\n\
         - Tobias said the company is reducing headcount by 340 roles, about 12%.\n\
         - CFO Hal Brennan: severance 8 wks + 1 wk/yr, benefits thru Aug 31",
        "",
    )]);
    assert_eq!(labels(&claims), vec![("sourced", vec!["official"]), ("sourced", vec!["official"])], "{claims:#?}");
    // The same words typed outside any meeting's notes are the poster's word.
    let (label, _, _) = one(chat("Tobias said the company is reducing headcount by 340 roles", &[]));
    assert_eq!(label, "speculative");
}

#[test]
fn a_site_linked_earlier_in_the_thread_is_an_outlet_when_named_again() {
    let claims = thread(&[
        ("Stackwise has the numbers https://stackwise.example/news/2026/verrow-cuts", ""),
        ("Stackwise also says the Series B was $30M in January", ""),
    ]);
    assert_eq!(claims[1].verdict.reason_names(), vec!["outlet"], "{claims:#?}");
    assert_eq!(claims[1].verdict.source().map(|s| s.name.as_str()), Some("Stackwise"));
}

#[test]
fn a_page_repeating_its_headline_above_the_story_says_it_as_a_heading() {
    let doc = Document::Article(Article {
        id: Some("a1".into()),
        outlet: Some("Tallis".into()),
        url: None,
        title: Some("Tallowmere Insurance to cut 1,640 jobs as AI takes over small claims".into()),
        published: None,
        text: "Tallowmere Insurance to cut 1,640 jobs as AI takes over small claims\n\nTallowmere Insurance said on Monday it will cut 1,640 jobs.".into(),
    });
    let claims = label_document(&doc, Lexicon::embedded());
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, vec!["Tallowmere Insurance said on Monday it will cut 1,640 jobs."]);
}

#[test]
fn a_pasted_announcement_is_the_companys_word_unless_the_poster_disowns_it() {
    let claims = thread(&[(
        "pasting the People Ops email since half of you are locked out\n\
         Today we are reducing the Content organization by 140 roles.\n\
         Severance is 14 weeks of base pay plus one week per year of service.",
        "",
    )]);
    assert_eq!(labels(&claims), vec![("sourced", vec!["official"]), ("sourced", vec!["official"])], "{claims:#?}");
    let claims = thread(&[(
        "posting this HR thing someone shared in the alumni group, can't vouch for it\n\
         Severance is two weeks per year of service.",
        "",
    )]);
    assert_eq!(labels(&claims), vec![("speculative", vec!["unsourced"])], "{claims:#?}");
}

#[test]
fn a_reply_naming_a_linked_outlet_by_part_of_its_name_or_the_page_alone_is_backed() {
    let claims = thread(&[
        ("380 agents go. https://wichitarecord.example/business/2026/05/18/tideway", ""),
        ("The Record says Tideway is offering relocation to Dallas for up to 90 agents", ""),
        ("article says 230 total, 140 of them in Montreal", ""),
    ]);
    assert!(claims[1..].iter().all(|c| c.verdict.is_sourced()), "{claims:#?}");
    // A link's label is no claim: the link backs the sentence before it.
    let claims = thread(&[(
        "Tideway will close the center, 380 agents. Wichita Daily Record: https://wichitarecord.example/a",
        "",
    )]);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    assert!(claims[0].verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn a_newsletters_topic_label_is_no_speaker_and_a_public_body_speaks_for_itself() {
    let (label, _, _) =
        one(article("Tallis", "Quillfeather: still think \"64% resolved\" is the most creative metric of the year."));
    assert_eq!(label, "speculative");
    let (label, _, source) =
        one(article("Tallis", "The district says the aides are being cut because of a $7.4 million deficit."));
    assert_eq!((label.as_str(), source.as_deref()), ("sourced", Some("The district")));
    let (label, reasons, _) = one(article("Tallis", "Redfield Outplacement counted 11,300 job cuts in May."));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["official"]));
}

#[test]
fn the_writers_own_view_with_a_modal_or_negation_between_is_still_theirs() {
    for text in [
        "We'd guess Grinnell Farm Mutual and one other Iowa carrier announce similar plans within a year.",
        "I don't think leadership ever saw those tickets.",
    ] {
        let (label, _, _) = one(article("Tallis", text));
        assert_eq!(label, "speculative", "{text}");
    }
}

#[test]
fn a_time_clause_frames_nothing_and_a_look_designed_is_the_writers_reading() {
    let (label, reasons, _) = one(article(
        "Tallis",
        "The timing, nine days before Marrowick reports first-quarter results, looks designed to bury the news.",
    ));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["opinion"]));
}

#[test]
fn the_words_with_a_colon_are_the_whitespace_words_that_hold_one() {
    for text in [
        "",
        ":",
        "MAYA: The pyramid doesn't work. JONAH: Give it three years.",
        "a::b c: :d  e:f:g\u{a0}h:\u{2003}<p><b>RAFI:</b> x",
        "no colon here at all",
        "Zoë:\tÉcrit:par\u{3000}Hé: 12:30 p.m.",
        "  trailing:  ",
    ] {
        let expected: Vec<&str> = text.split_whitespace().filter(|w| w.contains(':')).collect();
        assert_eq!(words_with_a_colon(text).collect::<Vec<_>>(), expected, "{text:?}");
    }
}

#[test]
fn a_repeat_key_of_ascii_text_is_its_letters_and_digits_lower_cased() {
    for text in ["Initech cut 1,900 jobs.", "ALL CAPS 42% - said Jo", "", "a_b-c'd"] {
        let slow: String = text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        assert_eq!(repeat_key(text), slow, "{text:?}");
    }
    assert_eq!(repeat_key("\"We may cut,\" - Jo"), "wemaycut");
    assert_eq!(repeat_key("\u{201C}Nous coupons\u{201D} \u{2014} Zoë"), "nouscoupons");
    assert_eq!(repeat_key("Zoë ÉCRIT 42"), "zoëécrit42");
}

#[test]
fn a_paste_introduced_on_any_line_is_the_companys_word_and_the_posters_own_lines_stay_theirs() {
    let claims = thread(&[(
        "Quillon laid off the whole copy desk, i was one of them.\n\
         from the email our SVP just sent to merch:\n\
         \"Your role is not affected by today's announcement. Category managers will take on review of the agent's drafts.\"\n\
         honestly this is a bloodbath",
        "",
    )]);
    let texts: Vec<(&str, &str)> = claims.iter().map(|c| (c.text.as_str(), c.verdict.label())).collect();
    assert!(texts.iter().any(|(t, l)| t.contains("Your role is not affected") && *l == "sourced"), "{texts:?}");
    assert!(texts.iter().any(|(t, l)| t.contains("Category managers") && *l == "sourced"), "{texts:?}");
    assert!(texts.iter().any(|(t, l)| t.contains("bloodbath") && *l == "speculative"), "{texts:?}");
    // A quoted block under the line that introduces it; a social post or a summary is no company text.
    let claims = thread(&[(
        "here's the relevant part of the letter, copied exactly:\n\n\
         > Your position will be eliminated effective June 30. You will receive 12 weeks of base pay.\n\n\
         which is less than they gave the last round",
        "",
    )]);
    assert_eq!(
        claims.iter().map(|c| c.verdict.label()).collect::<Vec<_>>(),
        vec!["sourced", "sourced", "speculative"],
        "{claims:#?}"
    );
    // A letter's salutation opens a paste; a paste verb introduces one as a document does.
    for text in [
        "\"Dear Colleague, your final day of employment will be June 5.\"",
        "just got this, pasting:\n\nYour final day of employment will be June 5.",
        "from the email HR sent: “Your final day of employment will be June 5.” ugh",
        "“Dear Colleague, your final day of employment will be June 5.”",
    ] {
        let claims = thread(&[(text, "")]);
        assert!(claims.iter().any(|c| c.text.contains("June 5") && c.verdict.is_sourced()), "{text}: {claims:#?}");
    }
    for intro in
        ["pasting a LinkedIn post from their VP Eng:", "tl;dr of the memo:", "pasted from the memo thread:\n\"@vc_guy:"]
    {
        let claims = thread(&[(&format!("{intro}\n\"Our agents now resolve 58% of incidents.\""), "")]);
        assert!(claims.iter().all(|c| !c.verdict.is_sourced()), "{intro}: {claims:#?}");
    }
}

#[test]
fn a_class_of_people_named_by_where_they_work_or_by_a_relative_clause_names_nobody() {
    for text in [
        "Studio veterans say Montreal got off lighter because Quebec tax credits are tied to headcount.",
        "People who have sat through Corvantis sales pitches say the 30% figure appears on slide three.",
        "An operations director at a large insurer, speaking in the hallway after the keynote, said her CFO had budgeted the savings.",
    ] {
        let (label, reasons, _) = one(article("Harbor Ledger", text));
        assert_eq!((label.as_str(), reasons.first().copied()), ("speculative", Some("weasel")), "{text}");
    }
    // A participle aside, a month before the verb and a participle describing the subject leave
    // the speaker on record.
    for (text, source) in [
        ("Initech, citing weaker demand, said it would cut 300 jobs.", "Initech"),
        ("Initech, having cut 300 jobs in May, said it would cut 200 more.", "Initech"),
        (
            "Nurses interviewed by the Ledger, including Lorna Yeboah, an ICU nurse in Memphis, said the unit closed.",
            "Lorna Yeboah",
        ),
    ] {
        let (label, _, name) = one(article("Harbor Ledger", text));
        assert_eq!((label.as_str(), name.as_deref()), ("sourced", Some(source)), "{text}");
    }
}

#[test]
fn show_notes_about_the_episode_are_no_claims_and_what_guests_say_stays() {
    let text = "Back Office Hours, episode 88: hosts Rafa Duarte and Jen Kowalski.\n\
        Rafa Duarte and Jen Kowalski are joined by former Ridgeback art director Sun-hee Park to talk about the studio's last year.\n\
        (02:10) Intro\n(09:40) The memo\n(31:05) What comes next\n\
        Park says 40 of the studio's 55 artists were let go in March.\n\
        About our guest: Sun-hee Park is a concept artist and former art director at Ridgeback.\n\
        Listen to Back Office Hours on Apple Podcasts, Spotify or wherever you get podcasts.\n\
        Tallyworks helps finance teams close the books three days faster.\n\
        TERRELL: Fifteen years in June.\n\
        JO: Ha.";
    let claims = article("Back Office Hours", text);
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.contains(&"Park says 40 of the studio's 55 artists were let go in March."), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("Fifteen years in June")), "{texts:?}");
    for gone in ["are joined by", "About our guest", "Listen to", "Tallyworks helps", "Ha."] {
        assert!(!texts.iter().any(|t| t.contains(gone)), "{gone}: {texts:?}");
    }
}

#[test]
fn a_forecast_verb_unnamed_outlets_and_readers_are_speculative() {
    for text in [
        "At this pace, AI-attributed cuts will pass 100,000 for the year by September.",
        "The $5,000 ceiling will not survive 2027.",
        "One tech site found the bot solved 27 out of 40 test calls.",
        "Our Tulsa readers tell us the bot cannot process a return without a receipt.",
        "A tipster tells us a second hospital system is piloting the software.",
    ] {
        let (label, _, _) = one(article("Harbor Ledger", text));
        assert_eq!(label, "speculative", "{text}");
    }
    // An announced plan with a date stays reporting.
    let (label, _, _) =
        one(article("Harbor Ledger", "Initech will close its Reno plant on May 20, affecting 300 workers."));
    assert_eq!(label, "sourced");
}

#[test]
fn a_speaker_named_at_the_end_of_a_sentence_says_all_its_clauses() {
    let lede = "Telvora Communications will eliminate about 4,000 customer-care jobs over the next two years as its \
                artificial intelligence platform takes over billing questions, outage calls and plan changes, the \
                company said on Wednesday.";
    assert_eq!(
        one(article("Halberd Wire", lede)),
        ("sourced".into(), vec!["official"], Some("Telvora Communications".into()))
    );
    // Speculation the writer adds after the speaker's words stays the writer's.
    let added = "Telvora said it would cut 4,000 jobs over two years, and more cuts are likely to follow.";
    assert_eq!(one(article("Halberd Wire", added)).0, "speculative");
}

#[test]
fn show_notes_bios_credits_sponsor_reads_and_link_lists_are_no_claims() {
    let text = "(02:10) Intro\n\
        Park says 40 of the studio's 55 artists were let go in March.\n\
        Teodora Balan-Fitch was an environment artist at Quillon for six years until April 29.\n\
        Dev Anand-Richter teaches actuarial science at Olentangy State University.\n\
        She now organizes with the Mid-South Workers Center.\n\
        Our guest, Ji-woo Park, was a staff engineer on Fennec's storage team until the cuts.\n\
        Oxbow Cloud — deploy agents in minutes.\n\
        Educators get 20% off at chalkline.example/staffroom.\n\
        RAFA: Walk me through the morning you found out.\n\
        Links mentioned\n\
        • Quillon Games Form 8-K (May 7, 2026)\n\
        • Quillon cut 310 artists in April, staff told the Ledger (Ledger).\n\
        • Cordwain Markets: Quillon's AI art tool and the studio's last year\n\
        Back Office Hours is a Sundial Media production.\n\
        Our executive producer is Wendell Ashby.";
    let claims = article("Back Office Hours", text);
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.contains(&"Park says 40 of the studio's 55 artists were let go in March."), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Quillon cut 310 artists in April")), "{texts:?}");
    assert_eq!(texts.len(), 2, "{texts:?}");
}

#[test]
fn posting_or_showing_a_text_here_introduces_a_paste() {
    let claims = thread(&[(
        "Hey everyone 👋 Posting this from the studio so you hear it from us first:\n\n\
         > Today we said goodbye to 64 colleagues in our Leeds QA team. Everyone affected receives three months' pay.\n\n\
         Please keep it respectful in here.",
        "",
    )]);
    let texts: Vec<(&str, &str)> = claims.iter().map(|c| (c.text.as_str(), c.verdict.label())).collect();
    assert!(texts.iter().any(|(t, l)| t.starts_with("Today we said goodbye") && *l == "sourced"), "{texts:?}");
    assert!(texts.iter().any(|(t, l)| t.starts_with("Everyone affected") && *l == "sourced"), "{texts:?}");
    let claims = thread(&[(
        "just paralegals and lit support. here:\n\n> As a result, 26 paralegal positions will be eliminated.",
        "",
    )]);
    let texts: Vec<(&str, &str)> = claims.iter().map(|c| (c.text.as_str(), c.verdict.label())).collect();
    assert!(texts.iter().any(|(t, l)| t.starts_with("As a result, 26 paralegal") && *l == "sourced"), "{texts:?}");
}

#[test]
fn naming_something_is_no_speech_and_a_clause_after_a_source_is_not_its_name() {
    let (label, _, _) = one(article(
        "Test Ledger",
        "Halcyra reportedly let go of 230 QA testers after adopting an AI testing agent called Sift.",
    ));
    assert_eq!(label, "speculative");
    let (label, _, _) =
        one(article("Test Ledger", "It falls apart the minute a driver calls in sick outside Wheeling."));
    assert_eq!(label, "speculative");
    let (label, reasons, _) = one(article(
        "Test Ledger",
        "According to reports, the company is using an AI tool called RouteWeaver to plan routes.",
    ));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["weasel"]));
    // An appositive still names the source, and a characterisation is still speech.
    let (_, _, source) = one(article(
        "Test Ledger",
        "According to Jane Doe, the company's chief financial officer, the cuts will save $40 million.",
    ));
    assert!(source.is_some_and(|s| s.starts_with("Jane Doe")));
    let (label, _, _) = one(article("Test Ledger", "The CEO called the cuts \"painful but necessary\" in a memo."));
    assert_eq!(label, "sourced");
}

#[test]
fn a_second_verb_of_saying_is_said_by_the_sentences_subject() {
    let (label, reasons, _) = one(article(
        "Test Ledger",
        "Okimbo CEO Brandon Teale laid off 410 people on Monday and told the rest of the company it would become “AI-first.”",
    ));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["official"]));
    // A noun after "and" is no verb, and an imperative after "but" has no speaker.
    let (label, _, _) = one(article(
        "Test Ledger",
        "Customer support and claims processing, where work arrives as tickets, seem to be the functions where the replacement is most concrete.",
    ));
    assert_eq!(label, "speculative");
    let (label, _, _) =
        one(article("Test Ledger", "Game QA jobs might still be a good entry point, but expect fewer openings."));
    assert_eq!(label, "speculative");
}

#[test]
fn a_quotation_over_several_sentences_is_said_by_whoever_it_names_where_it_closes() {
    let claims = article(
        "Test Ledger",
        "\"It could be coding. It could be payers. You would need the claim-level data to know,\" said Nia Vance, \
         a professor at Castlemere University.",
    );
    assert_eq!(claims.len(), 3, "{claims:#?}");
    for claim in &claims {
        assert_eq!(claim.verdict.source().map(|s| s.name.as_str()), Some("Nia Vance"), "{claim:#?}");
    }
    // A quotation whose closing sentence names nobody leaves its sentences to be judged on their own.
    let claims =
        article("Test Ledger", "\"This is the end of the desk. Nobody will say so.\" That is the mood in Reno.");
    assert!(claims.iter().all(|c| c.verdict.label() == "speculative"), "{claims:#?}");
}

#[test]
fn a_company_named_by_a_description_speaks_for_itself() {
    let (label, reasons, _) = one(article(
        "Halberd Wire",
        "Vantis Telecom plans to close two customer-service centers and cut 3,100 jobs by the end of the year, \
         the wireless carrier told employees on Tuesday.",
    ));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["official"]));
}

#[test]
fn they_after_a_linked_outlet_is_that_outlet() {
    let claims = thread(&[(
        "the Tribune already wrote it up and they say it's 11 jobs plus four unfilled openings \
         https://plainsviewtribune.example/media/2026/05/20/marrowick-copy-desk",
        "https://plainsviewtribune.example/media/2026/05/20/marrowick-copy-desk",
    )]);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    assert_eq!(claims[0].verdict.label(), "sourced");
    // Without an outlet before it, "they say" stays second-hand.
    let (label, reasons, _) = one(thread(&[("my manager told us and they say it's 40 people", "")]));
    assert_eq!((label.as_str(), reasons), ("speculative", vec!["hearsay"]));
}

#[test]
fn in_chat_a_line_citing_a_document_by_per_or_according_to_rests_on_it() {
    let claims = thread(&[
        ("Halden Analytics is cutting 400 KYC analysts.", ""),
        ("Statutory plus four weeks, per the HR letter we got after the call.", ""),
        ("Neither Halden nor Sorrel has rehired since the 2025 cuts, according to their own 10-Ks.", ""),
        ("there's 171 selectors on the pick line per the last seniority list", ""),
        ("They cut 40 in Denver, per a post in a private Facebook group.", ""),
        ("They cut 40 in Denver and sent a letter.", ""),
    ]);
    let label = |origin: &str| claims.iter().find(|c| c.origin == origin).map(|c| c.verdict.label().to_string());
    for origin in ["m1", "m2", "m3"] {
        assert_eq!(label(origin).as_deref(), Some("sourced"), "{origin}: {claims:#?}");
    }
    let listed = claims.iter().find(|c| c.origin == "m3").and_then(|c| c.verdict.source()).map(|s| s.name.clone());
    assert_eq!(listed.as_deref(), Some("last seniority list"));
    // A post on a social site is no document, and without "per" a document noun alone cites nothing.
    assert_eq!(label("m4").as_deref(), Some("speculative"));
    assert_eq!(label("m5").as_deref(), Some("speculative"));
}

#[test]
fn a_line_saying_someone_just_sent_this_introduces_a_paste_and_its_signature_is_furniture() {
    let claims = thread(&[
        ("Wexcombe Tax is restructuring the preparer teams.", ""),
        (
            "ok so it's official, Graham just sent this to all of tax:\n\n> Team,\n>\n> As of today we are consolidating return preparation into our agent workflow. This affects 26 preparer roles in Wexcombe.\n>\n> — Graham Teller, Partner",
            "",
        ),
        ("Signed, Dale Whitford, General Manager", ""),
    ]);
    let pasted: Vec<_> = claims.iter().filter(|c| c.origin == "m1").collect();
    assert_eq!(pasted.len(), 2, "{claims:#?}");
    assert!(pasted.iter().all(|c| c.verdict.label() == "sourced"), "{pasted:#?}");
    assert!(!claims.iter().any(|c| c.origin == "m2"), "{claims:#?}");
}

#[test]
fn the_claim_gate_drops_a_line_addressed_to_readers_and_keeps_the_reporting_around_it() {
    let text = "<p>Glenmore Health laid off 140 medical coders on Tuesday, according to a WARN notice filed with the state.</p>\n<p>The company said the coding work will move to an AI vendor.</p>\n<p>The cuts come two months after Glenmore signed a $4 million contract with Codexa, a billing software firm.</p>\n<p>Happy reading, and take care.</p>";
    let doc = article_doc("Jobs Daily", text);
    let texts = |claims: Vec<Claim>| claims.into_iter().map(|c| c.text).collect::<Vec<_>>();
    let ungated = texts(label_document_ungated(&doc, Lexicon::embedded()));
    let gated = texts(label_document(&doc, Lexicon::embedded()));
    assert!(ungated.iter().any(|t| t.starts_with("Happy reading")), "the rules keep the aside: {ungated:?}");
    assert_eq!(gated.len(), 3, "{gated:?}");
    assert!(gated.iter().all(|t| !t.starts_with("Happy reading")), "{gated:?}");
}

#[test]
fn the_claim_gate_never_drops_a_claim_attributed_to_someone_checkable() {
    let claims = article(
        "The Wire",
        "<p>\"@everyone, please read this before the 2 p.m. all-hands,\" began a Slack message that Ferro Labs chief operating officer Dana Ruiz posted on Monday, according to a screenshot shared with The Wire.</p>\n<p>Ferro Labs cut 240 jobs on Monday.</p>\n<p>The company said the cuts were part of an AI plan.</p>\n<p>Ruiz did not respond to a request for comment.</p>",
    );
    assert_eq!(claims.len(), 4, "{claims:#?}");
    assert!(claims[0].text.starts_with("\"@everyone") && claims[0].verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn a_call_executive_goes_on_speaking_after_the_line_that_names_them() {
    let text = "CALL PARTICIPANTS\nCorporate: Rhea Lindqvist — Chief Executive Officer; Tomasz Eberle — Chief Financial Officer\n\nOPERATOR: Welcome to the Ostrander Mutual call.\nRHEA LINDQVIST: Thanks, and good afternoon.\nWe are reducing our workforce by approximately 1,400 roles over the next three quarters.\nTOMASZ EBERLE: Thank you, Rhea.\nWe expect the program to deliver $210 million in savings by the end of 2026.\nRHEA LINDQVIST: Thanks again.\n\nShares of Ostrander rose 3% in late trading.";
    let claims = label_document_ungated(&article_doc("StreetScript", text), Lexicon::embedded());
    let find = |needle: &str| containing(&claims, needle);
    for needle in ["reducing our workforce", "We expect the program"] {
        let c = find(needle);
        assert!(c.verdict.is_sourced(), "{c:#?}");
        assert_eq!(c.verdict.source().map(|s| s.kind), Some(SourceKind::Official), "{c:#?}");
    }
    // After a blank line the page speaks again.
    assert_eq!(find("Shares of Ostrander").verdict.source().map(|s| s.kind), Some(SourceKind::Outlet));
}

#[test]
fn a_presenters_turn_is_the_shows_own_voice_and_a_guests_is_on_record() {
    let text = "THE ORG CHART\nEp. 140: Tessaly's 800 (ft. Benedikt Saar)\n\nGuest: Benedikt Saar — workforce consultant, Saar & Pike Advisory\nHosts: Nell Aurand, Kofi Mensah-Boyd\n\nPARTIAL TRANSCRIPT\nNELL AURAND: Benedikt, welcome back to the show.\nBENEDIKT SAAR: Supervisor roles are the canary here, because orchestration software takes over scheduling.\nKOFI MENSAH-BOYD: Every HR leader listening is getting the Tessaly question from their board right now.\nFully funded, just like my retirement account.\nBENEDIKT SAAR: In my experience the reskilling line is the first thing finance trims.";
    let claims = label_document_ungated(&article_doc("Fieldnote Audio", text), Lexicon::embedded());
    let find = |needle: &str| containing(&claims, needle);
    let guest = find("Supervisor roles are the canary");
    assert_eq!(guest.verdict.source().map(|s| s.name.as_str()), Some("BENEDIKT SAAR"), "{guest:#?}");
    for needle in ["Every HR leader", "Fully funded"] {
        let c = find(needle);
        assert!(!c.verdict.is_sourced(), "a host's remark is the show's view: {c:#?}");
    }
}

#[test]
fn a_show_named_with_its_host_in_capitals_makes_that_speaker_its_presenter() {
    let text = "MARGIN CALL with Teddy Vance\nEp. 57 — Three layoffs, one excuse\nThree layoffs, one excuse: Teddy on Merriton and Solvane.\n(00:00) Cold open\n(02:30) Merriton Publishing\n(09:45) Solvane Pharma\n\nTRANSCRIPT\nTEDDY VANCE: Merriton Publishing told staff in a memo on Monday that it is cutting 160 jobs.\nI've read a lot of layoff memos and this one is the most beige thing I've ever seen.\nTEDDY VANCE: Solvane Pharma is a weirder story.";
    let claims = label_document_ungated(&article_doc("Margin Call", text), Lexicon::embedded());
    let find = |needle: &str| containing(&claims, needle);
    assert!(find("told staff in a memo").verdict.is_sourced());
    assert!(!find("most beige thing").verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn a_wire_services_release_dateline_makes_the_release_its_issuers_word() {
    let text = "ALDERMERE--(BUSINESS LINE)-- Greyholt Consulting today announced Greyholt Next, a firm-wide transformation.\n\nAs part of the transformation, Greyholt will reduce its global headcount by approximately 1,800 roles, or 7 percent, over the next twelve months.";
    let claims = label_document_ungated(&article_doc("BusinessLine Newswire", text), Lexicon::embedded());
    let cut = claims.iter().find(|c| c.text.contains("1,800 roles")).expect("the plan is a claim");
    assert!(cut.verdict.is_sourced(), "{cut:#?}");
    assert_eq!(cut.verdict.source().map(|s| s.name.as_str()), Some("Greyholt Consulting"), "{cut:#?}");
}

#[test]
fn who_would_not_answer_is_the_outlets_account_whatever_the_question_was() {
    for text in [
        "Tervo did not say how much the programme would cost.",
        "Quillfern did not respond to a request for comment about the Blind post.",
    ] {
        let (label, reasons, source) =
            one(label_document_ungated(&article_doc("Crestline Wire", text), Lexicon::embedded()));
        assert_eq!((label.as_str(), reasons), ("sourced", vec!["outlet"]), "{text}");
        assert_eq!(source.as_deref(), Some("Crestline Wire"));
    }
}

#[test]
fn in_a_thread_a_page_cited_by_whose_it_is_and_what_it_is_speaks_for_its_owner() {
    let claims = thread(&[
        ("Kelvara's own press release says affected staff get 12 weeks of severance.", ""),
        ("Tessaly's 8-K also puts severance and related costs at $14M to $17M, booked in Q2.", ""),
        ("Bayline's follow-up says Orvane will keep 120 claims staff at Harlow Creek.", ""),
        ("Bayline now reports the Brannock office closes June 30.", ""),
        ("Hal Brennan from the adjusters' union said on Radio Kestrel this morning that it's closer to 900.", ""),
        ("My manager's email says we're fine.", ""),
    ]);
    let verdict = |origin: &str| {
        let c = claims.iter().find(|c| c.origin == origin).unwrap_or_else(|| panic!("{origin}: {claims:#?}"));
        (c.verdict.label().to_string(), c.verdict.source().map(|s| s.kind))
    };
    assert_eq!(verdict("m0"), ("sourced".into(), Some(SourceKind::Official)));
    assert_eq!(verdict("m1"), ("sourced".into(), Some(SourceKind::Document)));
    assert_eq!(verdict("m2"), ("sourced".into(), Some(SourceKind::Outlet)));
    assert_eq!(verdict("m3"), ("sourced".into(), Some(SourceKind::Outlet)));
    assert_eq!(verdict("m4"), ("sourced".into(), Some(SourceKind::Person)));
    assert_eq!(verdict("m5").0, "speculative");
}

#[test]
fn a_markets_widest_move_in_the_day_is_reported_not_guessed() {
    let (label, reasons, _) = one(label_document_ungated(
        &article_doc(
            "Crestline Wire",
            "Shares of Vorland rose as much as 6.1% on Thursday, their biggest gain since 2022.",
        ),
        Lexicon::embedded(),
    ));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["outlet"]));
    let (label, _, _) = one(label_document_ungated(
        &article_doc("Crestline Wire", "The cuts could reach as many as 3,000 jobs."),
        Lexicon::embedded(),
    ));
    assert_eq!(label, "speculative");
}

/// `thread`'s messages, each by the author given, labelled by the rules alone (no claim gate).
fn authored_thread(messages: &[(&str, &str)]) -> Vec<Claim> {
    let messages: Vec<(Option<&str>, &str, &str)> =
        messages.iter().map(|&(author, text)| (Some(author), text, "")).collect();
    label_document_ungated(&thread_doc(&messages), Lexicon::embedded())
}

#[test]
fn in_a_thread_a_speaker_named_in_full_with_their_office_is_on_record() {
    let claims = authored_thread(&[
        ("kit", "CFO Ines Barros says the care agent now handles over half of chat contacts."),
        ("kit", "She said notifications go out by email by noon Pacific today."),
        ("rowan", "Dana Roe, a Local 212 steward, told me drivers are not in this round."),
        ("rowan", "our VP said nothing changes for us"),
        ("rowan", "my manager was told by his VP that the agent number is from a pilot"),
        ("mo", "She said it's fine."),
    ]);
    let kind = |needle: &str| containing(&claims, needle).verdict.source().map(|s| s.kind);
    assert_eq!(kind("CFO Ines Barros"), Some(SourceKind::Official));
    // The same poster's "She said …" goes on quoting her; another poster's does not.
    assert_eq!(kind("notifications go out"), Some(SourceKind::Official));
    assert_eq!(kind("Dana Roe"), Some(SourceKind::Person));
    assert_eq!(kind("our VP said"), None);
    assert_eq!(kind("my manager was told"), None);
    assert_eq!(kind("it's fine"), None);
}

#[test]
fn in_a_thread_an_outlet_said_to_carry_the_story_speaks_in_the_they_say_after_it() {
    let claims = authored_thread(&[
        ("a", "Bayline has a story up now, they're saying 1,200 people total."),
        ("b", "The Ledger picked it up too, they say revenue fell 18% last year."),
        ("c", "they say it's 2,000 but who knows"),
    ]);
    let source = |needle: &str| containing(&claims, needle).verdict.source().map(|s| (s.kind, s.name.clone()));
    assert_eq!(source("Bayline has"), Some((SourceKind::Outlet, "Bayline".into())));
    assert!(source("The Ledger").is_some_and(|(kind, name)| kind == SourceKind::Outlet && name.contains("Ledger")));
    assert_eq!(source("who knows"), None);
}

#[test]
fn in_a_thread_a_filing_cited_or_placed_speaks_and_a_posters_own_notice_does_not() {
    let claims = authored_thread(&[
        ("a", "Per the 8-K it's 1,140 roles out of 8,050 employees at year end."),
        ("b", "Revenue growth went from 31% to 9% in two years, it's right there in their own 10-K."),
        ("c", "That language wasn't in the prior 10-Q."),
        ("d", "The notice says my last day is April 17 and that I get 10 weeks of severance."),
    ]);
    let kind = |needle: &str| containing(&claims, needle).verdict.source().map(|s| s.kind);
    assert_eq!(kind("Per the 8-K"), Some(SourceKind::Document));
    assert_eq!(kind("their own 10-K"), Some(SourceKind::Document));
    assert_eq!(kind("prior 10-Q"), Some(SourceKind::Document));
    assert_eq!(kind("my last day"), None);
}

#[test]
fn in_a_thread_the_shared_page_that_says_something_speaks_for_its_link() {
    let claims = thread(&[
        ("Nimbrel could cut several hundred roles, sources say https://bayline.example/2026/nimbrel", ""),
        ("The piece says the announcement could come as early as Tuesday.", ""),
    ]);
    let c = containing(&claims, "The piece says");
    assert_eq!(c.verdict.label(), "sourced", "{c:#?}");
    assert_eq!(c.hedges, vec!["could".to_string()]);
}

#[test]
fn in_a_thread_a_news_bots_preview_under_its_link_is_the_pages_and_a_posters_words_under_a_headline_are_theirs() {
    let claims = authored_thread(&[
        (
            "NewsBot",
            "NewsBot APP 9:02 AM\n*The Harbour Courier* | Quillon to cut 510 claims jobs as AI adjuster rolls out\n\
             https://harbourcourier.example/business/quillon-claims-ai-cuts\n\
             Quillon will eliminate about 510 claims-handling roles over six months, the company said Wednesday.",
        ),
        (
            "gio",
            "Quillon to cut 510 claims jobs as AI adjuster rolls out\n\
             https://harbourcourier.example/business/quillon-claims-ai-cuts\n\
             Those usually take a year or more.",
        ),
        (
            "rae",
            "**Quillon to cut 510 claims jobs**\nhttps://harbourcourier.example/business/quillon-claims-ai-cuts\n\
             Management has been planning this since Q2, the whole Reno floor knew.",
        ),
    ]);
    assert!(claims.iter().all(|c| !c.text.contains("APP 9:02")), "{claims:#?}");
    let excerpt = containing(&claims, "the company said Wednesday");
    assert_eq!(excerpt.verdict.source().map(|s| s.kind), Some(SourceKind::Link), "{excerpt:#?}");
    assert!(excerpt.verdict.reason_names().contains(&"official"), "{excerpt:#?}");
    assert_eq!(containing(&claims, "Those usually").verdict.label(), "speculative");
    // A bolded headline is no bot's post: the poster's line under it is theirs.
    assert_eq!(containing(&claims, "planning this since Q2").verdict.label(), "speculative");
}

#[test]
fn in_a_thread_they_or_it_telling_what_was_said_after_a_relayed_page_goes_on_relaying_it() {
    let claims = authored_thread(&[
        (
            "priya",
            "The Freight Ledger already has a story up saying Tallowmere is cutting 340 jobs \
             https://freightledger.example/carriers/tallowmere-cuts-340\n\
             They say the Columbus and Reno offices take most of it.\n\
             They also quote a spokesperson saying no further reductions are planned.",
        ),
        ("dev", "They say the Reno cross-dock is next, my manager heard it too."),
    ]);
    let source = |needle: &str| containing(&claims, needle).verdict.source().map(|s| s.kind);
    assert_eq!(source("Columbus and Reno"), Some(SourceKind::Link));
    assert_eq!(source("also quote a spokesperson"), Some(SourceKind::Link));
    // Another message's "they say" is no page's: nothing it relays stands before it.
    assert_eq!(source("cross-dock"), None);
}

#[test]
fn in_a_thread_a_team_or_union_account_speaks_for_its_organisation_but_not_in_its_own_view() {
    let claims = authored_thread(&[
        ("Orrin People Team", "Severance is eight weeks of base pay plus one week per full year of service."),
        ("Orrin People Team", "We will pay everyone affected through May 15."),
        ("Tamsin | GWAQ organiser", "We are calling on Stormglass to extend severance to 16 weeks."),
        ("Tamsin | GWAQ organiser", "I'm proud of how our members have shown up this week."),
        ("marcus.t", "Severance is eight weeks of base pay plus one week per full year of service."),
    ]);
    let kinds: Vec<Option<SourceKind>> = claims.iter().map(|c| c.verdict.source().map(|s| s.kind)).collect();
    assert_eq!(kinds, [Some(SourceKind::Official), Some(SourceKind::Official), Some(SourceKind::Official), None, None]);
    assert_eq!(claims[2].verdict.source().map(|s| s.name.as_str()), Some("GWAQ organiser"));
}

#[test]
fn in_a_thread_a_page_quoted_or_retold_beside_its_link_is_the_pages() {
    let claims = authored_thread(&[
        (
            "omar",
            "Statement from the Guild: https://guild.example/statements/copy-desk\n\"Management gave the Guild less \
             than a day's notice of the closure. We have filed a grievance over the effects.\"\n— Omar H, unit chair",
        ),
        (
            "henrik",
            "Have you all seen this? https://spel.example/nyheter/lindqvist-cuts\nArticle says Lindqvist will cut 60 of \
             140 art staff. Honestly the art team saw this coming.",
        ),
        (
            "tldr-bot",
            "This is the best tl;dr I could make, original reduced by 81%. (I'm a bot)\n\nBrightfold will close two call \
             centers by April 30, eliminating about 1,050 jobs, the company said Monday.\n\nExtended Summary | FAQ | Feedback",
        ),
    ]);
    let sourced = |needle: &str| containing(&claims, needle).verdict.is_sourced();
    assert!(sourced("Management gave the Guild"));
    // "We" inside the pasted statement is the Guild's, not the poster's.
    assert!(sourced("We have filed a grievance"));
    assert!(sourced("Article says Lindqvist"));
    assert!(!sourced("saw this coming"));
    assert!(sourced("Brightfold will close"));
    assert!(!claims.iter().any(|c| c.text.contains("best tl;dr") || c.text.contains("Extended Summary")));
}

#[test]
fn in_a_thread_a_news_bots_outlet_label_before_its_link_is_no_claim_and_backs_the_preview() {
    let claims = authored_thread(&[(
        "NewsHound",
        "NewsHound BOT\n📰 **Velora Retail to cut 1,200 store jobs as AI handles scheduling**\nThe Mercer Ledger · \
         https://mercerledger.example/business/velora-ai-cuts\nVelora Retail Group said on Monday it will eliminate \
         1,200 store-support roles by the end of the year.",
    )]);
    assert!(!claims.iter().any(|c| c.text.contains("Mercer Ledger ·") || c.text.contains("NewsHound BOT")));
    assert!(containing(&claims, "Velora Retail Group said").verdict.is_sourced());
}

#[test]
fn a_work_apps_post_on_behalf_of_a_team_is_that_teams_word_and_its_subject_line_no_claim() {
    let claims = authored_thread(&[
        (
            "Workflows",
            "Workflows posted on behalf of Tallowmere People Team\nSeverance terms for Support colleagues\n\
             Severance for support colleagues will be paid in line with the collective agreement. \
             Work will move to the Ostvik hub over the following months.",
        ),
        ("Halvern People Team APP", "Impacted colleagues will receive a meeting invite before 11:00 today."),
        ("Tideline Workers Chapel", "Six months' notice is better than most, and we'll say so."),
        ("Tideline Workers Chapel", "Management will regret this."),
    ]);
    assert!(!claims.iter().any(|c| c.text.contains("posted on behalf") || c.text.contains("Severance terms")));
    for needle in ["collective agreement", "Ostvik hub", "meeting invite"] {
        assert_eq!(containing(&claims, needle).verdict.source().map(|s| s.kind), Some(SourceKind::Official));
    }
    // A plan it states is on record; its view of the plan is not.
    assert!(!containing(&claims, "better than most").verdict.is_sourced());
    assert!(!containing(&claims, "will regret this").verdict.is_sourced());
}

#[test]
fn a_chat_lead_in_before_a_colon_leaves_the_claim_unless_it_says_where_it_comes_from() {
    let claims = authored_thread(&[
        ("Gwen (URW rep)", "URW Local 77 update: Amberline confirmed to us this morning that 140 roles will go."),
        ("sam", "for anyone affected: the grant round opens today, up to 3,000 per person"),
    ]);
    assert!(claims.iter().any(|c| c.text.starts_with("Amberline confirmed to us")), "{claims:#?}");
    assert!(claims.iter().any(|c| c.text.starts_with("the grant round opens")), "{claims:#?}");
}

#[test]
fn a_reply_is_backed_by_the_threads_page_only_where_it_points_back_at_it() {
    let claims = thread(&[
        ("Brandt is cutting 400 jobs in Akron https://signaldesk.example/brandt", "https://signaldesk.example/brandt"),
        (
            "Throwaway. Akron support is going to a vendor in Manila, not to AI. The AI bit is for the press release.",
            "",
        ),
        ("the signaldesk piece also says severance would be 8 weeks, not 12", ""),
    ]);
    assert!(!containing(&claims, "vendor in Manila").verdict.is_sourced(), "{claims:#?}");
    assert!(!containing(&claims, "The AI bit").verdict.is_sourced(), "{claims:#?}");
    // A publication's piece typed in lower case is the page, hedge and all.
    let piece = containing(&claims, "signaldesk piece");
    assert!(piece.verdict.is_sourced(), "{piece:#?}");
    assert_eq!(piece.hedges, vec!["would".to_string()]);
}

#[test]
fn a_publication_said_to_carry_the_story_backs_the_plain_retelling_after_it() {
    let claims = thread(&[(
        "Vantor cutting 1,200 jobs\nhttps://ledgerline.example/vantor-cuts\n\nLedgerline has the memo. Vantor is \
         eliminating about 1,200 roles, roughly 9% of the company. Honestly this was always coming.",
        "",
    )]);
    assert!(containing(&claims, "eliminating about 1,200").verdict.is_sourced(), "{claims:#?}");
    assert!(!containing(&claims, "always coming").verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn a_forum_page_is_labelled_post_by_post() {
    let claims = article(
        "Hacker News",
        "Tessaline replaces 800 agents with voice bots (northfield.example)\n\
         311 points by gorse 5 hours ago | hide | past | favorite | 164 comments\n\n\
         wrenfield 5 hours ago [–]\n\
         The bank confirmed the Granger Road closure in a statement to Northfield: https://northfield.example/tessaline\n\
         reply\n\n\
         tmbrl 4 hours ago [–]\n\
         Banks have automated phone menus for 20 years, so this is nothing new.\n\
         reply",
    );
    assert!(containing(&claims, "Granger Road closure").verdict.is_sourced(), "{claims:#?}");
    assert!(!containing(&claims, "phone menus").verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn in_a_thread_an_organisations_word_posted_or_pasted_is_on_record_and_a_bots_headline_is_its_links() {
    let claims = authored_thread(&[
        ("Vantora HR Connect", "The Employee Assistance Program is available around the clock at 1-800-555-0142."),
        (
            "kendra",
            "Forwarding what Lorna sent to all managers:\n\nFrom: Lorna Pettigrew <lp@vantora.example>\nSubject: \
             Coding transition\n\nApproximately 310 coding positions will be eliminated between May and September.",
        ),
        ("Lou", "Hi all, Lou here from CWA. Members voted 96% to move to a formal ballot."),
        (
            "NewsHawk APP",
            "📰 **Stormgale Studios cuts 85 QA testers, shifts to AI playtesting** | Pixel Ledger\nhttps://pixelledger.example/news/stormgale-qa",
        ),
        ("tomasz", "Kestrel's 2024 annual report lists the Ashgrove Vale closure under restructuring costs."),
        ("hr_lady_99", "Severance is eight weeks of base pay."),
        ("Sam", "Sam here from NYC. Severance is eight weeks of base pay."),
    ]);
    let reasons = |needle: &str| containing(&claims, needle).verdict.reason_names();
    assert_eq!(reasons("Employee Assistance Program"), ["official"]);
    assert_eq!(reasons("310 coding positions"), ["official"]);
    assert_eq!(reasons("Members voted 96%"), ["official"]);
    assert_eq!(reasons("Stormgale Studios cuts 85"), ["link"]);
    assert_eq!(reasons("Kestrel's 2024 annual report"), ["document"]);
    // A person's handle with "hr" in it, and a poster from a place, speak for themselves.
    let unsourced: Vec<bool> =
        claims.iter().filter(|c| c.text.starts_with("Severance")).map(|c| c.verdict.is_sourced()).collect();
    assert_eq!(unsourced, [false, false]);
}

#[test]
fn in_a_thread_an_officers_own_profile_post_announces_for_their_company_but_another_firms_officer_does_not() {
    let claims = authored_thread(&[
        (
            "Ilse Marrow",
            "Ilse Marrow • 2nd\nCEO at Quenby Freight | Building the self-driving back office\n3h • Edited • 🌐\n\n\
             We said goodbye to 140 Quenby teammates this morning, about 18% of the company.\n\n\
             Every departing colleague gets 14 weeks of pay and keeps their laptop.\n\n\
             I believe the firms that adapt fastest will still be hiring in five years.",
        ),
        (
            "Petra Vance",
            "Petra Vance • 2nd\nVP Talent at Harlow Data\n2d\n\nHandled with real class, Ilse. We're hiring \
             onboarding specialists right now.",
        ),
        (
            "Colm Rusk",
            "Colm Rusk • 3rd\nFormer CEO at Quenby Freight\n1d\n\nWe cut 140 people and the agents were never ready.",
        ),
    ]);
    let source = |needle: &str| containing(&claims, needle).verdict.source().map(|s| (s.kind, s.name.clone()));
    let quenby = Some((SourceKind::Official, "Quenby Freight".to_string()));
    assert_eq!(source("We said goodbye"), quenby);
    assert_eq!(source("Every departing colleague"), quenby);
    // Their view stays their view.
    assert!(!containing(&claims, "I believe the firms").verdict.is_sourced());
    // Praise from an officer of a firm the post is not about, and a former officer, speak for nobody.
    assert!(!containing(&claims, "Handled with real class").verdict.is_sourced());
    assert!(!containing(&claims, "We cut 140 people").verdict.is_sourced());
}

#[test]
fn after_an_article_quotes_unnamed_people_the_next_ones_are_its_anonymous_sources_too() {
    let claims = article(
        "Harbor Wire",
        "Brackmoor Logistics said on Tuesday it would cut 300 warehouse jobs in Ohio.\n\
         Harbor Wire spoke with four warehouse workers, who asked not to be named for fear of retaliation.\n\
         Another said the robots stall on mixed pallets.\n\
         \"We trained our replacements,\" one said.\n\
         A second manager said the scanners fail every day.",
    );
    for needle in ["Another said", "one said", "A second manager"] {
        let claim = containing(&claims, needle);
        assert_eq!(claim.verdict.reason_names(), vec!["outlet", "anonymous-sources"], "{needle}");
    }
    // An ordinal that counts no person names no source.
    let claims = article(
        "Harbor Wire",
        "Three drivers spoke on condition of anonymity.\nThe second quarter said little about the cuts.",
    );
    assert!(!containing(&claims, "second quarter").verdict.reason_names().contains(&"anonymous-sources"));
    // With nobody unnamed quoted before it, "another" is still nobody in particular.
    let claims = article("Harbor Wire", "Some analysts call the plan bold. Another said the robots were never ready.");
    let claim = containing(&claims, "Another said");
    assert!(!claim.verdict.is_sourced(), "{claim:?}");
}

#[test]
fn a_companys_own_reports_are_a_document_not_reports_in_general() {
    let claims = article(
        "Harbor Wire",
        "Brackmoor spent $2.4 billion on the platform between 2023 and 2025, according to its annual reports.",
    );
    assert_eq!(one(claims).1, vec!["document"]);
}

#[test]
fn a_news_bots_headline_over_its_link_and_the_outlets_line_is_a_claim_the_link_backs() {
    let url = "https://www.gamewire.example/news/quillmoor-qa-layoffs";
    let (label, reasons, _) = one(chat(
        &format!("📰 **Quillmoor Interactive lays off 210 QA testers in Montreal**\n{url}\nGameWire Daily • Industry"),
        &[url],
    ));
    assert_eq!((label.as_str(), reasons), ("sourced", vec!["link"]));
}

#[test]
fn a_few_words_naming_the_page_a_link_goes_to_are_no_claim() {
    let url = "https://www.cfwu.example/news/statement";
    for label in ["Union statement", "Full story", "Page 14"] {
        let claims = chat(&format!("{label}: {url}\nThe union will file a complaint with the labour board."), &[url]);
        assert!(claims.iter().all(|c| !c.text.contains(label)), "{label}: {claims:#?}");
    }
    // What follows may still retell the page the label named.
    let claims = chat(&format!("Full writeup: {url}\nThey say the robots take over picking in June."), &[url]);
    assert!(containing(&claims, "They say the robots").verdict.is_sourced(), "{claims:#?}");
    // A label that asserts something is a claim of its own.
    let claims = chat(&format!("Layoffs confirmed: {url}"), &[url]);
    assert!(claims.iter().any(|c| c.text.contains("Layoffs confirmed")), "{claims:#?}");
}

#[test]
fn a_paste_introduced_by_a_pointing_finger_is_the_documents_word() {
    let claims = chat(
        "HR memo just dropped in the group 👇\n\"Employees on the Skyline program will be offered redeployment to \
         other accounts. Separation pay will apply to those not redeployed.\"",
        &[],
    );
    assert!(claims.iter().all(|c| !c.text.contains("memo just dropped")), "{claims:#?}");
    assert!(containing(&claims, "offered redeployment").verdict.is_sourced(), "{claims:#?}");
}

#[test]
fn whom_a_reply_addresses_is_no_part_of_it_but_a_handle_that_speaks_is() {
    let url = "https://www.harbourpost.example/media/cuts";
    let claims = thread(&[
        ("Harrowgate News Group will cut 45 production jobs at its Irish titles.", ""),
        (&format!("@ciaradoyle this piece says the 45 is spread across six titles {url}"), url),
        ("@narrafon confirms the backlist will use synthetic voices.", ""),
    ]);
    let reply = containing(&claims, "this piece says");
    assert!(!reply.text.starts_with('@') && reply.verdict.is_sourced(), "{reply:?}");
    let handle = containing(&claims, "@narrafon confirms");
    assert!(!handle.verdict.is_sourced(), "{handle:?}");
}

#[test]
fn an_officers_replies_under_their_own_post_speak_as_the_post_does() {
    let claims = authored_thread(&[
        (
            "Helga Brandvold · Chief Operating Officer at Kellerby Marsh LLP",
            "Today we made one of the hardest decisions in Kellerby Marsh's history.\n\nWe are reducing our \
             paralegal team by 74 roles across Edinburgh and Manchester.",
        ),
        ("Nadia Feroz · Paralegal", "Heard the Manchester office is being closed entirely next year."),
        ("Helga Brandvold · Author", "Nadia, no. Manchester remains a core office and we signed a new lease there."),
    ]);
    let reply = containing(&claims, "Manchester remains a core office");
    assert_eq!(reply.verdict.source().map(|s| s.kind), Some(SourceKind::Official), "{reply:?}");
    assert!(!containing(&claims, "Heard the Manchester office").verdict.is_sourced());
}
