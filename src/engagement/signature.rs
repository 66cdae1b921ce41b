//! `X-Overture-Signature: sha256=<hex HMAC-SHA256 of the body>`, for the inbound webhook (verified) and
//! the CRM webhook (signed).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub const HEADER: &str = "X-Overture-Signature";

fn mac(secret: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

/// The header value for `body`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, body).finalize().into_bytes()))
}

/// Whether `header` is the signature of `body` (compared in constant time).
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    mac(secret, body).verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_their_body_and_key() {
        let s = sign(b"key", b"body");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64);
        assert!(verify(b"key", b"body", &s));
        assert!(verify(b"key", b"body", &s.to_uppercase().replace("SHA256=", "sha256=")));
        assert!(!verify(b"key", b"body!", &s));
        assert!(!verify(b"other", b"body", &s));
        assert!(!verify(b"key", b"body", s.trim_start_matches("sha256=")));
        assert!(!verify(b"key", b"body", "sha256=zz"));
    }
}
