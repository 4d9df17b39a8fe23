#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine that has Node 20 and build tools:
# cmake and liburing-dev (apt), pnpm 10 (npm), then the workspace's dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
# The addon's io_uring engine links liburing statically; without it the addon builds with epoll only.
[ -f /usr/include/liburing.h ] || need_apt+=(liburing-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing ${need_apt[*]} with apt-get"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# pnpm 12 is broken here and corepack cannot verify signatures, so pin pnpm 10 through npm.
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
  echo "setup: installing pnpm 10 with npm"
  npm install -g pnpm@10 >/dev/null
fi

pnpm install --frozen-lockfile=false
