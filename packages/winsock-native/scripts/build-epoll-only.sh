#!/usr/bin/env bash
# Builds the addon as it is built on a machine without liburing (the epoll engine only, ring_unavailable.cc)
# into build-epoll-only/ (lib/binding.ts loads it when OVERLAPPED_NATIVE_BUILD=epoll-only): CI checks that this
# build still compiles, loads on epoll and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
exec pnpm exec cmake-js compile --out build-epoll-only --CDLIBURING_INCLUDE_DIR=LIBURING_INCLUDE_DIR-NOTFOUND \
  --CDLIBURING_STATIC=LIBURING_STATIC-NOTFOUND
