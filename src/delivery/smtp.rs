//! `smtp://…`: lettre's pooled async SMTP transport.

use std::time::Duration;

use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as LettreTls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{message, MailSetting, Outgoing, SendError, Tls, Transport};
use crate::store::Delivery;

/// Well under the outbox lease, so that a hung server never outlives it.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTransport {
    /// `connections`: how many connections to keep open to the relay (the worker's concurrency).
    pub fn new(setting: &MailSetting, connections: usize) -> anyhow::Result<SmtpTransport> {
        let MailSetting::Smtp { host, port, tls, user, password } = setting else {
            anyhow::bail!("not an SMTP setting: {setting}");
        };
        let parameters = || TlsParameters::new(host.clone());
        let tls = match tls {
            Tls::None => LettreTls::None,
            Tls::StartTls => LettreTls::Required(parameters()?),
            Tls::Tls => LettreTls::Wrapper(parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(*port)
            .tls(tls)
            .timeout(Some(TIMEOUT))
            .pool_config(PoolConfig::new().max_size(u32::try_from(connections.clamp(1, 256)).unwrap_or(16)));
        if let (Some(user), Some(password)) = (user, password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpTransport { inner: builder.build() })
    }
}

#[async_trait]
impl Transport for SmtpTransport {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, o: &Outgoing) -> Result<Delivery, SendError> {
        let message = message::build(o)?;
        match self.inner.send(message).await {
            Ok(_) => Ok(Delivery::default()),
            Err(e) if e.is_permanent() => {
                Err(SendError::Permanent(format!("the mail server refused the message: {e}")))
            }
            // 4xx replies, refused connections, timeouts and TLS trouble may all pass.
            Err(e) => Err(SendError::temporary(format!("SMTP: {e}"))),
        }
    }
}
