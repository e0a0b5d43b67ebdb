#!/usr/bin/env bash
# Load test of the public pages against a minimal Fiber handler, on SQLite
# and (when a server is reachable) Postgres.
#
#   scripts/loadtest.sh                 both dialects, 10 s per target
#   DURATION=30s scripts/loadtest.sh
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (default)
#   DIALECTS="sqlite" scripts/loadtest.sh
#
# It installs wrk with apt when missing, builds patt and scripts/minimal,
# fills a temporary database with `patt demo`, starts the site and the
# minimal server on loopback, runs wrk (32 connections) against /roster, /
# and the minimal handler, and prints requests/s, p99 and the ratio.
# Target: /roster at >= 10 % of the minimal handler, p99 < 25 ms.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
DIALECTS=${DIALECTS:-"sqlite postgres"}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
SITE_PORT=${SITE_PORT:-18100}
MIN_PORT=${MIN_PORT:-18199}

if ! command -v wrk >/dev/null; then
  echo "installing wrk…" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq wrk >/dev/null
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${PG_DB:-}" ]; then psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

go build -o "$WORK/patt" .
go build -o "$WORK/minimal" ./scripts/minimal

wait_up() { # url
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server at $1 did not start" >&2
  return 1
}

# bench URL → "req/s p99_ms"
bench() {
  local out rps p99
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$1")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then echo "warning: non-2xx answers from $1" >&2; fi
  echo "$rps $(to_ms "$p99")"
}

to_ms() { # wrk prints 1.23ms, 456.00us or 1.02s
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else { print v } }'
}

"$WORK/minimal" -addr "127.0.0.1:$MIN_PORT" &
PIDS+=($!)
wait_up "http://127.0.0.1:$MIN_PORT/"

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (wrk, the site and the database share them)"
printf "%-9s %-26s %10s %8s %7s\n" dialect target "req/s" "p99 ms" ratio
for dialect in $DIALECTS; do
  export PATT_DATA_DIR="$WORK/data-$dialect" PATT_ADDR="127.0.0.1:$SITE_PORT" PATT_LOG_FORMAT=json
  unset DATABASE_URL
  if [ "$dialect" = postgres ]; then
    if ! psql "$PG_ADMIN_URL" -qc "SELECT 1" >/dev/null 2>&1; then
      echo "postgres: no server at $PG_ADMIN_URL, skipped" >&2
      continue
    fi
    PG_DB="patt_loadtest_$$"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
    export DATABASE_URL="${PG_ADMIN_URL/\/postgres\?//$PG_DB?}"
  fi
  "$WORK/patt" demo >/dev/null
  "$WORK/patt" serve 2>/dev/null &
  SITE_PID=$!
  PIDS+=("$SITE_PID")
  wait_up "http://127.0.0.1:$SITE_PORT/roster"
  # Warm up (first render, connection pools), then measure; the minimal
  # handler runs in the same round so both see the same machine.
  wrk -t1 -c4 -d2s "http://127.0.0.1:$SITE_PORT/roster" >/dev/null
  read -r min_rps min_p99 < <(bench "http://127.0.0.1:$MIN_PORT/")
  for target in /roster "/roster?sort=ilvl&alts=1" /; do
    read -r rps p99 < <(bench "http://127.0.0.1:$SITE_PORT$target")
    ratio=$(awk -v a="$rps" -v b="$min_rps" 'BEGIN { printf "%.1f%%", 100 * a / b }')
    printf "%-9s %-26s %10s %8s %7s\n" "$dialect" "$target" "$rps" "$p99" "$ratio"
  done
  printf "%-9s %-26s %10s %8s %7s\n" "$dialect" "minimal Fiber handler" "$min_rps" "$min_p99" "100%"
  kill "$SITE_PID"; wait "$SITE_PID" 2>/dev/null || true
  if [ -n "${PG_DB:-}" ]; then psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null; PG_DB=""; fi
done
