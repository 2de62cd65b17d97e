//! Enums stored as words: each status or kind is declared once with the word the
//! database's CHECK constraint allows, and that same word is what templates
//! compare and the JSON API shows.

/// A stored word that no variant of `kind` has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    pub kind: &'static str,
    pub word: String,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a {}", self.word, self.kind)
    }
}

impl std::error::Error for UnknownWord {}

/// Declares an enum whose variants are written as `Variant = "word"`: it gets
/// `ALL`, `as_str`, `FromStr`, `Display` and serde as that word.
macro_rules! stored_words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::words::UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::domain::words::UnknownWord { kind: stringify!($name), word: s.to_string() }),
                }
            }
        }

        /// Compares with a stored word as text (what tests and raw rows hold).
        impl PartialEq<&str> for $name {
            fn eq(&self, word: &&str) -> bool {
                self.as_str() == *word
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// In the API's OpenAPI document: a string, one of the stored words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($word),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <String as serde::Deserialize>::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::{Debug, Display};
    use std::str::FromStr;

    /// Every word reads back as its variant, by `FromStr` and through JSON, and
    /// JSON shows the bare word.
    pub(crate) fn round_trip<T>(all: &[T])
    where
        T: Copy + PartialEq + Debug + Display + FromStr + serde::Serialize + serde::de::DeserializeOwned,
        T::Err: Debug,
    {
        for &v in all {
            let word = v.to_string();
            assert_eq!(word.parse::<T>().expect("its own word"), v);
            let json = serde_json::to_string(&v).expect("serializes");
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<T>(&json).expect("deserializes"), v);
        }
        assert!("no such word".parse::<T>().is_err());
    }
}
