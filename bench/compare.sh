#!/usr/bin/env bash
# Two builds of kdna side by side in one run, alternating so that a loaded machine weighs on
# both alike: the generators (kdna_bench_generator: the steady rate, and the cold one that
# counts the opening and first reads in), training (the tutorial's regression, one
# epoch) and whole-chromosome prediction (chrIX to bigWig). Prints each figure per build, the
# medians and after/before. For a refactor that must not change speed (issue 17).
#   bench/compare.sh BEFORE_BUILD AFTER_BUILD [DATA_DIR] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
before=$1
after=$2
data=${3:-$here/../../shared/data/sacCer3}
rounds=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/../resources/examples/nucleosome_regression.kdna.json" "$work/project.kdna.json"
# A model to predict with, trained once by the newer build and read by both.
"$after/app/cli/kdna" train "$work/project.kdna.json" --data "$data" --epochs 1 --steps 5 \
    --validation-steps 1 --no-eval --out "$work/model.kdna" >/dev/null 2>&1

rate() { grep -o "[0-9][0-9,]* $1" | head -1 | awk '{print $1}' | tr -d ','; }
measure() { # BUILD NAME: one line "NAME FIGURE" per figure
    local build=$1 name=$2
    "$build/bench/kdna_bench_generator" --data "$data" --seconds 3 |
        python3 -c 'import json,sys
for i, l in enumerate(sys.stdin):
    if l.startswith("{"):
        j = json.loads(l)
        print("generator_%d %s" % (i, j["windows_per_s"]))
        if "cold_windows_per_s" in j:  # an older build prints the steady rate alone
            print("generator_%d_cold %s" % (i, j["cold_windows_per_s"]))'
    local out
    out=$("$build/app/cli/kdna" train "$work/project.kdna.json" --data "$data" --epochs 1 \
        --steps 60 --validation-steps 2 --no-eval --out "$work/$name.kdna" 2>/dev/null)
    echo "train_samples_per_s $(echo "$out" | rate samples/s)"
    local start end
    start=$(date +%s.%N)
    "$build/app/cli/kdna" predict "$work/model.kdna" --data "$data" -c chrIX \
        -o "$work/$name.bw" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "predict_chrIX_s $(python3 -c "print(round($end - $start, 2))")"
}
for ((r = 1; r <= rounds; ++r)); do
    measure "$before" before | sed 's/^/before /' >>"$work/figures"
    measure "$after" after | sed 's/^/after /' >>"$work/figures"
done
python3 - "$work/figures" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    build, name, value = line.split()
    runs[(name, build)].append(float(value))
for name in sorted({n for n, _ in runs}):
    b, a = runs[(name, 'before')], runs[(name, 'after')]
    mb, ma = statistics.median(b), statistics.median(a)
    print(f"{name:22} before {' '.join(f'{x:g}' for x in b):40} after {' '.join(f'{x:g}' for x in a):40}"
          f" after/before {ma / mb:.2f}")
PY
