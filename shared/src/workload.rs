//! The workloads of the notes and of the course behind them: the CPU job
//! (`is_prime` over `PRIMES`, the course's), the hashing job (the notes'
//! `sha(size)`), and simulated blocking I/O.
//!
//! These are what the lessons run, not what they teach, so they live here and
//! every bin and benchmark runs exactly the same work.

use std::time::Duration;

/// The course's CPU job input (not in the notes): one 15-digit prime, 100 times
/// (`PRIMES = [112272535095293] * 100`). Checking one takes about 5.3 million
/// trial divisions.
pub const PRIMES: [u64; 100] = [112_272_535_095_293; 100];

/// The notes' number of hashing jobs (`JOBS = 12`).
pub const SHA_JOBS: usize = 12;

/// The hashing job size in bytes, 1 MiB (`SIZE = 2**20`, the course's; the
/// notes' snippet shows a placeholder, `SIZE = 3 # sha函数的参数`).
pub const SHA_SIZE: usize = 1 << 20;

/// [`is_prime`] records a span `is_prime N` (while spans are recorded) only
/// for `n` above this, as the course's [`PRIMES`] (1.1e14, milliseconds a
/// check): a smaller check is over before a timeline could show it, and `gil`
/// makes 150,000 checks of a 9-digit prime.
pub const SPAN_MIN_PRIME: u64 = 1_000_000_000_000;

/// Trial division over odd numbers up to `isqrt(n)`, as the course's `is_prime`
/// (not in the notes); a span `is_prime N` while recording (n above [`SPAN_MIN_PRIME`]):
///
/// ```python
/// def is_prime(n):
///     if n < 2: return False
///     if n == 2: return True
///     if n % 2 == 0: return False
///     sqrt_n = int(math.floor(math.sqrt(n)))
///     for i in range(3, sqrt_n + 1, 2):
///         if n % i == 0: return False
///     return True
/// ```
///
/// ```
/// use shared::workload::is_prime;
/// assert!(is_prime(112_272_535_095_293));
/// assert!(!is_prime(112_272_535_095_295));
/// ```
pub fn is_prime(n: u64) -> bool {
    // While spans are recorded (see `crate::spans`), a big check is a span.
    let _span = (n > SPAN_MIN_PRIME).then(|| crate::spans::span(format_args!("is_prime {n}")));
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let sqrt_n = n.isqrt();
    let mut i = 3;
    while i <= sqrt_n {
        if n.is_multiple_of(i) {
            return false;
        }
        i += 2;
    }
    true
}

/// One step of SplitMix64: the tiny, well-known generator behind
/// [`pseudo_random_bytes`]. It is written out (not taken from `rand`) so the
/// Python twins can produce the very same bytes in four lines and compare
/// digests across languages.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `size` bytes from SplitMix64 seeded with `seed`, each 64-bit output laid
/// down little-endian. Deterministic: the same `(size, seed)` always gives
/// the same bytes, in Rust and in the Python twins.
pub fn pseudo_random_bytes(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(size + 8);
    while out.len() < size {
        out.extend_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    out.truncate(size);
    out
}

/// The notes' `sha(size)`: the SHA-256 digest, as 64 lower-case hex
/// characters, of `size` bytes (the notes use `SIZE = 2**20`) of
/// [`pseudo_random_bytes`] seeded with `seed` (the notes used fresh random
/// bytes; a seed makes every run, and both languages, agree). While spans are
/// recorded, the job is a span `sha seed N`.
///
/// ```
/// let d = shared::workload::sha_job(0, 1);
/// assert_eq!(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
pub fn sha_job(size: usize, seed: u64) -> String {
    use sha2::{Digest, Sha256};
    let _span = crate::spans::span(format_args!("sha seed {seed}"));
    let digest = Sha256::digest(pseudo_random_bytes(size, seed));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Simulated blocking I/O: the thread sleeps for `d` (the
/// notes' `time.sleep(0.5)` in sing/dance, standing for a network or disk wait). Async code must use
/// its runtime's sleep instead; see `blocking_pitfall`.
pub fn io_wait(d: Duration) {
    std::thread::sleep(d);
}

/// The longest duration a flag accepts: [`secs_arg`] rejects more than an hour.
pub const MAX_FLAG_SECS: u64 = 3600;

/// A clap value parser for a duration flag given in seconds
/// (`#[arg(long, value_parser = shared::workload::secs_arg)] delay: Duration`):
/// accepts `0` to `3600` (fractions allowed) and rejects NaN, infinities,
/// negatives and anything longer, with a message clap prints as one line.
///
/// ```
/// use shared::workload::secs_arg;
/// assert_eq!(secs_arg("0.5"), Ok(std::time::Duration::from_millis(500)));
/// assert!(secs_arg("nan").is_err() && secs_arg("-1").is_err() && secs_arg("1e10").is_err());
/// ```
pub fn secs_arg(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>().map(Duration::try_from_secs_f64) {
        Ok(Ok(d)) if d <= Duration::from_secs(MAX_FLAG_SECS) => Ok(d),
        _ => Err(format!("{s} is not a number of seconds from 0 to {MAX_FLAG_SECS}")),
    }
}

/// As [`secs_arg`], but 0 is refused too (a tick, a timeout that must elapse).
///
/// ```
/// use shared::workload::positive_secs_arg;
/// assert!(positive_secs_arg("0").is_err() && positive_secs_arg("0.1").is_ok());
/// ```
pub fn positive_secs_arg(s: &str) -> Result<Duration, String> {
    match secs_arg(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!("{s} is not a number of seconds more than 0, at most {MAX_FLAG_SECS}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes() {
        let small: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(small, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert!(is_prime(PRIMES[0]));
    }

    #[test]
    fn bytes_are_deterministic() {
        assert_eq!(pseudo_random_bytes(13, 7), pseudo_random_bytes(13, 7));
        assert_ne!(pseudo_random_bytes(16, 7), pseudo_random_bytes(16, 8));
        assert_eq!(pseudo_random_bytes(13, 7).len(), 13);
        // SplitMix64's published first output for seed 0.
        assert_eq!(splitmix64(&mut 0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(sha_job(1024, 3).len(), 64);
    }
}
