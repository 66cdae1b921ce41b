//! Polling an IMAP mailbox for replies (`OVERTURE_IMAP=imaps://user:pass@host[:port]/INBOX`, or
//! `imap://` on a trusted network). Each poll fetches the messages with a UID above the last one read;
//! the position (UIDVALIDITY and UID) is kept in the database, and a mailbox whose UIDVALIDITY changed
//! is read again from the start (messages seen before are recognised by their Message-ID).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures_util::TryStreamExt;
use time::OffsetDateTime;
use tokio::net::TcpStream;

use super::{Ingested, Responses};

/// Messages fetched in one poll at most (the rest come next time).
const MAX_PER_POLL: usize = 500;

pub struct ImapPoller {
    tls: bool,
    host: String,
    port: u16,
    user: String,
    password: String,
    mailbox: String,
}

impl std::fmt::Debug for ImapPoller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        write!(
            f,
            "{}://{}@{}:{}/{}",
            if self.tls { "imaps" } else { "imap" },
            self.user,
            self.host,
            self.port,
            self.mailbox
        )
    }
}

impl ImapPoller {
    pub fn parse(setting: &str) -> Result<ImapPoller, String> {
        let url = url::Url::parse(setting).map_err(|e| format!("not a URL ({e}); use imaps://user:pass@host/INBOX"))?;
        let tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => return Err(format!("scheme `{other}`: use imaps:// (TLS) or imap://")),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("no host")?.to_string();
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let user = decode(url.username());
        if user.is_empty() {
            return Err("no user name: imaps://user:pass@host/INBOX".into());
        }
        let password = decode(url.password().unwrap_or_default());
        let mailbox = decode(url.path().trim_start_matches('/'));
        Ok(ImapPoller {
            tls,
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            host,
            user,
            password,
            mailbox: if mailbox.is_empty() { "INBOX".into() } else { mailbox },
        })
    }

    fn source(&self) -> String {
        format!("imap:{}@{}:{}/{}", self.user, self.host, self.port, self.mailbox)
    }

    /// Fetches and takes in the new messages; returns how many were stored.
    pub async fn poll(&self, responses: &Responses) -> anyhow::Result<usize> {
        let tcp = tokio::time::timeout(Duration::from_secs(15), TcpStream::connect((self.host.as_str(), self.port)))
            .await
            .context("connecting to the IMAP server timed out")?
            .with_context(|| format!("connecting to {}:{}", self.host, self.port))?;
        if self.tls {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
                tokio_rustls::rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(self.host.clone())?;
            let stream = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await?;
            self.poll_on(async_imap::Client::new(stream), responses).await
        } else {
            self.poll_on(async_imap::Client::new(tcp), responses).await
        }
    }

    async fn poll_on<T>(&self, mut client: async_imap::Client<T>, responses: &Responses) -> anyhow::Result<usize>
    where
        T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
    {
        client.read_response().await?.context("the IMAP server closed the connection before greeting")?;
        let mut session = client.login(&self.user, &self.password).await.map_err(|(e, _)| {
            anyhow::anyhow!("logging in to {}:{} as {} failed: {e}", self.host, self.port, self.user)
        })?;
        let mailbox = session.select(&self.mailbox).await.with_context(|| format!("selecting {}", self.mailbox))?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        let store = responses.store();
        let source = self.source();
        let last = match store.cursor(&source).await? {
            Some(c) => match c.split_once(':') {
                Some((v, uid)) if v.parse::<u32>().ok() == Some(validity) => uid.parse::<u32>().unwrap_or(0),
                _ => 0,
            },
            None => 0,
        };
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", last.saturating_add(1)))
            .await?
            .into_iter()
            .filter(|u| *u > last)
            .collect();
        uids.sort_unstable();
        uids.truncate(MAX_PER_POLL);
        let mut stored = 0;
        let mut newest = last;
        for uid in uids {
            let fetches: Vec<async_imap::types::Fetch> =
                session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?.try_collect().await?;
            for fetch in &fetches {
                let Some(raw) = fetch.body() else { continue };
                match responses.ingest(raw, "imap", None).await? {
                    Ok(Ingested::Stored { .. }) => stored += 1,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, uid, "skipping an unreadable IMAP message"),
                }
            }
            newest = newest.max(uid);
            // Saved after every message: a failure part-way does not read the earlier ones again.
            store.set_cursor(&source, &format!("{validity}:{newest}"), OffsetDateTime::now_utc()).await?;
        }
        if newest == last {
            store.set_cursor(&source, &format!("{validity}:{newest}"), OffsetDateTime::now_utc()).await?;
        }
        session.logout().await.ok();
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_parsed_and_the_password_never_shown() {
        let p =
            ImapPoller::parse("imaps://replies%40vendor.example:s3cr%2Ft@mail.vendor.example/Replies").expect("valid");
        assert_eq!(
            (p.tls, p.port, p.user.as_str(), p.password.as_str()),
            (true, 993, "replies@vendor.example", "s3cr/t")
        );
        assert_eq!(p.mailbox, "Replies");
        assert!(!format!("{p:?}").contains("s3cr"));
        let plain = ImapPoller::parse("imap://u:p@127.0.0.1:1143").expect("valid");
        assert_eq!((plain.tls, plain.port, plain.mailbox.as_str()), (false, 1143, "INBOX"));
        assert!(ImapPoller::parse("pop3://u:p@h/INBOX").is_err());
        assert!(ImapPoller::parse("imaps://host/INBOX").is_err());
    }
}
