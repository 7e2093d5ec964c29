//! The fused sums and folds of [`super::sum_lanes`] and its siblings for inputs of at most
//! [`LEN`] elements (softmax over the classes of an output layer, one row per call), with the
//! same results. The generated slice methods of a vector activation have a build that calls
//! these, taken for such short inputs (and one that calls [`super::medium`]'s).
//!
//! Setting up and combining 256 accumulators in memory costs more than a row of a few
//! elements; worse, folding a few elements into the lanes and reading the lanes back wider
//! stalls on store forwarding. Here every loop has the fixed trip count `LEN`, one AVX-512
//! register of `f32`, so the values stay in registers: lanes at and beyond the length are
//! computed from whatever they hold and then replaced by the fold's identity.
//!
//! Lane `i` is `identity ⊕ map(x[i])`, as in the long path, and the pairwise tree over `LEN`
//! lanes differs from that over 256 only by combinations with lanes that hold the
//! identity. Those change no bit: `v + 0` is `v` for a lane (never `-0`, having started at
//! `+0`), and `max(v, -∞)` is `v`, NaN included. So the length alone decides the result, as
//! `tests/lanes.rs` checks at every length.
//!
//! # Rows as windows
//!
//! The inputs and outputs are [`Row`]s and [`RowMut`]s: a row of at most `LEN` elements at
//! the start of a window of exactly `LEN`, read and written in whole vectors. The short
//! builds run every input through [`for_rows`] or [`for_rows2`] (a lone slice is one row):
//! while the batch goes on for `LEN` elements past a row's start, the window is the batch
//! itself, so a row's lanes beyond its end hold the next rows' elements (which the folds
//! replace by the identity) and its whole-vector stores land in the next rows' output, which
//! those rows overwrite before reading it (every pass writes the whole row before a later
//! pass reads it, and the rows run in order). The last rows (and a lone slice shorter than
//! `LEN`) run in a copy padded with zeros, and their output is copied back. Same bits either
//! way: lanes beyond the row never reach a result.

use core::ops::{Deref, DerefMut};

use super::{check_len, finish_lanes};
use crate::Float;

/// The longest input these functions take.
pub const LEN: usize = 16;

/// One input row: the first `len` elements of a window of `LEN`. Dereferences to the row.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a, F> {
    window: &'a [F; LEN],
    len: usize,
}

impl<'a, F> Row<'a, F> {
    /// The row of `len` elements at the start of `window`.
    ///
    /// # Panics
    /// If `len > LEN`.
    #[inline(always)]
    pub fn new(window: &'a [F; LEN], len: usize) -> Self {
        assert!(
            len <= LEN,
            "a short row has at most {LEN} elements, not {len}"
        );
        Row { window, len }
    }
}

impl<'a, 'b, F> From<&'b RowMut<'a, F>> for Row<'b, F> {
    /// An output row read back (the value a pass stored there for the next one).
    #[inline(always)]
    fn from(row: &'b RowMut<'a, F>) -> Self {
        Row {
            window: row.window,
            len: row.len,
        }
    }
}

impl<F> Deref for Row<'_, F> {
    type Target = [F];
    #[inline(always)]
    fn deref(&self) -> &[F] {
        &self.window[..self.len]
    }
}

/// One output row: the first `len` elements of a window of `LEN`, all of which the functions
/// of this module may write. Dereferences to the row.
#[derive(Debug)]
pub struct RowMut<'a, F> {
    window: &'a mut [F; LEN],
    len: usize,
}

impl<'a, F> RowMut<'a, F> {
    /// The row of `len` elements at the start of `window`.
    ///
    /// # Panics
    /// If `len > LEN`.
    #[inline(always)]
    pub fn new(window: &'a mut [F; LEN], len: usize) -> Self {
        assert!(
            len <= LEN,
            "a short row has at most {LEN} elements, not {len}"
        );
        RowMut { window, len }
    }
}

impl<'a, 'b, F> From<&'b mut RowMut<'a, F>> for RowMut<'b, F> {
    #[inline(always)]
    fn from(row: &'b mut RowMut<'a, F>) -> Self {
        RowMut {
            window: row.window,
            len: row.len,
        }
    }
}

impl<F> Deref for RowMut<'_, F> {
    type Target = [F];
    #[inline(always)]
    fn deref(&self) -> &[F] {
        &self.window[..self.len]
    }
}

impl<F> DerefMut for RowMut<'_, F> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [F] {
        &mut self.window[..self.len]
    }
}

/// The window of `LEN` at `start`, which the caller made sure is in `x`.
#[inline(always)]
fn window<F>(x: &[F], start: usize) -> &[F; LEN] {
    x[start..start + LEN].try_into().expect("LEN elements")
}

/// [`window`] of an output.
#[inline(always)]
fn window_mut<F>(x: &mut [F], start: usize) -> &mut [F; LEN] {
    (&mut x[start..start + LEN])
        .try_into()
        .expect("LEN elements")
}

/// `x[..n]` (`n < LEN`) in a buffer of `2 LEN` padded with zeros. A copy under a condition in
/// a loop of fixed length (masked loads), not a call to `memcpy`.
#[inline(always)]
fn padded<F: Float>(x: &[F]) -> [F; 2 * LEN] {
    let mut b = [F::ZERO; 2 * LEN];
    for (i, bi) in b.iter_mut().take(LEN).enumerate() {
        if i < x.len() {
            *bi = x[i];
        }
    }
    b
}

/// `buf[..out.len()]` back into `out` (`out.len() < LEN`), as [`padded`] copies.
#[inline(always)]
fn unpad<F: Float>(buf: &[F; 2 * LEN], out: &mut [F]) {
    for (i, &bi) in buf.iter().take(LEN).enumerate() {
        if i < out.len() {
            out[i] = bi;
        }
    }
}

/// `row(x_r, y_r)` for each row of a row-major batch of rows of `cols <= LEN` (0 runs
/// nothing), as windows (see the module docs): the short builds of a vector activation's
/// `forward_slice` (one row) and `forward_rows`. The lengths are the caller's to check.
#[inline(always)]
pub fn for_rows<F: Float>(
    x: &[F],
    cols: usize,
    y: &mut [F],
    row: impl Fn(Row<'_, F>, RowMut<'_, F>),
) {
    if cols == 0 {
        return;
    }
    let n = x.len().min(y.len()) / cols * cols;
    let mut start = 0;
    while start + LEN <= n {
        row(
            Row::new(window(x, start), cols),
            RowMut::new(window_mut(y, start), cols),
        );
        start += cols;
    }
    if start < n {
        let xb = padded(&x[start..n]);
        let mut yb = [F::ZERO; 2 * LEN];
        let mut s = 0;
        while s < n - start {
            row(
                Row::new(window(&xb, s), cols),
                RowMut::new(window_mut(&mut yb, s), cols),
            );
            s += cols;
        }
        unpad(&yb, &mut y[start..n]);
    }
}

/// [`for_rows`] over two inputs (`backward_slice`, `backward_rows` and the backward from the
/// output).
#[inline(always)]
pub fn for_rows2<F: Float>(
    x: &[F],
    g: &[F],
    cols: usize,
    out: &mut [F],
    row: impl Fn(Row<'_, F>, Row<'_, F>, RowMut<'_, F>),
) {
    if cols == 0 {
        return;
    }
    let n = x.len().min(g.len()).min(out.len()) / cols * cols;
    let mut start = 0;
    while start + LEN <= n {
        row(
            Row::new(window(x, start), cols),
            Row::new(window(g, start), cols),
            RowMut::new(window_mut(out, start), cols),
        );
        start += cols;
    }
    if start < n {
        let (xb, gb) = (padded(&x[start..n]), padded(&g[start..n]));
        let mut ob = [F::ZERO; 2 * LEN];
        let mut s = 0;
        while s < n - start {
            row(
                Row::new(window(&xb, s), cols),
                Row::new(window(&gb, s), cols),
                RowMut::new(window_mut(&mut ob, s), cols),
            );
            s += cols;
        }
        unpad(&ob, &mut out[start..n]);
    }
}

/// `M` rows of `LEN` lanes: `identity ⊕ m(i)` below `len`, `identity` from there.
#[inline(always)]
fn lanes<F: Float, const M: usize>(
    len: usize,
    identity: F,
    combine: &impl Fn(F, F) -> F,
    mut m: impl FnMut(usize) -> [F; M],
) -> [[F; LEN]; M] {
    let mut lanes = [[identity; LEN]; M];
    for i in 0..LEN {
        let v = m(i);
        for (row, vm) in lanes.iter_mut().zip(v) {
            let folded = combine(identity, vm);
            row[i] = if i < len { folded } else { identity };
        }
    }
    lanes
}

/// [`super::sum_lanes`] for a row.
#[inline(always)]
pub fn sum_lanes<F: Float, const M: usize>(x: Row<'_, F>, map: impl Fn(F) -> [F; M]) -> [F; M] {
    let add = |a: F, b: F| a + b;
    let xb = *x.window;
    finish_lanes(&lanes(x.len, F::ZERO, &add, |i| map(xb[i])), &add)
}

/// [`super::sum_lanes_store`] for a row; the whole window of `out` is written.
#[inline(always)]
pub fn sum_lanes_store<'b, F: Float, const M: usize>(
    x: Row<'_, F>,
    out: impl Into<RowMut<'b, F>>,
    map: impl Fn(F) -> ([F; M], F),
) -> [F; M] {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    let add = |a: F, b: F| a + b;
    let xb = *x.window;
    let w = out.window;
    let sums = lanes(x.len, F::ZERO, &add, |i| {
        let (sums, st) = map(xb[i]);
        w[i] = st;
        sums
    });
    finish_lanes(&sums, &add)
}

/// [`super::sum_lanes2`] for a row.
#[inline(always)]
pub fn sum_lanes2<F: Float, const M: usize>(
    x: Row<'_, F>,
    g: Row<'_, F>,
    map: impl Fn(F, F) -> [F; M],
) -> [F; M] {
    check_len("x", x.len, "grad_y", g.len);
    let add = |a: F, b: F| a + b;
    let (xb, gb) = (*x.window, *g.window);
    finish_lanes(&lanes(x.len, F::ZERO, &add, |i| map(xb[i], gb[i])), &add)
}

/// [`super::sum_lanes3`] for a row.
#[inline(always)]
pub fn sum_lanes3<'c, F: Float, const M: usize>(
    x: Row<'_, F>,
    g: Row<'_, F>,
    e: impl Into<Row<'c, F>>,
    map: impl Fn(F, F, F) -> [F; M],
) -> [F; M] {
    let e = e.into();
    check_len("x", x.len, "grad_y", g.len);
    check_len("x", x.len, "e", e.len);
    let add = |a: F, b: F| a + b;
    let (xb, gb, eb) = (*x.window, *g.window, *e.window);
    finish_lanes(
        &lanes(x.len, F::ZERO, &add, |i| map(xb[i], gb[i], eb[i])),
        &add,
    )
}

/// [`super::fold_blocks`] for a row.
#[inline(always)]
pub fn fold_blocks<F: Float>(
    x: Row<'_, F>,
    init: F,
    map: impl Fn(F) -> F,
    combine: impl Fn(F, F) -> F,
) -> F {
    let xb = *x.window;
    finish_lanes(&lanes(x.len, init, &combine, |i| [map(xb[i])]), &combine)[0]
}

/// [`super::position_of`] for a row.
#[inline(always)]
pub fn position_of<F: Float>(x: Row<'_, F>, best: F, map: impl Fn(F) -> F) -> usize {
    super::position_of(&x, best, map)
}

/// The output pass: `out[i] = f(x[i], g[i], out[i])` over the whole window (the row and the
/// lanes past it), the old `out[i]` being what an earlier pass stored there.
#[inline(always)]
pub fn map_out<'c, F: Float>(
    x: Row<'_, F>,
    g: Row<'_, F>,
    out: impl Into<RowMut<'c, F>>,
    f: impl Fn(F, F, F) -> F,
) {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    check_len("grad_y", g.len, "out", out.len);
    let (xb, gb) = (*x.window, *g.window);
    let w = out.window;
    for i in 0..LEN {
        w[i] = f(xb[i], gb[i], w[i]);
    }
}
