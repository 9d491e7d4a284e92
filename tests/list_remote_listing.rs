//! `list --remote` reads a compact form of the cached index (`cache/index-list.json`) while
//! the cache is fresh: same output as from the whole index, used only while it matches the
//! cache's metadata, and held to the same name checks.
//!
//! See: issue 16 item 4.

mod common;

use std::fs;

use common::{Release, TestContext};

fn context() -> TestContext {
    let mut ctx = TestContext::with_releases(&["1.21.3", "1.22.5", "1.22.6", "1.23rc1"]);
    // A release go.dev lists without a checksum (as go1.2.2 to go1.5.2): `list` marks it.
    let mut old = Release::fake("1.4.3");
    old.sha256 = String::new();
    ctx.publish(old);
    ctx.set_env("GOVER_INDEX_TTL", "1h");
    ctx
}

fn listing(ctx: &TestContext) -> serde_json::Value {
    let text = fs::read_to_string(ctx.gover_home.join("cache/index-list.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn write_listing(ctx: &TestContext, value: &serde_json::Value) {
    fs::write(
        ctx.gover_home.join("cache/index-list.json"),
        serde_json::to_vec(value).unwrap(),
    )
    .unwrap();
}

#[test]
fn the_compact_form_lists_exactly_what_the_whole_index_does() {
    let ctx = context();
    ctx.install("1.22.5");
    let fetched_all = ctx.gover(["list", "--remote", "--all"]);
    fetched_all.assert_success();
    let index = fs::metadata(ctx.gover_home.join("cache/index.json"))
        .unwrap()
        .len();
    let compact = fs::metadata(ctx.gover_home.join("cache/index-list.json"))
        .unwrap()
        .len();
    assert!(compact * 4 < index, "{compact} bytes against {index}");

    for args in [
        &["list", "--remote", "--all"][..],
        &["list", "--remote"],
        &["list", "--remote", "--all", "--json"],
    ] {
        // From the compact form (fresh cache) and from the whole index (compact form gone).
        let fast = ctx.gover(args);
        fast.assert_success();
        fs::remove_file(ctx.gover_home.join("cache/index-list.json")).unwrap();
        let whole = ctx.gover(args);
        whole.assert_success();
        assert_eq!(fast.stdout, whole.stdout, "{args:?}");
        // Rebuild the compact form for the next round: a fetch writes it.
        ctx.gover_cmd(["list", "--remote"])
            .env("GOVER_INDEX_TTL", "0")
            .run()
            .assert_success();
    }
    assert_eq!(
        fetched_all.stdout,
        ctx.gover(["list", "--remote", "--all"]).stdout
    );
    assert!(
        fetched_all.stdout.contains("1.4.3"),
        "{}",
        fetched_all.stdout
    );
    assert!(
        fetched_all.stdout.contains("1.23rc1"),
        "{}",
        fetched_all.stdout
    );
}

#[test]
fn the_compact_form_is_used_only_while_it_matches_the_metadata() {
    let ctx = context();
    ctx.gover(["list", "--remote"]).assert_success();
    let mut value = listing(&ctx);
    let extra = serde_json::json!({"version": "go1.99.0", "stable": true, "files": []});
    value["releases"].as_array_mut().unwrap().insert(0, extra);
    write_listing(&ctx, &value);
    // It is what `list --remote` reads while the cache is fresh.
    let out = ctx.gover(["list", "--remote", "--all"]);
    assert!(out.stdout.contains("1.99.0"), "{}", out.stdout);

    // Made from other bytes than the metadata describes: not used.
    value["sha256"] = serde_json::json!("0".repeat(64));
    write_listing(&ctx, &value);
    let out = ctx.gover(["list", "--remote", "--all"]);
    out.assert_success();
    assert!(!out.stdout.contains("1.99.0"), "{}", out.stdout);
    assert!(out.stdout.contains("1.22.6"), "{}", out.stdout);
}

#[test]
fn an_unsafe_name_in_the_compact_form_is_not_used() {
    let ctx = context();
    ctx.gover(["list", "--remote"]).assert_success();
    let mut value = listing(&ctx);
    let evil = serde_json::json!({"version": "go1.99.0/../../x", "stable": true, "files": []});
    value["releases"].as_array_mut().unwrap().insert(0, evil);
    write_listing(&ctx, &value);
    let out = ctx.gover(["list", "--remote", "--all"]);
    out.assert_success();
    assert!(!out.stdout.contains("1.99"), "{}", out.stdout);
    assert!(out.stdout.contains("1.22.6"), "{}", out.stdout);
}

/// See: issue 22 item 13. An entry whose version is empty or not a Go release name is left out
/// with one warning; the rest of the index lists and installs as before (an empty version
/// failed the whole index).
#[test]
fn entries_with_an_empty_or_unparsable_version_are_skipped_with_one_warning() {
    let ctx = context();
    let mut index = ctx.index().as_array().unwrap().clone();
    for version in ["", "go1.22.x", "gox"] {
        index.push(serde_json::json!({"version": version, "stable": true, "files": []}));
    }
    ctx.mirror
        .serve_bytes("/index.json", serde_json::to_vec(&index).unwrap());

    let out = ctx.gover(["list", "--remote", "--all"]);
    out.assert_success();
    for version in ["1.21.3", "1.22.5", "1.22.6", "1.23rc1"] {
        out.assert_stdout_contains(version);
    }
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0].contains("skipped 3 releases in the index from")
            && warnings[0].contains("whose version is empty or not a Go release name"),
        "{out}"
    );
    ctx.install("1.22.6");
}
