# What the bench scripts share; each sources it first, with its own arguments:
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# Strict mode; here (this folder), build (BUILD_DIR, the first argument, default build), data
# (DATA_DIR, the second, default ../shared/data/sacCer3), kdna (the CLI in the build), the
# peer (reference, ../shared/bench/reference_torch.py), and work, a scratch folder removed on
# exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data/sacCer3}
kdna=$build/app/cli/kdna
reference=$here/../../shared/bench/reference_torch.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# When model is empty, trains the project resources/PROJECT for one epoch of STEPS batches
# (VALIDATION_STEPS validation batches) into $work/model.kdna and sets model to it: speed does
# not depend on the weights, so a briefly trained model will do.
#   brief_model PROJECT STEPS VALIDATION_STEPS
brief_model() {
    [[ -n "$model" ]] && return
    local project
    project=$(basename "$1")
    cp "$here/../resources/$1" "$work/"
    "$kdna" train "$work/$project" --data "$data" --epochs 1 --steps "$2" \
        --validation-steps "$3" --no-eval --out "$work/model.kdna" >/dev/null 2>&1
    model=$work/model.kdna
}
