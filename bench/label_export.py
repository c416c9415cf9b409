"""Benchmark: label the whole shared UPR Info export and compare with the keyword rule.

Runs ``upr-elect label`` on the seven export files in a child process (so its peak resident
memory is measured alone) and times the narrow keyword rule over the same texts.

    python bench/label_export.py [--model baseline-tfidf] [--data ../shared/data]

Prints rows, wall seconds, rows/second and peak memory (MiB) for each.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from upr_elect.classifier.labels import NARROW_KEYWORDS
from upr_elect.data.loaders import load_upr_export
from upr_elect.training.datasets import EXPORT_DIR, default_data_dir


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model name or folder (default: the shipped default)")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args()
    export_dir = args.data / EXPORT_DIR
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "labels.parquet"
        command = [sys.executable, "-m", "upr_elect.cli", "label", str(export_dir), "-o", str(out)]
        if args.model:
            command += ["--model", args.model]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode:
            sys.exit(done.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        import pandas as pd

        rows = len(pd.read_parquet(out, columns=["rec_id"]))
        summary = done.stdout.strip()
    texts = load_upr_export(export_dir)["recommendation"].tolist()
    started = time.perf_counter()
    hits = sum(bool(NARROW_KEYWORDS.search(t)) for t in texts)
    keyword_wall = time.perf_counter() - started
    print(f"upr-elect label: {rows:,} rows in {wall:.1f} s = {rows / wall:,.0f} rows/s "
          f"(whole command, start-up and writing included); peak memory {peak:,.0f} MiB")
    print(f"  {summary}")
    print(f"keyword rule:    {len(texts):,} rows in {keyword_wall:.2f} s = {len(texts) / keyword_wall:,.0f} rows/s "
          f"(regex only, texts already in memory); {hits:,} rows match")


if __name__ == "__main__":
    main()
