//! `cirqll-codegen` command line: generate a client crate, check that one is fresh, or audit a
//! live API against its spec.

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
    after_help = "Examples:\n  cirqll-codegen generate --spec petstore.yaml --out petstore-client\n  cirqll-codegen check --spec petstore.yaml --out petstore-client\n  cirqll-codegen audit --spec spec/cirqll.yaml --token-env CIRQLL_TOKEN --report audit.json --overlay audit.yaml\n\nThe crate is named by --crate-name, else by the spec's x-rust-crate.name, else after its title.\n\nExit status: 0 success, 1 output stale (check) or findings (audit), 2 invalid or unsupported spec, I/O error, refused token or unreachable API."
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
    /// Call the live API's read operations and check every response against the spec (exit 1
    /// on findings); or, with --apply-overlay, apply an Overlay of spec edits to the spec.
    #[cfg(feature = "audit")]
    Audit(AuditArgs),
}

#[cfg(feature = "audit")]
#[derive(clap::Args)]
struct AuditArgs {
    /// The OpenAPI document (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Base URL of the API, replacing the spec's first server.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Replace a server of the spec (document-, path- or operation-level) by another URL.
    #[arg(long = "server", value_name = "SPEC_URL=URL", value_parser = server_pair)]
    servers: Vec<(String, String)>,
    /// Environment variable holding the bearer token (never printed).
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// Write the findings, verdicts and coverage as JSON to FILE.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Write the spec edits that make every observed response valid as an OpenAPI Overlay 1.0.
    #[arg(long, value_name = "FILE.yaml")]
    overlay: Option<PathBuf>,
    /// Also create, read back, update and delete a record of each resource (never an existing one).
    #[arg(long)]
    allow_writes: bool,
    /// Send at most N requests.
    #[arg(long, value_name = "N", default_value_t = 500)]
    max_requests: usize,
    /// Records per list page requested.
    #[arg(long, value_name = "N", default_value_t = 5)]
    page_size: u64,
    /// Apply this Overlay to --spec (in place, keeping comments) instead of calling the API.
    #[arg(long, value_name = "FILE.yaml", conflicts_with_all = ["base_url", "servers", "token_env", "report", "overlay", "allow_writes"])]
    apply_overlay: Option<PathBuf>,
    /// With --apply-overlay: write the result here instead of over --spec.
    #[arg(long, value_name = "FILE", requires = "apply_overlay")]
    output: Option<PathBuf>,
}

#[cfg(feature = "audit")]
fn server_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => Ok((from.to_owned(), to.to_owned())),
        _ => Err("expected SPEC_URL=URL".into()),
    }
}

#[cfg(feature = "audit")]
fn audit(args: &AuditArgs) -> ExitCode {
    if let Some(overlay) = &args.apply_overlay {
        return ExitCode::from(cirqll_codegen::audit::apply_cli(&args.spec, overlay, args.output.as_deref()));
    }
    let mut opts = cirqll_codegen::audit::AuditOptions::new(&args.spec);
    opts.base_url = args.base_url.clone();
    opts.servers = args.servers.clone();
    opts.token_env = args.token_env.clone();
    opts.report = args.report.clone();
    opts.overlay = args.overlay.clone();
    opts.allow_writes = args.allow_writes;
    opts.max_requests = args.max_requests;
    opts.page_size = args.page_size;
    ExitCode::from(cirqll_codegen::audit::run_cli(&opts))
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
        #[cfg(feature = "audit")]
        Command::Audit(args) => return audit(args),
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
