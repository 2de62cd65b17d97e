//! The organisers' desk in SQL: one page of the registrations matching a
//! filter, how many match, and the totals over the whole conference, so the
//! desk reads 50 rows and a few counts, not 2,000 registrations.

use super::Registration;
use crate::db::schema::{registrations, users};
use crate::domain::registration::{PaymentStatus, Status};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;

/// Which registrations the desk lists.
#[derive(Debug, Default, Clone)]
pub struct DeskFilter {
    /// `None`: any; `Some(None)`: the ended ones (cancelled, lapsed…).
    pub status: Option<Option<Status>>,
    pub ticket_type_id: Option<i64>,
    pub payment: Option<PaymentStatus>,
    /// Only those with an open note on their money.
    pub flagged: bool,
    /// Words in the name, address, badge name or affiliation.
    pub words: String,
    /// Only people with a confirmed registration at this (co-located) conference too.
    pub also_at: Option<i64>,
}

diesel::alias!(registrations as elsewhere: Elsewhere);

/// How many confirmed registrants of `conference_id` are confirmed at `other` too.
pub fn also_registered(conn: &mut PgConnection, conference_id: i64, other: i64) -> QueryResult<i64> {
    let there = elsewhere
        .filter(elsewhere.field(registrations::conference_id).eq(other))
        .filter(elsewhere.field(registrations::status).eq(Status::Confirmed))
        .select(elsewhere.field(registrations::user_id));
    registrations::table
        .filter(registrations::conference_id.eq(conference_id))
        .filter(registrations::status.eq(Status::Confirmed))
        .filter(registrations::user_id.eq_any(there))
        .count()
        .get_result(conn)
}

type Filtered<'a> = registrations::BoxedQuery<'a, Pg>;

/// `%words%` for LIKE, with the wildcards in `words` taken literally.
fn like(words: &str) -> String {
    let escaped = words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn filtered(conference_id: i64, f: &DeskFilter) -> Filtered<'static> {
    let mut q = registrations::table.filter(registrations::conference_id.eq(conference_id)).into_boxed();
    match f.status {
        Some(Some(s)) => q = q.filter(registrations::status.eq(s)),
        Some(None) => q = q.filter(registrations::status.ne_all(Status::ACTIVE)),
        None => {}
    }
    if let Some(t) = f.ticket_type_id {
        q = q.filter(registrations::ticket_type_id.eq(t));
    }
    if let Some(p) = f.payment {
        q = q.filter(registrations::payment_status.eq(p));
    }
    if f.flagged {
        use crate::db::schema::payment_flags;
        let open =
            payment_flags::table.filter(payment_flags::cleared_at.is_null()).select(payment_flags::registration_id);
        q = q.filter(registrations::id.eq_any(open));
    }
    if let Some(other) = f.also_at {
        let there = elsewhere
            .filter(elsewhere.field(registrations::conference_id).eq(other))
            .filter(elsewhere.field(registrations::status).eq(Status::Confirmed))
            .select(elsewhere.field(registrations::user_id));
        q = q.filter(registrations::user_id.eq_any(there));
    }
    let words = f.words.trim();
    if !words.is_empty() {
        let pattern = like(words);
        let people = users::table
            .filter(users::name.ilike(pattern.clone()).or(users::email.ilike(pattern.clone())))
            .select(users::id);
        q = q.filter(
            registrations::user_id
                .eq_any(people)
                .or(registrations::badge_name.ilike(pattern.clone()))
                .or(registrations::affiliation.ilike(pattern)),
        );
    }
    q
}

/// How many registrations match `f`.
pub fn desk_count(conn: &mut PgConnection, conference_id: i64, f: &DeskFilter) -> QueryResult<i64> {
    filtered(conference_id, f).count().get_result(conn)
}

/// The registrations from `offset` matching `f` (oldest first, `limit` of
/// them) with their holders' names and addresses.
pub fn desk_page(
    conn: &mut PgConnection,
    conference_id: i64,
    f: &DeskFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(Registration, String, String)>> {
    let ids: Vec<i64> = filtered(conference_id, f)
        .order(registrations::id)
        .offset(offset)
        .limit(limit)
        .select(registrations::id)
        .load(conn)?;
    registrations::table
        .inner_join(users::table)
        .filter(registrations::id.eq_any(&ids))
        .order(registrations::id)
        .select((Registration::as_select(), users::name, users::email))
        .load(conn)
}

/// The desk's counts over the whole conference.
#[derive(Debug, Clone, QueryableByName)]
pub struct DeskTotals {
    /// Registrations with an open note on their money.
    #[diesel(sql_type = BigInt)]
    pub flagged: i64,
    #[diesel(sql_type = BigInt)]
    pub confirmed: i64,
    #[diesel(sql_type = BigInt)]
    pub waitlisted: i64,
    #[diesel(sql_type = BigInt)]
    pub offered: i64,
    #[diesel(sql_type = BigInt)]
    pub ended: i64,
    #[diesel(sql_type = BigInt)]
    pub paid: i64,
    #[diesel(sql_type = BigInt)]
    pub unpaid: i64,
    #[diesel(sql_type = BigInt)]
    pub invoiced: i64,
    #[diesel(sql_type = BigInt)]
    pub checked_in: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_minor: i64,
    #[diesel(sql_type = BigInt)]
    pub outstanding_minor: i64,
}

pub fn desk_totals(conn: &mut PgConnection, conference_id: i64) -> QueryResult<DeskTotals> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, \
                count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted, \
                count(*) FILTER (WHERE status = 'offered') AS offered, \
                count(*) FILTER (WHERE status NOT IN ('confirmed', 'waitlisted', 'offered')) AS ended, \
                count(*) FILTER (WHERE payment_status IN ('paid', 'partially_refunded')) AS paid, \
                count(*) FILTER (WHERE status = 'confirmed' AND payment_status = 'unpaid') AS unpaid, \
                count(*) FILTER (WHERE status = 'confirmed' AND payment_status = 'invoiced') AS invoiced, \
                count(*) FILTER (WHERE checked_in_at IS NOT NULL) AS checked_in, \
                coalesce(sum(amount_paid_minor - amount_refunded_minor), 0)::bigint AS revenue_minor, \
                (SELECT count(DISTINCT f.registration_id) FROM payment_flags f JOIN registrations x \
                   ON x.id = f.registration_id WHERE x.conference_id = $1 AND f.cleared_at IS NULL) AS flagged, \
                coalesce(sum(fee_minor) FILTER (WHERE status = 'confirmed' \
                                                 AND payment_status IN ('unpaid', 'invoiced')), 0)::bigint \
                    AS outstanding_minor \
         FROM registrations WHERE conference_id = $1",
    )
    .bind::<BigInt, _>(conference_id)
    .get_result(conn)
}

/// Confirmed seats by ticket type id, and by tier label (in label order).
pub type ConfirmedBy = (Vec<(i64, i64)>, Vec<(String, i64)>);

pub fn confirmed_by(conn: &mut PgConnection, conference_id: i64) -> QueryResult<ConfirmedBy> {
    let confirmed = registrations::conference_id.eq(conference_id).and(registrations::status.eq(Status::Confirmed));
    let by_type = registrations::table
        .filter(confirmed)
        .group_by(registrations::ticket_type_id)
        .select((registrations::ticket_type_id, sql::<BigInt>("count(*)")))
        .load(conn)?;
    let by_tier = registrations::table
        .filter(confirmed)
        .group_by(registrations::tier_label)
        .order(registrations::tier_label)
        .select((registrations::tier_label, sql::<BigInt>("count(*)")))
        .load::<(String, i64)>(conn)?;
    Ok((by_type, by_tier))
}
