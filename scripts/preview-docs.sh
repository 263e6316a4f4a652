#!/usr/bin/env bash
# Writes every letter kind and the dossier as PDF and renders each page to PNG under
# target/preview/, so that a person can look at the typography. Fails if a page is blank
# (a missing font makes typst write pages without visible text).
# Usage: bash scripts/preview-docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p yuqi-cli
bin=target/debug/yuqi
out=target/preview
rm -rf "$out" && mkdir -p "$out"
d=2026-11-24
m=examples/demo-messages.jsonl
"$bin" report examples/demo.toml --messages "$m" --out "$out/dossier.pdf" --date "$d" 2>/dev/null
"$bin" letter verification examples/demo.toml --debt hjd --out "$out/verification.pdf" --date "$d" 2>/dev/null
"$bin" letter proposal examples/credit-card.toml --out "$out/proposal.pdf" --date "$d" 2>/dev/null
"$bin" letter regulator examples/demo.toml --debt hjd --messages "$m" --out "$out/regulator.pdf" --date "$d" 2>/dev/null
"$bin" letter association examples/demo.toml --debt hjd --messages "$m" --out "$out/association.pdf" --date "$d" 2>/dev/null
"$bin" letter police examples/demo.toml --messages "$m" --out "$out/police.pdf" --date "$d" 2>/dev/null
"$bin" letter credit-objection examples/credit-card.toml --out "$out/credit-objection.pdf" --date "$d" 2>/dev/null
"$bin" letter limitation examples/private-2019.toml --out "$out/limitation.pdf" --date "$d" 2>/dev/null
"$bin" letter defence examples/demo.toml --debt zr --out "$out/defence.pdf" --date "$d" 2>/dev/null
for pdf in "$out"/*.pdf; do
  pdftoppm -r 60 -png "$pdf" "${pdf%.pdf}"
done
python3 - "$out" <<'PY'
import pathlib, subprocess, sys
out = pathlib.Path(sys.argv[1])
bad = []
for pdf in sorted(out.glob("*.pdf")):
    # Grey levels of page 1 at low resolution: a page with text has dark pixels.
    pgm = subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", str(pdf)], capture_output=True, check=True).stdout
    header_end = 0
    fields = []
    while len(fields) < 4:
        j = pgm.index(b"\n", header_end) if pgm[header_end:header_end+1] != b"#" else pgm.index(b"\n", header_end)
        fields += pgm[header_end:j].split()
        header_end = j + 1
    pixels = pgm[header_end:]
    dark = sum(1 for p in pixels if p < 160) / max(len(pixels), 1)
    print(f"{pdf.name}: {dark:.2%} dark pixels on page 1")
    if dark < 0.002:
        bad.append(pdf.name)
if bad:
    sys.exit(f"blank-looking first page: {bad}")
PY
echo "PNG pages: $(ls "$out"/*.png | wc -l) in $out"
