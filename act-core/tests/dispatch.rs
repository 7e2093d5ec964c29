//! The AVX2 and AVX-512 builds of the slice loops give bitwise the same results, for every
//! built-in, f32 and f64, forward and backward, on inputs that cover zero, subnormals, the
//! tails, infinities and NaN: both use the FMA kernels, and lane width does not change a
//! result. The portable build (no FMA) rounds differently in places; `tests/accuracy.rs`
//! holds every build, forced in turn, to the 4 ULP bound against mpmath.
//!
//! The forced level is process-wide: each test holds [`LEVEL`] while it forces levels.

use std::sync::Mutex;

use act_core::dispatch::{self, Isa};
use act_core::prelude::*;

/// Held by each test for as long as it forces levels (tests run in parallel threads).
static LEVEL: Mutex<()> = Mutex::new(());

fn hold() -> std::sync::MutexGuard<'static, ()> {
    LEVEL.lock().unwrap_or_else(|e| e.into_inner())
}

fn inputs<F: Float>() -> Vec<F> {
    let mut v: Vec<f64> = vec![
        0.0,
        -0.0,
        1e-310,
        -1e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for k in -400..=400 {
        let m = 10f64.powf(f64::from(k) / 40.0);
        v.extend([m, -m, m * 1.37, -m * 0.73]);
    }
    v.extend((-2000..=2000).map(|i| f64::from(i) / 100.0 + 0.003));
    v.into_iter().map(F::from_f64).collect()
}

fn bits<F: Float>(v: &[F]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

/// All slice outputs of `a` at the active level.
fn elementwise_outputs<A: Elementwise, F: Float>(a: &A, x: &[F]) -> Vec<Vec<u64>> {
    let n = x.len();
    let mut y = vec![F::ZERO; n];
    a.forward_slice(x, &mut y);
    let mut d = vec![F::ZERO; n];
    a.derivative_slice(x, &mut d);
    let g: Vec<F> = (0..n)
        .map(|i| F::from_f64(1.0 - (i % 7) as f64 * 0.25))
        .collect();
    let mut gx = vec![F::ZERO; n];
    a.backward_slice(x, &g, &mut gx);
    let mut z = x.to_vec();
    a.forward_in_place(&mut z);
    vec![bits(&y), bits(&d), bits(&gx), bits(&z)]
}

fn vector_outputs<A: VectorActivation, F: Float>(a: &A, x: &[F]) -> Vec<Vec<u64>> {
    let finite: Vec<F> = x
        .iter()
        .copied()
        .filter(|v| v.to_f64().abs() < 50.0)
        .collect();
    let n = finite.len();
    let mut y = vec![F::ZERO; n];
    a.forward_slice(&finite, &mut y);
    let g: Vec<F> = (0..n).map(|i| F::from_f64((i % 5) as f64 - 2.0)).collect();
    let mut gx = vec![F::ZERO; n];
    a.backward_slice(&finite, &g, &mut gx);
    vec![bits(&y), bits(&gx)]
}

/// Every built-in's outputs (the vector ones' from `vector_outputs`), by name.
fn outputs<F: Float>() -> Vec<(&'static str, Vec<Vec<u64>>)> {
    macro_rules! all_outputs {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {{
            let x = inputs::<F>();
            vec![
                $( (stringify!($e), elementwise_outputs(&$e::default(), &x)), )*
                $( (stringify!($v), vector_outputs(&$v::default(), &x)), )*
            ]
        }};
    }
    act_core::__for_each_builtin!(all_outputs)
}

#[test]
fn the_fma_builds_agree_bit_for_bit() {
    let _level = hold();
    let levels = Isa::available();
    eprintln!("levels on this machine: {levels:?}");
    let mut fma_levels = levels.into_iter().filter(|&i| i >= Isa::Avx2);
    let Some(first) = fma_levels.next() else {
        eprintln!("no FMA build on this CPU: nothing to compare");
        return;
    };
    dispatch::force(Some(first)).unwrap();
    let base = (outputs::<f32>(), outputs::<f64>());
    for isa in fma_levels {
        dispatch::force(Some(isa)).unwrap();
        assert_eq!(dispatch::active(), isa);
        let got = (outputs::<f32>(), outputs::<f64>());
        for (dtype, (b, g)) in [("f32", (&base.0, &got.0)), ("f64", (&base.1, &got.1))] {
            for ((name, bo), (_, go)) in b.iter().zip(g) {
                for (k, (bv, gv)) in bo.iter().zip(go).enumerate() {
                    let first_diff = bv.iter().zip(gv).position(|(p, q)| p != q);
                    assert!(
                        first_diff.is_none(),
                        "{name} {dtype} output {k} differs under {isa:?} from {first:?} at index {first_diff:?}"
                    );
                }
            }
        }
    }
    dispatch::force(None).unwrap();
    // Forcing a level the CPU lacks is refused.
    assert!(dispatch::force(Some(Isa::Avx512)).is_ok() || dispatch::detected() < Isa::Avx512);
    dispatch::force(None).unwrap();
    assert_eq!(dispatch::active(), dispatch::detected());
}

/// The underflow policy (`act_core::math`): a result below the normal range is the subnormal
/// nearest to it, in every build; mathematically equal results agree. The references are
/// closed forms in f64 (`e^x / (1 + e^x)`, `4 e^-2|x| / (1 + e^-2|x|)^2`) and, for f64, the
/// exact subnormal spacing count.
#[test]
fn subnormal_results_in_every_build() {
    let _level = hold();
    fn sigmoid_ref(x: f64) -> f64 {
        x.exp() / (1.0 + x.exp())
    }
    let f32_ulps =
        |got: f32, want: f64| (f64::from(got) - want).abs() / f64::from(f32::from_bits(1));
    for isa in Isa::available() {
        dispatch::force(Some(isa)).unwrap();
        for x in [-88.0f32, -90.0, -95.0, -100.0, -103.0] {
            let want = sigmoid_ref(f64::from(x));
            assert!(want < f64::from(f32::MIN_POSITIVE));
            for (what, got) in [
                ("sigmoid", Sigmoid.forward(x)),
                ("sigmoid'", Sigmoid.derivative(-x)),
                ("softplus'", Softplus.derivative(x)),
                ("elu'", Elu::default().derivative(x)),
            ] {
                let want = if what.starts_with("elu") {
                    f64::from(x).exp()
                } else {
                    want
                };
                assert!(
                    f32_ulps(got, want) <= 1.0,
                    "{isa:?}: {what}({x}) = {got:e}, want {want:e}"
                );
            }
            let mut slice = [0.0f32; 3];
            Sigmoid.forward_slice(&[x, x, x], &mut slice);
            assert_eq!(slice[0], Sigmoid.forward(x), "{isa:?}");
            assert_eq!(
                Sigmoid.forward(x),
                Softplus.derivative(x),
                "{isa:?}: sigmoid = softplus' at {x}"
            );
        }
        // tanh'(44.5) = 4 e^-89 (1 + ...) is subnormal in f32.
        let t = Tanh.derivative(44.5f32);
        let e = (-89.0f64).exp();
        let want = 4.0 * e / ((1.0 + e) * (1.0 + e));
        assert!(
            f32_ulps(t, want) <= 1.0,
            "{isa:?}: tanh'(44.5) = {t:e}, want {want:e}"
        );
        // f64: sigmoid(-709) = softplus'(-709) = e^-709 / (1 + e^-709), about 1.2e-308.
        let s = Sigmoid.forward(-709.0f64);
        let want = (-709.0f64).exp();
        assert!(
            s > 0.0 && s < f64::MIN_POSITIVE,
            "{isa:?}: sigmoid(-709) = {s:e}"
        );
        assert!(
            (s - want).abs() <= 2.0 * f64::from_bits(1),
            "{isa:?}: {s:e} vs {want:e}"
        );
        assert_eq!(
            s,
            Softplus.derivative(-709.0f64),
            "{isa:?}: sigmoid = softplus' at -709"
        );
        // ELU and CELU (alpha = 1) at subnormal x < 0 are e^x - 1 = x (to far below half an
        // ULP): the input itself, not 0 or a neighbour (-5e-324 gave 0, -1.5e-323 -2e-323).
        for k in [1u64, 3, 1 << 40] {
            let x = -f64::from_bits(k);
            assert_eq!(Elu::default().forward(x), x, "{isa:?}: elu({x:e})");
            assert_eq!(Celu::default().forward(x), x, "{isa:?}: celu({x:e})");
            let x = -f32::from_bits(k as u32 | 1);
            assert_eq!(Elu::default().forward(x), x, "{isa:?}: elu({x:e})");
            assert_eq!(Celu::default().forward(x), x, "{isa:?}: celu({x:e})");
        }
        // Softsign'(x) = 1 / (1 + |x|)^2, subnormal in f32 beyond 1.8e19 where the square
        // overflows (it gave 0), and in f64 beyond 1.3e154.
        for x in [2e19f32, -1e21, 2.5e22] {
            let want = 1.0 / (f64::from(x).abs() + 1.0).powi(2);
            let got = Softsign.derivative(x);
            assert!(
                f32_ulps(got, want) <= 1.0,
                "{isa:?}: softsign'({x}) = {got:e}, want {want:e}"
            );
        }
        for x in [2e154f64, -1e160] {
            let got = Softsign.derivative(x);
            let want = (1.0 / x).powi(2); // exact to far below a subnormal spacing here
            assert!(
                (got - want).abs() <= f64::from_bits(1),
                "{isa:?}: softsign'({x}) = {got:e}"
            );
        }
        // Below half the smallest subnormal the nearest value is 0.
        assert_eq!(Sigmoid.forward(-110.0f32), 0.0, "{isa:?}");
        assert_eq!(Sigmoid.forward(-746.0f64), 0.0, "{isa:?}");
    }
    dispatch::force(None).unwrap();
}

/// The scalar methods run the slice loops' per-element plan in the active build, with the
/// one-element kernel entries (`act_core::__private::OneKernels`). In `f64` those are the slice
/// kernels: the same bits as the slice methods, for every elementwise built-in, in every build. In
/// `f32` the sigmoid family (`sigmoid`, `sigmoid'`, `silu`, `silu'`) has a one-element form (`f64`
/// with a table lookup, no fused multiply-add), so the activations that call them may differ from
/// the slices (`tests/accuracy.rs` holds both paths to 4 ULP of mpmath): here within 2 ULP, or 8
/// eps in absolute terms where a derivative's terms cancel near its root (swish' at x = -1.28),
/// and, where they call no other kernel, with the same bits in every build. Every other activation
/// (GELU-tanh too: in `f32` its value and derivative are kernels of their own) gives the slices'
/// bits.
#[test]
fn scalar_methods_give_the_slice_bits_in_every_build() {
    let _level = hold();
    /// The built-ins that call `sigmoid` or `sigmoid'`.
    const ONE_ELEMENT_KERNELS: [&str; 4] = ["Sigmoid", "Swish", "Softplus", "LogSigmoid"];
    /// Those whose value and derivative call no other kernel (softplus and log-sigmoid have a
    /// kernel of their own for the value).
    const SAME_IN_EVERY_BUILD: [&str; 2] = ["Sigmoid", "Swish"];
    fn ulps(a: f64, b: f64, eps: f64, tiny: f64) -> f64 {
        if a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) {
            return 0.0;
        }
        (a - b).abs() / (eps * a.abs().max(b.abs())).max(tiny)
    }
    /// The scalar outputs (f32: bits of forward and derivative), after checking them against
    /// the slices.
    fn check<A: Elementwise, F: Float>(a: &A, isa: Isa) -> Vec<u64> {
        let x = inputs::<F>();
        let mut y = vec![F::ZERO; x.len()];
        a.forward_slice(&x, &mut y);
        let mut d = vec![F::ZERO; x.len()];
        a.derivative_slice(&x, &mut d);
        let eps = F::EPSILON.to_f64();
        let f64_type = eps == f64::EPSILON;
        let tiny = if f64_type {
            f64::from_bits(1)
        } else {
            f64::from(f32::from_bits(1))
        };
        let own_kernel = !f64_type && ONE_ELEMENT_KERNELS.contains(&A::NAME);
        let mut out = Vec::new();
        for (i, &v) in x.iter().enumerate() {
            let (f, df) = (a.forward(v), a.derivative(v));
            for (what, got, want) in [("forward", f, y[i]), ("derivative", df, d[i])] {
                let (got, want) = (got.to_f64(), want.to_f64());
                out.push(if got.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    got.to_bits()
                });
                if own_kernel {
                    let u = ulps(got, want, eps, tiny);
                    assert!(
                        u <= 2.0 || (got - want).abs() <= 8.0 * eps,
                        "{} {isa:?} {what}({:e}): scalar {got:e}, slice {want:e} ({u:.1} ULP apart)",
                        A::NAME,
                        v.to_f64()
                    );
                } else {
                    // NaN's sign and payload are not results (an optimised build may flip the
                    // sign of a NaN passed through): any NaN matches any NaN.
                    assert!(
                        got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan(),
                        "{} {isa:?} {what}({:e}): scalar {got:e}, slice {want:e}",
                        A::NAME,
                        v.to_f64()
                    );
                }
            }
        }
        out
    }
    let mut first: std::collections::HashMap<&str, Vec<u64>> = Default::default();
    for isa in Isa::available() {
        dispatch::force(Some(isa)).unwrap();
        macro_rules! all {
            (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
                $(
                    let bits = check::<$e, f32>(&$e::default(), isa);
                    if SAME_IN_EVERY_BUILD.contains(&$e::NAME) {
                        let earlier = first.entry($e::NAME).or_insert_with(|| bits.clone());
                        assert!(*earlier == bits, "{} f32 scalar: {isa:?} differs from the first build", $e::NAME);
                    }
                    check::<$e, f64>(&$e::default(), isa);
                )*
            };
        }
        act_core::__for_each_builtin!(all);
    }
    assert_eq!(
        first.len(),
        SAME_IN_EVERY_BUILD.len(),
        "every name is a built-in"
    );
    dispatch::force(None).unwrap();
}
