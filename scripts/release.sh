#!/bin/sh
# Build gover and gover-shim as static executables, for this machine and (on x86_64 Linux) for
# aarch64 Linux too, and pack each target's pair for scripts/install.sh:
#
#   OUTDIR/gover-<version>-<target>.tar.gz          gover-<version>-<target>/{gover,gover-shim,README.md,
#                                                   CONTRIBUTING.md,docs/*.md}
#   OUTDIR/gover-<version>-<target>.tar.gz.sha256   "<sha256 hex>  gover-<version>-<target>.tar.gz"
#   OUTDIR/VERSION                                  "<version>", what install.sh installs by default
#   OUTDIR/install.sh                               a copy of scripts/install.sh
#
# Usage: scripts/release.sh OUTDIR
#
# On Linux the gnu target is linked with glibc statically (`-C target-feature=+crt-static`), so
# neither binary needs a dynamic loader or any shared library. (The shim on Linux/x86_64 is
# freestanding anyway; see build.rs.) The build is a fat-LTO release build: minutes on 2 cores
# per target. aarch64-unknown-linux-gnu is cross-built on another machine with Debian's
# aarch64-linux-gnu-gcc as linker and C compiler (`apt-get install gcc-aarch64-linux-gnu
# libc6-dev-arm64-cross`, `rustup target add aarch64-unknown-linux-gnu`).
#
# The docs travel with the README because it links to them: every relative link works in the
# unpacked tarball (tests/installer.rs checks it).
#
# GOVER_RELEASE_BIN_DIR=DIR skips the build and packs DIR/gover and DIR/gover-shim as they are
# (the test suite packs its debug binaries this way; see tests/installer.rs).
# GOVER_RELEASE_TARGET overrides the target triple in the name (default: rustc's host).
# GOVER_RELEASE_TARGETS="T…" builds these targets instead (default: rustc's host, plus
# aarch64-unknown-linux-gnu when the host is x86_64-unknown-linux-gnu).
set -eu

usage() {
    echo "usage: scripts/release.sh OUTDIR" >&2
    exit 2
}
[ "$#" -eq 1 ] || usage
case "$1" in -*) usage ;; esac
outdir=$1

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || { echo "release.sh: no version in $root/Cargo.toml" >&2; exit 1; }
host=
if [ -z "${GOVER_RELEASE_BIN_DIR:-}" ] || [ -z "${GOVER_RELEASE_TARGET:-}" ]; then
    host=$(rustc -vV | sed -n 's/^host: //p')
    [ -n "$host" ] || { echo "release.sh: cannot tell the target (rustc -vV)" >&2; exit 1; }
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/gover-release.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM

# build TARGET: a static release build of both binaries for TARGET.
build() {
    # --target keeps crt-static off build scripts and proc macros (they must stay dynamic).
    case "$1" in
        *-linux-gnu*) flags="${RUSTFLAGS:-} -C target-feature=+crt-static" ;;
        *) flags=${RUSTFLAGS:-} ;;
    esac
    case "$1" in
        "$host") ;;
        aarch64-unknown-linux-gnu)
            # Cross: Debian's cross toolchain links, and compiles ring's C.
            export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
            export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
            ;;
    esac
    (cd "$root" && RUSTFLAGS=$flags cargo build --release --locked --target "$1" --bin gover --bin gover-shim)
}

# pack TARGET BINDIR: OUTDIR/gover-<version>-TARGET.tar.gz and its .sha256 from BINDIR's pair.
pack() {
    target=$1 bindir=$2
    for exe in gover gover-shim; do
        [ -f "$bindir/$exe" ] && [ -x "$bindir/$exe" ] ||
            { echo "release.sh: $bindir/$exe is missing or not executable" >&2; exit 1; }
    done
    name=gover-$version-$target
    rm -rf "${stage:?}/$name"
    mkdir "$stage/$name"
    cp "$bindir/gover" "$bindir/gover-shim" "$stage/$name/"
    cp "$root/README.md" "$root/CONTRIBUTING.md" "$stage/$name/"
    mkdir "$stage/$name/docs"
    cp "$root"/docs/*.md "$stage/$name/docs/"
    chmod 755 "$stage/$name/gover" "$stage/$name/gover-shim" "$stage/$name/docs"
    chmod 644 "$stage/$name/README.md" "$stage/$name/CONTRIBUTING.md" "$stage/$name"/docs/*.md

    # Same bytes for the same binaries: sorted names, fixed owner and time (GNU tar).
    (
        cd "$stage"
        if tar --version 2>/dev/null | grep -q 'GNU tar'; then
            tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - "$name"
        else
            tar -cf - "$name"
        fi
    ) | gzip -9n >"$stage/$name.tar.gz"
    if command -v sha256sum >/dev/null 2>&1; then
        (cd "$stage" && sha256sum "$name.tar.gz") >"$stage/$name.tar.gz.sha256"
    else
        (cd "$stage" && shasum -a 256 "$name.tar.gz") >"$stage/$name.tar.gz.sha256"
    fi
    mv -f "$stage/$name.tar.gz" "$stage/$name.tar.gz.sha256" "$outdir/"
    echo "$outdir/$name.tar.gz"
    echo "$outdir/$name.tar.gz.sha256"
}

if [ -n "${GOVER_RELEASE_BIN_DIR:-}" ]; then
    pack "${GOVER_RELEASE_TARGET:-$host}" "$GOVER_RELEASE_BIN_DIR"
else
    targets=${GOVER_RELEASE_TARGETS:-$host}
    if [ -z "${GOVER_RELEASE_TARGETS:-}" ] && [ "$host" = x86_64-unknown-linux-gnu ]; then
        targets="$host aarch64-unknown-linux-gnu"
    fi
    for target in $targets; do
        build "$target"
        pack "$target" "$root/target/$target/release"
    done
fi
printf '%s\n' "$version" >"$outdir/VERSION"
cp "$root/scripts/install.sh" "$outdir/install.sh"
