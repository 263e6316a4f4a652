#!/usr/bin/env bash
# The batch scan (crates/yuqi-batch: DataFusion + Ballista). Heavy to build the first
# time (15-20 minutes on two cores), so scripts/test.sh runs it as its last step, in
# the same target directory. Lints, the crate's tests (every message checked against
# yuqi-conduct), then a real scheduler and two executors on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== yuqi-batch: clippy (warnings are errors)"
cargo clippy -p yuqi-batch --all-targets --locked -- -D warnings

echo "== yuqi-batch: tests"
cargo test -p yuqi-batch --locked

echo "== yuqi-batch: Ballista cluster on loopback against the local run"
cargo build -p yuqi-batch --locked
bash scripts/ballista-loopback.sh 40000 target/debug/yuqi-batch
