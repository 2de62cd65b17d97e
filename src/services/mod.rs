//! Use cases. Each is one database transaction; mail goes to the outbox inside it.

pub mod accounts;
pub mod cfp;
pub mod conferences;
pub mod health;
pub mod limits;
pub mod mail;
pub mod policy;
pub mod programme;
pub mod registration;
pub mod review;
pub mod rooms;
pub mod schedule;
pub mod views;

/// The connection a use case runs on; routes name it through here, never through diesel.
pub use diesel::PgConnection;
