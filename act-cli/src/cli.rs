//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::gated::GatedInputs;
use crate::number::{parse_number, parse_param, parse_points, parse_precision, parse_ylim};

/// Tables, plots, formulas and task recommendations for neural-network activation functions.
#[derive(Debug, Parser)]
#[command(name = "act-cli", version, about, propagate_version = true)]
#[command(after_help = "\
Examples:
  act-cli list
  act-cli table relu
  act-cli eval sigmoid -inf -2 0 2
  act-cli eval softmax 1 2 3
  act-cli show leaky-relu --param alpha=0.2
  act-cli plot relu sigmoid tanh --derivative --ylim -1.5,3
  act-cli table --formula \"x * tanh(softplus(x))\" --format csv
  act-cli eval swiglu -2 0 2 --b 1.5
  act-cli recommend binary-classification

Softmax turns a vector of scores into probabilities; as the article shows it:
  act-cli eval softmax 1 2 3
`table` and `plot` apply softmax to their whole grid of inputs at once, and say so.")]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every activation, one line each.
    #[command(after_help = "Examples:\n  act-cli list\n  act-cli list --format json")]
    List(ListArgs),
    /// Formula, derivative, range, properties, parameters and usage of one activation.
    #[command(after_help = "\
Examples:
  act-cli show swish
  act-cli show elu --param alpha=0.5
  act-cli show --formula \"x * sigmoid(1.702 * x)\"
  act-cli show --formula \"if x > 0 { x } else { a * x }\" --param a=0.2")]
    Show(ShowArgs),
    /// Values and derivatives on a grid (default [-5, 5], step 1).
    #[command(after_help = "\
Examples:
  act-cli table relu
  act-cli table sigmoid --from -10 --to 10 --step 0.5 --precision 4
  act-cli table leaky-relu --param alpha=0.2 --format markdown
  act-cli table tanh --points 100001 --format csv > tanh.csv
  act-cli table --formula \"x * tanh(softplus(x))\"
  act-cli table swiglu --b 2
  act-cli table glu --a 1

A gated activation (glu, swiglu, geglu, reglu) has two inputs: the grid runs over a with b held at --b (default 1), or over b with a held at --a. A vector activation (softmax) is applied to the whole grid as one input, so its values depend on --from, --to and --step. Softmax of a vector of scores:
  act-cli eval softmax 1 2 3")]
    Table(TableArgs),
    /// Values and derivatives at the given inputs (a vector activation takes them as one vector).
    #[command(
        allow_negative_numbers = true,
        after_help = "\
Examples:
  act-cli eval relu -2 0 3
  act-cli eval swish -inf -.5 1e3
  act-cli eval sigmoid -1,0,1 --precision 4
  act-cli eval softmax 1 2 3
  act-cli eval --formula \"max(0.2 * x, x)\" -inf -1 1
  act-cli eval swiglu -2 0 2 --b 1.5
  act-cli eval geglu --a -1,0,1 --b 2,3,4

Inputs are separated by spaces, commas or both; an empty item (`1,,2`, a leading or trailing comma) is an error. A number beyond the largest f64 (1e400) or nonzero below the smallest (1e-400, under 4.9e-324) is refused rather than rounded to inf or 0: write inf or 0. A gated activation (glu, swiglu, geglu, reglu) takes two inputs: --a and --b give them (a list each, or one number for all), and the numbers after the name stand for whichever is missing. A vector activation (softmax) takes them as one vector: `eval softmax 1 2 3` gives three probabilities that sum to 1."
    )]
    Eval(EvalArgs),
    /// Several activations side by side: range, properties, values and derivatives.
    #[command(after_help = "\
Examples:
  act-cli compare relu gelu swish mish
  act-cli compare sigmoid tanh --at -4,-1,0,1,4
  act-cli compare elu selu --at \"-3 -1 0 1\"
  act-cli compare relu --formula \"x * sigmoid(x)\"
  act-cli compare swish swiglu --b 1

A gated activation (glu, swiglu, geglu, reglu) is compared as a function of a, with b held at --b (default 1), or of b with a held at --a; its derivative is then df/da (or df/db).")]
    Compare(CompareArgs),
    /// Plot one or more activations in the terminal, or to an SVG or PNG file.
    #[command(after_help = "\
Examples:
  act-cli plot relu sigmoid tanh
  act-cli plot swish --derivative --from -6 --to 6
  act-cli plot relu sigmoid tanh --ylim -1.5,3
  act-cli plot relu leaky-relu elu gelu --output activations.svg
  act-cli plot sigmoid --derivative --output sigmoid.png --width 1200
  act-cli plot swiglu geglu --b 1 --derivative

A vector activation (softmax) is drawn for one vector of 101 evenly spaced x from --from to --to, the inputs of `act-cli table softmax --points 101`, at any width; the legend says so.")]
    Plot(PlotArgs),
    /// Which activation to use for a task; without TASK, list the tasks.
    #[command(after_help = "\
Examples:
  act-cli recommend
  act-cli recommend binary-classification
  act-cli recommend transformer --format json")]
    Recommend(RecommendArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  act-cli completions bash > ~/.local/share/bash-completion/completions/act-cli\n  act-cli completions zsh > _act-cli"
    )]
    Completions(CompletionsArgs),
}

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned table for people (colour on a terminal unless NO_COLOR is set).
    #[default]
    Text,
    /// Comma-separated values, numbers at full round-trip precision: the shortest decimal
    /// that reads back as the same f64, as in json (inf, -inf and NaN as they are).
    Csv,
    /// JSON, numbers at full round-trip precision as in csv (inf and NaN as the strings
    /// "Infinity", "-Infinity", "NaN"); numbers only, without text output's notes.
    Json,
    /// A Markdown table.
    Markdown,
}

/// `--format`.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `--param k=v`, repeatable.
#[derive(Debug, Args)]
pub struct ParamArgs {
    /// Set a parameter, e.g. `--param alpha=0.2` (repeatable). With several activations
    /// (compare, plot), each activation takes the parameters it has and the others ignore them
    /// (legends and headers name the values: `celu(alpha=3)`); a parameter none of them has
    /// is an error.
    #[arg(long = "param", short = 'p', value_name = "K=V", value_parser = parse_param, allow_hyphen_values = true)]
    pub params: Vec<(String, f64)>,
}

/// One activation: a NAME or a `--formula`.
#[derive(Debug, Args)]
pub struct OneSource {
    /// Activation name (case-insensitive; aliases such as `silu` or `leaky_relu` work).
    #[arg(required_unless_present = "formula", conflicts_with = "formula")]
    pub name: Option<String>,
    /// Any formula in the macro's language instead of NAME, e.g. "x * tanh(softplus(x))".
    #[arg(long, value_name = "FORMULA", allow_hyphen_values = true)]
    pub formula: Option<String>,
}

/// `--precision N`.
#[derive(Debug, Args)]
pub struct PrecisionArg {
    /// Significant digits in text output (default 10; csv and json: full precision).
    #[arg(long, value_name = "N", value_parser = parse_precision)]
    pub precision: Option<usize>,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub format: FormatArg,
}

/// `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub source: OneSource,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `--from/--to/--step/--points`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// First input.
    #[arg(long, default_value = "-5", value_parser = parse_number, allow_hyphen_values = true)]
    pub from: f64,
    /// Last input.
    #[arg(long, default_value = "5", value_parser = parse_number, allow_hyphen_values = true)]
    pub to: f64,
    /// Distance between inputs (default 1). Input i is the f64 nearest to --from + i
    /// --step worked out in decimal (a 0.1 step gives 0.3, not 0.30000000000000004).
    #[arg(long, value_parser = parse_number, allow_hyphen_values = true, conflicts_with = "points")]
    pub step: Option<f64>,
    /// Number of evenly spaced inputs from --from to --to, both included (at least 2; 1 when
    /// --from equals --to).
    #[arg(long, short = 'n', value_parser = parse_points, allow_hyphen_values = true)]
    pub points: Option<u64>,
}

/// `table`.
#[derive(Debug, Args)]
pub struct TableArgs {
    #[command(flatten)]
    pub source: OneSource,
    #[command(flatten)]
    pub grid: GridArgs,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub format: FormatArg,
    #[command(flatten)]
    pub precision: PrecisionArg,
    #[command(flatten)]
    pub gated: GatedInputs,
}

/// `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Activation name, then the inputs, separated by spaces or commas (with --formula: only
    /// the inputs).
    #[arg(value_name = "NAME|X", required_unless_present = "formula", num_args = 1..)]
    pub args: Vec<String>,
    /// Any formula in the macro's language instead of NAME.
    #[arg(long, value_name = "FORMULA", allow_hyphen_values = true)]
    pub formula: Option<String>,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub format: FormatArg,
    #[command(flatten)]
    pub precision: PrecisionArg,
    #[command(flatten)]
    pub gated: GatedInputs,
}

/// Several activations: NAMEs and/or `--formula`s.
#[derive(Debug, Args)]
pub struct ManySources {
    /// Activation names.
    #[arg(required_unless_present = "formulas")]
    pub names: Vec<String>,
    /// Formulas in the macro's language (repeatable).
    #[arg(long = "formula", value_name = "FORMULA", allow_hyphen_values = true)]
    pub formulas: Vec<String>,
}

/// `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub sources: ManySources,
    /// Inputs to compare at, separated by commas or spaces (quote them: "-1 0 1").
    #[arg(
        long,
        value_name = "X,...",
        default_value = "-2,-1,0,1,2",
        allow_hyphen_values = true
    )]
    pub at: String,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub format: FormatArg,
    /// Significant digits in the text table (default 6; csv and json: full precision).
    #[arg(long, value_name = "N", value_parser = parse_precision)]
    pub precision: Option<usize>,
    #[command(flatten)]
    pub gated: GatedInputs,
}

/// `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    #[command(flatten)]
    pub sources: ManySources,
    /// Also draw each derivative.
    #[arg(long, short = 'd')]
    pub derivative: bool,
    /// Left end of the x axis.
    #[arg(long, default_value = "-5", value_parser = parse_number, allow_hyphen_values = true)]
    pub from: f64,
    /// Right end of the x axis.
    #[arg(long, default_value = "5", value_parser = parse_number, allow_hyphen_values = true)]
    pub to: f64,
    /// The y axis from LO to HI, e.g. `--ylim -1.5,3` (default: fit every curve).
    #[arg(long, value_name = "LO,HI", value_parser = parse_ylim, allow_hyphen_values = true)]
    pub ylim: Option<(f64, f64)>,
    /// Write an SVG or PNG file (chosen by the extension) instead of drawing in the terminal.
    #[arg(long, short = 'o', value_name = "FILE.svg|FILE.png")]
    pub output: Option<PathBuf>,
    /// Width: pixels with --output (default 960), characters in the terminal (default: fit).
    #[arg(long)]
    pub width: Option<u32>,
    /// Height: pixels with --output (default 600), text rows in the terminal (default 20).
    #[arg(long)]
    pub height: Option<u32>,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub gated: GatedInputs,
}

/// `recommend`.
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The task, e.g. `binary-classification`, `mlp`, `transformer`; omit to list them.
    pub task: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn negative_numbers_are_plain_arguments() {
        let cli = Cli::try_parse_from(["act-cli", "eval", "relu", "-2", "-0.5e1"]).unwrap();
        let Command::Eval(e) = cli.command else {
            panic!()
        };
        assert_eq!(e.args, ["relu", "-2", "-0.5e1"]);
        let cli = Cli::try_parse_from(["act-cli", "table", "relu", "--from", "-5", "--to", "-1"])
            .unwrap();
        let Command::Table(t) = cli.command else {
            panic!()
        };
        assert_eq!((t.grid.from, t.grid.to), (-5.0, -1.0));
        let cli = Cli::try_parse_from(["act-cli", "compare", "relu", "--at", "-1,0"]).unwrap();
        let Command::Compare(c) = cli.command else {
            panic!()
        };
        assert_eq!(c.at, "-1,0");
        let cli = Cli::try_parse_from(["act-cli", "plot", "relu", "--ylim", "-1.5,3"]).unwrap();
        let Command::Plot(p) = cli.command else {
            panic!()
        };
        assert_eq!(p.ylim, Some((-1.5, 3.0)));
    }
}
