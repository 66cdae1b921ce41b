//! Open and click tracking. At delivery the HTML part gets a 1×1 pixel and every http(s) link is
//! replaced by a redirect through us. Tokens are HMAC-SHA256 signed (truncated to 128 bits) under a key
//! named in the token, so keys can be rotated; they carry ids and a time, never an address or a URL. A
//! click token names a link by position, and the redirect goes only to the URL stored for that position.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use regex::Regex;
use sha2::Sha256;
use std::sync::LazyLock;

type HmacSha256 = Hmac<Sha256>;

const TAG_LEN: usize = 16;
const PAYLOAD_LEN: usize = 4 + 8 + 2 + 4;
/// The link position that marks an open token.
const OPEN: u16 = u16::MAX;

/// What a token says: the message (workspace and draft), which link (none for the pixel), and when the
/// message was handed to the transport (Unix seconds, wall clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub workspace_id: i64,
    pub draft_id: i64,
    pub link: Option<u16>,
    pub issued: i64,
}

/// The signing keys: the first signs, all of them verify (keep an old key listed until its mail is old).
#[derive(Clone)]
pub struct TrackingKeys {
    keys: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for TrackingKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Key ids only: a secret never reaches a log.
        f.debug_list().entries(self.keys.iter().map(|(id, _)| id)).finish()
    }
}

impl TrackingKeys {
    /// Parses `OVERTURE_TRACKING_KEYS`: `ID:SECRET[,ID:SECRET…]`, ids of 1–16 letters, digits, `-` or
    /// `_`, secrets of at least 32 characters.
    pub fn parse(setting: &str) -> Result<TrackingKeys, String> {
        let mut keys = Vec::new();
        for part in setting.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, secret) =
                part.split_once(':').ok_or_else(|| "each key is ID:SECRET (for example k2:…)".to_string())?;
            if !valid_key_id(id) {
                return Err(format!("key id `{id}` must be 1 to 16 letters, digits, `-` or `_`"));
            }
            if secret.len() < 32 {
                return Err(format!("the secret of key `{id}` is shorter than 32 characters"));
            }
            if keys.iter().any(|(k, _)| k == id) {
                return Err(format!("key id `{id}` is listed twice"));
            }
            keys.push((id.to_string(), secret.as_bytes().to_vec()));
        }
        if keys.is_empty() {
            return Err("no key given".into());
        }
        Ok(TrackingKeys { keys })
    }

    pub fn single(id: &str, secret: &[u8]) -> TrackingKeys {
        TrackingKeys { keys: vec![(id.to_string(), secret.to_vec())] }
    }

    /// A fresh random secret, for a server that makes its own key.
    pub fn random_secret() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn sign(&self, claim: &Claim) -> String {
        let (id, secret) = &self.keys[0];
        let mut bytes = Vec::with_capacity(PAYLOAD_LEN + TAG_LEN);
        bytes.extend_from_slice(&u32::try_from(claim.workspace_id).unwrap_or(u32::MAX).to_be_bytes());
        bytes.extend_from_slice(&claim.draft_id.to_be_bytes());
        bytes.extend_from_slice(&claim.link.unwrap_or(OPEN).to_be_bytes());
        bytes.extend_from_slice(&u32::try_from(claim.issued.max(0)).unwrap_or(u32::MAX).to_be_bytes());
        let tag = mac(secret, id, &bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        format!("{id}.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The claim of a token we signed; `None` for anything forged, altered or signed by an unknown key.
    pub fn verify(&self, token: &str) -> Option<Claim> {
        let (id, body) = token.split_once('.')?;
        let (_, secret) = self.keys.iter().find(|(k, _)| k == id)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
        if bytes.len() != PAYLOAD_LEN + TAG_LEN {
            return None;
        }
        let (payload, tag) = bytes.split_at(PAYLOAD_LEN);
        mac(secret, id, payload).verify_truncated_left(tag).ok()?;
        let ws = u32::from_be_bytes(payload[0..4].try_into().ok()?);
        let draft = i64::from_be_bytes(payload[4..12].try_into().ok()?);
        let link = u16::from_be_bytes(payload[12..14].try_into().ok()?);
        let issued = u32::from_be_bytes(payload[14..18].try_into().ok()?);
        Some(Claim {
            workspace_id: i64::from(ws),
            draft_id: draft,
            link: (link != OPEN).then_some(link),
            issued: i64::from(issued),
        })
    }
}

fn valid_key_id(id: &str) -> bool {
    (1..=16).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The MAC binds the key id too, so a token cannot be moved to another key.
fn mac(secret: &[u8], id: &str, payload: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

static HREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(<a\b[^>]*?\bhref\s*=\s*)(?:"([^"]*)"|'([^']*)')"#)
        .unwrap_or_else(|e| unreachable!("the link pattern is valid: {e}"))
});
static BODY_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)</body\s*>").unwrap_or_else(|e| unreachable!("the body pattern is valid: {e}")));

/// The HTML with tracked links and the pixel, and the links' real URLs by position.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    pub html: String,
    pub links: Vec<String>,
}

/// Rewrites `html` for message `claim` (whose `link` is ignored): each http(s) link becomes
/// `{base}/t/c/TOKEN`, and the pixel `{base}/t/o/TOKEN` goes before `</body>`.
pub fn rewrite(html: &str, base: &str, keys: &TrackingKeys, claim: Claim) -> Tracked {
    let base = base.trim_end_matches('/');
    let mut links = Vec::new();
    let rewritten = HREF.replace_all(html, |caps: &regex::Captures<'_>| {
        let raw = caps.get(2).or_else(|| caps.get(3)).map_or("", |m| m.as_str());
        let url = unescape_attribute(raw);
        let valid = url::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        match u16::try_from(links.len()) {
            Ok(idx) if valid && idx < OPEN => {
                links.push(url);
                let token = keys.sign(&Claim { link: Some(idx), ..claim });
                format!(r#"{}"{base}/t/c/{token}""#, &caps[1])
            }
            _ => caps[0].to_string(),
        }
    });
    let token = keys.sign(&Claim { link: None, ..claim });
    let pixel = format!(
        r#"<img src="{base}/t/o/{token}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">"#
    );
    let html = match BODY_END.find(&rewritten) {
        Some(end) => format!("{}{pixel}{}", &rewritten[..end.start()], &rewritten[end.start()..]),
        None => format!("{rewritten}{pixel}"),
    };
    Tracked { html, links }
}

/// An attribute value's text: named references an HTML renderer writes in URLs, and numeric ones
/// (`&#x2f;` for `/`).
fn unescape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lt" => Some('<'),
            "gt" => Some('>'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Open or click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Open,
    Click,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Open => "open",
            EventKind::Click => "click",
        }
    }
}

/// Every reason [`machine_reason`] gives.
pub const MACHINE_REASONS: [&str; 4] =
    ["head_request", "automated_client", "privacy_proxy_prefetch", "within_seconds_of_delivery"];

/// Why an event looks machine-made rather than a person reading or clicking; `None` when it looks human.
///
/// - no user agent, or one of an HTTP library, crawler or security scanner (`automated_client`);
/// - Apple Mail Privacy Protection, whose proxy fetches images on delivery with the bare user agent
///   `Mozilla/5.0` (`privacy_proxy_prefetch`);
/// - a `HEAD` request (`head_request`): link checkers ask for headers, people follow links;
/// - within `window` of delivery (`within_seconds_of_delivery`): scanners open and click every link as
///   the message arrives.
pub fn machine_reason(
    user_agent: Option<&str>,
    head: bool,
    seconds_since_delivery: i64,
    window: Duration,
) -> Option<&'static str> {
    const AUTOMATED: [&str; 18] = [
        "bot",
        "crawler",
        "spider",
        "scanner",
        "python-requests",
        "python-urllib",
        "curl/",
        "wget",
        "go-http-client",
        "headlesschrome",
        "barracuda",
        "proofpoint",
        "mimecast",
        "symantec",
        "bingpreview",
        "java/",
        "okhttp",
        "microsoft office protocol discovery",
    ];
    let ua = user_agent.map(str::trim).unwrap_or_default();
    if head {
        return Some("head_request");
    }
    if ua.is_empty() {
        return Some("automated_client");
    }
    let lower = ua.to_ascii_lowercase();
    if AUTOMATED.iter().any(|needle| lower.contains(needle)) {
        return Some("automated_client");
    }
    if ua == "Mozilla/5.0" {
        return Some("privacy_proxy_prefetch");
    }
    if seconds_since_delivery < i64::try_from(window.as_secs()).unwrap_or(i64::MAX) {
        return Some("within_seconds_of_delivery");
    }
    None
}

/// A fixed-window limit on events per token: a forwarded message opened in a loop, or a scanner
/// hammering a link, cannot flood the events table. Over the limit the pixel answers 429 and a click
/// still redirects, without being recorded.
/// When the current window started, and the events counted in it by message and link.
type Window = (std::time::Instant, HashMap<(i64, u16), u32>);

pub struct RateLimiter {
    per_window: u32,
    window: Duration,
    state: Mutex<Window>,
}

impl RateLimiter {
    pub fn new(per_window: u32, window: Duration) -> RateLimiter {
        RateLimiter { per_window, window, state: Mutex::new((std::time::Instant::now(), HashMap::new())) }
    }

    /// Counts one event for the token's message and link; false when over the limit.
    pub fn allow(&self, claim: &Claim) -> bool {
        let mut guard = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (started, counts) = &mut *guard;
        if started.elapsed() >= self.window {
            *started = std::time::Instant::now();
            counts.clear();
        }
        let count = counts.entry((claim.draft_id, claim.link.unwrap_or(OPEN))).or_insert(0);
        *count += 1;
        *count <= self.per_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TrackingKeys {
        TrackingKeys::parse("k1:0123456789abcdef0123456789abcdef").expect("valid keys")
    }

    fn claim() -> Claim {
        Claim { workspace_id: 3, draft_id: 42, link: None, issued: 1_790_000_000 }
    }

    #[test]
    fn tokens_round_trip_and_name_their_key() {
        let k = keys();
        let open = k.sign(&claim());
        assert!(open.starts_with("k1."), "{open}");
        assert_eq!(k.verify(&open), Some(claim()));
        let click = Claim { link: Some(2), ..claim() };
        assert_eq!(k.verify(&k.sign(&click)), Some(click));
    }

    #[test]
    fn every_altered_character_is_refused() {
        let k = keys();
        let token = k.sign(&Claim { link: Some(0), ..claim() });
        for i in 0..token.len() {
            for replacement in ['A', 'b', '0', '-', '_', '.'] {
                let mut altered: Vec<char> = token.chars().collect();
                if altered[i] == replacement {
                    continue;
                }
                altered[i] = replacement;
                let altered: String = altered.into_iter().collect();
                assert_eq!(k.verify(&altered), None, "{altered} was accepted");
            }
        }
        assert_eq!(k.verify(""), None);
        assert_eq!(k.verify("k1."), None);
        assert_eq!(k.verify(&format!("{token}A")), None);
    }

    #[test]
    fn rotation_verifies_old_tokens_and_signs_with_the_first_key() {
        let old = TrackingKeys::parse("k1:0123456789abcdef0123456789abcdef").expect("old");
        let token = old.sign(&claim());
        let rotated = TrackingKeys::parse("k2:fedcba9876543210fedcba9876543210, k1:0123456789abcdef0123456789abcdef")
            .expect("new");
        assert_eq!(rotated.verify(&token), Some(claim()));
        assert!(rotated.sign(&claim()).starts_with("k2."));
        let other = TrackingKeys::parse("k1:another-secret-another-secret-12345").expect("other");
        assert_eq!(other.verify(&token), None, "a token under a different secret of the same id");
    }

    #[test]
    fn key_settings_are_checked() {
        assert!(TrackingKeys::parse("").is_err());
        assert!(TrackingKeys::parse("k1:short").is_err());
        assert!(TrackingKeys::parse("bad id:0123456789abcdef0123456789abcdef").is_err());
        assert!(TrackingKeys::parse("k1:0123456789abcdef0123456789abcdef,k1:0123456789abcdef0123456789abcdef").is_err());
        assert!(!format!("{:?}", keys()).contains("0123"), "Debug shows no secret");
    }

    #[test]
    fn tokens_hold_no_address_or_url() {
        let t = rewrite(
            r#"<p><a href="https:&#x2f;&#x2f;docs.vendor.example&#x2f;a?x=1&amp;y=2">docs</a> jennifer@acme.example</p>"#,
            "https://t.example/",
            &keys(),
            claim(),
        );
        assert_eq!(t.links, vec!["https://docs.vendor.example/a?x=1&y=2"]);
        assert!(!t.html.contains("docs.vendor.example"), "{}", t.html);
        for token in t.html.split(['"', '/']).filter(|p| p.starts_with("k1.")) {
            let decoded = URL_SAFE_NO_PAD.decode(&token[3..]).expect("base64url");
            assert!(!String::from_utf8_lossy(&decoded).contains("acme"));
        }
    }

    #[test]
    fn rewriting_tracks_http_links_only_and_adds_one_pixel_before_the_body_ends() {
        let html = r#"<html><body><a href="https://a.example/x">A</a> <a class="b" href='http://b.example'>B</a>
            <a href="mailto:sarah@vendor.example">mail</a> <a href="https://cal.vendor.example/sarah">C</a></body></html>"#;
        let t = rewrite(html, "https://t.example", &keys(), claim());
        assert_eq!(t.links, vec!["https://a.example/x", "http://b.example", "https://cal.vendor.example/sarah"]);
        assert_eq!(t.html.matches("https://t.example/t/c/").count(), 3);
        assert!(t.html.contains(r#"href="mailto:sarah@vendor.example""#));
        assert_eq!(t.html.matches("/t/o/").count(), 1);
        let pixel = t.html.find("/t/o/").expect("pixel");
        assert!(pixel < t.html.find("</body>").expect("body end"));
        let k = keys();
        let tokens: Vec<Claim> = t
            .html
            .split("/t/c/")
            .skip(1)
            .filter_map(|rest| k.verify(rest.split('"').next().unwrap_or_default()))
            .collect();
        assert_eq!(tokens.iter().map(|c| c.link).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(2)]);
        // The same message rewritten again (a retried delivery) carries the same tokens.
        assert_eq!(rewrite(html, "https://t.example", &k, claim()), t);
    }

    #[test]
    fn machine_made_events_are_recognised() {
        let w = Duration::from_secs(10);
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
        assert_eq!(machine_reason(Some(safari), false, 3600, w), None);
        assert_eq!(machine_reason(Some("Mozilla/5.0"), false, 3600, w), Some("privacy_proxy_prefetch"));
        assert_eq!(machine_reason(Some(safari), false, 2, w), Some("within_seconds_of_delivery"));
        assert_eq!(machine_reason(Some("python-requests/2.31"), false, 3600, w), Some("automated_client"));
        assert_eq!(machine_reason(None, false, 3600, w), Some("automated_client"));
        assert_eq!(machine_reason(Some(safari), true, 3600, w), Some("head_request"));
        let gmail_proxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
        assert_eq!(
            machine_reason(Some(gmail_proxy), false, 3600, w),
            None,
            "Gmail's proxy fetches when a person opens"
        );
    }

    #[test]
    fn the_rate_limit_is_per_message_and_link() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let open = claim();
        let click = Claim { link: Some(0), ..claim() };
        assert!(limiter.allow(&open) && limiter.allow(&open));
        assert!(!limiter.allow(&open));
        assert!(limiter.allow(&click), "another link has its own budget");
    }
}
