//! The favourites service: `cargo run -p favorites`;
//! `favorites --help` lists its settings, `favorites config check` shows
//! them.

use clap::CommandFactory;
use favorites::{
    FavoritesConfig, FavoritesStartError, build_state,
    cli::{FavoritesCli, FavoritesCommand},
    config, router,
};
use service_kit::{
    process,
    serve::{self, ServeLimits},
    settings::{self, ConfigCommand, reference},
};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match settings::parse::<FavoritesCli>() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Err(problem) = process::init_tracing(&cli.settings.shared) {
        eprintln!("configuration problem: {problem}");
        return ExitCode::FAILURE;
    }
    if let Some(FavoritesCommand::Config(ConfigCommand::Reference)) = cli.command {
        print!("{}", reference::markdown(&FavoritesCli::command()));
        return ExitCode::SUCCESS;
    }
    // A release build is production: no development default for whom to trust.
    let config = FavoritesConfig::from_settings(!cfg!(debug_assertions), cli.settings);
    if let Some(FavoritesCommand::Config(ConfigCommand::Check)) = cli.command {
        return settings::check(config, config::effective);
    }
    let result = config
        .map_err(FavoritesStartError::from)
        .and_then(|config| {
            let runtime = tokio::runtime::Runtime::new().map_err(FavoritesStartError::Runtime)?;
            runtime.block_on(run(config))
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("the favourites service could not run: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: FavoritesConfig) -> Result<(), FavoritesStartError> {
    let state = build_state(&config).await?;
    let store = state.store.clone();
    let addr = config.addr;
    let listener =
        serve::bind(addr).map_err(|source| FavoritesStartError::Listen { addr, source })?;
    tracing::info!("the favourites service is listening on http://{addr}");
    if let Some(addr) = config.metrics_addr {
        service_kit::metrics::serve(addr)
            .await
            .map_err(|source| FavoritesStartError::Listen { addr, source })?;
    }
    serve::serve(
        listener,
        router(state, &config.allowed_origins),
        ServeLimits::default(),
        process::shutdown_signal(),
    )
    .await;
    store.close().await;
    tracing::info!("the favourites service stopped");
    Ok(())
}
