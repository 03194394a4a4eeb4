//! `bench-data`: loads the benchmark data set into a database of its own (see the library).

use clap::Parser;

/// Loads the benchmark data set — agencies over the seven markets, their fleet and rates, and
/// past and future reservations that never hold a vehicle twice at once — into a database
/// bench-data made: `--create-database NAME` on the server of DATABASE_URL, or the database
/// DATABASE_URL names if bench-data made it (it is made anew). Refuses APP_ENV=prod and any
/// other database.
#[derive(Debug, Parser)]
#[command(name = "bench-data", version, about, long_about)]
struct Args {
    /// The server (and, without --create-database, the database) to load.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    /// Make this database (or make it anew, when bench-data made it before) and load it.
    #[arg(long, value_name = "NAME")]
    create_database: Option<String>,
    /// Agencies, spread over the seven markets.
    #[arg(long, default_value_t = bench_data::BenchSize::DESIGN.agencies)]
    agencies: usize,
    /// Vehicles, spread over the agencies.
    #[arg(long, default_value_t = bench_data::BenchSize::DESIGN.vehicles)]
    vehicles: usize,
    /// Reservations, spread over the vehicles, from a year before now to a year after (at most
    /// 243 per vehicle; 0 loads the catalog only).
    #[arg(long, default_value_t = bench_data::BenchSize::DESIGN.reservations)]
    reservations: usize,
    /// Seed of the reservations' generator: the same seed gives the same rentals.
    #[arg(long, default_value_t = bench_data::DEFAULT_SEED)]
    seed: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ycyw_shared::runtime::install_crypto_provider();
    let args = Args::parse();
    let target = args.create_database.map_or(bench_data::Target::Marked, bench_data::Target::Create);
    let size = bench_data::BenchSize { agencies: args.agencies, vehicles: args.vehicles, reservations: args.reservations };
    let app_env = std::env::var("APP_ENV").ok();
    let outcome = bench_data::run(&args.database_url, app_env.as_deref(), &target, size, args.seed).await.map(|loaded| {
        println!(
            "bench data loaded into {}: {} agencies, {} vehicles, {} rates, {} reservations in {:.1} s (catalog {:.1} s, reservations {:.1} s)",
            loaded.database,
            loaded.agency_ids.len(),
            loaded.vehicles,
            loaded.rates,
            loaded.reservations,
            (loaded.catalog_elapsed + loaded.reservations_elapsed).as_secs_f64(),
            loaded.catalog_elapsed.as_secs_f64(),
            loaded.reservations_elapsed.as_secs_f64()
        );
    });
    ycyw_shared::runtime::exit_code("bench-data", outcome)
}
