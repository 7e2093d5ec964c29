//! Fused sums and folds over a slice in independent lanes, for the passes of vector
//! activations: the same bits on every instruction set, whatever the input's length.

use crate::Float;
use crate::checks::check_len;

/// Independent accumulators of the fused sums and blocked folds: element `i` goes to lane
/// `i % LANES`. The update of all lanes by a block of elements is a plain elementwise loop,
/// which vectorises (with the map) like the elementwise slice loops; the lanes are combined
/// pairwise at the end. The order of the operations depends only on the length, so every
/// instruction set gives the same bits.
const LANES: usize = 256;

/// Folds `map`'s values for a block of up to `L` elements into the lanes, one row of lanes per
/// result.
#[inline(always)]
fn fold_block<F: Float, const L: usize, const M: usize>(
    acc: &mut [[F; L]; M],
    len: usize,
    combine: &impl Fn(F, F) -> F,
    mut map: impl FnMut(usize) -> [F; M],
) {
    let len = len.min(L);
    for i in 0..len {
        let v = map(i);
        for (row, vm) in acc.iter_mut().zip(v) {
            row[i] = combine(row[i], vm);
        }
    }
}

/// Each row of lanes combined pairwise (a tree, for accuracy). `L` need not be a power of
/// two: the tree is that of the next power of two, whose missing lanes would hold the
/// identity (so lane `i` meets lane `i + width` only where that lane exists), which gives
/// the bits of a tree over more lanes of which those past `L` hold the identity.
#[inline(always)]
fn finish_lanes<F: Float, const L: usize, const M: usize>(
    acc: &[[F; L]; M],
    combine: &impl Fn(F, F) -> F,
) -> [F; M] {
    let mut out = [F::ZERO; M];
    for (o, lanes) in out.iter_mut().zip(acc) {
        let mut w = *lanes;
        let mut width = L.next_power_of_two();
        while width > 1 {
            width /= 2;
            let (lo, hi) = w.split_at_mut(width);
            for (p, q) in lo.iter_mut().zip(hi.iter()) {
                *p = combine(*p, *q);
            }
        }
        *o = w[0];
    }
    out
}

/// `M` sums over the input in one pass: `out[m] = sum_i map(x[i])[m]`, over independent lanes
/// so that both the map and the additions vectorise.
#[inline(always)]
pub fn sum_lanes<F: Float, const M: usize>(x: &[F], map: impl Fn(F) -> [F; M]) -> [F; M] {
    sum_lanes_in::<F, LANES, M>(x, map)
}

#[inline(always)]
fn sum_lanes_in<F: Float, const L: usize, const M: usize>(
    x: &[F],
    map: impl Fn(F) -> [F; M],
) -> [F; M] {
    let add = |a: F, b: F| a + b;
    let mut acc = [[F::ZERO; L]; M];
    for xc in x.chunks(L) {
        let len = xc.len().min(L);
        let xc = &xc[..len];
        fold_block(&mut acc, len, &add, |i| map(xc[i]));
    }
    finish_lanes(&acc, &add)
}

/// [`sum_lanes`] that also writes one more per-element value to `out` (a value a later pass
/// reads instead of recomputing it).
#[inline(always)]
pub fn sum_lanes_store<F: Float, const M: usize>(
    x: &[F],
    out: &mut [F],
    map: impl Fn(F) -> ([F; M], F),
) -> [F; M] {
    sum_lanes_store_in::<F, LANES, M>(x, out, map)
}

#[inline(always)]
fn sum_lanes_store_in<F: Float, const L: usize, const M: usize>(
    x: &[F],
    out: &mut [F],
    map: impl Fn(F) -> ([F; M], F),
) -> [F; M] {
    check_len("x", x.len(), "out", out.len());
    let add = |a: F, b: F| a + b;
    let mut acc = [[F::ZERO; L]; M];
    for (xc, oc) in x.chunks(L).zip(out.chunks_mut(L)) {
        let len = xc.len().min(oc.len()).min(L);
        let (xc, oc) = (&xc[..len], &mut oc[..len]);
        fold_block(&mut acc, len, &add, |i| {
            let (sums, stored) = map(xc[i]);
            oc[i] = stored;
            sums
        });
    }
    finish_lanes(&acc, &add)
}

/// [`sum_lanes`] over two inputs of the same length, element by element.
#[inline(always)]
pub fn sum_lanes2<F: Float, const M: usize>(
    x: &[F],
    g: &[F],
    map: impl Fn(F, F) -> [F; M],
) -> [F; M] {
    sum_lanes2_in::<F, LANES, M>(x, g, map)
}

#[inline(always)]
fn sum_lanes2_in<F: Float, const L: usize, const M: usize>(
    x: &[F],
    g: &[F],
    map: impl Fn(F, F) -> [F; M],
) -> [F; M] {
    check_len("x", x.len(), "grad_y", g.len());
    let add = |a: F, b: F| a + b;
    let mut acc = [[F::ZERO; L]; M];
    // Whole blocks with a constant trip count (one sum's lanes then stay in registers, where a
    // trip count known only at run time kept them in memory: a load and a store per vector),
    // then the rest: the same lanes in the same order as one loop over `chunks`, so the same
    // bits.
    let (mut xs, mut gs) = (x.chunks_exact(L), g.chunks_exact(L));
    for (xc, gc) in (&mut xs).zip(&mut gs) {
        let (Ok(xc), Ok(gc)) = (<&[F; L]>::try_from(xc), <&[F; L]>::try_from(gc)) else {
            unreachable!("chunks_exact gives whole blocks")
        };
        fold_block(&mut acc, L, &add, |i| map(xc[i], gc[i]));
    }
    let (xc, gc) = (xs.remainder(), gs.remainder());
    let len = xc.len().min(gc.len()).min(L);
    let (xc, gc) = (&xc[..len], &gc[..len]);
    fold_block(&mut acc, len, &add, |i| map(xc[i], gc[i]));
    finish_lanes(&acc, &add)
}

/// [`sum_lanes`] over three inputs of the same length, element by element.
#[inline(always)]
pub fn sum_lanes3<F: Float, const M: usize>(
    x: &[F],
    g: &[F],
    e: &[F],
    map: impl Fn(F, F, F) -> [F; M],
) -> [F; M] {
    sum_lanes3_in::<F, LANES, M>(x, g, e, map)
}

#[inline(always)]
fn sum_lanes3_in<F: Float, const L: usize, const M: usize>(
    x: &[F],
    g: &[F],
    e: &[F],
    map: impl Fn(F, F, F) -> [F; M],
) -> [F; M] {
    check_len("x", x.len(), "grad_y", g.len());
    check_len("x", x.len(), "e", e.len());
    let add = |a: F, b: F| a + b;
    let mut acc = [[F::ZERO; L]; M];
    for ((xc, gc), ec) in x.chunks(L).zip(g.chunks(L)).zip(e.chunks(L)) {
        let len = xc.len().min(gc.len()).min(ec.len()).min(L);
        let (xc, gc, ec) = (&xc[..len], &gc[..len], &ec[..len]);
        fold_block(&mut acc, len, &add, |i| map(xc[i], gc[i], ec[i]));
    }
    finish_lanes(&acc, &add)
}

/// A mean whose sum left the range: `mean` is `sum / n` as the fused pass computed it, ±∞
/// (or NaN from `∞ - ∞`) although every `map(x[i])` may be finite (`mean(1e308, 1e308)`).
/// Where every value is finite, returns their mean summed in order with each value scaled by
/// `2^-k` (`2^k >= n`, exact but for values too small to count beside such a sum), divided by
/// `n` and scaled back: finite where the true mean is. Where a value is ±∞ or NaN, returns
/// `mean` as it is. The generated code calls this only where a mean is not finite: the
/// ordinary path keeps its bits and its speed.
#[cold]
#[inline(never)]
pub fn mean_rescaled<F: Float>(x: &[F], mean: F, map: impl Fn(F) -> F) -> F {
    let n = x.len();
    let k = n.next_power_of_two().trailing_zeros() as i32;
    let (down, up) = (F::from_f64(2f64.powi(-k)), F::from_f64(2f64.powi(k)));
    let mut sum = F::ZERO;
    for &v in x {
        let m = map(v);
        if m.is_nan() || m.is_infinite() {
            return mean;
        }
        sum = sum + m * down;
    }
    sum / F::from_f64(n as f64) * up
}

/// Folds `map(x[i])` with `combine` (for max and min) over the lanes of
/// [`sum_lanes`], so that the map vectorises as in the elementwise slice loops.
#[inline(always)]
pub fn fold_blocks<F: Float>(
    x: &[F],
    init: F,
    map: impl Fn(F) -> F,
    combine: impl Fn(F, F) -> F,
) -> F {
    fold_blocks_in::<F, LANES>(x, init, map, combine)
}

#[inline(always)]
fn fold_blocks_in<F: Float, const L: usize>(
    x: &[F],
    init: F,
    map: impl Fn(F) -> F,
    combine: impl Fn(F, F) -> F,
) -> F {
    let mut acc = [[init; L]; 1];
    for xc in x.chunks(L) {
        let len = xc.len().min(L);
        let xc = &xc[..len];
        fold_block(&mut acc, len, &combine, |i| [map(xc[i])]);
    }
    finish_lanes(&acc, &combine)[0]
}

/// Lanes of [`max_min_blocks`]: a few vectors, kept in registers.
const MAX_MIN_LANES: usize = 64;

/// The row length from which softmax's forward pass (long build) finds the minimum with the
/// maximum ([`max_min_blocks`]) to check the row's spread: shorter rows take the plain max
/// fold and the general `exp`. Rows of 1000 gained 1.2x from the check, rows of 100 lost
/// about 0.83x (`benches/RESULTS.md`, ninth session); the bound lies between.
pub const MAX_MIN_FROM: usize = 256;

/// `(max, min)` of `map(x[i])`: the maximum as [`fold_blocks`] with [`Float::max`] gives it
/// (NaN if any value is NaN, `-∞` for an empty slice), and the minimum of the values that are
/// not NaN (`+∞` if none), in one pass over independent lanes held in registers: per vector a
/// `max`, a `min` and a NaN test with its select, where [`fold_blocks`] takes a compare, a NaN
/// test and a masked store to lanes in memory. Max and min are exact, so the lanes change no
/// bits (between equal values of opposite sign, `-0` and `+0`, either may come out).
#[inline(always)]
pub fn max_min_blocks<F: Float>(x: &[F], map: impl Fn(F) -> F) -> (F, F) {
    const L: usize = MAX_MIN_LANES;
    let mut hi = [-F::INFINITY; L];
    let mut lo = [F::INFINITY; L];
    let mut nan = [F::ZERO; L];
    let update = |hi: &mut [F; L], lo: &mut [F; L], nan: &mut [F; L], i: usize, v: F| {
        // `v > h` is false for a NaN `v`: the lane keeps its value, and `nan` takes it.
        hi[i] = if v > hi[i] { v } else { hi[i] };
        lo[i] = if v < lo[i] { v } else { lo[i] };
        nan[i] = if v.is_nan() { v } else { nan[i] };
    };
    let mut blocks = x.chunks_exact(L);
    for xc in &mut blocks {
        for (i, &v) in xc.iter().enumerate() {
            update(&mut hi, &mut lo, &mut nan, i, map(v));
        }
    }
    // The rest in whole vectors of 16 where it can (rows of 65 to a few hundred elements
    // spend much of their time here), then one at a time.
    let mut rest = blocks.remainder().chunks_exact(16);
    for xc in &mut rest {
        for (i, &v) in xc.iter().enumerate() {
            update(&mut hi, &mut lo, &mut nan, i, map(v));
        }
    }
    for (i, &v) in rest.remainder().iter().enumerate() {
        update(&mut hi, &mut lo, &mut nan, i, map(v));
    }
    // Pairwise, so that the first levels are whole-vector operations.
    let mut width = L;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            let (h, l, n) = (hi[i + width], lo[i + width], nan[i + width]);
            hi[i] = if h > hi[i] { h } else { hi[i] };
            lo[i] = if l < lo[i] { l } else { lo[i] };
            nan[i] = if n.is_nan() { n } else { nan[i] };
        }
    }
    (if nan[0].is_nan() { nan[0] } else { hi[0] }, lo[0])
}

pub mod across;
mod online;
mod window;

pub use online::{ONLINE_FROM, log_softmax_forward_online, softmax_forward_online};
pub use window::Family;

/// The closed form of the softmax family's VJP from the input (`short::softmax_family_backward`,
/// which see) over a row of any length, for rows longer than a window: three passes over
/// the row (the maximum; the exponentials, stored in `out`, with their sum and
/// `sum_j g_j e_j` or `sum_j g_j` beside it in the lanes of [`sum_lanes`]; the output), with
/// the same formulas, so the same accuracy and the same values at NaN and ±∞. Panics if the
/// lengths differ.
#[inline(always)]
pub fn softmax_family_backward<F: Float, const FMA: bool>(
    family: Family,
    x: &[F],
    g: &[F],
    out: &mut [F],
) {
    check_len("x", x.len(), "grad_y", g.len());
    check_len("x", x.len(), "grad_x", out.len());
    if x.is_empty() {
        return;
    }
    let (neg, log) = (family == Family::Softmin, family == Family::LogSoftmax);
    let p = |v: F| if neg { -v } else { v };
    let m = fold_blocks(x, -F::INFINITY, p, F::max);
    let add = |a: F, b: F| a + b;
    let mut acc = [[F::ZERO; LANES]; 2];
    for ((xc, gc), oc) in x
        .chunks(LANES)
        .zip(g.chunks(LANES))
        .zip(out.chunks_mut(LANES))
    {
        let len = xc.len().min(gc.len()).min(oc.len()).min(LANES);
        let (xc, gc, oc) = (&xc[..len], &gc[..len], &mut oc[..len]);
        fold_block(&mut acc, len, &add, |i| {
            let pi = p(xc[i]);
            let u = pi - m;
            let err = crate::compensated::two_sum_err(pi, -m, u);
            let e = <F as crate::float_kernels::FloatKernels>::__exp_lo::<FMA>(u, err);
            oc[i] = e;
            [e, if log { gc[i] } else { gc[i] * e }]
        });
    }
    let [s, d] = finish_lanes(&acc, &add);
    let inv = F::ONE / s;
    if log {
        // As the short build: a sum of the gradient that overflows, summed again scaled.
        let (d, up) = if d.is_nan() | d.is_infinite() {
            let k = x.len().next_power_of_two();
            let down = F::from_f64(1.0 / k as f64);
            (sum_lanes(g, |v| [v * down])[0], F::from_f64(k as f64))
        } else {
            (d, F::ONE)
        };
        let sum_is_number = !(inv * d).is_nan();
        for (o, &gi) in out.iter_mut().zip(g) {
            let e = *o;
            let t = e * inv * d * up;
            let zero = (e == F::ZERO) & sum_is_number;
            *o = gi - F::select(zero, F::ZERO, t);
        }
        return;
    }
    let dot = if !(d.is_nan() | d.is_infinite()) {
        d * inv
    } else {
        // `sum_j g_j e_j` overflowed (or a NaN or ∞ is in the row): the sum of the products.
        sum_lanes2(g, out, |gi, e| [gi * (e * inv)])[0]
    };
    for (o, &gi) in out.iter_mut().zip(g) {
        let y = *o * inv;
        *o = if neg { y * (dot - gi) } else { y * (gi - dot) };
    }
}

/// A module of the window functions for rows of at most `LEN` elements: the same functions
/// for every row length, with `Row` and `RowMut` windows of `LEN` lanes.
macro_rules! row_module {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        pub mod $name {
            pub use super::window::{
                Family, fold_blocks, for_rows, for_rows2, map_out, position_of,
                softmax_family_backward, sum_lanes, sum_lanes_store, sum_lanes2, sum_lanes3,
            };

            /// The longest input these functions take.
            pub const LEN: usize = $len;
            /// A row of at most [`LEN`] elements in a window of `LEN`.
            pub type Row<'a, F> = super::window::Row<'a, F, LEN>;
            /// An output row of at most [`LEN`] elements in a window of `LEN`.
            pub type RowMut<'a, F> = super::window::RowMut<'a, F, LEN>;
        }
    };
}

row_module!(
    /// The fused sums and folds for rows of at most [`short::LEN`] elements in registers (softmax
    /// over the classes of an output layer), with the same results as the general ones; the
    /// short builds of the slice methods of a vector activation call these. See the `window`
    /// module (rows as windows of a batch, read and written in whole vectors).
    short,
    16
);

row_module!(
    /// [`short`]'s functions for rows of one element ([`rows1::LEN`]): one lane, one `exp` per
    /// row. The batched methods of a vector activation (`forward_rows`, `backward_rows`,
    /// `backward_rows_from_output`) call these for rows of one element, and [`rows2`] to
    /// [`rows8`] for rows of 2 to 8: with the row's length a constant, the compiler vectorises
    /// the rows loop across rows (rows side by side in vectors), where a build of 4 lanes for
    /// rows of 3 and 4, or of 16 for rows of 5 to 8, computes each row's lanes on their own
    /// (at 0.5-1.4 times a plain loop). Same results as [`short`] (the lanes past a row hold
    /// the folds' identities; a number of lanes not a power of two is combined as the first of
    /// the next power of two: rows of 3 as `(x0 + x2) + x1`).
    rows1,
    1
);

row_module!(
    /// [`rows1`]'s functions for rows of two elements.
    rows2,
    2
);

row_module!(
    /// [`rows1`]'s functions for rows of three elements.
    rows3,
    3
);

row_module!(
    /// [`rows1`]'s functions for rows of four elements.
    rows4,
    4
);

row_module!(
    /// [`rows1`]'s functions for rows of five elements.
    rows5,
    5
);

row_module!(
    /// [`rows1`]'s functions for rows of six elements.
    rows6,
    6
);

row_module!(
    /// [`rows1`]'s functions for rows of seven elements.
    rows7,
    7
);

row_module!(
    /// [`rows1`]'s functions for rows of eight elements.
    rows8,
    8
);

row_module!(
    /// [`short`]'s functions for rows of at most [`medium::LEN`] elements (and more than
    /// [`short::LEN`]): 64 lanes in registers, in blocks of 16 of which those wholly past the row
    /// are skipped. The medium builds of the slice methods of a vector activation call these.
    medium,
    64
);

/// The first index where `map(x[i])` equals `best` (or is NaN, when `best` is NaN): the
/// position of a max or min computed beforehand with [`fold_blocks`], found without the
/// branchy compare-and-track loop (the first of equal elements, as a tracking loop with a
/// strict comparison gives). Blocks are scanned with a branch-free test that vectorises;
/// only the block holding the position is searched element by element.
#[inline(always)]
pub fn position_of<F: Float>(x: &[F], best: F, map: impl Fn(F) -> F) -> usize {
    const SCAN: usize = 64;
    let nan = best.is_nan();
    let hit = |v: F| {
        let m = map(v);
        (m == best) | (nan & m.is_nan())
    };
    for (c, xc) in x.chunks(SCAN).enumerate() {
        let any = xc.iter().fold(false, |a, &v| a | hit(v));
        if any {
            return c * SCAN + xc.iter().position(|&v| hit(v)).unwrap_or(0);
        }
    }
    0
}
