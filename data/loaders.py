"""Read recommendation tables: UPR Info database exports and generic CSV / TSV / JSONL /
Parquet / XLSX files with a text column.

Every reader yields :class:`Chunk` objects in input order, so a batch job never holds more
than one chunk of a large file. Each record gets a stable ``rec_id`` made from its content
and its occurrence number among identical records (so the exact duplicate rows of the UPR
Info export stay separate records and re-running never changes an id). Bad input raises
:class:`InputError`, which names the file, the row and the problem; a row that can be kept
(an empty text, or a UPR Info export row cut short, say) is kept with a warning and a problem
noted in its ``input_problem`` column. Files are named by the path as the user gave it
(``folder/file`` for a file found in a folder), in messages and in ``source_file``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import itertools
import json
import re
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from ..classifier.labels import cycle_of_session

UPR_INFO_HEADER = ["SuR", "Rgrp", "Org", "Recommendation", "RS", "Rgrp", "Org",
                   "Response", "Action", "Issue", "Session"]
"""Header of a UPR Info database export (``../shared/data/README.md``). ``Rgrp`` and
``Org`` appear twice: first for the State under Review, then for the recommending State."""

UPR_INFO_COLUMNS = ["state_under_review", "sur_regional_group", "sur_organisations",
                    "recommendation", "recommending_state", "rs_regional_group",
                    "rs_organisations", "response", "action", "issues", "session"]
"""Names given to the export's eleven columns, read by position."""

TEXT_COLUMN_NAMES = ("text", "recommendation")
"""Text columns recognised without ``--text-column`` (case-insensitive)."""

TAGS_COLUMN_NAMES = ("issues", "issue", "upr_info_issues")
"""Issue-tag columns recognised without ``--tags-column`` (case-insensitive)."""

ID_COLUMN_NAMES = ("id", "item_id", "recommendation_id", "record_id", "input_rec_id")
"""An input's own id columns, whose duplicated values are reported."""

ADDED_COLUMNS = ("rec_id", "source_file", "source_row", "input_problem")
"""Columns every reader adds in front of the input's own."""

FORMATS = ("upr-info", "csv", "tsv", "jsonl", "parquet", "xlsx", "ohchr-thematic", "ohchr-report", "uhri", "text")

INPUT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".jsonl", ".json", ".parquet", ".xlsx", ".docx", ".pdf")
"""Extensions of the files read from a folder (:func:`input_files`); others are skipped."""

REJECTS_SUFFIX = ".rejects.csv"
"""Ending of the list of rows ``label`` could not label, written beside its output
(``OUT.rejects.csv``); such a file in an input folder is not read as input."""

CHECKPOINT_SUFFIX = ".partial.json"
"""Ending of the checkpoint of an interrupted ``label`` run, written beside its output
(``OUT.partial.json``); such a file in an input folder is not read as input."""

CHUNK_ROWS = 5000


class InputError(Exception):
    """A problem with an input file that stops reading it.

    Parameters
    ----------
    file : str or Path
        The file concerned.
    problem : str
        What is wrong, in one sentence, with what to do about it where that is known.
    row : int, optional
        1-based data row (0: the header) or, with ``unit="line"``, the physical line.
    unit : str
        What ``row`` counts: ``row``, ``line``, ``page``.
    """

    def __init__(self, file, problem: str, row: int | None = None, unit: str = "row"):
        self.file, self.problem, self.row, self.unit = str(file), problem, row, unit
        where = self.file
        if row == 0 and unit == "row":
            where += ", header"
        elif row is not None:
            where += f", {unit} {row}"
        super().__init__(f"{where}: {problem}")


STOP_WORDS = {
    "en": {"the", "and", "of", "to", "in", "for", "on", "with", "its", "all", "that", "by"},
    "fr": {"le", "la", "les", "des", "du", "de", "et", "à", "pour", "dans", "sur", "aux",
           "ses", "qui", "une"},
    "es": {"el", "la", "los", "las", "de", "del", "y", "en", "para", "con", "por", "sus",
           "una", "que"},
}
SCRIPTS = (("ru", re.compile(r"[\u0400-\u04ff]")), ("ar", re.compile(r"[\u0600-\u06ff]")),
           ("zh", re.compile(r"[\u4e00-\u9fff]")))


def guess_language(text: str) -> str:
    """A rough guess of the language of ``text``: "ru", "ar" or "zh" by script, else "en",
    "fr" or "es" by counting common function words (French or Spanish needs two, so that
    "de-criminalise" alone does not make a text French); "" when nothing decides.

    Enough to warn that a text is not English (the models were trained on the English UPR
    Info export), not a language identifier.
    """
    for code, script in SCRIPTS:
        if script.search(text):
            return code
    words = Counter(re.findall(r"\w+", text.lower()))
    scores = {code: sum(words[w] for w in stop) for code, stop in STOP_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= (1 if best == "en" else 2) else ""


class InputWarning(UserWarning):
    """A problem the reader worked around (the row is kept and flagged)."""


@dataclass
class Chunk:
    """A run of consecutive records from one input file.

    Attributes
    ----------
    frame : pandas.DataFrame of shape (n_records, 4 + n_input_columns)
        ``rec_id``, ``source_file`` (the path as given), ``source_row``, ``input_problem``
        then the input's columns as read (UPR Info exports get the names of
        :data:`UPR_INFO_COLUMNS` plus a derived ``cycle``).
    text_column : str
        Column holding the recommendation text.
    tags_column : str or None
        Column holding issue tags (comma-separated), or None when the input has none.
    file : str
        The input file, as given (also in ``source_file``, but a chunk may have no rows).
    """

    frame: pd.DataFrame
    text_column: str
    tags_column: str | None
    file: str = ""


@dataclass
class RecordIds:
    """Gives each record its stable ``rec_id`` and reports duplicated input ids.

    ``rec_id`` = ``"R"`` + the first 16 hex digits of the SHA-1 of the record's values
    (joined with the unit separator) and its occurrence number among identical records
    seen so far in the same run.
    """

    seen: Counter = field(default_factory=Counter)
    input_ids: dict = field(default_factory=dict)

    def assign(self, frame: pd.DataFrame, file: str, id_column: str | None) -> list[str]:
        ids = []
        values = frame.astype(object).where(frame.notna(), "").to_numpy().tolist()
        for row in values:
            content = "\x1f".join(map(str, row)).encode("utf-8", "surrogatepass")
            digest = hashlib.sha1(content).digest()
            self.seen[digest] += 1
            ids.append("R" + hashlib.sha1(digest + str(self.seen[digest]).encode()).hexdigest()[:16])
        if id_column is not None:
            for value, src_row in zip(frame[id_column].astype(str), frame.index):
                first = self.input_ids.setdefault(value, src_row)
                if first != src_row:
                    warnings.warn(InputWarning(
                        f"{file}, row {src_row}: id column '{id_column}' repeats value "
                        f"'{value}' first seen at row {first}"))
        return ids


def detect_format(path: Path, text_column: str | None = None, encoding: str = "utf-8-sig") -> str:
    """Guess an input's format from its content, then its extension.

    OHCHR documents (thematic lists, Working Group reports, UHRI exports, plain text) are
    recognised by :func:`upr_elect.data.documents.detect_document_format`; a ``.csv`` or
    ``.tsv`` file, or one whose first line names the text column, is a table, not plain text.
    A ``.txt`` file is plain text (one recommendation per line) unless its first line is a
    table header with a text column (``text``, ``Recommendation`` or ``text_column``), even
    when its lines hold commas or semicolons.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    InputError
        Unknown extensions of files that are not recognised by content; a damaged DOCX or
        XLSX (ZIP) file; a Word document with nothing this tool reads.
    """
    from .documents import _decode_head, _open_docx, detect_document_format

    with open(path, "rb") as fh:
        head = fh.read(4096)
    first_line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    header = first_line.decode("utf-8", "replace")
    if header.split(";") == UPR_INFO_HEADER:
        return "upr-info"
    document = detect_document_format(path, head, encoding)
    names = {n for n in (*TEXT_COLUMN_NAMES, (text_column or "").lower()) if n}
    suffix = path.suffix.lower()
    if document == "text" and (header.strip().strip('"').lower() in names or suffix in (".csv", ".tsv")):
        document = None
    if (suffix == ".txt" and document in (None, "text") and _decode_head(head, encoding) is not None
            and not head.lstrip().startswith((b"{", b"["))):
        cells = {cell.strip().strip('"').strip().lower() for cell in re.split(r"[,;\t|]", header)}
        return "csv" if cells & names else "text"
    if document:
        return document
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path, head)
        try:
            with zipfile.ZipFile(path) as archive:
                word = "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError) as err:
            raise InputError(path, f"is a damaged {kind} file, not readable ({type(err).__name__}: "
                                   f"{err})") from None
        if word:
            _open_docx(path, head, "a Word (DOCX) document")  # raises for a damaged package
            raise InputError(path, "is a Word document without a table or numbered recommendations "
                                   "that this tool reads")
        return "xlsx"
    if suffix in (".pdf", ".docx"):
        raise InputError(path, f"is not a readable {'PDF' if suffix == '.pdf' else 'Word'} document "
                               "(its content is not what the extension says)")
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    if suffix in (".xlsx", ".parquet", ".jsonl"):
        return suffix[1:]
    if suffix == ".json":
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".csv", ".txt", ""):
        return "csv"
    raise InputError(path, f"unknown table format '{suffix}': use .csv, .tsv, .jsonl, "
                           ".parquet or .xlsx, or give --format")


def _zip_kind(path: Path, head: bytes) -> str:
    """What a ZIP package holds, from its first bytes ``head`` and its extension: "DOCX",
    "XLSX" or "ZIP (DOCX or XLSX)"."""
    if b"word/" in head or path.suffix.lower() == ".docx":
        return "DOCX"
    if b"xl/" in head or path.suffix.lower() == ".xlsx":
        return "XLSX"
    return "ZIP (DOCX or XLSX)"


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (with or without a byte-order mark)."""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def is_wide(encoding: str) -> bool:
    """Whether ``encoding`` is UTF-16 or UTF-32, whose text holds zero bytes (not a sign of
    binary content) and whose line breaks are several bytes wide."""
    return encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


def _check_utf8(path: Path, encoding: str, fmt: str = "csv") -> None:
    """Raise an InputError for a binary file read as text format ``fmt`` (forced with
    --format), or naming the first line that does not decode."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    kinds = {b"PAR1": "Parquet", b"%PDF": "PDF", b"PK\x03\x04": _zip_kind(path, head)}
    kind = next((kind for magic, kind in kinds.items() if head.startswith(magic)), None)
    if kind:
        article = "an" if kind.startswith("X") else "a"
        raise InputError(path, f"looks like {article} {kind} file (binary), not {fmt}: leave out "
                               "--format to detect the format, or give the right one")
    wide = is_wide(encoding)
    if not wide and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, "is UTF-16 text (a spreadsheet's 'Unicode text'): give --encoding utf-16, "
                               "or save it as UTF-8")
    if not wide and head.count(b"\x00") > len(head) // 4:
        raise InputError(path, "looks like UTF-16 text without a byte-order mark (every other byte is 0): "
                               "give --encoding utf-16-le (or utf-16-be), or save it as UTF-8")
    if wide:  # its line breaks are several bytes wide: decode as a text stream
        with open(path, encoding=encoding, newline="") as fh:
            number = 0
            try:
                for number, _ in enumerate(fh, start=1):
                    pass
            except UnicodeError as err:
                bom = " (without a byte-order mark, give utf-16-le or utf-16-be)" if "bom" in str(err).lower() else ""
                raise InputError(path, f"is not valid {encoding} ({getattr(err, 'reason', err)}){bom}",
                                 number + 1, "line") from None
        return
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(path, f"byte 0x{line[err.start]:02x} at column {err.start + 1} "
                                       f"is not valid {encoding.removesuffix('-sig')}; give the file's encoding "
                                       "with --encoding (e.g. cp1252)", number, "line") from None


def sniff_separator(path: Path, encoding: str = "utf-8-sig") -> str:
    """The separator of a delimited text file: whichever of ``,`` ``;`` tab ``|`` its header
    line holds most (``,`` when none; a spreadsheet saved in a European locale uses ``;``)."""
    with open(path, encoding=encoding, newline="") as fh:
        header = fh.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_chunks(path: Path, sep: str | None, encoding: str, chunk_rows: int, names=None,
                fmt: str = "csv") -> Iterator[pd.DataFrame]:
    _check_utf8(path, encoding, fmt)
    sep = sep or sniff_separator(path, encoding)
    if names is None:
        _warn_duplicate_header(path, encoding, sep)
    try:
        # Blank lines of a generic table are kept (an empty cell of a one-column file is a
        # record, flagged later); the export's are not records.
        reader = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding=encoding,
                             chunksize=chunk_rows, header=0, names=names, quotechar='"',
                             index_col=False, skip_blank_lines=fmt == "upr-info")
        while True:
            with warnings.catch_warnings():
                # pandas only warns when the first data row is longer than the header.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = next(reader, None)
            if frame is None:
                return
            yield frame
    except pd.errors.EmptyDataError:
        raise InputError(path, "is empty (no header row)") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise table_error(path, str(err), sep) from None


def _warn_duplicate_header(path: Path, encoding: str, sep: str) -> None:
    """Warn about header names given twice: pandas keeps both columns but renames the later
    ones ``name.1``, ``name.2``, and only the first is taken as the text or tags column."""
    with open(path, encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh, delimiter=sep), [])
    twice = {name: n for name, n in Counter(header).items() if n > 1 and name}
    if twice:
        renamed = ", ".join(f"'{name}' ({', '.join([name] + [f'{name}.{i}' for i in range(1, n)])})"
                            for name, n in twice.items())
        warnings.warn(InputWarning(f"{path}: the header names {renamed} more than once; the columns are kept "
                                   "in order under these names, and the first is the one read as text or tags"))


def table_error(path: Path, message: str, sep: str) -> InputError:
    """pandas' CSV parser message told in the file's own terms: the physical line (the header
    is line 1) and what to do."""
    quote = f"a {sep!r} inside an unquoted text? put such texts in double quotes"
    if found := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        expected, line, saw = found.groups()
        return InputError(path, f"has {saw} fields where the header has {expected} ({quote})", int(line), "line")
    if "Length of header or names does not match" in message:  # pandas' warning on the first data row
        return InputError(path, f"the first data row has more fields than the header ({quote})", 2, "line")
    if found := re.search(r"EOF inside string starting at row (\d+)", message):
        return InputError(path, "a double quote opened here is never closed", int(found.group(1)) + 1, "line")
    return InputError(path, f"is not a well-formed table with separator {sep!r}: {message}")


def jsonl_records(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of a JSONL file.

    Raises
    ------
    InputError
        A binary file, a byte that does not decode, a line that is not JSON (the message
        gives the column) or not a JSON object.
    """
    _check_utf8(path, encoding, "jsonl")
    with open(path, encoding=encoding) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(path, f"is not valid JSON ({err.msg.removesuffix(' at')} at column "
                                       f"{err.colno})", number, "line") from None
            if not isinstance(record, dict):
                raise InputError(path, "is not a JSON object", number, "line")
            yield number, record


def _json_array(path: Path, encoding: str) -> Iterator[tuple[int, dict]]:
    """``(row, object)`` for each element of a file that holds one JSON array of objects
    (read whole: such files are small; large ones are JSON Lines)."""
    _check_utf8(path, encoding, "json")
    with open(path, encoding=encoding) as fh:
        try:
            records = json.load(fh)
        except json.JSONDecodeError as err:
            raise InputError(path, f"is not valid JSON ({err.msg.removesuffix(' at')} at column "
                                   f"{err.colno})", err.lineno, "line") from None
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(path, "is not a JSON object (the array must hold one object per record)", row)
        yield row, record


def _jsonl_chunks(path: Path, encoding: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Chunks of a JSONL file (or a JSON array) with every chunk holding the columns of the
    whole file, in first-seen order (a first pass collects the keys), so records that leave
    a key out get an empty cell in any chunk; values keep their JSON types (an integer id
    stays an integer, never a float)."""
    with open(path, "rb") as fh:
        array = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
    if not array and path.suffix.lower() == ".json" and path.stat().st_size < 10_000_000:
        try:
            content = path.read_text(encoding=encoding)
            whole = json.loads(content) if content.strip().count("\n") else None  # one line: JSON Lines
        except (ValueError, UnicodeError):
            whole = None  # JSON Lines, or damaged: jsonl_records names the line
        if isinstance(whole, dict) and _is_count_report(path):
            raise InputError(path, "is a report of upr-elect count, not a table of recommendations")
        if isinstance(whole, dict):
            raise InputError(path, "holds one JSON object: give records as a JSON array of objects or as "
                                   "JSON Lines (one object per line)")
    held = list(_json_array(path, encoding)) if array else None  # an array is parsed once, whole

    def records():
        return iter(held) if held is not None else jsonl_records(path, encoding)

    columns = list(dict.fromkeys(key for _, record in records() for key in record))
    rows = []
    for _, record in records():
        rows.append(record)
        if len(rows) == chunk_rows:
            yield pd.DataFrame(rows, columns=columns, dtype=object)
            rows = []
    if rows:
        yield pd.DataFrame(rows, columns=columns, dtype=object)


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises several types for damaged files
        raise InputError(path, f"is not a readable Parquet file ({err})") from None
    if parquet.metadata.num_rows == 0:  # columns but no rows: one empty frame, as for CSV
        yield parquet.schema_arrow.empty_table().to_pandas()
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        yield batch.to_pandas()


def _xlsx_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            first, *others = book.sheet_names
            frame = pd.read_excel(book, sheet_name=first, dtype=object)
    except Exception as err:  # openpyxl raises several types for damaged files
        raise InputError(path, f"is not a readable XLSX workbook ({err})") from None
    if others:
        warnings.warn(InputWarning(f"{path}: only its first sheet, '{first}', is read; not read: "
                                   f"{', '.join(others)} (save a sheet as a file of its own to label it)"))
    for start in range(0, max(len(frame), 1), chunk_rows):  # a header alone: one empty frame
        yield frame.iloc[start:start + chunk_rows]


def _find_column(columns, wanted: str | None, known: tuple, path: Path, what: str,
                 required: bool) -> str | None:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise InputError(path, f"has no {what} column '{wanted}' (columns: {', '.join(map(str, columns))})")
    lower = {str(c).strip().lower(): c for c in columns}
    for name in known:
        if name in lower:
            return lower[name]
    if not required:
        return None
    hint = ""
    if len(columns) == 1 and any(s in str(columns[0]) for s in ",;\t|"):
        hint = " — the header was read as one column, so the separator is probably wrong (see --sep)"
    if path.suffix.lower() == ".txt":
        hint += "; or, for plain text with one recommendation per line, give --format text"
    raise InputError(path, f"has no {what} column (columns: {', '.join(map(str, columns))}); "
                           f"name it with --{what}-column{hint}", 0)


def _text_problem(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "empty text"
    if not isinstance(value, str):
        return f"text is not text ({type(value).__name__} {value!r})"
    if not value.strip():
        return "empty text"
    if not any(character.isalpha() for character in value):
        return f"text has no letters ({value.strip()[:20]!r})"
    return ""


def _prepare_upr_info(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    for column in ("sur_regional_group", "rs_regional_group"):
        frame[column] = frame[column].map(html.unescape)
    for column in ("state_under_review", "recommending_state"):
        frame[column] = frame[column].str.strip()
    session = pd.to_numeric(frame["session"].str.strip(), errors="coerce").astype("Int64")
    bad = frame["session"].str.strip().ne("") & session.isna()
    if bad.any():
        row = int(frame.index[bad.to_numpy()][0])
        raise InputError(path, f"session {frame['session'][row]!r} is not a number", row)
    frame["session"] = session
    frame["cycle"] = [cycle_of_session(s) for s in session.astype(object).where(session.notna(), None)]
    frame["cycle"] = frame["cycle"].astype("Int64")
    return frame


def read_table(path, fmt: str | None = None, text_column: str | None = None,
               tags_column: str | None = None, sep: str | None = None,
               encoding: str = "utf-8-sig", chunk_rows: int = CHUNK_ROWS,
               ids: RecordIds | None = None) -> Iterator[Chunk]:
    """Read one table file chunk by chunk, in row order.

    Parameters
    ----------
    path : str or Path
        The file.
    fmt : str, optional
        One of :data:`FORMATS`; detected from the file's content and extension if omitted.
    text_column, tags_column : str, optional
        Column names for generic tables; ``text`` / ``Recommendation`` and ``Issue`` /
        ``issues`` / ``upr_info_issues`` are recognised without them.
    sep : str, optional
        CSV separator; sniffed from the header line if omitted.
    encoding : str
        Text encoding of CSV / JSONL files (default UTF-8 with or without a byte-order mark).
    chunk_rows : int
        Records per chunk (memory use grows with it, not with the file).
    ids : RecordIds, optional
        Shared across files so that ``rec_id`` occurrence numbers run over a whole job.

    Yields
    ------
    Chunk
        At most ``chunk_rows`` records each; ``source_row`` is the 1-based data row.

    Warns
    -----
    InputWarning
        Rows kept but flagged in ``input_problem`` (an empty text; a UPR Info export row
        with fewer than its eleven fields), a table with a header but no rows, non-English
        texts.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown encoding, undecodable byte, malformed table,
        missing column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "is not a file")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding '{encoding}': give a Python codec name to --encoding "
                               "(e.g. utf-8, cp1252, latin-1)") from None
    from .documents import DOCUMENT_FORMATS, read_document

    fmt = fmt or detect_format(path, text_column, encoding)
    if fmt not in FORMATS:
        raise InputError(path, f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    ids, fields = ids or RecordIds(), None
    if fmt in DOCUMENT_FORMATS:
        document = read_document(path, fmt, encoding)
        frames = (document.iloc[i:i + chunk_rows] for i in range(0, len(document), chunk_rows))
        text_column, tags_column = "text", "themes"
        others = sorted(set(document["language"]) - {"en", ""})
        if others:
            warnings.warn(InputWarning(f"{path}: language {', '.join(others)} detected; the models were "
                                       "trained on English texts, so labels may be less accurate"))
    elif fmt == "upr-info":
        frames = _csv_chunks(path, ";", encoding, chunk_rows, names=UPR_INFO_COLUMNS, fmt=fmt)
        text_column, tags_column = "recommendation", "issues"
        fields = csv_field_counts(path, encoding, ";", keep_blank=False)
    elif fmt in ("csv", "tsv"):
        frames = _csv_chunks(path, "\t" if fmt == "tsv" else sep, encoding, chunk_rows)
        fields = csv_field_counts(path, encoding, "\t" if fmt == "tsv" else sep, keep_blank=True)
    elif fmt == "jsonl":
        frames = _jsonl_chunks(path, encoding, chunk_rows)
    elif fmt == "parquet":
        frames = _parquet_chunks(path, chunk_rows)
    else:
        frames = _xlsx_chunks(path, chunk_rows)

    start, id_column, any_rows, foreign = 1, None, False, {}
    for frame in frames:
        width = len(frame.columns)  # the header's fields
        frame = frame.reset_index(drop=True)
        frame.index = range(start, start + len(frame))
        if not any_rows:
            if fmt == "upr-info" and len(frame) and list(frame.iloc[0]) == UPR_INFO_HEADER:
                raise InputError(path, "header row read as data")
            text_column = _find_column(frame.columns, text_column, TEXT_COLUMN_NAMES, path, "text", True)
            tags_column = _find_column(frame.columns, tags_column, TAGS_COLUMN_NAMES, path, "tags", False)
            id_column = next((c for c in frame.columns if str(c).strip().lower() in ID_COLUMN_NAMES), None)
            clashes = [c for c in frame.columns if c in ADDED_COLUMNS]
            any_rows = True
        if clashes:
            frame = frame.rename(columns={c: f"input_{c}" for c in clashes})
            id_column = f"input_{id_column}" if id_column in clashes else id_column
        rec_ids = ids.assign(frame, str(path), id_column)
        if fmt == "upr-info":
            frame = _prepare_upr_info(frame, path)
        problems = [_text_problem(v) for v in frame[text_column]]
        for row, text, problem in zip(frame.index, frame[text_column], problems):
            if problem:
                warnings.warn(InputWarning(f"{path}, row {row}: {problem}; kept, not labelled"))
            elif fmt not in DOCUMENT_FORMATS:
                language = guess_language(text)
                if language not in ("en", ""):
                    foreign.setdefault(language, []).append(row)
        if fields is not None:
            for i, (row, (line, count)) in enumerate(zip(frame.index, itertools.islice(fields, len(frame)))):
                if 0 < count < width:  # a blank line is an empty record, flagged as such
                    short = f"has {count} of {width} fields"
                    warnings.warn(InputWarning(f"{path}, row {row} (line {line}): {short} (the row is cut "
                                               "short); kept, not labelled"))
                    problems[i] = "; ".join(filter(None, (short, problems[i])))
        frame.insert(0, "input_problem", problems)
        frame.insert(0, "source_row", frame.index.to_numpy())
        frame.insert(0, "source_file", str(path))
        frame.insert(0, "rec_id", rec_ids)
        yield Chunk(frame.reset_index(drop=True), text_column, tags_column, str(path))
        start += len(frame)
    if foreign:
        rows = sorted(r for found in foreign.values() for r in found)
        languages = ", ".join(f"{code} {len(found):,}" for code, found in sorted(foreign.items()))
        verb = "rows look" if len(rows) > 1 else "row looks"
        warnings.warn(InputWarning(f"{path}: {len(rows):,} {verb} non-English ({languages}; first: row {rows[0]}); "
                                   "the models were trained on English texts, so their labels may be less accurate"))
    if not any_rows:
        raise InputError(path, "has a header but no data rows" if fmt != "jsonl" else "holds no records")
    if start == 1:
        warnings.warn(InputWarning(f"{path}: has a header but no rows"))


def csv_field_counts(path: Path, encoding: str, sep: str | None, keep_blank: bool) -> Iterator[tuple[int, int]]:
    """``(first physical line, number of fields)`` of each data row of a delimited file.

    Read with the csv module beside pandas, which pads a row with too few fields with empty
    ones without saying so. Blank lines are rows of a generic table (``keep_blank``, as
    pandas keeps them) but not of a UPR Info export. The separator is sniffed when None, at
    the first row asked for (after the file passed its UTF-8 check). Stops early, without a
    word, where the csv module cannot read on (a field over its size limit): pandas reports
    real damage itself.
    """
    sep = sep or sniff_separator(path, encoding)
    with open(path, encoding=encoding, newline="") as fh:
        reader, end, header = csv.reader(fh, delimiter=sep, quotechar='"'), 0, False
        try:
            for row in reader:
                start, end = end + 1, reader.line_num
                if header and (row or keep_blank):
                    yield start, len(row)
                header = header or bool(row)
        except csv.Error:
            return


def table_columns(path) -> list[str]:
    """Column names of a CSV / JSONL / Parquet table without reading it all; [] for other
    files and for files that cannot be read (reading them reports the real problem)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return list(pd.read_csv(path, nrows=0, sep=sniff_separator(path), encoding="utf-8-sig").columns)
        if suffix in (".jsonl", ".json"):
            with open(path, encoding="utf-8") as fh:
                first = json.loads(fh.readline() or "{}")
            return list(first) if isinstance(first, dict) else []
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_schema(path).names
    except Exception:
        return []
    return []


def written_by_this_tool(path) -> bool:
    """Whether ``path`` looks like an output of this tool rather than a user's input: an empty
    file, a table whose columns include ``rec_id`` and ``model`` (``label``, ``suggest``), a
    JSON document with an ``input`` and a ``method`` section (``count``) or an HTML report."""
    path = Path(path)
    if path.stat().st_size == 0 or path.suffix.lower() == ".html":
        return True
    return {"rec_id", "model"} <= set(table_columns(path)) or _is_count_report(path)


def _is_count_report(path: Path) -> bool:
    """Whether ``path`` is the JSON report of ``upr-elect count`` (an object with an
    ``input`` and a ``method`` section)."""
    if path.suffix.lower() != ".json" or path.stat().st_size > 10_000_000:
        return False
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(document, dict) and {"input", "method"} <= set(document)


def input_files(paths, outputs=()) -> list[Path]:
    """Expand folders to the input files directly in them, in file-name order.

    A folder is read one level deep: its subfolders are not read (a warning names them; give
    a subfolder as an input of its own to read it), and files whose extension is not one of
    :data:`INPUT_SUFFIXES` (a README, say) are skipped, listed in one warning. Hidden files
    and Office lock files (``~$…``) are ignored. A file named on its own is read whatever its
    extension. Paths keep the form they were given in (``folder/file``), so messages and
    ``source_file`` name them so. A file in a folder that is one of ``outputs`` and was
    written by this tool (:func:`written_by_this_tool`: an earlier run's output) is skipped with
    a warning, so the same command can be run again; one that was not stays an input (the
    command then refuses to overwrite it). The rejects lists and checkpoints of any ``label``
    run (:data:`REJECTS_SUFFIX`, :data:`CHECKPOINT_SUFFIX`) and the JSON reports of
    ``count`` are skipped with a warning too.

    Warns
    -----
    InputWarning
        Skipped subfolders, skipped files, skipped outputs.

    Raises
    ------
    InputError
        A path that does not exist, a folder with no input files, or a file given twice
        (directly, or through a folder, a symlink or another spelling of its path).
    """
    files, written = [], {Path(o).resolve() for o in outputs}
    for path in map(Path, paths):
        if path.is_dir():
            entries = sorted(p for p in path.iterdir() if not p.name.startswith((".", "~$")))
            for own in [p for p in entries if p.resolve() in written and written_by_this_tool(p)]:
                warnings.warn(InputWarning(f"{path}: {own.name} not read: it is this command's output"))
                entries.remove(own)
            for kept, why in ((REJECTS_SUFFIX, "it lists the rejects of an earlier label run"),
                              (CHECKPOINT_SUFFIX, "it is the checkpoint of an interrupted label run"),
                              (".json", "it is a report of upr-elect count")):
                for other in [p for p in entries if p.name.lower().endswith(kept)
                              and (kept != ".json" or _is_count_report(p))]:
                    warnings.warn(InputWarning(f"{path}: {other.name} not read: {why}"))
                    entries.remove(other)
            found = [p for p in entries if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES]
            folders = [p.name for p in entries if p.is_dir()]
            others = [p.name for p in entries if p.is_file() and p not in found]
            if folders:
                warnings.warn(InputWarning(f"{path}: subfolder{'s' if len(folders) > 1 else ''} "
                                           f"{', '.join(folders)} not read (folders are read one level "
                                           "deep; give a subfolder as an input to read it)"))
            if others:
                warnings.warn(InputWarning(f"{path}: skipped {', '.join(others)} (not input files: inputs "
                                           f"end in {', '.join(INPUT_SUFFIXES)})"))
            if not found:
                raise InputError(path, "folder holds no input files")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(path, "no such file or folder")
    seen = {}
    for f in files:
        if f.resolve() in seen:
            raise InputError(f, f"is given twice (also as {seen[f.resolve()]}); give each input once")
        seen[f.resolve()] = f
    return files


def read_tables(paths, **options) -> Iterator[Chunk]:
    """Read several files (folders expanded by :func:`input_files`) as one stream of chunks.

    ``options`` are those of :func:`read_table`; ``rec_id`` occurrence numbers run over
    all files.
    """
    ids = RecordIds()
    for path in input_files(paths):
        yield from read_table(path, ids=ids, **options)


def load_upr_export(folder) -> pd.DataFrame:
    """Load a whole UPR Info export folder into one table.

    Parameters
    ----------
    folder : str or Path
        Folder of ``;``-separated UPR Info export CSV files (e.g.
        ``../shared/data/upr-info-export-2018-07-25``), read in file-name order.

    Returns
    -------
    pandas.DataFrame of shape (n_rows, 16)
        ``rec_id``, ``source_file``, ``source_row``, ``input_problem``, the eleven columns of
        :data:`UPR_INFO_COLUMNS` and ``cycle``; ``issues`` stays a comma-separated string.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        frames = [c.frame for c in read_tables([folder], fmt="upr-info")]
    return pd.concat(frames, ignore_index=True)


def split_tags(value) -> list[str]:
    """Split a tag cell into stripped tags: UPR Info issues are comma-separated, OHCHR themes
    (from :mod:`upr_elect.data.documents`) ``"; "``-separated; lists pass through."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if hasattr(value, "tolist"):
        return split_tags(value.tolist())
    text = str(value)
    return [t.strip() for t in text.split(";" if ";" in text else ",") if t.strip()]
