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

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::repair::attribute_value;

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
}
