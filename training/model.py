"""Vocabulary selection and the NB-weighted logistic regression (NBSVM-style, Wang & Manning 2012).

Features are binary word 1..3-grams from the shared tokeniser. The vocabulary is the
``max_terms`` n-grams with the highest chi-squared score among those in at least
``min_df`` training reviews. The classifier is a logistic regression on features scaled
by the naive-Bayes log-count ratio r; after fitting, r is folded into the coefficients
(w' = w * r), so serving needs only a plain linear model over the raw binary vector.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.feature_selection import chi2
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from lambda_src.tokenizer import TokenizerSettings, analyze

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides the model; recorded in metadata.json."""

    settings: TokenizerSettings = TokenizerSettings()
    max_terms: int = 100_000
    min_df: int = 3
    c_grid: tuple[float, ...] = (0.1, 0.2, 0.5)
    nb_alpha: float = 1.0
    validation_fraction: float = 0.2
    seed: int = 0


@dataclass(frozen=True)
class FittedModel:
    """The fitted linear model over ``terms`` (r already folded into ``coef``)."""

    terms: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    c: float
    validation_accuracy: dict[float, float]

    def classifier(self) -> LogisticRegression:
        """A scikit-learn classifier over the raw binary vectors of ``terms``."""
        clf = LogisticRegression()
        clf.classes_ = np.array([0, 1])
        clf.coef_ = self.coef.reshape(1, -1)
        clf.intercept_ = np.array([self.intercept])
        return clf


def make_vectorizer(settings: TokenizerSettings, **kwargs) -> CountVectorizer:
    """scikit-learn's vectoriser driven by the one tokeniser (the training-side path)."""
    return CountVectorizer(
        analyzer=partial(analyze, settings=settings), binary=settings.binary, dtype=np.float64, **kwargs
    )


def nb_ratio(x: sparse.csr_matrix, y: np.ndarray, alpha: float) -> np.ndarray:
    """Log-count ratio r = log((p/|p|) / (q/|q|)) with add-alpha smoothing."""
    p = alpha + np.asarray(x[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def select_terms(x: sparse.csr_matrix, y: np.ndarray, max_terms: int) -> np.ndarray:
    """Column indices of the ``max_terms`` highest chi-squared columns, in ascending column order."""
    scores = np.nan_to_num(chi2(x, y)[0])
    if scores.size <= max_terms:
        return np.arange(scores.size)
    # Stable sort on (-score, column) so ties are broken the same way on every run.
    return np.sort(np.lexsort((np.arange(scores.size), -scores))[:max_terms])


def fit_nb_logistic(x: sparse.csr_matrix, y: np.ndarray, c: float, alpha: float, seed: int) -> tuple[np.ndarray, float]:
    """Fit on NB-scaled features; return folded coefficients and the intercept."""
    r = nb_ratio(x, y, alpha)
    clf = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000, random_state=seed)
    clf.fit(sparse.csr_matrix(x.multiply(r)), y)
    return clf.coef_[0] * r, float(clf.intercept_[0])


def _accuracy(x: sparse.csr_matrix, y: np.ndarray, coef: np.ndarray, intercept: float) -> float:
    return float(((x @ coef + intercept > 0).astype(int) == y).mean())


def train(pool: sparse.csr_matrix, pool_terms: np.ndarray, y: np.ndarray, config: TrainingConfig) -> FittedModel:
    """Tune C on a validation split of the training reviews, then refit on all of them.

    ``pool`` is the binary document-term matrix of the training reviews over every n-gram
    in at least ``min_df`` of them; selection, NB ratios and C use training labels only.
    """
    idx = np.arange(len(y))
    fit_idx, val_idx = train_test_split(idx, test_size=config.validation_fraction, random_state=config.seed, stratify=y)
    cols = select_terms(pool[fit_idx], y[fit_idx], config.max_terms)
    x_fit, x_val = pool[fit_idx][:, cols], pool[val_idx][:, cols]
    scores: dict[float, float] = {}
    for c in config.c_grid:
        coef, intercept = fit_nb_logistic(x_fit, y[fit_idx], c, config.nb_alpha, config.seed)
        scores[c] = _accuracy(x_val, y[val_idx], coef, intercept)
        log.info("validation accuracy C=%g: %.4f", c, scores[c])
    best_c = max(config.c_grid, key=lambda c: (scores[c], -c))

    cols = select_terms(pool, y, config.max_terms)
    coef, intercept = fit_nb_logistic(pool[:, cols], y, best_c, config.nb_alpha, config.seed)
    return FittedModel(tuple(str(t) for t in pool_terms[cols]), coef, intercept, best_c, scores)
