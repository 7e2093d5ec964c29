//! The forward pass of softmax and softmin over a long row in two passes over memory (the
//! blocked form of the online normaliser of Milakov and Gimelshein, "Online normalizer
//! calculation for softmax", 2018), where the general form takes three (the maximum, the
//! exponentials stored with their sum, the scale).
//!
//! The row runs in blocks of [`BLOCK`] elements. Each block's exponentials are taken against
//! the running maximum `m_s` of the blocks so far (the maximum of a *segment*: the blocks
//! since the running maximum last rose), stored in the output, and summed in the lanes of
//! [`super::sum_lanes`]; the same loop finds the maximum and minimum of the next block, so
//! the input is read once, and the reads of the next block overlap the exponentials (the
//! exp pass is bound by its arithmetic, the max pass by memory). When a block's maximum
//! exceeds `m_s`, the segment's lanes are summed (`S_s`) and a new segment starts. At the end,
//! with `m` the row's maximum, `sum = sum_s S_s e^(m_s - m)` and the second pass multiplies
//! each segment's stored values by `e^(m_s - m) / sum`.
//!
//! A row whose maximum is reached in its first block (one segment) gets the bits of the
//! three-pass form: the same `exp`, the same lanes, `e^0 = 1`. With more segments, an earlier
//! segment's values take one more rounding (the factor `e^(m_s - m)`, a few ulp with the
//! product), and its sum one product more.

use super::{LANES, finish_lanes, fold_block};
use crate::Float;
use crate::compensated::two_sum_err;
use crate::float_kernels::FloatKernels;

/// Elements per block: 8 times the lanes of the sums (8 KiB of `f32`: the block, its output
/// and the next block within the first level cache).
pub const BLOCK: usize = 8 * LANES;

/// The row length from which the generated forward pass of softmax and softmin takes
/// [`softmax_forward_online`]: shorter rows stay in the cache between the three passes.
pub const ONLINE_FROM: usize = 8 * BLOCK;

/// Lanes of the maximum and minimum of the next block (in registers).
const MM: usize = 64;

/// `(max, min)` of `p(x[i])` over 64 lanes held in registers, NaN ignored (a NaN input makes
/// the sum NaN and every output NaN anyway).
#[inline(always)]
fn fold_max_min<F: Float>(x: &[F], p: impl Fn(F) -> F, hi: &mut [F; MM], lo: &mut [F; MM]) {
    let mut chunks = x.chunks_exact(MM);
    for xc in &mut chunks {
        for (i, &v) in xc.iter().enumerate() {
            let v = p(v);
            hi[i] = if v > hi[i] { v } else { hi[i] };
            lo[i] = if v < lo[i] { v } else { lo[i] };
        }
    }
    for (i, &v) in chunks.remainder().iter().enumerate() {
        let v = p(v);
        hi[i] = if v > hi[i] { v } else { hi[i] };
        lo[i] = if v < lo[i] { v } else { lo[i] };
    }
}

#[inline(always)]
fn finish_max_min<F: Float>(hi: &[F; MM], lo: &[F; MM]) -> (F, F) {
    let (mut h, mut l) = (*hi, *lo);
    let mut width = MM;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            h[i] = if h[i + width] > h[i] {
                h[i + width]
            } else {
                h[i]
            };
            l[i] = if l[i + width] < l[i] {
                l[i + width]
            } else {
                l[i]
            };
        }
    }
    (h[0], l[0])
}

/// A hint to bring `x` into the first level cache (one per cache line of 64 bytes), `WRITE`
/// for a line about to be written (`prefetchw` where the processor has it); no effect on any
/// result. Only on x86-64 (elsewhere nothing).
#[inline(always)]
fn prefetch<F, const WRITE: bool>(x: &[F]) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_ET0, _MM_HINT_T0, _mm_prefetch};
        let bytes = core::mem::size_of_val(x);
        let base = x.as_ptr().cast::<i8>();
        let mut off = 0;
        while off < bytes {
            // SAFETY: `base + off` is within `x` (`off < bytes`), and a prefetch reads nothing
            // the program sees (SSE, in every x86-64 build).
            #[allow(unused_unsafe)]
            unsafe {
                if WRITE {
                    _mm_prefetch::<_MM_HINT_ET0>(base.add(off))
                } else {
                    _mm_prefetch::<_MM_HINT_T0>(base.add(off))
                }
            };
            off += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// How a block takes the rounding error of `u = v - m` (`v <= m`): Knuth's TwoSum (5
/// operations, any `v` and `m`), or Dekker's Fast2Sum (2 operations), exact where the
/// exponent of the addend taken first is at least the other's (Muller et al., *Handbook of
/// Floating-Point Arithmetic*, the Fast2Sum lemma; Dekker's `|a| >= |b|` implies it):
/// [`M_FIRST`] where every `|v|` is
/// below the power of two above `m > 0` (so `v`'s exponent is at most `m`'s), [`V_FIRST`]
/// where `m <= 0` (then `v <= m <= 0`: `|v| >= |m|`). The same error either way, so the
/// same bits.
const TWO_SUM: u8 = 0;
/// Fast2Sum with `-m` first: `err = v - (u + m)`. See [`TWO_SUM`].
const M_FIRST: u8 = 1;
/// Fast2Sum with `v` first: `err = -m - (u - v)`. See [`TWO_SUM`].
const V_FIRST: u8 = 2;

/// The rounding error of `u = v - m` in the form `D` ([`TWO_SUM`], [`M_FIRST`],
/// [`V_FIRST`]), which the caller has checked holds for `v`.
#[inline(always)]
fn diff_err<F: Float, const D: u8>(v: F, m: F, u: F) -> F {
    match D {
        M_FIRST => v - (u + m),
        V_FIRST => -m - (u - v),
        _ => two_sum_err(v, -m, u),
    }
}

/// The cheapest form of [`diff_err`] exact for every value of a block whose values lie in
/// `[lo, m]` (NaN aside: any form gives NaN there), `m` finite.
#[inline(always)]
fn diff_form<F: Float>(m: F, lo: F) -> u8 {
    let m64 = m.to_f64();
    if m64 <= 0.0 {
        return V_FIRST;
    }
    if m64.is_nan() || m64 == f64::INFINITY {
        // NaN or +∞ (not a block of the exp without gradual underflow): TwoSum.
        return TWO_SUM;
    }
    // The power of two above `m` (above its binade: `2^(e + 1)` for `m` in `[2^e, 2^(e+1))`;
    // 0 for an `m` subnormal in `f64`, so that only a block of positive values passes the test
    // below; an `f32` subnormal is normal in `f64`, and its binade's bound tighter than the
    // smallest normal's, which every subnormal's exponent is). `m` converts exactly.
    let above = f64::from_bits(m64.to_bits() & 0xfff0_0000_0000_0000) * 2.0;
    // `v <= m < above` for every `v`; `v > -above` then bounds `|v|`.
    if lo.to_f64() > -above {
        M_FIRST
    } else {
        TWO_SUM
    }
}

/// One block: `y = e^(p(x) - m)` (exact in the inputs: the difference's rounding error enters
/// the `exp`'s reduced argument) summed into `acc`, with `NORMAL` the `exp` for arguments that
/// keep it normal (the block's minimum was checked); and the `(max, min)` of `p(next)`. The
/// next block is fetched into the cache chunk by chunk during the exponentials (whose loop is
/// bound by its arithmetic), so that its max/min loop reads the cache, not memory.
#[inline(always)]
fn block<F: Float, const FMA: bool, const NORMAL: bool, const D: u8>(
    x: &[F],
    y: &mut [F],
    next: &[F],
    y_next: &[F],
    m: F,
    p: impl Fn(F) -> F + Copy,
    acc: &mut [[F; LANES]; 1],
) -> (F, F) {
    let add = |a: F, b: F| a + b;
    let mut nexts = next.chunks(LANES).zip(y_next.chunks(LANES));
    for (xc, yc) in x.chunks(LANES).zip(y.chunks_mut(LANES)) {
        if let Some((nc, ync)) = nexts.next() {
            prefetch::<F, false>(nc);
            prefetch::<F, true>(ync);
        }
        let len = xc.len().min(yc.len()).min(LANES);
        let (xc, yc) = (&xc[..len], &mut yc[..len]);
        fold_block(acc, len, &add, |i| {
            let v = p(xc[i]);
            let u = v - m;
            let err = diff_err::<F, D>(v, m, u);
            let e = if NORMAL {
                <F as FloatKernels>::__exp_nonpositive_normal::<FMA>(u, err)
            } else {
                <F as FloatKernels>::__exp_nonpositive_final::<FMA>(u, err)
            };
            yc[i] = e;
            [e]
        });
    }
    let (mut hi, mut lo) = ([-F::INFINITY; MM], [F::INFINITY; MM]);
    fold_max_min(next, p, &mut hi, &mut lo);
    finish_max_min(&hi, &lo)
}

/// Softmax (`neg` false) or softmin (`neg` true: softmax of `-x`) of one row, `y_i =
/// e^(p_i - m) / sum_j e^(p_j - m)` with `p = x` or `-x` and `m = max(p)`, in two passes over
/// memory (see the module docs). The values and special cases of the three-pass form: a NaN
/// in the row, a `+∞` (`∞ - ∞`), or a row of only `-∞` make every output NaN; an entry at
/// `-∞` among finite ones gives 0; values below the normal range may flush to 0 (as the
/// forward pass's `exp` does, `FloatKernels::__exp_nonpositive_final`). Panics if the lengths
/// differ.
#[inline(always)]
pub fn softmax_forward_online<F: Float, const FMA: bool>(neg: bool, x: &[F], y: &mut [F]) {
    crate::checks::check_len("x", x.len(), "y", y.len());
    let n = x.len();
    if n == 0 {
        return;
    }
    let p = move |v: F| if neg { -v } else { v };
    let from = <F as FloatKernels>::__EXP_NORMAL_FROM;
    // Segments: (first element, m_s, S_s).
    let mut segments: Vec<(usize, F, F)> = Vec::new();
    let (mut hi, mut lo) = {
        let (mut h, mut l) = ([-F::INFINITY; MM], [F::INFINITY; MM]);
        fold_max_min(&x[..n.min(BLOCK)], p, &mut h, &mut l);
        finish_max_min(&h, &l)
    };
    let mut m = hi;
    let mut start = 0;
    let mut acc = [[F::ZERO; LANES]; 1];
    let add = |a: F, b: F| a + b;
    let mut b0 = 0;
    while b0 < n {
        let b1 = (b0 + BLOCK).min(n);
        let b2 = (b1 + BLOCK).min(n);
        if hi > m {
            push_segment(&mut segments, (start, m, finish_lanes(&acc, &add)[0]));
            acc = [[F::ZERO; LANES]; 1];
            m = hi;
            start = b0;
        }
        let (xb, next) = (&x[b0..b1], &x[b1..b2]);
        let (yb, y_next) = y[b0..b2].split_at_mut(b1 - b0);
        (hi, lo) = match (lo - m >= from, diff_form(m, lo)) {
            (true, M_FIRST) => block::<F, FMA, true, M_FIRST>(xb, yb, next, y_next, m, p, &mut acc),
            (true, V_FIRST) => block::<F, FMA, true, V_FIRST>(xb, yb, next, y_next, m, p, &mut acc),
            (true, _) => block::<F, FMA, true, TWO_SUM>(xb, yb, next, y_next, m, p, &mut acc),
            (false, _) => block::<F, FMA, false, TWO_SUM>(xb, yb, next, y_next, m, p, &mut acc),
        };
        b0 = b1;
    }
    let last = finish_lanes(&acc, &add)[0];
    // The earlier segments' factors `e^(m_s - m)`, with gradual underflow.
    let factor = |ms: F| {
        let u = ms - m;
        <F as FloatKernels>::__exp_lo::<FMA>(u, two_sum_err(ms, -m, u))
    };
    // A first segment at `m_s = -∞` (only -∞ and NaN so far) below a finite maximum: its
    // entries are 0 (NaN if one is NaN, which makes the sum NaN).
    let dead = |ms: F| ms == -F::INFINITY && m > ms;
    let mut sum = F::ZERO;
    for &(s0, ms, ss) in &segments {
        sum = sum
            + if dead(ms) {
                nan_or_zero(&x[s0..], p)
            } else {
                ss * factor(ms)
            };
    }
    let sum = sum + last;
    let inv = F::ONE / sum;
    let mut ends = segments.iter().skip(1).map(|s| s.0).chain([start]);
    for &(s0, ms, _) in &segments {
        let s1 = ends.next().unwrap_or(n);
        let ys = &mut y[s0..s1];
        if dead(ms) {
            let fill = F::select(inv.is_nan(), inv, F::ZERO);
            ys.iter_mut().for_each(|v| *v = fill);
            continue;
        }
        let f = factor(ms) * inv;
        for v in ys.iter_mut() {
            *v = *v * f;
        }
    }
    for v in y[start..].iter_mut() {
        *v = *v * inv;
    }
}

/// Records a finished segment of a long row: `(first element, m_s, S_s)`. Out of line and
/// cold, so that the block loops keep no call to the vector's growth: it runs once per block
/// whose maximum is above the running one (at most once per [`BLOCK`] elements, and for most
/// rows a few times in all), not once per element.
#[cold]
#[inline(never)]
fn push_segment<F: Float>(segments: &mut Vec<(usize, F, F)>, segment: (usize, F, F)) {
    segments.push(segment);
}

/// NaN if a NaN is in `p(x)` before its first value above `-∞`, else 0 (the sum of a dead
/// segment: entries at `-∞` and NaN). Cold.
#[cold]
#[inline(never)]
fn nan_or_zero<F: Float>(x: &[F], p: impl Fn(F) -> F) -> F {
    for &v in x {
        let v = p(v);
        if v.is_nan() {
            return v;
        }
        if v != -F::INFINITY {
            break;
        }
    }
    F::ZERO
}

/// [`block`] for log-softmax: the sums of `e = e^(x - m)` over the entries below `m` and over
/// the others (the ties at `m`, whose `e` is 1 exactly; a NaN), nothing stored, `exp` with
/// gradual underflow where the block's spread was not checked (a tiny sum is a result here).
/// `TIES` false for a block whose maximum is below `m` (no ties; a NaN makes the sum NaN in
/// either row): the first sum alone, without the selects and the second row's lanes (about
/// 1.15x over 1M `f32` in `[-8, 8)`, where only the block of the maximum has ties), with
/// the same bits (the other form adds `+0` to those lanes, which never hold `-0`).
#[inline(always)]
fn block_log<F: Float, const FMA: bool, const NORMAL: bool, const D: u8, const TIES: bool>(
    x: &[F],
    next: &[F],
    m: F,
    acc: &mut [[F; LANES]; 2],
) -> (F, F) {
    let add = |a: F, b: F| a + b;
    let mut nexts = next.chunks(LANES);
    let exp = |v: F| {
        let u = v - m;
        let err = diff_err::<F, D>(v, m, u);
        let e = if NORMAL {
            <F as FloatKernels>::__exp_nonpositive_normal::<FMA>(u, err)
        } else {
            <F as FloatKernels>::__exp_lo::<FMA>(u, err)
        };
        (u, e)
    };
    for xc in x.chunks(LANES) {
        if let Some(nc) = nexts.next() {
            prefetch::<F, false>(nc);
        }
        if TIES {
            fold_block(acc, xc.len().min(LANES), &add, |i| {
                let (u, e) = exp(xc[i]);
                let below = u < F::ZERO;
                [F::select(below, e, F::ZERO), F::select(below, F::ZERO, e)]
            });
        } else {
            let below: &mut [[F; LANES]; 1] = (&mut acc[..1]).try_into().expect("one row");
            fold_block(below, xc.len().min(LANES), &add, |i| [exp(xc[i]).1]);
        }
    }
    let (mut hi, mut lo) = ([-F::INFINITY; MM], [F::INFINITY; MM]);
    fold_max_min(next, |v| v, &mut hi, &mut lo);
    finish_max_min(&hi, &lo)
}

/// [`block_log`] in the form that `normal` (the block's spread was checked) and `form` (of
/// [`diff_form`]) allow.
#[inline(always)]
fn block_log_form<F: Float, const FMA: bool, const TIES: bool>(
    normal: bool,
    form: u8,
    x: &[F],
    next: &[F],
    m: F,
    acc: &mut [[F; LANES]; 2],
) -> (F, F) {
    match (normal, form) {
        (true, M_FIRST) => block_log::<F, FMA, true, M_FIRST, TIES>(x, next, m, acc),
        (true, V_FIRST) => block_log::<F, FMA, true, V_FIRST, TIES>(x, next, m, acc),
        (true, _) => block_log::<F, FMA, true, TWO_SUM, TIES>(x, next, m, acc),
        (false, _) => block_log::<F, FMA, false, TWO_SUM, TIES>(x, next, m, acc),
    }
}

/// Log-softmax of one row, `y_i = x_i - m - log1p(t)` with `m = max(x)` and `t` the sum of
/// `e^(x_j - m)` over the entries below `m` plus 1 per further tie (the generated form's
/// log-sum-exp), in two passes over memory: the sums as [`softmax_forward_online`] takes its
/// one (segments, the next block's maximum found and fetched during the exponentials), an
/// earlier segment's entries all below `m` (its ties at `m_s` too), then the output. The
/// special cases of the three-pass form: a NaN, a `+∞` or a row of only `-∞` give NaN
/// everywhere; an entry at `-∞` among finite ones gives `-∞`. Panics if the lengths differ.
#[inline(always)]
pub fn log_softmax_forward_online<F: Float, const FMA: bool>(x: &[F], y: &mut [F]) {
    crate::checks::check_len("x", x.len(), "y", y.len());
    let n = x.len();
    if n == 0 {
        return;
    }
    let from = <F as FloatKernels>::__EXP_NORMAL_FROM;
    // Segments: (m_s, sum of every e^(x - m_s) of the segment).
    let mut segments: Vec<(usize, F, F)> = Vec::new();
    let (mut hi, mut lo) = {
        let (mut h, mut l) = ([-F::INFINITY; MM], [F::INFINITY; MM]);
        fold_max_min(&x[..n.min(BLOCK)], |v| v, &mut h, &mut l);
        finish_max_min(&h, &l)
    };
    let mut m = hi;
    let mut start = 0;
    let mut acc = [[F::ZERO; LANES]; 2];
    let add = |a: F, b: F| a + b;
    let mut b0 = 0;
    while b0 < n {
        let b1 = (b0 + BLOCK).min(n);
        let b2 = (b1 + BLOCK).min(n);
        if hi > m {
            let [below, ties] = finish_lanes(&acc, &add);
            push_segment(&mut segments, (start, m, below + ties));
            acc = [[F::ZERO; LANES]; 2];
            m = hi;
            start = b0;
        }
        let (xb, next) = (&x[b0..b1], &x[b1..b2]);
        let normal = lo - m >= from;
        (hi, lo) = if hi < m {
            block_log_form::<F, FMA, false>(normal, diff_form(m, lo), xb, next, m, &mut acc)
        } else {
            block_log_form::<F, FMA, true>(normal, diff_form(m, lo), xb, next, m, &mut acc)
        };
        b0 = b1;
    }
    let [below, ties] = finish_lanes(&acc, &add);
    let mut earlier = F::ZERO;
    for &(s0, ms, ss) in &segments {
        earlier = earlier
            + if ms == -F::INFINITY && m > ms {
                nan_or_zero(&x[s0..], |v| v)
            } else {
                let u = ms - m;
                ss * <F as FloatKernels>::__exp_lo::<FMA>(u, two_sum_err(ms, -m, u))
            };
    }
    let extra = ties - F::ONE;
    let t = below + earlier + F::select(extra > F::ZERO, extra, F::ZERO);
    let t = F::select(extra.is_nan(), extra, t);
    let l = t.log1p();
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = (xi - m) - l;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic `f32` values: `scale` times a fixed linear congruential sequence in
    /// [-1, 1), with a random binade spread of `2^-20` to 1.
    fn values(n: usize, seed: u64, scale: f64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(6364136223846793005) | 1;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let u = next() * 2.0 - 1.0;
                (scale * u * 2f64.powi(-((next() * 20.0) as i32))) as f32
            })
            .collect()
    }

    /// Wherever `diff_form` picks a Fast2Sum form for a block `[lo, m]`, that form's error is
    /// exact for every `v` of the block (Knuth's TwoSum, exact for any operands, gives it; and
    /// `v - m - u` in `f64` where the operands' exponents are close enough for `f64` to hold
    /// the difference): blocks
    /// of every sign and spread, and `v` at the block's edges (`lo`, `m`, just below the power
    /// of two above `m`, the other side of 0). Fails if the bound is taken a binade too wide
    /// (checked by hand: `above * 2.0` gives wrong errors) or the forms are swapped.
    #[test]
    fn fast_two_sum_forms_are_exact() {
        let (mut fast, mut m_first, mut v_first) = (0, 0, 0);
        for (k, &m) in values(4000, 1, 100.0).iter().enumerate() {
            for &spread in &[0.5f64, 1.0, 1.9, 2.0, 2.1, 4.0, 40.0] {
                let lo = (m as f64 - spread * (m as f64).abs().max(1e-3)) as f32;
                let form = diff_form(m, lo);
                if form == TWO_SUM {
                    continue;
                }
                fast += 1;
                let mut vs: Vec<f32> = values(64, k as u64 + 7, 1.0)
                    .into_iter()
                    .map(|t| (lo as f64 + (m as f64 - lo as f64) * (t as f64).abs()) as f32)
                    .filter(|&v| v >= lo && v <= m)
                    .collect();
                vs.extend([lo, m, -m, f32::from_bits(lo.to_bits() + 1), m * 0.5]);
                for v in vs.into_iter().filter(|&v| v >= lo && v <= m) {
                    let u = v - m;
                    let err = match form {
                        M_FIRST => diff_err::<f32, M_FIRST>(v, m, u),
                        _ => diff_err::<f32, V_FIRST>(v, m, u),
                    };
                    let exact = two_sum_err(v, -m, u);
                    assert_eq!(
                        err, exact,
                        "form {form}, m {m:e}, lo {lo:e}, v {v:e}: {err:e} not {exact:e}"
                    );
                    if v == 0.0 || (v.abs() / m.abs()).log2().abs() < 28.0 {
                        let wide = (v as f64 - m as f64 - u as f64) as f32;
                        assert_eq!(err, wide, "m {m:e}, v {v:e}");
                    }
                }
                if form == M_FIRST {
                    m_first += 1;
                } else {
                    v_first += 1;
                }
            }
        }
        // Both forms are taken often.
        assert!(
            m_first > 5000 && v_first > 5000,
            "{fast} {m_first} {v_first}"
        );
    }

    /// `diff_form`'s choices at its edges: `m <= 0` is `V_FIRST`; `m > 0` is `M_FIRST` while
    /// `lo` is above minus the power of two above `m`, else `TWO_SUM`; a subnormal or
    /// non-finite `m` never takes `M_FIRST`.
    #[test]
    fn diff_form_edges() {
        assert_eq!(diff_form(0.0f32, -1e30), V_FIRST);
        assert_eq!(diff_form(-0.0f32, -1e30), V_FIRST);
        assert_eq!(diff_form(-3.0f32, -1e30), V_FIRST);
        assert_eq!(diff_form(8.0f32, -15.999999), M_FIRST);
        assert_eq!(diff_form(8.0f32, -16.0), TWO_SUM);
        assert_eq!(diff_form(7.99f32, -7.999999), M_FIRST);
        assert_eq!(diff_form(7.99f32, -8.0), TWO_SUM);
        // A subnormal `f32` `m` (normal in `f64`): the bound of its `f64` binade, tighter than
        // needed (every subnormal has the exponent of the smallest normal), and exact.
        assert_eq!(diff_form(1e-40f32, -0.5e-40), M_FIRST);
        assert_eq!(diff_form(1e-40f32, -2e-40), TWO_SUM);
        for v in [-0.5e-40f32, 1e-45, -1e-45, 0.7e-40] {
            let u = v - 1e-40;
            assert_eq!(
                diff_err::<f32, M_FIRST>(v, 1e-40, u),
                two_sum_err(v, -1e-40, u)
            );
        }
        // A subnormal `f64` `m`: only a block of positive values (`|v| <= m`).
        assert_eq!(diff_form(1e-310f64, 0.5e-310), M_FIRST);
        assert_eq!(diff_form(1e-310f64, -0.5e-310), TWO_SUM);
        assert_eq!(diff_form(f32::NAN, 0.0), TWO_SUM);
        assert_eq!(diff_form(f32::INFINITY, 0.0), TWO_SUM);
        assert_eq!(diff_form(1.5f64, -1.999), M_FIRST);
        assert_eq!(diff_form(1.5f64, -2.0), TWO_SUM);
    }
}
