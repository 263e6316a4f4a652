#!/usr/bin/env bash
# Peak memory of a local batch scan with and without the memory budget (docs/batch.md,
# "Memory budget"). For each size: generate a log (yuqi-batch generate, seed 7), scan it
# with --memory-limit unlimited (the engine unbounded, as before the budget existed) and
# with the given budget; print wall time, peak RSS (/usr/bin/time -v), the engine's peak
# reservation and peak spill (summary.json → memory), and check both outputs agree.
#
#   bash bench/batch_memory.sh [BUDGET] [SIZES…]      e.g.  bash bench/batch_memory.sh 2G 1000000 3000000
# Needs the release binary (cargo build --release -p yuqi-batch); builds it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${1:-2G}"
shift || true
sizes=("${@:-1000000}")
bin=target/release/yuqi-batch
[ -x "$bin" ] || cargo build --release -p yuqi-batch --locked
out=bench/out/batch-memory
mkdir -p "$out"

peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f MiB", $6/1024}'; }
wall() { grep "Elapsed (wall" "$1" | awk '{print $8}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  log="$out/log-$n.parquet"
  [ -f "$log" ] || "$bin" generate --messages "$n" --seed 7 --out "$log" >/dev/null
  for limit in unlimited "$budget"; do
    name="$out/scan-$n-$limit"
    rm -rf "$name"
    /usr/bin/time -v "$bin" scan --input "$log" --output "$name" --memory-limit "$limit" --json \
      >"$name.json" 2>"$name.time"
    python3 - "$name.json" "$n" "$limit" "$(wall "$name.time")" "$(peak "$name.time")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
m = s["memory"]
mib = lambda b: f"{b / 2**20:.0f} MiB"
print(f"{sys.argv[2]:>9} messages, --memory-limit {sys.argv[3]:<9}: wall {sys.argv[4]}, peak RSS {sys.argv[5]}, "
      f"engine reserved ≤ {mib(m['peak_reserved_bytes'])}, spilled ≤ {mib(m['peak_spilled_bytes'])}, "
      f"{s['messages_per_second']:.0f} msg/s")
PY
  done
  "$bin" compare "$out/scan-$n-unlimited" "$out/scan-$n-$budget"
done
