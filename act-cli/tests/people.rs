//! What a person at an 80-column terminal sees: output that fits, numbers they can read,
//! negative numbers typed as they come, plots whose lines can be told apart, and messages that
//! say how to fix the input. Snapshots are taken at `COLUMNS=80` without colour.

mod common;
use common::*;

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(args)).unwrap()
}

/// Lines wider than `width` characters.
fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > width)
        .map(str::to_string)
        .collect()
}

/// The one-input built-ins (the gated ones take two inputs and are not plotted).
fn builtin_names() -> Vec<String> {
    json(&["list", "--format", "json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["gated"] != true)
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

// ---- 1. every command fits the width ----

#[test]
fn every_command_fits_80_columns() {
    let mut commands: Vec<Vec<String>> = [
        "list",
        "recommend",
        "table sigmoid --from -40 --to 40 --step 20",
        "eval swish -inf -1e300 -.5 1e-300",
        "compare relu gelu swish mish softmax elu selu --at -3,-1,0,1,3",
        "plot relu sigmoid tanh swish --derivative",
        "--help",
    ]
    .iter()
    .map(|c| c.split(' ').map(String::from).collect())
    .collect();
    for name in builtin_names() {
        commands.push(vec!["show".into(), name]);
    }
    let tasks = json(&["recommend", "--format", "json"]);
    for t in tasks.as_array().unwrap() {
        commands.push(vec!["recommend".into(), t["name"].as_str().unwrap().into()]);
    }
    for sub in SUBCOMMANDS {
        commands.push(vec![sub.into(), "--help".into()]);
    }
    commands.push(vec![
        "show".into(),
        "--formula".into(),
        "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3)))) + a * b * x".into(),
        "--param".into(),
        "a=0.25".into(),
        "--param".into(),
        "b=1e-300".into(),
    ]);
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = stdout(&args);
        let wide = too_wide(&out, 80);
        assert!(
            wide.is_empty(),
            "`act-cli {}`:\n{}",
            args.join(" "),
            wide.join("\n")
        );
    }
}

/// Below 60 columns tables split (repeating their key column) or become one record per row,
/// instead of squeezing a column to a letter per line; everything fits at 40, 50 and 60.
#[test]
fn narrow_terminals_get_readable_output() {
    let commands: [&[&str]; 12] = [
        &["list"],
        &[
            "table", "sigmoid", "--from", "-40", "--to", "40", "--step", "20",
        ],
        &["eval", "swish", "-inf", "-1e300", "-.5", "1e-300"],
        &[
            "compare",
            "relu",
            "gelu",
            "swish",
            "mish",
            "softmax",
            "--at",
            "-3,-1,0,1,3",
        ],
        &["eval", "swiglu", "-20", "0", "2.5", "--b", "1.5"],
        &["table", "geglu", "--a", "-3.5", "--points", "3"],
        &["show", "swiglu"],
        &["show", "softmax"],
        &["show", "leaky-relu", "--param", "alpha=0.2"],
        &["recommend"],
        &["recommend", "transformer"],
        &["plot", "relu", "sigmoid", "--derivative"],
    ];
    for width in ["40", "50", "60"] {
        let w: usize = width.parse().unwrap();
        for args in commands {
            let out = stdout_at(width, args);
            let wide = too_wide(&out, w);
            assert!(
                wide.is_empty(),
                "`act-cli {}` at {width}:\n{}",
                args.join(" "),
                wide.join("\n")
            );
            // No column squeezed to a letter or two: no line holds only a fragment of a word
            // under an empty key (the old failure: "a", "c", "t", "i", "v" one per line).
            let fragments = out
                .lines()
                .filter(|l| {
                    let t = l.trim();
                    !t.is_empty() && t.chars().count() <= 2 && t.chars().all(char::is_alphabetic)
                })
                .count();
            assert!(
                fragments == 0,
                "`act-cli {}` at {width}:\n{out}",
                args.join(" ")
            );
        }
    }
    // The split tables repeat the key: every x of the table appears in both halves (17
    // digits: at the default 10 the table fits in 40 columns).
    let out = act()
        .env("COLUMNS", "40")
        .args([
            "table",
            "sigmoid",
            "--from",
            "-12",
            "--to",
            "-10",
            "--precision",
            "17",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.matches("-11 ").count(), 2, "{out}");
    assert!(out.contains("value") && out.contains("derivative"), "{out}");
    // List at 40 columns: one record per activation, its summary wrapped under it.
    let out = act().env("COLUMNS", "40").args(["list"]).output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.starts_with("sigmoid\n  range    (0, 1)\n  summary  Logistic sigmoid"),
        "{out}"
    );
}

#[test]
fn error_messages_fit_80_columns() {
    for args in [
        &["show", "--formula", "if x > 0 { x } else { a * x }"][..],
        &["eval", "--formula", "x ** 2", "1"],
        &["show", "rrelu"],
        &["table", "elu", "--param", "beta=2"],
    ] {
        let e = usage_error(args);
        assert!(too_wide(&e, 80).is_empty(), "{args:?}:\n{e}");
    }
}

#[test]
fn columns_is_honoured_when_not_a_terminal() {
    for width in ["60", "100"] {
        let out = stdout_at(width, &["list"]);
        let w: usize = width.parse().unwrap();
        assert!(too_wide(&out, w).is_empty(), "{out}");
        // The header rule spans the width given.
        assert!(out.lines().any(|l| l.chars().count() > w - 5), "{out}");
    }
}

#[test]
fn list_and_recommend_at_80_columns() {
    insta::assert_snapshot!("list_80", stdout(&["list"]));
    insta::assert_snapshot!("recommend_80", stdout(&["recommend"]));
}

/// `compare` rounds ranges outward, so an attained bound may print open: it says so, and
/// only when a bound was rounded (user trial: swish's minimum read as never reached).
#[test]
fn compare_says_when_ranges_are_rounded() {
    let rounded = stdout(&["compare", "gelu", "swish"]);
    assert!(rounded.contains("(-0.278465, ∞)"), "{rounded}");
    assert!(rounded.contains("rounded outward to 6 digits"), "{rounded}");
    let exact = stdout(&["compare", "relu", "sigmoid"]);
    assert!(!exact.contains("rounded outward"), "{exact}");
}

// ---- 2. readable numbers, --precision; csv and json keep every digit ----

#[test]
fn text_tables_round_to_ten_digits() {
    let s = stdout(&["table", "leaky-relu"]);
    assert!(
        s.contains(" -0.3 ") && !s.contains("0.30000000000000004"),
        "{s}"
    );
    insta::assert_snapshot!(
        "table_sigmoid_80",
        stdout(&[
            "table", "sigmoid", "--from", "-40", "--to", "40", "--step", "20"
        ])
    );
    let s = stdout(&["eval", "sigmoid", "1", "--precision", "4"]);
    assert!(
        s.contains("0.7311") && s.contains("0.1966") && !s.contains("0.73105"),
        "{s}"
    );
    let s = stdout(&[
        "table",
        "leaky-relu",
        "--from",
        "-3",
        "--to",
        "-3",
        "--format",
        "csv",
    ]);
    assert_eq!(s, "x,value,derivative\n-3,-0.30000000000000004,0.1\n");
    let v = json(&[
        "eval",
        "sigmoid",
        "1",
        "--precision",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(v["rows"][0]["value"], 0.7310585786300049);
    assert!(usage_error(&["eval", "relu", "1", "--precision", "0"]).contains("1 to 17"));
}

// ---- 3. negative numbers of every spelling ----

#[test]
fn negative_values_are_plain_arguments() {
    let v = json(&[
        "eval", "swish", "-inf", "-.5", "-nan", "-2", "-1e-3", "--format", "json",
    ]);
    let rows = v["rows"].as_array().unwrap();
    let xs: Vec<&serde_json::Value> = rows.iter().map(|r| &r["x"]).collect();
    assert_eq!(xs[0], "-Infinity"); // JSON has no infinities: a string that says which
    assert_eq!(xs[2], "NaN");
    assert_eq!(xs[1], -0.5);
    assert_eq!(xs[3], -2.0);
    assert_eq!(xs[4], -0.001);
    assert_eq!(rows[0]["value"], 0.0); // swish(-inf) = -0
    let s = stdout(&["eval", "sigmoid", "-inf", "-nan"]);
    assert!(s.contains("-inf") && s.contains("NaN"), "{s}");
    let s = stdout(&[
        "table", "relu", "--from", "-.5", "--to", ".5", "--step", ".5", "--format", "csv",
    ]);
    assert_eq!(s, "x,value,derivative\n-0.5,0,0\n0,0,0\n0.5,0.5,1\n");
    let s = stdout(&[
        "eval",
        "leaky-relu",
        "-1",
        "--param",
        "alpha=-.5",
        "--format",
        "csv",
    ]);
    assert_eq!(s, "x,value,derivative\n-1,0.5,-0.5\n");
    let s = stdout(&["compare", "relu", "--at", "-inf,-.5", "--format", "csv"]);
    assert!(
        s.contains("relu,-inf,0,0") && s.contains("relu,-0.5,0,0"),
        "{s}"
    );
    let s = stdout(&["plot", "relu", "--ylim", "-.5,1.5", "--height", "6"]);
    assert!(s.starts_with(" 1.5 ┤") && s.contains("-0.5 ┤"), "{s}");
    let s = stdout(&[
        "plot", "relu", "--from", "-1e-3", "--to", "1e-3", "--height", "6",
    ]);
    assert!(s.contains("-0.001"), "{s}");
}

// ---- 4. unknown names in a formula ----

#[test]
fn an_unknown_name_says_how_to_declare_it() {
    let e = usage_error(&["show", "--formula", "if x >= 0 { x } else { a * x }"]);
    assert!(
        e.contains("cannot find `a`") && e.contains("--param a=VALUE"),
        "{e}"
    );
}

// ---- 5. softmax in table, eval, plot, show and --help ----

#[test]
fn softmax_says_what_is_shown() {
    insta::assert_snapshot!(
        "table_softmax_80",
        stdout(&["table", "softmax", "--from", "-2", "--to", "2"])
    );
    insta::assert_snapshot!(
        "eval_softmax_80",
        stdout(&["eval", "softmax", "1", "2", "3"])
    );
    let s = stdout(&["plot", "sigmoid", "softmax", "--height", "6"]);
    assert!(s.contains("softmax (101 x as one vector)"), "{s}");
    // The same values at any width: the softmax curve is one fixed vector, not one sample
    // per column (its values would shrink as the terminal widens). The top label of the y
    // axis is the largest value.
    let top = |columns: &str| {
        let text = stdout_at(columns, &["plot", "softmax", "--height", "8"]);
        text.lines()
            .next()
            .unwrap()
            .split('┤')
            .next()
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(top("60"), top("150"));
    // softmax of 101 evenly spaced x in [-5, 5] at x = 5 is 0.095166, plus the 5 % margin:
    // 0.09992, shown in 3 digits so that the bottom label (-0.00475) fits 8 characters.
    assert_eq!(top("60"), "0.0999");
    for args in [
        &["show", "softmax"][..],
        &["--help"],
        &["eval", "--help"],
        &["table", "--help"],
    ] {
        let s = stdout(args);
        assert!(s.contains("act-cli eval softmax 1 2 3"), "{args:?}:\n{s}");
    }
}

#[test]
fn show_prints_nothing_meaningless_for_a_vector_activation() {
    let s = stdout(&["show", "softmax"]);
    insta::assert_snapshot!("show_softmax_80", s);
    assert!(
        !s.contains("NaN") && !s.contains("f(0)") && !s.contains("f'(0)"),
        "{s}"
    );
    let s = stdout(&["show", "--formula", "exp(x) / sum(exp(x))"]);
    assert!(!s.contains("(-∞, ∞)") && !s.contains("NaN"), "{s}");
}

// ---- 6. plots ----

#[test]
fn terminal_plot_tells_every_series_apart() {
    let s = stdout(&[
        "plot",
        "relu",
        "sigmoid",
        "--derivative",
        "--ylim",
        "-0.5,1.5",
        "--width",
        "60",
        "--height",
        "12",
    ]);
    insta::assert_snapshot!("plot_terminal_80", s);
    let legend = s.lines().rev().take(2).collect::<Vec<_>>().join(" ");
    for item in ["* relu", "o relu'", "+ sigmoid", "x sigmoid'"] {
        assert!(
            legend.contains(item),
            "{item} missing from the legend:\n{s}"
        );
    }
    // The derivatives are drawn: their markers are in the plot area.
    let area: String = s.lines().take(12).collect();
    for marker in ['*', 'o', '+', 'x'] {
        assert!(area.contains(marker), "{marker} not drawn:\n{s}");
    }
}

/// A polyline of an SVG: stroke colour, stroke width, points in pixels.
type Polyline = (String, String, Vec<(f64, f64)>);

/// Every polyline in an SVG.
fn polylines(svg: &str) -> Vec<Polyline> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| {
            let points = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (
                n.attribute("stroke").unwrap_or("").to_string(),
                n.attribute("stroke-width").unwrap_or("").to_string(),
                points,
            )
        })
        .collect()
}

fn svg(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plot.svg");
    act()
        .args(args)
        .arg("--output")
        .arg(&path)
        .assert()
        .success();
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn relu_derivative_has_no_vertical_line_at_its_kink() {
    let text = svg(&["plot", "relu", "--derivative"]);
    // relu and relu' share the first colour; the derivative is the 2-pixel line.
    let derivative: Vec<_> = polylines(&text)
        .into_iter()
        .filter(|(c, w, _)| c == "#1F77B4" && w == "2")
        .collect();
    assert!(!derivative.is_empty());
    for (_, _, pts) in &derivative {
        for p in pts.windows(2) {
            let (dx, dy) = (p[1].0 - p[0].0, p[1].1 - p[0].1);
            assert!(
                !(dx.abs() <= 1.0 && dy.abs() > 3.0),
                "a vertical piece: {p:?}"
            );
        }
    }
}

#[test]
fn a_formula_breaks_its_line_where_it_jumps_and_only_there() {
    let pieces = |formula: &str| {
        let text = svg(&["plot", "--formula", formula, "--from", "-2", "--to", "2"]);
        let lines: Vec<Polyline> = polylines(&text)
            .into_iter()
            // The legend's sample line has two points; the curve's pieces have many.
            .filter(|(c, w, p)| c == "#1F77B4" && w == "3" && p.len() > 2)
            .collect();
        for (_, _, pts) in &lines {
            for p in pts.windows(2) {
                let (dx, dy) = (p[1].0 - p[0].0, p[1].1 - p[0].1);
                assert!(!(dx.abs() <= 1.0 && dy.abs() > 30.0), "{formula}: {p:?}");
            }
        }
        lines.len()
    };
    assert_eq!(pieces("if x > 1 { 1 } else { 0 }"), 2);
    // Steep but continuous: one line.
    assert_eq!(pieces("tanh(50 * x)"), 1);
}

#[test]
fn file_plots_sample_every_pixel_column() {
    let text = svg(&["plot", "sigmoid", "--width", "3000", "--height", "400"]);
    let lines = polylines(&text);
    let (_, _, pts) = lines
        .iter()
        .filter(|(c, w, _)| c == "#1F77B4" && w == "3")
        .max_by_key(|(_, _, p)| p.len())
        .unwrap();
    let widest_step = pts.windows(2).map(|p| p[1].0 - p[0].0).fold(0.0, f64::max);
    assert!(widest_step <= 1.0, "samples {widest_step} pixels apart");
}

#[test]
fn ylim_sets_the_y_axis_and_clips_the_lines() {
    let text = svg(&[
        "plot", "relu", "--ylim", "-1,2", "--width", "600", "--height", "400",
    ]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    // The y labels (x labels are whole numbers here) go from -1 to 2, not to relu(5) = 5.
    assert!(
        labels.contains(&"-0.5") && labels.contains(&"1.5"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"2.5"), "{labels:?}");
    // relu leaves through the top at x = 2 instead of running along the top edge to x = 5.
    let points: Vec<(f64, f64)> = polylines(&text)
        .iter()
        .filter(|(c, w, _)| c == "#1F77B4" && w == "3")
        .flat_map(|(_, _, p)| p.clone())
        .collect();
    let top = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let mut at_top: Vec<i64> = points
        .iter()
        .filter(|p| p.1 <= top + 1.0)
        .map(|p| p.0 as i64)
        .collect();
    at_top.dedup();
    assert!(at_top.len() < 5, "relu runs along the top edge: {at_top:?}");
    assert!(usage_error(&["plot", "relu", "--ylim", "2,1"]).contains("less than"));
}

#[test]
fn a_long_legend_stays_inside_the_image() {
    let names = builtin_names();
    let mut args = vec!["plot"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["--derivative", "--width", "960", "--height", "600"]);
    let text = svg(&args);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let legend: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| {
            n.text()
                .is_some_and(|t| names.iter().any(|name| t.trim().starts_with(name.as_str())))
        })
        .map(|n| n.attribute("y").unwrap().parse().unwrap())
        .collect();
    assert!(legend.len() >= 2 * names.len(), "{}", legend.len());
    assert!(legend.iter().all(|y| *y > 0.0 && *y < 600.0), "{legend:?}");
}

#[test]
fn the_readme_png_looks_right() {
    // docs/activations.png is made by the command the README gives; check it is that image:
    // same size, and mostly the same pixels (fonts and rounding may move a few).
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run -p act-cli -- plot") && l.contains("--ylim"))
        .expect("the README gives the command that made its PNG, with --ylim");
    let args: Vec<&str> = line
        .trim_start_matches("cargo run -p act-cli -- ")
        .split(' ')
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = args.iter().position(|a| a == "--output").unwrap() + 1;
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(&args[out]);
    args[out] = dir.path().join("made.png").to_string_lossy().into_owned();
    act().args(&args).assert().success();
    let decode = |p: &std::path::Path| {
        let d = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
        let mut r = d.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    };
    let (w0, h0, a) = decode(&committed);
    let (w1, h1, b) = decode(std::path::Path::new(&args[out]));
    assert_eq!((w0, h0), (w1, h1));
    let differ = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.abs_diff(**y) > 16)
        .count();
    assert!(
        differ * 1000 < a.len(),
        "{differ} of {} bytes differ",
        a.len()
    );
}

// ---- 7. messages ----

#[test]
fn power_operator_points_to_powi() {
    let e = usage_error(&["eval", "--formula", "x ** 2", "1"]);
    assert!(e.replace('\n', " ").contains("powi(x, 2)"), "{e}");
    assert!(e.ends_with("  x ** 2\n    ^^\n"), "{e}");
}

#[test]
fn an_unknown_activation_lists_close_matches_and_the_formula_way() {
    let e = usage_error(&["show", "rrelu"]);
    assert!(e.contains("did you mean 'relu'?"), "{e}");
    assert!(
        e.contains("close matches: ") && e.contains("leaky-relu") && e.contains("elu"),
        "{e}"
    );
    assert!(e.contains("act-cli show --formula"), "{e}");
}

#[test]
fn eval_and_compare_take_commas_and_spaces() {
    let want = "x,value,derivative\n-1,0,0\n0,0,0\n2,2,1\n";
    for args in [
        &["eval", "relu", "-1", "0", "2"][..],
        &["eval", "relu", "-1,0,2"],
        &["eval", "relu", "-1, 0,", "2"],
        &["eval", "relu", "-1 0 2"],
    ] {
        let mut a = args.to_vec();
        a.extend(["--format", "csv"]);
        assert_eq!(stdout(&a), want, "{args:?}");
    }
    let commas = stdout(&["compare", "relu", "--at", "-1,0,2", "--format", "csv"]);
    let spaces = stdout(&["compare", "relu", "--at", "-1 0 2", "--format", "csv"]);
    let both = stdout(&["compare", "relu", "--at", "-1, 0 2", "--format", "csv"]);
    assert_eq!(commas, spaces);
    assert_eq!(commas, both);
    assert!(usage_error(&["compare", "relu", "--at", "1,y"]).contains("'y' is not a number"));
}

// ---- 8. huge numbers ----

#[test]
fn huge_numbers_print_with_an_exponent() {
    let s = stdout(&["show", "elu", "--param", "alpha=1e300"]);
    insta::assert_snapshot!("show_elu_huge_alpha_80", s);
    assert!(
        s.contains("(-1e300, ∞)") && s.contains("alpha = 1e300"),
        "{s}"
    );
    assert!(!s.contains("0000000000"), "{s}");
    let s = stdout(&["eval", "linear", "1e300", "-1e-300", "--format", "csv"]);
    assert_eq!(s, "x,value,derivative\n1e300,1e300,1\n-1e-300,-1e-300,1\n");
}

// ---- 9. show explains its terms ----

#[test]
fn show_explains_each_term_in_one_line() {
    let s = stdout(&["show", "hard-swish"]);
    insta::assert_snapshot!("show_hard_swish_80", s);
    for (term, meaning) in [
        ("monotonic", "only rises, or only falls"),
        ("zero-centred", "outputs of both signs"),
        ("smooth", "no jumps"),
        ("saturating", "gradients vanish"),
        ("bounded below", "below some number"),
    ] {
        let line = s
            .lines()
            .find(|l| l.trim_start().starts_with(term))
            .unwrap();
        assert!(line.contains(meaning), "{line}");
    }
}

#[test]
fn plots_of_spans_beyond_the_largest_number_end_quickly() {
    // These used to spin in the axis code (an infinite span) and never write the file.
    for args in [
        &["plot", "relu", "--ylim", "-1e308,1e308"][..],
        &["plot", "relu", "--from", "-1e308", "--to", "1e308"][..],
    ] {
        let err = usage_error(args);
        assert!(err.contains("spans more than the largest number"), "{err}");
    }
    // Values near ±MAX on both sides: the axis is clipped to a finite span and drawn.
    let huge = [
        "plot",
        "--formula",
        "x * 1e300",
        "--from",
        "-1e10",
        "--to",
        "1e10",
    ];
    let text = svg(&huge);
    assert!(text.contains("<svg"), "{text}");
    let plot = act()
        .args(huge)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    let out = String::from_utf8(plot.get_output().stdout.clone()).unwrap();
    assert!(!out.contains("inf"), "{out}");
}
