#!/bin/sh
# Install gover (and gover-shim, side by side) from a release built by scripts/release.sh.
#
#   curl -fsSL https://github.com/gover/gover/releases/latest/download/install.sh | sh
#   sh install.sh [--dir DIR] [--version VERSION]
#
# --dir DIR          where the two binaries go (default: $HOME/.gover/bin)
# --version VERSION  a release such as 0.1.0 (default: the one named by <URL>/VERSION)
#
# GOVER_INSTALL_URL  the directory holding the release files (default below). It must serve
#                    VERSION, gover-<version>-<target>.tar.gz and its .sha256. Plain http is
#                    refused unless the URL's host is 127.0.0.1, [::1] or localhost.
#
# The tarball is checked against its sha256 file before anything is installed, and each binary
# is put in place with a rename, so an interrupted install never leaves half a binary. The
# sha256 file comes from the same place as the tarball: it catches a damaged download, not a
# compromised server (use https).
set -eu

default_url=https://github.com/gover/gover/releases/latest/download

say() { printf '%s\n' "$*" >&2; }
die() {
    say "error: $1"
    [ -z "${2:-}" ] || say "hint: $2"
    exit 1
}

dir=${HOME:?HOME is not set}/.gover/bin
version=
while [ "$#" -gt 0 ]; do
    case "$1" in
        --dir) [ "$#" -ge 2 ] || die "--dir needs a directory"; dir=$2; shift 2 ;;
        --dir=*) dir=${1#--dir=}; shift ;;
        --version) [ "$#" -ge 2 ] || die "--version needs a version"; version=$2; shift 2 ;;
        --version=*) version=${1#--version=}; shift ;;
        -h | --help) sed -n '2,13p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1" "usage: install.sh [--dir DIR] [--version VERSION]" ;;
    esac
done
[ -n "$dir" ] || die "--dir is empty"
case "$dir" in /*) ;; *) dir=$(pwd)/$dir ;; esac

if [ -n "${GOVER_INSTALL_URL:-}" ]; then
    url=${GOVER_INSTALL_URL%/}
elif [ -n "$version" ]; then
    url=https://github.com/gover/gover/releases/download/v$version
else
    url=$default_url
fi
# Whether an http URL's host is this machine: the host itself, as curl and wget connect to it
# (after any `user:password@`, which ends at the authority's last `@`; before any `:port`), must
# be 127.0.0.1, [::1] or localhost. A prefix match would pass http://127.0.0.1:x@elsewhere/.
loopback_url() {
    authority=${1#*://}
    authority=${authority%%[/?#]*}
    hostport=${authority##*@}
    case "$hostport" in
        '[::1]'*) port=${hostport#'[::1]'} ;;
        127.0.0.1*) port=${hostport#127.0.0.1} ;;
        localhost*) port=${hostport#localhost} ;;
        *) return 1 ;;
    esac
    case "$port" in
        '') return 0 ;;
        :*[!0-9]*) return 1 ;;
        :*) return 0 ;;
        *) return 1 ;;
    esac
}
case "$url" in
    https://*) ;;
    http://*)
        loopback_url "$url" || die "refusing plain http from $url" \
            "plain http is allowed only when the host itself is 127.0.0.1, [::1] or localhost; use an https URL in GOVER_INSTALL_URL"
        ;;
    *) die "GOVER_INSTALL_URL must be an https URL, not $url" ;;
esac

case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no gover release for this machine ($(uname -m))" "build from source: see the README" ;;
esac
case "$(uname -s)" in
    Linux) target=$arch-unknown-linux-gnu ;;
    Darwin) target=$arch-apple-darwin ;;
    *) die "no gover release for $(uname -s)" "build from source: see the README" ;;
esac

if command -v curl >/dev/null 2>&1; then
    fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
    fetch() { wget -q -O "$2" "$1"; }
else
    die "neither curl nor wget is installed" "install one of them and run this again"
fi
if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
    die "neither sha256sum nor shasum is installed" "install coreutils (or perl's shasum)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gover-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$version" ]; then
    fetch "$url/VERSION" "$tmp/VERSION" || die "cannot download $url/VERSION" "check GOVER_INSTALL_URL and your network"
    version=$(head -n 1 "$tmp/VERSION" | tr -d '\r')
fi
# The version becomes part of a file name and a URL: only plain version characters.
case "$version" in
    '' | *[!0-9A-Za-z.+-]*) die "not a gover version: '$version'" ;;
esac

name=gover-$version-$target
say "Downloading $url/$name.tar.gz"
fetch "$url/$name.tar.gz" "$tmp/$name.tar.gz" ||
    die "cannot download $url/$name.tar.gz" "check the version and GOVER_INSTALL_URL; releases exist for x86_64/aarch64 Linux and macOS"
fetch "$url/$name.tar.gz.sha256" "$tmp/$name.tar.gz.sha256" ||
    die "cannot download $url/$name.tar.gz.sha256"
expected=$(cut -d ' ' -f 1 <"$tmp/$name.tar.gz.sha256" | head -n 1 | tr 'A-F' 'a-f')
case "$expected" in
    *[!0-9a-f]*) die "$url/$name.tar.gz.sha256 does not hold a sha256" ;;
esac
[ "${#expected}" -eq 64 ] || die "$url/$name.tar.gz.sha256 does not hold a sha256"
actual=$(sha256 "$tmp/$name.tar.gz")
[ "$actual" = "$expected" ] ||
    die "checksum mismatch for $name.tar.gz: expected $expected, got $actual" \
        "the download is damaged or was tampered with; nothing was installed"

mkdir "$tmp/x"
(cd "$tmp/x" && gzip -dc "../$name.tar.gz" | tar -xf -) ||
    die "cannot unpack $name.tar.gz" "nothing was installed"
for exe in gover gover-shim; do
    f=$tmp/x/$name/$exe
    [ -f "$f" ] && [ ! -L "$f" ] || die "$name.tar.gz has no $name/$exe" "nothing was installed"
done

mkdir -p "$dir" || die "cannot create $dir"
# Each binary is copied under a temporary name in DIR and renamed over the old one (a running
# gover keeps its old file), the shim first: a gover never sits next to an older shim.
for exe in gover-shim gover; do
    cp "$tmp/x/$name/$exe" "$dir/.$exe.new.$$" && chmod 755 "$dir/.$exe.new.$$" &&
        mv -f "$dir/.$exe.new.$$" "$dir/$exe" ||
        { rm -f "$dir/.$exe.new.$$"; die "cannot install $dir/$exe" "check that $dir is writable"; }
done

say "Installed gover $version to $dir (gover and gover-shim; keep them side by side)."
say "Next, the newest Go and then gover's PATH block in your shells' startup files:"
say "  $dir/gover install latest && $dir/gover setup"
say "New shells then find both \`go\` and \`gover\` by name."
