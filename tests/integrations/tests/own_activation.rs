//! An activation declared in this crate with `activation!` works with every integration, as the
//! built-ins do: the generated code is the same.

use act_candle::ActivateExt;
use act_core::prelude::*;
use act_integrations::BentIdentity;
use candle_core::{DType, Device, Tensor, Var};
use half::f16;
use ndarray::Array2;

fn exact(x: f64) -> (f64, f64) {
    let r = (x * x + 1.0).sqrt();
    ((r - 1.0) / 2.0 + x, x / (2.0 * r) + 1.0)
}

#[test]
fn f16_is_the_f32_result_rounded_once() {
    for bits in (0..=u16::MAX).step_by(3) {
        let x = f16::from_bits(bits);
        let v = BentIdentity.forward(x);
        let expected = f16::from_f32(BentIdentity.forward(x.to_f32()));
        assert!(
            v.to_bits() == expected.to_bits() || v.is_nan() && expected.is_nan(),
            "{x}"
        );
    }
}

#[test]
fn parallel_and_array_forms_match_the_slice_methods() {
    let x: Vec<f64> = (0..100_000).map(|i| i as f64 / 1000.0 - 50.0).collect();
    let (mut p, mut s) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    BentIdentity.par_derivative_slice(&x, &mut p);
    BentIdentity.derivative_slice(&x, &mut s);
    assert_eq!(p, s);
    let a = Array2::from_shape_vec((400, 250), x.clone()).unwrap();
    let d = BentIdentity.derivative_array(&a.t());
    for ((i, j), v) in d.indexed_iter() {
        assert_eq!(*v, BentIdentity.derivative(a[[j, i]]));
        let (_, exact_d) = exact(a[[j, i]]);
        assert!((v - exact_d).abs() <= 1e-14 * exact_d.abs().max(1e-300) + 1e-300);
    }
}

#[test]
fn candle_gradient_is_the_derivative() -> candle_core::Result<()> {
    let xs = [-3.0f64, -0.5, 0.0, 2.0, 10.0];
    let x = Var::new(&xs, &Device::Cpu)?;
    let y = x.activate(BentIdentity)?;
    let grads = y.sum_all()?.backward()?;
    let g = grads.get(&x).unwrap().to_vec1::<f64>()?;
    for (xi, gi) in xs.iter().zip(g) {
        assert_eq!(gi, BentIdentity.derivative(*xi));
        assert!((gi - exact(*xi).1).abs() < 1e-15);
    }
    let h = Tensor::new(&xs, &Device::Cpu)?
        .to_dtype(DType::F16)?
        .activate(BentIdentity)?;
    assert_eq!(h.dtype(), DType::F16);
    Ok(())
}
