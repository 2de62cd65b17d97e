//! Column types read into the app's own types once, at the database edge.

use crate::domain;
use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
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

/// The words-as-enums of `domain` (declared with `stored_words!`) read from and
/// written to their text columns: a word the enum does not know is an error
/// here, never a silent default.
macro_rules! text_columns {
    ($($ty:ty),+ $(,)?) => {$(
        const _: () = {
            #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
            #[diesel(foreign_derive, sql_type = Text)]
            #[allow(dead_code)]
            struct Stored($ty);
        };

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                Ok(<String as FromSql<Text, Pg>>::from_sql(bytes)?.parse::<$ty>()?)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }
    )+};
}

text_columns!(
    domain::account::ApiScope,
    domain::account::TokenPurpose,
    domain::booking::BookingKind,
    domain::mail::MailStatus,
    domain::proposal::CallKind,
    domain::proposal::InvitationStatus,
    domain::proposal::ProposalState,
    domain::payment::PaymentMethod,
    domain::payment::RefundReason,
    domain::payment::RefundState,
    domain::registration::PaymentStatus,
    domain::registration::Status,
    domain::review::AssignmentSource,
    domain::review::ConflictSource,
    domain::review::Decision,
    domain::review::Visibility,
    domain::schedule::ItemKind,
    domain::unconference::InterestLevel,
);
