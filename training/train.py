"""Build training tables from silver and weak labels, fit models, choose thresholds.

Gold protocol (``../shared/data/README.md``): no gold label is used here. Thresholds are
chosen on out-of-fold predictions (5-fold, stratified by relevance; one row per distinct
text, so a text never sits on both sides of a fold) of every training text against its
training label (silver where available, else weak), each weighted by how many database
texts it stands for in its stratum. With both sources every distinct text of the export is
one row, so this validation set is the database itself. (Choosing them on the silver texts
alone was tried: it pushed the relevant threshold down to 0.07 and the out-of-sample
relevant precision with it — plausibly because the single silver annotation codes
`indirect` more liberally than the labelling functions, which follow the codebook's
rulings.) The dev gold
set is fully held out from every model fitted here.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, fbeta_score, precision_recall_curve
from sklearn.model_selection import StratifiedGroupKFold

from ..classifier.inference import Thresholds, decide
from ..classifier.labels import CHANNELS
from .datasets import SharedData, channel_matrix, text_key
from .weak_labels import weak_labels

SOURCES = ("silver", "weak")
SEED = 20171


def training_table(data: SharedData, sources=SOURCES, cycles=None) -> pd.DataFrame:
    """One row per distinct text with its training label.

    Parameters
    ----------
    data : SharedData
    sources : subset of {"silver", "weak"}
        ``silver``: the silver annotations (its texts only). ``weak``: the combined weak
        label of every other text (every text when silver is not used).
    cycles : set of int, optional
        Keep only texts whose earliest session falls in these cycles.

    Returns
    -------
    pandas.DataFrame
        ``text``, ``relevance``, ``channels`` (list), ``source``, ``stratum``, ``cycle``,
        ``elections_tag``, ``weight`` (database texts per row of its stratum).
    """
    texts = data.texts
    parts = []
    silver_hashes = set()
    if "silver" in sources:
        silver = data.silver[["text_hash", "relevance", "channels"]].merge(
            texts.drop(columns=["stratum"]).merge(data.silver[["text_hash", "stratum"]], on="text_hash"),
            on="text_hash")
        silver["source"] = "silver"
        parts.append(silver)
        silver_hashes = set(silver["text_hash"])
    if "weak" in sources:
        rest = texts[~texts["text_hash"].isin(silver_hashes)].copy()
        labels = weak_labels(rest)
        rest["relevance"], rest["channels"] = labels["relevance"], labels["channels"]
        rest["source"] = "weak"
        parts.append(rest)
    table = pd.concat(parts, ignore_index=True)
    if cycles is not None:
        table = table[table["cycle"].isin(cycles)].reset_index(drop=True)
    population = texts["stratum"].value_counts()
    if cycles is not None:
        population = texts[texts["cycle"].isin(cycles)]["stratum"].value_counts()
    table["weight"] = table["stratum"].map(population) / table.groupby("stratum")["stratum"].transform("size")
    return table


def text_folds(table: pd.DataFrame, folds: int = 5):
    """Grouped, stratified k-fold: every copy of a text (stripped) falls in one fold.

    Parameters
    ----------
    table : pandas.DataFrame with ``text`` and ``relevance``
    folds : int

    Returns
    -------
    list of (train_index, test_index) pairs of ndarray
        From scikit-learn's ``StratifiedGroupKFold`` (groups: the stripped text; strata: the
        relevance label), shuffled with the project's seed.
    """
    groups = table["text"].map(text_key)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(splitter.split(table["text"], table["relevance"], groups))


def cycle_split(table: pd.DataFrame, train_cycles=(1,), test_cycles=(2,)):
    """Split distinct texts by the cycle of their earliest session (train on cycle 1, test
    on cycle 2 by default); texts of other cycles or without a session are in neither.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
    """
    return table[table["cycle"].isin(train_cycles)], table[table["cycle"].isin(test_cycles)]


def best_threshold(y: np.ndarray, score: np.ndarray, weight: np.ndarray) -> float:
    """Threshold on ``score`` maximising the weighted F1 of ``y`` (binary).

    Every distinct score is a candidate (scikit-learn's ``precision_recall_curve``), so a
    rare class gets a threshold as fine as its scores: a quantile grid cannot place one
    inside the top 1 % of texts, where ``direct`` lives.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
    score : ndarray of shape (n,)
    weight : ndarray of shape (n,)

    Returns
    -------
    float
        Predict positive when ``score >= threshold``; 1.0 when ``y`` has no positive.
    """
    if not np.any(y):
        return 1.0
    precision, recall, thresholds = precision_recall_curve(y, score, sample_weight=weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    return float(thresholds[int(np.argmax(f1[:-1]))])


def choose_thresholds(p_relevance, p_channels, relevance, channels, weight) -> Thresholds:
    """Thresholds maximising weighted F1 on validation predictions.

    Parameters
    ----------
    p_relevance : ndarray of shape (n, 3)
    p_channels : ndarray of shape (n, 10)
    relevance : ndarray of str, shape (n,)
    channels : ndarray of shape (n, 10), multi-hot
    weight : ndarray of shape (n,)

    Returns
    -------
    Thresholds
        ``direct`` maximises F1 of direct-vs-rest on p_direct; ``relevant`` maximises F1 of
        relevant-vs-none on p_direct + p_indirect; each channel's maximises its F1 among
        relevant texts.
    """
    relevance = np.asarray(relevance)
    direct = best_threshold(relevance == "direct", p_relevance[:, 0], weight)
    relevant = best_threshold(relevance != "none", p_relevance[:, 0] + p_relevance[:, 1], weight)
    mask = relevance != "none"
    per_channel = {}
    for j, name in enumerate(CHANNELS):
        y = np.asarray(channels)[mask, j]
        per_channel[name] = best_threshold(y, p_channels[mask, j], weight[mask])
    return Thresholds(direct=direct, relevant=relevant, channels=per_channel)


def fit_model(table: pd.DataFrame, make_model, folds: int = 5, progress=None):
    """Cross-fit thresholds, then fit the final model on the whole table.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`training_table`.
    make_model : callable returning an unfitted model with ``fit(texts, relevance,
        channels)`` and ``predict_proba(texts)``.
    folds : int
        Folds for the out-of-fold predictions the thresholds are chosen on.
    progress : callable(str), optional
        Receives one line per step.

    Returns
    -------
    model
        Fitted, with ``thresholds`` set and ``training_info`` (dict: rows, label counts,
        out-of-fold validation F1 and silver average precision, wall time).
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    texts = table["text"].tolist()
    relevance = table["relevance"].to_numpy()
    Y = channel_matrix(table["channels"])
    p_rel = np.zeros((len(table), 3))
    p_ch = np.zeros((len(table), len(CHANNELS)))
    for k, (train, test) in enumerate(text_folds(table, folds), start=1):
        say(f"fold {k}/{folds}: fitting on {len(train):,} texts")
        model = make_model().fit([texts[i] for i in train], relevance[train], Y[train])
        p_rel[test], p_ch[test] = model.predict_proba([texts[i] for i in test])
    weight = table["weight"].to_numpy()
    thresholds = choose_thresholds(p_rel, p_ch, relevance, Y, weight)
    predicted, _ = decide(p_rel, p_ch, thresholds)
    predicted = np.asarray(predicted)
    say(f"final fit on {len(table):,} texts")
    model = make_model().fit(texts, relevance, Y)
    model.thresholds = thresholds
    model.training_info = {
        "rows": len(table),
        "label_counts": {k: int(v) for k, v in table["relevance"].value_counts().items()},
        "rows_by_source": {k: int(v) for k, v in table["source"].value_counts().items()},
        "out_of_fold_validation": {
            "relevant_f1": float(fbeta_score(relevance != "none", predicted != "none", beta=1,
                                             sample_weight=weight)),
            "direct_f1": float(fbeta_score(relevance == "direct", predicted == "direct", beta=1,
                                           sample_weight=weight)),
            "labels": "training labels (silver where available, else weak), stratum-weighted",
            **_silver_average_precision(table, p_rel),
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
        "split": (f"thresholds chosen on {folds}-fold out-of-fold predictions of the training labels "
                  "(grouped by text, stratified by relevance), stratum-weighted; the final model is fitted "
                  "on every training text; the dev gold set is never trained or tuned on"),
    }
    return model


def _silver_average_precision(table: pd.DataFrame, p_rel: np.ndarray) -> dict:
    """Out-of-fold average precision of ``direct`` (on p_direct) and relevant (on p_direct +
    p_indirect) against the silver rows' labels, stratum-weighted; empty without silver rows.
    Unlike the weak labels, which are functions of the cues, the silver labels were made
    without them, so this is the fair figure for comparing feature sets (e.g. cue weights)."""
    silver = (table["source"] == "silver").to_numpy()
    if not silver.any():
        return {}
    relevance, weight = table["relevance"].to_numpy()[silver], table["weight"].to_numpy()[silver]
    return {"silver_direct_average_precision": float(average_precision_score(
                relevance == "direct", p_rel[silver, 0], sample_weight=weight)),
            "silver_relevant_average_precision": float(average_precision_score(
                relevance != "none", p_rel[silver, 0] + p_rel[silver, 1], sample_weight=weight))}
