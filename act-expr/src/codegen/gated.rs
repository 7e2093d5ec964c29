//! Code generation for a `gated` declaration: the struct, the per-element value, partials and
//! parameter partials, the slice loops (two inputs, and the `[a | b]` halves layout), and the
//! `act_core::Gated` and `act_core::DynGated` implementations.

use proc_macro2::TokenStream;
use quote::quote;

use super::emit::{
    body_near, in_range_test, joint_param_constants, near_kernel, param_constants, partials_body,
};
use super::method::propagates_nan_of;
use super::names::{self, slice};
use super::param_checks::ParamChecks;
use super::plan::Gate;
use super::{Kernels, body_with, dispatched_in_range, lit};
use crate::gated::GatedModel;
use crate::graph::{Id, Node};

/// The first paragraph of the doc comment.
pub(super) fn doc_summary(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A hidden method computing `root` at one pair `(x, b)` (`x` is the first input); NaN in
/// either input gives NaN out: by the formula itself where every step propagates NaN from
/// each input on its own (GLU, SwiGLU, GEGLU, ReGLU), as an elementwise activation's value
/// does (`method.rs`), else by an explicit select. The select cost the AVX2 slice loop three
/// instructions per vector (`vcmpordps`, `vaddps`, `vblendvps`) and two of its sixteen
/// registers; without it, a NaN input still gives NaN, its sign and payload those the
/// arithmetic passes on (as for elementwise activations), and every other result is the
/// same bits (the four built-ins, portable and AVX2, 3M pairs: random bit patterns, `a` in
/// [-250, 250] times `b` over the exponent range, and ±0, ±∞, NaNs and the kernels' range
/// edges in every combination).
fn pair_method(m: &GatedModel, name: &proc_macro2::Ident, root: Id) -> TokenStream {
    let b = body_with(&m.graph, root, &m.param_names, None, true, Kernels::Slice);
    pair_method_with(m, name, root, b)
}

/// [`pair_method`] with the body `b` of `root` (the value's near body, see [`forward_loop`]).
fn pair_method_with(
    m: &GatedModel,
    name: &proc_macro2::Ident,
    root: Id,
    b: TokenStream,
) -> TokenStream {
    let fl = quote!(<F as ::act_core::Float>);
    let propagates = propagates_nan_of(&m.graph, root, |n| matches!(n, Node::X))
        && propagates_nan_of(&m.graph, root, |n| matches!(n, Node::B));
    let out = if propagates {
        quote!(y)
    } else {
        quote!(#fl::select(#fl::is_nan(x) | #fl::is_nan(b), x + b, y))
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F, b: F) -> F {
            let y: F = { #b };
            #out
        }
    }
}

/// A hidden method computing both partials at one pair `(x, b)`, from one body where they
/// share work (GLU's `sigmoid(b)` and `a sigmoid'(b)` from one exponential and one division,
/// see [`partials_body`]); NaN in either input gives NaN out.
fn partials_method(m: &GatedModel, name: &proc_macro2::Ident) -> TokenStream {
    let b = partials_body(&m.graph, m.da_code, m.db, &m.param_names);
    let fl = quote!(<F as ::act_core::Float>);
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F, b: F) -> (F, F) {
            let (pa, pb): (F, F) = { #b };
            let nan = #fl::is_nan(x) | #fl::is_nan(b);
            (#fl::select(nan, x + b, pa), #fl::select(nan, x + b, pb))
        }
    }
}

/// Expands a gated model into the struct and its trait implementations.
pub fn expand(m: &GatedModel) -> TokenStream {
    let structure = struct_items(m);
    let methods = methods(m);
    let gated = gated_impl(m);
    let dyn_gated = dyn_impl(m);
    quote! {
        #structure
        #methods
        #gated
        #dyn_gated
    }
}

/// The parameter surface of a gated model (see [`ParamChecks`]).
fn param_checks(m: &GatedModel) -> ParamChecks<'_> {
    ParamChecks {
        name: &m.decl.name,
        params: &m.param_names,
        constraints: &m.constraints,
        owner: quote!(::act_core::Gated),
    }
}

/// The struct, its `Default`, and its `new` and `try_new`.
fn struct_items(m: &GatedModel) -> TokenStream {
    super::struct_items(&m.decl, &m.defaults, param_checks(m).constructors())
}

/// The per-element methods and the dispatched slice methods.
fn methods(m: &GatedModel) -> TokenStream {
    let name = &m.decl.name;
    let (value, partials) = (names::value(), names::partials());
    let (forward, backward) = (slice::forward(), slice::backward());
    let backward_params = slice::backward_params();
    let value_fn = pair_method(m, &value, m.f);
    let partials_fn = partials_method(m, &partials);
    let dp_fns: Vec<TokenStream> = m
        .param_partials
        .iter()
        .enumerate()
        .map(|(k, &d)| pair_method(m, &names::param_partial(k), d))
        .collect();
    let dp_arms = (0..m.param_names.len()).map(|k| {
        let f = names::param_partial(k);
        quote!(#k => self.#f::<F, FMA>(u, v),)
    });
    let dk = quote! {
        #[inline(always)] |k: usize, u: F, v: F| -> F {
            match k {
                #(#dp_arms)*
                _ => <F as ::act_core::Float>::NAN,
            }
        }
    };
    // Parameter constants beyond `F`'s range (`FloatKernels::__param_in_range`), per method:
    // where one fails, the `f64` code on widened slices, each result rounded once.
    let in_range = |roots: &[Id]| {
        let mut cs = Vec::new();
        param_constants(&m.graph, roots, &m.param_names, true, &mut cs);
        in_range_test(cs)
    };
    let mut partials_consts = Vec::new();
    param_constants(
        &m.graph,
        &[m.da_code, m.db],
        &m.param_names,
        true,
        &mut partials_consts,
    );
    partials_consts.extend(joint_param_constants(
        &m.graph,
        m.da_code,
        m.db,
        &m.param_names,
    ));
    let (forward_body, value_near_fn) = forward_loop(m);
    let forward_slice = dispatched_in_range(
        forward.clone(),
        quote!(a: &[F], b: &[F], y: &mut [F]),
        quote!(a, b, y),
        forward_body,
        &in_range(&[m.f]),
    );
    let backward_slice = dispatched_in_range(
        backward.clone(),
        quote!(a: &[F], b: &[F], grad_y: &[F], grad_a: &mut [F], grad_b: &mut [F]),
        quote!(a, b, grad_y, grad_a, grad_b),
        quote!(::act_core::__private::backward_pairs(
            a,
            b,
            grad_y,
            grad_a,
            grad_b,
            #[inline(always)]
            |u, v| self.#partials::<F, FMA>(u, v),
        )),
        &in_range_test(partials_consts),
    );
    let backward_params_fn = dispatched_in_range(
        backward_params.clone(),
        quote!(a: &[F], b: &[F], grad_y: &[F], grad_params: &mut [F]),
        quote!(a, b, grad_y, grad_params),
        quote!(::act_core::__private::backward_params_pairs(a, b, grad_y, grad_params, #dk)),
        &in_range(&m.param_partials),
    );

    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #value_fn
            #value_near_fn
            #partials_fn
            #(#dp_fns)*
            #forward_slice
            #backward_slice
            #backward_params_fn
        }
    }
}

/// The forward slice loop, and the near value method it calls if any. Where the value's body
/// has one scaled kernel call of an input with a near form (GLU's `sigmoid(b)`, SwiGLU's
/// `silu(a)`, GEGLU's `gelu(a)`; `plan::Body::near`), a lean first pass: per chunk, a scan of
/// that input for any element below the kernel's bound or NaN (`FloatKernels::__near_from`: f32 -69
/// for the sigmoid and SiLU, -10 for GELU), then the near body over the chunk where there is
/// none (no tail tests or selects, no product by `1/c`), the full one otherwise
/// (`act_core::__private::map_pairs_near`; a NaN gate counts as below). The near kernel gives
/// the full one's bits at and above its bound, so the results are those of the full loop.
/// Otherwise the full loop alone (`map_pairs`).
fn forward_loop(m: &GatedModel) -> (TokenStream, TokenStream) {
    let value = names::value();
    let full = quote!(#[inline(always)] |u, v| self.#value::<F, FMA>(u, v));
    let Some((body, near)) = body_near(&m.graph, m.f, &m.param_names) else {
        return (
            quote!(::act_core::__private::map_pairs(a, b, y, #full)),
            quote!(),
        );
    };
    let value_near = names::value_near();
    let method = pair_method_with(m, &value_near, m.f, body);
    let gate_is_b = near.gate == Gate::B;
    let k = near_kernel(&near);
    let from = quote!(<F as ::act_core::__private::FloatKernels>::__near_from(#k));
    let body = quote!(::act_core::__private::map_pairs_near(
        a,
        b,
        y,
        #gate_is_b,
        #from,
        #[inline(always)]
        |u, v| self.#value_near::<F, FMA>(u, v),
        #full
    ));
    (body, method)
}

/// The `act_core::Gated` implementation: metadata, parameters, and the trait's methods over
/// the dispatched slice methods.
fn gated_impl(m: &GatedModel) -> TokenStream {
    let name = &m.decl.name;
    let name_str = name.to_string();
    let pstrs = &m.param_names;
    let defaults: Vec<TokenStream> = m.defaults.iter().map(|&d| lit(d)).collect();
    let nparams = pstrs.len();
    let formula = &m.formula_text;
    let [pa, pb] = &m.partial_texts;
    let [in_a, in_b] = &m.inputs;
    let pd_texts = &m.param_partial_texts;
    let slice_methods = gated_slice_methods(nparams);
    let param_items = param_checks(m).trait_items();

    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Gated for #name {
            const NAME: &'static str = #name_str;
            const INPUTS: [&'static str; 2] = [#in_a, #in_b];
            const FORMULA: &'static str = #formula;
            const PARTIALS: [&'static str; 2] = [#pa, #pb];
            const PARAMS: &'static [::act_core::ParamInfo] = &[
                #( ::act_core::ParamInfo { name: #pstrs, default: #defaults } ),*
            ];
            const PARAM_DERIVATIVES: &'static [&'static str] = &[#(#pd_texts),*];

            #param_items

            #slice_methods
        }
    }
}

/// The `Gated` methods over the dispatched slice methods: one element through the slice
/// loops, the slices, the `[a | b]` halves layout, and the parameter gradients.
fn gated_slice_methods(nparams: usize) -> TokenStream {
    let (forward, backward) = (slice::forward(), slice::backward());
    let backward_params = slice::backward_params();
    quote! {
            // One element through the slice loops: the same code, and so the same bits, as
            // the slice methods on this CPU.
            #[inline]
            fn forward<F: ::act_core::Float>(&self, a: F, b: F) -> F {
                let mut y = [a];
                self.#forward(&[a], &[b], &mut y);
                y[0]
            }

            #[inline]
            fn partials<F: ::act_core::Float>(&self, a: F, b: F) -> (F, F) {
                let (mut ga, mut gb) = ([a], [b]);
                self.#backward(&[a], &[b], &[<F as ::act_core::Float>::ONE], &mut ga, &mut gb);
                (ga[0], gb[0])
            }

            #[inline]
            fn forward_slice<F: ::act_core::Float>(&self, a: &[F], b: &[F], y: &mut [F]) {
                self.#forward(a, b, y)
            }

            #[inline]
            fn backward_slice<F: ::act_core::Float>(&self, a: &[F], b: &[F], grad_y: &[F], grad_a: &mut [F], grad_b: &mut [F]) {
                self.#backward(a, b, grad_y, grad_a, grad_b)
            }

            fn forward_halves<F: ::act_core::Float>(&self, x: &[F], cols: usize, y: &mut [F]) {
                ::act_core::__private::check_halves(x.len(), "y", y.len(), cols);
                if cols == 0 {
                    return;
                }
                for (xr, yr) in x.chunks(2 * cols).zip(y.chunks_mut(cols)) {
                    let (a, b) = xr.split_at(cols);
                    self.#forward(a, b, yr);
                }
            }

            fn backward_halves<F: ::act_core::Float>(&self, x: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]) {
                ::act_core::__private::check_halves(x.len(), "grad_y", grad_y.len(), cols);
                ::act_core::__private::check_len("x", x.len(), "grad_x", grad_x.len());
                if cols == 0 {
                    return;
                }
                for ((xr, gr), gx) in x.chunks(2 * cols).zip(grad_y.chunks(cols)).zip(grad_x.chunks_mut(2 * cols)) {
                    let (a, b) = xr.split_at(cols);
                    let (ga, gb) = gx.split_at_mut(cols);
                    self.#backward(a, b, gr, ga, gb);
                }
            }

            fn param_derivatives<F: ::act_core::Float>(&self, a: F, b: F, d: &mut [F]) {
                ::act_core::__private::check_len("PARAMS", #nparams, "d", d.len());
                self.#backward_params(&[a], &[b], &[<F as ::act_core::Float>::ONE], d);
            }

            #[inline]
            fn backward_params<F: ::act_core::Float>(&self, a: &[F], b: &[F], grad_y: &[F], grad_params: &mut [F]) {
                ::act_core::__private::check_len("PARAMS", #nparams, "grad_params", grad_params.len());
                self.#backward_params(a, b, grad_y, grad_params)
            }
    }
}

/// The `act_core::DynGated` implementation, over the `Gated` one.
fn dyn_impl(m: &GatedModel) -> TokenStream {
    let name = &m.decl.name;
    let summary = doc_summary(&m.decl.attrs);
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::DynGated for #name {
            fn name(&self) -> &'static str { <Self as ::act_core::Gated>::NAME }
            fn summary(&self) -> &'static str { #summary }
            fn inputs(&self) -> [&'static str; 2] { <Self as ::act_core::Gated>::INPUTS }
            fn formula(&self) -> &'static str { <Self as ::act_core::Gated>::FORMULA }
            fn partial_formulas(&self) -> [&'static str; 2] { <Self as ::act_core::Gated>::PARTIALS }
            fn param_info(&self) -> &'static [::act_core::ParamInfo] { <Self as ::act_core::Gated>::PARAMS }
            fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> { ::act_core::Gated::params(self) }
            fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Gated::set_param(self, name, value)
            }
            fn set_params(&mut self, values: &[(&str, f64)]) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Gated::set_params(self, values)
            }
            fn conditions(&self) -> &'static [&'static str] { <Self as ::act_core::Gated>::CONDITIONS }
            fn eval(&self, a: f64, b: f64) -> (f64, f64, f64) {
                let (da, db) = ::act_core::Gated::partials(self, a, b);
                (::act_core::Gated::forward(self, a, b), da, db)
            }
        }
    }
}
