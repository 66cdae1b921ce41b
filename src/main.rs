mod cli;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = cli::Cli::parse();
    // Bulk statements of imports are slow by nature; sqlx would log each with its whole SQL text.
    let default_level =
        if matches!(cli.command, cli::Command::Serve | cli::Command::Demo) { "info" } else { "warn,sqlx=error" };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)))
        .with_writer(std::io::stderr)
        .init();
    let clock = match overture::clock::Clock::from_env() {
        Ok(clock) => clock,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    if let Err(err) = cli::run(cli, clock).await {
        match &err {
            cli::CliError::Input(message) => eprintln!("error: {message}"),
            cli::CliError::Other(e) => eprintln!("error: {e:#}"),
        }
        std::process::exit(err.exit_code());
    }
}
