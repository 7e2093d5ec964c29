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
    let cli = cli::Cli::try_parse_from(plain_negative_numbers(std::env::args_os()))
        .unwrap_or_else(|e| e.exit());
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

/// clap takes `-2` and `-0.5` as numbers but `-9.5e-3` as a cluster of short flags. Rewrites a
/// negative number in exponent form to its plain decimal form (the shortest one that reads
/// back to the same f64, so nothing is lost); every other argument is left as it is.
fn plain_negative_numbers(
    args: impl Iterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    args.map(|a| {
        let Some(s) = a.to_str() else { return a };
        let exponent_form = s.starts_with('-') && s.contains(['e', 'E']);
        match s.parse::<f64>() {
            Ok(v) if exponent_form && v.is_finite() => format!("{v}").into(),
            _ => a,
        }
    })
    .collect()
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
