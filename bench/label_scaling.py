"""Benchmark: memory stays flat as the input grows.

Builds inputs of 10,000 and 100,000 records by repeating the shared UPR Info export (as one
UPR Info-format file each, in a temporary folder), labels each with ``upr-elect label`` in
its own child process, and prints rows/second and peak resident memory of both runs.

    python bench/label_scaling.py [--model NAME] [--sizes 10000 100000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from upr_elect.training.datasets import EXPORT_DIR, default_data_dir

HEADER = "SuR;Rgrp;Org;Recommendation;RS;Rgrp;Org;Response;Action;Issue;Session"


def build(path: Path, size: int) -> None:
    """Write ``size`` data rows: the export's rows in file order, repeated as needed."""
    import csv

    rows = []
    for source in sorted((default_data_dir() / EXPORT_DIR).glob("*.csv")):
        with open(source, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=";")
            next(reader)
            rows.extend(reader)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER + "\n")
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        for i in range(size):
            writer.writerow(rows[i % len(rows)])


def measure(source: Path, out: Path, model) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one `upr-elect label` child process."""
    command = [sys.executable, "-c",
               "import resource, sys; from upr_elect.cli import app\n"
               "try:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
               "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
               "sys.exit(code)",
               "label", str(source), "-o", str(out)] + (["--model", model] if model else [])
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(done.stderr[-2000:])
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK")) / 1024
    print(f"  {done.stdout.strip()}")
    return wall, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model name or folder (default: the shipped default)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            source = Path(scratch) / f"export-{size}.csv"
            build(source, size)
            wall, peak = measure(source, Path(scratch) / f"labels-{size}.csv", args.model)
            print(f"{size:>9,} records: {wall:7.1f} s, {size / wall:6.0f} rows/s, peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
