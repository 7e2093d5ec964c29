//! `recommend`: prints act-core's task guide. No advice is written here.

use act_core::guide::{self, Task};
use serde_json::json;

use crate::cli::{Format, RecommendArgs};
use crate::error::{did_you_mean, usage};
use crate::number::fmt_number;
use crate::output::{Ctx, Kind, csv_table, md_table, text_table, wrap};

/// `act-cli recommend [TASK]`.
pub fn run(args: &RecommendArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let Some(name) = &args.task else {
        return list(args.format.format, ctx);
    };
    let Some(task) = guide::task(name) else {
        return Err(usage(format!(
            "unknown task '{name}'{} ('act-cli recommend' lists the tasks)",
            did_you_mean(guide::suggest(name))
        )));
    };
    match args.format.format {
        Format::Text => write!(ctx.out, "{}", text(task, ctx.wrap_width()))?,
        Format::Markdown => write!(ctx.out, "{}", markdown(task))?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &to_json(task))?;
            writeln!(ctx.out)?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = task
                .placements
                .iter()
                .map(|p| {
                    vec![
                        task.name.to_string(),
                        p.activation.to_string(),
                        p.layer.to_string(),
                        p.position.to_string(),
                        p.units.to_string(),
                        task.loss.name.to_string(),
                        task.init.scheme.to_string(),
                    ]
                })
                .collect();
            let header = [
                "task",
                "activation",
                "layer",
                "position",
                "units",
                "loss",
                "init",
            ];
            csv_table(ctx.out, &header, &rows)?;
        }
    }
    Ok(())
}

fn list(format: Format, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let header = ["task", "layer", "activation", "recommendation"];
    let rows: Vec<Vec<String>> = guide::tasks()
        .iter()
        .map(|t| {
            let acts: Vec<&str> = t.placements.iter().map(|p| p.activation).collect();
            vec![
                t.name.into(),
                t.layer.to_string(),
                acts.join(", "),
                t.summary.into(),
            ]
        })
        .collect();
    match format {
        Format::Text => {
            // The recommendation names the activations; without their own column it has room
            // at 80 columns.
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| vec![r[0].clone(), r[1].clone(), r[3].clone()])
                .collect();
            let header = ["task", "layer", "recommendation"];
            let kinds = [Kind::Word, Kind::Word, Kind::Prose];
            let table = text_table(&header, &rows, &kinds, ctx.color, ctx.width);
            write!(ctx.out, "{table}")?;
            writeln!(ctx.out, "\nact-cli recommend TASK for the details.")?;
        }
        Format::Markdown => md_table(ctx.out, &header, &rows, &[false; 4])?,
        Format::Csv => csv_table(ctx.out, &header, &rows)?,
        Format::Json => {
            let items: Vec<_> = guide::tasks()
                .iter()
                .map(|t| {
                    json!({
                        "name": t.name,
                        "title": t.title,
                        "layer": t.layer.as_str(),
                        "from_article": t.from_article,
                        "activations": t.placements.iter().map(|p| p.activation).collect::<Vec<_>>(),
                        "summary": t.summary,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *ctx.out, &items)?;
            writeln!(ctx.out)?;
        }
    }
    Ok(())
}

fn gains_text(task: &Task) -> Option<String> {
    if task.init.gains.is_empty() {
        return None;
    }
    let g: Vec<String> = task
        .init
        .gains
        .iter()
        .map(|g| {
            let arg = match g.param {
                Some(p) => format!("'{}', {}", g.nonlinearity, fmt_number(p)),
                None => format!("'{}'", g.nonlinearity),
            };
            let value = fmt_number(g.value);
            if value == g.expression {
                format!("calculate_gain({arg}) = {value}")
            } else {
                format!("calculate_gain({arg}) = {} = {value}", g.expression)
            }
        })
        .collect();
    Some(format!("PyTorch: {}.", g.join("; ")))
}

fn text(task: &Task, width: usize) -> String {
    const IND: &str = "                ";
    let label = |s: &str| format!("  {s:<14}");
    let mut s = wrap(
        &format!(
            "{} ({}, {} layer{})",
            task.title,
            task.name,
            task.layer,
            if task.from_article {
                ""
            } else {
                "; beyond the article"
            }
        ),
        width,
        "",
        "",
    );
    s.push_str(&wrap(task.summary, width, "", ""));
    s.push('\n');
    for (i, p) in task.placements.iter().enumerate() {
        let head = if i == 0 {
            label("activation")
        } else {
            label("")
        };
        let line = format!(
            "{} ({}): {}; units: {}",
            p.activation, p.layer, p.position, p.units
        );
        s.push_str(&wrap(&line, width, &head, IND));
    }
    s.push_str(&wrap(task.why, width, &label("why"), IND));
    s.push_str(&wrap(task.loss.name, width, &label("loss"), IND));
    s.push_str(&wrap(task.loss.detail, width, IND, IND));
    s.push_str(&wrap(task.init.scheme, width, &label("init"), IND));
    s.push_str(&wrap(task.init.detail, width, IND, IND));
    if let Some(g) = gains_text(task) {
        s.push_str(&wrap(&g, width, IND, IND));
    }
    // A list's first item on its label's line, as every other field's text.
    let list = |s: &mut String, name: &str, items: Vec<String>| {
        for (i, item) in items.iter().enumerate() {
            let head = if i == 0 { label(name) } else { label("") };
            s.push_str(&wrap(
                item,
                width,
                &format!("{head}- "),
                &format!("{IND}  "),
            ));
        }
    };
    let alternatives = task
        .alternatives
        .iter()
        .map(|a| format!("{}: {}", a.activation, a.when))
        .collect();
    list(&mut s, "alternatives", alternatives);
    list(
        &mut s,
        "pitfalls",
        task.pitfalls.iter().map(|p| p.to_string()).collect(),
    );
    s
}

fn markdown(task: &Task) -> String {
    let mut s = format!(
        "## {} (`{}`)\n\n{}\n\n",
        task.title, task.name, task.summary
    );
    s.push_str("| activation | layer | where | units |\n| --- | --- | --- | --- |\n");
    for p in task.placements {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            p.activation, p.layer, p.position, p.units
        ));
    }
    s.push_str(&format!("\n**Why.** {}\n\n", task.why));
    s.push_str(&format!(
        "**Loss: {}.** {}\n\n",
        task.loss.name, task.loss.detail
    ));
    s.push_str(&format!(
        "**Initialisation: {}.** {}",
        task.init.scheme, task.init.detail
    ));
    if let Some(g) = gains_text(task) {
        s.push_str(&format!(" {g}"));
    }
    s.push_str("\n\n**Alternatives**\n\n");
    for a in task.alternatives {
        s.push_str(&format!("- `{}`: {}\n", a.activation, a.when));
    }
    s.push_str("\n**Pitfalls**\n\n");
    for p in task.pitfalls {
        s.push_str(&format!("- {p}\n"));
    }
    s
}

fn to_json(task: &Task) -> serde_json::Value {
    json!({
        "name": task.name,
        "title": task.title,
        "aliases": task.aliases,
        "layer": task.layer.as_str(),
        "from_article": task.from_article,
        "summary": task.summary,
        "placements": task.placements.iter().map(|p| json!({
            "activation": p.activation,
            "layer": p.layer.as_str(),
            "position": p.position,
            "units": p.units,
        })).collect::<Vec<_>>(),
        "why": task.why,
        "loss": {"name": task.loss.name, "detail": task.loss.detail},
        "init": {
            "scheme": task.init.scheme,
            "detail": task.init.detail,
            "gains": task.init.gains.iter().map(|g| json!({
                "nonlinearity": g.nonlinearity,
                "param": g.param,
                "expression": g.expression,
                "value": g.value,
            })).collect::<Vec<_>>(),
        },
        "alternatives": task.alternatives.iter().map(|a| json!({
            "activation": a.activation,
            "when": a.when,
        })).collect::<Vec<_>>(),
        "pitfalls": task.pitfalls,
    })
}
