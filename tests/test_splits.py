import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import fbeta_score

from upr_elect.training.train import best_threshold, cycle_split, text_folds
from builders import fixture_table


def test_text_folds_never_put_one_text_on_both_sides():
    table = fixture_table(copies=4)
    # The same text again, with other surrounding whitespace: one text, one fold.
    table = pd.concat([table, table.assign(text=" " + table["text"] + "  ")], ignore_index=True)
    folds = text_folds(table, folds=4)
    assert len(folds) == 4
    seen = set()
    for train, test in folds:
        train_texts = set(table["text"].iloc[train].str.strip())
        test_texts = set(table["text"].iloc[test].str.strip())
        assert not train_texts & test_texts
        seen |= set(test)
    assert seen == set(range(len(table)))  # every row is tested once


def test_cycle_split_trains_on_cycle_1_and_tests_on_cycle_2():
    texts = pd.DataFrame({"text": list("abcde"), "cycle": pd.array([1, 2, 1, 3, None], dtype="Int64")})
    train, test = cycle_split(texts)
    assert train["text"].tolist() == ["a", "c"] and test["text"].tolist() == ["b"]


def test_best_threshold_finds_the_f1_optimum_of_a_rare_class():
    # 60 positives among 20,000 texts (like `direct`, 0.3 %), all in the top scores, with 15
    # negatives above the weakest positives: the F1-optimal cut lies inside the top 0.4 %.
    rng = np.random.default_rng(0)
    score = np.concatenate([rng.uniform(0.0, 0.4, 19925), rng.uniform(0.4, 0.6, 15), rng.uniform(0.45, 0.95, 60)])
    y = np.arange(len(score)) >= 19940
    weight = rng.choice([1.0, 3.0], len(score))
    threshold = best_threshold(y, score, weight)
    best = max(fbeta_score(y, score >= t, beta=1, sample_weight=weight) for t in np.unique(score[score >= 0.4]))
    assert fbeta_score(y, score >= threshold, beta=1, sample_weight=weight) == pytest.approx(best)
    assert best_threshold(np.zeros(10, bool), np.linspace(0, 1, 10), np.ones(10)) == 1.0
