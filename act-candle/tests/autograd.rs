//! act-candle: values against act's slice methods, gradients against act's derivative and VJP
//! and against central finite differences, every supported dtype, non-contiguous inputs, and a
//! training step on a `Var` that lowers the loss.

use act_candle::ActivateExt;
use act_core::prelude::*;
use candle_core::{D, DType, Device, Result, Tensor, Var};

fn values(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let u = ((i as u64 + 7).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64;
            u / (1u64 << 53) as f64 * 12.0 - 6.0
        })
        .collect()
}

fn tensor(n: usize, shape: &[usize]) -> Result<Tensor> {
    Tensor::from_vec(values(n), shape, &Device::Cpu)
}

/// The elements of `t` in logical order, as f64.
fn flat(t: &Tensor) -> Result<Vec<f64>> {
    t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()
}

#[test]
fn elementwise_values_in_every_dtype_match_act() -> Result<()> {
    let x64 = tensor(60, &[3, 4, 5])?;
    for dtype in [DType::F32, DType::F64, DType::F16, DType::BF16] {
        let x = x64.to_dtype(dtype)?;
        let y = x.activate(Mish)?;
        assert_eq!(y.dtype(), dtype);
        assert_eq!(y.dims(), &[3, 4, 5]);
        // act's own slice method on the same elements, in the same type.
        let got = flat(&y)?;
        let xs = flat(&x)?;
        for (xi, yi) in xs.iter().zip(&got) {
            let expected = match dtype {
                DType::F32 => f64::from(Mish.forward(*xi as f32)),
                DType::F64 => Mish.forward(*xi),
                DType::F16 => Mish.forward(half::f16::from_f64(*xi)).to_f64(),
                _ => Mish.forward(half::bf16::from_f64(*xi)).to_f64(),
            };
            assert_eq!(yi.to_bits(), expected.to_bits(), "{dtype:?} at {xi}");
        }
    }
    Ok(())
}

#[test]
fn non_contiguous_inputs() -> Result<()> {
    let x = tensor(24, &[4, 6])?.to_dtype(DType::F32)?;
    let t = x.t()?; // 6×4, strided
    assert!(!t.is_contiguous());
    let y = t.activate(Tanh)?;
    let expected = x.activate(Tanh)?.t()?;
    assert_eq!(flat(&y)?, flat(&expected)?);
    let narrow = x.narrow(1, 1, 3)?;
    let p = narrow.activate_dim(Softmax, D::Minus1)?;
    for row in p.to_vec2::<f32>()? {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
    Ok(())
}

/// `loss = sum(w * f(x))`: its gradient is `w * f'(x)`, which act's VJP gives bit for bit.
#[test]
fn elementwise_gradient_is_acts_vjp() -> Result<()> {
    let x = Var::from_tensor(&tensor(40, &[5, 8])?.to_dtype(DType::F32)?)?;
    let w =
        Tensor::from_vec(values(47)[7..].to_vec(), (5, 8), &Device::Cpu)?.to_dtype(DType::F32)?;
    let loss = x.activate(Gelu)?.mul(&w)?.sum_all()?;
    let grads = loss.backward()?;
    let g = flat(grads.get(&x).unwrap())?;
    let (xs, ws) = (flat(&x)?, flat(&w)?);
    let xs32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
    let ws32: Vec<f32> = ws.iter().map(|&v| v as f32).collect();
    let mut vjp = vec![0.0f32; xs.len()];
    Gelu.backward_slice(&xs32, &ws32, &mut vjp);
    for i in 0..xs.len() {
        assert_eq!(g[i] as f32, vjp[i], "at {}", xs[i]);
        let d = f64::from(ws32[i] * Gelu.derivative(xs32[i]));
        assert!((g[i] - d).abs() <= 1e-6 * d.abs().max(1e-6), "at {}", xs[i]);
    }
    Ok(())
}

/// Sigmoid's gradient in the right tail, where candle's own `y (1 - y)` is 0.
#[test]
fn tail_gradient_is_not_zero() -> Result<()> {
    let x = Var::new(&[40.0f32], &Device::Cpu)?;
    let grads = x.activate(Sigmoid)?.sum_all()?.backward()?;
    let g = grads.get(&x).unwrap().to_vec1::<f32>()?[0];
    assert_eq!(g, Sigmoid.derivative(40.0f32));
    assert!(g > 4.2e-18 && g < 4.3e-18);
    // candle's own sigmoid: y (1 - y) with y = 1 in f32.
    let grads = candle_nn::ops::sigmoid(&x)?.sum_all()?.backward()?;
    assert_eq!(grads.get(&x).unwrap().to_vec1::<f32>()?[0], 0.0);
    Ok(())
}

/// Central differences in f64 of `loss(x) = sum(w * h(x))` against autograd.
fn check_against_finite_differences(
    shape: &[usize],
    h: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<()> {
    check_against_finite_differences_shaped(shape, shape, h)
}

/// As [`check_against_finite_differences`], for an `h` whose result has shape `out`.
fn check_against_finite_differences_shaped(
    shape: &[usize],
    out: &[usize],
    h: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<()> {
    let n: usize = shape.iter().product();
    let m: usize = out.iter().product();
    let x0 = tensor(n, shape)?;
    let w = Tensor::from_vec(values(m + 3)[3..].to_vec(), out, &Device::Cpu)?;
    let loss = |x: &Tensor| -> Result<f64> { h(x)?.mul(&w)?.sum_all()?.to_scalar::<f64>() };
    let x = Var::from_tensor(&x0)?;
    let grads = h(&x)?.mul(&w)?.sum_all()?.backward()?;
    let g = flat(grads.get(&x).unwrap())?;
    let base = flat(&x0)?;
    let eps = 1e-6;
    for i in 0..n {
        let mut plus = base.clone();
        let mut minus = base.clone();
        plus[i] += eps;
        minus[i] -= eps;
        let fd = (loss(&Tensor::from_vec(plus, shape, &Device::Cpu)?)?
            - loss(&Tensor::from_vec(minus, shape, &Device::Cpu)?)?)
            / (2.0 * eps);
        assert!(
            (g[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "element {i}: autograd {}, finite difference {fd}",
            g[i]
        );
    }
    Ok(())
}

#[test]
fn gradients_match_finite_differences() -> Result<()> {
    check_against_finite_differences(&[3, 7], |x| x.activate(Swish))?;
    check_against_finite_differences(&[2, 3, 4], |x| x.activate(Elu::new(0.7)))?;
    check_against_finite_differences(&[4, 5], |x| x.activate_dim(Softmax, D::Minus1))?;
    check_against_finite_differences(&[4, 5], |x| x.activate_dim(Softmax, 0))?;
    check_against_finite_differences(&[2, 3, 4], |x| x.activate_dim(Softmax, 1))?;
    // Composed: act's ops in a chain with candle's own.
    check_against_finite_differences(&[3, 4], |x| {
        x.activate(Mish)?
            .affine(2.0, 0.5)?
            .activate_dim(Softmax, D::Minus1)
    })
}

#[test]
fn softmax_along_a_dimension_matches_act_rows() -> Result<()> {
    let x = tensor(24, &[2, 3, 4])?;
    let y = x.activate_dim(Softmax, 1)?;
    // Along dim 1: the lanes y[i, :, k].
    let (xv, yv) = (x.to_vec3::<f64>()?, y.to_vec3::<f64>()?);
    for i in 0..2 {
        for k in 0..4 {
            let lane: Vec<f64> = (0..3).map(|j| xv[i][j][k]).collect();
            let mut expected = [0.0; 3];
            Softmax.forward_slice(&lane, &mut expected);
            for j in 0..3 {
                assert_eq!(yv[i][j][k], expected[j]);
            }
        }
    }
    Ok(())
}

#[test]
fn unsupported_dtype_is_an_error_that_says_what_to_do() -> Result<()> {
    let x = Tensor::new(&[1u32, 2, 3], &Device::Cpu)?;
    let err = x.activate(Relu).unwrap_err().to_string();
    assert!(err.contains("unsupported dtype U32"), "{err}");
    assert!(err.contains("to_dtype(DType::F32)"), "{err}");
    let err = tensor(6, &[2, 3])?
        .activate_dim(Softmax, 2)
        .unwrap_err()
        .to_string();
    assert!(err.contains("activate_dim"), "{err}");
    Ok(())
}

/// One layer `softmax(gelu(x W))` fitted to targets by plain gradient descent on a `Var`.
#[test]
fn training_step_lowers_the_loss() -> Result<()> {
    let dev = Device::Cpu;
    let x = Tensor::from_vec(values(32), (8, 4), &dev)?.to_dtype(DType::F32)?;
    let target = Tensor::from_vec(
        values(24)[..]
            .iter()
            .map(|v| v.abs() / 6.0)
            .collect::<Vec<_>>(),
        (8, 3),
        &dev,
    )?
    .to_dtype(DType::F32)?;
    let target = target.broadcast_div(&target.sum_keepdim(1)?)?;
    let w = Var::from_tensor(&Tensor::from_vec(
        values(12)
            .iter()
            .map(|v| (v / 10.0) as f32)
            .collect::<Vec<_>>(),
        (4, 3),
        &dev,
    )?)?;
    let loss_of = |w: &Tensor| -> Result<Tensor> {
        let p = x
            .matmul(w)?
            .activate(Gelu)?
            .activate_dim(Softmax, D::Minus1)?;
        p.sub(&target)?.sqr()?.mean_all()
    };
    let before = loss_of(&w)?.to_scalar::<f32>()?;
    for _ in 0..20 {
        let grads = loss_of(&w)?.backward()?;
        let g = grads.get(&w).unwrap();
        w.set(&w.sub(&g.affine(0.5, 0.0)?)?)?;
    }
    let after = loss_of(&w)?.to_scalar::<f32>()?;
    assert!(after < 0.8 * before, "loss {before} -> {after}");
    Ok(())
}

#[test]
fn half_gradients_flow() -> Result<()> {
    for dtype in [DType::F16, DType::BF16] {
        let x = Var::from_tensor(&tensor(12, &[3, 4])?.to_dtype(dtype)?)?;
        let grads = x.activate(Tanh)?.sum_all()?.backward()?;
        let g = flat(grads.get(&x).unwrap())?;
        for (xi, gi) in flat(&x)?.iter().zip(g) {
            let exact = 1.0 - xi.tanh().powi(2);
            let tol = if dtype == DType::F16 { 1e-3 } else { 8e-3 };
            assert!(
                (gi - exact).abs() <= tol * exact.max(1e-3),
                "{dtype:?} at {xi}: {gi}"
            );
        }
    }
    Ok(())
}

#[test]
fn gated_halves_match_act() -> Result<()> {
    // Rows [a | b] of 2 × 3 values: along the last dimension, as act's forward_halves.
    let x = tensor(24, &[4, 6])?;
    let y = x.activate_gated(SwiGlu, D::Minus1)?;
    assert_eq!(y.dims(), &[4, 3]);
    let mut expected = vec![0.0; 12];
    SwiGlu.forward_halves(&flat(&x)?, 3, &mut expected);
    assert_eq!(flat(&y)?, expected);
    // Along dimension 0: a = rows 0-1, b = rows 2-3.
    let y0 = x.activate_gated(GeGlu, 0)?;
    assert_eq!(y0.dims(), &[2, 6]);
    let (xv, yv) = (x.to_vec2::<f64>()?, y0.to_vec2::<f64>()?);
    for i in 0..2 {
        for j in 0..6 {
            assert_eq!(yv[i][j], GeGlu.forward(xv[i][j], xv[i + 2][j]));
        }
    }
    // Every dtype.
    for dtype in [DType::F32, DType::F16, DType::BF16] {
        let y = x.to_dtype(dtype)?.activate_gated(Glu, D::Minus1)?;
        assert_eq!((y.dtype(), y.dims()), (dtype, &[4usize, 3][..]));
    }
    Ok(())
}

#[test]
fn gated_gradients() -> Result<()> {
    check_against_finite_differences_shaped(&[3, 8], &[3, 4], |x| x.activate_gated(SwiGlu, 1))?;
    check_against_finite_differences_shaped(&[4, 2, 3], &[2, 2, 3], |x| {
        x.activate_gated(GeGlu, 0)
    })?;
    // Autograd's gradient is act's backward_halves.
    let x = Var::from_tensor(&tensor(16, &[2, 8])?)?;
    let w = Tensor::from_vec(values(11)[3..].to_vec(), (2, 4), &Device::Cpu)?;
    let grads = x
        .activate_gated(ReGlu, D::Minus1)?
        .mul(&w)?
        .sum_all()?
        .backward()?;
    let mut expected = vec![0.0; 16];
    ReGlu.backward_halves(&flat(&x)?, 4, &flat(&w)?, &mut expected);
    assert_eq!(flat(grads.get(&x).unwrap())?, expected);
    let err = tensor(10, &[2, 5])?
        .activate_gated(SwiGlu, 1)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("dimension 1 has size 5, which is odd"),
        "{err}"
    );
    Ok(())
}
