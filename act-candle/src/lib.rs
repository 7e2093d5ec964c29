//! act's activation functions on [candle](https://docs.rs/candle-core) tensors, with
//! gradients through candle's autograd.
//!
//! ```
//! use act_candle::ActivateExt;
//! use act_core::prelude::*;
//! use candle_core::{D, Device, Tensor, Var};
//!
//! # fn main() -> candle_core::Result<()> {
//! let x = Var::new(&[[-1.0f32, 0.0, 2.0], [3.0, -4.0, 0.5]], &Device::Cpu)?;
//! let y = x.activate(Gelu)?;                    // elementwise, any shape
//! let p = y.activate_dim(Softmax, D::Minus1)?;  // along a dimension
//! let gated = x.activate_gated(SwiGlu, 0)?;     // halves [a | b] of dimension 0
//! let loss = p.sqr()?.sum_all()?;
//! let grads = loss.backward()?;                 // act's backward passes
//! let g = grads.get(&x).expect("x is a variable");
//! assert_eq!(g.dims(), &[2, 3]);
//! assert_eq!(y.to_vec2::<f32>()?[0][2], Gelu.forward(2.0f32));
//! assert_eq!(gated.to_vec2::<f32>()?[0][2], SwiGlu.forward(2.0f32, 0.5));
//! # Ok(())
//! # }
//! ```
//!
//! # How it works
//!
//! Each call is one candle [`CustomOp1`]: its forward pass runs act's slice method on the
//! tensor's memory, and its backward pass is a [`CustomOp2`] over `(x, grad_y)` that runs act's
//! vector-Jacobian product (`backward_slice`, `backward_rows`). Gradients therefore have act's
//! accuracy: `Sigmoid`'s derivative at 40 is 4.2e-18, where candle's `y (1 - y)` gives 0.
//!
//! # Dtypes, devices, layouts
//!
//! `F32`, `F64`, `F16` and `BF16` (the 16-bit types computed in `f32` and rounded once); any
//! other dtype is an error that names the supported ones. CPU tensors only: on a CUDA or Metal
//! device candle reports that the op has no implementation there. Inputs of any shape and
//! layout: a non-contiguous tensor (a transpose, a narrowed view) is made contiguous first (a
//! copy, tracked by autograd like any other op).
//!
//! Second derivatives (a gradient of a gradient) are not provided: the backward op has no
//! backward of its own.

use act_core::{Elementwise, Float, Gated, VectorActivation};
use candle_core::{
    CpuStorage, CustomOp1, CustomOp2, DType, Error, Layout, Result, Shape, Tensor,
    backend::BackendStorage, shape::Dim,
};
use half::{bf16, f16};

/// act's activations as methods of [`Tensor`]; `use act_candle::ActivateExt;` brings them in.
pub trait ActivateExt {
    /// `f` applied to every element, any shape; the result has the input's shape and dtype.
    ///
    /// # Errors
    /// A dtype other than `F32`, `F64`, `F16`, `BF16`, or a tensor not on the CPU.
    fn activate<A: Elementwise>(&self, activation: A) -> Result<Tensor>;

    /// A vector activation (softmax) along `dim`: each lane along that dimension is one
    /// vector (`D::Minus1`: each row of the last dimension, as PyTorch's `softmax(x, dim=-1)`).
    ///
    /// # Errors
    /// As [`activate`](Self::activate), and a `dim` out of range.
    fn activate_dim<A: VectorActivation, D: Dim>(&self, activation: A, dim: D) -> Result<Tensor>;

    /// A gated activation (the GLU family: `SwiGlu`, `GeGlu`, ...) along `dim`: that
    /// dimension, of even size `2n`, holds the halves `[a | b]` (PyTorch's `glu(x, dim)`
    /// layout), and has size `n` in the result, `f(a, b)` elementwise.
    ///
    /// # Errors
    /// As [`activate`](Self::activate), a `dim` out of range, and an odd size along `dim`.
    fn activate_gated<G: Gated, D: Dim>(&self, gated: G, dim: D) -> Result<Tensor>;
}

impl ActivateExt for Tensor {
    fn activate<A: Elementwise>(&self, activation: A) -> Result<Tensor> {
        self.contiguous()?
            .apply_op1(Forward(ElementwiseOp(activation)))
    }

    fn activate_dim<A: VectorActivation, D: Dim>(&self, activation: A, dim: D) -> Result<Tensor> {
        let d = dim.to_index(self.shape(), "activate_dim")?;
        along(self, d, Forward(RowsOp(activation)))
    }

    fn activate_gated<G: Gated, D: Dim>(&self, gated: G, dim: D) -> Result<Tensor> {
        let d = dim.to_index(self.shape(), "activate_gated")?;
        let size = self.dims()[d];
        if size % 2 != 0 {
            return Err(Error::Msg(format!(
                "act-candle activate_gated: dimension {d} has size {size}, which is odd; it \
                 must hold two halves [a | b] of equal size"
            )));
        }
        along(self, d, Forward(GatedOp(gated)))
    }
}

/// `op` over the rows of dimension `d`: the rows must be contiguous, so `d` is moved last,
/// and back after.
fn along<K: Kernel + Copy + Send + Sync + 'static>(
    x: &Tensor,
    d: usize,
    op: Forward<K>,
) -> Result<Tensor> {
    let last = x.rank() - 1;
    if d == last {
        return x.contiguous()?.apply_op1(op);
    }
    x.transpose(d, last)?
        .contiguous()?
        .apply_op1(op)?
        .transpose(d, last)
}

/// A computation on one float slice (or two, for the backward passes) generic over act's
/// float types, run on whichever dtype the storage holds.
trait Kernel {
    const NAME: &'static str;
    /// `out = k(a)` (`b` is `None`) or `out = k(a, b)`; `cols` is the length of the last
    /// dimension.
    fn run<F: Float>(&self, a: &[F], b: Option<&[F]>, cols: usize, out: &mut [F]);
    /// The shape of the result for an input of shape `x`, forward or backward.
    fn out_shape(&self, x: &Shape, _backward: bool) -> Result<Shape> {
        Ok(x.clone())
    }
}

/// The elements of a contiguous storage as a slice of `F`.
fn contiguous<'a, T>(v: &'a [T], l: &Layout, name: &str) -> Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((start, end)) => Ok(&v[start..end]),
        None => Err(Error::Msg(format!(
            "act-candle {name}: the tensor is not contiguous (call .contiguous() first)"
        ))),
    }
}

/// `k` over the storage `a` (and `b`), in its dtype.
fn run_kernel<K: Kernel>(
    k: &K,
    a: &CpuStorage,
    la: &Layout,
    b: Option<(&CpuStorage, &Layout)>,
) -> Result<(CpuStorage, Shape)> {
    let cols = la.dims().last().copied().unwrap_or(1);
    macro_rules! go {
        ($variant:ident, $t:ty, $va:expr) => {{
            let xa = contiguous($va, la, K::NAME)?;
            let xb = match b {
                None => None,
                Some((CpuStorage::$variant(vb), lb)) => Some(contiguous(vb, lb, K::NAME)?),
                Some((other, _)) => {
                    return Err(Error::Msg(format!(
                        "act-candle {}: the gradient is {:?}, the input {:?}",
                        K::NAME,
                        other.dtype(),
                        a.dtype()
                    )));
                }
            };
            let shape = k.out_shape(la.shape(), xb.is_some())?;
            let mut out: Vec<$t> = vec![<$t as Float>::ZERO; shape.elem_count()];
            k.run(xa, xb, cols, &mut out);
            Ok((CpuStorage::$variant(out), shape))
        }};
    }
    match a {
        CpuStorage::F32(v) => go!(F32, f32, v),
        CpuStorage::F64(v) => go!(F64, f64, v),
        CpuStorage::F16(v) => go!(F16, f16, v),
        CpuStorage::BF16(v) => go!(BF16, bf16, v),
        other => Err(unsupported(K::NAME, other.dtype())),
    }
}

fn unsupported(name: &str, dtype: DType) -> Error {
    Error::Msg(format!(
        "act-candle {name}: unsupported dtype {dtype:?}; act computes in F32, F64, F16 and BF16 \
         (convert with .to_dtype(DType::F32))"
    ))
}

/// An elementwise activation as a candle op.
#[derive(Clone, Copy)]
struct ElementwiseOp<A>(A);

impl<A: Elementwise> Kernel for ElementwiseOp<A> {
    const NAME: &'static str = A::NAME;
    fn run<F: Float>(&self, x: &[F], grad_y: Option<&[F]>, _cols: usize, out: &mut [F]) {
        match grad_y {
            None => self.0.forward_slice(x, out),
            Some(g) => self.0.backward_slice(x, g, out),
        }
    }
}

/// A vector activation over the rows of the last dimension as a candle op.
#[derive(Clone, Copy)]
struct RowsOp<A>(A);

impl<A: VectorActivation> Kernel for RowsOp<A> {
    const NAME: &'static str = A::NAME;
    fn run<F: Float>(&self, x: &[F], grad_y: Option<&[F]>, cols: usize, out: &mut [F]) {
        match grad_y {
            None => self.0.forward_rows(x, cols, out),
            Some(g) => self.0.backward_rows(x, cols, g, out),
        }
    }
}

/// A gated activation over the halves `[a | b]` of the last dimension as a candle op.
#[derive(Clone, Copy)]
struct GatedOp<G>(G);

impl<G: Gated> Kernel for GatedOp<G> {
    const NAME: &'static str = G::NAME;
    fn run<F: Float>(&self, x: &[F], grad_y: Option<&[F]>, cols: usize, out: &mut [F]) {
        match grad_y {
            None => self.0.forward_halves(x, cols / 2, out),
            Some(g) => self.0.backward_halves(x, cols / 2, g, out),
        }
    }

    /// Forward: the last dimension halves; backward: `grad_x` has `x`'s shape.
    fn out_shape(&self, x: &Shape, backward: bool) -> Result<Shape> {
        let mut dims = x.dims().to_vec();
        match dims.last_mut() {
            Some(n) if !backward => *n /= 2,
            _ => {}
        }
        Ok(Shape::from(dims))
    }
}

/// A kernel as a candle op: forward by the kernel, backward by [`Backward`].
#[derive(Clone, Copy)]
struct Forward<K>(K);

impl<K: Kernel + Copy + Send + Sync + 'static> CustomOp1 for Forward<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        run_kernel(&self.0, s, l, None)
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, grad_y: &Tensor) -> Result<Option<Tensor>> {
        let grad_x = x.apply_op2_no_bwd(&grad_y.contiguous()?, &Backward(self.0))?;
        Ok(Some(grad_x))
    }
}

/// The backward pass of op `K`: `(x, grad_y) -> grad_x` by act's vector-Jacobian product.
struct Backward<K>(K);

impl<K: Kernel> CustomOp2 for Backward<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        grad_y: &CpuStorage,
        lg: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        // The gradient has the forward result's shape.
        let y_shape = self.0.out_shape(lx.shape(), false)?;
        if y_shape.dims() != lg.dims() {
            return Err(Error::Msg(format!(
                "act-candle {}: gradient of shape {:?} for a result of shape {:?}",
                K::NAME,
                lg.dims(),
                y_shape.dims()
            )));
        }
        run_kernel(&self.0, x, lx, Some((grad_y, lg)))
    }
}
