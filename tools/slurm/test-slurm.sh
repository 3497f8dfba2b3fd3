#!/usr/bin/env bash
# make test-slurm: a sharded study and a sharded `neyman cls --calculator toys` run on a real (local, single-node)
# Slurm cluster, each as a 4-task job array plus a merge job (afterok), compared byte for byte with the same runs in
# one process. Stands the cluster up first (tools/slurm/setup-local-slurm.sh; root). Not part of `make test`.
#
# Environment: NEYMAN (default .build/release/neyman), TEST_SLURM_TIMEOUT (seconds to wait for the jobs, default 1800),
# TEST_SLURM_KEEP=1 keeps the work directory.
set -euo pipefail

started=$(date +%s%N)
here=$(cd "$(dirname "$0")/../.." && pwd)
neyman=$(realpath "${NEYMAN:-$here/.build/release/neyman}")
[ -x "$neyman" ] || { echo "test-slurm: no neyman executable at $neyman (make build)" >&2; exit 1; }
bash "$here/tools/slurm/setup-local-slurm.sh"

work=$(mktemp -d /tmp/neyman-test-slurm.XXXXXX)
[ "${TEST_SLURM_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cd "$work"
# One date for every report (the report states when it was written): reproducible, so the files can be compared.
export SOURCE_DATE_EPOCH=1700000000

cat > power.toml <<'EOF'
[study]
kind = "bumphunt-power"
title = "make test-slurm: a small power study"
seed = 17
[model]
sigma = 0.08
signal = 50
background = 1000
[toys]
count = 800
[network]
layers = [16]
[training]
events_per_class = 10000
epochs = 4
EOF
cls=(cls --n 51,48 --s 12,11 --b 50,52 --b-uncertainty 3,7 --calculator toys --toys 2000 --seed 7)

echo "test-slurm: the single-process runs" >&2
"$neyman" study power.toml --out single-study --quiet > /dev/null
"$neyman" "${cls[@]}" --format json > single-cls.json

echo "test-slurm: submitting 4 shards + merge, twice" >&2
"$neyman" submit slurm --study power.toml --shards 4 --out jobs-study --time 30:00 --submit --format json > submit-study.json
"$neyman" submit slurm --shards 4 --out jobs-cls --time 30:00 --submit --format json -- "${cls[@]}" > submit-cls.json
id() { sed -n "s/.*\"$1\":\"\([0-9]*\)\".*/\1/p" "$2"; }
jobs="$(id array_job_id submit-study.json) $(id merge_job_id submit-study.json) $(id array_job_id submit-cls.json) $(id merge_job_id submit-cls.json)"
echo "test-slurm: jobs $jobs" >&2

# Wait until every job (every task of the arrays) has left the queue, then require each to have COMPLETED.
deadline=$(( $(date +%s) + ${TEST_SLURM_TIMEOUT:-1800} ))
for j in $jobs; do
  while [ -n "$(squeue -h -j "$j" 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "test-slurm: FAIL: job $j still queued after ${TEST_SLURM_TIMEOUT:-1800} s" >&2; squeue >&2; exit 1; }
    sleep 1
  done
done
for j in $jobs; do
  states=$(scontrol show job "$j" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ')
  [ "$states" = "COMPLETED " ] || {
    echo "test-slurm: FAIL: job $j ended $states; logs:" >&2; tail -n 5 jobs-*/logs/*.err >&2; exit 1; }
done

echo "test-slurm: comparing" >&2
fail=0
cmp single-cls.json jobs-cls/result.json || fail=1
diff <(cd single-study && find . -type f | sort) <(cd jobs-study/result && find . -type f | sort) || fail=1
for f in $(cd single-study && find . -type f | sort); do cmp "single-study/$f" "jobs-study/result/$f" || fail=1; done
[ "$fail" = 0 ] || { echo "test-slurm: FAIL: the merged results differ from the single-process ones ($work)" >&2; trap - EXIT; exit 1; }

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "test-slurm: PASS: sharded (4 Slurm array tasks + merge) = single process, byte for byte:" \
     "cls JSON and the study's $(cd single-study && find . -type f | wc -l) files; wall time $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)) | cut -c1) s" >&2
