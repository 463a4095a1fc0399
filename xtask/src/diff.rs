//! `cargo xtask diff [--base REV] [--write]`: what the working copy of `spec/cirqll.yaml` does to
//! the client's public API compared with the spec at a git revision (default `HEAD`).
//!
//! Prints every change classified as breaking or compatible and the semver bump that follows.
//! Where `cargo semver-checks` is installed it also generates both crates and asks it; when the
//! two verdicts disagree, both are shown. `--write` prepends the entry to
//! `generated-client/CHANGELOG.md`.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use cirqll_codegen::diff::{bump, changelog_entry, diff, next_version, Bump};

use crate::root;

const SPEC: &str = "spec/cirqll.yaml";

/// Runs the diff; returns Ok(true) unless the cross-check could not run as asked.
pub fn run(args: &[String]) -> Result<bool> {
    let root = root();
    let base =
        args.iter().position(|a| a == "--base").and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| "HEAD".into());
    let write = args.iter().any(|a| a == "--write");
    let old_bytes = git_show(&root, &base, SPEC)?;
    let new_bytes = std::fs::read(root.join(SPEC))?;
    let analyze =
        |bytes: &[u8]| cirqll_codegen::analyze_bytes(Path::new(SPEC), bytes).map_err(|e| anyhow::anyhow!("{e}"));
    let (old, new) = (analyze(&old_bytes)?, analyze(&new_bytes)?);
    let changes = diff(&old, &new);
    let ours = bump(&changes);
    let current = old.crate_meta.version.clone().unwrap_or_else(|| "0.1.0".into());
    let next = next_version(&current, ours);

    println!("{SPEC}: {base} → working copy: {} change(s)", changes.len());
    for c in &changes {
        println!("  {} {}: {} — {}", if c.breaking { "BREAKING " } else { "compatible" }, c.kind, c.item, c.detail);
    }
    println!("semver bump: {ours} ({current} → {next})");

    match semver_checks(&root, &old_bytes, &new_bytes)? {
        None => {
            println!("cargo-semver-checks: not installed (`cargo install cargo-semver-checks` adds the cross-check)")
        }
        Some(breaking) => {
            let theirs = if breaking { "major" } else { "minor or less" };
            let agree = breaking == (ours == Bump::Major);
            println!("cargo-semver-checks: {theirs}{}", if agree { " (agrees)" } else { "" });
            if !agree {
                println!("  DISAGREEMENT: this report says {ours}, cargo-semver-checks says {theirs}; review both before releasing");
            }
        }
    }
    if write {
        let path = root.join("generated-client/CHANGELOG.md");
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let entry = changelog_entry(&next, &base, &changes);
        // Insert above the newest entry, below the title and preamble.
        let text = match existing.find("\n## ") {
            Some(i) => format!("{}{entry}{}", &existing[..i + 1], &existing[i..]),
            None if existing.is_empty() => format!("# Changelog\n\n{entry}"),
            None => format!("{}\n\n{entry}", existing.trim_end()),
        };
        std::fs::write(&path, text)?;
        println!("prepended the entry to {}", path.display());
    }
    Ok(true)
}

fn git_show(root: &Path, rev: &str, file: &str) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("{rev}:{file}")])
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!("git show {rev}:{file}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// Generates both crates and runs `cargo semver-checks`; `Some(true)` when it finds a breaking
/// change, `None` when the tool is not installed.
fn semver_checks(root: &Path, old: &[u8], new: &[u8]) -> Result<Option<bool>> {
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !installed {
        return Ok(None);
    }
    let work = root.join("target/xtask-diff");
    let _ = std::fs::remove_dir_all(&work);
    for (name, bytes) in [("old", old), ("new", new)] {
        let opts = cirqll_codegen::Options { crate_name: Some("cirqll".into()), crate_version: "0.1.0".into() };
        let generated =
            cirqll_codegen::generate_bytes(Path::new(SPEC), bytes, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut files = generated.files;
        // Same version on both sides: semver-checks then reports any breaking change.
        if let Some(toml) = files.get_mut("Cargo.toml") {
            let text = String::from_utf8_lossy(toml).replace("\nversion = ", "\nversion = \"0.1.0\"\n#").into_bytes();
            *toml = format!("{}\n[workspace]\n", String::from_utf8_lossy(&text)).into_bytes();
        }
        cirqll_codegen::write_crate(&work.join(name), &files).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let status = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "minor", "--manifest-path"])
        .arg(work.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(work.join("old"))
        .status()
        .context("running cargo semver-checks")?;
    Ok(Some(!status.success()))
}
