//! `cargo xtask test`: everything CI checks, in the order that fails fastest.
//!
//! Installs the external tools it needs into `.tools/` when they are missing (npm: Prism,
//! Redocly CLI, `@readme/oas-examples`; PyPI: openapi-spec-validator in a venv), then runs:
//! formatting, clippy, the drift check, both spec validators, the whole test suite
//! (including the Prism contract tests), the examples (built, and the mock-based one run),
//! the corpus, and `cargo publish --dry-run` of the generated crate.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

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
    run(
        "cargo clippy --lib -D warnings",
        cargo().current_dir(&root).args(["clippy", "--workspace", "--lib", "--", "-D", "warnings"]),
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
    run(
        "cargo xtask corpus",
        Command::new(std::env::current_exe()?)
            .current_dir(&root)
            .arg("corpus")
            .env("OAS_EXAMPLES", tools.join("node_modules/@readme/oas-examples")),
    )?;
    run(
        "cargo publish --dry-run -p cirqll",
        cargo().current_dir(&root).args(["publish", "--dry-run", "--allow-dirty", "-p", "cirqll"]),
    )?;
    eprintln!("all checks passed in {:.0}s", started.elapsed().as_secs_f64());
    Ok(true)
}
