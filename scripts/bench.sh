#!/usr/bin/env bash
# Build release binaries, then run every row of docs/performance.md's table, each side by side
# with its baseline, interleaved. Needs hyperfine, curl, unzip, python3, cc and a Go toolchain from Debian
# (golang-1.22-go from bookworm-backports, or pass --go-dir). Options: `benches/bench.py --help`.
#
# gover and gover-shim are built as scripts/release.sh builds what the installer ships: on Linux
# with glibc linked statically (no dynamic loader binding libc's symbols at every start, which
# is most of what a small command executes in a plain `cargo build --release`). To time that
# build instead: `cargo build --release --bins --example static_sumdb && python3 benches/bench.py`.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
flags=${RUSTFLAGS:-}
case $host in
    *-linux-gnu*) flags="$flags -C target-feature=+crt-static" ;;
esac
RUSTFLAGS=$flags cargo build --release --target "$host" --bin gover --bin gover-shim
cargo build --release --example static_sumdb
exec python3 benches/bench.py --bin-dir "target/$host/release" "$@"
