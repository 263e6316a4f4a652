#!/usr/bin/env bash
# Batch scan benchmarks (docs/batch.md reports the figures):
#   1. a deterministic 10,000,000-message log (Parquet) scanned locally with DataFusion:
#      wall time, time per stage (summary.json), throughput, peak memory;
#   2. the same log on a Ballista cluster on this machine with one executor, then two
#      (one task slot each): wall time, per-executor throughput, shuffle bytes, executor memory.
#
#   bash bench/batch.sh [MESSAGES] [CLUSTER_MESSAGES]
# Needs the release binary (cargo build --release -p yuqi-batch); builds it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

n="${1:-10000000}"
cn="${2:-$n}"
bin=target/release/yuqi-batch
[ -x "$bin" ] || cargo build --release -p yuqi-batch --locked
out=bench/out/batch
mkdir -p "$out"
log="$out/log-$n.parquet"

peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f MiB", $6/1024}'; }
wall() { grep "Elapsed (wall" "$1" | awk '{print $8}'; }

if [ ! -f "$log" ]; then
  /usr/bin/time -v "$bin" generate --messages "$n" --seed 7 --out "$log" 2>"$out/gen.time"
  echo "generated $n messages in $(wall "$out/gen.time"): $(du -h "$log" | cut -f1)"
fi

echo "== local DataFusion, $n messages"
rm -rf "$out/local"
/usr/bin/time -v "$bin" scan --input "$log" --output "$out/local" --json >"$out/local.json" 2>"$out/local.time"
python3 - "$out/local.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"rows {s['rows']}, flagged {s['flagged']}, {s['messages_per_second']:.0f} messages/s")
for st in s['stages']:
    print(f"  {st['name']:<10} {st['seconds']:8.2f} s")
PY
echo "  wall $(wall "$out/local.time"), peak RSS $(peak "$out/local.time")"
du -sh "$out/local/messages" | awk '{print "  output messages/: " $1}'

cluster_log="$log"
if [ "$cn" != "$n" ]; then
  cluster_log="$out/log-$cn.parquet"
  [ -f "$cluster_log" ] || "$bin" generate --messages "$cn" --seed 7 --out "$cluster_log" >/dev/null
fi

run_cluster() { # run_cluster EXECUTORS
  local k=$1 work pids=() sp
  work="$(mktemp -d "${TMPDIR:-/tmp}/yuqi-bench.XXXXXX")"
  read -r sp p1 g1 p2 g2 < <(python3 -c '
import socket
s=[socket.socket() for _ in range(5)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
  "$bin" scheduler --bind "127.0.0.1:$sp" --external-host 127.0.0.1 >"$work/scheduler.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$sp) 2>/dev/null && break; sleep 0.1; done
  local ports=("$p1 $g1" "$p2 $g2")
  for i in $(seq 1 "$k"); do
    read -r p g <<<"${ports[$((i-1))]}"
    mkdir -p "$work/shuffle$i"
    "$bin" executor --scheduler "127.0.0.1:$sp" --bind-host 127.0.0.1 --external-host 127.0.0.1 \
      --port "$p" --grpc-port "$g" --vcores 1 --work-dir "$work/shuffle$i" >"$work/executor$i.log" 2>&1 & pids+=($!)
  done
  for _ in $(seq 1 300); do
    [ "$(grep -c 'Received register executor request' "$work/scheduler.log")" -ge "$k" ] && break; sleep 0.1
  done
  rm -rf "$out/cluster$k"
  /usr/bin/time -v "$bin" scan --input "$cluster_log" --output "$out/cluster$k" --cluster "df://127.0.0.1:$sp" --partitions 2 --json \
    >"$out/cluster$k.json" 2>"$out/cluster$k.time"
  echo "== Ballista, $k executor(s) x 1 slot, $cn messages"
  python3 - "$out/cluster$k.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"rows {s['rows']}, {s['messages_per_second']:.0f} messages/s")
for st in s['stages']:
    print(f"  {st['name']:<10} {st['seconds']:8.2f} s")
PY
  echo "  client wall $(wall "$out/cluster$k.time"), client peak RSS $(peak "$out/cluster$k.time")"
  for i in $(seq 1 "$k"); do
    local pid=${pids[$i]}
    echo "  executor $i: $(grep -c 'Execute task' "$work/executor$i.log") tasks, peak RSS $(awk '/VmHWM/{printf "%.0f MiB", $2/1024}' /proc/$pid/status), shuffle $(du -sb "$work/shuffle$i" | awk '{printf "%.1f MB", $1/1e6}')"
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

run_cluster 1
run_cluster 2
if [ "$cn" = "$n" ]; then
  "$bin" compare "$out/local" "$out/cluster2"
fi
