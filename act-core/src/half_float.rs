//! `half::f16` and `half::bf16` as [`Float`] (feature `half`).
//!
//! The activations' slice methods (and so the scalar ones, which run through them) widen the 16-bit
//! values to `f32` (exactly), run the `f32` code and round each result once
//! ([`FloatKernels::__COMPUTED_IN_F32`]); the methods below do the same one operation at a time,
//! for code that is generic over [`Float`].

use half::{bf16, f16};

use crate::__private::Kernel;
use crate::Float;
use crate::float_kernels::{FloatKernels, OneKernels};

impl crate::float::sealed::Sealed for f16 {}
impl crate::float::sealed::Sealed for bf16 {}

macro_rules! impl_half_float {
    ($t:ident, $splitter:expr) => {
        impl Float for $t {
            const ZERO: Self = $t::ZERO;
            const ONE: Self = $t::ONE;
            const NAN: Self = $t::NAN;
            const INFINITY: Self = $t::INFINITY;
            const MAX: Self = $t::MAX;
            const EPSILON: Self = $t::EPSILON;
            const TYPE_NAME: &'static str = stringify!($t);

            #[inline]
            fn from_f64(v: f64) -> Self {
                $t::from_f64(v)
            }
            #[inline]
            fn to_f64(self) -> f64 {
                $t::to_f64(self)
            }
            #[inline]
            fn select(cond: bool, a: Self, b: Self) -> Self {
                if cond { a } else { b }
            }
            #[inline]
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            #[inline]
            fn is_infinite(self) -> bool {
                $t::is_infinite(self)
            }
            #[inline]
            fn abs(self) -> Self {
                $t::from_bits(self.to_bits() & !$t::NEG_ZERO.to_bits())
            }
            #[inline]
            fn sqrt(self) -> Self {
                via(self, f32::sqrt)
            }
            #[inline]
            fn exp(self) -> Self {
                via(self, <f32 as Float>::exp)
            }
            #[inline]
            fn expm1(self) -> Self {
                via(self, <f32 as Float>::expm1)
            }
            #[inline]
            fn ln(self) -> Self {
                via(self, <f32 as Float>::ln)
            }
            #[inline]
            fn log1p(self) -> Self {
                via(self, <f32 as Float>::log1p)
            }
            #[inline]
            fn tanh(self) -> Self {
                via(self, <f32 as Float>::tanh)
            }
            #[inline]
            fn sigmoid(self) -> Self {
                via(self, <f32 as Float>::sigmoid)
            }
            #[inline]
            fn softplus(self) -> Self {
                via(self, <f32 as Float>::softplus)
            }
            #[inline]
            fn erf(self) -> Self {
                via(self, <f32 as Float>::erf)
            }
            #[inline]
            fn erfc(self) -> Self {
                via(self, <f32 as Float>::erfc)
            }
            #[inline]
            fn sigmoid_prime(self) -> Self {
                via(self, <f32 as Float>::sigmoid_prime)
            }
            #[inline]
            fn tanh_prime(self) -> Self {
                via(self, <f32 as Float>::tanh_prime)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                via(self, |v| Float::powi(v, n))
            }
            #[inline]
            fn powf(self, y: Self) -> Self {
                via(self, |v| Float::powf(v, y.to_f32()))
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                let m = if self >= other { self } else { other };
                if self.is_nan() { self } else { m }
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                let m = if self <= other { self } else { other };
                if self.is_nan() { self } else { m }
            }
        }

        // The scalar methods of these types run the f32 code (`__COMPUTED_IN_F32`).
        impl OneKernels for $t {}

        impl FloatKernels for $t {
            const SPLITTER: f64 = $splitter;
            const __COMPUTED_IN_F32: bool = true;

            #[inline]
            fn __kernel<const FMA: bool>(self, k: Kernel) -> Self {
                via(self, |v| FloatKernels::__kernel::<FMA>(v, k))
            }
            // The scaled forms lift values below f32's normal range by powers of two that
            // these types cannot hold: unscaled here (the generated code runs in f32 anyway).
            #[inline]
            fn __kernel_scaled<const FMA: bool>(self, k: Kernel) -> (Self, Self) {
                (FloatKernels::__kernel::<FMA>(self, k), Self::ONE)
            }
            // Never called: the gated slice loops run in f32 for these types.
            #[inline]
            fn __near_from(_: Kernel) -> Self {
                Self::INFINITY
            }
            #[inline]
            fn __kernel_near<const FMA: bool>(self, k: Kernel) -> Self {
                FloatKernels::__kernel_scaled::<FMA>(self, k).0
            }
            #[inline]
            fn __any_below_or_nan(xs: &[Self], from: Self) -> bool {
                xs.iter().any(|&x| x < from || x.is_nan())
            }
            #[inline]
            fn __kernel_final<const FMA: bool>(self, k: Kernel) -> Self {
                via(self, |v| FloatKernels::__kernel_final::<FMA>(v, k))
            }
            #[inline]
            fn __sigmoid_pair<const FMA: bool>(self) -> (Self, Self, Self) {
                (
                    FloatKernels::__kernel::<FMA>(self, Kernel::Sigmoid),
                    FloatKernels::__kernel::<FMA>(self, Kernel::SigmoidPrime),
                    Self::ONE,
                )
            }
            #[inline]
            fn __silu_pair<const FMA: bool>(self) -> (Self, Self, Self) {
                (
                    FloatKernels::__kernel_final::<FMA>(self, Kernel::Silu),
                    FloatKernels::__kernel::<FMA>(self, Kernel::SiluPrime),
                    Self::ONE,
                )
            }
            #[inline]
            fn __gelu_pair<const FMA: bool>(self) -> (Self, Self, Self) {
                (
                    FloatKernels::__kernel_final::<FMA>(self, Kernel::Gelu),
                    FloatKernels::__kernel::<FMA>(self, Kernel::GeluPrime),
                    Self::ONE,
                )
            }
            #[inline]
            fn __exp_nonpositive_final<const FMA: bool>(self, lo: Self) -> Self {
                via(self, |v| {
                    FloatKernels::__exp_nonpositive_final::<FMA>(v, lo.to_f32())
                })
            }
            // f32's bound, rounded up (the kernel runs in f32 and rounds once).
            const __EXP_NORMAL_FROM: Self = $t::from_f32_const(-86.0);
            #[inline]
            fn __exp_nonpositive_normal<const FMA: bool>(self, lo: Self) -> Self {
                via(self, |v| {
                    FloatKernels::__exp_nonpositive_normal::<FMA>(v, lo.to_f32())
                })
            }
            #[inline]
            fn __exp_lo<const FMA: bool>(self, lo: Self) -> Self {
                via(self, |v| FloatKernels::__exp_lo::<FMA>(v, lo.to_f32()))
            }
            #[inline]
            fn __quotient_err<const FMA: bool>(self, d: Self, q: Self) -> Self {
                crate::compensated::quotient_err(self, d, q)
            }
            #[inline]
            fn __exp_scaled_lo<const FMA: bool>(self, lo: Self) -> (Self, Self) {
                (FloatKernels::__exp_lo::<FMA>(self, lo), Self::ONE)
            }
            #[inline]
            fn __erfc_mul<const FMA: bool>(self, hi: f64, lo: f64) -> Self {
                via(self, |v| FloatKernels::__erfc_mul::<FMA>(v, hi, lo))
            }
            #[inline]
            fn __erfc_mul_scaled<const FMA: bool>(self, hi: f64, lo: f64) -> (Self, Self) {
                (FloatKernels::__erfc_mul::<FMA>(self, hi, lo), Self::ONE)
            }
            #[inline]
            fn __exp_sq<const FMA: bool>(self, c: f64) -> Self {
                via(self, |v| FloatKernels::__exp_sq::<FMA>(v, c))
            }
            #[inline]
            fn __exp_scaled_sq<const FMA: bool>(self, c: f64) -> (Self, Self) {
                (FloatKernels::__exp_sq::<FMA>(self, c), Self::ONE)
            }
            #[inline]
            fn split_constant(hi: f64, lo: f64) -> (Self, Self) {
                let h = $t::from_f64(hi);
                (h, $t::from_f64((hi - h.to_f64()) + lo))
            }
            #[inline]
            fn __plain_param(p: f64) -> bool {
                <f32 as FloatKernels>::__plain_param(p)
            }
            #[inline]
            fn __param_in_range(p: f64) -> bool {
                <f32 as FloatKernels>::__param_in_range(p)
            }
            #[inline]
            fn __mul_param<const FMA: bool>(self, p: f64) -> Self {
                via(self, |v| FloatKernels::__mul_param::<FMA>(v, p))
            }
        }
    };
}

/// `f` computed in `f32`, rounded once to the 16-bit type.
#[inline]
fn via<T: Half>(x: T, f: impl FnOnce(f32) -> f32) -> T {
    T::from_f32(f(x.to_f32()))
}

/// The two 16-bit types' conversions, for [`via`].
trait Half: Copy {
    fn to_f32(self) -> f32;
    fn from_f32(v: f32) -> Self;
}

impl Half for f16 {
    fn to_f32(self) -> f32 {
        f16::to_f32(self)
    }
    fn from_f32(v: f32) -> Self {
        f16::from_f32(v)
    }
}

impl Half for bf16 {
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
    fn from_f32(v: f32) -> Self {
        bf16::from_f32(v)
    }
}

// Veltkamp's constant 2^ceil(p/2) + 1: p = 11 for f16, 8 for bf16.
impl_half_float!(f16, 65.0);
impl_half_float!(bf16, 17.0);
