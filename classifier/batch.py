"""Batch labelling: read input files chunk by chunk, label, write one row per input row.

Rows come out in input order, one per input row; a row that cannot be labelled (empty or
non-text cell) is written with its ``input_problem`` and empty labels, never dropped.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..data.loaders import Chunk, InputWarning, read_tables, split_tags
from ..data.outputs import AtomicTableWriter
from .inference import decide
from .labels import ELECTIONS_TAG, OHCHR_ELECTION_THEMES

LABEL_COLUMNS = ("relevance", "p_direct", "p_indirect", "channels", "model", "untagged_candidate")
"""Columns the labeller appends after the input's own."""


def model_tag(model) -> str:
    """``name@version`` of a model, as written in the ``model`` column."""
    return f"{model.name}@{model.card.get('version', 'unversioned')}"


def is_election_tagged(tags) -> bool:
    """True when the tags include UPR Info's ``Elections`` issue or an OHCHR election theme
    (participation in public affairs and the right to vote)."""
    return ELECTIONS_TAG in tags or any(OHCHR_ELECTION_THEMES.search(t) for t in tags)


def label_chunk(model, chunk: Chunk) -> pd.DataFrame:
    """Label one chunk.

    Parameters
    ----------
    model
        A loaded model (see :func:`upr_elect.classifier.inference.load_model`).
    chunk : Chunk

    Returns
    -------
    pandas.DataFrame
        The chunk's frame plus :data:`LABEL_COLUMNS`. ``p_direct`` and ``p_indirect`` are
        rounded to 4 decimals; ``untagged_candidate`` is True for a relevant row whose tags
        are not election tags (:func:`is_election_tagged`), False otherwise, and None when the input has no tags column or
        the row carries no tags.
    """
    frame = chunk.frame
    ok = (frame["input_problem"] == "").to_numpy()
    texts = frame.loc[ok, chunk.text_column].map(str).tolist()
    n = len(frame)
    relevance = np.full(n, None, dtype=object)
    p_direct = np.full(n, np.nan)
    p_indirect = np.full(n, np.nan)
    channels = [[] for _ in range(n)]
    if texts:
        p_rel, p_ch = model.predict_proba(texts)
        rel, chans = decide(p_rel, p_ch, model.thresholds)
        relevance[ok] = rel
        p_direct[ok] = np.round(p_rel[:, 0], 4)
        p_indirect[ok] = np.round(p_rel[:, 1], 4)
        for i, c in zip(np.flatnonzero(ok), chans):
            channels[i] = c
    out = frame.copy()
    out["relevance"] = relevance
    out["p_direct"] = p_direct
    out["p_indirect"] = p_indirect
    out["channels"] = channels
    out["model"] = model_tag(model)
    if chunk.tags_column is None:
        out["untagged_candidate"] = None
    else:
        tags = frame[chunk.tags_column].map(split_tags)
        candidate = [None if not t or r is None else bool(r != "none" and not is_election_tagged(t))
                     for t, r in zip(tags, relevance)]
        out["untagged_candidate"] = pd.Series(candidate, dtype="boolean")
    return out


@dataclass
class LabelSummary:
    """Counts of one labelling job; ``read == labelled + not_labelled``."""

    read: int = 0
    labelled: int = 0
    not_labelled: int = 0
    untagged_candidates: int = 0
    relevance: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def label_files(model, inputs, output, on_chunk: Callable[[int], None] | None = None,
                **read_options) -> LabelSummary:
    """Label every record of ``inputs`` into ``output``.

    Parameters
    ----------
    model
        A loaded model.
    inputs : list of str or Path
        Files or folders (folders read in file-name order).
    output : str or Path
        ``.csv``, ``.jsonl`` or ``.parquet``; written atomically.
    on_chunk : callable(int), optional
        Called with the number of records of each finished chunk (for progress bars).
    read_options
        Passed to :func:`upr_elect.data.loaders.read_table`.

    Returns
    -------
    LabelSummary

    Raises
    ------
    InputError, OutputError
        Nothing is written to ``output`` in that case.
    """
    writer = AtomicTableWriter(output)
    summary = LabelSummary()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        for chunk in read_tables(inputs, **read_options):
            labelled = label_chunk(model, chunk)
            writer.write(labelled)
            summary.read += len(labelled)
            done = labelled["relevance"].notna()
            summary.labelled += int(done.sum())
            summary.not_labelled += int((~done).sum())
            summary.untagged_candidates += int(labelled["untagged_candidate"].fillna(False).astype(bool).sum())
            for value, count in labelled.loc[done, "relevance"].value_counts().items():
                summary.relevance[value] = summary.relevance.get(value, 0) + int(count)
            if on_chunk:
                on_chunk(len(labelled))
    summary.warnings = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    writer.commit()
    return summary
