//! Activations on ndarray arrays (feature `ndarray`): any dimension, any memory layout.
//!
//! A contiguous array (standard or Fortran order, or any permutation of its axes) is computed
//! straight from its memory, with no copy, and the result has the same layout. A strided view
//! (every other column, a reversed axis) is read in logical order into a buffer first; the
//! result is then in standard layout. Values are those of the slice methods on the same
//! elements: bit for bit for elementwise activations.
//!
//! ```
//! use act_core::prelude::*;
//! use ndarray::{Axis, array};
//!
//! let x = array![[1.0f32, -2.0, 3.0], [0.5, 0.0, -1.0]];
//! let y = Gelu.forward_array(&x.t()); // a transposed view, no copy
//! assert_eq!(y.shape(), &[3, 2]);
//! assert_eq!(y[[0, 1]], Gelu.forward(0.5));
//!
//! // Softmax down the columns: each column sums to 1.
//! let p = Softmax.forward_axis(&x, Axis(0));
//! for column in p.columns() {
//!     assert!((column.sum() - 1.0).abs() < 1e-6);
//! }
//! ```

use ndarray::{Array, ArrayBase, Axis, Data, DataMut, Dimension, ShapeBuilder};

use crate::{Activation, Elementwise, Float, VectorActivation};

/// Array forms of [`Activation`]'s slice methods, for every activation.
///
/// For a vector activation (softmax) the whole array is one vector here, its reductions taken
/// in memory order for a contiguous array (logical order otherwise): to apply it to each row
/// or column, use [`VectorArray::forward_axis`].
pub trait ActivationArray: Activation {
    /// `y = f(x)`, in `x`'s layout when `x` is contiguous (standard layout otherwise).
    fn forward_array<F, S, D>(&self, x: &ArrayBase<S, D>) -> Array<F, D>
    where
        F: Float,
        S: Data<Elem = F>,
        D: Dimension,
    {
        map1(x, |xs, ys| self.forward_slice(xs, ys))
    }

    /// `x = f(x)` in place. A contiguous array is computed in its memory (elementwise: in
    /// chunks through a small buffer on the stack; vector: through one copy of the input).
    fn forward_array_inplace<F, S, D>(&self, x: &mut ArrayBase<S, D>)
    where
        F: Float,
        S: DataMut<Elem = F>,
        D: Dimension,
    {
        if let Some(xs) = x.as_slice_memory_order_mut() {
            if Self::IS_VECTOR {
                let input = xs.to_vec();
                self.forward_slice(&input, xs);
            } else {
                const CHUNK: usize = 1024;
                let mut buf = [F::ZERO; CHUNK];
                for c in xs.chunks_mut(CHUNK) {
                    let input = &mut buf[..c.len()];
                    input.copy_from_slice(c);
                    self.forward_slice(input, c);
                }
            }
            return;
        }
        let input: Vec<F> = x.iter().copied().collect();
        let mut out = vec![F::ZERO; input.len()];
        self.forward_slice(&input, &mut out);
        for (xi, yi) in x.iter_mut().zip(out) {
            *xi = yi;
        }
    }

    /// Vector-Jacobian product `grad_x = J(x)^T grad_y`, elementwise `grad_y * f'(x)`.
    /// Computed in memory order when `x` and `grad_y` are contiguous with the same strides
    /// (the result then in that layout), else in logical order (standard layout).
    ///
    /// # Panics
    /// If the shapes of `x` and `grad_y` differ.
    fn backward_array<F, S, T, D>(
        &self,
        x: &ArrayBase<S, D>,
        grad_y: &ArrayBase<T, D>,
    ) -> Array<F, D>
    where
        F: Float,
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        D: Dimension,
    {
        check_shapes("grad_y", x.shape(), grad_y.shape());
        let same_layout = x.strides() == grad_y.strides();
        if let (true, Some(gs)) = (same_layout, grad_y.as_slice_memory_order()) {
            if let Some(y) = map_contiguous(x, |xs, out| self.backward_slice(xs, gs, out)) {
                return y;
            }
        }
        let xs: Vec<F> = x.iter().copied().collect();
        let gs: Vec<F> = grad_y.iter().copied().collect();
        let mut out = vec![F::ZERO; xs.len()];
        self.backward_slice(&xs, &gs, &mut out);
        standard(x.raw_dim(), out)
    }
}

impl<A: Activation> ActivationArray for A {}

/// Array form of [`Elementwise::derivative_slice`].
pub trait ElementwiseArray: Elementwise {
    /// `f'(x)` at each element, laid out as [`ActivationArray::forward_array`]'s result.
    fn derivative_array<F, S, D>(&self, x: &ArrayBase<S, D>) -> Array<F, D>
    where
        F: Float,
        S: Data<Elem = F>,
        D: Dimension,
    {
        map1(x, |xs, ys| self.derivative_slice(xs, ys))
    }
}

impl<A: Elementwise> ElementwiseArray for A {}

/// A vector activation (softmax) along one axis of an array: each lane along `axis` (each row
/// for the last axis of a matrix, each column for axis 0) is one vector.
///
/// The lanes are read straight from memory when they are contiguous (the last axis of a
/// standard-layout array, the first of a Fortran-order one); otherwise the array is copied once
/// with `axis` innermost. The result has `x`'s shape; its strides are those of the layout it
/// was computed in.
pub trait VectorArray: VectorActivation {
    /// `f` applied to every lane along `axis`.
    ///
    /// # Panics
    /// If `axis` is not an axis of `x`.
    fn forward_axis<F, S, D>(&self, x: &ArrayBase<S, D>, axis: Axis) -> Array<F, D>
    where
        F: Float,
        S: Data<Elem = F>,
        D: Dimension,
    {
        check_axis(axis, x.ndim());
        let last = x.ndim() - 1;
        let mut v = x.view();
        v.swap_axes(axis.index(), last);
        let cols = v.shape()[last];
        let v = v.as_standard_layout();
        let xs = v.as_slice().expect("standard layout is contiguous");
        let mut out = vec![F::ZERO; xs.len()];
        self.forward_rows(xs, cols, &mut out);
        let mut y = standard(v.raw_dim(), out);
        y.swap_axes(axis.index(), last);
        y
    }

    /// The vector-Jacobian product of [`forward_axis`](Self::forward_axis), lane by lane.
    ///
    /// # Panics
    /// If `axis` is not an axis of `x`, or the shapes of `x` and `grad_y` differ.
    fn backward_axis<F, S, T, D>(
        &self,
        x: &ArrayBase<S, D>,
        grad_y: &ArrayBase<T, D>,
        axis: Axis,
    ) -> Array<F, D>
    where
        F: Float,
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        D: Dimension,
    {
        check_axis(axis, x.ndim());
        check_shapes("grad_y", x.shape(), grad_y.shape());
        let last = x.ndim() - 1;
        let (mut v, mut g) = (x.view(), grad_y.view());
        v.swap_axes(axis.index(), last);
        g.swap_axes(axis.index(), last);
        let cols = v.shape()[last];
        let (v, g) = (v.as_standard_layout(), g.as_standard_layout());
        let xs = v.as_slice().expect("standard layout is contiguous");
        let gs = g.as_slice().expect("standard layout is contiguous");
        let mut out = vec![F::ZERO; xs.len()];
        self.backward_rows(xs, cols, gs, &mut out);
        let mut y = standard(v.raw_dim(), out);
        y.swap_axes(axis.index(), last);
        y
    }
}

impl<A: VectorActivation> VectorArray for A {}

/// `f(input, output)` over `x`'s elements: in memory order into an array of `x`'s layout when
/// `x` is contiguous, else in logical order into a standard-layout array.
fn map1<F, S, D>(x: &ArrayBase<S, D>, f: impl Fn(&[F], &mut [F])) -> Array<F, D>
where
    F: Float,
    S: Data<Elem = F>,
    D: Dimension,
{
    if let Some(y) = map_contiguous(x, &f) {
        return y;
    }
    let xs: Vec<F> = x.iter().copied().collect();
    let mut out = vec![F::ZERO; xs.len()];
    f(&xs, &mut out);
    standard(x.raw_dim(), out)
}

/// `f` over the memory of a contiguous `x` with non-negative strides, into a new array with
/// `x`'s strides; `None` for any other `x`.
fn map_contiguous<F, S, D>(
    x: &ArrayBase<S, D>,
    f: impl FnOnce(&[F], &mut [F]),
) -> Option<Array<F, D>>
where
    F: Float,
    S: Data<Elem = F>,
    D: Dimension,
{
    let xs = x.as_slice_memory_order()?;
    let mut strides = x.raw_dim();
    for (s, &t) in strides.slice_mut().iter_mut().zip(x.strides()) {
        *s = usize::try_from(t).ok()?;
    }
    let mut y =
        Array::from_shape_vec(x.raw_dim().strides(strides), vec![F::ZERO; xs.len()]).ok()?;
    // The same shape and strides: the same order in memory.
    f(xs, y.as_slice_memory_order_mut()?);
    Some(y)
}

fn standard<F, D: Dimension>(dim: D, data: Vec<F>) -> Array<F, D> {
    Array::from_shape_vec(dim, data).expect("one element per index")
}

#[track_caller]
fn check_shapes(what: &str, x: &[usize], other: &[usize]) {
    if x != other {
        panic!("shape mismatch: `x` has shape {x:?} but `{what}` has shape {other:?}");
    }
}

#[track_caller]
fn check_axis(axis: Axis, ndim: usize) {
    if axis.index() >= ndim {
        panic!(
            "axis {} is out of bounds for an array of {ndim} dimensions",
            axis.index()
        );
    }
}
