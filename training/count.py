"""How many UPR recommendations affect elections: counts with the model's errors corrected.

A raw sum of the model's labels is biased whenever its false positives and false negatives
do not cancel, which for rare classes (``direct`` is under 1 % of texts) they never do.
The estimates here use **adjusted classify and count** (ACC; Forman 2008, "Quantifying
counts and costs via classification", *Data Mining and Knowledge Discovery* 17:164–206),
extended to the three relevance classes: with ``q`` the shares of records the model labels
direct / indirect / none and ``M[i, j] = P(model says i | truth is j)``, the true shares
``p`` solve ``q = M p``; negative solutions are set to 0 and the shares renormalised.
Channels are binary ACC each: ``(q_c - fpr_c) / (tpr_c - fpr_c)`` clipped to [0, 1].

``M``, ``tpr`` and ``fpr`` are measured on the gold development set, every record weighted
by the database texts it stands for (``stratum_population / n_stratum``), so they are the
error rates over the whole export. No model of this project trains on gold labels, so these
are out-of-sample rates. ACC assumes the rates hold in every subset counted (a cycle, a
region), and in export rows as in distinct texts: the usual "prior shift" assumption of
quantification. Probabilistic ACC (Bella et
al. 2010, "Quantification via probability estimators", ICDM) would use the probabilities
instead of the decisions, but labelled files keep no channel probabilities; ACC uses the
decisions every labelled file has, for relevance and channels alike.

Intervals are 95 % percentile intervals over bootstrap replicates, each of which
resamples (a) the gold records within their strata (uncertainty of the error rates) and
(b) the counted records (a multinomial draw of the predicted counts: the chance part of
which records the model gets wrong; conservative, as it also varies the true mix).

Two units throughout: **export rows** (one row per recommendation and recommending State,
as in the UPR Info export) and **distinct texts** (surrounding whitespace stripped, the
unit of the gold strata).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve

from ..classifier.batch import is_election_tagged
from ..classifier.labels import CHANNELS, RELEVANCE
from ..data.loaders import split_tags
from .datasets import channel_matrix, text_key
from .evaluate import BOOTSTRAP, SEED, bootstrap_indices

UNITS = {
    "export_rows": "export rows (one per recommendation and recommending State)",
    "distinct_texts": "distinct texts (surrounding whitespace stripped)",
}

BREAKDOWNS = {
    "cycle": "UPR cycle",
    "session": "Working Group session",
    "sur_regional_group": "UN regional group of the State under Review",
    "rs_regional_group": "UN regional group of the recommending State",
    "response": "response of the State under Review",
    "position": "position of the State under Review, as an OHCHR document gives it",
    "action": "UPR Info action category (1 minimal – 5 specific)",
}
"""Columns counts are broken down by (those the input has), with their descriptions."""

METHOD = {
    "name": "adjusted classify and count (ACC), three relevance classes; binary ACC per channel",
    "references": [
        "Forman, G. (2008). Quantifying counts and costs via classification. Data Mining and "
        "Knowledge Discovery 17(2):164-206.",
        "Bella, A., Ferri, C., Hernandez-Orallo, J., Ramirez-Quintana, M. J. (2010). "
        "Quantification via probability estimators. IEEE ICDM.",
    ],
    "why": "the model's own counts are biased when its false positives and false negatives do not "
           "cancel, as for rare classes; ACC inverts the model's error rates measured on the gold "
           "development set (weighted to the database, out of sample: no model trains on gold labels). "
           "It uses the model's decisions, which every labelled file keeps for relevance and channels "
           "alike; probabilistic ACC would need channel probabilities that labelled files do not keep",
    "assumption": "the model's error rates are the same in every subset counted (prior shift); they are "
                  "measured on distinct texts and applied to export rows too, as rows sharing a text share "
                  "its label",
    "interval": "95 % percentile bootstrap: gold records resampled within strata (error rates) and the "
                "counted records resampled (multinomial), jointly",
}


MAX_SESSION = 999
"""Highest session number a range may name (sessions run from 1 in 2008, about four a year)."""


def parse_sessions(spec: str) -> set[int]:
    """Session numbers of a range expression.

    Parameters
    ----------
    spec : str
        Comma-separated numbers and inclusive ranges, e.g. ``"1-25"`` or ``"1-12,27"``.

    Returns
    -------
    set of int

    Raises
    ------
    ValueError
        Anything else, a range whose end is before its start, or a session below 1 or
        above :data:`MAX_SESSION`.
    """
    sessions = set()
    for part in (p.strip() for p in spec.split(",")):
        low, dash, high = part.partition("-")
        if not re.fullmatch(r"[0-9]+", low.strip()) or (dash and not re.fullmatch(r"[0-9]+", high.strip())):
            raise ValueError(f"session range {spec!r}: {part!r} is not a number or a range like 1-25")
        low, high = int(low), int(high or low)
        if high < low:
            raise ValueError(f"session range {spec!r}: {part!r} ends before it starts")
        if low < 1:
            raise ValueError(f"session range {spec!r}: sessions are numbered from 1")
        if high > MAX_SESSION:
            raise ValueError(f"session range {spec!r}: {high} is not a UPR session (they are numbered from 1, "
                             f"about four a year since 2008; this tool takes up to {MAX_SESSION})")
        sessions.update(range(low, high + 1))
    return sessions


def counting_rows(frame: pd.DataFrame, text_column: str, tags_column: str | None) -> pd.DataFrame:
    """Labelled records in the shape the estimators use.

    Parameters
    ----------
    frame : pandas.DataFrame
        Labelled records (:class:`upr_elect.classifier.suggest.Labelled` ``.frame``).
    text_column, tags_column : str, str or None

    Returns
    -------
    pandas.DataFrame of shape (n_labelled, 5 + n_breakdowns)
        ``text`` (stripped), ``relevance``, ``channels`` (list), ``tagged`` (bool: an
        ``Elections`` tag or OHCHR election theme; False without a tags column),
        ``has_tags`` (bool: any issue tag at all; session 27 of the export has none, so its
        rows are unlabelled rather than untagged) and the
        :data:`BREAKDOWNS` columns the input has. Records that were not labelled (see
        ``input_problem``) are left out.
    """
    done = frame[frame["relevance"].notna().to_numpy(dtype=bool)]
    tags = done[tags_column].map(split_tags) if tags_column else pd.Series([[]] * len(done), index=done.index)
    out = pd.DataFrame({"text": done[text_column].map(text_key), "relevance": done["relevance"].astype(str),
                        "channels": done["channels"], "tagged": tags.map(is_election_tagged).astype(bool),
                        "has_tags": tags.map(bool).astype(bool)})
    for column in BREAKDOWNS:
        if column in done:
            out[column] = done[column]
    return out.reset_index(drop=True)


def model_error_rates(gold: pd.DataFrame, system: dict, n_boot: int = BOOTSTRAP, seed: int = SEED) -> dict:
    """The model's error rates on gold, weighted to the database, with bootstrap replicates.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold records: ``relevance``, ``channels``, ``stratum``, ``weight``.
    system : dict
        The model's predictions on the gold texts: ``relevance`` (n,), ``channels`` (list
        of lists), as from :func:`upr_elect.training.runs.model_system`.
    n_boot : int
        Stratified bootstrap replicates (:func:`upr_elect.training.evaluate.bootstrap_indices`).
    seed : int

    Returns
    -------
    dict
        ``relevance``: ndarray of shape (1 + n_boot, 3, 3), ``[b, i, j]`` = P(predicted
        RELEVANCE[i] | true RELEVANCE[j]), replicate 0 on the full gold set;
        ``channels``: ndarray of shape (1 + n_boot, 10, 2), true- and false-positive rate
        of "relevant with channel c" (NaN where a replicate has no positive);
        ``gold_records``: int; ``support``: gold records (unweighted) per true class and
        channel.
    """
    n = len(gold)
    truth = np.asarray(gold["relevance"])
    pred = np.asarray(system["relevance"])
    T = (truth[:, None] == np.array(RELEVANCE)).astype(float)
    P = (pred[:, None] == np.array(RELEVANCE)).astype(float)
    true_ch = channel_matrix(gold["channels"]) * (truth != "none")[:, None]
    pred_ch = channel_matrix(system["channels"]) * (pred != "none")[:, None]
    samples = np.vstack([np.arange(n)[None], bootstrap_indices(gold["stratum"], n_boot, seed)])
    multiplicity = np.stack([np.bincount(idx, minlength=n) for idx in samples])
    W = multiplicity * gold["weight"].to_numpy(float)  # (1 + n_boot, n)
    joint = np.einsum("bn,ni,nj->bij", W, P, T)
    with np.errstate(invalid="ignore", divide="ignore"):
        relevance = joint / joint.sum(axis=1, keepdims=True)
        tpr = (W @ (true_ch * pred_ch)) / (W @ true_ch)
        fpr = (W @ ((1 - true_ch) * pred_ch)) / (W @ (1 - true_ch))
    return {"relevance": relevance, "channels": np.stack([tpr, fpr], axis=-1), "gold_records": n,
            "support": {"relevance": {v: int(T[:, i].sum()) for i, v in enumerate(RELEVANCE)},
                        "channels": {c: int(true_ch[:, j].sum()) for j, c in enumerate(CHANNELS)}}}


def _interval(point, reps) -> dict:
    if not np.isfinite(point):
        return {"point": None, "ci95": None}
    low, high = np.nanpercentile(reps, [2.5, 97.5])
    return {"point": round(float(point), 1), "ci95": [round(float(low), 1), round(float(high), 1)]}


def adjusted_count(predicted, channel_predicted, n: int, rates: dict, rng) -> dict:
    """ACC estimate of one set of records.

    Parameters
    ----------
    predicted : array-like of shape (3,)
        Records the model labels direct, indirect, none.
    channel_predicted : array-like of shape (10,)
        Records the model labels relevant with each channel.
    n : int
        Records counted (> 0).
    rates : dict
        From :func:`model_error_rates`.
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``direct``, ``indirect``, ``relevant`` (direct + indirect) and ``channels`` (channel
        → estimate); each estimate ``{"point", "ci95": [low, high]}`` in records of the
        input's unit. A channel whose gold true-positive rate does not exceed its
        false-positive rate cannot be corrected: its point and interval are None.
    """
    predicted = np.asarray(predicted, float)
    channel_predicted = np.asarray(channel_predicted, float)
    M = rates["relevance"]
    q = np.vstack([predicted / n, rng.multinomial(n, predicted / n, size=len(M) - 1) / n])
    shares = np.einsum("bij,bj->bi", np.linalg.pinv(M), q).clip(min=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = shares / shares.sum(axis=1, keepdims=True)
        counts = n * shares
        qc = np.vstack([channel_predicted / n,
                        rng.binomial(n, channel_predicted / n, size=(len(M) - 1, len(CHANNELS))) / n])
        tpr, fpr = rates["channels"][..., 0], rates["channels"][..., 1]
        channels = n * ((qc - fpr) / np.where(tpr > fpr, tpr - fpr, np.nan)).clip(0, 1)
    out = {v: _interval(counts[0, i], counts[1:, i]) for i, v in enumerate(RELEVANCE[:2])}
    out["relevant"] = _interval(counts[0, 0] + counts[0, 1], counts[1:, 0] + counts[1:, 1])
    out["channels"] = {c: _interval(channels[0, j], channels[1:, j]) for j, c in enumerate(CHANNELS)}
    return out


def _count_items(items: pd.DataFrame, rates: dict, rng) -> dict:
    predicted = [int((items["relevance"] == v).sum()) for v in RELEVANCE]
    relevant = (items["relevance"] != "none").to_numpy()
    by_channel = channel_matrix(items["channels"])[relevant].sum(axis=0)
    return {"records": len(items), "tagged": int(items["tagged"].sum()),
            "without_tags": int((~items["has_tags"]).sum()),
            "classified": {**dict(zip(RELEVANCE, predicted)), "relevant": predicted[0] + predicted[1],
                           "channels": dict(zip(CHANNELS, map(int, by_channel)))},
            "estimated": adjusted_count(predicted, by_channel, len(items), rates, rng)}


def count_units(rows: pd.DataFrame, rates: dict, rng) -> dict:
    """Tagged, classified and ACC-estimated counts of a set of records, in both units.

    Parameters
    ----------
    rows : pandas.DataFrame
        From :func:`counting_rows` (a selection of it).
    rates : dict
        From :func:`model_error_rates`.
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``{"export_rows": c, "distinct_texts": c}``, each ``c`` with ``records``, ``tagged``
        (a text is tagged when any of its rows is), ``without_tags`` (records with no issue
        tag at all: unlabelled, not untagged), ``classified`` (the model's own counts)
        and ``estimated`` (see :func:`adjusted_count`).
    """
    tagged_texts = set(rows.loc[rows["tagged"], "text"])
    with_tags = set(rows.loc[rows["has_tags"], "text"])
    texts = rows.drop_duplicates("text").assign(tagged=lambda t: t["text"].isin(tagged_texts),
                                                has_tags=lambda t: t["text"].isin(with_tags))
    return {"export_rows": _count_items(rows, rates, rng), "distinct_texts": _count_items(texts, rates, rng)}


def tagged_profile(rows: pd.DataFrame) -> dict:
    """Who makes and who receives the tagged recommendations, in export rows.

    Parameters
    ----------
    rows : pandas.DataFrame
        From :func:`counting_rows` (a selection of it).

    Returns
    -------
    dict
        ``unit`` ("export rows"), ``tagged``, ``records``, and for the tagged rows and for
        all rows (for comparison) ``share_supported`` and the share of each regional group
        among recommending States (``by_recommending_group``) and States under Review
        (``by_state_under_review_group``); shares in [0, 1], absent when the input lacks
        the column.
    """
    def shares(part: pd.DataFrame) -> dict:
        out = {}
        if "response" in part:
            out["share_supported"] = round(float((part["response"] == "Supported").mean()), 4) if len(part) else None
        for column, key in (("rs_regional_group", "by_recommending_group"),
                            ("sur_regional_group", "by_state_under_review_group")):
            if column in part:
                out[key] = {str(k): round(float(v), 4) for k, v in
                            part[column].value_counts(normalize=True, dropna=False).sort_index().items()}
        return out

    tagged = rows[rows["tagged"]]
    return {"unit": "export rows", "tagged": len(tagged), "records": len(rows),
            "tagged_rows": shares(tagged), "all_rows": shares(rows)}


def gold_estimate(gold: pd.DataFrame, selected_texts, input_texts, n_boot: int = BOOTSTRAP,
                  seed: int = SEED) -> dict:
    """Stratified estimate of the true number of relevant distinct texts, from gold labels.

    Each gold record stands for ``weight`` database texts, so the sum of the weights of
    relevant gold records whose text is among the selected texts estimates the number of
    relevant selected texts (a Horvitz-Thompson domain total).

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold records: ``text``, ``relevance``, ``stratum``, ``weight``.
    selected_texts : set of str
        Stripped texts counted (after any session selection).
    input_texts : set of str
        Every stripped text of the input. The gold strata describe the UPR Info export of
        2018-07-25; the estimate is only given when the input holds every gold text.
    n_boot, seed
        Stratified bootstrap replicates and seed.

    Returns
    -------
    dict
        ``available`` (bool), ``reason`` when not; else ``unit`` ("distinct texts"),
        ``gold_records_in_selection`` and ``direct``, ``indirect``, ``relevant``, each
        ``{"point", "ci95"}``.
    """
    keys = gold["text"].map(text_key)
    missing = int((~keys.isin(input_texts)).sum())
    if missing:
        return {"available": False,
                "reason": f"{missing} of {len(gold)} gold texts are not in the input; the gold strata describe "
                          "the UPR Info export of 2018-07-25, so the gold estimate applies to that export only"}
    inside = keys.isin(selected_texts).to_numpy()
    weight = gold["weight"].to_numpy(float) * inside
    samples = bootstrap_indices(gold["stratum"], n_boot, seed)
    multiplicity = np.stack([np.bincount(idx, minlength=len(gold)) for idx in samples])
    out = {"available": True, "unit": "distinct texts", "gold_records_in_selection": int(inside.sum())}
    truth = gold["relevance"].to_numpy()
    for name, mask in (("direct", truth == "direct"), ("indirect", truth == "indirect"),
                       ("relevant", truth != "none")):
        out[name] = _interval(float((weight * mask).sum()), multiplicity @ (weight * mask))
    return out


def weighted_calibration(y_true, y_prob, weight, n_bins: int = 10) -> dict:
    """Calibration curve with sample weights (sklearn's ``calibration_curve`` takes none).

    Same uniform bins as ``sklearn.calibration.calibration_curve(strategy="uniform")``;
    empty bins are left out.

    Parameters
    ----------
    y_true : array-like of bool, shape (n,)
    y_prob : array-like of shape (n,), in [0, 1]
    weight : array-like of shape (n,)
    n_bins : int

    Returns
    -------
    dict
        Per non-empty bin: ``mean_predicted``, ``observed`` (weighted share of positives),
        ``weight`` (summed weight) and ``records`` (number of records).
    """
    y_true, y_prob, weight = (np.asarray(a, float) for a in (y_true, y_prob, weight))
    bins = np.clip(np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], y_prob, side="right"), 0, n_bins - 1)
    total = np.bincount(bins, weight, n_bins)
    keep = total > 0
    predicted = np.bincount(bins, weight * y_prob, n_bins)[keep] / total[keep]
    observed = np.bincount(bins, weight * y_true, n_bins)[keep] / total[keep]
    return {"mean_predicted": np.round(predicted, 4).tolist(), "observed": np.round(observed, 4).tolist(),
            "weight": np.round(total[keep], 1).tolist(),
            "records": np.bincount(bins, minlength=n_bins)[keep].tolist()}


def model_quality(gold: pd.DataFrame, system: dict) -> dict:
    """Weighted calibration and precision–recall curves of the model on gold.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold records with ``relevance`` and ``weight``.
    system : dict
        ``p_relevant`` and ``p_direct`` (n,), from :func:`upr_elect.training.runs.model_system`.

    Returns
    -------
    dict
        For ``relevant`` (score p_direct + p_indirect) and ``direct`` (score p_direct):
        ``calibration`` (:func:`weighted_calibration`), ``precision``, ``recall`` and
        ``average_precision``, all weighted to the database.
    """
    weight = gold["weight"].to_numpy(float)
    truth = gold["relevance"].to_numpy()
    out = {}
    for name, y, score in (("relevant", truth != "none", system["p_relevant"]),
                           ("direct", truth == "direct", system["p_direct"])):
        precision, recall, _ = precision_recall_curve(y, score, sample_weight=weight, drop_intermediate=True)
        out[name] = {"calibration": weighted_calibration(y, score, weight),
                     "precision": np.round(precision, 4).tolist(), "recall": np.round(recall, 4).tolist(),
                     "average_precision": round(float(average_precision_score(y, score, sample_weight=weight)), 4)}
    return out


def count_report(rows: pd.DataFrame, gold: pd.DataFrame, system: dict, sessions=None,
                 n_boot: int = BOOTSTRAP, seed: int = SEED) -> dict:
    """Everything ``upr-elect count`` reports, as one JSON-ready dict.

    Parameters
    ----------
    rows : pandas.DataFrame
        From :func:`counting_rows` (all labelled records of the input).
    gold : pandas.DataFrame
        Gold development set (:attr:`upr_elect.training.datasets.SharedData.gold`).
    system : dict
        The model's predictions on ``gold["text"]``
        (:func:`upr_elect.training.runs.model_system`); the model must not have been
        trained on gold labels.
    sessions : set of int, optional
        Count only rows of these sessions (needs a ``session`` column).
    n_boot, seed
        Bootstrap replicates and seed (fixed: the same input gives the same report).

    Returns
    -------
    dict
        ``units``, ``method`` (with the error-rate matrix), ``selection`` (sessions,
        export rows and distinct texts counted, and ``without_session``: rows left out by
        ``sessions`` because their session is empty), ``total``
        (:func:`count_units`), ``breakdowns`` (column → value → :func:`count_units`),
        ``tagged_profile``, ``gold_estimate`` (with ``model_interval_covers_gold_point``:
        direct / indirect / relevant → bool, when the gold estimate applies) and
        ``model_quality``.

    Raises
    ------
    ValueError
        ``sessions`` given but the input has no session column, or no record left.
    """
    input_texts = set(rows["text"])
    without_session, present = 0, ""
    if sessions is not None:
        if "session" not in rows:
            raise ValueError("the input has no session column, so --sessions cannot select from it")
        without_session = int(rows["session"].isna().sum())
        known = rows["session"].dropna()
        present = (f" (the input's run from {int(known.min())} to {int(known.max())})" if len(known)
                   else " (no record has a session)")
        rows = rows[rows["session"].isin(sorted(sessions)).fillna(False).to_numpy(dtype=bool)]
    if rows.empty:
        raise ValueError("no labelled record to count" + (f" in the sessions chosen{present}" if sessions else ""))
    rng = np.random.default_rng(seed)
    rates = model_error_rates(gold, system, n_boot, seed)
    total = count_units(rows, rates, rng)
    gold_side = gold_estimate(gold, set(rows["text"]), input_texts, n_boot, seed)
    if gold_side["available"]:
        model_side = total["distinct_texts"]["estimated"]
        gold_side["model_interval_covers_gold_point"] = {
            k: None if model_side[k]["point"] is None else
            bool(model_side[k]["ci95"][0] <= gold_side[k]["point"] <= model_side[k]["ci95"][1])
            for k in ("direct", "indirect", "relevant")}
    breakdowns = {}
    for column in BREAKDOWNS:
        if column in rows:
            groups = rows.groupby(rows[column].astype(object).where(rows[column].notna(), "(missing)"), sort=False)
            order = sorted(groups.groups, key=lambda k: (isinstance(k, str), k if isinstance(k, str) else float(k)))
            breakdowns[column] = {str(k): count_units(groups.get_group(k), rates, rng) for k in order}
    return {
        "units": UNITS,
        "method": {**METHOD, "bootstrap_replicates": n_boot, "seed": seed,
                   "error_rates": {"gold_records": rates["gold_records"], "support": rates["support"],
                                   "relevance": {"rows": "predicted", "columns": "gold", "labels": list(RELEVANCE),
                                                 "values": np.round(rates["relevance"][0], 4).tolist()},
                                   "channels": {c: {"tpr": round(float(t), 4), "fpr": round(float(f), 4)}
                                                for c, (t, f) in zip(CHANNELS, rates["channels"][0])}}},
        "selection": {"sessions": _describe(sessions), "export_rows": len(rows),
                      "distinct_texts": int(rows["text"].nunique()), "without_session": without_session},
        "total": total,
        "breakdowns": breakdowns,
        "tagged_profile": tagged_profile(rows),
        "gold_estimate": gold_side,
        "model_quality": model_quality(gold, system),
    }


def _describe(sessions) -> str:
    """``"1-25"``-style text of a session set; ``"all"`` for None."""
    if sessions is None:
        return "all"
    ordered, parts, start = sorted(sessions), [], None
    for i, s in enumerate(ordered):
        start = s if start is None else start
        if i + 1 == len(ordered) or ordered[i + 1] != s + 1:
            parts.append(str(start) if start == s else f"{start}-{s}")
            start = None
    return ",".join(parts)
