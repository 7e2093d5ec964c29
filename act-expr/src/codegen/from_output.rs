//! The backward pass from the saved output of a vector activation: a declared
//! `vjp(y, g) = EXPR;` clause, checked against the engine's own derivative of the formula
//! (central differences of its interpreter on sample vectors, as `df` is checked), the
//! `act_core::BackwardFromOutput` implementation generated from it, and the text of the
//! Jacobian it implies (`J_ij = ∂(J^T g)_j / ∂g_i`).

use proc_macro2::TokenStream;
use quote::quote;

use super::vector::{Lanes, by_length, by_rows};
use super::{Kernels, body_with, names};
use crate::eval::eval_all_gated;
use crate::graph::{Graph, Id, Node, Reduce, Var};
use crate::model::{Model, eval_vector};
use crate::parse::{Scope, lower};
use crate::print::{number, print, print_inputs};

/// The lowered clause.
struct Vjp {
    graph: Graph,
    root: Id,
    /// Reductions over the pairs `(y_i, g_i)`, with the pass each needs (1 = first).
    levels: Vec<usize>,
    text: String,
    jacobian: Option<String>,
}

fn lower_clause(m: &Model) -> syn::Result<Option<Vjp>> {
    let Some(v) = &m.decl.vjp else {
        return Ok(None);
    };
    if !m.decl.vector {
        return Err(syn::Error::new(
            v.span,
            "`vjp` is for a `vector` activation; an elementwise one's backward pass is `grad_y * f'(x)`, which the macro derives",
        ));
    }
    let [y, gname] = &v.names;
    for name in [y, gname] {
        if m.param_names.contains(&name.to_string()) {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` is both a `vjp` input and a parameter; rename one of them"),
            ));
        }
    }
    let mut graph = Graph::new();
    let mut scope = Scope::vjp(m.param_names.clone(), y.to_string(), gname.to_string());
    let root = lower(&mut graph, &v.expr, &mut scope)?;
    let mut levels: Vec<usize> = Vec::new();
    for &(kind, body) in graph.reductions() {
        if matches!(kind, Reduce::Max | Reduce::Min) {
            return Err(syn::Error::new(
                v.span,
                "a `vjp` clause may reduce with `sum` and `mean` only",
            ));
        }
        let used = graph.reachable(&[body]);
        let level = 1 + levels
            .iter()
            .enumerate()
            .filter(|&(k, _)| used.iter().any(|&i| *graph.node(i) == Node::Red(k as u32)))
            .map(|(_, &l)| l)
            .max()
            .unwrap_or(0);
        levels.push(level);
    }
    let names = [y.to_string(), gname.to_string()];
    let text = print_inputs(&graph, root, &m.param_names, [&names[0], &names[1]]);
    let mut vjp = Vjp {
        graph,
        root,
        levels,
        text,
        jacobian: None,
    };
    check(m, &vjp, v.span)?;
    vjp.jacobian = jacobian_text(&mut vjp, &m.param_names, &names);
    Ok(Some(vjp))
}

/// The clause's VJP at `(y, g)`.
fn eval_clause(v: &Vjp, y: &[f64], g: &[f64], params: &[f64]) -> Vec<f64> {
    let mut reds: Vec<f64> = Vec::new();
    for &(kind, body) in v.graph.reductions() {
        let s: f64 = y
            .iter()
            .zip(g)
            .map(|(&a, &b)| eval_all_gated(&v.graph, body, a, b, params, &reds)[body.index()])
            .sum();
        reds.push(if kind == Reduce::Mean {
            s / y.len() as f64
        } else {
            s
        });
    }
    y.iter()
        .zip(g)
        .map(|(&a, &b)| eval_all_gated(&v.graph, v.root, a, b, params, &reds)[v.root.index()])
        .collect()
}

/// Compares the clause with central differences of the formula on sample inputs.
fn check(m: &Model, v: &Vjp, span: proc_macro2::Span) -> syn::Result<()> {
    let p = &m.defaults;
    let xs_list: [&[f64]; 5] = [
        &[0.3, -1.2, 2.5, 0.7, -0.4],
        &[1.0, 2.0],
        &[-3.0, 0.5, 0.25, 4.0, -0.125, 1.5, -2.0],
        &[0.1],
        &[5.0, 4.5, -6.0, 0.0],
    ];
    let gs = |n: usize, k: usize| -> Vec<f64> {
        (0..n)
            .map(|i| ((i * 7 + k * 3) % 11) as f64 / 4.0 - 1.25)
            .collect()
    };
    for xs in xs_list {
        let y = eval_vector(&m.graph, m.f, xs, p);
        for k in 0..2 {
            let g = gs(xs.len(), k);
            let ours = eval_clause(v, &y, &g, p);
            for j in 0..xs.len() {
                let h = 1e-6 * xs[j].abs().max(1.0);
                let (mut up, mut down) = (xs.to_vec(), xs.to_vec());
                up[j] += h;
                down[j] -= h;
                let fu = eval_vector(&m.graph, m.f, &up, p);
                let fd = eval_vector(&m.graph, m.f, &down, p);
                let numeric: f64 = g
                    .iter()
                    .zip(fu.iter().zip(&fd))
                    .map(|(gi, (a, b))| gi * (a - b) / (2.0 * h))
                    .sum();
                let scale: f64 = 1.0 + g.iter().map(|v| v.abs()).sum::<f64>();
                if !numeric.is_finite() {
                    continue;
                }
                if !ours[j].is_finite() || (ours[j] - numeric).abs() > 1e-5 * scale {
                    let fmt =
                        |v: &[f64]| v.iter().map(|&a| number(a)).collect::<Vec<_>>().join(", ");
                    return Err(syn::Error::new(
                        span,
                        format!(
                            "`vjp` disagrees with the derivative of f: for x = [{}] and g = [{}], entry {j} of the VJP is {} but the formula's derivative gives {}",
                            fmt(xs),
                            fmt(&g),
                            number(ours[j]),
                            number(numeric),
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `id` with the inputs replaced: [`Node::X`] by `x` and [`Node::B`] by `b` (reduction values
/// are kept: their bodies keep the clause's own names).
fn substitute(g: &mut Graph, id: Id, x: Id, b: Id) -> Id {
    let live = g.reachable(&[id]);
    let mut map = std::collections::HashMap::new();
    for n in live {
        let new = match g.node(n) {
            Node::X => x,
            Node::B => b,
            _ => g.remap(n, |k| map[&k]),
        };
        map.insert(n, new);
    }
    map[&id]
}

/// `J_ij = δ_ij ∂v/∂g (y_j) + Σ_k ∂v/∂R_k (y_j) ∂body_k/∂g (y_i, g_i)`, from the clause `v`
/// (linear in the gradient). None where the reductions nest.
fn jacobian_text(v: &mut Vjp, params: &[String], names: &[String; 2]) -> Option<String> {
    if v.levels.iter().any(|&l| l > 1) {
        return None;
    }
    let g = &mut v.graph;
    let np = params.len() as u32;
    let mut pnames = params.to_vec();
    let yi = g.param(np);
    let yj = g.param(np + 1);
    let delta = g.param(np + 2);
    let zero = g.num(0.0);
    pnames.extend([
        format!("{}_i", names[0]),
        format!("{}_j", names[0]),
        "δ_ij".to_string(),
    ]);
    let d = g.diff(v.root, Var::B);
    let mut terms = vec![];
    let d_j = substitute(g, d, yj, zero);
    terms.push(g.mul(delta, d_j));
    let reds = g.reductions().to_vec();
    for (k, &(kind, body)) in reds.iter().enumerate() {
        let p = g.diff(v.root, Var::Red(k as u32));
        let bd = g.diff(body, Var::B);
        if depends_on(g, bd, &Node::B) || depends_on(g, p, &Node::B) {
            return None;
        }
        let p_j = substitute(g, p, yj, zero);
        let b_i = substitute(g, bd, yi, zero);
        let mut t = g.mul(p_j, b_i);
        if kind == Reduce::Mean {
            let n = g.param(np + 3);
            pnames.push("n".to_string());
            t = g.div(t, n);
        }
        terms.push(t);
    }
    if depends_on(g, d, &Node::B) {
        return None;
    }
    let j = g.sum(terms);
    Some(format!(
        "J_ij = ∂y_i/∂x_j = {}",
        print(g, j, &pnames).replace(" * ", " ")
    ))
}

fn depends_on(g: &Graph, id: Id, leaf: &Node) -> bool {
    g.reachable(&[id]).iter().any(|&n| g.node(n) == leaf)
}

/// The DERIVATIVE text of a vector activation with a `vjp` clause: its Jacobian.
pub(crate) fn jacobian_derivative_text(m: &Model) -> Option<String> {
    lower_clause(m).ok().flatten().and_then(|v| v.jacobian)
}

/// The `BackwardFromOutput` implementation, or the clause's error.
pub(super) fn expand(m: &Model) -> TokenStream {
    let v = match lower_clause(m) {
        Ok(Some(v)) => v,
        Ok(None) => return quote!(),
        Err(e) => return e.to_compile_error(),
    };
    let name = &m.decl.name;
    let k = v.graph.reductions().len();
    let mut methods = Vec::new();
    let method = |f: &proc_macro2::Ident, root: Id| {
        let b = body_with(&v.graph, root, &m.param_names, None, false, Kernels::Slice);
        quote! {
            #[doc(hidden)]
            #[inline(always)]
            #[allow(unused_variables, clippy::all)]
            pub fn #f<F: ::act_core::Float, const FMA: bool>(&self, x: F, b: F, r: [F; #k]) -> F {
                #b
            }
        }
    };
    let vjp_out = names::vjp_out();
    methods.push(method(&vjp_out, v.root));
    let reds = v.graph.reductions().to_vec();
    for (j, &(_, body)) in reds.iter().enumerate() {
        methods.push(method(&names::vjp_body(j), body));
    }
    let body = |lanes: Lanes| from_output_body(&v, &reds, lanes);
    let backward_from_output = names::slice::backward_from_output();
    let backward = by_length(
        [
            backward_from_output.clone(),
            names::slice::backward_from_output_short(),
            names::slice::backward_from_output_medium(),
        ],
        quote!(y: &[F], grad_y: &[F], grad_x: &mut [F]),
        quote!(y, grad_y, grad_x),
        (&["y", "grad_y"], "grad_x"),
        body,
    );
    let rows_fn = names::slice::backward_rows_from_output();
    let rows = by_rows(
        rows_fn.clone(),
        quote!(y: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]),
        quote!(y, cols, grad_y, grad_x),
        |lanes: Lanes| lanes.row_params(&["y", "grad_y"], "grad_x"),
        ("for_rows2", quote!(y, grad_y, cols, grad_x)),
        body,
        // Not in blocks of rows side by side (`Lanes::Across`): without an `exp`, copying the
        // rows into and out of the blocks costs more than the rows' own work (0.2-0.45x the
        // naive loop at 9 to 32 columns, where the short and medium builds are not behind).
        None,
    );
    let text = &v.text;
    quote! {
        #[allow(unused_variables, unused_mut, clippy::all, clippy::pedantic)]
        impl #name {
            #(#methods)*
            #backward
            #rows
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::BackwardFromOutput for #name {
            const VJP: &'static str = #text;

            #[inline]
            fn backward_from_output<F: ::act_core::Float>(&self, y: &[F], grad_y: &[F], grad_x: &mut [F]) {
                self.#backward_from_output(y, grad_y, grad_x)
            }

            #[track_caller]
            fn backward_rows_from_output<F: ::act_core::Float>(&self, y: &[F], cols: usize, grad_y: &[F], grad_x: &mut [F]) {
                ::act_core::__private::check_rows("y", y.len(), "grad_y", grad_y.len(), cols);
                ::act_core::__private::check_rows("y", y.len(), "grad_x", grad_x.len(), cols);
                if cols == 0 {
                    return;
                }
                self.#rows_fn(y, cols, grad_y, grad_x);
            }
        }
    }
}

/// The body of the backward pass from the output in one lane set-up (see
/// [`by_length`]): one fused pass per level of the clause's sums, then one per element.
fn from_output_body(v: &Vjp, reds: &[(Reduce, Id)], lanes: Lanes) -> TokenStream {
    let k = reds.len();
    let path = lanes.path();
    let max_level = v.levels.iter().copied().max().unwrap_or(0);
    let passes = (1..=max_level).map(|level| {
        let js: Vec<usize> = (0..k).filter(|&j| v.levels[j] == level).collect();
        let entries = js.iter().map(|j| {
            let f = names::vjp_body(*j);
            quote!(self.#f::<F, FMA>(yi, gi, r))
        });
        let targets = js.iter().enumerate().map(|(i, &j)| {
            if reds[j].0 == Reduce::Mean {
                quote!(r[#j] = sums[#i] / n;)
            } else {
                quote!(r[#j] = sums[#i];)
            }
        });
        let m_len = js.len();
        quote! {
            {
                let sums: [F; #m_len] = #path::sum_lanes2(
                    y, grad_y, #[inline(always)] |yi, gi| [#(#entries),*]);
                #(#targets)*
            }
        }
    });
    let vjp_out = names::vjp_out();
    let output_pass = lanes
        .short_output_pass(
            ["y", "grad_y", "grad_x"],
            quote!(self.#vjp_out::<F, FMA>(xi, gi, r)),
        )
        .unwrap_or(quote! {
            for ((&yi, &gi), gx) in y.iter().zip(grad_y).zip(grad_x.iter_mut()) {
                *gx = self.#vjp_out::<F, FMA>(yi, gi, r);
            }
        });
    quote! {
        ::act_core::__private::check_len("y", y.len(), "grad_y", grad_y.len());
        ::act_core::__private::check_len("y", y.len(), "grad_x", grad_x.len());
        if y.is_empty() {
            return;
        }
        let n = <F as ::act_core::Float>::from_f64(y.len() as f64);
        let mut r = [<F as ::act_core::Float>::ZERO; #k];
        #(#passes)*
        #output_pass
    }
}
