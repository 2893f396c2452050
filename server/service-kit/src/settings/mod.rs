//! What both binaries read the same way: the settings they share, how one
//! setting's text becomes a value (`values`), the command line's parsing
//! and its `config` subcommands, and the book's reference tables.

pub mod reference;
pub mod values;

use clap::{Parser, Subcommand};
use identity::auth::DEFAULT_VERIFIED_TOKENS;
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
};
use thiserror::Error;
use values::{number, socket_addr, switch, text};

/// The most verified tokens a service may be told to remember (about 1.2 GB).
pub const MAX_VERIFIED_TOKENS: u32 = 1_000_000;

/// A setting refused as it was read.
#[derive(Debug, Error)]
pub enum SettingsError {
    /// One setting's value, naming its variable and flag.
    #[error("{variable} ({flag}) {reason}")]
    Setting {
        variable: String,
        flag: String,
        reason: String,
    },
    /// Anything else clap refused (an unknown flag, say), in its words.
    #[error("{0}")]
    Arguments(String),
}

impl SettingsError {
    /// `value` of `variable` (flag `--flag`) is not a usable origin.
    pub fn bad_origin(variable: &str, flag: &str, value: &str) -> Self {
        Self::Setting {
            variable: variable.to_owned(),
            flag: format!("--{flag}"),
            reason: format!("must be an http:// or https:// origin, not {value:?}"),
        }
    }
}

/// How log lines are written (`LOG_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, with the request's span (its id) in each,
    /// for log collectors.
    Json,
}

/// What both services read under the same names.
#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "Both services")]
pub struct SharedSettings {
    /// Shared-secret mode: HS256 with this secret, at least 32 bytes (`openssl rand -hex 32`).
    /// Prefer the variable: a flag shows in `ps`
    #[arg(long, env = "JWT_SECRET", value_name = "SECRET", value_parser = text)]
    pub jwt_secret: Option<String>,
    /// 1: only sender-constrained (DPoP) tokens; bearer tokens and log-ins without a proof get 401
    #[arg(long, env = "DPOP_REQUIRED", value_name = "0|1", default_value = "0", value_parser = switch,
          action = clap::ArgAction::Set)]
    pub dpop_required: bool,
    /// Tokens whose signature verified that are remembered, so each signature is checked once
    /// (0: check every time; about 1.2 KB each)
    #[arg(long, env = "VERIFIED_TOKENS", value_name = "N",
          default_value_t = DEFAULT_VERIFIED_TOKENS as u32, value_parser = number::<0, MAX_VERIFIED_TOKENS>)]
    pub verified_tokens: u32,
    /// A separate listener serving Prometheus text at /metrics, never on the public port [default: off]
    #[arg(long, env = "METRICS_ADDR", value_name = "ADDR", value_parser = socket_addr)]
    pub metrics_addr: Option<SocketAddr>,
    /// How log lines are written to stdout
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "text",
        ignore_case = true
    )]
    pub log_format: LogFormat,
    /// Which log lines are written (a `tracing` filter)
    #[arg(
        long = "log",
        env = "RUST_LOG",
        value_name = "FILTER",
        default_value = "info,sqlx=warn"
    )]
    pub log_filter: String,
}

/// The `config` subcommand of both binaries.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets redacted), or the first problem (exit 1)
    Check,
    /// Print every setting as Markdown tables (the book's configuration reference)
    Reference,
}

/// The command line and environment of this process, or the exit code
/// after saying what is wrong with them: help and `--version` exit 0, a
/// refused setting 1 (naming its variable), other usage errors 2.
pub fn parse<P: Parser>() -> Result<P, ExitCode> {
    values::parse_process::<P>().map_err(|error| {
        match values::name_the_variable(&P::command(), error) {
            Ok(problem) => {
                eprintln!("configuration problem: {problem}");
                ExitCode::FAILURE
            }
            Err(error) => {
                // Help and version to stdout, usage errors to stderr.
                let _ = error.print();
                ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
            }
        }
    })
}

/// An optional listener as `config check` shows it: its address, or `(off)`.
pub fn shown_addr(addr: Option<SocketAddr>) -> String {
    addr.map_or_else(|| "(off)".to_owned(), |addr| addr.to_string())
}

/// `config check`: prints the effective configuration, one `NAME=value` per
/// line, or the first problem (exit 1).
pub fn check<C, E: std::fmt::Display>(
    config: Result<C, E>,
    effective: impl Fn(&C) -> Vec<(&'static str, String)>,
) -> ExitCode {
    match config {
        Ok(config) => {
            for (name, value) in effective(&config) {
                println!("{name}={value}");
            }
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("configuration problem: {problem}");
            ExitCode::FAILURE
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_dir_is_the_database_files_directory() {
        assert_eq!(database_dir("postgres://app@db/photos"), None);
        assert_eq!(
            database_dir("sqlite://data/photo-spots.db?mode=rwc"),
            Some(PathBuf::from("data"))
        );
        assert_eq!(
            database_dir("sqlite:///var/lib/ps/db.sqlite?mode=rwc"),
            Some(PathBuf::from("/var/lib/ps"))
        );
        assert_eq!(database_dir("sqlite::memory:"), None);
    }
}
