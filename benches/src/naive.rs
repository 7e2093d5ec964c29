//! The naive scalar formulas: what a user writes in a plain loop with `std`'s math functions.
//!
//! They are the floor each act kernel is compared with, in the same criterion group. Each is
//! the textbook formula, without stability rewrites (the tails may overflow to 0 or NaN, which
//! does not matter for timing on inputs in `[-8, 8]`). `gelu` calls `libm`'s `erfc` because
//! `std` has no stable `erf`.
//!
//! `forward(x, y)` writes `y[i] = f(x[i])`; `backward(x, gy, gx)` writes the vector-Jacobian
//! product `gx = J(x)^T gy`, i.e. `gy[i] * f'(x[i])` elementwise, as act's `backward_slice`.

macro_rules! naive_formulas {
    ($t:ident, $erfc:path) => {
        use core::$t::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};

        const LEAKY_ALPHA: $t = 0.1;
        const ELU_ALPHA: $t = 1.0;
        // Written in f64 and rounded, as the same text serves both precisions.
        const SELU_ALPHA: $t = 1.673_263_242_354_377_3_f64 as $t;
        const SELU_SCALE: $t = 1.050_700_987_355_480_5_f64 as $t;
        const GELU_TANH_C: $t = 0.797_884_560_802_865_4_f64 as $t; // sqrt(2 / pi)
        const CELU_ALPHA: $t = 1.0;
        const SQUAREPLUS_B: $t = 4.0;
        const PRELU_ALPHA: $t = 0.25;

        fn map(x: &[$t], y: &mut [$t], f: impl Fn($t) -> $t) {
            assert_eq!(x.len(), y.len(), "naive: length mismatch");
            for (y, &x) in y.iter_mut().zip(x) {
                *y = f(x);
            }
        }

        fn map_grad(x: &[$t], gy: &[$t], gx: &mut [$t], df: impl Fn($t) -> $t) {
            assert_eq!(x.len(), gy.len(), "naive: length mismatch");
            assert_eq!(x.len(), gx.len(), "naive: length mismatch");
            for ((gx, &gy), &x) in gx.iter_mut().zip(gy).zip(x) {
                *gx = gy * df(x);
            }
        }

        fn sigmoid(x: $t) -> $t {
            1.0 / (1.0 + (-x).exp())
        }

        /// Naive `f` and `f'` of an elementwise activation, as slice loops.
        macro_rules! elementwise {
            ($name:ident, $doc:literal, |$x:ident| $f:expr, |$dx:ident| $df:expr) => {
                #[doc = $doc]
                pub mod $name {
                    #[allow(unused_imports)]
                    use super::*;
                    /// `y[i] = f(x[i])`.
                    pub fn forward(x: &[$t], y: &mut [$t]) {
                        map(x, y, |$x| $f)
                    }
                    /// `gx[i] = gy[i] * f'(x[i])`.
                    pub fn backward(x: &[$t], gy: &[$t], gx: &mut [$t]) {
                        map_grad(x, gy, gx, |$dx| $df)
                    }
                }
            };
        }

        elementwise!(sigmoid, "`1 / (1 + exp(-x))`.", |x| sigmoid(x), |x| {
            let s = sigmoid(x);
            s * (1.0 - s)
        });
        elementwise!(tanh, "`x.tanh()`.", |x| x.tanh(), |x| {
            let t = x.tanh();
            1.0 - t * t
        });
        elementwise!(relu, "`x.max(0)`.", |x| x.max(0.0), |x| if x > 0.0 {
            1.0
        } else {
            0.0
        });
        elementwise!(
            leaky_relu,
            "`x` or `0.1 x`.",
            |x| if x > 0.0 { x } else { LEAKY_ALPHA * x },
            |x| if x > 0.0 { 1.0 } else { LEAKY_ALPHA }
        );
        elementwise!(
            elu,
            "`x` or `expm1(x)`.",
            |x| if x > 0.0 { x } else { ELU_ALPHA * x.exp_m1() },
            |x| if x > 0.0 { 1.0 } else { ELU_ALPHA * x.exp() }
        );
        elementwise!(
            selu,
            "`scale * (x or alpha expm1(x))`.",
            |x| SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * x.exp_m1() },
            |x| SELU_SCALE * if x > 0.0 { 1.0 } else { SELU_ALPHA * x.exp() }
        );
        elementwise!(swish, "`x * sigmoid(x)`.", |x| x * sigmoid(x), |x| {
            let s = sigmoid(x);
            s + x * s * (1.0 - s)
        });
        elementwise!(
            gelu,
            "`0.5 x erfc(-x / sqrt 2)` with libm's `erfc`.",
            |x| 0.5 * x * $erfc(-x * FRAC_1_SQRT_2),
            |x| 0.5 * $erfc(-x * FRAC_1_SQRT_2)
                + x * (-0.5 * x * x).exp() * (0.5 * FRAC_2_SQRT_PI * FRAC_1_SQRT_2)
        );
        elementwise!(
            gelu_tanh,
            "`0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.",
            |x| 0.5 * x * (1.0 + (GELU_TANH_C * (x + 0.044715 * x * x * x)).tanh()),
            |x| {
                let t = (GELU_TANH_C * (x + 0.044715 * x * x * x)).tanh();
                0.5 * (1.0 + t)
                    + 0.5 * x * (1.0 - t * t) * GELU_TANH_C * (1.0 + 3.0 * 0.044715 * x * x)
            }
        );
        elementwise!(softplus, "`ln(1 + exp(x))`.", |x| x.exp().ln_1p(), |x| {
            sigmoid(x)
        });
        elementwise!(
            mish,
            "`x tanh(softplus(x))`.",
            |x| x * x.exp().ln_1p().tanh(),
            |x| {
                let t = x.exp().ln_1p().tanh();
                t + x * (1.0 - t * t) * sigmoid(x)
            }
        );
        elementwise!(
            hard_sigmoid,
            "`clamp((x + 3) / 6, 0, 1)`.",
            |x| ((x + 3.0) / 6.0).clamp(0.0, 1.0),
            |x| if x > -3.0 && x < 3.0 { 1.0 / 6.0 } else { 0.0 }
        );
        elementwise!(
            hard_swish,
            "`x clamp(x + 3, 0, 6) / 6`.",
            |x| x * (x + 3.0).clamp(0.0, 6.0) / 6.0,
            |x| if x < -3.0 {
                0.0
            } else if x <= 3.0 {
                (2.0 * x + 3.0) / 6.0
            } else {
                1.0
            }
        );
        elementwise!(linear, "`x`.", |x| x, |_x| 1.0);
        elementwise!(
            log_sigmoid,
            "`-ln(1 + exp(-x))`.",
            |x| -(-x).exp().ln_1p(),
            |x| sigmoid(-x)
        );
        elementwise!(
            softsign,
            "`x / (1 + |x|)`.",
            |x| x / (1.0 + x.abs()),
            |x| {
                let d = 1.0 + x.abs();
                1.0 / (d * d)
            }
        );
        elementwise!(
            celu,
            "`x` or `alpha expm1(x / alpha)`, alpha = 1.",
            |x| if x > 0.0 { x } else { CELU_ALPHA * (x / CELU_ALPHA).exp_m1() },
            |x| if x > 0.0 { 1.0 } else { (x / CELU_ALPHA).exp() }
        );
        elementwise!(
            relu6,
            "`clamp(x, 0, 6)`.",
            |x| x.clamp(0.0, 6.0),
            |x| if x > 0.0 && x < 6.0 { 1.0 } else { 0.0 }
        );
        elementwise!(
            hardtanh,
            "`clamp(x, -1, 1)`.",
            |x| x.clamp(-1.0, 1.0),
            |x| if x > -1.0 && x < 1.0 { 1.0 } else { 0.0 }
        );
        elementwise!(
            squareplus,
            "`(x + sqrt(x^2 + b)) / 2`, b = 4.",
            |x| (x + (x * x + SQUAREPLUS_B).sqrt()) / 2.0,
            |x| (1.0 + x / (x * x + SQUAREPLUS_B).sqrt()) / 2.0
        );
        elementwise!(
            prelu,
            "`x` or `alpha x`, alpha = 0.25.",
            |x| if x > 0.0 { x } else { PRELU_ALPHA * x },
            |x| if x > 0.0 { 1.0 } else { PRELU_ALPHA }
        );

        /// Naive `f(a, b)` and both partials of a gated activation, as slice loops.
        macro_rules! gated {
            ($name:ident, $doc:literal, |$a:ident, $b:ident| $f:expr, |$pa:ident, $pb:ident| $df:expr) => {
                #[doc = $doc]
                pub mod $name {
                    #[allow(unused_imports)]
                    use super::*;
                    /// `y[i] = f(a[i], b[i])`.
                    pub fn forward(a: &[$t], b: &[$t], y: &mut [$t]) {
                        assert!(a.len() == b.len() && a.len() == y.len(), "naive: length mismatch");
                        for ((y, &$a), &$b) in y.iter_mut().zip(a).zip(b) {
                            *y = $f;
                        }
                    }
                    /// `ga[i] = gy[i] ∂f/∂a`, `gb[i] = gy[i] ∂f/∂b`.
                    pub fn backward(a: &[$t], b: &[$t], gy: &[$t], ga: &mut [$t], gb: &mut [$t]) {
                        assert!(a.len() == b.len() && a.len() == gy.len(), "naive: length mismatch");
                        assert!(a.len() == ga.len() && a.len() == gb.len(), "naive: length mismatch");
                        let outs = ga.iter_mut().zip(gb.iter_mut());
                        for (((ga, gb), &$pa), (&$pb, &gy)) in outs.zip(a).zip(b.iter().zip(gy)) {
                            let (da, db): ($t, $t) = $df;
                            *ga = gy * da;
                            *gb = gy * db;
                        }
                    }
                }
            };
        }

        gated!(glu, "`a sigmoid(b)`.", |a, b| a * sigmoid(b), |a, b| {
            let s = sigmoid(b);
            (s, a * s * (1.0 - s))
        });
        gated!(swiglu, "`a sigmoid(a) b`.", |a, b| a * sigmoid(a) * b, |a, b| {
            let s = sigmoid(a);
            ((s + a * s * (1.0 - s)) * b, a * s)
        });
        gated!(
            geglu,
            "`0.5 a erfc(-a / sqrt 2) b` with libm's `erfc`.",
            |a, b| 0.5 * a * $erfc(-a * FRAC_1_SQRT_2) * b,
            |a, b| {
                let g = 0.5 * a * $erfc(-a * FRAC_1_SQRT_2);
                let dg = 0.5 * $erfc(-a * FRAC_1_SQRT_2)
                    + a * (-0.5 * a * a).exp() * (0.5 * FRAC_2_SQRT_PI * FRAC_1_SQRT_2);
                (dg * b, g)
            }
        );
        gated!(reglu, "`max(0, a) b`.", |a, b| a.max(0.0) * b, |a, b| {
            (if a > 0.0 { b } else { 0.0 }, a.max(0.0))
        });

        /// `y = exp(u(x)) / sum exp(u(x))` in two passes (exp-and-sum, scale): softmax's and
        /// softmin's last two passes, `u` the shift by their max or min.
        fn exp_normalised(x: &[$t], y: &mut [$t], u: impl Fn($t) -> $t) {
            assert_eq!(x.len(), y.len(), "naive: length mismatch");
            let mut sum = 0.0;
            for (y, &x) in y.iter_mut().zip(x) {
                *y = u(x).exp();
                sum += *y;
            }
            let inv = 1.0 / sum;
            for y in y.iter_mut() {
                *y *= inv;
            }
        }

        /// `gx = y * d(gy, <gy, y>)` from the saved output `y`: softmax's backward
        /// (`d = gy - dot`) and softmin's (`d = dot - gy`), two passes (dot, output).
        fn output_backward(y: &[$t], gy: &[$t], gx: &mut [$t], d: impl Fn($t, $t) -> $t) {
            assert_eq!(y.len(), gy.len(), "naive: length mismatch");
            let dot: $t = y.iter().zip(gy).map(|(&y, &g)| y * g).sum();
            for ((gx, &y), &gy) in gx.iter_mut().zip(y).zip(gy) {
                *gx = y * d(gy, dot);
            }
        }

        /// [`output_backward`] with `y = forward(x)` recomputed in `gx` first, as act's
        /// `backward_slice` takes `x`, not `y`.
        fn recomputed_backward(
            forward: impl Fn(&[$t], &mut [$t]),
            x: &[$t],
            gy: &[$t],
            gx: &mut [$t],
            d: impl Fn($t, $t) -> $t,
        ) {
            assert_eq!(x.len(), gy.len(), "naive: length mismatch");
            forward(x, gx);
            let dot: $t = gx.iter().zip(gy).map(|(&y, &g)| y * g).sum();
            for (gx, &gy) in gx.iter_mut().zip(gy) {
                *gx *= d(gy, dot);
            }
        }

        /// Softmax in three passes with `std`'s `exp`: max, exp-and-sum, scale.
        pub mod softmax {
            /// `y = exp(x - max x) / sum exp(x - max x)`.
            pub fn forward(x: &[$t], y: &mut [$t]) {
                let max = x.iter().copied().fold(<$t>::NEG_INFINITY, <$t>::max);
                super::exp_normalised(x, y, |x| x - max);
            }

            /// `gx = y * (gy - <gy, y>)` with `y = softmax(x)` recomputed in `gx`, as act's
            /// `backward_slice` takes `x`, not `y`.
            pub fn backward(x: &[$t], gy: &[$t], gx: &mut [$t]) {
                super::recomputed_backward(forward, x, gy, gx, |gy, dot| gy - dot);
            }

            /// `gx = y * (gy - <gy, y>)` from the saved output `y` (PyTorch's softmax
            /// backward).
            pub fn backward_from_output(y: &[$t], gy: &[$t], gx: &mut [$t]) {
                super::output_backward(y, gy, gx, |gy, dot| gy - dot);
            }
        }

        /// Log-softmax in three passes with `std`'s `exp` and `ln`: max, sum of exp, output.
        pub mod log_softmax {
            /// `y = x - max x - ln(sum exp(x - max x))`.
            pub fn forward(x: &[$t], y: &mut [$t]) {
                assert_eq!(x.len(), y.len(), "naive: length mismatch");
                let max = x.iter().copied().fold(<$t>::NEG_INFINITY, <$t>::max);
                let sum: $t = x.iter().map(|&x| (x - max).exp()).sum();
                let shift = max + sum.ln();
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = x - shift;
                }
            }

            /// `gx = gy - softmax(x) sum(gy)`, the softmax recomputed in `gx`.
            pub fn backward(x: &[$t], gy: &[$t], gx: &mut [$t]) {
                assert_eq!(x.len(), gy.len(), "naive: length mismatch");
                super::softmax::forward(x, gx);
                let total: $t = gy.iter().sum();
                for (gx, &gy) in gx.iter_mut().zip(gy) {
                    *gx = gy - *gx * total;
                }
            }

            /// `gx = gy - exp(y) sum(gy)` from the saved output `y`.
            pub fn backward_from_output(y: &[$t], gy: &[$t], gx: &mut [$t]) {
                assert_eq!(y.len(), gy.len(), "naive: length mismatch");
                let total: $t = gy.iter().sum();
                for ((gx, &y), &gy) in gx.iter_mut().zip(y).zip(gy) {
                    *gx = gy - y.exp() * total;
                }
            }
        }

        /// Softmin: softmax of `-x`, in three passes with `std`'s `exp`.
        pub mod softmin {
            /// `y = exp(min x - x) / sum exp(min x - x)`.
            pub fn forward(x: &[$t], y: &mut [$t]) {
                let min = x.iter().copied().fold(<$t>::INFINITY, <$t>::min);
                super::exp_normalised(x, y, |x| min - x);
            }

            /// `gx = y * (<gy, y> - gy)` with `y = softmin(x)` recomputed in `gx`.
            pub fn backward(x: &[$t], gy: &[$t], gx: &mut [$t]) {
                super::recomputed_backward(forward, x, gy, gx, |gy, dot| dot - gy);
            }

            /// `gx = y * (<gy, y> - gy)` from the saved output `y`.
            pub fn backward_from_output(y: &[$t], gy: &[$t], gx: &mut [$t]) {
                super::output_backward(y, gy, gx, |gy, dot| dot - gy);
            }
        }
    };
}

/// The naive formulas in `f32`.
pub mod f32 {
    naive_formulas!(f32, libm::erfcf);
}

/// The naive formulas in `f64`.
pub mod f64 {
    naive_formulas!(f64, libm::erfc);
}

#[cfg(test)]
mod tests {
    use act_core::prelude::*;

    /// The naive formulas compute the same functions as act (loosely: they are naive), so
    /// each benchmark group compares like with like.
    #[test]
    fn naive_matches_act() {
        let x = crate::inputs(257, 7);
        let gy = crate::inputs(257, 8);
        let mut want = vec![0.0; x.len()];
        let mut got = vec![0.0; x.len()];
        macro_rules! check {
            ($act:expr, $naive:ident) => {{
                $act.forward_slice(&x, &mut want);
                super::f64::$naive::forward(&x, &mut got);
                close(&want, &got, concat!(stringify!($naive), " forward"));
                $act.backward_slice(&x, &gy, &mut want);
                super::f64::$naive::backward(&x, &gy, &mut got);
                close(&want, &got, concat!(stringify!($naive), " backward"));
            }};
        }
        check!(Sigmoid, sigmoid);
        check!(Tanh, tanh);
        check!(Softmax, softmax);
        check!(Relu, relu);
        check!(LeakyRelu::default(), leaky_relu);
        check!(Elu::default(), elu);
        check!(Selu::default(), selu);
        check!(Swish, swish);
        check!(Gelu, gelu);
        check!(GeluTanh, gelu_tanh);
        check!(Softplus, softplus);
        check!(Mish, mish);
        check!(HardSigmoid, hard_sigmoid);
        check!(HardSwish, hard_swish);
        check!(Linear, linear);
        check!(LogSigmoid, log_sigmoid);
        check!(Softsign, softsign);
        check!(Celu::default(), celu);
        check!(Relu6, relu6);
        check!(Hardtanh::default(), hardtanh);
        check!(Squareplus::default(), squareplus);
        check!(PRelu::default(), prelu);
        check!(LogSoftmax, log_softmax);
        check!(Softmin, softmin);
        macro_rules! check_from_output {
            ($act:expr, $naive:ident) => {{
                let mut y = vec![0.0; x.len()];
                $act.forward_slice(&x, &mut y);
                $act.backward_from_output(&y, &gy, &mut want);
                super::f64::$naive::backward_from_output(&y, &gy, &mut got);
                close(
                    &want,
                    &got,
                    concat!(stringify!($naive), " backward_from_output"),
                );
            }};
        }
        check_from_output!(Softmax, softmax);
        check_from_output!(LogSoftmax, log_softmax);
        check_from_output!(Softmin, softmin);
    }

    #[test]
    fn naive_gated_matches_act() {
        let (a, b) = (crate::inputs(257, 7), crate::inputs(257, 9));
        let gy = crate::inputs(257, 8);
        let n = a.len();
        let (mut want, mut got) = (vec![0.0; n], vec![0.0; n]);
        let (mut want_b, mut got_b) = (vec![0.0; n], vec![0.0; n]);
        macro_rules! check {
            ($act:expr, $naive:ident) => {{
                $act.forward_slice(&a, &b, &mut want);
                super::f64::$naive::forward(&a, &b, &mut got);
                close(&want, &got, concat!(stringify!($naive), " forward"));
                $act.backward_slice(&a, &b, &gy, &mut want, &mut want_b);
                super::f64::$naive::backward(&a, &b, &gy, &mut got, &mut got_b);
                close(&want, &got, concat!(stringify!($naive), " backward a"));
                close(&want_b, &got_b, concat!(stringify!($naive), " backward b"));
            }};
        }
        check!(Glu, glu);
        check!(SwiGlu, swiglu);
        check!(GeGlu, geglu);
        check!(ReGlu, reglu);
    }

    /// Relative near and above 1, absolute below: the naive formulas cancel in the tails
    /// (gelu-tanh's `0.5 (1 + t)` at t ~ -1), while a wrong formula is off by O(1) somewhere.
    fn close(want: &[f64], got: &[f64], what: &str) {
        for (i, (&w, &g)) in want.iter().zip(got).enumerate() {
            assert!(
                (w - g).abs() <= 1e-9 * (w.abs() + 1.0),
                "{what} at {i}: act {w}, naive {g}"
            );
        }
    }
}
