#!/usr/bin/env bash
# The tutorial's regression with the peer baseline's budget (10 epochs x 300 steps of 64):
# samples/s and Pearson r on chrIX for the peer and for kdna (fp32 and bf16), in one run.
#   bench/train.sh [BUILD_DIR] [DATA_DIR] [EPOCHS] [STEPS]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
epochs=${3:-10}
steps=${4:-300}
cp "$here/../resources/examples/nucleosome_regression.kdna.json" "$work/"

echo "peer: reference_torch.py train --steps $steps --epochs $epochs"
/usr/bin/python3 "$reference" train --data "$data" --steps "$steps" --epochs "$epochs" | tee "$work/peer.json"
for precision in fp32 bf16; do
    echo "kdna: train --precision $precision"
    # --eval-steps 64 evaluates 4,096 random chrIX windows, as many as the peer's correlation.
    "$kdna" train "$work/nucleosome_regression.kdna.json" --data "$data" \
        --epochs "$epochs" --steps "$steps" --precision "$precision" --eval-steps 64 \
        --out "$work/$precision.kdna" 2>/dev/null | grep -E "^Epoch|^test|^training" | tee "$work/$precision.log"
    # And over every position of chrIX (whole-sequence inference).
    "$kdna" correlate "$work/$precision.kdna" --data "$data" -c chrIX | tee -a "$work/$precision.log"
done
python3 - "$work" <<'PY'
import json, re, sys, pathlib
work = pathlib.Path(sys.argv[1])
peer = json.loads((work / 'peer.json').read_text())
print(f"\npeer: {peer['samples_per_s']:.0f} samples/s, r(chrIX) = {peer['pearson_chrIX']:.3f}")
for p in ('fp32', 'bf16'):
    log = (work / f'{p}.log').read_text()
    rates = [float(x.replace(',', '')) for x in re.findall(r'- ([\d,]+) samples/s', log)]
    r = float(re.search(r'test on chrIX .*correlate_0_0 (-?[\d.]+)', log).group(1))
    whole = float(re.search(r'^correlate_0_0\s+(-?[\d.]+)', log, re.M).group(1))
    rate = sum(rates) / len(rates)
    print(f"kdna {p}: {rate:.0f} samples/s ({rate / peer['samples_per_s']:.2f}x the peer), "
          f"r(chrIX) = {r:.3f} on 4,096 windows, {whole:.3f} over all of chrIX")
PY
