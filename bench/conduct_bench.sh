#!/usr/bin/env bash
# Conduct analyzer throughput: 1,000,000 generated messages, streaming scan on
# one core, peak memory; then the Python baseline (jieba + re, same lexicons) on
# a sample for the speed ratio. Needs PyPI once (bench/.venv).
# Usage: bash bench/conduct_bench.sh [N] [PYTHON_SAMPLE]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
sample="${2:-100000}"
mkdir -p bench/out
cargo build --release --quiet -p yuqi-cli -p yuqi-conduct --example gen_messages
cargo build --release --quiet -p yuqi-cli
./target/release/examples/gen_messages "$n" > bench/out/messages.jsonl
bytes=$(stat -c %s bench/out/messages.jsonl)
/usr/bin/time -f "%e %M" -o bench/out/time.txt taskset -c 0 ./target/release/yuqi scan bench/out/messages.jsonl > bench/out/scan.jsonl
read -r secs kb < bench/out/time.txt
python3 - "$n" "$bytes" "$secs" "$kb" <<'PY'
import sys
n, b, s, kb = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"yuqi scan: {n} messages, {b/1e6:.1f} MB, {s:.2f}s on one core: {b/1e6/s:.1f} MB/s, {n/s:,.0f} messages/s, peak RSS {kb/1024:.1f} MiB")
PY
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install --quiet jieba
head -n "$sample" bench/out/messages.jsonl > bench/out/sample.jsonl
/usr/bin/time -f "%e" -o bench/out/time_sample.txt taskset -c 0 ./target/release/yuqi scan bench/out/sample.jsonl > /dev/null
bench/.venv/bin/python bench/conduct_baseline.py bench/out/sample.jsonl > bench/out/python.jsonl 2> bench/out/python.txt
cat bench/out/python.txt
python3 - bench/out/sample.jsonl "$(cat bench/out/time_sample.txt)" bench/out/python.txt <<'PY'
import re, sys
sample, rust_s, py = sys.argv[1], float(sys.argv[2]), open(sys.argv[3]).read()
py_s = float(re.search(r"MB, ([0-9.]+)s", py).group(1))
print(f"same {sum(1 for _ in open(sample))} messages: yuqi {rust_s:.2f}s (incl. start-up) vs python {py_s:.2f}s: {py_s/rust_s:.1f}x")
PY
