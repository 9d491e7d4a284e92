#!/usr/bin/env bash
# Type-check and lint gover for both macOS targets on Linux (CI runs this from .ci/run; see
# docs/platforms.md). `scripts/check-macos.sh [TARGET…]`, by default both.
#
# `cargo check` runs build scripts, and ring's compiles C for the target. Without Apple's SDK,
# Debian's clang does it freestanding (`-ffreestanding -nostdlibinc`, and ring's own
# `RING_CORE_NOSTDLIBINC`, which keeps it to the compiler's headers) with one stand-in SDK header,
# TargetConditionals.h, written below. The objects are thrown away: nothing is linked. Needs clang,
# llvm-ar (Debian: clang, llvm) and `rustup target add aarch64-apple-darwin x86_64-apple-darwin`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ar=$(command -v llvm-ar || ls /usr/bin/llvm-ar-* 2>/dev/null | head -n 1 || true)
if [ -z "$ar" ]; then
    echo "check-macos.sh: llvm-ar is missing (Debian: apt-get install llvm)" >&2
    exit 1
fi

stand_in=$(mktemp -d)
trap 'rm -rf "$stand_in"' EXIT
# ring includes it on Apple targets to tell macOS from iOS; real builds use Xcode's copy.
cat >"$stand_in/TargetConditionals.h" <<'HEADER'
#ifndef GOVER_STAND_IN_TARGET_CONDITIONALS_H
#define GOVER_STAND_IN_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
#endif
HEADER

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64-apple-darwin x86_64-apple-darwin)
for target in "${targets[@]}"; do
    var=${target//-/_}
    env "CC_$var=clang" "AR_$var=$ar" \
        "CFLAGS_$var=-ffreestanding -nostdlibinc -DRING_CORE_NOSTDLIBINC -isystem $stand_in" \
        cargo clippy --workspace --target "$target" -- -D warnings
done
