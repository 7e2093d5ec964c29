//! `list` and `show`.

use act_core::{Properties, Range, guide};
use serde_json::json;

use super::{params_json, params_text};
use crate::cli::{Format, ListArgs, ShowArgs};
use crate::number::fmt_number;
use crate::output::{Ctx, csv_table, json_number, md_table, text_table, wrap};
use crate::source::{Builtin, Curve};

/// `act-cli list`.
pub fn list(args: &ListArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves: Vec<(&[&str], Builtin)> = ctx
        .entries
        .iter()
        .map(|e| (e.aliases, Builtin::new(e)))
        .collect();
    let header = ["name", "aliases", "range", "parameters", "summary"];
    let rows: Vec<Vec<String>> = curves
        .iter()
        .map(|(aliases, c)| {
            vec![
                c.label(),
                aliases.join(", "),
                c.range().to_string(),
                params_text(&c.defaults()),
                c.summary().unwrap_or("").to_string(),
            ]
        })
        .collect();
    match args.format.format {
        Format::Text => {
            write!(
                ctx.out,
                "{}",
                text_table(&header, &rows, &[false; 5], ctx.color)
            )?;
        }
        Format::Markdown => md_table(ctx.out, &header, &rows, &[false; 5])?,
        Format::Csv => csv_table(ctx.out, &header, &rows)?,
        Format::Json => {
            let items: Vec<_> = curves
                .iter()
                .map(|(aliases, c)| {
                    json!({
                        "name": c.label(),
                        "type": c.type_name(),
                        "aliases": aliases,
                        "range": range_json(&c.range()),
                        "params": params_json(&c.defaults()),
                        "summary": c.summary(),
                        "vector": c.is_vector(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *ctx.out, &items)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}

fn range_json(r: &Range) -> serde_json::Value {
    json!({
        "min": json_number(r.min()),
        "max": json_number(r.max()),
        "min_attained": r.min_attained(),
        "max_attained": r.max_attained(),
        "text": r.to_string(),
    })
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Properties as `(label, value)` pairs, in display order.
fn property_pairs(p: &Properties) -> Vec<(&'static str, String)> {
    let kinks = if p.kinks.is_empty() {
        String::new()
    } else {
        let k: Vec<String> = p.kinks.iter().map(|v| fmt_number(*v)).collect();
        format!(" (kinks at {})", k.join(", "))
    };
    let saturating = match (p.saturating.left, p.saturating.right) {
        (true, true) => "both sides",
        (true, false) => "left (x -> -inf)",
        (false, true) => "right (x -> inf)",
        (false, false) => "no",
    };
    vec![
        ("monotonic", yes_no(p.monotonic).to_string()),
        ("bounded below", yes_no(p.bounded_below).to_string()),
        ("bounded above", yes_no(p.bounded_above).to_string()),
        ("zero-centred", yes_no(p.zero_centred).to_string()),
        ("smooth", format!("{}{kinks}", yes_no(p.smooth))),
        ("f(0)", fmt_number(p.value_at_zero)),
        ("f'(0)", fmt_number(p.derivative_at_zero)),
        ("saturating", saturating.to_string()),
    ]
}

/// How to use it from the CLI and from Rust.
fn usage_lines(c: &dyn Curve) -> Vec<String> {
    let params = c.params();
    let cli_params: String = params
        .iter()
        .map(|(k, v)| format!(" --param {k}={}", fmt_number(*v)))
        .collect();
    match c.type_name() {
        Some(ty) => {
            let value = if params.is_empty() {
                ty.to_string()
            } else {
                let fields: Vec<String> =
                    params.iter().map(|(k, v)| format!("{k}: {v:?}")).collect();
                format!("{ty} {{ {} }}", fields.join(", "))
            };
            let call = if c.is_vector() {
                "act.forward_slice(&x, &mut y);"
            } else {
                "let y = act.forward(2.0_f64);"
            };
            vec![
                format!("act-cli table {}{cli_params}", c.label()),
                format!("Rust: use act_core::prelude::*; let act = {value}; {call}"),
            ]
        }
        None => {
            let quoted = c.label().replace('"', "\\\"");
            vec![
                format!("act-cli table --formula \"{quoted}\""),
                format!(
                    "Rust: act_core::activation! {{ pub struct Mine; f(x) = {}; }}",
                    c.formula()
                ),
            ]
        }
    }
}

/// Guide tasks whose recommendations name this activation.
fn recommended_for(label: &str) -> Vec<&'static str> {
    guide::tasks()
        .iter()
        .filter(|t| t.placements.iter().any(|p| p.activation == label))
        .map(|t| t.name)
        .collect()
}

/// Guide tasks that list this activation as an alternative.
fn alternative_in(label: &str) -> Vec<&'static str> {
    guide::tasks()
        .iter()
        .filter(|t| t.alternatives.iter().any(|a| a.activation == label))
        .map(|t| t.name)
        .collect()
}

/// `act-cli show`.
pub fn show(args: &ShowArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let c = args.source.resolve(ctx.entries, &args.params)?;
    let label = c.label();
    let notes: Vec<&guide::FrameworkDefault> = guide::framework_defaults()
        .iter()
        .filter(|d| d.activation == label)
        .collect();
    let tasks = recommended_for(&label);
    let params = c.params();
    let defaults = c.defaults();
    let param_text: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let d = defaults.iter().find(|(dk, _)| dk == k).map(|(_, d)| *d);
            match d {
                Some(d) if d.to_bits() != v.to_bits() => {
                    format!("{k} = {} (default {})", fmt_number(*v), fmt_number(d))
                }
                _ => format!("{k} = {}", fmt_number(*v)),
            }
        })
        .collect();
    let mut pairs: Vec<(String, String)> = vec![
        ("name".into(), label.clone()),
        ("f(x)".into(), c.formula()),
        ("f'(x)".into(), c.derivative_formula()),
        ("range".into(), c.range().to_string()),
    ];
    if !param_text.is_empty() {
        pairs.push(("parameters".into(), param_text.join(", ")));
    }
    if let Some(mut p) = c.properties() {
        // The declared properties are at the defaults; f(0) and f'(0) follow --param.
        if !c.is_vector() {
            let (mut v, mut d) = ([0.0], [0.0]);
            c.table(&[0.0], &mut v, &mut d);
            (p.value_at_zero, p.derivative_at_zero) = (v[0], d[0]);
        }
        pairs.extend(
            property_pairs(&p)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v)),
        );
    } else if !c.is_vector() {
        let (mut v, mut d) = ([0.0], [0.0]);
        c.table(&[0.0], &mut v, &mut d);
        pairs.push(("f(0)".into(), fmt_number(v[0])));
        pairs.push(("f'(0)".into(), fmt_number(d[0])));
    }
    if c.is_vector() {
        pairs.push((
            "vector".into(),
            "yes: each output depends on the whole input".into(),
        ));
    }
    if !tasks.is_empty() {
        pairs.push(("recommended for".into(), tasks.join(", ")));
    }
    let alternative_in = alternative_in(&label);
    if !alternative_in.is_empty() {
        pairs.push(("alternative in".into(), alternative_in.join(", ")));
    }
    for (i, u) in usage_lines(c.as_ref()).into_iter().enumerate() {
        pairs.push((
            if i == 0 {
                "usage".into()
            } else {
                String::new()
            },
            u,
        ));
    }
    match args.format.format {
        Format::Text => {
            let mut s = String::new();
            match (c.type_name(), c.summary()) {
                (Some(ty), Some(sum)) => {
                    s.push_str(&format!("{label} (act_core::{ty})\n"));
                    s.push_str(&wrap(sum, ctx.wrap_width(), "", ""));
                }
                (Some(ty), None) => s.push_str(&format!("{label} (act_core::{ty})\n")),
                _ => s.push_str("formula\n"),
            }
            s.push('\n');
            let width = pairs
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            for (k, v) in &pairs[1..] {
                s.push_str(&format!("  {k:<width$}  {v}\n"));
            }
            for n in &notes {
                s.push_str(&format!("\n  {} elsewhere ({}):\n", n.topic, label));
                for (who, what) in [
                    ("act", n.ours),
                    ("PyTorch", n.pytorch),
                    ("JAX", n.jax),
                    ("Keras", n.keras),
                ] {
                    s.push_str(&wrap(
                        what,
                        ctx.wrap_width(),
                        &format!("    {who:<8} "),
                        "             ",
                    ));
                }
            }
            write!(ctx.out, "{s}")?;
        }
        Format::Markdown => {
            let rows: Vec<Vec<String>> = pairs
                .iter()
                .map(|(k, v)| vec![k.clone(), format!("`{v}`")])
                .collect();
            md_table(ctx.out, &["field", "value"], &rows, &[false, false])?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = pairs
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect();
            csv_table(ctx.out, &["field", "value"], &rows)?;
        }
        Format::Json => {
            let properties = c.properties().map(|p| {
                json!({
                    "monotonic": p.monotonic,
                    "bounded_below": p.bounded_below,
                    "bounded_above": p.bounded_above,
                    "zero_centred": p.zero_centred,
                    "smooth": p.smooth,
                    "kinks": p.kinks.iter().map(|v| json_number(*v)).collect::<Vec<_>>(),
                    "value_at_zero": json_number(p.value_at_zero),
                    "derivative_at_zero": json_number(p.derivative_at_zero),
                    "saturating_left": p.saturating.left,
                    "saturating_right": p.saturating.right,
                })
            });
            let notes: Vec<_> = notes
                .iter()
                .map(|n| json!({"topic": n.topic, "act": n.ours, "pytorch": n.pytorch, "jax": n.jax, "keras": n.keras}))
                .collect();
            let v = json!({
                "activation": label,
                "type": c.type_name(),
                "summary": c.summary(),
                "formula": c.formula(),
                "derivative": c.derivative_formula(),
                "range": range_json(&c.range()),
                "params": params_json(&params),
                "defaults": params_json(&defaults),
                "properties": properties,
                "vector": c.is_vector(),
                "recommended_for": tasks,
                "framework_defaults": notes,
                "usage": usage_lines(c.as_ref()),
            });
            serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}
