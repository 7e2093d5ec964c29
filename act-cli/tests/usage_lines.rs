//! Every usage line act-cli prints runs as printed: the command lines of `show` (built-ins and
//! formulas, with and without parameters), of the unknown-activation message, of every
//! `--help` and of the README's `sh` blocks are run by `sh`; the Rust snippets of `show` are
//! compiled and run in a small crate that depends on act-core by path (built once under
//! cargo's temporary target directory, then incrementally).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

mod common;
use common::*;

/// The `show` cases: every built-in, some with parameters, and formulas of every kind.
fn show_cases() -> Vec<Vec<String>> {
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&["list", "--format", "json"])).unwrap();
    let mut cases: Vec<Vec<String>> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| vec!["show".to_string(), e["name"].as_str().unwrap().to_string()])
        .collect();
    let more: [&[&str]; 9] = [
        &["show", "elu", "--param", "alpha=1e300"],
        &["show", "celu", "--param", "alpha=3"],
        &[
            "show",
            "hardtanh",
            "--param",
            "min_val=0",
            "--param",
            "max_val=6",
        ],
        &["show", "leaky-relu", "--param", "alpha=-0.2"],
        &["show", "--formula", "x * tanh(softplus(x))"],
        &[
            "show",
            "--formula",
            "if x >= 0 { x } else { a * x }",
            "--param",
            "a=0.2",
        ],
        &["show", "--formula", "exp(x) / sum(exp(x))"],
        &[
            "show",
            "--formula",
            "{ let e = exp(x - max(x)); e / (b + sum(e)) }",
            "--param",
            "b=1e-300",
        ],
        &[
            "show",
            "--formula",
            "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3)))) + slope * x",
            "--param",
            "slope=0.01",
        ],
    ];
    cases.extend(
        more.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect()),
    );
    cases
}

/// The usage block of `show`'s text output: shell commands (continuation lines joined) and
/// the Rust snippet.
fn usage_block(text: &str) -> (Vec<String>, String) {
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "  usage")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let mut commands: Vec<String> = Vec::new();
    let mut rust = String::new();
    let mut in_rust = false;
    let mut continued = false;
    for l in lines {
        if l == "    Rust:" {
            in_rust = true;
        } else if in_rust {
            rust.push_str(
                l.strip_prefix("      ")
                    .expect("Rust lines are indented by 6"),
            );
            rust.push('\n');
        } else if continued {
            let last = commands.last_mut().unwrap();
            last.push('\n');
            last.push_str(l);
            continued = l.ends_with('\\');
        } else {
            let c = l.strip_prefix("    ").expect("commands are indented by 4");
            commands.push(c.to_string());
            continued = c.ends_with('\\');
        }
    }
    (commands, rust)
}

/// Runs `line` with `sh` in `dir`, with act-cli on the PATH; panics with its output if it fails.
fn run_shell(line: &str, dir: &Path) {
    let bin = assert_cmd::cargo::cargo_bin("act-cli");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Process::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{line}` failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn show_commands_run_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for case in show_cases() {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let (commands, _) = usage_block(&stdout(&args));
        assert!(!commands.is_empty(), "{case:?}");
        for c in commands {
            run_shell(&c, dir.path());
            ran += 1;
        }
    }
    assert!(ran > 20, "{ran}");
}

#[test]
fn a_long_formula_command_wraps_and_still_runs() {
    let formula = "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3)))) + slope * x";
    let (commands, _) = usage_block(&stdout(&[
        "show",
        "--formula",
        formula,
        "--param",
        "slope=0.01",
    ]));
    assert!(
        commands[0].contains("\\\n"),
        "expected a continued line: {commands:?}"
    );
}

#[test]
fn help_examples_run_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".local/share/bash-completion/completions")).unwrap();
    let mut ran = 0;
    for sub in std::iter::once("").chain(SUBCOMMANDS) {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let help = stdout(&args);
        // The examples, and any command in the text after them.
        let examples = help
            .lines()
            .skip_while(|l| *l != "Examples:")
            .skip(1)
            .filter(|l| l.starts_with("  act-cli "));
        for line in examples {
            run_shell(line.trim(), dir.path());
            ran += 1;
        }
    }
    assert!(ran >= 30, "{ran}");
}

#[test]
fn the_unknown_activation_example_runs() {
    let out = act()
        .args(["show", "rrelu"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    let example = err
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("act-cli "))
        .expect("an example command");
    run_shell(example, tempfile::tempdir().unwrap().path());
}

#[test]
fn readme_sh_commands_run() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    let mut ran = 0;
    for line in readme.lines() {
        if let Some(rest) = line.strip_prefix("cargo run -p act-cli -- ") {
            run_shell(&format!("act-cli {rest}"), dir.path());
            ran += 1;
        }
    }
    assert!(ran >= 2, "{ran}");
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn show_rust_snippets_compile_and_run() {
    let mut snippets = Vec::new();
    for case in show_cases() {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let (_, rust) = usage_block(&stdout(&args));
        assert!(
            rust.contains("use act_core::prelude::*;"),
            "{case:?}:\n{rust}"
        );
        snippets.push((case.join(" "), rust));
    }
    // One function per snippet, each run by main.
    let mut main = String::from("#![allow(unused)]\n");
    for (i, (case, rust)) in snippets.iter().enumerate() {
        main.push_str(&format!(
            "\n/// act-cli {case}\nfn case_{i}() {{\n{rust}}}\n"
        ));
    }
    main.push_str("\nfn main() {\n");
    for i in 0..snippets.len() {
        main.push_str(&format!("    case_{i}();\n"));
    }
    main.push_str("}\n");
    let krate = Path::new(env!("CARGO_TARGET_TMPDIR")).join("usage-snippets");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"usage-snippets\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\nact-core = {{ path = {:?} }}\n",
            root().join("act-core")
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    std::fs::write(krate.join("src/main.rs"), &main).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Process::new(cargo)
        .args(["run", "--quiet", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", krate.join("target"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the snippets of `show` do not compile or run:\n{}\n{main}",
        String::from_utf8_lossy(&out.stderr)
    );
}
