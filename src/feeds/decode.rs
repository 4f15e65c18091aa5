//! Turning feed bytes into UTF-8 text feed-rs can read.
//!
//! feed-rs (through quick-xml) decodes by the XML declaration alone and panics on UTF-16 input, so we
//! decode everything to UTF-8 ourselves first and rewrite the declaration to say so. The charset is
//! chosen as XML and HTTP specify it (RFC 7303):
//!
//! 1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
//! 2. the charset of the HTTP `Content-Type`, when the server sent one;
//! 3. UTF-16 or UTF-32 without a BOM, recognised by how `<?` is laid out (XML 1.0 appendix F);
//! 4. the `encoding` in the XML declaration;
//! 5. UTF-8.
//!
//! Bytes that are invalid in the chosen charset become U+FFFD rather than an error: a feed with one
//! bad byte in a summary is still worth reading.
//!
//! It also patches `<rss>` root elements whose `version` feed-rs does not know (missing, `0.93`,
//! `2.01`, ...) to `2.0`, since feed-rs rejects them outright and they are RSS 2.0 in practice.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How the input was encoded, for logs and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// One of the charsets encoding_rs knows (the WHATWG set).
    Known(&'static Encoding),
    /// UTF-32 little endian (not in the WHATWG set, decoded here).
    Utf32Le,
    /// UTF-32 big endian.
    Utf32Be,
}

/// Extracts the `charset` parameter from a `Content-Type` header value, e.g.
/// `application/rss+xml; charset="ISO-8859-1"` gives `ISO-8859-1`.
pub fn charset_from_content_type(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// Decodes feed bytes to UTF-8, choosing the charset as the module documentation describes, and
/// rewrites the XML declaration to say `utf-8`.
pub fn to_utf8(bytes: &[u8], charset_hint: Option<&str>) -> (String, Detected) {
    let (detected, body) = detect(bytes, charset_hint);
    let text = match detected {
        Detected::Known(encoding) => encoding.decode_without_bom_handling(body).0,
        Detected::Utf32Le => Cow::Owned(decode_utf32(body, u32::from_le_bytes)),
        Detected::Utf32Be => Cow::Owned(decode_utf32(body, u32::from_be_bytes)),
    };
    (rewrite_declaration(&text), detected)
}

/// Picks the charset and returns the bytes after any BOM.
fn detect<'a>(bytes: &'a [u8], charset_hint: Option<&str>) -> (Detected, &'a [u8]) {
    // UTF-32 BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, rest @ ..] => return (Detected::Utf32Be, rest),
        [0xFF, 0xFE, 0x00, 0x00, rest @ ..] => return (Detected::Utf32Le, rest),
        _ => {}
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return (Detected::Known(encoding), &bytes[bom_len..]);
    }
    if let Some(encoding) = charset_hint.and_then(|h| Encoding::for_label(h.trim().as_bytes())) {
        // A UTF-16 label without a BOM or a `<?` pattern to confirm it is usually a wrong label on
        // UTF-8 content; fall through to sniffing for those.
        if encoding != UTF_16LE && encoding != UTF_16BE {
            return (Detected::Known(encoding), bytes);
        }
    }
    match bytes {
        [0x00, 0x00, 0x00, b'<', ..] => return (Detected::Utf32Be, bytes),
        [b'<', 0x00, 0x00, 0x00, ..] => return (Detected::Utf32Le, bytes),
        [0x00, b'<', 0x00, b'?', ..] => return (Detected::Known(UTF_16BE), bytes),
        [b'<', 0x00, b'?', 0x00, ..] => return (Detected::Known(UTF_16LE), bytes),
        _ => {}
    }
    let declared = declared_encoding(bytes)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        // Without a BOM or the UTF-16 byte pattern the document is ASCII-compatible, so a UTF-16
        // declaration is wrong; encoding_rs would also refuse to encode to it.
        .filter(|e| *e != UTF_16LE && *e != UTF_16BE)
        .unwrap_or(UTF_8);
    (Detected::Known(declared), bytes)
}

/// The `encoding="..."` of an XML declaration at the start of ASCII-compatible bytes.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = head.get(start..)?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    attribute_value(decl, "encoding")
}

/// The value of `name="..."` or `name='...'` inside a tag or declaration.
fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(pos) = rest.find(name) {
        let before_ok = rest[..pos]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let after = rest[pos + name.len()..].trim_start();
        rest = &rest[pos + name.len()..];
        let Some(after) = after.strip_prefix('=') else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value = &after[1..];
        return value.find(quote).map(|end| value[..end].to_owned());
    }
    None
}

fn decode_utf32(bytes: &[u8], read: fn([u8; 4]) -> u32) -> String {
    bytes
        .chunks(4)
        .map(|c| match <[u8; 4]>::try_from(c) {
            Ok(word) => char::from_u32(read(word)).unwrap_or(char::REPLACEMENT_CHARACTER),
            Err(_) => char::REPLACEMENT_CHARACTER,
        })
        .collect()
}

/// Replaces a leading XML declaration with one that says `utf-8`, since the text now is UTF-8
/// whatever the original said. Leading whitespace before the declaration is dropped too (strict XML
/// parsers reject it).
fn rewrite_declaration(text: &str) -> String {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.starts_with("<?xml")
        && let Some(end) = trimmed.find("?>")
    {
        let decl = &trimmed[..end];
        let version = attribute_value(decl, "version").unwrap_or_else(|| "1.0".to_owned());
        let version = if version.chars().all(|c| c.is_ascii_digit() || c == '.') {
            version
        } else {
            "1.0".to_owned()
        };
        return format!(
            r#"<?xml version="{version}" encoding="utf-8"?>{}"#,
            &trimmed[end + 2..]
        );
    }
    trimmed.to_owned()
}

/// RSS versions feed-rs dispatches on; any other `<rss version>` is rejected by it as "no feed root".
const RSS_VERSIONS_FEED_RS_KNOWS: &[&str] = &["2.0", "0.91", "0.92", ""];

/// Gives an `<rss>` root element a version feed-rs accepts: inserts `version="2.0"` when it is
/// missing and replaces versions feed-rs does not know. Returns the text unchanged otherwise.
pub fn patch_rss_version(text: String) -> String {
    let Some(tag_start) = root_element_start(&text) else {
        return text;
    };
    let tag = &text[tag_start..];
    let Some(after_name) = tag.strip_prefix("<rss") else {
        return text;
    };
    if !after_name.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
        return text;
    }
    let Some(tag_len) = tag.find('>') else {
        return text;
    };
    let open_tag = &tag[..tag_len];
    match attribute_value(open_tag, "version") {
        Some(v) if RSS_VERSIONS_FEED_RS_KNOWS.contains(&v.as_str()) => text,
        Some(_) => {
            // Rebuild the open tag without its version attribute, then insert ours.
            let without = remove_attribute(open_tag, "version");
            let insert_at = tag_start + "<rss".len();
            let mut out = String::with_capacity(text.len() + 16);
            out.push_str(&text[..insert_at]);
            out.push_str(r#" version="2.0""#);
            out.push_str(&without["<rss".len()..]);
            out.push_str(&text[tag_start + tag_len..]);
            out
        }
        None => {
            let insert_at = tag_start + "<rss".len();
            let mut out = String::with_capacity(text.len() + 16);
            out.push_str(&text[..insert_at]);
            out.push_str(r#" version="2.0""#);
            out.push_str(&text[insert_at..]);
            out
        }
    }
}

/// Removes `name="..."` (or single-quoted) from an open tag.
fn remove_attribute(tag: &str, name: &str) -> String {
    let mut search = 0;
    while let Some(rel) = tag[search..].find(name) {
        let pos = search + rel;
        let preceded_by_space = tag[..pos].ends_with(char::is_whitespace);
        let after = tag[pos + name.len()..].trim_start();
        if preceded_by_space && let Some(after_eq) = after.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            if let Some(quote) = after_eq.chars().next().filter(|q| *q == '"' || *q == '\'')
                && let Some(close) = after_eq[1..].find(quote)
            {
                let value_end = tag.len() - after_eq.len() + 1 + close + 1;
                return format!("{}{}", tag[..pos].trim_end(), &tag[value_end..]);
            }
            return tag.to_owned();
        }
        search = pos + name.len();
    }
    tag.to_owned()
}

/// Byte offset of the root element's `<`, skipping the declaration, processing instructions,
/// comments and a DOCTYPE (with an internal subset).
fn root_element_start(text: &str) -> Option<usize> {
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start().len();
        pos += skipped;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn utf16_with_a_bom_becomes_utf8_with_a_matching_declaration() {
        let bytes = utf16le_with_bom(r#"<?xml version="1.0" encoding="utf-16"?><rss/>"#);
        let (text, detected) = to_utf8(&bytes, None);
        assert_eq!(detected, Detected::Known(UTF_16LE));
        assert_eq!(text, r#"<?xml version="1.0" encoding="utf-8"?><rss/>"#);
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_by_its_declaration_bytes() {
        let bytes: Vec<u8> =
            r#"<?xml version="1.0"?><a>Ä</a>"#.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (text, detected) = to_utf8(&bytes, None);
        assert_eq!(detected, Detected::Known(UTF_16BE));
        assert!(text.ends_with("<a>Ä</a>"));
    }

    #[test]
    fn utf32_with_a_bom_is_decoded() {
        let mut bytes = vec![0x00, 0x00, 0xFE, 0xFF];
        bytes.extend("<a>€</a>".chars().flat_map(|c| (c as u32).to_be_bytes()));
        let (text, detected) = to_utf8(&bytes, None);
        assert_eq!(detected, Detected::Utf32Be);
        assert_eq!(text, "<a>€</a>");
    }

    #[test]
    fn the_xml_declaration_names_the_charset_when_http_does_not() {
        let bytes = b"<?xml version='1.0' encoding='iso-8859-1'?><a>\xC7</a>";
        let (text, _) = to_utf8(bytes, None);
        assert_eq!(text, r#"<?xml version="1.0" encoding="utf-8"?><a>Ç</a>"#);
    }

    #[test]
    fn an_http_charset_overrides_the_xml_declaration() {
        let bytes = b"<?xml version='1.0' encoding='utf-8'?><a>\xC7</a>";
        let (text, _) = to_utf8(bytes, Some("windows-1252"));
        assert!(text.ends_with("<a>Ç</a>"));
    }

    #[test]
    fn an_unknown_charset_label_falls_back_to_utf8() {
        let (text, detected) = to_utf8(
            "<?xml version='1.0' encoding='bogus'?><a>é</a>".as_bytes(),
            Some("nonsense"),
        );
        assert_eq!(detected, Detected::Known(UTF_8));
        assert!(text.ends_with("<a>é</a>"));
    }

    #[test]
    fn charset_is_read_from_a_content_type_with_quotes_and_odd_spacing() {
        assert_eq!(
            charset_from_content_type("application/rss+xml;charset= 'us-ascii'").as_deref(),
            Some("us-ascii")
        );
        assert_eq!(
            charset_from_content_type(r#"text/xml; Charset="ISO-8859-1""#).as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_from_content_type("text/xml"), None);
    }

    #[test]
    fn rss_without_a_version_gets_version_2() {
        let text = "<!-- c --><?xml-stylesheet href='x'?><!DOCTYPE rss [<!ENTITY a 'b'>]>\n<rss xmlns:dc='x'><channel/></rss>";
        let patched = patch_rss_version(text.to_owned());
        assert!(
            patched.contains(r#"<rss version="2.0" xmlns:dc='x'>"#),
            "{patched}"
        );
    }

    #[test]
    fn rss_with_a_version_feed_rs_does_not_know_is_patched_to_2() {
        let patched =
            patch_rss_version(r#"<rss  version="0.94" a="b"><channel/></rss>"#.to_owned());
        assert_eq!(patched, r#"<rss version="2.0" a="b"><channel/></rss>"#);
    }

    #[test]
    fn rss_with_a_known_version_and_other_roots_are_left_alone() {
        let rss = r#"<rss version="0.91"><channel/></rss>"#.to_owned();
        assert_eq!(patch_rss_version(rss.clone()), rss);
        let atom =
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>rss</title></feed>"#.to_owned();
        assert_eq!(patch_rss_version(atom.clone()), atom);
        let rsslike = "<rssx/>".to_owned();
        assert_eq!(patch_rss_version(rsslike.clone()), rsslike);
    }
}
