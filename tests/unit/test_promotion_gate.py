"""The approval decision on hand-computed cases: McNemar's exact p, the Wald bound, tolerance and floor edges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from promotion import gate


def rows(both: int, b: int, c: int, neither: int) -> tuple[np.ndarray, np.ndarray]:
    """Champion and challenger correctness with the given cell counts of the 2x2 table."""
    champion = [True] * both + [True] * b + [False] * c + [False] * neither
    challenger = [True] * both + [False] * b + [True] * c + [False] * neither
    return np.array(champion), np.array(challenger)


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [
        (0, 0, 1.0),  # never disagree: the exact test says 1, not the corrected chi-square's 0
        (10, 0, 2 * 0.5**10),  # all ten discordant pairs one way
        (3, 7, 2 * (1 + 10 + 45 + 120) / 2**10),  # 2 * P(X <= 3), X ~ Bin(10, 1/2)
        (1, 1, 1.0),
        (5, 4, 1.0),  # symmetric two-sided tail covers everything
    ],
)
def test_mcnemar_exact_p_matches_the_hand_computed_binomial(b: int, c: int, p: float) -> None:
    paired = gate.pair(*rows(50, b, c, 5))
    assert (paired.b, paired.c) == (b, c)
    assert paired.mcnemar_p == pytest.approx(p, rel=1e-12)


def test_wald_bound_of_ten_losses_in_a_hundred_rows() -> None:
    # delta = (0 - 10)/100 = -0.1; SE = sqrt(10 - 100/100)/100 = 0.03; z(0.95) = 1.6448536
    paired = gate.pair(*rows(80, 10, 0, 10))
    assert paired.difference == pytest.approx(-0.1)
    assert paired.standard_error == pytest.approx(0.03)
    assert paired.lower_bound(0.05) == pytest.approx(-0.1 - 1.6448536269514722 * 0.03)
    decision = gate.decide(*rows(80, 10, 0, 10))
    assert decision.status == gate.REJECTED
    assert "b=10 c=0" in decision.reason and "p=0.00195" in decision.reason
    assert "difference -0.1000" in decision.reason and "lower bound -0.1493" in decision.reason


def test_identical_models_are_approved_even_with_zero_tolerance() -> None:
    decision = gate.decide(*rows(90, 0, 0, 10), tolerance=0.0)
    assert decision.approved
    assert decision.figures["mcnemar_p"] == 1.0 and decision.figures["lower_bound"] == 0.0


def test_tolerance_decides_a_tie_with_some_disagreement() -> None:
    # b = c = 1 in 1,000 rows: delta 0, SE = sqrt(2)/1000, lower bound -1.6448536 * 0.0014142 = -0.0023262
    champion, challenger = rows(900, 1, 1, 98)
    bound = gate.pair(champion, challenger).lower_bound(0.05)
    assert bound == pytest.approx(-1.6448536269514722 * math.sqrt(2) / 1000)
    assert gate.decide(champion, challenger, tolerance=0.0024).approved
    assert gate.decide(champion, challenger, tolerance=-bound).approved  # the bound exactly at -tolerance
    rejected = gate.decide(champion, challenger, tolerance=0.0023)
    assert rejected.status == gate.REJECTED and "below -0.0023 (tolerance)" in rejected.reason


def test_a_better_challenger_is_approved_and_a_slightly_worse_one_within_tolerance_too() -> None:
    assert gate.decide(*rows(9000, 100, 300, 600)).approved
    # 9,000 of 10,000 rows agree; b - c = 20 (0.2 points worse): SE = sqrt(400 - 400/10000)/10000 ~ 0.002,
    # lower bound ~ -0.0053: rejected at the default 0.005, approved at 0.01
    champion, challenger = rows(9000, 210, 190, 600)
    assert gate.decide(champion, challenger).status == gate.REJECTED
    assert gate.decide(champion, challenger, tolerance=0.01).approved


def test_the_first_package_needs_the_floor() -> None:
    at_floor = np.array([True] * 85 + [False] * 15)
    assert gate.decide_first(at_floor, floor=0.85).approved
    below = np.array([True] * 84 + [False] * 16)
    decision = gate.decide_first(below, floor=0.85)
    assert decision.status == gate.REJECTED
    assert decision.reason == "Rejected: first package; accuracy 0.8400 on 100 rows is below the floor 0.8500"


@pytest.mark.parametrize(
    ("champion", "challenger"),
    [([True, False], [True]), ([], []), ([[True]], [[True]])],
)
def test_vectors_of_different_rows_are_refused(champion: list, challenger: list) -> None:
    with pytest.raises(ValueError, match="same rows"):
        gate.pair(np.array(champion), np.array(challenger))


def test_bad_tolerance_or_alpha_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        gate.decide(*rows(1, 0, 0, 0), tolerance=-0.1)
    with pytest.raises(ValueError, match="alpha"):
        gate.decide(*rows(1, 0, 0, 0), alpha=1.0)
