#!/usr/bin/env bash
# Installs the pinned Temporal CLI (which carries the dev server and its Web UI).
# The binary is built once per machine into the user's cache, keyed by version, and linked into
# tools/ of this checkout, so a fresh clone on the same machine does not rebuild it.
set -euo pipefail
VERSION="v1.5.1"   # later tags carry `replace` directives and cannot be go-installed
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RETRIEVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/retriever}/temporal-$VERSION"
link="$root/tools/temporal"

if [ ! -x "$cache/temporal" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "error: the Temporal CLI $VERSION is not installed and Go is not on PATH." >&2
    echo "       Install Go >= 1.25 (https://go.dev/dl/) and run 'npm run temporal:install' again," >&2
    echo "       or set TEMPORAL_CLI to an existing 'temporal' binary." >&2
    exit 1
  fi
  echo "Building the Temporal CLI $VERSION into $cache (once per machine; takes a few minutes)..." >&2
  mkdir -p "$cache"
  GOBIN="$cache" GOFLAGS="-mod=mod" go install "github.com/temporalio/cli/cmd/temporal@$VERSION"
fi
mkdir -p "$root/tools"
ln -sfn "$cache/temporal" "$link"
echo "Temporal CLI: $link -> $cache/temporal" >&2
