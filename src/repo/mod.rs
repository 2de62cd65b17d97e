//! Data access, one file per aggregate: `fn(&mut PgConnection, ..) -> QueryResult<T>`.

use diesel::prelude::*;
use diesel::query_builder::{AsQuery, SelectQuery};
use diesel::query_dsl::LoadQuery;

/// The one row of a conference's `$table` that `$key` picks (its public id, a
/// code), if there is one: what every link into a conference resolves through.
macro_rules! one_in_conference {
    ($conn:expr, $table:ident, $row:ty, $conference_id:expr, $key:expr) => {
        $table::table
            .filter($table::conference_id.eq($conference_id))
            .filter($key)
            .select(<$row>::as_select())
            .first($conn)
            .optional()
    };
}

/// Whether `query` finds any row.
pub(crate) fn exists<'q, Q>(conn: &mut PgConnection, query: Q) -> QueryResult<bool>
where
    Q: SelectQuery,
    diesel::dsl::select<diesel::dsl::exists<Q>>: AsQuery + LoadQuery<'q, PgConnection, bool>,
{
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

pub mod assignments;
pub mod calls;
pub mod co_location;
pub mod conferences;
pub mod copy;
pub mod limits;
pub mod mailings;
pub mod mc_ideas;
pub mod metrics;
pub mod microconferences;
pub mod outbox;
pub mod payments;
pub mod proposals;
pub mod registrations;
pub mod reviews;
pub mod rooms;
pub mod schedule;
pub mod speakers;
pub mod tokens;
pub mod unconference;
pub mod users;
