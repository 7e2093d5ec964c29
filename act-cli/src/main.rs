//! `act-cli`: tables, plots, formulas and task recommendations for activation functions.
//!
//! A thin front on act-core (activations, the task guide) and act-expr (`--formula`): no
//! activation math and no advice lives here.

mod catalog;
mod cli;
mod commands;
mod error;
mod formula;
mod grid;
mod number;
mod output;
mod plot;
mod source;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::error::UsageError;
use crate::output::Ctx;

fn main() -> ExitCode {
    // clap prints its own errors and exits 2 (0 for --help and --version).
    let cli = cli::Cli::try_parse().unwrap_or_else(|e| e.exit());
    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let terminal = if is_terminal {
        terminal_size::terminal_size().map(|(w, h)| (w.0, h.0))
    } else {
        None
    };
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut ctx = Ctx {
        entries: catalog::builtins(),
        out: &mut out,
        color: output::color_wanted(is_terminal),
        terminal,
    };
    let result = commands::run(cli, &mut ctx).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            let code = if e.downcast_ref::<UsageError>().is_some() {
                2
            } else {
                1
            };
            let _ = writeln!(io::stderr(), "error: {e:#}");
            ExitCode::from(code)
        }
    }
}

/// Output piped into `head` that stopped reading: not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let io = cause.downcast_ref::<io::Error>().or_else(|| {
            cause
                .downcast_ref::<csv::Error>()
                .and_then(|c| match c.kind() {
                    csv::ErrorKind::Io(io) => Some(io),
                    _ => None,
                })
        });
        io.is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
