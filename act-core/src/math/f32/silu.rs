//! SiLU (Swish) `x sigmoid(x)` and its derivative in `f32`, and the lean scaled sigmoid of
//! GLU's `a sigmoid(b)`.
//!
//! The FMA builds (AVX2, AVX-512) take `E = e^-|x|` from one power of two with no range
//! tests or with one: [`exp_neg_lifted`] builds `2^64 E`, normal for every `|x| <= 112`, so a
//! kernel whose result is a multiple of `E` (SiLU for `x < 0`, its derivative for `x < 0`)
//! carries the factor `2^64` to the end and takes it off in one product (SiLU) or in its
//! quotient by a lifted denominator (the derivative): a subnormal result is rounded there
//! once more (the crate's underflow policy), a normal one is not touched.
//! Clamping `|x|` at 112 costs one `min` where `exp_neg_single` selects its way through the
//! subnormal range (its second power of two, two range tests and three selects), and gives
//! the limits at ±∞ (where the formulas have `∞ · 0`) without a select: at 112, `E` (and
//! `x E`, `x^2 E`) lie below half the smallest subnormal. The portable SiLU and SiLU' keep
//! their earlier forms (the `2^32`-scaled lean sigmoid and `sigmoid_pair`); the lean scaled
//! sigmoid ([`sigmoid_scaled_lean_2_64`], one range test) is the same in both builds.

use super::{
    SCALE_FROM, SHIFT, at_least, at_most, exp_reduce, fm, pow2_from_shifted, sigmoid_pair,
    sigmoid_scaled_lean_2_32,
};

/// `2^64`, the factor [`exp_neg_lifted`] builds into `E`.
const LIFT: f32 = 18_446_744_073_709_551_616.0;
/// `2^-64`.
const UNLIFT: f32 = 1.0 / LIFT;
/// `log2 LIFT`, in the exponent field's units.
const LIFT_EXP: u32 = 64;
/// The clamp on `|x|`: `e^-112 · 112` is below 2^-150, half the smallest subnormal, so SiLU,
/// its derivative and `E` itself round to 0 there (or `x`, or 1); `2^64 e^-112` is normal.
const CLAMP: f32 = 112.0;

/// `2^64 e^-a` for `0 <= a <= 112` (or NaN): `s (1 + p)` with `s = 2^(k + 64)`, `k = round(-a /
/// ln 2) >= -162`, so `s` is normal (no range test, no select).
#[inline(always)]
fn exp_neg_lifted<const FMA: bool>(a: f32) -> f32 {
    let x = -a;
    let (p, _, _) = exp_reduce::<FMA>(x, -0.0);
    // `t = k + SHIFT`: `k` in the low mantissa bits; the exponent offset takes the lift.
    let t = fm::<FMA>(x, core::f32::consts::LOG2_E, SHIFT);
    let s = f32::from_bits(t.to_bits().wrapping_add(127 + LIFT_EXP) << 23);
    fm::<FMA>(p, s, s)
}

/// `min(|x|, 112)` as an integer minimum of the bit patterns (for non-negative floats the
/// order of the bits is the order of the values), 112 for NaN. Written with floats, LLVM turns
/// the clamp into a compare into a mask and a select: 1.9 ns of the vector's dependency chain
/// in the AVX-512 loop, where `and` and `vpminud` take one cycle each. The NaN is not kept:
/// for callers whose result is NaN through another factor (SiLU's `x · ...`).
#[inline(always)]
fn abs_at_most_clamp(x: f32) -> f32 {
    f32::from_bits((x.to_bits() & 0x7fff_ffff).min(CLAMP.to_bits()))
}

/// SiLU (Swish) `x sigmoid(x)` (Elfwing et al. 2018; Ramachandran et al. 2017): `x / (1 + E)`
/// for `x >= 0`, `x E / (1 + E)` for `x < 0`, `E = e^-|x|`. With FMA the second is formed
/// with `2^64 E` and multiplied by `2^-64` last, so that the subnormal tail (`x < -87`) is
/// rounded once more at most; the portable build unscales the factor of the earlier
/// `sigmoid_scaled_lean` (`2^32`) after the product. SiLU(-∞) = -0, SiLU(∞) = ∞, NaN gives NaN.
///
/// Error (FMA): `E`'s (at most half of it for `x >= 0`), `1 + E`'s, the quotient's and the
/// product's roundings: `benches/RESULTS.md` gives the exhaustive figure.
#[inline(always)]
pub fn silu<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        let (s, inv) = sigmoid_scaled_lean_2_32::<FMA>(x);
        let y = (x * s) * inv;
        return if x == f32::NEG_INFINITY { -0.0 } else { y };
    }
    // Below -112 the result rounds to -0 (at -112 already); keeps NaN.
    let x = at_least(x, -CLAMP);
    let el = exp_neg_lifted::<FMA>(abs_at_most_clamp(x));
    let neg = x < 0.0;
    // `1 + E` as `fma(2^64 E, 2^-64, 1)`: the product is exact where `E` is normal, and where
    // it is not, `1 + E` rounds to 1 either way; one operation on the chain instead of two.
    let d = el.mul_add(UNLIFT, 1.0);
    // The quotient first: `x (num / d)` keeps one division (with `(x num) / d`, LLVM divided
    // `x` and `x el` in turn and selected). `2^-64` comes last: taken by `x` first, it would
    // flush `x` below 2^-62 to 0.
    let s = (if neg { el } else { 1.0 }) / d;
    (x * s) * if neg { UNLIFT } else { 1.0 }
}

/// The lift of [`silu_scaled`]'s deep tail, `2^213`, as `log2`: `2^213 e^-a` is normal for
/// every `a <= 200` (`k >= -289`), and `2^-64` times it, `2^149 e^-a`, is `c E` with `c =
/// 2^149`, rounded once where it is subnormal (below -190).
const DEEP_LIFT_EXP: u32 = 213;
/// `2^-149`, the deep tail's `1/c`: the smallest subnormal, exact.
const DEEP_UNLIFT: f32 = f32::from_bits(1);
/// Where [`silu_scaled`]'s deep tail starts: below -131, `2^64 e^x` leaves the normal range.
const DEEP_FROM: f32 = 131.0;
/// [`silu_scaled`]'s clamp on `-x`: `2^149 silu(-200)` times any finite `b` and `2^-149` is
/// below 2^-152, so the product rounds to 0 there as beyond.
const SCALED_CLAMP: f32 = 200.0;

/// `(c silu(x), 1/c)`, for a product with other factors (SwiGLU's `silu(a) b`): `c = 1` for
/// `x >= -69`, `2^64` for `-131 <= x < -69`, `2^149` below (a power of two only in the tail),
/// so that `c silu(x)` is normal down to `x = -190` and `c |silu(x)| < 2^-29` wherever `c !=
/// 1`: the product with any finite factor `b` cannot overflow where the true one does not,
/// and rounds once, where `1/c` is applied, even where `silu(x)` itself is subnormal or 0 and
/// `silu(x) b` is normal (`silu(-150) 1e30 = -1.1e-33`). Below -190 `c silu(x)` is rounded
/// in the subnormal range, an absolute error below `2^-142`, which `|b| 2^-149 <= 2^-21`
/// makes negligible against the result's spacing `2^-149`; below -200 the product rounds to
/// 0 for every finite `b`, and `x` is clamped there (`x = -∞` gives -0 times `b`).
///
/// Both builds: [`silu`]'s FMA form (`E` from one power of two, one division), with the lift
/// chosen per element (`2^64` or `2^213` in the exponent) and `c = 1` taken as `E` itself
/// where `x >= -69`; `c silu(x)` times `1/c` is [`silu`]'s value bit for bit with FMA where
/// the result is normal.
#[inline(always)]
pub fn silu_scaled<const FMA: bool>(x: f32) -> (f32, f32) {
    silu_c::<FMA, true>(x)
}

/// Where [`silu_scaled_near`] gives [`silu_scaled`]'s bits: `x >= -69`, where `c = 1`.
pub const SILU_NEAR_FROM: f32 = -SCALE_FROM;

/// [`silu_scaled`]`(x).0` for `x >= -69` (there `1/c = 1`), without the tail's tests and
/// selects: the same operations with `far` and `deep` false, which they are for such `x`, and
/// without the clamp at -200, which leaves such `x` unchanged. For the gated slice loops'
/// chunks whose gates are all at or above [`SILU_NEAR_FROM`].
#[inline(always)]
pub fn silu_scaled_near<const FMA: bool>(x: f32) -> f32 {
    silu_c::<FMA, false>(x).0
}

/// [`silu_scaled`] with `TAIL`; without, its form for `x >= -69` (see [`silu_scaled_near`]).
/// One body for the two, so that the near form's operations are the scaled kernel's.
#[inline(always)]
fn silu_c<const FMA: bool, const TAIL: bool>(x: f32) -> (f32, f32) {
    // Clamped to [-200, 112] (keeps NaN): the lift below stays in the exponent's range.
    let xc = if TAIL { at_least(x, -SCALED_CLAMP) } else { x };
    let a = at_most(xc, CLAMP).abs();
    let far = TAIL && x < -SCALE_FROM;
    let deep = TAIL && x < -DEEP_FROM;
    let xn = -a;
    let (p, _, _) = exp_reduce::<FMA>(xn, -0.0);
    let t = fm::<FMA>(xn, core::f32::consts::LOG2_E, SHIFT);
    let lift = if deep { DEEP_LIFT_EXP } else { LIFT_EXP };
    let s = f32::from_bits(t.to_bits().wrapping_add(127 + lift) << 23);
    // `2^64 E`, or `2^213 E` deep; `e` is `E` where `a <= 131` (exact there: normal), and
    // `2^149 E <= 2^-40` deep, so that `1 + e` rounds to 1 as `1 + E` does.
    let el = fm::<FMA>(p, s, s);
    let e = el * UNLIFT;
    let num = if far && !deep {
        el
    } else if x < 0.0 {
        e
    } else {
        1.0
    };
    let inv = if deep {
        DEEP_UNLIFT
    } else if far {
        UNLIFT
    } else {
        1.0
    };
    (xc * (num / (1.0 + e)), inv)
}

/// SiLU's derivative `sigmoid(x) + x sigmoid'(x)` as one quotient by `(1 + E)^2`, `E =
/// e^-|x|`: `(1 + E + x E) / (1 + E)^2` for `x >= 0`, `E (1 + E + x) / (1 + E)^2` for `x < 0`
/// (where the terms are `E / (1 + E)` and `x E / (1 + E)^2`). With FMA the numerator is
/// `fma(2^64 E, x, m (1 + E))`, `m = 2^64 E` or `2^64`, the product `m (1 + E)` rounded once
/// in an FMA; the denominator `dd = 2^64 (E (E + 2) + 1)`, one FMA, so that `1 + E` is never
/// rounded on its own (its rounding error, doubled in the square, would cost up to 2 ulp) and
/// the quotient of the two lifted terms is the result, with no product by `2^-64` after it;
/// one division, not corrected for the rounding of `dd` (up to 2^-24 relative just above 1:
/// 3.47 ulp at `x = -6.57` over every input, `benches/RESULTS.md`; corrected, 2.96 at -3.79,
/// for five operations more). The only cancellation is the numerator's `1 + E + x` near the root
/// `x = -1.278`, where the allowance is absolute (`builtins`' module docs). `x` is clamped to
/// `[-112, 112]`: the limits 1 at ∞ and -0 at -∞ come out of the formula. The portable build
/// adds `sigmoid(x)` and `x sigmoid'(x)` from [`sigmoid_pair`] (limits selected).
#[inline(always)]
pub fn silu_prime<const FMA: bool>(x: f32) -> f32 {
    if !FMA {
        let (s, p, inv) = sigmoid_pair::<FMA>(x);
        let y = sum_in_f64(s, x, p, inv);
        let limit = if x > 0.0 { 1.0 } else { -0.0 };
        return if x.abs() == f32::INFINITY { limit } else { y };
    }
    let x = at_least(at_most(x, CLAMP), -CLAMP);
    let el = exp_neg_lifted::<FMA>(x.abs());
    let e = el * UNLIFT;
    let m = if x < 0.0 { el } else { LIFT };
    let n = el.mul_add(x, m.mul_add(e, m));
    let e2 = e + 2.0;
    // The denominator lifted as the numerator is, `2^64 (E (E + 2) + 1)` in one FMA, so that
    // the quotient is the result (rounded once where it is subnormal, with the numerator's
    // sign: `silu'(-∞) = -0`) with no product by `2^-64` after it. Not corrected for the
    // rounding of `dd` (up to 2^-24 relative just above 1): a correction after the division
    // (`q - q ddl / dd`, five operations) brought the worst error from 3.47 to 2.96 ulp, but
    // turns an underflowed quotient's -0 into +0; made to the numerator before it, it is lost
    // in the numerator's own rounding (3.47 either way).
    n / el.mul_add(e2, LIFT)
}

/// `s + x p c` (`c` a power of two) with one rounding: the portable build's silu' as
/// `sigmoid(x) + x sigmoid'(x)` from [`sigmoid_pair`]. The two terms cancel by up to 1.7x for
/// `x < 0` (at `x = -3.86` they are 0.021 and -0.078): in `f32`, the product's and the sum's
/// roundings, magnified there, took the error to 4.16 ulp over every input (`exhaustive`,
/// SwiGLU's pair row); in `f64` the product of two `f32` is exact and the sum rounds at
/// 2^-53, so only the errors of `s` and `p` and the final rounding are left.
#[inline(always)]
fn sum_in_f64(s: f32, x: f32, p: f32, c: f32) -> f32 {
    (s as f64 + (x as f64 * p as f64) * c as f64) as f32
}

/// The clamp on `|x|` of [`silu_pair`]'s derivative: `2^64 e^-131` is normal (`k >= -190` in
/// [`exp_neg_lifted`]), so `2^64 silu'(x)` is too down to -131; below, the derivative is 0.
const PAIR_CLAMP: f32 = 131.0;

/// `(silu(x), c silu'(x), 1/c)` in one go for a formula that takes both as final factors
/// (SwiGLU's partials `silu(a)` and `b silu'(a)`): one power of two and one division for the
/// two. `c = 2^64` for `x < -69` (else 1), so that `c silu'(x)` stays normal down to `x =
/// -131` and a product with a large cofactor keeps its precision (and `c |silu'(x)| < 2^-30`,
/// so that the product by any finite cofactor stays finite); it is `-0` below -131 (the exact
/// `|silu'|` is below `2^-182` there).
///
/// With FMA, `silu(x)` is [`silu`]'s value, bit for bit (`q = m / (1 + E)`, `m = 2^64 E` for `x <
/// -69`, `E` for `-69 <= x < 0` (`2^64 E` scaled exactly), else 1, is `c sigmoid(x)`); `silu'(x) =
/// sigmoid(x) (1 + x sigmoid(-x))` from the same quotient: `sigmoid(-x) = 1 - sigmoid(x)` for `x <
/// 0` (no cancellation: `sigmoid(x) <= 1/2`) and `E sigmoid(x)` for `x >= 0`, so that `f = 1 + x
/// sigmoid(-x)` is `|x| q w + (1 + min(x, 0))`, `w = 2^-64` or `E`, one FMA (`1 + x` is exact for
/// `x <= -1`), and `c silu'(x) = q f`. The only cancellation is in `f` near the root `x = -1.278`
/// (an absolute allowance, as for [`silu_prime`]). The portable build takes [`sigmoid_pair`] (see
/// `silu_pair_from_sigmoid_pair` in `math`).
///
/// Error (FMA): `q` has `E`'s and two roundings (`1 + E`, the quotient), `f` one rounding and
/// `q`'s error damped by `|x sigmoid(x) / f|` (x < 0) or `x sigmoid(-x) / f` (x >= 0), and
/// the product one more; measured in the tests below.
#[inline(always)]
pub(super) fn silu_pair<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    if !FMA {
        let (s, cp, inv) = sigmoid_pair::<FMA>(x);
        let (silu, cd, c) = super::silu_pair_from_sigmoid_pair(x, (s, cp, inv));
        // Unscaled (`c = 1`), the derivative is `sigmoid + x sigmoid'`: summed in `f64`, as
        // `silu_prime` does.
        let cd = if c == 1.0 && x.abs() <= 1e4 {
            sum_in_f64(s, x, cp, inv)
        } else {
            cd
        };
        return (silu, cd, c);
    }
    // The derivative's argument, clamped (keeps NaN); `silu` takes `x` above.
    let xc = at_least(at_most(x, PAIR_CLAMP), -PAIR_CLAMP);
    let a = xc.abs();
    let el = exp_neg_lifted::<FMA>(a);
    let e = el * UNLIFT;
    let neg = xc < 0.0;
    let far = xc < -SCALE_FROM;
    let q = (if far {
        el
    } else if neg {
        e
    } else {
        1.0
    }) / (1.0 + e);
    let inv = if far { UNLIFT } else { 1.0 };
    // `silu`: below -112 it rounds to -0, as `silu`'s clamp gives it.
    let silu = (at_least(x, -PAIR_CLAMP) * q) * inv;
    // `f = 1 + x sigmoid(-x)`: `|x| sigmoid(x) + (1 + x)` for `x < 0`, `x E sigmoid(x) + 1`
    // for `x >= 0`.
    let w = if neg { inv } else { e };
    let f = a.mul_add(q * w, 1.0 + if neg { xc } else { 0.0 });
    let cp = q * f;
    (silu, if x < -PAIR_CLAMP { -0.0 } else { cp }, inv)
}

/// `sigmoid_scaled_lean` (both builds), `(c sigmoid(x), 1/c)` with `c = 2^64` where
/// `x < -69` (else 1), for a product such as GLU's `a sigmoid(b)`: `c E` comes from one power
/// of two `2^(k + log2 c)` and is 0 where that is not normal (`c E` below 2^-126: `x < -131`,
/// or `x > 87`, where `E` is negligible against 1), one range test where `exp_neg_single`
/// has two and a second power of two for the subnormal range. Scaled, `c E <= 2^64 e^-69 <
/// 2^-35`: `1 + c E` rounds to 1 as `1 + E` does, and a product by any finite `a` stays
/// finite.
#[inline(always)]
pub(super) fn sigmoid_scaled_lean_2_64<const FMA: bool>(x: f32) -> (f32, f32) {
    sigmoid_lean_c::<FMA, true>(x)
}

/// [`sigmoid_scaled_lean_2_64`]`(x).0` for `x >= -69` (there `c = 1`): the same operations
/// with `far` false, which it is for such `x`, so the same bits; no range test, no select of
/// the lift or of `1/c`.
#[inline(always)]
pub(super) fn sigmoid_scaled_lean_near<const FMA: bool>(x: f32) -> f32 {
    sigmoid_lean_c::<FMA, false>(x).0
}

/// [`sigmoid_scaled_lean_2_64`] with `TAIL`; without, its form for `x >= -69`. One body for
/// the two, so that the near form's operations are the scaled kernel's.
#[inline(always)]
fn sigmoid_lean_c<const FMA: bool, const TAIL: bool>(x: f32) -> (f32, f32) {
    let far = TAIL && x < -SCALE_FROM;
    let xn = -x.abs();
    let (p, _, _) = exp_reduce::<FMA>(xn, -0.0);
    let t = fm::<FMA>(xn, core::f32::consts::LOG2_E, SHIFT);
    // `tc = k + log2 c + SHIFT`, exact.
    let tc = t + if far { LIFT_EXP as f32 } else { -0.0 };
    let s = pow2_from_shifted(tc);
    let e = fm::<FMA>(p, s, s);
    let e = if tc < SHIFT - 126.0 { 0.0 } else { e };
    let num = if x < 0.0 { e } else { 1.0 };
    (num / (1.0 + e), if far { UNLIFT } else { 1.0 })
}

/// `(sigmoid(x), c sigmoid'(x), 1/c)` for a formula that takes both as final factors (GLU's
/// partials `sigmoid(b)` and `a sigmoid'(b)`, where no sum follows that could cancel), both
/// builds: one power of two and one division for the two. With `E = e^-|x|`, `t = c E / (1 +
/// E)` is `c sigmoid(-|x|)` (the division), `u = 1 - t / c` is `sigmoid(|x|)` (no
/// cancellation: `t / c <= 1/2`), `sigmoid(x)` is `t / c` for `x < 0`, else `u`, and `c
/// sigmoid'(x) = t (1 - t / c)`. `c = 2^64` where `|x| > 69` (else 1), from the exponent as in
/// [`sigmoid_scaled_lean_2_64`]: `c E` is normal down to `E = 2^-190` (`|x| <= 131.7`) and 0
/// below, where the product by any finite `a` is below `2^-62`.
///
/// Error: `t` has `E`'s (under 1 ulp) and two roundings (`1 + E`, the quotient); `u` `t`'s
/// error times `t / (1 - t) <= 1` and its own rounding; `c sigmoid'` is `t (1 - t/c)` rounded
/// once with FMA, with `t`'s relative error times `(1 - 2t) / (1 - t) <= 1`, which a
/// result at the top of its binade reads as up to twice the ulps. Measured (every 61st `f32`
/// of `[-131, 131]`, `tests` below): 2.33 ulp for `sigmoid`, 2.92 for `c sigmoid'` (2.96
/// portable; at `x = ±4.13`, where `t` is 1.26 ulp off).
#[inline(always)]
pub(super) fn sigmoid_pair_lean<const FMA: bool>(x: f32) -> (f32, f32, f32) {
    let a = x.abs();
    let far = a > SCALE_FROM;
    let xn = -a;
    let (p, _, _) = exp_reduce::<FMA>(xn, -0.0);
    let t = fm::<FMA>(xn, core::f32::consts::LOG2_E, SHIFT);
    // `tc = k + log2 c + SHIFT`, exact.
    let tc = t + if far { LIFT_EXP as f32 } else { -0.0 };
    let s = pow2_from_shifted(tc);
    let ce = fm::<FMA>(p, s, s);
    // Below the normal range (and at `|x| = ∞`, where `p` is NaN): 0.
    let ce = if tc < SHIFT - 126.0 { 0.0 } else { ce };
    let inv = if far { UNLIFT } else { 1.0 };
    // Scaled, `c E <= 2^64 e^-69 < 2^-35`: `1 + c E` rounds to 1 as `1 + E` does. (Corrected
    // for the rounding of `1 + E`, five operations more, `sigmoid`'s worst error falls from
    // 2.33 to 1.91 ulp, `sigmoid'`'s stays.)
    let t = ce / (1.0 + ce);
    let small = t * inv;
    let u = 1.0 - small;
    let sigmoid = if x < 0.0 { small } else { u };
    // `c sigmoid'(x) = t (1 - t / c)`, rounded once.
    (sigmoid, fm::<FMA>(-t, small, t), inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `got` against `want` in `f32` ULPs at `want` (the subnormal spacing below the normal
    /// range).
    fn ulps(got: f32, want: f64) -> f64 {
        let a = want.abs().max(f64::from(f32::MIN_POSITIVE));
        let ulp = 2f64.powi(a.log2().floor() as i32 - 23);
        (f64::from(got) - want).abs() / ulp
    }

    /// `(sigmoid(x), sigmoid(-x))` in `f64`, each from `exp` of a non-positive argument.
    fn sigmoids(x: f64) -> (f64, f64) {
        let e = (-x.abs()).exp();
        let (big, small) = (1.0 / (1.0 + e), e / (1.0 + e));
        if x >= 0.0 { (big, small) } else { (small, big) }
    }

    /// Every 61st `f32` in `[-120, 120]` (subnormal tails included), in both builds, against
    /// `f64` formulas: SiLU and its derivative within 3.5 ULP with FMA (the exhaustive run's
    /// bound for a cheaper kernel), 4 in the portable build, away from the derivative's root
    /// zone `[-2.8, -0.5]`, where its error is held to 8 eps absolute. (The FMA forms run on
    /// `mul_add`, fused in any build.)
    #[test]
    fn silu_and_its_derivative_within_3_5_ulp_of_f64() {
        fn run<const FMA: bool>() {
            let (mut worst_v, mut worst_d, mut worst_root) = (0.0f64, 0.0f64, 0.0f64);
            for sign in [0u32, 0x8000_0000] {
                let mut bits = 0u32;
                while bits <= 120f32.to_bits() {
                    let x = f32::from_bits(bits | sign);
                    let xd = f64::from(x);
                    let (s, sm) = sigmoids(xd);
                    worst_v = worst_v.max(ulps(silu::<FMA>(x), xd * s));
                    let d = s + xd * s * sm;
                    let got = silu_prime::<FMA>(x);
                    if (-2.8..=-0.5).contains(&xd) {
                        worst_root = worst_root.max((f64::from(got) - d).abs() / 1.19e-7);
                    } else {
                        worst_d = worst_d.max(ulps(got, d));
                    }
                    bits += 61;
                }
            }
            // The worst points of the exhaustive runs: -0.2356 (3.59 ulp where the correction
            // of `dd`'s rounding lacked `1 / dd`), -3.79 and -7.40 (2.96, 2.98).
            for x in [-0.235_647_04f32, -3.790_166_4, -7.400_682] {
                let xd = f64::from(x);
                let (s, sm) = sigmoids(xd);
                worst_d = worst_d.max(ulps(silu_prime::<FMA>(x), s + xd * s * sm));
            }
            // The portable derivative (unchanged, `sigmoid_pair`'s terms) is within 4 ULP
            // (3.79 in the exhaustive run).
            let bound = if FMA { 3.5 } else { 4.0 };
            assert!(worst_v <= bound, "FMA {FMA}: silu {worst_v} ulp");
            assert!(worst_d <= bound, "FMA {FMA}: silu' {worst_d} ulp");
            assert!(
                worst_root <= 8.0,
                "FMA {FMA}: silu' {worst_root} eps in the root zone"
            );
        }
        run::<true>();
        run::<false>();
    }

    /// The limits and special values, both builds: the FMA forms reach them through the clamp
    /// at 112, with no select.
    #[test]
    fn silu_limits_and_special_values() {
        fn run<const FMA: bool>() {
            let neg_zero = (-0.0f32).to_bits();
            for x in [-112.0f32, -130.0, -1e30, f32::MIN, f32::NEG_INFINITY] {
                assert_eq!(silu::<FMA>(x).to_bits(), neg_zero, "silu({x})");
                // Negative below the root: the underflowed derivative is -0 with FMA (its
                // one quotient keeps the sign); the portable sum `sigmoid + x sigmoid'` gives
                // `0 + -0 = 0` where both terms underflow, except at -∞ (selected).
                let d = silu_prime::<FMA>(x);
                if FMA || x == f32::NEG_INFINITY {
                    assert_eq!(d.to_bits(), neg_zero, "silu'({x})");
                } else {
                    assert_eq!(d, 0.0, "silu'({x})");
                }
            }
            for x in [113.0f32, 1e30, f32::MAX, f32::INFINITY] {
                assert_eq!(silu::<FMA>(x), x);
                assert_eq!(silu_prime::<FMA>(x), 1.0);
            }
            assert_eq!(silu::<FMA>(0.0), 0.0);
            assert_eq!(silu::<FMA>(-0.0).to_bits(), neg_zero);
            assert_eq!(silu_prime::<FMA>(0.0), 0.5);
            assert_eq!(silu_prime::<FMA>(-0.0), 0.5);
            assert!(silu::<FMA>(f32::NAN).is_nan() && silu_prime::<FMA>(f32::NAN).is_nan());
            // The subnormal tail: at -100 about 2650 times 2^-149, at -108 0.96 times (the
            // last results that round to -2^-149 lie near -108.6).
            for x in [-100.0f32, -105.5, -108.0] {
                let xd = f64::from(x);
                let (s, sm) = sigmoids(xd);
                assert!(ulps(silu::<FMA>(x), xd * s) <= 1.0, "silu({x})");
                assert!(
                    ulps(silu_prime::<FMA>(x), s + xd * s * sm) <= 1.0,
                    "silu'({x})"
                );
            }
        }
        run::<true>();
        run::<false>();
    }

    /// SwiGLU's pair, both builds, every 61st `f32` of `[-131, 131]` against `f64`: `silu`
    /// bit for bit [`silu`]'s with FMA (within 4 ULP portable), `c silu'` within 3.5 ULP (4
    /// portable) away from the root zone `[-2.8, -0.5]`, 8 eps absolute there, and normal
    /// down to -131 (scaled where `x < -69`; portable: -109); the limits and a zero below -131.
    #[test]
    fn silu_pair_within_its_bounds_in_both_tails() {
        fn run<const FMA: bool>() -> (f64, f64) {
            let (mut worst_v, mut worst_d, mut worst_root) = (0.0f64, 0.0f64, 0.0f64);
            for sign in [0u32, 0x8000_0000] {
                let mut bits = 0u32;
                while bits <= 131f32.to_bits() {
                    let x = f32::from_bits(bits | sign);
                    let xd = f64::from(x);
                    let (s, sm) = sigmoids(xd);
                    let (v, cd, inv) = silu_pair::<FMA>(x);
                    if FMA {
                        assert_eq!(v.to_bits(), silu::<FMA>(x).to_bits(), "silu({x})");
                    }
                    worst_v = worst_v.max(ulps(v, xd * s));
                    assert_eq!(inv == 1.0, x >= -SCALE_FROM, "{x}");
                    let d = (s + xd * s * sm) / f64::from(inv);
                    if (-2.8..=-0.5).contains(&xd) {
                        worst_root = worst_root.max((f64::from(cd) - d).abs() / 1.19e-7);
                    } else {
                        // Portable: `sigmoid_pair`'s `2^32` keeps it normal down to -109;
                        // below, `c sigmoid'` is rounded in the subnormal range before the
                        // product by `1 + x` (as the Gated trait documents).
                        if FMA || x >= -109.0 {
                            assert!(cd.abs() >= f32::MIN_POSITIVE, "{x}: {cd:e}");
                            worst_d = worst_d.max(ulps(cd, d));
                        }
                    }
                    bits += 61;
                }
            }
            let bound = if FMA { 3.5 } else { 4.0 };
            assert!(worst_v <= bound, "FMA {FMA}: silu {worst_v} ulp");
            assert!(worst_d <= bound, "FMA {FMA}: c silu' {worst_d} ulp");
            assert!(
                worst_root <= 8.0,
                "FMA {FMA}: {worst_root} eps in the root zone"
            );
            let neg_zero = (-0.0f32).to_bits();
            for x in [-132.0f32, -1e30, f32::NEG_INFINITY] {
                let (v, cd, _) = silu_pair::<FMA>(x);
                assert_eq!((v.to_bits(), cd.to_bits()), (neg_zero, neg_zero), "{x}");
            }
            for x in [113.0f32, 1e30, f32::MAX, f32::INFINITY] {
                assert_eq!(silu_pair::<FMA>(x), (x, 1.0, 1.0), "{x}");
            }
            assert_eq!(silu_pair::<FMA>(0.0), (0.0, 0.5, 1.0));
            let (v, cd, _) = silu_pair::<FMA>(f32::NAN);
            assert!(v.is_nan() && cd.is_nan());
            (worst_v, worst_d)
        }
        let fma = run::<true>();
        let portable = run::<false>();
        println!("silu pair (silu, c silu') ulp: FMA {fma:?}, portable {portable:?}");
    }

    /// The scaled SiLU (SwiGLU's forward pass), both builds, every 251st `f32` of `[-200,
    /// 200]`: `c silu(x)` against `c` times the `f64` value within 3.5 ULP (4 portable) down
    /// to -190, where it is normal, and `c |silu(x)| < 2^-29` wherever `c != 1`, with `c` 1,
    /// `2^64` or `2^149` as documented; with FMA, unscaled, [`silu`]'s value bit for bit where
    /// that is normal (above -87). The limits: `x` itself above 112, -0 times `2^-149` at -∞.
    #[test]
    fn silu_scaled_keeps_the_tail_normal_and_silus_bits() {
        fn run<const FMA: bool>() -> f64 {
            let mut worst = 0.0f64;
            for sign in [0u32, 0x8000_0000] {
                let mut bits = 0u32;
                while bits <= 200f32.to_bits() {
                    let x = f32::from_bits(bits | sign);
                    let xd = f64::from(x);
                    let (cv, inv) = silu_scaled::<FMA>(x);
                    let c = if x < -DEEP_FROM {
                        2f64.powi(149)
                    } else if x < -SCALE_FROM {
                        2f64.powi(64)
                    } else {
                        1.0
                    };
                    assert_eq!(f64::from(inv), 1.0 / c, "{x}");
                    if c > 1.0 {
                        assert!(cv.abs() < 2f32.powi(-29), "{x}: {cv:e}");
                    }
                    if xd >= -190.0 {
                        let want = c * xd * sigmoids(xd).0;
                        if c > 1.0 {
                            assert!(cv.abs() >= f32::MIN_POSITIVE, "{x}: {cv:e}");
                        }
                        worst = worst.max(ulps(cv, want));
                    }
                    if FMA && xd >= -87.0 {
                        assert_eq!((cv * inv).to_bits(), silu::<FMA>(x).to_bits(), "{x}");
                    }
                    bits += 251;
                }
            }
            let bound = if FMA { 3.5 } else { 4.0 };
            assert!(worst <= bound, "FMA {FMA}: c silu {worst} ulp");
            for x in [113.0f32, 1e30, f32::MAX, f32::INFINITY] {
                assert_eq!(silu_scaled::<FMA>(x), (x, 1.0), "{x}");
            }
            let (v, inv) = silu_scaled::<FMA>(f32::NEG_INFINITY);
            assert_eq!(inv, DEEP_UNLIFT);
            assert!(v <= 0.0 && v * f32::MAX * inv == 0.0, "{v:e}");
            assert_eq!(silu_scaled::<FMA>(0.0), (0.0, 1.0));
            assert!(silu_scaled::<FMA>(f32::NAN).0.is_nan());
            worst
        }
        let fma = run::<true>();
        let portable = run::<false>();
        println!("silu_scaled (c silu) ulp: FMA {fma}, portable {portable}");
    }

    /// The lean pair (GLU's partials), both builds: `sigmoid(x)` and `c sigmoid'(x)` against
    /// `f64` on every 61st `f32` of `[-131, 131]` (both tails; `c sigmoid'` normal throughout),
    /// within the bounds its docs give; `c sigmoid'` is 0 beyond 131.7, `sigmoid` keeps its
    /// subnormal tail (rounded once) and its limits.
    #[test]
    fn lean_pair_within_its_bounds_in_both_tails() {
        fn run<const FMA: bool>() -> (f64, f64) {
            let (mut worst_s, mut worst_p) = (0.0f64, 0.0f64);
            for sign in [0u32, 0x8000_0000] {
                let mut bits = 0u32;
                while bits <= 131f32.to_bits() {
                    let x = f32::from_bits(bits | sign);
                    let (s, sm) = sigmoids(f64::from(x));
                    let (got_s, cp, inv) = sigmoid_pair_lean::<FMA>(x);
                    assert!(cp >= f32::MIN_POSITIVE, "FMA {FMA}, x = {x}: {cp:e}");
                    worst_s = worst_s.max(ulps(got_s, s));
                    let ep = ulps(cp, s * sm / f64::from(inv));
                    worst_p = worst_p.max(ep);
                    bits += 61;
                }
            }
            assert!(worst_s <= 2.5, "FMA {FMA}: sigmoid {worst_s} ulp");
            assert!(worst_p <= 3.0, "FMA {FMA}: c sigmoid' {worst_p} ulp");
            for x in [-133.0f32, 133.0, -1e30, f32::INFINITY, f32::NEG_INFINITY] {
                assert_eq!(sigmoid_pair_lean::<FMA>(x).1, 0.0, "{x}");
            }
            assert_eq!(sigmoid_pair_lean::<FMA>(f32::INFINITY).0, 1.0);
            assert_eq!(sigmoid_pair_lean::<FMA>(f32::NEG_INFINITY).0, 0.0);
            assert_eq!(sigmoid_pair_lean::<FMA>(0.0), (0.5, 0.25, 1.0));
            assert_eq!(sigmoid_pair_lean::<FMA>(-60.0).2, 1.0);
            assert_eq!(sigmoid_pair_lean::<FMA>(70.0).2, UNLIFT);
            // The subnormal sigmoid, rounded once from the scaled quotient.
            for x in [-90.0f32, -100.0, -103.0] {
                let s = sigmoids(f64::from(x)).0;
                assert!(ulps(sigmoid_pair_lean::<FMA>(x).0, s) <= 1.0, "{x}");
            }
            assert!(sigmoid_pair_lean::<FMA>(f32::NAN).0.is_nan());
            assert!(sigmoid_pair_lean::<FMA>(f32::NAN).1.is_nan());
            (worst_s, worst_p)
        }
        let fma = run::<true>();
        let portable = run::<false>();
        println!("lean pair (sigmoid, c sigmoid') ulp: FMA {fma:?}, portable {portable:?}");
    }

    /// The lean scaled sigmoid, both builds: `c sigmoid(x)` normal down to `x = -131` (a
    /// product with a large cofactor, GLU's `a sigmoid(b)`, then keeps its precision), 0
    /// from about -131.7 (`k + 64 < -126`); within 2 ULP of the `f64` value on a grid.
    #[test]
    fn lean_scaled_sigmoid_keeps_the_far_tail_normal() {
        fn run<const FMA: bool>() {
            let lean = sigmoid_scaled_lean_2_64::<FMA>;
            let mut x = -131.0f32;
            while x <= 20.0 {
                let (cs, inv) = lean(x);
                let want = sigmoids(f64::from(x)).0;
                assert!(cs >= f32::MIN_POSITIVE, "x = {x}: {cs:e} is not normal");
                let err = ulps(cs, want / f64::from(inv));
                assert!(err <= 2.0, "FMA {FMA}, x = {x}: {err} ulp");
                x += 0.0137;
            }
            assert_eq!(lean(-133.0).0, 0.0);
            assert_eq!(lean(f32::NEG_INFINITY).0, 0.0);
            assert_eq!(lean(f32::INFINITY), (1.0, 1.0));
            assert_eq!(lean(-60.0).1, 1.0);
            assert_eq!(lean(-70.0).1, UNLIFT);
            assert!(lean(f32::NAN).0.is_nan());
        }
        run::<true>();
        run::<false>();
    }
}
