//! TEMPORARY std-backed stand-in for the f64 kernels.
#![allow(missing_docs)]
pub fn exp(x: f64) -> f64 { x.exp() }
pub fn expm1(x: f64) -> f64 { x.exp_m1() }
pub fn ln(x: f64) -> f64 { x.ln() }
pub fn log1p(x: f64) -> f64 { x.ln_1p() }
pub fn tanh(x: f64) -> f64 { x.tanh() }
pub fn sigmoid(x: f64) -> f64 { if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { let e = x.exp(); e / (1.0 + e) } }
pub fn softplus(x: f64) -> f64 { x.max(0.0) + (-x.abs()).exp().ln_1p() }
pub fn erf(x: f64) -> f64 { 1.0 - erfc(x) }
pub fn erfc(x: f64) -> f64 { let _ = x; unimplemented!() }
pub fn sigmoid_prime(x: f64) -> f64 { let e = (-x.abs()).exp(); e / ((1.0 + e) * (1.0 + e)) }
pub fn tanh_prime(x: f64) -> f64 { let e = (-2.0 * x.abs()).exp(); 4.0 * e / ((1.0 + e) * (1.0 + e)) }
pub fn powi(x: f64, n: i32) -> f64 { x.powi(n) }
pub fn powf(x: f64, y: f64) -> f64 { x.powf(y) }
