//! The reply corpus (`tests/corpus/replies/*.txt`, format in `tests/corpus/README.md`): replies written
//! by people who never saw the rules, each with its label, language, mail client, the email it answers
//! and its split. The `train` cases teach the built-in model ([`super::model`]); the `eval` cases are
//! frozen for measuring and nobody tunes rules against them.

use std::sync::LazyLock;

use time::Date;

use super::classify::Label;
use super::quotes::SentMessage;

/// One reply of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub label: Label,
    /// `+optimize`, `+upgrade`, `+unsubscribe`, `+meeting`, `+hard`, `+soft`.
    pub flags: Vec<String>,
    pub lang: String,
    pub client: String,
    /// The name of the email it answers (`tests/corpus/sent/NAME.txt`), if it quotes one.
    pub sent: Option<String>,
    pub eval: bool,
    /// The file it comes from, without `.txt` (`en`, `train5-a`, `eval2`…).
    pub batch: String,
    /// Customer's words that must survive quote removal.
    pub visible: Vec<String>,
    /// Quoted or attribution words that must be gone.
    pub gone: Vec<String>,
    pub ooo_until: Option<Date>,
    pub raw: String,
}

impl Case {
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

const FILES: [(&str, &str); 16] = [
    ("en", include_str!("../../tests/corpus/replies/en.txt")),
    ("train2-en-de", include_str!("../../tests/corpus/replies/train2-en-de.txt")),
    ("train2-fr-it-nl", include_str!("../../tests/corpus/replies/train2-fr-it-nl.txt")),
    ("train2-es-pt", include_str!("../../tests/corpus/replies/train2-es-pt.txt")),
    ("train3-a", include_str!("../../tests/corpus/replies/train3-a.txt")),
    ("train3-b", include_str!("../../tests/corpus/replies/train3-b.txt")),
    ("train4-a", include_str!("../../tests/corpus/replies/train4-a.txt")),
    ("train4-b", include_str!("../../tests/corpus/replies/train4-b.txt")),
    ("de-nl", include_str!("../../tests/corpus/replies/de-nl.txt")),
    ("fr-it", include_str!("../../tests/corpus/replies/fr-it.txt")),
    ("es-pt", include_str!("../../tests/corpus/replies/es-pt.txt")),
    ("replies", include_str!("../../tests/corpus/replies.txt")),
    ("train5-a", include_str!("../../tests/corpus/replies/train5-a.txt")),
    ("train5-b", include_str!("../../tests/corpus/replies/train5-b.txt")),
    ("train6", include_str!("../../tests/corpus/replies/train6.txt")),
    ("eval2", include_str!("../../tests/corpus/replies/eval2.txt")),
];

const SENT: [(&str, &str); 6] = [
    ("acme-problem_solving-soft", include_str!("../../tests/corpus/sent/acme-problem_solving-soft.txt")),
    ("cyberdyne-educational-soft", include_str!("../../tests/corpus/sent/cyberdyne-educational-soft.txt")),
    ("globex-problem_solving-soft", include_str!("../../tests/corpus/sent/globex-problem_solving-soft.txt")),
    ("massive-value_add-soft", include_str!("../../tests/corpus/sent/massive-value_add-soft.txt")),
    ("oscorp-proactive-soft", include_str!("../../tests/corpus/sent/oscorp-proactive-soft.txt")),
    ("umbrella-problem_solving-direct", include_str!("../../tests/corpus/sent/umbrella-problem_solving-direct.txt")),
];

/// Every case of the built-in corpus.
pub fn builtin() -> &'static [Case] {
    static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
        FILES
            .iter()
            .flat_map(|(batch, text)| parse(text).into_iter().map(move |c| Case { batch: (*batch).to_string(), ..c }))
            .collect()
    });
    &CASES
}

/// The email a case answers, as we sent it.
pub fn sent(name: &str) -> Option<SentMessage> {
    let (_, text) = SENT.iter().find(|(n, _)| *n == name)?;
    let (subject, body) = text.split_once('\n').unwrap_or((text, ""));
    Some(SentMessage {
        subject: subject.trim_start_matches("Subject:").trim().to_string(),
        text: body.trim_start_matches('\n').to_string(),
        html: None,
        from_name: "Sarah Chen".into(),
        from_email: "sarah@vendor.example".into(),
    })
}

/// Parses corpus text. A case starts with `=== name | label [+flags] | lang=xx | client=x | sent=x | set=x`
/// (the first corpus wrote only `=== name | label [+optimize]`: English, training), then `@visible`,
/// `@gone` and `@ooo_until` lines, then the raw message.
pub fn parse(text: &str) -> Vec<Case> {
    let text = format!("\n{}", text.replace("\r\n", "\n"));
    let mut cases = Vec::new();
    for chunk in text.split("\n=== ").skip(1) {
        let Some((head, rest)) = chunk.split_once('\n') else { continue };
        let parts: Vec<&str> = head.split('|').map(str::trim).collect();
        let mut words = parts.get(1).map(|p| p.split_whitespace()).into_iter().flatten();
        let Some(label) = words.next().and_then(|l| l.parse::<Label>().ok()) else { continue };
        let flags = words.map(str::to_string).collect();
        let field = |key: &str| {
            parts.iter().find_map(|p| p.strip_prefix(key).and_then(|v| v.strip_prefix('='))).map(str::to_string)
        };
        let mut lines = rest.lines().peekable();
        let (mut visible, mut gone, mut ooo_until) = (Vec::new(), Vec::new(), None);
        while let Some(line) = lines.peek().filter(|l| l.starts_with('@')) {
            if let Some(v) = line.strip_prefix("@visible ") {
                visible.push(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("@gone ") {
                gone.push(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("@ooo_until ") {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                ooo_until = Date::parse(v.trim(), &format).ok();
            }
            lines.next();
        }
        let raw = lines.collect::<Vec<_>>().join("\n").trim_matches('\n').to_string() + "\n";
        cases.push(Case {
            name: parts[0].to_string(),
            label,
            flags,
            lang: field("lang").unwrap_or_else(|| "en".into()),
            client: field("client").unwrap_or_else(|| "legacy".into()),
            sent: field("sent").filter(|s| s != "none"),
            eval: field("set").is_some_and(|s| s == "eval"),
            batch: String::new(),
            visible,
            gone,
            ooo_until,
            raw,
        });
    }
    cases
}
