//! `cirqll-codegen` command line: generate a client crate, or check that one is fresh.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate an idiomatic Rust client crate from an OpenAPI 3.1 or 3.0 document.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Examples:\n  cirqll-codegen generate --spec spec/cirqll.yaml --out generated-client --crate-name cirqll\n  cirqll-codegen check --spec spec/cirqll.yaml --out generated-client --crate-name cirqll\n\nExit status: 0 success, 1 output stale (check), 2 invalid or unsupported spec, or I/O error."
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
    /// The OpenAPI 3.1 or 3.0 document (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Output directory of the crate.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package name of the generated crate.
    #[arg(long, default_value = "api-client")]
    crate_name: String,
    /// Package version of the generated crate.
    #[arg(long, default_value = "0.1.0")]
    crate_version: String,
}

fn main() -> ExitCode {
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
        match cirqll_codegen::check_crate(&args.out, &generated.files) {
            Ok(report) if report.is_fresh() => {
                eprintln!("{} is up to date", args.out.display());
                ExitCode::SUCCESS
            }
            Ok(report) => {
                print!("{}", report.render());
                eprintln!(
                    "\n{} is stale; regenerate with:\n  cirqll-codegen generate --spec {} --out {} --crate-name {}",
                    args.out.display(),
                    args.spec.display(),
                    args.out.display(),
                    args.crate_name
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        }
    } else {
        if let Err(e) = cirqll_codegen::write_crate(&args.out, &generated.files) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprint!("{}", generated.support_report());
        // The process ends here: leave the memory to the OS instead of freeing every file.
        std::mem::forget(generated);
        ExitCode::SUCCESS
    }
}
