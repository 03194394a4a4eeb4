//! `bench-raw`: the offer search as raw SQL, the yardstick of `scripts/bench search` (see
//! `bench_data::raw`).

use std::time::Duration;

use clap::Parser;

/// Runs the statements of `GET /api/v1/offers` — categories, pickup agencies, fleet counts,
/// the availability query (busy_counts) and rates in force — straight on a pool sized like the
/// API's, from CONCURRENCY loops of varied searches (cities or agencies, pickups 2 to 330 days
/// ahead, 1 to 14 days) for a fixed time, and prints searches per second, p50 and p99. With
/// --explain, prints the plans of those queries for one search instead. Reads only.
#[derive(Debug, Parser)]
#[command(name = "bench-raw", version, about, long_about)]
struct Args {
    /// The loaded bench database (made by bench-data).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    /// Searches in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Connections in the pool (the API's pool has 10).
    #[arg(long, default_value_t = bench_data::raw::API_POOL_SIZE)]
    pool_size: u32,
    /// Measured seconds.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Seconds searched before measuring.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Seed of the searches.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Percent of searches by agency id (the others by city).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=100))]
    agency_percent: u64,
    /// The form of the availability query: the product's (`split`: an IN list from the agencies'
    /// longest rental, pending changes apart), or, to compare, `spans` (the form before it: each
    /// agency's range from its own longest rental, ORed), `in-list` (one bound for all,
    /// --lookback-days) or `json-table` (the first form, read by the agency only).
    #[arg(long, value_enum, default_value_t = bench_data::raw::BusyForm::Split)]
    busy_form: bench_data::raw::BusyForm,
    /// Days before the window an overlapping reservation may start, in the `in-list` and
    /// `json-table` forms (90 is the longest rental allowed; less measures a tighter bound).
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=90))]
    lookback_days: i64,
    /// Print EXPLAIN / ANALYZE of the queries for one search and exit.
    #[arg(long)]
    explain: bool,
    /// The city of --explain (default: the one with the most agencies).
    #[arg(long, requires = "explain")]
    city: Option<String>,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let pool = bench_data::raw::connect(&args.database_url, args.pool_size).await?;
    if args.explain {
        print!("{}", bench_data::raw::explain(&pool, args.city.as_deref()).await?);
        return Ok(());
    }
    let options = bench_data::raw::Options {
        concurrency: args.concurrency,
        pool_size: args.pool_size,
        duration: Duration::from_secs(args.duration),
        warmup: Duration::from_secs(args.warmup),
        seed: args.seed,
        agency_percent: args.agency_percent,
        lookback: chrono::Duration::days(args.lookback_days),
        form: args.busy_form,
    };
    let report = bench_data::raw::run(&pool, &options).await?;
    pool.close().await;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "raw SQL: {} searches in {:.1} s at concurrency {} over {} connections: {:.1} searches/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, \
         {:.1} offers per search, {} errors",
        report.searches,
        report.elapsed.as_secs_f64(),
        options.concurrency,
        options.pool_size,
        report.per_second(),
        ms(report.p50),
        ms(report.p99),
        ms(report.max),
        report.offers_per_search,
        report.errors
    );
    let m = &report.mean;
    println!(
        "mean time per statement: categories {:.2} ms, agencies {:.2} ms, fleet_counts {:.2} ms, busy_counts ({}) {:.2} ms, \
         rates_in_force {:.2} ms",
        ms(m.categories),
        ms(m.agencies),
        ms(m.fleet),
        match args.busy_form {
            bench_data::raw::BusyForm::Split | bench_data::raw::BusyForm::Spans => {
                format!("{}, with the spans lookup", args.busy_form.label())
            }
            form => format!("{}, {} days back", form.label(), args.lookback_days),
        },
        ms(m.busy),
        ms(m.rates)
    );
    if let Some(error) = &report.first_error {
        eprintln!("first error: {error}");
    }
    // One line for scripts.
    println!(
        "RESULT raw searches={} seconds={:.3} rps={:.2} p50_ms={:.3} p99_ms={:.3} errors={}",
        report.searches,
        report.elapsed.as_secs_f64(),
        report.per_second(),
        ms(report.p50),
        ms(report.p99),
        report.errors
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ycyw_shared::runtime::install_crypto_provider();
    ycyw_shared::runtime::exit_code("bench-raw", run(Args::parse()).await)
}
