#!/usr/bin/env bash
# The worked example behind `make run`: the pyhf README model (two bins, signal 12, 11; background 50, 52 +- 3, 7;
# observed 51, 48) through every statistics verb of the CLI, collected into one JSON file written atomically.
set -euo pipefail
out="${1:-out/example}"
neyman="${NEYMAN:-.build/release/neyman}"
model=(--n 51,48 --s 12,11 --b 50,52 --b-uncertainty 3,7)
mkdir -p "$out"
tmp="$(mktemp "$out/.results.json.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

step() { echo "example: $*" >&2; }
step "fit";                       fit=$("$neyman" fit "${model[@]}" --format json)
step "CLs at mu = 1 (asymptotic)"; cls=$("$neyman" cls "${model[@]}" --mu 1 --format json)
step "CLs at mu = 1 (5000 toys)";  toys=$("$neyman" cls "${model[@]}" --mu 1 --calculator toys --toys 5000 --seed 7 --format json)
step "95% CL upper limit";         ul=$("$neyman" upper-limit "${model[@]}" --format json)
step "discovery significance";     sig=$("$neyman" significance "${model[@]}" --format json)

cat > "$tmp" <<JSON
{"model": {"n": [51, 48], "s": [12, 11], "b": [50, 52], "b_uncertainty": [3, 7], "constraint": "poisson"},
 "fit": $fit,
 "cls_asymptotic": $cls,
 "cls_toys": $toys,
 "upper_limit": $ul,
 "significance": $sig}
JSON
mv "$tmp" "$out/results.json"
trap - EXIT
"$neyman" cls "${model[@]}" --mu 1
"$neyman" upper-limit "${model[@]}"
echo "example: wrote $out/results.json" >&2
