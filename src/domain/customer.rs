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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub role: Option<String>,
    pub primary: bool,
    /// Opted out of open and click tracking: mail to them carries no pixel and no tracked links.
    #[serde(default)]
    pub tracking_opt_out: bool,
}

impl Contact {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
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
