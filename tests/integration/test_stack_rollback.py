"""A model that cannot load is rolled back by SageMaker, and `terraform apply` says so instead of succeeding.

Clients call the API the whole time: the old model answers every request while the broken one fails its
health check, the apply fails naming what happened, nothing the endpoint runs on is deleted, and the next
good apply works. Both ways the aws provider can meet a rollback are driven:

- it polls only after the rollback ended (InService on the old configuration): the provider reports
  success and the module's postcondition must fail the apply (terraform-provider-aws 46663 and 48997);
- it polls while the endpoint is RollingBack: the provider fails with SageMaker's FailureReason.

Then the way back docs/operations.md gives (the previous model re-packed, so that its names are new) is
proven. At the end the stack serves the model it served before, so the test leaves the shared stack as it
found it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import requests

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws.terraform import TerraformError
from tests.integration.rollout import CLIENT_PAUSE_SECONDS
from training import artifacts

pytestmark = pytest.mark.integration

CLIENTS = 2
HEALTH_CHECK_FAILURE = "did not pass the ping health check"
# Longer than the provider's longest poll interval (10 s), so that it sees RollingBack.
OBSERVED_ROLLBACK_SECONDS = 12
RAISING_MODEL_FN = b"\n\ndef model_fn(model_dir):\n    raise RuntimeError('this model cannot load (on purpose)')\n"


def broken_model(model_tar: Path, work: Path) -> Path:
    """The same model whose model_fn raises, as a model that cannot load its weights does."""
    source = work / "broken-source"
    with tarfile.open(model_tar) as archive:
        archive.extractall(source, filter="data")
    metadata = json.loads((source / "metadata.json").read_text())
    coef = np.load(source / "coef.npy", allow_pickle=False)
    members = artifacts.model_archive_members(Vocabulary.load(source / "vocabulary.json"), coef, metadata)
    members["code/inference.py"] += RAISING_MODEL_FN
    target = work / "broken.tar.gz"
    artifacts.write_tar_gz(target, members)
    return target


class Clients:
    """Threads calling the predict URL until stopped (paced as the rollout tests' clients are); every
    (status, model_version or error) they saw."""

    def __init__(self, url: str, count: int = CLIENTS) -> None:
        self.url = url
        self.answers: list[tuple[int, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run) for _ in range(count)]

    def _run(self) -> None:
        wait = 0.0  # the first request at once, the pause before each later one
        with requests.Session() as session:
            while not self._stop.wait(wait):
                wait = CLIENT_PAUSE_SECONDS
                try:
                    response = session.post(
                        self.url, data="a great film", headers={"Content-Type": "text/plain"}, timeout=30
                    )
                    answer = (response.status_code, response.json().get("model_version", response.text))
                except (requests.RequestException, ValueError) as error:
                    answer = (0, repr(error))
                with self._lock:
                    self.answers.append(answer)

    def __enter__(self) -> Clients:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def since(self, mark: int) -> list[tuple[int, str]]:
        with self._lock:
            return list(self.answers[mark:])

    def first_answer(self, timeout: float = 30) -> str:
        """The model version of the first answer (the first call may meet a cold Lambda)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.mark():
            time.sleep(0.1)
        status, version = self.since(0)[0]
        assert status == 200, version
        return version

    def mark(self) -> int:
        with self._lock:
            return len(self.answers)


def logged_since(path: Path, offset: int) -> str:
    with path.open() as log:
        log.seek(offset)
        return log.read()


def wait_in_service(sagemaker, name: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        endpoint = sagemaker.describe_endpoint(EndpointName=name)
        if endpoint["EndpointStatus"] == "InService":
            return endpoint
        time.sleep(0.5)
    raise TimeoutError(f"endpoint {name} not InService within {timeout} s")


@pytest.fixture
def deployed_artifact(local_stack) -> Iterator[str]:
    """The artifact the stack serves now; the stack's variables of now are applied again after the test.

    The test ends by deploying the same model again (re-packed) and keeps that; only if it stopped before
    that are the variables applied again, after the endpoint has settled.
    """
    with local_stack.restoring() as change:
        yield json.loads(change.variables)["model_artifact_path"]
        serving = Path(json.loads(local_stack.layout.tfvars.read_text())["model_artifact_path"])
        if serving.name.endswith("-previous-again.tar.gz") and not local_stack.unsettled:
            change.keep()


def test_broken_model_is_rolled_back_and_the_apply_fails(local_stack, deployed_artifact, tmp_path: Path) -> None:
    sagemaker = local_stack.client("sagemaker")
    name = local_stack.info.endpoint_name
    running_config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
    broken = local_stack.keep(broken_model(Path(deployed_artifact), tmp_path))
    log = local_stack.terraform_log
    digest = hashlib.sha256(Path(deployed_artifact).read_bytes()).hexdigest()
    previous_key = next(key for key in object_keys(local_stack) if digest in key)

    with Clients(local_stack.predict_url) as clients:
        old_version = clients.first_answer()

        # 1. The rollback ends before the provider looks again: only the postcondition notices.
        offset, mark = log.stat().st_size, clients.mark()
        with local_stack.slow_sagemaker(rollback_seconds=0), pytest.raises(TerraformError):
            local_stack.apply(model_artifact_path=str(broken))
        failure = logged_since(log, offset)
        assert f"it still runs {running_config}" in failure, failure[-3000:]
        assert "FailureReason" in failure and f"/aws/sagemaker/Endpoints/{name}" in failure
        endpoint = wait_in_service(sagemaker, name)
        assert endpoint["EndpointConfigName"] == running_config
        assert HEALTH_CHECK_FAILURE in endpoint["FailureReason"]
        assert {answer for answer in clients.since(mark)} == {(200, old_version)}

        # 2. The provider polls during the rollback: it fails with SageMaker's FailureReason.
        offset, mark = log.stat().st_size, clients.mark()
        with local_stack.slow_sagemaker(rollback_seconds=OBSERVED_ROLLBACK_SECONDS), pytest.raises(TerraformError):
            local_stack.apply(model_artifact_path=str(broken))
        failure = logged_since(log, offset)
        assert "RollingBack" in failure and HEALTH_CHECK_FAILURE in failure, failure[-3000:]
        assert wait_in_service(sagemaker, name)["EndpointConfigName"] == running_config
        assert {answer for answer in clients.since(mark)} == {(200, old_version)}

        # 3. The old configuration, model and artifact still exist (the new ones were not cleaned up either).
        assert sagemaker.describe_endpoint_config(EndpointConfigName=running_config)
        assert previous_key in object_keys(local_stack), "the running model's artifact was deleted"

        # 4. The way back in docs/operations.md: the previous model with new bytes deploys like any good model.
        mark = clients.mark()
        local_stack.apply(model_artifact_path=str(local_stack.keep(recompressed(Path(deployed_artifact), tmp_path))))
        time.sleep(1)
        after_rollback = clients.since(mark)

    assert not [answer for answer in clients.answers if answer[0] != 200], "a request failed"
    assert {version for _, version in after_rollback} == {old_version}
    running = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
    assert running != running_config, "the endpoint did not switch to the re-packed model"
    configs = [c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]]
    assert [config for config in configs if config.startswith(f"{name}-")] == [running], "replaced ones stay"


def object_keys(local_stack) -> set[str]:
    listed = local_stack.client("s3").list_objects_v2(Bucket=local_stack.info.bucket_name)
    return {item["Key"] for item in listed.get("Contents", [])}


def recompressed(archive: Path, work: Path) -> Path:
    """`gzip -dc previous/model.tar.gz | gzip -1 > previous-again.tar.gz`, as docs/operations.md says."""
    target = work / "previous-again.tar.gz"
    with archive.open("rb") as source, target.open("wb") as out:
        unzip = subprocess.Popen(["gzip", "-dc"], stdin=source, stdout=subprocess.PIPE)
        subprocess.run(["gzip", "-1"], stdin=unzip.stdout, stdout=out, check=True, timeout=120)
        assert unzip.wait(timeout=120) == 0
    assert target.read_bytes() != archive.read_bytes()
    return target
