"""Interleaved A/B of two builds of `medians` (benches/src/bin/medians.rs): runs OLD then NEW,
ROUNDS times, each pinned to core 1 with `taskset -c 1`, and prints per figure the median
el/ns of each and the median (min, max) of the per-round ratios new/old, with the load
average at the end.

    python3 scripts/ab_medians.py OLD/medians NEW/medians [ROUNDS] [ONLY]

ROUNDS defaults to 5, ONLY (`--only` of `medians`, comma-separated) to `tanh,sigmoid`. Build
OLD from another tree (`git archive COMMIT | tar -x -C DIR`, then `cargo build -p act-benches
--release --bin medians` there).
"""
import statistics
import subprocess
import sys


def run(binary, only):
    out = subprocess.run(
        ["taskset", "-c", "1", binary, "--only", only, "--reps", "25"],
        capture_output=True, text=True, check=True,
    ).stdout
    rates = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "act":
            rates[(parts[1], parts[2])] = float(parts[3])
    return rates


def main():
    old, new = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    only = sys.argv[4] if len(sys.argv) > 4 else "tanh,sigmoid"
    olds, news, ratios = {}, {}, {}
    for _ in range(rounds):
        a, b = run(old, only), run(new, only)
        for k in a:
            olds.setdefault(k, []).append(a[k])
            news.setdefault(k, []).append(b[k])
            ratios.setdefault(k, []).append(b[k] / a[k])
    for k in sorted(ratios):
        r = ratios[k]
        print(
            f"{k[0]:12s} {k[1]:11s} old {statistics.median(olds[k]):6.3f}  new {statistics.median(news[k]):6.3f}"
            f"  new/old {statistics.median(r):.3f} ({min(r):.3f}-{max(r):.3f})"
        )
    print("load:", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
