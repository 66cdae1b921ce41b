//! The one clock. `OVERTURE_NOW` (RFC 3339) replaces it everywhere, for reproducible runs and tests.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Clock {
    fixed: Option<OffsetDateTime>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    pub fn fixed(at: OffsetDateTime) -> Clock {
        Clock { fixed: Some(at) }
    }

    /// Reads `OVERTURE_NOW`; an unset or empty variable means the system clock.
    pub fn from_env() -> Result<Clock, String> {
        match std::env::var("OVERTURE_NOW") {
            Ok(v) if !v.trim().is_empty() => OffsetDateTime::parse(v.trim(), &Rfc3339).map(Clock::fixed).map_err(|e| {
                format!("OVERTURE_NOW=`{v}` is not an RFC 3339 instant such as 2026-11-25T09:00:00Z: {e}")
            }),
            _ => Ok(Clock::system()),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.fixed.unwrap_or_else(OffsetDateTime::now_utc)
    }
}
