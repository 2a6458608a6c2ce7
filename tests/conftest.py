"""Shared fixtures: the real IMDB data and trained models, sample API Gateway events, a fake Lambda
context, the handler built from an environment and the local SageMaker endpoint serving the model.

Hypothesis profiles: ``ci`` (the default, what `make test` runs) and ``thorough`` (at least 10,000
examples per property, what `make fuzz` runs), chosen with ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sklearn.linear_model import LogisticRegression

from lambda_src.tokenizer import TokenizerSettings, Vocabulary, analyze
from scripts.local_aws.environments import ensure_serving_environment
from scripts.local_aws.layout import Layout
from training import data
from training.artifacts import code_members, model_version, write_model
from training.cli import main as train_main

# Chromium driven by Playwright, for tests/browser/ and the page's real-API test beside the local stack fixture.
pytest_plugins = ["tests.browser.fixtures"]

# Function-scoped fixtures (a handler per test) are shared by a property's examples like a warm container.
_PROPERTY_DEFAULTS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
hypothesis_settings.register_profile("ci", max_examples=300, **_PROPERTY_DEFAULTS)
hypothesis_settings.register_profile("thorough", max_examples=10_000, **_PROPERTY_DEFAULTS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).resolve().parent / "events"
ALLOWED_ORIGIN = "https://app.example.com"


# The stack modules that take longest (their own stacks, or several applies), longest first, as `make test`'s
# --durations showed them: `make test-with-stack` hands whole modules to its workers in collection order, so
# these start first rather than one of them finishing alone at the end. Own-stack and shared-stack modules
# alternate, so that one worker may run only stacks of their own and never deploy the session's stack.
LONGEST_STACK_MODULES = (
    "test_stack_fresh_account.py",
    "test_stack_promotion.py",
    "test_stack_model_registry.py",
    "test_stack_real_time.py",
    "test_stack_rollback.py",
    "test_stack_rollout_code.py",
    "test_stack_state_backend.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``stack`` every test that deploys to LocalStack (every such fixture builds on ``stack_artifacts``),
    and put LONGEST_STACK_MODULES first, in that order (the others keep theirs).

    `make test` runs the stack tests (with workers) beside the other tests and the Terraform checks: each stack
    runs Terraform in its own copy of terraform/ (scripts/local_aws/configuration_tree.py).
    """
    for item in items:
        if "stack_artifacts" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)
    rank = {name: position for position, name in enumerate(LONGEST_STACK_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_benchmark_update_machine_info(machine_info: dict[str, Any]) -> None:
    """The load average when the benchmark JSON is written (scripts/bench_report.py prints it with the figures)."""
    machine_info["load_average"] = [round(value, 2) for value in os.getloadavg()]


def _load_event(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def load_event() -> Callable[[str], dict[str, Any]]:
    """Read tests/events/<name>.json (a fresh copy each call, so tests may edit it)."""
    return _load_event


@dataclass
class FakeLambdaContext:
    """The attributes of the Lambda context object the handler reads."""

    function_name: str = "imdb-sentiment-predict"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:imdb-sentiment-predict"
    aws_request_id: str = "52fdfc07-2182-454f-963f-5f0f9a621d72"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


@pytest.fixture(scope="session")
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def make_handler(monkeypatch: pytest.MonkeyPatch) -> Callable[..., ModuleType]:
    """Import lambda_src.handler afresh (a cold start) with the given vocabulary, endpoint and settings."""

    def make(vocabulary: Path, endpoint_url: str = "http://127.0.0.1:9", **settings: str) -> ModuleType:
        environment = {
            "SAGEMAKER_ENDPOINT_NAME": "imdb-sentiment",
            "SAGEMAKER_RUNTIME_ENDPOINT_URL": endpoint_url,
            "VOCABULARY_PATH": str(vocabulary),
            "ALLOWED_ORIGINS": ALLOWED_ORIGIN,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "ENDPOINT_MAX_ATTEMPTS": "1",
            **settings,
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        module = sys.modules.get("lambda_src.handler")
        return importlib.reload(module) if module else importlib.import_module("lambda_src.handler")

    return make


@dataclass(frozen=True)
class TrainedModel:
    model_tar: Path
    vocabulary: Path


@pytest.fixture(scope="session")
def trained_model(full_artifacts: Path) -> TrainedModel:
    """The full model of `make train` (trained once if artifacts/ is empty): serving tests use the real model."""
    return TrainedModel(full_artifacts / "model.tar.gz", full_artifacts / "vocabulary.json")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def serving_python() -> Path:
    """.venv-serving's Python (the serving image's Python and library), built first if it is missing or stale."""
    layout = Layout()
    ensure_serving_environment(layout)
    return layout.serving_python


@contextlib.contextmanager
def served(
    python: Path, model: Path, folder: Path, *options: str, environment: dict[str, str] | None = None
) -> Iterator[str]:
    """scripts/serve_endpoint.py (the image's serving library under gunicorn) serving ``model``; its base URL.

    Its log is ``folder/serve.log``; the server is stopped (SIGTERM to its process group, then SIGKILL) even
    when the test fails.
    """
    port = free_port()
    cache = folder / "model-cache"
    cache.mkdir(mode=0o700, exist_ok=True)
    command = [str(python), "-m", "scripts.serve_endpoint", "--model", str(model), "--port", str(port),
               "--workers", "1", "--cache-dir", str(cache), *options]  # fmt: skip
    env = {**os.environ, **(environment or {})}
    with (folder / "serve.log").open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/ping", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):  # gunicorn's master stops its workers on SIGTERM
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def model_endpoint(
    trained_model: TrainedModel, serving_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The trained model.tar.gz served by the serving image's library on a free port; its base URL."""
    with served(serving_python, trained_model.model_tar, tmp_path_factory.mktemp("endpoint")) as url:
        yield url


@pytest.fixture(scope="session")
def tiny_endpoint(
    tiny_model_dir: Path, serving_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The tiny model served by the serving image's library (endpoint name ``imdb-sentiment``); its base URL."""
    folder = tmp_path_factory.mktemp("tiny-endpoint")
    with served(serving_python, tiny_model_dir, folder, "--endpoint-name", "imdb-sentiment",
                environment={"AWS_DEFAULT_REGION": "eu-west-1"}) as url:  # fmt: skip
        yield url


@dataclass(frozen=True)
class Served:
    """An answer of the endpoint: status, body and content type."""

    status: int
    body: bytes
    content_type: str

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: bytes | str, content_type: str | None, accept: str | None = "application/json") -> Served:
    """One POST to a served endpoint; its answer whatever the status."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    headers = {key: value for key, value in (("Content-Type", content_type), ("Accept", accept)) if value}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Served(response.status, response.read(), response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as error:
        with error:
            return Served(error.code, error.read(), error.headers.get("Content-Type", ""))


def transform(inference: ModuleType, model: Any, body: bytes | str, content_type: str,
              accept: str = "application/json") -> Served:  # fmt: skip
    """``inference.transform_fn`` called in-process as the container calls it; the response it returns."""
    response = inference.transform_fn(model, body, content_type, accept)
    return Served(response.status_code, response.get_data(), response.mimetype)


@pytest.fixture(scope="session")
def imdb_folder() -> Path:
    """The extracted IMDB data (verified by sha256, extracted once into the project cache)."""
    try:
        return data.resolve(None)
    except data.DataError as exc:
        pytest.fail(f"the IMDB data is needed: {exc}")


@pytest.fixture(scope="session")
def quick_artifacts(tmp_path_factory: pytest.TempPathFactory, imdb_folder: Path) -> Path:
    """A small real model (2,000 reviews, 20,000 terms) trained once per session: for fast tests."""
    out = tmp_path_factory.mktemp("quick-model")
    assert train_main(["--quick", "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def full_artifacts(imdb_folder: Path) -> Path:
    """The full model in artifacts/, trained with the defaults if `make train` has not run."""
    artifacts = ROOT / "artifacts"
    if not all((artifacts / name).is_file() for name in ("model.tar.gz", "vocabulary.json", "metrics.json")):
        assert train_main(["--output", str(artifacts)]) == 0
    stale = stale_code(artifacts / "model.tar.gz")
    if stale:
        pytest.fail(f"artifacts/model.tar.gz ships serving code older than the repository's ({', '.join(stale)}); "
                    "the container runs the archive's own code: run `make train`")  # fmt: skip
    return artifacts


def stale_code(model_tar: Path) -> list[str]:
    """The archive's ``code/`` files that differ from, miss or are not in what `make train` ships from this
    repository (an archive of an older layout, such as ``code/training/serving/``, has all three)."""
    with tarfile.open(model_tar) as archive:
        shipped = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.name.startswith("code/")}
    expected = code_members()
    return sorted(name for name in shipped.keys() | expected.keys() if shipped.get(name) != expected.get(name))


def extract_model(archive: Path, dest: Path) -> Path:
    """Unpack model.tar.gz as SageMaker does into /opt/ml/model."""
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return dest


@pytest.fixture(scope="session")
def quick_model_dir(quick_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick model.tar.gz extracted, as the serving container sees it."""
    return extract_model(quick_artifacts / "model.tar.gz", tmp_path_factory.mktemp("quick-model-dir"))


def load_inference(model_dir: Path) -> ModuleType:
    """Import ``model_dir/code/inference.py`` as the container does: module ``inference`` with code/ on sys.path."""
    code = str(model_dir / "code")
    sys.path.insert(0, code)
    spec = importlib.util.spec_from_file_location("inference", model_dir / "code" / "inference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["inference"] = module  # dataclasses resolve their module while the class is created
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(code)
        del sys.modules["inference"]
    return module


TINY_REVIEWS = [
    ("a wonderful film, i loved it", 1),
    ("great acting and a moving story", 1),
    ("brilliant, beautiful and superb", 1),
    ("an awful, boring film", 0),
    ("terrible acting, a waste of time", 0),
    ("a bad plot; i hated it", 0),
]


def build_tiny_model(folder: Path) -> Path:
    """A real logistic regression fitted on six reviews, written unpacked in the model.tar.gz layout.

    For unit and property tests of inference.py and serve_endpoint.py: the same code paths as the
    full model (model_fn, real scores and explanations) in milliseconds instead of a training run.
    """
    settings = TokenizerSettings(1, 2)
    vocabulary = Vocabulary(tuple(sorted({g for text, _ in TINY_REVIEWS for g in _grams(text, settings)})), settings)
    matrix = np.array(
        [[1.0 if t in _grams(text, settings) else 0.0 for t in vocabulary.terms] for text, _ in TINY_REVIEWS]
    )
    fitted = LogisticRegression(C=10.0, random_state=0).fit(matrix, [label for _, label in TINY_REVIEWS])
    coef, intercept = fitted.coef_[0], float(fitted.intercept_[0])
    version = model_version(vocabulary.version, coef, intercept)
    vocabulary = Vocabulary(vocabulary.terms, settings, model_version=version)
    model_dir = folder / "model"
    write_model(folder, vocabulary, coef, {"intercept": intercept, "model_version": version}, model_dir=model_dir)
    return model_dir


def _grams(text: str, settings: TokenizerSettings) -> set[str]:
    return set(analyze(text, settings))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny real model unpacked (``code/``, ``vocabulary.json``, ``coef.npy``) as the container sees it."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def read_metrics(artifacts: Path) -> dict:
    return json.loads((artifacts / "metrics.json").read_text())
