//! The `wasmbed` command: `run` a module, or check spec `wast` scripts.
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use wasmbed_cli::backend::BackendChoice;
use wasmbed_cli::run::RunArgs;

const EXIT_CODES: &str = "\
Exit status:
  0    the program ran to completion (or every wast directive passed)
  N    the program called WASI proc_exit(N)
  1    the module could not be read, compiled, linked or instantiated,
       a wast directive failed, or an --audit record could not be written
  2    the command line was wrong
  134  the program trapped, ran out of --fuel or hit --timeout (the trap
       and its wasm backtrace go to stderr)";

#[derive(Parser)]
#[command(name = "wasmbed", version, about = "Run WebAssembly with wasmbed", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a module's `_start`, or the export named by `--invoke`.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Run WebAssembly spec test scripts (.wast) and report each assertion.
    #[command(after_help = EXIT_CODES)]
    Wast {
        /// The scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Which tier runs the scripts' functions (as for `run`).
        #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
        backend: BackendChoice,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run(args) => wasmbed_cli::run::main(&args),
        Command::Wast { files, backend } => wasmbed_cli::wast::main(&files, backend),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}
