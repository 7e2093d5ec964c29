//! Whether a formula is defined on the whole real line: an activation takes every real input,
//! so a formula that gives NaN for some inputs (`ln(x)` for x < 0, `sqrt(x)`) or has a pole
//! (`x / (1 + x)` at -1) is a mistake, and the range and properties computed for it would be
//! false. Both the macro and run-time formulas (the CLI) refuse such formulas with the input
//! where it happens.

use crate::analysis;
use crate::eval;
use crate::graph::{Func, Graph, Id, Node};

/// Where and how a formula fails to be defined.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Undefined {
    /// `f(x)` is NaN at this input.
    NotANumber {
        /// The input.
        x: f64,
    },
    /// `f(x)` is NaN at this input, where a denominator (or the argument of `ln`) is zero and
    /// the numerator too (`tanh(x) / x` or `x * ln(abs(x))` at 0): `0/0` or `0·∞`, though the
    /// formula may have a limit there.
    Indeterminate {
        /// The input.
        x: f64,
    },
    /// `f(x)` is NaN at a moderate input (|x| = 1 or 1/2) with no function outside its domain
    /// and no zero of a denominator there: a constant that is NaN (`inf - inf`, `0 / 0`,
    /// `ln(0) * 0`) makes `f` NaN at every input.
    ConstantNaN {
        /// An input where it happens.
        x: f64,
    },
    /// `f` is infinite at moderate inputs that are not zeros of any denominator: a division by
    /// a constant 0 (`x / 0`, or a parameter that is 0 where it divides).
    DivisionByZero {
        /// An input where it happens.
        x: f64,
    },
    /// `f` grows without bound next to this input (a division by zero or `ln(0)`).
    Pole {
        /// The input.
        x: f64,
        /// The value computed there or next to it (±∞ or huge).
        value: f64,
    },
}

impl core::fmt::Display for Undefined {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use crate::print::number;
        match *self {
            Undefined::NotANumber { x } => write!(
                f,
                "the formula is not defined at x = {} (it gives NaN there, e.g. `ln` or `sqrt` \
                 of a negative number); an activation takes every real input: restrict the \
                 argument (`ln(1 + exp(x))`, `sqrt(x * x + 1)`, `abs`, `max`) or use an `if`",
                number(x)
            ),
            Undefined::Indeterminate { x } => write!(
                f,
                "the formula is not defined at x = {x} (0/0 or 0·∞ there, as `tanh(x) / x` at 0); \
                 an activation takes every real input: give its value around there with an \
                 `if` (`if abs(x) < 1e-8 {{ 1 }} else {{ tanh(x) / x }}`, the limit 1 where \
                 the next term of the series is below the rounding) or write it without the \
                 division",
                x = number(x)
            ),
            Undefined::ConstantNaN { x } => write!(
                f,
                "the formula is NaN at x = {}, where no function is outside its domain: a constant \
                 in it is undefined \
                 (`inf - inf`, `0 * inf`, `0 / 0`, or `ln(0)` combined with another infinity); \
                 write the formula without it",
                number(x)
            ),
            Undefined::DivisionByZero { x } => write!(
                f,
                "the formula is infinite at x = {} (and wherever its numerator is not 0): it \
                 divides by a constant 0 or holds an infinite constant (`inf`, `ln(0)`): check \
                 the divisors and constants; where a divisor is a parameter, its value must \
                 not be 0 (in `activation!` its default, and a constraint `where NAME != 0` \
                 refuses 0 when it is set; in act-cli the `--param` given)",
                number(x)
            ),
            Undefined::Pole { x, value } => write!(
                f,
                "the formula has a pole at x = {} (f is {} there: a division by zero or `ln(0)`); \
                 an activation must be finite for every finite input: keep the denominator away \
                 from 0 (e.g. `1 + abs(x)` rather than `1 + x`)",
                number(x),
                number(value)
            ),
        }
    }
}

/// The arguments whose zeros may be poles of the formula: denominators (negative integer
/// powers), and the arguments of `ln` and, shifted by one, of `log1p`.
fn pole_arguments(g: &mut Graph, root: Id) -> Vec<Id> {
    let mut out = Vec::new();
    for id in g.reachable(&[root]) {
        match *g.node(id) {
            Node::Pow(a, k) if k < 0 => out.push(a),
            Node::Call(Func::Ln, a) => out.push(a),
            Node::Call(Func::Log1p, a) => {
                let one = g.num(1.0);
                out.push(g.add(a, one));
            }
            _ => {}
        }
    }
    out.retain(|&a| g.depends_on_x(a));
    out
}

/// The arguments of the functions defined on part of the line, with the least value each
/// takes: `ln` (0), `sqrt` (0), `log1p` (-1), and the base of `powf` (0).
fn domain_arguments(g: &Graph, root: Id) -> Vec<(Id, f64)> {
    g.reachable(&[root])
        .into_iter()
        .filter_map(|id| match *g.node(id) {
            Node::Call(Func::Ln | Func::Sqrt, a) | Node::PowF(a, _) => Some((a, 0.0)),
            Node::Call(Func::Log1p, a) => Some((a, -1.0)),
            _ => None,
        })
        .collect()
}

/// The first input (moderate inputs first) where `f` is not defined, at these parameters, or
/// `None`. NaN counts at |x| <= 1e6 where an argument of `ln`, `sqrt`, `log1p` or `powf` is
/// outside its domain; a pole is an input where a denominator or the argument of `ln` or
/// `log1p` (plus one) is zero and `f` is infinite, or more than 1e6 times larger than 1% away,
/// or an input of magnitude 1 or 1/2 where `f` is infinite (a division by a constant 0).
pub fn undefined_at(g: &mut Graph, f: Id, params: &[f64]) -> Option<Undefined> {
    let value = |g: &Graph, x: f64| eval::eval(g, f, x, params, &[]);
    let mut xs: Vec<f64> = analysis::grid()
        .into_iter()
        .filter(|x| x.abs() <= 1e6)
        .collect();
    // Readable witnesses first: |x| >= 1 in increasing magnitude, then the smaller ones.
    let key = |x: &f64| (x.abs() < 1.0, x.abs());
    xs.sort_by(|a, b| key(a).partial_cmp(&key(b)).expect("no NaN in the grid"));
    // NaN counts where an argument is outside its function's domain (not where an overflow
    // made `∞ - ∞`, which the generated code handles).
    let domain = domain_arguments(g, f);
    let outside = |g: &Graph, x: f64| {
        domain.iter().any(|&(a, lowest)| {
            let v = eval::eval(g, a, x, params, &[]);
            v.is_finite() && v < lowest
        })
    };
    if let Some(&x) = xs.iter().find(|&&x| value(g, x).is_nan() && outside(g, x)) {
        return Some(Undefined::NotANumber { x });
    }
    let grid = analysis::grid();
    for a in pole_arguments(g, f) {
        let zeros = analysis::sign_changes(&|x| eval::eval(g, a, x, params, &[]), &grid);
        for s in zeros {
            let near = [s - 0.01 * (1.0 + s.abs()), s + 0.01 * (1.0 + s.abs())]
                .map(|x| value(g, x).abs())
                .into_iter()
                .fold(0.0f64, f64::max);
            if value(g, s).is_nan() {
                return Some(Undefined::Indeterminate { x: s });
            }
            for x in [s, s.next_up(), s.next_down()] {
                let v = value(g, x);
                if v.is_infinite() || (v.abs() > 1e12 && v.abs() > 1e6 * (1.0 + near)) {
                    return Some(Undefined::Pole { x: s, value: v });
                }
            }
        }
    }
    // A division by a constant 0 is folded into an infinite constant (`x / 0` is `x * ∞`):
    // no input that moderate may give an infinite value, nor NaN (`0 / 0`, `∞ - ∞` folded).
    for x in [1.0, -1.0, 0.5, -0.5] {
        let v = value(g, x);
        if v.is_infinite() {
            return Some(Undefined::DivisionByZero { x });
        }
        if v.is_nan() {
            return Some(Undefined::ConstantNaN { x });
        }
    }
    None
}

#[cfg(all(test, feature = "syn"))]
mod tests {
    use super::*;
    use crate::parse::{Scope, lower};

    fn check(text: &str) -> Option<Undefined> {
        let expr: syn::Expr = syn::parse_str(text).unwrap();
        let mut g = Graph::new();
        let f = lower(&mut g, &expr, &mut Scope::new(vec![], false)).unwrap();
        undefined_at(&mut g, f, &[])
    }

    #[test]
    fn poles_and_domains_are_found() {
        assert!(matches!(check("x / (1 + x)"), Some(Undefined::Pole { x, .. }) if x == -1.0));
        assert!(matches!(check("1 / x"), Some(Undefined::Pole { x, .. }) if x == 0.0));
        assert!(matches!(
            check("1 / (x * x - 2)"),
            Some(Undefined::Pole { x, .. }) if (x - 2f64.sqrt()).abs() < 1e-12 || (x + 2f64.sqrt()).abs() < 1e-12
        ));
        assert!(matches!(check("x / 0"), Some(Undefined::DivisionByZero { x }) if x == 1.0));
        // NaN at every input, from a constant (user trial: these compiled).
        for text in ["x * 0 / 0", "inf - inf + x", "ln(0) * 0 + x"] {
            assert!(
                matches!(check(text), Some(Undefined::ConstantNaN { x }) if x == 1.0),
                "{text}: {:?}",
                check(text)
            );
        }
        assert!(matches!(
            check("exp(x) / (1 - 1)"),
            Some(Undefined::DivisionByZero { .. })
        ));
        // Removable singularities are still NaN at the point itself.
        for text in ["tanh(x) / x", "(exp(x) - 1) / x", "x * ln(abs(x))"] {
            assert_eq!(
                check(text),
                Some(Undefined::Indeterminate { x: 0.0 }),
                "{text}"
            );
        }
        assert!(matches!(check("ln(x)"), Some(Undefined::NotANumber { .. })));
        assert!(matches!(check("sqrt(x)"), Some(Undefined::NotANumber { x }) if x < 0.0));
        assert!(matches!(
            check("log1p(x)"),
            Some(Undefined::NotANumber { .. })
        ));
    }

    #[test]
    fn defined_formulas_pass() {
        for text in [
            "x / (1 + abs(x))",
            "ln(1 + exp(x))",
            "sqrt(x * x + 1)",
            "if x > 0 { ln(x + 1) } else { x }",
            "x * sigmoid(x)",
            "1 / (1 + exp(-x))",
            "sigmoid(1 / (1 + x * x))",
            "exp(x)",
            "x * tanh(softplus(x))",
        ] {
            assert_eq!(check(text), None, "{text}");
        }
    }
}
