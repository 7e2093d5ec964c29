//! The fused sums and folds of [`super::sum_lanes`] and its siblings for rows of at most `L`
//! elements held in registers, with the same results: the builds of a vector activation's
//! slice methods for short inputs ([`super::short`], `L` = 16: softmax over the classes of an
//! output layer) and medium ones ([`super::medium`], `L` = 64).
//!
//! Setting up and combining 256 accumulators in memory costs more than a row of a few
//! elements; worse, folding a few elements into the lanes and reading the lanes back wider
//! stalls on store forwarding. Here every loop has a fixed trip count (`L`, in blocks of 16
//! lanes, one AVX-512 register of `f32`), so the values stay in registers: lanes at and
//! beyond the length are computed from whatever they hold and then replaced by the fold's
//! identity (blocks of 16 wholly beyond it are skipped).
//!
//! Lane `i` is `identity ⊕ map(x[i])`, as in the long path, and the pairwise tree over `L`
//! lanes differs from that over 256 only by combinations with lanes that hold the
//! identity. Those change no bit: `v + 0` is `v` for a lane (never `-0`, having started at
//! `+0`), and `max(v, -∞)` is `v`, NaN included. So the length alone decides the result, as
//! `tests/lanes.rs` checks at every length.
//!
//! # Rows as windows
//!
//! The inputs and outputs are [`Row`]s and [`RowMut`]s: a row of at most `L` elements at the
//! start of a window of exactly `L`, read and written in whole vectors. The short and medium
//! builds run every input through [`for_rows`] or [`for_rows2`] (a lone slice is one row):
//! while the batch goes on for `L` elements past a row's start, the window is the batch
//! itself, so a row's lanes beyond its end hold the next rows' elements (which the folds
//! replace by the identity) and its whole-vector stores land in the next rows' output, which
//! those rows overwrite before reading it (every pass writes the whole row before a later
//! pass reads it, and the rows run in order). The last rows (and a lone slice shorter than
//! `L`) run in a copy padded with zeros, and their output is copied back. Same bits either
//! way: lanes beyond the row never reach a result.

use core::ops::{Deref, DerefMut};

use super::{check_len, finish_lanes};
use crate::Float;

/// Lanes per block: one AVX-512 register of `f32`. Blocks wholly beyond a row are skipped.
const BLOCK: usize = 16;

/// One input row: the first `len` elements of a window of `L`. Dereferences to the row.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a, F, const L: usize> {
    window: &'a [F; L],
    len: usize,
}

impl<'a, F, const L: usize> Row<'a, F, L> {
    /// The row of `len` elements at the start of `window`.
    ///
    /// # Panics
    /// If `len > L`.
    #[inline(always)]
    pub fn new(window: &'a [F; L], len: usize) -> Self {
        assert!(len <= L, "a short row has at most {L} elements, not {len}");
        Row { window, len }
    }
}

impl<'a, 'b, F, const L: usize> From<&'b RowMut<'a, F, L>> for Row<'b, F, L> {
    /// An output row read back (the value a pass stored there for the next one).
    #[inline(always)]
    fn from(row: &'b RowMut<'a, F, L>) -> Self {
        Row {
            window: row.window,
            len: row.len,
        }
    }
}

impl<F, const L: usize> Deref for Row<'_, F, L> {
    type Target = [F];
    #[inline(always)]
    fn deref(&self) -> &[F] {
        &self.window[..self.len]
    }
}

/// One output row: the first `len` elements of a window of `L`, all of which the functions
/// of this module may write. Dereferences to the row.
#[derive(Debug)]
pub struct RowMut<'a, F, const L: usize> {
    window: &'a mut [F; L],
    len: usize,
}

impl<'a, F, const L: usize> RowMut<'a, F, L> {
    /// The row of `len` elements at the start of `window`.
    ///
    /// # Panics
    /// If `len > L`.
    #[inline(always)]
    pub fn new(window: &'a mut [F; L], len: usize) -> Self {
        assert!(len <= L, "a short row has at most {L} elements, not {len}");
        RowMut { window, len }
    }
}

impl<'a, 'b, F, const L: usize> From<&'b mut RowMut<'a, F, L>> for RowMut<'b, F, L> {
    #[inline(always)]
    fn from(row: &'b mut RowMut<'a, F, L>) -> Self {
        RowMut {
            window: row.window,
            len: row.len,
        }
    }
}

impl<F, const L: usize> Deref for RowMut<'_, F, L> {
    type Target = [F];
    #[inline(always)]
    fn deref(&self) -> &[F] {
        &self.window[..self.len]
    }
}

impl<F, const L: usize> DerefMut for RowMut<'_, F, L> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [F] {
        &mut self.window[..self.len]
    }
}

/// The window of `L` at `start`, which the caller made sure is in `x`.
#[inline(always)]
fn window<F, const L: usize>(x: &[F], start: usize) -> &[F; L] {
    x[start..start + L].try_into().expect("L elements")
}

/// [`window`] of an output.
#[inline(always)]
fn window_mut<F, const L: usize>(x: &mut [F], start: usize) -> &mut [F; L] {
    (&mut x[start..start + L]).try_into().expect("L elements")
}

/// `x[..n]` (`n < L`) in a buffer of `2 L` padded with zeros. A copy under a condition in a
/// loop of fixed length (masked loads), not a call to `memcpy`.
#[inline(always)]
fn padded<F: Float, const L: usize>(x: &[F]) -> [[F; L]; 2] {
    let mut b = [[F::ZERO; L]; 2];
    for (i, bi) in b[0].iter_mut().enumerate() {
        if i < x.len() {
            *bi = x[i];
        }
    }
    b
}

/// `buf[..out.len()]` back into `out` (`out.len() < L`), as [`padded`] copies.
#[inline(always)]
fn unpad<F: Float, const L: usize>(buf: &[[F; L]; 2], out: &mut [F]) {
    for (i, &bi) in buf[0].iter().enumerate() {
        if i < out.len() {
            out[i] = bi;
        }
    }
}

/// `row(x_r, y_r)` for each row of a row-major batch of rows of `cols <= L` (0 runs nothing),
/// as windows (see the module docs): the short and medium builds of a vector activation's
/// `forward_slice` (one row) and `forward_rows`. The lengths are the caller's to check.
#[inline(always)]
pub fn for_rows<F: Float, const L: usize>(
    x: &[F],
    cols: usize,
    y: &mut [F],
    row: impl Fn(Row<'_, F, L>, RowMut<'_, F, L>),
) {
    if cols == 0 {
        return;
    }
    let n = x.len().min(y.len()) / cols * cols;
    let mut start = 0;
    while start + L <= n {
        row(
            Row::new(window(x, start), cols),
            RowMut::new(window_mut(y, start), cols),
        );
        start += cols;
    }
    if start < n {
        let xb = padded::<F, L>(&x[start..n]);
        let mut yb = [[F::ZERO; L]; 2];
        let mut s = 0;
        while s < n - start {
            row(
                Row::new(window(xb.as_flattened(), s), cols),
                RowMut::new(window_mut(yb.as_flattened_mut(), s), cols),
            );
            s += cols;
        }
        unpad(&yb, &mut y[start..n]);
    }
}

/// [`for_rows`] over two inputs (`backward_slice`, `backward_rows` and the backward from the
/// output).
#[inline(always)]
pub fn for_rows2<F: Float, const L: usize>(
    x: &[F],
    g: &[F],
    cols: usize,
    out: &mut [F],
    row: impl Fn(Row<'_, F, L>, Row<'_, F, L>, RowMut<'_, F, L>),
) {
    if cols == 0 {
        return;
    }
    let n = x.len().min(g.len()).min(out.len()) / cols * cols;
    let mut start = 0;
    while start + L <= n {
        row(
            Row::new(window(x, start), cols),
            Row::new(window(g, start), cols),
            RowMut::new(window_mut(out, start), cols),
        );
        start += cols;
    }
    if start < n {
        let (xb, gb) = (padded::<F, L>(&x[start..n]), padded::<F, L>(&g[start..n]));
        let mut ob = [[F::ZERO; L]; 2];
        let mut s = 0;
        while s < n - start {
            row(
                Row::new(window(xb.as_flattened(), s), cols),
                Row::new(window(gb.as_flattened(), s), cols),
                RowMut::new(window_mut(ob.as_flattened_mut(), s), cols),
            );
            s += cols;
        }
        unpad(&ob, &mut out[start..n]);
    }
}

/// Whether block `b` of `BLOCK` lanes holds any of a row's `len` elements (the first always
/// runs: a whole row of `L <= BLOCK` is one block, with no test).
#[inline(always)]
fn live(b: usize, len: usize) -> bool {
    b == 0 || b * BLOCK < len
}

/// `M` rows of `L` lanes: `identity ⊕ m(i)` below `len`, `identity` from there (and `m` not
/// called in blocks wholly beyond `len`).
#[inline(always)]
fn lanes<F: Float, const M: usize, const L: usize>(
    len: usize,
    identity: F,
    combine: &impl Fn(F, F) -> F,
    mut m: impl FnMut(usize) -> [F; M],
) -> [[F; L]; M] {
    let mut lanes = [[identity; L]; M];
    for b in 0..L.div_ceil(BLOCK) {
        if !live(b, len) {
            continue;
        }
        for i in b * BLOCK..((b + 1) * BLOCK).min(L) {
            let v = m(i);
            for (row, vm) in lanes.iter_mut().zip(v) {
                let folded = combine(identity, vm);
                row[i] = if i < len { folded } else { identity };
            }
        }
    }
    lanes
}

/// [`super::sum_lanes`] for a row.
#[inline(always)]
pub fn sum_lanes<F: Float, const M: usize, const L: usize>(
    x: Row<'_, F, L>,
    map: impl Fn(F) -> [F; M],
) -> [F; M] {
    let add = |a: F, b: F| a + b;
    let xb = x.window;
    finish_lanes(
        &lanes::<F, M, L>(x.len, F::ZERO, &add, |i| map(xb[i])),
        &add,
    )
}

/// [`super::sum_lanes_store`] for a row; the window of `out` is written (in the blocks that
/// hold the row).
#[inline(always)]
pub fn sum_lanes_store<'b, F: Float, const M: usize, const L: usize>(
    x: Row<'_, F, L>,
    out: impl Into<RowMut<'b, F, L>>,
    map: impl Fn(F) -> ([F; M], F),
) -> [F; M] {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    let add = |a: F, b: F| a + b;
    let xb = x.window;
    let w = out.window;
    let sums = lanes::<F, M, L>(x.len, F::ZERO, &add, |i| {
        let (sums, st) = map(xb[i]);
        w[i] = st;
        sums
    });
    finish_lanes(&sums, &add)
}

/// [`super::sum_lanes2`] for a row.
#[inline(always)]
pub fn sum_lanes2<F: Float, const M: usize, const L: usize>(
    x: Row<'_, F, L>,
    g: Row<'_, F, L>,
    map: impl Fn(F, F) -> [F; M],
) -> [F; M] {
    check_len("x", x.len, "grad_y", g.len);
    let add = |a: F, b: F| a + b;
    let (xb, gb) = (x.window, g.window);
    finish_lanes(
        &lanes::<F, M, L>(x.len, F::ZERO, &add, |i| map(xb[i], gb[i])),
        &add,
    )
}

/// [`super::sum_lanes3`] for a row.
#[inline(always)]
pub fn sum_lanes3<'c, F: Float, const M: usize, const L: usize>(
    x: Row<'_, F, L>,
    g: Row<'_, F, L>,
    e: impl Into<Row<'c, F, L>>,
    map: impl Fn(F, F, F) -> [F; M],
) -> [F; M] {
    let e = e.into();
    check_len("x", x.len, "grad_y", g.len);
    check_len("x", x.len, "e", e.len);
    let add = |a: F, b: F| a + b;
    let (xb, gb, eb) = (x.window, g.window, e.window);
    finish_lanes(
        &lanes::<F, M, L>(x.len, F::ZERO, &add, |i| map(xb[i], gb[i], eb[i])),
        &add,
    )
}

/// [`super::fold_blocks`] for a row, where `init` is `combine`'s identity (`combine(init, v)`
/// is `v`, bit for bit, as for max from -∞ and min from +∞).
#[inline(always)]
pub fn fold_blocks<F: Float, const L: usize>(
    x: Row<'_, F, L>,
    init: F,
    map: impl Fn(F) -> F,
    combine: impl Fn(F, F) -> F,
) -> F {
    let xb = x.window;
    // `init ⊕ v` is `v` itself, so the lanes hold the values as they are.
    let mut lanes = [init; L];
    for b in 0..L.div_ceil(BLOCK) {
        if !live(b, x.len) {
            continue;
        }
        for i in b * BLOCK..((b + 1) * BLOCK).min(L) {
            let v = map(xb[i]);
            lanes[i] = if i < x.len { v } else { init };
        }
    }
    finish_lanes(&[lanes], &combine)[0]
}

/// [`super::position_of`] for a row: the first lane below the row's length where `map(x[i])`
/// equals `best` (or is NaN, when `best` is NaN), as a minimum of lane indices (branch-free);
/// 0 where there is none.
#[inline(always)]
pub fn position_of<F: Float, const L: usize>(
    x: Row<'_, F, L>,
    best: F,
    map: impl Fn(F) -> F,
) -> usize {
    let nan = best.is_nan();
    let xb = x.window;
    let mut first = L;
    for b in 0..L.div_ceil(BLOCK) {
        if !live(b, x.len) {
            continue;
        }
        let block = b * BLOCK..((b + 1) * BLOCK).min(L);
        for (i, &v) in block.clone().zip(&xb[block]) {
            let m = map(v);
            let hit = ((m == best) | (nan & m.is_nan())) & (i < x.len);
            first = first.min(if hit { i } else { L });
        }
    }
    if first == L { 0 } else { first }
}

/// The output pass: `out[i] = f(i, x[i], g[i], out[i])` over the window (the row and the
/// lanes past it, in the blocks that hold the row), the old `out[i]` being what an earlier
/// pass stored there.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // the index is `f`'s too
pub fn map_out<'c, F: Float, const L: usize>(
    x: Row<'_, F, L>,
    g: Row<'_, F, L>,
    out: impl Into<RowMut<'c, F, L>>,
    f: impl Fn(usize, F, F, F) -> F,
) {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    check_len("grad_y", g.len, "out", out.len);
    let (xb, gb) = (x.window, g.window);
    let (len, w) = (out.len, out.window);
    for b in 0..L.div_ceil(BLOCK) {
        if !live(b, len) {
            continue;
        }
        for i in b * BLOCK..((b + 1) * BLOCK).min(L) {
            w[i] = f(i, xb[i], gb[i], w[i]);
        }
    }
}

/// A member of the softmax family, for [`softmax_family_backward`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `y_i = e^(x_i) / sum_j e^(x_j)`.
    Softmax,
    /// Softmax of `-x`.
    Softmin,
    /// `y_i = x_i - ln(sum_j e^(x_j))`.
    LogSoftmax,
}

/// The vector-Jacobian product of a member of the softmax family from the input, in closed
/// form, for one row of at most `L` elements: the row's probabilities
/// `p_i = e^(s x_i - m) / sum_j e^(s x_j - m)` (`s = -1` for softmin, else 1; `m` the maximum
/// of `s x`), then `p_i (g_i - sum_j g_j p_j)` (softmax), `p_i (sum_j g_j p_j - g_i)`
/// (softmin) or `g_i - p_i sum_j g_j` (log-softmax). Four whole-row steps in registers (the
/// maximum, the exponentials and their sum with `sum_j g_j` beside it, the products `p_i` and
/// their dot product with `g`, the output), where the general VJP of a vector formula takes
/// the adjoints of every reduction, the maximum's position included.
///
/// `e^(s x_i - m)` is exact in the inputs as the forward pass's is: the rounding error of the
/// difference enters the exponential's reduced argument (`FloatKernels::__exp_lo`, with its
/// gradual underflow, since the gradient may scale a tiny probability back up). Each `p_i`
/// is then within a few ulp plus the sum's rounding (`n/2` ulp) of the exact one, and the
/// result within that relative error of the size of the terms it subtracts. The sums run over
/// the window's lanes in the order of [`sum_lanes`] (so the bits do not depend on the
/// instruction set). A NaN in a row (input or gradient) makes the row's result NaN, as a row
/// holding `+∞` (`+∞ - +∞`) or only `-∞` does; an entry at `-∞` among finite ones has
/// `p_i = 0`.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // three windows indexed alike
pub fn softmax_family_backward<'c, F: Float, const FMA: bool, const L: usize>(
    family: Family,
    x: Row<'_, F, L>,
    g: Row<'_, F, L>,
    out: impl Into<RowMut<'c, F, L>>,
) {
    let out = out.into();
    check_len("x", x.len, "grad_y", g.len);
    check_len("x", x.len, "grad_x", out.len);
    let len = x.len;
    if len == 0 {
        return;
    }
    let neg = family == Family::Softmin;
    let p = |v: F| if neg { -v } else { v };
    let m = fold_blocks(x, -F::INFINITY, p, F::max);
    let (xb, gb, w) = (x.window, g.window, out.window);
    let add = |a: F, b: F| a + b;
    // e_i, kept in registers for the later steps (lanes past the row hold the identity 0).
    let mut e = [F::ZERO; L];
    let log = family == Family::LogSoftmax;
    // With the sum of the e_i, in the same lanes: sum_j g_j (log-softmax) or sum_j g_j e_j.
    let sums = lanes::<F, 2, L>(len, F::ZERO, &add, |i| {
        let pi = p(xb[i]);
        let u = pi - m;
        let err = crate::compensated::two_sum_err(pi, -m, u);
        let ei = <F as crate::float_kernels::FloatKernels>::__exp_lo::<FMA>(u, err);
        e[i] = if i < len { ei } else { F::ZERO };
        [ei, if log { gb[i] } else { gb[i] * ei }]
    });
    let [s, d] = finish_lanes(&sums, &add);
    let inv = F::ONE / s;
    if log {
        // Where `sum_j g_j` overflows (or is NaN from `∞ - ∞` between huge finite terms), it
        // is summed again scaled by `1/K` (`K = L` rounded up to a power of two) and the
        // products `p_i sum_j g_j` scaled back: finite where they are.
        let (d, up) = if d.is_nan() | d.is_infinite() {
            (
                sum_scaled(len, gb),
                F::from_f64(L.next_power_of_two() as f64),
            )
        } else {
            (d, F::ONE)
        };
        // `p_i sum_j g_j` is 0 where `p_i` is (an entry at -∞ among finite ones), also when
        // the sum of the gradient overflows; a NaN in the row (the sum of the `e_j` or of
        // the `g_j`) makes every entry NaN.
        let sum_is_number = !(inv * d).is_nan();
        for b in 0..L.div_ceil(BLOCK) {
            if !live(b, len) {
                continue;
            }
            for i in b * BLOCK..((b + 1) * BLOCK).min(L) {
                let t = e[i] * inv * d * up;
                let zero = (e[i] == F::ZERO) & sum_is_number;
                w[i] = gb[i] - F::select(zero, F::ZERO, t);
            }
        }
        return;
    }
    // `sum_j g_j p_j` as `(sum_j g_j e_j) / sum_j e_j`, which runs beside the sum; where
    // `sum_j g_j e_j` is not finite (it may overflow where `sum_j g_j p_j` does not, being
    // up to `n` times larger, or a NaN or ∞ is in the row), the sum of the products.
    let dot = if !(d.is_nan() | d.is_infinite()) {
        d * inv
    } else {
        dot_of_products(len, gb, &e, inv)
    };
    for b in 0..L.div_ceil(BLOCK) {
        if !live(b, len) {
            continue;
        }
        for i in b * BLOCK..((b + 1) * BLOCK).min(L) {
            let y = e[i] * inv;
            w[i] = if neg {
                y * (dot - gb[i])
            } else {
                y * (gb[i] - dot)
            };
        }
    }
}

/// `sum_i g_i (e_i inv)` over the first `len` lanes, in the order of [`sum_lanes`] (the rare case
/// of [`softmax_family_backward`]; inlined in its branch, so that the builds for short inputs call
/// nothing).
#[inline(always)]
fn dot_of_products<F: Float, const L: usize>(len: usize, g: &[F; L], e: &[F; L], inv: F) -> F {
    let add = |a: F, b: F| a + b;
    finish_lanes(
        &lanes::<F, 1, L>(len, F::ZERO, &add, |i| [g[i] * (e[i] * inv)]),
        &add,
    )[0]
}

/// `sum_i g_i / K` over the first `len` lanes, `K` the power of two from `L` (the scaling is
/// exact but below the normal range), in the order of [`sum_lanes`]: the sum of a gradient that
/// overflows (the rare case of [`softmax_family_backward`], inlined in its branch as
/// [`dot_of_products`]).
#[inline(always)]
fn sum_scaled<F: Float, const L: usize>(len: usize, g: &[F; L]) -> F {
    let add = |a: F, b: F| a + b;
    let down = F::from_f64(1.0 / L.next_power_of_two() as f64);
    finish_lanes(
        &lanes::<F, 1, L>(len, F::ZERO, &add, |i| [g[i] * down]),
        &add,
    )[0]
}
