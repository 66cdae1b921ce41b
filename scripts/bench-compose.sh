#!/usr/bin/env bash
# POST /api/customers/:id/upsell-intro through HTTP on SQLite, 32 connections: saturated, then at a fixed
# 1,000 drafts/s. Uses a fresh demo database in bench-data/ and oha (cargo install oha).
#   scripts/bench-compose.sh [DURATION]   (default 15s)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
command -v oha >/dev/null || { echo "oha is needed: cargo install oha" >&2; exit 2; }
cargo build --release --quiet
mkdir -p bench-data
db=bench-data/compose.db
rm -f "$db" "$db-wal" "$db-shm"
export OVERTURE_DATABASE_URL="sqlite://$db" OVERTURE_NOW=2026-11-25T09:00:00Z RUST_LOG=warn
port=18733
target/release/overture demo --bind "127.0.0.1:$port" > bench-data/compose-demo.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "ovt_" bench-data/compose-demo.log 2>/dev/null && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
token=$(grep -o 'ovt_[0-9a-f]*' bench-data/compose-demo.log | head -1)
# Demo customers with a contact and an expansion path, so that every request composes and stores a draft.
url="http://127[.]0[.]0[.]1:$port/api/customers/(acme|globex|umbrella|initech|stark|soylent|vandelay|massive|cyberdyne|oscorp|tyrell|dunder|gringotts|aperture|sterling)/upsell-intro"
run() {
  oha --no-tui "$@" -c 32 -z "$duration" -m POST -T application/json -d '{}' -H "Authorization: Bearer $token" \
    --rand-regex-url "$url" \
    | grep -E "Success rate|Requests/sec|Slowest|Average|50.00%|90.00%|99.00%|99.90%|^ *\[[0-9]{3}\] [0-9]+ responses"
}
echo "32 connections, saturated, $duration:"
run
echo
echo "32 connections at a fixed 1,000 drafts/s, $duration:"
run --latency-correction -q 1000
