//! What `echo_server` and `echo_client` need but do not teach: the open-file
//! limit, the server's counts and its way to stop, the stand-in server of the
//! client's self-contained run, and the reports (memory per connection, round
//! trips and latency percentiles).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use shared::event;

/// The server's counts: connections open now, the most at once, all
/// accepted, bytes echoed; and the process's peak RSS when it started.
#[derive(Debug, Default)]
pub struct Stats {
    rss_at_start: u64,
    open: AtomicUsize,
    most_open: AtomicUsize,
    accepted: AtomicUsize,
    bytes: AtomicU64,
}

/// One open connection, counted in [`Stats`] until it drops.
#[derive(Debug)]
pub struct Open<'a>(&'a Stats);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Stats {
    /// No connections yet; notes the peak RSS so far (getrusage).
    pub fn new() -> Stats {
        Stats { rss_at_start: shared::measure::rusage_self().max_rss_bytes, ..Stats::default() }
    }

    /// Counts a connection accepted and open until the guard drops.
    pub fn open(&self) -> Open<'_> {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let open = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.most_open.fetch_max(open, Ordering::Relaxed);
        Open(self)
    }

    /// Counts `n` bytes echoed.
    pub fn echoed(&self, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Prints `served N connections (at most M open at once), B bytes echoed`
    /// and this process's peak RSS, and per connection what it grew since [`Stats::new`].
    pub fn report(&self) {
        let (accepted, most) =
            (self.accepted.load(Ordering::Relaxed), self.most_open.load(Ordering::Relaxed));
        event!(
            "served {accepted} connections (at most {most} open at once), {} bytes echoed",
            self.bytes.load(Ordering::Relaxed)
        );
        print_peak_rss(self.rss_at_start, most);
    }
}

/// The next connection from `listener`. An accept that fails (out of file
/// descriptors, say) is reported and retried 100 ms later, while other
/// connections close.
pub async fn accept(listener: &tokio::net::TcpListener) -> tokio::net::TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Resolves when the server should stop: on Ctrl-C, or after `max` if given.
/// Says which. Listens for Ctrl-C from the call on ([`crate::ctrl_c`]): call
/// it before saying `listening`.
///
/// # Errors
/// Ctrl-C cannot be listened for.
pub fn shutdown(max: Option<Duration>) -> impl Future<Output = Result<()>> {
    let ctrl_c = crate::ctrl_c();
    async move {
        let max_reached = async {
            match max {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            res = ctrl_c => {
                res.context("cannot listen for Ctrl-C")?;
                event!("Ctrl-C: shutting down");
            }
            () = max_reached => event!("--max-seconds reached: shutting down"),
        }
        Ok(())
    }
}

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
            (" with the in-process server", ", or run echo_server separately and pass --addr")
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

/// `addr` if given; else starts the client's stand-in echo server (added so
/// the default run needs nothing else) on the current tokio runtime: one task
/// per connection, `tokio::io::copy` back to the sender. Says so and returns
/// its address on 127.0.0.1.
///
/// # Errors
/// The bind failed.
pub async fn addr_or_local_server(addr: Option<SocketAddr>) -> Result<SocketAddr> {
    if let Some(addr) = addr {
        return Ok(addr);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    event!("no --addr: started an echo server in this process on {addr}");
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

/// The round trips of a client run, timed in microseconds (an `hdrhistogram`).
#[derive(Debug)]
pub struct RoundTrips(Histogram<u64>);

impl RoundTrips {
    /// No round trips yet.
    ///
    /// # Errors
    /// The histogram cannot be made (it can: 3 significant digits are valid).
    pub fn new() -> Result<RoundTrips> {
        Ok(RoundTrips(Histogram::new(3).context("cannot make a histogram")?))
    }

    /// Adds one connection's round trips.
    ///
    /// # Errors
    /// A time the histogram cannot hold.
    pub fn record(&mut self, micros: &[u64]) -> Result<()> {
        for &us in micros {
            self.0.record(us.max(1))?;
        }
        Ok(())
    }

    /// Checks that every one of `connections` x `rounds` round trips was
    /// timed and prints `check: ...`, the round trips per second over
    /// `elapsed` and the latency percentiles.
    ///
    /// # Errors
    /// Fewer (or more) round trips were timed.
    pub fn report(&self, connections: u32, rounds: u32, elapsed: Duration) -> Result<()> {
        let total = u64::from(connections) * u64::from(rounds);
        let timed = self.0.len();
        anyhow::ensure!(timed == total, "expected {total} round trips, timed {timed}");
        println!(
            "check: {connections} connections x {rounds} rounds = {total} round trips, every echo matched"
        );
        let secs = elapsed.as_secs_f64();
        println!("round trips per second: {:.0} ({total} in {secs:.3} s)", total as f64 / secs);
        let q = |q: f64| self.0.value_at_quantile(q);
        println!(
            "latency (µs): p50 {}, p90 {}, p99 {}, p99.9 {}, max {}",
            q(0.5),
            q(0.9),
            q(0.99),
            q(0.999),
            self.0.max()
        );
        Ok(())
    }
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
    match peak.saturating_sub(rss_at_start).checked_div(most_open as u64) {
        Some(per_conn) => {
            event!("peak RSS {mib:.1} MiB; {per_conn} bytes more per connection than at start")
        }
        None => event!("peak RSS {mib:.1} MiB"),
    }
}
