//! The GitHub Action (`action.yml`), run the way a runner runs a composite action: each `run:`
//! step with its `shell:`, `env:` expressions evaluated, fresh `GITHUB_PATH`/`GITHUB_ENV`/
//! `GITHUB_OUTPUT` files per step whose contents feed the later steps, `CI` and
//! `GITHUB_ACTIONS` set. gover comes from the loopback release install.sh is pointed at, Go
//! from the loopback mirror. Also `gover setup` on a runner. See: issue 15, item 10.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::gover_release::{packed_release, repo};
use common::{Outcome, TestContext};

/// action.yml, parsed by a real YAML parser (PyYAML, `python3-yaml` in .ci/run) into JSON.
fn action() -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(repo().join("action.yml"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "parse action.yml: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from python")
}

/// What a run of the action left: its outputs and the PATH later steps get.
struct ActionRun {
    outputs: BTreeMap<String, String>,
    path: String,
    /// What the steps wrote to `GITHUB_ENV`: every later step of the job gets it.
    env: BTreeMap<String, String>,
    steps: Vec<Outcome>,
}

/// A GitHub runner in a sandbox.
struct Runner {
    ctx: TestContext,
    temp: PathBuf,
}

impl Runner {
    /// A sandbox whose mirror serves Go `versions` and gover's release at `/rel/`.
    fn new(versions: &[&str]) -> Runner {
        let ctx = TestContext::with_releases(versions);
        ctx.mirror.serve_dir("/rel/", packed_release());
        let temp = ctx.root.join("runner temp");
        std::fs::create_dir_all(&temp).unwrap();
        Runner { ctx, temp }
    }

    /// `${{ … }}` in `text`, for the expressions this action uses.
    fn eval(
        &self,
        text: &str,
        inputs: &BTreeMap<String, String>,
        steps: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("an expression ends") + start;
            let expr = rest[start + 3..end].trim();
            let value = if let Some(name) = expr.strip_prefix("inputs.") {
                inputs.get(name).cloned().unwrap_or_default()
            } else if expr == "github.action_path" {
                repo().display().to_string()
            } else if let Some(step) = expr.strip_prefix("steps.") {
                let (id, output) = step.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                steps
                    .get(id)
                    .and_then(|o| o.get(output))
                    .cloned()
                    .unwrap_or_default()
            } else {
                panic!("the runner stand-in does not know `{expr}`");
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Runs the action with `given` inputs in the workspace (the sandbox's project dir).
    fn run(&self, given: &[(&str, &str)]) -> Result<ActionRun, ActionRun> {
        let action = action();
        assert_eq!(action["runs"]["using"], "composite");
        let mut inputs = BTreeMap::new();
        for (name, spec) in action["inputs"].as_object().expect("inputs") {
            let default = spec["default"].as_str().unwrap_or_default();
            inputs.insert(name.clone(), default.to_owned());
        }
        for (name, value) in given {
            assert!(inputs.contains_key(*name), "action.yml has no input {name}");
            inputs.insert(name.to_string(), value.to_string());
        }
        let mut added_path: Vec<String> = Vec::new();
        let mut added_env: BTreeMap<String, String> = BTreeMap::new();
        let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut outcomes = Vec::new();
        let path_now = |added: &[String]| {
            let mut p: Vec<String> = added.iter().rev().cloned().collect();
            p.push("/usr/bin:/bin".into());
            p.join(":")
        };
        let mut failed = false;
        for (n, step) in action["runs"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let script = step["run"].as_str().expect("every step is a run: step");
            let file = self.temp.join(format!("step-{n}.sh"));
            std::fs::write(&file, script).unwrap();
            let files: Vec<PathBuf> = ["path", "env", "output"]
                .iter()
                .map(|kind| {
                    let f = self.temp.join(format!("{kind}-{n}"));
                    std::fs::write(&f, "").unwrap();
                    f
                })
                .collect();
            let run = match step["shell"].as_str().expect("a shell") {
                "sh" => self.ctx.command("sh").arg("-e").arg(&file),
                "bash" => self
                    .ctx
                    .command("bash")
                    .args(["--noprofile", "--norc", "-eo", "pipefail"])
                    .arg(&file),
                other => panic!("shell {other} is not one a Linux runner has"),
            };
            let mut run = run
                .env("PATH", path_now(&added_path))
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", &self.ctx.project)
                .env("RUNNER_TEMP", &self.temp)
                .env("GITHUB_PATH", &files[0])
                .env("GITHUB_ENV", &files[1])
                .env("GITHUB_OUTPUT", &files[2]);
            for (k, v) in &added_env {
                run = run.env(k, v);
            }
            if let Some(env) = step["env"].as_object() {
                for (k, v) in env {
                    let v = v.as_str().expect("env values are strings");
                    run = run.env(k, self.eval(v, &inputs, &step_outputs));
                }
            }
            let out = run.run();
            let ok = out.status.success();
            outcomes.push(out);
            added_path.extend(read_lines(&files[0]));
            for line in read_lines(&files[1]) {
                let (k, v) = line.split_once('=').expect("GITHUB_ENV lines are K=V");
                added_env.insert(k.into(), v.into());
            }
            if let Some(id) = step["id"].as_str() {
                let outputs = step_outputs.entry(id.to_owned()).or_default();
                for line in read_lines(&files[2]) {
                    let (k, v) = line.split_once('=').expect("GITHUB_OUTPUT lines are K=V");
                    outputs.insert(k.into(), v.into());
                }
            }
            if !ok {
                failed = true;
                break;
            }
        }
        let mut outputs = BTreeMap::new();
        for (name, spec) in action["outputs"].as_object().expect("outputs") {
            let value = spec["value"].as_str().expect("an output value");
            outputs.insert(name.clone(), self.eval(value, &inputs, &step_outputs));
        }
        let run = ActionRun {
            outputs,
            path: path_now(&added_path),
            env: added_env.into_iter().collect(),
            steps: outcomes,
        };
        if failed { Err(run) } else { Ok(run) }
    }

    /// A later step of the job: `script` with the PATH the action left, in the workspace.
    fn later_step(&self, run: &ActionRun, script: &str) -> Outcome {
        let mut step = self
            .ctx
            .command("sh")
            .args(["-c", script])
            .env("PATH", &run.path)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true");
        for (k, v) in &run.env {
            step = step.env(k, v);
        }
        step.run()
    }

    /// Everything in HOME except GOVER_HOME (`.gover`): must stay empty on a runner.
    fn home_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.ctx.home)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".gover")
            .collect();
        names.sort();
        names
    }

    fn workspace_file(&self, name: &str, text: &str) {
        std::fs::write(self.ctx.project.join(name), text).unwrap();
    }
}

fn read_lines(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn show(run: &ActionRun) -> String {
    run.steps
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn assert_go(runner: &Runner, run: &ActionRun, version: &str) {
    assert_eq!(
        run.outputs.get("go-version").map(String::as_str),
        Some(version),
        "{}",
        show(run)
    );
    let out = runner.later_step(run, "go version && command -v go && command -v gover");
    out.assert_success()
        .assert_stdout_contains(&format!("go version go{version} "));
    let shims = runner.ctx.home.join(".gover/shims/go");
    assert_eq!(out.lines()[1], shims.display().to_string(), "{out}");
    assert_eq!(
        out.lines()[2],
        runner
            .ctx
            .home
            .join(".gover/bin/gover")
            .display()
            .to_string()
    );
    assert_eq!(
        runner.home_entries(),
        Vec::<String>::new(),
        "no dotfiles on a runner"
    );
}

fn release_inputs(runner: &Runner) -> Vec<(&'static str, String)> {
    vec![("install-url", runner.ctx.mirror.url("/rel"))]
}

fn with<'a>(
    base: &'a [(&'static str, String)],
    more: &[(&'static str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    base.iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(more.iter().copied())
        .collect()
}

#[test]
fn go_version_file_go_mod_installs_its_toolchain_and_later_steps_run_it() {
    let runner = Runner::new(&["1.22.4", "1.22.5", "1.22.6", "1.21.13"]);
    runner.workspace_file(
        "go.mod",
        "module example.com/m\r\n\r\ngo 1.22 // the minimum\r\n\r\ntoolchain go1.22.5\r\n",
    );
    let base = release_inputs(&runner);

    let run = runner
        .run(&with(&base, &[("go-version-file", "go.mod")]))
        .unwrap_or_else(|r| panic!("{}", show(&r)));

    assert_go(&runner, &run, "1.22.5");
    assert_eq!(
        run.outputs["gover-home"],
        runner.ctx.home.join(".gover").display().to_string()
    );
    assert_eq!(runner.ctx.installed(), ["1.22.5"]);
}

#[test]
fn go_version_wins_over_the_file_and_a_minor_line_means_its_newest_patch() {
    let runner = Runner::new(&["1.21.12", "1.21.13", "1.22.5"]);
    runner.workspace_file(".tool-versions", "golang 1.22.5\n");
    let base = release_inputs(&runner);

    let run = runner
        .run(&with(
            &base,
            &[
                ("go-version", "1.21"),
                ("go-version-file", ".tool-versions"),
            ],
        ))
        .unwrap_or_else(|r| panic!("{}", show(&r)));

    // The shims read .tool-versions too, but the action exports GOVER_VERSION for an explicit
    // go-version, so 1.21.13 runs in later steps.
    assert_go(&runner, &run, "1.21.13");
    assert_eq!(runner.ctx.installed(), ["1.21.13"]);
}

#[test]
fn go_version_file_tool_versions_go_version_and_go_work() {
    for (file, text, version) in [
        (
            ".tool-versions",
            "nodejs 20.1.0\r\ngolang 1.22.4\r\n",
            "1.22.4",
        ),
        (
            ".go-version",
            "\u{feff}# team toolchain\n\ngo1.21.13\n",
            "1.21.13",
        ),
        ("go.work", "go 1.22.0\n\nuse ./a\n", "1.22.0"),
    ] {
        let runner = Runner::new(&["1.21.13", "1.22.0", "1.22.4", "1.22.5"]);
        runner.workspace_file(file, text);
        let base = release_inputs(&runner);

        let run = runner
            .run(&with(&base, &[("go-version-file", file)]))
            .unwrap_or_else(|r| panic!("{file}: {}", show(&r)));

        assert_go(&runner, &run, version);
    }
}

#[test]
fn with_no_version_input_the_workspace_decides() {
    let runner = Runner::new(&["1.21.13", "1.22.5"]);
    runner.workspace_file(".go-version", "1.21.13\n");
    let base = release_inputs(&runner);

    let run = runner
        .run(&with(&base, &[]))
        .unwrap_or_else(|r| panic!("{}", show(&r)));

    assert_go(&runner, &run, "1.21.13");
}

#[test]
fn a_missing_version_file_fails_the_action_before_anything_is_installed() {
    let runner = Runner::new(&["1.22.5"]);
    let base = release_inputs(&runner);

    let run = runner
        .run(&with(&base, &[("go-version-file", "nope/go.mod")]))
        .err()
        .expect("the action fails");

    let last = run.steps.last().unwrap();
    last.assert_stdout_contains("::error::go-version-file nope/go.mod does not exist");
    assert!(runner.ctx.installed().is_empty());
}

/// The names in HOME, sorted.
fn home_entries(ctx: &TestContext) -> Vec<String> {
    let mut home: Vec<String> = std::fs::read_dir(&ctx.home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    home.sort();
    home
}

#[test]
fn setup_on_a_runner_writes_github_path_and_no_dotfiles() {
    for var in ["CI", "GITHUB_ACTIONS"] {
        let ctx = TestContext::with_releases(&["1.22.5"]);
        ctx.install("1.22.5");
        let github_path = ctx.root.join("github_path");
        std::fs::write(&github_path, "").unwrap();

        let out = ctx
            .gover_cmd(["setup", "--systemd"])
            .env(var, "true")
            .env("GITHUB_PATH", &github_path)
            .run();
        // --systemd asks for a file by name: written.
        out.assert_success();
        assert!(
            ctx.home
                .join(".config/environment.d/99-gover.conf")
                .is_file()
        );
        std::fs::remove_dir_all(ctx.home.join(".config")).unwrap();

        let out = ctx
            .gover_cmd(["setup"])
            .env(var, "true")
            .env("GITHUB_PATH", &github_path)
            .run();

        out.assert_success()
            .assert_stderr_contains("no shell startup files changed");
        assert_eq!(
            home_entries(&ctx),
            [".gover"],
            "{var}=true: no dotfiles\n{out}"
        );
        assert_eq!(
            std::fs::read_to_string(&github_path).unwrap(),
            format!("{}\n", ctx.shims_dir().display())
        );

        // Asked for by name: written.
        ctx.gover_cmd(["setup", "--shell", "bash"])
            .env(var, "true")
            .run()
            .assert_success();
        assert!(ctx.read_home(".bashrc").contains("# >>> gover >>>"));
    }
}

// See: issue 24, item 10: GitLab and Jenkins set CI but have no GITHUB_PATH; setup used to do
// nothing there without a word on how later commands find `go`.
#[test]
fn setup_on_a_runner_without_github_path_prints_the_line_to_add() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");

    let out = ctx
        .gover_cmd(["setup"])
        .env("CI", "true")
        .env_remove("GITHUB_PATH")
        .env_remove("GITHUB_ACTIONS")
        .run();
    out.assert_success()
        .assert_stderr_contains("without GITHUB_PATH: no shell startup files changed");
    assert_eq!(home_entries(&ctx), [".gover"], "no dotfiles\n{out}");
    let line = out
        .stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("export PATH="))
        .unwrap_or_else(|| panic!("no line to add:\n{out}"))
        .to_owned();
    assert!(
        line.starts_with(&format!("export PATH='{}", ctx.shims_dir().display())),
        "{line}"
    );
    // The printed line, run as a job's script runs it (one sh for all the lines): the next
    // command finds gover's go, and gover itself.
    let job = ctx
        .command("sh")
        .args([
            "-c",
            &format!("{line}\ncommand -v go\ngo version\ncommand -v gover"),
        ])
        .env("PATH", "/usr/bin:/bin")
        .run();
    job.assert_success();
    let found: Vec<&str> = job.stdout.lines().collect();
    assert_eq!(
        found[0],
        ctx.shims_dir().join("go").display().to_string(),
        "{job}"
    );
    assert!(found[1].contains("go1.22.5"), "{job}");
    assert_eq!(found[2], common::gover_exe().display().to_string(), "{job}");
}

#[test]
fn setup_off_a_runner_still_writes_the_dotfiles() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");

    ctx.gover_cmd(["setup"])
        .env("CI", "false")
        .run()
        .assert_success();

    assert!(ctx.read_home(".profile").contains("# >>> gover >>>"));
}
