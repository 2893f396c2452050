//! Which database errors mean "the database is away" (503, try again) rather
//! than a bug (500).

use super::{ApiError, Outage};

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

impl From<sqlx::Error> for ApiError {
    /// A database that is down or overloaded is 503 (try again); anything
    /// else is a bug, 500. The details go to the log, never to the caller.
    fn from(error: sqlx::Error) -> Self {
        if is_outage(&error) {
            tracing::warn!(%error, "database unavailable");
            metrics::counter!("photo_spots_db_outage_answers_total").increment(1);
            Self::Unavailable(Outage::Database)
        } else {
            tracing::error!(%error, "database error");
            Self::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
