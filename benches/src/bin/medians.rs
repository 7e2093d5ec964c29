//! act timed the way `benches/peers/throughput.py` times the peers: each slice method over N
//! `f32` (uniform in [-8, 8), grad_y in [-1, 1); the gated ones (`forward_halves`,
//! `backward_halves`) over `[a | b]`, 2N inputs and N outputs), untimed calls for 10 ms
//! ([`act_benches::WARM_UP`], at least two), then the median of 25 timed calls, in elements
//! per nanosecond. The vector activations also get
//! `backward_from_output` and rows of 10 to 1000 (`softmax_rows10`: forward, from the output and
//! `backward_rows` from the input), next to `naive` lines for
//! the naive loops (`act_benches::naive`), which `summary` does not read. Prints a file in the
//! peers' format (`act NAME DIRECTION ELEMENTS_PER_NS` lines after a `# ... n=N dtype=float32
//! naming=act` header), for `summary --act-medians FILE`.
//!
//! On a shared machine, criterion's samples (tens of milliseconds each) share the core with
//! whatever else runs there, while a median of single calls (about a millisecond each) mostly
//! sees calls that ran alone: compare the peers with this, not with criterion, when the
//! machine is busy.
//!
//! ```text
//! taskset -c 1 cargo run -p act-benches --release --bin medians -- --n 1000000 > act.txt
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use act_benches::inputs;
use act_core::prelude::*;
use clap::Parser;

#[derive(Parser)]
#[command(about = "act's slice methods timed as the peer script times the peers")]
struct Args {
    /// Elements per call.
    #[arg(long, default_value_t = 1_000_000)]
    n: usize,
    /// Timed calls per figure (the median is printed).
    #[arg(long, default_value_t = 25)]
    reps: usize,
    /// Comma-separated activation names (as printed, e.g. `softmax,log_softmax`); all when
    /// absent.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Untimed calls before each figure's timed ones, for at least this many milliseconds
    /// (and at least two calls; 0: two calls, the rule before the fourteenth session).
    #[arg(long, default_value_t = act_benches::WARM_UP.as_millis() as u64)]
    warm_up_ms: u64,
}

/// Row widths of the batched vector figures (`softmax_rows10`, ...), as in the criterion
/// benches.
const ROW_WIDTHS: [usize; 4] = [10, 32, 100, 1000];

/// Elements per ns at the median of `reps` timed calls of `call`, after untimed ones for
/// `warm_up` (at least two; `act_benches::WARM_UP` unless told), as the peer script warms
/// each figure.
fn median_rate(n: usize, reps: usize, warm_up: Duration, mut call: impl FnMut()) -> f64 {
    act_benches::warm_up(&mut call, warm_up);
    let mut ns: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            call();
            t.elapsed().as_nanos() as f64
        })
        .collect();
    ns.sort_by(f64::total_cmp);
    n as f64 / ns[ns.len() / 2]
}

/// `GeluTanh` -> `gelu_tanh`, `PRelu` -> `prelu`, `Relu6` -> `relu6`: the benches' names (an
/// underscore only where a capital follows a small letter).
fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && after_lower {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        after_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}

/// A naive forward loop `(x, y)`.
type NaiveForward = fn(&[f32], &mut [f32]);
/// A naive backward loop from the output `(y, grad_y, grad_x)` or from the input
/// `(x, grad_y, grad_x)`.
type NaiveBackward = fn(&[f32], &[f32], &mut [f32]);

/// The naive forward, from-output and from-input backward functions of a vector activation,
/// by its name.
fn naive_of(name: &str) -> (NaiveForward, NaiveBackward, NaiveBackward) {
    use act_benches::naive::f32 as n;
    match snake(name).as_str() {
        "softmax" => (
            n::softmax::forward,
            n::softmax::backward_from_output,
            n::softmax::backward,
        ),
        "log_softmax" => (
            n::log_softmax::forward,
            n::log_softmax::backward_from_output,
            n::log_softmax::backward,
        ),
        "softmin" => (
            n::softmin::forward,
            n::softmin::backward_from_output,
            n::softmin::backward,
        ),
        other => panic!("no naive functions for {other}"),
    }
}

fn main() {
    let args = Args::parse();
    let n = args.n;
    let warm = Duration::from_millis(args.warm_up_ms);
    let x: Vec<f32> = inputs(n, 1).into_iter().map(|v| v as f32).collect();
    let g: Vec<f32> = inputs(n, 2).into_iter().map(|v| (v / 8.0) as f32).collect();
    let mut out = vec![0.0f32; n];
    println!(
        "# n={n} dtype=float32 naming=act isa={:?} command: medians --n {n} --reps {} --warm-up-ms {}",
        act_core::dispatch::active(),
        args.reps,
        args.warm_up_ms
    );
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| *o == snake(name));
    let line = |name: &str, direction: &str, rate: f64| {
        println!("act {} {direction} {rate:.4}", snake(name));
    };
    // The naive loops of the vector activations (`act_benches::naive`), for the ratios; the
    // summary reads the `act` lines only.
    let naive_line = |name: &str, direction: &str, rate: f64| {
        println!("naive {} {direction} {rate:.4}", snake(name));
    };
    macro_rules! all {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
            $(
                let a = $e::default();
                if wanted(<$e as Activation>::NAME) {
                line(<$e as Activation>::NAME, "forward", median_rate(n, args.reps, warm, || a.forward_slice(black_box(&x), black_box(&mut out))));
                line(<$e as Activation>::NAME, "backward", median_rate(n, args.reps, warm, || a.backward_slice(black_box(&x), black_box(&g), black_box(&mut out))));
                line(<$e as Activation>::NAME, "derivative", median_rate(n, args.reps, warm, || a.derivative_slice(black_box(&x), black_box(&mut out))));
                }
            )*
            $(
                let a = $v::default();
                let name = <$v as Activation>::NAME;
                if wanted(name) {
                line(name, "forward", median_rate(n, args.reps, warm, || a.forward_slice(black_box(&x), black_box(&mut out))));
                line(name, "backward", median_rate(n, args.reps, warm, || a.backward_slice(black_box(&x), black_box(&g), black_box(&mut out))));
                // The saved output, as PyTorch's softmax backward reads it.
                let mut y = vec![0.0f32; n];
                a.forward_slice(&x, &mut y);
                line(name, "backward_from_output", median_rate(n, args.reps, warm, || a.backward_from_output(black_box(&y), black_box(&g), black_box(&mut out))));
                let naive = naive_of(name);
                naive_line(name, "forward", median_rate(n, args.reps, warm, || (naive.0)(black_box(&x), black_box(&mut out))));
                naive_line(name, "backward_from_output", median_rate(n, args.reps, warm, || (naive.1)(black_box(&y), black_box(&g), black_box(&mut out))));
                for cols in ROW_WIDTHS {
                    let m = n / cols * cols;
                    let rows = format!("{}_rows{cols}", snake(name));
                    a.forward_rows(&x[..m], cols, &mut y[..m]);
                    line(&rows, "forward", median_rate(m, args.reps, warm, || a.forward_rows(black_box(&x[..m]), cols, black_box(&mut out[..m]))));
                    line(&rows, "backward_from_output", median_rate(m, args.reps, warm, || a.backward_rows_from_output(black_box(&y[..m]), cols, black_box(&g[..m]), black_box(&mut out[..m]))));
                    naive_line(&rows, "forward", median_rate(m, args.reps, warm, || {
                        for (xr, yr) in black_box(&x[..m]).chunks(cols).zip(out.chunks_mut(cols)) {
                            (naive.0)(xr, yr);
                        }
                    }));
                    naive_line(&rows, "backward_from_output", median_rate(m, args.reps, warm, || {
                        let rows = black_box(&y[..m]).chunks(cols).zip(g.chunks(cols));
                        for ((yr, gr), or) in rows.zip(out.chunks_mut(cols)) {
                            (naive.1)(yr, gr, or);
                        }
                    }));
                    line(&rows, "backward", median_rate(m, args.reps, warm, || a.backward_rows(black_box(&x[..m]), cols, black_box(&g[..m]), black_box(&mut out[..m]))));
                    naive_line(&rows, "backward", median_rate(m, args.reps, warm, || {
                        let rows = black_box(&x[..m]).chunks(cols).zip(g.chunks(cols));
                        for ((xr, gr), or) in rows.zip(out.chunks_mut(cols)) {
                            (naive.2)(xr, gr, or);
                        }
                    }));
                }
                }
            )*
        };
    }
    act_core::__for_each_builtin!(all);
    // Gated: `forward_halves` over `[a | b]` (2n inputs, n outputs), as PyTorch's
    // `glu(x, dim=-1)` and the peer script time it; the rate counts outputs.
    let mut x2 = x.clone();
    x2.extend(inputs(n, 3).into_iter().map(|v| v as f32));
    let mut out2 = vec![0.0f32; 2 * n];
    macro_rules! gated {
        ($($t:ident),*) => {
            $(
                let a = $t::default();
                let name = <$t as Gated>::NAME.to_ascii_lowercase(); // swiglu, as the CLI names it
                if wanted(&name) {
                println!("act {name} forward {:.4}", median_rate(n, args.reps, warm, || a.forward_halves(black_box(&x2), n, black_box(&mut out))));
                println!("act {name} backward {:.4}", median_rate(n, args.reps, warm, || a.backward_halves(black_box(&x2), n, black_box(&g), black_box(&mut out2))));
                }
            )*
        };
    }
    act_core::__for_each_gated!(gated);
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case_names_match_the_benches() {
        let cases = [
            ("GeluTanh", "gelu_tanh"),
            ("PRelu", "prelu"),
            ("Relu6", "relu6"),
            ("LogSoftmax", "log_softmax"),
            ("HardSwish", "hard_swish"),
            ("Sigmoid", "sigmoid"),
        ];
        for (name, want) in cases {
            assert_eq!(super::snake(name), want);
        }
    }
}
