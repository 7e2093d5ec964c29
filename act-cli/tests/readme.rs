//! The README's ```console blocks, run against the real binary: the README shows what
//! `act-cli` prints at 80 columns, and this test fails when the two drift apart.

mod common;
use common::*;

/// Splits a command line on spaces, keeping double-quoted arguments whole.
fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

/// `(command line, expected output)` for each console block.
fn console_blocks(readme: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```console" {
            continue;
        }
        let command = lines.next().expect("a command after ```console");
        let command = command
            .strip_prefix("$ act-cli ")
            .expect("blocks start with `$ act-cli `");
        let mut expected = String::new();
        for l in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            expected.push_str(l);
            expected.push('\n');
        }
        blocks.push((command.to_string(), expected));
    }
    blocks
}

#[test]
fn readme_console_blocks_match_the_binary() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let blocks = console_blocks(&readme);
    assert!(
        blocks.len() >= 3,
        "expected console blocks in the README, found {}",
        blocks.len()
    );
    for (command, expected) in blocks {
        let out = act().args(split_args(&command)).output().unwrap();
        assert!(
            out.status.success(),
            "`act-cli {command}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        let trim = |s: &str| {
            s.lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string()
        };
        let (got, expected) = (trim(&got), trim(&expected));
        let wide: Vec<&str> = expected
            .lines()
            .filter(|l| l.chars().count() > 80)
            .collect();
        assert!(
            wide.is_empty(),
            "README block for `act-cli {command}` is wider than 80: {wide:?}"
        );
        assert!(
            same_up_to_last_digits(&got, &expected),
            "README block for `act-cli {command}` is stale:\n--- binary\n{got}\n--- README\n{expected}"
        );
    }
}

/// Equal text, or equal word for word with numbers allowed to differ by a few ULP: the builds
/// with and without FMA (chosen by the CPU) may round the last digit differently, and then
/// the column padding moves too.
fn same_up_to_last_digits(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    wa.len() == wb.len()
        && wa.iter().zip(&wb).all(|(x, y)| {
            x == y
                || match (x.parse::<f64>(), y.parse::<f64>()) {
                    // The sign of a zero counts: `-0` and `0` are different words.
                    (Ok(p), Ok(q)) => {
                        p.is_sign_negative() == q.is_sign_negative()
                            && (p - q).abs() <= 8.0 * f64::EPSILON * p.abs().max(q.abs())
                    }
                    _ => false,
                }
        })
}

#[test]
fn the_comparison_tolerates_last_digits_only() {
    assert!(same_up_to_last_digits(
        "a  2.0611536181902033e-9",
        "a 2.0611536181902037e-9"
    ));
    assert!(!same_up_to_last_digits("a 2.06115361819e-9", "a 2.07e-9"));
    assert!(!same_up_to_last_digits("a 1", "b 1"));
    assert!(!same_up_to_last_digits("a 1", "a 1 2"));
    assert!(!same_up_to_last_digits("a -0", "a 0"));
}
