//! The methods of a vector activation, from a [`plan::Plan`]: the per-element methods
//! ([`methods`]), the passes and the forward slice method ([`passes`]), the vector-Jacobian
//! product ([`vjp`]), and the Jacobian, its diagonal and the row methods ([`jacobian`]).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

mod closed;
mod jacobian;
mod methods;
mod passes;
mod plan;
mod vjp;

use super::isa::{Dispatched, dispatched};
use crate::model::Model;
pub(super) use plan::Lanes;
use plan::Plan;

pub(super) fn expand(m: &Model) -> TokenStream {
    let plan = Plan::new(m);
    let name = &m.decl.name;
    let methods = methods::expand(&plan);
    let forward = passes::forward_methods(&plan);
    let prepare = jacobian::prepare(&plan);
    let forward_rows = passes::forward_rows_method(&plan);
    let backward = vjp::backward_methods(&plan);
    let backward_rows = vjp::backward_rows_method(&plan);
    let diagonal = jacobian::diagonal(&plan);
    let vector_impl = jacobian::vector_impl(&plan);
    quote! {
        #[allow(unused_variables, unused_mut, clippy::all)]
        impl #name {
            #methods
            #forward
            #forward_rows
            #prepare
            #backward
            #backward_rows
            #diagonal
        }

        #vector_impl
    }
}

/// A slice method in three builds, by the input's length: at most `short::LEN` (a row of a
/// few classes) in 16 lanes, at most `medium::LEN` in 64, both in registers; longer over 256
/// lanes in memory. Same
/// results (see `act_core::__private::short`); the set-up of 256 lanes costs more than a
/// short row. Separate functions, so that the long build's code is what it is alone.
/// `names` are the general method's, the short build's and the medium one's; `slices` the
/// names of the inputs (the first one's length decides) and of the output. The short and
/// medium builds run the input as one row of their rows loops (`short::for_rows`), which
/// read and write whole vectors.
pub(super) fn by_length(
    [long, short, medium]: [Ident; 3],
    params: TokenStream,
    args: TokenStream,
    (inputs, output): (&[&str], &str),
    body: impl Fn(Lanes) -> TokenStream,
) -> TokenStream {
    let short_len = quote!(::act_core::__private::short::LEN);
    let medium_len = quote!(::act_core::__private::medium::LEN);
    let first = format_ident!("{}", inputs[0]);
    let len = quote!(#first.len());
    let general = Dispatched {
        name: long,
        params: params.clone(),
        args: args.clone(),
        body: body(Lanes::Long),
        prelude: quote! {
            if #len <= #short_len {
                return self.#short(#args);
            }
            if #len <= #medium_len {
                return self.#medium(#args);
            }
        },
    };
    let build = |name: Ident, body: TokenStream| Dispatched {
        name,
        params: params.clone(),
        args: args.clone(),
        body,
        prelude: quote!(),
    };
    // The checks of the slices' lengths come first, with the slices' names (the row loop
    // only sees rows of equal lengths).
    let names: Vec<_> = inputs
        .iter()
        .chain([&output])
        .map(|n| format_ident!("{}", n))
        .collect();
    let checks: Vec<_> = names[1..]
        .iter()
        .map(|n| {
            let (a, b) = (first.to_string(), n.to_string());
            quote!(::act_core::__private::check_len(#a, #first.len(), #b, #n.len());)
        })
        .collect();
    let helper = if inputs.len() == 1 {
        quote!(for_rows)
    } else {
        quote!(for_rows2)
    };
    let (ins, out) = (&names[..inputs.len()], &names[inputs.len()]);
    let one_row = |lanes: Lanes| {
        let (path, row_params, b) = (lanes.path(), lanes.row_params(inputs, output), body(lanes));
        quote! {
            #(#checks)*
            #path::#helper(#(#ins,)* #len, #out, #[inline(always)] |#row_params| { #b });
        }
    };
    let (short, medium) = (
        build(short.clone(), one_row(Lanes::Short)),
        build(medium.clone(), one_row(Lanes::Medium)),
    );
    let (general, short, medium) = (general.expand(), short.expand(), medium.expand());
    quote!(#general #short #medium)
}

/// A method over a row-major batch of rows of `cols`: dispatched once for the batch (not once
/// per row), every row computed by the build of the slice method for its length (see
/// [`by_length`]; all rows have the same), inlined into the loop as a closure; rows of at
/// 1 to [`plan::EXACT_UP_TO`] elements take builds of their own in as many lanes, in which
/// the row's length is a constant and the compiler vectorises the rows loop across rows (the
/// same bits as the short build's: the lanes past a row hold the folds' identities); with
/// `across` (the number of reductions `k` and the name of a predicate of `act_core`'s
/// `across` module on `cols`; given for `forward_rows` of a member of the softmax family
/// only), the rows it accepts (9 to 32 at most) take one build for all those lengths, in
/// blocks of rows side by side ([`Lanes::Across`]). `params` are the method's, `row_params`
/// the row closure's by build, and `rows` the helper that loops over the rows and its
/// arguments before the closure (`for_rows`, `x, cols, y`).
pub(super) fn by_rows(
    name: Ident,
    params: TokenStream,
    args: TokenStream,
    row_params: impl Fn(Lanes) -> TokenStream,
    (helper, rows_args): (&str, TokenStream),
    body: impl Fn(Lanes) -> TokenStream,
    across: Option<(usize, &str)>,
) -> TokenStream {
    let helper = quote::format_ident!("{}", helper);
    let short_len = quote!(::act_core::__private::short::LEN);
    let medium_len = quote!(::act_core::__private::medium::LEN);
    // The short and medium builds' rows loops pass windows of the batch
    // (`short::for_rows`), the long one plain row slices.
    let call = |lanes: Lanes| {
        let (b, row_params) = (body(lanes), row_params(lanes));
        let path = match lanes {
            Lanes::Short | Lanes::Medium | Lanes::Exact(_) | Lanes::Across(_) => lanes.path(),
            Lanes::Long => quote!(::act_core::__private),
        };
        quote!(#path::#helper(#rows_args, #[inline(always)] |#row_params| { #b }))
    };
    let (short, medium, long) = (call(Lanes::Short), call(Lanes::Medium), call(Lanes::Long));
    // `cols` 0 runs nothing, in any build.
    let exact = (1..=plan::EXACT_UP_TO).map(|n| {
        let b = call(Lanes::Exact(n));
        let n = if n == 1 {
            quote!(cols <= 1)
        } else {
            quote!(cols == #n)
        };
        quote!(if #n { #b } else)
    });
    let across = across.map(|(k, takes)| {
        let b = call(Lanes::Across(k));
        let takes = format_ident!("{}", takes);
        quote!(if ::act_core::__private::across::#takes(cols) { #b } else)
    });
    dispatched(
        name,
        params,
        args,
        quote! {
            #(#exact)* #across if cols <= #short_len {
                #short
            } else if cols <= #medium_len {
                #medium
            } else {
                #long
            }
        },
    )
}
