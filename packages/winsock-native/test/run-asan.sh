#!/usr/bin/env bash
# The ASan pass: builds the addon with AddressSanitizer (scripts/build-asan.sh; lib/binding.ts loads that build
# when OVERLAPPED_NATIVE_BUILD=asan), then runs the conformance runner, the stress tests and the bad-input tests
# (whose child processes inherit the ASan environment), the cross-thread and hazard regression tests, and the
# soak's short form against it, on each engine.
# Node itself is not instrumented, so the ASan runtime is preloaded; leak checking is off (V8 keeps memory
# until exit by design) and any error aborts the process, which the runner reports as a failed case.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-asan.sh
pnpm run build:ts

export OVERLAPPED_NATIVE_BUILD=asan
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
export LD_PRELOAD

# Each engine in turn (OVERLAPPED_BACKEND; io_uring must be able to run here).
status=0
for engine in io_uring epoll; do
  export OVERLAPPED_BACKEND=$engine
  echo "== ASan on the $engine engine"
  node test/conformance/run-node.mjs || status=1
  pnpm exec vitest run test/stress.test.ts test/bad-input.test.ts test/threads.test.ts test/hazards.test.ts \
    test/ports.test.ts test/ports-stress.test.ts test/engine.test.ts || status=1
  soak="ASan soak on $engine (short form, 8 s x 300 sessions)"
  OVERLAPPED_SOAK_SECONDS=8 OVERLAPPED_SOAK_SESSIONS=300 pnpm exec vitest run test/soak.test.ts && echo "$soak: PASS" || { echo "$soak: FAIL"; status=1; }
done
exit "$status"
