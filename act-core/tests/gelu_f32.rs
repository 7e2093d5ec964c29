//! The `f32` GELU kernel, `math::f32::gelu`, against an independent `f64` reference
//! (`0.5 x erfc(-x / sqrt 2)` with `libm`'s `erfc`): both forms (portable, and the FMA builds'
//! single formula without a branch near 0), a sweep of every binade, a dense sweep near 0 and
//! the tails, signed zeros and the limits; and its derivative, `math::f32::gelu_prime`, the
//! same way (in ulps, but in eps around its root).

use act_core::math;

mod unary;
use unary::*;

/// `GELU(x)` in `f64`: `erfc`'s argument rounds to 2^-53 relative, which the tail multiplies by
/// about `x^2 <= 216`, far below an `f32` ulp.
fn reference(x: f32) -> f64 {
    let x = f64::from(x);
    0.5 * x * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}

/// Worst error in ulps of `gelu::<FMA>` over `xs`, and where.
fn worst<const FMA: bool>(xs: impl Iterator<Item = f32>) -> (f64, f32) {
    let mut w = (0.0, 0.0);
    for x in xs {
        let e = ulps_f32(math::f32::gelu::<FMA>(x), reference(x));
        if e > w.0 {
            w = (e, x);
        }
    }
    w
}

/// The exhaustive check's bounds: 3.5 ulp in the FMA builds; the portable form stays within the
/// 4 ulp budget (3.61 over every input, `benches/RESULTS.md`).
const FMA_BOUND: f64 = 3.5;
const PORTABLE_BOUND: f64 = 4.0;

#[test]
fn every_binade_within_the_bounds() {
    // Every 4099th bit pattern below the clamp and beyond (about a million inputs).
    let xs = || {
        (0..u32::MAX)
            .step_by(4099)
            .map(f32::from_bits)
            .filter(|x| x.is_finite())
    };
    let (e, x) = worst::<true>(xs());
    assert!(e <= FMA_BOUND, "fma: {e} ulp at x = {x:e}");
    let (e, x) = worst::<false>(xs());
    assert!(e <= PORTABLE_BOUND, "portable: {e} ulp at x = {x:e}");
}

#[test]
fn near_zero_and_in_the_tails_within_the_bounds() {
    // Where the FMA form has no separate branch and its errors peak (every 257th f32 of each
    // sign in [9.5e-7, 0.75]; over every input the worst is 3.43 ulp at -0.131) and the left
    // tail down to the underflow (every 101st f32 in [-14.8, -4]).
    let near = |sign: f32| {
        (f32::to_bits(9.5e-7)..f32::to_bits(0.75))
            .step_by(257)
            .map(move |b| sign * f32::from_bits(b))
    };
    let tail = (f32::to_bits(4.0)..f32::to_bits(14.8))
        .step_by(101)
        .map(|b| -f32::from_bits(b));
    for (what, (e, x)) in [
        ("near 0, x > 0", worst::<true>(near(1.0))),
        ("near 0, x < 0", worst::<true>(near(-1.0))),
        ("left tail", worst::<true>(tail)),
    ] {
        assert!(e <= FMA_BOUND, "fma, {what}: {e} ulp at x = {x:e}");
    }
}

#[test]
fn zeros_limits_and_tails() {
    for gelu in [math::f32::gelu::<false>, math::f32::gelu::<true>] {
        assert_eq!(gelu(0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(gelu(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(gelu(f32::INFINITY), f32::INFINITY);
        assert_eq!(gelu(f32::NEG_INFINITY).to_bits(), (-0.0f32).to_bits());
        assert!(gelu(f32::NAN).is_nan());
        assert_eq!(gelu(f32::MAX), f32::MAX);
        assert_eq!(gelu(20.0), 20.0);
        assert_eq!(gelu(-20.0).to_bits(), (-0.0f32).to_bits());
        // The left tail is not 0 (the form `0.5 x (1 + erf(x / sqrt 2))` gives -0 there):
        // GELU(-10) is about -7.6e-23; at -13.5 the value is subnormal.
        for x in [-10.0f32, -12.0, -13.5, -14.0] {
            let (got, want) = (gelu(x), reference(x));
            assert!(
                got < 0.0 && ulps_f32(got, want) <= PORTABLE_BOUND,
                "{x}: {got:e} vs {want:e}"
            );
        }
        // The smallest subnormals: `x/2` to within half a subnormal spacing (where `x/2` is a
        // tie the exact value lies a hair off it, and either neighbour passes).
        for b in 1..64u32 {
            for x in [f32::from_bits(b), -f32::from_bits(b)] {
                assert!(
                    ulps_f32(gelu(x), reference(x)) <= 0.501,
                    "{x:e}: {:e}",
                    gelu(x)
                );
            }
        }
    }
}

/// `GELU'(x) = Φ(x) + x φ(x)` in `f64`, as the sum of its two terms (`erfc` from `libm`).
fn reference_prime(x: f32) -> f64 {
    let x = f64::from(x);
    0.5 * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
        + x * (-0.5 * x * x).exp() / (2.0 * core::f64::consts::PI).sqrt()
}

/// The derivative's root (GELU's minimum), to `f64` precision.
const PRIME_ROOT: f64 = -0.751_791_524_693_564_5;

/// Around the root (`|x - x0| <= 1.5` where `|f'| <= 1/4`) the derivative is a difference of
/// terms of size 0.2-0.5 and is held to an absolute error (in `f32` eps), as in
/// `tests/accuracy.rs` (8 eps); the kernels stay within 1 eps (0.43 over every input with FMA).
const PRIME_ROOT_EPS: f64 = 1.0;

/// Worst error of `gelu_prime::<FMA>` over `xs`, in ulps outside the root zone and in eps
/// inside: `(ulps, at, eps, at)`.
fn worst_prime<const FMA: bool>(xs: impl Iterator<Item = f32>) -> (f64, f32, f64, f32) {
    let mut w = (0.0, 0.0, 0.0, 0.0);
    for x in xs {
        let (got, want) = (math::f32::gelu_prime::<FMA>(x), reference_prime(x));
        if (f64::from(x) - PRIME_ROOT).abs() <= 1.5 && want.abs() <= 0.25 {
            let e = (f64::from(got) - want).abs() / f64::from(f32::EPSILON);
            if e > w.2 || e.is_nan() {
                (w.2, w.3) = (e, x);
            }
        } else {
            let e = ulps_f32(got, want);
            if e > w.0 || e.is_nan() {
                (w.0, w.1) = (e, x);
            }
        }
    }
    w
}

#[test]
fn derivative_every_binade_within_the_bounds() {
    let xs = || {
        (0..u32::MAX)
            .step_by(4099)
            .map(f32::from_bits)
            .filter(|x| x.is_finite())
    };
    for (what, bound, (e, x, eps, xr)) in [
        ("fma", FMA_BOUND, worst_prime::<true>(xs())),
        ("portable", PORTABLE_BOUND, worst_prime::<false>(xs())),
    ] {
        assert!(e <= bound, "{what}: {e} ulp at x = {x:e}");
        assert!(eps <= PRIME_ROOT_EPS, "{what}: {eps} eps at x = {xr:e}");
    }
}

#[test]
fn derivative_near_zero_and_in_the_tails_within_the_bounds() {
    // Where the FMA form has no separate branch (every 257th f32 of each sign in [9.5e-7,
    // 0.75]), the left tail where the derivative is tiny, down to its underflow (every 101st
    // f32 in [-14.8, -2]), and the right side up to where it rounds to 1.
    let near = |sign: f32| {
        (f32::to_bits(9.5e-7)..f32::to_bits(0.75))
            .step_by(257)
            .map(move |b| sign * f32::from_bits(b))
    };
    let tail = (f32::to_bits(2.0)..f32::to_bits(14.8))
        .step_by(101)
        .map(|b| -f32::from_bits(b));
    let right = (f32::to_bits(0.75)..f32::to_bits(6.0))
        .step_by(101)
        .map(f32::from_bits);
    for (what, (e, x, eps, xr)) in [
        ("near 0, x > 0", worst_prime::<true>(near(1.0))),
        ("near 0, x < 0", worst_prime::<true>(near(-1.0))),
        ("left tail", worst_prime::<true>(tail)),
        ("right side", worst_prime::<true>(right)),
    ] {
        assert!(e <= FMA_BOUND, "fma, {what}: {e} ulp at x = {x:e}");
        assert!(
            eps <= PRIME_ROOT_EPS,
            "fma, {what}: {eps} eps at x = {xr:e}"
        );
    }
}

#[test]
fn derivative_zeros_limits_and_tails() {
    for gelu_prime in [
        math::f32::gelu_prime::<false>,
        math::f32::gelu_prime::<true>,
    ] {
        assert_eq!(gelu_prime(0.0), 0.5);
        assert_eq!(gelu_prime(-0.0), 0.5);
        assert_eq!(gelu_prime(f32::INFINITY), 1.0);
        assert_eq!(gelu_prime(f32::MAX), 1.0);
        assert_eq!(gelu_prime(20.0), 1.0);
        // Below the underflow, `+0` (the zero the sum `0.5 erfc + x φ` gives), not `-0`.
        assert_eq!(gelu_prime(f32::NEG_INFINITY).to_bits(), 0.0f32.to_bits());
        assert_eq!(gelu_prime(-20.0).to_bits(), 0.0f32.to_bits());
        assert!(gelu_prime(f32::NAN).is_nan());
        // The left tail is tiny and negative, not 0: about -1.5e-21 at -10; subnormal from
        // -13.7.
        for x in [-3.0f32, -6.0, -10.0, -12.0, -13.5, -13.8, -14.0] {
            let (got, want) = (gelu_prime(x), reference_prime(x));
            assert!(
                got < 0.0 && ulps_f32(got, want) <= PORTABLE_BOUND,
                "{x}: {got:e} vs {want:e}"
            );
        }
        // Subnormal inputs: 1/2 (`x φ(x)` and `Φ(x) - 1/2` are far below half an ulp).
        for b in 1..64u32 {
            for x in [f32::from_bits(b), -f32::from_bits(b)] {
                assert_eq!(gelu_prime(x), 0.5, "{x:e}");
            }
        }
    }
}

/// GEGLU's pair `math::f32::gelu_pair`, both forms: the value is `gelu`'s, bit for bit; the
/// derivative is `gelu_prime`'s where it is unscaled (`x >= -10`) and `2^32` times it below,
/// normal down to the clamp (-14.7), where the unscaled derivative is subnormal from -13.7
/// (against the closed form `Φ(x) + x φ(x)`, `libm`'s `erfc`: within 4 ulp), 0 beyond the
/// clamp; finite for every cofactor where it is scaled.
#[test]
fn gelu_pair_is_gelu_and_its_scaled_derivative() {
    fn run<const FMA: bool>() {
        let dref = |x: f32| {
            let x = f64::from(x);
            0.5 * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
                + x * (-0.5 * x * x).exp() / (2.0 * core::f64::consts::PI).sqrt()
        };
        let mut x = -16.0f32;
        while x <= 16.0 {
            let (v, cd, inv) = math::f32::gelu_pair::<FMA>(x);
            assert_eq!(v.to_bits(), math::f32::gelu::<FMA>(x).to_bits(), "{x}");
            if x >= -10.0 {
                assert_eq!(inv, 1.0, "{x}");
                assert_eq!(
                    cd.to_bits(),
                    math::f32::gelu_prime::<FMA>(x).to_bits(),
                    "{x}"
                );
            } else if x >= -14.69 {
                assert_eq!(inv, 1.0 / 4_294_967_296.0, "{x}");
                assert!(cd.is_normal() && cd.abs() < 1e-9, "{x}: {cd:e}");
                let want = dref(x) * 4_294_967_296.0;
                let err = (f64::from(cd) - want).abs() / (want.abs() * f64::from(f32::EPSILON));
                assert!(err <= 4.0, "FMA {FMA}, {x}: {cd:e} vs {want:e} ({err} eps)");
            } else if x < -14.71 {
                // Beyond the clamp, `GELU_LIM` (14.70 as rounded).
                assert_eq!(cd, 0.0, "{x}");
            }
            x += 0.0037;
        }
        assert_eq!(
            math::f32::gelu_pair::<FMA>(f32::INFINITY),
            (f32::INFINITY, 1.0, 1.0)
        );
        assert_eq!(math::f32::gelu_pair::<FMA>(f32::NEG_INFINITY).1, 0.0);
        assert!(math::f32::gelu_pair::<FMA>(f32::NAN).1.is_nan());
    }
    run::<true>();
    run::<false>();
}
