//! Small text helpers for feed fields: HTML titles to plain text, and length bounds.
//!
//! Titles are shown in chat and compared between outlets, so they must be plain text; summaries and
//! content stay as the feed gave them (the core extracts text from them) but are bounded so one
//! enormous item cannot exhaust memory further down the pipeline.

/// Cuts `s` to at most `max_bytes`, on a character boundary.
pub(crate) fn truncate(mut s: String, max_bytes: usize) -> String {
    if s.len() > max_bytes {
        let mut end = max_bytes;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// Plain text from a fragment of HTML: tags dropped, entities decoded, whitespace collapsed.
pub(crate) fn html_to_plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        // A `<` that does not open a tag ("a < b") is text.
        let opens_tag =
            after[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        // The tag ends at the first `>` outside quoted attribute values (`<img alt="a > b">`).
        match super::repair::tag_len(after) {
            Some(len) if opens_tag => {
                out.push(' ');
                rest = &after[len..];
            }
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    collapse_whitespace(&decode_entities(&out))
}

/// Collapses runs of whitespace to one space and trims the ends.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Nearly every title and body is plain ASCII, whose whitespace is six bytes: those are found
    // byte by byte instead of decoding every character to ask whether it is Unicode whitespace.
    if s.is_ascii() {
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        let bytes = s.as_bytes();
        let mut at = 0;
        while let Some(start) = bytes[at..].iter().position(|b| !space(b)).map(|n| at + n) {
            let end = bytes[start..].iter().position(space).map_or(bytes.len(), |n| start + n);
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[start..end]);
            at = end;
        }
        return out;
    }
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Decodes numeric character references and HTML 4's named entities. Unknown entities are left
/// as written.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|semi| *semi <= 10)
            .and_then(|semi| decode_entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    // `&apos;` is XML's, not HTML 4's.
    if name == "apos" {
        return Some('\'');
    }
    super::entities::lookup(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_whitespace_collapses_as_unicode_whitespace_does() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for text in [every_ascii.as_str(), "", " ", " \t a \x0B b\x0C\r\nc  ", "a\x1Cb\x1F c", "  one  "] {
            let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(text), want, "{text:?}");
        }
        assert_eq!(collapse_whitespace("a\u{00A0} b\u{2003}c "), "a b c");
    }

    #[test]
    fn html_titles_lose_their_tags_and_entities() {
        assert_eq!(
            html_to_plain("<b>Initech</b> cuts&nbsp;500 &amp; more &#8212; <i>again</i>"),
            "Initech cuts 500 & more — again"
        );
    }

    #[test]
    fn a_greater_than_sign_inside_an_attribute_does_not_end_the_tag() {
        assert_eq!(html_to_plain(r#"<img alt="cat<br />dog" src="x.jpg" /> caption"#), "caption");
    }

    #[test]
    fn a_lone_less_than_sign_is_kept_as_text() {
        assert_eq!(html_to_plain("a < b and c<3"), "a < b and c<3");
    }

    #[test]
    fn truncation_respects_character_boundaries() {
        assert_eq!(truncate("héllo".to_owned(), 2), "h");
        assert_eq!(truncate("abc".to_owned(), 10), "abc");
    }
}
