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

# the timed claims, in release mode: crawler, cpu_bound, pool_vs_spawn, gil
bench:
    cargo build -q --release --workspace --bins
    cargo run -q --release -p examples-threads --bin crawler
    cargo run -q --release -p examples-threads --bin cpu_bound
    cargo run -q --release -p examples-threads --bin pool_vs_spawn
    cargo run -q --release -p examples-sync --bin gil
