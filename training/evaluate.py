"""Metrics on the official test split: computed once, after all choices were made on train/."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics


def evaluate(y_true: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """Accuracy, precision, recall, F1, ROC AUC and the confusion matrix at threshold 0.5."""
    y_pred = (scores >= 0.5).astype(int)
    tn, fp, fn, tp = metrics.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return {
        "test_reviews": int(len(y_true)),
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "precision": float(metrics.precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(metrics.recall_score(y_true, y_pred, zero_division=0)),
        "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0)),
        "roc_auc": float(metrics.roc_auc_score(y_true, scores)),
        "confusion_matrix": {
            "labels": ["negative", "positive"],
            "rows_true_cols_pred": [[int(tn), int(fp)], [int(fn), int(tp)]],
        },
    }
