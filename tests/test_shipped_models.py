"""The shipped models are the real ones: their cards' dev-gold figures are recomputed."""

import json

import pytest

from upr_elect.classifier.inference import MODELS_DIR, load_model
from upr_elect.training.runs import gold_figures

SHIPPED = sorted(p.name for p in MODELS_DIR.iterdir() if (p / "card.json").is_file())


def test_a_baseline_is_shipped():
    assert "baseline-tfidf" in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_card_figures_are_reproduced(name, shared_data):
    model = load_model(name)
    card = json.loads((MODELS_DIR / name / "card.json").read_text())
    assert card["training_data"]["fingerprint_sha256"] == shared_data.fingerprint(), \
        "the shared data differ from the data the model was trained on"
    recomputed = json.loads(json.dumps(gold_figures(model, shared_data.gold,
                                                    card["gold_dev"]["bootstrap_resamples"])))
    assert _close(recomputed, card["gold_dev"])


def _close(a, b, tol=1e-6):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        assert len(a) == len(b)
        return all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float):
        assert abs(a - b) <= tol, (a, b)
        return True
    assert a == b
    return True
