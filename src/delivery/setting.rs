//! `OVERTURE_MAIL`: `file:DIR`, `smtp://[user:pass@]host:port[?tls=none|starttls|tls]` or `gmail`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain text (a relay on this machine or a test server).
    None,
    /// Plain connection upgraded with STARTTLS, which is required.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Clone, PartialEq, Eq)]
pub enum MailSetting {
    File(PathBuf),
    Smtp { host: String, port: u16, tls: Tls, user: Option<String>, password: Option<String> },
    Gmail,
}

/// Never prints the SMTP password.
impl fmt::Debug for MailSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailSetting::File(dir) => write!(f, "file:{}", dir.display()),
            MailSetting::Smtp { host, port, tls, user, .. } => {
                write!(f, "smtp://{}{host}:{port} ({tls:?})", user.as_ref().map_or(String::new(), |u| format!("{u}@")))
            }
            MailSetting::Gmail => f.write_str("gmail"),
        }
    }
}

impl fmt::Display for MailSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl FromStr for MailSetting {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(dir) = s.strip_prefix("file:") {
            if dir.is_empty() {
                return Err("`file:` needs a directory, e.g. file:overture-data/outbox".into());
            }
            return Ok(MailSetting::File(PathBuf::from(dir)));
        }
        if s == "gmail" {
            return Ok(MailSetting::Gmail);
        }
        if s.starts_with("smtp://") {
            return parse_smtp(s);
        }
        Err(format!(
            "`{s}` is not a mail setting: use file:DIR, smtp://[user:pass@]host:port[?tls=none|starttls|tls] or gmail"
        ))
    }
}

fn parse_smtp(s: &str) -> Result<MailSetting, String> {
    let url = url::Url::parse(s).map_err(|e| format!("`smtp://…` is not a valid URL: {e}"))?;
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or("the SMTP URL needs a host")?.to_string();
    let port = url.port().unwrap_or(587);
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let mut tls = match port {
        465 => Tls::Tls,
        // A relay on this machine usually speaks plain SMTP; anything else must be encrypted.
        _ if loopback => Tls::None,
        _ => Tls::StartTls,
    };
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("tls", "none") => tls = Tls::None,
            ("tls", "starttls") => tls = Tls::StartTls,
            ("tls", "tls") => tls = Tls::Tls,
            ("tls", other) => return Err(format!("tls={other} is not one of none, starttls, tls")),
            (other, _) => return Err(format!("unknown SMTP option `{other}` (the only one is tls)")),
        }
    }
    let decode = |v: &str| {
        url::form_urlencoded::parse(format!("x={v}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
    };
    let user = Some(url.username()).filter(|u| !u.is_empty()).map(decode);
    let password = url.password().map(decode);
    if user.is_some() != password.is_some() {
        return Err("give both a user and a password (smtp://user:pass@host:port), or neither".into());
    }
    Ok(MailSetting::Smtp { host, port, tls, user, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_with_sensible_tls_defaults() {
        assert_eq!("file:out".parse(), Ok(MailSetting::File("out".into())));
        assert_eq!("gmail".parse(), Ok(MailSetting::Gmail));
        let smtp = |s: &str| match s.parse::<MailSetting>() {
            Ok(MailSetting::Smtp { host, port, tls, user, password }) => (host, port, tls, user, password),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(smtp("smtp://127.0.0.1:2525").2, Tls::None);
        assert_eq!(smtp("smtp://mail.example.com").1, 587);
        assert_eq!(smtp("smtp://mail.example.com").2, Tls::StartTls);
        assert_eq!(smtp("smtp://mail.example.com:465").2, Tls::Tls);
        assert_eq!(smtp("smtp://localhost:25?tls=starttls").2, Tls::StartTls);
        let (_, _, _, user, password) = smtp("smtp://me%40x.com:p%3Ass@mail.example.com:587");
        assert_eq!((user.as_deref(), password.as_deref()), (Some("me@x.com"), Some("p:ss")));
        for bad in ["file:", "smtp://", "smtp://h:25?tls=maybe", "smtp://h?x=1", "smtp://u@h", "mailto:x", ""] {
            assert!(bad.parse::<MailSetting>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_password_is_never_printed() {
        let s: MailSetting = "smtp://me:hunter2@mail.example.com:587".parse().unwrap();
        assert!(!format!("{s} {s:?}").contains("hunter2"));
    }
}
