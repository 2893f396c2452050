use crate::{
    api::{ApiError, LoginResponse},
    client::session::Session,
};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// When `result` becomes a successful login (log in, sign up), store the
/// token, start the session and go to the profile.
pub fn session_starter(
    result: impl Fn() -> Option<Result<LoginResponse, ApiError>> + Send + Sync + 'static,
) {
    let session = Session::get();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(LoginResponse { token, user })) = result() {
            session.start(&token, &user);
            navigate("/profile", NavigateOptions::default());
        }
    });
}
