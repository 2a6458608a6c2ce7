"""PNG plots of the evaluation: ROC curve, confusion matrix and the strongest terms each way."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, RocCurveDisplay  # noqa: E402


def save_plots(
    out_dir: Path, y_true: np.ndarray, scores: np.ndarray, terms: tuple[str, ...], coef: np.ndarray, top: int = 20
) -> list[Path]:
    """Write roc_curve.png, confusion_matrix.png and top_terms.png; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []

    fig, ax = plt.subplots(figsize=(5, 5))
    RocCurveDisplay.from_predictions(y_true, scores, ax=ax, name="NB-logistic regression")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set_title("ROC curve, IMDB official test split")
    paths.append(_save(fig, out_dir / "roc_curve.png"))

    fig, ax = plt.subplots(figsize=(5, 4.5))
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        (scores >= 0.5).astype(int),
        display_labels=["negative", "positive"],
        ax=ax,
        cmap="Blues",
        values_format="d",
        colorbar=False,
    )
    ax.set_title("Confusion matrix (25,000 test reviews)" if len(y_true) == 25_000 else "Confusion matrix")
    paths.append(_save(fig, out_dir / "confusion_matrix.png"))

    order = np.argsort(coef, kind="stable")
    negative, positive = order[:top], order[::-1][:top]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.32 * top + 1.2))
    for ax, idx, colour, title in ((left, negative, "#c0392b", "negative"), (right, positive, "#1e8449", "positive")):
        ax.barh([terms[i] for i in idx][::-1], np.abs(coef[idx])[::-1], color=colour)
        ax.set_title(f"Strongest {title} terms")
        ax.set_xlabel("|weight|")
    paths.append(_save(fig, out_dir / "top_terms.png"))
    return paths


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
