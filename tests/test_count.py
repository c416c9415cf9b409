"""``upr-elect count``: adjusted counts, breakdowns, tagged profile, gold estimate, report.

Fixture texts, model and gold set are written here (no shared data); tests of the real
export skip when it is missing.
"""

import base64
import json
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve

from builders import write_export
from upr_elect.classifier.baseline import BaselineModel
from upr_elect.classifier.batch import label_files
from upr_elect.classifier.inference import load_model
from upr_elect.classifier.suggest import read_labelled
from upr_elect.data.loaders import InputError
from upr_elect.cli import count
from upr_elect.training.count import (adjusted_count, count_units, counting_rows, gold_estimate,
                                      model_error_rates, parse_sessions, tagged_profile, weighted_calibration)
from upr_elect.training.datasets import channel_matrix
from upr_elect.training.report import FIGURES, SECTIONS

PLACES = ["the north", "the capital", "rural areas", "the islands", "border regions", "the south",
          "the east", "the west", "coastal towns", "mountain villages"]
TEMPLATES = {
    "direct": [("Hold free and fair elections in {}", "electoral_process"),
               ("Reform the electoral code and the electoral commission in {}", "electoral_process"),
               ("Guarantee the right to vote for residents of {}", "vote_and_candidacy")],
    "indirect": [("Protect journalists and media freedom in {}", "expression_media"),
                 ("Guarantee freedom of peaceful assembly for protesters in {}", "assembly"),
                 ("Simplify the registration of non-governmental organisations in {}", "association_parties")],
    "none": [("Improve prison conditions in {}", None), ("Combat domestic violence in {}", None),
             ("Build more schools and hospitals in {}", None)],
}


def fixture_texts() -> pd.DataFrame:
    """90 invented recommendations, 30 per relevance value, with codebook channels."""
    rows = [(template.format(place), relevance, [channel] if channel else [])
            for relevance, templates in TEMPLATES.items() for template, channel in templates for place in PLACES]
    return pd.DataFrame(rows, columns=["text", "relevance", "channels"])


def fit_fixture_model(folder):
    """A small baseline fitted on the fixture texts, saved like a shipped model; returns its folder."""
    texts = fixture_texts()
    model = BaselineModel(max_features=2000, name="fixture-model").fit(
        texts["text"].tolist(), texts["relevance"], channel_matrix(texts["channels"]))
    model.save(folder, {"version": "test"})
    return folder


def fixture_export(path):
    """A UPR Info-style export of the fixture texts: sessions 1-14, two regions each side, some texts
    recommended by two States, direct texts of session 1-7 tagged Elections."""
    rows = []
    for i, t in enumerate(fixture_texts().itertuples()):
        session = 1 + i % 14
        tags = "Elections" if t.relevance == "direct" and session <= 7 else "Justice"
        sur, sur_group = ("Arcadia", "Asia") if i % 2 else ("Borduria", "EEG")
        response = "Supported" if i % 3 else "Noted"
        rows.append([sur, sur_group, "", t.text, "Carpania", "WEOG", "", response, str(1 + i % 5), tags, str(session)])
        if i % 4 == 0:  # the same text recommended by a second State
            rows.append([sur, sur_group, "", t.text, "Dorvania", "Africa", "", response, "4", tags, str(session)])
    return write_export(path, rows)


def fixture_gold(path, texts: pd.DataFrame):
    """A two-stratum gold file over the fixture texts: every direct / indirect text in stratum A
    (population 60, 20 sampled), the none texts in stratum B (population 30, 10 sampled)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, t in enumerate(texts.itertuples()):
            relevant = t.relevance != "none"
            if i % 3:
                continue
            fh.write(json.dumps({"item_id": f"G{i}", "text": t.text, "relevance": t.relevance,
                                 "channels": t.channels, "stratum": "A" if relevant else "B",
                                 "stratum_population": 60 if relevant else 30}) + "\n")
    return path


def test_parse_sessions():
    assert parse_sessions("1-25") == set(range(1, 26))
    assert parse_sessions("1-3, 27") == {1, 2, 3, 27}
    for bad in ("25-1", "one", "1-", "", "\u00b2", "1-2000000000", "0"):
        with pytest.raises(ValueError, match="session range"):
            parse_sessions(bad)


def designed_gold() -> tuple[pd.DataFrame, dict]:
    """100 gold records (one stratum, weight 1) whose confusion is known exactly: true direct 20
    (16 said direct, 4 none), true indirect 30 (24 indirect, 3 direct, 3 none), true none 50
    (45 none, 5 indirect)."""
    cells = [("direct", "direct", 16), ("direct", "none", 4), ("indirect", "indirect", 24),
             ("indirect", "direct", 3), ("indirect", "none", 3), ("none", "none", 45), ("none", "indirect", 5)]
    channel = {"direct": ["electoral_process"], "indirect": ["expression_media"], "none": []}
    truth, pred = [], []
    for t, p, n in cells:
        truth += [t] * n
        pred += [p] * n
    gold = pd.DataFrame({"relevance": truth, "channels": [channel[t] for t in truth], "stratum": "S",
                         "weight": 1.0})
    return gold, {"relevance": np.array(pred), "channels": [channel[p] for p in pred]}


def test_acc_recovers_the_true_counts_when_the_error_rates_hold():
    gold, system = designed_gold()
    rates = model_error_rates(gold, system, n_boot=200)
    assert rates["relevance"][0][:, 0] == pytest.approx([0.8, 0.0, 0.2])  # P(predicted | true direct)
    # A population of 200 direct, 300 indirect, 500 none texts seen through these error rates:
    predicted = [0.8 * 200 + 0.1 * 300, 0.8 * 300 + 0.1 * 500, 0.2 * 200 + 0.1 * 300 + 0.9 * 500]
    # electoral_process: tpr 16/20, fpr 3/80 → 0.8 * 200 + 0.0375 * 800 = 190 labelled with it.
    channels = np.zeros(10)
    channels[0] = 190
    est = adjusted_count(predicted, channels, 1000, rates, np.random.default_rng(0))
    assert est["direct"]["point"] == pytest.approx(200)
    assert est["indirect"]["point"] == pytest.approx(300)
    assert est["relevant"]["point"] == pytest.approx(500)
    assert est["channels"]["electoral_process"]["point"] == pytest.approx(200)
    low, high = est["relevant"]["ci95"]
    assert low < 500 < high and high - low < 300
    # No gold text has remedy_integrity, so its rates are undefined: not estimable, not zero.
    assert est["channels"]["remedy_integrity"] == {"point": None, "ci95": None}


def labelled_frame() -> pd.DataFrame:
    """Labelled rows: one text twice (different States), one tagged."""
    return pd.DataFrame({
        "recommendation": ["Hold elections ", "Hold elections", "Free the press", "Build roads", "Build roads"],
        "issues": ["Elections", "Justice", "", "Development", "Development"],
        "relevance": ["direct", "direct", "indirect", "none", None],
        "channels": [["electoral_process"], ["electoral_process"], ["expression_media"], [], []],
        "response": ["Supported", "Noted", "Supported", "Supported", "Noted"],
        "rs_regional_group": ["WEOG", "Africa", "WEOG", "EEG", "EEG"],
        "sur_regional_group": ["Asia", "Asia", "EEG", "EEG", "EEG"],
        "session": pd.array([1, 2, 2, 3, 3], dtype="Int64"),
    })


def test_counting_rows_units_and_tagged_profile():
    rows = counting_rows(labelled_frame(), "recommendation", "issues")
    assert len(rows) == 4  # the unlabelled record is left out
    assert rows["tagged"].tolist() == [True, False, False, False]
    assert rows["has_tags"].tolist() == [True, True, False, True]  # "Free the press" has no tag at all
    gold, system = designed_gold()
    units = count_units(rows, model_error_rates(gold, system, n_boot=50), np.random.default_rng(0))
    assert units["export_rows"]["records"] == 4 and units["distinct_texts"]["records"] == 3
    assert units["export_rows"]["tagged"] == 1 and units["distinct_texts"]["tagged"] == 1
    assert units["export_rows"]["without_tags"] == 1 and units["distinct_texts"]["without_tags"] == 1
    assert units["export_rows"]["classified"]["direct"] == 2 and units["distinct_texts"]["classified"]["direct"] == 1
    assert units["distinct_texts"]["classified"]["channels"]["expression_media"] == 1
    profile = tagged_profile(rows)
    assert (profile["tagged"], profile["records"]) == (1, 4)
    assert profile["tagged_rows"]["share_supported"] == 1.0
    assert profile["tagged_rows"]["by_recommending_group"] == {"WEOG": 1.0}
    assert profile["all_rows"]["by_recommending_group"] == {"Africa": 0.25, "EEG": 0.25, "WEOG": 0.5}
    assert profile["all_rows"]["share_supported"] == 0.75


def test_gold_estimate_is_a_weighted_domain_total():
    gold = pd.DataFrame({"text": ["a", "b", "c", "d"], "relevance": ["direct", "indirect", "none", "direct"],
                         "stratum": ["A", "A", "B", "B"], "weight": [10.0, 10.0, 50.0, 50.0]})
    est = gold_estimate(gold, {"a", "b", "c", "d"}, {"a", "b", "c", "d", "e"}, n_boot=200)
    assert est["available"] and est["direct"]["point"] == 60 and est["relevant"]["point"] == 70
    assert est["direct"]["ci95"][0] <= 60 <= est["direct"]["ci95"][1]
    only_ab = gold_estimate(gold, {"a", "b"}, {"a", "b", "c", "d"}, n_boot=50)
    assert only_ab["relevant"]["point"] == 20 and only_ab["gold_records_in_selection"] == 2
    missing = gold_estimate(gold, {"a"}, {"a", "b", "c"}, n_boot=50)
    assert not missing["available"] and "1 of 4 gold texts" in missing["reason"]


def test_weighted_calibration_matches_sklearn_with_unit_weights():
    rng = np.random.default_rng(1)
    prob = rng.random(500)
    y = rng.random(500) < prob
    ours = weighted_calibration(y, prob, np.ones(500), n_bins=5)
    observed, predicted = calibration_curve(y, prob, n_bins=5)
    assert ours["observed"] == pytest.approx(observed, abs=1e-4)
    assert ours["mean_predicted"] == pytest.approx(predicted, abs=1e-4)
    # Doubling the weight of positives raises every bin's observed share.
    doubled = weighted_calibration(y, prob, np.where(y, 2.0, 1.0), n_bins=5)
    assert all(d >= o for d, o in zip(doubled["observed"], ours["observed"]))


class ReportParser(HTMLParser):
    """Collects section ids, figure ids and the images inside figures."""

    def __init__(self):
        super().__init__()
        self.sections, self.figures, self.images, self._figure = [], [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        elif tag == "figure":
            self._figure = attrs.get("id")
            self.figures.append(self._figure)
        elif tag == "img" and self._figure:
            self.images[self._figure] = attrs["src"]

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("count")
    model_dir = fit_fixture_model(root / "fixture-model")
    export = fixture_export(root / "export.csv")
    labelled = root / "labels.csv"
    label_files(load_model(str(model_dir)), [export], labelled)
    gold = fixture_gold(root / "gold.jsonl", fixture_texts())
    return root, model_dir, export, labelled, gold


def test_count_writes_json_and_a_complete_html_report(fixture_run):
    root, model_dir, export, labelled, gold = fixture_run
    out, report = root / "count.json", root / "count.html"
    count([labelled], sessions="1-7", model=str(model_dir), gold=gold, output=out, report=report,
          bootstrap=200, fmt=None)
    result = json.loads(out.read_text(encoding="utf-8"))
    export_rows = pd.read_csv(labelled)
    chosen = export_rows[export_rows["session"] <= 7]
    assert result["selection"] == {"sessions": "1-7", "export_rows": len(chosen),
                                   "distinct_texts": chosen["recommendation"].nunique(), "without_session": 0}
    tagged = chosen["issues"] == "Elections"
    assert result["total"]["export_rows"]["tagged"] == tagged.sum()
    assert result["tagged_profile"]["tagged"] == tagged.sum()
    assert result["tagged_profile"]["tagged_rows"]["share_supported"] == pytest.approx(
        (chosen.loc[tagged, "response"] == "Supported").mean(), abs=1e-4)
    assert set(result["breakdowns"]) == {"cycle", "session", "sur_regional_group", "rs_regional_group",
                                         "response", "action"}
    assert list(result["breakdowns"]["session"]) == [str(s) for s in range(1, 8)]
    for unit in ("export_rows", "distinct_texts"):
        est = result["total"][unit]["estimated"]["relevant"]
        assert est["ci95"][0] <= est["point"] <= est["ci95"][1]
    # The fixture model is near perfect on its own texts, so the estimate is the true count.
    true_relevant = chosen.loc[chosen["relevance"] != "none", "recommendation"].nunique()
    assert result["total"]["distinct_texts"]["estimated"]["relevant"]["point"] == pytest.approx(true_relevant, abs=1)
    gold_side = result["gold_estimate"]
    assert gold_side["available"] and gold_side["gold_records_in_selection"] > 0
    model_side = result["total"]["distinct_texts"]["estimated"]
    for key, covers in gold_side["model_interval_covers_gold_point"].items():
        assert covers == (model_side[key]["ci95"][0] <= gold_side[key]["point"] <= model_side[key]["ci95"][1])

    parser = ReportParser()
    parser.feed(report.read_text(encoding="utf-8"))
    assert parser.sections == list(SECTIONS)
    assert set(parser.figures) == set(FIGURES) | {"fig-gold"}
    for figure_id, src in parser.images.items():
        assert src.startswith("data:image/png;base64,"), figure_id
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n", figure_id


def test_count_labels_raw_inputs_in_memory_like_the_labelled_file(fixture_run):
    root, model_dir, export, labelled, gold = fixture_run
    from_file = read_labelled([labelled], str(model_dir))
    in_memory = read_labelled([export], str(model_dir))
    assert in_memory.frame["rec_id"].tolist() == from_file.frame["rec_id"].tolist()
    assert in_memory.frame["relevance"].tolist() == from_file.frame["relevance"].tolist()
    assert in_memory.frame["channels"].tolist() == from_file.frame["channels"].tolist()
    assert from_file.text_column == "recommendation" and from_file.tags_column == "issues"


def test_count_refuses_labels_of_another_model(fixture_run, tmp_path):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled)
    frame["model"] = "fixture-model@older"
    frame.to_csv(tmp_path / "labels.csv", index=False)
    from upr_elect.classifier.inference import ModelError

    with pytest.raises(ModelError, match="made by fixture-model@older"):
        read_labelled([tmp_path / "labels.csv"], str(model_dir))
    # Same name@version, other probabilities: the model was retrained after labelling.
    from upr_elect.classifier.batch import model_tag
    from upr_elect.classifier.inference import load_model

    frame["model"] = model_tag(load_model(str(model_dir)))
    frame["p_direct"] = 1 - frame["p_direct"]
    frame.to_csv(tmp_path / "labels.csv", index=False)
    with pytest.raises(ModelError, match="does not reproduce the probabilities"):
        read_labelled([tmp_path / "labels.csv"], str(model_dir))


def test_shared_export_sessions_1_25_tagged_321_of_55224(shared_data):
    export = shared_data.export
    frame = export.assign(relevance="none", channels=[[] for _ in range(len(export))])
    rows = counting_rows(frame, "recommendation", "issues")
    chosen = rows[rows["session"].isin(parse_sessions("1-25")).fillna(False).to_numpy(dtype=bool)]
    profile = tagged_profile(chosen)
    assert (profile["tagged"], profile["records"]) == (321, 55224)
    assert 0 < profile["tagged_rows"]["share_supported"] < 1
    assert sum(profile["tagged_rows"]["by_recommending_group"].values()) == pytest.approx(1, abs=1e-3)


def test_count_on_the_shared_export_with_the_shipped_model(shared_data, tmp_path):
    from upr_elect.classifier.inference import MODELS_DIR
    from upr_elect.training.datasets import EXPORT_DIR, GOLD_FILE

    if not (MODELS_DIR / "baseline-tfidf" / "card.json").is_file():
        pytest.skip("the shipped baseline model is not in models/baseline-tfidf")
    out, report = tmp_path / "count.json", tmp_path / "count.html"
    count([shared_data.root / EXPORT_DIR], sessions="1-25", model="baseline-tfidf",
          gold=shared_data.root / GOLD_FILE, output=out, report=report, bootstrap=200, fmt=None)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["selection"]["export_rows"] == 55224
    assert result["total"]["export_rows"]["tagged"] == result["tagged_profile"]["tagged"] == 321
    assert result["gold_estimate"]["available"]
    for unit in ("export_rows", "distinct_texts"):
        for value in ("direct", "indirect", "relevant"):
            est = result["total"][unit]["estimated"][value]
            assert est["ci95"][0] <= est["point"] <= est["ci95"][1]
    parser = ReportParser()
    parser.feed(report.read_text(encoding="utf-8"))
    assert parser.sections == list(SECTIONS) and set(parser.figures) == set(FIGURES) | {"fig-gold"}


def run(*args):
    from typer.testing import CliRunner

    from upr_elect.cli import app

    return CliRunner().invoke(app, [*map(str, args)])


@pytest.mark.parametrize("options, message", [
    (["-o", "{labels}"], "labels.csv: is also an input; write the counts to another file"),
    (["--report", "{labels}"], "labels.csv: is also an input; write the report to another file"),
    (["-o", "{tmp}/nodir/c.json"], "nodir/c.json: folder {tmp}/nodir does not exist"),
    (["-o", "{tmp}/c.xml"], "c.xml: output must end in .json"),
    (["--report", "{tmp}/r.pdf"], "r.pdf: output must end in .html"),
    (["--report", "{tmp}/folder.html"], "folder.html: is a folder; give a file name"),
])
def test_count_refuses_bad_outputs_before_any_work(fixture_run, tmp_path, monkeypatch, options, message):
    root, model_dir, export, labelled, gold = fixture_run
    copy = tmp_path / "labels.csv"
    copy.write_bytes(labelled.read_bytes())
    (tmp_path / "folder.html").mkdir()

    def no_work(*args, **kwargs):
        raise AssertionError("the outputs should have been refused before any work")

    monkeypatch.setattr("upr_elect.classifier.suggest.read_labelled", no_work)
    defaults = ["-o", tmp_path / "c.json", "--report", tmp_path / "c.html"]
    options = [o.format(labels=copy, tmp=tmp_path) for o in options]
    result = run("count", copy, "--model", model_dir, "--gold", gold, *defaults, *options)
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in " ".join(result.output.split())
    assert "unexpected" not in result.output
    assert copy.read_bytes() == labelled.read_bytes()
    assert not (tmp_path / "c.json").exists() and not (tmp_path / "c.xml").exists()


@pytest.mark.parametrize("column, row, value, message", [
    ("relevance", 3, "maybe", "row 3: relevance 'maybe' is not direct, indirect or none"),
    ("p_direct", 5, "abc", "row 5: p_direct 'abc' is not a probability"),
    ("p_indirect", 2, "1.5", "row 2: p_indirect '1.5' is not a probability"),
    ("channels", 4, "electoral_process; elections", "row 4: unknown channel(s) elections"),
])
def test_invalid_label_cells_are_named_by_file_and_row(fixture_run, tmp_path, column, row, value, message):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    frame.loc[row + 5, column] = value  # a second bad row is listed, not a second error
    frame.to_csv(tmp_path / "edited.csv", index=False)
    with pytest.raises(InputError) as caught:
        read_labelled([tmp_path / "edited.csv"], str(model_dir))
    assert str(caught.value).startswith(f"{tmp_path / 'edited.csv'}, {message}")
    assert f"(also row {row + 6})" in str(caught.value)
    result = run("count", tmp_path / "edited.csv", "--model", model_dir, "--gold", gold,
                 "-o", tmp_path / "c.json", "--report", tmp_path / "c.html")
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (tmp_path / "c.json").exists()


def test_count_says_how_many_records_were_not_labelled(fixture_run, tmp_path):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    rejected = [3, 9]  # as `label` writes a row it rejected: empty labels, a problem noted
    frame.loc[rejected, ["input_problem", "relevance", "p_direct", "p_indirect", "channels"]] = [
        "empty text", "", "", "", ""]
    frame.to_csv(tmp_path / "labels.csv", index=False)
    out = tmp_path / "c.json"
    result = run("count", tmp_path / "labels.csv", "--model", model_dir, "--gold", gold, "-o", out,
                 "--report", tmp_path / "c.html", "--bootstrap", 100)
    assert result.exit_code == 0, result.output
    assert f"read {len(frame)} records: {len(frame) - 2} labelled, 2 not labelled" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert (written["input"]["records"], written["input"]["not_labelled"]) == (len(frame), 2)
    assert written["selection"]["export_rows"] == len(frame) - 2


def test_count_without_tagged_rows_prints_a_note_not_an_empty_table(fixture_run, tmp_path):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    frame["issues"] = "Justice"
    frame.loc[0, "issues"] = ""
    frame.to_csv(tmp_path / "labels.csv", index=False)
    report = tmp_path / "c.html"
    result = run("count", tmp_path / "labels.csv", "--model", model_dir, "--gold", gold,
                 "-o", tmp_path / "c.json", "--report", report, "--bootstrap", 100)
    assert result.exit_code == 0, result.output
    assert f"tagged Elections: 0 of {len(frame)} export rows (no row is tagged: no profile" in result.output
    assert "1 export row carries no issue tag at all" in result.output
    assert "not labelled" not in result.output  # every record is labelled
    page = report.read_text(encoding="utf-8")
    assert "1 row carries no issue tag" in page and "No profile: no tagged row" in page


def test_count_names_rows_without_session_or_tags_and_shows_channel_model_labels(fixture_run, tmp_path):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    frame.loc[[0, 1], "session"] = ""  # no session: outside any --sessions selection
    untagged = frame.index[frame["cycle"] == "2"][:3]  # a later session that was never tagged
    frame.loc[untagged, "issues"] = ""
    frame.to_csv(tmp_path / "labels.csv", index=False)
    out = tmp_path / "c.json"
    from typer.testing import CliRunner

    from upr_elect.cli import app

    args = ["count", tmp_path / "labels.csv", "--sessions", "1-14", "--model", model_dir, "--gold", gold,
            "-o", out, "--report", tmp_path / "c.html", "--bootstrap", 100]
    result = CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "200"})  # table headers unwrapped
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "2 export rows without a session left out by --sessions 1-14" in output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["selection"]["without_session"] == 2
    assert written["selection"]["export_rows"] == len(frame) - 2
    assert "rows without tags" in output and written["breakdowns"]["cycle"]["2"]["export_rows"]["without_tags"] == 3
    assert "rows: model" in output and "Each channel is corrected on its own" in output
    args[3] = "30-32"
    result = CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "no labelled record to count in the sessions chosen (the input's run from 1 to 14)" in (
        " ".join(result.output.replace("│", " ").split()))


def test_count_breaks_an_ohchr_documents_position_down(fixture_run, tmp_path):
    root, model_dir, export, labelled, gold = fixture_run
    frame = pd.read_csv(labelled, dtype=str, keep_default_na=False).rename(columns={"response": "position"})
    frame.to_csv(tmp_path / "labels.csv", index=False)  # as `label` writes an OHCHR document's rows
    out = tmp_path / "c.json"
    result = run("count", tmp_path / "labels.csv", "--model", model_dir, "--gold", gold, "-o", out,
                 "--report", tmp_path / "c.html", "--bootstrap", 100)
    assert result.exit_code == 0, result.output
    by_position = json.loads(out.read_text(encoding="utf-8"))["breakdowns"]["position"]
    assert {k: v["export_rows"]["records"] for k, v in by_position.items()} == \
        frame["position"].value_counts().to_dict()
    assert "by position of the State under Review" in result.output
    assert "<h3>position</h3>" in (tmp_path / "c.html").read_text(encoding="utf-8")
