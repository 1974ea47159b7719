#!/usr/bin/env bash
# The whole test run, as the README's quick start and CI (.ci/run) give it: installs what is
# missing, builds, and runs every suite: the tutorial's on the release build, the GUI suites
# on the real X11 platform under Xvfb (release build), and every other suite, GUI included
# (offscreen), in an AddressSanitizer + UndefinedBehaviorSanitizer build; then the libFuzzer harnesses: their kept
# crash inputs replayed, and each harness run for KDNA_FUZZ_SECONDS (default 60, as issue 15 asks;
# campaigns are run apart, e.g. fuzz/run.sh 600), two at a time (fuzz/run.sh). The ASan build
# is -O1 with line tables only (-g1), as ASan advises: its reports keep file and line, and it
# compiles faster than -O2 -g.
set -euo pipefail
# The release and ASan suites run one per core (they pass side by side); the xcb suites share
# one display and run one at a time (RUN_SERIAL).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Each step prints its wall time, so a slow run says where its minutes went.
step() {
    local start=$SECONDS
    "$@"
    echo "run-all: $(($SECONDS - start)) s for: $*" >&2
}
step packaging/install-deps.sh --tests
step cmake --preset default
step cmake --build --preset default
# Every suite but the tutorial's runs under ASan below; run here too, on the release build, it
# would only repeat the same assertions (about a third of the run's test time). The tutorial
# suite is too slow under ASan, so it runs here.
step ctest --preset default --parallel "$(nproc)" -L tutorial
step xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset xcb
step cmake --preset asan
step cmake --build --preset asan
step ctest --preset asan --parallel "$(nproc)"
step cmake --preset fuzz
step cmake --build --preset fuzz
step ctest --preset fuzz
step fuzz/run.sh "${KDNA_FUZZ_SECONDS:-60}"
echo "run-all: ${SECONDS} s in all" >&2
