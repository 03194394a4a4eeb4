//! `stripe-sim`: runs the local Stripe simulator until Ctrl-C or SIGTERM (then exits 0).

use std::net::{IpAddr, SocketAddr};

use clap::Parser;
use stripe_sim::{Simulator, SimulatorConfig};

/// A local stand-in for the Stripe API subset the payments module uses (dev only): Checkout
/// Sessions with a hosted page, refunds, signed webhooks. No real payment ever happens.
#[derive(Debug, Parser)]
#[command(name = "stripe-sim", version)]
struct Cli {
    /// Port to listen on (0: a free one).
    #[arg(long, env = "STRIPE_SIM_PORT", default_value_t = 12111)]
    port: u16,
    /// Address to listen on.
    #[arg(long, env = "STRIPE_SIM_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Secret key clients must send (`sk_test_…`); prefer the environment to the command line.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    api_key: String,
    /// Where to POST events, e.g. http://127.0.0.1:8080/api/v1/payments/stripe/webhooks.
    #[arg(long, env = "STRIPE_SIM_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// Webhook signing secret (`whsec_…`).
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: String,
    /// Base URL of the hosted checkout page as browsers reach it (default: the listening address).
    #[arg(long, env = "STRIPE_SIM_PUBLIC_URL")]
    public_url: Option<String>,
    /// Name shown on the hosted checkout page.
    #[arg(long, env = "STRIPE_SIM_BUSINESS_NAME", default_value = "Your Car Your Way")]
    business_name: String,
    /// Delivery attempts per event.
    #[arg(long, default_value_t = 8)]
    webhook_max_attempts: u32,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stripe-sim: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = SimulatorConfig {
        bind: SocketAddr::new(cli.bind, cli.port),
        api_key: cli.api_key,
        webhook_url: cli.webhook_url,
        webhook_secret: cli.webhook_secret,
        public_url: cli.public_url,
        business_name: cli.business_name,
        webhook_max_attempts: cli.webhook_max_attempts,
        ..SimulatorConfig::default()
    };
    let sim = Simulator::start(config).await?;
    tracing::info!("use STRIPE_API_BASE={} with the same STRIPE_SECRET_KEY; Ctrl-C stops", sim.base_url());
    shutdown_signal().await?;
    tracing::info!("stopping");
    sim.stop().await;
    Ok(())
}

async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
