"""Read the documents OHCHR publishes for a new UPR session into one table of recommendations.

Four kinds of document are read (:data:`DOCUMENT_FORMATS`):

- ``ohchr-thematic``: the "Thematic list of recommendations" (DOCX). One table row per
  recommendation; columns are found from the words of the header cells ("Recommendation",
  "Position", "themes", "SDGs"), so the older matrix layout, the middle layout and the 2025
  layout are all read. ``Theme: …`` rows that span the table only group the rows.
- ``ohchr-report``: the Working Group report A/HRC/… (PDF or DOCX). Only the numbered
  sub-paragraphs ``NNN.M`` of the paragraphs that introduce recommendations are read; page
  headers, footers and footnotes (set smaller than the body text) are left out.
- ``uhri``: an export of the Universal Human Rights Index (XLSX or CSV).
- ``text``: plain text, one recommendation per non-empty line, a leading bullet left out;
  a line that is only ``(States);``, or a line without a paragraph number or bullet after
  a numbered paragraph (``120.1 …``, ``120. The following …``) and before a blank line,
  continues the line before it (wrapped text), with a warning.

Bad input raises :class:`~upr_elect.data.loaders.InputError` naming the file and the page,
row or line.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

from .loaders import InputError, InputWarning, guess_language, is_utf8, is_wide

DOCUMENT_FORMATS = ("ohchr-thematic", "ohchr-report", "uhri", "text")

COLUMNS = ("paragraph", "text", "recommending_states", "position", "themes",
           "affected_persons", "sdgs", "state_under_review", "session", "document",
           "source_page", "language")
"""Columns of :func:`read_document`'s result, in order."""

UHRI_COLUMNS = {"annotation": "text", "text": "text",
                "upr recommending states": "recommending_states",
                "upr position": "position", "themes": "themes",
                "affected persons": "affected_persons", "sdgs": "sdgs",
                "countries": "state_under_review", "upr session": "session",
                "document symbol": "document"}
"""UHRI export columns (lower case) and the columns they fill."""

PARAGRAPH = re.compile(r"^\s*(\d{1,3})\.(\d{1,3})\.?\s+")
MAIN_PARAGRAPH = re.compile(r"^\s*(\d{1,3})\.\s+(?=\S)")
SOURCE_OF_POSITION = re.compile(r"\s*(?:Source of position|Source de la position|"
                                r"Fuente de la posici[óo]n)\s*:.*", re.I | re.S)
THEME_ROW = re.compile(r"^\s*(?:Theme|Thème|Tema)\s*:\s*", re.I)
CELL_LABELS = {"affected persons": "affected_persons", "groups of persons": "affected_persons",
               "personnes concernées": "affected_persons", "personas afectadas": "affected_persons",
               "sdgs": "sdgs", "odd": "sdgs", "ods": "sdgs"}
"""Labels that start a list inside a themes cell (``Affected persons:`` …)."""

NOT_A_STATE = re.compile(
    r"\b(?:Convention|Protocol|Covenant|Act|Law|Code|Programme|Program|Plan|Strategy|"
    r"Committee|Agenda|Goals?|Declaration|Charter|Treaty|Statute|Principles|Rules|"
    r"Guidelines|Court|Office|Organi[sz]ation|Commission|Council|Ombudsman|Institution)\b")
"""Words that show a parenthesis at the end of a text names something other than States."""

PAGE_EDGE = re.compile(r"^(?:\d{1,4}|(?=\S*\d)[A-Z]{1,4}(?:/[\w.-]+)+|GE\.\d{2}-\d+.*|"
                       r"Page \d+(?: of \d+)?)$")
"""Lines that make page headers and footers: page numbers, document symbols (with a digit,
"A/HRC/43/15", not "N/A"), GE numbers."""

BULLET = re.compile(r"^[•·▪◦‣\-–*]\s+")
"""A list bullet at the start of a plain-text line ("• ", "- ", "* "), left out of the text."""

STATES_LINE = re.compile(r"^(?:\([^()]+\)[\s.;,]*)+$")
"""A line that is only a parenthesised list of States, "(Chile, Peru);": the end of the
recommendation on the line before it, wrapped."""

REPORT_TITLE = re.compile(
    r"(?:Working\s+Group\s+on\s+the\s+Universal\s+Periodic\s+Review|Groupe\s+de\s+travail\s+"
    r"sur\s+l.Examen\s+p.riodique\s+universel|Grupo\s+de\s+Trabajo\s+sobre\s+el\s+Examen\s+"
    r"Peri.dico\s+Universal)[ \t*]*\n[\s*]*([^\n*]+)", re.I)
SESSION_NUMBER = re.compile(r"\b(\d{1,2})\s*(?:st|nd|rd|th|e|ème|º|ª)?\s+(?:session|período)",
                            re.I)
SESSION_WORDS = re.compile(r"held its ([a-z]+(?:-[a-z]+)?) session", re.I)
THEMATIC_HEADING = re.compile(r"\b(?:UPR of|EPU (?:de la|de l['’]|du|des|de))\s*(.+?)\s*\(")
"""The running head of a thematic list: "UPR of Slovenia (4th Cycle - 48th Session)"."""
RECOMMEND = re.compile(r"recom", re.I)

POSITION_WORDS = (
    ("Noted", re.compile(r"\bnot(?:ed|ée?s?)\b|pris note|prend note|tomad[oa] nota|toma nota|"
                         r"anotad|not enjoy|n.ont pas recueilli|no cuentan", re.I)),
    ("Pending", re.compile(r"will be examined|seront examinées|serán examinadas|examinará",
                           re.I)),
    ("Supported", re.compile(r"support|accept|appuy|soutenu|soutien|adhésion|apoy|acept", re.I)),
)
"""Position names and the words that signal them, strongest first ("did not enjoy the support
… noted" is Noted; ``Pending``: the report says the State will respond later)."""

ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split(), 1)}
TENS = {w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
TENTHS = {w[:-1] + "ieth": n for w, n in TENS.items()}


def detect_document_format(path: Path, head: bytes, encoding: str = "utf-8-sig") -> str | None:
    """Tell which kind of OHCHR document a file is, from its content.

    Parameters
    ----------
    path : Path
        The file (opened when its first bytes are not enough: DOCX and XLSX).
    head : bytes
        The file's first 4096 bytes.
    encoding : str
        Encoding of a text file (UTF-8 by default).

    Returns
    -------
    str or None
        ``"ohchr-thematic"`` for a DOCX with a table whose header names "Recommendation" and
        "Position"; ``"ohchr-report"`` for a PDF or for a DOCX with numbered recommendation
        paragraphs (``NNN.M``); ``"uhri"`` for an XLSX or CSV whose header has an
        ``Annotation`` column with ``UPR recommending states`` or ``Document symbol``;
        ``"text"`` for text (in ``encoding``) that is not a delimited table; None otherwise (tables
        without UHRI columns, other binary files), whatever the file's extension.
    """
    path = Path(path)
    if head.startswith(b"%PDF"):
        return "ohchr-report"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        if "word/document.xml" in names:
            return _detect_docx(path)
        if any(name.startswith("xl/") for name in names):
            return "uhri" if _is_uhri_header(_xlsx_header(path)) else None
        return None
    text = _decode_head(head, encoding)
    if text is None:
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(head) == 4096:
        lines = lines[:-1]  # may be cut
    if not lines or lines[0].lstrip().startswith(("{", "[")):
        return None
    separator = _separator(lines[0])
    if _is_uhri_header(next(csv.reader([lines[0]], delimiter=separator))):
        return "uhri"
    return None if _is_table(lines, separator) else "text"


def read_document(path: Path, fmt: str, encoding: str = "utf-8-sig") -> pd.DataFrame:
    """Read the recommendations of one OHCHR document.

    Parameters
    ----------
    path : Path
        The document.
    fmt : str
        One of :data:`DOCUMENT_FORMATS` (see :func:`detect_document_format`).
    encoding : str
        Encoding of a plain-text file (UTF-8 by default; e.g. ``cp1252``).

    Returns
    -------
    pandas.DataFrame of shape (n_recommendations, 12 + n_extra_columns)
        One row per recommendation, in document order; every value a string, empty where the
        document does not say. Columns (:data:`COLUMNS`): ``paragraph`` ("140.7"), ``text``
        (without the recommending States, ``Source of position`` lines, page furniture and
        footnote markers; whitespace normalised, hyphenation across line breaks repaired),
        ``recommending_states`` ("; "-joined, e.g. "Maldives; Portugal"), ``position``
        ("Supported", "Noted", "Pending" when a report says the State will respond later,
        else as the document says), ``themes``, ``affected_persons``, ``sdgs`` ("; "-joined),
        ``state_under_review``, ``session``, ``document`` (file name; the UHRI document
        symbol), ``source_page`` (PDF page, DOCX table row, DOCX paragraph of a report,
        text line (a text file's lines that are only page furniture are left out), UHRI data row), ``language`` ("en", "fr", "es", "ru", "ar", "zh").
        UHRI exports keep their other columns after these (a name clashing with one of
        these gets the prefix ``input_``), and every data row, one with an empty annotation
        too (its ``text`` is empty; the loader flags it), so rows are neither lost nor
        renumbered.

    Warns
    -----
    InputWarning
        A text file's lines left out as page headers or footers (a document symbol, GE
        number, "Page N (of M)", or a page number inside a numbered list, alone on a line),
        and its lines joined as wrapped text; each counted, with the first line number.

    Raises
    ------
    InputError
        Missing file, unknown format, a file whose content is not the format given (damaged
        PDF, a PDF with no text layer, a DOCX that is not a Word document), a table without
        a recommendation column, an empty text file, or a document in which no
        recommendation is found.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "is not a file")
    if fmt not in DOCUMENT_FORMATS:
        raise InputError(path, f"unknown document format '{fmt}' "
                               f"(choose from {', '.join(DOCUMENT_FORMATS)})")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if fmt == "uhri":
        return _read_uhri(path, head)
    if fmt == "text":
        records = _read_text(path, head, encoding)
    elif fmt == "ohchr-report" and head.startswith(b"%PDF"):
        records = _read_report(path, *_pdf_lines(path))
    else:
        document = _open_docx(path, head, "a Word (DOCX) document" if fmt == "ohchr-thematic"
                              else "a PDF or Word (DOCX) document")
        if fmt == "ohchr-thematic":
            records = _read_thematic(path, document)
        else:
            lines = [(number, p.text) for number, p in enumerate(document.paragraphs, 1)]
            records = _read_report(path, lines, _docx_heading(document))
    if not records and fmt == "text":
        raise InputError(path, "is empty" if not head else "holds only blank lines")
    if not records:
        raise InputError(path, f"no recommendations found (read as {fmt}: numbered "
                               "'NNN.M' recommendation paragraphs were expected)")
    return _frame(records, path)


# --- detection helpers -------------------------------------------------------------------

def _decode_head(head: bytes, encoding: str = "utf-8-sig") -> str | None:
    """The head as text in ``encoding`` (UTF-8 by default), or None for binary content or
    bytes that encoding does not have (a cut multi-byte character is fine)."""
    if b"\x00" in head and not is_wide(encoding):
        return None
    encoding = "utf-8-sig" if is_utf8(encoding) else encoding
    try:
        return head.decode(encoding)
    except UnicodeDecodeError as err:
        if err.start < len(head) - 3:
            return None
        return head[:err.start].decode(encoding)


def _separator(line: str) -> str:
    counts = {sep: line.count(sep) for sep in ("\t", ";", "|", ",")}
    return max(counts, key=counts.get)


def _is_table(lines: list[str], separator: str) -> bool:
    """A delimited table: a short-field header and the same field count on the next lines."""
    rows = list(csv.reader(lines[:10], delimiter=separator))
    header = [cell.strip().lower() for cell in rows[0]]
    if len(header) == 1:
        return header[0] in ("text", "recommendation", "annotation")
    return (all(cell and len(cell.split()) <= 4 for cell in header)
            and all(len(row) == len(header) for row in rows[1:]))


def _is_uhri_header(cells) -> bool:
    names = {str(cell).strip().lower() for cell in cells}
    return "annotation" in names and bool(names & {"upr recommending states", "document symbol"})


def _xlsx_header(path: Path) -> list:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
        row = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        workbook.close()
        return list(row)
    except Exception:  # openpyxl raises several types for damaged workbooks
        return []


def _detect_docx(path: Path) -> str | None:
    try:
        document = _load_docx(path)
    except Exception:  # python-docx raises several types for damaged packages
        return None
    if any(_header_columns(row) for table in document.tables for row in table.rows[:3]):
        return "ohchr-thematic"
    if any(PARAGRAPH.match(p.text) for p in document.paragraphs):
        return "ohchr-report"
    return None


# --- text helpers ------------------------------------------------------------------------

def _clean(text: str) -> str:
    """Drop soft hyphens, turn every run of white space into one space, strip."""
    return " ".join(text.replace("\u00ad", "").split())


def _join_lines(lines: list[str], vocabulary: Counter) -> str:
    """Join wrapped lines; a hyphen at a line end is dropped only when the document spells
    the joined word without it elsewhere and never with it ("implemen-/tation" but
    "non-/refoulement")."""
    text = ""
    for line in (_clean(line) for line in lines):
        if text.endswith("-") and line[:1].islower():
            left = re.search(r"([\w-]*)-$", text).group(1)
            right = re.match(r"[\w-]*", line).group(0)
            joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
            drop = vocabulary[joined] and not vocabulary[hyphenated]
            text = (text[:-1] if drop else text) + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _closing_group(text: str) -> int | None:
    """Index of the '(' that matches the ')' ending ``text``, or None."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


def _split_names(group: str) -> list[str]:
    """Split a parenthesis' content at top-level commas."""
    names, depth, start = [], 0, 0
    for index, char in enumerate(group):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            names.append(group[start:index])
            start = index + 1
    return [_clean(name) for name in names + [group[start:]]]


def _looks_like_state(name: str) -> bool:
    name = re.sub(r"^the (?:former )?", "", name)  # "the former Yugoslav Republic of …"
    return (name[:1].isupper() and not re.search(r"\d", name) and name != name.upper()
            and len(name.split()) <= 9 and not NOT_A_STATE.search(name))


def _trailing_states(segment: str) -> tuple[str, list[str]]:
    """Strip the parentheses naming States from the end of one segment of text."""
    segment = segment.rstrip(" ;.,")
    states = []
    while segment.endswith(")"):
        start = _closing_group(segment)
        names = _split_names(segment[start + 1:-1]) if start is not None else []
        if not names or not all(map(_looks_like_state, names)):
            break
        states = names + states
        segment = segment[:start].rstrip()
    return segment, states


def _split_states(text: str) -> tuple[str, str]:
    """Split a recommendation into its text and its recommending States.

    A paragraph may join several recommendations, each ending in its own States
    (``… (Ukraine); Increase … (Slovakia);``): every ``;``-separated part loses its States.
    """
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    kept, states = [], []
    for part in parts:
        if not part.strip():
            continue
        part_text, part_states = _trailing_states(part.strip())
        if part_text.strip():  # a part that is only States, "(Sweden); (France);", adds no text
            kept.append(part_text)
        states += [s for s in part_states if s not in states]
    return "; ".join(kept), "; ".join(states)


def _recommendation(text: str) -> dict:
    """Paragraph number, text and States of one recommendation's raw text."""
    text = _clean(text)
    match = PARAGRAPH.match(text)
    paragraph = f"{match.group(1)}.{match.group(2)}" if match else ""
    rest = text[match.end():] if match else text
    body, states = _split_states(rest)
    if not body.strip():  # all in parentheses: a text, not a list of States
        body, states = rest.strip(), ""
    return {"paragraph": paragraph, "text": body, "recommending_states": states}


def _position(value: str, introduction: bool = False) -> str:
    """Supported / Noted / Pending when the words say only one of them, else the value as
    written ("Supported/Noted"). An ``introduction`` (the report's sentence before a list of
    recommendations) gives the strongest position its words name, or ""."""
    value = _clean(value)
    found = [name for name, words in POSITION_WORDS if words.search(value)]
    if introduction:
        return found[0] if found else ""
    return found[0] if len(found) == 1 else value


def _session(text: str) -> str:
    """The UPR session number a document names ("48th Session", "held its thirty-fourth
    session"), or ""."""
    match = SESSION_WORDS.search(text)
    if match:
        *tens, unit = match.group(1).lower().split("-")
        number = sum(TENS.get(t, 0) for t in tens) + ORDINALS.get(unit, TENTHS.get(unit, 0))
        if number:
            return str(number)
    match = SESSION_NUMBER.search(text)
    return match.group(1) if match else ""


# --- DOCX --------------------------------------------------------------------------------

def _load_docx(path: Path):
    import docx

    return docx.Document(str(path))


def _describe(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP package (e.g. an XLSX workbook)"
    return "text" if _decode_head(head) is not None else "binary data"


def _open_docx(path: Path, head: bytes, expected: str):
    if not head.startswith(b"PK\x03\x04"):
        raise InputError(path, f"is not {expected}: its content is {_describe(head)}; "
                               "give the right format or fix the file's extension")
    try:
        return _load_docx(path)
    except Exception as err:  # python-docx raises several types for damaged packages
        raise InputError(path, f"is not a readable Word (DOCX) document ({err})") from None


def _docx_heading(document) -> str:
    """Text of the page headers and of the paragraphs outside tables."""
    parts = [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(parts + [p.text for p in document.paragraphs])


def _header_columns(row) -> dict:
    """Map column roles to cell indexes when a row is a thematic-list header, else {}."""
    roles = {}
    if any(PARAGRAPH.match(cell.text) for cell in row.cells):
        return roles
    for index, cell in enumerate(row.cells):
        words = cell.text.lower()
        if re.search(r"recommendation|recommandation|recomendaci", words):
            role = "text"
        elif re.search(r"position|posici", words):
            role = "position"
        elif re.search(r"theme|thème|tema", words):
            role = "themes"
        elif re.search(r"\b(?:sdgs?|odd|ods)\b", words):
            role = "sdgs"
        else:
            continue
        roles.setdefault(role, index)
    return roles if {"text", "position"} <= roles.keys() else {}


def _cell_lists(text: str) -> dict:
    """Split a themes cell into themes and the lists after ``Affected persons:``-like labels."""
    lists = {"themes": [], "affected_persons": [], "sdgs": []}
    key = "themes"
    for line in text.splitlines():
        line = _clean(line)
        label, colon, rest = line.partition(":")
        if colon and label.lower() in CELL_LABELS:
            key, line = CELL_LABELS[label.lower()], _clean(rest)
        line = re.sub(r"^[-–•]\s*", "", line)
        if line:
            lists[key].append(line)
    return lists


def _read_thematic(path: Path, document) -> list[dict]:
    heading = _docx_heading(document)
    match = THEMATIC_HEADING.search(heading)
    common = {"state_under_review": _clean(match.group(1)) if match else "",
              "session": _session(heading)}
    records, roles = [], {}
    for table in document.tables:
        group = ""
        for number, row in enumerate(table.rows):
            cells = [cell.text for cell in row.cells]
            header = _header_columns(row)
            roles = header or roles
            if header or not roles or len(cells) <= max(roles.values()):
                continue
            text = SOURCE_OF_POSITION.sub("", cells[roles["text"]])
            if THEME_ROW.match(text):
                group = _clean(THEME_ROW.sub("", text))
                continue
            if not PARAGRAPH.match(text):
                continue
            record = _recommendation(text)
            lists = _cell_lists(cells[roles["themes"]]) if "themes" in roles else {}
            if "sdgs" in roles:
                lists["sdgs"] = _cell_lists(cells[roles["sdgs"]])["themes"]
            record.update({key: "; ".join(values) for key, values in lists.items()})
            record["themes"] = record.get("themes") or group
            record.update(common, position=_position(cells[roles["position"]]),
                          source_page=str(number))
            records.append(record)
    if not roles:
        first = [_clean(c.text) for c in document.tables[0].rows[0].cells] if (
            document.tables and document.tables[0].rows) else []
        found = f"its first table starts {first}" if any(first) else "its tables are empty"
        raise InputError(path, f"has no table whose header names 'Recommendation' and "
                               f"'Position' ({len(document.tables)} tables; {found}): not a "
                               "thematic list of recommendations")
    return records


# --- report (PDF or DOCX) ----------------------------------------------------------------

def _pdf_lines(path: Path) -> tuple[list[tuple[int, str]], str]:
    """The body text lines of a PDF as (page, line), and the text of its first two pages.

    Characters smaller than the body text (footnotes, footnote markers, running headers and
    footers) are left out; so are page numbers, document symbols and GE numbers at the top
    or bottom of a page.
    """
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            pages = list(pdf.pages)
            if not pages:
                raise InputError(path, "is a damaged PDF: no readable pages (its page tree "
                                       "or root object is missing)")
            sizes = Counter(round(char["size"], 1) for page in pages for char in page.chars)
            for number, page in enumerate(pages, 1):
                if not page.chars and page.images:
                    raise InputError(path, "no text layer (a scanned image?); run OCR first",
                                     number, "page")
            if not sizes:
                raise InputError(path, "no text layer; run OCR first",
                                 1, "page")
            body = sizes.most_common(1)[0][0]
            first = "\n".join(page.extract_text() or "" for page in pages[:2])
            lines = []
            for number, page in enumerate(pages, 1):
                page_lines = page.filter(
                    lambda obj: obj.get("object_type") != "char" or obj["size"] >= 0.95 * body
                ).extract_text().splitlines()
                while page_lines and PAGE_EDGE.match(page_lines[0].strip()):
                    page_lines.pop(0)
                while page_lines and PAGE_EDGE.match(page_lines[-1].strip()):
                    page_lines.pop()
                lines += [(number, line) for line in page_lines]
    except InputError:
        raise
    except Exception as err:  # pdfminer raises many types for damaged files
        raise InputError(path, f"is a damaged or unreadable PDF ({type(err).__name__}: "
                               f"{err})") from None
    return lines, first


def _read_report(path: Path, lines: list[tuple[int, str]], heading: str) -> list[dict]:
    """Records of the recommendation paragraphs ``NNN.M`` of a Working Group report.

    A sub-paragraph counts when it follows its introducing paragraph ``NNN.`` (which must
    speak of recommendations) in sequence; it runs until the next one, the next main
    paragraph, or the line where it ends with ``).``.
    """
    title = REPORT_TITLE.search(heading)
    common = {"state_under_review": _clean(title.group(1)) if title else "",
              "session": _session(heading)}
    vocabulary = Counter(re.findall(r"[\w-]+", " ".join(line for _, line in lines).lower()))
    blocks, main, intro, current, expected = [], None, [], None, 1
    for page, line in lines:
        sub, new_main = PARAGRAPH.match(line), MAIN_PARAGRAPH.match(line)
        open_block = current is not None and not re.search(r"\)\.$", current["lines"][-1].strip())
        if (sub and int(sub.group(1)) == main and int(sub.group(2)) == expected
                and RECOMMEND.search(" ".join(intro))):
            current = {"page": page, "lines": [line], "intro": intro}
            blocks.append(current)
            expected += 1
        elif new_main and (not open_block or int(new_main.group(1)) == main + 1):
            main, intro, current, expected = int(new_main.group(1)), [line], None, 1
        elif open_block:
            current["lines"].append(line)
        elif current is None and main is not None:
            intro.append(line)
    records = []
    for block in blocks:
        record = _recommendation(_join_lines(block["lines"], vocabulary))
        record.update(common, position=_position(_join_lines(block["intro"], vocabulary), True),
                      source_page=str(block["page"]))
        records.append(record)
    return records


# --- text and UHRI -----------------------------------------------------------------------

def _read_text(path: Path, head: bytes, encoding: str) -> list[dict]:
    utf8 = is_utf8(encoding)
    if (b"\x00" in head and not is_wide(encoding)) or (utf8 and _decode_head(head) is None):
        raise InputError(path, f"is not a text file: its content is {_describe(head)}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeError as err:
        start = getattr(err, "start", 0)
        raise InputError(path, f"byte 0x{data[start]:02x} is not valid {'UTF-8' if utf8 else encoding}; "
                               "give the file's encoding with --encoding (e.g. cp1252 or utf-16) or save it "
                               "as UTF-8", data[:start].count(b"\n") + 1, "line") from None
    lines, furniture, joined, wrapped = [], [], [], False
    for number, line in enumerate(text.splitlines(), 1):  # \n, \r\n and a lone \r all end a line
        line = line.strip()
        if not line:
            wrapped = False  # a blank line ends a paragraph
        elif PAGE_EDGE.match(line) and (wrapped or not line.isdigit()):
            furniture.append(number)  # a page number alone is furniture only inside a numbered list
        else:
            bullet = BULLET.match(line)
            line = line[bullet.end():] if bullet else line
            states = STATES_LINE.match(line) and (wrapped or line.endswith(";"))
            if lines and not bullet and (states or (wrapped and not _next_paragraph(lines[-1][1], line))):
                lines[-1][1] += " " + line
                joined.append(number)
            else:
                lines.append([number, line])
            wrapped = bool(PARAGRAPH.match(lines[-1][1]) or MAIN_PARAGRAPH.match(lines[-1][1]))
    if furniture:
        warnings.warn(InputWarning(
            f"{path}: {len(furniture):,} line{'s' if len(furniture) > 1 else ''} left out as page headers or footers "
            f"copied from a document (a document symbol, GE number, 'Page N' or a page number alone; first: line {furniture[0]})"))
    if joined:
        warnings.warn(InputWarning(
            f"{path}: {len(joined):,} line{'s' if len(joined) > 1 else ''} joined to the recommendation before "
            f"{'them' if len(joined) > 1 else 'it'} as wrapped text (a line of States alone in parentheses, or "
            f"a line without a paragraph number in a numbered list; first: line {joined[0]})"))
    return [{**_recommendation(line), "source_page": str(number)} for number, line in lines]


def _next_paragraph(current: str, line: str) -> bool:
    """Whether ``line`` opens a paragraph after the one ``current`` opens: a main paragraph
    (``121. …``), or a numbered one of the same or the next main paragraph (after ``120.3``:
    ``120.4`` or ``121.1``, not ``25.1`` of a wrapped "article 25.1")."""
    if MAIN_PARAGRAPH.match(line):
        return True
    found = PARAGRAPH.match(line)
    number = PARAGRAPH.match(current) or MAIN_PARAGRAPH.match(current)
    return bool(found) and (number is None or int(found.group(1)) - int(number.group(1)) in (0, 1))


def _read_uhri(path: Path, head: bytes) -> pd.DataFrame:
    try:
        if head.startswith(b"PK\x03\x04"):
            table = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
        else:
            first = (_decode_head(head) or "").splitlines()[:1] or [""]
            table = pd.read_csv(path, sep=_separator(first[0]), dtype=str,
                                keep_default_na=False, encoding="utf-8-sig")
    except Exception as err:  # pandas, openpyxl and the csv parser raise many types
        raise InputError(path, f"is not a readable UHRI export ({type(err).__name__}: "
                               f"{err})") from None
    table = table.fillna("").astype(str)
    columns = {c: UHRI_COLUMNS.get(str(c).strip().lower()) for c in table.columns}
    if "text" not in columns.values():
        raise InputError(path, "has no 'Annotation' column: not a UHRI export (columns: "
                               f"{', '.join(map(str, table.columns))})", 0)
    records, extra = [], [c for c, role in columns.items() if role is None]
    for number, row in enumerate(table.to_dict("records"), 1):
        values = {}
        for column, role in columns.items():
            if role and not values.get(role):
                values[role] = _clean(row[column])
        record = _recommendation(values.pop("text"))
        record["recommending_states"] = "; ".join(
            _split_names(values.pop("recommending_states", "").replace(";", ","))
        ) or record["recommending_states"]
        record.update(values, position=_position(values.get("position", "")),
                      source_page=str(number))
        record.update({f"input_{c}" if c in COLUMNS else c: row[c] for c in extra})
        records.append(record)
    if not any(record["text"] for record in records):
        raise InputError(path, "holds no recommendations (no row with an annotation)")
    return _frame(records, path)


def _frame(records: list[dict], path: Path) -> pd.DataFrame:
    """The records as a table of strings with :data:`COLUMNS` first."""
    frame = pd.DataFrame(records, dtype=object)
    if "document" not in frame or not frame["document"].fillna("").any():
        frame["document"] = path.name
    whole = guess_language(" ".join(frame["text"]))
    frame["language"] = [guess_language(text) or whole for text in frame["text"]]
    for column in COLUMNS:
        if column not in frame:
            frame[column] = ""
    order = list(COLUMNS) + [c for c in frame.columns if c not in COLUMNS]
    return frame[order].fillna("").astype(str).reset_index(drop=True)
