import warnings
from pathlib import Path

import pandas as pd
import pytest

from upr_elect.data.loaders import (InputError, InputWarning, detect_format, input_files, load_upr_export,
                                    read_table, read_tables)
from builders import EXPORT_ROWS, write_export


def read_all(path, **options) -> pd.DataFrame:
    """Every record of one path, or of a list of paths, warnings ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        paths = path if isinstance(path, list) else [path]
        return pd.concat([c.frame for c in read_tables(paths, **options)], ignore_index=True)


def messages(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def test_upr_info_export_quirks(tmp_path):
    write_export(tmp_path / "01-export.csv", EXPORT_ROWS[:3])
    write_export(tmp_path / "02-export.csv", EXPORT_ROWS[3:], line_end="\n")
    frame = load_upr_export(tmp_path)
    assert len(frame) == 5
    assert frame["recommending_state"][0] == "Borduria"  # trailing space stripped
    assert frame["rs_regional_group"][1] == "(Unknown)"  # HTML escape undone
    assert frame["recommendation"][3] == "Improve prison conditions;\nin particular for women"
    assert frame["session"].tolist()[:4] == [12, 12, 12, 27]
    assert pd.isna(frame["session"][4]) and pd.isna(frame["cycle"][4])
    assert frame["cycle"].tolist()[:4] == [1, 1, 1, 3]
    # The path as given: here the folder's, so tmp_path/name.
    assert frame["source_file"].tolist() == ([str(tmp_path / "01-export.csv")] * 3
                                             + [str(tmp_path / "02-export.csv")] * 2)
    assert frame["source_row"].tolist() == [1, 2, 3, 1, 2]


def test_exact_duplicates_stay_two_records_with_stable_ids(tmp_path):
    path = write_export(tmp_path / "export.csv", EXPORT_ROWS)
    first = read_all(path)
    assert first["rec_id"].nunique() == len(EXPORT_ROWS)  # rows 2 and 3 are identical
    assert first["rec_id"].tolist() == read_all(path)["rec_id"].tolist()
    # The id depends on content, not position: moving a row keeps its id.
    moved = write_export(tmp_path / "moved.csv", [EXPORT_ROWS[4]] + EXPORT_ROWS[:4])
    assert read_all(moved)["rec_id"][0] == first["rec_id"][4]


def test_generic_csv_keeps_every_column_and_flags_empty_text(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("id,Recommendation,country\n1,Reform the electoral code,Arcadia\n2,,Borduria\n"
                    "3,   ,Carpania\n", encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        frame = pd.concat([c.frame for c in read_table(path)])
    assert [str(w.message) for w in caught] == [
        f"{path}, row {row}: empty text; kept, not labelled" for row in (2, 3)]
    assert list(frame.columns) == ["rec_id", "source_file", "source_row", "input_problem", "id",
                                   "Recommendation", "country"]
    assert frame["input_problem"].tolist() == ["", "empty text", "empty text"]
    assert frame["country"].tolist() == ["Arcadia", "Borduria", "Carpania"]


def test_semicolon_table_is_sniffed_and_forced_wrong_separator_is_explained(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("text;country\nAllow prisoners to vote;Arcadia\n", encoding="utf-8")
    assert read_all(path)["country"].tolist() == ["Arcadia"]
    with pytest.raises(InputError, match=r"recs\.csv, header: has no text column .*separator is probably wrong"):
        read_all(path, sep=",", fmt="csv")


def test_missing_text_column_names_the_columns(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("id,body\n1,Allow prisoners to vote\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"has no text column \(columns: id, body\); name it with --text-column"):
        read_all(path)
    assert read_all(path, text_column="body")["body"].tolist() == ["Allow prisoners to vote"]
    with pytest.raises(InputError, match=r"has no text column 'texte'"):
        read_all(path, text_column="texte")


def test_non_utf8_byte_names_line_and_byte(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text\nProtect journalists\nGarantir la libert\xe9 de r\xe9union\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.csv, line 3: byte 0xe9 at column 19 is not valid utf-8"):
        read_all(path)
    assert read_all(path, encoding="latin-1")["text"][1] == "Garantir la liberté de réunion"


def test_ragged_rows_and_missing_file_are_clear_errors(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text('text,country\n"Allow prisoners to vote",Arcadia,extra,fields\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"ragged\.csv, line 2: the first data row has more fields than the "
                                         r"header \(a ',' inside an unquoted text\?"):
        read_all(path)
    path.write_text('text,country\nAllow prisoners to vote,Arcadia\nProtect journalists, bloggers,Borduria\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"ragged\.csv, line 3: has 3 fields where the header has 2"):
        read_all(path)
    path.write_text('text,country\nAllow prisoners to vote,Arcadia\n"Protect journalists,Borduria\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"ragged\.csv, line 3: a double quote opened here is never closed"):
        read_all(path)
    with pytest.raises(InputError, match=r"nothing\.csv: no such file"):
        read_all(tmp_path / "nothing.csv")


def test_duplicate_input_ids_are_reported(tmp_path):
    path = tmp_path / "recs.jsonl"
    path.write_text('{"id": "A1", "text": "Protect journalists"}\n{"id": "A1", "text": "Ratify the Convention"}\n',
                    encoding="utf-8")
    with pytest.warns(InputWarning, match=r"row 2: id column 'id' repeats value 'A1' first seen at row 1"):
        frame = pd.concat([c.frame for c in read_table(path)])
    assert len(frame) == 2


def test_non_english_rows_get_one_warning_per_file_and_are_kept(tmp_path):
    path = tmp_path / "session.csv"
    path.write_text("text\nReform the electoral code before the next elections\n"
                    "Garantir la liberté d'expression et protéger les journalistes dans le pays\n"
                    "Protect journalists from harassment and threats\n"
                    "Garantizar la libertad de expresión de los periodistas y las periodistas\n"
                    "Garantir le droit de vote des personnes handicapées\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=r"session\.csv: 3 rows look non-English \(es 1, fr 2; first: row 2\)"):
        frame = pd.concat([c.frame for c in read_table(path)])
    assert len(frame) == 5 and frame["input_problem"].tolist() == [""] * 5
    # One French-looking word in an English text is not a French text.
    path.write_text("text\nConsider de-criminalising defamation without delay\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        assert len(pd.concat([c.frame for c in read_table(path)])) == 1


def test_non_text_cells_are_flagged_not_dropped(tmp_path):
    path = tmp_path / "recs.parquet"
    pd.DataFrame({"text": ["Protect journalists", None], "n": [1, 2]}).to_parquet(path)
    frame = read_all(path)
    assert frame["input_problem"].tolist() == ["", "empty text"]
    xlsx = tmp_path / "recs.xlsx"
    pd.DataFrame({"Recommendation": ["Allow prisoners to vote", 42]}).to_excel(xlsx, index=False)
    assert read_all(xlsx)["input_problem"].tolist() == ["", "text is not text (int 42)"]
    # A CSV cell is always a string; one without a letter is no recommendation either.
    csv = tmp_path / "recs.csv"
    csv.write_text("id,text\n1,Allow prisoners to vote\n2,12345\n3, 3.14 \n", encoding="utf-8")
    assert read_all(csv)["input_problem"].tolist() == ["", "text has no letters ('12345')",
                                                      "text has no letters ('3.14')"]


def test_a_workbook_of_several_sheets_reads_the_first_and_names_the_others(tmp_path):
    path = tmp_path / "session.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"text": ["Ensure free and fair elections", "Protect journalists"]}).to_excel(
            book, sheet_name="Recommendations", index=False)
        pd.DataFrame({"text": ["Abolish the death penalty"]}).to_excel(book, sheet_name="Pledges", index=False)
        pd.DataFrame({"note": ["draft"]}).to_excel(book, sheet_name="Notes", index=False)
    with pytest.warns(InputWarning, match="only its first sheet, 'Recommendations', is read; not read: Pledges, Notes"):
        frame = pd.concat([c.frame for c in read_table(path)])
    assert frame["text"].tolist() == ["Ensure free and fair elections", "Protect journalists"]


def test_real_export_counts(shared_data):
    export = shared_data.export
    assert len(export) == 61014
    assert export["rec_id"].is_unique
    early = export[export["session"] <= 25]
    assert len(early) == 55224
    assert early["issues"].str.split(",").map(lambda t: "Elections" in t).sum() == 321
    assert export["recommendation"].str.strip().nunique() == 55711


def test_txt_with_commas_is_plain_text_unless_its_header_names_a_text_column(tmp_path):
    lines = tmp_path / "commas.txt"
    lines.write_text("Ensure free, fair and transparent elections\n", encoding="utf-8")
    assert detect_format(lines) == "text"
    assert read_all(lines)["text"].tolist() == ["Ensure free, fair and transparent elections"]
    lines.write_text("Ensure free, fair and transparent elections\nProtect journalists; and bloggers\n"
                     "Hold elections\tsoon\n", encoding="utf-8")
    assert len(read_all(lines)) == 3
    table = tmp_path / "table.txt"
    table.write_text("id;Recommendation\n1;Hold elections, soon\n", encoding="utf-8")
    assert read_all(table)["Recommendation"].tolist() == ["Hold elections, soon"]
    table.write_text("id,body\n1,Hold elections\n", encoding="utf-8")
    assert detect_format(table) == "text"
    assert read_all(table, text_column="body")["body"].tolist() == ["Hold elections"]
    with pytest.raises(InputError, match=r"commas\.txt, header: has no text column .*give --format text"):
        read_all(lines, fmt="csv")


def test_plain_text_in_another_encoding_is_read_with_encoding(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("Ensure free elections for all\nProtect journalists and caf\u00e9 owners (Chile)\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"line 2: byte 0xe9 .* give the file's encoding with --encoding"):
        read_all(path)
    assert detect_format(path, encoding="cp1252") == "text"
    frame = read_all(path, encoding="cp1252")
    assert frame[["text", "recommending_states"]].values.tolist() == [
        ["Ensure free elections for all", ""], ["Protect journalists and caf\u00e9 owners", "Chile"]]


def test_utf16_tables_are_named_and_read_with_encoding(tmp_path):
    content = "text,session\nHold free elections,30\nProtect journalists,31\n"
    with_bom, without_bom = tmp_path / "bom.csv", tmp_path / "nobom.csv"
    with_bom.write_bytes(content.encode("utf-16"))
    without_bom.write_bytes(content.encode("utf-16-le"))
    with pytest.raises(InputError, match="bom.csv: is UTF-16 text .* give --encoding utf-16"):
        read_all(with_bom)
    with pytest.raises(InputError, match="nobom.csv: looks like UTF-16 text without a byte-order mark"):
        read_all(without_bom)
    with pytest.raises(InputError, match="nobom.csv, line 1: is not valid utf-16 .* give utf-16-le or utf-16-be"):
        read_all(without_bom, encoding="utf-16")
    for path, encoding in ((with_bom, "utf-16"), (without_bom, "utf-16-le")):
        frame = read_all(path, encoding=encoding)
        assert frame[["text", "session"]].values.tolist() == [["Hold free elections", "30"],
                                                               ["Protect journalists", "31"]]


def test_json_lines_with_keys_that_come_and_go_read_the_same_in_any_chunk_size(tmp_path):
    path = tmp_path / "recs.jsonl"
    path.write_text('{"id": 12345678901234567, "text": "Hold free elections"}\n{"text": "Protect journalists"}\n'
                    '{"id": 7, "text": "Free the press", "session": 30}\n', encoding="utf-8")
    whole = read_all(path)
    for chunk_rows in (1, 2):
        pd.testing.assert_frame_equal(read_all(path, chunk_rows=chunk_rows), whole)
    assert list(whole.columns[-3:]) == ["id", "text", "session"]
    assert whole["id"].tolist()[0::2] == [12345678901234567, 7] and pd.isna(whole["id"][1])  # no float


def test_a_json_array_of_records_is_read_like_json_lines(tmp_path):
    path = tmp_path / "recs.json"
    path.write_text('[\n  {"text": "Hold free elections", "session": 30},\n  {"text": "Protect journalists", '
                    '"session": 31}\n]\n', encoding="utf-8")
    frame = read_all(path)
    assert frame[["source_row", "text", "session"]].values.tolist() == [[1, "Hold free elections", 30],
                                                                        [2, "Protect journalists", 31]]
    path.write_text('[{"text": "Hold free elections"}, "Protect journalists"]', encoding="utf-8")
    with pytest.raises(InputError, match=r"recs.json, row 2: is not a JSON object"):
        read_all(path)
    path.write_text('[{"text": "Hold free elections"},\n {"text": }]', encoding="utf-8")
    with pytest.raises(InputError, match=r"recs.json, line 2: is not valid JSON"):
        read_all(path)
    path.write_text('{\n  "text": "Hold free elections"\n}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"recs.json: holds one JSON object: give records as a JSON array"):
        read_all(path)
    path.write_text('{"text": "Hold free elections"}\n', encoding="utf-8")  # one record, one line: JSON Lines
    assert read_all(path)["text"].tolist() == ["Hold free elections"]


def test_short_rows_of_a_generic_table_are_kept_and_flagged(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text('text,session,country\nHold free elections,30,Arcadia\n\nProtect journalists,30\n'
                    '"Free the press,\nnow",30,Borduria\nLift the curfew\n', encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        frame = pd.concat([c.frame for c in read_table(path)], ignore_index=True)
    assert messages(caught) == [
        f"{path}, row 2: empty text; kept, not labelled",
        f"{path}, row 3 (line 4): has 2 of 3 fields (the row is cut short); kept, not labelled",
        f"{path}, row 5 (line 7): has 1 of 3 fields (the row is cut short); kept, not labelled"]
    assert frame["input_problem"].tolist() == ["", "empty text", "has 2 of 3 fields", "", "has 1 of 3 fields"]
    assert frame["text"].tolist() == ["Hold free elections", "", "Protect journalists", "Free the press,\nnow",
                                      "Lift the curfew"]


def test_truncated_export_row_is_kept_and_flagged(tmp_path):
    short = ["Borduria", "EEG", "", "Reform the electoral code", "Dorvania"]
    path = write_export(tmp_path / "export.csv", EXPORT_ROWS[3:4] + [short] + EXPORT_ROWS[4:])
    with pytest.warns(InputWarning) as caught:
        frame = pd.concat([c.frame for c in read_table(path)], ignore_index=True)
    # Row 1 spans lines 2-3 (a quoted line break), so the short row 2 is on line 4.
    assert messages(caught) == [f"{path}, row 2 (line 4): has 5 of 11 fields (the row is cut short); "
                                "kept, not labelled"]
    assert frame["input_problem"].tolist() == ["", "has 5 of 11 fields", ""]
    assert frame["recommendation"][1] == "Reform the electoral code" and frame["response"][1] == ""
    path = write_export(tmp_path / "export.csv", [short[:3]])
    with pytest.warns(InputWarning):
        frame = pd.concat([c.frame for c in read_table(path)], ignore_index=True)
    assert frame["input_problem"].tolist() == ["has 3 of 11 fields; empty text"]


def test_folder_warns_about_subfolders_and_skips_other_files(tmp_path):
    folder = tmp_path / "nested"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("text\nHold elections\n", encoding="utf-8")
    (folder / "sub" / "b.csv").write_text("text\nProtect journalists\n", encoding="utf-8")
    (folder / "README.md").write_text("# About these files\n", encoding="utf-8")
    (folder / "notes").write_text("no extension\n", encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        assert input_files([folder]) == [folder / "a.csv"]
    assert messages(caught) == [
        f"{folder}: subfolder sub not read (folders are read one level deep; give a subfolder as an "
        "input to read it)",
        f"{folder}: skipped README.md, notes (not input files: inputs end in .csv, .tsv, .tab, .txt, "
        ".jsonl, .json, .parquet, .xlsx, .docx, .pdf)"]
    assert input_files([folder / "README.md"]) == [folder / "README.md"]  # named on its own: read
    (folder / "~$a.xlsx").write_bytes(b"lock")  # an open workbook's lock file: ignored, no warning
    with pytest.warns(InputWarning):
        assert input_files([folder]) == [folder / "a.csv"]
    with pytest.warns(InputWarning), pytest.raises(InputError, match=r"a\.csv: is given twice \(also as "):
        input_files([folder / "a.csv", folder])
    (folder / "sub" / "b.csv").rename(folder / "sub" / "b.md")
    with pytest.warns(InputWarning, match="skipped b.md"):
        with pytest.raises(InputError, match=r"sub: folder holds no input files"):
            input_files([folder / "sub"])


def test_source_file_is_the_path_as_given_and_rec_id_does_not_depend_on_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("d1", "d2"):
        Path(name).mkdir()
        Path(name, "a.csv").write_text(f"text\nHold elections in {name}\n", encoding="utf-8")
    frame = read_all(["d1/a.csv", "d2"])
    assert frame["source_file"].tolist() == ["d1/a.csv", "d2/a.csv"]
    Path("elsewhere").mkdir()
    Path("d1/a.csv").rename("elsewhere/b.csv")
    assert read_all(["elsewhere/b.csv"])["rec_id"][0] == frame["rec_id"][0]


def test_unknown_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("text\nHold elections\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"recs\.csv: unknown encoding 'nonsense-enc'"):
        read_all(path, encoding="nonsense-enc")


def test_forced_text_format_on_a_binary_file_names_what_it_is(tmp_path):
    parquet = tmp_path / "recs.parquet"
    pd.DataFrame({"text": ["Hold elections"]}).to_parquet(parquet)
    with pytest.raises(InputError, match=r"recs\.parquet: looks like a Parquet file \(binary\), not jsonl"):
        read_all(parquet, fmt="jsonl")
    xlsx = tmp_path / "recs.xlsx"
    pd.DataFrame({"text": ["Hold elections"]}).to_excel(xlsx, index=False)
    with pytest.raises(InputError, match=r"looks like an XLSX file \(binary\), not csv") as err:
        read_all(xlsx, fmt="csv")
    assert "--encoding" not in str(err.value)


def test_jsonl_error_gives_the_column(tmp_path):
    path = tmp_path / "recs.jsonl"
    path.write_text('{"text": "Hold elections"}\n{"text": "Protect\tjournalists"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"recs\.jsonl, line 2: is not valid JSON "
                                         r"\(Invalid control character at column 18\)"):
        read_all(path)


@pytest.mark.parametrize("kind", ["csv", "export", "xlsx", "parquet"])
def test_header_without_rows_warns(tmp_path, kind):
    path = tmp_path / f"header.{'csv' if kind == 'export' else kind}"
    empty = pd.DataFrame({"text": pd.Series([], dtype=str)})
    if kind == "csv":
        path.write_text("text,country\n", encoding="utf-8")
    elif kind == "export":
        write_export(path, [])
    else:
        empty.to_excel(path, index=False) if kind == "xlsx" else empty.to_parquet(path)
    with pytest.warns(InputWarning) as caught:
        chunks = list(read_table(path))
    assert messages(caught) == [f"{path}: has a header but no rows"]
    assert sum(len(c.frame) for c in chunks) == 0
    if kind == "csv":  # no header at all is still an error
        path.write_text("", encoding="utf-8")
        with pytest.raises(InputError, match=r"header\.csv: is empty \(no header row\)"):
            list(read_table(path))


def test_a_blank_line_of_a_one_column_table_is_an_empty_record_not_a_dropped_one(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("text\nHold elections\n\nBuild schools\n", encoding="utf-8")
    with pytest.warns(InputWarning, match="row 2: empty text"):
        frame = pd.concat([c.frame for c in read_table(path)])
    assert frame["source_row"].tolist() == [1, 2, 3]
    assert frame["input_problem"].tolist() == ["", "empty text", ""]


def test_a_header_naming_a_column_twice_warns_and_keeps_both(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text("text,country,text\nReform the electoral code,Arcadia,Réformer le code électoral\n",
                    encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        frame = pd.concat([c.frame for c in read_table(path)])
    assert messages(caught) == [
        f"{path}: the header names 'text' (text, text.1) more than once; the columns are kept in order under "
        "these names, and the first is the one read as text or tags"]
    assert frame[["text", "country", "text.1"]].values.tolist() == [
        ["Reform the electoral code", "Arcadia", "Réformer le code électoral"]]
