"""Benchmark: the transformer's labelling path against a plain ``transformers.pipeline``.

Labels the recommendation texts of the shared UPR Info export with the shipped transformer
four ways, each in its own child process (so peak memory is measured alone):

- ``ours``: length-sorted batches of 64, dynamic padding, ``torch.inference_mode``;
- ``ours-int8``: the same after PyTorch dynamic int8 quantisation of the linear layers
  (its labels are compared with ``ours``);
- ``pipeline``: ``transformers.pipeline("text-classification")`` at its default batch size;
- ``pipeline-32``: the same at ``batch_size=32``.

    python bench/transformer_speed.py [--limit N] [--model transformer-minilm]

Prints rows/second, peak memory (MiB), speed-ups, long-text count and int8 agreement.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

METHODS = ("ours", "ours-int8", "pipeline", "pipeline-32")


def texts(limit):
    from upr_elect.data.loaders import load_upr_export
    from upr_elect.training.datasets import EXPORT_DIR, default_data_dir

    values = load_upr_export(default_data_dir() / EXPORT_DIR)["recommendation"].map(str).tolist()
    return values[:limit] if limit else values


def run(method: str, model_name: str, limit: int, labels_out: Path) -> dict:
    import torch

    from upr_elect.classifier.inference import decide, load_model, resolve_model

    data = texts(limit)
    if method.startswith("ours"):
        model = load_model(model_name)
        if method == "ours-int8":
            model.quantize()
        started = time.perf_counter()
        relevance, _ = decide(*model.predict_proba(data), model.thresholds)
        seconds = time.perf_counter() - started
        labels_out.write_text(json.dumps(relevance))
        extra = {"long_texts": model.count_long(data)}
    else:
        from transformers import pipeline

        classify = pipeline("text-classification", model=str(resolve_model(model_name)), device="cpu",
                            dtype=torch.float32, truncation=True, max_length=128)
        options = {"batch_size": 32} if method == "pipeline-32" else {}
        started = time.perf_counter()
        classify(data, **options)
        seconds = time.perf_counter() - started
        extra = {}
    return {"method": method, "rows": len(data), "seconds": seconds, "rows_per_second": len(data) / seconds,
            **extra}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N export rows (0: all 61,014)")
    parser.add_argument("--model", default="transformer-minilm")
    parser.add_argument("--method", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.method:  # child process
        result = run(args.method, args.model, args.limit, args.labels)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    import tempfile

    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for method in METHODS:
            labels = Path(scratch) / f"{method}.json"
            done = subprocess.run([sys.executable, __file__, "--method", method, "--limit", str(args.limit),
                                   "--model", args.model, "--labels", str(labels)],
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr[-2000:])
            results[method] = json.loads(done.stdout.strip().splitlines()[-1])
            r = results[method]
            print(f"{method:12s} {r['rows']:,} rows in {r['seconds']:.1f} s = {r['rows_per_second']:.0f} rows/s; "
                  f"peak memory {r['peak_mib']:,.0f} MiB", flush=True)
        full = json.loads((Path(scratch) / "ours.json").read_text())
        int8 = json.loads((Path(scratch) / "ours-int8.json").read_text())
    agreement = sum(a == b for a, b in zip(full, int8)) / len(full)
    ours = results["ours"]["rows_per_second"]
    print(f"speed-up of ours over pipeline (default batch): {ours / results['pipeline']['rows_per_second']:.2f}x; "
          f"over pipeline batch 32: {ours / results['pipeline-32']['rows_per_second']:.2f}x")
    print(f"int8: {results['ours-int8']['rows_per_second'] / ours:.2f}x the fp32 speed; relevance labels agree "
          f"on {agreement:.2%} of rows")
    print(f"texts longer than the 128-token window (head+tail kept): {results['ours']['long_texts']:,}")


if __name__ == "__main__":
    main()
