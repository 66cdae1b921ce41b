#!/usr/bin/env bash
# Sending figures on SQLite: approval latency at 32 concurrent clients, then outbox throughput to a local
# SMTP server (aiosmtpd, which stores every message in a Maildir).
#   scripts/bench-outbox.sh [DRAFTS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
drafts=${1:-2000}
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet aiosmtpd
cargo build --release --quiet --bin overture --example outbox_load
mkdir -p bench-data
rm -rf bench-data/outbox.db* bench-data/maildir
port=18792
python3 -m aiosmtpd -n -c aiosmtpd.handlers.Mailbox bench-data/maildir -l "127.0.0.1:$port" &
smtp=$!
trap 'kill $smtp 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
target/release/examples/outbox_load target/release/overture "sqlite://bench-data/outbox.db" "smtp://127.0.0.1:$port" "$drafts"
echo "messages in the SMTP server's Maildir: $(ls bench-data/maildir/new | wc -l)"
