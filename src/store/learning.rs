//! What the store keeps for learning: the outcome ladder of each introduction, and the outcome counts by
//! segment and approach that the recommendation and the insights read. A trait of its own, like
//! [`Engagement`](super::Engagement); every `Store` is one.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{OpportunityRow, Result, Workspace};
use crate::domain::{Approach, BuyingStyle, OpportunityId};
use crate::learning::styles::StyleCounts;
use crate::learning::timing::{ClockCounts, RenewalCounts};
use crate::learning::{Counts, Segment};

/// A rung of the outcome ladder that a person or the CRM records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    MeetingBooked,
    Won,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::MeetingBooked => "meeting_booked",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace([' ', '-'], "_").as_str() {
            "meeting_booked" | "meeting" => Ok(Outcome::MeetingBooked),
            "won" | "closed_won" => Ok(Outcome::Won),
            "lost" | "closed_lost" => Ok(Outcome::Lost),
            other => Err(format!("`{other}` is not an outcome: use meeting_booked, won or lost")),
        }
    }
}

#[async_trait]
pub trait Learning: Send + Sync {
    /// Records a meeting, a win or a loss on an opportunity of the workspace; `None` if there is none.
    async fn record_outcome(
        &self,
        ws: &Workspace,
        id: OpportunityId,
        outcome: Outcome,
        note: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<Option<OpportunityRow>>;
    /// Outcome counts by segment and approach, over the introductions that have an outcome: a human
    /// reply, a meeting, a decision, or silence since `matured_before`.
    async fn outcome_counts(
        &self,
        ws: &Workspace,
        matured_before: OffsetDateTime,
    ) -> Result<Vec<(Segment, Approach, Counts)>>;
    /// Outcome counts by the recipient's buying style and the approach, over the same introductions as
    /// [`Learning::outcome_counts`].
    async fn style_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<StyleCounts>>;
    /// Outcome counts by the recipient's weekday and hour at delivery.
    async fn clock_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<ClockCounts>>;
    /// Outcome counts by days to renewal at delivery.
    async fn renewal_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<RenewalCounts>>;
    /// A human reply from `email`: counts it, with the style its wording suggested (if any), and infers the
    /// writer's style once enough replies agree.
    async fn note_reply_style(
        &self,
        ws: &Workspace,
        email: &str,
        cue: Option<BuyingStyle>,
        now: OffsetDateTime,
    ) -> Result<()>;
    /// Sets (or, with `Unknown`, clears) the buying style of the person at `email`, as the CSM `by`.
    async fn set_buying_style(
        &self,
        ws: &Workspace,
        email: &str,
        style: BuyingStyle,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<()>;
}
