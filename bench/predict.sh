#!/usr/bin/env bash
# Whole-genome prediction: kdna (whole-sequence inference, bigWig written) vs the peer's
# window-by-window prediction of a 20 kb region, bp/s in one run. Then checks that the
# bigWig's correlation with the experiment on chrIX equals `kdna correlate` on chrIX.
#   bench/predict.sh [BUILD_DIR] [DATA_DIR] [MODEL.kdna]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
model=${3:-}
brief_model examples/nucleosome_regression.kdna.json 30 5 # the tutorial CNN

echo "peer: reference_torch.py predict --chrom chrIX --start 100000 --end 120000"
peer=$(/usr/bin/python3 "$reference" predict --data "$data" --chrom chrIX --start 100000 --end 120000)
echo "$peer"
echo "kdna: predict all chromosomes -> bigWig"
start=$(date +%s.%N)
"$kdna" predict "$model" --data "$data" --chrom-sizes "$data/sacCer3.chrom.sizes" -o "$work/genome.bw" 2>/dev/null | tee "$work/kdna.txt"
end=$(date +%s.%N)
"$kdna" correlate "$model" --data "$data" -c chrIX | tee "$work/correlate.txt"
"$kdna" model "$model" | grep normalisation > "$work/norm.txt"
/usr/bin/python3 - "$work" "$data" "$start" "$end" "$peer" <<'PY'
import json, math, re, sys, pathlib
import pyBigWig
work, data = pathlib.Path(sys.argv[1]), sys.argv[2]
wall = float(sys.argv[4]) - float(sys.argv[3])
peer = json.loads(sys.argv[5])
text = (work / 'kdna.txt').read_text()
bases = int(re.search(r'predicted ([\d,]+) bases', text).group(1).replace(',', ''))
print(f"\nwhole genome: {bases:,} bases in {wall:.1f} s wall (command included): {bases / wall:,.0f} bp/s; "
      f"peer {peer['bp_per_s']:,.0f} bp/s; ratio {bases / wall / peer['bp_per_s']:.0f}x")
# The bigWig against the experiment, normalised as the model's targets (perctrim then max).
m = re.search(r'perctrim ([\d.]+), then max ([\d.]+)', (work / 'norm.txt').read_text())
trim, mx = float(m.group(1)), float(m.group(2))
pred = pyBigWig.open(str(work / 'genome.bw')).values('chrIX', 0, 439888)
raw = pyBigWig.open(f'{data}/nucleosome_occupancy.bw').values('chrIX', 0, 439888)
xs, ys = [], []
for p, r in zip(pred, raw):
    if not math.isnan(p):
        xs.append(p); ys.append(min(0.0 if math.isnan(r) else r, trim) / mx)
n = len(xs); mxs = sum(xs) / n; mys = sum(ys) / n
cov = sum((a - mxs) * (b - mys) for a, b in zip(xs, ys))
r = cov / math.sqrt(sum((a - mxs) ** 2 for a in xs) * sum((b - mys) ** 2 for b in ys))
kr = float(re.search(r'correlate_0_0\s+(-?[\d.]+)', (work / 'correlate.txt').read_text()).group(1))
print(f"chrIX: r(bigWig, experiment) = {r:.4f}; kdna correlate = {kr:.4f}")
PY
