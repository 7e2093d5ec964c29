//! Calls one slice method over 1M f32 inputs in a loop, for profilers that count instructions
//! (criterion's harness would be counted too). Prints elements per nanosecond on stderr.
//!
//! ```text
//! cargo build -p act-benches --release --bin drive
//! valgrind --tool=callgrind target/release/drive sigmoid 1    # and with 3 repetitions:
//! valgrind --tool=callgrind target/release/drive sigmoid 3    # (Ir(3) - Ir(1)) / 2^21 per element
//! ```
//!
//! Valgrind has no AVX-512: under it the AVX2 build runs.

use std::hint::black_box;
use std::process::ExitCode;

use act_core::prelude::*;

const WHAT: &str = "sigmoid, sigmoid_d, tanh, tanh_d, swish, swish_ip, swish_d, swish_b, log_sigmoid_d, log_sigmoid_b, glu, glu_b, glu_far, swiglu, swiglu_b, swiglu_far, geglu, geglu_b, geglu_far, softmax, \
                    softmax_b, softmax_o, softmax_r10, softmax_br10, log_softmax, log_softmax_r10, log_softmax_br10, elu, elu_d, elu_b, selu, selu_d, selu_b, selu_f32, celu, celu_d, celu_b, celu_15, celu_11, leaky_relu, leaky_relu_b, leaky_relu_11, prelu, prelu_b, relu, mish_d, gelu, gelu_d, gelu_b, \
                    gelu_tanh, gelu_tanh_d, gelu_tanh_b, softplus, log_sigmoid, mish, squareplus, squareplus_d, squareplus_b, copy";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), reps) = (args.get(1), args.get(2)) else {
        eprintln!("usage: drive WHAT [REPETITIONS]   (WHAT: {WHAT})");
        return ExitCode::FAILURE;
    };
    let reps: usize = match reps.map(|r| r.parse()) {
        None => 300,
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            eprintln!("drive: repetitions: {e}");
            return ExitCode::FAILURE;
        }
    };
    let n = 1 << 20;
    let x: Vec<f32> = act_benches::inputs(n, 1)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    // The gated forwards' worst case for their lean first pass: one gate far in the tail
    // (-100, below every f32 bound) in each chunk of 512 of both halves, so that every chunk
    // is scanned and then takes the full loop.
    let mut far = x.clone();
    for i in (300..n).step_by(512) {
        far[i] = -100.0;
    }
    let g = vec![1.0f32; n];
    let mut y = vec![0.0f32; n];
    let run = |y: &mut [f32]| -> bool {
        let x = black_box(&x[..]);
        match which.as_str() {
            "sigmoid" => Sigmoid.forward_slice(x, y),
            "sigmoid_d" => Sigmoid.derivative_slice(x, y),
            "tanh" => Tanh.forward_slice(x, y),
            "tanh_d" => Tanh.derivative_slice(x, y),
            "swish" => Swish.forward_slice(x, y),
            "swish_ip" => {
                y.copy_from_slice(x);
                Swish.forward_in_place(y)
            }
            "swish_d" => Swish.derivative_slice(x, y),
            "swish_b" => Swish.backward_slice(x, &g, y),
            "squareplus" => Squareplus::default().forward_slice(x, y),
            "squareplus_d" => Squareplus::default().derivative_slice(x, y),
            "squareplus_b" => Squareplus::default().backward_slice(x, &g, y),
            "log_sigmoid_d" => LogSigmoid.derivative_slice(x, y),
            "log_sigmoid_b" => LogSigmoid.backward_slice(x, &g, y),
            // Pairs (a, b): the two halves of x, into the two halves of y.
            "glu" => {
                let (a, b) = x.split_at(n / 2);
                Glu.forward_slice(a, b, &mut y[..n / 2])
            }
            "glu_b" => {
                let (a, b) = x.split_at(n / 2);
                let (ga, gb) = y.split_at_mut(n / 2);
                Glu.backward_slice(a, b, &g[..n / 2], ga, gb)
            }
            "glu_far" => {
                let (a, b) = black_box(&far[..]).split_at(n / 2);
                Glu.forward_slice(a, b, &mut y[..n / 2])
            }
            "swiglu_far" => {
                let (a, b) = black_box(&far[..]).split_at(n / 2);
                SwiGlu.forward_slice(a, b, &mut y[..n / 2])
            }
            "geglu_far" => {
                let (a, b) = black_box(&far[..]).split_at(n / 2);
                GeGlu.forward_slice(a, b, &mut y[..n / 2])
            }
            "swiglu" => {
                let (a, b) = x.split_at(n / 2);
                SwiGlu.forward_slice(a, b, &mut y[..n / 2])
            }
            "swiglu_b" => {
                let (a, b) = x.split_at(n / 2);
                let (ga, gb) = y.split_at_mut(n / 2);
                SwiGlu.backward_slice(a, b, &g[..n / 2], ga, gb)
            }
            "geglu" => {
                let (a, b) = x.split_at(n / 2);
                GeGlu.forward_slice(a, b, &mut y[..n / 2])
            }
            "geglu_b" => {
                let (a, b) = x.split_at(n / 2);
                let (ga, gb) = y.split_at_mut(n / 2);
                GeGlu.backward_slice(a, b, &g[..n / 2], ga, gb)
            }
            "softmax" => Softmax.forward_slice(x, y),
            "softmax_b" => Softmax.backward_slice(x, &g, y),
            "softmax_o" => Softmax.backward_from_output(x, &g, y),
            "softmax_r10" => Softmax.forward_rows(&x[..n / 10 * 10], 10, &mut y[..n / 10 * 10]),
            "softmax_br10" => Softmax.backward_rows(
                &x[..n / 10 * 10],
                10,
                &g[..n / 10 * 10],
                &mut y[..n / 10 * 10],
            ),
            "log_softmax" => LogSoftmax.forward_slice(x, y),
            "log_softmax_br10" => LogSoftmax.backward_rows(
                &x[..n / 10 * 10],
                10,
                &g[..n / 10 * 10],
                &mut y[..n / 10 * 10],
            ),
            "log_softmax_r10" => {
                LogSoftmax.forward_rows(&x[..n / 10 * 10], 10, &mut y[..n / 10 * 10])
            }
            "elu" => Elu::default().forward_slice(x, y),
            "elu_d" => Elu::default().derivative_slice(x, y),
            "elu_b" => Elu::default().backward_slice(x, &g, y),
            "selu" => Selu::default().forward_slice(x, y),
            "selu_d" => Selu::default().derivative_slice(x, y),
            "selu_b" => Selu::default().backward_slice(x, &g, y),
            // `scale` rounded to `f32`: the plain loop (no product rounded once).
            "selu_f32" => Selu {
                scale: f64::from(Selu::default().scale as f32),
                ..Selu::default()
            }
            .forward_slice(x, y),
            "celu" => Celu::default().forward_slice(x, y),
            "celu_d" => Celu::default().derivative_slice(x, y),
            "celu_b" => Celu::default().backward_slice(x, &g, y),
            // alpha = 1.5, an `f32`: the plain loop; 1.1 is not: rounded once.
            "celu_15" => Celu::new(1.5).forward_slice(x, y),
            "celu_11" => Celu::new(1.1).forward_slice(x, y),
            "leaky_relu" => LeakyRelu::default().forward_slice(x, y),
            "leaky_relu_b" => LeakyRelu::default().backward_slice(x, &g, y),
            "leaky_relu_11" => LeakyRelu::new(1.1).forward_slice(x, y),
            "prelu" => PRelu::default().forward_slice(x, y),
            "prelu_b" => PRelu::default().backward_slice(x, &g, y),
            "relu" => Relu.forward_slice(x, y),
            "mish_d" => Mish.derivative_slice(x, y),
            "gelu" => Gelu.forward_slice(x, y),
            "gelu_d" => Gelu.derivative_slice(x, y),
            "gelu_b" => Gelu.backward_slice(x, &g, y),
            "gelu_tanh" => GeluTanh.forward_slice(x, y),
            "gelu_tanh_d" => GeluTanh.derivative_slice(x, y),
            "gelu_tanh_b" => GeluTanh.backward_slice(x, &g, y),
            "softplus" => Softplus.forward_slice(x, y),
            "log_sigmoid" => LogSigmoid.forward_slice(x, y),
            "mish" => Mish.forward_slice(x, y),
            "copy" => y.copy_from_slice(x),
            _ => return false,
        }
        true
    };
    let start = std::time::Instant::now();
    for _ in 0..reps {
        if !run(&mut y) {
            eprintln!("drive: unknown {which:?} (one of: {WHAT})");
            return ExitCode::FAILURE;
        }
        black_box(&y);
    }
    let ns = start.elapsed().as_nanos().max(1) as f64;
    eprintln!("{which}: {:.3} el/ns", (n * reps) as f64 / ns);
    ExitCode::SUCCESS
}
