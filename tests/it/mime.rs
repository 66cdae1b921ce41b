//! Header injection: whatever Unicode a name, subject or address holds, the message that comes out has
//! exactly the intended headers and recipients, or is refused. Non-ASCII names and subjects round-trip.

use mail_parser::{Address, MessageParser};
use proptest::prelude::*;
use time::macros::datetime;

use overture::delivery::{format_message, Outgoing};
use overture::domain::{header_safe, Mailbox};

fn outgoing(name: &str, subject: &str, email: &str) -> Outgoing {
    Outgoing {
        workspace_id: 1,
        from: Mailbox { name: "Sarah Chen".into(), email: "sarah@vendor.example".into() },
        to: vec![Mailbox { name: name.into(), email: email.into() }],
        cc: vec![Mailbox { name: "Mike Alvarez".into(), email: "mike@vendor.example".into() }],
        subject: subject.into(),
        text: "Hello".into(),
        html: Some("<p>Hello</p>".into()),
        message_id: "drf_1.abc@vendor.example".into(),
        in_reply_to: None,
        date: datetime!(2026-11-25 09:00 UTC),
    }
}

fn addresses(a: Option<&Address<'_>>) -> Vec<(Option<String>, Option<String>)> {
    a.map(|a| a.iter().map(|x| (x.name().map(str::to_string), x.address().map(str::to_string))).collect())
        .unwrap_or_default()
}

const EXPECTED_HEADERS: [&str; 8] =
    ["From", "To", "Cc", "Subject", "Message-ID", "Date", "MIME-Version", "Content-Type"];

fn check(name: &str, subject: &str, email: &str) -> Result<(), TestCaseError> {
    let Ok(raw) = format_message(&outgoing(name, subject, email)) else {
        // Refusing is right only for a line break or NUL, or an address that is not one.
        let plain_address = email.split_once('@').is_some_and(|(local, domain)| {
            let label = domain.strip_suffix(".example").unwrap_or_default();
            !local.is_empty() && !label.is_empty() && (local.to_owned() + label).chars().all(|c| c.is_ascii_lowercase())
        });
        prop_assert!(
            !(header_safe(name) && header_safe(subject) && plain_address),
            "a message with nothing wrong was refused"
        );
        return Ok(());
    };
    prop_assert!(!raw.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'), "bare LF in the message");
    let parsed = MessageParser::default().parse(&raw).expect("parsable");
    let mut names: Vec<String> = parsed.root_part().headers().iter().map(|h| h.name().to_string()).collect();
    names.sort();
    let mut expected: Vec<String> = EXPECTED_HEADERS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    prop_assert_eq!(names, expected, "exactly the intended headers");
    let to = addresses(parsed.to());
    prop_assert_eq!(to.len(), 1);
    prop_assert_eq!(to[0].1.as_deref(), Some(email));
    let trimmed = name.trim();
    if !trimmed.is_empty() {
        prop_assert_eq!(to[0].0.as_deref(), Some(trimmed), "the name round-trips");
    }
    prop_assert_eq!(addresses(parsed.cc()), vec![(Some("Mike Alvarez".into()), Some("mike@vendor.example".into()))]);
    // Runs of whitespace go out as one space (see `message::build`).
    let words = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    prop_assert_eq!(parsed.subject().unwrap_or_default(), words);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_value_can_add_a_header_or_a_recipient(
        name in "\\PC{0,30}|[a-zA-Z \r\n:,;<>\"@\\\\]{0,30}|(J\u{e9}r\u{f4}me|\u{674e}\u{96f7}|Zo\u{eb}) ?[\r\n]?(Bcc: evil@x\\.y)?",
        subject in "\\PC{1,60}|[a-zA-Z \r\n:=?]{1,40}|Re: caf\u{e9} [\r\n]?(Bcc: evil@x\\.y)?",
        email in "[a-z]{1,8}@[a-z]{1,8}\\.example|[a-z\r\n@ ,<>]{1,20}",
    ) {
        check(&name, &subject, &email)?;
    }
}

#[test]
fn line_breaks_and_nul_are_refused_everywhere() {
    for (name, subject, email) in [
        ("Eve\r\nBcc: evil@x.y", "Hello", "eve@x.example"),
        ("Eve", "Hello\nBcc: evil@x.y", "eve@x.example"),
        ("Eve", "Hello", "eve@x.example\r\nBcc: evil@x.y"),
        ("Eve\0", "Hello", "eve@x.example"),
    ] {
        assert!(format_message(&outgoing(name, subject, email)).is_err(), "{name:?} {subject:?} {email:?}");
    }
}

#[test]
fn spaces_between_non_ascii_words_survive_encoding() {
    // Two spaces made lettre write two encoded words side by side, whose separating space RFC 2047
    // readers drop: "café  ☕" arrived as "café☕".
    let raw = format_message(&outgoing("Jérôme", "café  ☕", "jerome@acme.example")).unwrap();
    assert_eq!(MessageParser::default().parse(&raw).unwrap().subject(), Some("café ☕"));
}

#[test]
fn non_ascii_names_and_subjects_are_encoded_and_round_trip() {
    let raw =
        format_message(&outgoing("Jérôme Müller-李", "Über 98 Lizenzen — café ☕", "jerome@acme.example")).unwrap();
    let head = String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()]).into_owned();
    assert!(head.is_ascii(), "headers are 7-bit (RFC 2047): {head}");
    assert!(head.contains("=?utf-8?"), "{head}");
    let parsed = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.subject(), Some("Über 98 Lizenzen — café ☕"));
    assert_eq!(addresses(parsed.to())[0].0.as_deref(), Some("Jérôme Müller-李"));
}
