//! `run`: the settings, the signal handlers and the exit code. The bot itself is assembled and run by
//! the library's `App`.

use super::signals::shutdown_signal;
use layoffwatch::app::App;
use layoffwatch::config::Settings;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(config: Option<&Path>, once: bool) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_process(config)?;
    if once {
        // A one-off run keeps the default signal handling, so Ctrl-C stops it at once.
        App::build(settings).await?.run_once().await?;
    } else {
        // Installed before the app is built: a SIGTERM while the bot starts must stop it cleanly.
        let shutdown = shutdown_signal();
        App::build(settings).await?.run_until(shutdown).await?;
    }
    Ok(ExitCode::SUCCESS)
}
