//! The formula language: `syn` expressions lowered into a [`Graph`], with spanned errors that
//! say how to fix the mistake. The macro hands over the tokens of its input; the CLI hands over
//! text through `syn::parse_str`; both go through [`lower`].

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Lit, Stmt, UnOp};

use crate::graph::{Cmp, Func, Graph, Id, Named, Reduce};

/// How deeply expressions may nest before the formula is refused.
pub const MAX_DEPTH: usize = 128;

/// Names visible to a formula.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Parameter names, in declaration order.
    pub params: Vec<String>,
    /// True in a `vector` activation, where one-argument `sum/mean/max/min` reduce.
    pub vector: bool,
    /// The input names: `["x"]`, or a gated activation's two (`f(a, b)`).
    inputs: Vec<String>,
    lets: Vec<(String, Id)>,
}

impl Scope {
    /// A scope with the given parameters.
    pub fn new(params: Vec<String>, vector: bool) -> Self {
        Scope {
            params,
            vector,
            inputs: vec!["x".into()],
            lets: Vec::new(),
        }
    }

    /// The scope of a vector activation's `vjp(y, g)` clause: `y` is lowered to
    /// [`Node::X`](crate::graph::Node::X), `g` to [`Node::B`](crate::graph::Node::B), and
    /// one-argument `sum` and `mean` reduce over the pairs.
    pub fn vjp(params: Vec<String>, y: String, g: String) -> Self {
        Scope {
            params,
            vector: true,
            inputs: vec![y, g],
            lets: Vec::new(),
        }
    }

    /// The scope of a gated activation `f(a, b)`: `a` is lowered to
    /// [`Node::X`](crate::graph::Node::X), `b` to [`Node::B`](crate::graph::Node::B); there are no
    /// reductions.
    pub fn gated(params: Vec<String>, a: String, b: String) -> Self {
        Scope {
            params,
            vector: false,
            inputs: vec![a, b],
            lets: Vec::new(),
        }
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.inputs.clone();
        v.extend(self.params.iter().cloned());
        v.extend(self.lets.iter().map(|(n, _)| n.clone()));
        v.extend(["pi", "e", "inf"].map(String::from));
        v
    }
}

/// The language's functions of several arguments and its reductions, which are nodes of their
/// own rather than entries of the [function table](crate::functions).
const OTHER_FUNCTIONS: [&str; 7] = ["max", "min", "clamp", "powi", "powf", "sum", "mean"];

/// Every function a formula may call: the table's callable ones, then the others.
const FUNCTIONS: [&str; Func::CALLABLE.len() + OTHER_FUNCTIONS.len()] = {
    let mut out = [""; Func::CALLABLE.len() + OTHER_FUNCTIONS.len()];
    let mut i = 0;
    while i < Func::CALLABLE.len() {
        out[i] = Func::CALLABLE[i].name();
        i += 1;
    }
    while i < out.len() {
        out[i] = OTHER_FUNCTIONS[i - Func::CALLABLE.len()];
        i += 1;
    }
    out
};

fn err<T>(span: &impl Spanned, msg: impl std::fmt::Display) -> syn::Result<T> {
    Err(syn::Error::new(span.span(), msg))
}

/// The closest of `candidates` to `name`, if close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Lowers a formula expression into `g` and applies the stability rewrites
/// ([`crate::rewrite::run`]). Only the rewritten formula's nodes are added to `g`.
pub fn lower(g: &mut Graph, e: &Expr, scope: &mut Scope) -> syn::Result<Id> {
    let mut written = g.clone();
    let root = lower_as_written(&mut written, e, scope)?;
    // The literals' decimal remainders too, for the compensated forms (as the macro's model
    // keeps them): `0.1` is `1/10`, not its `f64`.
    g.keep_decimals(&written);
    Ok(crate::rewrite::run_into(g, written, root))
}

/// Lowers a formula expression into `g` as written: in canonical form (see [`Graph`]), without
/// the stability rewrites.
pub fn lower_as_written(g: &mut Graph, e: &Expr, scope: &mut Scope) -> syn::Result<Id> {
    Lowering { g, scope }.expr(e, 0)
}

struct Lowering<'a> {
    g: &'a mut Graph,
    scope: &'a mut Scope,
}

impl Lowering<'_> {
    fn expr(&mut self, e: &Expr, depth: usize) -> syn::Result<Id> {
        if depth > MAX_DEPTH {
            return err(
                e,
                format!(
                    "formula nested too deeply (more than {MAX_DEPTH} levels); split it with `let` bindings"
                ),
            );
        }
        let d = depth + 1;
        match e {
            Expr::Lit(l) => self.literal(&l.lit, false),
            Expr::Path(p) => self.path(p),
            Expr::Paren(p) => self.expr(&p.expr, d),
            Expr::Group(p) => self.expr(&p.expr, d),
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    if let Expr::Lit(l) = &*u.expr {
                        return self.literal(&l.lit, true);
                    }
                    let a = self.expr(&u.expr, d)?;
                    Ok(self.g.neg(a))
                }
                // `a ** b` is caught in `binary` (it parses as `a * (*b)`); a `*` reaching here
                // has nothing on its left: `x + * 2`, `* 2`, `(* x)`.
                UnOp::Deref(_) => err(
                    &u.op,
                    "an operand is missing before this `*`: `*` multiplies two expressions, as in `x * 2`",
                ),
                _ => err(&u.op, "only unary `-` is supported in a formula"),
            },
            Expr::Binary(b) => self.binary(b, d),
            Expr::Call(c) => self.call(c, d),
            Expr::If(i) => self.if_expr(i, d),
            Expr::Block(b) => self.block(&b.block, d),
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                let hint = if FUNCTIONS.contains(&name.as_str()) {
                    format!("write `{name}(...)` with the receiver as the first argument")
                } else {
                    format!("the functions are: {}", FUNCTIONS.join(", "))
                };
                err(
                    &m.method,
                    format!("method calls are not part of the formula language; {hint}"),
                )
            }
            Expr::Tuple(_) => err(e, "a tuple is only allowed in `range = (LO, HI);`"),
            _ => err(
                e,
                "not part of the formula language: use numbers, `x`, parameters, + - * /, \
                 function calls, `if`/`else` and `{ let ...; }` blocks",
            ),
        }
    }

    fn literal(&mut self, lit: &Lit, negative: bool) -> syn::Result<Id> {
        let (v, suffix) = match lit {
            Lit::Int(i) => (i.base10_parse::<f64>(), i.suffix().to_string()),
            Lit::Float(f) => (f.base10_parse::<f64>(), f.suffix().to_string()),
            _ => return err(lit, "expected a number"),
        };
        if !suffix.is_empty() {
            let digits = lit.to_token_stream().to_string();
            let digits = digits.trim_end_matches(suffix.as_str());
            let is_type = ["f32", "f64"].contains(&suffix.as_str())
                || suffix.starts_with('i')
                || suffix.starts_with('u');
            return err(
                lit,
                if is_type {
                    format!(
                        "remove the `{suffix}` suffix: every number in a formula is a real number"
                    )
                } else {
                    // `2x` is Rust's literal 2 with a suffix `x`: the user meant a product.
                    format!(
                        "write `{digits} * {suffix}`: a number is not multiplied by juxtaposition"
                    )
                },
            );
        }
        let v = v?;
        if !v.is_finite() {
            return err(
                lit,
                "number out of range: it does not fit in an f64 (use `inf` for infinity)",
            );
        }
        let lo = crate::decimal::remainder(&lit.to_token_stream().to_string(), v);
        Ok(if negative {
            self.g.literal(-v, -lo)
        } else {
            self.g.literal(v, lo)
        })
    }

    fn path(&mut self, p: &syn::ExprPath) -> syn::Result<Id> {
        let Some(ident) = p.path.get_ident() else {
            return err(
                p,
                "expected a name such as `x`, a parameter, `pi`, `e` or `inf`",
            );
        };
        let name = ident.to_string();
        if let Some((_, id)) = self.scope.lets.iter().rev().find(|(n, _)| *n == name) {
            return Ok(*id);
        }
        match self.scope.inputs.iter().position(|n| *n == name) {
            Some(0) => return Ok(self.g.x()),
            Some(_) => return Ok(self.g.b()),
            None => {}
        }
        if let Some(i) = self.scope.params.iter().position(|n| *n == name) {
            return Ok(self.g.param(i as u32));
        }
        match name.as_str() {
            "pi" => return Ok(self.g.named(Named::Pi)),
            "e" => return Ok(self.g.named(Named::E)),
            "inf" => return Ok(self.g.num(f64::INFINITY)),
            _ => {}
        }
        if FUNCTIONS.contains(&name.as_str()) {
            return err(
                ident,
                format!("`{name}` is a function: call it, e.g. `{name}(x)`"),
            );
        }
        let names = self.scope.names();
        let mut msg = format!("cannot find `{name}` in this formula");
        if let Some(s) = suggest(&name, names.iter().map(String::as_str)) {
            msg.push_str(&format!("; did you mean `{s}`?"));
        }
        msg.push_str(if msg.ends_with('?') { " " } else { ". " });
        msg.push_str(&format!("In scope: {}", names.join(", ")));
        err(ident, msg)
    }

    fn binary(&mut self, b: &syn::ExprBinary, d: usize) -> syn::Result<Id> {
        if let (BinOp::Mul(_), Expr::Unary(u)) = (b.op, &*b.right) {
            if let UnOp::Deref(_) = u.op {
                // `a ** k` parses as `a * (*k)`.
                let (a, k) = (
                    quote::ToTokens::to_token_stream(&*b.left).to_string(),
                    quote::ToTokens::to_token_stream(&*u.expr).to_string(),
                );
                return Err(syn::Error::new_spanned(
                    b,
                    format!(
                        "`**` is not a power operator in Rust: write `powi({a}, {k})` for an \
                         integer power or `powf({a}, {k})` for a real one"
                    ),
                ));
            }
        }
        let op = match b.op {
            BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_) => b.op,
            BinOp::BitXor(_) => {
                return err(
                    &b.op,
                    "`^` is bitwise XOR in Rust and binds looser than `*`; write `powi(a, 2)` \
                     for an integer power or `powf(a, b)` for a real one",
                );
            }
            BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) => {
                return err(
                    &b.op,
                    "a comparison is only allowed as the condition of `if`",
                );
            }
            BinOp::Eq(_) | BinOp::Ne(_) => {
                return err(
                    &b.op,
                    "`==` and `!=` are not supported: compare with <, <=, > or >=",
                );
            }
            BinOp::Rem(_) => return err(&b.op, "`%` is not supported in a formula"),
            _ => return err(&b.op, "unsupported operator: use + - * /"),
        };
        // The left spine of a left-associative chain (`a + b - c + ...`, `a * b / c * ...`) is
        // walked here rather than recursed into: a long flat sum is not nested, and its length
        // does not count against MAX_DEPTH (nor deepen the stack).
        let group = |op: &BinOp| match op {
            BinOp::Add(_) | BinOp::Sub(_) => 1,
            BinOp::Mul(_) | BinOp::Div(_) => 2,
            _ => 0,
        };
        let mut operands = vec![(op, &*b.right)];
        let mut left = &*b.left;
        while let Expr::Binary(lb) = left {
            let power = matches!(&*lb.right, Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)));
            if group(&lb.op) != group(&op) || power {
                break;
            }
            operands.push((lb.op, &*lb.right));
            left = &*lb.left;
        }
        let mut acc = self.expr(left, d)?;
        for (op, right) in operands.into_iter().rev() {
            let r = self.expr(right, d)?;
            acc = match op {
                BinOp::Add(_) => self.g.add(acc, r),
                BinOp::Sub(_) => self.g.sub(acc, r),
                BinOp::Mul(_) => self.g.mul(acc, r),
                _ => self.g.div(acc, r),
            };
        }
        Ok(acc)
    }

    fn call(&mut self, c: &syn::ExprCall, d: usize) -> syn::Result<Id> {
        let Expr::Path(p) = &*c.func else {
            return err(&c.func, "expected a function name");
        };
        let Some(ident) = p.path.get_ident() else {
            return err(&c.func, "expected a function name such as `exp`");
        };
        let name = ident.to_string();
        let args: Vec<&Expr> = c.args.iter().collect();
        let arity = |n: usize, usage: &str| -> syn::Result<()> {
            if args.len() == n {
                return Ok(());
            }
            let msg = format!(
                "`{name}` takes {n} argument(s): `{usage}`; got {}",
                args.len()
            );
            if args.is_empty() {
                err(c, msg)
            } else {
                err(&c.args, msg)
            }
        };
        if let Some(f) = Func::CALLABLE.iter().find(|f| f.name() == name) {
            arity(1, &format!("{name}(u)"))?;
            let a = self.expr(args[0], d)?;
            return Ok(self.g.call(*f, a));
        }
        if ["max", "min", "sum", "mean"].contains(&name.as_str())
            && args.len() == 1
            && c.args.trailing_punct()
        {
            // `max(x,)` would otherwise read as the one-argument reduction `max(x)`.
            let fix = if name == "max" || name == "min" {
                format!(
                    "write `{name}(a, b)` for the {} of two values, or `{name}(x)` without the comma to reduce over a vector",
                    if name == "max" { "larger" } else { "smaller" }
                )
            } else {
                format!("write `{name}(x)` without the comma")
            };
            let msg = format!("a `,` with no argument after it: {fix}");
            return match c.args.pairs().next_back().and_then(|p| p.punct().copied()) {
                Some(comma) => err(&comma, msg),
                None => err(&c.args, msg),
            };
        }
        match name.as_str() {
            "max" | "min" | "sum" | "mean" if args.len() == 1 => {
                // Only `max` and `min` have a two-argument elementwise form; `sum` and `mean`
                // need a vector activation.
                let two = if name == "max" || name == "min" {
                    format!(", or give `{name}` two arguments (`{name}(a, b)`)")
                } else {
                    String::new()
                };
                if self.scope.inputs.len() == 2 && !self.scope.vector {
                    return err(
                        ident,
                        format!(
                            "`{name}(E)` with one argument reduces over a whole vector, but a `gated` activation works on each pair (a, b) on its own{}",
                            if two.is_empty() {
                                format!(
                                    "; `{name}` reduces only in a `vector` activation (`pub vector struct ...`, one input x)"
                                )
                            } else {
                                format!("; give `{name}` two arguments (`{name}(a, b)`)")
                            }
                        ),
                    );
                }
                if !self.scope.vector {
                    return err(
                        ident,
                        format!(
                            "`{name}(E)` with one argument reduces over the whole input, which only a `vector` activation has: declare it with `pub vector struct ...`{two}"
                        ),
                    );
                }
                let kind = match name.as_str() {
                    "max" => Reduce::Max,
                    "min" => Reduce::Min,
                    "sum" => Reduce::Sum,
                    _ => Reduce::Mean,
                };
                let body = self.expr(args[0], d)?;
                Ok(self.g.reduce(kind, body))
            }
            "sum" | "mean" => {
                arity(1, &format!("{name}(E)"))?;
                err(c, "unreachable: one-argument reductions are handled above")
            }
            "max" | "min" => {
                arity(2, &format!("{name}(a, b)"))?;
                let a = self.expr(args[0], d)?;
                let b = self.expr(args[1], d)?;
                Ok(if name == "max" {
                    self.g.max(a, b)
                } else {
                    self.g.min(a, b)
                })
            }
            "clamp" => {
                arity(3, "clamp(a, lo, hi)")?;
                let a = self.expr(args[0], d)?;
                let lo = self.expr(args[1], d)?;
                let hi = self.expr(args[2], d)?;
                if self.g.is_constant(lo) && self.g.is_constant(hi) {
                    let (l, h) = (
                        crate::eval::eval(self.g, lo, 0.0, &[], &[]),
                        crate::eval::eval(self.g, hi, 0.0, &[], &[]),
                    );
                    if l > h {
                        // `- 1` as the tokens print it is shown `-1`.
                        let text = |e: &Expr| e.to_token_stream().to_string().replace("- ", "-");
                        let (a, b) = (text(args[1]), text(args[2]));
                        // Spanning from the start of lo to the end of hi.
                        let (lo_e, hi_e) = (args[1], args[2]);
                        return Err(syn::Error::new_spanned(
                            quote::quote!(#lo_e #hi_e),
                            format!(
                                "`clamp(a, lo, hi)` needs lo <= hi, but here lo = {a} is above hi = {b}: swap them, `clamp(a, {b}, {a})`"
                            ),
                        ));
                    }
                }
                // The bounds come first, so that they win a tie: at `a == lo` or `a == hi`
                // the derivative is 0, as for `max(0, x)` at 0 and for PyTorch's hardtanh,
                // relu6 and hardsigmoid.
                let m = self.g.max(lo, a);
                Ok(self.g.min(hi, m))
            }
            "powi" => {
                arity(2, "powi(a, INTEGER)")?;
                let a = self.expr(args[0], d)?;
                let k = integer(args[1])?;
                Ok(self.g.powi(a, k))
            }
            "powf" => {
                arity(2, "powf(a, b)")?;
                let a = self.expr(args[0], d)?;
                let b = self.expr(args[1], d)?;
                Ok(self.g.powf(a, b))
            }
            _ => {
                let hint = match name.as_str() {
                    "log" => Some("`ln` (natural logarithm) or `log1p`".to_string()),
                    "pow" => Some("`powi(a, INTEGER)` or `powf(a, b)`".to_string()),
                    "relu" => Some("`max(0, x)`".to_string()),
                    "sinh" | "cosh" => Some("an expression in `exp`".to_string()),
                    _ => suggest(&name, FUNCTIONS).map(|s| format!("`{s}`")),
                };
                let mut msg = format!("unknown function `{name}`");
                if let Some(h) = hint {
                    msg.push_str(&format!("; did you mean {h}?"));
                }
                msg.push_str(if msg.ends_with('?') { " " } else { ". " });
                msg.push_str(&format!("Functions: {}", FUNCTIONS.join(", ")));
                err(ident, msg)
            }
        }
    }

    fn if_expr(&mut self, i: &syn::ExprIf, d: usize) -> syn::Result<Id> {
        let Expr::Binary(cond) = &*i.cond else {
            return err(
                &i.cond,
                "the condition must compare two expressions with <, <=, > or >=",
            );
        };
        let cmp = match cond.op {
            BinOp::Lt(_) => Cmp::Lt,
            BinOp::Le(_) => Cmp::Le,
            BinOp::Gt(_) => Cmp::Gt,
            BinOp::Ge(_) => Cmp::Ge,
            _ => return err(&cond.op, "the condition must compare with <, <=, > or >="),
        };
        let Some((_, else_branch)) = &i.else_branch else {
            return err(
                &i.if_token,
                "this `if` has no `else`: the formula needs a value for every x",
            );
        };
        let a = self.expr(&cond.left, d)?;
        let b = self.expr(&cond.right, d)?;
        let t = self.block(&i.then_branch, d)?;
        let e = self.expr(else_branch, d)?;
        Ok(self.g.select(cmp, a, b, t, e))
    }

    fn block(&mut self, b: &syn::Block, d: usize) -> syn::Result<Id> {
        let depth_before = self.scope.lets.len();
        let mut result = None;
        for (k, stmt) in b.stmts.iter().enumerate() {
            let last = k + 1 == b.stmts.len();
            match stmt {
                Stmt::Local(local) => {
                    let syn::Pat::Ident(pi) = &local.pat else {
                        return err(&local.pat, "expected `let NAME = EXPR;`");
                    };
                    let Some(init) = &local.init else {
                        return err(local, "a `let` needs a value: `let NAME = EXPR;`");
                    };
                    let name = pi.ident.to_string();
                    if self.scope.inputs.contains(&name) || self.scope.params.contains(&name) {
                        return err(
                            &pi.ident,
                            format!(
                                "`{name}` would shadow the input or a parameter; choose another name"
                            ),
                        );
                    }
                    let v = self.expr(&init.expr, d)?;
                    self.scope.lets.push((name, v));
                }
                Stmt::Expr(e, None) if last => result = Some(self.expr(e, d)?),
                Stmt::Expr(e, Some(semi)) if last => {
                    let _ = e;
                    return err(
                        semi,
                        "remove this `;`: the block's last expression is its value",
                    );
                }
                _ => {
                    return err(
                        stmt,
                        "expected `let NAME = EXPR;` (only the last line is a bare expression)",
                    );
                }
            }
        }
        self.scope.lets.truncate(depth_before);
        match result {
            Some(r) => Ok(r),
            None => err(b, "this block has no value: end it with an expression"),
        }
    }
}

/// An integer literal, optionally negated.
fn integer(e: &Expr) -> syn::Result<i32> {
    let (lit, neg) = match e {
        Expr::Lit(l) => (&l.lit, false),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => (&l.lit, true),
            _ => {
                return err(
                    e,
                    "the exponent of `powi` must be an integer literal; use `powf(a, b)` otherwise",
                );
            }
        },
        _ => {
            return err(
                e,
                "the exponent of `powi` must be an integer literal; use `powf(a, b)` otherwise",
            );
        }
    };
    match lit {
        Lit::Int(i) => {
            let v: i32 = i
                .base10_parse()
                .map_err(|_| syn::Error::new(i.span(), "exponent out of range"))?;
            if !(-64..=64).contains(&v) {
                return err(
                    i,
                    "`powi` exponents are limited to -64..=64; use `powf` for larger ones",
                );
            }
            Ok(if neg { -v } else { v })
        }
        _ => err(
            e,
            "the exponent of `powi` must be an integer literal; use `powf(a, b)` otherwise",
        ),
    }
}
