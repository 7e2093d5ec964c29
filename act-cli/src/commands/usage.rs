//! The usage lines `show` prints: a command line and a Rust snippet that run as printed
//! (act-cli/tests/usage_lines.rs runs the one and compiles the other).

use crate::cli::Format;
use crate::number::fmt_number;
use crate::output::{csv_table, md_table};
use crate::source::Curve;

/// How to use an activation: shell commands (each may carry a `# comment`) and a Rust snippet.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    /// Shell command lines, one command each.
    pub commands: Vec<String>,
    /// Rust code, one statement or item per line, indented relative to its first line.
    pub rust: Vec<String>,
}

/// Quotes `text` for a POSIX shell, in double quotes.
fn shell_quote(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// A Rust `f64` literal that reads back as `v` (`0.2`, `-1.0`, `1e300`).
fn rust_literal(v: f64) -> String {
    format!("{v:?}")
}

/// ` --param k=v` for each parameter.
fn cli_params(params: &[(String, f64)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!(" --param {k}={}", fmt_number(*v)))
        .collect()
}

/// Rust lines that call `act` (an expression) on an input.
fn call_lines(act: &str, vector: bool) -> Vec<String> {
    if vector {
        vec![
            "let x = [1.0_f64, 2.0, 3.0];".into(),
            "let mut y = [0.0; 3];".into(),
            format!("{act}.forward_slice(&x, &mut y);"),
        ]
    } else {
        vec![format!("let y = {act}.forward(2.0_f64);")]
    }
}

/// The usage of `c` at its current parameters.
pub fn usage(c: &dyn Curve) -> Usage {
    let params = c.params();
    let vector = c.is_vector();
    match c.type_name() {
        Some(ty) => {
            let name = c.label();
            let mut commands = Vec::new();
            if vector {
                commands.push(format!(
                    "act-cli eval {name} 1 2 3{}  # {name} of the scores 1, 2, 3",
                    cli_params(&params)
                ));
                commands.push(format!(
                    "act-cli table {name}{}  # the whole grid as one vector",
                    cli_params(&params)
                ));
            } else {
                commands.push(format!("act-cli table {name}{}", cli_params(&params)));
            }
            let defaults = c.defaults();
            let value = if params.is_empty() {
                ty.to_string()
            } else if params == defaults {
                format!("{ty}::default()")
            } else {
                // The checked constructor, arguments in declaration order: a struct literal
                // would skip the declaration's conditions (Celu's alpha != 0).
                let args: Vec<String> = params.iter().map(|(_, v)| rust_literal(*v)).collect();
                format!("{ty}::new({})", args.join(", "))
            };
            let mut rust = vec![
                "use act_core::prelude::*;".to_string(),
                format!("let act = {value};"),
            ];
            rust.extend(call_lines("act", vector));
            Usage { commands, rust }
        }
        None => {
            let text = c.label();
            let verb = if vector { "eval" } else { "table" };
            let inputs = if vector { " 1 2 3" } else { "" };
            let commands = vec![format!(
                "act-cli {verb} --formula {}{}{inputs}",
                shell_quote(&text),
                cli_params(&params)
            )];
            let declared: Vec<String> = params
                .iter()
                .map(|(k, v)| format!("{k} = {}", rust_literal(*v)))
                .collect();
            let head = format!(
                "pub {}struct Mine{};",
                if vector { "vector " } else { "" },
                if declared.is_empty() {
                    String::new()
                } else {
                    format!("({})", declared.join(", "))
                }
            );
            let mut rust = vec![
                "use act_core::prelude::*;".to_string(),
                "activation! {".to_string(),
                format!("    {head}"),
                format!("    f(x) = {text};"),
                "}".to_string(),
            ];
            rust.extend(call_lines("Mine::default()", vector));
            Usage { commands, rust }
        }
    }
}

/// Breaks a shell command longer than `width` at spaces, ending each broken line with ` \`
/// (a line continuation in and out of double quotes) and indenting the rest by `indent`.
pub fn wrap_command(command: &str, width: usize, indent: &str) -> Vec<String> {
    // A `# comment` is never broken with a backslash (that would continue the comment, not
    // the command): it goes on the command's last line if it fits, else on lines of its own.
    if let Some((code, comment)) = command.split_once("  # ") {
        let mut lines = wrap_command(code, width, indent);
        let last = lines.last_mut().expect("at least one line");
        if last.chars().count() + 4 + comment.chars().count() <= width {
            last.push_str("  # ");
            last.push_str(comment);
        } else {
            let text = crate::output::wrap(comment, width, "# ", "# ");
            lines.extend(text.lines().map(str::to_string));
        }
        return lines;
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in command.split(' ') {
        let extra = if line.is_empty() { 0 } else { 1 };
        // Room for the word and a trailing " \".
        if !line.trim().is_empty()
            && line.chars().count() + extra + word.chars().count() + 2 > width
        {
            lines.push(format!("{line} \\"));
            line = indent.to_string();
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Breaks a Rust line longer than `width` at spaces outside string literals (there are none in
/// these snippets), continuing with `indent` plus the line's own indentation.
pub fn wrap_rust(line: &str, width: usize, indent: &str) -> Vec<String> {
    let own: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.trim_start().split(' ') {
        let len = current.chars().count();
        if !current.trim().is_empty() && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
            current = format!("{own}{indent}");
        } else if current.is_empty() {
            current = own.clone();
        } else {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
    out
}

/// `show`'s CSV or Markdown table of `field, value` rows: `rows` (the first is the name),
/// then one `usage` row per shell command and a `rust` row with the snippet's lines. In
/// Markdown every value but the name is code, on one line.
pub fn write_fields(
    out: &mut dyn std::io::Write,
    format: Format,
    mut rows: Vec<Vec<String>>,
    usage: &Usage,
) -> anyhow::Result<()> {
    for c in &usage.commands {
        rows.push(vec!["usage".into(), c.clone()]);
    }
    rows.push(vec!["rust".into(), usage.rust.join("\n")]);
    if format == Format::Csv {
        return csv_table(out, &["field", "value"], &rows);
    }
    for row in &mut rows[1..] {
        row[1] = format!("`{}`", row[1].replace('\n', " "));
    }
    Ok(md_table(out, &["field", "value"], &rows, &[false, false])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("x * a"), "\"x * a\"");
        assert_eq!(shell_quote("a\"b$c`d\\"), "\"a\\\"b\\$c\\`d\\\\\"");
    }

    #[test]
    fn literals_read_back() {
        for v in [0.2, -1.0, 1e300, 1.6732632423543772, 5e-324] {
            let s = rust_literal(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits());
            assert!(s.contains(['.', 'e']), "{s} must be a float literal");
        }
    }

    #[test]
    fn long_commands_continue_with_a_backslash() {
        let lines = wrap_command("act-cli table --formula \"a b c d\" --param a=1", 24, "  ");
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(
            lines.join("\n").replace(" \\\n  ", " "),
            "act-cli table --formula \"a b c d\" --param a=1"
        );
        assert_eq!(wrap_command("act-cli list", 80, "  "), ["act-cli list"]);
        // A comment is not continued with a backslash: it moves to lines of its own.
        let lines = wrap_command(
            "act-cli table swiglu --b 1  # a over the grid, b = 1",
            34,
            "  ",
        );
        assert_eq!(
            lines,
            ["act-cli table swiglu --b 1", "# a over the grid, b = 1"]
        );
        let lines = wrap_command("act-cli eval x  # short", 34, "  ");
        assert_eq!(lines, ["act-cli eval x  # short"]);
    }

    #[test]
    fn long_rust_lines_wrap_with_indent() {
        let lines = wrap_rust("    f(x) = aaaa + bbbb + cccc;", 18, "    ");
        assert_eq!(
            lines,
            ["    f(x) = aaaa +", "        bbbb +", "        cccc;"]
        );
    }
}
