#!/usr/bin/env bash
# Web app figures on SQLite with the demo data: the first page's weight and POST /api/chat latency for
# "Introduce upsell to Acme Corp" (each answer composes and stores a draft).
#   scripts/bench-chat.sh [REQUESTS]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-1000}
cargo build --release --quiet --bin overture --example chat_load
mkdir -p bench-data
rm -f bench-data/chat.db*
target/release/examples/chat_load target/release/overture "sqlite://bench-data/chat.db" "$requests"
