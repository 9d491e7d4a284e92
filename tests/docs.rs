//! The documentation stays true to the tree: every relative link between README.md,
//! CONTRIBUTING.md and docs/*.md resolves to a file and heading, docs/configuration.md names
//! every environment variable the code reads (and no `GOVER_*` that nothing reads), and the one
//! test command is the same in the README, CONTRIBUTING.md and `.ci/run`.
//! See: issue 23, item 8.

mod common;

use std::path::{Path, PathBuf};

use common::docs::{anchors, broken_links, only_block, read, repo, slug};

#[test]
fn every_relative_link_resolves_to_a_file_and_heading() {
    let problems = broken_links(repo());
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_link_check_finds_missing_files_headings_and_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("docs")).unwrap();
    let write = |rel: &str, text: &str| std::fs::write(root.join(rel), text).unwrap();
    write(
        "README.md",
        "# Top\n\n## Two words\n\n[ok](docs/a.md#a-page) [ok](#two-words) [ok](docs/) \
         [gone](docs/gone.md) [bad](#nope) [code](`not a link`) `[x](hidden.md)`\n\n\
         ```sh\n[y](fenced.md)\n```\n\n[ext](https://example.com/x#y)\n",
    );
    write(
        "CONTRIBUTING.md",
        "# C\n\n[up](../outside.md) [readme](README.md#two-words) [bin](docs/b.txt#x)\n",
    );
    write(
        "docs/a.md",
        "# A page\n\n[back](../README.md#top) [miss](../README.md#two-word)\n",
    );
    write("docs/b.txt", "not markdown\n");

    let mut found = broken_links(root);
    found.sort();

    assert_eq!(
        found,
        [
            "CONTRIBUTING.md: ](../outside.md): leaves the documentation's root",
            "CONTRIBUTING.md: ](docs/b.txt#x): an anchor into a file that is not Markdown",
            "README.md: ](#nope): no such heading",
            "README.md: ](docs/gone.md): no such file",
            "docs/a.md: ](../README.md#two-word): no such heading",
        ]
    );
}

#[test]
fn anchors_are_the_ones_github_makes() {
    for (heading, anchor) in [
        (
            "Toolchains from a Go module proxy (`GOVER_SOURCE=proxy`)",
            "toolchains-from-a-go-module-proxy-gover_sourceproxy",
        ),
        ("`gover env`", "gover-env"),
        (
            "Mirrors, caching and offline use",
            "mirrors-caching-and-offline-use",
        ),
        ("See [the docs](x.md) here", "see-the-docs-here"),
    ] {
        assert_eq!(slug(heading), anchor, "{heading}");
    }
    assert_eq!(
        anchors("# A\n\n## A\n\n```sh\n# not a heading\n```\n\n## A\n"),
        ["a", "a-1", "a-2"]
    );
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// The string literal at the start of `text` (after its opening quote).
fn literal(text: &str) -> &str {
    &text[..text.find('"').unwrap_or(0)]
}

fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The environment variables the code names: `const X: &str = "X"` (a constant named after its
/// value, or any `GOVER_*` value) and literals passed to `var`, `var_os` or `var_raw`, in the
/// CLI, the shim and the workspace crates.
fn variables_in_code() -> Vec<String> {
    let mut dirs = vec![repo().join("src")];
    for krate in std::fs::read_dir(repo().join("crates")).unwrap().flatten() {
        dirs.push(krate.path().join("src"));
    }
    let mut names = Vec::new();
    for file in dirs
        .iter()
        .filter(|d| d.is_dir())
        .flat_map(|d| rust_files(d))
    {
        for line in read(&file).lines() {
            if let Some(at) = line.find("const ") {
                let decl = &line[at + "const ".len()..];
                if let Some((name, value)) = decl.split_once(": &str = \"") {
                    let value = literal(value);
                    if is_variable_name(value) && (value == name || value.starts_with("GOVER_")) {
                        names.push(value.to_owned());
                    }
                }
            }
            for call in ["var(\"", "var_os(\"", "var_raw(\""] {
                for (at, _) in line.match_indices(call) {
                    let value = literal(&line[at + call.len()..]);
                    if is_variable_name(value) {
                        names.push(value.to_owned());
                    }
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The variables in docs/configuration.md's table: the backticked names of each row's first cell.
fn variables_in_configuration_md() -> Vec<String> {
    let text = read(&repo().join("docs/configuration.md"));
    let mut names = Vec::new();
    for row in text.lines().filter(|l| l.starts_with("| `")) {
        let cell = row[1..].split('|').next().unwrap();
        names.extend(
            cell.split('`')
                .skip(1)
                .step_by(2)
                .filter(|n| is_variable_name(n))
                .map(str::to_owned),
        );
    }
    names
}

#[test]
fn configuration_md_names_every_variable_the_code_reads() {
    let documented = variables_in_configuration_md();
    let code = variables_in_code();
    // The scan itself works: names from gover's own list, the shim's, the proxy source's, and
    // a literal read.
    for name in [
        "GOVER_INDEX_URL",
        "GOVER_HOME",
        "GOPROXY",
        "NETRC",
        "COLUMNS",
    ] {
        assert!(
            code.iter().any(|c| c == name),
            "{name} not found in the code"
        );
    }
    let missing: Vec<&String> = code.iter().filter(|n| !documented.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "read by the code but not in docs/configuration.md: {missing:?}"
    );
    let rows: std::collections::BTreeSet<&String> = documented.iter().collect();
    assert_eq!(rows.len(), documented.len(), "a variable has two rows");
}

#[test]
fn every_gover_variable_in_configuration_md_is_read_somewhere() {
    let mut sources: Vec<PathBuf> = ["src", "crates"]
        .iter()
        .flat_map(|d| rust_files(&repo().join(d)))
        .collect();
    sources.push(repo().join("build.rs"));
    for script in std::fs::read_dir(repo().join("scripts")).unwrap().flatten() {
        sources.push(script.path());
    }
    let text: String = sources.iter().map(|p| read(p)).collect();
    let stale: Vec<String> = variables_in_configuration_md()
        .into_iter()
        .filter(|n| n.starts_with("GOVER_") && !text.contains(n.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "in docs/configuration.md but read nowhere: {stale:?}"
    );
}

#[test]
fn the_one_test_command_is_the_same_in_readme_contributing_and_ci() {
    let contributing = only_block("CONTRIBUTING.md", "## The one test command", "sh");
    let readme_text = read(&repo().join("README.md"));
    let building = common::docs::section(&readme_text, "### Building from source");
    assert!(
        building.contains("](CONTRIBUTING.md#the-one-test-command)"),
        "the README's Building from source must point at CONTRIBUTING.md's one test command"
    );
    assert!(
        common::docs::blocks(building, "sh").contains(&contributing),
        "the README's Building from source must show {contributing:?} as its own block"
    );
    let ci = read(&repo().join(".ci/run"));
    let last = ci
        .lines()
        .rfind(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap();
    assert_eq!(format!("{last}\n"), contributing, ".ci/run's last command");
    assert_eq!(
        contributing,
        "cargo nextest run --workspace --no-fail-fast\n"
    );
}
