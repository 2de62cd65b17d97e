//! Data access, one file per aggregate: `fn(&mut PgConnection, ..) -> QueryResult<T>`.

pub mod calls;
pub mod conferences;
pub mod limits;
pub mod metrics;
pub mod microconferences;
pub mod outbox;
pub mod proposals;
pub mod registrations;
pub mod reviews;
pub mod rooms;
pub mod schedule;
pub mod tokens;
pub mod users;
