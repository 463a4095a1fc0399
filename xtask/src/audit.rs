//! `cargo xtask audit [ARGS]`: `cirqll-codegen audit` on `spec/cirqll.yaml` against the Cirqll
//! API, with the token from `CIRQLL_TOKEN` (passed by name, never printed). Writes the report
//! and the proposed overlay to `target/audit/` unless ARGS say otherwise; ARGS are passed on
//! (`--base-url`, `--allow-writes`, `--max-requests N`, ...). With `--apply-overlay FILE` it
//! applies a reviewed overlay to the spec instead, which needs no token.
//!
//! Runs the generator's binary (`cargo run -p cirqll-codegen`) so that xtask itself builds
//! without the audit's HTTP stack.

use std::process::Command;

use anyhow::{Context, Result};

use crate::root;

/// The environment variable the token is read from.
const TOKEN_ENV: &str = "CIRQLL_TOKEN";

/// Runs the audit; `Ok(true)` when the run found nothing (or applied the overlay).
pub fn run(args: &[String]) -> Result<bool> {
    let root = root();
    let applying = args.iter().any(|a| a == "--apply-overlay" || a.starts_with("--apply-overlay="));
    let mut cmd_args: Vec<String> = vec!["audit".into(), "--spec".into(), "spec/cirqll.yaml".into()];
    if !applying {
        if std::env::var(TOKEN_ENV).map(|t| t.trim().is_empty()).unwrap_or(true) {
            eprintln!(
                "cargo xtask audit calls the live Cirqll API and needs an OAuth access token:\n\
                 \x20 export {TOKEN_ENV}=<access token>   (scopes: <resource>.read.all for every resource;\n\
                 \x20                                     with --allow-writes also create/update/delete)\n\
                 The token is passed to the audit by name and never printed."
            );
            anyhow::bail!("{TOKEN_ENV} is not set");
        }
        cmd_args.extend(["--token-env".into(), TOKEN_ENV.into()]);
        let out = root.join("target/audit");
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        let has = |flag: &str| args.iter().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
        if !has("--report") {
            cmd_args.extend(["--report".into(), out.join("report.json").display().to_string()]);
        }
        if !has("--overlay") {
            cmd_args.extend(["--overlay".into(), out.join("overlay.yaml").display().to_string()]);
        }
    }
    cmd_args.extend(args.iter().cloned());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["run", "--quiet", "-p", "cirqll-codegen", "--"])
        .args(&cmd_args)
        .status()
        .context("running cirqll-codegen audit")?;
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => {
            if !applying {
                eprintln!(
                    "\nReview target/audit/overlay.yaml, then:\n  cargo xtask audit --apply-overlay target/audit/overlay.yaml\n  cargo xtask codegen && cargo xtask diff"
                );
            }
            Ok(false)
        }
        _ => anyhow::bail!("cirqll-codegen audit failed ({status})"),
    }
}
