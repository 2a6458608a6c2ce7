"""A change of the Lambda's code and configuration alone, rolled out and back under continuous traffic.

API Gateway invokes the function's alias; each apply publishes a version (configuration and code together)
and moves the alias in one step, so no request runs new code with old configuration or fails. The changed
code marks its answers with a header, so each client can tell which code answered it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.local_aws.layout import REPO_ROOT
from scripts.local_aws.traffic import Traffic
from tests.integration.rollout import CLIENT_PAUSE_SECONDS, lambda_zip, sample_reviews, settle

pytestmark = pytest.mark.integration

CLIENTS = 3
MARK = "X-Handler-Revision"


def revised_source(work: Path) -> Path:
    """A copy of lambda_src whose answers carry a revision header: new code, same vocabulary."""
    source = work / "lambda_src"
    shutil.copytree(REPO_ROOT / "lambda_src", source, ignore=shutil.ignore_patterns("__pycache__"))
    errors = source / "errors.py"
    original = '"X-Content-Type-Options": "nosniff",'
    text = errors.read_text()
    assert original in text
    errors.write_text(text.replace(original, f'{original} "{MARK}": "2",'))
    return source


def test_code_and_configuration_change_fails_no_request(local_stack, imdb_folder: Path, tmp_path: Path) -> None:
    reviews = sample_reviews(imdb_folder)[:6]
    vocabulary = local_stack.artifacts / "vocabulary.json"
    new_zip = local_stack.keep(lambda_zip(vocabulary, tmp_path / "lambda.zip", revised_source(tmp_path)))

    with (
        local_stack.restoring() as change,
        Traffic(local_stack.predict_url, reviews, CLIENTS, CLIENT_PAUSE_SECONDS) as traffic,
    ):
        local_stack.apply(lambda_zip_path=str(new_zip), log_level="WARNING")
        settle(traffic)
        change.restore()  # the code and configuration of before, rolled back under the same traffic
        settle(traffic)

    answers = traffic.answers
    failures = [(a.status, a.error) for a in answers if a.status != 200]
    assert not failures, f"{len(failures)} of {len(answers)} requests failed: {failures[:5]}"
    for client in range(CLIENTS):
        marks = "".join("n" if a.headers.get(MARK) == "2" else "o" for a in answers if a.client == client)
        # Each client sees the old code, then only the new, then only the old again: one switch each way.
        assert marks[0] == marks[-1] == "o" and set(marks.strip("o")) == {"n"}, marks
