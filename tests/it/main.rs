//! Integration tests: the real router and store against a fresh database per test. SQLite by default;
//! set `OVERTURE_TEST_POSTGRES_URL` to run the same suite on PostgreSQL (each test in its own schema).

mod api_auth;
mod api_context;
mod api_drafts;
mod api_engagement;
mod api_gmail;
mod api_import;
mod api_learning;
mod api_reading;
mod api_sending;
mod api_templates;
mod api_timing;
mod api_web;
mod approval_property;
mod cli;
mod common;
mod compose;
mod crash;
mod gmail_double;
mod imap_server;
mod mail;
mod mime;
mod openapi;
mod store_conformance;
