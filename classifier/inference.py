"""Turn model probabilities into codebook labels, and find and load saved models.

Every model in this project (keyword rule, TF-IDF baseline, transformer) produces the same
two arrays for a batch of texts: relevance probabilities of shape (n, 3) in
:data:`~upr_elect.classifier.labels.RELEVANCE` order and channel probabilities of shape
(n, 10) in :data:`~upr_elect.classifier.labels.CHANNELS` order. :func:`decide` applies the
thresholds stored with the model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .labels import CHANNELS

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
"""Folder of the shipped models (one sub-folder per model, each with ``card.json``)."""

DEFAULT_MODELS = ("transformer-minilm", "baseline-tfidf")
"""Models ``label`` uses when none is named: the first one shipped wins."""


class ModelError(Exception):
    """A model folder that is missing, incomplete or altered since it was saved."""


@dataclass
class Thresholds:
    """Decision thresholds, chosen on validation data and stored with a model.

    Attributes
    ----------
    direct : float
        ``direct`` when p_direct >= direct.
    relevant : float
        Otherwise ``indirect`` when p_direct + p_indirect >= relevant, else ``none``.
    channels : dict of str to float
        A relevant text gets every channel whose probability reaches its threshold, and at
        least its most probable channel (codebook rule 13).
    """

    direct: float = 0.5
    relevant: float = 0.5
    channels: dict = field(default_factory=lambda: {c: 0.5 for c in CHANNELS})

    def to_dict(self) -> dict:
        return asdict(self)


def decide(p_relevance: np.ndarray, p_channels: np.ndarray, thresholds: Thresholds):
    """Codebook labels from probabilities.

    Parameters
    ----------
    p_relevance : ndarray of shape (n, 3)
        Probabilities of direct, indirect, none.
    p_channels : ndarray of shape (n, 10)
        Probability of each channel given that the text is relevant.
    thresholds : Thresholds

    Returns
    -------
    relevance : list of str, length n
    channels : list of list of str, length n (empty for ``none``)
    """
    p_direct = p_relevance[:, 0]
    p_relevant = p_relevance[:, 0] + p_relevance[:, 1]
    relevance = np.where(p_direct >= thresholds.direct, "direct",
                         np.where(p_relevant >= thresholds.relevant, "indirect", "none"))
    cut = np.array([thresholds.channels[c] for c in CHANNELS])
    channels = []
    for value, probs in zip(relevance, p_channels):
        if value == "none":
            channels.append([])
            continue
        chosen = [c for c, p, t in zip(CHANNELS, probs, cut) if p >= t]
        channels.append(chosen or [CHANNELS[int(np.argmax(probs))]])
    return relevance.tolist(), channels


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _card_digest(card: dict) -> str:
    body = {k: v for k, v in card.items() if k != "card_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def write_card(folder: Path, card: dict) -> dict:
    """Write ``card.json`` with ``card_sha256``, the digest of the rest of the card, so that
    an edited threshold is caught like an edited artefact. Returns the card as written."""
    card = dict(card, card_sha256=_card_digest(card))
    (Path(folder) / "card.json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return card


def read_card(folder: Path) -> dict:
    """Read a model folder's ``card.json`` and check it and its artefacts against their hashes.

    Raises
    ------
    ModelError
        No folder, no card, a card whose content differs from its ``card_sha256``, a listed
        file missing, or a file whose SHA-256 differs from the card's (the model was altered
        after it was saved).
    """
    folder = Path(folder)
    card_path = folder / "card.json"
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder")
    if not card_path.is_file():
        raise ModelError(f"{folder}: not a model folder (no card.json)")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ModelError(f"{card_path}: not valid JSON ({err.msg})") from None
    if card.get("card_sha256") != _card_digest(card):
        raise ModelError(f"{card_path}: the card's content (thresholds, figures) differs from its "
                         "card_sha256; it was changed after the model was saved, so it is not loaded")
    for name, digest in card.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise ModelError(f"{path}: missing from the model folder")
        if sha256_of(path) != digest:
            raise ModelError(f"{path}: SHA-256 differs from the model card; the file was "
                             "changed after the model was saved, so it is not loaded")
    return card


def resolve_model(name: str | None) -> Path:
    """The folder of a model given by path or by the name of a shipped model.

    ``None`` picks the first of :data:`DEFAULT_MODELS` that is shipped.

    Raises
    ------
    ModelError
        No such folder or shipped model.
    """
    if name is None:
        for candidate in DEFAULT_MODELS:
            if (MODELS_DIR / candidate / "card.json").is_file():
                return MODELS_DIR / candidate
        raise ModelError(f"no shipped model in {MODELS_DIR}; train one with `upr-elect train`")
    path = Path(name)
    if path.is_dir():
        return path
    if (MODELS_DIR / name).is_dir():
        return MODELS_DIR / name
    shipped = ", ".join(sorted(p.name for p in MODELS_DIR.iterdir() if (p / "card.json").is_file()))
    raise ModelError(f"{name}: no such model folder or shipped model (shipped: {shipped or 'none'})")


def load_model(name: str | None = None):
    """Load a saved model by folder or shipped name, after checking its files' hashes.

    Returns
    -------
    An object with ``name``, ``card``, ``thresholds`` and
    ``predict_proba(texts) -> (p_relevance (n, 3), p_channels (n, 10))``.

    Raises
    ------
    ModelError
    """
    folder = resolve_model(name)
    card = read_card(folder)
    kind = card.get("kind")
    if kind == "tfidf-linear":
        from .baseline import BaselineModel
        return BaselineModel.load(folder, card)
    if kind == "transformer":
        from .transformer import TransformerModel
        return TransformerModel.load(folder, card)
    raise ModelError(f"{folder}: unknown model kind {kind!r} in card.json")
