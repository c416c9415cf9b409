"""Training and evaluation tables built from the shared data (``../shared/data``).

The unit of every table here is a **distinct text**: a recommendation's text with
surrounding whitespace stripped, as in the gold set's strata (``../shared/data/README.md``).
A text made jointly by several States, or repeated across States under Review, is one
unit, so no split can put the same text on both sides.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..classifier.labels import CHANNELS, ELECTIONS_TAG, RELEVANCE, STRATUM_KEYWORDS, cycle_of_session
from ..data.loaders import InputError, jsonl_records, load_upr_export, split_tags

EXPORT_DIR = "upr-info-export-2018-07-25"
GOLD_FILE = "gold/dev.jsonl"
SILVER_FILE = "silver/silver.jsonl"

S3_RELATED_TAGS = frozenset({
    "Freedom of association and peaceful assembly", "Freedom of opinion and expression",
    "Freedom of the press", "Civil society", "Human rights defenders", "Minorities",
    "Racial discrimination", "Indigenous peoples", "Corruption",
    "Statelessness and the right to nationality", "Freedom of movement", "Women's rights",
    "Disabilities", "CP rights - general", "Justice", "Impunity",
})
"""Issue tags that put an untagged, keyword-free text in stratum ``S3_untagged_related``."""

STRATA = ("S1_tagged", "S2_untagged_kw", "S3_untagged_related", "S4_untagged_other",
          "S5_s27_unlabelled")


def default_data_dir() -> Path:
    """The shared data folder: ``$UPR_ELECT_DATA`` if set, else ``../shared/data`` beside
    the project root (the folder holding ``pyproject.toml``) or beside the working folder."""
    if os.environ.get("UPR_ELECT_DATA"):
        return Path(os.environ["UPR_ELECT_DATA"])
    root = Path(__file__).resolve().parents[1]
    for base in (root, Path.cwd()):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return root.parent / "shared" / "data"


def text_key(text: str) -> str:
    """The distinct-text unit: the text with surrounding whitespace stripped."""
    return str(text).strip()


def text_hash(text: str) -> str:
    """SHA-1 hex digest of the stripped text; the gold and silver ``item_id`` are a letter
    plus its first 8 digits."""
    return hashlib.sha1(text_key(text).encode("utf-8")).hexdigest()


def stratum_of(tags: set, text: str, earliest_session) -> str:
    """Gold-sampling stratum of a distinct text (``../shared/data/README.md``, gold/).

    Parameters
    ----------
    tags : set of str
        Union of UPR Info issue tags over all rows with this text.
    text : str
    earliest_session : int or None
        Earliest session the text appears in; None (the blank-session row) counts with
        sessions 1-26.
    """
    if earliest_session is not None and earliest_session >= 27:
        return "S5_s27_unlabelled"
    if ELECTIONS_TAG in tags:
        return "S1_tagged"
    if STRATUM_KEYWORDS.search(text):
        return "S2_untagged_kw"
    if tags & S3_RELATED_TAGS:
        return "S3_untagged_related"
    return "S4_untagged_other"


def distinct_texts(export: pd.DataFrame) -> pd.DataFrame:
    """Collapse export rows into distinct texts.

    Parameters
    ----------
    export : pandas.DataFrame
        Output of :func:`upr_elect.data.loaders.load_upr_export`.

    Returns
    -------
    pandas.DataFrame of shape (n_texts, 8)
        ``text_hash``, ``text``, ``n_rows``, ``session`` (earliest; <NA> only if every row
        lacks one), ``cycle`` (of that session), ``issues`` (sorted union, list),
        ``elections_tag`` (bool: some row carries it; session 27 rows carry no tags),
        ``stratum``.
    """
    rows = pd.DataFrame({"text": export["recommendation"].map(text_key),
                         "session": export["session"].astype("float"),
                         "issues": export["issues"].map(split_tags)})
    grouped = rows.groupby("text", sort=True)
    frame = grouped.agg(n_rows=("session", "size"), session=("session", "min")).reset_index()
    tags = rows.explode("issues").dropna(subset="issues").groupby("text")["issues"].agg(
        lambda t: sorted(set(t)))
    frame["issues"] = frame["text"].map(tags).map(lambda t: t if isinstance(t, list) else [])
    frame["session"] = frame["session"].map(lambda s: None if s != s else int(s))
    frame["cycle"] = frame["session"].map(cycle_of_session)
    frame["elections_tag"] = frame["issues"].map(lambda t: ELECTIONS_TAG in t)
    frame["stratum"] = [stratum_of(set(t), x, s) for t, x, s in
                        zip(frame["issues"], frame["text"], frame["session"])]
    frame.insert(0, "text_hash", frame["text"].map(text_hash))
    frame["session"] = frame["session"].astype("Int64")
    frame["cycle"] = frame["cycle"].astype("Int64")
    return frame


def load_annotations(path) -> pd.DataFrame:
    """Read a gold or silver JSONL file annotated against the codebook.

    Returns
    -------
    pandas.DataFrame
        The file's fields plus ``text_hash``; gold files also get ``weight`` =
        ``stratum_population`` / (gold records in the stratum), the number of database
        texts each record stands for.

    Raises
    ------
    InputError
        Missing file, invalid JSON, or a label outside the codebook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    records = []
    for number, record in jsonl_records(path):
        if record.get("relevance") not in RELEVANCE:
            raise InputError(path, f"relevance {record.get('relevance')!r} is not one of "
                                   f"{', '.join(RELEVANCE)}", number, "line")
        unknown = set(record.get("channels") or []) - set(CHANNELS)
        if unknown:
            raise InputError(path, f"unknown channels {sorted(unknown)}", number, "line")
        records.append(record)
    frame = pd.DataFrame(records)
    frame["text_hash"] = frame["text"].map(text_hash)
    if "stratum_population" in frame:
        size = frame.groupby("stratum")["stratum"].transform("size")
        frame["weight"] = frame["stratum_population"] / size
    return frame


class SharedData:
    """The shared data folder, loaded lazily.

    Parameters
    ----------
    root : str or Path, optional
        Folder with ``upr-info-export-2018-07-25/``, ``gold/`` and ``silver/``; defaults to
        :func:`default_data_dir`.
    """

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_data_dir()

    def require(self) -> "SharedData":
        """Raise InputError unless the folder holds the export, gold and silver files."""
        for part in (EXPORT_DIR, GOLD_FILE, SILVER_FILE):
            if not (self.root / part).exists():
                raise InputError(self.root / part, "not found; point --data or UPR_ELECT_DATA "
                                                   "at the shared data folder")
        return self

    @cached_property
    def export(self) -> pd.DataFrame:
        """The UPR Info export, one row per export row (:func:`load_upr_export`)."""
        return load_upr_export(self.root / EXPORT_DIR)

    @cached_property
    def texts(self) -> pd.DataFrame:
        """Distinct texts of the export (:func:`distinct_texts`)."""
        return distinct_texts(self.export)

    @cached_property
    def gold(self) -> pd.DataFrame:
        """The gold development set, with weights (:func:`load_annotations`)."""
        return load_annotations(self.root / GOLD_FILE)

    @cached_property
    def silver(self) -> pd.DataFrame:
        """The silver training set (:func:`load_annotations`)."""
        return load_annotations(self.root / SILVER_FILE)

    def fingerprint(self) -> dict:
        """SHA-256 of every shared file the models learn from, keyed by relative path."""
        files = sorted((self.root / EXPORT_DIR).glob("*.csv")) + [self.root / SILVER_FILE]
        return {str(f.relative_to(self.root)): hashlib.sha256(f.read_bytes()).hexdigest()
                for f in files}


def channel_matrix(channels) -> np.ndarray:
    """Multi-hot matrix of shape (n_texts, 10) in :data:`CHANNELS` order."""
    index = {c: i for i, c in enumerate(CHANNELS)}
    out = np.zeros((len(channels), len(CHANNELS)), dtype=np.int8)
    for row, names in enumerate(channels):
        for name in names:
            out[row, index[name]] = 1
    return out
