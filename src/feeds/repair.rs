//! Small, textual fix-ups that let feed-rs read feeds it would otherwise reject whole.
//!
//! feed-rs is strict in places where real feeds (and feedparser's corpus of them) are sloppy, and
//! it fails the *entire* feed for one odd attribute. Each fix here targets one such rejection:
//!
//! - `<rss>` with no `version`, or one feed-rs does not dispatch on (`0.93`, `0.94`, `2.01`, ...):
//!   set `version="2.0"`; these are RSS 2.0 in practice.
//! - `<rss>` whose items sit directly under the root with no `<channel>`: wrap the root's children
//!   in a `<channel>`.
//! - Atom text constructs (`title`, `subtitle`, `summary`, `rights`) with a `type` other than
//!   `text`, `html` or `xhtml` (`TEXT`, `text/plain`, empty, base64 `application/octet-stream`):
//!   read them as `text`. `content` with an empty or non-MIME `type`: the same.
//! - RSS 0.90, whose namespace feed-rs does not know: read it as RSS 1.0, its successor.
//! - Atom 0.3, which feed-rs reads as an empty feed: move it to the Atom 1.0 namespace and rename
//!   the elements that changed (`issued`, `modified`, `tagline`, `copyright`).
//!
//! The input is the UTF-8 text from [`super::decode`]. The scan skips comments, CDATA sections and
//! processing instructions, and quoted attribute values, so it never edits text content.

use std::ops::Range;

/// Applies every fix-up that matches the document's root element.
pub(crate) fn repair(text: String) -> String {
    let Some(root) = root_element_start(&text) else {
        return text;
    };
    let name = element_name(&text[root..]);
    if name == "rss" {
        wrap_channel(patch_rss_version(text, root), root)
    } else if local_name(name) == "RDF" && text.contains(RSS_090_NS) {
        text.replace(RSS_090_NS, RSS_10_NS)
    } else if matches!(local_name(name), "feed" | "entry") {
        if text.contains(ATOM_03_NS) {
            fix_atom_tags(&text.replace(ATOM_03_NS, ATOM_10_NS), true)
        } else {
            fix_atom_tags(&text, false)
        }
    } else {
        text
    }
}

/// Finds `name="..."` or `name='...'` in a tag or declaration (not inside another attribute's
/// value, and not as the suffix of a longer name) and returns where its value lies in `tag`.
fn find_attribute(tag: &str, name: &str) -> Option<Range<usize>> {
    let bytes = tag.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if b == b'"' || b == b'\'' {
            quote = Some(b);
            i += 1;
            continue;
        }
        let preceded_by_space = i > 0 && bytes[i - 1].is_ascii_whitespace();
        if preceded_by_space && tag[i..].starts_with(name) {
            let after_name = &tag[i + name.len()..];
            let after_eq = after_name
                .trim_start()
                .strip_prefix('=')
                .map(str::trim_start);
            if let Some(after_eq) = after_eq
                && let Some(q) = after_eq.chars().next().filter(|c| *c == '"' || *c == '\'')
            {
                let value_start = tag.len() - after_eq.len() + 1;
                let value_len = tag[value_start..].find(q)?;
                return Some(value_start..value_start + value_len);
            }
        }
        i += 1;
    }
    None
}

/// The value of an attribute in a tag or declaration.
pub(crate) fn attribute_value(tag: &str, name: &str) -> Option<String> {
    find_attribute(tag, name).map(|value| tag[value].to_owned())
}

/// The element name at the start of `<name ...`.
fn element_name(tag: &str) -> &str {
    let name = tag.strip_prefix('<').unwrap_or(tag);
    let end = name
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(name.len());
    &name[..end]
}

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Byte length of a start or end tag beginning at `<`, skipping `>` inside quoted values.
pub(crate) fn tag_len(tag: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Byte offset of the root element's `<`, skipping the declaration, processing instructions,
/// comments and a DOCTYPE (with an internal subset).
fn root_element_start(text: &str) -> Option<usize> {
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        pos += rest.len() - rest.trim_start().len();
        let rest = &text[pos..];
        if rest.starts_with("<?") {
            pos += rest.find("?>")? + 2;
        } else if rest.starts_with("<!--") {
            pos += rest.find("-->")? + 3;
        } else if rest.starts_with("<!") {
            pos += doctype_len(rest)?;
        } else if rest.starts_with('<') {
            return Some(pos);
        } else {
            return None;
        }
    }
}

/// Length of a `<!DOCTYPE ...>` including any `[...]` internal subset.
fn doctype_len(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// RSS versions feed-rs dispatches on; any other `<rss version>` is rejected as "no feed root".
const RSS_VERSIONS_FEED_RS_KNOWS: &[&str] = &["2.0", "0.91", "0.92", ""];

/// Gives the `<rss>` root at `root` a version feed-rs accepts.
fn patch_rss_version(mut text: String, root: usize) -> String {
    let Some(len) = tag_len(&text[root..]) else {
        return text;
    };
    let open_tag = &text[root..root + len];
    match find_attribute(open_tag, "version") {
        Some(value) if RSS_VERSIONS_FEED_RS_KNOWS.contains(&&open_tag[value.clone()]) => text,
        Some(value) => {
            text.replace_range(root + value.start..root + value.end, "2.0");
            text
        }
        None => {
            text.insert_str(root + "<rss".len(), r#" version="2.0""#);
            text
        }
    }
}

/// Wraps the children of an `<rss>` root in `<channel>` when it has none.
fn wrap_channel(mut text: String, root: usize) -> String {
    let Some(len) = tag_len(&text[root..]) else {
        return text;
    };
    let body_start = root + len;
    if text[..body_start].ends_with("/>") || text[body_start..].contains("<channel") {
        return text;
    }
    let Some(close) = text.rfind("</rss") else {
        return text;
    };
    if close < body_start {
        return text;
    }
    text.insert_str(close, "</channel>");
    text.insert_str(body_start, "<channel>");
    text
}

const RSS_090_NS: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS_10_NS: &str = "http://purl.org/rss/1.0/";
const ATOM_03_NS: &str = "http://purl.org/atom/ns#";
const ATOM_10_NS: &str = "http://www.w3.org/2005/Atom";

/// Atom 0.3 element names and their Atom 1.0 equivalents.
const ATOM_03_RENAMES: &[(&str, &str)] = &[
    ("issued", "published"),
    ("modified", "updated"),
    ("tagline", "subtitle"),
    ("copyright", "rights"),
];

/// Rewrites Atom tags feed-rs would reject or ignore: `type` attributes of text constructs and
/// `content`, and (for Atom 0.3, `atom03`) element names and `mode="xml"` content.
fn fix_atom_tags(text: &str, atom03: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(rel) = text[pos..].find('<') {
        let lt = pos + rel;
        out.push_str(&text[pos..lt]);
        let rest = &text[lt..];
        let skip = [("<![CDATA[", "]]>"), ("<!--", "-->"), ("<?", "?>")]
            .into_iter()
            .find(|(open, _)| rest.starts_with(open))
            .map(|(_, close)| rest.find(close).map_or(rest.len(), |i| i + close.len()));
        let len = match skip {
            Some(len) => len,
            None => tag_len(rest).unwrap_or(rest.len()),
        };
        let tag = &rest[..len];
        match fixed_tag(tag, atom03) {
            Some(fixed) => out.push_str(&fixed),
            None => out.push_str(tag),
        }
        pos = lt + len;
    }
    out.push_str(&text[pos..]);
    out
}

/// The tag as feed-rs needs it, if it needed a change.
fn fixed_tag(tag: &str, atom03: bool) -> Option<String> {
    if tag.starts_with("<!") || tag.starts_with("<?") {
        return None;
    }
    let closing = tag.starts_with("</");
    let name = element_name(tag.trim_start_matches("</"));
    let local = local_name(name);
    if atom03 && let Some((_, new)) = ATOM_03_RENAMES.iter().find(|(old, _)| *old == local) {
        let name_start = tag.find(name)? + (name.len() - local.len());
        let mut renamed = tag.to_owned();
        renamed.replace_range(name_start..name_start + local.len(), new);
        return Some(renamed);
    }
    if closing {
        return None;
    }
    let is_text_construct = match local {
        "title" | "subtitle" | "summary" | "rights" => true,
        "content" => false,
        _ => return None,
    };
    let range = find_attribute(tag, "type");
    let value = range.clone().map_or("", |r| &tag[r]);
    let lower = value.trim().to_ascii_lowercase();
    let inline_xml = atom03 && attribute_value(tag, "mode").as_deref() == Some("xml");
    let fixed = match lower.as_str() {
        _ if inline_xml => "xhtml".to_owned(),
        "" if range.is_none() => return None,
        "text" | "html" | "xhtml" | "text/html" => lower.clone(),
        "application/xhtml+xml" => "xhtml".to_owned(),
        // feed-rs validates other content types as MIME types itself.
        other if !is_text_construct && other.contains('/') => return None,
        _ => "text".to_owned(),
    };
    if fixed == value {
        return None;
    }
    let mut tag = tag.to_owned();
    match range {
        Some(range) => tag.replace_range(range, &fixed),
        None => tag.insert_str(1 + name.len(), &format!(r#" type="{fixed}""#)),
    }
    Some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_without_a_version_gets_version_2() {
        let text = "<!-- c --><?xml-stylesheet href='x'?><!DOCTYPE rss [<!ENTITY a 'b'>]>\n<rss xmlns:dc='x'><channel/></rss>";
        let patched = repair(text.to_owned());
        assert!(
            patched.contains(r#"<rss version="2.0" xmlns:dc='x'>"#),
            "{patched}"
        );
    }

    #[test]
    fn rss_with_a_version_feed_rs_does_not_know_is_patched_to_2() {
        let patched = repair(r#"<rss  version="0.94" a="b"><channel/></rss>"#.to_owned());
        assert_eq!(patched, r#"<rss  version="2.0" a="b"><channel/></rss>"#);
    }

    #[test]
    fn rss_with_a_known_version_and_other_roots_are_left_alone() {
        let rss = r#"<rss version="0.91"><channel/></rss>"#.to_owned();
        assert_eq!(repair(rss.clone()), rss);
        let rsslike = "<rssx/>".to_owned();
        assert_eq!(repair(rsslike.clone()), rsslike);
        let rdf = "<rdf:RDF><item/></rdf:RDF>".to_owned();
        assert_eq!(repair(rdf.clone()), rdf);
    }

    #[test]
    fn items_directly_under_rss_are_wrapped_in_a_channel() {
        let patched =
            repair(r#"<rss version="2.0"><item><title>x</title></item></rss>"#.to_owned());
        assert_eq!(
            patched,
            r#"<rss version="2.0"><channel><item><title>x</title></item></channel></rss>"#
        );
    }

    #[test]
    fn atom_text_types_feed_rs_rejects_become_text() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="TEXT">a</title>
<entry><title type="">b</title><summary type="text/plain">c</summary>
<rights type="application/octet-stream">ZA==</rights><content type="">d</content>
<content type="image/png">e</content><subtitle type='application/xhtml+xml'>f</subtitle></entry></feed>"#;
        let fixed = repair(atom.to_owned());
        assert_eq!(
            fixed,
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">a</title>
<entry><title type="text">b</title><summary type="text">c</summary>
<rights type="text">ZA==</rights><content type="text">d</content>
<content type="image/png">e</content><subtitle type='xhtml'>f</subtitle></entry></feed>"#
        );
    }

    #[test]
    fn rss_090_is_read_as_rss_10() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel/></rdf:RDF>"#;
        assert!(repair(rdf.to_owned()).contains(r#"xmlns="http://purl.org/rss/1.0/""#));
    }

    #[test]
    fn atom_03_is_read_as_atom_10() {
        let atom03 = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><tagline>t</tagline>
<entry><issued>2003-12-31T10:14:55Z</issued><content mode="xml" type="application/xhtml+xml"><div>x</div></content></entry></feed>"#;
        assert_eq!(
            repair(atom03.to_owned()),
            r#"<feed version="0.3" xmlns="http://www.w3.org/2005/Atom"><subtitle>t</subtitle>
<entry><published>2003-12-31T10:14:55Z</published><content mode="xml" type="xhtml"><div>x</div></content></entry></feed>"#
        );
    }

    #[test]
    fn atom_fixes_never_touch_cdata_comments_or_attribute_values() {
        let atom = r#"<feed><entry><summary type="html"><![CDATA[<title type="x">]]></summary><!-- <title type="y"> --><link title='<title type="z">'/></entry></feed>"#;
        assert_eq!(repair(atom.to_owned()), atom);
    }

    #[test]
    fn attributes_are_found_by_whole_name_outside_quoted_values() {
        let tag = r#"<x data-version="1" title='version="9"' version = "2.0">"#;
        assert_eq!(attribute_value(tag, "version").as_deref(), Some("2.0"));
    }
}
