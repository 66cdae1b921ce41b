use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::Date;

use super::CustomerId;

/// What a team member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including imports and workspace settings.
    Admin,
    /// Customer Success Manager: composes and sends introductions.
    Csm,
    /// Account Executive: reads and is copied in.
    Ae,
    /// Reads only.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Csm => "csm",
            Role::Ae => "ae",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "csm" => Ok(Role::Csm),
            "ae" => Ok(Role::Ae),
            "viewer" => Ok(Role::Viewer),
            _ => Err(format!("unknown role `{s}`: use admin, csm, ae or viewer")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub title: Option<String>,
    pub calendar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub external_id: String,
    pub name: String,
    pub plan_key: String,
    pub seats_purchased: i64,
    pub arr: i64,
    pub renewal_date: Option<Date>,
    pub health_score: Option<i64>,
    pub industry: Option<String>,
    pub csm_email: Option<String>,
    pub ae_email: Option<String>,
    /// IANA time zone (e.g. `America/New_York`): the recipients' clock when a contact has none.
    #[serde(default)]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub role: Option<String>,
    pub primary: bool,
    /// Opted out of open and click tracking: mail to them carries no pixel and no tracked links.
    #[serde(default)]
    pub tracking_opt_out: bool,
    /// IANA time zone of this person; the customer's when unset.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// How this person likes to decide; `unknown` until imported, set by the CSM or inferred from replies.
    #[serde(default)]
    pub buying_style: BuyingStyle,
    /// Where the style came from: `import`, `csm` or `inferred` (none while unknown).
    #[serde(default)]
    pub buying_style_source: Option<String>,
}

impl Contact {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// How a person likes to decide, after the social-style model: it picks the variant of the email.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BuyingStyle {
    /// Wants the figures and a comparison.
    Analytical,
    /// Wants the point in three lines and a direct question.
    Driver,
    /// Values the relationship and the team; no pressure.
    Amiable,
    /// Responds to the vision and to recognition.
    Expressive,
    #[default]
    Unknown,
}

impl BuyingStyle {
    pub const ALL: [BuyingStyle; 5] = [
        BuyingStyle::Analytical,
        BuyingStyle::Driver,
        BuyingStyle::Amiable,
        BuyingStyle::Expressive,
        BuyingStyle::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BuyingStyle::Analytical => "analytical",
            BuyingStyle::Driver => "driver",
            BuyingStyle::Amiable => "amiable",
            BuyingStyle::Expressive => "expressive",
            BuyingStyle::Unknown => "unknown",
        }
    }
}

impl fmt::Display for BuyingStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BuyingStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "analytical" => Ok(BuyingStyle::Analytical),
            "driver" => Ok(BuyingStyle::Driver),
            "amiable" => Ok(BuyingStyle::Amiable),
            "expressive" => Ok(BuyingStyle::Expressive),
            "unknown" | "" => Ok(BuyingStyle::Unknown),
            other => {
                Err(format!("`{other}` is not a buying style: use analytical, driver, amiable, expressive or unknown"))
            }
        }
    }
}

/// Checks an IANA time zone name (`Europe/Berlin`, `UTC`); the message says what is wrong.
pub fn check_time_zone(name: &str) -> Result<(), String> {
    jiff::tz::TimeZone::get(name)
        .map(|_| ())
        .map_err(|_| format!("`{name}` is not a time zone: use an IANA name such as Europe/Berlin or America/New_York"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRequest {
    pub feature: String,
    pub requested_at: Date,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub title: String,
    pub achieved_at: Date,
}
