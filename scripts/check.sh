#!/usr/bin/env bash
# The checks to pass before committing: formatting, lints, tests (SQLite). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --quiet
