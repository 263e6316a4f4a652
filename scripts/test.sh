#!/usr/bin/env bash
# The project's test command (README): formatting, lints, every test.
# On a fresh machine, run as root: it installs the system packages the tests need and starts a
# local PostgreSQL (scripts/test-deps.sh). Not as root it installs nothing, says what is missing
# and skips only the tests that need it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: this project needs the Rust toolchain (rustup, https://rustup.rs)" >&2
  exit 1
fi

echo "== no tracked text file over 1 MB outside test data"
bash scripts/check-sizes.sh

echo "== no merge conflict markers in tracked files"
if git grep -n -E '^(<<<<<<< |>>>>>>> |=======$)' -- ':!*.md' >/dev/null 2>&1; then
  git grep -n -E '^(<<<<<<< |>>>>>>> |=======$)' -- ':!*.md' >&2
  echo "merge conflict markers left in the files above" >&2
  exit 1
fi

echo "== references stay inside the repository"
bash scripts/check-refs.sh

echo "== system packages and PostgreSQL for the tests"
# shellcheck source=scripts/test-deps.sh
source scripts/test-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

# yuqi-batch (DataFusion/Ballista) takes 15-20 minutes to build the first time; it is
# tested in its own step at the end (scripts/test-batch.sh), reusing this target directory.
# YUQI_SKIP_BATCH=1 skips that step.
echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --exclude yuqi-batch --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --exclude yuqi-batch --locked -- "${SKIP_TESTS[@]}"

if [ "$SKIP_PREVIEW" = 1 ]; then
  echo "== PDF preview skipped (fonts-noto-cjk or poppler-utils missing)"
else
  echo "== letters and dossier rendered to PNG (target/preview), no blank pages"
  bash scripts/preview-docs.sh
fi

if [ "${YUQI_SKIP_BATCH:-0}" = 1 ]; then
  echo "== batch scan skipped (YUQI_SKIP_BATCH=1)"
elif [ "$SKIP_BATCH" = 1 ]; then
  echo "== batch scan skipped (python3 missing)"
else
  bash scripts/test-batch.sh
fi

echo "== all tests passed"
