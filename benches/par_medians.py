#!/usr/bin/env python3
"""Medians of the parallel bench (benches/parallel.rs) from criterion's estimates, with the
serial/parallel ratio per group. Run from the workspace root after the bench."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def median_ns(group_dir, name):
    f = group_dir / name / "new" / "estimates.json"
    if not f.exists():
        return None
    return json.loads(f.read_text())["median"]["point_estimate"]


rows = []
for group in sorted(root.glob("*")):
    if not group.is_dir():
        continue
    # Criterion writes `a/b/c` groups as directories `a_b_c`.
    serial = median_ns(group, "serial")
    other = median_ns(group, "parallel") or median_ns(group, "split")
    if serial is None or other is None:
        continue
    rows.append((group.name, serial, other))

print(f"{'group':<34} {'serial':>11} {'parallel':>11} {'speed-up':>9}")
for name, s, p in rows:
    print(f"{name:<34} {s / 1e6:>8.3f} ms {p / 1e6:>8.3f} ms {s / p:>8.2f}x")
