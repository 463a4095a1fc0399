//! `cargo xtask bench`: generation speed, memory, output size and compile cost of the
//! generated crate, for this generator and the peers a user would pick instead, on the same
//! inputs in one run; then the runtime-overhead benchmarks (`cargo bench -p cirqll-bench`).
//!
//! Inputs: `spec/cirqll.yaml`, the petstore example of `@readme/oas-examples`, and GitHub's
//! REST spec (OpenAPI 3.0 variant) from `@octokit/openapi`. Each input also runs doubled (every
//! path and component copied under a new name) to show how time grows with spec size.
//!
//! Our crates are checked three ways: as users build them, with `full-serde`, and with `mock`
//! (what a downstream crate's tests compile).
//!
//! Options: `--runs N` (default 5), `--no-check` (skip `cargo check` timings), `--only NAME`
//! (one input), `--no-runtime` (skip the criterion benchmarks).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::root;

struct Input {
    name: String,
    spec: PathBuf,
    operations: usize,
}

struct Figures {
    wall_s: f64,
    peak_mb: f64,
    lines: usize,
    check_s: Option<f64>,
    /// Our crates only: `cargo check --features full-serde` (both serde traits on every model,
    /// as openapi-generator's crates have).
    check_full_s: Option<f64>,
    /// Our crates only: `cargo check --features mock` (the typed mock server, which implies
    /// full-serde), what a downstream crate's tests compile.
    check_mock_s: Option<f64>,
}

enum Outcome {
    Measured(Figures),
    Missing(String),
    Failed(String),
}

/// Builds the command line of a generator for (spec, output directory, crate name).
type CommandLine = Box<dyn Fn(&Path, &Path, &str) -> Vec<String>>;

/// A code generator under test.
struct Tool {
    name: &'static str,
    /// argv for (spec, out dir, crate name); `None` when the tool is not installed.
    command: Option<CommandLine>,
    missing: String,
}

fn tools(root: &Path) -> Vec<Tool> {
    // Where `cargo build --release` (run by `run`) put the generator.
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let ours = target.join("release/cirqll-codegen");
    let which = |bin: &str| -> Option<PathBuf> {
        let candidates =
            [root.join(".tools/venv/bin").join(bin), root.join(".tools/cargo/bin").join(bin), PathBuf::from(bin)];
        candidates
            .into_iter()
            .find(|c| Command::new(c).arg("--help").output().map(|o| o.status.success()).unwrap_or(false))
    };
    let s = |p: &Path| p.display().to_string();
    let mut out = vec![Tool {
        name: "cirqll-codegen",
        command: Some(Box::new(move |spec, dir, name| {
            vec![
                s(&ours),
                "generate".into(),
                "--spec".into(),
                s(spec),
                "--out".into(),
                s(dir),
                "--crate-name".into(),
                name.into(),
            ]
        })),
        missing: String::new(),
    }];
    let ogc = which("openapi-generator-cli");
    out.push(Tool {
        name: "openapi-generator",
        missing: "not installed (`.tools/venv/bin/pip install openapi-generator-cli`; needs Java 17)".into(),
        command: ogc.map(|bin| -> CommandLine {
            Box::new(move |spec, dir, name| {
                vec![
                    s(&bin),
                    "generate".into(),
                    "-g".into(),
                    "rust".into(),
                    "-i".into(),
                    s(spec),
                    "-o".into(),
                    s(dir),
                    "--skip-validate-spec".into(),
                    format!("--package-name={}", name.replace('-', "_")),
                ]
            })
        }),
    });
    let progenitor = which("cargo-progenitor");
    out.push(Tool {
        name: "progenitor",
        missing: "not installed (`cargo install --root .tools/cargo cargo-progenitor`)".into(),
        command: progenitor.map(|bin| -> CommandLine {
            Box::new(move |spec, dir, name| {
                vec![
                    s(&bin),
                    "progenitor".into(),
                    "-i".into(),
                    s(spec),
                    "-o".into(),
                    s(dir),
                    "-n".into(),
                    name.into(),
                    "-v".into(),
                    "0.1.0".into(),
                ]
            })
        }),
    });
    let ploidy = which("ploidy");
    out.push(Tool {
        name: "ploidy",
        missing: "not installed (`cargo install --root .tools/cargo ploidy`)".into(),
        command: ploidy.map(|bin| -> CommandLine {
            Box::new(move |spec, dir, name| {
                vec![
                    s(&bin),
                    "generate".into(),
                    "rust".into(),
                    s(spec),
                    "-o".into(),
                    s(dir),
                    "--name".into(),
                    name.into(),
                ]
            })
        }),
    });
    let o2r = which("openapi-to-rust");
    out.push(Tool {
        name: "openapi-to-rust",
        missing: "not installed (`cargo install --root .tools/cargo openapi-to-rust`)".into(),
        command: o2r.map(|bin| -> CommandLine {
            Box::new(move |spec, dir, name| {
                vec![
                    s(&bin),
                    "generate".into(),
                    s(spec),
                    "--output-dir".into(),
                    s(dir),
                    "--module-name".into(),
                    name.replace('-', "_"),
                ]
            })
        }),
    });
    out
}

fn count_operations(spec: &Value) -> usize {
    spec["paths"]
        .as_object()
        .map(|p| {
            p.values()
                .flat_map(|i| i.as_object().into_iter().flat_map(|m| m.keys()))
                .filter(|k| ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&k.as_str()))
                .count()
        })
        .unwrap_or(0)
}

fn read_spec(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice(&bytes)?
    } else {
        serde_yaml::from_slice(&bytes)?
    })
}

/// The spec with every path and component present twice (the copy renamed), so it is
/// exactly twice as large.
fn doubled(spec: &Value) -> Value {
    fn rename_refs(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter_mut() {
                    if k == "$ref" {
                        if let Value::String(s) = child {
                            if let Some(rest) = s.strip_prefix("#/components/") {
                                if let Some((kind, name)) = rest.split_once('/') {
                                    *s = format!("#/components/{kind}/{name}Copy2");
                                }
                            }
                        }
                    } else {
                        rename_refs(child);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(rename_refs),
            _ => {}
        }
    }
    fn rename_ids(v: &mut Value) {
        if let Some(m) = v.as_object_mut() {
            for op in m.values_mut() {
                if let Some(Value::String(s)) = op.get_mut("operationId") {
                    s.push_str("Copy2");
                }
                if let Some(Value::Array(tags)) = op.get_mut("tags") {
                    for t in tags.iter_mut() {
                        if let Value::String(s) = t {
                            s.push_str("Copy2");
                        }
                    }
                }
            }
        }
    }
    let mut out = spec.clone();
    if let Some(paths) = spec["paths"].as_object() {
        for (p, item) in paths {
            let mut copy = item.clone();
            rename_refs(&mut copy);
            rename_ids(&mut copy);
            out["paths"][format!("/copy2{p}")] = copy;
        }
    }
    if let Some(tags) = spec["tags"].as_array() {
        let mut all = tags.clone();
        for t in tags {
            let mut c = t.clone();
            if let Some(Value::String(n)) = c.get_mut("name") {
                n.push_str("Copy2");
            }
            c.as_object_mut().map(|m| m.remove("x-rust-name"));
            all.push(c);
        }
        out["tags"] = Value::Array(all);
    }
    if let Some(components) = spec["components"].as_object() {
        for (kind, items) in components {
            let Some(items) = items.as_object() else { continue };
            for (name, item) in items {
                let mut copy = item.clone();
                rename_refs(&mut copy);
                out["components"][kind][format!("{name}Copy2")] = copy;
            }
        }
    }
    out
}

fn rust_lines(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && p.file_name().is_some_and(|f| f != "target") {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                n += std::fs::read_to_string(&p).map(|s| s.lines().count()).unwrap_or(0);
            }
        }
    }
    n
}

/// Runs `argv` under GNU time: (wall seconds, peak RSS in MB).
fn timed(argv: &[String], out: &Path) -> Result<(f64, f64)> {
    let report = out.with_extension("time");
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&report)
        .args(argv)
        .output()
        .context("running /usr/bin/time")?;
    // GNU time reports wall time in centiseconds; measure it here at full resolution.
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        // A panic's own line says more than the backtrace hint printed after it.
        let line =
            err.lines().find(|l| l.contains("panicked")).or_else(|| err.lines().rev().find(|l| !l.trim().is_empty()));
        bail!("{}", line.unwrap_or("failed").trim());
    }
    let text = std::fs::read_to_string(&report)?;
    let kb: f64 = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    Ok((wall, kb / 1024.0))
}

/// `cargo check` of a generated crate with its dependencies already built: seconds.
fn check_time(root: &Path, dir: &Path, features: &[&str]) -> Result<f64> {
    // Generators that emit a module and a dependency fragment get a wrapper crate around it.
    let fragment = dir.join("REQUIRED_DEPS.toml");
    if !dir.join("Cargo.toml").exists() && fragment.exists() {
        let deps = std::fs::read_to_string(&fragment)?;
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"wrapped\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[lib]\npath = \"src/lib.rs\"\n\n{deps}"),
        )?;
        std::fs::write(dir.join("src/lib.rs"), "#[path = \"../mod.rs\"]\npub mod generated;\n")?;
    }
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).context("the generated crate has no Cargo.toml")?;
    if !text.contains("[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    let target = root.join("target/bench-target");
    let check = || {
        Command::new("cargo")
            .args(["check", "--quiet"])
            .args(features)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .status()
    };
    if !check()?.success() {
        bail!("the generated crate does not compile");
    }
    // Touch the crate root so only the crate itself is checked again.
    let lib =
        ["src/lib.rs", "src/main.rs"].iter().map(|p| dir.join(p)).find(|p| p.exists()).context("no src/lib.rs")?;
    let src = std::fs::read_to_string(&lib)?;
    std::fs::write(&lib, src)?;
    let started = Instant::now();
    if !check()?.success() {
        bail!("second cargo check failed");
    }
    Ok(started.elapsed().as_secs_f64())
}

fn measure(root: &Path, tool: &Tool, spec: &Path, name: &str, runs: usize, with_check: bool) -> Outcome {
    let Some(command) = &tool.command else { return Outcome::Missing(tool.missing.clone()) };
    let work = root.join("target/bench").join(tool.name).join(name);
    let mut walls = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(work.parent().unwrap_or(root)).ok();
        match timed(&command(spec, &work, &format!("bench-{name}")), &work) {
            Ok((w, p)) => {
                walls.push(w);
                peak = peak.max(p);
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        }
    }
    walls.sort_by(f64::total_cmp);
    let lines = rust_lines(&work);
    let check_s = if with_check {
        match check_time(root, &work, &[]) {
            Ok(s) => Some(s),
            Err(e) => return Outcome::Failed(format!("generated in {:.2}s, then: {e}", walls[walls.len() / 2])),
        }
    } else {
        None
    };
    let check_full_s = if with_check && tool.name == "cirqll-codegen" {
        match check_time(root, &work, &["--features", "full-serde"]) {
            Ok(s) => Some(s),
            Err(e) => return Outcome::Failed(format!("cargo check --features full-serde: {e}")),
        }
    } else {
        None
    };
    let check_mock_s = if with_check && tool.name == "cirqll-codegen" {
        match check_time(root, &work, &["--features", "mock"]) {
            Ok(s) => Some(s),
            Err(e) => return Outcome::Failed(format!("cargo check --features mock: {e}")),
        }
    } else {
        None
    };
    Outcome::Measured(Figures {
        wall_s: walls[walls.len() / 2],
        peak_mb: peak,
        lines,
        check_s,
        check_full_s,
        check_mock_s,
    })
}

/// Runs the benchmark; prints a table and the targets.
pub fn run(args: &[String]) -> Result<bool> {
    let root = root();
    let arg = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let with_check = !args.iter().any(|a| a == "--no-check");
    let only = arg("--only");
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "-p", "cirqll-codegen"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("building the generator in release mode failed");
    }
    let tools_dir = root.join(".tools/node_modules");
    let mut inputs = vec![
        Input { name: "cirqll".into(), spec: root.join("spec/cirqll.yaml"), operations: 0 },
        Input {
            name: "petstore".into(),
            spec: tools_dir.join("@readme/oas-examples/3.0/json/petstore.json"),
            operations: 0,
        },
        Input {
            name: "github".into(),
            spec: tools_dir.join("@octokit/openapi/generated/api.github.com.json"),
            operations: 0,
        },
    ];
    inputs.retain(|i| only.as_deref().is_none_or(|o| o == i.name));
    let dir = root.join("target/bench/specs");
    std::fs::create_dir_all(&dir)?;
    let mut all = Vec::new();
    for input in inputs {
        let spec = match read_spec(&input.spec) {
            Ok(s) => s,
            Err(e) => {
                println!(
                    "{}: input missing ({e}); `npm install --prefix .tools @readme/oas-examples @octokit/openapi`",
                    input.name
                );
                continue;
            }
        };
        let double = doubled(&spec);
        let double_path = dir.join(format!("{}-x2.json", input.name));
        std::fs::write(&double_path, serde_json::to_vec(&double)?)?;
        let double_name = format!("{}-x2", input.name);
        all.push(Input { operations: count_operations(&spec), ..input });
        all.push(Input { name: double_name, spec: double_path, operations: count_operations(&double) });
    }
    let tools = tools(&root);
    let mut table: Vec<(String, &'static str, Outcome)> = Vec::new();
    println!("runs per measurement: {runs} (median wall time; peak RSS is the maximum)");
    for input in &all {
        for tool in &tools {
            // Doubled specs only for our generator: they measure how our time scales.
            if input.name.ends_with("-x2") && tool.name != "cirqll-codegen" {
                continue;
            }
            let check = with_check && !input.name.ends_with("-x2");
            let outcome = measure(&root, tool, &input.spec, &input.name, runs, check);
            print_row(input, tool.name, &outcome);
            table.push((input.name.to_owned(), tool.name, outcome));
        }
    }
    println!();
    targets(&all, &table);
    if !args.iter().any(|a| a == "--no-runtime") {
        println!("\n== runtime overhead (cargo bench -p cirqll-bench) ==");
        let status = Command::new("cargo").args(["bench", "-p", "cirqll-bench"]).current_dir(&root).status()?;
        if !status.success() {
            bail!("cargo bench failed");
        }
    }
    Ok(true)
}

fn print_row(input: &Input, tool: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Measured(f) => println!(
            "{:<12} {:<18} gen {:>7.3}s  {:>7.1} MB  {:>8} lines  {:>9}  {:>8.2} ms/op ({} ops){}{}",
            input.name,
            tool,
            f.wall_s,
            f.peak_mb,
            f.lines,
            f.check_s.map(|c| format!("check {c:.1}s")).unwrap_or_else(|| "-".into()),
            f.wall_s * 1000.0 / input.operations.max(1) as f64,
            input.operations,
            f.check_full_s.map(|c| format!("  (check with full-serde {c:.1}s)")).unwrap_or_default(),
            f.check_mock_s.map(|c| format!("  (with mock {c:.1}s)")).unwrap_or_default()
        ),
        Outcome::Missing(why) => println!("{:<12} {:<18} missing: {why}", input.name, tool),
        Outcome::Failed(why) => println!("{:<12} {:<18} failed: {why}", input.name, tool),
    }
}

fn figures<'a>(table: &'a [(String, &'static str, Outcome)], input: &str, tool: &str) -> Option<&'a Figures> {
    table.iter().find(|(i, t, _)| i == input && *t == tool).and_then(|(_, _, o)| match o {
        Outcome::Measured(f) => Some(f),
        _ => None,
    })
}

fn targets(inputs: &[Input], table: &[(String, &'static str, Outcome)]) {
    println!("== targets ==");
    let ours = |i: &str| figures(table, i, "cirqll-codegen");
    let peer = |i: &str| figures(table, i, "openapi-generator");
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    if let Some(f) = ours("cirqll") {
        println!("spec/cirqll.yaml generates in {:.3}s (target < 0.1s): {}", f.wall_s, verdict(f.wall_s < 0.1));
    }
    if let Some(f) = ours("github") {
        println!("GitHub peak RSS {:.0} MB (target < 500 MB): {}", f.peak_mb, verdict(f.peak_mb < 500.0));
        match peer("github") {
            Some(p) => {
                let ratio = p.wall_s / f.wall_s;
                println!(
                    "GitHub generation {ratio:.1}x faster than openapi-generator (target >= 20x): {}",
                    if ratio >= 20.0 { "met".to_owned() } else { format!("MISSED by {:.1}x", 20.0 / ratio) }
                );
                if let (Some(a), Some(b)) = (f.check_s, p.check_s) {
                    let r = a / b;
                    println!(
                        "cargo check of the GitHub crate: {a:.1}s vs {b:.1}s = {r:.2}x of openapi-generator's (target <= 0.5x): {}",
                        if r <= 0.5 { "met".to_owned() } else { format!("MISSED by {:.1}s", a - 0.5 * b) }
                    );
                }
                if let (Some(a), Some(b)) = (f.check_full_s, p.check_s) {
                    println!(
                        "  with the full-serde feature (both serde traits on every model, like openapi-generator's): {a:.1}s = {:.2}x",
                        a / b
                    );
                }
            }
            None => println!("GitHub ratios against openapi-generator: not measured (peer missing or failed)"),
        }
    }
    for input in inputs.iter().filter(|i| !i.name.ends_with("-x2")) {
        if let Some((Some(default), Some(mock))) = ours(&input.name).map(|f| (f.check_s, f.check_mock_s)) {
            println!(
                "{}: cargo check with the mock feature {mock:.1}s vs {default:.1}s without (+{:.0}%; only tests that enable it pay)",
                input.name,
                (mock / default.max(1e-9) - 1.0) * 100.0
            );
        }
        let x2 = format!("{}-x2", input.name);
        if let (Some(a), Some(b)) = (ours(&input.name), ours(&x2)) {
            let r = b.wall_s / a.wall_s.max(1e-9);
            println!(
                "{}: twice the spec takes {r:.2}x the time (target about 2x, linear): {}",
                input.name,
                verdict(r <= 2.3)
            );
        }
    }
}
