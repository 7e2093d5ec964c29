//! The Jacobian: its diagonal in forward mode (one pass for the reductions, then per element),
//! its rows from the VJP, and the `VectorActivation` implementation over rows.

use proc_macro2::TokenStream;
use quote::quote;

use super::passes::{Passes, passes};
use super::plan::{Lanes, Plan};
use super::vjp::t_at_extremes;
use crate::codegen::names::{self, slice};
use crate::graph::Reduce;

/// `__act_prepare`: the reductions, the positions of the maxima and minima and the aggregates
/// `t` of the chain rule, for the diagonal.
pub(super) fn prepare(plan: &Plan) -> TokenStream {
    let k = plan.k();
    let reds = passes(
        plan,
        &Passes {
            with_t: true,
            store: None,
            lanes: Lanes::Long,
        },
    );
    let t_at = t_at_extremes(plan);
    let prepare_fn = names::prepare();
    quote! {
        /// Reductions, argmax/argmin positions and the aggregates `t` of the chain rule.
        #[doc(hidden)]
        #[inline(always)]
        fn #prepare_fn<F: ::act_core::Float>(&self, x: &[F]) -> ([F; #k], [usize; #k], [[F; #k]; #k]) {
            const FMA: bool = false;
            let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
            let mut r = [<F as ::act_core::Float>::ZERO; #k];
            let mut arg = [0usize; #k];
            let mut t = [[<F as ::act_core::Float>::ZERO; #k]; #k];
            #reds
            #t_at
            (r, arg, t)
        }
    }
}

/// `__act_jacobian_diagonal`: `out[i] = ∂y_i/∂x_i`, with `dr_j/dx_i` in forward mode.
pub(super) fn diagonal(plan: &Plan) -> TokenStream {
    let k = plan.k();
    let terms = plan.reductions.iter().enumerate().map(|(j, r)| {
        let f = names::body_dx(j);
        let own = match r.kind {
            Reduce::Sum => quote!(self.#f::<F, FMA>(xi, r)),
            Reduce::Mean => quote!(self.#f::<F, FMA>(xi, r) / n),
            Reduce::Max | Reduce::Min => {
                quote!(if i == arg[#j] { self.#f::<F, FMA>(xi, r) } else { <F as ::act_core::Float>::ZERO })
            }
        };
        let chain = r.reads.iter().map(|&kk| quote!(+ t[#j][#kk] * dr[#kk]));
        let p = names::output_partial(j);
        quote! {
            dr[#j] = #own #(#chain)*;
            acc = acc + self.#p::<F, FMA>(xi, r) * dr[#j];
        }
    });
    let (deriv, value) = (names::deriv(), names::value());
    let saturated_row = saturated_row(plan);
    let (prepare_fn, diagonal_fn) = (names::prepare(), names::jacobian_diagonal());
    quote! {
        /// `out[i] = ∂y_i/∂x_i`.
        #[doc(hidden)]
        pub fn #diagonal_fn<F: ::act_core::Float>(&self, x: &[F], out: &mut [F]) {
            const FMA: bool = false;
            ::act_core::__private::check_len("x", x.len(), "out", out.len());
            if x.is_empty() {
                return;
            }
            let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
            let (r, arg, t) = self.#prepare_fn(x);
            for (i, (&xi, o)) in x.iter().zip(out.iter_mut()).enumerate() {
                let mut dr = [<F as ::act_core::Float>::ZERO; #k];
                let mut acc = self.#deriv::<F, FMA>(xi, r);
                #(#terms)*
                *o = acc;
            }
            #saturated_row
            // NaN where the value is NaN (a row holding NaN: `x - max(x)`'s `1 - [i = argmax]`
            // would otherwise be a number at an input that has none).
            for (&xi, o) in x.iter().zip(out.iter_mut()) {
                let v: F = self.#value::<F, FMA>(xi, r);
                if <F as ::act_core::Float>::is_nan(v) {
                    *o = v;
                }
            }
        }
    }
}

/// For a shift-invariant activation the element with the largest input is where the
/// diagonal's direct form cancels (softmax's y - y^2 with y near 1): its Jacobian row is
/// computed (one VJP) and the diagonal taken as minus the row's other entries.
fn saturated_row(plan: &Plan) -> TokenStream {
    if !plan.m.shift_invariant {
        return quote!();
    }
    let backward = slice::backward();
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
            self.#backward(x, &unit, &mut row);
            let mut others = <F as ::act_core::Float>::ZERO;
            for (j, v) in row.iter().enumerate() {
                if j != top {
                    others = others + *v;
                }
            }
            // `0 - others`, not `-others`: where every other entry is zero (`1 - p` with
            // `p = 1`) the diagonal is +0, the sign a sum of those probabilities has.
            out[top] = <F as ::act_core::Float>::ZERO - others;
        }
    }
}

/// The `VectorActivation` implementation: rows one by one, and the Jacobian by rows.
pub(super) fn vector_impl(plan: &Plan) -> TokenStream {
    let name = &plan.m.decl.name;
    let backward = slice::backward();
    let (forward_rows, backward_rows) = (slice::forward_rows(), slice::backward_rows());
    // Outputs unchanged by adding a constant to every input (softmax, log-softmax) have
    // Jacobian rows that sum to zero; the diagonal is then minus the sum of the row's other
    // entries, which keeps relative accuracy where the direct `y_i - y_i^2` cancels.
    let shift_invariant_diagonal = if plan.m.shift_invariant {
        quote! {
            let mut others = <F as ::act_core::Float>::ZERO;
            for (j, v) in out.iter().enumerate() {
                if j != row {
                    others = others + *v;
                }
            }
            out[row] = <F as ::act_core::Float>::ZERO - others;
        }
    } else {
        quote!()
    };
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::VectorActivation for #name {
            // A wrongly shaped batch panics at the caller's line.
            #[track_caller]
            fn forward_rows<F: ::act_core::Float>(&self, x: &[F], cols: usize, y: &mut [F]) {
                ::act_core::__private::check_rows("x", x.len(), "y", y.len(), cols);
                if cols == 0 {
                    return;
                }
                self.#forward_rows(x, cols, y);
            }

            #[track_caller]
            fn backward_rows<F: ::act_core::Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]) {
                ::act_core::__private::check_rows("x", x.len(), "grad_y", grad_y.len(), cols);
                ::act_core::__private::check_rows("x", x.len(), "grad_x", grad_x.len(), cols);
                if cols == 0 {
                    return;
                }
                self.#backward_rows(x, cols, grad_y, grad_x);
            }

            fn jacobian<F: ::act_core::Float>(&self, x: &[F]) -> ::std::vec::Vec<F> {
                let n = x.len();
                let mut jac = ::std::vec![<F as ::act_core::Float>::ZERO; n * n];
                let mut unit = ::std::vec![<F as ::act_core::Float>::ZERO; n];
                for (row, out) in jac.chunks_mut(n.max(1)).enumerate().take(n) {
                    unit[row] = <F as ::act_core::Float>::ONE;
                    self.#backward(x, &unit, out);
                    unit[row] = <F as ::act_core::Float>::ZERO;
                    #shift_invariant_diagonal
                }
                jac
            }
        }
    }
}
