"""Fine-tuned transformer encoder (inference).

The saved model is a Hugging Face ``*ForSequenceClassification`` model with 13 outputs:
logits 0-2 are relevance (softmax, :data:`RELEVANCE` order, divided by the stored
temperature), logits 3-12 are channels (independent sigmoids, :data:`CHANNELS` order). It
loads offline from its folder (``model.safetensors``, ``config.json``, tokenizer files), so
``transformers.pipeline("text-classification", model=folder)`` also opens it.

Texts longer than the window keep their head and their tail (Sun et al. 2019, "How to
Fine-Tune BERT for Text Classification?": head+tail truncation beats head-only).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .inference import ModelError, Thresholds
from .labels import CHANNELS, RELEVANCE

OUTPUT_NAMES = (*RELEVANCE, *CHANNELS)
"""Names of the 13 outputs, as written into the model's ``config.json`` ``id2label``."""

MAX_TOKENS = 128
"""Window in tokens, special tokens included."""

HEAD_SHARE = 0.75
"""Share of the window kept from a long text's head; the rest comes from its tail."""


def head_tail(ids: list[int], room: int) -> list[int]:
    """Cut a token-id list to ``room`` ids: its first ``HEAD_SHARE`` and its last rest."""
    if len(ids) <= room:
        return ids
    head = int(room * HEAD_SHARE)
    return ids[:head] + ids[len(ids) - (room - head):]


class TransformerModel:
    """A fine-tuned encoder with a relevance head and a channel head.

    Parameters
    ----------
    network : transformers.PreTrainedModel
        Sequence-classification model with 13 outputs.
    tokenizer : transformers.PreTrainedTokenizerBase
    thresholds : Thresholds
    temperature : float
        Relevance logits are divided by it before the softmax (temperature scaling, Guo et
        al. 2017), fitted on validation data.
    name : str
    batch_size : int
        Texts per forward pass (texts are sorted by length, so padding stays small).
    """

    def __init__(self, network, tokenizer, thresholds: Thresholds | None = None, temperature: float = 1.0,
                 name: str = "transformer-minilm", batch_size: int = 64):
        self.network, self.tokenizer = network, tokenizer
        self.thresholds = thresholds or Thresholds()
        self.temperature, self.name, self.batch_size = temperature, name, batch_size
        self.quantized = False
        self.card: dict = {}

    def _special_tokens(self) -> tuple[list[int], list[int]]:
        """The ids the tokenizer puts before and after a single text (e.g. [CLS] and [SEP])."""
        plain = self.tokenizer("a", add_special_tokens=False)["input_ids"]
        full = self.tokenizer("a")["input_ids"]
        at = next(i for i in range(len(full)) if full[i:i + len(plain)] == plain)
        return full[:at], full[at + len(plain):]

    def encode(self, texts) -> list[list[int]]:
        """Token ids with special tokens, at most :data:`MAX_TOKENS` each (head + tail)."""
        prefix, suffix = self._special_tokens()
        room = MAX_TOKENS - len(prefix) - len(suffix)
        ids = self.tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return [prefix + head_tail(i, room) + suffix for i in ids]

    def over_window(self, texts) -> np.ndarray:
        """Bool array of shape (n,): which texts exceed the window of :data:`MAX_TOKENS`
        tokens (and are read as head + tail, their middle left out)."""
        prefix, suffix = self._special_tokens()
        room = MAX_TOKENS - len(prefix) - len(suffix)
        ids = self.tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return np.array([len(i) > room for i in ids], dtype=bool)

    def count_long(self, texts) -> int:
        """How many texts exceed the window (and are cut to head + tail)."""
        return int(self.over_window(texts).sum())

    def logits(self, texts) -> np.ndarray:
        """Raw logits of shape (n, 13), in input order."""
        import torch

        encoded = self.encode(texts)
        order = np.argsort([len(e) for e in encoded], kind="stable")
        out = np.zeros((len(encoded), len(OUTPUT_NAMES)), dtype=np.float32)
        self.network.eval()
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                padded = self.tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
                out[batch] = self.network(**padded).logits.float().numpy()
        return out

    def predict_proba(self, texts):
        """Probabilities for a batch of texts.

        Returns
        -------
        p_relevance : ndarray of shape (n, 3), rows sum to 1 (temperature-scaled softmax)
        p_channels : ndarray of shape (n, 10), independent sigmoids
        """
        return probabilities(self.logits(texts), self.temperature)

    def quantize(self) -> "TransformerModel":
        """Switch to int8 dynamic quantisation of the linear layers (PyTorch
        ``quantize_dynamic``); returns self. PyTorch's notices that this API is deprecated
        are silenced: they are for developers, not for someone labelling a file."""
        import warnings

        import torch

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*deprecated", category=Warning)
            self.network = torch.ao.quantization.quantize_dynamic(self.network, {torch.nn.Linear},
                                                                   dtype=torch.qint8)
        self.quantized = True
        return self

    def save(self, folder: Path, card: dict) -> None:
        """Write weights (safetensors, fp16), config, tokenizer and ``card.json``."""
        from .inference import sha256_of, write_card

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.network.half().save_pretrained(folder, safe_serialization=True)
        self.network.float()
        self.tokenizer.save_pretrained(folder)
        files = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and p.name not in ("card.json", "README.md"))
        card = dict(card, kind="transformer", name=self.name, thresholds=self.thresholds.to_dict(),
                    temperature=self.temperature, max_tokens=MAX_TOKENS,
                    files={f: sha256_of(folder / f) for f in files})
        self.card = write_card(folder, card)

    @classmethod
    def load(cls, folder: Path, card: dict) -> "TransformerModel":
        """Load a model saved by :meth:`save` (weights cast to float32 for the CPU).

        Raises
        ------
        ModelError
            ``transformers`` or ``torch`` not installed, or the folder does not load.
        """
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as err:
            raise ModelError(f"{folder}: the transformer model needs the 'transformer' extra "
                             f"(pip install torch==2.13.0 and '.[transformer]'): {err}") from None
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keep the CLI's output to its own lines
        hf_logging.set_verbosity_error()  # long texts are cut to head + tail here, not by the model
        network = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = cls(network, tokenizer, Thresholds(**card["thresholds"]), card["temperature"],
                    card.get("name", Path(folder).name))
        model.card = card
        return model


def probabilities(logits: np.ndarray, temperature: float = 1.0):
    """Relevance softmax (temperature-scaled) and channel sigmoids from 13 logits.

    Parameters
    ----------
    logits : ndarray of shape (n, 13)
    temperature : float

    Returns
    -------
    (ndarray of shape (n, 3), ndarray of shape (n, 10))
    """
    rel = logits[:, :3] / temperature
    rel = np.exp(rel - rel.max(axis=1, keepdims=True))
    return rel / rel.sum(axis=1, keepdims=True), 1.0 / (1.0 + np.exp(-logits[:, 3:]))
