//! `act-cli eval --format csv` against act-core's mpmath reference data: the numbers a user
//! copies out of the CLI are the true values to 4 ULP (the ULP of the correctly rounded
//! reference), read back from the text exactly as printed. (Functions with an interior root
//! of the derivative, held to an absolute bound there, are left to act-core's own test.)

use assert_cmd::Command;

mod common;
use common::ulps_apart;

fn check(name: &str, file: &str) {
    let path = format!(
        "{}/../act-core/tests/data/builtins/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("reference data");
    let rows: Vec<(f64, f64, f64)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('x'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let hex = |s: &str| match s {
                "+inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                _ => f64::from_bits(u64::from_str_radix(s, 16).expect("hex")),
            };
            (hex(f[0]), hex(f[1]), hex(f[3]))
        })
        // Normal results only: below the normal range the type may flush.
        .filter(|&(x, v, d)| {
            x.is_finite()
                && v.is_finite()
                && v.abs() >= f64::MIN_POSITIVE
                && d.abs() >= f64::MIN_POSITIVE
        })
        .step_by(3)
        .collect();
    assert!(rows.len() > 100, "{name}: only {} points", rows.len());
    let mut cmd = Command::cargo_bin("act-cli").unwrap();
    cmd.arg("eval").arg(name);
    for (x, _, _) in &rows {
        cmd.arg(format!("{x:e}"));
    }
    let out = cmd.arg("--format").arg("csv").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("x,value,derivative"));
    let mut worst = 0;
    for ((x, v, d), line) in rows.iter().zip(lines) {
        let f: Vec<f64> = line
            .split(',')
            .map(|s| s.parse().expect("a number"))
            .collect();
        assert_eq!(f[0], *x, "{name}: x printed back as {}", f[0]);
        let (ev, ed) = (ulps_apart(f[1], *v), ulps_apart(f[2], *d));
        assert!(
            ev <= 4 && ed <= 4,
            "{name} at x = {x:e}: value {} ({ev} ULP from {v:e}), derivative {} ({ed} ULP from {d:e})",
            f[1],
            f[2]
        );
        worst = worst.max(ev).max(ed);
    }
    eprintln!("{name}: {} points, worst {worst} ULP", rows.len());
}

#[test]
fn csv_values_agree_with_mpmath() {
    for (name, file) in [
        ("sigmoid", "sigmoid.f64.csv"),
        ("tanh", "tanh.f64.csv"),
        ("elu", "elu.f64.csv"),
        ("selu", "selu.f64.csv"),
        ("softplus", "softplus.f64.csv"),
        ("leaky-relu", "leakyrelu.f64.csv"),
        ("hard-sigmoid", "hardsigmoid.f64.csv"),
    ] {
        check(name, file);
    }
}

#[test]
fn softmax_derivative_column_keeps_relative_accuracy_at_saturation() {
    // x = [3, -40]: y0 rounds to 1, and the Jacobian's diagonal y0 (1 - y0) = e^-43 / (1 +
    // e^-43)^2.
    let out = Command::cargo_bin("act-cli")
        .unwrap()
        .args(["eval", "softmax", "3", "-40", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let row: Vec<f64> = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    let e = (-43f64).exp();
    let exact = e / ((1.0 + e) * (1.0 + e));
    assert!(
        ulps_apart(row[2], exact) <= 4,
        "softmax'(x)[0] = {}, expected {exact:e}",
        row[2]
    );
}

/// `ACT_ISA=portable` makes the binary use the portable build (no FMA), whatever the CPU: its
/// numbers are then those of `dispatch::force(Some(Isa::Portable))` in process, bit for bit;
/// without the variable they are those of the level the CPU has. Checked where the two builds
/// differ (if this CPU has an FMA build at all).
#[test]
fn act_isa_environment_variable_selects_the_portable_build() {
    use act_core::dispatch::{self, Isa};
    use act_core::prelude::*;

    let grid: Vec<f64> = (0..4000)
        .map(|i| -20.0 + f64::from(i) * 0.01 + 1e-3)
        .collect();
    let derivative_at = |isa: Option<Isa>| {
        dispatch::force(isa).unwrap();
        let mut d = vec![0.0; grid.len()];
        Sigmoid.derivative_slice(&grid, &mut d);
        dispatch::force(None).unwrap();
        d
    };
    let portable = derivative_at(Some(Isa::Portable));
    let best = derivative_at(Some(dispatch::detected()));
    let mut picked: Vec<usize> = (0..grid.len())
        .filter(|&i| portable[i] != best[i])
        .take(20)
        .collect();
    if dispatch::detected() > Isa::Portable {
        assert!(
            !picked.is_empty(),
            "the FMA build should differ somewhere on the grid"
        );
    } else {
        picked = (0..20).collect();
    }
    let run = |env: Option<&str>| -> Vec<f64> {
        let mut cmd = Command::cargo_bin("act-cli").unwrap();
        cmd.arg("eval")
            .arg("--format")
            .arg("csv")
            .arg("sigmoid")
            .arg("--");
        for &i in &picked {
            cmd.arg(format!("{:e}", grid[i]));
        }
        match env {
            Some(v) => cmd.env("ACT_ISA", v),
            None => cmd.env_remove("ACT_ISA"),
        };
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
            .collect()
    };
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let want = |from: &[f64]| {
        picked
            .iter()
            .map(|&i| from[i].to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        bits(&run(Some("portable"))),
        want(&portable),
        "ACT_ISA=portable"
    );
    assert_eq!(bits(&run(None)), want(&best), "no ACT_ISA");
}
