"""`make score` against the API (`make bench`): throughput side by side in one run, and peak memory.

- the 25,000 official test reviews scored by `make score` on this machine (every core), wall clock from
  start to finished output, against the same reviews through the local stack's API (API Gateway ->
  Lambda -> endpoint) in batches of 25 at concurrency 8, after a warm-up;
- peak memory of `make score` (the RSS of the whole process tree, sampled every 50 ms) on those 25,000
  reviews and on 250,000 (the test set repeated ten times): streaming should keep it flat.

The stack is the integration tests' own (started on a free port, stopped by PID). Nothing about speed is
asserted; the run checks only that both paths answered every review with the same score. The figures
go into ``extra_info``, are printed, and are written to test-results/score-bench.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.integration.conftest import local_stack, stack_artifacts  # noqa: F401 (fixtures)
from training.data import load_split

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
API_BATCH = 25
API_CONCURRENCY = 8
REPEATS = 10
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants now (from each task's /proc children list)."""
    tree = [root]
    for pid in tree:  # grows while it is walked
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                tree.extend(int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue  # exited since it was listed
    return tree


def sample(tree: list[int], cpu_ticks: dict[int, int]) -> int:
    """Bytes resident in ``tree`` now; records each process's CPU time so far (user + system) in ``cpu_ticks``."""
    resident = 0
    for pid in tree:
        try:
            resident += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited between the listing and the read
        cpu_ticks[pid] = max(cpu_ticks.get(pid, 0), int(fields[11]) + int(fields[12]))
    return resident


def run_make_score(source: Path, output: Path, model: Path) -> dict[str, Any]:
    """Wall seconds, peak tree RSS and CPU seconds (all processes, sampled every 50 ms) of `make score`."""
    command = ["make", "--no-print-directory", "score", f"INPUT={source}", f"OUTPUT={output}", f"MODEL={model}"]
    started = time.perf_counter()
    process = subprocess.Popen(command + ["ARGS=--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    peak, cpu_ticks = 0, {}
    while process.poll() is None:
        peak = max(peak, sample(process_tree(process.pid), cpu_ticks))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    summary = process.stderr.read()
    assert process.returncode == 0, summary
    return {
        "seconds": seconds,
        "peak_rss_mb": peak / 2**20,
        "cpu_seconds": sum(cpu_ticks.values()) / CLOCK_TICKS,
        "summary": summary.strip().splitlines()[-1],
    }


def run_api(url: str, texts: list[str]) -> tuple[float, list[float], list[str]]:
    """(wall seconds, scores in order, errors) for ``texts`` in batches of 25 at concurrency 8."""
    local = threading.local()

    def one(start: int) -> tuple[list[float], str | None]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        batch = texts[start : start + API_BATCH]
        response = session.post(url, json={"reviews": batch}, timeout=60)
        if response.status_code != 200:
            return [float("nan")] * len(batch), f"HTTP {response.status_code}: {response.text[:100]}"
        return [result["score"] for result in response.json()["results"]], None

    with ThreadPoolExecutor(API_CONCURRENCY) as pool:
        list(pool.map(one, range(0, API_BATCH * API_CONCURRENCY, API_BATCH)))  # warm-up: start the Lambdas
        started = time.perf_counter()
        outcomes = list(pool.map(one, range(0, len(texts), API_BATCH)))
    seconds = time.perf_counter() - started
    return seconds, [score for scores, _ in outcomes for score in scores], [error for _, error in outcomes if error]


def write_reviews(path: Path, texts: list[str], repeats: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for repeat in range(repeats):
            for number, text in enumerate(texts):
                out.write(json.dumps({"id": f"{repeat}-{number}", "review": text}) + "\n")
    return path


def test_make_score_against_the_api(benchmark, local_stack, imdb_folder: Path, tmp_path: Path) -> None:  # noqa: F811
    texts = load_split(imdb_folder, "test").texts
    small = write_reviews(tmp_path / "test-25k.jsonl", texts, 1)
    large = write_reviews(tmp_path / "test-250k.jsonl", texts, REPEATS)
    model = local_stack.model_tar

    score_25k = benchmark.pedantic(run_make_score, (small, tmp_path / "scores-25k.jsonl", model), rounds=1)
    api_seconds, api_scores, api_errors = run_api(local_stack.predict_url, texts)
    score_250k = run_make_score(large, tmp_path / "scores-250k.jsonl", model)

    local_scores = [json.loads(line)["score"] for line in (tmp_path / "scores-25k.jsonl").open()]
    assert not api_errors, api_errors[:3]
    assert len(local_scores) == len(api_scores) == len(texts)
    assert max(abs(a - b) for a, b in zip(local_scores, api_scores, strict=True)) < 1e-9
    assert sum(1 for _ in (tmp_path / "scores-250k.jsonl").open()) == len(texts) * REPEATS

    figures = {
        "reviews": len(texts),
        "make_score_seconds": round(score_25k["seconds"], 2),
        "make_score_reviews_per_s": round(len(texts) / score_25k["seconds"], 1),
        "api_seconds": round(api_seconds, 2),
        "api_reviews_per_s": round(len(texts) / api_seconds, 1),
        "api_requests_per_s": round(len(texts) / API_BATCH / api_seconds, 1),
        "speedup": round(api_seconds / score_25k["seconds"], 1),
        "peak_rss_mb_25k": round(score_25k["peak_rss_mb"], 1),
        "peak_rss_mb_250k": round(score_250k["peak_rss_mb"], 1),
        "make_score_250k_seconds": round(score_250k["seconds"], 2),
        "make_score_cpu_ms_per_review_25k": round(score_25k["cpu_seconds"] / len(texts) * 1000, 3),
        "make_score_cpu_ms_per_review_250k": round(score_250k["cpu_seconds"] / (len(texts) * REPEATS) * 1000, 3),
        "make_score_summary_25k": score_25k["summary"],
        "make_score_summary_250k": score_250k["summary"],
        "cpus": len(os.sched_getaffinity(0)),
    }
    benchmark.extra_info.update(figures)
    report = ROOT / "test-results" / "score-bench.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
