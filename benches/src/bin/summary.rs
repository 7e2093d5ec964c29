//! Prints the markdown table of act's throughput from criterion's output, next to the naive
//! formula and, given their output files, the peers (JAX, PyTorch, ONNX Runtime, NumPy), with
//! the ratios.
//!
//! ```text
//! cargo run -p act-benches --release --bin summary -- \
//!     [--criterion DIR] [--peers benches/peers/runs/FILE.txt]...
//! ```
//!
//! `DIR` defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion`. Each benchmark's
//! latest run (`*/new/benchmark.json` and `estimates.json`) gives one figure: elements per
//! nanosecond at the median time per iteration. Peer files are the output of
//! `benches/peers/throughput.py`, a first line `# ... n=N dtype=float32 ...` and then
//! `PEER FUNCTION DIRECTION ELEMENTS_PER_NS` lines; given several runs of the same setting,
//! the table shows the median of their figures. The scalar benches (`benches/scalar.rs`,
//! groups `scalar/NAME/DIRECTION` and `scalar-unvectorised/NAME/DIRECTION`) appear as
//! activations `NAME (scalar)` and `NAME (scalar, unvectorised)`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::Value;

/// The table's order; activations not listed here come after, alphabetically.
const ACTIVATIONS: [&str; 15] = [
    "sigmoid",
    "tanh",
    "softmax",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "swish",
    "gelu",
    "gelu_tanh",
    "softplus",
    "mish",
    "hard_sigmoid",
    "hard_swish",
    "linear",
];

#[derive(Parser)]
#[command(about = "Markdown table of act's throughput vs the naive loop and the peers")]
struct Args {
    /// Criterion's output directory [default: $CARGO_TARGET_DIR/criterion or target/criterion].
    #[arg(long)]
    criterion: Option<PathBuf>,
    /// Output of `benches/peers/throughput.py` (repeatable), with a `# ... n=N dtype=D` first
    /// line.
    #[arg(long)]
    peers: Vec<PathBuf>,
    /// act's figures from `medians` (median of single calls, as the peer script times the
    /// peers) instead of criterion's (repeatable: the median of the files); criterion still
    /// gives the naive loops and the scalar rows.
    #[arg(long)]
    act_medians: Vec<PathBuf>,
}

/// What one row is about.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    activation: (usize, String),
    /// 0 forward, 1 backward, 2 derivative.
    direction: (u8, String),
    dtype: String,
    size: u64,
}

impl Key {
    fn new(activation: &str, direction: &str, dtype: &str, size: u64) -> Self {
        let rank = ACTIVATIONS
            .iter()
            .position(|&a| a == activation)
            .unwrap_or(ACTIVATIONS.len());
        let direction_rank = match direction {
            "forward" => 0,
            "backward" => 1,
            _ => 2,
        };
        Key {
            activation: (rank, activation.to_owned()),
            direction: (direction_rank, direction.to_owned()),
            dtype: dtype.to_owned(),
            size,
        }
    }
}

/// Elements per nanosecond by implementation (`act`, `naive`, `jax`, `numpy`).
type Row = BTreeMap<String, f64>;

fn main() -> Result<()> {
    let args = Args::parse();
    let dir = args.criterion.unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
        PathBuf::from(target).join("criterion")
    });
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    let mut found = Vec::new();
    if dir.exists() {
        collect_benchmarks(&dir, &mut found)
            .with_context(|| format!("reading criterion output in {}", dir.display()))?;
    }
    if found.is_empty() {
        // With `--act-medians` the table needs no criterion output: only its naive and scalar
        // rows come from there.
        if args.act_medians.is_empty() {
            bail!(
                "no benchmark results under {} (run `cargo bench -p act-benches` first, or \
                 give act's figures with --act-medians)",
                dir.display()
            );
        }
        eprintln!(
            "note: no criterion results under {}: the table has no naive loops and no scalar \
             rows (`cargo bench -p act-benches` writes them)",
            dir.display()
        );
    }
    for new_dir in found {
        let (key, who, elements_per_ns) =
            read_benchmark(&new_dir).with_context(|| format!("reading {}", new_dir.display()))?;
        rows.entry(key).or_default().insert(who, elements_per_ns);
    }
    // A peer run is short (15 calls) and noisy on a shared machine: given several files for
    // the same setting, the table shows the median of their figures.
    let mut peer_runs: BTreeMap<(Key, String), Vec<f64>> = BTreeMap::new();
    let mut peers = Vec::new();
    for file in &args.peers {
        let found = read_peers(file, &mut peer_runs)
            .with_context(|| format!("reading {}", file.display()))?;
        for peer in found {
            if !peers.contains(&peer) {
                peers.push(peer);
            }
        }
    }
    for ((key, peer), runs) in peer_runs {
        rows.entry(key).or_default().insert(peer, median(runs));
    }
    if !args.act_medians.is_empty() {
        // Replaces criterion's act figures for the slice methods.
        for (key, row) in rows.iter_mut() {
            if !key.activation.1.contains("(scalar") {
                row.remove("act");
            }
        }
        let mut runs = BTreeMap::new();
        for file in &args.act_medians {
            read_peers(file, &mut runs).with_context(|| format!("reading {}", file.display()))?;
        }
        for ((key, who), v) in runs {
            if who == "act" {
                rows.entry(key).or_default().insert(who, median(v));
            }
        }
    }
    print!("{}", table(&rows, &peers));
    Ok(())
}

/// Every `new` directory holding a `benchmark.json` below `dir`.
fn collect_benchmarks(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        // `base` and `change` hold older runs; `report` holds no data.
        if path.file_name().is_some_and(|n| n == "new") {
            if path.join("benchmark.json").is_file() {
                found.push(path);
            }
        } else {
            collect_benchmarks(&path, found)?;
        }
    }
    Ok(())
}

/// One benchmark: ids `ACTIVATION/DIRECTION/IMPL-DTYPE/SIZE` as `benches/activations.rs`
/// names them.
fn read_benchmark(new_dir: &Path) -> Result<(Key, String, f64)> {
    let benchmark = read_json(&new_dir.join("benchmark.json"))?;
    let estimates = read_json(&new_dir.join("estimates.json"))?;
    let field = |v: &Value, name: &str| -> Result<String> {
        v.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .context(format!("no {name}"))
    };
    let group = field(&benchmark, "group_id")?;
    let function = field(&benchmark, "function_id")?;
    // The scalar benches: `scalar/NAME/DIRECTION` (in `mapv`) and
    // `scalar-unvectorised/NAME/DIRECTION`.
    let (suffix, group) = if let Some(rest) = group.strip_prefix("scalar/") {
        (" (scalar)", rest.to_owned())
    } else if let Some(rest) = group.strip_prefix("scalar-unvectorised/") {
        (" (scalar, unvectorised)", rest.to_owned())
    } else {
        ("", group)
    };
    let (activation, direction) = group
        .split_once('/')
        .context("group is not NAME/DIRECTION")?;
    let activation = format!("{activation}{suffix}");
    let (who, dtype) = function
        .split_once('-')
        .context("function is not IMPL-DTYPE")?;
    let elements = benchmark
        .pointer("/throughput/Elements")
        .and_then(Value::as_u64)
        .context("no Throughput::Elements")?;
    let median_ns = estimates
        .pointer("/median/point_estimate")
        .and_then(Value::as_f64)
        .context("no median estimate")?;
    let key = Key::new(&activation, direction, dtype, elements);
    Ok((key, who.to_owned(), elements as f64 / median_ns))
}

fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Adds a peer file's figures to `runs`; returns the peers it names.
fn read_peers(file: &Path, runs: &mut BTreeMap<(Key, String), Vec<f64>>) -> Result<Vec<String>> {
    let text = fs::read_to_string(file)?;
    let header = text
        .lines()
        .next()
        .filter(|l| l.starts_with('#'))
        .context("no `#` header")?;
    let setting = |name: &str| {
        header
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
            .with_context(|| format!("no {name}= in the header"))
    };
    let size: u64 = setting("n")?.parse().context("n= is not a number")?;
    let dtype = match setting("dtype")? {
        "float32" => "f32",
        "float64" => "f64",
        other => bail!("unknown dtype {other}"),
    };
    // `naming=act`: the functions go by act's names (`gelu` is the erf form); files written
    // before the key was renamed say `names=act`.
    let act_names = header
        .split_whitespace()
        .any(|w| w == "naming=act" || w == "names=act");
    let mut peers = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [peer, name, direction, value] = words[..] else {
            bail!("line {line:?} is not `PEER NAME DIRECTION VALUE`");
        };
        let value: f64 = value
            .parse()
            .with_context(|| format!("value in {line:?}"))?;
        // JAX's `derivative` is vmap(grad(f)): f'(x) alone, act's derivative_slice;
        // the issue's goals also compare it with backward_slice (which reads grad_y as well).
        // The old script's jax `gelu` is the tanh approximation; `throughput.py` (header
        // `naming=act`) uses act's names.
        // PyTorch's softmax-family backward reads the saved output: it sits beside act's
        // `backward_from_output` (the like-for-like pair), not `backward_slice`, which reads x.
        let from_output = ["softmax", "log_softmax", "softmin"].contains(&name);
        let directions: &[&str] = if direction == "derivative" && peer == "jax" {
            &["derivative", "backward"]
        } else if direction == "backward" && peer == "torch" && from_output && act_names {
            &["backward_from_output"]
        } else {
            &[direction]
        };
        let name = if peer == "jax" && name == "gelu" && !act_names {
            "gelu_tanh"
        } else {
            name
        };
        for direction in directions {
            let key = Key::new(name, direction, dtype, size);
            runs.entry((key, peer.to_owned())).or_default().push(value);
        }
        if !peers.iter().any(|p| p == peer) {
            peers.push(peer.to_owned());
        }
    }
    Ok(peers)
}

/// The markdown table: rows with an act figure only (peer sizes act was not run at are left
/// out, e.g. 1000000 vs 1048576, see `same_size`).
fn table(rows: &BTreeMap<Key, Row>, peers: &[String]) -> String {
    let mut out = String::from(
        "| activation | direction | dtype | size | act el/ns | naive el/ns | act/naive |",
    );
    for peer in peers {
        out += &format!(" {peer} el/ns | act/{peer} |");
    }
    out += "\n|---|---|---|---:|---:|---:|---:|";
    out += &"---:|---:|".repeat(peers.len());
    out += "\n";
    for (key, row) in rows {
        let Some(&act) = row.get("act") else { continue };
        let naive = row.get("naive").copied();
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            key.activation.1,
            key.direction.1,
            key.dtype,
            key.size,
            number(Some(act)),
            number(naive),
            ratio(Some(act), naive),
        );
        for peer in peers {
            let theirs = row
                .get(peer)
                .copied()
                .or_else(|| same_size(rows, key, peer));
            out += &format!(" {} | {} |", number(theirs), ratio(Some(act), theirs));
        }
        out += "\n";
    }
    out
}

/// A peer's figure at a size within 5% of `key.size`: the peer script takes round sizes
/// (1000000, 65536) and the benches powers of two (1048576, 65536).
fn same_size(rows: &BTreeMap<Key, Row>, key: &Key, peer: &str) -> Option<f64> {
    rows.iter()
        .filter(|(k, _)| {
            k.activation == key.activation
                && k.direction == key.direction
                && k.dtype == key.dtype
                && (k.size as f64 / key.size as f64 - 1.0).abs() < 0.05
        })
        .find_map(|(_, r)| r.get(peer).copied())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.3}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", a / b),
        _ => "—".into(),
    }
}
