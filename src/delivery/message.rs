//! MIME through lettre: multipart/alternative (text, then HTML), our own Message-ID and Date, RFC 2047
//! encoded names and subject, addresses as structured mailboxes. Header values holding CR, LF or NUL
//! are refused, whatever their source.

use lettre::message::{header::ContentType, Mailbox as LettreMailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{Outgoing, SendError};
use crate::domain::{header_safe, Mailbox};

fn mailbox(m: &Mailbox) -> Result<LettreMailbox, SendError> {
    if !header_safe(&m.name) || !header_safe(&m.email) {
        return Err(SendError::Permanent(format!(
            "the address of `{}` holds a line break or NUL",
            m.name.escape_debug()
        )));
    }
    let address = m
        .email
        .parse()
        .map_err(|e| SendError::Permanent(format!("`{}` is not a valid email address: {e}", m.email.escape_debug())))?;
    let name = m.name.trim();
    Ok(LettreMailbox::new((!name.is_empty()).then(|| name.to_string()), address))
}

/// The message, or a permanent error naming the bad value.
pub fn build(o: &Outgoing) -> Result<Message, SendError> {
    if !header_safe(&o.subject) || !header_safe(&o.message_id) || !o.in_reply_to.as_deref().is_none_or(header_safe) {
        return Err(SendError::Permanent("the subject, Message-ID or In-Reply-To holds a line break or NUL".into()));
    }
    if o.to.is_empty() {
        return Err(SendError::Permanent("the message has no recipient".into()));
    }
    // One space between words: lettre encodes a run of spaces between non-ASCII words as encoded words
    // side by side, and RFC 2047 readers drop the space between those ("café  ☕" arrives "café☕").
    let subject = o.subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut builder = Message::builder()
        .from(mailbox(&o.from)?)
        .subject(subject)
        .message_id(Some(format!("<{}>", o.message_id)))
        .date(o.date.into());
    if let Some(parent) = &o.in_reply_to {
        // A follow-up joins the introduction's thread in every mail client.
        builder = builder.in_reply_to(format!("<{parent}>")).references(format!("<{parent}>"));
    }
    for m in &o.to {
        builder = builder.to(mailbox(m)?);
    }
    for m in &o.cc {
        builder = builder.cc(mailbox(m)?);
    }
    let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(o.text.clone());
    let message = match &o.html {
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
        ),
        None => builder.singlepart(text),
    };
    message.map_err(|e| SendError::Permanent(format!("the message could not be built: {e}")))
}

/// The message as RFC 5322 bytes (CRLF line ends).
pub fn formatted(o: &Outgoing) -> Result<Vec<u8>, SendError> {
    Ok(build(o)?.formatted())
}
