//! Use cases. Each is one database transaction; mail goes to the outbox inside it.

pub mod accounts;
pub mod cfp;
pub mod co_location;
pub mod conferences;
pub mod copy;
pub mod group_mail;
pub mod health;
pub mod limits;
pub mod mail;
pub mod mc_ideas;
pub mod payments;
pub mod policy;
pub mod programme;
pub mod registration;
pub mod review;
pub mod rooms;
pub mod schedule;
pub mod schedule_editor;
pub mod speakers;
pub mod unconference;
pub mod unconference_planner;
pub mod views;

// The repo layer is private to the services: routes, the worker and the CLI can
// name no query, so the compiler keeps the layers pointing one way. The files
// stay in src/repo (one folder per layer); only the module path is here.
// Integration tests reach it through `plumbline::testing` (feature `test-support`).
#[cfg(not(feature = "test-support"))]
#[path = "../repo/mod.rs"]
mod repo;
#[cfg(feature = "test-support")]
#[path = "../repo/mod.rs"]
pub mod repo;

/// Demo and benchmark data: loaded by the CLI, never reached from a request.
#[path = "../seed/mod.rs"]
pub mod seed;

use diesel::PgConnection;

/// The database as a caller outside the services holds it: something to hand to
/// a use case and nothing to query with. The connection inside is visible only
/// to `services`, so a route (or the worker, or the CLI) cannot run a query of
/// its own: the compiler refuses it. A use case takes `Db(conn): &mut Db`.
///
/// ```compile_fail
/// // Outside `services` the connection cannot be taken out of a `Db`:
/// fn a_route(db: &mut plumbline::services::Db) {
///     let _conn = &mut db.0;
/// }
/// ```
pub struct Db<'c>(pub(in crate::services) &'c mut PgConnection);

impl<'c> Db<'c> {
    /// Wraps a pooled connection; `AppState::db` and the CLI are the callers.
    pub fn new(conn: &'c mut PgConnection) -> Self {
        Db(conn)
    }
}

/// Why a use case refused a form: fields to mark (the form comes back with what
/// the person typed), or something else (shown at the top, or an error page).
#[derive(Debug)]
pub enum InputError {
    Fields(Vec<crate::domain::FieldError>),
    App(crate::error::AppError),
}

impl From<crate::error::AppError> for InputError {
    fn from(e: crate::error::AppError) -> Self {
        InputError::App(e)
    }
}

impl From<diesel::result::Error> for InputError {
    fn from(e: diesel::result::Error) -> Self {
        InputError::App(e.into())
    }
}
