use act_candle::ActivateExt;
use act_core::prelude::*;
use candle_core::{D, DType, Device, Tensor, Var};

fn main() -> candle_core::Result<()> {
    let x = Var::new(&[[-1.0f32, 0.0, 2.0], [40.0, -4.0, 0.5]], &Device::Cpu)?;

    // Elementwise (F32, F64, F16, BF16, any shape), along a dimension, and gated.
    let h = x.activate(Sigmoid)?;
    let p = h.activate_dim(Softmax, D::Minus1)?;
    let half = x.to_dtype(DType::BF16)?.activate(Gelu)?;
    assert_eq!(half.dtype(), DType::BF16);
    let glu = x.activate_gated(SwiGlu, 0)?; // dimension 0 holds [a | b]: a = row 0, b = row 1
    assert_eq!(glu.dims(), &[1, 3]);

    // Gradients through candle's autograd, by act's backward passes.
    let pick = Tensor::new(&[[1.0f32, 0.0, 0.0], [0.0, 1.0, 0.0]], &Device::Cpu)?;
    let loss = (p.mul(&pick)?.sum_all()? + glu.sum_all()?)?;
    let grads = loss.backward()?;
    let g = grads.get(&x).expect("x is a variable").to_vec2::<f32>()?;
    assert!(g[1][0] != 0.0); // through σ'(40) = 4.2e-18: candle's own sigmoid gives 0
    println!("d loss / d x = {g:?}");
    Ok(())
}
