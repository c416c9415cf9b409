"""Self-contained HTML report of ``upr-elect count`` for researchers.

One HTML file, no external resources: the plots are matplotlib PNGs (Agg backend)
embedded as base64 ``data:`` URIs. Every figure is a ``<figure id="fig-…">`` and every
section a ``<section id="…">`` listed in :data:`SECTIONS` and :data:`FIGURES`, so a test can
check that nothing is missing.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from ..data.outputs import plural  # noqa: E402

SECTIONS = ("summary", "method", "totals", "gold", "cycle", "channel", "regions", "session", "response-action",
            "tagged-profile", "model-quality")
"""Section ids of every report, in order; a section whose data the input lacks (no gold
estimate, no session column) says so."""

FIGURES = ("fig-cycle", "fig-channel", "fig-regions", "fig-session", "fig-calibration", "fig-precision-recall")
"""Figure ids of a report on a UPR Info export; ``fig-cycle``, ``fig-regions`` and
``fig-session`` need those columns, and ``fig-gold`` is added when the gold estimate applies."""

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:1em 0}figure img{max-width:100%}
figcaption{font-size:.9em;color:#555}.note{color:#555;font-size:.9em}
"""

YES_NO = {True: "yes", False: "no", None: "—"}

COLOURS = {"tagged": "#7f7f7f", "direct": "#1f77b4", "indirect": "#ff7f0e", "relevant": "#2ca02c"}


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(fig_id: str, fig, caption: str) -> str:
    return (f'<figure id="{fig_id}"><img alt="{html.escape(caption)}" src="data:image/png;base64,{_png(fig)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _ci(estimate: dict) -> str:
    if estimate["point"] is None:
        return "not estimable"
    low, high = estimate["ci95"]
    return f"{estimate['point']:,.0f} [{low:,.0f}, {high:,.0f}]"


def _table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _bars(ax, groups: dict, unit: str, title: str) -> None:
    """Grouped bars: tagged, estimated direct and indirect (95 % intervals) per group."""
    names = list(groups)
    x = range(len(names))
    width = 0.27
    tagged = [groups[g][unit]["tagged"] for g in names]
    ax.bar([i - width for i in x], tagged, width, label="tagged Elections", color=COLOURS["tagged"])
    for offset, value in ((0, "direct"), (width, "indirect")):
        est = [groups[g][unit]["estimated"][value] for g in names]
        points = [e["point"] or 0 for e in est]
        errors = [[p - (e["ci95"] or [p, p])[0] for p, e in zip(points, est)],
                  [(e["ci95"] or [p, p])[1] - p for p, e in zip(points, est)]]
        ax.bar([i + offset for i in x], points, width, yerr=errors, capsize=2, label=f"estimated {value}",
               color=COLOURS[value])
    ax.set_xticks(list(x), names, rotation=45 if len(names) > 8 else 0, ha="right" if len(names) > 8 else "center")
    ax.set_ylabel(unit.replace("_", " "))
    ax.set_title(title)
    ax.legend(fontsize=8)


def _unit_pair(groups: dict, title: str, wide: bool = False):
    fig, axes = plt.subplots(1, 2, figsize=(14 if wide else 11, 4))
    for ax, unit in zip(axes, ("export_rows", "distinct_texts")):
        _bars(ax, groups, unit, f"{title} — {unit.replace('_', ' ')}")
    fig.tight_layout()
    return fig


def _channel_figure(total: dict):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, unit in zip(axes, ("export_rows", "distinct_texts")):
        est = total[unit]["estimated"]["channels"]
        names = list(est)
        points = [est[c]["point"] or 0 for c in names]
        errors = [[p - (est[c]["ci95"] or [p, p])[0] for p, c in zip(points, names)],
                  [(est[c]["ci95"] or [p, p])[1] - p for p, c in zip(points, names)]]
        ax.barh(names, points, xerr=errors, capsize=2, color=COLOURS["relevant"])
        ax.invert_yaxis()
        ax.set_xlabel(f"estimated relevant {unit.replace('_', ' ')}")
    fig.suptitle("Relevant recommendations by channel (ACC estimate, 95 % interval)")
    fig.tight_layout()
    return fig


def _regions_figure(breakdowns: dict):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for ax, column, title in zip(axes, ("sur_regional_group", "rs_regional_group"),
                                 ("State under Review", "recommending State")):
        _bars(ax, breakdowns[column], "export_rows", f"by regional group of the {title} — export rows")
    fig.tight_layout()
    return fig


def _calibration_figure(quality: dict):
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], ls=":", color="#999", label="perfectly calibrated")
    for name in ("relevant", "direct"):
        curve = quality[name]["calibration"]
        ax.plot(curve["mean_predicted"], curve["observed"], color=COLOURS[name], alpha=0.6,
                label=f"{name} (p_{'direct + p_indirect' if name == 'relevant' else 'direct'})")
        ax.scatter(curve["mean_predicted"], curve["observed"], s=[10 + 3 * r ** 0.5 for r in curve["records"]],
                   color=COLOURS[name], alpha=0.8)
        for x, y, r in zip(curve["mean_predicted"], curve["observed"], curve["records"]):
            ax.annotate(str(r), (x, y), textcoords="offset points", xytext=(5, -10), fontsize=7,
                        color=COLOURS[name])
    ax.set_xlabel("mean predicted probability (bin)")
    ax.set_ylabel("share of gold positives, weighted to the database")
    ax.legend(fontsize=8)
    return fig


def _pr_figure(quality: dict):
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name in ("relevant", "direct"):
        q = quality[name]
        ax.plot(q["recall"], q["precision"], color=COLOURS[name],
                label=f"{name}: average precision {q['average_precision']:.3f}")
    ax.set_xlabel("recall (weighted)")
    ax.set_ylabel("precision (weighted)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    return fig


def _gold_figure(model: dict, gold: dict):
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for row, name in enumerate(("direct", "indirect", "relevant")):
        for shift, est, label, colour in ((-0.12, model[name], "model (ACC)", COLOURS["relevant"]),
                                          (0.12, gold[name], "gold (stratified)", COLOURS["tagged"])):
            if est["point"] is None:
                continue
            low, high = est["ci95"]
            ax.errorbar(est["point"], row + shift, xerr=[[est["point"] - low], [high - est["point"]]], fmt="o",
                        color=colour, capsize=3, label=label if row == 0 else None)
    ax.set_yticks([0, 1, 2], ["direct", "indirect", "direct + indirect"])
    ax.set_xlabel("distinct texts (95 % interval)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _absent(section_id: str, heading: str, column: str) -> str:
    return (f"<section id='{section_id}'><h2>{heading}</h2><p>Not available: the input has no {column} "
            "columns.</p></section>")


def _breakdown_table(groups: dict) -> str:
    rows = []
    for key, g in groups.items():
        r, t = g["export_rows"], g["distinct_texts"]
        rows.append([key, f"{r['records']:,}", f"{r['without_tags']:,}", f"{r['tagged']:,}",
                     _ci(r["estimated"]["direct"]), _ci(r["estimated"]["indirect"]), _ci(r["estimated"]["relevant"]),
                     f"{t['records']:,}", f"{t['tagged']:,}", _ci(t["estimated"]["relevant"])])
    return _table(["", "export rows", "rows without any tag", "tagged rows", "direct rows (est.)",
                   "indirect rows (est.)", "relevant rows (est.)", "distinct texts", "tagged texts",
                   "relevant texts (est.)"], rows)


def render_report(result: dict, path, title: str = "How many UPR recommendations affect elections?") -> Path:
    """Write the HTML report of a count.

    Parameters
    ----------
    result : dict
        From :func:`upr_elect.training.count.count_report`, with an ``input`` block
        (``files``, ``model``, ``records``, ``not_labelled``) added by the caller.
    path : str or Path
        HTML file to write.
    title : str

    Returns
    -------
    Path
        ``path``.
    """
    total, breakdowns = result["total"], result["breakdowns"]
    sel, info = result["selection"], result["input"]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"]

    rows_t, texts_t = total["export_rows"], total["distinct_texts"]
    parts.append(
        "<section id='summary'><h2>Summary</h2>"
        f"<p>Input: {html.escape(', '.join(info['files']))}; labelled by <b>{html.escape(info['model'])}</b>. "
        f"Sessions: {html.escape(sel['sessions'])}. Counted {plural(sel['export_rows'], 'export row')} "
        f"({plural(sel['distinct_texts'], 'distinct text')}); {plural(info['not_labelled'], 'record')} of "
        f"{info['records']:,} could not be labelled (see their input_problem) and "
        f"{'is' if info['not_labelled'] == 1 else 'are'} left out.</p>"
        f"<p>UPR Info tagged <b>{rows_t['tagged']:,}</b> export {'row' if rows_t['tagged'] == 1 else 'rows'} "
        f"({plural(texts_t['tagged'], 'distinct text')}) with <i>Elections</i>"
        + (f"; {plural(rows_t['without_tags'], 'row')} {'carries' if rows_t['without_tags'] == 1 else 'carry'} no "
           "issue tag at all (unlabelled, as session 27 of the 2018 export, not untagged)"
           if rows_t["without_tags"] else "")
        + ". The model, corrected for its errors, estimates "
        f"<b>{_ci(rows_t['estimated']['relevant'])}</b> export rows "
        f"({_ci(texts_t['estimated']['relevant'])} distinct texts) that affect elections directly or "
        "indirectly (95 % intervals).</p></section>")

    method = result["method"]
    matrix = method["error_rates"]["relevance"]
    parts.append(
        "<section id='method'><h2>Method</h2>"
        f"<p><b>{html.escape(method['name'])}</b>. Why: {html.escape(method['why'])}. "
        f"Assumption: {html.escape(method['assumption'])}. Intervals: {html.escape(method['interval'])}; "
        f"{method['bootstrap_replicates']} replicates.</p><ul>"
        + "".join(f"<li>{html.escape(r)}</li>" for r in method["references"]) + "</ul>"
        + "<p>Error rates P(model says row | gold says column), weighted to the database, from "
        f"{method['error_rates']['gold_records']} gold records:</p>"
        + _table(["predicted \\ gold"] + matrix["labels"],
                 [[lab] + [f"{v:.3f}" for v in row] for lab, row in zip(matrix["labels"], matrix["values"])])
        + "<p class='note'>Units: " + "; ".join(html.escape(v) for v in result["units"].values()) + ".</p></section>")

    totals = []
    for name, key in (("tagged Elections", None), ("direct", "direct"), ("indirect", "indirect"),
                      ("direct + indirect", "relevant")):
        cells = [name]
        for unit in ("export_rows", "distinct_texts"):
            t = total[unit]
            cells += ([f"{t['tagged']:,}", "—"] if key is None
                      else [f"{t['classified'][key]:,}", _ci(t["estimated"][key])])
        totals.append(cells)
    parts.append("<section id='totals'><h2>Totals</h2>"
                 + _table(["", "export rows: model's labels", "export rows: estimate [95 %]",
                           "distinct texts: model's labels", "distinct texts: estimate [95 %]"], totals)
                 + "<p class='note'>The model's labels are its raw decisions; the estimates correct them for "
                   "the model's error rates.</p></section>")

    gold = result["gold_estimate"]
    if gold["available"]:
        model_texts = texts_t["estimated"]
        parts.append("<section id='gold'><h2>Model estimate beside the gold estimate (distinct texts)</h2>"
                     + _table(["", "model (ACC) [95 %]", "gold, stratified [95 %]",
                               "model's interval covers the gold point"],
                              [[n, _ci(model_texts[k]), _ci(gold[k]), YES_NO[gold["model_interval_covers_gold_point"][k]]]
                               for n, k in (("direct", "direct"), ("indirect", "indirect"),
                                            ("direct + indirect", "relevant"))])
                     + f"<p class='note'>Gold: {gold['gold_records_in_selection']} gold records in the selection, "
                       "each standing for its stratum's population / sample size texts.</p>"
                     + _figure("fig-gold", _gold_figure(model_texts, gold),
                               "Model's ACC estimate and the gold stratified estimate, distinct texts")
                     + "</section>")
    else:
        parts.append(f"<section id='gold'><h2>Gold estimate</h2><p>Not given: {html.escape(gold['reason'])}.</p>"
                     "</section>")

    if "cycle" in breakdowns:
        parts.append("<section id='cycle'><h2>By cycle</h2>"
                     + _figure("fig-cycle", _unit_pair(breakdowns["cycle"], "by UPR cycle"),
                               "Tagged and estimated direct / indirect recommendations per UPR cycle")
                     + _breakdown_table(breakdowns["cycle"]) + "</section>")
    else:
        parts.append(_absent("cycle", "By cycle", "cycle"))
    parts.append("<section id='channel'><h2>By channel</h2>"
                 + _figure("fig-channel", _channel_figure(total), "Estimated relevant recommendations per channel")
                 + _table(["channel", "export rows: model's labels", "export rows: estimate [95 %]",
                           "distinct texts: model's labels", "distinct texts: estimate [95 %]"],
                          [[c, f"{total['export_rows']['classified']['channels'][c]:,}",
                            _ci(total["export_rows"]["estimated"]["channels"][c]),
                            f"{total['distinct_texts']['classified']['channels'][c]:,}",
                            _ci(total["distinct_texts"]["estimated"]["channels"][c])]
                           for c in total["export_rows"]["estimated"]["channels"]]) + "</section>")
    if "sur_regional_group" in breakdowns and "rs_regional_group" in breakdowns:
        parts.append("<section id='regions'><h2>By UN regional group</h2>"
                     + _figure("fig-regions", _regions_figure(breakdowns),
                               "Tagged and estimated recommendations by regional group (export rows)")
                     + "<h3>State under Review</h3>" + _breakdown_table(breakdowns["sur_regional_group"])
                     + "<h3>Recommending State</h3>" + _breakdown_table(breakdowns["rs_regional_group"])
                     + "</section>")
    else:
        parts.append(_absent("regions", "By UN regional group", "regional group"))
    if "session" in breakdowns:
        parts.append("<section id='session'><h2>By session</h2>"
                     + _figure("fig-session", _unit_pair(breakdowns["session"], "by session", wide=True),
                               "Tagged and estimated recommendations per Working Group session")
                     + _breakdown_table(breakdowns["session"]) + "</section>")
    else:
        parts.append(_absent("session", "By session", "session"))
    parts.append("<section id='response-action'><h2>By response and action category</h2>"
                 + "".join(f"<h3>{column}</h3>" + _breakdown_table(breakdowns[column])
                           for column in ("response", "position", "action") if column in breakdowns) + "</section>")

    profile = result["tagged_profile"]
    profile_rows = []
    if profile["tagged"]:  # no tagged row: no shares to compare (share_supported would be None)
        for label, key in (("share supported", "share_supported"),):
            if key in profile["tagged_rows"]:
                profile_rows.append([label, f"{profile['tagged_rows'][key]:.1%}", f"{profile['all_rows'][key]:.1%}"])
        for key, label in (("by_recommending_group", "made by"), ("by_state_under_review_group", "addressed to")):
            for group, share in profile["tagged_rows"].get(key, {}).items():
                profile_rows.append([f"{label} {group}", f"{share:.1%}",
                                     f"{profile['all_rows'][key].get(group, 0):.1%}"])
    parts.append(f"<section id='tagged-profile'><h2>Profile of the tagged recommendations (sessions "
                 f"{html.escape(sel['sessions'])})</h2><p>{profile['tagged']:,} of "
                 f"{plural(profile['records'], 'export row')} {'carries' if profile['tagged'] == 1 else 'carry'} the "
                 "<i>Elections</i> tag.</p>"
                 + (_table(["", "tagged rows", "all rows"], profile_rows) if profile_rows
                    else "<p class='note'>No profile: no tagged row, or no response and regional group columns."
                         "</p>")
                 + "</section>")

    quality = result["model_quality"]
    parts.append("<section id='model-quality'><h2>The model on the gold set</h2>"
                 + _figure("fig-calibration", _calibration_figure(quality),
                           "Calibration on the gold development set, weighted to the database (10 uniform "
                           "bins; the numbers and marker areas give the gold records per bin: bins with few "
                           "records are noisy)")
                 + _figure("fig-precision-recall", _pr_figure(quality),
                           "Precision-recall curves on the gold development set, weighted to the database")
                 + "</section></body></html>")
    path = Path(path)
    path.write_text("".join(parts), encoding="utf-8")
    return path
