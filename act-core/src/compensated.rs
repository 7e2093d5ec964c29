//! Compensated arithmetic for generated code: a product by a double-double constant with one
//! rounding, the rounding error of a sum or of an odd cubic `c1 x + c3 x^3`, and `exp`,
//! `sigmoid` and `sigmoid'` corrected by an argument's error.

use crate::Float;

/// `a * (hi + lo)` for a constant known as a double-double, with one rounding: the product
/// `a * h` is computed exactly as `p + err` (Dekker's product, branch-free and without FMA,
/// which would be a slow library call on targets without it), then `err + a * l` corrects `p`.
/// Where the correction is not finite (`a` huge or infinite), the plain product.
#[inline(always)]
pub fn mul_split<F: Float>(a: F, hi: f64, lo: f64) -> F {
    let (h, l) = F::split_constant(hi, lo);
    let (p, err) = two_prod(a, h);
    let c = err + a * l;
    p + F::select(c.abs() <= F::MAX, c, F::ZERO)
}

/// The rounding error of `s = p + q` (Knuth's two-sum: `p + q = s + err` exactly); NaN where
/// an operand is infinite.
#[inline(always)]
pub fn two_sum_err<F: Float>(p: F, q: F, s: F) -> F {
    let bp = s - p;
    (p - (s - bp)) + (q - bp)
}

/// `exp(u + err)` from `e = exp(u)` and a tiny `err`: `e + e err` (the next term, `e err^2/2`,
/// is below the rounding); `e` itself where the correction is not a number (an infinite
/// input: `exp(-∞ - m) = 0`, with `err` NaN).
#[inline(always)]
pub fn exp_corrected<F: Float>(e: F, err: F) -> F {
    let c = e * err;
    e + F::select(c.is_nan(), F::ZERO, c)
}

/// `a * b` as `p + err` exactly (Dekker's product, without FMA).
#[inline(always)]
fn two_prod<F: Float>(a: F, b: F) -> (F, F) {
    let p = a * b;
    let s = F::from_f64(F::SPLITTER);
    let ta = a * s;
    let a1 = ta - (ta - a);
    let a2 = a - a1;
    let tb = b * s;
    let b1 = tb - (tb - b);
    let b2 = b - b1;
    (p, ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2)
}

/// The rounding error of `a`, the computed value of the odd cubic `c1 x + c3 x^3` (constants
/// known as double-doubles `c1h + c1l`, `c3h + c3l`): the cubic in double-word arithmetic
/// (exact products, two-sum), minus `a`. GELU-tanh's `sqrt(2/pi) (x + 0.044715 x^3)`: in the
/// tail, `sigmoid` and `exp` multiply the relative error of their argument by the argument
/// itself (60 and more). 0 where the cubic is not finite (`x^3` overflows), where the
/// functions that read the error are flat.
///
/// For types narrower than `f64` (`f32`, the half types) the cubic is evaluated in plain `f64`
/// instead, whose rounding (2^-52 of the cubic) is far below theirs: a few vector
/// instructions, where double-word `f32` takes four Dekker products (GELU-tanh's forward
/// pass ran 1.6-1.8x slower with them).
#[inline(always)]
pub fn odd_cubic_err<F: Float>(x: F, a: F, c1h: f64, c1l: f64, c3h: f64, c3l: f64) -> F {
    if F::EPSILON.to_f64() > 1e-10 {
        let x = x.to_f64();
        let err = (c1h * x + c3h * (x * x * x)) - a.to_f64();
        return F::from_f64(if err.is_finite() { err } else { 0.0 });
    }
    let (c1, c1l) = F::split_constant(c1h, c1l);
    let (c3, c3l) = F::split_constant(c3h, c3l);
    let (x2, x2l) = two_prod(x, x);
    let (x3, e) = two_prod(x2, x);
    let x3l = e + x2l * x;
    let (p3, e3) = two_prod(c3, x3);
    let e3 = e3 + (c3 * x3l + c3l * x3);
    let (p1, e1) = two_prod(c1, x);
    let e1 = e1 + c1l * x;
    let s = p1 + p3;
    let es = two_sum_err(p1, p3, s);
    let err = (s - a) + (es + (e1 + e3));
    F::select(err.is_nan() || err.is_infinite(), F::ZERO, err)
}

/// The rounding error of `q`, the computed quotient `n / d` (rounded once): `(n - q d) / d`,
/// the remainder `n - q d` formed exactly (in `f64` for types narrower than `f64`, by Dekker's
/// product in `f64`) and divided through the reciprocal of `d` (hoisted out of a loop where
/// `d` is a parameter; its own rounding only perturbs the tiny error). `exp` multiplies the
/// relative error of its argument by the argument itself: CELU's `exp(x / alpha)` was 92 ULP
/// off at `x = -1000`, `alpha = 3`, with `x / alpha` rounded. 0 where the error is not finite
/// (`n` or `q` infinite, `d` zero, or a product beyond the split's range), where `exp` is 0,
/// ∞ or NaN anyway.
#[inline(always)]
pub fn quotient_err<F: Float>(n: F, d: F, q: F) -> F {
    if F::EPSILON.to_f64() > 1e-10 {
        let (n, d, q) = (n.to_f64(), d.to_f64(), q.to_f64());
        // `q d` has at most 2 x 24 bits: exact in `f64`, and so is its difference from `n`.
        let err = (n - q * d) * (1.0 / d);
        return F::from_f64(if err.is_finite() { err } else { 0.0 });
    }
    let (p, e) = two_prod(q, d);
    let err = ((n - p) - e) * (F::ONE / d);
    F::select(err.is_nan() || err.is_infinite(), F::ZERO, err)
}

/// `sigmoid(u + err)` from `s = c sigmoid(u)` (scaled by a power of two `c`, or `c = 1`),
/// the plain `p = sigmoid(u)` and a tiny `err`: `s (1 + err (1 - p))`, since
/// `d ln sigmoid / du = 1 - sigmoid`; `s` itself where the correction is not a number.
#[inline(always)]
pub fn sigmoid_corrected<F: Float>(s: F, p: F, err: F) -> F {
    let c = s * (err * (F::ONE - p));
    s + F::select(c.is_nan(), F::ZERO, c)
}

/// `sigmoid'(u + err)` from `s = c sigmoid'(u)`, `p = sigmoid(u)` and a tiny `err`:
/// `s (1 + err (1 - 2p))`, since `d ln sigmoid' / du = 1 - 2 sigmoid`.
#[inline(always)]
pub fn sigmoid_prime_corrected<F: Float>(s: F, p: F, err: F) -> F {
    let c = s * (err * (F::ONE - (p + p)));
    s + F::select(c.is_nan(), F::ZERO, c)
}
