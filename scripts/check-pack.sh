#!/usr/bin/env bash
# The pack-and-install check (.ci/run): what a user outside this repository gets.
#  1. pnpm pack:all (scripts/pack.sh) packs every package into packs/, the addon prebuilt for linux-x64 and
#     win32-x64; scripts/pack/check-tarballs.mjs checks what each tarball holds.
#  2. In an empty project in a temporary directory, with a PATH that has node, npm and sh but no cmake, make or
#     compiler: `npm install packs/*.tgz`, then typescript and @types/node. The event-model and callback-model
#     programs of the installed @overlapped/winsock-native README are compiled with tsc and run as written
#     (scripts/pack/run-examples.mjs), `npx game-server --help` / `npx dummy-client --help` answer, and
#     game-server + dummy-client echo over loopback with each strategy (event, callback, iocp).
#  3. The same project with Windows node under Wine (its addon: prebuilds/win32-x64): the install step takes the
#     prebuild, the README programs, the apps' --help, the echo with each strategy. (npm itself does not run
#     under Wine here: it printed nothing for 400 s. The tree npm made on Linux is the tree Windows npm makes:
#     only the install step differs by platform, and it is run under Wine on its own.)
#  4. A platform without a prebuild, played by removing the linux-x64 one: loading says what is missing and what
#     to run; `npm rebuild` without cmake says cmake is missing; with the build tools it builds from source with
#     cmake-js, and the README programs run on that build.
# Prints ok / FAIL per step and `N passed, N failed`; exit code 1 on any failure. Needs what pnpm pack:all
# needs (cmake, g++, make, g++-mingw-w64-x86-64), wine, and the npm registry for typescript, @types/node and
# the packages' third-party dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
NATIVE="$ROOT/packages/winsock-native"
PACKS="$ROOT/packs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
step() { echo "== $*"; }
record() {  # <what> <exit code>
  if [[ "$2" -eq 0 ]]; then echo "ok   $1"; PASSED=$((PASSED + 1)); else echo "FAIL $1"; FAILED=$((FAILED + 1)); fi
}
check() {  # <what> <command...>: runs it and records whether it succeeded (every command here is bounded in time)
  local what="$1" code=0; shift
  "$@" || code=$?
  record "$what" "$code"
}

step "packing (pnpm pack:all into packs/)"
bash scripts/pack.sh "$PACKS"
check "tarballs hold what they need and nothing else" node scripts/pack/check-tarballs.mjs "$PACKS"

# node, npm, npx and sh only: a source build has nothing to build with.
TOOLS="$WORK/bin"
mkdir -p "$TOOLS"
for tool in node npm npx sh; do ln -s "$(command -v "$tool")" "$TOOLS/$tool"; done
no_tools=0
for tool in cmake make cc gcc g++ c++; do
  if PATH="$TOOLS" command -v "$tool" >/dev/null 2>&1; then no_tools=1; fi
done
record "the project's PATH has no cmake, make or compiler" "$no_tools"
TIMEOUT="$(command -v timeout)"
bare() { PATH="$TOOLS" "$TIMEOUT" 300 "$@"; }  # a command with that PATH, bounded at 5 minutes

PROJECT="$WORK/my-project"
mkdir -p "$PROJECT"
cd "$PROJECT"
step "a new project in $PROJECT: npm install packs/*.tgz, then typescript and @types/node"
bare npm init -y >/dev/null
bare npm pkg set type=module
check "npm install <the tarballs> without build tools" bare npm install --no-audit --no-fund "$PACKS"/*.tgz
check "npm install -D typescript@~5.9.3 @types/node@^20" bare npm install --no-audit --no-fund -D typescript@~5.9.3 @types/node@^20
check "the README's event-model and callback-model programs, from the installed package's README" \
  node "$ROOT/scripts/pack/readme-examples.mjs" node_modules/@overlapped/winsock-native/README.md .
check "they compile: npx tsc --module nodenext --target es2022 --strict" \
  bare npx tsc --module nodenext --target es2022 --strict event-model.ts callback-model.ts

GAME_SERVER=node_modules/@overlapped/game-server/dist/main.js
DUMMY_CLIENT=node_modules/@overlapped/dummy-client/dist/main.js
APPS_ECHO="$NATIVE/scripts/windows/apps-echo.mjs"
usage() { grep -q "^Usage: $1 " <(tr -d '\r' <"$2"); }

step "Linux: node $(node --version), the addon from prebuilds/linux-x64"
check "README programs run as written" bare node "$ROOT/scripts/pack/run-examples.mjs" .
bare npx --no-install game-server --help >"$WORK/game-server-help.log" 2>&1 || true
check "npx game-server --help" usage game-server "$WORK/game-server-help.log"
bare npx --no-install dummy-client --help >"$WORK/dummy-client-help.log" 2>&1 || true
check "npx dummy-client --help" usage dummy-client "$WORK/dummy-client-help.log"
check "game-server + dummy-client echo with each strategy" bare node "$APPS_ECHO" "$GAME_SERVER" "$DUMMY_CLIENT" --same-strategy

step "Windows node under Wine, the addon from prebuilds/win32-x64"
# shellcheck source=../packages/winsock-native/scripts/windows/wine.sh
source "$NATIVE/scripts/windows/wine.sh"
check "the install step takes the win32-x64 prebuild (builds nothing)" \
  run_wine "$PROJECT" "$WORK/wine-install.log" node_modules/@overlapped/winsock-native/scripts/install.mjs
check "README programs run as written" run_wine "$PROJECT" "$WORK/wine-examples.log" "$ROOT/scripts/pack/run-examples.mjs" .
run_wine "$PROJECT" "$WORK/wine-help.log" "$GAME_SERVER" --help >/dev/null || true
check "game-server --help" usage game-server "$WORK/wine-help.log"
check "game-server + dummy-client echo with each strategy" \
  run_wine "$PROJECT" "$WORK/wine-apps.log" "$APPS_ECHO" "$GAME_SERVER" "$DUMMY_CLIENT" --same-strategy

step "no prebuild for this platform (linux-x64's removed): the messages, then a source build with cmake-js"
rm -rf node_modules/@overlapped/winsock-native/prebuilds/linux-x64
bare node -e "import('@overlapped/winsock-native')" >"$WORK/load.log" 2>&1 || true
check "loading says which addon is missing and what to run" \
  grep -q "no native addon for linux-x64.*npm rebuild @overlapped/winsock-native" "$WORK/load.log"
rebuild=0
bare npm rebuild @overlapped/winsock-native >"$WORK/rebuild-bare.log" 2>&1 || rebuild=$?
check "npm rebuild without cmake fails, saying cmake is missing" \
  test "$rebuild" -ne 0 -a -n "$(grep 'looked for cmake to build it from source and found none on PATH' "$WORK/rebuild-bare.log")"
check "npm rebuild with the build tools builds it from source" timeout 600 npm rebuild @overlapped/winsock-native
check "README programs run on the source build" node "$ROOT/scripts/pack/run-examples.mjs" .

echo "$PASSED passed, $FAILED failed"
[[ "$FAILED" -eq 0 ]]
