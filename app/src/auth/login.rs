//! What every token of one login carries, renewals included.

use crate::domain::SignInMethod;

/// How the person signed in (the tokens' `amr`) and the DPoP key the
/// login is bound to (their `cnf.jkt`), if its sign-in carried a proof.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Login {
    pub method: SignInMethod,
    pub jkt: Option<String>,
}

impl Login {
    /// A password sign-in, bound to `jkt` if given.
    pub fn password(jkt: Option<String>) -> Self {
        Self {
            method: SignInMethod::Password,
            jkt,
        }
    }
}
