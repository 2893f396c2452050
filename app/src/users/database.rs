//! Which database the app runs on, how to reach it, and which of its errors
//! mean "the database is away" (503) rather than a bug (500).

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

/// True for errors that say the database can't be reached or is refusing
/// work for now (down, restarting, out of connections, a statement
/// timeout): the request should answer 503 and a retry later may work.
pub fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // PostgreSQL: 08 connection exceptions, 57 operator intervention
            // (shutdown, statement timeout), 53300 too many connections.
            // SQLite: 5 busy, 6 locked (past the busy timeout).
            code.starts_with("08")
                || code.starts_with("57")
                || code == "53300"
                || code == "5"
                || code == "6"
        }),
        _ => false,
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

    #[test]
    fn an_unreachable_database_is_an_outage_and_a_bad_row_is_not() {
        assert!(is_outage(&sqlx::Error::PoolTimedOut));
        assert!(is_outage(&sqlx::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into()
        )));
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&sqlx::Error::ColumnNotFound("id".into())));
    }
}
