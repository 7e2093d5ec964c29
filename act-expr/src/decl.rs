//! The declaration grammar of `activation!`:
//!
//! ```text
//! #[attrs] /// docs
//! VIS [vector | gated] struct NAME [(PARAM = DEFAULT, ...)];
//! f(x) = EXPR;                 (gated: f(A, B) = EXPR; with any two input names)
//! [df(x) = EXPR;]
//! [textbook(x) = EXPR;]        (the formula as papers write it, when `f` is a rewrite of it)
//! [range = (LO, HI);]
//! [where COND, COND, ...;]
//! [vjp(Y, G) = EXPR;]          (vector: the VJP from the saved output, checked)
//! ```
//!
//! A `where` condition compares two expressions over the parameters and numbers
//! (`min_val < max_val`, `alpha != 0`): the values `new`, `try_new`, `set_param` and
//! `set_params` accept.

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Ident, Token, Visibility};

mod kw {
    syn::custom_keyword!(vector);
    syn::custom_keyword!(gated);
    syn::custom_keyword!(vjp);
    syn::custom_keyword!(f);
    syn::custom_keyword!(df);
    syn::custom_keyword!(textbook);
    syn::custom_keyword!(range);
}

/// A declared parameter.
#[derive(Clone, Debug)]
pub struct ParamDecl {
    /// Its name.
    pub name: Ident,
    /// Its default value.
    pub default: f64,
}

/// A parsed `activation!` input.
#[derive(Clone)]
pub struct Decl {
    /// Attributes and doc comments, kept on the generated struct.
    pub attrs: Vec<Attribute>,
    /// Visibility of the struct.
    pub vis: Visibility,
    /// `vector struct`: outputs depend on the whole input.
    pub vector: bool,
    /// `gated struct`: two inputs, `f(a, b)`, element by element.
    pub gated: bool,
    /// The input names as written in `f(...)`: `x`, or a gated activation's two.
    pub inputs: Vec<Ident>,
    /// The struct's name.
    pub name: Ident,
    /// Parameters with defaults.
    pub params: Vec<ParamDecl>,
    /// The formula.
    pub f: Expr,
    /// The hand-written derivative, if any.
    pub df: Option<Expr>,
    /// `textbook(x) = EXPR;`: the formula as the literature writes it, where `f` is an
    /// implementation of it (scaled, split into branches); checked against `f`, printed as
    /// the activation's formula, and differentiated for its printed derivative.
    pub textbook: Option<Expr>,
    /// The declared range `(LO, HI)`, if any.
    pub range: Option<(Expr, Expr)>,
    /// The `range` keyword (where range errors point).
    pub range_kw: Option<proc_macro2::Span>,
    /// The `where` conditions on the parameters, as written.
    pub constraints: Vec<Expr>,
    /// `vjp(y, g) = EXPR;`: a vector activation's vector-Jacobian product in terms of its
    /// output `y` and the incoming gradient `g` (element names, then the expression).
    pub vjp: Option<VjpDecl>,
}

/// A declared `vjp(y, g) = EXPR;` clause.
#[derive(Clone)]
pub struct VjpDecl {
    /// The `vjp` keyword (where errors about the clause point).
    pub span: proc_macro2::Span,
    /// The names of the output element and of the gradient element.
    pub names: [Ident; 2],
    /// The expression.
    pub expr: Expr,
}

impl Parse for Decl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let vector = if input.peek(kw::vector) {
            input.parse::<kw::vector>()?;
            true
        } else {
            false
        };
        let gated = !vector && input.peek(kw::gated);
        if gated {
            input.parse::<kw::gated>()?;
        }
        let lookahead = input.lookahead1();
        if !lookahead.peek(Token![struct]) {
            return Err(lookahead.error());
        }
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        let mut line_end = name.span();
        let mut params = Vec::new();
        if input.peek(syn::token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            line_end = paren.span.close();
            params = parse_params(&content)?;
        }
        semicolon(input, line_end)?;

        let mut clauses = Clauses::default();
        while !input.is_empty() {
            clauses.parse_one(input, gated)?;
        }
        let Some(f) = clauses.f else {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "`{name}` has no formula: add `{}` after the struct line",
                    if gated {
                        "f(a, b) = ...;"
                    } else {
                        "f(x) = ...;"
                    }
                ),
            ));
        };
        Ok(Decl {
            attrs,
            vis,
            vector,
            gated,
            inputs: clauses.inputs,
            name,
            params,
            f,
            df: clauses.df,
            textbook: clauses.textbook,
            range: clauses.range,
            range_kw: clauses.range_kw,
            constraints: clauses.constraints.unwrap_or_default(),
            vjp: clauses.vjp,
        })
    }
}

/// The parameter list inside `struct NAME(...)`: `name = default, ...`.
fn parse_params(content: ParseStream) -> syn::Result<Vec<ParamDecl>> {
    let mut params: Vec<ParamDecl> = Vec::new();
    while !content.is_empty() {
        let pname: Ident = content.parse()?;
        if params.iter().any(|p| p.name == pname) {
            return Err(syn::Error::new(
                pname.span(),
                format!("duplicate parameter `{pname}`"),
            ));
        }
        if ["x", "pi", "e", "inf"].contains(&pname.to_string().as_str()) {
            return Err(syn::Error::new(
                pname.span(),
                format!("`{pname}` is reserved in formulas; choose another parameter name"),
            ));
        }
        if !content.peek(Token![=]) {
            return Err(syn::Error::new(
                pname.span(),
                format!("parameter `{pname}` needs a default: `{pname} = 1.0`"),
            ));
        }
        content.parse::<Token![=]>()?;
        let default = signed_number(content)?;
        params.push(ParamDecl {
            name: pname,
            default,
        });
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(params)
}

/// The clauses after the struct line, each at most once, in any order.
#[derive(Default)]
struct Clauses {
    f: Option<Expr>,
    df: Option<Expr>,
    textbook: Option<Expr>,
    inputs: Vec<Ident>,
    vjp: Option<VjpDecl>,
    range: Option<(Expr, Expr)>,
    range_kw: Option<proc_macro2::Span>,
    constraints: Option<Vec<Expr>>,
}

impl Clauses {
    /// Parses the next clause into its slot.
    fn parse_one(&mut self, input: ParseStream, gated: bool) -> syn::Result<()> {
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::f) || lookahead.peek(kw::df) || lookahead.peek(kw::textbook) {
            self.parse_formula(input, gated)
        } else if lookahead.peek(kw::vjp) {
            self.parse_vjp(input)
        } else if lookahead.peek(kw::range) {
            self.parse_range(input)
        } else if lookahead.peek(Token![where]) {
            self.parse_where(input)
        } else {
            Err(lookahead.error())
        }
    }

    /// `f(x) = EXPR;`, `df(x) = EXPR;` or `textbook(x) = EXPR;` (`f(a, b)` in a gated
    /// activation).
    fn parse_formula(&mut self, input: ParseStream, gated: bool) -> syn::Result<()> {
        let is_df = input.peek(kw::df);
        let is_textbook = input.peek(kw::textbook);
        let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        let content;
        syn::parenthesized!(content in input);
        let vars = content.parse_terminated(Ident::parse, Token![,])?;
        let vars: Vec<Ident> = vars.into_iter().collect();
        if is_df && gated {
            return Err(syn::Error::new(
                key.span(),
                "`df` is not supported in a gated activation: the macro derives both partials itself",
            ));
        }
        if is_textbook && gated {
            return Err(syn::Error::new(
                key.span(),
                "`textbook` is not supported in a gated activation: its formula is printed as declared",
            ));
        }
        check_inputs(&key, &vars, gated)?;
        if !is_df && !is_textbook {
            self.inputs = vars;
        }
        input.parse::<Token![=]>()?;
        let e: Expr = input.parse()?;
        semicolon(input, last_span(&e))?;
        let slot = if is_df {
            &mut self.df
        } else if is_textbook {
            &mut self.textbook
        } else {
            &mut self.f
        };
        if slot.is_some() {
            return Err(syn::Error::new(
                key.span(),
                format!("`{key}(x)` is declared twice"),
            ));
        }
        *slot = Some(e);
        Ok(())
    }

    /// `vjp(y, g) = EXPR;`.
    fn parse_vjp(&mut self, input: ParseStream) -> syn::Result<()> {
        let kw: kw::vjp = input.parse()?;
        if self.vjp.is_some() {
            return Err(syn::Error::new(kw.span, "`vjp` is declared twice"));
        }
        let content;
        syn::parenthesized!(content in input);
        let vars = content.parse_terminated(Ident::parse, Token![,])?;
        let vars: Vec<Ident> = vars.into_iter().collect();
        let [y, g] = match &vars[..] {
            [y, g] if y != g => [y.clone(), g.clone()],
            _ => {
                return Err(syn::Error::new(
                    kw.span,
                    "`vjp` takes the output and the gradient, two names: `vjp(y, g) = ...`",
                ));
            }
        };
        input.parse::<Token![=]>()?;
        let expr: Expr = input.parse()?;
        semicolon(input, last_span(&expr))?;
        self.vjp = Some(VjpDecl {
            span: kw.span,
            names: [y, g],
            expr,
        });
        Ok(())
    }

    /// `range = (LO, HI);`.
    fn parse_range(&mut self, input: ParseStream) -> syn::Result<()> {
        let kw: kw::range = input.parse()?;
        if self.range.is_some() {
            return Err(syn::Error::new(kw.span, "`range` is declared twice"));
        }
        input.parse::<Token![=]>()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        let lo: Expr = content.parse()?;
        content.parse::<Token![,]>()?;
        let hi: Expr = content.parse()?;
        if !content.is_empty() {
            return Err(content.error("expected `(LO, HI)`"));
        }
        semicolon(input, paren.span.close())?;
        self.range = Some((lo, hi));
        self.range_kw = Some(kw.span);
        Ok(())
    }

    /// `where COND, COND, ...;`.
    fn parse_where(&mut self, input: ParseStream) -> syn::Result<()> {
        let kw: Token![where] = input.parse()?;
        if self.constraints.is_some() {
            return Err(syn::Error::new(
                kw.span,
                "`where` is declared twice: list every condition in one clause, separated by commas",
            ));
        }
        let mut conds = Vec::new();
        loop {
            conds.push(input.parse::<Expr>()?);
            if input.peek(Token![;]) {
                break;
            }
            if input.is_empty() || !input.peek(Token![,]) {
                semicolon(input, last_span(conds.last().expect("one condition")))?;
            }
            input.parse::<Token![,]>()?;
            if input.peek(Token![;]) {
                break;
            }
        }
        input.parse::<Token![;]>()?;
        self.constraints = Some(conds);
        Ok(())
    }
}

/// The inputs of `f(...)`: `x` alone, or two distinct names for a gated activation.
fn check_inputs(key: &Ident, vars: &[Ident], gated: bool) -> syn::Result<()> {
    if gated {
        return match vars {
            [a, b] if a == b => Err(syn::Error::new(
                b.span(),
                format!("the two inputs need different names: `f({a}, {b})`"),
            )),
            [a, b] => {
                for v in [a, b] {
                    if ["pi", "e", "inf"].contains(&v.to_string().as_str()) {
                        return Err(syn::Error::new(
                            v.span(),
                            format!("`{v}` is reserved in formulas; choose another input name"),
                        ));
                    }
                }
                Ok(())
            }
            _ => Err(syn::Error::new(
                key.span(),
                format!(
                    "a gated activation takes two inputs, got {}: write `f(a, b) = ...`",
                    vars.len()
                ),
            )),
        };
    }
    match vars {
        [v] if v == "x" => Ok(()),
        [v] => Err(syn::Error::new(
            v.span(),
            "the input is always named `x`: write `f(x) = ...`",
        )),
        [_, second, ..] => Err(syn::Error::new(
            second.span(),
            "this activation takes one input, `x`; for two inputs declare a `gated struct` and write `f(a, b) = ...`",
        )),
        [] => Err(syn::Error::new(
            key.span(),
            "the input is missing: write `f(x) = ...`",
        )),
    }
}

/// The span of the last token of `e`, after which a missing `;` belongs.
fn last_span(e: &Expr) -> proc_macro2::Span {
    quote::ToTokens::to_token_stream(e)
        .into_iter()
        .last()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}

/// A `;`, or an error on the token it should follow (not on the next item, and not on the
/// whole macro when it is the last one that is missing).
fn semicolon(input: ParseStream, after: proc_macro2::Span) -> syn::Result<()> {
    if input.peek(Token![;]) {
        input.parse::<Token![;]>()?;
        return Ok(());
    }
    Err(syn::Error::new(after, "expected `;` after this"))
}

fn signed_number(input: ParseStream) -> syn::Result<f64> {
    let negative = input.peek(Token![-]);
    if negative {
        input.parse::<Token![-]>()?;
    }
    let lookahead = input.lookahead1();
    let v = if lookahead.peek(syn::LitFloat) {
        input.parse::<syn::LitFloat>()?.base10_parse::<f64>()?
    } else if lookahead.peek(syn::LitInt) {
        input.parse::<syn::LitInt>()?.base10_parse::<f64>()?
    } else {
        return Err(lookahead.error());
    };
    Ok(if negative { -v } else { v })
}
