//! Drafts of upsell introductions and what the checks found in them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

use super::{Approach, CustomerId, DraftId, OpportunityId, Tone};

/// A named value that may appear in an email (the grounding check traces figures to these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub phrase: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pushiness {
    /// 0 is calm; every finding adds its weight.
    pub score: u32,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroundedFigure {
    pub text: String,
    /// The fact it comes from, or `template` for a wording constant such as "20 minutes".
    pub fact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grounding {
    pub figures: Vec<GroundedFigure>,
    /// Figures and names that no fact of the context explains.
    pub ungrounded: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checks {
    pub pushiness: Pushiness,
    pub grounding: Grounding,
}

/// A name and an address, validated at the edge (no CR, LF or NUL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Mailbox {
    pub name: String,
    pub email: String,
}

/// `draft` → `queued` → `sending` → `sent` | `failed`; or `discarded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    Draft,
    Queued,
    Sending,
    Sent,
    Failed,
    Discarded,
}

impl DraftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftStatus::Draft => "draft",
            DraftStatus::Queued => "queued",
            DraftStatus::Sending => "sending",
            DraftStatus::Sent => "sent",
            DraftStatus::Failed => "failed",
            DraftStatus::Discarded => "discarded",
        }
    }
}

impl fmt::Display for DraftStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DraftStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            DraftStatus::Draft,
            DraftStatus::Queued,
            DraftStatus::Sending,
            DraftStatus::Sent,
            DraftStatus::Failed,
            DraftStatus::Discarded,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| format!("unknown draft status `{s}`"))
    }
}

/// A composed introduction as stored (CONTRACT §3 Draft).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Draft {
    #[schema(value_type = String, example = "drf_1")]
    pub id: DraftId,
    #[schema(value_type = String, example = "cus_1")]
    pub customer_id: CustomerId,
    #[schema(value_type = Option<String>, example = "opp_1")]
    pub opportunity_id: Option<OpportunityId>,
    pub status: DraftStatus,
    pub approach: Approach,
    pub tone: Tone,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub cc_ae: bool,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub checks: Checks,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub message_id: Option<String>,
    pub error: Option<String>,
    /// Goes up by one with every edit; an approval names the revision it approves.
    pub revision: i64,
    /// Who pressed Send, when, and on which revision.
    pub approved_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    pub approved_revision: Option<i64>,
    /// The Gmail thread of the sent message (Gmail transport only), for reply detection.
    pub thread_id: Option<String>,
    /// `intro` (the introduction) or `follow_up` (a nudge in the introduction's thread).
    pub kind: DraftKind,
    /// The Message-ID a follow-up answers (the introduction's).
    pub in_reply_to: Option<String>,
    /// Whether the delivered HTML carried the open pixel and tracked links.
    pub tracked: bool,
    /// When an approved draft is scheduled to go out (none: as soon as it is approved).
    #[serde(with = "time::serde::rfc3339::option")]
    pub send_at: Option<OffsetDateTime>,
    /// The facts the text may quote, to check it again after an edit.
    #[serde(skip)]
    pub facts: Vec<Fact>,
}

impl Draft {
    /// Whether the checks found something a person must acknowledge before sending.
    pub fn has_warnings(&self) -> bool {
        !self.checks.grounding.ungrounded.is_empty() || !self.checks.pushiness.findings.is_empty()
    }

    /// Only a draft that was never queued (or whose delivery failed) can still change.
    pub fn is_editable(&self) -> bool {
        matches!(self.status, DraftStatus::Draft | DraftStatus::Failed)
    }
}

/// What a draft is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    /// The upsell introduction.
    #[default]
    Intro,
    /// A follow-up prepared when the introduction got no reply.
    FollowUp,
}

impl DraftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::Intro => "intro",
            DraftKind::FollowUp => "follow_up",
        }
    }
}

impl std::str::FromStr for DraftKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "intro" => Ok(DraftKind::Intro),
            "follow_up" => Ok(DraftKind::FollowUp),
            other => Err(format!("unknown draft kind `{other}`")),
        }
    }
}

/// What a revision of a draft holds: the composed wording, or an edit of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftContent {
    pub approach: Approach,
    pub tone: Tone,
    pub cc: Vec<Mailbox>,
    pub cc_ae: bool,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub checks: Checks,
    pub facts: Vec<Fact>,
}

/// One stored version of a draft's wording.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DraftRevision {
    pub revision: i64,
    pub approach: Approach,
    pub tone: Tone,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub checks: Checks,
    /// The team member's email (none when made from the command line).
    pub edited_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// True when a header value (name, subject, address) holds no CR, LF or NUL: such a value could
/// otherwise end the header and start another (header injection).
pub fn header_safe(value: &str) -> bool {
    !value.contains(['\r', '\n', '\0'])
}

/// A draft about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDraft {
    pub customer_id: CustomerId,
    pub opportunity_id: Option<OpportunityId>,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    /// Revision 1.
    pub content: DraftContent,
    pub kind: DraftKind,
    /// For a follow-up: the introduction's Message-ID.
    pub in_reply_to: Option<String>,
    /// The team member who asked for it (none from the command line).
    pub created_by: Option<i64>,
}

/// A workspace's own subject and body templates for one approach.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TemplateOverride {
    pub approach: Approach,
    pub subject: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}
