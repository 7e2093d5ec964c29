//! `show`, `eval` and `table` for gated activations (two inputs `a`, `b`; see
//! [`crate::gated`]).

use serde_json::json;

use super::params_json;
use super::usage::{Usage, wrap_command, wrap_rust, write_fields};
use crate::cli::Format;
use crate::gated::{GatedSource, HEADER, Held, KEYS};
use crate::number::{fmt_number, fmt_rows, write_number};
use crate::output::{Ctx, Kind, key_value, md_header, text_table_keyed, wrap, write_json_number};

/// Rows of `a, b, value, df/da, df/db` in one format. Text: `note` above an aligned table.
pub fn write_rows(
    ctx: &mut Ctx<'_>,
    format: Format,
    source: &GatedSource,
    rows: &[[f64; 5]],
    digits: usize,
    note: Option<&str>,
) -> anyhow::Result<()> {
    match format {
        Format::Text => {
            let mut text = note.unwrap_or("").to_string();
            if rows
                .iter()
                .any(|r| r[0].is_infinite() || r[1].is_infinite())
            {
                // act-core's convention (`Gated`'s docs), which its generated code follows.
                if !text.is_empty() {
                    text.push_str(if text.ends_with('.') { " " } else { ". " });
                }
                text.push_str(
                    "At an infinite input each value is the limit along that input with the \
                     other held (a product such as inf * 0 gives its limit, not NaN), as \
                     act-core computes it.",
                );
            }
            if !text.is_empty() {
                write!(ctx.out, "{}", wrap(&text, ctx.wrap_width(), "", ""))?;
            }
            let columns: Vec<Vec<f64>> = (0..HEADER.len())
                .map(|k| rows.iter().map(|r| r[k]).collect())
                .collect();
            let columns: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
            let cells = fmt_rows(&columns, digits);
            let table =
                text_table_keyed(&HEADER, &cells, &[Kind::Number; 5], ctx.color, ctx.width, 2);
            write!(ctx.out, "{table}")?;
        }
        Format::Csv => {
            writeln!(ctx.out, "{}", KEYS.join(","))?;
            for r in rows {
                for (i, v) in r.iter().enumerate() {
                    if i > 0 {
                        ctx.out.write_all(b",")?;
                    }
                    write_number(ctx.out, *v)?;
                }
                writeln!(ctx.out)?;
            }
        }
        Format::Markdown => {
            md_header(ctx.out, &HEADER, &[true; 5])?;
            for r in rows {
                ctx.out.write_all(b"|")?;
                for v in r {
                    ctx.out.write_all(b" ")?;
                    write_number(ctx.out, *v)?;
                    ctx.out.write_all(b" |")?;
                }
                writeln!(ctx.out)?;
            }
        }
        Format::Json => {
            // Keys in column order, numbers as in the one-input tables.
            write!(ctx.out, "{{\"activation\":")?;
            serde_json::to_writer(&mut *ctx.out, source.name)?;
            write!(ctx.out, ",\"params\":")?;
            serde_json::to_writer(&mut *ctx.out, &params_json(&source.params()))?;
            write!(ctx.out, ",\"rows\":[")?;
            for (i, r) in rows.iter().enumerate() {
                ctx.out.write_all(if i == 0 { b"\n{" } else { b",\n{" })?;
                for (k, (key, v)) in KEYS.iter().zip(r).enumerate() {
                    if k > 0 {
                        ctx.out.write_all(b",")?;
                    }
                    write!(ctx.out, "\"{key}\":")?;
                    write_json_number(ctx.out, *v)?;
                }
                ctx.out.write_all(b"}")?;
            }
            ctx.out.write_all(b"\n]}\n")?;
        }
    }
    Ok(())
}

/// The usage lines of a gated built-in: shell commands and a Rust snippet, as for the others.
pub fn usage(source: &GatedSource) -> (Vec<String>, Vec<String>) {
    let name = source.name;
    let ty = source.act.name();
    let commands = vec![
        format!("act-cli eval {name} -2 0 2 --b 1.5  # a = -2, 0, 2 with b = 1.5"),
        format!("act-cli table {name} --b 1  # a over the grid, b = 1"),
    ];
    let value = if source.act.param_info().is_empty() {
        ty.to_string()
    } else {
        format!("{ty}::default()")
    };
    let rust = vec![
        "use act_core::prelude::*;".to_string(),
        format!("let act = {value};"),
        "let y = act.forward(2.0_f64, 1.5);".to_string(),
        "let (df_da, df_db) = act.partials(2.0_f64, 1.5);".to_string(),
        "let x = [2.0_f32, -1.0, 1.5, 3.0];".to_string(),
        "let mut out = [0.0_f32; 2];".to_string(),
        "act.forward_halves(&x, 2, &mut out);".to_string(),
    ];
    (commands, rust)
}

/// `act-cli show` for a gated built-in.
pub fn show(source: &GatedSource, format: Format, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let act = &*source.act;
    let [a, b] = act.inputs();
    let [da, db] = act.partial_formulas();
    let params = source.params();
    let mut pairs: Vec<(String, String)> = vec![
        (format!("f({a}, {b})"), act.formula().to_string()),
        (format!("df/d{a}"), da.to_string()),
        (format!("df/d{b}"), db.to_string()),
        (
            "inputs".into(),
            format!(
                "two, {a} and {b}, of the same shape; one tensor [{a} | {b}] split in halves along \
                 its last dimension is PyTorch's glu layout"
            ),
        ),
    ];
    if !params.is_empty() {
        let text: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k} = {}", fmt_number(*v)))
            .collect();
        pairs.push(("parameters".into(), text.join(", ")));
    }
    if !source.aliases.is_empty() {
        pairs.push(("aliases".into(), source.aliases.join(", ")));
    }
    let (commands, rust) = usage(source);
    match format {
        Format::Text => {
            let width = ctx.width;
            let mut s = format!("{} (act_core::{}, gated)\n", source.name, act.name());
            s.push_str(&wrap(
                &act.summary().replace('`', ""),
                ctx.wrap_width(),
                "",
                "",
            ));
            s.push('\n');
            let key_w = pairs
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            for (k, v) in &pairs {
                s.push_str(&key_value(k, v, key_w, width));
            }
            s.push_str("\n  usage\n");
            for c in &commands {
                for line in wrap_command(c, width.saturating_sub(4), "    ") {
                    s.push_str(&format!("    {line}\n"));
                }
            }
            s.push_str("    Rust:\n");
            for line in &rust {
                for l in wrap_rust(line, width.saturating_sub(6), "    ") {
                    s.push_str(&format!("      {l}\n"));
                }
            }
            write!(ctx.out, "{s}")?;
        }
        Format::Csv | Format::Markdown => {
            let mut rows: Vec<Vec<String>> = vec![
                vec!["name".into(), source.name.into()],
                vec!["type".into(), act.name().into()],
                vec!["summary".into(), act.summary().replace('`', "")],
            ];
            rows.extend(pairs.iter().map(|(k, v)| vec![k.clone(), v.clone()]));
            write_fields(ctx.out, format, rows, &Usage { commands, rust })?;
        }
        Format::Json => {
            let v = json!({
                "activation": source.name,
                "type": act.name(),
                "summary": act.summary().replace('`', ""),
                "gated": true,
                "inputs": [a, b],
                "formula": act.formula(),
                "partials": [da, db],
                "params": params_json(&params),
                "defaults": params_json(&source.defaults()),
                "aliases": source.aliases,
                "usage": commands,
                "rust": rust.join("\n"),
            });
            serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}

/// `act-cli table` for a gated built-in: one input over `grid`, the other held.
pub fn table(
    source: &GatedSource,
    held: Held,
    grid: &[f64],
    format: Format,
    digits: usize,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<()> {
    let (a, b) = held.pairs(grid);
    let rows = source.rows(&a, &b);
    let note = held.note(source.name);
    write_rows(ctx, format, source, &rows, digits, Some(&note))
}
