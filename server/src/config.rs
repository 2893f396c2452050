//! Configuration from environment variables, validated before anything starts.

use crate::serve::ServeLimits;
use app::{
    auth::{
        JwtSecret, SecretError, ThrottleLimits,
        keys::{KeyEncryptionKey, SealError},
        refresh::{DEFAULT_REFRESH_MAX_AGE, DEFAULT_REFRESH_TTL, RefreshSettings},
    },
    db::{DatabaseKind, DatabaseOptions},
    state::PhotoSettings,
};
use leptos::config::{Env, LeptosOptions, get_configuration};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};
use thiserror::Error;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/photo-spots.db?mode=rwc";
/// Ten minutes: how long a stolen access token works, and how long other
/// services (which can't see revocations) keep accepting a revoked one. The
/// page renews it before then with the refresh cookie.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(600);
/// Where the browser finds the favourites service unless `FAVORITES_URL` says.
pub const DEFAULT_FAVORITES_URL: &str = "http://127.0.0.1:3002";
/// How long other services may cache the JWKS: long enough to spare the
/// issuer, short enough that a retired key leaves their caches soon.
const DEFAULT_JWKS_MAX_AGE_SECONDS: u32 = 300;
/// A token may live at most 30 days; longer is a configuration mistake.
const MAX_TOKEN_TTL_SECONDS: u64 = 30 * 24 * 3600;
/// Browsers cap a cookie's life at 400 days; a login can't outlive its cookie.
const MAX_REFRESH_SECONDS: u32 = 400 * 86_400;
/// Where a generated development signing key is kept, next to the database.
const DEV_KEY_FILE: &str = "dev-jwt-ed25519.pem";
/// How often instances reread keys kept in the database: a rotation is
/// published everywhere within this, and signs after three times this.
const DEFAULT_KEY_REFRESH_SECONDS: u32 = 10;
/// Uploads decoded at once: each can hold a 40-megapixel image (160 MB)
/// and a core for a second or two.
const DEFAULT_PHOTO_WORKERS: u32 = 2;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error("{0}")]
    WeakSecret(#[from] SecretError),
    #[error(
        "no signing key: set JWT_PRIVATE_KEY_FILE to an Ed25519 private key (PKCS#8 PEM; create one \
         with `server keys rotate` or `openssl genpkey -algorithm ed25519`), or \
         JWT_KEY_ENCRYPTION_KEY (from `server keys new-kek`) to keep the keys in a postgres:// \
         database shared by several instances, or JWT_SECRET for the shared-secret mode; set \
         PHOTO_SPOTS_DEMO=1 to run the demo with a generated development key"
    )]
    MissingKey,
    #[error(
        "more than one of JWT_SECRET, JWT_PRIVATE_KEY_FILE and JWT_KEY_ENCRYPTION_KEY is set; choose \
         one: a private key file (one machine), keys in the database (several machines) or the \
         shared secret"
    )]
    TwoKeys,
    #[error("JWT_KEY_ENCRYPTION_KEY: {0}")]
    BadKek(#[from] SealError),
    #[error(
        "JWT_KEY_ENCRYPTION_KEY keeps the signing keys in the database, which needs a postgres:// \
         DATABASE_URL (several instances); one instance on SQLite uses JWT_PRIVATE_KEY_FILE"
    )]
    KeysInDatabaseNeedPostgres,
    #[error(
        "JWT_SECRET is set: the shared-secret mode has no key ring to rotate. Change JWT_SECRET \
         on every service at once instead (every token issued so far stops working)"
    )]
    SharedSecretHasNoKeys,
    #[error(
        "{name} must be an http:// or https:// origin like http://127.0.0.1:3002, not {value:?}"
    )]
    BadUrl { name: &'static str, value: String },
    #[error(
        "JWT_TTL_SECONDS must be a whole number of seconds from 1 to {MAX_TOKEN_TTL_SECONDS}, not {0:?}"
    )]
    BadTtl(String),
    #[error(
        "REFRESH_MAX_AGE_SECONDS ({max_age}) is shorter than REFRESH_TTL_SECONDS ({ttl}): the absolute \
         end of a login must not come before its sliding end"
    )]
    RefreshMaxAgeBelowTtl { ttl: u64, max_age: u64 },
    #[error("{name} must be a whole number from 1 to {max}, not {value:?}")]
    BadNumber {
        name: &'static str,
        value: String,
        max: u64,
    },
    #[error(
        "DATABASE_URL must be sqlite://PATH (the default, one instance) or postgres://USER@HOST/DB \
         (several instances), not one starting {0:?}"
    )]
    BadDatabaseUrl(String),
    #[error("TRUSTED_PROXY_ADDRESSES must list IP addresses separated by commas; {0:?} is not one")]
    BadProxyAddress(String),
    #[error("PHOTO_SPOTS_DEMO must be 1 or 0, not {0:?}")]
    BadDemoFlag(String),
    #[error("DPOP_REQUIRED must be 1 or 0, not {0:?}")]
    BadDpopFlag(String),
    #[error(
        "VERIFIED_TOKENS must be a whole number from 0 (check every signature) to \
         {MAX_VERIFIED_TOKENS}, not {0:?}"
    )]
    BadVerifiedTokens(String),
    #[error(
        "METRICS_ADDR must be an address and port to listen on, such as 127.0.0.1:9100, not {0:?}"
    )]
    BadMetricsAddress(String),
}

/// `METRICS_ADDR`: where `/metrics` is served; unset (or empty) means off.
pub fn parse_metrics_addr(value: Option<String>) -> Result<Option<SocketAddr>, ConfigError> {
    value
        .map(|value| {
            value
                .trim()
                .parse()
                .map_err(|_| ConfigError::BadMetricsAddress(value.chars().take(64).collect()))
        })
        .transpose()
}

/// The most verified tokens a service may be told to remember (about 1.2 GB).
pub const MAX_VERIFIED_TOKENS: usize = 1_000_000;

/// `VERIFIED_TOKENS`: how many verified tokens each service remembers so
/// that their signature is checked once (see `app::auth::verified_cache`).
pub fn parse_verified_tokens(value: Option<String>) -> Result<usize, ConfigError> {
    let Some(value) = value else {
        return Ok(app::auth::DEFAULT_VERIFIED_TOKENS);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if n <= MAX_VERIFIED_TOKENS => Ok(n),
        _ => Err(ConfigError::BadVerifiedTokens(value)),
    }
}

/// What the main app signs tokens with.
#[derive(Debug, Clone)]
pub enum Signing {
    /// Ed25519 from `JWT_PRIVATE_KEY_FILE`; other services verify with the
    /// published public key and can't mint tokens. The default.
    KeyFile(PathBuf),
    /// Ed25519 keys kept in the PostgreSQL database, private halves sealed
    /// under `JWT_KEY_ENCRYPTION_KEY`: what several instances on several
    /// machines share. Reread every `refresh` (`JWT_KEY_REFRESH_SECONDS`).
    Database {
        kek: KeyEncryptionKey,
        refresh: Duration,
    },
    /// As `KeyFile`, generated on first start for development and kept so
    /// tokens survive a restart.
    DevKeyFile(PathBuf),
    /// HS256 with `JWT_SECRET`, the articles' shared-secret mode: every
    /// service that verifies can also sign.
    SharedSecret(JwtSecret),
}

impl Signing {
    /// The key file, in public-key mode.
    pub fn key_file(&self) -> Option<&Path> {
        match self {
            Self::KeyFile(path) | Self::DevKeyFile(path) => Some(path),
            Self::Database { .. } | Self::SharedSecret(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub leptos_options: LeptosOptions,
    /// `DATABASE_URL` and the `DATABASE_*` pool settings.
    pub database: DatabaseOptions,
    pub signing: Signing,
    pub token_ttl: Duration,
    /// How long refresh tokens last (`REFRESH_TTL_SECONDS`, sliding, and
    /// `REFRESH_MAX_AGE_SECONDS`, absolute) and whether their cookie is
    /// `Secure` (in production; plain-http development can't use it).
    pub refresh: RefreshSettings,
    /// `Cache-Control: max-age` of the published JWKS.
    pub jwks_max_age: Duration,
    /// The favourites service's address as the browser reaches it; its
    /// origin is the one the page's CSP lets scripts connect to.
    pub favorites_url: String,
    /// When failed logins are answered with 429.
    pub login_limits: ThrottleLimits,
    /// Load balancers whose `X-Forwarded-For` names the client
    /// (`TRUSTED_PROXY_ADDRESSES`, comma-separated; none by default).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where photo files go (`PHOTOS_DIR`) and how many uploads are decoded
    /// at once (`PHOTO_WORKERS`).
    pub photos: PhotoSettings,
    /// Create the demo users (john and jack) if they are missing: set by
    /// `PHOTO_SPOTS_DEMO`, on by default in development only.
    pub demo: bool,
    /// How long a client may take to send a request, and how many
    /// connections are served at once (`HTTP_*`).
    pub serve: ServeLimits,
    /// `PUBLIC_ORIGIN`: where browsers reach this app (behind a load
    /// balancer, its address). DPoP proofs must name it in `htu`; the
    /// `Host` header, which clients and proxies write, decides nothing.
    /// `http://` + the Leptos site address by default.
    pub public_origin: String,
    /// `DPOP_REQUIRED=1`: only sender-constrained tokens; logins without a
    /// DPoP proof and bearer tokens are refused (401). Off by default, so
    /// curl and simple clients get bearer tokens.
    pub dpop_required: bool,
    /// `VERIFIED_TOKENS`: how many verified tokens to remember.
    pub verified_tokens: usize,
    /// `METRICS_ADDR`: the separate listener for `/metrics`, if any.
    pub metrics_addr: Option<SocketAddr>,
}

impl Config {
    /// Reads `LEPTOS_*`, `DATABASE_URL`, `JWT_PRIVATE_KEY_FILE`,
    /// `JWT_KEY_ENCRYPTION_KEY`, `JWT_KEY_REFRESH_SECONDS`, `JWT_SECRET`,
    /// `JWT_TTL_SECONDS`, `JWKS_MAX_AGE_SECONDS`, `FAVORITES_URL`, the login
    /// limits and `PHOTO_SPOTS_DEMO` from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut leptos_options = get_configuration(None)
            .map_err(|e| ConfigError::Leptos(e.to_string()))?
            .leptos_options;
        // cargo-leptos tells the servers it starts whether the bundle's file
        // names carry hashes; a server started directly (a deployment, the
        // end-to-end tests) learns it from the hash file the build wrote
        // beside the binary, which is also where Leptos reads the hashes.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            leptos_options.hash_files = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.join(leptos_options.hash_file.as_ref())))
                .is_some_and(|file| file.is_file());
        }
        Self::from_vars(leptos_options, |name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), with the variables looked up by `var`.
    pub fn from_vars(
        leptos_options: LeptosOptions,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::for_build(!cfg!(debug_assertions), leptos_options, var)
    }

    /// As [`from_vars`](Self::from_vars), for a release build or not.
    fn for_build(
        release_build: bool,
        mut leptos_options: LeptosOptions,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        // A release build (or LEPTOS_ENV=PROD) is production.
        let production = leptos_options.env == Env::PROD || release_build;
        // One answer everywhere: what reads the Leptos options (the page's
        // CSP, which allows the live-reload socket in development only)
        // must not see "development" in a release build that cargo-leptos
        // started with the workspace's `env = "DEV"`.
        leptos_options.env = if production { Env::PROD } else { Env::DEV };
        // Development gets the demo users unless told otherwise; production
        // only when asked.
        let demo = match set("PHOTO_SPOTS_DEMO").as_deref() {
            None => !production,
            Some("0") => false,
            Some("1") => true,
            Some(other) => return Err(ConfigError::BadDemoFlag(other.to_owned())),
        };
        let database_url = set("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if DatabaseKind::of(&database_url).is_none() {
            let scheme = database_url.split(':').next().unwrap_or_default();
            return Err(ConfigError::BadDatabaseUrl(
                scheme.chars().take(20).collect(),
            ));
        }
        let token_ttl = match set("JWT_TTL_SECONDS") {
            None => DEFAULT_TOKEN_TTL,
            Some(raw) => parse_ttl(&raw)?,
        };
        let public_origin = match set("PUBLIC_ORIGIN") {
            None => format!("http://{}", leptos_options.site_addr),
            Some(url) => parse_origin("PUBLIC_ORIGIN", &url)?,
        };
        let dpop_required = match set("DPOP_REQUIRED").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => return Err(ConfigError::BadDpopFlag(other.to_owned())),
        };
        let verified_tokens = parse_verified_tokens(set("VERIFIED_TOKENS"))?;
        let metrics_addr = parse_metrics_addr(set("METRICS_ADDR"))?;
        let favorites_url = match set("FAVORITES_URL") {
            None => DEFAULT_FAVORITES_URL.to_owned(),
            Some(url) => parse_origin("FAVORITES_URL", &url)?,
        };
        let number = |name: &'static str, default: u32, max: u32| match set(name) {
            None => Ok(default),
            Some(value) => match value.trim().parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ConfigError::BadNumber {
                    name,
                    value,
                    max: max.into(),
                }),
            },
        };
        let defaults = ThrottleLimits::default();
        let login_limits = ThrottleLimits {
            per_address: number(
                "LOGIN_MAX_FAILURES_PER_ADDRESS",
                defaults.per_address,
                1_000_000,
            )?,
            per_username: number(
                "LOGIN_MAX_FAILURES_PER_USERNAME",
                defaults.per_username,
                1_000_000,
            )?,
            window: Duration::from_secs(
                number(
                    "LOGIN_FAILURE_WINDOW_SECONDS",
                    defaults.window.as_secs() as u32,
                    86_400,
                )?
                .into(),
            ),
        };
        let seconds =
            |name, default, max| number(name, default, max).map(|n| Duration::from_secs(n.into()));
        let refresh = RefreshSettings {
            ttl: seconds(
                "REFRESH_TTL_SECONDS",
                DEFAULT_REFRESH_TTL.as_secs() as u32,
                MAX_REFRESH_SECONDS,
            )?,
            max_age: seconds(
                "REFRESH_MAX_AGE_SECONDS",
                DEFAULT_REFRESH_MAX_AGE.as_secs() as u32,
                MAX_REFRESH_SECONDS,
            )?,
            secure_cookie: production,
        };
        if refresh.max_age < refresh.ttl {
            return Err(ConfigError::RefreshMaxAgeBelowTtl {
                ttl: refresh.ttl.as_secs(),
                max_age: refresh.max_age.as_secs(),
            });
        }
        let jwks_max_age = Duration::from_secs(
            number("JWKS_MAX_AGE_SECONDS", DEFAULT_JWKS_MAX_AGE_SECONDS, 86_400)?.into(),
        );
        let signing = match (
            set("JWT_SECRET"),
            set("JWT_PRIVATE_KEY_FILE"),
            set("JWT_KEY_ENCRYPTION_KEY"),
        ) {
            (Some(secret), None, None) => Signing::SharedSecret(JwtSecret::new(secret)?),
            (None, Some(path), None) => Signing::KeyFile(PathBuf::from(path)),
            (None, None, Some(kek)) => {
                if DatabaseKind::of(&database_url) != Some(DatabaseKind::Postgres) {
                    return Err(ConfigError::KeysInDatabaseNeedPostgres);
                }
                Signing::Database {
                    kek: KeyEncryptionKey::parse(&kek)?,
                    refresh: seconds("JWT_KEY_REFRESH_SECONDS", DEFAULT_KEY_REFRESH_SECONDS, 60)?,
                }
            }
            (None, None, None) if production && !demo => return Err(ConfigError::MissingKey),
            (None, None, None) => {
                let dir = database_dir(&database_url).unwrap_or_else(|| PathBuf::from("data"));
                Signing::DevKeyFile(dir.join(DEV_KEY_FILE))
            }
            _ => return Err(ConfigError::TwoKeys),
        };
        // The defaults live with DatabaseOptions; here only what the environment changes.
        let defaults = DatabaseOptions::new(database_url);
        let database = DatabaseOptions {
            max_connections: number("DATABASE_MAX_CONNECTIONS", defaults.max_connections, 1_000)?,
            statement_timeout: Duration::from_millis(
                number(
                    "DATABASE_STATEMENT_TIMEOUT_MS",
                    defaults.statement_timeout.as_millis() as u32,
                    600_000,
                )?
                .into(),
            ),
            connect_timeout: seconds(
                "DATABASE_CONNECT_TIMEOUT_SECONDS",
                defaults.connect_timeout.as_secs() as u32,
                300,
            )?,
            start_timeout: seconds(
                "DATABASE_START_TIMEOUT_SECONDS",
                defaults.start_timeout.as_secs() as u32,
                86_400,
            )?,
            url: defaults.url,
        };
        let trusted_proxies = match set("TRUSTED_PROXY_ADDRESSES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|address| {
                    address
                        .trim()
                        .parse()
                        .map_err(|_| ConfigError::BadProxyAddress(address.trim().to_owned()))
                })
                .collect::<Result<_, _>>()?,
        };
        let photos = PhotoSettings {
            // Next to the SQLite file by default, so one directory holds
            // everything a single instance keeps.
            dir: set("PHOTOS_DIR").map(PathBuf::from).unwrap_or_else(|| {
                database_dir(&database.url)
                    .unwrap_or_else(|| PathBuf::from("data"))
                    .join("photos")
            }),
            workers: number("PHOTO_WORKERS", DEFAULT_PHOTO_WORKERS, 64)? as usize,
        };
        let defaults = ServeLimits::default();
        let serve = ServeLimits {
            header_timeout: seconds(
                "HTTP_HEADER_TIMEOUT_SECONDS",
                defaults.header_timeout.as_secs() as u32,
                300,
            )?,
            body_timeout: seconds(
                "HTTP_BODY_TIMEOUT_SECONDS",
                defaults.body_timeout.as_secs() as u32,
                3600,
            )?,
            max_connections: number(
                "HTTP_MAX_CONNECTIONS",
                defaults.max_connections as u32,
                1_000_000,
            )? as usize,
        };
        Ok(Self {
            public_origin,
            dpop_required,
            verified_tokens,
            metrics_addr,
            serve,
            photos,
            trusted_proxies,
            login_limits,
            leptos_options,
            database,
            signing,
            token_ttl,
            refresh,
            jwks_max_age,
            favorites_url,
            demo,
        })
    }
}

fn parse_ttl(raw: &str) -> Result<Duration, ConfigError> {
    match raw.trim().parse::<u64>() {
        Ok(seconds) if (1..=MAX_TOKEN_TTL_SECONDS).contains(&seconds) => {
            Ok(Duration::from_secs(seconds))
        }
        _ => Err(ConfigError::BadTtl(raw.to_owned())),
    }
}

/// The directory holding the SQLite file named by `database_url`
/// (`sqlite://data/photo-spots.db?mode=rwc` → `data`); `None` for an
/// in-memory database or another kind of database.
pub fn database_dir(database_url: &str) -> Option<PathBuf> {
    let path = database_url
        .strip_prefix("sqlite:")?
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Path::new(path).parent().map(Path::to_path_buf)
}

/// `value` if it is an http(s) origin (scheme, host, optional port, no
/// path), without a trailing slash.
pub fn parse_origin(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadUrl {
        name,
        value: value.to_owned(),
    };
    let trimmed = value.trim().trim_end_matches('/');
    let authority = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .ok_or_else(bad)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    if authority.is_empty() || !authority.chars().all(allowed) {
        return Err(bad());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn options(env: Env) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("photo-spots")
            .env(env)
            .build()
    }

    fn config(env: Env, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // A debug build's rules whatever profile the tests are built with
        // (`cargo test --release` too); `Env::PROD` is production either way,
        // and the release-build rule has its own tests.
        Config::for_build(false, options(env), |name| vars.get(name).cloned())
    }

    const GOOD_SECRET: &str = "0123456789abcdef0123456789abcdef";

    /// Development settings with a good secret and one more variable.
    fn dev_with(name: &str, value: &str) -> Result<Config, ConfigError> {
        config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET), (name, value)])
    }

    #[test]
    fn metrics_are_off_unless_an_address_is_given_and_a_bad_one_is_refused() {
        let config = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(config.metrics_addr, None);
        let on = dev_with("METRICS_ADDR", "127.0.0.1:9100").unwrap();
        assert_eq!(on.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
        let refused = dev_with("METRICS_ADDR", "localhost").unwrap_err();
        assert!(refused.to_string().contains("METRICS_ADDR"), "{refused}");
    }

    #[test]
    fn refresh_lifetimes_default_to_30_days_sliding_and_90_absolute() {
        let config = config(Env::PROD, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(config.refresh.ttl, Duration::from_secs(30 * 86_400));
        assert_eq!(config.refresh.max_age, Duration::from_secs(90 * 86_400));
        let config = config_with_refresh("60", "3600").unwrap();
        assert_eq!(config.refresh.ttl, Duration::from_secs(60));
        assert_eq!(config.refresh.max_age, Duration::from_secs(3600));
    }

    #[test]
    fn refresh_lifetimes_must_make_sense() {
        for (ttl, max_age) in [("0", "60"), ("60", "x"), ("60", "999999999")] {
            assert!(matches!(
                config_with_refresh(ttl, max_age).unwrap_err(),
                ConfigError::BadNumber { .. }
            ));
        }
        let error = config_with_refresh("7200", "3600").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("shorter than REFRESH_TTL_SECONDS")
        );
    }

    #[test]
    fn the_refresh_cookie_is_secure_except_in_development() {
        let prod = config(Env::PROD, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert!(prod.refresh.secure_cookie);
        let dev = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert!(!dev.refresh.secure_cookie);
    }

    fn config_with_refresh(ttl: &str, max_age: &str) -> Result<Config, ConfigError> {
        config(
            Env::PROD,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("REFRESH_TTL_SECONDS", ttl),
                ("REFRESH_MAX_AGE_SECONDS", max_age),
            ],
        )
    }

    #[test]
    fn explicit_settings_are_used() {
        let config = config(
            Env::PROD,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("JWT_TTL_SECONDS", "120"),
                ("DATABASE_URL", "sqlite://x.db"),
            ],
        )
        .unwrap();
        assert_eq!(config.token_ttl, Duration::from_secs(120));
        assert_eq!(config.database.url, "sqlite://x.db");
        assert!(matches!(config.signing, Signing::SharedSecret(_)));
        assert!(!config.demo);
    }

    #[test]
    fn a_private_key_file_means_public_key_signatures() {
        let config = config(Env::PROD, &[("JWT_PRIVATE_KEY_FILE", "/etc/ps/key.pem")]).unwrap();
        assert_eq!(
            config.signing.key_file(),
            Some(Path::new("/etc/ps/key.pem"))
        );
        assert!(!config.demo);
    }

    #[test]
    fn a_secret_and_a_key_file_together_are_refused() {
        let error = config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("JWT_PRIVATE_KEY_FILE", "k.pem"),
            ],
        )
        .unwrap_err();
        assert!(matches!(error, ConfigError::TwoKeys));
    }

    const KEK: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    const POSTGRES: &str = "postgres://app@db.internal/photo_spots";

    #[test]
    fn keys_in_the_database_need_postgres_and_a_real_kek() {
        let error = config(Env::PROD, &[("JWT_KEY_ENCRYPTION_KEY", KEK)]).unwrap_err();
        assert!(matches!(error, ConfigError::KeysInDatabaseNeedPostgres));
        for weak in ["too-short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] {
            let error = config(
                Env::PROD,
                &[("DATABASE_URL", POSTGRES), ("JWT_KEY_ENCRYPTION_KEY", weak)],
            )
            .unwrap_err();
            assert!(matches!(error, ConfigError::BadKek(_)), "{weak}: {error}");
            assert!(!error.to_string().contains(weak), "the value is not echoed");
        }
        let config = config(
            Env::PROD,
            &[("DATABASE_URL", POSTGRES), ("JWT_KEY_ENCRYPTION_KEY", KEK)],
        )
        .unwrap();
        assert!(matches!(
            config.signing,
            Signing::Database { refresh, .. } if refresh == Duration::from_secs(10)
        ));
    }

    #[test]
    fn keys_in_the_database_and_a_key_file_together_are_refused() {
        let error = config(
            Env::PROD,
            &[
                ("DATABASE_URL", POSTGRES),
                ("JWT_KEY_ENCRYPTION_KEY", KEK),
                ("JWT_PRIVATE_KEY_FILE", "k.pem"),
            ],
        )
        .unwrap_err();
        assert!(matches!(error, ConfigError::TwoKeys));
    }

    #[test]
    fn favorites_url_must_be_an_origin() {
        let dev = |url: &str| dev_with("FAVORITES_URL", url);
        assert_eq!(
            dev("https://fav.example.com/").unwrap().favorites_url,
            "https://fav.example.com"
        );
        assert_eq!(
            dev("http://127.0.0.1:4000").unwrap().favorites_url,
            "http://127.0.0.1:4000"
        );
        for bad in [
            "fav.example.com",
            "javascript:alert(1)",
            "http://",
            "http://a b",
            "http://x/path",
        ] {
            assert!(matches!(dev(bad), Err(ConfigError::BadUrl { .. })), "{bad}");
        }
        let default = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(default.favorites_url, DEFAULT_FAVORITES_URL);
    }

    #[test]
    fn weak_secret_refuses_to_start_in_any_mode() {
        for env in [Env::DEV, Env::PROD] {
            let error =
                config(env, &[("JWT_SECRET", "short"), ("PHOTO_SPOTS_DEMO", "1")]).unwrap_err();
            assert!(matches!(error, ConfigError::WeakSecret(_)), "{error}");
        }
    }

    #[test]
    fn a_release_build_is_production_whatever_leptos_env_says() {
        let release = Config::for_build(true, options(Env::DEV), |name| {
            (name == "JWT_SECRET").then(|| GOOD_SECRET.to_owned())
        })
        .unwrap();
        assert_eq!(release.leptos_options.env, Env::PROD);
        assert!(release.refresh.secure_cookie);
        let debug = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(debug.leptos_options.env, Env::DEV);
    }

    #[test]
    fn missing_key_refuses_to_start_in_production() {
        assert!(matches!(
            config(Env::PROD, &[]).unwrap_err(),
            ConfigError::MissingKey
        ));
    }

    #[test]
    fn demo_mode_uses_a_development_key_beside_the_database() {
        let url = "sqlite:///var/lib/ps/db.sqlite?mode=rwc";
        let vars = [("DATABASE_URL", url), ("PHOTO_SPOTS_DEMO", "1")];
        let config = config(Env::PROD, &vars).unwrap();
        let expected = Path::new("/var/lib/ps").join(DEV_KEY_FILE);
        assert!(matches!(&config.signing, Signing::DevKeyFile(path) if *path == expected));
    }

    #[test]
    fn demo_users_are_on_by_default_in_development_only() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let dev = config(Env::DEV, &[("DATABASE_URL", &url)]).unwrap();
        assert!(dev.demo);
        let dev_off = config(
            Env::DEV,
            &[("DATABASE_URL", &url), ("PHOTO_SPOTS_DEMO", "0")],
        )
        .unwrap();
        assert!(!dev_off.demo);
        let prod = config(Env::PROD, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert!(!prod.demo);
    }

    #[test]
    fn login_limits_come_from_the_environment() {
        let config = config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("LOGIN_MAX_FAILURES_PER_ADDRESS", "3"),
                ("LOGIN_MAX_FAILURES_PER_USERNAME", "9"),
                ("LOGIN_FAILURE_WINDOW_SECONDS", "30"),
            ],
        )
        .unwrap();
        let expected = ThrottleLimits {
            per_address: 3,
            per_username: 9,
            window: Duration::from_secs(30),
        };
        assert_eq!(config.login_limits, expected);
        let bad = self::config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("LOGIN_MAX_FAILURES_PER_ADDRESS", "0"),
            ],
        );
        assert!(matches!(bad, Err(ConfigError::BadNumber { .. })));
    }

    #[test]
    fn bad_ttl_and_demo_flag_are_refused() {
        for ttl in ["0", "-5", "abc", "99999999999"] {
            let result = dev_with("JWT_TTL_SECONDS", ttl);
            assert!(matches!(result, Err(ConfigError::BadTtl(_))), "{ttl}");
        }
        let result = dev_with("PHOTO_SPOTS_DEMO", "yes");
        assert!(matches!(result, Err(ConfigError::BadDemoFlag(_))));
    }

    #[test]
    fn remembered_tokens_default_to_ten_thousand_and_may_be_turned_off() {
        let with = |value: &str| dev_with("VERIFIED_TOKENS", value);
        let default = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(default.verified_tokens, 10_000);
        assert_eq!(with("0").unwrap().verified_tokens, 0);
        assert_eq!(with(" 500 ").unwrap().verified_tokens, 500);
        for bad in ["-1", "many", "1000001", "1e6"] {
            assert!(
                matches!(with(bad), Err(ConfigError::BadVerifiedTokens(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn database_settings_are_read_and_checked() {
        let config = config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("DATABASE_URL", "postgres://app@db.internal/photos"),
                ("DATABASE_MAX_CONNECTIONS", "32"),
                ("DATABASE_STATEMENT_TIMEOUT_MS", "1500"),
                ("DATABASE_CONNECT_TIMEOUT_SECONDS", "2"),
            ],
        )
        .unwrap();
        assert_eq!(config.database.max_connections, 32);
        assert_eq!(
            config.database.statement_timeout,
            Duration::from_millis(1500)
        );
        assert_eq!(config.database.connect_timeout, Duration::from_secs(2));
        let mysql = dev_with("DATABASE_URL", "mysql://x/y");
        assert!(matches!(mysql, Err(ConfigError::BadDatabaseUrl(scheme)) if scheme == "mysql"));
        let zero_pool = dev_with("DATABASE_MAX_CONNECTIONS", "0");
        assert!(matches!(zero_pool, Err(ConfigError::BadNumber { .. })));
    }

    #[test]
    fn trusted_proxies_are_addresses() {
        let config = config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("TRUSTED_PROXY_ADDRESSES", "127.0.0.1, ::1"),
            ],
        )
        .unwrap();
        assert_eq!(config.trusted_proxies.len(), 2);
        let bad = self::config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,haproxy"),
            ],
        );
        assert!(matches!(bad, Err(ConfigError::BadProxyAddress(name)) if name == "haproxy"));
    }

    #[test]
    fn database_dir_is_the_database_files_directory() {
        assert_eq!(database_dir("postgres://app@db/photos"), None);
        assert_eq!(
            database_dir(DEFAULT_DATABASE_URL),
            Some(PathBuf::from("data"))
        );
        assert_eq!(
            database_dir("sqlite:///var/lib/ps/db.sqlite?mode=rwc"),
            Some(PathBuf::from("/var/lib/ps"))
        );
        assert_eq!(database_dir("sqlite::memory:"), None);
    }
}
