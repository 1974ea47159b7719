#!/usr/bin/env bash
# Data-parallel training on c10d/Gloo: samples/s of the tutorial's regression for one rank
# (one torch thread, then two) and for two ranks of one thread each (--nproc 2), in one run,
# and the scaling efficiency (2 ranks / (2 x 1 rank)), and two ranks sending their gradients as
# one bucket once the backward pass ends instead of bucket by bucket during it; then the same three ways of scoring the
# trained model (kdna evaluate over chrIX-chrXII, every window, sharded over the ranks).
#   bench/distributed.sh [BUILD_DIR] [DATA_DIR] [EPOCHS] [STEPS]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
epochs=${3:-2}
steps=${4:-100}
# PROJECT (default: the tutorial's regression) lets a larger model be timed the same way.
project=${PROJECT:-$here/../resources/examples/nucleosome_regression.kdna.json}
cp "$project" "$work/nucleosome_regression.kdna.json"

run() { # name, extra arguments...
    local name=$1
    shift
    echo "kdna train --epochs $epochs --steps $steps $*"
    "$kdna" train "$work/nucleosome_regression.kdna.json" --data "$data" \
        --epochs "$epochs" --steps "$steps" --no-eval --out "$work/$name.kdna" "$@" \
        2>/dev/null | grep -E "^Epoch|samples/s" | tail -n "$epochs" | tee "$work/$name.log"
}
run one --threads 1
run one2 --threads 2
run two --threads 1 --nproc 2
run two1b --threads 1 --nproc 2 --bucket-cap 1G # one bucket, sent once backward ends
score() { # name, extra arguments...
    local name=$1
    shift
    echo "kdna evaluate -c chrIX chrX chrXI chrXII $*"
    "$kdna" evaluate "$work/one.kdna" --data "$data" -c chrIX chrX chrXI chrXII "$@" \
        2>/dev/null | grep -E " windows, " | tee "$work/$name.score.log"
}
score one --threads 1
score one2 --threads 2
score two --threads 1 --nproc 2
python3 - "$work" <<'PY'
import re, sys, pathlib
work = pathlib.Path(sys.argv[1])
def rate(name):
    rates = [float(x.replace(',', '')) for x in
             re.findall(r'([\d,]+) samples/s', (work / f'{name}.log').read_text())]
    return sum(rates) / len(rates)
one, one2, two, two1b = rate('one'), rate('one2'), rate('two'), rate('two1b')
print(f"\n1 rank, 1 thread: {one:.0f} samples/s; 1 rank, 2 threads: {one2:.0f} samples/s; "
      f"2 ranks x 1 thread: {two:.0f} samples/s; scaling efficiency {two / (2 * one):.2f}; "
      f"2 ranks, the gradients in one bucket after the backward pass: {two1b:.0f} samples/s")
def scored(name):
    line = (work / f'{name}.score.log').read_text()
    windows, seconds = re.search(r'([\d,]+) windows, ([\d.]+) s', line).groups()
    return int(windows.replace(',', '')) / float(seconds)
one, one2, two = scored('one'), scored('one2'), scored('two')
print(f"evaluate: 1 rank, 1 thread: {one:.0f} windows/s; 1 rank, 2 threads: {one2:.0f} windows/s; "
      f"2 ranks x 1 thread: {two:.0f} windows/s; scaling efficiency {two / (2 * one):.2f}")
PY
