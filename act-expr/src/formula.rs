//! [`Formula`]: a formula parsed, differentiated and analysed at run time, as the CLI's
//! `--formula` needs.

use core::fmt;

use crate::analysis::{self, RangeInfo};
use crate::diff::Differentiator;
use crate::eval;
use crate::graph::{Graph, Id, Reduce, Var};
use crate::parse::{MAX_DEPTH, Scope, lower, lower_as_written};
use crate::print::print;
use crate::probe::thresholds;
use crate::reduction::partials;

/// Longest formula text accepted, in bytes.
pub const MAX_LEN: usize = 10_000;

/// A formula error: a message and the byte range of the text it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    span: core::ops::Range<usize>,
}

impl Error {
    /// What is wrong and how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Byte offsets of the offending part of the text.
    pub fn span(&self) -> core::ops::Range<usize> {
        self.span.clone()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A formula in the macro's language, ready to evaluate.
#[derive(Clone, Debug)]
pub struct Formula {
    graph: Graph,
    f: Id,
    df: Id,
    params: Vec<String>,
    values: Vec<f64>,
    vector: bool,
    /// A vector formula's range where its shape as written proves one.
    proven: Option<RangeInfo>,
}

/// Byte offset of a line/column position (column in characters).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off + l.char_indices().nth(column).map_or(l.len(), |(b, _)| b);
        }
        off += l.len();
    }
    text.len()
}

fn to_error(text: &str, e: &syn::Error) -> Error {
    let span = e.span();
    let (s, t) = (span.start(), span.end());
    let start = offset(text, s.line, s.column);
    let end = offset(text, t.line, t.column).max(start);
    Error {
        message: e.to_string(),
        span: start..end,
    }
}

/// Refuses text that would nest deeper than the parser can take before parsing it.
fn check_shape(text: &str) -> Result<(), Error> {
    if text.len() > MAX_LEN {
        return Err(Error {
            message: format!(
                "formula too long ({} bytes; the limit is {MAX_LEN})",
                text.len()
            ),
            span: 0..text.len(),
        });
    }
    // Ranges are not part of the language either, and chains of them with prefix operators
    // also take syn's parser exponential time (found by the fuzzer).
    if let Some(i) = text.find("..") {
        return Err(Error {
            message: "`..` is not part of the formula language".to_string(),
            span: i..i + 2,
        });
    }
    // Open delimiters and where they are, so that an unbalanced one is named (syn's own
    // message is "cannot parse string into token stream").
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut prefix_run = 0usize;
    for (i, c) in text.char_indices() {
        // Characters the language never uses are refused before syn sees them: some of them
        // (`|` closures) send syn's parser into exponential time on crafted input.
        let allowed =
            c.is_ascii_alphanumeric() || c.is_whitespace() || "_.,;=<>!+-*/%^(){}".contains(c);
        if !allowed {
            return Err(Error {
                message: format!(
                    "`{c}` is not part of the formula language: use numbers, `x`, parameters, + - * /, function calls, `if`/`else` and `{{ let ...; }}` blocks"
                ),
                span: i..i + c.len_utf8(),
            });
        }
        match c {
            '(' | '{' | '[' => open.push((c, i)),
            ')' | '}' | ']' => {
                let wanted = match c {
                    ')' => '(',
                    '}' => '{',
                    _ => '[',
                };
                match open.pop() {
                    Some((o, _)) if o == wanted => {}
                    Some((o, at)) => {
                        return Err(Error {
                            message: format!("`{c}` closes the `{o}` opened here: close it first"),
                            span: at..i + 1,
                        });
                    }
                    None => {
                        return Err(Error {
                            message: format!("`{c}` has no `{wanted}` to close"),
                            span: i..i + 1,
                        });
                    }
                }
            }
            _ => {}
        }
        let depth = open.len();
        prefix_run = match c {
            '-' | '!' | '*' | '&' => prefix_run + 1,
            c if c.is_whitespace() => prefix_run,
            _ => 0,
        };
        if depth > MAX_DEPTH || prefix_run > MAX_DEPTH {
            return Err(Error {
                message: format!("formula nested too deeply (more than {MAX_DEPTH} levels)"),
                span: i..i + c.len_utf8(),
            });
        }
    }
    if let Some(&(o, at)) = open.last() {
        let close = match o {
            '(' => ')',
            '{' => '}',
            _ => ']',
        };
        return Err(Error {
            message: format!("this `{o}` is never closed: add a `{close}`"),
            span: at..at + 1,
        });
    }
    Ok(())
}

/// Panics, naming both lengths, when an output buffer does not match its input.
fn same_length(xs: &[f64], out: &[f64]) {
    assert_eq!(
        xs.len(),
        out.len(),
        "length mismatch: xs has {} elements, out {}",
        xs.len(),
        out.len()
    );
}

fn values(params: &[(&str, f64)]) -> Vec<f64> {
    params.iter().map(|p| p.1).collect()
}

impl Formula {
    /// Parses an elementwise formula in `x`.
    ///
    /// Error positions come from proc-macro2's span locations, which keep every parsed text in
    /// a per-thread source map. A long-running process that parses very many formulas can
    /// release it with `proc_macro2::extra::invalidate_current_thread_spans()` (when it holds
    /// no other spans on that thread; the fuzz target does so).
    pub fn parse(text: &str) -> Result<Formula, Error> {
        Formula::parse_with_params(text, &[])
    }

    /// Parses a formula that may use the named parameters.
    pub fn parse_with_params(text: &str, params: &[(&str, f64)]) -> Result<Formula, Error> {
        Formula::build(text, params, false)
    }

    /// Parses a vector formula (one-argument `sum`, `mean`, `max`, `min` reduce over the input).
    pub fn parse_vector(text: &str, params: &[(&str, f64)]) -> Result<Formula, Error> {
        Formula::build(text, params, true)
    }

    fn build(text: &str, params: &[(&str, f64)], vector: bool) -> Result<Formula, Error> {
        check_shape(text)?;
        // The same names the macro refuses for parameters.
        for (i, (name, _)) in params.iter().enumerate() {
            let message = if ["x", "pi", "e", "inf"].contains(name) {
                format!("`{name}` is reserved in formulas; choose another parameter name")
            } else if params[..i].iter().any(|(n, _)| n == name) {
                format!("parameter `{name}` is given twice")
            } else {
                continue;
            };
            return Err(Error {
                message,
                span: 0..text.len(),
            });
        }
        let expr: syn::Expr = syn::parse_str(text).map_err(|e| to_error(text, &e))?;
        let names: Vec<String> = params.iter().map(|(n, _)| n.to_string()).collect();
        let mut scope = Scope::new(names.clone(), vector);
        let mut graph = Graph::new();
        let f = lower(&mut graph, &expr, &mut scope).map_err(|e| to_error(text, &e))?;
        let df = graph.diff(f, Var::X);
        // The shape as written (the stability rewrites hide log-softmax's), as the macro.
        let proven = if vector {
            let mut written = Graph::new();
            let mut scope = Scope::new(names.clone(), vector);
            lower_as_written(&mut written, &expr, &mut scope)
                .ok()
                .and_then(|w| crate::reduction::proven_vector_range(&written, w))
        } else {
            None
        };
        Ok(Formula {
            graph,
            f,
            df,
            params: names,
            values: values(params),
            vector,
            proven,
        })
    }

    /// Where the formula fails to be an activation: an input where it is NaN (`ln(x)` for
    /// x < 0) or has a pole (`x / (1 + x)` at -1); `None` when it is defined on the whole real
    /// line, and for formulas with reductions (not checked). The `activation!` macro refuses
    /// such formulas; a tool that takes activations from users should too.
    pub fn undefined(&self) -> Option<crate::domain::Undefined> {
        if !self.graph.reductions().is_empty() {
            return None;
        }
        let mut g = self.graph.clone();
        crate::domain::undefined_at(&mut g, self.f, &self.values)
    }

    /// True for a vector formula.
    pub fn is_vector(&self) -> bool {
        self.vector
    }

    /// `f(x)` (elementwise formulas; reductions count as NaN otherwise).
    pub fn eval(&self, x: f64) -> f64 {
        eval::eval(&self.graph, self.f, x, &self.values, &[])
    }

    /// `f'(x)`.
    pub fn eval_derivative(&self, x: f64) -> f64 {
        eval::eval(&self.graph, self.df, x, &self.values, &[])
    }

    /// A vector formula over a whole input, as the macro's generated code computes it: NaN
    /// in gives NaN, and a row holding ±∞ gives what IEEE arithmetic gives, no limit
    /// (see [`eval::eval_in_row`]). Panics if the lengths differ.
    pub fn eval_vector(&self, xs: &[f64], out: &mut [f64]) {
        same_length(xs, out);
        let reds = eval::eval_reductions(&self.graph, xs, &self.values);
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = eval::eval_in_row(&self.graph, self.f, x, &self.values, &reds);
        }
    }

    /// Number of nodes in the formula's graph (formula and derivative, shared).
    pub fn size(&self) -> usize {
        self.graph.len()
    }

    /// The diagonal of a vector formula's Jacobian, `out[i] = ∂y_i/∂x_i`, by forward-mode
    /// differentiation through the reductions (what the macro's generated code computes; as
    /// in [`eval_vector`](Formula::eval_vector), no limit at a row holding ±∞); NaN where the
    /// value is NaN (a row holding NaN). Panics if the lengths differ.
    pub fn eval_vector_derivative(&self, xs: &[f64], out: &mut [f64]) {
        same_length(xs, out);
        if xs.is_empty() {
            return;
        }
        let mut g = self.graph.clone();
        let reds: Vec<(Reduce, Id)> = g.reductions().to_vec();
        let n = xs.len() as f64;
        let p = &self.values;
        let r = eval::eval_reductions(&g, xs, p);
        // Per reduction j: ∂f/∂r_j, ∂g_j/∂x, and ∂g_j/∂r_k for the earlier k (as the
        // generated code has them).
        let parts = partials(&mut g, &mut Differentiator::new(), self.f);
        let at = |id: Id, x: f64| eval::eval_in_row(&g, id, x, p, &r);
        // Index of each max/min reduction's extreme (the first), where its derivative flows.
        let extreme: Vec<usize> = reds
            .iter()
            .map(|&(kind, body)| {
                let vals: Vec<f64> = xs.iter().map(|&x| at(body, x)).collect();
                let better = |a: f64, b: f64| if kind == Reduce::Min { a < b } else { a > b };
                (1..vals.len()).fold(
                    0,
                    |best, i| if better(vals[i], vals[best]) { i } else { best },
                )
            })
            .collect();
        // T[j]: (k, ∂r_j/∂r_k), aggregated over the input as the reduction aggregates.
        let t: Vec<Vec<(usize, f64)>> = reds
            .iter()
            .zip(&parts)
            .enumerate()
            .map(|(j, (&(kind, _), part))| {
                part.body_dr
                    .iter()
                    .map(|&(k, d)| {
                        let v = match kind {
                            Reduce::Sum => xs.iter().map(|&x| at(d, x)).sum(),
                            Reduce::Mean => eval::mean(xs.iter().map(|&x| at(d, x))),
                            Reduce::Max | Reduce::Min => at(d, xs[extreme[j]]),
                        };
                        (k as usize, v)
                    })
                    .collect()
            })
            .collect();
        for (i, (&x, o)) in xs.iter().zip(out.iter_mut()).enumerate() {
            let mut dr = vec![0.0; reds.len()];
            let mut acc = at(self.df, x);
            for (j, (&(kind, _), part)) in reds.iter().zip(&parts).enumerate() {
                let own = match kind {
                    Reduce::Sum => at(part.body_dx, x),
                    Reduce::Mean => at(part.body_dx, x) / n,
                    Reduce::Max | Reduce::Min if i == extreme[j] => at(part.body_dx, x),
                    Reduce::Max | Reduce::Min => 0.0,
                };
                dr[j] = own + t[j].iter().map(|&(k, a)| a * dr[k]).sum::<f64>();
                acc += at(part.output_partial, x) * dr[j];
            }
            // NaN where the value is NaN, as the generated code.
            let value = at(self.f, x);
            *o = if value.is_nan() { value } else { acc };
        }
    }

    /// The simplified derivative, pretty-printed.
    pub fn derivative_text(&self) -> String {
        print(&self.graph, self.df, &self.params)
    }

    /// A vector formula's range, where its shape proves one for every parameter value and
    /// input length (softmax's `(0, 1]`, log-softmax's `(-∞, 0]`, as the `activation!` macro
    /// finds them: [`crate::reduction::proven_vector_range`]); `None` otherwise: unknown.
    pub fn vector_range(&self) -> Option<RangeInfo> {
        self.proven
    }

    /// Where the value or the derivative, as the generated code computes them in `f64` and
    /// in `f32`, is wrong in a tail: an intermediate overflows, underflows or loses all its
    /// digits ([`crate::hazard`]). Empty for vector formulas (not examined).
    pub fn hazards(&self) -> Vec<crate::hazard::Hazard> {
        if self.vector {
            return Vec::new();
        }
        crate::hazard::hazards(&self.graph, (self.f, self.df), &self.values, &self.params)
    }

    /// The range over the real line (elementwise formulas).
    pub fn range(&self) -> RangeInfo {
        self.analyse().0
    }

    /// Range and shape (monotonic, zero-centred, kinks, saturation, value and derivative at
    /// 0) over the real line, by the analysis `activation!` runs for its `range()` and
    /// `properties()` ([`analysis::analyse`]), so the same formula gets the same facts
    /// (elementwise formulas).
    pub fn analyse(&self) -> (RangeInfo, analysis::Shape) {
        let mut g = self.graph.clone();
        let kinks = thresholds(&mut g, &[self.f, self.df], &self.values);
        let f = |x: f64| self.eval(x);
        let df = |x: f64| self.eval_derivative(x);
        let r = analysis::range(&f, &df, &kinks);
        let s = analysis::shape(&f, &df, &r, &kinks);
        (r, s)
    }
}

impl fmt::Display for Formula {
    /// The formula after simplification and stability rewrites.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&print(&self.graph, self.f, &self.params))
    }
}
