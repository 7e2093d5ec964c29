//! The methods of a vector activation, from a [`plan::Plan`]: the per-element methods
//! ([`methods`]), the passes and the forward slice method ([`passes`]), the vector-Jacobian
//! product ([`vjp`]), and the Jacobian, its diagonal and the row methods ([`jacobian`]).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

mod jacobian;
mod methods;
mod passes;
mod plan;
mod vjp;

use super::isa::Dispatched;
use crate::model::Model;
use plan::{Lanes, Plan};

pub(super) fn expand(m: &Model) -> TokenStream {
    let plan = Plan::new(m);
    let name = &m.decl.name;
    let methods = methods::expand(&plan);
    let forward = passes::forward_methods(&plan);
    let prepare = jacobian::prepare(&plan);
    let backward = vjp::backward_methods(&plan);
    let diagonal = jacobian::diagonal(&plan);
    let vector_impl = jacobian::vector_impl(&plan);
    quote! {
        #[allow(unused_variables, unused_mut, clippy::all)]
        impl #name {
            #methods
            #forward
            #prepare
            #backward
            #diagonal
        }

        #vector_impl
    }
}

/// A slice method in three builds, by the input's length: at most `short::LEN` (a row of a
/// few classes) in registers, at most `medium::LEN` over 64 lanes, longer over 256. Same
/// results (see `act_core::__private::short`); the set-up of 256 lanes costs more than a
/// short row. Separate functions, so that the long build's code is what it is alone.
/// `names` are the general method's, the short build's and the medium one's.
fn by_length(
    [long, short, medium]: [Ident; 3],
    params: TokenStream,
    args: TokenStream,
    body: impl Fn(Lanes) -> TokenStream,
) -> TokenStream {
    let short_len = quote!(::act_core::__private::short::LEN);
    let medium_len = quote!(::act_core::__private::medium::LEN);
    let general = Dispatched {
        name: long,
        params: params.clone(),
        args: args.clone(),
        body: body(Lanes::Long),
        prelude: quote! {
            if x.len() <= #short_len {
                return self.#short(#args);
            }
            if x.len() <= #medium_len {
                return self.#medium(#args);
            }
        },
    };
    let build = |name: Ident, lanes: Lanes| Dispatched {
        name,
        params: params.clone(),
        args: args.clone(),
        body: body(lanes),
        prelude: quote!(),
    };
    let (short, medium) = (
        build(short.clone(), Lanes::Short),
        build(medium.clone(), Lanes::Medium),
    );
    let (general, short, medium) = (general.expand(), short.expand(), medium.expand());
    quote!(#general #short #medium)
}
