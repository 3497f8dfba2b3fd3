#!/usr/bin/env bash
# `make fuzz`: build the fuzz targets with libFuzzer + AddressSanitizer and run each reader for a fixed number of
# inputs (not a time), from the committed seeds in fuzz/corpus/<target>/. Fails on any crash, sanitizer report,
# Swift trap, leak, timeout (-timeout, seconds per input) or memory blow-up (-rss_limit_mb / malloc limit).
#
#   FUZZ_RUNS=N        run every target for N inputs instead of its default below (.ci/run uses a small N)
#   FUZZ_TARGETS="csv npy"   run only these targets
#   FUZZ_SEED=S        libFuzzer's random seed (default 1, so a run is repeatable)
#
# New inputs found while fuzzing go to fuzz/.build/work/<target>/ (scratch, emptied each run); a crashing input is
# kept as fuzz/.build/artifacts/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-) and the command to replay it is
# printed. Seeds and dictionaries: fuzz/corpus/, fuzz/dict/; fuzz/tools/ regenerates the seeds.
set -uo pipefail
cd "$(dirname "$0")"

# Inputs per target: about 5 minutes in all on 2 cores (fuzz/README.md has the measured rates).
declare -A DEFAULT_RUNS=([csv]=300000 [npy]=300000 [npz]=30000 [safetensors]=500000 [toml]=150000 [json]=300000)
# TOMLKit leaks on every parse (see lsan.supp): with leak checking on, LeakSanitizer would scan the heap after every
# input of that target (10-50x slower), so it is off for it. (NPZ reading no longer goes through ZIPFoundation, which
# leaked on every file it opened: leak checking is on for npz.)
declare -A EXTRA_FLAGS=([toml]=-detect_leaks=0)
TARGETS=${FUZZ_TARGETS:-csv npy npz safetensors toml json}
SEED=${FUZZ_SEED:-1}
SWIFT=${SWIFT:-swift}

echo "fuzz: building the targets (debug, -sanitize=fuzzer,address) in fuzz/.build" >&2
build_log=.build/fuzz-build.log
mkdir -p .build
if ! "$SWIFT" build -c debug -Xswiftc -sanitize=fuzzer,address -Xcxx -fsanitize=fuzzer-no-link,address \
    >"$build_log" 2>&1; then
  # ld.gold's "Cannot export local symbol '__asan_...'" warnings are harmless; show the rest.
  grep -v "Cannot export local symbol" "$build_log" | tail -40 >&2
  echo "fuzz: the build failed (full log: fuzz/$build_log)" >&2
  exit 1
fi
bin=$("$SWIFT" build -c debug -Xswiftc -sanitize=fuzzer,address -Xcxx -fsanitize=fuzzer-no-link,address \
      --show-bin-path)

# The Swift runtime's own crash backtracer would run before libFuzzer's handler (and reads memory ASan flags):
# leave crashes to libFuzzer. Third-party leaks (TOMLKit) are suppressed by name in lsan.supp.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0"

mkdir -p .build/artifacts
failed=()
for t in $TARGETS; do
  runs=${FUZZ_RUNS:-${DEFAULT_RUNS[$t]:-}}
  if [ -z "$runs" ] || [ ! -d "corpus/$t" ]; then echo "fuzz: unknown target '$t'" >&2; exit 2; fi
  work=.build/work/$t
  rm -rf "$work"; mkdir -p "$work"
  log=.build/work/$t.log
  start=$SECONDS
  "$bin/fuzz-$t" -runs="$runs" -seed="$SEED" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
      -dict="dict/$t.dict" ${EXTRA_FLAGS[$t]:-} -print_final_stats=1 -artifact_prefix=".build/artifacts/$t-" \
      "$work" "corpus/$t" >"$log" 2>&1
  status=$?
  done_line=$(grep -E "^Done [0-9]+ runs" "$log" | tail -1)
  if [ $status -eq 0 ] && [ -n "$done_line" ]; then
    echo "fuzz-$t: $runs inputs, no crash ($((SECONDS - start)) s; $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | grep -oE 'cov: [0-9]+'))"
  else
    failed+=("$t")
    echo "fuzz-$t: FAILED (exit $status) after $((SECONDS - start)) s; the report:" >&2
    grep -v -E "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)|^[[:space:]]+NEW_FUNC|^INFO:" "$log" | head -60 >&2
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')
    if [ -n "$artifact" ]; then
      echo "fuzz-$t: replay with: (cd fuzz && SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=\$PWD/lsan.supp $bin/fuzz-$t $artifact)" >&2
    fi
    echo "fuzz-$t: full log: fuzz/$log" >&2
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) crashed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran its inputs with no crash, sanitizer report, leak or timeout"
