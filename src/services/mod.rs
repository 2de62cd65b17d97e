//! Use cases. Each is one database transaction; mail goes to the outbox inside it.

pub mod accounts;
pub mod cfp;
pub mod conferences;
pub mod limits;
pub mod mail;
pub mod policy;
pub mod registration;
pub mod review;
pub mod rooms;
pub mod schedule;
