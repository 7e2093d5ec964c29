//! `table`, `eval` and `compare`: numbers.

use std::io::Write;

use serde_json::json;

use super::params_json;
use crate::cli::{CompareArgs, EvalArgs, Format, TableArgs};
use crate::error::usage;
use crate::grid::Grid;
use crate::number::{fmt_number, fmt_short, parse_number, write_number};
use crate::output::{
    Ctx, csv_table, json_number, md_header, md_table, text_table, write_json_number,
};
use crate::source::{self, Curve};

/// Rows computed per call into the activation: big enough to be fast, small enough to keep
/// memory constant.
const CHUNK: usize = 4096;
/// Text tables are built in memory (to align them); beyond this, use csv, json or markdown.
const MAX_TEXT_ROWS: u64 = 1_000_000;
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

fn text_rows(
    ctx: &mut Ctx<'_>,
    xs: &[f64],
    values: &[f64],
    derivatives: &[f64],
) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = xs
        .iter()
        .zip(values)
        .zip(derivatives)
        .map(|((x, v), d)| vec![fmt_number(*x), fmt_number(*v), fmt_number(*d)])
        .collect();
    write!(
        ctx.out,
        "{}",
        text_table(&HEADER, &rows, &[true; 3], ctx.color)
    )?;
    Ok(())
}

fn write_rows(
    ctx: &mut Ctx<'_>,
    format: Format,
    c: &dyn Curve,
    xs: &[f64],
    values: &[f64],
    derivatives: &[f64],
) -> anyhow::Result<()> {
    if format == Format::Text {
        return text_rows(ctx, xs, values, derivatives);
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
    let c = args.source.resolve(ctx.entries, &args.params)?;
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
        return write_rows(ctx, format, c.as_ref(), &xs, &values, &derivatives);
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
    let c = source::one(
        ctx.entries,
        name,
        args.formula.as_deref(),
        &args.params.params,
    )?;
    if inputs.is_empty() {
        return Err(usage(format!(
            "no inputs: give numbers after the name, e.g. act-cli eval {} -2 0 2",
            c.label()
        )));
    }
    let xs = inputs
        .iter()
        .map(|s| parse_number(s).map_err(|e| usage(format!("invalid input: {e}"))))
        .collect::<anyhow::Result<Vec<f64>>>()?;
    let (mut values, mut derivatives) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
    c.table(&xs, &mut values, &mut derivatives);
    write_rows(
        ctx,
        args.format.format,
        c.as_ref(),
        &xs,
        &values,
        &derivatives,
    )
}

/// `act-cli compare`.
pub fn compare(args: &CompareArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves = args.sources.resolve(ctx.entries, &args.params)?;
    if args.at.is_empty() {
        return Err(usage("--at needs at least one number"));
    }
    let at = &args.at;
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
                    "range": c.range().to_string(),
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
    let yes_no = |b: Option<bool>| b.map_or("?", |b| if b { "yes" } else { "no" }).to_string();
    let header = ["activation", "range", "monotonic", "smooth", "zero-centred"];
    let rows: Vec<Vec<String>> = curves
        .iter()
        .map(|c| {
            let p = c.properties();
            vec![
                c.label(),
                c.range().to_string(),
                yes_no(p.as_ref().map(|p| p.monotonic)),
                yes_no(p.as_ref().map(|p| p.smooth)),
                yes_no(p.as_ref().map(|p| p.zero_centred)),
            ]
        })
        .collect();
    // Values: one row per input, f and f' per activation.
    let mut vheader: Vec<String> = vec!["x".into()];
    for c in &curves {
        vheader.push(c.label());
        vheader.push(format!("{}'", c.label()));
    }
    let vrows: Vec<Vec<String>> = at
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut row = vec![fmt_short(*x)];
            for (v, d) in &results {
                row.push(fmt_short(v[i]));
                row.push(fmt_short(d[i]));
            }
            row
        })
        .collect();
    let vheader: Vec<&str> = vheader.iter().map(String::as_str).collect();
    let numeric = vec![true; vheader.len()];
    match format {
        Format::Markdown => {
            md_table(ctx.out, &header, &rows, &[false; 5])?;
            writeln!(ctx.out)?;
            md_table(ctx.out, &vheader, &vrows, &numeric)?;
        }
        _ => {
            write!(
                ctx.out,
                "{}",
                text_table(&header, &rows, &[false; 5], ctx.color)
            )?;
            writeln!(ctx.out)?;
            write!(
                ctx.out,
                "{}",
                text_table(&vheader, &vrows, &numeric, ctx.color)
            )?;
        }
    }
    Ok(())
}
