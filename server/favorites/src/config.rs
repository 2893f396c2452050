//! The favourites service's configuration: its settings (declared for
//! clap, so `favorites --help` lists them), then what they mean together,
//! checked before anything starts.

use identity::auth::{JwtSecret, SecretError};
use service_kit::settings::{
    SettingsError, SharedSettings, shown_addr,
    values::{self, origin, socket_addr, text},
};
use std::{net::SocketAddr, path::PathBuf};
use thiserror::Error;

pub const DEFAULT_ADDR: &str = "127.0.0.1:3002";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/favorites.db?mode=rwc";
/// The main app's address in development (`cargo leptos watch`, `make run`):
/// `localhost` (where passkeys work), or its IP address.
pub const DEFAULT_ALLOWED_ORIGIN: &str = "http://localhost:3000,http://127.0.0.1:3000";
pub const DEFAULT_JWKS_URL: &str = "http://127.0.0.1:3000/.well-known/jwks.json";

#[derive(Debug, Error)]
pub enum FavoritesConfigError {
    #[error(
        "no way to check tokens: set JWT_JWKS_URL to the main app's /.well-known/jwks.json \
         (or JWT_SECRET in shared-secret mode)"
    )]
    NoKeys,
    #[error("JWT_JWKS_URL and JWT_SECRET are both set; choose one")]
    TwoKeys,
    #[error("{0}")]
    Setting(#[from] SettingsError),
    #[error("{0}")]
    WeakSecret(#[from] SecretError),
}

/// The favourites service's own settings, and those it shares with the app.
#[derive(Clone, Debug, clap::Args)]
pub struct FavoritesSettings {
    /// Address to listen on (3001 is cargo-leptos' reload port)
    #[arg(long = "addr", env = "FAVORITES_ADDR", value_name = "ADDR", value_parser = socket_addr,
          default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Its own database (SQLite)
    #[arg(long = "database-url", env = "FAVORITES_DATABASE_URL", value_name = "URL",
          value_parser = text, default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Browser origins allowed to call it (CORS), comma-separated: the main app's
    #[arg(long = "allowed-origins", env = "FAVORITES_ALLOWED_ORIGINS", value_name = "URLS",
          value_delimiter = ',', value_parser = origin, default_value = DEFAULT_ALLOWED_ORIGIN)]
    pub allowed_origins: Vec<String>,
    /// The origin browsers reach it at; DPoP proofs must name it [default: http:// + its address]
    #[arg(long = "public-origin", env = "FAVORITES_PUBLIC_ORIGIN", value_name = "URL",
          value_parser = origin)]
    pub public_origin: Option<String>,
    /// Where the main app publishes its public keys; https:// except for localhost
    /// [default: http://127.0.0.1:3000/.well-known/jwks.json outside a release build]
    #[arg(long = "jwks-url", env = "JWT_JWKS_URL", value_name = "URL", value_parser = jwks_url)]
    pub jwks_url: Option<String>,
    #[command(flatten)]
    pub shared: SharedSettings,
}

/// Whom the favourites service trusts to have issued a token.
#[derive(Debug, Clone)]
pub enum TrustedKeys {
    /// The main app's published public keys: this service can verify
    /// tokens but never make one.
    Jwks(String),
    /// The shared HS256 secret: this service could also mint tokens.
    SharedSecret(JwtSecret),
}

#[derive(Debug, Clone)]
pub struct FavoritesConfig {
    pub addr: SocketAddr,
    pub database_url: String,
    /// Browser origins allowed to call this service (CORS).
    pub allowed_origins: Vec<String>,
    pub keys: TrustedKeys,
    /// Where browsers reach this service, which DPoP proofs must name (`htu`).
    pub public_origin: String,
    /// Bearer tokens are refused, as on the main app.
    pub dpop_required: bool,
    /// How many verified tokens to remember.
    pub verified_tokens: usize,
    /// The separate listener for `/metrics`, if any.
    pub metrics_addr: Option<SocketAddr>,
}

impl FavoritesConfig {
    /// The configuration the variables looked up by `var` make (blank is
    /// unset); `production` needs to be told whom to trust.
    pub fn from_vars(
        production: bool,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, FavoritesConfigError> {
        let settings = values::settings_from_vars::<FavoritesSettings>(var)?;
        Self::from_settings(production, settings)
    }

    /// What the settings mean together; a release build (`production`)
    /// has no default for whom to trust.
    pub fn from_settings(
        production: bool,
        settings: FavoritesSettings,
    ) -> Result<Self, FavoritesConfigError> {
        let shared = settings.shared;
        let keys = match (settings.jwks_url, shared.jwt_secret) {
            (Some(_), Some(_)) => return Err(FavoritesConfigError::TwoKeys),
            (Some(url), None) => TrustedKeys::Jwks(url),
            (None, Some(secret)) => TrustedKeys::SharedSecret(JwtSecret::new(secret)?),
            (None, None) if production => return Err(FavoritesConfigError::NoKeys),
            (None, None) => TrustedKeys::Jwks(DEFAULT_JWKS_URL.to_owned()),
        };
        Ok(Self {
            public_origin: settings
                .public_origin
                .unwrap_or_else(|| format!("http://{}", settings.addr)),
            metrics_addr: shared.metrics_addr,
            dpop_required: shared.dpop_required,
            verified_tokens: shared.verified_tokens as usize,
            addr: settings.addr,
            database_url: settings.database_url,
            allowed_origins: settings.allowed_origins,
            keys,
        })
    }

    /// The directory of the SQLite file, to create before opening it.
    pub fn database_dir(&self) -> Option<PathBuf> {
        service_kit::settings::database_dir(&self.database_url)
    }
}

/// `https://…`, or `http://` to this machine only: the keys decide whose
/// tokens are trusted, so they must not travel where anyone could change them.
fn jwks_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let bad = || {
        format!(
            "must be an https:// URL (http:// only for localhost), not {url:?}: the keys decide \
             whose tokens are trusted, so they must not travel where anyone could change them"
        )
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    if let Some(rest) = url.strip_prefix("https://") {
        return if rest.is_empty() {
            Err(bad())
        } else {
            Ok(url.to_owned())
        };
    }
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let local = ["127.0.0.1", "localhost", "[::1]"].contains(&host);
    if local {
        Ok(url.to_owned())
    } else {
        Err(bad())
    }
}

/// What `favorites config check` prints: the effective settings, secrets redacted.
pub fn effective(config: &FavoritesConfig) -> Vec<(&'static str, String)> {
    let mut lines = vec![
        ("FAVORITES_ADDR", config.addr.to_string()),
        ("FAVORITES_PUBLIC_ORIGIN", config.public_origin.clone()),
        ("FAVORITES_DATABASE_URL", config.database_url.clone()),
        (
            "FAVORITES_ALLOWED_ORIGINS",
            config.allowed_origins.join(","),
        ),
        ("DPOP_REQUIRED", u8::from(config.dpop_required).to_string()),
        ("VERIFIED_TOKENS", config.verified_tokens.to_string()),
        ("METRICS_ADDR", shown_addr(config.metrics_addr)),
    ];
    lines.push(match &config.keys {
        TrustedKeys::Jwks(url) => ("JWT_JWKS_URL", url.clone()),
        TrustedKeys::SharedSecret(_) => ("JWT_SECRET", "(set, redacted)".into()),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(
        production: bool,
        vars: &[(&str, &str)],
    ) -> Result<FavoritesConfig, FavoritesConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        FavoritesConfig::from_vars(production, |name| vars.get(name).cloned())
    }

    /// The reason given when `result` refused the value of `variable`.
    #[track_caller]
    fn refused(result: Result<FavoritesConfig, FavoritesConfigError>, variable: &str) -> String {
        match result {
            Err(FavoritesConfigError::Setting(SettingsError::Setting {
                variable: named,
                reason,
                ..
            })) if named == variable => reason,
            other => panic!("expected {variable} to be refused, got {other:?}"),
        }
    }

    #[test]
    fn development_defaults_point_at_the_local_main_app() {
        let config = config(false, &[]).unwrap();
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(
            config.allowed_origins,
            vec!["http://localhost:3000", "http://127.0.0.1:3000"]
        );
        assert!(matches!(config.keys, TrustedKeys::Jwks(url) if url == DEFAULT_JWKS_URL));
    }

    #[test]
    fn production_needs_to_be_told_whom_to_trust() {
        assert!(matches!(
            config(true, &[]),
            Err(FavoritesConfigError::NoKeys)
        ));
        let ok = config(
            true,
            &[(
                "JWT_JWKS_URL",
                "https://photos.example/.well-known/jwks.json",
            )],
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn jwks_over_plain_http_only_to_this_machine() {
        for good in [
            "http://127.0.0.1:3000/.well-known/jwks.json",
            "http://localhost/.well-known/jwks.json",
            "https://auth.example.com/.well-known/jwks.json",
        ] {
            assert!(config(true, &[("JWT_JWKS_URL", good)]).is_ok(), "{good}");
        }
        for bad in [
            "http://auth.example.com/.well-known/jwks.json",
            "http://127.0.0.1.evil.example/jwks.json",
            "ftp://127.0.0.1/jwks.json",
            "https://",
        ] {
            refused(config(true, &[("JWT_JWKS_URL", bad)]), "JWT_JWKS_URL");
        }
    }

    #[test]
    fn shared_secret_mode_and_its_conflicts() {
        let secret = "0123456789abcdef0123456789abcdef";
        let shared = config(true, &[("JWT_SECRET", secret)]).unwrap();
        assert!(matches!(shared.keys, TrustedKeys::SharedSecret(_)));
        assert!(matches!(
            config(true, &[("JWT_SECRET", "short")]),
            Err(FavoritesConfigError::WeakSecret(_))
        ));
        let both = config(
            false,
            &[("JWT_SECRET", secret), ("JWT_JWKS_URL", DEFAULT_JWKS_URL)],
        );
        assert!(matches!(both, Err(FavoritesConfigError::TwoKeys)));
    }

    #[test]
    fn origins_and_address_are_checked() {
        let many = config(
            false,
            &[(
                "FAVORITES_ALLOWED_ORIGINS",
                "https://a.example, http://127.0.0.1:3000",
            )],
        )
        .unwrap();
        assert_eq!(
            many.allowed_origins,
            vec!["https://a.example", "http://127.0.0.1:3000"]
        );
        refused(
            config(false, &[("FAVORITES_ALLOWED_ORIGINS", "*")]),
            "FAVORITES_ALLOWED_ORIGINS",
        );
        refused(
            config(false, &[("FAVORITES_ADDR", "port 80")]),
            "FAVORITES_ADDR",
        );
    }
}
