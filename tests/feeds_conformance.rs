//! The parser against feedparser's test corpus (tests/data/feedparser, MIT licensed, LICENSE beside
//! it): 2,249 files of well-formed, ill-formed, oddly encoded and hostile feeds.
//!
//! - Nothing panics or hangs, on any file.
//! - Every feed under wellformed/rss, wellformed/atom10 and wellformed/rdf parses, except the few
//!   listed in `KNOWN_FAILURES` with the reason.
//! - For the files in `CHECKED`, the `Expect:` line of the file's leading comment (a Python
//!   expression such as `not bozo and entries[0]['title'] == u'Example'`) is evaluated against our
//!   result by a small evaluator that understands `==` comparisons of titles, links, ids, summaries,
//!   content and dates. Run the ignored test `list_evaluable_expectations` to see which other files
//!   it could check.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc};
use layoffwatch::feeds::{ParseError, ParseOptions, ParsedFeed, decode, parse_feed_with};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/feedparser");

/// Well-formed feeds we cannot parse, with the reason. Keep this list short. It is empty: the fix-ups
/// in src/feeds/repair.rs cover what feed-rs 3 rejects in these directories (RSS without a version
/// or a channel, Atom text with `type="application/octet-stream"` or `type=""`).
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Files whose `Expect:` line is checked. Grouped by what they exercise.
const CHECKED: &[&str] = &[
    // Charsets: XML declaration (EUC-KR, windows-125x, KOI8, IBM866, Mac) and HTTP Content-Type.
    "encoding/euc-kr.xml",
    "encoding/euc-kr-item.xml",
    "encoding/euc-kr-attribute.xml",
    "encoding/http_text_xml_charset_2.xml",
    "encoding/http_text_xml_charset_overrides_encoding_2.xml",
    "encoding/x80_cp1250.xml",
    "encoding/x80_cp1251.xml",
    "encoding/x80_cp1252.xml",
    "encoding/x80_windows-1253.xml",
    "encoding/x80_koi8-r.xml",
    "encoding/x80_koi8-u.xml",
    "encoding/x80_ibm866.xml",
    "encoding/x80_macintosh.xml",
    // HTML entities XML does not define, in RSS titles (unknown ones stay as written).
    "entities/eacute.xml",
    "entities/upper_Eacute.xml",
    "entities/euro.xml",
    "entities/hellip.xml",
    "entities/mdash.xml",
    "entities/trade.xml",
    "entities/8217.xml",
    "entities/9830.xml",
    "entities/doesnotexist.xml",
    // Feed and item titles: RSS, Atom 1.0, Atom 0.3, RSS 1.0/0.90, namespaces, odd types.
    "illformed/always_strip_doctype.xml",
    "wellformed/rss/channel_title.xml",
    "wellformed/rss/channel_title_apos.xml",
    "wellformed/rss/channel_title_gt.xml",
    "wellformed/rss/channel_title_lt.xml",
    "wellformed/rss/channel_image_title_conflict.xml",
    "wellformed/rss/channel_textInput_title_conflict.xml",
    "wellformed/rss/item_title.xml",
    "wellformed/atom10/atom10_namespace.xml",
    "wellformed/atom10/feed_title.xml",
    "wellformed/atom10/feed_title_text_plain.xml",
    "wellformed/atom10/entry_title.xml",
    "wellformed/atom10/entry_title_text_plain_brackets.xml",
    "wellformed/atom10/entry_title_type_empty-no-crash.xml",
    "wellformed/atom/atom_namespace_1.xml",
    "wellformed/atom/feed_title.xml",
    "wellformed/atom/entry_title.xml",
    "wellformed/rdf/rdf_channel_title.xml",
    "wellformed/rdf/rss090_channel_title.xml",
    "wellformed/namespace/rss1.0withModules.xml",
    "wellformed/namespace/rss1.0withModulesNoDefNS.xml",
    "wellformed/namespace/rss2.0noNSwithModules.xml",
    "wellformed/xml/empty_xmlns_uri.xml",
    "wellformed/media-rss/item_media_title2.xml",
    // Links: RSS link vs guid, RDF, Atom rel=alternate.
    "wellformed/rss/item_link.xml",
    "wellformed/rss/item_guid_conflict_link.xml",
    "wellformed/rss/item_guid_isPermaLink_conflict_link.xml",
    "wellformed/rss/item_guid_not_permalink_conflict_link.xml",
    "wellformed/rdf/rdf_item_link.xml",
    "wellformed/atom10/entry_link_alternate_map_link.xml",
    "wellformed/atom10/entry_link_alternate_map_link_2.xml",
    "wellformed/atom10/entry_link_alternate_map_link_3.xml",
    "wellformed/atom/entry_link_alternate_map_link.xml",
    // Ids: Atom ids kept verbatim (no normalization), RSS guids that are not URLs.
    "wellformed/atom10/entry_id.xml",
    "wellformed/atom10/entry_id_no_normalization_1.xml",
    "wellformed/atom10/entry_id_no_normalization_2.xml",
    "wellformed/atom10/entry_id_no_normalization_3.xml",
    "wellformed/atom10/entry_id_no_normalization_4.xml",
    "wellformed/atom10/entry_id_no_normalization_5.xml",
    "wellformed/atom10/entry_id_no_normalization_6.xml",
    "wellformed/atom10/entry_id_no_normalization_7.xml",
    "wellformed/atom10/entry_id_with_attributes.xml",
    "wellformed/atom/entry_id.xml",
    "wellformed/rss/item_guid_not_permalink_not_url.xml",
    // Dates: pubDate, dc:date, Atom 0.3 issued/modified, Atom published/updated.
    "wellformed/rss/item_pubDate_map_updated_parsed.xml",
    "wellformed/rss/item_dc_date_parsed.xml",
    "wellformed/atom/entry_issued_parsed.xml",
    "wellformed/atom/entry_modified_map_updated_parsed.xml",
    "wellformed/atom/entry_published_parsed.xml",
    "wellformed/atom/entry_updated_parsed.xml",
    "wellformed/atom/entry_published_parsed_date_overwriting.xml",
    "wellformed/atom/entry_updated_multiple_values.xml",
    // Summaries and content as given.
    "wellformed/rss/item_description.xml",
    "wellformed/rss/item_description_escaped_markup.xml",
    "wellformed/rss/item_description_code_br.xml",
    "wellformed/rss/item_content_encoded.xml",
    "wellformed/atom10/entry_summary.xml",
    "wellformed/atom10/entry_content_and_summary.xml",
    "wellformed/atom10/entry_content_escaped_markup.xml",
    "wellformed/atom10/entry_content_inline_markup.xml",
    "wellformed/namespace/rss2.0noNSwithModulesLocalNameClash.xml",
];

fn all_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("corpus directory is readable") {
            let path = entry.expect("corpus entry is readable").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(CORPUS), &mut files);
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(CORPUS)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The file's leading comment as text (lossy: only its ASCII lines matter).
fn header(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
    match head.find("-->") {
        Some(end) => head[..end].to_owned(),
        None => String::new(),
    }
}

/// The value of a `Name:` line in the leading comment.
fn header_lines<'a>(header: &'a str, name: &str) -> impl Iterator<Item = &'a str> {
    header.lines().filter_map(move |line| {
        let line = line.trim();
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Parses one corpus file the way the poll loop would: with the charset of its simulated
/// `Content-type` header, if the test declares one.
fn parse_file(path: &Path) -> Result<ParsedFeed, ParseError> {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    let head = header(&bytes);
    let charset_hint = header_lines(&head, "Header")
        .filter_map(|h| h.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-type"))
        .and_then(|(_, value)| decode::charset_from_content_type(value));
    let options = ParseOptions {
        charset_hint,
        ..ParseOptions::default()
    };
    parse_feed_with(&bytes, &relative(path), &options)
}

/// The outcome of one file: `Err` holds a panic message.
type Outcome = Result<Result<ParsedFeed, ParseError>, String>;

/// Parses every file on a worker thread, so a hang is reported (with the file's name) instead of
/// stalling the test run.
fn parse_corpus() -> Vec<(PathBuf, Outcome)> {
    let files = all_files();
    let (tx, rx) = mpsc::channel();
    let worker_files = files.clone();
    std::thread::spawn(move || {
        for path in worker_files {
            let result = std::panic::catch_unwind(|| parse_file(&path)).map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default()
            });
            if tx.send((path, result)).is_err() {
                return;
            }
        }
    });
    let mut results = Vec::with_capacity(files.len());
    for expected in &files {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(result) => results.push(result),
            Err(_) => panic!(
                "parsing hung (over 10 s) on or after {}",
                relative(expected)
            ),
        }
    }
    results
}

#[test]
fn no_corpus_file_panics_or_hangs_and_wellformed_feeds_parse() {
    let results = parse_corpus();
    assert_eq!(results.len(), 2249, "the whole corpus is present");

    let mut panics = Vec::new();
    let mut wellformed_failures = Vec::new();
    for (path, outcome) in &results {
        let name = relative(path);
        match outcome {
            Err(message) => panics.push(format!("{name}: panicked outside the parser: {message}")),
            Ok(Err(ParseError::Panicked { message, .. })) => {
                panics.push(format!("{name}: feed-rs panicked: {message}"))
            }
            Ok(Err(error))
                if ["wellformed/rss/", "wellformed/atom10/", "wellformed/rdf/"]
                    .iter()
                    .any(|dir| name.starts_with(dir))
                    && !KNOWN_FAILURES.iter().any(|(known, _)| *known == name) =>
            {
                wellformed_failures.push(format!("{name}: {error}"))
            }
            _ => {}
        }
    }
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
    assert!(
        wellformed_failures.is_empty(),
        "{} well-formed feeds failed:\n{}",
        wellformed_failures.len(),
        wellformed_failures.join("\n")
    );

    // The known failures must still fail; when feed-rs fixes one, drop it from the list.
    for (known, reason) in KNOWN_FAILURES {
        let (_, outcome) = results
            .iter()
            .find(|(path, _)| relative(path) == *known)
            .unwrap_or_else(|| panic!("{known} is not in the corpus"));
        assert!(
            matches!(outcome, Ok(Err(_))),
            "{known} now parses; remove it from KNOWN_FAILURES ({reason})"
        );
    }
}

#[test]
fn expectations_of_the_checked_files_hold() {
    assert!(CHECKED.len() >= 50, "check at least 50 files");
    let mut failures = Vec::new();
    for name in CHECKED {
        let path = Path::new(CORPUS).join(name);
        if let Err(why) = check_expectation(&path) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Lists every corpus file whose expectation the evaluator can check, and whether it holds.
/// `cargo test --test feeds_conformance -- --ignored --nocapture`
#[test]
#[ignore = "a tool for extending CHECKED, not a check"]
fn list_evaluable_expectations() {
    for path in all_files() {
        match check_expectation(&path) {
            Ok(()) => println!("PASS {}", relative(&path)),
            Err(Check::Unsupported(_)) => {}
            Err(why) => println!("FAIL {}: {why}", relative(&path)),
        }
    }
}

/// Why an expectation could not be confirmed.
#[derive(Debug)]
enum Check {
    /// The expression uses something the evaluator does not understand.
    Unsupported(String),
    /// The feed did not parse.
    ParseFailed(String),
    /// A comparison came out false.
    Mismatch { expression: String, actual: String },
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Unsupported(what) => write!(f, "unsupported expectation: {what}"),
            Check::ParseFailed(error) => write!(f, "did not parse: {error}"),
            Check::Mismatch { expression, actual } => {
                write!(f, "{expression} is false; got {actual}")
            }
        }
    }
}

fn check_expectation(path: &Path) -> Result<(), Check> {
    let bytes = std::fs::read(path).map_err(|e| Check::Unsupported(e.to_string()))?;
    let head = header(&bytes);
    let expect = header_lines(&head, "Expect")
        .next()
        .ok_or_else(|| Check::Unsupported("no Expect line".to_owned()))?;
    let clauses = split_and(expect);
    let comparisons: Vec<Comparison> = clauses
        .iter()
        .filter(|c| c.trim() != "not bozo")
        .map(|c| Comparison::parse(c.trim()))
        .collect::<Result<_, _>>()?;
    if comparisons.is_empty() {
        return Err(Check::Unsupported("nothing to compare".to_owned()));
    }
    let feed = parse_file(path).map_err(|e| Check::ParseFailed(e.to_string()))?;
    for comparison in comparisons {
        comparison.check(&feed)?;
    }
    Ok(())
}

/// Splits a Python boolean expression on top-level ` and `, respecting string literals.
fn split_and(expression: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<&str> = None;
    let mut rest = expression;
    while !rest.is_empty() {
        if let Some(q) = quote {
            if rest.starts_with('\\') && q.len() == 1 {
                let escaped: String = rest.chars().take(2).collect();
                current.push_str(&escaped);
                rest = &rest[escaped.len()..];
                continue;
            }
            if rest.starts_with(q) {
                current.push_str(q);
                rest = &rest[q.len()..];
                quote = None;
                continue;
            }
        } else {
            if let Some(q) = ["\"\"\"", "'''", "\"", "'"]
                .into_iter()
                .find(|q| rest.starts_with(q))
            {
                current.push_str(q);
                rest = &rest[q.len()..];
                quote = Some(q);
                continue;
            }
            if rest.starts_with(" and ") {
                parts.push(std::mem::take(&mut current));
                rest = &rest[" and ".len()..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        current.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parts.push(current);
    parts
}

/// What a left-hand side refers to in our model.
#[derive(Debug)]
enum Field {
    FeedTitle,
    ItemTitle(usize),
    ItemLink(usize),
    ItemId(usize),
    ItemSummary(usize),
    ItemContent(usize),
    ItemDate(usize),
}

#[derive(Debug)]
enum Literal {
    Str(String),
    /// A Python `time.struct_time` tuple; the first six fields are compared.
    Date([i64; 6]),
}

#[derive(Debug)]
struct Comparison {
    expression: String,
    field: Field,
    expected: Literal,
}

impl Comparison {
    fn parse(expression: &str) -> Result<Comparison, Check> {
        let unsupported = || Check::Unsupported(expression.to_owned());
        let (lhs, rhs) = expression.split_once(" == ").ok_or_else(unsupported)?;
        let (root, keys) = subscripts(lhs.trim()).ok_or_else(unsupported)?;
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let index = |k: &str| k.parse::<usize>().ok();
        let field = match (root.as_str(), keys.as_slice()) {
            ("feed", ["title"]) | ("feed", ["title_detail", "value"]) => Field::FeedTitle,
            ("entries", [i, rest @ ..]) => {
                let i = index(i).ok_or_else(unsupported)?;
                match rest {
                    ["title"] | ["title_detail", "value"] => Field::ItemTitle(i),
                    ["link"] => Field::ItemLink(i),
                    ["id"] => Field::ItemId(i),
                    ["summary"] | ["description"] => Field::ItemSummary(i),
                    ["content", "0", "value"] => Field::ItemContent(i),
                    ["published_parsed"] | ["updated_parsed"] => Field::ItemDate(i),
                    _ => return Err(unsupported()),
                }
            }
            _ => return Err(unsupported()),
        };
        let rhs = rhs.trim();
        let expected = match field {
            Field::ItemDate(_) => Literal::Date(date_tuple(rhs).ok_or_else(unsupported)?),
            _ => Literal::Str(python_string(rhs).ok_or_else(unsupported)?),
        };
        Ok(Comparison {
            expression: expression.to_owned(),
            field,
            expected,
        })
    }

    fn check(&self, feed: &ParsedFeed) -> Result<(), Check> {
        let item = |i: usize| feed.items.get(i);
        let actual: Option<String> = match self.field {
            Field::FeedTitle => feed.title.clone(),
            Field::ItemTitle(i) => item(i).and_then(|it| it.title.clone()),
            Field::ItemLink(i) => item(i).and_then(|it| it.url.as_ref().map(|u| u.to_string())),
            Field::ItemId(i) => item(i).map(|it| it.id.to_string()),
            Field::ItemSummary(i) => item(i).and_then(|it| it.summary.clone()),
            Field::ItemContent(i) => item(i).and_then(|it| it.content.clone()),
            Field::ItemDate(i) => item(i)
                .and_then(|it| it.published)
                .map(|d| format!("{:?}", date_fields(d))),
        };
        let holds = match (&self.expected, &self.field) {
            (Literal::Date(expected), Field::ItemDate(i)) => {
                item(*i).and_then(|it| it.published).map(date_fields) == Some(*expected)
            }
            (Literal::Str(expected), _) => actual.as_deref() == Some(expected.as_str()),
            _ => false,
        };
        if holds {
            Ok(())
        } else {
            Err(Check::Mismatch {
                expression: self.expression.clone(),
                actual: format!("{actual:?}"),
            })
        }
    }
}

fn date_fields(d: DateTime<Utc>) -> [i64; 6] {
    [
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
        i64::from(d.hour()),
        i64::from(d.minute()),
        i64::from(d.second()),
    ]
}

/// `name['key'][0]['key']` → ("name", ["key", "0", "key"]).
fn subscripts(lhs: &str) -> Option<(String, Vec<String>)> {
    let open = lhs.find('[')?;
    let root = lhs[..open].to_owned();
    if root.is_empty() || !root.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut keys = Vec::new();
    let mut rest = &lhs[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']')?;
        let key = inner[..close].trim();
        let key = key
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .unwrap_or(key);
        keys.push(key.to_owned());
        rest = &inner[close + 1..];
    }
    rest.is_empty().then_some((root, keys))
}

/// `(2003, 12, 31, 10, 14, 55, 2, 365, 0)` → the first six numbers.
fn date_tuple(rhs: &str) -> Option<[i64; 6]> {
    let inner = rhs.strip_prefix('(')?.strip_suffix(')')?;
    let numbers: Vec<i64> = inner
        .split(',')
        .map(|n| n.trim().parse().ok())
        .collect::<Option<_>>()?;
    numbers.get(..6)?.try_into().ok()
}

/// A Python string literal (`'…'`, `"…"`, triple-quoted, optional `u` prefix) with its escapes.
fn python_string(rhs: &str) -> Option<String> {
    let rhs = rhs.strip_prefix('u').unwrap_or(rhs);
    let body = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find_map(|q| rhs.strip_prefix(q)?.strip_suffix(q))?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> Option<char> {
            let digits: String = chars.by_ref().take(n).collect();
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => out.push(hex(&mut chars, 2)?),
            'u' => out.push(hex(&mut chars, 4)?),
            'U' => out.push(hex(&mut chars, 8)?),
            _ => return None,
        }
    }
    Some(out)
}

#[test]
fn the_evaluator_reads_python_literals_and_expressions() {
    assert_eq!(
        python_string(r"u'\u2019 \xc7 \'q\''").as_deref(),
        Some("’ Ç 'q'")
    );
    assert_eq!(python_string(r#""""a " b""""#).as_deref(), Some("a \" b"));
    assert_eq!(
        date_tuple("(2003, 12, 31, 10, 14, 55, 2, 365, 0)"),
        Some([2003, 12, 31, 10, 14, 55])
    );
    assert_eq!(
        split_and("not bozo and feed['title'] == 'a and b' and entries[0]['id'] == 'x'"),
        vec![
            "not bozo",
            "feed['title'] == 'a and b'",
            "entries[0]['id'] == 'x'"
        ]
    );
    assert!(matches!(
        Comparison::parse("entries[0]['content'][0]['value'] == u'x'").map(|c| c.field),
        Ok(Field::ItemContent(0))
    ));
    assert!(Comparison::parse("feed['author_detail']['email'] == 'x'").is_err());
}
