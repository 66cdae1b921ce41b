//! A real IMAP server for the tests: Debian's Dovecot, started per test on a free port with its own
//! configuration, password file and maildirs in a temporary directory. Installed with apt-get on first
//! use when missing (`.ci/run` installs it up front).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::mail::free_port;

pub const USER: &str = "replies@vendor.example";
pub const PASSWORD: &str = "imap-test-pass";

pub struct ImapServer {
    child: Child,
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dovecot() -> &'static str {
    static READY: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    READY.get_or_init(|| {
        if !Path::new("/usr/sbin/dovecot").exists() {
            let installed = Command::new("apt-get")
                .args(["install", "-y", "-q", "dovecot-imapd"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(installed, "the IMAP tests need Dovecot: apt-get install dovecot-imapd");
        }
    });
    "/usr/sbin/dovecot"
}

/// The uid and gid mail is stored under (Debian's `mail` user): Dovecot refuses root.
const MAIL_ID: u32 = 8;

impl ImapServer {
    pub fn start() -> ImapServer {
        let binary = dovecot();
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(root.join(sub)).expect("dirs");
        }
        let chown = Command::new("chown")
            .args([format!("{MAIL_ID}:{MAIL_ID}"), root.join("mail").display().to_string()])
            .status();
        assert!(chown.is_ok_and(|s| s.success()), "chown of the maildir root");
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("passwd");
        let port = free_port();
        let d = root.display();
        let config = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\nprotocols = imap\n\
             listen = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             mail_location = maildir:{d}/mail/%u\nfirst_valid_uid = {MAIL_ID}\nfirst_valid_gid = {MAIL_ID}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={MAIL_ID} gid={MAIL_ID} home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n\
               inet_listener imaps {{\n    port = 0\n  }}\n}}\n"
        );
        std::fs::write(root.join("dovecot.conf"), config).expect("config");
        let child = Command::new(binary)
            .args(["-F", "-c"])
            .arg(root.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot starts");
        let server = ImapServer { child, _dir: dir, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "Dovecot did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `OVERTURE_IMAP` for this server.
    pub fn url(&self) -> String {
        format!("imap://{}:{PASSWORD}@127.0.0.1:{}/INBOX", USER.replace('@', "%40"), self.port)
    }

    /// Delivers a message into the INBOX over IMAP (APPEND), as a mail server would.
    pub async fn deliver(&self, raw: &[u8]) {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.expect("connect");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting").expect("greeting");
        let mut session = client.login(USER, PASSWORD).await.map_err(|(e, _)| e).expect("login");
        session.append("INBOX", None, None, raw).await.expect("append");
        session.logout().await.expect("logout");
    }
}
