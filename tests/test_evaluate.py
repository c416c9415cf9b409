import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score

from upr_elect.training.evaluate import bootstrap_indices, gold_report, tag_task_intervals

GOLD = pd.DataFrame({
    "relevance": ["direct", "direct", "indirect", "indirect", "none", "none", "none", "none"],
    "channels": [["electoral_process"], ["vote_and_candidacy"], ["assembly"], ["expression_media"], [], [], [], []],
    "stratum": ["S1", "S1", "S3", "S3", "S3", "S4", "S4", "S4"],
    "weight": [1.0, 1.0, 10.0, 10.0, 10.0, 50.0, 50.0, 50.0],
})
SYSTEM = {
    "relevance": np.array(["direct", "indirect", "indirect", "none", "none", "indirect", "none", "none"]),
    "channels": [["electoral_process"], ["assembly"], ["assembly"], [], [], ["assembly"], [], []],
    "p_relevant": np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.6, 0.1, 0.05]),
    "p_direct": np.array([0.9, 0.4, 0.1, 0.05, 0.02, 0.1, 0.01, 0.01]),
}


def test_points_match_scikit_learn_sampled_and_weighted():
    report = gold_report(GOLD, {"m": SYSTEM}, n_boot=50)
    y, p = GOLD["relevance"] != "none", SYSTEM["relevance"] != "none"
    for weighting, w in (("sampled", None), ("weighted", GOLD["weight"])):
        point = report[weighting]["m"]["point"]
        assert np.isclose(point["relevant"]["precision"], precision_score(y, p, sample_weight=w))
        assert np.isclose(point["relevant"]["recall"], recall_score(y, p, sample_weight=w))
        assert np.isclose(point["direct"]["f1"], f1_score(GOLD["relevance"] == "direct",
                                                          SYSTEM["relevance"] == "direct", sample_weight=w))
        assert np.isclose(point["relevance_macro_f1"],
                          f1_score(GOLD["relevance"], SYSTEM["relevance"], average="macro", sample_weight=w))
    # The weighted false positive (weight 50) drags relevant precision far below the sampled one.
    assert report["weighted"]["m"]["point"]["relevant"]["precision"] < 0.35
    assert report["sampled"]["m"]["point"]["relevant"]["precision"] == 0.75
    # channel micro-F1: 2 of 4 gold channels found, 2 of 4 predicted channels right.
    assert np.isclose(report["sampled"]["m"]["point"]["channel_micro_f1"], 2 * 2 / (4 + 4))
    matrix = report["sampled"]["m"]["point"]["confusion_matrix"]["values"]
    assert matrix == [[1, 1, 0], [0, 1, 1], [0, 1, 3]]


def test_bootstrap_resamples_within_strata_and_is_reproducible():
    index = bootstrap_indices(GOLD["stratum"], n_boot=200, seed=3)
    assert index.shape == (200, 8)
    strata = GOLD["stratum"].to_numpy()[index]
    assert (np.sort(strata, axis=1) == np.sort(GOLD["stratum"].to_numpy())).all()
    assert (index == bootstrap_indices(GOLD["stratum"], n_boot=200, seed=3)).all()
    report = gold_report(GOLD, {"m": SYSTEM, "peer": {"relevance": np.array(["none"] * 8)}}, n_boot=200,
                         baseline_name="peer")
    low, high = report["weighted"]["m"]["ci95"]["relevant.f1"]
    assert low <= report["weighted"]["m"]["point"]["relevant"]["f1"] <= high
    diff = report["differences"]["weighted"]["m"]["relevant.f1"]
    assert diff["difference"] == round(report["weighted"]["m"]["point"]["relevant"]["f1"], 4)


def test_tag_task_intervals_are_paired_and_bracket_the_points():
    # 40 tagged texts among 2,000: one score ranks them well, the other is noise.
    rng = np.random.default_rng(3)
    tagged = np.zeros(2000, bool)
    tagged[rng.choice(2000, 40, replace=False)] = True
    good = np.where(tagged, rng.uniform(0.4, 1.0, 2000), rng.uniform(0.0, 0.6, 2000))
    noise = rng.uniform(size=2000)
    out = tag_task_intervals(tagged, {"good": good, "noise": noise}, "good", n_boot=200)
    for name, score in (("good", good), ("noise", noise)):
        low, high = out["average_precision_ci95"][name]
        assert low < average_precision_score(tagged, score) < high
    difference = out["differences"]["noise"]
    assert set(out["differences"]) == {"noise"}
    assert difference["difference"] == round(average_precision_score(tagged, good)
                                             - average_precision_score(tagged, noise), 4)
    assert 0 < difference["ci95"][0] < difference["difference"] < difference["ci95"][1]
    # Paired: a system compared with itself differs by exactly 0 in every resample.
    same = tag_task_intervals(tagged, {"good": good, "copy": good.copy()}, "good", n_boot=50)
    assert same["differences"]["copy"] == {"difference": 0.0, "ci95": [0.0, 0.0]}
