//! `bench-scale`: the shared PostgreSQL store with 1, 2 and 4 instances, and the feeds one instance
//! keeps within a poll interval (see `layoffwatch::tools::scale_bench`). Medians of several runs.

use layoffwatch::tools::scale_bench::{self, Scratch, median};
use std::process::ExitCode;
use std::time::Duration;

/// The poll interval the feed figure is given for.
const INTERVAL_SECONDS: f64 = 600.0;

pub async fn bench(db: &str, runs: usize, feeds: usize, latency_ms: u64) -> anyhow::Result<ExitCode> {
    let runs = runs.max(1);
    let scratch = Scratch::create(db).await?;
    let outcome = measure(&scratch, runs, feeds, latency_ms).await;
    scratch.drop_schema().await?;
    outcome?;
    Ok(ExitCode::SUCCESS)
}

async fn measure(scratch: &Scratch, runs: usize, feeds: usize, latency_ms: u64) -> anyhow::Result<()> {
    println!("median of {runs} runs on {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("{:>9} {:>18} {:>22}", "instances", "feed leases/s", "deliveries claimed/s");
    for instances in [1, 2, 4] {
        let (mut leases, mut claims) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            leases.push(scale_bench::leases_per_second(scratch, instances).await?);
            claims.push(scale_bench::claims_per_second(scratch, instances).await?);
        }
        println!("{instances:>9} {:>18.0} {:>22.0}", median(&leases), median(&claims));
    }
    let rounds = scale_bench::poll_throughput(scratch, feeds, Duration::from_millis(latency_ms), runs).await?;
    let per_second: Vec<f64> = rounds.iter().map(|r| r.per_second()).collect();
    let seconds: Vec<f64> = rounds.iter().map(|r| r.round_seconds).collect();
    let steady = median(&per_second);
    println!(
        "one instance, {feeds} feeds answering after {latency_ms} ms: a steady round takes {:.2} s (median of {}), \
         {steady:.2} feeds/s, so {} feeds within a {}-minute poll interval",
        median(&seconds),
        rounds.len(),
        (steady * INTERVAL_SECONDS).floor(),
        INTERVAL_SECONDS / 60.0
    );
    Ok(())
}
