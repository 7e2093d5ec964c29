//! One module per group of subcommands; [`run`] dispatches.

mod gated;
mod info;
mod recommend;
mod usage;
mod values;

use crate::cli::{Cli, Command};
use crate::output::Ctx;

/// Runs the parsed command.
pub fn run(cli: Cli, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    match cli.command {
        Command::List(a) => info::list(&a, ctx),
        Command::Show(a) => info::show(&a, ctx),
        Command::Table(a) => values::table(&a, ctx),
        Command::Eval(a) => values::eval(&a, ctx),
        Command::Compare(a) => values::compare(&a, ctx),
        Command::Plot(a) => crate::plot::run(&a, ctx),
        Command::Recommend(a) => recommend::run(&a, ctx),
        Command::Completions(a) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "act-cli", ctx.out);
            Ok(())
        }
    }
}

/// `alpha=0.1, scale=2` (empty string without parameters).
pub(crate) fn params_text(params: &[(String, f64)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::number::fmt_number(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON object of parameters.
pub(crate) fn params_json(params: &[(String, f64)]) -> serde_json::Value {
    serde_json::Value::Object(
        params
            .iter()
            .map(|(k, v)| (k.clone(), crate::output::json_number(*v)))
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod testing;
