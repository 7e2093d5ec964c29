//! `half::f16` and `half::bf16` (feature `half`), exhaustively: every one of the 65,536 bit
//! patterns of each type through every elementwise built-in, value and derivative.
//!
//! ```text
//! cargo test -p act-core --features half --test half -- --nocapture
//! ```
//!
//! The reference is an independent `f64` evaluation of each definition (std's `exp`, `tanh`,
//! `ln_1p`, `exp_m1` and libm's `erfc`, in forms that do not cancel in the tails), rounded once
//! to the 16-bit type. With 53 bits against 11 (f16) or 8 (bf16), that is the correctly
//! rounded result except within ~2^-40 of a rounding boundary. A result passes when it is
//! within 1 ULP of it (act rounds its `f32` result, itself within a few `f32` ULP, once more:
//! 0.5 ULP plus the double rounding), also where the exact value is below `f32`'s smallest
//! normal number (only bf16 reaches there): the `flushed` column counts the results there that
//! came out as 0 or another value more than 1 ULP off, each also a failure. At ±inf the
//! result is the `f32` result rounded; NaN gives NaN.
#![cfg(feature = "half")]

use act_core::prelude::*;
use half::{bf16, f16};

/// A 16-bit type under test.
trait Half: Float {
    fn from_bits(b: u16) -> Self;
    fn to_bits(self) -> u16;
    const NAME: &'static str;
}

impl Half for f16 {
    fn from_bits(b: u16) -> Self {
        f16::from_bits(b)
    }
    fn to_bits(self) -> u16 {
        f16::to_bits(self)
    }
    const NAME: &'static str = "f16";
}

impl Half for bf16 {
    fn from_bits(b: u16) -> Self {
        bf16::from_bits(b)
    }
    fn to_bits(self) -> u16 {
        bf16::to_bits(self)
    }
    const NAME: &'static str = "bf16";
}

/// Signed position on the number line in steps of one ULP (±0 both at 0), so that the
/// distance of two finite values or of `MAX` and `inf` is a difference.
fn ordinal<H: Half>(v: H) -> i32 {
    let b = i32::from(v.to_bits());
    if b & 0x8000 != 0 { -(b & 0x7fff) } else { b }
}

fn ulp_distance<H: Half>(a: H, b: H) -> u32 {
    ordinal(a).abs_diff(ordinal(b))
}

// ------------------------------------------------------------------------------------------
// The f64 reference: value and derivative of each built-in at its default parameters.
// ------------------------------------------------------------------------------------------

/// `(σ(x), σ'(x))` without cancellation: `e = exp(-|x|)`.
fn sigmoid(x: f64) -> (f64, f64) {
    let e = (-x.abs()).exp();
    let s = if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (s, e / ((1.0 + e) * (1.0 + e)))
}

/// `sech(x)^2 = 4e / (1 + e)^2`, `e = exp(-2|x|)`.
fn sech2(x: f64) -> f64 {
    let e = (-2.0 * x.abs()).exp();
    4.0 * e / ((1.0 + e) * (1.0 + e))
}

fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;

fn reference(name: &str, x: f64) -> (f64, f64) {
    match name {
        "Sigmoid" => sigmoid(x),
        "Tanh" => (x.tanh(), sech2(x)),
        "Relu" => (x.max(0.0), if x > 0.0 { 1.0 } else { 0.0 }),
        "LeakyRelu" => {
            if x > 0.0 {
                (x, 1.0)
            } else {
                (0.1 * x, 0.1)
            }
        }
        "Elu" => {
            if x > 0.0 {
                (x, 1.0)
            } else {
                (x.exp_m1(), x.exp())
            }
        }
        "Selu" => {
            if x > 0.0 {
                (SELU_SCALE * x, SELU_SCALE)
            } else {
                (
                    SELU_SCALE * SELU_ALPHA * x.exp_m1(),
                    SELU_SCALE * SELU_ALPHA * x.exp(),
                )
            }
        }
        "Swish" => {
            let (s, ds) = sigmoid(x);
            (x * s, s + x * ds)
        }
        "Linear" => (x, 1.0),
        "Gelu" => {
            // 0.5 x erfc(-x / sqrt 2); f' = 0.5 erfc(-x / sqrt 2) + x phi(x).
            let c = 0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2);
            let phi = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
            (x * c, c + x * phi)
        }
        "GeluTanh" => {
            // 0.5 x (1 + tanh u) = x σ(2u), u = sqrt(2/pi) (x + 0.044715 x^3).
            let k = (2.0 / std::f64::consts::PI).sqrt();
            let u = k * (x + 0.044715 * x * x * x);
            let du = k * (1.0 + 3.0 * 0.044715 * x * x);
            let (s, ds) = sigmoid(2.0 * u);
            (x * s, s + 2.0 * x * du * ds)
        }
        "Softplus" => (softplus(x), sigmoid(x).0),
        "Mish" => {
            let sp = softplus(x);
            let t = sp.tanh();
            (x * t, t + x * sech2(sp) * sigmoid(x).0)
        }
        "HardSigmoid" => {
            if x <= -3.0 {
                (0.0, 0.0)
            } else if x >= 3.0 {
                (1.0, 0.0)
            } else {
                ((x + 3.0) / 6.0, 1.0 / 6.0)
            }
        }
        "HardSwish" => {
            if x < -3.0 {
                (0.0, 0.0)
            } else if x <= 3.0 {
                (x * (x + 3.0) / 6.0, (2.0 * x + 3.0) / 6.0)
            } else {
                (x, 1.0)
            }
        }
        "PRelu" => {
            if x > 0.0 {
                (x, 1.0)
            } else {
                (0.25 * x, 0.25)
            }
        }
        // ln σ(x) = -softplus(-x); its derivative σ(-x).
        "LogSigmoid" => (-softplus(-x), sigmoid(-x).0),
        "Softsign" => (
            x / (1.0 + x.abs()),
            1.0 / ((1.0 + x.abs()) * (1.0 + x.abs())),
        ),
        "Celu" => {
            if x > 0.0 {
                (x, 1.0)
            } else {
                (x.exp_m1(), x.exp())
            }
        }
        "Relu6" => {
            if x <= 0.0 {
                (0.0, 0.0)
            } else if x >= 6.0 {
                (6.0, 0.0)
            } else {
                (x, 1.0)
            }
        }
        "Hardtanh" => {
            if x <= -1.0 {
                (-1.0, 0.0)
            } else if x >= 1.0 {
                (1.0, 0.0)
            } else {
                (x, 1.0)
            }
        }
        "Squareplus" => {
            // (x + r) / 2 and (1 + x / r) / 2, r = sqrt(x^2 + 4); for x < 0 without the
            // cancellation of x + r: 2 / (r - x) and 2 / (r (r - x)).
            let r = (x * x + 4.0).sqrt();
            if x >= 0.0 {
                ((x + r) / 2.0, (1.0 + x / r) / 2.0)
            } else {
                (2.0 / (r - x), 2.0 / (r * (r - x)))
            }
        }
        other => panic!("no reference for {other}"),
    }
}

// ------------------------------------------------------------------------------------------
// The check
// ------------------------------------------------------------------------------------------

/// Worst error of one activation over all inputs of one type, value and derivative.
#[derive(Debug, Default)]
struct Worst {
    ulp: [u32; 2],
    at: [f64; 2],
    flushed: usize,
    failures: Vec<String>,
}

/// Checks `got` (value `k = 0` or derivative `k = 1`) at `x` against the reference `exact`.
fn check_point<H: Half>(
    w: &mut Worst,
    k: usize,
    x: H,
    got: H,
    exact: f64,
    at_inf: impl Fn() -> f32,
) {
    let what = ["value", "derivative"][k];
    if x.is_nan() {
        if !got.is_nan() {
            w.failures.push(format!("{what} at NaN is {got}"));
        }
        return;
    }
    if x.is_infinite() {
        let expected = H::from_f64(f64::from(at_inf()));
        if got.to_bits() != expected.to_bits() {
            w.failures
                .push(format!("{what} at {x} is {got}, f32 gives {expected}"));
        }
        return;
    }
    let rounded = H::from_f64(exact);
    if got.is_nan() {
        w.failures
            .push(format!("{what} at {x} is NaN, exact {exact:e}"));
        return;
    }
    // A result below f32's smallest normal number more than 1 ULP off is a flush (counted,
    // and a failure like any other).
    let tiny = f64::from(f32::MIN_POSITIVE);
    if exact.abs() <= tiny && got.to_f64().abs() <= tiny && ulp_distance(got, rounded) > 1 {
        w.flushed += 1;
    }
    let d = ulp_distance(got, rounded);
    if d > w.ulp[k] {
        w.ulp[k] = d;
        w.at[k] = x.to_f64();
    }
    if d > 1 {
        w.failures.push(format!(
            "{what} at {x} is {got}, correctly rounded {rounded} (exact {exact:e}): {d} ulp"
        ));
    }
}

fn exhaustive<A: Elementwise, H: Half>(a: A) -> Worst {
    let xs: Vec<H> = (0..=u16::MAX).map(H::from_bits).collect();
    let mut y = vec![H::ZERO; xs.len()];
    let mut dy = vec![H::ZERO; xs.len()];
    a.forward_slice(&xs, &mut y);
    a.derivative_slice(&xs, &mut dy);
    let mut w = Worst::default();
    for ((&x, &v), &d) in xs.iter().zip(&y).zip(&dy) {
        let (fv, fd) = reference(A::NAME, x.to_f64());
        let x32 = x.to_f64() as f32;
        check_point(&mut w, 0, x, v, fv, || a.forward(x32));
        check_point(&mut w, 1, x, d, fd, || a.derivative(x32));
    }
    w
}

/// The other paths give the same bits as the slice methods: the scalar methods, in place,
/// and the VJP with a gradient of ones (f32's `1 * f'(x)` is `f'(x)`, rounded the same). The
/// one exception: the scalar methods of the activations that call f32's one-element `sigmoid`
/// and `sigmoid'` kernels (see `Elementwise`), whose f32 result may differ from the slices' in
/// the last bit, and so, rounded, by one step of the 16-bit type, or be the other zero.
fn same_paths<A: Elementwise, H: Half>(a: A) {
    let xs: Vec<H> = (0..=u16::MAX).step_by(7).map(H::from_bits).collect();
    let mut y = vec![H::ZERO; xs.len()];
    let mut dy = vec![H::ZERO; xs.len()];
    a.forward_slice(&xs, &mut y);
    a.derivative_slice(&xs, &mut dy);
    let mut in_place = xs.clone();
    a.forward_in_place(&mut in_place);
    let ones = vec![H::ONE; xs.len()];
    let mut grad = vec![H::ZERO; xs.len()];
    a.backward_slice(&xs, &ones, &mut grad);
    for i in 0..xs.len() {
        let bits = |v: H| v.to_bits();
        let same = |p: H, q: H| bits(p) == bits(q) || p.is_nan() && q.is_nan();
        let own_kernel = ["Sigmoid", "Swish", "Softplus", "LogSigmoid"].contains(&A::NAME);
        // Own kernels: one step apart, or both zero of either sign (swish' below -108: the
        // one-element kernel keeps the exact value's sign, -0; the slice kernel gives +0).
        let scalar_same =
            |p: H, q: H| same(p, q) || own_kernel && (bits(p).abs_diff(bits(q)) == 1 || p == q);
        assert!(
            scalar_same(a.forward(xs[i]), y[i]),
            "{} forward at {}",
            A::NAME,
            xs[i]
        );
        assert!(same(in_place[i], y[i]), "{} in place at {}", A::NAME, xs[i]);
        assert!(
            scalar_same(a.derivative(xs[i]), dy[i]),
            "{} derivative at {}",
            A::NAME,
            xs[i]
        );
        assert!(same(grad[i], dy[i]), "{} backward at {}", A::NAME, xs[i]);
    }
}

fn run_all<H: Half>() -> Vec<(String, Worst)> {
    let mut all = Vec::new();
    macro_rules! each {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
            $(
                same_paths::<$e, H>($e::default());
                all.push((format!("{} {}", $e::NAME, H::NAME), exhaustive::<$e, H>($e::default())));
            )*
        };
    }
    act_core::__for_each_builtin!(each);
    all
}

fn report(all: &[(String, Worst)]) {
    println!(
        "{:<20} {:>9} {:>12} {:>9} {:>12} {:>8}",
        "activation", "value", "at", "deriv.", "at", "flushed"
    );
    for (name, w) in all {
        println!(
            "{name:<20} {:>5} ulp {:>12} {:>5} ulp {:>12} {:>8}",
            w.ulp[0], w.at[0], w.ulp[1], w.at[1], w.flushed
        );
    }
    let count: usize = all.iter().map(|(_, w)| w.failures.len()).sum();
    let first: Vec<_> = all
        .iter()
        .flat_map(|(n, w)| w.failures.iter().take(5).map(move |f| format!("{n}: {f}")))
        .collect();
    assert!(
        count == 0,
        "{count} failures, the first five of each activation:\n{}",
        first.join("\n")
    );
}

#[test]
fn f16_every_input_within_one_ulp() {
    report(&run_all::<f16>());
}

#[test]
fn bf16_every_input_within_one_ulp() {
    report(&run_all::<bf16>());
}

/// The check above can fail: a value off by two ULP, a NaN where a number belongs, and the
/// f32 value rounded twice through bf16's neighbour are each reported.
#[test]
fn checker_rejects_wrong_results() {
    let mut w = Worst::default();
    let x = f16::from_f32(0.5);
    let exact = 0.6224593312018546; // sigmoid(0.5)
    let two_off = f16::from_bits(f16::from_f64(exact).to_bits() + 2);
    check_point(&mut w, 0, x, two_off, exact, || 0.0);
    check_point(&mut w, 0, x, f16::NAN, exact, || 0.0);
    check_point(&mut w, 0, f16::INFINITY, f16::ZERO, 1.0, || 1.0);
    assert_eq!(w.failures.len(), 3, "{:?}", w.failures);
    let mut ok = Worst::default();
    check_point(&mut ok, 0, x, f16::from_f64(exact), exact, || 0.0);
    assert!(ok.failures.is_empty());
}

/// Softmax rows in f16 against an f64 softmax rounded once.
#[test]
fn softmax_rows_in_f16_within_one_ulp() {
    let cols = 10;
    let x: Vec<f16> = (0..200 * cols)
        .map(|i| f16::from_f64(((i * 37 % 101) as f64 - 50.0) / 7.0))
        .collect();
    let mut y = vec![f16::ZERO; x.len()];
    Softmax.forward_rows(&x, cols, &mut y);
    for (xr, yr) in x.chunks(cols).zip(y.chunks(cols)) {
        let m = xr
            .iter()
            .map(|v| v.to_f64())
            .fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = xr.iter().map(|v| (v.to_f64() - m).exp()).sum();
        for (xi, yi) in xr.iter().zip(yr) {
            let exact = (xi.to_f64() - m).exp() / s;
            let d = ulp_distance(*yi, f16::from_f64(exact));
            assert!(d <= 1, "softmax {xi} -> {yi}, exact {exact}");
        }
    }
}

/// Gated activations (two inputs, too many pairs for an exhaustive run) on a grid of f16 and
/// bf16 pairs: the value and both partials are the f32 results rounded once, the same bits.
#[test]
fn gated_in_half_types_are_the_f32_results_rounded_once() {
    fn check<G: Gated, H: Half>(g: G) {
        let same = |p: H, q: H| p.to_bits() == q.to_bits() || p.is_nan() && q.is_nan();
        let round = |v: f32| H::from_f64(f64::from(v));
        for i in (0..=u16::MAX).step_by(509) {
            for j in (0..=u16::MAX).step_by(521) {
                let (a, b) = (H::from_bits(i), H::from_bits(j));
                let (a32, b32) = (a.to_f64() as f32, b.to_f64() as f32);
                let v = g.forward(a, b);
                assert!(
                    same(v, round(g.forward(a32, b32))),
                    "{} at ({a}, {b})",
                    G::NAME
                );
                let (da, db) = g.partials(a, b);
                let (da32, db32) = g.partials(a32, b32);
                assert!(
                    same(da, round(da32)) && same(db, round(db32)),
                    "{} partials at ({a}, {b})",
                    G::NAME
                );
            }
        }
    }
    macro_rules! each {
        ($($g:ident),*) => {
            $(
                check::<$g, f16>($g::default());
                check::<$g, bf16>($g::default());
            )*
        };
    }
    act_core::__for_each_gated!(each);
}
