//! Delivery of approved drafts: the outbox worker on the jobs table and the transports it hands
//! messages to (`file`, `smtp`, `gmail`), chosen by `OVERTURE_MAIL`.

mod file;
pub mod gmail;
mod message;
mod setting;
mod smtp;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rand::RngCore;
use time::OffsetDateTime;

use crate::domain::{DraftId, Mailbox};
use crate::store::{Delivery, Store};

pub use file::FileTransport;
pub use gmail::{GmailConfig, GmailTransport};
pub use message::{build as build_message, formatted as format_message};
pub use setting::{MailSetting, Tls};
pub use smtp::SmtpTransport;
pub use worker::{Webhook, Worker, WorkerSettings, AE_HANDOFF, AE_NOTICE, WEBHOOK};

/// One message as handed to a transport.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The workspace it is sent for (the Gmail transport finds the sender's mailbox there).
    pub workspace_id: i64,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    /// `None` sends a text-only message.
    pub html: Option<String>,
    /// Without angle brackets.
    pub message_id: String,
    /// The Message-ID (without brackets) this message answers: sets In-Reply-To and References.
    pub in_reply_to: Option<String>,
    pub date: OffsetDateTime,
}

/// Why a transport did not deliver.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (connection refused, SMTP 4xx, Gmail 429/5xx), after `retry_after` if given.
    #[error("{reason}")]
    Temporary { reason: String, retry_after: Option<Duration> },
    /// Trying again would not help (an address refused, a mailbox disconnected).
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    pub fn temporary(reason: impl Into<String>) -> SendError {
        SendError::Temporary { reason: reason.into(), retry_after: None }
    }
}

#[async_trait]
pub trait Transport: Send + Sync {
    /// `file`, `smtp` or `gmail`.
    fn name(&self) -> &'static str;
    async fn send(&self, message: &Outgoing) -> Result<Delivery, SendError>;
}

/// A new Message-ID (without brackets) for a draft, in the sender's domain.
pub fn new_message_id(draft: DraftId, from: &Mailbox) -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    let domain = from.email.rsplit_once('@').map_or("overture.invalid", |(_, d)| d);
    format!("{draft}.{}@{domain}", hex::encode(bytes))
}

/// The transport an `OVERTURE_MAIL` setting names.
pub fn transport(
    setting: &MailSetting,
    store: &Arc<dyn Store>,
    gmail: Option<GmailConfig>,
    connections: usize,
) -> anyhow::Result<Arc<dyn Transport>> {
    Ok(match setting {
        MailSetting::File(dir) => Arc::new(FileTransport::new(dir)?),
        MailSetting::Smtp { .. } => Arc::new(SmtpTransport::new(setting, connections)?),
        MailSetting::Gmail => {
            let config = gmail.ok_or_else(|| {
                anyhow::anyhow!(
                    "OVERTURE_MAIL=gmail needs OVERTURE_GMAIL_CLIENT_ID, OVERTURE_GMAIL_CLIENT_SECRET and \
                     OVERTURE_SECRET_KEY"
                )
            })?;
            Arc::new(GmailTransport::new(store.clone(), config))
        }
    })
}
