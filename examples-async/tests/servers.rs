//! The server bins (io_multiplexing, echo_server + echo_client, web_fanout)
//! and their Python twins, run as child processes with a time limit each.
//! Servers are started with `--port 0`; the test reads the address from the
//! `listening on` line, drives them with the clients and stops them with
//! Ctrl-C (SIGINT; on other systems a kill). No test asserts a time: only
//! counts, bytes, event order, messages and exit codes.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

mod common;

use common::{DIR, assert_clean_failure, line, ok};
use shared::run::{RunOutput, run_bin, run_twin};

const CLIENT: &str = env!("CARGO_BIN_EXE_echo_client");

// --- io_multiplexing --------------------------------------------------------

fn assert_multiplexed(out: &RunOutput, clients: u32, rounds: u32) {
    ok(out);
    line(out, "select: 数据结构：bitmap | 最大连接数：1024");
    line(out, "epool [sic: epoll]: 数据结构：红黑树");
    line(
        out,
        &format!(
            "check: {clients} clients x {rounds} round trips, every echo matched; one thread held {clients} connections at once"
        ),
    );
    let bytes: usize = (1..=clients)
        .flat_map(|c| (1..=rounds).map(move |r| format!("client-{c} round {r}\n").len()))
        .sum();
    let served = out.events().into_iter().any(|(_, who, msg)| {
        who == "main" && msg.starts_with(&format!("{bytes} bytes echoed in "))
    });
    assert!(served, "expected {bytes} bytes echoed\n{}", out.dump());
}

#[test]
fn io_multiplexing_serves_every_client_from_one_thread() {
    let args = ["--clients", "40", "--rounds", "3"];
    assert_multiplexed(&run_bin(env!("CARGO_BIN_EXE_io_multiplexing"), &args, 60), 40, 3);
    assert_multiplexed(&run_twin(DIR, "io_multiplexing", &args, 60), 40, 3);
}

// --- echo_server + echo_client ----------------------------------------------

/// A server running as a child: its address, and its output collected by threads.
struct Server {
    child: Child,
    addr: String,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// Starts `cmd` and waits (at most 30 s) for its `listening on ADDR` line.
fn start_server(mut cmd: Command) -> Server {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("piped stdout");
    let stdout = thread::spawn(move || {
        let mut all = String::new();
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(addr) = l.split("listening on ").nth(1) {
                let _ = tx.send(addr.trim().to_string());
            }
            all.push_str(&l);
            all.push('\n');
        }
        all
    });
    let mut err = child.stderr.take().expect("piped stderr");
    let stderr = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let Ok(addr) = rx.recv_timeout(Duration::from_secs(30)) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no `listening on` line\n{}{}", stdout.join().unwrap(), stderr.join().unwrap());
    };
    Server { child, addr, stdout, stderr }
}

impl Server {
    /// Ctrl-C (SIGINT on Unix, a kill elsewhere), then waits at most 30 s.
    #[allow(unused_mut)] // mut: the non-Unix kill needs it
    fn interrupt(mut self) -> RunOutput {
        #[cfg(unix)]
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        #[cfg(not(unix))]
        let _ = self.child.kill();
        self.wait()
    }

    /// Waits at most 30 s for the server to end by itself.
    fn wait(mut self) -> RunOutput {
        let start = Instant::now();
        let (status, timed_out) = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break (status, false);
            }
            if start.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                break (self.child.wait().expect("wait"), true);
            }
            thread::sleep(Duration::from_millis(20));
        };
        RunOutput {
            code: status.code(),
            timed_out,
            stdout: self.stdout.join().unwrap(),
            stderr: self.stderr.join().unwrap(),
            wall_secs: start.elapsed().as_secs_f64(),
        }
    }
}

fn rust_server(flags: &[&str]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_echo_server"));
    cmd.args(flags);
    start_server(cmd)
}

fn twin_server(flags: &[&str]) -> Server {
    let mut cmd = Command::new("python3");
    cmd.arg(format!("{DIR}/python/echo_server.py")).args(flags);
    start_server(cmd)
}

/// Bytes the client sends (and must get back): one line per round trip.
fn client_bytes(connections: u32, rounds: u32) -> usize {
    (1..=connections)
        .flat_map(|c| (1..=rounds).map(move |r| format!("connection {c} round {r}\n").len()))
        .sum()
}

fn assert_client(out: &RunOutput, connections: u32, rounds: u32) {
    ok(out);
    line(
        out,
        &format!(
            "check: {connections} connections x {rounds} rounds = {} round trips, every echo matched",
            connections * rounds
        ),
    );
    line(out, "round trips per second: ");
    line(out, "latency (µs): p50 ");
    let holding = format!("holding {connections} connections open at once");
    assert!(out.events().iter().any(|(_, _, m)| *m == holding), "{}", out.dump());
}

/// The server ended cleanly on Ctrl-C, having echoed every byte, all connections at once.
fn assert_served(out: &RunOutput, connections: u32, rounds: u32) {
    ok(out);
    let said: Vec<String> = out.events().into_iter().map(|(_, _, m)| m).collect();
    assert!(said.iter().any(|m| m == "Ctrl-C: shutting down"), "{}", out.dump());
    let served = format!(
        "served {connections} connections (at most {connections} open at once), {} bytes echoed",
        client_bytes(connections, rounds)
    );
    assert!(said.contains(&served), "expected {served:?}\n{}", out.dump());
    if cfg!(unix) {
        assert!(
            said.iter()
                .any(|m| m.starts_with("peak RSS ") && m.contains(" bytes more per connection")),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn echo_server_both_flavors_serve_the_client_and_stop_on_ctrl_c() {
    for flavor in ["current-thread", "multi-thread"] {
        let server = rust_server(&["--flavor", flavor]);
        let client =
            run_bin(CLIENT, &["--addr", &server.addr, "--connections", "200", "--rounds", "3"], 60);
        let served = server.interrupt();
        assert_client(&client, 200, 3);
        assert_served(&served, 200, 3);
    }
}

#[test]
fn echo_twins_serve_each_other_and_the_rust_pair() {
    // twin client -> twin server, then the Rust client -> twin server
    let server = twin_server(&[]);
    let py = run_twin(
        DIR,
        "echo_client",
        &["--addr", &server.addr, "--connections", "100", "--rounds", "3"],
        60,
    );
    let rs = run_bin(CLIENT, &["--addr", &server.addr, "--connections", "50", "--rounds", "2"], 60);
    let served = server.interrupt();
    assert_client(&py, 100, 3);
    assert_client(&rs, 50, 2);
    ok(&served);
    let bytes = client_bytes(100, 3) + client_bytes(50, 2);
    // (the twin client's connections may still be closing when the Rust client's open)
    let want = format!("), {bytes} bytes echoed");
    let found = served
        .events()
        .into_iter()
        .any(|(_, _, m)| m.starts_with("served 150 connections (at most ") && m.ends_with(&want));
    assert!(found, "expected 150 connections and {bytes} bytes\n{}", served.dump());
    // The twin client held its 100 connections open at once, and the server counted them.
    let most: usize = (served.events().into_iter())
        .find_map(|(_, _, m)| m.split("(at most ").nth(1)?.split(' ').next()?.parse().ok())
        .unwrap_or(0);
    assert!(most >= 100, "at most {most} open at once\n{}", served.dump());
    // the twin client -> the Rust server
    let server = rust_server(&[]);
    let py = run_twin(
        DIR,
        "echo_client",
        &["--addr", &server.addr, "--connections", "60", "--rounds", "2"],
        60,
    );
    let served = server.interrupt();
    assert_client(&py, 60, 2);
    assert_served(&served, 60, 2);
}

#[test]
fn echo_client_alone_starts_its_own_server() {
    let args = ["--connections", "100", "--rounds", "2"];
    assert_client(&run_bin(CLIENT, &args, 60), 100, 2);
    assert_client(&run_twin(DIR, "echo_client", &args, 60), 100, 2);
}

#[test]
fn echo_servers_stop_by_themselves_after_max_seconds() {
    for server in [rust_server(&["--max-seconds", "0.3"]), twin_server(&["--max-seconds", "0.3"])] {
        let out = server.wait();
        ok(&out);
        assert!(out.stdout.contains("--max-seconds reached: shutting down"), "{}", out.dump());
        assert!(out.stdout.contains("served 0 connections"), "{}", out.dump());
    }
}

/// Asking for more connections than the hard RLIMIT_NOFILE allows: a clear
/// error before any connection is made (Linux: the limit is read from /proc).
#[cfg(target_os = "linux")]
#[test]
fn echo_client_says_clearly_when_the_connections_cannot_fit() {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("/proc/self/limits");
    let hard: u64 = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(4))
        .and_then(|h| h.parse().ok())
        .expect("a hard limit on open files");
    if hard >= 1_000_000 {
        return; // the hard limit is above what --connections accepts: nothing to provoke
    }
    let too_many = hard.to_string();
    // Port 9 (discard): nothing is connected to, the check comes first.
    let args = ["--addr", "127.0.0.1:9", "--connections", too_many.as_str()];
    for out in [run_bin(CLIENT, &args, 60), run_twin(DIR, "echo_client", &args, 60)] {
        assert_clean_failure(&out);
        assert!(
            out.stderr.contains("too many connections")
                && out.stderr.contains(&format!("at most {hard}")),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn bad_flags_are_rejected_cleanly() {
    let server = env!("CARGO_BIN_EXE_echo_server");
    for out in [
        run_bin(server, &["--max-seconds", "nan"], 30),
        run_bin(server, &["--max-seconds", "3601"], 30),
        run_bin(server, &["--flavor", "fast"], 30),
        run_bin(CLIENT, &["--connections", "0"], 30),
        run_twin(DIR, "echo_server", &["--max-seconds", "inf"], 30),
        run_twin(DIR, "echo_server", &["--max-seconds", "3601"], 30),
        run_twin(DIR, "echo_client", &["--rounds", "-1"], 30),
        run_twin(DIR, "web_fanout", &["--requests", "0"], 30),
    ] {
        // clap and argparse both reject a bad flag with one `error:` line and exit 2
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(2), "{}", out.dump());
        assert!(out.stderr.contains("error:"), "{}", out.dump());
    }
}

// --- web_fanout --------------------------------------------------------------

/// The three reads' events for each request, in printed order: (who, message).
fn per_request(out: &RunOutput) -> Vec<(String, Vec<(String, String)>)> {
    let mut requests = Vec::new();
    let mut reads = Vec::new();
    for (_, who, msg) in out.events() {
        if who.starts_with("read_") {
            reads.push((who, msg));
        } else if let Some(rest) = msg.strip_prefix("GET /") {
            let route = rest.split(' ').next().unwrap_or_default().to_string();
            requests.push((route, std::mem::take(&mut reads)));
        }
    }
    requests
}

fn assert_fanout(out: &RunOutput, requests: usize) {
    ok(out);
    line(out, "check: every answer complete");
    let got = per_request(out);
    assert_eq!(got.len(), 2 * requests, "{}", out.dump());
    for (route, reads) in got {
        assert_eq!(reads.len(), 6, "three starts and three ends per request\n{}", out.dump());
        let first_done = reads.iter().position(|(_, m)| m == "done").unwrap();
        if route.starts_with("fanout") {
            // The lesson: all three waits are in flight before any of them ends.
            assert_eq!(first_done, 3, "/fanout must start all three reads first\n{}", out.dump());
        } else {
            // The slow version: each read ends before the next starts.
            let order: Vec<(&str, &str)> =
                reads.iter().map(|(w, m)| (w.as_str(), &m[..4])).collect();
            assert_eq!(
                order,
                [
                    ("read_file", "star"),
                    ("read_file", "done"),
                    ("read_db", "star"),
                    ("read_db", "done"),
                    ("read_api", "star"),
                    ("read_api", "done")
                ],
                "{}",
                out.dump()
            );
        }
    }
}

#[test]
fn web_fanout_starts_all_three_waits_before_any_ends() {
    let args = ["--requests", "1"];
    assert_fanout(&run_bin(env!("CARGO_BIN_EXE_web_fanout"), &args, 60), 1);
    assert_fanout(&run_twin(DIR, "web_fanout", &args, 60), 1);
}
