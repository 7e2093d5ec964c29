//! Accuracy of `act_core::math` against an independent mpmath reference.
//!
//! The data under `tests/data/math/` come from `scripts/gen_math_reference.py` (mpmath, 256
//! bits); each line holds an input and the true value as a correctly rounded `HI` plus the
//! rounded remainder `LO`, so errors are measured to a fraction of an ulp. The ulp is the
//! reference's: that of the binade the true value lies in. Where the true value is below the
//! smallest normal number, a kernel may flush: there the check is an absolute error of at
//! most the smallest normal, and those points are counted apart.
//!
//! `cargo test -p act-core --test math_accuracy -- --nocapture` prints the worst errors.

use std::fs;
use std::path::PathBuf;

use act_core::math;

/// Hard limit from the design (the target is 2).
const MAX_ULP: f64 = 3.0;

#[derive(Clone, Copy)]
enum Args {
    One,
    Int,
    Two,
}

struct Case {
    name: &'static str,
    args: Args,
    f32: fn(f32, f32, i32) -> f32,
    f64: fn(f64, f64, i32) -> f64,
}

/// The kernel in its portable form and in its FMA form (`mul_add` is exact on every machine,
/// an instruction or a libm call, so the FMA form is tested here whatever the CPU).
macro_rules! unary {
    ($name:ident) => {
        [
            Case {
                name: stringify!($name),
                args: Args::One,
                f32: |x, _, _| math::f32::$name::<false>(x),
                f64: |x, _, _| math::f64::$name::<false>(x),
            },
            Case {
                name: concat!(stringify!($name), "+fma"),
                args: Args::One,
                f32: |x, _, _| math::f32::$name::<true>(x),
                f64: |x, _, _| math::f64::$name::<true>(x),
            },
        ]
    };
}

/// [`unary!`] for the `_final` form `$kernel` of `$name`, checked against `$name`'s data
/// (`NAME[final]`: the data file is named by what precedes `[`).
macro_rules! final_form {
    ($name:ident, $kernel:ident) => {
        [
            Case {
                name: concat!(stringify!($name), "[final]"),
                args: Args::One,
                f32: |x, _, _| math::f32::$kernel::<false>(x),
                f64: |x, _, _| math::f64::$kernel::<false>(x),
            },
            Case {
                name: concat!(stringify!($name), "[final]+fma"),
                args: Args::One,
                f32: |x, _, _| math::f32::$kernel::<true>(x),
                f64: |x, _, _| math::f64::$kernel::<true>(x),
            },
        ]
    };
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = [
        unary!(exp),
        unary!(expm1),
        unary!(ln),
        unary!(log1p),
        unary!(tanh),
        unary!(sigmoid),
        unary!(softplus),
        unary!(erf),
        unary!(erfc),
        unary!(sigmoid_prime),
        unary!(tanh_prime),
        unary!(atan),
        unary!(asinh),
        unary!(asinh_prime),
        unary!(mish_prime),
        unary!(gelu_prime),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The forms for a value that is the result (`f32` with FMA: the lean kernels of
    // `math/f32/final_kernels.rs`), against the plain function's data.
    cases.extend(
        [
            final_form!(sigmoid, sigmoid_final),
            final_form!(sigmoid_prime, sigmoid_prime_final),
            final_form!(tanh, tanh_final),
            final_form!(tanh_prime, tanh_prime_final),
        ]
        .into_iter()
        .flatten(),
    );
    cases.extend([
        // sigmoid and sigmoid' computed together (one division with FMA); the scaled
        // derivative unscaled here
        Case {
            name: "sigmoid[pair]+fma",
            args: Args::One,
            f32: |x, _, _| math::f32::sigmoid_pair::<true>(x).0,
            f64: |x, _, _| math::f64::sigmoid_pair::<true>(x).0,
        },
        Case {
            name: "sigmoid_prime[pair]+fma",
            args: Args::One,
            f32: |x, _, _| {
                let (_, p, inv) = math::f32::sigmoid_pair::<true>(x);
                p * inv
            },
            f64: |x, _, _| {
                let (_, p, inv) = math::f64::sigmoid_pair::<true>(x);
                p * inv
            },
        },
        Case {
            name: "powi",
            args: Args::Int,
            f32: |x, _, n| math::f32::powi(x, n),
            f64: |x, _, n| math::f64::powi(x, n),
        },
        Case {
            name: "powf",
            args: Args::Two,
            f32: |x, y, _| math::f32::powf::<false>(x, y),
            f64: |x, y, _| math::f64::powf::<false>(x, y),
        },
        Case {
            name: "powf+fma",
            args: Args::Two,
            f32: |x, y, _| math::f32::powf::<true>(x, y),
            f64: |x, y, _| math::f64::powf::<true>(x, y),
        },
    ]);
    cases
}

/// What one type needs: parse its bit patterns, and the size of its ulp.
trait Ty: Copy {
    const NAME: &'static str;
    const MANT_BITS: i32;
    const MIN_POSITIVE: f64;
    fn from_hex(s: &str) -> f64;
    fn eval(case: &Case, x: f64, y: f64, n: i32) -> f64;
}

impl Ty for f32 {
    const NAME: &'static str = "f32";
    const MANT_BITS: i32 = 23;
    const MIN_POSITIVE: f64 = f32::MIN_POSITIVE as f64;
    fn from_hex(s: &str) -> f64 {
        f32::from_bits(u32::from_str_radix(s, 16).expect("hex")) as f64
    }
    fn eval(case: &Case, x: f64, y: f64, n: i32) -> f64 {
        (case.f32)(x as f32, y as f32, n) as f64
    }
}

impl Ty for f64 {
    const NAME: &'static str = "f64";
    const MANT_BITS: i32 = 52;
    const MIN_POSITIVE: f64 = f64::MIN_POSITIVE;
    fn from_hex(s: &str) -> f64 {
        f64::from_bits(u64::from_str_radix(s, 16).expect("hex"))
    }
    fn eval(case: &Case, x: f64, y: f64, n: i32) -> f64 {
        (case.f64)(x, y, n)
    }
}

/// `2^e` for `e` in the `f64` range, subnormals included.
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// Error of `got` in ulps of the true value `hi + lo`, or `None` when the true value is below
/// the normal range and `got` is within the smallest normal of it (flushing allowed).
fn ulp_error<T: Ty>(got: f64, hi: f64, lo: f64) -> Option<f64> {
    if hi.is_infinite() {
        return Some(if got == hi { 0.0 } else { f64::INFINITY });
    }
    if got.is_nan() {
        return Some(f64::INFINITY);
    }
    let below_normal = hi.abs() < T::MIN_POSITIVE || (hi.abs() == T::MIN_POSITIVE && lo * hi < 0.0);
    if below_normal {
        let ok = ((got - hi) - lo).abs() <= T::MIN_POSITIVE;
        return if ok { None } else { Some(f64::INFINITY) };
    }
    let e = ((hi.abs().to_bits() >> 52) as i32) - 1023;
    let mut ulp = pow2(e - T::MANT_BITS);
    // A true value just under a power of two lies in the binade below, whose ulp is half.
    if hi.abs() == pow2(e) && lo * hi < 0.0 {
        ulp *= 0.5;
    }
    Some(((got - hi) - lo).abs() / ulp)
}

struct Worst {
    ulp: f64,
    at: String,
    points: usize,
    flushed: usize,
}

fn measure<T: Ty>(case: &Case) -> Worst {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/math")
        .join(format!(
            "{}_{}.txt",
            case.name.split(['+', '[']).next().unwrap(),
            T::NAME
        ));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = Worst {
        ulp: 0.0,
        at: String::new(),
        points: 0,
        flushed: 0,
    };
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (x, y, n, hi, lo) = match case.args {
            Args::One => (T::from_hex(f[0]), 0.0, 0, f[1], f[2]),
            Args::Int => (T::from_hex(f[0]), 0.0, f[1].parse().expect("n"), f[2], f[3]),
            Args::Two => (T::from_hex(f[0]), T::from_hex(f[1]), 0, f[2], f[3]),
        };
        let (hi, lo) = (T::from_hex(hi), T::from_hex(lo));
        let got = T::eval(case, x, y, n);
        w.points += 1;
        match ulp_error::<T>(got, hi, lo) {
            None => w.flushed += 1,
            Some(e) if e > w.ulp || e.is_nan() => {
                w.ulp = if e.is_nan() { f64::INFINITY } else { e };
                w.at = match case.args {
                    Args::One => format!("x={x:e} got={got:e} want={hi:e}"),
                    Args::Int => format!("x={x:e} n={n} got={got:e} want={hi:e}"),
                    Args::Two => format!("x={x:e} y={y:e} got={got:e} want={hi:e}"),
                };
            }
            Some(_) => {}
        }
    }
    w
}

fn check_type<T: Ty>() {
    let mut failures = Vec::new();
    println!(
        "\n{:<14} {:>5} {:>9} {:>7}  worst case",
        T::NAME,
        "ulp",
        "points",
        "flushed"
    );
    for case in cases() {
        let w = measure::<T>(&case);
        println!(
            "{:<14} {:>5.2} {:>9} {:>7}  {}",
            case.name, w.ulp, w.points, w.flushed, w.at
        );
        if w.points < 1000 {
            failures.push(format!(
                "{} {}: only {} reference points",
                case.name,
                T::NAME,
                w.points
            ));
        }
        if w.ulp.is_nan() || w.ulp > MAX_ULP {
            failures.push(format!(
                "{} {}: {:.2} ulp at {}",
                case.name,
                T::NAME,
                w.ulp,
                w.at
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn f32_kernels_are_within_bound() {
    check_type::<f32>();
}

#[test]
fn f64_kernels_are_within_bound() {
    check_type::<f64>();
}

/// `a` and `b` are the same value, NaN matching NaN and the sign of zero mattering.
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a == b && a.is_sign_negative() == b.is_sign_negative())
}

macro_rules! special_values {
    ($test:ident, $t:ident, $fma:literal) => {
        #[test]
        fn $test() {
            use math::$t as m;
            let (nan, inf, max) = ($t::NAN, $t::INFINITY, $t::MAX);
            #[rustfmt::skip]
            let unary: &[(&str, fn($t) -> $t, $t, $t)] = &[
                ("exp", m::exp::<$fma>, nan, nan), ("exp", m::exp::<$fma>, inf, inf), ("exp", m::exp::<$fma>, -inf, 0.0),
                ("exp", m::exp::<$fma>, 0.0, 1.0), ("exp", m::exp::<$fma>, -0.0, 1.0),
                ("expm1", m::expm1::<$fma>, nan, nan), ("expm1", m::expm1::<$fma>, inf, inf),
                ("expm1", m::expm1::<$fma>, -inf, -1.0), ("expm1", m::expm1::<$fma>, 0.0, 0.0),
                ("expm1", m::expm1::<$fma>, -0.0, -0.0),
                ("ln", m::ln::<$fma>, nan, nan), ("ln", m::ln::<$fma>, inf, inf), ("ln", m::ln::<$fma>, -inf, nan),
                ("ln", m::ln::<$fma>, 0.0, -inf), ("ln", m::ln::<$fma>, -0.0, -inf), ("ln", m::ln::<$fma>, -1.0, nan),
                ("ln", m::ln::<$fma>, 1.0, 0.0),
                ("log1p", m::log1p::<$fma>, nan, nan), ("log1p", m::log1p::<$fma>, inf, inf),
                ("log1p", m::log1p::<$fma>, -inf, nan), ("log1p", m::log1p::<$fma>, -1.0, -inf),
                ("log1p", m::log1p::<$fma>, -2.0, nan), ("log1p", m::log1p::<$fma>, 0.0, 0.0),
                ("log1p", m::log1p::<$fma>, -0.0, -0.0),
                ("tanh", m::tanh::<$fma>, nan, nan), ("tanh", m::tanh::<$fma>, inf, 1.0), ("tanh", m::tanh::<$fma>, -inf, -1.0),
                ("tanh", m::tanh::<$fma>, 0.0, 0.0), ("tanh", m::tanh::<$fma>, -0.0, -0.0),
                ("sigmoid", m::sigmoid::<$fma>, nan, nan), ("sigmoid", m::sigmoid::<$fma>, inf, 1.0),
                ("sigmoid", m::sigmoid::<$fma>, -inf, 0.0), ("sigmoid", m::sigmoid::<$fma>, 0.0, 0.5),
                ("sigmoid", m::sigmoid::<$fma>, -0.0, 0.5),
                ("softplus", m::softplus::<$fma>, nan, nan), ("softplus", m::softplus::<$fma>, inf, inf),
                ("softplus", m::softplus::<$fma>, -inf, 0.0),
                ("erf", m::erf::<$fma>, nan, nan), ("erf", m::erf::<$fma>, inf, 1.0), ("erf", m::erf::<$fma>, -inf, -1.0),
                ("erf", m::erf::<$fma>, 0.0, 0.0), ("erf", m::erf::<$fma>, -0.0, -0.0),
                ("erfc", m::erfc::<$fma>, nan, nan), ("erfc", m::erfc::<$fma>, inf, 0.0), ("erfc", m::erfc::<$fma>, -inf, 2.0),
                ("erfc", m::erfc::<$fma>, 0.0, 1.0), ("erfc", m::erfc::<$fma>, -0.0, 1.0),
                ("sigmoid_prime", m::sigmoid_prime::<$fma>, nan, nan),
                ("sigmoid_prime", m::sigmoid_prime::<$fma>, inf, 0.0),
                ("sigmoid_prime", m::sigmoid_prime::<$fma>, -inf, 0.0),
                ("sigmoid_prime", m::sigmoid_prime::<$fma>, 0.0, 0.25),
                ("tanh_prime", m::tanh_prime::<$fma>, nan, nan), ("tanh_prime", m::tanh_prime::<$fma>, inf, 0.0),
                ("tanh_prime", m::tanh_prime::<$fma>, -inf, 0.0), ("tanh_prime", m::tanh_prime::<$fma>, 0.0, 1.0),
                ("asinh", m::asinh::<$fma>, nan, nan), ("asinh", m::asinh::<$fma>, 0.0, 0.0),
                ("asinh", m::asinh::<$fma>, -0.0, -0.0), ("asinh", m::asinh::<$fma>, inf, inf),
                ("asinh", m::asinh::<$fma>, -inf, -inf),
                ("asinh_prime", m::asinh_prime::<$fma>, nan, nan), ("asinh_prime", m::asinh_prime::<$fma>, 0.0, 1.0),
                ("asinh_prime", m::asinh_prime::<$fma>, inf, 0.0), ("asinh_prime", m::asinh_prime::<$fma>, -inf, 0.0),
                ("mish_prime", m::mish_prime::<$fma>, nan, nan), ("mish_prime", m::mish_prime::<$fma>, inf, 1.0),
                ("mish_prime", m::mish_prime::<$fma>, -inf, -0.0), ("mish_prime", m::mish_prime::<$fma>, 0.0, 0.6),
                ("mish_prime", m::mish_prime::<$fma>, -0.0, 0.6),
                ("gelu_prime", m::gelu_prime::<$fma>, nan, nan), ("gelu_prime", m::gelu_prime::<$fma>, inf, 1.0),
                ("gelu_prime", m::gelu_prime::<$fma>, -inf, 0.0), ("gelu_prime", m::gelu_prime::<$fma>, 0.0, 0.5),
                ("gelu_prime", m::gelu_prime::<$fma>, -0.0, 0.5),
                ("gelu", m::gelu::<$fma>, nan, nan), ("gelu", m::gelu::<$fma>, inf, inf),
                ("gelu", m::gelu::<$fma>, 0.0, 0.0), ("gelu", m::gelu::<$fma>, -0.0, -0.0),
                ("gelu_tanh", m::gelu_tanh::<$fma>, nan, nan), ("gelu_tanh", m::gelu_tanh::<$fma>, inf, inf),
                ("gelu_tanh", m::gelu_tanh::<$fma>, -inf, -0.0), ("gelu_tanh", m::gelu_tanh::<$fma>, 0.0, 0.0),
                ("gelu_tanh", m::gelu_tanh::<$fma>, -0.0, -0.0), ("gelu_tanh", m::gelu_tanh::<$fma>, -2000.0, -0.0),
                ("gelu_tanh", m::gelu_tanh::<$fma>, 20.0, 20.0), ("gelu_tanh", m::gelu_tanh::<$fma>, max, max),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, nan, nan),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, inf, 1.0),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, -inf, 0.0),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, 0.0, 0.5),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, -0.0, 0.5),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, 20.0, 1.0),
                ("gelu_tanh_prime", m::gelu_tanh_prime::<$fma>, -max, 0.0),
                ("atan", m::atan::<$fma>, nan, nan), ("atan", m::atan::<$fma>, 0.0, 0.0),
                ("atan", m::atan::<$fma>, -0.0, -0.0), ("atan", m::atan::<$fma>, 1.0, core::$t::consts::FRAC_PI_4),
                ("atan", m::atan::<$fma>, inf, core::$t::consts::FRAC_PI_2),
                ("atan", m::atan::<$fma>, -inf, -core::$t::consts::FRAC_PI_2),
            ];
            for &(name, f, x, want) in unary {
                let got = f(x);
                assert!(same(got as f64, want as f64), "{name}({x:?}) = {got:?}, want {want:?}");
            }
            // IEEE 754 pow special cases, and powi's.
            #[rustfmt::skip]
            let binary: &[($t, $t, $t)] = &[
                (nan, 0.0, 1.0), (1.0, nan, 1.0), (nan, 1.0, nan), (2.0, nan, nan),
                (0.0, -1.0, inf), (-0.0, -1.0, -inf), (-0.0, -2.0, inf), (0.0, 3.0, 0.0),
                (-0.0, 3.0, -0.0), (-0.0, 2.0, 0.0), (-1.0, inf, 1.0), (-1.0, -inf, 1.0),
                (0.5, -inf, inf), (0.5, inf, 0.0), (2.0, inf, inf), (2.0, -inf, 0.0),
                (inf, 2.0, inf), (inf, -2.0, 0.0), (-inf, 3.0, -inf), (-inf, 2.0, inf),
                (-inf, -3.0, -0.0), (-2.0, 0.5, nan), (-2.0, 3.0, -8.0), (-2.0, 2.0, 4.0),
                (4.0, 0.5, 2.0),
            ];
            for &(x, y, want) in binary {
                let got = m::powf::<$fma>(x, y);
                assert!(same(got as f64, want as f64), "powf({x:?}, {y:?}) = {got:?}, want {want:?}");
            }
            for &(x, n, want) in &[(nan, 2, nan), (inf, 3, inf), (-inf, 3, -inf), (0.0, -1, inf),
                (-0.0, -1, -inf), (2.0, 0, 1.0), (nan, 0, 1.0), (-2.0, 5, -32.0), (2.0, -2, 0.25)]
            {
                let got = m::powi(x, n);
                assert!(same(got as f64, want as f64), "powi({x:?}, {n}) = {got:?}, want {want:?}");
            }
        }
    };
}

special_values!(f32_special_values, f32, false);
special_values!(f64_special_values, f64, false);
special_values!(f32_special_values_fma, f32, true);
special_values!(f64_special_values_fma, f64, true);

fn tail_values<const FMA: bool>() {
    // From the design contract and the task: the tails stay accurate.
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(
        rel(
            math::f64::sigmoid_prime::<FMA>(40.0),
            4.248_354_255_291_589e-18
        ) < 4e-16
    );
    assert_eq!(math::f64::softplus::<FMA>(1e300), 1e300);
    assert!(rel(math::f64::erfc::<FMA>(26.0), 5.663_192_408_856_143e-296) < 4e-16);
    assert!(rel(math::f64::erf::<FMA>(1e-300), 1.128_379_167_095_512_6e-300) < 4e-16);
    assert!(math::f64::sigmoid::<FMA>(-740.0) > 0.0);
    // The kernels a larger formula may add to others keep gradual underflow (a term flushed to
    // 0 next to a normal one costs relative accuracy: swish' = sigmoid + x sigmoid' near
    // x = -714); only the `_final` forms, for a value that is the result, may flush.
    assert!(math::f64::sigmoid_prime::<FMA>(-740.0) > 0.0);
    assert!(math::f64::tanh_prime::<FMA>(370.0) > 0.0);
    assert!(math::f32::sigmoid::<FMA>(-100.0) > 0.0);
    assert!(math::f32::sigmoid_prime::<FMA>(-100.0) > 0.0);
    assert!(math::f32::tanh_prime::<FMA>(50.0) > 0.0);
}

/// The `f32` `_final` kernels in the subnormal tail: near the true value, not 0, and 0 only below
/// half the smallest subnormal. With FMA, within one spacing (2^-149): the lean kernels build `E`
/// with one power of two lifted by 2^64 (`exp_neg_lifted`) and round the tail once, in their
/// division. Without FMA, within two (the portable `tanh'` is `4 E / (1 + E)^2` with the factor 4
/// applied to a subnormal). True values: `sigmoid(-100) = sigmoid'(100) = e^-100 / (1 + e^-100)^k`,
/// `tanh'(50) = 4 e^-100` (`1 + e^-100` is 1 in f64).
#[test]
fn f32_final_kernels_keep_the_subnormal_tail() {
    let spacing = 2f64.powi(-149);
    let e100 = (-100f64).exp();
    let near = |got: f32, want: f64, spacings: f64, what: &str| {
        let nearest = (want / spacing).round() * spacing;
        assert!(
            (got as f64 - nearest).abs() <= spacings * spacing,
            "{what}: {got:e}, want {want:e}"
        );
        assert!(got > 0.0, "{what} flushed to 0");
    };
    for fma in [false, true] {
        let tol = if fma { 1.0 } else { 2.0 };
        let (s, sp, tp) = if fma {
            (
                math::f32::sigmoid_final::<true> as fn(f32) -> f32,
                math::f32::sigmoid_prime_final::<true> as fn(f32) -> f32,
                math::f32::tanh_prime_final::<true> as fn(f32) -> f32,
            )
        } else {
            (
                math::f32::sigmoid_final::<false> as fn(f32) -> f32,
                math::f32::sigmoid_prime_final::<false> as fn(f32) -> f32,
                math::f32::tanh_prime_final::<false> as fn(f32) -> f32,
            )
        };
        near(s(-100.0), e100, tol, "sigmoid(-100)");
        near(sp(100.0), e100, tol, "sigmoid'(100)");
        near(sp(-100.0), e100, tol, "sigmoid'(-100)");
        near(tp(50.0), 4.0 * e100, tol, "tanh'(50)");
        near(tp(-50.0), 4.0 * e100, tol, "tanh'(-50)");
        // e^-104 = 6.8e-46 and 4 e^-106 = 3.6e-46 are below 2^-150 = 7.0e-46: 0, and so on
        // out to infinity (the lean kernels clamp their argument there).
        for far in [104.0f32, 200.0, f32::MAX, f32::INFINITY] {
            assert_eq!(s(-far), 0.0, "sigmoid(-{far})");
            assert_eq!(s(far), 1.0, "sigmoid({far})");
            assert_eq!(sp(far), 0.0, "sigmoid'({far})");
            assert_eq!(tp(far / 2.0 + 1.0), 0.0, "tanh'({})", far / 2.0 + 1.0);
        }
        assert_eq!(tp(0.0), 1.0);
        assert_eq!(sp(0.0), 0.25);
        assert_eq!(s(0.0), 0.5);
        assert!(s(f32::NAN).is_nan() && sp(f32::NAN).is_nan() && tp(f32::NAN).is_nan());
    }
}

/// `f32` `tanh_final` keeps `tanh`'s limits and signs in both builds: odd, `tanh(±0) = ±0`,
/// `±1` from `|x| = 9.1` on (`tanh(9.1) = 1 - 2.5e-8` rounds to 1) and at `±∞`, NaN for NaN,
/// `tanh(x) = x` for tiny `x` (`x^3 / 3` below a hundredth of an ulp at `1e-5`).
#[test]
fn f32_tanh_final_limits() {
    for t in [
        math::f32::tanh_final::<false> as fn(f32) -> f32,
        math::f32::tanh_final::<true>,
    ] {
        assert!(t(0.0) == 0.0 && t(0.0).is_sign_positive());
        assert!(t(-0.0) == 0.0 && t(-0.0).is_sign_negative());
        for big in [9.1f32, 10.0, 50.0, f32::MAX, f32::INFINITY] {
            assert_eq!(t(big), 1.0, "tanh({big})");
            assert_eq!(t(-big), -1.0, "tanh(-{big})");
        }
        assert!(t(f32::NAN).is_nan());
        for tiny in [1e-30f32, 1e-40, 1e-5] {
            assert_eq!(t(tiny), tiny, "tanh({tiny:e})");
            assert_eq!(t(-tiny), -tiny, "tanh(-{tiny:e})");
        }
    }
}

#[test]
fn documented_tail_values() {
    tail_values::<false>();
    tail_values::<true>();
}

/// A negative power whose positive counterpart overflows is the subnormal it is, not
/// `1 / ∞ = 0`: exact for powers of two (`2^520` to the -2 is `2^-1040`), within one subnormal
/// spacing otherwise (reference: the square of `1/x`, whose rounding is far below a spacing).
#[test]
fn negative_powers_beyond_the_overflow_of_the_positive_one() {
    let p = |e: i32| f64::from_bits(((e + 1023) as u64) << 52);
    assert_eq!(math::f64::powi(p(520), -2), p(-1040 + 52) * p(-52));
    assert_eq!(math::f64::powi(-p(350), -3), -(p(-1050 + 52) * p(-52)));
    for x in [2e154, -3.5e154, 1e160] {
        let got = math::f64::powi(x, -2);
        let want = (1.0 / x) * (1.0 / x);
        assert!(
            got > 0.0 && (got - want).abs() <= f64::from_bits(1),
            "{x}: {got:e} vs {want:e}"
        );
    }
    // f32 forms the power in f64: 2^64 to the -2 is 2^-128, subnormal in f32.
    assert_eq!(math::f32::powi(1.8446744e19, -2), f32::from_bits(1 << 21));
}

/// The forward passes of softmax and log-softmax take `exp_nonpositive_normal` for rows whose
/// spread keeps every `exp(x - max)` normal: it must give the bits of `exp_nonpositive_final`
/// (softmax's store) and of `exp_lo` (log-softmax's sums), whose accuracy the softmax-family
/// tests check, on `[EXP_NORMAL_FROM, 0]`, with and without FMA, for low parts of either
/// sign, down to the bound itself.
#[test]
fn exp_nonpositive_normal_is_exp_nonpositive_final_in_its_range() {
    macro_rules! check {
        ($t:ident, $steps:expr) => {{
            use math::$t::{
                EXP_NORMAL_FROM, exp_lo, exp_nonpositive_final, exp_nonpositive_normal,
            };
            let lo_scale = $t::EPSILON / 2.0;
            for i in 0..=$steps {
                let x = EXP_NORMAL_FROM * (i as $t / $steps as $t);
                for x in [
                    x,
                    (-x.abs().next_up()).max(EXP_NORMAL_FROM),
                    EXP_NORMAL_FROM,
                ] {
                    for xl in [-0.0, 0.37 * lo_scale * x.abs(), -0.49 * lo_scale * x.abs()] {
                        let (a, b) = (
                            exp_nonpositive_normal::<true>(x, xl),
                            exp_nonpositive_final::<true>(x, xl),
                        );
                        assert_eq!(a.to_bits(), b.to_bits(), "FMA {x:e} {xl:e}");
                        let c = exp_lo::<true>(x, xl);
                        assert_eq!(a.to_bits(), c.to_bits(), "FMA exp_lo {x:e} {xl:e}");
                        let c = exp_lo::<false>(x, xl);
                        let (a, b) = (
                            exp_nonpositive_normal::<false>(x, xl),
                            exp_nonpositive_final::<false>(x, xl),
                        );
                        assert_eq!(a.to_bits(), b.to_bits(), "{x:e} {xl:e}");
                        assert_eq!(a.to_bits(), c.to_bits(), "exp_lo {x:e} {xl:e}");
                    }
                }
            }
            assert!(exp_nonpositive_final::<true>(EXP_NORMAL_FROM, 0.0) >= $t::MIN_POSITIVE);
        }};
    }
    check!(f32, 100_000);
    check!(f64, 100_000);
}
