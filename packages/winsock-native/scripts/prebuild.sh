#!/usr/bin/env bash
# Makes the prebuilt addons the package ships (prebuildify's layout, read by lib/platform.ts):
#   prebuilds/linux-x64/node.napi.node   the package's own build (cmake-js into build/, `pnpm run build:native`) on
#                                        this machine, which must be linux-x64. Built on Debian 12, it needs glibc 2.34
#                                        and GCC 12's libstdc++ (GLIBCXX_3.4.30) at run time: Debian 12, Ubuntu 22.04,
#                                        Fedora 36 and later. (Linking libstdc++ in statically would need glibc 2.36.)
#   prebuilds/win32-x64/node.napi.node   the MinGW-w64 cross build (scripts/build-windows.sh)
# Both are Node-API (package.json "binary.napi_versions"): one file serves every Node version we support.
#
#   pnpm --filter @overlapped/winsock-native build:prebuilds   (not "prebuild": npm would run that before every build)
#
# Needs what the two builds need: cmake, g++, make, and g++-mingw-w64-x86-64.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "$(node -p 'process.platform + "-" + process.arch')" != linux-x64 ]]; then
  echo "prebuild: run this on linux-x64 (it builds linux-x64 natively and cross-compiles win32-x64)" >&2
  exit 1
fi

echo "== linux-x64: cmake-js into build/ (only what changed is rebuilt)"
mkdir -p build
pnpm run --silent build:native >build/prebuild.log 2>&1 || { cat build/prebuild.log; exit 1; }
bash scripts/build-windows.sh

rm -rf prebuilds
mkdir -p prebuilds/linux-x64 prebuilds/win32-x64
strip --strip-unneeded -o prebuilds/linux-x64/node.napi.node build/Release/winsock_native.node
x86_64-w64-mingw32-strip --strip-unneeded -o prebuilds/win32-x64/node.napi.node build-win/winsock_native.node
ls -l prebuilds/*/node.napi.node
