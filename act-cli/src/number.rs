//! Parsing numbers from the command line and printing them at full precision.

use std::io::{self, Write};

/// Parses a number as given on the command line (`-2`, `1e-3`, `inf`, `-inf`, `nan`).
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    t.parse::<f64>()
        .map_err(|_| format!("'{text}' is not a number"))
}

/// Parses `--param k=v`.
pub fn parse_param(text: &str) -> Result<(String, f64), String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("expected K=V (e.g. alpha=0.2), got '{text}'"));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("missing parameter name in '{text}'"));
    }
    let value = parse_number(value)?;
    if !value.is_finite() {
        return Err(format!("parameter '{key}' must be finite, got {value}"));
    }
    Ok((key.to_string(), value))
}

/// Writes `v` with the fewest digits that read back as the same `f64`: plain decimal for
/// moderate magnitudes, scientific otherwise (`4.248354255291589e-18`), `inf`, `-inf`, `NaN`.
pub fn write_number(out: &mut (impl Write + ?Sized), v: f64) -> io::Result<()> {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-5..1e16).contains(&a) {
        write!(out, "{v}")
    } else {
        write!(out, "{v:e}")
    }
}

/// At most 6 significant digits, for summaries people read (`compare`'s text table).
pub fn fmt_short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return fmt_number(v);
    }
    let a = v.abs();
    if !(1e-4..1e7).contains(&a) {
        let s = format!("{v:.5e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    let decimals = (5 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// [`write_number`] into a new string.
pub fn fmt_number(v: f64) -> String {
    let mut buf = Vec::with_capacity(24);
    // Writing to a Vec cannot fail.
    let _ = write_number(&mut buf, v);
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers() {
        assert_eq!(parse_number("-2"), Ok(-2.0));
        assert_eq!(parse_number("1e-3"), Ok(1e-3));
        assert_eq!(parse_number("-inf"), Ok(f64::NEG_INFINITY));
        assert!(parse_number("nan").unwrap().is_nan());
        assert_eq!(parse_number("abc"), Err("'abc' is not a number".into()));
        assert!(parse_number("").is_err());
    }

    #[test]
    fn parses_params() {
        assert_eq!(parse_param("alpha=0.2"), Ok(("alpha".into(), 0.2)));
        assert_eq!(parse_param(" alpha = -1 "), Ok(("alpha".into(), -1.0)));
        assert!(parse_param("alpha").unwrap_err().contains("K=V"));
        assert!(parse_param("=1").is_err());
        assert!(parse_param("alpha=x").unwrap_err().contains("not a number"));
        assert!(parse_param("alpha=inf").unwrap_err().contains("finite"));
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
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -0.2784645427610738,
        ] {
            let s = fmt_number(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
        }
        assert_eq!(fmt_number(-5.0), "-5");
        assert_eq!(fmt_number(0.5), "0.5");
        assert_eq!(fmt_number(4.248354255291589e-18), "4.248354255291589e-18");
        assert_eq!(fmt_number(f64::INFINITY), "inf");
        assert_eq!(fmt_number(f64::NAN), "NaN");
        assert_eq!(fmt_number(1e300), "1e300");
    }

    #[test]
    fn short_numbers() {
        assert_eq!(fmt_short(0.7310585786300049), "0.731059");
        assert_eq!(fmt_short(-0.2384058440442351), "-0.238406");
        assert_eq!(fmt_short(2.0), "2");
        assert_eq!(fmt_short(1234.5678), "1234.57");
        assert_eq!(fmt_short(4.248354255291589e-18), "4.24835e-18");
        assert_eq!(fmt_short(-1e-9), "-1e-9");
        assert_eq!(fmt_short(0.0), "0");
    }
}
