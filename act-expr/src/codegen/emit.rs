//! Tokens for a planned body ([`plan::Body`]): one `let` per binding, ending in the root's.
//! Every decision was taken by the plan; this module only spells it.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::plan::{self, Affine, Binding, Expr, Kernel, Near, Product, Scaled};
use crate::graph::{Func, Graph, Id};

/// An `f64` literal (NaN and the infinities by their constants).
pub(super) fn lit(v: f64) -> TokenStream {
    if v.is_nan() {
        quote!(::core::f64::NAN)
    } else if v == f64::INFINITY {
        quote!(::core::f64::INFINITY)
    } else if v == f64::NEG_INFINITY {
        quote!(::core::f64::NEG_INFINITY)
    } else {
        let l = Literal::f64_suffixed(v);
        quote!(#l)
    }
}

fn constant(v: f64) -> TokenStream {
    let l = lit(v);
    quote!(<F as ::act_core::Float>::from_f64(#l))
}

/// Statements computing `root`, ending in an expression of type `F`. Uses `x`, `self` (for the
/// parameters) and, in a vector activation, `r: [F; K]`.
pub(super) fn body(g: &Graph, root: Id, params: &[String]) -> TokenStream {
    body_with(g, root, params, None, false, Kernels::Slice)
}

/// [`body`] where the node `stored`, when given, is read from the variable `e`, with
/// `final_root` the root's kernel call in its `final` form (see [`plan::Body::plan`]), calling
/// the kernel entries `k`.
pub(super) fn body_with(
    g: &Graph,
    root: Id,
    params: &[String],
    stored: Option<Id>,
    final_root: bool,
    k: Kernels,
) -> TokenStream {
    emit(&plan::Body::plan(g, root, params, stored, final_root), k)
}

/// [`body_with`] (no stored node) with every product by a parameter plain
/// ([`plan::Body::plain_params`]): the body an elementwise activation's loops run where
/// `FloatKernels::__plain_param` holds for the parameters of every product
/// [`round_once_params`] lists.
pub(super) fn body_plain(
    g: &Graph,
    root: Id,
    params: &[String],
    final_root: bool,
    k: Kernels,
) -> TokenStream {
    emit(
        &plan::Body::plan(g, root, params, None, final_root).plain_params(),
        k,
    )
}

/// [`body_with`] (no stored node, `final_root`) with its one scaled kernel call in the
/// kernel's near form, and the gate and kernel the slice loop tests ([`plan::Body::near`]);
/// None where the body has no such call.
pub(super) fn body_near(g: &Graph, root: Id, params: &[String]) -> Option<(TokenStream, Near)> {
    let (body, near) = plan::Body::plan(g, root, params, None, true).near(g)?;
    Some((emit(&body, Kernels::Slice), near))
}

/// The `act_core::__private::Kernel` tokens of a near form's kernel (for its bound,
/// `FloatKernels::__near_from`).
pub(super) fn near_kernel(near: &Near) -> TokenStream {
    kernel(near.kernel)
}

/// The `f64` parameter factor of each product that the body of `root` rounds once
/// (`(self.a * self.b)`, the expression `FloatKernels::__mul_param` receives); empty where
/// there is none.
pub(super) fn round_once_params(
    g: &Graph,
    root: Id,
    params: &[String],
    final_root: bool,
) -> Vec<TokenStream> {
    plan::Body::plan(g, root, params, None, final_root)
        .round_once_params()
        .iter()
        .filter_map(|names| param_product(names))
        .collect()
}

/// The parameter constants the bodies of `roots` in `g` round to `F` (see
/// [`plan::Body::param_constants`]), each planned as an elementwise value or derivative is
/// (`final_root`), added to `out`.
pub(super) fn param_constants(
    g: &Graph,
    roots: &[Id],
    params: &[String],
    final_root: bool,
    out: &mut Vec<Vec<String>>,
) {
    for &r in roots {
        out.extend(plan::Body::plan(g, r, params, None, final_root).param_constants());
    }
}

/// The parameter constants of the joint body [`partials_body`] emits for `(da, db)` (see
/// [`plan::Body::param_constants`]); the separate bodies are those of [`param_constants`].
pub(super) fn joint_param_constants(
    g: &Graph,
    da: Id,
    db: Id,
    params: &[String],
) -> Vec<Vec<String>> {
    plan::Body::plan_joint(g, &[da, db], params).param_constants()
}

/// The test that every parameter constant of `consts` is in `F`'s range
/// (`FloatKernels::__param_in_range` of each, joined by `&&`, each once); None without any.
pub(super) fn in_range_test(mut consts: Vec<Vec<String>>) -> Option<TokenStream> {
    consts.sort();
    consts.dedup();
    let tests: Vec<TokenStream> = consts
        .iter()
        .filter_map(|c| param_product(c))
        .map(|p| quote!(<F as ::act_core::__private::FloatKernels>::__param_in_range(#p)))
        .collect();
    (!tests.is_empty()).then(|| quote!(#(#tests)&&*))
}

/// The product of the parameters `names` in `f64`, `(self.a * self.b)`; None without any.
fn param_product(names: &[String]) -> Option<TokenStream> {
    names
        .iter()
        .map(|n| {
            let n = format_ident!("{}", n);
            quote!(self.#n)
        })
        .reduce(|a, b| quote!(#a * #b))
        .map(|q| quote!((#q)))
}

/// Statements computing a gated activation's two partials `(da, db)`, ending in the pair of
/// their values, calling the slice kernel entries: one body ([`plan::Body::plan_joint`],
/// each node bound once) where the two share a kernel call or pair a `sigmoid` with a
/// `sigmoid'` (GLU) or `silu`, `gelu` with its derivative (SwiGLU, GEGLU), else the two
/// bodies of their own, one after the other (partials that share nothing: in one body
/// GEGLU's loop, before its pair kernel, had 7 instructions more per vector).
pub(super) fn partials_body(g: &Graph, da: Id, db: Id, params: &[String]) -> TokenStream {
    let joint = plan::Body::plan_joint(g, &[da, db], params);
    let paired = joint
        .bindings
        .iter()
        .any(|b| matches!(b, Binding::SigmoidPair { .. } | Binding::KernelPair { .. }));
    let (in_a, in_b) = (g.reachable(&[da]), g.reachable(&[db]));
    let shared_call = in_a
        .iter()
        .any(|id| in_b.contains(id) && matches!(g.node(*id), crate::graph::Node::Call(..)));
    if paired || shared_call {
        return emit(&joint, Kernels::Slice);
    }
    let a = body_with(g, da, params, None, true, Kernels::Slice);
    let b = body_with(g, db, params, None, true, Kernels::Slice);
    quote!(({ #a }, { #b }))
}

/// The binding of node `id`.
fn t(id: Id) -> Ident {
    format_ident!("t{}", id.index())
}

/// The scaled value of node `id`.
fn ts(id: Id) -> Ident {
    format_ident!("t{}_s", id.index())
}

/// The inverse scale of node `id`.
fn ti(id: Id) -> Ident {
    format_ident!("t{}_i", id.index())
}

/// The rounding error of the exact difference `id`.
fn err(id: Id) -> Ident {
    format_ident!("t{}_err", id.index())
}

fn fl() -> TokenStream {
    quote!(<F as ::act_core::Float>)
}

/// Which kernel entries a body calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kernels {
    /// The slice loops' (`act_core::__private::FloatKernels`), written for many lanes at once.
    Slice,
    /// The one-element methods' (`act_core::__private::OneKernels`): the same entries, where
    /// a type may give a kernel a form for one element (f32's sigmoid family: `f64` with a
    /// table, which a vector loop would turn into a gather).
    One,
}

/// The hidden kernel entries (`act_core::__private::FloatKernels` or `OneKernels`, supertraits
/// of `Float`).
fn fk(k: Kernels) -> TokenStream {
    match k {
        Kernels::Slice => quote!(<F as ::act_core::__private::FloatKernels>),
        Kernels::One => quote!(<F as ::act_core::__private::OneKernels>),
    }
}

/// Whether every kernel entry the body of `root` calls has an `f32` one-element form that
/// uses no fused multiply-add (act-core's `OneKernels for f32`: `sigmoid`, `sigmoid'`, `silu`
/// and `silu'`),
/// so that `f32`'s scalar method needs no FMA build and can inline into its caller. If act-core
/// delegates one of these to a slice kernel after all, the portable build of that kernel runs:
/// slower, as accurate.
///
/// With `plain`, of the body [`body_plain`] (whose products by a parameter are plain).
pub(super) fn f32_one_element_only(
    g: &Graph,
    root: Id,
    params: &[String],
    final_root: bool,
    plain: bool,
) -> bool {
    let one = |k: Kernel| {
        matches!(
            k,
            Kernel::SigmoidLean
                | Kernel::Of(Func::Sigmoid | Func::SigmoidPrime | Func::Silu | Func::SiluPrime)
        )
    };
    let mut body = plan::Body::plan(g, root, params, None, final_root);
    if plain {
        body = body.plain_params();
    }
    body.bindings.iter().all(|b| match *b {
        Binding::Let {
            ref expr,
            exp_correction,
            ..
        } => match *expr {
            Expr::Call(k, _) | Expr::CallFinal(k, _) => {
                one(k) && (exp_correction.is_none() || k != Kernel::Of(Func::Exp))
            }
            Expr::ErfcProduct(_) | Expr::ExpSquare(_) => false,
            // One rounding by a parameter takes an FMA in the FMA builds: the slices' bits
            // come from the build check.
            Expr::Product(ref p) => !p.round_once,
            _ => true,
        },
        Binding::SigmoidPair { .. } => true,
        Binding::KernelPair { .. } => false,
        Binding::Scaled { ref source, .. } => match *source {
            Scaled::ExpSquare(_) | Scaled::ErfcProduct(_) => false,
            Scaled::Kernel { kernel, .. } => one(kernel),
            Scaled::LinearAtZero { func, .. } => one(Kernel::Of(func)),
            Scaled::Product { ref product, .. } => !product.round_once,
        },
    })
}

/// The tokens of a planned body, calling the kernel entries `k`.
pub(super) fn emit(body: &plan::Body, k: Kernels) -> TokenStream {
    let stmts = body.bindings.iter().map(|b| binding(b, k));
    match &body.roots[..] {
        [r] => {
            let r = t(*r);
            quote!(#(#stmts)* #r)
        }
        rs => {
            let rs = rs.iter().map(|&r| t(r));
            quote!(#(#stmts)* (#(#rs),*))
        }
    }
}

/// `exp(u)` of an exact difference `u = p + q`: corrected by the rounding error of `u`, so
/// that the result is exact in the inputs.
fn exp_corrected(correction: Option<Id>, v: TokenStream) -> TokenStream {
    match correction {
        Some(a) => {
            let e = err(a);
            quote!(::act_core::__private::exp_corrected(#v, #e))
        }
        None => v,
    }
}

fn binding(b: &Binding, ks: Kernels) -> TokenStream {
    let fk = fk(ks);
    match *b {
        Binding::Let {
            id,
            ref expr,
            exp_correction,
            rounding_error,
            cubic_error,
            quotient_error,
            sigmoid_correction,
        } => {
            let name = t(id);
            let e = match (exp_correction, expr) {
                // The error enters the kernel's reduced argument (one addition).
                (
                    Some(c),
                    &Expr::Call(Kernel::Of(Func::Exp), a)
                    | &Expr::CallFinal(Kernel::Of(Func::Exp), a),
                ) => {
                    let (a, e) = (t(a), err(c));
                    quote!(#fk::__exp_lo::<FMA>(#a, #e))
                }
                _ => exp_corrected(exp_correction, expression(expr, ks)),
            };
            let e = match sigmoid_correction {
                Some(a) => {
                    let ea = err(a);
                    quote!({
                        let s: F = #e;
                        ::act_core::__private::sigmoid_corrected(s, s, #ea)
                    })
                }
                None => e,
            };
            let two_sum = rounding_error.map(|(p, q)| {
                let (p, q, e) = (t(p), t(q), err(id));
                quote!(let #e: F = ::act_core::__private::two_sum_err(#p, #q, #name);)
            });
            let cubic = cubic_error.map(|(c1, c3)| {
                let e = err(id);
                let (a, b, c, d) = (lit(c1.hi), lit(c1.lo), lit(c3.hi), lit(c3.lo));
                quote!(let #e: F = ::act_core::__private::odd_cubic_err(x, #name, #a, #b, #c, #d);)
            });
            let quotient = quotient_error.map(|(n, d)| {
                let (n, d, e) = (t(n), t(d), err(id));
                quote!(let #e: F = #fk::__quotient_err::<FMA>(#n, #d, #name);)
            });
            quote!(let #name: F = #e; #two_sum #cubic #quotient)
        }
        Binding::SigmoidPair {
            sigmoid,
            prime,
            arg,
            prime_plain,
            corrected,
            lean,
        } => {
            let (a, s, p_s, p_i, p) = (t(arg), t(sigmoid), ts(prime), ti(prime), t(prime));
            let plain = prime_plain.then(|| quote!(let #p: F = #p_s * #p_i;));
            let fix = corrected.then(|| {
                let e = err(arg);
                quote! {
                    let #p_s: F = ::act_core::__private::sigmoid_prime_corrected(#p_s, #s, #e);
                    let #s: F = ::act_core::__private::sigmoid_corrected(#s, #s, #e);
                }
            });
            let pair = if lean {
                quote!(__sigmoid_pair_lean)
            } else {
                quote!(__sigmoid_pair)
            };
            quote! {
                let (#s, #p_s, #p_i): (F, F, F) = #fk::#pair::<FMA>(#a);
                #fix
                #plain
            }
        }
        Binding::KernelPair {
            value,
            prime,
            arg,
            func,
            prime_plain,
        } => {
            let (a, v, p_s, p_i, p) = (t(arg), t(value), ts(prime), ti(prime), t(prime));
            let plain = prime_plain.then(|| quote!(let #p: F = #p_s * #p_i;));
            let pair = match func {
                Func::Gelu => quote!(__gelu_pair),
                _ => quote!(__silu_pair),
            };
            quote! {
                let (#v, #p_s, #p_i): (F, F, F) = #fk::#pair::<FMA>(#a);
                #plain
            }
        }
        Binding::Scaled {
            id,
            ref source,
            plain,
        } => {
            let (s, i, name) = (ts(id), ti(id), t(id));
            let computed = scaled(id, source, ks);
            let plain = plain.then(|| quote!(let #name: F = #s * #i;));
            quote!(#computed #plain)
        }
    }
}

/// The statements binding `(t{id}_s, t{id}_i)`.
fn scaled(id: Id, source: &Scaled, ks: Kernels) -> TokenStream {
    let (fl, fk) = (fl(), fk(ks));
    let (s, i) = (ts(id), ti(id));
    match *source {
        Scaled::ExpSquare(c) => {
            let c = lit(c);
            quote!(let (#s, #i): (F, F) = #fk::__exp_scaled_sq::<FMA>(x, #c);)
        }
        Scaled::ErfcProduct(c) => {
            let (hi, lo) = (lit(c.hi), lit(c.lo));
            quote!(let (#s, #i): (F, F) = #fk::__erfc_mul_scaled::<FMA>(x, #hi, #lo);)
        }
        Scaled::Kernel {
            kernel: Kernel::Of(Func::Exp),
            arg,
            exp_correction: Some(c),
            sigmoid_correction: None,
            near: false,
        } => {
            let (a, e) = (t(arg), err(c));
            quote!(let (#s, #i): (F, F) = #fk::__exp_scaled_lo::<FMA>(#a, #e);)
        }
        // The near form (see `plan::Near`): `c = 1`, so `1/c` is the constant 1, and the
        // products by it fold away.
        Scaled::Kernel {
            kernel: k,
            arg,
            near: true,
            ..
        } => {
            let (k, a) = (kernel(k), t(arg));
            quote! {
                let #s: F = #fk::__kernel_near::<FMA>(#a, #k);
                let #i: F = #fl::ONE;
            }
        }
        Scaled::Kernel {
            kernel: k,
            arg,
            exp_correction,
            sigmoid_correction,
            near: false,
        } => {
            let k = kernel(k);
            let fixed = exp_corrected(exp_correction, quote!(#s));
            let fixed = match sigmoid_correction {
                Some(a) => {
                    let e = err(a);
                    quote!(::act_core::__private::sigmoid_corrected(#fixed, #s * #i, #e))
                }
                None => fixed,
            };
            let a = t(arg);
            quote! {
                let (#s, #i): (F, F) = #fk::__kernel_scaled::<FMA>(#a, #k);
                let #s: F = #fixed;
            }
        }
        Scaled::LinearAtZero { func, arg } => {
            let k = kernel(Kernel::Of(func));
            let (a_s, a_i) = (ts(arg), ti(arg));
            quote! {
                let #i: F = #a_i;
                let #s: F = #fl::select(#a_i == #fl::ONE, #fk::__kernel::<FMA>(#a_s, #k), #a_s);
            }
        }
        Scaled::Product {
            ref product,
            ref inverse,
        } => {
            let e = self::product(product);
            let inv = inverse
                .iter()
                .map(|&f| {
                    let f = ti(f);
                    quote!(#f)
                })
                .reduce(|a, b| quote!(#a * #b));
            quote! {
                let #s: F = #e;
                let #i: F = #inv;
            }
        }
    }
}

/// The `act_core::__private::Kernel` that computes a call.
fn kernel(k: Kernel) -> TokenStream {
    let v = match k {
        Kernel::Of(f) => format_ident!("{}", f.kernel()),
        Kernel::SigmoidLean => format_ident!("SigmoidLean"),
    };
    quote!(::act_core::__private::Kernel::#v)
}

fn expression(e: &Expr, ks: Kernels) -> TokenStream {
    let (fl, fk) = (fl(), fk(ks));
    match *e {
        Expr::Stored => quote!(e),
        Expr::Constant(v) => constant(v),
        Expr::X => quote!(x),
        Expr::B => quote!(b),
        Expr::Param(ref name) => {
            let p = format_ident!("{}", name);
            quote!(#fl::from_f64(self.#p))
        }
        Expr::Reduction(j) => quote!(r[#j]),
        Expr::Sum(ref ts) => {
            let ts = ts.iter().map(|&i| t(i));
            quote!(#(#ts)+*)
        }
        Expr::Product(ref p) => product(p),
        // `u^-2` as `(1/u)^2`: subnormal where `u^2` overflows (Softsign' beyond |x| = 1.8e19
        // in f32 was 0 as `1 / u^2`), one division and one product as before, and within
        // 1.5 ULP. Higher negative powers keep `1 / u^k` (the reciprocal's error would grow
        // k-fold).
        Expr::Pow(a, k) => {
            let a = t(a);
            match k {
                -2 => quote!({ let r: F = #fl::ONE / #a; r * r }),
                k if k < 0 => {
                    let m = -k;
                    quote!(#fl::ONE / #fl::powi(#a, #m))
                }
                k => quote!(#fl::powi(#a, #k)),
            }
        }
        Expr::PowF(a, b) => {
            let (a, b) = (t(a), t(b));
            quote!(#fl::powf(#a, #b))
        }
        Expr::Call(k, a) => {
            let (k, a) = (kernel(k), t(a));
            quote!(#fk::__kernel::<FMA>(#a, #k))
        }
        Expr::CallFinal(k, a) => {
            let (k, a) = (kernel(k), t(a));
            quote!(#fk::__kernel_final::<FMA>(#a, #k))
        }
        Expr::ErfcProduct(c) => {
            let (hi, lo) = (lit(c.hi), lit(c.lo));
            quote!(#fk::__erfc_mul::<FMA>(x, #hi, #lo))
        }
        Expr::ExpSquare(c) => {
            let c = lit(c);
            quote!(#fk::__exp_sq::<FMA>(x, #c))
        }
        Expr::Max(a, b) => {
            let (a, b) = (t(a), t(b));
            quote!(#fl::max(#a, #b))
        }
        Expr::Min(a, b) => {
            let (a, b) = (t(a), t(b));
            quote!(#fl::min(#a, #b))
        }
        Expr::Select(c, a, b, th, el) => {
            let (a, b, th, el) = (t(a), t(b), t(th), t(el));
            let op: TokenStream = c.symbol().parse().expect("comparison operator");
            quote!(#fl::select(#a #op #b, #th, #el))
        }
        Expr::Affine(ref a) => affine(a),
    }
}

/// A product. An exact constant leads it (`0.5 * x * erfc(..)`: left to right, so
/// `x * erfc(..)` cannot overflow first); an inexact one such as 1/sqrt(2) is applied to the
/// first factor as `a * hi + a * lo`, one rounding instead of two; so is a parameter where
/// the product can reach the overflow threshold (`FloatKernels::__mul_param`).
fn product(p: &Product) -> TokenStream {
    let fl = fl();
    // The parameters' product in `f64`.
    let params = param_product(&p.params);
    let lead = params
        .as_ref()
        .filter(|_| !p.round_once)
        .map(|q| quote!(#fl::from_f64(#q)));
    let mut factors = lead.into_iter().chain(p.num.iter().map(|&(f, scaled)| {
        let f = if scaled { ts(f) } else { t(f) };
        quote!(#f)
    }));
    let mut acc = match (p.constant, factors.next()) {
        (None, first) if p.round_once => {
            let first = first.unwrap_or(quote!(#fl::ONE));
            quote!(<F as ::act_core::__private::FloatKernels>::__mul_param::<FMA>(#first, #params))
        }
        (None, Some(first)) => first,
        (None, None) => quote!(#fl::ONE),
        (Some(c), first) if c.lo == 0.0 || !c.lo.is_finite() => {
            let hi = lit(c.hi);
            match first {
                Some(f) => quote!(#fl::from_f64(#hi) * #f),
                None => quote!(#fl::from_f64(#hi)),
            }
        }
        (Some(c), first) => {
            let (hi, lo) = (lit(c.hi), lit(c.lo));
            let first = first.unwrap_or(quote!(#fl::ONE));
            quote!(::act_core::__private::mul_split(#first, #hi, #lo))
        }
    };
    for f in factors {
        acc = quote!(#acc * #f);
    }
    let den = p.den.iter().map(|&(a, k)| {
        let a = t(a);
        if k == -1 {
            quote!(#a)
        } else {
            quote!(#fl::powi(#a, #k.wrapping_neg()))
        }
    });
    // One division per denominator, in turn: their product could overflow where the quotient
    // does not (Squareplus' derivative below x = -1.8e19 in f32 was 0 from `h (h - x)`, not
    // the subnormal it is). Only Squareplus' ∂f/∂b among the built-ins has two.
    let quotient = den.fold(acc, |a, d| quote!(#a / #d));
    // Exact scale factors last (see `plan::is_scale`): the plain ones multiplied together
    // first, then a power `s^k` as `k` products by `s` in turn, not by `s^k`. A select of
    // constants used once is folded by the compiler into the product (`b s^2` becomes a
    // select of `b 2^-132` and `b`), and that product, subnormal, was computed in every
    // iteration: Squareplus' forward ran at half speed.
    let plain = p
        .scales
        .iter()
        .filter(|&&(_, k)| k == 1)
        .map(|&(f, _)| {
            let f = t(f);
            quote!(#f)
        })
        .reduce(|a, b| quote!(#a * #b));
    let mut acc = match plain {
        Some(k) => quote!((#quotient) * (#k)),
        None => quote!(#quotient),
    };
    for &(a, k) in p.scales.iter().filter(|&&(_, k)| k != 1) {
        let a = t(a);
        for _ in 0..k {
            acc = quote!((#acc) * #a);
        }
    }
    acc
}

/// `c·(u - u0) + r` with the root and residual of the type's precision.
fn affine(a: &Affine) -> TokenStream {
    let fl = fl();
    let (u64_, r64) = (lit(a.f64_root.0), lit(a.f64_root.1));
    let (u32_, r32) = (lit(a.f32_root.0), lit(a.f32_root.1));
    let (c, u) = (lit(a.c), t(a.u));
    quote! {{
        let (u0, r): (F, F) = if #fl::EPSILON.to_f64() == ::core::f64::EPSILON {
            (#fl::from_f64(#u64_), #fl::from_f64(#r64))
        } else {
            (#fl::from_f64(#u32_), #fl::from_f64(#r32))
        };
        #fl::from_f64(#c) * (#u - u0) + r
    }}
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    /// The generated method `name` of a declaration, as text.
    fn method(decl: &str, name: &str) -> String {
        let tokens = proc_macro2::TokenStream::from_str(decl).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        assert!(!code.contains("compile_error"), "{decl}: {code}");
        let start = code
            .find(&format!("pub fn {name} <"))
            .unwrap_or_else(|| panic!("{name} in {code}"));
        let end = code[start..]
            .find("# [doc (hidden)]")
            .map_or(code.len(), |e| start + e);
        code[start..end].to_string()
    }

    /// `exp` of the input over a parameter is corrected by the quotient's rounding error
    /// (CELU's derivative); over a constant, whose reciprocal folds into a rounded factor, it
    /// is not; nor is `expm1` of it, which does not amplify the argument's error.
    #[test]
    fn exp_of_a_quotient_by_a_parameter_is_corrected() {
        let over_param = "pub struct C(a = 3.0); f(x) = exp(x / a);";
        let value = method(over_param, "__act_value");
        assert_eq!(value.matches("__quotient_err").count(), 1, "{value}");
        assert!(value.contains("__exp_lo"), "{value}");
        let over_const = "pub struct K; f(x) = exp(x / 3);";
        let value = method(over_const, "__act_value");
        assert!(!value.contains("quotient_err"), "{value}");
        let celu = "pub struct Celu(alpha = 1.0); \
                    f(x) = if x > 0 { x } else { alpha * (exp(x / alpha) - 1) };";
        assert!(!method(celu, "__act_value").contains("quotient_err"));
        let deriv = method(celu, "__act_deriv");
        assert_eq!(deriv.matches("quotient_err").count(), 1, "{deriv}");
    }

    /// `exp` of an exact difference is corrected once by the difference's rounding error,
    /// also where it is a final root (it was corrected twice there, doubling the correction).
    #[test]
    fn an_exact_difference_corrects_its_exp_once() {
        let gated = "pub gated struct G; f(a, b) = exp(a - b);";
        // Corrected in the kernel (`__exp_lo`, `__exp_scaled_lo`) or after it.
        let corrections =
            |code: &str| code.matches("exp_corrected").count() + code.matches("_lo ::").count();
        let value = method(gated, "__act_value");
        assert_eq!(corrections(&value), 1, "{value}");
        assert_eq!(value.matches("two_sum_err").count(), 1, "{value}");
        assert!(value.contains("__exp_lo"), "{value}");
        let softmax = "pub vector struct S; f(x) = { let e = exp(x - max(x)); e / sum(e) };";
        let body = method(softmax, "__act_body1");
        assert_eq!(corrections(&body), 1, "{body}");
    }

    /// A factor that is a power of two in every branch is applied after the division, to the
    /// rounded quotient; an ordinary factor is multiplied in before it.
    #[test]
    fn power_of_two_scales_are_applied_last() {
        let scaled = "pub struct Q(b = 3.0); \
                      f(x) = { let s = if abs(x) > 1 { 0.25 } else { 1 }; b * s / (1 + x * x) };";
        let value = method(scaled, "__act_value");
        // `b / (1 + x^2)`, then `s` (t4, the select).
        assert!(value.contains("(t5 / t7) * (t4)"), "{value}");
        let plain = "pub struct P(b = 3.0); \
                     f(x) = { let s = if abs(x) > 1 { 0.3 } else { 1 }; b * s / (1 + x * x) };";
        assert!(!method(plain, "__act_value").contains(") * ("));
        // A power of such a factor: by the factor in turn, not by a folded `s^2`.
        let squared = "pub struct S(b = 3.0); \
                       f(x) = { let s = if abs(x) > 1 { 0.25 } else { 1 }; b * s * s / (1 + x * x) };";
        let value = method(squared, "__act_value");
        assert!(value.contains("((t5 / t8) * t4) * t4"), "{value}");
    }

    /// A gated activation's partials come from one body where they share work: GLU's
    /// `sigmoid(b)` and `a sigmoid'(b)` from one lean pair (one exponential, one division),
    /// with no other kernel call; where `sigmoid'` also enters a sum (whose terms may cancel)
    /// the pair is the accurate one; nodes the two partials share are bound once; SwiGLU's
    /// and GEGLU's `g(a)` and `b g'(a)` come from one pair kernel; partials that share no
    /// kernel call keep bodies of their own.
    #[test]
    fn gated_partials_share_one_body() {
        let glu = method(
            "pub gated struct G; f(a, b) = a * sigmoid(b);",
            "__act_partials",
        );
        assert_eq!(glu.matches("__sigmoid_pair_lean").count(), 1, "{glu}");
        assert!(!glu.contains("__kernel"), "{glu}");
        let summed = method(
            "pub gated struct H; f(a, b) = a * sigmoid(b) + b * b;",
            "__act_partials",
        );
        // ∂/∂a = sigmoid(b), ∂/∂b = a sigmoid'(b) + 2b: a pair, not the lean one.
        assert_eq!(summed.matches("__sigmoid_pair").count(), 1, "{summed}");
        assert!(!summed.contains("__sigmoid_pair_lean"), "{summed}");
        // exp(a - b): both partials read the same `exp` (and its correction), bound once.
        let shared = method(
            "pub gated struct E; f(a, b) = exp(a - b);",
            "__act_partials",
        );
        assert_eq!(shared.matches("__exp").count(), 1, "{shared}");
        assert_eq!(shared.matches("two_sum_err").count(), 1, "{shared}");
        // SwiGLU and GEGLU: `silu(a)` and `b silu'(a)` (`gelu`) from one pair kernel, the
        // derivative scaled into the product by `b`, and no other kernel call.
        for (decl, pair) in [
            (
                "pub gated struct S; f(a, b) = a * sigmoid(a) * b;",
                "__silu_pair",
            ),
            (
                "pub gated struct Gg; f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;",
                "__gelu_pair",
            ),
        ] {
            let code = method(decl, "__act_partials");
            assert_eq!(code.matches(pair).count(), 1, "{code}");
            assert!(
                !code.contains("__kernel") && !code.contains("__erfc"),
                "{code}"
            );
            assert_eq!(code.matches(": F = x ;").count(), 1, "{code}");
        }
        // Two partials that share no kernel call keep bodies of their own, each binding `x`.
        let apart = method(
            "pub gated struct T; f(a, b) = tanh(a) * b;",
            "__act_partials",
        );
        assert_eq!(apart.matches(": F = x ;").count(), 2, "{apart}");
        assert_eq!(glu.matches("let t0 : F = x").count(), 1, "{glu}");
    }

    /// A gated value whose one scaled kernel call reads an input and has a near form (GLU's
    /// `sigmoid(b)`, SwiGLU's `silu(a)`, GEGLU's `gelu(a)`) has a near twin, which calls
    /// `__kernel_near` with `1/c` the constant 1, and its forward slice loop scans that input
    /// (`map_pairs_near`, `true` for `b`); other formulas keep the full loop alone.
    #[test]
    fn gated_values_with_a_near_form_get_a_lean_first_pass() {
        for (decl, gate_is_b) in [
            ("pub gated struct G; f(a, b) = a * sigmoid(b);", true),
            ("pub gated struct S; f(a, b) = a * sigmoid(a) * b;", false),
            (
                "pub gated struct Gg; f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;",
                false,
            ),
        ] {
            let near = method(decl, "__act_value_near");
            assert_eq!(near.matches("__kernel_near").count(), 1, "{near}");
            assert!(!near.contains("__kernel_scaled"), "{near}");
            assert!(
                near.contains("_i : F = < F as :: act_core :: Float > :: ONE"),
                "{near}"
            );
            let full = method(decl, "__act_value");
            assert!(full.contains("__kernel_scaled"), "{full}");
            let slice = method(decl, "__act_forward_slice");
            assert!(
                slice.contains(&format!("map_pairs_near (a , b , y , {gate_is_b} ,")),
                "{slice}"
            );
        }
        // The kernel's argument is not an input, or the kernel has no near form: no twin.
        for decl in [
            "pub gated struct T; f(a, b) = a * sigmoid(2 * b);",
            "pub gated struct E; f(a, b) = a * exp(b);",
            "pub gated struct R; f(a, b) = max(0, a) * b;",
        ] {
            let tokens = proc_macro2::TokenStream::from_str(decl).expect("tokens");
            let code = crate::expand_activation(tokens).to_string();
            assert!(!code.contains("__act_value_near"), "{decl}: {code}");
            assert!(!code.contains("map_pairs_near"), "{decl}");
        }
    }

    /// A product by a parameter rounds once where it can grow without bound over the inputs
    /// of its branch (SELU's `scale x`, leaky ReLU's `alpha x` for x <= 0), and only there:
    /// the derivatives' `scale` and ELU's `alpha (exp(x) - 1)` keep the plain product. The
    /// scalar methods of such a formula take the build check (the FMA builds' product).
    #[test]
    fn only_growing_products_by_a_parameter_round_once() {
        let selu = "pub struct S(alpha = 1.67, scale = 1.05); \
                    f(x) = scale * (if x > 0 { x } else { alpha * (exp(x) - 1) });";
        let value = method(selu, "__act_value");
        assert_eq!(value.matches("__mul_param").count(), 1, "{value}");
        assert!(
            value.contains("__mul_param :: < FMA > (t6 , (self . scale))"),
            "{value}"
        );
        assert!(!method(selu, "__act_deriv").contains("__mul_param"));
        let leaky = "pub struct L(alpha = 0.1); f(x) = if x > 0 { x } else { alpha * x };";
        assert!(method(leaky, "__act_value").contains("__mul_param"));
        // The f32 scalar method inlines only the plain twin, where the parameter allows it.
        let one = method(leaky, "__act_forward_one");
        assert!(
            one.contains("__ONE_ELEMENT_SIGMOID && < F as :: act_core :: __private :: FloatKernels > :: __plain_param ((self . alpha))"),
            "{one}"
        );
        let elu = "pub struct E(alpha = 1.0); f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };";
        assert!(!method(elu, "__act_value").contains("__mul_param"));
        // A constant factor or a denominator rounds again: the plain product stays.
        let scaled = "pub struct C(a = 2.0); f(x) = 3 * a * x;";
        assert!(!method(scaled, "__act_value").contains("__mul_param"));
    }

    /// Two or more parameter factors multiply in `f64`, rounded to `F` once (SELU's
    /// `scale alpha` on its bounded side); one rounded once with a growing factor takes the
    /// others with it; a single bounded one stays a plain factor.
    #[test]
    fn parameter_factors_multiply_in_f64() {
        let selu = "pub struct S(alpha = 1.67, scale = 1.05); \
                    f(x) = if x > 0 { scale * x } else { scale * alpha * (exp(x) - 1) };";
        let value = method(selu, "__act_value");
        assert!(
            value.contains("from_f64 ((self . scale * self . alpha))")
                || value.contains("from_f64 ((self . alpha * self . scale))"),
            "{value}"
        );
        assert_eq!(value.matches("__mul_param").count(), 1, "{value}");
        let grow = "pub struct G(a = 1.5, b = 3.0); f(x) = a * b * x;";
        let value = method(grow, "__act_value");
        assert!(value.contains("(t2 , (self . a * self . b))"), "{value}");
        let elu = "pub struct E(alpha = 1.0); f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };";
        let value = method(elu, "__act_value");
        assert!(!value.contains("self . alpha *"), "{value}");
    }

    /// A side (value or derivative) with products rounded once has a plain twin of each of
    /// its methods, and its slice loops and scalar method choose between the two once per call
    /// by `__plain_param` of each such product's parameter factor; a side without keeps its
    /// one body, untested.
    #[test]
    fn products_rounded_once_have_a_plain_twin_chosen_per_call() {
        let test = |p: &str| {
            format!("< F as :: act_core :: __private :: FloatKernels > :: __plain_param (({p}))")
        };
        let leaky = "pub struct L(alpha = 0.1); f(x) = if x > 0 { x } else { alpha * x };";
        let plain = method(leaky, "__act_value_plain");
        assert!(!plain.contains("__mul_param"), "{plain}");
        assert!(plain.contains("from_f64 ((self . alpha))"), "{plain}");
        assert!(method(leaky, "__act_value").contains("__mul_param"));
        assert!(!method(leaky, "__act_value_one_plain").contains("__mul_param"));
        for slice in ["__act_forward_slice", "__act_forward_in_place"] {
            let code = method(leaky, slice);
            let (at_test, at_plain, at_own) = (
                code.find(&format!("if {}", test("self . alpha"))),
                code.find("self . __act_value_plain :: < F , FMA >"),
                code.find("self . __act_value :: < F , FMA >"),
            );
            assert!(
                at_test.is_some() && at_test < at_plain && at_plain < at_own,
                "{slice}: {code}"
            );
        }
        let one = method(leaky, "__act_forward_one");
        assert!(one.contains("__act_value_one_plain"), "{one}");
        // The derivative (`if x > 0 { 1 } else { alpha }`) has nothing to round once.
        let tokens = proc_macro2::TokenStream::from_str(leaky).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        assert!(!code.contains("__act_deriv_plain"), "{code}");
        assert!(!method(leaky, "__act_backward_slice").contains("__plain_param"));
        // SELU tests `scale` alone, the factor of its product rounded once.
        let selu = "pub struct S(alpha = 1.67, scale = 1.05); \
                    f(x) = if x > 0 { scale * x } else { scale * alpha * (exp(x) - 1) };";
        let fwd = method(selu, "__act_forward_slice");
        assert_eq!(fwd.matches("__plain_param").count(), 1, "{fwd}");
        assert!(fwd.contains(&test("self . scale")), "{fwd}");
        // Two factors: their product in `f64`, the one `__mul_param` receives.
        let two = "pub struct G(a = 1.5, b = 3.0); f(x) = a * b * x;";
        let fwd = method(two, "__act_forward_slice");
        assert!(fwd.contains(&test("self . a * self . b")), "{fwd}");
        // ELU rounds nothing once: one body, no test.
        let elu = "pub struct E(alpha = 1.0); f(x) = if x > 0 { x } else { alpha * (exp(x) - 1) };";
        let tokens = proc_macro2::TokenStream::from_str(elu).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        assert!(
            !code.contains("_plain <") && !code.contains("__plain_param"),
            "{code}"
        );
    }

    /// Every method whose code uses a parameter constant tests each constant once per call
    /// (`__param_in_range`) and, where one fails, runs the `f64` code and rounds once: the
    /// slices through `__via_f64!` before the choice of build (whose bodies hold no test), the
    /// scalar methods through the `f64` scalar method. The constants are each parameter read
    /// alone and each product of parameters, per side (SELU's value: `alpha`, whose binding
    /// the plan keeps, `alpha * scale` and `scale`); a formula without parameters tests
    /// nothing.
    #[test]
    fn parameters_beyond_the_range_take_the_f64_path() {
        let test = |p: &str| {
            let fk = "< F as :: act_core :: __private :: FloatKernels >";
            format!("if ! ({fk} :: __param_in_range (({p})))")
        };
        let selu = "pub struct S(alpha = 1.67, scale = 1.05); \
                    f(x) = if x > 0 { scale * x } else { scale * alpha * (exp(x) - 1) };";
        let fwd = method(selu, "__act_forward_slice");
        let (at_test, at_wide, at_isa) = (
            fwd.find("__param_in_range"),
            fwd.find("__via_f64 ! (self . __act_forward_slice (x : & [F] , y : & mut [F]))"),
            fwd.find(":: act_core :: dispatch :: active ()"),
        );
        assert!(
            at_test.is_some() && at_test < at_wide && at_wide < at_isa,
            "{fwd}"
        );
        for c in [
            "self . alpha",
            "self . alpha * self . scale",
            "self . scale",
        ] {
            let t = format!("__param_in_range (({c}))");
            assert_eq!(fwd.matches(&t).count(), 1, "{c}: {fwd}");
        }
        let tokens = proc_macro2::TokenStream::from_str(selu).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        let at = code
            .find("unsafe fn __act_forward_slice_avx2")
            .expect("the AVX2 build");
        let build = &code[at..at + code[at..].find("# [cfg").unwrap_or(code.len() - at)];
        assert!(!build.contains("__param_in_range"), "{build}");
        let one = method(selu, "__act_forward_one");
        assert!(one.contains("self . __act_forward_one :: < f64 >"), "{one}");
        let leaky = "pub struct L(alpha = 0.1); f(x) = if x > 0 { x } else { alpha * x };";
        for name in [
            "__act_forward_slice",
            "__act_forward_in_place",
            "__act_derivative_slice",
            "__act_backward_slice",
            "__act_forward_one",
            "__act_derivative_one",
        ] {
            let code = method(leaky, name);
            assert_eq!(
                code.matches(&test("self . alpha")).count(),
                1,
                "{name}: {code}"
            );
        }
        // The partials' own: leaky ReLU's ∂f/∂alpha (`x` or 0) uses none, SELU's ∂f/∂scale
        // (`x` or `alpha (exp(x) - 1)`) uses `alpha`.
        assert!(!method(leaky, "__act_backward_params").contains("__param_in_range"));
        let params = method(selu, "__act_backward_params");
        assert!(
            params.contains("__param_in_range ((self . alpha))"),
            "{params}"
        );
        let relu = "pub struct R; f(x) = max(0, x);";
        let tokens = proc_macro2::TokenStream::from_str(relu).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        assert!(!code.contains("__param_in_range"), "{code}");
        let gated = "pub gated struct G(c = 1.0); f(a, b) = c * a * sigmoid(b);";
        for name in ["__act_forward_slice", "__act_backward_slice"] {
            let code = method(gated, name);
            assert!(code.contains(&test("self . c")), "{name}: {code}");
        }
    }

    /// The f32 scalar methods skip the build check where the formula calls only the
    /// one-element `sigmoid`/`sigmoid'` kernels, and only there.
    #[test]
    fn f32_scalar_methods_inline_only_over_one_element_kernels() {
        let inlined = |decl: &str, name: &str| method(decl, name).contains("__ONE_ELEMENT_SIGMOID");
        let sigmoid = "pub struct S; f(x) = 1 / (1 + exp(-x));";
        let swish = "pub struct W; f(x) = x * sigmoid(x);";
        let softplus = "pub struct P; f(x) = ln(1 + exp(x));";
        let tanh = "pub struct T; f(x) = tanh(x);";
        for decl in [sigmoid, swish] {
            assert!(inlined(decl, "__act_forward_one"), "{decl}");
            assert!(inlined(decl, "__act_derivative_one"), "{decl}");
        }
        assert!(!inlined(softplus, "__act_forward_one"));
        assert!(inlined(softplus, "__act_derivative_one"));
        assert!(!inlined(tanh, "__act_forward_one"));
        assert!(!inlined(tanh, "__act_derivative_one"));
    }
}
