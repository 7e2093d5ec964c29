//! Running the generated slice code in `f32` for the 16-bit types (act-core's `half` feature):
//! their values are widened (exactly), the `f32` code runs, and each result is rounded once.
//! Used by the `activation!` macro's slice methods through [`crate::__via_f32`]; not public API.
//! Likewise in `f64` for a parameter constant beyond a type's range
//! (`FloatKernels::__param_in_range`), through [`crate::__via_f64`].

use crate::Float;

/// The `f32` values of `x` (exact for every type this is used with).
pub fn to_f32<F: Float>(x: &[F]) -> Vec<f32> {
    x.iter().map(|v| v.to_f64() as f32).collect()
}

/// `out[i] = wide[i]` rounded to `F` (once: the `f32` value is exact in `f64`).
pub fn round_into<F: Float>(wide: &[f32], out: &mut [F]) {
    for (o, w) in out.iter_mut().zip(wide) {
        *o = F::from_f64(f64::from(*w));
    }
}

/// The `f64` values of `x` (exact).
pub fn to_f64<F: Float>(x: &[F]) -> Vec<f64> {
    x.iter().map(|v| v.to_f64()).collect()
}

/// `out[i] = wide[i]` rounded once to `F`.
pub fn round_from_f64<F: Float>(wide: &[f64], out: &mut [F]) {
    for (o, w) in out.iter_mut().zip(wide) {
        *o = F::from_f64(*w);
    }
}

/// Calls a generated slice method for `f32` on widened copies of its arguments, then rounds
/// the `&mut [F]` ones back: `__via_f32!(self.method(x: &[F], cols: usize, y: &mut [F]))`.
/// Each parameter is `NAME: &[F]` (read), `NAME: &mut [F]` (read and written) or
/// `NAME: usize` (passed on).
#[doc(hidden)]
#[macro_export]
macro_rules! __via_f32 {
    ($this:ident . $method:ident ( $($params:tt)* )) => {
        $crate::__via_f32!(@step $this.$method [] [] [] $($params)* ,)
    };
    // Each step's `w` is a new identifier (macro hygiene), so the buffers do not collide.
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &[F], $($rest:tt)*) => {
        $crate::__via_f32!(@step $this.$method
            [$($pre)* let w = $crate::__private::widen::to_f32($p);]
            [$($args)* &w,]
            [$($post)*]
            $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &mut [F], $($rest:tt)*) => {
        $crate::__via_f32!(@step $this.$method
            [$($pre)* let mut w = $crate::__private::widen::to_f32(&*$p);]
            [$($args)* &mut w,]
            [$($post)* $crate::__private::widen::round_into(&w, $p);]
            $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : usize, $($rest:tt)*) => {
        $crate::__via_f32!(@step $this.$method [$($pre)*] [$($args)* $p,] [$($post)*] $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*] $(,)?) => {{
        $($pre)*
        $this.$method::<f32>($($args)*);
        $($post)*
    }};
}

/// [`__via_f32!`](crate::__via_f32) in `f64`: calls a generated slice method for `f64` on
/// widened copies of its arguments, then rounds the `&mut [F]` ones back once. The generated
/// methods use it where a parameter constant is beyond `F`'s range
/// (`FloatKernels::__param_in_range`).
#[doc(hidden)]
#[macro_export]
macro_rules! __via_f64 {
    ($this:ident . $method:ident ( $($params:tt)* )) => {
        $crate::__via_f64!(@step $this.$method [] [] [] $($params)* ,)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &[F], $($rest:tt)*) => {
        $crate::__via_f64!(@step $this.$method
            [$($pre)* let w = $crate::__private::widen::to_f64($p);]
            [$($args)* &w,]
            [$($post)*]
            $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &mut [F], $($rest:tt)*) => {
        $crate::__via_f64!(@step $this.$method
            [$($pre)* let mut w = $crate::__private::widen::to_f64(&*$p);]
            [$($args)* &mut w,]
            [$($post)* $crate::__private::widen::round_from_f64(&w, $p);]
            $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : usize, $($rest:tt)*) => {
        $crate::__via_f64!(@step $this.$method [$($pre)*] [$($args)* $p,] [$($post)*] $($rest)*)
    };
    (@step $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*] $(,)?) => {{
        $($pre)*
        $this.$method::<f64>($($args)*);
        $($post)*
    }};
}
