//! The slice loops that `activation!` generates are vectorised in their AVX2 and AVX-512
//! builds: each has a loop of packed instructions at the build's width (`ymm`, `zmm`), and no
//! loop calls a function. (The vector activations' builds for inputs of at most 16 and 64
//! elements may be straight-line code instead of a loop, with packed instructions all the
//! same.) A regression there passes every accuracy test and costs 10x or more
//! (Mish's derivative once ran scalar because LLVM kept its closure out of line), so this
//! test reads the machine code of its own binary with `objdump` (binutils, which gcc brings).
//!
//! The generic slice methods are compiled in the crate that calls them, this one, which the
//! workspace manifest builds with optimisations even under `cargo test`
//! (`[profile.dev.package.act-benches]`). x86-64 only: it reads x86 machine code.
#![cfg(target_arch = "x86_64")]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::Command;

use act_core::prelude::*;

/// Calls every slice method of `a` for `F`, so that all its builds are compiled in.
fn elementwise<A: Elementwise, F: Float>(a: &A) {
    let x: Vec<F> = (0..64).map(|i| F::from_f64(i as f64 / 8.0 - 4.0)).collect();
    let mut y = vec![F::from_f64(0.0); x.len()];
    let mut g = y.clone();
    a.forward_slice(black_box(&x), &mut y);
    a.backward_slice(black_box(&x), black_box(&y), &mut g);
    a.derivative_slice(black_box(&x), &mut g);
    a.forward_in_place(&mut y);
    black_box((y, g));
}

/// Each slice method on rows of 16, 32 and 320 elements: its builds for short, medium and long
/// inputs.
fn vector<A: VectorActivation, F: Float>(a: &A) {
    let x: Vec<F> = (0..320)
        .map(|i| F::from_f64(i as f64 / 40.0 - 4.0))
        .collect();
    let mut y = vec![F::from_f64(0.0); x.len()];
    let mut g = y.clone();
    // The slice methods, and the batched ones (a build of their own since they are
    // dispatched once per batch).
    a.forward_slice(black_box(&x), &mut y);
    a.backward_slice(black_box(&x), black_box(&y), &mut g);
    for cols in [16, 32, 320] {
        a.forward_rows(black_box(&x), cols, &mut y);
        a.backward_rows(black_box(&x), cols, black_box(&y), &mut g);
    }
    black_box((y, g));
}

/// Exercises every built-in (all slice methods, both types); returns their type names.
fn exercise_all() -> Vec<&'static str> {
    macro_rules! exercise {
        (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {{
            $(
                elementwise::<_, f32>(&$e::default());
                elementwise::<_, f64>(&$e::default());
            )*
            $(
                vector::<_, f32>(&$v::default());
                vector::<_, f64>(&$v::default());
            )*
            vec![$(stringify!($e)),*, $(stringify!($v)),*]
        }};
    }
    act_core::__for_each_builtin!(exercise)
}

/// One instruction: its address and text (mnemonic and operands).
type Insn = (u64, String);

/// The functions of this binary whose (demangled) name ends in `_avx2` or `_avx512` and
/// contains `__act_`, each instance with its instructions. Generic instances share a name.
fn dispatched_functions() -> BTreeMap<String, Vec<Vec<Insn>>> {
    functions(|name| {
        name.contains("__act_") && (name.ends_with("_avx2") || name.ends_with("_avx512"))
    })
}

/// The functions of this binary whose (demangled) name passes `wanted`, each instance with its
/// instructions.
fn functions(wanted: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<Vec<Insn>>> {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new("objdump")
        .args(["-d", "--no-show-raw-insn", "-C"])
        .arg(&exe)
        .output()
        .unwrap_or_else(|e| {
            panic!("this test runs `objdump` (binutils) on its own binary, and could not: {e}")
        });
    assert!(
        out.status.success(),
        "objdump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let got = got_targets(&exe, &text);
    let mut found: BTreeMap<String, Vec<Vec<Insn>>> = BTreeMap::new();
    let mut current: Option<(String, Vec<Insn>)> = None;
    let mut finish = |current: &mut Option<(String, Vec<Insn>)>| {
        if let Some((name, body)) = current.take() {
            found.entry(name).or_default().push(body);
        }
    };
    for line in text.lines() {
        // A function starts with `0000000000012345 <name>:`.
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")) {
            finish(&mut current);
            let name = name.1;
            if wanted(name) {
                current = Some((name.to_string(), Vec::new()));
            }
            continue;
        }
        let Some((_, body)) = current.as_mut() else {
            continue;
        };
        // An instruction is `  12345:\tmnemonic operands`.
        let mut parts = line.splitn(2, ":\t");
        let (Some(addr), Some(insn)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let Ok(addr) = u64::from_str_radix(addr.trim(), 16) {
            body.push((addr, name_register_call(insn.trim(), body, &got)));
        }
    }
    finish(&mut current);
    found
}

/// [`name_got_call`], and a call through a register (`call *%rbp`) named as the function the
/// register was last loaded with in `body` (`mov 0x..(%rip),%rbp  # .. <memcpy@GLIBC_2.14>`:
/// LLVM keeps a function called several times in a register), so that such a `memcpy` is
/// told from an unknown call.
fn name_register_call(insn: &str, body: &[Insn], got: &BTreeMap<u64, String>) -> String {
    let insn = name_got_call(insn, got);
    let Some(reg) = insn
        .strip_prefix("call")
        .map(str::trim)
        .and_then(|r| r.strip_prefix('*'))
        .filter(|r| r.starts_with('%') && !r.contains('('))
    else {
        return insn;
    };
    let loaded = body.iter().rev().find_map(|(_, i)| {
        let (ops, comment) = i.strip_prefix("mov")?.split_once("# ")?;
        (ops.trim().rsplit(',').next()? == reg).then_some(comment)
    });
    match loaded.and_then(|c| c.split_once('<')) {
        Some((_, name)) => format!("{insn}  # <{}", name.split('@').next().unwrap_or(name)),
        None => insn,
    }
}

/// What the slots of the global offset table hold, by slot address: the function at the
/// address a relative relocation stores there, or the symbol a dynamic one names. A
/// position-independent binary calls through these slots (`call *0x1234(%rip)`), and objdump
/// names such a call only by the slot (`<_DYNAMIC+0x410>`).
fn got_targets(exe: &std::path::Path, disassembly: &str) -> BTreeMap<u64, String> {
    let mut functions = BTreeMap::new();
    for line in disassembly.lines() {
        if let Some((addr, name)) = line.strip_suffix(">:").and_then(|l| l.split_once(" <"))
            && let Ok(addr) = u64::from_str_radix(addr.trim(), 16)
        {
            functions.insert(addr, name.to_string());
        }
    }
    let out = Command::new("objdump")
        .arg("-R")
        .arg(exe)
        .output()
        .expect("objdump -R");
    let mut slots = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut fields = line.split_whitespace();
        let (Some(slot), Some(kind), Some(value)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(slot) = u64::from_str_radix(slot, 16) else {
            continue;
        };
        let target = match value.strip_prefix("*ABS*+0x") {
            Some(addend) if kind == "R_X86_64_RELATIVE" => u64::from_str_radix(addend, 16)
                .ok()
                .and_then(|a| functions.get(&a).cloned()),
            _ => Some(value.split('@').next().unwrap_or(value).to_string()),
        };
        if let Some(target) = target {
            slots.insert(slot, target);
        }
    }
    slots
}

/// `call *0x..(%rip)  # slot <_DYNAMIC+..>` with the slot's function named instead:
/// `call *0x..(%rip)  # slot <act_core::checks::len_mismatch>`.
fn name_got_call(insn: &str, got: &BTreeMap<u64, String>) -> String {
    if insn.starts_with("call")
        && let Some((head, comment)) = insn.split_once("# ")
    {
        let slot = comment.split_whitespace().next().unwrap_or("");
        if let Some(name) = u64::from_str_radix(slot, 16).ok().and_then(|a| got.get(&a)) {
            return format!("{head}# {slot} <{name}>");
        }
    }
    insn.to_string()
}

/// Calls that do not return (panics), so that the instructions after them are not their
/// successors.
fn no_return(insn: &str) -> bool {
    insn.starts_with("call")
        && [
            "panic",
            "len_mismatch",
            "rows_mismatch",
            "_fail",
            "unwrap_failed",
        ]
        .iter()
        .any(|p| insn.contains(p))
}

/// The loops of a function: for each backward jump (the latch) to a target (the header), the
/// instructions from which the latch can be reached without passing the header, as a
/// compiler's natural loop. Code laid out between the two but not on such a path (a panic, a
/// one-time set-up that LLVM placed there) is not in the loop.
fn loops(body: &[Insn]) -> Vec<Vec<&Insn>> {
    let index: BTreeMap<u64, usize> = body.iter().enumerate().map(|(i, (a, _))| (*a, i)).collect();
    let target = |insn: &str| {
        insn.split_whitespace()
            .nth(1)
            .and_then(|t| u64::from_str_radix(t, 16).ok())
            .and_then(|t| index.get(&t).copied())
    };
    // Predecessors of each instruction.
    let mut preds = vec![Vec::new(); body.len()];
    for (i, (_, insn)) in body.iter().enumerate() {
        let jump = insn.starts_with('j');
        if jump && let Some(t) = target(insn) {
            preds[t].push(i);
        }
        let ends = insn.starts_with("jmp") || insn.starts_with("ret") || insn.starts_with("ud2");
        if !ends && !no_return(insn) && i + 1 < body.len() {
            preds[i + 1].push(i);
        }
    }
    let mut out = Vec::new();
    for (latch, (addr, insn)) in body.iter().enumerate() {
        if !insn.starts_with('j') {
            continue;
        }
        let Some(header) = target(insn).filter(|&h| body[h].0 <= *addr) else {
            continue;
        };
        let mut member = vec![false; body.len()];
        member[header] = true;
        let mut stack = vec![latch];
        while let Some(i) = stack.pop() {
            if !member[i] {
                member[i] = true;
                stack.extend(preds[i].iter().copied());
            }
        }
        // The search reached the entry past the header: the header does not dominate the
        // latch, so this backward jump is a merge of paths laid out earlier, not a loop.
        if member[0] && header != 0 {
            continue;
        }
        out.push(
            body.iter()
                .zip(&member)
                .filter(|(_, m)| **m)
                .map(|(i, _)| i)
                .collect(),
        );
    }
    out
}

/// Whether `insn` is a packed floating-point instruction on registers of class `reg` (a
/// scalar loop has `ss`/`sd` forms on `xmm` instead).
fn packed(insn: &str, reg: &str) -> bool {
    let mnemonic = insn.split_whitespace().next().unwrap_or("");
    mnemonic.starts_with('v')
        && (mnemonic.ends_with("ps") || mnemonic.ends_with("pd"))
        && insn.contains(reg)
}

/// Functions a loop may call, off the hot path: the limit fix-ups (`limit`, `limit_cold`,
/// `fix_limits`), which run only where a result came out NaN from an input that is not
/// (`x sigmoid(x)` at -inf), the length checks' panics, and the sum of a dead segment of a
/// long softmax row (`nan_or_zero`: entries at -inf before the first finite one, called at
/// most once per row from the loop over the row's segments, not from the loop over its
/// elements).
const COLD_PATHS: [&str; 4] = [
    "<act_core::loops::limit",
    "<act_core::loops::fix_limits",
    "<act_core::checks::",
    "<act_core::lanes::online::nan_or_zero",
];

/// Whether `insn` calls something other than the [`COLD_PATHS`].
fn hot_call(insn: &str) -> bool {
    insn.starts_with("call") && !COLD_PATHS.iter().any(|p| insn.contains(p))
}

/// What is wrong with one instance of a dispatched slice function, if anything.
fn check(name: &str, body: &[Insn]) -> Option<String> {
    let reg = if name.ends_with("_avx512") {
        "%zmm"
    } else {
        "%ymm"
    };
    let loops = loops(body);
    if let Some((_, call)) = loops
        .iter()
        .flat_map(|l| l.iter())
        .find(|(_, i)| hot_call(i))
    {
        return Some(format!("a loop calls a function: {call}"));
    }
    let vector_loop = |l: &Vec<&Insn>| {
        l.iter().any(|(_, i)| packed(i, reg)) && !l.iter().any(|(_, i)| i.starts_with("call"))
    };
    if loops.iter().any(vector_loop) {
        return None;
    }
    // The builds for short inputs (`__act_*_short_*` and `__act_*_medium_*`, at most 16 and
    // 64 elements) may work on whole registers in straight-line code (LLVM unrolls loops of
    // at most 64 iterations); nothing in them may call out but to panic.
    // A `memset`/`memcpy` outside every loop zeroes or copies the lane accumulators of a
    // declaration with many sums (log-softmax's backward has four at one level): once per row,
    // not per element.
    if name.contains("_short_") || name.contains("_medium_") {
        let setup = |i: &str| i.contains("<memset") || i.contains("<memcpy");
        if let Some((_, call)) = body
            .iter()
            .find(|(_, i)| hot_call(i) && !no_return(i) && !setup(i))
        {
            return Some(format!("calls a function: {call}"));
        }
        if body.iter().any(|(_, i)| packed(i, reg)) {
            return None;
        }
    }
    // A plain copy (the identity's forward) is a `memcpy` (tail) call, not a loop.
    if loops.is_empty() && body.iter().any(|(_, i)| i.contains("<memcpy")) {
        return None;
    }
    Some(format!(
        "no loop of packed {reg} instructions without calls ({} loops)",
        loops.len()
    ))
}

#[test]
fn generated_slice_loops_are_vectorised() {
    let activations = exercise_all();
    let functions = dispatched_functions();
    // Every activation's forward and backward slice loops, in both builds, are in the binary
    // (some other methods may be folded into identical code: Softplus' derivative is
    // Sigmoid's forward; Linear's in-place forward does nothing).
    let names: Vec<&String> = functions.keys().collect();
    for a in activations {
        for method in ["forward_slice", "backward_slice"] {
            for build in ["avx2", "avx512"] {
                // The built-ins live in submodules of `builtins` (`builtins::more::Celu`).
                let name = format!("::{a}::__act_{method}_{build}");
                assert!(
                    functions
                        .keys()
                        .any(|k| k.starts_with("act_core::builtins::") && k.ends_with(&name)),
                    "act_core::builtins::..{name} is not in this binary: {names:?}"
                );
            }
        }
    }
    let mut problems = Vec::new();
    let mut instances = 0;
    for (name, bodies) in &functions {
        for body in bodies {
            instances += 1;
            if let Some(p) = check(name, body) {
                problems.push(format!("{name}: {p}"));
            }
        }
    }
    println!("{} functions, {instances} instances checked", names.len());
    assert!(
        problems.is_empty(),
        "not vectorised:\n{}",
        problems.join("\n")
    );
}

/// A caller's plain loop of the scalar methods, as `ndarray`'s `mapv` or an iterator
/// `map(..).collect()` runs it: f32 sigmoid and swish (value and derivative) inline into it
/// with neither a call nor a branch, so the compiler vectorises it. (GELU-tanh's scalar methods
/// also inline, but keep a limit check that calls out at -∞, so their loops are not.)
/// (Swish's limit at -∞ once was a check with a call off a branch in every call, which kept
/// such loops one element at a time, at 0.64x the naive formula's speed.)
macro_rules! one_element_loops {
    ($($name:ident: $act:expr, $method:ident;)*) => {
        $(
            #[inline(never)]
            fn $name(x: &[f32], y: &mut [f32]) {
                for (y, &v) in y.iter_mut().zip(x) {
                    *y = $act.$method(v);
                }
            }
        )*
        /// Runs each loop once (so that it is in the binary); returns their names.
        fn run_one_element_loops() -> Vec<&'static str> {
            let x: Vec<f32> = (0..64).map(|i| i as f32 / 8.0 - 4.0).collect();
            let mut y = vec![0.0f32; x.len()];
            $( black_box($name as fn(&[f32], &mut [f32]))(black_box(&x), &mut y); )*
            black_box(&y);
            vec![$(stringify!($name)),*]
        }
    };
}

one_element_loops! {
    loop_of_sigmoid_forward: Sigmoid, forward;
    loop_of_sigmoid_derivative: Sigmoid, derivative;
    loop_of_swish_forward: Swish, forward;
    loop_of_swish_derivative: Swish, derivative;
}

#[test]
fn loops_of_the_sigmoid_familys_scalar_methods_are_vectorised() {
    let names = run_one_element_loops();
    let found = functions(|name| name.contains("::loop_of_"));
    let mut problems = Vec::new();
    for name in names {
        let bodies = found
            .iter()
            .find(|(k, _)| k.ends_with(&format!("::{name}")))
            .map(|(_, b)| b)
            .unwrap_or_else(|| panic!("{name} is not in this binary: {:?}", found.keys()));
        for body in bodies {
            // Each one-element kernel rounds an `f64` quotient to `f32` once: a packed
            // division (`divpd`, `vdivpd` under wider target features) in a loop without calls
            // is the vectorised loop; the loop one element at a time has `divsd`.
            let vectorised = loops(body).iter().any(|l| {
                l.iter()
                    .any(|(_, i)| i.starts_with("divpd") || i.starts_with("vdivpd"))
                    && !l.iter().any(|(_, i)| i.starts_with("call"))
            });
            if !vectorised {
                problems.push(name);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "loops of one-element calls not vectorised: {problems:?}"
    );
}

/// The most loops of packed instructions at the build's width without calls in one instance
/// of the dispatched function `::{act}::__act_{method}_{build}` (a built-in).
fn packed_loops(
    functions: &BTreeMap<String, Vec<Vec<Insn>>>,
    act: &str,
    method: &str,
    build: &str,
) -> usize {
    let name = format!("::{act}::__act_{method}_{build}");
    let (_, bodies) = functions
        .iter()
        .find(|(k, _)| k.starts_with("act_core::builtins::") && k.ends_with(&name))
        .unwrap_or_else(|| panic!("act_core::builtins::..{name} is not in this binary"));
    let reg = if build == "avx512" { "%zmm" } else { "%ymm" };
    bodies
        .iter()
        .map(|body| {
            loops(body)
                .iter()
                .filter(|l| {
                    l.iter().any(|(_, i)| packed(i, reg))
                        && !l.iter().any(|(_, i)| i.starts_with("call"))
                })
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// An activation with a product by a parameter rounded once (SELU, CELU, leaky ReLU, PReLU)
/// has two forward loops, the plain one and the one rounding once, chosen once per call by the
/// parameter: both are packed at the build's width (the `f32` instance has two such loops;
/// ELU's forward, with one loop, has one).
#[test]
fn both_loops_of_a_parameter_choice_are_vectorised() {
    exercise_all();
    let functions = dispatched_functions();
    let mut problems = Vec::new();
    for build in ["avx2", "avx512"] {
        for method in ["forward_slice", "forward_in_place"] {
            for act in ["Selu", "Celu", "LeakyRelu", "PRelu"] {
                let n = packed_loops(&functions, act, method, build);
                if n < 2 {
                    problems.push(format!("{act} {method} {build}: {n} packed loop(s)"));
                }
            }
            let n = packed_loops(&functions, "Elu", method, build);
            assert_eq!(n, 1, "Elu {method} {build}: the count is not one per loop");
        }
    }
    assert!(
        problems.is_empty(),
        "a parameter choice's loop not vectorised:\n{}",
        problems.join("\n")
    );
}
