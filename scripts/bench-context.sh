#!/usr/bin/env bash
# GET /api/customers/:id/expansion-context under 64 concurrent clients, random customers, on SQLite.
#   scripts/bench-context.sh [CUSTOMERS] [DURATION]   (defaults 100000, 20s)
# Needs the database of scripts/bench-import.sh and wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
duration=${2:-20s}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
db=bench-data/bench-$n.db
[ -f "$db" ] || scripts/bench-import.sh "$n"
cargo build --release --quiet
bin=target/release/overture
export OVERTURE_DATABASE_URL="sqlite://$db" OVERTURE_NOW=2026-11-25T09:00:00Z RUST_LOG=warn
token=$("$bin" token issue csm0@vendor.example)
port=18731
"$bin" serve --bind "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# Warm up the page cache and connection pools, then measure.
CUSTOMERS=$n TOKEN=$token wrk -t2 -c64 -d3s -s scripts/context.lua "http://127.0.0.1:$port" >/dev/null
echo "64 connections, $duration, random customers of $n:"
CUSTOMERS=$n TOKEN=$token wrk -t2 -c64 -d"$duration" --latency -s scripts/context.lua "http://127.0.0.1:$port"
echo "Peak memory of the server: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"

# Latency at a fixed offered load (closed-loop wrk above measures saturation, where latency is mostly
# queueing). oha: cargo install oha.
if command -v oha >/dev/null; then
  for rate in 1000 2000 3000; do
    echo
    echo "64 connections at a fixed $rate requests/s for $duration (oha):"
    oha --no-tui --latency-correction -c 64 -q "$rate" -z "$duration" -H "Authorization: Bearer $token" \
      --rand-regex-url "http://127[.]0[.]0[.]1:$port/api/customers/c[1-9][0-9]{0,4}/expansion-context" \
      | grep -E "Success rate|Requests/sec|Slowest|Average|50.00%|90.00%|99.00%|99.90%|^ *\[[0-9]{3}\] [0-9]+ responses"
  done
fi
