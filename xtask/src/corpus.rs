//! `cargo xtask corpus`: run the generator over every document of the npm package
//! `@readme/oas-examples` (Swagger 2.0, OpenAPI 3.0 and 3.1) and `cargo check` every generated
//! crate in one workspace.
//!
//! Each document either generates a crate that compiles or is refused with a located
//! message; a panic or a crate that does not compile fails the run. The last lines read, one
//! per version, `<version>: N generated and compiled, M refused, P panicked`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::root;

/// The directories of `@readme/oas-examples`, with the version their documents are written in.
const VERSIONS: &[(&str, &str)] = &[("2.0", "Swagger 2.0"), ("3.0", "OpenAPI 3.0"), ("3.1", "OpenAPI 3.1")];

enum Outcome {
    Generated { fallbacks: usize },
    Refused(String),
    Panicked(String),
}

/// Runs the corpus; returns whether every document was handled cleanly.
pub fn run(args: &[String]) -> Result<bool> {
    let root = root();
    let examples = std::env::var_os("OAS_EXAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".tools/node_modules/@readme/oas-examples"));
    let mut specs: Vec<(&str, PathBuf)> = Vec::new();
    for (version, _) in VERSIONS {
        let dir = examples.join(version).join("json");
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| {
                format!(
                    "{} not found; install it with `npm install --prefix .tools @readme/oas-examples`",
                    dir.display()
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        specs.extend(found.into_iter().map(|p| (*version, p)));
    }
    let work = root.join("target/corpus");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let mut outcomes = BTreeMap::new();
    let mut members = Vec::new();
    std::panic::set_hook(Box::new(|_| {}));
    for (version, spec) in &specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = format!("{version}/{stem}");
        let crate_name = format!("corpus-{}", stem.replace(|c: char| !c.is_ascii_alphanumeric(), "-").to_lowercase());
        let opts = cirqll_codegen::Options { crate_name: Some(crate_name.clone()), crate_version: "0.0.0".into() };
        let result = std::panic::catch_unwind(|| cirqll_codegen::generate_file(spec, &opts));
        let outcome = match result {
            Err(p) => Outcome::Panicked(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
            Ok(Err(e)) => Outcome::Refused(e.to_string()),
            Ok(Ok(generated)) => {
                let out = work.join(&crate_name);
                cirqll_codegen::write_crate(&out, &generated.files).map_err(|e| anyhow::anyhow!("{e}"))?;
                members.push(crate_name.clone());
                Outcome::Generated { fallbacks: generated.fallbacks.len() }
            }
        };
        outcomes.insert((stem, crate_name), outcome);
    }
    let _ = std::panic::take_hook();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
        members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(work.join("Cargo.toml"), manifest)?;
    let failed = if members.is_empty() {
        Default::default()
    } else {
        cargo_check(&work, args.iter().any(|a| a == "--verbose"))?
    };

    // Per version: generated and compiled, refused, panicked, generated but broken.
    let mut counts: BTreeMap<&str, [usize; 4]> = VERSIONS.iter().map(|(v, _)| (*v, [0; 4])).collect();
    for ((stem, crate_name), outcome) in &outcomes {
        let version = stem.split('/').next().unwrap_or_default();
        let count = counts.entry(version).or_default();
        match outcome {
            Outcome::Generated { fallbacks } if failed.contains(crate_name) => {
                count[3] += 1;
                println!("FAIL     {stem}: generated, but the crate does not compile ({fallbacks} fallbacks)");
            }
            Outcome::Generated { fallbacks } => {
                count[0] += 1;
                println!("ok       {stem} ({fallbacks} fallbacks)");
            }
            Outcome::Refused(msg) => {
                count[1] += 1;
                println!("refused  {stem}: {msg}");
            }
            Outcome::Panicked(msg) => {
                count[2] += 1;
                println!("PANIC    {stem}: {msg}");
            }
        }
    }
    if !args.iter().any(|a| a == "--keep") {
        let _ = std::fs::remove_dir_all(work.join("target"));
    }
    for (version, label) in VERSIONS {
        let [ok, refused, panicked, broken] = counts.get(version).copied().unwrap_or_default();
        let broken = if broken > 0 { format!(", {broken} generated but did not compile") } else { String::new() };
        println!("{label}: {ok} generated and compiled, {refused} refused, {panicked} panicked{broken}");
    }
    let (panicked, broken): (usize, usize) =
        counts.values().map(|c| (c[2], c[3])).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    Ok(panicked == 0 && broken == 0)
}

/// `cargo check --keep-going` over the corpus workspace; returns the crates that failed.
fn cargo_check(work: &Path, verbose: bool) -> Result<std::collections::BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--workspace", "--keep-going", "--message-format", "short"])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .context("running cargo check on the corpus")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if verbose {
        eprintln!("{stderr}");
    }
    let mut failed = std::collections::BTreeSet::new();
    for line in stderr.lines() {
        if let Some(rest) = line.split("could not compile `").nth(1) {
            if let Some(name) = rest.split('`').next() {
                failed.insert(name.to_owned());
            }
        } else if line.contains(": error") && !verbose {
            eprintln!("{line}");
        }
    }
    Ok(failed)
}
