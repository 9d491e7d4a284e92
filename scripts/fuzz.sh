#!/bin/sh
# Run every cargo-fuzz target for a bounded time (default 60 s each; FUZZ_SECONDS overrides).
# Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# Not part of the unit-test run. A crash leaves its input under fuzz/artifacts/<target>/;
# turn it into a regression test (see CONTRIBUTING.md, "Fuzzing") before fixing it.
set -eu
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
targets="${*:-version version_file gomod index unpack sumdb}"
for target in $targets; do
    echo "== fuzz $target for ${seconds}s"
    mkdir -p "fuzz/corpus/$target"
    # Seed from the checked-in corpus (fuzz/seeds/<target>) when there is one.
    seeds=""
    [ -d "fuzz/seeds/$target" ] && seeds="fuzz/seeds/$target"
    cargo +nightly fuzz run "$target" "fuzz/corpus/$target" $seeds -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10
done
