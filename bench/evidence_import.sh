#!/usr/bin/env bash
# Evidence import: a generated SMS Backup & Restore file of SIZE bytes (default 1 GiB) imported
# into a fresh store; wall time and peak memory of the import, then of a full verification.
# Usage: bash bench/evidence_import.sh [SIZE_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1073741824}"
mkdir -p bench/out
cargo build --release --quiet -p yuqi-cli
file="bench/out/sms-$size.xml"
[ -f "$file" ] || python3 bench/gen_sms_backup.py "$size" -o "$file"
store="bench/out/store-$size"
rm -rf "$store"
./target/release/yuqi evidence init --store "$store" > /dev/null
/usr/bin/time -f "%e %M" -o bench/out/import_time.txt ./target/release/yuqi evidence import --store "$store" "$file" > bench/out/import_report.txt
read -r secs kb < bench/out/import_time.txt
/usr/bin/time -f "%e %M" -o bench/out/verify_time.txt ./target/release/yuqi evidence verify --store "$store" > bench/out/verify_report.txt
read -r vsecs vkb < bench/out/verify_time.txt
head -1 bench/out/import_report.txt
python3 - "$size" "$secs" "$kb" "$vsecs" "$vkb" "$(stat -c %s "$store/evidence.sqlite")" <<'PY'
import sys
size, s, kb, vs, vkb, db = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"import {size/2**20:.0f} MiB: {s:.1f} s ({size/2**20/s:.1f} MiB/s), peak RSS {kb/1024:.1f} MiB; store {db/2**20:.0f} MiB")
print(f"verify: {vs:.1f} s, peak RSS {vkb/1024:.1f} MiB")
PY
