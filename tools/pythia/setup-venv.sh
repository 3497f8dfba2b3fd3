#!/usr/bin/env bash
# Creates (or refreshes) .venv-pythia at the repository root with tools/pythia/requirements.txt, when missing or when
# the requirements changed (a hash stamp, as bench/run.sh does for .venv-bench). Prints the venv's python on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-pythia"
REQ="$ROOT/tools/pythia/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ ! -x "$VENV/bin/python" ] || [ "$want" != "$have" ]; then
  echo "pythia: creating .venv-pythia (first use; pip installs pythia8mc and numpy from PyPI, about a minute)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  if ! "$VENV/bin/python" -m pip install -q --only-binary=:all: -r "$REQ" >&2; then
    echo "pythia: pip install of tools/pythia/requirements.txt failed (is PyPI reachable?)" >&2
    rm -rf "$VENV"
    exit 1
  fi
  echo "$want" > "$STAMP"
fi
echo "$VENV/bin/python"
