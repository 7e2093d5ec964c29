//! Thousands of random and hostile inputs through the binary: every run ends with exit 0 or 2
//! (never a panic's 101 or a signal), promptly, and a failure says so in one `error:` line.

use std::time::{Duration, Instant};

use assert_cmd::Command;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "x * sigmoid(x)",
    "if x > 0 { x } else { exp(x) - 1 }",
    "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))))",
    "{ let u = softplus(x); x * tanh(u) }",
    "clamp(x, -1, 1) + powf(abs(x), 0.5) - ln(1 + exp(x))",
];

const PIECES: &[&str] = &[
    "x", "(", ")", "{", "}", "+", "-", "*", "/", "^", ",", ";", "let", "if", "else", "exp", "ln",
    "powi", "powf", "max", "min", "sum", "1e400", "0", "-0", "inf", "nan", "pi", "e", "=", ">",
    "<", "==", "'", "\"", "\\", "é", "∞", "🙂", "\u{0}", " ", "1.5", "x.exp()", "&", "|", "!", "#",
];

fn random_formula(rng: &mut Rng) -> String {
    match rng.below(3) {
        // Random pieces of the language and of everything else.
        0 => (0..1 + rng.below(30))
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect::<Vec<_>>()
            .join(""),
        // A real formula with a few characters changed.
        1 => {
            let mut s: Vec<char> = SEEDS[rng.below(SEEDS.len())].chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(s.len() + 1);
                match rng.below(3) {
                    0 if at < s.len() => {
                        s.remove(at);
                    }
                    _ => s.insert(
                        at.min(s.len()),
                        PIECES[rng.below(PIECES.len())]
                            .chars()
                            .next()
                            .unwrap_or('x'),
                    ),
                }
            }
            s.into_iter().collect()
        }
        // Random printable bytes.
        _ => (0..rng.below(40))
            .map(|_| (32 + rng.below(95)) as u8 as char)
            .collect(),
    }
}

fn run(args: &[&str]) -> (i32, String, Duration) {
    let start = Instant::now();
    let out = Command::cargo_bin("act-cli")
        .unwrap()
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    (
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        start.elapsed(),
    )
}

fn assert_clean(args: &[&str]) {
    let (code, stderr, took) = run(args);
    let shown: Vec<String> = args.iter().map(|a| a.chars().take(80).collect()).collect();
    assert!(code == 0 || code == 2, "{shown:?}: exit {code}\n{stderr}");
    assert!(took < Duration::from_secs(10), "{shown:?}: took {took:?}");
    if code == 2 {
        assert!(
            stderr.starts_with("error:"),
            "{shown:?}: stderr does not start with `error:`: {stderr}"
        );
    }
}

#[test]
fn random_formulas_end_in_a_result_or_a_usage_error() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1500 {
        let f = random_formula(&mut rng);
        if f.contains('\u{0}') {
            continue; // not passable as an argument
        }
        assert_clean(&["eval", "--formula", &f, "0.5", "-3"]);
    }
}

/// Parametric formulas and parameters of every kind: random values (zero, huge, negative,
/// NaN, text), repeated, reserved or missing names, against formulas that use them in
/// denominators, exponents and branches.
#[test]
fn random_parametric_formulas_and_parameters_end_cleanly() {
    const FORMULAS: &[&str] = &[
        "if x > 0 { x } else { a * x }",
        "a * (exp(x / a) - 1)",
        "x * sigmoid(a * x)",
        "powf(1 + abs(x), a)",
        "clamp(x, a, b)",
        "softplus(a * x) / a",
        "(x + sqrt(x * x + a)) / 2",
    ];
    const VALUES: &[&str] = &[
        "0", "-0", "1", "-1", "0.25", "1e300", "-1e300", "1e-320", "inf", "-inf", "nan", "x", "",
        "1,2",
    ];
    const NAMES: &[&str] = &["a", "b", "a", "x", "e", "pi", "alpha", ""];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let f = FORMULAS[rng.below(FORMULAS.len())];
        let mut args = vec!["eval".to_string(), "--formula".into(), f.into()];
        for _ in 0..rng.below(4) {
            let (k, v) = (
                NAMES[rng.below(NAMES.len())],
                VALUES[rng.below(VALUES.len())],
            );
            args.extend(["--param".into(), format!("{k}={v}")]);
        }
        args.extend(["-2".into(), "0".into(), "3".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_clean(&refs);
    }
    // Built-ins with conditions and parameters set to hostile values.
    for args in [
        &[
            "eval",
            "hardtanh",
            "--param",
            "min_val=1e308",
            "--param",
            "max_val=-1e308",
            "0",
        ][..],
        &["eval", "celu", "--param", "alpha=0", "1"],
        &["eval", "squareplus", "--param", "b=-1", "1"],
        &["eval", "prelu", "--param", "alpha=1e300", "-1e300"],
        &["show", "elu", "--param", "alpha=-1e-300"],
        &[
            "show",
            "selu",
            "--param",
            "scale=0",
            "--param",
            "alpha=1e300",
        ],
    ] {
        assert_clean(args);
    }
}

#[test]
fn hostile_formulas_and_arguments_are_refused_cleanly() {
    let deep = format!("{}x{}", "(".repeat(60_000), ")".repeat(60_000));
    let minus = format!("{}x", "-".repeat(100_000));
    let lets = (0..2000)
        .map(|i| format!("let a{i} = x;"))
        .collect::<String>()
        + " x";
    let block = format!("{{ {lets} }}");
    let long_sum = vec!["x"; 30_000].join("+");
    for f in [
        deep.as_str(),
        minus.as_str(),
        block.as_str(),
        long_sum.as_str(),
        "powi(x, 99999999999)",
        "1e99999",
        "",
    ] {
        assert_clean(&["show", "--formula", f]);
        assert_clean(&["table", "--formula", f, "--points", "3"]);
    }
    for args in [
        &["eval", "relu", "abc"][..],
        &["eval", "relu", "1e99999"],
        &["eval", "rleu", "1"],
        &["table", "relu", "--step", "0"],
        &["table", "relu", "--step", "-1"],
        &["table", "relu", "--from", "5", "--to", "-5"],
        &["table", "relu", "--points", "0"],
        &["table", "relu", "--points", "99999999999999999999999"],
        &["table", "elu", "--param", "alpha=nan"],
        &["table", "elu", "--param", "beta=1"],
        &["table", "elu", "--param", "alpha"],
        &["table", "relu", "--format", "xml"],
        &["plot", "relu", "--output", "/nonexistent/dir/plot.png"],
        &["plot", "relu", "--output", "plot.bmp"],
        &["recommend", "nosuchtask"],
        &["completions", "powershell9"],
    ] {
        assert_clean(args);
    }
}

#[test]
fn a_failed_plot_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target name is taken by a directory: drawing succeeds, putting it in place fails.
    let target = dir.path().join("taken.png");
    std::fs::create_dir(&target).unwrap();
    let path = target.to_str().unwrap();
    assert_clean(&["plot", "relu", "--output", path]);
    let (code, _, _) = run(&["plot", "relu", "--output", path]);
    assert_eq!(code, 2);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("taken.png")],
        "files left: {left:?}"
    );
}

/// Gated activations with hostile inputs: random lists for `--a`, `--b` and the numbers
/// (empty, text, NaN, ±inf, huge, subnormal, mismatched lengths), both, neither, in `eval`
/// and `table`, with stray parameters, in every format.
#[test]
fn random_gated_inputs_end_cleanly() {
    const NAMES: &[&str] = &["glu", "swiglu", "GeGLU", "re_glu", "swigl", "glu2"];
    const VALUES: &[&str] = &[
        "0", "-0", "1", "-2.5", "1e308", "-1e308", "1e-320", "inf", "-inf", "nan", "-nan", "x", "",
        ",", "1,2", "-1,0,1", "1 2 3", "--b", "-.5", "1e99999",
    ];
    const OPTIONS: &[&str] = &["--a", "--b", "--param", "--format", "--points", "--from"];
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..400 {
        let mut args = vec![
            if rng.below(2) == 0 { "eval" } else { "table" }.to_string(),
            NAMES[rng.below(NAMES.len())].to_string(),
        ];
        for _ in 0..rng.below(5) {
            match rng.below(3) {
                0 => args.push(VALUES[rng.below(VALUES.len())].to_string()),
                _ => {
                    let option = OPTIONS[rng.below(OPTIONS.len())];
                    let value = match option {
                        "--param" => format!("b={}", VALUES[rng.below(VALUES.len())]),
                        "--format" => {
                            ["csv", "json", "markdown", "text", "xml"][rng.below(5)].to_string()
                        }
                        _ => VALUES[rng.below(VALUES.len())].to_string(),
                    };
                    args.extend([option.to_string(), value]);
                }
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_clean(&refs);
    }
    for args in [
        &["eval", "swiglu", "--a", "1e308", "--b", "1e308"][..],
        &["eval", "geglu", "--a", "-1e308,1e-320", "--b", "-inf,nan"],
        &[
            "table", "glu", "--a", "nan", "--points", "20000", "--format", "csv",
        ],
        &[
            "table", "reglu", "--b", "-inf", "--from", "-1e308", "--to", "1e308",
        ],
        &["table", "swiglu", "--points", "1000001"],
    ] {
        assert_clean(args);
    }
}
