"""Serving benchmarks (`make bench`): handler compute per review without the network, the
tokeniser's share of it, cold init with a 100k-term vocabulary, zip size, request bytes against
the seed's dense CSV row, and the local endpoint's latency per review.

Sizes and the subprocess-measured cold init go into each benchmark's ``extra_info`` (saved with
``--benchmark-json``) and are printed, so the figures in docs/benchmarks.md can be copied from one run.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config

from lambda_src import tokenizer
from lambda_src.endpoint import encode_request
from lambda_src.tokenizer import Vocabulary
from scripts.package_lambda import main as package

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REVIEW = (ROOT / "tests" / "events" / "review_230_words.txt").read_text(encoding="utf-8").strip()
SEED_FEATURES = 5_000  # the seed's dense CSV row: one value per feature


class FixedAnswer:
    """Stands in for the network call only: returns a real answer recorded from the endpoint."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def invoke(self, _body: bytes) -> bytes:
        return self.body


@pytest.fixture(scope="module")
def vocabulary_100k(trained_model, tmp_path_factory) -> Path:
    """The trained vocabulary, padded with synthetic n-grams to at least 100,000 terms."""
    vocabulary = Vocabulary.load(trained_model.vocabulary)
    if len(vocabulary) >= 100_000:
        return trained_model.vocabulary
    words = [t for t in vocabulary.terms if " " not in t]
    extra = [f"{words[i % len(words)]} {words[(i * 7919) % len(words)]} x{i}" for i in range(100_000 - len(vocabulary))]
    path = tmp_path_factory.mktemp("vocab100k") / "vocabulary.json"
    Vocabulary(vocabulary.terms + tuple(extra), vocabulary.settings, vocabulary.model_version).save(path)
    return path


@pytest.fixture
def offline_handler(make_handler, trained_model, model_endpoint, load_event, lambda_context, monkeypatch):
    """The handler with the trained vocabulary whose endpoint call returns a recorded real answer, tokenising
    with the pure module as in the Lambda (whose zip has no compiled tokeniser)."""
    monkeypatch.setattr(tokenizer, "_BACKEND", tokenizer.PURE)
    handler = make_handler(trained_model.vocabulary, model_endpoint, LOG_LEVEL="WARNING")
    event = load_event("rest_post_json")
    event["body"] = json.dumps({"review": REVIEW})
    assert handler.lambda_handler(event, lambda_context)["statusCode"] == 200
    vectors = [handler.VOCABULARY.vectorize(REVIEW)]
    handler.ENDPOINT = FixedAnswer(handler.ENDPOINT.invoke(encode_request(vectors, handler.VOCABULARY.version, False)))
    return handler, event


def test_handler_compute_per_review(benchmark, offline_handler, lambda_context):
    """Everything the Lambda does for one 230-word review except the endpoint round trip."""
    handler, event = offline_handler
    response = benchmark(handler.lambda_handler, event, lambda_context)
    assert response["statusCode"] == 200


def test_tokeniser_share_per_review(benchmark, offline_handler):
    """vectorize() alone: the 1-3-gram tokeniser and vocabulary lookup (lambda_src/tokenizer.py, pure)."""
    handler, _ = offline_handler
    vector = benchmark(handler.VOCABULARY.vectorize, REVIEW)
    benchmark.extra_info["known_terms"] = len(vector.indices)


def test_handler_compute_without_tokeniser(benchmark, offline_handler, lambda_context, monkeypatch):
    """The handler's own work (event, validation, JSON, response, log line) with vectors precomputed."""
    handler, event = offline_handler
    vectors = handler.vectorize(handler.parse_review_request("application/json", event["body"].encode()))
    monkeypatch.setattr(handler, "vectorize", lambda _request: vectors)
    response = benchmark(handler.lambda_handler, event, lambda_context)
    assert response["statusCode"] == 200


COLD_INIT = """
import time
t0 = time.perf_counter()
import boto3
t1 = time.perf_counter()
import lambda_src.handler as h
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, len(h.VOCABULARY))
"""


def test_cold_init_with_100k_terms(benchmark, vocabulary_100k, capsys):
    """A fresh interpreter importing lambda_src.handler: boto3, then our modules, client and vocabulary.

    The benchmark's own time includes interpreter start-up; the in-process split is in extra_info.
    """
    env = {
        "SAGEMAKER_ENDPOINT_NAME": "imdb-sentiment", "VOCABULARY_PATH": str(vocabulary_100k),
        "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    runs: list[tuple[float, float]] = []

    def cold_start() -> None:
        out = subprocess.run([sys.executable, "-c", COLD_INIT], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True, timeout=120).stdout.split()  # fmt: skip
        assert int(out[2]) >= 100_000
        runs.append((float(out[0]), float(out[1])))

    benchmark.pedantic(cold_start, rounds=7, iterations=1)
    boto3_ms = round(statistics.median(r[0] for r in runs) * 1000, 1)
    handler_ms = round(statistics.median(r[1] for r in runs) * 1000, 1)
    total_ms = round(statistics.median(sum(r) for r in runs) * 1000, 1)
    benchmark.extra_info.update(boto3_import_ms=boto3_ms, handler_import_ms=handler_ms, total_ms=total_ms)
    with capsys.disabled():
        print(
            f"\ncold init medians: import boto3 {boto3_ms} ms; then lambda_src.handler (modules, client, "
            f"100k-term vocabulary) {handler_ms} ms; total {total_ms} ms"
        )


def test_vocabulary_load_100k_terms(benchmark, vocabulary_100k):
    vocabulary = benchmark(Vocabulary.load, vocabulary_100k)
    benchmark.extra_info["terms"] = len(vocabulary)


def test_zip_build_and_size(benchmark, trained_model, tmp_path, capsys):
    output = tmp_path / "lambda.zip"
    args = ["--vocabulary", str(trained_model.vocabulary), "--output", str(output)]
    benchmark.pedantic(package, args=(args,), rounds=3, iterations=1)
    benchmark.extra_info["zip_bytes"] = output.stat().st_size
    benchmark.extra_info["vocabulary_bytes"] = trained_model.vocabulary.stat().st_size
    with capsys.disabled():
        print(
            f"\nzip: {output.stat().st_size} bytes ({trained_model.vocabulary.stat().st_size} bytes of vocabulary JSON)"
        )


def test_request_bytes_against_the_seeds_dense_row(benchmark, trained_model, capsys):
    vocabulary = Vocabulary.load(trained_model.vocabulary)
    vector = vocabulary.vectorize(REVIEW)
    sparse = benchmark(encode_request, [vector], vocabulary.version, False)
    dense_ints = len(",".join(["0"] * SEED_FEATURES))
    dense_floats = len(",".join(["0.0"] * SEED_FEATURES))
    benchmark.extra_info.update(
        sparse_bytes=len(sparse), dense_csv_bytes=dense_ints, dense_float_csv_bytes=dense_floats
    )
    with capsys.disabled():
        print(f"\nrequest bytes: sparse JSON {len(sparse)} ({len(vector.indices)} terms) vs dense 5,000-value CSV "
              f"{dense_ints} (0/1) to {dense_floats} (0.0/1.0)")  # fmt: skip


def test_local_endpoint_latency_per_review(benchmark, model_endpoint, trained_model):
    """One review through boto3 to the local endpoint and the real model (loopback network included)."""
    vocabulary = Vocabulary.load(trained_model.vocabulary)
    body = encode_request([vocabulary.vectorize(REVIEW)], vocabulary.version, False)
    client = boto3.client(
        "sagemaker-runtime", endpoint_url=model_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing", config=Config(tcp_keepalive=True),
    )  # fmt: skip

    def invoke() -> bytes:
        return client.invoke_endpoint(EndpointName="imdb-sentiment", Body=body, ContentType="application/json")[
            "Body"
        ].read()

    assert json.loads(benchmark(invoke))["predictions"][0]["label"] == "positive"


def test_local_container_latency_per_review(benchmark, model_endpoint, trained_model):
    """The same review straight to /invocations (no SigV4 signing): the model server's own latency."""
    vocabulary = Vocabulary.load(trained_model.vocabulary)
    body = encode_request([vocabulary.vectorize(REVIEW)], vocabulary.version, False)
    session = requests.Session()

    def post() -> int:
        return session.post(f"{model_endpoint}/invocations", data=body,
                            headers={"Content-Type": "application/json"}, timeout=10).status_code  # fmt: skip

    assert benchmark(post) == 200
