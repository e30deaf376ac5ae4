//! `web_is_prime --serve` and its twin stop on Ctrl-C, their normal stop:
//! SIGINT to the whole process group (as a terminal sends it) while a request
//! is being checked (released by the server's own `checking N numbers` line,
//! not a sleep). Exit 0, no traceback or panic, and nothing of the group left
//! behind: not the twin's pool workers (the Ctrl-C reaches them too), not a
//! check running on the Rust bin's rayon threads. The time it took is
//! printed (`--nocapture`), never asserted: the 5 s limit only catches a hang.
//! Unix only: Windows has no process groups.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use shared::run::{Interrupted, interrupt_bin, interrupt_twin};

/// Eight numbers of about 10^15: seconds of checking, on any machine.
const NUMBERS: &str = "999999999999989,999999999999947,999999999999883,999999999999877,\
                       999999999999989,999999999999947,999999999999883,999999999999877";

/// A port free a moment ago (the server is told to listen there).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Asks the server on `port` about [`NUMBERS`] once it listens (tries again
/// while the connection is refused, for at most 60 s), on a thread of its own.
fn ask_when_listening(port: u16) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            match TcpStream::connect(("127.0.0.1", port)) {
                Ok(mut s) => {
                    let request = format!("GET /is_prime/{NUMBERS} HTTP/1.0\r\n\r\n");
                    let _ = s.write_all(request.as_bytes());
                    let mut reply = String::new();
                    let _ = s.read_to_string(&mut reply);
                    return reply;
                }
                Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return format!("never connected: {e}"),
            }
        }
    })
}

fn stopped_as_a_server(what: &str, run: &Interrupted) {
    let well = run.status.success() && !run.group_left && !run.timed_out;
    assert!(well, "{what}: not stopped well\n{}", run.dump());
    for bad in ["Traceback", "panicked"] {
        assert!(!run.stderr.contains(bad), "{what}: {bad}\n{}", run.dump());
    }
    eprintln!("{what}: stopped {:?} after the Ctrl-C", run.stopped_after);
}

#[test]
fn web_is_prime_and_twin_stop_at_once_with_a_check_in_flight() {
    let port = free_port().to_string();
    let args = ["--serve", "--port", &port];
    let client = ask_when_listening(port.parse().unwrap());
    let exe = env!("CARGO_BIN_EXE_web_is_prime");
    let run = interrupt_bin(exe, &args, "checking 8 numbers");
    stopped_as_a_server("web_is_prime --serve", &run);
    assert!(!client.join().unwrap().contains("200 OK"), "the check in flight got no answer");

    let port = free_port().to_string();
    let args = ["--serve", "--port", &port];
    let client = ask_when_listening(port.parse().unwrap());
    let run =
        interrupt_twin(env!("CARGO_MANIFEST_DIR"), "web_is_prime", &args, "checking 8 numbers");
    stopped_as_a_server("web_is_prime.py --serve", &run);
    let reply = client.join().unwrap();
    assert!(!reply.contains(" 200 "), "the check in flight got no answer: {reply}");
}
