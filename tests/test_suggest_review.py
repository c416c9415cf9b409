"""``upr-elect suggest`` and ``review``: ranking with evidence, the reviewed-file checks, the
append-only label store, and the loop back into training (on fixtures written here)."""

import sqlite3

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from test_count import fit_fixture_model, fixture_export, fixture_texts
from upr_elect.classifier import suggest as suggest_module
from upr_elect.classifier.baseline import BaselineModel
from upr_elect.classifier.batch import label_files
from upr_elect.classifier.inference import load_model
from upr_elect.classifier.suggest import read_labelled, suggest, write_suggestions
from upr_elect.cli import app, review
from upr_elect.data.loaders import InputError
from upr_elect.data.review_store import ReviewStore, merge_reviews, parse_decision, read_reviewed
from upr_elect.training.datasets import channel_matrix


@pytest.fixture(scope="module")
def labelled_file(tmp_path_factory):
    """The fixture export labelled by the fixture model: (labels.csv, model folder)."""
    root = tmp_path_factory.mktemp("suggest")
    model_dir = fit_fixture_model(root / "fixture-model")
    path = root / "labels.csv"
    label_files(load_model(str(model_dir)), [fixture_export(root / "export.csv")], path)
    return path, model_dir


@pytest.fixture(scope="module")
def labelled(labelled_file):
    path, model_dir = labelled_file
    return read_labelled([path], str(model_dir))


def run(*args):
    return CliRunner().invoke(app, [*map(str, args)])


def test_suggest_ranks_untagged_relevant_texts_with_evidence(labelled):
    out = suggest(labelled, top=100, min_probability=0.0)
    frame = labelled.frame
    tagged_texts = set(frame.loc[frame["issues"] == "Elections", "recommendation"])
    relevant_untagged = frame[frame["relevance"].isin(["direct", "indirect"]) & (frame["issues"] != "Elections")]
    assert set(out["text"]) == set(relevant_untagged["recommendation"])
    assert not set(out["text"]) & tagged_texts
    assert out["text"].is_unique and out["rank"].tolist() == list(range(1, len(out) + 1))
    # direct suggestions (the Elections tag's own ground) come first, each part most probable first
    order = out["relevance"].map({"direct": 0, "indirect": 1})
    assert order.is_monotonic_increasing and set(order) == {0, 1}
    for part in (out[order == 0], out[order == 1]):
        assert part["p_relevant"].is_monotonic_decreasing
    only_indirect = suggest(labelled, top=100, min_probability=0.0, relevance="indirect")
    assert only_indirect["text"].tolist() == out.loc[order == 1, "text"].tolist()
    shared = out[out["n_rows"] == 2]
    assert len(shared) > 0  # texts recommended by two States are one suggestion
    for s in out.itertuples():
        assert s.evidence
        # n-grams of the text itself, or codebook cues the baseline names "cue:<name>"
        assert all(gram.startswith("cue:") or all(w in s.text.lower() for w in gram.split()) for gram in s.evidence)
    assert out["evidence_from"].str.fullmatch(r"fixture-model@test-[0-9a-f]{8}").all()
    assert list(out.columns[-3:]) == ["decision", "reviewer", "comment"] and (out["decision"] == "").all()

    assert len(suggest(labelled, top=3, min_probability=0.0)) == 3
    assert (suggest(labelled, min_probability=0.99)["p_relevant"] >= 0.99).all()
    by_channel = suggest(labelled, top=100, min_probability=0.0, channel="assembly")
    assert len(by_channel) > 0 and by_channel["channels"].map(lambda c: "assembly" in c).all()
    by_state = suggest(labelled, top=100, min_probability=0.0, state="arcadia")
    assert len(by_state) > 0 and (by_state["state_under_review"] == "Arcadia").all()
    by_session = suggest(labelled, top=100, min_probability=0.0, sessions={13, 14})
    assert len(by_session) > 0 and by_session["session"].isin([13, 14]).all()
    with pytest.raises(ValueError, match="unknown channel"):
        suggest(labelled, channel="elections")
    with pytest.raises(ValueError, match="the State to filter by is empty"):
        suggest(labelled, state=" ")


def test_state_filter_reads_the_several_recommending_states_of_ohchr_records(labelled, labelled_file, tmp_path):
    relevant = labelled.frame.loc[labelled.frame["relevance"] != "none", "recommendation"].drop_duplicates()
    texts = relevant.head(3).tolist()
    document = pd.DataFrame({"paragraph": ["120.1", "120.2", "120.3"], "text": texts,
                             "recommending_states": ["Borduria; Syldavia", "Syldavia", "Borduria"],
                             "state_under_review": "Arcadia"})
    path = tmp_path / "document.csv"
    document.to_csv(path, index=False)
    from_document = read_labelled([path], str(labelled_file[1]))
    out = suggest(from_document, top=10, min_probability=0.0, state="syldavia")
    assert sorted(out["text"]) == sorted(texts[:2])
    assert set(out["recommending_state"]) == {"Borduria; Syldavia", "Syldavia"}
    assert len(suggest(from_document, top=10, min_probability=0.0, state="Arcadia")) == 3
    unmatched = suggest(from_document, top=10, min_probability=0.0, state="Syldvia").attrs["unmatched"]
    assert unmatched == ["no record names the State 'Syldvia' (did you mean Syldavia?)"]
    document["recommending_states"] = ["Borduria (Grand Duchy of)", "Syldavia", "Grand Duchy of Borduria"]
    document.to_csv(path, index=False)
    from_document = read_labelled([path], str(labelled_file[1]))
    unmatched = suggest(from_document, top=10, min_probability=0.0, state="borduria").attrs["unmatched"]
    assert unmatched == ["no record names the State 'borduria' (did you mean Borduria (Grand Duchy of), "
                         "Grand Duchy of Borduria?)"]


def test_models_without_evidence_borrow_the_baselines_and_say_so(labelled, monkeypatch):
    class NoEvidence:
        def __init__(self, model):
            self.name, self.card = model.name, model.card

    monkeypatch.setattr(suggest_module, "load_model", lambda name: labelled.model)
    borrowed = suggest_module.Labelled(labelled.frame, labelled.text_column, labelled.tags_column,
                                       NoEvidence(labelled.model))
    out = suggest(borrowed, top=2, min_probability=0.0)
    assert out["evidence_from"].str.fullmatch(
        r"fixture-model@test-[0-9a-f]{8} \(baseline evidence, not the labelling model's\)").all()
    assert out["evidence"].map(len).gt(0).all()


def test_parse_decision_vocabulary():
    assert parse_decision(" Accept ", "indirect", ["assembly"]) == ("accept", "indirect", ["assembly"])
    assert parse_decision("reject", "direct", ["electoral_process"]) == ("reject", "none", [])
    # relevant, but not for the Elections tag: corrected to indirect, channels as suggested
    assert parse_decision("Indirect", "direct", ["participation_representation"]) == (
        "indirect", "indirect", ["participation_representation"])
    assert parse_decision("channels: assembly, expression_media", "indirect", ["assembly"]) == (
        "channels:expression_media;assembly", "indirect", ["expression_media", "assembly"])
    for bad, message in (("acept", "is not one of"), ("channels:media", "unknown channel"),
                         ("channels:", "names no channel")):
        with pytest.raises(ValueError, match=message):
            parse_decision(bad, "direct", [])


def reviewed_copy(csv_path, target, decisions: dict, reviewer="ana", comment="", sep=","):
    """Fill decisions like a reviewer would in a spreadsheet, saving next to the JSONL."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for rank, decision in decisions.items():
        frame.loc[frame["rank"] == str(rank), ["decision", "reviewer", "comment"]] = [decision, reviewer, comment]
    frame.to_csv(target, index=False, sep=sep)
    return target


def test_reviewed_file_problems_are_named_by_file_and_row(labelled, tmp_path):
    csv_path, jsonl_path = write_suggestions(suggest(labelled, top=5, min_probability=0.0), tmp_path / "s.csv")
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[0, ["decision", "reviewer"]] = ["acept", "ana"]
    frame.loc[1, ["decision", "reviewer"]] = ["accept", ""]
    frame.loc[2, ["rec_id", "decision", "reviewer"]] = ["Rnot-a-suggestion", "reject", "ana"]
    frame.loc[4, ["decision", "reviewer"]] = ["reject", ""]
    frame = pd.concat([frame, frame.iloc[[3]]])
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError) as caught:
        read_reviewed(tmp_path / "bad.csv", jsonl_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'bad.csv'}: nothing stored: ")
    assert "row 1: decision 'acept' is not one of accept, direct, indirect, reject" in message
    assert message.count("no reviewer") == 1 and "rows 2, 5: no reviewer" in message
    assert "row 3: rec_id 'Rnot-a-suggestion' is not in the suggestion file s.jsonl" in message
    assert "row 6: rec_id" in message and "repeats row 4" in message
    with pytest.raises(InputError, match="no such suggestion file"):
        read_reviewed(tmp_path / "bad.csv")
    # --reviewer fills empty reviewer cells; rows without a decision are not reviewed yet.
    reviewed = reviewed_copy(csv_path, tmp_path / "ok.csv", {2: "reject"}, reviewer="")
    decisions = read_reviewed(reviewed, jsonl_path, reviewer="zoe")
    assert decisions[["rec_id", "decision", "reviewer"]].values.tolist() == [[frame.iloc[1]["rec_id"], "reject", "zoe"]]


def test_store_is_append_only_and_the_latest_decision_wins(labelled, tmp_path):
    csv_path, jsonl_path = write_suggestions(suggest(labelled, top=3, min_probability=0.0), tmp_path / "s.csv")
    store = ReviewStore(tmp_path / "store.sqlite")
    first = read_reviewed(reviewed_copy(csv_path, tmp_path / "a.csv", {1: "accept"}), jsonl_path)
    second = read_reviewed(reviewed_copy(csv_path, tmp_path / "b.csv", {1: "reject"}, reviewer="ben"), jsonl_path)
    assert store.add(first, "a.csv") == (1, 0)
    assert store.add(second, "b.csv") == (1, 0)
    assert store.add(first, "a.csv") == (0, 1)  # re-reviewing an old file revives nothing
    latest = store.decisions()
    assert latest[["decision", "reviewer", "relevance"]].values.tolist() == [["reject", "ben", "none"]]
    # a spreadsheet in a European locale saves the CSV with ";"
    third = read_reviewed(reviewed_copy(csv_path, tmp_path / "c.csv", {1: "indirect"}, reviewer="eva", sep=";"),
                          jsonl_path)
    assert third[["decision", "reviewer"]].values.tolist() == [["indirect", "eva"]]
    assert len(store.decisions(latest=False)) == 2
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM decisions")


def test_suggest_review_train_loop_end_to_end(labelled, tmp_path, capsys):
    suggestions = suggest(labelled, top=6, min_probability=0.0)
    csv_path, jsonl_path = write_suggestions(suggestions, tmp_path / "suggestions.csv")
    first_channels = suggestions.loc[0, "channels"]
    new_channels = "security_defenders" if "security_defenders" not in first_channels else "assembly"
    reviewed = reviewed_copy(csv_path, tmp_path / "suggestions.csv",
                             {1: f"channels:{new_channels}", 2: "reject", 3: "accept"}, comment="checked")
    store = tmp_path / "labels.sqlite"

    review(reviewed, suggestions=None, store=store, reviewer=None)
    assert "3 decisions" in capsys.readouterr().out
    review(reviewed, suggestions=None, store=store, reviewer=None)
    assert "0 stored, 3 already in the store" in capsys.readouterr().out
    decisions = ReviewStore(store).decisions()
    assert len(ReviewStore(store).decisions(latest=False)) == 3
    by_rank = decisions.set_index("rec_id").loc[suggestions["rec_id"].head(3)]
    assert by_rank["relevance"].tolist() == [suggestions.loc[0, "relevance"], "none", suggestions.loc[2, "relevance"]]
    assert by_rank["channels"].tolist()[0] == [new_channels]
    assert by_rank["channels"].tolist()[2] == suggestions.loc[2, "channels"]
    assert (by_rank["reviewer"] == "ana").all() and (by_rank["comment"] == "checked").all()
    assert by_rank["stored_at"].str.match(r"\d{4}-\d\d-\d\dT").all()

    texts = fixture_texts()
    table = texts.assign(source="weak", stratum="S4_untagged_other", cycle=1, elections_tag=False, weight=1.0)
    held_out = [suggestions.loc[2, "text"]]  # as if it were a gold text: never trained on
    new_text = decisions.iloc[[0]].assign(text="Invite the special rapporteur on human rights defenders",
                                          session=27)
    merged = merge_reviews(table, pd.concat([decisions, new_text]), held_out=held_out)
    assert len(merged) == len(table) + 1
    reviewed_rows = merged.set_index("text").loc[[suggestions.loc[0, "text"], suggestions.loc[1, "text"]]]
    assert reviewed_rows["source"].tolist() == ["review", "review"]
    assert reviewed_rows["relevance"].tolist()[1] == "none" and reviewed_rows["channels"].tolist()[1] == []
    assert reviewed_rows["channels"].tolist()[0] == [new_channels]
    assert merged.set_index("text").loc[held_out[0], "source"] == "weak"
    added = merged.iloc[-1]
    assert (added["source"], added["stratum"], added["cycle"], added["weight"]) == ("review", "review", 3, 1.0)

    model = BaselineModel(max_features=2000).fit(merged["text"].tolist(), merged["relevance"],
                                                 channel_matrix(merged["channels"]))
    p_relevance, _ = model.predict_proba([suggestions.loc[1, "text"]])
    assert p_relevance.shape == (1, 3) and np.isclose(p_relevance.sum(), 1)


@pytest.mark.parametrize("output, message", [
    ("{labels}", "labels.csv: is also an input; write the suggestions to another file"),
    ("{tmp}/labels.csv", "labels.csv: writes {tmp}/labels.jsonl beside it, which is also an input"),
    ("{tmp}/s1.xml", "s1.xml: output must end in .csv"),
    ("{tmp}/nodir/s.csv", "nodir/s.csv: folder {tmp}/nodir does not exist"),
])
def test_suggest_refuses_bad_outputs_before_any_work(labelled_file, tmp_path, monkeypatch, output, message):
    path, model_dir = labelled_file
    copy = tmp_path / "labels.csv"
    copy.write_bytes(path.read_bytes())
    as_jsonl = tmp_path / "labels.jsonl"  # the same labels as JSONL: -o labels.csv would write over it
    label_files(load_model(str(model_dir)), [copy], as_jsonl)
    before = as_jsonl.read_bytes()
    source = as_jsonl if "beside" in message else copy

    def no_work(*args, **kwargs):
        raise AssertionError("the output should have been refused before any work")

    monkeypatch.setattr(suggest_module, "read_labelled", no_work)
    result = run("suggest", source, "-o", output.format(labels=copy, tmp=tmp_path), "--model", model_dir)
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in " ".join(result.output.split())
    assert "unexpected" not in result.output
    assert copy.read_bytes() == path.read_bytes() and as_jsonl.read_bytes() == before
    assert not (tmp_path / "s1.csv").exists() and not (tmp_path / "s1.jsonl").exists()


def test_suggest_refuses_an_invalid_probability_instead_of_dropping_the_row(labelled_file, tmp_path):
    path, model_dir = labelled_file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[6, "p_direct"] = "abc"
    frame.to_csv(tmp_path / "edited.csv", index=False)
    result = run("suggest", tmp_path / "edited.csv", "-o", tmp_path / "s.csv", "--model", model_dir)
    assert result.exit_code == 2
    assert "edited.csv, row 7: p_direct 'abc' is not a probability" in " ".join(result.output.split())
    assert not (tmp_path / "s.csv").exists()


def test_suggest_title_counts_every_qualifying_text_and_the_hint_names_the_reviewer(labelled_file, labelled,
                                                                                     tmp_path):
    path, model_dir = labelled_file
    qualifying = len(suggest(labelled, top=10_000, min_probability=0.0))
    assert qualifying > 3
    assert suggest(labelled, top=3, min_probability=0.0).attrs["qualifying"] == qualifying
    result = run("suggest", path, "-o", tmp_path / "s.csv", "--model", model_dir, "--top", 3,
                 "--min-probability", 0)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"top 3 of {qualifying} qualifying suggestions (3 written; raise --top to write more;" in output
    assert len(pd.read_csv(tmp_path / "s.csv")) == 3
    assert "and reviewer with your name" in output and "--reviewer NAME" in output


def test_suggest_filters_take_any_case_and_refuse_unknown_names(labelled_file, labelled, tmp_path):
    path, model_dir = labelled_file
    result = run("suggest", path, "-o", tmp_path / "s.csv", "--model", model_dir, "--min-probability", 0,
                 "--relevance", "Direct", "--channel", "ELECTORAL_PROCESS")
    assert result.exit_code == 0, result.output
    expected = suggest(labelled, min_probability=0.0, relevance="direct", channel="electoral_process")
    assert len(expected) > 0
    assert pd.read_csv(tmp_path / "s.csv")["rec_id"].tolist() == expected["rec_id"].tolist()
    result = run("suggest", path, "-o", tmp_path / "t.csv", "--model", model_dir, "--channel", "elections")
    assert result.exit_code == 2 and "'elections' is not one of electoral_process" in (
        " ".join(result.output.replace("│", " ").split()))
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("options, message", [
    (["--state", "Arcadai"], "no suggestion: no record names the State 'Arcadai' (did you mean Arcadia"),
    (["--session", "30"], "no suggestion: no record is of the sessions chosen (the input's run from 1 to 14)"),
    (["--min-probability", "1"], "no suggestion: no record without the Elections tag is labelled direct or "
                                 "indirect with p_direct + p_indirect ≥ 1.0;"),
])
def test_suggest_says_why_nothing_matched(labelled_file, tmp_path, options, message):
    path, model_dir = labelled_file
    result = run("suggest", path, "-o", tmp_path / "s.csv", "--model", model_dir, *options)
    assert result.exit_code == 0, result.output
    assert message in " ".join(result.output.split())
    assert len(pd.read_csv(tmp_path / "s.csv")) == 0


def test_suggest_runs_again_with_its_outputs_inside_the_input_folder(labelled_file, tmp_path):
    path, model_dir = labelled_file
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "labels.csv").write_bytes(path.read_bytes())
    args = ("suggest", folder, "-o", folder / "s.csv", "--model", model_dir, "--min-probability", 0)
    first = run(*args)
    assert first.exit_code == 0, first.output
    written = (folder / "s.csv").read_bytes()
    second = run(*args)
    assert second.exit_code == 0, second.output
    # both outputs are left out of the folder's inputs, each with one plain warning line
    for name in ("s.csv", "s.jsonl"):
        assert f"work: {name} not read: it is this command's output" in " ".join(second.output.split())
    assert "InputWarning" not in second.output
    assert (folder / "s.csv").read_bytes() == written


def test_suggest_never_writes_over_a_reviewed_file(labelled_file, tmp_path):
    path, model_dir = labelled_file
    args = ("suggest", path, "-o", tmp_path / "s.csv", "--model", model_dir, "--min-probability", 0)
    assert run(*args).exit_code == 0
    reviewed_copy(tmp_path / "s.csv", tmp_path / "s.csv", {1: "accept", 2: "reject"})
    before = (tmp_path / "s.csv").read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert f"{tmp_path / 's.csv'}: holds 2 review decisions; store them with `upr-elect review" in (
        " ".join(result.output.split()))
    assert (tmp_path / "s.csv").read_bytes() == before
    reviewed_copy(tmp_path / "s.csv", tmp_path / "s.csv", {1: "", 2: ""})  # decisions cleared: written over
    assert run(*args).exit_code == 0
    # a reviewer who worked in the JSONL
    jsonl = pd.read_json(tmp_path / "s.jsonl", lines=True, dtype=False)
    jsonl.loc[0, ["decision", "reviewer"]] = ["accept", "ana"]
    jsonl.to_json(tmp_path / "s.jsonl", orient="records", lines=True, force_ascii=False)
    before = (tmp_path / "s.jsonl").read_bytes()
    result = run(*args)
    assert result.exit_code == 2 and "s.jsonl: holds 1 review decision;" in " ".join(result.output.split())
    assert (tmp_path / "s.jsonl").read_bytes() == before
    # a file of the user's own beside the output
    (tmp_path / "mine.jsonl").write_text('{"text": "my own notes"}\n')
    result = run("suggest", path, "-o", tmp_path / "mine.csv", "--model", model_dir)
    assert result.exit_code == 2 and "mine.jsonl: exists and is not a suggestion file" in (
        " ".join(result.output.split()))
    assert (tmp_path / "mine.jsonl").read_text() == '{"text": "my own notes"}\n'


def test_review_names_a_bad_store_or_an_empty_file_and_counts_in_words(labelled, tmp_path):
    csv_path, jsonl_path = write_suggestions(suggest(labelled, top=3, min_probability=0.0), tmp_path / "s.csv")
    reviewed = reviewed_copy(csv_path, tmp_path / "one.csv", {1: "accept"})
    not_a_store = tmp_path / "notdb.sqlite"
    not_a_store.write_text("not a database\n")
    result = run("review", reviewed, "--suggestions", jsonl_path, "--store", not_a_store)
    assert result.exit_code == 2
    assert "notdb.sqlite: cannot use it as the label store (file is not a database)" in result.output
    assert not_a_store.read_text() == "not a database\n"

    (tmp_path / "empty.csv").write_bytes(b"")
    result = run("review", tmp_path / "empty.csv", "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
    assert result.exit_code == 2 and "empty.csv: is empty (not even a header)" in result.output
    assert "unexpected" not in result.output

    semicolons = reviewed_copy(csv_path, tmp_path / "semi.csv", {2: "DECISION"}, sep=";")
    semicolons.write_text(semicolons.read_text().replace("DECISION", "channels:assembly;expression"))
    result = run("review", semicolons, "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
    assert result.exit_code == 2 and "unexpected" not in result.output
    assert "semi.csv, line 3: has" in result.output and "put such texts in double quotes" in (
        " ".join(result.output.split()))

    lines = reviewed_copy(csv_path, tmp_path / "r.csv", {1: "accept"}).read_text().splitlines()
    (tmp_path / "long.csv").write_text("\n".join([lines[0], lines[1] + ",extra", *lines[2:]]) + "\n")
    (tmp_path / "short.csv").write_text("\n".join([*lines, lines[2].split(",")[0] + ",R1,accept"]) + "\n")
    no_comment = reviewed_copy(csv_path, tmp_path / "nc.csv", {1: "accept"})  # a trailing empty field left out
    no_comment.write_text("\n".join(line.removesuffix(",") for line in no_comment.read_text().splitlines()) + "\n")
    result = run("review", no_comment, "--suggestions", jsonl_path, "--store", tmp_path / "nc.sqlite")
    assert result.exit_code == 0 and "1 decision in" in result.output, result.output
    for name, message in (("long.csv", "long.csv, line 2: the first data row has more fields than the header"),
                          ("short.csv", f"short.csv, line {len(lines) + 1}: row {len(lines)} has 3 of")):
        result = run("review", tmp_path / name, "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
        assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    (tmp_path / "windows.csv").write_bytes("rank,rec_id,decision\n1,R1,accept caf\u00e9\n".encode("cp1252"))
    (tmp_path / "renamed.xlsx").write_text("rank,rec_id,decision\n")
    (tmp_path / "cut.jsonl").write_text('{"rank": 1, "rec_id": "R1"\n')
    for name, message in (("windows.csv", "is not UTF-8 text"), ("renamed.xlsx", "is not an XLSX workbook"),
                          ("cut.jsonl", "is not JSONL, one JSON object per line")):
        result = run("review", tmp_path / name, "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
        assert result.exit_code == 2 and "unexpected" not in result.output
        assert f"{name}: {message}" in " ".join(result.output.split())

    untouched = reviewed_copy(csv_path, tmp_path / "none.csv", {})
    result = run("review", untouched, "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
    assert result.exit_code == 0
    assert result.output.startswith("no decisions in") and "nothing stored" in result.output
    assert not (tmp_path / "r.sqlite").exists()

    result = run("review", reviewed, "--suggestions", jsonl_path, "--store", tmp_path / "r.sqlite")
    assert result.exit_code == 0 and result.output.startswith(f"1 decision in {reviewed} (1 accept): 1 stored")
