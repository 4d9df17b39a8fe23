#!/usr/bin/env bash
# Packs every package a user installs (packages/* and apps/*) into tarballs, the addon prebuilt inside
# @overlapped/winsock-native for linux-x64 and win32-x64 (its build:prebuilds: the native build and the MinGW-w64
# cross build, so this needs cmake, g++, make and g++-mingw-w64-x86-64, and must run on linux-x64):
#
#   pnpm pack:all [<dir>]        (default dir: packs/)
#
# Then, in any project: npm install <dir>/*.tgz   (the README's "Use it in your own project").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT="$(realpath -m "${1:-packs}")"
pnpm build
pnpm --filter @overlapped/winsock-native build:prebuilds
rm -rf "$OUT"
mkdir -p "$OUT"
pnpm --filter './packages/*' --filter './apps/*' exec pnpm pack --pack-destination "$OUT" >/dev/null
ls -l "$OUT"
