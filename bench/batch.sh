#!/usr/bin/env bash
# Batch scan benchmarks (docs/batch.md reports the figures). On deterministic generated logs
# (yuqi-batch generate, seed 7), side by side in one run:
#   1. the bare analyzer on one core, without the engine (yuqi-batch analyzer-speed, on the
#      first 1,000,000 messages of the same log);
#   2. for each size, a local DataFusion scan within the memory budget: wall time, time per
#      stage, messages/s (and per core), input and text bytes/s, peak RSS, the engine's peak
#      reservation and peak spill (summary.json → memory);
#   3. the per-operator profile of the plan at the first size (EXPLAIN ANALYZE, plan_profile);
#   4. Ballista on this machine with one executor, then two (one task slot each): wall time,
#      messages/s, shuffle bytes per message, executor peak RSS and CPU time, and the
#      speed-up; then the same with each executor pinned to its own core (taskset), so that
#      one executor cannot borrow the core the second one needs; the two-executor output is
#      compared row for row with the local one.
#
#   bash bench/batch.sh [SIZES…]        default: 1000000 10000000 30000000
#   CLUSTER_MESSAGES=10000000 CLUSTER_PARTITIONS=2 BUDGET=2G YUQI_BATCH_BIN=target/release/yuqi-batch bash bench/batch.sh
#   LOCAL=0 bash bench/batch.sh         only the Ballista runs
#   UNPINNED=0 bash bench/batch.sh      Ballista only with pinned executors
#   ROW_GROUP_ROWS=262144 bash bench/batch.sh
#                                       logs written with smaller row groups (default 1048576):
#                                       a task reads whole row groups, so this sets how evenly
#                                       the cluster's scan tasks can be sized
# Needs the release binary (cargo build --release -p yuqi-batch); builds it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("${@:-1000000 10000000 30000000}")
read -r -a sizes <<<"${sizes[*]}"
budget="${BUDGET:-2G}"
cn="${CLUSTER_MESSAGES:-10000000}"
cparts="${CLUSTER_PARTITIONS:-2}"
target="${CARGO_TARGET_DIR:-target}"
bin="${YUQI_BATCH_BIN:-$target/release/yuqi-batch}"
profile="$target/release/examples/plan_profile"
[ -x "$bin" ] || cargo build --release -p yuqi-batch --locked
[ -x "$profile" ] || cargo build --release -p yuqi-batch --example plan_profile --locked
out="${BENCH_OUT:-bench/out/batch}"
mkdir -p "$out"
cores=$(nproc)

peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f MiB", $6/1024}'; }
wall() { grep "Elapsed (wall" "$1" | awk '{print $8}'; }
rg="${ROW_GROUP_ROWS:-1048576}"
log_of() { # log_of N → path of the generated log of N messages
  local log="$out/log-$1.parquet"
  [ "$rg" = 1048576 ] || log="$out/log-$1-rg$rg.parquet"
  [ -f "$log" ] || "$bin" generate --messages "$1" --seed 7 --row-group-rows "$rg" --out "$log" >/dev/null
  echo "$log"
}

echo "machine: $cores cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); budget $budget"

bare_n=$(( ${sizes[0]} < 1000000 ? ${sizes[0]} : 1000000 ))
"$bin" analyzer-speed --messages "$bare_n" --seed 7 >"$out/bare.json"
python3 - "$out/bare.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"bare analyzer, 1 core, {s['messages']} messages: {s['messages_per_second']:.0f} msg/s, "
      f"{s['megabytes_per_second']:.1f} MB/s of text ({s['bytes'] / s['messages']:.0f} bytes per message)")
PY
if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then
  # The machine's own ceiling for two one-core workers: two bare analyzers at once, each
  # pinned to its own core. Two executors cannot gain more than this over one.
  taskset -c 0 "$bin" analyzer-speed --messages "$bare_n" --seed 7 >"$out/bare0.json" &
  taskset -c 1 "$bin" analyzer-speed --messages "$bare_n" --seed 7 >"$out/bare1.json"
  wait
  "$bin" analyzer-speed --messages "$bare_n" --seed 7 >"$out/bare-after.json"
  python3 - "$out"/bare.json "$out"/bare-after.json "$out"/bare0.json "$out"/bare1.json <<'PY'
import json, sys
alone = [json.load(open(p))["messages_per_second"] for p in sys.argv[1:3]]
both = [json.load(open(p))["messages_per_second"] for p in sys.argv[3:5]]
one = sum(alone) / 2
print(f"two bare analyzers at once, pinned to cores 0 and 1: {both[0]:.0f} + {both[1]:.0f} msg/s "
      f"(one alone before and after: {alone[0]:.0f}, {alone[1]:.0f}) = {sum(both) / one:.2f}× one: "
      f"the ceiling of a speed-up from one one-core executor to two on this machine")
PY
fi

if [ "${LOCAL:-1}" = 1 ]; then
for n in "${sizes[@]}"; do
  log=$(log_of "$n")
  name="$out/local-$n"
  rm -rf "$name"
  /usr/bin/time -v "$bin" scan --input "$log" --output "$name" --memory-limit "$budget" --json \
    >"$name.json" 2>"$name.time"
  python3 - "$name.json" "$out/bare.json" "$cores" "$(wall "$name.time")" "$(peak "$name.time")" "$(stat -c %s "$log")" <<'PY'
import json, sys
s, bare = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
cores, wall, rss, size = int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
m, rate = s["memory"], s["messages_per_second"]
text = bare["bytes"] / bare["messages"]
mib = lambda b: f"{b / 2**20:.0f} MiB"
stages = ", ".join(f"{x['name']} {x['seconds']:.1f} s" for x in s["stages"])
print(f"local {s['rows']} messages: wall {wall}; {stages}")
print(f"  {rate:.0f} msg/s = {rate / cores:.0f} per core = {rate / cores / bare['messages_per_second']:.2f} of the bare analyzer; "
      f"input {size / 1e6 / s['stages'][-1]['seconds']:.1f} MB/s of Parquet, {rate * text / 1e6:.1f} MB/s of text")
print(f"  peak RSS {rss}; engine reserved ≤ {mib(m['peak_reserved_bytes'])} of {mib(m['limit_bytes'] or 0)}, "
      f"spilled ≤ {mib(m['peak_spilled_bytes'])}")
PY
done

echo "== where the time goes: EXPLAIN ANALYZE at ${sizes[0]} messages (operator, rows, compute time)"
"$profile" "$(log_of "${sizes[0]}")" >"$out/plan.txt"
python3 - "$out/plan.txt" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.search(r"metrics=\[(.*)\]", line)
    if not m:
        continue
    keep = [x for x in m.group(1).split(", ") if re.match(r"(output_rows|elapsed_compute|spilled_bytes|repartition_time|time_elapsed_processing)=", x)]
    print(f"  {line.split(':')[0].rstrip():<40} {' '.join(keep)}")
PY
fi

cluster_log=$(log_of "$cn")
run_cluster() { # run_cluster EXECUTORS [pinned]
  local k=$1 pin=${2:-} work pids=() sp
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
    # Pinned: executor i runs on core i-1 only, as if each were a one-core machine (unpinned,
    # one executor's I/O and shuffle threads use the other core, which two executors cannot).
    local run=()
    [ -n "$pin" ] && run=(taskset -c "$((i - 1))")
    "${run[@]}" "$bin" executor --scheduler "127.0.0.1:$sp" --bind-host 127.0.0.1 --external-host 127.0.0.1 \
      --port "$p" --grpc-port "$g" --vcores 1 --work-dir "$work/shuffle$i" >"$work/executor$i.log" 2>&1 & pids+=($!)
  done
  for _ in $(seq 1 300); do
    [ "$(grep -c 'Received register executor request' "$work/scheduler.log")" -ge "$k" ] && break; sleep 0.1
  done
  rm -rf "$out/cluster$k"
  /usr/bin/time -v "$bin" scan --input "$cluster_log" --output "$out/cluster$k" --cluster "df://127.0.0.1:$sp" \
    --partitions "$cparts" --json >"$out/cluster$k.json" 2>"$out/cluster$k.time"
  local shuffle=0 rss="" cpu=0 tck
  tck=$(getconf CLK_TCK)
  for i in $(seq 1 "$k"); do
    shuffle=$(( shuffle + $(du -sb "$work/shuffle$i" | cut -f1) ))
    rss="$rss $(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/${pids[$i]}/status) MiB"
    # utime + stime of the executor process (fields 14 and 15 of /proc/PID/stat), in ticks.
    cpu=$(( cpu + $(awk '{print $14 + $15}' /proc/${pids[$i]}/stat) ))
  done
  python3 - "$out/cluster$k.json" "$k" "$shuffle" "$(wall "$out/cluster$k.time")" "$rss" "$cpu" "$tck" "${pin:+pinned}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
k, shuffle, wall, rss = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
cpu = int(sys.argv[6]) / int(sys.argv[7])
pinned = " (each pinned to one core)" if sys.argv[8] else ""
total = s["stages"][-1]["seconds"]
stages = ", ".join(f"{x['name']} {x['seconds']:.1f} s" for x in s["stages"])
print(f"Ballista {k} executor(s) × 1 slot{pinned}, {s['rows']} messages: wall {wall}; {stages}")
print(f"  {s['messages_per_second']:.0f} msg/s; shuffle {shuffle / 1e6:.0f} MB = {shuffle / s['rows']:.0f} bytes per message; "
      f"executor peak RSS{rss}; executors' CPU {cpu:.0f} s = {cpu / total:.2f} cores busy on average")
PY
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

speedup() { # speedup LABEL
  python3 - "$out/cluster1.json" "$out/cluster2.json" "$1" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
t = lambda s: s["stages"][-1]["seconds"]
print(f"speed-up from 1 to 2 executors{sys.argv[3]}: {t(a) / t(b):.2f}×")
PY
}
echo "cluster log: $cn messages in $(( (cn + rg - 1) / rg )) row groups of at most $rg, --partitions $cparts"
if [ "${UNPINNED:-1}" = 1 ]; then
  run_cluster 1
  run_cluster 2
  speedup ""
fi
if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then
  [ -d "$out/cluster2" ] && cp -r "$out/cluster2" "$out/cluster2-unpinned"
  run_cluster 1 pinned
  run_cluster 2 pinned
  speedup ", each executor pinned to one core"
  if [ -d "$out/cluster2-unpinned" ]; then rm -rf "$out/cluster2" && mv "$out/cluster2-unpinned" "$out/cluster2"; fi
fi
[ -d "$out/local-$cn" ] && "$bin" compare "$out/local-$cn" "$out/cluster2"
