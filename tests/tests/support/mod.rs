//! A small order service, written twice (with `#[conditional]` and with the plain extractors),
//! and helpers to send it requests through the real `Router`.

#![allow(dead_code)] // each test file uses the part it needs

pub(crate) mod app;
pub(crate) mod client;
