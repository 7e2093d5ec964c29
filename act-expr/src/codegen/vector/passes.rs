//! The passes over the input that compute the reductions, and the forward slice method: the
//! passes, then one output pass.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::{Lanes, Plan, Store};
use crate::codegen::names::{self, slice};
use crate::graph::Reduce;

/// What a run of passes computes besides the reductions.
pub(super) struct Passes {
    /// Also the sums of the bodies' `∂body_j/∂r_k` (`t[j][k]`) and the positions of the
    /// maxima and minima the VJP needs (`arg[j]`).
    pub with_t: bool,
    /// The body stored for the next pass, if any, and where (`y` or `grad_x`).
    pub store: Option<(Store, TokenStream)>,
    pub lanes: Lanes,
}

/// One pass per level: the level's sums and means (and with `with_t` the sums of their
/// `∂g_j/∂r_k`) fused into one vectorised loop, a max or min by vectorised lanes and its
/// position (when the VJP needs it) by a search for the first element equal to it.
pub(super) fn passes(plan: &Plan, p: &Passes) -> TokenStream {
    let code = (1..=plan.max_level).map(|l| level(plan, l, p));
    quote!(#(#code)*)
}

fn level(plan: &Plan, level: usize, p: &Passes) -> TokenStream {
    let fl = quote!(<F as ::act_core::Float>);
    let lanes = p.lanes.path();
    // The block's reductions before a closure, and each row's as its parameter (`Across`).
    let (r_arg, r_param) = (p.lanes.r_arg(), p.lanes.r_param());
    // The forward pass of the long build over `exp(p - max(p))` (softmax): the max pass also
    // finds `min(p)`, and the exp-and-sum pass runs the `exp` without gradual underflow where
    // the spread keeps every value normal (the same bits).
    let forward = match &p.store {
        Some((s, _)) => plan.forward_store.as_ref().is_some_and(|f| f.j == s.j),
        None => true,
    };
    let split = plan
        .normal_rows
        .as_ref()
        .filter(|_| forward && !p.with_t && matches!(p.lanes, Lanes::Long));
    let mut fast_entries = Vec::new();
    let mut entries = Vec::new();
    let mut targets = Vec::new();
    let mut extremes = Vec::new();
    let mut stored = None;
    let mut rescale = Vec::new();
    for (j, r) in plan.reductions.iter().enumerate() {
        if r.level != level {
            continue;
        }
        let body = names::body(j);
        if r.is_sum() {
            match &p.store {
                Some((s, _)) if s.j == j => {
                    let raw = &s.method;
                    let normal = names::body_raw_forward_normal(j);
                    stored = Some((
                        quote!(self.#raw::<F, FMA>(v, v, r)),
                        split
                            .filter(|_| plan.flushing.is_some())
                            .map(|_| quote!(self.#normal::<F, FMA>(v, v, r))),
                    ));
                    // A NaN input makes the sum NaN. The flushing `exp(x - max(x))` keeps
                    // NaN (and `max(x)` is NaN with it), so only other bodies need the select.
                    let e = if plan.flushing.is_some() {
                        quote!(raw)
                    } else {
                        quote!(#fl::select(#fl::is_nan(v), v, raw))
                    };
                    entries.push(e.clone());
                    fast_entries.push(e);
                }
                _ => {
                    entries.push(quote!(self.#body::<F, FMA>(v, r)));
                    fast_entries.push(if split.is_some_and(|n| n.bodies.contains(&j)) {
                        let normal = names::body_normal(j);
                        quote!(self.#normal::<F, FMA>(v, r))
                    } else {
                        quote!(self.#body::<F, FMA>(v, r))
                    });
                }
            }
            targets.push((quote!(r[#j]), r.scale()));
            if r.kind == Reduce::Mean {
                // A mean whose sum overflowed, recomputed scaled (cold: see `mean_rescaled`).
                rescale.push(quote! {
                    if #fl::is_nan(r[#j]) || #fl::is_infinite(r[#j]) {
                        r[#j] = ::act_core::__private::mean_rescaled(
                            &x[..], r[#j], #[inline(always)] |v| self.#body::<F, FMA>(v, r));
                    }
                });
            }
            if p.with_t {
                for &kk in &r.reads {
                    let f = names::body_dr(j, kk);
                    entries.push(quote!(self.#f::<F, FMA>(v, r)));
                    fast_entries.push(quote!(self.#f::<F, FMA>(v, r)));
                    targets.push((quote!(t[#j][#kk]), r.scale()));
                }
            }
            continue;
        }
        if split.is_some_and(|f| f.max == j) {
            let kf = quote!(<F as ::act_core::__private::FloatKernels>);
            // Short of `MAX_MIN_FROM` elements the minimum's cost per row (its lanes' tree)
            // outweighs the gain: the plain max, and the general path.
            extremes.push(quote! {
                let (hi, lo) = if x.len() >= ::act_core::__private::MAX_MIN_FROM {
                    ::act_core::__private::max_min_blocks(
                        x, #[inline(always)] |v| self.#body::<F, FMA>(v, r))
                } else {
                    let hi = ::act_core::__private::fold_blocks(
                        x, -#fl::INFINITY, #[inline(always)] |v| self.#body::<F, FMA>(v, r), #fl::max);
                    (hi, -#fl::INFINITY)
                };
                r[#j] = hi;
                let __act_normal = lo - hi >= #kf::__EXP_NORMAL_FROM;
            });
            continue;
        }
        let (init, comb) = if r.kind == Reduce::Max {
            (quote!(-#fl::INFINITY), quote!(max))
        } else {
            (quote!(#fl::INFINITY), quote!(min))
        };
        extremes.push(quote! {
            r[#j] = #lanes::fold_blocks(
                x, #r_arg #init, #[inline(always)] |v #r_param| self.#body::<F, FMA>(v, r), #fl::#comb);
        });
        if p.with_t && r.needs_arg {
            extremes.push(quote! {
                arg[#j] = #lanes::position_of(x, r[#j], #[inline(always)] |v| self.#body::<F, FMA>(v, r));
            });
        }
    }
    let targets = targets
        .into_iter()
        .enumerate()
        .map(|(i, (lhs, scale))| quote!(#lhs = sums[#i] #scale;));
    let m_len = entries.len();
    if m_len == 0 {
        return quote!(#(#extremes)*);
    }
    let sums_type = p.lanes.sums_type(m_len);
    let sums = match (stored, &p.store) {
        (Some((st, None)), Some((_, buf))) => quote! {
            let sums: #sums_type = #lanes::sum_lanes_store(x, #buf, #r_arg #[inline(always)] |v #r_param| {
                let raw: F = #st;
                ([#(#entries),*], raw)
            });
        },
        (Some((st, Some(normal))), Some((_, buf))) => quote! {
            let sums: [F; #m_len] = if __act_normal {
                #lanes::sum_lanes_store(x, #buf, #[inline(always)] |v| {
                    let raw: F = #normal;
                    ([#(#entries),*], raw)
                })
            } else {
                #lanes::sum_lanes_store(x, #buf, #[inline(always)] |v| {
                    let raw: F = #st;
                    ([#(#entries),*], raw)
                })
            };
        },
        _ if split.is_some_and(|n| n.bodies.iter().any(|b| plan.reductions[*b].level == level)) => {
            quote! {
                let sums: [F; #m_len] = if __act_normal {
                    #lanes::sum_lanes(x, #[inline(always)] |v| [#(#fast_entries),*])
                } else {
                    #lanes::sum_lanes(x, #[inline(always)] |v| [#(#entries),*])
                };
            }
        }
        _ => quote! {
            let sums: #sums_type = #lanes::sum_lanes(x, #r_arg #[inline(always)] |v #r_param| [#(#entries),*]);
        },
    };
    quote!(#(#extremes)* { #sums #(#targets)* } #(#rescale)*)
}

/// The body of the forward slice method in one lane set-up: the passes, then the output.
pub(super) fn forward_body(plan: &Plan, lanes: Lanes) -> TokenStream {
    let k = plan.k();
    let reds = passes(
        plan,
        &Passes {
            with_t: false,
            store: plan.forward_store.clone().map(|s| (s, lanes.out_arg("y"))),
            lanes,
        },
    );
    let output_pass = if let (Some(_), Lanes::Across(k)) = (plan.flushing, lanes) {
        // The factor of each row of the block, then the products.
        let value = names::value_stored();
        let one = quote!(<F as ::act_core::Float>::ONE);
        let pass = lanes.short_output_pass(["x", "x", "y"], quote!(oi * scale[b]));
        quote! {
            let scale = ::act_core::__private::across::per_row(
                x, &r, #[inline(always)] |x0: F, r: [F; #k]| self.#value::<F, FMA>(x0, #one, r));
            #pass
        }
    } else if plan.flushing.is_some() {
        // The value is the stored body times a factor of the reductions alone (see
        // `plan::flushable_exp`): that factor once, then one product per element, where the
        // general form divides by the sum in every element (one rounding more: the factor's).
        let value = names::value_stored();
        let one = quote!(<F as ::act_core::Float>::ONE);
        let pass = lanes
            .short_output_pass(["x", "x", "y"], quote!(oi * scale))
            .unwrap_or(quote! {
                for yi in y.iter_mut() {
                    *yi = *yi * scale;
                }
            });
        quote! {
            let scale: F = self.#value::<F, FMA>(x[0], #one, r);
            #pass
        }
    } else if plan.forward_store.is_some() {
        let value = names::value_stored();
        lanes
            .short_output_pass(["x", "x", "y"], quote!(self.#value::<F, FMA>(xi, oi, r)))
            .unwrap_or(quote! {
                for (&xi, yi) in x.iter().zip(y.iter_mut()) {
                    *yi = self.#value::<F, FMA>(xi, *yi, r);
                }
            })
    } else {
        let value = names::value();
        lanes
            .short_output_pass(["x", "x", "y"], quote!(self.#value::<F, FMA>(xi, r)))
            .unwrap_or(quote! {
                for (xi, yi) in x.iter().zip(y.iter_mut()) {
                    *yi = self.#value::<F, FMA>(*xi, r);
                }
            })
    };
    // The softmax family over a long row: two passes over memory (the online normaliser).
    let online = match (plan.family, lanes) {
        (
            Some(f @ (super::closed::Family::Softmax | super::closed::Family::Softmin)),
            Lanes::Long,
        ) => {
            let neg = f == super::closed::Family::Softmin;
            quote! {
                if x.len() >= ::act_core::__private::ONLINE_FROM {
                    ::act_core::__private::softmax_forward_online::<F, FMA>(#neg, x, y);
                    return;
                }
            }
        }
        (Some(super::closed::Family::LogSoftmax), Lanes::Long) => quote! {
            if x.len() >= ::act_core::__private::ONLINE_FROM {
                ::act_core::__private::log_softmax_forward_online::<F, FMA>(x, y);
                return;
            }
        },
        _ => quote!(),
    };
    let r_init = lanes.reductions(k);
    quote! {
        ::act_core::__private::check_len("x", x.len(), "y", y.len());
        if x.is_empty() {
            return;
        }
        #online
        let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
        let mut r = #r_init;
        #reds
        #output_pass
    }
}

/// The forward slice method and its builds for short and medium inputs.
pub(super) fn forward_methods(plan: &Plan) -> TokenStream {
    super::by_length(
        [
            slice::forward(),
            slice::forward_short(),
            slice::forward_medium(),
        ],
        quote!(x: &[F], y: &mut [F]),
        quote!(x, y),
        (&["x"], "y"),
        |lanes| forward_body(plan, lanes),
    )
}

/// The forward method over the rows of a batch.
pub(super) fn forward_rows_method(plan: &Plan) -> TokenStream {
    super::by_rows(
        slice::forward_rows(),
        quote!(x: &[F], cols: usize, y: &mut [F]),
        quote!(x, cols, y),
        |lanes| lanes.row_params(&["x"], "y"),
        ("for_rows", quote!(x, cols, y)),
        |lanes| forward_body(plan, lanes),
        plan.family.map(|_| (plan.k(), "forward_takes")),
    )
}
