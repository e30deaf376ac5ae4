//! What `echo_server` and `echo_client` need but do not teach: the open-file
//! limit, the stand-in server of the client's self-contained run, and the
//! reports (memory per connection, round trips and latency percentiles).

use std::net::SocketAddr;

use anyhow::Result;
use hdrhistogram::Histogram;
use shared::event;

/// Raises the soft open-file limit (RLIMIT_NOFILE) to the hard limit and says
/// so; each connection is a file descriptor. Unix only: elsewhere there is no
/// such limit and this does nothing. A failure is reported, not fatal.
pub fn raise_open_file_limit() {
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => event!("up to {limit} open files (RLIMIT_NOFILE)"),
        Err(e) => eprintln!("cannot raise the open-file limit: {e}"),
    }
}

/// Raises the soft open-file limit as far as the hard limit allows, enough for
/// `needed` descriptors (`per_conn` per connection plus spares; 2 means the
/// in-process server holds the other end). Unix only; elsewhere always `Ok`.
///
/// # Errors
/// A clear "too many connections" message (with the hard limit and what to do)
/// when `needed` does not fit, or the limit cannot be read.
pub fn ensure_open_files(needed: u64, per_conn: u64) -> Result<()> {
    #[cfg(unix)]
    {
        use anyhow::Context as _;
        let limit =
            rlimit::increase_nofile_limit(needed).context("cannot read or raise RLIMIT_NOFILE")?;
        let (with, or) = if per_conn == 2 {
            (
                " with the in-process server",
                ", or run echo_server separately and pass --addr",
            )
        } else {
            ("", "")
        };
        anyhow::ensure!(
            limit >= needed,
            "too many connections: they need {needed} open files ({per_conn} per connection{with}, \
             plus 64 spare), but this process may open at most {limit} (the hard limit, \
             `ulimit -Hn`). Ask for fewer{or}."
        );
    }
    #[cfg(not(unix))]
    let _ = (needed, per_conn);
    Ok(())
}

/// Starts the client's stand-in echo server (added so the default run needs
/// nothing else) on the current tokio runtime: one task per connection,
/// `tokio::io::copy` back to the sender. Returns its address on 127.0.0.1.
///
/// # Errors
/// The bind failed.
pub async fn in_process_server() -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = stream.split();
                let _ = tokio::io::copy(&mut r, &mut w).await; // ends when the client hangs up
            });
        }
    });
    Ok(addr)
}

/// Prints round trips per second (`total` in `secs`) and the latency
/// percentiles of `micros` (a histogram of round trips in microseconds).
pub fn print_round_trips(micros: &Histogram<u64>, total: u64, secs: f64) {
    println!(
        "round trips per second: {:.0} ({total} in {secs:.3} s)",
        total as f64 / secs
    );
    let q = |q: f64| micros.value_at_quantile(q);
    println!(
        "latency (µs): p50 {}, p90 {}, p99 {}, p99.9 {}, max {}",
        q(0.5),
        q(0.9),
        q(0.99),
        q(0.999),
        micros.max()
    );
}

/// Prints this process's peak RSS and the bytes it grew per connection since
/// `rss_at_start` (getrusage; on systems without it, says it is not measured).
pub fn print_peak_rss(rss_at_start: u64, most_open: usize) {
    if !shared::measure::SUPPORTED {
        event!("peak RSS is not measured on this OS");
        return;
    }
    let peak = shared::measure::rusage_self().max_rss_bytes;
    let mib = peak as f64 / (1 << 20) as f64;
    match peak
        .saturating_sub(rss_at_start)
        .checked_div(most_open as u64)
    {
        Some(per_conn) => {
            event!("peak RSS {mib:.1} MiB; {per_conn} bytes more per connection than at start")
        }
        None => event!("peak RSS {mib:.1} MiB"),
    }
}
