//! HTML to the text a reader sees: one line per block (paragraph, div, list item, table row, break),
//! list items as "- ", and the lines inside a `<blockquote>` marked with `>` per level, so an HTML
//! reply's quote is recognised like a plain-text one. Scripts, styles and the head are dropped;
//! entities are decoded.

/// The text of an HTML document, with blockquote levels as `>` prefixes.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut depth = 0usize;
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String, depth: usize| {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_some() || !out.ends_with("\n\n") {
            for _ in 0..depth {
                out.push('>');
            }
            if depth > 0 && words.peek().is_some() {
                out.push(' ');
            }
            if let Some(first) = words.next() {
                out.push_str(first);
                for w in words {
                    out.push(' ');
                    out.push_str(w);
                }
            }
            out.push('\n');
        }
        line.clear();
    };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        decode_into(&mut line, &rest[..open]);
        rest = &rest[open..];
        // Comments, doctypes and processing instructions say nothing.
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with(['!', '?']) {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match name.as_str() {
            // Their content is not text: skip to the end tag.
            "script" | "style" | "head" | "title" if !closing => {
                let end = format!("</{name}");
                let found = rest
                    .match_indices("</")
                    .map(|(i, _)| i)
                    .find(|&i| rest.get(i..i + end.len()).is_some_and(|t| t.eq_ignore_ascii_case(&end)));
                rest = match found {
                    Some(e) => rest[e..].find('>').map_or("", |g| &rest[e + g + 1..]),
                    None => "",
                };
            }
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
    decode_into(&mut line, rest);
    flush(&mut line, &mut out, depth);
    out.trim().to_string()
}

/// Appends `text` with the entities mail clients write decoded; unknown ones stay as they are. Line
/// breaks in the source are only spaces (the caller splits on whitespace).
fn decode_into(out: &mut String, text: &str) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_quotes_are_marked() {
        let html = "<html><head><style>p{}</style></head><body><div>Sounds great &mdash; send pricing</div><div>On Tue, Sarah wrote:</div><blockquote><p>Hi Jennifer,</p><ul><li>98 of 100</li><li>85%</li></ul></blockquote></body></html>";
        let text = to_text(html);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim_start_matches('>').trim().is_empty()).collect();
        assert_eq!(
            lines,
            ["Sounds great — send pricing", "On Tue, Sarah wrote:", "> Hi Jennifer,", "> - 98 of 100", "> - 85%"]
        );
        assert!(!text.contains("p{}"), "styles are not text");
    }
}
