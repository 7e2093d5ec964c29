//! The exact value of a decimal literal beyond its `f64`: `0.044715` (GELU-tanh's constant,
//! Hendrycks & Gimpel 2016) is not an `f64`, and where a formula multiplies its rounding error
//! by a large factor (GELU-tanh's `e^(-2u)` at `u = 660`, x = -21 in f64) that error shows.
//! Carried as the low half of a double-double constant ([`crate::dd`]), it does not.

/// `literal - hi` rounded to `f64`, where `literal` is the decimal text of a Rust integer or
/// float literal (digits, an optional `.`, an optional exponent, `_` separators) and `hi` its
/// value rounded to `f64`. Exact integer arithmetic, then one rounding; 0 where the literal is
/// exact in `f64`, and where its digits are too many for `i128` arithmetic (more than 38
/// significant digits, or an `f64` far below 1e-20 or above 1e38), where the remainder is
/// left out.
pub fn remainder(literal: &str, hi: f64) -> f64 {
    remainder_checked(literal, hi).unwrap_or(0.0)
}

fn remainder_checked(literal: &str, hi: f64) -> Option<f64> {
    if !hi.is_finite() || hi == 0.0 {
        return None;
    }
    let text: String = literal.chars().filter(|&c| c != '_').collect();
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (&text[..], 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 38 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let m: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    // literal = m 10^-k.
    let k = i32::try_from(frac.len()).ok()? - exp;
    // hi = n 2^q with n an integer of at most 53 bits.
    let bits = hi.abs().to_bits();
    let (e, f) = ((bits >> 52) as i32, bits & ((1u64 << 52) - 1));
    if e == 0 {
        return None; // subnormal: far outside any formula's constants
    }
    let (n, q) = (i128::from(f | (1u64 << 52)), e - 1075);
    // literal - hi = (m 2^-q - n 10^k) / (10^k 2^-q) for k >= 0, q <= 0; other signs of k and
    // q move their factor to the other side.
    let pow10 = |j: i32| 10i128.checked_pow(u32::try_from(j).ok()?);
    let shl = |v: i128, s: i32| v.checked_mul(1i128.checked_shl(u32::try_from(s).ok()?)?);
    let (num, den10, den2) = match (k >= 0, q <= 0) {
        (true, true) => (shl(m, -q)?.checked_sub(n.checked_mul(pow10(k)?)?)?, k, -q),
        (true, false) => (m.checked_sub(shl(n, q)?.checked_mul(pow10(k)?)?)?, k, 0),
        (false, true) => (shl(m.checked_mul(pow10(-k)?)?, -q)?.checked_sub(n)?, 0, -q),
        (false, false) => (m.checked_mul(pow10(-k)?)?.checked_sub(shl(n, q)?)?, 0, 0),
    };
    if num == 0 {
        return Some(0.0);
    }
    // One rounding in the division by 10^den10 (exact in f64 up to 10^22), then an exact
    // scaling by 2^-den2 (the conversion of `num` rounds too, below 2^-53 relative).
    if den10 > 22 || den2 > 1000 {
        return None;
    }
    let lo = num as f64 / 10f64.powi(den10) * 2f64.powi(-den2);
    Some(if hi < 0.0 { -lo } else { lo })
}

#[cfg(test)]
mod tests {
    use super::remainder;

    /// Against Python's `decimal` (60 digits): `Decimal(s) - Decimal(float(s))`.
    #[test]
    fn remainders_match_exact_decimal_arithmetic() {
        for (s, want) in [
            ("0.1", -5.551115123125783e-18),
            ("0.044715", 2.1960211427085595e-18),
            ("1.7580993408473766", -2.3742093215696513e-17),
            ("0.7978845608028654", -5.726436165423365e-18),
            ("1e-3", -2.0816681711721686e-20),
            ("123456789012345678901", -5067.0),
            ("2.5", 0.0),
            ("1_0.0", 0.0),
        ] {
            let hi: f64 = s.replace('_', "").parse().unwrap();
            let got = remainder(s, hi);
            assert!(
                (got - want).abs() <= want.abs() * 1e-15,
                "{s}: {got:e}, want {want:e}"
            );
        }
        // A negative literal's remainder has its sign.
        assert_eq!(remainder("0.1", -0.1), 5.551115123125783e-18);
    }

    /// Literals beyond i128 arithmetic get no remainder rather than a wrong one.
    #[test]
    fn out_of_reach_literals_give_zero() {
        assert_eq!(remainder("1e300", 1e300), 0.0);
        assert_eq!(remainder("1e-300", 1e-300), 0.0);
        assert_eq!(
            remainder(
                "0.12345678901234567890123456789012345678901",
                0.123_456_789_012_345_68
            ),
            0.0
        );
    }
}
