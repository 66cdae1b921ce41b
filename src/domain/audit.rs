//! The audit log: who did what to a draft, and when.

use serde::Serialize;
use time::OffsetDateTime;

use super::DraftId;

/// What happened. Stored and shown as `draft.created`, `draft.edited`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    DraftCreated,
    DraftEdited,
    DraftApproved,
    DraftSent,
    DraftFailed,
    DraftDiscarded,
    AeNotified,
    GmailConnected,
    ReplyReceived,
    ResponseRecorded,
    ResponseCorrected,
    AeHandoff,
    WebhookDelivered,
    FollowUpDrafted,
    DraftBounced,
    CsmNotified,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::DraftCreated => "draft.created",
            AuditAction::DraftEdited => "draft.edited",
            AuditAction::DraftApproved => "draft.approved",
            AuditAction::DraftSent => "draft.sent",
            AuditAction::DraftFailed => "draft.failed",
            AuditAction::DraftDiscarded => "draft.discarded",
            AuditAction::AeNotified => "ae.notified",
            AuditAction::GmailConnected => "gmail.connected",
            AuditAction::ReplyReceived => "reply.received",
            AuditAction::ResponseRecorded => "response.recorded",
            AuditAction::ResponseCorrected => "response.corrected",
            AuditAction::AeHandoff => "ae.handoff",
            AuditAction::WebhookDelivered => "webhook.delivered",
            AuditAction::FollowUpDrafted => "follow_up.drafted",
            AuditAction::DraftBounced => "draft.bounced",
            AuditAction::CsmNotified => "csm.notified",
        }
    }
}

/// One line of `GET /api/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The team member's email; none for the system (the outbox) and the command line.
    pub actor: Option<String>,
    /// draft.created, draft.edited, draft.approved, draft.sent, draft.failed, draft.discarded, ae.notified,
    /// gmail.connected, reply.received, response.recorded, response.corrected, ae.handoff, webhook.delivered,
    /// follow_up.drafted, draft.bounced, csm.notified.
    pub action: String,
    #[schema(value_type = Option<String>, example = "drf_1")]
    pub draft_id: Option<DraftId>,
    /// What else is worth knowing (the revision approved, the failure's reason, …).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}
