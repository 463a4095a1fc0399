//! The floor of generation time for `cargo xtask bench`: reads a spec into a
//! `serde_json::Value` and writes as many bytes to as many files as a generated crate has,
//! and does nothing else. The generator's time over this one's says what its own work costs
//! on top of reading the input and writing the output.
//!
//! `baseline SPEC MANIFEST OUT`: MANIFEST has one `<size> <relative path>` line per file of
//! the crate to mirror; OUT is created and filled with files of those paths and sizes.
//!
//! The process is set up as the generator's command line is (mimalloc, transparent huge pages
//! off, the tree left to the OS at exit), and the spec is read as it reads it (YAML or JSON,
//! `serde_json` with `preserve_order`), so that the ratio measures the generator's work and
//! not a difference in allocator or kernel settings.

use std::path::Path;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes an integer flag and no pointers (as in the generator).
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, manifest, out] = args.as_slice() else {
        eprintln!("usage: baseline SPEC MANIFEST OUT");
        return ExitCode::from(2);
    };
    match run(Path::new(spec), Path::new(manifest), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(spec: &Path, manifest: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(spec)?;
    let text = std::str::from_utf8(&bytes)?;
    let tree: serde_json::Value =
        if text.trim_start().starts_with('{') { serde_json::from_str(text)? } else { serde_yaml::from_str(text)? };
    let files: Vec<(usize, &str)> = {
        let manifest = std::fs::read_to_string(manifest)?;
        let files = manifest
            .lines()
            .map(|line| {
                let (size, path) = line.split_once(' ').ok_or("a manifest line is `<size> <path>`")?;
                Ok((size.parse::<usize>()?, path.to_owned()))
            })
            .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
        // Leaked like the tree: the process ends right after writing.
        Vec::leak(files).iter().map(|(size, path)| (*size, path.as_str())).collect()
    };
    let filler = vec![b'x'; files.iter().map(|(size, _)| *size).max().unwrap_or(0)];
    for (size, path) in files {
        let path = out.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &filler[..size])?;
    }
    std::mem::forget(tree);
    Ok(())
}
