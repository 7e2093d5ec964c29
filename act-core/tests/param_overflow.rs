//! Products by a parameter at the `f32` overflow threshold. A parameter is an `f64`; rounded
//! to `f32` before the product, it can carry the product across the threshold: SELU's
//! `scale x` was `∞` at x = 3.2386221e38, where `scale x` = 3.402823489e38 (mpmath) lies below
//! the threshold 3.402823567e38 and rounds to `f32::MAX`. Such products now round once
//! (`FloatKernels::__mul_param`), in every build, in the scalar methods and every slice path,
//! unless the parameter makes the plain product as right (`FloatKernels::__plain_param`: an
//! `f32`, or `2^-126 <= |p| <= 1`), where a plain twin of the loop runs.
//!
//! The reference is exact: the product of the two significands in integers, rounded to
//! nearest even (`round_product`), not act's output.

mod isa;
use isa::for_each_isa;

use act_core::prelude::*;

/// `p · a` rounded once to `f32` (nearest, ties to even; ±∞ beyond the threshold), for a
/// normal result; and whether the exact product lies within 2^-20 ulp of a halfway case,
/// where act's one rounding may go the other way (its error is below 2^-23 ulp).
fn round_product(a: f32, p: f64) -> (f32, bool) {
    assert!(a.is_normal() && p.is_normal(), "{a:e} {p:e}");
    let (ma, ea) = (
        u128::from(a.to_bits() & 0x7f_ffff | 0x80_0000),
        i32::try_from((a.to_bits() >> 23) & 0xff).unwrap() - 150,
    );
    let (mp, ep) = (
        u128::from(p.to_bits() & ((1 << 52) - 1) | (1 << 52)),
        i32::try_from((p.to_bits() >> 52) & 0x7ff).unwrap() - 1075,
    );
    let negative = (a < 0.0) != (p < 0.0);
    let m = ma * mp;
    let shift = 128 - m.leading_zeros() - 24;
    let (mut q, rem, half) = (m >> shift, m & ((1 << shift) - 1), 1u128 << (shift - 1));
    let near_tie = rem.abs_diff(half) < (1u128 << shift) >> 20;
    if rem > half || (rem == half && q & 1 == 1) {
        q += 1;
    }
    let mut e = ea + ep + i32::try_from(shift).unwrap();
    if q == 1 << 24 {
        q >>= 1;
        e += 1;
    }
    // q · 2^e with 2^23 <= q < 2^24: finite up to 2^(e + 23) <= 2^127.
    assert!(e + 23 >= -126, "subnormal product");
    let v = if e + 23 > 127 {
        f32::INFINITY
    } else {
        // Exact: q has 24 bits, the exponent is in range.
        (q as f64 * 2f64.powi(e)) as f32
    };
    (if negative { -v } else { v }, near_tie)
}

/// The least positive `f32` `a` for which `p a` rounds to ±∞, if any.
fn first_overflowing(p: f64) -> Option<f32> {
    if round_product(f32::MAX, p).0.is_finite() {
        return None;
    }
    let guess = (3.402_823_567e38 / p.abs()) as f32;
    let mut a = f32::from_bits(guess.min(f32::MAX).to_bits() - 8);
    assert!(round_product(a, p).0.is_finite());
    while round_product(a, p).0.is_finite() {
        a = f32::from_bits(a.to_bits() + 1);
    }
    Some(a)
}

/// Every path of `act` at `xs`, in the build in force: the scalar method, `forward_slice`
/// (the inputs repeated to 67, so that the vector loop and its tail both run) and
/// `forward_in_place`; the first differing result from `want`, if any.
fn paths<A: Elementwise>(act: &A, xs: &[f32], want: &[f32]) -> Result<(), String> {
    let long: Vec<f32> = xs.iter().copied().cycle().take(67).collect();
    let mut y = vec![0.0f32; long.len()];
    act.forward_slice(&long, &mut y);
    let mut z = long.clone();
    act.forward_in_place(&mut z);
    for (i, &x) in long.iter().enumerate() {
        let w = want[i % xs.len()];
        for (path, got) in [
            ("forward", act.forward(x)),
            ("forward_slice", y[i]),
            ("forward_in_place", z[i]),
        ] {
            if got.to_bits() != w.to_bits() {
                return Err(format!("{path}({x:e}) = {got:e}, want {w:e}"));
            }
        }
    }
    Ok(())
}

/// A check of every path at some inputs against the wanted results (see [`paths`]).
type Paths<'a> = dyn Fn(&[f32], &[f32]) -> Result<(), String> + 'a;

/// SELU at x = 3.2386221e38 and the next `f32`: `[f32::MAX, ∞]` (mpmath: 3.402823489e38 and
/// 3.402823703e38 against the threshold 3.402823567e38), on every path in every build.
#[test]
fn selu_rounds_scale_x_once_at_the_threshold() {
    let x = 3.238_622_1e38f32;
    let next = f32::from_bits(x.to_bits() + 1);
    let scale = Selu::default().scale;
    // The exact reference agrees with mpmath.
    assert_eq!(round_product(x, scale).0, f32::MAX);
    assert_eq!(round_product(next, scale).0, f32::INFINITY);
    assert_eq!(first_overflowing(scale), Some(next));
    let want = [f32::MAX, f32::INFINITY];
    let mut y = [0.0f32; 2];
    for_each_isa(|isa| {
        Selu::default().forward_slice(&[x, next], &mut y);
        assert_eq!(y, want, "{isa:?}");
        paths(&Selu::default(), &[x, next], &want).unwrap_or_else(|e| panic!("{isa:?} {e}"));
    });
}

/// Products by a parameter, at the threshold and elsewhere, on every path in every build:
/// rounded once where the plain product could be wrong at the threshold, plain (the parameter
/// rounded to `f32` first) where it cannot (`FloatKernels::__plain_param`: the parameter is an
/// `f32`, or `2^-126 <= |p| <= 1`). SELU's `scale x` (default `scale`, 2, an `f32`, and 0.9),
/// and leaky ReLU's and PReLU's `alpha x` for x <= 0 with slopes whose `f32` rounding lies
/// above (1.1, 3.7), below (1.3) or at 1 (1 + 3e-8: the rounded slope gave `-MAX` at
/// `x = -MAX`, where the product is beyond the threshold), `f32` ones (3, 1e10, 0.25), slopes
/// at most 1 (0.1), negative ones too. Inputs: the eight `f32` values about the first one that
/// overflows (or `MAX`), and a spread of ordinary ones (products from 1e-30: below, the
/// rounding of `x l` in the FMA builds may move a product by up to 2^-150). The two loops
/// give different results for each inexact parameter at some of these inputs (checked), so
/// that the results tell which ran.
#[test]
fn products_by_a_parameter_round_once_or_are_plain() {
    let spread: Vec<f32> = (0..400)
        .map(|i| {
            let t = f64::from(i) / 400.0;
            (2f64.powf(-100.0 + 225.0 * t) * (1.0 + 0.618 * t)) as f32
        })
        .collect();
    let mut failures = Vec::new();
    // Each activation's parameter `p`, whether its product should be plain, the side `sign`
    // of its inputs, and its paths.
    let mut check = |name: &str, p: f64, plain: bool, sign: f32, act: &Paths<'_>| {
        let mut xs: Vec<f32> = match first_overflowing(p) {
            Some(a0) => (0..8)
                .map(|k| f32::from_bits(a0.to_bits() - 4 + k))
                .collect(),
            None => vec![f32::MAX],
        };
        xs.retain(|a| a.is_finite());
        xs.extend(spread.iter().copied().filter(|&a| {
            let v = f64::from(a) * p.abs();
            v > 1e-30 && v < 3e38
        }));
        // Products within 2^-20 ulp of a halfway case may round either way: left out.
        // (They are common: `1.1 a` is an exact halfway case for one `a` in ten, and the
        // `f64` nearest 1.1 moves it by 2^-53 only.)
        let n = xs.len();
        let xs: Vec<f32> = xs
            .into_iter()
            .map(|a| sign * a)
            .filter(|&a| !round_product(a, p).1)
            .collect();
        assert!(
            2 * xs.len() >= n,
            "{name} {p}: {} of {n} left out",
            n - xs.len()
        );
        // The plain product: `p` rounded to `f32`, then the product rounded once.
        let pf = f64::from(p as f32);
        let once: Vec<f32> = xs.iter().map(|&a| round_product(a, p).0).collect();
        let twice: Vec<f32> = xs.iter().map(|&a| round_product(a, pf).0).collect();
        assert_eq!(
            once != twice,
            pf != p,
            "{name} {p}: the two loops differ at some input exactly when p is not an f32"
        );
        let want = if plain { &twice } else { &once };
        for_each_isa(|isa| {
            if let Err(e) = act(&xs, want) {
                failures.push(format!("{name}({p}) {isa:?}: {e}"));
            }
        });
    };
    for (scale, plain) in [(Selu::default().scale, false), (2.0, true), (0.9, true)] {
        let selu = Selu {
            scale,
            ..Selu::default()
        };
        check("Selu", scale, plain, 1.0, &|xs, want| {
            paths(&selu, xs, want)
        });
    }
    for (alpha, plain) in [
        (1.1, false),
        (3.7, false),
        (1.3, false),
        (1.0 + 3e-8, false),
        (3.0, true),
        (1e10, true),
        (0.25, true),
        (0.1, true),
        (-1.1, false),
        (-(1.0 + 3e-8), false),
        (-3.0, true),
        (-0.1, true),
    ] {
        check("LeakyRelu", alpha, plain, -1.0, &|xs, want| {
            paths(&LeakyRelu::new(alpha), xs, want)
        });
        check("PRelu", alpha, plain, -1.0, &|xs, want| {
            paths(&PRelu::new(alpha), xs, want)
        });
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The choice itself (`FloatKernels::__plain_param`): plain for an `f32` parameter (SELU's
/// `scale` of 2, 1e10, the smallest subnormal, ±∞) and for `2^-126 <= |p| <= 1` (leaky
/// ReLU's default 0.1, PReLU's 0.25, CELU's 1, ELU's 1), rounded once for other
/// parameters beyond 1 (SELU's default `scale`, 1.1, 1 + 3e-8), below 2^-126 (1e-40), beyond
/// `f32`'s range (1e300) and NaN; `f64` always plain.
#[test]
fn the_plain_loop_is_chosen_by_the_parameter() {
    use act_core::__private::FloatKernels;
    let plain = |p: f64| <f32 as FloatKernels>::__plain_param(p);
    for p in [
        LeakyRelu::default().alpha,
        PRelu::default().alpha,
        Celu::default().alpha,
        Elu::default().alpha,
        0.1,
        -0.1,
        0.999_999_999,
        -1.0,
        1e-30,
        f64::from(f32::MIN_POSITIVE),
        2.0,
        1e10,
        -3.0,
        0.0,
        f64::from(f32::from_bits(1)),
        f64::INFINITY,
    ] {
        assert!(plain(p), "{p:e}");
    }
    for p in [
        Selu::default().scale,
        1.1,
        -1.1,
        1.0 + 3e-8,
        1.000_000_001,
        1e-40,
        -1e-40,
        1e300,
        f64::NAN,
    ] {
        assert!(!plain(p), "{p:e}");
    }
    assert!(<f64 as FloatKernels>::__plain_param(Selu::default().scale));
}

/// `-0 · alpha` stays `-0` (the split parameter's parts share its sign), and the plain
/// product's special values are kept: ±∞ in gives ±∞, NaN gives NaN.
#[test]
fn signed_zeros_and_special_values_are_kept() {
    for_each_isa(|isa| {
        for alpha in [0.1, 1.1, -1.1, 1.0 + 3e-8] {
            let l = LeakyRelu::new(alpha);
            let s = if alpha > 0.0 { -1.0f32 } else { 1.0 };
            let xs = [-0.0f32, f32::NEG_INFINITY, f32::NAN];
            let mut y = [0.0f32; 3];
            l.forward_slice(&xs, &mut y);
            let want = [s * 0.0, s * -f32::NEG_INFINITY, f32::NAN];
            for (i, (&got, &w)) in y.iter().zip(&want).enumerate() {
                let same = got.to_bits() == w.to_bits() || got.is_nan() && w.is_nan();
                assert!(
                    same,
                    "{isa:?} alpha {alpha} x {:e}: {got:e}, want {w:e}",
                    xs[i]
                );
                let one = l.forward(xs[i]);
                let same = one.to_bits() == w.to_bits() || one.is_nan() && w.is_nan();
                assert!(same, "{isa:?} alpha {alpha} scalar x {:e}: {one:e}", xs[i]);
            }
        }
        assert_eq!(
            Selu::default().forward(f32::INFINITY),
            f32::INFINITY,
            "{isa:?}"
        );
        assert_eq!(Selu::default().forward(f32::MAX), f32::INFINITY, "{isa:?}");
    });
}
