"""The approval decision, pure: per-example correctness of two models on the same rows in, a Decision out.

Two classifiers trained once and scored on the same rows are compared on their discordant pairs (Dietterich
1998): ``b`` rows the champion gets right and the challenger wrong, ``c`` the reverse. Two figures come from them:

- the exact McNemar test (a two-sided binomial test of ``c`` in ``b + c`` at 1/2): is there any difference at
  all? With ``b + c == 0`` it is 1 (the chi-square variants give 0 or NaN there, hence the exact test).
- a one-sided Wald bound on the accuracy difference Δ = (c − b)/n with SE = √(b + c − (b − c)²/n)/n: is the
  challenger worse by more than the tolerance δ? McNemar tests equality, and a model that is a little worse
  but within δ is still fine to ship, so this non-inferiority bound is what decides: ``Approved`` when
  Δ − z·SE ≥ −δ, ``Rejected`` otherwise.

Without a champion (the group's first package) there is nothing to pair with: the challenger's accuracy must
reach an absolute floor. The reason string carries the figures, so the registry's ApprovalDescription says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, norm

APPROVED = "Approved"
REJECTED = "Rejected"
DEFAULT_TOLERANCE = 0.005
DEFAULT_FLOOR = 0.85
DEFAULT_ALPHA = 0.05


@dataclass(frozen=True)
class Paired:
    """The discordant counts of two models on the same ``n`` rows and the figures derived from them."""

    n: int
    champion_correct: int
    challenger_correct: int
    b: int  # champion right, challenger wrong
    c: int  # challenger right, champion wrong

    @property
    def champion_accuracy(self) -> float:
        return self.champion_correct / self.n

    @property
    def challenger_accuracy(self) -> float:
        return self.challenger_correct / self.n

    @property
    def difference(self) -> float:
        """Challenger minus champion accuracy: (c − b)/n."""
        return (self.c - self.b) / self.n

    @property
    def standard_error(self) -> float:
        """Wald SE of the paired difference: √(b + c − (b − c)²/n)/n."""
        return math.sqrt(max(self.b + self.c - (self.b - self.c) ** 2 / self.n, 0.0)) / self.n

    @property
    def mcnemar_p(self) -> float:
        """Exact two-sided McNemar p-value; 1 when the models never disagree."""
        if self.b + self.c == 0:
            return 1.0
        return float(binomtest(self.c, self.b + self.c, 0.5).pvalue)

    def lower_bound(self, alpha: float) -> float:
        """One-sided (1 − alpha) lower confidence bound of the difference."""
        return self.difference - float(norm.ppf(1 - alpha)) * self.standard_error


@dataclass(frozen=True)
class Decision:
    """``Approved`` or ``Rejected``, why (with the figures), and the figures for the package's metadata."""

    status: str
    reason: str
    figures: dict[str, float | int]

    @property
    def approved(self) -> bool:
        return self.status == APPROVED


def pair(champion: np.ndarray, challenger: np.ndarray) -> Paired:
    """Count the discordant pairs of two per-row correctness vectors (same rows, same order)."""
    champion, challenger = np.asarray(champion, dtype=bool), np.asarray(challenger, dtype=bool)
    if champion.shape != challenger.shape or champion.ndim != 1 or champion.size == 0:
        raise ValueError(
            f"need two non-empty vectors of the same rows, got shapes {champion.shape} and {challenger.shape}"
        )
    return Paired(
        n=int(champion.size),
        champion_correct=int(champion.sum()),
        challenger_correct=int(challenger.sum()),
        b=int((champion & ~challenger).sum()),
        c=int((~champion & challenger).sum()),
    )


def decide_first(challenger: np.ndarray, floor: float = DEFAULT_FLOOR) -> Decision:
    """The group's first package: approved when its accuracy reaches ``floor``."""
    correct = np.asarray(challenger, dtype=bool)
    if correct.ndim != 1 or correct.size == 0:
        raise ValueError("need a non-empty vector of per-row correctness")
    n, accuracy = int(correct.size), float(correct.mean())
    status = APPROVED if accuracy >= floor else REJECTED
    relation = "reaches" if status == APPROVED else "is below"
    reason = f"{status}: first package; accuracy {accuracy:.4f} on {n:,} rows {relation} the floor {floor:.4f}"
    return Decision(status, reason, {"n": n, "accuracy": accuracy, "floor": floor})


def decide(
    champion: np.ndarray,
    challenger: np.ndarray,
    tolerance: float = DEFAULT_TOLERANCE,
    alpha: float = DEFAULT_ALPHA,
    champion_name: str = "champion",
) -> Decision:
    """Approved when the challenger is not worse than the champion by more than ``tolerance`` (one-sided ``alpha``)."""
    if tolerance < 0 or not 0 < alpha < 1:
        raise ValueError(f"need tolerance >= 0 and 0 < alpha < 1, got {tolerance} and {alpha}")
    paired = pair(champion, challenger)
    bound = paired.lower_bound(alpha)
    status = APPROVED if bound >= -tolerance else REJECTED
    relation = "at or above" if status == APPROVED else "below"
    reason = (
        f"{status}: accuracy {paired.challenger_accuracy:.4f} vs {champion_name} {paired.champion_accuracy:.4f} "
        f"on the same {paired.n:,} rows; difference {paired.difference:+.4f}, {1 - alpha:.0%} lower bound "
        f"{bound:+.4f} {relation} -{tolerance:.4f} (tolerance); McNemar b={paired.b:,} c={paired.c:,} "
        f"exact p={paired.mcnemar_p:.3g}"
    )
    figures = {
        "n": paired.n,
        "accuracy": paired.challenger_accuracy,
        "champion_accuracy": paired.champion_accuracy,
        "difference": paired.difference,
        "lower_bound": bound,
        "tolerance": tolerance,
        "alpha": alpha,
        "b": paired.b,
        "c": paired.c,
        "mcnemar_p": paired.mcnemar_p,
    }
    return Decision(status, reason, figures)
