//! Parallel slice methods on rayon's thread pool (feature `rayon`).
//!
//! Each `par_*` method has the signature of its serial counterpart and gives the same bits:
//! the input is cut into chunks (whole rows for the row methods) and the serial method runs on
//! each. An elementwise activation's result at one element does not depend on the others or
//! on where the chunk starts, and a row is never cut. Inputs shorter than [`PAR_MIN_LEN`]
//! elements, or a pool of one thread, run serially: below that the work is worth less than
//! handing it to another thread.
//!
//! ```
//! use act_core::prelude::*;
//!
//! let x: Vec<f32> = (0..1 << 20).map(|i| (i % 2000) as f32 / 100.0 - 10.0).collect();
//! let mut y = vec![0.0; x.len()];
//! let mut serial = vec![0.0; x.len()];
//! Gelu.par_forward_slice(&x, &mut y);
//! Gelu.forward_slice(&x, &mut serial);
//! assert_eq!(y, serial);
//!
//! // Softmax over 4096 rows of 256 logits, the rows shared among the threads.
//! let logits = &x[..4096 * 256];
//! let mut p = vec![0.0; logits.len()];
//! Softmax.par_forward_rows(logits, 256, &mut p);
//! ```

use rayon::prelude::*;

use crate::checks::{check_len, check_rows};
use crate::{Activation, Elementwise, Float, VectorActivation};

/// Inputs with fewer elements than this run serially. Measured with `threshold/*` in
/// `benches/benches/parallel.rs` on a 2-core machine: splitting in two lost at 16K to 64K
/// elements even for Gelu (0.74x to 0.87x the serial speed) and far more for ReLU (0.06x to
/// 0.33x), and gained 1.9x at 4M; 128K is on the safe side of that crossover for
/// compute-bound activations. Cheap memory-bound ones (ReLU) gain only on inputs of several
/// million elements, and not at all while another process holds the second core.
pub const PAR_MIN_LEN: usize = 1 << 17;

/// Elements per chunk: about four chunks per thread, so that a thread slowed by others on the
/// machine is balanced by the rest, and a multiple of 64 elements (whole vector registers and
/// cache lines).
fn chunk_len(n: usize) -> usize {
    let pieces = 4 * rayon::current_num_threads();
    n.div_ceil(pieces).next_multiple_of(64).max(PAR_MIN_LEN / 2)
}

/// Whether `n` elements go to the pool.
fn parallel(n: usize) -> bool {
    n >= PAR_MIN_LEN && rayon::current_num_threads() > 1
}

/// Parallel forms of [`Activation`]'s slice methods, for every activation.
///
/// A vector activation's `forward_slice` and `backward_slice` treat the whole input as one
/// vector: `par_forward_slice` and `par_backward_slice` then run serially (their reductions
/// are not split, so that the bits stay those of the serial method). For a batch of vectors use
/// [`ParVectorActivation::par_forward_rows`].
pub trait ParActivation: Activation {
    /// [`Activation::forward_slice`] on rayon's pool. Panics if the lengths differ.
    fn par_forward_slice<F: Float>(&self, x: &[F], y: &mut [F]) {
        check_len("x", x.len(), "y", y.len());
        if Self::IS_VECTOR || !parallel(x.len()) {
            return self.forward_slice(x, y);
        }
        let c = chunk_len(x.len());
        x.par_chunks(c)
            .zip(y.par_chunks_mut(c))
            .for_each(|(xc, yc)| self.forward_slice(xc, yc));
    }

    /// [`Activation::backward_slice`] (the vector-Jacobian product) on rayon's pool.
    /// Panics if the lengths differ.
    fn par_backward_slice<F: Float>(&self, x: &[F], grad_y: &[F], grad_x: &mut [F]) {
        check_len("x", x.len(), "grad_y", grad_y.len());
        check_len("x", x.len(), "grad_x", grad_x.len());
        if Self::IS_VECTOR || !parallel(x.len()) {
            return self.backward_slice(x, grad_y, grad_x);
        }
        let c = chunk_len(x.len());
        x.par_chunks(c)
            .zip(grad_y.par_chunks(c))
            .zip(grad_x.par_chunks_mut(c))
            .for_each(|((xc, gc), oc)| self.backward_slice(xc, gc, oc));
    }
}

impl<A: Activation> ParActivation for A {}

/// Parallel forms of [`Elementwise`]'s slice methods.
pub trait ParElementwise: Elementwise {
    /// [`Elementwise::derivative_slice`] on rayon's pool. Panics if the lengths differ.
    fn par_derivative_slice<F: Float>(&self, x: &[F], dy: &mut [F]) {
        check_len("x", x.len(), "dy", dy.len());
        if !parallel(x.len()) {
            return self.derivative_slice(x, dy);
        }
        let c = chunk_len(x.len());
        x.par_chunks(c)
            .zip(dy.par_chunks_mut(c))
            .for_each(|(xc, dc)| self.derivative_slice(xc, dc));
    }

    /// [`Elementwise::forward_in_place`] on rayon's pool.
    fn par_forward_in_place<F: Float>(&self, x: &mut [F]) {
        if !parallel(x.len()) {
            return self.forward_in_place(x);
        }
        let c = chunk_len(x.len());
        x.par_chunks_mut(c).for_each(|xc| self.forward_in_place(xc));
    }
}

impl<A: Elementwise> ParElementwise for A {}

/// Parallel forms of [`VectorActivation`]'s row methods: whole rows are shared among the
/// threads.
pub trait ParVectorActivation: VectorActivation {
    /// [`VectorActivation::forward_rows`] on rayon's pool: `x` and `y` row-major
    /// `rows × cols`. Panics if the lengths differ or are not a multiple of `cols`.
    fn par_forward_rows<F: Float>(&self, x: &[F], cols: usize, y: &mut [F]) {
        check_rows("x", x.len(), "y", y.len(), cols);
        if cols == 0 || !parallel(x.len()) {
            return self.forward_rows(x, cols, y);
        }
        let c = rows_chunk_len(x.len(), cols);
        x.par_chunks(c)
            .zip(y.par_chunks_mut(c))
            .for_each(|(xc, yc)| self.forward_rows(xc, cols, yc));
    }

    /// [`VectorActivation::backward_rows`] on rayon's pool. Panics as
    /// [`par_forward_rows`](Self::par_forward_rows), for `grad_y` and `grad_x` too.
    fn par_backward_rows<F: Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]) {
        check_rows("x", x.len(), "grad_y", grad_y.len(), cols);
        check_rows("x", x.len(), "grad_x", grad_x.len(), cols);
        if cols == 0 || !parallel(x.len()) {
            return self.backward_rows(x, cols, grad_y, grad_x);
        }
        let c = rows_chunk_len(x.len(), cols);
        x.par_chunks(c)
            .zip(grad_y.par_chunks(c))
            .zip(grad_x.par_chunks_mut(c))
            .for_each(|((xc, gc), oc)| self.backward_rows(xc, cols, gc, oc));
    }
}

impl<A: VectorActivation> ParVectorActivation for A {}

/// [`chunk_len`] in whole rows of `cols` (at least one row).
fn rows_chunk_len(n: usize, cols: usize) -> usize {
    chunk_len(n).div_ceil(cols).max(1) * cols
}
