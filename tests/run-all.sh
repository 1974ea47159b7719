#!/usr/bin/env bash
# The whole test run, as the README's quick start and CI (.ci/run) give it: installs what is
# missing, builds, and runs every suite once where it adds something: the tutorial's on a
# release build of just kdna and its suite (too slow under ASan), and every other suite in an
# AddressSanitizer + UndefinedBehaviorSanitizer build under Xvfb, the GUI suites both offscreen
# and on the real X11 platform (xcb); then the libFuzzer harnesses: their kept crash inputs
# replayed, and each harness run for KDNA_FUZZ_SECONDS (default 60, as issue 15 asks; campaigns
# are run apart, e.g. fuzz/run.sh 600), two at a time (fuzz/run.sh). The ASan build is -O1 with
# line tables only (-g1), as ASan advises: its reports keep file and line, and it compiles
# faster than -O2 -g.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Each step prints its wall time, so a slow run says where its minutes went.
step() {
    local start=$SECONDS
    "$@"
    echo "run-all: $(($SECONDS - start)) s for: $*" >&2
}
step packaging/install-deps.sh --tests
step cmake --preset default
step cmake --build --preset tutorial
step cmake --preset asan
# The tutorial suite spends most of its time waiting on one kdna at a time (about half a core),
# so it runs while the ASan build takes the rest; the build yields to it (nice) so its step
# limits hold. Its log is printed, and its failure fails the run, once the build is done.
tutorial_log=$(mktemp)
step ctest --preset default -L tutorial >"$tutorial_log" 2>&1 &
tutorial=$!
trap 'kill "$tutorial" 2>/dev/null || true; rm -f "$tutorial_log"' EXIT
step nice -n 10 cmake --build --preset asan
tutorial_status=0
wait "$tutorial" || tutorial_status=$?
cat "$tutorial_log"
if [ "$tutorial_status" -ne 0 ]; then
    echo "run-all: the tutorial suite failed (exit $tutorial_status); its log is above" >&2
    exit "$tutorial_status"
fi
# The xcb suites take one display in turn (RESOURCE_LOCK); every other suite runs beside them.
step xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset asan --parallel "$(nproc)"
step cmake --preset fuzz
step cmake --build --preset fuzz
step ctest --preset fuzz
step fuzz/run.sh "${KDNA_FUZZ_SECONDS:-60}"
echo "run-all: ${SECONDS} s in all" >&2
