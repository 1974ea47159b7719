#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS each (default 60), two at a time, from the seeds in
# fuzz/seeds plus (when present) the real files in ../shared/data or $KDNA_TEST_DATA, after
# building the `fuzz` preset. Crashes are kept under fuzz/regressions/<harness>/ and make the
# script fail; the executions of each harness and their total are printed.
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
build=build-fuzz
data=${KDNA_TEST_DATA:-../shared/data/sacCer3}
work="$build/corpus"
mkdir -p "$work"

# Debian's python3 (python3-pybigwig) even where another python3 comes first on PATH.
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
# Seeds that cannot live in the repository as text: a small bigWig, and slices of real files.
seed() { mkdir -p "$work/$1"; cp -n "${@:2}" "$work/$1/" 2>/dev/null || true; }
mkdir -p "$work/fuzz_bigwig"
"$python" - "$work/fuzz_bigwig/small.bw" <<'PY' || echo "run.sh: no python3-pybigwig: fuzz_bigwig starts from an empty corpus"
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1], "w")
bw.addHeader([("chrI", 5000), ("chrII", 300)], maxZooms=2)
bw.addEntries("chrI", 0, values=[float(i % 7) for i in range(400)], span=1, step=1)
bw.addEntries(["chrII"], [10], ends=[200], values=[2.5])
bw.close()
PY
mkdir -p "$work/fuzz_safetensors"
KDNA_FUZZ_WRITE_SEED="$work/fuzz_safetensors/tutorial_cnn.safetensors" "$build/fuzz/fuzz_safetensors"
if [[ -d "$data" ]]; then
    head -c 4000 "$data/sacCer3.fa" >"$work/real.fa" 2>/dev/null && seed fuzz_fasta "$work/real.fa"
    [[ -f "$data/nucleosomes_danpos.bed" ]] && head -n 40 "$data/nucleosomes_danpos.bed" | sed '1s/^/\x00/' >"$work/real.bed" && seed fuzz_features "$work/real.bed"
    [[ -f "$data/sacCer3_genes.gff3" ]] && head -n 40 "$data/sacCer3_genes.gff3" | sed '1s/^/\x02/' >"$work/real.gff3" && seed fuzz_features "$work/real.gff3"
    seed fuzz_chrom_sizes "$data/sacCer3.chrom.sizes"
fi

export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
harnesses=(fuzz_fasta fuzz_features fuzz_chrom_sizes fuzz_bigwig fuzz_project_json fuzz_safetensors)
run_one() {
    local name=$1
    mkdir -p "$work/$name" "fuzz/regressions/$name"
    # The model archive's weights are a few hundred kB; text formats need far less.
    local max_len=16384
    [[ $name == fuzz_safetensors ]] && max_len=262144
    "$build/fuzz/$name" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -max_len="$max_len" -print_final_stats=1 -artifact_prefix="fuzz/regressions/$name/" \
        "$work/$name" "fuzz/seeds/$name" >"$work/$name.log" 2>&1
}
failed=0
for ((i = 0; i < ${#harnesses[@]}; i += 2)); do
    pids=()
    for name in "${harnesses[@]:i:2}"; do
        run_one "$name" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
done
total=0
for name in "${harnesses[@]}"; do
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$name.log" | awk '{print $2}' | tail -1)
    runs=${runs:-0}
    total=$((total + runs))
    status=ok
    grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error:' "$work/$name.log" && status="CRASH (see $work/$name.log)"
    printf '%-20s %12d executions  %s\n' "$name" "$runs" "$status"
done
printf '%-20s %12d executions\n' total "$total"
exit $failed
