#!/usr/bin/env bash
# Interpretation: kdna's ISM (naive whole passes and fast slices), saliency (input x gradient)
# and variant effects, on the tutorial's CNN over chrIX and the synthetic VCF, against the
# peer's (reference_torch.py ism, saliency, variants) in the same run when PyTorch is there.
#   bench/explain.sh [BUILD_DIR] [DATA_DIR] [MODEL.kdna]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
model=${3:-}
brief_model tutorial/02_train_the_model.kdna.json 2 1 # the tutorial CNN
# Naive ISM over 3 windows of 2001 bp (18,009 mutants), fast ISM over 20 (120,060) and
# saliency over 200 windows from chrIX:20,000 (most of the chromosome): runs long enough that
# the rates are the steady ones, not the first batches'.
ism_end=$((100000 + 3 * 2001))
fast_end=$((100000 + 20 * 2001))
sal_start=20000
sal_end=$((sal_start + 200 * 2001))
rate() { grep -o "[0-9][0-9,.]* $1" | head -1 | awk '{print $1}' | tr -d ','; }

naive=$("$kdna" explain "$model" --data "$data" -c chrIX --start 100000 --end $ism_end \
    --method ism --ism naive -o "$work/naive.bw")
fast=$("$kdna" explain "$model" --data "$data" -c chrIX --start 100000 --end $fast_end \
    --method ism --ism fast -o "$work/fast.bw" --scores "$work/fast.tsv")
sal=$("$kdna" explain "$model" --data "$data" -c chrIX --start $sal_start --end $sal_end \
    --method ixg -o "$work/ixg.bw")
var=$("$kdna" variants "$model" --data "$data" --vcf "$data/variants_synthetic.vcf" \
    -o "$work/effects.vcf.gz" 2>/dev/null)
printf '%s\n' "$naive" "$fast" "$sal" "$var" | grep -v '^wrote'
n=$(echo "$naive" | rate "mutations/s"); f=$(echo "$fast" | rate "mutations/s")
s=$(echo "$sal" | rate "windows/s"); v=$(echo "$var" | rate "variants/s")
echo "kdna ISM naive: $n mutations/s"
echo "kdna ISM fast:  $f mutations/s ($(awk "BEGIN{printf \"%.1f\", $f / $n}")x naive)"
echo "kdna saliency (input x gradient): $s windows/s"
echo "kdna variants:  $v variants/s"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "peer skipped: no PyTorch"
    exit 0
fi
peer_ism=$(/usr/bin/python3 "$reference" ism --data "$data" --chrom chrIX --start 100000 --end 100002)
peer_sal=$(/usr/bin/python3 "$reference" saliency --data "$data" --chrom chrIX --start 100000 --end 102000)
peer_var=$(/usr/bin/python3 "$reference" variants --data "$data" --vcf "$data/variants_synthetic.vcf")
echo "peer: $peer_ism"; echo "peer: $peer_sal"; echo "peer: $peer_var"
/usr/bin/python3 - "$f" "$s" "$v" "$peer_ism" "$peer_sal" "$peer_var" <<'PY'
import json, sys
f, s, v = map(float, sys.argv[1:4])
pi, ps, pv = (json.loads(x) for x in sys.argv[4:7])
print(f"ISM fast: {f / pi['mutations_per_s']:.1f}x the peer's mutations/s")
print(f"saliency: {s / ps['windows_per_s']:.1f}x the peer's windows/s")
print(f"variants: {v / pv['variants_per_s']:.1f}x the peer's variants/s")
PY
