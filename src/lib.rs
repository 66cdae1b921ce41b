//! Overture: helps a Customer Success Manager introduce an expansion in a way that feels helpful, not salesy.
//!
//! See the README for the product and `ARCHITECTURE` in the shared folder for the rooms of this crate.

pub mod chat;
pub mod clock;
pub mod compose;
pub mod context;
pub mod delivery;
pub mod demo;
pub mod detection;
pub mod domain;
pub mod engagement;
pub mod http;
pub mod import;
pub mod learning;
pub mod lifecycle;
pub mod services;
pub mod signals;
pub mod store;
pub mod synth;
