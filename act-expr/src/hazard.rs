//! Where a formula's straight-line code gives a wrong value in a tail: an intermediate
//! overflows (`powi(x, 4)` in `powi(x, 3) / (1 + powi(x, 4))` beyond 1.2e77 in `f64`, 4.3e9
//! in `f32`, where the value becomes 0 and then NaN), underflows to 0, or loses all its digits
//! to cancellation (`sqrt(x^2 + 1) - x`, 0 from x = 9.5e7 on in `f64`).
//!
//! The stability rewrites fix what they know; these hazards are what is left, and the user
//! is told: `act-cli show` prints them, and `activation!` writes them into the generated
//! type's documentation.
//!
//! Method. For each sign of `x`, the inputs of the analysis grid ([`crate::analysis::grid`])
//! from 1 out to 1e300 (`f64`) or the largest `f32` are evaluated twice: as the generated code
//! computes them (the interpreter's `f64` values, with the limit fix-up at huge inputs where
//! the straight line gives NaN; for `f32`, every node rounded to `f32` as the `f32` code
//! rounds it), and in a reference arithmetic with double-double precision and an unbounded
//! exponent, in which no intermediate overflows and sums cancel exactly up to 2^-100. The
//! value is *wrong* where it is NaN while the reference is a number, an infinity the
//! reference is not, or off by more than half the reference (no correct digit; results below
//! the smallest normal number are allowed an absolute error of that number). The first wrong
//! input of the grid and the last right one before it are bisected to the threshold, and at
//! the threshold the first wrong intermediate (in evaluation order, among the nodes the
//! result depends on there) is the cause.
//!
//! Limits of the method: functions other than `exp`, `ln`, `log1p`, `expm1`, `sqrt`,
//! `softplus` and `asinh` are evaluated in the reference at the `f64` value of their argument
//! (their own digits are `f64`'s), so a cancellation right after such a call is not seen; and
//! only the tails `|x| >= 1` are examined.

use core::fmt;

use crate::analysis;
use crate::eval::{self, LIMIT_PROBES, LIMIT_THRESHOLD, LimitProbes};
use crate::graph::{Func, Graph, Id, Named, Node};
use crate::print::print;

/// The floating-point type a hazard is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `f32` (the `f32` code, every intermediate an `f32`).
    F32,
    /// `f64`.
    F64,
}

impl Precision {
    fn round(self, v: f64) -> f64 {
        match self {
            Precision::F32 => v as f32 as f64,
            Precision::F64 => v,
        }
    }
    fn min_positive(self) -> f64 {
        match self {
            Precision::F32 => f32::MIN_POSITIVE as f64,
            Precision::F64 => f64::MIN_POSITIVE,
        }
    }
    /// The largest input examined.
    fn bound(self) -> f64 {
        match self {
            Precision::F32 => f32::MAX as f64,
            Precision::F64 => 1e300,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        })
    }
}

/// Which tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `x < -from`.
    Left,
    /// `x > from`.
    Right,
    /// `|x| > from`.
    Both,
}

/// What goes wrong in the intermediate that first goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// It is ±∞ where the exact value is a number.
    Overflow,
    /// It is 0 where the exact value is a nonzero number below the smallest normal number.
    Underflow,
    /// A sum off by more than half its exact value: its terms cancel (`sqrt(x^2 + 1) - x`).
    Cancellation,
    /// Another node off by more than half its exact value.
    Digits,
}

/// A tail where the value (or the derivative) the generated code computes is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Hazard {
    /// The floating-point type.
    pub precision: Precision,
    /// About `f'` rather than `f`.
    pub derivative: bool,
    /// The tail.
    pub side: Side,
    /// The magnitude beyond which the result is wrong: the threshold bisection found between
    /// the last right and the first wrong input of the grid, rounded up to 2 significant
    /// digits. The inputs beyond it are sampled, not all checked; past the start of a
    /// cancellation the first ones are right or wrong by the luck of rounding, hence the
    /// "about" in the message.
    pub from: f64,
    /// The first intermediate that goes wrong, printed, and how; `None` where no single
    /// intermediate could be named.
    pub cause: Option<(Cause, String)>,
}

impl fmt::Display for Hazard {
    /// `f32: f(x) is wrong for |x| > 4.3e9: powi(x, 4) overflows`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = if self.derivative { "f'(x)" } else { "f(x)" };
        let from = if self.from >= 1e4 {
            format!("{:e}", self.from)
        } else {
            format!("{}", self.from)
        };
        let cond = match self.side {
            Side::Left => format!("x < -{from}"),
            Side::Right => format!("x > {from}"),
            Side::Both => format!("|x| > {from}"),
        };
        let p = self.precision;
        match &self.cause {
            Some((Cause::Overflow, node)) => {
                write!(f, "{p}: {which} is wrong for {cond}: `{node}` overflows")
            }
            Some((Cause::Underflow, node)) => {
                write!(
                    f,
                    "{p}: {which} is wrong for {cond}: `{node}` underflows to 0"
                )
            }
            Some((Cause::Digits, node)) => {
                let cond = cond.replacen(['>', '<'], "beyond about", 1);
                write!(
                    f,
                    "{p}: {which} has no correct digit for {cond}: `{node}` loses them"
                )
            }
            Some((Cause::Cancellation, node)) => {
                let cond = cond.replacen(['>', '<'], "beyond about", 1);
                write!(
                    f,
                    "{p}: {which} has no correct digit for {cond}: `{node}` cancels"
                )
            }
            None => write!(f, "{p}: {which} is wrong for {cond}"),
        }
    }
}

/// The hazards of `f` and of its derivative `df` (both in `g`) at the parameter values
/// `params` (named `names` in the printed intermediates), for `f32` and `f64`: at most one per
/// function, type and tail, `f64` first.
pub fn hazards(g: &Graph, (f, df): (Id, Id), params: &[f64], names: &[String]) -> Vec<Hazard> {
    let mut out = Vec::new();
    for precision in [Precision::F64, Precision::F32] {
        for (root, derivative) in [(f, false), (df, true)] {
            out.extend(of_root(g, root, params, names, precision, derivative));
        }
    }
    out
}

fn of_root(
    g: &Graph,
    root: Id,
    params: &[f64],
    names: &[String],
    precision: Precision,
    derivative: bool,
) -> Vec<Hazard> {
    let left = tail(g, root, (params, names), precision, -1.0);
    let right = tail(g, root, (params, names), precision, 1.0);
    let hazard = |side, (from, cause): (f64, Option<(Cause, String)>)| Hazard {
        precision,
        derivative,
        side,
        from: round_up(from),
        cause,
    };
    match (left, right) {
        (Some(l), Some(r)) if round_up(l.0) == round_up(r.0) && l.1 == r.1 => {
            vec![hazard(Side::Both, l)]
        }
        (l, r) => l
            .map(|l| hazard(Side::Left, l))
            .into_iter()
            .chain(r.map(|r| hazard(Side::Right, r)))
            .collect(),
    }
}

/// `v` (positive) rounded up to 2 significant digits.
fn round_up(v: f64) -> f64 {
    let text = format!("{v:.1e}");
    let rounded: f64 = text.parse().unwrap_or(v);
    if rounded >= v {
        return rounded;
    }
    // One unit up in the second digit.
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let m: f64 = mantissa.parse().unwrap_or(1.0);
    format!("{:.1}e{exp}", m + 0.1).parse().unwrap_or(v)
}

/// In the tail `side` (±1): the smallest magnitude from which the result is wrong, and the
/// cause there.
fn tail(
    g: &Graph,
    root: Id,
    (params, names): (&[f64], &[String]),
    precision: Precision,
    side: f64,
) -> Option<(f64, Option<(Cause, String)>)> {
    let wrong = |t: f64| root_wrong(g, root, side * t, params, precision);
    let mut ts: Vec<f64> = analysis::grid()
        .into_iter()
        .filter(|&t| t >= 1.0 && t <= precision.bound())
        // Every other point out there (steps of 10^(1/4)): bisection finds the threshold.
        .filter(|&t| {
            t <= 16.0 || t.log10().fract().abs() * 4.0 % 1.0 < 1e-6 || t == precision.bound()
        })
        .map(|t| precision.round(t))
        .collect();
    ts.dedup();
    let i = ts.iter().position(|&t| wrong(t))?;
    let (mut lo, mut hi) = (if i == 0 { ts[0] } else { ts[i - 1] }, ts[i]);
    if i > 0 {
        for _ in 0..200 {
            let mid = precision.round(analysis::midpoint(lo, hi));
            if mid <= lo || mid >= hi {
                break;
            }
            if wrong(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    Some((hi, culprit(g, root, side * hi, (params, names), precision)))
}

/// Whether the result at `x` is wrong (see the module documentation).
fn root_wrong(g: &Graph, root: Id, x: f64, params: &[f64], precision: Precision) -> bool {
    let computed = match precision {
        Precision::F64 => eval::eval(g, root, x, params, &[]),
        Precision::F32 => {
            let at = |u: f64| eval_all_f32(g, root, u, params)[root.index()];
            let y = at(x);
            if y.is_nan() && x.abs() >= LIMIT_THRESHOLD {
                limit_f32(x, at)
            } else {
                y
            }
        }
    };
    let reference = reference_all(g, root, x, params)[root.index()].to_f64();
    let r = precision.round(reference);
    if r.is_nan() {
        return false;
    }
    if computed.is_nan() {
        return true;
    }
    if computed.is_infinite() || r.is_infinite() {
        return computed != r;
    }
    let tiny = precision.min_positive();
    let err = (computed - reference).abs();
    if reference.abs() < tiny {
        err > tiny
    } else {
        err > 0.5 * reference.abs()
    }
}

/// act-core's limit fix-up in `f32`: the probes that are finite `f32` numbers no larger
/// than `|x|`.
fn limit_f32(x: f64, f: impl Fn(f64) -> f64) -> f64 {
    let mut probes = LimitProbes::default();
    for m in LIMIT_PROBES {
        let v = m as f32 as f64;
        if v.is_infinite() || v > x.abs() {
            continue;
        }
        if let Some(l) = probes.push(v, f(v.copysign(x))) {
            return l as f32 as f64;
        }
    }
    probes.finish(x.is_infinite()) as f32 as f64
}

/// The first node, in evaluation order, among those the result depends on at `x` (the
/// branches taken), whose computed value is wrong, and how.
fn culprit(
    g: &Graph,
    root: Id,
    x: f64,
    (params, names): (&[f64], &[String]),
    precision: Precision,
) -> Option<(Cause, String)> {
    let computed = match precision {
        Precision::F64 => eval::eval_all(g, root, x, params, &[]),
        Precision::F32 => eval_all_f32(g, root, x, params),
    };
    let reference = reference_all(g, root, x, params);
    let mut live = vec![false; root.index() + 1];
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut live[id.index()], true) {
            continue;
        }
        match *g.node(id) {
            Node::Select(c, a, b, t, e) => {
                let taken = if c.holds(computed[a.index()], computed[b.index()]) {
                    t
                } else {
                    e
                };
                stack.extend([a, b, taken]);
            }
            ref n => stack.extend(children(n)),
        }
    }
    let (i, cause) = (0..=root.index())
        .filter(|&i| live[i])
        .find_map(|i| node_wrong(computed[i], reference[i], precision).map(|c| (i, c)))?;
    let id = Id(i as u32);
    // A product divides by the product of its negative powers, formed as a positive power
    // (`powi(1 + powi(x, 4), 2)` in `x^6 / (1 + x^4)^2`): where that overflows, it is the
    // cause, though no node of the graph holds it.
    if let Node::Prod(ref fs) = *g.node(id) {
        for &f in fs {
            if let Node::Pow(a, k) = *g.node(f)
                && k < 0
            {
                let c = precision.round(eval::powi(computed[a.index()], -k));
                if c.is_infinite() && !reference[a.index()].powi(-k).is_infinite() {
                    let text = format!("powi({}, {})", print(g, a, names), -k);
                    return Some((Cause::Overflow, text));
                }
            }
        }
    }
    let cause = match (cause, g.node(id)) {
        (Cause::Digits, Node::Sum(_)) => Cause::Cancellation,
        _ => cause,
    };
    Some((cause, print(g, id, names)))
}

fn children(n: &Node) -> Vec<Id> {
    match *n {
        Node::Sum(ref v) | Node::Prod(ref v) => v.clone(),
        Node::Pow(a, _) | Node::Call(_, a) => vec![a],
        Node::PowF(a, b) | Node::Max(a, b) | Node::Min(a, b) => vec![a, b],
        Node::Select(_, a, b, t, e) => vec![a, b, t, e],
        _ => vec![],
    }
}

fn node_wrong(c: f64, r: Wide, precision: Precision) -> Option<Cause> {
    if r.is_nan() || c.is_nan() {
        return None;
    }
    if c.is_infinite() {
        return (!r.is_infinite()).then_some(Cause::Overflow);
    }
    if r.is_infinite() {
        return None;
    }
    let rv = r.to_f64();
    let tiny = precision.min_positive();
    if c == 0.0 && !r.is_zero() && rv.abs() < tiny {
        // Underflow only where it matters beside what a subnormal can hold.
        return (rv.abs() >= tiny * 0.5 || rv == 0.0).then_some(Cause::Underflow);
    }
    if rv.abs() < tiny {
        return None;
    }
    ((c - rv).abs() > 0.5 * rv.abs()).then_some(Cause::Digits)
}

/// Every node up to `top` as the `f32` code computes it: each value rounded to `f32`, sums
/// term by term, products as the interpreter forms them (numerator factors, then one division
/// by the product of the negative powers).
fn eval_all_f32(g: &Graph, top: Id, x: f64, params: &[f64]) -> Vec<f64> {
    let r = |v: f64| v as f32 as f64;
    let mut v: Vec<f64> = Vec::with_capacity(top.index() + 1);
    for n in &g.nodes()[..=top.index()] {
        let val = match *n {
            Node::Const(b) => r(f64::from_bits(b)),
            Node::Named(Named::Pi) => r(core::f64::consts::PI),
            Node::Named(Named::E) => r(core::f64::consts::E),
            Node::X => r(x),
            Node::Param(i) => r(params.get(i as usize).copied().unwrap_or(f64::NAN)),
            Node::B | Node::Red(_) => f64::NAN,
            Node::Sum(ref ts) => ts[1..]
                .iter()
                .fold(v[ts[0].index()], |acc, t| r(acc + v[t.index()])),
            Node::Prod(ref fs) => {
                let (mut num, mut den, mut has_den) = (1.0, 1.0, false);
                for f in fs {
                    match *g.node(*f) {
                        Node::Pow(a, k) if k < 0 => {
                            den = r(den * r(eval::powi(v[a.index()], -k)));
                            has_den = true;
                        }
                        _ => num = r(num * v[f.index()]),
                    }
                }
                if has_den { r(num / den) } else { num }
            }
            Node::Pow(a, k) => r(eval::powi(v[a.index()], k)),
            Node::PowF(a, b) => r(v[a.index()].powf(v[b.index()])),
            Node::Call(f, a) => r(eval::apply(f, v[a.index()])),
            Node::Max(a, b) => eval::max(v[a.index()], v[b.index()]),
            Node::Min(a, b) => eval::min(v[a.index()], v[b.index()]),
            Node::Select(c, a, b, t, e) => {
                if c.holds(v[a.index()], v[b.index()]) {
                    v[t.index()]
                } else {
                    v[e.index()]
                }
            }
        };
        v.push(val);
    }
    v
}

/// Every node up to `top` in the reference arithmetic.
fn reference_all(g: &Graph, top: Id, x: f64, params: &[f64]) -> Vec<Wide> {
    let mut v: Vec<Wide> = Vec::with_capacity(top.index() + 1);
    for n in &g.nodes()[..=top.index()] {
        let val = match *n {
            Node::Const(b) => Wide::from(f64::from_bits(b)),
            Node::Named(Named::Pi) => Wide::from(core::f64::consts::PI),
            Node::Named(Named::E) => Wide::from(core::f64::consts::E),
            Node::X => Wide::from(x),
            Node::Param(i) => Wide::from(params.get(i as usize).copied().unwrap_or(f64::NAN)),
            Node::B | Node::Red(_) => Wide::from(f64::NAN),
            Node::Sum(ref ts) => ts[1..]
                .iter()
                .fold(v[ts[0].index()], |acc, t| acc.add(v[t.index()])),
            Node::Prod(ref fs) => fs[1..]
                .iter()
                .fold(v[fs[0].index()], |acc, f| acc.mul(v[f.index()])),
            Node::Pow(a, k) => v[a.index()].powi(k),
            Node::PowF(a, b) => {
                let (a, b) = (v[a.index()], v[b.index()]);
                if a.hi > 0.0 && a.hi.is_finite() && b.hi.is_finite() {
                    a.ln().mul(b).exp()
                } else {
                    Wide::from(a.to_f64().powf(b.to_f64()))
                }
            }
            Node::Call(f, a) => call(f, v[a.index()]),
            Node::Max(a, b) => pick(v[a.index()], v[b.index()], true),
            Node::Min(a, b) => pick(v[a.index()], v[b.index()], false),
            Node::Select(c, a, b, t, e) => match v[a.index()].sub(v[b.index()]).sign() {
                Some(d) if c.holds(d, 0.0) => v[t.index()],
                Some(_) => v[e.index()],
                None => Wide::from(f64::NAN),
            },
        };
        v.push(val);
    }
    v
}

/// `max(a, b)` (or `min`), `a` on a tie.
fn pick(a: Wide, b: Wide, max: bool) -> Wide {
    match a.sub(b).sign() {
        Some(d) if (d < 0.0) == max => b,
        Some(_) => a,
        None => Wide::from(if max {
            eval::max(a.to_f64(), b.to_f64())
        } else {
            eval::min(a.to_f64(), b.to_f64())
        }),
    }
}

const LN2: (f64, f64) = (core::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);

fn call(f: Func, a: Wide) -> Wide {
    let v = a.to_f64();
    // The part of `a` that `v` misses (0 where `a` is a number beyond f64's range).
    let dv = if v.is_finite() {
        a.sub(Wide::from(v)).to_f64()
    } else {
        0.0
    };
    match f {
        Func::Abs => {
            if a.hi < 0.0 {
                a.neg()
            } else {
                a
            }
        }
        Func::Sqrt => a.sqrt(),
        Func::Exp => a.exp(),
        Func::Ln => a.ln(),
        Func::Log1p if v.is_finite() && v.abs() < 1e18 => {
            Wide::from(v.ln_1p()).add(Wide::from(dv / (1.0 + v)))
        }
        Func::Log1p => a.ln(),
        Func::Expm1 if v.abs() < 700.0 => Wide::from(v.exp_m1()).add(Wide::from(v.exp() * dv)),
        Func::Expm1 => a.exp().add(Wide::from(-1.0)),
        Func::Softplus if v > 40.0 => a.add(Wide::from((-v).exp())),
        Func::Asinh if v.abs() > 1e150 => {
            let l = a.abs().mul(Wide::from(2.0)).ln();
            if a.hi < 0.0 { l.neg() } else { l }
        }
        Func::Asinh => Wide::from(v.asinh()).add(Wide::from(dv / (1.0 + v * v).sqrt())),
        _ if !a.is_infinite() && !v.is_finite() => {
            // Beyond f64's range: the functions that grow like their argument there
            // (silu, gelu, mish, ...) are their argument; the others their limit.
            let big = 1e300f64.copysign(v);
            if f.eval(big) == big {
                a
            } else {
                Wide::from(f.eval(v))
            }
        }
        _ => Wide::from(f.eval(v)),
    }
}

/// A number `(hi + lo) 2^e` with `hi + lo` a double-double whose `hi` lies in [0.5, 1) in
/// magnitude (or is 0, ±∞ or NaN, with `e = 0`): double-double precision, no overflow.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Wide {
    hi: f64,
    lo: f64,
    e: i64,
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let v = s - a;
    (s, (a - (s - v)) + (b - v))
}

fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `v 2^k` for any `k`, in steps that stay in range.
fn scale(mut v: f64, mut k: i64) -> f64 {
    while k != 0 && v != 0.0 && v.is_finite() {
        let step = k.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        k -= step;
    }
    v
}

impl Wide {
    fn from(v: f64) -> Wide {
        Wide::norm(v, 0.0, 0)
    }

    fn norm(hi: f64, lo: f64, e: i64) -> Wide {
        let (hi, lo) = two_sum(hi, lo);
        if hi == 0.0 || !hi.is_finite() {
            return Wide { hi, lo: 0.0, e: 0 };
        }
        let (m, k) = libm::frexp(hi);
        let k = i64::from(k);
        // Exponents this far out are ±∞ or 0 for any purpose here.
        if e + k > 1 << 40 {
            return Wide::from(f64::INFINITY.copysign(hi));
        }
        if e + k < -(1 << 40) {
            return Wide::from(0.0f64.copysign(hi));
        }
        Wide {
            hi: m,
            lo: scale(lo, -k),
            e: e + k,
        }
    }

    fn is_nan(self) -> bool {
        self.hi.is_nan()
    }
    fn is_infinite(self) -> bool {
        self.hi.is_infinite()
    }
    fn is_zero(self) -> bool {
        self.hi == 0.0
    }

    /// The sign of the value (0 for zero), or `None` for NaN.
    fn sign(self) -> Option<f64> {
        if self.is_nan() {
            None
        } else if self.hi == 0.0 {
            Some(0.0)
        } else {
            Some(self.hi.signum())
        }
    }

    fn to_f64(self) -> f64 {
        if self.hi == 0.0 || !self.hi.is_finite() {
            return self.hi;
        }
        scale(self.hi + self.lo, self.e)
    }

    fn neg(self) -> Wide {
        Wide {
            hi: -self.hi,
            lo: -self.lo,
            e: self.e,
        }
    }

    fn abs(self) -> Wide {
        if self.hi < 0.0 { self.neg() } else { self }
    }

    fn add(self, o: Wide) -> Wide {
        if !self.hi.is_finite() || !o.hi.is_finite() {
            return Wide::from(self.hi + o.hi);
        }
        if o.hi == 0.0 {
            return self;
        }
        if self.hi == 0.0 {
            return o;
        }
        let (big, small) = if self.e >= o.e { (self, o) } else { (o, self) };
        let d = big.e - small.e;
        if d > 120 {
            return big;
        }
        let (s, t) = two_sum(big.hi, scale(small.hi, -d));
        Wide::norm(s, t + big.lo + scale(small.lo, -d), big.e)
    }

    fn sub(self, o: Wide) -> Wide {
        self.add(o.neg())
    }

    fn mul(self, o: Wide) -> Wide {
        if !self.hi.is_finite() || !o.hi.is_finite() || self.hi == 0.0 || o.hi == 0.0 {
            return Wide::from(self.hi * o.hi);
        }
        let (p, q) = two_prod(self.hi, o.hi);
        Wide::norm(p, q + self.hi * o.lo + self.lo * o.hi, self.e + o.e)
    }

    fn recip(self) -> Wide {
        if !self.hi.is_finite() || self.hi == 0.0 {
            return Wide::from(1.0 / self.hi);
        }
        let q = 1.0 / self.hi;
        let (p, pl) = two_prod(q, self.hi);
        let res = ((1.0 - p) - pl) - q * self.lo;
        Wide::norm(q, q * res, -self.e)
    }

    fn powi(self, k: i32) -> Wide {
        let mut acc = Wide::from(1.0);
        for _ in 0..k.unsigned_abs() {
            acc = acc.mul(self);
        }
        if k < 0 { acc.recip() } else { acc }
    }

    fn sqrt(self) -> Wide {
        if self.hi <= 0.0 || !self.hi.is_finite() {
            return Wide::from(self.hi.sqrt());
        }
        let (mut hi, mut lo, mut e) = (self.hi, self.lo, self.e);
        if e % 2 != 0 {
            (hi, lo, e) = (hi * 2.0, lo * 2.0, e - 1);
        }
        let s = hi.sqrt();
        let (p, pl) = two_prod(s, s);
        let r = ((hi - p) - pl) + lo;
        Wide::norm(s, r / (2.0 * s), e / 2)
    }

    fn exp(self) -> Wide {
        let v = self.to_f64();
        if v.is_nan() {
            return self;
        }
        if v.abs() < 700.0 {
            let dv = self.sub(Wide::from(v)).to_f64();
            let y = v.exp();
            return Wide::norm(y, y * dv, 0);
        }
        if v.abs() > 1e12 {
            return Wide::from(if v > 0.0 { f64::INFINITY } else { 0.0 });
        }
        // e^v = 2^k e^(v - k ln 2), the reduction in double-double.
        let k = (v / LN2.0).round();
        let r = self
            .sub(Wide::from(k).mul(Wide::norm(LN2.0, LN2.1, 0)))
            .to_f64();
        Wide::norm(r.exp(), 0.0, k as i64)
    }

    fn ln(self) -> Wide {
        if self.hi <= 0.0 || !self.hi.is_finite() {
            return Wide::from(self.hi.ln());
        }
        let m = Wide::from(self.hi.ln()).add(Wide::from(self.lo / self.hi));
        m.add(Wide::from(self.e as f64).mul(Wide::norm(LN2.0, LN2.1, 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_numbers_hold_what_f64_cannot() {
        let x = Wide::from(1e200);
        let sq = x.mul(x);
        assert!(sq.is_finite_number() && sq.to_f64().is_infinite());
        assert!((sq.sqrt().to_f64() - 1e200).abs() <= 1e184);
        // sqrt(x^2 + 1) - x at 1e8: 1 / (2e8) = 5e-9, where f64 gives 0.
        let x = Wide::from(1e8);
        let d = x.mul(x).add(Wide::from(1.0)).sqrt().sub(x).to_f64();
        assert!((d - 5e-9).abs() <= 1e-22, "{d}");
        // ln(e^1000) = 1000, e^-1000 below f64's range but not 0.
        let big = Wide::from(1000.0).exp();
        assert!((big.ln().to_f64() - 1000.0).abs() < 1e-10);
        assert!(!Wide::from(-1000.0).exp().is_zero());
        assert!((Wide::from(3.0).recip().mul(Wide::from(3.0)).to_f64() - 1.0).abs() < 1e-30);
    }

    #[test]
    fn round_up_keeps_two_digits_and_never_goes_below() {
        assert_eq!(round_up(1.16e77), 1.2e77);
        assert_eq!(round_up(1.2e77), 1.2e77);
        assert_eq!(round_up(9.96e7), 1e8);
        assert_eq!(round_up(4.2949673e9), 4.3e9);
    }

    impl Wide {
        fn is_finite_number(self) -> bool {
            self.hi.is_finite()
        }
    }
}
