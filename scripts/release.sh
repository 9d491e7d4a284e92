#!/bin/sh
# Build gover and gover-shim for this machine as static executables and pack them for
# scripts/install.sh:
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
# freestanding anyway; see build.rs.) The build is a fat-LTO release build: minutes on 2 cores.
#
# The docs travel with the README because it links to them: every relative link works in the
# unpacked tarball (tests/installer.rs checks it).
#
# GOVER_RELEASE_BIN_DIR=DIR skips the build and packs DIR/gover and DIR/gover-shim as they are
# (the test suite packs its debug binaries this way; see tests/installer.rs).
# GOVER_RELEASE_TARGET overrides the target triple in the name (default: rustc's host).
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
target=${GOVER_RELEASE_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}
[ -n "$target" ] || { echo "release.sh: cannot tell the target (rustc -vV)" >&2; exit 1; }

if [ -n "${GOVER_RELEASE_BIN_DIR:-}" ]; then
    bindir=$GOVER_RELEASE_BIN_DIR
else
    # --target keeps crt-static off build scripts and proc macros (they must stay dynamic).
    case "$target" in
        *-linux-gnu*) export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" ;;
    esac
    (cd "$root" && cargo build --release --locked --target "$target" --bin gover --bin gover-shim)
    bindir=$root/target/$target/release
fi
for exe in gover gover-shim; do
    [ -f "$bindir/$exe" ] && [ -x "$bindir/$exe" ] ||
        { echo "release.sh: $bindir/$exe is missing or not executable" >&2; exit 1; }
done

name=gover-$version-$target
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/gover-release.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
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
printf '%s\n' "$version" >"$outdir/VERSION"
cp "$root/scripts/install.sh" "$outdir/install.sh"

echo "$outdir/$name.tar.gz"
echo "$outdir/$name.tar.gz.sha256"
