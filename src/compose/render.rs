//! Templates to email: the approach's subject and text from minijinja, the HTML from the text through one
//! MJML layout that is compiled to HTML once, when the composer is built.

use minijinja::{context, Environment, HtmlEscape, Value};
use regex::Regex;

use super::facts::{ComposeError, Model};
use crate::domain::Approach;

const LAYOUT_MJML: &str = include_str!("../../templates/emails/layout.mjml");

/// Built-in templates: `(name, source)`.
const BUILTIN: [(&str, &str); 13] = [
    ("_options.txt", include_str!("../../templates/emails/_options.txt")),
    ("_figures.txt", include_str!("../../templates/emails/_figures.txt")),
    ("_driver.txt", include_str!("../../templates/emails/_driver.txt")),
    ("_ask.txt", include_str!("../../templates/emails/_ask.txt")),
    ("_signature.txt", include_str!("../../templates/emails/_signature.txt")),
    ("problem_solving/subject.txt", include_str!("../../templates/emails/problem_solving/subject.txt")),
    ("problem_solving/body.txt", include_str!("../../templates/emails/problem_solving/body.txt")),
    ("educational/subject.txt", include_str!("../../templates/emails/educational/subject.txt")),
    ("educational/body.txt", include_str!("../../templates/emails/educational/body.txt")),
    ("value_add/subject.txt", include_str!("../../templates/emails/value_add/subject.txt")),
    ("value_add/body.txt", include_str!("../../templates/emails/value_add/body.txt")),
    ("proactive/subject.txt", include_str!("../../templates/emails/proactive/subject.txt")),
    ("proactive/body.txt", include_str!("../../templates/emails/proactive/body.txt")),
];

/// Renders emails. Build one and share it: building compiles the HTML layout.
#[derive(Clone)]
pub struct Renderer {
    env: Environment<'static>,
    url: Regex,
    /// Approaches whose templates the workspace replaced: their body is used for every buying style.
    overridden: Vec<Approach>,
}

/// A run of text in the HTML: plain, bold, or a link.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    pub text: String,
    pub href: Option<String>,
    pub bold: bool,
}

/// A paragraph (lines) or a list (items), each a line of segments.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    pub kind: &'static str,
    pub items: Vec<Vec<Segment>>,
    /// The text has a blank line after this block.
    pub ends_paragraph: bool,
}

fn template_error(name: &str, e: impl std::fmt::Display) -> ComposeError {
    ComposeError::Template(name.to_string(), e.to_string())
}

impl Renderer {
    pub fn new() -> Result<Renderer, ComposeError> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in BUILTIN {
            env.add_template(name, source).map_err(|e| template_error(name, e))?;
        }
        let html = mrml::parse(LAYOUT_MJML)
            .map_err(|e| template_error("layout.mjml", e))?
            .element
            .render(&mrml::prelude::render::RenderOptions::default())
            .map_err(|e| template_error("layout.mjml", e))?;
        // Named .html, so every value is HTML-escaped, in text and in attributes alike.
        env.add_template_owned("layout.html", html).map_err(|e| template_error("layout.html", e))?;
        Ok(Renderer {
            env,
            url: Regex::new(r#"https?://[^\s<>"]+"#).map_err(|e| template_error("url pattern", e))?,
            overridden: Vec::new(),
        })
    }

    /// Replaces an approach's subject and body templates; a template that does not parse is refused.
    pub fn set_override(&mut self, approach: Approach, subject: &str, body: &str) -> Result<(), ComposeError> {
        let subject_name = format!("{}/subject.txt", approach.as_str());
        let body_name = format!("{}/body.txt", approach.as_str());
        self.env
            .add_template_owned(subject_name.clone(), subject.to_string())
            .map_err(|e| template_error(&subject_name, e))?;
        self.env.add_template_owned(body_name.clone(), body.to_string()).map_err(|e| template_error(&body_name, e))?;
        self.overridden.push(approach);
        Ok(())
    }

    /// The built-in subject and body templates of an approach.
    pub fn builtin(approach: Approach) -> (&'static str, &'static str) {
        let find = |name: String| BUILTIN.iter().find(|(n, _)| *n == name).map_or("", |(_, source)| source);
        (find(format!("{}/subject.txt", approach.as_str())), find(format!("{}/body.txt", approach.as_str())))
    }

    fn render(&self, name: &str, model: &Value) -> Result<String, ComposeError> {
        self.env.get_template(name).and_then(|t| t.render(model)).map_err(|e| template_error(name, e))
    }

    /// Subject and text for the approach.
    pub fn subject_and_text(&self, approach: Approach, model: &Model) -> Result<(String, String), ComposeError> {
        // Converted once for both templates.
        let driver = model.style == "driver" && !self.overridden.contains(&approach);
        let model = Value::from_serialize(model);
        let subject = self.render(&format!("{}/subject.txt", approach.as_str()), &model)?;
        // A driver gets the same three lines whatever the approach; the approach picks the first line.
        let body = if driver { "_driver.txt".to_string() } else { format!("{}/body.txt", approach.as_str()) };
        let text = self.render(&body, &model)?;
        Ok((single_line(&subject), self.tidy(&text)))
    }

    /// Trims trailing spaces and keeps at most one blank line between paragraphs.
    fn tidy(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut blank = false;
        for line in text.trim().lines().map(str::trim_end) {
            if line.is_empty() {
                blank = true;
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank { "\n\n" } else { "\n" });
            }
            blank = false;
            out.push_str(line);
        }
        out.push('\n');
        out
    }

    /// The HTML version of a text: the same words, figures and links, laid out by the MJML layout. The
    /// content is built here with minijinja's own escaper and enters the layout as one safe value.
    pub fn html(&self, subject: &str, text: &str) -> Result<String, ComposeError> {
        let preview: String =
            text.lines().skip(2).find(|l| !l.trim().is_empty()).unwrap_or_default().chars().take(120).collect();
        let content = Value::from_safe_string(self.content_html(text));
        self.env
            .get_template("layout.html")
            .and_then(|t| t.render(context! { subject, preview, content }))
            .map_err(|e| template_error("layout.html", e))
    }

    fn content_html(&self, text: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(text.len() * 2);
        let write_line = |out: &mut String, line: &[Segment]| {
            for s in line {
                // Writing to a String cannot fail.
                let _ = match (&s.href, s.bold) {
                    (Some(href), _) => write!(
                        out,
                        r#"<a href="{}" style="color:#1d4ed8">{}</a>"#,
                        HtmlEscape(href),
                        HtmlEscape(&s.text)
                    ),
                    (None, true) => write!(out, "<strong>{}</strong>", HtmlEscape(&s.text)),
                    (None, false) => write!(out, "{}", HtmlEscape(&s.text)),
                };
            }
        };
        for block in self.blocks(text) {
            if block.kind == "list" {
                out.push_str(r#"<ul style="margin:0 0 14px 0;padding-left:20px">"#);
                for item in &block.items {
                    out.push_str(r#"<li style="margin:0 0 6px 0">"#);
                    write_line(&mut out, item);
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            } else {
                out.push_str(r#"<p style="margin:0 0 14px 0">"#);
                for (i, line) in block.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br />");
                    }
                    write_line(&mut out, line);
                }
                out.push_str("</p>");
            }
        }
        out
    }

    fn segments(&self, line: &str) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut rest = line;
        if let Some((head, tail)) = line.split_once(':').filter(|(h, _)| h.starts_with("Option ") && h.len() <= 9) {
            out.push(Segment { text: format!("{head}:"), href: None, bold: true });
            rest = tail;
        }
        let mut last = 0;
        for m in self.url.find_iter(rest) {
            // Sentence punctuation right after a link is not part of it.
            let url = m.as_str().trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
            let end = m.start() + url.len();
            if m.start() > last {
                out.push(Segment { text: rest[last..m.start()].to_string(), href: None, bold: false });
            }
            out.push(Segment { text: url.to_string(), href: Some(url.to_string()), bold: false });
            last = end;
        }
        if last < rest.len() {
            out.push(Segment { text: rest[last..].to_string(), href: None, bold: false });
        }
        out
    }

    /// Paragraphs split on blank lines; within one, runs of lines starting with "- " are lists.
    fn blocks(&self, text: &str) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            for line in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let (kind, content) = match line.strip_prefix("- ") {
                    Some(item) => ("list", item),
                    None => ("paragraph", line),
                };
                let segments = self.segments(content);
                match blocks.last_mut() {
                    Some(last) if last.kind == kind && !last.items.is_empty() && !last.ends_paragraph => {
                        last.items.push(segments)
                    }
                    _ => blocks.push(Block { kind, items: vec![segments], ends_paragraph: false }),
                }
            }
            if let Some(last) = blocks.last_mut() {
                last.ends_paragraph = true;
            }
        }
        blocks
    }
}

/// One line, single spaces, no control characters.
fn single_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}
