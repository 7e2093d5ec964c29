//! The sigmoid family for one `f32` element, as the scalar methods compute it
//! (`Sigmoid.forward(x)` in a loop, `ndarray`'s `mapv`): in `f64`, from `e^-x` by a table of
//! 32 powers of two and a degree-3 polynomial (Tang's method), rounded to `f32` once. The
//! slice kernels ([`super::sigmoid`] and the others) are written for 8 or 16 lanes at once,
//! where a table lookup would be a gather; for a lone element the lookup is one load, and the
//! chain is half as long as the slice kernel's.
//!
//! Accuracy: `e^-x` is within about 6e-10 of its value relative (the polynomial's truncation,
//! `y^4/24` at `|y| <= ln2/64`), and the rest is a few `f64` roundings, so each result is
//! within 0.51 ULP of the exact value, subnormal results included (SiLU's derivative near its
//! root at x = -1.28, where it cancels, within 0.06 eps in absolute terms; checked over every 16th
//! `f32` by `benches/src/bin/exhaustive.rs --scalar`, and on the mpmath grids of
//! `tests/accuracy.rs`). These results may differ from the slice methods' in the last bit.
//! They use no fused multiply-add, so every build gives the same bits.

use core::f64::consts::LN_2;

/// `2^(j/32)` for `j = 0..32`, each rounded to the nearest `f64`: `scripts/exp2_table.py`.
const EXP2_32: [u64; 32] = [
    0x3FF0000000000000,
    0x3FF059B0D3158574,
    0x3FF0B5586CF9890F,
    0x3FF11301D0125B51,
    0x3FF172B83C7D517B,
    0x3FF1D4873168B9AA,
    0x3FF2387A6E756238,
    0x3FF29E9DF51FDEE1,
    0x3FF306FE0A31B715,
    0x3FF371A7373AA9CB,
    0x3FF3DEA64C123422,
    0x3FF44E086061892D,
    0x3FF4BFDAD5362A27,
    0x3FF5342B569D4F82,
    0x3FF5AB07DD485429,
    0x3FF6247EB03A5585,
    0x3FF6A09E667F3BCD,
    0x3FF71F75E8EC5F74,
    0x3FF7A11473EB0187,
    0x3FF82589994CCE13,
    0x3FF8ACE5422AA0DB,
    0x3FF93737B0CDC5E5,
    0x3FF9C49182A3F090,
    0x3FFA5503B23E255D,
    0x3FFAE89F995AD3AD,
    0x3FFB7F76F2FB5E47,
    0x3FFC199BDD85529C,
    0x3FFCB720DCEF9069,
    0x3FFD5818DCFBA487,
    0x3FFDFC97337B9B5F,
    0x3FFEA4AFA2A490DA,
    0x3FFF50765B6E4540,
];

/// 1.5 * 2^52: adding it rounds a value of magnitude below 2^51 to an integer, held in the low
/// mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// `ln 2 / 32`: `2^(r/32) = e^(r C1)`.
const C1: f64 = LN_2 / 32.0;
/// The Taylor coefficients of `e^(r C1)` in `r`: `C1^2 / 2` and `C1^3 / 6`.
const C2: f64 = C1 * C1 / 2.0;
const C3: f64 = C1 * C1 * C1 / 6.0;
/// Beyond this `|x|` every result of the family is 0 or 1 in `f32` (`e^-200` is 1.4e-87), and
/// `e^200` (7.2e86) and its square stay far inside `f64`'s range.
const CLAMP: f32 = 200.0;

/// `e^-x` in `f64` for `x` clamped to `[-200, 200]` (NaN for NaN). `-x 32 / ln 2 = k + r`,
/// `|r| <= 1/2`, then `2^(k/32) = 2^floor(k/32) 2^((k mod 32)/32)` from the table and
/// `2^(r/32)` from the polynomial (in Estrin's form: `1 + C1 r` beside `r^2 (C2 + C3 r)`).
/// No `|x|` and no branch: `f64` holds `e^200`, so the formulas below need no case split, a
/// lone element's dependency chain is short, and a loop of calls may even vectorise.
#[inline(always)]
fn exp_neg(x: f32) -> f64 {
    // Comparisons, not `min`/`max`: NaN is kept (both are false) and flows into `r`.
    let x = if x > CLAMP { CLAMP } else { x };
    let x = if x < -CLAMP { -CLAMP } else { x };
    let z = f64::from(x) * (-32.0 / LN_2);
    let zs = z + SHIFT;
    let r = z - (zs - SHIFT);
    // `k` in two's complement: the low bits of `zs`, less those of `SHIFT`.
    let k = (zs.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let scale = EXP2_32[(k & 31) as usize].wrapping_add(((k >> 5) as u64) << 52);
    let p = (1.0 + C1 * r) + (r * r) * (C2 + C3 * r);
    f64::from_bits(scale) * p
}

/// `(c, 1/c)` for the scaled forms: `(2^32, 2^-32)` where `far`, else `(1, 1)`, built from the
/// bits (a select the compiler would often turn into a branch, which keeps a caller's loop
/// from being vectorised).
#[inline(always)]
fn scale_if(far: bool) -> (f64, f32) {
    let m = u64::from(far).wrapping_neg();
    let c = f64::from_bits(1f64.to_bits() + (m & (32 << 52)));
    let inv = f32::from_bits(1f32.to_bits() - (m as u32 & (32 << 23)));
    (c, inv)
}

/// `sigmoid(x) = 1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    (1.0 / (1.0 + exp_neg(x))) as f32
}

/// `(c sigmoid(x), 1/c)`, `c = 2^32` for `x < -69` as [`super::sigmoid_scaled`] scales.
#[inline(always)]
pub fn sigmoid_scaled(x: f32) -> (f32, f32) {
    let (c, inv) = scale_if(x < -super::SCALE_FROM);
    ((c / (1.0 + exp_neg(x))) as f32, inv)
}

/// `sigmoid'(x) = E / (1 + E)^2`, `E = e^-x`: the square beside `E`, then one division.
#[inline(always)]
pub fn sigmoid_prime(x: f32) -> f32 {
    let e = exp_neg(x);
    let d = 1.0 + e;
    (e / (d * d)) as f32
}

/// `(c sigmoid'(x), 1/c)`, `c = 2^32` for `|x| > 69` as [`super::sigmoid_prime_scaled`]
/// scales.
#[inline(always)]
pub fn sigmoid_prime_scaled(x: f32) -> (f32, f32) {
    let (c, inv) = scale_if(x.abs() > super::SCALE_FROM);
    let e = exp_neg(x);
    let d = 1.0 + e;
    ((e * c / (d * d)) as f32, inv)
}

/// `(sigmoid(x), c sigmoid'(x), 1/c)` with one division, scaled as
/// [`sigmoid_prime_scaled`].
#[inline(always)]
pub fn sigmoid_pair(x: f32) -> (f32, f32, f32) {
    let e = exp_neg(x);
    let (c, inv) = scale_if(x.abs() > super::SCALE_FROM);
    let r = 1.0 / (1.0 + e);
    (r as f32, (e * c * r * r) as f32, inv)
}

/// `x` clamped to `[-200, 200]`, NaN kept: where the sigmoid family's `f32` results have
/// settled (see [`CLAMP`]).
#[inline(always)]
fn clamped(x: f32) -> f32 {
    let x = if x > CLAMP { CLAMP } else { x };
    if x < -CLAMP { -CLAMP } else { x }
}

/// SiLU `x sigmoid(x) = x / (1 + e^-x)`, one `f64` division. Below -200 the numerator is
/// clamped with the exponent (`200 e^-200` is 0 in `f32`, as the exact value is), which also
/// makes `x = -∞` give the limit -0; above 200 it is `x` itself (`+∞` gives `+∞`). No scaling
/// is needed: `f64` holds the subnormal-`f32` tail with room to spare.
#[inline(always)]
pub fn silu(x: f32) -> f32 {
    let num = if x < -CLAMP { -CLAMP } else { x };
    (f64::from(num) / (1.0 + exp_neg(x))) as f32
}

/// SiLU's derivative `sigmoid(x) + x sigmoid'(x) = (1 + E (1 + x)) / (1 + E)^2`, `E = e^-x`,
/// from `x` clamped to `[-200, 200]` (where the `f32` results are 0 and 1, so `x = ∓∞` give
/// the limits). Near its root at `x = -1.2785` the numerator cancels: `E`'s relative error
/// (6e-10) becomes an absolute error of about 3e-11 in the result. Below about -108 the
/// result, negative, underflows to -0, as at `x = -∞`. The slice kernels give +0 at finite
/// `x` there (they add `sigmoid(x)`, rounded to +0, to `x sigmoid'(x)`, rounded to -0) and -0
/// at -∞: the two zeros are equal as numbers. Turning -0 into +0 here (one more addition) cost
/// 5% of a `mapv` loop.
#[inline(always)]
pub fn silu_prime(x: f32) -> f32 {
    let x = clamped(x);
    let e = exp_neg(x);
    let d = 1.0 + e;
    ((1.0 + e * (1.0 + f64::from(x))) / (d * d)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table against a different path to the same powers: `f64::exp2`, correctly rounded
    /// or within half an ulp more.
    #[test]
    fn the_table_holds_the_powers_of_two() {
        for (j, &bits) in EXP2_32.iter().enumerate() {
            let want = (j as f64 / 32.0).exp2();
            let got = f64::from_bits(bits);
            assert!(
                (got - want).abs() <= want * f64::EPSILON,
                "2^({j}/32): {got} vs {want}"
            );
        }
    }

    /// `e^-x` against `f64::exp`, over the reduction's whole range and its edges.
    #[test]
    fn exp_neg_is_within_1e_9_relative() {
        let mut x = -200.0f32;
        while x <= 200.0 {
            let want = (-f64::from(x)).exp();
            let got = exp_neg(x);
            assert!(
                ((got - want) / want).abs() < 1e-9,
                "e^-{x}: {got} vs {want}"
            );
            x += 0.001_37;
        }
        assert_eq!(exp_neg(0.0), 1.0);
        assert_eq!(exp_neg(f32::INFINITY), exp_neg(200.0));
        assert_eq!(exp_neg(f32::NEG_INFINITY), exp_neg(-200.0));
        assert!(exp_neg(f32::NAN).is_nan());
        assert!(exp_neg(-f32::NAN).is_nan());
    }

    /// The scale pair is the slice kernels' (`SCALE`, `UNSCALE`).
    #[test]
    fn the_scale_is_the_slice_kernels() {
        assert_eq!(
            scale_if(true),
            (f64::from(super::super::SCALE), super::super::UNSCALE)
        );
        assert_eq!(scale_if(false), (1.0, 1.0));
    }

    /// Scaled forms: the product with `1/c` is the unscaled value.
    #[test]
    fn scaled_forms_unscale_to_the_value() {
        for x in [-150.0f32, -100.0, -70.0, -69.5, -1.0, 0.0, 3.0, 70.0, 100.0] {
            let (s, inv) = sigmoid_scaled(x);
            let (v, p, pinv) = sigmoid_pair(x);
            let want_s = 1.0 / (1.0 + (-f64::from(x)).exp());
            let want_p = want_s * (1.0 / (1.0 + f64::from(x).exp()));
            for (got, want) in [
                (f64::from(s) * f64::from(inv), want_s),
                (f64::from(v), want_s),
                (f64::from(p) * f64::from(pinv), want_p),
            ] {
                let tol = (want * 1.2e-7).max(f64::from(f32::from_bits(1)));
                assert!((got - want).abs() <= tol, "x = {x}: {got:e} vs {want:e}");
            }
        }
    }

    /// SiLU and its derivative against `f64` formulas with `std`'s `exp` (accurate to a few
    /// `f64` ulp, so that rounding them to `f32` is the correctly rounded value but at near
    /// ties): within one `f32` step, over `[-120, 120]` (the subnormal tail included) and at
    /// the root of the derivative; then the limits at ±∞ and NaN.
    #[test]
    fn silu_and_its_derivative_match_an_f64_formula() {
        let step = |got: f32, want: f64| {
            let w = want as f32;
            got == w
                || got == next_toward(w, f32::INFINITY)
                || got == next_toward(w, f32::NEG_INFINITY)
        };
        let mut x = -120.0f32;
        while x <= 120.0 {
            let xd = f64::from(x);
            let e = (-xd).exp();
            let value = xd / (1.0 + e);
            let deriv = 1.0 / (1.0 + e) + xd * e / ((1.0 + e) * (1.0 + e));
            assert!(
                step(silu(x), value),
                "silu({x}) = {:e}, want {value:e}",
                silu(x)
            );
            assert!(
                step(silu_prime(x), deriv),
                "silu'({x}) = {:e}, want {deriv:e}",
                silu_prime(x)
            );
            x += 0.003_17;
        }
        // The derivative's root (the minimum of SiLU), where its numerator cancels: the
        // result stays within 1e-10 of the f64 formula.
        let root = -1.278_464_5f32;
        let xd = f64::from(root);
        let e = (-xd).exp();
        let deriv = 1.0 / (1.0 + e) + xd * e / ((1.0 + e) * (1.0 + e));
        assert!((f64::from(silu_prime(root)) - deriv).abs() < 1e-10);
        assert_eq!(silu(f32::NEG_INFINITY).to_bits(), (-0.0f32).to_bits());
        assert_eq!(silu(f32::INFINITY), f32::INFINITY);
        assert_eq!(silu(-1e30), 0.0);
        // The underflowed derivative (negative below the root) is -0, the exact value's sign.
        for x in [-109.0f32, -150.0, -1e30, f32::NEG_INFINITY] {
            assert_eq!(silu_prime(x).to_bits(), (-0.0f32).to_bits(), "silu'({x})");
        }
        assert_eq!(silu_prime(f32::INFINITY), 1.0);
        assert!(silu(f32::NAN).is_nan() && silu_prime(f32::NAN).is_nan());
    }

    /// The next `f32` from `x` toward `to`.
    fn next_toward(x: f32, to: f32) -> f32 {
        if x == to {
            return x;
        }
        let b = x.to_bits();
        let up = (to > x) == (x >= 0.0);
        if x == 0.0 {
            return f32::from_bits(1).copysign(to);
        }
        f32::from_bits(if up { b + 1 } else { b - 1 })
    }
}
