//! Configuration from environment variables, validated before anything starts.

use app::auth::{JwtSecret, SecretError, ThrottleLimits};
use leptos::config::{Env, LeptosOptions, get_configuration};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use thiserror::Error;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/photo-spots.db?mode=rwc";
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// A token may live at most 30 days; longer is a configuration mistake.
const MAX_TOKEN_TTL_SECONDS: u64 = 30 * 24 * 3600;
/// Where a generated development secret is kept, next to the database.
const DEV_SECRET_FILE: &str = "dev-jwt-secret";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error("{0}")]
    WeakSecret(#[from] SecretError),
    #[error(
        "JWT_SECRET is not set. In production the signing secret must come from the environment \
         (at least 32 bytes, e.g. `openssl rand -hex 32`); set PHOTO_SPOTS_DEMO=1 to run the demo \
         with a generated development secret instead"
    )]
    MissingSecret,
    #[error(
        "JWT_TTL_SECONDS must be a whole number of seconds from 1 to {MAX_TOKEN_TTL_SECONDS}, not {0:?}"
    )]
    BadTtl(String),
    #[error("{name} must be a whole number from 1 to {max}, not {value:?}")]
    BadNumber {
        name: &'static str,
        value: String,
        max: u64,
    },
    #[error("PHOTO_SPOTS_DEMO must be 1 or 0, not {0:?}")]
    BadDemoFlag(String),
    #[error("could not read or write the development secret at {path}: {source}")]
    DevSecret {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the signing secret came from, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    /// Generated for development and kept in this file so tokens survive a restart.
    DevFile(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub leptos_options: LeptosOptions,
    pub database_url: String,
    pub jwt_secret: JwtSecret,
    pub secret_source: SecretSource,
    pub token_ttl: Duration,
    /// When failed logins are answered with 429.
    pub login_limits: ThrottleLimits,
    /// Create the demo users (john and jack) if they are missing: set by
    /// `PHOTO_SPOTS_DEMO`, on by default in development only.
    pub demo: bool,
}

impl Config {
    /// Reads `LEPTOS_*`, `DATABASE_URL`, `JWT_SECRET`, `JWT_TTL_SECONDS` and
    /// `PHOTO_SPOTS_DEMO` from the process environment.
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
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        // A release build (or LEPTOS_ENV=PROD) is production.
        let production = leptos_options.env == Env::PROD || !cfg!(debug_assertions);
        // Development gets the demo users unless told otherwise; production
        // only when asked.
        let demo = match set("PHOTO_SPOTS_DEMO").as_deref() {
            None => !production,
            Some("0") => false,
            Some("1") => true,
            Some(other) => return Err(ConfigError::BadDemoFlag(other.to_owned())),
        };
        let database_url = set("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let token_ttl = match set("JWT_TTL_SECONDS") {
            None => DEFAULT_TOKEN_TTL,
            Some(raw) => parse_ttl(&raw)?,
        };
        let (jwt_secret, secret_source) = match set("JWT_SECRET") {
            Some(secret) => (JwtSecret::new(secret)?, SecretSource::Environment),
            None if production && !demo => return Err(ConfigError::MissingSecret),
            None => {
                let dir = database_dir(&database_url).unwrap_or_else(|| PathBuf::from("data"));
                let path = dir.join(DEV_SECRET_FILE);
                (
                    load_or_create_dev_secret(&path)?,
                    SecretSource::DevFile(path),
                )
            }
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
        Ok(Self {
            login_limits,
            leptos_options,
            database_url,
            jwt_secret,
            secret_source,
            token_ttl,
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
/// in-memory database.
pub fn database_dir(database_url: &str) -> Option<PathBuf> {
    let path = database_url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Path::new(path).parent().map(Path::to_path_buf)
}

fn load_or_create_dev_secret(path: &Path) -> Result<JwtSecret, ConfigError> {
    let io_error = |source| ConfigError::DevSecret {
        path: path.to_owned(),
        source,
    };
    let secret = match std::fs::read_to_string(path) {
        Ok(existing) => existing.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let fresh = JwtSecret::generate_hex()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io_error)?;
            }
            write_private(path, &fresh).map_err(io_error)?;
            fresh
        }
        Err(e) => return Err(io_error(e)),
    };
    Ok(JwtSecret::new(secret)?)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
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
        Config::from_vars(options(env), |name| vars.get(name).cloned())
    }

    const GOOD_SECRET: &str = "0123456789abcdef0123456789abcdef";

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
        assert_eq!(config.database_url, "sqlite://x.db");
        assert_eq!(config.secret_source, SecretSource::Environment);
        assert!(!config.demo);
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
    fn missing_secret_refuses_to_start_in_production() {
        assert!(matches!(
            config(Env::PROD, &[]).unwrap_err(),
            ConfigError::MissingSecret
        ));
    }

    #[test]
    fn demo_mode_generates_a_dev_secret_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.path().display());
        let vars = [("DATABASE_URL", url.as_str()), ("PHOTO_SPOTS_DEMO", "1")];
        let first = config(Env::PROD, &vars).unwrap();
        let second = config(Env::PROD, &vars).unwrap();
        let path = dir.path().join(DEV_SECRET_FILE);
        assert_eq!(first.secret_source, SecretSource::DevFile(path.clone()));
        assert_eq!(first.jwt_secret.as_bytes(), second.jwt_secret.as_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
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
            let result = config(
                Env::DEV,
                &[("JWT_SECRET", GOOD_SECRET), ("JWT_TTL_SECONDS", ttl)],
            );
            assert!(matches!(result, Err(ConfigError::BadTtl(_))), "{ttl}");
        }
        let result = config(
            Env::DEV,
            &[("JWT_SECRET", GOOD_SECRET), ("PHOTO_SPOTS_DEMO", "yes")],
        );
        assert!(matches!(result, Err(ConfigError::BadDemoFlag(_))));
    }

    #[test]
    fn database_dir_is_the_database_files_directory() {
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
