//! The app's command line, `server`: its subcommands and settings, as clap
//! declares them (`--help`). Every setting also comes from its environment
//! variable, which is how deployments set them.

use crate::config::AppSettings;
use clap::{Parser, Subcommand};
pub use service_kit::settings::{ConfigCommand, parse};

/// Photo Spots: the app, its JSON API and the signing keys' JWKS.
///
/// Every setting may be given as a flag or as its environment variable
/// (shown in brackets); a flag wins. A variable set to nothing counts as unset.
#[derive(Debug, Parser)]
#[command(name = "server", version, args_override_self = true)]
pub struct ServerCli {
    #[command(subcommand)]
    pub command: Option<ServerCommand>,
    #[command(flatten)]
    pub settings: AppSettings,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Serve Photo Spots (what `server` alone does)
    Serve,
    /// The signing keys, with the same configuration as the server
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Who may use the admin area
    #[command(subcommand)]
    Users(UsersCommand),
    /// The configuration itself
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key; the previous one keeps verifying until its tokens expire
    Rotate,
    /// Show the signing key and the published ones
    List,
    /// Print a fresh key-encryption key for JWT_KEY_ENCRYPTION_KEY
    NewKek,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Let USERNAME use the admin area (from their next login)
    GrantAdmin { username: String },
    /// Take it away; their current tokens stop working at once
    RevokeAdmin { username: String },
    /// Disable USERNAME's account: their sign-ins are refused with a message, and every
    /// token and session they have ends at once
    Disable { username: String },
    /// Enable USERNAME's account again (they sign in anew)
    Enable { username: String },
    /// Delete USERNAME's account and everything of theirs (the spots they added stay,
    /// credited to nobody); the favourites service hears of it from the running app. Their
    /// id is never given again
    Delete {
        username: String,
        /// Say yes: deleting can't be undone
        #[arg(long)]
        yes: bool,
    },
    /// Sign USERNAME out everywhere: every token and session they have ends at once
    Logout { username: String },
    /// Print a one-use link, valid 15 minutes, that lets USERNAME set a new password
    /// (every session of theirs then ends): for someone with no password, passkey or
    /// recovery code left. You never choose or see the password
    RecoveryLink { username: String },
    /// List USERNAME's passkeys (id, name, synced or device-bound, when added and last used)
    Passkeys { username: String },
    /// Remove USERNAME's passkey ID (a lost device); it signs nobody in from now on
    RemovePasskey {
        username: String,
        /// The passkey's id as `server users passkeys` lists it (base64url, so it
        /// may begin with `-`)
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// Remove it even if it is their last way to sign in (no password, no other
        /// passkey): the account then can't be signed in to
        #[arg(long)]
        even_if_last: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use service_kit::settings::reference;

    /// The committed configuration reference, or a message saying how to write it.
    fn committed_reference(file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/src/operating")
            .join(file);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `make docs`", path.display()))
    }

    #[test]
    fn the_books_settings_match_the_server_command_line() {
        assert_eq!(
            committed_reference("settings-server.md"),
            reference::markdown(&ServerCli::command()),
            "docs/src/operating/settings-server.md is out of date: run `make docs`"
        );
    }

    #[test]
    fn every_setting_has_a_reference_row_with_its_variable_and_flag() {
        let text = reference::markdown(&ServerCli::command());
        for (variable, flag) in [
            ("JWT_TTL_SECONDS", "--jwt-ttl-seconds"),
            ("DATABASE_URL", "--database-url"),
            ("STEP_UP_MAX_AGE_SECONDS", "--step-up-max-age-seconds"),
            ("RUST_LOG", "--log"),
        ] {
            let row = text
                .lines()
                .find(|line| line.starts_with(&format!("| `{variable}` |")))
                .unwrap_or_else(|| panic!("no row for {variable}"));
            assert!(row.contains(&format!("`{flag}`")), "{row}");
        }
        assert!(
            !text.contains("--help"),
            "clap's own flags are not settings"
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        ServerCli::command().debug_assert();
    }

    #[test]
    fn every_setting_has_a_variable_and_a_meaning() {
        let command = ServerCli::command();
        for arg in reference::settings(&command) {
            let id = arg.get_id().as_str();
            assert!(arg.get_env().is_some(), "{id} has no environment variable");
            assert!(arg.get_help().is_some(), "{id} has no help text");
        }
    }

    #[test]
    fn subcommands_parse_and_serve_is_the_default() {
        let cli = ServerCli::try_parse_from(["server"]).unwrap();
        assert!(cli.command.is_none());
        let cli = ServerCli::try_parse_from(["server", "users", "grant-admin", "ada"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(ServerCommand::Users(UsersCommand::GrantAdmin { username })) if username == "ada"
        ));
        let cli = ServerCli::try_parse_from(["server", "--jwt-ttl-seconds", "60", "keys", "list"])
            .unwrap();
        assert_eq!(cli.settings.jwt_ttl_seconds, 60);
        assert!(matches!(
            cli.command,
            Some(ServerCommand::Keys(KeysCommand::List))
        ));
        let cli = ServerCli::try_parse_from(["server", "config", "check"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(ServerCommand::Config(ConfigCommand::Check))
        ));
    }

    #[test]
    fn a_passkey_id_that_begins_with_a_dash_is_an_id_not_a_flag() {
        let cli = ServerCli::try_parse_from([
            "server",
            "users",
            "remove-passkey",
            "john",
            "-4bXo_Q",
            "--even-if-last",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Some(ServerCommand::Users(UsersCommand::RemovePasskey { id, even_if_last: true, .. }))
                if id == "-4bXo_Q"
        ));
    }

    #[test]
    fn a_misspelt_command_is_a_usage_error() {
        let error = ServerCli::try_parse_from(["server", "keys", "rotat"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidSubcommand);
        assert_eq!(error.exit_code(), 2);
    }
}
