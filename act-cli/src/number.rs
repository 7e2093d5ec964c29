//! Parsing numbers from the command line and printing them: at full round-trip precision
//! (csv, json) or rounded to a number of significant digits (text for people).

use std::io::{self, Write};

use act_core::Range;

/// Significant digits of the numbers in text tables unless `--precision` says otherwise.
pub const TEXT_DIGITS: usize = 10;

/// Parses a number as given on the command line (`-2`, `-.5`, `1e-3`, `inf`, `-inf`, `nan`,
/// and `∞`, `-∞` as the tables print them; a positional `-∞` reads as an option in clap, so
/// `eval` takes `-inf` there).
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let t = match t {
        "∞" | "+∞" => "inf",
        "-∞" => "-inf",
        _ => t,
    };
    let v = t.parse::<f64>().map_err(|_| {
        format!(
            "'{}' is not a number (write a decimal such as -2, .5 or 1e-3, or inf, -inf, nan)",
            text.trim()
        )
    })?;
    let spelled_infinite = t
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf");
    if v.is_infinite() && !spelled_infinite {
        return Err(format!(
            "'{t}' is beyond the largest number (1.8e308); write inf for infinity"
        ));
    }
    // A nonzero number below the smallest f64 (5e-324) would read as 0: refused, as a number
    // beyond the largest is, rather than changed silently.
    let mantissa = t.split(['e', 'E']).next().unwrap_or("");
    if v == 0.0 && mantissa.chars().any(|c| c.is_ascii_digit() && c != '0') {
        return Err(format!(
            "'{t}' is below the smallest number (4.9e-324) and would round to 0; write 0 for zero"
        ));
    }
    Ok(v)
}

/// Parses numbers separated by commas, spaces or both (`-1,0,1`, `"-1 0 1"`, `"-1, 0, 1"`).
/// An empty item (`1,,2`, a leading or trailing comma) is an error naming its position.
pub fn parse_numbers(text: &str) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    let items: Vec<&str> = text.split(',').collect();
    for (k, item) in items.iter().enumerate() {
        if item.trim().is_empty() && items.len() > 1 {
            let place = match out.last() {
                _ if k + 1 == items.len() => "a comma after the last number".to_string(),
                Some(v) => format!(
                    "two commas with nothing between, after number {} ({})",
                    out.len(),
                    fmt_number(*v)
                ),
                None => "a comma before the first number".to_string(),
            };
            return Err(format!(
                "{place} in '{}': remove the extra comma or put a number there",
                text.trim()
            ));
        }
        for piece in item.split_whitespace() {
            out.push(parse_number(piece)?);
        }
    }
    Ok(out)
}

/// True when `text` is numbers separated by commas and spaces, empty items allowed: what a
/// command-line argument that starts with `-` must be to be read as inputs rather than as an
/// option (`-1,`, `-1,,2`; [`parse_numbers`] then says what is wrong with the latter).
pub fn looks_like_numbers(text: &str) -> bool {
    let mut pieces = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|piece| !piece.is_empty())
        .peekable();
    pieces.peek().is_some() && pieces.all(|p| p.trim().parse::<f64>().is_ok())
}

/// Parses `--param k=v`.
pub fn parse_param(text: &str) -> Result<(String, f64), String> {
    let Some((key, value)) = text.split_once('=') else {
        // clap's message quotes the value already.
        return Err("expected K=V, e.g. alpha=0.2".to_string());
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("missing parameter name in '{}'", text.trim()));
    }
    let value = parse_number(value).map_err(|e| {
        if e.contains("beyond the largest number") {
            format!(
                "'{}' overflows an f64 (max 1.8e308); parameters must be finite",
                value.trim()
            )
        } else {
            e
        }
    })?;
    if !value.is_finite() {
        return Err(format!("parameter '{key}' must be finite, got {value}"));
    }
    Ok((key.to_string(), value))
}

/// Parses `--ylim LO,HI`: two finite numbers, `LO < HI`.
pub fn parse_ylim(text: &str) -> Result<(f64, f64), String> {
    let v = parse_numbers(text)?;
    let [lo, hi] = v[..] else {
        return Err("expected LO,HI, e.g. -1.5,3".to_string());
    };
    if !lo.is_finite() || !hi.is_finite() || lo >= hi {
        return Err("LO must be less than HI, both finite".to_string());
    }
    Ok((lo, hi))
}

/// Parses `--points N`: a whole number (`--points -3` says what is wrong with it).
pub fn parse_points(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| "expected a whole number of inputs (at least 1)".to_string())
}

/// Parses `--precision N`: 1 to 17 significant digits (17 is always exact for an f64).
pub fn parse_precision(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n @ 1..=17) => Ok(n),
        _ => Err("expected 1 to 17 significant digits".to_string()),
    }
}

/// `d.ddd` times ten to the `exponent`, from Rust's `{:e}` output (`-4.25e-18`, `1e300`).
fn layout(sci: &str) -> String {
    let (negative, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let scientific = format!("{mantissa}e{exp}");
    let plain = if exp >= 0 {
        let whole = exp as usize + 1;
        if digits.len() <= whole {
            format!("{digits}{}", "0".repeat(whole - digits.len()))
        } else {
            format!("{}.{}", &digits[..whole], &digits[whole..])
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    };
    // An exponent only where it saves at least three characters: 100000 is 1e5 and 0.00001 is
    // 1e-5, but 1000 and 0.001 stay as they are.
    let body = if scientific.len() + 3 <= plain.len() {
        scientific
    } else {
        plain
    };
    if negative { format!("-{body}") } else { body }
}

/// Writes `v` with the fewest digits that read back as the same `f64`, with an exponent where
/// that is at least three characters shorter (`4.248354255291589e-18`, `1e300`, `0.001`),
/// and `inf`, `-inf`, `NaN`.
pub fn write_number(out: &mut (impl Write + ?Sized), v: f64) -> io::Result<()> {
    out.write_all(fmt_number(v).as_bytes())
}

/// [`write_number`] into a new string.
pub fn fmt_number(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    layout(&format!("{v:e}"))
}

/// `v` rounded to `digits` significant digits, in the shortest form that shows them (trailing
/// zeros dropped, an exponent where shorter): `0.30000000000000004` is `0.3` at 10 digits.
/// At 17 digits every `f64` reads back exactly.
pub fn fmt_digits(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let shortest = format!("{v:e}");
    let significant = shortest
        .split('e')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if significant <= digits {
        return layout(&shortest);
    }
    let digits = digits.clamp(1, 17);
    layout(&format!("{v:.prec$e}", prec = digits - 1))
}

/// A column of a text table: each value as [`fmt_digits`] writes it, except that where one
/// nonzero value below 1 in magnitude takes an exponent, every nonzero value below 1e-3 does
/// too, so that a column does not show `-0.000014293892` beside `-2.866515719e-6`. Values
/// from 1e-3 up keep their plain form (`0.001007299322`, `-0.3173105079`).
pub fn fmt_column(values: &[f64], digits: usize) -> Vec<String> {
    let plain: Vec<String> = values.iter().map(|v| fmt_digits(*v, digits)).collect();
    let small_with_exponent = values
        .iter()
        .zip(&plain)
        .any(|(v, s)| *v != 0.0 && v.abs() < 1.0 && s.contains('e'));
    if !small_with_exponent {
        return plain;
    }
    values
        .iter()
        .zip(plain)
        .map(|(v, s)| {
            if *v != 0.0 && v.abs() < 1e-3 && !s.contains('e') {
                // The digits `s` shows, with an exponent: the shortest form of the value it
                // reads back as has exactly those digits.
                let shown: f64 = s.parse().unwrap_or(*v);
                format!("{shown:e}")
            } else {
                s
            }
        })
        .collect()
}

/// Rows of a text table from its columns, each formatted by [`fmt_column`].
pub fn fmt_rows(columns: &[&[f64]], digits: usize) -> Vec<Vec<String>> {
    let cols: Vec<Vec<String>> = columns.iter().map(|c| fmt_column(c, digits)).collect();
    let n = columns.first().map_or(0, |c| c.len());
    (0..n)
        .map(|i| cols.iter().map(|c| c[i].clone()).collect())
        .collect()
}

/// A range in interval notation with [`fmt_number`] bounds: `[0, ∞)`, `(-1e300, ∞)`; `?`
/// when not known.
pub fn fmt_range(r: Option<Range>) -> String {
    fmt_range_digits(r, 17)
}

/// A range with its bounds rounded outward to `digits` significant digits ([`fmt_digits`]),
/// so that the printed interval contains the range: a bound that rounding changed is printed
/// open (mish's `[-0.30884341301725043, ∞)` at 4 digits is `(-0.3089, ∞)`). `?` when not
/// known.
pub fn fmt_range_digits(r: Option<Range>, digits: usize) -> String {
    let Some(r) = r else {
        return "?".to_string();
    };
    // The bound rounded to `digits`, moved one unit in the last digit outward if rounding
    // went inward; and whether it is still the exact bound.
    let bound = |v: f64, down: bool| -> (String, bool) {
        if v.is_infinite() {
            return (if v > 0.0 { "∞" } else { "-∞" }.to_string(), true);
        }
        let text = fmt_digits(v, digits);
        let shown: f64 = text.parse().unwrap_or(v);
        if shown == v {
            return (text, true);
        }
        if (down && shown < v) || (!down && shown > v) {
            return (text, false);
        }
        let exponent = shown.abs().max(f64::MIN_POSITIVE).log10().floor() as i32;
        let unit = 10f64.powi(exponent + 1 - digits.clamp(1, 17) as i32);
        let moved = if down { shown - unit } else { shown + unit };
        (fmt_digits(moved, digits), false)
    };
    let (lo, lo_exact) = bound(r.min(), true);
    let (hi, hi_exact) = bound(r.max(), false);
    format!(
        "{}{lo}, {hi}{}",
        if r.min_attained() && lo_exact {
            "["
        } else {
            "("
        },
        if r.max_attained() && hi_exact {
            "]"
        } else {
            ")"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_ranges_contain_the_range() {
        let mish = Range::new(-0.30884341301725043, true, f64::INFINITY, false);
        assert_eq!(fmt_range_digits(Some(mish), 4), "(-0.3089, ∞)");
        let selu = Range::new(-1.7580993408473766, false, f64::INFINITY, false);
        assert_eq!(fmt_range_digits(Some(selu), 4), "(-1.759, ∞)");
        let up = Range::new(0.0, true, 0.12344, true);
        assert_eq!(fmt_range_digits(Some(up), 4), "[0, 0.1235)");
        let exact = Range::new(-1.0, true, 1.0, true);
        assert_eq!(fmt_range_digits(Some(exact), 4), "[-1, 1]");
    }

    #[test]
    fn parses_numbers() {
        assert_eq!(parse_number("-2"), Ok(-2.0));
        assert_eq!(parse_number("-.5"), Ok(-0.5));
        assert_eq!(parse_number("1e-3"), Ok(1e-3));
        assert_eq!(parse_number(" -inf"), Ok(f64::NEG_INFINITY));
        assert!(parse_number("-nan").unwrap().is_nan());
        assert_eq!(
            parse_number("abc"),
            Err(
                "'abc' is not a number (write a decimal such as -2, .5 or 1e-3, or inf, -inf, nan)"
                    .into()
            )
        );
        // The infinities as the tables print them.
        assert_eq!(parse_number("∞"), Ok(f64::INFINITY));
        assert_eq!(parse_number("+∞"), Ok(f64::INFINITY));
        assert_eq!(parse_number("-∞"), Ok(f64::NEG_INFINITY));
        assert!(parse_number("").is_err());
        // A literal beyond MAX is refused, not read as inf; inf itself stays.
        assert!(
            parse_number("1e400")
                .unwrap_err()
                .contains("beyond the largest number")
        );
        assert!(parse_number("-1e400").is_err());
        assert_eq!(parse_number("+Infinity"), Ok(f64::INFINITY));
    }

    #[test]
    fn parses_lists_with_commas_or_spaces() {
        let want = vec![-1.0, 0.0, 1.5];
        assert_eq!(parse_numbers("-1,0,1.5"), Ok(want.clone()));
        assert_eq!(parse_numbers("-1 0 1.5"), Ok(want.clone()));
        assert_eq!(parse_numbers(" -1, 0,  1.5 "), Ok(want));
        assert!(
            parse_numbers("1,y")
                .unwrap_err()
                .starts_with("'y' is not a number")
        );
        assert_eq!(parse_numbers(""), Ok(vec![]));
    }

    #[test]
    fn empty_items_and_numbers_below_the_smallest_are_refused() {
        let e = parse_numbers("1,,2").unwrap_err();
        assert!(
            e.contains("after number 1 (1)") && e.contains("'1,,2'"),
            "{e}"
        );
        assert!(parse_numbers("1, ,2").unwrap_err().contains("two commas"));
        assert!(
            parse_numbers("1,2,")
                .unwrap_err()
                .contains("after the last")
        );
        assert!(
            parse_numbers(",1")
                .unwrap_err()
                .contains("before the first")
        );
        assert_eq!(parse_numbers("1, 2 3,4"), Ok(vec![1.0, 2.0, 3.0, 4.0]));
        // 1e-400 is refused as 1e400 is; zeros and subnormals are numbers.
        assert!(
            parse_number("1e-400")
                .unwrap_err()
                .contains("below the smallest")
        );
        assert!(
            parse_number("-5E-330")
                .unwrap_err()
                .contains("below the smallest")
        );
        assert_eq!(parse_number("0e-500"), Ok(0.0));
        assert_eq!(parse_number("-0.000"), Ok(-0.0));
        assert_eq!(parse_number("5e-324"), Ok(5e-324));
        // What main.rs keeps as a value rather than an option.
        assert!(looks_like_numbers("-1,") && looks_like_numbers("-1,,2"));
        assert!(!looks_like_numbers("-h") && !looks_like_numbers(","));
    }

    #[test]
    fn parses_params_and_limits() {
        let e = parse_param("alpha=1e309").unwrap_err();
        assert!(
            e.contains("'1e309' overflows an f64") && e.contains("must be finite"),
            "{e}"
        );
        assert!(!e.contains("write inf"), "{e}");
        assert_eq!(parse_param("alpha=0.2"), Ok(("alpha".into(), 0.2)));
        assert_eq!(parse_param(" alpha = -1 "), Ok(("alpha".into(), -1.0)));
        assert!(parse_param("alpha").unwrap_err().contains("K=V"));
        assert!(parse_param("=1").is_err());
        assert!(parse_param("alpha=x").unwrap_err().contains("not a number"));
        assert!(parse_param("alpha=inf").unwrap_err().contains("finite"));
        assert_eq!(parse_ylim("-1.5,3"), Ok((-1.5, 3.0)));
        assert_eq!(parse_ylim("-.5 .5"), Ok((-0.5, 0.5)));
        assert!(parse_ylim("1").unwrap_err().contains("LO,HI"));
        assert!(parse_ylim("2,1").unwrap_err().contains("less than"));
        assert!(parse_ylim("-inf,1").unwrap_err().contains("finite"));
        assert_eq!(parse_precision("4"), Ok(4));
        assert!(parse_precision("0").is_err() && parse_precision("18").is_err());
    }

    #[test]
    fn numbers_round_trip() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -5.0,
            0.1,
            1.0 / 3.0,
            4.248354255291589e-18,
            1e-5,
            9.99e-6,
            1e16,
            123456789012345680.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -0.2784645427610738,
        ] {
            let s = fmt_number(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
            assert_eq!(
                fmt_digits(v, 17).parse::<f64>().unwrap().to_bits(),
                v.to_bits()
            );
        }
    }

    #[test]
    fn exponents_only_where_shorter() {
        assert_eq!(fmt_number(-5.0), "-5");
        assert_eq!(fmt_number(0.5), "0.5");
        assert_eq!(fmt_number(1000.0), "1000");
        assert_eq!(fmt_number(1e5), "1e5");
        assert_eq!(fmt_number(-1e300), "-1e300");
        assert_eq!(fmt_number(0.001), "0.001");
        assert_eq!(fmt_number(1e-5), "1e-5");
        assert_eq!(fmt_number(1.5e-4), "0.00015");
        assert_eq!(fmt_number(4.248354255291589e-18), "4.248354255291589e-18");
        assert_eq!(fmt_number(123456789012345680.0), "123456789012345680");
        assert_eq!(fmt_number(f64::INFINITY), "inf");
        assert_eq!(fmt_number(f64::NAN), "NaN");
        assert_eq!(fmt_number(-0.0), "-0");
    }

    #[test]
    fn significant_digits() {
        assert_eq!(fmt_digits(0.1 + 0.2, 10), "0.3");
        assert_eq!(fmt_digits(-0.30000000000000004, 10), "-0.3");
        assert_eq!(fmt_digits(0.7310585786300049, 10), "0.7310585786");
        assert_eq!(fmt_digits(0.7310585786300049, 3), "0.731");
        assert_eq!(fmt_digits(0.9999999979388464, 10), "0.9999999979");
        assert_eq!(fmt_digits(0.99999999999, 10), "1");
        assert_eq!(fmt_digits(2.0611536181902037e-9, 10), "2.061153618e-9");
        assert_eq!(fmt_digits(1234.5678, 6), "1234.57");
        assert_eq!(fmt_digits(999999.7, 6), "1e6");
        assert_eq!(fmt_digits(0.25, 10), "0.25");
        assert_eq!(fmt_digits(f64::NEG_INFINITY, 3), "-inf");
    }

    #[test]
    fn ranges() {
        assert_eq!(
            fmt_range(Some(Range::new(0.0, true, f64::INFINITY, false))),
            "[0, ∞)"
        );
        assert_eq!(
            fmt_range(Some(Range::new(-1e300, false, f64::INFINITY, false))),
            "(-1e300, ∞)"
        );
        assert_eq!(fmt_range(Some(Range::REAL)), "(-∞, ∞)");
        assert_eq!(fmt_range(None), "?");
    }

    #[test]
    fn a_column_with_an_exponent_gives_one_to_every_value_below_1e_3() {
        // GEGLU's value at b = 2 (`table geglu --b 2`): -2.87e-6 took an exponent, and
        // -2.53e-4 printed as -0.0002533699347 beside it.
        assert_eq!(
            fmt_column(
                &[-2.866515719e-6, -0.0002533699347, -0.00809938819, 0.0, 5.0],
                10
            ),
            [
                "-2.866515719e-6",
                "-2.533699347e-4",
                "-0.00809938819",
                "0",
                "5"
            ]
        );
        // No small value with an exponent: the plain forms stay.
        assert_eq!(
            fmt_column(&[-0.000014293892, 1.0], 10),
            ["-0.000014293892", "1"]
        );
        // Large values with an exponent do not change the small ones.
        assert_eq!(fmt_column(&[1e300, 0.0001], 10), ["1e300", "0.0001"]);
        assert_eq!(
            fmt_rows(&[&[1.0, 2.0], &[1e-9, 0.0005]], 10),
            [vec!["1", "1e-9"], vec!["2", "5e-4"]]
        );
    }
}
