//! Independent `f64` references for every elementwise built-in, value and derivative, for the
//! exhaustive `f32` check (`src/bin/exhaustive.rs`).
//!
//! Each formula is written from the mathematical definition with `std`'s and `libm`'s `f64`
//! functions, not from act's kernels or its derived expressions. An `f64` evaluation is good
//! to a few `f64` ulps (2^-52) relative, i.e. about 2^-27 of an `f32` ulp, except where the
//! textbook form cancels; there a better form is used, and said:
//!
//! - `sigmoid(x)` for `x < 0` as `e^x / (1 + e^x)` (`1 / (1 + e^-x)` is fine too, but
//!   `1 - sigmoid(-x)` would cancel), `sigmoid'` as `e^-|x| / (1 + e^-|x|)^2` (not
//!   `s (1 - s)`, which is 0 for `x > 37`);
//! - `softplus(x)` as `max(x, 0) + log1p(e^-|x|)`;
//! - `gelu_tanh(x) = 0.5 x (1 + tanh u)` as `x sigmoid(2u)` (`1 + tanh u` cancels for `u < 0`:
//!   at `u = -10` the f64 sum keeps 8 significant digits);
//! - `swish'`, `gelu_tanh'` and `mish'` from sigmoids of `x` and `-x` computed apart (never
//!   `1 - sigmoid`);
//! - `log_sigmoid(x)` as `-softplus(-x)`, `squareplus` and its derivative for `x < 0` as
//!   `b / (2 (h - x))` and `b / (2 h (h - x))`, `h = sqrt(x^2 + b)`.
//!
//! The derivatives' interior roots (swish, gelu, gelu-tanh, mish, hard-swish) cancel in any
//! form: there the `f64` result is still good to about `2^-52` of the larger term, far below
//! an `f32` ulp of the result except within a few `f32` spacings of the root, which is what the
//! check's interior-root allowance covers (see [`Reference::root`]).
//!
//! Conventions at kinks are act's documented ones: `relu'(0) = 0`, `leaky_relu'(0) = alpha`,
//! `elu'(0) = alpha`, `hard_sigmoid'(±3) = 0`, `hard_swish'(-3) = -1/2`, `hard_swish'(3) = 3/2`,
//! `prelu'(0) = alpha`, `celu'(0) = 1`, `relu6'` and `hardtanh'` 0 at their kinks.

use core::f64::consts::{FRAC_1_SQRT_2, PI};

/// An elementwise built-in's reference: its name (act's registry name), value and derivative.
#[derive(Clone, Copy)]
pub struct Reference {
    /// act's name for it (`Sigmoid`).
    pub name: &'static str,
    /// `f(x)`.
    pub value: fn(f64) -> f64,
    /// `f'(x)`.
    pub derivative: fn(f64) -> f64,
    /// An interval bracketing the derivative's interior root, if it has one (`f'` changes sign
    /// across it). The root itself is found by bisection on [`Reference::derivative`].
    pub root: Option<(f64, f64)>,
}

fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

fn sigmoid_prime(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `1 / cosh(x)^2`.
fn sech2(x: f64) -> f64 {
    let c = x.cosh();
    1.0 / (c * c)
}

const LEAKY_ALPHA: f64 = 0.1;
/// The slope of the leaky ReLU checked with a parameter other than the default (not an `f32`,
/// above 1: its product rounds once). `exhaustive` runs `LeakyRelu::new` with it.
pub const LEAKY_SLOPE_NOT_DEFAULT: f64 = 1.1;
const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;
/// `sqrt(2 / pi)`.
const GELU_TANH_C: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_A: f64 = 0.044_715;

fn gelu(x: f64) -> f64 {
    0.5 * x * libm::erfc(-x * FRAC_1_SQRT_2)
}

fn gelu_prime(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2) + x * (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

fn gelu_tanh_u(x: f64) -> f64 {
    GELU_TANH_C * (x + GELU_TANH_A * x * x * x)
}

fn gelu_tanh(x: f64) -> f64 {
    x * sigmoid(2.0 * gelu_tanh_u(x))
}

fn gelu_tanh_prime(x: f64) -> f64 {
    let z = 2.0 * gelu_tanh_u(x);
    let du = GELU_TANH_C * (1.0 + 3.0 * GELU_TANH_A * x * x);
    // At |x| = 1e300 (standing for infinity) `du` overflows where `sigmoid'(z)` is 0: the
    // limit of the term is 0.
    let bell = sigmoid_prime(z);
    let term = if bell == 0.0 {
        0.0
    } else {
        x * 2.0 * du * bell
    };
    sigmoid(z) + term
}

const PRELU_ALPHA: f64 = 0.25;
/// Squareplus's `b`.
const SQUAREPLUS_B: f64 = 4.0;

/// `(x + sqrt(x^2 + b)) / 2`, as `b / (2 (h - x))` for `x < 0` (the sum cancels there); `h`
/// by `hypot`, which does not overflow for huge `x`.
fn squareplus(x: f64) -> f64 {
    let h = x.hypot(SQUAREPLUS_B.sqrt());
    if x >= 0.0 {
        (x + h) / 2.0
    } else {
        SQUAREPLUS_B / (2.0 * (h - x))
    }
}

/// `(1 + x / h) / 2`, as `b / (2 h (h - x))` for `x < 0` (`1 + x/h` cancels there).
fn squareplus_prime(x: f64) -> f64 {
    let h = x.hypot(SQUAREPLUS_B.sqrt());
    if x >= 0.0 {
        (1.0 + x / h) / 2.0
    } else {
        SQUAREPLUS_B / (2.0 * h * (h - x))
    }
}

fn mish(x: f64) -> f64 {
    x * softplus(x).tanh()
}

fn mish_prime(x: f64) -> f64 {
    let sp = softplus(x);
    sp.tanh() + x * sech2(sp) * sigmoid(x)
}

/// Every elementwise built-in, in the order of `act_core::__for_each_builtin!`.
pub const REFERENCES: [Reference; 22] = [
    Reference {
        name: "Sigmoid",
        value: sigmoid,
        derivative: sigmoid_prime,
        root: None,
    },
    Reference {
        name: "Tanh",
        value: f64::tanh,
        derivative: sech2,
        root: None,
    },
    Reference {
        name: "Relu",
        value: |x| if x > 0.0 { x } else { 0.0 },
        derivative: |x| if x > 0.0 { 1.0 } else { 0.0 },
        root: None,
    },
    Reference {
        name: "LeakyRelu",
        value: |x| if x > 0.0 { x } else { LEAKY_ALPHA * x },
        derivative: |x| if x > 0.0 { 1.0 } else { LEAKY_ALPHA },
        root: None,
    },
    // Not a default: leaky ReLU with slope 1.1 (`exhaustive`'s non-default parameter case,
    // whose product `1.1 x` reaches the overflow threshold at x = -3.09e38).
    Reference {
        name: "LeakyRelu_1.1",
        value: |x| {
            if x > 0.0 {
                x
            } else {
                LEAKY_SLOPE_NOT_DEFAULT * x
            }
        },
        derivative: |x| {
            if x > 0.0 {
                1.0
            } else {
                LEAKY_SLOPE_NOT_DEFAULT
            }
        },
        root: None,
    },
    Reference {
        name: "Elu",
        value: |x| if x > 0.0 { x } else { x.exp_m1() },
        derivative: |x| if x > 0.0 { 1.0 } else { x.exp() },
        root: None,
    },
    Reference {
        name: "Selu",
        value: |x| SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * x.exp_m1() },
        derivative: |x| SELU_SCALE * if x > 0.0 { 1.0 } else { SELU_ALPHA * x.exp() },
        root: None,
    },
    Reference {
        name: "Swish",
        value: |x| x * sigmoid(x),
        derivative: |x| sigmoid(x) + x * sigmoid(x) * sigmoid(-x),
        root: Some((-1.5, -1.0)),
    },
    Reference {
        name: "Linear",
        value: |x| x,
        derivative: |_| 1.0,
        root: None,
    },
    Reference {
        name: "Gelu",
        value: gelu,
        derivative: gelu_prime,
        root: Some((-1.0, -0.5)),
    },
    Reference {
        name: "GeluTanh",
        value: gelu_tanh,
        derivative: gelu_tanh_prime,
        root: Some((-1.0, -0.5)),
    },
    Reference {
        name: "Softplus",
        value: softplus,
        derivative: sigmoid,
        root: None,
    },
    Reference {
        name: "Mish",
        value: mish,
        derivative: mish_prime,
        root: Some((-1.5, -1.0)),
    },
    Reference {
        name: "HardSigmoid",
        value: |x| {
            if x <= -3.0 {
                0.0
            } else if x >= 3.0 {
                1.0
            } else {
                (x + 3.0) / 6.0
            }
        },
        derivative: |x| if x > -3.0 && x < 3.0 { 1.0 / 6.0 } else { 0.0 },
        root: None,
    },
    Reference {
        name: "HardSwish",
        value: |x| {
            if x < -3.0 {
                0.0
            } else if x <= 3.0 {
                x * (x + 3.0) / 6.0
            } else {
                x
            }
        },
        derivative: |x| {
            if x < -3.0 {
                0.0
            } else if x <= 3.0 {
                (2.0 * x + 3.0) / 6.0
            } else {
                1.0
            }
        },
        root: Some((-2.0, -1.0)),
    },
    Reference {
        name: "PRelu",
        value: |x| if x > 0.0 { x } else { PRELU_ALPHA * x },
        derivative: |x| if x > 0.0 { 1.0 } else { PRELU_ALPHA },
        root: None,
    },
    Reference {
        name: "LogSigmoid",
        value: |x| -softplus(-x),
        derivative: |x| sigmoid(-x),
        root: None,
    },
    Reference {
        name: "Softsign",
        value: |x| x / (1.0 + x.abs()),
        derivative: |x| 1.0 / ((1.0 + x.abs()) * (1.0 + x.abs())),
        root: None,
    },
    Reference {
        name: "Celu",
        value: |x| if x > 0.0 { x } else { x.exp_m1() },
        derivative: |x| if x > 0.0 { 1.0 } else { x.exp() },
        root: None,
    },
    Reference {
        name: "Relu6",
        value: |x| x.clamp(0.0, 6.0),
        derivative: |x| if x > 0.0 && x < 6.0 { 1.0 } else { 0.0 },
        root: None,
    },
    Reference {
        name: "Hardtanh",
        value: |x| x.clamp(-1.0, 1.0),
        derivative: |x| if x > -1.0 && x < 1.0 { 1.0 } else { 0.0 },
        root: None,
    },
    Reference {
        name: "Squareplus",
        value: squareplus,
        derivative: squareplus_prime,
        root: None,
    },
];

impl Reference {
    /// The derivative's interior root, by bisection on the `f64` derivative, if there is one.
    pub fn derivative_root(&self) -> Option<f64> {
        let (mut lo, mut hi) = self.root?;
        let sign_lo = (self.derivative)(lo) < 0.0;
        assert_ne!(
            sign_lo,
            (self.derivative)(hi) < 0.0,
            "{}: no sign change",
            self.name
        );
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if ((self.derivative)(mid) < 0.0) == sign_lo {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(0.5 * (lo + hi))
    }
}

/// The reference at an `f32` input: `±inf` stands in as `±1e300` (every built-in's limit is
/// reached there), NaN gives NaN.
pub fn at(f: fn(f64) -> f64, x: f32) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let x = if x.is_infinite() {
        1e300f64.copysign(f64::from(x))
    } else {
        f64::from(x)
    };
    f(x)
}

/// The error of `got` against the reference `r`, in `f32` ULPs at `r`: `2^(e - 23)` for
/// `2^e <= |r| < 2^(e + 1)`, the subnormal spacing 2^-149 below the normal range (so a flush
/// to zero of a subnormal result counts its full size). A reference beyond `f32::MAX` that
/// rounds to infinity must be met by that infinity (error 0, else infinite); NaN must be met
/// by NaN.
pub fn ulp_error(got: f32, r: f64) -> f64 {
    if r.is_nan() {
        return if got.is_nan() { 0.0 } else { f64::INFINITY };
    }
    let rounded = r as f32;
    if rounded.is_infinite() {
        return if got == rounded { 0.0 } else { f64::INFINITY };
    }
    if !got.is_finite() {
        return f64::INFINITY;
    }
    (f64::from(got) - r).abs() / ulp_f32(r)
}

/// The `f32` ULP at `r` (finite), as above.
pub fn ulp_f32(r: f64) -> f64 {
    let a = r.abs();
    if a < f64::from(f32::MIN_POSITIVE) {
        return 2f64.powi(-149);
    }
    let e = ((a.to_bits() >> 52) as i32) - 1023;
    2f64.powi(e - 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulps_count_from_the_reference() {
        assert_eq!(ulp_error(1.0, 1.0), 0.0);
        assert_eq!(ulp_error(1.0 + f32::EPSILON, 1.0), 1.0);
        assert_eq!(ulp_error(0.0, 3.0 * 2f64.powi(-149)), 3.0);
        assert_eq!(ulp_error(f32::INFINITY, 1e39), 0.0);
        assert_eq!(ulp_error(f32::MAX, 1e39), f64::INFINITY);
        assert_eq!(ulp_error(f32::NAN, f64::NAN), 0.0);
        assert_eq!(ulp_error(0.0, f64::NAN), f64::INFINITY);
        // Half an ulp below a power of two counts in the lower binade's ulps.
        assert_eq!(ulp_error(1.0, 1.0 - 2f64.powi(-24)), 1.0);
    }

    #[test]
    fn references_match_closed_forms() {
        let by = |n: &str| *REFERENCES.iter().find(|r| r.name == n).unwrap();
        // From `scripts/reference_spot_values.py` (mpmath, 60 digits, rounded to f64).
        let cases: [(&str, f64, f64, f64); 5] = [
            (
                "Sigmoid",
                -40.0,
                4.248_354_255_291_589e-18,
                4.248_354_255_291_589e-18,
            ),
            (
                "Gelu",
                -13.0,
                -7.952_313_719_414_843e-38,
                -1.033_730_444_011_335_5e-36,
            ),
            (
                "GeluTanh",
                1.0,
                0.841_191_990_608_276_7,
                1.082_964_083_845_782_6,
            ),
            (
                "Mish",
                -0.795,
                -0.283_266_840_767_587_85,
                0.140_388_328_573_337_97,
            ),
            (
                "Softplus",
                -700.0,
                9.859_676_543_759_77e-305,
                9.859_676_543_759_77e-305,
            ),
        ];
        for (name, x, v, d) in cases {
            let r = by(name);
            let (gv, gd) = ((r.value)(x), (r.derivative)(x));
            assert!(
                (gv - v).abs() <= 1e-13 * v.abs(),
                "{name}({x}) = {gv}, want {v}"
            );
            assert!(
                (gd - d).abs() <= 1e-13 * d.abs(),
                "{name}'({x}) = {gd}, want {d}"
            );
        }
        let root = by("Swish").derivative_root().unwrap();
        assert!((root - -1.278_464_542_761_074).abs() < 1e-12, "{root}");
    }
}
