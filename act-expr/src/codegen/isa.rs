//! Slice methods in one build per instruction-set tier ([`crate::isa::TIERS`]) and the
//! baseline, with a run-time choice among them.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::isa::TIERS;

/// A dispatched slice method: its name, parameters (`x: &[F], y: &mut [F]`), the arguments
/// passing them on (`x, y`) and the body of every build.
pub(super) struct Dispatched {
    pub name: Ident,
    pub params: TokenStream,
    pub args: TokenStream,
    pub body: TokenStream,
    /// Run first in the public method, before the choice of build (where it may hand the call
    /// to another method).
    pub prelude: TokenStream,
}

/// A slice method in every tier's build and the baseline, with a run-time choice among them.
/// The body is repeated in each `#[target_feature]` function (rather than called) so that the
/// closures it defines inherit the features and the math inlines into them.
pub(super) fn dispatched(
    name: Ident,
    params: TokenStream,
    args: TokenStream,
    body: TokenStream,
) -> TokenStream {
    Dispatched {
        name,
        params,
        args,
        body,
        prelude: quote!(),
    }
    .expand()
}

/// [`dispatched`] with the `f64` path for parameters beyond `F`'s range: where `in_range`
/// (a test of the parameter constants the body uses, see `emit::in_range_test`) fails, the
/// public method runs the `f64` build on widened copies of the slices and rounds the results
/// once (`act_core::__via_f64!`), before the choice of build; the builds themselves are
/// unchanged. Without a test, [`dispatched`].
pub(super) fn dispatched_in_range(
    name: Ident,
    params: TokenStream,
    args: TokenStream,
    body: TokenStream,
    in_range: &Option<TokenStream>,
) -> TokenStream {
    let prelude = in_range
        .as_ref()
        .map(|t| {
            quote! {
                if !(#t) {
                    return ::act_core::__via_f64!(self.#name(#params));
                }
            }
        })
        .unwrap_or_default();
    Dispatched {
        name,
        params,
        args,
        body,
        prelude,
    }
    .expand()
}

impl Dispatched {
    /// The public method and one hidden `unsafe` method per tier.
    pub(super) fn expand(&self) -> TokenStream {
        let Dispatched {
            name: plain,
            params,
            args,
            body,
            prelude,
        } = self;
        let tier_fn = |name: &str| format_ident!("{}_{}", plain, name);
        // Best first: the first tier the CPU has wins.
        let arms = TIERS.iter().rev().map(|t| {
            let (variant, f) = (format_ident!("{}", t.variant), tier_fn(t.name));
            quote!(::act_core::dispatch::Isa::#variant => return unsafe { self.#f(#args) },)
        });
        let builds = TIERS.iter().map(|t| {
            let (features, f) = (t.target_feature(), tier_fn(t.name));
            quote! {
                #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                #[doc(hidden)]
                #[target_feature(enable = #features)]
                unsafe fn #f<F: ::act_core::Float>(&self, #params) {
                    const FMA: bool = true;
                    #body
                }
            }
        });
        // `FMA` selects the kernels' fused variants: in the tiers' builds, and in the portable
        // one where the target always has it (aarch64) or was compiled with it.
        quote! {
            #[doc(hidden)]
            #[inline]
            pub fn #plain<F: ::act_core::Float>(&self, #params) {
                // f16 and bf16 (act-core's `half` feature) run the f32 code and round once.
                if <F as ::act_core::__private::FloatKernels>::__COMPUTED_IN_F32 {
                    return ::act_core::__via_f32!(self.#plain(#params));
                }
                #prelude
                #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                match ::act_core::dispatch::active() {
                    // SAFETY: `active()` only reports a level the CPU supports.
                    #(#arms)*
                    ::act_core::dispatch::Isa::Portable => {}
                }
                const FMA: bool = cfg!(any(target_arch = "aarch64", target_feature = "fma"));
                #body
            }

            #(#builds)*
        }
    }
}
