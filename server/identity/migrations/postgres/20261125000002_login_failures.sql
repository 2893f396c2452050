-- The login throttle's counters, shared by every app instance: five failures
-- spread over three instances count as five. One fixed window per key
-- ('address:10.0.0.1' or 'username:john').
--
-- UNLOGGED: no write-ahead log, so a failed login costs no fsync. After a
-- database crash the table comes back empty, which forgets at most one
-- window of failures.
CREATE UNLOGGED TABLE login_failures (
    key            TEXT        PRIMARY KEY,
    failures       INTEGER     NOT NULL,
    window_started TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_window_started ON login_failures (window_started);
