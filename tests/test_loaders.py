import warnings

import pandas as pd
import pytest

from upr_elect.data.loaders import InputError, InputWarning, load_upr_export, read_table, read_tables
from builders import EXPORT_ROWS, write_export


def read_all(path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return pd.concat([c.frame for c in read_tables([path], **options)], ignore_index=True)


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
    assert frame["source_file"].tolist() == ["01-export.csv"] * 3 + ["02-export.csv"] * 2
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
    with pytest.raises(InputError, match=r"ragged\.csv: is not a well-formed table"):
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


def test_real_export_counts(shared_data):
    export = shared_data.export
    assert len(export) == 61014
    assert export["rec_id"].is_unique
    early = export[export["session"] <= 25]
    assert len(early) == 55224
    assert early["issues"].str.split(",").map(lambda t: "Elections" in t).sum() == 321
    assert export["recommendation"].str.strip().nunique() == 55711
