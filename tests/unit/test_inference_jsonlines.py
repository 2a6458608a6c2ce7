"""``inference.py``'s ``application/jsonlines`` contract (what Batch Transform sends) on a tiny hand-made model.

Five words with known weights, so each expected score is the logistic of the summed weights, computed here.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from lambda_src.tokenizer import TokenizerSettings, Vocabulary
from serving import inference, transform
from serving.limits import MAX_JSON_LINES
from tests.conftest import Served

WEIGHTS = {"good": 1.5, "great": 2.0, "bad": -1.5, "awful": -2.0, "film": 0.25}
INTERCEPT = 0.1
JSONL = "application/jsonlines"


@pytest.fixture(scope="module")
def model() -> inference.SentimentModel:
    vocabulary = Vocabulary(tuple(WEIGHTS), TokenizerSettings(ngram_max=1), model_version="tiny")
    classifier = LogisticRegression()
    classifier.classes_ = np.array([0, 1])
    classifier.coef_ = np.array([list(WEIGHTS.values())])
    classifier.intercept_ = np.array([INTERCEPT])
    return inference.SentimentModel(classifier, vocabulary, "tiny-model")


def score(*words: str) -> float:
    return 1 / (1 + math.exp(-(INTERCEPT + sum(WEIGHTS[word] for word in words))))


def run(model: inference.SentimentModel, body: bytes | str, content_type: str = JSONL, accept: str = JSONL) -> Served:
    """``transform_fn`` as the container calls it; its response's status, body and content type."""
    response = inference.transform_fn(model, body, content_type, accept)
    return Served(response.status_code, response.get_data(), response.mimetype)


def answer_lines(body: str, model: inference.SentimentModel, accept: str = JSONL) -> list[dict]:
    answer = run(model, body.encode("utf-8"), JSONL, accept)
    assert (answer.status, answer.content_type) == (200, accept)
    out = answer.body.decode("utf-8")
    assert not out.endswith("\n"), "AssembleWith=Line adds the newline after each answer"
    return [json.loads(line) for line in out.split("\n")]


def test_one_answer_line_per_input_line_in_order(model) -> None:
    body = (
        '{"id": "a", "review": "A great film"}\n'
        '{"id": 2, "review": "bad, awful"}\n'
        "\n"  # blank lines are not records (SageMaker does not send them as records either)
        f'{{"id": "v", "indices": [0, 4], "values": [1, 1], "vocabulary_version": "{model.vocabulary.version}"}}'
    )
    lines = answer_lines(body, model)
    assert [line["id"] for line in lines] == ["a", 2, "v"]
    assert [line["label"] for line in lines] == ["positive", "negative", "positive"]
    expected = [score("great", "film"), score("bad", "awful"), score("good", "film")]
    assert [line["score"] for line in lines] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("not json", "invalid_json"),
        ('{"id": "d", "review": "x", "id": "e"}', "invalid_json"),  # duplicate key: strict JSON
        ("[1, 2]", "invalid_record"),
        ('{"id": "x"}', "invalid_record"),
        ('{"id": "x", "review": 5}', "invalid_record"),
        ('{"id": [1], "review": "good"}', "invalid_record"),
        ('{"id": "x", "review": "  "}', "empty_review"),
        ('{"id": "x", "review": "' + "good " * 4001 + '"}', "review_too_long"),
        ('{"id": "x", "review": "nothing known here"}', "no_known_words"),
        ('{"id": "x", "indices": [1, 0], "values": [1, 1], "vocabulary_version": "v"}', "invalid_record"),
        ('{"id": "x", "indices": [0], "values": [1], "vocabulary_version": "other"}', "vocabulary_mismatch"),
        ('{"id": "x", "indices": [0], "values": [1]}', "invalid_record"),
    ],
)
def test_a_bad_record_is_answered_in_its_place_and_the_others_are_scored(model, line: str, error: str) -> None:
    lines = answer_lines(f'{{"id": 1, "review": "good"}}\n{line}\n{{"id": 3, "review": "awful"}}', model)
    assert len(lines) == 3
    assert lines[1]["error"] == error and lines[1]["message"]
    assert lines[0]["score"] == pytest.approx(score("good")) and lines[2]["score"] == pytest.approx(score("awful"))


def test_index_out_of_range_is_the_records_error(model) -> None:
    version = model.vocabulary.version
    lines = answer_lines(f'{{"indices": [5], "values": [1], "vocabulary_version": "{version}"}}', model)
    assert lines == [{"error": "invalid_record", "message": "index 5 is out of range for 5 features"}]


def test_unicode_line_separators_inside_a_review_do_not_split_it(model) -> None:
    lines = answer_lines('{"id": 1, "review": "good\u2028great\u0085film"}\n{"id": 2, "review": "bad"}', model)
    assert [line["id"] for line in lines] == [1, 2]


def test_explain_per_line_and_json_answer_when_asked(model) -> None:
    body = '{"id": 1, "review": "great but bad", "explain": true}\n{"id": 2, "review": "good"}'
    lines = answer_lines(body, model)
    assert lines[0]["explanation"]["positive"][0]["term"] == "great" and "explanation" not in lines[1]
    whole = run(model, body, JSONL, "application/json").json()
    assert whole["model_version"] == "tiny-model" and len(whole["predictions"]) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"\n \n", 400),
        (b'{"review": "good"}\n\xff\xfe', 400),  # not UTF-8: the body as a whole is refused (the job fails)
        (b'{"review": "good"}\n' * (inference.MAX_BODY_BYTES // 19 + 1), 413),
    ],
)
def test_a_body_that_is_not_json_lines_is_refused_whole(model, body: bytes, status: int) -> None:
    refused = run(model, body)
    assert (refused.status, refused.content_type) == (status, "application/json") and refused.json()["error"]


def test_jsonlines_answer_for_a_json_request_is_one_prediction_a_line(model) -> None:
    request = {"instances": [{"indices": [1], "values": [1]}], "vocabulary_version": model.vocabulary.version}
    out = run(model, json.dumps(request), "application/json", JSONL)
    assert out.content_type == JSONL and out.json() == {"label": "positive", "score": pytest.approx(score("great"))}


def test_the_word_limit_is_the_records_error(model) -> None:
    many_words = " ".join(["good"] * (inference.MAX_TEXT_WORDS + 1))
    lines = answer_lines(f'{{"id": 1, "review": "{many_words}"}}\n{{"id": 2, "review": "great"}}', model)
    assert lines[0]["error"] == "review_too_long" and lines[1]["label"] == "positive"


def test_records_past_the_cap_are_a_413_before_any_record_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from serving import json_lines

    parsed: list[str] = []
    monkeypatch.setattr(json_lines, "parse_line", lambda line: parsed.append(line))
    body = "1\n" * (MAX_JSON_LINES + 1)  # the endpoint once spent 118 s and 1.8 GB on 3 million of these
    with pytest.raises(inference.PayloadTooLargeError, match=f"more than {MAX_JSON_LINES}") as refused:
        transform.parse(body.encode(), JSONL)
    assert refused.value.status_code == 413 and parsed == []


def test_records_up_to_the_cap_are_answered_and_blank_lines_do_not_count(model) -> None:
    record = '{"review": "good"}'
    body = f"{record}\n \r\n\t\n\u3000\n" * MAX_JSON_LINES  # U+3000 is blank to str.strip() too
    lines = answer_lines(body, model)
    assert len(lines) == MAX_JSON_LINES and all(line["label"] == "positive" for line in lines)


def test_a_long_blank_line_is_not_a_record(model) -> None:
    body = '{"id": 1, "review": "good"}\n' + " " * 1_000_000 + '\n{"id": 2, "review": "bad"}'
    assert [line["id"] for line in answer_lines(body, model)] == [1, 2]
