//! Running the binary as a person at an 80-column terminal without colour would: shared by
//! the integration tests.
#![allow(dead_code)] // each test file uses some of these

use assert_cmd::Command;

/// `act-cli` with `NO_COLOR=1` and `COLUMNS=80`.
pub fn act() -> Command {
    let mut c = Command::cargo_bin("act-cli").unwrap();
    c.env("NO_COLOR", "1").env("COLUMNS", "80");
    c
}

/// Runs a command that must succeed, and returns its stdout.
pub fn stdout(args: &[&str]) -> String {
    stdout_at("80", args)
}

/// [`stdout`] with `COLUMNS` set to `width` instead of 80.
pub fn stdout_at(width: &str, args: &[&str]) -> String {
    let out = act()
        .env("COLUMNS", width)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Runs a failing command: exit 2, nothing on stdout, no panic; returns stderr.
pub fn usage_error(args: &[&str]) -> String {
    let out = act()
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Every subcommand, for the tests that go through all of them.
pub const SUBCOMMANDS: [&str; 8] = [
    "list",
    "show",
    "table",
    "eval",
    "compare",
    "plot",
    "recommend",
    "completions",
];

/// Distance in representable f64 values (0 for equal, including ±0).
pub fn ulps_apart(a: f64, b: f64) -> u64 {
    if a == b {
        return 0;
    }
    let key = |v: f64| {
        let bits = v.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}
