"""Batch labelling: read input files chunk by chunk, label, write one row per input row.

Rows come out in input order, one per input row; a row that cannot be labelled (empty or
non-text cell) is written with its ``input_problem`` and empty labels, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..data.loaders import (REJECTS_SUFFIX, Chunk, InputError, InputWarning, input_files, read_tables,
                            split_tags)
from ..data.outputs import AtomicTableWriter, check_output, plural
from .inference import decide
from .labels import ELECTIONS_TAG, OHCHR_ELECTION_THEMES
from .transformer import MAX_TOKENS

LABEL_COLUMNS = ("relevance", "p_direct", "p_indirect", "channels", "model", "untagged_candidate")
"""Columns the labeller appends after the input's own."""


def model_tag(model) -> str:
    """``name@version-digest`` of a model, as written in the ``model`` column: the card's
    version (training date) and the first 8 hex digits of the SHA-1 of its artefacts'
    SHA-256 digests and its decision thresholds — everything that decides a label — so two
    models trained on one day, or the same weights with other thresholds, never share a
    tag; ``+int8`` marks a quantised transformer."""
    digests = "".join(sorted(model.card.get("files", {}).values()))
    digests += json.dumps(model.card.get("thresholds", {}), sort_keys=True)
    digest = hashlib.sha1(digests.encode()).hexdigest()[:8]
    suffix = "+int8" if getattr(model, "quantized", False) else ""
    return f"{model.name}@{model.card.get('version', 'unversioned')}-{digest}{suffix}"


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
        The chunk's frame plus :data:`LABEL_COLUMNS` (an input column of one of these names,
        as in an earlier output labelled again, is kept as ``input_<name>``). ``p_direct`` and ``p_indirect`` are
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
    if texts and hasattr(model, "over_window"):
        long_rows = frame.loc[ok, "source_row"][model.over_window(texts)]
        if len(long_rows):
            warnings.warn(InputWarning(
                f"{chunk.file}: {plural(len(long_rows), 'text')} longer than {model.name}'s window of "
                f"{MAX_TOKENS} tokens (first: row {long_rows.iloc[0]}): read as head and tail, the middle left out"))
    if texts:
        p_rel, p_ch = model.predict_proba(texts)
        rel, chans = decide(p_rel, p_ch, model.thresholds)
        relevance[ok] = rel
        p_rel = p_rel.astype(np.float64)  # round in float64, so 0.946 stays 0.946 when written
        p_direct[ok] = np.round(p_rel[:, 0], 4)
        p_indirect[ok] = np.round(p_rel[:, 1], 4)
        for i, c in zip(np.flatnonzero(ok), chans):
            channels[i] = c
    out = frame.rename(columns={c: f"input_{c}" for c in LABEL_COLUMNS if c in frame.columns})
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
    """Counts of one labelling job: ``read == labelled + rejected``. ``rejects`` lists the
    rejected records' places (``source_file``, ``source_row``, ``rec_id``, ``problem``)."""

    read: int = 0
    labelled: int = 0
    rejected: int = 0
    untagged_candidates: int = 0
    relevance: dict = field(default_factory=dict)
    rejects: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def add(self, labelled: pd.DataFrame) -> None:
        """Count one labelled chunk."""
        self.read += len(labelled)
        done = labelled["relevance"].notna()
        self.labelled += int(done.sum())
        self.rejected += int((~done).sum())
        self.untagged_candidates += int(labelled["untagged_candidate"].fillna(False).astype(bool).sum())
        for value, count in labelled.loc[done, "relevance"].value_counts().items():
            self.relevance[value] = self.relevance.get(value, 0) + int(count)
        bad = labelled.loc[~done, ["source_file", "source_row", "rec_id", "input_problem"]]
        self.rejects += [[str(f), int(r), i, p] for f, r, i, p in bad.itertuples(index=False)]


def file_sha256(path) -> str:
    """Hex SHA-256 of a file's content, read in blocks (the inputs of a job, so that
    ``--resume`` notices an input edited since, even to the same size)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def rejects_path(output) -> Path:
    """Where the rejects of ``output`` go: ``OUT.rejects.csv`` beside it."""
    output = Path(output)
    return output.with_name(output.name + REJECTS_SUFFIX)


def _column_mismatch(first: Path, columns: list, other: list) -> str:
    """Why a file cannot go into the same output as ``first``, with the likely cause when
    one of the two is an earlier output of ``label`` (its label columns come back as
    ``input_<name>``)."""
    differ = sorted(set(columns) ^ set(other), key=str)
    message = (f"has other columns than {first}, the first input (differing: {', '.join(map(str, differ))}); "
               "label it into a separate output")
    earlier = [name for name, cols in (("this file", other), (str(first), columns))
               if {f"input_{c}" for c in LABEL_COLUMNS} <= set(cols)]
    if earlier:
        message += f" ({earlier[0]} holds the columns of label's output: an earlier output? move it out of the inputs)"
    return message


def label_files(model, inputs, output, on_chunk: Callable[[int], None] | None = None,
                resume: bool = False, **read_options) -> LabelSummary:
    """Label every record of ``inputs`` into ``output``.

    Parameters
    ----------
    model
        A loaded model.
    inputs : list of str or Path
        Files or folders (folders read in file-name order).
    output : str or Path
        ``.csv``, ``.jsonl`` or ``.parquet``; written atomically. Records that cannot be
        labelled stay in it (with ``input_problem``) and are also listed, with their place
        in the source, in ``OUT.rejects.csv`` (written only when there are any).
    on_chunk : callable(int), optional
        Called with the number of records of each finished chunk (for progress bars).
    resume : bool
        Continue an interrupted run of the same job (same input paths and contents, by
        SHA-256; same model and options) from its last complete chunk; the result is
        byte-identical to an uninterrupted run.
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        files = input_files(inputs, outputs=(output,))
        check_output(output, files, what="labels", beside=(Path(f"{output}.partial"), rejects_path(output)))
        job = {"inputs": [str(f) for f in files], "sizes": [f.stat().st_size for f in files],
               "sha256": [file_sha256(f) for f in files],
               "model": model_tag(model), "options": {k: v for k, v in read_options.items() if v is not None}}
        writer = AtomicTableWriter(output, job=job, resume=resume)
        summary = LabelSummary(**writer.state) if resume else LabelSummary()
        try:
            for number, chunk in enumerate(read_tables(files, **read_options)):
                if number < writer.chunks_done:
                    continue
                labelled = label_chunk(model, chunk)
                if writer.columns is not None and list(labelled.columns) != writer.columns:
                    raise InputError(chunk.file, _column_mismatch(files[0], writer.columns, labelled.columns))
                summary.add(labelled)
                writer.state = {k: v for k, v in asdict(summary).items() if k != "warnings"}
                writer.write(labelled)
                if on_chunk:
                    on_chunk(len(labelled))
        except Exception:
            if not resume:
                writer.abort()
            raise
    summary.warnings = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    rejects_path(output).unlink(missing_ok=True)
    if summary.rejects:
        pd.DataFrame(summary.rejects, columns=["source_file", "source_row", "rec_id", "problem"]).to_csv(
            rejects_path(output), index=False, lineterminator="\n")
    writer.commit()
    return summary
