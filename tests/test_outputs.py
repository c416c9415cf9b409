"""Tests of a labelling job's identity (``--resume``) and of what it reports
(upr_elect.classifier.batch, upr_elect.data.outputs)."""

import pandas as pd
import pytest

from upr_elect.classifier.batch import label_files
from upr_elect.data.loaders import InputError
from upr_elect.data.outputs import OutputError
from builders import fixture_model


@pytest.fixture(scope="module")
def model():
    """A small baseline fitted on the project's fixture texts (never shipped)."""
    fitted = fixture_model()
    fitted.card = {"version": "test"}
    return fitted


class Interrupted:
    """``model``, stopped (as by Ctrl-C) when asked to label its ``calls + 1``-th chunk."""

    def __init__(self, model, calls: int):
        self.model, self.calls = model, calls

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict_proba(self, texts):
        self.calls -= 1
        if self.calls < 0:
            raise KeyboardInterrupt
        return self.model.predict_proba(texts)


def test_resume_refuses_an_input_edited_to_the_same_size(model, tmp_path):
    source = tmp_path / "recs.csv"
    original = "text\n" + "".join(f"Hold free elections in district {i}\n" for i in range(10))
    source.write_text(original, encoding="utf-8")
    whole = tmp_path / "whole.csv"
    label_files(model, [source], whole, chunk_rows=4)

    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        label_files(Interrupted(model, 1), [source], out, chunk_rows=4)
    assert (tmp_path / "out.csv.partial.json").is_file() and not out.exists()
    source.write_text(original.replace("district 7", "district 8"), encoding="utf-8")
    assert len(source.read_bytes()) == len(original.encode())
    with pytest.raises(OutputError, match=r"other inputs, model or options \(differing: sha256\)"):
        label_files(model, [source], out, chunk_rows=4, resume=True)

    source.write_text(original, encoding="utf-8")  # the same job again: it resumes
    summary = label_files(model, [source], out, chunk_rows=4, resume=True)
    assert summary.read == 10
    assert out.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("damage, message", [
    ("short", r"out\.csv\.partial is shorter than its checkpoint records \("),
    ("checkpoint", r"out\.csv\.partial\.json is damaged \("),
    ("empty checkpoint", r"out\.csv\.partial\.json is damaged \(it lacks bytes, chunks, columns, job, state\)"),
])
def test_resume_refuses_a_damaged_partial_file_or_checkpoint(model, tmp_path, damage, message):
    source = tmp_path / "recs.csv"
    source.write_text("text\n" + "".join(f"Hold free elections in district {i}\n" for i in range(10)),
                      encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        label_files(Interrupted(model, 2), [source], out, chunk_rows=4)
    partial, checkpoint = tmp_path / "out.csv.partial", tmp_path / "out.csv.partial.json"
    if damage == "short":
        partial.write_bytes(partial.read_bytes()[:-30])
    else:
        checkpoint.write_text("{}" if damage == "empty checkpoint" else checkpoint.read_text()[:-5])
    with pytest.raises(OutputError, match=message):
        label_files(model, [source], out, chunk_rows=4, resume=True)
    assert not out.exists()


def test_folder_warnings_reach_the_summary_and_files_are_named_as_given(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("text,country\n", encoding="utf-8")  # a header alone
    (folder / "b.csv").write_text("text,region\nProtect journalists,Asia\n", encoding="utf-8")
    (folder / "README.md").write_text("# About\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^in/b\.csv: has other columns than in/a\.csv, the first input"):
        label_files(model, ["in"], tmp_path / "out.csv")
    (folder / "b.csv").write_text("text,country\nProtect journalists,Asia\n", encoding="utf-8")
    summary = label_files(model, ["in"], tmp_path / "out.csv")
    assert summary.warnings == [
        "in: skipped README.md (not input files: inputs end in .csv, .tsv, .tab, .txt, .jsonl, .json, "
        ".parquet, .xlsx, .docx, .pdf)",
        "in/a.csv: has a header but no rows"]
    assert pd.read_csv(tmp_path / "out.csv")["source_file"].tolist() == ["in/b.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_file_with_a_header_alone_before_one_with_rows(model, tmp_path, suffix):
    (tmp_path / "a.csv").write_text("text\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("text\nProtect journalists\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    summary = label_files(model, [tmp_path / "a.csv", tmp_path / "b.csv"], out)
    assert summary.read == 1
    frame = {".csv": pd.read_csv, ".jsonl": lambda p: pd.read_json(p, lines=True),
             ".parquet": pd.read_parquet}[suffix](out)
    assert frame["text"].tolist() == ["Protect journalists"]
