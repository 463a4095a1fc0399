//! `cargo xtask bench`: generation speed, memory, output size and compile cost of the
//! generated crate, for this generator and the peers a user would pick instead, on the same
//! inputs in one run; then the runtime-overhead benchmarks (`cargo bench -p cirqll-bench`).
//!
//! Inputs: `spec/cirqll.yaml`, the petstore example of `@readme/oas-examples`, GitHub's REST
//! spec (OpenAPI 3.0 variant) from `@octokit/openapi`, and Kubernetes' API 1.13 as Swagger 2.0
//! (4.2 MB, 1,014 operations, 891 definitions; the largest real 2.0 document the reachable
//! registries ship, gzipped inside the npm package `kubernetes-client`). Each input also runs
//! doubled (every path and component copied under a new name) to show how time grows with
//! spec size.
//! GitHub's spec also runs as its mechanical OpenAPI 3.1 translation (`github-3.1`, the
//! translator of the equivalence test): reading 3.1 must cost at most 1.2x the 3.0 time, and
//! must generate the same crate.
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

#[path = "../../generator/tests/support/translate31.rs"]
mod translate31;

/// Suffix of the input that is another input's OpenAPI 3.1 translation.
const V31: &str = "-3.1";

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
    // Where `cargo build --release` put it (CARGO_TARGET_DIR, when set, moves it).
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

/// Root sections of Swagger 2.0 that hold named, referenced items, like 3.0's components.
const SWAGGER2_SECTIONS: &[&str] = &["definitions", "parameters", "responses"];

/// The spec with every path and component (Swagger 2.0: definition, root parameter and
/// response) present twice (the copy renamed), so it is exactly twice as large.
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
                            } else if let Some((section, name)) =
                                s.strip_prefix("#/").and_then(|rest| rest.split_once('/'))
                            {
                                if SWAGGER2_SECTIONS.contains(&section) && !name.contains('/') {
                                    *s = format!("#/{section}/{name}Copy2");
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
    for section in SWAGGER2_SECTIONS {
        let Some(items) = spec[*section].as_object() else { continue };
        for (name, item) in items {
            let mut copy = item.clone();
            rename_refs(&mut copy);
            out[*section][format!("{name}Copy2")] = copy;
        }
    }
    out
}

/// Decompresses `.tools/node_modules/<gz>` into `dir` (with `gzip`, which every Debian has);
/// returns the path of the JSON, or the missing `.gz` so that reading it reports the input
/// missing.
fn gunzip(gz: &Path, dir: &Path, name: &str) -> Result<PathBuf> {
    if !gz.exists() {
        return Ok(gz.to_owned());
    }
    let out = dir.join(name);
    let json = Command::new("gzip").arg("-dc").arg(gz).output().context("running gzip")?;
    if !json.status.success() {
        bail!("gzip -dc {} failed", gz.display());
    }
    std::fs::write(&out, json.stdout)?;
    Ok(out)
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

/// Measures `tool` on each input (with or without `cargo check`). The runs of several inputs
/// alternate, so a change of machine load between them does not skew their ratio.
fn measure(root: &Path, tool: &Tool, inputs: &[(&Input, bool)], runs: usize) -> Vec<Outcome> {
    let Some(command) = &tool.command else {
        return inputs.iter().map(|_| Outcome::Missing(tool.missing.clone())).collect();
    };
    let work = |input: &Input| root.join("target/bench").join(tool.name).join(&input.name);
    let mut walls = vec![Vec::new(); inputs.len()];
    let mut peaks = vec![0.0_f64; inputs.len()];
    let mut failed: Vec<Option<String>> = vec![None; inputs.len()];
    for _ in 0..runs {
        for (i, (input, _)) in inputs.iter().enumerate() {
            if failed[i].is_some() {
                continue;
            }
            let dir = work(input);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.parent().unwrap_or(root)).ok();
            // A translation generates the same crate as its source, under the same name.
            let crate_name = format!("bench-{}", input.name.trim_end_matches(V31));
            match timed(&command(&input.spec, &dir, &crate_name), &dir) {
                Ok((w, p)) => {
                    walls[i].push(w);
                    peaks[i] = peaks[i].max(p);
                }
                Err(e) => failed[i] = Some(e.to_string()),
            }
        }
    }
    let mut outcomes = Vec::new();
    for (i, (input, with_check)) in inputs.iter().enumerate() {
        if let Some(e) = failed[i].take() {
            outcomes.push(Outcome::Failed(e));
            continue;
        }
        walls[i].sort_by(f64::total_cmp);
        let wall_s = walls[i][walls[i].len() / 2];
        let dir = work(input);
        let lines = rust_lines(&dir);
        let mut figures =
            Figures { wall_s, peak_mb: peaks[i], lines, check_s: None, check_full_s: None, check_mock_s: None };
        if *with_check {
            match check_time(root, &dir, &[]) {
                Ok(s) => figures.check_s = Some(s),
                Err(e) => {
                    outcomes.push(Outcome::Failed(format!("generated in {wall_s:.2}s, then: {e}")));
                    continue;
                }
            }
            if tool.name == "cirqll-codegen" {
                match check_time(root, &dir, &["--features", "full-serde"]) {
                    Ok(s) => figures.check_full_s = Some(s),
                    Err(e) => {
                        outcomes.push(Outcome::Failed(format!("cargo check --features full-serde: {e}")));
                        continue;
                    }
                }
                match check_time(root, &dir, &["--features", "mock"]) {
                    Ok(s) => figures.check_mock_s = Some(s),
                    Err(e) => {
                        outcomes.push(Outcome::Failed(format!("cargo check --features mock: {e}")));
                        continue;
                    }
                }
            }
        }
        outcomes.push(Outcome::Measured(figures));
    }
    outcomes
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
        Input {
            name: "kubernetes".into(),
            spec: tools_dir.join("kubernetes-client/lib/specs/swagger-1.13.json.gz"),
            operations: 0,
        },
    ];
    inputs.retain(|i| only.as_deref().is_none_or(|o| o == i.name));
    let dir = root.join("target/bench/specs");
    std::fs::create_dir_all(&dir)?;
    for input in inputs.iter_mut().filter(|i| i.spec.extension().is_some_and(|e| e == "gz")) {
        input.spec = gunzip(&input.spec, &dir, &format!("{}.json", input.name))?;
    }
    let mut all = Vec::new();
    for input in inputs {
        let spec = match read_spec(&input.spec) {
            Ok(s) => s,
            Err(e) => {
                println!(
                    "{}: input missing ({e}); `npm install --prefix .tools @readme/oas-examples @octokit/openapi kubernetes-client@9.0.0`",
                    input.name
                );
                continue;
            }
        };
        let double = doubled(&spec);
        let double_path = dir.join(format!("{}-x2.json", input.name));
        std::fs::write(&double_path, serde_json::to_vec(&double)?)?;
        let double_name = format!("{}-x2", input.name);
        let translation = (input.name == "github").then(|| {
            let mut v31 = spec.clone();
            translate31::translate(&mut v31);
            // Same file name, so the generated headers differ only in the spec hash.
            let file = input.spec.file_name().map(|f| f.to_owned()).unwrap_or_default();
            (format!("{}{V31}", input.name), dir.join("3.1").join(file), v31)
        });
        let operations = count_operations(&spec);
        all.push(Input { operations, ..input });
        all.push(Input { name: double_name, spec: double_path, operations: count_operations(&double) });
        if let Some((name, path, v31)) = translation {
            std::fs::create_dir_all(dir.join("3.1"))?;
            std::fs::write(&path, serde_json::to_vec(&v31)?)?;
            all.push(Input { name, spec: path, operations });
        }
    }
    let tools = tools(&root);
    let mut table: Vec<(String, &'static str, Outcome)> = Vec::new();
    println!("runs per measurement: {runs} (median wall time; peak RSS is the maximum)");
    for input in all.iter().filter(|i| !i.name.ends_with(V31)) {
        for tool in &tools {
            // Doubled specs and translations only for our generator: they measure how our time
            // scales and what reading 3.1 costs. A translation runs alternately with its source.
            let doubled = input.name.ends_with("-x2");
            if doubled && tool.name != "cirqll-codegen" {
                continue;
            }
            let mut jobs = vec![(input, with_check && !doubled)];
            let translation = format!("{}{V31}", input.name);
            if tool.name == "cirqll-codegen" {
                jobs.extend(all.iter().filter(|i| i.name == translation).map(|i| (i, false)));
            }
            for ((input, _), outcome) in jobs.iter().zip(measure(&root, tool, &jobs, runs)) {
                print_row(input, tool.name, &outcome);
                table.push((input.name.to_owned(), tool.name, outcome));
            }
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
    if let (Some(f), Some(p)) = (ours("kubernetes"), peer("kubernetes")) {
        println!(
            "Kubernetes (Swagger 2.0) generation {:.1}x faster than openapi-generator (no target; the upgrade to 3.0 is included)",
            p.wall_s / f.wall_s
        );
    }
    if let (Some(a), Some(b)) = (ours("github"), ours(&format!("github{V31}"))) {
        let r = b.wall_s / a.wall_s.max(1e-9);
        println!(
            "GitHub as OpenAPI 3.1 generates in {:.3}s = {r:.2}x the 3.0 time (target <= 1.2x): {}",
            b.wall_s,
            verdict(r <= 1.2)
        );
        let root = root();
        let same = same_crate(
            &root.join("target/bench/cirqll-codegen/github"),
            &root.join(format!("target/bench/cirqll-codegen/github{V31}")),
        );
        match same {
            Ok(None) => println!("  and the same crate as from 3.0, apart from the spec hash: met"),
            Ok(Some(file)) => println!("  but not the same crate as from 3.0: {file} differs: MISSED"),
            Err(e) => println!("  comparing it with the 3.0 crate failed: {e}"),
        }
    }
    for input in inputs.iter().filter(|i| !i.name.ends_with("-x2") && !i.name.ends_with(V31)) {
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

/// Whether two generated crates are the same apart from the spec hash in file headers: `None`
/// when they are, else the first file that differs. `cargo check` leaves a `Cargo.lock` and a
/// `[workspace]` table behind; neither counts.
fn same_crate(a: &Path, b: &Path) -> Result<Option<String>> {
    fn files(dir: &Path) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d)? {
                let p = e?.path();
                let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                if p.is_dir() {
                    if rel != "target" {
                        stack.push(p);
                    }
                } else if rel != "Cargo.lock" {
                    let text = std::fs::read_to_string(&p)?;
                    let text = text.trim_end_matches("\n[workspace]\n").to_owned();
                    let text = match text.find("(sha256 ") {
                        Some(i) if text.len() > i + 72 => format!("{}{}", &text[..i], &text[i + 72..]),
                        _ => text,
                    };
                    out.push((rel, text));
                }
            }
        }
        out.sort();
        Ok(out)
    }
    let (a, b) = (files(a)?, files(b)?);
    if a.len() != b.len() {
        return Ok(Some(format!("the file list ({} vs {} files)", a.len(), b.len())));
    }
    Ok(a.iter().zip(&b).find(|(x, y)| x != y).map(|(x, _)| x.0.clone()))
}
