#!/usr/bin/env bash
# Build release binaries, then run every row of docs/performance.md's table, each side by side
# with its baseline, interleaved. Needs hyperfine, curl, unzip, python3, cc and a Go toolchain from Debian
# (golang-1.22-go from bookworm-backports, or pass --go-dir). Options: `benches/bench.py --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins --example static_sumdb
exec python3 benches/bench.py "$@"
