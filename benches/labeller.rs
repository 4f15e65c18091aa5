//! The labeller's cost per sentence, per chat message and per article, on the project's labelled
//! corpus (the claims its writers marked, each labelled on its own as a one-sentence article, and
//! the whole documents). `cargo bench --bench labeller`; the whole pipeline's figures come from the
//! `bench` command, which this complements: there the labeller is one stage among several, here its
//! cost can be followed sentence by sentence when a rule or a lexicon grows.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use layoffwatch::core::claims::label_document;
use layoffwatch::core::lexicon::Lexicon;
use layoffwatch::core::model::{Article, Document, Message, Thread};
use layoffwatch::eval::{Case, cases, corpus_part};

/// Documents from both parts of the labelled corpus: many writing styles, furniture included.
fn corpus() -> Vec<Case> {
    let mut all = cases(&corpus_part(false)).expect("the bundled corpus parses");
    all.extend(cases(&corpus_part(true)).expect("the bundled corpus parses"));
    all
}

/// Every expected article claim as a one-sentence article from a named outlet.
fn sentences(corpus: &[Case]) -> Vec<Document> {
    corpus
        .iter()
        .filter(|c| matches!(c.doc, Document::Article(_)))
        .flat_map(|c| c.expect.iter())
        .map(|e| {
            Document::Article(Article {
                id: None,
                outlet: Some("Harbor Wire".into()),
                url: None,
                title: None,
                published: None,
                text: e.text.clone(),
            })
        })
        .collect()
}

/// Every chat message as a thread of one.
fn messages(corpus: &[Case]) -> Vec<Document> {
    corpus
        .iter()
        .filter_map(|c| match &c.doc {
            Document::Thread(t) => Some(t.messages.iter()),
            Document::Article(_) => None,
        })
        .flatten()
        .map(|m: &Message| Document::Thread(Thread { id: None, channel: None, messages: vec![m.clone()] }))
        .collect()
}

fn articles(corpus: &[Case]) -> Vec<Document> {
    corpus.iter().filter(|c| matches!(c.doc, Document::Article(_))).map(|c| c.doc.clone()).collect()
}

fn label_all(c: &mut Criterion, group: &str, docs: &[Document], lex: &Lexicon) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function(format!("{} documents", docs.len()), |b| {
        b.iter(|| {
            for doc in docs {
                black_box(label_document(black_box(doc), lex));
            }
        })
    });
    g.finish();
}

fn labeller(c: &mut Criterion) {
    let lex = Lexicon::embedded();
    let corpus = corpus();
    label_all(c, "labeller per sentence", &sentences(&corpus), lex);
    label_all(c, "labeller per chat message", &messages(&corpus), lex);
    label_all(c, "labeller per article", &articles(&corpus), lex);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = labeller
}
criterion_main!(benches);
