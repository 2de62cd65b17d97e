//! Integration tests: the real app over HTTP, a real PostgreSQL database per
//! test, a real SMTP server, and headless Chromium for the browser journeys.

mod support;

mod access;
mod accounts;
mod api_cli;
mod architecture;
mod assignment;
mod browser;
mod cfp;
mod co_location;
mod conferences;
mod copy;
mod decisions;
mod exports;
mod group_mail;
mod mc_ideas;
mod openapi;
mod operations;
mod outbox;
mod overlay;
mod payments;
mod registration;
mod reliability;
mod review;
mod rooms;
mod scale;
mod schedule;
mod trust;
mod unconference;
mod web_security;

/// Logs an existing account in (password `support::PASSWORD`).
pub fn review_login(app: &support::TestApp, email: &str) -> support::Http {
    let h = app.client();
    assert_eq!(h.post_form("/login", &[("email", email), ("password", support::PASSWORD)]).status, 303);
    h
}
