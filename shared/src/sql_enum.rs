//! Rust enums stored as text columns (`role`, `locale`, `status`, …): [`text_enum!`] gives an enum
//! its stored names, `Display`/`FromStr` over them, and the sqlx traits that read and write it
//! as the column's text — so queries return the enum, never a `String` to parse by hand.

/// Declares how an enum is stored as text: `text_enum!(JobStatus { Queued => "queued", … });`
/// implements `as_str`, `ALL`, `Display` (honouring width), `FromStr` and sqlx's `Type`, `Encode`
/// and `Decode` for MySQL (compatible with `VARCHAR`/`CHAR`/`ENUM` columns).
#[macro_export]
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    other => Err(format!("unknown {} {other:?}", stringify!($ty))),
                }
            }
        }

        impl ::sqlx::Type<::sqlx::MySql> for $ty {
            fn type_info() -> ::sqlx::mysql::MySqlTypeInfo {
                <str as ::sqlx::Type<::sqlx::MySql>>::type_info()
            }

            fn compatible(ty: &::sqlx::mysql::MySqlTypeInfo) -> bool {
                <str as ::sqlx::Type<::sqlx::MySql>>::compatible(ty)
            }
        }

        impl<'q> ::sqlx::Encode<'q, ::sqlx::MySql> for $ty {
            fn encode_by_ref(&self, buf: &mut Vec<u8>) -> Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <&str as ::sqlx::Encode<'q, ::sqlx::MySql>>::encode_by_ref(&self.as_str(), buf)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::MySql> for $ty {
            fn decode(value: ::sqlx::mysql::MySqlValueRef<'r>) -> Result<Self, ::sqlx::error::BoxDynError> {
                let text = <&str as ::sqlx::Decode<'r, ::sqlx::MySql>>::decode(value)?;
                text.parse::<$ty>().map_err(Into::into)
            }
        }
    };
}
