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
