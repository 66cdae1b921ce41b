//! Engagement and responses (PRD Step 4): open and click tracking, replies and how they are read
//! (quotes removed by what we sent, then machines, rules and a model, with a confidence), what a
//! response changes on the opportunity (AE handoff, CRM webhook, follow-up, suppression), and the
//! pollers that fetch replies from Gmail and IMAP.

pub mod classify;
pub mod corpus;
pub mod dates;
pub mod evaluate;
pub mod events;
pub mod html;
pub mod imap;
pub mod lexicon;
pub mod machine;
pub mod model;
pub mod poll;
pub mod quotes;
pub mod responses;
pub mod signature;
pub mod tracking;

pub use events::{EventWriter, Tracker};
pub use poll::Pollers;
pub use responses::{InboundError, Ingested, Responses};
