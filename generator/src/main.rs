//! `cirqll-codegen` command line: generate a client crate, or check that one is fresh.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. Where the kernel has them on (`always`,
/// or `madvise`, which mimalloc asks for), each first touch of a 2 MB region zeroes the whole
/// page, and generation frees and reallocates enough memory that this was a third of its CPU
/// time on GitHub's spec; 4 KB pages fault in only what is used. Best effort: an error
/// (an old kernel) leaves the setting as it was.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes an integer flag and no pointers; it only changes how
    // the kernel backs this process's future page faults.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
}

/// `--version`: the version and the spec versions this build reads.
static VERSION: LazyLock<String> =
    LazyLock::new(|| format!("{} (reads {})", env!("CARGO_PKG_VERSION"), cirqll_codegen::load::READS));

/// Generate an idiomatic Rust client crate from an OpenAPI document.
#[derive(Parser)]
#[command(
    version = VERSION.as_str(),
    about,
    after_help = "Examples:\n  cirqll-codegen generate --spec petstore.yaml --out petstore-client\n  cirqll-codegen check --spec petstore.yaml --out petstore-client\n\nThe crate is named by --crate-name, else by the spec's x-rust-crate.name, else after its title.\n\nExit status: 0 success, 1 output stale (check), 2 invalid or unsupported spec, or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the crate to DIR (replacing generated files, keeping tests/, examples/, CHANGELOG.md).
    Generate {
        #[command(flatten)]
        args: Args,
    },
    /// Compare DIR with what would be generated; print a unified diff and exit 1 when stale.
    Check {
        #[command(flatten)]
        args: Args,
    },
}

#[derive(clap::Args)]
struct Args {
    /// The OpenAPI document (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Output directory of the crate.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package name of the generated crate [default: `x-rust-crate.name` from the spec, else
    /// the spec's title as a package name, e.g. `Swagger Petstore` → `swagger-petstore`].
    #[arg(long)]
    crate_name: Option<String>,
    /// Package version of the generated crate.
    #[arg(long, default_value = "0.1.0")]
    crate_version: String,
    /// Print the time of each stage to stderr (`timings: load=80.1ms ... write=12.0ms`; `check=`
    /// instead of `write=` for `check`).
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    let (args, check) = match &cli.command {
        Command::Generate { args } => (args, false),
        Command::Check { args } => (args, true),
    };
    let opts =
        cirqll_codegen::Options { crate_name: args.crate_name.clone(), crate_version: args.crate_version.clone() };
    let generated = match cirqll_codegen::generate_file(&args.spec, &opts) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if check {
        let start = std::time::Instant::now();
        let report = cirqll_codegen::check_crate(&args.out, &generated.files);
        if args.timings {
            eprintln!("timings: {} check={:.1}ms", generated.timings, start.elapsed().as_secs_f64() * 1e3);
        }
        match report {
            Ok(report) if report.is_fresh() => {
                eprintln!("{} is up to date", args.out.display());
                ExitCode::SUCCESS
            }
            Ok(report) => {
                print!("{}", report.render());
                let name = args.crate_name.as_ref().map(|n| format!(" --crate-name {n}")).unwrap_or_default();
                eprintln!(
                    "\n{} is stale; regenerate with:\n  cirqll-codegen generate --spec {} --out {}{name}",
                    args.out.display(),
                    args.spec.display(),
                    args.out.display(),
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        }
    } else {
        let start = std::time::Instant::now();
        if let Err(e) = cirqll_codegen::write_crate(&args.out, &generated.files) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        if args.timings {
            eprintln!("timings: {} write={:.1}ms", generated.timings, start.elapsed().as_secs_f64() * 1e3);
        }
        if args.crate_name.is_none() {
            eprintln!("crate name `{}`, from the spec (--crate-name sets another)", generated.crate_name);
        }
        eprint!("{}", generated.support_report());
        // The process ends here: leave the memory to the OS instead of freeing every file.
        std::mem::forget(generated);
        ExitCode::SUCCESS
    }
}
