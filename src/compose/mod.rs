//! From context to email. So far: the recommended approach with its reasons.

mod recommend;

pub use recommend::{recommend, Recommendation};
