//! The Docker multi-stage snippet of docs/shell.md (`gover setup`), run the way a container
//! build would run it but without a container engine: a build stage installs Go with gover from
//! one place, the final stage gets the binaries somewhere else and the build stage's are gone. The shims (links to
//! the build stage's gover-shim) dangle until the final stage's `gover setup` repoints them; then
//! `go` works through the shims, in `sh -lc` and in a plain `sh -c` with the image's PATH.

mod common;

use std::path::{Path, PathBuf};

use common::TestContext;
use common::release::Release;

const VERSION: &str = "1.22.5";

fn copy_exe(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `gover` and `gover-shim` copied into `dir`, as `COPY` or `cargo install` would put them.
fn binaries_in(dir: &Path) -> PathBuf {
    copy_exe(&common::gover_exe(), &dir.join("gover"));
    copy_exe(&common::shim_exe(), &dir.join("gover-shim"));
    dir.join("gover")
}

/// The snippet's instructions, comments dropped: what the test below runs, step by step.
const SNIPPET: &[&str] = &[
    "FROM rust:1-bookworm AS build",
    "COPY . /src",
    "RUN cargo install --locked --path /src",
    "RUN gover install 1.22.5 && gover use 1.22.5",
    "FROM debian:bookworm-slim",
    "COPY --from=build /usr/local/cargo/bin/gover /usr/local/cargo/bin/gover-shim /usr/local/bin/",
    "COPY --from=build /root/.gover /root/.gover",
    "RUN gover setup",
    "ENV PATH=/root/.gover/shims:$PATH",
    "RUN go version",
];

#[test]
fn the_docs_show_the_snippet_this_test_runs() {
    let block = common::docs::only_block("docs/shell.md", "## `gover setup`", "dockerfile");
    let instructions: Vec<&str> = block
        .lines()
        .map(|l| l.split(" #").next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(instructions, SNIPPET, "update this test with the snippet");
}

// See: issue 14.7
#[test]
fn the_dockerfile_snippet_leaves_working_shims_after_the_binaries_move() {
    let ctx = TestContext::builder()
        .home("root")
        .gover_home("root/.gover")
        .env("PATH", "/usr/bin:/bin")
        .build();
    ctx.publish(Release::fake(VERSION));

    // Build stage: RUN gover install 1.22.5 && gover use 1.22.5
    let build_bin = ctx.root.join("build/usr/local/cargo/bin");
    let build_gover = binaries_in(&build_bin);
    for args in [["install", VERSION], ["use", VERSION]] {
        ctx.command(&build_gover).args(args).run().assert_success();
    }
    let shim = ctx.shim_path("go");
    assert_eq!(
        std::fs::read_link(&shim).unwrap(),
        build_bin.join("gover-shim")
    );

    // Final stage: COPY --from=build the binaries to /usr/local/bin and /root/.gover as is;
    // the build stage (and its binaries) are gone.
    let final_bin = ctx.root.join("final/usr/local/bin");
    let final_gover = binaries_in(&final_bin);
    std::fs::remove_dir_all(ctx.root.join("build")).unwrap();
    let image_path = format!(
        "{}:{}:/usr/bin:/bin",
        ctx.shims_dir().display(),
        final_bin.display()
    );
    let dangling = ctx
        .command("/bin/sh")
        .args(["-c", "go version"])
        .env("PATH", &image_path)
        .run();
    assert!(
        !dangling.status.success(),
        "the shims should dangle before setup: {dangling}"
    );

    // RUN gover setup
    let out = ctx
        .command(&final_gover)
        .arg("setup")
        .env("PATH", &image_path)
        .run();
    out.assert_success();
    assert_eq!(
        std::fs::read_link(&shim).unwrap(),
        final_bin.join("gover-shim")
    );

    // ENV PATH=/root/.gover/shims:$PATH, then RUN go version (sh -c) and a login shell.
    for flags in [&["-c"][..], &["-l", "-c"][..]] {
        let out = ctx
            .command("/bin/sh")
            .args(flags)
            .arg("go version")
            .env("PATH", &image_path)
            .run();
        assert!(
            out.stdout.contains(&format!("go version go{VERSION} ")),
            "sh {flags:?}: {out}"
        );
    }
}
