use act_core::prelude::*;

fn main() {
    let x: Vec<f32> = (0..1_000_000)
        .map(|i| (i % 1000) as f32 / 100.0 - 5.0)
        .collect();

    // On all cores, with the same bits as the serial method.
    let mut y = vec![0.0; x.len()];
    Mish.par_forward_slice(&x, &mut y);
    let mut serial = vec![0.0; x.len()];
    Mish.forward_slice(&x, &mut serial);
    assert_eq!(y, serial);

    // Softmax over rows of 1000 logits, and its vector-Jacobian product for a gradient
    // grad_y with respect to the probabilities (one class per row).
    let mut p = vec![0.0; x.len()];
    Softmax.par_forward_rows(&x, 1000, &mut p);
    let grad_y: Vec<f32> = (0..x.len()).map(|i| f32::from(i % 1000 == 7)).collect();
    let mut grad_x = vec![0.0; x.len()];
    Softmax.par_backward_rows(&x, 1000, &grad_y, &mut grad_x);
    println!(
        "{} rows, first row sums to {}",
        x.len() / 1000,
        p[..1000].iter().sum::<f32>()
    );
}
