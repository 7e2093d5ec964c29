//! Every `f32` input through every elementwise built-in's value and derivative, in every build
//! this CPU runs (portable, AVX2 + FMA, AVX-512), against an independent `f64` reference
//! (`act_benches::reference`): the worst error in ULPs, and where, per function and build.
//!
//! ```text
//! cargo run -p act-benches --release --bin exhaustive                 # all 2^32 inputs
//! cargo run -p act-benches --release --bin exhaustive -- --stride 4096 --max-ulp 4
//! ```
//!
//! `--stride N` takes every Nth bit pattern (from `--offset`), `--only NAME` one built-in,
//! `--isa portable,avx2` some builds. `--max-ulp U` makes the exit status 1 when any error
//! exceeds `U` ULPs outside the allowances (`--known NAME`: except for these built-ins, which
//! are still reported), or when an error inside the interior-root allowance exceeds 8 eps in
//! absolute terms (the rule of `act-core/tests/accuracy.rs`: near the interior root
//! `x0` of swish', gelu', gelu-tanh', mish' and hard-swish', where `|x - x0| <= 1.5` and
//! `|f'(x)| <= 1/4`, the derivative is a difference of terms of size 0.2-0.5, and its rounding
//! is a few eps in absolute terms however small the result). There is no other allowance: in
//! `f32` every built-in, GELU-tanh included, is held to the plain bound.
//! Errors are counted in ULPs of
//! `f32` at the reference, the subnormal spacing below the normal range, so a flushed
//! subnormal counts its full size.
//!
//! The slice methods are the ones measured (`forward_slice`, `derivative_slice`); with
//! `--scalar`, the scalar methods (`forward(x)`, `derivative(x)` one element at a time), which
//! run the same plan but, in `f32`, the sigmoid family's one-element kernels
//! (`act-core/src/math/f32/scalar.rs`).
//!
//! Two more entries check the pair kernels of SwiGLU's and GEGLU's backward pass
//! (`act_core::math::f32::silu_pair` and `gelu_pair`, rows `SwiGlu` and `GeGlu`), which return
//! `(g(a), c g'(a), 1/c)` with `c` a power of two above 1 in the derivative's negative tail:
//! each build's loop over the kernel (compiled with the features of act's tiers, FMA as the
//! slice loops take it) against Swish's and Gelu's references. The value column is `g(a)`, the
//! derivative column `c g'(a)` times `1/c` rounded once (GEGLU's `∂f/∂a` at `b = 1`), with
//! the same root allowance; a third table gives `c g'(a)` itself against `c` times the
//! reference where `c > 1` (the precision a large cofactor `b` keeps), except where the kernel
//! returns 0 and the unscaled reference rounds to 0 in `f32` (below the kernel's clamp). That
//! table is for information: its errors do not fail `--max-ulp` (the gated built-ins' tails
//! are documented per kernel in `act_core::Gated`).

use std::sync::Mutex;
use std::time::Instant;

use act_benches::reference::{LEAKY_SLOPE_NOT_DEFAULT, REFERENCES, Reference, at, ulp_error};
use act_core::dispatch::{self, Isa};
use act_core::prelude::*;
use anyhow::{Result, bail};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Worst error of every elementwise built-in over all f32 inputs")]
struct Args {
    /// Take every Nth bit pattern.
    #[arg(long, default_value_t = 1)]
    stride: u64,
    /// The first bit pattern.
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Builds to check, comma-separated (portable, avx2, avx512) [default: all this CPU runs].
    #[arg(long, value_delimiter = ',')]
    isa: Vec<String>,
    /// Only these built-ins (act's names, e.g. Sigmoid; SwiGlu and GeGlu: the pair kernels),
    /// comma-separated.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Threads [default: the available parallelism].
    #[arg(long)]
    threads: Option<usize>,
    /// Exit with status 1 if an error exceeds this many ULPs (outside the root allowance).
    #[arg(long)]
    max_ulp: Option<f64>,
    /// Built-ins known to exceed `--max-ulp` (comma-separated): reported, marked `known`,
    /// but not failing the run.
    #[arg(long, value_delimiter = ',')]
    known: Vec<String>,
    /// Measure the scalar methods (`forward(x)`, `derivative(x)` in a loop) instead of the
    /// slice methods.
    #[arg(long)]
    scalar: bool,
}

/// `(x, value, derivative, c derivative, 1/c)`: fills the outputs for the inputs `x` (the
/// last two only for a pair kernel).
type RunFn = fn(&[f32], &mut [f32], &mut [f32], &mut [f32], &mut [f32]);

/// act's slice methods for one built-in, or a pair kernel.
struct Under {
    name: &'static str,
    /// The name of its reference in `act_benches::reference`.
    reference: &'static str,
    run: RunFn,
    /// A pair kernel: the outputs `c g'` and `1/c` are filled.
    pair: bool,
}

/// The built-ins' slice methods, or with `scalar` their scalar methods over each element.
fn builtins(scalar: bool) -> Vec<Under> {
    macro_rules! list {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
            if scalar {
                vec![$(Under {
                    name: stringify!($e),
                    reference: stringify!($e),
                    run: |x, y, d, _, _| {
                        let a = $e::default();
                        for ((o, p), &v) in y.iter_mut().zip(d.iter_mut()).zip(x) {
                            *o = a.forward(v);
                            *p = a.derivative(v);
                        }
                    },
                    pair: false,
                }),*]
            } else {
                vec![$(Under {
                    name: stringify!($e),
                    reference: stringify!($e),
                    run: |x, y, d, _, _| {
                        $e::default().forward_slice(x, y);
                        $e::default().derivative_slice(x, d);
                    },
                    pair: false,
                }),*]
            }
        };
    }
    let mut all = act_core::__for_each_builtin!(list);
    // One parameter other than the default: leaky ReLU's slope 1.1, whose product rounds once
    // (the defaults' products are plain, see `FloatKernels::__plain_param`).
    all.push(Under {
        name: "LeakyRelu_1.1",
        reference: "LeakyRelu_1.1",
        run: if scalar {
            (|x, y, d, _, _| {
                let a = LeakyRelu::new(LEAKY_SLOPE_NOT_DEFAULT);
                for ((o, p), &v) in y.iter_mut().zip(d.iter_mut()).zip(x) {
                    *o = a.forward(v);
                    *p = a.derivative(v);
                }
            }) as RunFn
        } else {
            |x, y, d, _, _| {
                LeakyRelu::new(LEAKY_SLOPE_NOT_DEFAULT).forward_slice(x, y);
                LeakyRelu::new(LEAKY_SLOPE_NOT_DEFAULT).derivative_slice(x, d);
            }
        },
        pair: false,
    });
    if !scalar {
        all.push(Under {
            name: "SwiGlu",
            reference: "Swish",
            run: pairs::silu,
            pair: true,
        });
        all.push(Under {
            name: "GeGlu",
            reference: "Gelu",
            run: pairs::gelu,
            pair: true,
        });
    }
    all
}

/// The pair kernels in a loop per build, the build chosen as the slice methods choose theirs
/// ([`dispatch::active`], which `main` forces in turn).
mod pairs {
    use act_core::dispatch::{self, Isa};
    use act_core::math::f32::{gelu_pair, silu_pair};

    /// The portable build's `FMA`, as act's generated slice loops set it.
    const PORTABLE_FMA: bool = cfg!(any(target_arch = "aarch64", target_feature = "fma"));

    macro_rules! pair_loop {
        ($name:ident, $kernel:ident) => {
            pub fn $name(x: &[f32], v: &mut [f32], d: &mut [f32], cp: &mut [f32], inv: &mut [f32]) {
                #[inline(always)]
                fn body<const FMA: bool>(
                    x: &[f32],
                    v: &mut [f32],
                    d: &mut [f32],
                    cp: &mut [f32],
                    inv: &mut [f32],
                ) {
                    let n = x.len();
                    let (v, d, cp, inv) = (&mut v[..n], &mut d[..n], &mut cp[..n], &mut inv[..n]);
                    for i in 0..n {
                        let (g, c, i_c) = $kernel::<FMA>(x[i]);
                        v[i] = g;
                        // `∂f/∂a` at `b = 1`: the scaled derivative unscaled, rounded once.
                        d[i] = c * i_c;
                        cp[i] = c;
                        inv[i] = i_c;
                    }
                }
                // The features of `act_expr::isa::TIERS`, the tiers of act's slice loops.
                #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                #[target_feature(enable = "avx2,fma")]
                fn avx2(x: &[f32], v: &mut [f32], d: &mut [f32], cp: &mut [f32], inv: &mut [f32]) {
                    body::<true>(x, v, d, cp, inv)
                }
                #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
                fn avx512(
                    x: &[f32],
                    v: &mut [f32],
                    d: &mut [f32],
                    cp: &mut [f32],
                    inv: &mut [f32],
                ) {
                    body::<true>(x, v, d, cp, inv)
                }
                match dispatch::active() {
                    Isa::Portable => body::<PORTABLE_FMA>(x, v, d, cp, inv),
                    // SAFETY: `dispatch` reports (or is forced to) a build only where the CPU
                    // has its features.
                    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                    Isa::Avx2 => unsafe { avx2(x, v, d, cp, inv) },
                    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                    Isa::Avx512 => unsafe { avx512(x, v, d, cp, inv) },
                    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
                    _ => body::<PORTABLE_FMA>(x, v, d, cp, inv),
                }
            }
        };
    }
    pair_loop!(silu, silu_pair);
    pair_loop!(gelu, gelu_pair);
}

/// The kinds of output checked: value, derivative, and a pair kernel's scaled derivative.
const KINDS: usize = 3;

/// The worst point of one (function, kind, build).
#[derive(Clone, Copy, Default)]
struct Worst {
    ulp: f64,
    x: f32,
    got: f32,
    want: f64,
    /// Points above the threshold (outside the root allowance).
    over: u64,
    /// The worst absolute error inside the root allowance, in eps.
    root_eps: f64,
    root_x: f32,
    /// Points in the root zone.
    root_points: u64,
}

impl Worst {
    /// One point's error `e` (ULP): counted above `threshold`, kept if the worst.
    fn add(&mut self, e: f64, x: f32, got: f32, want: f64, threshold: f64) {
        if e > threshold {
            self.over += 1;
        }
        if e > self.ulp {
            (self.ulp, self.x, self.got, self.want) = (e, x, got, want);
        }
    }

    fn merge(&mut self, o: &Worst) {
        if o.ulp > self.ulp || (self.ulp.is_nan() && !o.ulp.is_nan()) {
            (self.ulp, self.x, self.got, self.want) = (o.ulp, o.x, o.got, o.want);
        }
        if o.root_eps > self.root_eps {
            (self.root_eps, self.root_x) = (o.root_eps, o.root_x);
        }
        self.over += o.over;
        self.root_points += o.root_points;
    }
}

/// Inputs per thread and block.
const CHUNK: usize = 1 << 16;
/// The interior-root allowance: half-width around the root, largest |f'|, and absolute error.
const ROOT_HALF_WIDTH: f64 = 1.5;
const ROOT_MAX_DERIVATIVE: f64 = 0.25;
const ROOT_ABS_EPS: f64 = 8.0;

/// The name in the tables: a pair kernel's marked.
fn label(u: &Under) -> String {
    if u.pair {
        format!("{} (pair)", u.name)
    } else {
        u.name.to_string()
    }
}

fn isa_name(isa: Isa) -> &'static str {
    match isa {
        Isa::Portable => "portable",
        Isa::Avx2 => "avx2",
        Isa::Avx512 => "avx512",
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.stride == 0 {
        bail!("--stride must be at least 1");
    }
    let available = Isa::available();
    let isas: Vec<Isa> = if args.isa.is_empty() {
        available.clone()
    } else {
        let mut v = Vec::new();
        for name in &args.isa {
            let Some(&isa) = [Isa::Portable, Isa::Avx2, Isa::Avx512]
                .iter()
                .find(|&&i| isa_name(i) == name.trim().to_ascii_lowercase())
            else {
                bail!("unknown build {name:?}: use portable, avx2 or avx512");
            };
            if !available.contains(&isa) {
                bail!("this CPU cannot run the {name} build (it has {available:?})");
            }
            v.push(isa);
        }
        v
    };
    let all = builtins(args.scalar);
    for u in &all {
        if !REFERENCES.iter().any(|r| r.name == u.reference) {
            bail!(
                "no reference for {}: add it to act_benches::reference",
                u.reference
            );
        }
    }
    let chosen: Vec<(&Under, Reference)> = all
        .iter()
        .filter(|u| args.only.is_empty() || args.only.iter().any(|o| o == u.name))
        .map(|u| {
            (
                u,
                *REFERENCES.iter().find(|r| r.name == u.reference).unwrap(),
            )
        })
        .collect();
    if chosen.is_empty() {
        bail!(
            "--only names no built-in (names: {:?})",
            all.iter().map(|u| u.name).collect::<Vec<_>>()
        );
    }
    let roots: Vec<Option<f64>> = chosen.iter().map(|(_, r)| r.derivative_root()).collect();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let total = (1u64 << 32)
        .saturating_sub(args.offset)
        .div_ceil(args.stride);
    eprintln!(
        "{} inputs (stride {}, offset {}), {} built-ins x 2, builds {:?}, {threads} threads",
        total,
        args.stride,
        args.offset,
        chosen.len(),
        isas.iter().map(|&i| isa_name(i)).collect::<Vec<_>>()
    );

    // worst[f][kind][build]
    let n_fn = chosen.len();
    let worst = Mutex::new(vec![
        std::array::from_fn::<_, KINDS, _>(|_| vec![
            Worst::default();
            isas.len()
        ]);
        n_fn
    ]);
    let threshold = args.max_ulp.unwrap_or(4.0);
    let started = Instant::now();
    let block = (CHUNK * threads) as u64;
    let mut done = 0u64;
    let mut next_report = 0.0;
    while done < total {
        let len = block.min(total - done) as usize;
        let xs: Vec<f32> = (0..len as u64)
            .map(|j| f32::from_bits((args.offset + (done + j) * args.stride) as u32))
            .collect();
        // outputs[build][f][output]: value, derivative, and for a pair `c g'` and `1/c`. Each
        // build is forced in turn, process-wide, while every thread runs its part of the block.
        let mut outputs: Vec<Vec<[Vec<f32>; 4]>> = Vec::new();
        for &isa in &isas {
            dispatch::force(Some(isa))?;
            let mut per_fn: Vec<[Vec<f32>; 4]> = chosen
                .iter()
                .map(|(u, _)| {
                    let pair_len = if u.pair { len } else { 0 };
                    [
                        vec![0.0; len],
                        vec![0.0; len],
                        vec![0.0; pair_len],
                        vec![0.0; pair_len],
                    ]
                })
                .collect();
            std::thread::scope(|s| {
                for (f, out) in per_fn.iter_mut().enumerate() {
                    let (u, _) = chosen[f];
                    let [v, d, cp, inv] = out;
                    let xs = &xs;
                    s.spawn(move || (u.run)(xs, v, d, cp, inv));
                }
            });
            outputs.push(per_fn);
        }
        dispatch::force(None)?;
        // The references, once per input, split over the threads.
        std::thread::scope(|s| {
            for t in 0..threads {
                let lo = len * t / threads;
                let hi = len * (t + 1) / threads;
                let (xs, outputs, chosen, roots, worst) = (&xs, &outputs, &chosen, &roots, &worst);
                let n_builds = isas.len();
                s.spawn(move || {
                    let mut local = vec![
                        std::array::from_fn::<_, KINDS, _>(|_| vec![
                            Worst::default(
                            );
                            n_builds
                        ]);
                        n_fn
                    ];
                    for i in lo..hi {
                        let x = xs[i];
                        for (f, (u, r)) in chosen.iter().enumerate() {
                            for kind in 0..2 {
                                let func = if kind == 0 { r.value } else { r.derivative };
                                let want = at(func, x);
                                let in_root = kind == 1
                                    && roots[f].is_some_and(|x0| {
                                        (f64::from(x) - x0).abs() <= ROOT_HALF_WIDTH
                                            && want.abs() <= ROOT_MAX_DERIVATIVE
                                    });
                                for (b, out) in outputs.iter().enumerate() {
                                    let got = out[f][kind][i];
                                    let w = &mut local[f][kind][b];
                                    if in_root {
                                        w.root_points += 1;
                                        let abs =
                                            (f64::from(got) - want).abs() / f64::from(f32::EPSILON);
                                        let abs = if got.is_finite() { abs } else { f64::INFINITY };
                                        if abs > w.root_eps {
                                            (w.root_eps, w.root_x) = (abs, x);
                                        }
                                    } else {
                                        w.add(ulp_error(got, want), x, got, want, threshold);
                                    }
                                    // A pair's `c g'` against `c` times the reference, where
                                    // `c > 1` (never in a root zone: the lifts start far below
                                    // the roots), but for the kernel's zero below its clamp.
                                    let inv = if u.pair && kind == 1 {
                                        out[f][3][i]
                                    } else {
                                        1.0
                                    };
                                    if inv == 1.0 {
                                        continue;
                                    }
                                    let (got, want) = (out[f][2][i], want / f64::from(inv));
                                    if got == 0.0 && (want * f64::from(inv)) as f32 == 0.0 {
                                        continue;
                                    }
                                    let e = ulp_error(got, want);
                                    local[f][2][b].add(e, x, got, want, threshold);
                                }
                            }
                        }
                    }
                    let mut g = worst.lock().unwrap();
                    for (gf, lf) in g.iter_mut().zip(&local) {
                        for k in 0..KINDS {
                            for (gb, lb) in gf[k].iter_mut().zip(&lf[k]) {
                                gb.merge(lb);
                            }
                        }
                    }
                });
            }
        });
        done += len as u64;
        let frac = done as f64 / total as f64;
        if frac >= next_report {
            eprintln!(
                "{:5.1}% after {:.0} s",
                100.0 * frac,
                started.elapsed().as_secs_f64()
            );
            next_report += 0.05;
        }
    }
    let worst = worst.into_inner().unwrap();
    println!(
        "{} methods. {} f32 inputs (every {} from bit pattern {}), {:.0} s. Worst error in ULPs of f32 against \
         the f64 reference, and where; `> {threshold}`: points above {threshold} ULP; root zone: worst \
         absolute error in eps where the interior-root allowance applies (limit {ROOT_ABS_EPS}).\n",
        if args.scalar { "Scalar" } else { "Slice" },
        total,
        args.stride,
        args.offset,
        started.elapsed().as_secs_f64()
    );
    println!(
        "| function | build | value ULP | at x | > {threshold} | derivative ULP | at x | > {threshold} | root zone (eps) | at x |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for (f, (u, _)) in chosen.iter().enumerate() {
        for (b, &isa) in isas.iter().enumerate() {
            let (v, d) = (&worst[f][0][b], &worst[f][1][b]);
            let root = if d.root_points > 0 {
                format!("{:.2} | {:e}", d.root_eps, d.root_x)
            } else {
                "— | —".into()
            };
            println!(
                "| {} | {} | {:.3} | {:e} | {} | {:.3} | {:e} | {} | {root} |",
                label(u),
                isa_name(isa),
                v.ulp,
                v.x,
                v.over,
                d.ulp,
                d.x,
                d.over,
            );
            let over = v.ulp > threshold || d.ulp > threshold || d.root_eps > ROOT_ABS_EPS;
            if over && args.known.iter().any(|k| k == u.name) {
                eprintln!(
                    "{} ({}): above the bound, known (--known)",
                    u.name,
                    isa_name(isa)
                );
            } else if over {
                eprintln!("{} ({}): above the bound", u.name, isa_name(isa));
                failed = true;
            }
        }
    }
    if chosen.iter().any(|(u, _)| u.pair) {
        println!(
            "\nPair kernels: `c g'(a)` against `c` times the reference where `c > 1` (not \
             checked against --max-ulp):\n"
        );
        println!("| function | build | scaled derivative ULP | at x | > {threshold} |");
        println!("|---|---|---:|---:|---:|");
        for (f, (u, _)) in chosen.iter().enumerate().filter(|(_, (u, _))| u.pair) {
            for (b, &isa) in isas.iter().enumerate() {
                let w = &worst[f][2][b];
                println!(
                    "| {} | {} | {:.3} | {:e} | {} |",
                    label(u),
                    isa_name(isa),
                    w.ulp,
                    w.x,
                    w.over
                );
            }
        }
    }
    println!("\nWorst points (act's value against the reference):\n");
    for (f, (u, _)) in chosen.iter().enumerate() {
        for (b, &isa) in isas.iter().enumerate() {
            for (k, kind) in ["value", "derivative", "scaled derivative"]
                .iter()
                .enumerate()
            {
                let w = &worst[f][k][b];
                if w.ulp > 1.0 {
                    println!(
                        "- {} {kind}, {}: x = {:e} ({:#010x}): act {:e}, reference {:e}, {:.3} ULP",
                        label(u),
                        isa_name(isa),
                        w.x,
                        w.x.to_bits(),
                        w.got,
                        w.want,
                        w.ulp
                    );
                }
            }
        }
    }
    if args.max_ulp.is_some() && failed {
        eprintln!(
            "FAILED: an error exceeds {threshold} ULP (or {ROOT_ABS_EPS} eps in a root zone)"
        );
        std::process::exit(1);
    }
    Ok(())
}
