#!/usr/bin/env bash
# Tracking figures on SQLite: 64 concurrent clients on the open pixel and click redirects of an
# `overture serve`, saturated and at 10,000 events/s; then every answered request is looked for in the
# database.
#   scripts/bench-tracking.sh [SECONDS]   (default 10 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
cargo build --release --quiet --bin overture --example tracking_load
mkdir -p bench-data
rm -f bench-data/tracking.db* bench-data/tracking.spool*
target/release/examples/tracking_load target/release/overture "sqlite://bench-data/tracking.db" "$seconds"
