//! The chat of the CSM web app (issue 6). So far: reading what the CSM typed.

pub mod intent;

pub use intent::{parse, Intent};
