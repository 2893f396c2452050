use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

/// The HS256 signing key. At least 32 bytes (256 bits, the HMAC-SHA256 output
/// size), because a short secret can be brute-forced offline from any token.
/// Wiped from memory when dropped.
#[derive(Clone)]
pub struct JwtSecret(Zeroizing<Vec<u8>>);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SecretError {
    #[error(
        "JWT_SECRET must be at least {min} bytes long (it is {len}); generate one with `openssl rand -hex 32`"
    )]
    TooShort { len: usize, min: usize },
    #[error("could not get random bytes from the operating system: {0}")]
    Random(String),
}

impl JwtSecret {
    pub const MIN_BYTES: usize = 32;

    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, SecretError> {
        let bytes = Zeroizing::new(bytes.into());
        if bytes.len() < Self::MIN_BYTES {
            return Err(SecretError::TooShort {
                len: bytes.len(),
                min: Self::MIN_BYTES,
            });
        }
        Ok(Self(bytes))
    }

    /// A fresh random secret, as 64 hex characters (so it can be stored in a
    /// text file or an environment variable as it is).
    pub fn generate_hex() -> Result<String, SecretError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(bytes.as_mut()).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for JwtSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(
            JwtSecret::new("too-short").unwrap_err(),
            SecretError::TooShort { len: 9, min: 32 }
        );
        assert!(JwtSecret::new([7u8; 32]).is_ok());
    }

    #[test]
    fn generated_secrets_are_long_and_different() {
        let (a, b) = (
            JwtSecret::generate_hex().unwrap(),
            JwtSecret::generate_hex().unwrap(),
        );
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(JwtSecret::new(a).is_ok());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let secret = JwtSecret::new("s".repeat(40)).unwrap();
        assert!(!format!("{secret:?}").contains("sss"));
    }
}
