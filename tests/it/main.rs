//! Integration tests: the real app over HTTP, a real PostgreSQL database per
//! test, a real SMTP server, and headless Chromium for the browser journeys.

mod support;

mod accounts;
mod api_cli;
mod browser;
mod cfp;
mod conferences;
mod exports;
mod outbox;
mod registration;
mod reliability;
mod review;
mod rooms;
mod schedule;
mod web_security;
