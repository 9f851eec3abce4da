//! The `roadmap-audit` binary: parse the command line, run the command, map the outcome to an exit status
//! (0 clean, 1 findings at or above the fail level, 2 the run could not be done). The only place that exits.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use roadmap_audit::cli::{Cli, Command};
use roadmap_audit::commands::{self, EXIT_ERROR};

fn main() -> ExitCode {
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
