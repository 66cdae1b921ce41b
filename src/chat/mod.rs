//! The chat of the CSM web app: what the CSM typed (`intent`), which customer they mean (`matching`),
//! and the conversation that answers with cards, driving the same services as the API.

pub mod conversation;
pub mod intent;
pub mod matching;

pub use conversation::{converse, history, Deps, NameCache, Turn};
pub use intent::{parse, Intent};
