use crate::domain::Password;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use thiserror::Error;

#[derive(Debug, Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(String);

/// Argon2id password hashing with the OWASP-recommended parameters
/// (19 MiB of memory, 2 iterations, 1 lane).
///
/// Verifying takes tens of milliseconds on purpose: that is what makes
/// guessing expensive. Call it from a blocking thread, not the async runtime.
pub struct Passwords {
    argon2: Argon2<'static>,
    /// Checked when the username is unknown, so that "no such user" and
    /// "wrong password" take the same time and can't be told apart.
    dummy_hash: String,
    /// How many verifications ran, so tests can prove that every login path
    /// (known user or not) pays for one, and a throttled one for none.
    verifications: AtomicU64,
}

impl Passwords {
    pub fn new() -> Result<Self, PasswordError> {
        let params =
            Params::new(19 * 1024, 2, 1, None).map_err(|e| PasswordError(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash_with(&argon2, "photo-spots-dummy-password")?;
        Ok(Self {
            argon2,
            dummy_hash,
            verifications: AtomicU64::new(0),
        })
    }

    /// A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`, with a fresh salt.
    pub fn hash(&self, password: &Password) -> Result<String, PasswordError> {
        hash_with(&self.argon2, password.expose())
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown user)
    /// the dummy hash is checked anyway and the answer is `false`.
    pub fn verify(&self, password: &Password, stored: Option<&str>) -> bool {
        let matches = |phc: &str| {
            self.verifications.fetch_add(1, Ordering::Relaxed);
            PasswordHash::new(phc)
                .map(|hash| {
                    self.argon2
                        .verify_password(password.expose().as_bytes(), &hash)
                        .is_ok()
                })
                .unwrap_or(false)
        };
        match stored {
            Some(phc) => matches(phc),
            None => {
                matches(&self.dummy_hash);
                false
            }
        }
    }
}

impl Passwords {
    /// [`verify`](Self::verify) on a blocking thread, off the async workers.
    pub async fn verify_off_thread(
        self: Arc<Self>,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        tokio::task::spawn_blocking(move || self.verify(&password, stored.as_deref()))
            .await
            .map_err(|e| PasswordError(e.to_string()))
    }

    /// [`hash`](Self::hash) on a blocking thread, off the async workers.
    pub async fn hash_off_thread(
        self: Arc<Self>,
        password: Password,
    ) -> Result<String, PasswordError> {
        tokio::task::spawn_blocking(move || self.hash(&password))
            .await
            .map_err(|e| PasswordError(e.to_string()))?
    }

    /// Password verifications run so far.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError(e.to_string()))
}

impl From<PasswordError> for crate::error::ApiError {
    fn from(error: PasswordError) -> Self {
        tracing::error!(%error, "password hashing failed");
        Self::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        Password::parse(raw).unwrap()
    }

    #[test]
    fn hash_then_verify_accepts_the_right_password_only() {
        let passwords = Passwords::new().unwrap();
        let hash = passwords.hash(&password("john-password")).unwrap();
        assert!(passwords.verify(&password("john-password"), Some(&hash)));
        assert!(!passwords.verify(&password("john-passwort"), Some(&hash)));
        assert!(!passwords.verify(&password("jack-password"), Some(&hash)));
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_salted() {
        let passwords = Passwords::new().unwrap();
        let a = passwords.hash(&password("same")).unwrap();
        let b = passwords.hash(&password("same")).unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "two hashes of one password must differ by salt");
        assert!(!a.contains("same"));
    }

    #[test]
    fn unknown_user_is_refused_even_with_the_dummy_password() {
        let passwords = Passwords::new().unwrap();
        assert!(!passwords.verify(&password("photo-spots-dummy-password"), None));
    }

    #[test]
    fn unknown_user_and_wrong_password_both_run_the_hash() {
        let passwords = Passwords::new().unwrap();
        let hash = passwords.hash(&password("john-password")).unwrap();
        passwords.verify(&password("guess"), Some(&hash));
        assert_eq!(passwords.verifications(), 1);
        passwords.verify(&password("guess"), None);
        assert_eq!(passwords.verifications(), 2);
    }

    #[test]
    fn a_corrupt_stored_hash_never_matches() {
        let passwords = Passwords::new().unwrap();
        assert!(!passwords.verify(&password("x"), Some("not-a-phc-string")));
    }
}
