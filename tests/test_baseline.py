import json
import warnings

import numpy as np
import pytest

from upr_elect.classifier.baseline import BaselineModel
from upr_elect.classifier.cues import CUES
from upr_elect.classifier.inference import ModelError, Thresholds, decide, load_model
from upr_elect.training.datasets import channel_matrix
from builders import fixture_model, fixture_table


@pytest.fixture(scope="module")
def fitted():
    return fixture_model()


def test_a_channel_without_training_texts_scores_zero_without_a_warning():
    table = fixture_table()
    Y = channel_matrix(table["channels"])
    assert not Y[:, -1].any()  # the fixture has no text of the last channel
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = BaselineModel(max_features=500).fit(table["text"].tolist(), table["relevance"].to_numpy(), Y)
    assert np.all(model.predict_proba(["Hold free elections"])[1][:, -1] == 0)


def test_probabilities_have_the_documented_shapes(fitted):
    p_rel, p_ch = fitted.predict_proba(["Hold free elections", "Build more schools", "Protect journalists"])
    assert p_rel.shape == (3, 3) and p_ch.shape == (3, 10)
    assert np.allclose(p_rel.sum(axis=1), 1)
    assert p_rel[0, 0] > p_rel[1, 0]  # an electoral text scores more direct than a school one


def test_save_load_round_trip_and_tamper_check(fitted, tmp_path):
    folder = tmp_path / "fixture-baseline"
    fitted.save(folder, {"version": "test"})
    reloaded = load_model(str(folder))
    texts = ["Allow prisoners to vote", "Ratify the Convention against Torture"]
    for a, b in zip(fitted.predict_proba(texts), reloaded.predict_proba(texts)):
        assert np.array_equal(a, b)
    assert reloaded.thresholds == fitted.thresholds
    card = json.loads((folder / "card.json").read_text())
    assert card["kind"] == "tfidf-linear" and set(card["files"]) == {"model.skops"}
    card_text = (folder / "card.json").read_text()
    (folder / "card.json").write_text(card_text.replace('"direct": 0.4', '"direct": 0.9'))
    with pytest.raises(ModelError, match="card's content .* differs from its card_sha256"):
        load_model(str(folder))
    (folder / "card.json").write_text(card_text)
    with open(folder / "model.skops", "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelError, match="SHA-256 differs from the model card"):
        load_model(str(folder))


def test_model_tag_changes_with_the_thresholds_alone(fitted, tmp_path):
    from upr_elect.classifier.batch import model_tag
    from upr_elect.classifier.inference import write_card

    folder = tmp_path / "fixture-baseline"
    fitted.save(folder, {"version": "20261130"})
    first = model_tag(load_model(str(folder)))
    assert first.startswith("fixture-baseline@20261130-")
    card = json.loads((folder / "card.json").read_text())
    card["thresholds"]["direct"] = 0.9  # same weights, other decisions: a re-tuned release
    write_card(folder, card)
    assert model_tag(load_model(str(folder))) != first


def test_cues_weigh_cue_weight_and_old_cards_load_with_weight_one(fitted, tmp_path):
    from upr_elect.classifier.inference import write_card

    cues = fitted.features(["Reform the electoral code"])[:, -len(CUES):].toarray()[0]
    assert cues[list(CUES).index("electoral_subject")] == pytest.approx(fitted.cue_weight)
    assert set(np.unique(cues)) == {0, np.float32(fitted.cue_weight)}
    folder = tmp_path / "fixture-baseline"
    fitted.save(folder, {"version": "test"})
    assert load_model(str(folder)).cue_weight == fitted.cue_weight
    card = json.loads((folder / "card.json").read_text())
    del card["hyperparameters"]["cue_weight"]  # a card from before the option existed
    write_card(folder, card)
    assert load_model(str(folder)).cue_weight == 1.0


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no such model folder or shipped model"):
        load_model(str(tmp_path / "nowhere"))


def test_evidence_names_ngrams_of_the_text(fitted):
    evidence = fitted.evidence("Guarantee the right to peaceful assembly of demonstrators", k=3)
    assert evidence and len(evidence) <= 3
    vocabulary = set(fitted.vectorizer_.vocabulary_) | {f"cue:{c}" for c in CUES}
    assert set(evidence) <= vocabulary


def test_decide_applies_thresholds_and_gives_relevant_texts_a_channel():
    p_rel = np.array([[0.6, 0.2, 0.2], [0.1, 0.5, 0.4], [0.1, 0.1, 0.8]])
    p_ch = np.full((3, 10), 0.1)
    p_ch[1, 5] = 0.9
    relevance, channels = decide(p_rel, p_ch, Thresholds(direct=0.5, relevant=0.5))
    assert relevance == ["direct", "indirect", "none"]
    assert channels[0] == ["electoral_process"]  # argmax fallback (all ties: first channel)
    assert channels[1] == ["assembly"] and channels[2] == []
