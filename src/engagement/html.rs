//! HTML to the text a reader sees: one line per block (paragraph, div, list item, table row, break),
//! list items as "- ", and the lines inside a `<blockquote>` marked with `>` per level, so an HTML
//! reply's quote is recognised like a plain-text one. Scripts, styles and the head are dropped;
//! entities are decoded.

use std::sync::LazyLock;

use regex::Regex;

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<!--.*?-->|<![^>]*>|<\?[^>]*>|<(script|style|head|title)\b[^>]*>.*?</(?:script|style|head|title)\s*>|<(/?)([a-z][a-z0-9]*)\b[^>]*?(/?)>")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// The text of an HTML document, with blockquote levels as `>` prefixes.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut depth = 0usize;
    let mut last = 0;
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String, depth: usize| {
        let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() || !out.ends_with("\n\n") {
            out.push_str(&">".repeat(depth));
            if depth > 0 && !text.is_empty() {
                out.push(' ');
            }
            out.push_str(&text);
            out.push('\n');
        }
        line.clear();
    };
    for c in TAG.captures_iter(html) {
        let Some(m) = c.get(0) else { continue };
        line.push_str(&decode(&html[last..m.start()]));
        last = m.end();
        let (Some(closing), Some(name)) = (c.get(2), c.get(3)) else { continue };
        let name = name.as_str().to_ascii_lowercase();
        let closing = !closing.as_str().is_empty();
        match name.as_str() {
            "br" => flush(&mut line, &mut out, depth),
            "blockquote" => {
                flush(&mut line, &mut out, depth);
                depth = if closing { depth.saturating_sub(1) } else { depth + 1 };
            }
            "li" if !closing => {
                flush(&mut line, &mut out, depth);
                line.push_str("- ");
            }
            "p" | "div" | "tr" | "table" | "ul" | "ol" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr"
            | "section" | "article" | "header" | "footer" | "pre" | "center" => flush(&mut line, &mut out, depth),
            "td" | "th" if closing => line.push(' '),
            _ => {}
        }
    }
    line.push_str(&decode(&html[last..]));
    flush(&mut line, &mut out, depth);
    out.trim().to_string()
}

/// Decodes the entities mail clients write; unknown ones stay as they are.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.replace(['\n', '\r'], " ");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "mdash" => '—',
                "ndash" => '–',
                "rsquo" | "lsquo" => '\'',
                "ldquo" | "rdquo" => '"',
                "hellip" => '…',
                "bull" => '•',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_quotes_are_marked() {
        let html = "<html><head><style>p{}</style></head><body><div>Sounds great &mdash; send pricing</div><div>On Tue, Sarah wrote:</div><blockquote><p>Hi Jennifer,</p><ul><li>98 of 100</li><li>85%</li></ul></blockquote></body></html>";
        assert_eq!(
            to_text(html),
            "Sounds great — send pricing\nOn Tue, Sarah wrote:\n> Hi Jennifer,\n> - 98 of 100\n> - 85%"
        );
    }
}
