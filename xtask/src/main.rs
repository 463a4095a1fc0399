//! Maintainer tasks: `cargo xtask codegen [--check]`, `cargo xtask test`, `cargo xtask diff`,
//! `cargo xtask corpus`, `cargo xtask bench`, `cargo xtask audit`.
//!
//! `codegen` regenerates the checked-in client (`generated-client/` from `spec/cirqll.yaml`)
//! and the golden fixture crates (`generator/tests/golden/<name>/` from
//! `generator/tests/fixtures/<name>.yaml`). `--check` compares in memory and exits 1 with a
//! unified diff and the command that fixes it.

mod audit;
mod bench;
mod corpus;
mod diff;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

/// One generation target: spec → output directory.
pub struct Target {
    /// The spec.
    pub spec: PathBuf,
    /// The output crate directory.
    pub out: PathBuf,
    /// The package name; `None`: the spec names it (`x-rust-crate.name`).
    pub crate_name: Option<String>,
}

/// The repository root (parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."))
}

/// Every target `codegen` owns: the client and one golden crate per fixture spec.
pub fn targets() -> Result<Vec<Target>> {
    let root = root();
    let mut targets =
        vec![Target { spec: root.join("spec/cirqll.yaml"), out: root.join("generated-client"), crate_name: None }];
    let fixtures = root.join("generator/tests/fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .with_context(|| format!("reading {}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    for spec in specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        targets.push(Target {
            out: root.join("generator/tests/golden").join(&stem),
            crate_name: Some(format!("golden-{stem}")),
            spec,
        });
    }
    Ok(targets)
}

fn codegen(check: bool) -> Result<bool> {
    let root = root();
    let mut fresh = true;
    let mut expected_golden = Vec::new();
    for t in targets()? {
        let opts = cirqll_codegen::Options { crate_name: t.crate_name.clone(), crate_version: "0.1.0".into() };
        let generated = cirqll_codegen::generate_file(&t.spec, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
        let rel = t.out.strip_prefix(&root).unwrap_or(&t.out).display().to_string();
        if t.out.starts_with(root.join("generator/tests/golden")) {
            expected_golden.push(t.out.clone());
        }
        if check {
            let report = cirqll_codegen::check_crate(&t.out, &generated.files).map_err(|e| anyhow::anyhow!("{e}"))?;
            if !report.is_fresh() {
                fresh = false;
                println!("{rel}: out of date with {}", t.spec.strip_prefix(&root).unwrap_or(&t.spec).display());
                print!("{}", indent(&report.render()));
            }
        } else {
            cirqll_codegen::write_crate(&t.out, &generated.files).map_err(|e| anyhow::anyhow!("{e}"))?;
            if !generated.fallbacks.is_empty() || rel == "generated-client" {
                eprint!("{rel}: {}", generated.support_report());
            }
        }
    }
    // Golden crates whose fixture was deleted are orphans.
    let golden = root.join("generator/tests/golden");
    if golden.exists() {
        for entry in std::fs::read_dir(&golden)? {
            let path = entry?.path();
            if path.is_dir() && !expected_golden.contains(&path) {
                if check {
                    fresh = false;
                    println!(
                        "orphaned: {} (its fixture spec no longer exists)",
                        path.strip_prefix(&root).unwrap_or(&path).display()
                    );
                } else {
                    std::fs::remove_dir_all(&path)?;
                }
            }
        }
    }
    Ok(fresh)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            codegen(check).map(|fresh| {
                if check && !fresh {
                    eprintln!("\nThe checked-in generated code is stale. Fix it with:\n  cargo xtask codegen");
                    false
                } else {
                    if check {
                        eprintln!("generated code is up to date");
                    }
                    true
                }
            })
        }
        Some("corpus") => corpus::run(&args[1..]),
        Some("test") => test::run_all(),
        Some("diff") => diff::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("audit") => audit::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <codegen [--check] | test | diff [--base REV] [--write] | corpus [--keep] [--verbose] | bench [--runs N] [--no-check] [--only NAME] [--no-runtime] | audit [ARGS] | audit --apply-overlay FILE>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
