//! Code generation: a [`Model`] to the Rust items `activation!` expands to.
//!
//! Each expression becomes a straight-line `#[inline(always)]` function generic over
//! `act_core::Float`: one `let` per node, branches lowered to `Float::select`, constant
//! subexpressions folded to one literal. Straight-line code without jumps is what lets the
//! compiler vectorise the slice loops.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

mod elementwise;
mod from_output;
pub mod gated;
mod metadata;
mod params;
mod vector;

use crate::eval;
use crate::graph::{Func, Graph, Id, Named, Node};
use crate::model::Model;

fn lit(v: f64) -> TokenStream {
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
fn body(g: &Graph, root: Id, params: &[String]) -> TokenStream {
    body_with(g, root, params, None, false)
}

/// [`body`] where the node `stored`, when given, is not computed but read from the variable
/// `e` (its value stored by an earlier pass).
///
/// With `final_root`, a root that is a kernel call uses the kernel's `final` form (which may
/// flush results below the normal range to 0: harmless for a final value, not for a term of a
/// sum that stays normal).
fn body_with(
    g: &Graph,
    root: Id,
    params: &[String],
    stored: Option<Id>,
    final_root: bool,
) -> TokenStream {
    let live = g.reachable(&[root]);
    let mut constant_flag = vec![false; root.index() + 1];
    for &id in &live {
        let n = g.node(id);
        constant_flag[id.index()] = match n {
            _ if Some(id) == stored => false,
            Node::X | Node::B | Node::Param(_) | Node::Red(_) => false,
            Node::Const(_) | Node::Named(_) => true,
            _ => g.children(n).iter().all(|c| constant_flag[c.index()]),
        };
    }
    // Only nodes a non-constant node (or the root) needs get a binding.
    let mut needed = vec![false; root.index() + 1];
    needed[root.index()] = true;
    for &id in live.iter().rev() {
        if needed[id.index()] && !constant_flag[id.index()] && Some(id) != stored {
            for c in g.children(g.node(id)) {
                needed[c.index()] = true;
            }
        }
    }
    let t = |id: Id| format_ident!("t{}", id.index());
    let scaled = scaled_nodes(g, root, &live, &needed, &constant_flag, stored);
    let ts = |id: Id| format_ident!("t{}_s", id.index());
    let ti = |id: Id| format_ident!("t{}_i", id.index());
    let fl = quote!(<F as ::act_core::Float>);
    let pairs = sigmoid_pairs(
        g,
        root,
        &live,
        &needed,
        &constant_flag,
        stored,
        &scaled,
        final_root,
    );
    let exact = exact_differences(g, &live, &needed, &constant_flag, stored);
    let err = |id: Id| format_ident!("t{}_err", id.index());
    // `exp(u)` of an exact difference `u = p + q` (see [`exact_differences`]): corrected by
    // the rounding error of `u`, so that the result is exact in the inputs.
    let exp_fix = |a: Id, v: TokenStream| -> TokenStream {
        if exact[a.index()] {
            let e = err(a);
            quote!(::act_core::__private::exp_corrected(#v, #e))
        } else {
            v
        }
    };
    let mut stmts = Vec::new();
    for &id in &live {
        if !needed[id.index()] {
            continue;
        }
        let name = t(id);
        if let Some(&(sig, prime)) = pairs.iter().find(|(a, b)| *a == id || *b == id) {
            // Both at the first of the two; the second has nothing left to do.
            if id == sig.min(prime) {
                let Node::Call(_, a) = *g.node(sig) else {
                    unreachable!("a sigmoid call")
                };
                let (a, ts_, p_s, p_i, p) = (t(a), t(sig), ts(prime), ti(prime), t(prime));
                stmts.push(
                    quote!(let (#ts_, #p_s, #p_i): (F, F, F) = #fl::__sigmoid_pair::<FMA>(#a);),
                );
                if scaled.plain[prime.index()] || !scaled.uses[prime.index()] {
                    stmts.push(quote!(let #p: F = #p_s * #p_i;));
                }
            }
            continue;
        }
        if scaled.uses[id.index()] {
            let (s, i) = (ts(id), ti(id));
            match *g.node(id) {
                Node::Call(Func::Exp, a)
                    if power_of_two_times_square(g, a, &|i: Id| constant_flag[i.index()])
                        .is_some() =>
                {
                    let c = lit(
                        power_of_two_times_square(g, a, &|i: Id| constant_flag[i.index()])
                            .unwrap_or(1.0),
                    );
                    stmts.push(quote!(let (#s, #i): (F, F) = #fl::__exp_scaled_sq::<FMA>(x, #c);));
                }
                Node::Call(Func::Erfc, a)
                    if x_times_constant(g, a, &|i: Id| constant_flag[i.index()]).is_some() =>
                {
                    let c = x_times_constant(g, a, &|i: Id| constant_flag[i.index()])
                        .unwrap_or(crate::dd::Dd::from(1.0));
                    let (hi, lo) = (lit(c.hi), lit(c.lo));
                    stmts.push(
                        quote!(let (#s, #i): (F, F) = #fl::__erfc_mul_scaled::<FMA>(x, #hi, #lo);),
                    );
                }
                Node::Call(f, a) if f.has_tiny_tail() => {
                    let k = if f == Func::Sigmoid && scaled.lean[id.index()] {
                        quote!(::act_core::__private::Kernel::SigmoidLean)
                    } else {
                        kernel(f)
                    };
                    let fixed = exp_fix(a, quote!(#s));
                    let a = t(a);
                    stmts.push(quote!(let (#s, #i): (F, F) = #fl::__kernel_scaled::<FMA>(#a, #k);));
                    stmts.push(quote!(let #s: F = #fixed;));
                }
                Node::Call(f, a) => {
                    // Linear at 0: where `a` is scaled it is tiny, and f(a) = a to the last bit.
                    let k = kernel(f);
                    let (a_s, a_i) = (ts(a), ti(a));
                    stmts.push(quote! {
                        let #i: F = #a_i;
                        let #s: F = #fl::select(#a_i == #fl::ONE, #fl::__kernel::<FMA>(#a_s, #k), #a_s);
                    });
                }
                Node::Prod(ref fs) => {
                    let e = node_expr(g, id, params, &t, &|i: Id| constant_flag[i.index()], &|f| {
                        scaled.uses[f.index()].then(|| ts(f))
                    });
                    let inv = fs
                        .iter()
                        .filter(|f| scaled.uses[f.index()])
                        .map(|&f| {
                            let f = ti(f);
                            quote!(#f)
                        })
                        .reduce(|a, b| quote!(#a * #b))
                        .expect("a scaled product has a scaled factor");
                    stmts.push(quote! {
                        let #s: F = #e;
                        let #i: F = #inv;
                    });
                }
                _ => unreachable!("only calls and products are scaled"),
            }
            if scaled.plain[id.index()] {
                stmts.push(quote!(let #name: F = #s * #i;));
            }
            continue;
        }
        let e = if Some(id) == stored {
            quote!(e)
        } else if let Some(affine) = affine_near_root(g, id, &constant_flag, &t) {
            affine
        } else if let (true, true, &Node::Call(f, a)) = (final_root, id == root, g.node(id)) {
            let (k, ta) = (kernel(f), t(a));
            exp_fix(a, quote!(#fl::__kernel_final::<FMA>(#ta, #k)))
        } else if constant_flag[id.index()] {
            constant(eval::eval_all(g, id, 0.0, &[], &[])[id.index()])
        } else {
            node_expr(
                g,
                id,
                params,
                &t,
                &|i: Id| constant_flag[i.index()],
                &|_| None,
            )
        };
        let e = match *g.node(id) {
            Node::Call(Func::Exp, a) if Some(id) != stored && !constant_flag[id.index()] => {
                exp_fix(a, e)
            }
            _ => e,
        };
        stmts.push(quote!(let #name: F = #e;));
        if exact[id.index()] {
            let Node::Sum(ref ts) = *g.node(id) else {
                unreachable!("an exact difference is a sum")
            };
            let (p, q, e) = (t(ts[0]), t(ts[1]), err(id));
            stmts.push(quote!(let #e: F = ::act_core::__private::two_sum_err(#p, #q, #name);));
        }
    }
    let r = t(root);
    quote!(#(#stmts)* #r)
}

/// An affine sum `c·u + k` (constants `c` and `k`, `c` not ±1) evaluated as
/// `c·(u - u0) + r`, with `u0` its root `-k/c` rounded to the type and `r = c·u0 + k` the
/// residual (computed at compile time in double-double, then rounded): near the root
/// `u - u0` is exact (Sterbenz) and the result carries one rounding, where `c·u + k`
/// cancels (Keras's hard sigmoid `0.2 x + 0.5` just above -2.5 was tens of ULP off). The
/// constants are the f64 values of the literals, as everywhere.
fn affine_near_root(
    g: &Graph,
    id: Id,
    constant_flag: &[bool],
    t: &dyn Fn(Id) -> proc_macro2::Ident,
) -> Option<TokenStream> {
    let Node::Sum(ts) = g.node(id) else {
        return None;
    };
    let [a, b] = ts[..] else {
        return None;
    };
    let (term, k) = match (g.as_const(a), g.as_const(b)) {
        (None, Some(k)) => (a, k),
        (Some(k), None) => (b, k),
        _ => return None,
    };
    let Node::Prod(fs) = g.node(term) else {
        return None;
    };
    let [cf, u] = fs[..] else {
        return None;
    };
    let c = g.as_const(cf)?;
    if c.abs() == 1.0 || constant_flag[u.index()] || !c.is_finite() || !k.is_finite() || k == 0.0 {
        return None;
    }
    // The root and residual for each precision: f64, and f32 (which the half types use too).
    let root = |round: &dyn Fn(f64) -> f64| {
        let u0 = round(-k / c);
        let r = crate::dd::Dd::from(c) * crate::dd::Dd::from(u0) + crate::dd::Dd::from(k);
        (u0, round(r.hi + r.lo))
    };
    let (u64_, r64) = root(&|v| v);
    let (u32_, r32) = root(&|v| v as f32 as f64);
    if !(u64_.is_finite() && u32_.is_finite()) {
        return None;
    }
    let fl = quote!(<F as ::act_core::Float>);
    let (u64_, r64, u32_, r32, c) = (lit(u64_), lit(r64), lit(u32_), lit(r32), lit(c));
    let u = t(u);
    Some(quote! {{
        let (u0, r): (F, F) = if #fl::EPSILON.to_f64() == ::core::f64::EPSILON {
            (#fl::from_f64(#u64_), #fl::from_f64(#r64))
        } else {
            (#fl::from_f64(#u32_), #fl::from_f64(#r32))
        };
        #fl::from_f64(#c) * (#u - u0) + r
    }})
}

/// Sums `p + q` of two inputs (`x`, a gated activation's `b`, a reduction's value, or one of
/// them negated: `x - max(x)`) that are the argument of an `exp`: their rounding error is
/// computed (two-sum) and the `exp` corrected by it (`exp(u + err) = exp(u) (1 + err)`), so
/// that softmax's `exp(x - max(x))` is exact in the inputs however far apart they are (the
/// rounded difference alone costs `|x - max(x)| eps / 2` of relative error).
fn exact_differences(
    g: &Graph,
    live: &[Id],
    needed: &[bool],
    constant_flag: &[bool],
    stored: Option<Id>,
) -> Vec<bool> {
    let n = live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![false; n];
    let leaf = |id: Id| match g.node(id) {
        Node::X | Node::B | Node::Red(_) => true,
        Node::Prod(fs) => {
            fs.len() == 2
                && g.as_const(fs[0]) == Some(-1.0)
                && matches!(g.node(fs[1]), Node::X | Node::B | Node::Red(_))
        }
        _ => false,
    };
    for &id in live {
        let Node::Call(Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !needed[id.index()] || constant_flag[id.index()] || Some(id) == stored {
            continue;
        }
        if Some(a) == stored || !needed[a.index()] {
            continue;
        }
        if let Node::Sum(ts) = g.node(a) {
            if ts.len() == 2 && ts.iter().all(|&t| leaf(t) && needed[t.index()]) {
                out[a.index()] = true;
            }
        }
    }
    out
}

/// `x · c` for a constant `c` (a product of constants) that is not exact in `f64`: `c` as a
/// double-double. `erfc` of such an argument is computed with the product's rounding error
/// (`Float::__erfc_mul`): in the tail, `erfc(a)` multiplies the relative error of `a` by
/// about `2 a^2`.
fn x_times_constant(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<crate::dd::Dd> {
    let Node::Prod(fs) = g.node(id) else {
        return None;
    };
    let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
    if consts.is_empty() || rest.len() != 1 || !matches!(g.node(rest[0]), Node::X) {
        return None;
    }
    let c = consts.iter().fold(crate::dd::Dd::from(1.0), |acc, &k| {
        acc * crate::dd::eval(g, k)
    });
    (c.lo != 0.0 && c.lo.is_finite() && c.hi.is_finite()).then_some(c)
}

/// `c · x^2` for a constant power of two `c` (`-x^2 / 2`): `c`. `exp` of it is computed with
/// `x^2` split exactly (`Float::__exp_sq`): the rounding of `x^2` would cost `|c| x^2` ulps.
fn power_of_two_times_square(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<f64> {
    let Node::Prod(fs) = g.node(id) else {
        return None;
    };
    let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
    if consts.is_empty()
        || rest.len() != 1
        || !matches!(g.node(rest[0]), Node::Pow(a, 2) if matches!(g.node(*a), Node::X))
    {
        return None;
    }
    let c = consts.iter().fold(crate::dd::Dd::from(1.0), |acc, &k| {
        acc * crate::dd::eval(g, k)
    });
    let power_of_two =
        c.hi != 0.0 && c.hi.is_finite() && c.hi.abs().to_bits() & ((1u64 << 52) - 1) == 0;
    (c.lo == 0.0 && power_of_two).then_some(c.hi)
}

/// The `act_core::__private::Kernel` that computes `f`.
fn kernel(f: Func) -> TokenStream {
    let v = format_ident!("{}", f.kernel());
    quote!(::act_core::__private::Kernel::#v)
}

/// Pairs `(sigmoid(u), sigmoid'(u))` of one argument that [`body_with`] computes together
/// (`Float::__sigmoid_pair`: one division in the FMA builds), as in swish' = `sigmoid(x) +
/// x sigmoid'(x)`. The sigmoid must be a plain value (not scaled, not the final root).
#[allow(clippy::too_many_arguments)]
fn sigmoid_pairs(
    g: &Graph,
    root: Id,
    live: &[Id],
    needed: &[bool],
    constant_flag: &[bool],
    stored: Option<Id>,
    scaled: &Scaled,
    final_root: bool,
) -> Vec<(Id, Id)> {
    let active = |id: Id| needed[id.index()] && !constant_flag[id.index()] && Some(id) != stored;
    let mut pairs = Vec::new();
    for &s in live {
        if !active(s) || scaled.uses[s.index()] || (final_root && s == root) {
            continue;
        }
        let Node::Call(Func::Sigmoid, a) = *g.node(s) else {
            continue;
        };
        let prime = live.iter().copied().find(|&p| {
            active(p) && matches!(*g.node(p), Node::Call(Func::SigmoidPrime, b) if b == a)
        });
        if let Some(p) = prime {
            pairs.push((s, p));
        }
    }
    pairs
}

/// Which nodes [`body_with`] computes scaled, and which of those also need their plain value.
struct Scaled {
    /// Computed as a pair `(c·value, 1/c)`.
    uses: Vec<bool>,
    /// Also needed unscaled (by the root or by a consumer that does not take the pair).
    plain: Vec<bool>,
    /// A source whose only consumer is the root, a product of it and one other non-constant
    /// factor (`x * sigmoid(x)`): its error reaches the result unamplified, so a cheaper,
    /// slightly less accurate kernel serves (products inside sums may cancel, and there every
    /// factor's error is magnified).
    lean: Vec<bool>,
}

/// Scaled evaluation of products with a tiny factor.
///
/// A tiny source (`sigmoid(u)`, `exp(u)`, ...) can be subnormal where a product it enters is
/// not: `x * sigmoid(x)` at `x = -713` is 7e-308, normal, but `sigmoid(-713)` has only a few
/// significant bits left, and the product inherits their error (over 100 ulp). A scaled
/// source returns `c·value` with `c` a power of two chosen in the tail, every factor is
/// multiplied in, and `1/c` is applied once at the end, so the product rounds as if computed
/// exactly. Scaling passes through functions linear at 0 (`tanh(softplus(x))`) and into
/// products; a source no product consumes is left plain.
fn scaled_nodes(
    g: &Graph,
    root: Id,
    live: &[Id],
    needed: &[bool],
    constant_flag: &[bool],
    stored: Option<Id>,
) -> Scaled {
    let n = root.index() + 1;
    let active = |id: Id| needed[id.index()] && !constant_flag[id.index()] && Some(id) != stored;
    // Bottom-up: what could carry a scale.
    let mut cand = vec![false; n];
    for &id in live {
        if !active(id) {
            continue;
        }
        cand[id.index()] = match *g.node(id) {
            Node::Call(f, _) if f.has_tiny_tail() => true,
            Node::Call(f, a) if f.is_linear_at_zero() => cand[a.index()],
            Node::Prod(ref fs) => fs.iter().any(|f| cand[f.index()]),
            _ => false,
        };
    }
    // Top-down: a product uses the scale; a source or a linear-at-0 call only if a consumer
    // that uses it takes the pair.
    let mut uses = vec![false; n];
    for &id in live.iter().rev() {
        if !cand[id.index()] {
            continue;
        }
        if matches!(g.node(id), Node::Prod(_)) {
            uses[id.index()] = true;
        }
        if uses[id.index()] {
            for c in g.children(g.node(id)) {
                if cand[c.index()] {
                    uses[c.index()] = true;
                }
            }
        }
    }
    // A scaled node's plain value is needed by the root and by consumers that do not use
    // scales (sums, denominators via powers, calls that are not linear at 0, ...).
    let mut plain = vec![false; n];
    plain[root.index()] = true;
    for &id in live {
        if !active(id) {
            continue;
        }
        let takes_pairs = uses[id.index()];
        for c in g.children(g.node(id)) {
            if !(takes_pairs && uses[c.index()]) {
                plain[c.index()] = true;
            }
        }
    }
    let mut consumers = vec![0usize; n];
    for &id in live {
        if active(id) {
            for c in g.children(g.node(id)) {
                consumers[c.index()] += 1;
            }
        }
    }
    let mut lean = vec![false; n];
    if let Node::Prod(fs) = g.node(root)
        && uses[root.index()]
        && fs.iter().filter(|f| !constant_flag[f.index()]).count() <= 2
    {
        for &f in fs {
            lean[f.index()] = uses[f.index()] && consumers[f.index()] == 1 && f != root;
        }
    }
    Scaled { uses, plain, lean }
}

/// The expression computing node `id` from its children's bindings `t(child)`; a product
/// factor `f` with `scaled(f)` given is read from that binding instead.
fn node_expr(
    g: &Graph,
    id: Id,
    params: &[String],
    t: &dyn Fn(Id) -> proc_macro2::Ident,
    is_const: &dyn Fn(Id) -> bool,
    scaled: &dyn Fn(Id) -> Option<proc_macro2::Ident>,
) -> TokenStream {
    let fl = quote!(<F as ::act_core::Float>);
    match g.node(id) {
        Node::Const(b) => constant(f64::from_bits(*b)),
        Node::Named(Named::Pi) => constant(core::f64::consts::PI),
        Node::Named(Named::E) => constant(core::f64::consts::E),
        Node::X => quote!(x),
        Node::B => quote!(b),
        Node::Param(i) => {
            let p = format_ident!("{}", params[*i as usize]);
            quote!(#fl::from_f64(self.#p))
        }
        Node::Red(j) => {
            let j = *j as usize;
            quote!(r[#j])
        }
        Node::Sum(ts) => {
            let ts = ts.iter().map(|&i| t(i));
            quote!(#(#ts)+*)
        }
        Node::Prod(fs) => {
            let mut constants = Vec::new();
            let mut num = Vec::new();
            let mut den = Vec::new();
            for &f in fs {
                if is_const(f) {
                    constants.push(f);
                    continue;
                }
                match *g.node(f) {
                    Node::Pow(a, k) if k < 0 => {
                        let a = t(a);
                        den.push(if k == -1 {
                            quote!(#a)
                        } else {
                            quote!(#fl::powi(#a, #k.wrapping_neg()))
                        });
                    }
                    _ => {
                        let f = scaled(f).unwrap_or_else(|| t(f));
                        num.push(quote!(#f));
                    }
                }
            }
            // The constant factors as one double-double. An exact one leads the product
            // (`0.5 * x * erfc(..)`: left to right, so `x * erfc(..)` cannot overflow first); an
            // inexact one such as 1/sqrt(2) is applied to the first factor as `a * hi + a * lo`,
            // one rounding instead of two.
            let c = constants.iter().fold(crate::dd::Dd::from(1.0), |acc, &k| {
                acc * crate::dd::eval(g, k)
            });
            let (hi, lo) = (lit(c.hi), lit(c.lo));
            let mut factors = num.into_iter();
            let mut acc = match (constants.is_empty(), factors.next()) {
                (true, Some(first)) => first,
                (true, None) => quote!(#fl::ONE),
                (false, first) if c.lo == 0.0 || !c.lo.is_finite() => match first {
                    Some(f) => quote!(#fl::from_f64(#hi) * #f),
                    None => quote!(#fl::from_f64(#hi)),
                },
                (false, first) => {
                    let first = first.unwrap_or(quote!(#fl::ONE));
                    quote!(::act_core::__private::mul_split(#first, #hi, #lo))
                }
            };
            for f in factors {
                acc = quote!(#acc * #f);
            }
            match den.into_iter().reduce(|a, b| quote!(#a * #b)) {
                None => acc,
                Some(d) => quote!(#acc / (#d)),
            }
        }
        Node::Pow(a, k) => {
            let a = t(*a);
            if *k < 0 {
                let m = -*k;
                quote!(#fl::ONE / #fl::powi(#a, #m))
            } else {
                quote!(#fl::powi(#a, #k))
            }
        }
        Node::PowF(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::powf(#a, #b))
        }
        Node::Call(f, a) => {
            // Arguments whose rounding the tail amplifies, computed compensated.
            match (
                *f,
                x_times_constant(g, *a, is_const),
                power_of_two_times_square(g, *a, is_const),
            ) {
                (Func::Erfc, Some(c), _) => {
                    let (hi, lo) = (lit(c.hi), lit(c.lo));
                    return quote!(#fl::__erfc_mul::<FMA>(x, #hi, #lo));
                }
                (Func::Exp, _, Some(c)) => {
                    let c = lit(c);
                    return quote!(#fl::__exp_sq::<FMA>(x, #c));
                }
                _ => {}
            }
            let k = kernel(*f);
            let a = t(*a);
            quote!(#fl::__kernel::<FMA>(#a, #k))
        }
        Node::Max(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::max(#a, #b))
        }
        Node::Min(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::min(#a, #b))
        }
        Node::Select(c, a, b, th, el) => {
            let (a, b, th, el) = (t(*a), t(*b), t(*th), t(*el));
            let op: TokenStream = c.symbol().parse().expect("comparison operator");
            quote!(#fl::select(#a #op #b, #th, #el))
        }
    }
}

/// A slice method in three builds (AVX-512, AVX2 + FMA, baseline) with a run-time choice
/// among them. The body is repeated in each `#[target_feature]` function (rather than called)
/// so that the closures it defines inherit the features and the math inlines into them.
fn dispatched(
    name: &str,
    params: TokenStream,
    args: TokenStream,
    body: TokenStream,
) -> TokenStream {
    dispatched_with(name, params, args, body, quote!())
}

/// [`dispatched`] with `prelude` run first in the public method, before the choice of build
/// (where it may hand the call to another method).
fn dispatched_with(
    name: &str,
    params: TokenStream,
    args: TokenStream,
    body: TokenStream,
    prelude: TokenStream,
) -> TokenStream {
    let plain = format_ident!("{}", name);
    let avx2 = format_ident!("{}_avx2", name);
    let avx512 = format_ident!("{}_avx512", name);
    // `FMA` selects the kernels' fused variants: in the builds with the `fma` feature, and in
    // the portable one where the target always has it (aarch64) or was compiled with it.
    quote! {
        #[doc(hidden)]
        #[inline]
        pub fn #plain<F: ::act_core::Float>(&self, #params) {
            // f16 and bf16 (act-core's `half` feature) run the f32 code and round once.
            if <F as ::act_core::Float>::__COMPUTED_IN_F32 {
                return ::act_core::__via_f32!(self.#plain(#params));
            }
            #prelude
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            match ::act_core::dispatch::active() {
                // SAFETY: `active()` only reports a level the CPU supports.
                ::act_core::dispatch::Isa::Avx512 => return unsafe { self.#avx512(#args) },
                ::act_core::dispatch::Isa::Avx2 => return unsafe { self.#avx2(#args) },
                ::act_core::dispatch::Isa::Portable => {}
            }
            const FMA: bool = cfg!(any(target_arch = "aarch64", target_feature = "fma"));
            #body
        }

        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        #[doc(hidden)]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn #avx2<F: ::act_core::Float>(&self, #params) {
            const FMA: bool = true;
            #body
        }

        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        #[doc(hidden)]
        #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
        unsafe fn #avx512<F: ::act_core::Float>(&self, #params) {
            const FMA: bool = true;
            #body
        }
    }
}

/// A hidden method computing `root` for one element.
fn method(m: &Model, name: &proc_macro2::Ident, root: Id) -> TokenStream {
    // An elementwise activation's value and derivative are final results; a vector
    // activation's pieces are combined further.
    let b = body_with(&m.graph, root, &m.param_names, None, !m.decl.vector);
    let k = m.graph.reductions().len();
    let red_arg = if m.decl.vector {
        quote!(, r: [F; #k])
    } else {
        quote!()
    };
    // NaN in gives NaN out: by the formula itself where every step propagates NaN, else by
    // an explicit select (two instructions per vector saved where it is not needed).
    let out = if propagates_nan(&m.graph, root) {
        quote!(y)
    } else {
        quote!(<F as ::act_core::Float>::select(
            <F as ::act_core::Float>::is_nan(x),
            x,
            y
        ))
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F #red_arg) -> F {
            let y: F = { #b };
            #out
        }
    }
}

/// Whether `root` is NaN whenever `x` is, by the operations alone: arithmetic, integer powers
/// other than 0, every act-core kernel, and act's `max`/`min` propagate NaN; a constant, a
/// parameter, a reduction and `powf` (`pow(1, NaN) = 1`) do not. A branch `if a CMP b { t }
/// else { e }` does where `a` or `b` does and `e` does: every comparison is false for NaN,
/// so NaN takes the `else` side (`if x > 0 { 1 } else { alpha exp(x) }`).
fn propagates_nan(g: &Graph, root: Id) -> bool {
    let live = g.reachable(&[root]);
    let mut nan = vec![false; root.index() + 1];
    for &id in &live {
        nan[id.index()] = match *g.node(id) {
            Node::X | Node::B => true,
            Node::Const(_) | Node::Named(_) | Node::Param(_) | Node::Red(_) => false,
            Node::Sum(ref ts) | Node::Prod(ref ts) => ts.iter().any(|t| nan[t.index()]),
            Node::Pow(a, k) => k != 0 && nan[a.index()],
            Node::PowF(..) => false,
            Node::Select(_, a, b, _, e) => (nan[a.index()] || nan[b.index()]) && nan[e.index()],
            Node::Call(_, a) => nan[a.index()],
            Node::Max(a, b) | Node::Min(a, b) => nan[a.index()] || nan[b.index()],
        };
    }
    nan[root.index()]
}

/// A hidden method computing `root` for one element from `x`, the value `e` of the node
/// `stored` (see [`body_with`]; `e` is unused without one) and the reductions; with `wrap`,
/// NaN in gives NaN out.
fn method_stored(
    m: &Model,
    name: &proc_macro2::Ident,
    root: Id,
    stored: Option<Id>,
    wrap: bool,
) -> TokenStream {
    let b = body_with(&m.graph, root, &m.param_names, stored, false);
    let k = m.graph.reductions().len();
    let out = if wrap {
        quote!(<F as ::act_core::Float>::select(
            <F as ::act_core::Float>::is_nan(x),
            x,
            y
        ))
    } else {
        quote!(y)
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F, e: F, r: [F; #k]) -> F {
            let y: F = { #b };
            #out
        }
    }
}

/// The struct's fields (one public `f64` per parameter, documented with its default, or `;`
/// for a unit struct) and the expression building it with the defaults.
pub(super) fn struct_parts(
    name: &proc_macro2::Ident,
    pnames: &[proc_macro2::Ident],
    defaults: &[f64],
) -> (TokenStream, TokenStream) {
    if pnames.is_empty() {
        return (quote!(;), quote!(#name));
    }
    let docs = pnames.iter().zip(defaults).map(|(p, d)| {
        format!(
            "The `{p}` parameter (default {}).",
            crate::print::number(*d)
        )
    });
    let values: Vec<TokenStream> = defaults.iter().map(|&d| lit(d)).collect();
    (
        quote!({ #( #[doc = #docs] pub #pnames: f64, )* }),
        quote!(#name { #(#pnames: #values),* }),
    )
}

/// Expands a model into the struct and its trait implementations.
pub fn expand(m: &Model) -> TokenStream {
    let decl = &m.decl;
    let name = &decl.name;
    let attrs = &decl.attrs;
    let vis = &decl.vis;
    let pnames: Vec<proc_macro2::Ident> = decl.params.iter().map(|p| p.name.clone()).collect();
    let (fields, default_ctor) = struct_parts(name, &pnames, &m.defaults);
    let summary = gated::doc_summary(attrs);
    let is_vector = decl.vector;

    let common = metadata::activation_items(m);
    let constructors = metadata::constructors(m);
    let switch = metadata::switch_method(m);

    let dyn_table = if is_vector {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            self.__act_jacobian_diagonal(x, derivative);
        }
    } else {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            ::act_core::Elementwise::derivative_slice(self, x, derivative);
        }
    };

    let specific = if is_vector {
        vector::expand(m)
    } else {
        elementwise::expand(m)
    };
    let param_gradients = if is_vector {
        quote!()
    } else {
        params::expand(m)
    };
    let from_output = from_output::expand(m);

    quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, PartialEq)]
        #vis struct #name #fields

        impl ::core::default::Default for #name {
            fn default() -> Self {
                #default_ctor
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #constructors
            #switch
        }

        #specific
        #param_gradients
        #from_output

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::DynActivation for #name {
            fn name(&self) -> &'static str { <Self as ::act_core::Activation>::NAME }
            fn summary(&self) -> &'static str { #summary }
            fn formula(&self) -> &'static str { <Self as ::act_core::Activation>::FORMULA }
            fn derivative_formula(&self) -> &'static str { <Self as ::act_core::Activation>::DERIVATIVE }
            fn param_info(&self) -> &'static [::act_core::ParamInfo] { <Self as ::act_core::Activation>::PARAMS }
            fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> { ::act_core::Activation::params(self) }
            fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Activation::set_param(self, name, value)
            }
            fn set_params(&mut self, values: &[(&str, f64)]) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Activation::set_params(self, values)
            }
            fn conditions(&self) -> &'static [&'static str] { <Self as ::act_core::Activation>::CONDITIONS }
            fn range(&self) -> ::act_core::Range { ::act_core::Activation::range(self) }
            fn properties(&self) -> ::act_core::Properties { ::act_core::Activation::properties(self) }
            fn is_vector(&self) -> bool { #is_vector }
            fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
                #dyn_table
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Activation for #name {
            #common
            #[inline]
            fn forward_slice<F: ::act_core::Float>(&self, x: &[F], y: &mut [F]) {
                self.__act_forward_slice(x, y)
            }
            #[inline]
            fn backward_slice<F: ::act_core::Float>(&self, x: &[F], grad_y: &[F], grad_x: &mut [F]) {
                self.__act_backward_slice(x, grad_y, grad_x)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Cmp, Func};

    #[test]
    fn nan_propagation_is_decided_by_the_operations() {
        let mut g = Graph::new();
        let x = g.x();
        let zero = g.num(0.0);
        let one = g.num(1.0);
        let alpha = g.param(0);
        let ex = g.call(Func::Exp, x);
        let tail = g.mul(alpha, ex);
        // ELU': NaN fails `x > 0` and takes the `else` side, which propagates.
        let elu_d = g.select(Cmp::Gt, x, zero, one, tail);
        assert!(propagates_nan(&g, elu_d));
        // ReLU': both sides constant.
        let relu_d = g.select(Cmp::Gt, x, zero, one, zero);
        assert!(!propagates_nan(&g, relu_d));
        // The `then` side alone does not help: NaN never takes it.
        let flipped = g.select(Cmp::Gt, x, zero, tail, one);
        assert!(!propagates_nan(&g, flipped));
        // A comparison of constants and parameters decides nothing about x.
        let by_param = g.select(Cmp::Gt, alpha, zero, one, tail);
        assert!(!propagates_nan(&g, by_param));
        let by_exp = g.select(Cmp::Lt, ex, one, tail, x);
        assert!(propagates_nan(&g, by_exp));
        let pw = g.powf(x, alpha);
        assert!(!propagates_nan(&g, pw));
        assert!(!propagates_nan(&g, alpha));
        assert!(propagates_nan(&g, tail));
    }
}
