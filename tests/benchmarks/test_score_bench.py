"""`make score` against the API (`make bench`): throughput and CPU side by side in one run, and peak memory.

- the 25,000 official test reviews scored by `make score` on this machine (every core), wall clock from
  start to finished output, against the same reviews through the local stack's API (API Gateway ->
  Lambda -> endpoint) in batches of 25 at concurrency 8, after a warm-up. Beside the wall clock, the CPU
  time each path spends per review (all of `make score`'s processes; all of the stack's: LocalStack,
  the Lambda environments, the model server), which a busy shared machine does not distort: the
  scheduler shares the cores per process, and the stack runs many more processes than `make score`;
- peak memory of `make score` (the RSS of the whole process tree, sampled every 50 ms) on those 25,000
  reviews and on 250,000 (the test set repeated ten times): streaming should keep it flat.

The stack is the integration tests' own (started on a free port, stopped by PID). Nothing about speed is
asserted; the run checks only that both paths answered every review with the same score. The figures
go into ``extra_info``, are printed, and are kept in test-results/score-bench.json.
"""

from __future__ import annotations

import json
import os
import signal
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
MAKE_SCORE_TIMEOUT_SECONDS = 600


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
    process = subprocess.Popen(
        command + ["ARGS=--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    peak, cpu_ticks = 0, {}
    deadline = started + MAKE_SCORE_TIMEOUT_SECONDS
    while process.poll() is None:
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)  # make and the scorer's workers
            process.wait(timeout=10)
            raise TimeoutError(f"make score did not finish within {MAKE_SCORE_TIMEOUT_SECONDS} s")
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


def tree_cpu_ticks(roots: list[int]) -> dict[int, int]:
    """CPU time so far (user + system, and of reaped children) of every process in the trees of ``roots``."""
    ticks = {}
    for root in roots:
        for pid in process_tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            ticks[pid] = sum(int(value) for value in fields[11:15])
    return ticks


def run_api(stack: Any, texts: list[str]) -> dict[str, Any]:
    """Wall seconds, scores in order, errors and CPU seconds of the stack's processes (LocalStack, the
    Lambda environments, the model server) and of this client, for ``texts`` in batches of 25 at
    concurrency 8 after a warm-up."""
    local = threading.local()

    def one(start: int) -> tuple[list[float], str | None]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        batch = texts[start : start + API_BATCH]
        response = session.post(stack.predict_url, json={"reviews": batch}, timeout=60)
        if response.status_code != 200:
            return [float("nan")] * len(batch), f"HTTP {response.status_code}: {response.text[:100]}"
        return [result["score"] for result in response.json()["results"]], None

    with ThreadPoolExecutor(API_CONCURRENCY) as pool:
        list(pool.map(one, range(0, API_BATCH * API_CONCURRENCY, API_BATCH)))  # warm-up: start the Lambdas
        stack_before = tree_cpu_ticks(list(stack.recorded_pids("").values()))
        client_before = time.process_time()
        started = time.perf_counter()
        outcomes = list(pool.map(one, range(0, len(texts), API_BATCH)))
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_before
        stack_after = tree_cpu_ticks(list(stack.recorded_pids("").values()))
    stack_cpu = sum(ticks - stack_before.get(pid, 0) for pid, ticks in stack_after.items()) / CLOCK_TICKS
    return {
        "seconds": seconds,
        "scores": [score for scores, _ in outcomes for score in scores],
        "errors": [error for _, error in outcomes if error],
        "stack_cpu_seconds": stack_cpu,
        "client_cpu_seconds": client_cpu,
    }


def write_reviews(path: Path, texts: list[str], repeats: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for repeat in range(repeats):
            for number, text in enumerate(texts):
                out.write(json.dumps({"id": f"{repeat}-{number}", "review": text}) + "\n")
    return path


@pytest.fixture(scope="module")
def test_reviews(imdb_folder: Path) -> list[str]:
    return load_split(imdb_folder, "test").texts


def report(name: str, figures: dict[str, Any]) -> None:
    """Print the figures and keep them in test-results/score-bench.json under ``name``."""
    path = ROOT / "test-results" / "score-bench.json"
    path.parent.mkdir(exist_ok=True)
    saved = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**saved, name: figures}, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


def test_make_score_against_the_api(benchmark, local_stack, test_reviews: list[str], tmp_path: Path) -> None:  # noqa: F811
    source = write_reviews(tmp_path / "test-25k.jsonl", test_reviews, 1)
    local = benchmark.pedantic(run_make_score, (source, tmp_path / "scores.jsonl", local_stack.model_tar), rounds=1)
    api = run_api(local_stack, test_reviews)

    local_scores = [json.loads(line)["score"] for line in (tmp_path / "scores.jsonl").open()]
    assert not api["errors"], api["errors"][:3]
    assert len(local_scores) == len(api["scores"]) == len(test_reviews)
    assert max(abs(a - b) for a, b in zip(local_scores, api["scores"], strict=True)) < 1e-9

    reviews = len(test_reviews)
    figures = {
        "reviews": reviews,
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_1min_at_end": os.getloadavg()[0],
        "make_score_seconds": round(local["seconds"], 2),
        "make_score_reviews_per_s": round(reviews / local["seconds"], 1),
        "api_seconds": round(api["seconds"], 2),
        "api_reviews_per_s": round(reviews / api["seconds"], 1),
        "api_requests_per_s": round(reviews / API_BATCH / api["seconds"], 1),
        "wall_clock_ratio": round(api["seconds"] / local["seconds"], 2),
        "make_score_cpu_ms_per_review": round(local["cpu_seconds"] / reviews * 1000, 3),
        "api_stack_cpu_ms_per_review": round(api["stack_cpu_seconds"] / reviews * 1000, 3),
        "api_client_cpu_ms_per_review": round(api["client_cpu_seconds"] / reviews * 1000, 3),
        "cpu_ratio": round(api["stack_cpu_seconds"] / local["cpu_seconds"], 2),
        "make_score_peak_rss_mb": round(local["peak_rss_mb"], 1),
        "make_score_summary": local["summary"],
    }
    benchmark.extra_info.update(figures)
    report("make_score_vs_api", figures)


def test_make_score_memory_stays_flat(benchmark, trained_model, test_reviews: list[str], tmp_path: Path) -> None:
    small = write_reviews(tmp_path / "test-25k.jsonl", test_reviews, 1)
    large = write_reviews(tmp_path / "test-250k.jsonl", test_reviews, REPEATS)
    runs = {}
    for name, source in (("25k", small), ("250k", large)):
        runs[name] = run_make_score(source, tmp_path / f"scores-{name}.jsonl", trained_model.model_tar)
        assert sum(1 for _ in (tmp_path / f"scores-{name}.jsonl").open()) == len(test_reviews) * (
            1 if name == "25k" else REPEATS
        )
    benchmark.pedantic(lambda: None, rounds=1)  # the figures are the runs above, in extra_info
    figures = {
        f"{name}_{key}": round(run[key], 3) if isinstance(run[key], float) else run[key]
        for name, run in runs.items()
        for key in ("seconds", "peak_rss_mb", "cpu_seconds", "summary")
    }
    benchmark.extra_info.update(figures)
    report("make_score_memory", figures)
