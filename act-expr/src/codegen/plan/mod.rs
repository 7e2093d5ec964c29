//! What a straight-line body computes, decided before any code is written: which nodes get a
//! binding, which are folded to constants, which are computed scaled or in pairs, and which
//! compensated form each accurate-in-the-tail call takes. [`super::emit`] turns a [`Body`]
//! into tokens without looking at the graph's structure again.

mod compensated;
mod near;
mod overflow;
mod scaling;

use crate::dd::{self, Dd};
use crate::eval;
use crate::graph::{Cmp, Func, Graph, Id, Named, Node};
use compensated::{
    affine_near_root, exact_differences, exp_quotients, odd_cubic, power_of_two_times_square,
    x_times_constant,
};
pub(super) use near::{Gate, Near};
use scaling::{Scaling, lean_pair, sigmoid_pairs};

/// The kernel a call runs: the function's own, or a cheaper variant where its error is not
/// amplified.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kernel {
    /// The function's kernel.
    Of(Func),
    /// `sigmoid` whose error reaches the result unamplified (see [`Scaling::lean`]).
    SigmoidLean,
}

/// A straight-line body: bindings in order, then the root's binding as the value (or the
/// roots' bindings, for a body planned for several roots at once, [`Body::plan_joint`]).
#[derive(Debug)]
pub(super) struct Body {
    /// The bindings, children before parents.
    pub bindings: Vec<Binding>,
    /// The nodes whose bindings are the body's values (one, but for [`Body::plan_joint`]).
    pub roots: Vec<Id>,
}

/// One or more `let`s of a body.
#[derive(Debug)]
pub(super) enum Binding {
    /// `let t{id}: F = expr;`, with `exp` of an exact difference corrected by its rounding
    /// error `t{arg}_err` (`exp_correction`), and, for an exact difference `p + q` itself,
    /// its rounding error `t{id}_err` computed next from the terms (`rounding_error`).
    ///
    /// With `cubic_error`, the node is an odd cubic `c1 x + c3 x^3` (see [`odd_cubic`]) whose
    /// rounding error `t{id}_err` is computed next; with `quotient_error`, a quotient `n / d`
    /// (`(n, d)`, see [`exp_quotients`]) whose rounding error `t{id}_err` is computed next;
    /// with `sigmoid_correction`, a `sigmoid` of an odd cubic, corrected by its error.
    Let {
        id: Id,
        expr: Expr,
        exp_correction: Option<Id>,
        rounding_error: Option<(Id, Id)>,
        quotient_error: Option<(Id, Id)>,
        cubic_error: Option<(Dd, Dd)>,
        sigmoid_correction: Option<Id>,
    },
    /// `sigmoid(arg)` and `sigmoid'(arg)` at once (one division in the FMA builds); `sigmoid'`
    /// comes scaled, and its plain value `t{prime}` is bound too when `prime_plain`. With
    /// `corrected`, both are corrected by the rounding error `t{arg}_err` of an odd cubic.
    /// With `lean`, both are final factors of the roots (see [`scaling::lean_pair`]) and the
    /// cheaper pair kernel serves (`FloatKernels::__sigmoid_pair_lean`).
    SigmoidPair {
        sigmoid: Id,
        prime: Id,
        arg: Id,
        prime_plain: bool,
        corrected: bool,
        lean: bool,
    },
    /// A function and its derivative at one argument from one kernel (see [`kernel_pairs`]):
    /// `value` (`silu(arg)` or `gelu(arg)`) a final root, `prime` (`silu'(arg)`, `gelu'(arg)`)
    /// scaled as `(t{prime}_s, t{prime}_i)`, its plain value `t{prime}` bound too when
    /// `prime_plain` (`FloatKernels::__silu_pair`, `__gelu_pair`).
    KernelPair {
        value: Id,
        prime: Id,
        arg: Id,
        func: Func,
        prime_plain: bool,
    },
    /// `(t{id}_s, t{id}_i)`: the node's value times a power of two, and the inverse of that
    /// power; with `plain`, also `t{id} = t{id}_s * t{id}_i`.
    Scaled { id: Id, source: Scaled, plain: bool },
}

/// How a scaled node is computed.
#[derive(Debug)]
pub(super) enum Scaled {
    /// `exp(c·x^2)` with `x^2` split exactly.
    ExpSquare(f64),
    /// `erfc(x·c)` with the product's rounding error.
    ErfcProduct(Dd),
    /// A function with a tiny tail, from the act-core kernel's scaled form; `exp` of an exact
    /// difference or an odd cubic corrected by the argument's rounding error, and `sigmoid` of
    /// an odd cubic (`sigmoid_correction`). With `near`, the kernel's near form, for
    /// arguments where `c = 1` (see [`Body::near`]).
    Kernel {
        kernel: Kernel,
        arg: Id,
        exp_correction: Option<Id>,
        sigmoid_correction: Option<Id>,
        near: bool,
    },
    /// A function linear at 0 of a scaled argument: where the argument is scaled it is tiny
    /// and `f(a) = a` to the last bit.
    LinearAtZero { func: Func, arg: Id },
    /// A product with scaled factors (read as `t{f}_s`); its inverse scale is the product of
    /// theirs.
    Product { product: Product, inverse: Vec<Id> },
}

/// The expression of a [`Binding::Let`].
#[derive(Debug)]
pub(super) enum Expr {
    /// The value stored by an earlier pass, read from `e`.
    Stored,
    /// A constant subexpression, folded.
    Constant(f64),
    /// The input `x`.
    X,
    /// The gated activation's second input `b`.
    B,
    /// Parameter `i`, by name.
    Param(String),
    /// The value of reduction `j`.
    Reduction(usize),
    /// The sum of the terms.
    Sum(Vec<Id>),
    /// A product (see [`Product`]).
    Product(Product),
    /// An integer power (`powi`; a negative one as `1 / powi`).
    Pow(Id, i32),
    /// `a^b`.
    PowF(Id, Id),
    /// A kernel call.
    Call(Kernel, Id),
    /// The kernel's `final` form, which may flush results below the normal range to 0.
    CallFinal(Kernel, Id),
    /// `erfc(x·c)` with the product's rounding error (`FloatKernels::__erfc_mul`).
    ErfcProduct(Dd),
    /// `exp(c·x^2)` with `x^2` split exactly (`FloatKernels::__exp_sq`).
    ExpSquare(f64),
    /// `max(a, b)`.
    Max(Id, Id),
    /// `min(a, b)`.
    Min(Id, Id),
    /// `if a CMP b { then } else { otherwise }`, branch-free.
    Select(Cmp, Id, Id, Id, Id),
    /// An affine sum evaluated about its root (see [`affine_near_root`]).
    Affine(Affine),
}

/// A product `c · p · num[0] · num[1] ... / (den...)`, with `p` the product of parameter
/// factors taken out (see [`Product::params`]), or `p · num[0] · num[1] ...` rounded once
/// (see [`overflow`]).
#[derive(Debug)]
pub(super) struct Product {
    /// The constant factors as one double-double; `None` without any.
    pub constant: Option<Dd>,
    /// Parameter factors (by name), multiplied together in `f64`: two or more, or one
    /// with `round_once`.
    pub params: Vec<String>,
    /// The parameters' product multiplied into the first factor with one rounding
    /// (`FloatKernels::__mul_param`), where the product can reach the overflow threshold;
    /// then `constant` is `None` and `den` empty. Otherwise the parameters' product, rounded
    /// to `F`, leads the other factors.
    pub round_once: bool,
    /// The other factors, in order; `true` where the factor is read scaled (`t{f}_s`).
    pub num: Vec<(Id, bool)>,
    /// Negative powers `a^k` (`k < 0`) as `(a, k)`.
    pub den: Vec<(Id, i32)>,
    /// Exact scale factors (see [`is_scale`]) as `(a, k)` for `a^k`, applied to the quotient
    /// last: those with `k = 1` multiplied together first, then each power's base `k` times
    /// in turn.
    pub scales: Vec<(Id, i32)>,
}

/// `c·u + k` evaluated as `c·(u - u0) + r` (see [`affine_near_root`]).
#[derive(Debug)]
pub(super) struct Affine {
    /// The factor `c`.
    pub c: f64,
    /// The non-constant term `u`.
    pub u: Id,
    /// `u0` and `r` for `f64`.
    pub f64_root: (f64, f64),
    /// `u0` and `r` for `f32` (which the half types use too).
    pub f32_root: (f64, f64),
}

/// Facts about each node that the plan's decisions read.
struct Facts<'g> {
    g: &'g Graph,
    /// The roots (one, but for a joint plan).
    roots: Vec<Id>,
    stored: Option<Id>,
    live: Vec<Id>,
    /// Constant: folded to one literal (never the stored node).
    constant: Vec<bool>,
    /// Bound: needed by a non-constant node or the root.
    needed: Vec<bool>,
    /// A product by a parameter that can reach the overflow threshold (see [`overflow`]).
    param_product: Vec<bool>,
}

impl<'g> Facts<'g> {
    fn new(g: &'g Graph, roots: &[Id], stored: Option<Id>) -> Facts<'g> {
        let live = g.reachable(roots);
        let n = roots.iter().map(|r| r.index() + 1).max().unwrap_or(0);
        let mut constant = vec![false; n];
        for &id in &live {
            let n = g.node(id);
            constant[id.index()] = match n {
                _ if Some(id) == stored => false,
                Node::X | Node::B | Node::Param(_) | Node::Red(_) => false,
                Node::Const(_) | Node::Named(_) => true,
                _ => g.children(n).iter().all(|c| constant[c.index()]),
            };
        }
        // Only nodes a non-constant node (or a root) needs get a binding.
        let mut needed = vec![false; n];
        for r in roots {
            needed[r.index()] = true;
        }
        for &id in live.iter().rev() {
            if needed[id.index()] && !constant[id.index()] && Some(id) != stored {
                for c in g.children(g.node(id)) {
                    needed[c.index()] = true;
                }
            }
        }
        let param_product = overflow::param_products(g, roots);
        Facts {
            g,
            roots: roots.to_vec(),
            stored,
            live,
            constant,
            needed,
            param_product,
        }
    }

    fn is_const(&self, id: Id) -> bool {
        self.constant[id.index()]
    }

    /// Computed here from its children: needed, not constant, not stored.
    fn active(&self, id: Id) -> bool {
        self.needed[id.index()] && !self.constant[id.index()] && Some(id) != self.stored
    }

    fn is_root(&self, id: Id) -> bool {
        self.roots.contains(&id)
    }
}

impl Body {
    /// The plan computing `root`. The node `stored`, when given, is not computed but read from the
    /// variable `e` (its value stored by an earlier pass). With `final_root`, a root that is a
    /// kernel call, or the negation of one, uses the kernel's `final` form (which may flush results
    /// below the normal range to 0: harmless for a final value, not for a term of a sum that stays
    /// normal).
    pub(super) fn plan(
        g: &Graph,
        root: Id,
        params: &[String],
        stored: Option<Id>,
        final_root: bool,
    ) -> Body {
        Body::plan_roots(g, &[root], params, stored, final_root)
    }

    /// One body computing several roots (a gated activation's two partials), each node bound
    /// once: what the roots share is computed once, and a `sigmoid(u)` of one root pairs with
    /// the `sigmoid'(u)` of another (GLU's `sigmoid(b)` and `a sigmoid'(b)`: one exponential
    /// and one division for both). Each root is final (see [`Body::plan`]) unless it is part of
    /// such a pair.
    pub(super) fn plan_joint(g: &Graph, roots: &[Id], params: &[String]) -> Body {
        Body::plan_roots(g, roots, params, None, true)
    }

    /// The products this body rounds once ([`Product::round_once`]), each as its parameter
    /// factors (by name, multiplied in `f64` in this order), in binding order.
    pub(super) fn round_once_params(&self) -> Vec<Vec<String>> {
        self.products()
            .filter(|p| p.round_once)
            .map(|p| p.params.clone())
            .collect()
    }

    /// The parameter constants this body rounds to `F`, each as its parameter factors (by
    /// name, multiplied in `f64` in this order): every parameter read alone, and the
    /// parameter factors of every product (SELU's `scale alpha`, rounded once; a product
    /// rounded once passes them to `FloatKernels::__mul_param`, which rounds them too where
    /// they are beyond `F`'s range). The generated code tests them with
    /// `FloatKernels::__param_in_range`.
    pub(super) fn param_constants(&self) -> Vec<Vec<String>> {
        let alone = self.bindings.iter().filter_map(|b| match b {
            Binding::Let {
                expr: Expr::Param(name),
                ..
            } => Some(vec![name.clone()]),
            _ => None,
        });
        let products = self
            .products()
            .filter(|p| !p.params.is_empty())
            .map(|p| p.params.clone());
        alone.chain(products).collect()
    }

    /// The body with every product by a parameter plain: `F::from_f64(p) * a`, the
    /// parameters' product rounded to `F` first (the code before products rounded once; see
    /// `FloatKernels::__plain_param` for where it is as right).
    pub(super) fn plain_params(mut self) -> Body {
        for b in &mut self.bindings {
            match b {
                Binding::Let {
                    expr: Expr::Product(p),
                    ..
                }
                | Binding::Scaled {
                    source: Scaled::Product { product: p, .. },
                    ..
                } => p.round_once = false,
                _ => {}
            }
        }
        self
    }

    /// The body's products.
    fn products(&self) -> impl Iterator<Item = &Product> {
        self.bindings.iter().filter_map(|b| match b {
            Binding::Let {
                expr: Expr::Product(p),
                ..
            }
            | Binding::Scaled {
                source: Scaled::Product { product: p, .. },
                ..
            } => Some(p),
            _ => None,
        })
    }

    fn plan_roots(
        g: &Graph,
        roots: &[Id],
        params: &[String],
        stored: Option<Id>,
        final_root: bool,
    ) -> Body {
        let facts = Facts::new(g, roots, stored);
        // The calls whose values are results: a root, or what a root negates
        // (`-softplus(-x)`; the negation is exact).
        let final_calls: Vec<Id> = roots
            .iter()
            .filter(|_| final_root)
            .filter_map(|&r| match g.node(r) {
                Node::Call(..) => Some(r),
                _ => negated_call(g, r),
            })
            .collect();
        let kernel_pairs = kernel_pairs(&facts, &final_calls);
        let pair_primes: Vec<Id> = kernel_pairs.iter().map(|&(_, p, _)| p).collect();
        let scaling = Scaling::new(&facts, &final_calls, &pair_primes);
        let pairs = sigmoid_pairs(&facts, &scaling, &final_calls);
        let exact = exact_differences(&facts);
        let cubic = odd_cubic_arguments(&facts);
        // Only quotients bound by a plain `let` of the product (`n / d`).
        let mut quotient = exp_quotients(&facts);
        for &id in &facts.live {
            if scaling.uses[id.index()] || affine_near_root(&facts, id).is_some() {
                quotient[id.index()] = None;
            }
        }
        let has_error =
            |a: Id| exact[a.index()] || cubic[a.index()].is_some() || quotient[a.index()].is_some();
        let mut bindings = Vec::new();
        for &id in &facts.live {
            if !facts.needed[id.index()] {
                continue;
            }
            if let Some(&(value, prime, func)) =
                kernel_pairs.iter().find(|&&(v, p, _)| v == id || p == id)
            {
                // Both at the first of the two, as a sigmoid pair.
                if id == value.min(prime) {
                    let Node::Call(_, arg) = *g.node(value) else {
                        unreachable!("a kernel call")
                    };
                    bindings.push(Binding::KernelPair {
                        value,
                        prime,
                        arg,
                        func,
                        prime_plain: scaling.plain[prime.index()] || !scaling.uses[prime.index()],
                    });
                }
                continue;
            }
            if let Some(&(sigmoid, prime)) = pairs.iter().find(|(a, b)| *a == id || *b == id) {
                // Both at the first of the two; the second has nothing left to do.
                if id == sigmoid.min(prime) {
                    let Node::Call(_, arg) = *g.node(sigmoid) else {
                        unreachable!("a sigmoid call")
                    };
                    let prime_plain = scaling.plain[prime.index()] || !scaling.uses[prime.index()];
                    let corrected = cubic[arg.index()].is_some();
                    bindings.push(Binding::SigmoidPair {
                        sigmoid,
                        prime,
                        arg,
                        prime_plain,
                        corrected,
                        lean: !corrected && lean_pair(&facts, &scaling, sigmoid, prime),
                    });
                }
                continue;
            }
            // `exp` of an exact difference or an odd cubic; an exact difference's error also
            // corrects the other tiny-tail functions of it as `exp` (their tails are `e^u`).
            let exp_correction = |a: Id, f: Func| {
                // Not SiLU's (its value is `u e^u` in the tail but `u` above 0) nor GELU's
                // (its tail is `e^(-u^2/2)`).
                let corrected = match f {
                    Func::Exp => has_error(a),
                    Func::Silu | Func::Gelu => false,
                    _ => exact[a.index()],
                };
                corrected.then_some(a)
            };
            let sigmoid_correction = |a: Id| cubic[a.index()].is_some().then_some(a);
            if scaling.uses[id.index()] {
                let source = scaled_source(
                    &facts,
                    &scaling,
                    id,
                    params,
                    &exp_correction,
                    &sigmoid_correction,
                );
                let plain = scaling.plain[id.index()];
                bindings.push(Binding::Scaled { id, source, plain });
                continue;
            }
            let expr = if Some(id) == stored {
                Expr::Stored
            } else if let Some(affine) = affine_near_root(&facts, id) {
                Expr::Affine(affine)
            } else if let (true, &Node::Call(f, a)) = (final_calls.contains(&id), g.node(id)) {
                Expr::CallFinal(Kernel::Of(f), a)
            } else if facts.is_const(id) {
                Expr::Constant(eval::eval_all(g, id, 0.0, &[], &[])[id.index()])
            } else {
                node_expr(&facts, id, params, &|_| false)
            };
            let exp_correction = match *g.node(id) {
                Node::Call(Func::Exp, a) if Some(id) != stored && !facts.is_const(id) => {
                    exp_correction(a, Func::Exp)
                }
                _ => None,
            };
            let sigmoid_correction = match *g.node(id) {
                Node::Call(Func::Sigmoid, a) if Some(id) != stored && !facts.is_const(id) => {
                    sigmoid_correction(a)
                }
                _ => None,
            };
            bindings.push(Binding::Let {
                id,
                expr,
                exp_correction,
                rounding_error: match g.node(id) {
                    Node::Sum(terms) if exact[id.index()] => Some((terms[0], terms[1])),
                    _ => None,
                },
                cubic_error: cubic[id.index()],
                quotient_error: quotient[id.index()],
                sigmoid_correction,
            });
        }
        Body {
            bindings,
            roots: roots.to_vec(),
        }
    }
}

/// In a body of several roots (a gated activation's partials), the calls `silu(u)` and
/// `gelu(u)` that are final roots, each with the call of its derivative at the same `u`
/// (SwiGLU's `∂f/∂b = silu(a)` and `∂f/∂a = b silu'(a)`, GEGLU's with `gelu`), as `(value,
/// prime, function)`: one kernel computes both (`FloatKernels::__silu_pair`, `__gelu_pair`),
/// sharing the exponential and the division, and gives the derivative scaled, as a tiny
/// factor ([`Scaling`]) of the product it enters.
fn kernel_pairs(facts: &Facts, final_calls: &[Id]) -> Vec<(Id, Id, Func)> {
    let g = facts.g;
    if facts.roots.len() < 2 {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    for &v in final_calls {
        let (func, prime_func, a) = match *g.node(v) {
            Node::Call(Func::Silu, a) => (Func::Silu, Func::SiluPrime, a),
            Node::Call(Func::Gelu, a) => (Func::Gelu, Func::GeluPrime, a),
            _ => continue,
        };
        if !facts.active(v) || !facts.is_root(v) {
            continue;
        }
        let prime = facts.live.iter().copied().find(|&p| {
            facts.active(p) && matches!(*g.node(p), Node::Call(f, b) if f == prime_func && b == a)
        });
        if let Some(p) = prime {
            pairs.push((v, p, func));
        }
    }
    pairs
}

/// For each node: `Some((c1, c3))` where it is an odd cubic `c1 x + c3 x^3` (see
/// [`odd_cubic`]) computed here and read by a `sigmoid`, `sigmoid'` or `exp` call, whose
/// result is then corrected by the cubic's rounding error.
fn odd_cubic_arguments(facts: &Facts) -> Vec<Option<(Dd, Dd)>> {
    let g = facts.g;
    let n = facts.live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![None; n];
    let is_const = |i: Id| facts.is_const(i);
    for &id in &facts.live {
        let Node::Call(Func::Sigmoid | Func::SigmoidPrime | Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !facts.active(id) || !facts.active(a) {
            continue;
        }
        out[a.index()] = odd_cubic(g, a, &is_const);
    }
    out
}

/// How the scaled node `id` is computed.
fn scaled_source(
    facts: &Facts,
    scaling: &Scaling,
    id: Id,
    params: &[String],
    exp_correction: &dyn Fn(Id, Func) -> Option<Id>,
    sigmoid_correction: &dyn Fn(Id) -> Option<Id>,
) -> Scaled {
    let g = facts.g;
    let is_const = |i: Id| facts.is_const(i);
    match *g.node(id) {
        Node::Call(Func::Exp, a) if power_of_two_times_square(g, a, &is_const).is_some() => {
            Scaled::ExpSquare(power_of_two_times_square(g, a, &is_const).unwrap_or(1.0))
        }
        Node::Call(Func::Erfc, a) if x_times_constant(g, a, &is_const).is_some() => {
            Scaled::ErfcProduct(x_times_constant(g, a, &is_const).unwrap_or(Dd::from(1.0)))
        }
        Node::Call(f, arg) if f.has_tiny_tail() => Scaled::Kernel {
            kernel: if f == Func::Sigmoid && scaling.lean[id.index()] {
                Kernel::SigmoidLean
            } else {
                Kernel::Of(f)
            },
            arg,
            exp_correction: exp_correction(arg, f),
            sigmoid_correction: if f == Func::Sigmoid {
                sigmoid_correction(arg)
            } else {
                None
            },
            near: false,
        },
        Node::Call(func, arg) => Scaled::LinearAtZero { func, arg },
        Node::Prod(ref fs) => {
            let Expr::Product(product) = node_expr(facts, id, params, &|f| scaling.uses[f.index()])
            else {
                unreachable!("a product's expression is a product")
            };
            let inverse: Vec<Id> = fs
                .iter()
                .copied()
                .filter(|f| scaling.uses[f.index()])
                .collect();
            assert!(!inverse.is_empty(), "a scaled product has a scaled factor");
            Scaled::Product { product, inverse }
        }
        _ => unreachable!("only calls and products are scaled"),
    }
}

/// The expression computing node `id` from its children's bindings; a product factor `f`
/// with `scaled(f)` is read scaled.
fn node_expr(facts: &Facts, id: Id, params: &[String], scaled: &dyn Fn(Id) -> bool) -> Expr {
    let g = facts.g;
    let is_const = |i: Id| facts.is_const(i);
    match *g.node(id) {
        Node::Const(b) => Expr::Constant(f64::from_bits(b)),
        Node::Named(Named::Pi) => Expr::Constant(core::f64::consts::PI),
        Node::Named(Named::E) => Expr::Constant(core::f64::consts::E),
        Node::X => Expr::X,
        Node::B => Expr::B,
        Node::Param(i) => Expr::Param(params[i as usize].clone()),
        Node::Red(j) => Expr::Reduction(j as usize),
        Node::Sum(ref ts) => Expr::Sum(ts.clone()),
        Node::Prod(ref fs) => {
            let param = facts.param_product[id.index()].then_some(params);
            Expr::Product(product(g, fs, &is_const, scaled, Some(params), param))
        }
        Node::Pow(a, k) => Expr::Pow(a, k),
        Node::PowF(a, b) => Expr::PowF(a, b),
        // Arguments whose rounding the tail amplifies, computed compensated.
        Node::Call(f, a) => match (
            f,
            x_times_constant(g, a, &is_const),
            power_of_two_times_square(g, a, &is_const),
        ) {
            (Func::Erfc, Some(c), _) => Expr::ErfcProduct(c),
            (Func::Exp, _, Some(c)) => Expr::ExpSquare(c),
            _ => Expr::Call(Kernel::Of(f), a),
        },
        Node::Max(a, b) => Expr::Max(a, b),
        Node::Min(a, b) => Expr::Min(a, b),
        Node::Select(c, a, b, th, el) => Expr::Select(c, a, b, th, el),
    }
}

/// The factors of a product sorted into constants (one double-double), numerator and
/// denominator. The scaled factors lead the numerator: each is exponentially small in its
/// tail (`sigmoid'(a)`, `exp(-a^2 / 2)`) and bounded elsewhere, so multiplied in first it keeps
/// the others' product from overflowing where the whole does not (SwiGLU's `a * b *
/// sigmoid'(a)` at `a = 1e10`, `b = 1e300` was `∞ · 0`, NaN, where `sigmoid'(a) * a * b` is
/// 0).
///
/// The parameters' names are `all_names`; with `names` (a product that can reach the overflow
/// threshold, see [`overflow`]), the parameter factors are taken out as [`Product::params`]
/// to be multiplied into the first factor with one rounding ([`Product::round_once`]) where
/// the product has no constant factor and no denominator (the quotient or the constant would
/// round again).
fn product(
    g: &Graph,
    fs: &[Id],
    is_const: &dyn Fn(Id) -> bool,
    scaled: &dyn Fn(Id) -> bool,
    all_names: Option<&[String]>,
    names: Option<&[String]>,
) -> Product {
    let mut constants = Vec::new();
    let mut num = Vec::new();
    let mut den = Vec::new();
    let mut scales = Vec::new();
    for &f in fs {
        if is_const(f) {
            constants.push(f);
            continue;
        }
        match *g.node(f) {
            Node::Pow(a, k) if k < 0 => den.push((a, k)),
            Node::Pow(a, k) if !scaled(f) && is_scale(g, f) => scales.push((a, k)),
            _ if !scaled(f) && is_scale(g, f) => scales.push((f, 1)),
            _ => num.push((f, scaled(f))),
        }
    }
    // Stable: the scaled factors, then the others, each in the graph's order.
    num.sort_by_key(|&(_, scaled)| !scaled);
    let constant = (!constants.is_empty()).then(|| {
        constants
            .iter()
            .fold(Dd::from(1.0), |acc, &k| acc * dd::eval(g, k))
    });
    // The parameter factors (read plain), multiplied in `f64`: two or more (SELU's
    // `scale alpha`, rounded to `F` once rather than each, a rounding of the product saved),
    // or one rounded once with the first factor (see [`overflow`]).
    let is_param = |&(f, scaled): &(Id, bool)| !scaled && matches!(g.node(f), Node::Param(_));
    let n_params = num.iter().filter(|f| is_param(f)).count();
    let round_once = names.is_some() && constant.is_none() && den.is_empty() && n_params > 0;
    let mut params = Vec::new();
    if let (Some(names), true) = (names.or(all_names), round_once || n_params >= 2) {
        num.retain(|f| {
            let Node::Param(i) = *g.node(f.0) else {
                return true;
            };
            if !is_param(f) {
                return true;
            }
            params.push(names[i as usize].clone());
            false
        });
    }
    Product {
        constant,
        params,
        round_once,
        num,
        den,
        scales,
    }
}

/// A factor that is a power of two in every branch: a `select` whose branches are powers of
/// two or such factors, or a positive power of one (Squareplus's `s` and `s^2`, which scale
/// `x` and `b` beyond `|x| = 1e15` so that `x^2` cannot overflow). Multiplying by it is exact
/// but where the result leaves the normal range, so a product applies it last, to the rounded
/// quotient: `(b/2) / d * s^2` is then the subnormal it should be, where `(b/2) s^2 / d` would
/// round `(b/2) s^2` first (a subnormal with few bits left, or 0).
fn is_scale(g: &Graph, id: Id) -> bool {
    match *g.node(id) {
        Node::Const(b) => {
            let c = f64::from_bits(b);
            c > 0.0 && c.is_finite() && c.to_bits() & ((1u64 << 52) - 1) == 0
        }
        Node::Select(_, _, _, t, e) => is_scale(g, t) && is_scale(g, e),
        Node::Pow(a, k) => k > 0 && is_scale(g, a),
        _ => false,
    }
}

/// The call `id` negates, where `id` is `-1 * call` (`-softplus(-x)`; the negation is exact).
pub(super) fn negated_call(g: &Graph, id: Id) -> Option<Id> {
    match g.node(id) {
        Node::Prod(fs)
            if fs.len() == 2
                && g.as_const(fs[0]) == Some(-1.0)
                && matches!(g.node(fs[1]), Node::Call(..)) =>
        {
            Some(fs[1])
        }
        _ => None,
    }
}
