//! The functions of the formula language: one entry per function, and everything else derived
//! from it.
//!
//! Each entry of [`__functions!`](crate::__functions) gives a unary function's name (the
//! spelling in formulas, also the name of its kernel in `act_core::math::{f32, f64}`), whether
//! formulas may call it, its act-core kernel entries, its interpreter, its derivative rule, its
//! tail facts and how the printer writes it. From that one table come:
//! - [`Func`] itself, [`Func::CALLABLE`] (the parser's list), [`Func::name`], the interpreter
//!   ([`Func::eval`]), the derivative rule ([`Func::derivative`]), the printer's spelling
//!   ([`Func::spelling`]) and the tail facts ([`Func::has_tiny_tail`],
//!   [`Func::is_linear_at_zero`]);
//! - the code generator's kernel names ([`Func::kernel`]);
//! - in act-core, `__private::Kernel` and the `FloatKernels::__kernel*` dispatch, which expand the
//!   same table (so a function without a kernel fails act's build, not a user's crate).
//!
//! Adding a function is one entry here plus its kernels in act-core's `math` module (see
//! `act_core::math`). Every function here takes one argument; the language's functions of
//! several arguments (`max`, `min`, `clamp`, `powi`, `powf`) and the reductions are nodes of
//! their own ([`Node`](crate::graph::Node)).
//!
//! Fields of an entry, in this order (the ones in brackets may be empty):
//! - `callable`: whether formulas may call it (the internal ones come out of differentiation);
//! - `kernel`: `math` for `act_core::math::{f32, f64}::NAME::<FMA>`, `inherent` for the float
//!   type's own method;
//! - `scaled`: `[NAME_scaled]` for a function whose value can be exponentially small while the
//!   argument is moderate (`sigmoid(-720)`): its kernel returning `(c f(u), 1/c)`;
//! - `as_result`: `[NAME_final]`, a kernel for where the value is the activation's result;
//! - `near`: `[NAME_scaled_near NAME_NEAR_FROM]`, a form of the scaled kernel for arguments at
//!   or above the constant, where `c = 1`: `NAME_scaled(u).0`'s bits without the
//!   tail's tests and selects, returned alone (`1/c` is 1); the gated slice loops run it over
//!   the chunks whose gates are all at or above the bound;
//! - `linear_at_zero`: `f(u) = u` to the last bit for tiny `u`;
//! - `eval`: the `f64` interpreter;
//! - `derivative`: `f'(u)` built in the graph, `|g, u| ...`;
//! - `leading_term`: `[|u| (c, t)]` where `f(u) = c e^t` for `t < -665` (to within 1e-289 for
//!   the `e^u` tails; GELU's, `e^(-u^2/2)` times a series, to a few ulp), for the interpreter's
//!   scaled tails;
//! - `spelling`: how the printer writes it ([`Spelling`]).

use crate::graph::{Cmp, Graph, Id, Named};

/// The function table, passed to `$callback! { [ARGS] ENTRIES }`; see the
/// [module docs](crate::functions) for the fields. Not part of the stable API: act-core expands
/// it into its kernel dispatch.
#[doc(hidden)]
#[macro_export]
macro_rules! __functions {
    ($($callback:ident)::+ $(, $arg:tt)*) => {
        $($callback)::+! {
            [$($arg)*]
            /// `exp`
            exp => Exp {
                callable: true,
                kernel: math,
                scaled: [exp_scaled],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: |u| u.exp(),
                derivative: |g, u| g.call(Func::Exp, u),
                leading_term: [|u| (1.0, u)],
                spelling: Spelling::Call,
            }
            /// `ln`
            ln => Ln {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: |u| u.ln(),
                derivative: |g, u| g.powi(u, -1),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `log1p`
            log1p => Log1p {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: true,
                eval: |u| u.ln_1p(),
                derivative: |g, u| {
                    let one = g.num(1.0);
                    let s = g.add(one, u);
                    g.powi(s, -1)
                },
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `expm1`
            expm1 => Expm1 {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: true,
                eval: |u| u.exp_m1(),
                derivative: |g, u| g.call(Func::Exp, u),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `sqrt`
            sqrt => Sqrt {
                callable: true,
                kernel: inherent,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: |u| u.sqrt(),
                derivative: |g, u| {
                    let s = g.call(Func::Sqrt, u);
                    let two = g.num(2.0);
                    let d = g.mul(two, s);
                    g.powi(d, -1)
                },
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `abs`
            abs => Abs {
                callable: true,
                kernel: inherent,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: |u| u.abs(),
                derivative: |g, u| {
                    // abs(u) = max(u, -u): the first on a tie, so abs'(0) = 1.
                    let zero = g.num(0.0);
                    let one = g.num(1.0);
                    let minus = g.num(-1.0);
                    g.select(Cmp::Ge, u, zero, one, minus)
                },
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `tanh`
            tanh => Tanh {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [tanh_final],
                near: [],
                linear_at_zero: true,
                eval: |u| u.tanh(),
                derivative: |g, u| g.call(Func::TanhPrime, u),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `sigmoid`
            sigmoid => Sigmoid {
                callable: true,
                kernel: math,
                scaled: [sigmoid_scaled],
                as_result: [sigmoid_final],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::sigmoid,
                derivative: |g, u| g.call(Func::SigmoidPrime, u),
                leading_term: [|u| (1.0, u)],
                spelling: Spelling::Call,
            }
            /// `softplus`
            softplus => Softplus {
                callable: true,
                kernel: math,
                scaled: [softplus_scaled],
                as_result: [softplus_final],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::softplus,
                derivative: |g, u| g.call(Func::Sigmoid, u),
                leading_term: [|u| (1.0, u)],
                spelling: Spelling::Call,
            }
            /// `erf`
            erf => Erf {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: libm::erf,
                derivative: |g, u| erf_derivative(g, u, 2.0),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `erfc`
            erfc => Erfc {
                callable: true,
                kernel: math,
                scaled: [erfc_scaled],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: libm::erfc,
                derivative: |g, u| erf_derivative(g, u, -2.0),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `atan`
            atan => Atan {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: true,
                eval: |u| u.atan(),
                derivative: |g, u| {
                    // 1 / (1 + u^2): where u^2 overflows the true value is below f32's and
                    // f64's normal range.
                    let one = g.num(1.0);
                    let sq = g.powi(u, 2);
                    let s = g.add(one, sq);
                    g.powi(s, -1)
                },
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `asinh`
            asinh => Asinh {
                callable: true,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: true,
                eval: |u| u.asinh(),
                derivative: |g, u| g.call(Func::AsinhPrime, u),
                leading_term: [],
                spelling: Spelling::Call,
            }
            /// `asinh'(u) = 1 / sqrt(1 + u^2)`, evaluated without the overflow of `u^2`.
            asinh_prime => AsinhPrime {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: |u| 1.0 / 1f64.hypot(u),
                derivative: |g, u| {
                    // -u asinh'(u)^3 (second derivatives only; the macro never takes them)
                    let p = g.call(Func::AsinhPrime, u);
                    let p3 = g.powi(p, 3);
                    let m = g.num(-1.0);
                    g.prod(vec![m, u, p3])
                },
                leading_term: [],
                spelling: Spelling::Product("1 / sqrt(1 + powi({u}, 2))"),
            }
            /// `σ'(u) = σ(u)·σ(-u)`, evaluated stably.
            sigmoid_prime => SigmoidPrime {
                callable: false,
                kernel: math,
                scaled: [sigmoid_prime_scaled],
                as_result: [sigmoid_prime_final],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::sigmoid_prime,
                derivative: |g, u| {
                    // σ'' = σ'(u) (1 - 2σ(u)) = -σ'(u) tanh(u/2): no cancellation in the tails.
                    let s = g.call(Func::SigmoidPrime, u);
                    let half = g.scale(0.5, u);
                    let t = g.call(Func::Tanh, half);
                    let m = g.num(-1.0);
                    g.prod(vec![m, s, t])
                },
                leading_term: [|u: f64| (1.0, -u.abs())],
                spelling: Spelling::Product("sigmoid({u}) * (1 - sigmoid({u}))"),
            }
            /// `tanh'(u) = 1 - tanh(u)^2`, evaluated stably.
            tanh_prime => TanhPrime {
                callable: false,
                kernel: math,
                scaled: [tanh_prime_scaled],
                as_result: [tanh_prime_final],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::tanh_prime,
                derivative: |g, u| {
                    // (sech^2)' = -2 sech^2(u) tanh(u)
                    let s = g.call(Func::TanhPrime, u);
                    let t = g.call(Func::Tanh, u);
                    let m = g.num(-2.0);
                    g.prod(vec![m, s, t])
                },
                leading_term: [|u: f64| (4.0, -2.0 * u.abs())],
                spelling: Spelling::Sum("1 - powi(tanh({u}), 2)"),
            }
            /// GELU, `u Φ(u) = 0.5 u erfc(-u / sqrt(2))` (`Φ` the standard normal CDF): the
            /// product as one kernel, which forms it, its tail's scaling and the `u >= 0`
            /// side's `u - u Φ(-u)` inside (f32; the f64 kernel is the product); scaled
            /// (`gelu_scaled`) where other factors follow (GEGLU's `b`).
            gelu => Gelu {
                callable: false,
                kernel: math,
                scaled: [gelu_scaled],
                as_result: [],
                near: [gelu_scaled_near GELU_NEAR_FROM],
                linear_at_zero: false,
                eval: $crate::eval::gelu,
                derivative: |g, u| g.call(Func::GeluPrime, u),
                leading_term: [$crate::eval::gelu_tail],
                spelling: Spelling::Product("{u*} * erfc(-{u} / sqrt(2)) / 2"),
            }
            /// GELU's derivative, `d/du [u Φ(u)] = Φ(u) + u φ(u)`: what differentiating
            /// `0.5 u erfc(-u / sqrt(2))` gives, `erfc(-u / sqrt(2)) / 2 + u exp(-u^2 / 2) /
            /// sqrt(2 pi)`, as one kernel, so that `exp(-u^2 / 2)` is computed once for both
            /// terms (f32; the f64 kernel is the sum).
            gelu_prime => GeluPrime {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::gelu_prime,
                derivative: |g, u| {
                    // (2 - u^2) exp(-u^2 / 2) / sqrt(2 pi) (second derivatives only; the
                    // macro never takes them)
                    let sq = g.powi(u, 2);
                    let two = g.num(2.0);
                    let msq = g.neg(sq);
                    let k = g.sum(vec![two, msq]);
                    let h = g.scale(-0.5, sq);
                    let e = g.call(Func::Exp, h);
                    let c = g.num(0.5 * std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2);
                    g.prod(vec![c, k, e])
                },
                leading_term: [],
                spelling: Spelling::Sum(
                    "erfc(-{u} / sqrt(2)) / 2 + {u*} * exp(-powi({u}, 2) / 2) / sqrt(2) / sqrt(pi)"
                ),
            }
            /// SiLU (Swish), `u sigmoid(u)`: the product as one kernel, whose value at
            /// `u = -∞` is the limit -0 (the product as written gives `-∞ · 0`, which needed
            /// the generated code's limit check) and which forms the product with the
            /// sigmoid's tail scaling inside; scaled (`silu_scaled`) where other factors follow
            /// (SwiGLU's `b`). Elfwing et al. (2018), Ramachandran et al. (2017).
            silu => Silu {
                callable: false,
                kernel: math,
                scaled: [silu_scaled],
                as_result: [],
                near: [silu_scaled_near SILU_NEAR_FROM],
                linear_at_zero: false,
                eval: $crate::eval::silu,
                derivative: |g, u| g.call(Func::SiluPrime, u),
                leading_term: [|u| (u, u)],
                spelling: Spelling::Product("{u*} * sigmoid({u})"),
            }
            /// SiLU's derivative, `sigmoid(u) + u sigmoid'(u)`: what differentiating
            /// `u sigmoid(u)` gives, as one kernel, with the limits 0 and 1 at `u = ∓∞`
            /// (the sum as written gives `∓∞ · 0` there).
            silu_prime => SiluPrime {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::silu_prime,
                derivative: |g, u| {
                    // sigmoid'(u) (2 + u (1 - 2 sigmoid(u))) = sigmoid'(u) (2 - u tanh(u/2))
                    // (second derivatives only; the macro never takes them)
                    let s = g.call(Func::SigmoidPrime, u);
                    let half = g.scale(0.5, u);
                    let t = g.call(Func::Tanh, half);
                    let ut = g.prod(vec![u, t]);
                    let m = g.neg(ut);
                    let two = g.num(2.0);
                    let k = g.sum(vec![two, m]);
                    g.prod(vec![s, k])
                },
                leading_term: [],
                spelling: Spelling::Sum("sigmoid({u}) + {u*} * sigmoid({u}) * (1 - sigmoid({u}))"),
            }
            /// GELU-tanh, `u sigmoid(z)` with `z = 2 sqrt(2/pi) (u + 0.044715 u^3)` (that is
            /// `0.5 u (1 + tanh(z / 2))`): the product as one kernel, which carries `z` in two
            /// parts into `e^-|z|` and forms the product and its tail's scaling inside (f32; the
            /// f64 kernel is the product as the formula computes it).
            gelu_tanh => GeluTanh {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::gelu_tanh,
                derivative: |g, u| g.call(Func::GeluTanhPrime, u),
                leading_term: [],
                spelling: Spelling::Product(
                    "{u*} * (1 + tanh(sqrt(2 / pi) * ({u} + 0.044715 * powi({u}, 3)))) / 2"
                ),
            }
            /// GELU-tanh's derivative, `sigmoid(z) + u z' sigmoid'(z)` with `z` as in
            /// `gelu_tanh` and `z' = 2 sqrt(2/pi) (1 + 0.134145 u^2)`: one kernel, from the
            /// closed form `E (1 + E + u z') / (1 + E)^2` (`u < 0`, `E = e^z`) or `(1 + E + u z'
            /// E) / (1 + E)^2` (`u >= 0`, `E = e^-z`), one exponential (f32; the f64 kernel is
            /// the sum as the formula's derivative computes it).
            gelu_tanh_prime => GeluTanhPrime {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::gelu_tanh_prime,
                derivative: |g, u| {
                    // σ'(z) (2 z' + u z'' - u z'^2 tanh(z / 2)), `z'' = 6 c3 u`, from
                    // σ'' = -σ' tanh(z / 2) (second derivatives only; the macro never takes
                    // them)
                    let c1 = 2.0 * (2.0 / std::f64::consts::PI).sqrt();
                    let c3 = c1 * 0.044715;
                    let u2 = g.powi(u, 2);
                    let u3 = g.powi(u, 3);
                    let a1 = g.scale(c1, u);
                    let a3 = g.scale(c3, u3);
                    let z = g.add(a1, a3);
                    let k1 = g.num(c1);
                    let k3 = g.scale(3.0 * c3, u2);
                    let dz = g.add(k1, k3);
                    let sp = g.call(Func::SigmoidPrime, z);
                    let half = g.scale(0.5, z);
                    let th = g.call(Func::Tanh, half);
                    let d2 = g.scale(6.0 * c3, u2);
                    let twice = g.scale(2.0, dz);
                    let m = g.num(-1.0);
                    let curv = g.prod(vec![m, u, dz, dz, th]);
                    let inner = g.sum(vec![twice, d2, curv]);
                    g.prod(vec![sp, inner])
                },
                leading_term: [],
                // A block, as the printer writes the sum with `z` shared (its own bindings are
                // `v1`, `v2`, ...).
                spelling: Spelling::Product(
                    "{ let z = 2 * sqrt(2 / pi) * ({u} + 0.044715 * powi({u}, 3)); sigmoid(z) + 2 * {u*} * sqrt(2 / pi) * (1 + 0.134145 * powi({u}, 2)) * sigmoid(z) * (1 - sigmoid(z)) }"
                ),
            }
            /// Mish (Misra, 2019), `u tanh(softplus(u))`: the product as one kernel, whose
            /// value at `u = -∞` is the limit -0 (the product as written is `-∞ · 0` there);
            /// in f32 with FMA one exponential and one division (`tanh(softplus(u))` is
            /// `E (E + 2) / (E (E + 2) + 2)`, `E = e^u`).
            mish => Mish {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::mish,
                derivative: |g, u| g.call(Func::MishPrime, u),
                leading_term: [],
                spelling: Spelling::Product("{u*} * tanh(softplus({u}))"),
            }
            /// Mish's derivative, `d/du [u tanh(softplus(u))]`: what differentiating Mish gives,
            /// `tanh(softplus(u)) + u tanh'(softplus(u)) sigmoid(u)`, whose terms cancel; its
            /// kernel evaluates the closed form `E ω / δ^2` (`E = e^u`) in double-double
            /// (f64) or in f64 (f32).
            mish_prime => MishPrime {
                callable: false,
                kernel: math,
                scaled: [],
                as_result: [],
                near: [],
                linear_at_zero: false,
                eval: $crate::eval::mish_prime,
                derivative: |g, u| {
                    // tanh'(s) σ(u) (2 + u σ(-u) - 2 u σ(u) tanh(s)), s = softplus(u)
                    // (second derivatives only; the macro never takes them)
                    let s = g.call(Func::Softplus, u);
                    let tp = g.call(Func::TanhPrime, s);
                    let t = g.call(Func::Tanh, s);
                    let sg = g.call(Func::Sigmoid, u);
                    let nu = g.neg(u);
                    let sm = g.call(Func::Sigmoid, nu);
                    let two = g.num(2.0);
                    let a = g.mul(u, sm);
                    let m2 = g.num(-2.0);
                    let b = g.prod(vec![m2, u, sg, t]);
                    let inner = g.sum(vec![two, a, b]);
                    g.prod(vec![tp, sg, inner])
                },
                leading_term: [],
                spelling: Spelling::Sum(
                    "tanh(softplus({u})) + {u*} * (1 - powi(tanh(softplus({u})), 2)) * sigmoid({u})"
                ),
            }
        }
    };
}

/// `erf'(u) = 2/sqrt(pi) exp(-u^2)` times `c / 2` (`c = -2` for `erfc`).
fn erf_derivative(g: &mut Graph, u: Id, c: f64) -> Id {
    let sq = g.powi(u, 2);
    let nsq = g.neg(sq);
    let e = g.call(Func::Exp, nsq);
    let pi = g.named(Named::Pi);
    let rp = g.call(Func::Sqrt, pi);
    let inv = g.powi(rp, -1);
    let c = g.num(c);
    g.prod(vec![c, e, inv])
}

/// How the printer writes a call: as a call, or in a textbook form where `{u}` stands for the
/// argument inside a call's parentheses and `{u*}` for the argument as a factor of a product
/// (parenthesised if it is a sum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// `name(u)`.
    Call,
    /// A form that binds like a product (`sigmoid(u) * (1 - sigmoid(u))`).
    Product(&'static str),
    /// A form that binds like a sum (`1 - powi(tanh(u), 2)`).
    Sum(&'static str),
}

/// `true` when given a non-empty token list.
macro_rules! present {
    () => {
        false
    };
    ($($t:tt)+) => {
        true
    };
}

/// Defines [`Func`] and its facts from the table.
macro_rules! define_func {
    (
        []
        $(
            $(#[doc = $doc:literal])*
            $name:ident => $variant:ident {
                callable: $callable:literal,
                kernel: $kind:ident,
                scaled: [$($scaled:ident)?],
                as_result: [$($as_result:ident)?],
                near: [$($near:ident $near_from:ident)?],
                linear_at_zero: $linear:literal,
                eval: $eval:expr,
                derivative: $derivative:expr,
                leading_term: [$($leading:expr)?],
                spelling: $spelling:expr,
            }
        )*
    ) => {
        /// A unary function of the formula language (see the [table](crate::functions)).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Func {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Func {
            /// Every function, callable or internal, in table order.
            pub const ALL: [Func; [$(Func::$variant),*].len()] = [$(Func::$variant),*];

            /// Whether a formula may call it by name (the others come out of differentiation
            /// and print as their textbook forms).
            pub const fn is_callable(self) -> bool {
                match self {
                    $( Func::$variant => $callable, )*
                }
            }

            /// Name in the formula language (and of the kernel in `act_core::math`).
            pub const fn name(self) -> &'static str {
                match self {
                    $( Func::$variant => stringify!($name), )*
                }
            }

            /// The variant of `act_core::__private::Kernel` that computes it (act-core
            /// expands the same table, so the two agree).
            pub fn kernel(self) -> &'static str {
                match self {
                    $( Func::$variant => stringify!($variant), )*
                }
            }

            /// Whether the value can be exponentially small while the argument is moderate
            /// (`sigmoid(-720)`), so that a product such as `x * sigmoid(x)` is a normal
            /// number where the factor is not: generated code (each has a `*_scaled` kernel in
            /// act-core) and the interpreter compute such factors scaled.
            pub fn has_tiny_tail(self) -> bool {
                match self {
                    $( Func::$variant => present!($($scaled)?), )*
                }
            }

            /// Whether its scaled kernel has a near form (the table's `near`): a kernel
            /// valid from a bound in the tail on, where the scale is 1, with the scaled
            /// kernel's bits there (act-core's `FloatKernels::__kernel_near`).
            pub fn has_near_form(self) -> bool {
                match self {
                    $( Func::$variant => present!($($near)?), )*
                }
            }

            /// Whether `f(a) = a` to the last bit for tiny `a`: such a function passes a scaled
            /// argument on, still scaled (`tanh(softplus(x))`).
            pub fn is_linear_at_zero(self) -> bool {
                match self {
                    $( Func::$variant => $linear, )*
                }
            }

            /// The value at `u`, in `f64` (the interpreter).
            pub fn eval(self, u: f64) -> f64 {
                match self {
                    $( Func::$variant => {
                        let f: fn(f64) -> f64 = $eval;
                        f(u)
                    } )*
                }
            }

            /// `f'(u)`, built in `g`.
            pub fn derivative(self, g: &mut Graph, u: Id) -> Id {
                match self {
                    $( Func::$variant => {
                        let d: fn(&mut Graph, Id) -> Id = $derivative;
                        d(g, u)
                    } )*
                }
            }

            /// `(c, t)` with `f(u) = c e^t` to within 1e-289 when `t < -665`, for the functions
            /// the interpreter computes scaled in their tails.
            pub(crate) fn leading_term(self, u: f64) -> Option<(f64, f64)> {
                match self {
                    $( Func::$variant => {
                        let _ = u;
                        None $( .or({
                            let l: fn(f64) -> (f64, f64) = $leading;
                            Some(l(u))
                        }) )?
                    } )*
                }
            }

            /// How the printer writes it.
            pub fn spelling(self) -> Spelling {
                match self {
                    $( Func::$variant => $spelling, )*
                }
            }
        }
    };
}

crate::__functions!(define_func);

const CALLABLE_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < Func::ALL.len() {
        if Func::ALL[i].is_callable() {
            n += 1;
        }
        i += 1;
    }
    n
};

impl Func {
    /// The functions a formula may call by name, with one argument, in table order.
    pub const CALLABLE: [Func; CALLABLE_COUNT] = {
        let mut out = [Func::ALL[0]; CALLABLE_COUNT];
        let (mut i, mut j) = (0, 0);
        while i < Func::ALL.len() {
            if Func::ALL[i].is_callable() {
                out[j] = Func::ALL[i];
                j += 1;
            }
            i += 1;
        }
        out
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callable_functions_are_the_table_entries_marked_callable() {
        let names: Vec<&str> = Func::CALLABLE.iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            [
                "exp", "ln", "log1p", "expm1", "sqrt", "abs", "tanh", "sigmoid", "softplus", "erf",
                "erfc", "atan", "asinh"
            ]
        );
        assert!(!Func::SigmoidPrime.is_callable() && !Func::TanhPrime.is_callable());
    }

    #[test]
    fn leading_terms_are_the_tails_of_the_values() {
        // Where the leading term is a normal number the value must agree with it.
        for f in Func::ALL {
            for u in [-40.0, -100.0, 40.0, 100.0] {
                if let Some((c, t)) = f.leading_term(u) {
                    let lead = c * t.exp();
                    let v = f.eval(u);
                    if lead > 1e-300 && t < -30.0 {
                        assert!(
                            (v / lead - 1.0).abs() < 1e-12,
                            "{f:?} at {u}: {v} vs {lead}"
                        );
                    }
                }
            }
        }
    }
}
