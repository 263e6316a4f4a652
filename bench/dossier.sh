#!/usr/bin/env bash
# Time to produce the full dossier PDF with the real binary, start-up included, for the largest
# examples (issue 6 target: under 1 s after start-up). Also renders every letter kind once.
# Usage: bash bench/dossier.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
cargo build --release -q -p yuqi-cli
bin=target/release/yuqi
out=bench/out/dossier
mkdir -p "$out"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for spec in "examples/demo.toml --messages examples/demo-messages.jsonl" "examples/stacking.toml"; do
  times=()
  for _ in $(seq "$runs"); do
    t=$(date +%s%N)
    # shellcheck disable=SC2086
    "$bin" report $spec --out "$out/dossier.pdf" --date 2026-11-24 2>/dev/null
    times+=("$(ms "$t")")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  echo "report ${spec%% *}: runs=$runs min=$(echo "$sorted" | head -1) ms median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p") ms max=$(echo "$sorted" | tail -1) ms, $(pdfinfo "$out/dossier.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages"
done
t=$(date +%s%N)
"$bin" letter verification examples/demo.toml --debt hjd --out "$out/letter.pdf" --date 2026-11-24 2>/dev/null
echo "one letter (PDF, start-up included): $(ms "$t") ms"
t=$(date +%s%N)
"$bin" law list >/dev/null
echo "start-up without fonts (yuqi law list): $(ms "$t") ms"
