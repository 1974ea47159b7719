#!/usr/bin/env bash
# The whole test run, as the README's quick start and CI (.ci/run) give it: installs what is
# missing, builds, and runs every suite three ways — the release build (GUI offscreen), the
# GUI suites again on the real X11 platform under Xvfb, and the core and GUI suites in an
# AddressSanitizer + UndefinedBehaviorSanitizer build; then the libFuzzer harnesses: their kept
# crash inputs replayed, and each harness run for KDNA_FUZZ_SECONDS (default 60), two at a
# time (fuzz/run.sh). The fuzz step adds about 3 minutes of fuzzing to the build of the `fuzz`
# preset; set KDNA_FUZZ_SECONDS lower where a run must be shorter.
set -euo pipefail
# The release and ASan suites run one per core (they pass side by side); the xcb suites share
# one display and run one at a time (RUN_SERIAL).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
packaging/install-deps.sh --tests
cmake --preset default
cmake --build --preset default
ctest --preset default --parallel "$(nproc)"
xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset xcb
cmake --preset asan
cmake --build --preset asan
ctest --preset asan --parallel "$(nproc)"
cmake --preset fuzz
cmake --build --preset fuzz
ctest --preset fuzz
fuzz/run.sh "${KDNA_FUZZ_SECONDS:-60}"
