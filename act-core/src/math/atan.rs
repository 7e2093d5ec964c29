//! `atan` for `f32` and `f64` (expanded in each type's module: `math::f32::atan`,
//! `math::f64::atan`).
//!
//! Method: with `t = |x|`, three branch-free ranges, selected per element:
//! - `t < 1/2`: `r = t`;
//! - `1/2 <= t <= 1 + sqrt 2`: `atan t = pi/4 + atan r`, `r = (t - 1) / (t + 1)`; `t - 1` is exact
//!   (Sterbenz), the rounding errors of `t + 1` (Fast2Sum) and of the division (an exact
//!   residual, FMA or Dekker's product) are carried as `r_lo`, so the result near `pi/8`,
//!   where `r` is as large as the result, does not inherit them;
//! - `t > 1 + sqrt 2` (and ±inf): `atan t = pi/2 + atan r`, `r = -1/t`.
//!
//! So `|r| <= 1/2`, and `atan r = r + r z P(z)`, `z = r^2`, with `P` of degree 11 (f64) / 5
//! (f32) fitted to `(atan(r) - r) / r^3` on `[0, 1/4]` by `scripts/fit_atan.py` (mpmath's
//! Chebyshev fit; fit error under 0.08 epsilon). `pi/2` and `pi/4` are two-part constants; the
//! sum `y0 + r` is formed exactly (Fast2Sum, `|y0| >= |r|` or `y0 = 0`) and the small parts
//! added to its low half, so the result rounds about once. The sign is restored with
//! `copysign`: `atan(-0) = -0`, `atan(±inf) = ±pi/2` rounded, NaN stays NaN, and subnormal
//! inputs come back unchanged (`atan x = x` to far below an ulp there).
//!
//! Accuracy against mpmath (`tests/math_accuracy.rs`, data from
//! `scripts/gen_math_reference.py`): see the [module overview](super).

/// Constants of the `f64` kernel.
pub(super) mod f64_consts {
    /// `P(z)`, lowest degree first (`scripts/fit_atan.py`).
    pub const P: [f64; 12] = [
        -0.33333333333333326,
        0.199999999999916,
        -0.14285714284106285,
        0.11111110990139533,
        -0.09090904370311348,
        0.07692198451257941,
        -0.06665052856794013,
        0.058664967492257074,
        -0.05157516225552972,
        0.04283578705573422,
        -0.02895352123252625,
        0.011152908092096216,
    ];
    /// `pi/2` as `hi + lo` (`hi` correctly rounded).
    pub const PIO2: (f64, f64) = (core::f64::consts::FRAC_PI_2, 6.123_233_995_736_766e-17);
    /// `pi/4` as `hi + lo` (`hi` correctly rounded).
    pub const PIO4: (f64, f64) = (core::f64::consts::FRAC_PI_4, 3.061_616_997_868_383e-17);
    /// Above this (`1 + sqrt 2`), `atan t = pi/2 + atan(-1/t)`.
    pub const FAR: f64 = 2.414_213_562_373_095;
}

/// Constants of the `f32` kernel.
pub(super) mod f32_consts {
    /// `P(z)`, lowest degree first (`scripts/fit_atan.py`).
    pub const P: [f32; 6] = [
        -0.33333334,
        0.19999875,
        -0.142798,
        0.110068806,
        -0.08235506,
        0.04225686,
    ];
    /// `pi/2` as `hi + lo` (`hi` correctly rounded).
    pub const PIO2: (f32, f32) = (core::f32::consts::FRAC_PI_2, -4.371_139e-8);
    /// `pi/4` as `hi + lo` (`hi` correctly rounded).
    pub const PIO4: (f32, f32) = (core::f32::consts::FRAC_PI_4, -2.185_569_4e-8);
    /// Above this (`1 + sqrt 2`), `atan t = pi/2 + atan(-1/t)`.
    pub const FAR: f32 = 2.414_213_5;
}

/// Defines `atan::<FMA>` for `$t` in the module that expands it, with the constants of
/// `super::atan::$consts` and that module's `fm`, `poly` and `two_prod`.
macro_rules! atan_kernel {
    ($t:ident, $consts:ident) => {
        /// `atan(x)`, in `[-pi/2, pi/2]` (radians): `atan(±inf)` is `±pi/2` rounded,
        /// `atan(-0) = -0`, NaN gives NaN, a subnormal `x` gives `x`.
        ///
        /// `|x|` is reduced to `|r| <= 1/2`: `r = |x|` below 1/2, `r = (|x| - 1) / (|x| + 1)`
        /// with offset `pi/4` up to `1 + sqrt 2` (the rounding of that quotient carried into
        /// the result), `r = -1/|x|` with offset `pi/2` beyond; then
        /// `atan r = r + r^3 P(r^2)`, `P` fitted with mpmath (`scripts/fit_atan.py`). Within
        /// 0.62 ulp (`f64`) and 0.57 ulp (`f32`) of mpmath on the reference grid of
        /// `tests/math_accuracy.rs`, both forms (`FMA` or not).
        #[inline(always)]
        pub fn atan<const FMA: bool>(x: $t) -> $t {
            use super::atan::$consts as c;
            let t = x.abs();
            let far = t > c::FAR;
            let mid = t >= 0.5 && !far;
            // `t + 1` and its rounding error (Fast2Sum on the larger and the smaller).
            let (big, small) = if t > 1.0 { (t, 1.0) } else { (1.0, t) };
            let d_mid = big + small;
            let d_mid_lo = small - (d_mid - big);
            let (n, d) = if far {
                (-1.0, t)
            } else if mid {
                (t - 1.0, d_mid)
            } else {
                (t, 1.0)
            };
            let r = n / d;
            // `n / (d + d_lo) - r`, to first order: the division's exact residual, less `r` times
            // the error of `d`, over `d`. Only the middle range needs it (elsewhere `r` is exact or
            // small against the result); `d` may be huge there, so the residual is selected away.
            let (p, p_lo) = two_prod::<FMA>(r, d);
            let r_lo = ((n - p) - p_lo - r * d_mid_lo) / d;
            let r_lo = if mid { r_lo } else { 0.0 };
            let (y0, y0_lo) = if far {
                c::PIO2
            } else if mid {
                c::PIO4
            } else {
                (0.0, 0.0)
            };
            let z = r * r;
            let tail = fm::<FMA>(r * z, poly::<FMA, _>(z, &c::P), y0_lo + r_lo);
            // `y0 + r` exactly (`|y0| >= |r|`, or `y0 = 0`).
            let hi = y0 + r;
            let lo = (y0 - hi) + r;
            (hi + (lo + tail)).copysign(x)
        }
    };
}
pub(super) use atan_kernel;
