//! The Photo Spots server: `server` (or `server serve`) serves the app;
//! `server keys …` manages the signing keys (see `keys`), `server users …`
//! the admins (see `admins`), `server config check` the configuration.
//! `server --help` lists every setting.

use clap::CommandFactory;
use server::{
    Config, StartError, admins, build_state,
    cli::{ConfigCommand, KeysCommand, ServerCli, ServerCommand, UsersCommand},
    config_check, keys, lost_devices, router,
};
use service_kit::{
    process,
    settings::{self, reference},
};
use std::process::ExitCode;

/// Why a command failed, for the one log line before exiting.
type Failure = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let cli = match server::cli::parse::<ServerCli>() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Err(problem) = process::init_tracing(&cli.settings.shared) {
        eprintln!("configuration problem: {problem}");
        return ExitCode::FAILURE;
    }
    let command = cli.command.unwrap_or(ServerCommand::Serve);
    match command {
        ServerCommand::Config(ConfigCommand::Check) => {
            return settings::check(Config::load(cli.settings), config_check::effective);
        }
        ServerCommand::Config(ConfigCommand::Reference) => {
            print!("{}", reference::markdown(&ServerCli::command()));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let result = tokio::runtime::Runtime::new()
        .map_err(Failure::from)
        .and_then(|runtime| runtime.block_on(dispatch(command, cli.settings)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("Photo Spots could not run: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(
    command: ServerCommand,
    settings: server::config::AppSettings,
) -> Result<(), Failure> {
    if let ServerCommand::Keys(KeysCommand::NewKek) = command {
        return keys::new_kek().map_err(Failure::from);
    }
    let config = Config::load(settings).map_err(StartError::from)?;
    match command {
        ServerCommand::Serve => run(config).await.map_err(Failure::from),
        ServerCommand::Keys(KeysCommand::Rotate) => {
            keys::rotate(&config).await.map_err(Failure::from)
        }
        ServerCommand::Keys(KeysCommand::List) => keys::list(&config).await.map_err(Failure::from),
        ServerCommand::Users(UsersCommand::GrantAdmin { username }) => {
            admins::set_admin(&config, &username, true)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::RevokeAdmin { username }) => {
            admins::set_admin(&config, &username, false)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::Disable { username }) => {
            admins::set_disabled(&config, &username, true)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::Enable { username }) => {
            admins::set_disabled(&config, &username, false)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::Delete { username, yes }) => {
            admins::delete(&config, &username, yes)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::Logout { username }) => {
            admins::log_out(&config, &username)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::RecoveryLink { username }) => {
            admins::recovery_link(&config, &username)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::Passkeys { username }) => {
            lost_devices::list(&config, &username)
                .await
                .map_err(Failure::from)
        }
        ServerCommand::Users(UsersCommand::RemovePasskey {
            username,
            id,
            even_if_last,
        }) => lost_devices::remove(&config, &username, &id, even_if_last)
            .await
            .map_err(Failure::from),
        ServerCommand::Keys(KeysCommand::NewKek) | ServerCommand::Config(_) => Ok(()),
    }
}

async fn run(config: Config) -> Result<(), StartError> {
    let state = build_state(&config).await?;
    let users = state.users.clone();
    let addr = config.leptos_options.site_addr;
    let listener =
        service_kit::serve::bind(addr).map_err(|source| StartError::Listen { addr, source })?;
    tracing::info!(
        "Photo Spots is listening on http://{addr}; open {}",
        config.public_origin
    );
    if let Some(addr) = config.metrics_addr {
        let pools = Some(state.users.pools().clone());
        server::metrics::serve(addr, pools)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
    }
    let app = match config.redirect_pages_to_origin {
        true => server::dev_origin::redirect_to(router(state.clone()), &config.public_origin),
        false => router(state.clone()),
    };
    // Photo files no spot shows (replaced, deleted, or left by a crash) go
    // at start and every hour, besides right after each admin photo change.
    server::spots::sweep_photos_every(&state, std::time::Duration::from_secs(3600));
    // Ended logins' rows, likewise at start and every hour.
    state
        .refresh
        .prune_every(std::time::Duration::from_secs(3600));
    // Security activity past its 90 days, likewise.
    state
        .activity
        .prune_every(std::time::Duration::from_secs(3600));
    // Handlers see the client's address (login throttling keys on it).
    service_kit::serve::serve(listener, app, config.serve, process::shutdown_signal()).await;
    // In-flight requests are done: close the pool so SQLite checkpoints the WAL.
    users.close().await;
    tracing::info!("Photo Spots stopped");
    Ok(())
}
