#!/usr/bin/env bash
# Builds the addon with AddressSanitizer into build-asan/ (lib/binding.ts loads it when
# OVERLAPPED_NATIVE_BUILD=asan). Node is not instrumented, so run it with the ASan runtime preloaded:
#   OVERLAPPED_NATIVE_BUILD=asan LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 node ...
set -euo pipefail
cd "$(dirname "$0")/.."
exec pnpm exec cmake-js compile --out build-asan --CDOVERLAPPED_ASAN=ON
