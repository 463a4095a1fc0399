//! `cargo xtask test`: everything CI checks, in the order that fails fastest.
//!
//! Installs the external tools it needs into `.tools/` when they are missing (npm: Prism,
//! Redocly CLI, `@readme/oas-examples`; PyPI: openapi-spec-validator in a venv), then runs:
//! formatting, clippy (all features, and default features on every target), the drift
//! check, both spec validators, the whole test suite (including the Prism contract tests and
//! the build-script example), the examples (built, and the mock-based one run), the
//! build-script example's rebuild rule, the docs of the generator and the client with warnings
//! as errors, the corpus, and `cargo publish --dry-run` of the generator and the client (both
//! are packaged and built from the package, so a file missing from a package fails here).

use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::root;

const NPM_PACKAGES: &[&str] = &["@stoplight/prism-cli@5.14.2", "@redocly/cli@2.77.0", "@readme/oas-examples@8.2.2"];
const PIP_PACKAGES: &[&str] = &["openapi-spec-validator==0.9.0"];

fn run(step: &str, cmd: &mut Command) -> Result<()> {
    let started = Instant::now();
    eprintln!("==> {step}");
    let status = cmd.status().with_context(|| format!("{step}: cannot start {:?}", cmd.get_program()))?;
    eprintln!(
        "    {step}: {} in {:.1}s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if !status.success() {
        bail!("{step} failed ({status})");
    }
    Ok(())
}

/// Runs a check that is Rust code rather than one command, timed like [`run`].
fn step(name: &str, check: impl FnOnce() -> Result<()>) -> Result<()> {
    let started = Instant::now();
    eprintln!("==> {name}");
    let result = check();
    eprintln!(
        "    {name}: {} in {:.1}s",
        if result.is_ok() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    result.with_context(|| format!("{name} failed"))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Installs the npm and PyPI tools into `.tools/` unless they are there already.
pub fn install_tools(root: &Path) -> Result<()> {
    let tools = root.join(".tools");
    let bin = tools.join("node_modules/.bin");
    let have_npm = bin.join("prism").exists()
        && bin.join("redocly").exists()
        && tools.join("node_modules/@readme/oas-examples/3.0/json").exists();
    if !have_npm {
        std::fs::create_dir_all(&tools)?;
        run(
            "npm install (Prism, Redocly CLI, oas-examples)",
            Command::new("npm")
                .args(["install", "--prefix"])
                .arg(&tools)
                .args(["--no-audit", "--no-fund", "--loglevel=error"])
                .args(NPM_PACKAGES),
        )?;
    }
    let venv = tools.join("venv");
    if !venv.join("bin/openapi-spec-validator").exists() {
        run("python venv", Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(
            "pip install openapi-spec-validator",
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PIP_PACKAGES),
        )?;
    }
    Ok(())
}

/// Runs every check; returns Ok(true) when all pass.
pub fn run_all() -> Result<bool> {
    let root = root();
    let started = Instant::now();
    install_tools(&root)?;
    let tools = root.join(".tools");
    run("cargo fmt --check", cargo().current_dir(&root).args(["fmt", "--all", "--check"]))?;
    let runtime: Vec<_> =
        std::fs::read_dir(root.join("templates/runtime"))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    run(
        "rustfmt --check templates/runtime",
        Command::new("rustfmt").current_dir(&root).args(["--edition", "2021", "--check"]).args(&runtime),
    )?;
    // Generated crates are checked as users build them (default features) and with
    // `full-serde`, which the contract tests use to read request bodies from spec examples.
    run(
        "cargo clippy --all-features -D warnings",
        cargo().current_dir(&root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // Default features, all targets: tests and examples must build without `full-serde` too
    // (`cargo test -p cirqll` is what a contributor types first).
    run(
        "cargo clippy --all-targets -D warnings",
        cargo().current_dir(&root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
    )?;
    // A build script uses the generator without default features: no CLI, no audit stack.
    run(
        "cargo clippy -p cirqll-codegen --no-default-features -D warnings",
        cargo().current_dir(&root).args([
            "clippy",
            "-p",
            "cirqll-codegen",
            "--lib",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "cargo xtask codegen --check",
        Command::new(std::env::current_exe()?).current_dir(&root).args(["codegen", "--check"]),
    )?;
    run(
        "openapi-spec-validator spec/cirqll.yaml",
        Command::new(tools.join("venv/bin/openapi-spec-validator")).current_dir(&root).arg("spec/cirqll.yaml"),
    )?;
    run(
        "redocly lint spec/cirqll.yaml",
        Command::new(tools.join("node_modules/.bin/redocly"))
            .current_dir(&root)
            .args(["lint", "spec/cirqll.yaml", "--format", "summary"])
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    run(
        "cargo test --workspace --all-features",
        cargo()
            .current_dir(&root)
            .args(["test", "--workspace", "--all-features"])
            .env("PRISM", tools.join("node_modules/.bin/prism")),
    )?;
    run("cargo test -p cirqll --doc", cargo().current_dir(&root).args(["test", "-p", "cirqll", "--doc"]))?;
    // Examples are built as users build the crate (clippy above builds them with every
    // feature); the mock-based one also runs: it is a downstream-style test.
    run("cargo build --examples", cargo().current_dir(&root).args(["build", "--workspace", "--examples"]))?;
    run(
        "cargo run -p cirqll --example mock_test --features mock",
        cargo().current_dir(&root).args(["run", "-p", "cirqll", "--example", "mock_test", "--features", "mock"]),
    )?;
    step("build-script example reruns build.rs only when its spec changes", || build_script_reruns(&root))?;
    // Broken intra-doc links are errors; the example shows module-mode docs.
    run(
        "cargo doc --no-deps (generator, client, build-script example) -D warnings",
        cargo()
            .current_dir(&root)
            .args(["doc", "--no-deps", "-p", "cirqll-codegen", "-p", "cirqll", "-p", "build-script-example"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    run(
        "cargo xtask corpus",
        Command::new(std::env::current_exe()?)
            .current_dir(&root)
            .arg("corpus")
            .env("OAS_EXAMPLES", tools.join("node_modules/@readme/oas-examples")),
    )?;
    // Packages both crates and builds each from its package: the generator's must carry the
    // templates and runtime sources it embeds.
    run(
        "cargo publish --dry-run -p cirqll-codegen -p cirqll",
        cargo().current_dir(&root).args([
            "publish",
            "--dry-run",
            "--allow-dirty",
            "-p",
            "cirqll-codegen",
            "-p",
            "cirqll",
        ]),
    )?;
    eprintln!("all checks passed in {:.0}s", started.elapsed().as_secs_f64());
    Ok(true)
}

/// Builds `examples/build-script` after touching its source (the build script must not run)
/// and after touching its spec (it must), reading `cargo build -v`, which names every build
/// script it runs.
fn build_script_reruns(root: &Path) -> Result<()> {
    let example = root.join("examples/build-script");
    let build = || -> Result<String> {
        let output = cargo().current_dir(root).args(["build", "-v", "-p", "build-script-example"]).output()?;
        let log = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() {
            bail!("cargo build -p build-script-example failed:\n{log}");
        }
        Ok(log)
    };
    let ran_build_script =
        |log: &str| log.lines().any(|l| l.trim_start().starts_with("Running") && l.contains("build-script-build"));
    let touch = |file: &str| -> Result<()> {
        let path = example.join(file);
        let f = std::fs::File::options().append(true).open(&path).with_context(|| format!("opening {file}"))?;
        f.set_modified(SystemTime::now()).with_context(|| format!("touching {file}"))
    };
    build()?;
    touch("src/lib.rs")?;
    let log = build()?;
    if ran_build_script(&log) {
        bail!("editing src/lib.rs ran the build script again:\n{log}");
    }
    if !log.contains("Compiling build-script-example") {
        bail!("editing src/lib.rs did not rebuild the crate:\n{log}");
    }
    touch("petstore.yaml")?;
    let log = build()?;
    if !ran_build_script(&log) {
        bail!("editing petstore.yaml did not run the build script:\n{log}");
    }
    Ok(())
}
