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
/// The crate does not export this option's number; a test below asks mimalloc for the option's name, so an
/// upgrade that renumbers it fails the tests instead of silently setting another option.
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

#[cfg(test)]
mod tests {
    use std::ffi::{c_char, c_void, CStr};

    extern "C" {
        /// Writes every option's name and value through `out` (mimalloc.h, `mi_options_print_out`).
        fn mi_options_print_out(out: extern "C" fn(*const c_char, *mut c_void), arg: *mut c_void);
    }

    extern "C" fn collect(message: *const c_char, arg: *mut c_void) {
        // SAFETY: mimalloc passes a NUL-terminated message and the `arg` given below, a `String`.
        let (message, out) = unsafe { (CStr::from_ptr(message), &mut *(arg as *mut String)) };
        out.push_str(&message.to_string_lossy());
    }

    #[test]
    fn the_option_main_sets_is_mimallocs_purge_delay() {
        // SAFETY: as in `main`; then mimalloc only reads the options and calls `collect` with our `String`.
        let mut printed = String::new();
        unsafe {
            super::mi_option_set(super::MI_OPTION_PURGE_DELAY, -1);
            mi_options_print_out(collect, &mut printed as *mut String as *mut c_void);
        }
        assert!(printed.contains("option 'purge_delay': -1"), "{printed}");
    }
}
