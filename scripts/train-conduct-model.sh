#!/usr/bin/env bash
# Trains the conduct analyzer's n-gram model reproducibly and writes
# crates/yuqi-conduct/data/model.tsv (same corpus, same bytes: fixed seed and order).
#   bash scripts/train-conduct-model.sh          retrain and write
#   bash scripts/train-conduct-model.sh --check  fail if retraining would change the file
#   bash scripts/train-conduct-model.sh eval [--loso]   figures on real messages (docs/conduct.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p yuqi-conduct --example conduct_model
if [ "${1:-}" = "eval" ]; then
  shift
  exec ./target/release/examples/conduct_model eval "$@"
fi
exec ./target/release/examples/conduct_model train "$@"
