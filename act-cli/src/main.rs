//! `act-cli`: tables, plots, formulas and task recommendations for activation functions.
//!
//! A thin front on act-core (activations, the task guide) and act-expr (`--formula`): no
//! activation math and no advice lives here.

mod catalog;
mod cli;
mod commands;
mod conditions;
mod error;
mod formula;
mod gated;
mod grid;
mod number;
mod output;
mod plot;
mod source;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use crate::error::UsageError;
use crate::output::Ctx;

fn main() -> ExitCode {
    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let terminal = if is_terminal {
        terminal_size::terminal_size().map(|(w, _)| w.0)
    } else {
        None
    };
    let columns = std::env::var("COLUMNS").ok();
    let width = output::output_width(terminal, columns.as_deref());
    // clap prints its own errors and exits 2 (0 for --help and --version); its help is wrapped
    // at the same width as everything else.
    let command = <cli::Cli as clap::CommandFactory>::command()
        .term_width(width)
        .max_term_width(width);
    let cli = command
        .try_get_matches_from(plain_negative_numbers(std::env::args_os()))
        .and_then(|m| <cli::Cli as clap::FromArgMatches>::from_arg_matches(&m))
        .unwrap_or_else(|e| exit_with_clap_error(without_inserted_spaces(e), width));
    // act-core ignores an ACT_ISA that names no level; say so once instead of silently.
    if let Ok(v) = std::env::var("ACT_ISA") {
        if !v.trim().is_empty() && act_core::dispatch::env_cap().is_none() {
            let _ = writeln!(
                io::stderr(),
                "warning: ACT_ISA={v:?} is not portable, avx2 or avx512: ignored"
            );
        }
    }
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut ctx = Ctx {
        entries: catalog::builtins(),
        out: &mut out,
        color: output::color_wanted(is_terminal),
        width,
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
            let _ = write!(io::stderr(), "{}", error_text(&format!("{e:#}"), width));
            ExitCode::from(code)
        }
    }
}

/// clap reads an argument that starts with `-` as an option unless it looks like a number to
/// clap, and `-inf`, `-nan`, `-.5`, `-9.5e-3` and `-1,0,1` do not. Every argument that starts
/// with `-` and is a number or a list of numbers ([`number::looks_like_numbers`]) is given a
/// leading space, which clap passes through as a value
/// and the number parsers here trim; every other argument is left as it is. No option of
/// act-cli reads as a number (`-n`, `-p`, `-f`, `-d`, `-o`), so nothing is lost.
fn plain_negative_numbers(
    args: impl Iterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    args.map(|a| match a.to_str() {
        Some(s) if s.starts_with('-') && number::looks_like_numbers(s) => format!(" {s}").into(),
        _ => a,
    })
    .collect()
}

/// The error with the spaces [`plain_negative_numbers`] inserted taken out again, so that
/// `act-cli table relu -3` says `unexpected argument '-3'` as the user typed it.
fn without_inserted_spaces(mut e: clap::Error) -> clap::Error {
    use clap::error::ContextValue;
    let unspace = |s: &String| match s.strip_prefix(' ') {
        Some(rest) if rest.starts_with('-') => rest.to_string(),
        _ => s.clone(),
    };
    let fixed: Vec<_> = e
        .context()
        .filter_map(|(kind, value)| match value {
            ContextValue::String(s) => Some((kind, ContextValue::String(unspace(s)))),
            ContextValue::Strings(v) => {
                Some((kind, ContextValue::Strings(v.iter().map(unspace).collect())))
            }
            _ => None,
        })
        .collect();
    for (kind, value) in fixed {
        e.insert(kind, value);
    }
    e
}

/// Prints clap's error and exits as clap would (2, or 0 for --help and --version). clap wraps
/// its help at `width` but not its errors (`invalid value 'alpha=nan' for '--param <K=V>':
/// ...` runs to 95 columns), so an error with a line wider than `width` is printed plain
/// (without colour) with every line wrapped at `width`, continued at its own indentation.
fn exit_with_clap_error(e: clap::Error, width: usize) -> ! {
    if e.use_stderr() {
        let text = e.render().to_string();
        if text.lines().any(|l| l.chars().count() > width) {
            let mut stderr = io::stderr();
            let _ = write!(stderr, "{}", wrap_lines(&text, width));
            let _ = stderr.flush();
            std::process::exit(e.exit_code());
        }
    }
    e.exit()
}

/// Each line of `text` wrapped at `width`, continued at the line's own indentation; empty
/// lines kept.
fn wrap_lines(text: &str, width: usize) -> String {
    let mut s = String::new();
    for line in text.lines() {
        if line.chars().count() <= width {
            s.push_str(line);
            s.push('\n');
        } else {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            s.push_str(&output::wrap(line.trim_start(), width, &indent, &indent));
        }
    }
    s
}

/// `error: MESSAGE` with the message's first line wrapped at `width`; the lines after it (a
/// formula and its caret line, an example command) are kept as they are.
fn error_text(message: &str, width: usize) -> String {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("");
    let mut s = output::wrap(&format!("error: {first}"), width, "", "");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_show_negative_numbers_as_typed() {
        let args = ["act-cli", "table", "relu", "-3"].map(std::ffi::OsString::from);
        let e = <cli::Cli as clap::CommandFactory>::command()
            .try_get_matches_from(plain_negative_numbers(args.into_iter()))
            .unwrap_err();
        let text = without_inserted_spaces(e).to_string();
        assert!(text.contains("'-3'"), "{text}");
        assert!(!text.contains("' -3'"), "{text}");
    }

    #[test]
    fn long_clap_errors_wrap_at_the_width() {
        let args =
            ["act-cli", "show", "celu", "--param", "alpha=nan"].map(std::ffi::OsString::from);
        let e = <cli::Cli as clap::CommandFactory>::command()
            .try_get_matches_from(args)
            .unwrap_err();
        let plain = e.render().to_string();
        assert!(plain.lines().any(|l| l.chars().count() > 80), "{plain}");
        let wrapped = wrap_lines(&plain, 80);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 80),
            "{wrapped}"
        );
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&wrapped), words(&plain));
        assert_eq!(wrap_lines("  a b c\n\nd\n", 4), "  a\n  b\n  c\n\nd\n");
    }

    #[test]
    fn long_errors_wrap_but_keep_their_caret_lines() {
        let m = "invalid formula: a message long enough to wrap\n  x ** 2\n    ^^";
        let s = error_text(m, 30);
        assert_eq!(
            s,
            "error: invalid formula: a\nmessage long enough to wrap\n  x ** 2\n    ^^\n"
        );
    }
}
