#!/usr/bin/env bash
# Compare yuqi's XIRR with pyxirr on the same 1,000,000 thirteen-flow loan series.
# Needs network access to PyPI the first time (creates bench/.venv).
# Usage: bash bench/pyxirr_compare.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
out=bench/out
mkdir -p "$out"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet pyxirr numpy
fi
cargo build --release --quiet -p yuqi-ledger --example xirr_series
bin=target/release/examples/xirr_series
"$bin" generate "$out/series.bin" "$n"
line=$("$bin" run "$out/series.bin" "$out/yuqi.bin")
echo "$line"
us=$(echo "$line" | sed -E 's/.* ([0-9.]+) us\/series.*/\1/')
bench/.venv/bin/python bench/pyxirr_compare.py "$out/series.bin" "$out/yuqi.bin" "$us"
