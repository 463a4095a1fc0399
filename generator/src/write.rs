//! Stage 6 — write: replace the generated crate on disk, or compare it in memory.
//!
//! The generator owns every path of the output directory except [`is_owned`]'s exceptions
//! (`tests/`, `examples/`, `benches/`, `target/`, `CHANGELOG.md` and dot-files), which hold hand-written
//! files and are carried over untouched. Writing renders into a staging directory beside the
//! output and swaps it in with renames, so a failure leaves the previous output as it was.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::Files;
use crate::error::{Error, Result};

/// Whether the generator owns `relative` (a `/`-separated path inside the output).
pub fn is_owned(relative: &str) -> bool {
    let first = relative.split('/').next().unwrap_or_default();
    !matches!(first, "tests" | "examples" | "benches" | "target" | "CHANGELOG.md") && !first.starts_with('.')
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write { path: path.to_owned(), source }
}

/// Replaces the owned contents of `out` with `files`, keeping everything it does not own.
pub fn write_crate(out: &Path, files: &Files) -> Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = parent.join(format!(".{name}.codegen-staging"));
    let backup = parent.join(format!(".{name}.codegen-previous"));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let result = (|| {
        write_files(&staging, files)?;
        if out.exists() {
            for rel in list_files(out)? {
                if !is_owned(&rel) && !rel.starts_with("target/") {
                    let (from, to) = (out.join(&rel), staging.join(&rel));
                    if let Some(dir) = to.parent() {
                        fs::create_dir_all(dir).map_err(io(dir))?;
                    }
                    fs::copy(&from, &to).map_err(io(&from))?;
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if backup.exists() {
        fs::remove_dir_all(&backup).map_err(io(&backup))?;
    }
    let had_previous = out.exists();
    if had_previous {
        fs::rename(out, &backup).map_err(io(out))?;
    }
    if let Err(source) = fs::rename(&staging, out) {
        if had_previous {
            let _ = fs::rename(&backup, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(Error::Write { path: out.to_owned(), source });
    }
    if had_previous {
        // A build directory inside the output is moved over rather than copied.
        let old_target = backup.join("target");
        if old_target.is_dir() {
            let _ = fs::rename(&old_target, out.join("target"));
        }
        fs::remove_dir_all(&backup).map_err(io(&backup))?;
    }
    Ok(())
}

/// Writes `files` below `root`, creating each directory once (not once per file: a failed
/// `mkdir` is a round trip to the file system too).
fn write_files(root: &Path, files: &Files) -> Result<()> {
    let dirs: BTreeSet<PathBuf> = files.keys().filter_map(|rel| root.join(rel).parent().map(Path::to_owned)).collect();
    for dir in &dirs {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    for (rel, bytes) in files {
        let path = root.join(rel);
        fs::write(&path, bytes).map_err(io(&path))?;
    }
    Ok(())
}

/// Every file below `dir`, as sorted `/`-separated relative paths.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(io(&d))? {
            let entry = entry.map_err(io(&d))?;
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if entry.file_type().map_err(io(&path))?.is_dir() {
                if rel != "target" {
                    stack.push(path);
                }
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// How an output directory differs from what the generator would write.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CheckReport {
    /// Files whose contents differ, with a unified diff (current → expected).
    pub stale: Vec<(String, String)>,
    /// Files the generator would create.
    pub missing: Vec<String>,
    /// Owned files the generator would not write (left over from an older spec).
    pub orphaned: Vec<String>,
}

impl CheckReport {
    /// Whether the output is up to date.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }

    /// A readable report: the lists, then the diffs.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (path, _) in &self.stale {
            s.push_str(&format!("stale:    {path}\n"));
        }
        for path in &self.missing {
            s.push_str(&format!("missing:  {path}\n"));
        }
        for path in &self.orphaned {
            s.push_str(&format!("orphaned: {path}\n"));
        }
        for (_, diff) in &self.stale {
            s.push('\n');
            s.push_str(diff);
        }
        s
    }
}

/// Compares `out` with `files` without writing anything.
pub fn check_crate(out: &Path, files: &Files) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    for (rel, expected) in files {
        let path = out.join(rel);
        match fs::read(&path) {
            Ok(current) if current == *expected => {}
            Ok(current) => {
                let (old, new) = (String::from_utf8_lossy(&current), String::from_utf8_lossy(expected));
                let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string();
                report.stale.push((rel.clone(), diff));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.missing.push(rel.clone()),
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
    if out.exists() {
        for rel in list_files(out)? {
            if is_owned(&rel) && !files.contains_key(&rel) {
                report.orphaned.push(rel);
            }
        }
    }
    Ok(report)
}
