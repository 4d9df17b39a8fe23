#!/usr/bin/env bash
# The addon as built where liburing is missing (scripts/build-epoll-only.sh): it must compile, load on the epoll
# engine saying why, refuse OVERLAPPED_BACKEND=io_uring at load, and pass the conformance suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-epoll-only.sh >/dev/null
pnpm run build:ts >/dev/null
export OVERLAPPED_NATIVE_BUILD=epoll-only
unset OVERLAPPED_BACKEND

engine=$(node -e "import('./dist/index.js').then((ws) => console.log(JSON.stringify(ws.getEngine())))")
expected='{"name":"epoll","reason":"io_uring refused, so epoll: this build of the addon has no io_uring engine (liburing-dev was not installed when it was built)"}'
if [ "$engine" != "$expected" ]; then
  echo "epoll-only build: getEngine() is $engine, expected $expected" >&2
  exit 1
fi
echo "ok   epoll-only build: getEngine() $engine"

if refusal=$(OVERLAPPED_BACKEND=io_uring node -e "import('./dist/index.js')" 2>&1); then
  echo "epoll-only build: OVERLAPPED_BACKEND=io_uring loaded instead of failing" >&2
  exit 1
fi
grep -q "OVERLAPPED_BACKEND=io_uring, but io_uring cannot run here: this build of the addon has no io_uring engine" <<<"$refusal" || {
  echo "epoll-only build: OVERLAPPED_BACKEND=io_uring failed, but not with the reason: $refusal" >&2
  exit 1
}
echo "ok   epoll-only build: OVERLAPPED_BACKEND=io_uring is refused at load with the reason"

node test/conformance/run-node.mjs
