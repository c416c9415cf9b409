"""Write labelled records as CSV, JSONL or Parquet, chunk by chunk and atomically.

Rows go to ``OUT.partial`` beside the output; only a finished job renames it to ``OUT``
(``os.replace``), so a crash never leaves a half file that looks whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

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


class AtomicTableWriter:
    """Append DataFrames to ``path + '.partial'``; :meth:`commit` renames it to ``path``.

    List-valued columns are written as ``"; "``-joined strings in CSV and as lists in JSONL
    and Parquet. Every chunk must have the columns of the first.

    Parameters
    ----------
    path : str or Path
    resume : bool
        Keep an existing partial file and append to it (CSV and JSONL only).
    """

    def __init__(self, path, resume: bool = False):
        self.path = Path(path)
        self.fmt = output_format(self.path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.columns = None
        self._parquet = None
        if not resume and self.partial.exists():
            self.partial.unlink()

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
        elif self.fmt == "jsonl":
            with open(self.partial, "a", encoding="utf-8") as fh:
                for record in frame.to_dict(orient="records"):
                    fh.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._parquet is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                self._parquet = pq.ParquetWriter(self.partial, table.schema)
            else:
                table = pa.Table.from_pandas(frame, schema=self._parquet.schema, preserve_index=False)
            self._parquet.write_table(table)

    def commit(self) -> None:
        """Close the partial file and rename it to the final path."""
        if self._parquet is not None:
            self._parquet.close()
        if not self.partial.exists():
            self.partial.touch()
        os.replace(self.partial, self.path)


def _plain(value):
    """JSON-ready scalar: NaN and pandas NA to None, numpy scalars to Python."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
