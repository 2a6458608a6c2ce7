"""A new model artifact is rolled out by `terraform apply` while clients keep calling: no request fails."""

from __future__ import annotations

import json
import tarfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import requests

from lambda_src.tokenizer import Vocabulary
from training import artifacts

pytestmark = pytest.mark.integration

CLIENTS = 2
AFTER_APPLY_SECONDS = 2.0
# The emulation stops the old server 2 s after the new one is in service (its drain), gives gunicorn 10 s to
# finish in-flight requests, then kills it: retired within this, or not at all.
RETIRE_SECONDS = 30.0


def model_servers_once_retired(local_stack) -> dict[str, int]:
    """The endpoint's running model servers, once there is one left or RETIRE_SECONDS have passed."""
    deadline = time.monotonic() + RETIRE_SECONDS
    while len(servers := local_stack.recorded_pids("endpoint-")) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    return servers


def second_model(model_tar: Path, work: Path) -> tuple[Path, str]:
    """Another real model over the same vocabulary (intercept moved), written by the project's artifact code.

    Sharing the vocabulary keeps the deployed Lambda compatible, which is the case a zero-downtime rollout
    covers; a new vocabulary needs a new Lambda package as well (the Lambda answers 503 meanwhile).
    """
    source = work / "source"
    with tarfile.open(model_tar) as archive:
        archive.extractall(source, filter="data")
    metadata = json.loads((source / "metadata.json").read_text())
    coef = np.load(source / "coef.npy", allow_pickle=False)
    vocabulary = Vocabulary.load(source / "vocabulary.json")
    intercept = float(metadata["intercept"]) + 0.25
    version = artifacts.model_version(vocabulary.version, coef, intercept)
    metadata.update(intercept=intercept, model_version=version)
    renamed = Vocabulary(vocabulary.terms, vocabulary.settings, model_version=version)
    target = work / "model.tar.gz"
    artifacts.write_tar_gz(target, artifacts.model_archive_members(renamed, coef, metadata))
    return target, version


def test_model_update_without_downtime(local_stack, tmp_path: Path) -> None:
    old_version = local_stack.metrics["model_version"]
    new_tar, new_version = second_model(local_stack.artifacts / "model.tar.gz", tmp_path)
    assert new_version != old_version

    stop = threading.Event()
    answers: list[list[tuple[int, str]]] = [[] for _ in range(CLIENTS)]

    def client(seen: list[tuple[int, str]]) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    response = session.post(
                        local_stack.predict_url, data="a great film", headers={"Content-Type": "text/plain"}, timeout=30
                    )
                    seen.append((response.status_code, response.json().get("model_version", response.text)))
                except (requests.RequestException, ValueError) as error:
                    seen.append((0, repr(error)))

    threads = [threading.Thread(target=client, args=(seen,)) for seen in answers]
    # The stack is shared: the model of before is deployed again at the end, whatever happens.
    with local_stack.restoring():
        for thread in threads:
            thread.start()
        try:
            local_stack.apply(model_artifact_path=str(local_stack.keep(new_tar)))
            time.sleep(AFTER_APPLY_SECONDS)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            serving = local_stack.client("sagemaker").describe_endpoint(EndpointName=local_stack.info.endpoint_name)
            model_servers = model_servers_once_retired(local_stack)

    everything = [answer for seen in answers for answer in seen]
    failures = [answer for answer in everything if answer[0] != 200]
    assert not failures, failures[:5]
    assert {version for _, version in everything} == {old_version, new_version}
    for seen in answers:  # each client sees the old model, then only the new one
        versions = [version for _, version in seen]
        switch = versions.index(new_version)
        assert set(versions[:switch]) == {old_version}
        assert set(versions[switch:]) == {new_version}
    assert serving["EndpointStatus"] == "InService"
    assert len(model_servers) == 1, "the old model server was not retired"
