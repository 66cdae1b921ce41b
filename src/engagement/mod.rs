//! Engagement and responses (PRD Step 4): open and click tracking, replies and their classification,
//! what a response changes on the opportunity (AE handoff, CRM webhook, follow-up, suppression), and
//! the pollers that fetch replies from Gmail and IMAP.

pub mod classify;
pub mod events;
pub mod imap;
pub mod poll;
pub mod responses;
pub mod signature;
pub mod tracking;

pub use events::{EventWriter, Tracker};
pub use poll::Pollers;
pub use responses::{InboundError, Ingested, Responses};
