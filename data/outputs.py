"""Write labelled records as CSV, JSONL or Parquet, chunk by chunk and atomically.

Rows go to ``OUT.partial`` beside the output; only a finished job renames it to ``OUT``
(``os.replace``), so a crash never leaves a half file that looks whole.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from .loaders import CHECKPOINT_SUFFIX, InputWarning, input_files

OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}


class OutputError(Exception):
    """An output path this module cannot write."""


def output_format(path: Path) -> str:
    """``csv``, ``jsonl`` or ``parquet`` from the output's extension.

    Raises
    ------
    OutputError
        Any other extension, or a folder that does not exist.
    """
    fmt = OUTPUT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(f"{path}: output must end in .csv, .jsonl or .parquet")
    if not Path(path).resolve().parent.is_dir():
        raise OutputError(f"{path}: folder {Path(path).resolve().parent} does not exist")
    return fmt


def check_output(path, inputs=(), suffixes: tuple[str, ...] | None = None, what: str = "output",
                 beside=()) -> None:
    """Refuse, before any work, an output that would overwrite an input or cannot be written.

    Parameters
    ----------
    path : str or Path
        The output the user gave.
    inputs : sequence of str or Path
        The command's inputs (folders are expanded as :func:`~upr_elect.data.loaders.input_files`
        does, leaving out ``path`` and the files in ``beside``); no file named on its own may
        be one of them.
    suffixes : tuple of str, optional
        Accepted extensions; default: those of :data:`OUTPUT_FORMATS`.
    what : str
        What is written, for the message ("labels", "counts", …).
    beside : sequence of Path
        Other files the command writes with ``path`` (``OUT.partial``, ``suggest``'s JSONL).

    Raises
    ------
    OutputError
        ``path`` or a file in ``beside`` is an input or a folder; unknown extension; folder
        missing or not writable.
    InputError
        An input does not exist.
    """
    path = Path(path)
    written = (path, *map(Path, beside))
    with warnings.catch_warnings():  # reading the inputs warns about skipped files, once
        warnings.simplefilter("ignore", InputWarning)
        files = input_files(inputs, outputs=written)
    for target in written:
        also = "" if target == path else f" writes {target} beside it, which"
        if any(source.resolve() == target.resolve() for source in files):
            raise OutputError(f"{path}:{also} is also an input; write the {what} to another file")
        if target.is_dir():
            raise OutputError(f"{path}:{also} is a folder; give a file name")
    suffixes = suffixes or tuple(OUTPUT_FORMATS)
    if path.suffix.lower() not in suffixes:
        raise OutputError(f"{path}: output must end in {', '.join(suffixes[:-1])}"
                          f"{' or ' if len(suffixes) > 1 else ''}{suffixes[-1]}")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise OutputError(f"{path}: cannot write in folder {folder} ({err.strerror})") from None


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 record``, ``2 records``, ``1,000 records``."""
    return f"{count:,} {word if count == 1 else plural_form or word + 's'}"


class AtomicTableWriter:
    """Append DataFrames to ``path + '.partial'``; :meth:`commit` renames it to ``path``.

    List-valued columns are written as ``"; "``-joined strings in CSV and as lists in JSONL
    and Parquet. Every chunk must have the columns of the first. Parquet column types come
    from the first chunk with rows (an empty chunk, from a file with a header alone, has
    none). After each chunk a
    checkpoint ``path + '.partial.json'`` records the job's identity, the chunks written and
    the partial file's size, so an interrupted job can be resumed (CSV and JSONL).

    Parameters
    ----------
    path : str or Path
    job : dict
        What identifies the job (inputs and their SHA-256, model, options); a resume must
        match it, and the refusal names the keys that differ.

    Attributes
    ----------
    state : dict
        The caller's running totals (JSON-ready), saved with each checkpoint and restored on
        resume.
    chunks_done : int
        Chunks already in the partial file.
    resume : bool
        Continue from the checkpoint of an interrupted run of the same job.

    Raises
    ------
    OutputError
        ``resume`` with Parquet output, without a checkpoint, or for another job.
    """

    def __init__(self, path, job: dict | None = None, resume: bool = False):
        self.path = Path(path)
        self.fmt = output_format(self.path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.checkpoint = self.path.with_name(self.path.name + CHECKPOINT_SUFFIX)
        self.job = job or {}
        self.columns = None
        self._parquet = None
        self._empty = None
        self.chunks_done = 0
        self.state: dict = {}
        if resume:
            self._resume()
        else:
            self.partial.unlink(missing_ok=True)
            self.checkpoint.unlink(missing_ok=True)

    def _resume(self) -> None:
        if self.fmt == "parquet":
            raise OutputError(f"{self.path}: --resume works with .csv and .jsonl outputs")
        if not self.checkpoint.is_file() or not self.partial.is_file():
            raise OutputError(f"{self.path}: nothing to resume (no {self.checkpoint.name}); run without --resume")
        try:
            state = json.loads(self.checkpoint.read_text(encoding="utf-8"))
            keys = {"job", "chunks", "columns", "bytes", "state"}
            if not isinstance(state, dict) or not keys <= set(state):
                raise ValueError(f"it lacks {', '.join(sorted(keys - set(state or {})))}")
        except (ValueError, TypeError) as err:
            raise OutputError(f"{self.path}: {self.checkpoint.name} is damaged ({err}); run without "
                              "--resume to start again") from None
        job = json.loads(json.dumps(self.job))
        if state["job"] != job:
            differ = sorted(k for k in set(job) | set(state["job"]) if job.get(k) != state["job"].get(k))
            raise OutputError(f"{self.path}: the interrupted run had other inputs, model or options "
                              f"(differing: {', '.join(differ)}); "
                              "run without --resume to start again")
        if self.partial.stat().st_size < state["bytes"]:
            raise OutputError(f"{self.path}: {self.partial.name} is shorter than its checkpoint records "
                              f"({self.partial.stat().st_size:,} of {state['bytes']:,} bytes); run without "
                              "--resume to start again")
        with open(self.partial, "r+b") as fh:  # drop a chunk written after the last checkpoint
            fh.truncate(state["bytes"])
        self.chunks_done, self.columns, self.state = state["chunks"], state["columns"], state["state"]

    def _save_checkpoint(self) -> None:
        state = {"job": self.job, "chunks": self.chunks_done, "columns": self.columns,
                 "bytes": self.partial.stat().st_size, "state": self.state}
        tmp = self.checkpoint.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.checkpoint)

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk (flushed to disk before returning)."""
        if self.columns is None:
            self.columns = list(frame.columns)
        elif list(frame.columns) != self.columns:
            raise OutputError(f"{self.path}: a later input has other columns than the first "
                              f"({sorted(set(frame.columns) ^ set(self.columns))}); label files with "
                              "different columns into separate outputs")
        if self.fmt == "csv":
            out = frame.copy()
            for column in out.columns:
                if out[column].map(lambda v: isinstance(v, list)).any():
                    out[column] = out[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
            header = not self.partial.exists() or self.partial.stat().st_size == 0
            with open(self.partial, "a", encoding="utf-8", newline="") as fh:
                out.to_csv(fh, index=False, header=header, lineterminator="\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._done()
        elif self.fmt == "jsonl":
            with open(self.partial, "a", encoding="utf-8") as fh:
                for record in frame.to_dict(orient="records"):
                    fh.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._done()
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._parquet is None and frame.empty:  # a header alone: its empty columns
                self._empty = self._empty if self._empty is not None else frame  # have no types
                self.chunks_done += 1
                return
            if self._parquet is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                self._parquet = pq.ParquetWriter(self.partial, table.schema)
            else:
                table = pa.Table.from_pandas(frame, schema=self._parquet.schema, preserve_index=False)
            self._parquet.write_table(table)
            self.chunks_done += 1

    def _done(self) -> None:
        self.chunks_done += 1
        self._save_checkpoint()

    def abort(self) -> None:
        """Remove the partial file (the job stopped on an error it reported)."""
        if self._parquet is not None:
            self._parquet.close()
        self.partial.unlink(missing_ok=True)
        self.checkpoint.unlink(missing_ok=True)

    def commit(self) -> None:
        """Close the partial file and rename it to the final path."""
        if self._parquet is None and self._empty is not None:  # only empty chunks came
            self._empty.to_parquet(self.partial, index=False)
        if self._parquet is not None:
            self._parquet.close()
        if not self.partial.exists():
            self.partial.touch()
        os.replace(self.partial, self.path)
        self.checkpoint.unlink(missing_ok=True)


def _plain(value):
    """JSON-ready scalar: NaN and pandas NA to None, numpy scalars to Python."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
