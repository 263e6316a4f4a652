#!/usr/bin/env bash
# Memory of concurrent evidence uploads (issue 19, item 5): N uploads of SIZE MiB at once to the
# local web app (the demo case), each a plain file (kept whole in the evidence store). Prints the
# server's resident memory before, the highest seen while uploading (sampled every 0.2 s) and
# after, and what each upload answered.
# Usage: bash bench/upload_memory.sh [N] [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-4}"
size="${2:-500}"
[ "${YUQI_NO_BUILD:-0}" = 1 ] || cargo build --profile app -q -p yuqi-cli
bin=target/app/yuqi
data=$(mktemp -d)
port=18383
YUQI_DATA_DIR="$data" "$bin" serve --addr "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/api/v1/session" >/dev/null && break; sleep 0.2; done
token=$(curl -sf "$base/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
id=$(curl -sf "$base/api/v1/cases" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cases"][0]["id"])')
for i in $(seq "$n"); do head -c "${size}M" /dev/urandom >"$data/upload-$i.bin"; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "server pid $pid; RSS before: $(rss) kB"
peak=0
pids=()
for i in $(seq "$n"); do
  curl -s -o "$data/answer-$i.json" -w "upload $i: HTTP %{http_code} in %{time_total} s\n" \
    -H "X-CSRF-Token: $token" -F "file=@$data/upload-$i.bin" "$base/api/v1/cases/$id/evidence" &
  pids+=($!)
done
running() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while running; do
  r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.2
done
for p in "${pids[@]}"; do wait "$p"; done
echo "RSS highest while uploading: $peak kB; after: $(rss) kB"
for i in $(seq "$n"); do echo "answer $i: $(head -c 300 "$data/answer-$i.json")"; done
echo "left in tmp/: $(find "$data/tmp" -type f 2>/dev/null | wc -l) files"
