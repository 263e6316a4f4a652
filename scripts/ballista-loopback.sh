#!/usr/bin/env bash
# A Ballista cluster on loopback: one yuqi-batch scheduler and two executors, each a
# separate process with its own ports and shuffle directory. A generated log is scanned
# locally (DataFusion) and on the cluster, and the outputs must agree row for row
# (messages/ by id, report.parquet by group). Both executors must have run tasks.
#
#   bash scripts/ballista-loopback.sh [MESSAGES] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."

messages="${1:-40000}"
bin="${2:-target/debug/yuqi-batch}"
if [ ! -x "$bin" ]; then
  cargo build -p yuqi-batch --locked
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/yuqi-ballista.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

# Five free loopback ports, chosen by the kernel.
read -r sp e1 e1g e2 e2g < <(python3 - <<'PY'
import socket
socks=[socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()
PY
)

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $what" >&2
  tail -20 "$work"/*.log >&2 || true
  exit 1
}
registered() { [ "$(grep -c 'Received register executor request' "$work/scheduler.log")" -ge 2 ]; }

"$bin" scheduler --bind "127.0.0.1:$sp" --external-host 127.0.0.1 >"$work/scheduler.log" 2>&1 &
pids+=($!)
wait_for 60 "the scheduler on port $sp" bash -c "exec 3<>/dev/tcp/127.0.0.1/$sp"
mkdir -p "$work/shuffle1" "$work/shuffle2"
"$bin" executor --scheduler "127.0.0.1:$sp" --bind-host 127.0.0.1 --external-host 127.0.0.1 \
  --port "$e1" --grpc-port "$e1g" --vcores 1 --work-dir "$work/shuffle1" >"$work/executor1.log" 2>&1 &
pids+=($!)
"$bin" executor --scheduler "127.0.0.1:$sp" --bind-host 127.0.0.1 --external-host 127.0.0.1 \
  --port "$e2" --grpc-port "$e2g" --vcores 1 --work-dir "$work/shuffle2" >"$work/executor2.log" 2>&1 &
pids+=($!)
wait_for 60 "two executors to register" registered
echo "cluster up: scheduler 127.0.0.1:$sp, executors :$e1 and :$e2"

"$bin" generate --messages "$messages" --seed 23 --out "$work/log.parquet"
"$bin" scan --input "$work/log.parquet" --output "$work/local" --partitions 2
# Four partitions: each executor judges and writes two of them (crates/yuqi-batch/src/sink.rs).
"$bin" scan --input "$work/log.parquet" --output "$work/cluster" --cluster "df://127.0.0.1:$sp" --partitions 4
"$bin" compare "$work/local" "$work/cluster"
# One file per partition, each written by the task that judged it; DataFusion's own sink would
# have gathered all four partitions into one task and one file.
files=$(find "$work/cluster/messages" -name '*.parquet' | wc -l)
if [ "$files" -ne 4 ]; then
  echo "the cluster wrote $files files into messages/, not one per partition (4)" >&2
  ls -l "$work/cluster/messages" >&2
  exit 1
fi

for n in 1 2; do
  tasks=$(grep -c "Execute task" "$work/executor$n.log" || true)
  echo "executor $n ran $tasks tasks"
  if [ "$tasks" -lt 1 ]; then
    echo "executor $n ran no task: the cluster did not spread the work" >&2
    exit 1
  fi
done
grep -q "Ballista 集群" "$work/cluster/report.md" || { echo "the cluster report does not name the cluster" >&2; exit 1; }
echo "== Ballista loopback cluster: results equal the local run row for row"
