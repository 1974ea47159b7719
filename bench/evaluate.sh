#!/usr/bin/env bash
# The window-by-window path against whole-sequence inference, in one run: tiny models that the
# whole-sequence plan cannot serve (two tracks out through a Reshape; DNA plus a secondary
# track in), each timed for `evaluate`, `correlate` and `predict` on the same chromosome, and
# the same DNA layers with one plain head predicted whole-sequence for reference. Prints
# seconds and bp/s (bases of the chromosome / seconds in the command's loop) and each rate's
# ratio to predict of the same model and to the whole-sequence predict.
#   bench/evaluate.sh [BUILD_DIR] [DATA_DIR] [CHROM] [WINDOW]
# DATA_DIR defaults to the yeast data, else kdna's demo data (written by `kdna demo`).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
chrom=${3:-}
window=${4:-501}

if [[ -f "$data/sacCer3.fa" ]]; then
    fasta=sacCer3.fa signal=nucleosome_occupancy.bw second=nucleosome_coverage_danpos.bw
    train_chr='"chrI", "chrII", "chrIII"' chrom=${chrom:-chrIX}
else
    echo "no yeast data in $data: using kdna's demo data"
    data=$work/demo
    "$kdna" demo --dir "$data" --no-train >/dev/null
    fasta=$(cd "$data" && ls *.fa | head -1) signal=$(cd "$data" && ls *.bw | head -1)
    second=$signal train_chr='"chr1", "chr2"' chrom=${chrom:-chr4}
fi

# project NAME ANNOTATIONS EXTRA_DATASET_KEYS LAYERS
project() {
    cat >"$work/$1.kdna.json" <<EOF
{
  "kdna_project": 1,
  "name": "$1",
  "dataset": {
    "type": "Generator", "batch_size": 64, "fasta_file": "\${data}/$fasta",
    "annotation_files": [$2], "window": $window,
    "normalization_mode": ["max", "perctrim"], "incl_chromosomes": [$train_chr]$3
  },
  "model": {"name": "$1", "layers": [
    {"name": "dna", "type": "Input", "shape": [$window, 4]},
    {"type": "Conv1D", "filters": 16, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling1D", "pool_size": 2},
    {"type": "Conv1D", "filters": 32, "kernel_size": 10, "activation": "relu"},
    {"type": "MaxPooling1D", "pool_size": 4},
    {"name": "features", "type": "Flatten"},
    $4
  ]},
  "compile": {"loss": "mse", "optimizer": "adam", "metrics": ["mae"]},
  "training": {"epochs": 1, "steps_per_epoch": 5, "validation_steps": 2, "validation_chr": []},
  "output": "$1.kdna"
}
EOF
    # Speed does not depend on the weights: a few steps will do.
    "$kdna" train "$work/$1.kdna.json" --data "$data" --epochs 1 --steps 5 --no-eval \
        --out "$work/$1.kdna" >"$work/$1.train.log" 2>&1 || { cat "$work/$1.train.log"; exit 1; }
}

project whole "\"\${data}/$signal\"" ', "output_shape": [64, 1]' '{"type": "Dense", "units": 1}'
project two_track "\"\${data}/$signal\", \"\${data}/$second\"" "" \
    '{"type": "Dense", "units": 2}, {"type": "Reshape", "target_shape": [1, 2]}'
project sec_inputs "\"\${data}/$signal\"" \
    ", \"output_shape\": [64, 1], \"sec_inputs\": [\"\${data}/$second\"], \"sec_input_length\": 10, \"sec_input_shape\": [64, 10]" \
    '{"name": "secondary", "type": "Input", "shape": [10]},
    {"type": "Concatenate", "inputs": ["features", "secondary"]},
    {"type": "Dense", "units": 1}'

length=$(python3 - "$data/$fasta" "$chrom" <<'PY'
import sys
n, name = 0, None
for line in open(sys.argv[1]):
    if line.startswith('>'):
        if name == sys.argv[2]:
            break
        name, n = line[1:].split()[0], 0
    else:
        n += len(line.strip())
print(n if name == sys.argv[2] else 0)
PY
)
# run LABEL COMMAND...: prints the command's own seconds (its summary line), else wall time.
run() {
    local label=$1
    shift
    local start end
    start=$(date +%s.%N)
    "$kdna" "$@" --data "$data" -c "$chrom" >"$work/out.txt" 2>/dev/null
    end=$(date +%s.%N)
    python3 - "$label" "$start" "$end" "${length:-0}" "$work/out.txt" <<'PY'
import re, sys
label, start, end, length, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
text = open(out).read()
m = re.findall(r'([\d.]+) s[,:]', text)
seconds = float(m[-1]) if m else end - start
how = re.search(r's, (whole-sequence|windows)', text)  # after the seconds: not "N windows"
print(f"{label}\t{seconds:.2f}\t{length / seconds:.0f}\t{end - start:.2f}\t{how.group(1) if how else '?'}")
PY
}

echo "model/command on $chrom (${length:-?} bp), window $window: seconds in the loop, bp/s, wall s, method"
{
    run "whole/predict" predict "$work/whole.kdna" -o "$work/whole.bw"
    for m in two_track sec_inputs; do
        run "$m/predict" predict "$work/$m.kdna" -o "$work/$m.bw"
        run "$m/evaluate" evaluate "$work/$m.kdna"
        run "$m/correlate" correlate "$work/$m.kdna"
    done
} | tee "$work/figures.tsv"
python3 - "$work/figures.tsv" <<'PY'
import sys
rows = [line.rstrip('\n').split('\t') for line in open(sys.argv[1])]
rate = {r[0]: float(r[2]) for r in rows}
whole = rate['whole/predict']
print()
for name, r in rate.items():
    model = name.split('/')[0]
    own = rate.get(model + '/predict', r)
    print(f"{name:22s} {r:>12,.0f} bp/s   {own / r:5.2f}x slower than its predict, "
          f"{whole / r:6.2f}x slower than whole-sequence predict")
PY
