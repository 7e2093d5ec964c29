//! What a vector activation's slice methods compute, decided before any code is written: the
//! reductions and their passes, which positions of a max or min the VJP needs, and which
//! reduction body a pass stores for the next one (and with which `exp`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::codegen::names;
use crate::graph::{Func, Id, Node, Reduce};
use crate::model::Model;

/// One reduction `r_j = reduce_i body_j(x_i)`.
pub(super) struct Reduction {
    /// Sum, mean, max or min.
    pub kind: Reduce,
    /// The reduced expression.
    pub body: Id,
    /// The pass that computes it (1 = first).
    pub level: usize,
    /// The earlier reductions `k` its body reads (`∂body_j/∂r_k` is not 0).
    pub reads: Vec<usize>,
    /// A max or min whose position the VJP reads something at.
    pub needs_arg: bool,
}

impl Reduction {
    /// A sum or a mean (fused into one pass with the others of its level).
    pub fn is_sum(&self) -> bool {
        matches!(self.kind, Reduce::Sum | Reduce::Mean)
    }

    /// `/ n` for a mean.
    pub fn scale(&self) -> TokenStream {
        if self.kind == Reduce::Mean {
            quote!(/ n)
        } else {
            quote!()
        }
    }
}

/// The longest rows with a build of their own ([`Lanes::Exact`]): `act_core::__private` has
/// the modules `rows1` to `rows8`.
pub(in crate::codegen) const EXACT_UP_TO: usize = 8;

/// Which lane helpers a build of a slice method calls (see `act_core::__private::short`):
/// the same results, set up for the input's length.
#[derive(Clone, Copy)]
pub(in crate::codegen) enum Lanes {
    /// Any length: 256 lanes.
    Long,
    /// At most `medium::LEN` elements: 64 lanes in registers, rows as windows.
    Medium,
    /// At most `short::LEN` elements: 16 lanes in registers, rows as windows.
    Short,
    /// Rows of exactly `n` elements, 1 to [`EXACT_UP_TO`], the batched methods only (a lone
    /// slice that short takes the short build, with the same bits): `n` lanes, in the module
    /// `act_core::__private::rows{n}` (`rows1::LEN` is 1).
    Exact(usize),
    /// Rows of `across::FROM` to `across::LEN` elements of a member of the softmax family,
    /// `forward_rows` only (the backward methods keep the short and medium builds): blocks of
    /// `across::ROWS` rows side by side (one row a lane), the reductions of the block as
    /// `[[F; ROWS]; k]`, each row's given to the per-element closures as `r: [F; k]` (`k`, the
    /// number of reductions, is the variant's). Same bits as the short and medium builds.
    Across(usize),
}

impl Lanes {
    /// The module holding the helpers.
    pub(in crate::codegen) fn path(self) -> TokenStream {
        match self {
            Lanes::Long => quote!(::act_core::__private),
            Lanes::Medium => quote!(::act_core::__private::medium),
            Lanes::Short => quote!(::act_core::__private::short),
            Lanes::Exact(n) => {
                let m = quote::format_ident!("rows{}", n);
                quote!(::act_core::__private::#m)
            }
            Lanes::Across(_) => quote!(::act_core::__private::across),
        }
    }

    /// The reductions' array: `[F; k]`, or one lane per row of the block for [`Lanes::Across`].
    pub(in crate::codegen) fn reductions(self, k: usize) -> TokenStream {
        let zero = quote!(<F as ::act_core::Float>::ZERO);
        match self {
            Lanes::Across(_) => quote!([[#zero; ::act_core::__private::across::ROWS]; #k]),
            _ => quote!([#zero; #k]),
        }
    }

    /// The type of `m` sums: `[F; m]`, or one lane per row of the block for [`Lanes::Across`].
    pub(in crate::codegen) fn sums_type(self, m: usize) -> TokenStream {
        match self {
            Lanes::Across(_) => quote!([[F; ::act_core::__private::across::ROWS]; #m]),
            _ => quote!([F; #m]),
        }
    }

    /// The argument a helper of [`Lanes::Across`] takes before its closure (the block's
    /// reductions, `&r,`); nothing for the others.
    pub(in crate::codegen) fn r_arg(self) -> TokenStream {
        match self {
            Lanes::Across(_) => quote!(&r,),
            _ => quote!(),
        }
    }

    /// The closure parameter after the element(s) for [`Lanes::Across`] (the row's reductions,
    /// `, r: [F; k]`, shadowing the block's); nothing for the others.
    pub(in crate::codegen) fn r_param(self) -> TokenStream {
        match self {
            Lanes::Across(k) => quote!(, r: [F; #k]),
            _ => quote!(),
        }
    }

    /// Whether the build takes rows as windows (`short::Row`, `medium::Row`, `rows1::Row`, ...).
    pub(in crate::codegen) fn windowed(self) -> bool {
        matches!(
            self,
            Lanes::Short | Lanes::Medium | Lanes::Exact(_) | Lanes::Across(_)
        )
    }

    /// The output buffer `name` as a helper takes it.
    pub(in crate::codegen) fn out_arg(self, name: &str) -> TokenStream {
        let n = quote::format_ident!("{}", name);
        match self {
            Lanes::Short | Lanes::Medium | Lanes::Exact(_) | Lanes::Across(_) => quote!(&mut #n),
            _ => quote!(#n),
        }
    }

    /// The output buffer `name` read back as an input of a helper.
    pub(in crate::codegen) fn reread(self, name: &str) -> TokenStream {
        let n = quote::format_ident!("{}", name);
        match self {
            Lanes::Short | Lanes::Medium | Lanes::Exact(_) | Lanes::Across(_) => quote!(&#n),
            _ => quote!(&#n[..]),
        }
    }

    /// The closure parameters of the rows loop's row, for `inputs` and `output`.
    pub(in crate::codegen) fn row_params(self, inputs: &[&str], output: &str) -> TokenStream {
        let out = quote::format_ident!("{}", output);
        let ins: Vec<_> = inputs
            .iter()
            .map(|n| quote::format_ident!("{}", n))
            .collect();
        match self {
            Lanes::Short | Lanes::Medium | Lanes::Exact(_) | Lanes::Across(_) => {
                let short = self.path();
                quote!(#(#ins: #short::Row<'_, F>,)* mut #out: #short::RowMut<'_, F>)
            }
            _ => quote!(#(#ins: &[F],)* #out: &mut [F]),
        }
    }

    /// The short and medium builds' output pass, `out[i] = f(i, x[i], g[i], out[i])` over the
    /// row in whole vectors (`f` the body of a closure over `i`, `xi`, `gi` and `oi`;
    /// `g` may be `x` again where there is no second input; for [`Lanes::Across`] also over
    /// `r`, the row's reductions, and `b`, the row in the block); `None` for the other
    /// builds, whose plain loops stay as they are.
    pub(in crate::codegen) fn short_output_pass(
        self,
        [x, g, out]: [&str; 3],
        f: TokenStream,
    ) -> Option<TokenStream> {
        if !self.windowed() {
            return None;
        }
        let (xn, gn, on) = (
            quote::format_ident!("{}", x),
            quote::format_ident!("{}", g),
            quote::format_ident!("{}", out),
        );
        let short = self.path();
        if let Lanes::Across(k) = self {
            return Some(quote! {
                #short::map_out(#xn, #gn, &mut #on, &r, #[inline(always)] |i: usize, xi: F, gi: F, oi: F, r: [F; #k], b: usize| -> F { #f });
            });
        }
        Some(quote! {
            #short::map_out(#xn, #gn, &mut #on, #[inline(always)] |i: usize, xi: F, gi: F, oi: F| -> F { #f });
        })
    }
}

/// The reduction body a pass stores in an output buffer, for the per-element code after it to
/// read instead of recomputing (softmax's `e = exp(x - max(x))`).
#[derive(Clone)]
pub(super) struct Store {
    /// The reduction.
    pub j: usize,
    /// The method computing the body to store.
    pub method: Ident,
}

/// The forward store's body `exp(u)`, `u = p - max(p)`, computed with the flushing `exp`.
#[derive(Clone, Copy)]
pub(super) struct Flushing {
    /// The argument `u`.
    pub u: Id,
    /// The reduction `max(p)`: its pass also finds `min(p)` in the long build, and rows whose
    /// spread `min - max` keeps every `e^u` normal take the `exp` without the gradual
    /// underflow's work (`FloatKernels::__exp_nonpositive_normal`).
    pub max: usize,
}

/// The plan of a vector activation's slice methods.
pub(super) struct Plan<'m> {
    pub m: &'m Model,
    pub reductions: Vec<Reduction>,
    /// The number of passes before the output pass.
    pub max_level: usize,
    /// The forward pass's stored body.
    pub forward_store: Option<Store>,
    /// The backward pass's stored body.
    pub backward_store: Option<Store>,
    /// A forward store whose body is `exp(u)` computed with the flushing `exp`.
    pub flushing: Option<Flushing>,
    /// The forward pass's row check (long build): see [`NormalRows`].
    pub normal_rows: Option<NormalRows>,
    /// The member of the softmax family the formula is, if any: its backward pass is the
    /// closed form (`short::softmax_family_backward` and the long build's
    /// `softmax_family_backward`).
    pub family: Option<super::closed::Family>,
}

/// The forward pass of the long build finds `min(p)` with `max(p)` (reduction `max`), and
/// rows whose spread `min - max` keeps every `e^(p - max(p))` normal take the `exp` without
/// the gradual underflow's work (`FloatKernels::__exp_nonpositive_normal`, the same bits
/// there): in the flushing store ([`Flushing`]) and in the sums `bodies`, every `exp` of which
/// is of `p - max(p)` (log-softmax's).
#[derive(Clone)]
pub(super) struct NormalRows {
    pub max: usize,
    pub bodies: Vec<usize>,
}

impl<'m> Plan<'m> {
    pub fn new(m: &'m Model) -> Plan<'m> {
        let g = &m.graph;
        let reductions: Vec<Reduction> = g
            .reductions()
            .iter()
            .zip(&m.reductions)
            .map(|(&(kind, body), rm)| Reduction {
                kind,
                body,
                level: rm.level,
                reads: rm.body_dr.iter().map(|&(k, _)| k as usize).collect(),
                // A max/min needs its position only where the VJP reads something at it.
                needs_arg: matches!(kind, Reduce::Max | Reduce::Min)
                    && (g.as_const(rm.body_dx) != Some(0.0) || !rm.body_dr.is_empty()),
            })
            .collect();
        let max_level = reductions.iter().map(|r| r.level).max().unwrap_or(0);
        let forward_j = stored_body(m, &reductions, max_level, &[m.f]);
        let mut backward_roots = vec![m.df];
        for (r, rm) in reductions.iter().zip(&m.reductions) {
            backward_roots.push(rm.output_partial);
            if r.is_sum() {
                backward_roots.push(rm.body_dx);
            }
        }
        let backward_j = stored_body(m, &reductions, max_level, &backward_roots);
        // The forward pass's store uses the flushing exp where that is safe (softmax);
        // otherwise both use the plain body.
        let flushing = forward_j.and_then(|j| flushable_exp(m, j));
        let forward_store = forward_j.map(|j| Store {
            j,
            method: if flushing.is_some() {
                names::body_raw_forward(j)
            } else {
                names::body_raw(j)
            },
        });
        let backward_store = backward_j.map(|j| Store {
            j,
            method: names::body_raw(j),
        });
        let normal_rows = normal_rows(m, &reductions, flushing);
        Plan {
            m,
            reductions,
            max_level,
            forward_store,
            backward_store,
            flushing,
            normal_rows,
            family: super::closed::family(m),
        }
    }

    /// The number of reductions.
    pub fn k(&self) -> usize {
        self.reductions.len()
    }

    /// The reductions whose plain stored body (`names::body_raw`) is a method: the backward
    /// store's, and the forward store's where it does not flush.
    pub fn plain_raw(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.backward_store.iter().map(|s| s.j).collect();
        if let Some(s) = &self.forward_store
            && self.flushing.is_none()
        {
            out.push(s.j);
        }
        out.dedup();
        out
    }
}

/// The body of a last-level sum or mean that the per-element code after the reductions also
/// needs (reachable from `roots`): its pass stores it in the output buffer and the next pass
/// reads it instead of recomputing it. The graph is hash-consed, so the same expression is the
/// same node, and the stored bits are the ones the later code would compute: one
/// straight-line evaluation of the same node.
fn stored_body(
    m: &Model,
    reductions: &[Reduction],
    max_level: usize,
    roots: &[Id],
) -> Option<usize> {
    let g = &m.graph;
    let used = g.reachable(roots);
    reductions.iter().position(|r| {
        r.is_sum()
            && r.level == max_level
            && *g.node(r.body) != Node::X
            && g.depends_on_x(r.body)
            && used.contains(&r.body)
    })
}

/// The argument `u` of the body of sum `j` where the forward pass may compute that body with the
/// `exp` that flushes below the normal range (`FloatKernels::__exp_nonpositive_final`): softmax.
/// Safe when the body is `exp(u)` with `u = p - max(p)` (`p` is `x`, or `-x` for softmin), so that
/// `u <= 0` and the maximum's term is `exp(0) = 1`, making the sum at least 1; and the forward
/// value is the body times constants of magnitude at most 1 and negative powers of this sum. A body
/// below the normal range then changes the sum by less than its rounding (short of 2^100 elements),
/// and the values it reaches are smaller than it, so below the normal range too, where they may
/// flush. The backward pass keeps the gradual `exp`: there the body meets the incoming gradient,
/// which may be large.
fn flushable_exp(m: &Model, j: usize) -> Option<Flushing> {
    let g = &m.graph;
    let reds = g.reductions();
    let (kind, body) = reds[j];
    let Node::Call(Func::Exp, u) = *g.node(body) else {
        return None;
    };
    let max = minus_max(m, u)?;
    let bounded = |id: Id| {
        g.as_const(id).is_some_and(|c| c.abs() <= 1.0)
            || matches!(*g.node(id), Node::Pow(r, p) if p < 0 && *g.node(r) == Node::Red(j as u32))
    };
    let f_ok = m.f == body
        || matches!(g.node(m.f), Node::Prod(fs)
            if fs.contains(&body) && fs.iter().all(|&f| f == body || bounded(f)));
    (kind == Reduce::Sum && f_ok).then_some(Flushing { u, max })
}

/// The max reduction `j` where `u` is `p - max_j(p)` (`p + (-1) max(p)` in the graph, which is
/// hash-consed: the same expression is the same node): `x - max(x)`, softmin's
/// `-x - max(-x)`.
fn minus_max(m: &Model, u: Id) -> Option<usize> {
    let g = &m.graph;
    let reds = g.reductions();
    let Node::Sum(terms) = g.node(u) else {
        return None;
    };
    let minus_max_of = |id: Id, p: Id| match g.node(id) {
        Node::Prod(fs) if fs.len() == 2 && g.as_const(fs[0]) == Some(-1.0) => {
            match *g.node(fs[1]) {
                Node::Red(i) if reds[i as usize].0 == Reduce::Max && reds[i as usize].1 == p => {
                    Some(i as usize)
                }
                _ => None,
            }
        }
        _ => None,
    };
    match terms[..] {
        [a, b] => minus_max_of(b, a).or_else(|| minus_max_of(a, b)),
        _ => None,
    }
}

/// The forward pass's row check: the flushing store's max, or else one max such that every
/// `exp` in some sums is of `p - max(p)`, with those sums (see [`NormalRows`]).
fn normal_rows(
    m: &Model,
    reductions: &[Reduction],
    flushing: Option<Flushing>,
) -> Option<NormalRows> {
    if let Some(f) = flushing {
        return Some(NormalRows {
            max: f.max,
            bodies: vec![],
        });
    }
    let g = &m.graph;
    // For each sum: the one max all its `exp` arguments subtract, if any `exp` and one max.
    let max_of_body = |body: Id| -> Option<usize> {
        let mut max = None;
        for id in g.reachable(&[body]) {
            if let Node::Call(Func::Exp, u) = *g.node(id) {
                let j = minus_max(m, u)?;
                if max.is_some_and(|k| k != j) {
                    return None;
                }
                max = Some(j);
            }
        }
        max
    };
    let found: Vec<(usize, usize)> = reductions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_sum())
        .filter_map(|(j, r)| Some((j, max_of_body(r.body)?)))
        .collect();
    let &(_, max) = found.first()?;
    let bodies = found
        .iter()
        .filter(|&&(_, k)| k == max)
        .map(|&(j, _)| j)
        .collect();
    Some(NormalRows { max, bodies })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    fn uses_flushing_exp(decl: &str) -> bool {
        let tokens = proc_macro2::TokenStream::from_str(decl).expect("tokens");
        let code = crate::expand_activation(tokens).to_string();
        assert!(!code.contains("compile_error"), "{decl}: {code}");
        code.contains("__exp_nonpositive_final")
    }

    #[test]
    fn only_softmax_like_forms_flush_their_exp() {
        let softmax = "pub vector struct S; f(x) = { let e = exp(x - max(x)); e / sum(e) };";
        assert!(uses_flushing_exp(softmax));
        // Written out twice: the same node after hash-consing.
        assert!(uses_flushing_exp(
            "pub vector struct S; f(x) = exp(x - max(x)) / sum(exp(x - max(x)));"
        ));
        assert!(uses_flushing_exp(
            "pub vector struct S; f(x) = { let e = exp(x - max(x)); 0.5 * e / sum(e) };"
        ));
        // Softmin: `exp(-x - max(-x))`.
        assert!(uses_flushing_exp(
            "pub vector struct S; f(x) = exp(-x) / sum(exp(-x));"
        ));
        // A temperature: the engine shifts by the maximum of the scaled argument `p`, so
        // `u = p - max(p) <= 0` whatever the sign of `t`.
        assert!(uses_flushing_exp(
            "pub vector struct S(t = 1.0); f(x) = { let e = exp((x - max(x)) / t); e / sum(e) };"
        ));
        // A factor above 1 could lift a flushed value into the normal range.
        assert!(!uses_flushing_exp(
            "pub vector struct S; f(x) = { let e = exp(x - max(x)); 2 * e / sum(e) };"
        ));
        // The textbook form is shifted by the engine (shift invariance), so it flushes too.
        assert!(uses_flushing_exp(
            "pub vector struct S; f(x) = { let e = exp(x); e / sum(e) };"
        ));
        // Without a shift by the maximum, `exp` may exceed 1 and the sum may be tiny.
        assert!(!uses_flushing_exp(
            "pub vector struct S; f(x) = { let e = exp(x); e / sum(e * e) };"
        ));
        assert!(!uses_flushing_exp(
            "pub vector struct S; f(x) = { let e = exp(x - max(x)); e / mean(e) };"
        ));
        // Log-softmax does not store its exp for the output pass.
        assert!(!uses_flushing_exp(
            "pub vector struct S; f(x) = x - max(x) - ln(sum(exp(x - max(x))));"
        ));
    }
}
