//! Cancellation safety (added here): a `select!` loop reads lines beside a
//! ticker. When the tick wins, the read's future is dropped, and with it
//! whatever it had read: `read_line` into a fresh buffer loses the half line
//! it held, while `lines()`, kept across iterations, keeps it for the next
//! `next_line()`.
//!
//! The tokio docs, `AsyncBufReadExt::read_line`, "Cancel safety": "This
//! method is not cancel safe. If the method is used as a branch in
//! tokio::select! and another branch completes first, then some data may have
//! been partially read, and this data is lost." `Lines::next_line`: "This
//! method is cancel safe." (`read_exact` loses what it read, too.) Python:
//! `asyncio.wait_for(reader.readline(), t)` keeps a partial line in the
//! `StreamReader`; the twin measures it beside a hand-made readline that loses.
//!
//! The peer's lines come in chunks cut mid-line, the next chunk only on a
//! tick, so the order is the program's own: half a line, a tick, the rest.
//!
//! Run: `cargo run -p examples-async --bin cancel_safety`
//!
//! You should see, for `read_line`, the peer send `"hello wo"`, then (on a
//! tick) the rest, and only `line "rld"` and `line "line"`; for `next_line`,
//! the same sends and both lines whole; then `check: of 24 bytes, read_line
//! lost 15 (two half lines), next_line 0`.

use std::time::Duration;

use anyhow::{Result, ensure};
use shared::event;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, duplex};

/// What the peer sends: two lines, cut mid-line (24 bytes).
const CHUNKS: [&str; 3] = ["hello wo", "rld\nsecond ", "line\n"];

/// The peer's side: a chunk (on each tick), or its close once none is left.
async fn send(peer: &mut DuplexStream, chunk: Option<&&str>) -> Result<()> {
    let Some(chunk) = chunk else { return Ok(peer.shutdown().await?) };
    event!("the peer sends {chunk:?}"); // println + time (shared/src/timing.rs)
    Ok(peer.write_all(chunk.as_bytes()).await?)
}

/// Lines from `next_line` until the peer closes, beside a ticker; the bytes received.
async fn select_loop(
    mut next_line: impl AsyncFnMut() -> std::io::Result<Option<String>>,
    mut peer: DuplexStream,
) -> Result<usize> {
    let (mut chunks, mut received) = (CHUNKS.iter(), 0);
    send(&mut peer, chunks.next()).await?; // half a line
    loop {
        // Each round polls both: the read takes what has come, and waits for the
        // rest; the tick (20 ms later, the next chunk only after it) then wins.
        tokio::select! {
            line = next_line() => {
                let Some(line) = line? else { return Ok(received) }; // the peer closed
                event!("line {line:?}");
                received += line.len() + 1; // + its newline
            }
            () = tokio::time::sleep(Duration::from_millis(20)) => send(&mut peer, chunks.next()).await?, // drops the read
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock of event! (shared/src/lib.rs)
    let sent: usize = CHUNKS.iter().map(|c| c.len()).sum();
    event!("read_line into a fresh buffer, in a select! loop:");
    let (peer, conn) = duplex(64); // an in-memory socket pair
    let mut reader = BufReader::new(conn);
    let read_line = async || {
        let mut line = String::new(); // the usual shape: a fresh buffer each time round
        let n = reader.read_line(&mut line).await?; // dropped mid-line: `line` goes with it
        Ok((n > 0).then(|| line.trim_end_matches('\n').to_string()))
    };
    let lost = sent - select_loop(read_line, peer).await?;
    event!("next_line on a lines() stream, in a select! loop:");
    let (peer, conn) = duplex(64);
    let mut lines = BufReader::new(conn).lines(); // New: kept across iterations, with its partial line
    let kept = sent - select_loop(async || lines.next_line().await, peer).await?;
    ensure!((lost, kept) == (15, 0), "bytes lost: {lost} and {kept}, not 15 and 0");
    println!("check: of {sent} bytes, read_line lost {lost} (two half lines), next_line {kept}");
    Ok(())
}
