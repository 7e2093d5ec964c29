//! The kernel entries generated code calls, expanded from act-expr's function table
//! (`act_expr::functions`): one [`Kernel`] per function of the formula language and the
//! `FloatKernels::__kernel*` dispatch to `crate::math`, so that a function without a kernel fails
//! this crate's build.

/// Expands the function table: `[enum]` defines [`Kernel`]; `[methods T M]` the `__kernel`,
/// `__kernel_final`, `__kernel_scaled`, `__near_from` and `__kernel_near` methods of
/// `FloatKernels for T`, with the kernels of `crate::math::M`; `[callable_list]` the list of
/// callable functions for the docs (`` `exp`, `ln`, ``...).
macro_rules! kernels {
    (
        [$($mode:tt)*]
        $(
            $(#[doc = $doc:literal])*
            $name:ident => $variant:ident {
                callable: $callable:tt,
                kernel: $kind:ident,
                scaled: [$($scaled:ident)?],
                as_result: [$($as_result:ident)?],
                near: [$($near:ident $near_from:ident)?],
                $($rest:tt)*
            }
        )*
    ) => {
        $crate::kernels::kernels! {
            @$($mode)* ; $( $variant $name $callable $kind [$($scaled)?] [$($as_result)?] [$($near $near_from)?] )*
        }
    };
    (@enum ; $( $variant:ident $name:ident $callable:tt $kind:ident [$($scaled:ident)?] [$($as_result:ident)?] [$($near:ident $near_from:ident)?] )*) => {
        /// The kernels generated code calls through `FloatKernels::__kernel`, one per function of
        /// the formula language (`act_expr::functions`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Kernel {
            $(
                #[doc = concat!("`", stringify!($name), "`")]
                $variant,
            )*
            /// `sigmoid` where its error is not amplified (a factor of the result): scaled, the
            /// FMA build may use a cheaper form (`math::f32::sigmoid_scaled_lean`).
            SigmoidLean,
        }
    };
    (@methods $t:ident $m:ident ; $( $variant:ident $name:ident $callable:tt $kind:ident [$($scaled:ident)?] [$($as_result:ident)?] [$($near:ident $near_from:ident)?] )*) => {
        #[inline(always)]
        fn __kernel<const FMA: bool>(self, k: crate::__private::Kernel) -> Self {
            use crate::__private::Kernel as K;
            match k {
                $( K::$variant => $crate::kernels::kernels!(@call $kind $t $m $name self), )*
                K::SigmoidLean => math::$m::sigmoid::<FMA>(self),
            }
        }
        #[inline(always)]
        fn __kernel_final<const FMA: bool>(self, k: crate::__private::Kernel) -> Self {
            use crate::__private::Kernel as K;
            match k {
                $( $( K::$variant => math::$m::$as_result::<FMA>(self), )? )*
                K::SigmoidLean => math::$m::sigmoid_final::<FMA>(self),
                _ => FloatKernels::__kernel::<FMA>(self, k),
            }
        }
        #[inline(always)]
        fn __kernel_scaled<const FMA: bool>(self, k: crate::__private::Kernel) -> (Self, Self) {
            use crate::__private::Kernel as K;
            match k {
                $( $( K::$variant => math::$m::$scaled::<FMA>(self), )? )*
                K::SigmoidLean => math::$m::sigmoid_scaled_lean::<FMA>(self),
                _ => (FloatKernels::__kernel::<FMA>(self, k), 1.0),
            }
        }
        #[inline(always)]
        fn __near_from(k: crate::__private::Kernel) -> Self {
            use crate::__private::Kernel as K;
            match k {
                $( $( K::$variant => math::$m::$near_from, )? )*
                K::SigmoidLean => math::$m::SIGMOID_LEAN_NEAR_FROM,
                _ => Self::INFINITY,
            }
        }
        #[inline(always)]
        fn __kernel_near<const FMA: bool>(self, k: crate::__private::Kernel) -> Self {
            use crate::__private::Kernel as K;
            match k {
                $( $( K::$variant => math::$m::$near::<FMA>(self), )? )*
                K::SigmoidLean => math::$m::sigmoid_scaled_lean_near::<FMA>(self),
                _ => FloatKernels::__kernel_scaled::<FMA>(self, k).0,
            }
        }
    };
    (@callable_list ; $( $variant:ident $name:ident $callable:tt $kind:ident [$($scaled:ident)?] [$($as_result:ident)?] [$($near:ident $near_from:ident)?] )*) => {
        concat!($( $crate::kernels::kernels!(@listed $callable $name), )*)
    };
    (@listed true $name:ident) => {
        concat!("`", stringify!($name), "`, ")
    };
    (@listed false $name:ident) => {
        ""
    };
    (@call math $t:ident $m:ident $name:ident $x:ident) => {
        math::$m::$name::<FMA>($x)
    };
    (@call inherent $t:ident $m:ident $name:ident $x:ident) => {
        <$t>::$name($x)
    };
}
pub(crate) use kernels;

act_expr::__functions!(kernels, enum);
