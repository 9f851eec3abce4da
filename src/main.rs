//! The `roadmap-audit` binary: parse the command line, run the command, map the outcome to an exit status
//! (0 clean, 1 findings at or above the fail level, 2 the run could not be done). The only place that exits.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use roadmap_audit::cli::{Cli, Command};
use roadmap_audit::commands::{self, EXIT_ERROR};

/// mimalloc rather than the system allocator: faster for the parse's many small allocations, and without
/// a lock per allocation once the process has a second thread (Cargo.toml says more).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's option setter (in the library the `mimalloc` crate links; its own bindings list only
    /// some of the options).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc.h (v3, as built by libmimalloc-sys 0.1.49, which Cargo.lock pins).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> ExitCode {
    // A run lasts seconds: memory freed in it is not handed back to the OS (by default mimalloc does, a
    // second later, and faults it in again when it is reused: 0.7 s of system time in a 100k-item audit).
    // SAFETY: sets a plain option; mimalloc reads it when it next considers purging.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    roadmap_audit::timings::start();
    let cli = Cli::parse(); // bad flags: clap prints why and exits with 2
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let (result, color) = match &cli.command {
        None => (commands::check(&cli.check, &mut out), cli.check.color),
        Some(Command::Check(args)) => (commands::check(args, &mut out), args.color),
        Some(Command::View(args)) => (commands::view(args, &mut out), cli.check.color),
        Some(Command::Report(args)) => (roadmap_audit::report::run(args, &mut out), cli.check.color),
        Some(Command::Graph(args)) => (roadmap_audit::report::graph(args, &mut out), cli.check.color),
        Some(Command::Completions(args)) => (commands::completions(args, &mut out), cli.check.color),
        Some(Command::Parse(args)) => (commands::parse(args, &mut out), cli.check.color),
        Some(Command::Rules(args)) => (commands::rules(args, &mut out), cli.check.color),
        Some(Command::Explain(args)) => (commands::explain(args, &mut out), cli.check.color),
    };
    let flushed = out.flush();
    match result {
        Ok(code) => {
            if flushed.is_err() {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(code)
        }
        Err(err) => {
            let color = commands::use_color(color) && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let _ = commands::render_error(&err, color, &mut std::io::stderr().lock());
            ExitCode::from(EXIT_ERROR)
        }
    }
}
