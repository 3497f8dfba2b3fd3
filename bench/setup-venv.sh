#!/usr/bin/env bash
# Creates (or refreshes) .venv-bench at the repository root with bench/requirements.txt (pyhf, sweights, iminuit,
# scikit-learn, dcor, energyflow: the peers of `make bench`), when missing or when the requirements changed (a hash
# stamp). Prints the venv's python on stdout. Used by bench/run.sh and by the test that loads an exported workspace
# in pyhf (Tests/NeymanCLITests/ExportWorkspaceCLITests.swift). Never a runtime dependency of Neyman.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-bench"
REQ="$ROOT/bench/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want_hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"
if [ ! -x "$VENV/bin/python" ] || [ "$want_hash" != "$have_hash" ]; then
  # One creator at a time (two test processes may ask at once).
  exec 9>"$ROOT/.venv-bench.lock"
  flock 9
  have_hash="$(cat "$STAMP" 2>/dev/null || true)"
  if [ ! -x "$VENV/bin/python" ] || [ "$want_hash" != "$have_hash" ]; then
    if [ -d "$VENV" ]; then
      echo "bench: bench/requirements.txt changed; recreating .venv-bench" >&2
      rm -rf "$VENV"
    else
      echo "bench: creating .venv-bench (first use; pip installs from PyPI, a minute or two)" >&2
    fi
    python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q -r "$REQ" >&2 || { echo "bench: pip install failed" >&2; rm -rf "$VENV"; exit 1; }
    echo "$want_hash" > "$STAMP"
  fi
fi
echo "$VENV/bin/python"
