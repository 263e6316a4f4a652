#!/usr/bin/env bash
# What the tests need besides the Rust toolchain; sourced by scripts/test.sh.
#
# As root (CI, a fresh machine) it installs what is missing with apt-get and starts a local
# PostgreSQL (scripts/ci-postgres.sh). Otherwise it installs nothing: it says in one line what to
# install and skips only the tests that need what is missing, naming them. It sets:
#   SKIP_TESTS     arguments for the test harness (`--skip <test name>` …)
#   SKIP_PREVIEW   1 when the PDF preview step cannot run
#   SKIP_BATCH     1 when the batch step cannot run
#   YUQI_TEST_PG_URL (exported) when a PostgreSQL server is available

SKIP_TESTS=()
SKIP_PREVIEW=0
SKIP_BATCH=0

# Chinese fonts for PDFs (typst finds them in /usr/share/fonts), poppler-utils to read PDFs back
# (pdftotext, pdftoppm), a C compiler for the bundled SQLite, python3 to check evidence packages
# with standard tools and to pick free ports for the Ballista cluster, headless Chromium and its
# WebDriver for the web app's browser test, openssl as the test time-stamping authority (and to
# check RFC 3161 signatures, which the evidence store leaves to `openssl ts -verify`).
missing=()
fc-list 2>/dev/null | grep -qi "Noto Serif CJK" || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromedriver ] || missing+=(chromium-driver)
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || missing+=(tesseract-ocr tesseract-ocr-chi-sim)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

is_root=0
[ "$(id -u)" = 0 ] && is_root=1

if [ ${#missing[@]} -gt 0 ] && [ "$is_root" = 1 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fontconfig
  missing=()
fi

# A real PostgreSQL server for the storage layer's tests (the same tests also run on SQLite).
pg_missing=0
if [ -z "${YUQI_TEST_PG_URL:-}" ]; then
  if [ "$is_root" = 1 ]; then
    YUQI_TEST_PG_URL="$(bash scripts/ci-postgres.sh)"
    export YUQI_TEST_PG_URL
  else
    pg_missing=1
  fi
fi

has() { [[ " ${missing[*]} " == *" $1 "* ]]; }

if has build-essential; then
  echo "test-deps: no C compiler (cc): the bundled SQLite cannot be built; install build-essential (as root: apt-get install build-essential)" >&2
  exit 1
fi

skipped=()
# Every test that renders a PDF needs the fonts; the ones that read PDFs back need poppler.
if has fonts-noto-cjk || has poppler-utils; then
  for t in letters_as_pdf_carry_their_facts_in_an_embedded_cjk_font the_dossier_as_pdf_has_every_part \
    letters_in_every_format the_dossier_uses_the_evidence_store packages_verify_and_name_what_was_altered \
    import_verify_export_and_check_a_package the_new_user_path_through_every_page; do
    SKIP_TESTS+=(--skip "$t")
  done
  SKIP_PREVIEW=1
  skipped+=("PDF tests (letters, dossier, evidence package, web app's new-user path) and the PDF preview")
fi
if has python3; then
  SKIP_TESTS+=(--skip import_verify_export_and_check_a_package)
  SKIP_BATCH=1
  skipped+=("the evidence package check with standard tools and the batch step")
fi
if has chromium || has chromium-driver; then
  # The browser test skips itself when chromedriver is missing (and fails under CI).
  skipped+=("the headless-browser test")
fi
if has openssl; then
  # The timestamp tests skip themselves without openssl (and fail under CI).
  skipped+=("the trusted-timestamp tests (crates/yuqi-cli/tests/timestamp.rs)")
fi
if [ "$pg_missing" = 1 ]; then
  # The PostgreSQL variants skip themselves without YUQI_TEST_PG_URL (and fail under CI).
  missing+=(postgresql)
  skipped+=("the PostgreSQL variants of the storage tests (or set YUQI_TEST_PG_URL)")
fi

if [ ${#skipped[@]} -gt 0 ]; then
  summary=$(printf '%s; ' "${skipped[@]}")
  echo "test-deps: not root, nothing installed: run as root or 'apt-get install ${missing[*]}'; skipping ${summary%; }" >&2
fi
