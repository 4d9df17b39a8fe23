#!/usr/bin/env bash
# Cross-compiles the Windows addon (src/backend/win, real Winsock) on Linux with MinGW-w64 into
# build-win/winsock_native.node (only what changed is rebuilt). Used by scripts/test-windows.sh (the Wine pass)
# and scripts/prebuild.sh (prebuilds/win32-x64/). On failure it prints the configure or build log and exits 1.
#
# Needs: g++-mingw-w64-x86-64 (the -posix compiler) and cmake.
set -euo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$PKG/build-win"

for tool in x86_64-w64-mingw32-g++-posix cmake; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-windows: '$tool' not found. Install it: apt-get install -y g++-mingw-w64-x86-64 cmake" >&2
    exit 1
  fi
done

echo "== cross-compiling the addon (MinGW-w64) into build-win/"
mkdir -p "$OUT"
cmake -S "$PKG" -B "$OUT" -DCMAKE_TOOLCHAIN_FILE="$PKG/cmake/mingw-w64-x86_64.cmake" -DCMAKE_BUILD_TYPE=Release \
  >"$OUT/configure.log" 2>&1 || { cat "$OUT/configure.log"; exit 1; }
cmake --build "$OUT" -j "$(nproc)" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
