//! Parameters beyond `f32`'s range: every parametric built-in with parameters at ±1e39,
//! ±1e300, ±`f64::MAX` (they round to ±∞ in `f32`) and ±1e-300 (they round to ±0), where
//! its declaration accepts them, at the inputs 0, -0, ±1e-40 (subnormal), ±1, ±100,
//! ±`f32::MAX`, ±∞ and NaN, in `f32` on every path (scalar methods, slices, in place,
//! backward, parameter partials) in every build: within 4 ULP of the exact value rounded to
//! `f32`, and NaN only where that is NaN. Such parameters used to give NaN
//! (`Elu { alpha: 1e300 }` at 0: `∞ · 0`) or ±∞ where the value is finite.
//!
//! The reference is each definition's closed form evaluated in this file in `f64` with std
//! (`alpha * x.exp_m1()`, ...), not act's own `f64` code, rounded once to `f32`; CELU's
//! `alpha expm1(x / alpha)` by its series where `x / alpha` is tiny (it underflows in `f64`
//! for alpha = 1e300 at x = -1e-40, where the value is x to 1e-340).
//!
//! Conventions: an infinite result or reference must match exactly (not `f32::MAX` for `∞`);
//! ±0 count as one value (the sign of a zero is not checked); the distance in ULP counts
//! subnormal steps as ULPs (ordered bit patterns).

mod isa;
use isa::for_each_isa;

use act_core::prelude::*;

/// The parameter values beyond `f32`'s range, both ways.
const BEYOND: [f64; 8] = [
    1e39,
    -1e39,
    1e300,
    -1e300,
    f64::MAX,
    -f64::MAX,
    1e-300,
    -1e-300,
];

/// The inputs (each path also sees them repeated to 67 elements, so that the vector loop and
/// its tail both run).
const XS: [f32; 15] = [
    0.0,
    -0.0,
    1e-40,
    -1e-40,
    1.0,
    -1.0,
    100.0,
    -100.0,
    f32::MAX,
    -f32::MAX,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    0.5,
    -3.0,
];

/// Incoming gradients of the backward pass, cycled against the inputs.
const GS: [f32; 5] = [1.0, -3.0, 1e-30, 1e30, 0.25];

/// `x` in an order of the bit patterns where ±0 are one value and neighbours differ by 1.
fn ordered(x: f32) -> i64 {
    let b = i64::from(x.to_bits() & 0x7fff_ffff);
    if x.is_sign_negative() { -b } else { b }
}

/// Whether `got` is within `ulps` of `want` (see the module docs for the conventions).
fn close(got: f32, want: f32, ulps: i64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return want == got;
    }
    (ordered(got) - ordered(want)).abs() <= ulps
}

/// The closed forms of one activation in `f64`: value, derivative, and the partials by each
/// parameter (in declaration order), each NaN-free for a finite parameter (NaN in, NaN out is
/// applied by [`check`]).
struct Reference<'a> {
    f: &'a dyn Fn(f64) -> f64,
    d: &'a dyn Fn(f64) -> f64,
    partials: &'a [&'a dyn Fn(f64) -> f64],
    /// An absolute allowance of each partial at `x` beside the 4 ULP (CELU's ∂f/∂alpha).
    partial_abs: &'a dyn Fn(f64) -> f64,
    /// The inputs where the value is not checked (a stated limit, see [`celu`]).
    value_excluded: &'a dyn Fn(f64) -> bool,
    /// The inputs where the partials are not checked (a stated limit, see [`celu`]).
    partials_excluded: &'a dyn Fn(f64) -> bool,
}

fn rounded(v: &dyn Fn(f64) -> f64, x: f32) -> f32 {
    if x.is_nan() {
        f32::NAN
    } else {
        v(f64::from(x)) as f32
    }
}

/// Every path of `act` in `f32` at [`XS`] against `r`, each failure described in `failures`.
fn check<A: Elementwise + ParamGradients + std::fmt::Debug>(
    act: &A,
    r: &Reference<'_>,
    failures: &mut Vec<String>,
) {
    let long: Vec<f32> = XS.iter().copied().cycle().take(67).collect();
    let grads: Vec<f32> = GS.iter().copied().cycle().take(67).collect();
    for_each_isa(|isa| {
        let mut fail = |path: &str, x: f32, got: f32, want: f32| {
            failures.push(format!(
                "{act:?} {isa:?} {path}({x:e}) = {got:e}, want {want:e}"
            ));
        };
        let mut y = vec![0.0f32; long.len()];
        act.forward_slice(&long, &mut y);
        let mut z = long.clone();
        act.forward_in_place(&mut z);
        let mut dy = vec![0.0f32; long.len()];
        act.derivative_slice(&long, &mut dy);
        let mut gx = vec![0.0f32; long.len()];
        act.backward_slice(&long, &grads, &mut gx);
        for (i, &x) in long.iter().enumerate() {
            let (f, d) = (rounded(r.f, x), rounded(r.d, x));
            let g = grads[i];
            let back = if x.is_nan() {
                f32::NAN
            } else {
                (f64::from(g) * (r.d)(f64::from(x))) as f32
            };
            let values = if (r.value_excluded)(f64::from(x)) {
                [None; 3]
            } else {
                [
                    Some(("forward", act.forward(x), f)),
                    Some(("forward_slice", y[i], f)),
                    Some(("forward_in_place", z[i], f)),
                ]
            };
            for (path, got, want) in values.into_iter().flatten().chain([
                ("derivative", act.derivative(x), d),
                ("derivative_slice", dy[i], d),
                ("backward_slice", gx[i], back),
            ]) {
                if !close(got, want, 4) {
                    fail(path, x, got, want);
                }
            }
        }
        // Parameter partials, one input at a time (`param_derivatives`), and their sum against
        // gradients 1 over the finite inputs of `XS` (`backward_params`), but the excluded.
        let n = r.partials.len();
        let mut sums = vec![0.0f64; n];
        for &x in XS.iter().filter(|&&x| !(r.partials_excluded)(f64::from(x))) {
            let mut d = vec![0.0f32; n];
            act.param_derivatives(x, &mut d);
            for k in 0..n {
                let want = rounded(r.partials[k], x);
                let abs = if x.is_nan() {
                    0.0
                } else {
                    (r.partial_abs)(f64::from(x))
                };
                let within_abs = (f64::from(d[k]) - f64::from(want)).abs() <= abs;
                if !close(d[k], want, 4) && !within_abs {
                    fail(&format!("param_derivatives[{k}]"), x, d[k], want);
                }
                if x.is_finite() {
                    sums[k] += (r.partials[k])(f64::from(x));
                }
            }
        }
        let finite: Vec<f32> = XS
            .iter()
            .copied()
            .filter(|&x| x.is_finite() && !(r.partials_excluded)(f64::from(x)))
            .collect();
        let mut gp = vec![0.0f32; n];
        act.backward_params(&finite, &vec![1.0; finite.len()], &mut gp);
        for k in 0..n {
            // The sum's terms are partials of inputs spread over 76 binades: the reference sum
            // in f64 is exact to far below an f32 ULP unless it cancels, which these do not.
            if !close(gp[k], sums[k] as f32, 4) {
                fail(
                    &format!("backward_params[{k}]"),
                    f32::NAN,
                    gp[k],
                    sums[k] as f32,
                );
            }
        }
    });
}

/// No absolute allowance.
fn none(_: f64) -> f64 {
    0.0
}

/// No input excluded.
fn nothing(_: f64) -> bool {
    false
}

/// `alpha expm1(x / alpha)`, by its series where `u = x / alpha` is tiny (where `u` may have
/// underflowed in `f64`).
fn celu_value(alpha: f64, x: f64) -> f64 {
    let u = x / alpha;
    if u.abs() < 1e-5 {
        x * (1.0 + u / 2.0 + u * u / 6.0)
    } else {
        alpha * u.exp_m1()
    }
}

/// `expm1(u) - u exp(u)` (CELU's ∂f/∂alpha), by its series `-u^2/2 - u^3/3` for a tiny `u`,
/// and its limits -1 and -∞ where `u` is -∞ or +∞ (`u = x / alpha` may overflow).
fn celu_partial(alpha: f64, x: f64) -> f64 {
    let u = x / alpha;
    if u.is_infinite() {
        return if u < 0.0 { -1.0 } else { f64::NEG_INFINITY };
    }
    if u.abs() < 1e-5 {
        -u * u / 2.0 - u * u * u / 3.0
    } else {
        u.exp_m1() - u * u.exp()
    }
}

fn leaky_like<A: Elementwise + ParamGradients + std::fmt::Debug>(
    act: &A,
    alpha: f64,
    failures: &mut Vec<String>,
) {
    check(
        act,
        &Reference {
            f: &|x| if x > 0.0 { x } else { alpha * x },
            d: &|x| if x > 0.0 { 1.0 } else { alpha },
            partials: &[&|x| if x > 0.0 { 0.0 } else { x }],
            partial_abs: &none,
            value_excluded: &nothing,
            partials_excluded: &nothing,
        },
        failures,
    );
}

/// Leaky ReLU and PReLU: `alpha x` for x <= 0.
#[test]
fn leaky_relu_and_prelu() {
    let mut failures = Vec::new();
    for alpha in BEYOND {
        leaky_like(&LeakyRelu::try_new(alpha).unwrap(), alpha, &mut failures);
        leaky_like(&PRelu::try_new(alpha).unwrap(), alpha, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// ELU: `alpha expm1(x)` for x <= 0, its derivative `alpha exp(x)`.
#[test]
fn elu() {
    let mut failures = Vec::new();
    for alpha in BEYOND {
        check(
            &Elu::try_new(alpha).unwrap(),
            &Reference {
                f: &|x| if x > 0.0 { x } else { alpha * x.exp_m1() },
                d: &|x| if x > 0.0 { 1.0 } else { alpha * x.exp() },
                partials: &[&|x| if x > 0.0 { 0.0 } else { x.exp_m1() }],
                partial_abs: &none,
                value_excluded: &nothing,
                partials_excluded: &nothing,
            },
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// SELU: every accepted pair of `alpha` and `scale` among the values beyond `f32`'s range and
/// the defaults (`scale · alpha` finite in `f64`; it may overflow or underflow `f32`).
#[test]
fn selu() {
    let mut failures = Vec::new();
    let d = Selu::default();
    let values: Vec<f64> = BEYOND.iter().copied().chain([d.alpha, d.scale]).collect();
    let mut accepted = 0;
    for &alpha in &values {
        for &scale in &values {
            let Ok(act) = Selu::try_new(alpha, scale) else {
                continue;
            };
            accepted += 1;
            let sa = scale * alpha;
            check(
                &act,
                &Reference {
                    f: &|x| if x > 0.0 { scale * x } else { sa * x.exp_m1() },
                    d: &|x| if x > 0.0 { scale } else { sa * x.exp() },
                    partials: &[&|x| if x > 0.0 { 0.0 } else { scale * x.exp_m1() }, &|x| {
                        if x > 0.0 { x } else { alpha * x.exp_m1() }
                    }],
                    partial_abs: &none,
                    value_excluded: &nothing,
                    partials_excluded: &nothing,
                },
                &mut failures,
            );
        }
    }
    assert!(accepted > 50, "{accepted}");
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// CELU: `alpha expm1(x / alpha)` for x <= 0 (alpha of either sign), its derivative
/// `exp(x / alpha)`; ∂f/∂alpha within its documented absolute allowance
/// eps · min(1, |x / alpha|) (see `Celu`).
///
/// A stated limit, left out: the value where `x / alpha` is below 2^-1040 in magnitude
/// (|alpha| = 1e300 or `f64::MAX` at x = ±1e-40). There the `f64` code that such parameters
/// run computes `x / alpha` as an `f64` subnormal with fewer bits than an `f32` result needs,
/// or 0 (it gives -0 for -1e-40 at alpha = 1e300), as it does for `f64` inputs. Also left
/// out: ∂f/∂alpha where `x / alpha` is ±∞ in `f64` (x = ±∞, or alpha = -1e-300 at
/// x = -`f32::MAX`): there its straight-line form is NaN and the probes of act's limit
/// fix-up find the limit only for a moderate positive alpha (for alpha = -1, `f64` and
/// `f32` alike, NaN where the limit is -∞; for alpha = 1e300, 0 where it is -1).
#[test]
fn celu() {
    let mut failures = Vec::new();
    for alpha in BEYOND {
        let eps = f64::from(f32::EPSILON);
        check(
            &Celu::try_new(alpha).unwrap(),
            &Reference {
                f: &|x| if x > 0.0 { x } else { celu_value(alpha, x) },
                d: &|x| if x > 0.0 { 1.0 } else { (x / alpha).exp() },
                partials: &[&|x| if x > 0.0 { 0.0 } else { celu_partial(alpha, x) }],
                partial_abs: &|x| eps * (x / alpha).abs().min(1.0),
                value_excluded: &|x| {
                    x != 0.0 && (x / alpha).abs() < f64::MIN_POSITIVE * 2f64.powi(-18)
                },
                partials_excluded: &|x| (x / alpha).is_infinite(),
            },
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// Hardtanh: every accepted pair of bounds among the values beyond `f32`'s range and -1, 0, 1.
#[test]
fn hardtanh() {
    let mut failures = Vec::new();
    let values: Vec<f64> = BEYOND.iter().copied().chain([-1.0, 0.0, 1.0]).collect();
    for &lo in &values {
        for &hi in &values {
            if BEYOND.contains(&lo) || BEYOND.contains(&hi) {
                let Ok(act) = Hardtanh::try_new(lo, hi) else {
                    continue;
                };
                check(
                    &act,
                    &Reference {
                        f: &|x| x.clamp(lo, hi),
                        d: &|x| if lo < x && x < hi { 1.0 } else { 0.0 },
                        partials: &[&|x| if x <= lo { 1.0 } else { 0.0 }, &|x| {
                            if x > lo && x >= hi { 1.0 } else { 0.0 }
                        }],
                        partial_abs: &none,
                        value_excluded: &nothing,
                        partials_excluded: &nothing,
                    },
                    &mut failures,
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// The choice itself (`FloatKernels::__param_in_range`): in range for 0 and every parameter
/// that rounds to a normal `f32` (the defaults among them, `f32::MAX`, the smallest normal
/// number); out of range for those that round to ±∞, to 0 or to a subnormal, and NaN; `f64`
/// always in range.
#[test]
fn the_f64_path_is_chosen_by_the_parameter() {
    use act_core::__private::FloatKernels;
    let in_range = |p: f64| <f32 as FloatKernels>::__param_in_range(p);
    let d = Selu::default();
    for p in [
        0.0,
        -0.0,
        0.1,
        1.0,
        d.alpha,
        d.scale,
        d.alpha * d.scale,
        -3.0,
        1e38,
        f64::from(f32::MAX),
        f64::from(f32::MIN_POSITIVE),
        -f64::from(f32::MIN_POSITIVE),
        1e-30,
    ] {
        assert!(in_range(p), "{p:e}");
    }
    for p in [
        1e39,
        -1e39,
        3.402_823_7e38,
        f64::MAX,
        f64::INFINITY,
        1e-300,
        -1e-300,
        1e-40,
        f64::from(f32::MIN_POSITIVE) * 0.99,
        f64::NAN,
    ] {
        assert!(!in_range(p), "{p:e}");
    }
    for p in [1e300, f64::MAX, 1e-300, f64::NAN, 0.0] {
        assert!(<f64 as FloatKernels>::__param_in_range(p), "{p:e}");
    }
}

act_core::activation! {
    /// A gate scaled by a parameter: `c a sigmoid(b)`.
    pub gated struct ScaledGlu(c = 1.0);
    f(a, b) = c * a * sigmoid(b);
}

/// A gated activation with a parameter beyond `f32`'s range: forward, partials and the
/// parameter partial in `f32`, on every path, within 4 ULP of the closed form in `f64`
/// (`c = 1e300` gave NaN at a = 0, where `∞ · 0`).
#[test]
fn gated_parameters_beyond_f32() {
    let sig = |b: f64| 1.0 / (1.0 + (-b).exp());
    let pairs: Vec<(f32, f32)> = [0.0f32, -0.0, 1e-40, -1.0, 3.0, f32::MAX]
        .iter()
        .flat_map(|&a| [0.0f32, 2.0, -100.0].map(|b| (a, b)))
        .collect();
    let (a, b): (Vec<f32>, Vec<f32>) = pairs.iter().copied().unzip();
    let mut failures = Vec::new();
    for c in BEYOND {
        let g = ScaledGlu::try_new(c).unwrap();
        for_each_isa(|isa| {
            let mut y = vec![0.0f32; a.len()];
            g.forward_slice(&a, &b, &mut y);
            let (mut ga, mut gb) = (vec![0.0f32; a.len()], vec![0.0f32; a.len()]);
            g.backward_slice(&a, &b, &vec![1.0; a.len()], &mut ga, &mut gb);
            for (i, &(u, v)) in pairs.iter().enumerate() {
                let (uf, vf) = (f64::from(u), f64::from(v));
                let f = (c * uf * sig(vf)) as f32;
                let da = (c * sig(vf)) as f32;
                let db = (c * uf * sig(vf) * (1.0 - sig(vf))) as f32;
                let dc = (uf * sig(vf)) as f32;
                let (pa, pb) = g.partials(u, v);
                let mut d = [0.0f32];
                g.param_derivatives(u, v, &mut d);
                for (path, got, want) in [
                    ("forward", g.forward(u, v), f),
                    ("forward_slice", y[i], f),
                    ("partials.0", pa, da),
                    ("partials.1", pb, db),
                    ("backward_slice.0", ga[i], da),
                    ("backward_slice.1", gb[i], db),
                    ("param_derivatives", d[0], dc),
                ] {
                    if !close(got, want, 4) {
                        failures.push(format!(
                            "c = {c:e} {isa:?} {path}({u:e}, {v:e}) = {got:e}, want {want:e}"
                        ));
                    }
                }
            }
        });
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// `half::f16` and `half::bf16` (feature `half`) run the `f32` code, and with it its `f64`
/// path: ELU and leaky ReLU with alpha = ±1e300 and ±1e-300 within 1 ULP (of the 16-bit type)
/// of the closed form rounded once, NaN nowhere.
#[cfg(feature = "half")]
#[test]
fn half_types_take_the_f64_path_too() {
    use half::{bf16, f16};
    fn check16<H: Float + std::fmt::Debug>(bits: impl Fn(H) -> u16, failures: &mut Vec<String>) {
        let xs: Vec<H> = [0.0, -0.0, -1e-3, -1.0, 2.0, -100.0]
            .iter()
            .map(|&x| H::from_f64(x))
            .collect();
        let ord = |h: H| {
            let b = i32::from(bits(h) & 0x7fff);
            if h.to_f64().is_sign_negative() { -b } else { b }
        };
        for alpha in [1e300, -1e300, 1e-300, -1e-300] {
            let elu = Elu::try_new(alpha).unwrap();
            let leaky = LeakyRelu::try_new(alpha).unwrap();
            let (mut ye, mut yl) = (vec![H::ZERO; xs.len()], vec![H::ZERO; xs.len()]);
            elu.forward_slice(&xs, &mut ye);
            leaky.forward_slice(&xs, &mut yl);
            for (i, &x) in xs.iter().enumerate() {
                let xf = x.to_f64();
                let we = H::from_f64(if xf > 0.0 { xf } else { alpha * xf.exp_m1() });
                let wl = H::from_f64(if xf > 0.0 { xf } else { alpha * xf });
                for (name, got, want) in [
                    ("elu", ye[i], we),
                    ("elu scalar", elu.forward(x), we),
                    ("leaky", yl[i], wl),
                    ("leaky scalar", leaky.forward(x), wl),
                ] {
                    let ok = if want.to_f64().is_infinite() || got.to_f64().is_nan() {
                        got.to_f64() == want.to_f64()
                    } else {
                        (ord(got) - ord(want)).abs() <= 1
                    };
                    if !ok {
                        failures.push(format!(
                            "{name}({alpha:e}) at {x:?}: {got:?}, want {want:?}"
                        ));
                    }
                }
            }
        }
    }
    let mut failures = Vec::new();
    check16::<f16>(f16::to_bits, &mut failures);
    check16::<bf16>(bf16::to_bits, &mut failures);
    assert!(failures.is_empty(), "{failures:#?}");
}
