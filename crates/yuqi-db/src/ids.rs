//! Identifiers and random secrets.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::DbError;

/// Length of an id in hex digits (128 random bits).
const ID_HEX_LEN: usize = 32;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parses an id received from outside (a URL, a form). `None` unless it is exactly 32
            /// lowercase hex digits, so junk never reaches a query.
            pub fn parse(s: &str) -> Option<Self> {
                is_id(s).then(|| Self(s.to_owned()))
            }

            /// The id as stored: 32 lowercase hex digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub(crate) fn generate() -> Result<Self, DbError> {
                Ok(Self(random_hex_id()?))
            }

            /// Wraps an id read back from the database.
            pub(crate) fn from_db(s: String) -> Self {
                Self(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_id! {
    /// A user's id: 128 random bits as 32 lowercase hex digits.
    UserId
}

text_id! {
    /// A case's id: 128 random bits as 32 lowercase hex digits.
    CaseId
}

fn is_id(s: &str) -> bool {
    s.len() == ID_HEX_LEN && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], DbError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| DbError::Random(e.to_string()))?;
    Ok(buf)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// 128 random bits as 32 lowercase hex digits.
pub(crate) fn random_hex_id() -> Result<String, DbError> {
    Ok(hex(&random_bytes::<16>()?))
}

/// 256 random bits, URL-safe base64 without padding (43 characters).
pub(crate) fn random_token() -> Result<String, DbError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// Lowercase hex SHA-256 of `s`: what the sessions table stores instead of the token.
pub(crate) fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lowercase_hex_and_distinct() {
        let a = CaseId::generate().expect("random");
        let b = CaseId::generate().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert_eq!(CaseId::parse(a.as_str()), Some(a.clone()));
        assert_eq!(CaseId::parse(&a.as_str().to_uppercase()), None);
        assert_eq!(CaseId::parse("../../etc/passwd"), None);
        assert_eq!(CaseId::parse(""), None);
        assert_eq!(UserId::parse("0123456789abcdef0123456789abcdeg"), None);
    }

    #[test]
    fn tokens_are_url_safe_256_bit() {
        let t = random_token().expect("random");
        assert_eq!(t.len(), 43);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(t, random_token().expect("random"));
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
