//! Column types read into the app's own types once, at the database edge.

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::Text;

/// A conference's IANA time zone as stored (text), read as a parsed `Tz`: the
/// zone is parsed once here, never re-parsed with a silent fallback to UTC.
#[derive(diesel::deserialize::FromSqlRow)]
pub struct ZoneText(chrono_tz::Tz);

impl FromSql<Text, Pg> for ZoneText {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let name = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
        name.parse::<chrono_tz::Tz>()
            .map(ZoneText)
            .map_err(|_| format!("unknown time zone {name:?} in the database").into())
    }
}

impl From<ZoneText> for chrono_tz::Tz {
    fn from(z: ZoneText) -> chrono_tz::Tz {
        z.0
    }
}
