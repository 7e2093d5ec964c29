//! `asinh` for `f32` and `f64` (expanded in each type's module: `math::f32::asinh`,
//! `math::f64::asinh`).

/// Defines `asinh::<FMA>` for `$t` in the module that expands it, with that module's `ln`,
/// `log1p` and `two_prod`; `$big` is the input above which `asinh t = ln t + ln 2` to below
/// half an ulp (`1/(4 t^2)` is under the type's epsilon), `$big_prime` the one above which
/// `asinh' t = 1/t` to a quarter ulp.
macro_rules! asinh_kernel {
    ($t:ident, $big:literal, $big_prime:literal) => {
        /// `asinh(x) = ln(x + sqrt(x^2 + 1))`, odd: `asinh(-0) = -0`, `asinh(±inf) = ±inf`,
        /// NaN gives NaN, a subnormal `x` gives `x`.
        ///
        /// For `t = |x|` up to `BIG`, `log1p(t + t^2 / (1 + sqrt(1 + t^2)))` (no
        /// cancellation: every term is positive), with the rounding error of `t^2` carried
        /// into the quotient; beyond, `ln t + ln 2`.
        #[inline(always)]
        pub fn asinh<const FMA: bool>(x: $t) -> $t {
            let t = x.abs();
            let big = t > $big;
            // Moderate `t` (also computed, and discarded, for a big one).
            let tm = if big { 1.0 } else { t };
            let (sq, sq_lo) = two_prod::<FMA>(tm, tm);
            let s = (1.0 + sq).sqrt();
            let den = 1.0 + s;
            let q = sq / den;
            // (sq + sq_lo) / den to first order.
            let q = q + sq_lo / den;
            let moderate = log1p::<FMA>(tm + q);
            let far = ln::<FMA>(t) + core::$t::consts::LN_2;
            (if big { far } else { moderate }).copysign(x)
        }

        /// `asinh'(x) = 1 / sqrt(1 + x^2)`, without the overflow of `x^2`: `1 / |x|` where
        /// `1 / (2 x^2)` is below a quarter ulp; else `1 + x^2` carried in two parts (exact
        /// product, Fast2Sum) and the square root's and the reciprocal's rounding corrected
        /// to first order. `asinh'(±inf) = 0`, NaN gives NaN.
        #[inline(always)]
        pub fn asinh_prime<const FMA: bool>(x: $t) -> $t {
            let t = x.abs();
            let big = t > $big_prime;
            let tm = if big { 1.0 } else { t };
            let (p, p_lo) = two_prod::<FMA>(tm, tm);
            let s = 1.0 + p;
            let (bg, sm) = if p > 1.0 { (p, 1.0) } else { (1.0, p) };
            let s_lo = (sm - (s - bg)) + p_lo;
            let r = s.sqrt();
            // `s + s_lo - r^2`, exactly up to the low part's own rounding.
            let (rr, rr_lo) = two_prod::<FMA>(r, r);
            let e = ((s - rr) - rr_lo) + s_lo;
            let q = 1.0 / r;
            // `1 - q r`, exact.
            let (qr, qr_lo) = two_prod::<FMA>(q, r);
            let d = (1.0 - qr) - qr_lo;
            // 1 / sqrt(s + s_lo) = 1 / (r + e / 2r) = q + d / r - q e / 2s, to first order.
            let moderate = q + (d / r - q * e / (2.0 * s));
            if big { 1.0 / t } else { moderate }
        }
    };
}
pub(super) use asinh_kernel;
