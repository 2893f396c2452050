//! `GET /api/account/export`: everything Photo Spots holds about the
//! caller, as one JSON file to keep (GDPR Art. 20): the profile, the ways
//! they sign in, their sessions, their security activity and the spots
//! they added. Never a secret: no password hash, token, refresh value,
//! recovery code or key material, and no session or passkey ids (they name
//! things to the API; they mean nothing to a person). The page adds the
//! favourites, which the favourites service holds.

use app::{
    auth::Authenticated,
    clock::unix_now,
    domain::{ActivityKind, SignInMethod},
    error::ApiError,
    spots::civil_date,
    state::AppState,
};
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header::CONTENT_DISPOSITION},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// Names the file's layout, so that a reader can tell later versions.
const FORMAT: &str = "photo-spots-export/1";
/// Activity read per query.
const ACTIVITY_PAGE: u32 = 500;

#[derive(Serialize)]
struct Export {
    format: &'static str,
    /// Unix seconds.
    exported_at: u64,
    profile: Profile,
    sign_in: SignInWays,
    sessions: Vec<Session>,
    activity: Vec<Event>,
    spots_added: Vec<SpotAdded>,
}

#[derive(Serialize)]
struct Profile {
    id: i64,
    username: String,
    name: String,
    admin: bool,
}

#[derive(Serialize)]
struct SignInWays {
    password: bool,
    passkeys: Vec<Passkey>,
    recovery_codes_left: u32,
}

#[derive(Serialize)]
struct Passkey {
    name: String,
    synced: bool,
    created_at: i64,
    last_used_at: Option<i64>,
}

#[derive(Serialize)]
struct Session {
    device: String,
    network: String,
    signed_in_with: SignInMethod,
    created_at: i64,
    last_used_at: i64,
    current: bool,
}

#[derive(Serialize)]
struct Event {
    at: i64,
    kind: ActivityKind,
    detail: String,
}

#[derive(Serialize)]
struct SpotAdded {
    slug: String,
    name: String,
    place: String,
    added_at: i64,
    hidden: bool,
}

pub async fn download(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    auth.require_recent_sign_in(state.step_up_max_age)?;
    let now = unix_now();
    let export = gather(&auth, &state, now).await?;
    let file = format!(
        "attachment; filename=\"photo-spots-{}-{}.json\"",
        export.profile.username,
        civil_date(i64::try_from(now).unwrap_or(i64::MAX))
    );
    // A username is lowercase letters, digits and `-_.`: always a valid header.
    let file = HeaderValue::from_str(&file).map_err(|_| ApiError::Internal)?;
    tracing::info!(user = %auth.user_id(), "account data exported");
    Ok(([(CONTENT_DISPOSITION, file)], Json(export)).into_response())
}

async fn gather(auth: &Authenticated, state: &AppState, now: u64) -> Result<Export, ApiError> {
    let id = auth.user_id();
    let user = auth.user();
    let password = state
        .users
        .find_credentials_by_id(id)
        .await?
        .is_some_and(|credentials| credentials.password_hash.is_some());
    let passkeys = state.passkeys.list(id).await?;
    let sessions = state.refresh.sessions(id, &auth.claims().sid).await?;
    let spots = state.spots.added_by(id).await?;
    Ok(Export {
        format: FORMAT,
        exported_at: now,
        profile: Profile {
            id: id.get(),
            username: user.username.to_string(),
            name: user.name.to_string(),
            admin: auth.is_admin_in_database(),
        },
        sign_in: SignInWays {
            password,
            passkeys: passkeys
                .into_iter()
                .map(|passkey| Passkey {
                    name: passkey.name,
                    synced: passkey.synced,
                    created_at: passkey.created_at,
                    last_used_at: passkey.last_used_at,
                })
                .collect(),
            recovery_codes_left: state.recovery.left(id).await?,
        },
        sessions: sessions
            .into_iter()
            .map(|session| Session {
                device: session.label,
                network: session.address,
                signed_in_with: session.amr,
                created_at: session.created_at,
                last_used_at: session.last_used_at,
                current: session.current,
            })
            .collect(),
        activity: all_activity(state, id).await?,
        spots_added: spots
            .into_iter()
            .map(|spot| SpotAdded {
                slug: spot.slug.to_string(),
                name: spot.name,
                place: spot.place,
                added_at: spot.added_at,
                hidden: spot.hidden,
            })
            .collect(),
    })
}

/// Every event kept (90 days), newest first.
async fn all_activity(state: &AppState, id: app::domain::UserId) -> Result<Vec<Event>, ApiError> {
    let mut events = Vec::new();
    let mut before = None;
    loop {
        let page = state.activity.page(id, before, ACTIVITY_PAGE).await?;
        let full = page.len() == ACTIVITY_PAGE as usize;
        before = page.last().map(|event| event.id);
        events.extend(page.into_iter().map(|event| Event {
            at: event.at,
            kind: event.kind,
            detail: event.detail,
        }));
        if !full {
            return Ok(events);
        }
    }
}
