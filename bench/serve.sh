#!/usr/bin/env bash
# Load benchmark of `fencheng serve` (the what-if page's API), release build, on the shipped
# Henan data: the server starts on a free loopback port, then 1,000 random overlays of every
# control of the page (overrides of any item, indexation, base years, regime incl. one
# county's switch date, growth, last year) are POSTed to /api/v1/evaluate from 8
# concurrent clients (examples/serve_load.rs, std::net only). Each answer carries the full
# settlement 2019–2030 and the comparison. Prints p50/p95/p99 latency, requests/s and the
# server's resident memory at start, after a warm-up of 100 requests and after the 1,000.
#
#   bench/serve.sh [REQUESTS] [CLIENTS] [SEED]     defaults 1000 8 1
set -euo pipefail

REQUESTS=${1:-1000}
CLIENTS=${2:-8}
SEED=${3:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# the server in release; the client in the dev profile: an example is built with the
# dev-dependencies, whose features would rebuild polars in release for nothing (the
# client only sends requests and reads answers)
cargo build --release --quiet --bin fencheng
cargo build --quiet --example serve_load
# cargo's target folder: the tree's own, or CARGO_TARGET_DIR when set (a worktree sharing
# another's builds)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/fencheng
LOAD=$TARGET/debug/examples/serve_load
TMP=$(mktemp -d)
"$BIN" serve --port 0 >"$TMP/out" 2>"$TMP/err" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$TMP"' EXIT

started=$(date +%s.%N)
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$TMP/out" && break
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/err" >&2; exit 1; }
  sleep 0.1
done
PORT=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$TMP/out")
[ -n "$PORT" ] || { echo "the server did not start" >&2; cat "$TMP/err" >&2; exit 1; }
ready=$(date +%s.%N)
rss() { awk '/^VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$PID/status"; }

echo "machine: $(nproc) cores, $(uname -sr); fencheng $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
awk -v a="$started" -v b="$ready" 'BEGIN { printf "ready (listening) %.1f s after start\n", b - a }' 
echo "server RSS at start: $(rss)"
"$LOAD" "$PORT" 100 "$CLIENTS" 999 >/dev/null
echo "server RSS after a warm-up of 100 requests: $(rss)"
echo "-- the page's answer (every part: settlement, comparison and the analyst's figures)"
"$LOAD" "$PORT" "$REQUESTS" "$CLIENTS" "$SEED"
echo "server RSS after $REQUESTS more requests: $(rss)"
echo "-- the contract's answer (settlement 2019–2030, province, comparison_summary)"
"$LOAD" "$PORT" "$REQUESTS" "$CLIENTS" "$SEED" "/api/v1/evaluate?tables=settlement,province,comparison_summary"
echo "server RSS after $REQUESTS more requests: $(rss)"
kill -TERM "$PID"
wait "$PID" && echo "stopped cleanly on SIGTERM"
