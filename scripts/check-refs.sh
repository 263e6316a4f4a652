#!/usr/bin/env bash
# Fails when a tracked file points at a document that is not in this repository: the
# old research notes (law.md, conduct-codes.md, anchors.md, crates.md), anything under
# a sibling "shared" folder, the research memo (研究备忘) or its question numbers (OQ<n>).
# The project's legal reference is docs/law/; point there instead.
# .ci/ is left out: it describes the CI machine's folder layout, not a document.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='(^|[^A-Za-z0-9_-])(law|conduct-codes|anchors|crates)\.md|\.\./shared|/work/shared|shared/(domain|reference)|研究备忘|research_notes|(^|[^A-Za-z0-9_])OQ ?[0-9]'

if hits=$(git grep -n -I -E "$pattern" -- . ':(exclude)scripts/check-refs.sh' ':(exclude).ci'); then
  echo "References to documents outside the repository (use docs/law/ instead):" >&2
  echo "$hits" >&2
  exit 1
fi
echo "no references to documents outside the repository"
