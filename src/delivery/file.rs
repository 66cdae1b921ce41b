//! `file:DIR`: each message becomes `DIR/<Message-ID>.eml`. The demo's default, so that Send works with
//! no credentials. Writing is idempotent: a retry of the same message finds its file and stops there.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use async_trait::async_trait;

use super::{message, Outgoing, SendError, Transport};
use crate::store::Delivery;

pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn new(dir: &Path) -> anyhow::Result<FileTransport> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating the outbox directory {}", dir.display()))?;
        Ok(FileTransport { dir: dir.to_path_buf() })
    }

    /// The file a message is written to.
    pub fn path_of(&self, message_id: &str) -> PathBuf {
        let safe: String = message_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') { c } else { '_' })
            .collect();
        self.dir.join(format!("{safe}.eml"))
    }
}

#[async_trait]
impl Transport for FileTransport {
    fn name(&self) -> &'static str {
        "file"
    }

    async fn send(&self, o: &Outgoing) -> Result<Delivery, SendError> {
        let bytes = message::formatted(o)?;
        let path = self.path_of(&o.message_id);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(Delivery::default());
        }
        // Written aside and renamed into place, so that a reader never sees half a message.
        let partial = path.with_extension("eml.partial");
        let io = |e: std::io::Error| SendError::temporary(format!("writing {}: {e}", path.display()));
        tokio::fs::write(&partial, &bytes).await.map_err(io)?;
        tokio::fs::rename(&partial, &path).await.map_err(io)?;
        Ok(Delivery::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Mailbox;

    fn message(text: &str) -> Outgoing {
        let mailbox = |email: &str| Mailbox { name: "X".into(), email: email.into() };
        Outgoing {
            workspace_id: 1,
            from: mailbox("sarah@vendor.example"),
            to: vec![mailbox("jennifer@acme.example")],
            cc: Vec::new(),
            subject: "Hello".into(),
            text: text.into(),
            html: None,
            message_id: "drf_1.ab/../c@vendor.example".into(),
            in_reply_to: None,
            date: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[tokio::test]
    async fn a_retried_message_is_written_once_and_names_cannot_leave_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let transport = FileTransport::new(dir.path()).unwrap();
        transport.send(&message("first attempt")).await.unwrap();
        transport.send(&message("retry")).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(files[0].file_name().unwrap(), "drf_1.ab_.._c@vendor.example.eml");
        let written = std::fs::read_to_string(&files[0]).unwrap();
        assert!(written.contains("first attempt") && !written.contains("retry"));
    }
}
