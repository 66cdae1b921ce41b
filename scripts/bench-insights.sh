#!/usr/bin/env bash
# Learning figures on SQLite: GET /api/insights/approaches, /timing and /styles over 100,000 introductions
# (the SQL aggregate, the estimates and intervals, the JSON), end to end from one client.
#   scripts/bench-insights.sh [INTRODUCTIONS] [REQUESTS]   (default 100000 50)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin overture --example insights_load
mkdir -p bench-data
rm -f bench-data/insights.db*
target/release/examples/insights_load target/release/overture "sqlite://bench-data/insights.db" "${1:-100000}" "${2:-50}"
