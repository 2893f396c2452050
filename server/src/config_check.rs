//! `server config check`: the effective configuration, one `NAME=value` per
//! line, secrets redacted; or the first problem, naming its variable, and a
//! non-zero exit. What an operator runs before starting (or after changing)
//! a deployment. `favorites config check` does the same for the favourites
//! service (its `config::effective`).

use crate::config::{Config, Signing};
use service_kit::settings::shown_addr;

/// The effective settings as `(variable, value)`, in the order the book
/// lists them. Secrets appear only as "set"; the database URL without its
/// password.
pub fn effective(config: &Config) -> Vec<(&'static str, String)> {
    let seconds = |duration: std::time::Duration| duration.as_secs().to_string();
    let mut lines = vec![
        (
            "LEPTOS_SITE_ADDR",
            config.leptos_options.site_addr.to_string(),
        ),
        ("LEPTOS_ENV", format!("{:?}", config.leptos_options.env)),
        ("PUBLIC_ORIGIN", config.public_origin.clone()),
        ("DATABASE_URL", config.database.display_target()),
        (
            "DATABASE_MAX_CONNECTIONS",
            config.database.max_connections.to_string(),
        ),
        (
            "DATABASE_CONNECT_TIMEOUT_SECONDS",
            seconds(config.database.connect_timeout),
        ),
        ("JWT_TTL_SECONDS", seconds(config.token_ttl)),
        ("REFRESH_TTL_SECONDS", seconds(config.refresh.ttl)),
        ("REFRESH_MAX_AGE_SECONDS", seconds(config.refresh.max_age)),
        ("JWKS_MAX_AGE_SECONDS", seconds(config.jwks_max_age)),
        ("STEP_UP_MAX_AGE_SECONDS", seconds(config.step_up_max_age)),
        ("FAVORITES_URL", config.favorites_url.clone()),
        ("FAVORITES_EVENTS_URL", config.favorites_events_url.clone()),
        ("DPOP_REQUIRED", u8::from(config.dpop_required).to_string()),
        (
            "ADMIN_REQUIRES_PASSKEY",
            u8::from(config.admin_requires_passkey).to_string(),
        ),
        ("VERIFIED_TOKENS", config.verified_tokens.to_string()),
        ("PHOTO_SPOTS_DEMO", u8::from(config.demo).to_string()),
        ("PHOTOS_DIR", config.photos.dir.display().to_string()),
        ("PHOTO_WORKERS", config.photos.workers.to_string()),
        (
            "HTTP_MAX_CONNECTIONS",
            config.serve.max_connections.to_string(),
        ),
        (
            "TRUSTED_PROXY_ADDRESSES",
            config
                .trusted_proxies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("METRICS_ADDR", shown_addr(config.metrics_addr)),
    ];
    lines.extend(signing(&config.signing));
    lines
}

/// How tokens are signed, never the key itself.
fn signing(signing: &Signing) -> Vec<(&'static str, String)> {
    match signing {
        Signing::SharedSecret(_) => vec![("JWT_SECRET", "(set, redacted)".into())],
        Signing::KeyFile(path) => vec![("JWT_PRIVATE_KEY_FILE", path.display().to_string())],
        Signing::DevKeyFile(path) => vec![(
            "JWT_PRIVATE_KEY_FILE",
            format!("(unset: development key {})", path.display()),
        )],
        Signing::Database { refresh, .. } => vec![
            ("JWT_KEY_ENCRYPTION_KEY", "(set, redacted)".into()),
            ("JWT_KEY_REFRESH_SECONDS", refresh.as_secs().to_string()),
        ],
    }
}
