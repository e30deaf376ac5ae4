//! Threads: the threading notes mirrored with std::thread, crossbeam-channel and rayon. Each lesson is a bin under `src/bin/`.
