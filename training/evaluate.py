"""Metrics on the gold development set and on the UPR Info ``Elections`` tag.

Gold figures come in two forms (``../shared/data/README.md``): *sampled* (every gold
record counts once: describes the sample) and *weighted* (each record stands for
``stratum_population / n_stratum`` database texts: describes the database). Intervals are
95 % percentile intervals of a stratified bootstrap (records resampled with replacement
within each stratum); differences between two systems use the same resamples (paired).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from ..classifier.labels import RELEVANCE
from .datasets import channel_matrix

BOOTSTRAP = 1000
SEED = 7


def binary_scores(y_true, y_pred, weight=None, y_score=None) -> dict:
    """Precision, recall, F1 (and average precision when ``y_score`` is given).

    Parameters
    ----------
    y_true, y_pred : array-like of bool, shape (n,)
    weight : array-like of shape (n,), optional
    y_score : array-like of shape (n,), optional
    """
    weight = np.ones(len(y_true)) if weight is None else np.asarray(weight, dtype=float)
    out = _prf(*_binary_counts(np.asarray(y_true, bool), np.asarray(y_pred, bool), weight[None, :]))
    out = {k: float(v[0]) for k, v in out.items()}
    if y_score is not None:
        out["average_precision"] = float(average_precision_score(y_true, y_score, sample_weight=weight))
    return out


def _binary_counts(y_true, y_pred, W):
    """Weighted TP, FP, FN per row of the weight matrix ``W`` (shape (B, n))."""
    return W @ (y_true & y_pred), W @ (~y_true & y_pred), W @ (y_true & ~y_pred)


def _prf(tp, fp, fn) -> dict:
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1}


def gold_metrics(gold: pd.DataFrame, system: dict, W: np.ndarray) -> dict:
    """All gold figures of one system for each row of a weight matrix.

    Parameters
    ----------
    gold : pandas.DataFrame of n gold records (``relevance``, ``channels``)
    system : dict
        ``relevance`` (n,) predicted values; optional ``p_relevant`` / ``p_direct`` (n,)
        scores for average precision and ``channels`` (list of lists) for channel micro-F1.
        A peer that makes one decision only says so in ``scored_on`` ("direct" or
        "relevant").
    W : ndarray of shape (B, n)
        Record weights: a row of ones (sampled), the stratum weights (weighted), or those
        times bootstrap multiplicities.

    Returns
    -------
    dict of str to ndarray of shape (B,)
        Flat metric names (``relevant.f1``, ``direct.precision``, ``channel_micro_f1``,
        ``relevance_macro_f1``, ``confusion.<gold>.<predicted>``, ...).
    """
    y = gold["relevance"].to_numpy()
    pred = np.asarray(system["relevance"])
    scored = system.get("scored_on", ("relevant", "direct"))
    out = {}
    for part, t, p, score in (("relevant", y != "none", pred != "none", system.get("p_relevant")),
                              ("direct", y == "direct", pred == "direct", system.get("p_direct"))):
        if part not in scored:
            continue
        for key, value in _prf(*_binary_counts(t, p, W)).items():
            out[f"{part}.{key}"] = value
        if score is not None:
            out[f"{part}.average_precision"] = np.array(
                [average_precision_score(t, score, sample_weight=w) for w in W])
    if "channels" in system:
        truth, guess = channel_matrix(gold["channels"]), channel_matrix(system["channels"])
        tp, fp, fn = ((truth & guess).sum(1), (~truth.astype(bool) & guess.astype(bool)).sum(1),
                      (truth.astype(bool) & ~guess.astype(bool)).sum(1))
        out["channel_micro_f1"] = _prf(W @ tp, W @ fp, W @ fn)["f1"]
    if len(scored) == 2:
        f1s = []
        for value in RELEVANCE:
            f1s.append(_prf(*_binary_counts(y == value, pred == value, W))["f1"])
            for other in RELEVANCE:
                out[f"confusion.{value}.{other}"] = W @ ((y == value) & (pred == other))
        out["relevance_macro_f1"] = np.mean(f1s, axis=0)
    return out


def bootstrap_indices(strata, n_boot: int = BOOTSTRAP, seed: int = SEED) -> np.ndarray:
    """Stratified bootstrap resamples: array of shape (n_boot, n) of record indices, each
    stratum resampled with replacement to its own size."""
    rng = np.random.default_rng(seed)
    strata = np.asarray(strata)
    groups = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    return np.hstack([g[rng.integers(0, len(g), size=(n_boot, len(g)))] for g in groups])


def bootstrap_weights(strata, weight, n_boot: int = BOOTSTRAP, seed: int = SEED) -> np.ndarray:
    """The resamples of :func:`bootstrap_indices` as a weight matrix of shape (n_boot, n):
    entry = how often the record was drawn × its weight."""
    index = bootstrap_indices(strata, n_boot, seed)
    counts = np.zeros((n_boot, len(strata)))
    np.add.at(counts, (np.repeat(np.arange(n_boot), index.shape[1]), index.ravel()), 1)
    return counts * np.asarray(weight, dtype=float)[None, :]


def _nest(flat: dict) -> dict:
    """``{"relevant.f1": x}`` → ``{"relevant": {"f1": x}}``; confusion counts as a matrix."""
    out = {}
    for key, value in flat.items():
        if key.startswith("confusion."):
            continue
        head, _, tail = key.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[head] = value
    if any(k.startswith("confusion.") for k in flat):
        out["confusion_matrix"] = {
            "labels": list(RELEVANCE), "rows": "gold", "columns": "predicted",
            "values": [[round(flat[f"confusion.{a}.{b}"], 1) for b in RELEVANCE] for a in RELEVANCE]}
    return out


def gold_report(gold: pd.DataFrame, systems: dict, n_boot: int = BOOTSTRAP,
                baseline_name: str | None = None) -> dict:
    """Point estimates with stratified-bootstrap intervals for several systems, sampled and
    weighted, plus paired differences against ``baseline_name``.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold records with ``relevance``, ``channels``, ``stratum``, ``weight``.
    systems : dict of str to dict
        System name to its predictions (see :func:`gold_metrics`).
    n_boot : int
        Bootstrap resamples (the same resamples for every system: paired).
    baseline_name : str, optional
        System the others are compared with (difference = other − baseline).

    Returns
    -------
    dict
        ``{weighting: {system: {"point": {...}, "ci95": {metric: [low, high]}}}}`` for
        weighting in ("sampled", "weighted"), and, with ``baseline_name``,
        ``differences: {weighting: {system: {metric: {"difference", "ci95"}}}}``.
    """
    out = {"n_records": len(gold), "bootstrap_resamples": n_boot}
    reps = {}
    for weighting in ("sampled", "weighted"):
        weight = gold["weight"].to_numpy() if weighting == "weighted" else np.ones(len(gold))
        W = bootstrap_weights(gold["stratum"], weight, n_boot)
        out[weighting] = {}
        for name, system in systems.items():
            point = {k: float(v[0]) for k, v in gold_metrics(gold, system, weight[None, :]).items()}
            reps[weighting, name] = gold_metrics(gold, system, W)
            out[weighting][name] = {
                "point": _nest(point),
                "ci95": {k: np.round(np.percentile(v, [2.5, 97.5]), 4).tolist()
                         for k, v in reps[weighting, name].items() if not k.startswith("confusion.")}}
            reps[weighting, name]["_point"] = point
    if baseline_name:
        out["differences"] = {}
        for weighting in ("sampled", "weighted"):
            base = reps[weighting, baseline_name]
            out["differences"][weighting] = {
                name: {k: {"difference": round(reps[weighting, name]["_point"][k] - base["_point"][k], 4),
                           "ci95": np.round(np.percentile(reps[weighting, name][k] - base[k], [2.5, 97.5]),
                                            4).tolist()}
                       for k in base if k in reps[weighting, name] and not k.startswith(("confusion.", "_"))}
                for name in systems if name != baseline_name}
    return out


def tag_task_scores(elections_tag, p_direct, threshold: float) -> dict:
    """``Elections``-tag figures of one recipe on held-out distinct texts.

    Parameters
    ----------
    elections_tag : array-like of bool, shape (n,)
    p_direct : array-like of shape (n,)
    threshold : float
        The recipe's stored ``direct`` threshold.
    """
    y = np.asarray(elections_tag, dtype=bool)
    score = np.asarray(p_direct)
    out = binary_scores(y, score >= threshold, None, score)
    out.update({"threshold": float(threshold), "n_texts": int(len(y)), "n_tagged": int(y.sum())})
    return out


def tag_task_intervals(elections_tag, scores: dict, reference: str, n_boot: int = BOOTSTRAP,
                       seed: int = SEED) -> dict:
    """Bootstrap 95 % intervals of average precision on the ``Elections`` tag.

    Texts are resampled with replacement within the tagged and within the untagged texts
    (every resample keeps the number of tagged texts); every system is scored on the same
    resamples, so the differences from ``reference`` are paired.

    Parameters
    ----------
    elections_tag : array-like of bool, shape (n,)
    scores : dict of str to array-like of shape (n,)
        System name to its score on the same texts.
    reference : str
        Key of ``scores``: the system the others are compared with.
    n_boot, seed : int

    Returns
    -------
    dict
        ``{"average_precision_ci95": {system: [low, high]},
        "differences": {system: {"difference": reference − system, "ci95": [low, high]}}}``.
    """
    y = np.asarray(elections_tag, dtype=bool)
    index = bootstrap_indices(y, n_boot, seed)
    point = {name: average_precision_score(y, np.asarray(score)) for name, score in scores.items()}
    reps = {name: np.array([average_precision_score(y[i], np.asarray(score)[i]) for i in index])
            for name, score in scores.items()}
    return {
        "average_precision_ci95": {name: np.round(np.percentile(r, [2.5, 97.5]), 4).tolist()
                                   for name, r in reps.items()},
        "differences": {name: {"difference": round(float(point[reference] - point[name]), 4),
                               "ci95": np.round(np.percentile(reps[reference] - reps[name], [2.5, 97.5]),
                                                4).tolist()}
                        for name in scores if name != reference},
    }
