"""The training run end to end: checked data -> vocabulary and model -> one test evaluation -> artifacts."""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from tqdm.auto import tqdm

from lambda_src.tokenizer import Vocabulary
from training import artifacts
from training.data import PROJECT_ROOT, sha256_of
from training.datasets.prepare import PreparedData
from training.evaluate import evaluate
from training.model import TrainingConfig, make_vectorizer, train
from training.plots import save_plots

log = logging.getLogger(__name__)


def _git_sha() -> str | None:
    """The commit trained from; a SageMaker job has no .git, so `make train-remote` passes it as TRAINING_GIT_SHA."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
    except OSError:
        return os.environ.get("TRAINING_GIT_SHA") or None
    return out.stdout.strip() or os.environ.get("TRAINING_GIT_SHA") or None


def run(
    prepared: PreparedData,
    out_dir: Path,
    config: TrainingConfig,
    data_file: Path | None = None,
    model_dir: Path | None = None,
) -> dict[str, Any]:
    """Train on the checked training set, evaluate once on its test set, write every artifact to ``out_dir``.

    ``data_file`` is hashed into the metadata (the IMDB archive or your data file; none for a folder);
    ``model_dir`` receives the model files unpacked instead of ``out_dir``/model.tar.gz (a SageMaker SM_MODEL_DIR).
    """
    started = time.perf_counter()
    train_split = prepared.train
    y_train = np.asarray(train_split.labels)

    vectorizer = make_vectorizer(config.settings, min_df=config.min_df)
    pool = vectorizer.fit_transform(tqdm(train_split.texts, desc="tokenise train", unit="review")).tocsr()
    log.info("candidate n-grams (min_df=%d): %d", config.min_df, pool.shape[1])
    fitted = train(pool, vectorizer.get_feature_names_out(), y_train, config)
    del pool
    training_seconds = time.perf_counter() - started

    vocabulary = Vocabulary(fitted.terms, config.settings)
    version = artifacts.model_version(vocabulary.version, fitted.coef, fitted.intercept)
    vocabulary = Vocabulary(fitted.terms, config.settings, model_version=version)

    test_split = prepared.test
    y_test = np.asarray(test_split.labels)
    test_vectorizer = make_vectorizer(config.settings, vocabulary=vocabulary.index)
    x_test = test_vectorizer.transform(tqdm(test_split.texts, desc="tokenise test", unit="review"))
    scores = fitted.classifier().predict_proba(x_test)[:, 1]

    metadata = {
        "model_version": version,
        "vocabulary_version": vocabulary.version,
        "intercept": fitted.intercept,
        "c": fitted.c,
        "config": {**asdict(config), "c_grid": list(config.c_grid)},
        "data_sha256": sha256_of(data_file) if data_file else None,
        "git_sha": _git_sha(),
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
    }
    artifacts.write_model(out_dir, vocabulary, fitted.coef, metadata, model_dir=model_dir)
    plots = save_plots(out_dir / "plots", y_test, scores, fitted.terms, fitted.coef)
    metrics = {
        **evaluate(y_test, scores),
        "model_version": version,
        "vocabulary_version": vocabulary.version,
        "vocabulary_size": len(vocabulary),
        "ngram_range": [config.settings.ngram_min, config.settings.ngram_max],
        "c": fitted.c,
        "validation_accuracy": {str(c): a for c, a in fitted.validation_accuracy.items()},
        "validation_fraction": config.validation_fraction,
        "train_reviews": len(train_split),
        "training_seconds": round(training_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "data_sha256": metadata["data_sha256"],
        "versions": metadata["versions"],
        "model_archive": artifacts.MODEL_ARCHIVE,
        "data": prepared.summary,
    }
    artifacts.write_metrics(out_dir, metrics)
    artifacts.write_report(out_dir, metrics, plots)
    return metrics
