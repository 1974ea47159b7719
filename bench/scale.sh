#!/usr/bin/env bash
# Human-scale regression in bounded memory (issue 18): writes an hg38-sized synthetic genome
# (the first CHROMS chromosomes at hg38's sizes, random sequence with runs of N, smooth bigWigs
# at a fixed step of 10, 500,000 BED peaks) to a temporary folder, trains the tutorial's CNN
# on it for each track count under /usr/bin/time -v and prints peak RSS, time to the first
# training batch and samples/s. The files are deleted afterwards.
#   bench/scale.sh [BUILD_DIR] [CHROMS] [TRACK COUNTS] [STEPS] [MEMORY]
#   bench/scale.sh build 5 "1 4" 50 2G       # chr1-5, 1 and 4 tracks
#   bench/scale.sh build 24 "1 2 4" 50 4G    # the issue's whole table
# Disk: about 1.5 GB per 500 Mbp of sequence and per track and 500 Mbp (with the track cache);
# TMPDIR chooses where (default /tmp). The track cache goes to a folder of its own, also
# deleted, so each run starts cold and then runs once more warm. With KDNA_SCALE_DATA=DIR the
# genome and tracks are written there once and kept for later runs (only the cache is deleted).
# Each track count is also trained on the yeast genome in memory (KDNA_TEST_DATA, default
# ../shared/data), the rate to compare with; KDNA_SCALE_PREDICT=0 skips the chr1 prediction.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../build}
chroms=${2:-5}
counts=${3:-"1 4"}
steps=${4:-50}
memory=${5:-2G}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
work=${KDNA_SCALE_DATA:-$scratch}
yeast=${KDNA_TEST_DATA:-$here/../../shared/data}/sacCer3
mkdir -p "$work"

max=0
for n in $counts; do (( n > max )) && max=$n; done
stamp="$work/.written"
if [[ $(cat "$stamp" 2>/dev/null) != "$chroms $max" ]]; then
    start=$(date +%s)
    "$build/bench/kdna_bench_scale_data" --out "$work" --chroms "$chroms" --tracks "$max"
    echo "data written in $(( $(date +%s) - start )) s: $(du -sh "$work" | cut -f1)"
    [[ $work == "$scratch" ]] || echo "$chroms $max" >"$stamp"
fi

# Trains PROJECT once under a pseudo-terminal and prints LABEL: peak RSS, time to the first
# batch and the epoch's samples/s.
train_run() {
    python3 - "$build/app/cli/kdna" "$1" "$memory" "$2" <<'PY'
import os, pty, re, subprocess, sys, time
kdna, project, memory, label = sys.argv[1:5]
t0 = time.monotonic()
# Under a pseudo-terminal, so that kdna draws its per-step progress line: the first one
# marks the first training batch.
master, slave = pty.openpty()
p = subprocess.Popen(['/usr/bin/time', '-v', kdna, 'train', project, '--memory', memory, '--no-eval'],
                     stdout=slave, stderr=slave, close_fds=True)
os.close(slave)
def lines():
    buf = b''
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b''
        if not chunk:
            break
        buf += chunk
        *done, buf = re.split(rb'[\r\n]', buf)
        for d in done:
            yield d.decode(errors='replace'), time.monotonic() - t0
    yield buf.decode(errors='replace'), time.monotonic() - t0
first = None
rates, rss, out = [], None, []
for line, at in lines():
    out.append(line + '\n')
    if first is None and re.search(r'\] \d+/\d+ - ', line):
        first = at
    m = re.search(r'([\d,]+) samples/s', line)
    if m and line.startswith('Epoch') and '[' not in line:
        rates.append(float(m.group(1).replace(',', '')))
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', line)
    if m:
        rss = int(m.group(1)) / 1024 / 1024
p.wait()
if p.returncode != 0:
    sys.stdout.write(''.join(out[-15:]))
status = 'ok' if p.returncode == 0 else f'exit {p.returncode}'
print(f"{label}: peak RSS {rss:.2f} GiB, first batch after {first if first is not None else float('nan'):.1f} s, "
      f"{rates[-1] if rates else float('nan'):,.0f} samples/s, {status}", flush=True)
PY
}

names=$(python3 -c "
sizes=['chr%d' % i for i in range(1, 23)] + ['chrX', 'chrY']
print(' '.join(sizes[:$chroms]))")
for n in $counts; do
    export XDG_CACHE_HOME="$scratch/cache$n"
    cat > "$work/p$n.kdna.json" <<JSON
{
  "kdna_project": 1,
  "name": "scale $chroms chromosomes, $n tracks",
  "dataset": {
    "type": "Generator", "batch_size": 64, "fasta_file": "$work/genome.fa",
    "annotation_files": [$(for t in $(seq 1 "$n"); do printf '"%s/track%d.bw"' "$work" "$t"; (( t < n )) && printf ', '; done)],
    "window": 2001, "normalization_mode": ["max", "perctrim"],
    "incl_chromosomes": [$(python3 -c "import sys; v=sys.argv[1].split(); t=v[:-2] if len(v)>=3 else v; print(', '.join('\"%s\"' % c for c in t))" "$names")],
    "output_shape": [64, $n]
  },
  "model": {
    "name": "tutorial_cnn",
    "layers": [
      {"name": "dna", "type": "Input", "shape": [2001, 4]},
      {"type": "Conv1D", "filters": 16, "kernel_size": 3, "activation": "relu"},
      {"type": "MaxPooling1D", "pool_size": 2},
      {"type": "Conv1D", "filters": 32, "kernel_size": 10, "activation": "relu"},
      {"type": "MaxPooling1D", "pool_size": 2},
      {"type": "Conv1D", "filters": 64, "kernel_size": 20, "activation": "relu"},
      {"type": "MaxPooling1D", "pool_size": 2},
      {"type": "Flatten"},
      {"type": "Dense", "units": $n, "activation": "linear"}
    ]
  },
  "compile": {"loss": "mse", "optimizer": "adam", "metrics": ["mae"]},
  "training": {"epochs": 1, "steps_per_epoch": $steps, "validation_steps": 5,
               "validation_chr": [$(python3 -c "import sys; v=sys.argv[1].split(); print('\"%s\"' % v[-1] if len(v)>=3 else '')" "$names")],
               "precision": "fp32"},
  "output": "$work/p$n.kdna"
}
JSON
    for pass in cold warm; do
        # The warm run reads the caches the cold one's low-priority writer got done; until
        # a cache is there its track is read from the bigWig, about 50x slower a block, and
        # its sequence from faidx, about 25x slower.
        caches=$(find "$XDG_CACHE_HOME/kdna/tracks" -name '*.f32' 2>/dev/null | wc -l)
        sequences=$(find "$XDG_CACHE_HOME/kdna/sequences" -name '*.seq4' 2>/dev/null | wc -l)
        train_run "$work/p$n.kdna.json" \
            "$chroms chromosomes, $n track(s), $pass ($caches track and $sequences sequence caches there)"
    done
    # The same model and tracks on the yeast genome, read from memory (its chromosomes are
    # resident in the block cache): the rate the streamed runs are measured against.
    if [[ -f $yeast/sacCer3.fa ]]; then
        sed -e "s|\"fasta_file\": \"[^\"]*\"|\"fasta_file\": \"$yeast/sacCer3.fa\"|" \
            -e "s|$work/track[0-9]*.bw|$yeast/nucleosome_occupancy.bw|g" \
            -e 's|"incl_chromosomes": \[[^]]*\]|"excl_chromosomes": ["chrXIII"]|' \
            -e 's|"validation_chr": \[[^]]*\]|"validation_chr": ["chrXIII"]|' \
            -e "s|$work/p$n.kdna\"|$scratch/yeast$n.kdna\"|" \
            "$work/p$n.kdna.json" >"$scratch/yeast$n.kdna.json"
        train_run "$scratch/yeast$n.kdna.json" "yeast in memory, $n track(s)"
    fi
done

# Prediction of the first chromosome (chr1, 249 Mbp at full size) into a bigWig with the model
# the last scenario trained: peak RSS and bases a second.
model="$work/p${counts##* }.kdna"
if [[ -f $model && ${KDNA_SCALE_PREDICT:-1} != 0 ]]; then
    start=$(date +%s.%N)
    /usr/bin/time -v "$build/app/cli/kdna" predict "$model" -c chr1 --memory "$memory" \
        -o "$work/chr1.bw" >"$work/predict.log" 2>&1 || { tail -5 "$work/predict.log"; exit 1; }
    end=$(date +%s.%N)
    python3 - "$work/predict.log" "$start" "$end" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', log).group(1)) / 1024 / 1024
bases = int(re.search(r'([\d,]+) bases? (?:of|predicted|given)', log).group(1).replace(',', '')) \
    if re.search(r'([\d,]+) bases? (?:of|predicted|given)', log) else None
seconds = float(sys.argv[3]) - float(sys.argv[2])
rate = f"{bases / seconds:,.0f} bp/s" if bases else "bases not reported"
print(f"predict chr1 into bigWig: peak RSS {rss:.2f} GiB, {seconds:.0f} s, {rate}")
PY
fi
