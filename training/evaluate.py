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
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)

from ..classifier.labels import CHANNELS, RELEVANCE
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
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", sample_weight=weight,
                                                 zero_division=0)
    out = {"precision": float(p), "recall": float(r), "f1": float(f)}
    if y_score is not None:
        out["average_precision"] = float(average_precision_score(y_true, y_score, sample_weight=weight))
    return out


def gold_point(gold: pd.DataFrame, system: dict, weight=None) -> dict:
    """All gold figures of one system, at one weighting.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold records (``relevance``, ``channels``).
    system : dict
        ``relevance`` (n,) predicted values; optional ``p_relevant`` (n,) score for average
        precision, ``channels`` (list of lists) for channel micro-F1. A peer that predicts
        only one decision gives ``scored_on`` ("direct" or "relevant").
    weight : array-like of shape (n,), optional
    """
    y = gold["relevance"].to_numpy()
    pred = np.asarray(system["relevance"])
    out = {}
    scored = system.get("scored_on", ("relevant", "direct"))
    if "relevant" in scored:
        out["relevant"] = binary_scores(y != "none", pred != "none", weight, system.get("p_relevant"))
    if "direct" in scored:
        out["direct"] = binary_scores(y == "direct", pred == "direct", weight, system.get("p_direct"))
    if "channels" in system:
        out["channel_micro_f1"] = float(f1_score(channel_matrix(gold["channels"]),
                                                 channel_matrix(system["channels"]), average="micro",
                                                 sample_weight=weight, zero_division=0))
    if len(scored) == 2:
        out["relevance_macro_f1"] = float(f1_score(y, pred, labels=list(RELEVANCE), average="macro",
                                                   sample_weight=weight, zero_division=0))
        out["confusion_matrix"] = {
            "labels": list(RELEVANCE), "rows": "gold", "columns": "predicted",
            "values": np.round(confusion_matrix(y, pred, labels=list(RELEVANCE), sample_weight=weight),
                               1).tolist()}
    return out


def _flatten(metrics: dict, prefix="") -> dict:
    flat = {}
    for key, value in metrics.items():
        if isinstance(value, dict) and key != "confusion_matrix":
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, float):
            flat[f"{prefix}{key}"] = value
    return flat


def bootstrap_indices(strata, n_boot: int = BOOTSTRAP, seed: int = SEED) -> np.ndarray:
    """Stratified bootstrap resamples: array of shape (n_boot, n) of record indices, each
    stratum resampled with replacement to its own size."""
    rng = np.random.default_rng(seed)
    strata = np.asarray(strata)
    groups = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    return np.stack([np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
                     for _ in range(n_boot)])


def _subset(system: dict, idx: np.ndarray) -> dict:
    out = {}
    for key, value in system.items():
        if key == "scored_on":
            out[key] = value
        elif key == "channels":
            out[key] = [value[i] for i in idx]
        else:
            out[key] = np.asarray(value)[idx]
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
        System name to its predictions (see :func:`gold_point`).
    n_boot : int
        Bootstrap resamples.
    baseline_name : str, optional
        System the others are compared with (difference = other − baseline).

    Returns
    -------
    dict
        ``{weighting: {system: {"point": {...}, "ci95": {metric: [low, high]}}}}`` for
        weighting in ("sampled", "weighted"), and ``differences`` when ``baseline_name`` is
        given: ``{weighting: {system: {metric: {"difference", "ci95"}}}}``.
    """
    index = bootstrap_indices(gold["stratum"], n_boot)
    out = {"n_records": len(gold), "bootstrap_resamples": n_boot}
    flats = {}
    for weighting in ("sampled", "weighted"):
        weight = gold["weight"].to_numpy() if weighting == "weighted" else np.ones(len(gold))
        out[weighting] = {}
        for name, system in systems.items():
            point = gold_point(gold, system, weight)
            reps = [_flatten(gold_point(gold.iloc[idx], _subset(system, idx), weight[idx])) for idx in index]
            flats[weighting, name] = pd.DataFrame(reps)
            out[weighting][name] = {
                "point": point,
                "ci95": {k: np.round(np.percentile(v, [2.5, 97.5]), 4).tolist()
                         for k, v in flats[weighting, name].items()}}
    if baseline_name:
        out["differences"] = {}
        for weighting in ("sampled", "weighted"):
            base = flats[weighting, baseline_name]
            diffs = {}
            for name in systems:
                if name == baseline_name:
                    continue
                other = flats[weighting, name]
                common = [c for c in other.columns if c in base.columns]
                points = _flatten(out[weighting][name]["point"])
                base_points = _flatten(out[weighting][baseline_name]["point"])
                diffs[name] = {c: {"difference": round(points[c] - base_points[c], 4),
                                   "ci95": np.round(np.percentile(other[c] - base[c], [2.5, 97.5]), 4).tolist()}
                               for c in common}
            out["differences"][weighting] = diffs
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
