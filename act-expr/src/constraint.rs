//! The `where` conditions of a declaration: which parameter values the activation accepts.
//!
//! A condition compares two expressions built from the parameters, numbers, `pi`, `e`, `inf`,
//! `+ - * /`, unary `-` and parentheses: `min_val < max_val`, `alpha != 0`, `b >= 0`. Kept
//! to plain arithmetic so that the generated `new` can check it in a `const fn`.

use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, UnOp};

use crate::print::number;

/// A checked `where` condition.
#[derive(Clone)]
pub struct Constraint {
    /// The condition as written, e.g. `"min_val < max_val"`.
    pub text: String,
    /// The condition itself.
    expr: Expr,
}

impl core::fmt::Debug for Constraint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Constraint").field(&self.text).finish()
    }
}

const HELP: &str = "a `where` condition compares parameters and numbers with < <= > >= != \
     (e.g. `where min_val < max_val, alpha != 0;`), using + - * / and parentheses";

impl Constraint {
    /// Checks that `expr` is a comparison over `params` and numbers; `inputs` are the
    /// declaration's input names (`x`, or a gated activation's two), which a condition
    /// cannot use.
    pub fn new(expr: &Expr, params: &[String], inputs: &[String]) -> syn::Result<Self> {
        let Expr::Binary(b) = strip(expr) else {
            return Err(syn::Error::new_spanned(expr, HELP));
        };
        if !matches!(
            b.op,
            BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Ne(_)
        ) {
            return Err(syn::Error::new_spanned(b.op, HELP));
        }
        operand(&b.left, params, inputs)?;
        operand(&b.right, params, inputs)?;
        Ok(Constraint {
            text: format!(
                "{} {} {}",
                plain(&b.left),
                b.op.to_token_stream(),
                plain(&b.right)
            ),
            expr: expr.clone(),
        })
    }

    /// Whether the condition holds for these parameter values (a NaN makes it fail).
    pub fn holds(&self, params: &[String], values: &[f64]) -> bool {
        let Expr::Binary(b) = strip(&self.expr) else {
            return false;
        };
        let (l, r) = (
            value(&b.left, params, values),
            value(&b.right, params, values),
        );
        match b.op {
            BinOp::Lt(_) => l < r,
            BinOp::Le(_) => l <= r,
            BinOp::Gt(_) => l > r,
            BinOp::Ge(_) => l >= r,
            BinOp::Ne(_) => l != r && !l.is_nan() && !r.is_nan(),
            _ => false,
        }
    }

    /// A Rust `bool` expression over local `f64` variables named like the parameters; `const`
    /// evaluable.
    pub fn tokens(&self) -> proc_macro2::TokenStream {
        let Expr::Binary(b) = strip(&self.expr) else {
            return quote!(false);
        };
        let (l, r) = (rust(&b.left), rust(&b.right));
        let op = &b.op;
        match b.op {
            // `!=` must also fail on NaN, which `a != b` would accept.
            BinOp::Ne(_) => quote!((#l < #r || #l > #r)),
            _ => quote!((#l #op #r)),
        }
    }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        e => e,
    }
}

/// A path's name where it is a single identifier (`alpha`, `pi`), else the empty string.
fn path_name(p: &syn::ExprPath) -> String {
    p.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

fn operand(e: &Expr, params: &[String], inputs: &[String]) -> syn::Result<()> {
    match strip(e) {
        Expr::Lit(l) if matches!(l.lit, syn::Lit::Int(_) | syn::Lit::Float(_)) => Ok(()),
        Expr::Path(p) => {
            let name = path_name(p);
            if params.contains(&name) || ["pi", "e", "inf"].contains(&name.as_str()) {
                Ok(())
            } else if inputs.contains(&name) {
                Err(syn::Error::new_spanned(
                    e,
                    format!(
                        "a `where` condition is about the parameters; `{name}` is {}",
                        if inputs.len() == 1 {
                            "the input"
                        } else {
                            "an input"
                        }
                    ),
                ))
            } else {
                let known = if params.is_empty() {
                    "this activation has no parameters".to_string()
                } else {
                    format!("parameters: {}", params.join(", "))
                };
                Err(syn::Error::new_spanned(
                    e,
                    format!("unknown name `{name}` in a `where` condition; {known}"),
                ))
            }
        }
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => operand(&u.expr, params, inputs),
        Expr::Binary(b)
            if matches!(
                b.op,
                BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_)
            ) =>
        {
            operand(&b.left, params, inputs)?;
            operand(&b.right, params, inputs)
        }
        other => Err(syn::Error::new(other.span(), HELP)),
    }
}

fn literal(e: &Expr) -> Option<f64> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<f64>().ok(),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_parse::<f64>().ok(),
        _ => None,
    }
}

fn named(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(core::f64::consts::PI),
        "e" => Some(core::f64::consts::E),
        "inf" => Some(f64::INFINITY),
        _ => None,
    }
}

fn value(e: &Expr, params: &[String], values: &[f64]) -> f64 {
    let e = strip(e);
    if let Some(v) = literal(e) {
        return v;
    }
    match e {
        Expr::Path(p) => {
            let name = path_name(p);
            params
                .iter()
                .position(|q| *q == name)
                .map(|i| values[i])
                .or_else(|| named(&name))
                .unwrap_or(f64::NAN)
        }
        Expr::Unary(u) => -value(&u.expr, params, values),
        Expr::Binary(b) => {
            let (l, r) = (
                value(&b.left, params, values),
                value(&b.right, params, values),
            );
            match b.op {
                BinOp::Add(_) => l + r,
                BinOp::Sub(_) => l - r,
                BinOp::Mul(_) => l * r,
                BinOp::Div(_) => l / r,
                _ => f64::NAN,
            }
        }
        _ => f64::NAN,
    }
}

fn rust(e: &Expr) -> proc_macro2::TokenStream {
    let e = strip(e);
    if let Some(v) = literal(e) {
        let l = proc_macro2::Literal::f64_suffixed(v);
        return quote!(#l);
    }
    match e {
        Expr::Path(p) => {
            let id = p.path.get_ident().expect("checked: a plain name");
            match named(&id.to_string()) {
                Some(v) if v.is_infinite() => quote!(::core::f64::INFINITY),
                Some(v) => {
                    let l = proc_macro2::Literal::f64_suffixed(v);
                    quote!(#l)
                }
                None => quote!(#id),
            }
        }
        Expr::Unary(u) => {
            let a = rust(&u.expr);
            quote!((-#a))
        }
        Expr::Binary(b) => {
            let (l, r, op) = (rust(&b.left), rust(&b.right), &b.op);
            quote!((#l #op #r))
        }
        _ => quote!(::core::f64::NAN),
    }
}

/// The expression as a reader writes it: names, numbers in their shortest form, operators
/// with spaces.
fn plain(e: &Expr) -> String {
    let e = strip(e);
    if let Some(v) = literal(e) {
        // The shorter of the literal as written (`1e14`) and its shortest value (`1` for `1.0`).
        let written = e.to_token_stream().to_string();
        let value = number(v);
        return if written.len() < value.len() {
            written
        } else {
            value
        };
    }
    match e {
        Expr::Path(p) => p.to_token_stream().to_string(),
        Expr::Unary(u) => match strip(&u.expr) {
            Expr::Binary(_) => format!("-({})", plain(&u.expr)),
            _ => format!("-{}", plain(&u.expr)),
        },
        Expr::Binary(b) => {
            let wrap = |x: &Expr| match strip(x) {
                Expr::Binary(_) => format!("({})", plain(x)),
                _ => plain(x),
            };
            format!(
                "{} {} {}",
                wrap(&b.left),
                b.op.to_token_stream(),
                wrap(&b.right)
            )
        }
        other => other.to_token_stream().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(src: &str, params: &[&str]) -> syn::Result<Constraint> {
        let names: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        Constraint::new(&syn::parse_str(src).unwrap(), &names, &["x".to_string()])
    }

    #[test]
    fn comparisons_hold_or_fail_as_arithmetic_says() {
        let names = ["min_val".to_string(), "max_val".to_string()];
        let k = c("min_val < max_val", &["min_val", "max_val"]).unwrap();
        assert_eq!(k.text, "min_val < max_val");
        assert!(k.holds(&names, &[-1.0, 1.0]));
        assert!(!k.holds(&names, &[3.0, -2.0]));
        assert!(!k.holds(&names, &[1.0, 1.0]));
        assert!(!k.holds(&names, &[f64::NAN, 1.0]));
        let nz = c("alpha != 0", &["alpha"]).unwrap();
        assert!(!nz.holds(&["alpha".to_string()], &[0.0]));
        assert!(!nz.holds(&["alpha".to_string()], &[f64::NAN]));
        assert!(nz.holds(&["alpha".to_string()], &[-2.0]));
        let ar = c("2 * a + 1 >= -(a - pi)", &["a"]).unwrap();
        assert_eq!(ar.text, "(2 * a) + 1 >= -(a - pi)");
        // 2a + 1 >= pi - a  <=>  a >= (pi - 1) / 3
        let a = (core::f64::consts::PI - 1.0) / 3.0;
        assert!(ar.holds(&["a".to_string()], &[a + 1e-9]));
        assert!(!ar.holds(&["a".to_string()], &[a - 1e-9]));
    }

    #[test]
    fn mistakes_say_what_is_allowed() {
        let e = c("alpha", &["alpha"]).unwrap_err().to_string();
        assert!(e.contains("compares parameters"), "{e}");
        let e = c("beta > 0", &["alpha"]).unwrap_err().to_string();
        assert!(
            e.contains("unknown name `beta`") && e.contains("alpha"),
            "{e}"
        );
        let e = c("x > 0", &["alpha"]).unwrap_err().to_string();
        assert!(e.contains("`x` is the input"), "{e}");
        let gated = ["a".to_string(), "b".to_string()];
        let cond = syn::parse_str("b > beta").unwrap();
        let e = Constraint::new(&cond, &["beta".to_string()], &gated)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`b` is an input"), "{e}");
        let e = c("exp(alpha) > 1", &["alpha"]).unwrap_err().to_string();
        assert!(e.contains("+ - * /"), "{e}");
        let e = c("alpha == 1", &["alpha"]).unwrap_err().to_string();
        assert!(e.contains("< <= > >= !="), "{e}");
    }
}
