#!/usr/bin/env bash
# Generator throughput: kdna vs the peer baseline's sampling, in one run on one machine.
#   bench/generator.sh [BUILD_DIR] [DATA_DIR]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kdna_out=$(taskset -c 0 "$build/bench/kdna_bench_generator" --data "$data" --seconds 5)
echo "$kdna_out"
peer_out=$(taskset -c 0 /usr/bin/python3 "$here/reference_sampling.py" --reference "$reference" --data "$data" --seconds 5)
echo "$peer_out"
python3 - "$kdna_out" "$peer_out" <<'PY'
import json, sys
kdna = json.loads(sys.argv[1].splitlines()[0])['windows_per_s']
peer = json.loads(sys.argv[2])['windows_per_s']
print(f'regression generator on one core: kdna {kdna:,.0f} windows/s, '
      f'peer {peer:,.0f} windows/s, ratio {kdna / peer:.0f}x')
PY
