//! The methods of an elementwise activation: scalar value and derivative, and the slice loops.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::emit::{f32_one_element_only, in_range_test, param_constants, round_once_params};
use super::names::{self, slice};
use super::tail;
use super::{Kernels, dispatched_in_range, method_plain, method_with};
use crate::isa::TIERS;
use crate::model::Model;

/// A renaming of the per-element methods (to their plain twins, or none).
type Rename<'a> = &'a dyn Fn(&Ident) -> Ident;

pub(super) fn expand(m: &Model) -> TokenStream {
    let name = &m.decl.name;
    let (value, deriv) = (names::value(), names::deriv());
    let (forward, backward) = (slice::forward(), slice::backward());
    let (derivative, in_place) = (slice::derivative(), slice::forward_in_place());
    let (forward_one, derivative_one) = (names::forward_one(), names::derivative_one());
    // Tail selects (`codegen/tail.rs`): a lean copy of the value and of the derivative for
    // the chunks with no input in the tail; the full body, with the limit fix-up where the
    // formula needs one, runs again over the others.
    let mut lm = m.clone();
    let value_tail = tail::lean(&mut lm.graph, m.f);
    let deriv_tail = tail::lean(&mut lm.graph, m.df);
    // Products by a parameter rounded once (`plan/overflow.rs`): the parameter factors of
    // those in the value's bodies (full and lean) and the derivative's. Where there are any,
    // every method of that side has a twin with the plain products (`_plain`), and each slice
    // loop and scalar method chooses between the two once per call, by the parameters'
    // values (`FloatKernels::__plain_param`): the defaults of leaky ReLU, PReLU and CELU run
    // the plain code. One test per call, none per element: each loop stays as packed as it
    // was.
    let params_of = |g: &crate::graph::Graph, root| {
        round_once_params(g, root, &m.param_names, true)
            .into_iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
    };
    let side_params = |root, lean: Option<(crate::graph::Id, f64)>| {
        let mut ps = params_of(&m.graph, root);
        ps.extend(
            lean.map(|(r, _)| params_of(&lm.graph, r))
                .unwrap_or_default(),
        );
        ps.sort();
        ps.dedup();
        ps
    };
    let plain_test = |ps: Vec<String>| -> Option<TokenStream> {
        let tests = ps.iter().map(|p| {
            let p: TokenStream = p.parse().expect("a parameter product");
            quote!(<F as ::act_core::__private::FloatKernels>::__plain_param(#p))
        });
        (!ps.is_empty()).then(|| quote!(#(#tests)&&*))
    };
    let value_plain = plain_test(side_params(m.f, value_tail));
    let deriv_plain = plain_test(side_params(m.df, deriv_tail));
    // Parameter constants beyond `F`'s range (`FloatKernels::__param_in_range`): each side's
    // constants (full and lean bodies), tested once per call; where one fails, the `f64` code
    // runs on widened arguments and each result is rounded once.
    let side_in_range = |root, lean: Option<(crate::graph::Id, f64)>| {
        let mut cs = Vec::new();
        param_constants(&m.graph, &[root], &m.param_names, true, &mut cs);
        if let Some((r, _)) = lean {
            param_constants(&lm.graph, &[r], &m.param_names, true, &mut cs);
        }
        in_range_test(cs)
    };
    let value_in_range = side_in_range(m.f, value_tail);
    let deriv_in_range = side_in_range(m.df, deriv_tail);
    // `body(names)` where the side has no product rounded once, else the choice between
    // `body(plain twins)` and `body(names)`.
    let choose = |test: &Option<TokenStream>, body: &dyn Fn(Rename<'_>) -> TokenStream| {
        let same = body(&|n: &Ident| n.clone());
        match test {
            None => same,
            Some(t) => {
                let plain = body(&|n: &Ident| names::plain(n));
                quote!(if #t { #plain } else { #same })
            }
        }
    };
    // The methods, and their plain twins where a side has products rounded once.
    let (value_one, deriv_one) = (names::value_one(), names::deriv_one());
    let (value_lean, deriv_lean) = (names::value_lean(), names::deriv_lean());
    let with_twin = |test: &Option<TokenStream>, g: &Model, n: &Ident, root, k: Kernels| {
        let own = method_with(g, n, root, k);
        let twin = test
            .as_ref()
            .map(|_| method_plain(g, &names::plain(n), root, k));
        quote!(#own #twin)
    };
    let value_fn = with_twin(&value_plain, m, &value, m.f, Kernels::Slice);
    let deriv_fn = with_twin(&deriv_plain, m, &deriv, m.df, Kernels::Slice);
    // The scalar methods' bodies: the same plan, calling `OneKernels` (see `scalar`).
    let value_one_fn = with_twin(&value_plain, m, &value_one, m.f, Kernels::One);
    let deriv_one_fn = with_twin(&deriv_plain, m, &deriv_one, m.df, Kernels::One);
    let value_lean_fn =
        value_tail.map(|(root, _)| with_twin(&value_plain, &lm, &value_lean, root, Kernels::Slice));
    let deriv_lean_fn =
        deriv_tail.map(|(root, _)| with_twin(&deriv_plain, &lm, &deriv_lean, root, Kernels::Slice));
    // Straight-line code gives NaN where an intermediate overflows (`x * sigmoid(x)` at -∞ is
    // `∞ * 0`); those results are replaced by the limit, off the hot path.
    // Formulas that never do (checked at compile time, for the value and the derivative
    // apart) skip the check. The closures are `#[inline(always)]`: the limit path calls them
    // too, and with two call sites LLVM may otherwise keep a large body out of line, leaving
    // the main loop scalar.
    let (map1, map_in_place) = if m.value_needs_limit {
        (quote!(map1_limit), quote!(map_in_place_limit))
    } else {
        (quote!(map1), quote!(map_in_place))
    };
    let (deriv_map1, map2) = if m.deriv_needs_limit {
        (quote!(map1_limit), quote!(map2_limit))
    } else {
        (quote!(map1), quote!(map2))
    };
    let from = |t: f64| quote!(<F as ::act_core::Float>::from_f64(#t));
    let (value_limit, deriv_limit) = (m.value_needs_limit, m.deriv_needs_limit);
    let forward_body = choose(&value_plain, &|n| {
        let (value, value_lean) = (n(&value), n(&value_lean));
        match value_tail {
            Some((_, t)) => {
                let t = from(t);
                quote!(::act_core::__private::map1_tail::<F, #value_limit>(x, y, #t,
                    #[inline(always)] |v| self.#value_lean::<F, FMA>(v),
                    #[inline(always)] |v| self.#value::<F, FMA>(v)))
            }
            None => {
                quote!(::act_core::__private::#map1(x, y, #[inline(always)] |v| self.#value::<F, FMA>(v)))
            }
        }
    });
    let in_place_body = choose(&value_plain, &|n| {
        let (value, value_lean) = (n(&value), n(&value_lean));
        match value_tail {
            Some((_, t)) => {
                let t = from(t);
                quote!(::act_core::__private::map_in_place_tail::<F, #value_limit>(x, #t,
                    #[inline(always)] |v| self.#value_lean::<F, FMA>(v),
                    #[inline(always)] |v| self.#value::<F, FMA>(v)))
            }
            None => {
                quote!(::act_core::__private::#map_in_place(x, #[inline(always)] |v| self.#value::<F, FMA>(v)))
            }
        }
    });
    let backward_body = choose(&deriv_plain, &|n| {
        let (deriv, deriv_lean) = (n(&deriv), n(&deriv_lean));
        match deriv_tail {
            Some((_, t)) => {
                let t = from(t);
                quote!(::act_core::__private::map2_tail::<F, #deriv_limit>(x, grad_y, grad_x, #t,
                    #[inline(always)] |v, g| g * self.#deriv_lean::<F, FMA>(v),
                    #[inline(always)] |v, g| g * self.#deriv::<F, FMA>(v)))
            }
            None => {
                quote!(::act_core::__private::#map2(x, grad_y, grad_x, #[inline(always)] |v, g| g * self.#deriv::<F, FMA>(v)))
            }
        }
    });
    let derivative_body = choose(&deriv_plain, &|n| {
        let (deriv, deriv_lean) = (n(&deriv), n(&deriv_lean));
        match deriv_tail {
            Some((_, t)) => {
                let t = from(t);
                quote!(::act_core::__private::map1_tail::<F, #deriv_limit>(x, dy, #t,
                    #[inline(always)] |v| self.#deriv_lean::<F, FMA>(v),
                    #[inline(always)] |v| self.#deriv::<F, FMA>(v)))
            }
            None => {
                quote!(::act_core::__private::#deriv_map1(x, dy, #[inline(always)] |v| self.#deriv::<F, FMA>(v)))
            }
        }
    });
    let forward_slice = dispatched_in_range(
        forward.clone(),
        quote!(x: &[F], y: &mut [F]),
        quote!(x, y),
        forward_body,
        &value_in_range,
    );
    let backward_slice = dispatched_in_range(
        backward,
        quote!(x: &[F], grad_y: &[F], grad_x: &mut [F]),
        quote!(x, grad_y, grad_x),
        backward_body,
        &deriv_in_range,
    );
    let derivative_slice = dispatched_in_range(
        derivative.clone(),
        quote!(x: &[F], dy: &mut [F]),
        quote!(x, dy),
        derivative_body,
        &deriv_in_range,
    );
    let in_place_slice = dispatched_in_range(
        in_place.clone(),
        quote!(x: &mut [F]),
        quote!(x),
        in_place_body,
        &value_in_range,
    );
    let (one_value, one_deriv) = (
        if m.value_needs_limit {
            quote!(one_limit)
        } else {
            quote!(one)
        },
        if m.deriv_needs_limit {
            quote!(one_limit)
        } else {
            quote!(one)
        },
    );
    // The f32 body that skips the build check, as a statement returning early: where every
    // kernel of the body (of its plain twin, if the parameters allow it) has an f32
    // one-element form. (The limit fix-up stays a call off a branch: a select between the
    // limits at ±∞, which a vectorised loop would need, cost swish's one-element loop 30%,
    // and the callers' loops measured were not vectorised anyway.)
    let inline_stmt = |root, needs_limit: bool, method: &Ident, test: &Option<TokenStream>| {
        let one = if needs_limit {
            quote!(one_limit)
        } else {
            quote!(one)
        };
        let one_element = quote!(<F as ::act_core::__private::OneKernels>::__ONE_ELEMENT_SIGMOID);
        let call = |method: &Ident| quote!(::act_core::__private::#one(x, #[inline(always)] |v| self.#method::<F, FMA>(v)));
        let only = |plain| f32_one_element_only(&m.graph, root, &m.param_names, true, plain);
        match test {
            _ if only(false) => {
                let c = call(method);
                Some(quote!(if #one_element { return #c; }))
            }
            Some(t) if only(true) => {
                let c = call(&names::plain(method));
                Some(quote!(if #one_element && #t { return #c; }))
            }
            _ => None,
        }
    };
    let scalar_body = |one: &TokenStream, method: &Ident, test: &Option<TokenStream>| {
        choose(test, &|n| {
            let method = n(method);
            quote!(::act_core::__private::#one(x, #[inline(always)] |v| self.#method::<F, FMA>(v)))
        })
    };
    let forward_one_fn = scalar(
        &forward_one,
        scalar_body(&one_value, &value_one, &value_plain),
        inline_stmt(m.f, m.value_needs_limit, &value_one, &value_plain),
        &value_in_range,
    );
    let derivative_one_fn = scalar(
        &derivative_one,
        scalar_body(&one_deriv, &deriv_one, &deriv_plain),
        inline_stmt(m.df, m.deriv_needs_limit, &deriv_one, &deriv_plain),
        &deriv_in_range,
    );
    let elementwise = elementwise_impl(name);
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #value_fn
            #deriv_fn
            #value_lean_fn
            #deriv_lean_fn
            #value_one_fn
            #deriv_one_fn
            #forward_one_fn
            #derivative_one_fn

            #forward_slice
            #backward_slice
            #derivative_slice
            #in_place_slice
        }

        #elementwise
    }
}

/// A scalar method `name(x) -> F` running `body` (which reads `x` and `FMA`) in the build the slice
/// loops use: the FMA code, compiled for the lowest tier (AVX2 + FMA), where the active level is
/// that tier or above (for one element the AVX-512 build would be the same instructions, and every
/// tier gives the same bits), else the portable code. No loop set-up: a scalar call costs a level
/// check, a call and the kernel.
///
/// With `f32_inline` (a statement returning early with a body that calls only `f32`
/// one-element kernels without fused multiply-adds, see [`f32_one_element_only`]), `f32`
/// skips the check and runs that body: the same in every build, inlined into the caller's
/// loop.
///
/// Where `in_range` (the test of the body's parameter constants, see
/// `emit::in_range_test`) fails, first: the `f64` method at `x`, rounded once.
fn scalar(
    plain: &Ident,
    body: TokenStream,
    f32_inline: Option<TokenStream>,
    in_range: &Option<TokenStream>,
) -> TokenStream {
    let fma = format_ident!("{}_fma", plain);
    let lowest = &TIERS[0];
    let (variant, features) = (format_ident!("{}", lowest.variant), lowest.target_feature());
    let wide = in_range.as_ref().map(|t| {
        quote! {
            if !(#t) {
                let wide = self.#plain::<f64>(<F as ::act_core::Float>::to_f64(x));
                return <F as ::act_core::Float>::from_f64(wide);
            }
        }
    });
    quote! {
        #[doc(hidden)]
        #[inline]
        pub fn #plain<F: ::act_core::Float>(&self, x: F) -> F {
            // f16 and bf16 (act-core's `half` feature) run the f32 code and round once.
            if <F as ::act_core::__private::FloatKernels>::__COMPUTED_IN_F32 {
                let wide = <F as ::act_core::Float>::to_f64(x) as f32;
                return <F as ::act_core::Float>::from_f64(f64::from(self.#plain::<f32>(wide)));
            }
            #wide
            const FMA: bool = cfg!(any(target_arch = "aarch64", target_feature = "fma"));
            #f32_inline
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            if ::act_core::dispatch::active() >= ::act_core::dispatch::Isa::#variant {
                // SAFETY: `active()` only reports a level the CPU supports, and every tier
                // above the lowest includes its features.
                return unsafe { self.#fma(x) };
            }
            #body
        }

        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        #[doc(hidden)]
        #[target_feature(enable = #features)]
        unsafe fn #fma<F: ::act_core::Float>(&self, x: F) -> F {
            const FMA: bool = true;
            #body
        }
    }
}

/// The `act_core::Elementwise` implementation over the generated methods.
fn elementwise_impl(name: &Ident) -> TokenStream {
    let (forward_one, derivative_one) = (names::forward_one(), names::derivative_one());
    let (derivative, in_place) = (slice::derivative(), slice::forward_in_place());
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Elementwise for #name {
            // The per-element body of the slice loops, for one element, in the build the
            // slice loops use on this CPU: the same bits as `forward_slice(&[x])`.
            #[inline]
            fn forward<F: ::act_core::Float>(&self, x: F) -> F {
                self.#forward_one(x)
            }
            #[inline]
            fn derivative<F: ::act_core::Float>(&self, x: F) -> F {
                self.#derivative_one(x)
            }
            #[inline]
            fn derivative_slice<F: ::act_core::Float>(&self, x: &[F], dy: &mut [F]) {
                self.#derivative(x, dy)
            }
            #[inline]
            fn forward_in_place<F: ::act_core::Float>(&self, x: &mut [F]) {
                self.#in_place(x)
            }
        }
    }
}
