import pandas as pd

from upr_elect.training.train import cycle_split, text_folds
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
