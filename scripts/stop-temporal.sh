#!/usr/bin/env bash
# Stops the Temporal dev server that `npm start` left running in the background.
set -euo pipefail
pidfile="$(cd "$(dirname "$0")/.." && pwd)/data/temporal.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")" && echo "stopped the Temporal dev server (pid $(cat "$pidfile"))"
else
  echo "no Temporal dev server started by npm start is running"
fi
rm -f "$pidfile"
