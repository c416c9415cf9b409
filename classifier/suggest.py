"""Rank untagged records that the model scores as election-relevant, for database maintainers.

A maintainer of the UPR Info database wants a short list to review, not 50,000 scores.
:func:`suggest` keeps the records that lack the ``Elections`` tag (and any OHCHR election
theme) but that the model labels ``direct`` or ``indirect``, collapses records sharing a
text into one suggestion, ranks them (``direct`` first, then by probability) and adds the evidence: the n-grams
that pushed the score up. :func:`write_suggestions` exports them as a CSV ready for a
spreadsheet review (``decision``, ``reviewer``, ``comment`` left empty) and as JSONL, which
``upr-elect review`` uses to check the reviewed file.

:func:`read_labelled` is the shared entry of ``count`` and ``suggest``: it reads the output
of ``upr-elect label`` as it is, or labels raw inputs in memory chunk by chunk.
"""

from __future__ import annotations

import difflib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.loaders import TAGS_COLUMN_NAMES, TEXT_COLUMN_NAMES, InputError, InputWarning, input_files, \
    read_tables, split_tags, table_columns
from ..data.outputs import OutputError
from ..data.review_store import REVIEW_COLUMNS
from .batch import LABEL_COLUMNS, is_election_tagged, label_chunk, model_tag
from .inference import ModelError, load_model
from .labels import CHANNELS, RELEVANCE

EVIDENCE_MODEL = "baseline-tfidf"
"""Shipped model whose n-gram weights explain the scores of models without their own
:meth:`evidence` (the transformer)."""


@dataclass
class Labelled:
    """Labelled records and the model that labelled them.

    Attributes
    ----------
    frame : pandas.DataFrame of shape (n_records, n_columns)
        ``rec_id``, ``source_file``, ``source_row``, ``input_problem``, the input's columns
        and :data:`~upr_elect.classifier.batch.LABEL_COLUMNS`; ``channels`` is a list,
        ``p_direct`` / ``p_indirect`` floats (NaN and ``relevance`` None where a record was
        not labelled), ``session`` and ``cycle`` nullable integers where present.
    text_column : str
    tags_column : str or None
    model
        The loaded model whose ``name@version`` is in the ``model`` column.
    """

    frame: pd.DataFrame
    text_column: str
    tags_column: str | None
    model: object


STATE_COLUMNS = ("state_under_review", "recommending_state", "recommending_states")
"""Columns ``--state`` matches: UPR Info exports name one recommending State per row, OHCHR
documents (:mod:`upr_elect.data.documents`) several, ``"; "``-joined."""


def _read_labelled_file(path: Path) -> pd.DataFrame:
    fmt = path.suffix.lower()
    if fmt == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame["channels"] = frame["channels"].map(lambda v: [c for c in v.split("; ") if c])
        frame["relevance"] = frame["relevance"].map(lambda v: v or None).astype(object)
    elif fmt == ".jsonl":
        frame = pd.read_json(path, lines=True, dtype=False)
        frame["channels"] = frame["channels"].map(lambda v: list(v) if isinstance(v, list) else [])
    else:
        frame = pd.read_parquet(path)
        frame["channels"] = frame["channels"].map(lambda v: [] if v is None else list(v))
    frame["relevance"] = frame["relevance"].astype(object).where(frame["relevance"].notna(), None)
    _check_labels(frame, path)
    for column in ("p_direct", "p_indirect"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in ("session", "cycle"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def _check_labels(frame: pd.DataFrame, path: Path) -> None:
    """Raise InputError at the first row (1 = the first record) whose label columns hold a value
    ``upr-elect label`` never writes: a relevance other than direct / indirect / none (empty:
    not labelled), a probability that is not a number in [0, 1] on a labelled row, an unknown
    channel. The message lists the other rows with the same problem."""
    done = frame["relevance"].notna().to_numpy(dtype=bool)
    checks = [(done & ~frame["relevance"].isin(RELEVANCE).to_numpy(),
               lambda i: f"relevance {frame['relevance'].iloc[i]!r} is not direct, indirect or none "
                         "(empty: not labelled)")]
    for column in ("p_direct", "p_indirect"):
        number = pd.to_numeric(frame[column], errors="coerce")
        checks.append((done & ~number.between(0, 1).to_numpy(dtype=bool),
                       lambda i, c=column: f"{c} {frame[c].iloc[i]!r} is not a probability (a number from 0 to 1)"))
    unknown = frame["channels"].map(lambda names: [c for c in names if c not in CHANNELS])
    checks.append((unknown.map(bool).to_numpy(dtype=bool),
                   lambda i: f"unknown channel(s) {', '.join(unknown.iloc[i])}; channels are {', '.join(CHANNELS)}"))
    for bad, problem in checks:
        rows = np.flatnonzero(bad)
        if len(rows):
            others = ", ".join(str(r + 1) for r in rows[1:11]) + (", …" if len(rows) > 11 else "")
            also = f" (also row{'s' if len(rows) > 2 else ''} {others})" if len(rows) > 1 else ""
            raise InputError(path, f"{problem(rows[0])}{also}; fix the cell or label the input again",
                             int(rows[0]) + 1)


def _find(columns, known) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    return next((lower[n] for n in known if n in lower), None)


def read_labelled(inputs, model: str | None = None, outputs=(), **read_options) -> Labelled:
    """Labelled records from ``upr-elect label`` output, or from raw inputs labelled here.

    Parameters
    ----------
    inputs : list of str or Path
        Either labelled files (``.csv``, ``.jsonl`` or ``.parquet`` with the label columns
        that ``upr-elect label`` writes) or raw inputs (files or folders of any format
        :func:`~upr_elect.data.loaders.read_tables` reads), not a mix.
    model : str, optional
        Model folder or shipped name. For raw inputs: the model to label with (default: the
        best shipped one). For labelled files: where to find the model named in their
        ``model`` column (default: the shipped model of that name).
    outputs : sequence of str or Path
        The command's outputs; a folder's copy of one is not read
        (:func:`~upr_elect.data.loaders.input_files`).
    read_options
        Passed to :func:`~upr_elect.data.loaders.read_tables` for raw inputs.

    Returns
    -------
    Labelled

    Raises
    ------
    InputError
        Mixed labelled and raw inputs, several models in the ``model`` column, no text
        column, a label cell ``upr-elect label`` never writes (relevance other than direct /
        indirect / none or empty, a probability not in [0, 1], an unknown channel), or any
        reading problem.
    ModelError
        The model is missing, is not the version that made the labels, or does not
        reproduce their stored probabilities (checked on 200 records).
    """
    files = input_files(inputs, outputs)
    labelled = [set(LABEL_COLUMNS) <= set(table_columns(f)) for f in files]
    if any(labelled) and not all(labelled):
        raw = files[labelled.index(False)]
        raise InputError(raw, "is not labelled while other inputs are: give either files written by "
                              "`upr-elect label` or raw inputs, not both")
    if not all(labelled):
        loaded = load_model(model)
        frames, text_column, tags_column = [], None, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)  # kept rows carry input_problem
            for chunk in read_tables(files, **read_options):
                frames.append(label_chunk(loaded, chunk))
                text_column, tags_column = chunk.text_column, chunk.tags_column
        return Labelled(pd.concat(frames, ignore_index=True), text_column, tags_column, loaded)

    frame = pd.concat([_read_labelled_file(f) for f in files], ignore_index=True)
    used = sorted(set(frame.loc[frame["relevance"].notna(), "model"].astype(str)))
    if len(used) != 1:
        raise InputError(files[0], f"records were labelled by {len(used)} models ({', '.join(used) or 'none'}); "
                                   "count and suggest need the labels of one model")
    loaded = load_model(model or used[0].rsplit("@", 1)[0])
    if model_tag(loaded) != used[0]:
        raise ModelError(f"the labels were made by {used[0]} but the model found is {model_tag(loaded)}; "
                         "relabel the input, or give --model with the folder of the model that made them")
    own = [c for c in frame.columns if c not in LABEL_COLUMNS]
    text_column = _find(own, TEXT_COLUMN_NAMES)
    if text_column is None:
        raise InputError(files[0], "has no text column ('text' or 'recommendation')")
    _check_predictions(frame, text_column, loaded)
    return Labelled(frame, text_column, _find(own, (*TAGS_COLUMN_NAMES, "themes")), loaded)


def _check_predictions(frame: pd.DataFrame, text_column: str, model, n: int = 200) -> None:
    """Raise ModelError unless ``model`` reproduces the stored probabilities of up to ``n``
    labelled records: a model retrained under the same ``name@version`` would otherwise pass
    for the one that made the labels, and its gold error rates would not apply to them."""
    done = frame[frame["relevance"].notna().to_numpy(dtype=bool)]
    sample = done.sample(min(n, len(done)), random_state=0)
    p_relevance, _ = model.predict_proba(sample[text_column].astype(str).tolist())
    stored = sample[["p_direct", "p_indirect"]].to_numpy(float)
    if len(sample) and np.abs(np.round(p_relevance[:, :2], 4) - stored).max() > 1e-3:
        raise ModelError(f"{model_tag(model)} does not reproduce the probabilities stored with the labels: the "
                         "model was changed after labelling (same name and version); relabel the input")


def evidence_source(model):
    """The model whose n-gram weights explain ``model``'s scores, and how to label them.

    Returns
    -------
    explainer
        ``model`` itself when it has ``evidence(text, k)`` (the TF-IDF baseline), else the
        shipped :data:`EVIDENCE_MODEL`.
    label : str
        ``name@version`` of the explainer, with " (baseline evidence, not the labelling
        model's)" appended when it is not ``model``.

    Raises
    ------
    ModelError
        ``model`` has no evidence of its own and the baseline is not shipped.
    """
    if hasattr(model, "evidence"):
        return model, model_tag(model)
    baseline = load_model(EVIDENCE_MODEL)
    return baseline, f"{model_tag(baseline)} (baseline evidence, not the labelling model's)"


def suggest(labelled: Labelled, top: int = 50, min_probability: float = 0.5, sessions=None,
            state: str | None = None, channel: str | None = None, relevance: str | None = None,
            k: int = 5) -> pd.DataFrame:
    """Untagged records the model labels election-relevant: ``direct`` ones first (the
    ground of the ``Elections`` tag), then ``indirect`` ones, each most probable first (by
    p_direct + p_indirect; ties: higher p_direct first, then rec_id).

    Records with no issue tag at all (session 27 of the 2018 export was never tagged) lack
    the tag too and are kept; their empty ``issues`` cell shows it. One suggestion per
    distinct text (surrounding whitespace stripped): a text recommended
    by several States, or to several States, is reviewed once; ``n_rows`` says how many
    records share it and ``rec_id`` is the first of them in input order.

    Parameters
    ----------
    labelled : Labelled
    top : int
        Keep at most this many suggestions.
    min_probability : float
        Keep records with p_direct + p_indirect at least this (in [0, 1]).
    sessions : set of int, optional
        Keep records of these Working Group sessions.
    state : str, optional
        Keep records whose State under Review or one of whose recommending States is this
        one (case-insensitive; columns :data:`STATE_COLUMNS`).
    channel : str, optional
        Keep records whose predicted channels include this one.
    relevance : str, optional
        Keep records labelled this (``direct`` or ``indirect``).
    k : int
        Evidence n-grams per suggestion.

    Returns
    -------
    pandas.DataFrame of shape (n_suggestions, 16 + 3)
        ``rank``, ``rec_id``, ``text``, ``p_relevant``, ``relevance``, ``channels`` (list),
        ``evidence`` (list of n-grams), ``evidence_from``, ``p_direct``, ``p_indirect``,
        ``session``, ``state_under_review``, ``recommending_state`` (an OHCHR document's
        ``recommending_states``), ``issues``, ``n_rows``,
        ``model``, then the empty review columns ``decision``, ``reviewer``, ``comment``.
        Columns the input lacks (session, States, issues) are empty. ``attrs["qualifying"]``
        is the number of distinct texts that passed the filters, before ``top`` cut them;
        ``attrs["unmatched"]`` says which session or State filter matches no record of the
        input at all (a State's close spellings suggested).

    Raises
    ------
    ValueError
        ``channel`` is not a codebook channel, ``relevance`` not direct or indirect, ``state``
        empty, or a filter names a column the input lacks.
    """
    frame = labelled.frame
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; choose from {', '.join(CHANNELS)}")
    if relevance not in (None, "direct", "indirect"):
        raise ValueError(f"relevance {relevance!r} is not direct or indirect")
    if state is not None and not state.strip():
        raise ValueError("the State to filter by is empty: give its name")
    p_relevant = frame["p_direct"] + frame["p_indirect"]
    wanted = [relevance] if relevance else ["direct", "indirect"]
    keep = frame["relevance"].isin(wanted) & (p_relevant >= min_probability)
    if labelled.tags_column is not None:
        keep &= ~frame[labelled.tags_column].map(lambda v: is_election_tagged(split_tags(v)))
    unmatched = []
    if sessions is not None:
        if "session" not in frame:
            raise ValueError("the input has no session column, so --session cannot filter it")
        in_sessions = frame["session"].isin(sorted(sessions)).fillna(False)
        if not in_sessions.any():
            present = frame["session"].dropna()
            unmatched.append(f"no record is of the sessions chosen (the input's run from {present.min()} to "
                             f"{present.max()})" if len(present) else "no record has a session")
        keep &= in_sessions
    if state is not None:
        columns = [c for c in STATE_COLUMNS if c in frame]
        if not columns:
            raise ValueError("the input has no State columns, so --state cannot filter it")
        names = [frame[c].fillna("").astype(str).map(lambda v: {n.strip() for n in v.split(";") if n.strip()})
                 for c in columns]
        wanted = state.strip().casefold()
        of_state = np.logical_or.reduce([n.map(lambda ns: wanted in {x.casefold() for x in ns}).to_numpy()
                                         for n in names])
        if not of_state.any():
            every = sorted(set().union(*(set().union(*n) for n in names)))
            containing = [n for n in every if wanted in n.casefold()]  # "Venezuela (Bolivarian Republic of)"
            close = list(dict.fromkeys(containing + difflib.get_close_matches(state.strip(), every, n=3)))[:3]
            unmatched.append(f"no record names the State {state!r}" + (f" (did you mean {', '.join(close)}?)"
                                                                      if close else ""))
        keep &= of_state
    if channel is not None:
        keep &= frame["channels"].map(lambda c: channel in c)
    rows = frame[keep.to_numpy(dtype=bool)].assign(p_relevant=p_relevant[keep].round(4),
                                                    text=frame.loc[keep, labelled.text_column].astype(str).str.strip())
    n_rows = rows.groupby("text")["rec_id"].transform("size")
    rows = rows.assign(n_rows=n_rows).drop_duplicates("text")
    qualifying = len(rows)
    rows = rows.assign(indirect=rows["relevance"] == "indirect").sort_values(
        ["indirect", "p_relevant", "p_direct", "rec_id"], ascending=[True, False, False, True]).head(top)
    explainer, evidence_from = evidence_source(labelled.model)
    out = pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1),
        "rec_id": rows["rec_id"].to_numpy(),
        "text": rows["text"].to_numpy(),
        "p_relevant": rows["p_relevant"].to_numpy(),
        "relevance": rows["relevance"].to_numpy(),
        "channels": rows["channels"].tolist(),
        "evidence": [explainer.evidence(t, k) for t in rows["text"]],
        "evidence_from": evidence_from,
        "p_direct": rows["p_direct"].to_numpy(),
        "p_indirect": rows["p_indirect"].to_numpy(),
    })
    for column in ("session", "state_under_review", "recommending_state"):
        source = column if column in rows else f"{column}s"  # OHCHR documents: recommending_states
        out[column] = rows[source].to_numpy() if source in rows else None
    out["issues"] = rows[labelled.tags_column].to_numpy() if labelled.tags_column else None
    out["n_rows"] = rows["n_rows"].to_numpy()
    out["model"] = model_tag(labelled.model)
    for column in REVIEW_COLUMNS:
        out[column] = ""
    out.attrs["qualifying"] = qualifying
    out.attrs["unmatched"] = unmatched
    return out


def write_suggestions(suggestions: pd.DataFrame, path) -> tuple[Path, Path]:
    """Write suggestions as a spreadsheet-ready CSV and as JSONL beside it.

    Parameters
    ----------
    suggestions : pandas.DataFrame
        From :func:`suggest`.
    path : str or Path
        Output path; the CSV gets suffix ``.csv`` and the JSONL ``.jsonl`` (same stem). The
        JSONL is the reference ``upr-elect review`` checks the reviewed CSV against: keep it.

    Returns
    -------
    csv_path, jsonl_path : Path

    Raises
    ------
    OutputError
        The folder does not exist.
    """
    csv_path, jsonl_path = Path(path).with_suffix(".csv"), Path(path).with_suffix(".jsonl")
    if not csv_path.resolve().parent.is_dir():
        raise OutputError(f"{path}: folder {csv_path.resolve().parent} does not exist")
    flat = suggestions.copy()
    for column in ("channels", "evidence"):
        flat[column] = flat[column].map("; ".join)
    # A byte-order mark makes spreadsheet programs read the file as UTF-8.
    flat.to_csv(csv_path, index=False, encoding="utf-8-sig", lineterminator="\n")
    with open(jsonl_path, "w", encoding="utf-8") as fh:
        for record in suggestions.to_dict(orient="records"):
            plain = {k: (None if v is None or (isinstance(v, float) and v != v) or v is pd.NA
                         else v.item() if hasattr(v, "item") else v) for k, v in record.items()}
            fh.write(json.dumps(plain, ensure_ascii=False) + "\n")
    return csv_path, jsonl_path
