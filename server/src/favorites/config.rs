//! The favourites service's configuration, from environment variables,
//! validated before anything starts.

use crate::config::{ConfigError, parse_metrics_addr, parse_origin, parse_verified_tokens};
use app::auth::JwtSecret;
use std::{net::SocketAddr, path::PathBuf};
use thiserror::Error;

pub const DEFAULT_ADDR: &str = "127.0.0.1:3002";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/favorites.db?mode=rwc";
/// The main app's address in development (`cargo leptos watch`, `make run`).
pub const DEFAULT_ALLOWED_ORIGIN: &str = "http://127.0.0.1:3000";
pub const DEFAULT_JWKS_URL: &str = "http://127.0.0.1:3000/.well-known/jwks.json";

#[derive(Debug, Error)]
pub enum FavoritesConfigError {
    #[error("FAVORITES_ADDR must be an address like 127.0.0.1:3002, not {0:?}")]
    BadAddr(String),
    #[error(
        "JWT_JWKS_URL must be an https:// URL (http:// only for localhost), not {0:?}: \
         the keys decide whose tokens are trusted, so they must not travel where anyone could change them"
    )]
    BadJwksUrl(String),
    #[error(
        "no way to check tokens: set JWT_JWKS_URL to the main app's /.well-known/jwks.json \
         (or JWT_SECRET in shared-secret mode)"
    )]
    NoKeys,
    #[error("JWT_JWKS_URL and JWT_SECRET are both set; choose one")]
    TwoKeys,
    #[error("{0}")]
    Main(#[from] ConfigError),
    #[error("DPOP_REQUIRED must be 1 or 0, not {0:?}")]
    BadDpopFlag(String),
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
    /// `FAVORITES_PUBLIC_ORIGIN`: where browsers reach this service, which
    /// DPoP proofs must name (`htu`); `http://` + `FAVORITES_ADDR` by default.
    pub public_origin: String,
    /// `DPOP_REQUIRED=1`: bearer tokens are refused, as on the main app.
    pub dpop_required: bool,
    /// `VERIFIED_TOKENS`: how many verified tokens to remember.
    pub verified_tokens: usize,
    /// `METRICS_ADDR`: the separate listener for `/metrics`, if any.
    pub metrics_addr: Option<SocketAddr>,
}

impl FavoritesConfig {
    pub fn from_env() -> Result<Self, FavoritesConfigError> {
        // A release build is production: no development defaults for keys.
        Self::from_vars(!cfg!(debug_assertions), |name| std::env::var(name).ok())
    }

    pub fn from_vars(
        production: bool,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, FavoritesConfigError> {
        let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let addr_text = set("FAVORITES_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr = addr_text
            .trim()
            .parse()
            .map_err(|_| FavoritesConfigError::BadAddr(addr_text.clone()))?;
        let database_url =
            set("FAVORITES_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let allowed_origins = set("FAVORITES_ALLOWED_ORIGINS")
            .unwrap_or_else(|| DEFAULT_ALLOWED_ORIGIN.to_owned())
            .split(',')
            .map(|origin| parse_origin("FAVORITES_ALLOWED_ORIGINS", origin))
            .collect::<Result<Vec<_>, _>>()?;
        let keys = match (set("JWT_JWKS_URL"), set("JWT_SECRET")) {
            (Some(_), Some(_)) => return Err(FavoritesConfigError::TwoKeys),
            (Some(url), None) => TrustedKeys::Jwks(check_jwks_url(&url)?),
            (None, Some(secret)) => {
                TrustedKeys::SharedSecret(JwtSecret::new(secret).map_err(ConfigError::WeakSecret)?)
            }
            (None, None) if production => return Err(FavoritesConfigError::NoKeys),
            (None, None) => TrustedKeys::Jwks(DEFAULT_JWKS_URL.to_owned()),
        };
        let public_origin = match set("FAVORITES_PUBLIC_ORIGIN") {
            None => format!("http://{addr}"),
            Some(url) => parse_origin("FAVORITES_PUBLIC_ORIGIN", &url)?,
        };
        let dpop_required = match set("DPOP_REQUIRED").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => return Err(FavoritesConfigError::BadDpopFlag(other.to_owned())),
        };
        let verified_tokens = parse_verified_tokens(set("VERIFIED_TOKENS"))?;
        let metrics_addr = parse_metrics_addr(set("METRICS_ADDR"))?;
        Ok(Self {
            metrics_addr,
            public_origin,
            dpop_required,
            verified_tokens,
            addr,
            database_url,
            allowed_origins,
            keys,
        })
    }

    /// The directory of the SQLite file, to create before opening it.
    pub fn database_dir(&self) -> Option<PathBuf> {
        crate::config::database_dir(&self.database_url)
    }
}

/// `https://…`, or `http://` to this machine only.
fn check_jwks_url(url: &str) -> Result<String, FavoritesConfigError> {
    let url = url.trim();
    let bad = || FavoritesConfigError::BadJwksUrl(url.to_owned());
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

    #[test]
    fn development_defaults_point_at_the_local_main_app() {
        let config = config(false, &[]).unwrap();
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(
            config.allowed_origins,
            vec![DEFAULT_ALLOWED_ORIGIN.to_owned()]
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
            assert!(
                matches!(
                    config(true, &[("JWT_JWKS_URL", bad)]),
                    Err(FavoritesConfigError::BadJwksUrl(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn shared_secret_mode_and_its_conflicts() {
        let secret = "0123456789abcdef0123456789abcdef";
        let shared = config(true, &[("JWT_SECRET", secret)]).unwrap();
        assert!(matches!(shared.keys, TrustedKeys::SharedSecret(_)));
        assert!(matches!(
            config(true, &[("JWT_SECRET", "short")]),
            Err(FavoritesConfigError::Main(_))
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
        assert!(config(false, &[("FAVORITES_ALLOWED_ORIGINS", "*")]).is_err());
        assert!(matches!(
            config(false, &[("FAVORITES_ADDR", "port 80")]),
            Err(FavoritesConfigError::BadAddr(_))
        ));
    }
}
