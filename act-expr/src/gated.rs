//! The model of a `gated` declaration, `f(a, b)`: the formula over two inputs, its two
//! partials, the partials with respect to each parameter, and their texts.
//!
//! A gated activation works on each pair `(a[i], b[i])` on its own (GLU and its variants), so
//! it has no reductions, no declared range and no hand-written derivative; its `where`
//! conditions on the parameters are those of the elementwise activations (checked by the same
//! code, the defaults at compile time). The first input is
//! lowered to [`Node::X`], the second to
//! [`Node::B`]; everything else (simplification, stability rewrites,
//! code generation) is shared with the elementwise activations.

use crate::constraint::Constraint;
use crate::decl::Decl;
use crate::errors::Errors;
use crate::graph::{Func, Graph, Id, Node, Var};
use crate::parse::{Scope, lower_as_written};
use crate::print::print_inputs;

/// The analysed gated activation.
#[derive(Clone)]
pub struct GatedModel {
    /// The declaration as parsed.
    pub decl: Decl,
    /// The graph holding every expression below.
    pub graph: Graph,
    /// The formula (stability-rewritten).
    pub f: Id,
    /// `∂f/∂a`.
    pub da: Id,
    /// `∂f/∂b`.
    pub db: Id,
    /// `∂f/∂a` as the generated code computes it: `b g'(a)` where `∂f/∂b` is `g(a)` for `g`
    /// SiLU or GELU (SwiGLU's `b silu'(a)`), else `da`.
    pub da_code: Id,
    /// `∂f/∂θ_k` for each parameter, in declaration order.
    pub param_partials: Vec<Id>,
    /// Parameter names.
    pub param_names: Vec<String>,
    /// Parameter defaults.
    pub defaults: Vec<f64>,
    /// The `where` conditions on the parameters.
    pub constraints: Vec<Constraint>,
    /// The input names as declared.
    pub inputs: [String; 2],
    /// The formula as written, pretty-printed.
    pub formula_text: String,
    /// `∂f/∂a` and `∂f/∂b`, simplified and pretty-printed.
    pub partial_texts: [String; 2],
    /// `∂f/∂θ_k`, simplified and pretty-printed.
    pub param_partial_texts: Vec<String>,
}

/// Builds the model of a `gated` declaration.
pub fn build(decl: Decl) -> syn::Result<GatedModel> {
    let param_names: Vec<String> = decl.params.iter().map(|p| p.name.to_string()).collect();
    let defaults: Vec<f64> = decl.params.iter().map(|p| p.default).collect();
    let [a, b] = match &decl.inputs[..] {
        [a, b] => [a.clone(), b.clone()],
        _ => {
            return Err(syn::Error::new(
                decl.name.span(),
                "a gated activation takes two inputs: write `f(a, b) = ...`",
            ));
        }
    };
    let mut errors = Errors::default();
    for input in [&a, &b] {
        if param_names.contains(&input.to_string()) {
            errors.push(syn::Error::new(
                input.span(),
                format!("`{input}` is both an input and a parameter; rename one of them"),
            ));
        }
    }
    if let (Some(span), Some(_)) = (decl.range_kw, &decl.range) {
        errors.push(syn::Error::new(
            span,
            "`range` is not supported in a gated activation (its value depends on two inputs)",
        ));
    }
    let constraints =
        crate::model::validate::constraints(&decl, &param_names, &defaults, &mut errors);
    errors.finish()?;
    let inputs = [a.to_string(), b.to_string()];
    let names = [inputs[0].as_str(), inputs[1].as_str()];
    let scope = || Scope::gated(param_names.clone(), inputs[0].clone(), inputs[1].clone());

    let mut written = Graph::new();
    let written_f = lower_as_written(&mut written, &decl.f, &mut scope())?;
    let formula_text = print_inputs(&written, written_f, &param_names, names);

    let mut g = Graph::new();
    g.keep_decimals(&written);
    let f = crate::rewrite::run_into(&mut g, written, written_f);
    let da = g.diff(f, Var::X);
    let db = g.diff(f, Var::B);
    let da_code = factored(&mut g, da, db);
    let param_partials: Vec<Id> = (0..param_names.len())
        .map(|k| g.diff(f, Var::Param(k as u32)))
        .collect();
    let partial_texts = [
        print_inputs(&g, da, &param_names, names),
        print_inputs(&g, db, &param_names, names),
    ];
    let param_partial_texts = param_partials
        .iter()
        .map(|&d| print_inputs(&g, d, &param_names, names))
        .collect();
    Ok(GatedModel {
        decl,
        graph: g,
        f,
        da,
        db,
        da_code,
        param_partials,
        param_names,
        defaults,
        constraints,
        inputs,
        formula_text,
        partial_texts,
        param_partial_texts,
    })
}

/// `∂f/∂a = d` as `b g'(a)` where `∂f/∂b = db` is `g(a)` for `g` SiLU or GELU (SwiGLU,
/// GEGLU), so that one kernel computes both partials (`kernel_pairs` in the code generator's
/// plan), else `d` itself. Differentiation gives SwiGLU's `∂f/∂a` as `b sigmoid(a) + b a
/// sigmoid'(a)`, which the stability rules do not join (they take constant factors only):
/// with `b` factored out of every term, they join `sigmoid(a) + a sigmoid'(a)` into
/// `silu'(a)` (GEGLU's into `gelu'(a)`).
fn factored(g: &mut Graph, d: Id, db: Id) -> Id {
    let Node::Sum(terms) = g.node(d).clone() else {
        return d;
    };
    let b = g.b();
    let holds_b = |g: &Graph, t: Id| match g.node(t) {
        Node::Prod(fs) => fs.iter().filter(|&&f| f == b).count() == 1,
        _ => false,
    };
    if !terms.iter().all(|&t| holds_b(g, t)) {
        return d;
    }
    let rest: Vec<Id> = terms.iter().map(|&t| g.div(t, b)).collect();
    let inner = g.sum(rest);
    let joined = crate::rewrite::run(g, inner);
    let pairs = match (g.node(joined), g.node(db)) {
        (&Node::Call(Func::SiluPrime, u), &Node::Call(Func::Silu, v))
        | (&Node::Call(Func::GeluPrime, u), &Node::Call(Func::Gelu, v)) => u == v,
        _ => false,
    };
    if pairs { g.mul(b, joined) } else { d }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval_all_gated;

    fn model(src: &str) -> GatedModel {
        build(syn::parse_str::<Decl>(src).expect("parses")).expect("builds")
    }

    fn at(m: &GatedModel, id: Id, a: f64, b: f64) -> f64 {
        eval_all_gated(&m.graph, id, a, b, &m.defaults, &[])[id.index()]
    }

    #[test]
    fn partials_of_swiglu_are_derived_for_both_inputs() {
        let m = model("pub gated struct S; f(a, b) = a * sigmoid(a) * b;");
        assert_eq!(m.formula_text, "a * sigmoid(a) * b");
        // ∂/∂b is swish(a); ∂/∂a is b (σ(a) + a σ'(a)).
        assert!(
            m.partial_texts[1].contains("sigmoid(a)"),
            "{:?}",
            m.partial_texts
        );
        assert!(!m.partial_texts[1].contains('b'));
        let (a, b): (f64, f64) = (0.75, -1.5);
        let s = 1.0 / (1.0 + (-a).exp());
        assert!((at(&m, m.f, a, b) - a * s * b).abs() < 1e-15);
        assert!((at(&m, m.db, a, b) - a * s).abs() < 1e-15);
        let da = b * (s + a * s * (1.0 - s));
        assert!((at(&m, m.da, a, b) - da).abs() < 1e-15);
        // The code's form of ∂/∂a, `b silu'(a)`, has the same value.
        assert!((at(&m, m.da_code, a, b) - da).abs() < 1e-15);
        // The formula is one SiLU call times `b` (scaled by the code generator), and the
        // interpreter takes it scaled as well: at `a = -740`, `silu(a)` is subnormal (2 bits)
        // and `silu(a) 1e300` is -3.1e-19 (the closed form `-exp(a + ln(-a b))`).
        let Node::Prod(fs) = m.graph.node(m.f) else {
            panic!("{}", m.formula_text)
        };
        assert!(
            fs.iter()
                .any(|&f| matches!(m.graph.node(f), Node::Call(Func::Silu, _))),
            "{fs:?}"
        );
        let (a, b) = (-740.0f64, 1e300);
        let want = -(a + (-a * b).ln()).exp();
        let got = at(&m, m.f, a, b);
        assert!(
            ((got - want) / want).abs() < 1e-12,
            "{got:e}, want {want:e}"
        );
    }

    #[test]
    fn geglus_formula_is_one_gelu_call_times_b() {
        let m = model("pub gated struct G; f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;");
        // One GELU call times `b` (scaled by the code generator, `gelu_scaled`).
        let Node::Prod(fs) = m.graph.node(m.f) else {
            panic!("{}", m.formula_text)
        };
        assert!(
            fs.iter()
                .any(|&f| matches!(m.graph.node(f), Node::Call(Func::Gelu, _))),
            "{fs:?}"
        );
        assert!(
            !fs.iter()
                .any(|&f| matches!(m.graph.node(f), Node::Call(Func::Erfc, _)))
        );
        // The interpreter takes it scaled as well: `gelu(-38.5)` is -5.4e-323 (f64 subnormal,
        // 4 bits), `gelu(-38.5) 1e300` is -5.4215024832064925125e-23 (mpmath, 40 digits,
        // printed to 20; the f64 nearest).
        let want = -5.421_502_483_206_493e-23;
        let got = at(&m, m.f, -38.5, 1e300);
        assert!(
            ((got - want) / want).abs() < 1e-13,
            "{got:e}, want {want:e}"
        );
        // And where it is not small, `gelu(a) b` (`Φ(0.8)` from mpmath).
        let got = at(&m, m.f, 0.8, -3.0);
        let want = 0.8 * 0.788_144_601_416_603_3 * -3.0;
        assert!((got - want).abs() < 1e-15, "{got}, want {want}");
    }

    /// `∂f/∂a` takes the form `b g'(a)` for the code where `∂f/∂b` is `g(a)` (SwiGLU, GEGLU),
    /// and keeps differentiation's where it is not (a Swish slope: `∂f/∂b = a σ(βa)` is not
    /// `silu(βa)`, and `b silu'(βa)` would lose the scaling of the tail).
    #[test]
    fn the_partial_in_a_factors_out_b_only_beside_its_pair() {
        let b_times = |m: &GatedModel, f: Func| {
            let b = m.graph.nodes().iter().position(|n| *n == Node::B);
            match m.graph.node(m.da_code) {
                Node::Prod(fs) => {
                    fs.len() == 2
                        && fs.iter().any(|&i| Some(i.index()) == b)
                        && fs
                            .iter()
                            .any(|&i| matches!(m.graph.node(i), Node::Call(g, _) if *g == f))
                }
                _ => false,
            }
        };
        let swiglu = model("pub gated struct S; f(a, b) = a * sigmoid(a) * b;");
        assert!(b_times(&swiglu, Func::SiluPrime));
        let geglu = model("pub gated struct G; f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;");
        assert!(b_times(&geglu, Func::GeluPrime));
        for (a, b) in [(-2.0, 3.0), (0.4, -1.5), (5.0, 0.25)] {
            let (d, dc) = (at(&geglu, geglu.da, a, b), at(&geglu, geglu.da_code, a, b));
            assert!((d - dc).abs() <= 1e-15 * d.abs(), "({a}, {b}): {d} vs {dc}");
        }
        let beta = model("pub gated struct B(beta = 1.0); f(a, b) = a * sigmoid(beta * a) * b;");
        assert_eq!(beta.da_code, beta.da);
        let glu = model("pub gated struct L; f(a, b) = a * sigmoid(b);");
        assert_eq!(glu.da_code, glu.da);
    }

    #[test]
    fn the_interpreter_takes_limits_along_either_input() {
        use crate::eval::eval_gated;
        let m = model("pub gated struct S; f(a, b) = a * sigmoid(a) * b;");
        let at = |id: Id, a: f64, b: f64| eval_gated(&m.graph, id, (a, b), &[]);
        let inf = f64::INFINITY;
        // ∂f/∂a = b (σ(a) + a σ'(a)) is `∞ - ∞` in straight-line code at b = ±∞ for a < 0;
        // its limit is b times a positive number at a = -1 (σ(-1)(1 - σ(1)) > 0), and b at
        // a = +∞.
        assert_eq!(at(m.da, -1.0, -inf), -inf);
        assert_eq!(at(m.da, 0.0, inf), inf);
        assert_eq!(at(m.da, inf, inf), inf);
        assert_eq!(at(m.da, inf, -2.0), -2.0);
        // f(-∞, b) = 0 and f(0, ±∞) = 0 (f vanishes along the other input).
        assert_eq!(at(m.f, -inf, 2.0), 0.0);
        assert_eq!(at(m.f, 0.0, inf), 0.0);
        assert_eq!(at(m.db, inf, 3.0), inf);
        assert!(at(m.f, f64::NAN, inf).is_nan() && at(m.da, 1.0, f64::NAN).is_nan());
    }

    #[test]
    fn the_interpreter_multiplies_the_tail_factor_in_first() {
        use crate::eval::eval_gated;
        // ∂f/∂a = b sigmoid(a) + a b sigmoid'(a) (SwiGLU), with the second term of GEGLU's
        // a b exp(-a^2 / 2) / sqrt(2 pi): `a * b` overflows where the tail factor is 0 or tiny,
        // and `∞ · 0` was NaN (`∞ · tiny` ∞) where the partial is b, or b silu'(a).
        let swiglu = model("pub gated struct S; f(a, b) = a * sigmoid(a) * b;");
        let geglu = model("pub gated struct G; f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;");
        for m in [&swiglu, &geglu] {
            let da = |a: f64, b: f64| eval_gated(&m.graph, m.da, (a, b), &[]);
            assert_eq!(da(1e10, 1e300), 1e300, "{}", m.partial_texts[0]);
            assert_eq!(da(1e200, 1e300), 1e300);
            assert_eq!(da(1e308, 1e308), 1e308);
            assert_eq!(da(1e10, -1e300), -1e300);
        }
        // b silu'(-30) = b sigmoid(-30) (1 - 30 sigmoid(30)), with a b = -3e308 overflowing.
        let (a, b) = (-30.0f64, 1e307);
        let s = 1.0 / (1.0 + (-a).exp());
        let want = b * s * (1.0 + a * (1.0 - s));
        let got = eval_gated(&swiglu.graph, swiglu.da, (a, b), &[]);
        assert!(
            (got - want).abs() <= 1e-14 * want.abs(),
            "{got:e}, want {want:e}"
        );
        // and the value, a sigmoid(a) b, at f32's scale of the same overflow is not ∞.
        let got = eval_gated(&swiglu.graph, swiglu.f, (a, b), &[]);
        let want = a * s * b;
        assert!(
            (got - want).abs() <= 1e-14 * want.abs(),
            "{got:e}, want {want:e}"
        );
    }

    #[test]
    fn parameters_get_their_own_partials() {
        let m = model("pub gated struct G(beta = 1.0); f(u, v) = u * sigmoid(beta * u) * v;");
        assert_eq!(m.param_partial_texts.len(), 1);
        let (u, v, beta) = (0.5f64, 2.0f64, 1.0f64);
        let s = 1.0 / (1.0 + (-beta * u).exp());
        let want = u * v * u * s * (1.0 - s);
        assert!((at(&m, m.param_partials[0], u, v) - want).abs() < 1e-15);
    }

    #[test]
    fn mistakes_are_refused_with_a_fix() {
        let err = |src: &str| match syn::parse_str::<Decl>(src).and_then(build) {
            Ok(_) => panic!("{src} was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err("pub gated struct G; f(a) = a;").contains("two inputs"));
        assert!(err("pub gated struct G; f(a, b, c) = a;").contains("two inputs"));
        assert!(err("pub gated struct G; f(a, a) = a;").contains("different names"));
        assert!(err("pub gated struct G; f(a, b) = a * sum(b);").contains("gated"));
        assert!(err("pub gated struct G(a = 1.0); f(a, b) = a * b;").contains("both"));
        assert!(err("pub gated struct G; f(a, b) = x * b;").contains("cannot find `x`"));
        assert!(err("pub gated struct G; f(a, b) = a * b; range = (0, 1);").contains("range"));
        assert!(err("pub gated struct G; f(a, b) = a * b; df(a, b) = b;").contains("df"));
        assert!(err("pub struct G; f(a, b) = a * b;").contains("gated struct"));
    }

    #[test]
    fn where_conditions_are_checked_as_for_elementwise_ones() {
        let src = "pub gated struct G(lo = -1.0, hi = 1.0); f(a, b) = clamp(a, lo, hi) * b; \
                   where lo < hi, hi != 0;";
        let m = model(src);
        let texts: Vec<&str> = m.constraints.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["lo < hi", "hi != 0"]);
        let names = &m.param_names;
        assert!(m.constraints[0].holds(names, &[0.0, 2.0]));
        assert!(!m.constraints[0].holds(names, &[2.0, 0.0]));
        let err = |src: &str| match syn::parse_str::<Decl>(src).and_then(build) {
            Ok(_) => panic!("{src} was accepted"),
            Err(e) => e.to_string(),
        };
        let e = err("pub gated struct G(lo = 1.0, hi = -1.0); f(a, b) = a * b; where lo < hi;");
        assert!(e.contains("the defaults do not meet `lo < hi`"), "{e}");
        let e = err("pub gated struct G(beta = 1.0); f(u, v) = u * v; where v > beta;");
        assert!(e.contains("`v` is an input"), "{e}");
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let src = "pub gated struct G(b = 1.0); f(a, b) = a * b; range = (0, 1); where c > 0;";
        let e = syn::parse_str::<Decl>(src)
            .and_then(build)
            .err()
            .expect("refused");
        let messages: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("both an input and a parameter"));
        assert!(messages[1].contains("`range` is not supported"));
        assert!(messages[2].contains("unknown name `c`"), "{messages:?}");
    }
}
