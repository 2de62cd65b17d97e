//! Hand-written SQL that PostgreSQL parses and plans once per connection.
//!
//! `diesel::sql_query` marks every statement unsafe to cache, so each call is
//! parsed and planned again; for the statements on the hot write paths (taking
//! a seat, booking a room) that was a good share of the database's work per
//! request. `prepared` takes a fixed text (`&'static str`: the statement cache
//! is keyed by it and must not grow with the data) and binds like
//! `sql_query(..).bind(..)`, but lets diesel keep the prepared statement.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{QueryResult, RunQueryDsl};
use std::marker::PhantomData;

/// A fixed SQL text with its bind values (`$1`, `$2`, … in order).
#[must_use = "queries are only executed when calling `load`, `get_result` or similar"]
pub struct Prepared<'f> {
    sql: &'static str,
    binds: Vec<Box<dyn QueryFragment<Pg> + Send + 'f>>,
}

/// Starts a statement from a fixed text; see the module documentation.
pub fn prepared(sql: &'static str) -> Prepared<'static> {
    Prepared { sql, binds: Vec::new() }
}

impl<'f> Prepared<'f> {
    /// Binds the next parameter, as `sql_query(..).bind::<ST, _>(value)`.
    pub fn bind<ST, V>(self, value: V) -> Prepared<'f>
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + 'f,
        ST: Send + 'f,
    {
        let mut binds = self.binds;
        binds.push(Box::new(Bind::<ST, V> { value, sql_type: PhantomData }));
        Prepared { sql: self.sql, binds }
    }
}

struct Bind<ST, V> {
    value: V,
    sql_type: PhantomData<ST>,
}

impl<ST, V> QueryFragment<Pg> for Bind<ST, V>
where
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.value)
    }
}

/// Diesel writes each bind's placeholder itself, so the text is handed over in
/// the pieces between its `$n`, and each `$n` becomes the n-th bind again (a
/// value used twice is sent twice). The texts are ours: a `$` is always a
/// parameter, never inside a literal.
impl QueryFragment<Pg> for Prepared<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut rest = self.sql;
        while let Some(at) = rest.find('$') {
            out.push_sql(&rest[..at]);
            let digits = rest[at + 1..].bytes().take_while(u8::is_ascii_digit).count();
            let n: usize = rest[at + 1..at + 1 + digits].parse().map_err(|_| unbound(self.sql))?;
            let bind = n.checked_sub(1).and_then(|i| self.binds.get(i)).ok_or_else(|| unbound(self.sql))?;
            bind.walk_ast(out.reborrow())?;
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

fn unbound(sql: &str) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(format!("a parameter without a bound value in: {sql}").into())
}

/// Not a static id: diesel then keys its statement cache by the SQL text and
/// the bind types, which is what makes the fixed text a requirement.
impl QueryId for Prepared<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared<'_> {}

#[cfg(test)]
mod tests {
    use super::prepared;
    use diesel::pg::Pg;
    use diesel::sql_types::{BigInt, Text};

    #[test]
    fn each_parameter_is_sent_with_its_value_in_the_order_written() {
        let q = prepared("SELECT $2::text, $1 + $1 WHERE $10 IS NULL").bind::<BigInt, _>(7).bind::<Text, _>("x");
        let q = q
            .bind::<BigInt, _>(3)
            .bind::<BigInt, _>(4)
            .bind::<BigInt, _>(5)
            .bind::<BigInt, _>(6)
            .bind::<BigInt, _>(7)
            .bind::<BigInt, _>(8)
            .bind::<BigInt, _>(9)
            .bind::<Text, _>("ten");
        let text = diesel::debug_query::<Pg, _>(&q).to_string();
        assert_eq!(text, r#"SELECT $1::text, $2 + $3 WHERE $4 IS NULL -- binds: ["x", 7, 7, "ten"]"#);
    }

    #[test]
    fn a_parameter_without_a_value_is_an_error_not_a_panic() {
        let q = prepared("SELECT $1, $2").bind::<BigInt, _>(1);
        let mut sql = diesel::pg::PgQueryBuilder::default();
        let walked = diesel::query_builder::QueryFragment::<Pg>::to_sql(&q, &mut sql, &Pg);
        assert!(walked.is_err());
    }
}
