//! `table`, `eval` and `compare`: numbers.

use std::io::Write;

use serde_json::json;

use super::gated;
use super::params_json;
use crate::cli::{CompareArgs, EvalArgs, Format, TableArgs};
use crate::error::usage;
use crate::gated::{self as two, GatedSource, Held};
use crate::grid::Grid;
use crate::number::{
    TEXT_DIGITS, fmt_column, fmt_number, fmt_range, fmt_range_digits, fmt_rows, parse_numbers,
    write_number,
};
use crate::output::{
    Ctx, Kind, csv_table, json_number, md_header, md_table, text_table, wrap, write_json_number,
};
use crate::source::{self, Curve};

/// Rows computed per call into the activation: big enough to be fast, small enough to keep
/// memory constant.
const CHUNK: usize = 4096;
/// Text tables are built in memory (to align them); beyond this, use csv, json or markdown.
const MAX_TEXT_ROWS: u64 = 1_000_000;
/// A gated table is computed in memory, in every format.
const MAX_GATED_ROWS: u64 = 1_000_000;
/// A vector activation needs the whole grid at once.
const MAX_VECTOR_ROWS: u64 = 10_000_000;

const HEADER: [&str; 3] = ["x", "value", "derivative"];

/// Writes rows `x, value, derivative` in one format, streaming.
struct RowWriter<'w> {
    format: Format,
    out: &'w mut dyn Write,
    first: bool,
    field: Vec<u8>,
}

impl<'w> RowWriter<'w> {
    fn begin(
        format: Format,
        out: &'w mut dyn Write,
        label: &str,
        params: &[(String, f64)],
    ) -> anyhow::Result<Self> {
        match format {
            Format::Csv => writeln!(out, "x,value,derivative")?,
            Format::Markdown => md_header(out, &HEADER, &[true; 3])?,
            Format::Json => {
                write!(out, "{{\"activation\":")?;
                serde_json::to_writer(&mut *out, label)?;
                write!(out, ",\"params\":")?;
                serde_json::to_writer(&mut *out, &params_json(params))?;
                write!(out, ",\"rows\":[")?;
            }
            Format::Text => unreachable!("text tables are built in memory"),
        }
        Ok(RowWriter {
            format,
            out,
            first: true,
            field: Vec::with_capacity(32),
        })
    }

    fn row(&mut self, x: f64, value: f64, derivative: f64) -> std::io::Result<()> {
        let out = &mut *self.out;
        match self.format {
            Format::Csv => {
                // Numbers never need quoting; write them straight through.
                for (i, v) in [x, value, derivative].into_iter().enumerate() {
                    self.field.clear();
                    write_number(&mut self.field, v)?;
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(&self.field)?;
                }
                out.write_all(b"\n")
            }
            Format::Markdown => {
                out.write_all(b"|")?;
                for v in [x, value, derivative] {
                    out.write_all(b" ")?;
                    write_number(out, v)?;
                    out.write_all(b" |")?;
                }
                out.write_all(b"\n")
            }
            Format::Json => {
                out.write_all(if self.first {
                    b"\n{\"x\":"
                } else {
                    b",\n{\"x\":"
                })?;
                write_json_number(out, x)?;
                out.write_all(b",\"value\":")?;
                write_json_number(out, value)?;
                out.write_all(b",\"derivative\":")?;
                write_json_number(out, derivative)?;
                self.first = false;
                out.write_all(b"}")
            }
            Format::Text => unreachable!(),
        }
    }

    fn end(self) -> std::io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(b"\n]}\n")?;
        }
        Ok(())
    }
}

/// Where the inputs of a vector activation came from, for the line above its text table.
#[derive(Clone, Copy)]
enum VectorInputs {
    /// `table`: the grid.
    Grid,
    /// `eval`: the numbers given.
    Given,
}

/// The line above a vector activation's text table: what its values are.
fn vector_note(c: &dyn Curve, n: usize, inputs: VectorInputs) -> String {
    let label = c.label();
    match inputs {
        VectorInputs::Grid => format!(
            "{label} of the whole grid ({n} inputs) as one vector: the values change with \
             --from, --to and --step. derivative: the Jacobian's diagonal, dy_i/dx_i. For \
             {label} of a score vector: act-cli eval {} 1 2 3",
            eval_name(c)
        ),
        VectorInputs::Given => format!(
            "{label} of the {n} input{} as one vector. derivative: the Jacobian's diagonal, \
             dy_i/dx_i.",
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// The line above a text table of an activation whose `--param`s differ from its defaults,
/// `celu with alpha = 3 (default 1)`, as a gated table names the input it holds; `None` at
/// the defaults and for formulas (whose parameters are in the text).
fn params_note(c: &dyn Curve) -> Option<String> {
    let changed = crate::source::changed_params(c);
    if changed.is_empty() || c.type_name().is_none() {
        return None;
    }
    let values: Vec<String> = changed
        .iter()
        .map(|(k, v, d)| format!("{k} = {} (default {})", fmt_number(*v), fmt_number(*d)))
        .collect();
    Some(format!("{} with {}", c.label(), values.join(", ")))
}

/// Why a vector activation's output holds NaN, when an infinite input is the cause: the
/// library takes no limit for vector activations (softmax of a vector holding +inf is NaN,
/// as in PyTorch; softmin, -inf). The cause is found by evaluating again with the +inf (or
/// -inf) inputs replaced by 0: the infinity whose removal leaves fewer NaN is named. `None`
/// when the output holds no NaN, the input holds NaN, or no infinity is the cause.
fn nan_note(c: &dyn Curve, xs: &[f64], values: &[f64], derivatives: &[f64]) -> Option<String> {
    let nans = |v: &[f64], d: &[f64]| v.iter().chain(d).filter(|y| y.is_nan()).count();
    let count = nans(values, derivatives);
    if count == 0 || xs.iter().any(|x| x.is_nan()) {
        return None;
    }
    let causes: Vec<(f64, &str)> = [(f64::INFINITY, "+inf"), (f64::NEG_INFINITY, "-inf")]
        .into_iter()
        .filter(|&(inf, _)| {
            if !xs.contains(&inf) {
                return false;
            }
            let finite: Vec<f64> = xs.iter().map(|&x| if x == inf { 0.0 } else { x }).collect();
            let (mut v, mut d) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            c.table(&finite, &mut v, &mut d);
            nans(&v, &d) < count
        })
        .collect();
    if causes.is_empty() {
        return None;
    }
    // A vector of one infinity only (softmax of (-inf, -inf)): that is the cause, where one
    // -inf beside finite entries is not.
    let condition = match causes[..] {
        [(inf, name)] if xs.iter().all(|&x| x == inf) => format!("every entry is {name}"),
        _ => {
            let names: Vec<&str> = causes.iter().map(|&(_, n)| n).collect();
            format!("the vector holds {}", names.join(" and "))
        }
    };
    let nan_values = values.iter().filter(|y| y.is_nan()).count();
    let what = match nan_values {
        n if n == values.len() => "Every value is NaN",
        0 => "Some derivatives are NaN",
        _ => "Some values are NaN",
    };
    Some(format!(
        "{what}: {} takes no limit when {condition} (vector activations take none, as in \
         PyTorch); clamp the inputs first.",
        c.label(),
    ))
}

/// How to name `c` on an `eval` command line.
fn eval_name(c: &dyn Curve) -> String {
    match c.type_name() {
        Some(_) => c.label(),
        None => format!("--formula \"{}\"", c.label()),
    }
}

fn text_rows(
    ctx: &mut Ctx<'_>,
    xs: &[f64],
    values: &[f64],
    derivatives: &[f64],
    digits: usize,
) -> anyhow::Result<()> {
    let rows = fmt_rows(&[xs, values, derivatives], digits);
    write!(
        ctx.out,
        "{}",
        text_table(&HEADER, &rows, &[Kind::Number; 3], ctx.color, ctx.width)
    )?;
    Ok(())
}

/// Text output's options: significant digits, and the note for a vector activation.
struct TextOptions {
    digits: usize,
    inputs: VectorInputs,
}

fn write_rows(
    ctx: &mut Ctx<'_>,
    format: Format,
    c: &dyn Curve,
    (xs, values, derivatives): (&[f64], &[f64], &[f64]),
    text: TextOptions,
) -> anyhow::Result<()> {
    if format == Format::Text {
        if let Some(note) = params_note(c) {
            write!(ctx.out, "{}", wrap(&note, ctx.wrap_width(), "", ""))?;
        }
        if c.is_vector() {
            let mut note = vector_note(c, xs.len(), text.inputs);
            if let Some(why) = nan_note(c, xs, values, derivatives) {
                note.push(' ');
                note.push_str(&why);
            }
            write!(ctx.out, "{}", wrap(&note, ctx.wrap_width(), "", ""))?;
        }
        return text_rows(ctx, xs, values, derivatives, text.digits);
    }
    let mut w = RowWriter::begin(format, ctx.out, &c.label(), &c.params())?;
    for i in 0..xs.len() {
        w.row(xs[i], values[i], derivatives[i])?;
    }
    w.end()?;
    Ok(())
}

/// `act-cli table`.
pub fn table(args: &TableArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    if let Some(mut g) = args.source.name.as_deref().and_then(GatedSource::lookup) {
        g.set_params(&args.params.params)?;
        let held = Held::from_inputs(g.name, &args.gated)?;
        let grid = Grid::new(&args.grid)?;
        if grid.len() > MAX_GATED_ROWS {
            return Err(usage(format!(
                "{} rows is too many for a gated table: at most {MAX_GATED_ROWS}",
                grid.len()
            )));
        }
        let mut xs = vec![0.0; grid.len() as usize];
        grid.fill(0, &mut xs);
        let digits = args.precision.precision.unwrap_or(TEXT_DIGITS);
        return gated::table(&g, held, &xs, args.format.format, digits, ctx);
    }
    if args.source.formula.is_some() {
        args.gated.refuse_for_formula()?;
    }
    let c = args.source.resolve(ctx.entries, &args.params)?;
    args.gated.refuse_for(&c.label())?;
    let grid = Grid::new(&args.grid)?;
    let format = args.format.format;
    let n = grid.len();
    if c.is_vector() || format == Format::Text {
        let limit = if c.is_vector() {
            MAX_VECTOR_ROWS
        } else {
            MAX_TEXT_ROWS
        };
        if n > limit {
            let why = if c.is_vector() {
                "a vector activation is applied to the whole grid at once"
            } else {
                "text tables are aligned in memory; use --format csv, json or markdown"
            };
            return Err(usage(format!(
                "{n} rows is too many: at most {limit} ({why})"
            )));
        }
        let n = n as usize;
        let mut xs = vec![0.0; n];
        grid.fill(0, &mut xs);
        let (mut values, mut derivatives) = (vec![0.0; n], vec![0.0; n]);
        c.table(&xs, &mut values, &mut derivatives);
        let text = TextOptions {
            digits: args.precision.precision.unwrap_or(TEXT_DIGITS),
            inputs: VectorInputs::Grid,
        };
        return write_rows(ctx, format, c.as_ref(), (&xs, &values, &derivatives), text);
    }
    let mut w = RowWriter::begin(format, ctx.out, &c.label(), &c.params())?;
    let (mut xs, mut values, mut derivatives) =
        (vec![0.0; CHUNK], vec![0.0; CHUNK], vec![0.0; CHUNK]);
    let mut start = 0u64;
    while start < n {
        let len = (n - start).min(CHUNK as u64) as usize;
        grid.fill(start, &mut xs[..len]);
        c.table(&xs[..len], &mut values[..len], &mut derivatives[..len]);
        for i in 0..len {
            w.row(xs[i], values[i], derivatives[i])?;
        }
        start += len as u64;
    }
    w.end()?;
    Ok(())
}

/// `act-cli eval`.
pub fn eval(args: &EvalArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let (name, inputs) = match &args.formula {
        Some(_) => (None, &args.args[..]),
        None => (Some(args.args[0].as_str()), &args.args[1..]),
    };
    if let Some(mut g) = name.and_then(GatedSource::lookup) {
        g.set_params(&args.params.params)?;
        let (a, b) = two::eval_inputs(g.name, &args.gated, inputs)?;
        let rows = g.rows(&a, &b);
        let digits = args.precision.precision.unwrap_or(TEXT_DIGITS);
        return super::gated::write_rows(ctx, args.format.format, &g, &rows, digits, None);
    }
    if args.formula.is_some() {
        args.gated.refuse_for_formula()?;
    }
    let c = source::one(
        ctx.entries,
        name,
        args.formula.as_deref(),
        &args.params.params,
    )?;
    args.gated.refuse_for(&c.label())?;
    if inputs.is_empty() {
        return Err(usage(match &args.formula {
            Some(f) => format!("no inputs: give numbers, e.g. act-cli eval --formula '{f}' -2 0 2"),
            None => format!(
                "no inputs: give numbers after the name, e.g. act-cli eval {} -2 0 2",
                c.label()
            ),
        }));
    }
    // The arguments read as one list, so that `1, 2` (two arguments) is two numbers and
    // `1,,2` names the empty item's place among all the inputs.
    let xs = parse_numbers(&inputs.join(" ")).map_err(|e| usage(format!("invalid input: {e}")))?;
    if xs.is_empty() {
        return Err(usage("no inputs: give numbers after the name, e.g. -2 0 2"));
    }
    let (mut values, mut derivatives) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
    c.table(&xs, &mut values, &mut derivatives);
    let text = TextOptions {
        digits: args.precision.precision.unwrap_or(TEXT_DIGITS),
        inputs: VectorInputs::Given,
    };
    write_rows(
        ctx,
        args.format.format,
        c.as_ref(),
        (&xs, &values, &derivatives),
        text,
    )
}

/// `act-cli compare`.
pub fn compare(args: &CompareArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves = args
        .sources
        .resolve(ctx.entries, &args.params, &args.gated)?;
    let at = &parse_numbers(&args.at).map_err(|e| usage(format!("invalid --at: {e}")))?;
    if at.is_empty() {
        return Err(usage("--at needs at least one number"));
    }
    let results: Vec<(Vec<f64>, Vec<f64>)> = curves
        .iter()
        .map(|c| {
            let (mut v, mut d) = (vec![0.0; at.len()], vec![0.0; at.len()]);
            c.table(at, &mut v, &mut d);
            (v, d)
        })
        .collect();
    let format = args.format.format;
    if format == Format::Json {
        let items: Vec<_> = curves
            .iter()
            .zip(&results)
            .map(|(c, (v, d))| {
                json!({
                    "activation": c.label(),
                    "params": params_json(&c.params()),
                    "range": super::info::range_json(c.range()),
                    "monotonic": c.properties().map(|p| p.monotonic),
                    "smooth": c.properties().map(|p| p.smooth),
                    "zero_centred": c.properties().map(|p| p.zero_centred),
                    "values": v.iter().map(|x| json_number(*x)).collect::<Vec<_>>(),
                    "derivatives": d.iter().map(|x| json_number(*x)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = json!({"at": at.iter().map(|x| json_number(*x)).collect::<Vec<_>>(), "activations": items});
        serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
        writeln!(ctx.out)?;
        return Ok(());
    }
    if format == Format::Csv {
        let rows: Vec<Vec<String>> = curves
            .iter()
            .zip(&results)
            .flat_map(|(c, (v, d))| {
                let label = c.label();
                at.iter().enumerate().map(move |(i, x)| {
                    vec![
                        label.clone(),
                        fmt_number(*x),
                        fmt_number(v[i]),
                        fmt_number(d[i]),
                    ]
                })
            })
            .collect();
        return csv_table(ctx.out, &["activation", "x", "value", "derivative"], &rows);
    }
    let digits = args.precision.unwrap_or(COMPARE_DIGITS);
    // "?": not known for a vector formula or a gated activation; "n/a": not a property of a vector
    // activation, whose outputs each depend on the whole input.
    let yes_no = |b: Option<bool>| b.map_or("?", |b| if b { "yes" } else { "no" }).to_string();
    let header = ["activation", "range", "monotonic", "smooth", "zero-centred"];
    let rows: Vec<Vec<String>> = curves
        .iter()
        .map(|c| {
            let p = c.properties();
            let elementwise = |v: Option<bool>| {
                if c.is_vector() {
                    "n/a".to_string()
                } else {
                    yes_no(v)
                }
            };
            vec![
                c.display_label(),
                fmt_range_digits(c.range(), digits),
                elementwise(p.as_ref().map(|p| p.monotonic)),
                yes_no(p.as_ref().map(|p| p.smooth)),
                elementwise(p.as_ref().map(|p| p.zero_centred)),
            ]
        })
        .collect();
    // Values: one row per input, f and f' per activation.
    let columns: Vec<Column> = curves
        .iter()
        .zip(&results)
        .map(|(c, (v, d))| Column {
            label: c.display_label(),
            values: fmt_column(v, digits),
            derivatives: fmt_column(d, digits),
        })
        .collect();
    let xs: Vec<String> = fmt_column(at, digits);
    let variable = match curves.first().map(|c| c.variable()) {
        Some(v) if curves.iter().all(|c| c.variable() == v) => v,
        _ => "x",
    };
    let notes = compare_notes(&curves, digits);
    match format {
        Format::Markdown => {
            md_table(ctx.out, &header, &rows, &[false; 5])?;
            // The notes as paragraphs, unwrapped (Markdown wraps them).
            for note in notes.summary.iter().chain(&notes.vector) {
                writeln!(ctx.out)?;
                writeln!(ctx.out, "{note}")?;
            }
            writeln!(ctx.out)?;
            let (vheader, vrows) = value_table(variable, &xs, &columns);
            let vheader: Vec<&str> = vheader.iter().map(String::as_str).collect();
            md_table(ctx.out, &vheader, &vrows, &vec![true; vheader.len()])?;
        }
        _ => {
            let width = ctx.width;
            write!(
                ctx.out,
                "{}",
                text_table(&header, &rows, &SUMMARY_KINDS, ctx.color, width)
            )?;
            for note in &notes.summary {
                write!(ctx.out, "{}", wrap(note, ctx.wrap_width(), "", ""))?;
            }
            // The vector note is a paragraph of its own.
            if let Some(note) = &notes.vector {
                writeln!(ctx.out)?;
                write!(ctx.out, "{}", wrap(note, ctx.wrap_width(), "", ""))?;
            }
            // As many activations side by side as fit; the rest in further tables.
            for group in fitting_groups(&xs, &columns, width) {
                writeln!(ctx.out)?;
                let (vheader, vrows) = value_table(variable, &xs, group);
                let vheader: Vec<&str> = vheader.iter().map(String::as_str).collect();
                let numeric = vec![Kind::Number; vheader.len()];
                write!(
                    ctx.out,
                    "{}",
                    text_table(&vheader, &vrows, &numeric, ctx.color, width)
                )?;
            }
        }
    }
    Ok(())
}

/// The notes under `compare`'s summary table, text and Markdown alike.
struct CompareNotes {
    /// What `?` means, how the ranges are rounded.
    summary: Vec<String>,
    /// How vector activations are applied.
    vector: Option<String>,
}

fn compare_notes(curves: &[Box<dyn Curve>], digits: usize) -> CompareNotes {
    let mut notes = Vec::new();
    if curves.iter().any(|c| c.properties().is_none()) {
        notes.push("?: not known for a vector --formula or a gated activation".to_string());
    }
    // A bound that the rounding moved prints open (the printed interval contains the range),
    // even where the exact bound is attained: say so, with where to read it.
    if curves
        .iter()
        .any(|c| fmt_range_digits(c.range(), digits) != fmt_range(c.range()))
    {
        notes.push(format!(
            "Ranges are rounded outward to {digits} digits: a rounded bound prints open even \
             where it is attained (`act-cli show NAME` gives it exactly)."
        ));
    }
    let vectors: Vec<String> = curves
        .iter()
        .filter(|c| c.is_vector())
        .map(|c| c.label())
        .collect();
    let vector = (!vectors.is_empty()).then(|| {
        let (which, verb) = match vectors.len() {
            1 => (format!("A vector activation ({})", vectors[0]), "is"),
            _ => (
                format!("Vector activations ({})", vectors.join(", ")),
                "are",
            ),
        };
        format!(
            "{which} {verb} applied to the --at inputs as one vector; the derivative shown is \
             the Jacobian's diagonal."
        )
    });
    CompareNotes {
        summary: notes,
        vector,
    }
}

/// `compare`'s first table: the label may be a long formula.
const SUMMARY_KINDS: [Kind; 5] = [Kind::Prose, Kind::Word, Kind::Word, Kind::Word, Kind::Word];

/// Significant digits in `compare`'s text table unless `--precision` says otherwise: it is a
/// summary, and six digits keep four activations side by side.
const COMPARE_DIGITS: usize = 6;

/// One activation's columns in `compare`'s value table.
struct Column {
    label: String,
    values: Vec<String>,
    derivatives: Vec<String>,
}

impl Column {
    /// Characters the two columns take in a text table (one space of padding each side).
    fn width(&self) -> usize {
        let widest = |head: usize, cells: &[String]| {
            cells
                .iter()
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
                .max(head)
                + 2
        };
        let head = self.label.chars().count();
        widest(head, &self.values) + widest(head + 1, &self.derivatives)
    }
}

/// Header and rows: the input (`x`, or `a`/`b` when every curve is a gated activation varying
/// that input), then `f` and `f'` for each activation.
fn value_table(
    variable: &str,
    xs: &[String],
    columns: &[Column],
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![variable.to_string()];
    for c in columns {
        header.push(c.label.clone());
        header.push(format!("{}'", c.label));
    }
    let rows = xs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut row = vec![x.clone()];
            for c in columns {
                row.push(c.values[i].clone());
                row.push(c.derivatives[i].clone());
            }
            row
        })
        .collect();
    (header, rows)
}

/// Splits the activations into runs whose tables (with the `x` column) fit in `width`; an
/// activation too wide on its own gets a table of its own.
fn fitting_groups<'c>(xs: &[String], columns: &'c [Column], width: usize) -> Vec<&'c [Column]> {
    let x_width = xs.iter().map(|s| s.chars().count()).max().unwrap_or(1) + 2;
    let mut groups = Vec::new();
    let (mut start, mut used) = (0, x_width);
    for (i, c) in columns.iter().enumerate() {
        let w = c.width();
        if i > start && used + w > width {
            groups.push(&columns[start..i]);
            (start, used) = (i, x_width);
        }
        used += w;
    }
    if start < columns.len() {
        groups.push(&columns[start..]);
    }
    groups
}
