//! The window functions of the short and medium builds (module `window`) for a block of [`ROWS`]
//! rows of 9 to [`LEN`] elements side by side: `forward_rows` of a member of the softmax family
//! takes these for rows of the lengths [`forward_takes`] accepts, one build for every length,
//! vectorised across rows (each of a vector's lanes one row) where a row in a window of 16 or 64
//! lanes is one row at a time, with a tree of lanes to combine per row. The backward methods do not
//! (`backward_rows` and `backward_rows_from_output` run the short and medium builds, one row at a
//! time): their blocks gained little (`backward_rows` 1.0-1.3x, and `memset` calls came out in its
//! rows loop; from the output, without an `exp`, the copies into and out of the blocks cost more
//! than the rows' own work).
//!
//! [`for_rows`] copies `ROWS` rows into a block stored by columns (`block[j][b]` is element `j`
//! of row `b`), runs the row closure once for the block, and copies the block's output back
//! (the last block's missing rows hold zeros, and their output is dropped). The folds and
//! sums give every row the bits of [`super::short`]'s (rows of at most 16) or
//! [`super::medium`]'s (rows of at most 64): column `j < len` holds `identity ⊕ map(x_j)` of
//! each row, the columns from `len` to 16 (or to 32, past 16) the identity, and the columns
//! are combined in `finish_lanes`' tree; the medium build's tree over 64 lanes differs from
//! the one over 32 only by combinations with lanes holding the identity, which change no bit
//! (see the `window` module). The reductions already computed reach the per-element closures
//! as the row's own `[F; K]`, so the generated per-element methods run unchanged.

use crate::Float;
use crate::checks::check_len;

/// Rows per block: one AVX-512 register of `f32` holds one element of each.
pub const ROWS: usize = 16;
/// The longest rows these functions take.
pub const LEN: usize = 32;
/// The shortest rows `forward_rows` gives these functions (shorter ones have builds of
/// their own, `rows1` to `rows8`).
pub const FROM: usize = 9;

/// Whether `forward_rows` takes these functions for rows of `cols`: from [`FROM`] to [`LEN`]
/// (1.5-2.8 times the naive loop, AVX-512, `f32`; the short and medium builds 0.75-2.6).
#[inline(always)]
pub const fn forward_takes(cols: usize) -> bool {
    FROM <= cols && cols <= LEN
}

/// A block of [`ROWS`] rows of up to [`LEN`] elements, by columns.
type Block<F> = [[F; ROWS]; LEN];

/// A block of [`ROWS`] input rows of `len` elements, stored by columns.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a, F> {
    block: &'a Block<F>,
    len: usize,
}

/// A block of [`ROWS`] output rows of `len` elements, stored by columns.
#[derive(Debug)]
pub struct RowMut<'a, F> {
    block: &'a mut Block<F>,
    len: usize,
}

impl<F> Row<'_, F> {
    /// The length of each row.
    #[inline(always)]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the rows are empty (never: `forward_rows` gives rows of [`FROM`] or more).
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<F> RowMut<'_, F> {
    /// The length of each row.
    #[inline(always)]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the rows are empty.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<'a, 'b, F> From<&'b mut RowMut<'a, F>> for RowMut<'b, F> {
    #[inline(always)]
    fn from(row: &'b mut RowMut<'a, F>) -> Self {
        RowMut {
            block: row.block,
            len: row.len,
        }
    }
}

/// Rows `r0..r0 + nb` of `x` (rows of `cols`) into `block`, by columns: a row at a time,
/// element by element (a gather of each column is slower).
#[inline(always)]
fn gather<F: Float>(x: &[F], cols: usize, r0: usize, nb: usize, block: &mut Block<F>) {
    let rows = &x[r0 * cols..(r0 + nb) * cols];
    for (b, row) in rows.chunks_exact(cols).enumerate() {
        for (col, &v) in block.iter_mut().zip(row) {
            col[b & (ROWS - 1)] = v;
        }
    }
}

/// [`gather`]'s inverse.
#[inline(always)]
fn scatter<F: Float>(block: &Block<F>, cols: usize, r0: usize, nb: usize, y: &mut [F]) {
    let rows = &mut y[r0 * cols..(r0 + nb) * cols];
    for (b, row) in rows.chunks_exact_mut(cols).enumerate() {
        for (v, col) in row.iter_mut().zip(block.iter()) {
            *v = col[b & (ROWS - 1)];
        }
    }
}

/// `row(x, y)` for each block of [`ROWS`] rows of a row-major batch of rows of `cols`
/// (`1 <= cols <= LEN`), the blocks as [`Row`]s (see the module docs). The next block is
/// copied in before the current one runs, so that its element-wise stores have drained when
/// the passes read it back in whole vectors.
#[inline(always)]
pub fn for_rows<F: Float>(
    x: &[F],
    cols: usize,
    y: &mut [F],
    row: impl Fn(Row<'_, F>, RowMut<'_, F>),
) {
    assert!((1..=LEN).contains(&cols), "rows of 1 to {LEN}, not {cols}");
    let rows = x.len().min(y.len()) / cols;
    let mut xb = [[[F::ZERO; ROWS]; LEN]; 2];
    let mut yb = [[F::ZERO; ROWS]; LEN];
    let mut nb = ROWS.min(rows);
    load(x, cols, 0, nb, &mut xb[0]);
    let (mut r0, mut cur) = (0, 0);
    while r0 < rows {
        let next = r0 + nb;
        let next_nb = ROWS.min(rows - next);
        if next_nb > 0 {
            load(x, cols, next, next_nb, &mut xb[1 - cur]);
        }
        row(
            Row {
                block: &xb[cur],
                len: cols,
            },
            RowMut {
                block: &mut yb,
                len: cols,
            },
        );
        scatter(&yb, cols, r0, nb, y);
        (r0, nb, cur) = (next, next_nb, 1 - cur);
    }
}

/// [`gather`] of a block, zeroed first where the batch ends before it does.
#[inline(always)]
fn load<F: Float>(x: &[F], cols: usize, r0: usize, nb: usize, block: &mut Block<F>) {
    if nb < ROWS {
        *block = [[F::ZERO; ROWS]; LEN];
    }
    gather(x, cols, r0, nb, block);
}

/// The reductions of row `b`, from the reductions of the block (`r[k][b]`).
#[inline(always)]
fn row_of<F: Float, const K: usize>(r: &[[F; ROWS]; K], b: usize) -> [F; K] {
    core::array::from_fn(|k| r[k][b])
}

/// The tree's width for rows of `len`: that of the short build's 16 lanes, or 32 (the
/// medium build's 64 lanes less those that only ever meet the identity).
#[inline(always)]
fn width(len: usize) -> usize {
    if len <= 16 { 16 } else { LEN }
}

/// `finish_lanes` for each row: columns `0..width` combined pairwise, lane `i` with lane
/// `i + w/2` (`w` halving from `width`).
#[inline(always)]
fn finish<F: Float>(acc: &mut Block<F>, width: usize, combine: &impl Fn(F, F) -> F) -> [F; ROWS] {
    let mut w = width;
    while w > 1 {
        w /= 2;
        let (lo, hi) = acc.split_at_mut(w);
        for (p, q) in lo.iter_mut().zip(hi.iter()) {
            for b in 0..ROWS {
                p[b] = combine(p[b], q[b]);
            }
        }
    }
    acc[0]
}

/// `M` blocks of lanes: `identity ⊕ m(j, b)` in column `j < len`, `identity` from `len` to the
/// tree's width; then the tree.
#[inline(always)]
fn sums<F: Float, const M: usize>(
    len: usize,
    identity: F,
    combine: &impl Fn(F, F) -> F,
    mut m: impl FnMut(usize, usize) -> [F; M],
) -> [[F; ROWS]; M] {
    let width = width(len);
    let mut acc = [[[identity; ROWS]; LEN]; M];
    for j in 0..len {
        for b in 0..ROWS {
            let v = m(j, b);
            for (a, vm) in acc.iter_mut().zip(v) {
                a[j][b] = combine(identity, vm);
            }
        }
    }
    core::array::from_fn(|k| finish(&mut acc[k], width, combine))
}

/// [`super::short::fold_blocks`] for each row of the block: `combine` folded over
/// `map(x_j, r)` (`r` the row's reductions), `init` its identity. The lanes hold the values
/// themselves, as there.
#[inline(always)]
pub fn fold_blocks<F: Float, const K: usize>(
    x: Row<'_, F>,
    r: &[[F; ROWS]; K],
    init: F,
    map: impl Fn(F, [F; K]) -> F,
    combine: impl Fn(F, F) -> F,
) -> [F; ROWS] {
    let xb = x.block;
    let mut acc = [[init; ROWS]; LEN];
    for j in 0..x.len {
        for b in 0..ROWS {
            acc[j][b] = map(xb[j][b], row_of(r, b));
        }
    }
    finish(&mut acc, width(x.len), &combine)
}

/// [`super::short::sum_lanes`] for each row of the block.
#[inline(always)]
pub fn sum_lanes<F: Float, const M: usize, const K: usize>(
    x: Row<'_, F>,
    r: &[[F; ROWS]; K],
    map: impl Fn(F, [F; K]) -> [F; M],
) -> [[F; ROWS]; M] {
    let xb = x.block;
    sums(x.len, F::ZERO, &|a, b| a + b, |j, b| {
        map(xb[j][b], row_of(r, b))
    })
}

/// [`super::short::sum_lanes_store`] for each row of the block: the sums, and the stored
/// value in `out`.
#[inline(always)]
pub fn sum_lanes_store<'b, F: Float, const M: usize, const K: usize>(
    x: Row<'_, F>,
    out: impl Into<RowMut<'b, F>>,
    r: &[[F; ROWS]; K],
    map: impl Fn(F, [F; K]) -> ([F; M], F),
) -> [[F; ROWS]; M] {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    let (xb, w) = (x.block, out.block);
    sums(x.len, F::ZERO, &|a, b| a + b, |j, b| {
        let (s, st) = map(xb[j][b], row_of(r, b));
        w[j][b] = st;
        s
    })
}

/// `f(x_0, r)` for each row of the block (`r` the row's reductions): a factor of the output
/// pass that depends on the row alone.
#[inline(always)]
pub fn per_row<F: Float, const K: usize>(
    x: Row<'_, F>,
    r: &[[F; ROWS]; K],
    f: impl Fn(F, [F; K]) -> F,
) -> [F; ROWS] {
    core::array::from_fn(|b| f(x.block[0][b], row_of(r, b)))
}

/// The output pass: `out_j = f(j, x_j, g_j, out_j, r, b)` for each row `b` of the block (`r`
/// its reductions), the old `out_j` being what an earlier pass stored there.
#[inline(always)]
pub fn map_out<'c, F: Float, const K: usize>(
    x: Row<'_, F>,
    g: Row<'_, F>,
    out: impl Into<RowMut<'c, F>>,
    r: &[[F; ROWS]; K],
    f: impl Fn(usize, F, F, F, [F; K], usize) -> F,
) {
    let out = out.into();
    check_len("x", x.len, "out", out.len);
    check_len("grad_y", g.len, "out", out.len);
    let (xb, gb, w) = (x.block, g.block, out.block);
    for j in 0..out.len {
        for b in 0..ROWS {
            w[j][b] = f(j, xb[j][b], gb[j][b], w[j][b], row_of(r, b), b);
        }
    }
}
