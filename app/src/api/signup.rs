use crate::client::LoginClient;
use crate::{error::ApiError, wire::LoginResponse};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/signup` `{"username","password","name"}` → `{"token","user"}`:
/// creates the account and logs in. A taken username is 409.
#[server(prefix = "/api", endpoint = "signup", input = Json, output = Json, client = LoginClient)]
pub async fn signup(
    username: String,
    password: String,
    name: String,
) -> Result<LoginResponse, ApiError> {
    use crate::{
        domain::{UserName, Username},
        state::AppState,
    };

    let state = AppState::from_context()?;
    let username = Username::parse(&username)?;
    let name = UserName::parse(&name)?;
    let password = super::new_password::chosen(&password, (&username, &name), "password").await?;
    let proof = super::login::login_proof(&state)?;
    let hash = state.passwords.clone().hash_off_thread(password).await?;
    let user = state
        .users
        .create_user(&username, &name, &hash)
        .await?
        .ok_or(ApiError::UsernameTaken)?;
    let jkt = super::login::spend_login_proof(&state, proof).await?;
    tracing::info!(user = %user.id, %username, "signed up");
    super::login::record_sign_in(&state, user.id, crate::domain::SignInMethod::Password).await;
    let holder = crate::users::CurrentUser::new_user(user);
    super::login::start_session(&state, holder, crate::auth::SignIn::password(jkt)).await
}
