#!/usr/bin/env python3
"""gover's benchmark: every row of docs/performance.md's table, each measured side by side
with its baseline in the same run, interleaved (A B, B A, A B, ...), reporting min/median/max of
each side and the median of the pairwise ratios.

Timings on shared 2-core machines are noisy, so nothing here asserts; it prints. Run it with
`scripts/bench.sh` (which builds the release binaries first).

Rows:
  shim     `go version` through the shim vs the real binary (also from dirs 20 and 120 levels
           deep, and in a module whose go.mod decides), timed by benches/alternate.c, which
           runs the commands in turn run by run; deep in the tree also against `go` given the
           shim's environment, next to benches/walk_model.c (the walk's system calls alone)
  install  `gover install` of a real Go release from a loopback mirror vs `curl -s URL | tar -xz`,
           and vs `curl -s URL | tar -xz && sync` (the floor for a durable unpack: gover syncs
           the tree before it publishes it, tar does not); and `go version` of the freshly
           installed binary vs the same bytes copied with `cp`
  proxy    `gover install --source proxy` of the same release as a golang.org/toolchain module zip
           from a loopback GOPROXY (verified by a loopback checksum database) vs
           `curl -so Z URL && unzip -q Z` of the same zip
  use      `gover use VERSION` vs `ln -sfn versions/VERSION current`
  shell    `bash -ic true` with gover's setup block vs a bare `bash -ic true`
  doctor   `gover doctor --json` with three other version managers' `go` shims and three Go
           SDKs on PATH vs the floor: starting the shells doctor probes and those `go version`s
           all at once (`... & ... & wait`)
  memory   peak RSS of `gover install` (from the install row)
  zip      `gover install --source proxy` vs `gover install` of the same release from its
           tarball, both into a GOVER_HOME on tmpfs (--tmpfs); and each of the two on every core
           vs the same pinned to one core (`taskset -c 0`): what the other cores bring
  tarball  `gover install` on tmpfs vs `curl -s URL | tar -xz` on tmpfs and vs `gzip -dc` of the
           archive alone (the inflate floor); and on disk vs `curl -s URL | tar -xz && sync`
  small    `gover current`, `which go`, `env` and `list` against the cheapest program printing
           the same from the same files: `readlink $GOVER_HOME/current`, `readlink -f` of
           `current/bin/go`, `printenv PATH`, `ls $GOVER_HOME/versions`; timed run by run
"""

import argparse
import functools
import hashlib
import http.server
import io
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def go_version_of(go_dir: Path) -> str:
    first = (go_dir / "VERSION").read_text().splitlines()[0].strip()
    assert first.startswith("go"), f"{go_dir}/VERSION does not start with a go version"
    return first[2:]


def repackage(go_dir: Path, version: str, out_dir: Path) -> Path:
    """The Debian toolchain in the official layout: top dir `go/`, symlinks dereferenced."""
    out = out_dir / f"go{version}.linux-amd64.tar.gz"
    if out.exists():
        return out
    log(f"repackaging {go_dir} as {out.name} ...")
    tmp = out.with_suffix(".tmp")
    subprocess.run(
        ["tar", "--dereference", "-C", str(go_dir.parent), "-czf", str(tmp),
         f"--transform=s,^{go_dir.name},go,", go_dir.name],
        check=True,
    )
    tmp.rename(out)
    return out


def write_index(mirror: Path, releases):
    """`releases`: (version, archive) pairs, newest first."""
    entries = []
    for version, archive in releases:
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        entries.append({
            "version": f"go{version}", "stable": True,
            "files": [{"filename": archive.name, "os": "linux", "arch": "amd64",
                       "version": f"go{version}", "sha256": digest,
                       "size": archive.stat().st_size, "kind": "archive"}],
        })
    (mirror / "index.json").write_text(json.dumps(entries))


def next_patch(version: str) -> str:
    parts = version.split(".")
    if len(parts) == 3:
        return f"{parts[0]}.{parts[1]}.{int(parts[2]) + 1}"
    return f"{version}.1"


CHANGED_FILES = 40


def fake_patch_release(archive: Path, version: str, new_version: str, out_dir: Path) -> Path:
    """There are no two patch releases of one minor on this machine: make `new_version` from
    `archive` with its own VERSION and CHANGED_FILES .go files under src/ edited (a comment
    appended), everything else byte-identical (as between real patch releases, except that
    real ones also rebuild the binaries in bin/ and pkg/tool/, ~100 MiB of the tree)."""
    out = out_dir / f"go{new_version}.linux-amd64.tar.gz"
    if out.exists():
        return out
    log(f"making the fake patch release {out.name} ...")
    tmp = out.with_suffix(".tmp")
    changed = 0
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tmp, "w:gz", compresslevel=6) as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "go/VERSION":
                data = data.replace(f"go{version}".encode(), f"go{new_version}".encode(), 1)
            elif (data is not None and changed < CHANGED_FILES and member.name.startswith("go/src/")
                  and member.name.endswith(".go") and "testdata" not in member.name):
                data += b"\n// patched\n"
                changed += 1
            if data is not None:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)
    tmp.rename(out)
    return out


PLATFORMS = [("aix", "ppc64"), ("darwin", "amd64"), ("darwin", "arm64"), ("dragonfly", "amd64"),
             ("freebsd", "386"), ("freebsd", "amd64"), ("freebsd", "arm"), ("freebsd", "arm64"),
             ("freebsd", "riscv64"), ("illumos", "amd64"), ("linux", "386"), ("linux", "amd64"),
             ("linux", "arm64"), ("linux", "armv6l"), ("linux", "loong64"), ("linux", "mips"),
             ("linux", "mips64"), ("linux", "mips64le"), ("linux", "mipsle"), ("linux", "ppc64"),
             ("linux", "ppc64le"), ("linux", "riscv64"), ("linux", "s390x"), ("netbsd", "386"),
             ("netbsd", "amd64"), ("netbsd", "arm"), ("netbsd", "arm64"), ("openbsd", "amd64")]


def full_size_index(path: Path, releases: int = 355):
    """An index the size of go.dev's `include=all` one: `releases` releases of ~31 files each
    (28 archives, the source, two installers) with realistic field values."""
    rng = random.Random(16)
    versions = []
    minor = 23
    while len(versions) < releases:
        versions += [f"1.{minor}.{p}" if p else f"1.{minor}" for p in range(14, -1, -1)]
        versions += [f"1.{minor}rc{n}" for n in (2, 1)] + [f"1.{minor}beta{n}" for n in (2, 1)]
        minor -= 1
    entries = []
    for v in versions[:releases]:
        stable = "rc" not in v and "beta" not in v
        files = [{"filename": f"go{v}.src.tar.gz", "os": "", "arch": "", "version": f"go{v}",
                  "sha256": "%064x" % rng.getrandbits(256), "size": rng.randint(2e7, 3e7), "kind": "source"}]
        for os_, arch in PLATFORMS:
            ext = "zip" if os_ == "windows" else "tar.gz"
            files.append({"filename": f"go{v}.{os_}-{arch}.{ext}", "os": os_, "arch": arch,
                          "version": f"go{v}", "sha256": "%064x" % rng.getrandbits(256),
                          "size": rng.randint(6e7, 9e7), "kind": "archive"})
        for os_, arch, ext in (("darwin", "amd64", "pkg"), ("windows", "amd64", "msi")):
            files.append({"filename": f"go{v}.{os_}-{arch}.{ext}", "os": os_, "arch": arch,
                          "version": f"go{v}", "sha256": "%064x" % rng.getrandbits(256),
                          "size": rng.randint(6e7, 9e7), "kind": "installer"})
        entries.append({"version": f"go{v}", "stable": stable, "files": files})
    path.write_text(json.dumps(entries, indent=1))
    return sum(len(e["files"]) for e in entries)


def du_kib(path: Path) -> int:
    out = subprocess.run(["du", "-sk", str(path)], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[0])


MODULE = "golang.org/toolchain"


def module_zip(go_dir: Path, version: str, proxy_dir: Path):
    """The Debian toolchain as Go's release tooling packs a toolchain module (golang/build
    `internal/task/dl2mod.go`): regular files under `golang.org/toolchain@<v>/`, without api/,
    doc/, misc/, test/ and .github/, nested go.mod renamed _go.mod. Returns (module version,
    zip path, zip h1, go.mod h1) and writes the GOPROXY files beside the zip."""
    mv = f"v0.0.1-go{version}.linux-amd64"
    at = proxy_dir / MODULE / "@v"
    at.mkdir(parents=True, exist_ok=True)
    out = at / f"{mv}.zip"
    prefix = f"{MODULE}@{mv}/"
    if not out.exists():
        log(f"packing {go_dir} as {out.name} ...")
        import zipfile
        tmp = out.with_suffix(".tmp")
        names = []
        for dirpath, _, files in os.walk(go_dir, followlinks=True):
            for f in files:
                full = Path(dirpath) / f
                rel = full.relative_to(go_dir).as_posix()
                if rel.split("/")[0] in (".github", "api", "doc", "misc", "test") or not full.is_file():
                    continue
                names.append(rel)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for rel in sorted(names):
                name = rel[:-len("go.mod")] + "_go.mod" if rel == "go.mod" or rel.endswith("/go.mod") else rel
                z.write(go_dir / rel, prefix + name)
        tmp.rename(out)
    import zipfile
    lines = []
    with zipfile.ZipFile(out) as z:
        for info in z.infolist():
            lines.append((info.filename, hashlib.sha256(z.read(info)).hexdigest()))
    summary = "".join(f"{h}  {n}\n" for n, h in sorted(lines))
    zip_h1 = "h1:" + __import__("base64").b64encode(hashlib.sha256(summary.encode()).digest()).decode()
    go_mod = f"module {MODULE}\n".encode()
    mod_summary = f"{hashlib.sha256(go_mod).hexdigest()}  go.mod\n"
    mod_h1 = "h1:" + __import__("base64").b64encode(hashlib.sha256(mod_summary.encode()).digest()).decode()
    (at / f"{mv}.mod").write_bytes(go_mod)
    (at / f"{mv}.info").write_text(json.dumps({"Version": mv, "Time": "2024-07-02T20:18:42Z"}) + "\n")
    (at / "list").write_text(mv + "\n")
    return mv, out, zip_h1, mod_h1


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> str:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def stats(values):
    return min(values), statistics.median(values), max(values)


def fmt_time(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def hyperfine_medians(commands, env, cwd, runs: int, extra=()):
    """One hyperfine round of `commands`; returns their medians in seconds, in order."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            ["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--style", "none",
             *extra, "--export-json", out.name, *commands],
            check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
        )
        results = json.load(open(out.name))["results"]
    return [r["median"] for r in results]


def hyperfine_group(rounds, runs, commands, env, cwd, extra=()):
    """`rounds` hyperfine rounds over `commands`, reversing their order every other round.
    Returns, per command, the list of its per-round medians."""
    per_command = [[] for _ in commands]
    for i in range(rounds):
        order = list(range(len(commands)))
        if i % 2:
            order.reverse()
        medians = hyperfine_medians([commands[j] for j in order], env, cwd, runs, extra)
        for j, m in zip(order, medians):
            per_command[j].append(m)
    return per_command


def interleaved(rounds: int, measure_a, measure_b):
    """Alternate the order each round; returns (a values, b values, per-round ratios)."""
    a_vals, b_vals, ratios = [], [], []
    for i in range(rounds):
        if i % 2 == 0:
            a, b = measure_a(), measure_b()
        else:
            b, a = measure_b(), measure_a()
        a_vals.append(a)
        b_vals.append(b)
        ratios.append(a / b)
    return a_vals, b_vals, ratios


def alternate_group(driver, rounds, runs, commands, env, cwd, ignore_status=False):
    """Like `hyperfine_group`, with `benches/alternate.c` as the timer: within a round the
    commands take turns run by run (A B, B A, ...), so a drifting machine slows them alike.
    Falls back to hyperfine when there is no C compiler."""
    if driver is None:
        return hyperfine_group(rounds, runs, commands, env, cwd,
                               extra=("-i",) if ignore_status else ())
    argv = [str(driver), *(["-i"] if ignore_status else []), str(runs), "5"]
    for i, command in enumerate(commands):
        words = shlex.split(command)
        words[0] = shutil.which(words[0], path=env.get("PATH")) or words[0]
        argv += (["--"] if i else []) + words
    per_command = [[] for _ in commands]
    for _ in range(rounds):
        out = subprocess.run(argv, check=True, env=env, cwd=cwd, capture_output=True, text=True).stdout
        for j, ns in enumerate(out.split()):
            per_command[j].append(int(ns) / 1e9)
    return per_command


def alternate_driver(work: Path):
    """`benches/alternate.c` built into `work`, or None without a C compiler."""
    if shutil.which("cc") is None:
        return None
    exe = work / "alternate"
    cmd = ["cc", "-O2", "-o", str(exe), str(ROOT / "benches" / "alternate.c")]
    return exe if subprocess.run(cmd, stderr=subprocess.DEVNULL).returncode == 0 else None


def hyperfine_rows(rounds, runs, a, b, env, cwd):
    a_vals, b_vals = hyperfine_group(rounds, runs, [a, b], env, cwd)
    return a_vals, b_vals, [x / y for x, y in zip(a_vals, b_vals)]


def c_exec_shim(work: Path, target: Path, static: bool):
    """A minimal C shim that only `execv`s `target`: the floor for any exec-based shim."""
    if shutil.which("cc") is None:
        return None
    d = work / ("c-shim-static" if static else "c-shim")
    d.mkdir(exist_ok=True)
    src = d / "shim.c"
    src.write_text('#include <unistd.h>\nint main(int c, char **v) { (void)c; '
                   f'execv("{target}", v); return 127; }}\n')
    cmd = ["cc", "-O2", *(["-static"] if static else []), "-o", str(d / "go"), str(src)]
    if subprocess.run(cmd, stderr=subprocess.DEVNULL).returncode != 0:
        return None
    return d / "go"


def walk_models(work: Path, target: Path):
    """`benches/walk_model.c` built twice for `target`: the system calls the shim's walk makes and
    nothing else, then the execve (the floor of a walking shim); and the execve alone (the floor
    of any shim that execs). None without a C compiler that builds freestanding x86_64 code."""
    if shutil.which("cc") is None:
        return None
    built = []
    for walk in (1, 0):
        exe = work / f"walk-model-{walk}"
        cmd = ["cc", "-O2", "-nostdlib", "-static", "-fno-stack-protector", f"-DWALK={walk}",
               f'-DTOOL="{target}"', "-o", str(exe), str(ROOT / "benches" / "walk_model.c")]
        if subprocess.run(cmd, stderr=subprocess.DEVNULL).returncode != 0:
            return None
        built.append(exe)
    return built


# The start-up modes `gover doctor` probes (src/doctor/probe.rs), each running what it runs.
DOCTOR_MODES = [("bash", "-l -c"), ("bash", "-i -c"), ("bash", "-c"), ("zsh", "-c"),
                ("zsh", "-l -i -c"), ("fish", "-c"), ("sh", "-l -c")]


def doctor_row(gover, env, scratch, args, row, driver):
    """`gover doctor` with other managers' `go` on PATH vs starting its shells and those gos at
    once: the floor for a doctor that runs them in parallel."""
    sdks = [Path(f"/usr/lib/go-{v}/bin") for v in ("1.19", "1.21", "1.23")]
    sdks = [d for d in sdks if (d / "go").is_file()]
    if not sdks:
        log("doctor row skipped: no /usr/lib/go-1.x toolchains")
        return
    home = scratch / "doctor-home"
    home.mkdir()
    e = dict(env, HOME=str(home))
    subprocess.run([str(gover), "setup"], check=True, env=e,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Shims the way goenv, asdf and mise put them on PATH: a script that execs a real go.
    managers = []
    for i, name in enumerate(("goenv", "asdf", "mise")):
        d = scratch / name / "shims"
        d.mkdir(parents=True)
        (d / "go").write_text(f"#!/bin/bash\nexec {sdks[i % len(sdks)]}/go \"$@\"\n")
        (d / "go").chmod(0o755)
        managers.append(d)
    gos = [d / "go" for d in managers + sdks]
    shims = Path(env["GOVER_HOME"]) / "shims"
    e["PATH"] = ":".join([str(shims)] + [str(d) for d in managers + sdks] + ["/usr/bin", "/bin"])
    probes = [f"{shutil.which(s) or s} {flags} 'command -v go' >/dev/null 2>&1 </dev/null"
              for s, flags in DOCTOR_MODES if shutil.which(s)]
    versions = [f"GOTOOLCHAIN=local {g} version >/dev/null" for g in gos]
    floor = " & ".join(probes + versions) + " & wait"
    (scratch / "floor.sh").write_text(floor + "\n")
    # Run by run (benches/alternate.c): hyperfine's blocks of one command's runs let a drifting
    # VM move this row by more than its margin. doctor exits non-zero for what it finds.
    a, b = alternate_group(driver, args.rounds, max(5, args.runs // 4),
                           [f"{gover} doctor --json", f"/bin/sh {scratch / 'floor.sh'}"],
                           e, home, ignore_status=True)
    row(f"`gover doctor`, {len(gos)} other `go`s on PATH",
        "its shells and those `go version`s, all at once", a, b,
        [x / y for x, y in zip(a, b)], "<= 1.5x")


def timed(cmd, env, cwd=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--go-dir", default="/usr/lib/go-1.22", type=Path,
                        help="a Go toolchain to repackage as the release (default /usr/lib/go-1.22)")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds per row")
    parser.add_argument("--runs", type=int, default=40, help="timed runs per command per round (hyperfine, or benches/alternate.c for the shim rows)")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    parser.add_argument("--rows", default="shim,install,proxy,store,use,shell,doctor,list,zip,tarball,small",
                        help="comma-separated rows to run (see the list above)")
    parser.add_argument("--tmpfs", type=Path, default=Path("/dev/shm"),
                        help="a tmpfs dir for the zip and tarball rows (default /dev/shm)")
    parser.add_argument("--bin-dir", type=Path, default=RELEASE,
                        help="where gover and gover-shim are (default target/release; scripts/bench.sh passes "
                             "the build scripts/release.sh ships: glibc linked statically)")
    parser.add_argument("--threads", default="", help="also time installs with these GOVER_UNPACK_THREADS values, e.g. 1,2,4,8")
    args = parser.parse_args()
    rows = set(args.rows.split(","))

    args.bin_dir = args.bin_dir.resolve()
    gover = args.bin_dir / "gover"
    for exe in (gover, args.bin_dir / "gover-shim"):
        if not exe.exists():
            sys.exit(f"{exe} is missing: run scripts/bench.sh (it builds the release binaries)")
    for tool in ("hyperfine", "curl", "tar"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install {tool})")

    args.work.mkdir(parents=True, exist_ok=True)
    mirror = args.work / "mirror"
    mirror.mkdir(exist_ok=True)
    version = go_version_of(args.go_dir)
    archive = repackage(args.go_dir, version, mirror)
    releases = [(version, archive)]
    if "store" in rows:
        patch = next_patch(version)
        releases.insert(0, (patch, fake_patch_release(archive, version, patch, mirror)))
    write_index(mirror, releases)
    base = serve(mirror)
    url = f"{base}/{archive.name}"

    scratch = Path(tempfile.mkdtemp(prefix="gover-bench-", dir=args.work))
    # benches/alternate.c: the timer of the rows timed run by run (shim, shell, doctor).
    driver = alternate_driver(scratch)
    home = scratch / "home"
    env = dict(os.environ, GOVER_HOME=str(home), GOVER_INDEX_URL=f"{base}/index.json",
               GOVER_DIST_URL=f"{base}/", GOVER_INDEX_TTL="0")
    env.pop("GOVER_VERSION", None)
    subprocess.run([str(gover), "install", version], check=True, env=env, stderr=subprocess.DEVNULL)
    disk_lines = []

    table = []

    def row(name, baseline, a_vals, b_vals, ratios, target):
        table.append((name, baseline, stats(a_vals), stats(b_vals), statistics.median(ratios), target))
        log(f"{name}: median ratio {statistics.median(ratios):.3f}x")

    real_go = home / "versions" / version / "bin" / "go"
    shim = home / "shims" / "go"
    if "shim" in rows:
        log("shim rows ...")
        # The shims under test, each a `go` link in its own dir (the shim dispatches on argv[0]).
        shims = [("`go version` via shim", shim)]
        for static in (False, True):
            c = c_exec_shim(scratch, real_go, static)
            if c:
                shims.append((f"reference: minimal C `execv` shim ({'static' if static else 'dynamic'})", c))
        # Depth below the scratch dir; the scratch dir itself sits a few levels down already.
        deep20 = scratch.joinpath(*[f"d{i}" for i in range(20)])
        deep20.mkdir(parents=True)
        deep120 = scratch.joinpath(*[f"d{i}" for i in range(120)])
        deep120.mkdir(parents=True)
        # A module whose go.mod asks for at least this minor line: the walk finds go.mod, then
        # the newest installed match is picked from versions/.
        module = scratch / "module" / "pkg"
        module.mkdir(parents=True)
        major, minor = version.split(".")[:2]
        (module.parent / "go.mod").write_text(f"module example.com/m\n\ngo {major}.{minor}\n")
        places = (("", scratch, "<= 1.15x"), (", 20 dirs deep", deep20, "<= 1.05x"),
                  (", 120 dirs deep", deep120, "<= 1.10x"),
                  (", in a module (go.mod `go 1.N`)", module, "<= 1.15x"))
        # The C models of the walk, for the rows deep in the tree (see below).
        models = walk_models(scratch, real_go) or []
        model_names = ["reference: C model of the walk (its system calls, then execve)",
                       "reference: C model, execve only"]
        for where, cwd, target in places:
            commands = [f"{exe} version" for _, exe in shims] + [f"{real_go} version"]
            medians = alternate_group(driver, args.rounds, args.runs, commands, env, cwd)
            base = medians[-1]
            for (name, _), vals in zip(shims, medians):
                if where and name.startswith("reference"):
                    continue
                row(name + where, "real `go version`", vals, base,
                    [x / y for x, y in zip(vals, base)], target if not name.startswith("reference") else "—")
            if not where.endswith("deep"):
                continue
            # The shim's own cost alone: `go` with the environment the shim gives it. The shim
            # sets GOTOOLCHAIN=local, which spares `go` its own walk up the tree for go.mod and
            # go.work, so against plain `go version` the shim also gains that walk back.
            # With the C models beside it: what the walk's system calls alone cost here, and what
            # an execve alone costs, so the row shows how much of its cost any walking shim pays.
            same = dict(env, GOTOOLCHAIN="local", GOROOT=str(real_go.parent.parent))
            commands = [f"{shim} version", *(f"{m} version" for m in models), f"{real_go} version"]
            medians = alternate_group(driver, args.rounds, args.runs, commands, same, cwd)
            base = medians[-1]
            for name, vals in zip(["`go version` via shim", *model_names[:len(models)]], medians):
                row(f"{name}{where}", "`go version`, GOROOT and GOTOOLCHAIN=local set",
                    vals, base, [x / y for x, y in zip(vals, base)],
                    "—" if name.startswith("reference") else target)

    peak_kb = []
    if "install" in rows:
        log("install rows ...")
        inst_home = scratch / "inst"
        out = scratch / "out"

        def gover_install():
            shutil.rmtree(inst_home, ignore_errors=True)
            os.sync()
            e = dict(env, GOVER_HOME=str(inst_home))
            start = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-v", str(gover), "install", version], env=e,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
            took = time.perf_counter() - start
            for line in p.stderr.splitlines():
                if "Maximum resident set size" in line:
                    peak_kb.append(int(line.split(":")[1]))
            return took

        def curl_tar():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            os.sync()
            return timed(["sh", "-c", f"curl -s {url} | tar -xz -C {out}"], env)

        def curl_tar_sync():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            os.sync()
            return timed(["sh", "-c", f"curl -s {url} | tar -xz -C {out} && sync"], env)

        a, b, r = interleaved(args.rounds, gover_install, curl_tar)
        row("`gover install` (70 MB, verified, synced)", "`curl -s URL \\| tar -xz`", a, b, r, "<= 0.80x")
        a, b, r = interleaved(args.rounds, gover_install, curl_tar_sync)
        row("`gover install` (70 MB, verified, synced)", "`curl -s URL \\| tar -xz && sync`", a, b, r, "<= 1x")
        for t in filter(None, args.threads.split(",")):
            env_t = dict(env, GOVER_UNPACK_THREADS=t)
            saved = dict(env)
            env.clear()
            env.update(env_t)
            a, b, r = interleaved(args.rounds, gover_install, curl_tar)
            env.clear()
            env.update(saved)
            row(f"`gover install`, {t} writer thread(s)", "`curl -s URL \\| tar -xz`", a, b, r, "(tuning)")
        # `go version` of the binary gover just wrote (still in the page cache, as written)
        # vs the same bytes copied with `cp` beside it (so both find the same GOROOT): a file
        # written in small pieces starts measurably slower while it is cached.
        gover_install()
        fresh_go = inst_home / "versions" / version / "bin" / "go"
        copied_go = fresh_go.with_name("go-cp")
        subprocess.run(["cp", str(fresh_go), str(copied_go)], check=True)
        a, b, r = hyperfine_rows(args.rounds, args.runs, f"{fresh_go} version",
                                 f"{copied_go} version", env, scratch)
        row("`go version` right after install", "the same binary copied with `cp`", a, b, r, "<= 1.05x")
        shutil.rmtree(inst_home, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    def proxy_env():
        """The loopback GOPROXY and checksum database serving the release as a module zip (made
        once): gover's environment for it, the zip's URL and its path."""
        proxy_dir = args.work / "goproxy"
        mv, zip_path, zip_h1, mod_h1 = module_zip(args.go_dir, version, proxy_dir)
        db_name = "sum.bench.test"
        shutil.rmtree(proxy_dir / "sumdb", ignore_errors=True)
        vkey = subprocess.run(
            [str(ROOT / "target" / "release" / "examples" / "static_sumdb"), str(proxy_dir), db_name,
             MODULE, mv, zip_h1, mod_h1],
            check=True, capture_output=True, text=True).stdout.strip()
        proxy_base = serve(proxy_dir)
        modcache = scratch / "empty-modcache"
        penv = dict(env, GOVER_SOURCE="proxy", GOPROXY=proxy_base, GOSUMDB=vkey,
                    GOMODCACHE=str(modcache), GOENV="off")
        return penv, f"{proxy_base}/{MODULE}/@v/{mv}.zip", zip_path

    if "proxy" in rows:
        log("proxy rows ...")
        penv, zip_url, zip_path = proxy_env()
        inst_home = scratch / "pinst"
        out = scratch / "pout"

        def proxy_install():
            shutil.rmtree(inst_home, ignore_errors=True)
            os.sync()
            return timed([str(gover), "install", version], dict(penv, GOVER_HOME=str(inst_home)))

        def curl_unzip():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            os.sync()
            return timed(["sh", "-c", f"curl -so {out}/z.zip {zip_url} && unzip -q {out}/z.zip -d {out}"], env)

        a, b, r = interleaved(args.rounds, proxy_install, curl_unzip)
        size = zip_path.stat().st_size // 1_000_000
        row(f"`gover install --source proxy` ({size} MB zip, verified)", "`curl -so Z URL && unzip -q Z`",
            a, b, r, "<= the tarball row's ratio")
        shutil.rmtree(inst_home, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    # Issue 25: the rows on tmpfs (no disk in the way: what is left is CPU work and how it is
    # spread over the cores), each against its floor in the same run.
    tmpfs = Path(tempfile.mkdtemp(prefix="gover-bench-", dir=args.tmpfs)) if rows & {"zip", "tarball"} else None

    def install_into(home: Path, e, pin=()):
        def go():
            shutil.rmtree(home, ignore_errors=True)
            return timed([*pin, str(gover), "install", version], dict(e, GOVER_HOME=str(home)))
        return go

    if "zip" in rows:
        log("zip rows ...")
        penv, _, zip_path = proxy_env()
        size = zip_path.stat().st_size // 1_000_000
        a, b, r = interleaved(args.rounds, install_into(tmpfs / "zip", penv), install_into(tmpfs / "tgz", env))
        row(f"`gover install --source proxy` ({size} MB zip), tmpfs", "`gover install` of the same release (tarball), tmpfs",
            a, b, r, "<= 0.5x")
        one_core = ("taskset", "-c", "0")
        a, b, r = interleaved(args.rounds, install_into(tmpfs / "zip", penv), install_into(tmpfs / "zip1", penv, one_core))
        row(f"`gover install --source proxy` ({size} MB zip), tmpfs, {os.cpu_count()} cores", "the same on one core", a, b, r, "—")
        a, b, r = interleaved(args.rounds, install_into(tmpfs / "tgz", env), install_into(tmpfs / "tgz1", env, one_core))
        row(f"`gover install` (tarball), tmpfs, {os.cpu_count()} cores", "the same on one core", a, b, r, "—")
        shutil.rmtree(tmpfs / "zip1", ignore_errors=True)
        shutil.rmtree(tmpfs / "tgz1", ignore_errors=True)
        shutil.rmtree(tmpfs / "zip", ignore_errors=True)
        shutil.rmtree(tmpfs / "tgz", ignore_errors=True)

    if "tarball" in rows:
        log("tarball rows ...")

        def curl_tar_into(out: Path, then: str = ""):
            def go():
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                os.sync()
                return timed(["sh", "-c", f"curl -s {url} | tar -xz -C {out}{then}"], env)
            return go

        def gzip_only():
            return timed(["sh", "-c", f"gzip -dc < {archive} > /dev/null"], env)

        a, b, r = interleaved(args.rounds, install_into(tmpfs / "tgz", env), curl_tar_into(tmpfs / "out"))
        row("`gover install` (70 MB, verified), tmpfs", "`curl -s URL \\| tar -xz`, tmpfs", a, b, r, "<= 0.5x")
        a, b, r = interleaved(args.rounds, install_into(tmpfs / "tgz", env), gzip_only)
        row("`gover install` (70 MB, verified), tmpfs", "`gzip -dc` of the archive alone", a, b, r, "—")
        disk_home, disk_out = scratch / "disk-inst", scratch / "disk-out"

        def disk_install():
            shutil.rmtree(disk_home, ignore_errors=True)
            os.sync()
            return install_into(disk_home, env)()

        a, b, r = interleaved(args.rounds, disk_install, curl_tar_into(disk_out, " && sync"))
        row("`gover install` (70 MB, verified, synced), disk", "`curl -s URL \\| tar -xz && sync`, disk",
            a, b, r, "<= 1x")
        for d in (tmpfs / "tgz", tmpfs / "out", disk_home, disk_out):
            shutil.rmtree(d, ignore_errors=True)

    if "small" in rows:
        log("small command rows ...")
        # Each command against the cheapest program that prints the same thing from the same
        # files: its floor (run by run, as the shim rows).
        gh = Path(env["GOVER_HOME"])
        pairs = [
            ("`gover current`", f"{gover} current", "`readlink $GOVER_HOME/current`",
             f"readlink {gh / 'current'}", "<= 1.3x"),
            ("`gover which go`", f"{gover} which go", "`readlink -f $GOVER_HOME/current/bin/go`",
             f"readlink -f {gh / 'current' / 'bin' / 'go'}", "<= 1.3x"),
            ("`gover env`", f"{gover} env", "`printenv PATH`", "printenv PATH", "<= 1.3x"),
            ("`gover list`", f"{gover} list", "`ls $GOVER_HOME/versions`", f"ls {gh / 'versions'}", "<= 1.3x"),
        ]
        for name, cmd, base_name, base, target in pairs:
            a, b = alternate_group(driver, args.rounds, args.runs, [cmd, base], env, scratch)
            row(name, base_name, a, b, [x / y for x, y in zip(a, b)], target)

    if "store" in rows:
        log("store rows ...")
        patch = releases[0][0]
        shared_home, fresh_home = scratch / "shared", scratch / "fresh"
        e_shared = dict(env, GOVER_HOME=str(shared_home))
        subprocess.run([str(gover), "install", version], check=True, env=e_shared,
                       stderr=subprocess.DEVNULL)

        def drop_cached_downloads(h: Path):
            shutil.rmtree(h / "cache" / "downloads", ignore_errors=True)

        def second_patch():
            if (shared_home / "versions" / patch).exists():
                subprocess.run([str(gover), "uninstall", patch], check=True, env=e_shared,
                               stderr=subprocess.DEVNULL)
            drop_cached_downloads(shared_home)
            os.sync()
            return timed([str(gover), "install", patch], e_shared)

        def fresh():
            shutil.rmtree(fresh_home, ignore_errors=True)
            os.sync()
            return timed([str(gover), "install", patch], dict(env, GOVER_HOME=str(fresh_home)))

        a, b, r = interleaved(args.rounds, second_patch, fresh)
        row(f"`gover install` of a 2nd patch release ({CHANGED_FILES} files differ), {version} installed",
            "the same install into an empty GOVER_HOME", a, b, r, "<= 0.33x")
        one = du_kib(fresh_home / "versions")
        both = du_kib(shared_home / "versions")
        disk_lines.append(
            f"| `du` of `versions/` added by the 2nd patch release | one full tree | "
            f"{both - one} KiB | {one} KiB | **{(both - one) / one:.3f}x** | <= 0.25x |")
        shutil.rmtree(shared_home, ignore_errors=True)
        shutil.rmtree(fresh_home, ignore_errors=True)

    if "list" in rows:
        log("list rows ...")
        full = scratch / "full-index"
        full.mkdir()
        files = full_size_index(full / "index.json")
        served = serve(full)
        big_home, small_home = scratch / "list-full", scratch / "list-small"
        e_big = dict(env, GOVER_HOME=str(big_home), GOVER_INDEX_URL=f"{served}/index.json",
                     GOVER_INDEX_TTL="100000")
        e_small = dict(env, GOVER_HOME=str(small_home), GOVER_INDEX_TTL="100000")
        for e in (e_big, e_small):  # fetch and cache each index once
            subprocess.run([str(gover), "list", "--remote", "--all"], check=True, env=e,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # hyperfine takes one environment: pass each home and index on the command line.
        cmd = "env GOVER_HOME={} GOVER_INDEX_URL={} {} list --remote"
        a, b, r = hyperfine_rows(args.rounds, args.runs,
                                 cmd.format(big_home, e_big["GOVER_INDEX_URL"], gover),
                                 cmd.format(small_home, env["GOVER_INDEX_URL"], gover),
                                 dict(env, GOVER_INDEX_TTL="100000"), scratch)
        row(f"`gover list --remote`, cached full-size index (355 releases, {files} files)",
            "the same with a 1-release index", a, b, r, "median <= 5 ms")

    if "use" in rows:
        log("use rows ...")
        links = scratch / "links"
        (links / "versions" / version).mkdir(parents=True)
        a, b, r = hyperfine_rows(args.rounds, args.runs, f"{gover} use {version}",
                                 f"ln -sfn versions/{version} current", env, links)
        row("`gover use VERSION`", "`ln -sfn A current`", a, b, r, "<= 2x")

    if "shell" in rows and shutil.which("bash"):
        log("shell rows ...")
        bare, setup = scratch / "bare", scratch / "setup"
        for h in (bare, setup):
            h.mkdir()
            (h / ".bashrc").write_text("")
        subprocess.run([str(gover), "setup", "--shell", "bash"], check=True,
                       env=dict(env, HOME=str(setup)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Run by run, as the shim rows: hyperfine's blocks drift on a shared VM.
        a, b = alternate_group(driver, args.rounds, args.runs,
                               [f"env HOME={setup} bash -ic true", f"env HOME={bare} bash -ic true"],
                               env, scratch)
        r = [x / y for x, y in zip(a, b)]
        row("`bash -ic true` with setup block", "bare `bash -ic true`", a, b, r, "<= 1.2x")

    if "doctor" in rows:
        log("doctor rows ...")
        doctor_row(gover, env, scratch, args, row, driver)

    shutil.rmtree(scratch, ignore_errors=True)
    if tmpfs:
        shutil.rmtree(tmpfs, ignore_errors=True)

    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    print(f"gover benchmark, {time.strftime('%Y-%m-%d')}, Go {version} ({archive.stat().st_size // 1_000_000} MB), "
          f"{os.cpu_count()} cores ({cpu}), {args.rounds} interleaved rounds"
          + (f" x {args.runs} runs per command" if rows & {'shim', 'use', 'shell', 'small'} else "")
          + f"; gover {'dynamically' if b'ld-linux' in gover.read_bytes()[:4096] else 'statically'} linked")
    print()
    print("| what | baseline | gover min / median / max | baseline min / median / max | median ratio | target |")
    print("|---|---|---|---|---|---|")
    for name, baseline, (amin, amed, amax), (bmin, bmed, bmax), ratio, target in table:
        print(f"| {name} | {baseline} | {fmt_time(amin)} / {fmt_time(amed)} / {fmt_time(amax)} | "
              f"{fmt_time(bmin)} / {fmt_time(bmed)} / {fmt_time(bmax)} | **{ratio:.2f}x** | {target} |")
    for line in disk_lines:
        print(line)
    if peak_kb:
        mib = [k / 1024 for k in peak_kb]
        print(f"| peak memory of `gover install` | — | {min(mib):.1f} / {statistics.median(mib):.1f} / {max(mib):.1f} MiB | — | — | <= 32 MiB |")


if __name__ == "__main__":
    main()
