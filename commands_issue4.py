"""The ``count``, ``suggest`` and ``review`` commands (issue 4), to be moved into ``cli.py``.

Like ``cli.py``, these functions only parse options, call the project's modules and print
results. Problems are raised as :class:`~upr_elect.data.loaders.InputError`,
:class:`~upr_elect.classifier.inference.ModelError`, :class:`~upr_elect.data.outputs.OutputError`
or ``typer.BadParameter``; in ``cli.py`` each body goes inside ``with clear_errors():``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .data.loaders import FORMATS, InputError

console = Console()

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
    report: Annotated[Path, typer.Option(help="Self-contained HTML report to write.")] = Path("count.html"),
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for the 95 % intervals.", min=100)] = 1000,
    fmt: FormatOption = None,
):
    """Estimate how many recommendations affect elections (directly, indirectly), corrected for
    the model's errors, with 95 % intervals, in export rows and distinct texts; beside the
    Elections-tagged count, broken down by cycle, session, regional group, response, action and
    channel. Writes a JSON file and an HTML report."""
    from .classifier.batch import model_tag
    from .classifier.suggest import read_labelled
    from .training.count import counting_rows, count_report
    from .training.datasets import GOLD_FILE, default_data_dir, load_annotations
    from .training.report import render_report
    from .training.runs import model_system

    chosen = _sessions(sessions, "--sessions")
    labelled = read_labelled(inputs, model, **({"fmt": fmt} if fmt else {}))
    gold_path = gold or default_data_dir() / GOLD_FILE
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
    total, sel = result["total"], result["selection"]
    table = Table(title=f"sessions {sel['sessions']}: {sel['export_rows']:,} export rows, "
                        f"{sel['distinct_texts']:,} distinct texts — estimates with 95 % intervals")
    for column in ("", "export rows: model labels", "export rows: estimate", "distinct texts: model labels",
                   "distinct texts: estimate"):
        table.add_column(column, justify="left" if not column else "right")
    table.add_row("tagged Elections", f"{total['export_rows']['tagged']:,}", "",
                  f"{total['distinct_texts']['tagged']:,}", "")
    for name, key in (("direct", "direct"), ("indirect", "indirect"), ("direct + indirect", "relevant")):
        table.add_row(name, *(cell for unit in ("export_rows", "distinct_texts")
                              for cell in (f"{total[unit]['classified'][key]:,}", _ci(total[unit]["estimated"][key]))))
    console.print(table)

    gold = result["gold_estimate"]
    if gold["available"]:
        table = Table(title="distinct texts: model (ACC) beside the stratified gold estimate")
        for column in ("", "model estimate", "gold estimate"):
            table.add_column(column, justify="left" if not column else "right")
        for name, key in (("direct", "direct"), ("indirect", "indirect"), ("direct + indirect", "relevant")):
            table.add_row(name, _ci(total["distinct_texts"]["estimated"][key]), _ci(gold[key]))
        console.print(table)
    else:
        console.print(f"gold estimate not given: {gold['reason']}", highlight=False)

    from .training.count import BREAKDOWNS

    for column, groups in result["breakdowns"].items():
        if column == "session":
            continue  # 27+ rows: in the JSON and the HTML report
        table = Table(title=f"by {BREAKDOWNS[column]}")
        for heading in ("", "rows", "tagged rows", "relevant rows (est.)", "texts", "relevant texts (est.)"):
            table.add_column(heading, justify="left" if not heading else "right")
        for key, g in groups.items():
            r, t = g["export_rows"], g["distinct_texts"]
            table.add_row(key, f"{r['records']:,}", f"{r['tagged']:,}", _ci(r["estimated"]["relevant"]),
                          f"{t['records']:,}", _ci(t["estimated"]["relevant"]))
        console.print(table)
    table = Table(title="by channel (relevant recommendations)")
    for heading in ("channel", "rows (est.)", "texts (est.)"):
        table.add_column(heading, justify="left" if heading == "channel" else "right")
    for channel, estimate in total["export_rows"]["estimated"]["channels"].items():
        table.add_row(channel, _ci(estimate), _ci(total["distinct_texts"]["estimated"]["channels"][channel]))
    console.print(table)

    profile = result["tagged_profile"]
    table = Table(title=f"tagged Elections: {profile['tagged']:,} of {profile['records']:,} export rows")
    for heading in ("", "tagged rows", "all rows"):
        table.add_column(heading, justify="left" if not heading else "right")
    tagged, every = profile["tagged_rows"], profile["all_rows"]
    if "share_supported" in tagged:
        table.add_row("supported", f"{tagged['share_supported']:.1%}", f"{every['share_supported']:.1%}")
    for key, label in (("by_recommending_group", "made by"), ("by_state_under_review_group", "addressed to")):
        for group, share in tagged.get(key, {}).items():
            table.add_row(f"{label} {group}", f"{share:.1%}", f"{every[key].get(group, 0):.1%}")
    console.print(table)


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
        help="Only recommendations with this predicted channel.", show_default=False)] = None,
    fmt: FormatOption = None,
):
    """List recommendations without the Elections tag that the model scores as election-relevant,
    most probable first, with the words that drove the score; for review in a spreadsheet
    (fill decision: accept, reject or channels:<channel>;<channel>, plus reviewer and comment)."""
    from .classifier.suggest import read_labelled, suggest as rank, write_suggestions
    from .data.review_store import DECISION_HELP

    chosen = _sessions(session, "--session")
    labelled = read_labelled(inputs, model, **({"fmt": fmt} if fmt else {}))
    try:
        suggestions = rank(labelled, top=top, min_probability=min_probability, sessions=chosen, state=state,
                           channel=channel)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    csv_path, jsonl_path = write_suggestions(suggestions, output)
    table = Table(title=f"top {min(10, len(suggestions))} of {len(suggestions)} suggestions "
                        f"(evidence from {suggestions['evidence_from'].iloc[0] if len(suggestions) else '—'})")
    for heading in ("rank", "p", "relevance", "channels", "evidence", "text"):
        table.add_column(heading, overflow="fold")
    for s in suggestions.head(10).itertuples():
        table.add_row(str(s.rank), f"{s.p_relevant:.3f}", s.relevance, ", ".join(s.channels), ", ".join(s.evidence),
                      s.text[:120] + ("…" if len(s.text) > 120 else ""))
    console.print(table)
    console.print(f"written {csv_path} and {jsonl_path}; fill decision with {DECISION_HELP}, then run "
                  f"`upr-elect review {csv_path}`", highlight=False)


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
    from .data.review_store import ReviewStore, read_reviewed

    decisions = read_reviewed(file, suggestions, reviewer)
    target = ReviewStore(store)
    added, skipped = target.add(decisions, file.name)
    counts = decisions["decision"].map(lambda d: d.split(":")[0]).value_counts()
    console.print(f"{len(decisions)} decisions in {file} ("
                  + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                  + f"): {added} stored, {skipped} already in the store → {target.path}", highlight=False)
