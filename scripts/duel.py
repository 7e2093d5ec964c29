"""act against its peers on a few figures, interleaved round by round: the like-for-like
ratios where a whole-suite run is too noisy to decide (the softmax family at 1M moves by 1.4x
between runs of the same binary on this shared machine, the L3 being shared with other
tenants).

    cargo build -p act-benches --release --bin medians
    python3 scripts/duel.py target/release/medians .peers/bin/python \\
        --only log_softmax,softmax,softmin --rounds 9

Each round runs `medians --only ONLY` and then `benches/peers/throughput.py --only ONLY`, both
pinned to core 1 (`--core none` leaves them where they are), with the same `--n`. For every
act figure and every peer figure it is compared with (the pairs of `summary`: forward with
forward, `derivative` with JAX's `vmap(grad(f))`, `backward` with PyTorch's `backward` where
PyTorch reads the input, and for the softmax family `backward_from_output` with PyTorch's
backward, which reads the saved output), it prints the median el/ns of each side and the
median (min-max) of the per-round ratios act/peer, then the load average.
"""

import argparse
import os
import statistics
import subprocess

SOFTMAX_FAMILY = {"softmax", "log_softmax", "softmin"}


def pinned(core, argv):
    return argv if core == "none" else ["taskset", "-c", core, *argv]


def rates(argv, want_first):
    """{(peer, name, direction): el/ns} of one run whose lines are `PEER NAME DIRECTION EL/NS`
    (medians prints `act` and `naive` lines; only those whose first word is in `want_first`)."""
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    got = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 4 and words[0] in want_first:
            got[tuple(words[:3])] = float(words[3])
    return got


def pairs(act_key, peer_keys):
    """The peer figures that `act_key` = (act, name, direction) is compared with."""
    _, name, direction = act_key
    for peer, pname, pdir in peer_keys:
        if pname != name:
            continue
        if direction == "forward" and pdir == "forward":
            yield (peer, pname, pdir)
        elif direction == "derivative" and peer == "jax" and pdir == "derivative":
            yield (peer, pname, pdir)
        elif direction == "backward_from_output" and peer == "torch" and pdir == "backward":
            if name in SOFTMAX_FAMILY:
                yield (peer, pname, pdir)
        elif direction == "backward" and peer == "torch" and pdir == "backward":
            if name not in SOFTMAX_FAMILY:
                yield (peer, pname, pdir)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("medians", help="act's medians binary")
    p.add_argument("python", help="the Python with the peers (torch, jax, onnxruntime)")
    p.add_argument("--only", required=True, help="comma-separated act names, e.g. gelu,softmax")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--peers", help="throughput.py's --peers (default: all it knows)")
    p.add_argument("--core", default="1", help="taskset's core for each run, or none")
    args = p.parse_args()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches", "peers", "throughput.py")
    act_argv = pinned(args.core, [args.medians, "--n", str(args.n), "--only", args.only])
    peer_argv = [args.python, script, "--n", str(args.n), "--dtype", "float32", "--only", args.only]
    if args.peers:
        peer_argv += ["--peers", args.peers]
    peer_argv = pinned(args.core, peer_argv)
    rounds = []
    for _ in range(args.rounds):
        act = rates(act_argv, {"act"})
        peers = rates(peer_argv, {"jax", "torch", "ort", "numpy"})
        rounds.append((act, peers))
    print("act figure | peer | act el/ns | peer el/ns | act/peer (median of rounds) | min-max")
    for key in rounds[0][0]:
        for pk in pairs(key, rounds[0][1]):
            both = [(a[key], b[pk]) for a, b in rounds if key in a and pk in b]
            ratios = [x / y for x, y in both]
            print(
                f"{key[1]} {key[2]} | {pk[0]} {pk[2]} | {statistics.median(x for x, _ in both):.3f} | "
                f"{statistics.median(y for _, y in both):.3f} | {statistics.median(ratios):.3f} | "
                f"{min(ratios):.3f}-{max(ratios):.3f}"
            )
    with open("/proc/loadavg") as f:
        print("load:", f.read().strip())


if __name__ == "__main__":
    main()
