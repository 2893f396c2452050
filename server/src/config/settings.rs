//! Every setting of both binaries, as clap declares them: the flag, the
//! environment variable (the names deployments use), the default and the
//! meaning that `--help` prints. What each value may be is checked here, by
//! the parsers in `values`; what settings mean together is checked by
//! [`Config`](super::Config) and the favourites service's config.

use app::{
    auth::{ThrottleLimits, refresh},
    db::{DatabaseKind, DatabaseOptions},
};
use service_kit::serve::ServeLimits;
use service_kit::settings::{
    SharedSettings,
    values::{ip_addr, number, origin, socket_addr, switch, text},
};
use std::{net::SocketAddr, path::PathBuf};

/// A token may live at most 30 days; longer is a configuration mistake.
pub const MAX_TOKEN_TTL_SECONDS: u32 = 30 * 24 * 3600;
/// Browsers cap a cookie's life at 400 days; a login can't outlive its cookie.
pub const MAX_REFRESH_SECONDS: u32 = 400 * 86_400;

/// The main app's settings (`server`).
#[derive(Clone, Debug, clap::Args)]
pub struct AppSettings {
    /// Address to listen on [default: 127.0.0.1:3000, or what cargo-leptos says]
    #[arg(long, env = "LEPTOS_SITE_ADDR", value_name = "ADDR", value_parser = socket_addr,
          help_heading = "Serving")]
    pub site_addr: Option<SocketAddr>,
    /// The origin browsers reach this app at (behind a load balancer, its address); DPoP
    /// proofs and passkeys name it [default: http://localhost:PORT in development; required in a
    /// release build]
    #[arg(long, env = "PUBLIC_ORIGIN", value_name = "URL", value_parser = origin,
          help_heading = "Serving")]
    pub public_origin: Option<String>,
    /// The favourites service's origin as browsers reach it (the page's CSP allows it)
    #[arg(long, env = "FAVORITES_URL", value_name = "URL", value_parser = origin,
          default_value = super::DEFAULT_FAVORITES_URL, help_heading = "Serving")]
    pub favorites_url: String,
    /// Where this app pushes security events (an account deleted) to the favourites service, as
    /// this server reaches it (RFC 8935) [default: FAVORITES_URL/api/security-events]
    #[arg(long, env = "FAVORITES_EVENTS_URL", value_name = "URL", value_parser = http_url,
          help_heading = "Serving")]
    pub favorites_events_url: Option<String>,
    /// 1: create the demo users (john, jack, ada) if missing [default: 1 in development, 0 in a release build]
    #[arg(long, env = "PHOTO_SPOTS_DEMO", value_name = "0|1", value_parser = switch,
          action = clap::ArgAction::Set, help_heading = "Serving")]
    pub demo: Option<bool>,
    /// Time a connection has to send a request's head, in seconds
    #[arg(long, env = "HTTP_HEADER_TIMEOUT_SECONDS", value_name = "SECONDS", default_value_t = ServeLimits::default().header_timeout.as_secs() as u32,
          value_parser = number::<1, 300>, help_heading = "Serving")]
    pub http_header_timeout_seconds: u32,
    /// Time a request's whole body has to arrive, in seconds
    #[arg(long, env = "HTTP_BODY_TIMEOUT_SECONDS", value_name = "SECONDS", default_value_t = ServeLimits::default().body_timeout.as_secs() as u32,
          value_parser = number::<1, 3600>, help_heading = "Serving")]
    pub http_body_timeout_seconds: u32,
    /// Connections served at once; more wait in the kernel's accept queue
    #[arg(long, env = "HTTP_MAX_CONNECTIONS", value_name = "N", default_value_t = ServeLimits::default().max_connections as u32,
          value_parser = number::<1, 1_000_000>, help_heading = "Serving")]
    pub http_max_connections: u32,
    /// 1: admin calls need a passkey sign-in (a token whose amr is not pwd); 0: an admin's password
    /// sign-in suffices
    #[arg(long, env = "ADMIN_REQUIRES_PASSKEY", value_name = "0|1", default_value = "0",
          value_parser = switch, action = clap::ArgAction::Set, help_heading = "Serving")]
    pub admin_requires_passkey: bool,
    /// Load balancers (IP addresses, comma-separated) whose X-Forwarded-For names the client
    /// [default: none]
    #[arg(long, env = "TRUSTED_PROXY_ADDRESSES", value_name = "IPS", value_delimiter = ',',
          value_parser = ip_addr, help_heading = "Serving")]
    pub trusted_proxy_addresses: Vec<std::net::IpAddr>,

    /// sqlite://PATH (one instance) or postgres://USER:PASSWORD@HOST/DB (several instances)
    #[arg(long, env = "DATABASE_URL", value_name = "URL", value_parser = database_url,
          default_value = super::DEFAULT_DATABASE_URL, help_heading = "Database")]
    pub database_url: String,
    /// PostgreSQL connections per instance
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", value_name = "N",
          default_value_t = DatabaseOptions::new("").max_connections,
          value_parser = number::<1, 1000>, help_heading = "Database")]
    pub database_max_connections: u32,
    /// PostgreSQL statement_timeout: a statement running longer fails and its request answers 503
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS", value_name = "MS",
          default_value_t = DatabaseOptions::new("").statement_timeout.as_millis() as u32,
          value_parser = number::<1, 600_000>, help_heading = "Database")]
    pub database_statement_timeout_ms: u32,
    /// How long a request waits for a database connection before it answers 503
    #[arg(long, env = "DATABASE_CONNECT_TIMEOUT_SECONDS", value_name = "SECONDS",
          default_value_t = DatabaseOptions::new("").connect_timeout.as_secs() as u32,
          value_parser = number::<1, 300>, help_heading = "Database")]
    pub database_connect_timeout_seconds: u32,
    /// How long start-up retries a database that is not reachable
    #[arg(long, env = "DATABASE_START_TIMEOUT_SECONDS", value_name = "SECONDS",
          default_value_t = DatabaseOptions::new("").start_timeout.as_secs() as u32,
          value_parser = number::<1, 86_400>, help_heading = "Database")]
    pub database_start_timeout_seconds: u32,
    /// Where spot photos are written; several instances need one shared directory
    /// [default: photos/ beside the SQLite file]
    #[arg(
        long,
        env = "PHOTOS_DIR",
        value_name = "DIR",
        help_heading = "Database"
    )]
    pub photos_dir: Option<PathBuf>,
    /// Uploads decoded and resized at the same time
    #[arg(long, env = "PHOTO_WORKERS", value_name = "N", default_value_t = super::DEFAULT_PHOTO_WORKERS,
          value_parser = number::<1, 64>, help_heading = "Database")]
    pub photo_workers: u32,

    /// Ed25519 private key (PKCS#8 PEM; `server keys rotate` creates one)
    /// [default: a development key beside the database, outside a release build]
    #[arg(
        long,
        env = "JWT_PRIVATE_KEY_FILE",
        value_name = "FILE",
        help_heading = "Tokens"
    )]
    pub jwt_private_key_file: Option<PathBuf>,
    /// Keep the keys in the PostgreSQL database, sealed under this key (`server keys new-kek`).
    /// Prefer the variable: a flag shows in `ps`
    #[arg(long, env = "JWT_KEY_ENCRYPTION_KEY", value_name = "KEY", value_parser = text,
          help_heading = "Tokens")]
    pub jwt_key_encryption_key: Option<String>,
    /// With keys in the database: how often each instance rereads them, in seconds
    #[arg(long, env = "JWT_KEY_REFRESH_SECONDS", value_name = "SECONDS",
          default_value_t = super::DEFAULT_KEY_REFRESH_SECONDS, value_parser = number::<1, 60>, help_heading = "Tokens")]
    pub jwt_key_refresh_seconds: u32,
    /// Access token lifetime, in seconds
    #[arg(long, env = "JWT_TTL_SECONDS", value_name = "SECONDS",
          default_value_t = super::DEFAULT_TOKEN_TTL.as_secs() as u32,
          value_parser = number::<1, MAX_TOKEN_TTL_SECONDS>, help_heading = "Tokens")]
    pub jwt_ttl_seconds: u32,
    /// How long other services may cache the JWKS (Cache-Control: max-age), in seconds
    #[arg(long, env = "JWKS_MAX_AGE_SECONDS", value_name = "SECONDS",
          default_value_t = super::DEFAULT_JWKS_MAX_AGE_SECONDS,
          value_parser = number::<1, 86_400>, help_heading = "Tokens")]
    pub jwks_max_age_seconds: u32,
    /// How recent a sign-in must be for sensitive changes (the password, passkeys, recovery codes), in seconds; older ones must confirm it's them first
    #[arg(long, env = "STEP_UP_MAX_AGE_SECONDS", value_name = "SECONDS",
          default_value_t = 600,
          value_parser = number::<1, 86_400>, help_heading = "Tokens")]
    pub step_up_max_age_seconds: u32,
    /// A login unused this long ends (sliding: each renewal starts it again), in seconds
    #[arg(long, env = "REFRESH_TTL_SECONDS", value_name = "SECONDS",
          default_value_t = refresh::DEFAULT_REFRESH_TTL.as_secs() as u32,
          value_parser = number::<1, MAX_REFRESH_SECONDS>, help_heading = "Tokens")]
    pub refresh_ttl_seconds: u32,
    /// A login ends this long after it started, however active, in seconds
    #[arg(long, env = "REFRESH_MAX_AGE_SECONDS", value_name = "SECONDS",
          default_value_t = refresh::DEFAULT_REFRESH_MAX_AGE.as_secs() as u32,
          value_parser = number::<1, MAX_REFRESH_SECONDS>, help_heading = "Tokens")]
    pub refresh_max_age_seconds: u32,

    /// Failed logins one client address may make per window before 429
    #[arg(long, env = "LOGIN_MAX_FAILURES_PER_ADDRESS", value_name = "N",
          default_value_t = ThrottleLimits::default().per_address,
          value_parser = number::<1, 1_000_000>, help_heading = "Login throttle")]
    pub login_max_failures_per_address: u32,
    /// Failed logins one username may receive per window, from all addresses, before 429
    #[arg(long, env = "LOGIN_MAX_FAILURES_PER_USERNAME", value_name = "N",
          default_value_t = ThrottleLimits::default().per_username,
          value_parser = number::<1, 1_000_000>, help_heading = "Login throttle")]
    pub login_max_failures_per_username: u32,
    /// How long failures are remembered (and the longest a 429 lasts), in seconds
    #[arg(long, env = "LOGIN_FAILURE_WINDOW_SECONDS", value_name = "SECONDS",
          default_value_t = ThrottleLimits::default().window.as_secs() as u32,
          value_parser = number::<1, 86_400>, help_heading = "Login throttle")]
    pub login_failure_window_seconds: u32,

    #[command(flatten)]
    pub shared: SharedSettings,
}

/// `sqlite://…` or `postgres://…`. Only the scheme is echoed: the rest may
/// hold a password.
pub fn database_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    if DatabaseKind::of(text).is_some() {
        return Ok(text.to_owned());
    }
    let scheme: String = text
        .split(':')
        .next()
        .unwrap_or_default()
        .chars()
        .take(20)
        .collect();
    Err(format!(
        "must be sqlite://PATH (one instance) or postgres://USER@HOST/DB (several instances), \
         not one starting {scheme:?}"
    ))
}

/// An http:// or https:// URL (a security event receiver's). Plain http is
/// allowed: a SET is signed, and a receiver may sit on a private network.
pub fn http_url(text: &str) -> Result<String, String> {
    match reqwest::Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(url.to_string())
        }
        _ => Err(format!(
            "must be an http:// or https:// URL, such as http://favorites:3002/api/security-events, \
             not {text:?}"
        )),
    }
}
