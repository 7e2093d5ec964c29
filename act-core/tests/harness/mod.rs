//! The accuracy harness shared by act-core's `tests/accuracy.rs` and the user crate's
//! `tests/reference.rs` (which includes this file by path): reference tables in ULPs of the
//! exact value, the criterion of `accuracy.rs`'s module docs, and the report. The including
//! test defines `DATA_SUBDIR` (where its tables are, below its manifest) and `MIN_POINTS`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

pub mod pairs;

use act_core::dispatch::{self, Isa};
use act_core::prelude::*;

/// Serialises the tests of one binary that depend on the dispatch level (process-wide).
static ISA_LOCK: Mutex<()> = Mutex::new(());

/// Holds [`ISA_LOCK`]; every test of a binary that forces levels takes it.
pub fn isa_lock() -> MutexGuard<'static, ()> {
    ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` once per instruction-set level this CPU has (the portable build without FMA,
/// AVX2 + FMA, AVX-512), with that level forced, so that every build of the slice loops
/// and of the scalar methods is checked, not only the one this machine would pick.
pub fn for_each_isa(mut f: impl FnMut(Isa)) {
    let _guard = isa_lock();
    for isa in Isa::available() {
        dispatch::force(Some(isa)).expect("an available level");
        f(isa);
    }
    dispatch::force(None).expect("back to automatic");
}

/// What the test needs beyond `act_core::Float`.
pub trait TestFloat: Float {
    /// Precision in bits, hidden bit included.
    const P: i32;
    const MIN_NORMAL: f64;
    const TRUE_MIN: f64;
    fn from_hex(s: &str) -> Self;
    fn bits_hex(self) -> String;
}

impl TestFloat for f32 {
    const P: i32 = 24;
    const MIN_NORMAL: f64 = f32::MIN_POSITIVE as f64;
    const TRUE_MIN: f64 = f32::from_bits(1) as f64;
    fn from_hex(s: &str) -> Self {
        f32::from_bits(u32::from_str_radix(s, 16).unwrap_or_else(|e| panic!("bad hex {s}: {e}")))
    }
    fn bits_hex(self) -> String {
        format!("{:08x}", self.to_bits())
    }
}

impl TestFloat for f64 {
    const P: i32 = 53;
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE;
    const TRUE_MIN: f64 = f64::from_bits(1);
    fn from_hex(s: &str) -> Self {
        f64::from_bits(u64::from_str_radix(s, 16).unwrap_or_else(|e| panic!("bad hex {s}: {e}")))
    }
    fn bits_hex(self) -> String {
        format!("{:016x}", self.to_bits())
    }
}

/// `2^e` for `e` in the f64 range, subnormals included.
pub fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

// ---------------------------------------------------------------------------------------------
// Reference values and the criterion
// ---------------------------------------------------------------------------------------------

/// An exact value: its correct rounding to the type (as f64; ±inf on overflow) and the residual
/// `(exact - rounded) / ulp(exact)`.
#[derive(Clone, Copy, Debug)]
pub struct Exact {
    pub rounded: f64,
    pub frac: f64,
}

impl Exact {
    pub fn parse<F: TestFloat>(bits: &str, frac: &str) -> Exact {
        let rounded = match bits {
            "+inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => F::from_hex(bits).to_f64(),
        };
        let frac = frac
            .parse()
            .unwrap_or_else(|e| panic!("bad residual {frac}: {e}"));
        Exact { rounded, frac }
    }

    /// `"HEX:frac"` (softmax files).
    pub fn parse_pair<F: TestFloat>(s: &str) -> Exact {
        let (bits, frac) = s.split_once(':').unwrap_or_else(|| panic!("bad pair {s}"));
        Exact::parse::<F>(bits, frac)
    }

    /// The spacing of the type `F` at the exact value.
    pub fn ulp<F: TestFloat>(&self) -> f64 {
        let a = self.rounded.abs();
        if a < F::MIN_NORMAL {
            return F::TRUE_MIN;
        }
        let e = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
        // rounded up to a power of two: the exact value lies in the binade below
        let below = a == pow2(e) && self.frac < 0.0 && a > F::MIN_NORMAL;
        pow2(if below { e - 1 } else { e } - (F::P - 1))
    }

    /// The exact value to about 17 digits (for messages).
    pub fn approx<F: TestFloat>(&self) -> f64 {
        if self.rounded.is_infinite() {
            return self.rounded;
        }
        self.rounded + self.frac * self.ulp::<F>()
    }

    /// Below the normal range of `F`.
    pub fn is_subnormal<F: TestFloat>(&self) -> bool {
        let a = self.rounded.abs();
        a < F::MIN_NORMAL || (a == F::MIN_NORMAL && self.frac < 0.0)
    }

    /// |computed - exact| in ULPs of the exact value (inf for NaN).
    pub fn ulps<F: TestFloat>(&self, computed: F) -> f64 {
        let c = computed.to_f64();
        if c.is_nan() {
            return f64::INFINITY;
        }
        if self.rounded.is_infinite() || c.is_infinite() {
            return if c == self.rounded {
                0.0
            } else {
                f64::INFINITY
            };
        }
        // c - rounded is exact for nearby values (Sterbenz); far off, the error is large anyway
        ((c - self.rounded) / self.ulp::<F>() - self.frac).abs()
    }

    /// |computed - exact| in absolute terms.
    pub fn abs_error<F: TestFloat>(&self, computed: F) -> f64 {
        self.ulps(computed) * self.ulp::<F>()
    }
}

/// How a computed value passed, or that it did not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Within the ULP bound (or an exact special value: ±inf on overflow, 0).
    Ulps,
    /// Exact value below the normal range, result at most the smallest normal.
    Flushed,
    /// Interior-root allowance: absolute error <= 8 eps.
    RootAbs,
    /// Absolute allowance (softmax VJP: the terms it subtracts).
    Abs,
    Fail,
}

/// Allowances beyond the plain 4 ULP for one point.
#[derive(Clone, Copy, Debug, Default)]
pub struct Allow {
    /// Extra ULPs (condition number).
    pub extra_ulps: f64,
    /// Absolute error allowed where the interior-root rule applies.
    pub root_abs: Option<f64>,
    /// Absolute error allowed in any case (softmax VJP).
    pub abs: Option<f64>,
    /// Below the normal range, any result up to the smallest normal passes (a flush to 0).
    /// Off for the elementwise built-ins: act returns subnormal results (the underflow policy
    /// of `act_core::math`), checked there in subnormal spacings like any other result.
    pub flush: bool,
}

pub const MAX_ULPS: f64 = 4.0;

pub fn judge<F: TestFloat>(exact: &Exact, c: F, allow: Allow) -> (Verdict, f64) {
    let cf = c.to_f64();
    if cf.is_nan() {
        return (Verdict::Fail, f64::INFINITY);
    }
    if exact.rounded.is_infinite() {
        let ok = cf == exact.rounded;
        return (
            if ok { Verdict::Ulps } else { Verdict::Fail },
            if ok { 0.0 } else { f64::INFINITY },
        );
    }
    let ulps = exact.ulps(c);
    if exact.rounded == 0.0 && exact.frac == 0.0 && allow.abs.is_none() {
        // an exact zero (relu(-2), hardsigmoid'(5)) must come out as zero
        return (
            if cf == 0.0 {
                Verdict::Ulps
            } else {
                Verdict::Fail
            },
            ulps,
        );
    }
    // Below the normal range any result up to the smallest normal passes (flush to zero is
    // allowed); such points are counted apart, not in the worst ULP, which is about results
    // in the normal range.
    if allow.flush && exact.is_subnormal::<F>() && cf.abs() <= F::MIN_NORMAL {
        return (Verdict::Flushed, ulps);
    }
    if ulps <= MAX_ULPS + allow.extra_ulps {
        return (Verdict::Ulps, ulps);
    }
    if allow.root_abs.is_some_and(|a| exact.abs_error(c) <= a) {
        return (Verdict::RootAbs, ulps);
    }
    if allow.abs.is_some_and(|a| exact.abs_error(c) <= a) {
        return (Verdict::Abs, ulps);
    }
    (Verdict::Fail, ulps)
}

// ---------------------------------------------------------------------------------------------
// Statistics and the report
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Failure {
    pub what: String,
    pub x: String,
    pub xv: f64,
    pub ours: f64,
    pub exact: f64,
    pub ulps: f64,
    pub allowed: f64,
}

#[derive(Debug)]
pub struct Stats {
    pub function: String,
    pub dtype: &'static str,
    pub quantity: &'static str,
    pub points: usize,
    /// Worst error in ULPs among the points that passed by the ULP rule.
    pub worst_ulps: f64,
    pub worst_x: f64,
    /// Worst `error - κ` (only meaningful with a condition-number allowance).
    pub worst_excess: f64,
    pub has_kappa: bool,
    pub flushed: usize,
    pub root_abs: usize,
    pub failures: Vec<Failure>,
}

impl Stats {
    pub fn new(
        function: &str,
        dtype: &'static str,
        quantity: &'static str,
        has_kappa: bool,
    ) -> Self {
        Stats {
            function: function.to_string(),
            dtype,
            quantity,
            points: 0,
            worst_ulps: 0.0,
            worst_x: f64::NAN,
            worst_excess: f64::NEG_INFINITY,
            has_kappa,
            flushed: 0,
            root_abs: 0,
            failures: Vec::new(),
        }
    }

    pub fn record<F: TestFloat>(
        &mut self,
        path: &str,
        x: &str,
        xv: f64,
        exact: &Exact,
        c: F,
        allow: Allow,
    ) {
        let (verdict, ulps) = judge(exact, c, allow);
        match verdict {
            Verdict::Ulps => {
                if ulps > self.worst_ulps {
                    self.worst_ulps = ulps;
                    self.worst_x = xv;
                }
                self.worst_excess = self.worst_excess.max(ulps - allow.extra_ulps);
            }
            Verdict::Flushed => self.flushed += 1,
            Verdict::RootAbs | Verdict::Abs => self.root_abs += 1,
            Verdict::Fail => self.failures.push(Failure {
                what: path.to_string(),
                x: x.to_string(),
                xv,
                ours: c.to_f64(),
                exact: exact.approx::<F>(),
                ulps,
                allowed: MAX_ULPS + allow.extra_ulps,
            }),
        }
    }
}

pub fn render(stats: &[Stats]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<12} {:<4} {:<10} {:>6} {:>10} {:>24} {:>9} {:>7} {:>7} {:>6}",
        "function",
        "type",
        "quantity",
        "points",
        "worst ULP",
        "at x",
        "ULP - κ",
        "flushed",
        "root",
        "FAILED"
    );
    for st in stats {
        let excess = if st.has_kappa && st.worst_excess.is_finite() {
            format!("{:.2}", st.worst_excess)
        } else {
            "-".to_string()
        };
        let _ = writeln!(
            s,
            "{:<12} {:<4} {:<10} {:>6} {:>10.3} {:>24e} {:>9} {:>7} {:>7} {:>6}",
            st.function,
            st.dtype,
            st.quantity,
            st.points,
            st.worst_ulps,
            st.worst_x,
            excess,
            st.flushed,
            st.root_abs,
            st.failures.len()
        );
    }
    s
}

/// Runs `check` in every build the CPU has, prints each build's table under `title`, and
/// fails with every build's failures at the end (not at the first build that fails).
pub fn check_in_every_build(title: &str, mut check: impl FnMut() -> Vec<Stats>) {
    let mut failures = String::new();
    for_each_isa(|isa| {
        let all = check();
        println!("\n{title}, {isa:?} build:\n{}", render(&all));
        let f = failures_report(&all);
        if !f.is_empty() {
            failures += &format!("{isa:?} build:\n{f}");
        }
    });
    assert!(failures.is_empty(), "accuracy failures:\n{failures}");
}

pub fn failures_report(stats: &[Stats]) -> String {
    let mut s = String::new();
    for st in stats {
        for f in st.failures.iter().take(12) {
            let _ = writeln!(
                s,
                "{} {} {} [{}] x = {} ({:e}): ours {:e}, exact {:e}, error {:.3} ULP (allowed {:.3})",
                st.function,
                st.dtype,
                st.quantity,
                f.what,
                f.x,
                f.xv,
                f.ours,
                f.exact,
                f.ulps,
                f.allowed
            );
        }
        if st.failures.len() > 12 {
            let _ = writeln!(
                s,
                "{} {} {}: ... {} failures in all",
                st.function,
                st.dtype,
                st.quantity,
                st.failures.len()
            );
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Elementwise data
// ---------------------------------------------------------------------------------------------

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(super::DATA_SUBDIR)
}

pub fn read_data(file: &str) -> String {
    let path = data_dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub struct Point<F> {
    pub x_hex: String,
    pub x: F,
    pub value: Exact,
    pub derivative: Exact,
    pub root: bool,
    pub kappa_value: f64,
    pub kappa_derivative: f64,
}

pub struct Table<F> {
    pub points: Vec<Point<F>>,
    pub has_kappa: bool,
}

pub fn parse_table<F: TestFloat>(name: &str) -> Table<F> {
    let file = format!("{}.{}.csv", name.to_lowercase(), F::TYPE_NAME);
    let text = read_data(&file);
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n);
    let need = |n: &str| col(n).unwrap_or_else(|| panic!("{file}: no column {n}"));
    let (cx, cv, cvf, cd, cdf) = (
        need("x"),
        need("value"),
        need("value_frac"),
        need("derivative"),
        need("derivative_frac"),
    );
    let (croot, ckv, ckd) = (col("root"), col("kappa_value"), col("kappa_derivative"));
    let kappa =
        |f: &[&str], c: Option<usize>| c.map_or(0.0, |c| f[c].parse::<f64>().expect("kappa"));
    let points: Vec<Point<F>> = lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), header.len(), "{file}: bad line {line}");
            Point {
                x_hex: f[cx].to_string(),
                x: F::from_hex(f[cx]),
                value: Exact::parse::<F>(f[cv], f[cvf]),
                derivative: Exact::parse::<F>(f[cd], f[cdf]),
                root: croot.is_some_and(|c| f[c] == "1"),
                kappa_value: kappa(&f, ckv),
                kappa_derivative: kappa(&f, ckd),
            }
        })
        .collect();
    assert!(
        points.len() >= super::MIN_POINTS,
        "{file}: only {} points",
        points.len()
    );
    Table {
        points,
        has_kappa: ckv.is_some(),
    }
}

/// Outputs of one activation over a table's inputs, through every API path.
pub struct Outputs<F> {
    pub values: Vec<(&'static str, Vec<F>)>,
    pub derivatives: Vec<(&'static str, Vec<F>)>,
}

pub fn outputs_of<A: Elementwise, F: TestFloat>(a: &A, xs: &[F]) -> Outputs<F> {
    let n = xs.len();
    let scalar_v: Vec<F> = xs.iter().map(|&x| a.forward(x)).collect();
    let scalar_d: Vec<F> = xs.iter().map(|&x| a.derivative(x)).collect();
    let mut slice_v = vec![F::ZERO; n];
    a.forward_slice(xs, &mut slice_v);
    let mut in_place = xs.to_vec();
    a.forward_in_place(&mut in_place);
    let mut slice_d = vec![F::ZERO; n];
    a.derivative_slice(xs, &mut slice_d);
    let mut backward = vec![F::ZERO; n];
    a.backward_slice(xs, &vec![F::ONE; n], &mut backward);

    // the VJP must use its gradient: -2 g gives exactly -2 times (powers of two scale exactly)
    let mut backward2 = vec![F::ZERO; n];
    a.backward_slice(xs, &vec![F::from_f64(-2.0); n], &mut backward2);
    for i in 0..n {
        let (one, two) = (backward[i].to_f64(), backward2[i].to_f64());
        if one.is_finite() && one.abs() >= 2.0 * F::MIN_NORMAL && one.abs() < F::MAX.to_f64() / 4.0
        {
            assert_eq!(
                two,
                -2.0 * one,
                "{}: backward_slice ignores grad_y at x = {:e}",
                A::NAME,
                xs[i].to_f64()
            );
        }
    }
    Outputs {
        values: vec![
            ("forward", scalar_v),
            ("forward_slice", slice_v),
            ("forward_in_place", in_place),
        ],
        derivatives: vec![
            ("derivative", scalar_d),
            ("derivative_slice", slice_d),
            ("backward_slice", backward),
        ],
    }
}

/// Built-ins whose derivative still flushes a subnormal result to 0 for huge `|x|`, where an
/// intermediate overflows (`(1 + |x|)^2` in Softsign', `S h` with `S, h ~ |x|` in
/// Squareplus'): exceptions to the underflow policy, stated in the built-ins' module docs,
/// until their formulas avoid the overflow. Everything else (every value included) is held
/// to the ULP bound in the subnormal range too.
const DERIVATIVE_STILL_FLUSHING: [&str; 2] = ["Softsign", "Squareplus"];

pub fn check_outputs<F: TestFloat>(name: &str, table: &Table<F>, out: &Outputs<F>) -> [Stats; 2] {
    let eps = F::EPSILON.to_f64();
    let flush = DERIVATIVE_STILL_FLUSHING.contains(&name);
    let mut sv = Stats::new(name, F::TYPE_NAME, "value", table.has_kappa);
    let mut sd = Stats::new(name, F::TYPE_NAME, "derivative", table.has_kappa);
    sv.points = table.points.len();
    sd.points = table.points.len();
    for (i, p) in table.points.iter().enumerate() {
        let xv = p.x.to_f64();
        let av = Allow {
            extra_ulps: p.kappa_value,
            ..Allow::default()
        };
        for (path, v) in &out.values {
            sv.record(path, &p.x_hex, xv, &p.value, v[i], av);
        }
        let ad = Allow {
            extra_ulps: p.kappa_derivative,
            root_abs: p.root.then_some(8.0 * eps),
            flush,
            ..Allow::default()
        };
        for (path, d) in &out.derivatives {
            sd.record(path, &p.x_hex, xv, &p.derivative, d[i], ad);
        }
    }
    [sv, sd]
}

/// One case of a vector activation's reference file (`softmax.f32.txt`, ...): input `x`,
/// gradient `g`, exact outputs `y`, a per-element figure `amp` (the line named by the caller:
/// softmax's `kappa`, log-softmax's `scale`), the exact VJP and its scale, and optionally the
/// exact Jacobian.
pub struct VectorCase<F> {
    pub name: String,
    pub x: Vec<F>,
    pub g: Vec<F>,
    pub y: Vec<Exact>,
    pub amp: Vec<f64>,
    pub vjp: Vec<Exact>,
    pub vjp_scale: Vec<f64>,
    pub jacobian: Option<Vec<Exact>>,
}

/// The cases of `file` (lines `case NAME`, `x`, `g`, `y`, `AMP_KEY`, `vjp`, `vjp_scale`,
/// optional `jacobian`, `end`; `#` comments).
pub fn parse_vector_cases<F: TestFloat>(file: &str, amp_key: &str) -> Vec<VectorCase<F>> {
    let text = read_data(file);
    let mut cases = Vec::new();
    let mut cur: Option<VectorCase<F>> = None;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut it = line.split(' ');
        let key = it.next().unwrap();
        let rest: Vec<&str> = it.collect();
        let hex = || rest.iter().map(|s| F::from_hex(s)).collect::<Vec<F>>();
        let exact = || {
            rest.iter()
                .map(|s| Exact::parse_pair::<F>(s))
                .collect::<Vec<_>>()
        };
        let num = || {
            rest.iter()
                .map(|s| s.parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        };
        if key == "case" {
            cur = Some(VectorCase {
                name: rest[0].to_string(),
                x: vec![],
                g: vec![],
                y: vec![],
                amp: vec![],
                vjp: vec![],
                vjp_scale: vec![],
                jacobian: None,
            });
            continue;
        }
        let c = cur.as_mut().expect("line outside a case");
        match key {
            "x" => c.x = hex(),
            "g" => c.g = hex(),
            "y" => c.y = exact(),
            k if k == amp_key => c.amp = num(),
            "vjp" => c.vjp = exact(),
            "vjp_scale" => c.vjp_scale = num(),
            "jacobian" => c.jacobian = Some(exact()),
            "end" => cases.push(cur.take().unwrap()),
            _ => panic!("unknown line in {file}: {line}"),
        }
    }
    cases
}
