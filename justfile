# concurrency-pairs: every recipe is plain cargo / python3 underneath, so
# `just` is optional (get it with `cargo install just` or `apt install just`).

# list the recipes and every example bin
list:
    @just --list
    @for c in examples-threads examples-sync examples-processes examples-async; do \
        for f in $c/src/bin/*.rs; do [ -e "$f" ] && echo "$c $(basename $f .rs)"; done; \
    done; true

# run one example: just run examples-threads barrier --client-delay 6
run CRATE BIN *ARGS:
    cargo run -q -p {{CRATE}} --bin {{BIN}} -- {{ARGS}}

# run one example's Python twin: just twin examples-threads barrier
twin CRATE BIN *ARGS:
    python3 {{CRATE}}/python/{{BIN}}.py {{ARGS}}

# run the example and its twin one after the other
pair CRATE BIN *ARGS:
    cargo run -q --release -p {{CRATE}} --bin {{BIN}} -- {{ARGS}}
    python3 {{CRATE}}/python/{{BIN}}.py {{ARGS}}

# the README's test command: every bin and every twin, run and checked
test:
    cargo test --workspace

# model-check the hand-built primitives with loom
loom:
    cargo test -p examples-sync --features loom --test loom

# formatting and lints, as CI runs them
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --all-features -- -D warnings

# serve the local blog site the crawlers crawl (http://127.0.0.1:8000)
site *ARGS:
    cargo run -q -p shared --bin blog-site -- {{ARGS}}

# the timed claims, in release mode (figures vary with the machine's load:
# quote ratios taken in one run)
bench: bench-threads bench-processes bench-async bench-micro

# the divan micro-benchmarks: spawn + join, one task, a message, a lock, the hand-built Semaphore and Queue
bench-micro:
    cargo bench -p compare --bench micro

# threads and sync: crawler, cpu_bound, pool_vs_spawn, gil
bench-threads:
    cargo build -q --release -p examples-threads -p examples-sync --bins
    cargo run -q --release -p examples-threads --bin crawler
    cargo run -q --release -p examples-threads --bin cpu_bound
    cargo run -q --release -p examples-threads --bin pool_vs_spawn
    cargo run -q --release -p examples-sync --bin gil

# processes: the sha pool (processes, then threads) at 2**20 and 2**26, the CPU job three ways
bench-processes:
    cargo build -q --release -p examples-processes --bins
    cargo run -q --release -p examples-processes --bin process_pool_hash
    cargo run -q --release -p examples-processes --bin process_pool_hash -- --threads
    cargo run -q --release -p examples-processes --bin process_pool_hash -- --size 67108864
    cargo run -q --release -p examples-processes --bin process_pool_hash -- --size 67108864 --threads
    cargo run -q --release -p examples-processes --bin cpu_bound_proc
    python3 examples-processes/python/cpu_bound_proc.py

# async: a million sleeping tasks on each runtime and form, then asyncio at 100,000
bench-async:
    cargo build -q --release -p examples-async --bins
    for rt in tokio smol async-std; do for form in join spawn; do \
        cargo run -q --release -p examples-async --bin million_tasks -- --runtime $rt --form $form; \
    done; done
    python3 examples-async/python/million_tasks.py --tasks 100000
    cargo run -q --release -p examples-async --bin echo_client -- --connections 1000 --rounds 100

# the notes' granularity table measured: every Rust contender beside its twin,
# 3 rounds (about 3.5 minutes on 2 cores); table, JSON, CSV and SVG charts in target/compare/
compare *ARGS:
    cargo build -q --release --workspace --bins
    cargo run -q --release -p compare -- {{ARGS}}

# the same in under a minute, small workloads, one round
compare-quick:
    just compare --quick

# run a bin and its twin recording spans (CONCURRENCY_PAIRS_SPANS) and draw both:
# just timeline examples-threads crawler
timeline CRATE BIN *ARGS:
    cargo build -q --release -p shared -p compare -p {{CRATE}} --bins
    cargo run -q --release -p compare -- record {{CRATE}} {{BIN}} -- {{ARGS}}

# the side-by-side book (book/): a page per README index row, the twin beside
# the bin, timelines recorded now, costs from compare/charts/compare.json;
# mdBook 0.5.4 (cargo install mdbook --locked --version 0.5.4) -> target/book/html
book:
    cargo run -q -p book -- build

# build the book and serve it on http://127.0.0.1:3000 (rebuilds a page when you edit book/pages)
book-serve:
    cargo run -q -p book -- serve

# the book as a reader sees it: built, every href/src checked, five pages opened
# in headless Chromium at 1280x720 and 400x800 (screenshots in target/book/screenshots)
book-check:
    @{ command -v mdbook || test -x "$HOME/.cargo/bin/mdbook"; } >/dev/null && { [ -x "${BOOK_CHROMIUM:-}" ] || command -v chromium; } >/dev/null && command -v chromedriver >/dev/null || { echo "book-check needs mdbook, chromium and chromedriver: cargo install mdbook --locked --version 0.5.4, then apt-get install chromium chromium-driver (macOS: brew install --cask chromium chromedriver, BOOK_CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium)"; exit 1; }
    BOOK_CHECK_REQUIRED=1 cargo test -q -p book --test browser -- --nocapture
