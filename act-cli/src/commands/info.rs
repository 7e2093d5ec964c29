//! `list` and `show`.

use act_core::{Properties, Range, guide};
use serde_json::json;

use super::usage::{Usage, usage, wrap_command, wrap_rust, write_fields};
use super::{params_json, params_text};
use crate::cli::{Format, ListArgs, ShowArgs};
use crate::gated::{self, GatedSource};
use crate::number::{fmt_number, fmt_range, fmt_range_digits};
use crate::output::{Ctx, Kind, csv_table, json_number, key_value, md_table, text_table, wrap};
use crate::source::{Builtin, Curve};

/// `act-cli list`.
pub fn list(args: &ListArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let curves: Vec<(&[&str], Builtin)> = ctx
        .entries
        .iter()
        .map(|e| (e.aliases, Builtin::new(e)))
        .collect();
    let gated: Vec<GatedSource> = gated::entries().iter().map(GatedSource::new).collect();
    let header = ["name", "aliases", "range", "parameters", "summary"];
    let mut rows: Vec<Vec<String>> = curves
        .iter()
        .map(|(aliases, c)| {
            vec![
                c.label(),
                aliases.join(", "),
                fmt_range(c.range()),
                params_text(&c.defaults()),
                c.summary().unwrap_or("").to_string(),
            ]
        })
        .collect();
    // A gated activation's range depends on its second input: none is stated.
    rows.extend(gated.iter().map(|g| {
        vec![
            g.name.to_string(),
            g.aliases.join(", "),
            "n/a (two inputs)".to_string(),
            params_text(&g.defaults()),
            g.act.summary().replace('`', ""),
        ]
    }));
    match args.format.format {
        Format::Text => {
            // Three columns so that the summaries have room at 80 columns: the parameters and
            // the aliases go after the summary, the range bounds are rounded (show has them
            // exact).
            let rows: Vec<Vec<String>> = curves
                .iter()
                .map(|(aliases, c)| {
                    let mut about = c.summary().unwrap_or("").to_string();
                    if !c.defaults().is_empty() {
                        about.push_str(&format!(" Parameters: {}.", params_text(&c.defaults())));
                    }
                    if !aliases.is_empty() {
                        about.push_str(&format!(" Also: {}.", aliases.join(", ")));
                    }
                    vec![c.label(), fmt_range_digits(c.range(), 4), about]
                })
                .collect();
            let kinds = [Kind::Word, Kind::Word, Kind::Prose];
            let table = text_table(
                &["name", "range", "summary"],
                &rows,
                &kinds,
                ctx.color,
                ctx.width,
            );
            write!(ctx.out, "{table}")?;
            // As under `compare`: a bound that rounding moved prints open even where attained.
            if curves
                .iter()
                .any(|(_, c)| fmt_range_digits(c.range(), 4) != fmt_range(c.range()))
            {
                let note = "Ranges are rounded outward to 4 digits: a rounded bound prints open \
                            even where it is attained (`act-cli show NAME` gives it exactly).";
                write!(ctx.out, "{}", wrap(note, ctx.wrap_width(), "", ""))?;
            }
            writeln!(ctx.out)?;
            let intro = "Gated, two inputs a and b (act-cli eval NAME A... --b B...):";
            write!(ctx.out, "{}", wrap(intro, ctx.wrap_width(), "", ""))?;
            let rows: Vec<Vec<String>> = gated
                .iter()
                .map(|g| {
                    let mut about = format!(
                        "f(a, b) = {}. {}",
                        g.act.formula(),
                        g.act.summary().replace('`', "")
                    );
                    if !g.aliases.is_empty() {
                        about.push_str(&format!(" Also: {}.", g.aliases.join(", ")));
                    }
                    vec![g.name.to_string(), about]
                })
                .collect();
            let table = text_table(
                &["name", "summary"],
                &rows,
                &[Kind::Word, Kind::Prose],
                ctx.color,
                ctx.width,
            );
            write!(ctx.out, "{table}")?;
            writeln!(ctx.out, "\nact-cli show NAME for the details.")?;
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
                        "range": range_json(c.range()),
                        "params": params_json(&c.defaults()),
                        "summary": c.summary(),
                        "vector": c.is_vector(),
                        "gated": false,
                    })
                })
                .chain(gated.iter().map(|g| {
                    json!({
                        "name": g.name,
                        "type": g.act.name(),
                        "aliases": g.aliases,
                        "range": null,
                        "params": params_json(&g.defaults()),
                        "summary": g.act.summary().replace('`', ""),
                        "vector": false,
                        "gated": true,
                        "inputs": g.act.inputs(),
                        "formula": g.act.formula(),
                    })
                }))
                .collect();
            serde_json::to_writer_pretty(&mut *ctx.out, &items)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}

/// A range in JSON, the one shape every command uses: `{min, max, min_attained,
/// max_attained, text}` (`null` where not known).
pub(super) fn range_json(r: Option<Range>) -> serde_json::Value {
    let Some(r) = r else {
        return serde_json::Value::Null;
    };
    json!({
        "min": json_number(r.min()),
        "max": json_number(r.max()),
        "min_attained": r.min_attained(),
        "max_attained": r.max_attained(),
        "text": fmt_range(Some(r)),
    })
}

/// A numerical limit in JSON: the type, the function (`f` or `f'`), the tail (`x < -from`,
/// `x > from` or `|x| > from`), the cause and its intermediate (`null` where none was
/// named), and the sentence `show` prints.
fn hazard_json(h: &act_expr::hazard::Hazard) -> serde_json::Value {
    use act_expr::hazard::{Cause, Side};
    let (cause, intermediate) = match &h.cause {
        Some((c, node)) => {
            let c = match c {
                Cause::Overflow => "overflow",
                Cause::Underflow => "underflow",
                Cause::Cancellation => "cancellation",
                Cause::Digits => "digits",
            };
            (Some(c), Some(node.as_str()))
        }
        None => (None, None),
    };
    json!({
        "type": h.precision.to_string(),
        "function": if h.derivative { "f'" } else { "f" },
        "side": match h.side {
            Side::Left => "left",
            Side::Right => "right",
            Side::Both => "both",
        },
        "from": json_number(h.from),
        "cause": cause,
        "intermediate": intermediate,
        "text": h.to_string(),
    })
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A property as `show` prints it: its name, the value, and what the term means, in one line.
struct Property {
    name: &'static str,
    value: String,
    meaning: &'static str,
}

/// The properties that mean something for `c`: for a vector activation only the bounds and
/// smoothness (its outputs are not a function of one input, so f(0), monotonic, zero-centred
/// and saturating do not apply).
fn properties(p: &Properties, vector: bool) -> Vec<Property> {
    let kinks = match &*p.kinks {
        [] => String::new(),
        [k] => format!(" (kink at {})", fmt_number(*k)),
        ks => {
            let k: Vec<String> = ks.iter().map(|v| fmt_number(*v)).collect();
            format!(" (kinks at {})", k.join(", "))
        }
    };
    let saturating = match (p.saturating.left, p.saturating.right) {
        (true, true) => "both sides",
        (true, false) => "left",
        (false, true) => "right",
        (false, false) => "no",
    };
    let prop = |name, value: String, meaning| Property {
        name,
        value,
        meaning,
    };
    let mut out = Vec::new();
    if !vector {
        out.push(prop(
            "monotonic",
            yes_no(p.monotonic).into(),
            "f only rises, or only falls, as x grows",
        ));
    }
    out.push(prop(
        "bounded below",
        yes_no(p.bounded_below).into(),
        "no output is below some number",
    ));
    out.push(prop(
        "bounded above",
        yes_no(p.bounded_above).into(),
        "no output is above some number",
    ));
    if !vector {
        out.push(prop(
            "zero-centred",
            yes_no(p.zero_centred).into(),
            "f(0) = 0, outputs of both signs",
        ));
    }
    out.push(prop(
        "smooth",
        format!("{}{kinks}", yes_no(p.smooth)),
        "f' has no jumps (a jump is a kink)",
    ));
    if !vector {
        out.push(prop(
            "saturating",
            saturating.into(),
            "f' -> 0 far out: gradients vanish",
        ));
    }
    out
}

/// Narrowest column the meaning of a property is wrapped in beside it; narrower, it goes
/// below.
const MIN_MEANING_WIDTH: usize = 24;

/// The property lines, aligned, each wrapped at `width`.
fn property_lines(props: &[Property], width: usize) -> String {
    let name_w = props.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let value_w = props
        .iter()
        .map(|p| p.value.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for p in props {
        let first = format!("    {:<name_w$}  {:<value_w$}  ", p.name, p.value);
        let indent = " ".repeat(first.chars().count());
        if first.chars().count() + MIN_MEANING_WIDTH > width {
            // A narrow terminal: the meaning on its own lines, under the property.
            s.push_str(&format!("    {:<name_w$}  {}\n", p.name, p.value));
            s.push_str(&wrap(p.meaning, width, "      ", "      "));
        } else {
            s.push_str(&wrap(p.meaning, width, &first, &indent));
        }
    }
    s
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

/// The lines of the usage block, indented, each fitting in `width`.
fn usage_text(u: &Usage, width: usize) -> String {
    let mut s = String::from("  usage\n");
    for c in &u.commands {
        for line in wrap_command(c, width.saturating_sub(4), "    ") {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s.push_str("    Rust:\n");
    for line in &u.rust {
        for l in wrap_rust(line, width.saturating_sub(6), "    ") {
            s.push_str(&format!("      {l}\n"));
        }
    }
    s
}

/// `act-cli show`.
pub fn show(args: &ShowArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    if let Some(mut g) = args.source.name.as_deref().and_then(GatedSource::lookup) {
        g.set_params(&args.params.params)?;
        return super::gated::show(&g, args.format.format, ctx);
    }
    let c = args.source.resolve(ctx.entries, &args.params)?;
    let label = c.label();
    let vector = c.is_vector();
    let notes: Vec<&guide::FrameworkDefault> = guide::framework_defaults()
        .iter()
        .filter(|d| d.activation == label)
        .collect();
    let tasks = recommended_for(&label);
    let alternative_in = alternative_in(&label);
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
    let mut pairs: Vec<(&str, String)> = vec![
        ("f(x)", c.formula()),
        (
            "f'(x)",
            if vector && c.type_name().is_none() {
                // A vector formula's printed derivative holds its reductions fixed; a built-in
                // prints its Jacobian, which needs no such word.
                format!(
                    "{} (the partial with sum, mean, max and min held fixed; eval and \
                     table give the full Jacobian's diagonal)",
                    c.derivative_formula()
                )
            } else {
                c.derivative_formula()
            },
        ),
    ];
    // A vector formula's range is known only where its shape proves one (softmax's).
    if let Some(r) = c.range() {
        pairs.push(("range", fmt_range(Some(r))));
    }
    if !param_text.is_empty() {
        pairs.push(("parameters", param_text.join(", ")));
    }
    // f(0) and f'(0) at the current parameters; a vector activation has none.
    let at_zero = (!vector).then(|| {
        let (mut v, mut d) = ([0.0], [0.0]);
        c.table(&[0.0], &mut v, &mut d);
        (v[0], d[0])
    });
    if let Some((v, d)) = at_zero {
        pairs.push(("f(0)", fmt_number(v)));
        pairs.push(("f'(0)", fmt_number(d)));
    }
    if vector {
        pairs.push((
            "vector",
            "yes: each output depends on the whole input vector (act-cli eval takes the \
             numbers given as one vector)"
                .into(),
        ));
    }
    let props = c.properties().map(|p| properties(&p, vector));
    let hazards = c.hazards();
    // What the code computes, where f(x) above is the published formula (Squareplus).
    let implementation: Vec<(&str, String)> = c
        .implementation()
        .map(|(f, df)| vec![("f(x)", f), ("f'(x)", df)])
        .unwrap_or_default();
    let mut guide_pairs: Vec<(&str, String)> = Vec::new();
    if !tasks.is_empty() {
        guide_pairs.push(("recommended for", tasks.join(", ")));
    }
    if !alternative_in.is_empty() {
        guide_pairs.push(("alternative in", alternative_in.join(", ")));
    }
    let u = usage(c.as_ref());
    match args.format.format {
        Format::Text => {
            let width = ctx.width;
            let mut s = String::new();
            match (c.type_name(), c.summary()) {
                (Some(ty), summary) => {
                    s.push_str(&format!("{label} (act_core::{ty})\n"));
                    if let Some(sum) = summary {
                        s.push_str(&wrap(sum, ctx.wrap_width(), "", ""));
                    }
                }
                _ => s.push_str("formula\n"),
            }
            s.push('\n');
            let key_w = pairs
                .iter()
                .chain(&guide_pairs)
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            let block = |pairs: &[(&str, String)]| {
                let mut s = String::new();
                for (k, v) in pairs {
                    s.push_str(&key_value(k, v, key_w, width));
                }
                s
            };
            s.push_str(&block(&pairs));
            if let Some(props) = &props {
                s.push_str("\n  properties (yes when, on the right)\n");
                s.push_str(&property_lines(props, width));
            }
            if let Some(hs) = hazards.as_ref().filter(|hs| !hs.is_empty()) {
                s.push('\n');
                let title = "numerical limits (where the computed result is wrong)";
                s.push_str(&wrap(title, width, "  ", "  "));
                for h in hs {
                    s.push_str(&wrap(&h.to_string(), width, "    ", "      "));
                }
            }
            if !implementation.is_empty() {
                s.push('\n');
                let title = "implementation (what the code computes: f(x) and f'(x) above \
                             are the formula as published)";
                s.push_str(&wrap(title, width, "  ", "  "));
                for (k, v) in &implementation {
                    for line in key_value(k, v, 5, width.saturating_sub(2)).lines() {
                        s.push_str("  ");
                        s.push_str(line);
                        s.push('\n');
                    }
                }
            }
            if !guide_pairs.is_empty() {
                s.push('\n');
                s.push_str(&block(&guide_pairs));
            }
            s.push('\n');
            s.push_str(&usage_text(&u, width));
            for n in &notes {
                s.push('\n');
                let title = format!("{} elsewhere ({}):", n.topic, label);
                s.push_str(&wrap(&title, ctx.wrap_width(), "  ", "  "));
                for (who, what) in [
                    ("act", n.ours),
                    ("PyTorch", n.pytorch),
                    ("JAX", n.jax),
                    ("Keras", n.keras),
                ] {
                    let s_ = key_value(who, what, 7, ctx.wrap_width().saturating_sub(2));
                    for line in s_.lines() {
                        s.push_str("  ");
                        s.push_str(line);
                        s.push('\n');
                    }
                }
            }
            write!(ctx.out, "{s}")?;
        }
        Format::Markdown | Format::Csv => {
            let mut rows: Vec<Vec<String>> = vec![vec!["name".into(), label.clone()]];
            rows.extend(pairs.iter().map(|(k, v)| vec![k.to_string(), v.clone()]));
            for p in props.iter().flatten() {
                rows.push(vec![p.name.to_string(), p.value.clone()]);
            }
            for (k, v) in &implementation {
                rows.push(vec![format!("implementation {k}"), v.clone()]);
            }
            for h in hazards.iter().flatten() {
                rows.push(vec!["numerical limit".to_string(), h.to_string()]);
            }
            rows.extend(
                guide_pairs
                    .iter()
                    .map(|(k, v)| vec![k.to_string(), v.clone()]),
            );
            write_fields(ctx.out, args.format.format, rows, &u)?;
        }
        Format::Json => {
            let properties = c.properties().filter(|_| !vector).map(|p| {
                json!({
                    "monotonic": p.monotonic,
                    "bounded_below": p.bounded_below,
                    "bounded_above": p.bounded_above,
                    "zero_centred": p.zero_centred,
                    "smooth": p.smooth,
                    "kinks": p.kinks.iter().map(|v| json_number(*v)).collect::<Vec<_>>(),
                    "value_at_zero": at_zero.map(|z| json_number(z.0)),
                    "derivative_at_zero": at_zero.map(|z| json_number(z.1)),
                    "saturating_left": p.saturating.left,
                    "saturating_right": p.saturating.right,
                })
            });
            let properties = properties.or_else(|| {
                c.properties().map(|p| {
                    json!({
                        "bounded_below": p.bounded_below,
                        "bounded_above": p.bounded_above,
                        "smooth": p.smooth,
                    })
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
                "range": range_json(c.range()),
                "params": params_json(&params),
                "defaults": params_json(&defaults),
                "properties": properties,
                "implementation": c.implementation().map(|(f, df)| json!({"formula": f, "derivative": df})),
                "numerical_limits": hazards.map(|hs| hs.iter().map(hazard_json).collect::<Vec<_>>()),
                "vector": vector,
                "recommended_for": tasks,
                "framework_defaults": notes,
                "usage": u.commands,
                "rust": u.rust.join("\n"),
            });
            serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}
