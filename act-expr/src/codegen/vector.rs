//! The methods of a vector activation: reductions pass by pass, the vector-Jacobian product,
//! rows, the Jacobian and its diagonal.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{body_with, dispatched, dispatched_with, method, method_stored};
use crate::graph::{Func, Id, Node, Reduce};
use crate::model::Model;

pub(super) fn expand(m: &Model) -> TokenStream {
    let name = &m.decl.name;
    let g = &m.graph;
    let reds = g.reductions();
    let k = reds.len();
    let mut methods = Vec::new();
    let value = format_ident!("__act_value");
    methods.push(method(m, &value, m.f));
    let deriv = format_ident!("__act_deriv");
    methods.push(method(m, &deriv, m.df));
    for (j, (&(_, body_id), rm)) in reds.iter().zip(&m.reductions).enumerate() {
        methods.push(method(m, &format_ident!("__act_body{}", j), body_id));
        methods.push(method(
            m,
            &format_ident!("__act_out_partial{}", j),
            rm.output_partial,
        ));
        methods.push(method(m, &format_ident!("__act_body_dx{}", j), rm.body_dx));
        for &(kk, d) in &rm.body_dr {
            methods.push(method(m, &format_ident!("__act_body{}_dr{}", j, kk), d));
        }
    }
    let max_level = m.reductions.iter().map(|r| r.level).max().unwrap_or(0);
    let fl = quote!(<F as ::act_core::Float>);

    // A max/min needs its position only where the VJP reads something at it.
    let needs_arg: Vec<bool> = reds
        .iter()
        .zip(&m.reductions)
        .map(|(&(kind, _), rm)| {
            matches!(kind, Reduce::Max | Reduce::Min)
                && (g.as_const(rm.body_dx) != Some(0.0) || !rm.body_dr.is_empty())
        })
        .collect();

    // The body of a last-level sum or mean that the per-element code after the reductions
    // also needs (softmax's `e = exp(x - max(x))`): its pass stores it in the output buffer
    // and the next pass reads it instead of recomputing it. The graph is hash-consed, so the
    // same expression is the same node, and the stored bits are the ones the later code would
    // compute: one straight-line evaluation of the same node.
    let stored_for = |roots: &[Id]| -> Option<usize> {
        let used = g.reachable(roots);
        reds.iter()
            .zip(&m.reductions)
            .position(|(&(kind, body_id), rm)| {
                matches!(kind, Reduce::Sum | Reduce::Mean)
                    && rm.level == max_level
                    && *g.node(body_id) != Node::X
                    && g.depends_on_x(body_id)
                    && used.contains(&body_id)
            })
    };
    let fwd_store = stored_for(&[m.f]);
    let mut bwd_roots = vec![m.df];
    for (&(kind, _), rm) in reds.iter().zip(&m.reductions) {
        bwd_roots.push(rm.output_partial);
        if matches!(kind, Reduce::Sum | Reduce::Mean) {
            bwd_roots.push(rm.body_dx);
        }
    }
    let bwd_store = stored_for(&bwd_roots);
    // The methods computing a stored body, by pass. The forward pass's uses the flushing exp
    // where that is safe (softmax); otherwise both use the plain body.
    let raw_name = |j: usize| format_ident!("__act_body{}_raw", j);
    let mut fwd_raw = None;
    let mut plain_raw: Vec<usize> = bwd_store.into_iter().collect();
    if let Some(j) = fwd_store {
        if let Some(u) = flushable_exp(m, j) {
            let raw = format_ident!("__act_body{}_raw_fwd", j);
            let b = body_with(g, u, &m.param_names, None, false);
            // `u = x - max(x)`: the exp is corrected by the rounding error of the difference
            // (as `body_with` does for every such `exp`), exact in the inputs.
            let Node::Sum(ref terms) = *g.node(u) else {
                unreachable!("flushable_exp checked the form")
            };
            let bp = body_with(g, terms[0], &m.param_names, None, false);
            let bq = body_with(g, terms[1], &m.param_names, None, false);
            methods.push(quote! {
                #[doc(hidden)]
                #[inline(always)]
                #[allow(unused_variables, clippy::all)]
                pub fn #raw<F: ::act_core::Float, const FMA: bool>(&self, x: F, e: F, r: [F; #k]) -> F {
                    let u: F = { #b };
                    let err: F = ::act_core::__private::two_sum_err({ #bp }, { #bq }, u);
                    ::act_core::__private::exp_corrected(
                        <F as ::act_core::Float>::__exp_nonpositive_final::<FMA>(u), err)
                }
            });
            fwd_raw = Some((j, raw));
        } else {
            fwd_raw = Some((j, raw_name(j)));
            plain_raw.push(j);
        }
    }
    plain_raw.dedup();
    for j in plain_raw {
        methods.push(method_stored(m, &raw_name(j), reds[j].1, None, false));
    }
    if let Some(j) = fwd_store {
        methods.push(method_stored(
            m,
            &format_ident!("__act_value_e"),
            m.f,
            Some(reds[j].1),
            true,
        ));
    }
    let bwd_node = bwd_store.map(|j| reds[j].1);
    methods.push(method_stored(
        m,
        &format_ident!("__act_deriv_e"),
        m.df,
        bwd_node,
        true,
    ));
    for (j, (&(kind, _), rm)) in reds.iter().zip(&m.reductions).enumerate() {
        methods.push(method_stored(
            m,
            &format_ident!("__act_out_partial{}_e", j),
            rm.output_partial,
            bwd_node,
            true,
        ));
        if matches!(kind, Reduce::Sum | Reduce::Mean) {
            methods.push(method_stored(
                m,
                &format_ident!("__act_body_dx{}_e", j),
                rm.body_dx,
                bwd_node,
                true,
            ));
        }
    }

    // One pass per level: the level's sums and means (and with `with_t` the sums of their
    // `∂g_j/∂r_k`) fused into one vectorised loop, a max or min by vectorised lanes and its
    // position (when the VJP needs it) by a search for the first element equal to it.
    // `store` names the reduction whose body is written to `buf`, and the method computing it.
    let level_code = |level: usize,
                      with_t: bool,
                      store: Option<(usize, proc_macro2::Ident)>,
                      buf: TokenStream,
                      lanes: &TokenStream| {
        let mut entries = Vec::new();
        let mut targets = Vec::new();
        let mut extremes = Vec::new();
        let mut stored = None;
        for (j, (&(kind, _), rm)) in reds.iter().zip(&m.reductions).enumerate() {
            if rm.level != level {
                continue;
            }
            let body = format_ident!("__act_body{}", j);
            let scale = if kind == Reduce::Mean {
                quote!(/ n)
            } else {
                quote!()
            };
            match kind {
                Reduce::Sum | Reduce::Mean => {
                    if let Some((_, raw)) = store.as_ref().filter(|(js, _)| *js == j) {
                        stored = Some(quote!(self.#raw::<F, FMA>(v, v, r)));
                        entries.push(quote!(#fl::select(#fl::is_nan(v), v, raw)));
                    } else {
                        entries.push(quote!(self.#body::<F, FMA>(v, r)));
                    }
                    targets.push((quote!(r[#j]), scale.clone()));
                    if with_t {
                        for &(kk, _) in &rm.body_dr {
                            let kk = kk as usize;
                            let f = format_ident!("__act_body{}_dr{}", j, kk);
                            entries.push(quote!(self.#f::<F, FMA>(v, r)));
                            targets.push((quote!(t[#j][#kk]), scale.clone()));
                        }
                    }
                }
                Reduce::Max | Reduce::Min => {
                    let (init, comb) = if kind == Reduce::Max {
                        (quote!(-#fl::INFINITY), quote!(max))
                    } else {
                        (quote!(#fl::INFINITY), quote!(min))
                    };
                    extremes.push(quote! {
                        r[#j] = #lanes::fold_blocks(
                            x, #init, #[inline(always)] |v| self.#body::<F, FMA>(v, r), #fl::#comb);
                    });
                    if with_t && needs_arg[j] {
                        extremes.push(quote! {
                            arg[#j] = #lanes::position_of(x, r[#j], #[inline(always)] |v| self.#body::<F, FMA>(v, r));
                        });
                    }
                }
            }
        }
        let targets: Vec<TokenStream> = targets
            .into_iter()
            .enumerate()
            .map(|(i, (lhs, scale))| quote!(#lhs = sums[#i] #scale;))
            .collect();
        let m_len = entries.len();
        let sums = if let Some(st) = stored {
            quote! {
                let sums: [F; #m_len] = #lanes::sum_lanes_store(x, #buf, #[inline(always)] |v| {
                    let raw: F = #st;
                    ([#(#entries),*], raw)
                });
                #(#targets)*
            }
        } else {
            quote! {
                let sums: [F; #m_len] = #lanes::sum_lanes(x, #[inline(always)] |v| [#(#entries),*]);
                #(#targets)*
            }
        };
        if m_len == 0 {
            quote!(#(#extremes)*)
        } else {
            quote!(#(#extremes)* { #sums })
        }
    };
    let levels = |with_t: bool,
                  store: Option<(usize, proc_macro2::Ident)>,
                  buf: TokenStream,
                  lanes: &TokenStream| {
        let code =
            (1..=max_level).map(|l| level_code(l, with_t, store.clone(), buf.clone(), lanes));
        quote!(#(#code)*)
    };
    // The lane helpers: the general ones, and those for inputs of at most `short::LEN`
    // elements, which the `_short` builds of the slice methods call (same results, see
    // `act_core::__private::short`).
    let long_lanes = quote!(::act_core::__private);
    let medium_lanes = quote!(::act_core::__private::medium);
    let short_lanes = quote!(::act_core::__private::short);
    let fwd_reds = |lanes: &TokenStream| levels(false, fwd_raw.clone(), quote!(y), lanes);
    let prep_reds = levels(true, None, quote!(y), &long_lanes);
    let bwd_store = bwd_store.map(|j| (j, raw_name(j)));
    let bwd_reds = |lanes: &TokenStream| levels(true, bwd_store.clone(), quote!(grad_x), lanes);

    // `∂g_j/∂r_k` at the position of a max/min.
    let mut t_at = Vec::new();
    for (j, (&(kind, _), rm)) in reds.iter().zip(&m.reductions).enumerate() {
        if matches!(kind, Reduce::Max | Reduce::Min) {
            for &(kk, _) in &rm.body_dr {
                let kk = kk as usize;
                let f = format_ident!("__act_body{}_dr{}", j, kk);
                t_at.push(quote!(t[#j][#kk] = self.#f::<F, FMA>(x[arg[#j]], r);));
            }
        }
    }
    let s_entries: Vec<TokenStream> = (0..k)
        .map(|j| {
            let f = format_ident!("__act_out_partial{}_e", j);
            quote!(gi * self.#f::<F, FMA>(xi, e, r))
        })
        .collect();
    let e_buf = if bwd_store.is_some() {
        quote!(&grad_x[..])
    } else {
        quote!(x)
    };
    let s_pass = |lanes: &TokenStream| {
        if k == 0 {
            quote!(let s = [#fl::ZERO; 0];)
        } else {
            quote! {
                let s: [F; #k] = #lanes::sum_lanes3(x, grad_y, #e_buf, #[inline(always)] |xi, gi, e| [#(#s_entries),*]);
            }
        }
    };
    // Per-element terms of the final pass; a max/min's term is added at its position after it.
    let mut grad_terms = Vec::new();
    let mut fixes = Vec::new();
    let mut fix_apply = Vec::new();
    for (j, &(kind, _)) in reds.iter().enumerate() {
        match kind {
            Reduce::Sum | Reduce::Mean => {
                let f = format_ident!("__act_body_dx{}_e", j);
                let scale = if kind == Reduce::Mean {
                    quote!(/ n)
                } else {
                    quote!()
                };
                grad_terms.push(quote!(acc = acc + rbar[#j] * self.#f::<F, FMA>(xi, e, r) #scale;));
            }
            Reduce::Max | Reduce::Min if needs_arg[j] => {
                let f = format_ident!("__act_body_dx{}", j);
                let fix = format_ident!("fix{}", j);
                fixes.push(quote!(let #fix: F = rbar[#j] * self.#f::<F, FMA>(x[arg[#j]], r);));
                fix_apply.push(quote!(grad_x[arg[#j]] = grad_x[arg[#j]] + #fix;));
            }
            Reduce::Max | Reduce::Min => {}
        }
    }
    // Forward-mode dr_j/dx_i for the Jacobian's diagonal.
    let diag_terms: Vec<TokenStream> = reds
        .iter()
        .enumerate()
        .map(|(j, &(kind, _))| {
            let f = format_ident!("__act_body_dx{}", j);
            let own = match kind {
                Reduce::Sum => quote!(self.#f::<F, FMA>(xi, r)),
                Reduce::Mean => quote!(self.#f::<F, FMA>(xi, r) / n),
                Reduce::Max | Reduce::Min => {
                    quote!(if i == arg[#j] { self.#f::<F, FMA>(xi, r) } else { <F as ::act_core::Float>::ZERO })
                }
            };
            let chain = m.reductions[j].body_dr.iter().map(|&(kk, _)| {
                let kk = kk as usize;
                quote!(+ t[#j][#kk] * dr[#kk])
            });
            let p = format_ident!("__act_out_partial{}", j);
            quote! {
                dr[#j] = #own #(#chain)*;
                acc = acc + self.#p::<F, FMA>(xi, r) * dr[#j];
            }
        })
        .collect();

    let output_pass = if fwd_store.is_some() {
        quote! {
            for (&xi, yi) in x.iter().zip(y.iter_mut()) {
                *yi = self.__act_value_e::<F, FMA>(xi, *yi, r);
            }
        }
    } else {
        quote! {
            for (xi, yi) in x.iter().zip(y.iter_mut()) {
                *yi = self.__act_value::<F, FMA>(*xi, r);
            }
        }
    };
    let forward_body = |lanes: &TokenStream| {
        let reds = fwd_reds(lanes);
        quote! {
            ::act_core::__private::check_len("x", x.len(), "y", y.len());
            if x.is_empty() {
                return;
            }
            let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
            let mut r = [<F as ::act_core::Float>::ZERO; #k];
            #reds
            #output_pass
        }
    };
    let backward_body = |lanes: &TokenStream| {
        let (reds, s_pass) = (bwd_reds(lanes), s_pass(lanes));
        quote! {
            ::act_core::__private::check_len("x", x.len(), "grad_y", grad_y.len());
            ::act_core::__private::check_len("x", x.len(), "grad_x", grad_x.len());
            if x.is_empty() {
                return;
            }
            let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
            let mut r = [<F as ::act_core::Float>::ZERO; #k];
            let mut arg = [0usize; #k];
            let mut t = [[<F as ::act_core::Float>::ZERO; #k]; #k];
            #reds
            #(#t_at)*
            #s_pass
            // Adjoints of the reductions, latest first.
            let mut rbar = s;
            for j in (0..#k).rev() {
                for kk in 0..j {
                    rbar[kk] = rbar[kk] + rbar[j] * t[j][kk];
                }
            }
            #(#fixes)*
            for ((&xi, &gi), gx) in x.iter().zip(grad_y).zip(grad_x.iter_mut()) {
                let e: F = *gx;
                let mut acc = gi * self.__act_deriv_e::<F, FMA>(xi, e, r);
                #(#grad_terms)*
                *gx = acc;
            }
            #(#fix_apply)*
        }
    };
    // Each slice method in three builds, by the input's length: at most `short::LEN` (a row of
    // a few classes) in registers, at most `medium::LEN` over 64 lanes, longer over 256. Same
    // results (see `act_core::__private::short`); the set-up of 256 lanes costs more than a
    // short row. Separate functions, so that the long build's code is what it is alone.
    let short_len = quote!(::act_core::__private::short::LEN);
    let medium_len = quote!(::act_core::__private::medium::LEN);
    let fwd_params = quote!(x: &[F], y: &mut [F]);
    let forward_slice = dispatched_with(
        "__act_forward_slice",
        fwd_params.clone(),
        quote!(x, y),
        forward_body(&long_lanes),
        quote! {
            if x.len() <= #short_len {
                return self.__act_forward_short(x, y);
            }
            if x.len() <= #medium_len {
                return self.__act_forward_medium(x, y);
            }
        },
    );
    let forward_short = dispatched(
        "__act_forward_short",
        fwd_params.clone(),
        quote!(x, y),
        forward_body(&short_lanes),
    );
    let forward_medium = dispatched(
        "__act_forward_medium",
        fwd_params,
        quote!(x, y),
        forward_body(&medium_lanes),
    );
    let bwd_params = quote!(x: &[F], grad_y: &[F], grad_x: &mut [F]);
    let backward_slice = dispatched_with(
        "__act_backward_slice",
        bwd_params.clone(),
        quote!(x, grad_y, grad_x),
        backward_body(&long_lanes),
        quote! {
            if x.len() <= #short_len {
                return self.__act_backward_short(x, grad_y, grad_x);
            }
            if x.len() <= #medium_len {
                return self.__act_backward_medium(x, grad_y, grad_x);
            }
        },
    );
    let backward_short = dispatched(
        "__act_backward_short",
        bwd_params.clone(),
        quote!(x, grad_y, grad_x),
        backward_body(&short_lanes),
    );
    let backward_medium = dispatched(
        "__act_backward_medium",
        bwd_params,
        quote!(x, grad_y, grad_x),
        backward_body(&medium_lanes),
    );

    // For a shift-invariant activation the element with the largest input is where the
    // diagonal's direct form cancels (softmax's y - y^2 with y near 1): its Jacobian row is
    // computed (one VJP) and the diagonal taken as minus the row's other entries.
    let saturated_row = if m.shift_invariant {
        quote! {
            if x.len() > 1 {
                let mut top = 0;
                for (i, v) in x.iter().enumerate() {
                    if *v > x[top] {
                        top = i;
                    }
                }
                let mut unit = ::std::vec![<F as ::act_core::Float>::ZERO; x.len()];
                unit[top] = <F as ::act_core::Float>::ONE;
                let mut row = ::std::vec![<F as ::act_core::Float>::ZERO; x.len()];
                self.__act_backward_slice(x, &unit, &mut row);
                let mut others = <F as ::act_core::Float>::ZERO;
                for (j, v) in row.iter().enumerate() {
                    if j != top {
                        others = others + *v;
                    }
                }
                out[top] = -others;
            }
        }
    } else {
        quote!()
    };

    // Outputs unchanged by adding a constant to every input (softmax, log-softmax) have
    // Jacobian rows that sum to zero; the diagonal is then minus the sum of the row's other
    // entries, which keeps relative accuracy where the direct `y_i - y_i^2` cancels.
    let shift_invariant_diagonal = if m.shift_invariant {
        quote! {
            let mut others = <F as ::act_core::Float>::ZERO;
            for (j, v) in out.iter().enumerate() {
                if j != row {
                    others = others + *v;
                }
            }
            out[row] = -others;
        }
    } else {
        quote!()
    };

    quote! {
        #[allow(unused_variables, unused_mut, clippy::all)]
        impl #name {
            #(#methods)*

            #forward_slice
            #forward_short
            #forward_medium

            /// Reductions, argmax/argmin positions and the aggregates `t` of the chain rule.
            #[doc(hidden)]
            #[inline(always)]
            fn __act_prepare<F: ::act_core::Float>(&self, x: &[F]) -> ([F; #k], [usize; #k], [[F; #k]; #k]) {
                const FMA: bool = false;
                let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
                let mut r = [<F as ::act_core::Float>::ZERO; #k];
                let mut arg = [0usize; #k];
                let mut t = [[<F as ::act_core::Float>::ZERO; #k]; #k];
                #prep_reds
                #(#t_at)*
                (r, arg, t)
            }

            #backward_slice
            #backward_short
            #backward_medium

            /// `out[i] = ∂y_i/∂x_i`.
            #[doc(hidden)]
            pub fn __act_jacobian_diagonal<F: ::act_core::Float>(&self, x: &[F], out: &mut [F]) {
                const FMA: bool = false;
                ::act_core::__private::check_len("x", x.len(), "out", out.len());
                if x.is_empty() {
                    return;
                }
                let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
                let (r, arg, t) = self.__act_prepare(x);
                for (i, (&xi, o)) in x.iter().zip(out.iter_mut()).enumerate() {
                    let mut dr = [<F as ::act_core::Float>::ZERO; #k];
                    let mut acc = self.__act_deriv::<F, FMA>(xi, r);
                    #(#diag_terms)*
                    *o = acc;
                }
                #saturated_row
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::VectorActivation for #name {
            fn forward_rows<F: ::act_core::Float>(&self, x: &[F], cols: usize, y: &mut [F]) {
                ::act_core::__private::check_rows("x", x.len(), "y", y.len(), cols);
                if cols == 0 {
                    return;
                }
                for (xr, yr) in x.chunks(cols).zip(y.chunks_mut(cols)) {
                    self.__act_forward_slice(xr, yr);
                }
            }

            fn backward_rows<F: ::act_core::Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]) {
                ::act_core::__private::check_rows("x", x.len(), "grad_y", grad_y.len(), cols);
                ::act_core::__private::check_rows("x", x.len(), "grad_x", grad_x.len(), cols);
                if cols == 0 {
                    return;
                }
                for ((xr, gr), gx) in x.chunks(cols).zip(grad_y.chunks(cols)).zip(grad_x.chunks_mut(cols)) {
                    self.__act_backward_slice(xr, gr, gx);
                }
            }

            fn jacobian<F: ::act_core::Float>(&self, x: &[F]) -> ::std::vec::Vec<F> {
                let n = x.len();
                let mut jac = ::std::vec![<F as ::act_core::Float>::ZERO; n * n];
                let mut unit = ::std::vec![<F as ::act_core::Float>::ZERO; n];
                for (row, out) in jac.chunks_mut(n.max(1)).enumerate().take(n) {
                    unit[row] = <F as ::act_core::Float>::ONE;
                    self.__act_backward_slice(x, &unit, out);
                    unit[row] = <F as ::act_core::Float>::ZERO;
                    #shift_invariant_diagonal
                }
                jac
            }
        }
    }
}

/// The argument `u` of the body of sum `j` where the forward pass may compute that body with
/// the `exp` that flushes below the normal range (`Float::__exp_nonpositive_final`): softmax.
/// Safe when the body is `exp(u)` with `u = x - max(x)`, so that `u <= 0` and the maximum's
/// term is `exp(0) = 1`, making the sum at least 1; and the forward value is the body times
/// constants of magnitude at most 1 and negative powers of this sum. A body below the normal
/// range then changes the sum by less than its rounding (short of 2^100 elements), and the
/// values it reaches are smaller than it, so below the normal range too, where they may flush.
/// The backward pass keeps the gradual `exp`: there the body meets the incoming gradient,
/// which may be large.
fn flushable_exp(m: &Model, j: usize) -> Option<Id> {
    let g = &m.graph;
    let reds = g.reductions();
    let (kind, body) = reds[j];
    let Node::Call(Func::Exp, u) = *g.node(body) else {
        return None;
    };
    let Node::Sum(terms) = g.node(u) else {
        return None;
    };
    let is_x = |id: Id| *g.node(id) == Node::X;
    let minus_max_x = |id: Id| match g.node(id) {
        Node::Prod(fs) => {
            fs.len() == 2
                && g.as_const(fs[0]) == Some(-1.0)
                && matches!(*g.node(fs[1]), Node::Red(i)
                    if reds[i as usize].0 == Reduce::Max && is_x(reds[i as usize].1))
        }
        _ => false,
    };
    let u_ok =
        matches!(terms[..], [a, b] if (is_x(a) && minus_max_x(b)) || (is_x(b) && minus_max_x(a)));
    let bounded = |id: Id| {
        g.as_const(id).is_some_and(|c| c.abs() <= 1.0)
            || matches!(*g.node(id), Node::Pow(r, p) if p < 0 && *g.node(r) == Node::Red(j as u32))
    };
    let f_ok = m.f == body
        || matches!(g.node(m.f), Node::Prod(fs)
            if fs.contains(&body) && fs.iter().all(|&f| f == body || bounded(f)));
    (kind == Reduce::Sum && u_ok && f_ok).then_some(u)
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
        // A temperature: the sign of `u` is not known at compile time.
        assert!(!uses_flushing_exp(
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
