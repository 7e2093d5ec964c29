//! The vector-Jacobian product `grad_x = J^T grad_y`: the passes (with the aggregates of the
//! chain rule), one pass for `s_j = sum_i grad_y_i ∂y_i/∂r_j`, the reductions' adjoints, and a
//! final pass per element. A member of the softmax family (see [`super::closed`]) takes its
//! closed form instead, in every build (a row in registers, or three passes over a long one):
//! the probabilities once, then `p (g - <g, p>)` or `g - p sum(g)`, with two row reductions
//! after the maximum where the general form has one per reduction and adjoint.

use proc_macro2::TokenStream;
use quote::quote;

use super::passes::{Passes, passes};
use super::plan::{Lanes, Plan};
use crate::codegen::names::{self, slice};
use crate::graph::Reduce;

/// `t[j][k] = ∂body_j/∂r_k` at the position of a max or min (a sum's is summed in its pass).
pub(super) fn t_at_extremes(plan: &Plan) -> TokenStream {
    let mut t_at = Vec::new();
    for (j, r) in plan.reductions.iter().enumerate() {
        if matches!(r.kind, Reduce::Max | Reduce::Min) {
            for &kk in &r.reads {
                let f = names::body_dr(j, kk);
                t_at.push(quote!(t[#j][#kk] = self.#f::<F, FMA>(x[arg[#j]], r);));
            }
        }
    }
    quote!(#(#t_at)*)
}

/// `s_j = sum_i grad_y_i ∂y_i/∂r_j`, one fused pass (reading the stored body `e`).
fn s_pass(plan: &Plan, lanes: Lanes) -> TokenStream {
    let k = plan.k();
    if k == 0 {
        let fl = quote!(<F as ::act_core::Float>);
        return quote!(let s = [#fl::ZERO; 0];);
    }
    let entries = (0..k).map(|j| {
        let f = names::output_partial_stored(j);
        quote!(gi * self.#f::<F, FMA>(xi, e, r))
    });
    let e_buf = if plan.backward_store.is_some() {
        lanes.reread("grad_x")
    } else {
        quote!(x)
    };
    let lanes = lanes.path();
    quote! {
        let s: [F; #k] = #lanes::sum_lanes3(x, grad_y, #e_buf, #[inline(always)] |xi, gi, e| [#(#entries),*]);
    }
}

/// The backward slice method's body in one lane set-up.
fn backward_body(plan: &Plan, lanes: Lanes) -> TokenStream {
    if let Some(family) = plan.family {
        // The closed form of the softmax family's VJP, four whole-row steps where the general
        // one below takes the adjoints of every reduction: a row in registers, or three
        // passes over a long one.
        let path = lanes.path();
        let family = family.path(&quote!(::act_core::__private::short));
        return if lanes.windowed() {
            quote! {
                #path::softmax_family_backward::<F, FMA, { #path::LEN }>(#family, x, grad_y, &mut grad_x);
            }
        } else {
            quote! {
                ::act_core::__private::softmax_family_backward::<F, FMA>(#family, x, grad_y, grad_x);
            }
        };
    }
    let k = plan.k();
    let reds = passes(
        plan,
        &Passes {
            with_t: true,
            store: plan
                .backward_store
                .clone()
                .map(|s| (s, lanes.out_arg("grad_x"))),
            lanes,
        },
    );
    let (t_at, s_pass) = (t_at_extremes(plan), s_pass(plan, lanes));
    // Per-element terms of the final pass; a max/min's term is added at its position after it.
    let mut grad_terms = Vec::new();
    let mut fixes = Vec::new();
    let mut fix_apply = Vec::new();
    for (j, r) in plan.reductions.iter().enumerate() {
        if r.is_sum() {
            let (f, scale) = (names::body_dx_stored(j), r.scale());
            grad_terms.push(quote!(acc = acc + rbar[#j] * self.#f::<F, FMA>(xi, e, r) #scale;));
        } else if r.needs_arg {
            let f = names::body_dx(j);
            let fix = quote::format_ident!("fix{}", j);
            fixes.push(quote!(let #fix: F = rbar[#j] * self.#f::<F, FMA>(x[arg[#j]], r);));
            fix_apply.push(quote!(grad_x[arg[#j]] = grad_x[arg[#j]] + #fix;));
        }
    }
    let deriv = names::deriv_stored();
    let fix_apply = if lanes.windowed() {
        quote!()
    } else {
        quote!(#(#fix_apply)*)
    };
    // The windowed builds add a max's or min's term at its position in the same pass, with
    // a select (the same bits as adding it after: `acc + fix` there, `acc` elsewhere), not
    // with a read of the element just stored.
    let fixes_in_pass = plan
        .reductions
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_sum() && r.needs_arg)
        .map(|(j, _)| {
            let fix = quote::format_ident!("fix{}", j);
            quote!(acc = if i == arg[#j] { acc + #fix } else { acc };)
        });
    let output_pass = lanes
        .short_output_pass(
            ["x", "grad_y", "grad_x"],
            quote! {
                let (xi, gi, e) = (xi, gi, oi);
                let mut acc = gi * self.#deriv::<F, FMA>(xi, e, r);
                #(#grad_terms)*
                #(#fixes_in_pass)*
                acc
            },
        )
        .unwrap_or(quote! {
            for ((&xi, &gi), gx) in x.iter().zip(grad_y).zip(grad_x.iter_mut()) {
                let e: F = *gx;
                let mut acc = gi * self.#deriv::<F, FMA>(xi, e, r);
                #(#grad_terms)*
                *gx = acc;
            }
        });
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
        #t_at
        #s_pass
        // Adjoints of the reductions, latest first.
        let mut rbar = s;
        for j in (0..#k).rev() {
            for kk in 0..j {
                rbar[kk] = rbar[kk] + rbar[j] * t[j][kk];
            }
        }
        #(#fixes)*
        #output_pass
        #fix_apply
    }
}

/// The backward slice method and its builds for short and medium inputs.
pub(super) fn backward_methods(plan: &Plan) -> TokenStream {
    super::by_length(
        [
            slice::backward(),
            slice::backward_short(),
            slice::backward_medium(),
        ],
        quote!(x: &[F], grad_y: &[F], grad_x: &mut [F]),
        quote!(x, grad_y, grad_x),
        (&["x", "grad_y"], "grad_x"),
        |lanes| backward_body(plan, lanes),
    )
}

/// The backward method over the rows of a batch.
pub(super) fn backward_rows_method(plan: &Plan) -> TokenStream {
    super::by_rows(
        slice::backward_rows(),
        quote!(x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]),
        quote!(x, cols, grad_y, grad_x),
        |lanes| lanes.row_params(&["x", "grad_y"], "grad_x"),
        ("for_rows2", quote!(x, grad_y, cols, grad_x)),
        |lanes| backward_body(plan, lanes),
        // Not in blocks of rows side by side (`Lanes::Across`, `forward_rows` only): there
        // the closed form ran 1.0-1.3x the per-row builds, and the blocks' fills left a
        // `memset` call in the rows loop, which `benches/tests/vectorised.rs` rejects.
        None,
    )
}
