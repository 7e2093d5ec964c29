//! The numeric interpreter, in `f64`, with the same semantics as the generated code.

use crate::dd::Dd;
use crate::graph::{Func, Graph, Id, Named, Node, Reduce};
use crate::shape;

/// `σ(x) = 1 / (1 + e^-x)` without overflow.
pub fn sigmoid(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// `σ'(x) = e / (1 + e)^2`, `e = exp(-|x|)`.
pub fn sigmoid_prime(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}

/// `tanh'(x) = 4e / (1 + e)^2`, `e = exp(-2|x|)`.
pub fn tanh_prime(x: f64) -> f64 {
    let e = (-2.0 * x.abs()).exp();
    4.0 * e / ((1.0 + e) * (1.0 + e))
}

/// Mish `x tanh(softplus(x))`, with its limit -0 at `x = -∞` (where the product is `-∞ · 0`);
/// below -700, where `softplus(x)` leaves the normal range, its leading term `x e^x` (two
/// half-exponentials, no early underflow).
pub fn mish(x: f64) -> f64 {
    if x == f64::NEG_INFINITY {
        return -0.0;
    }
    if x < -700.0 {
        let h = (0.5 * x).exp();
        return (x * h) * h;
    }
    x * softplus(x).tanh()
}

/// Mish's derivative `tanh(s) + x tanh'(s) σ(x)`, `s = softplus(x)`; below -700, where `s`
/// and `σ(x)` leave the normal range, its leading term `(x + 1) e^x` (two half-exponentials,
/// no early underflow).
pub fn mish_prime(x: f64) -> f64 {
    if x < -700.0 {
        let h = (0.5 * x).exp();
        return (x + 1.0) * h * h;
    }
    let s = softplus(x);
    s.tanh() + x * tanh_prime(s) * sigmoid(x)
}

/// `-1/sqrt 2 = h + l` to double-double precision (mpmath).
const M_FRAC_1_SQRT_2: (f64, f64) = (-core::f64::consts::FRAC_1_SQRT_2, 4.833_646_656_726_457e-17);

/// `1 / sqrt(2 pi)` (mpmath).
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// `x (h + l)` as `a + al` (exact up to `x l`; `al` 0 where the product overflows).
fn mul_dd(x: f64, (h, l): (f64, f64)) -> (f64, f64) {
    let p = x * h;
    let c = x.mul_add(h, -p) + x * l;
    if !c.is_finite() {
        return (p, 0.0);
    }
    let a = p + c;
    (a, (p - a) + c)
}

/// `x^2 = s + sl` exactly (`sl` 0 where the square overflows).
fn square(x: f64) -> (f64, f64) {
    let s = x * x;
    let sl = x.mul_add(x, -s);
    (s, if sl.is_finite() { sl } else { 0.0 })
}

/// 2^64, the tail scale ([`TAIL_UNSCALE`]'s inverse).
const TAIL_SCALE: f64 = 18_446_744_073_709_551_616.0;

/// `scale erfc(a + al)`, `|al|` tiny against `a`, `scale` 1 or 2^64 (for a tail whose
/// unscaled value would be subnormal). The low part `al` is what the rounding of a product
/// `x c` leaves out: `erfc` multiplies the argument's relative error by about `2 a^2` in the
/// tail, so it enters as `erfc(a) - al 2 e^(-a^2) / sqrt(pi)` (the generated code's
/// `__erfc_mul`). From `a = 25` on, the asymptotic series
/// `erfc(a) = e^(-a^2) / (a sqrt pi) sum_k (-1)^k (2k-1)!! / (2a^2)^k` (Abramowitz and Stegun
/// 7.1.23; ten terms, the first omitted one below 1e-20), with `a^2` split exactly and
/// `e^(-a^2)` scaled when asked.
fn erfc_lo(a: f64, al: f64, scale: f64) -> f64 {
    if a.is_nan() {
        return a;
    }
    if a > 40.0 {
        // erfc(40) is below 2^-2300: 0 even scaled.
        return 0.0;
    }
    if a < 25.0 {
        let e = libm::erfc(a);
        if al == 0.0 {
            return e * scale;
        }
        let d = std::f64::consts::FRAC_2_SQRT_PI * (-a * a).exp() * al;
        return (e - d) * scale;
    }
    let (s, sl) = square(a);
    let sl = (2.0 * a).mul_add(al, sl);
    let e = if scale == 1.0 {
        (-s).exp()
    } else {
        scaled_exp(-s)
    };
    let t = 1.0 / (2.0 * s);
    // sum_k (-1)^k (2k-1)!! t^k, Horner from the tenth term.
    let mut series = 0.0;
    for k in (1..=10).rev() {
        series = 1.0 - f64::from(2 * k - 1) * t * series;
    }
    e * (1.0 - sl) * series * (0.5 * std::f64::consts::FRAC_2_SQRT_PI) / a
}

/// GELU, `x Φ(x) = x erfc(-x / sqrt 2) / 2`, with `-x / sqrt 2` carried in two parts into
/// `erfc` (see `erfc_lo`) and the left tail (`x < -36`) scaled, as the generated code's
/// kernel: within a few ULP where the rounded argument cost up to 400 ULP at `x = -37`.
pub fn gelu(x: f64) -> f64 {
    let (a, al) = mul_dd(x, M_FRAC_1_SQRT_2);
    if x < -36.0 {
        return 0.5 * x * erfc_lo(a, al, TAIL_SCALE) * TAIL_UNSCALE;
    }
    0.5 * x * erfc_lo(a, al, 1.0)
}

/// GELU's left tail as `(c, t)` with `gelu(u) = c e^t` (the interpreter's scaled tails; see
/// [`crate::functions`]): below `u = -35`, `gelu(u) = u Φ(u) = -φ(u) S(u)` with Mills' ratio
/// series `S = sum_k (-1)^k (2k-1)!! / u^(2k)` (Abramowitz and Stegun 26.2.12; ten terms, the
/// first omitted one below 1e-20), `t = -fl(u^2) / 2` and the square's rounding error taken
/// into `c`, so that `c e^t` holds `gelu(u)` to a few ulp where `e^t` is scaled. Elsewhere
/// `(gelu(u), 0)`.
pub fn gelu_tail(u: f64) -> (f64, f64) {
    if u.is_nan() || u >= -35.0 {
        return (gelu(u), 0.0);
    }
    let s = u * u;
    let sl = u.mul_add(u, -s);
    let r = 1.0 / s;
    let mut series = 0.0;
    for k in (1..=10).rev() {
        series = 1.0 - f64::from(2 * k - 1) * r * series;
    }
    // `e^(-u^2/2) = e^(-s/2) e^(-sl/2)`, `|sl/2|` below 2^-45.
    let c = -series
        * (1.0 - 0.5 * sl)
        * (0.5 * std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2);
    (c, -0.5 * s)
}

/// GELU's derivative `Φ(x) + x φ(x) = erfc(-x / sqrt 2) / 2 + x e^(-x^2/2) / sqrt(2 pi)`,
/// the `erfc` as in [`gelu`] and `e^(-x^2/2)` with `x^2` split exactly (the rounding of `x^2`
/// would cost `x^2 / 2` ulps); both terms scaled together below `x = -36`. Beyond `|x| = 40`
/// the density term is 0 (so that `±∞` gives 1 and 0, not NaN).
pub fn gelu_prime(x: f64) -> f64 {
    let (a, al) = mul_dd(x, M_FRAC_1_SQRT_2);
    let scale = if x < -36.0 { TAIL_SCALE } else { 1.0 };
    let dens = if x.abs() > 40.0 {
        0.0
    } else {
        let (s, sl) = square(x);
        let e = if scale == 1.0 {
            (-0.5 * s).exp()
        } else {
            scaled_exp(-0.5 * s)
        };
        x * FRAC_1_SQRT_2PI * (e * (1.0 - 0.5 * sl))
    };
    let sum = 0.5 * erfc_lo(a, al, scale) + dens;
    if scale == 1.0 {
        sum
    } else {
        // `+ 0.0`: +0 where the scaled sum underflows, as the unscaled `0 + -0`.
        sum * TAIL_UNSCALE + 0.0
    }
}

/// SiLU `x sigmoid(x)`, with its limit -0 at `x = -∞` (where the product is `-∞ · 0`).
/// Below -700, where `sigmoid(x)` is subnormal while the product may not be, it is
/// `(x h) h / (1 + h^2)` with `h = e^(x/2)`, every factor a normal number.
pub fn silu(x: f64) -> f64 {
    if x == f64::NEG_INFINITY {
        return -0.0;
    }
    if x < -700.0 {
        let h = (0.5 * x).exp();
        return (x * h) * h / (1.0 + h * h);
    }
    x * sigmoid(x)
}

/// SiLU's derivative `sigmoid(x) + x sigmoid'(x)`, with its limits -0 (approached from below)
/// and 1 at `x = ∓∞`.
/// Below -700 it is `e^x (1 + x)` to within a factor `1 + O(e^x)`, formed as `((1 + x) h) h`
/// with `h = e^(x/2)` (each term alone would be subnormal).
pub fn silu_prime(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { -0.0 };
    }
    if x < -700.0 {
        let h = (0.5 * x).exp();
        return ((1.0 + x) * h) * h;
    }
    sigmoid(x) + x * sigmoid_prime(x)
}

/// `2 sqrt(2/pi) = h + l` and `2 sqrt(2/pi) 0.044715` (the decimal literal, not its `f64`),
/// to double-double precision (mpmath).
const GELU_TANH_C1: (f64, f64) = (1.595_769_121_605_730_8, -9.969_308_809_110_92e-17);
const GELU_TANH_C3: (f64, f64) = (0.071_354_816_272_600_25, -6.175_149_918_155_315e-19);

/// GELU-tanh's argument of `σ`, `z = 2 sqrt(2/pi) (x + 0.044715 x^3) = x (c1 + c3 x^2)`, as
/// `zh + zl` to about double-double precision: `σ(z)` in the tail multiplies the relative
/// error of `z` by `|z|`, so the generated code carries `z`'s rounding error too
/// (`odd_cubic_err`). For `|x| <= 1000`.
fn gelu_tanh_z(x: f64) -> (f64, f64) {
    let (s, sl) = square(x);
    let (c1, c1l) = GELU_TANH_C1;
    let (c3, c3l) = GELU_TANH_C3;
    // c3 x^2
    let p = c3 * s;
    let pl = c3.mul_add(s, -p) + c3.mul_add(sl, c3l * s);
    // c1 + c3 x^2 (two-sum of the leading parts)
    let ih = c1 + p;
    let b = ih - c1;
    let il = ((c1 - (ih - b)) + (p - b)) + (c1l + pl);
    // x (ih + il)
    mul_dd(x, (ih, il))
}

/// `σ(zh + zl)` and `σ'(zh + zl)` to first order in `zl`:
/// `σ(z) + zl σ'(z)` and `σ'(z) (1 - zl tanh(z/2))`.
fn sigmoid_pair_lo(zh: f64, zl: f64) -> (f64, f64) {
    let sp = sigmoid_prime(zh);
    (sigmoid(zh) + zl * sp, sp * (1.0 - zl * (0.5 * zh).tanh()))
}

/// GELU-tanh, `x σ(z) = 0.5 x (1 + tanh(z / 2))`, `z` of `gelu_tanh_z` carried in two parts
/// (as the generated code's kernel), the left tail (`z < -665`, where `σ(z) = e^z` to 1e-289)
/// scaled; beyond `|x| = 1000` its limits, `x` and `-0` (so that `±∞` gives them, not
/// `∞ * 0`).
pub fn gelu_tanh(x: f64) -> f64 {
    if x.abs() > 1000.0 {
        return if x > 0.0 { x } else { -0.0 };
    }
    let (zh, zl) = gelu_tanh_z(x);
    if zh < TAIL_FROM {
        return x * (scaled_exp(zh) * (1.0 + zl)) * TAIL_UNSCALE;
    }
    x * sigmoid_pair_lo(zh, zl).0
}

/// GELU-tanh's derivative `σ(z) + x z' σ'(z)`, `z' = 2 sqrt(2/pi) (1 + 0.134145 x^2)`, `z` in
/// two parts as in [`gelu_tanh`] (in the left tail `e^z (1 + x z')`, scaled); beyond
/// `|x| = 1000` its limits, 1 and 0.
pub fn gelu_tanh_prime(x: f64) -> f64 {
    if x.abs() > 1000.0 {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    let (zh, zl) = gelu_tanh_z(x);
    let dz = GELU_TANH_C1.0 * (1.0 + 0.134145 * x * x);
    if zh < TAIL_FROM {
        let e = scaled_exp(zh) * (1.0 + zl);
        // `+ 0.0`: +0 where it underflows, as `σ(z) + x z' σ'(z)` gives (`0 + -0`).
        return e * x.mul_add(dz, 1.0) * TAIL_UNSCALE + 0.0;
    }
    let (s, sp) = sigmoid_pair_lo(zh, zl);
    s + x * dz * sp
}

/// `ln(1 + e^x)` without overflow or cancellation.
pub fn softplus(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `max(a, b)`: `a` on a tie, NaN if either is NaN.
pub fn max(a: f64, b: f64) -> f64 {
    if a.is_nan() || a >= b { a } else { b }
}

/// `min(a, b)`: `a` on a tie, NaN if either is NaN.
pub fn min(a: f64, b: f64) -> f64 {
    if a.is_nan() || a <= b { a } else { b }
}

/// Applies a unary function (its interpreter in the [function table](crate::functions)).
pub fn apply(f: Func, x: f64) -> f64 {
    f.eval(x)
}

/// Integer power by repeated squaring (what the generated code does too).
pub fn powi(x: f64, k: i32) -> f64 {
    let y = x.powi(k);
    // x^|k| overflowed while x^k may be subnormal: (1/x)^|k| (its rounding error, |k| halves
    // of an ULP, is the interpreter's; the generated code rounds once).
    if y == 0.0 && k < 0 && x.is_finite() && x.abs() > 1.0 {
        return (1.0 / x).powi(-k);
    }
    y
}

/// The value of every node up to `top` for input `x`, parameters `params` and reduction
/// values `reds`.
pub fn eval_all(g: &Graph, top: Id, x: f64, params: &[f64], reds: &[f64]) -> Vec<f64> {
    eval_all_gated(g, top, x, f64::NAN, params, reds)
}

/// [`eval_all`] for a gated activation: `a` is the first input ([`Node::X`]), `b` the second
/// ([`Node::B`]).
pub fn eval_all_gated(
    g: &Graph,
    top: Id,
    a: f64,
    b: f64,
    params: &[f64],
    reds: &[f64],
) -> Vec<f64> {
    let x = a;
    let mut v: Vec<f64> = Vec::with_capacity(top.index() + 1);
    for n in &g.nodes()[..=top.index()] {
        let val = match *n {
            Node::Const(b) => f64::from_bits(b),
            Node::Named(Named::Pi) => core::f64::consts::PI,
            Node::Named(Named::E) => core::f64::consts::E,
            Node::X => x,
            Node::B => b,
            Node::Param(i) => params.get(i as usize).copied().unwrap_or(f64::NAN),
            Node::Red(j) => reds.get(j as usize).copied().unwrap_or(f64::NAN),
            Node::Sum(ref ts) => ts.iter().map(|t| v[t.index()]).sum(),
            Node::Prod(ref fs) => prod_value(g, fs, &v),
            Node::Pow(a, k) => powi(v[a.index()], k),
            Node::PowF(a, b) => v[a.index()].powf(v[b.index()]),
            Node::Call(f, a) => call_value(g, f, a, &v),
            Node::Max(a, b) => max(v[a.index()], v[b.index()]),
            Node::Min(a, b) => min(v[a.index()], v[b.index()]),
            Node::Select(c, a, b, t, e) => {
                if c.holds(v[a.index()], v[b.index()]) {
                    v[t.index()]
                } else {
                    v[e.index()]
                }
            }
        };
        v.push(val);
    }
    v
}

/// A product evaluated as the generated code does: numerator factors multiplied, then divided
/// by the product of the `Pow(_, -k)` factors. A factor that is exponentially small in its
/// tail (see [`scaled_tail`]) enters scaled by 2^64 and the scale is removed last, so that
/// `x * sigmoid(x)` keeps full precision where `sigmoid(x)` alone would be subnormal. Such
/// factors are multiplied in first, as in the generated code: `sigmoid'(a) * a * b` is 0 at
/// `a = 1e10`, `b = 1e300`, where `a * b * sigmoid'(a)` is `∞ · 0`.
pub(crate) fn prod_value(g: &Graph, fs: &[Id], v: &[f64]) -> f64 {
    let mut num = 1.0;
    let mut den = 1.0;
    let mut has_den = false;
    let mut unscale = 1.0;
    let tails = fs.iter().filter(|&&f| has_tail(g, f));
    for f in tails.chain(fs.iter().filter(|&&f| !has_tail(g, f))) {
        match *g.node(*f) {
            Node::Pow(a, k) if k < 0 => {
                den *= powi(v[a.index()], -k);
                has_den = true;
            }
            _ => match scaled_tail(g, *f, v) {
                Some(s) => {
                    num *= s;
                    unscale *= TAIL_UNSCALE;
                }
                None => num *= v[f.index()],
            },
        }
    }
    let p = if has_den { num / den } else { num };
    if unscale == 1.0 { p } else { p * unscale }
}

/// Whether `f` is a factor that the generated code computes scaled: a call with a tiny tail
/// (`sigmoid`, `exp`, ...), or a function linear at 0 of one (`tanh(softplus(x))`).
fn has_tail(g: &Graph, f: Id) -> bool {
    match *g.node(f) {
        Node::Call(func, a) => func.has_tiny_tail() || (func.is_linear_at_zero() && has_tail(g, a)),
        _ => false,
    }
}

/// Exponent arguments below which a tail is scaled (`e^-665` is about 2^-959).
const TAIL_FROM: f64 = -665.0;
/// 2^-64, the inverse of the tail scale.
const TAIL_UNSCALE: f64 = 5.421_010_862_427_522e-20;

/// `2^64 e^u` for `u < TAIL_FROM`, as `(2^32 e^(u/2))^2`: both halves are normal numbers, so
/// the result keeps full precision (a few ulp) where `e^u` itself is subnormal.
fn scaled_exp(u: f64) -> f64 {
    let h = (0.5 * u).exp() * 4_294_967_296.0;
    h * h
}

/// `2^64 f` for a node `f` whose value is exponentially small because its argument is deep in
/// a tail (`exp(u)`, `sigmoid(u)`, `softplus(u)` for `u < -665`; `sigmoid'(u)` and
/// `tanh'(u)` for large `|u|`), or a function linear at 0 of one (`tanh(softplus(x))`);
/// there the leading term `e^u` (`4 e^(-2|u|)` for `tanh'`) is the value to 1e-289.
fn scaled_tail(g: &Graph, f: Id, v: &[f64]) -> Option<f64> {
    let Node::Call(func, a) = *g.node(f) else {
        return None;
    };
    let u = v[a.index()];
    match func.leading_term(u) {
        Some((c, t)) if t < TAIL_FROM && func == Func::Exp => {
            Some(c * scaled_exp(t) * (1.0 + exp_argument_error(g, a, v)))
        }
        // The leading term `e^-|u|` of `sigmoid(u)` (u < 0) and `sigmoid'(u)`, corrected by
        // an odd cubic argument's rounding error.
        Some((c, t)) if t < TAIL_FROM && matches!(func, Func::Sigmoid | Func::SigmoidPrime) => {
            let err = odd_cubic_error(g, a, v);
            let err = if u < 0.0 { err } else { -err };
            Some(c * scaled_exp(t) * (1.0 + err))
        }
        Some((c, t)) if t < TAIL_FROM => Some(c * scaled_exp(t)),
        Some(_) => None,
        None if func.is_linear_at_zero() => scaled_tail(g, a, v),
        None => None,
    }
}

/// A call's value, in the compensated form the generated code uses where the rounding of
/// its argument would be amplified (`act_expr`'s `codegen::plan::compensated`): `exp` of an
/// exact difference, of an input over a parameter, or of `c x^2` (`c` a power of two) is
/// corrected by the argument's rounding error ([`exp_argument_error`]); `erfc` of `x` times
/// an inexact constant takes the product in two parts ([`erfc_lo`]).
fn call_value(g: &Graph, f: Func, a: Id, v: &[f64]) -> f64 {
    let u = v[a.index()];
    match f {
        Func::Exp => {
            let e = u.exp();
            let err = exp_argument_error(g, a, v);
            if err != 0.0 && e.is_finite() {
                e + e * err
            } else {
                e
            }
        }
        Func::Sigmoid | Func::SigmoidPrime => {
            let err = odd_cubic_error(g, a, v);
            if err == 0.0 {
                return apply(f, u);
            }
            let (s, sp) = sigmoid_pair_lo(u, err);
            if f == Func::Sigmoid { s } else { sp }
        }
        Func::Erfc => match shape::x_times_constant(g, a, &|id| g.is_constant(id)) {
            Some((x, c)) => {
                let (ah, al) = mul_dd(v[x.index()], (c.hi, c.lo));
                erfc_lo(ah, al, 1.0)
            }
            None => apply(f, u),
        },
        _ => apply(f, u),
    }
}

/// The rounding error of the value `v[a]` of an argument of `exp`, for the shapes whose
/// error the generated code carries into `exp` (`exp(u + err) = exp(u) (1 + err)`; the shapes
/// are [`crate::shape`]'s): a sum of two inputs (softmax's `x - max(x)`: two-sum), an input
/// over a non-constant value (CELU's `x / alpha`: the division's remainder), a power of two
/// times `x^2` (`-x^2 / 2`: the square's FMA remainder), an odd cubic ([`odd_cubic_error`]).
/// 0 for any other argument, and where the error is not finite.
fn exp_argument_error(g: &Graph, a: Id, v: &[f64]) -> f64 {
    let is_const = |id: Id| g.is_constant(id);
    let err = if let Some([p, q]) = shape::input_difference(g, a) {
        let (p, q) = (v[p.index()], v[q.index()]);
        let s = p + q;
        let b = s - p;
        (p - (s - b)) + (q - b)
    } else if let Some((n, d)) = shape::input_quotient(g, a, &is_const) {
        let (n, d) = (v[n.index()], v[d.index()]);
        (-v[a.index()]).mul_add(d, n) / d
    } else if let Some((c, x)) = shape::power_of_two_times_square(g, a, &is_const) {
        let x = v[x.index()];
        c * x.mul_add(x, -(x * x))
    } else {
        odd_cubic_error(g, a, v)
    };
    if err.is_finite() { err } else { 0.0 }
}

/// The rounding error of the value `v[a]` of an odd cubic `c1 x + c3 x^3`, or a constant
/// times one, `c3 != 0` ([`shape::odd_cubic`], whose error the generated code carries into
/// `sigmoid`, `sigmoid'` and `exp`: in the tail they multiply the argument's relative error
/// by the argument): the cubic in double-double, the constants from their literals, minus
/// `v[a]`. 0 for any other node.
fn odd_cubic_error(g: &Graph, a: Id, v: &[f64]) -> f64 {
    let Some(shape::OddCubic { c1, c3, x }) = shape::odd_cubic(g, a, &|id| g.is_constant(id))
    else {
        return 0.0;
    };
    // z = x (c1 + c3 x^2) in double-double.
    let x = v[x.index()];
    let (s, sl) = square(x);
    let inner = c1 + c3 * (Dd::from(s) + Dd::from(sl));
    let (zh, zl) = mul_dd(x, (inner.hi, inner.lo));
    let err = (zh - v[a.index()]) + zl;
    if err.is_finite() { err } else { 0.0 }
}

/// Evaluates `root` at `x`, with `x` NaN giving NaN (as the generated code guarantees).
pub fn eval(g: &Graph, root: Id, x: f64, params: &[f64], reds: &[f64]) -> f64 {
    if x.is_nan() {
        return x;
    }
    let y = eval_all(g, root, x, params, reds)[root.index()];
    if y.is_nan() && x.abs() >= LIMIT_THRESHOLD {
        // The limit at ±∞, where a product like x * sigmoid(x) would give ∞ * 0, or an
        // intermediate such as x^3 overflows: the probes, as act-core does.
        return limit(x, |u| eval_all(g, root, u, params, reds)[root.index()]);
    }
    y
}

/// One element of a vector formula's output (or of a part of its Jacobian) at `x`, given
/// the row's reduction values `reds`: the straight-line value, NaN for `x` NaN, and no limit
/// at ±∞ (unlike [`eval`]). This is the generated code's convention for vector activations:
/// a row holding ±∞ gives what IEEE arithmetic gives, `x - mean(x)` at `(∞, 1)` is
/// `(NaN, -∞)`, and softmax of a row holding +∞ is NaN, as in PyTorch.
pub fn eval_in_row(g: &Graph, root: Id, x: f64, params: &[f64], reds: &[f64]) -> f64 {
    if x.is_nan() {
        return x;
    }
    eval_all(g, root, x, params, reds)[root.index()]
}

/// [`eval`] for a gated formula at `(a, b)` (`a` is [`Node::X`], `b` is [`Node::B`]): NaN in
/// either input gives NaN, and where the straight-line value is NaN at a huge input the
/// limit along it is taken, as the generated code does (act-core's `pairs::limit2`): along
/// `a` with `b` held, then along `b` with `a` held, then along both.
pub fn eval_gated(g: &Graph, root: Id, (a, b): (f64, f64), params: &[f64]) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    let f = |u: f64, v: f64| eval_all_gated(g, root, u, v, params, &[])[root.index()];
    let y = f(a, b);
    if !y.is_nan() {
        return y;
    }
    if a.abs() >= LIMIT_THRESHOLD {
        let y = limit(a, |u| f(u, b));
        if !y.is_nan() {
            return y;
        }
    }
    if b.abs() >= LIMIT_THRESHOLD {
        let y = limit(b, |v| f(a, v));
        if !y.is_nan() || a.abs() < LIMIT_THRESHOLD {
            return y;
        }
        return limit(a, |u| limit(b, |v| f(u, v)));
    }
    f64::NAN
}

/// The limit of `f` towards `x` (±∞, or a huge finite input where the straight-line code
/// gave NaN): `f` at the [`LIMIT_PROBES`] no larger than `|x|`, judged by [`LimitProbes`].
pub fn limit(x: f64, f: impl Fn(f64) -> f64) -> f64 {
    let mut probes = LimitProbes::default();
    for m in LIMIT_PROBES.into_iter().filter(|&m| m <= x.abs()) {
        if let Some(l) = probes.push(m, f(m.copysign(x))) {
            return l;
        }
    }
    probes.finish(x.is_infinite())
}

/// The verdict on a limit from a function's values at the probes of [`LIMIT_PROBES`], fed
/// largest probe first; the rule the interpreter and the generated code (act-core's
/// `loops::limit`, in every float type) share.
///
/// - Two consecutive probes that give the same number: the function has reached its limit
///   in floating point (activations that saturate do so long before 1e9).
/// - Otherwise, at ±∞: if the values of the three largest probes that give a number have
///   one sign and grow in magnitude with the probe, each step by more than the square root of
///   the ratio of the probes' logarithms (a function growing at least as fast as
///   `sqrt(ln |x|)`; `b · silu'(a)` grows like `b`, by a factor 1e75 a step), the limit is
///   that sign's infinity. If they have one sign and shrink in magnitude by more than that
///   factor each step (a function falling towards 0 at least as fast as `1 / sqrt(ln |x|)`:
///   `x^3 / (1 + x^4)` falls like `1 / x`, from 1e-30 at 1e30 to 1e-75 at 1e75), the limit
///   is 0 with that sign. Else the value at the largest probe (a limit approached too slowly
///   for floating point to settle there is closest to it there).
/// - Otherwise, at a finite input: NaN (an unsettled probe is another input's value, not this
///   one's).
///
/// ```
/// use act_expr::eval::{LimitProbes, LIMIT_PROBES};
/// // x - sqrt(x) at +∞: never settles, and grows like x.
/// let mut p = LimitProbes::default();
/// for m in LIMIT_PROBES {
///     assert_eq!(p.push(m, m - m.sqrt()), None);
/// }
/// assert_eq!(p.finish(true), f64::INFINITY);
/// assert!(p.finish(false).is_nan());
///
/// // -x^3 / (1 + x^4) at +∞: falls like -1/x, never settles; the limit is -0.
/// let mut p = LimitProbes::default();
/// for m in LIMIT_PROBES {
///     assert_eq!(p.push(m, -m.powi(3) / (1.0 + m.powi(4))), None);
/// }
/// assert_eq!(p.finish(true).to_bits(), (-0.0f64).to_bits());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LimitProbes {
    /// The value of the last probe that gave a number.
    previous: Option<f64>,
    /// `(probe, value)` for the first three probes that gave a number.
    largest: [(f64, f64); 3],
    /// How many probes gave a number.
    count: usize,
}

impl LimitProbes {
    /// Records `value`, the function at the probe of magnitude `probe`; the limit once two
    /// consecutive probes agree. NaN values are skipped.
    pub fn push(&mut self, probe: f64, value: f64) -> Option<f64> {
        if value.is_nan() {
            return None;
        }
        if self.previous == Some(value) {
            return Some(value);
        }
        self.previous = Some(value);
        if let Some(slot) = self.largest.get_mut(self.count) {
            *slot = (probe.abs(), value);
        }
        self.count += 1;
        None
    }

    /// The verdict once the probes are exhausted (see the type's documentation);
    /// `at_infinity` is whether the input is ±∞.
    pub fn finish(&self, at_infinity: bool) -> f64 {
        if !at_infinity || self.count == 0 {
            return f64::NAN;
        }
        let top = self.largest[0].1;
        if self.steps(|hi, lo, step| hi > lo * step) {
            f64::INFINITY.copysign(top)
        } else if self.steps(|hi, lo, step| hi * step < lo) {
            0.0f64.copysign(top)
        } else {
            top
        }
    }

    /// Whether the three largest probes' values have one sign, none 0, and each step from a
    /// probe to the next larger one moves their magnitudes as `moves(|v_hi|, |v_lo|, step)`
    /// says, `step` the square root of the ratio of the probes' logarithms (see
    /// [`LimitProbes`]).
    fn steps(&self, moves: impl Fn(f64, f64, f64) -> bool) -> bool {
        if self.count < 3 {
            return false;
        }
        self.largest.windows(2).all(|w| {
            let ((p_hi, v_hi), (p_lo, v_lo)) = (w[0], w[1]);
            let step = (p_hi.ln() / p_lo.ln()).sqrt();
            v_lo != 0.0
                && v_hi != 0.0
                && v_hi.is_sign_negative() == v_lo.is_sign_negative()
                && moves(v_hi.abs(), v_lo.abs(), step)
        })
    }
}

/// Inputs at which a formula whose straight-line code gives NaN at ±∞ (or at a huge finite
/// input, through an overflowing intermediate) is evaluated instead, largest first, to get its
/// limit. The generated code uses the same list.
pub const LIMIT_PROBES: [f64; 11] = [
    f64::MAX,
    1e150,
    1e75,
    1e37,
    1e30,
    1e24,
    1e18,
    1e15,
    1e12,
    1e10,
    1e9,
];

/// The smallest of [`LIMIT_PROBES`]: below it a NaN is left as it is.
pub const LIMIT_THRESHOLD: f64 = 1e9;

/// The mean of `values` (NaN when there are none): their sum, in order, divided by their
/// count, without the spurious overflow of that sum. Where the sum of finite values leaves the
/// range (`mean(1e308, 1e308)`), the values are scaled by `2^-k`, `2^k` at least their count,
/// summed and divided, and the scale removed: scaling by a power of two is exact (up to values
/// too small to count beside a sum that large), so the result is the sum's rounding and one
/// division, the same as `sum / n` where that does not overflow.
///
/// ```
/// use act_expr::eval::mean;
/// assert_eq!(mean([1e308, 1e308]), 1e308);
/// assert_eq!(mean([f64::MAX; 3]), f64::MAX);
/// assert_eq!(mean([1.0, 2.0, 4.0]), 7.0 / 3.0);
/// assert_eq!(mean([f64::INFINITY, 1.0]), f64::INFINITY);
/// ```
pub fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.into_iter().collect();
    let n = values.len() as f64;
    let sum: f64 = values.iter().sum();
    if sum.is_finite() || !values.iter().all(|v| v.is_finite()) {
        return sum / n;
    }
    // 2^k >= n, so that n values of magnitude at most MAX 2^-k sum to at most MAX.
    let k = n.log2().ceil() as i32;
    let scaled: f64 = values.iter().map(|v| v * 2f64.powi(-k)).sum();
    scaled / n * 2f64.powi(k)
}

/// The reduction values of a vector formula over the input `xs`, in order.
pub fn eval_reductions(g: &Graph, xs: &[f64], params: &[f64]) -> Vec<f64> {
    let mut reds: Vec<f64> = Vec::with_capacity(g.reductions().len());
    for &(kind, body) in g.reductions() {
        let vals = xs
            .iter()
            .map(|&x| eval_all(g, body, x, params, &reds)[body.index()]);
        let r = match kind {
            Reduce::Sum => vals.sum(),
            Reduce::Mean => mean(vals),
            Reduce::Max => vals.fold(f64::NEG_INFINITY, max),
            Reduce::Min => vals.fold(f64::INFINITY, min),
        };
        reds.push(r);
    }
    reds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Cmp;

    #[test]
    #[allow(clippy::excessive_precision)] // mpmath's digits as it prints them
    fn gelu_tail_is_gelu_as_c_times_exp_t() {
        // `gelu(u) e^(u^2/2)` from mpmath (50 digits) where `u^2` is exact in f64: `c`
        // itself.
        for (u, want) in [
            (-35.5, -0.398_626_472_939_994_737_05),
            (-36.5, -0.398_643_502_180_890_878_41),
            (-37.5, -0.398_659_191_182_147_132_97),
            (-40.0, -0.398_693_407_532_052_399_34),
            (-60.0, -0.398_831_555_321_059_272_11),
        ] {
            let (c, t) = super::gelu_tail(u);
            assert_eq!(t, -0.5 * u * u);
            assert!((c / want - 1.0).abs() < 4e-16, "{u}: {c} vs {want}");
        }
        // Where `u^2` rounds, its error is in `c`: `c e^t` against mpmath's `gelu(u)` (`e^t`
        // normal here, within an ulp or two).
        for (u, want) in [
            (-36.1, -4.093_752_403_575_981_472e-284),
            (-36.3, -2.936_521_409_344_357_604_8e-287),
        ] {
            let (c, t) = super::gelu_tail(u);
            assert!((c * t.exp() / want - 1.0).abs() < 1e-14, "{u}");
        }
        // Above -35, the value itself.
        assert_eq!(super::gelu_tail(-3.0), (super::gelu(-3.0), 0.0));
    }

    #[test]
    fn tails_of_the_helpers_are_finite_and_right() {
        // Closed forms: σ'(40) = e^-40 / (1 + e^-40)^2; tanh'(20) = 4 e^-40 / (1 + e^-40)^2.
        let e40 = (-40.0f64).exp();
        assert_eq!(sigmoid_prime(40.0), e40 / ((1.0 + e40) * (1.0 + e40)));
        assert!((tanh_prime(20.0) / (4.0 * e40) - 1.0).abs() < 1e-15);
        assert_eq!(softplus(-800.0), 0.0f64.max((-800.0f64).exp()));
        assert_eq!(softplus(1e300), 1e300);
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(f64::INFINITY), 1.0);
    }

    #[test]
    fn means_of_huge_values_do_not_overflow() {
        // Closed forms: the exact sum divided once.
        assert_eq!(mean([1e308, 1e308]), 1e308);
        assert_eq!(mean([-1e308, -1e308]), -1e308);
        assert_eq!(mean([f64::MAX, f64::MAX, -f64::MAX]), f64::MAX / 3.0);
        // 1024 equal values whose multiples are exact: the mean is the value.
        let v = 1.5 * 2f64.powi(1023);
        assert_eq!(mean(vec![v; 1024]), v);
        assert_eq!(mean(vec![v; 1000]), v);
        // Small values beside huge ones, and the ordinary case, as `sum / n`.
        assert_eq!(mean([f64::MAX, f64::MAX, 1.0, -1.0]), f64::MAX / 2.0);
        assert_eq!(mean([0.1, 0.2, 0.3]), (0.1 + 0.2 + 0.3) / 3.0);
        // Infinite or NaN values give what the sum gives.
        assert_eq!(mean([f64::INFINITY, 1e308]), f64::INFINITY);
        assert!(mean([f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        assert!(mean([f64::NAN, 1e308, 1e308]).is_nan());
        assert!(mean([]).is_nan());
    }

    #[test]
    fn max_and_min_take_the_first_on_a_tie_and_propagate_nan() {
        assert!(max(f64::NAN, 1.0).is_nan());
        assert!(max(1.0, f64::NAN).is_nan());
        assert!(min(f64::NAN, 1.0).is_nan());
        assert!(min(1.0, f64::NAN).is_nan());
        assert_eq!(max(0.0, -0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(min(-0.0, 0.0).to_bits(), (-0.0f64).to_bits());
        assert!(Cmp::Ge.holds(1.0, 1.0) && !Cmp::Gt.holds(1.0, 1.0));
    }
}
