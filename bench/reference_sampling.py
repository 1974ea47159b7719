#!/usr/bin/python3
"""Windows per second of the peer baseline's data sampling alone (its `sample` function from
../shared/bench/reference_torch.py: one window at a time, numpy one-hot, pyBigWig targets,
perctrim then max), measured the same way as kdna's generator benchmark. One JSON line."""
import argparse, importlib.util, json, random, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('--reference', default='../shared/bench/reference_torch.py')
ap.add_argument('--data', default='../shared/data/sacCer3')
ap.add_argument('--seconds', type=float, default=5)
a = ap.parse_args()

spec = importlib.util.spec_from_file_location('reference_torch', a.reference)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
import pyBigWig
seqs = ref.load_fasta(f'{a.data}/sacCer3.fa')
bw = pyBigWig.open(f'{a.data}/nucleosome_occupancy.bw')
train = ['chrI', 'chrII', 'chrIII', 'chrIV', 'chrV', 'chrVI']
cut, mx = ref.norm_params(bw, train)
rng = random.Random(0)
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < a.seconds:
    x, y = ref.sample(seqs, bw, train, cut, mx, rng, 64)
    n += 64
print(json.dumps({'bench': 'generator', 'spec': 'reference_torch.py sample()', 'threads': 1,
                  'windows_per_s': round(n / (time.perf_counter() - t0))}))
