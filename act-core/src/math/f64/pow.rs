//! `f64` integer and real powers, carried in double-double where the exponent magnifies
//! the error (see the [module overview](crate::math)).

use super::*;

/// `(2 atanh(s) / s - 2 - (2/3) s^2) / s^4` in `z = s^2`, relative error 6.5e-17: the tail of
/// `ln` for `powf`, which needs `ln x` to about 2^-66 because `y` multiplies its error.
const LN_T: [f64; 8] = [
    0.4,
    0.285_714_285_714_293_64,
    0.222_222_222_216_562_32,
    0.181_818_183_353_144_04,
    0.153_845_949_708_954_57,
    0.133_348_042_382_253_45,
    0.117_062_485_409_223_86,
    0.117_230_510_280_977_53,
];

/// Double-double product, normalised; past overflow the low part (NaN from inf - inf) is 0.
#[inline(always)]
fn dd_mul<const FMA: bool>(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (ph, pl) = two_prod::<FMA>(ah, bh);
    let pl = pl + (ah * bl + al * bh);
    let h = ph + pl;
    if h.is_finite() {
        (h, (ph - h) + pl)
    } else {
        (ph, 0.0)
    }
}

/// `x^n` by binary powering; the exponent is not data, so the loop over its bits is fine.
/// Beyond `|n| = 3` the product is carried as a double-double so that the error stays near
/// one rounding whatever `n`.
#[inline(always)]
pub fn powi(x: f64, n: i32) -> f64 {
    let m = n.unsigned_abs();
    let y = match m {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        _ => dd_powi(x, 0.0, m),
    };
    if n >= 0 {
        return y;
    }
    if y.is_finite() || !x.is_finite() {
        return 1.0 / y;
    }
    // x^m overflowed while x^-m may still be subnormal (x^-2 down to x = 2^537): (1/x)^m with
    // 1/x in two parts, rounded once at the end, instead of 1/∞ = 0.
    let q = 1.0 / x;
    let (ph, pl) = two_prod::<false>(q, x);
    let ql = ((1.0 - ph) - pl) * q;
    dd_powi(q, ql, m)
}

/// `(bh + bl)^m` by binary powering in double-double, rounded once.
#[inline(always)]
fn dd_powi(mut bh: f64, mut bl: f64, m: u32) -> f64 {
    let (mut rh, mut rl) = (1.0, 0.0);
    let mut e = m;
    loop {
        if e & 1 == 1 {
            (rh, rl) = dd_mul::<false>(rh, rl, bh, bl);
        }
        e >>= 1;
        if e == 0 {
            break;
        }
        (bh, bl) = dd_mul::<false>(bh, bl, bh, bl);
    }
    rh + rl
}

/// `ln|x|` as a double-double `(hi, lo)` good to about 2^-66 relative, for `x` finite, not 0.
#[inline(always)]
fn ln_dd<const FMA: bool>(x: f64) -> (f64, f64) {
    let x = x.abs();
    let tiny = x < f64::MIN_POSITIVE;
    let x = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    };
    let bits = x.to_bits();
    let u = bits.wrapping_add(0x3FF0_0000_0000_0000 - 0x3FE6_A09E_667F_3BCD);
    let eb = u >> 52;
    let m = f64::from_bits(bits.wrapping_sub(eb.wrapping_sub(1023) << 52));
    let e = f64::from_bits(0x4330_0000_0000_0000 | eb) - (4_503_599_627_370_496.0 + 1023.0)
        + if tiny { -54.0 } else { 0.0 };
    // s = f / (2 + f) as sh + sl.
    let f = m - 1.0;
    let v = 2.0 + f;
    let vl = (2.0 - v) + f;
    let sh = f / v;
    let (ph, pl) = two_prod::<FMA>(sh, v);
    let sl = (((f - ph) - pl) - sh * vl) / v;
    // ln m = 2s + (2/3) s^3 + s^5 P(s^2): the first two terms in double-double, the rest is
    // below 2^-12 of the total and needs no care.
    let (zh, zl) = two_prod::<FMA>(sh, sh);
    let (ch, cl) = two_prod::<FMA>(sh, zh);
    let cl = cl + sh * zl + 3.0 * zh * sl;
    const TWO_THIRDS_HI: f64 = 0.666_666_666_666_666_6;
    const TWO_THIRDS_LO: f64 = 3.700_743_415_417_188e-17;
    let (th, tl) = two_prod::<FMA>(TWO_THIRDS_HI, ch);
    let tl = tl + TWO_THIRDS_HI * cl + TWO_THIRDS_LO * ch;
    let rest = ch * zh * poly::<FMA, _>(zh, &LN_T);
    // Sum e ln2 + 2s + (2/3)s^3 + rest, largest first.
    let a = e * LN2_HI;
    let b = 2.0 * sh;
    let hi1 = a + b;
    let lo1 = if a.abs() >= b.abs() {
        (a - hi1) + b
    } else {
        (b - hi1) + a
    };
    let hi2 = hi1 + th;
    let lo2 = (hi1 - hi2) + th;
    let lo = lo1 + lo2 + (tl + 2.0 * sl + rest + e * LN2_LO);
    let hi = hi2 + lo;
    (hi, (hi2 - hi) + lo)
}

/// `x^y` (IEEE 754 `pow` special cases).
#[inline(always)]
pub fn powf<const FMA: bool>(x: f64, y: f64) -> f64 {
    let (lh, ll) = ln_dd::<FMA>(x);
    let (ph, pl) = two_prod::<FMA>(y, lh);
    let pl = pl + y * ll;
    // Out of range (or infinite: 0^y, inf^y, x^inf): e^(+-1000) over/underflows correctly and
    // the low part, possibly NaN from inf - inf, is dropped.
    let big = ph.is_nan() || ph.abs() > 1000.0;
    let ph = at_least(at_most(ph, 1000.0), -1000.0);
    let pl = if big { 0.0 } else { pl };
    let (p, s1, s2) = exp_reduce::<FMA>(ph, pl);
    let mag = (1.0 + p) * s1 * s2;
    // ln|x| = +-inf for x = 0 or inf: then x^y is inf or 0 by the sign of y ln|x|.
    let inf_ln = x == 0.0 || x.is_infinite();
    let lnx = if x == 0.0 {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let mag = if inf_ln {
        exp::<FMA>(at_least(at_most(y * lnx, 1000.0), -1000.0))
    } else {
        mag
    };
    pow_finish(x, y, mag)
}
