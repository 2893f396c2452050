//! Which database the app runs on and how to reach it.

use std::time::Duration;

/// From `DATABASE_URL` and the `DATABASE_*` settings (validated by the
/// server's config).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseOptions {
    /// `sqlite://…` (the default) or `postgres://…`.
    pub url: String,
    /// PostgreSQL connections per instance.
    pub max_connections: u32,
    /// PostgreSQL's `statement_timeout`: a statement running longer fails
    /// (and its request answers 503) instead of holding the request.
    pub statement_timeout: Duration,
    /// How long a request waits for a connection (opening one included)
    /// before it answers 503.
    pub connect_timeout: Duration,
    /// How long start-up keeps retrying a database that isn't reachable.
    pub start_timeout: Duration,
}

impl DatabaseOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            statement_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            start_timeout: Duration::from_secs(60),
        }
    }

    pub fn kind(&self) -> Option<DatabaseKind> {
        DatabaseKind::of(&self.url)
    }

    /// Where the database is, without the password, for logs.
    pub fn display_target(&self) -> String {
        match self.url.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                let host = host.split('?').next().unwrap_or(host);
                format!("{scheme}://{host}")
            }
            None => "(unparsable URL)".to_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseKind {
    pub fn of(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0;
        match scheme {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_never_show_the_password() {
        let options =
            DatabaseOptions::new("postgres://app:s3cret@db.internal:5432/photos?sslmode=require");
        assert_eq!(
            options.display_target(),
            "postgres://db.internal:5432/photos"
        );
        assert!(!options.display_target().contains("s3cret"));
    }

    #[test]
    fn the_scheme_picks_the_database() {
        assert_eq!(
            DatabaseKind::of("sqlite://data/x.db?mode=rwc"),
            Some(DatabaseKind::Sqlite)
        );
        assert_eq!(
            DatabaseKind::of("postgres://localhost/x"),
            Some(DatabaseKind::Postgres)
        );
        assert_eq!(
            DatabaseKind::of("postgresql://localhost/x"),
            Some(DatabaseKind::Postgres)
        );
        assert_eq!(DatabaseKind::of("mysql://localhost/x"), None);
        assert_eq!(DatabaseKind::of("data/x.db"), None);
    }
}
