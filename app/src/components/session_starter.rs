use crate::{client::session::Session, domain::ReturnPath, error::ApiError, wire::LoginResponse};
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_query_map};

/// When `result` becomes a successful login (log in, sign up), store the
/// token, start the session and go back where the person came from
/// (`?next=`, a path on this site) or to the profile.
pub fn session_starter(
    result: impl Fn() -> Option<Result<LoginResponse, ApiError>> + Send + Sync + 'static,
) {
    let session = Session::get();
    let query = use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(LoginResponse { token, user, .. })) = result() {
            session.start(&token, &user);
            let next = query.with_untracked(|query| query.get("next"));
            let target = ReturnPath::after_login(next.as_deref());
            navigate(target.as_str(), NavigateOptions::default());
        }
    });
}
