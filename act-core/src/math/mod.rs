//! act-core's own math kernels for `f32` and `f64`, called by [`crate::Float`].
//!
//! Every kernel is `#[inline(always)]` and branch-free on data: range reduction and a
//! polynomial, with special cases (NaN, ±inf, ±0, overflow) folded in by selects on computed
//! values, so that the slice loops `activation!` generates auto-vectorise. No table lookups
//! (gathers). `f32` is computed in `f32` with lower-degree polynomials, for twice the SIMD
//! width, except `powi`/`powf`, which go through `f64`.
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
//! Variants for generated code: `*_scaled` return `(c·f(x), 1/c)` with `c` a power of two
//! that lifts a value near or below the smallest normal into the normal range, so that a
//! product such as `x sigmoid(x)` rounds once ([`exp_scaled`](crate::math::f64::exp_scaled)
//! shows why); `*_final` (`sigmoid`, `sigmoid'`, `tanh'`) are for a value that is the
//! result, and may flush below the normal range; `sigmoid_pair` gives `sigmoid` and
//! `sigmoid'` with one division.
//!
//! Approach, shared by both types (polynomial degrees given as f64 / f32):
//! - `exp`: `x = k ln2 + r`, `|r| <= ln2/2`, with a two-part (Cody-Waite) ln 2; `e^r = 1 + r +
//!   r^2 q(r)`, `q` of degree 9 / 4 fitted with mpmath (Chebyshev). `2^k` is built in the
//!   exponent bits, in two halves applied in turn, so results near overflow and in the
//!   subnormal range round once and correctly. `k` comes from the "add 1.5*2^52" trick, which
//!   leaves it in the low bits: no float-to-int64 conversion (SSE2/AVX2 have none).
//! - `expm1`: the same reduction, recombined as `2 (2^(k-1) - 1/2 + 2^(k-1) (e^r - 1))`.
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
//! - `erf`: `x + x P(x^2)` (degree 8 / 4) below 0.5, else `1 - erfc`. `erfc(a) = e^-(a^2)
//!   G(w) / (a + K)` with `w = (a - K)/(a + K)` mapping `[0, 27.3]` (f32: `[0, 10.1]`) onto a
//!   finite interval where a single polynomial `G` (degree 22 / 9) suffices; `a^2` is split
//!   exactly (Dekker) so `e^-(a^2)` is accurate at `a = 26`. `erfc(-a) = 2 - erfc(a)`.
//! - `powi`: binary powering (double-double in `f64` beyond `|n| = 3`). `powf`: IEEE 754 `pow`
//!   special cases around `e^(y ln|x|)`, with `ln` and the product in double-double for `f64`.
//!
//! Accuracy, measured against mpmath (256 bits) on 1000+ points per function and type, tails,
//! subnormals and over/underflow thresholds included (`tests/math_accuracy.rs`, data from
//! `scripts/gen_math_reference.py`), both forms of every kernel: at most 3 ulp everywhere,
//! under 2 ulp for all but `erfc` (both types) and the portable `sigmoid_prime` (f32) and
//! `tanh_prime`; the FMA forms of `sigmoid_prime` and `tanh_prime` are within 1.3 ulp. Run
//! `cargo test -p act-core --test math_accuracy -- --nocapture` for the current table.
//! Where the true value is below the smallest normal number, results may flush (absolute
//! error at most the smallest normal); the FMA `*_final` forms do, the others degrade
//! gradually (a flushed term next to a normal one would cost relative accuracy in a sum).

pub mod f32;
pub mod f64;
