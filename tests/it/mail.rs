//! A real SMTP server for the tests: Python's aiosmtpd (installed by `.ci/run`) storing every message it
//! receives in a Maildir, with the envelope in `X-MailFrom` / `X-RcptTo` headers.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    child: Child,
    dir: tempfile::TempDir,
    pub port: u16,
}

/// A message as the server stored it.
#[derive(Debug, Clone)]
pub struct Received {
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a parsable message")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_string())
    }

    /// The envelope recipients, as the server saw them.
    pub fn rcpt_to(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .header("X-RcptTo")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        all.sort();
        all
    }

    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or_default().to_string()
    }

    pub fn text(&self) -> String {
        self.parsed().body_text(0).map(|t| t.into_owned()).unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed().body_html(0).map(|t| t.into_owned()).unwrap_or_default()
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Installs aiosmtpd from PyPI on first use when it is missing, so that `cargo test` is enough.
fn ensure_aiosmtpd() {
    static READY: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    READY.get_or_init(|| {
        let present = Command::new("python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
        if !present {
            let installed = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "aiosmtpd==1.4.6"])
                .status()
                .is_ok_and(|s| s.success());
            assert!(installed, "the SMTP tests need Python's aiosmtpd: python3 -m pip install aiosmtpd");
        }
    });
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        ensure_aiosmtpd();
        let dir = tempfile::tempdir().expect("maildir");
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .args(["-l", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd; .ci/run does)");
        let server = SmtpServer { child, dir, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn new_dir(&self) -> PathBuf {
        self.dir.path().join("mail").join("new")
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        read_dir_sorted(&self.new_dir()).into_iter().map(|raw| Received { raw }).collect()
    }
}

pub fn read_dir_sorted(dir: &Path) -> Vec<Vec<u8>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().collect();
    entries.sort_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    entries.into_iter().filter_map(|e| std::fs::read(e.path()).ok()).collect()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
