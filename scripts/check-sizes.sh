#!/usr/bin/env bash
# Fails on any tracked text file over 1 MB that is not test data (tests/data/ or a crate's
# tests/): such a file is almost always generated output or a mangled edit (docs/batch.md was
# once blown up from 16 KB to 5 MB), and it bloats every clone for good.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=$((1024 * 1024))
bad=0
while IFS= read -r -d '' f; do
  case "$f" in
    tests/data/* | crates/*/tests/*) continue ;;
  esac
  [ -f "$f" ] || continue
  size=$(stat -c %s "$f")
  [ "$size" -gt "$limit" ] || continue
  # Binary files (a NUL byte in the first 8 KB) are not text; they are judged elsewhere.
  nul=$(head -c 8192 "$f" | tr -dc '\000' | wc -c)
  [ "$nul" -eq 0 ] || continue
  echo "tracked text file over 1 MB (not test data): $f ($size bytes)" >&2
  bad=1
done < <(git ls-files -z)
exit "$bad"
