//! Data access, one file per aggregate: `fn(&mut PgConnection, ..) -> QueryResult<T>`.

pub mod conferences;
pub mod outbox;
pub mod registrations;
pub mod tokens;
pub mod users;
