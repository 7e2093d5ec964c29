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
