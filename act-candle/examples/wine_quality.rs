//! A small MLP trained on the red wine quality data (1599 wines, 11 physico-chemical
//! measurements, quality 3 to 8 as six classes), shipped by the `linfa-datasets` crate: no
//! download.
//!
//! ```text
//! cargo run --release -p act-candle --example wine_quality            # act's activations
//! cargo run --release -p act-candle --example wine_quality -- --candle  # candle's own
//! ```
//!
//! 11 -> 64 (GELU) -> 64 (SiLU) -> 6 (log-softmax), negative log-likelihood, AdamW, batches of
//! 32. The data is shuffled with a fixed seed and split 80/20; features are standardised with
//! the training set's mean and deviation; the weights start from the same seeded values in both
//! modes, so the two runs differ only in the activations' code.

use std::time::Instant;

use act_candle::ActivateExt;
use act_core::prelude::*;
use anyhow::Result;
use candle_core::{D, DType, Device, Module, Tensor, Var};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

/// Trains an MLP on the red wine quality data and prints train and test accuracy per epoch.
#[derive(Parser)]
struct Args {
    /// Use candle's own activations (gelu_erf, silu, candle_nn::ops::log_softmax) instead of
    /// act's, for comparison.
    #[arg(long)]
    candle: bool,
    /// Passes over the training set.
    #[arg(long, default_value_t = 60)]
    epochs: usize,
    /// Seed of the shuffle and of the initial weights.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// A small deterministic generator (SplitMix64) for the shuffle and the initial weights.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A fully connected layer with PyTorch's default initialisation (uniform in ±1/sqrt(inputs)).
fn layer(rng: &mut Rng, inputs: usize, outputs: usize, vars: &mut Vec<Var>) -> Result<Linear> {
    let bound = 1.0 / (inputs as f64).sqrt();
    let mut uniform = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| ((2.0 * rng.unit() - 1.0) * bound) as f32)
            .collect()
    };
    let w = Var::from_vec(uniform(outputs * inputs), (outputs, inputs), &Device::Cpu)?;
    let b = Var::from_vec(uniform(outputs), outputs, &Device::Cpu)?;
    let linear = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
    vars.extend([w, b]);
    Ok(linear)
}

struct Mlp {
    l1: Linear,
    l2: Linear,
    out: Linear,
    candle: bool,
}

impl Mlp {
    /// Log-probabilities of the classes, one row per wine.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = self.l1.forward(x)?;
        let h = if self.candle {
            h.gelu_erf()?
        } else {
            h.activate(Gelu)?
        };
        let h = self.l2.forward(&h)?;
        let h = if self.candle {
            h.silu()?
        } else {
            h.activate(Swish)?
        };
        let logits = self.out.forward(&h)?;
        Ok(if self.candle {
            candle_nn::ops::log_softmax(&logits, D::Minus1)?
        } else {
            logits.activate_dim(LogSoftmax, D::Minus1)?
        })
    }
}

/// Fraction of rows whose most probable class is the label.
fn accuracy(model: &Mlp, x: &Tensor, y: &Tensor) -> Result<f64> {
    let predicted = model.forward(x)?.argmax(D::Minus1)?;
    let correct = predicted
        .eq(y)?
        .to_dtype(DType::F64)?
        .sum_all()?
        .to_scalar::<f64>()?;
    Ok(correct / y.dims()[0] as f64)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let data = linfa_datasets::winequality();
    let (records, targets) = (data.records(), data.targets());
    let (n, features) = records.dim();
    let lowest = *targets.iter().min().expect("the data set has wines");
    let classes = targets.iter().max().expect("the data set has wines") - lowest + 1;

    let mut rng = Rng(args.seed);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_train = n * 4 / 5;
    let (train_idx, test_idx) = order.split_at(n_train);

    // Standardise with the training set's statistics.
    let mut mean = vec![0.0; features];
    let mut std = vec![0.0; features];
    for j in 0..features {
        let col: Vec<f64> = train_idx.iter().map(|&i| records[[i, j]]).collect();
        mean[j] = col.iter().sum::<f64>() / col.len() as f64;
        let var = col.iter().map(|v| (v - mean[j]).powi(2)).sum::<f64>() / col.len() as f64;
        std[j] = var.sqrt().max(1e-12);
    }
    let to_tensors = |idx: &[usize]| -> Result<(Tensor, Tensor)> {
        let x: Vec<f32> = idx
            .iter()
            .flat_map(|&i| (0..features).map(move |j| (i, j)))
            .map(|(i, j)| ((records[[i, j]] - mean[j]) / std[j]) as f32)
            .collect();
        let y: Vec<u32> = idx.iter().map(|&i| (targets[i] - lowest) as u32).collect();
        Ok((
            Tensor::from_vec(x, (idx.len(), features), &Device::Cpu)?,
            Tensor::from_vec(y, idx.len(), &Device::Cpu)?,
        ))
    };
    let (x_train, y_train) = to_tensors(train_idx)?;
    let (x_test, y_test) = to_tensors(test_idx)?;

    // The majority class of the training set, scored on the test set.
    let mut counts = vec![0usize; classes];
    for &i in train_idx {
        counts[targets[i] - lowest] += 1;
    }
    let majority = (0..classes).max_by_key(|&c| counts[c]).expect("classes");
    let baseline = test_idx
        .iter()
        .filter(|&&i| targets[i] - lowest == majority)
        .count() as f64
        / test_idx.len() as f64;

    let mut vars = Vec::new();
    let model = Mlp {
        l1: layer(&mut rng, features, 64, &mut vars)?,
        l2: layer(&mut rng, 64, 64, &mut vars)?,
        out: layer(&mut rng, 64, classes, &mut vars)?,
        candle: args.candle,
    };
    let params = ParamsAdamW {
        lr: 3e-3,
        weight_decay: 1e-3,
        ..Default::default()
    };
    let mut opt = AdamW::new(vars, params)?;

    let which = if args.candle { "candle's" } else { "act's" };
    println!(
        "red wine quality: {n} wines, {features} features, {classes} classes; \
         {n_train} train, {} test; {which} activations",
        test_idx.len()
    );
    let bar = ProgressBar::new(args.epochs as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} epochs {elapsed_precise} {msg}")
            .expect("a valid template"),
    );
    let batch = 32;
    let mut batch_order: Vec<usize> = (0..n_train).collect();
    for epoch in 1..=args.epochs {
        rng.shuffle(&mut batch_order);
        let mut total = 0.0;
        for chunk in batch_order.chunks(batch) {
            let idx = Tensor::from_vec(
                chunk.iter().map(|&i| i as u32).collect::<Vec<_>>(),
                chunk.len(),
                &Device::Cpu,
            )?;
            let xb = x_train.index_select(&idx, 0)?;
            let yb = y_train.index_select(&idx, 0)?;
            let loss = candle_nn::loss::nll(&model.forward(&xb)?, &yb)?;
            opt.backward_step(&loss)?;
            total += loss.to_scalar::<f32>()? as f64 * chunk.len() as f64;
        }
        let train = accuracy(&model, &x_train, &y_train)?;
        let test = accuracy(&model, &x_test, &y_test)?;
        // Printed above the bar on a terminal, and also when the output is piped.
        bar.suspend(|| {
            println!(
                "epoch {epoch:>3}  loss {:.4}  train {train:.3}  test {test:.3}",
                total / n_train as f64
            )
        });
        bar.set_message(format!("test {test:.3}"));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let test = accuracy(&model, &x_test, &y_test)?;
    println!(
        "majority-class baseline (quality {}): {baseline:.3}",
        majority + lowest
    );
    println!("time: {:.1} s", started.elapsed().as_secs_f64());
    println!("test accuracy: {test:.3}");
    Ok(())
}
