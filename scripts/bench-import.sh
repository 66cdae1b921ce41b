#!/usr/bin/env bash
# Import and detection at scale, on SQLite. Prints wall time and peak memory of each step.
#   scripts/bench-import.sh [CUSTOMERS]     (default 100000: 9 million usage rows)
# The synthetic workspace is deterministic (seed 42) and cached in bench-data/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --quiet
bin=target/release/overture
data=bench-data/n$n
[ -f "$data/usage.csv" ] || "$bin" synth --customers "$n" --days 90 --seed 42 --out "$data"
db=bench-data/bench-$n.db
rm -f "$db" "$db-wal" "$db-shm"
export OVERTURE_DATABASE_URL="sqlite://$db" OVERTURE_NOW=2026-11-25T09:00:00Z
echo "Workspace: $n customers, $(($(wc -l < "$data/usage.csv") - 1)) usage rows ($(du -h "$data/usage.csv" | cut -f1) of CSV)"
python3 scripts/measure.py "import (includes detection of every customer)" "$bin" import "$data"/*.csv
python3 scripts/measure.py "detect (re-evaluate every customer)" "$bin" detect
