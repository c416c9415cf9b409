"""TF-IDF + logistic regression baseline (scikit-learn), saved with skops.

Features: TF-IDF word uni- and bigrams plus the codebook cues of
:mod:`upr_elect.classifier.cues`, each worth ``cue_weight`` when it matches. Relevance is a
three-class logistic regression whose probabilities are calibrated by
``CalibratedClassifierCV`` (sigmoid, 5 folds); channels are ten one-vs-rest logistic
regressions (balanced class weights) fitted on relevant texts only, so they estimate
P(channel | relevant).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

import scipy.sparse as sp

from .cues import CUES, cue_features
from .inference import ModelError, Thresholds, sha256_of, write_card
from .labels import RELEVANCE

ARTEFACT = "model.skops"
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


class BaselineModel:
    """TF-IDF word uni- and bigrams plus codebook cues, with calibrated logistic regression.

    Parameters
    ----------
    max_features : int
        Vocabulary size (most frequent n-grams); kept moderate so the saved file stays small.
    C : float
        Inverse L2 regularisation strength of every logistic regression.
    cue_weight : float
        Feature value of a matching cue, on the scale of a TF-IDF value (the median non-zero
        one of an export text is 0.14). At 1.0 the cues were so cheap to weigh that the
        model echoed the labelling functions built from them. The default maximises the
        out-of-fold average precision on the silver rows (mean of `direct` and relevant;
        weights 0, 0.05, 0.1, 0.15, 0.2 and 1 tried; README, "Cue weight").
    name : str
        Name written into every labelled row.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    relevance_ : CalibratedClassifierCV, classes in :data:`RELEVANCE` order
    channels_ : OneVsRestClassifier over :data:`CHANNELS`
    thresholds : Thresholds
    """

    def __init__(self, max_features: int = 40000, C: float = 4.0, cue_weight: float = 0.05,
                 name: str = "baseline-tfidf"):
        self.max_features, self.C, self.cue_weight, self.name = max_features, C, cue_weight, name
        self.thresholds = Thresholds()
        self.card: dict = {}

    def fit(self, texts, relevance, channels) -> "BaselineModel":
        """Fit on distinct texts.

        Parameters
        ----------
        texts : sequence of str, length n
        relevance : sequence of str, length n, values in :data:`RELEVANCE`
        channels : ndarray of shape (n, 10), multi-hot in :data:`CHANNELS` order
        """
        relevance = np.asarray(relevance)
        X = self.fit_features(texts)
        y = np.array([RELEVANCE.index(v) for v in relevance])
        self.relevance_ = CalibratedClassifierCV(
            LogisticRegression(C=self.C, max_iter=3000), method="sigmoid", cv=5).fit(X, y)
        relevant = relevance != "none"
        self.channels_ = OneVsRestClassifier(
            LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000))
        with warnings.catch_warnings():
            # A channel no relevant training text has gets a constant predictor (probability 0);
            # scikit-learn warns about it, which says nothing a user can act on.
            warnings.filterwarnings("ignore", "Label not .* is present in all training examples")
            self.channels_.fit(X[relevant], np.asarray(channels)[relevant])
        return self

    def predict_proba(self, texts):
        """Probabilities for a batch of texts.

        Returns
        -------
        p_relevance : ndarray of shape (n, 3), rows sum to 1
        p_channels : ndarray of shape (n, 10), each in [0, 1]
        """
        X = self.features(texts)
        return self.relevance_.predict_proba(X), self.channels_.predict_proba(X)

    def fit_features(self, texts) -> sp.csr_matrix:
        """Fit the TF-IDF vocabulary on ``texts`` (word uni- and bigrams seen in at least two
        texts, the ``max_features`` most frequent; sublinear term frequency, accents stripped)
        and return their :meth:`features`. The tag-only peer of the evaluation uses it too, so
        both see the same features."""
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=self.max_features,
                                           sublinear_tf=True, strip_accents="unicode", dtype=np.float32)
        self.vectorizer_.fit(texts)
        # skops saves plain ints fast and numpy ints very slowly.
        self.vectorizer_.vocabulary_ = {k: int(v) for k, v in self.vectorizer_.vocabulary_.items()}
        return self.features(texts)

    def features(self, texts) -> sp.csr_matrix:
        """Feature matrix of shape (n, n_ngrams + n_cues): TF-IDF, then codebook cues
        (``cue_weight`` or 0)."""
        return sp.hstack([self.vectorizer_.transform(texts), self.cue_weight * cue_features(texts)],
                         format="csr")

    def evidence(self, text: str, k: int = 5) -> list[str]:
        """The ``k`` n-grams or cues (``cue:<name>``) of ``text`` that push its relevance
        score up most; n-grams made only of English stop words are skipped.

        Contribution of an n-gram = its TF-IDF value times (mean over calibration folds of)
        the logistic-regression weight of "direct" plus "indirect" minus "none".
        """
        X = self.features([text])
        coefs = np.mean([c.estimator.coef_ for c in self.relevance_.calibrated_classifiers_], axis=0)
        direction = coefs[0] + coefs[1] - 2 * coefs[2]
        contrib = X.data * direction[X.indices]
        names = [*self.vectorizer_.get_feature_names_out(), *(f"cue:{c}" for c in CUES)]
        order = [i for i in np.argsort(-contrib) if contrib[i] > 0
                 and not set(names[X.indices[i]].split()) <= ENGLISH_STOP_WORDS]
        return [str(names[X.indices[i]]) for i in order[:k]]

    def save(self, folder: Path, card: dict) -> None:
        """Write ``model.skops`` and ``card.json`` (with the artefact's SHA-256) to ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        sio.dump({"vectorizer": self.vectorizer_, "relevance": self.relevance_,
                  "channels": self.channels_}, folder / ARTEFACT)
        card = dict(card, kind="tfidf-linear", name=self.name, thresholds=self.thresholds.to_dict(),
                    files={ARTEFACT: sha256_of(folder / ARTEFACT)},
                    hyperparameters={"max_features": self.max_features, "C": self.C,
                                     "cue_weight": self.cue_weight})
        self.card = write_card(folder, card)

    @classmethod
    def load(cls, folder: Path, card: dict) -> "BaselineModel":
        """Load a model saved by :meth:`save`; only scikit-learn, NumPy and SciPy types are
        trusted (the file is never unpickled).

        Raises
        ------
        ModelError
            The file holds a type outside those libraries.
        """
        path = Path(folder) / ARTEFACT
        untrusted = [t for t in sio.get_untrusted_types(file=path) if not t.startswith(TRUSTED_PREFIXES)]
        if untrusted:
            raise ModelError(f"{path}: holds types outside scikit-learn/NumPy/SciPy: {untrusted}")
        parts = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        # Cards written before ``cue_weight`` existed come from models trained with weight 1.
        hyperparameters = {"cue_weight": 1.0, **card.get("hyperparameters", {})}
        model = cls(name=card.get("name", Path(folder).name), **hyperparameters)
        model.vectorizer_, model.relevance_, model.channels_ = (
            parts["vectorizer"], parts["relevance"], parts["channels"])
        model.thresholds = Thresholds(**card["thresholds"])
        model.card = card
        return model
