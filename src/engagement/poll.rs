//! The background side of engagement: every interval it prepares due follow-ups and fetches replies
//! from the connected Gmail mailboxes (history since the last poll, in the threads we sent; a full
//! resync of those threads when Google no longer has that history) and from the IMAP mailbox.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::imap::ImapPoller;
use super::{Ingested, Responses};
use crate::delivery::{GmailConfig, GmailTransport};
use crate::store::GmailConnection;

pub struct Pollers {
    responses: Arc<Responses>,
    gmail: Option<GmailTransport>,
    imap: Option<ImapPoller>,
}

/// What one round found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub follow_ups: usize,
    pub gmail_messages: usize,
    pub imap_messages: usize,
}

impl Pollers {
    /// `imap` is `OVERTURE_IMAP`; an invalid setting is an error naming what is wrong.
    pub fn new(responses: Arc<Responses>, gmail: Option<GmailConfig>, imap: Option<&str>) -> Result<Pollers, String> {
        let gmail = gmail.map(|config| GmailTransport::new(responses.store().clone(), config));
        let imap = match imap.map(str::trim).filter(|s| !s.is_empty()) {
            Some(setting) => Some(ImapPoller::parse(setting).map_err(|e| format!("OVERTURE_IMAP: {e}"))?),
            None => None,
        };
        Ok(Pollers { responses, gmail, imap })
    }

    /// Rounds every `interval` until `shutdown` turns true.
    pub async fn run(self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let round = self.round().await;
            tracing::debug!(?round, "engagement round");
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// One round: follow-ups, Gmail, IMAP. A failing part is logged and the others still run.
    pub async fn round(&self) -> Round {
        let mut round = Round::default();
        match self.responses.follow_ups().await {
            Ok(made) => round.follow_ups = made.len(),
            Err(e) => tracing::error!(error = ?e, "preparing follow-ups failed"),
        }
        if let Some(gmail) = &self.gmail {
            match self.responses.store().gmail_mailboxes().await {
                Ok(mailboxes) => {
                    for (ws, conn) in mailboxes {
                        match self.poll_gmail(gmail, ws, &conn).await {
                            Ok(n) => round.gmail_messages += n,
                            Err(e) => tracing::warn!(error = %e, mailbox = %conn.email, "polling Gmail failed"),
                        }
                    }
                }
                Err(e) => tracing::error!(error = ?e, "listing Gmail mailboxes failed"),
            }
        }
        if let Some(imap) = &self.imap {
            match imap.poll(&self.responses).await {
                Ok(n) => round.imap_messages = n,
                Err(e) => tracing::warn!(error = format!("{e:#}"), "polling IMAP failed"),
            }
        }
        round
    }

    /// Replies that arrived in one mailbox since the last poll; returns the messages taken in.
    pub async fn poll_gmail(
        &self,
        gmail: &GmailTransport,
        ws_id: i64,
        conn: &GmailConnection,
    ) -> anyhow::Result<usize> {
        let store = self.responses.store();
        let ws = store.workspace_by_id(ws_id).await?.ok_or_else(|| anyhow::anyhow!("workspace {ws_id} is gone"))?;
        let source = format!("gmail:{}", conn.member_id);
        let threads: HashSet<String> = store.sent_threads(ws_id, &conn.email).await?.into_iter().collect();
        let (mut taken, latest) = match store.cursor(&source).await? {
            Some(start) => self.gmail_history(gmail, &ws, conn, &start, &threads).await?,
            None => (0, None),
        };
        // No cursor yet, or Google no longer has that history (it keeps about a week): read our threads.
        let latest = match latest {
            Some(latest) => latest,
            None => {
                let (n, latest) = self.resync_gmail(gmail, &ws, conn, &threads).await?;
                taken += n;
                latest
            }
        };
        store.set_cursor(&source, &latest, OffsetDateTime::now_utc()).await?;
        Ok(taken)
    }

    /// The messages added to our threads since history id `start`, page by page; returns the messages
    /// taken in and the mailbox's current history id, or no id when Google answers 404 (history gone).
    async fn gmail_history(
        &self,
        gmail: &GmailTransport,
        ws: &crate::store::Workspace,
        conn: &GmailConnection,
        start: &str,
        threads: &HashSet<String>,
    ) -> anyhow::Result<(usize, Option<String>)> {
        let mut taken = 0;
        let mut latest = start.to_string();
        let mut page: Option<String> = None;
        loop {
            let mut path = format!("history?startHistoryId={start}&historyTypes=messageAdded");
            if let Some(p) = &page {
                path.push_str(&format!("&pageToken={p}"));
            }
            let Some(body) = gmail.get_json(ws, conn, &path).await? else {
                return Ok((taken, None));
            };
            if let Some(h) = body["historyId"].as_str() {
                latest = h.to_string();
            }
            let added = body["history"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|h| h["messagesAdded"].as_array().into_iter().flatten().map(|m| m["message"].clone()));
            for message in added.collect::<Vec<_>>() {
                let (Some(id), Some(thread)) = (message["id"].as_str(), message["threadId"].as_str()) else {
                    continue;
                };
                if threads.contains(thread) {
                    taken += self.take_gmail_message(gmail, ws, conn, id, thread).await?;
                }
            }
            match body["nextPageToken"].as_str() {
                Some(next) => page = Some(next.to_string()),
                None => return Ok((taken, Some(latest))),
            }
        }
    }

    /// Reads every message of our threads (replies seen before are skipped by their Message-ID);
    /// returns the messages taken in and the mailbox's current history id.
    async fn resync_gmail(
        &self,
        gmail: &GmailTransport,
        ws: &crate::store::Workspace,
        conn: &GmailConnection,
        threads: &HashSet<String>,
    ) -> anyhow::Result<(usize, String)> {
        let profile = gmail.get_json(ws, conn, "profile").await?.unwrap_or_default();
        let latest = profile["historyId"]
            .as_str()
            .map(str::to_string)
            .or_else(|| profile["historyId"].as_u64().map(|h| h.to_string()))
            .ok_or_else(|| anyhow::anyhow!("the Gmail profile has no historyId"))?;
        let mut taken = 0;
        for thread in threads {
            let Some(body) = gmail.get_json(ws, conn, &format!("threads/{thread}?format=minimal")).await? else {
                continue;
            };
            for message in body["messages"].as_array().into_iter().flatten() {
                if let Some(id) = message["id"].as_str() {
                    taken += self.take_gmail_message(gmail, ws, conn, id, thread).await?;
                }
            }
        }
        Ok((taken, latest))
    }

    async fn take_gmail_message(
        &self,
        gmail: &GmailTransport,
        ws: &crate::store::Workspace,
        conn: &GmailConnection,
        id: &str,
        thread: &str,
    ) -> anyhow::Result<usize> {
        let Some(body) = gmail.get_json(ws, conn, &format!("messages/{id}?format=raw")).await? else {
            return Ok(0);
        };
        let raw = body["raw"].as_str().unwrap_or_default();
        let bytes = URL_SAFE.decode(raw).or_else(|_| URL_SAFE_NO_PAD.decode(raw))?;
        match self.responses.ingest(&bytes, "gmail", Some(thread)).await? {
            Ok(Ingested::Stored { .. }) => Ok(1),
            Ok(_) => Ok(0),
            Err(e) => {
                tracing::warn!(error = %e, message = id, "skipping an unreadable Gmail message");
                Ok(0)
            }
        }
    }

    pub fn gmail(&self) -> Option<&GmailTransport> {
        self.gmail.as_ref()
    }
}
