//! Processes: the multiprocessing notes mirrored with `std::process`.
//!
//! The bins re-execute themselves in a role (`--role ...`, chosen first thing
//! in `main`: the analogue of Python's `if __name__ == "__main__"` guard) and
//! talk to their children in JSON lines over pipes. What they share lives
//! here, and none of it is a lesson of its own:
//!
//! - [`child`]: re-executing this binary in a role, a child killed on drop,
//!   one JSON message per line;
//! - [`pool`]: a small pool of worker processes (the `ProcessPoolExecutor`
//!   analogue) that restarts a worker that dies and retries its job;
//! - [`launch`]: several members of a timely cluster started on 127.0.0.1
//!   with a temporary hostfile (`multi_machine`'s default run).

#![warn(missing_docs)]

pub mod child;
pub mod launch;
pub mod pool;
