//! The favourites service's command line, `favorites`: its subcommands and
//! settings, as clap declares them (`--help`). Every setting also comes from
//! its environment variable.

use crate::config::FavoritesSettings;
use clap::{Parser, Subcommand};
use service_kit::settings::ConfigCommand;

/// The favourites service: a second service that trusts the app's tokens.
///
/// Every setting may be given as a flag or as its environment variable
/// (shown in brackets); a flag wins. A variable set to nothing counts as unset.
#[derive(Debug, Parser)]
#[command(name = "favorites", version, args_override_self = true)]
pub struct FavoritesCli {
    #[command(subcommand)]
    pub command: Option<FavoritesCommand>,
    #[command(flatten)]
    pub settings: FavoritesSettings,
}

#[derive(Debug, Subcommand)]
pub enum FavoritesCommand {
    /// Serve the favourites service (what `favorites` alone does)
    Serve,
    /// The configuration itself
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use service_kit::settings::reference;

    #[test]
    fn the_books_settings_match_the_command_line() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/src/operating/settings-favorites.md");
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `make docs`", path.display()));
        assert_eq!(
            committed,
            reference::markdown(&FavoritesCli::command()),
            "docs/src/operating/settings-favorites.md is out of date: run `make docs`"
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        FavoritesCli::command().debug_assert();
    }

    #[test]
    fn every_setting_has_a_variable_and_a_meaning() {
        let command = FavoritesCli::command();
        for arg in reference::settings(&command) {
            let id = arg.get_id().as_str();
            assert!(arg.get_env().is_some(), "{id} has no environment variable");
            assert!(arg.get_help().is_some(), "{id} has no help text");
        }
    }

    #[test]
    fn config_check_parses_and_serve_is_the_default() {
        let cli = FavoritesCli::try_parse_from(["favorites"]).unwrap();
        assert!(cli.command.is_none());
        let cli = FavoritesCli::try_parse_from(["favorites", "config", "check"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(FavoritesCommand::Config(ConfigCommand::Check))
        ));
    }
}
