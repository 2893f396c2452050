//! What every token of one sign-in carries, renewals included (not the
//! `Login` server function, which is the form it comes from).

use crate::domain::SignInMethod;

/// How the person signed in (the tokens' `amr`), when they last proved who
/// they are (their `auth_time`, Unix seconds), and the DPoP key the login is
/// bound to (their `cnf.jkt`), if its sign-in carried a proof.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignIn {
    pub method: SignInMethod,
    pub jkt: Option<String>,
    pub auth_time: u64,
}

impl SignIn {
    /// A sign-in by `method` made now, bound to `jkt` if given.
    pub fn now(method: SignInMethod, jkt: Option<String>) -> Self {
        Self {
            method,
            jkt,
            auth_time: crate::clock::unix_now(),
        }
    }

    /// A password sign-in made now, bound to `jkt` if given.
    pub fn password(jkt: Option<String>) -> Self {
        Self::now(SignInMethod::Password, jkt)
    }
}
