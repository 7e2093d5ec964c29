//! Code generation: a [`Model`] to the Rust items `activation!` expands to.
//!
//! Each expression becomes a straight-line `#[inline(always)]` function generic over
//! `act_core::Float`: one `let` per node, branches lowered to `Float::select`, constant
//! subexpressions folded to one literal. Straight-line code without jumps is what lets the
//! compiler vectorise the slice loops.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::eval;
use crate::graph::{Graph, Id, Named, Node, Reduce};
use crate::model::Model;

fn lit(v: f64) -> TokenStream {
    if v.is_nan() {
        quote!(::core::f64::NAN)
    } else if v == f64::INFINITY {
        quote!(::core::f64::INFINITY)
    } else if v == f64::NEG_INFINITY {
        quote!(::core::f64::NEG_INFINITY)
    } else {
        let l = Literal::f64_suffixed(v);
        quote!(#l)
    }
}

fn constant(v: f64) -> TokenStream {
    let l = lit(v);
    quote!(<F as ::act_core::Float>::from_f64(#l))
}

/// Statements computing `root`, ending in an expression of type `F`. Uses `x`, `self` (for the
/// parameters) and, in a vector activation, `r: [F; K]`.
fn body(g: &Graph, root: Id, params: &[String]) -> TokenStream {
    body_with(g, root, params, None)
}

/// [`body`] where the node `stored`, when given, is not computed but read from the variable
/// `e` (its value stored by an earlier pass).
fn body_with(g: &Graph, root: Id, params: &[String], stored: Option<Id>) -> TokenStream {
    let live = g.reachable(&[root]);
    let mut constant_flag = vec![false; root.index() + 1];
    for &id in &live {
        let n = g.node(id);
        constant_flag[id.index()] = match n {
            _ if Some(id) == stored => false,
            Node::X | Node::Param(_) | Node::Red(_) => false,
            Node::Const(_) | Node::Named(_) => true,
            _ => g.children(n).iter().all(|c| constant_flag[c.index()]),
        };
    }
    // Only nodes a non-constant node (or the root) needs get a binding.
    let mut needed = vec![false; root.index() + 1];
    needed[root.index()] = true;
    for &id in live.iter().rev() {
        if needed[id.index()] && !constant_flag[id.index()] && Some(id) != stored {
            for c in g.children(g.node(id)) {
                needed[c.index()] = true;
            }
        }
    }
    let t = |id: Id| format_ident!("t{}", id.index());
    let mut stmts = Vec::new();
    for &id in &live {
        if !needed[id.index()] {
            continue;
        }
        let name = t(id);
        let e = if Some(id) == stored {
            quote!(e)
        } else if constant_flag[id.index()] {
            constant(eval::eval_all(g, id, 0.0, &[], &[])[id.index()])
        } else {
            node_expr(g, id, params, &t, &|i: Id| constant_flag[i.index()])
        };
        stmts.push(quote!(let #name: F = #e;));
    }
    let r = t(root);
    quote!(#(#stmts)* #r)
}

fn node_expr(
    g: &Graph,
    id: Id,
    params: &[String],
    t: &dyn Fn(Id) -> proc_macro2::Ident,
    is_const: &dyn Fn(Id) -> bool,
) -> TokenStream {
    let fl = quote!(<F as ::act_core::Float>);
    match g.node(id) {
        Node::Const(b) => constant(f64::from_bits(*b)),
        Node::Named(Named::Pi) => constant(core::f64::consts::PI),
        Node::Named(Named::E) => constant(core::f64::consts::E),
        Node::X => quote!(x),
        Node::Param(i) => {
            let p = format_ident!("{}", params[*i as usize]);
            quote!(#fl::from_f64(self.#p))
        }
        Node::Red(j) => {
            let j = *j as usize;
            quote!(r[#j])
        }
        Node::Sum(ts) => {
            let ts = ts.iter().map(|&i| t(i));
            quote!(#(#ts)+*)
        }
        Node::Prod(fs) => {
            let mut constants = Vec::new();
            let mut num = Vec::new();
            let mut den = Vec::new();
            for &f in fs {
                if is_const(f) {
                    constants.push(f);
                    continue;
                }
                match *g.node(f) {
                    Node::Pow(a, k) if k < 0 => {
                        let a = t(a);
                        den.push(if k == -1 {
                            quote!(#a)
                        } else {
                            quote!(#fl::powi(#a, #k.wrapping_neg()))
                        });
                    }
                    _ => {
                        let f = t(f);
                        num.push(quote!(#f));
                    }
                }
            }
            // The constant factors as one double-double. An exact one leads the product
            // (`0.5 * x * erfc(..)`: left to right, so `x * erfc(..)` cannot overflow first); an
            // inexact one such as 1/sqrt(2) is applied to the first factor as `a * hi + a * lo`,
            // one rounding instead of two.
            let c = constants.iter().fold(crate::dd::Dd::from(1.0), |acc, &k| {
                acc * crate::dd::eval(g, k)
            });
            let (hi, lo) = (lit(c.hi), lit(c.lo));
            let mut factors = num.into_iter();
            let mut acc = match (constants.is_empty(), factors.next()) {
                (true, Some(first)) => first,
                (true, None) => quote!(#fl::ONE),
                (false, first) if c.lo == 0.0 || !c.lo.is_finite() => match first {
                    Some(f) => quote!(#fl::from_f64(#hi) * #f),
                    None => quote!(#fl::from_f64(#hi)),
                },
                (false, first) => {
                    let first = first.unwrap_or(quote!(#fl::ONE));
                    quote!(::act_core::__private::mul_split(#first, #hi, #lo))
                }
            };
            for f in factors {
                acc = quote!(#acc * #f);
            }
            match den.into_iter().reduce(|a, b| quote!(#a * #b)) {
                None => acc,
                Some(d) => quote!(#acc / (#d)),
            }
        }
        Node::Pow(a, k) => {
            let a = t(*a);
            if *k < 0 {
                let m = -*k;
                quote!(#fl::ONE / #fl::powi(#a, #m))
            } else {
                quote!(#fl::powi(#a, #k))
            }
        }
        Node::PowF(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::powf(#a, #b))
        }
        Node::Call(f, a) => {
            let m = format_ident!("{}", f.name());
            let a = t(*a);
            quote!(#fl::#m(#a))
        }
        Node::Max(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::max(#a, #b))
        }
        Node::Min(a, b) => {
            let (a, b) = (t(*a), t(*b));
            quote!(#fl::min(#a, #b))
        }
        Node::Select(c, a, b, th, el) => {
            let (a, b, th, el) = (t(*a), t(*b), t(*th), t(*el));
            let op: TokenStream = c.symbol().parse().expect("comparison operator");
            quote!(#fl::select(#a #op #b, #th, #el))
        }
    }
}

/// A slice method in three builds (AVX-512, AVX2 + FMA, baseline) with a run-time choice
/// among them. The body is repeated in each `#[target_feature]` function (rather than called)
/// so that the closures it defines inherit the features and the math inlines into them.
fn dispatched(
    name: &str,
    params: TokenStream,
    args: TokenStream,
    body: TokenStream,
) -> TokenStream {
    let plain = format_ident!("{}", name);
    let avx2 = format_ident!("{}_avx2", name);
    let avx512 = format_ident!("{}_avx512", name);
    quote! {
        #[doc(hidden)]
        #[inline]
        pub fn #plain<F: ::act_core::Float>(&self, #params) {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            match ::act_core::dispatch::active() {
                // SAFETY: `active()` only reports a level the CPU supports.
                ::act_core::dispatch::Isa::Avx512 => return unsafe { self.#avx512(#args) },
                ::act_core::dispatch::Isa::Avx2 => return unsafe { self.#avx2(#args) },
                ::act_core::dispatch::Isa::Portable => {}
            }
            #body
        }

        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        #[doc(hidden)]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn #avx2<F: ::act_core::Float>(&self, #params) {
            #body
        }

        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        #[doc(hidden)]
        #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
        unsafe fn #avx512<F: ::act_core::Float>(&self, #params) {
            #body
        }
    }
}

/// A hidden method computing `root` for one element.
fn method(m: &Model, name: &proc_macro2::Ident, root: Id) -> TokenStream {
    let b = body(&m.graph, root, &m.param_names);
    let k = m.graph.reductions().len();
    let red_arg = if m.decl.vector {
        quote!(, r: [F; #k])
    } else {
        quote!()
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float>(&self, x: F #red_arg) -> F {
            let y: F = { #b };
            <F as ::act_core::Float>::select(<F as ::act_core::Float>::is_nan(x), x, y)
        }
    }
}

/// A hidden method computing `root` for one element from `x`, the value `e` of the node
/// `stored` (see [`body_with`]; `e` is unused without one) and the reductions; with `wrap`,
/// NaN in gives NaN out.
fn method_stored(
    m: &Model,
    name: &proc_macro2::Ident,
    root: Id,
    stored: Option<Id>,
    wrap: bool,
) -> TokenStream {
    let b = body_with(&m.graph, root, &m.param_names, stored);
    let k = m.graph.reductions().len();
    let out = if wrap {
        quote!(<F as ::act_core::Float>::select(
            <F as ::act_core::Float>::is_nan(x),
            x,
            y
        ))
    } else {
        quote!(y)
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float>(&self, x: F, e: F, r: [F; #k]) -> F {
            let y: F = { #b };
            #out
        }
    }
}

/// Expands a model into the struct and its trait implementations.
pub fn expand(m: &Model) -> TokenStream {
    let decl = &m.decl;
    let name = &decl.name;
    let name_str = name.to_string();
    let attrs = &decl.attrs;
    let vis = &decl.vis;
    let pnames: Vec<proc_macro2::Ident> = decl.params.iter().map(|p| p.name.clone()).collect();
    let pstrs: Vec<String> = m.param_names.clone();
    let defaults: Vec<TokenStream> = m.defaults.iter().map(|&d| lit(d)).collect();
    let fields = if pnames.is_empty() {
        quote!(;)
    } else {
        let docs = pstrs.iter().zip(&m.defaults).map(|(p, d)| {
            format!(
                "The `{p}` parameter (default {}).",
                crate::print::number(*d)
            )
        });
        quote!({ #( #[doc = #docs] pub #pnames: f64, )* })
    };
    let ctor = if pnames.is_empty() {
        quote!(#name)
    } else {
        quote!(#name { #(#pnames),* })
    };
    let default_ctor = if pnames.is_empty() {
        quote!(#name)
    } else {
        quote!(#name { #(#pnames: #defaults),* })
    };
    let new_doc = if pnames.is_empty() {
        format!("Creates a `{name_str}` (it has no parameters).")
    } else {
        format!(
            "Creates a `{name_str}` with the given {}.",
            pstrs
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let formula = &m.formula_text;
    let derivative = &m.derivative_text;
    let summary = attrs
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
        .join(" ");
    let is_vector = decl.vector;

    // Range: declared bounds evaluated for the current parameters; otherwise the analysed
    // range (constant without parameters, recomputed at run time with them).
    let r = &m.range;
    let (min_att, max_att) = (r.min_attained, r.max_attained);
    let range_body = match m.range_bounds {
        Some((lo, hi)) => {
            let lo_b = body(&m.graph, lo, &m.param_names);
            let hi_b = body(&m.graph, hi, &m.param_names);
            quote! {
                type F = f64;
                let lo: f64 = { #lo_b };
                let hi: f64 = { #hi_b };
                ::act_core::Range::new(lo, #min_att, hi, #max_att)
            }
        }
        None if !pnames.is_empty() && !is_vector => quote! {
            ::act_core::__private::analyse_range(
                &|x: f64| ::act_core::Elementwise::forward(self, x),
                &|x: f64| ::act_core::Elementwise::derivative(self, x),
            )
        },
        None => {
            let (lo, hi) = (lit(r.min), lit(r.max));
            quote!(::act_core::Range::new(#lo, #min_att, #hi, #max_att))
        }
    };

    let s = &m.shape;
    let monotonic = s.monotonic;
    let bounded_below = r.min.is_finite();
    let bounded_above = r.max.is_finite();
    let zero_centred = s.zero_centred;
    let smooth = s.kinks.is_empty();
    let kinks: Vec<TokenStream> = s.kinks.iter().map(|&k| lit(k)).collect();
    let f0 = lit(s.value_at_zero);
    let df0 = lit(s.derivative_at_zero);
    let (sl, sr) = (s.saturating_left, s.saturating_right);

    let set_arms = pnames
        .iter()
        .zip(&pstrs)
        .map(|(p, s)| quote!(#s => { self.#p = value; ::core::result::Result::Ok(()) }));
    let set_names = pnames.iter().zip(&pstrs).map(|(_, s)| quote!(#s));
    let valid = pstrs.clone();

    let common = quote! {
        const NAME: &'static str = #name_str;
        const FORMULA: &'static str = #formula;
        const DERIVATIVE: &'static str = #derivative;
        const PARAMS: &'static [::act_core::ParamInfo] = &[
            #( ::act_core::ParamInfo { name: #pstrs, default: #defaults } ),*
        ];
        const PROPERTIES: ::act_core::Properties = ::act_core::Properties {
            monotonic: #monotonic,
            bounded_below: #bounded_below,
            bounded_above: #bounded_above,
            zero_centred: #zero_centred,
            smooth: #smooth,
            kinks: &[#(#kinks),*],
            value_at_zero: #f0,
            derivative_at_zero: #df0,
            saturating: ::act_core::Saturation { left: #sl, right: #sr },
        };
        const IS_VECTOR: bool = #is_vector;

        fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> {
            ::std::vec![#( (#pstrs, self.#pnames) ),*]
        }

        fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
            match name {
                #( #set_names if !value.is_finite() => ::core::result::Result::Err(
                    ::act_core::ParamError::NotFinite { name: #valid, value }), )*
                #( #set_arms )*
                _ => ::core::result::Result::Err(::act_core::ParamError::Unknown {
                    name: ::std::string::String::from(name),
                    valid: ::std::vec![#(#pstrs),*],
                }),
            }
        }

        #[allow(clippy::all)]
        fn range(&self) -> ::act_core::Range {
            #range_body
        }
    };

    let dyn_table = if is_vector {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            self.__act_jacobian_diagonal(x, derivative);
        }
    } else {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            ::act_core::Elementwise::derivative_slice(self, x, derivative);
        }
    };

    let specific = if is_vector {
        expand_vector(m)
    } else {
        expand_elementwise(m)
    };

    quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, PartialEq)]
        #vis struct #name #fields

        impl ::core::default::Default for #name {
            fn default() -> Self {
                #default_ctor
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default)]
            pub const fn new(#(#pnames: f64),*) -> Self {
                #ctor
            }
        }

        #specific

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::DynActivation for #name {
            fn name(&self) -> &'static str { <Self as ::act_core::Activation>::NAME }
            fn summary(&self) -> &'static str { #summary }
            fn formula(&self) -> &'static str { <Self as ::act_core::Activation>::FORMULA }
            fn derivative_formula(&self) -> &'static str { <Self as ::act_core::Activation>::DERIVATIVE }
            fn param_info(&self) -> &'static [::act_core::ParamInfo] { <Self as ::act_core::Activation>::PARAMS }
            fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> { ::act_core::Activation::params(self) }
            fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Activation::set_param(self, name, value)
            }
            fn range(&self) -> ::act_core::Range { ::act_core::Activation::range(self) }
            fn properties(&self) -> ::act_core::Properties { ::act_core::Activation::properties(self) }
            fn is_vector(&self) -> bool { #is_vector }
            fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
                #dyn_table
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Activation for #name {
            #common
            #[inline]
            fn forward_slice<F: ::act_core::Float>(&self, x: &[F], y: &mut [F]) {
                self.__act_forward_slice(x, y)
            }
            #[inline]
            fn backward_slice<F: ::act_core::Float>(&self, x: &[F], grad_y: &[F], grad_x: &mut [F]) {
                self.__act_backward_slice(x, grad_y, grad_x)
            }
        }
    }
}

fn expand_elementwise(m: &Model) -> TokenStream {
    let name = &m.decl.name;
    let value = format_ident!("__act_value");
    let deriv = format_ident!("__act_deriv");
    let value_fn = method(m, &value, m.f);
    let deriv_fn = method(m, &deriv, m.df);
    // Straight-line code gives NaN where an intermediate overflows (`x * sigmoid(x)` at -∞ is
    // `∞ * 0`); those results are replaced by the limit, off the hot path.
    // Formulas that never do (checked at compile time) skip the check.
    let watch = m.needs_limit;
    let (map1, map2) = if watch {
        (quote!(map1_limit), quote!(map2_limit))
    } else {
        (quote!(map1), quote!(map2))
    };
    let fix = |inner: TokenStream| {
        if !watch {
            return quote!(#inner(x));
        }
        quote! {
            let y = #inner(x);
            if ::act_core::__private::is_limit_artefact(x, y) {
                ::act_core::__private::limit(x, |v| #inner(v))
            } else {
                y
            }
        }
    };
    let fwd = fix(quote!(self.__act_value));
    let der = fix(quote!(self.__act_deriv));
    let forward_slice = dispatched(
        "__act_forward_slice",
        quote!(x: &[F], y: &mut [F]),
        quote!(x, y),
        quote!(::act_core::__private::#map1(x, y, |v| self.__act_value(v))),
    );
    let backward_slice = dispatched(
        "__act_backward_slice",
        quote!(x: &[F], grad_y: &[F], grad_x: &mut [F]),
        quote!(x, grad_y, grad_x),
        quote!(::act_core::__private::#map2(x, grad_y, grad_x, |v, g| g * self.__act_deriv(v))),
    );
    let derivative_slice = dispatched(
        "__act_derivative_slice",
        quote!(x: &[F], dy: &mut [F]),
        quote!(x, dy),
        quote!(::act_core::__private::#map1(x, dy, |v| self.__act_deriv(v))),
    );
    let in_place = dispatched(
        "__act_forward_in_place",
        quote!(x: &mut [F]),
        quote!(x),
        if watch {
            quote!(::act_core::__private::map_in_place(x, |v| {
                let y = self.__act_value(v);
                if ::act_core::__private::is_limit_artefact(v, y) {
                    ::act_core::__private::limit(v, |u| self.__act_value(u))
                } else {
                    y
                }
            }))
        } else {
            quote!(::act_core::__private::map_in_place(x, |v| self.__act_value(v)))
        },
    );
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #value_fn
            #deriv_fn

            #forward_slice
            #backward_slice
            #derivative_slice
            #in_place
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Elementwise for #name {
            #[inline]
            fn forward<F: ::act_core::Float>(&self, x: F) -> F {
                #fwd
            }
            #[inline]
            fn derivative<F: ::act_core::Float>(&self, x: F) -> F {
                #der
            }
            #[inline]
            fn derivative_slice<F: ::act_core::Float>(&self, x: &[F], dy: &mut [F]) {
                self.__act_derivative_slice(x, dy)
            }
            #[inline]
            fn forward_in_place<F: ::act_core::Float>(&self, x: &mut [F]) {
                self.__act_forward_in_place(x)
            }
        }
    }
}

fn expand_vector(m: &Model) -> TokenStream {
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
    let mut raw_bodies: Vec<usize> = [fwd_store, bwd_store].into_iter().flatten().collect();
    raw_bodies.dedup();
    for j in raw_bodies {
        let raw = format_ident!("__act_body{}_raw", j);
        methods.push(method_stored(m, &raw, reds[j].1, None, false));
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
    // `store` names the reduction whose body is written to `buf`.
    let level_code = |level: usize, with_t: bool, store: Option<usize>, buf: TokenStream| {
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
                    if store == Some(j) {
                        let raw = format_ident!("__act_body{}_raw", j);
                        stored = Some(quote!(self.#raw(v, v, r)));
                        entries.push(quote!(#fl::select(#fl::is_nan(v), v, raw)));
                    } else {
                        entries.push(quote!(self.#body(v, r)));
                    }
                    targets.push((quote!(r[#j]), scale.clone()));
                    if with_t {
                        for &(kk, _) in &rm.body_dr {
                            let kk = kk as usize;
                            let f = format_ident!("__act_body{}_dr{}", j, kk);
                            entries.push(quote!(self.#f(v, r)));
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
                        r[#j] = ::act_core::__private::fold_blocks(
                            x, #init, |v| self.#body(v, r), #fl::#comb);
                    });
                    if with_t && needs_arg[j] {
                        extremes.push(quote! {
                            arg[#j] = ::act_core::__private::position_of(x, r[#j], |v| self.#body(v, r));
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
                let sums: [F; #m_len] = ::act_core::__private::sum_lanes_store(x, #buf, |v| {
                    let raw: F = #st;
                    ([#(#entries),*], raw)
                });
                #(#targets)*
            }
        } else {
            quote! {
                let sums: [F; #m_len] = ::act_core::__private::sum_lanes(x, |v| [#(#entries),*]);
                #(#targets)*
            }
        };
        if m_len == 0 {
            quote!(#(#extremes)*)
        } else {
            quote!(#(#extremes)* { #sums })
        }
    };
    let levels = |with_t: bool, store: Option<usize>, buf: TokenStream| {
        let code = (1..=max_level).map(|l| level_code(l, with_t, store, buf.clone()));
        quote!(#(#code)*)
    };
    let fwd_reds = levels(false, fwd_store, quote!(y));
    let prep_reds = levels(true, None, quote!(y));
    let bwd_reds = levels(true, bwd_store, quote!(grad_x));

    // `∂g_j/∂r_k` at the position of a max/min.
    let mut t_at = Vec::new();
    for (j, (&(kind, _), rm)) in reds.iter().zip(&m.reductions).enumerate() {
        if matches!(kind, Reduce::Max | Reduce::Min) {
            for &(kk, _) in &rm.body_dr {
                let kk = kk as usize;
                let f = format_ident!("__act_body{}_dr{}", j, kk);
                t_at.push(quote!(t[#j][#kk] = self.#f(x[arg[#j]], r);));
            }
        }
    }
    let s_entries: Vec<TokenStream> = (0..k)
        .map(|j| {
            let f = format_ident!("__act_out_partial{}_e", j);
            quote!(gi * self.#f(xi, e, r))
        })
        .collect();
    let e_buf = if bwd_store.is_some() {
        quote!(&grad_x[..])
    } else {
        quote!(x)
    };
    let s_pass = if k == 0 {
        quote!(let s = [#fl::ZERO; 0];)
    } else {
        quote! {
            let s: [F; #k] = ::act_core::__private::sum_lanes3(x, grad_y, #e_buf, |xi, gi, e| [#(#s_entries),*]);
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
                grad_terms.push(quote!(acc = acc + rbar[#j] * self.#f(xi, e, r) #scale;));
            }
            Reduce::Max | Reduce::Min if needs_arg[j] => {
                let f = format_ident!("__act_body_dx{}", j);
                let fix = format_ident!("fix{}", j);
                fixes.push(quote!(let #fix: F = rbar[#j] * self.#f(x[arg[#j]], r);));
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
                Reduce::Sum => quote!(self.#f(xi, r)),
                Reduce::Mean => quote!(self.#f(xi, r) / n),
                Reduce::Max | Reduce::Min => {
                    quote!(if i == arg[#j] { self.#f(xi, r) } else { <F as ::act_core::Float>::ZERO })
                }
            };
            let chain = m.reductions[j].body_dr.iter().map(|&(kk, _)| {
                let kk = kk as usize;
                quote!(+ t[#j][#kk] * dr[#kk])
            });
            let p = format_ident!("__act_out_partial{}", j);
            quote! {
                dr[#j] = #own #(#chain)*;
                acc = acc + self.#p(xi, r) * dr[#j];
            }
        })
        .collect();

    let output_pass = if fwd_store.is_some() {
        quote! {
            for (&xi, yi) in x.iter().zip(y.iter_mut()) {
                *yi = self.__act_value_e(xi, *yi, r);
            }
        }
    } else {
        quote! {
            for (xi, yi) in x.iter().zip(y.iter_mut()) {
                *yi = self.__act_value(*xi, r);
            }
        }
    };
    let forward_slice = dispatched(
        "__act_forward_slice",
        quote!(x: &[F], y: &mut [F]),
        quote!(x, y),
        quote! {
            ::act_core::__private::check_len("x", x.len(), "y", y.len());
            if x.is_empty() {
                return;
            }
            let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
            let mut r = [<F as ::act_core::Float>::ZERO; #k];
            #fwd_reds
            #output_pass
        },
    );
    let backward_slice = dispatched(
        "__act_backward_slice",
        quote!(x: &[F], grad_y: &[F], grad_x: &mut [F]),
        quote!(x, grad_y, grad_x),
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
            #bwd_reds
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
                let mut acc = gi * self.__act_deriv_e(xi, e, r);
                #(#grad_terms)*
                *gx = acc;
            }
            #(#fix_apply)*
        },
    );

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

            /// Reductions, argmax/argmin positions and the aggregates `t` of the chain rule.
            #[doc(hidden)]
            #[inline(always)]
            fn __act_prepare<F: ::act_core::Float>(&self, x: &[F]) -> ([F; #k], [usize; #k], [[F; #k]; #k]) {
                let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
                let mut r = [<F as ::act_core::Float>::ZERO; #k];
                let mut arg = [0usize; #k];
                let mut t = [[<F as ::act_core::Float>::ZERO; #k]; #k];
                #prep_reds
                #(#t_at)*
                (r, arg, t)
            }

            #backward_slice

            /// `out[i] = ∂y_i/∂x_i`.
            #[doc(hidden)]
            pub fn __act_jacobian_diagonal<F: ::act_core::Float>(&self, x: &[F], out: &mut [F]) {
                ::act_core::__private::check_len("x", x.len(), "out", out.len());
                if x.is_empty() {
                    return;
                }
                let n = <F as ::act_core::Float>::from_f64(x.len() as f64);
                let (r, arg, t) = self.__act_prepare(x);
                for (i, (&xi, o)) in x.iter().zip(out.iter_mut()).enumerate() {
                    let mut dr = [<F as ::act_core::Float>::ZERO; #k];
                    let mut acc = self.__act_deriv(xi, r);
                    #(#diag_terms)*
                    *o = acc;
                }
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
