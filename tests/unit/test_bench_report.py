"""scripts/bench_report.py: pytest-benchmark JSON into docs/benchmarks.md, between its markers and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.bench_report import BEGIN, END, duration, main

ROOT = Path(__file__).resolve().parents[2]

# The shape pytest-benchmark 5.1 writes with --benchmark-json (trimmed: fewer stats, no raw data).
RESULTS = {
    "machine_info": {"python_version": "3.11.7", "cpu": {"count": 2}, "load_average": [3.5, 2.25, 1.0]},
    "commit_info": {"id": "0123456789abcdef", "dirty": True},
    "datetime": "2026-12-05T08:00:00.000000+00:00",
    "version": "5.1.0",
    "benchmarks": [
        {
            "name": "test_zip_size",
            "fullname": "tests/benchmarks/test_serving_bench.py::test_zip_size",
            "extra_info": {"zip_bytes": 400939},
            "stats": {"min": 0.000125, "median": 0.00128, "max": 0.002, "rounds": 12},
        },
        {
            "name": "test_tokeniser_against_the_frozen_copy",
            "fullname": "tests/benchmarks/test_tokenizer_bench.py::test_tokeniser_against_the_frozen_copy",
            "extra_info": {
                "vectorize x1000 reviews": {
                    "frozen_us": 709.0,
                    "pure_us": 544.5,
                    "compiled_us": 272.0,
                    "frozen_reviews_per_s": 1410,
                    "pure_reviews_per_s": 1836,
                    "compiled_reviews_per_s": 3676,
                    "pure_ratio": 1.3,
                    "compiled_ratio": 2.61,
                }
            },
            "stats": {"min": 0.272, "median": 1.5, "max": 1.5, "rounds": 1},
        },
    ],
}

PAGE = f"# Benchmarks\n\nHand-written analysis.\n\n{BEGIN}\nold figures\n{END}\n\n| kept | table |\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    source, doc = tmp_path / "benchmarks.json", tmp_path / "benchmarks.md"
    source.write_text(json.dumps(RESULTS), encoding="utf-8")
    doc.write_text(PAGE, encoding="utf-8")
    return source, doc


def run(source: Path, doc: Path) -> int:
    return main(["--json", str(source), "--doc", str(doc)])


def test_figures_replace_only_what_lies_between_the_markers(files: tuple[Path, Path]) -> None:
    source, doc = files
    assert run(source, doc) == 0
    page = doc.read_text(encoding="utf-8")
    before, rest = page.split(BEGIN)
    generated, after = rest.split(END)
    assert before == PAGE.split(BEGIN)[0] and after == PAGE.split(END)[1]
    assert "old figures" not in generated
    assert "| `test_zip_size` | 1.28 ms | 125 µs | 12 |" in generated
    assert "| `test_tokeniser_against_the_frozen_copy` | 1.5 s | 272 ms | 1 |" in generated
    assert (
        "| `test_tokeniser_against_the_frozen_copy` | vectorize x1000 reviews | frozen 709.0 µs; "
        "pure 544.5 µs (**1.30×**); compiled 272.0 µs (**2.61×**) |"
    ) in generated
    assert "load average 3.50 / 2.25 / 1.00" in generated and "commit 0123456 with uncommitted changes" in generated


def test_a_second_run_replaces_the_first(files: tuple[Path, Path]) -> None:
    source, doc = files
    assert run(source, doc) == 0
    first = doc.read_text(encoding="utf-8")
    assert run(source, doc) == 0
    assert doc.read_text(encoding="utf-8") == first
    assert first.count("test_zip_size") == 1


def test_without_ratios_there_is_no_ratio_table(files: tuple[Path, Path]) -> None:
    source, doc = files
    source.write_text(json.dumps({**RESULTS, "benchmarks": RESULTS["benchmarks"][:1]}), encoding="utf-8")
    assert run(source, doc) == 0
    page = doc.read_text(encoding="utf-8")
    assert "test_zip_size" in page and "baseline" not in page


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("# Benchmarks\n\nno markers\n", "found 0 and 0"),
        (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", "found 2 and 2"),
        (f"{BEGIN}\nonly the start\n", "found 1 and 0"),
        (f"{END}\n{BEGIN}\n", "comes before"),
    ],
)
def test_a_page_without_one_pair_of_markers_is_refused(
    files: tuple[Path, Path], page: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    source, doc = files
    doc.write_text(page, encoding="utf-8")
    assert run(source, doc) == 2
    assert message in capsys.readouterr().err
    assert doc.read_text(encoding="utf-8") == page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found: run the benchmarks with --benchmark-json"),
        ("{not json", "is not pytest-benchmark JSON"),
        (json.dumps({**RESULTS, "benchmarks": []}), "has no benchmarks"),
        (json.dumps({**RESULTS, "benchmarks": [{"name": "x", "stats": {"min": 1}}]}), "without median, min and rounds"),
    ],
)
def test_unusable_results_are_refused(
    files: tuple[Path, Path], content: str | None, message: str, capsys: pytest.CaptureFixture
) -> None:
    source, doc = files
    if content is None:
        source.unlink()
    else:
        source.write_text(content, encoding="utf-8")
    assert run(source, doc) == 2
    assert message in capsys.readouterr().err
    assert doc.read_text(encoding="utf-8") == PAGE


@pytest.mark.parametrize(
    ("seconds", "text"), [(61.5, "61.5 s"), (1.0, "1 s"), (0.0128, "12.8 ms"), (4.2e-5, "42 µs"), (5e-8, "50 ns")]
)
def test_durations_are_shown_in_a_readable_unit(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_the_benchmarks_page_has_the_markers() -> None:
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert page.count(BEGIN) == 1 and page.count(END) == 1 and page.index(BEGIN) < page.index(END)
