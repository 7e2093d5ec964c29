//! Double-double evaluation of constant subexpressions (`1 / sqrt(2)`, `sqrt(2 / pi)`), so the
//! generated code can carry a constant as `hi + lo` and multiply by it with one rounding
//! instead of two: what keeps `erfc(-x / sqrt(2))` within its condition number.

use crate::graph::{Func, Graph, Id, Named, Node};

/// An unevaluated sum `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dd {
    /// Leading part.
    pub hi: f64,
    /// Trailing part.
    pub lo: f64,
}

fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let v = s - a;
    Dd {
        hi: s,
        lo: (a - (s - v)) + (b - v),
    }
}

fn two_prod(a: f64, b: f64) -> Dd {
    let p = a * b;
    Dd {
        hi: p,
        lo: a.mul_add(b, -p),
    }
}

impl Dd {
    /// The exact value `v`.
    pub fn from(v: f64) -> Dd {
        Dd { hi: v, lo: 0.0 }
    }

    fn norm(hi: f64, lo: f64) -> Dd {
        two_sum(hi, lo)
    }

    fn recip(self) -> Dd {
        let q1 = 1.0 / self.hi;
        // 1 - q1 * self, exactly enough for one correction step.
        let r = Dd::from(1.0) + self * Dd::from(-q1);
        Dd::norm(q1, r.hi / self.hi)
    }

    fn sqrt(self) -> Dd {
        let s = self.hi.sqrt();
        if s == 0.0 || !s.is_finite() {
            return Dd::from(s);
        }
        let r = self + two_prod(s, -s);
        Dd::norm(s, r.hi / (2.0 * s))
    }

    fn powi(self, k: i32) -> Dd {
        let mut acc = Dd::from(1.0);
        for _ in 0..k.unsigned_abs() {
            acc = acc * self;
        }
        if k < 0 { acc.recip() } else { acc }
    }
}

impl core::ops::Add for Dd {
    type Output = Dd;
    fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.hi, o.hi);
        Dd::norm(s.hi, s.lo + self.lo + o.lo)
    }
}

impl core::ops::Mul for Dd {
    type Output = Dd;
    fn mul(self, o: Dd) -> Dd {
        let p = two_prod(self.hi, o.hi);
        Dd::norm(p.hi, p.lo + self.hi * o.lo + self.lo * o.hi)
    }
}

/// `π` and `e` to double-double precision.
const PI: Dd = Dd {
    hi: core::f64::consts::PI,
    lo: 1.2246467991473532e-16,
};
const E: Dd = Dd {
    hi: core::f64::consts::E,
    lo: 1.4456468917292502e-16,
};

/// The value of a constant node (one without `x`, parameters or reductions) in double-double.
/// Functions other than `sqrt` are evaluated in `f64` (their `lo` is 0).
pub fn eval(g: &Graph, id: Id) -> Dd {
    match g.node(id) {
        // A decimal literal from its written value (0.044715 is not an f64).
        Node::Const(b) => Dd {
            hi: f64::from_bits(*b),
            lo: g.decimal_lo(*b),
        },
        Node::Named(Named::Pi) => PI,
        Node::Named(Named::E) => E,
        Node::Sum(ts) => ts.iter().fold(Dd::from(0.0), |a, &t| a + eval(g, t)),
        Node::Prod(fs) => fs.iter().fold(Dd::from(1.0), |a, &f| a * eval(g, f)),
        Node::Pow(a, k) => eval(g, *a).powi(*k),
        Node::Call(Func::Sqrt, a) => eval(g, *a).sqrt(),
        _ => Dd::from(crate::eval::eval_all(g, id, 0.0, &[], &[])[id.index()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_roots_square_back_to_double_double_precision() {
        for v in [2.0, 3.0, 0.5, 2.0 / core::f64::consts::PI, 1e-200, 7e200] {
            let s = Dd::from(v).sqrt();
            let back = s * s + Dd::from(-v);
            assert!(
                back.hi.abs() <= 1e-30 * v,
                "sqrt({v}): residual {:e}",
                back.hi
            );
            assert!(s.lo.abs() <= f64::EPSILON * s.hi.abs());
        }
    }

    #[test]
    fn reciprocals_multiply_back_to_one() {
        for v in [3.0, core::f64::consts::SQRT_2, 1e-200, -7.25] {
            let r = Dd::from(v).recip();
            let one = r * Dd::from(v);
            assert!(
                (one.hi - 1.0).abs() + one.lo.abs() <= 1e-30,
                "1/{v}: {one:?}"
            );
        }
        // 1/sqrt(2) times sqrt(2) is 1 to double-double precision.
        let s = Dd::from(2.0).sqrt();
        let p = s.recip() * s;
        assert!((p.hi - 1.0).abs() + p.lo.abs() <= 1e-30);
    }
}
