//! Running the generated slice code in `f32` for the 16-bit types (act-core's `half` feature):
//! their values are widened (exactly), the `f32` code runs, and each result is rounded once.
//! Used by the `activation!` macro's slice methods through [`crate::__via_f32`]; not public API.
//! Likewise in `f64` for a parameter constant beyond a type's range
//! (`FloatKernels::__param_in_range`), through [`crate::__via_f64`].

use crate::Float;

/// The values of `x` in the wider type `W` (exact: `f32` for the 16-bit types, `f64` for
/// every type).
pub fn widen<W: Float, F: Float>(x: &[F]) -> Vec<W> {
    x.iter().map(|v| W::from_f64(v.to_f64())).collect()
}

/// `out[i] = wide[i]` rounded once to `F` (the `W` value is exact in `f64`).
pub fn round_back<W: Float, F: Float>(wide: &[W], out: &mut [F]) {
    for (o, w) in out.iter_mut().zip(wide) {
        *o = F::from_f64(w.to_f64());
    }
}

/// Calls a generated slice method for the wider type `W` on widened copies of its arguments,
/// then rounds the `&mut [F]` ones back once: `__via_wide!(f32, self.method(x: &[F], cols:
/// usize, y: &mut [F]))`. Each parameter is `NAME: &[F]` (read), `NAME: &mut [F]` (read and
/// written) or `NAME: usize` (passed on). [`__via_f32!`](crate::__via_f32) and
/// [`__via_f64!`](crate::__via_f64) are its two uses.
#[doc(hidden)]
#[macro_export]
macro_rules! __via_wide {
    ($w:ty, $this:ident . $method:ident ( $($params:tt)* )) => {
        $crate::__via_wide!(@step $w, $this.$method [] [] [] $($params)* ,)
    };
    // Each step's `w` is a new identifier (macro hygiene), so the buffers do not collide.
    (@step $w:ty, $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &[F], $($rest:tt)*) => {
        $crate::__via_wide!(@step $w, $this.$method
            [$($pre)* let w = $crate::__private::widen::widen::<$w, F>($p);]
            [$($args)* &w,]
            [$($post)*]
            $($rest)*)
    };
    (@step $w:ty, $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : &mut [F], $($rest:tt)*) => {
        $crate::__via_wide!(@step $w, $this.$method
            [$($pre)* let mut w = $crate::__private::widen::widen::<$w, F>(&*$p);]
            [$($args)* &mut w,]
            [$($post)* $crate::__private::widen::round_back(&w, $p);]
            $($rest)*)
    };
    (@step $w:ty, $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*]
        $p:ident : usize, $($rest:tt)*) => {
        $crate::__via_wide!(@step $w, $this.$method [$($pre)*] [$($args)* $p,] [$($post)*] $($rest)*)
    };
    (@step $w:ty, $this:ident.$method:ident [$($pre:tt)*] [$($args:tt)*] [$($post:tt)*] $(,)?) => {{
        $($pre)*
        $this.$method::<$w>($($args)*);
        $($post)*
    }};
}

/// [`__via_wide!`](crate::__via_wide) in `f32`: the 16-bit types run the `f32` code.
#[doc(hidden)]
#[macro_export]
macro_rules! __via_f32 {
    ($($call:tt)*) => {
        $crate::__via_wide!(f32, $($call)*)
    };
}

/// [`__via_wide!`](crate::__via_wide) in `f64`: the generated methods use it where a
/// parameter constant is beyond `F`'s range (`FloatKernels::__param_in_range`).
#[doc(hidden)]
#[macro_export]
macro_rules! __via_f64 {
    ($($call:tt)*) => {
        $crate::__via_wide!(f64, $($call)*)
    };
}
