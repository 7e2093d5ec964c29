//! The softmax family's batched backward from the input (`backward_rows`), or with
//! `--direction forward` the batched forward (`forward_rows`) and with `--direction
//! from_output` the backward from the output (`backward_rows_from_output`, of the forward's
//! output), against the naive row-by-row
//! loop (`act_benches::naive`), interleaved: each round times one call of each,
//! in alternating order, and the figure is the median over the rounds of the per-round ratio
//! (naive time / act time: above 1, act is ahead), so that a load that comes and goes
//! touches both sides alike. Also prints each side's median rate in elements per ns. Inputs
//! as `medians` takes them (x uniform in [-8, 8), grad_y in [-1, 1), f32).
//!
//! With `--cpu` each call is timed by the CPU time the thread was given
//! (`CLOCK_THREAD_CPUTIME_ID`), not by the wall clock: on a machine shared with other work a
//! call of a millisecond often runs without being descheduled where one of tens of
//! milliseconds never does, which the wall clock turns into ratios several times too large.
//!
//! ```text
//! taskset -c 1 cargo run -p act-benches --release --bin rows_ab -- --n 1000000 --rounds 41
//! taskset -c 1 cargo run -p act-benches --release --bin rows_ab -- --direction forward
//! taskset -c 1 cargo run -p act-benches --release --bin rows_ab -- --direction from_output --cpu
//! ```

use std::hint::black_box;
use std::time::Instant;

use act_benches::inputs;
use act_benches::naive::f32 as naive;
use act_core::prelude::*;
use clap::Parser;

#[derive(Parser)]
#[command(
    about = "backward_rows (or forward_rows) of the softmax family against the naive loop, interleaved"
)]
struct Args {
    /// Elements per call (rounded down to whole rows).
    #[arg(long, default_value_t = 1_000_000)]
    n: usize,
    /// Rounds (one call of each side per round).
    #[arg(long, default_value_t = 41)]
    rounds: usize,
    /// Row widths.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 2, 3, 4, 10, 32, 33, 100, 1000])]
    cols: Vec<usize>,
    /// Which: softmax, log_softmax, softmin (all when absent).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// `backward` (`backward_rows` from the input), `forward` (`forward_rows`) or
    /// `from_output` (`backward_rows_from_output`, from the forward's output).
    #[arg(long, default_value = "backward")]
    direction: String,
    /// Time by the thread's CPU time, not the wall clock.
    #[arg(long)]
    cpu: bool,
}

type Backward = fn(&[f32], &[f32], &mut [f32]);
type Forward = fn(&[f32], &mut [f32]);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The thread's CPU time in ns.
#[cfg(unix)]
fn cpu_ns() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid `timespec` to write.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
}

#[cfg(not(unix))]
fn cpu_ns() -> f64 {
    panic!("--cpu needs a unix clock_gettime")
}

fn time(cpu: bool, f: &mut impl FnMut()) -> f64 {
    if cpu {
        let t = cpu_ns();
        f();
        return (cpu_ns() - t).max(1.0);
    }
    let t = Instant::now();
    f();
    t.elapsed().as_nanos().max(1) as f64
}

fn main() {
    let args = Args::parse();
    let x: Vec<f32> = inputs(args.n, 1).into_iter().map(|v| v as f32).collect();
    let g: Vec<f32> = inputs(args.n, 2)
        .into_iter()
        .map(|v| (v / 8.0) as f32)
        .collect();
    let mut out = vec![0.0f32; args.n];
    let (forward, from_output) = match args.direction.as_str() {
        "forward" => (true, false),
        "backward" => (false, false),
        "from_output" => (false, true),
        d => panic!("--direction is forward, backward or from_output, not {d}"),
    };
    println!(
        "# rows_ab n={} rounds={} isa={:?} direction={} cpu={}: naive/act = median of per-round time ratios (>1: act ahead)",
        args.n,
        args.rounds,
        act_core::dispatch::active(),
        args.direction,
        args.cpu
    );
    let acts: [(&str, Backward, Forward, Backward); 3] = [
        (
            "softmax",
            naive::softmax::backward,
            naive::softmax::forward,
            naive::softmax::backward_from_output,
        ),
        (
            "log_softmax",
            naive::log_softmax::backward,
            naive::log_softmax::forward,
            naive::log_softmax::backward_from_output,
        ),
        (
            "softmin",
            naive::softmin::backward,
            naive::softmin::forward,
            naive::softmin::backward_from_output,
        ),
    ];
    for (name, naive_row, naive_fwd, naive_from) in acts {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == name) {
            continue;
        }
        for &cols in &args.cols {
            let m = args.n / cols * cols;
            let (x, g) = (&x[..m], &g[..m]);
            // From the output: the forward's output is the input.
            let mut y = vec![0.0f32; m];
            if from_output {
                match name {
                    "softmax" => Softmax.forward_rows(x, cols, &mut y),
                    "log_softmax" => LogSoftmax.forward_rows(x, cols, &mut y),
                    _ => Softmin.forward_rows(x, cols, &mut y),
                }
            }
            let y = &y[..];
            let act = |out: &mut [f32]| match (name, forward) {
                _ if from_output => match name {
                    "softmax" => {
                        Softmax.backward_rows_from_output(black_box(y), cols, black_box(g), out)
                    }
                    "log_softmax" => {
                        LogSoftmax.backward_rows_from_output(black_box(y), cols, black_box(g), out)
                    }
                    _ => Softmin.backward_rows_from_output(black_box(y), cols, black_box(g), out),
                },
                ("softmax", false) => Softmax.backward_rows(black_box(x), cols, black_box(g), out),
                ("log_softmax", false) => {
                    LogSoftmax.backward_rows(black_box(x), cols, black_box(g), out)
                }
                (_, false) => Softmin.backward_rows(black_box(x), cols, black_box(g), out),
                ("softmax", true) => Softmax.forward_rows(black_box(x), cols, out),
                ("log_softmax", true) => LogSoftmax.forward_rows(black_box(x), cols, out),
                (_, true) => Softmin.forward_rows(black_box(x), cols, out),
            };
            let slow = |out: &mut [f32]| {
                for ((xr, gr), or) in black_box(x)
                    .chunks(cols)
                    .zip(g.chunks(cols))
                    .zip(out.chunks_mut(cols))
                {
                    if forward {
                        naive_fwd(xr, or);
                    } else if from_output {
                        let r = xr.as_ptr() as usize - x.as_ptr() as usize;
                        let r = r / size_of::<f32>();
                        naive_from(&y[r..r + cols], gr, or);
                    } else {
                        naive_row(xr, gr, or);
                    }
                }
            };
            let o = &mut out[..m];
            act(o);
            slow(o);
            let (mut ta, mut tn, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
            for r in 0..args.rounds {
                let (a, b) = if r % 2 == 0 {
                    let a = time(args.cpu, &mut || act(black_box(&mut *o)));
                    (a, time(args.cpu, &mut || slow(black_box(&mut *o))))
                } else {
                    let b = time(args.cpu, &mut || slow(black_box(&mut *o)));
                    (time(args.cpu, &mut || act(black_box(&mut *o))), b)
                };
                ta.push(a);
                tn.push(b);
                ratio.push(b / a);
            }
            println!(
                "{name} rows of {cols}: act {:.4} el/ns, naive {:.4} el/ns, naive/act {:.3}",
                m as f64 / median(ta),
                m as f64 / median(tn),
                median(ratio)
            );
        }
    }
}
