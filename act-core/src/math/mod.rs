//! act-core's own math kernels for `f32` and `f64`, called by [`crate::Float`].
//!
//! Every kernel is `#[inline(always)]` and branch-free on data: range reduction and a
//! polynomial, with special cases (NaN, ±inf, ±0, overflow) folded in by selects on computed
//! values, so that the slice loops `activation!` generates auto-vectorise. No table lookups
//! (gathers). `f32` is computed in `f32` with lower-degree polynomials, for twice the SIMD
//! width, except `powi`/`powf`, which go through `f64`. The one exception is for one element
//! at a time: [`f32::scalar`](crate::math::f32) (`sigmoid`, `sigmoid'`, SiLU and SiLU' for
//! the scalar methods, in `f64` from a 32-entry table; see
//! [`Elementwise`](crate::Elementwise#scalar-or-slice-methods)).
//!
//! Each kernel takes `const FMA: bool`. With `FMA = true` it uses `mul_add` (one instruction
//! inside code compiled with the `fma` target feature; a slow libm call elsewhere, so only the
//! AVX2 and AVX-512 builds of the slice loops set it): polynomials, range reduction and
//! exact residuals (`a b - p` in one FMA) are fused, and `sigmoid`, `sigmoid'` and `tanh'`
//! use one-part `e^-|x|` with FMA residual corrections (the two-part `E` stays where an f32
//! sigmoid is a factor inside a sum:
//! [`sigmoid_scaled`](crate::math::f32::sigmoid_scaled)). `FMA = false` is the portable
//! code. The two agree to within a few ULP (both meet the bounds below, tested separately);
//! the AVX2 and AVX-512 builds agree bit for bit.
//!
//! Variants for generated code:
//! - `*_scaled` return `(c·f(x), 1/c)` with `c` a power of two that lifts a value near or
//!   below the smallest normal into the normal range, so that a product such as
//!   `x sigmoid(x)` rounds once ([`exp_scaled`](crate::math::f64::exp_scaled) shows why).
//!   Their FMA forms build `c e^-a` with one power of two, `2^(k + log2 c)`.
//! - `*_final` (`sigmoid`, `sigmoid'`, `tanh`, `tanh'`, `softplus`) are for a value that is
//!   the result (an elementwise activation's value or derivative, its backward pass, or the
//!   negation of one: log-sigmoid is `-softplus(-x)`). In `f64`: one power of two in the
//!   normal range (cheaper than the two-part scaling the others use there); `sigmoid_final`
//!   is one division without residual corrections in both builds (about 1.7 ulp); the FMA
//!   `sigmoid_prime_final` divides first and corrects the quotient by a term formed beside
//!   the division (`bell_fma_final`, one rounding more than the exact-residual form, about
//!   0.5 ulp); `tanh_final` is `tanh` and `softplus_final` is `softplus`. In `f32` with FMA,
//!   lean forms for the slice loops: `e^-|x|` lifted by 2^64 so that one power of two covers
//!   the subnormal tail, the lift kept in both terms of the one division, `(1 + E)^2` as one
//!   FMA, no residual corrections; `softplus_final` is `max(x, 0) + 2 atanh(s)`, `s = E / (2
//!   + E)`, with a cubic in `s^2` (Estrin's form), the lift taken off by the FMA that adds
//!   `max(x, 0)`
//!   (`math/f32/final_kernels.rs`; worst errors from the exhaustive check in
//!   `benches/RESULTS.md`); without FMA, the plain kernels. f32's `sigmoid_scaled_lean`, for
//!   `x sigmoid(x)`, is one division without residual corrections too.
//! - `exp_nonpositive_final` is softmax's `exp(x - max(x))` in its forward pass, where the
//!   codegen proves that the argument is not positive and that the value bounds what it
//!   reaches. `exp_nonpositive_normal` gives its bits (and `exp_lo`'s) from
//!   `EXP_NORMAL_FROM` to 0 without the gradual underflow's second scaling: the long rows of
//!   softmax, softmin and log-softmax whose spread `max - min` is below about 86.6 (`f32`) or
//!   707.7 (`f64`) take it (the max pass finds the minimum too).
//! - `sigmoid_pair` gives `sigmoid` and `sigmoid'` with one division.
//! - `silu` and `silu_prime` are SiLU (swish) `x sigmoid(x)` and its derivative
//!   `sigmoid(x) + x sigmoid'(x)`: one kernel each, with the limits at ±∞ (the formulas give
//!   `±∞ · 0` there), so that the generated code needs no check for them. `f64` and the
//!   portable `f32` build form them from `sigmoid_scaled_lean` and `sigmoid_pair` and select
//!   the limits; the `f32` FMA builds (`math/f32/silu.rs`) from `2^64 e^-|x|` with `|x|`
//!   clamped at 112, the derivative as one quotient by `(1 + E)^2`.
//! - `erfc_mul(x, h, l)` is `erfc(x (h + l))` for a constant `h + l`, the product carried as `a +
//!   al` (f64) or never formed (f32: `a^2 = x^2 (h + l)^2` split exactly, and the rational
//!   function's coefficients scaled to `x`); `exp_sq(x, c)` is `e^(c x^2)` for a power of two `c`
//!   with `x^2` split exactly (and their `*_scaled` forms). The codegen uses them for arguments of
//!   that shape, GELU's `erfc(-x/sqrt 2)` and `e^(-x^2/2)`: in the tails these functions multiply
//!   the relative error of their argument by `2a^2` and `|c| x^2`, and a rounded argument cost GELU
//!   130 ulp (value, `x = -11.9`) and 65 ulp (derivative, `x = -12`) in f32.
//!
//! Approach, shared by both types (polynomial degrees given as f64 / f32):
//! - `exp`: `x = k ln2 + r`, `|r| <= ln2/2`, with a two-part (Cody-Waite) ln 2; `e^r = 1 + r + r^2
//!   q(r)`, `q` of degree 9 / 4 fitted with mpmath (Chebyshev), the f32 one in Estrin's scheme in
//!   the FMA build (a shorter chain for one element, the same instructions). `2^k` is built in the
//!   exponent bits, in two halves applied in turn, so results near overflow and in the subnormal
//!   range round once and correctly. `k` comes from the "add 1.5*2^52" trick, which leaves it in
//!   the low bits: no float-to-int64 conversion (SSE2/AVX2 have none).
//! - `expm1`: the same reduction, recombined as `2 (2^(k-1) - 1/2 + 2^(k-1) (e^r - 1))`. In
//!   the f32 FMA build `q` is in Estrin's scheme, `2^(k-1) r^2` is formed beside it and the
//!   doubling is taken into `q` and the other term, so one FMA follows `q` (a loop's
//!   dependency chain about 2 ns shorter: ELU's forward 1.08x at 1M).
//! - `ln`, `log1p`: `x = 2^e m`, `m` in `[sqrt(1/2), sqrt 2)`, read from the bits;
//!   `ln m = 2 atanh(s)`, `s = (m-1)/(m+1)`, a degree 6 / 2 polynomial in `s^2`. `log1p`
//!   feeds the exact rounding error of `1 + x` in as a correction.
//! - `sigmoid`, `softplus`, `sigmoid_prime`, `tanh_prime` use `E = e^-|x|` (`e^-2|x|`) and
//!   correct the rounding of `1 + E`, so that the tails (`sigmoid(-740)`,
//!   `sigmoid_prime(40) = 4.2e-18`, `softplus(-800)`) keep full relative accuracy until the true
//!   value leaves the normal range. `E` is carried as a double-word `hi + lo` in `softplus`
//!   and in f32 `sigmoid` and `tanh_prime` (the composed activations, Mish's derivative above
//!   all, need that extra accuracy there); elsewhere as one number built with two power-of-two
//!   factors so that it degrades gradually into the subnormal range (`exp_neg`), with one
//!   division.
//! - `tanh = em / (em + 2)`, `em = expm1(2|x|)`, sign restored with `copysign`.
//! - `erf`: `x + x P(x^2)` (degree 8 / 4) below 0.5, else `1 - erfc`. `erfc(-a) = 2 -
//!   erfc(a)`, and below 0.5 `erfc(a) = 1 - erf(a)`. `f64`: `erfc(a) = e^-(a^2) G(w) / (a +
//!   K)` with `w = (a - K)/(a + K)` mapping `[0, 27.3]` onto a finite interval where a single
//!   polynomial `G` (degree 22) suffices. `f32`: `erfc(a) = e^-(a^2) P(a) / (sqrt(pi) a P(a) +
//!   H(a))` on `[0.5, 10.4]`, degrees 5 and 4 (`scripts/fit_erfc.py`): one division, and
//!   since `R = e^(a^2) erfc(a)` is about `1 / (sqrt(pi) a)`, the polynomials' rounding enters
//!   damped by `H / D` (0.09 at `a = 2`). In both, `a^2` is split exactly (Dekker) so
//!   `e^-(a^2)` is accurate in the far tail.
//! - `atan`: `|x|` reduced to `|r| <= 1/2` with `pi/4` and `pi/2` offsets and a carried
//!   reduction error, `r + r^3 P(r^2)` (degree 11 / 5); see [`atan`](crate::math::f64::atan)'s
//!   source, `math/atan.rs`. Within 0.62 / 0.57 ulp on the grid below, and within 1 ulp of
//!   `libm`'s f64 `atan` on every 4099th f32 (`tests/atan.rs`).
//! - `asinh`: `log1p(t + t^2 / (1 + sqrt(1 + t^2)))` for `t = |x|` (every term positive, the
//!   rounding of `t^2` carried), `ln t + ln 2` beyond 2^28 / 2^12; `asinh' = 1 / sqrt(1 + x^2)`
//!   with `1 + x^2` in two parts and first-order corrections, `1/|x|` beyond 2^27 / 2^12
//!   (`math/asinh.rs`). Within 1.16 / 1.40 ulp (`asinh`) and 0.66 / 0.95 ulp (`asinh'`) on
//!   the grid below; on every 4099th f32, within 1.46 ulp of `libm`'s f64 `asinh` and 1 ulp
//!   of `1 / hypot(1, x)` (`tests/asinh.rs`).
//! - `mish_prime` (Mish's derivative, which the rewrite of `tanh(s) + x tanh'(s) sigmoid(x)`,
//!   `s = softplus(x)`, calls): the closed form `E ω / δ^2`, `E = e^x`, and its mirror in
//!   `e^-x` for `x >= 0` (`math/f64/mish.rs`); `f32` in plain `f64` and rounded once (with
//!   FMA, `E` from the `f32` exponential lifted by 2^64, the rest in `f64`), `f64` in
//!   double-double with `e^-|x|` in two parts and scaled below -665. Within 0.50 / 1.21 ulp
//!   on the grid below (with FMA 1.22 in `f32`, 0.75 in `f64`); over every f32 input 0.50
//!   ulp without FMA and 1.87 with it (`exhaustive --only Mish`); not checked around its
//!   root, where Mish's accuracy test holds it to 8 eps absolute.
//! - `gelu` and `gelu_prime` (GELU `x Φ(x)` and its derivative `Φ(x) + x φ(x)`, which the
//!   rewrites of `k x erfc(-x / sqrt 2)` and of `erfc(-x / sqrt 2) / 2 + x e^(-x^2/2) /
//!   sqrt(2 pi)` call): in `f32`, kernels that form the whole value (`math/f32/erf.rs`): with
//!   `u = |x|`, `R(u) = e^(u^2/2) erfc(u / sqrt 2)` as `c P / (u P + H)` (degrees 4 and 4,
//!   `scripts/fit_gelu.py`) and `E = e^(-u^2/2)` above `u = 1/sqrt 2` (`-(u/2) E R`, `x - (u/2)
//!   E R`; `E (R - 2u / sqrt(2 pi)) / 2` and 1 minus that), `erf`'s polynomial below, `E`
//!   computed once for both terms of the derivative, the scaling of the tail and the products
//!   inside. The FMA builds' value and derivative have no branch near 0: one `R` each (degrees
//!   5 and 4, fitted from 0; the derivative's fitted to `R(u) - (sqrt(2/pi) - c) u`, so that
//!   `c (P / D - u)` is its factor `R - sqrt(2/pi) u`) over the whole range, the denominator
//!   summed so that it rounds about once near 0, the derivative as `(σ + x (D - A)) / D`. In
//!   `f64`, the product and the sum of the `erfc_mul` and `exp_sq` kernels, as the formulas
//!   compute them. `gelu_prime` within 2.28 / 2.35 ulp on the grid below (2.00 / 2.44 with
//!   FMA); not checked around its root (-0.75), where GELU's accuracy test holds it to 8 eps
//!   absolute (GELU's own accuracy: its rustdoc).
//! - `gelu_tanh` and `gelu_tanh_prime` (GELU-tanh `x σ(z)`, `z = 2 sqrt(2/pi) (x + 0.044715
//!   x^3)`, and its derivative `σ(z) + x z' σ'(z)`, which the rewrite of `k x σ(z)` and
//!   differentiation call): in `f32` (`math/f32/gelu_tanh.rs`), `z` in two parts (exact
//!   products, Fast2Sum) into one exponential `E = e^-|z|`, then `x / (1 + E)` or `x E / (1 +
//!   E)` with one division, and the derivative in closed form, `E (d + x z') / d^2` or `(d +
//!   x z' E) / d^2` (`d = 1 + E`), its quotient corrected by the exact residual; the tail
//!   scaled by 2^32 and unscaled last. In `f64`, the product and the sum as the formulas
//!   compute them (`σ` and `σ'` corrected by `z`'s rounding error). Their accuracy: GELU-tanh's
//!   rustdoc.
//! - `powi`: binary powering (double-double in `f64` beyond `|n| = 3`). `powf`: IEEE 754 `pow`
//!   special cases around `e^(y ln|x|)`, with `ln` and the product in double-double for `f64`.
//!
//! Accuracy, measured against mpmath (256 bits) on 1000+ points per function and type, tails,
//! subnormals and over/underflow thresholds included (`tests/math_accuracy.rs`, data from
//! `scripts/gen_math_reference.py`), both forms of every kernel: at most 3 ulp on that grid,
//! under 2 ulp for all but `erfc` (both types) and the portable `sigmoid_prime` (f32) and
//! `tanh_prime`; the FMA forms of `sigmoid_prime` and `tanh_prime` are within 1.3 ulp. Run
//! `cargo test -p act-core --test math_accuracy -- --nocapture` for the current table.
//! That grid misses the worst of f32 `erfc`: every 7th f32 in `[0.5, 9)` against `libm`'s f64
//! `erfc` (`cargo run -p act-benches --release --bin erfc_scan`) gives 3.4 ulp (portable)
//! and 2.7 ulp (FMA) near 0.55, under 2.7 beyond 1 (the kernel before this one, with two
//! divisions: 4.9 and 4.5 ulp near 0.53).
//!
//! # Underflow policy
//!
//! Gradual underflow, in every build and every form: where the true value is below the
//! smallest normal number, the result is the subnormal number nearest to it (within a few
//! subnormal spacings, the same ULP bound as elsewhere, counted in the subnormal spacing),
//! never a flush to 0; 0 comes only where the true value is below half the smallest
//! subnormal. So `sigmoid(-88f32)`, `sigmoid'(-88f32)` and `softplus'(-88f32)` (the same
//! number) are all about `6.05e-39` in the portable, AVX2 and AVX-512 builds alike, and
//! `sigmoid(-709f64)` is about `1.2e-308`. (The kernels never set the CPU's flush-to-zero or
//! denormals-are-zero modes; a caller that sets them gets what the CPU does.)

/// Kernels whose code is the same for both types, expanded in each module: `$t` the type,
/// `$min_exp` the smallest normal exponent, `$max_k` the largest one plus 1. The module
/// provides `exp_reduce`, `exp_neg`, `fm`, `pow2_from_shifted`, `SHIFT`, `SCALE`,
/// `SCALE_EXP`, `SCALE_BITS`, `UNSCALE`, `SCALE_FROM`, and the plain kernels the non-FMA
/// branches fall back on.
macro_rules! fma_kernels {
    ($t:ident, $min_exp:literal, $max_k:literal) => {
        /// Binades by which [`exp_neg_single`] lifts a power of two below the normal range.
        const LOW_EXP: $t = 64.0;
        /// `2^-LOW_EXP`.
        const LOW_UNSCALE: $t = 1.0 / ((1u64 << 63) as $t * 2.0);
        /// `(c, 1/c)`: `(SCALE, UNSCALE)` where `far`, else `(1, 1)`.
        #[inline(always)]
        fn scale_if(far: bool) -> ($t, $t) {
            (
                if far { SCALE } else { 1.0 },
                if far { UNSCALE } else { 1.0 },
            )
        }

        /// `(log2 c, 1/c)`: `(SCALE_EXP, UNSCALE)` where `far`, else `(0, 1)`, for
        /// [`exp_neg_single`]'s exponent offset.
        #[inline(always)]
        fn scale_exp_if(far: bool) -> ($t, $t) {
            (
                if far { SCALE_EXP } else { 0.0 },
                if far { UNSCALE } else { 1.0 },
            )
        }

        /// `2^ce e^-a` for `a >= 0` (or NaN), `ce` a small integer (`-0.0` for none: adding
        /// it folds away, adding `0.0` does not). Below the normal range the result is
        /// subnormal, not 0 (the crate's underflow policy, see the [module docs](self)): there
        /// the power of two is built [`LOW_EXP`] binades higher and the product scaled back,
        /// a second rounding (at most half a subnormal spacing more). Cheaper than
        /// [`exp_neg`] (no two-part scaling in the normal range). For the `*_final` kernels
        /// (`ce` -0 or 2), and for the FMA forms of the `*_scaled` ones, with `ce =
        /// SCALE_EXP` in the far tail.
        #[inline(always)]
        fn exp_neg_single<const FMA: bool>(a: $t, ce: $t) -> $t {
            exp_neg_single_parts::<FMA>(a, -0.0, ce).0
        }

        /// [`exp_neg_single`] of `a - al`, `|al|` tiny against `a` (`-0.0` for none; any
        /// value, NaN included, where `a = +∞`: the result is then 0).
        #[inline(always)]
        fn exp_neg_single_lo<const FMA: bool>(a: $t, al: $t, ce: $t) -> $t {
            exp_neg_single_parts::<FMA>(a, al, ce).0
        }

        /// [`exp_neg_single_lo`] `y = 2^ce e^-(a - al)`, with the polynomial `p`, the power of
        /// two `s` and the flag `low` it was built from: `y = s (1 + p)` unless `low` (a value
        /// below the normal range, or 0).
        #[inline(always)]
        fn exp_neg_single_parts<const FMA: bool>(a: $t, al: $t, ce: $t) -> ($t, $t, $t, bool) {
            // No clamp on `a`: beyond the range the last select gives 0 (and keeps NaN). A
            // clamp here correlates with the `far` test of the scaled kernels, and LLVM then
            // duplicated the whole exp for the two cases and computed both.
            let x = -a;
            let (p, _, _) = exp_reduce::<FMA>(x, -al);
            // `tc = k + ce + SHIFT` (exact): one sum for the scale and the range tests.
            let tc = fm::<FMA>(x, core::$t::consts::LOG2_E, SHIFT) + ce;
            let low = tc < SHIFT + $min_exp;
            let s = pow2_from_shifted(if low { tc + LOW_EXP } else { tc });
            let y = fm::<FMA>(p, s, s);
            let y = if low { y * LOW_UNSCALE } else { y };
            // Below half the smallest subnormal (with margin): 0, the correctly rounded value.
            let y = if tc < SHIFT + $min_exp - LOW_EXP {
                0.0
            } else {
                y
            };
            (y, p, s, low)
        }

        /// `(y, d)`: `y` = [`exp_neg_single`]`(a, ce)` and `d = 1 + E` rounded, `E = e^-a`, for
        /// `ce = -0`, or `ce > 0` only where `a > SCALE_FROM` (there `d = 1`, as `1 + y`). With FMA, `d =
        /// fma(p, s, 1 + s)` from the polynomial `p` and the power of two `s` (`y = s + s p`),
        /// beside `y` rather than after it: `1 + s` is formed off the dependency chain, which is
        /// then 3 cycles shorter for a one-element call (`Sigmoid.derivative(x)` in a loop), and
        /// `sigmoid_pair` has no product `c E / c` before `d` (swish's derivative slice 17%
        /// faster). `1 + s` is exact while `s >= 2^-mant` (below, `1 + E` rounds to 1 or its
        /// successor and `d` may take the other one), so `d` is rounded once, where `1 + y` rounds
        /// `y` first. Below the normal range `d = 1`.
        #[inline(always)]
        fn exp_neg_one_plus<const FMA: bool>(a: $t, ce: $t) -> ($t, $t) {
            let (y, p, s, low) = exp_neg_single_parts::<FMA>(a, -0.0, ce);
            if !FMA {
                return (y, 1.0 + y);
            }
            // `low` also covers `a = inf`, where `p` is NaN.
            let d = if low { 1.0 } else { fm::<FMA>(p, s, 1.0 + s) };
            (y, d)
        }

        /// `(c e^x, 1/c)` with FMA (see `exp_scaled`): one scale factor, `c = 2^SCALE_EXP`
        /// where `x < -SCALE_FROM`, else 1. `c e^x` below `2^(min_exp + 2)` flushes to 0:
        /// `e^x` below about 2^-156 (f32) or 2^-1084 (f64), which changes a product only where
        /// a cofactor exceeds 2^6 (f32) or 2^9 (f64).
        #[inline(always)]
        fn exp_scaled_fma<const FMA: bool>(x: $t) -> ($t, $t) {
            exp_scaled_fma_lo::<FMA>(x, -0.0)
        }

        /// [`exp_scaled_fma`] of `x + xl`, `|xl|` tiny against `x` (`-0.0` for none).
        #[inline(always)]
        fn exp_scaled_fma_lo<const FMA: bool>(x: $t, xl: $t) -> ($t, $t) {
            let far = x < -SCALE_FROM;
            // No clamp on `x`, for the reason given in `exp_neg_single`: selects on `k`.
            let (p, _, _) = exp_reduce::<FMA>(x, xl);
            let t = fm::<FMA>(x, core::$t::consts::LOG2_E, SHIFT);
            let k = t - SHIFT;
            // `2^(k - 1)`, doubled after the product: `k` reaches the largest exponent + 1
            // just below overflow. `c` goes into the exponent bits as an integer add (a float
            // offset made LLVM build the whole power of two twice, one per offset, and select).
            let bits = pow2_from_shifted(t - 1.0).to_bits();
            let s = $t::from_bits(bits.wrapping_add(if far { SCALE_BITS } else { 0 }));
            let y = fm::<FMA>(p, s, s) * 2.0;
            // Only far lanes (`k < -99`) come near the bound: there `c e^x` is below
            // `2^(min_exp + 2)` and `s` would not be normal. The bound keeps `s` two binades
            // above the smallest normal, so the product (at least `s / 2`) never rounds as a
            // subnormal.
            let y = if k < $min_exp + 2.0 - SCALE_EXP {
                0.0
            } else {
                y
            };
            let y = if k > $max_k { $t::INFINITY } else { y };
            (y, if far { UNSCALE } else { 1.0 })
        }

        /// A scaled pair `(c f, 1/c)` unscaled: the plain FMA `exp`, `sigmoid'` and `tanh'`.
        /// The same bits as the scaled value where the result is normal (one rounding), a
        /// second rounding into the subnormals, and one computation shared with the scaled
        /// form where a formula needs both (softmax's backward does).
        #[inline(always)]
        fn unscaled((s, inv): ($t, $t)) -> $t {
            s * inv
        }

        /// `(c sigmoid'(x), 1/c)` with FMA: see `sigmoid_prime_scaled`.
        #[inline(always)]
        fn sigmoid_prime_scaled_fma<const FMA: bool>(x: $t) -> ($t, $t) {
            let a = x.abs();
            let (ce, inv) = scale_exp_if(a > SCALE_FROM);
            let (e, d) = exp_neg_one_plus::<FMA>(a, ce);
            (bell_fma_d(e, e * inv, d), inv)
        }

        /// `(c tanh'(x), 1/c)` with FMA: see `tanh_prime_scaled`.
        #[inline(always)]
        fn tanh_prime_scaled_fma<const FMA: bool>(x: $t) -> ($t, $t) {
            let a2 = 2.0 * x.abs();
            let (ce, inv) = scale_exp_if(a2 > SCALE_FROM);
            let en = exp_neg_single::<FMA>(a2, 2.0 + ce);
            (bell_fma(en, en * (0.25 * inv)), inv)
        }

        /// `e^(x + xl)` for `x <= 0` (or NaN), `|xl|` tiny against `x` (the rounding error of
        /// the difference `x` was computed as: softmax's `x_i - max(x)`), where the result is
        /// final: with FMA, one scale factor in the normal range. The low part enters the
        /// reduced argument, so the correction costs one addition. Where `x = -∞` the result
        /// is 0 whatever `xl` is (NaN there, from the difference's error). (For `x > 0` it is
        /// `e^x` too up to `2^127`, beyond which the exponent bits wrap: the caller proves
        /// `x <= 0`.)
        #[inline(always)]
        pub fn exp_nonpositive_final<const FMA: bool>(x: $t, xl: $t) -> $t {
            if FMA {
                return exp_neg_single_lo::<FMA>(-x, -xl, -0.0);
            }
            exp_c_lo::<FMA>(x, xl, 1.0)
        }

        /// The smallest argument `x` (`(min_exp + 1) ln 2`, about -86.6 for `f32` and -707.7
        /// for `f64`) from which [`exp_nonpositive_normal`] is valid: there `e^x` and its power
        /// of two `2^k` are normal.
        pub const EXP_NORMAL_FROM: $t = ($min_exp + 1.0) * core::$t::consts::LN_2;

        /// [`exp_nonpositive_final`] for `EXP_NORMAL_FROM <= x <= 0` (or NaN), where the
        /// value is normal: the same bits, without the gradual underflow's second scaling
        /// and the selects around it (with FMA: 8 of the 38 instructions per vector of
        /// softmax's exp-and-sum pass in the AVX-512 build). For a caller that has checked the
        /// arguments' minimum (softmax's forward pass checks each row's spread, `min - max`).
        /// Below `EXP_NORMAL_FROM` the exponent bits may wrap: not for such arguments.
        #[inline(always)]
        pub fn exp_nonpositive_normal<const FMA: bool>(x: $t, xl: $t) -> $t {
            if FMA {
                // `exp_neg_single_parts` of `-x` where `low` is false: `tc` is never below
                // `SHIFT + min_exp` (`k >= min_exp + 1` here).
                let (p, _, _) = exp_reduce::<FMA>(x, xl);
                let s = pow2_from_shifted(fm::<FMA>(x, core::$t::consts::LOG2_E, SHIFT));
                return fm::<FMA>(p, s, s);
            }
            exp_nonpositive_final::<FMA>(x, xl)
        }

        /// `e^(x + xl)`, `|xl|` tiny against `x` (the rounding error of the difference `x`
        /// was computed as), with the gradual underflow of `exp`: the low part enters the
        /// reduced argument, one addition where correcting the rounded `e^x` afterwards costs
        /// a product, a sum and a select. `xl` may be NaN where `x` is infinite (the error of
        /// a difference with an infinite operand): the result is then `e^x`.
        #[inline(always)]
        pub fn exp_lo<const FMA: bool>(x: $t, xl: $t) -> $t {
            if FMA {
                return unscaled(exp_scaled_fma_lo::<FMA>(x, xl));
            }
            exp_c_lo::<FMA>(x, xl, 1.0)
        }

        /// [`exp_lo`] scaled as `exp_scaled` scales.
        #[inline(always)]
        pub fn exp_scaled_with_lo<const FMA: bool>(x: $t, xl: $t) -> ($t, $t) {
            exp_scaled_lo::<FMA>(x, xl)
        }

        /// `d = 1 + e` and its rounding error `dl` (exact).
        #[inline(always)]
        fn one_plus(e: $t) -> ($t, $t) {
            let d = 1.0 + e;
            (d, (1.0 - d) + e)
        }

        /// `sigmoid` with FMA from `e = E` (possibly scaled) and `r = 1 / d`: `y0 = num * r`,
        /// corrected by the exact residual `num - y0 d` (one FMA) and the rounding error `dl`
        /// of `d = 1 + e`.
        #[inline(always)]
        fn sigmoid_fma_parts(e: $t, neg: bool, d: $t, dl: $t, r: $t) -> $t {
            let num = if neg { e } else { 1.0 };
            let y0 = num * r;
            let res = y0.mul_add(-d, num);
            y0.mul_add(-dl, res).mul_add(r, y0)
        }

        /// [`sigmoid_fma_parts`] with its own division.
        #[inline(always)]
        fn sigmoid_fma1(e: $t, neg: bool) -> $t {
            let (d, dl) = one_plus(e);
            sigmoid_fma_parts(e, neg, d, dl, 1.0 / d)
        }

        /// `en / d^2` with FMA (`en = c E`, `d = 1 + E` with rounding error `dl`), given `r2`
        /// close to `1 / d^2`: the exact residuals of `d`, of `d^2` and of the quotient
        /// correct it, so `r2` only scales the correction.
        #[inline(always)]
        fn bell_fma_parts(en: $t, d: $t, dl: $t, r2: $t) -> $t {
            let dd = d * d;
            let ddl = (2.0 * d).mul_add(dl, d.mul_add(d, -dd));
            let y0 = en * r2;
            let res = (-y0).mul_add(ddl, (-y0).mul_add(dd, en));
            res.mul_add(r2, y0)
        }

        /// `en / (1 + e)^2` with FMA, for `en = c E`, `e = E` in `[0, 1]`.
        #[inline(always)]
        fn bell_fma(en: $t, e: $t) -> $t {
            let (d, dl) = one_plus(e);
            bell_fma_parts(en, d, dl, 1.0 / (d * d))
        }

        /// [`bell_fma`] given `d`, `1 + e` rounded to one of its two neighbours
        /// ([`exp_neg_one_plus`]): its error `(1 - d) + e` is exact all the same (`|1 + e - d|`
        /// is below 2 ulps of `d`, and a multiple of `e`'s ulp).
        #[inline(always)]
        fn bell_fma_d(en: $t, e: $t, d: $t) -> $t {
            let dl = (1.0 - d) + e;
            bell_fma_parts(en, d, dl, 1.0 / (d * d))
        }

        /// `(sigmoid(x), c sigmoid'(x), 1/c)`, the second scaled as in
        /// [`sigmoid_prime_scaled`], for a formula that needs both (swish'). The FMA build
        /// does one division: `sigmoid'` takes `(1/d)^2` for `1/d^2`, which only scales its
        /// exact residual.
        #[inline(always)]
        pub fn sigmoid_pair<const FMA: bool>(x: $t) -> ($t, $t, $t) {
            if !FMA {
                let (p, inv) = sigmoid_prime_scaled::<FMA>(x);
                return (sigmoid::<FMA>(x), p, inv);
            }
            let a = x.abs();
            let (ce, inv) = scale_exp_if(a > SCALE_FROM);
            let (ec, d) = exp_neg_one_plus::<FMA>(a, ce);
            let e = ec * inv;
            let dl = (1.0 - d) + e; // exact, see `bell_fma_d`
            let r = 1.0 / d;
            let s = sigmoid_fma_parts(e, x < 0.0, d, dl, r);
            (s, bell_fma_parts(ec, d, dl, r * r), inv)
        }

        /// `(silu(x), c silu'(x), 1/c)` from [`sigmoid_pair`]'s `(sigmoid(x), c sigmoid'(x),
        /// 1/c)` (SwiGLU's partials; the portable `f32` build and `f64`): `silu = x sigmoid`,
        /// `silu' = sigmoid + x sigmoid'`. Scaled only in the negative tail (`1/c != 1` with `x
        /// < 0`), where `sigmoid(x) = sigmoid'(x) / sigmoid(-x)` is `sigmoid'(x)` to far below
        /// an ulp, so `c silu'(x) = c sigmoid'(x) (1 + x)` and `silu(x) = x c sigmoid'(x) / c`
        /// keep their precision where `sigmoid(x)` is subnormal; elsewhere `c = 1` (a scaled
        /// `silu'` near 1 times a large cofactor would overflow). `x` is clamped to `±10^4` in
        /// the derivative, so that the limits (`-0` at `-∞`, 1 at `∞`) come out of the formula.
        #[inline(always)]
        pub(crate) fn silu_pair_from_sigmoid_pair(
            x: $t,
            (s, cp, inv): ($t, $t, $t),
        ) -> ($t, $t, $t) {
            const CL: $t = 1e4;
            let tail = x < 0.0 && inv != 1.0;
            let xc = if x < -CL {
                -CL
            } else if x > CL {
                CL
            } else {
                x
            };
            let cd = if tail {
                cp * (1.0 + xc)
            } else {
                s + (xc * cp) * inv
            };
            let silu = if tail { (xc * cp) * inv } else { x * s };
            (silu, cd, if tail { inv } else { 1.0 })
        }

        /// `(c' e^(c x^2), 1/c')` as [`exp_scaled`] does for its argument, for a power of two
        /// `c`: `x^2` is split exactly (`sq + sql`), so the exponent is exact (a rounded `x^2`
        /// costs up to `|c| x^2` ulps: GELU's `e^(-x^2/2)` in its derivative, 65 ulp at
        /// `x = -12` in f32).
        #[inline(always)]
        pub fn exp_scaled_sq<const FMA: bool>(x: $t, c: $t) -> ($t, $t) {
            let (sq, sql) = two_prod::<FMA>(x, x);
            // Where `x^2` overflows the low part is NaN: drop it.
            let sql = if sq <= $t::MAX { sql } else { 0.0 };
            exp_scaled_lo::<FMA>(c * sq, c * sql)
        }

        /// `e^(c x^2)` for a power of two `c`, see [`exp_scaled_sq`].
        #[inline(always)]
        pub fn exp_sq<const FMA: bool>(x: $t, c: $t) -> $t {
            unscaled(exp_scaled_sq::<FMA>(x, c))
        }
    };
}
use fma_kernels;

/// The `*_final` kernels of `sigmoid`, `sigmoid'` and `tanh'` in the form [`fma_kernels`] first
/// had, for `f64` (`f32` has leaner ones of its own, `math/f32/final_kernels.rs`). Expanded after
/// [`fma_kernels`], in the same module.
macro_rules! final_kernels {
    ($t:ident) => {
        /// `e / (1 + e)^2` with FMA, for `e` in `[0, 1]` and `d` as in [`bell_fma_d`], where
        /// the result is final: the quotient `y0 = e / d^2` by one division, then
        /// `y0 (1 - c)` with `c = ddl / d^2` the relative rounding error of `d^2` (the
        /// rounding of `d` included), `1 / d^2` in `c` taken from a quadratic in `e` (within
        /// 4.5% of `(1 + e)^-2`, so `c` is off by at most 0.1 ulp). Everything but the
        /// division and the last FMA is formed beside the division, not after it: 11 cycles
        /// off the chain of a one-element call, where [`bell_fma_d`] corrects the quotient by
        /// its exact residual after it. The price is one more rounding (the division's), about
        /// 0.5 ulp more at worst.
        #[inline(always)]
        fn bell_fma_final(e: $t, d: $t) -> $t {
            let dl = (1.0 - d) + e;
            let dd = d * d;
            let ddl = (2.0 * d).mul_add(dl, d.mul_add(d, -dd));
            let y0 = e / dd;
            // Minimax fit of the relative error on [0, 1] (`scripts/fit_bell.py`).
            let g = e.mul_add(e.mul_add(0.665_596_3, -1.370_003_6), 0.965_599_1);
            (-y0).mul_add(ddl * g, y0)
        }

        /// [`sigmoid`] where the result is final (not a term of a larger formula, where a flushed
        /// term could matter): one scale factor in the normal range, and one correctly rounded
        /// division `num / (1 + E)` without the residual corrections of the other forms, in both
        /// builds: about 1.7 ulp at worst (`tests/accuracy.rs`), against at most 1.5 for the
        /// corrected [`sigmoid`] (`tests/math_accuracy.rs`). The speed this buys:
        /// `benches/RESULTS.md`.
        #[inline(always)]
        pub fn sigmoid_final<const FMA: bool>(x: $t) -> $t {
            // `1 + E` from the polynomial ([`exp_neg_one_plus`]) would take 3 cycles off a
            // one-element call and cost the slice loop 4% (one more addition and a select).
            let e = exp_neg_single::<FMA>(x.abs(), -0.0);
            (if x < 0.0 { e } else { 1.0 }) / (1.0 + e)
        }

        /// [`sigmoid_prime`] where the result is final (not a term of a larger formula):
        /// with FMA, one scale factor in the normal range.
        #[inline(always)]
        pub fn sigmoid_prime_final<const FMA: bool>(x: $t) -> $t {
            if FMA {
                let (e, d) = exp_neg_one_plus::<FMA>(x.abs(), -0.0);
                return bell_fma_final(e, d);
            }
            sigmoid_prime::<FMA>(x)
        }

        /// [`tanh_prime`] where the result is final (not a term of a larger formula): with
        /// FMA, one scale factor in the normal range.
        #[inline(always)]
        pub fn tanh_prime_final<const FMA: bool>(x: $t) -> $t {
            if FMA {
                let en = exp_neg_single::<FMA>(2.0 * x.abs(), 2.0);
                return bell_fma(en, en * 0.25);
            }
            tanh_prime::<FMA>(x)
        }
    };
}
use final_kernels;

mod asinh;
mod atan;
pub mod f32;
pub mod f64;
