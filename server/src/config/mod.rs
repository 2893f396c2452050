//! Configuration: every setting from its flag or environment variable
//! (`settings`, declared for clap, so `--help` lists them), each value
//! checked as it is read (`values`), then what they mean together checked
//! here, before anything starts.

mod settings;

pub use settings::AppSettings;

use app::{
    auth::{
        JwtSecret, SecretError, ThrottleLimits,
        keys::{KeyEncryptionKey, SealError},
        refresh::RefreshSettings,
    },
    db::{DatabaseKind, DatabaseOptions},
    state::PhotoSettings,
};
use leptos::config::{Env, LeptosOptions, get_configuration};
use service_kit::{
    serve::ServeLimits,
    settings::{SettingsError, database_dir, values},
};
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
    /// One setting refused as it was read, or the command line itself.
    #[error(transparent)]
    Setting(#[from] SettingsError),
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
        "PUBLIC_ORIGIN is not set: a release build must be told the origin browsers reach it at \
         (such as https://photos.example.com), which DPoP proofs and passkeys name"
    )]
    MissingPublicOrigin,
    #[error(
        "REFRESH_MAX_AGE_SECONDS ({max_age}) is shorter than REFRESH_TTL_SECONDS ({ttl}): the absolute \
         end of a login must not come before its sliding end"
    )]
    RefreshMaxAgeBelowTtl { ttl: u64, max_age: u64 },
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
    /// How recent a sign-in sensitive calls need (`STEP_UP_MAX_AGE_SECONDS`).
    pub step_up_max_age: Duration,
    /// The favourites service's address as the browser reaches it; its
    /// origin is the one the page's CSP lets scripts connect to.
    pub favorites_url: String,
    /// Where security events for the favourites service go (RFC 8935 push).
    pub favorites_events_url: String,
    /// When failed logins are answered with 429.
    pub login_limits: ThrottleLimits,
    /// Load balancers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where photo files go and how many uploads are decoded at once.
    pub photos: PhotoSettings,
    /// Create the demo users if they are missing: on by default in
    /// development only.
    pub demo: bool,
    /// How long a client may take to send a request, and how many
    /// connections are served at once.
    pub serve: ServeLimits,
    /// Where browsers reach this app (behind a load balancer, its address).
    /// DPoP proofs must name it in `htu`; the `Host` header, which clients
    /// and proxies write, decides nothing.
    pub public_origin: String,
    /// Only sender-constrained tokens; logins without a DPoP proof and
    /// bearer tokens are refused (401). Off by default, so curl and simple
    /// clients get bearer tokens.
    pub dpop_required: bool,
    /// How many verified tokens to remember.
    pub verified_tokens: usize,
    /// The separate listener for `/metrics`, if any.
    pub metrics_addr: Option<SocketAddr>,
    /// Admin calls need a passkey sign-in (`ADMIN_REQUIRES_PASSKEY=1`).
    pub admin_requires_passkey: bool,
    /// Development with the default origin: page visits at the server's IP
    /// address go on to `public_origin` (see `dev_origin`).
    pub redirect_pages_to_origin: bool,
}

impl Config {
    /// The settings with the Leptos options of this process (`LEPTOS_*`,
    /// as cargo-leptos or a deployment sets them).
    pub fn load(settings: AppSettings) -> Result<Self, ConfigError> {
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
        Self::from_settings(!cfg!(debug_assertions), leptos_options, settings)
    }

    /// The configuration the variables looked up by `var` make (blank is
    /// unset), as a debug or release build of this binary would read them.
    pub fn from_vars(
        leptos_options: LeptosOptions,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::for_build(!cfg!(debug_assertions), leptos_options, var)
    }

    fn for_build(
        release_build: bool,
        leptos_options: LeptosOptions,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let settings = values::settings_from_vars::<AppSettings>(var)?;
        Self::from_settings(release_build, leptos_options, settings)
    }

    /// What the settings mean together, for a release build or not.
    pub fn from_settings(
        release_build: bool,
        mut leptos_options: LeptosOptions,
        settings: AppSettings,
    ) -> Result<Self, ConfigError> {
        let AppSettings { shared, .. } = &settings;
        if let Some(addr) = settings.site_addr {
            leptos_options.site_addr = addr;
        }
        // A release build (or LEPTOS_ENV=PROD) is production.
        let production = leptos_options.env == Env::PROD || release_build;
        // One answer everywhere: what reads the Leptos options (the page's
        // CSP, which allows the live-reload socket in development only)
        // must not see "development" in a release build that cargo-leptos
        // started with the workspace's `env = "DEV"`.
        leptos_options.env = if production { Env::PROD } else { Env::DEV };
        // Development gets the demo users unless told otherwise; production
        // only when asked.
        let demo = settings.demo.unwrap_or(!production);
        let seconds = |n: u32| Duration::from_secs(n.into());
        let refresh = RefreshSettings {
            ttl: seconds(settings.refresh_ttl_seconds),
            max_age: seconds(settings.refresh_max_age_seconds),
            secure_cookie: production,
        };
        if refresh.max_age < refresh.ttl {
            return Err(ConfigError::RefreshMaxAgeBelowTtl {
                ttl: refresh.ttl.as_secs(),
                max_age: refresh.max_age.as_secs(),
            });
        }
        let database = DatabaseOptions {
            url: settings.database_url.clone(),
            max_connections: settings.database_max_connections,
            statement_timeout: Duration::from_millis(settings.database_statement_timeout_ms.into()),
            connect_timeout: seconds(settings.database_connect_timeout_seconds),
            start_timeout: seconds(settings.database_start_timeout_seconds),
        };
        let signing = signing(&settings, production && !demo)?;
        let photos = PhotoSettings {
            // Next to the SQLite file by default, so one directory holds
            // everything a single instance keeps.
            dir: settings.photos_dir.clone().unwrap_or_else(|| {
                database_dir(&database.url)
                    .unwrap_or_else(|| PathBuf::from("data"))
                    .join("photos")
            }),
            workers: settings.photo_workers as usize,
        };
        let redirect_pages_to_origin = settings.public_origin.is_none() && !production;
        let public_origin = match settings.public_origin.clone() {
            Some(origin) => origin,
            None if production => return Err(ConfigError::MissingPublicOrigin),
            None => development_origin(leptos_options.site_addr),
        };
        Ok(Self {
            admin_requires_passkey: settings.admin_requires_passkey,
            redirect_pages_to_origin,
            public_origin,
            dpop_required: shared.dpop_required,
            verified_tokens: shared.verified_tokens as usize,
            metrics_addr: shared.metrics_addr,
            serve: ServeLimits {
                header_timeout: seconds(settings.http_header_timeout_seconds),
                body_timeout: seconds(settings.http_body_timeout_seconds),
                max_connections: settings.http_max_connections as usize,
            },
            photos,
            trusted_proxies: settings.trusted_proxy_addresses.clone(),
            login_limits: ThrottleLimits {
                per_address: settings.login_max_failures_per_address,
                per_username: settings.login_max_failures_per_username,
                window: seconds(settings.login_failure_window_seconds),
            },
            leptos_options,
            database,
            signing,
            token_ttl: seconds(settings.jwt_ttl_seconds),
            refresh,
            jwks_max_age: seconds(settings.jwks_max_age_seconds),
            step_up_max_age: seconds(settings.step_up_max_age_seconds),
            favorites_events_url: settings.favorites_events_url.unwrap_or_else(|| {
                format!(
                    "{}/api/security-events",
                    settings.favorites_url.trim_end_matches('/')
                )
            }),
            favorites_url: settings.favorites_url,
            demo,
        })
    }
}

/// One way to sign: a key file, keys in PostgreSQL, or the shared secret;
/// with none, a development key unless `key_required`.
fn signing(settings: &AppSettings, key_required: bool) -> Result<Signing, ConfigError> {
    let kind = DatabaseKind::of(&settings.database_url);
    Ok(
        match (
            &settings.shared.jwt_secret,
            &settings.jwt_private_key_file,
            &settings.jwt_key_encryption_key,
        ) {
            (Some(secret), None, None) => Signing::SharedSecret(JwtSecret::new(secret.clone())?),
            (None, Some(path), None) => Signing::KeyFile(path.clone()),
            (None, None, Some(kek)) => {
                if kind != Some(DatabaseKind::Postgres) {
                    return Err(ConfigError::KeysInDatabaseNeedPostgres);
                }
                Signing::Database {
                    kek: KeyEncryptionKey::parse(kek)?,
                    refresh: Duration::from_secs(settings.jwt_key_refresh_seconds.into()),
                }
            }
            (None, None, None) if key_required => return Err(ConfigError::MissingKey),
            (None, None, None) => {
                let dir =
                    database_dir(&settings.database_url).unwrap_or_else(|| PathBuf::from("data"));
                Signing::DevKeyFile(dir.join(DEV_KEY_FILE))
            }
            _ => return Err(ConfigError::TwoKeys),
        },
    )
}

/// Where a browser reaches a development server listening on `addr`: on
/// this machine by the name `localhost`, which WebAuthn accepts as a
/// relying party (an IP address it refuses) and browsers treat as a secure
/// context.
fn development_origin(addr: SocketAddr) -> String {
    if addr.ip().is_loopback() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
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
        let mut vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // Production needs its public origin; its own test leaves it out.
        if env == Env::PROD {
            vars.entry("PUBLIC_ORIGIN".into())
                .or_insert_with(|| "https://photos.example".into());
        }
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

    /// The reason given when `result` refused the value of `variable`.
    #[track_caller]
    fn refused(result: Result<Config, ConfigError>, variable: &str) -> String {
        match result {
            Err(ConfigError::Setting(SettingsError::Setting {
                variable: named,
                reason,
                ..
            })) if named == variable => reason,
            other => panic!("expected {variable} to be refused, got {other:?}"),
        }
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
        for (ttl, max_age, variable) in [
            ("0", "60", "REFRESH_TTL_SECONDS"),
            ("60", "x", "REFRESH_MAX_AGE_SECONDS"),
            ("60", "999999999", "REFRESH_MAX_AGE_SECONDS"),
        ] {
            refused(config_with_refresh(ttl, max_age), variable);
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
            refused(dev(bad), "FAVORITES_URL");
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
        let release = Config::for_build(true, options(Env::DEV), |name| match name {
            "JWT_SECRET" => Some(GOOD_SECRET.to_owned()),
            "PUBLIC_ORIGIN" => Some("https://photos.example".to_owned()),
            _ => None,
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
        let reason = refused(bad, "LOGIN_MAX_FAILURES_PER_ADDRESS");
        assert_eq!(reason, "must be a whole number from 1 to 1000000");
    }

    #[test]
    fn bad_ttl_and_demo_flag_are_refused() {
        for ttl in ["0", "-5", "abc", "99999999999"] {
            refused(dev_with("JWT_TTL_SECONDS", ttl), "JWT_TTL_SECONDS");
        }
        let reason = refused(dev_with("PHOTO_SPOTS_DEMO", "yes"), "PHOTO_SPOTS_DEMO");
        assert_eq!(reason, "must be 1 or 0");
    }

    #[test]
    fn remembered_tokens_default_to_ten_thousand_and_may_be_turned_off() {
        let with = |value: &str| dev_with("VERIFIED_TOKENS", value);
        let default = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(default.verified_tokens, 10_000);
        assert_eq!(with("0").unwrap().verified_tokens, 0);
        assert_eq!(with(" 500 ").unwrap().verified_tokens, 500);
        for bad in ["-1", "many", "1000001", "1e6"] {
            refused(with(bad), "VERIFIED_TOKENS");
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
        let mysql = refused(dev_with("DATABASE_URL", "mysql://x/y"), "DATABASE_URL");
        assert!(mysql.contains("\"mysql\""), "{mysql}");
        refused(
            dev_with("DATABASE_MAX_CONNECTIONS", "0"),
            "DATABASE_MAX_CONNECTIONS",
        );
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
        let reason = refused(bad, "TRUSTED_PROXY_ADDRESSES");
        assert!(reason.contains("\"haproxy\""), "{reason}");
    }

    #[test]
    fn a_blank_variable_counts_as_unset() {
        let config = config(
            Env::DEV,
            &[
                ("JWT_SECRET", GOOD_SECRET),
                ("JWT_TTL_SECONDS", " "),
                ("DATABASE_URL", ""),
            ],
        )
        .unwrap();
        assert_eq!(config.token_ttl, DEFAULT_TOKEN_TTL);
        assert_eq!(config.database.url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn a_refused_value_names_its_variable_and_flag() {
        let error = dev_with("HTTP_MAX_CONNECTIONS", "lots").unwrap_err();
        assert_eq!(
            error.to_string(),
            "HTTP_MAX_CONNECTIONS (--http-max-connections) must be a whole number from 1 to 1000000"
        );
    }

    #[test]
    fn development_is_reached_at_localhost_and_production_must_say_where() {
        let dev = config(Env::DEV, &[("JWT_SECRET", GOOD_SECRET)]).unwrap();
        assert_eq!(dev.public_origin, "http://localhost:3000");
        let mut open = options(Env::DEV);
        open.site_addr = "0.0.0.0:8080".parse().unwrap();
        let lan = Config::for_build(false, open, |name| {
            (name == "JWT_SECRET").then(|| GOOD_SECRET.to_owned())
        })
        .unwrap();
        assert_eq!(lan.public_origin, "http://0.0.0.0:8080");

        let release = Config::for_build(true, options(Env::DEV), |name| {
            (name == "JWT_SECRET").then(|| GOOD_SECRET.to_owned())
        });
        let error = release.unwrap_err();
        assert!(matches!(error, ConfigError::MissingPublicOrigin), "{error}");
        assert!(error.to_string().contains("PUBLIC_ORIGIN"));
    }
}
