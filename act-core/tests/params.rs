//! Metadata for the parameters in use: `range()` and `properties()` describe the function the
//! activation computes with its current parameter values, and invalid values are refused.
//!
//! The property test draws random parameter values (zero, negative, tiny and huge ones among
//! them) for every parametric built-in in the registry and for declarations made here the way
//! a user's crate makes them, and checks the metadata against the generated code's own values
//! and derivatives on inputs the analysis does not use.

use act_core::prelude::*;
use act_core::{ParamError, registry};

mod panics;
use panics::panic_location;
type Dyn = dyn act_core::DynActivation;
use proptest::prelude::*;

activation! {
    /// A ReLU capped at `limit`, with a declared range.
    pub struct Clipped(limit = 6.0);
    f(x) = if x < 0 { 0 } else if x < limit { x } else { limit };
    range = (0, limit);
}

activation! {
    /// Hardtanh as a user would declare it, with its condition.
    pub struct Clamped(min_val = -1.0, max_val = 1.0);
    f(x) = clamp(x, min_val, max_val);
    where min_val < max_val;
}

activation! {
    /// Softplus with a sharpness, undefined at beta = 0.
    pub struct SharpSoftplus(beta = 1.0);
    f(x) = softplus(beta * x) / beta;
    where beta != 0;
}

activation! {
    /// A bump: not monotonic, bounded for a > 0.
    pub struct Bump(a = 1.0);
    f(x) = x * exp(-a * x * x);
    where a > 0;
}

activation! {
    /// A shifted absolute value.
    pub struct Vee(c = 0.5);
    f(x) = abs(x - c) - c;
}

activation! {
    /// The textbook hard sigmoid written with `clamp`.
    pub struct ClampedHardSigmoid;
    f(x) = clamp(x + 3, 0, 6) / 6;
}

activation! {
    /// Sigmoid's slope written out: its maximum 0.25 (at 0) is exact.
    pub struct SigmoidSlope;
    f(x) = sigmoid(x) * (1 - sigmoid(x));
}

activation! {
    /// Tanh's slope written out: its maximum 1 (at 0) is exact.
    pub struct TanhSlope;
    f(x) = 1 - powi(tanh(x), 2);
}

activation! {
    /// A shifted, scaled bump with an interior maximum away from 0 and a parameter.
    pub struct OffBump(a = 3.0);
    f(x) = a * exp(-(x - 0.7) * (x - 0.7));
}

// ---- The examples, each false before the metadata followed the parameters. ----

#[test]
fn range_follows_the_parameters() {
    assert_eq!(Elu::new(-2.0).range().to_string(), "[0, ∞)");
    assert_eq!(Elu::new(0.0).range().to_string(), "[0, ∞)");
    assert_eq!(Elu::new(2.5).range().to_string(), "(-2.5, ∞)");
    assert_eq!(LeakyRelu::new(0.0).range().to_string(), "[0, ∞)");
    assert_eq!(LeakyRelu::new(-2.0).range().to_string(), "[0, ∞)");
    assert_eq!(LeakyRelu::new(0.3).range().to_string(), "(-∞, ∞)");
    assert_eq!(Selu::new(1.0, -1.0).range().to_string(), "(-∞, 1)");
    assert_eq!(Clipped::new(2.0).range().to_string(), "[0, 2]");
    assert_eq!(Clipped::new(-1.0).range().to_string(), "[-1, 0]");
    // At the defaults, the compile-time constants.
    assert_eq!(Elu::default().range().to_string(), "(-1, ∞)");
    assert_eq!(Clamped::default().range().to_string(), "[-1, 1]");
    assert_eq!(Clamped::new(-2.0, 3.0).range().to_string(), "[-2, 3]");
}

/// An attained maximum at a smooth turn is the value the function takes there, not an ULP
/// of the analysis's rounding noise above it (it was (0, 0.25000000000000006] and
/// (0, 1.0000000000000002], though forward(0.0) is 0.25 and 1 and nothing exceeds them).
#[test]
fn an_attained_maximum_is_the_value_at_the_turn() {
    assert_eq!(SigmoidSlope.range().to_string(), "(0, 0.25]");
    assert_eq!(SigmoidSlope.range().max(), SigmoidSlope.forward(0.0));
    assert!(SigmoidSlope.range().max_attained());
    assert_eq!(TanhSlope.range().to_string(), "(0, 1]");
    assert_eq!(OffBump::default().range().to_string(), "(0, 3]");
    assert_eq!(OffBump::new(2.5).range().to_string(), "(0, 2.5]");
}

#[test]
fn properties_follow_the_parameters() {
    // LeakyRelu with slope -1 is |x|.
    let abs = LeakyRelu::new(-1.0).properties();
    assert!(!abs.monotonic && !abs.zero_centred && !abs.smooth);
    assert_eq!(&*abs.kinks, &[0.0]);
    assert!(LeakyRelu::default().properties().monotonic);
    // ELU is C1 only at alpha = 1.
    assert!(Elu::default().properties().smooth);
    let e2 = Elu::new(2.0).properties();
    assert!(!e2.smooth && e2.monotonic && e2.zero_centred);
    assert_eq!(e2.derivative_at_zero, 2.0);
    // With alpha = -2 it dips: decreasing on the left, increasing on the right.
    let e = Elu::new(-2.0).properties();
    assert!(!e.monotonic && !e.zero_centred && !e.bounded_above && e.bounded_below);
    // The kinks of a clamp move with its bounds.
    assert_eq!(&*Clamped::new(-2.0, 3.0).properties().kinks, &[-2.0, 3.0]);
    assert_eq!(&*Vee::new(1.5).properties().kinks, &[1.5]);
    assert!(!Bump::default().properties().monotonic);
    assert!(!Bump::new(1e-6).properties().monotonic);
    // Smooth for every parameter, however sharp the turn at 0 (user trial: these read as
    // kinks); ELU with alpha = 2 still has one (f' jumps from 2 to 1).
    assert!(Celu::new(1e-300).properties().smooth);
    assert!(Squareplus::new(1e-30).properties().smooth);
    assert!(!Elu::new(2.0).properties().smooth);
}

/// SELU's x <= 0 side multiplies by `scale * alpha`: where that product overflows `f64`,
/// f(0) would be `inf * 0 = NaN` (exact: 0), so such values are refused; a huge factor whose
/// product is finite is accepted, and f(0) is 0 there (the property test's former failure,
/// alpha = scale = 1e300, which it draws with probability 1/576 per case).
#[test]
fn selu_refuses_an_overflowing_scale_alpha_and_keeps_a_finite_one() {
    for (alpha, scale) in [
        (1e300, 1e300),
        (-1e300, 1e300),
        (1e200, -1e200),
        (f64::MAX, 2.0),
    ] {
        let err = Selu::try_new(alpha, scale).unwrap_err();
        assert!(
            matches!(&err, ParamError::Invalid { condition, .. } if condition.starts_with("scale * alpha")),
            "{alpha} {scale}: {err:?}"
        );
        let mut s = Selu::default();
        assert!(s.set_params(&[("alpha", alpha), ("scale", scale)]).is_err());
        assert_eq!(s, Selu::default(), "a refused value changes nothing");
    }
    assert_eq!(
        Selu::try_new(-1e300, 1e300).unwrap_err().to_string(),
        "parameters must satisfy scale * alpha > -inf, got alpha = -1e300, scale = 1e300"
    );
    // Finite products, however large their factors: f(0) = 0, f'(0) = scale * alpha.
    for (alpha, scale) in [
        (1e300, 1e-300),
        (1e300, 1.0),
        (-1e300, 1.5),
        (f64::MAX, 1.0),
    ] {
        let s = Selu::try_new(alpha, scale).unwrap();
        assert_eq!(s.forward(0.0), 0.0, "{alpha} {scale}");
        assert_eq!(s.derivative(0.0), scale * alpha, "{alpha} {scale}");
        check_metadata(&s).unwrap();
    }
}

#[test]
fn invalid_parameters_are_refused_with_the_reason() {
    assert_eq!(Clamped::CONDITIONS, &["min_val < max_val"]);
    let err = Clamped::try_new(3.0, -2.0).unwrap_err();
    assert_eq!(
        err,
        ParamError::Invalid {
            condition: "min_val < max_val",
            params: vec![("min_val", 3.0), ("max_val", -2.0)],
        }
    );
    assert_eq!(
        err.to_string(),
        "parameters must satisfy min_val < max_val, got min_val = 3, max_val = -2"
    );
    let mut c = Clamped::default();
    assert!(c.set_param("min_val", 3.0).is_err());
    assert_eq!(c, Clamped::default(), "a refused value changes nothing");
    // One at a time, min_val = 2 would pass max_val = 1; together they are fine.
    c.set_params(&[("min_val", 2.0), ("max_val", 5.0)]).unwrap();
    assert_eq!(c, Clamped::new(2.0, 5.0));
    assert!(matches!(
        c.set_params(&[("max_val", 1.0), ("nope", 0.0)]),
        Err(ParamError::Unknown { .. })
    ));
    assert_eq!(c, Clamped::new(2.0, 5.0));
    assert!(matches!(
        SharpSoftplus::try_new(0.0),
        Err(ParamError::Invalid { .. })
    ));
    assert!(matches!(
        Elu::try_new(f64::NAN),
        Err(ParamError::NotFinite { name: "alpha", .. })
    ));
    // Fields are public: a value set directly is caught by check_params.
    let direct = Clamped {
        min_val: 1.0,
        max_val: 0.0,
    };
    assert!(direct.check_params().is_err());
    // The object-safe view refuses the same values.
    let mut dynamic: Box<Dyn> = Box::new(Clamped::new(-1.0, 1.0));
    assert!(dynamic.set_param("max_val", -5.0).is_err());
    assert_eq!(dynamic.conditions(), &["min_val < max_val"]);
}

#[test]
#[should_panic(expected = "Clamped::new: the parameters must satisfy `min_val < max_val`")]
fn new_panics_on_values_that_break_a_condition() {
    let _ = std::hint::black_box(Clamped::new)(3.0, -2.0);
}

#[test]
#[should_panic(expected = "Elu::new: `alpha` must be finite")]
fn new_panics_on_a_non_finite_value() {
    let _ = std::hint::black_box(Elu::new)(f64::INFINITY);
}

/// `new`'s panic names the caller's line (`#[track_caller]`), not the macro invocation
/// inside act-core where the struct is declared.
#[test]
fn new_panics_at_the_callers_location() {
    let new = || Celu::new(std::hint::black_box(0.0));
    let line = line!() - 1;
    let (file, at) = panic_location("Celu::new", new);
    assert!(file.ends_with("params.rs"), "panic located in {file}:{at}");
    assert_eq!(at, line);
}

#[test]
fn clamp_has_derivative_zero_at_its_bounds_like_the_built_in_hard_sigmoid() {
    for x in [-3.0f64, 3.0] {
        assert_eq!(ClampedHardSigmoid.derivative(x), 0.0);
        assert_eq!(HardSigmoid.derivative(x), 0.0);
    }
    assert_eq!(ClampedHardSigmoid.derivative(0.0), 1.0 / 6.0);
    assert!(ClampedHardSigmoid.forward(f64::NAN).is_nan());
    assert_eq!(&*Clamped::default().properties().kinks, &[-1.0, 1.0]);
    assert_eq!(Clamped::default().derivative(1.0), 0.0);
    assert_eq!(Clamped::default().derivative(-1.0), 0.0);
}

#[test]
fn squareplus_refuses_a_b_above_its_tested_range() {
    // b <= 1e14 is the range the accuracy tests cover (the series sqrt(x^2 + b) = |x| +
    // b / (2|x|) it once served beyond |x| = 1e15 is gone: x and b are scaled instead).
    assert!(matches!(
        Squareplus::try_new(1e300),
        Err(ParamError::Invalid {
            condition: "b <= 1e14",
            ..
        })
    ));
    let s = Squareplus::new(1e14);
    // Closed forms: (x + sqrt(x^2 + b)) / 2 = 1e16 (1 + 2.5e-19), b / (2 (sqrt(x^2 + b) - x))
    // = 1e14 / 4e16 (1 - 2.5e-19), both rounding to these.
    assert_eq!(s.forward(1e16f64), 1e16);
    assert!((s.forward(-1e16f64) - 2.5e-3).abs() <= 2.5e-3 * 4.0 * f64::EPSILON);
}

/// `got` within `ulps` of `want`, in the spacing of `want`'s binade (of the subnormals below
/// the normal range).
fn close32(got: f32, want: f64, ulps: f64) -> bool {
    let w = want as f32;
    let ulp = w.abs().max(f32::MIN_POSITIVE) as f64 * f32::EPSILON as f64;
    (got as f64 - want).abs() <= ulps * ulp
}

#[test]
fn squareplus_tails_beyond_the_scaling_threshold() {
    // Beyond |x| = 1e15, x and b enter scaled by powers of two and the result is scaled back
    // last: x^2 never overflows, and the derivative's b / (4 x^2) is the subnormal it should
    // be (rounded once), not 0. Reference: the closed forms in f64, where x^2 is exact for
    // f32 inputs and nothing overflows.
    // (b = 3.3 and 1e-20: b s^2 and b s are subnormal with few bits in f32, so they must
    // not be formed before the division.)
    for b in [4.0f64, 3.0, 3.3, 1e10, 1e-20, 1e-30] {
        let s = Squareplus::new(b);
        for x in [
            -f32::MAX,
            -3e19,
            -1.8e19,
            -1.2e19,
            -2e15,
            -1.1e15,
            -9e14,
            9e14,
            1.1e15,
            2e15,
            3e19,
            f32::MAX,
        ] {
            let xd = x as f64;
            let h = (xd * xd + b).sqrt();
            let (f, df) = if x >= 0.0 {
                ((xd + h) / 2.0, (h + xd) / (2.0 * h))
            } else {
                (b / (2.0 * (h - xd)), b / (2.0 * h * (h - xd)))
            };
            let mut d = [0.0f32];
            s.param_derivatives(x, &mut d);
            for (what, got, want) in [
                ("f", s.forward(x), f),
                ("f'", s.derivative(x), df),
                ("df/db", d[0], 1.0 / (4.0 * h)),
            ] {
                assert!(
                    close32(got, want, 4.0),
                    "b = {b:e}, x = {x:e}: {what} {got:e}, want {want:e}"
                );
            }
            let (mut y, mut dy) = ([0.0f32], [0.0f32]);
            s.forward_slice(&[x], &mut y);
            s.derivative_slice(&[x], &mut dy);
            assert!(
                close32(y[0], f, 4.0) && close32(dy[0], df, 4.0),
                "slices at {x:e}"
            );
        }
    }
    // Where the derivative is subnormal: b / (4 x^2) = 1.1e-39 at x = -3e19.
    assert!(Squareplus::default().derivative(-3e19f32) > 0.0);
    assert!(Squareplus::default().derivative(-3e19f32) < f32::MIN_POSITIVE);
    // f64, beyond its own threshold 1e150 (scaled by 2^-520): f = b / (4|x|), f' = b / (4 x^2)
    // and df/db = 1 / (4|x|), to far below eps, at these x (b / x^2 < 1e-299).
    let s = Squareplus::default();
    for x in [1e151f64, 1e200, 1e300, f64::MAX] {
        let (f, df, dfdb) = (1.0 / x, 1.0 / x / x, 0.25 / x);
        let mut d = [0.0f64];
        s.param_derivatives(-x, &mut d);
        assert!((s.forward(-x) - f).abs() <= 4.0 * f64::EPSILON * f.max(f64::MIN_POSITIVE));
        assert!((s.derivative(-x) - df).abs() <= 4.0 * f64::EPSILON * df.max(f64::MIN_POSITIVE));
        assert!((d[0] - dfdb).abs() <= 4.0 * f64::EPSILON * dfdb);
        assert_eq!(s.forward(x), x);
        assert_eq!(s.derivative(x), 1.0);
    }
}

/// Squareplus' slice loops run a lean body (the scaling beyond |x| = 1e15 folded away) and run
/// the full one again over each 512-element chunk holding an input in the tail: in every
/// chunk, with and without such inputs, each result is the scalar method's (the full body).
fn squareplus_slices_match_the_scalar_methods<F: Float + std::fmt::Debug>() {
    let s = Squareplus::default();
    let far = [
        1e16,
        -3e19,
        2e15,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        -f64::MAX,
        1e200,
    ];
    // Four chunks: plain inputs only; the tail inputs spread among them; one tail input at
    // the end of the third (the last element checked); and a short last one with NaN.
    let mut x: Vec<F> = (0..1700)
        .map(|i| F::from_f64((i as f64 - 850.0) * 0.37))
        .collect();
    for (k, v) in far.iter().enumerate() {
        x[600 + 50 * k] = F::from_f64(*v);
    }
    x[1535] = F::from_f64(-1e17);
    x[1600] = F::from_f64(f64::NAN);
    let g: Vec<F> = (0..x.len())
        .map(|i| F::from_f64(1.0 + i as f64 / 1024.0))
        .collect();
    let mut y = vec![F::from_f64(0.0); x.len()];
    let mut dy = y.clone();
    let mut gx = y.clone();
    s.forward_slice(&x, &mut y);
    s.derivative_slice(&x, &mut dy);
    s.backward_slice(&x, &g, &mut gx);
    let mut in_place = x.clone();
    s.forward_in_place(&mut in_place);
    let same =
        |a: F, b: F| a.to_f64().to_bits() == b.to_f64().to_bits() || (a.is_nan() && b.is_nan());
    for i in 0..x.len() {
        let (f, d) = (s.forward(x[i]), s.derivative(x[i]));
        assert!(
            same(y[i], f) && same(in_place[i], f),
            "forward at {:?}: {:?}",
            x[i],
            y[i]
        );
        assert!(
            same(dy[i], d),
            "derivative at {:?}: {:?}, want {d:?}",
            x[i],
            dy[i]
        );
        assert!(same(gx[i], g[i] * d), "backward at {:?}: {:?}", x[i], gx[i]);
    }
}

#[test]
fn squareplus_slices_with_and_without_tail_inputs() {
    squareplus_slices_match_the_scalar_methods::<f32>();
    squareplus_slices_match_the_scalar_methods::<f64>();
}

#[test]
fn squareplus_refuses_a_b_too_small_for_x_squared() {
    // With b = 0 (ReLU), x^2 underflows near 0: f(1e-200) would be 5e-201 and f'(1e-200) inf.
    assert!(matches!(
        Squareplus::try_new(0.0),
        Err(ParamError::Invalid {
            condition: "b >= 1e-30",
            ..
        })
    ));
    assert!(Squareplus::try_new(1e-31).is_err());
    // At the smallest b allowed, x^2 is negligible against b wherever it underflows in f32.
    // Reference: the closed forms (x + sqrt(x^2 + b)) / 2 and (1 + x / sqrt(x^2 + b)) / 2 in
    // f64, where nothing underflows at these x.
    let s = Squareplus::new(1e-30);
    for x in [1e-20f32, -1e-20, 1e-16, -1e-16, 1e-14, 3e-15, 0.0] {
        let (xd, b) = (x as f64, 1e-30f64);
        let h = (xd * xd + b).sqrt();
        let (f, df) = ((xd + h) / 2.0, (1.0 + xd / h) / 2.0);
        for (got, want) in [(s.forward(x), f), (s.derivative(x), df)] {
            let ulp = (want as f32).abs().max(f32::MIN_POSITIVE) * f32::EPSILON;
            assert!(
                (got as f64 - want).abs() <= 4.0 * ulp as f64,
                "x = {x:e}: {got:e}, want {want:e}"
            );
        }
    }
}

#[test]
fn formula_is_the_declared_form_in_canonical_print() {
    // As documented on `Activation::FORMULA`: not the stable form that runs.
    assert_eq!(Gelu::FORMULA, "x * erfc(-x / sqrt(2)) / 2");
    assert_eq!(Softplus::FORMULA, "ln(1 + exp(x))");
}

// ---- The property test. ----

/// Inputs for checking, chosen apart from the analysis's grid: random offsets around every
/// kink, a dense irregular sweep, and far tails.
fn inputs(kinks: &[f64], extra: &[f64]) -> Vec<f64> {
    let mut xs: Vec<f64> = (-3000..=3000)
        .map(|i| f64::from(i) * 0.01 + 0.003)
        .collect();
    for k in 1..=1040 {
        let v = 10f64.powf(f64::from(k) * 0.29 - 2.0);
        xs.extend([v, -v]);
    }
    for &k in kinks.iter().chain(extra) {
        xs.extend([k, k.next_up(), k.next_down(), k + 1e-3, k - 1e-3]);
    }
    xs.extend([
        0.0,
        1e300,
        -1e300,
        f64::MAX,
        -f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ]);
    xs
}

fn check_metadata(a: &Dyn) -> Result<(), TestCaseError> {
    let name = a.name();
    let params = a.params();
    let r = a.range();
    let p = a.properties();
    let at = |x: f64| {
        let (mut v, mut d) = ([0.0], [0.0]);
        a.table(&[x], &mut v, &mut d);
        (v[0], d[0])
    };
    let mut xs = inputs(
        &p.kinks,
        &params.iter().map(|&(_, v)| v).collect::<Vec<_>>(),
    );
    xs.sort_by(f64::total_cmp);
    // Interior extremes: where f' changes sign between neighbours, bisect on f' (the test's
    // own search, apart from the analysis's).
    let mut critical = Vec::new();
    for w in xs.windows(2) {
        let (mut l, mut h) = (w[0], w[1]);
        let dl = at(l).1;
        let dh = at(h).1;
        // By signs: the product of two slopes of 1e-300 underflows to 0.
        if (dl < 0.0 && dh > 0.0) || (dl > 0.0 && dh < 0.0) {
            for _ in 0..100 {
                let m = 0.5 * (l + h);
                if (at(m).1 < 0.0) == (dl < 0.0) {
                    l = m;
                } else {
                    h = m;
                }
            }
            critical.extend([l, h]);
            // A neighbourhood, with no dyadic step (inputs on a power-of-two lattice share
            // their rounding errors), where an attained extreme is looked for.
            let s = 1e-10 * l.abs().max(1.0);
            critical.extend((-200..=200).map(|j| l + f64::from(j) * s * 1.37));
        }
    }
    xs.extend(critical);
    let mut ys = vec![0.0; xs.len()];
    let mut ds = vec![0.0; xs.len()];
    a.table(&xs, &mut ys, &mut ds);
    let ctx = || format!("{name} {params:?}: range {r}, {p:?}");
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for ((&x, &y), &dy) in xs.iter().zip(&ys).zip(&ds) {
        prop_assert!(!y.is_nan(), "{}: f({x}) is NaN", ctx());
        if x.is_infinite() {
            // The limit, which an unattained bound is.
            lo = lo.min(y);
            hi = hi.max(y);
            continue;
        }
        // Far out a value may round onto an open bound (sigmoid(40) == 1.0), and next to an
        // interior extreme a few ULP past it (the documented allowance of `Range`: the bound
        // is the exact extreme rounded, `Bump`'s -1/sqrt(2e) = -0.42888194248035339..., and
        // the kernel's value at -1/sqrt(2) is -0.42888194248035344, one ULP beyond).
        let ulps = |b: f64| (y - b).abs() <= 4.0 * f64::EPSILON * b.abs();
        prop_assert!(
            r.contains(y)
                || y == r.min()
                || y == r.max()
                || (r.min_attained() && ulps(r.min()))
                || (r.max_attained() && ulps(r.max())),
            "{}: f({x}) = {y} is outside",
            ctx()
        );
        lo = lo.min(y);
        hi = hi.max(y);
        // An open bound is not reached at moderate inputs where f is flat (a flat piece there
        // is an attained bound). Where f still moves (f' != 0) it may round onto its limit:
        // Celu with alpha = 0.14 is -alpha (1 - e^-57) at x = -8, -alpha once rounded.
        // (An overflow to ±∞ is the rounding of a true value beyond the largest number.)
        if x.abs() <= 8.0 && y.is_finite() && dy == 0.0 {
            prop_assert!(
                r.min_attained() || y > r.min(),
                "{}: f({x}) = {y} reaches the open minimum",
                ctx()
            );
            prop_assert!(
                r.max_attained() || y < r.max(),
                "{}: f({x}) = {y} reaches the open maximum",
                ctx()
            );
        }
    }
    // An attained bound is a value the function takes (on the samples, which hold a
    // neighbourhood of every interior turn, every kink and the flat pieces' grid).
    prop_assert!(
        !r.min_attained() || ys.contains(&r.min()),
        "{}: no sample gives the attained minimum",
        ctx()
    );
    prop_assert!(
        !r.max_attained() || ys.contains(&r.max()),
        "{}: no sample gives the attained maximum",
        ctx()
    );
    // The bounds are tight: the samples come as close as rounding allows.
    let close = |a: f64, b: f64| a == b || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
    prop_assert!(close(lo, r.min()), "{}: samples reach only {lo}", ctx());
    prop_assert!(close(hi, r.max()), "{}: samples reach only {hi}", ctx());
    prop_assert_eq!(p.bounded_below, r.min().is_finite(), "{}", ctx());
    prop_assert_eq!(p.bounded_above, r.max().is_finite(), "{}", ctx());
    // Values at 0 and the derivative's sign.
    let (f0, d0) = at(0.0);
    prop_assert_eq!(p.value_at_zero.to_bits(), f0.to_bits(), "{}", ctx());
    prop_assert_eq!(p.derivative_at_zero.to_bits(), d0.to_bits(), "{}", ctx());
    let rising = ds.iter().any(|&d| d > 0.0);
    let falling = ds.iter().any(|&d| d < 0.0);
    prop_assert_eq!(p.monotonic, !(rising && falling), "{}", ctx());
    prop_assert_eq!(
        p.zero_centred,
        f0 == 0.0 && r.min() < 0.0 && r.max() > 0.0,
        "{}",
        ctx()
    );
    prop_assert_eq!(
        p.saturating.left,
        at(f64::NEG_INFINITY).1 == 0.0,
        "{}",
        ctx()
    );
    prop_assert_eq!(p.saturating.right, at(f64::INFINITY).1 == 0.0, "{}", ctx());
    // Each kink is a jump of f or f'; elsewhere on the samples f' has no jump of that size.
    prop_assert_eq!(p.smooth, p.kinks.is_empty(), "{}", ctx());
    for &k in p.kinks.iter() {
        let h = 1e-7 * k.abs().max(1.0);
        let (l, rr) = (at(k - h), at(k + h));
        let jump = |a: f64, b: f64| (a - b).abs() > 1e-4 * (1.0 + a.abs() + b.abs());
        prop_assert!(
            jump(l.0, rr.0) || jump(l.1, rr.1),
            "{}: no jump at kink {k}",
            ctx()
        );
    }
    Ok(())
}

/// A parameter value: often a special one (0, ±1, tiny, huge), otherwise moderate.
fn param_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(1.0),
        1 => Just(-1.0),
        1 => prop_oneof![Just(1e-300), Just(-1e-300), Just(1e6), Just(-1e6), Just(1e300), Just(-1e300)],
        4 => -10.0f64..10.0,
    ]
}

fn parametric() -> Vec<Box<Dyn>> {
    let mut all: Vec<Box<Dyn>> = registry::all()
        .iter()
        .map(|e| (e.make)())
        .filter(|a| !a.param_info().is_empty() && !a.is_vector())
        .collect();
    all.push(Box::new(Clipped::default()));
    all.push(Box::new(Clamped::default()));
    all.push(Box::new(SharpSoftplus::default()));
    all.push(Box::new(Bump::default()));
    all.push(Box::new(Vee::default()));
    all.push(Box::new(OffBump::default()));
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn metadata_holds_for_random_parameters(values in prop::collection::vec(param_value(), 4)) {
        for mut a in parametric() {
            let names: Vec<&str> = a.param_info().iter().map(|p| p.name).collect();
            let assignment: Vec<(&str, f64)> = names.iter().copied().zip(values.iter().copied()).collect();
            if a.set_params(&assignment).is_err() {
                // A declared condition refuses these values (checked above).
                continue;
            }
            check_metadata(a.as_ref())?;
        }
    }
}

#[test]
fn metadata_holds_at_the_defaults_of_every_builtin_and_declaration() {
    for a in parametric() {
        check_metadata(a.as_ref()).unwrap();
    }
    check_metadata(&SigmoidSlope).unwrap();
    check_metadata(&TanhSlope).unwrap();
    for e in registry::all() {
        let a = (e.make)();
        if !a.is_vector() {
            check_metadata(a.as_ref()).unwrap();
        }
    }
}
