#!/usr/bin/env bash
# Measures a newcomer's first build of the `yuqi` binary from nothing, in a scratch target
# directory (deleted afterwards), as CPU time (user + sys, which a busy machine does not inflate)
# and wall time:
#
#   bash scripts/measure-first-build.sh            # the README's profile (app)
#   bash scripts/measure-first-build.sh release    # for comparison
#
# It runs at the lowest priority; run it on a quiet machine for a meaningful wall time. The
# per-crate timings (cargo --timings) are copied to target/first-build-<profile>.html.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-app}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/yuqi-first-build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

CARGO_TARGET_DIR="$scratch" nice -n 19 /usr/bin/time -f '%U %S %e' -o "$scratch/time" \
  cargo build --profile "$profile" -p yuqi-cli --timings >&2
read -r user sys wall <"$scratch/time"
mkdir -p target
cp "$scratch/cargo-timings/cargo-timing.html" "target/first-build-$profile.html"
awk -v u="$user" -v s="$sys" -v w="$wall" -v p="$profile" \
  'BEGIN { printf "first build (%s): %.0f CPU seconds (user %.0f + sys %.0f), wall %.0f s\n", p, u + s, u, s, w }'
echo "per-crate timings: target/first-build-$profile.html"
