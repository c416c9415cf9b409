import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from upr_elect.classifier.inference import MODELS_DIR
from upr_elect.cli import EXAMPLE, app
from builders import fixture_model

runner = CliRunner()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A small baseline fitted on the project's fixture texts (never shipped)."""
    model = fixture_model()
    folder = tmp_path_factory.mktemp("models") / "fixture-baseline"
    model.save(folder, {"version": "test"})
    return str(folder)


def label(*args):
    return runner.invoke(app, ["label", *map(str, args)])


def test_label_example_keeps_rows_order_and_columns(model_dir, tmp_path):
    out = tmp_path / "labels.csv"
    result = label(EXAMPLE, "--output", out, "--model", model_dir)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("read 20 records, labelled 20")  # no progress residue before it
    frame = pd.read_csv(out, keep_default_na=False)
    source = pd.read_csv(EXAMPLE, keep_default_na=False)
    assert frame["id"].tolist() == source["id"].tolist()
    assert frame["text"].tolist() == source["text"].tolist()
    assert list(frame.columns) == ["rec_id", "source_file", "source_row", "input_problem", *source.columns,
                                   "relevance", "p_direct", "p_indirect", "channels", "model",
                                   "untagged_candidate"]
    assert set(frame["relevance"]) <= {"direct", "indirect", "none"}
    assert frame["model"].str.fullmatch(r"fixture-baseline@test-[0-9a-f]{8}").all()
    by_id = frame.set_index("id")
    assert by_id.loc["EX01", "relevance"] == "direct"
    assert by_id.loc["EX01", "untagged_candidate"] == "False"  # tagged Elections already
    assert by_id.loc["EX02", "untagged_candidate"] == ""  # no tags at all: unknown
    assert by_id.loc["EX12", "relevance"] == "none" and by_id.loc["EX12", "untagged_candidate"] == "False"
    candidates = frame[frame["untagged_candidate"] == "True"]
    assert len(candidates) and (candidates["relevance"] != "none").all()
    assert (candidates["issues"] != "Elections").all()


def test_output_is_deterministic_and_formats_agree(model_dir, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    label(EXAMPLE, "-o", first, "--model", model_dir)
    label(EXAMPLE, "-o", second, "--model", model_dir)
    assert first.read_bytes() == second.read_bytes()
    label(EXAMPLE, "-o", tmp_path / "c.jsonl", "--model", model_dir)
    label(EXAMPLE, "-o", tmp_path / "d.parquet", "--model", model_dir)
    records = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    parquet = pd.read_parquet(tmp_path / "d.parquet")
    csv = pd.read_csv(first, keep_default_na=False)
    assert [r["rec_id"] for r in records] == parquet["rec_id"].tolist() == csv["rec_id"].tolist()
    assert [r["relevance"] for r in records] == parquet["relevance"].tolist() == csv["relevance"].tolist()
    assert [r["channels"] for r in records] == [list(c) for c in parquet["channels"]]
    assert csv["channels"].tolist() == ["; ".join(r["channels"]) for r in records]


def test_empty_text_is_kept_flagged_and_counted(model_dir, tmp_path):
    source = tmp_path / "recs.csv"
    source.write_text("text,country\nHold free elections,Arcadia\n,Borduria\nBuild schools,Carpania\n")
    out = tmp_path / "out.csv"
    result = label(source, "-o", out, "--model", model_dir)
    assert result.exit_code == 0
    assert "row 2: empty text; kept, not labelled" in result.output
    assert "read 3 records, labelled 2" in result.output and "rejected 1 (listed in" in result.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert frame["country"].tolist() == ["Arcadia", "Borduria", "Carpania"]
    assert frame["input_problem"].tolist() == ["", "empty text", ""]
    assert frame["relevance"][1] == "" and frame["relevance"][0] != ""


@pytest.mark.parametrize("content, options, message", [
    (b"id,body\n1,Hold free elections\n", [], "has no text column (columns: id, body)"),
    (b"text;country\nHold free elections;Arcadia\n", ["--sep", ","], "separator is probably wrong"),
    (b"text\nProt\xe9ger les journalistes\n", [], "line 2: byte 0xe9 at column 5 is not valid utf-8"),
])
def test_bad_inputs_give_one_clear_error_and_no_output(model_dir, tmp_path, content, options, message):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    result = label(source, "-o", out, "--model", model_dir, *options)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "bad.csv" in result.output and "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "out.csv.partial").exists()


def test_missing_input_and_bad_output_extension(model_dir, tmp_path):
    result = label(tmp_path / "nothing.csv", "-o", tmp_path / "o.csv", "--model", model_dir)
    assert result.exit_code == 2 and "nothing.csv: no such file or folder" in result.output
    result = label(EXAMPLE, "-o", tmp_path / "o.xls", "--model", model_dir)
    assert result.exit_code == 2 and "output must end in .csv, .jsonl or .parquet" in result.output


def test_default_command_uses_the_shipped_model(tmp_path):
    out = tmp_path / "labels.csv"
    result = label("-o", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert len(frame) == 20 and frame["model"][0].split("@")[0] in ("transformer-minilm", "baseline-tfidf")
    # Probabilities are written with at most 4 decimals (float32 scores are rounded in float64).
    written = pd.read_csv(out, dtype=str)[["p_direct", "p_indirect"]].to_numpy().ravel()
    assert all(len(value.split(".")[-1]) <= 4 for value in written), written


def test_resume_after_kill_gives_the_same_file(model_dir, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    rows = pd.read_csv(EXAMPLE)
    big = pd.concat([rows.assign(id=rows["id"] + f"-{k}") for k in range(500)], ignore_index=True)
    source = tmp_path / "big.csv"
    big.to_csv(source, index=False)
    command = [sys.executable, "-m", "upr_elect.cli", "label", str(source), "--model", model_dir,
               "--chunk-size", "50"]
    whole = tmp_path / "whole.csv"
    subprocess.run(command + ["-o", str(whole)], check=True, capture_output=True)

    out = tmp_path / "out.csv"
    checkpoint = tmp_path / "out.csv.partial.json"
    process = subprocess.Popen(command + ["-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if checkpoint.exists() and json.loads(checkpoint.read_text() or "{}").get("chunks", 0) >= 3:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be interrupted"
    assert not out.exists() and (tmp_path / "out.csv.partial").exists()

    result = runner.invoke(app, ["label", str(source), "-o", str(out), "--model", model_dir,
                                 "--chunk-size", "50", "--resume"])
    assert result.exit_code == 0, result.output
    assert "read 10,000 records" in result.output
    assert out.read_bytes() == whole.read_bytes()
    assert not checkpoint.exists()


def test_an_interrupted_run_left_behind_is_named_when_starting_over(model_dir, tmp_path):
    out = tmp_path / "out.csv"
    (tmp_path / "out.csv.partial").write_text("rec_id\n")
    (tmp_path / "out.csv.partial.json").write_text("{}")
    result = label(EXAMPLE, "-o", out, "--model", model_dir)
    assert result.exit_code == 0, result.output
    assert "out.csv.partial.json shows an interrupted run of this output; starting over (stop now and add " \
           "--resume" in " ".join(result.output.split())
    assert len(pd.read_csv(out)) == 20 and not (tmp_path / "out.csv.partial.json").exists()


@pytest.mark.parametrize("name, then", [("out.csv", "add --resume to the same command"),
                                         ("out.parquet", "run the command again")])
def test_an_interrupted_run_says_how_to_go_on(model_dir, tmp_path, monkeypatch, name, then):
    from upr_elect.classifier import batch

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "label_files", interrupted)
    result = label(EXAMPLE, "-o", tmp_path / name, "--model", model_dir)
    assert result.exit_code == 130
    assert f"interrupted: {tmp_path / name} is not written; {then}" in " ".join(result.output.split())


def test_resume_refuses_another_job(model_dir, tmp_path):
    out = tmp_path / "out.csv"
    result = label(EXAMPLE, "-o", out, "--model", model_dir, "--resume")
    assert result.exit_code == 2 and "nothing to resume" in result.output



def test_output_onto_an_input_is_refused(model_dir, tmp_path):
    source = tmp_path / "recs.csv"
    source.write_text("text\nHold free elections\n")
    before = source.read_bytes()
    result = label(source, "-o", source, "--model", model_dir)
    assert result.exit_code == 2 and "is also an input" in result.output
    assert source.read_bytes() == before


def test_the_same_command_runs_again_with_its_output_inside_the_input_folder(model_dir, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    (folder / "recs.csv").write_text("text\nHold free elections\n\"\"\nProtect journalists\n")
    (folder / "notes.md").write_text("not an input\n")
    out = folder / "labels.csv"
    first = label(folder, "-o", out, "--model", model_dir)
    assert first.exit_code == 0, first.output
    assert (folder / "labels.csv.rejects.csv").is_file()  # the empty row
    before = pd.read_csv(out)
    second = label(folder, "-o", out, "--model", model_dir)
    assert second.exit_code == 0, second.output
    output = " ".join(second.output.split())
    assert "session: labels.csv not read: it is this command's output" in output
    assert "session: labels.csv.rejects.csv not read: it lists the rejects of an earlier label run" in output
    (folder / "counts.json").write_text('{\n  "input": {"files": ["labels.csv"]},\n  "method": {}\n}\n')
    with_report = label(folder, "-o", out, "--model", model_dir)
    assert with_report.exit_code == 0, with_report.output
    assert "session: counts.json not read: it is a report of upr-elect count" in " ".join(with_report.output.split())
    (folder / "counts.json").unlink()
    # the folder's other skipped file is reported on one line, not as a Python warning
    assert "session: skipped notes.md" in output and "InputWarning" not in output
    pd.testing.assert_frame_equal(pd.read_csv(out), before)
    assert len(before) == 3
    # another output name: the earlier output is now an input, and the error says so
    third = label(folder, "-o", tmp_path / "other.csv", "--model", model_dir)
    assert third.exit_code == 2
    assert "holds the columns of label's output: an earlier output? move it out of the inputs" in (
        " ".join(third.output.split()))


def test_a_real_input_named_as_the_output_inside_its_folder_is_refused_not_overwritten(model_dir, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    (folder / "1_recs.csv").write_text("text\nHold free elections\n")
    mine = folder / "2_mydata.csv"
    mine.write_text("text,session\nProtect journalists,30\n")
    before = mine.read_bytes()
    result = label(folder, "-o", mine, "--model", model_dir)
    assert result.exit_code == 2
    assert f"{mine}: is also an input; write the labels to another file" in " ".join(result.output.split())
    assert mine.read_bytes() == before


def test_an_interrupted_run_inside_the_input_folder_resumes(model_dir, tmp_path):
    from upr_elect.classifier.batch import label_files
    from upr_elect.classifier.inference import load_model

    rows = pd.read_csv(EXAMPLE)
    folder = tmp_path / "session"
    folder.mkdir()
    pd.concat([rows.assign(id=rows["id"] + f"-{k}") for k in range(5)]).to_csv(folder / "recs.csv", index=False)
    model = load_model(model_dir)
    label_files(model, [folder], tmp_path / "whole.csv", chunk_rows=20)
    out = folder / "out.csv"
    done = []

    def interrupt(n):
        done.append(n)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        label_files(model, [folder], out, on_chunk=interrupt, chunk_rows=20)
    assert (folder / "out.csv.partial.json").is_file() and not out.exists()
    summary = label_files(model, [folder], out, resume=True, chunk_rows=20)
    assert summary.read == 100
    assert any("out.csv.partial.json not read: it is the checkpoint of an interrupted label run" in str(w)
               for w in summary.warnings), summary.warnings
    assert out.read_bytes() == (tmp_path / "whole.csv").read_bytes()


@pytest.mark.parametrize("sep", ["tab", "\\t", "\t"])
def test_a_tab_separator_can_be_typed(model_dir, tmp_path, sep):
    source = tmp_path / "recs.txt"
    source.write_text("text\tsession\nHold free elections\t30\nProtect journalists\t30\n")
    result = label(source, "-o", tmp_path / "out.csv", "--model", model_dir, "--sep", sep)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "out.csv")["session"].tolist() == [30, 30]


@pytest.mark.parametrize("sep", [";;", '"'])
def test_a_separator_that_cannot_be_one_is_refused(model_dir, tmp_path, sep):
    result = label(EXAMPLE, "-o", tmp_path / "out.csv", "--model", model_dir, "--sep", sep)
    assert result.exit_code == 2 and "unexpected" not in result.output
    assert f"{sep!r} is not a separator: give one character" in " ".join(result.output.replace("│", " ").split())


def test_folder_with_other_columns_names_the_input(model_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("text,country\nHold free elections,Arcadia\n")
    (folder / "b.csv").write_text("text,region\nProtect journalists,Asia\n")
    result = label(folder, "-o", tmp_path / "out.csv", "--model", model_dir)
    assert result.exit_code == 2
    assert f"b.csv: has other columns than {folder}/a.csv, the first input (differing: country, region)" in (
        " ".join(result.output.split()))
    assert not (tmp_path / "out.csv").exists()


def test_a_training_variant_is_never_written_over_the_shipped_model():
    shipped = (MODELS_DIR / "baseline-tfidf" / "card.json").read_bytes()
    result = runner.invoke(app, ["train", "--sources", "silver", "--cue-weight", "0.1"])
    assert result.exit_code == 2
    assert "with --sources, --cue-weight the model is a variant: give it its own --output folder" in (
        " ".join(result.output.replace("│", " ").split()))
    assert (MODELS_DIR / "baseline-tfidf" / "card.json").read_bytes() == shipped


def test_a_bad_option_combination_is_a_usage_error_not_an_unexpected_one():
    result = runner.invoke(app, ["train", "--model", "transformer", "--cue-weight", "0.1"])
    assert result.exit_code == 2
    assert "only the baseline has cue features" in result.output
    assert "unexpected" not in result.output


@pytest.mark.parametrize("output, message", [
    ("missing/out.csv", "folder {tmp}/missing does not exist"),
    ("folder.csv", "folder.csv: is a folder; give a file name"),
    ("out.xml", "output must end in .csv, .jsonl or .parquet"),
])
def test_unwritable_output_is_refused_before_the_model_is_loaded(model_dir, tmp_path, monkeypatch, output, message):
    (tmp_path / "folder.csv").mkdir()

    def no_work(*args, **kwargs):
        raise AssertionError("the output should have been refused before any work")

    monkeypatch.setattr("upr_elect.cli.load_model", no_work)
    result = label(EXAMPLE, "-o", tmp_path / output, "--model", model_dir)
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in " ".join(result.output.split())
    assert "unexpected" not in result.output
    assert (tmp_path / "folder.csv").is_dir()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (a folder no file can be created in)")
def test_output_in_a_folder_that_takes_no_files_is_refused(model_dir):
    result = label(EXAMPLE, "-o", "/proc/nope.csv", "--model", model_dir)
    assert result.exit_code == 2
    assert "/proc/nope.csv: cannot write in folder /proc" in result.output
    assert "unexpected" not in result.output


def test_one_record_is_one_record(model_dir, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("text\nBuild schools\n")
    result = label(source, "-o", tmp_path / "out.csv", "--model", model_dir)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("read 1 record, labelled 1 (")
    assert "; 0 untagged candidates →" in result.output


@pytest.mark.parametrize("theme, tagged", [
    ("D7 Right to participation in public affairs and right to vote", True),
    ("D7 Droit de participer aux affaires publiques et droit de vote", True),
    ("Derecho a participar en los asuntos públicos y derecho de voto", True),
    ("D8 Rights related to name, identity, nationality", False),
    ("Freedom of opinion and expression", False),
])
def test_the_ohchr_election_theme_is_known_by_its_code_and_its_names(theme, tagged):
    from upr_elect.classifier.batch import is_election_tagged

    assert is_election_tagged([theme]) is tagged
