#!/usr/bin/env bash
# The project's test command (README): formatting, lints, every test.
# Works on a fresh machine with the Rust toolchain; installs nothing else yet.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== letters and dossier rendered to PNG (target/preview), no blank pages"
bash scripts/preview-docs.sh

echo "== all tests passed"
