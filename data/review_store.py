"""Maintainers' review decisions: read reviewed suggestion files, keep them in a local SQLite
label store, and turn them into training labels.

A reviewer fills the ``decision`` column of a suggestion file (written by
:func:`upr_elect.classifier.suggest.write_suggestions`) with one of:

- ``accept`` — the suggestion is right: the text is relevant with the suggested relevance
  and channels;
- ``direct`` or ``indirect`` — the text affects elections, with this relevance rather than
  the suggested one, and the suggested channels (``indirect``: it bears on elections
  through a freedom or right but is not about elections themselves, so it would not carry
  the ``Elections`` tag; codebook, "relevance");
- ``reject`` — the text does not affect elections at all (relevance ``none``, no
  channels); a text that is not for the ``Elections`` tag but affects elections
  indirectly is ``indirect``, not ``reject``;
- ``channels:<channel>;<channel>…`` — relevant with the suggested relevance, but these
  channels (codebook names, ``;`` or ``,`` between them), e.g.
  ``channels:expression_media;assembly``.

An empty decision means "not reviewed yet" and is skipped. The store is append-only (the
database refuses updates and deletes); the latest decision per record wins, and storing a
decision that is already there (same ``rec_id``, decision, reviewer and comment) is a
no-op, so reviewing the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import platformdirs

from ..classifier.labels import CHANNELS, cycle_of_session
from .loaders import InputError, csv_field_counts, sniff_separator, table_columns, table_error
from .outputs import OutputError, plural

REVIEW_COLUMNS = ("decision", "reviewer", "comment")
"""Columns a reviewer fills in; a suggestion file has them empty."""

DECISION_HELP = ("accept, direct, indirect, reject or channels:<channel>;<channel>… "
                 "(e.g. channels:expression_media;assembly)")

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rec_id TEXT NOT NULL,
    text TEXT NOT NULL,
    session INTEGER,
    decision TEXT NOT NULL,
    relevance TEXT NOT NULL,
    channels TEXT NOT NULL,
    suggested_relevance TEXT NOT NULL,
    suggested_channels TEXT NOT NULL,
    model TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    comment TEXT NOT NULL,
    reviewed_file TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (rec_id, decision, reviewer, comment);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the label store is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the label store is append-only'); END;
"""


def default_store_path() -> Path:
    """``reviews.sqlite`` in the user's data folder (``platformdirs.user_data_dir("upr-elect")``)."""
    return Path(platformdirs.user_data_dir("upr-elect")) / "reviews.sqlite"


def parse_decision(value: str, suggested_relevance: str, suggested_channels) -> tuple[str, str, list[str]]:
    """Read one reviewer decision.

    Parameters
    ----------
    value : str
        The ``decision`` cell (case and surrounding spaces ignored).
    suggested_relevance : str
        ``direct`` or ``indirect``, as suggested.
    suggested_channels : list of str
        As suggested.

    Returns
    -------
    decision : str
        Normalised: ``accept``, ``direct``, ``indirect``, ``reject`` or ``channels:a;b``
        (channels in codebook order).
    relevance : str
    channels : list of str

    Raises
    ------
    ValueError
        Not one of the allowed decisions, or an unknown or missing channel.
    """
    text = value.strip().lower()
    if text == "accept":
        return "accept", suggested_relevance, list(suggested_channels)
    if text == "reject":
        return "reject", "none", []
    if text in ("direct", "indirect"):
        return text, text, list(suggested_channels)
    if text.startswith("channels:"):
        names = [c.strip() for c in re.split(r"[;,]", text[len("channels:"):]) if c.strip()]
        unknown = [c for c in names if c not in CHANNELS]
        if unknown:
            raise ValueError(f"unknown channel(s) {', '.join(unknown)}; channels are {', '.join(CHANNELS)}")
        if not names:
            raise ValueError("channels: names no channel (a relevant text has at least one)")
        chosen = [c for c in CHANNELS if c in names]
        return "channels:" + ";".join(chosen), suggested_relevance, chosen
    raise ValueError(f"decision {value!r} is not one of {DECISION_HELP}")


def read_suggestions(path) -> pd.DataFrame:
    """The JSONL suggestion file written by ``upr-elect suggest``.

    Raises
    ------
    InputError
        Missing file, invalid JSON, or no ``rec_id`` column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such suggestion file; give the .jsonl that `upr-elect suggest` wrote "
                               "beside the CSV (--suggestions)")
    try:
        frame = pd.read_json(path, lines=True, dtype=False)
    except ValueError as err:
        raise InputError(path, f"is not a JSONL suggestion file ({err})") from None
    if "rec_id" not in frame or "relevance" not in frame:
        raise InputError(path, "is not a suggestion file (no rec_id / relevance columns)")
    return frame


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError(path, "is empty (not even a header); review the file that `upr-elect suggest` "
                               "wrote, keeping its header")
    if suffix == ".csv":
        try:
            sep = sniff_separator(path)
            with warnings.catch_warnings():  # pandas only warns when the first row is too long
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                    index_col=False)
            columns = list(frame.columns)
            needed = columns.index("decision") + 1 if "decision" in columns else len(columns)
            for row, (line, count) in enumerate(csv_field_counts(path, "utf-8-sig", sep, keep_blank=False), 1):
                if count < needed:  # pandas pads it: its decision would be lost unseen
                    raise InputError(path, f"row {row} has {count} of {len(frame.columns)} fields (cut short: a "
                                           "line break inside an unquoted cell?)", line, "line")
            return frame
        except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
            raise table_error(path, str(err), sep) from None
        except UnicodeDecodeError:
            if path.read_bytes()[:4] == b"PK\x03\x04":
                raise InputError(path, "is an XLSX workbook named .csv: rename it to .xlsx") from None
            raise InputError(path, "is not UTF-8 text (a spreadsheet's plain 'CSV' is often Windows-1252): "
                                   "save it as 'CSV UTF-8' or as .xlsx") from None
    if suffix == ".xlsx":
        try:
            return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
        except zipfile.BadZipFile:
            raise InputError(path, "is not an XLSX workbook (save it from the spreadsheet as .xlsx)") from None
    if suffix == ".jsonl":
        try:
            return pd.read_json(path, lines=True, dtype=False).astype(object).fillna("").astype(str)
        except ValueError as err:
            raise InputError(path, f"is not JSONL, one JSON object per line ({err})") from None
    raise InputError(path, "reviewed file must be .csv, .xlsx or .jsonl")


def check_no_decisions(path) -> None:
    """Refuse to write suggestions over a file that holds a reviewer's work, or over a file
    ``suggest`` did not write.

    Raises
    ------
    OutputError
        ``path`` exists and has filled ``decision`` cells (or cannot be read to tell), or
        it is not a suggestion file (no ``rec_id`` and ``decision`` columns).
    """
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return
    if not {"rec_id", "decision"} <= set(table_columns(path)):
        raise OutputError(f"{path}: exists and is not a suggestion file; write the suggestions to another "
                          "file (suggest writes OUT.csv and OUT.jsonl)")
    try:
        frame = _read_table(path)
    except InputError as err:
        raise OutputError(f"{path}: exists and cannot be read to tell whether it holds review decisions "
                          f"({err}); write the suggestions to another file") from None
    filled = int((frame.get("decision", pd.Series(dtype=str)).astype(str).str.strip() != "").sum())
    if filled:
        raise OutputError(f"{path}: holds {plural(filled, 'review decision')}; store them with "
                          f"`upr-elect review {path}` and move the file away, or write the suggestions "
                          "to another file")


def read_reviewed(path, suggestions=None, reviewer: str | None = None) -> pd.DataFrame:
    """Read and validate a reviewed suggestion file.

    Parameters
    ----------
    path : str or Path
        The suggestion CSV (or XLSX / JSONL) with ``decision``, ``reviewer``, ``comment``
        filled in; rows with an empty decision are skipped.
    suggestions : str or Path, optional
        The JSONL ``upr-elect suggest`` wrote; default: ``path`` with suffix ``.jsonl``.
        Record ids, texts and suggested labels are taken from it, never from the edited
        file.
    reviewer : str, optional
        Reviewer of rows whose ``reviewer`` cell is empty.

    Returns
    -------
    pandas.DataFrame of shape (n_decisions, 11)
        ``rec_id``, ``text``, ``session``, ``decision`` (normalised), ``relevance``,
        ``channels`` (list), ``suggested_relevance``, ``suggested_channels`` (list),
        ``model``, ``reviewer``, ``comment``.

    Raises
    ------
    InputError
        Names the file and every bad row (1-based data row; header is row 0): missing
        columns, a rec_id not in the suggestion file, a rec_id given twice, a decision
        outside :data:`DECISION_HELP`, no reviewer.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    reviewed = _read_table(path)
    missing = [c for c in ("rec_id", "decision") if c not in reviewed]
    if missing:
        raise InputError(path, f"has no {' or '.join(missing)} column; review the CSV that "
                               "`upr-elect suggest` wrote, keeping its header", 0)
    suggestions = Path(suggestions) if suggestions else path.with_suffix(".jsonl")
    known = read_suggestions(suggestions).drop_duplicates("rec_id").set_index("rec_id")
    problems, first_row, out, unreviewed = [], {}, [], []
    for row, record in enumerate(reviewed.to_dict(orient="records"), start=1):
        rec_id = str(record["rec_id"]).strip()
        if rec_id in first_row:
            problems.append(f"row {row}: rec_id {rec_id} repeats row {first_row[rec_id]}")
            continue
        first_row[rec_id] = row
        if rec_id not in known.index:
            problems.append(f"row {row}: rec_id {rec_id!r} is not in the suggestion file {suggestions.name}")
            continue
        if not str(record["decision"]).strip():
            continue
        suggestion = known.loc[rec_id]
        try:
            decision, relevance, channels = parse_decision(str(record["decision"]), suggestion["relevance"],
                                                           suggestion["channels"])
        except ValueError as err:
            problems.append(f"row {row}: {err}")
            continue
        who = str(record.get("reviewer", "")).strip() or reviewer
        if not who:
            unreviewed.append(row)
            continue
        session = suggestion.get("session")
        out.append({"rec_id": rec_id, "text": suggestion["text"],
                    "session": None if session is None or session != session else int(session),
                    "decision": decision, "relevance": relevance, "channels": channels,
                    "suggested_relevance": suggestion["relevance"],
                    "suggested_channels": list(suggestion["channels"]), "model": suggestion["model"],
                    "reviewer": who, "comment": str(record.get("comment", "")).strip()})
    if unreviewed:
        rows = ", ".join(map(str, unreviewed[:20])) + (", …" if len(unreviewed) > 20 else "")
        problems.append(f"row{'s' if len(unreviewed) > 1 else ''} {rows}: no reviewer; fill the reviewer "
                        "column or give --reviewer")
    if problems:
        shown = "; ".join(problems[:20]) + (f"; … and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise InputError(path, f"nothing stored: {shown}")
    return pd.DataFrame(out, columns=["rec_id", "text", "session", "decision", "relevance", "channels",
                                      "suggested_relevance", "suggested_channels", "model", "reviewer",
                                      "comment"])


class ReviewStore:
    """Append-only SQLite store of review decisions.

    Parameters
    ----------
    path : str or Path, optional
        Database file, created with its folder if missing; default :func:`default_store_path`.
    """

    def __init__(self, path=None):
        self.path = Path(path) if path is not None else default_store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        """A connection that commits on success, rolls back on error, and is always closed."""
        try:
            db = sqlite3.connect(self.path)
        except sqlite3.Error as err:
            raise InputError(self.path, f"cannot open the label store ({err})") from None
        try:
            with db:
                yield db
        except sqlite3.DatabaseError as err:  # e.g. a file that is not an SQLite database
            raise InputError(self.path, f"cannot use it as the label store ({err}); give a store written by "
                                        "`upr-elect review`, or a new file name, with --store") from None
        finally:
            db.close()

    def add(self, decisions: pd.DataFrame, reviewed_file: str) -> tuple[int, int]:
        """Append decisions, skipping those already stored.

        Parameters
        ----------
        decisions : pandas.DataFrame
            From :func:`read_reviewed`.
        reviewed_file : str
            Name recorded with each decision.

        Returns
        -------
        added, skipped : int
            ``skipped`` counts decisions already stored with the same rec_id, decision,
            reviewer and comment (at any time, so re-reviewing an old file never revives
            its decisions over newer ones).
        """
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        added = skipped = 0
        with self._connect() as db:
            for d in decisions.to_dict(orient="records"):
                seen = db.execute("SELECT 1 FROM decisions WHERE rec_id=? AND decision=? AND reviewer=? "
                                  "AND comment=? LIMIT 1",
                                  (d["rec_id"], d["decision"], d["reviewer"], d["comment"])).fetchone()
                if seen:
                    skipped += 1
                    continue
                db.execute("INSERT INTO decisions (rec_id, text, session, decision, relevance, channels, "
                           "suggested_relevance, suggested_channels, model, reviewer, comment, "
                           "reviewed_file, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (d["rec_id"], d["text"], d["session"], d["decision"], d["relevance"],
                            json.dumps(d["channels"]), d["suggested_relevance"],
                            json.dumps(d["suggested_channels"]), d["model"], d["reviewer"], d["comment"],
                            reviewed_file, now))
                added += 1
        return added, skipped

    def decisions(self, latest: bool = True) -> pd.DataFrame:
        """Stored decisions, oldest first.

        Parameters
        ----------
        latest : bool
            Only the latest decision per ``rec_id`` (the one that counts).

        Returns
        -------
        pandas.DataFrame
            One row per decision with the columns of the ``decisions`` table; ``channels``
            and ``suggested_channels`` as lists.
        """
        where = " WHERE id IN (SELECT MAX(id) FROM decisions GROUP BY rec_id)" if latest else ""
        with self._connect() as db:
            frame = pd.read_sql_query(f"SELECT * FROM decisions{where} ORDER BY id", db)
        for column in ("channels", "suggested_channels"):
            frame[column] = frame[column].map(json.loads)
        return frame


def merge_reviews(table: pd.DataFrame, decisions: pd.DataFrame, held_out=()) -> pd.DataFrame:
    """Put review decisions into a training table.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per distinct text, as built by
        :func:`upr_elect.training.train.training_table` (``text``, ``relevance``,
        ``channels``, ``source``, ``stratum``, ``cycle``, ``elections_tag``, ``weight``).
    decisions : pandas.DataFrame
        :meth:`ReviewStore.decisions` (``text``, ``relevance``, ``channels``, ``session``);
        when several decisions concern one text, the last one wins.
    held_out : iterable of str
        Texts never to train on, e.g. the gold set's ``text``: a reviewer's judgement of a
        gold text would leak it into the model the gold set evaluates.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table``: reviewed texts already in it take the reviewed label and
        ``source = "review"`` (their stratum and weight stay); reviewed texts not in it are
        appended with ``source = "review"``, ``stratum = "review"``, ``weight = 1`` (they
        stand only for themselves), ``cycle`` from their session and ``elections_tag``
        False (suggestions are untagged).
    """
    held = {str(t).strip() for t in held_out}
    reviews = decisions.assign(text=decisions["text"].astype(str).str.strip())
    reviews = reviews[~reviews["text"].isin(held)].drop_duplicates("text", keep="last").set_index("text")
    out = table.copy()
    hit = out["text"].isin(reviews.index)
    out.loc[hit, "relevance"] = out.loc[hit, "text"].map(reviews["relevance"])
    out.loc[hit, "channels"] = pd.Series(out.loc[hit, "text"].map(reviews["channels"]).tolist(),
                                         index=out.index[hit], dtype=object)
    out.loc[hit, "source"] = "review"
    new = reviews[~reviews.index.isin(out["text"])].reset_index()
    if len(new):
        extra = pd.DataFrame({
            "text": new["text"], "relevance": new["relevance"], "channels": new["channels"],
            "source": "review", "stratum": "review",
            "cycle": pd.array([cycle_of_session(s) for s in new["session"]], dtype="Int64"),
            "elections_tag": False, "weight": 1.0})
        out = pd.concat([out, extra], ignore_index=True)
    return out
